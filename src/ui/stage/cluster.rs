//! The stage: the cluster as the core holds it at the cursor — node cards with their state,
//! every queue replica as a chip (master, synchronised or unsynchronised slave), clients tied
//! to their node, links (cut ones during a partition), each queue's GM ring — with the
//! messages in flight drawn on top. Each node has a menu for faults; a toolbar sets the
//! cluster's size and cuts or heals the network.

use yew::prelude::*;

use crate::put;
use crate::sim::cluster::MAX_NODES;
use crate::sim::model::ProcId;
use crate::sim::scenario::player::Action;
use crate::sim::view::replica::ReplicaRole;
use crate::sim::{NodeState, Sim};
use crate::ui::context::use_lang;
use crate::ui::context::{load, use_derived, use_slow_store};
use crate::ui::context::{use_selection, Selection};
use crate::ui::fmt::{f1, role_text, side_letter, Fixed};
use crate::ui::i18n::settings::SettingsText;
use crate::ui::i18n::{fill, Text};
use crate::ui::markup::{esc, on_click, on_key, raw, MenuCallback};
use crate::ui::stage::kinds::shape_defs;
use crate::ui::stage::layout::{
    Frame, Geometry, CARD_H, CARD_W, CHIP_H, CHIP_W, CLIENT_H, CLIENT_W,
};
use crate::ui::stage::legend::{state_class, GLYPH_MASTER, GLYPH_SYNCED, GLYPH_UNSYNCED};
use crate::ui::stage::motion::{path_d, prefers_reduced_motion, MotionLayer};
use crate::ui::stage::node_menu::{self, MenuKey};
use crate::ui::stage::settings::SettingsDialog;

/// Runs the core's removal plan ([`Sim::removal_lines`]) in the console, where the learner sees each command and its output.
fn remove_node(store: &crate::ui::context::StoreHandle, n: usize) {
    let lines = store.player().view().removal_lines(n).unwrap_or_default();
    for step in lines {
        store.dispatch(Action::Console {
            node: step.node,
            line: step.line,
        });
    }
}

fn role_tag(text: &Text, role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Master => text.tag_master,
        ReplicaRole::Synced => text.tag_synced,
        ReplicaRole::Unsynced | ReplicaRole::Gone => text.tag_unsynced,
    }
}

/// Class and glyph of a chip: a crown for the master, a filled check disc for a synchronised
/// slave, a hollow dashed ring for an unsynchronised one.
fn role_look(role: ReplicaRole) -> (&'static str, &'static str) {
    match role {
        ReplicaRole::Master => ("role-master", GLYPH_MASTER),
        ReplicaRole::Synced => ("role-synced", GLYPH_SYNCED),
        ReplicaRole::Unsynced | ReplicaRole::Gone => ("role-unsynced", GLYPH_UNSYNCED),
    }
}

/// A replica's message count as its chip shows it: exact up to 9999, then in thousands.
fn count_text(n: u64) -> String {
    if n < 10_000 {
        n.to_string()
    } else {
        format!("{}k", n / 1000)
    }
}

/// Where a node menu opens (page coordinates of what opened it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MenuAt {
    pub node: usize,
    pub x: f64,
    pub y: f64,
}

/// The queue's name on its chips: `vhost/name` outside the default vhost, so two vhosts'
/// queues of one name stay apart on the stage (the management UI shows a vhost column).
fn chip_queue_name(sim: &Sim, q: crate::sim::model::QueueId) -> String {
    match sim.queues.get(q.0) {
        None => "?".to_string(),
        Some(q) if q.vhost == "/" => q.name.clone(),
        Some(q) => format!("{}/{}", q.vhost, q.name),
    }
}

/// What a replica's chip says in words (its title and its button's name): the queue, the
/// replica's role, the messages it holds, and whether the queue is down or synchronising.
pub fn chip_label(sim: &Sim, proc: ProcId, text: &Text) -> String {
    let role = sim.replica_role(proc);
    let Some(r) = sim.procs.get(proc.0) else {
        return String::new();
    };
    let qname = chip_queue_name(sim, r.queue);
    let mut label = format!(
        "{qname}: {} — {}",
        role_text(text, role),
        fill(text.chip_messages, &[("n", &r.depth().to_string())])
    );
    if role == ReplicaRole::Master && !r.alive {
        label = format!("{label} — {}", text.queue_down);
    }
    if let Some(pct) = (role == ReplicaRole::Master)
        .then(|| sim.sync_percent(r.queue))
        .flatten()
    {
        label = format!(
            "{label} — {}",
            fill(text.queue_syncing, &[("p", &pct.to_string())])
        );
    }
    label
}

/// Everything on the stage but the messages, as SVG markup: links (cut ones marked), client
/// connections, node cards with their state and replica chips, each queue's GM ring, clients.
pub fn cluster_markup(
    sim: &Sim,
    g: &Geometry,
    text: &Text,
    selected: Option<Selection>,
    flags: &[usize],
) -> String {
    let mut out = String::with_capacity(8192);
    let nodes = &sim.cluster.nodes;
    let side = |n: usize| sim.partition.as_ref().and_then(|s| s.get(n).copied());
    out.push_str("<g class=\"links\">");
    let members: Vec<usize> = sim.cluster.members().collect();
    for (i, &a) in members.iter().enumerate() {
        for &b in &members[i + 1..] {
            let (pa, pb) = (g.nodes[a], g.nodes[b]);
            // A cut between sides, or the one link `partition node1 - node2` cut.
            let cut = !sim.connected(a, b);
            let up = nodes[a].state.is_running() && nodes[b].state.is_running();
            let class = if cut {
                "link-cut"
            } else if up {
                "link-up"
            } else {
                "link-down"
            };
            put!(
                out,
                r#"<line class="link {class}" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
                f1(pa.x),
                f1(pa.y),
                f1(pb.x),
                f1(pb.y)
            );
            if cut {
                let m = pa.lerp(pb, 0.5);
                put!(
                    out,
                    r#"<g class="cut-mark" transform="translate({} {})"><title>{}</title><path d="M-7 -7L7 7M7 -7L-7 7"/></g>"#,
                    f1(m.x),
                    f1(m.y),
                    esc(text.link_cut)
                );
            }
        }
    }
    out.push_str("</g><g class=\"client-links\">");
    for (i, c) in sim.clients.iter().enumerate() {
        if !sim.cluster.is_member(c.node) {
            continue;
        }
        if let (Some(a), Some(b)) = (g.clients.get(i), g.nodes.get(c.node)) {
            put!(
                out,
                r#"<line class="client-link{}" x1="{}" y1="{}" x2="{}" y2="{}"/>"#,
                if c.connected { "" } else { " closed" },
                f1(a.x),
                f1(a.y),
                f1(b.x),
                f1(b.y)
            );
        }
    }
    out.push_str("</g><g class=\"nodes\">");
    let (hw, hh) = (CARD_W / 2.0, CARD_H / 2.0);
    for (n, node) in nodes.iter().enumerate() {
        if !sim.cluster.is_member(n) {
            continue;
        }
        let p = g.nodes[n];
        let name = esc(&node.name);
        let sel = if selected == Some(Selection::Node(n)) {
            " selected"
        } else {
            ""
        };
        let state = if sim.waiting_boot.contains(&n) {
            text.booting
        } else {
            text.state(node.state)
        };
        put!(
            out,
            r#"<g class="node {}{sel}" role="group" aria-label="{name}" data-node="{name}" transform="translate({} {})"><title>{name} — {}</title><rect class="node-card" x="{}" y="{}" width="{CARD_W}" height="{CARD_H}" rx="12" data-sel="n{n}"/>"#,
            state_class(node.state),
            f1(p.x),
            f1(p.y),
            esc(text.state(node.state)),
            f1(-hw),
            f1(-hh)
        );
        put!(
            out,
            r#"<g class="node-head" tabindex="0" role="button" aria-haspopup="menu" aria-label="{}" data-menu="{n}"><rect class="node-head-hit" x="{}" y="{}" width="{CARD_W}" height="44" rx="12"/><text class="node-name" x="{}" y="-44">{name}</text><g class="menu-dots" transform="translate({} -44)"><circle cy="-5" r="1.8"/><circle r="1.8"/><circle cy="5" r="1.8"/></g></g>"#,
            esc(&fill(text.node_actions, &[("node", &node.name)])),
            f1(-hw),
            f1(-hh),
            f1(-hw + 12.0),
            f1(hw - 13.0)
        );
        put!(
            out,
            r#"<g class="node-status"><g class="state-glyph {}" transform="translate({} -25)">{}</g><text class="node-state" x="{}" y="-25">{}</text>"#,
            state_class(node.state),
            f1(-hw + 17.0),
            state_shape(node.state),
            f1(-hw + 28.0),
            esc(state)
        );
        // A drained node takes the right of its status row; a partition side moves left of it.
        let drained = sim.is_drained(n);
        if drained {
            put!(
                out,
                r#"<g class="node-maint" role="img" aria-label="{}"><title>{}</title><rect x="{}" y="-35" width="{MAINT_W}" height="16" rx="8"/><text x="{}" y="-23.5" text-anchor="middle">{}</text></g>"#,
                esc(&fill(text.maintenance_label, &[("node", &node.name)])),
                esc(&fill(text.maintenance_label, &[("node", &node.name)])),
                f1(hw - 8.0 - MAINT_W),
                f1(hw - 8.0 - MAINT_W / 2.0),
                esc(text.maintenance_badge)
            );
        }
        if let Some(s) = side(n) {
            put!(
                out,
                r#"<text class="node-side" x="{}" y="-25" text-anchor="end">{}</text>"#,
                f1(hw - 10.0 - if drained { MAINT_W + 4.0 } else { 0.0 }),
                esc(&fill(text.side_label, &[("s", &side_letter(s))]))
            );
        }
        out.push_str("</g>");
        for chip in &g.chips[n] {
            let role = sim.replica_role(chip.proc);
            let r = &sim.procs[chip.proc.0];
            let qname = chip_queue_name(sim, r.queue);
            // The name leaves room for the message count on the right.
            let short: String = if qname.chars().count() > 10 {
                qname.chars().take(9).chain(['…']).collect()
            } else {
                qname.to_string()
            };
            let held = r.depth();
            let down = role == ReplicaRole::Master && !r.alive;
            let syncing = (role == ReplicaRole::Master)
                .then(|| sim.sync_percent(r.queue))
                .flatten();
            let (class, glyph) = role_look(role);
            let label = esc(&chip_label(sim, chip.proc, text));
            put!(
                out,
                r#"<g class="chip {class}{}{}" transform="translate({} {})" data-sel="r{}"><title>{label}</title><rect class="chip-bg" x="{}" y="{}" width="{CHIP_W}" height="{CHIP_H}" rx="5"/><g transform="translate({} 0)">{glyph}</g><text class="chip-name" x="{}" y="0.5">{}</text><text class="chip-count" x="{}" y="0.5">{}</text><text class="chip-tag" x="{}" y="0.5">{}</text>"#,
                if down { " down" } else { "" },
                if selected == Some(Selection::Replica(chip.proc)) {
                    " selected"
                } else {
                    ""
                },
                f1(chip.at.x - p.x),
                f1(chip.at.y - p.y),
                chip.proc.0,
                f1(-CHIP_W / 2.0),
                f1(-CHIP_H / 2.0),
                f1(-CHIP_W / 2.0 + 11.0),
                f1(-CHIP_W / 2.0 + 22.0),
                esc(&short),
                f1(CHIP_W / 2.0 - 21.0),
                count_text(held),
                f1(CHIP_W / 2.0 - 10.0),
                esc(role_tag(text, role))
            );
            if let Some(pct) = syncing {
                put!(
                    out,
                    r#"<rect class="chip-progress" x="{}" y="{}" width="{}" height="3"/>"#,
                    f1(-CHIP_W / 2.0),
                    f1(CHIP_H / 2.0 - 3.0),
                    f1(CHIP_W * pct as f64 / 100.0)
                );
            }
            // The button is a layer over the chip, holding no text: its name says in words what
            // the chip's letters abbreviate (WCAG 2.5.3 asks a control's name to contain its text).
            put!(
                out,
                r#"<rect class="chip-hit" x="{}" y="{}" width="{CHIP_W}" height="{CHIP_H}" rx="5" tabindex="0" role="button" aria-label="{label}"/></g>"#,
                f1(-CHIP_W / 2.0),
                f1(-CHIP_H / 2.0)
            );
        }
        if let Some((at, folded)) = &g.overflow[n] {
            put!(
                out,
                r#"<g class="chip chip-more" transform="translate({} {})" data-sel="n{n}"><rect class="chip-bg" x="{}" y="{}" width="{CHIP_W}" height="{CHIP_H}" rx="5"/><text class="chip-name" x="0" y="0.5" text-anchor="middle">{}</text></g>"#,
                f1(at.x - p.x),
                f1(at.y - p.y),
                f1(-CHIP_W / 2.0),
                f1(-CHIP_H / 2.0),
                esc(&fill(
                    text.more_replicas,
                    &[("n", &folded.len().to_string())]
                ))
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</g><g class=\"rings\">");
    for q in sim.queues.iter().filter(|q| !q.deleted) {
        let alive: Vec<ProcId> = q
            .ring
            .iter()
            .copied()
            .filter(|p| sim.procs.get(p.0).is_some_and(|r| r.alive))
            .collect();
        if alive.len() < 2 {
            continue;
        }
        let d: String = (0..alive.len())
            .filter_map(|i| {
                let a = g.proc_point(sim, alive[i])?;
                let b = g.proc_point(sim, alive[(i + 1) % alive.len()])?;
                (a.dist(b) > 1.0).then(|| path_d(a, b, true))
            })
            .collect();
        put!(
            out,
            r#"<path class="gm-ring" d="{d}" marker-mid="url(#ring-arrow)" marker-end="url(#ring-arrow)"><title>{} — {}</title></path>"#,
            esc(text.legend_ring),
            esc(&q.name)
        );
    }
    out.push_str("</g><g class=\"clients\">");
    for (i, c) in sim.clients.iter().enumerate() {
        if !sim.cluster.is_member(c.node) {
            continue;
        }
        let Some(at) = g.clients.get(i) else { continue };
        let label = if c.connected {
            format!("{} {} → {}", text.w_client, c.name, sim.node_name(c.node))
        } else {
            format!(
                "{} {} — {}",
                text.w_client, c.name, text.client_disconnected
            )
        };
        let label = esc(&label);
        let name: String = c.name.chars().take(9).collect();
        put!(
            out,
            r#"<g class="client{}{}" transform="translate({} {})" tabindex="0" role="button" aria-label="{label}" data-sel="c{i}"><title>{label}</title><rect class="client-bg" x="{}" y="{}" width="{CLIENT_W}" height="{CLIENT_H}" rx="12"/><path class="client-icon" d="M-34 -5h12v8h-12zM-36 5h16"/><text class="client-name" x="4" y="0.5">{}</text>"#,
            if c.connected { "" } else { " closed" },
            if selected == Some(Selection::Client(crate::sim::ClientId(i))) {
                " selected"
            } else {
                ""
            },
            f1(at.x),
            f1(at.y),
            f1(-CLIENT_W / 2.0),
            f1(-CLIENT_H / 2.0),
            esc(&name)
        );
        if flags.get(i).copied().unwrap_or(0) > 0 {
            put!(
                out,
                r#"<g class="flag" transform="translate({} {})"><path d="M0 -9L9 7H-9Z"/><text y="3.5">!</text></g>"#,
                f1(CLIENT_W / 2.0 - 2.0),
                f1(-CLIENT_H / 2.0)
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</g>");
    out
}

/// Brings the chips' counts and names in the drawn diagram up to date with `sim`, touching only
/// the texts that differ (reading text is not layout, so nothing here forces one).
fn patch_counts(layer: &web_sys::Element, sim: &Sim, g: &Geometry, text: &Text) {
    let set = |el: Option<web_sys::Element>, value: &str| {
        if let Some(el) = el {
            if el.text_content().as_deref() != Some(value) {
                el.set_text_content(Some(value));
            }
        }
    };
    for chip in g.chips.iter().flatten() {
        let Some(r) = sim.procs.get(chip.proc.0) else {
            continue;
        };
        let Ok(Some(el)) = layer.query_selector(&format!("g.chip[data-sel=\"r{}\"]", chip.proc.0))
        else {
            continue;
        };
        let count = count_text(r.depth());
        set(el.query_selector(".chip-count").ok().flatten(), &count);
        let label = chip_label(sim, chip.proc, text);
        set(el.query_selector("title").ok().flatten(), &label);
        if let Ok(Some(hit)) = el.query_selector(".chip-hit") {
            if hit.get_attribute("aria-label").as_deref() != Some(label.as_str()) {
                let _ = hit.set_attribute("aria-label", &label);
            }
        }
    }
}

/// A node state's shape: a disc, a square, a cross or two bars, so the state reads without
/// colour.
fn state_shape(state: NodeState) -> &'static str {
    match state {
        NodeState::Running => r#"<circle r="5"/>"#,
        NodeState::Stopped => r#"<rect x="-4.5" y="-4.5" width="9" height="9"/>"#,
        NodeState::Crashed => r#"<path d="M-5 -5L5 5M5 -5L-5 5"/>"#,
        NodeState::Paused => r#"<path d="M-3.5 -5V5M3.5 -5V5"/>"#,
    }
}

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    /// Open the inspector on a node from its menu.
    #[prop_or_default]
    pub on_inspect: Callback<usize>,
}

/// The partition editor's outlook for the draft `sides` (one per member, in order): the mode
/// in force, what it does, when the cut is detected and who pauses — the core's answer.
fn outlook_markup(sim: &Sim, sides: &[u8], t: &SettingsText) -> String {
    let members: Vec<(usize, u8)> = sim.cluster.members().zip(sides.iter().copied()).collect();
    let o = sim.partition_outlook(&members);
    let mut out = String::from(r#"<div class="partition-outlook" role="note">"#);
    match o.common_mode() {
        Some(mode) => put!(
            out,
            "<p><strong>{}</strong> {}</p>",
            esc(&fill(t.outlook_mode, &[("mode", mode.as_str())])),
            esc(t.effect(mode))
        ),
        None => {
            let modes: Vec<String> = o.modes.iter().map(|(n, m)| format!("{n}: {m}")).collect();
            put!(
                out,
                "<p><strong>{}</strong></p>",
                esc(&fill(t.outlook_mixed, &[("modes", &modes.join(", "))]))
            );
        }
    }
    let secs = (o.ticktime.0 / 1_000_000).to_string();
    put!(
        out,
        "<p>{}</p>",
        esc(&fill(t.outlook_detect, &[("t", &secs)]))
    );
    if o.pausing.is_empty() {
        if o.modes
            .iter()
            .any(|m| m.1 == crate::sim::PartitionHandling::PauseMinority)
        {
            put!(out, "<p>{}</p>", esc(t.outlook_no_pause));
        }
    } else {
        out.push_str("<ul>");
        for (node, v, n) in &o.pausing {
            put!(
                out,
                "<li>{}</li>",
                esc(&fill(
                    t.outlook_pause,
                    &[("node", node), ("v", &v.to_string()), ("n", &n.to_string())]
                ))
            );
        }
        out.push_str("</ul>");
    }
    out.push_str("</div>");
    out
}

/// Below this width the diagram takes the narrow frame (two columns of cards), which a phone
/// held upright shows at about twice the wide ring's scale.
/// Width of the maintenance badge on a drained node.
const MAINT_W: f64 = 68.0;

const NARROW_QUERY: &str = "(max-width: 600px)";

fn current_frame() -> Frame {
    let narrow = crate::ui::context::browser()
        .and_then(|w| w.match_media(NARROW_QUERY).ok().flatten())
        .is_some_and(|m| m.matches());
    if narrow {
        Frame::Narrow
    } else {
        Frame::Wide
    }
}

/// The diagram's frame for the window's width, following the window as it is resized or the
/// phone turned.
#[hook]
fn use_frame() -> Frame {
    let frame = use_state_eq(current_frame);
    {
        let frame = frame.clone();
        use_effect_with((), move |_| {
            let listener = crate::ui::context::browser()
                .and_then(|w| w.match_media(NARROW_QUERY).ok().flatten())
                .map(|query| {
                    gloo_events::EventListener::new(&query, "change", move |_| {
                        frame.set(current_frame())
                    })
                });
            move || drop(listener)
        });
    }
    *frame
}

/// The stage card: toolbar, diagram with moving messages, node menu, partition editor.
#[function_component]
pub fn ClusterView(_props: &ClusterViewProps) -> Html {
    let store = use_slow_store();
    let derived = use_derived();
    let lang = use_lang();
    let text = lang.text();
    let selection = use_selection();
    let menu = use_state_eq(|| None::<MenuAt>);
    let draft = use_state_eq(|| None::<Vec<u8>>);
    // The two ends of a single link to cut (indices into the members), while the editor is open.
    let link = use_state_eq(|| (0usize, 1usize));
    let settings_open = use_state_eq(|| false);
    let reduced = use_memo((), |_| prefers_reduced_motion());
    let player = store.player();
    let structure = derived.structure;
    let view = player.view();
    let frame = use_frame();
    let geometry = {
        let store = store.clone();
        use_memo((structure, frame), move |(_, frame)| {
            Geometry::in_frame(store.player().view(), *frame)
        })
    };
    let flags = {
        let store = store.clone();
        let derived = derived.clone();
        use_memo(structure, move |_| {
            store
                .player()
                .view()
                .anomalies_per_client(&derived.anomalies)
        })
    };
    let n = view.cluster.members().count();
    let running = view
        .cluster
        .members()
        .filter(|&x| view.node_running(x))
        .count();
    // The "−" of a live run takes out the last member.
    let last_member = view.cluster.members().last();
    let can_remove = last_member.is_some_and(|m| view.removal_lines(m).is_some());
    let fresh = player.session.inputs().is_empty();
    let partitioned = view.partition.is_some() || view.partial_cut.is_some();
    let names: Vec<String> = view
        .cluster
        .members()
        .map(|x| view.node_name(x).to_string())
        .collect();
    let exchange_items = crate::ui::stage::exchanges::strip_items(view, &geometry, frame);
    drop(player);

    let resize = |delta: isize| {
        let store = store.clone();
        let to = (n as isize + delta).clamp(1, MAX_NODES as isize);
        Callback::from(move |_: MouseEvent| load(&store, format!("cluster nodes={to}")))
    };
    let menu_cb: MenuCallback = {
        let menu = menu.clone();
        Callback::from(move |(node, x, y): (usize, f64, f64)| menu.set(Some(MenuAt { node, x, y })))
    };
    // What each replica holds, drawn on its chip.
    let held: Vec<u64> = store
        .player()
        .view()
        .procs
        .iter()
        .map(|r| r.depth())
        .collect();
    // The cards redraw only when the diagram's structure, the selection or the language change.
    // The counts change with nearly every message: replacing the whole diagram for them made the
    // browser restyle and lay out every card, so only the few chips' texts are patched instead.
    let layer = {
        let store = store.clone();
        let geometry = geometry.clone();
        let flags = flags.clone();
        use_memo(
            (structure, *selection, lang, frame),
            move |(_, sel, lang, _)| {
                cluster_markup(store.player().view(), &geometry, lang.text(), *sel, &flags)
            },
        )
    };
    let layer_ref = use_node_ref();
    {
        let store = store.clone();
        let geometry = geometry.clone();
        let layer_ref = layer_ref.clone();
        use_effect_with((held, lang), move |(_, lang)| {
            if let Some(el) = layer_ref.cast::<web_sys::Element>() {
                patch_counts(&el, store.player().view(), &geometry, lang.text());
            }
        });
    }
    let close_menu = {
        let menu = menu.clone();
        Callback::from(move |_: MouseEvent| menu.set(None))
    };
    // An opened menu takes the focus, so that it can be used from the keyboard; a closed one
    // gives it back to its node's button.
    let menu_of = use_mut_ref(|| None::<usize>);
    // Set by "Inspect", done after the focus went back (which may scroll to the node).
    let reveal = use_mut_ref(|| false);
    {
        let reveal = reveal.clone();
        use_effect_with((*menu).map(|m| m.node), move |&node| {
            let was = menu_of.replace(node);
            match (node, was) {
                (Some(_), _) => node_menu::opened(),
                (None, Some(n)) => {
                    node_menu::closed(n);
                    if reveal.replace(false) {
                        node_menu::reveal_inspector();
                    }
                }
                (None, None) => {}
            }
        });
    }
    // The menu and the partition editor are markup too; a click or change on them is read
    // from the element's data attributes (see `markup`).
    let menu_html = (*menu).and_then(|m| {
        let player = store.player();
        let sim = player.view();
        let node = sim.cluster.nodes.get(m.node)?;
        // Keep the menu on screen on a narrow phone.
        let width = crate::ui::context::browser()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64())
            .unwrap_or(1e4);
        let x = m.x.min(width - 210.0).max(4.0);
        let mut out = String::new();
        put!(
            out,
            r#"<div class="node-menu" role="menu" aria-label="{}" style="left:{}px;top:{}px"><div class="menu-title">{}</div><button type="button" role="menuitem" data-sel="n{}">{}</button>"#,
            esc(&fill(text.node_actions, &[("node", &node.name)])),
            Fixed(x, 0),
            Fixed(m.y + 6.0, 0),
            esc(&node.name),
            m.node,
            esc(text.menu_inspect)
        );
        for choice in sim.node_actions(m.node) {
            put!(
                out,
                r#"<button type="button" role="menuitem" data-act="{}" data-sel="n{}"{}>{}</button>"#,
                esc(&choice.line),
                m.node,
                if choice.enabled { "" } else { " disabled" },
                esc(text.node_action(choice.action))
            );
        }
        let crashes = sim.process_crash_choices(m.node);
        if !crashes.is_empty() {
            put!(
                out,
                r#"<div class="menu-group" role="presentation">{}</div>"#,
                esc(text.menu_crash_heading)
            );
        }
        for c in crashes {
            let label = if c.master {
                text.menu_crash_master
            } else {
                text.menu_crash_mirror
            };
            put!(
                out,
                r#"<button type="button" role="menuitem" class="menu-crash" data-act="{}" data-sel="n{}">{}</button>"#,
                esc(&c.line),
                m.node,
                esc(&fill(label, &[("queue", &c.queue)]))
            );
        }
        let removable = sim.removal_lines(m.node).is_some();
        put!(
            out,
            r#"<button type="button" role="menuitem" class="menu-remove" title="{}"{}>{}</button>"#,
            esc(text.menu_remove_hint),
            if removable { "" } else { " disabled" },
            esc(text.menu_remove)
        );
        out.push_str("</div>");
        let act = on_click(&store, &selection, None);
        let onclick = {
            let menu = menu.clone();
            let store = store.clone();
            let node = m.node;
            let reveal = reveal.clone();
            Callback::from(move |e: MouseEvent| {
                let item = e
                    .target_dyn_into::<web_sys::Element>()
                    .and_then(|el| el.closest("[role=menuitem]").ok().flatten());
                let remove = item.as_ref().is_some_and(|el| {
                    el.matches(".menu-remove:not([disabled])").unwrap_or(false)
                });
                // "Inspect" is the item that selects the node and runs nothing.
                *reveal.borrow_mut() = item
                    .as_ref()
                    .is_some_and(|el| el.has_attribute("data-sel") && !el.has_attribute("data-act"));
                if remove {
                    remove_node(&store, node);
                } else {
                    act.emit(e);
                }
                menu.set(None);
            })
        };
        let onkeydown = {
            let menu = menu.clone();
            Callback::from(move |e: KeyboardEvent| match MenuKey::of(&e.key()) {
                Some(MenuKey::Close) => {
                    e.prevent_default();
                    menu.set(None);
                }
                Some(key) if node_menu::move_focus(key) => e.prevent_default(),
                _ => {}
            })
        };
        Some(html! {
            <>
                <div class="menu-backdrop" onclick={close_menu.clone()} />
                <div {onclick} {onkeydown}>{ raw(out) }</div>
            </>
        })
    });

    let partition_editor = (*draft).clone().map(|sides| {
        let used = {
            let mut v = sides.clone();
            crate::sort::sort(&mut v);
            v.dedup();
            v.len()
        };
        let mut out = String::new();
        put!(
            out,
            r#"<h3>{}</h3><p class="hint">{}</p><div class="side-rows">"#,
            esc(text.partition_title),
            esc(text.partition_hint)
        );
        for (i, name) in names.iter().enumerate() {
            let name = esc(name);
            put!(out, r#"<label class="side-row"><span>{name}</span><select aria-label="{name}" data-node="{i}">"#);
            for side in 0..3u8 {
                put!(
                    out,
                    "<option{}>{}</option>",
                    if sides[i] == side { " selected" } else { "" },
                    esc(&fill(text.side_name, &[("s", &side_letter(side))]))
                );
            }
            out.push_str("</select></label>");
        }
        out.push_str("</div>");
        if used < 2 {
            put!(out, r#"<p class="hint warn">{}</p>"#, esc(text.partition_need_two));
        }
        out.push_str(&outlook_markup(store.player().view(), &sides, lang.settings_text()));
        let onchange = {
            let draft = draft.clone();
            let sides = sides.clone();
            let link = link.clone();
            Callback::from(move |e: Event| {
                let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
                let chosen = select.selected_index().max(0) as usize;
                match select.get_attribute("data-link").as_deref() {
                    Some("0") => return link.set((chosen, link.1)),
                    Some("1") => return link.set((link.0, chosen)),
                    _ => {}
                }
                let Some(i) = select.get_attribute("data-node").and_then(|v| v.parse::<usize>().ok()) else { return };
                let mut next = sides.clone();
                if let Some(side) = next.get_mut(i) {
                    *side = select.selected_index().clamp(0, 2) as u8;
                }
                draft.set(Some(next));
            })
        };
        let apply = {
            let store = store.clone();
            let draft = draft.clone();
            let names = names.clone();
            let sides = sides.clone();
            move |_: MouseEvent| {
                let groups: Vec<String> = (0..3u8)
                    .map(|s| {
                        names
                            .iter()
                            .zip(&sides)
                            .filter(|(_, &x)| x == s)
                            .map(|(n, _)| n.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .filter(|g| !g.is_empty())
                    .collect();
                draft.set(None);
                store.dispatch(Action::Input(format!("partition {}", groups.join(" | "))));
            }
        };
        let cancel = {
            let draft = draft.clone();
            move |_: MouseEvent| draft.set(None)
        };
        let (a, b) = *link;
        let mut link_out = String::new();
        put!(link_out, r#"<p class="hint">{}</p><div class="link-row">"#, esc(text.link_title));
        for (end, (chosen, label)) in [(a, text.link_first), (b, text.link_second)]
            .into_iter()
            .enumerate()
        {
            put!(link_out, r#"<select aria-label="{}" data-link="{end}">"#, esc(label));
            for (i, name) in names.iter().enumerate() {
                put!(
                    link_out,
                    "<option{}>{}</option>",
                    if i == chosen { " selected" } else { "" },
                    esc(name)
                );
            }
            link_out.push_str("</select>");
            if end == 0 {
                link_out.push_str("<span aria-hidden=\"true\">–</span>");
            }
        }
        link_out.push_str("</div>");
        let cut_link = {
            let store = store.clone();
            let draft = draft.clone();
            let names = names.clone();
            move |_: MouseEvent| {
                let (Some(x), Some(y)) = (names.get(a), names.get(b)) else { return };
                draft.set(None);
                store.dispatch(Action::Input(format!("partition {x} - {y}")));
            }
        };
        html! {
            <div class="partition-editor" role="group" aria-label={text.partition_title} {onchange}>
                { raw(out) }
                <div class="btn-row">
                    <button type="button" class="btn primary" disabled={used < 2} onclick={apply}>{ text.partition_apply }</button>
                    <button type="button" class="btn" onclick={cancel}>{ text.cancel }</button>
                </div>
                { raw(link_out) }
                <div class="btn-row">
                    <button type="button" class="btn" disabled={a == b || a >= names.len() || b >= names.len()} onclick={cut_link}>{ text.link_apply }</button>
                </div>
            </div>
        }
    });

    let open_partition = {
        let draft = draft.clone();
        move |_: MouseEvent| {
            // Start from a split of the last node against the rest: the usual minority case.
            let mut sides = vec![0u8; n];
            if let Some(last) = sides.last_mut() {
                *last = 1;
            }
            draft.set(Some(sides));
        }
    };
    let heal = {
        let store = store.clone();
        move |_: MouseEvent| store.dispatch(Action::Input("heal".into()))
    };
    let deselect = {
        let selection = selection.clone();
        move |_: MouseEvent| selection.set(None)
    };

    html! {
        <section class="card cluster-card" aria-labelledby="cluster-h">
            <div class="card-head">
                <h2 id="cluster-h">{ text.cluster_heading }</h2>
                <span class="summary">{ text.cluster_summary(n, running) }</span>
            </div>
            <div class="stage-tools">
                <div class="size-control" role="group" aria-label={text.nodes_label}
                    title={if fresh { "" } else { text.size_locked }}>
                    <span class="tool-label">{ text.nodes_label }</span>
                    <button type="button" class="btn icon" aria-label={text.remove_node}
                        disabled={if fresh { n <= 1 } else { !can_remove }} onclick={
                            // During a run the last member is stopped and forgotten; before, the size is set.
                            if fresh { resize(-1) } else {
                                let store = store.clone();
                                Callback::from(move |_: MouseEvent| {
                                    if let Some(m) = last_member {
                                        remove_node(&store, m);
                                    }
                                })
                            }
                        }>{ "−" }</button>
                    <output class="size-value">{ n }</output>
                    <button type="button" class="btn icon" aria-label={text.add_node}
                        disabled={n >= MAX_NODES || partitioned} onclick={
                            // During a run a node joins the live cluster; before, the size is set.
                            if fresh { resize(1) } else {
                                let store = store.clone();
                                Callback::from(move |_: MouseEvent| store.dispatch(Action::Input("join node".into())))
                            }
                        }>{ "+" }</button>
                    if !fresh {
                        <button type="button" class="btn" onclick={{
                            let store = store.clone();
                            move |_: MouseEvent| load(&store, format!("cluster nodes={n}"))
                        }}>{ text.new_session }</button>
                    }
                </div>
                <div class="net-control">
                    <button type="button" class="btn" onclick={{
                        let settings_open = settings_open.clone();
                        move |_: MouseEvent| settings_open.set(true)
                    }}>{ lang.settings_text().open }</button>
                    if partitioned {
                        <button type="button" class="btn" onclick={heal}>{ text.heal }</button>
                    } else {
                        <button type="button" class="btn" disabled={n < 2 || draft.is_some()} onclick={open_partition}>
                            { text.partition_open }
                        </button>
                    }
                </div>
            </div>
            { partition_editor.unwrap_or_default() }
            <div class="stage-wrap">
                <svg class="cluster-view" role="group" aria-label={text.cluster_diagram_label}
                    viewBox={format!("0 0 {} {}", geometry.view.0, geometry.view.1)} preserveAspectRatio="xMidYMid meet"
                    onclick={deselect}>
                    <defs>
                        { shape_defs() }
                        <marker id="ring-arrow" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="7"
                            markerHeight="7" orient="auto-start-reverse">
                            <path d="M1 1L9 5L1 9" />
                        </marker>
                        <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse"
                            patternTransform="rotate(45)">
                            <line x1="0" y1="0" x2="0" y2="6" />
                        </pattern>
                    </defs>
                    <g class="cluster-layer" ref={layer_ref} onclick={on_click(&store, &selection, Some(menu_cb.clone()))}
                        onkeydown={on_key(&store, &selection, Some(menu_cb))}>
                        { raw((*layer).clone()) }
                    </g>
                    <crate::ui::stage::exchanges::ExchangeStrip items={exchange_items} {lang} />
                </svg>
                <MotionLayer geometry={geometry} reduced={*reduced} />
            </div>
            if *reduced { <p class="hint">{ text.motion_reduced }</p> }
            { menu_html.unwrap_or_default() }
            if *settings_open {
                <SettingsDialog on_close={{
                    let settings_open = settings_open.clone();
                    Callback::from(move |_| settings_open.set(false))
                }} />
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;
    use crate::sim::time::Micros;
    use crate::ui::i18n::Lang;

    #[test]
    fn each_replica_shows_the_messages_it_holds() {
        let mut s = Session::new(&[
            "cluster nodes=3",
            "client app node=node1",
            "app declare q durable",
            r#"rabbitmqctl set_policy ha "^q$" '{"ha-mode":"all"}'"#,
            "wait 50ms",
            "app publish q \"m\" count=7",
            "wait 150ms",
        ])
        .unwrap();
        let sim = &s.run.sim;
        let g = Geometry::of(sim);
        for lang in Lang::ALL {
            let out = cluster_markup(sim, &g, lang.text(), None, &[]);
            let counts: Vec<&str> = out
                .split(r#"<text class="chip-count""#)
                .skip(1)
                .map(|t| t.split_once('>').unwrap().1.split_once('<').unwrap().0)
                .collect();
            assert_eq!(counts, ["7", "7", "7"], "{out}");
            let label = fill(lang.text().chip_messages, &[("n", "7")]);
            assert_eq!(out.matches(&esc(&label)).count(), 6, "{out}");
        }
        // Consumed away on the master, the mirrors follow over GM.
        s.apply("client c node=node2").unwrap();
        s.apply("c consume q ack=auto").unwrap();
        s.advance_to(Micros::from_secs(1));
        let sim = &s.run.sim;
        let out = cluster_markup(sim, &Geometry::of(sim), Lang::En.text(), None, &[]);
        assert_eq!(out.matches(r#"y="0.5">0</text>"#).count(), 3, "{out}");
    }

    #[test]
    fn chips_outside_the_default_vhost_name_it() {
        let mut s = Session::new(&[
            "cluster nodes=1",
            "rabbitmqctl add_vhost v1",
            r#"rabbitmqctl set_permissions -p v1 guest ".*" ".*" ".*""#,
            "client a node=node1",
            "client b node=node1 vhost=v1",
            "a declare q",
            "b declare q",
        ])
        .unwrap();
        s.advance_to(Micros::from_secs(1));
        let sim = &s.run.sim;
        let out = cluster_markup(sim, &Geometry::of(sim), Lang::En.text(), None, &[]);
        assert!(out.contains(r#"y="0.5">q</text>"#), "{out}");
        assert!(out.contains(r#"y="0.5">v1/q</text>"#), "{out}");
        assert!(out.contains(r#"aria-label="v1/q: master"#), "{out}");
    }

    #[test]
    fn a_drained_node_wears_the_maintenance_badge() {
        let draw = |s: &Session, lang: Lang| {
            cluster_markup(
                &s.run.sim,
                &Geometry::of(&s.run.sim),
                lang.text(),
                None,
                &[],
            )
        };
        let mut s = Session::new(&["cluster nodes=3", "wait 50ms"]).unwrap();
        let out = draw(&s, Lang::En);
        assert!(!out.contains("node-maint"), "{out}");
        s.apply("on rabbit@node1: rabbitmq-upgrade drain").unwrap();
        s.advance_to(Micros::from_secs(1));
        for lang in Lang::ALL {
            let out = draw(&s, lang);
            assert_eq!(out.matches("node-maint").count(), 1, "{out}");
            let label = fill(lang.text().maintenance_label, &[("node", "rabbit@node1")]);
            assert!(
                out.contains(&format!(r#"aria-label="{}""#, esc(&label))),
                "{out}"
            );
            assert!(out.contains(lang.text().maintenance_badge), "{out}");
        }
        s.apply("on rabbit@node1: rabbitmq-upgrade revive").unwrap();
        s.advance_to(Micros::from_secs(2));
        let out = draw(&s, Lang::En);
        assert!(!out.contains("node-maint"), "{out}");
    }

    #[test]
    fn large_counts_are_shortened() {
        assert_eq!(count_text(0), "0");
        assert_eq!(count_text(9999), "9999");
        assert_eq!(count_text(10_000), "10k");
        assert_eq!(count_text(123_456), "123k");
    }
}
