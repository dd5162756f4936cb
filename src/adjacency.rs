//! Adjacency: which parcels share a boundary, and how long it is.
//!
//! Two parcels are neighbours when their boundaries share a stretch of positive length
//! (collinear, overlapping edges). Parcels meeting only at a corner are not neighbours: a zone
//! joined only at a corner is two pieces on the ground. Shared lengths are geodesic metres,
//! which also gives the perimeter of a union of parcels cheaply:
//! `P(∪) = Σ P(parcel) − 2 · Σ shared(neighbours in the union)`.

use geo::{Coord, MultiPolygon};
use rayon::prelude::*;

use crate::geodesy::distance_m;
use crate::index::ParcelIndex;
use crate::parcels::bbox_of;

/// Distance in degrees (about 1 mm at Karachi) within which a vertex counts as lying on
/// another parcel's edge.
pub const COLLINEAR_TOLERANCE_DEG: f64 = 1e-8;

/// The parcel adjacency graph, with shared boundary lengths.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    /// For each parcel, its neighbours and the shared boundary length in metres, sorted by
    /// neighbour index.
    pub neighbours: Vec<Vec<(usize, f64)>>,
}

fn edges(g: &MultiPolygon<f64>) -> Vec<(Coord<f64>, Coord<f64>)> {
    g.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.windows(2).map(|w| (w[0], w[1])))
        .filter(|(a, b)| a != b)
        .collect()
}

/// The part of segment `b` lying on segment `a` (within the collinear tolerance), if it has
/// positive length.
fn collinear_overlap(
    a: (Coord<f64>, Coord<f64>),
    b: (Coord<f64>, Coord<f64>),
) -> Option<(Coord<f64>, Coord<f64>)> {
    let d = a.1 - a.0;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 == 0.0 {
        return None;
    }
    let len = len2.sqrt();
    let off = |p: Coord<f64>| ((p - a.0).x * d.y - (p - a.0).y * d.x).abs() / len;
    if off(b.0) > COLLINEAR_TOLERANCE_DEG || off(b.1) > COLLINEAR_TOLERANCE_DEG {
        return None;
    }
    let t = |p: Coord<f64>| ((p - a.0).x * d.x + (p - a.0).y * d.y) / len2;
    let (t0, t1) = (t(b.0), t(b.1));
    let lo = t0.min(t1).max(0.0);
    let hi = t0.max(t1).min(1.0);
    if (hi - lo) * len <= COLLINEAR_TOLERANCE_DEG {
        return None;
    }
    Some((a.0 + d * lo, a.0 + d * hi))
}

/// Geodesic length in metres of the boundary two geometries share (0 when they only touch at
/// points or not at all).
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// let a = MultiPolygon(vec![polygon![(x: 67.0, y: 24.0), (x: 67.01, y: 24.0), (x: 67.01, y: 24.01), (x: 67.0, y: 24.01)]]);
/// let b = MultiPolygon(vec![polygon![(x: 67.01, y: 24.0), (x: 67.02, y: 24.0), (x: 67.02, y: 24.01), (x: 67.01, y: 24.01)]]);
/// let c = MultiPolygon(vec![polygon![(x: 67.01, y: 24.01), (x: 67.02, y: 24.01), (x: 67.02, y: 24.02), (x: 67.01, y: 24.02)]]);
/// let ab = allot::adjacency::shared_boundary_m(&a, &b);
/// assert!((ab - 1107.583).abs() < 1e-3, "{ab}"); // 0.01° of latitude (pyproj Geod.inv)
/// assert_eq!(allot::adjacency::shared_boundary_m(&a, &c), 0.0); // corner only
/// ```
pub fn shared_boundary_m(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    let bb = bbox_of(b);
    let ba = bbox_of(a);
    let tol = COLLINEAR_TOLERANCE_DEG;
    let near = |r: &geo::Rect<f64>, e: &(Coord<f64>, Coord<f64>)| {
        e.0.x.max(e.1.x) >= r.min().x - tol
            && e.0.x.min(e.1.x) <= r.max().x + tol
            && e.0.y.max(e.1.y) >= r.min().y - tol
            && e.0.y.min(e.1.y) <= r.max().y + tol
    };
    let ea: Vec<_> = edges(a).into_iter().filter(|e| near(&bb, e)).collect();
    if ea.is_empty() {
        return 0.0;
    }
    let eb: Vec<_> = edges(b).into_iter().filter(|e| near(&ba, e)).collect();
    let mut total = 0.0;
    for x in &ea {
        for y in &eb {
            if let Some((p, q)) = collinear_overlap(*x, *y) {
                total += distance_m(p, q);
            }
        }
    }
    total
}

impl Adjacency {
    /// Builds the adjacency graph of `geometries` using `index` (built over the same list).
    pub fn build(geometries: &[&MultiPolygon<f64>], index: &ParcelIndex) -> Self {
        let pairs = index.candidate_pairs();
        let shared: Vec<(usize, usize, f64)> = pairs
            .par_iter()
            .filter_map(|&(i, j)| {
                let s = shared_boundary_m(geometries[i], geometries[j]);
                (s > 0.0).then_some((i, j, s))
            })
            .collect();
        let mut neighbours = vec![Vec::new(); geometries.len()];
        for (i, j, s) in shared {
            neighbours[i].push((j, s));
            neighbours[j].push((i, s));
        }
        for n in &mut neighbours {
            n.sort_by_key(|e| e.0);
        }
        Adjacency { neighbours }
    }

    /// Adds (or lengthens) a connection between `i` and `j`.
    pub fn connect(&mut self, i: usize, j: usize, shared_m: f64) {
        for (a, b) in [(i, j), (j, i)] {
            let list = &mut self.neighbours[a];
            match list.binary_search_by(|e| e.0.cmp(&b)) {
                Ok(k) => list[k].1 += shared_m,
                Err(k) => list.insert(k, (b, shared_m)),
            }
        }
    }

    /// Shared boundary length in metres between `i` and `j` (0 if not neighbours).
    pub fn shared(&self, i: usize, j: usize) -> f64 {
        self.neighbours[i]
            .binary_search_by(|e| e.0.cmp(&j))
            .map(|k| self.neighbours[i][k].1)
            .unwrap_or(0.0)
    }

    /// The connected pieces of the subgraph induced by `members`, each sorted, ordered by
    /// their smallest member.
    ///
    /// ```
    /// let mut adj = allot::Adjacency { neighbours: vec![vec![]; 4] };
    /// adj.connect(0, 1, 10.0);
    /// adj.connect(2, 3, 5.0);
    /// assert_eq!(adj.components(&[0, 1, 2]), vec![vec![0, 1], vec![2]]);
    /// ```
    pub fn components(&self, members: &[usize]) -> Vec<Vec<usize>> {
        let n = self.neighbours.len();
        let mut in_set = vec![false; n];
        for &m in members {
            in_set[m] = true;
        }
        let mut seen = vec![false; n];
        let mut sorted: Vec<usize> = members.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        let mut out = Vec::new();
        for &start in &sorted {
            if seen[start] {
                continue;
            }
            seen[start] = true;
            let mut piece = vec![start];
            let mut stack = vec![start];
            while let Some(v) = stack.pop() {
                for &(w, _) in &self.neighbours[v] {
                    if in_set[w] && !seen[w] {
                        seen[w] = true;
                        piece.push(w);
                        stack.push(w);
                    }
                }
            }
            piece.sort_unstable();
            out.push(piece);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Polygon, polygon};

    fn sq(x: f64, y: f64, d: f64) -> Polygon<f64> {
        polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)]
    }

    #[test]
    fn t_junction_shares_the_partial_edge() {
        // A is 2 units tall; B and C each share half of A's right edge (no vertex of A there).
        let a = MultiPolygon(vec![
            polygon![(x: 67.0, y: 24.0), (x: 67.01, y: 24.0), (x: 67.01, y: 24.02), (x: 67.0, y: 24.02)],
        ]);
        let b = MultiPolygon(vec![sq(67.01, 24.0, 0.01)]);
        let c = MultiPolygon(vec![sq(67.01, 24.01, 0.01)]);
        let ab = shared_boundary_m(&a, &b);
        let ac = shared_boundary_m(&a, &c);
        let full = distance_m(Coord { x: 67.01, y: 24.0 }, Coord { x: 67.01, y: 24.02 });
        assert!((ab + ac - full).abs() < 1e-6, "{ab} {ac} {full}");
        assert!((ab - ac).abs() < 2.0);
        // Symmetric.
        assert!((shared_boundary_m(&b, &a) - ab).abs() < 1e-9);
    }

    #[test]
    fn grid_adjacency_matches_rook_neighbours() {
        let n = 6;
        let cells: Vec<MultiPolygon<f64>> = (0..n * n)
            .map(|k| {
                MultiPolygon(vec![sq(
                    67.0 + (k % n) as f64 * 0.01,
                    24.0 + (k / n) as f64 * 0.01,
                    0.01,
                )])
            })
            .collect();
        let refs: Vec<&MultiPolygon<f64>> = cells.iter().collect();
        let index = ParcelIndex::build(refs.iter().copied());
        let adj = Adjacency::build(&refs, &index);
        for k in 0..n * n {
            let (r, c) = (k / n, k % n);
            let mut expect = Vec::new();
            if r > 0 {
                expect.push(k - n);
            }
            if c > 0 {
                expect.push(k - 1);
            }
            if c + 1 < n {
                expect.push(k + 1);
            }
            if r + 1 < n {
                expect.push(k + n);
            }
            let got: Vec<usize> = adj.neighbours[k].iter().map(|e| e.0).collect();
            assert_eq!(got, expect, "cell {k}");
        }
        // Diagonal cells meet at a corner only: two pieces.
        assert_eq!(adj.components(&[0, n + 1]).len(), 2);
        assert_eq!(adj.components(&[0, 1, n + 1]).len(), 1);
    }
}
