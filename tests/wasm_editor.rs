//! Browser tier: the Python clients panel in a real DOM (headless Chromium), driven as a
//! learner would: typing, Step, Run, hovering line numbers, picking events.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::cell::RefCell;

use mirrorscope::sim::scenario::player::{Action, Player};
use mirrorscope::sim::scenario::Session;
use mirrorscope::sim::time::Micros;
use mirrorscope::ui::context::{Store, StoreHandle};
use mirrorscope::ui::i18n::Lang;
use mirrorscope::ui::panels::editor::ScriptsPanel;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

mod wasm_support;

use wasm_support::{
    all, appears, as_html, gone, new_root, rendered, select, text_at, text_of, until,
};

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

async fn mount(scenario: &str) -> Element {
    let root = new_root();
    yew::Renderer::<Harness>::with_root_and_props(
        root.clone(),
        HarnessProps {
            scenario: scenario.to_string(),
        },
    )
    .render();
    appears(&root, "article[data-client]").await;
    rendered().await;
    root
}

fn editor(root: &Element, client: &str) -> Element {
    select(root, &format!("article[data-client=\"{client}\"]"))
}

fn button(scope: &Element, label: &str) -> HtmlElement {
    all(scope, "button")
        .iter()
        .find(|b| {
            text_of(b).trim() == label || b.get_attribute("aria-label").as_deref() == Some(label)
        })
        .map(as_html)
        .unwrap_or_else(|| panic!("no button {label}"))
}

async fn type_code(ed: &Element, code: &str) {
    let area: HtmlTextAreaElement = select(ed, "textarea").unchecked_into();
    area.set_value(code);
    let ev = web_sys::InputEvent::new("input").unwrap();
    area.dispatch_event(&ev).unwrap();
    rendered().await;
}

fn status(ed: &Element) -> String {
    text_at(ed, ".script-status")
}

/// Waits until the script's status line reads `want` exactly.
async fn status_is(ed: &Element, want: &str) {
    until(&format!("the status {want:?}"), || status(ed) == want).await
}

/// Waits until the script's status line starts with `start`.
async fn status_starts(ed: &Element, start: &str) {
    until(&format!("a status starting {start:?}"), || {
        status(ed).starts_with(start)
    })
    .await
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
    let alert = appears(&ed, "[role=alert]").await;
    // The colouring follows the text: `def` is a keyword, `f` a function name.
    assert_eq!(text_of(&select(&ed, ".code-layer .ln .tok-kw")), "def");
    assert_eq!(text_of(&select(&ed, ".code-layer .ln .tok-def")), "f");
    let alert = text_of(&alert);
    assert!(
        alert.starts_with("SyntaxError at line 2, column"),
        "{alert}"
    );
    assert!(text_of(&select(&ed, ".gl.error")) == "2");
    let run: HtmlElement = button(&ed, "Run");
    assert!(run.has_attribute("disabled"));
    // Fixed: the alert goes and Run is enabled.
    type_code(&ed, "def f(x):\n    return x + 1\n").await;
    gone(&ed, "[role=alert]").await;
    until("Run enabled", || {
        !button(&ed, "Run").has_attribute("disabled")
    })
    .await;
}

#[wasm_bindgen_test]
async fn step_walks_the_script_and_lines_light_up_their_events() {
    let root = mount("cluster nodes=3\n").await;
    let ed = editor(&root, "app1");
    type_code(&ed, SCRIPT).await;
    status_is(&ed, "not started").await;

    button(&ed, "Step").click();
    status_is(&ed, "paused before line 2").await;
    assert!(select(&ed, ".ln.current").id().ends_with("-2"));

    // BlockingConnection(): Step waits (in simulated time) for the handshake.
    button(&ed, "Step").click();
    status_is(&ed, "paused before line 3").await;
    button(&ed, "Step").click();
    status_is(&ed, "paused before line 4").await;
    button(&ed, "Step").click();
    status_is(&ed, "paused before line 5").await;
    assert!(store().player().session.now() > Micros::ZERO);

    // Line 4 declared the queue: hovering its number lights its events for the stage.
    let line4 = button(&ed, "Line 4: 3 events");
    assert!(line4.class_list().contains("ran"));
    let over = web_sys::MouseEvent::new("mouseover").unwrap();
    line4.dispatch_event(&over).unwrap();
    let enter = web_sys::MouseEvent::new("mouseenter").unwrap();
    line4.dispatch_event(&enter).unwrap();
    appears(&ed, ".ln.hovered").await;
    rendered().await;
    let lit = store().player().highlighted.clone();
    assert_eq!(lit.len(), 3, "{lit:?}");
    assert!(select(&ed, ".ln.hovered").id().ends_with("-4"));
    assert!(ed.query_selector_all(".ev.lit").unwrap().length() >= 2);
    let leave = web_sys::MouseEvent::new("mouseleave").unwrap();
    line4.dispatch_event(&leave).unwrap();
    until("the events unlit", || {
        store().player().highlighted.is_empty()
    })
    .await;

    // Picking an event marks the line that caused it.
    let first_declare = {
        let s = store();
        let p = s.player();
        p.view_run().scripts.events_of_line("app1", 4)[0]
    };
    let ev: HtmlElement =
        select(&ed, &format!(".ev button[data-event=\"{first_declare}\"]")).unchecked_into();
    assert!(text_of(&ev).contains("queue.declare jobs durable"));
    ev.click();
    appears(&ed, ".ln.picked").await;
    rendered().await;
    assert_eq!(store().player().selected_event, Some(first_declare));
    assert!(select(&ed, ".ln.picked").id().ends_with("-4"));
    assert!(text_of(&select(&ed, ".gl.picked")) == "4");

    // Run finishes it.
    button(&ed, "Run").click();
    status_starts(&ed, "finished").await;
    until("the script's output", || {
        text_at(&ed, ".script-output") == "declared\n"
    })
    .await;
}

#[wasm_bindgen_test]
async fn run_stop_and_the_node_switch() {
    let root = mount("cluster nodes=3\n").await;
    let ed = editor(&root, "app2");
    type_code(&ed, "import pika, time\nch = pika.BlockingConnection().channel()\nwhile True:\n    time.sleep(1)\n").await;
    // Runs on node3: `localhost` is that node.
    button(&ed, "node3").click();
    until("node3 picked", || {
        button(&ed, "node3")
            .get_attribute("aria-pressed")
            .as_deref()
            == Some("true")
    })
    .await;
    status_is(&ed, "not started").await;
    button(&ed, "Run").click();
    until("the script started", || status(&ed) != "not started").await;
    store().dispatch(Action::Seek(Micros::from_ms(2500)));
    status_starts(&ed, "line 4: waiting in time.sleep(1)").await;
    {
        let s = store();
        let p = s.player();
        let sim = &p.view_run().sim;
        assert_eq!(sim.clients[0].node, 2);
        assert!(sim.clients[0].connected);
    }
    button(&ed, "Stop").click();
    status_is(&ed, "stopped").await;
    assert!(!store().player().view_run().sim.clients[0].connected);
    let stderr = appears(&ed, ".script-output .stderr").await;
    assert!(text_of(&stderr).contains("stopped by the user"));
    // Add a third client, then remove it.
    button(&root, "Add a client").click();
    let app3 = appears(&root, "article[data-client=\"app3\"]").await;
    button(&app3, "Remove this client").click();
    gone(&root, "article[data-client=\"app3\"]").await;
}

#[wasm_bindgen_test]
async fn a_loaded_scenarios_scripts_get_editors() {
    let root = mount(
        "cluster nodes=3\npython worker on node=node2 <<EOF\nimport pika\nch = pika.BlockingConnection().channel()\nprint('up')\nEOF\nwait 1s\n",
    )
    .await;
    let ed = appears(&root, "article[data-client=\"worker\"]").await;
    let code: HtmlTextAreaElement = select(&ed, "textarea").unchecked_into();
    assert!(code.value().starts_with("import pika\n"));
    status_starts(&ed, "finished").await;
    assert_eq!(
        button(&ed, "node2")
            .get_attribute("aria-pressed")
            .as_deref(),
        Some("true")
    );
}
