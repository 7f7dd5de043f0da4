//! Scrubbing cost on a busy run. Not a timed test (the figures depend on the machine): run it
//! with `cargo test --release --lib sim::scenario::player::seek_bench -- --ignored --nocapture`.
//! The rebuild from time zero it compares with is what a backward seek did before checkpoints.
//! A scripted busy run follows (the welcome scenario's pika scripts), whose seeks replayed from
//! time zero before checkpoints copied scripts.

use super::*;
use crate::sim::bench;
use crate::sim::state_change::StateChange;
use crate::sim::trace::TraceEvent;
use std::mem::size_of;
use std::time::Instant;

/// Rough heap bytes of a trace: the entries plus their strings.
fn trace_bytes(trace: &[TraceEvent]) -> usize {
    trace
        .iter()
        .map(|e| {
            size_of::<TraceEvent>()
                + match &e.kind {
                    TraceKind::Input { text } => text.capacity(),
                    TraceKind::Send { label, .. } => label.heap_bytes(),
                    TraceKind::Lost { reason, .. } => reason.capacity(),
                    TraceKind::State { change, .. } => {
                        size_of::<StateChange>() + change.to_string().len()
                    }
                }
        })
        .sum()
}

fn stats(label: &str, mut ms: Vec<f64>) {
    crate::sort::sort_by(&mut ms, |a, b| a.total_cmp(b));
    let mean = ms.iter().sum::<f64>() / ms.len().max(1) as f64;
    let at = |q: usize| ms.get(ms.len() * q / 100).copied().unwrap_or(0.0);
    println!(
        "  {label:<44} n={:<4} mean {mean:6.2} ms  median {:6.2}  p90 {:6.2}  max {:6.2}",
        ms.len(),
        at(50),
        at(90),
        ms.last().copied().unwrap_or(0.0)
    );
}

/// The process's resident memory (Linux), for the rough size of what a step kept.
fn resident_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1 << 20) as f64
}

fn timed(f: impl FnOnce()) -> f64 {
    let s = Instant::now();
    f();
    s.elapsed().as_secs_f64() * 1e3
}

/// Times the seeks both benches make ([`bench::backward_seeks`]: `count` random targets, a
/// drag back by `step_ms`) on a player at its present. Prints the first seek's time and each
/// kind's figures; returns the times of all but the first, sorted.
fn seek_pattern(p: &mut Player, count: usize, step_ms: u64) -> Vec<f64> {
    let epoch = Instant::now();
    let clock = || epoch.elapsed().as_secs_f64() * 1e3;
    let times = bench::backward_seeks(p, count, step_ms, &clock).unwrap();
    println!(
        "  first seek, 1 ms before the present (takes the checkpoints): {:.2} ms",
        times.first
    );
    let all = times.all_sorted();
    stats("random targets, from the present", times.from_present);
    stats("random earlier targets, from the past", times.in_past);
    stats(
        "dragging back the last 30 s, then by minutes",
        times.dragging,
    );
    all
}

#[test]
#[ignore]
fn backward_seeks_on_a_busy_run() {
    let t0 = Instant::now();
    // Ten minutes of the steady load: a busy run of the length the seek target names.
    let session = Session::from_scenario(&crate::sim::bench::busy_run(10)).unwrap();
    let build = t0.elapsed().as_secs_f64() * 1e3;
    let sim = &session.run.sim;
    println!(
        "busy run (steady_load): {} s simulated, {} inputs, {} events, {} trace entries \
         (~{} KiB), other state ~{} KiB; built in {build:.1} ms",
        session.now().0 / 1_000_000,
        session.inputs().len(),
        sim.events_processed,
        sim.trace.len(),
        trace_bytes(&sim.trace) / 1024,
        crate::sim::scenario::checkpoints::state_bytes(&session.run) / 1024,
    );
    println!(
        "  one clone of the whole Sim at the end: {:.2} ms",
        timed(|| drop(sim.clone()))
    );
    let horizon = session.now();
    let (_, targets, _) = bench::seek_plan(horizon, 60, 100);

    // A rebuild costs the whole run: a few samples say enough.
    println!("before (each backward seek rebuilds from time zero):");
    stats(
        "random targets",
        targets[..5]
            .iter()
            .map(|&t| timed(|| drop(session.snapshot_at(t))))
            .collect(),
    );

    let mut p = Player::from_session(session);
    println!("after (checkpoints):");
    // The first seek far back replays the whole run once, taking the checkpoints.
    let all = seek_pattern(&mut p, 60, 100);
    println!(
        "backward seeks on the {}-minute busy run: worst {:.2} ms, median {:.2} ms of {} \
         (target: each within 33 ms, two frames; natively here, wasm is about 3x slower)",
        horizon.0 / 60_000_000,
        all.last().copied().unwrap_or(0.0),
        all.get(all.len() / 2).copied().unwrap_or(0.0),
        all.len(),
    );
    let c = &mut p.checkpoints;
    // Where a seek's time goes: copying a checkpoint back (its state and the trace up to it),
    // the rest is replaying from it.
    let live = &p.session.run.sim.trace;
    let restores: Vec<f64> = (0..c.marks.len())
        .map(|i| {
            c.spare = None;
            timed(|| drop(c.restore(i, None, live)))
        })
        .collect();
    stats("restoring a checkpoint (state + trace copy)", restores);
    let states: Vec<f64> = c
        .marks
        .iter()
        .map(|m| timed(|| drop(m.run.sim.clone())))
        .collect();
    stats("  of which copying its state", states);
    println!(
        "memory: {} checkpoints every {} events, ~{} KiB beyond the histories they share; \
         their trace is the present's ({} entries held of {}, ~{} KiB)",
        c.marks.len(),
        c.spacing,
        c.held_bytes() / 1024,
        live.iter().len(),
        live.len(),
        live.heap_bytes() / 1024,
    );
    backward_seeks_on_a_scripted_run();
    first_seek_after_a_load("busy", &bench::busy_run(10));
    first_seek_after_a_load(
        "scripted",
        &format!("{}wait 600s\n", include_str!("../../../ui/welcome.scn")),
    );
}

/// A ten-minute run loaded as the page loads a link or a lesson, in the page's slices of
/// events, laying checkpoints as it goes; the same load laying none (as loads did before),
/// timed beside it; then the first seek back after the load, to half the run, with nothing
/// laid in between. Prints one line a run, `loaded as the page loads the … run` (its wording
/// keeps clear of the patterns `./x bench` reads the other lines by).
fn first_seek_after_a_load(label: &str, text: &str) {
    const SLICE: u64 = 2_000;
    let plain = timed(|| {
        let mut loading = Loading::new(text).unwrap();
        loading.set_thinning(Some(HISTORY));
        while !loading.work(SLICE) {}
        drop(loading.into_session());
    });
    let mut p = Player::new();
    let load = timed(|| {
        p.start(Action::Load(text.to_string()));
        while !p.work(SLICE) {}
    });
    let half = Micros(p.horizon().0 / 2);
    let first = timed(|| p.apply(Action::Seek(half)));
    assert_eq!(p.cursor, half);
    println!(
        "loaded as the page loads the {label} run: {load:.1} ms, laying {} checkpoints every {} \
         events (~{} KiB; {plain:.1} ms laying none); then a backward seek, the first after \
         it, to half the run: {first:.2} ms",
        p.checkpoints.marks.len(),
        p.checkpoints.spacing,
        p.checkpoints.held_bytes() / 1024,
    );
}

/// The page's welcome scenario (two pika scripts: a confirmed publish every 50 ms, a consumer
/// acking each) played for ten minutes: a scripted busy run. A rebuild runs the scripts too.
/// Run after the busy run's figures, not beside them (two benches at once would time each
/// other), and printed after its own heading line, which `./x bench` keys its figures by.
fn backward_seeks_on_a_scripted_run() {
    let text = format!("{}wait 600s\n", include_str!("../../../ui/welcome.scn"));
    let t0 = Instant::now();
    // Loaded as the page loads it, with its trace thinning.
    let mut loading = Loading::new(&text).unwrap();
    loading.set_thinning(Some(HISTORY));
    while !loading.work(u64::MAX) {}
    let session = loading.into_session();
    let build = t0.elapsed().as_secs_f64() * 1e3;
    let sim = &session.run.sim;
    println!(
        "scripted run (welcome): {} s simulated, {} scripts, {} events, {} trace entries; \
         built in {build:.1} ms",
        session.now().0 / 1_000_000,
        session.run.scripts.all().len(),
        sim.events_processed,
        sim.trace.len(),
    );
    let horizon = session.now();
    let (_, targets, _) = bench::seek_plan(horizon, 12, 1_000);
    println!("before (each backward seek replays from time zero):");
    stats(
        "random targets",
        targets[..3]
            .iter()
            .map(|&t| timed(|| drop(session.snapshot_at(t))))
            .collect(),
    );
    let mut p = Player::from_session(session);
    println!("after (checkpoints taken while the scripts run):");
    let rss0 = resident_mib();
    let all = seek_pattern(&mut p, 12, 1_000);
    let grown = resident_mib() - rss0;
    println!(
        "backward seeks on the {}-minute scripted run: worst {:.2} ms, median {:.2} ms of {} \
         ({} checkpoints every {} events, ~{} KiB beyond the histories they share)",
        horizon.0 / 60_000_000,
        all.last().copied().unwrap_or(0.0),
        all.get(all.len() / 2).copied().unwrap_or(0.0),
        all.len(),
        p.checkpoints.marks.len(),
        p.checkpoints.spacing,
        p.checkpoints.held_bytes() / 1024,
    );
    let c = &mut p.checkpoints;
    let live = &p.session.run.sim.trace;
    let restores: Vec<f64> = (0..c.marks.len())
        .map(|i| {
            c.spare = None;
            timed(|| drop(c.restore(i, None, live)))
        })
        .collect();
    stats("restoring a checkpoint (state + trace copy)", restores);
    let scripts: Vec<f64> = c
        .marks
        .iter()
        .map(|m| timed(|| drop(m.run.scripts.try_clone())))
        .collect();
    stats("  of which copying its scripts", scripts);
    let no_scripts: Vec<Run> = p
        .checkpoints
        .marks
        .iter()
        .map(|m| Run {
            sim: m.run.sim.clone(),
            steps: m.run.steps.clone(),
            expectations: m.run.expectations.clone(),
            clients: m.run.clients.clone(),
            scripts: Scripts::new(),
            narration: m.run.narration.clone(),
        })
        .collect();
    let with = resident_mib();
    let copies: Vec<Scripts> = p
        .checkpoints
        .marks
        .iter()
        .filter_map(|m| m.run.scripts.try_clone())
        .collect();
    println!(
        "memory: the process grew by {grown:.0} MiB over the seeks (the checkpoints, the past on \
         display); their scripts' copies hold {:.0} MiB of it",
        resident_mib() - with
    );
    drop((no_scripts, copies));
}
