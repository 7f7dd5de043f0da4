//! What the reader sees when the app panics: a panel saying so, with the message, instead of a
//! page that silently stops answering.
//!
//! The panel is built with plain DOM calls, not as a Yew component: a panic can happen while Yew
//! is in the middle of rendering, and after the hook returns the wasm instance is dead, so nothing
//! may wait for Yew's scheduler.

use wasm_bindgen::JsValue;
use web_sys::Document;

use crate::ui::i18n::Lang;

/// The panel's element id; only the first panic is shown, as later ones are usually its echoes.
pub const PANEL_ID: &str = "panic-panel";

/// Routes panics to the console (for developers) and to the panel (for everyone else). Yew keeps
/// the hook given here instead of installing its own console-only one.
pub fn install() {
    yew::set_custom_panic_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        show(&message);
    }));
}

/// Puts the panel on the page, in the page's current language, unless one is there already.
pub fn show(message: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if document.get_element_by_id(PANEL_ID).is_some() {
        return;
    }
    // A failure here has nowhere left to be reported: the console already has the message.
    let _ = build(&document, message);
}

fn build(document: &Document, message: &str) -> Result<(), JsValue> {
    let lang = document
        .document_element()
        .and_then(|root| root.get_attribute("lang"))
        .map_or(Lang::En, |tag| Lang::from_tag(&tag));
    let text = lang.text();

    let element = |tag: &str, class: &str, content: &str| -> Result<web_sys::Element, JsValue> {
        let e = document.create_element(tag)?;
        e.set_class_name(class);
        e.set_text_content(Some(content));
        Ok(e)
    };

    let backdrop = document.create_element("div")?;
    backdrop.set_id(PANEL_ID);
    backdrop.set_class_name("panic-backdrop");
    let panel = document.create_element("div")?;
    panel.set_class_name("panic-panel");
    panel.set_attribute("role", "alertdialog")?;
    panel.set_attribute("aria-labelledby", "panic-title")?;
    let title = element("h2", "panic-title", text.panic_title)?;
    title.set_id("panic-title");
    panel.append_child(&title)?;
    let body_text = element("p", "panic-body", text.panic_body)?;
    panel.append_child(&body_text)?;
    let message = element("pre", "panic-message", message)?;
    panel.append_child(&message)?;
    let reload = element("button", "panic-reload", text.panic_reload)?;
    reload.set_attribute("type", "button")?;
    // An inline handler: a Rust closure could not run, since the wasm instance is gone by the
    // time anyone clicks.
    reload.set_attribute("onclick", "location.reload()")?;
    panel.append_child(&reload)?;
    backdrop.append_child(&panel)?;

    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no <body>"))?;
    body.append_child(&backdrop)?;
    Ok(())
}
