//! Captions and marks (docs/scenario-format.md): parsed with clear errors, bounded, printed by
//! `mirrorscope run` at their moment and in the JSON report, kept by a session's scenario, and
//! never a change to the cluster's trace.

use std::path::Path;

use mirrorscope::sim::scenario::captions::{CAPTIONS_MAX, CAPTION_MAX_CHARS};
use mirrorscope::sim::scenario::{self, report, Session};
use mirrorscope::sim::time::Micros;

fn read(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).expect("readable")
}

fn trace_of(text: &str) -> Vec<String> {
    let run = scenario::run_text(text, None).expect("parses");
    run.sim.trace.iter().map(|e| e.to_string()).collect()
}

/// The scenario without its caption and mark lines.
fn without_narration(text: &str) -> String {
    text.lines()
        .filter(|l| {
            let l = l.trim_start();
            !l.starts_with("caption ") && !l.starts_with("mark ")
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn narration_leaves_the_trace_as_it_was() {
    let narrated = read("tests/scenarios/captions_unsynced_failover.scn");
    assert_eq!(trace_of(&narrated), trace_of(&without_narration(&narrated)));
    // And T9 itself is the same run.
    assert_eq!(
        trace_of(&narrated),
        trace_of(&read("tests/scenarios/t09_unsynced_failover.scn"))
    );
    // Captions and marks sprinkled between every line of every scenario change no trace.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "scn"))
        .collect();
    files.sort();
    for f in files.iter().take(12) {
        let text = std::fs::read_to_string(f).expect("readable");
        let steps = scenario::parse(&text).expect("parses");
        // After the set-up, before each step (python blocks and continued lines stay whole).
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let setup = steps
            .iter()
            .take_while(|s| {
                matches!(
                    s.action,
                    scenario::Action::Cluster(_)
                        | scenario::Action::Seed(_)
                        | scenario::Action::Config(_)
                )
            })
            .count();
        for (k, st) in steps.iter().enumerate().skip(setup).rev() {
            lines.insert(
                st.line - 1,
                format!("caption \"step {k}\" zh=\"第{k}步\" for=1s\nmark \"m{k}\" at={k}s"),
            );
        }
        let sprinkled = lines.join("\n");
        assert_eq!(
            trace_of(&sprinkled),
            trace_of(&text),
            "{} changed with captions",
            f.display()
        );
    }
}

#[test]
fn run_prints_each_caption_and_mark_at_its_moment() {
    let run = scenario::run_text(
        &read("tests/scenarios/captions_unsynced_failover.scn"),
        None,
    )
    .expect("parses");
    assert!(run.all_passed());
    let text = report::to_text(&run);
    assert!(
        text.contains(
            "--- line 9 [t=100ms] $ mark \"mirror added\"\nmark at 100ms: mirror added\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("caption at 100ms until 2.100s: A mirror on node2 joins"),
        "{text}"
    );
    assert!(text.contains("caption at 300ms: node1 crashes"), "{text}");
    assert!(text.contains("\n  zh: node1 崩溃"), "{text}");
    let json = report::to_json(&run);
    assert!(
        json.contains(r#""captions":[{"at_us":0,"until_us":null,"en":"Ten messages wait in queue s on node1, before any policy.","zh":"策略生效前，node1 上的队列 s 已有十条消息。"},"#),
        "{json}"
    );
    assert!(
        json.ends_with(r#""marks":[{"at_us":100000,"name":"mirror added"},{"at_us":300000,"name":"promotion"}]}"#),
        "{json}"
    );
    // The caption in force at the cursor.
    let at = |ms| {
        run.narration
            .caption_at(Micros::from_ms(ms))
            .map(|c| c.text(true).to_string())
    };
    assert_eq!(
        at(50).as_deref(),
        Some("策略生效前，node1 上的队列 s 已有十条消息。")
    );
    assert_eq!(
        at(250).as_deref(),
        Some("node2 上新增镜像，但旧消息不会同步过去。")
    );
    assert!(at(301).is_some_and(|t| t.starts_with("node1 崩溃")));
}

#[test]
fn a_report_without_narration_has_no_new_fields() {
    let run = scenario::run_text(&read("tests/scenarios/t09_unsynced_failover.scn"), None)
        .expect("parses");
    let json = report::to_json(&run);
    assert!(!json.contains("\"captions\"") && !json.contains("\"marks\""));
}

#[test]
fn a_shared_session_keeps_its_captions() {
    let mut s = Session::new(&["cluster nodes=3"]).expect("session");
    s.apply("client app node=node1").expect("client");
    s.advance_to(Micros::from_ms(40));
    s.apply("caption \"Here it starts\" zh=\"从这里开始\"")
        .expect("caption");
    s.apply("mark \"start\" at=10ms").expect("mark");
    s.advance_to(Micros::from_ms(90));
    let text = s.to_scenario();
    assert!(
        text.contains(
            "wait 40ms\ncaption \"Here it starts\" zh=\"从这里开始\"\nmark \"start\" at=10ms\n"
        ),
        "{text}"
    );
    let again = Session::from_scenario(&text).expect("replays");
    assert_eq!(again.run.narration, s.run.narration);
    assert_eq!(again.run.sim.trace, s.run.sim.trace);
    assert_eq!(s.run.narration.marks[0].at, Micros::from_ms(10));
    assert_eq!(s.run.narration.captions[0].at, Micros::from_ms(40));
}

#[test]
fn bad_lines_name_their_line() {
    let err = |text: &str| {
        let e = scenario::parse(text).expect_err("refused");
        (e.line, e.message)
    };
    let (line, msg) = err("cluster nodes=3\ncaption zh=\"中文\"\n");
    assert_eq!(line, 2);
    assert!(
        msg.contains("caption needs its English text first"),
        "{msg}"
    );
    let (line, msg) = err("cluster nodes=3\nwait 1s\ncaption \"x\" colour=red\n");
    assert_eq!(line, 3);
    assert!(msg.contains("unknown key 'colour'"), "{msg}");
    let (_, msg) = err("caption \"x\" at=soon");
    assert!(msg.starts_with("at=soon: "), "{msg}");
    let (_, msg) = err("caption \"\"");
    assert!(msg.contains("the text is empty"), "{msg}");
    let (_, msg) = err("mark");
    assert!(msg.contains("mark needs a name"), "{msg}");
    let long = "x".repeat(CAPTION_MAX_CHARS + 1);
    let (_, msg) = err(&format!("caption \"ok\" zh=\"{long}\""));
    assert!(msg.contains("501 characters, more than the 500"), "{msg}");
    // Exactly at the limit is fine (characters, not bytes).
    let at_limit = "中".repeat(CAPTION_MAX_CHARS);
    assert!(scenario::parse(&format!("caption \"{at_limit}\"")).is_ok());
    let many: String = (0..=CAPTIONS_MAX)
        .map(|i| format!("mark \"m{i}\"\n"))
        .collect();
    let (line, msg) = err(&many);
    assert_eq!(line, CAPTIONS_MAX + 1);
    assert!(msg.contains("at most 200 marks"), "{msg}");
}

#[test]
fn lines_print_back_in_canonical_form() {
    for line in [
        "caption \"The master is gone\" zh=\"主节点不在了\" at=2s for=5s",
        "caption \"Say \\\"hi\\\"\"",
        "mark \"promotion\" at=1500ms",
        "mark \"m\"",
    ] {
        let step = &scenario::parse(line).expect("parses")[0];
        assert_eq!(step.to_string(), line);
    }
}

#[test]
fn a_session_refuses_a_caption_past_the_limit() {
    let mut s = Session::new(&["cluster nodes=1"]).expect("session");
    for i in 0..CAPTIONS_MAX {
        s.apply(&format!("caption \"c{i}\"")).expect("caption");
    }
    let r = s.apply("caption \"one too many\"").expect("runs");
    assert_eq!(r.exit_code, 2);
    assert!(r.output.contains("at most 200 captions"), "{}", r.output);
    assert_eq!(s.run.narration.captions.len(), CAPTIONS_MAX);
}
