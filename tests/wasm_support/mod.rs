//! Shared by the browser tiers (`tests/wasm_*.rs`): finding elements in the page and waiting
//! for the page to show a state. No test pauses for a fixed time: Yew renders, runs effects and
//! fires timers when the browser gets to them, which on a busy machine is later than any pause,
//! so every check first waits (with a generous bound) for the state it then checks.
// Each test file is its own crate and uses only some of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

/// How often a wait looks again, and how many times before it gives up: 2,000 looks of at
/// least 10 ms each, so a wait lasts 20 s or more; a page that is merely slow gets there.
const POLL: Duration = Duration::from_millis(10);
const LOOKS: u32 = 2_000;

pub fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A fresh element of the test's own at the end of the body, so tests do not see each other's
/// pages.
pub fn new_root() -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    root
}

/// Waits until `done` holds; fails after 20 s or more, naming what it waited for.
pub async fn until(what: &str, mut done: impl FnMut() -> bool) {
    until_some(what, || done().then_some(())).await
}

/// Waits until `found` gives a value and returns it; fails as `until` does.
pub async fn until_some<T>(what: &str, mut found: impl FnMut() -> Option<T>) -> T {
    for _ in 0..LOOKS {
        if let Some(v) = found() {
            return v;
        }
        yew::platform::time::sleep(POLL).await;
    }
    panic!(
        "waited {} s for {what}",
        LOOKS as u64 * POLL.as_millis() as u64 / 1000
    );
}

/// The first element matching `selector` under `root`, if any.
pub fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).unwrap()
}

/// The first element matching `selector`; the test fails if there is none.
pub fn select(root: &Element, selector: &str) -> Element {
    find(root, selector).unwrap_or_else(|| panic!("nothing matches {selector}"))
}

/// Waits for an element matching `selector` under `root` and returns it.
pub async fn appears(root: &Element, selector: &str) -> Element {
    until_some(&format!("{selector} to appear"), || find(root, selector)).await
}

/// Waits until nothing under `root` matches `selector`.
pub async fn gone(root: &Element, selector: &str) {
    until(&format!("{selector} to go"), || {
        find(root, selector).is_none()
    })
    .await
}

pub fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into().unwrap())
        .collect()
}

pub fn text_of(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

/// The text of the first element matching `selector` under `root`, or "" while there is none.
pub fn text_at(root: &Element, selector: &str) -> String {
    find(root, selector)
        .map(|e| text_of(&e))
        .unwrap_or_default()
}

/// Waits until the first element matching `selector` under `root` has a text containing
/// `needle`, and returns that element.
pub async fn shows(root: &Element, selector: &str, needle: &str) -> Element {
    until_some(&format!("{selector} to show {needle:?}"), || {
        find(root, selector).filter(|e| text_of(e).contains(needle))
    })
    .await
}

pub fn as_html(el: &Element) -> HtmlElement {
    el.clone().unchecked_into()
}

/// Waits until Yew has rendered everything queued so far and run its effects: after an event a
/// handler answered from state captured at the last render, before acting on that render again.
pub async fn rendered() {
    yew::scheduler::flush().await
}
