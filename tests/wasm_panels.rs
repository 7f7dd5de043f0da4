//! Browser tier for the panels: each one mounted in a real DOM in headless Chromium inside the
//! store and language providers the app gives it, driven through its controls as a reader would.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

use std::time::Duration;

use mirrorscope::sim::scenario::player::{Action, Player};
use mirrorscope::sim::scenario::Session;
use mirrorscope::ui::context::{Store, StoreHandle};
use mirrorscope::ui::i18n::panels::text;
use mirrorscope::ui::i18n::Lang;
use mirrorscope::ui::panels::clients::ClientsPanel;
use mirrorscope::ui::panels::console::{Console, EXAMPLES, INPUT_NAME};
use mirrorscope::ui::panels::policies::PoliciesView;
use mirrorscope::ui::panels::queues::QueuesView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

#[derive(Clone, Copy, PartialEq)]
enum Panel {
    Policies,
    Queues,
    Console,
    Clients,
}

#[derive(Properties, PartialEq)]
struct HarnessProps {
    panel: Panel,
    scenario: String,
    lang: Lang,
}

/// The providers the app puts around the panels, with a run built from a scenario.
#[function_component]
fn Harness(p: &HarnessProps) -> Html {
    let scenario = p.scenario.clone();
    let store = use_reducer(move || {
        Store::new(Player::from_session(
            Session::from_scenario(&scenario).expect("test scenario parses"),
        ))
    });
    // Lets a test act on the run as another part of the page would (the stage, a lesson).
    let act = {
        let store = store.clone();
        Callback::from(move |e: MouseEvent| {
            let el: Element = e.target_unchecked_into();
            if let Some(line) = el.get_attribute("data-line") {
                store.dispatch(Action::Input(line));
            }
        })
    };
    let panel = match p.panel {
        Panel::Policies => html! { <PoliciesView /> },
        Panel::Queues => html! { <QueuesView /> },
        Panel::Console => html! { <Console /> },
        Panel::Clients => html! { <ClientsPanel /> },
    };
    html! {
        <ContextProvider<StoreHandle> context={store}>
            <ContextProvider<Lang> context={p.lang}>{ panel }</ContextProvider<Lang>>
            <button class="harness-act" onclick={act}>{ "act" }</button>
        </ContextProvider<StoreHandle>>
    }
}

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

async fn mount(panel: Panel, scenario: &str, lang: Lang) -> Element {
    let root = document().create_element("div").unwrap();
    document().body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<Harness>::with_root_and_props(
        root.clone(),
        HarnessProps {
            panel,
            scenario: scenario.to_string(),
            lang,
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

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .map(|i| list.item(i).unwrap().dyn_into().unwrap())
        .collect()
}

fn text_of(el: &Element) -> String {
    el.text_content().unwrap_or_default()
}

/// The first element matching `selector` whose text contains `needle`.
fn with_text(root: &Element, selector: &str, needle: &str) -> Element {
    all(root, selector)
        .into_iter()
        .find(|e| text_of(e).contains(needle))
        .unwrap_or_else(|| panic!("no {selector} with text {needle:?}"))
}

fn click(el: &Element) {
    el.clone().unchecked_into::<HtmlElement>().click();
}

/// Types into an input or textarea the way a reader does: the value, then an `input` event.
async fn type_into(el: &Element, value: &str) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(value);
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.set_value(value);
    }
    let ev = web_sys::InputEvent::new("input").unwrap();
    el.dispatch_event(&ev).unwrap();
    settle().await;
}

/// Picks a value in a `<select>` and fires `change`.
async fn choose(el: &Element, value: &str) {
    js_sys::Reflect::set(el, &"value".into(), &value.into()).unwrap();
    let ev = web_sys::Event::new("change").unwrap();
    el.dispatch_event(&ev).unwrap();
    settle().await;
}

/// A key press on an element (with bubbling, as a real one).
async fn key(el: &Element, key: &str) {
    let ev: web_sys::Event = js_sys::eval(&format!(
        "new KeyboardEvent('keydown', {{ key: '{key}', bubbles: true, cancelable: true }})"
    ))
    .unwrap()
    .unchecked_into();
    el.dispatch_event(&ev).unwrap();
    settle().await;
}

/// Runs a scenario line on the store, from outside the panel.
async fn act(root: &Element, line: &str) {
    let b = select(root, ".harness-act");
    b.set_attribute("data-line", line).unwrap();
    click(&b);
    settle().await;
}

fn labelled(root: &Element, label: &str) -> Element {
    select(root, &format!("[aria-label=\"{label}\"]"))
}

/// The form control a `<label for>` with this text points at.
fn field(root: &Element, label: &str) -> Element {
    let l = all(root, "label[for]")
        .into_iter()
        .find(|l| text_of(l).trim() == label)
        .unwrap_or_else(|| panic!("no label {label:?}"));
    let id = l.get_attribute("for").unwrap();
    document().get_element_by_id(&id).unwrap()
}

const QUEUE: &str = "cluster nodes=3\nclient app node=node1\napp declare queue_a durable\napp publish queue_a \"m\" count=3\nwait 50ms\n";

#[wasm_bindgen_test]
async fn policies_form_previews_validates_and_applies() {
    let root = mount(Panel::Policies, QUEUE, Lang::En).await;
    let section = select(&root, "section[aria-label=\"Policies\"]");
    assert!(text_of(&section).contains("… no policies …"));

    type_into(&field(&root, "Name *"), "ha-two").await;
    type_into(&field(&root, "Pattern *"), "^queue_").await;
    choose(&field(&root, "ha-mode"), "exactly").await;
    type_into(&field(&root, "ha-params"), "2").await;
    choose(&field(&root, "ha-sync-mode"), "automatic").await;
    assert_eq!(
        text_of(&select(&root, "[data-testid=definition-json]")),
        r#"{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}"#
    );
    assert!(text_of(&select(&root, ".verdict")).contains("RabbitMQ accepts this policy"));

    // The preview: queue_a keeps its master on node1 and gains one slave.
    let row = with_text(&root, ".preview-table tbody tr", "queue_a");
    let cells = all(&row, "td");
    assert_eq!(text_of(&cells[0]), "master");
    let gained: Vec<String> = cells[1..3].iter().map(text_of).collect();
    assert_eq!(
        gained.iter().filter(|c| c.contains("→ slave")).count(),
        1,
        "{gained:?}"
    );

    // Editing the form recomputes the preview at once.
    choose(&field(&root, "ha-mode"), "all").await;
    let row = with_text(&root, ".preview-table tbody tr", "queue_a");
    let cells = all(&row, "td");
    assert!(text_of(&cells[1]).contains("→ slave"));
    assert!(text_of(&cells[2]).contains("→ slave"));

    // The preview follows the simulation too: with node3 down, ha-mode all has one slave less.
    act(&root, "kill node3").await;
    yew::platform::time::sleep(Duration::from_millis(400)).await;
    let row = with_text(&root, ".preview-table tbody tr", "queue_a");
    let cells = all(&row, "td");
    assert!(text_of(&cells[1]).contains("→ slave"));
    assert!(
        !text_of(&cells[2]).contains("slave"),
        "{}",
        text_of(&cells[2])
    );

    // Bad input: RabbitMQ's text next to the form, and everything typed is still there.
    type_into(&field(&root, "Pattern *"), "(").await;
    let verdict = text_of(&select(&root, ".verdict"));
    assert!(verdict.starts_with("Error:"), "{verdict}");
    assert!(text_of(&select(&root, ".policy-preview")).contains("No preview"));
    let name: HtmlInputElement = field(&root, "Name *").unchecked_into();
    assert_eq!(name.value(), "ha-two");
    type_into(&field(&root, "Pattern *"), "^queue_").await;

    click(&with_text(
        &root,
        "button[type=submit]",
        "Add / update policy",
    ));
    settle().await;
    let table = select(&section, "table.data-table");
    assert!(text_of(&table).contains("ha-two"));
    assert!(text_of(&select(&root, ".last-result")).contains("exit 0"));

    // Edit loads it back; Delete clears it with clear_policy.
    click(&labelled(&root, "Edit policy ha-two"));
    settle().await;
    assert_eq!(name.value(), "ha-two");
    click(&labelled(&root, "Delete policy ha-two"));
    settle().await;
    assert!(text_of(&section).contains("… no policies …"));
}

#[wasm_bindgen_test]
async fn queues_show_pills_and_synchronise() {
    let scn = format!(
        "{QUEUE}rabbitmqctl set_policy ha \"^queue_\" '{{\"ha-mode\":\"all\"}}'\nwait 200ms\n"
    );
    let root = mount(Panel::Queues, &scn, Lang::En).await;
    let row = select(&root, "tr[data-queue=queue_a]");
    let blue = select(&row, ".pill-synced");
    assert_eq!(text_of(&blue), "+0");
    assert_eq!(
        blue.get_attribute("title").as_deref(),
        Some("There are no synchronised mirrors")
    );
    let red = select(&row, ".pill-unsynced");
    assert_eq!(text_of(&red), "+2");
    assert_eq!(
        red.get_attribute("title").as_deref(),
        Some("Unsynchronised mirrors: rabbit@node2,rabbit@node3")
    );
    assert!(text_of(&row).contains("(unsynchronised)"));

    // The management API's request answers at once: the sync is under way, not over.
    click(&labelled(&root, "Synchronise queue queue_a"));
    settle().await;
    let row = select(&root, "tr[data-queue=queue_a]");
    assert!(text_of(&row).contains("Syncing: 0%"), "{}", text_of(&row));
    assert!(text_of(&select(&root, ".last-result"))
        .contains("http://localhost:15672/api/queues/%2F/queue_a/actions"));
    click(&labelled(&root, "Cancel synchronisation of queue queue_a"));
    settle().await;
    let row = select(&root, "tr[data-queue=queue_a]");
    assert!(!text_of(&row).contains("Syncing"));
    assert_eq!(text_of(&select(&row, ".pill-unsynced")), "+2");
}

#[wasm_bindgen_test]
async fn console_runs_lines_continues_and_recalls_history() {
    let root = mount(Panel::Console, "cluster nodes=3\n", Lang::En).await;
    let input = labelled(&root, INPUT_NAME);
    assert_eq!(input.tag_name(), "TEXTAREA");

    // On node2's shell.
    choose(&select(&root, ".panel-bar select"), "1").await;
    assert!(text_of(&select(&root, ".console-input")).contains("[root@node2 ~]#"));

    // An open quote continues on the next line, as in a shell.
    type_into(
        &input,
        r#"rabbitmqctl set_policy ha-all "^" '{"ha-mode":"all""#,
    )
    .await;
    key(&input, "Enter").await;
    assert!(text_of(&select(&root, ".terminal")).contains("ha-all"));
    assert!(text_of(&select(&root, ".console-input")).contains('>'));
    type_into(&input, "}'").await;
    key(&input, "Enter").await;
    let entry = select(&root, ".term-entry");
    assert_eq!(entry.get_attribute("data-exit").as_deref(), Some("0"));
    assert!(text_of(&entry).contains("[root@node2 ~]#"));
    assert!(text_of(&entry).contains("Setting policy \"ha-all\""));

    // A failing command shows its exit code and, for the seed's typos, a note.
    click(&with_text(
        &root,
        ".example-list button",
        "as printed (with its typos)",
    ));
    settle().await;
    let failed = all(&root, ".term-entry").pop().unwrap();
    assert_eq!(failed.get_attribute("data-exit").as_deref(), Some("69"));
    assert!(text_of(&failed).contains("exit 69"));
    assert!(text_of(&failed).contains("Error:"));
    assert!(text_of(&failed).contains("U+FF1A"));

    // ↑ recalls the previous command.
    key(&input, "ArrowUp").await;
    let area: HtmlTextAreaElement = input.clone().unchecked_into();
    assert_eq!(area.value(), EXAMPLES[0]);
    key(&input, "ArrowUp").await;
    assert!(area.value().starts_with("rabbitmqctl set_policy ha-all"));
    key(&input, "ArrowDown").await;
    key(&input, "ArrowDown").await;
    assert_eq!(area.value(), "");

    // systemctl stops the node whose shell it is.
    type_into(&input, "systemctl stop rabbitmq-server").await;
    click(&select(&root, ".console-input button[type=submit]"));
    settle().await;
    let sel = text_of(&select(&root, ".panel-bar select"));
    assert!(sel.contains("rabbit@node2 (stopped)"), "{sel}");
}

#[wasm_bindgen_test]
async fn clients_connect_declare_publish_consume_and_ack() {
    let root = mount(Panel::Clients, "cluster nodes=3\n", Lang::En).await;
    click(&with_text(&root, "button", "Connect"));
    settle().await;
    let card = select(&root, "article[data-client=app]");
    assert!(text_of(&card).contains("connected · rabbit@node1"));
    click(&with_text(&card, "button", "Declare"));
    click(&with_text(&card, "button", "Enable confirms"));
    settle().await;
    let card = select(&root, "article[data-client=app]");
    type_into(&select(&card, "input.tiny"), "3").await;
    click(&with_text(&card, "button", "Publish"));
    settle().await;
    // Confirms come later: the publishes wait for them.
    let card = select(&root, "article[data-client=app]");
    assert!(
        text_of(&card).contains("(seq 1, 2, 3)"),
        "{}",
        text_of(&card)
    );
    assert!(text_of(&select(&root, ".last-result"))
        .contains("app publish queue_a \"m\" persistent count=3"));

    // basic.get waits for its answer: the first message, tag 1, not yet acked.
    click(&with_text(&card, "button", "Get"));
    settle().await;
    let card = select(&root, "article[data-client=app]");
    let rows = all(&card, "table.deliveries tbody tr");
    assert_eq!(rows.len(), 1);
    assert!(text_of(&rows[0]).contains("m1"));
    click(&labelled(&card, "Ack delivery tag 1"));
    settle().await;
    let card = select(&root, "article[data-client=app]");
    let row = select(&card, "table.deliveries tbody tr");
    assert!(text_of(&row).contains("yes"), "{}", text_of(&row));

    click(&with_text(&card, "button", "Consume"));
    settle().await;
    let card = select(&root, "article[data-client=app]");
    assert!(text_of(&card).contains("ctag1.1"));
    click(&with_text(&card, "button", "Close"));
    settle().await;
    let card = select(&root, "article[data-client=app]");
    assert!(text_of(&card).contains("closed"));
    assert!(text_of(&card).contains("Reconnect"));
}

#[wasm_bindgen_test]
async fn panels_speak_chinese() {
    let zh = text(Lang::Zh);
    for (panel, name) in [
        (Panel::Policies, zh.policies_title),
        (Panel::Queues, zh.queues_title),
        (Panel::Clients, zh.clients_title),
        (Panel::Console, zh.console_title),
    ] {
        let root = mount(panel, QUEUE, Lang::Zh).await;
        select(&root, &format!("section[aria-label=\"{name}\"]"));
        let t = text_of(&root);
        for en in [
            "Add / update",
            "Received messages",
            "Examples from the docs",
            "Slaves (mirrors)",
        ] {
            assert!(!t.contains(en), "{en} in {t}");
        }
    }
    // The console's input keeps its name in every language.
    let root = mount(Panel::Console, QUEUE, Lang::Zh).await;
    labelled(&root, INPUT_NAME);
}
