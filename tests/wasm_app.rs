//! Browser tier: the components mounted in a real DOM in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test wasm_app`, run by `./x test`).
#![cfg(all(target_arch = "wasm32", feature = "web"))]

mod wasm_support;

use mirrorscope::sim::Cluster;
use mirrorscope::ui::app::{App, AppProps, START_NODES};
use mirrorscope::ui::i18n::{Lang, STORAGE_KEY};
use mirrorscope::ui::panic_panel::{self, PANEL_ID};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use wasm_support::{document, new_root, select, text_of as text, until};
use web_sys::{Element, HtmlElement};

wasm_bindgen_test_configure!(run_in_browser);

fn stored_lang() -> Option<String> {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.get_item(STORAGE_KEY).unwrap()
}

fn page_lang() -> Option<String> {
    document().document_element().unwrap().get_attribute("lang")
}

/// Mounts the app into a fresh element of its own, so tests do not see each other's pages.
async fn mount(lang: Lang) -> Element {
    let root = new_root();
    yew::Renderer::<App>::with_root_and_props(
        root.clone(),
        AppProps {
            lang,
            welcome: false,
        },
    )
    .render();
    until("the cluster drawn", || {
        root.query_selector("svg.cluster-view g.node")
            .unwrap()
            .is_some()
    })
    .await;
    root
}

fn text_of(root: &Element, selector: &str) -> String {
    text(&select(root, selector))
}

#[wasm_bindgen_test]
async fn mounts_one_svg_node_per_core_node() {
    let root = mount(Lang::En).await;
    let nodes = root.query_selector_all("svg.cluster-view g.node").unwrap();
    let expected = Cluster::with_nodes(START_NODES).unwrap().nodes;
    assert_eq!(nodes.length() as usize, expected.len());
    for (i, node) in expected.iter().enumerate() {
        let g: Element = nodes.item(i as u32).unwrap().dyn_into().unwrap();
        assert_eq!(
            g.get_attribute("data-node").as_deref(),
            Some(node.name.as_str())
        );
        assert!(g.class_list().contains("state-running"));
    }
    // No stylesheet is loaded here, yet the browser must give the SVG a real size.
    let svg: HtmlElement = select(&root, "svg.cluster-view").unchecked_into();
    assert!(svg.get_bounding_client_rect().width() > 0.0);
}

#[wasm_bindgen_test]
async fn the_language_switch_translates_and_remembers() {
    let root = mount(Lang::En).await;
    assert_eq!(
        text_of(&root, ".cluster-card h2"),
        Lang::En.text().cluster_heading
    );

    let zh_button: HtmlElement = select(&root, "button.lang-btn[lang=\"zh-CN\"]").unchecked_into();
    zh_button.click();
    until("the page in Chinese, remembered", || {
        page_lang().as_deref() == Some("zh-CN") && stored_lang().as_deref() == Some("zh-CN")
    })
    .await;

    let zh = Lang::Zh.text();
    assert_eq!(text_of(&root, ".cluster-card h2"), zh.cluster_heading);
    assert_eq!(text_of(&root, ".legend h2"), zh.legend_heading);
    assert_eq!(text_of(&root, ".badge"), zh.version_badge);
    assert_eq!(
        zh_button.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(page_lang().as_deref(), Some("zh-CN"));
    assert_eq!(document().title(), zh.doc_title);
    assert_eq!(stored_lang().as_deref(), Some("zh-CN"));
    assert_eq!(Lang::from_browser(), Lang::Zh);

    let en_button: HtmlElement = select(&root, "button.lang-btn[lang=\"en\"]").unchecked_into();
    en_button.click();
    until("the page in English, remembered", || {
        page_lang().as_deref() == Some("en") && stored_lang().as_deref() == Some("en")
    })
    .await;
    assert_eq!(
        text_of(&root, ".cluster-card h2"),
        Lang::En.text().cluster_heading
    );
    assert_eq!(Lang::from_browser(), Lang::En);
}

#[wasm_bindgen_test]
fn the_panic_panel_shows_the_message_once() {
    document()
        .document_element()
        .unwrap()
        .set_attribute("lang", "zh-CN")
        .unwrap();
    panic_panel::show("panicked at src/sim/queue.rs:7:9:\nmirror lost");
    panic_panel::show("a second panic, an echo of the first");

    let panels = document()
        .query_selector_all(&format!("#{PANEL_ID}"))
        .unwrap();
    assert_eq!(panels.length(), 1);
    let panel = document().get_element_by_id(PANEL_ID).unwrap();
    let dialog = select(&panel, "[role=alertdialog]");
    assert_eq!(text_of(&dialog, "h2"), Lang::Zh.text().panic_title);
    assert!(text_of(&dialog, "pre").contains("mirror lost"));
    let reload = select(&dialog, "button");
    assert_eq!(
        reload.get_attribute("onclick").as_deref(),
        Some("location.reload()")
    );
    panel.remove();
}
