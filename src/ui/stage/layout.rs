//! Where the stage draws things, in SVG user units: node cards on a ring, each queue replica as
//! a chip inside its node's card, clients inside the ring next to their node, and the point
//! every traced message starts from or arrives at. A phone held upright gets a narrow frame
//! ([`Frame::Narrow`]): the same cards in two columns, so the drawing fits the screen's width at
//! a readable size.

use std::collections::BTreeMap;
use std::f64::consts::FRAC_1_SQRT_2;

use crate::sim::model::{ClientId, ProcId};
use crate::sim::trace::Endpoint;
use crate::sim::Sim;

/// The diagram's `viewBox` size.
pub const VIEW_W: f64 = 1000.0;
pub const VIEW_H: f64 = 660.0;
/// A node's card.
pub const CARD_W: f64 = 164.0;
pub const CARD_H: f64 = 120.0;
/// A replica chip inside a card.
pub const CHIP_W: f64 = 148.0;
pub const CHIP_H: f64 = 20.0;
/// A client's pill.
pub const CLIENT_W: f64 = 88.0;
pub const CLIENT_H: f64 = 24.0;
/// Chips a card has room for; beyond that the last slot reads `+N`.
pub const CHIP_SLOTS: usize = 3;

const CENTRE: Point = Point {
    x: VIEW_W / 2.0,
    y: 330.0,
};
const RING_RX: f64 = 350.0;
const RING_RY: f64 = 225.0;
/// Clients sit on a smaller ring, this fraction of the way from the centre to their node.
const CLIENT_RING: f64 = 0.42;
const CLIENT_STACK: f64 = CLIENT_H + 5.0;

/// The narrow frame's width: two columns of cards with a lane for the clients between them.
pub const NARROW_W: f64 = 480.0;
/// Column centres are this far left and right of the middle.
const NARROW_COL: f64 = 150.0;
/// Distance between rows of cards, and the first row's centre.
const NARROW_PITCH: f64 = 180.0;
const NARROW_TOP: f64 = 70.0;
/// A client's place above or below its row's middle, and under a card in the middle.
const NARROW_CLIENT_DY: f64 = 15.0;
const NARROW_UNDER_CARD: f64 = CARD_H / 2.0 + 18.0;

/// The drawing's shape: the wide ring, or the narrow two columns for a phone's width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Frame {
    #[default]
    Wide,
    Narrow,
}

impl Frame {
    /// The `viewBox` size for `n` member nodes: fixed for the wide ring, as tall as its rows
    /// for the narrow frame.
    pub fn size(self, n: usize) -> (f64, f64) {
        match self {
            Frame::Wide => (VIEW_W, VIEW_H),
            Frame::Narrow => {
                let last = NARROW_TOP + (narrow_rows(n).max(1) - 1) as f64 * NARROW_PITCH;
                // A card in the middle at the bottom (one node, or an even count) has its
                // clients under it.
                let h = if (n.is_multiple_of(2) && n != 2) || n == 1 {
                    last + NARROW_UNDER_CARD + 2.5 * CLIENT_STACK
                } else {
                    last + CARD_H / 2.0 + 10.0
                };
                (NARROW_W, h)
            }
        }
    }
}

/// Rows of the narrow frame: a card in the middle on top, pairs of cards below it, and (for an
/// even count) one more in the middle at the bottom, so that the ring's order reads clockwise.
fn narrow_rows(n: usize) -> usize {
    match n {
        0 => 0,
        1 | 2 => 1,
        _ if !n.is_multiple_of(2) => 1 + (n - 1) / 2,
        _ => 2 + (n - 2) / 2,
    }
}

/// Card centres in the narrow frame: the first on top in the middle, then clockwise down the
/// right column, the bottom middle (even counts), and up the left column; two nodes side by
/// side.
pub fn narrow_positions(n: usize) -> Vec<Point> {
    let mid = NARROW_W / 2.0;
    let row = |r: usize| NARROW_TOP + r as f64 * NARROW_PITCH;
    match n {
        0 => return Vec::new(),
        // Side by side: one above the other would leave no room for the top one's clients.
        2 => {
            return vec![
                Point {
                    x: mid + NARROW_COL,
                    y: row(0),
                },
                Point {
                    x: mid - NARROW_COL,
                    y: row(0),
                },
            ]
        }
        _ => {}
    }
    let pairs = if n.is_multiple_of(2) {
        (n - 2) / 2
    } else {
        (n - 1) / 2
    };
    let mut out = vec![Point { x: mid, y: row(0) }];
    out.extend((1..=pairs).map(|r| Point {
        x: mid + NARROW_COL,
        y: row(r),
    }));
    if n.is_multiple_of(2) {
        out.push(Point {
            x: mid,
            y: row(pairs + 1),
        });
    }
    out.extend((1..=pairs).rev().map(|r| Point {
        x: mid - NARROW_COL,
        y: row(r),
    }));
    out
}

/// Where the `k`-th of `m` clients of a node sits in the narrow frame: in the lane between the
/// columns, above its row's middle for a right-hand card, below it for a left-hand one, and
/// under a card in the middle.
fn narrow_client_position(node: Point, k: usize, m: usize) -> Point {
    let mid = NARROW_W / 2.0;
    let k = k as f64;
    let y = if node.x > mid + 1.0 {
        node.y - NARROW_CLIENT_DY - (m as f64 - 1.0 - k) * CLIENT_STACK
    } else if node.x < mid - 1.0 {
        node.y + NARROW_CLIENT_DY + k * CLIENT_STACK
    } else {
        node.y + NARROW_UNDER_CARD + k * CLIENT_STACK
    };
    Point { x: mid, y }
}

/// A point in the diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub fn lerp(self, to: Point, f: f64) -> Point {
        Point {
            x: self.x + (to.x - self.x) * f,
            y: self.y + (to.y - self.y) * f,
        }
    }

    pub fn dist(self, to: Point) -> f64 {
        let (dx, dy) = (to.x - self.x, to.y - self.y);
        (dx * dx + dy * dy).sqrt()
    }
}

/// cos and sin of the angles of `n` points on a circle, the first at the top, clockwise (for
/// n = 2 to 9). Tabulated: computing them would pull libm's sine and cosine into the wasm
/// (several kilobytes) for these 44 constants.
const RING: [&[(f64, f64)]; 8] = [
    &[(0.000000, -1.000000), (0.000000, 1.000000)],
    &[
        (0.000000, -1.000000),
        (0.866025, 0.500000),
        (-0.866025, 0.500000),
    ],
    &[
        (0.000000, -1.000000),
        (1.000000, 0.000000),
        (0.000000, 1.000000),
        (-1.000000, 0.000000),
    ],
    &[
        (0.000000, -1.000000),
        (0.951057, -0.309017),
        (0.587785, 0.809017),
        (-0.587785, 0.809017),
        (-0.951057, -0.309017),
    ],
    &[
        (0.000000, -1.000000),
        (0.866025, -0.500000),
        (0.866025, 0.500000),
        (0.000000, 1.000000),
        (-0.866025, 0.500000),
        (-0.866025, -0.500000),
    ],
    &[
        (0.000000, -1.000000),
        (0.781831, -0.623490),
        (0.974928, 0.222521),
        (0.433884, 0.900969),
        (-0.433884, 0.900969),
        (-0.974928, 0.222521),
        (-0.781831, -0.623490),
    ],
    &[
        (0.000000, -1.000000),
        (FRAC_1_SQRT_2, -FRAC_1_SQRT_2),
        (1.000000, 0.000000),
        (FRAC_1_SQRT_2, FRAC_1_SQRT_2),
        (0.000000, 1.000000),
        (-FRAC_1_SQRT_2, FRAC_1_SQRT_2),
        (-1.000000, 0.000000),
        (-FRAC_1_SQRT_2, -FRAC_1_SQRT_2),
    ],
    &[
        (0.000000, -1.000000),
        (0.642788, -0.766044),
        (0.984808, -0.173648),
        (0.866025, 0.500000),
        (0.342020, 0.939693),
        (-0.342020, 0.939693),
        (-0.866025, 0.500000),
        (-0.984808, -0.173648),
        (-0.642788, -0.766044),
    ],
];

/// Card centres for `n` nodes on an ellipse, the first at the top and the rest clockwise, so
/// the drawing reads in the cluster's declared order.
pub fn node_positions(n: usize) -> Vec<Point> {
    match n {
        0 => Vec::new(),
        1 => vec![Point {
            x: CENTRE.x,
            y: CENTRE.y - 90.0,
        }],
        _ => RING[(n - 2).min(RING.len() - 1)]
            .iter()
            .map(|&(c, s)| Point {
                x: CENTRE.x + RING_RX * c,
                y: CENTRE.y + RING_RY * s,
            })
            .collect(),
    }
}

/// Offset of chip slot `i` from its card's centre (one column under the header).
pub fn chip_offset(i: usize) -> Point {
    Point {
        x: 0.0,
        y: -2.0 + i as f64 * (CHIP_H + 3.0),
    }
}

/// Where the `k`-th of `m` clients of a node sits, given the node's card centre.
pub fn client_position(node: Point, nodes: usize, k: usize, m: usize) -> Point {
    let base = if nodes == 1 {
        Point {
            x: node.x,
            y: node.y + CARD_H / 2.0 + 70.0,
        }
    } else {
        CENTRE.lerp(node, CLIENT_RING)
    };
    Point {
        x: base.x,
        y: base.y + (k as f64 - (m as f64 - 1.0) / 2.0) * CLIENT_STACK,
    }
}

/// One replica chip as the stage draws it.
#[derive(Debug, Clone, PartialEq)]
pub struct Chip {
    pub proc: ProcId,
    pub node: usize,
    pub at: Point,
}

/// Where everything of one cluster state is drawn.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Geometry {
    /// The drawing's `viewBox` width and height.
    pub view: (f64, f64),
    pub nodes: Vec<Point>,
    /// Drawn replica chips, per node in queue order.
    pub chips: Vec<Vec<Chip>>,
    /// Per node: replicas that did not fit, drawn as one `+N` chip at this point.
    pub overflow: Vec<Option<(Point, Vec<ProcId>)>>,
    /// Per client (by id): its pill's centre.
    pub clients: Vec<Point>,
}

impl Geometry {
    /// Lays out the live replicas of every queue (masters and mirrors in the queue records)
    /// and every client of `sim`, on the wide ring.
    pub fn of(sim: &Sim) -> Geometry {
        Geometry::in_frame(sim, Frame::Wide)
    }

    /// The same, in `frame`.
    pub fn in_frame(sim: &Sim, frame: Frame) -> Geometry {
        let n = sim.cluster.nodes.len();
        // Nodes that left the cluster keep their index but take no place on the stage.
        let members: Vec<usize> = sim.cluster.members().collect();
        let view = frame.size(members.len());
        let centre = Point {
            x: view.0 / 2.0,
            y: view.1 / 2.0,
        };
        let mut nodes = vec![centre; n];
        let places = match frame {
            Frame::Wide => node_positions(members.len()),
            Frame::Narrow => narrow_positions(members.len()),
        };
        for (&m, at) in members.iter().zip(places) {
            nodes[m] = at;
        }
        let mut per_node: Vec<Vec<ProcId>> = vec![Vec::new(); n];
        for q in sim.queues.iter().filter(|q| !q.deleted) {
            for &p in std::iter::once(&q.master).chain(&q.mirrors) {
                if let Some(r) = sim.procs.get(p.0) {
                    let node = r.pid.node;
                    if node < n && sim.cluster.is_member(node) && !per_node[node].contains(&p) {
                        per_node[node].push(p);
                    }
                }
            }
        }
        let mut chips = Vec::with_capacity(n);
        let mut overflow = Vec::with_capacity(n);
        for (node, procs) in per_node.into_iter().enumerate() {
            let shown = if procs.len() > CHIP_SLOTS {
                CHIP_SLOTS - 1
            } else {
                procs.len()
            };
            let centre = nodes[node];
            let offset = |i: usize| {
                let o = chip_offset(i);
                Point {
                    x: centre.x + o.x,
                    y: centre.y + o.y,
                }
            };
            chips.push(
                procs[..shown]
                    .iter()
                    .enumerate()
                    .map(|(i, &proc)| Chip {
                        proc,
                        node,
                        at: offset(i),
                    })
                    .collect(),
            );
            overflow.push((procs.len() > shown).then(|| (offset(shown), procs[shown..].to_vec())));
        }
        let mut per_node_clients: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, c) in sim.clients.iter().enumerate() {
            if sim.cluster.is_member(c.node) {
                per_node_clients.entry(c.node).or_default().push(i);
            }
        }
        let mut clients = vec![centre; sim.clients.len()];
        for (node, ids) in per_node_clients {
            let Some(&at) = nodes.get(node) else { continue };
            for (k, &i) in ids.iter().enumerate() {
                clients[i] = match frame {
                    Frame::Wide => client_position(at, members.len(), k, ids.len()),
                    Frame::Narrow => narrow_client_position(at, k, ids.len()),
                };
            }
        }
        Geometry {
            view,
            nodes,
            chips,
            overflow,
            clients,
        }
    }

    /// Where a replica is drawn: its chip, the `+N` chip it is folded into, or (for a process
    /// no longer in any record, such as a dead master's) its node's card.
    pub fn proc_point(&self, sim: &Sim, p: ProcId) -> Option<Point> {
        let node = sim.procs.get(p.0)?.pid.node;
        if let Some(c) = self.chips.get(node)?.iter().find(|c| c.proc == p) {
            return Some(c.at);
        }
        if let Some(Some((at, folded))) = self.overflow.get(node) {
            if folded.contains(&p) {
                return Some(*at);
            }
        }
        self.nodes.get(node).copied()
    }

    pub fn client_point(&self, c: ClientId) -> Option<Point> {
        self.clients.get(c.0).copied()
    }

    /// Where a traced message leaves or arrives.
    pub fn endpoint(&self, sim: &Sim, e: Endpoint) -> Option<Point> {
        match e {
            Endpoint::Proc(p) => self.proc_point(sim, p),
            Endpoint::Client(c) => self.client_point(c),
            Endpoint::Node(n) => self.nodes.get(n).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::MAX_NODES;
    use crate::sim::scenario::Session;

    fn overlap(a: Point, b: Point, w: f64, h: f64, gap: f64) -> bool {
        (a.x - b.x).abs() < w + gap && (a.y - b.y).abs() < h + gap
    }

    #[test]
    fn every_cluster_size_fits_without_overlap() {
        for frame in [Frame::Wide, Frame::Narrow] {
            for n in 1..=MAX_NODES {
                let (w, h) = frame.size(n);
                let points = match frame {
                    Frame::Wide => node_positions(n),
                    Frame::Narrow => narrow_positions(n),
                };
                assert_eq!(points.len(), n);
                for p in &points {
                    assert!(
                        p.x - CARD_W / 2.0 >= 0.0 && p.x + CARD_W / 2.0 <= w,
                        "{frame:?} n={n}: {p:?}"
                    );
                    assert!(
                        p.y - CARD_H / 2.0 >= 0.0 && p.y + CARD_H / 2.0 <= h,
                        "{frame:?} n={n}: {p:?}"
                    );
                }
                for (i, a) in points.iter().enumerate() {
                    for b in &points[i + 1..] {
                        assert!(
                            !overlap(*a, *b, CARD_W, CARD_H, 8.0),
                            "{frame:?} n={n}: {a:?} {b:?}"
                        );
                    }
                }
                // One client per node on the ring, two in the narrow frame's lane: no pill
                // overlaps a card or another pill.
                let per_node = if frame == Frame::Wide { 1 } else { 2 };
                let pills: Vec<Point> = points
                    .iter()
                    .flat_map(|&p| {
                        (0..per_node).map(move |k| match frame {
                            Frame::Wide => client_position(p, n, k, per_node),
                            Frame::Narrow => narrow_client_position(p, k, per_node),
                        })
                    })
                    .collect();
                for (i, a) in pills.iter().enumerate() {
                    assert!(
                        a.y - CLIENT_H / 2.0 >= 0.0 && a.y + CLIENT_H / 2.0 <= h,
                        "{frame:?} n={n}: pill {a:?} off the diagram"
                    );
                    for b in &pills[i + 1..] {
                        assert!(
                            !overlap(*a, *b, CLIENT_W, CLIENT_H, 2.0),
                            "{frame:?} n={n}: pills {a:?} {b:?}"
                        );
                    }
                    for c in &points {
                        let w = (CARD_W + CLIENT_W) / 2.0;
                        let h = (CARD_H + CLIENT_H) / 2.0;
                        assert!(
                            (a.x - c.x).abs() >= w || (a.y - c.y).abs() >= h,
                            "{frame:?} n={n}: pill {a:?} on card {c:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn the_narrow_frame_reads_clockwise_and_is_as_tall_as_its_rows() {
        let p = narrow_positions(3);
        assert!(p[0].y < p[1].y && p[1].y == p[2].y && p[1].x > p[2].x);
        let p = narrow_positions(4);
        assert!(p[2].y > p[1].y && p[2].x == p[0].x && p[3].x < p[0].x);
        // Three nodes take two rows: the drawing is wider than tall, and much narrower than
        // the wide ring, so a phone shows it at about twice the scale.
        let (w, h) = Frame::Narrow.size(3);
        assert!(h < w && w * 2.0 <= VIEW_W, "{w}x{h}");
        assert!(Frame::Narrow.size(9).1 > Frame::Narrow.size(3).1);
    }

    #[test]
    fn chips_stay_inside_their_card() {
        for i in 0..CHIP_SLOTS {
            let o = chip_offset(i);
            assert!(o.x.abs() + CHIP_W / 2.0 <= CARD_W / 2.0, "{i}: {o:?}");
            assert!(o.y + CHIP_H / 2.0 <= CARD_H / 2.0, "{i}: {o:?}");
            assert!(
                o.y - CHIP_H / 2.0 > -CARD_H / 2.0 + 40.0,
                "{i}: under the header"
            );
        }
    }

    #[test]
    fn the_ring_table_is_the_unit_circle() {
        for n in 2..=MAX_NODES {
            let pts = RING[n - 2];
            assert_eq!(pts.len(), n);
            for (i, &(c, s)) in pts.iter().enumerate() {
                let a = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
                assert!(
                    (c - a.cos()).abs() < 1e-6 && (s - a.sin()).abs() < 1e-6,
                    "n={n} i={i}"
                );
            }
        }
    }

    #[test]
    fn first_node_is_on_top_and_the_rest_clockwise() {
        let points = node_positions(3);
        assert!(points[0].y < points[1].y && points[0].y < points[2].y);
        assert!(points[1].x > points[2].x);
    }

    #[test]
    fn replicas_and_clients_get_their_places() {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for line in [
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'"#,
            "client app node=node2",
            "client b node=node2",
        ] {
            s.apply(line).unwrap();
        }
        for q in 0..5 {
            s.apply(&format!("app declare q{q}")).unwrap();
        }
        s.advance_to(crate::sim::time::Micros::from_ms(50));
        let sim = &s.run.sim;
        let g = Geometry::of(sim);
        for node in 0..3 {
            assert_eq!(g.chips[node].len(), CHIP_SLOTS - 1, "node {node}");
            let (_, folded) = g.overflow[node].as_ref().expect("5 replicas fold");
            assert_eq!(folded.len(), 5 - (CHIP_SLOTS - 1));
        }
        // Masters are on node2 (the declaring client's node): its first chip is q0's master.
        let q0 = sim.find_queue("/", "q0").unwrap();
        assert_eq!(g.chips[1][0].proc, sim.queue(q0).master);
        let last = sim.queue(sim.find_queue("/", "q4").unwrap()).master;
        assert_eq!(
            g.proc_point(sim, last),
            Some(g.overflow[1].as_ref().unwrap().0)
        );
        // Two clients on node2 stack apart.
        assert_ne!(g.clients[0], g.clients[1]);
        assert_eq!(g.clients[0].x, g.clients[1].x);
    }
}
