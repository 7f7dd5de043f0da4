//! Browser tier for the stage: the app mounted in headless Chromium, driven through its DOM
//! (clicks on the node menu, the lesson card, the time controls; keys on the window).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::time::Duration;

use mirrorscope::ui::app::{App, AppProps};
use mirrorscope::ui::i18n::Lang;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{
    Document, Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit, MouseEvent,
    MouseEventInit,
};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn sleep(ms: u64) {
    yew::platform::time::sleep(Duration::from_millis(ms)).await;
}

/// Lets Yew's scheduler run the renders and effects queued so far.
async fn settle() {
    sleep(30).await;
}

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
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    let app = yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { lang: Lang::En })
        .render();
    settle().await;
    Mounted {
        root,
        app: Some(app),
    }
}

fn select(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into().unwrap())
        .collect()
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

/// Loads the walkthrough lesson and runs its first `steps` steps.
async fn walkthrough(root: &Element, steps: usize) {
    button_with_text(root, "Load").click();
    settle().await;
    for _ in 0..steps {
        button_with_text(root, "Do this step").click();
        settle().await;
    }
}

#[wasm_bindgen_test]
async fn the_node_menu_crashes_and_restarts_a_node() {
    let root = mount().await;
    click(&select(&node(&root, "rabbit@node2"), "g.node-head"));
    settle().await;
    let menu = select(&document().body().unwrap().unchecked_into(), "[role=menu]");
    let kill = all(&menu, "[role=menuitem]")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default() == "Kill (crash)")
        .expect("a Kill item");
    kill.unchecked_ref::<HtmlElement>().click();
    settle().await;
    assert!(node(&root, "rabbit@node2")
        .class_list()
        .contains("state-crashed"));
    assert!(
        document().query_selector("[role=menu]").unwrap().is_none(),
        "the menu closed"
    );
    // The inspector shows the node, with Start enabled now.
    let start = button_with_text(&select(&root, ".inspector"), "Start");
    start.click();
    settle().await;
    assert!(node(&root, "rabbit@node2")
        .class_list()
        .contains("state-running"));
}

#[wasm_bindgen_test]
async fn the_node_menu_removes_a_node_and_plus_brings_it_back() {
    let root = mount().await;
    click(&select(&node(&root, "rabbit@node3"), "g.node-head"));
    settle().await;
    let menu = select(&document().body().unwrap().unchecked_into(), "[role=menu]");
    let remove = all(&menu, "[role=menuitem]")
        .into_iter()
        .find(|b| b.text_content().unwrap_or_default() == "Remove from cluster")
        .expect("a Remove item");
    remove.unchecked_ref::<HtmlElement>().click();
    settle().await;
    assert_eq!(all(&root, "svg.cluster-view g.node").len(), 2);
    assert!(root
        .query_selector("svg.cluster-view g.node[aria-label=\"rabbit@node3\"]")
        .unwrap()
        .is_none());
    // Only two nodes left: one link between them.
    assert_eq!(all(&root, "svg.cluster-view line.link").len(), 1);
    let add = select(&root, "button[aria-label=\"Add a node\"]");
    add.unchecked_ref::<HtmlElement>().click();
    settle().await;
    assert!(node(&root, "rabbit@node3")
        .class_list()
        .contains("state-running"));
    assert_eq!(all(&root, "svg.cluster-view g.node").len(), 3);
}

#[wasm_bindgen_test]
async fn a_lesson_places_master_and_slave_chips() {
    let root = mount().await;
    walkthrough(&root, 3).await;
    let master = all(&root, "svg.cluster-view g.chip.role-master");
    assert_eq!(master.len(), 1);
    assert_eq!(
        master[0].get_attribute("aria-label").as_deref(),
        Some("queue_demo: master (leader)")
    );
    assert!(node(&root, "rabbit@node1").contains(Some(&master[0])));
    let synced = all(&root, "svg.cluster-view g.chip.role-synced");
    assert_eq!(synced.len(), 1, "one synchronised slave");
    assert!(!node(&root, "rabbit@node1").contains(Some(&synced[0])));
    // A GM ring joins the two replicas.
    assert_eq!(all(&root, "svg.cluster-view path.gm-ring").len(), 1);
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
    settle().await;
    assert_eq!(
        speed.get_attribute("aria-valuetext").as_deref(),
        Some("0.010×")
    );
    button(&root, "Play").click();
    let mut seen = 0;
    for _ in 0..30 {
        sleep(50).await;
        seen = seen.max(all(&root, "g.motion g.msg").len());
    }
    button(&root, "Pause").click();
    settle().await;
    let t = timeline(&root).value_as_number();
    assert!(t > 5_000.0, "the clock moved to {t} µs");
    assert!(seen > 0, "messages were drawn in flight");
}

#[wasm_bindgen_test]
async fn keys_step_back_and_forth_and_open_the_help() {
    let root = mount().await;
    walkthrough(&root, 3).await;
    let end = timeline(&root).value_as_number();
    press("ArrowLeft");
    settle().await;
    let back = timeline(&root).value_as_number();
    assert!(back < end, "{back} < {end}");
    press("Home");
    settle().await;
    assert_eq!(timeline(&root).value_as_number(), 0.0);
    press("End");
    settle().await;
    assert_eq!(timeline(&root).value_as_number(), end);
    press("?");
    settle().await;
    assert!(document()
        .query_selector("[role=dialog]")
        .unwrap()
        .is_some());
    press("Escape");
    settle().await;
    assert!(document()
        .query_selector("[role=dialog]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn a_log_row_opens_the_event_and_moves_the_clock() {
    let root = mount().await;
    walkthrough(&root, 3).await;
    let log = select(&root, "ol.log");
    log.set_scroll_top(0);
    log.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    settle().await;
    let row = all(&log, "li.log-row button")
        .into_iter()
        .find(|b| {
            b.text_content()
                .unwrap_or_default()
                .contains("publish \"order2\"")
        })
        .expect("the second publish is listed");
    row.unchecked_ref::<HtmlElement>().click();
    settle().await;
    let inspector = select(&root, ".inspector");
    assert!(inspector
        .text_content()
        .unwrap()
        .contains("Lineage of \"order2\""));
    assert!(
        timeline(&root).value_as_number() < 100_000.0,
        "moved to the publish"
    );
}
