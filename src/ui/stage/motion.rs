//! Messages in motion: every `Send` of the trace is drawn travelling along its link from its
//! send time to its arrival time, and every `Lost` one vanishes where it died. Positions are
//! recomputed on each display frame from the cursor, so scrubbing, stepping and playing all
//! show the same picture for the same instant.

use std::rc::Rc;

use yew::prelude::*;

use crate::sim::time::Micros;
use crate::sim::trace::{Endpoint, MsgKind, Trace, TraceEvent, TraceKind};
use crate::ui::context::use_index;
use crate::ui::context::use_lang;
use crate::ui::context::use_store;
use crate::ui::context::{use_selection, Selection};
use crate::ui::fmt::{f1, Fixed};
use crate::ui::markup::on_click;
use crate::ui::stage::layout::{Geometry, Point};

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

/// The shape of each message kind, drawn once in the diagram's `<defs>` and reused by `<use>`
/// (keeps a frame's DOM small). Shapes differ as well as colours.
pub fn shape_defs() -> Html {
    html! {
        <>
            <circle id="m-publish" r="6" />
            <path id="m-gm" d="M0 -7L7 0L0 7L-7 0Z" />
            <path id="m-gmack" d="M0 -5L5 0L0 5L-5 0Z" />
            <path id="m-catchup" d="M0 -7L7 0L0 7L-7 0Z" />
            <path id="m-rconfirm" d="M-6 5L0 -6L6 5Z" />
            <path id="m-confirm" d="M-6 -5L0 6L6 -5Z" />
            <rect id="m-deliver" x="-6" y="-6" width="12" height="12" />
            <rect id="m-ack" x="-4.5" y="-4.5" width="9" height="9" />
            <circle id="m-request" r="4" />
            <path id="m-cancel" d="M-5 -5L5 5M5 -5L-5 5" />
            <path id="m-sync" d="M-8 -5H8V-1H-8ZM-8 1H8V5H-8Z" />
            <path id="m-lost" d="M-7 -7L7 7M7 -7L-7 7" />
        </>
    }
}

/// The `<use>` target of a kind's shape.
pub fn shape_href(kind: MsgKind) -> &'static str {
    match kind {
        MsgKind::Publish => "#m-publish",
        MsgKind::GmPubs => "#m-gm",
        MsgKind::GmAcks => "#m-gmack",
        MsgKind::GmCatchup => "#m-catchup",
        MsgKind::ReplicaConfirm => "#m-rconfirm",
        MsgKind::Confirm => "#m-confirm",
        MsgKind::Deliver | MsgKind::Redeliver => "#m-deliver",
        MsgKind::ClientAck | MsgKind::ClientReject => "#m-ack",
        MsgKind::Request => "#m-request",
        MsgKind::Cancel => "#m-cancel",
        MsgKind::SyncBatch => "#m-sync",
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

#[derive(Properties, PartialEq)]
pub struct MotionLayerProps {
    pub geometry: Rc<Geometry>,
    pub reduced: bool,
}

/// The moving messages, redrawn every frame. Positions come from the live trace: the past on
/// display is always a prefix of it, so the same messages fly whether the reader plays, steps
/// or scrubs.
#[function_component]
pub fn MotionLayer(props: &MotionLayerProps) -> Html {
    let store = use_store();
    let lang = use_lang();
    let selection = use_selection();
    let index = use_index();
    let player = store.player();
    let live = &player.session.run.sim;
    let view = player.view();
    let t = player.cursor;
    let longest = {
        // The app keeps the index current; a layer mounted alone keeps its own.
        let mut ix = index.0.borrow_mut();
        ix.update(&live.trace);
        ix.longest
    };
    let vanish = Micros((VANISH_WALL_MS * 1000.0 * player.speed) as u64);
    let flights = flights_at(&live.trace, t, longest, vanish);
    let in_flight = flights.iter().filter(|f| f.vanishing.is_none()).count();
    let selected = match *selection {
        Some(Selection::Event(i)) => Some(i),
        _ => None,
    };
    let text = lang.text();
    let g = &props.geometry;
    let dots: Html = flights
        .iter()
        .take(MAX_DRAWN)
        .filter_map(|f| {
            let a = g
                .endpoint(live, f.from)
                .or_else(|| g.endpoint(view, f.from))?;
            let b = g.endpoint(live, f.to).or_else(|| g.endpoint(view, f.to))?;
            let ring = is_ring(f.kind);
            // Chosen through the layer's one delegated handler: a handler per dot, made anew
            // on every frame, was registered again on every frame for every dot.
            let sel = format!("e{}", f.index);
            let title = text.kind_name(f.kind);
            let class = classes!(
                "msg",
                kind_class(f.kind),
                f.vanishing.is_some().then_some("vanishing"),
                (selected == Some(f.index)).then_some("selected")
            );
            Some(if let Some(age) = f.vanishing {
                let p = b;
                html! {
                    <g key={f.index} {class} data-sel={sel}
                        transform={format!("translate({} {})", f1(p.x), f1(p.y))}
                        opacity={Fixed(1.0 - age, 2).to_string()}>
                        <title>{ format!("{title} — {}", text.lost) }</title>
                        <use href={shape_href(f.kind)} />
                        <use class="lost-mark" href="#m-lost"
                            transform={format!("scale({})", Fixed(1.0 + age, 2))} />
                    </g>
                }
            } else if props.reduced {
                // No movement: the route is drawn with the message resting half way.
                let p = point_on_path(a, b, ring, 0.5);
                html! {
                    <g key={f.index} {class} data-sel={sel}>
                        <title>{ title }</title>
                        <path class="route" d={path_d(a, b, ring)} />
                        <use href={shape_href(f.kind)}
                            transform={format!("translate({} {})", f1(p.x), f1(p.y))} />
                    </g>
                }
            } else {
                let p = point_on_path(a, b, ring, f.progress);
                html! {
                    <g key={f.index} {class} data-sel={sel}
                        transform={format!("translate({} {})", f1(p.x), f1(p.y))}>
                        <title>{ title }</title>
                        <circle class="hit" r="10" />
                        <use href={shape_href(f.kind)} />
                    </g>
                }
            })
        })
        .collect();
    html! {
        <g class="motion" onclick={on_click(&store, &selection, None)} data-in-flight={in_flight.to_string()}
            data-drawn={flights.len().min(MAX_DRAWN).to_string()}>
            { dots }
        </g>
    }
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
