//! The anomalies the core's checker finds in the run at the cursor (lost, duplicated, acked
//! messages coming back, reordering), each with a plain explanation of the RabbitMQ behaviour
//! behind it and the notable event that most likely caused it, one click away; and the loss
//! notice a lesson shows when messages are lost, tied to the first loss.

use yew::prelude::*;

use crate::put;
use crate::sim::checker::{Anomaly, AnomalyKind};
use crate::sim::trace::{TraceEvent, TraceKind};
use crate::sim::Sim;
use crate::ui::context::{use_derived, use_lang, use_selection, use_slow_store};
use crate::ui::fmt::fmt_time;
use crate::ui::i18n::{fill, Text};
use crate::ui::markup::{esc, on_click, raw};

fn kind_class(kind: AnomalyKind) -> &'static str {
    match kind {
        AnomalyKind::Lost | AnomalyKind::LostUnconfirmed => "a-lost",
        AnomalyKind::Duplicate => "a-duplicate",
        AnomalyKind::AckedCameBack => "a-came-back",
        AnomalyKind::Reordered => "a-reordered",
    }
}

/// The entry that most likely caused an anomaly, in the reader's language (the checker names
/// a state change or a message lost in flight).
fn cause_text(e: &TraceEvent, text: &Text) -> String {
    match &e.kind {
        TraceKind::State { change, .. } => text.change(change),
        TraceKind::Lost { id, reason } => fill(
            text.anom_lost_in_flight,
            &[("id", &id.to_string()), ("why", &text.lost_reason(reason))],
        ),
        _ => String::new(),
    }
}

/// The anomalies card's content as markup: each anomaly with what it means and its likely
/// cause, both one click from the clock (see `markup` for the actions).
pub fn anomalies_markup(sim: &Sim, anomalies: &[Anomaly], text: &Text) -> String {
    let mut out = String::new();
    if anomalies.is_empty() {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.anom_none));
        return out;
    }
    if let Some(summary) = loss_summary(anomalies, text) {
        put!(out, r#"<p class="loss-summary">{}</p>"#, esc(&summary));
    }
    out.push_str(r#"<ul class="plain anomaly-list">"#);
    for a in anomalies {
        let (title, why) = text.anomaly(a.kind);
        put!(
            out,
            r#"<li class="anomaly {}"><div class="anomaly-head"><span class="flag-icon" aria-hidden="true">⚠</span><strong>{}</strong><span class="anomaly-body">"{}"</span><button type="button" class="link-btn" data-seek="{}">{} {}</button></div><p>{}</p>"#,
            kind_class(a.kind),
            esc(title),
            esc(&a.body),
            a.at.0,
            esc(text.anom_at),
            fmt_time(a.at),
            esc(why)
        );
        if let Some((i, _)) = &a.cause {
            if let Some(e) = sim.trace.get(*i) {
                put!(
                    out,
                    r#"<p class="cause"><span class="tool-label">{}</span> <button type="button" class="link-btn" data-seek="{}" data-sel="e{i}">{} — {}</button></p>"#,
                    esc(text.anom_cause),
                    e.at.0,
                    fmt_time(e.at),
                    esc(&cause_text(e, text))
                );
            }
        }
        put!(
            out,
            "<details><summary>{}</summary><code>{}</code></details></li>",
            esc(text.anom_detail),
            esc(&text.anomaly_detail(&a.detail))
        );
    }
    out.push_str("</ul>");
    out
}

/// The losses among `anomalies` in words, by kind (confirmed and lost; published without a
/// confirm and gone), or `None` when nothing was lost.
fn loss_summary(anomalies: &[Anomaly], text: &Text) -> Option<String> {
    let count = |k: AnomalyKind| anomalies.iter().filter(|a| a.kind == k).count();
    let parts: Vec<String> = [
        (count(AnomalyKind::Lost), text.loss_count_confirmed),
        (
            count(AnomalyKind::LostUnconfirmed),
            text.loss_count_unconfirmed,
        ),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, t)| fill(t, &[("n", &n.to_string())]))
    .collect();
    (!parts.is_empty()).then(|| parts.join(text.loss_sep))
}

/// The loss notice as markup: how many messages the run lost by the cursor, of which kind,
/// and a button to the first loss (its moment and the entry that caused it). Empty when
/// nothing was lost.
pub fn loss_notice_markup(anomalies: &[Anomaly], text: &Text) -> String {
    let Some(summary) = loss_summary(anomalies, text) else {
        return String::new();
    };
    let Some(first) = anomalies
        .iter()
        .filter(|a| matches!(a.kind, AnomalyKind::Lost | AnomalyKind::LostUnconfirmed))
        .min_by_key(|a| a.at)
    else {
        return String::new();
    };
    let sel = first
        .cause
        .as_ref()
        .map_or(String::new(), |(i, _)| format!(r#" data-sel="e{i}""#));
    let mut out = String::new();
    put!(
        out,
        r#"<div class="loss-notice" role="status"><p><span class="flag-icon" aria-hidden="true">⚠</span> <strong>{}</strong> {}</p><button type="button" class="btn" data-seek="{}"{sel}>{}</button><p class="hint">{}</p></div>"#,
        esc(text.loss_notice_title),
        esc(&summary),
        first.at.0,
        esc(&fill(text.loss_go, &[("t", &fmt_time(first.at))])),
        esc(text.loss_notice_hint)
    );
    out
}

/// The loss notice (see [`loss_notice_markup`]), shown in the lessons card as soon as the run
/// at the cursor has lost a message, so that a lesson that loses messages says so when it
/// happens.
#[function_component]
pub fn LossNotice() -> Html {
    let store = use_slow_store();
    let derived = use_derived();
    let lang = use_lang();
    let selection = use_selection();
    let markup = loss_notice_markup(&derived.anomalies, lang.text());
    if markup.is_empty() {
        return Html::default();
    }
    html! {
        <div onclick={on_click(&store, &selection, None)}>{ raw(markup) }</div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::checker::check;
    use crate::sim::scenario::run_text;
    use crate::ui::i18n::Lang;

    /// Ten messages published without confirms are lost at 300 ms when the unsynchronised
    /// slave is promoted (the "unsynced" lesson).
    fn unsynced() -> crate::sim::scenario::Run {
        run_text(
            include_str!("../../../tests/scenarios/t09_unsynced_failover.scn"),
            None,
        )
        .unwrap()
    }

    #[test]
    fn losses_without_confirms_are_counted_with_their_moment() {
        let run = unsynced();
        let found = check(&run.sim);
        for lang in Lang::ALL {
            let text = lang.text();
            let out = anomalies_markup(&run.sim, &found, text);
            assert_eq!(out.matches(r#"data-seek="300000">"#).count(), 10, "{out}");
            assert_eq!(
                out.matches(&format!(
                    "<strong>{}</strong>",
                    esc(text.anom_lost_unconfirmed)
                ))
                .count(),
                10,
                "{out}"
            );
            assert!(
                !out.contains(&format!("<strong>{}</strong>", esc(text.anom_lost))),
                "{out}"
            );
            let summary = fill(text.loss_count_unconfirmed, &[("n", "10")]);
            assert!(out.contains(&esc(&summary)), "{out}");
            // The cause and the detail are in the reader's language.
            let detail = text.anomaly_detail(&found[0].detail);
            assert!(out.contains(&esc(&detail)), "{out}");
        }
        let zh = anomalies_markup(&run.sim, &found, Lang::Zh.text());
        assert!(zh.contains("rabbit@node1 崩溃"), "{zh}");
        assert!(!zh.contains("crashed"), "{zh}");
        assert!(!zh.contains("never delivered"), "{zh}");
    }

    #[test]
    fn the_notice_names_the_losses_and_leads_to_the_first() {
        let run = unsynced();
        let found = check(&run.sim);
        let cause = found[0].cause.as_ref().unwrap().0;
        for lang in Lang::ALL {
            let text = lang.text();
            let out = loss_notice_markup(&found, text);
            assert!(out.contains(&esc(text.loss_notice_title)), "{out}");
            assert!(
                out.contains(&format!(r#"data-seek="300000" data-sel="e{cause}""#)),
                "{out}"
            );
            assert!(out.contains(&esc(&fill(text.loss_count_unconfirmed, &[("n", "10")]))));
            assert!(out.contains(&fmt_time(crate::sim::time::Micros(300_000))));
        }
        // Duplicates alone are no loss: no notice.
        let dups: Vec<Anomaly> = check(
            &run_text(
                include_str!("../../../tests/scenarios/t12_consumers_at_failover.scn"),
                None,
            )
            .unwrap()
            .sim,
        )
        .into_iter()
        .filter(|a| a.kind == AnomalyKind::Duplicate)
        .collect();
        assert!(!dups.is_empty());
        assert_eq!(loss_notice_markup(&dups, Lang::En.text()), "");
        assert_eq!(loss_notice_markup(&[], Lang::En.text()), "");
    }
}
