//! The part of the shipped wasm that loads after the first screen. After the build,
//! tools/wasm-defer moves the Python interpreter, the pika binding, the lab and the course into a
//! second module and leaves a stub in place of each function the rest still calls; boot.js
//! fetches that module once the page has drawn (`mirrorscopeDeferred` on the window). A stub
//! called before then loads it at once through [`mirrorscope_load_deferred`], so deferred code
//! is never missing, only slower to reach the first time. Code that can wait for it asks
//! [`pending`] and [`when_loaded`]; off the split page (native, the wasm test tier) nothing is
//! pending.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// boot.js's object on the window, when the page was started by it.
fn hook(name: &str) -> Option<js_sys::Function> {
    if !cfg!(target_arch = "wasm32") {
        return None;
    }
    let d =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("mirrorscopeDeferred")).ok()?;
    js_sys::Reflect::get(&d, &JsValue::from_str(name))
        .ok()?
        .dyn_into()
        .ok()
}

/// Whether the page's wasm is split and its second part is not in yet.
pub fn pending() -> bool {
    hook("pending")
        .and_then(|f| f.call0(&JsValue::NULL).ok())
        .is_some_and(|v| v.is_truthy())
}

/// Runs `f` once the second part is in (from a fresh task; at once when nothing is pending).
pub fn when_loaded(f: impl FnOnce() + 'static) {
    match hook("whenLoaded") {
        Some(when) if pending() => {
            let _ = when.call1(&JsValue::NULL, &Closure::once_into_js(f));
        }
        _ => f(),
    }
}

/// What the stubs call before the second part is in: boot.js instantiates it synchronously, with
/// this module's exports as its imports. Exported under this name for tools/wasm-defer.
#[cfg(target_arch = "wasm32")]
#[no_mangle]
pub extern "C" fn mirrorscope_load_deferred() {
    if let Some(load) = hook("load") {
        let _ = load.call1(&JsValue::NULL, &wasm_bindgen::exports());
    }
}
