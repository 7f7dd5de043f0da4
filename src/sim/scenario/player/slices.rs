//! Work done in slices equals work done at once: seeks ahead and into the past, loads and
//! pasted blocks, with and without scripts, at several budgets; and a Stop leaves a run that a
//! rebuild at its time gives. `slice_bench` (ignored) prints the longest slice's wall time for
//! `./x bench`.

use super::tests::{assert_same_run, busy_player};
use super::*;
use std::time::Instant;

/// A run with a script that polls every 100 µs and a confirming publisher: the heavy kind.
fn scripted_scenario() -> String {
    let base = include_str!("../../../../tests/scenarios/pika_confirms_master_kill.scn");
    let poll = "python poll on node=node3 <<EOF\nimport pika, time\nconn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))\nch = conn.channel()\nwhile True:\n    time.sleep(0.0001)\nEOF\n";
    base.replacen("python pub", &format!("wait 50ms\n{poll}python pub"), 1)
}

/// Runs the work in progress in slices of `budget` events; how many slices it took.
fn slices(p: &mut Player, budget: u64) -> usize {
    let mut n = 0;
    while !p.work(budget) {
        n += 1;
        assert!(p.busy().is_some());
    }
    n
}

fn whole_and_sliced(text: &str, actions: &[Action], budget: u64) -> (Player, Player, usize) {
    let mut whole = Player::from_session(Session::from_scenario(text).unwrap());
    let mut sliced = Player::from_session(Session::from_scenario(text).unwrap());
    let mut n = 0;
    for a in actions {
        whole.apply(a.clone());
        sliced.start(a.clone());
        n += slices(&mut sliced, budget);
        assert_eq!(sliced.cursor, whole.cursor);
        assert_same_run(sliced.view_run(), whole.view_run(), whole.cursor);
        assert_same_run(&sliced.session.run, &whole.session.run, whole.horizon());
    }
    (whole, sliced, n)
}

#[test]
fn seeks_in_slices_equal_seeks_at_once() {
    let seeks = [
        Action::Seek(Micros::from_secs(8)),
        Action::Seek(Micros::from_ms(1500)),
        Action::Seek(Micros::from_ms(300)),
        Action::Seek(Micros::from_ms(2500)),
        Action::Seek(Micros::from_secs(12)),
    ];
    let busy = busy_player().session.to_scenario();
    for budget in [1, 5, 200] {
        let (_, _, n) = whole_and_sliced(&busy, &seeks, budget);
        assert!(n > seeks.len(), "budget {budget}: {n} slices");
    }
    for budget in [1, 50, 3000] {
        let (_, _, n) = whole_and_sliced(&scripted_scenario(), &seeks, budget);
        assert!(n > seeks.len(), "budget {budget}: {n} slices");
    }
}

#[test]
fn a_load_in_slices_equals_a_load_at_once() {
    for text in [busy_player().session.to_scenario(), scripted_scenario()] {
        let whole = Session::from_scenario(&text).unwrap();
        for budget in [37, 3000] {
            let mut p = Player::new();
            p.start(Action::Load(text.clone()));
            assert_eq!(p.busy().map(|b| b.kind), Some(WorkKind::Load));
            // A seek asked for while it loads is where the loaded session is shown.
            p.start(Action::Seek(Micros::from_ms(700)));
            slices(&mut p, budget);
            assert_eq!(p.cursor, Micros::from_ms(700));
            assert_same_run(&p.session.run, &whole.run, whole.now());
            assert_eq!(p.session.inputs(), whole.inputs());
            assert_same_run(p.view_run(), &whole.snapshot_at(p.cursor), p.cursor);
        }
    }
}

#[test]
fn a_stopped_seek_leaves_a_run_a_rebuild_gives() {
    {
        let mut p = Player::from_session(Session::from_scenario(&scripted_scenario()).unwrap());
        let start = p.horizon();
        p.start(Action::Seek(start + Micros::from_secs(3)));
        for _ in 0..5 {
            assert!(!p.work(50));
        }
        let progress = p.busy().unwrap().progress;
        assert!(progress > 0.0 && progress < 1.0, "{progress}");
        p.apply(Action::Stop);
        assert!(p.busy().is_none());
        let reached = p.cursor;
        assert_eq!(p.stopped, Some(Stopped::Seek { reached }));
        assert!(reached > start && reached < start + Micros::from_secs(3));
        assert_same_run(&p.session.run, &p.session.snapshot_at(reached), reached);
        // Acting there records the input at that time, and the session replays the same.
        p.apply(Action::Input("kill node2".into()));
        let again = Session::from_scenario(&p.session.to_scenario()).unwrap();
        assert_eq!(again.run.sim.trace, p.session.run.sim.trace);
    }
}

#[test]
fn a_stopped_replay_or_load_changes_nothing() {
    let mut p = busy_player();
    let before = p.session.to_scenario();
    p.apply(Action::Seek(Micros::from_ms(900)));
    p.start(Action::Seek(Micros::from_ms(1600)));
    assert!(!p.work(3));
    p.start(Action::Stop);
    let reached = p.cursor;
    assert_eq!(p.stopped, Some(Stopped::Seek { reached }));
    assert!(reached > Micros::from_ms(900) && reached < Micros::from_ms(1600));
    assert_same_run(p.view_run(), &p.session.snapshot_at(reached), reached);
    p.start(Action::Load(scripted_scenario()));
    assert!(!p.work(10));
    p.apply(Action::Stop);
    assert_eq!(p.stopped, Some(Stopped::Load));
    assert_eq!(p.session.to_scenario(), before);
    // The next action clears the notice; ticks wait while work is in progress.
    p.start(Action::Seek(p.horizon() + Micros::from_secs(5)));
    assert!(p.stopped.is_none());
    let cursor = p.cursor;
    p.start(Action::Play);
    p.start(Action::Tick(16.0));
    assert_eq!(p.cursor, cursor);
    assert!(p.busy().is_some());
}

#[test]
fn a_stopped_block_runs_no_more_commands() {
    let mut p = Player::new();
    p.start(Action::Console {
        node: 0,
        line: "rabbitmqctl stop_app\nrabbitmqctl start_app\nrabbitmqctl stop_app".into(),
    });
    assert_eq!(p.busy().map(|b| b.kind), Some(WorkKind::Block));
    assert!(!p.work(1));
    p.apply(Action::Stop);
    assert_eq!(p.stopped, Some(Stopped::Block { not_run: 2 }));
    let last = p.console.last().unwrap();
    assert_eq!(last.exit_code, STOPPED_EXIT);
    assert_eq!(last.input, "rabbitmqctl start_app\nrabbitmqctl stop_app");
    assert!(
        last.output.starts_with("^C\nstopped: 2 command(s)"),
        "{}",
        last.output
    );
    assert_eq!(p.console.len(), 2);
    assert_eq!(p.console[0].input, "rabbitmqctl stop_app");
}

#[test]
fn an_instant_of_ten_thousand_arrivals_is_split_between_slices() {
    let text = "cluster nodes=3\nrabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'\n\
                client app node=node2\napp declare q1 durable\napp confirm\n\
                app publish q1 \"m\" count=10000\n";
    let to = Action::Seek(Micros::from_ms(10));
    let mut whole = Player::from_session(Session::from_scenario(text).unwrap());
    whole.apply(to.clone());
    let mut sliced = Player::from_session(Session::from_scenario(text).unwrap());
    sliced.start(to);
    let mut largest = 0;
    loop {
        let e0 = sliced.session.run.sim.events_processed;
        let done = sliced.work(500);
        largest = largest.max(sliced.session.run.sim.events_processed - e0);
        if done {
            break;
        }
    }
    // The publishes reach the master at one instant: 10,000 events that no slice takes whole.
    assert!(largest <= 500, "{largest} events in one slice");
    assert_same_run(&sliced.session.run, &whole.session.run, whole.horizon());
    // Replaying the past through that instant is split the same way.
    let back = Action::Seek(Micros::from_ms(3));
    whole.apply(back.clone());
    sliced.start(back);
    let slices = slices(&mut sliced, 500);
    // ~40,000 events in a handful of instants: whole instants would be a handful of slices.
    assert!(slices > 60, "{slices} slices");
    assert_eq!(sliced.cursor, whole.cursor);
    assert_same_run(sliced.view_run(), whole.view_run(), whole.cursor);
    // Stopped inside that instant, the run is completed to a rebuild at the time reached.
    let mut stopped = Player::from_session(Session::from_scenario(text).unwrap());
    stopped.start(Action::Seek(Micros::from_ms(10)));
    assert!(!stopped.work(500));
    stopped.apply(Action::Stop);
    let reached = stopped.cursor;
    assert_same_run(
        &stopped.session.run,
        &stopped.session.snapshot_at(reached),
        reached,
    );
}

/// A paused script beside the polling one, for the editor's Step: its sleep lets the poller
/// run 20,000 times while the Step waits.
fn stepping_scenario() -> String {
    let stepper = "python stepper on node=node2 paused <<EOF\nimport pika, time\nconn = pika.BlockingConnection(pika.ConnectionParameters('localhost'))\nch = conn.channel()\ntime.sleep(2)\nch.queue_declare(queue='s')\nprint('declared')\nEOF\n";
    format!("{}{stepper}", scripted_scenario())
}

#[test]
fn steps_in_slices_equal_steps_at_once() {
    let steps: Vec<Action> = (0..7)
        .map(|_| Action::StepScript("stepper".into()))
        .collect();
    for budget in [1, 7, 500] {
        let (whole, sliced, n) = whole_and_sliced(&stepping_scenario(), &steps, budget);
        assert!(n > steps.len(), "budget {budget}: {n} slices");
        let out = |p: &Player| p.session.run.scripts.get("stepper").unwrap().output_text();
        assert_eq!(out(&sliced), out(&whole));
        assert!(out(&whole).contains("declared"), "{}", out(&whole));
    }
}

#[test]
fn a_stopped_step_leaves_the_script_mid_statement() {
    let mut p = Player::from_session(Session::from_scenario(&stepping_scenario()).unwrap());
    for _ in 0..3 {
        p.apply(Action::StepScript("stepper".into()));
    }
    let start = p.horizon();
    // The fourth statement sleeps 2 s.
    p.start(Action::StepScript("stepper".into()));
    assert_eq!(p.busy().map(|b| b.kind), Some(WorkKind::Step));
    for _ in 0..5 {
        assert!(!p.work(50));
    }
    p.apply(Action::Stop);
    let reached = p.cursor;
    assert_eq!(p.stopped, Some(Stopped::Seek { reached }));
    assert!(reached > start && reached < start + Micros::from_secs(2));
    let stepper = p.session.run.scripts.get("stepper").unwrap();
    assert_eq!(stepper.state(), ScriptState::Waiting);
    assert_same_run(&p.session.run, &p.session.snapshot_at(reached), reached);
}

/// The wall time of the longest slice of the heaviest work, at the page's budget.
#[test]
#[ignore]
fn slice_bench() {
    const BUDGET: u64 = 2_000;
    let mut heavy = String::from(
        "cluster nodes=3\nrabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'\nclient app node=node2\napp declare q1 durable\napp confirm\napp publish q1 \"m\" count=10000\n",
    );
    heavy.push_str("wait 10s\n");
    let cases: [(&str, String, Action); 4] = [
        (
            "load_heaviest_line (count=10000, all, confirms)",
            heavy.clone(),
            Action::Load(heavy.clone()),
        ),
        (
            "load_polling_script (every 100 µs)",
            scripted_scenario(),
            Action::Load(scripted_scenario()),
        ),
        (
            "far_seek_polling (1000 h ahead)",
            scripted_scenario(),
            Action::Seek(Micros::from_secs(3_600_000)),
        ),
        (
            "step_over_sleep_beside_polling (2 s)",
            stepping_scenario(),
            Action::StepScript("stepper".into()),
        ),
    ];
    for (label, text, action) in cases {
        let mut p = if matches!(action, Action::Load(_)) {
            Player::new()
        } else {
            Player::from_session(Session::from_scenario(&text).unwrap())
        };
        if matches!(action, Action::StepScript(_)) {
            // The stepper's fourth statement is its sleep.
            for _ in 0..3 {
                p.apply(action.clone());
            }
        }
        let t0 = Instant::now();
        p.start(action);
        let mut longest = t0.elapsed().as_secs_f64();
        let mut n = 1;
        loop {
            let t = Instant::now();
            let done = p.work(BUDGET);
            longest = longest.max(t.elapsed().as_secs_f64());
            n += 1;
            if done {
                break;
            }
        }
        println!(
            "slice {label:<48} {n:>6} slices of {BUDGET} events, longest {:.2} ms, total {:.1} ms",
            longest * 1e3,
            t0.elapsed().as_secs_f64() * 1e3
        );
    }
}

#[test]
fn next_interesting_in_slices_equals_it_at_once() {
    // The session ends as node1 is killed: the hunt runs ahead to the failover's first notable
    // entry, then (nothing else coming) a minute on.
    let text =
        "cluster nodes=3\nseed 2\nrabbitmqctl set_policy ha \"^q\" '{\"ha-mode\":\"all\"}'\n\
                client app node=node2\napp declare q1 durable\napp confirm\n\
                app publish q1 \"a\" count=200\nwait 1s\nkill node1\n";
    for budget in [1, 7, 500] {
        let mut whole = Player::from_session(Session::from_scenario(text).unwrap());
        let mut sliced = Player::from_session(Session::from_scenario(text).unwrap());
        for hunt in 0..3 {
            let t0 = whole.cursor;
            whole.apply(Action::NextInteresting);
            sliced.start(Action::NextInteresting);
            let n = slices(&mut sliced, budget);
            assert!(whole.cursor > t0, "hunt {hunt} moved on");
            assert_eq!(sliced.cursor, whole.cursor, "budget {budget}, hunt {hunt}");
            assert_same_run(&sliced.session.run, &whole.session.run, whole.cursor);
            if budget == 1 && hunt == 0 {
                assert!(n >= 1, "the hunt took {n} slices");
            }
        }
    }
}
