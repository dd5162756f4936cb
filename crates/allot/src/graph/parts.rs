//! Pieces of land of a set of parcels when a MultiPolygon parcel's parts are apart: each part is
//! its own piece unless parcels of the set join it to the others. Two parts join when they share
//! a boundary of positive length (within the adjacency module's collinear tolerance) or their
//! interiors overlap, never by a corner alone.
//!
//! The parcel graph ([`Adjacency`](super::Adjacency)) has one node per parcel, so a set joined
//! only through a multi-part parcel (two house plots across a street under one id) is one
//! component there and two pieces on the ground. `allot validate` counts the pieces on the
//! ground; the planner checks its zones and the retained land here, so that it never writes a
//! plan its own validation finds in pieces.

use geo::{Area, BooleanOps, BoundingRect, Intersects, MultiPolygon, Polygon, Rect};

use super::adjacency::{COLLINEAR_TOLERANCE_DEG, shared_boundary_m};
use super::union_find::Dsu;

/// Whether two polygons join: a shared boundary of positive length, or overlapping interiors.
/// `ra`, `rb`: their bounding boxes; parts whose boxes stay further apart than the tolerance
/// cannot join and are not compared.
pub(crate) fn parts_join(
    a: &Polygon<f64>,
    ra: &Rect<f64>,
    b: &Polygon<f64>,
    rb: &Rect<f64>,
) -> bool {
    let tol = COLLINEAR_TOLERANCE_DEG;
    if ra.min().x > rb.max().x + tol
        || rb.min().x > ra.max().x + tol
        || ra.min().y > rb.max().y + tol
        || rb.min().y > ra.max().y + tol
    {
        return false;
    }
    let (ma, mb) = (MultiPolygon(vec![a.clone()]), MultiPolygon(vec![b.clone()]));
    shared_boundary_m(&ma, &mb) > 0.0
        || (a.intersects(b) && ma.intersection(&mb).unsigned_area() > 0.0)
}

/// The number of pieces of land the parcels `v` with `member[v]` make, each part of a
/// multi-part parcel a piece of its own unless members join it (see the module docs).
///
/// `adj`: each parcel's neighbours (with shared metres), as the parcel graph has them; a pair
/// of single-part parcels that are neighbours there join. Costs one union-find pass when no
/// member has several parts.
///
/// ```
/// use geo::{MultiPolygon, polygon};
/// // Three cells in a row; the outer two are one parcel (a MultiPolygon), the middle another.
/// let cell = |x: f64| polygon![(x: x, y: 0.0), (x: x + 1e-3, y: 0.0), (x: x + 1e-3, y: 1e-3), (x: x, y: 1e-3)];
/// let outer = MultiPolygon(vec![cell(0.0), cell(2e-3)]);
/// let middle = MultiPolygon(vec![cell(1e-3)]);
/// let geoms = [&outer, &middle];
/// let adj = vec![vec![(1, 111.0)], vec![(0, 111.0)]];
/// // The outer parcel alone is two pieces; with the middle cell, one.
/// assert_eq!(allot::graph::parts::piece_count(&geoms, &adj, &[true, false]), 2);
/// assert_eq!(allot::graph::parts::piece_count(&geoms, &adj, &[true, true]), 1);
/// ```
pub fn piece_count(
    geoms: &[&MultiPolygon<f64>],
    adj: &[Vec<(usize, f64)>],
    member: &[bool],
) -> usize {
    let parts = |v: usize| geoms[v].0.len().max(1);
    // first[v]: the union-find position of v's first part.
    let mut first = vec![usize::MAX; geoms.len()];
    let mut count = 0usize;
    for v in (0..geoms.len()).filter(|&v| member[v]) {
        first[v] = count;
        count += parts(v);
    }
    let mut dsu = Dsu::new(count);
    let rects = |v: usize| -> Vec<Rect<f64>> {
        geoms[v]
            .0
            .iter()
            .map(|p| p.bounding_rect().unwrap_or(Rect::new((0., 0.), (0., 0.))))
            .collect()
    };
    for v in (0..geoms.len()).filter(|&v| member[v]) {
        if parts(v) > 1 {
            // Parts of one parcel that touch along a line or overlap (an invalid parcel).
            let rv = rects(v);
            for a in 0..parts(v) {
                for b in a + 1..parts(v) {
                    if parts_join(&geoms[v].0[a], &rv[a], &geoms[v].0[b], &rv[b]) {
                        dsu.union(first[v] + a, first[v] + b);
                    }
                }
            }
        }
        for &(w, _) in &adj[v] {
            if w <= v || !member[w] {
                continue;
            }
            if parts(v) == 1 && parts(w) == 1 {
                dsu.union(first[v], first[w]);
                continue;
            }
            let (rv, rw) = (rects(v), rects(w));
            for (a, (pa, ra)) in geoms[v].0.iter().zip(rv.iter()).enumerate() {
                for (b, (pb, rb)) in geoms[w].0.iter().zip(rw.iter()).enumerate() {
                    if dsu.find_mut(first[v] + a) != dsu.find_mut(first[w] + b)
                        && parts_join(pa, ra, pb, rb)
                    {
                        dsu.union(first[v] + a, first[w] + b);
                    }
                }
            }
        }
    }
    (0..count).filter(|&x| dsu.find_mut(x) == x).count()
}

#[cfg(test)]
mod tests {
    use geo::{MultiPolygon, Polygon, polygon};

    use super::piece_count;
    use crate::graph::Adjacency;
    use crate::index::ParcelIndex;

    fn cell(c: usize, r: usize) -> Polygon<f64> {
        let d = 1.0 / 512.0; // exact in binary: neighbours share edges to the bit
        let (x, y) = (67.0 + c as f64 * d, 24.8 + r as f64 * d);
        polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)]
    }

    /// Pieces by brute force: a flood fill over the cells themselves (rook neighbours), each
    /// cell of a member parcel one node.
    fn brute(cells: &[Vec<(usize, usize)>], member: &[bool]) -> usize {
        let on: Vec<(usize, usize)> = cells
            .iter()
            .enumerate()
            .filter(|(v, _)| member[*v])
            .flat_map(|(_, c)| c.iter().copied())
            .collect();
        let mut seen = vec![false; on.len()];
        let mut pieces = 0;
        for s in 0..on.len() {
            if seen[s] {
                continue;
            }
            pieces += 1;
            seen[s] = true;
            let mut stack = vec![s];
            while let Some(k) = stack.pop() {
                for (m, q) in on.iter().enumerate() {
                    let (a, b) = (on[k], *q);
                    if !seen[m] && a.0.abs_diff(b.0) + a.1.abs_diff(b.1) == 1 {
                        seen[m] = true;
                        stack.push(m);
                    }
                }
            }
        }
        pieces
    }

    /// Seeded random grids where some parcels are two cells far apart: the count equals the
    /// brute-force flood fill over cells for random member sets.
    #[test]
    fn piece_count_equals_a_flood_fill_over_cells() {
        let mut rng = crate::util::Rng::new(7);
        for _ in 0..40 {
            let side = 6;
            let mut free: Vec<(usize, usize)> = (0..side)
                .flat_map(|c| (0..side).map(move |r| (c, r)))
                .collect();
            let mut cells: Vec<Vec<(usize, usize)>> = Vec::new();
            while !free.is_empty() {
                let a = free.swap_remove(rng.below(free.len()));
                if free.len() > 2 && rng.unit() < 0.2 {
                    // A second cell that does not touch the first along a side.
                    let k = rng.below(free.len());
                    let b = free[k];
                    if a.0.abs_diff(b.0) + a.1.abs_diff(b.1) > 1 {
                        free.swap_remove(k);
                        cells.push(vec![a, b]);
                        continue;
                    }
                }
                cells.push(vec![a]);
            }
            let geoms: Vec<MultiPolygon<f64>> = cells
                .iter()
                .map(|c| MultiPolygon(c.iter().map(|&(x, y)| cell(x, y)).collect()))
                .collect();
            let refs: Vec<&MultiPolygon<f64>> = geoms.iter().collect();
            let adj = Adjacency::build(&refs, &ParcelIndex::build(refs.iter().copied())).neighbours;
            for _ in 0..10 {
                let member: Vec<bool> = (0..cells.len()).map(|_| rng.unit() < 0.6).collect();
                assert_eq!(
                    piece_count(&refs, &adj, &member),
                    brute(&cells, &member),
                    "{cells:?} {member:?}"
                );
            }
        }
    }
}
