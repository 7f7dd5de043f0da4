//! What the stage draws of the messages in flight at the cursor: one [`Dot`] per [`Flight`],
//! placed on the diagram (in its `viewBox` units) and marked as it is to be drawn. Worked out
//! apart from painting, so that what is drawn is tested without a browser, and so that the
//! painter and a pointer's hit test read the same list.

use crate::sim::trace::{Endpoint, MsgKind};
use crate::ui::stage::layout::Point;
use crate::ui::stage::motion::flights::{Flight, MAX_DRAWN};
use crate::ui::stage::motion::route::{control_point, is_ring, point_on_path};

/// How far from a dot's centre a pointer still hits it, in `viewBox` units (a dot is 12 wide:
/// the margin makes a moving one catchable).
pub const HIT_RADIUS: f64 = 10.0;

/// A message as drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    /// Index of its `Send` in the trace (what choosing it selects).
    pub index: usize,
    pub kind: MsgKind,
    /// Its centre.
    pub at: Point,
    /// With reduced motion: its route (from, control point, to), drawn dashed under a message
    /// that rests half way.
    pub route: Option<(Point, Point, Point)>,
    /// A lost message fading where it died: how far it has faded (0 → 1). It is drawn that
    /// transparent, under a cross that grows by as much.
    pub vanishing: Option<f64>,
    pub selected: bool,
}

/// The dots of `flights` (at most [`MAX_DRAWN`], oldest first, so the newest are drawn on top);
/// `place` gives an endpoint's point on the diagram (a flight whose ends are not drawn is
/// left out).
pub fn dots(
    flights: &[Flight],
    place: impl Fn(Endpoint) -> Option<Point>,
    reduced: bool,
    selected: Option<usize>,
) -> Vec<Dot> {
    flights
        .iter()
        .take(MAX_DRAWN)
        .filter_map(|f| {
            let (a, b) = (place(f.from)?, place(f.to)?);
            let ring = is_ring(f.kind);
            let (at, route) = match f.vanishing {
                Some(_) => (b, None),
                None if reduced => (
                    point_on_path(a, b, ring, 0.5),
                    Some((a, control_point(a, b, ring), b)),
                ),
                None => (point_on_path(a, b, ring, f.progress), None),
            };
            Some(Dot {
                index: f.index,
                kind: f.kind,
                at,
                route,
                vanishing: f.vanishing,
                selected: selected == Some(f.index),
            })
        })
        .collect()
}

/// The dot a pointer at `p` hits: the topmost (last drawn) within [`HIT_RADIUS`].
pub fn hit(dots: &[Dot], p: Point) -> Option<&Dot> {
    dots.iter().rev().find(|d| {
        let (dx, dy) = (d.at.x - p.x, d.at.y - p.y);
        dx * dx + dy * dy <= HIT_RADIUS * HIT_RADIUS
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::model::ClientId;
    use crate::sim::time::Micros;

    fn flight(index: usize, progress: f64, vanishing: Option<f64>) -> Flight {
        Flight {
            index,
            id: index as u64,
            kind: MsgKind::Publish,
            from: Endpoint::Client(ClientId(0)),
            to: Endpoint::Client(ClientId(1)),
            sent: Micros(0),
            arrive: Micros(100),
            progress,
            vanishing,
        }
    }

    fn place(e: Endpoint) -> Option<Point> {
        match e {
            Endpoint::Client(ClientId(0)) => Some(Point { x: 0.0, y: 0.0 }),
            Endpoint::Client(ClientId(1)) => Some(Point { x: 100.0, y: 0.0 }),
            _ => None,
        }
    }

    #[test]
    fn a_dot_travels_its_route_and_a_lost_one_fades_where_it_died() {
        let d = dots(
            &[flight(7, 0.25, None), flight(9, 1.0, Some(0.4))],
            place,
            false,
            Some(9),
        );
        assert_eq!(d.len(), 2);
        let (x, y) = (d[0].at.x, d[0].at.y);
        assert!((x - 25.0).abs() < 0.01 && y.abs() < 5.0, "{:?}", d[0].at);
        assert!(!d[0].selected && d[0].route.is_none());
        assert_eq!(d[1].at, Point { x: 100.0, y: 0.0 });
        assert_eq!(d[1].vanishing, Some(0.4));
        assert!(d[1].selected);
    }

    #[test]
    fn reduced_motion_rests_half_way_on_a_drawn_route() {
        let d = dots(&[flight(1, 0.9, None)], place, true, None);
        let (a, _, b) = d[0].route.expect("the route is drawn");
        assert_eq!((a.x, b.x), (0.0, 100.0));
        assert!((d[0].at.x - 50.0).abs() < 0.01, "{:?}", d[0].at);
    }

    #[test]
    fn unplaced_flights_are_left_out_and_at_most_max_drawn_are_kept() {
        let mut away = flight(3, 0.5, None);
        away.to = Endpoint::Client(ClientId(5));
        assert!(dots(&[away], place, false, None).is_empty());
        let many: Vec<Flight> = (0..MAX_DRAWN + 50).map(|i| flight(i, 0.5, None)).collect();
        assert_eq!(dots(&many, place, false, None).len(), MAX_DRAWN);
    }

    #[test]
    fn the_topmost_dot_within_reach_is_hit() {
        let d = dots(
            &[flight(1, 0.5, None), flight(2, 0.52, None)],
            place,
            false,
            None,
        );
        let at = d[0].at;
        assert_eq!(hit(&d, at).map(|d| d.index), Some(2));
        let far = Point {
            x: at.x,
            y: at.y + HIT_RADIUS + 6.0,
        };
        assert!(hit(&d, far).is_none());
    }
}
