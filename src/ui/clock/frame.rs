//! The frame loop that drives playback: one tick of the player per display frame
//! (requestAnimationFrame) with the wall-clock time since the previous one. The page's only
//! contact with wall-clock time is here; the core is handed the elapsed time as an input.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::sim::scenario::player::Action;
use crate::ui::context::Store;

/// Frame times the loop measured (script, style and layout of each frame), kept when the page
/// was opened with `?bench` so that the end-to-end benchmark can read them.
fn bench_mode() -> bool {
    crate::ui::context::browser()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|s| s.contains("bench"))
}

/// Appends one frame time to `window.__mirrorscopeFrames`.
fn record_frame(ms: f64) {
    let Some(window) = crate::ui::context::browser() else {
        return;
    };
    let key = wasm_bindgen::JsValue::from_str("__mirrorscopeFrames");
    let frames = js_sys::Reflect::get(&window, &key)
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
        .unwrap_or_else(|| {
            let a = js_sys::Array::new();
            let _ = js_sys::Reflect::set(&window, &key, &a);
            a
        });
    frames.push(&wasm_bindgen::JsValue::from_f64(ms));
}

thread_local! {
    /// Whether the frame loop runs (playback), and the DOM writes waiting for its next frame.
    static LOOPING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static BEFORE: RefCell<Vec<Box<dyn FnOnce()>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `write` at the start of the next display frame while playing, before that frame's tick
/// changes the DOM: the layout is still clean then, so a write that needs it (a scroll position)
/// forces no layout of its own. Paused, there is no next tick to wait for: it runs at once.
pub fn before_next_frame(write: impl FnOnce() + 'static) {
    if LOOPING.with(|l| l.get()) {
        BEFORE.with(|b| b.borrow_mut().push(Box::new(write)));
    } else {
        write();
    }
}

/// Runs the writes [`before_next_frame`] queued.
fn run_queued() {
    let queued = BEFORE.with(|b| std::mem::take(&mut *b.borrow_mut()));
    for write in queued {
        write();
    }
}

fn now_ms() -> f64 {
    crate::ui::context::wall_ms().unwrap_or(0.0)
}

/// Ticks the player once per display frame while it plays (requestAnimationFrame), with the
/// wall-clock time since the previous frame. A frame that comes late (a background tab) is
/// counted as at most a tenth of a second, so playback never leaps.
#[hook]
pub fn use_frame_loop(dispatcher: UseReducerDispatcher<Store>, playing: bool) {
    use_effect_with(playing, move |&playing| {
        type Frame = Closure<dyn FnMut(f64)>;
        let cell: Rc<RefCell<Option<Frame>>> = Rc::new(RefCell::new(None));
        let handle = Rc::new(std::cell::Cell::new(0));
        if playing {
            let bench = bench_mode();
            let last = Rc::new(std::cell::Cell::new(None::<f64>));
            let again = cell.clone();
            let handle2 = handle.clone();
            LOOPING.with(|l| l.set(true));
            *cell.borrow_mut() = Some(Closure::new(move |ts: f64| {
                let start = now_ms();
                run_queued();
                let dt = last.get().map_or(0.0, |l| (ts - l).clamp(0.0, 100.0));
                last.set(Some(ts));
                if dt > 0.0 {
                    dispatcher.dispatch(Action::Tick(dt));
                }
                if bench {
                    // Runs after Yew's render, which was queued first on the same microtask
                    // queue; reading the layout makes the browser do style and layout now.
                    yew::platform::spawn_local(async move {
                        if let Some(b) = crate::ui::context::browser()
                            .and_then(|w| w.document())
                            .and_then(|d| d.body())
                        {
                            let _ = b.get_bounding_client_rect();
                        }
                        record_frame(now_ms() - start);
                    });
                }
                if let (Some(w), Some(f)) = (crate::ui::context::browser(), again.borrow().as_ref())
                {
                    if let Ok(h) = w.request_animation_frame(f.as_ref().unchecked_ref()) {
                        handle2.set(h);
                    }
                }
            }));
            if let (Some(w), Some(f)) = (crate::ui::context::browser(), cell.borrow().as_ref()) {
                if let Ok(h) = w.request_animation_frame(f.as_ref().unchecked_ref()) {
                    handle.set(h);
                }
            }
        }
        move || {
            if let Some(w) = crate::ui::context::browser() {
                let _ = w.cancel_animation_frame(handle.get());
            }
            if playing {
                LOOPING.with(|l| l.set(false));
                run_queued();
            }
            // Dropping the closure ends the loop (it is only reachable through the cell).
            cell.borrow_mut().take();
        }
    });
}
