//! Synthetic parcel fabrics with ground truth.
//!
//! Two generators: the jittered lattice with injected problems described below (this file), and
//! [`cadastral`], real-data-like fabrics (estates among house plots, non-convex plots, slivers,
//! T-junctions, mixed vertex density and rounding) with their exact grid truth.
//!
//! This module owns the generator used by tests, benchmarks and the future `allot generate`
//! subcommand: a jittered lattice of quadrilateral parcels written as a GeoJSON
//! `FeatureCollection`, with a known number of injected problems (overlapping pairs, gaps,
//! invalid geometries) and a [`Truth`] that says exactly what a validator must find.
//!
//! # The fabric
//! - Lattice vertex `(i, j)` (row `i` in `0..=rows`, column `j` in `0..=cols`) sits at
//!   `(j·cell_m, i·cell_m)` metres from `origin`, moved by up to `jitter·cell_m` on each axis by
//!   a hash of `(seed, i, j)`; metres become degrees with the latitude of `origin`
//!   (`cos(lat)` for longitude). Every vertex is computable on its own, so the writer streams.
//! - Cell `(row, col)` is the quadrilateral of vertices `(row, col)`, `(row, col+1)`,
//!   `(row+1, col+1)`, `(row+1, col)`, id `p{row}-{col}`. Neighbours share vertices bit for bit
//!   (coordinates are written with Rust's shortest round-trip `f64` formatting). `jitter` is
//!   clamped to `[0, 0.24]`, which keeps every cell strictly convex.
//! - Variety, on cells away from any injection: about 1 % of cells each are written as a
//!   one-part `MultiPolygon`, with clockwise rings, with 3D positions `[lon, lat, 0.0]`, or with
//!   a hole that is filled exactly by an extra parcel `p{row}-{col}-in`. None of these is a
//!   problem a validator should report.
//!
//! # Injections
//! Sites are taken from a lattice of cells 6 rows and 7 columns apart, away from the border, and
//! shuffled with the seed, so no two injections come within 4 cells of each other and none
//! touches the border. Asking for more overlaps + gaps than there are sites is an error
//! ([`SynthError::TooManyInjections`]); [`FabricSpec::capacity`] says how many fit.
//! - **Overlap**: cell `P = (r, c)` grows into its right neighbour `Q = (r, c+1)` by a fraction
//!   `t` in `[0.05, 0.5)` along `Q`'s bottom and top edges. `P ∩ Q` is exactly the quadrilateral
//!   `[old_br, new_br, new_tr, old_tr]`; `P` only touches every other parcel. The two new
//!   vertices are inserted into the rings of `Q` and of the cells above and below `Q` too, so
//!   the fabric stays noded (no vertex of one parcel lies on another's edge only approximately).
//! - **Gap**: an interior cell is left out (every second gap leaves out two cells side by side).
//!   The hole in the fabric is exactly the missing cell(s).
//! - **Invalid**: extra, isolated parcels `x{k}` in rows below the fabric (at least two cells
//!   away from it and from each other) so they cannot blur overlap or gap truth. Kinds cycle
//!   through [`InvalidKind`]. They carry no `zone`.
//!
//! Output is a pure function of the spec: the same [`FabricSpec`] gives byte-identical text.

pub mod cadastral;
pub mod cadastral_defects;

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};

use geo::{Coord, GeodesicArea, LineString, Polygon};
use serde::Serialize;

pub mod nonconvex;
/// Largest jitter (fraction of a cell) that keeps every cell strictly convex.
const MAX_JITTER: f64 = 0.24;
/// Site lattice spacing in rows and columns (footprints are 1 row × 2 columns).
const SITE_ROW_STEP: usize = 6;
const SITE_COL_STEP: usize = 7;
/// First site row and column.
const SITE_START: usize = 2;
/// Scale of the inner parcel that fills a hole, relative to its cell.
const HOLE_SCALE: f64 = 0.4;

/// What to generate.
///
/// ```
/// use allot::synth::FabricSpec;
/// let spec = FabricSpec { overlaps: 2, gaps: 1, invalid: 1, ..FabricSpec::with_parcels(400, 7) };
/// assert_eq!((spec.cols, spec.rows), (20, 20));
/// assert!(spec.capacity() >= 3);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FabricSpec {
    /// Cells per row.
    pub cols: usize,
    /// Rows of cells.
    pub rows: usize,
    /// Nominal cell size in metres.
    pub cell_m: f64,
    /// South-west corner of the lattice, `(lon, lat)` in degrees.
    pub origin: (f64, f64),
    /// Largest vertex displacement on each axis, as a fraction of `cell_m` (clamped to `[0, 0.24]`).
    pub jitter: f64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of overlapping pairs to inject.
    pub overlaps: usize,
    /// Number of gaps to inject (every second one removes two adjacent cells).
    pub gaps: usize,
    /// Number of invalid parcels to add below the fabric.
    pub invalid: usize,
    /// `0`: no `zone` property; else zones `z1..zN` in bands of whole rows, `z1` at the south.
    pub zones: usize,
    /// Which parcel shapes: the quadrilateral lattice or the non-convex one.
    pub kind: FabricKind,
}

/// The shape of a fabric's parcels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum FabricKind {
    /// Jittered quadrilaterals (strictly convex), with the variety and injections described in
    /// the module documentation.
    #[default]
    Quad,
    /// Octagons with jittered edge midpoints, mostly non-convex (see [`nonconvex`]).
    NonConvex,
}

impl Default for FabricSpec {
    fn default() -> Self {
        FabricSpec {
            cols: 10,
            rows: 10,
            cell_m: 100.0,
            origin: (67.30, 24.78),
            jitter: 0.2,
            seed: 0,
            overlaps: 0,
            gaps: 0,
            invalid: 0,
            zones: 0,
            kind: FabricKind::Quad,
        }
    }
}

impl FabricSpec {
    /// A clean, near-square fabric of at least `n` cells (`cols = ⌈√n⌉`, `rows = ⌈n / cols⌉`),
    /// 100 m cells near 67.30 E 24.78 N, no injections and no zones.
    ///
    /// ```
    /// use allot::synth::FabricSpec;
    /// let spec = FabricSpec::with_parcels(1_000_000, 1);
    /// assert_eq!(spec.cols * spec.rows, 1_000_000);
    /// ```
    pub fn with_parcels(n: usize, seed: u64) -> Self {
        let n = n.max(1);
        let mut cols = n.isqrt();
        if cols * cols < n {
            cols += 1;
        }
        let rows = n.div_ceil(cols);
        FabricSpec {
            cols,
            rows,
            seed,
            ..FabricSpec::default()
        }
    }

    /// A clean non-convex fabric ([`FabricKind::NonConvex`]) of at least `n` cells, laid out as
    /// [`FabricSpec::with_parcels`] but with cells of [`nonconvex::CELL_M`] (about 0.45 acre)
    /// and corner jitter [`nonconvex::MAX_JITTER`].
    ///
    /// ```
    /// use allot::synth::{FabricKind, FabricSpec};
    /// let spec = FabricSpec::nonconvex(10_000, 1);
    /// assert_eq!((spec.cols, spec.rows, spec.kind), (100, 100, FabricKind::NonConvex));
    /// ```
    pub fn nonconvex(n: usize, seed: u64) -> Self {
        FabricSpec {
            cell_m: nonconvex::CELL_M,
            jitter: nonconvex::MAX_JITTER,
            kind: FabricKind::NonConvex,
            ..FabricSpec::with_parcels(n, seed)
        }
    }

    /// How many overlaps + gaps fit on this grid with the spacing rules.
    ///
    /// ```
    /// use allot::synth::FabricSpec;
    /// assert_eq!(FabricSpec { cols: 5, rows: 5, ..FabricSpec::default() }.capacity(), 0);
    /// assert_eq!(FabricSpec { cols: 60, rows: 60, ..FabricSpec::default() }.capacity(), 80);
    /// ```
    pub fn capacity(&self) -> usize {
        let site_rows = count_steps(self.rows.saturating_sub(3), SITE_ROW_STEP);
        let site_cols = count_steps(self.cols.saturating_sub(4), SITE_COL_STEP);
        site_rows * site_cols
    }

    fn check(&self) -> Result<(), SynthError> {
        let bad = |why: &str| Err(SynthError::BadSpec(why.to_owned()));
        if self.cols == 0 || self.rows == 0 {
            return bad("cols and rows must be at least 1");
        }
        if !(self.cell_m.is_finite() && self.cell_m > 0.0) {
            return bad("cell_m must be a positive number");
        }
        let (lon, lat) = self.origin;
        let height_deg = self.rows as f64 * self.cell_m / metres_per_degree();
        if !(lon.is_finite() && lat.is_finite()) || lat.abs() + height_deg > 80.0 {
            return bad(
                "origin must be finite and the fabric must stay within 80 degrees of the equator",
            );
        }
        if !self.jitter.is_finite() {
            return bad("jitter must be finite");
        }
        if self.zones > self.rows {
            return bad("zones must not exceed rows (zones are bands of whole rows)");
        }
        self.check_capacity()
    }

    /// Fails with [`SynthError::TooManyInjections`] when more overlaps + gaps are asked for
    /// than [`FabricSpec::capacity`] allows (a caller can check this before creating a file).
    pub fn check_capacity(&self) -> Result<(), SynthError> {
        let requested = self.overlaps + self.gaps;
        let capacity = self.capacity();
        if requested > capacity {
            return Err(SynthError::TooManyInjections {
                requested,
                capacity,
            });
        }
        Ok(())
    }
}

/// Number of values `SITE_START + k·step` that are `<= last`.
fn count_steps(last: usize, step: usize) -> usize {
    if last < SITE_START {
        0
    } else {
        (last - SITE_START) / step + 1
    }
}

/// Metres per degree on the mean-radius sphere, used to turn metres into degrees; only the
/// scale of the fabric depends on it.
fn metres_per_degree() -> f64 {
    crate::geodesy::MEAN_EARTH_RADIUS_M * std::f64::consts::PI / 180.0
}

/// Why a fabric could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The spec makes no sense (message says which field).
    #[error("bad fabric spec: {0}")]
    BadSpec(String),
    /// More overlaps + gaps were asked for than fit with the spacing rules.
    #[error("{requested} overlaps + gaps requested, but this grid has room for {capacity}")]
    TooManyInjections {
        /// overlaps + gaps asked for
        requested: usize,
        /// what [`FabricSpec::capacity`] allows
        capacity: usize,
    },
    /// Writing failed.
    #[error("writing the fabric: {0}")]
    Io(#[from] io::Error),
}

/// The kinds of invalid parcel the generator adds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidKind {
    /// Two vertices swapped: the ring crosses itself.
    BowTie,
    /// A hole that lies entirely outside the shell.
    HoleOutsideShell,
    /// A ring that passes through one of its own vertices twice (touches itself at a point).
    SelfTouchingRing,
    /// A MultiPolygon whose two parts overlap.
    OverlappingParts,
}

impl InvalidKind {
    /// All kinds, in the order the generator cycles through them.
    pub const ALL: [InvalidKind; 4] = [
        InvalidKind::BowTie,
        InvalidKind::HoleOutsideShell,
        InvalidKind::SelfTouchingRing,
        InvalidKind::OverlappingParts,
    ];

    /// The snake_case name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            InvalidKind::BowTie => "bow_tie",
            InvalidKind::HoleOutsideShell => "hole_outside_shell",
            InvalidKind::SelfTouchingRing => "self_touching_ring",
            InvalidKind::OverlappingParts => "overlapping_parts",
        }
    }
}

/// An injected overlap: `parcels[0] < parcels[1]` as strings.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrueOverlap {
    /// The two parcel ids, sorted as strings.
    pub parcels: [String; 2],
    /// Geodesic (WGS84) area of the intersection, m².
    pub area_m2: f64,
}

/// An injected gap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrueGap {
    /// Geodesic (WGS84) area of the hole in the fabric, m².
    pub area_m2: f64,
    /// Ids of the cells left out (one or two).
    pub removed: Vec<String>,
    /// Ids of the parcels sharing an edge or a vertex with the hole, sorted as strings.
    pub around: Vec<String>,
    /// A point strictly inside the hole, `(lon, lat)`.
    pub point: (f64, f64),
}

/// An injected invalid parcel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrueInvalid {
    /// Parcel id (`x{k}`).
    pub id: String,
    /// What is wrong with it.
    pub kind: InvalidKind,
}

/// What a correct validator must report for a generated fabric.
///
/// Areas are geodesic on WGS84 (`geo::GeodesicArea`, absolute value per ring), over **valid**
/// parcels only; invalid parcels count in `parcels` and nowhere else.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Truth {
    /// Number of features written (cells, hole fillers, invalid parcels).
    pub parcels: usize,
    /// Injected overlaps, in file order of the overlapping cell.
    pub overlaps: Vec<TrueOverlap>,
    /// Injected gaps, in file order of the first removed cell.
    pub gaps: Vec<TrueGap>,
    /// Invalid parcels, in file order.
    pub invalid: Vec<TrueInvalid>,
    /// Sum of the areas of all valid parcels, m² (overlaps count twice, as summing does).
    pub total_area_m2: f64,
    /// Sum of the areas of the valid parcels of each zone, m² (empty when `zones == 0`).
    pub zones: BTreeMap<String, f64>,
}

/// Writes the fabric as a GeoJSON FeatureCollection to `out` (buffered internally) and returns
/// its [`Truth`]. Streams: memory use does not grow with the number of parcels.
///
/// ```
/// use allot::synth::{write_fabric, FabricSpec};
/// let spec = FabricSpec { overlaps: 1, gaps: 1, invalid: 2, ..FabricSpec::with_parcels(400, 3) };
/// let mut text = Vec::new();
/// let truth = write_fabric(&spec, &mut text).unwrap();
/// assert!(truth.parcels >= 400 - 1 + 2); // cells - gap + hole fillers + invalid
/// assert_eq!(truth.overlaps.len(), 1);
/// assert!(text.starts_with(b"{\"type\":\"FeatureCollection\""));
/// ```
pub fn write_fabric<W: Write>(spec: &FabricSpec, out: W) -> Result<Truth, SynthError> {
    spec.check()?;
    if spec.kind == FabricKind::NonConvex {
        return nonconvex::write(spec, out);
    }
    let lattice = Lattice::new(spec);
    let plan = Plan::new(spec, &lattice);
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let parcels = write_features(spec, &lattice, &plan, &mut w)?;
    w.flush()?;
    Ok(plan.into_truth(spec, &lattice, parcels))
}

/// [`write_fabric`] into a `String`: for tests and small fabrics.
///
/// ```
/// use allot::synth::{generate, FabricSpec};
/// let spec = FabricSpec { gaps: 1, ..FabricSpec::with_parcels(100, 1) };
/// let (text, truth) = generate(&spec).unwrap();
/// assert_eq!(generate(&spec).unwrap().0, text); // deterministic
/// assert_eq!(truth.gaps[0].removed.len(), 1);
/// ```
pub fn generate(spec: &FabricSpec) -> Result<(String, Truth), SynthError> {
    let mut buf = Vec::new();
    let truth = write_fabric(spec, &mut buf)?;
    let text = String::from_utf8(buf).expect("the generator writes ASCII only");
    Ok((text, truth))
}

// ---------------------------------------------------------------------------------------------
// Randomness: SplitMix64 finaliser over (seed, salt, a, b), so any value is computable alone.

pub(crate) fn mix(z: u64) -> u64 {
    crate::util::mix::mix(z.wrapping_add(crate::util::mix::GOLDEN_GAMMA))
}

fn hash(seed: u64, salt: u64, a: u64, b: u64) -> u64 {
    mix(mix(mix(seed ^ salt.wrapping_mul(0xD6E8_FEB8_6659_FD93)) ^ a) ^ b)
}

/// A uniform value in `[0, 1)`.
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

const SALT_JITTER_X: u64 = 1;
const SALT_JITTER_Y: u64 = 2;
const SALT_VARIETY: u64 = 3;
const SALT_SHUFFLE: u64 = 4;
const SALT_T: u64 = 5;

// ---------------------------------------------------------------------------------------------
// Geometry of the lattice.

type Pt = [f64; 2];

struct Lattice {
    rows: usize,
    cols: usize,
    seed: u64,
    cell_m: f64,
    jitter: f64,
    origin: Pt,
    deg_per_m_lon: f64,
    deg_per_m_lat: f64,
}

impl Lattice {
    fn new(spec: &FabricSpec) -> Self {
        let deg_per_m_lat = 1.0 / metres_per_degree();
        Lattice {
            rows: spec.rows,
            cols: spec.cols,
            seed: spec.seed,
            cell_m: spec.cell_m,
            jitter: spec.jitter.clamp(0.0, MAX_JITTER),
            origin: [spec.origin.0, spec.origin.1],
            deg_per_m_lon: deg_per_m_lat / spec.origin.1.to_radians().cos(),
            deg_per_m_lat,
        }
    }

    /// Metres east and north of the origin to `[lon, lat]`.
    fn to_deg(&self, x_m: f64, y_m: f64) -> Pt {
        [
            self.origin[0] + x_m * self.deg_per_m_lon,
            self.origin[1] + y_m * self.deg_per_m_lat,
        ]
    }

    /// Lattice vertex (row `i`, column `j`), jittered.
    fn vertex(&self, i: usize, j: usize) -> Pt {
        let (a, b) = (i as u64, j as u64);
        let amp = self.jitter * self.cell_m;
        let dx = (2.0 * unit(hash(self.seed, SALT_JITTER_X, a, b)) - 1.0) * amp;
        let dy = (2.0 * unit(hash(self.seed, SALT_JITTER_Y, a, b)) - 1.0) * amp;
        self.to_deg(j as f64 * self.cell_m + dx, i as f64 * self.cell_m + dy)
    }

    /// Counter-clockwise corners of cell (row, col): bl, br, tr, tl.
    fn cell(&self, row: usize, col: usize) -> [Pt; 4] {
        [
            self.vertex(row, col),
            self.vertex(row, col + 1),
            self.vertex(row + 1, col + 1),
            self.vertex(row + 1, col),
        ]
    }

    /// Area of the band of rows `r0..r1` (the whole band as one polygon).
    fn band_area(&self, r0: usize, r1: usize) -> f64 {
        let mut ring = Vec::with_capacity(2 * (self.cols + r1 - r0) + 1);
        ring.extend((0..=self.cols).map(|j| self.vertex(r0, j)));
        ring.extend((r0 + 1..=r1).map(|i| self.vertex(i, self.cols)));
        ring.extend((0..self.cols).rev().map(|j| self.vertex(r1, j)));
        ring.extend((r0 + 1..r1).rev().map(|i| self.vertex(i, 0)));
        ring_area(&ring)
    }

    fn zone_of(&self, row: usize, zones: usize) -> usize {
        row * zones / self.rows
    }
}

/// Geodesic area of a ring (absolute value; the ring need not be closed).
fn ring_area(ring: &[Pt]) -> f64 {
    let coords: Vec<Coord> = ring.iter().map(|p| Coord { x: p[0], y: p[1] }).collect();
    Polygon::new(LineString::new(coords), vec![])
        .geodesic_area_signed()
        .abs()
}

fn lerp(a: Pt, b: Pt, t: f64) -> Pt {
    [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
}

/// Ids of the cells around a gap of `width` removed cells starting at `(r, c)`: the ring of
/// cells one step out, sorted (the truth's `around` list, for every fabric kind).
fn gap_neighbours(r: usize, c: usize, width: usize) -> Vec<String> {
    let mut around = Vec::new();
    for rr in r - 1..=r + 1 {
        for cc in c - 1..=c + width {
            if rr != r || cc == c - 1 || cc == c + width {
                around.push(cell_id(rr, cc));
            }
        }
    }
    around.sort();
    around
}

fn cell_id(row: usize, col: usize) -> String {
    format!("p{row}-{col}")
}

// ---------------------------------------------------------------------------------------------
// Where the injections go.

#[derive(Debug, Clone, Copy)]
enum Site {
    /// Cell grows into its right neighbour by `t`.
    Overlap { t: f64 },
    /// Cell is left out (and its right neighbour too when `double`).
    Gap { double: bool },
}

struct Plan {
    /// Footprint cell (row, col) → injection, in row-major order.
    sites: Vec<((usize, usize), Site)>,
    by_cell: HashMap<(usize, usize), Site>,
    /// Vertices inserted into plain cells so that an overlap's new vertices are shared, not
    /// T-junctions: `inserts[k]` goes after corner `k` (bl, br, tr, tl).
    inserts: HashMap<(usize, usize), [Option<Pt>; 4]>,
}

impl Plan {
    fn new(spec: &FabricSpec, lattice: &Lattice) -> Self {
        let wanted = spec.overlaps + spec.gaps;
        let all = site_cells(spec);
        let mut sites: Vec<((usize, usize), Site)> = all[..wanted]
            .iter()
            .enumerate()
            .map(|(k, &cell)| {
                let site = if k < spec.overlaps {
                    let t = 0.05 + 0.45 * unit(hash(lattice.seed, SALT_T, k as u64, 0));
                    Site::Overlap { t }
                } else {
                    Site::Gap {
                        double: (k - spec.overlaps) % 2 == 1,
                    }
                };
                (cell, site)
            })
            .collect();
        sites.sort_by_key(|&(cell, _)| cell);
        let by_cell = sites.iter().copied().collect();
        let mut inserts: HashMap<(usize, usize), [Option<Pt>; 4]> = HashMap::new();
        for &((r, c), site) in &sites {
            if let Site::Overlap { t } = site {
                let [_, new_br, new_tr, _] = overlap_quad(lattice, r, c, t);
                // Q gets both new vertices; the cells above and below Q get the one on their edge.
                inserts.insert((r, c + 1), [Some(new_br), None, Some(new_tr), None]);
                inserts.insert((r + 1, c + 1), [Some(new_tr), None, None, None]);
                inserts.insert((r - 1, c + 1), [None, None, Some(new_br), None]);
            }
        }
        Plan {
            sites,
            by_cell,
            inserts,
        }
    }

    /// How cell (row, col) is written.
    fn role(&self, row: usize, col: usize) -> Role {
        if let Some(site) = self.by_cell.get(&(row, col)) {
            return match *site {
                Site::Overlap { t } => Role::Grows(t),
                Site::Gap { .. } => Role::Removed,
            };
        }
        if col > 0 {
            match self.by_cell.get(&(row, col - 1)) {
                Some(Site::Gap { double: true }) => return Role::Removed,
                Some(_) => return Role::Plain,
                None => {}
            }
        }
        if near_site(row, col) {
            Role::Plain
        } else {
            Role::Free
        }
    }

    fn into_truth(self, spec: &FabricSpec, lattice: &Lattice, parcels: usize) -> Truth {
        let mut overlaps = Vec::new();
        let mut gaps = Vec::new();
        // Area adjustments per zone band (index 0 when there are no zones).
        let bands = spec.zones.max(1);
        let mut adjust = vec![0.0; bands];
        // An inserted vertex lies on the straight lon/lat line of an edge, not on its geodesic:
        // the two cells sharing that edge trade a sliver (~0.01 m² for 100 m cells). It cancels
        // in the total but not between zones when the edge is a zone boundary, so count it.
        let mut inserted: Vec<_> = self.inserts.iter().collect();
        inserted.sort_by_key(|&(&cell, _)| cell);
        for (&(r, c), extra) in inserted {
            let corners = lattice.cell(r, c);
            let mut ring = Vec::with_capacity(8);
            for (corner, extra) in corners.iter().zip(extra) {
                ring.push(*corner);
                ring.extend(extra);
            }
            adjust[lattice.zone_of(r, bands)] += ring_area(&ring) - ring_area(&corners);
        }
        for &((r, c), site) in &self.sites {
            let band = lattice.zone_of(r, bands);
            match site {
                Site::Overlap { t } => {
                    let quad = overlap_quad(lattice, r, c, t);
                    let area_m2 = ring_area(&quad);
                    adjust[band] += area_m2;
                    let (a, b) = (cell_id(r, c), cell_id(r, c + 1));
                    let parcels = if a < b { [a, b] } else { [b, a] };
                    overlaps.push(TrueOverlap { parcels, area_m2 });
                }
                Site::Gap { double } => {
                    let width = if double { 2 } else { 1 };
                    let cells = lattice.cell(r, c);
                    let ring = if double {
                        let right = lattice.cell(r, c + 1);
                        vec![cells[0], cells[1], right[1], right[2], cells[2], cells[3]]
                    } else {
                        cells.to_vec()
                    };
                    let area_m2 = ring_area(&ring);
                    adjust[band] -= area_m2;
                    let removed = (c..c + width).map(|cc| cell_id(r, cc)).collect();
                    let around = gap_neighbours(r, c, width);
                    let centre = lerp(
                        lerp(cells[0], cells[2], 0.5),
                        lerp(cells[1], cells[3], 0.5),
                        0.5,
                    );
                    gaps.push(TrueGap {
                        area_m2,
                        removed,
                        around,
                        point: (centre[0], centre[1]),
                    });
                }
            }
        }
        let invalid = (0..spec.invalid)
            .map(|k| TrueInvalid {
                id: format!("x{k}"),
                kind: InvalidKind::ALL[k % InvalidKind::ALL.len()],
            })
            .collect();
        let mut zones = BTreeMap::new();
        let mut total_area_m2 = 0.0;
        let mut r0 = 0;
        for (band, adj) in adjust.iter().enumerate() {
            let mut r1 = r0;
            while r1 < spec.rows && lattice.zone_of(r1, bands) == band {
                r1 += 1;
            }
            let area = lattice.band_area(r0, r1) + adj;
            total_area_m2 += area;
            if spec.zones > 0 {
                zones.insert(format!("z{}", band + 1), area);
            }
            r0 = r1;
        }
        Truth {
            parcels,
            overlaps,
            gaps,
            invalid,
            total_area_m2,
            zones,
        }
    }
}

/// The injection sites' footprint cells (row, col): the first `overlaps + gaps` entries are a
/// seeded random choice from the site lattice (the rest of the lattice follows).
fn site_cells(spec: &FabricSpec) -> Vec<(usize, usize)> {
    let mut all: Vec<(usize, usize)> = Vec::new();
    let last_row = spec.rows.saturating_sub(3);
    let last_col = spec.cols.saturating_sub(4);
    let mut r = SITE_START;
    while r <= last_row {
        let mut c = SITE_START;
        while c <= last_col {
            all.push((r, c));
            c += SITE_COL_STEP;
        }
        r += SITE_ROW_STEP;
    }
    // Partial Fisher–Yates: the first overlaps + gaps entries are a seeded random choice.
    let wanted = spec.overlaps + spec.gaps;
    for k in 0..wanted {
        let h = hash(spec.seed, SALT_SHUFFLE, k as u64, 0);
        let pick = k + (h % (all.len() - k) as u64) as usize;
        all.swap(k, pick);
    }
    all
}

/// Is the cell within the 3 × 4 block around a site of the site lattice (used or not)?
fn near_site(row: usize, col: usize) -> bool {
    let dr = (row + SITE_ROW_STEP - SITE_START) % SITE_ROW_STEP;
    let dc = (col + SITE_COL_STEP - SITE_START) % SITE_COL_STEP;
    (dr <= 1 || dr == SITE_ROW_STEP - 1) && (dc <= 2 || dc == SITE_COL_STEP - 1)
}

/// `[old_br, new_br, new_tr, old_tr]` for an overlap grown from cell (r, c) by `t`.
/// The new vertices are also inserted into the rings of `Q` and the cells above and below it,
/// so no parcel has a vertex lying (only approximately, in floating point) on another's edge.
fn overlap_quad(lattice: &Lattice, r: usize, c: usize, t: f64) -> [Pt; 4] {
    let q = lattice.cell(r, c + 1);
    let (old_br, old_tr) = (q[0], q[3]);
    let new_br = [
        old_br[0] + t * (q[1][0] - q[0][0]),
        old_br[1] + t * (q[1][1] - q[0][1]),
    ];
    let new_tr = [
        old_tr[0] + t * (q[2][0] - q[3][0]),
        old_tr[1] + t * (q[2][1] - q[3][1]),
    ];
    [old_br, new_br, new_tr, old_tr]
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// Not written.
    Removed,
    /// Grows into its right neighbour by `t`.
    Grows(f64),
    /// Written plainly (part of or next to an injection site).
    Plain,
    /// Written with a variety chosen by hash.
    Free,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Variety {
    Plain,
    Multi,
    Clockwise,
    ThreeD,
    Hole,
}

fn variety(seed: u64, row: usize, col: usize) -> Variety {
    match hash(seed, SALT_VARIETY, row as u64, col as u64) % 100 {
        0 => Variety::Multi,
        1 => Variety::Clockwise,
        2 => Variety::ThreeD,
        3 => Variety::Hole,
        _ => Variety::Plain,
    }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// Formatted `lon,lat` text of every vertex of one lattice row, in one buffer.
struct RowText {
    buf: String,
    ends: Vec<usize>,
}

impl RowText {
    fn new(cols: usize) -> Self {
        RowText {
            buf: String::with_capacity(40 * (cols + 1)),
            ends: Vec::with_capacity(cols + 1),
        }
    }

    fn fill(&mut self, lattice: &Lattice, i: usize) {
        self.buf.clear();
        self.ends.clear();
        for j in 0..=lattice.cols {
            let p = lattice.vertex(i, j);
            write_pt(&mut self.buf, p);
            self.ends.push(self.buf.len());
        }
    }

    fn get(&self, j: usize) -> &str {
        let start = if j == 0 { 0 } else { self.ends[j - 1] };
        &self.buf[start..self.ends[j]]
    }
}

fn write_pt(buf: &mut String, p: Pt) {
    // Display of f64 is the shortest text that parses back to the same value.
    let _ = write!(buf, "{},{}", p[0], p[1]);
}

/// Appends `[[p0],[p1],...,[p0]]` (closed ring) to `out`.
fn push_ring(out: &mut String, pts: &[&str], three_d: bool) {
    out.push('[');
    for (k, p) in pts.iter().chain(pts.first()).enumerate() {
        if k > 0 {
            out.push(',');
        }
        out.push('[');
        out.push_str(p);
        if three_d {
            out.push_str(",0.0");
        }
        out.push(']');
    }
    out.push(']');
}

fn push_feature_head(out: &mut String, id: &str, zone: Option<usize>, kind: &str) {
    let _ = write!(
        out,
        "{{\"type\":\"Feature\",\"id\":\"{id}\",\"properties\":{{\"id\":\"{id}\",\"land_use\":\"open_land\""
    );
    if let Some(z) = zone {
        let _ = write!(out, ",\"zone\":\"z{}\"", z + 1);
    }
    let _ = write!(
        out,
        "}},\"geometry\":{{\"type\":\"{kind}\",\"coordinates\":"
    );
}

fn push_feature_tail(out: &mut String) {
    out.push_str("}}");
}

fn write_features<W: Write>(
    spec: &FabricSpec,
    lattice: &Lattice,
    plan: &Plan,
    w: &mut W,
) -> io::Result<usize> {
    w.write_all(b"{\"type\":\"FeatureCollection\",\"features\":[\n")?;
    let mut count = 0usize;
    let mut lower = RowText::new(spec.cols);
    let mut upper = RowText::new(spec.cols);
    lower.fill(lattice, 0);
    let mut feat = String::with_capacity(4096);
    let mut id = String::with_capacity(32);
    let mut scratch = [String::new(), String::new(), String::new(), String::new()];
    let zone = |row: usize| (spec.zones > 0).then(|| lattice.zone_of(row, spec.zones));

    let separate = |w: &mut W, count: &mut usize| -> io::Result<()> {
        if *count > 0 {
            w.write_all(b",\n")?;
        }
        *count += 1;
        Ok(())
    };

    for row in 0..spec.rows {
        upper.fill(lattice, row + 1);
        for col in 0..spec.cols {
            let role = plan.role(row, col);
            if role == Role::Removed {
                continue;
            }
            feat.clear();
            id.clear();
            let _ = write!(id, "p{row}-{col}");
            let corners = [
                lower.get(col),
                lower.get(col + 1),
                upper.get(col + 1),
                upper.get(col),
            ];
            match role {
                Role::Grows(t) => {
                    let [old_br, new_br, new_tr, old_tr] = overlap_quad(lattice, row, col, t);
                    for (s, p) in scratch.iter_mut().zip([old_br, new_br, new_tr, old_tr]) {
                        s.clear();
                        write_pt(s, p);
                    }
                    push_feature_head(&mut feat, &id, zone(row), "Polygon");
                    feat.push('[');
                    let ring = [
                        corners[0],
                        scratch[0].as_str(),
                        scratch[1].as_str(),
                        scratch[2].as_str(),
                        scratch[3].as_str(),
                        corners[3],
                    ];
                    push_ring(&mut feat, &ring, false);
                    feat.push(']');
                    push_feature_tail(&mut feat);
                }
                Role::Free if variety(spec.seed, row, col) == Variety::Hole => {
                    // Outer parcel with a hole, then the parcel that fills the hole.
                    let c = lattice.cell(row, col);
                    let centre = lerp(lerp(c[0], c[2], 0.5), lerp(c[1], c[3], 0.5), 0.5);
                    for (s, p) in scratch.iter_mut().zip(c) {
                        s.clear();
                        write_pt(s, lerp(centre, p, HOLE_SCALE));
                    }
                    push_feature_head(&mut feat, &id, zone(row), "Polygon");
                    feat.push('[');
                    push_ring(&mut feat, &corners, false);
                    feat.push(',');
                    let hole = [
                        scratch[0].as_str(),
                        scratch[3].as_str(),
                        scratch[2].as_str(),
                        scratch[1].as_str(),
                    ];
                    push_ring(&mut feat, &hole, false);
                    feat.push(']');
                    push_feature_tail(&mut feat);
                    separate(w, &mut count)?;
                    w.write_all(feat.as_bytes())?;

                    feat.clear();
                    id.push_str("-in");
                    push_feature_head(&mut feat, &id, zone(row), "Polygon");
                    feat.push('[');
                    let inner = [
                        scratch[0].as_str(),
                        scratch[1].as_str(),
                        scratch[2].as_str(),
                        scratch[3].as_str(),
                    ];
                    push_ring(&mut feat, &inner, false);
                    feat.push(']');
                    push_feature_tail(&mut feat);
                }
                _ => {
                    let v = if role == Role::Free {
                        variety(spec.seed, row, col)
                    } else {
                        Variety::Plain
                    };
                    let kind = if v == Variety::Multi {
                        "MultiPolygon"
                    } else {
                        "Polygon"
                    };
                    push_feature_head(&mut feat, &id, zone(row), kind);
                    feat.push_str(if v == Variety::Multi { "[[" } else { "[" });
                    if v == Variety::Clockwise {
                        let cw = [corners[0], corners[3], corners[2], corners[1]];
                        push_ring(&mut feat, &cw, false);
                    } else if let Some(extra) = plan.inserts.get(&(row, col)) {
                        let mut ring: Vec<&str> = Vec::with_capacity(8);
                        for (k, s) in scratch.iter_mut().enumerate() {
                            s.clear();
                            if let Some(p) = extra[k] {
                                write_pt(s, p);
                            }
                        }
                        for k in 0..4 {
                            ring.push(corners[k]);
                            if extra[k].is_some() {
                                ring.push(scratch[k].as_str());
                            }
                        }
                        push_ring(&mut feat, &ring, false);
                    } else {
                        push_ring(&mut feat, &corners, v == Variety::ThreeD);
                    }
                    feat.push_str(if v == Variety::Multi { "]]" } else { "]" });
                    push_feature_tail(&mut feat);
                }
            }
            separate(w, &mut count)?;
            w.write_all(feat.as_bytes())?;
        }
        std::mem::swap(&mut lower, &mut upper);
    }

    // Invalid parcels: rows of isolated features south of the fabric.
    let per_row = (spec.cols / 3).max(1);
    for k in 0..spec.invalid {
        let (band, slot) = (k / per_row, k % per_row);
        let x0 = (3 * slot) as f64 * spec.cell_m;
        let y0 = -((3 + 3 * band) as f64) * spec.cell_m;
        let kind = InvalidKind::ALL[k % InvalidKind::ALL.len()];
        feat.clear();
        id.clear();
        let _ = write!(id, "x{k}");
        let ty = if kind == InvalidKind::OverlappingParts {
            "MultiPolygon"
        } else {
            "Polygon"
        };
        push_feature_head(&mut feat, &id, None, ty);
        write_invalid(&mut feat, lattice, kind, x0, y0, spec.cell_m);
        push_feature_tail(&mut feat);
        separate(w, &mut count)?;
        w.write_all(feat.as_bytes())?;
    }
    w.write_all(b"\n]}\n")?;
    Ok(count)
}

/// Coordinates of an invalid parcel of `kind` in the cell-sized box at (x0, y0) metres.
fn write_invalid(out: &mut String, lattice: &Lattice, kind: InvalidKind, x0: f64, y0: f64, s: f64) {
    let ring = |pts: &[(f64, f64)]| -> Vec<String> {
        pts.iter()
            .map(|&(u, v)| {
                let mut t = String::new();
                write_pt(&mut t, lattice.to_deg(x0 + u * s, y0 + v * s));
                t
            })
            .collect()
    };
    let push = |out: &mut String, pts: &[(f64, f64)]| {
        let texts = ring(pts);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        push_ring(out, &refs, false);
    };
    match kind {
        InvalidKind::BowTie => {
            out.push('[');
            push(out, &[(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0)]);
            out.push(']');
        }
        InvalidKind::HoleOutsideShell => {
            out.push('[');
            push(out, &[(0.0, 0.0), (0.6, 0.0), (0.6, 1.0), (0.0, 1.0)]);
            out.push(',');
            push(out, &[(0.7, 0.2), (0.7, 0.8), (1.0, 0.8), (1.0, 0.2)]);
            out.push(']');
        }
        InvalidKind::SelfTouchingRing => {
            // Two triangles joined at (0.5, 0.5), which the ring visits twice.
            out.push('[');
            push(
                out,
                &[
                    (0.0, 0.0),
                    (1.0, 0.0),
                    (0.5, 0.5),
                    (1.0, 1.0),
                    (0.0, 1.0),
                    (0.5, 0.5),
                ],
            );
            out.push(']');
        }
        InvalidKind::OverlappingParts => {
            out.push_str("[[");
            push(out, &[(0.0, 0.0), (0.7, 0.0), (0.7, 0.7), (0.0, 0.7)]);
            out.push_str("],[");
            push(out, &[(0.3, 0.3), (1.0, 0.3), (1.0, 1.0), (0.3, 1.0)]);
            out.push_str("]]");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // These tests call geo's BooleanOps directly, not `geom::boolops`: an independent oracle.
    use geo::{BooleanOps, Contains, MultiPolygon, Point, Validation};
    use serde_json::Value;

    /// A parsed feature: id, geometry, zone.
    pub(super) struct Parsed {
        pub(super) id: String,
        pub(super) geom: MultiPolygon,
        pub(super) zone: Option<String>,
    }

    fn ring_of(v: &Value) -> LineString {
        LineString::new(
            v.as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    let p = p.as_array().unwrap();
                    assert!(p.len() == 2 || p.len() == 3);
                    Coord {
                        x: p[0].as_f64().unwrap(),
                        y: p[1].as_f64().unwrap(),
                    }
                })
                .collect(),
        )
    }

    fn polygon_of(v: &Value) -> Polygon {
        let rings = v.as_array().unwrap();
        Polygon::new(ring_of(&rings[0]), rings[1..].iter().map(ring_of).collect())
    }

    /// Independent reader: serde_json only.
    pub(super) fn parse(text: &str) -> Vec<Parsed> {
        let v: Value = serde_json::from_str(text).unwrap();
        assert_eq!(v["type"], "FeatureCollection");
        v["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let id = f["id"].as_str().unwrap().to_owned();
                assert_eq!(f["properties"]["id"].as_str(), Some(id.as_str()));
                let g = &f["geometry"];
                let geom = match g["type"].as_str().unwrap() {
                    "Polygon" => MultiPolygon::new(vec![polygon_of(&g["coordinates"])]),
                    "MultiPolygon" => MultiPolygon::new(
                        g["coordinates"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(polygon_of)
                            .collect(),
                    ),
                    other => panic!("unexpected geometry {other}"),
                };
                let zone = f["properties"]["zone"].as_str().map(str::to_owned);
                Parsed { id, geom, zone }
            })
            .collect()
    }

    /// Area like a validator computes it: |shell| − Σ|holes| per polygon, summed.
    pub(super) fn area(mp: &MultiPolygon) -> f64 {
        mp.0.iter()
            .map(|p| {
                let ring = |ls: &LineString| {
                    Polygon::new(ls.clone(), vec![])
                        .geodesic_area_signed()
                        .abs()
                };
                ring(p.exterior()) - p.interiors().iter().map(ring).sum::<f64>()
            })
            .sum()
    }

    fn spec() -> FabricSpec {
        FabricSpec {
            cols: 40,
            rows: 40,
            seed: 11,
            overlaps: 5,
            gaps: 4,
            invalid: 4,
            zones: 3,
            ..FabricSpec::default()
        }
    }

    fn by_id(features: &[Parsed]) -> HashMap<&str, &Parsed> {
        features.iter().map(|f| (f.id.as_str(), f)).collect()
    }

    pub(super) fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    #[test]
    fn counts_and_variety() {
        let s = spec();
        let (text, truth) = generate(&s).unwrap();
        let features = parse(&text);
        assert_eq!(features.len(), truth.parcels);
        let fillers = features.iter().filter(|f| f.id.ends_with("-in")).count();
        // 4 gaps: two single, two double → 6 cells removed.
        assert_eq!(truth.parcels, 40 * 40 - 6 + fillers + 4);
        assert!(fillers > 0, "no hole parcels at this seed");
        assert!(text.contains("\"MultiPolygon\""));
        assert!(text.contains(",0.0]"));
        let ids: std::collections::HashSet<_> = features.iter().map(|f| &f.id).collect();
        assert_eq!(ids.len(), features.len(), "ids are unique");
        assert_eq!(truth.overlaps.len(), 5);
        assert_eq!(truth.gaps.len(), 4);
        assert_eq!(truth.invalid.len(), 4);
    }

    #[test]
    fn overlaps_match_boolean_intersection() {
        let s = FabricSpec {
            cols: 24,
            rows: 24,
            overlaps: 3,
            gaps: 2,
            ..spec()
        };
        let (text, truth) = generate(&s).unwrap();
        let features = parse(&text);
        let map = by_id(&features);
        let mut injected = std::collections::HashSet::new();
        for o in &truth.overlaps {
            let (a, b) = (map[o.parcels[0].as_str()], map[o.parcels[1].as_str()]);
            let got = area(&a.geom.intersection(&b.geom));
            assert!(o.area_m2 > 10.0);
            assert!(
                rel(got, o.area_m2) < 1e-6,
                "{:?}: {got} vs {}",
                o.parcels,
                o.area_m2
            );
            injected.insert(o.parcels.clone());
        }
        // Every other pair of cells sharing an edge or a corner (and each hole filler with its
        // cell) intersects in nothing.
        let mut checked = 0;
        for f in &features {
            let Some((r, c)) = f.id.strip_prefix('p').and_then(|s| s.split_once('-')) else {
                continue;
            };
            let (Ok(r), Ok(c)) = (r.parse::<usize>(), c.parse::<usize>()) else {
                continue;
            };
            let mut others = vec![format!("p{r}-{c}-in")];
            others.extend(
                [
                    (r, c + 1),
                    (r + 1, c.wrapping_sub(1)),
                    (r + 1, c),
                    (r + 1, c + 1),
                ]
                .map(|(r, c)| format!("p{r}-{c}")),
            );
            for o in others {
                let Some(g) = map.get(o.as_str()) else {
                    continue;
                };
                let mut pair = [f.id.clone(), o.clone()];
                pair.sort();
                if injected.contains(&pair) {
                    continue;
                }
                let got = area(&f.geom.intersection(&g.geom));
                assert!(got < 1e-6, "{pair:?} overlap {got} m²");
                checked += 1;
            }
        }
        assert!(checked > 2000, "{checked}");
    }

    #[test]
    fn gaps_match_union_holes() {
        let (text, truth) = generate(&spec()).unwrap();
        let features = parse(&text);
        let map = by_id(&features);
        for g in &truth.gaps {
            for id in &g.removed {
                assert!(!map.contains_key(id.as_str()));
            }
            let around: Vec<&MultiPolygon> =
                g.around.iter().map(|id| &map[id.as_str()].geom).collect();
            assert_eq!(around.len(), if g.removed.len() == 1 { 8 } else { 10 });
            let union = geo::unary_union(around);
            assert_eq!(union.0.len(), 1);
            let holes = union.0[0].interiors();
            assert_eq!(holes.len(), 1);
            let hole = Polygon::new(holes[0].clone(), vec![]);
            let got = hole.geodesic_area_signed().abs();
            assert!(rel(got, g.area_m2) < 1e-6, "{got} vs {}", g.area_m2);
            let p = Point::new(g.point.0, g.point.1);
            assert!(hole.contains(&p));
            assert!(features.iter().all(|f| !f.geom.contains(&p)));
        }
    }

    #[test]
    fn validity_and_areas() {
        let s = spec();
        let (text, truth) = generate(&s).unwrap();
        let features = parse(&text);
        let invalid: Vec<&str> = features
            .iter()
            .filter(|f| !f.geom.is_valid())
            .map(|f| f.id.as_str())
            .collect();
        let expected: Vec<&str> = truth.invalid.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(invalid, expected);
        let kinds: Vec<&str> = truth.invalid.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(
            kinds,
            [
                "bow_tie",
                "hole_outside_shell",
                "self_touching_ring",
                "overlapping_parts"
            ]
        );

        let mut total = 0.0;
        let mut zones: BTreeMap<String, f64> = BTreeMap::new();
        for f in features.iter().filter(|f| f.geom.is_valid()) {
            let a = area(&f.geom);
            total += a;
            *zones.entry(f.zone.clone().unwrap()).or_default() += a;
        }
        assert!(
            rel(total, truth.total_area_m2) < 1e-9,
            "{total} vs {}",
            truth.total_area_m2
        );
        assert_eq!(zones.len(), 3);
        for (name, a) in &zones {
            assert!(
                rel(*a, truth.zones[name]) < 1e-9,
                "{name}: {a} vs {}",
                truth.zones[name]
            );
        }
        // 1600 cells of ~100 m: about 16 km².
        assert!((truth.total_area_m2 / 1.6e7 - 1.0).abs() < 0.05);
    }

    #[test]
    fn zone_per_row_areas_add_up() {
        // Every overlap then sits on zone boundaries, where inserted vertices move area.
        let s = FabricSpec {
            cols: 30,
            rows: 30,
            overlaps: 6,
            gaps: 2,
            zones: 30,
            ..spec()
        };
        let (text, truth) = generate(&s).unwrap();
        let mut zones: BTreeMap<String, f64> = BTreeMap::new();
        for f in parse(&text).iter().filter(|f| f.geom.is_valid()) {
            *zones.entry(f.zone.clone().unwrap()).or_default() += area(&f.geom);
        }
        assert_eq!(zones.len(), 30);
        for (name, a) in &zones {
            assert!(
                rel(*a, truth.zones[name]) < 1e-9,
                "{name}: {a} vs {}",
                truth.zones[name]
            );
        }
    }

    #[test]
    fn clean_fabric_area_is_sum_of_parcels() {
        let s = FabricSpec::with_parcels(900, 5);
        let (text, truth) = generate(&s).unwrap();
        let total: f64 = parse(&text).iter().map(|f| area(&f.geom)).sum();
        assert!(rel(total, truth.total_area_m2) < 1e-9);
        assert!(truth.zones.is_empty() && truth.overlaps.is_empty());
        assert!(!text.contains("\"zone\""));
    }

    #[test]
    fn deterministic_and_seeded() {
        let (a, ta) = generate(&spec()).unwrap();
        let (b, tb) = generate(&spec()).unwrap();
        assert_eq!(a, b);
        assert_eq!(ta, tb);
        let (c, _) = generate(&FabricSpec { seed: 12, ..spec() }).unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn too_many_injections_is_an_error() {
        let s = FabricSpec {
            cols: 20,
            rows: 20,
            overlaps: 100,
            ..FabricSpec::default()
        };
        let err = generate(&s).unwrap_err();
        assert_eq!(
            err.to_string(),
            "100 overlaps + gaps requested, but this grid has room for 9"
        );
        let s = FabricSpec {
            rows: 0,
            ..FabricSpec::default()
        };
        assert!(matches!(generate(&s), Err(SynthError::BadSpec(_))));
    }

    #[test]
    fn with_parcels_is_near_square() {
        for (n, cols, rows) in [
            (1, 1, 1),
            (10, 4, 3),
            (10_000, 100, 100),
            (100_001, 317, 316),
        ] {
            let s = FabricSpec::with_parcels(n, 0);
            assert_eq!((s.cols, s.rows), (cols, rows), "{n}");
            assert!(s.cols * s.rows >= n);
        }
    }
}
