//! Browser tier for the stage: the app mounted in headless Chromium, driven through its DOM
//! (clicks on the node menu, the lesson card, the time controls; keys on the window).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

mod wasm_support;

use mirrorscope::ui::app::{App, AppProps};
use mirrorscope::ui::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wasm_support::{
    all, appears, as_html, document, find, gone, new_root, rendered, select, shows, text_at,
    text_of, until, until_some,
};
use web_sys::{
    Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit, MouseEvent,
    MouseEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

/// A mounted app; dropping it unmounts the app (its window listeners go with it) and removes
/// its element, so tests do not see each other.
struct Mounted {
    root: Element,
    app: Option<yew::AppHandle<App>>,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        if let Some(app) = self.app.take() {
            app.destroy();
        }
        self.root.remove();
    }
}

impl std::ops::Deref for Mounted {
    type Target = Element;
    fn deref(&self) -> &Element {
        &self.root
    }
}

async fn mount() -> Mounted {
    let root = new_root();
    let app = yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            lang: Lang::En,
            welcome: false,
        },
    )
    .render();
    appears(&root, "svg.cluster-view g.node").await;
    rendered().await;
    Mounted {
        root,
        app: Some(app),
    }
}

/// A bubbling click, as a pointer would give (SVG elements have no `click()`).
fn click(el: &Element) {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = MouseEvent::new_with_mouse_event_init_dict("click", &init).unwrap();
    el.dispatch_event(&e).unwrap();
}

fn button(root: &Element, label: &str) -> HtmlElement {
    select(root, &format!("button[aria-label=\"{label}\"]")).unchecked_into()
}

fn button_with_text(root: &Element, text: &str) -> HtmlElement {
    all(root, "button")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default().trim() == text)
        .unwrap_or_else(|| panic!("no button reads {text}"))
        .unchecked_into()
}

fn node(root: &Element, name: &str) -> Element {
    select(root, &format!("g.node[aria-label=\"{name}\"]"))
}

fn timeline(root: &Element) -> HtmlInputElement {
    select(root, "input[aria-label=\"Timeline\"]").unchecked_into()
}

fn press(key: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let e = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    document().body().unwrap().dispatch_event(&e).unwrap();
}

/// The step the lesson card is on (1-based), or `None` once every step is done.
fn lesson_step(root: &Element) -> Option<usize> {
    let label = text_at(root, ".lessons .lesson-step .tool-label");
    label.split_whitespace().nth(1)?.parse().ok()
}

/// Loads the walkthrough lesson and runs its first `steps` steps, each once the card shows it.
async fn walkthrough(root: &Element, steps: usize) {
    button_with_text(root, "Load").click();
    until("the lesson loaded", || lesson_step(root) == Some(1)).await;
    for done in 1..=steps {
        button_with_text(root, "Do it for me").click();
        until(&format!("step {done} of the lesson done"), || {
            find(root, ".lessons .lesson-check.done").is_some()
        })
        .await;
        button_with_text(root, "Next").click();
        until(&format!("step {done} of the lesson left"), || {
            lesson_step(root).is_none_or(|at| at > done)
        })
        .await;
    }
    rendered().await;
}

/// The open node menu's item that reads `label`, once the menu is open.
async fn menu_item(label: &str) -> HtmlElement {
    let body: Element = document().body().unwrap().unchecked_into();
    until_some(&format!("the menu item {label:?}"), || {
        let menu = find(&body, "[role=menu]")?;
        all(&menu, "[role=menuitem]")
            .into_iter()
            .find(|b| text_of(b) == label)
    })
    .await
    .unchecked_into()
}

/// Waits until the node `name` is drawn in the state `class` (`state-running`, …).
async fn node_in(root: &Element, name: &str, class: &str) {
    until(&format!("{name} drawn {class}"), || {
        find(root, &format!("g.node[aria-label=\"{name}\"]"))
            .is_some_and(|n| n.class_list().contains(class))
    })
    .await
}

fn node_count(root: &Element) -> usize {
    all(root, "svg.cluster-view g.node").len()
}

#[wasm_bindgen_test]
async fn the_node_menu_crashes_and_restarts_a_node() {
    let root = mount().await;
    click(&select(&node(&root, "rabbit@node2"), "g.node-head"));
    menu_item("Kill (crash)").await.click();
    node_in(&root, "rabbit@node2", "state-crashed").await;
    let body: Element = document().body().unwrap().unchecked_into();
    gone(&body, "[role=menu]").await;
    // The inspector shows the node, with Start enabled now.
    let start = until_some("Start enabled in the inspector", || {
        let inspector = find(&root, ".inspector")?;
        all(&inspector, "button")
            .into_iter()
            .find(|b| text_of(b).trim() == "Start" && !b.has_attribute("disabled"))
    })
    .await;
    as_html(&start).click();
    node_in(&root, "rabbit@node2", "state-running").await;
}

#[wasm_bindgen_test]
async fn the_node_menu_removes_a_node_and_plus_brings_it_back() {
    let root = mount().await;
    click(&select(&node(&root, "rabbit@node3"), "g.node-head"));
    menu_item("Remove from cluster").await.click();
    until("two nodes left", || node_count(&root) == 2).await;
    assert!(root
        .query_selector("svg.cluster-view g.node[aria-label=\"rabbit@node3\"]")
        .unwrap()
        .is_none());
    // Only two nodes left: one link between them.
    until("one link", || {
        all(&root, "svg.cluster-view line.link").len() == 1
    })
    .await;
    button(&root, "Add a node").click();
    node_in(&root, "rabbit@node3", "state-running").await;
    assert_eq!(node_count(&root), 3);
}

#[wasm_bindgen_test]
async fn a_lesson_places_master_and_slave_chips() {
    let root = mount().await;
    walkthrough(&root, 3).await;
    let chips = |role: &str| {
        all(
            &root,
            &format!("svg.cluster-view g.chip.role-{role} [role=button]"),
        )
    };
    until("a master and a synchronised slave", || {
        chips("master").len() == 1 && chips("synced").len() == 1
    })
    .await;
    let master = chips("master");
    let label = master[0].get_attribute("aria-label").unwrap_or_default();
    assert!(
        label.starts_with("queue_demo: master (leader) — holds "),
        "{label}"
    );
    assert!(node(&root, "rabbit@node1").contains(Some(&master[0])));
    let synced = chips("synced");
    assert!(!node(&root, "rabbit@node1").contains(Some(&synced[0])));
    // A GM ring joins the two replicas.
    assert_eq!(all(&root, "svg.cluster-view path.gm-ring").len(), 1);
}

/// Counts, from now on, the messages drawn in flight under `root` (the motion canvas says how
/// many it painted in its `data-drawn`). A flight is on screen for a few frames only, so a
/// page-side observer records every count the page paints (a test polling the DOM could miss
/// them all on a busy machine); read the sum with [`flights_seen`].
fn watch_flights(root: &Element) {
    root.set_attribute("data-watch-flights", "").unwrap();
    js_sys::eval(
        "(() => { const root = document.querySelector('[data-watch-flights]'); \
         window.__flightsSeen = 0; \
         new MutationObserver(() => { \
           const c = root.querySelector('canvas.motion'); \
           window.__flightsSeen += Number(c ? c.getAttribute('data-drawn') : 0); \
         }).observe(root, { childList: true, subtree: true, attributes: true, \
           attributeFilter: ['data-drawn'] }); })()",
    )
    .unwrap();
}

fn flights_seen() -> f64 {
    js_sys::eval("window.__flightsSeen")
        .unwrap()
        .as_f64()
        .unwrap_or(0.0)
}

#[wasm_bindgen_test]
async fn play_moves_the_clock_and_messages_fly() {
    let root = mount().await;
    walkthrough(&root, 2).await;
    // Slowest speed: a millisecond of the run lasts a tenth of a second.
    let speed: HtmlInputElement = select(&root, "input[aria-label=\"Speed\"]").unchecked_into();
    speed.set_value("0");
    speed
        .dispatch_event(&web_sys::InputEvent::new("input").unwrap())
        .unwrap();
    until("the slowest speed", || {
        speed.get_attribute("aria-valuetext").as_deref() == Some("1 s of page = 10 ms of cluster")
    })
    .await;
    watch_flights(&root);
    button(&root, "Play").click();
    // However fast the frames come, the clock passes 5 ms of the run and messages are drawn.
    until("the clock past 5 ms with messages drawn in flight", || {
        timeline(&root).value_as_number() > 5_000.0 && flights_seen() > 0.0
    })
    .await;
    button(&root, "Pause").click();
    until("Play offered again", || {
        find(&root, "button[aria-label=\"Play\"]").is_some()
    })
    .await;
    let t = timeline(&root).value_as_number();
    assert!(t > 5_000.0, "the clock moved to {t} µs");
}

#[wasm_bindgen_test]
async fn keys_step_back_and_forth_and_open_the_help() {
    let root = mount().await;
    walkthrough(&root, 3).await;
    let end = timeline(&root).value_as_number();
    press("ArrowLeft");
    until("← stepped back", || {
        timeline(&root).value_as_number() < end
    })
    .await;
    press("Home");
    until("Home at zero", || timeline(&root).value_as_number() == 0.0).await;
    press("End");
    until("End at the end", || {
        timeline(&root).value_as_number() == end
    })
    .await;
    let doc: Element = document().document_element().unwrap();
    press("?");
    appears(&doc, "[role=dialog]").await;
    press("Escape");
    gone(&doc, "[role=dialog]").await;
}

#[wasm_bindgen_test]
async fn a_log_row_opens_the_event_and_moves_the_clock() {
    let root = mount().await;
    walkthrough(&root, 3).await;
    let log = select(&root, "ol.log");
    log.set_scroll_top(0);
    log.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    let row = until_some("the second publish listed", || {
        all(&log, "li.log-row button")
            .into_iter()
            .find(|b| text_of(b).contains("publish \"order2\""))
    })
    .await;
    as_html(&row).click();
    let inspector = shows(&root, ".inspector", "Lineage of \"order2\"").await;
    assert!(text_of(&inspector).contains("Lineage of \"order2\""));
    until("the clock moved to the publish", || {
        timeline(&root).value_as_number() < 100_000.0
    })
    .await;
}
