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
use super::markup::{esc, raw};
use super::player::Action;
use super::store::use_store;
use crate::put;

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
    html! { <CoreView {tab} /> }
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

#[derive(Properties, PartialEq)]
struct CoreViewProps {
    tab: Tab,
}

/// A compact view of what the core holds for a tab: queues as the management UI lists them,
/// the policies and the queues they govern, the clients, and a shell line on a chosen node.
#[function_component]
fn CoreView(props: &CoreViewProps) -> Html {
    let store = use_store();
    let text = use_lang().text();
    let node = use_state_eq(|| 0usize);
    let input = use_node_ref();
    let player = store.player();
    let sim = player.view();
    let mut out = String::new();
    let table = |out: &mut String, heads: &[&str]| {
        out.push_str("<table class=\"qtable\"><thead><tr>");
        for h in heads {
            put!(out, "<th>{}</th>", esc(h));
        }
        out.push_str("</tr></thead><tbody>");
    };
    match props.tab {
        Tab::Queues => {
            table(
                &mut out,
                &[
                    text.f_queue,
                    text.f_node,
                    text.f_policy,
                    text.f_state,
                    text.f_ready,
                    text.f_unacked,
                ],
            );
            for q in sim.queue_views() {
                put!(out, "<tr><td>{}</td><td>{}", esc(&q.name), esc(&q.master));
                if q.mirrored && !q.mirrors.is_empty() {
                    put!(
                        out,
                        r#" <abbr class="pill pill-s" title="{}">+{}</abbr>"#,
                        esc(&q.synced_tooltip()),
                        q.synced.len()
                    );
                }
                if !q.unsynced.is_empty() {
                    put!(
                        out,
                        r#" <abbr class="pill pill-u" title="{}">+{}</abbr>"#,
                        esc(&q.unsynced_tooltip()),
                        q.unsynced.len()
                    );
                }
                put!(
                    out,
                    r#"</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                    esc(q.policy.as_deref().unwrap_or("")),
                    q.state,
                    q.ready,
                    q.unacked
                );
            }
            out.push_str("</tbody></table>");
        }
        Tab::Policies => {
            table(&mut out, &[text.f_policy, "vhost", text.f_queue]);
            let views = sim.queue_views();
            for p in &sim.policies.policies {
                let governed: Vec<&str> = views
                    .iter()
                    .filter(|q| {
                        q.policy.as_deref() == Some(p.name())
                            || q.operator_policy.as_deref() == Some(p.name())
                    })
                    .map(|q| q.name.as_str())
                    .collect();
                put!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                    esc(p.name()),
                    esc(&p.vhost),
                    esc(&governed.join(", "))
                );
            }
            out.push_str("</tbody></table>");
        }
        Tab::Clients => {
            table(
                &mut out,
                &[
                    text.tab_clients,
                    text.f_node,
                    text.f_connected,
                    text.f_published,
                    text.f_confirmed,
                    text.f_deliveries,
                ],
            );
            for c in &sim.clients {
                put!(
                    out,
                    r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td><td class="num">{}</td></tr>"#,
                    esc(&c.name),
                    esc(sim.node_name(c.node)),
                    if c.connected { text.yes } else { text.no },
                    c.next_seq.saturating_sub(1),
                    c.confirms.len(),
                    c.deliveries.len()
                );
            }
            out.push_str("</tbody></table>");
        }
        Tab::Console => {
            out.push_str("<div class=\"console-history\">");
            for c in player.console.iter().rev().take(20).rev() {
                put!(
                    out,
                    r#"<div class="console-in">{}$ {}</div><pre class="console-out{}">{}</pre>"#,
                    esc(&c.node),
                    esc(&c.input),
                    if c.exit_code != 0 { " failed" } else { "" },
                    esc(&c.output)
                );
            }
            out.push_str("</div>");
        }
    }
    let nodes: Vec<String> = sim.cluster.nodes.iter().map(|n| n.name.clone()).collect();
    drop(player);
    let form = (props.tab == Tab::Console).then(|| {
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
            <form class="console-form" {onsubmit}>
                <select aria-label={text.f_node} onchange={on_node}>{ options }</select>
                <input ref={input} type="text" spellcheck="false" aria-label="rabbitmqctl"
                    placeholder="rabbitmqctl list_queues name slave_pids synchronised_slave_pids" />
            </form>
        }
    });
    html! { <>{ raw(out) }{ form.unwrap_or_default() }</> }
}
