//! The user and operator policy tables, as `list_policies` shows them, each row with "Edit"
//! (load it into the form) and "Delete" (run `clear_policy`).

use yew::prelude::*;

use crate::sim::policy::definition::PolicyKind;
use crate::sim::scenario::player::Action;
use crate::sim::Sim;
use crate::ui::context::StoreHandle;
use crate::ui::i18n::panels::{button, fill, PanelText};
use crate::ui::panels::policies::fields::{FormEdit, FormHandle};
use crate::ui::panels::policies::form::{clear_line, PolicyForm, StoredPolicy};

/// What the tables need from the page around them.
pub struct TableCtx<'a> {
    pub sim: &'a Sim,
    pub store: &'a StoreHandle,
    pub t: &'static PanelText,
    pub form: &'a FormHandle,
    /// The panel's root, to bring the form into view when a policy is loaded into it.
    pub root: &'a NodeRef,
    /// Where the page remembers the line it sent and the console length before it.
    pub sent: &'a UseStateHandle<Option<(String, usize)>>,
    pub nodes: &'a [String],
    pub vhosts: &'a [String],
    /// The console length now (the index the sent line's output will have).
    pub console_len: usize,
    /// The node that runs the commands.
    pub run_on: usize,
}

/// The user (`operator` false) or operator policies of every vhost.
pub fn policy_table(c: &TableCtx<'_>, operator: bool) -> Html {
    let TableCtx {
        sim,
        store,
        t,
        form,
        root,
        sent,
        nodes,
        vhosts,
        console_len,
        run_on,
    } = *c;
    let kind = if operator {
        PolicyKind::Operator
    } else {
        PolicyKind::User
    };
    let list: Vec<_> = vhosts
        .iter()
        .flat_map(|v| sim.policies.list(v, kind))
        .collect();
    if list.is_empty() {
        return html! { <p class="muted">{ t.no_policies }</p> };
    }
    let show_vhost = vhosts.len() > 1;
    let rows: Html = list
        .iter()
        .map(|p| {
            let def = p.spec.definition.to_json_string();
            let stored = StoredPolicy {
                operator,
                vhost: &p.vhost,
                name: &p.spec.name,
                pattern: p.spec.pattern.source(),
                apply_to: p.spec.apply_to.as_str(),
                priority: p.spec.priority,
            };
            let loaded = PolicyForm::from_policy(stored, nodes, &def);
            let onedit = {
                let d = form.dispatcher();
                let root = root.clone();
                Callback::from(move |_: MouseEvent| {
                    let loaded = loaded.clone();
                    d.dispatch(FormEdit(Box::new(move |f| *f = loaded)));
                    // Take the reader to the form, where the policy now is.
                    if let Some(el) = root
                        .cast::<web_sys::Element>()
                        .and_then(|r| r.query_selector(".policy-form input").ok().flatten())
                    {
                        el.scroll_into_view();
                        if let Ok(h) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                            let _ = h.focus();
                        }
                    }
                })
            };
            let ondelete = {
                let store = store.clone();
                let sent = sent.clone();
                let line = clear_line(operator, &p.vhost, &p.spec.name);
                let before = console_len;
                Callback::from(move |_: MouseEvent| {
                    sent.set(Some((line.clone(), before)));
                    store.dispatch(Action::Console {
                        node: run_on,
                        line: line.clone(),
                    });
                })
            };
            let name = p.spec.name.clone();
            html! {
                <tr>
                    if show_vhost { <td data-label={t.col_vhost}>{ p.vhost.clone() }</td> }
                    <td data-label={t.col_name}><strong>{ name.clone() }</strong></td>
                    <td data-label={t.col_pattern}><code>{ p.spec.pattern.source().to_string() }</code></td>
                    <td data-label={t.col_apply_to}>{ apply_to_label(t, p.spec.apply_to.as_str()) }</td>
                    <td data-label={t.col_definition}><code class="wrap">{ def }</code></td>
                    <td data-label={t.col_priority} class="num">{ p.spec.priority }</td>
                    <td data-label={t.col_actions} class="actions">
                        { button(t.edit, Some(fill(t.edit_label, &[("name", &name)])), "btn btn-small", onedit) }
                        { button(t.delete, Some(fill(t.delete_label, &[("name", &name)])),
                            "btn btn-small btn-danger", ondelete) }
                    </td>
                </tr>
            }
        })
        .collect();
    html! {
        <div class="table-wrap">
            <table class="data-table stack">
                <thead><tr>
                    if show_vhost { <th scope="col">{ t.col_vhost }</th> }
                    <th scope="col">{ t.col_name }</th>
                    <th scope="col">{ t.col_pattern }</th>
                    <th scope="col">{ t.col_apply_to }</th>
                    <th scope="col">{ t.col_definition }</th>
                    <th scope="col">{ t.col_priority }</th>
                    <th scope="col">{ t.col_actions }</th>
                </tr></thead>
                <tbody>{ rows }</tbody>
            </table>
        </div>
    }
}

fn apply_to_label(t: &PanelText, v: &str) -> &'static str {
    match v {
        "queues" => t.apply_queues,
        "exchanges" => t.apply_exchanges,
        _ => t.apply_all,
    }
}
