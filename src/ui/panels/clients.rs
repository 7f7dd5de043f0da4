//! The clients: each AMQP connection the learner opened, where it is connected (or the error
//! that closed it), its consumers, the publishes still waiting for a confirm, the confirms, and
//! every message it received with its delivery tag and redelivered flag. Every button sends a
//! scenario line (`client app node=node2`, `app publish queue_a "m" count=3`, …), so what the
//! learner does can be replayed and shared.

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use crate::sim::model::{Client, ConfirmOutcome};
use crate::sim::scenario::player::{Action, Player};
use crate::sim::scenario::{self, print, Action as Line};
use crate::sim::{ClientId, Sim};
use crate::ui::context::{use_lang, use_slow_store};
use crate::ui::i18n::panels::{
    button, checkbox, fill, options, select_field, target_checked, target_value, text, text_field,
    use_id_prefix, use_sync_selects, PanelText,
};
use crate::ui::panels::console::past_notice;

/// How many received messages a client card lists (the newest; the count shows them all).
pub const SHOWN_DELIVERIES: usize = 50;

/// Checks a line with the core's scenario parser before sending it: a line that does not
/// parse is reported where the learner acted, and nothing is sent.
pub fn check_line(line: &str) -> Result<(), String> {
    scenario::parse(line).map(|_| ()).map_err(|e| e.message)
}

/// Whether `name` works as a client name: the core must read `NAME declare q` as an action of
/// that client (a name like `wait` or `stop` would be read as another command).
pub fn usable_client_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && matches!(
            scenario::parse(&format!("{name} declare q")).as_deref(),
            Ok([step]) if matches!(&step.action, Line::ClientOp { client, .. } if client == name)
        )
}

/// A client name not taken yet: `app`, `app2`, `app3`, …
pub fn free_client_name(sim: &Sim) -> String {
    (1..)
        .map(|i| {
            if i == 1 {
                "app".to_string()
            } else {
                format!("app{i}")
            }
        })
        .find(|n| sim.clients.iter().all(|c| &c.name != n))
        .unwrap_or_else(|| "app".into())
}

/// The consume line for the chosen options.
pub fn consume_line(name: &str, queue: &str, manual: bool, prefetch: &str, cancel: bool) -> String {
    let mut line = format!(
        "{name} consume {} ack={}",
        print::word(queue),
        if manual { "manual" } else { "auto" }
    );
    let prefetch = prefetch.trim();
    if !prefetch.is_empty() && prefetch != "0" {
        line.push_str(&format!(" prefetch={}", print::word(prefetch)));
    }
    if cancel {
        line.push_str(r#" args={"x-cancel-on-ha-failover":true}"#);
    }
    line
}

/// The publish line for the chosen options (the body always quoted, as the format's
/// documentation writes it).
pub fn publish_line(name: &str, queue: &str, body: &str, persistent: bool, count: &str) -> String {
    let body = print::quoted(body);
    let mut line = format!(
        "{name} publish {} {body} {}",
        print::word(queue),
        if persistent {
            "persistent"
        } else {
            "transient"
        }
    );
    let count = count.trim();
    if !count.is_empty() && count != "1" {
        line.push_str(&format!(" count={}", print::word(count)));
    }
    line
}

/// A line sent from this panel, and where to find its result.
#[derive(Clone, PartialEq)]
enum Sent {
    /// Sent to the core: its result is the newest step with this input.
    Line(String),
    /// Refused before sending (does not parse).
    Refused(String, String),
}

#[inline(never)]
fn last_result(player: &Player, sent: &Sent, t: &PanelText) -> Html {
    match sent {
        Sent::Refused(line, err) => html! {
            <div class="last-result last-failed" role="alert">
                <code>{ line.clone() }</code><pre>{ err.clone() }</pre>
            </div>
        },
        Sent::Line(line) => {
            let Some(step) = player
                .session
                .run
                .steps
                .iter()
                .rev()
                .find(|s| &s.input == line)
            else {
                return html! {};
            };
            let ok = step.exit_code == 0;
            html! {
                <div class={classes!("last-result", (!ok).then_some("last-failed"))} role="status">
                    <strong>{ t.last_result }{ ": " }</strong><code>{ line.clone() }</code>
                    { " · " }{ fill(t.exit_status, &[("code", &step.exit_code.to_string())]) }
                    if !step.output.is_empty() { <pre>{ step.output.clone() }</pre> }
                </div>
            }
        }
    }
}

/// Sends a line (after the parser's check) and remembers it for the result line.
fn send(
    store: &crate::ui::context::StoreHandle,
    sent: &UseStateHandle<Option<Sent>>,
    line: String,
) {
    match check_line(&line) {
        Ok(()) => {
            sent.set(Some(Sent::Line(line.clone())));
            store.dispatch(Action::Input(line));
        }
        Err(e) => sent.set(Some(Sent::Refused(line, e))),
    }
}

/// The line that connects client `index` again, to `node` and back into its own vhost.
fn reconnect_line(sim: &Sim, index: usize, node: &str) -> String {
    let name = sim.clients.get(index).map_or("", |c| c.name.as_str());
    let vhost = sim.vhost_table.client_vhost(ClientId(index));
    if vhost == "/" {
        format!("client {name} node={node}")
    } else {
        format!("client {name} node={node} vhost={}", print::word(vhost))
    }
}

/// The clients panel.
#[function_component]
pub fn ClientsPanel() -> Html {
    let store = use_slow_store();
    let t = text(use_lang());
    let id = use_id_prefix("cli");
    let root = use_node_ref();
    use_sync_selects(root.clone());
    let sent = use_state(|| None::<Sent>);
    // None: suggest a free name.
    let name = use_state(|| None::<String>);
    let node = use_state(|| None::<usize>);
    let cards = use_reducer(Cards::default);

    let player = store.player();
    let sim = player.view();
    let suggestion = free_client_name(sim);
    let name_value = (*name).clone().unwrap_or(suggestion);
    let first_running = sim
        .cluster
        .nodes
        .iter()
        .position(|n| n.state.is_running())
        .unwrap_or(0);
    let node_value = (*node)
        .filter(|&n| n < sim.cluster.nodes.len())
        .unwrap_or(first_running);
    let node_options = node_options(sim, node_value, t);
    let node_short = sim
        .cluster
        .nodes
        .get(node_value)
        .map(|n| n.host().to_string());
    let past = past_notice(&player, t);
    let result = (*sent)
        .as_ref()
        .map(|s| last_result(&player, s, t))
        .unwrap_or_default();
    let count = sim.clients.len();
    let datalist = format!("{id}queues");
    let cards: Html = {
        let cx = CardCtx {
            sim,
            t,
            store: &store,
            sent: &sent,
            cards: &cards,
            datalist: &datalist,
            id: &id,
        };
        (0..count).rev().map(|c| client_card(&cx, c)).collect()
    };
    let queue_names: Vec<String> = {
        let mut v: Vec<String> = sim.queue_views().into_iter().map(|q| q.name).collect();
        v.dedup();
        v
    };
    drop(player);

    let name_ok = usable_client_name(&name_value);
    let onconnect = {
        let store = store.clone();
        let sent = sent.clone();
        let name = name.clone();
        let line = node_short.map(|n| format!("client {name_value} node={n}"));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(line), true) = (line.clone(), name_ok) {
                send(&store, &sent, line);
                name.set(None);
            }
        })
    };
    let onname = {
        let name = name.clone();
        Callback::from(move |e: InputEvent| name.set(Some(target_value(&e))))
    };
    let onnode = {
        let node = node.clone();
        Callback::from(move |e: Event| node.set(target_value(&e).parse().ok()))
    };

    html! {
        <section class="panel clients-panel" aria-label={t.clients_title} ref={root}>
            { past }
            <form class="new-client" onsubmit={onconnect} aria-labelledby={format!("{id}new")}>
                <h3 id={format!("{id}new")}>{ t.new_client }</h3>
                <label class="field-inline">
                    <span>{ t.client_name }</span>
                    <input type="text" value={name_value.clone()} oninput={onname} autocomplete="off"
                        spellcheck="false" aria-invalid={(!name_ok).then_some("true")} />
                </label>
                <label class="field-inline">
                    <span>{ t.connect_to }</span>
                    <select data-value={node_value.to_string()} onchange={onnode}>{ node_options }</select>
                </label>
                <button type="submit" class="btn btn-primary" disabled={!name_ok}>{ t.connect }</button>
            </form>
            { result }
            <datalist id={datalist}>
                { for queue_names.iter().map(|q| html! { <option value={q.clone()} /> }) }
            </datalist>
            if count == 0 {
                <p class="muted">{ t.no_clients }</p>
            }
            <div class="client-list">{ cards }</div>
        </section>
    }
}

#[inline(never)]
fn node_options(sim: &Sim, selected: usize, t: &PanelText) -> Html {
    sim.cluster
        .nodes
        .iter()
        .enumerate()
        .map(|(i, _)| {
            let label = crate::ui::panels::console::node_label(sim, i, t);
            html! { <option value={i.to_string()} selected={i == selected}>{ label }</option> }
        })
        .collect()
}

/// What a card's action fields hold, as typed.
#[derive(Clone, PartialEq)]
struct CardForm {
    queue: String,
    durable: bool,
    exclusive: bool,
    body: String,
    count: String,
    persistent: bool,
    manual: bool,
    prefetch: String,
    cancel_on_failover: bool,
    node: Option<usize>,
}

impl Default for CardForm {
    fn default() -> Self {
        CardForm {
            queue: "queue_a".into(),
            durable: true,
            exclusive: false,
            body: "m".into(),
            count: "1".into(),
            persistent: true,
            manual: true,
            prefetch: "0".into(),
            cancel_on_failover: false,
            node: None,
        }
    }
}

/// The cards' forms, by client index, and how the panel changes one of them.
#[derive(Default, PartialEq)]
struct Cards(BTreeMap<usize, CardForm>);

struct CardEdit(usize, Box<dyn FnOnce(&mut CardForm)>);

impl Reducible for Cards {
    type Action = CardEdit;

    fn reduce(self: Rc<Self>, CardEdit(i, edit): CardEdit) -> Rc<Self> {
        let mut map = self.0.clone();
        edit(map.entry(i).or_default());
        Rc::new(Cards(map))
    }
}

/// What a card needs from the panel.
struct CardCtx<'a> {
    sim: &'a Sim,
    t: &'static PanelText,
    store: &'a crate::ui::context::StoreHandle,
    sent: &'a UseStateHandle<Option<Sent>>,
    cards: &'a UseReducerHandle<Cards>,
    datalist: &'a str,
    id: &'a str,
}

/// One client: its state and its actions.
#[inline(never)]
fn client_card(cx: &CardCtx<'_>, index: usize) -> Html {
    let CardCtx {
        sim,
        t,
        store,
        sent,
        ..
    } = *cx;
    let form = cx.cards.0.get(&index).cloned().unwrap_or_default();
    let Some(c) = sim.clients.get(index) else {
        return html! {};
    };
    let replaced = sim.clients[index + 1..].iter().any(|o| o.name == c.name);
    // The vhost joins the node once there are several, as the management UI's Connections
    // table adds its "Virtual host" column then.
    let connected_to = if sim.vhosts.len() > 1 {
        format!(
            "{} · vhost {}",
            sim.node_name(c.node),
            sim.vhost_table.client_vhost(ClientId(index))
        )
    } else {
        sim.node_name(c.node).to_string()
    };
    // Reconnecting suggests the same node if it is up, else the first one that is.
    let reconnect_node = form
        .node
        .filter(|&n| n < sim.cluster.nodes.len())
        .or_else(|| {
            let nodes = &sim.cluster.nodes;
            (nodes[c.node].state.is_running())
                .then_some(c.node)
                .or_else(|| nodes.iter().position(|n| n.state.is_running()))
        })
        .unwrap_or(c.node);
    let reconnect_to = sim
        .cluster
        .nodes
        .get(reconnect_node)
        .map(|n| n.host().to_string());
    let node_opts = node_options(sim, reconnect_node, t);
    let details = client_details(
        sim,
        ClientId(index),
        c,
        t,
        !replaced && c.channel_open(),
        store,
        sent,
    );
    let name = c.name.clone();
    // A channel the broker closed takes no more calls: the card shows it closed, with the
    // broker's error, as a lost connection is shown.
    let connected = c.channel_open();
    let status = if connected {
        html! { <span class="status status-ok">{ "● " }{ t.connected }{ " · " }{ connected_to.clone() }</span> }
    } else {
        let why = c.errors.last().map(ToString::to_string).unwrap_or_default();
        html! { <span class="status status-bad">{ "○ " }{ t.closed }{ " · " }{ connected_to.clone() }{ " · " }{ why }</span> }
    };
    let confirm_mode = c.confirm_mode;

    let f = form;
    let act = |line: String| {
        let store = store.clone();
        let sent = sent.clone();
        Callback::from(move |_: MouseEvent| send(&store, &sent, line.clone()))
    };
    let q = print::word(&f.queue);
    let declare = act(format!(
        "{name} declare {q} {}{}",
        if f.durable { "durable" } else { "transient" },
        if f.exclusive { " exclusive" } else { "" }
    ));
    let confirm = act(format!("{name} confirm"));
    let publish = act(publish_line(
        &name,
        &f.queue,
        &f.body,
        f.persistent,
        &f.count,
    ));
    let consume = act(consume_line(
        &name,
        &f.queue,
        f.manual,
        &f.prefetch,
        f.cancel_on_failover,
    ));
    let get = act(format!(
        "{name} get {q} ack={}",
        if f.manual { "manual" } else { "auto" }
    ));
    let ack_all = act(format!("{name} ack all"));
    let close = act(format!("{name} close"));
    let reconnect = act(reconnect_to
        .map(|n| reconnect_line(sim, index, &n))
        .unwrap_or_default());

    // One callback shape per kind of control, each storing into one field of the card's form.
    let d = cx.cards.dispatcher();
    let on_text = |set: fn(&mut CardForm, String)| {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            let v = target_value(&e);
            d.dispatch(CardEdit(index, Box::new(move |f| set(f, v))));
        })
    };
    let on_pick = |set: fn(&mut CardForm, String)| {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let v = target_value(&e);
            d.dispatch(CardEdit(index, Box::new(move |f| set(f, v))));
        })
    };
    let on_check = |set: fn(&mut CardForm, bool)| {
        let d = d.clone();
        Callback::from(move |e: Event| {
            let v = target_checked(&e);
            d.dispatch(CardEdit(index, Box::new(move |f| set(f, v))));
        })
    };

    let heading = format!("{}card{index}", cx.id);
    let small = "btn btn-small";
    let actions = if replaced {
        html! {}
    } else if connected {
        let ack_opts = options(
            &[
                ("manual".into(), t.ack_manual.into()),
                ("auto".into(), t.ack_auto.into()),
            ],
            if f.manual { "manual" } else { "auto" },
        );
        html! {
            <div class="client-actions" role="group" aria-label={fill(t.client_actions, &[("name", &name)])}>
                <div class="action-row">
                    { text_field(t.queue, &f.queue, "", Some(cx.datalist.to_string()), on_text(|f, v| f.queue = v)) }
                    { checkbox(t.durable_opt.into(), f.durable, on_check(|f, v| f.durable = v)) }
                    { checkbox(t.exclusive_opt.into(), f.exclusive, on_check(|f, v| f.exclusive = v)) }
                    { button(t.declare, None, small, declare) }
                </div>
                <div class="action-row">
                    { text_field(t.body, &f.body, "short", None, on_text(|f, v| f.body = v)) }
                    { text_field(t.count, &f.count, "tiny", None, on_text(|f, v| f.count = v)) }
                    { checkbox(t.persistent.into(), f.persistent, on_check(|f, v| f.persistent = v)) }
                    { button(t.publish, None, small, publish) }
                    if !confirm_mode { { button(t.confirm_select, None, small, confirm) } }
                </div>
                <div class="action-row">
                    { select_field(t.ack_mode, if f.manual { "manual" } else { "auto" }, ack_opts,
                        on_pick(|f, v| f.manual = v != "auto")) }
                    { text_field(t.prefetch, &f.prefetch, "tiny", None, on_text(|f, v| f.prefetch = v)) }
                    { checkbox(html! { <code>{ t.cancel_on_failover }</code> }, f.cancel_on_failover,
                        on_check(|f, v| f.cancel_on_failover = v)) }
                    { button(t.consume, None, small, consume) }
                    { button(t.get, None, small, get) }
                </div>
                <div class="action-row">
                    { button(t.ack_all, None, small, ack_all) }
                    { button(t.close, None, "btn btn-small btn-danger", close) }
                </div>
            </div>
        }
    } else {
        html! {
            <div class="client-actions action-row" role="group" aria-label={fill(t.client_actions, &[("name", &name)])}>
                <span class="muted">{ t.not_connected }</span>
                { select_field(t.connect_to, &reconnect_node.to_string(), node_opts,
                    on_pick(|f, v| f.node = v.parse().ok())) }
                { button(t.reconnect, None, "btn btn-small btn-primary", reconnect) }
            </div>
        }
    };

    html! {
        <article class={classes!("client-card", (!connected).then_some("client-closed"), replaced.then_some("client-replaced"))}
            key={index} aria-labelledby={heading.clone()} data-client={name.clone()}>
            <header class="client-head">
                <h3 id={heading}>{ name.clone() }</h3>
                { status }
                if replaced { <span class="muted small">{ t.replaced }</span> }
            </header>
            { actions }
            { details }
        </article>
    }
}

/// Consumers, confirms and received messages of one client.
#[inline(never)]
fn client_details(
    sim: &Sim,
    id: ClientId,
    c: &Client,
    t: &PanelText,
    can_ack: bool,
    store: &crate::ui::context::StoreHandle,
    sent: &UseStateHandle<Option<Sent>>,
) -> Html {
    let consumers: Html = c
        .consumers
        .iter()
        .map(|tag| {
            let reg = sim.consumers.iter().find(|k| k.client == id && &k.tag == tag);
            let state = if c.cancelled.contains(tag) {
                html! { <strong class="bad">{ t.consumer_cancelled }</strong> }
            } else if let Some(k) = reg {
                let queue = sim.queues.get(k.queue.0).map(|q| q.name.clone()).unwrap_or_default();
                html! {
                    <span>
                        { format!("{queue} · {}: {}", t.ack_mode, if k.manual_ack { t.ack_manual } else { t.ack_auto }) }
                        if k.prefetch > 0 { { format!(" · {}: {}", t.prefetch, k.prefetch) } }
                        if k.cancel_on_failover { { " · " }<code>{ t.cancel_on_failover }</code> }
                    </span>
                }
            } else {
                html! { <span class="muted">{ t.consumer_waiting }</span> }
            };
            html! { <li><code>{ tag.clone() }</code>{ " · " }{ state }</li> }
        })
        .collect();

    let unconfirmed: Vec<String> = c.unconfirmed.keys().map(|s| s.to_string()).collect();
    let acks = c
        .confirms
        .iter()
        .filter(|x| x.2 == ConfirmOutcome::Ack)
        .count();
    let nacks = c.confirms.len() - acks;
    let nacked: Vec<String> = c
        .confirms
        .iter()
        .filter(|x| x.2 == ConfirmOutcome::Nack)
        .map(|x| x.0.to_string())
        .collect();

    let total = c.deliveries.len();
    let start = total.saturating_sub(SHOWN_DELIVERIES);
    let rows: Html = c
        .deliveries
        .range(start..)
        .map(|d| {
            let ack = (can_ack && !d.acked).then(|| {
                let line = format!("{} ack {}", c.name, d.delivery_tag);
                let store = store.clone();
                let sent = sent.clone();
                let onclick =
                    Callback::from(move |_: MouseEvent| send(&store, &sent, line.clone()));
                let tag = d.delivery_tag.to_string();
                button(
                    t.ack_one,
                    Some(fill(t.ack_one_label, &[("tag", &tag)])),
                    "btn btn-small",
                    onclick,
                )
            });
            html! {
                <tr class={classes!(d.redelivered.then_some("redelivered"))}>
                    <td data-label={t.col_tag} class="num">{ d.delivery_tag }</td>
                    <td data-label={t.col_queue}>{ d.queue.clone() }</td>
                    <td data-label={t.col_body}><code>{ d.body.clone() }</code></td>
                    <td data-label={t.col_redelivered}>
                        if d.redelivered { <strong>{ "↻ " }{ t.yes }</strong> } else { { t.no } }
                    </td>
                    <td data-label={t.col_acked}>{ if d.acked { t.yes } else { t.no } }</td>
                    <td data-label={t.col_actions} class="actions">{ for ack }</td>
                </tr>
            }
        })
        .collect();

    html! {
        <div class="client-details">
            <dl class="facts">
                <dt>{ t.consumers }</dt>
                <dd>
                    if c.consumers.is_empty() { <span class="muted">{ t.none }</span> }
                    else { <ul class="plain">{ consumers }</ul> }
                </dd>
                <dt>{ t.unconfirmed }</dt>
                <dd>
                    if !c.confirm_mode { <span class="muted">{ t.none }</span> }
                    else {
                        <span class="num">{ unconfirmed.len() }</span>
                        if !unconfirmed.is_empty() {
                            <span class="muted small">{ format!(" (seq {})", abbreviate(&unconfirmed)) }</span>
                        }
                    }
                </dd>
                <dt>{ t.confirms }</dt>
                <dd>
                    if c.confirm_mode {
                        { format!("ack × {acks}, nack × {nacks}") }
                        if !nacked.is_empty() {
                            <span class="bad small">{ format!(" (nack seq {})", abbreviate(&nacked)) }</span>
                        }
                        <span class="muted small">{ " · " }{ t.confirm_on }</span>
                    } else { <span class="muted">{ t.none }</span> }
                </dd>
                if !c.errors.is_empty() {
                    <dt>{ t.errors }</dt>
                    <dd><ul class="plain errors">{ for c.errors.iter().map(|e| html! { <li>{ e.to_string() }</li> }) }</ul></dd>
                }
            </dl>
            <h4>{ format!("{} ({total})", t.deliveries) }</h4>
            if total > 0 {
                if start > 0 {
                    <p class="muted small">{ fill(t.shown_last, &[("n", &SHOWN_DELIVERIES.to_string()), ("total", &total.to_string())]) }</p>
                }
                <div class="table-wrap">
                    <table class="data-table stack deliveries">
                        <thead><tr>
                            <th scope="col" class="num">{ t.col_tag }</th>
                            <th scope="col">{ t.col_queue }</th>
                            <th scope="col">{ t.col_body }</th>
                            <th scope="col">{ t.col_redelivered }</th>
                            <th scope="col">{ t.col_acked }</th>
                            <th scope="col">{ t.col_actions }</th>
                        </tr></thead>
                        <tbody>{ rows }</tbody>
                    </table>
                </div>
            }
        </div>
    }
}

/// `1, 2, 3, … 40` for long lists.
fn abbreviate(items: &[String]) -> String {
    if items.len() <= 8 {
        items.join(", ")
    } else {
        format!(
            "{}, … {}",
            items[..3].join(", "),
            items.last().cloned().unwrap_or_default()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::panels::tests_support::player_from;

    #[test]
    fn quoted_words_read_back() {
        assert_eq!(print::word("queue_a"), "queue_a");
        assert_eq!(print::word("a b"), "\"a b\"");
        assert_eq!(print::word(""), "\"\"");
        for body in [
            "hello world",
            "say \"hi\"",
            "back\\slash",
            "two\nlines",
            "中文",
            "m{i}",
        ] {
            let line = publish_line("app", "my queue", body, false, "2");
            let steps = scenario::parse(&line).unwrap();
            match &steps[0].action {
                Line::ClientOp {
                    op:
                        scenario::parse::ClientOp::Publish {
                            queue,
                            body: b,
                            persistent,
                            count,
                            ..
                        },
                    ..
                } => {
                    assert_eq!(queue, "my queue");
                    assert_eq!(b, body);
                    assert!(!persistent);
                    assert_eq!(*count, 2);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn consume_line_carries_the_options() {
        assert_eq!(
            consume_line("app", "q", false, "10", true),
            r#"app consume q ack=auto prefetch=10 args={"x-cancel-on-ha-failover":true}"#
        );
        assert_eq!(
            consume_line("app", "q", true, "0", false),
            "app consume q ack=manual"
        );
        assert!(check_line(&consume_line("app", "q", true, "10", true)).is_ok());
        // A bad prefetch is the parser's to refuse, with its own words.
        let e = check_line(&consume_line("app", "q", true, "ten", false)).unwrap_err();
        assert!(e.contains("prefetch=ten"), "{e}");
    }

    #[test]
    fn client_names_must_read_back_as_clients() {
        assert!(usable_client_name("app"));
        assert!(usable_client_name("worker-2"));
        for bad in [
            "",
            "wait",
            "stop",
            "client",
            "expect",
            "a b",
            "x=y",
            "rabbitmqctl",
        ] {
            assert!(!usable_client_name(bad), "{bad}");
        }
    }

    #[test]
    fn suggests_a_free_name() {
        let p = player_from("cluster nodes=3\nclient app node=node1\nclient app2 node=node2\n");
        assert_eq!(free_client_name(p.view()), "app3");
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod ssr_tests {
    use super::reconnect_line;
    use crate::ui::i18n::panels::tests_support::{render_panel, Panel};
    use crate::ui::i18n::Lang;

    const SCN: &str = concat!(
        "cluster nodes=3\n",
        "client app node=node2\n",
        "app declare queue_a durable\n",
        "app confirm\n",
        "app publish queue_a \"m\" count=2\n",
        "app consume queue_a prefetch=5 args={\"x-cancel-on-ha-failover\":true}\n",
        "wait 100ms\n",
        "client gone node=node3\n",
        "kill node3\n",
    );

    #[test]
    fn shows_connections_consumers_confirms_and_deliveries() {
        let html = render_panel(Panel::Clients, SCN, Lang::En);
        assert!(html.contains("aria-label=\"Clients\""), "{html}");
        assert!(html.contains("connected · rabbit@node2"), "{html}");
        assert!(html.contains("ctag1.1"));
        assert!(html.contains("Prefetch: 5"), "{html}");
        assert!(html.contains("ack × 2, nack × 0"), "{html}");
        assert!(html.contains("Received messages (2)"), "{html}");
        assert!(html.contains("aria-label=\"Ack delivery tag 1\""), "{html}");
        // The client on the killed node shows what closed it and offers to reconnect.
        assert!(html.contains("closed · rabbit@node3"), "{html}");
        assert!(html.contains(">Reconnect</button>"));
        let gone = html.split("data-client=\"gone\"").nth(1).unwrap();
        assert!(gone.contains("<option value=\"0\" selected"), "{gone}");
        // The suggested name for the next client is free.
        assert!(html.contains("value=\"app2\""), "{html}");
    }

    #[test]
    fn a_channel_the_broker_closed_shows_closed_with_its_error() {
        let scn = "cluster nodes=3\nclient g node=node1\ng get nope\n";
        let html = render_panel(Panel::Clients, scn, Lang::En);
        let card = html.split("data-client=\"g\"").nth(1).unwrap();
        assert!(
            card.contains("closed · rabbit@node1 · NOT_FOUND - no queue"),
            "{card}"
        );
        assert!(card.contains(">Reconnect</button>"), "{card}");
        assert!(!card.contains(">Publish</button>"), "{card}");
    }

    #[test]
    fn with_several_vhosts_a_card_names_its_vhost_and_reconnects_there() {
        let scn = concat!(
            "cluster nodes=3\n",
            "rabbitmqctl add_vhost v1\n",
            "rabbitmqctl set_permissions -p v1 guest \".*\" \".*\" \".*\"\n",
            "client a node=node1\n",
            "client b node=node2 vhost=v1\n",
            "b close\n",
        );
        let html = render_panel(Panel::Clients, scn, Lang::En);
        assert!(
            html.contains("connected · rabbit@node1 · vhost /"),
            "{html}"
        );
        let b = html.split("data-client=\"b\"").nth(1).unwrap();
        assert!(b.contains("closed · rabbit@node2 · vhost v1"), "{b}");
        let p = crate::ui::i18n::panels::tests_support::player_from(scn);
        let sim = p.view();
        assert_eq!(
            reconnect_line(sim, 1, "node3"),
            "client b node=node3 vhost=v1"
        );
        assert_eq!(reconnect_line(sim, 0, "node1"), "client a node=node1");
        // One vhost: the card says only the node.
        let html = render_panel(
            Panel::Clients,
            "cluster nodes=1\nclient a node=node1\n",
            Lang::En,
        );
        assert!(html.contains("connected · rabbit@node1</span>"), "{html}");
    }

    #[test]
    fn speaks_chinese() {
        let html = render_panel(Panel::Clients, SCN, Lang::Zh);
        assert!(html.contains("aria-label=\"客户端\""));
        assert!(html.contains("收到的消息 (2)"), "{html}");
        assert!(html.contains(">重新连接</button>"));
    }
}
