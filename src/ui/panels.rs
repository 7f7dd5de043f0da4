//! The panel area under the stage: four tabs, "Policies", "Queues", "Console", "Clients".
//!
//! Each tab mounts one component with no properties that reads the shared store through
//! `use_store()` and the language through `use_lang()`. [`panel`] is the one place that names
//! them: the management panels (`PoliciesView`, `QueuesView`, `Console`, `ClientsPanel`) are
//! built on their own branch; until they are mounted here, each tab shows the compact view below,
//! drawn from the same core views, so the page is whole on its own.
//!
//! The panels get the store from a provider that changes only when the run's content does (see
//! `app`), so they are not redrawn on every animation frame.

use yew::prelude::*;

use super::i18n::use_lang;
use super::player::Action;
use super::store::use_store;

/// The four panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Policies,
    Queues,
    Console,
    Clients,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Policies, Tab::Queues, Tab::Console, Tab::Clients];

    fn id(self) -> &'static str {
        match self {
            Tab::Policies => "policies",
            Tab::Queues => "queues",
            Tab::Console => "console",
            Tab::Clients => "clients",
        }
    }
}

/// The component a tab shows.
pub fn panel(tab: Tab) -> Html {
    match tab {
        Tab::Policies => html! { <PolicyList /> },
        Tab::Queues => html! { <QueueTable /> },
        Tab::Console => html! { <ConsoleLine /> },
        Tab::Clients => html! { <ClientList /> },
    }
}

/// The tabbed area.
#[function_component]
pub fn PanelArea() -> Html {
    let lang = use_lang();
    let text = lang.text();
    let tab = use_state_eq(|| Tab::Queues);
    let name = |t: Tab| match t {
        Tab::Policies => text.tab_policies,
        Tab::Queues => text.tab_queues,
        Tab::Console => text.tab_console,
        Tab::Clients => text.tab_clients,
    };
    let tabs: Html = Tab::ALL
        .iter()
        .map(|&t| {
            let onclick = {
                let tab = tab.clone();
                move |_: MouseEvent| tab.set(t)
            };
            let onkeydown = {
                let tab = tab.clone();
                Callback::from(move |e: KeyboardEvent| {
                    let i = Tab::ALL.iter().position(|&x| x == t).unwrap_or(0);
                    let next = match e.key().as_str() {
                        "ArrowRight" => Tab::ALL[(i + 1) % 4],
                        "ArrowLeft" => Tab::ALL[(i + 3) % 4],
                        _ => return,
                    };
                    e.prevent_default();
                    tab.set(next);
                    if let Some(el) = super::stage::browser()
                        .and_then(|w| w.document())
                        .and_then(|d| d.get_element_by_id(&format!("tab-{}", next.id())))
                    {
                        if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                            let _ = el.focus();
                        }
                    }
                })
            };
            let selected = *tab == t;
            html! {
                <button type="button" role="tab" id={format!("tab-{}", t.id())}
                    aria-selected={selected.to_string()} aria-controls="panel-body"
                    tabindex={if selected { "0" } else { "-1" }}
                    class={classes!("tab", selected.then_some("active"))} {onclick} {onkeydown}>
                    { name(t) }
                </button>
            }
        })
        .collect();
    html! {
        <section class="card panel-area" aria-label={text.panels_label}>
            <div class="tabs" role="tablist" aria-label={text.panels_label}>{ tabs }</div>
            <div id="panel-body" class="panel-body" role="tabpanel" aria-labelledby={format!("tab-{}", tab.id())}>
                { panel(*tab) }
            </div>
        </section>
    }
}

/// Queues as the management UI's Queues page lists them (the core's `queue_views`).
#[function_component]
fn QueueTable() -> Html {
    let store = use_store();
    let text = use_lang().text();
    let player = store.player();
    let rows: Html = player
        .view()
        .queue_views()
        .into_iter()
        .map(|q| {
            html! {
                <tr>
                    <td>{ &q.name }</td>
                    <td>
                        { &q.master }
                        if q.mirrored && !q.mirrors.is_empty() {
                            <abbr class="pill pill-s" title={q.synced_tooltip()}>{ format!("+{}", q.synced.len()) }</abbr>
                        }
                        if !q.unsynced.is_empty() {
                            <abbr class="pill pill-u" title={q.unsynced_tooltip()}>{ format!("+{}", q.unsynced.len()) }</abbr>
                        }
                    </td>
                    <td>{ q.policy.clone().unwrap_or_default() }</td>
                    <td>{ q.state }</td>
                    <td class="num">{ q.ready }</td>
                    <td class="num">{ q.unacked }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <table class="qtable">
            <thead><tr>
                <th>{ text.f_queue }</th><th>{ text.f_node }</th><th>{ text.f_policy }</th>
                <th>{ text.f_state }</th><th>{ text.f_ready }</th><th>{ text.f_unacked }</th>
            </tr></thead>
            <tbody>{ rows }</tbody>
        </table>
    }
}

/// The policies in force, by name and vhost, and which queue each one governs.
#[function_component]
fn PolicyList() -> Html {
    let store = use_store();
    let text = use_lang().text();
    let player = store.player();
    let sim = player.view();
    let items: Html = sim
        .policies
        .policies
        .iter()
        .map(|p| {
            let queues: Vec<String> = sim
                .queue_views()
                .into_iter()
                .filter(|q| {
                    q.policy.as_deref() == Some(p.name())
                        || q.operator_policy.as_deref() == Some(p.name())
                })
                .map(|q| q.name)
                .collect();
            html! {
                <li>
                    <code>{ p.name() }</code>{ format!(" (vhost {}) → ", p.vhost) }
                    { if queues.is_empty() { text.f_none.to_string() } else { queues.join(", ") } }
                </li>
            }
        })
        .collect();
    html! {
        if sim.policies.policies.is_empty() {
            <p class="muted">{ text.f_none }</p>
        } else {
            <ul class="plain">{ items }</ul>
        }
    }
}

/// One shell line on a chosen node, with what the commands printed.
#[function_component]
fn ConsoleLine() -> Html {
    let store = use_store();
    let text = use_lang().text();
    let node = use_state_eq(|| 0usize);
    let input = use_node_ref();
    let player = store.player();
    let nodes: Vec<String> = player
        .view()
        .cluster
        .nodes
        .iter()
        .map(|n| n.name.clone())
        .collect();
    let history: Html = player
        .console
        .iter()
        .rev()
        .take(20)
        .rev()
        .map(|c| {
            html! {
                <div class="console-entry">
                    <div class="console-in">{ format!("{}$ {}", c.node, c.input) }</div>
                    <pre class={classes!("console-out", (c.exit_code != 0).then_some("failed"))}>{ &c.output }</pre>
                </div>
            }
        })
        .collect();
    drop(player);
    let onsubmit = {
        let store = store.clone();
        let node = node.clone();
        let input = input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(i) = input.cast::<web_sys::HtmlInputElement>() {
                let line = i.value();
                if !line.trim().is_empty() {
                    store.dispatch(Action::Console { node: *node, line });
                    i.set_value("");
                }
            }
        })
    };
    let on_node = {
        let node = node.clone();
        Callback::from(move |e: Event| {
            if let Some(s) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                node.set(s.selected_index().max(0) as usize);
            }
        })
    };
    let options: Html = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| html! { <option selected={i == *node}>{ n }</option> })
        .collect();
    html! {
        <div class="console">
            <div class="console-history">{ history }</div>
            <form class="console-form" {onsubmit}>
                <select aria-label={text.f_node} onchange={on_node}>{ options }</select>
                <input ref={input} type="text" spellcheck="false" aria-label="rabbitmqctl"
                    placeholder="rabbitmqctl list_queues name slave_pids synchronised_slave_pids" />
            </form>
        </div>
    }
}

/// The client connections and what each saw.
#[function_component]
fn ClientList() -> Html {
    let store = use_store();
    let text = use_lang().text();
    let player = store.player();
    let sim = player.view();
    let rows: Html = sim
        .clients
        .iter()
        .map(|c| {
            html! {
                <tr>
                    <td>{ &c.name }</td>
                    <td>{ sim.node_name(c.node).to_string() }</td>
                    <td>{ if c.connected { text.yes } else { text.no } }</td>
                    <td class="num">{ c.next_seq.saturating_sub(1) }</td>
                    <td class="num">{ c.confirms.len() }</td>
                    <td class="num">{ c.deliveries.len() }</td>
                </tr>
            }
        })
        .collect();
    html! {
        <table class="qtable">
            <thead><tr>
                <th>{ text.tab_clients }</th><th>{ text.f_node }</th><th>{ text.f_connected }</th>
                <th>{ text.f_published }</th><th>{ text.f_confirmed }</th><th>{ text.f_deliveries }</th>
            </tr></thead>
            <tbody>{ rows }</tbody>
        </table>
    }
}
