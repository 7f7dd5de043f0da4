//! The inspector: what the reader clicked (a node, a replica, a client, a message or a trace
//! row) and its state at the cursor, as the core holds it. A message also shows its lineage,
//! each hop a button that moves the clock there.

use yew::prelude::*;

use crate::put;

use crate::sim::lineage::{lineage, message_of_send, HopKind};
use crate::sim::model::{ClientId, ConfirmOutcome, ProcId};
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, TraceKind};
use crate::sim::view::replica::ReplicaRole;
use crate::sim::Sim;
use crate::ui::context::{Selection, SelectionHandle, StoreHandle};
use crate::ui::fmt::{endpoint_name_at, fmt_time, role_text, side_letter};
use crate::ui::i18n::{fill, Text};
use crate::ui::markup::{esc, fact, on_click, raw};
use crate::ui::stage::legend::state_icon_markup;

fn yes_no(text: &Text, b: bool) -> &'static str {
    if b {
        text.yes
    } else {
        text.no
    }
}

/// A button (as markup) that does what its data attribute says (see `markup`).
fn action_button(out: &mut String, class: &str, data: &str, label: &str, enabled: bool) {
    put!(
        out,
        r#"<button type="button" class="{class}" {data}{}>{}</button>"#,
        if enabled { "" } else { " disabled" },
        esc(label)
    );
}

/// The inspector card: what is selected, at the cursor. The page draws it whenever the run's
/// content or the selection changes.
pub fn inspector_card(store: &StoreHandle, selection: &SelectionHandle, text: &Text) -> Html {
    let player = store.player();
    let view = player.view();
    let live = &player.session.run.sim;
    let mut out = String::with_capacity(2048);
    match **selection {
        None => put!(out, r#"<p class="muted">{}</p>"#, esc(text.insp_empty)),
        Some(Selection::Node(n)) => node_panel(&mut out, view, n, text),
        Some(Selection::Replica(p)) => replica_panel(&mut out, view, p, text),
        Some(Selection::Client(c)) => client_panel(&mut out, view, c, text),
        Some(Selection::Event(i)) => event_panel(&mut out, live, i, player.cursor, text),
    }
    drop(player);
    let close = {
        let s = selection.clone();
        Callback::from(move |_: MouseEvent| s.set(None))
    };
    html! {
        <section class="card inspector" aria-labelledby="inspector-h">
            <div class="card-head">
                <h2 id="inspector-h">{ text.insp_heading }</h2>
                if selection.is_some() {
                    <button type="button" class="link-btn" onclick={close}>{ text.close }</button>
                }
            </div>
            <div class="insp-body" onclick={on_click(store, selection, None)}>{ raw(out) }</div>
        </section>
    }
}

fn node_panel(out: &mut String, sim: &Sim, n: usize, text: &Text) {
    let Some(node) = sim.cluster.nodes.get(n) else {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.insp_empty));
        return;
    };
    let mut state = text.state(node.state).to_string();
    if sim.waiting_boot.contains(&n) {
        state = format!("{state} — {}", text.booting);
    }
    put!(
        out,
        r#"<h3 class="insp-title">{}</h3><dl class="facts"><dt>{}</dt><dd><span class="state-text">{} {}</span></dd>"#,
        esc(&node.name),
        esc(text.f_state),
        state_icon_markup(node.state),
        esc(&state)
    );
    if let Some(sides) = &sim.partition {
        fact(
            out,
            text.f_side,
            &fill(
                text.side_label,
                &[("s", &side_letter(sides.get(n).copied().unwrap_or(0)))],
            ),
        );
    }
    put!(out, "</dl><h4>{}</h4>", esc(text.f_queues));
    let mut any = false;
    for (i, r) in sim.procs.iter().enumerate() {
        let role = sim.replica_role(ProcId(i));
        if r.pid.node != n || role == ReplicaRole::Gone {
            continue;
        }
        if !any {
            out.push_str("<ul class=\"plain\">");
            any = true;
        }
        let name = sim.queues.get(r.queue.0).map_or("?", |q| q.name.as_str());
        out.push_str("<li>");
        action_button(
            out,
            "link-btn",
            &format!("data-sel=\"r{i}\""),
            &format!("{name} — {}", role_text(text, role)),
            true,
        );
        put!(
            out,
            " · {} {} · {} {}</li>",
            esc(text.f_ready),
            r.ready.len(),
            esc(text.f_unacked),
            r.unacked.len()
        );
    }
    if any {
        out.push_str("</ul>");
    } else {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.f_none));
    }
    put!(out, "<h4>{}</h4>", esc(text.f_clients));
    let clients: Vec<usize> = (0..sim.clients.len())
        .filter(|&i| sim.clients[i].node == n)
        .collect();
    if clients.is_empty() {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.f_none));
    } else {
        out.push_str("<ul class=\"plain\">");
        for i in clients {
            out.push_str("<li>");
            action_button(
                out,
                "link-btn",
                &format!("data-sel=\"c{i}\""),
                &sim.clients[i].name,
                true,
            );
            out.push_str("</li>");
        }
        out.push_str("</ul>");
    }
    out.push_str("<div class=\"btn-row\">");
    for choice in sim.node_actions(n) {
        action_button(
            out,
            "btn",
            &format!("data-act=\"{}\" data-sel=\"n{n}\"", esc(&choice.line)),
            text.node_action(choice.action),
            choice.enabled,
        );
    }
    out.push_str("</div>");
}

fn replica_panel(out: &mut String, sim: &Sim, p: ProcId, text: &Text) {
    let Some(r) = sim.procs.get(p.0) else {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.insp_empty));
        return;
    };
    let q = sim.queues.get(r.queue.0);
    let role = sim.replica_role(p);
    let node = r.pid.node;
    put!(
        out,
        r#"<h3 class="insp-title">{}</h3><dl class="facts">"#,
        esc(q.map_or("?", |q| q.name.as_str()))
    );
    fact(out, text.f_role, role_text(text, role));
    put!(out, "<dt>{}</dt><dd>", esc(text.f_node));
    action_button(
        out,
        "link-btn",
        &format!("data-sel=\"n{node}\""),
        sim.node_name(node),
        true,
    );
    put!(
        out,
        "</dd><dt>{}</dt><dd><code>{}</code></dd>",
        esc(text.f_process),
        esc(&sim.pid_string(p))
    );
    fact(out, text.f_alive, yes_no(text, r.alive));
    fact(out, text.f_ready, &r.ready.len().to_string());
    fact(out, text.f_unacked, &r.unacked.len().to_string());
    fact(out, text.f_depth, &r.depth().to_string());
    if role == ReplicaRole::Master {
        if let Some(pct) = sim.sync_percent(r.queue) {
            fact(
                out,
                text.f_state,
                &fill(text.queue_syncing, &[("p", &pct.to_string())]),
            );
        }
    } else {
        fact(
            out,
            text.f_synced,
            yes_no(text, role == ReplicaRole::Synced),
        );
        // The gap as the mirror itself knows it (master depth last heard over GM minus its own).
        fact(
            out,
            text.f_behind,
            &r.depth_delta
                .map_or_else(|| "?".to_string(), |d| d.to_string()),
        );
    }
    fact(out, text.f_gm_buffer, &r.gm.buffer.len().to_string());
    out.push_str("</dl>");
    if !r.gm.buffer.is_empty() && r.alive {
        put!(out, r#"<p class="hint">{}</p>"#, esc(text.f_gm_buffer_hint));
    }
}

fn client_panel(out: &mut String, sim: &Sim, c: ClientId, text: &Text) {
    let Some(cl) = sim.clients.get(c.0) else {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.insp_empty));
        return;
    };
    let acks = cl
        .confirms
        .iter()
        .filter(|x| x.2 == ConfirmOutcome::Ack)
        .count();
    let nacks = cl.confirms.len() - acks;
    put!(
        out,
        r#"<h3 class="insp-title">{}</h3><dl class="facts">"#,
        esc(&cl.name)
    );
    fact(out, text.f_node, sim.node_name(cl.node));
    fact(out, text.f_connected, yes_no(text, cl.connected));
    fact(
        out,
        text.f_published,
        &cl.next_seq.saturating_sub(1).to_string(),
    );
    fact(out, text.f_confirmed, &format!("{acks} / {nacks}"));
    fact(out, text.f_unconfirmed, &cl.unconfirmed.len().to_string());
    fact(out, text.f_deliveries, &cl.deliveries.len().to_string());
    fact(
        out,
        text.f_redelivered,
        &cl.deliveries
            .iter()
            .filter(|d| d.redelivered)
            .count()
            .to_string(),
    );
    fact(
        out,
        text.f_unacked,
        &cl.deliveries
            .iter()
            .filter(|d| !d.acked && d.acked_at.is_none())
            .count()
            .to_string(),
    );
    let consumers = if cl.consumers.is_empty() {
        text.f_none.to_string()
    } else {
        cl.consumers.join(", ")
    };
    fact(out, text.f_consumers, &consumers);
    if let Some(e) = cl.errors.last() {
        put!(
            out,
            "<dt>{}</dt><dd><code>{}</code></dd>",
            esc(text.f_last_error),
            esc(&e.to_string())
        );
    }
    out.push_str("</dl>");
}

fn hop_name(text: &Text, k: HopKind) -> &'static str {
    match k {
        HopKind::Publish { to_master: true } => text.hop_publish_master,
        HopKind::Publish { to_master: false } => text.hop_publish_mirror,
        HopKind::Gm => text.hop_gm,
        HopKind::GmAck => text.hop_gm_ack,
        HopKind::GmCatchup => text.hop_gm_catchup,
        HopKind::ReplicaConfirm => text.hop_replica_confirm,
        HopKind::Confirm(ConfirmOutcome::Ack) => text.hop_confirm_ack,
        HopKind::Confirm(ConfirmOutcome::Nack) => text.hop_confirm_nack,
        HopKind::Deliver { redelivered: false } => text.hop_deliver,
        HopKind::Deliver { redelivered: true } => text.hop_redeliver,
        HopKind::Ack => text.hop_ack,
        HopKind::Reject => text.hop_reject,
        HopKind::SyncBatch => text.hop_sync_batch,
    }
}

fn event_panel(out: &mut String, live: &Sim, i: usize, cursor: Micros, text: &Text) {
    let Some(e) = live.trace.get(i) else {
        put!(out, r#"<p class="muted">{}</p>"#, esc(text.insp_empty));
        return;
    };
    put!(
        out,
        r#"<h3 class="insp-title">{}</h3><dl class="facts">"#,
        fmt_time(e.at)
    );
    match &e.kind {
        TraceKind::Send {
            id,
            from,
            to,
            arrive,
            kind,
            label,
            ..
        } => {
            let lost = live.trace[i..].iter().find_map(|x| match &x.kind {
                TraceKind::Lost { id: l, reason } if l == id && x.at <= cursor => {
                    Some(reason.clone())
                }
                _ => None,
            });
            let in_flight = e.at <= cursor && *arrive > cursor && lost.is_none();
            let status = if e.at > cursor {
                text.s_not_yet.to_string()
            } else if let Some(why) = lost {
                fill(text.s_lost, &[("why", &text.lost_reason(&why))])
            } else if *arrive > cursor {
                text.s_in_flight.to_string()
            } else {
                text.s_arrived.to_string()
            };
            fact(out, text.f_kind, text.kind_name(*kind));
            put!(
                out,
                "<dt>{}</dt><dd><code>{}</code></dd>",
                esc(text.f_event),
                esc(label)
            );
            fact(out, text.f_from, &endpoint_name_at(live, *from, i, text));
            fact(out, text.f_to, &endpoint_name_at(live, *to, i, text));
            fact(out, text.f_sent, &fmt_time(e.at));
            fact(out, text.f_arrives, &fmt_time(*arrive));
            fact(out, text.f_status, &status);
            out.push_str("</dl>");
            if in_flight {
                out.push_str("<div class=\"drop\">");
                action_button(
                    out,
                    "btn danger",
                    &format!("data-act=\"drop {id}\""),
                    text.drop_message,
                    true,
                );
                put!(out, r#"<p class="hint">{}</p></div>"#, esc(text.drop_hint));
            }
            match message_of_send(live, i).and_then(|m| lineage(live, m)) {
                Some(l) => {
                    put!(
                        out,
                        r#"<h4>{}</h4><p class="hint">{}</p><ol class="lineage">"#,
                        esc(&fill(
                            text.lineage_heading,
                            &[("body", &format!("\"{}\"", l.body))]
                        )),
                        esc(text.lineage_hint)
                    );
                    for h in &l.hops {
                        let route = match (h.from, h.to) {
                            (Some(a), Some(b)) => format!(
                                "{} → {}",
                                endpoint_name_at(live, a, h.index, text),
                                endpoint_name_at(live, b, h.index, text)
                            ),
                            (None, Some(b)) => endpoint_name_at(live, b, h.index, text),
                            _ => String::new(),
                        };
                        put!(
                            out,
                            r#"<li class="hop{}{}{}"><button type="button" class="hop-btn" data-seek="{}" data-sel="e{}"><span class="hop-time">{}</span><span class="hop-name">{}</span><span class="hop-route">{}</span>"#,
                            if h.index == i { " current" } else { "" },
                            if h.at > cursor { " future" } else { "" },
                            if h.lost.is_some() { " lost" } else { "" },
                            h.at.0,
                            h.index,
                            fmt_time(h.at),
                            esc(hop_name(text, h.kind)),
                            esc(&route)
                        );
                        if let Some(why) = &h.lost {
                            put!(
                                out,
                                r#"<span class="hop-lost">{}</span>"#,
                                esc(&fill(text.s_lost, &[("why", &text.lost_reason(why))]))
                            );
                        }
                        out.push_str("</button></li>");
                    }
                    out.push_str("</ol>");
                }
                None => put!(out, r#"<p class="hint">{}</p>"#, esc(text.lineage_none)),
            }
        }
        TraceKind::Lost { id, reason } => {
            fact(
                out,
                text.f_status,
                &fill(text.s_lost, &[("why", &text.lost_reason(reason))]),
            );
            let before = &live.trace[..i];
            let send = before
                .iter()
                .rposition(|x| matches!(&x.kind, TraceKind::Send { id: s, .. } if s == id))
                .map(|p| i - before.len() + p);
            if let Some(s) = send {
                put!(out, "<dt>{}</dt><dd>", esc(text.f_event));
                action_button(
                    out,
                    "link-btn",
                    &format!("data-seek=\"{}\" data-sel=\"e{s}\"", live.trace[s].at.0),
                    &event_text(live, s, text),
                    true,
                );
                out.push_str("</dd>");
            }
            out.push_str("</dl>");
        }
        TraceKind::State { change, importance } => {
            put!(
                out,
                r#"<dt>{}</dt><dd><span class="{}">{}</span></dd></dl>"#,
                esc(text.f_event),
                if *importance == Importance::Notable {
                    "notable"
                } else {
                    ""
                },
                esc(&text.change(change))
            );
        }
        TraceKind::Input { text: t } => {
            put!(
                out,
                "<dt>{}</dt><dd><code>{}</code></dd></dl>",
                esc(text.f_input),
                esc(t)
            );
        }
    }
    out.push_str("<div class=\"btn-row\">");
    action_button(
        out,
        "btn",
        &format!("data-seek=\"{}\" data-sel=\"e{i}\"", e.at.0),
        text.go_there,
        true,
    );
    out.push_str("</div>");
}

/// One trace entry as a line of the event log, in the reader's language, a replica named by
/// its role at that entry.
pub fn event_text(sim: &Sim, i: usize, text: &Text) -> String {
    let Some(e) = sim.trace.get(i) else {
        return String::new();
    };
    match &e.kind {
        TraceKind::Input { text } => format!("› {text}"),
        TraceKind::Send {
            from, to, label, ..
        } => {
            format!(
                "{label}  {} → {}",
                endpoint_name_at(sim, *from, i, text),
                endpoint_name_at(sim, *to, i, text)
            )
        }
        TraceKind::Lost { id, reason } => format!("✕ #{id} {}", text.lost_reason(reason)),
        TraceKind::State { change, .. } => text.change(change),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;
    use crate::sim::trace::Endpoint;
    use crate::ui::i18n::Lang;

    /// A run where node2's slave of `q` is promoted when node1 is killed: the publishes it got
    /// before are rows naming a slave, those after name the master.
    fn promoted_run() -> (Session, ProcId, usize) {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        s.apply("client app node=node3").unwrap();
        s.apply("app declare q durable").unwrap();
        s.apply(r#"rabbitmqctl set_policy ha "^q$" '{"ha-mode":"all"}'"#)
            .unwrap();
        s.advance_to(Micros::from_ms(50));
        s.apply("app publish q \"before\"").unwrap();
        s.advance_to(Micros::from_ms(100));
        let master = s.run.sim.queues[0].master;
        let node = s
            .run
            .sim
            .node_name(s.run.sim.procs[master.0].pid.node)
            .to_string();
        s.apply(&format!("kill {node}")).unwrap();
        s.advance_to(Micros::from_secs(5));
        s.apply("app publish q \"after\"").unwrap();
        s.advance_to(Micros::from_secs(6));
        let new = s.run.sim.queues[0].master;
        assert_ne!(new, master);
        let promoted = s.run.sim.procs[new.0].master_from.unwrap();
        (s, new, promoted)
    }

    /// The rows of sends that reached `p`, split at `promoted`.
    fn rows_to(sim: &Sim, p: ProcId, promoted: usize, text: &Text) -> (Vec<String>, Vec<String>) {
        let mut before = Vec::new();
        let mut after = Vec::new();
        for (i, e) in sim.trace.iter().enumerate() {
            if let TraceKind::Send { to, .. } = &e.kind {
                if *to == Endpoint::Proc(p) {
                    let row = event_text(sim, i, text);
                    if i < promoted {
                        before.push(row);
                    } else {
                        after.push(row);
                    }
                }
            }
        }
        (before, after)
    }

    #[test]
    fn rows_name_the_role_a_replica_had_then() {
        let (s, new, promoted) = promoted_run();
        let sim = &s.run.sim;
        let host = sim.cluster.nodes[sim.procs[new.0].pid.node]
            .host()
            .to_string();
        for lang in Lang::ALL {
            let text = lang.text();
            let (before, after) = rows_to(sim, new, promoted, text);
            assert!(!before.is_empty() && !after.is_empty());
            let slave = format!("q slave @{host}");
            let master = format!("q master @{host}");
            assert!(before.iter().all(|r| r.contains(&slave)), "{before:?}");
            assert!(after.iter().all(|r| r.contains(&master)), "{after:?}");
        }
    }

    #[test]
    fn the_inspector_names_the_role_at_the_event() {
        let (s, new, promoted) = promoted_run();
        let sim = &s.run.sim;
        let host = sim.cluster.nodes[sim.procs[new.0].pid.node]
            .host()
            .to_string();
        let sends: Vec<usize> = (0..sim.trace.len())
            .filter(|&i| matches!(&sim.trace[i].kind, TraceKind::Send { to, .. } if *to == Endpoint::Proc(new)))
            .collect();
        // The first send to it came when it was a slave; the last, now that it is the master.
        let (first, last) = (sends[0], sends[sends.len() - 1]);
        assert!(first < promoted && last >= promoted);
        for (i, role) in [(first, "slave"), (last, "master")] {
            let mut out = String::new();
            event_panel(&mut out, sim, i, sim.now, Lang::En.text());
            let to = format!("<dt>To</dt><dd>q {role} @{host}</dd>");
            assert!(out.contains(&to), "{out}");
        }
    }

    #[test]
    fn state_rows_and_losses_read_in_chinese() {
        let (s, _, _) = promoted_run();
        let sim = &s.run.sim;
        let zh = Lang::Zh.text();
        let promote = sim
            .trace
            .iter()
            .position(|e| matches!(&e.kind, TraceKind::State { change, .. } if matches!(**change, crate::sim::state_change::StateChange::Promoted { .. })))
            .unwrap();
        let row = event_text(sim, promote, zh);
        assert!(row.starts_with("镜像队列"), "{row}");
        assert!(!row.contains("Promoting"), "{row}");
        let mut out = String::new();
        event_panel(&mut out, sim, promote, sim.now, zh);
        assert!(out.contains("提升为 leader"), "{out}");
    }
}
