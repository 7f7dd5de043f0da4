//! The simulator's speed in the browser, for `./x bench`: the release wasm exports
//! `benchEvents`, the very load `mirrorscope bench` runs natively, timed by `performance.now()`,
//! so that the native and the wasm events per second are printed side by side
//! (`tests/e2e/events.mjs` calls it in headless Chromium), `benchMemory` and `benchSeeks`, the
//! memory and the backward seeks `mirrorscope bench` and `seek_bench` measure natively
//! (`tests/e2e/memory.mjs`, `tests/e2e/seeks.mjs`). Nothing in the page calls them.

use wasm_bindgen::prelude::*;

use crate::sim::bench;

/// Plays the steady load of [`bench::steady_load_with`] on `nodes` nodes (1 to 9) for `seconds`
/// of wall time (at most a minute), then times the bare event queue doing as many pushes and
/// pops ([`bench::agenda_ceiling`]). Returns `[events, messages, wall seconds, simulated
/// seconds, ceiling events per second]`; empty where there is no `performance` clock (off the
/// browser), which the budget could never run out on.
#[wasm_bindgen(js_name = benchEvents)]
pub fn bench_events(nodes: usize, seconds: f64) -> Vec<f64> {
    let Some(performance) = crate::ui::context::performance() else {
        return Vec::new();
    };
    let nodes = nodes.clamp(1, 9);
    let seconds = if seconds.is_finite() {
        seconds.clamp(0.01, 60.0)
    } else {
        1.0
    };
    let clock = || performance.now() / 1000.0;
    let r = bench::steady_load_with(nodes, seconds, &clock);
    let ceiling = bench::agenda_ceiling(r.events, &clock);
    vec![
        r.events as f64,
        r.messages as f64,
        r.wall_seconds,
        r.simulated_seconds,
        ceiling,
    ]
}

/// The wasm's linear memory in bytes: what the tab holds for the page's wasm, which grows and
/// never shrinks, so it is the most the heap has needed so far. `None` off wasm32, where there
/// is no such memory to read.
fn linear_memory_bytes() -> Option<usize> {
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let memory = wasm_bindgen::memory()
            .dyn_into::<js_sys::WebAssembly::Memory>()
            .ok()?;
        let buffer = memory.buffer().dyn_into::<js_sys::ArrayBuffer>().ok()?;
        Some(buffer.byte_length() as usize)
    }
    #[cfg(not(target_arch = "wasm32"))]
    None
}

/// Plays `minutes` (1 to 600) of the steady-load lesson in a playground player of its own, as
/// `mirrorscope bench --memory-minutes` does natively ([`bench::memory_of_steady_load`]), and
/// reads the wasm's whole linear memory before, once the run is loaded, and once a seek back
/// has taken the checkpoints and shows the past. Returns `[simulated minutes, trace entries,
/// entries held, trace bytes, memory before, after the load, after the seek back]` (bytes);
/// empty off wasm32.
#[wasm_bindgen(js_name = benchMemory)]
pub fn bench_memory(minutes: u32) -> Vec<f64> {
    if linear_memory_bytes().is_none() {
        return Vec::new();
    }
    let readings = std::cell::RefCell::new(Vec::with_capacity(3));
    let heap_now = || {
        let bytes = linear_memory_bytes().unwrap_or(0);
        readings.borrow_mut().push(bytes as f64);
        bytes
    };
    let r = bench::memory_of_steady_load(minutes.clamp(1, 600), &heap_now);
    let mut out = vec![
        r.simulated_minutes,
        r.trace_entries as f64,
        r.held_entries as f64,
        r.trace_bytes as f64,
    ];
    out.extend(readings.into_inner());
    out
}

/// Times backward seeks on a ten-minute run in a playground player of its own, as `seek_bench`
/// does natively ([`bench::backward_seeks`]): the busy run (the steady load as scenario
/// lines, 60 random targets and a drag back by 100 ms) or, with `scripted`, the welcome
/// scenario's pika scripts (12 targets, a drag by seconds). Returns `[milliseconds to build the
/// run, the first seek (which takes the checkpoints), seeks timed, median, worst, mean from the
/// present, mean from the past, mean dragging, checkpoints kept]`; empty where there is no
/// `performance` clock, or if a seek failed.
#[wasm_bindgen(js_name = benchSeeks)]
pub fn bench_seeks(scripted: bool) -> Vec<f64> {
    use crate::sim::scenario::player::{Player, HISTORY};
    use crate::sim::scenario::session::{Loading, Session};
    let Some(performance) = crate::ui::context::performance() else {
        return Vec::new();
    };
    let clock = || performance.now();
    let start = clock();
    let session = if scripted {
        // Loaded as the page loads it, with its trace thinning.
        let text = format!("{}wait 600s\n", crate::ui::welcome::WELCOME);
        let Ok(mut loading) = Loading::new(&text) else {
            return Vec::new();
        };
        loading.set_thinning(Some(HISTORY));
        while !loading.work(u64::MAX) {}
        loading.into_session()
    } else {
        match Session::from_scenario(&bench::busy_run(10)) {
            Ok(session) => session,
            Err(_) => return Vec::new(),
        }
    };
    let built = clock() - start;
    let mut player = Player::from_session(session);
    let (count, step_ms) = if scripted { (12, 1_000) } else { (60, 100) };
    let Ok(times) = bench::backward_seeks(&mut player, count, step_ms, &clock) else {
        return Vec::new();
    };
    let all = times.all_sorted();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len().max(1) as f64;
    vec![
        built,
        times.first,
        all.len() as f64,
        all.get(all.len() / 2).copied().unwrap_or(0.0),
        all.last().copied().unwrap_or(0.0),
        mean(&times.from_present),
        mean(&times.in_past),
        mean(&times.dragging),
        player.checkpoint_count() as f64,
    ]
}
