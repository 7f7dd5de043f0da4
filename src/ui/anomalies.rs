//! The anomalies the core's checker finds in the run at the cursor (lost, duplicated, acked
//! messages coming back, reordering), each with a plain explanation of the RabbitMQ behaviour
//! behind it and the notable event that most likely caused it, one click away.

use yew::prelude::*;

use super::i18n::use_lang;
use super::inspector::{use_selection, Selection};
use super::player::Action;
use super::stage::{fmt_time, use_derived, use_slow_store};
use crate::sim::checker::AnomalyKind;

fn kind_class(kind: AnomalyKind) -> &'static str {
    match kind {
        AnomalyKind::Lost => "a-lost",
        AnomalyKind::Duplicate => "a-duplicate",
        AnomalyKind::AckedCameBack => "a-came-back",
        AnomalyKind::Reordered => "a-reordered",
    }
}

/// The anomalies card (redrawn when the checker's findings change).
#[function_component]
pub fn Anomalies() -> Html {
    let lang = use_lang();
    let text = lang.text();
    let selection = use_selection();
    let store = use_slow_store();
    let derived = use_derived();
    let player = store.player();
    let found = &derived.anomalies;
    let items: Html = found
        .iter()
        .enumerate()
        .map(|(k, a)| {
            let (title, why) = text.anomaly(a.kind);
            let cause = a.cause.clone().map(|(i, t)| {
                let at = player.session.run.sim.trace.get(i).map(|e| e.at);
                let onclick = {
                    let store = store.clone();
                    let selection = selection.clone();
                    move |_: MouseEvent| {
                        if let Some(at) = at {
                            store.dispatch(Action::Seek(at));
                        }
                        selection.set(Some(Selection::Event(i)));
                    }
                };
                html! {
                    <p class="cause">
                        <span class="tool-label">{ text.anom_cause }</span>{ " " }
                        <button type="button" class="link-btn" {onclick}>
                            { at.map(fmt_time).unwrap_or_default() }{ " — " }{ t }
                        </button>
                    </p>
                }
            });
            let go = {
                let store = store.clone();
                let at = a.at;
                move |_: MouseEvent| store.dispatch(Action::Seek(at))
            };
            html! {
                <li key={k} class={classes!("anomaly", kind_class(a.kind))}>
                    <div class="anomaly-head">
                        <span class="flag-icon" aria-hidden="true">{ "⚠" }</span>
                        <strong>{ title }</strong>
                        <span class="anomaly-body">{ format!("\"{}\"", a.body) }</span>
                        <button type="button" class="link-btn" onclick={go}>
                            { format!("{} {}", text.anom_at, fmt_time(a.at)) }
                        </button>
                    </div>
                    <p>{ why }</p>
                    { cause.unwrap_or_default() }
                    <details>
                        <summary>{ text.anom_detail }</summary>
                        <code>{ &a.detail }</code>
                    </details>
                </li>
            }
        })
        .collect();
    html! {
        <section class="card anomalies" aria-labelledby="anom-h">
            <div class="card-head">
                <h2 id="anom-h">{ text.anom_heading }</h2>
                if !found.is_empty() { <span class="count-badge">{ found.len() }</span> }
            </div>
            if found.is_empty() {
                <p class="muted">{ text.anom_none }</p>
            } else {
                <ul class="plain anomaly-list">{ items }</ul>
            }
        </section>
    }
}
