//! Runs every acceptance scenario under tests/scenarios/ (the spec's traces) and checks that
//! each `expect` line holds; also checks that a run is deterministic.

use std::path::Path;

use mirrorscope::sim::scenario::{self, report};

fn scenario_files() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut v: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scenarios exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "scn"))
        .collect();
    v.sort();
    v
}

#[test]
fn every_scenario_meets_its_expectations() {
    let mut failures = Vec::new();
    let files = scenario_files();
    assert!(
        files.len() >= 15,
        "expected the trace scenarios, found {}",
        files.len()
    );
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let run = match scenario::run_text(&text, None) {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{}:{}: {}", f.display(), e.line, e.message));
                continue;
            }
        };
        assert!(
            !run.expectations.is_empty(),
            "{} has no expect lines",
            f.display()
        );
        if !run.all_passed() {
            failures.push(format!("{}\n{}", f.display(), report::to_text(&run)));
        }
        for st in &run.steps {
            if st.exit_code == 2 {
                failures.push(format!(
                    "{}:{}: runner error: {}",
                    f.display(),
                    st.line,
                    st.output
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn same_seed_same_inputs_give_an_identical_trace() {
    for f in scenario_files() {
        let text = std::fs::read_to_string(&f).expect("readable");
        let render = |seed| {
            let run = scenario::run_text(&text, Some(seed)).expect("parses");
            run.sim
                .trace
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(render(5), render(5), "{} is not deterministic", f.display());
    }
}

#[test]
fn json_report_has_the_documented_fields() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios/t07_brief_example.scn"),
    )
    .expect("readable");
    let run = scenario::run_text(&text, None).expect("parses");
    let json = report::to_json(&run);
    for field in [
        "\"steps\"",
        "\"queues\"",
        "\"clients\"",
        "\"expectations\"",
        "\"trace_len\"",
        "\"anomalies\"",
        "\"confirms\"",
        "\"acked\"",
        "\"rabbit@node3\"",
    ] {
        assert!(json.contains(field), "missing {field} in {json}");
    }
}

#[test]
fn every_send_names_the_messages_it_carries() {
    use mirrorscope::sim::trace::{Endpoint, MsgKind, TraceKind};
    for f in scenario_files() {
        let text = std::fs::read_to_string(&f).expect("readable");
        let run = scenario::run_text(&text, None).expect("parses");
        let sim = &run.sim;
        for (i, e) in sim.trace.iter().enumerate() {
            let TraceKind::Send {
                from,
                to,
                kind,
                label,
                msgs,
                ..
            } = &e.kind
            else {
                continue;
            };
            let at = format!("{}: trace[{i}] {e}", f.display());
            let publisher = |m: mirrorscope::sim::MsgId| {
                sim.messages[(m.0 - 1) as usize]
                    .publisher
                    .map(|(c, _)| Endpoint::Client(c))
            };
            for m in msgs {
                assert!(
                    (1..=sim.messages.len() as u64).contains(&m.0),
                    "{at}: {m:?}"
                );
            }
            match kind {
                MsgKind::Publish => {
                    assert_eq!(msgs.len(), 1, "{at}");
                    match msgs.single().and_then(publisher) {
                        Some(p) => assert_eq!(p, *from, "{at}"),
                        // A dead letter: republished by the master of the queue it left.
                        None => assert!(matches!(from, Endpoint::Proc(_)), "{at}"),
                    }
                }
                MsgKind::ReplicaConfirm => {
                    assert_eq!(msgs.len(), 1, "{at}");
                    assert_eq!(msgs.single().and_then(publisher), Some(*to), "{at}");
                }
                // basic.get-empty travels as a delivery of nothing.
                MsgKind::Deliver if label == "basic.get-empty" => assert!(msgs.is_empty(), "{at}"),
                MsgKind::Deliver | MsgKind::Redeliver => assert_eq!(msgs.len(), 1, "{at}"),
                MsgKind::ClientAck | MsgKind::ClientReject => assert!(!msgs.is_empty(), "{at}"),
                MsgKind::Request | MsgKind::Cancel => assert!(msgs.is_empty(), "{at}"),
                _ => {}
            }
        }
    }
}
