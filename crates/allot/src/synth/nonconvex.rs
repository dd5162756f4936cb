//! The non-convex fabric ([`FabricKind::NonConvex`]): octagons with jittered edge midpoints,
//! shared vertex for vertex, with injected overlaps of three kinds, gaps and invalid parcels.
//!
//! # The fabric
//! - Corners are the lattice vertices of the quadrilateral fabric (see the parent module), with
//!   the jitter clamped to [`MAX_JITTER`] of a cell.
//! - Every lattice edge gets one midpoint: the middle of its two corners, pushed across the edge
//!   by [`MID_MIN`] to [`MID_MAX`] of a cell, to one side or the other by a hash of the edge.
//!   The two cells on either side share that vertex bit for bit, so one of them has a reflex
//!   vertex there: about 15 cells in 16 are non-convex. Cell `(row, col)` is the ring
//!   `bl, bottom mid, br, right mid, tr, top mid, tl, left mid` (nine positions with the closing
//!   one), id `p{row}-{col}`, counter-clockwise, about 0.45 acre with [`CELL_M`] cells.
//! - Why every cell is simple: in cell units, corners lie within `MAX_JITTER` of the cell's
//!   corners and a midpoint within `MAX_JITTER + MID_MAX` (= 0.33 < 0.35) of its edge's line,
//!   so the bottom two edges lie below y = 0.35, the top two above 0.65, the left two left of
//!   x = 0.35 and the right two right of 0.65; each pair of non-adjacent edges is separated by
//!   one of these lines or meets only at a shared corner. The square `[0.4, 0.6]²` (in cell
//!   units) is therefore strictly inside every cell.
//!
//! # Injections (sites as in the parent module: 1 × 2 footprints, well apart)
//! Overlaps cycle through three kinds, each an extra parcel on site cell `P = (r, c)`:
//! - **duplicate** `p{r}-{c}-dup`: `P`'s ring again; overlaps `P` by all of `P`;
//! - **inside** `p{r}-{c}-inside`: the square `[0.4, 0.6]²` of `P`, strictly inside `P`;
//! - **union** `p{r}-{c}-union`: the ring around `P` and its right neighbour `Q` (all their
//!   vertices but the two on the edge they share); overlaps `P` by all of `P` and `Q` by all of
//!   `Q`, sharing every vertex with both (two overlapping pairs in the truth).
//!
//! Gaps leave out `P` (every second gap `P` and `Q`); invalid parcels are as in the parent
//! module. The truth's areas are geodesic areas of the exact rings written.

use super::*;

/// Cell size (m) of [`FabricSpec::nonconvex`]: about 0.45 acre per cell.
pub const CELL_M: f64 = 42.5;
/// Largest corner jitter (fraction of a cell) of a non-convex fabric.
pub const MAX_JITTER: f64 = 0.15;
/// Smallest push of an edge midpoint across its edge (fraction of a cell).
pub const MID_MIN: f64 = 0.08;
/// Largest push of an edge midpoint across its edge (fraction of a cell).
pub const MID_MAX: f64 = 0.18;

const SALT_MID_H: u64 = 6;
const SALT_MID_V: u64 = 7;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Injection {
    Duplicate,
    Inside,
    Union,
    Gap { double: bool },
}

/// The non-convex lattice: corners from [`Lattice`], plus edge midpoints.
struct Octagons {
    lattice: Lattice,
}

impl Octagons {
    fn new(spec: &FabricSpec) -> Self {
        let mut lattice = Lattice::new(spec);
        lattice.jitter = lattice.jitter.min(MAX_JITTER);
        Octagons { lattice }
    }

    /// Signed push (m) of the midpoint of an edge, from the edge's hash.
    fn push(&self, salt: u64, i: usize, j: usize) -> f64 {
        let h = hash(self.lattice.seed, salt, i as u64, j as u64);
        let size = MID_MIN + (MID_MAX - MID_MIN) * unit(h);
        let sign = if h & 1 == 0 { 1.0 } else { -1.0 };
        sign * size * self.lattice.cell_m
    }

    /// Midpoint of the horizontal edge from vertex (i, j) to (i, j + 1).
    fn mid_h(&self, i: usize, j: usize) -> Pt {
        let m = lerp(
            self.lattice.vertex(i, j),
            self.lattice.vertex(i, j + 1),
            0.5,
        );
        [
            m[0],
            m[1] + self.push(SALT_MID_H, i, j) * self.lattice.deg_per_m_lat,
        ]
    }

    /// Midpoint of the vertical edge from vertex (i, j) to (i + 1, j).
    fn mid_v(&self, i: usize, j: usize) -> Pt {
        let m = lerp(
            self.lattice.vertex(i, j),
            self.lattice.vertex(i + 1, j),
            0.5,
        );
        [
            m[0] + self.push(SALT_MID_V, i, j) * self.lattice.deg_per_m_lon,
            m[1],
        ]
    }

    /// Counter-clockwise ring of cell (row, col), not closed: bl, bm, br, rm, tr, tm, tl, lm.
    fn cell(&self, r: usize, c: usize) -> [Pt; 8] {
        let v = |i, j| self.lattice.vertex(i, j);
        [
            v(r, c),
            self.mid_h(r, c),
            v(r, c + 1),
            self.mid_v(r, c + 1),
            v(r + 1, c + 1),
            self.mid_h(r + 1, c),
            v(r + 1, c),
            self.mid_v(r, c),
        ]
    }

    /// Counter-clockwise ring around cells (r, c) and (r, c + 1), not closed.
    fn pair(&self, r: usize, c: usize) -> Vec<Pt> {
        let (p, q) = (self.cell(r, c), self.cell(r, c + 1));
        vec![
            p[0], p[1], p[2], q[1], q[2], q[3], q[4], q[5], q[6], p[5], p[6], p[7],
        ]
    }

    /// The square [0.4, 0.6]² of cell (r, c), counter-clockwise, not closed.
    fn inner_square(&self, r: usize, c: usize) -> [Pt; 4] {
        let s = self.lattice.cell_m;
        let (x, y) = (c as f64 * s, r as f64 * s);
        let at = |u: f64, v: f64| self.lattice.to_deg(x + u * s, y + v * s);
        [at(0.4, 0.4), at(0.6, 0.4), at(0.6, 0.6), at(0.4, 0.6)]
    }
}

/// Writes a [`FabricKind::NonConvex`] fabric (see the module documentation); `spec` is checked.
pub(super) fn write<W: Write>(spec: &FabricSpec, out: W) -> Result<Truth, SynthError> {
    let oct = Octagons::new(spec);
    let lattice = &oct.lattice;
    let wanted = spec.overlaps + spec.gaps;
    let mut by_cell: HashMap<(usize, usize), Injection> = HashMap::new();
    for (k, &cell) in site_cells(spec)[..wanted].iter().enumerate() {
        let inj = if k < spec.overlaps {
            [Injection::Duplicate, Injection::Inside, Injection::Union][k % 3]
        } else {
            Injection::Gap {
                double: (k - spec.overlaps) % 2 == 1,
            }
        };
        by_cell.insert(cell, inj);
    }
    let removed = |r: usize, c: usize| match by_cell.get(&(r, c)) {
        Some(Injection::Gap { .. }) => true,
        _ => c > 0 && by_cell.get(&(r, c - 1)) == Some(&Injection::Gap { double: true }),
    };

    let bands = spec.zones.max(1);
    let mut zone_area = vec![0.0; bands];
    let mut overlaps = Vec::new();
    let mut gaps = Vec::new();
    let mut w = BufWriter::with_capacity(1 << 20, out);
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut count = 0usize;
    let mut feat = String::with_capacity(1024);
    let mut texts: Vec<String> = Vec::new();
    let zone = |row: usize| (spec.zones > 0).then(|| lattice.zone_of(row, spec.zones));
    let mut emit = |w: &mut BufWriter<W>,
                    id: &str,
                    row: usize,
                    ring: &[Pt],
                    feat: &mut String,
                    texts: &mut Vec<String>|
     -> io::Result<f64> {
        texts.clear();
        for &p in ring {
            let mut t = String::with_capacity(40);
            write_pt(&mut t, p);
            texts.push(t);
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        feat.clear();
        push_feature_head(feat, id, zone(row), "Polygon");
        feat.push('[');
        push_ring(feat, &refs, false);
        feat.push(']');
        push_feature_tail(feat);
        if count > 0 {
            w.write_all(b",\n")?;
        }
        count += 1;
        w.write_all(feat.as_bytes())?;
        Ok(ring_area(ring))
    };

    for r in 0..spec.rows {
        let band = lattice.zone_of(r, bands);
        for c in 0..spec.cols {
            if removed(r, c) {
                continue;
            }
            let id = cell_id(r, c);
            let ring = oct.cell(r, c);
            zone_area[band] += emit(&mut w, &id, r, &ring, &mut feat, &mut texts)?;
            let mut overlap = |other: String, area_m2: f64| {
                let parcels = if id < other {
                    [id.clone(), other]
                } else {
                    [other, id.clone()]
                };
                overlaps.push(TrueOverlap { parcels, area_m2 });
            };
            match by_cell.get(&(r, c)) {
                Some(Injection::Duplicate) => {
                    let dup = format!("{id}-dup");
                    let a = emit(&mut w, &dup, r, &ring, &mut feat, &mut texts)?;
                    zone_area[band] += a;
                    overlap(dup, a);
                }
                Some(Injection::Inside) => {
                    let inside = format!("{id}-inside");
                    let sq = oct.inner_square(r, c);
                    let a = emit(&mut w, &inside, r, &sq, &mut feat, &mut texts)?;
                    zone_area[band] += a;
                    overlap(inside, a);
                }
                Some(Injection::Union) => {
                    let union = format!("{id}-union");
                    let a = emit(&mut w, &union, r, &oct.pair(r, c), &mut feat, &mut texts)?;
                    zone_area[band] += a;
                    let right = oct.cell(r, c + 1);
                    overlap(union.clone(), ring_area(&ring));
                    let q = cell_id(r, c + 1);
                    let parcels = if q < union { [q, union] } else { [union, q] };
                    overlaps.push(TrueOverlap {
                        parcels,
                        area_m2: ring_area(&right),
                    });
                }
                Some(Injection::Gap { .. }) | None => {}
            }
        }
    }
    // Gaps, in site order (row-major), with their areas and surrounding cells.
    let mut sites: Vec<_> = by_cell.iter().collect();
    sites.sort_by_key(|&(&cell, _)| cell);
    for (&(r, c), inj) in sites {
        let Injection::Gap { double } = *inj else {
            continue;
        };
        let width = if double { 2 } else { 1 };
        let area_m2 = if double {
            ring_area(&oct.pair(r, c))
        } else {
            ring_area(&oct.cell(r, c))
        };
        let around = gap_neighbours(r, c, width);
        let s = lattice.cell_m;
        // Inside the gap: the middle of the removed cell (or of the two cells' common edge
        // band), which lies in the square [0.4, 0.6]² of a removed cell or between two.
        let point = lattice.to_deg((c as f64 + 0.5 * width as f64) * s, (r as f64 + 0.5) * s);
        gaps.push(TrueGap {
            area_m2,
            removed: (c..c + width).map(|cc| cell_id(r, cc)).collect(),
            around,
            point: (point[0], point[1]),
        });
    }

    // Invalid parcels: as in the quadrilateral fabric, south of it.
    let per_row = (spec.cols / 3).max(1);
    for k in 0..spec.invalid {
        let (band, slot) = (k / per_row, k % per_row);
        let x0 = (3 * slot) as f64 * spec.cell_m;
        let y0 = -((3 + 3 * band) as f64) * spec.cell_m;
        let kind = InvalidKind::ALL[k % InvalidKind::ALL.len()];
        feat.clear();
        let ty = if kind == InvalidKind::OverlappingParts {
            "MultiPolygon"
        } else {
            "Polygon"
        };
        push_feature_head(&mut feat, &format!("x{k}"), None, ty);
        write_invalid(&mut feat, lattice, kind, x0, y0, spec.cell_m);
        push_feature_tail(&mut feat);
        if count > 0 {
            w.write_all(b",\n")?;
        }
        count += 1;
        w.write_all(feat.as_bytes())?;
    }
    w.write_all(b"\n]}\n")?;
    w.flush()?;
    let invalid = (0..spec.invalid)
        .map(|k| TrueInvalid {
            id: format!("x{k}"),
            kind: InvalidKind::ALL[k % InvalidKind::ALL.len()],
        })
        .collect();
    let zones = if spec.zones > 0 {
        zone_area
            .iter()
            .enumerate()
            .map(|(b, &a)| (format!("z{}", b + 1), a))
            .collect()
    } else {
        BTreeMap::new()
    };
    Ok(Truth {
        parcels: count,
        overlaps,
        gaps,
        invalid,
        total_area_m2: zone_area.iter().sum(),
        zones,
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::{area, parse, rel};
    use super::*;
    use geo::{
        BooleanOps, BoundingRect, Contains, ConvexHull, Intersects, MultiPolygon, Point, Validation,
    };

    fn spec() -> FabricSpec {
        FabricSpec {
            overlaps: 6,
            gaps: 4,
            invalid: 4,
            zones: 3,
            ..FabricSpec::nonconvex(900, 5)
        }
    }

    #[test]
    fn cells_are_valid_mostly_nonconvex_octagons_of_045_acre() {
        let (text, truth) = generate(&spec()).unwrap();
        let features = parse(&text);
        assert_eq!(features.len(), truth.parcels);
        let (mut cells, mut nonconvex, mut sum) = (0, 0, 0.0);
        for f in &features {
            let valid = f.geom.is_valid();
            assert_eq!(valid, !f.id.starts_with('x'), "{}", f.id);
            if f.id.starts_with('p') && !f.id.contains("-dup") && !f.id.contains("-union") {
                if f.id.contains("-inside") {
                    continue;
                }
                cells += 1;
                assert_eq!(f.geom.0[0].exterior().0.len(), 9, "{}", f.id);
                let a = area(&f.geom);
                // Corner jitter alone moves a cell's area by up to about ±70 %.
                assert!((a / 4046.856 - 0.45).abs() < 0.35, "{}: {a} m²", f.id);
                sum += a;
                if area(&MultiPolygon::new(vec![f.geom.convex_hull()])) > a * (1.0 + 1e-9) {
                    nonconvex += 1;
                }
            }
        }
        assert!(nonconvex * 100 > cells * 85, "{nonconvex} of {cells}");
        let mean_acres = sum / cells as f64 / 4046.856;
        assert!((mean_acres - 0.45).abs() < 0.01, "{mean_acres}");
        let expected: Vec<&str> = truth.invalid.iter().map(|t| t.id.as_str()).collect();
        let invalid: Vec<&str> = features
            .iter()
            .filter(|f| !f.geom.is_valid())
            .map(|f| f.id.as_str())
            .collect();
        assert_eq!(invalid, expected);
        // Total and zone areas are the sums over valid parcels.
        let mut zones: BTreeMap<String, f64> = BTreeMap::new();
        for f in features.iter().filter(|f| f.geom.is_valid()) {
            *zones.entry(f.zone.clone().unwrap()).or_default() += area(&f.geom);
        }
        for (name, a) in &zones {
            assert!(rel(*a, truth.zones[name]) < 1e-9, "{name}");
        }
    }

    /// Brute force over every pair with touching boxes: the exact intersections with a
    /// positive area are exactly the truth's overlaps, with its areas.
    #[test]
    fn overlaps_are_exactly_the_truth_by_brute_force() {
        let (text, truth) = generate(&spec()).unwrap();
        let features: Vec<_> = parse(&text)
            .into_iter()
            .filter(|f| f.geom.is_valid())
            .collect();
        let boxes: Vec<_> = features
            .iter()
            .map(|f| f.geom.bounding_rect().unwrap())
            .collect();
        let mut found = BTreeMap::new();
        for i in 0..features.len() {
            for j in i + 1..features.len() {
                if !boxes[i].intersects(&boxes[j]) {
                    continue;
                }
                let a = area(&features[i].geom.intersection(&features[j].geom));
                if a > 1e-6 {
                    let mut pair = [features[i].id.clone(), features[j].id.clone()];
                    pair.sort();
                    found.insert(pair, a);
                }
            }
        }
        // 6 overlaps cycling duplicate, inside, union (two pairs): 8 pairs.
        assert_eq!(truth.overlaps.len(), 8);
        assert_eq!(found.len(), truth.overlaps.len(), "{found:?}");
        for o in &truth.overlaps {
            let got = found[&o.parcels];
            assert!(
                rel(got, o.area_m2) < 1e-6,
                "{:?}: {got} vs {}",
                o.parcels,
                o.area_m2
            );
        }
    }

    #[test]
    fn gaps_are_the_holes_of_the_union() {
        let (text, truth) = generate(&spec()).unwrap();
        let features = parse(&text);
        let by_id: HashMap<&str, _> = features.iter().map(|f| (f.id.as_str(), f)).collect();
        assert_eq!(truth.gaps.len(), 4);
        for g in &truth.gaps {
            let around: Vec<&MultiPolygon> =
                g.around.iter().map(|id| &by_id[id.as_str()].geom).collect();
            let union = geo::unary_union(around);
            let holes = union.0[0].interiors();
            assert_eq!((union.0.len(), holes.len()), (1, 1));
            let hole = Polygon::new(holes[0].clone(), vec![]);
            assert!(rel(hole.geodesic_area_signed().abs(), g.area_m2) < 1e-6);
            assert!(hole.contains(&Point::new(g.point.0, g.point.1)));
        }
    }

    #[test]
    fn deterministic_and_seeded() {
        let a = generate(&spec()).unwrap().0;
        assert_eq!(a, generate(&spec()).unwrap().0);
        let other = FabricSpec { seed: 6, ..spec() };
        assert_ne!(a, generate(&other).unwrap().0);
    }
}
