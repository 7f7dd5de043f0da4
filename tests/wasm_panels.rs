//! Browser tier for the panels: each one mounted in a real DOM in headless Chromium inside the
//! store and language providers the app gives it, driven through its controls as a reader would.
#![cfg(all(target_arch = "wasm32", feature = "web"))]

mod wasm_support;

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
use wasm_support::{
    all, appears, as_html, document, new_root, rendered, select, shows, text_at, text_of, until,
    until_some,
};
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};
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

async fn mount(panel: Panel, scenario: &str, lang: Lang) -> Element {
    let root = new_root();
    yew::Renderer::<Harness>::with_root_and_props(
        root.clone(),
        HarnessProps {
            panel,
            scenario: scenario.to_string(),
            lang,
        },
    )
    .render();
    appears(&root, "section[aria-label]").await;
    rendered().await;
    root
}

/// The first element matching `selector` whose text contains `needle`.
fn with_text(root: &Element, selector: &str, needle: &str) -> Element {
    all(root, selector)
        .into_iter()
        .find(|e| text_of(e).contains(needle))
        .unwrap_or_else(|| panic!("no {selector} with text {needle:?}"))
}

fn click(el: &Element) {
    as_html(el).click();
}

/// Types into an input or textarea the way a reader does: the value, then an `input` event;
/// returns once the page has rendered what the event changed.
async fn type_into(el: &Element, value: &str) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        i.set_value(value);
    } else if let Some(t) = el.dyn_ref::<HtmlTextAreaElement>() {
        t.set_value(value);
    }
    let ev = web_sys::InputEvent::new("input").unwrap();
    el.dispatch_event(&ev).unwrap();
    rendered().await;
}

/// Picks a value in a `<select>` and fires `change`; returns once the page has rendered it.
async fn choose(el: &Element, value: &str) {
    js_sys::Reflect::set(el, &"value".into(), &value.into()).unwrap();
    let ev = web_sys::Event::new("change").unwrap();
    el.dispatch_event(&ev).unwrap();
    rendered().await;
}

/// A key press on an element (with bubbling, as a real one); returns once the page has
/// rendered what it did.
async fn key(el: &Element, key: &str) {
    let ev: web_sys::Event = js_sys::eval(&format!(
        "new KeyboardEvent('keydown', {{ key: '{key}', bubbles: true, cancelable: true }})"
    ))
    .unwrap()
    .unchecked_into();
    el.dispatch_event(&ev).unwrap();
    rendered().await;
}

/// Runs a scenario line on the store, from outside the panel.
async fn act(root: &Element, line: &str) {
    let b = select(root, ".harness-act");
    b.set_attribute("data-line", line).unwrap();
    click(&b);
    rendered().await;
}

fn labelled(root: &Element, label: &str) -> Element {
    select(root, &format!("[aria-label=\"{label}\"]"))
}

/// Waits for the form control a `<label for>` with this text points at (some appear only
/// once another field asks for them).
async fn field(root: &Element, label: &str) -> Element {
    until_some(&format!("a field labelled {label:?}"), || {
        let l = all(root, "label[for]")
            .into_iter()
            .find(|l| text_of(l).trim() == label)?;
        document().get_element_by_id(&l.get_attribute("for")?)
    })
    .await
}

/// Waits until the policy preview's row for `queue` has cells that `ok` accepts; returns them.
async fn preview_row(root: &Element, queue: &str, ok: impl Fn(&[String]) -> bool) -> Vec<String> {
    until_some(&format!("the preview row of {queue}"), || {
        let row = all(root, ".preview-table tbody tr")
            .into_iter()
            .find(|r| text_of(r).contains(queue))?;
        let cells: Vec<String> = all(&row, "td").iter().map(text_of).collect();
        ok(&cells).then_some(cells)
    })
    .await
}

const QUEUE: &str = "cluster nodes=3\nclient app node=node1\napp declare queue_a durable\napp publish queue_a \"m\" count=3\nwait 50ms\n";

#[wasm_bindgen_test]
async fn policies_form_previews_validates_and_applies() {
    let root = mount(Panel::Policies, QUEUE, Lang::En).await;
    let section = select(&root, "section[aria-label=\"Policies\"]");
    assert!(text_of(&section).contains("… no policies …"));

    type_into(&field(&root, "Name *").await, "ha-two").await;
    type_into(&field(&root, "Pattern *").await, "^queue_").await;
    choose(&field(&root, "ha-mode").await, "exactly").await;
    type_into(&field(&root, "ha-params").await, "2").await;
    choose(&field(&root, "ha-sync-mode").await, "automatic").await;
    let json = r#"{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}"#;
    until("the definition built from the form", || {
        text_at(&root, "[data-testid=definition-json]") == json
    })
    .await;
    shows(&root, ".verdict", "RabbitMQ accepts this policy").await;

    // The preview: queue_a keeps its master on node1 and gains one slave.
    let slaves = |cells: &[String]| cells.iter().filter(|c| c.contains("→ slave")).count();
    let cells = preview_row(&root, "queue_a", |c| c.len() >= 3 && slaves(c) > 0).await;
    assert_eq!(cells[0], "master");
    assert_eq!(slaves(&cells[1..3]), 1, "{cells:?}");

    // Editing the form recomputes the preview at once.
    choose(&field(&root, "ha-mode").await, "all").await;
    let cells = preview_row(&root, "queue_a", |c| c.len() >= 3 && slaves(&c[1..3]) == 2).await;
    assert!(cells[1].contains("→ slave") && cells[2].contains("→ slave"));

    // The preview follows the simulation too: with node3 down, ha-mode all has one slave less.
    // (While the simulation moves the preview is brought up to date on a timer.)
    act(&root, "kill node3").await;
    let cells = preview_row(&root, "queue_a", |c| {
        c.len() >= 3 && !c[2].contains("slave")
    })
    .await;
    assert!(cells[1].contains("→ slave"), "{cells:?}");

    // Bad input: RabbitMQ's text next to the form, and everything typed is still there.
    type_into(&field(&root, "Pattern *").await, "(").await;
    let verdict = shows(&root, ".verdict", "Error:").await;
    assert!(
        text_of(&verdict).starts_with("Error:"),
        "{}",
        text_of(&verdict)
    );
    shows(&root, ".policy-preview", "No preview").await;
    let name: HtmlInputElement = field(&root, "Name *").await.unchecked_into();
    assert_eq!(name.value(), "ha-two");
    type_into(&field(&root, "Pattern *").await, "^queue_").await;
    shows(&root, ".verdict", "RabbitMQ accepts this policy").await;

    click(&with_text(
        &root,
        "button[type=submit]",
        "Add / update policy",
    ));
    shows(&section, "table.data-table", "ha-two").await;
    shows(&root, ".last-result", "exit 0").await;

    // Edit loads it back (after the form is cleared); Delete clears it with clear_policy.
    type_into(&name, "").await;
    click(&labelled(&root, "Edit policy ha-two"));
    until("the policy loaded back into the form", || {
        name.value() == "ha-two"
    })
    .await;
    click(&labelled(&root, "Delete policy ha-two"));
    shows(&root, "section[aria-label=\"Policies\"]", "… no policies …").await;
}

#[wasm_bindgen_test]
async fn queues_show_pills_and_synchronise() {
    let scn = format!(
        "{QUEUE}rabbitmqctl set_policy ha \"^queue_\" '{{\"ha-mode\":\"all\"}}'\nwait 200ms\n"
    );
    let root = mount(Panel::Queues, &scn, Lang::En).await;
    let row = appears(&root, "tr[data-queue=queue_a]").await;
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
    let row = shows(&root, "tr[data-queue=queue_a]", "Syncing:").await;
    assert!(text_of(&row).contains("Syncing: 0%"), "{}", text_of(&row));
    shows(
        &root,
        ".last-result",
        "http://localhost:15672/api/queues/%2F/queue_a/actions",
    )
    .await;
    click(&labelled(&root, "Cancel synchronisation of queue queue_a"));
    until("the sync cancelled", || {
        !text_at(&root, "tr[data-queue=queue_a]").contains("Syncing")
    })
    .await;
    let row = select(&root, "tr[data-queue=queue_a]");
    assert_eq!(text_of(&select(&row, ".pill-unsynced")), "+2");
}

#[wasm_bindgen_test]
async fn console_runs_lines_continues_and_recalls_history() {
    let root = mount(Panel::Console, "cluster nodes=3\n", Lang::En).await;
    let input = labelled(&root, INPUT_NAME);
    assert_eq!(input.tag_name(), "TEXTAREA");

    // On node2's shell.
    choose(&select(&root, ".panel-bar select"), "1").await;
    shows(&root, ".console-input", "[root@node2 ~]#").await;

    // An open quote continues on the next line, as in a shell.
    type_into(
        &input,
        r#"rabbitmqctl set_policy ha-all "^" '{"ha-mode":"all""#,
    )
    .await;
    key(&input, "Enter").await;
    shows(&root, ".terminal", "ha-all").await;
    shows(&root, ".console-input", ">").await;
    type_into(&input, "}'").await;
    key(&input, "Enter").await;
    let entry = until_some("the command's answer", || {
        find_entry(&root).filter(|e| e.has_attribute("data-exit"))
    })
    .await;
    assert_eq!(entry.get_attribute("data-exit").as_deref(), Some("0"));
    assert!(text_of(&entry).contains("[root@node2 ~]#"));
    assert!(text_of(&entry).contains("Setting policy \"ha-all\""));

    // A failing command shows its exit code and, for the seed's typos, a note.
    click(&with_text(
        &root,
        ".example-list button",
        "as printed (with its typos)",
    ));
    let failed = until_some("a second answer", || {
        let entries = all(&root, ".term-entry");
        (entries.len() >= 2)
            .then(|| entries.last().cloned())
            .flatten()
    })
    .await;
    assert_eq!(failed.get_attribute("data-exit").as_deref(), Some("69"));
    assert!(text_of(&failed).contains("exit 69"));
    assert!(text_of(&failed).contains("Error:"));
    assert!(text_of(&failed).contains("U+FF1A"));

    // ↑ recalls the previous command.
    let area: HtmlTextAreaElement = input.clone().unchecked_into();
    key(&input, "ArrowUp").await;
    until("the last command recalled", || area.value() == EXAMPLES[0]).await;
    key(&input, "ArrowUp").await;
    until("the command before it recalled", || {
        area.value().starts_with("rabbitmqctl set_policy ha-all")
    })
    .await;
    key(&input, "ArrowDown").await;
    key(&input, "ArrowDown").await;
    until("↓ back to an empty line", || area.value().is_empty()).await;

    // systemctl stops the node whose shell it is.
    type_into(&input, "systemctl stop rabbitmq-server").await;
    click(&select(&root, ".console-input button[type=submit]"));
    shows(&root, ".panel-bar select", "rabbit@node2 (stopped)").await;
}

fn find_entry(root: &Element) -> Option<Element> {
    all(root, ".term-entry").into_iter().next()
}

#[wasm_bindgen_test]
async fn clients_connect_declare_publish_consume_and_ack() {
    let root = mount(Panel::Clients, "cluster nodes=3\n", Lang::En).await;
    click(&with_text(&root, "button", "Connect"));
    let card = shows(
        &root,
        "article[data-client=app]",
        "connected · rabbit@node1",
    )
    .await;
    click(&with_text(&card, "button", "Declare"));
    rendered().await;
    let card = select(&root, "article[data-client=app]");
    click(&with_text(&card, "button", "Enable confirms"));
    rendered().await;
    let card = select(&root, "article[data-client=app]");
    type_into(&select(&card, "input.tiny"), "3").await;
    let card = select(&root, "article[data-client=app]");
    click(&with_text(&card, "button", "Publish"));
    // Confirms come later: the publishes wait for them.
    let card = shows(&root, "article[data-client=app]", "(seq 1, 2, 3)").await;
    shows(
        &root,
        ".last-result",
        "app publish queue_a \"m\" persistent count=3",
    )
    .await;

    // basic.get waits for its answer: the first message, tag 1, not yet acked.
    click(&with_text(&card, "button", "Get"));
    let row = appears(&root, "article[data-client=app] table.deliveries tbody tr").await;
    let card = select(&root, "article[data-client=app]");
    assert_eq!(all(&card, "table.deliveries tbody tr").len(), 1);
    assert!(text_of(&row).contains("m1"));
    click(&labelled(&card, "Ack delivery tag 1"));
    shows(
        &root,
        "article[data-client=app] table.deliveries tbody tr",
        "yes",
    )
    .await;

    let card = select(&root, "article[data-client=app]");
    click(&with_text(&card, "button", "Consume"));
    let card = shows(&root, "article[data-client=app]", "ctag1.1").await;
    click(&with_text(&card, "button", "Close"));
    let card = shows(&root, "article[data-client=app]", "Reconnect").await;
    assert!(text_of(&card).contains("closed"));
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
