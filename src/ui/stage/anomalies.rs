//! The anomalies the core's checker finds in the run at the cursor (lost, duplicated, acked
//! messages coming back, reordering), each with a plain explanation of the RabbitMQ behaviour
//! behind it and the notable event that most likely caused it, one click away.

use crate::put;
use crate::sim::checker::{Anomaly, AnomalyKind};
use crate::sim::trace::{TraceEvent, TraceKind};
use crate::sim::Sim;
use crate::ui::fmt::fmt_time;
use crate::ui::i18n::{fill, Text};
use crate::ui::markup::esc;

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
