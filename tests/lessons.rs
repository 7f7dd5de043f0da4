//! Every lesson (`lessons/*.scn`) as a test: it parses with every required directive, it runs
//! the scripted way as a plain scenario with all its `expect` lines passing, each prediction has
//! exactly one right answer where it is asked, and no step's check already holds before the
//! step's lines run (a check that cannot fail is caught).

use mirrorscope::course::catalog::{self, FILES};
use mirrorscope::course::check;
use mirrorscope::course::{parse_lesson, Lesson};
use mirrorscope::sim::scenario::{run_text, Session};

fn all() -> &'static [Lesson] {
    assert_eq!(catalog::errors(), &[], "every lesson file parses");
    assert_eq!(catalog::lessons().len(), FILES.len());
    catalog::lessons()
}

#[test]
fn every_lesson_has_its_directives() {
    for l in all() {
        assert!(!l.title.en.is_empty() && !l.title.zh.is_empty(), "{}", l.id);
        assert!(!l.section.is_empty(), "{}", l.id);
        assert!(!l.steps.is_empty(), "{}", l.id);
        for s in &l.steps {
            assert!(
                !s.say.en.is_empty() && !s.say.zh.is_empty(),
                "{} {}",
                l.id,
                s.name
            );
        }
    }
}

#[test]
fn every_lesson_runs_as_a_scenario_with_its_expectations_passing() {
    for (file, text) in FILES {
        let run =
            run_text(text, None).unwrap_or_else(|e| panic!("{file}:{}: {}", e.line, e.message));
        let failed: Vec<String> = run
            .expectations
            .iter()
            .filter(|e| !e.passed)
            .map(|e| format!("{file}:{}: {} ({})", e.line, e.text, e.diff.join("; ")))
            .collect();
        assert!(failed.is_empty(), "{failed:#?}");
        assert!(!run.expectations.is_empty(), "{file} checks nothing");
    }
}

/// Walks each lesson step by step the way "Do it for me" does: each line as a session input.
#[test]
fn predictions_have_one_right_answer_and_checks_can_fail() {
    for l in all() {
        let mut session =
            Session::from_scenario(&l.setup).unwrap_or_else(|e| panic!("{}: {}", l.id, e.message));
        for s in &l.steps {
            let at = format!("lessons/{}.scn:{} (step {})", l.id, s.line, s.name);
            if let Some(done) = check::done(&session.run, s) {
                assert!(!done, "{at}: its checks already hold before its lines run");
            }
            for line in &s.lines {
                session
                    .apply(line)
                    .unwrap_or_else(|e| panic!("{at}: {line}: {e}"));
            }
            if let Some(p) = &s.predict {
                let right = check::holding(&session.run, p);
                assert_eq!(
                    right.len(),
                    1,
                    "{at}: choices that hold after the lines: {right:?}"
                );
                let v = check::score(&session.run, p, right[0]);
                assert!(v.correct());
                let wrong = (right[0] + 1) % p.choices.len();
                assert!(!check::score(&session.run, p, wrong).correct());
            }
            if let Some(done) = check::done(&session.run, s) {
                let diff: Vec<String> = s
                    .checks
                    .iter()
                    .flat_map(|c| session.run.check(&c.expectation))
                    .collect();
                assert!(done, "{at}: not done after its lines: {diff:?}");
            }
        }
    }
}

const GOOD: &str = "# lesson: t\n# section: 000 §1\n# order: 1\n# title.en: T\n# title.zh: T\ncluster nodes=3\n# step: a\n# say.en: A\n# say.zh: A\nkill node1\n";

#[test]
fn a_minimal_lesson_parses() {
    let l = parse_lesson("t.scn", GOOD).unwrap();
    assert_eq!(l.setup, "cluster nodes=3");
    assert_eq!(l.steps[0].lines, vec!["kill node1".to_string()]);
}

/// Each broken variant of [`GOOD`] fails at the line that is wrong, naming the file.
#[test]
fn errors_name_the_file_and_line() {
    let cases: &[(&str, &str, usize, &str)] = &[
        (
            "# say.en: A",
            "# say.eng: A",
            8,
            "unknown directive 'say.eng'",
        ),
        (
            "# title.en: T",
            "# title: T",
            4,
            "unknown directive 'title'",
        ),
        ("# say.zh: A\n", "", 7, "needs both"),
        ("# order: 1", "# order: first", 3, "not a whole number"),
        ("kill node1", "kill node1 now", 10, "kill"),
        (
            "kill node1",
            "kill node1\n# check:\nkill node2",
            12,
            "only expect lines",
        ),
        ("kill node1", "seed 4", 10, "set-up lines go before"),
        ("# lesson: t\n", "", 1, "missing '# lesson: ID'"),
        ("# lesson: t", "# lesson: T 1", 1, "lowercase"),
    ];
    for (from, to, line, msg) in cases {
        let text = GOOD.replacen(from, to, 1);
        let e = parse_lesson("lessons/x.scn", &text).expect_err(to);
        assert_eq!(e.line, *line, "{to}: {e}");
        assert!(
            e.to_string()
                .starts_with(&format!("lessons/x.scn:{line}: ")),
            "{e}"
        );
        assert!(e.message.contains(msg), "{to}: {e}");
    }
}

#[test]
fn predictions_need_both_languages_and_a_condition() {
    let predict = "\n# predict.en: Q\n# predict.zh: Q\n# choice.en: a\n# choice.zh: a\n# choice.if: queue q absent\n# choice.en: b\n# choice.zh: b\n# choice.if: queue q master=node2\n# explain.en: E\n# explain.zh: E\nkill node1\n";
    let text = GOOD.replacen("kill node1\n", predict, 1);
    let l = parse_lesson("t.scn", &text).unwrap();
    let p = l.steps[0].predict.as_ref().unwrap();
    assert_eq!(p.choices.len(), 2);
    assert_eq!(p.choices[1].when[0].text, "expect queue q master=node2");
    for broken in [
        text.replacen("# choice.if: queue q absent\n", "", 1),
        text.replacen("# explain.zh: E\n", "", 1),
        text.replacen(
            "# choice.if: queue q absent",
            "# choice.if: queue q colour=red",
            1,
        ),
    ] {
        assert!(parse_lesson("t.scn", &broken).is_err(), "{broken}");
    }
}

#[test]
fn a_choice_holds_only_when_all_its_ifs_hold() {
    let text = "# lesson: t\n# section: x\n# order: 1\n# title.en: T\n# title.zh: T\ncluster nodes=3\nconfig partition_handling=pause_minority\n# step: a\n# say.en: A\n# say.zh: A\n# predict.en: Q\n# predict.zh: Q\n# choice.en: paused, still seen\n# choice.zh: x\n# choice.if: node node1 state=paused\n# choice.if: node node2 sees=node1\n# choice.en: paused and cut off\n# choice.zh: y\n# choice.if: node node1 state=paused\n# choice.if: node node2 not_sees=node1\n# explain.en: E\n# explain.zh: E\npartition node1 | node2 node3\nwait 80s\n";
    let l = parse_lesson("t.scn", text).expect("parses");
    let p = l.steps[0].predict.as_ref().unwrap();
    assert_eq!(p.choices[0].when.len(), 2);
    let run = run_text(text, None).unwrap();
    assert_eq!(check::holding(&run, p), [1]);
    let many = text.replace(
        "# choice.if: node node2 sees=node1\n",
        &"# choice.if: node node2 sees=node1\n".repeat(9),
    );
    let err = parse_lesson("t.scn", &many).unwrap_err();
    assert!(err.to_string().contains("at most 8 '.if' lines"), "{err}");
}

#[test]
fn expect_node_reads_states_sight_and_partitions() {
    let run = |tail: &str| {
        let text = format!("cluster nodes=3\nconfig partition_handling=ignore\n{tail}");
        let r = run_text(&text, None).unwrap();
        r.expectations.iter().filter(|e| !e.passed).count()
    };
    assert_eq!(
        run("expect node node1 state=running sees=node2,node3 partitioned=false\n"),
        0
    );
    assert_eq!(
        run("stop node2\nexpect node node2 state=stopped\nexpect node node1 not_sees=node2\n"),
        0
    );
    assert_eq!(run("partition node1 | node2 node3\nwait 80s\nexpect node node1 not_sees=node2 sees=node1\nheal\nwait 1s\nexpect node node2 partitioned=true\n"), 0);
    assert_eq!(
        run("expect node node1 state=paused\nexpect node node1 not_sees=node3\n"),
        2
    );
    for bad in [
        "expect node node1 state=asleep",
        "expect node node1 partitioned=maybe",
        "expect node",
    ] {
        assert!(
            run_text(&format!("cluster nodes=3\n{bad}\n"), None).is_err(),
            "{bad}"
        );
    }
}
