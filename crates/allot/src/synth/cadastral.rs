//! Real-data-like cadastral fabrics: the land a planner meets in a revenue record, not a lattice.
//!
//! A fabric is built on a fine grid of `cell_m`-metre cells (4 m by default) and every parcel is
//! a set of whole cells, so the truth (areas, who touches whom, how much boundary they share) is
//! exact in the grid's own metres:
//! - **Plot sizes over three orders of magnitude**: the site rectangle is cut recursively
//!   (guillotine cuts along the longer side at 25–75 %). A piece of 10–80 acres is kept whole
//!   with probability 0.6 (an estate), one of 1–10 acres with probability 0.05; any other piece
//!   stops being cut when its area falls under a log-uniform threshold of 130–1,300 m² drawn
//!   afresh at every cut. So a handful of estates hold most of the land while most plots are a
//!   few hundred m² (median about 0.06 acre), as in a real fabric of ~300 plots / 190 acres whose
//!   largest plots are 82, 27, 14 and 13 acres.
//! - **Slivers**: now and then a cut takes a strip one cell wide off a long piece.
//! - **Non-convex plots**: a quarter of the pieces are merged with a neighbour they share only
//!   part of a side with, which gives L-, T- and Z-shaped plots.
//! - **T-junctions**: guillotine cuts end on the far side of a cut made earlier, so a plot's
//!   corner lies on its neighbour's straight side. A cleanly noded fabric repeats that point in
//!   the neighbour's ring; here each such point is left out of the neighbour's ring with
//!   probability 0.3 (the vertex of one parcel lies on its neighbour's edge only).
//! - **Different vertex densities**: on some straight runs one side writes extra vertices every
//!   few cells while the other side writes only the run's ends.
//! - **Different coordinate rounding**: each plot is written with 10 decimals of a degree, or
//!   with 8 (about 1 mm) when none of its neighbours is coarse already, so a shared boundary is
//!   rounded differently on its two sides. 8 decimals keep a vertex well within allot's
//!   collinear tolerance (2 cm on the ground) of its neighbour's edge and two neighbours from
//!   overlapping by more than a few cm².
//! - **Hairline slivers, not gaps**: the fabric covers its site with no gap, but a boundary
//!   rounded differently on its two sides, or a T-junction point on its neighbour's long
//!   straight side, leaves hairline slivers between the plots. Measured with geodesic edges (as
//!   allot and pyproj measure areas) a sliver along a side of several hundred metres can reach
//!   a few m², since such a geodesic bows ~5 mm from the straight lon/lat line at 24.8° N: on
//!   seeds 1–40 (10,000 plots) shapely + pyproj found 22 pieces of 1.04–3.74 m², each under
//!   0.51 mm wide and 0.39 m² with edges straight in lon/lat (as GeoJSON draws them), and
//!   `allot validate` reports a gap of this kind on 14 of the 40 seeds (16 in all). They are left in as
//!   real data has them (`tests/validate_cadastral_gaps.rs`, `scripts/cadastral-gaps.py`).
//! - Local metres become lon/lat by a rotation (by `rotation_deg`) and the WGS84 scale at the
//!   origin's latitude (metres per radian: `N·cos φ` east, `M` north): a linear map, so points
//!   that are collinear in the grid stay collinear on the map (before rounding), and geodesic
//!   areas and lengths match the grid's to about 1e-4 over a site of a few km.
//!
//! Rings are counter-clockwise, without holes, ids `c{k}` in creation order. Everything is a pure
//! function of the [`CadastralSpec`]: the same spec gives byte-identical text.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::geodesy::{WGS84_A, WGS84_F};
use crate::util::Rng;

/// Probability that a T-junction point is left out of the ring of the plot whose side it lies on.
const T_JUNCTION_DROP: f64 = 0.3;
/// Probability that a non-sliver piece is merged with a neighbour into a non-convex plot.
const MERGE_PROB: f64 = 0.25;
/// Probability that a cut takes a one-cell sliver off a piece at least 12 cells long.
const SLIVER_PROB: f64 = 0.03;
/// Probability that a plot writes extra vertices along a straight run of its boundary.
const DENSIFY_PROB: f64 = 0.2;

/// What to generate.
///
/// ```
/// use allot::synth::cadastral::{CadastralSpec, generate_cadastral};
/// let f = generate_cadastral(&CadastralSpec::with_parcels(300, 1));
/// assert!(f.parcels.len() > 200 && f.parcels.len() < 450);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CadastralSpec {
    /// Site width in cells.
    pub width: usize,
    /// Site height in cells.
    pub height: usize,
    /// Cell side in metres.
    pub cell_m: f64,
    /// Smallest and largest stop threshold of the recursive cuts for house plots (m²); the
    /// threshold is log-uniform between them.
    pub stop_m2: (f64, f64),
    /// Probability that a piece between 10 acres and `big_max_m2` is kept whole (an estate).
    pub big_stop: f64,
    /// Probability that a piece between 1 and 10 acres is kept whole.
    pub medium_stop: f64,
    /// Largest estate (m²).
    pub big_max_m2: f64,
    /// Wanted number of plots: cut patterns are drawn again (from seeds derived from `seed`, at
    /// most 64 times) until the count is within 0.7–1.4× of it; 0 takes the first.
    pub parcels: usize,
    /// South-west corner, `(lon, lat)` in degrees.
    pub origin: (f64, f64),
    /// Rotation of the grid, degrees counter-clockwise.
    pub rotation_deg: f64,
    /// Seed of every random choice.
    pub seed: u64,
}

impl CadastralSpec {
    /// A square site of about `n` plots of 0.6 acre on average (the size mix of a real
    /// cadastral fabric: 300 plots cover about 190 acres), near the PSM site.
    pub fn with_parcels(n: usize, seed: u64) -> Self {
        let cell_m: f64 = 4.0;
        let area_m2 = n.max(1) as f64 * 0.62 * crate::geodesy::M2_PER_ACRE;
        let side = ((area_m2.sqrt() / cell_m).round() as usize).max(8);
        CadastralSpec {
            width: side,
            height: side,
            cell_m,
            stop_m2: (130.0, 1300.0),
            big_stop: 0.6,
            medium_stop: 0.05,
            big_max_m2: 80.0 * crate::geodesy::M2_PER_ACRE,
            parcels: n,
            origin: (67.30, 24.80),
            rotation_deg: 17.0,
            seed,
        }
    }
}

/// One generated plot: its cells' rectangle cover and its ring as written.
#[derive(Debug, Clone, PartialEq)]
pub struct CadastralParcel {
    /// `c{k}`.
    pub id: String,
    /// Exact area in the grid's metres (cells × cell_m²).
    pub area_m2: f64,
    /// Ring as written (lon, lat), closed, counter-clockwise.
    pub ring: Vec<(f64, f64)>,
    /// Decimals the ring was rounded to.
    pub decimals: usize,
}

/// A generated fabric with the facts a test can check it against.
#[derive(Debug, Clone, PartialEq)]
pub struct CadastralFabric {
    /// The plots, in id order.
    pub parcels: Vec<CadastralParcel>,
    /// Neighbouring pairs `(i, j, shared_m)` with `i < j`, from the grid (exact in grid metres).
    pub neighbours: Vec<(usize, usize, f64)>,
    /// Vertices left out of a ring although they lie on it (T-junctions).
    pub t_junctions: usize,
    /// Total area (m², grid metres).
    pub total_m2: f64,
    /// The FeatureCollection.
    pub geojson: String,
}

/// An axis-aligned rectangle of cells `[x0, x1) × [y0, y1)`.
#[derive(Debug, Clone, Copy)]
struct Rect {
    x0: usize,
    y0: usize,
    x1: usize,
    y1: usize,
}

impl Rect {
    fn w(&self) -> usize {
        self.x1 - self.x0
    }
    fn h(&self) -> usize {
        self.y1 - self.y0
    }
}

/// Cuts `r` recursively into leaves.
fn cut(r: Rect, spec: &CadastralSpec, rng: &mut Rng, leaves: &mut Vec<Rect>) {
    let mut stack = vec![r];
    let cell2 = spec.cell_m * spec.cell_m;
    let (lo, hi) = (spec.stop_m2.0.ln(), spec.stop_m2.1.ln());
    while let Some(r) = stack.pop() {
        let area = (r.w() * r.h()) as f64 * cell2;
        let long = r.w().max(r.h());
        let acre = crate::geodesy::M2_PER_ACRE;
        let u = rng.unit();
        let estate = (area > 10.0 * acre && area <= spec.big_max_m2 && u < spec.big_stop)
            || (area > acre && area <= 10.0 * acre && u < spec.medium_stop);
        let threshold = (lo + (hi - lo) * rng.unit()).exp();
        if long < 2 || estate || area <= threshold {
            leaves.push(r);
            continue;
        }
        let at = if long >= 12 && rng.unit() < SLIVER_PROB {
            if rng.unit() < 0.5 { 1 } else { long - 1 }
        } else {
            let f = 0.25 + 0.5 * rng.unit();
            ((long as f64 * f).round() as usize).clamp(1, long - 1)
        };
        let (a, b) = if r.w() >= r.h() {
            (Rect { x1: r.x0 + at, ..r }, Rect { x0: r.x0 + at, ..r })
        } else {
            (Rect { y1: r.y0 + at, ..r }, Rect { y0: r.y0 + at, ..r })
        };
        // Push b first so a is cut first (order only affects ids).
        stack.push(b);
        stack.push(a);
    }
}

/// Generates a fabric.
pub fn generate_cadastral(spec: &CadastralSpec) -> CadastralFabric {
    let (w, h) = (spec.width.max(2), spec.height.max(2));
    let site = Rect {
        x0: 0,
        y0: 0,
        x1: w,
        y1: h,
    };
    let mut attempt = 0u64;
    let (mut rng, leaves) = loop {
        let mut rng = Rng::new(spec.seed ^ 0xCAD5_7A11 ^ attempt.wrapping_mul(0x9E37_79B9));
        let mut leaves = Vec::new();
        cut(site, spec, &mut rng, &mut leaves);
        let want = spec.parcels as f64;
        // Merging joins about an eighth of the pieces.
        let count = leaves.len() as f64 * (1.0 - MERGE_PROB / 2.0);
        attempt += 1;
        if spec.parcels == 0 || (count >= 0.7 * want && count <= 1.4 * want) || attempt >= 64 {
            break (rng, leaves);
        }
    };
    // Label the cells by leaf.
    let mut label = vec![0u32; w * h];
    for (k, r) in leaves.iter().enumerate() {
        for y in r.y0..r.y1 {
            for x in r.x0..r.x1 {
                label[y * w + x] = k as u32;
            }
        }
    }
    // Merge some leaves with a neighbour sharing only part of a side (non-convex plots).
    let mut merged_into: Vec<u32> = (0..leaves.len() as u32).collect();
    let mut touched = vec![false; leaves.len()];
    for k in 0..leaves.len() {
        let r = leaves[k];
        if touched[k] || r.w() < 2 || r.h() < 2 || rng.unit() >= MERGE_PROB {
            continue;
        }
        // Neighbours along the four sides, in a fixed order.
        let mut cands: Vec<u32> = Vec::new();
        let mut push = |x: usize, y: usize| {
            let l = label[y * w + x];
            if !cands.contains(&l) {
                cands.push(l);
            }
        };
        if r.y0 > 0 {
            (r.x0..r.x1).for_each(|x| push(x, r.y0 - 1));
        }
        if r.y1 < h {
            (r.x0..r.x1).for_each(|x| push(x, r.y1));
        }
        if r.x0 > 0 {
            (r.y0..r.y1).for_each(|y| push(r.x0 - 1, y));
        }
        if r.x1 < w {
            (r.y0..r.y1).for_each(|y| push(r.x1, y));
        }
        cands.retain(|&l| {
            let o = leaves[l as usize];
            let same_x = o.x0 == r.x0 && o.x1 == r.x1;
            let same_y = o.y0 == r.y0 && o.y1 == r.y1;
            !touched[l as usize] && o.w() >= 2 && o.h() >= 2 && !same_x && !same_y
        });
        if cands.is_empty() {
            continue;
        }
        let l = cands[rng.below(cands.len())] as usize;
        touched[k] = true;
        touched[l] = true;
        merged_into[l] = k as u32;
    }
    // Final plot numbering in leaf order.
    let mut plot_of_leaf = vec![u32::MAX; leaves.len()];
    let mut plots = 0u32;
    for k in 0..leaves.len() {
        let root = merged_into[k] as usize;
        if plot_of_leaf[root] == u32::MAX {
            plot_of_leaf[root] = plots;
            plots += 1;
        }
        plot_of_leaf[k] = plot_of_leaf[root];
    }
    for c in label.iter_mut() {
        *c = plot_of_leaf[*c as usize];
    }
    let n = plots as usize;
    let outside = u32::MAX;
    let lab = |x: isize, y: isize| -> u32 {
        if x < 0 || y < 0 || x >= w as isize || y >= h as isize {
            outside
        } else {
            label[y as usize * w + x as usize]
        }
    };

    // Exact areas and shared lengths from the grid.
    let cell2 = spec.cell_m * spec.cell_m;
    let mut area_m2 = vec![0.0; n];
    let mut shared: HashMap<(usize, usize), f64> = HashMap::new();
    for y in 0..h {
        for x in 0..w {
            let a = label[y * w + x] as usize;
            area_m2[a] += cell2;
            for (dx, dy) in [(1isize, 0isize), (0, 1)] {
                let b = lab(x as isize + dx, y as isize + dy);
                if b != outside && b as usize != a {
                    let key = (a.min(b as usize), a.max(b as usize));
                    *shared.entry(key).or_insert(0.0) += spec.cell_m;
                }
            }
        }
    }
    let mut neighbours: Vec<(usize, usize, f64)> =
        shared.into_iter().map(|((a, b), s)| (a, b, s)).collect();
    neighbours.sort_by_key(|a| (a.0, a.1));
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b, _) in &neighbours {
        adj[a].push(b);
        adj[b].push(a);
    }

    // Coarse rounding on an independent set of plots.
    let mut coarse = vec![false; n];
    for k in 0..n {
        if rng.unit() < 0.5 && !adj[k].iter().any(|&j| coarse[j]) {
            coarse[k] = true;
        }
    }

    // Trace each plot's boundary counter-clockwise on the vertex lattice.
    let mut first_cell = vec![usize::MAX; n];
    for (i, &l) in label.iter().enumerate() {
        let l = l as usize;
        if first_cell[l] == usize::MAX {
            first_cell[l] = i;
        }
    }
    let (s, c) = spec.rotation_deg.to_radians().sin_cos();
    // WGS84 radii of curvature at the origin: metres east (N cos φ) and north (M) per radian.
    let lat0 = spec.origin.1.to_radians();
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let w2 = 1.0 - e2 * lat0.sin().powi(2);
    let n_radius = WGS84_A / w2.sqrt();
    let m_radius = n_radius * (1.0 - e2) / w2;
    let to_lonlat = |gx: i64, gy: i64| -> (f64, f64) {
        let (x, y) = (gx as f64 * spec.cell_m, gy as f64 * spec.cell_m);
        let (xr, yr) = (c * x - s * y, s * x + c * y);
        (
            spec.origin.0 + (xr / (n_radius * lat0.cos())).to_degrees(),
            spec.origin.1 + (yr / m_radius).to_degrees(),
        )
    };
    let mut t_junctions = 0usize;
    let mut parcels = Vec::with_capacity(n);
    for k in 0..n {
        let loop_pts = trace(&label, w, h, k as u32, first_cell[k]);
        // For each lattice point on the loop: the plot outside before and after it.
        let m = loop_pts.len();
        let mut keep: Vec<(i64, i64)> = Vec::new();
        let dense = |rng: &mut Rng| rng.unit() < DENSIFY_PROB;
        let mut run_dense = dense(&mut rng);
        let mut run_step = 2 + rng.below(5);
        let mut since = 0usize;
        for i in 0..m {
            let prev = loop_pts[(i + m - 1) % m];
            let cur = loop_pts[i];
            let next = loop_pts[(i + 1) % m];
            let din = (cur.0 - prev.0, cur.1 - prev.1);
            let dout = (next.0 - cur.0, next.1 - cur.1);
            let corner = din != dout;
            // Outside cell on the right of a directed unit edge (interior is on the left).
            let right_of = |a: (i64, i64), d: (i64, i64)| -> u32 {
                let (cx, cy) = match d {
                    (1, 0) => (a.0, a.1 - 1),
                    (0, 1) => (a.0, a.1),
                    (-1, 0) => (a.0 - 1, a.1),
                    _ => (a.0 - 1, a.1 - 1),
                };
                lab(cx as isize, cy as isize)
            };
            let junction = right_of(prev, din) != right_of(cur, dout);
            since += 1;
            if corner {
                keep.push(cur);
                since = 0;
                run_dense = dense(&mut rng);
                run_step = 2 + rng.below(5);
            } else if junction {
                if rng.unit() < T_JUNCTION_DROP {
                    t_junctions += 1;
                } else {
                    keep.push(cur);
                    since = 0;
                }
            } else if run_dense && since >= run_step {
                keep.push(cur);
                since = 0;
            }
        }
        // Start at the lowest, then leftmost kept vertex (corners are always kept).
        let start = (0..keep.len())
            .min_by_key(|&i| (keep[i].1, keep[i].0))
            .unwrap_or(0);
        keep.rotate_left(start);
        let decimals = if coarse[k] { 8 } else { 10 };
        let scale = 10f64.powi(decimals as i32);
        let mut ring: Vec<(f64, f64)> = keep
            .iter()
            .map(|&(gx, gy)| {
                let (lon, lat) = to_lonlat(gx, gy);
                ((lon * scale).round() / scale, (lat * scale).round() / scale)
            })
            .collect();
        ring.push(ring[0]);
        parcels.push(CadastralParcel {
            id: format!("c{}", k + 1),
            area_m2: area_m2[k],
            ring,
            decimals,
        });
    }
    let total_m2 = area_m2.iter().sum();
    let geojson = write_geojson(&parcels);
    CadastralFabric {
        parcels,
        neighbours,
        t_junctions,
        total_m2,
        geojson,
    }
}

/// The boundary of plot `k` as lattice points, counter-clockwise, starting at the lower-left
/// corner of its first cell (in row-major order), one point per unit step.
fn trace(label: &[u32], w: usize, h: usize, k: u32, first: usize) -> Vec<(i64, i64)> {
    let inside = |x: i64, y: i64| {
        x >= 0
            && y >= 0
            && (x as usize) < w
            && (y as usize) < h
            && label[y as usize * w + x as usize] == k
    };
    // The first cell in row-major order has no plot cell below it, so its bottom edge is on
    // the boundary, walked east.
    let (fx, fy) = ((first % w) as i64, (first / w) as i64);
    let start = (fx, fy);
    let mut pts = vec![start];
    let mut cur = start;
    let mut dir = (1i64, 0i64);
    loop {
        let next = (cur.0 + dir.0, cur.1 + dir.1);
        if next == start {
            break;
        }
        pts.push(next);
        cur = next;
        // Interior on the left: prefer turning left, then straight, then right.
        let left = (-dir.1, dir.0);
        let right = (dir.1, -dir.0);
        let cell_ahead_left = |p: (i64, i64), d: (i64, i64)| {
            // The cell on the left of the unit edge from p in direction d.
            match d {
                (1, 0) => inside(p.0, p.1),
                (0, 1) => inside(p.0 - 1, p.1),
                (-1, 0) => inside(p.0 - 1, p.1 - 1),
                _ => inside(p.0, p.1 - 1),
            }
        };
        let cell_ahead_right = |p: (i64, i64), d: (i64, i64)| match d {
            (1, 0) => inside(p.0, p.1 - 1),
            (0, 1) => inside(p.0, p.1),
            (-1, 0) => inside(p.0 - 1, p.1),
            _ => inside(p.0 - 1, p.1 - 1),
        };
        let ok = |d: (i64, i64)| cell_ahead_left(cur, d) && !cell_ahead_right(cur, d);
        dir = if ok(right) {
            right
        } else if ok(dir) {
            dir
        } else {
            left
        };
    }
    pts
}

fn write_geojson(parcels: &[CadastralParcel]) -> String {
    let mut s = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (i, p) in parcels.iter().enumerate() {
        write_feature(&mut s, &p.id, &[&p.ring], p.decimals);
        if i + 1 < parcels.len() {
            s.push(',');
        }
        s.push('\n');
    }
    s.push_str("]}\n");
    s
}

/// Appends one Polygon feature `id` (also its `id` property) with `rings` (shell first), every
/// coordinate written with `decimals` decimals.
pub(super) fn write_feature(s: &mut String, id: &str, rings: &[&[(f64, f64)]], decimals: usize) {
    let _ = write!(
        s,
        "{{\"type\":\"Feature\",\"id\":\"{id}\",\"properties\":{{\"id\":\"{id}\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":["
    );
    for (k, ring) in rings.iter().enumerate() {
        s.push_str(if k > 0 { ",[" } else { "[" });
        for (j, &(lon, lat)) in ring.iter().enumerate() {
            if j > 0 {
                s.push(',');
            }
            let _ = write!(s, "[{lon:.*},{lat:.*}]", decimals, decimals);
        }
        s.push(']');
    }
    s.push_str("]}}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_spec_gives_the_same_bytes_and_another_seed_another_fabric() {
        let a = generate_cadastral(&CadastralSpec::with_parcels(300, 5));
        let b = generate_cadastral(&CadastralSpec::with_parcels(300, 5));
        let c = generate_cadastral(&CadastralSpec::with_parcels(300, 6));
        assert_eq!(a.geojson, b.geojson);
        assert_ne!(a.geojson, c.geojson);
    }
}
