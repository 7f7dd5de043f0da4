//! Where the cluster diagram puts its nodes, in SVG user units.

/// The diagram's `viewBox` size.
pub const VIEW_W: f64 = 640.0;
pub const VIEW_H: f64 = 440.0;
/// Radius of a node's disc.
pub const NODE_R: f64 = 44.0;
/// Room under each disc for the node's full name.
pub const LABEL_DROP: f64 = NODE_R + 24.0;

/// The centre of one node's disc.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// Centres for `n` nodes on a ring, the first at the top and the rest clockwise, so that the
/// drawing reads in the cluster's declared order and every link between two nodes is visible.
pub fn node_positions(n: usize) -> Vec<Point> {
    let centre = Point {
        x: VIEW_W / 2.0,
        // Nudged up: the labels hang below the discs.
        y: VIEW_H / 2.0 - 12.0,
    };
    if n == 1 {
        return vec![centre];
    }
    let ring = 150.0;
    (0..n)
        .map(|i| {
            let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * i as f64 / n as f64;
            Point {
                x: centre.x + ring * angle.cos(),
                y: centre.y + ring * angle.sin(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::cluster::MAX_NODES;

    #[test]
    fn every_cluster_size_fits_without_overlap() {
        for n in 1..=MAX_NODES {
            let points = node_positions(n);
            assert_eq!(points.len(), n);
            for p in &points {
                assert!(
                    p.x - NODE_R >= 0.0 && p.x + NODE_R <= VIEW_W,
                    "n={n}: {p:?}"
                );
                assert!(
                    p.y - NODE_R >= 0.0 && p.y + LABEL_DROP <= VIEW_H,
                    "n={n}: {p:?}"
                );
            }
            for (i, a) in points.iter().enumerate() {
                for b in &points[i + 1..] {
                    let gap = (a.x - b.x).hypot(a.y - b.y) - 2.0 * NODE_R;
                    assert!(gap >= 8.0, "n={n}: discs {a:?} and {b:?} too close");
                }
            }
        }
    }

    #[test]
    fn first_node_is_on_top() {
        let points = node_positions(3);
        assert!(points[0].y < points[1].y && points[0].y < points[2].y);
        assert!(
            points[1].x > points[2].x,
            "clockwise: second node on the right"
        );
    }
}
