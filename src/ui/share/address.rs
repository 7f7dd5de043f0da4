//! The address bar: the page's hash, read and replaced without a navigation.

/// The page's current hash.
pub fn current_hash() -> String {
    crate::ui::context::browser()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// Puts a hash in the address bar without a navigation (and without a `hashchange` event).
pub fn replace_hash(hash: &str) {
    if let Some(h) = crate::ui::context::browser().and_then(|w| w.history().ok()) {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(hash));
    }
}
