//! Rings of polygons.

use geo::{Coord, LineString, MultiPolygon, Polygon};

pub(crate) fn rings(p: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

/// A ring's vertices without repeated neighbours and without the closing vertex.
pub(crate) fn distinct_vertices(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

/// The distinct vertices ([`distinct_vertices`]) of `g` when it is one polygon without holes
/// whose coordinates are all finite and which has at least three distinct vertices; `None`
/// otherwise. The shape the exact single-ring tests (convexity, simplicity) start from.
pub(crate) fn single_ring_vertices(g: &MultiPolygon<f64>) -> Option<Vec<Coord<f64>>> {
    let [p] = g.0.as_slice() else { return None };
    if !p.interiors().is_empty() {
        return None;
    }
    let pts = distinct_vertices(p.exterior());
    if pts.len() < 3 || !pts.iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
        return None;
    }
    Some(pts)
}
