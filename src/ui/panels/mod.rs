//! The panel area under the stage: tabs "Policies", "Queues", "Exchanges", "Console",
//! "Clients", "Python" and "Lab".
//!
//! Each tab mounts one component with no properties that reads the shared store through
//! `use_store()` and the language through `use_lang()`. [`panel`] is the one place that names
//! them.
//!
//! The panels get the store from a provider that changes only when the run's content does (see
//! `app`), so they are not redrawn on every animation frame.

pub mod clients;
pub mod console;
pub mod editor;
pub mod exchanges;
pub mod lab;
pub mod policies;
pub mod queues;

use yew::prelude::*;

use crate::ui::context::use_lang;
use crate::ui::i18n::exchanges::exchanges_text;
use crate::ui::i18n::lab::lab_text;
use crate::ui::panels::clients::ClientsPanel;
use crate::ui::panels::console::Console;
use crate::ui::panels::editor::ScriptsPanel;
use crate::ui::panels::exchanges::ExchangesView;
use crate::ui::panels::lab::LabPanel;
use crate::ui::panels::policies::PoliciesView;
use crate::ui::panels::queues::QueuesView;

/// The four panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Policies,
    Queues,
    Console,
    Clients,
    Scripts,
    Lab,
    Exchanges,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Policies,
        Tab::Queues,
        Tab::Exchanges,
        Tab::Console,
        Tab::Clients,
        Tab::Scripts,
        Tab::Lab,
    ];

    fn id(self) -> &'static str {
        match self {
            Tab::Policies => "policies",
            Tab::Queues => "queues",
            Tab::Console => "console",
            Tab::Clients => "clients",
            Tab::Scripts => "scripts",
            Tab::Lab => "lab",
            Tab::Exchanges => "exchanges",
        }
    }
}

/// The component a tab shows.
pub fn panel(tab: Tab) -> Html {
    match tab {
        Tab::Policies => html! { <PoliciesView /> },
        Tab::Queues => html! { <QueuesView /> },
        Tab::Console => html! { <Console /> },
        Tab::Clients => html! { <ClientsPanel /> },
        Tab::Scripts => html! { <ScriptsPanel /> },
        Tab::Lab => html! { <LabPanel /> },
        Tab::Exchanges => html! { <ExchangesView /> },
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
        Tab::Scripts => text.tab_scripts,
        Tab::Lab => lab_text(lang).tab,
        Tab::Exchanges => exchanges_text(lang).tab,
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
                        "ArrowRight" => Tab::ALL[(i + 1) % Tab::ALL.len()],
                        "ArrowLeft" => Tab::ALL[(i + Tab::ALL.len() - 1) % Tab::ALL.len()],
                        _ => return,
                    };
                    e.prevent_default();
                    tab.set(next);
                    if let Some(el) = crate::ui::context::browser()
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
