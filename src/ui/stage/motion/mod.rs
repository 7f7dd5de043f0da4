//! Messages in motion: every `Send` of the trace is drawn travelling along its link from its
//! send time to its arrival time, and every `Lost` one vanishes where it died. Positions are
//! recomputed on each display frame from the cursor, so scrubbing, stepping and playing all
//! show the same picture for the same instant: which messages fly and where is worked out
//! here and in [`dots`]; [`canvas`] paints them.

pub mod canvas;
pub mod dots;

pub use canvas::MotionLayer;

use yew::prelude::*;

use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind, Trace, TraceEvent, TraceKind};
use crate::ui::fmt::f1;
use crate::ui::stage::layout::Point;

/// How long a lost message takes to vanish, in wall-clock milliseconds (so it reads the same at
/// every playback speed).
pub const VANISH_WALL_MS: f64 = 900.0;
/// At most this many messages are drawn at once; the rest are counted.
pub const MAX_DRAWN: usize = 400;

/// A message on its way at the cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Flight {
    /// Index of its `Send` in the trace (what the inspector selects).
    pub index: usize,
    pub id: u64,
    pub kind: MsgKind,
    pub from: Endpoint,
    pub to: Endpoint,
    pub sent: Micros,
    pub arrive: Micros,
    /// 0 at departure, 1 at arrival.
    pub progress: f64,
    /// Set when it was lost at or before the cursor: how far it has faded (0 → 1).
    pub vanishing: Option<f64>,
}

/// The longest time any message of `trace[from..]` spends in flight, folded into `max`: the
/// backwards scan in [`flights_at`] stops that far before the cursor.
pub fn max_flight(trace: &[TraceEvent], max: Micros) -> Micros {
    trace.iter().fold(max, |m, e| match &e.kind {
        TraceKind::Send { arrive, .. } => m.max(Micros(arrive.0.saturating_sub(e.at.0))),
        _ => m,
    })
}

/// The messages in flight at `t`, and those lost within `vanish` before `t`, oldest first.
/// `trace` is ordered by time (the core appends at the current time), so only the entries sent
/// within `longest` (see [`max_flight`]) before `t` are looked at.
pub fn flights_at(trace: &Trace, t: Micros, longest: Micros, vanish: Micros) -> Vec<Flight> {
    // Addresses: the trace is in time order, so the whole trace's partition points bound it.
    let hi = trace.partition_point(|e| e.at <= t);
    let reach = longest.0.saturating_add(vanish.0);
    let lo = trace.partition_point(|e| e.at.0.saturating_add(reach) < t.0);
    let mut out = Vec::new();
    for (index, e) in trace.addressed_from(lo).take_while(|&(i, _)| i < hi) {
        if let TraceKind::Send {
            id,
            from,
            to,
            arrive,
            kind,
            ..
        } = &e.kind
        {
            let span = arrive.0.saturating_sub(e.at.0).max(1) as f64;
            let progress = ((t.0 - e.at.0) as f64 / span).min(1.0);
            if *arrive > t {
                out.push(Flight {
                    index,
                    id: *id,
                    kind: *kind,
                    from: *from,
                    to: *to,
                    sent: e.at,
                    arrive: *arrive,
                    progress,
                    vanishing: None,
                });
            } else if arrive.0 + vanish.0 >= t.0 {
                // Arrived (or died on arrival): only a loss is still drawn, fading.
                let lost_at = trace[index..hi].iter().find_map(|x| match &x.kind {
                    TraceKind::Lost { id: lid, .. } if lid == id => Some(x.at),
                    _ => None,
                });
                if let Some(at) = lost_at {
                    let age = (t.0 - at.0) as f64 / vanish.0.max(1) as f64;
                    if age <= 1.0 {
                        out.push(Flight {
                            index,
                            id: *id,
                            kind: *kind,
                            from: *from,
                            to: *to,
                            sent: e.at,
                            arrive: *arrive,
                            progress: 1.0,
                            vanishing: Some(age),
                        });
                    }
                }
            }
        }
    }
    out
}

/// GM traffic rides the ring as curves; everything else goes straight. Both are nudged to the
/// right of the direction of travel so that the two directions of one link stay apart.
pub fn is_ring(kind: MsgKind) -> bool {
    matches!(kind, MsgKind::GmPubs | MsgKind::GmAcks | MsgKind::GmCatchup)
}

/// The control point of the curve from `a` to `b` (quadratic Bézier), bent to the right of
/// travel; for a straight path it is the midpoint moved a few units aside.
pub fn control_point(a: Point, b: Point, ring: bool) -> Point {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-6);
    // Right of travel in SVG coordinates (y grows downwards).
    let (nx, ny) = (-dy / len, dx / len);
    let bend = if ring { 0.18 * len } else { 5.0 };
    Point {
        x: (a.x + b.x) / 2.0 + nx * bend,
        y: (a.y + b.y) / 2.0 + ny * bend,
    }
}

/// The point at fraction `f` of the path from `a` to `b`.
pub fn point_on_path(a: Point, b: Point, ring: bool, f: f64) -> Point {
    let c = control_point(a, b, ring);
    let u = 1.0 - f;
    Point {
        x: u * u * a.x + 2.0 * u * f * c.x + f * f * b.x,
        y: u * u * a.y + 2.0 * u * f * c.y + f * f * b.y,
    }
}

/// The SVG path data of that route.
pub fn path_d(a: Point, b: Point, ring: bool) -> String {
    let c = control_point(a, b, ring);
    format!(
        "M{} {}Q{} {} {} {}",
        f1(a.x),
        f1(a.y),
        f1(c.x),
        f1(c.y),
        f1(b.x),
        f1(b.y)
    )
}

/// The CSS class of a message kind (shape and colour come from the stylesheet and `<defs>`).
pub fn kind_class(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Publish => "k-publish",
        MsgKind::GmPubs => "k-gm",
        MsgKind::GmAcks => "k-gmack",
        MsgKind::GmCatchup => "k-catchup",
        MsgKind::ReplicaConfirm => "k-rconfirm",
        MsgKind::Confirm => "k-confirm",
        MsgKind::Deliver | MsgKind::Redeliver => "k-deliver",
        MsgKind::ClientAck | MsgKind::ClientReject => "k-ack",
        MsgKind::Request => "k-request",
        MsgKind::Cancel => "k-cancel",
        MsgKind::SyncBatch => "k-sync",
    }
}

/// Every message kind, in the legend's order.
pub const KINDS: [MsgKind; 11] = [
    MsgKind::Publish,
    MsgKind::GmPubs,
    MsgKind::GmAcks,
    MsgKind::GmCatchup,
    MsgKind::ReplicaConfirm,
    MsgKind::Confirm,
    MsgKind::Deliver,
    MsgKind::ClientAck,
    MsgKind::Request,
    MsgKind::Cancel,
    MsgKind::SyncBatch,
];

/// The shape of each message kind as SVG path data around its centre, by `<defs>` id: one
/// table for the stage's canvas ([`canvas`]) and the legend's swatches (which `<use>` the
/// diagram's `<defs>`), so the two cannot drift apart. Shapes differ as well as colours.
pub const SHAPES: [(&str, &str); 12] = [
    ("m-publish", "M-6 0A6 6 0 1 0 6 0A6 6 0 1 0 -6 0Z"),
    ("m-gm", "M0 -7L7 0L0 7L-7 0Z"),
    ("m-gmack", "M0 -5L5 0L0 5L-5 0Z"),
    ("m-catchup", "M0 -7L7 0L0 7L-7 0Z"),
    ("m-rconfirm", "M-6 5L0 -6L6 5Z"),
    ("m-confirm", "M-6 -5L0 6L6 -5Z"),
    ("m-deliver", "M-6 -6H6V6H-6Z"),
    ("m-ack", "M-4.5 -4.5H4.5V4.5H-4.5Z"),
    ("m-request", "M-4 0A4 4 0 1 0 4 0A4 4 0 1 0 -4 0Z"),
    ("m-cancel", "M-5 -5L5 5M5 -5L-5 5"),
    ("m-sync", "M-8 -5H8V-1H-8ZM-8 1H8V5H-8Z"),
    (LOST_SHAPE, "M-7 -7L7 7M7 -7L-7 7"),
];

/// The `<defs>` id of the cross a lost message vanishes under.
pub const LOST_SHAPE: &str = "m-lost";

/// The message shapes as the diagram's `<defs>` (the legend refers to them by id).
pub fn shape_defs() -> Html {
    SHAPES
        .iter()
        .map(|(id, d)| html! { <path id={*id} d={*d} /> })
        .collect()
}

/// The `<defs>` id of a kind's shape.
pub fn shape_id(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Publish => "m-publish",
        MsgKind::GmPubs => "m-gm",
        MsgKind::GmAcks => "m-gmack",
        MsgKind::GmCatchup => "m-catchup",
        MsgKind::ReplicaConfirm => "m-rconfirm",
        MsgKind::Confirm => "m-confirm",
        MsgKind::Deliver | MsgKind::Redeliver => "m-deliver",
        MsgKind::ClientAck | MsgKind::ClientReject => "m-ack",
        MsgKind::Request => "m-request",
        MsgKind::Cancel => "m-cancel",
        MsgKind::SyncBatch => "m-sync",
    }
}

/// Whether the reader asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    crate::ui::context::browser()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::scenario::Session;

    fn session() -> Session {
        let mut s = Session::new(&["cluster nodes=3"]).unwrap();
        for line in [
            r#"rabbitmqctl set_policy ha "^" '{"ha-mode":"all"}'"#,
            "client app node=node2",
            "app declare q durable",
            "app confirm",
        ] {
            s.apply(line).unwrap();
        }
        s.advance_to(Micros::from_ms(5));
        s.apply("app publish q \"m\"").unwrap();
        s.advance_to(Micros::from_ms(50));
        s
    }

    #[test]
    fn a_publish_flies_from_its_send_to_its_arrival() {
        let s = session();
        let trace = &s.run.sim.trace;
        let longest = max_flight(trace, Micros::ZERO);
        let (i, sent, arrive) = trace
            .iter()
            .enumerate()
            .find_map(|(i, e)| match &e.kind {
                TraceKind::Send {
                    kind: MsgKind::Publish,
                    arrive,
                    ..
                } => Some((i, e.at, *arrive)),
                _ => None,
            })
            .expect("a publish was sent");
        let mid = Micros((sent.0 + arrive.0) / 2);
        let f = flights_at(trace, mid, longest, Micros(0));
        let mine = f.iter().find(|f| f.index == i).expect("in flight half way");
        assert!((mine.progress - 0.5).abs() < 0.01, "{}", mine.progress);
        // Before its departure and after its arrival it is not drawn.
        assert!(
            flights_at(trace, Micros(sent.0.saturating_sub(1)), longest, Micros(0))
                .iter()
                .all(|f| f.index != i)
        );
        assert!(flights_at(trace, arrive, longest, Micros(0))
            .iter()
            .all(|f| f.index != i));
        // Each publish goes to the master and to both mirrors.
        let publishes = f.iter().filter(|f| f.kind == MsgKind::Publish).count();
        assert_eq!(publishes, 3);
    }

    #[test]
    fn lost_messages_vanish_where_they_died() {
        let mut s = session();
        // GM traffic to node3 is in flight when node3 dies: it is lost on arrival.
        s.apply("app publish q \"x\" count=5").unwrap();
        s.advance_to(Micros(s.now().0 + 600));
        s.apply("kill node3").unwrap();
        s.advance_to(Micros::from_ms(100));
        let trace = &s.run.sim.trace;
        let (lost_at, lost_id) = trace
            .iter()
            .find_map(|e| match &e.kind {
                TraceKind::Lost { id, .. } => Some((e.at, *id)),
                _ => None,
            })
            .expect("something was lost");
        let longest = max_flight(trace, Micros::ZERO);
        let vanish = Micros(1_000);
        let at = Micros(lost_at.0 + 500);
        let f = flights_at(trace, at, longest, vanish);
        let v = f
            .iter()
            .find(|f| f.id == lost_id)
            .expect("drawn while it vanishes");
        let age = v.vanishing.expect("marked as vanishing");
        assert!((age - 0.5).abs() < 0.01, "{age}");
        let gone = flights_at(trace, Micros(lost_at.0 + 1_001), longest, vanish);
        assert!(gone.iter().all(|f| f.id != lost_id));
    }

    #[test]
    fn ring_paths_bend_and_straight_paths_barely() {
        let a = Point { x: 0.0, y: 0.0 };
        let b = Point { x: 100.0, y: 0.0 };
        let mid_ring = point_on_path(a, b, true, 0.5);
        let mid_line = point_on_path(a, b, false, 0.5);
        assert!(mid_ring.y > 8.0, "{mid_ring:?}");
        assert!(mid_line.y.abs() < 5.0, "{mid_line:?}");
        assert_eq!(point_on_path(a, b, true, 0.0), a);
        assert_eq!(point_on_path(a, b, true, 1.0), b);
        // Opposite directions bend to opposite sides.
        assert!(point_on_path(b, a, true, 0.5).y < -8.0);
    }
}
