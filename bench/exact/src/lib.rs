//! Exact checker for `allot plan`: the minimum-perimeter contiguous set of whole parcels whose
//! area lies in a band, by exhaustive enumeration of connected sets, and random fabrics to run
//! it on.
//!
//! Enumeration is ESU (Wernicke 2006): every connected set containing an anchor `v` and only
//! nodes after `v` is produced exactly once, by extending with nodes from an extension list
//! that only takes *exclusive* neighbours of each newly added node. Two prunings, both safe:
//! a set whose area exceeds the band's top cannot grow back into it (areas are positive), and
//! the perimeter of any set containing `S` is at least the perimeter of the convex hull of `S`
//! (a union of parcels has a perimeter no shorter than its convex hull's), so a branch whose
//! hull is already longer than the best found is cut. The hull is measured in local metres
//! (equirectangular at the fabric's mean latitude; over a few km its scale error is ~1e-4),
//! and pruning uses 0.999 × hull to stay on the safe side. Like the planner, a set only counts
//! when the land outside it stays in one piece.

#![forbid(unsafe_code)]

use allot::Adjacency;
use allot::ParcelIndex;
use allot::ParcelSet;
use allot::geodesy::{M2_PER_ACRE, area_m2, perimeter_m};
use geo::{ConvexHull, Coord, MultiPoint, Point};

/// The parcel graph with what the enumeration needs.
pub struct ExactGraph {
    /// Areas in acres.
    pub area: Vec<f64>,
    /// Perimeters in metres.
    pub perim: Vec<f64>,
    /// Neighbours and shared metres, sorted.
    pub adj: Vec<Vec<(usize, f64)>>,
    /// Each parcel's exterior vertices in local metres.
    pub pts: Vec<Vec<Coord<f64>>>,
}

impl ExactGraph {
    /// Builds the graph of a parcel set (same adjacency and geodesy as the planner).
    pub fn build(set: &ParcelSet) -> Self {
        let geoms: Vec<_> = set.parcels.iter().map(|p| &p.geometry).collect();
        let index = ParcelIndex::build(geoms.iter().copied());
        let adj = Adjacency::build(&geoms, &index).neighbours;
        let lat0 = set.parcels.iter().map(|p| p.bbox().center().y).sum::<f64>()
            / set.parcels.len().max(1) as f64;
        // Metres per degree on WGS84 at lat0 (meridional and prime-vertical radii).
        let (a, e2) = (6_378_137.0f64, 0.006_694_379_990_14f64);
        let s = lat0.to_radians().sin();
        let w = (1.0 - e2 * s * s).sqrt();
        let m_lat = a * (1.0 - e2) / (w * w * w) * std::f64::consts::PI / 180.0;
        let m_lon = a / w * lat0.to_radians().cos() * std::f64::consts::PI / 180.0;
        let pts = set
            .parcels
            .iter()
            .map(|p| {
                p.geometry
                    .0
                    .iter()
                    .flat_map(|poly| poly.exterior().0.iter())
                    .map(|c| Coord {
                        x: c.x * m_lon,
                        y: c.y * m_lat,
                    })
                    .collect()
            })
            .collect();
        ExactGraph {
            area: geoms.iter().map(|g| area_m2(g) / M2_PER_ACRE).collect(),
            perim: geoms.iter().map(|g| perimeter_m(g)).collect(),
            adj,
            pts,
        }
    }

    fn shared(&self, i: usize, j: usize) -> f64 {
        self.adj[i]
            .binary_search_by(|e| e.0.cmp(&j))
            .map(|k| self.adj[i][k].1)
            .unwrap_or(0.0)
    }
}

fn hull(points: &[Coord<f64>]) -> (Vec<Coord<f64>>, f64) {
    let mp = MultiPoint(points.iter().map(|&c| Point(c)).collect());
    let h = mp.convex_hull();
    let ring = &h.exterior().0;
    let mut per = 0.0;
    for w in ring.windows(2) {
        per += ((w[1].x - w[0].x).powi(2) + (w[1].y - w[0].y).powi(2)).sqrt();
    }
    let mut pts = ring.clone();
    pts.pop();
    (pts, per)
}

/// The result of an exact search.
#[derive(Debug, Clone)]
pub struct Exact {
    /// The minimum perimeter (m), or the incumbent when nothing better exists.
    pub perim: f64,
    /// The members of the best set found (empty when the incumbent was not beaten).
    pub members: Vec<usize>,
    /// Enumeration nodes visited.
    pub nodes: u64,
    /// True when the enumeration finished within its node budget (the result is proven).
    pub proven: bool,
}

struct Search<'g> {
    g: &'g ExactGraph,
    lo: f64,
    hi: f64,
    best: f64,
    best_set: Vec<usize>,
    nodes: u64,
    budget: u64,
    in_s: Vec<bool>,
    near: Vec<u32>, // members of S or adjacent to S (count)
    s: Vec<usize>,
}

impl Search<'_> {
    /// The planner keeps the land outside a zone in one piece (so retained land is
    /// contiguous); the optimum is taken under the same rule.
    fn rest_connected(&self) -> bool {
        let n = self.g.area.len();
        let Some(start) = (0..n).find(|&v| !self.in_s[v]) else {
            return true;
        };
        let mut seen = vec![false; n];
        seen[start] = true;
        let mut stack = vec![start];
        let mut count = 1;
        while let Some(v) = stack.pop() {
            for &(w, _) in &self.g.adj[v] {
                if !self.in_s[w] && !seen[w] {
                    seen[w] = true;
                    count += 1;
                    stack.push(w);
                }
            }
        }
        count + self.s.len() == n
    }

    fn rec(
        &mut self,
        anchor: usize,
        ext: Vec<usize>,
        area: f64,
        perim: f64,
        hull_pts: Vec<Coord<f64>>,
    ) {
        self.nodes += 1;
        if self.nodes > self.budget {
            return;
        }
        if area >= self.lo && area <= self.hi && perim < self.best && self.rest_connected() {
            self.best = perim;
            self.best_set = self.s.clone();
        }
        let mut ext = ext;
        while let Some(w) = ext.pop() {
            if area + self.g.area[w] > self.hi {
                continue;
            }
            let mut pts = hull_pts.clone();
            pts.extend_from_slice(&self.g.pts[w]);
            let (hp, hper) = hull(&pts);
            if 0.999 * hper >= self.best {
                continue;
            }
            let mut shared = 0.0;
            for &m in &self.s {
                shared += self.g.shared(m, w);
            }
            let new_perim = perim + self.g.perim[w] - 2.0 * shared;
            // Exclusive neighbours of w: after the anchor, not in S and not next to S.
            let mut new_ext = ext.clone();
            for &(u, _) in &self.g.adj[w] {
                if u > anchor && self.near[u] == 0 && !self.in_s[u] {
                    new_ext.push(u);
                }
            }
            self.in_s[w] = true;
            self.s.push(w);
            self.near[w] += 1;
            for &(u, _) in &self.g.adj[w] {
                self.near[u] += 1;
            }
            self.rec(anchor, new_ext, area + self.g.area[w], new_perim, hp);
            self.in_s[w] = false;
            self.s.pop();
            self.near[w] -= 1;
            for &(u, _) in &self.g.adj[w] {
                self.near[u] -= 1;
            }
        }
    }
}

/// The minimum perimeter over connected sets with area in `[lo, hi]` acres, starting from the
/// incumbent perimeter `incumbent` (only strictly better sets are reported).
pub fn min_perimeter(g: &ExactGraph, lo: f64, hi: f64, incumbent: f64, budget: u64) -> Exact {
    let n = g.area.len();
    let mut s = Search {
        g,
        lo,
        hi,
        best: incumbent,
        best_set: Vec::new(),
        nodes: 0,
        budget,
        in_s: vec![false; n],
        near: vec![0; n],
        s: Vec::new(),
    };
    for v in 0..n {
        if g.area[v] > hi {
            continue;
        }
        let (hp, hper) = hull(&g.pts[v]);
        if 0.999 * hper >= s.best {
            continue;
        }
        s.in_s[v] = true;
        s.s.push(v);
        s.near[v] += 1;
        for &(u, _) in &g.adj[v] {
            s.near[u] += 1;
        }
        let ext: Vec<usize> = g.adj[v].iter().map(|e| e.0).filter(|&u| u > v).collect();
        s.rec(v, ext, g.area[v], g.perim[v], hp);
        s.in_s[v] = false;
        s.s.pop();
        s.near[v] -= 1;
        for &(u, _) in &g.adj[v] {
            s.near[u] -= 1;
        }
        if s.nodes > budget {
            break;
        }
    }
    let mut members = s.best_set.clone();
    members.sort_unstable();
    Exact {
        perim: s.best,
        members,
        nodes: s.nodes,
        proven: s.nodes <= budget,
    }
}

/// SplitMix64.
pub struct Rng(pub u64);
impl Rng {
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// An irregular fabric: a jittered lattice of `cols × rows` cells of `cell_m` metres, with
/// cells merged into parcels of 1 to 5 cells grown at random (rings keep every lattice vertex,
/// so neighbours share vertices exactly). Returns GeoJSON text.
pub fn merged_fabric(cols: usize, rows: usize, cell_m: f64, seed: u64) -> String {
    let mut rng = Rng(seed.wrapping_mul(0x2545_F491_4F6C_DD1D) ^ 0xABCD);
    let (lon0, lat0) = (67.30f64, 24.78f64);
    let m_lat = 110_760.0;
    let m_lon = 111_320.0 * lat0.to_radians().cos();
    let mut vert = vec![vec![(0.0, 0.0); cols + 1]; rows + 1];
    for (i, row) in vert.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            let border_i = i == 0 || i == rows;
            let border_j = j == 0 || j == cols;
            let dx = if border_j {
                0.0
            } else {
                (rng.unit() - 0.5) * 0.4 * cell_m
            };
            let dy = if border_i {
                0.0
            } else {
                (rng.unit() - 0.5) * 0.4 * cell_m
            };
            let x = j as f64 * cell_m + dx;
            let y = i as f64 * cell_m + dy;
            *v = (lon0 + x / m_lon, lat0 + y / m_lat);
        }
    }
    // Grow regions.
    let mut region = vec![usize::MAX; rows * cols];
    let mut regions: Vec<Vec<usize>> = Vec::new();
    for start in 0..rows * cols {
        if region[start] != usize::MAX {
            continue;
        }
        let size = 1 + (rng.unit() * 5.0) as usize;
        let id = regions.len();
        let mut cells = vec![start];
        region[start] = id;
        while cells.len() < size {
            let mut cand = Vec::new();
            for &c in &cells {
                let (r, k) = (c / cols, c % cols);
                if k + 1 < cols {
                    cand.push(c + 1);
                }
                if r + 1 < rows {
                    cand.push(c + cols);
                }
                if k > 0 {
                    cand.push(c - 1);
                }
            }
            cand.retain(|&c| region[c] == usize::MAX);
            if cand.is_empty() {
                break;
            }
            let pick = cand[(rng.unit() * cand.len() as f64) as usize % cand.len()];
            region[pick] = id;
            cells.push(pick);
        }
        regions.push(cells);
    }
    // Trace each region's boundary; regions whose boundary is not one simple loop fall back to
    // single cells.
    let mut rings: Vec<Vec<(usize, usize)>> = Vec::new();
    for cells in &regions {
        match trace(cells, cols) {
            Some(r) => rings.push(r),
            None => {
                for &c in cells {
                    rings.push(trace(&[c], cols).unwrap_or_default());
                }
            }
        }
    }
    let mut features = Vec::new();
    for (k, ring) in rings.iter().enumerate() {
        let coords: Vec<String> = ring
            .iter()
            .chain(ring.first())
            .map(|&(i, j)| format!("[{},{}]", vert[i][j].0, vert[i][j].1))
            .collect();
        features.push(format!(
            r#"{{"type":"Feature","id":"m{k}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
            coords.join(",")
        ));
    }
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

/// Directed boundary edges between lattice vertices (row, col).
type EdgeSet = std::collections::BTreeMap<((usize, usize), (usize, usize)), ()>;

/// The counter-clockwise boundary of a set of cells as lattice vertices (row, col), or None
/// when it is not a single simple loop.
fn trace(cells: &[usize], cols: usize) -> Option<Vec<(usize, usize)>> {
    use std::collections::BTreeMap;
    let mut edges: EdgeSet = BTreeMap::new();
    for &c in cells {
        let (r, k) = (c / cols, c % cols);
        let ring = [(r, k), (r, k + 1), (r + 1, k + 1), (r + 1, k)];
        for t in 0..4 {
            let (a, b) = (ring[t], ring[(t + 1) % 4]);
            if edges.remove(&(b, a)).is_none() {
                edges.insert((a, b), ());
            }
        }
    }
    let mut next: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
    for &(a, b) in edges.keys() {
        if next.insert(a, b).is_some() {
            return None; // pinch vertex
        }
    }
    let start = *next.keys().next()?;
    let mut out = vec![start];
    let mut v = next[&start];
    while v != start {
        out.push(v);
        v = *next.get(&v)?;
        if out.len() > next.len() {
            return None;
        }
    }
    (out.len() == next.len()).then_some(out)
}
