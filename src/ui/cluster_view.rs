//! The stage: the cluster as the core holds it at the cursor — node cards with their state,
//! every queue replica as a chip (master, synchronised or unsynchronised slave), clients tied
//! to their node, links (cut ones during a partition), each queue's GM ring — with the
//! messages in flight drawn on top. Each node has a menu for faults; a toolbar sets the
//! cluster's size and cuts or heals the network.

use std::rc::Rc;

use yew::prelude::*;

use super::i18n::{fill, use_lang, Lang, Text};
use super::inspector::{role_text, side_letter, use_selection, Selection};
use super::layout::{Geometry, CARD_H, CARD_W, CHIP_H, CHIP_W, CLIENT_H, CLIENT_W, VIEW_H, VIEW_W};
use super::motion::{path_d, prefers_reduced_motion, shape_defs, MotionLayer};
use super::player::Action;
use super::stage::{
    f1, load, replica_role, use_derived, use_slow_store, Fixed, ReplicaRole, StoreRef,
};
use crate::sim::checker::{Anomaly, AnomalyKind};
use crate::sim::cluster::MAX_NODES;
use crate::sim::model::ProcId;
use crate::sim::{NodeState, Sim};

/// The CSS class that colours anything standing for a node in `state` (cards, legend swatches).
pub fn state_class(state: NodeState) -> String {
    format!("state-{}", state.as_str())
}

/// A tenth of a unit is finer than any screen shows, and keeps the SVG short and readable.
fn coord(v: f64) -> String {
    f1(v).to_string()
}

#[derive(Properties, PartialEq)]
pub struct StateIconProps {
    pub state: NodeState,
}

/// A node state's icon: a disc (running), a square (stopped), a cross (crashed), two bars
/// (paused), so that the state reads without colour.
#[function_component]
pub fn StateIcon(props: &StateIconProps) -> Html {
    let shape = match props.state {
        NodeState::Running => html! { <circle r="5" /> },
        NodeState::Stopped => html! { <rect x="-4.5" y="-4.5" width="9" height="9" /> },
        NodeState::Crashed => html! { <path d="M-5 -5L5 5M5 -5L-5 5" /> },
        NodeState::Paused => html! { <path d="M-3.5 -5V5M3.5 -5V5" /> },
    };
    html! {
        <svg class={classes!("state-icon", state_class(props.state))} viewBox="-7 -7 14 14"
            width="14" height="14" aria-hidden="true">
            { shape }
        </svg>
    }
}

/// The faults a node's menu offers: label, scenario line, whether it applies now.
pub fn node_actions(sim: &Sim, n: usize, text: &Text) -> Vec<(&'static str, String, bool)> {
    let Some(node) = sim.cluster.nodes.get(n) else {
        return Vec::new();
    };
    let running = node.state.is_running();
    let booting = sim.waiting_boot.contains(&n);
    vec![
        (text.menu_stop, format!("stop {}", node.name), running),
        (
            text.menu_kill,
            format!("kill {}", node.name),
            node.state != NodeState::Crashed,
        ),
        (
            text.menu_start,
            format!("start {}", node.name),
            !running && !booting,
        ),
    ]
}

/// The role glyph inside a chip: a crown for the master, a filled check disc for a
/// synchronised slave, a hollow dashed ring for an unsynchronised one.
fn role_glyph(role: ReplicaRole) -> Html {
    match role {
        ReplicaRole::Master => {
            html! { <path class="glyph" d="M-6 4L-6 -4L-3 0L0 -5L3 0L6 -4L6 4Z" /> }
        }
        ReplicaRole::Synced => html! {
            <>
                <circle class="glyph" r="5.5" />
                <path class="glyph-mark" d="M-3 0L-1 2.5L3 -2.5" />
            </>
        },
        ReplicaRole::Unsynced | ReplicaRole::Gone => html! { <circle class="glyph" r="5" /> },
    }
}

fn role_tag(text: &Text, role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Master => text.tag_master,
        ReplicaRole::Synced => text.tag_synced,
        ReplicaRole::Unsynced | ReplicaRole::Gone => text.tag_unsynced,
    }
}

fn role_class(role: ReplicaRole) -> &'static str {
    match role {
        ReplicaRole::Master => "role-master",
        ReplicaRole::Synced => "role-synced",
        ReplicaRole::Unsynced | ReplicaRole::Gone => "role-unsynced",
    }
}

/// Per client: how many of the anomalies concern it (its deliveries; for a loss, its publish).
pub fn client_flags(sim: &Sim, anomalies: &[Anomaly]) -> Vec<usize> {
    (0..sim.clients.len())
        .map(|ci| {
            anomalies
                .iter()
                .filter(|a| {
                    let m = sim.messages.get((a.msg.0 as usize).saturating_sub(1));
                    match a.kind {
                        AnomalyKind::Lost => {
                            m.and_then(|m| m.publisher).is_some_and(|(c, _)| c.0 == ci)
                        }
                        _ => sim.clients[ci].deliveries.iter().any(|d| d.msg == a.msg),
                    }
                })
                .count()
        })
        .collect()
}

/// Pressing Enter or Space on a focusable SVG part does what a click does.
fn on_activate(cb: Callback<()>) -> Callback<KeyboardEvent> {
    Callback::from(move |e: KeyboardEvent| {
        if e.key() == "Enter" || e.key() == " " {
            e.prevent_default();
            cb.emit(());
        }
    })
}

/// Where a node menu opens (page coordinates of the element that opened it).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MenuAt {
    pub node: usize,
    pub x: f64,
    pub y: f64,
}

#[derive(Properties, PartialEq)]
pub struct ClusterLayerProps {
    pub store: StoreRef,
    /// `Derived::structure`: redraw only when what the diagram shows changes.
    pub structure: u64,
    /// Per client: how many anomalies its messages show.
    pub flags: Rc<Vec<usize>>,
    pub geometry: Rc<Geometry>,
    pub lang: Lang,
    pub selection: Option<Selection>,
    pub on_menu: Callback<MenuAt>,
}

fn menu_opener(
    on_menu: &Callback<MenuAt>,
    node: usize,
) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
    let click = {
        let on_menu = on_menu.clone();
        Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_menu.emit(MenuAt {
                node,
                x: e.client_x() as f64,
                y: e.client_y() as f64,
            });
        })
    };
    let key = {
        let on_menu = on_menu.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " || e.key() == "ArrowDown" {
                e.prevent_default();
                let (x, y) = e
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .map(|el| {
                        let r = el.get_bounding_client_rect();
                        (r.left(), r.bottom())
                    })
                    .unwrap_or((100.0, 100.0));
                on_menu.emit(MenuAt { node, x, y });
            }
        })
    };
    (click, key)
}

/// Everything on the stage but the messages: redrawn only when the run's content or the
/// selection changes.
#[function_component]
pub fn ClusterLayer(props: &ClusterLayerProps) -> Html {
    let text = props.lang.text();
    let selection = use_selection();
    let player = props.store.player();
    let sim = player.view();
    let g = &props.geometry;
    let nodes = &sim.cluster.nodes;
    let sides = sim.partition.as_ref();
    let side = |n: usize| sides.and_then(|s| s.get(n).copied());

    let mut links = Vec::new();
    for a in 0..nodes.len() {
        for b in a + 1..nodes.len() {
            let (pa, pb) = (g.nodes[a], g.nodes[b]);
            let cut = side(a) != side(b);
            let up = nodes[a].state.is_running() && nodes[b].state.is_running();
            let class = classes!(
                "link",
                if cut {
                    "link-cut"
                } else if up {
                    "link-up"
                } else {
                    "link-down"
                }
            );
            let mid = pa.lerp(pb, 0.5);
            links.push(html! {
                <g key={format!("{a}-{b}")}>
                    <line {class} x1={coord(pa.x)} y1={coord(pa.y)} x2={coord(pb.x)} y2={coord(pb.y)} />
                    if cut {
                        <g class="cut-mark" transform={format!("translate({} {})", coord(mid.x), coord(mid.y))}>
                            <title>{ text.link_cut }</title>
                            <path d="M-7 -7L7 7M7 -7L-7 7" />
                        </g>
                    }
                </g>
            });
        }
    }

    let rings: Html = sim
        .queues
        .iter()
        .filter(|q| !q.deleted)
        .map(|q| {
            let alive: Vec<ProcId> = q
                .ring
                .iter()
                .copied()
                .filter(|p| sim.procs.get(p.0).is_some_and(|r| r.alive))
                .collect();
            if alive.len() < 2 {
                return html! {};
            }
            let d: String = (0..alive.len())
                .filter_map(|i| {
                    let a = g.proc_point(sim, alive[i])?;
                    let b = g.proc_point(sim, alive[(i + 1) % alive.len()])?;
                    (a.dist(b) > 1.0).then(|| path_d(a, b, true))
                })
                .collect();
            html! {
                <path class="gm-ring" d={d} marker-mid="url(#ring-arrow)" marker-end="url(#ring-arrow)">
                    <title>{ format!("{} — {}", text.legend_ring, q.name) }</title>
                </path>
            }
        })
        .collect();

    let selected = props.selection;

    let client_lines: Html = sim
        .clients
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let a = *g.clients.get(i)?;
            let b = *g.nodes.get(c.node)?;
            let class = classes!("client-link", (!c.connected).then_some("closed"));
            Some(html! { <line {class} x1={coord(a.x)} y1={coord(a.y)} x2={coord(b.x)} y2={coord(b.y)} /> })
        })
        .collect();

    let cards: Html = nodes
        .iter()
        .enumerate()
        .map(|(n, node)| {
            let p = g.nodes[n];
            let (open_click, open_key) = menu_opener(&props.on_menu, n);
            let chips: Html = g.chips[n]
                .iter()
                .map(|chip| {
                    let role = replica_role(sim, chip.proc);
                    let r = &sim.procs[chip.proc.0];
                    let q = sim.queues.get(r.queue.0);
                    let qname = q.map_or("?", |q| q.name.as_str());
                    let short: String = if qname.chars().count() > 15 {
                        qname.chars().take(14).chain(['…']).collect()
                    } else {
                        qname.to_string()
                    };
                    let down = role == ReplicaRole::Master && !r.alive;
                    let syncing = (role == ReplicaRole::Master)
                        .then(|| sim.sync_percent(r.queue))
                        .flatten();
                    let mut label = format!("{qname}: {}", role_text(text, role));
                    if down {
                        label = format!("{label} — {}", text.queue_down);
                    }
                    if let Some(pct) = syncing {
                        label = format!("{label} — {}", fill(text.queue_syncing, &[("p", &pct.to_string())]));
                    }
                    let proc = chip.proc;
                    let pick = {
                        let selection = selection.clone();
                        Callback::from(move |()| selection.set(Some(Selection::Replica(proc))))
                    };
                    let onclick = {
                        let pick = pick.clone();
                        Callback::from(move |e: MouseEvent| {
                            e.stop_propagation();
                            pick.emit(());
                        })
                    };
                    let class = classes!(
                        "chip",
                        role_class(role),
                        down.then_some("down"),
                        (selected == Some(Selection::Replica(proc))).then_some("selected")
                    );
                    let (x, y) = (chip.at.x - p.x, chip.at.y - p.y);
                    html! {
                        <g key={proc.0} {class} transform={format!("translate({} {})", coord(x), coord(y))}
                            tabindex="0" role="button" aria-label={label.clone()} {onclick}
                            onkeydown={on_activate(pick)}>
                            <title>{ label }</title>
                            <rect class="chip-bg" x={coord(-CHIP_W / 2.0)} y={coord(-CHIP_H / 2.0)}
                                width={coord(CHIP_W)} height={coord(CHIP_H)} rx="5" />
                            <g transform={format!("translate({} 0)", coord(-CHIP_W / 2.0 + 11.0))}>{ role_glyph(role) }</g>
                            <text class="chip-name" x={coord(-CHIP_W / 2.0 + 22.0)} y="0.5">{ short }</text>
                            <text class="chip-tag" x={coord(CHIP_W / 2.0 - 10.0)} y="0.5">{ role_tag(text, role) }</text>
                            if let Some(pct) = syncing {
                                <rect class="chip-progress" x={coord(-CHIP_W / 2.0)} y={coord(CHIP_H / 2.0 - 3.0)}
                                    width={coord(CHIP_W * pct as f64 / 100.0)} height="3" />
                            }
                        </g>
                    }
                })
                .collect();
            let overflow = g.overflow[n].as_ref().map(|(at, folded)| {
                let (x, y) = (at.x - p.x, at.y - p.y);
                let first = folded[0];
                let pick = {
                    let selection = selection.clone();
                    Callback::from(move |e: MouseEvent| {
                        e.stop_propagation();
                        selection.set(Some(Selection::Node(n)));
                    })
                };
                let _ = first;
                html! {
                    <g class="chip chip-more" transform={format!("translate({} {})", coord(x), coord(y))} onclick={pick}>
                        <rect class="chip-bg" x={coord(-CHIP_W / 2.0)} y={coord(-CHIP_H / 2.0)}
                            width={coord(CHIP_W)} height={coord(CHIP_H)} rx="6" />
                        <text class="chip-name" x="0" y="0.5" text-anchor="middle">
                            { fill(text.more_replicas, &[("n", &folded.len().to_string())]) }
                        </text>
                    </g>
                }
            });
            let select_node = {
                let selection = selection.clone();
                Callback::from(move |_: MouseEvent| selection.set(Some(Selection::Node(n))))
            };
            let booting = sim.waiting_boot.contains(&n);
            let class = classes!(
                "node",
                state_class(node.state),
                (selected == Some(Selection::Node(n))).then_some("selected")
            );
            let actions_label = fill(text.node_actions, &[("node", &node.name)]);
            html! {
                <g key={n} {class} role="group" aria-label={node.name.clone()} data-node={node.name.clone()}
                    transform={format!("translate({} {})", coord(p.x), coord(p.y))}>
                    <title>{ format!("{} — {}", node.name, text.state(node.state)) }</title>
                    <rect class="node-card" x={coord(-CARD_W / 2.0)} y={coord(-CARD_H / 2.0)}
                        width={coord(CARD_W)} height={coord(CARD_H)} rx="12" onclick={select_node} />
                    <g class="node-head" tabindex="0" role="button" aria-haspopup="menu"
                        aria-label={actions_label} onclick={open_click} onkeydown={open_key}>
                        <rect class="node-head-hit" x={coord(-CARD_W / 2.0)} y={coord(-CARD_H / 2.0)}
                            width={coord(CARD_W)} height="44" rx="12" />
                        <text class="node-name" x={coord(-CARD_W / 2.0 + 12.0)} y="-44">{ &node.name }</text>
                        <g class="menu-dots" transform={format!("translate({} -44)", coord(CARD_W / 2.0 - 13.0))}>
                            <circle cy="-5" r="1.8" /><circle r="1.8" /><circle cy="5" r="1.8" />
                        </g>
                        <g class={classes!("state-glyph", state_class(node.state))}
                            transform={format!("translate({} -25)", coord(-CARD_W / 2.0 + 17.0))}>
                            { match node.state {
                                NodeState::Running => html! { <circle r="5" /> },
                                NodeState::Stopped => html! { <rect x="-4.5" y="-4.5" width="9" height="9" /> },
                                NodeState::Crashed => html! { <path d="M-5 -5L5 5M5 -5L-5 5" /> },
                                NodeState::Paused => html! { <path d="M-3.5 -5V5M3.5 -5V5" /> },
                            } }
                        </g>
                        <text class="node-state" x={coord(-CARD_W / 2.0 + 28.0)} y="-25">
                            { if booting { text.booting } else { text.state(node.state) } }
                        </text>
                        if let Some(s) = side(n) {
                            <text class="node-side" x={coord(CARD_W / 2.0 - 10.0)} y="-25" text-anchor="end">
                                { fill(text.side_label, &[("s", &side_letter(s))]) }
                            </text>
                        }
                    </g>
                    { chips }
                    { overflow.unwrap_or_default() }
                </g>
            }
        })
        .collect();

    let clients: Html = sim
        .clients
        .iter()
        .enumerate()
        .filter_map(|(i, c)| {
            let at = *g.clients.get(i)?;
            let flags = props.flags.get(i).copied().unwrap_or(0);
            let onclick = {
                let selection = selection.clone();
                Callback::from(move |e: MouseEvent| {
                    e.stop_propagation();
                    selection.set(Some(Selection::Client(crate::sim::ClientId(i))))
                })
            };
            let pick = {
                let selection = selection.clone();
                Callback::from(move |()| selection.set(Some(Selection::Client(crate::sim::ClientId(i)))))
            };
            let label = if c.connected {
                format!("client {} → {}", c.name, sim.node_name(c.node))
            } else {
                format!("client {} — {}", c.name, text.client_disconnected)
            };
            let class = classes!(
                "client",
                (!c.connected).then_some("closed"),
                (selected == Some(Selection::Client(crate::sim::ClientId(i)))).then_some("selected")
            );
            let name: String = c.name.chars().take(9).collect();
            Some(html! {
                <g key={i} {class} transform={format!("translate({} {})", coord(at.x), coord(at.y))}
                    tabindex="0" role="button" aria-label={label.clone()} {onclick} onkeydown={on_activate(pick)}>
                    <title>{ label }</title>
                    <rect class="client-bg" x={coord(-CLIENT_W / 2.0)} y={coord(-CLIENT_H / 2.0)}
                        width={coord(CLIENT_W)} height={coord(CLIENT_H)} rx="12" />
                    <path class="client-icon" d="M-36 -5h12v8h-12zM-38 5h16" transform="translate(2 0)" />
                    <text class="client-name" x="4" y="0.5">{ name }</text>
                    if flags > 0 {
                        <g class="flag" transform={format!("translate({} {})", coord(CLIENT_W / 2.0 - 2.0), coord(-CLIENT_H / 2.0))}>
                            <path d="M0 -9L9 7H-9Z" />
                            <text y="3.5">{ "!" }</text>
                        </g>
                    }
                </g>
            })
        })
        .collect();

    html! {
        <g class="cluster-layer">
            <g class="links">{ for links }</g>
            <g class="client-links">{ client_lines }</g>
            <g class="nodes">{ cards }</g>
            <g class="rings">{ rings }</g>
            <g class="clients">{ clients }</g>
        </g>
    }
}

#[derive(Properties, PartialEq)]
pub struct ClusterViewProps {
    /// Open the inspector on a node from its menu.
    #[prop_or_default]
    pub on_inspect: Callback<usize>,
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
    let reduced = use_memo((), |_| prefers_reduced_motion());
    let player = store.player();
    let structure = derived.structure;
    let view = player.view();
    let geometry = {
        let store = store.clone();
        use_memo(structure, move |_| Geometry::of(store.player().view()))
    };
    let flags = {
        let store = store.clone();
        let derived = derived.clone();
        use_memo(structure, move |_| {
            client_flags(store.player().view(), &derived.anomalies)
        })
    };
    let n = view.cluster.nodes.len();
    let running = view
        .cluster
        .nodes
        .iter()
        .filter(|x| x.state.is_running())
        .count();
    let fresh = player.session.inputs().is_empty();
    let partitioned = view.partition.is_some();
    let names: Vec<String> = view.cluster.nodes.iter().map(|x| x.name.clone()).collect();
    drop(player);

    let resize = |delta: isize| {
        let store = store.clone();
        let to = (n as isize + delta).clamp(1, MAX_NODES as isize);
        Callback::from(move |_: MouseEvent| load(&store, format!("cluster nodes={to}")))
    };
    let on_menu = {
        let menu = menu.clone();
        Callback::from(move |m: MenuAt| menu.set(Some(m)))
    };
    let close_menu = {
        let menu = menu.clone();
        Callback::from(move |_: MouseEvent| menu.set(None))
    };
    let menu_html = (*menu).and_then(|m| {
        let player = store.player();
        let sim = player.view();
        let node = sim.cluster.nodes.get(m.node)?;
        let items: Html = node_actions(sim, m.node, text)
            .into_iter()
            .map(|(label, line, enabled)| {
                let onclick = {
                    let store = store.clone();
                    let menu = menu.clone();
                    let selection = selection.clone();
                    let node = m.node;
                    move |_: MouseEvent| {
                        menu.set(None);
                        selection.set(Some(Selection::Node(node)));
                        store.dispatch(Action::Input(line.clone()));
                    }
                };
                html! { <button type="button" role="menuitem" disabled={!enabled} {onclick}>{ label }</button> }
            })
            .collect();
        let inspect = {
            let menu = menu.clone();
            let selection = selection.clone();
            let node = m.node;
            move |_: MouseEvent| {
                menu.set(None);
                selection.set(Some(Selection::Node(node)));
            }
        };
        let onkeydown = {
            let menu = menu.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Escape" {
                    menu.set(None);
                }
            })
        };
        // Keep the menu on screen on a narrow phone.
        let x = m.x.min(super::stage::browser().and_then(|w| w.inner_width().ok()).and_then(|v| v.as_f64()).unwrap_or(1e4) - 210.0).max(4.0);
        Some(html! {
            <>
                <div class="menu-backdrop" onclick={close_menu.clone()} />
                <div class="node-menu" role="menu" aria-label={fill(text.node_actions, &[("node", &node.name)])}
                    style={format!("left:{}px;top:{}px", Fixed(x, 0), Fixed(m.y + 6.0, 0))} {onkeydown}>
                    <div class="menu-title">{ &node.name }</div>
                    <button type="button" role="menuitem" onclick={inspect}>{ text.menu_inspect }</button>
                    { items }
                </div>
            </>
        })
    });

    let partition_editor = (*draft).clone().map(|sides| {
        let rows: Html = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let onchange = {
                    let draft = draft.clone();
                    let sides = sides.clone();
                    Callback::from(move |e: Event| {
                        let v = e
                            .target_dyn_into::<web_sys::HtmlSelectElement>()
                            .map(|s| s.selected_index().max(0) as u8)
                            .unwrap_or(0);
                        let mut next = sides.clone();
                        next[i] = v;
                        draft.set(Some(next));
                    })
                };
                let options: Html = (0..3u8)
                    .map(|s| html! {
                        <option selected={sides[i] == s}>{ fill(text.side_name, &[("s", &side_letter(s))]) }</option>
                    })
                    .collect();
                html! {
                    <label class="side-row">
                        <span>{ name }</span>
                        <select aria-label={name.clone()} {onchange}>{ options }</select>
                    </label>
                }
            })
            .collect();
        let used = {
            let mut v = sides.clone();
            v.sort();
            v.dedup();
            v.len()
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
        html! {
            <div class="partition-editor" role="group" aria-label={text.partition_title}>
                <h3>{ text.partition_title }</h3>
                <p class="hint">{ text.partition_hint }</p>
                <div class="side-rows">{ rows }</div>
                if used < 2 { <p class="hint warn">{ text.partition_need_two }</p> }
                <div class="btn-row">
                    <button type="button" class="btn primary" disabled={used < 2} onclick={apply}>{ text.partition_apply }</button>
                    <button type="button" class="btn" onclick={cancel}>{ text.cancel }</button>
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
                        disabled={!fresh || n <= 1} onclick={resize(-1)}>{ "−" }</button>
                    <output class="size-value">{ n }</output>
                    <button type="button" class="btn icon" aria-label={text.add_node}
                        disabled={!fresh || n >= MAX_NODES} onclick={resize(1)}>{ "+" }</button>
                    if !fresh {
                        <button type="button" class="btn" onclick={{
                            let store = store.clone();
                            move |_: MouseEvent| load(&store, format!("cluster nodes={n}"))
                        }}>{ text.new_session }</button>
                    }
                </div>
                <div class="net-control">
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
                    viewBox={format!("0 0 {VIEW_W} {VIEW_H}")} preserveAspectRatio="xMidYMid meet"
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
                    <ClusterLayer store={StoreRef(store.clone())} structure={structure} flags={flags} geometry={geometry.clone()}
                        lang={lang} selection={*selection} on_menu={on_menu} />
                    <MotionLayer geometry={geometry} reduced={*reduced} />
                </svg>
            </div>
            if *reduced { <p class="hint">{ text.motion_reduced }</p> }
            { menu_html.unwrap_or_default() }
        </section>
    }
}
