//! The validity shortcut for non-convex parcels: a single ring without holes that is exactly
//! simple (no two edges meet except consecutive ones at their shared vertex) is a valid polygon,
//! so it needs no general check.
//!
//! Why this is sound: after dropping repeated consecutive vertices, a closed ring of at least
//! three vertices whose non-consecutive edges never meet (not even touching) and whose
//! consecutive edges meet only at their shared vertex (never doubling back) is a Jordan curve;
//! it bounds one connected interior of non-zero area (a ring whose vertices are all collinear
//! must double back somewhere, which is refused). Such a polygon has none of the problems
//! [`validity_details`](super::validity_details) reports: no self-intersection or
//! self-touching ring, no spike, too few points, holes or parts. Anything else (holes, several
//! parts, a touch, a non-finite coordinate) answers `false` and goes to the general check, so
//! the shortcut can only skip work, never hide a problem. Every predicate is exact
//! (`RobustKernel::orient2d` and coordinate comparisons).
//!
//! Edges are sorted by their west end and swept west to east, so each edge is compared only
//! with edges whose x-ranges overlap it: a few comparisons per edge on parcel rings instead of
//! all pairs.

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, MultiPolygon};

use crate::geom::ring::single_ring_vertices;

/// Whether `g` is one polygon without holes whose ring is exactly simple (see the module
/// documentation); `false` means "not shown", not "invalid".
pub(crate) fn simple_single_ring(g: &MultiPolygon<f64>) -> bool {
    let Some(pts) = single_ring_vertices(g) else {
        return false;
    };
    let n = pts.len();
    // Consecutive edges a-b, b-c meet beyond b only when they are collinear and double back.
    for k in 0..n {
        let (a, b, c) = (pts[k], pts[(k + 1) % n], pts[(k + 2) % n]);
        if RobustKernel::orient2d(a, b, c) == Orientation::Collinear {
            let (u, v) = (b - a, c - b);
            if u.x * v.x + u.y * v.y <= 0.0 {
                return false;
            }
        }
    }
    if n == 3 {
        return true; // three edges, each pair consecutive
    }
    // Edge k runs from pts[k] to pts[k + 1]; sweep them by west end.
    let mut order: Vec<(f64, usize)> = (0..n)
        .map(|k| (pts[k].x.min(pts[(k + 1) % n].x), k))
        .collect();
    order.sort_unstable_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    for (i, &(_, k)) in order.iter().enumerate() {
        let (a, b) = (pts[k], pts[(k + 1) % n]);
        let east = a.x.max(b.x);
        for &(west, j) in &order[i + 1..] {
            if west > east {
                break;
            }
            let consecutive = j == (k + 1) % n || k == (j + 1) % n;
            if consecutive {
                continue; // checked above
            }
            if segments_meet(a, b, pts[j], pts[(j + 1) % n]) {
                return false;
            }
        }
    }
    true
}

/// Whether closed segments `p1`-`p2` and `q1`-`q2` share any point (exact).
fn segments_meet(p1: Coord<f64>, p2: Coord<f64>, q1: Coord<f64>, q2: Coord<f64>) -> bool {
    if p1.x.max(p2.x) < q1.x.min(q2.x)
        || q1.x.max(q2.x) < p1.x.min(p2.x)
        || p1.y.max(p2.y) < q1.y.min(q2.y)
        || q1.y.max(q2.y) < p1.y.min(p2.y)
    {
        return false;
    }
    use Orientation::*;
    let o1 = RobustKernel::orient2d(p1, p2, q1);
    let o2 = RobustKernel::orient2d(p1, p2, q2);
    let o3 = RobustKernel::orient2d(q1, q2, p1);
    let o4 = RobustKernel::orient2d(q1, q2, p2);
    let opposite = |x: Orientation, y: Orientation| {
        matches!(
            (x, y),
            (Clockwise, CounterClockwise) | (CounterClockwise, Clockwise)
        )
    };
    if opposite(o1, o2) && opposite(o3, o4) {
        return true;
    }
    // A touch: an endpoint collinear with, and within the box of, the other segment.
    let within = |c: Coord<f64>, s: Coord<f64>, t: Coord<f64>| {
        c.x >= s.x.min(t.x) && c.x <= s.x.max(t.x) && c.y >= s.y.min(t.y) && c.y <= s.y.max(t.y)
    };
    (o1 == Collinear && within(q1, p1, p2))
        || (o2 == Collinear && within(q2, p1, p2))
        || (o3 == Collinear && within(p1, q1, q2))
        || (o4 == Collinear && within(p2, q1, q2))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::validity_details;
    use geo::{LineString, Polygon};

    fn mp(coords: &[(f64, f64)]) -> MultiPolygon<f64> {
        MultiPolygon(vec![Polygon::new(
            LineString::from(coords.to_vec()),
            vec![],
        )])
    }

    #[test]
    fn hand_made_rings() {
        // An L-shape (non-convex, simple).
        let l = [
            (0., 0.),
            (2., 0.),
            (2., 1.),
            (1., 1.),
            (1., 2.),
            (0., 2.),
            (0., 0.),
        ];
        assert!(simple_single_ring(&mp(&l)));
        // A bow-tie crosses itself.
        let bow = [(0., 0.), (2., 2.), (2., 0.), (0., 2.), (0., 0.)];
        assert!(!simple_single_ring(&mp(&bow)));
        // A ring touching itself: vertex (2, 0) lies on the edge from (0, 0) to (4, 0).
        let touch = [(0., 0.), (4., 0.), (4., 4.), (2., 0.), (0., 4.), (0., 0.)];
        assert!(!validity_details(&mp(&touch)).is_empty());
        assert!(!simple_single_ring(&mp(&touch)));
        // A spike: the ring doubles back along an edge.
        let spike = [
            (0., 0.),
            (2., 0.),
            (3., 0.),
            (2., 0.),
            (2., 2.),
            (0., 2.),
            (0., 0.),
        ];
        assert!(!simple_single_ring(&mp(&spike)));
        // All collinear.
        assert!(!simple_single_ring(&mp(&[
            (0., 0.),
            (1., 0.),
            (2., 0.),
            (0., 0.)
        ])));
        // Repeated consecutive vertices are allowed (OGC), a straight-on vertex too.
        let rep = [
            (0., 0.),
            (1., 0.),
            (1., 0.),
            (2., 0.),
            (2., 2.),
            (0., 2.),
            (0., 0.),
        ];
        assert!(simple_single_ring(&mp(&rep)));
    }

    /// Independent truth: geo's general check (with allot's spike and location rules) on
    /// seeded random rings, most of them non-convex and many of them self-intersecting. The
    /// shortcut must never call a ring simple that the general check finds a problem in, and it
    /// must accept the simple ones it is meant for.
    #[test]
    fn never_accepts_a_ring_the_general_check_rejects() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let (mut accepted, mut rejected_invalid) = (0, 0);
        for trial in 0..20_000 {
            let n = 3 + (next() % 14) as usize;
            // Star-shaped rings (simple) perturbed on a coarse grid so that touches, collinear
            // runs, repeated vertices and crossings all happen.
            let grid = if trial % 2 == 0 { 4.0 } else { 1000.0 };
            let mut angles: Vec<f64> = (0..n).map(|_| (next() % 6283) as f64 / 1000.0).collect();
            if trial % 3 != 0 {
                angles.sort_by(f64::total_cmp);
            }
            let mut ring: Vec<(f64, f64)> = angles
                .iter()
                .map(|&t| {
                    let r = 1.0 + (next() % 100) as f64 / 100.0;
                    (
                        (r * t.cos() * grid).round() / grid,
                        (r * t.sin() * grid).round() / grid,
                    )
                })
                .collect();
            ring.push(ring[0]);
            let g = mp(&ring);
            let valid = validity_details(&g).is_empty();
            if simple_single_ring(&g) {
                assert!(valid, "ring {ring:?} called simple but is invalid");
                accepted += 1;
            } else if !valid {
                rejected_invalid += 1;
            }
        }
        // The shortcut must be useful, and the trial must contain invalid rings.
        assert!(accepted > 5_000, "only {accepted} rings took the shortcut");
        assert!(
            rejected_invalid > 2_000,
            "only {rejected_invalid} invalid rings"
        );
    }
}
