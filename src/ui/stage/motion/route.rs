//! The route a message takes across the diagram: GM traffic rides the ring as a curve, the
//! rest goes straight, each bent a little to the right of travel.

use crate::sim::trace::MsgKind;
use crate::ui::fmt::f1;
use crate::ui::stage::layout::Point;

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

#[cfg(test)]
mod tests {
    use super::*;

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
