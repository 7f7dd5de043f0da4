//! Browser tier: the Python clients panel in a real DOM (headless Chromium), driven as a
//! learner would: typing, Step, Run, hovering line numbers, picking events.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::cell::RefCell;
use std::time::Duration;

use mirrorscope::sim::scenario::player::{Action, Player};
use mirrorscope::sim::scenario::Session;
use mirrorscope::sim::time::Micros;
use mirrorscope::ui::context::{Store, StoreHandle};
use mirrorscope::ui::i18n::Lang;
use mirrorscope::ui::panels::editor::ScriptsPanel;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Document, Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

thread_local! {
    /// The mounted panel's store, so a test can read the player and move the clock.
    static STORE: RefCell<Option<StoreHandle>> = const { RefCell::new(None) };
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    scenario: String,
}

#[function_component]
fn Harness(props: &HarnessProps) -> Html {
    let text = props.scenario.clone();
    let store = use_reducer(move || {
        Store::new(Player::from_session(
            Session::from_scenario(&text).expect("valid scenario"),
        ))
    });
    STORE.with(|s| *s.borrow_mut() = Some(store.clone()));
    html! {
        <ContextProvider<StoreHandle> context={store}>
            <ContextProvider<Lang> context={Lang::En}>
                <ScriptsPanel />
            </ContextProvider<Lang>>
        </ContextProvider<StoreHandle>>
    }
}

fn store() -> StoreHandle {
    STORE.with(|s| s.borrow().clone().expect("mounted"))
}

fn document() -> Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

async fn mount(scenario: &str) -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Harness>::with_root_and_props(
        root.clone(),
        HarnessProps {
            scenario: scenario.to_string(),
        },
    )
    .render();
    settle().await;
    root
}

fn select(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

fn editor(root: &Element, client: &str) -> Element {
    select(root, &format!("article[data-client=\"{client}\"]"))
}

fn button(scope: &Element, label: &str) -> HtmlElement {
    let all = scope.query_selector_all("button").unwrap();
    for i in 0..all.length() {
        let b: HtmlElement = all.item(i).unwrap().unchecked_into();
        if b.text_content().unwrap_or_default().trim() == label
            || b.get_attribute("aria-label").as_deref() == Some(label)
        {
            return b;
        }
    }
    panic!("no button {label}");
}

async fn type_code(ed: &Element, code: &str) {
    let area: HtmlTextAreaElement = select(ed, "textarea").unchecked_into();
    area.set_value(code);
    let ev = web_sys::InputEvent::new("input").unwrap();
    area.dispatch_event(&ev).unwrap();
    settle().await;
}

fn status(ed: &Element) -> String {
    select(ed, ".script-status")
        .text_content()
        .unwrap_or_default()
}

const SCRIPT: &str = "import pika
conn = pika.BlockingConnection(pika.ConnectionParameters('node2.example.com'))
ch = conn.channel()
ch.queue_declare(queue='jobs', durable=True)
print('declared')
";

#[wasm_bindgen_test]
async fn typing_recolours_and_flags_syntax_errors_where_typed() {
    let root = mount("cluster nodes=3\n").await;
    let ed = editor(&root, "app1");
    type_code(&ed, "def f(x):\n    return x +\n").await;
    // The colouring follows the text: `def` is a keyword, `f` a function name.
    assert_eq!(
        select(&ed, ".code-layer .ln .tok-kw")
            .text_content()
            .unwrap(),
        "def"
    );
    assert_eq!(
        select(&ed, ".code-layer .ln .tok-def")
            .text_content()
            .unwrap(),
        "f"
    );
    let alert = select(&ed, "[role=alert]").text_content().unwrap();
    assert!(
        alert.starts_with("SyntaxError at line 2, column"),
        "{alert}"
    );
    assert!(select(&ed, ".gl.error").text_content().unwrap() == "2");
    let run: HtmlElement = button(&ed, "Run");
    assert!(run.has_attribute("disabled"));
    // Fixed: the alert goes and Run is enabled.
    type_code(&ed, "def f(x):\n    return x + 1\n").await;
    assert!(ed.query_selector("[role=alert]").unwrap().is_none());
    assert!(!button(&ed, "Run").has_attribute("disabled"));
}

#[wasm_bindgen_test]
async fn step_walks_the_script_and_lines_light_up_their_events() {
    let root = mount("cluster nodes=3\n").await;
    let ed = editor(&root, "app1");
    type_code(&ed, SCRIPT).await;
    assert_eq!(status(&ed), "not started");

    button(&ed, "Step").click();
    settle().await;
    assert_eq!(status(&ed), "paused before line 2");
    assert!(select(&ed, ".ln.current").id().ends_with("-2"));

    // BlockingConnection(): Step waits (in simulated time) for the handshake.
    button(&ed, "Step").click();
    settle().await;
    assert_eq!(status(&ed), "paused before line 3");
    button(&ed, "Step").click();
    settle().await;
    button(&ed, "Step").click();
    settle().await;
    assert_eq!(status(&ed), "paused before line 5");
    assert!(store().player().session.now() > Micros::ZERO);

    // Line 4 declared the queue: hovering its number lights its events for the stage.
    let line4 = button(&ed, "Line 4: 3 events");
    assert!(line4.class_list().contains("ran"));
    let over = web_sys::MouseEvent::new("mouseover").unwrap();
    line4.dispatch_event(&over).unwrap();
    let enter = web_sys::MouseEvent::new("mouseenter").unwrap();
    line4.dispatch_event(&enter).unwrap();
    settle().await;
    let lit = store().player().highlighted.clone();
    assert_eq!(lit.len(), 3, "{lit:?}");
    assert!(select(&ed, ".ln.hovered").id().ends_with("-4"));
    assert!(ed.query_selector_all(".ev.lit").unwrap().length() >= 2);
    let leave = web_sys::MouseEvent::new("mouseleave").unwrap();
    line4.dispatch_event(&leave).unwrap();
    settle().await;
    assert!(store().player().highlighted.is_empty());

    // Picking an event marks the line that caused it.
    let first_declare = {
        let s = store();
        let p = s.player();
        p.view_run().scripts.events_of_line("app1", 4)[0]
    };
    let ev: HtmlElement =
        select(&ed, &format!(".ev button[data-event=\"{first_declare}\"]")).unchecked_into();
    assert!(ev
        .text_content()
        .unwrap()
        .contains("queue.declare jobs durable"));
    ev.click();
    settle().await;
    assert_eq!(store().player().selected_event, Some(first_declare));
    assert!(select(&ed, ".ln.picked").id().ends_with("-4"));
    assert!(select(&ed, ".gl.picked").text_content().unwrap() == "4");

    // Run finishes it.
    button(&ed, "Run").click();
    settle().await;
    assert!(status(&ed).starts_with("finished"), "{}", status(&ed));
    assert_eq!(
        select(&ed, ".script-output").text_content().unwrap(),
        "declared\n"
    );
}

#[wasm_bindgen_test]
async fn run_stop_and_the_node_switch() {
    let root = mount("cluster nodes=3\n").await;
    let ed = editor(&root, "app2");
    type_code(&ed, "import pika, time\nch = pika.BlockingConnection().channel()\nwhile True:\n    time.sleep(1)\n").await;
    // Runs on node3: `localhost` is that node.
    button(&ed, "node3").click();
    settle().await;
    assert_eq!(
        button(&ed, "node3")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
    button(&ed, "Run").click();
    settle().await;
    store().dispatch(Action::Seek(Micros::from_ms(2500)));
    settle().await;
    assert!(
        status(&ed).starts_with("line 4: waiting in time.sleep(1)"),
        "{}",
        status(&ed)
    );
    {
        let s = store();
        let p = s.player();
        let sim = &p.view_run().sim;
        assert_eq!(sim.clients[0].node, 2);
        assert!(sim.clients[0].connected);
    }
    button(&ed, "Stop").click();
    settle().await;
    assert_eq!(status(&ed), "stopped");
    assert!(!store().player().view_run().sim.clients[0].connected);
    assert!(select(&ed, ".script-output .stderr")
        .text_content()
        .unwrap()
        .contains("stopped by the user"));
    // Add a third client, then remove it.
    button(&root, "Add a client").click();
    settle().await;
    assert!(root
        .query_selector("article[data-client=\"app3\"]")
        .unwrap()
        .is_some());
    button(&editor(&root, "app3"), "Remove this client").click();
    settle().await;
    assert!(root
        .query_selector("article[data-client=\"app3\"]")
        .unwrap()
        .is_none());
}

#[wasm_bindgen_test]
async fn a_loaded_scenarios_scripts_get_editors() {
    let root = mount(
        "cluster nodes=3\npython worker on node=node2 <<EOF\nimport pika\nch = pika.BlockingConnection().channel()\nprint('up')\nEOF\nwait 1s\n",
    )
    .await;
    let ed = editor(&root, "worker");
    let code: HtmlTextAreaElement = select(&ed, "textarea").unchecked_into();
    assert!(code.value().starts_with("import pika\n"));
    assert!(status(&ed).starts_with("finished"));
    assert_eq!(
        button(&ed, "node2")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
}
