//! The ring-touch graph of one polygon: does the way its rings touch at points cut its interior?
//!
//! Under the OGC rules (as JTS's `IsValidOp` and GEOS apply them) the rings of a polygon may
//! touch each other at points, but the interior must stay connected. Build a graph with the
//! rings as nodes and each touch point as a node joined to every ring through it. The
//! interior is disconnected exactly when this graph has a cycle: two rings touching at two
//! distinct points, or a chain of rings touching at distinct points that closes on itself.
//! Several rings meeting at one point are a star around that point, not a cycle, so they do
//! not disconnect anything (JTS skips touches at the point it entered a ring through for the
//! same reason).
//!
//! Rings that cross or touch along a line are reported by the other checks first; this one runs
//! only on polygons that passed them.

use std::collections::{BTreeMap, BTreeSet};

use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Line, Polygon, Rect};

use super::{boxes_meet, rects_meet, ring_box, rings, segments};
use crate::graph::union_find::Dsu;

/// Where a polygon's interior is cut in two by its rings touching at points (the first touch
/// point that closes a cycle of the ring-touch graph, in ring order), or `None` if it is not.
pub(super) fn disconnected_interior(p: &Polygon<f64>) -> Option<Coord<f64>> {
    if p.interiors().is_empty() {
        return None;
    }
    let segs: Vec<Vec<Line<f64>>> = rings(p).map(segments).collect();
    let boxes: Vec<Rect<f64>> = rings(p).map(ring_box).collect();
    let mut graph = TouchGraph::new(segs.len());
    for a in 0..segs.len() {
        for b in a + 1..segs.len() {
            if !rects_meet(&boxes[a], &boxes[b]) {
                continue;
            }
            for c in touch_points(&segs[a], &segs[b]) {
                for ring in [a, b] {
                    if graph.join(ring, c) {
                        return Some(c);
                    }
                }
            }
        }
    }
    None
}

/// The distinct points where two rings' segments meet, in the order found.
fn touch_points(a: &[Line<f64>], b: &[Line<f64>]) -> Vec<Coord<f64>> {
    let mut touches: Vec<Coord<f64>> = Vec::new();
    for s in a {
        for t in b {
            if !boxes_meet(s, t) {
                continue;
            }
            if let Some(LineIntersection::SinglePoint { intersection, .. }) =
                line_intersection(*s, *t)
                && !touches.contains(&intersection)
            {
                touches.push(intersection);
            }
        }
    }
    touches
}

/// The bipartite graph of rings and touch points, kept as a union-find forest: each
/// (ring, point) edge is added once, and an edge joining two nodes already connected closes a
/// cycle.
struct TouchGraph {
    forest: Dsu,
    points: BTreeMap<(u64, u64), usize>,
    edges: BTreeSet<(usize, usize)>,
}

impl TouchGraph {
    fn new(rings: usize) -> Self {
        TouchGraph {
            forest: Dsu::new(rings),
            points: BTreeMap::new(),
            edges: BTreeSet::new(),
        }
    }

    /// Adds the edge between `ring` and touch point `c`; true when it closes a cycle.
    fn join(&mut self, ring: usize, c: Coord<f64>) -> bool {
        // -0.0 and 0.0 are one point.
        let key = ((c.x + 0.0).to_bits(), (c.y + 0.0).to_bits());
        let node = match self.points.get(&key) {
            Some(&node) => node,
            None => {
                let node = self.forest.push();
                self.points.insert(key, node);
                node
            }
        };
        if !self.edges.insert((ring, node)) {
            return false;
        }
        !self.forest.union(ring, node)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn poly(rings: &[&[(f64, f64)]]) -> Polygon<f64> {
        let ls = |r: &[(f64, f64)]| LineString::from(r.to_vec());
        Polygon::new(ls(rings[0]), rings[1..].iter().map(|r| ls(r)).collect())
    }

    const SHELL: &[(f64, f64)] = &[(0., 0.), (10., 0.), (10., 10.), (0., 10.), (0., 0.)];

    #[test]
    fn rings_meeting_at_one_point_are_a_star_not_a_cycle() {
        // Two holes touching each other and the shell at (5, 0): three rings, one point.
        let p = poly(&[
            SHELL,
            &[(5., 0.), (1., 3.), (4., 3.), (5., 0.)],
            &[(5., 0.), (6., 3.), (9., 3.), (5., 0.)],
        ]);
        assert_eq!(disconnected_interior(&p), None);
    }

    #[test]
    fn two_touches_between_the_same_rings_are_a_cycle() {
        let p = poly(&[SHELL, &[(5., 0.), (8., 5.), (5., 10.), (2., 5.), (5., 0.)]]);
        assert_eq!(disconnected_interior(&p), Some(Coord { x: 5., y: 10. }));
    }

    #[test]
    fn a_chain_disconnects_only_when_it_closes() {
        let h1: &[(f64, f64)] = &[(5., 0.), (6., 2.), (4., 2.), (5., 0.)];
        let h2: &[(f64, f64)] = &[(5., 2.), (6., 4.), (5., 6.), (4., 4.), (5., 2.)];
        let closed = poly(&[
            SHELL,
            h1,
            h2,
            &[(5., 6.), (6., 8.), (5., 10.), (4., 8.), (5., 6.)],
        ]);
        let open = poly(&[
            SHELL,
            h1,
            h2,
            &[(5., 6.), (6., 8.), (5., 9.), (4., 8.), (5., 6.)],
        ]);
        // Ring pairs in order: shell-h1 at (5, 0), shell-h3 at (5, 10), h1-h2 at (5, 2), then
        // h2-h3 at (5, 6) closes shell-h1-h2-h3-shell.
        assert_eq!(disconnected_interior(&closed), Some(Coord { x: 5., y: 6. }));
        assert_eq!(disconnected_interior(&open), None);
    }
}
