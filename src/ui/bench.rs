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
