//! The inspector: what the reader clicked (a node, a replica, a client, a message or a trace
//! row) and its state at the cursor, as the core holds it. A message also shows its lineage,
//! each hop a button that moves the clock there.

use yew::prelude::*;

use super::cluster_view::{node_actions, StateIcon};
use super::i18n::{fill, use_lang, Text};
use super::lineage::{lineage, message_of_send, HopKind};
use super::player::Action;
use super::stage::{endpoint_name, fmt_time, replica_role, ReplicaRole, StoreRef};
use crate::sim::model::{ClientId, ConfirmOutcome, ProcId};
use crate::sim::time::Micros;
use crate::sim::trace::{Importance, TraceKind};
use crate::sim::Sim;

/// Something on the stage the reader picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    Node(usize),
    Replica(ProcId),
    Client(ClientId),
    /// A trace entry (a message when it is a `Send`).
    Event(usize),
}

/// The shared selection (the app provides it; a component mounted alone gets its own).
pub type SelectionHandle = UseStateHandle<Option<Selection>>;

#[hook]
pub fn use_selection() -> SelectionHandle {
    let own = use_state(|| None);
    use_context::<super::stage::Ui>().map_or(own, |u| u.selection)
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub store: StoreRef,
    /// Redraw when the run's content changes (see `stage::content_key`).
    pub content: u64,
}

/// A definition list row.
fn row(label: &str, value: impl Into<Html>) -> Html {
    html! { <><dt>{ label }</dt><dd>{ value.into() }</dd></> }
}

fn yes_no(text: &Text, b: bool) -> &'static str {
    if b {
        text.yes
    } else {
        text.no
    }
}

pub fn role_text(text: &Text, role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Master => text.role_master,
        ReplicaRole::Synced => text.role_synced,
        ReplicaRole::Unsynced => text.role_unsynced,
        ReplicaRole::Gone => "—",
    }
}

#[function_component]
pub fn Inspector(props: &InspectorProps) -> Html {
    let lang = use_lang();
    let text = lang.text();
    let selection = use_selection();
    let store = &props.store;
    let player = store.player();
    let view = player.view();
    let live = &player.session.run.sim;
    let seek = {
        let store = store.0.clone();
        let selection = selection.clone();
        Callback::from(move |(at, index): (Micros, Option<usize>)| {
            store.dispatch(Action::Seek(at));
            if let Some(i) = index {
                selection.set(Some(Selection::Event(i)));
            }
        })
    };
    let act = {
        let store = store.0.clone();
        Callback::from(move |line: String| store.dispatch(Action::Input(line)))
    };
    let select = {
        let selection = selection.clone();
        Callback::from(move |s: Selection| selection.set(Some(s)))
    };
    let body = match *selection {
        None => html! { <p class="muted">{ text.insp_empty }</p> },
        Some(Selection::Node(n)) => node_panel(view, n, text, &act, &select),
        Some(Selection::Replica(p)) => replica_panel(view, p, text, &select),
        Some(Selection::Client(c)) => client_panel(view, c, text),
        Some(Selection::Event(i)) => event_panel(live, i, player.cursor, text, &seek, &act),
    };
    html! {
        <section class="card inspector" aria-labelledby="inspector-h">
            <div class="card-head">
                <h2 id="inspector-h">{ text.insp_heading }</h2>
                if selection.is_some() {
                    <button type="button" class="link-btn"
                        onclick={ let s = selection.clone(); move |_| s.set(None) }>
                        { text.close }
                    </button>
                }
            </div>
            { body }
        </section>
    }
}

fn node_panel(
    sim: &Sim,
    n: usize,
    text: &Text,
    act: &Callback<String>,
    select: &Callback<Selection>,
) -> Html {
    let Some(node) = sim.cluster.nodes.get(n) else {
        return html! { <p class="muted">{ text.insp_empty }</p> };
    };
    let replicas: Html = sim
        .procs
        .iter()
        .enumerate()
        .filter(|(i, r)| r.pid.node == n && replica_role(sim, ProcId(*i)) != ReplicaRole::Gone)
        .map(|(i, r)| {
            let role = replica_role(sim, ProcId(i));
            let name = sim.queues.get(r.queue.0).map_or("?", |q| q.name.as_str());
            let onclick = {
                let select = select.clone();
                move |_| select.emit(Selection::Replica(ProcId(i)))
            };
            html! {
                <li>
                    <button type="button" class="link-btn" {onclick}>
                        { format!("{name} — {}", role_text(text, role)) }
                    </button>
                    { format!(" · {} {} · {} {}", text.f_ready, r.ready.len(), text.f_unacked, r.unacked.len()) }
                </li>
            }
        })
        .collect();
    let clients: Html = sim
        .clients
        .iter()
        .enumerate()
        .filter(|(_, c)| c.node == n)
        .map(|(i, c)| {
            let onclick = {
                let select = select.clone();
                move |_| select.emit(Selection::Client(ClientId(i)))
            };
            html! { <li><button type="button" class="link-btn" {onclick}>{ &c.name }</button></li> }
        })
        .collect();
    let actions: Html = node_actions(sim, n, text)
        .into_iter()
        .map(|(label, line, enabled)| {
            let onclick = {
                let act = act.clone();
                move |_| act.emit(line.clone())
            };
            html! { <button type="button" class="btn" disabled={!enabled} {onclick}>{ label }</button> }
        })
        .collect();
    let waiting = sim.waiting_boot.contains(&n);
    html! {
        <>
            <h3 class="insp-title">{ &node.name }</h3>
            <dl class="facts">
                { row(text.f_state, html! {
                    <span class="state-text"><StateIcon state={node.state} />{ " " }{ text.state(node.state) }
                        if waiting { { format!(" — {}", text.booting) } }
                    </span>
                }) }
                if let Some(sides) = &sim.partition {
                    { row(text.f_side, fill(text.side_label, &[("s", &side_letter(sides.get(n).copied().unwrap_or(0)))])) }
                }
            </dl>
            <h4>{ text.f_queues }</h4>
            if sim.procs.iter().enumerate().any(|(i, r)| r.pid.node == n && replica_role(sim, ProcId(i)) != ReplicaRole::Gone) {
                <ul class="plain">{ replicas }</ul>
            } else {
                <p class="muted">{ text.f_none }</p>
            }
            <h4>{ text.f_clients }</h4>
            if sim.clients.iter().any(|c| c.node == n) {
                <ul class="plain">{ clients }</ul>
            } else {
                <p class="muted">{ text.f_none }</p>
            }
            <div class="btn-row">{ actions }</div>
        </>
    }
}

/// A, B, C… for partition sides.
pub fn side_letter(side: u8) -> String {
    char::from(b'A' + side.min(25)).to_string()
}

fn replica_panel(sim: &Sim, p: ProcId, text: &Text, select: &Callback<Selection>) -> Html {
    let Some(r) = sim.procs.get(p.0) else {
        return html! { <p class="muted">{ text.insp_empty }</p> };
    };
    let q = sim.queues.get(r.queue.0);
    let role = replica_role(sim, p);
    // The gap as the mirror itself knows it (master depth last heard over GM minus its own).
    let behind = r
        .depth_delta
        .map_or_else(|| "?".to_string(), |d| d.to_string());
    let node = r.pid.node;
    let to_node = {
        let select = select.clone();
        move |_| select.emit(Selection::Node(node))
    };
    html! {
        <>
            <h3 class="insp-title">{ q.map_or("?", |q| q.name.as_str()) }</h3>
            <dl class="facts">
                { row(text.f_role, role_text(text, role)) }
                { row(text.f_node, html! { <button type="button" class="link-btn" onclick={to_node}>{ sim.node_name(node).to_string() }</button> }) }
                { row(text.f_process, html! { <code>{ sim.pid_string(p) }</code> }) }
                { row(text.f_alive, yes_no(text, r.alive)) }
                { row(text.f_ready, r.ready.len().to_string()) }
                { row(text.f_unacked, r.unacked.len().to_string()) }
                { row(text.f_depth, r.depth().to_string()) }
                if role != ReplicaRole::Master {
                    { row(text.f_synced, yes_no(text, role == ReplicaRole::Synced)) }
                    { row(text.f_behind, behind.clone()) }
                }
                if role == ReplicaRole::Master {
                    if let Some(pct) = q.and_then(|_| sim.sync_percent(r.queue)) {
                        { row(text.f_state, fill(text.queue_syncing, &[("p", &pct.to_string())])) }
                    }
                }
                { row(text.f_gm_buffer, r.gm.buffer.len().to_string()) }
            </dl>
            if !r.gm.buffer.is_empty() && r.alive {
                <p class="hint">{ text.f_gm_buffer_hint }</p>
            }
        </>
    }
}

fn client_panel(sim: &Sim, c: ClientId, text: &Text) -> Html {
    let Some(cl) = sim.clients.get(c.0) else {
        return html! { <p class="muted">{ text.insp_empty }</p> };
    };
    let acks = cl
        .confirms
        .iter()
        .filter(|x| x.2 == ConfirmOutcome::Ack)
        .count();
    let nacks = cl.confirms.len() - acks;
    let redelivered = cl.deliveries.iter().filter(|d| d.redelivered).count();
    html! {
        <>
            <h3 class="insp-title">{ &cl.name }</h3>
            <dl class="facts">
                { row(text.f_node, sim.node_name(cl.node).to_string()) }
                { row(text.f_connected, yes_no(text, cl.connected)) }
                { row(text.f_published, cl.next_seq.saturating_sub(1).to_string()) }
                { row(text.f_confirmed, format!("{acks} / {nacks}")) }
                { row(text.f_unconfirmed, cl.unconfirmed.len().to_string()) }
                { row(text.f_deliveries, cl.deliveries.len().to_string()) }
                { row(text.f_redelivered, redelivered.to_string()) }
                { row(text.f_unacked, cl.deliveries.iter().filter(|d| !d.acked && d.acked_at.is_none()).count().to_string()) }
                { row(text.f_consumers, if cl.consumers.is_empty() { text.f_none.to_string() } else { cl.consumers.join(", ") }) }
                if let Some(e) = cl.errors.last() {
                    { row(text.f_last_error, html! { <code>{ e }</code> }) }
                }
            </dl>
        </>
    }
}

fn hop_name(text: &Text, k: HopKind) -> &'static str {
    match k {
        HopKind::Publish { to_master: true } => text.hop_publish_master,
        HopKind::Publish { to_master: false } => text.hop_publish_mirror,
        HopKind::Gm => text.hop_gm,
        HopKind::GmAck => text.hop_gm_ack,
        HopKind::ReplicaConfirm => text.hop_replica_confirm,
        HopKind::Confirm(ConfirmOutcome::Ack) => text.hop_confirm_ack,
        HopKind::Confirm(ConfirmOutcome::Nack) => text.hop_confirm_nack,
        HopKind::Deliver { redelivered: false } => text.hop_deliver,
        HopKind::Deliver { redelivered: true } => text.hop_redeliver,
        HopKind::Ack => text.hop_ack,
    }
}

fn event_panel(
    live: &Sim,
    i: usize,
    cursor: Micros,
    text: &Text,
    seek: &Callback<(Micros, Option<usize>)>,
    act: &Callback<String>,
) -> Html {
    let Some(e) = live.trace.get(i) else {
        return html! { <p class="muted">{ text.insp_empty }</p> };
    };
    let go = {
        let seek = seek.clone();
        let at = e.at;
        move |_| seek.emit((at, Some(i)))
    };
    let details = match &e.kind {
        TraceKind::Send {
            id,
            from,
            to,
            arrive,
            kind,
            label,
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
                fill(text.s_lost, &[("why", &why)])
            } else if *arrive > cursor {
                text.s_in_flight.to_string()
            } else {
                text.s_arrived.to_string()
            };
            let lineage_html = match message_of_send(live, i).and_then(|m| lineage(live, m)) {
                Some(l) => {
                    let hops: Html = l
                        .hops
                        .iter()
                        .map(|h| {
                            let onclick = {
                                let seek = seek.clone();
                                let (at, index) = (h.at, h.index);
                                move |_| seek.emit((at, Some(index)))
                            };
                            let route = match (h.from, h.to) {
                                (Some(a), Some(b)) => format!("{} → {}", endpoint_name(live, a, text), endpoint_name(live, b, text)),
                                (None, Some(b)) => endpoint_name(live, b, text),
                                _ => String::new(),
                            };
                            let class = classes!(
                                "hop",
                                (h.index == i).then_some("current"),
                                (h.at > cursor).then_some("future"),
                                h.lost.is_some().then_some("lost")
                            );
                            html! {
                                <li {class}>
                                    <button type="button" class="hop-btn" {onclick}>
                                        <span class="hop-time">{ fmt_time(h.at) }</span>
                                        <span class="hop-name">{ hop_name(text, h.kind) }</span>
                                        <span class="hop-route">{ route }</span>
                                        if let Some(why) = &h.lost {
                                            <span class="hop-lost">{ fill(text.s_lost, &[("why", why)]) }</span>
                                        }
                                    </button>
                                </li>
                            }
                        })
                        .collect();
                    html! {
                        <>
                            <h4>{ fill(text.lineage_heading, &[("body", &format!("\"{}\"", l.body))]) }</h4>
                            <p class="hint">{ text.lineage_hint }</p>
                            <ol class="lineage">{ hops }</ol>
                        </>
                    }
                }
                None => html! { <p class="hint">{ text.lineage_none }</p> },
            };
            html! {
                <>
                    <dl class="facts">
                        { row(text.f_kind, text.kind_name(*kind)) }
                        { row(text.f_event, html! { <code>{ label }</code> }) }
                        { row(text.f_from, endpoint_name(live, *from, text)) }
                        { row(text.f_to, endpoint_name(live, *to, text)) }
                        { row(text.f_sent, fmt_time(e.at)) }
                        { row(text.f_arrives, fmt_time(*arrive)) }
                        { row(text.f_status, status) }
                    </dl>
                    if in_flight {
                        <div class="drop">
                            <button type="button" class="btn danger"
                                onclick={ let act = act.clone(); let line = format!("drop {id}"); move |_| act.emit(line.clone()) }>
                                { text.drop_message }
                            </button>
                            <p class="hint">{ text.drop_hint }</p>
                        </div>
                    }
                    { lineage_html }
                </>
            }
        }
        TraceKind::Lost { id, reason } => {
            let send = live.trace[..i]
                .iter()
                .rposition(|x| matches!(&x.kind, TraceKind::Send { id: s, .. } if s == id));
            html! {
                <dl class="facts">
                    { row(text.f_status, fill(text.s_lost, &[("why", reason)])) }
                    if let Some(s) = send {
                        { row(text.f_event, html! {
                            <button type="button" class="link-btn"
                                onclick={ let seek = seek.clone(); let at = live.trace[s].at; move |_| seek.emit((at, Some(s))) }>
                                { event_text(live, s, text) }
                            </button>
                        }) }
                    }
                </dl>
            }
        }
        TraceKind::State {
            text: t,
            importance,
        } => html! {
            <dl class="facts">
                { row(text.f_event, html! { <span class={classes!((*importance == Importance::Notable).then_some("notable"))}>{ t }</span> }) }
            </dl>
        },
        TraceKind::Input { text: t } => html! {
            <dl class="facts">{ row(text.f_input, html! { <code>{ t }</code> }) }</dl>
        },
    };
    html! {
        <>
            <h3 class="insp-title">{ fmt_time(e.at) }</h3>
            { details }
            <div class="btn-row">
                <button type="button" class="btn" onclick={go}>{ text.go_there }</button>
            </div>
        </>
    }
}

/// One trace entry as a line of the event log.
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
                endpoint_name(sim, *from, text),
                endpoint_name(sim, *to, text)
            )
        }
        TraceKind::Lost { id, reason } => format!("✕ #{id} {reason}"),
        TraceKind::State { text, .. } => text.clone(),
    }
}
