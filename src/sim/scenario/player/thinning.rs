//! A thinned history changes what the trace keeps, never the run: the present, and every
//! state a seek shows (in the thinned past too), are those of a run that keeps everything.

use super::tests::{busy_text, loaded_with_marks};
use super::*;
use crate::sim::scenario::session::Loading;
use crate::sim::trace::Trace;

/// A tenth of a second of detail, dropped a few hundredths at a time: the busy run (a couple
/// of seconds) is thinned many times over.
const SHORT: Thinning = Thinning {
    keep: Micros(100_000),
    every: Micros(30_000),
};

/// The whole simulation but its trace, as text (the event queue and generator included).
fn state(sim: &Sim) -> String {
    let mut s = sim.clone();
    s.trace = Trace::new();
    format!("{s:?}")
}

/// The held entries of `thin` are those of `whole` at the same addresses.
fn held_agree(thin: &Trace, whole: &Trace, at: Micros) {
    assert!(thin.len() == whole.len(), "trace length at {at:?}");
    for (a, e) in thin.addressed() {
        assert_eq!(whole.get(a), Some(e), "entry {a} at {at:?}");
    }
}

/// The busy run loaded as the page loads it, thinned from its first line with `thinning`.
fn loaded(thinning: Option<Thinning>) -> Session {
    let mut l = Loading::new(&busy_text()).unwrap();
    l.set_thinning(thinning);
    while !l.work(500) {}
    l.into_session()
}

#[test]
fn a_thinned_run_is_the_same_run() {
    let whole = loaded(None);
    let thin = loaded(Some(SHORT));
    let (w, t) = (&whole.run.sim, &thin.run.sim);
    assert!(t.trace.base() > w.trace.len() / 2, "{}", t.trace.base());
    assert_eq!(w.trace.base(), 0);
    assert_eq!(state(t), state(w));
    assert_eq!(thin.run.steps, whole.run.steps);
    held_agree(&t.trace, &w.trace, t.now());
    // The checker found the same losses with the same causes (by address and text).
    assert_eq!(t.losses.lost, w.losses.lost);
}

#[test]
fn seeks_into_the_thinned_past_show_the_unthinned_state() {
    let whole = loaded(None);
    let mut p = Player::from_session(loaded(None));
    p.session.set_thinning(Some(SHORT));
    p.checkpoints.spacing = 40;
    let horizon = p.horizon();
    let before = p.thinned().expect("thinned").before;
    assert!(before > Micros::from_ms(1000), "{before:?}");
    let mut rng = crate::rng::Rng::new(9);
    let mut targets: Vec<Micros> = (0..25).map(|_| Micros(rng.below(horizon.0))).collect();
    targets.extend([Micros::ZERO, Micros::from_ms(530), Micros(horizon.0 - 1)]);
    for (n, &t) in targets.iter().enumerate() {
        if n % 4 == 0 {
            p.apply(Action::Seek(horizon));
        }
        p.apply(Action::Seek(t));
        assert_eq!(p.error, None);
        let want = whole.snapshot_at(t);
        assert_eq!(state(p.view()), state(&want.sim), "state at {t:?}");
        assert_eq!(p.view_run().steps, want.steps, "steps at {t:?}");
        held_agree(&p.view().trace, &want.sim.trace, t);
        assert_eq!(p.thinned().map(|h| h.at_cursor), Some(t < before));
    }
    // Stepping through the thinned past goes event by event (its scheduled events, which the
    // trace no longer lists), never past the next traced entry an unthinned run steps to.
    p.apply(Action::Seek(Micros::from_ms(480)));
    let mut w = Player::from_session(loaded(None));
    w.apply(Action::Seek(Micros::from_ms(480)));
    for _ in 0..6 {
        let was = p.cursor;
        p.apply(Action::Step);
        while w.cursor <= was {
            w.apply(Action::Step);
        }
        assert!(
            p.cursor > was && p.cursor <= w.cursor,
            "{was:?} {:?}",
            p.cursor
        );
        assert!(p.cursor < before);
        assert_eq!(state(p.view()), state(&whole.snapshot_at(p.cursor).sim));
    }
    // Acting in the thinned past forks as anywhere else: the run goes on from the state shown.
    let t = Micros::from_ms(700);
    p.apply(Action::Seek(t));
    p.apply(Action::Input("kill node3".into()));
    let mut w = Player::from_session(loaded(None));
    w.apply(Action::Seek(t));
    w.apply(Action::Input("kill node3".into()));
    for p in [&mut p, &mut w] {
        p.apply(Action::Seek(t + Micros::from_ms(400)));
    }
    assert_eq!(state(p.view()), state(w.view()));
    held_agree(&p.view().trace, &w.view().trace, p.cursor);
}

#[test]
fn a_thinned_scripted_run_keeps_its_scripts_and_their_recent_links() {
    let text = include_str!("../../../../tests/scenarios/pika_confirms_master_kill.scn");
    let load = |thinning| {
        let mut l = Loading::new(text).unwrap();
        l.set_thinning(thinning);
        while !l.work(300) {}
        l.into_session()
    };
    let (whole, thin) = (load(None), load(Some(SHORT)));
    let (w, t) = (&whole.run, &thin.run);
    assert!(t.sim.trace.base() > 0);
    assert_eq!(state(&t.sim), state(&w.sim));
    let outputs =
        |r: &Run| -> Vec<String> { r.scripts.all().iter().map(|s| s.output_text()).collect() };
    assert_eq!(outputs(t), outputs(w));
    // Links to dropped entries are forgotten; the others are the unthinned run's.
    let base = t.sim.trace.base();
    for (a, b) in t.scripts.all().iter().zip(w.scripts.all()) {
        let kept: Vec<(u32, u32)> = b
            .links()
            .iter()
            .copied()
            .filter(|&(_, i)| i as usize >= base)
            .collect();
        assert!(a.links().iter().all(|&(_, i)| i as usize >= base));
        assert_eq!(a.links().iter().copied().collect::<Vec<_>>(), kept);
        assert!(a.links().len() < b.links().len());
    }
}

#[test]
fn a_load_marks_its_checkpoints_as_a_past_on_display_keeps_its_history() {
    // Seven minutes, a publish a second: the present keeps five minutes of detail (HISTORY)
    // while loading and after, a past on display one (PAST_HISTORY).
    let mut text = String::from("cluster nodes=3\nclient app node=node1\napp declare q1\n");
    for _ in 0..420 {
        text.push_str("wait 1s\napp publish q1 \"m\"\n");
    }
    let mut p = loaded_with_marks(&text, 20, 500);
    let past = p.past_thinning();
    assert_eq!(past, Some(PAST_HISTORY));
    let live = &p.session.run.sim.trace;
    assert!(live.base() > 0, "the present thinned");
    let marks: Vec<Micros> = p.checkpoints.marks.iter().map(|m| m.at).collect();
    assert!(marks.len() > 20, "{}", marks.len());
    let mut whole = 0;
    for (i, &at) in marks.iter().enumerate() {
        let (run, _) = p.checkpoints.restore(i, None, live).unwrap();
        let mut want = p.session.snapshot_at(at);
        want.sim.trace.set_thinning(past);
        assert_eq!(state(&run.sim), state(&want.sim), "state at {at:?}");
        assert_eq!(run.sim.trace.thinning(), past);
        held_agree(&run.sim.trace, &want.sim.trace, at);
        // Where the present still holds what a past there keeps, the copy's trace is that.
        if live.base() <= want.sim.trace.base() {
            assert_eq!(run.sim.trace, want.sim.trace, "trace at {at:?}");
            whole += 1;
        }
    }
    assert!(whole > 10, "{whole}");
}
