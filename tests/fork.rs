//! The A/B fork (`sim::fork`): both sides equal up to the fork instant, a preset's outcome
//! difference computed from the runs, lock-step seeking equal to independent runs, and the
//! fork text's round trip and refusals.

use mirrorscope::sim::fork::outcome::Metric;
use mirrorscope::sim::fork::pair::{fork_at_cursor, ForkPair};
use mirrorscope::sim::fork::presets::{preset, PRESETS};
use mirrorscope::sim::fork::spec::{is_fork, ForkSpec, Side, Variation};
use mirrorscope::sim::scenario::player::{Action, Player};
use mirrorscope::sim::scenario::Session;
use mirrorscope::sim::time::Micros;

/// Ten confirmed messages on node1, then a mirror on node2 that has only the five published
/// after it joined: node2 is an unsynchronised mirror. The master's node stops at 400 ms.
const UNSYNCED: &str = r#"cluster nodes=3
seed 5
client app node=node1
app declare s durable
app confirm
app publish s "old" count=10 persistent
wait 100ms
rabbitmqctl set_policy ha-nodes "^s$" '{"ha-mode":"nodes","ha-params":["rabbit@node1","rabbit@node2"]}'
wait 100ms
client pub node=node3
pub confirm
pub publish s "new" count=5 persistent
wait 100ms
on node1: rabbitmqctl stop_app
wait 2s
"#;

/// The player of `text`, loaded, with its cursor at `t`.
fn player_at(text: &str, t: Micros) -> Player {
    let mut p = Player::new();
    p.apply(Action::Load(text.to_string()));
    p.apply(Action::Seek(t));
    p
}

fn promote_fork() -> ForkPair {
    // Forked at 150 ms: after the policy, before the new messages and the stop.
    let p = player_at(UNSYNCED, Micros(150_000));
    let (a, b) = preset("promote-on-shutdown").unwrap().variations();
    let spec = fork_at_cursor(&p, a, b).unwrap();
    ForkPair::loaded(spec)
}

#[test]
fn both_sides_are_identical_up_to_the_fork_instant() {
    let pair = promote_fork();
    let at = pair.fork_at();
    assert_eq!(at, Micros(150_000));
    let base = Session::from_scenario(&pair.spec.base).unwrap();
    assert_eq!(base.now(), at);
    let prefix = &base.run.sim.trace;
    assert!(!prefix.is_empty());
    for p in [&pair.a, &pair.b] {
        let trace = &p.session.run.sim.trace;
        assert!(trace.len() > prefix.len());
        assert_eq!(&trace[..prefix.len()], &prefix[..]);
    }
    // And they differ after it (the policies differ).
    assert_ne!(pair.a.session.run.sim.trace, pair.b.session.run.sim.trace);
}

#[test]
fn promote_on_shutdown_always_loses_and_when_synced_goes_down() {
    let pair = promote_fork();
    let (a, b, diff) = pair.outcomes();
    // when-synced: the unsynchronised mirror is not promoted; the queue is down, nothing lost.
    assert_eq!(a.lost, 0, "{a:?}");
    assert!(a.promoted.is_empty(), "{a:?}");
    assert_eq!(a.down_now, 1);
    // Down from the stop at 300 ms to the end of the run at 2.3 s, and on with the clock.
    assert_eq!(a.downtime, Micros::from_secs(2), "{a:?}");
    assert_eq!(a.downtime_at(Micros::from_secs(3)), Micros(2_700_000));
    // always: node2 is promoted with the 5 newer messages, the 10 older confirmed ones are lost.
    assert_eq!(b.lost, 10, "{b:?}");
    assert_eq!(
        b.promoted,
        vec![("s".to_string(), "rabbit@node2".to_string())]
    );
    assert_eq!(b.down_now, 0);
    assert!(b.downtime < a.downtime);
    assert_eq!((a.confirmed, b.confirmed), (15, 15));
    let lost = diff.iter().find(|d| d.metric == Metric::Lost).unwrap();
    assert_eq!((lost.a, lost.b), (0, 10));
    assert!(lost.to_string().contains("B has 10 more"), "{lost}");
    assert!(diff.iter().any(|d| d.metric == Metric::Downtime));
}

#[test]
fn lock_step_seeking_equals_independent_runs() {
    let mut pair = promote_fork();
    for t in [
        Micros(420_000),
        Micros(100_000),
        Micros(1_300_000),
        Micros(900_000),
    ] {
        pair.start(Action::Seek(t));
        while !pair.work(5_000) {}
        assert_eq!(pair.a.cursor, t);
        assert_eq!(pair.b.cursor, t);
        for side in [Side::A, Side::B] {
            let alone = Session::from_scenario(&pair.spec.side_text(side))
                .unwrap()
                .snapshot_at(t);
            assert_eq!(
                pair.side(side).view().trace,
                alone.sim.trace,
                "{side:?} at {t}"
            );
        }
    }
    // Ticks move both to the same instant; a typed line runs on both.
    pair.start(Action::Play);
    pair.start(Action::Tick(10.0));
    while !pair.work(5_000) {}
    assert_eq!(pair.a.cursor, pair.b.cursor);
    pair.start(Action::Pause);
    let before = (pair.a.session.inputs().len(), pair.b.session.inputs().len());
    pair.start(Action::Input("on node1: rabbitmqctl start_app".into()));
    while !pair.work(u64::MAX) {}
    assert_eq!(pair.a.session.inputs().len(), before.0 + 1);
    assert_eq!(pair.b.session.inputs().len(), before.1 + 1);
}

#[test]
fn the_fork_text_round_trips_and_says_what_is_wrong() {
    let pair = promote_fork();
    let text = pair.spec.to_text();
    assert!(is_fork(&text));
    assert!(!is_fork(UNSYNCED));
    assert_eq!(ForkSpec::parse(&text).unwrap(), pair.spec);
    assert!(text.contains("fork a \"when-synced\"\nfork a: rabbitmqctl set_policy ab-fork"));
    // The stop after the cursor runs on both sides, after their own lines.
    assert!(pair.spec.after.contains("on node1: rabbitmqctl stop_app"));
    // A client named fork keeps its lines.
    assert!(!is_fork(
        "cluster nodes=3\nclient fork node=node1\nfork declare q\n"
    ));
    let same = Variation {
        label: "x".into(),
        lines: vec!["kill node1".into()],
    };
    let e = ForkSpec::new("cluster nodes=3\n", same.clone(), same).unwrap_err();
    assert!(e.message.contains("same lines"), "{e}");
    let e =
        ForkSpec::parse("cluster nodes=3\nfork a: frobnicate\nfork b: kill node1\n").unwrap_err();
    assert!(e.message.starts_with("side a, line 2:"), "{e}");
    let e = ForkSpec::parse("cluster nodes=3\nfork a: kill node1\nwait 1s\nfork b: kill node2\n")
        .unwrap_err();
    assert_eq!(e.line, 4);
    let e = ForkSpec::parse("cluster nodes=3\nwait 1s\n").unwrap_err();
    assert!(e.message.starts_with("no fork line"), "{e}");
}

#[test]
fn every_preset_forks_the_playground_start() {
    let p = player_at(
        "cluster nodes=3\nseed 1\nclient app node=node1\napp declare q durable\nwait 1s\n",
        Micros::from_secs(1),
    );
    for preset in PRESETS {
        let (a, b) = preset.variations();
        let spec = fork_at_cursor(&p, a, b).unwrap_or_else(|e| panic!("{}: {e}", preset.id));
        let pair = ForkPair::loaded(spec);
        for side in [Side::A, Side::B] {
            let p = pair.side(side);
            assert_eq!(p.error, None, "{} {side:?}", preset.id);
            assert!(
                p.session.run.steps.iter().all(|s| s.exit_code == 0),
                "{} {side:?}: {:?}",
                preset.id,
                p.session.run.steps
            );
        }
    }
}
