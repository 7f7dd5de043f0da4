//! Fetches the lessons' texts (`dist/lessons/*.scn`, copied there by trunk) for a page built with
//! the `fetched-lessons` feature: every lesson's text embedded cost the first screen ~32 kB gzip
//! of wasm that only the course list and the lesson player read (issue 18).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::course::catalog::NAMES;

/// Every lesson file (name, text), all requested at once; the error names the first file that
/// could not be had and why.
pub async fn lesson_files() -> Result<Vec<(String, String)>, String> {
    let window = web_sys::window().ok_or("no window")?;
    // Started together so the files download side by side, then awaited in order.
    let pending: Vec<(&str, js_sys::Promise)> = NAMES
        .iter()
        .map(|name| (*name, window.fetch_with_str(&format!("lessons/{name}"))))
        .collect();
    let mut files = Vec::with_capacity(pending.len());
    for (name, request) in pending {
        let failed = |why: String| format!("lessons/{name}: {why}");
        let response: web_sys::Response = JsFuture::from(request)
            .await
            .map_err(|e| failed(describe(&e)))?
            .dyn_into()
            .map_err(|_| failed("not a response".into()))?;
        if !response.ok() {
            return Err(failed(format!("HTTP {}", response.status())));
        }
        let text = response.text().map_err(|e| failed(describe(&e)))?;
        let text = JsFuture::from(text)
            .await
            .map_err(|e| failed(describe(&e)))?
            .as_string()
            .ok_or_else(|| failed("not text".into()))?;
        files.push((name.to_string(), text));
    }
    // The course that reads them is in the wasm's second part (`ui::deferred`), which boot.js
    // fetches after the first paint too: wait for it rather than make the parse load it at once.
    let loaded = js_sys::Promise::new(&mut |resolve, _| {
        crate::ui::deferred::when_loaded(move || {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        })
    });
    let _ = JsFuture::from(loaded).await;
    Ok(files)
}

/// A rejected promise's reason as text (a `TypeError` from `fetch` when the network fails).
fn describe(e: &wasm_bindgen::JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the request failed".into())
}
