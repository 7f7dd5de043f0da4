//! The simulator's speed in the browser, for `./x bench`: the release wasm exports
//! `benchEvents`, the very load `mirrorscope bench` runs natively, timed by `performance.now()`,
//! so that the native and the wasm events per second are printed side by side
//! (`tests/e2e/events.mjs` calls it in headless Chromium). Nothing in the page calls it.

use wasm_bindgen::prelude::*;

use crate::sim::bench;

/// Plays the steady load of [`bench::steady_load_with`] on `nodes` nodes (1 to 9) for `seconds`
/// of wall time (at most a minute), then times the bare event queue doing as many pushes and
/// pops ([`bench::agenda_ceiling`]). Returns `[events, messages, wall seconds, simulated
/// seconds, ceiling events per second]`; empty where there is no `performance` clock (off the
/// browser), which the budget could never run out on.
#[wasm_bindgen(js_name = benchEvents)]
pub fn bench_events(nodes: usize, seconds: f64) -> Vec<f64> {
    let Some(performance) = crate::ui::context::browser().and_then(|w| w.performance()) else {
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
