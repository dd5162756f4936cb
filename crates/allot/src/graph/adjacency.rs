//! Adjacency: which parcels share a boundary, and how long it is.
//!
//! Two parcels are neighbours when their boundaries share a stretch of positive length
//! (collinear, overlapping edges). Parcels meeting only at a corner are not neighbours: a zone
//! joined only at a corner is two pieces on the ground. Shared lengths are geodesic metres
//! (short pieces by the local ellipsoidal metric, accurate to 1e-9), which also gives the
//! perimeter of a union of parcels cheaply:
//! `P(∪) = Σ P(parcel) − 2 · Σ shared(neighbours in the union)`.

use geo::{Coord, MultiPolygon, Rect};
use rayon::prelude::*;

use crate::geodesy::{WGS84_A, WGS84_E2, distance_m};
use crate::geom::bbox::bbox_of;
use crate::index::ParcelIndex;

/// Distance on the ground (2 cm) within which a vertex counts as lying on another parcel's
/// edge: offsets are measured in metres (longitude scaled by the cosine of the latitude), so the
/// tolerance is the same across an edge running north-south or east-west, at the equator or
/// at Tromsø.
///
/// Real fabrics round a shared boundary differently on its two sides: 7 decimals (what
/// OpenStreetMap stores and GDAL's RFC 7946 GeoJSON writer writes by default) moves a vertex by
/// up to 0.71e-7° (8 mm of latitude), so two sides rounded to 7 decimals lie up to 1.6 cm
/// apart; a fabric kept on a 1 cm grid in a projected system and reprojected puts a T-junction's
/// vertex up to a centimetre off its neighbour's edge. At 1e-7° (the earlier tolerance, 1 cm of
/// latitude but 0.9 cm of longitude at Cape Town and 0.4 cm at Tromsø) such neighbours lost
/// tens of metres of the boundary they share, or were not neighbours at all, and zones were
/// planned longer than they are (and refused as in pieces). shapely/GEOS, which intersect
/// exactly, see only the part of such a boundary that happens to overlap.
pub const COLLINEAR_TOLERANCE_M: f64 = 0.02;

/// [`COLLINEAR_TOLERANCE_M`] in degrees of latitude (a degree of latitude is at least
/// 110,574 m), the tolerance of the offset test in the local frame.
const TOLERANCE_LAT_DEG: f64 = COLLINEAR_TOLERANCE_M / 110_574.0;

/// Reach in degrees within which bounding boxes are compared: two parcels (or edges) whose boxes
/// stay further apart than this share no boundary. It covers [`COLLINEAR_TOLERANCE_M`] in
/// longitude up to 80° of latitude (2 cm is 1.04e-6° of longitude there); beyond, neighbours
/// whose shared side is an exactly north-south box edge with the two sides 1e-6° apart are
/// not seen.
pub const COLLINEAR_TOLERANCE_DEG: f64 = 1.05e-6;

/// The parcel adjacency graph, with shared boundary lengths.
#[derive(Debug, Clone, Default)]
pub struct Adjacency {
    /// For each parcel, its neighbours and the shared boundary length in metres, sorted by
    /// neighbour index.
    pub neighbours: Vec<Vec<(usize, f64)>>,
}

/// Calls `f` on every edge of positive length of every ring of `g`, in ring order.
#[inline]
fn for_each_edge(g: &MultiPolygon<f64>, mut f: impl FnMut((Coord<f64>, Coord<f64>))) {
    for p in &g.0 {
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            for w in r.0.windows(2) {
                if w[0] != w[1] {
                    f((w[0], w[1]));
                }
            }
        }
    }
}

/// Pieces up to `LOCAL_MAX_M · cos φ` metres long are measured with [`local_distance_m`];
/// longer ones with the full geodesic inverse ([`distance_m`]).
///
/// The local formula's relative error grows like `(L / R)² / (24 cos² φ)`; at this bound it is
/// below 1e-9 everywhere (tested against [`distance_m`] in this module's tests).
pub const LOCAL_MAX_M: f64 = 500.0;

/// Distance in metres between two nearby lon/lat points on WGS84 by the local ellipsoidal
/// metric at their mid-latitude: `√((M·Δφ)² + (N·cos φ·Δλ)²)`, with `M` the meridian and `N`
/// the prime-vertical radius of curvature.
///
/// Exact in the limit of short distances; the relative error against the geodesic is below
/// 1e-9 for distances up to [`LOCAL_MAX_M`]` · cos φ`.
///
/// ```
/// use geo::Coord;
/// let (p, q) = (Coord { x: 67.0, y: 24.0 }, Coord { x: 67.001, y: 24.001 });
/// let d = allot::graph::adjacency::local_distance_m(p, q);
/// assert!((d / allot::geodesy::distance_m(p, q) - 1.0).abs() < 1e-9, "{d}");
/// ```
pub fn local_distance_m(p: Coord<f64>, q: Coord<f64>) -> f64 {
    let e2 = WGS84_E2;
    let phi = (0.5 * (p.y + q.y)).to_radians();
    let (s, c) = phi.sin_cos();
    let w = 1.0 - e2 * s * s;
    let n = WGS84_A / w.sqrt();
    let m = n * (1.0 - e2) / w;
    let dphi = (q.y - p.y).to_radians();
    let dlam = (q.x - p.x).to_radians();
    (m * dphi).hypot(n * c * dlam)
}

/// Geodesic length of a short shared piece: the local metric when it is accurate to 1e-9,
/// else the geodesic inverse.
#[inline]
fn piece_length_m(p: Coord<f64>, q: Coord<f64>) -> f64 {
    let d = local_distance_m(p, q);
    let cos_phi = (0.5 * (p.y + q.y)).to_radians().cos();
    if d.is_finite() && d <= LOCAL_MAX_M * cos_phi {
        d
    } else {
        distance_m(p, q)
    }
}

/// The part of segment `b` lying on segment `a` (within [`COLLINEAR_TOLERANCE_M`]), if it has
/// a length above the tolerance.
///
/// Of the two, the longer segment's line is the reference and the shorter one is clipped to
/// the longer one's extent; the clipped ends are tested against the line. A short edge whose
/// ends were rounded (say to 8 decimals) has a direction too uncertain to extend to the far end
/// of a long neighbour's edge, while its own ends do lie on that edge; a long edge running on
/// past a neighbour's slight bend (a 35 m side across a 50 m neighbour's vertex that stands a
/// centimetre off the line) lies on each of the neighbour's edges only where they overlap.
/// Offsets are computed with longitude scaled by the cosine of the latitude.
fn collinear_overlap(
    a: (Coord<f64>, Coord<f64>),
    b: (Coord<f64>, Coord<f64>),
) -> Option<(Coord<f64>, Coord<f64>)> {
    // The same scale whichever segment comes first (the result must not depend on the order).
    let k = (0.25 * (a.0.y + a.1.y + b.0.y + b.1.y)).to_radians().cos();
    let norm2 = |s: &(Coord<f64>, Coord<f64>)| {
        let d = s.1 - s.0;
        d.x * d.x * k * k + d.y * d.y
    };
    // The longer segment is the reference; of two as long, the one with the smaller end, so
    // that either argument order gives the same piece.
    let key = |s: &(Coord<f64>, Coord<f64>)| {
        let (p, q) = (s.0.x_y(), s.1.x_y());
        if p <= q { (p, q) } else { (q, p) }
    };
    let (na, nb) = (norm2(&a), norm2(&b));
    let (a, b) = if nb > na || (nb == na && key(&b) < key(&a)) {
        (b, a)
    } else {
        (a, b)
    };
    let len2 = norm2(&a);
    if len2 == 0.0 || !len2.is_finite() {
        return None;
    }
    let len = len2.sqrt();
    let d = a.1 - a.0;
    // Offset from a's line, and position along it (0 at a.0, 1 at a.1), in the local frame.
    let off = |p: Coord<f64>| {
        let v = p - a.0;
        (v.x * k * d.y - v.y * d.x * k).abs() / len
    };
    let t = |p: Coord<f64>| {
        let v = p - a.0;
        (v.x * d.x * k * k + v.y * d.y) / len2
    };
    let (t0, t1) = (t(b.0), t(b.1));
    let lo = t0.min(t1).max(0.0);
    let hi = t0.max(t1).min(1.0);
    if (hi - lo) * len <= TOLERANCE_LAT_DEG {
        return None;
    }
    // The points of b at a's positions lo and hi (t1 ≠ t0: hi > lo above).
    let at = |tt: f64| b.0 + (b.1 - b.0) * ((tt - t0) / (t1 - t0));
    if off(at(lo)) > TOLERANCE_LAT_DEG || off(at(hi)) > TOLERANCE_LAT_DEG {
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
/// let ab = allot::graph::adjacency::shared_boundary_m(&a, &b);
/// assert!((ab - 1107.583).abs() < 1e-3, "{ab}"); // 0.01° of latitude (pyproj Geod.inv)
/// assert_eq!(allot::graph::adjacency::shared_boundary_m(&a, &c), 0.0); // corner only
/// ```
pub fn shared_boundary_m(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    shared_within(a, &bbox_of(a), b, &bbox_of(b))
}

/// Whether the box of edge `e` comes within the collinear tolerance of `r`.
#[inline]
fn edge_near(r: &Rect<f64>, e: &(Coord<f64>, Coord<f64>)) -> bool {
    let tol = COLLINEAR_TOLERANCE_DEG;
    e.0.x.max(e.1.x) >= r.min().x - tol
        && e.0.x.min(e.1.x) <= r.max().x + tol
        && e.0.y.max(e.1.y) >= r.min().y - tol
        && e.0.y.min(e.1.y) <= r.max().y + tol
}

/// [`shared_boundary_m`] with the bounding boxes `ba` of `a` and `bb` of `b` given.
///
/// Only edges of each geometry near the other's box can share a piece; of those, only pairs of
/// edges whose boxes come within the tolerance of each other (a shared piece is within the
/// tolerance of both edges). Pieces are summed in the same order as an all-pairs loop would.
fn shared_within(
    a: &MultiPolygon<f64>,
    ba: &Rect<f64>,
    b: &MultiPolygon<f64>,
    bb: &Rect<f64>,
) -> f64 {
    let mut total = 0.0;
    for_each_edge(a, |x| {
        if !edge_near(bb, &x) {
            return;
        }
        let xr = Rect::new(x.0, x.1);
        for_each_edge(b, |y| {
            if edge_near(ba, &y)
                && edge_near(&xr, &y)
                && let Some((p, q)) = collinear_overlap(x, y)
            {
                total += piece_length_m(p, q);
            }
        });
    });
    total
}

impl Adjacency {
    /// Builds the adjacency graph of `geometries` using `index` (built over the same list).
    ///
    /// Candidates are the pairs whose boxes come within [`COLLINEAR_TOLERANCE_DEG`] of each
    /// other, not only those whose boxes meet: neighbours sharing a side written
    /// 67.00999999999999 in one and 67.01 in the other (floating-point arithmetic on one side,
    /// a parsed decimal on the other) have boxes 1e-14° apart.
    pub fn build(geometries: &[&MultiPolygon<f64>], index: &ParcelIndex) -> Self {
        Self::from_pairs(
            geometries,
            &index.candidate_pairs_within(COLLINEAR_TOLERANCE_DEG),
        )
    }

    /// Builds the adjacency graph of `geometries` from candidate pairs `(i, j)`, for callers
    /// that already have them: every pair whose bounding boxes come within
    /// [`COLLINEAR_TOLERANCE_DEG`] of each other, as
    /// [`ParcelIndex::candidate_pairs_within`] gives them (pairs left out are not neighbours).
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// let a = MultiPolygon(vec![polygon![(x: 67.0, y: 24.0), (x: 67.01, y: 24.0), (x: 67.01, y: 24.01), (x: 67.0, y: 24.01)]]);
    /// let b = MultiPolygon(vec![polygon![(x: 67.01, y: 24.0), (x: 67.02, y: 24.0), (x: 67.02, y: 24.01), (x: 67.01, y: 24.01)]]);
    /// let adj = allot::Adjacency::from_pairs(&[&a, &b], &[(0, 1)]);
    /// assert!((adj.shared(0, 1) - 1107.583).abs() < 1e-3); // pyproj Geod.inv
    /// ```
    pub fn from_pairs(geometries: &[&MultiPolygon<f64>], pairs: &[(usize, usize)]) -> Self {
        let boxes: Vec<Rect<f64>> = geometries.par_iter().map(|g| bbox_of(g)).collect();
        let shared: Vec<(usize, usize, f64)> = pairs
            .par_iter()
            .filter_map(|&(i, j)| {
                let s = shared_within(geometries[i], &boxes[i], geometries[j], &boxes[j]);
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
        let mut in_set = vec![false; self.neighbours.len()];
        for &m in members {
            in_set[m] = true;
        }
        super::components::components_where(&self.neighbours, &in_set)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Polygon, polygon};

    fn sq(x: f64, y: f64, d: f64) -> Polygon<f64> {
        polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)]
    }

    /// The planner's seeded SplitMix64 stream, so tests are reproducible.
    use crate::util::Rng;

    #[test]
    fn local_distance_is_within_1e9_of_the_geodesic_up_to_the_switch_length() {
        use geo::{Destination, Geodesic, Point};
        let mut rng = Rng::new(5);
        let mut worst: f64 = 0.0;
        for k in 0..20_000 {
            let lat = -85.0 + 170.0 * rng.unit();
            let lon = -180.0 + 360.0 * rng.unit();
            let bearing = 360.0 * rng.unit();
            // Lengths from 1 mm to the switch length (at the start's latitude, slightly under).
            let max = 0.999 * LOCAL_MAX_M * lat.to_radians().cos();
            let len = if k % 4 == 0 {
                1e-3 + rng.unit()
            } else {
                max * rng.unit().max(1e-6)
            };
            let p = Point::new(lon, lat);
            let q = Geodesic.destination(p, bearing, len);
            let (p, q) = (p.0, q.0);
            let d = piece_length_m(p, q);
            let g = distance_m(p, q);
            let rel = (d - g).abs() / g;
            worst = worst.max(rel);
            // GeographicLib's inverse is itself accurate to about 15 nm, so below ~10 m the
            // comparison is held to 10 nm instead.
            assert!(
                rel < 1e-9 || (d - g).abs() < 1e-8,
                "{p:?} {q:?}: {d} vs {g} ({rel:e})"
            );
        }
        // The test reaches the regime where the error matters.
        assert!(worst > 1e-11, "{worst:e}");
        // Longer pieces use the geodesic inverse itself.
        let (p, q) = (Coord { x: 67.0, y: 24.0 }, Coord { x: 67.1, y: 24.1 });
        assert_eq!(piece_length_m(p, q), distance_m(p, q));
    }

    /// The definition, spelled out: every pair of edges, every piece through the geodesic inverse.
    fn shared_brute(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> f64 {
        let edges = |g: &MultiPolygon<f64>| {
            let mut v = Vec::new();
            for_each_edge(g, |e| v.push(e));
            v
        };
        let mut total = 0.0;
        for x in edges(a) {
            for y in edges(b) {
                if let Some((p, q)) = collinear_overlap(x, y) {
                    total += distance_m(p, q);
                }
            }
        }
        total
    }

    #[test]
    fn shared_boundary_equals_brute_force_on_a_jittered_grid_with_t_junctions() {
        // A jittered 12 × 12 lattice; every third cell splits its east edge with an extra
        // vertex (a T-junction seen from the east neighbour), some cells are merged into
        // concave L-shapes, and a few are moved a little (no longer sharing edges exactly).
        let n = 12;
        let mut rng = Rng::new(11);
        let d = 0.001;
        let v: Vec<Vec<Coord<f64>>> = (0..=n)
            .map(|i| {
                (0..=n)
                    .map(|j| Coord {
                        x: 67.0 + j as f64 * d + (rng.unit() - 0.5) * 0.4 * d,
                        y: 24.8 + i as f64 * d + (rng.unit() - 0.5) * 0.4 * d,
                    })
                    .collect()
            })
            .collect();
        let mut cells = Vec::new();
        for i in 0..n {
            for j in 0..n {
                let (bl, br, tr, tl) = (v[i][j], v[i][j + 1], v[i + 1][j + 1], v[i + 1][j]);
                let mut ring = vec![bl, br];
                if (i + j) % 3 == 0 {
                    ring.push(br + (tr - br) * 0.37);
                }
                ring.extend([tr, tl, bl]);
                if (i * n + j) % 17 == 5 {
                    let s = Coord { x: 1e-6, y: -3e-7 };
                    ring.iter_mut().for_each(|c| *c = *c + s);
                }
                cells.push(MultiPolygon(vec![Polygon::new(ring.into(), vec![])]));
            }
        }
        // An L-shape over cells (2,2), (2,3), (3,2).
        let l = MultiPolygon(vec![Polygon::new(
            vec![
                v[2][2], v[2][3], v[2][4], v[3][4], v[3][3], v[4][3], v[4][2], v[2][2],
            ]
            .into(),
            vec![],
        )]);
        cells.push(l);
        let refs: Vec<&MultiPolygon<f64>> = cells.iter().collect();
        let index = ParcelIndex::build(refs.iter().copied());
        let adj = Adjacency::build(&refs, &index);
        let mut pairs = 0;
        for i in 0..refs.len() {
            for j in 0..refs.len() {
                if i == j {
                    continue;
                }
                let want = shared_brute(refs[i], refs[j]);
                let got = adj.shared(i, j);
                assert!(
                    (got - want).abs() <= 1e-9 * want,
                    "{i} {j}: {got} vs {want}"
                );
                let direct = shared_boundary_m(refs[i], refs[j]);
                assert!((direct - want).abs() <= 1e-9 * want);
                pairs += usize::from(want > 0.0);
            }
        }
        // 2·n·(n−1) shared edges, seen from both sides, less those of the moved cells.
        assert!(pairs > 400, "{pairs}");
    }

    /// A 4 m edge whose ends were rounded to 8 decimals lies on a 400 m edge written with 10:
    /// its ends are within the tolerance of the long edge, but its own direction, extended 400 m,
    /// misses the long edge's far end by more than the tolerance. Either argument order finds
    /// the piece.
    #[test]
    fn short_rounded_edge_on_a_long_edge_is_shared_in_either_order() {
        let r = |x: f64, k: i32| (x * 10f64.powi(k)).round() / 10f64.powi(k);
        let p = |t: f64, k: i32| Coord {
            x: r(67.3 + 0.004_123_456_7 * t, k),
            y: r(24.8 + 0.001_312_345_67 * t, k),
        };
        let long = (p(0.0, 10), p(1.0, 10));
        let short = (p(0.501_313_13, 8), p(0.511_373_73, 8));
        for (a, b) in [(long, short), (short, long)] {
            let (q0, q1) = collinear_overlap(a, b).expect("shared");
            let piece = piece_length_m(q0, q1);
            let want = piece_length_m(short.0, short.1);
            assert!((piece - want).abs() < 1e-3, "{piece} vs {want}");
        }
    }

    /// Cell `(i, j)` of a lattice with spacings `dx`, `dy` from (67.3, 24.8), written the way
    /// `style` says: 0 computes each coordinate in floating point (`67.3 + j as f64 * dx`,
    /// which gives 67.30999999999999-like values), 1 parses it from its decimal (the value
    /// rounded to 12 decimals, as a file written by another program holds it), or rounds it to
    /// `style` decimals (7, 9, ...). With `split`, the cell's east side holds an extra vertex
    /// at its middle that its east neighbour does not have (a T-junction).
    fn lattice_cell(
        i: usize,
        j: usize,
        d: (f64, f64),
        style: i32,
        split: bool,
    ) -> MultiPolygon<f64> {
        let (dx, dy) = d;
        let at = |a: usize, b: usize| -> Coord<f64> {
            let (x, y) = (67.3 + b as f64 * dx, 24.8 + a as f64 * dy);
            match style {
                0 => Coord { x, y },
                1 => Coord {
                    x: format!("{x:.12}").parse().unwrap(),
                    y: format!("{y:.12}").parse().unwrap(),
                },
                k => {
                    let s = 10f64.powi(k);
                    Coord {
                        x: (x * s).round() / s,
                        y: (y * s).round() / s,
                    }
                }
            }
        };
        let (bl, br, tr, tl) = (at(i, j), at(i, j + 1), at(i + 1, j + 1), at(i + 1, j));
        let mut ring = vec![bl, br];
        if split {
            ring.push(Coord {
                x: 0.5 * (br.x + tr.x),
                y: 0.5 * (br.y + tr.y),
            });
        }
        ring.extend([tr, tl, bl]);
        MultiPolygon(vec![Polygon::new(ring.into(), vec![])])
    }

    /// Builds an `n × n` lattice with each cell's style from `style(i, j)` and checks
    /// [`Adjacency::build`] against the truth: exactly the rook neighbours, each sharing the
    /// lattice side between them (geodesic length of that side, to 1e-6 relative), and
    /// against the all-pairs brute force (no index). Returns how many neighbouring pairs
    /// have bounding boxes that do not meet (the case the index used to drop).
    fn check_lattice(
        n: usize,
        d: (f64, f64),
        style: impl Fn(usize, usize) -> i32,
        split: impl Fn(usize, usize) -> bool,
    ) -> usize {
        let cells: Vec<MultiPolygon<f64>> = (0..n * n)
            .map(|k| lattice_cell(k / n, k % n, d, style(k / n, k % n), split(k / n, k % n)))
            .collect();
        let refs: Vec<&MultiPolygon<f64>> = cells.iter().collect();
        let index = ParcelIndex::build(refs.iter().copied());
        let adj = Adjacency::build(&refs, &index);
        let side = |a: (f64, f64), b: (f64, f64)| {
            let c = |p: (f64, f64)| Coord {
                x: 67.3 + p.0 * d.0,
                y: 24.8 + p.1 * d.1,
            };
            distance_m(c(a), c(b))
        };
        let mut apart = 0;
        for k in 0..n * n {
            let (i, j) = (k / n, k % n);
            let mut want: Vec<(usize, f64)> = Vec::new();
            let (x, y) = (j as f64, i as f64);
            if i > 0 {
                want.push((k - n, side((x, y), (x + 1.0, y))));
            }
            if j > 0 {
                want.push((k - 1, side((x, y), (x, y + 1.0))));
            }
            if j + 1 < n {
                want.push((k + 1, side((x + 1.0, y), (x + 1.0, y + 1.0))));
            }
            if i + 1 < n {
                want.push((k + n, side((x, y + 1.0), (x + 1.0, y + 1.0))));
            }
            let got = &adj.neighbours[k];
            assert_eq!(
                got.iter().map(|e| e.0).collect::<Vec<_>>(),
                want.iter().map(|e| e.0).collect::<Vec<_>>(),
                "cell {k}"
            );
            for (g, w) in got.iter().zip(&want) {
                // Rounding to 7 decimals moves a side's ends by up to 1.1 cm.
                assert!((g.1 - w.1).abs() <= 0.02, "cell {k}: {g:?} vs {w:?}");
                let brute = shared_brute(refs[k], refs[g.0]);
                assert!(
                    (g.1 - brute).abs() <= 1e-9 * brute,
                    "cell {k}: {g:?} vs {brute}"
                );
                let (a, b) = (bbox_of(refs[k]), bbox_of(refs[g.0]));
                apart += usize::from(
                    a.max().x < b.min().x
                        || b.max().x < a.min().x
                        || a.max().y < b.min().y
                        || b.max().y < a.min().y,
                );
            }
        }
        apart / 2
    }

    /// Neighbours whose shared side is computed in floating point in one cell and parsed from
    /// its decimal in the other differ by ~1e-14°; when the computed one is the smaller, their
    /// boxes miss each other and the index did not pair them (the planner then saw a lattice
    /// with missing neighbours).
    #[test]
    fn float_built_and_parsed_neighbours_are_neighbours() {
        let mut rng = Rng::new(3);
        let styles: Vec<i32> = (0..144).map(|_| rng.below(2) as i32).collect();
        let apart = check_lattice(12, (0.01, 0.01), |i, j| styles[i * 12 + j], |_, _| false);
        assert!(apart > 5, "{apart}");
    }

    /// The same with T-junctions: every third cell has a vertex in the middle of its east
    /// side that its east neighbour lacks.
    #[test]
    fn float_built_neighbours_meeting_at_t_junctions_are_neighbours() {
        let mut rng = Rng::new(4);
        let styles: Vec<i32> = (0..144).map(|_| rng.below(2) as i32).collect();
        let apart = check_lattice(
            12,
            (0.001_234_567_891_23, 0.000_987_654_321_98),
            |i, j| styles[i * 12 + j],
            |i, j| (i + 2 * j) % 3 == 0,
        );
        assert!(apart > 5, "{apart}");
    }

    /// Neighbours rounding their shared side to different decimals: 9 against 12, and 7
    /// against 9 (7 decimals, about 1 cm, is what OpenStreetMap stores and GDAL's RFC 7946
    /// GeoJSON writes), with T-junctions.
    #[test]
    fn neighbours_rounded_to_different_decimals_are_neighbours() {
        let d = (0.001_234_567_891_23, 0.000_987_654_321_98);
        for (a, b) in [(9, 12), (7, 9), (7, 12)] {
            check_lattice(
                12,
                d,
                |i, j| if (i + j) % 2 == 0 { a } else { b },
                |i, j| (i * j) % 4 == 1,
            );
        }
    }

    /// Metres east of longitude `lon0` at latitude `lat` (the local metric's east-west scale).
    fn east(lon0: f64, lat: f64, m: f64) -> f64 {
        let one = local_distance_m(
            Coord { x: lon0, y: lat },
            Coord {
                x: lon0 + 1e-3,
                y: lat,
            },
        );
        lon0 + 1e-3 * m / one
    }

    /// The tolerance is a distance on the ground: at Tromsø (69.65° N), where 1e-7° of
    /// longitude is 3.9 mm, a north-south side whose neighbour's copy stands 1.5 cm east of it
    /// is shared, and one 3 cm off is not; the same holds for an east-west side 1.5 and 3 cm
    /// north. (The earlier tolerance of 1e-7° missed the first.)
    #[test]
    fn tolerance_is_two_centimetres_in_any_direction_and_latitude() {
        let (x0, y0) = (18.95, 69.65);
        let side = |dx: f64, dy: f64| {
            (
                Coord {
                    x: x0 + dx,
                    y: y0 + dy,
                },
                Coord {
                    x: x0 + dx,
                    y: y0 + dy + 1e-3,
                },
            )
        };
        let base = side(0.0, 0.0);
        let len = piece_length_m(base.0, base.1);
        for (off_m, shared) in [(0.015, true), (0.03, false)] {
            let moved = side(east(x0, y0, off_m) - x0, 0.0);
            let got = collinear_overlap(base, moved).map(|(p, q)| piece_length_m(p, q));
            assert_eq!(got.is_some(), shared, "{off_m} m east: {got:?}");
            if let Some(l) = got {
                assert!((l - len).abs() < 1e-6, "{l} vs {len}");
            }
            let ew = (
                Coord { x: x0, y: y0 },
                Coord {
                    x: x0 + 1e-3,
                    y: y0,
                },
            );
            let dy = off_m / 111_600.0; // a degree of latitude at 69.65° is 111.6 km
            let up = (
                Coord { x: x0, y: y0 + dy },
                Coord {
                    x: x0 + 1e-3,
                    y: y0 + dy,
                },
            );
            assert_eq!(
                collinear_overlap(ew, up).is_some(),
                shared,
                "{off_m} m north"
            );
        }
    }

    /// A side running on past its neighbour's slight bend. A's east side is a 160 m edge due
    /// north, then a 70 m edge bending 5 cm east; B's west side is one 100 m edge from 30 m up
    /// A's first edge to the end of its second. B's edge, extended, misses A's first edge's
    /// ends by 1.5 cm and A's first edge, extended, misses B's far end by 5 cm: each lies on the
    /// other only over their overlap (30 m, then 70 m), which is what is shared.
    #[test]
    fn a_side_running_past_a_neighbours_bend_is_shared_along_both_edges() {
        let (x0, y0) = (67.3, 24.8);
        let m = |x: f64, y: f64| Coord {
            x: east(x0, y0, x),
            y: y0 + y / 110_760.0,
        };
        let a = MultiPolygon(vec![Polygon::new(
            vec![
                m(-50.0, -100.0),
                m(0.0, -100.0),
                m(0.0, 60.0),
                m(0.05, 130.0),
                m(-50.0, 130.0),
            ]
            .into(),
            vec![],
        )]);
        let b = MultiPolygon(vec![Polygon::new(
            vec![m(0.0, 30.0), m(50.0, 30.0), m(50.0, 130.0), m(0.05, 130.0)].into(),
            vec![],
        )]);
        let full = piece_length_m(m(0.0, 30.0), m(0.05, 130.0));
        for got in [shared_boundary_m(&a, &b), shared_boundary_m(&b, &a)] {
            assert!((got - full).abs() < 1e-3, "{got} vs {full}");
        }
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
