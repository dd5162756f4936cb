//! Planning: partition a site's parcels into contiguous, compact zones of target areas.
//!
//! [`plan`] takes zones in priority order (default: a 700-acre `sindh_mill` and a 3,200-acre
//! `industrial_park`) and gives each a contiguous set of parcels (joined by shared edges, not
//! corners) whose area is within the tolerance of its target; everything left over is
//! [`RETAINED`]. Parcels of excluded land uses stay retained, locks pin parcels,
//! `require_access` makes the first zone include a parcel with that access, and no zone may have
//! a spur or neck narrower than its minimum width (default [`DEFAULT_MIN_WIDTH_M`]; the rule is
//! [`crate::graph::narrow`]'s, checked by the search on every zone it keeps and again on every
//! zone it returns).
//!
//! Each zone is found on the parcel graph ([`search`]): greedy compact growth from several
//! seeds (the most central available parcels, parcels with the required access, locked
//! parcels, a seeded random sample), then simulated annealing over add / remove / swap moves on
//! the zone's boundary that keep it contiguous (articulation points never leave) and push its
//! area into the band, minimising perimeter (so maximising Polsby-Popper compactness). Later
//! zones pay a penalty for bordering more than half of an earlier zone's boundary, so the
//! industrial park does not wrap around the mill. With `split`, one parcel on a zone's edge is
//! cut by a straight line ([`split`]) so the zone's area is within 0.01 acre of its target.
//! Same input and options give the same plan, byte for byte; the same parcels in another
//! feature order give the same zones (the planner works on them sorted by id, then maps the
//! plan back to the input's order).

pub mod alternatives;
pub mod bound;
mod canonical;
pub mod corners;
#[cfg(feature = "exact")]
mod exact;
pub mod outline;
pub mod proof;
pub mod provenance;
pub mod search;
pub mod split;
mod wording;

pub use provenance::{Provenance, plan_members, sha256_hex};

use std::collections::{BTreeMap, BTreeSet};

use geo::MultiPolygon;
use rayon::prelude::*;

use crate::geodesy::width::width_m;
use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2, perimeter_m, polsby_popper};
use crate::graph::adjacency::{Adjacency, shared_boundary_m};
use crate::index::ParcelIndex;
use crate::model::{ParcelId, ParcelSet};
use crate::write::OutFeature;
use search::{Earlier, Graph, Solution, ZoneProblem};

/// The zone of land no target takes (defined with the zones, in `model`, so that `validate`
/// counts it without depending on the planner).
pub use crate::model::RETAINED;

/// Land uses kept out of every zone unless `--no-default-excludes`.
pub const DEFAULT_EXCLUDED_USES: [&str; 4] = [
    "township",
    "township_fringe",
    "water_reservoir",
    "encroached",
];

/// Land uses that are linear infrastructure: never cut by `split` (with any
/// `metadata.corridor_uses`, `--corridor-use` and `--no-cut-use` values).
pub const DEFAULT_CORRIDOR_USES: [&str; 2] = ["road_corridor", "rail_corridor"];

/// Overlaps larger than this (m²) make the input unfit to plan (as `allot validate` reports
/// them by default).
pub const OVERLAP_M2: f64 = 1.0;

/// Default minimum frontage (metres) of a zone's access parcel on the rest of the zone: above
/// the 40 m width of a road spur, so a zone cannot claim port access through a spur joined to
/// it end-on, and well below one side of a parcel that really fronts the zone (a side of a
/// 5-acre square is 142 m).
pub const DEFAULT_MIN_FRONTAGE_M: f64 = 50.0;

/// Default minimum width (metres) of a zone's spurs and necks ([`crate::graph::narrow`]): a
/// zone may not hang a strip narrower than this off its edge, nor pass through one between
/// two larger parts. Wider than the 40 m road corridors of the PSM site, so a zone cannot
/// reach land through a road stub, and well under the side of a real block (a 5-acre square's
/// side is 142 m).
pub const DEFAULT_MIN_WIDTH_M: f64 = 100.0;

/// How close a split zone gets to its target, in acres.
pub const SPLIT_PRECISION_ACRES: f64 = 0.01;

/// What to plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanOptions {
    /// Zones and their target areas in acres, in priority order.
    pub zones: Vec<(String, f64)>,
    /// Allowed deviation of each zone's area from its target, in acres.
    pub tolerance_acres: f64,
    /// Cut one parcel per zone so its area is within [`SPLIT_PRECISION_ACRES`] of the target.
    pub split: bool,
    /// `(parcel id, zone)` pins; the zone may be [`RETAINED`].
    pub locks: Vec<(String, String)>,
    /// Land uses that stay retained.
    pub exclude_uses: Vec<String>,
    /// Land uses `split` never cuts (default: [`DEFAULT_CORRIDOR_USES`]).
    pub no_cut_uses: Vec<String>,
    /// Access tag (`port`, `rail`, `highway`) the first zone must include (replaces the first
    /// zone's entry in `zone_access`).
    pub require_access: Option<String>,
    /// Per-zone access: the zone must include a parcel carrying one of these access tags
    /// (e.g. `("sindh_mill", ["port", "rail"])`, from the input's `metadata.zones`).
    pub zone_access: Vec<(String, Vec<String>)>,
    /// Per-zone tolerances in acres, replacing `tolerance_acres` for the zones named.
    pub zone_tolerances: Vec<(String, f64)>,
    /// Minimum frontage in metres: a zone's access parcel counts only when it shares at least
    /// this much boundary (geodesic length) with the rest of the zone (default
    /// [`DEFAULT_MIN_FRONTAGE_M`]; 0 accepts any access parcel).
    pub min_frontage_m: f64,
    /// Per-zone minimum frontages in metres, replacing `min_frontage_m` for the zones named.
    pub zone_min_frontages: Vec<(String, f64)>,
    /// Minimum width in metres: no zone may have a spur or neck narrower than this
    /// ([`crate::graph::narrow`]; default [`DEFAULT_MIN_WIDTH_M`]; 0 turns the rule off).
    pub min_width_m: f64,
    /// Per-zone minimum widths in metres, replacing `min_width_m` for the zones named.
    pub zone_min_widths: Vec<(String, f64)>,
    /// Seed of the randomised search.
    pub seed: u64,
    /// Solve each zone exactly too (`--prove`; needs the `exact` cargo feature): the plan takes
    /// the exact model's zone when it is shorter, and reports a lower bound per zone.
    pub prove: Option<proof::ProveOptions>,
    /// The unit of areas in the messages saying why a zone cannot be planned (`--units`;
    /// targets and tolerances above stay in acres).
    pub units: AreaUnit,
}

impl Default for PlanOptions {
    /// The PSM job: `sindh_mill=700`, `industrial_park=3200`, ±1 acre, default exclusions.
    fn default() -> Self {
        PlanOptions {
            zones: vec![
                ("sindh_mill".into(), 700.0),
                ("industrial_park".into(), 3200.0),
            ],
            tolerance_acres: 1.0,
            split: false,
            locks: Vec::new(),
            exclude_uses: DEFAULT_EXCLUDED_USES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            no_cut_uses: DEFAULT_CORRIDOR_USES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            require_access: None,
            zone_access: Vec::new(),
            zone_tolerances: Vec::new(),
            min_frontage_m: DEFAULT_MIN_FRONTAGE_M,
            zone_min_frontages: Vec::new(),
            min_width_m: DEFAULT_MIN_WIDTH_M,
            zone_min_widths: Vec::new(),
            seed: 1,
            prove: None,
            units: AreaUnit::Acres,
        }
    }
}

impl PlanOptions {
    /// These options with the zones of `choice` (from [`crate::model::resolve_zones`]): their
    /// targets, access and tolerances; `tolerance` (a command-line `--tolerance`) overrides
    /// every zone's tolerance.
    pub fn with_zones(self, choice: &crate::model::ZoneChoice, tolerance: Option<f64>) -> Self {
        let zones = &choice.zones;
        PlanOptions {
            zones: zones
                .iter()
                .map(|z| (z.name.clone(), z.target_acres))
                .collect(),
            tolerance_acres: tolerance.unwrap_or(self.tolerance_acres),
            zone_tolerances: match tolerance {
                Some(_) => Vec::new(),
                None => zones
                    .iter()
                    .filter_map(|z| Some((z.name.clone(), z.tolerance_acres?)))
                    .collect(),
            },
            zone_access: zones
                .iter()
                .filter(|z| !z.access.is_empty())
                .map(|z| (z.name.clone(), z.access.clone()))
                .collect(),
            zone_min_frontages: zones
                .iter()
                .filter_map(|z| Some((z.name.clone(), z.min_frontage_m?)))
                .collect(),
            zone_min_widths: zones
                .iter()
                .filter_map(|z| Some((z.name.clone(), z.min_width_m?)))
                .collect(),
            ..self
        }
    }

    /// These options with `min_width_m` (a command-line `--min-width`) for every zone,
    /// replacing the zones' own; `None` leaves them as they are.
    pub fn with_min_width(self, min_width_m: Option<f64>) -> Self {
        match min_width_m {
            Some(m) => PlanOptions {
                min_width_m: m,
                zone_min_widths: Vec::new(),
                ..self
            },
            None => self,
        }
    }

    /// `zones` (from [`crate::model::resolve_zones`]) as these options plan them, for the
    /// written plan's `metadata.zones`: each with the tolerance, access, minimum frontage and
    /// minimum width it was planned with (a command-line `--tolerance`, `--require-access`,
    /// `--min-frontage` or `--min-width` replaces the metadata's), so that `allot validate
    /// PLAN` checks the same rules.
    pub fn zones_as_planned(
        &self,
        zones: &[crate::model::ZoneSpec],
    ) -> Vec<crate::model::ZoneSpec> {
        zones
            .iter()
            .enumerate()
            .map(|(k, z)| crate::model::ZoneSpec {
                tolerance_acres: Some(self.tolerance_of(&z.name)),
                access: self.access_of(k, &z.name),
                // Recorded when the zone had one or the plan used another than the default.
                min_frontage_m: Some(self.min_frontage_of(&z.name))
                    .filter(|&m| z.min_frontage_m.is_some() || m != DEFAULT_MIN_FRONTAGE_M),
                min_width_m: Some(self.min_width_of(&z.name)),
                ..z.clone()
            })
            .collect()
    }

    /// The tolerance (acres) zone `zone` is planned with: its entry in `zone_tolerances`, else
    /// `tolerance_acres`.
    ///
    /// ```
    /// let o = allot::PlanOptions {
    ///     zone_tolerances: vec![("mill".into(), 0.5)],
    ///     ..Default::default()
    /// };
    /// assert_eq!(o.tolerance_of("mill"), 0.5);
    /// assert_eq!(o.tolerance_of("park"), 1.0);
    /// ```
    pub fn tolerance_of(&self, zone: &str) -> f64 {
        self.zone_tolerances
            .iter()
            .rev()
            .find(|(z, _)| z == zone)
            .map_or(self.tolerance_acres, |t| t.1)
    }

    /// The minimum frontage (metres) zone `zone` is planned with: its entry in
    /// `zone_min_frontages`, else `min_frontage_m`.
    pub fn min_frontage_of(&self, zone: &str) -> f64 {
        self.zone_min_frontages
            .iter()
            .rev()
            .find(|(z, _)| z == zone)
            .map_or(self.min_frontage_m, |f| f.1)
    }

    /// The access tags zone `zone`, the `k`-th in priority order, is planned with:
    /// `require_access` for the first zone when given, else its entry in `zone_access`
    /// (none: no access rule).
    ///
    /// ```
    /// let o = allot::PlanOptions {
    ///     zone_access: vec![("mill".into(), vec!["port".into(), "rail".into()])],
    ///     require_access: Some("port".into()),
    ///     ..Default::default()
    /// };
    /// assert_eq!(o.access_of(0, "mill"), vec!["port".to_string()]);
    /// assert_eq!(o.access_of(1, "park"), Vec::<String>::new());
    /// ```
    pub fn access_of(&self, k: usize, zone: &str) -> Vec<String> {
        match (&self.require_access, k) {
            (Some(a), 0) => vec![a.clone()],
            _ => self
                .zone_access
                .iter()
                .rev()
                .find(|(n, _)| n == zone)
                .map(|(_, kinds)| kinds.clone())
                .unwrap_or_default(),
        }
    }

    /// The minimum width (metres) zone `zone` is planned with: its entry in
    /// `zone_min_widths`, else `min_width_m`.
    ///
    /// ```
    /// let o = allot::PlanOptions {
    ///     zone_min_widths: vec![("mill".into(), 60.0)],
    ///     ..Default::default()
    /// };
    /// assert_eq!(o.min_width_of("mill"), 60.0);
    /// assert_eq!(o.min_width_of("park"), allot::plan::DEFAULT_MIN_WIDTH_M);
    /// assert_eq!(o.with_min_width(Some(0.0)).min_width_of("mill"), 0.0);
    /// ```
    pub fn min_width_of(&self, zone: &str) -> f64 {
        self.zone_min_widths
            .iter()
            .rev()
            .find(|(z, _)| z == zone)
            .map_or(self.min_width_m, |w| w.1)
    }

    /// These options with `min_frontage_m` (a command-line `--min-frontage`) for every zone,
    /// replacing the zones' own; `None` leaves them as they are.
    pub fn with_min_frontage(self, min_frontage_m: Option<f64>) -> Self {
        match min_frontage_m {
            Some(m) => PlanOptions {
                min_frontage_m: m,
                zone_min_frontages: Vec::new(),
                ..self
            },
            None => self,
        }
    }
}

/// One output parcel (an input parcel, or a piece of one) and its zone.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedParcel {
    /// Its id (`<parent>-a` / `<parent>-b` for split pieces).
    pub id: ParcelId,
    /// 0-based index of the input parcel it is (or came from).
    pub source: usize,
    /// The zone it is in.
    pub zone: String,
    /// Its geometry (a piece's, or the input's with any cut points inserted on shared edges).
    pub geometry: MultiPolygon<f64>,
    /// Geodesic area in acres.
    pub acres: f64,
    /// The parent's id, for split pieces.
    pub split_from: Option<ParcelId>,
}

/// A zone's totals in the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSummary {
    /// Zone name.
    pub name: String,
    /// Target in acres (`None` for retained land).
    pub target_acres: Option<f64>,
    /// The zone's tolerance in acres (`None` for retained land).
    pub tolerance_acres: Option<f64>,
    /// Number of parcels (split pieces count as parcels).
    pub parcels: usize,
    /// Area in acres.
    pub acres: f64,
    /// Perimeter of the zone's union in metres.
    pub perimeter_m: f64,
    /// Polsby-Popper compactness 4πA/P².
    pub polsby_popper: f64,
    /// Connected pieces (1 for every planned zone).
    pub components: usize,
    /// Largest fraction of this zone's perimeter bordered by one later planned zone.
    pub bordered_by_later: f64,
}

/// A parcel cut in two.
#[derive(Debug, Clone, PartialEq)]
pub struct SplitRecord {
    /// The input parcel's id.
    pub parent: ParcelId,
    /// The pieces' ids (`-a` is the piece that went to the zone being completed).
    pub pieces: [ParcelId; 2],
    /// The pieces' areas in acres.
    pub acres: [f64; 2],
    /// The pieces' zones.
    pub zones: [String; 2],
}

/// A plan: the zone of every output parcel, per-zone totals and the splits made.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Output parcels in input order (a split parcel's pieces replace it, `-a` then `-b`).
    pub parcels: Vec<PlannedParcel>,
    /// The planned zones in priority order, then [`RETAINED`].
    pub zones: Vec<ZoneSummary>,
    /// Parcels that were cut.
    pub splits: Vec<SplitRecord>,
    /// The tolerance the plan was made with (acres).
    pub tolerance_acres: f64,
    /// Total area of the site (acres).
    pub total_acres: f64,
    /// A lower bound on each planned zone's perimeter, in priority order (isoperimetric, or
    /// from the exact model with `--prove`).
    pub proofs: Vec<proof::ZoneProof>,
    /// For each planned zone with an access rule, in priority order: the parcel that gives it
    /// the access.
    pub access: Vec<ZoneAccess>,
}

/// The parcel that gives a zone its access: of the zone's parcels carrying an accepted access
/// tag and joined to the rest of the zone by at least the minimum frontage (or forming the
/// zone alone), the one with the longest frontage (ties: the first by id).
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneAccess {
    /// The zone.
    pub zone: String,
    /// The access kinds the zone accepts, in words (`port or rail`).
    pub kinds: String,
    /// The parcel's id (a split piece's `-a`/`-b` id when it was cut).
    pub parcel: ParcelId,
    /// Its frontage on the rest of the zone: the boundary it shares with the zone's other
    /// parcels (geodesic metres; 0 for a zone of that one parcel).
    pub frontage_m: f64,
}

/// Why a plan could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// Two features share an id.
    #[error(
        "{file}: features {first} and {second} share the id {id:?}; ids must be unique to plan (locks and output ids would be ambiguous)"
    )]
    DuplicateId {
        /// The input's name.
        file: String,
        /// The id.
        id: String,
        /// 1-based position of the first feature with it.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// Parcels with invalid geometry (fix them first).
    #[error("{file}: {count} parcel(s) with invalid geometry, fix them before planning: {details}")]
    InvalidGeometry {
        /// The input's name.
        file: String,
        /// How many.
        count: usize,
        /// The first few, with feature position, id and problem.
        details: String,
    },
    /// Overlapping parcels (fix them first).
    #[error("{file}: {count} overlapping parcel pair(s), fix them before planning: {details}")]
    Overlaps {
        /// The input's name.
        file: String,
        /// How many.
        count: usize,
        /// The first few pairs.
        details: String,
    },
    /// A zone option that makes no sense.
    #[error("zone {zone:?}: {reason}")]
    BadZone {
        /// The zone.
        zone: String,
        /// What is wrong.
        reason: String,
    },
    /// Some other option that makes no sense.
    #[error("{0}")]
    BadOption(String),
    /// A lock that cannot be honoured as given.
    #[error("--lock {id}={zone}: {reason}")]
    BadLock {
        /// The parcel id.
        id: String,
        /// The zone.
        zone: String,
        /// What is wrong.
        reason: String,
    },
    /// `--prove` in a build without the `exact` cargo feature.
    #[error(
        "--prove needs the exact solver, which this build of allot does not have; build it with `cargo build --release --features exact` (needs cmake and libclang-dev)"
    )]
    ProveUnavailable,
    /// The exact solver failed (not the input's fault).
    #[error("the exact solver failed on zone {zone:?}: {reason}")]
    Solver {
        /// The zone.
        zone: String,
        /// What went wrong.
        reason: String,
    },
    /// No plan satisfies the constraints.
    #[error(
        "cannot plan zone {zone:?} ({} ± {}): {reason}",
        wording::area(*unit, *target, None),
        wording::number(*unit, *tolerance, None)
    )]
    Infeasible {
        /// The zone that could not be planned.
        zone: String,
        /// Its target (acres).
        target: f64,
        /// The tolerance (acres).
        tolerance: f64,
        /// The unit the message gives areas in ([`PlanOptions::units`]).
        unit: AreaUnit,
        /// The binding constraint.
        reason: String,
    },
    /// The input file is larger than planning can hold in memory.
    #[error(
        "{file}: {bytes} bytes is more than allot plan reads ({limit} bytes: planning needs about {per_byte} bytes of memory per input byte, and is sized for {budget_gib} GiB); plan part of the site at a time",
        per_byte = PLAN_BYTES_PER_INPUT_BYTE,
        budget_gib = PLAN_MEMORY_BYTES >> 30
    )]
    InputTooLarge {
        /// The input's name.
        file: String,
        /// Its size.
        bytes: u64,
        /// [`MAX_INPUT_BYTES`].
        limit: u64,
    },
    /// The input has no parcels.
    #[error("{file}: no parcels to plan")]
    NoParcels {
        /// The input's name.
        file: String,
    },
    /// The input has more parcels than planning can hold in memory.
    #[error(
        "{file}: {parcels} parcels is more than allot plan takes ({limit}: planning needs about {per_parcel} bytes of memory per parcel, and is sized for {budget_gib} GiB); plan part of the site at a time",
        per_parcel = PLAN_BYTES_PER_PARCEL,
        budget_gib = PLAN_MEMORY_BYTES >> 30
    )]
    TooManyParcels {
        /// The input's name.
        file: String,
        /// How many it has.
        parcels: usize,
        /// [`MAX_PARCELS`].
        limit: usize,
    },
}

impl PlanError {
    /// True when the input and options are fine but no plan meets them (exit 1, not 2).
    pub fn is_infeasible(&self) -> bool {
        matches!(self, PlanError::Infeasible { .. })
    }
}

/// The memory `allot plan` is sized for: [`MAX_PARCELS`] and [`MAX_INPUT_BYTES`] are this
/// divided by the measured cost of a parcel and of an input byte.
pub const PLAN_MEMORY_BYTES: u64 = 6 << 30;

/// Peak memory of a plan per parcel, rounded up from measurements (`/usr/bin/time -v`, peak
/// RSS of `allot plan` with zones of 5 % and 20 % of `allot generate --seed 7` fabrics:
/// 100,895 parcels 363 MB, 201,659 parcels 674 MB, 1,007,158 parcels 3,297 MB, i.e. 3.7, 3.4
/// and 3.4 KB a parcel; BENCHMARKS.md).
pub const PLAN_BYTES_PER_PARCEL: u64 = 4_000;

/// Peak memory of a plan per input byte, rounded up from the same measurements (11.1, 10.3 and
/// 10.1; the generated fabrics have about 334 bytes of GeoJSON a parcel, the most parcels a
/// byte of the fabrics measured; non-convex ones have 496).
pub const PLAN_BYTES_PER_INPUT_BYTE: u64 = 12;

/// Largest input file `allot plan` reads: [`PLAN_MEMORY_BYTES`] / [`PLAN_BYTES_PER_INPUT_BYTE`].
pub const MAX_INPUT_BYTES: u64 = PLAN_MEMORY_BYTES / PLAN_BYTES_PER_INPUT_BYTE;

/// Most parcels `allot plan` takes (the same bound for standard input, whose size is not known
/// beforehand): [`PLAN_MEMORY_BYTES`] / [`PLAN_BYTES_PER_PARCEL`].
pub const MAX_PARCELS: usize = (PLAN_MEMORY_BYTES / PLAN_BYTES_PER_PARCEL) as usize;

/// Refuses, before reading it, an input file larger than [`MAX_INPUT_BYTES`] (`-`, standard
/// input, and files whose size cannot be read pass; [`check_parcel_count`] bounds them).
pub fn check_input_file(path: &std::path::Path) -> Result<(), PlanError> {
    if path.as_os_str() != "-" {
        let size = std::fs::metadata(path).map_or(0, |m| m.len());
        if size > MAX_INPUT_BYTES {
            return Err(PlanError::InputTooLarge {
                file: path.display().to_string(),
                bytes: size,
                limit: MAX_INPUT_BYTES,
            });
        }
    }
    Ok(())
}

/// Refuses a set with no parcels or more than [`MAX_PARCELS`].
pub fn check_parcel_count(set: &ParcelSet) -> Result<(), PlanError> {
    if set.parcels.is_empty() {
        return Err(PlanError::NoParcels {
            file: set.source.clone(),
        });
    }
    if set.parcels.len() > MAX_PARCELS {
        return Err(PlanError::TooManyParcels {
            file: set.source.clone(),
            parcels: set.parcels.len(),
            limit: MAX_PARCELS,
        });
    }
    Ok(())
}

/// The working state: the graph (which grows when parcels are cut) and assignments.
#[derive(Debug, Clone)]
struct Work {
    geoms: Vec<MultiPolygon<f64>>,
    graph: Graph,
    /// Width of each node in metres ([`crate::geodesy::width::width_m`]).
    width_m: Vec<f64>,
    origin: Vec<usize>,
    piece: Vec<Option<u8>>,
    alive: Vec<bool>,
    zone: Vec<Option<usize>>,
    labels: Vec<String>,
    /// (parent node, zone piece node, rest node)
    splits: Vec<(usize, usize, usize)>,
    /// What the exact model found for each zone planned so far (with `--prove`).
    exact: Vec<ExactZone>,
}

impl Work {
    /// This state with `members` given to zone `k`.
    fn with_zone(&self, k: usize, members: &[usize]) -> Work {
        let mut w = self.clone();
        for &v in members {
            w.zone[v] = Some(k);
        }
        w
    }
}

/// The exact model's result for a realised zone.
#[derive(Debug, Clone)]
struct ExactZone {
    outcome: proof::ExactOutcome,
    band: (f64, f64),
    /// The whole-parcel zone the bound is compared with (before any cut).
    whole_perim: f64,
    /// The heuristic's best perimeter, when the realised zone is the exact model's.
    improved_from: Option<f64>,
}

/// Static facts about the input the zones are planned under.
#[derive(Debug, Clone)]
struct Rules {
    excluded: Vec<bool>,
    /// Per input parcel: its land use is never cut.
    no_cut: Vec<bool>,
    /// The land uses never cut, in words.
    no_cut_names: String,
    lock: Vec<Option<usize>>,
    /// Per zone: the parcels carrying an accepted access tag, and the tags in words.
    access: Vec<Option<(Vec<bool>, String)>>,
    zones: Vec<(String, f64)>,
    /// The run's tolerance (acres).
    tol: f64,
    /// Per zone: its tolerance (acres).
    tols: Vec<f64>,
    /// Per zone: the minimum frontage of its access parcel (m).
    frontages: Vec<f64>,
    /// Per zone: the minimum width of its spurs and necks (m).
    min_widths: Vec<f64>,
    split: bool,
    seed: u64,
    /// First zones of earlier plans (per input parcel) the first zone must differ from.
    avoid: Vec<Vec<bool>>,
    /// Largest share of the first zone's area it may have in common with each of `avoid`.
    avoid_share: f64,
    prove: Option<proof::ProveOptions>,
    deadline: Option<std::time::Instant>,
    /// The unit of areas in messages.
    unit: AreaUnit,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn local_xy(geoms: &[MultiPolygon<f64>]) -> Vec<[f64; 2]> {
    let boxes: Vec<_> = geoms.iter().map(crate::geom::bbox::bbox_of).collect();
    let lat0 = if boxes.is_empty() {
        0.0
    } else {
        boxes.iter().map(|b| b.center().y).sum::<f64>() / boxes.len() as f64
    };
    let kx = 111_320.0 * lat0.to_radians().cos();
    boxes
        .iter()
        .map(|b| [b.center().x * kx, b.center().y * 110_574.0])
        .collect()
}

fn check_input(set: &ParcelSet) -> Result<(), PlanError> {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &set.parcels {
        if let Some(&first) = seen.get(p.id.as_str()) {
            return Err(PlanError::DuplicateId {
                file: set.source.clone(),
                id: p.id.0.to_string(),
                first: first + 1,
                second: p.index as usize + 1,
            });
        }
        seen.insert(p.id.as_str(), p.index as usize);
    }
    let position: BTreeMap<&str, usize> = seen;
    let describe = |f: &crate::validate::Finding| {
        let who: Vec<String> = f
            .parcels
            .iter()
            .map(|id| match position.get(id.as_str()) {
                Some(i) => format!("feature {} (id {:?})", i + 1, id.as_str()),
                None => format!("id {:?}", id.as_str()),
            })
            .collect();
        format!("{}: {}", who.join(" and "), f.message)
    };
    let invalid = crate::validate::invalid_geometry(&set.parcels);
    if !invalid.is_empty() {
        let details: Vec<String> = invalid.iter().map(describe).collect();
        return Err(PlanError::InvalidGeometry {
            file: set.source.clone(),
            count: invalid.len(),
            details: first_few(&details),
        });
    }
    let index = ParcelIndex::build(set.parcels.iter().map(|p| &p.geometry));
    let skip = vec![false; set.parcels.len()];
    let overlaps = crate::validate::overlaps(
        &set.parcels,
        &index,
        &skip,
        OVERLAP_M2,
        crate::AreaUnit::SquareMetres,
    );
    if !overlaps.is_empty() {
        let details: Vec<String> = overlaps.iter().map(describe).collect();
        return Err(PlanError::Overlaps {
            file: set.source.clone(),
            count: overlaps.len(),
            details: first_few(&details),
        });
    }
    Ok(())
}

fn first_few(items: &[String]) -> String {
    let mut s = items.iter().take(5).cloned().collect::<Vec<_>>().join("; ");
    if items.len() > 5 {
        s.push_str(&format!("; and {} more", items.len() - 5));
    }
    s
}

fn rules(set: &ParcelSet, opts: &PlanOptions) -> Result<Rules, PlanError> {
    if opts.zones.is_empty() {
        return Err(PlanError::BadOption("no zones to plan".into()));
    }
    if !(opts.tolerance_acres.is_finite() && opts.tolerance_acres >= 0.0) {
        return Err(PlanError::BadOption(format!(
            "the tolerance must be a finite, non-negative number of acres, not {}",
            opts.tolerance_acres
        )));
    }
    let mut names = BTreeSet::new();
    for (name, target) in &opts.zones {
        let bad = |reason: &str| PlanError::BadZone {
            zone: name.clone(),
            reason: reason.into(),
        };
        if name == RETAINED {
            return Err(bad(
                "`retained` is the land no zone takes; choose another name",
            ));
        }
        if !names.insert(name.as_str()) {
            return Err(bad("given twice"));
        }
        if !(target.is_finite() && *target > 0.0) {
            return Err(bad("the target must be a positive number of acres"));
        }
    }
    let excl: BTreeSet<String> = opts.exclude_uses.iter().map(|s| norm(s)).collect();
    let excluded: Vec<bool> = set
        .parcels
        .iter()
        .map(|p| p.land_use().is_some_and(|u| excl.contains(&norm(u))))
        .collect();
    let keep_whole: BTreeSet<String> = opts.no_cut_uses.iter().map(|s| norm(s)).collect();
    let no_cut: Vec<bool> = set
        .parcels
        .iter()
        .map(|p| p.land_use().is_some_and(|u| keep_whole.contains(&norm(u))))
        .collect();
    let by_id: BTreeMap<&str, usize> = set
        .parcels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut lock: Vec<Option<usize>> = vec![None; set.parcels.len()];
    for (id, zone) in &opts.locks {
        let bad = |reason: String| PlanError::BadLock {
            id: id.clone(),
            zone: zone.clone(),
            reason,
        };
        let Some(&i) = by_id.get(id.as_str()) else {
            return Err(bad(format!(
                "no parcel has the id {id:?} in {}",
                set.source
            )));
        };
        let z = if zone == RETAINED {
            opts.zones.len()
        } else {
            opts.zones
                .iter()
                .position(|(n, _)| n == zone)
                .ok_or_else(|| {
                    let known: Vec<&str> = opts
                        .zones
                        .iter()
                        .map(|(n, _)| n.as_str())
                        .chain([RETAINED])
                        .collect();
                    bad(format!(
                        "unknown zone {zone:?} (zones: {})",
                        known.join(", ")
                    ))
                })?
        };
        if z < opts.zones.len() && excluded[i] {
            return Err(bad(format!(
                "parcel {id} (feature {}) has land_use {:?}, which is excluded; lock it to `retained`, or allow the use with --no-default-excludes",
                set.parcels[i].index as usize + 1,
                set.parcels[i].land_use().unwrap_or("")
            )));
        }
        if let Some(prev) = lock[i]
            && prev != z
        {
            return Err(bad(format!("parcel {id} is locked to two zones")));
        }
        lock[i] = Some(z);
    }
    let mut tols = Vec::with_capacity(opts.zones.len());
    for (name, _) in &opts.zones {
        let t = opts.tolerance_of(name);
        if !(t.is_finite() && t >= 0.0) {
            return Err(PlanError::BadZone {
                zone: name.clone(),
                reason: format!(
                    "the tolerance must be a finite, non-negative number of acres, not {t}"
                ),
            });
        }
        tols.push(t);
    }
    let mut frontages = Vec::with_capacity(opts.zones.len());
    for (name, _) in &opts.zones {
        let f = opts.min_frontage_of(name);
        if !(f.is_finite() && f >= 0.0) {
            return Err(PlanError::BadZone {
                zone: name.clone(),
                reason: format!(
                    "the minimum frontage must be a finite, non-negative number of metres, not {f}"
                ),
            });
        }
        frontages.push(f);
    }
    let mut min_widths = Vec::with_capacity(opts.zones.len());
    for (name, _) in &opts.zones {
        let m = opts.min_width_of(name);
        if !(m.is_finite() && m >= 0.0) {
            return Err(PlanError::BadZone {
                zone: name.clone(),
                reason: format!(
                    "the minimum width must be a finite, non-negative number of metres, not {m}"
                ),
            });
        }
        min_widths.push(m);
    }
    let access = opts
        .zones
        .iter()
        .enumerate()
        .map(|(k, (name, _))| {
            let kinds: Vec<String> = opts.access_of(k, name).iter().map(|a| norm(a)).collect();
            if kinds.is_empty() {
                return None;
            }
            let mask: Vec<bool> = set
                .parcels
                .iter()
                .map(|p| p.access().iter().any(|t| kinds.contains(&norm(t))))
                .collect();
            Some((mask, kinds.join(" or ")))
        })
        .collect();
    let no_cut_names = keep_whole.iter().cloned().collect::<Vec<_>>().join(", ");
    Ok(Rules {
        excluded,
        no_cut,
        no_cut_names,
        lock,
        access,
        zones: opts.zones.clone(),
        tol: opts.tolerance_acres,
        tols,
        frontages,
        min_widths,
        split: opts.split,
        seed: opts.seed,
        avoid: Vec::new(),
        avoid_share: 1.0,
        prove: opts.prove.clone(),
        unit: opts.units,
        deadline: opts.prove.as_ref().and_then(|p| p.time_limit_s).map(|s| {
            std::time::Instant::now() + std::time::Duration::from_secs_f64(s.clamp(0.0, 1e9))
        }),
    })
}

fn build_work(set: &ParcelSet) -> Work {
    let geoms: Vec<MultiPolygon<f64>> = set.parcels.iter().map(|p| p.geometry.clone()).collect();
    let refs: Vec<&MultiPolygon<f64>> = geoms.iter().collect();
    let index = ParcelIndex::build(refs.iter().copied());
    let adjacency = Adjacency::build(&refs, &index);
    let (area, perim): (Vec<f64>, Vec<f64>) = geoms
        .par_iter()
        .map(|g| (area_m2(g) / M2_PER_ACRE, perimeter_m(g)))
        .unzip();
    let n = geoms.len();
    let mut graph = Graph {
        area,
        perim,
        adj: adjacency.neighbours,
        xy: local_xy(&geoms),
        edge: Vec::new(),
    };
    graph.mark_edges();
    let width_m = geoms.par_iter().map(width_m).collect();
    Work {
        geoms,
        graph,
        width_m,
        origin: (0..n).collect(),
        piece: vec![None; n],
        alive: vec![true; n],
        zone: vec![None; n],
        labels: set.parcels.iter().map(|p| p.id.0.to_string()).collect(),
        splits: Vec::new(),
        exact: Vec::new(),
    }
}

impl Rules {
    fn excluded(&self, w: &Work, v: usize) -> bool {
        self.excluded[w.origin[v]]
    }
    fn lock(&self, w: &Work, v: usize) -> Option<usize> {
        if w.piece[v].is_some() {
            None
        } else {
            self.lock[v]
        }
    }
}

/// Plans the zones of `opts` on `set`.
///
/// ```
/// // A 6 × 6 grid of 0.005° cells (about 34 acres each near Karachi): plan 4 cells' worth.
/// let mut features = Vec::new();
/// for r in 0..6 {
///     for c in 0..6 {
///         let (x, y) = (67.0 + c as f64 * 0.005, 24.8 + r as f64 * 0.005);
///         features.push(format!(
///             r#"{{"type":"Feature","id":"P{r}{c}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
///             x + 0.005, x + 0.005, y + 0.005, y + 0.005));
///     }
/// }
/// let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
/// let set = allot::parse_parcels(text.as_bytes(), "grid").unwrap();
/// let cell = allot::geodesy::acres(allot::geodesy::area_m2(&set.parcels[0].geometry));
/// let opts = allot::plan::PlanOptions {
///     zones: vec![("mill".into(), 4.0 * cell)],
///     tolerance_acres: 0.5,
///     ..Default::default()
/// };
/// let plan = allot::plan::plan(&set, &opts).unwrap();
/// let mill = &plan.zones[0];
/// assert_eq!(mill.parcels, 4);
/// assert!((mill.acres - 4.0 * cell).abs() <= 0.5);
/// assert_eq!(mill.components, 1);
/// ```
pub fn plan(set: &ParcelSet, opts: &PlanOptions) -> Result<Plan, PlanError> {
    check_input(set)?;
    // Planned on the parcels in canonical order, so the plan does not depend on the input's.
    let order = canonical::canonical_order(set);
    let set = canonical::reordered(set, &order);
    let plan = plan_checked(&set, rules(&set, opts)?)?;
    Ok(canonical::restore(plan, &order))
}

/// [`plan`] on an input already checked, under `rules`.
fn plan_checked(set: &ParcelSet, rules: Rules) -> Result<Plan, PlanError> {
    if rules.prove.is_some() && !cfg!(feature = "exact") {
        return Err(PlanError::ProveUnavailable);
    }
    for (k, access) in rules.access.iter().enumerate() {
        if let Some((mask, name)) = access
            && !mask.iter().any(|&b| b)
        {
            return Err(infeasible(
                &rules,
                k,
                format!("access: no parcel in {} has {name} access", set.source),
            ));
        }
    }
    let work = build_work(set);
    let mut budget = 12usize;
    let first_err = match plan_from(&rules, 0, &work, &mut budget) {
        Ok(done) => return Ok(finish(set, &rules, done)),
        Err(e) => e,
    };
    // A later zone could not be planned around the first zone's best candidates, which are
    // near-copies of one another (the search converges). Try first zones elsewhere: each retry
    // keeps every rule and asks the first zone to share at most half of its area with each
    // first zone tried so far (on the PSM data with highway access required for the park, the
    // mill otherwise takes the middle of the N-5 frontage and the park finds no highway parcel
    // it can reach without cutting the retained land in two).
    let later_failed =
        matches!(&first_err, PlanError::Infeasible { zone, .. } if *zone != rules.zones[0].0);
    if !later_failed || rules.split {
        return Err(first_err);
    }
    let mut r = rules.clone();
    r.avoid_share = r.avoid_share.min(DIVERSE_RETRY_SHARE);
    for _ in 0..DIVERSE_RETRIES {
        let Ok((_, sols)) = zone_options(&r, 0, &work, None) else {
            break;
        };
        let Some(best) = sols.first() else {
            break;
        };
        let mut mask = vec![false; set.parcels.len()];
        for &v in &best.members {
            mask[work.origin[v]] = true;
        }
        let mut budget = 12usize;
        if let Ok(done) = plan_from(&r, 0, &work, &mut budget) {
            return Ok(finish(set, &rules, done));
        }
        r.avoid.push(mask);
    }
    Err(first_err)
}

/// How many times [`plan`] retries with the first zone elsewhere when a later zone fails.
const DIVERSE_RETRIES: usize = 3;

/// Largest share of its area a retried first zone has in common with each one tried before.
const DIVERSE_RETRY_SHARE: f64 = 0.5;

fn infeasible(rules: &Rules, k: usize, reason: String) -> PlanError {
    PlanError::Infeasible {
        zone: rules.zones[k].0.clone(),
        target: rules.zones[k].1,
        // With --split the zone is cut to its target within SPLIT_PRECISION_ACRES.
        tolerance: if rules.split {
            rules.tols[k].min(SPLIT_PRECISION_ACRES)
        } else {
            rules.tols[k]
        },
        unit: rules.unit,
        reason,
    }
}

/// Plans zone `k` and the ones after it, trying the next-best alternatives for zone `k` when a
/// later zone cannot be planned.
fn plan_from(rules: &Rules, k: usize, work: &Work, budget: &mut usize) -> Result<Work, PlanError> {
    if k == rules.zones.len() {
        return Ok(work.clone());
    }
    match plan_zone(rules, k, work, budget, None) {
        Ok(w) => Ok(w),
        // Every zone found took a multi-part parcel whose parts lie apart and did not join them:
        // search again without such parcels (the zone may not need them), and say the first
        // reason when that fails too.
        Err((e, true)) => {
            let bar = apart_multi_part(work);
            if !bar.iter().any(|&b| b) {
                return Err(e);
            }
            plan_zone(rules, k, work, budget, Some(&bar)).map_err(|_| e)
        }
        Err((e, false)) => Err(e),
    }
}

/// The live multi-part parcels of `work` whose parts lie apart (not joined by each other).
fn apart_multi_part(work: &Work) -> Vec<bool> {
    let n = work.graph.len();
    let refs: Vec<&MultiPolygon<f64>> = work.geoms.iter().collect();
    let mut mask = vec![false; n];
    (0..n)
        .map(|v| {
            if !work.alive[v] || work.geoms[v].0.len() < 2 {
                return false;
            }
            mask[v] = true;
            let apart = crate::graph::parts::piece_count(&refs, &work.graph.adj, &mask) > 1;
            mask[v] = false;
            apart
        })
        .collect()
}

/// Zone `k` and the zones after it, zone `k` kept off the parcels `bar` marks. The error says
/// whether the only zones found were in pieces through multi-part parcels.
fn plan_zone(
    rules: &Rules,
    k: usize,
    work: &Work,
    budget: &mut usize,
    bar: Option<&[bool]>,
) -> Result<Work, (PlanError, bool)> {
    let (data, mut sols) = zone_options(rules, k, work, bar).map_err(|e| (e, false))?;
    let exact = prove_zone(rules, k, work, &data, &mut sols).map_err(|e| (e, false))?;
    let mut first_err = None;
    let mut parts_err = None;
    let mut realized = 0;
    // The best three solutions are tried; one the parts of a multi-part parcel hold together
    // (below) does not count, so the next one is tried instead.
    let mut tried = 0;
    for s in &sols {
        if *budget == 0 || tried == 3 {
            break;
        }
        tried += 1;
        let w = if rules.split {
            match complete_with_cut(rules, k, work, &data, s) {
                // The cut can leave a narrow piece hanging off the zone: check the zone again.
                Some(w) if narrow_after_cut(rules, k, &w).is_none() => w,
                _ => continue,
            }
        } else {
            work.with_zone(k, &s.members)
        };
        // The search joins parcels on the parcel graph, where a multi-part parcel is one node:
        // a zone (or the land left open) joined only through its parts lies in pieces.
        if let Some(why) = split_by_parts(&w, k) {
            parts_err.get_or_insert(why);
            tried -= 1;
            continue;
        }
        realized += 1;
        *budget -= 1;
        let mut w = w;
        if let Some(e) = &exact {
            w.exact.push(ExactZone {
                whole_perim: s.perim,
                improved_from: e
                    .0
                    .better
                    .as_ref()
                    .filter(|b| b.0 == s.members)
                    .map(|_| e.1),
                ..e.2.clone()
            });
        }
        match plan_from(rules, k + 1, &w, budget) {
            Ok(done) => return Ok(done),
            Err(e) => {
                if first_err.is_none() {
                    first_err = Some(e);
                }
            }
        }
    }
    if realized == 0
        && let Some(why) = parts_err
    {
        return Err((infeasible(rules, k, why), true));
    }
    if realized == 0 && rules.split {
        let (name, target) = (&rules.zones[k].0, rules.zones[k].1);
        let within = match rules.unit {
            AreaUnit::Acres => format!("{SPLIT_PRECISION_ACRES} acre"),
            u => wording::area(u, SPLIT_PRECISION_ACRES, None),
        };
        return Err((
            infeasible(
                rules,
                k,
                format!(
                    "cut: no parcel on the edge of a compact zone near {} can be cut into non-sliver pieces to reach {name}'s target within {within} (parcels of corridor and no-cut land uses are never cut: {})",
                    wording::area(rules.unit, target, None),
                    rules.no_cut_names
                ),
            ),
            false,
        ));
    }
    Err((
        first_err.unwrap_or_else(|| infeasible(rules, k, "search budget exhausted".into())),
        false,
    ))
}

/// Why zone `k` of `w`, or the land `w` leaves open (no zone yet), is in more pieces of land
/// than the parcel graph says: a multi-part parcel whose parts lie apart joins them there and
/// not on the ground ([`crate::graph::parts`], the rule `allot validate` applies). None when
/// neither is.
fn split_by_parts(w: &Work, k: usize) -> Option<String> {
    split_by_parts_of(w, k, true)
}

/// [`split_by_parts`], of zone `k` alone when `open_too` is false.
fn split_by_parts_of(w: &Work, k: usize, open_too: bool) -> Option<String> {
    let n = w.graph.len();
    let multi = |v: usize| w.alive[v] && w.geoms[v].0.len() > 1;
    if !(0..n).any(multi) {
        return None;
    }
    let refs: Vec<&MultiPolygon<f64>> = w.geoms.iter().collect();
    let zone: Vec<bool> = (0..n).map(|v| w.alive[v] && w.zone[v] == Some(k)).collect();
    let open: Vec<bool> = (0..n).map(|v| w.alive[v] && w.zone[v].is_none()).collect();
    let checks = [("is", &zone), ("leaves the land left over", &open)];
    for (what, mask) in checks.into_iter().take(if open_too { 2 } else { 1 }) {
        let through: Vec<&str> = (0..n)
            .filter(|&v| mask[v] && multi(v))
            .map(|v| w.labels[v].as_str())
            .collect();
        if through.is_empty() {
            continue;
        }
        let on_graph = search::components(&w.graph, mask).len();
        let on_ground = crate::graph::parts::piece_count(&refs, &w.graph.adj, mask);
        if on_ground > on_graph {
            return Some(format!(
                "contiguity: every zone the search found {what} in {on_ground} pieces of land, joined only through the separate parts of multi-part parcel(s) {}",
                first_few(&through.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            ));
        }
    }
    None
}

/// The first spur or neck of zone `k` in `w` narrower than its minimum width (after a cut).
fn narrow_after_cut(rules: &Rules, k: usize, w: &Work) -> Option<crate::graph::narrow::NarrowPart> {
    let inset: Vec<bool> = (0..w.graph.len())
        .map(|v| w.alive[v] && w.zone[v] == Some(k))
        .collect();
    let members: Vec<usize> = (0..w.graph.len()).filter(|&v| inset[v]).collect();
    crate::graph::narrow::narrow_parts(
        &w.graph.adj,
        &members,
        &inset,
        &w.width_m,
        rules.min_widths[k],
    )
    .into_iter()
    .next()
}

/// The zone problem for zone `k` on the current work, as owned data.
struct ZoneData {
    avail: Vec<bool>,
    open: Vec<bool>,
    required: Vec<usize>,
    access: Option<Vec<bool>>,
    earlier: Vec<Earlier>,
}

fn zone_data(rules: &Rules, k: usize, work: &Work) -> ZoneData {
    let n = work.graph.len();
    let avail: Vec<bool> = (0..n)
        .map(|v| {
            work.alive[v]
                && !rules.excluded(work, v)
                && work.zone[v].is_none()
                && rules.lock(work, v).is_none_or(|z| z == k)
        })
        .collect();
    let required: Vec<usize> = (0..n)
        .filter(|&v| work.alive[v] && rules.lock(work, v) == Some(k))
        .collect();
    let access = rules.access[k]
        .as_ref()
        .map(|(mask, _)| (0..n).map(|v| mask[work.origin[v]]).collect());
    let earlier = (0..k)
        .map(|z| {
            let members: Vec<usize> = (0..n).filter(|&v| work.zone[v] == Some(z)).collect();
            let mut shared = vec![0.0; n];
            for &m in &members {
                for &(w, s) in &work.graph.adj[m] {
                    shared[w] += s;
                }
            }
            Earlier {
                shared,
                perim: work.graph.union_perimeter(&members),
            }
        })
        .collect();
    let open: Vec<bool> = (0..n)
        .map(|v| work.alive[v] && work.zone[v].is_none())
        .collect();
    ZoneData {
        avail,
        open,
        required,
        access,
        earlier,
    }
}

/// The zone problem's data and the alternative zones found for zone `k`, best first (with
/// `split`, zones near the target that a cut completes).
fn zone_options(
    rules: &Rules,
    k: usize,
    work: &Work,
    bar: Option<&[bool]>,
) -> Result<(ZoneData, Vec<Solution>), PlanError> {
    let target = rules.zones[k].1;
    let mut data = zone_data(rules, k, work);
    if let Some(bar) = bar {
        data.avail.iter_mut().zip(bar).for_each(|(a, &b)| *a &= !b);
    }
    let tol = rules.tols[k];
    let problem = |tol: f64| zone_problem(rules, k, work, &data, &data.open, tol);
    if !rules.split {
        let sols = match search::solve(&problem(tol)) {
            Ok(sols) => sols,
            Err(e) => {
                let reason = match e {
                    search::Infeasible::NoWholeParcelSet { .. } => {
                        why_no_whole_set(rules, k, work, &data)
                    }
                    other => name_binding_rule(&other.text_in(rules.unit, true)),
                };
                exact_when_search_fails(rules, k, &problem(tol), reason)?
            }
        };
        return Ok((data, sols));
    }
    // Split: find compact zones near the target, then complete the best with one cut.
    let wide = wide_tolerance(&work.graph, &data.avail);
    let searched = search::solve(&problem(wide));
    // A target smaller than every parcel that may be cut is a piece of one parcel: the
    // whole-parcel search near it finds nothing, or only parcels never cut (a 3-acre road
    // corridor near a 1-acre target), so the smallest cuttable parcels are tried first.
    let singles = one_parcel_zones(rules, k, work, &data);
    let searched = match searched {
        Ok(sols) => Ok(singles.into_iter().chain(sols).collect()),
        Err(_) if !singles.is_empty() => Ok(singles),
        Err(e) => Err(e),
    };
    // The wide band is internal: say what the user asked for, not the band searched.
    let sols = searched.map_err(|e| {
        let reason = match e {
            search::Infeasible::NoWholeParcelSet { .. } => format!(
                "area: no contiguous set of whole parcels comes near enough to {} for one cut on its edge to complete it",
                wording::area(rules.unit, target, None)
            ),
            other => name_binding_rule(&other.text_in(rules.unit, false)),
        };
        infeasible(rules, k, reason)
    })?;
    Ok((data, sols))
}

/// How many one-parcel zones [`one_parcel_zones`] offers.
const ONE_PARCEL_ZONES: usize = 3;

/// When zone `k`'s target is smaller than every available parcel [`cuttable`] (and with the
/// zone's access), the few smallest of them as one-parcel zones for
/// [`complete_with_cut`] to cut the zone out of; otherwise none.
fn one_parcel_zones(rules: &Rules, k: usize, work: &Work, data: &ZoneData) -> Vec<Solution> {
    let target = rules.zones[k].1;
    let g = &work.graph;
    let mut cands: Vec<usize> = (0..g.len())
        .filter(|&v| data.avail[v] && cuttable(rules, work, v))
        .filter(|&v| data.access.as_ref().is_none_or(|a| a[v]))
        .collect();
    if cands.is_empty() || cands.iter().any(|&v| g.area[v] <= target) || !data.required.is_empty() {
        return Vec::new();
    }
    cands.sort_by(|&a, &b| g.area[a].total_cmp(&g.area[b]).then(a.cmp(&b)));
    cands
        .into_iter()
        .take(ONE_PARCEL_ZONES)
        .map(|v| Solution {
            members: vec![v],
            area: g.area[v],
            perim: g.perim[v],
            cost: g.perim[v],
        })
        .collect()
}

/// Whether node `v` may be cut: an input parcel not yet cut, alive, not locked, not of a
/// no-cut land use, one polygon without holes.
fn cuttable(rules: &Rules, work: &Work, v: usize) -> bool {
    v < work.origin.len()
        && work.piece[v].is_none()
        && work.alive[v]
        && rules.lock(work, v).is_none()
        && !rules.no_cut[work.origin[v]]
        && work.geoms[v].0.len() == 1
        && work.geoms[v].0[0].interiors().is_empty()
}

/// The rule a search's own binding-constraint message is about, named first.
fn name_binding_rule(reason: &str) -> String {
    let rule = if reason.contains("locked") {
        "locks"
    } else if reason.contains("-access parcel") {
        "access"
    } else {
        "area"
    };
    format!("{rule}: {reason}")
}

/// The search problem of zone `k` with tolerance `tol`, keeping `open` land in one piece.
fn zone_problem<'a>(
    rules: &'a Rules,
    k: usize,
    work: &'a Work,
    data: &'a ZoneData,
    open: &'a [bool],
    tol: f64,
) -> ZoneProblem<'a> {
    ZoneProblem {
        graph: &work.graph,
        avail: &data.avail,
        open,
        required: &data.required,
        access: data.access.as_deref(),
        access_name: rules.access[k].as_ref().map_or("", |a| a.1.as_str()),
        labels: &work.labels,
        target: rules.zones[k].1,
        tol,
        earlier: data.earlier.clone(),
        seed: rules.seed.wrapping_add(k as u64 * 0x1000_0000),
        min_frontage_m: rules.frontages[k],
        avoid: if k == 0 {
            rules
                .avoid
                .iter()
                .map(|m| work.origin.iter().map(|&o| m[o]).collect())
                .collect()
        } else {
            Vec::new()
        },
        avoid_cap: rules.avoid_share * (rules.zones[k].1 - rules.tols[k]).max(0.0),
        width_m: &work.width_m,
        min_width_m: rules.min_widths[k],
    }
}

/// With `--prove`: solves zone `k` exactly from the heuristic's best zone `sols[0]`, puts the
/// exact model's zone first in `sols` when it is shorter, and returns the outcome with the
/// heuristic's best perimeter and the record to keep for the realised zone. With `split` the
/// model is the whole-parcel zone in the same wide band the search used before the cut.
#[allow(clippy::type_complexity)]
fn prove_zone(
    rules: &Rules,
    k: usize,
    work: &Work,
    data: &ZoneData,
    sols: &mut Vec<Solution>,
) -> Result<Option<(proof::ExactOutcome, f64, ExactZone)>, PlanError> {
    let Some(limits) = &rules.prove else {
        return Ok(None);
    };
    let Some(first) = sols.first().cloned() else {
        return Ok(None);
    };
    let tol = if rules.split {
        wide_tolerance(&work.graph, &data.avail)
    } else {
        rules.tols[k]
    };
    let problem = zone_problem(rules, k, work, data, &data.open, tol);
    let outcome = run_exact(&problem, &first, limits, rules.deadline).map_err(|reason| {
        PlanError::Solver {
            zone: rules.zones[k].0.clone(),
            reason,
        }
    })?;
    if let Some((members, perim)) = &outcome.better {
        let area = members.iter().map(|&v| work.graph.area[v]).sum();
        let better = Solution {
            members: members.clone(),
            area,
            perim: *perim,
            cost: *perim,
        };
        // The exact model does not know every rule (the minimum width among them): its zone
        // is used only when it keeps them all.
        if search::broken_rule(&problem, &better).is_none() {
            sols.insert(0, better);
        }
    }
    let target = rules.zones[k].1;
    let record = ExactZone {
        outcome: outcome.clone(),
        band: (target - tol, target + tol),
        whole_perim: first.perim,
        improved_from: None,
    };
    Ok(Some((outcome, first.perim, record)))
}

#[cfg(feature = "exact")]
fn run_exact(
    p: &ZoneProblem,
    incumbent: &Solution,
    limits: &proof::ProveOptions,
    deadline: Option<std::time::Instant>,
) -> Result<proof::ExactOutcome, String> {
    exact::solve_zone(p, incumbent, limits, deadline)
}

#[cfg(not(feature = "exact"))]
fn run_exact(
    _: &ZoneProblem,
    _: &Solution,
    _: &proof::ProveOptions,
    _: Option<std::time::Instant>,
) -> Result<proof::ExactOutcome, String> {
    Err(PlanError::ProveUnavailable.to_string())
}

/// The search found no zone for zone `k` (for `reason`). With `--prove` the exact model is
/// solved from no incumbent: a zone it finds that keeps every rule is planned (the search
/// missed it), and when it proves that none exists the message says so; otherwise (or without
/// `--prove`) the zone is infeasible for `reason`, with what the exact model reached.
fn exact_when_search_fails(
    rules: &Rules,
    k: usize,
    problem: &ZoneProblem,
    reason: String,
) -> Result<Vec<Solution>, PlanError> {
    let Some(limits) = &rules.prove else {
        return Err(infeasible(rules, k, reason));
    };
    let none = Solution {
        members: Vec::new(),
        area: 0.0,
        perim: f64::INFINITY,
        cost: f64::INFINITY,
    };
    let outcome =
        run_exact(problem, &none, limits, rules.deadline).map_err(|reason| PlanError::Solver {
            zone: rules.zones[k].0.clone(),
            reason,
        })?;
    if let Some((members, perim)) = outcome.better {
        let area = members.iter().map(|&v| problem.graph.area[v]).sum();
        let found = Solution {
            members,
            area,
            perim,
            cost: perim,
        };
        if search::broken_rule(problem, &found).is_none() {
            return Ok(vec![found]);
        }
    }
    let verdict = if outcome.infeasible {
        "the exact model (--prove) proves that no zone meets these rules".to_string()
    } else {
        format!(
            "the exact model (--prove) found no zone either, without proving that none exists ({})",
            outcome.note.as_deref().unwrap_or("it stopped")
        )
    };
    Err(infeasible(rules, k, format!("{reason}; {verdict}")))
}

/// Why no contiguous set of whole parcels was found for zone `k`: the rule that binds, found
/// by relaxing one rule at a time with the same search, and the closest figure it reaches.
fn why_no_whole_set(rules: &Rules, k: usize, work: &Work, data: &ZoneData) -> String {
    let target = rules.zones[k].1;
    let tol = rules.tols[k];
    let band = wording::band(rules.unit, target, tol, None);
    let area = |acres: f64| wording::area(rules.unit, acres, Some(2));
    let closest = |sols: &[Solution]| {
        sols.iter()
            .map(|s| s.area)
            .min_by(|a, b| (a - target).abs().total_cmp(&(b - target).abs()))
            .unwrap_or(0.0)
    };
    if let Some((_, name)) = &rules.access[k]
        && rules.frontages[k] > 0.0
    {
        let mut any_frontage = zone_problem(rules, k, work, data, &data.open, tol);
        any_frontage.min_frontage_m = 0.0;
        if search::solve(&any_frontage).is_ok() {
            return format!(
                "access: every contiguous set of whole parcels within {band} that includes a parcel with {name} access joins it to the rest of the zone by less than the minimum frontage of {} m (a zone exists with a shorter frontage; --min-frontage sets it)",
                rules.frontages[k]
            );
        }
    }
    if rules.min_widths[k] > 0.0 {
        let mut any_width = zone_problem(rules, k, work, data, &data.open, tol);
        any_width.min_width_m = 0.0;
        if let Ok(s) = search::solve(&any_width) {
            let narrow =
                search::narrow_summary(&zone_problem(rules, k, work, data, &data.open, tol), &s[0]);
            return format!(
                "min-width: every contiguous set of whole parcels within {band} that the search found has a spur or neck narrower than the minimum width of {} m (the best without that rule: {narrow}; --min-width sets it)",
                rules.min_widths[k]
            );
        }
    }
    if let Some((_, name)) = &rules.access[k]
        && rules.frontages[k] > 0.0
        && rules.min_widths[k] > 0.0
    {
        // Neither rule alone binds (each relaxation above failed), both together do: an access
        // parcel joined by a short frontage is often a strip, a spur too.
        let mut neither = zone_problem(rules, k, work, data, &data.open, tol);
        neither.min_frontage_m = 0.0;
        neither.min_width_m = 0.0;
        if search::solve(&neither).is_ok() {
            return format!(
                "access and min-width: every contiguous set of whole parcels within {band} that includes a parcel with {name} access joins it to the rest of the zone by less than the minimum frontage of {} m or has a spur or neck narrower than the minimum width of {} m (a zone exists without both rules; --min-frontage and --min-width set them)",
                rules.frontages[k], rules.min_widths[k]
            );
        }
    }
    if !rules.avoid.is_empty() && k == 0 {
        let mut same = zone_problem(rules, k, work, data, &data.open, tol);
        same.avoid.clear();
        if search::solve(&same).is_ok() {
            return format!(
                "alternatives: every contiguous set of whole parcels within {band} that the search found shares more than {:.0}% of its area with an earlier plan's {}",
                100.0 * rules.avoid_share,
                rules.zones[k].0
            );
        }
    }
    // Retained land in one piece: the same search without that rule. Its zones are joined on
    // the parcel graph, where a multi-part parcel is one node: a zone in pieces on the ground
    // does not show that rule binds; if every zone it found is, contiguity does.
    let no_open = vec![false; data.open.len()];
    if let Ok(s) = search::solve(&zone_problem(rules, k, work, data, &no_open, tol)) {
        let mut apart = None;
        let mut whole: Vec<Solution> = Vec::new();
        for sol in s {
            match split_by_parts_of(&work.with_zone(k, &sol.members), k, false) {
                None => whole.push(sol),
                Some(why) => {
                    apart.get_or_insert(why);
                }
            }
        }
        if !whole.is_empty() {
            return format!(
                "retained land in one piece: every contiguous set of whole parcels within {band} would cut the land left over into pieces (a zone of {} exists without that rule)",
                area(closest(&whole))
            );
        }
        if let Some(why) = apart {
            return why;
        }
    }
    // Granularity: a band as wide as a typical parcel.
    let wide = wide_tolerance(&work.graph, &data.avail);
    if let Ok(s) = search::solve(&zone_problem(rules, k, work, data, &data.open, wide)) {
        return format!(
            "area: whole parcels cannot reach {band} (the closest compact zone found has {}); use --split to cut a parcel on the zone's edge",
            area(closest(&s))
        );
    }
    if !data.required.is_empty() {
        let ids: Vec<&str> = data
            .required
            .iter()
            .map(|&v| work.labels[v].as_str())
            .collect();
        let and_access = rules.access[k]
            .as_ref()
            .map(|(_, name)| format!(" and a parcel with {name} access"))
            .unwrap_or_default();
        return format!(
            "locks: no contiguous set of whole parcels within {band} joins the locked parcels {}{and_access}",
            ids.join(", ")
        );
    }
    if let Some((_, name)) = &rules.access[k] {
        return format!(
            "access: no contiguous set of whole parcels within {band} includes a parcel with {name} access"
        );
    }
    format!("contiguity: no contiguous set of whole parcels within {band} was found")
}

/// The band (± acres) in which `--split` looks for whole-parcel zones to complete with one cut:
/// 0.6 of the median available parcel's area, the deviation a typical parcel on the zone's edge
/// can make up. It does not grow with the zone's tolerance: the cut brings the zone within
/// [`SPLIT_PRECISION_ACRES`] whatever the tolerance, and on land of house plots (median 0.4
/// acre) a zone 0.9 acre off its target, inside a 1-acre tolerance, is one no single plot can
/// complete (`tests/fixtures/qa/streets.geojson`).
fn wide_tolerance(g: &Graph, avail: &[bool]) -> f64 {
    let mut a: Vec<f64> = (0..g.len())
        .filter(|&v| avail[v])
        .map(|v| g.area[v])
        .collect();
    a.sort_by(f64::total_cmp);
    let med = a.get(a.len() / 2).copied().unwrap_or(1.0);
    0.6 * med
}

/// Connected after removing `gone` from `members`?
fn connected_without(g: &Graph, members: &[usize], gone: usize) -> bool {
    let set: BTreeSet<usize> = members.iter().copied().filter(|&v| v != gone).collect();
    let Some(&start) = set.iter().next() else {
        return false;
    };
    let mut seen = BTreeSet::from([start]);
    let mut stack = vec![start];
    while let Some(v) = stack.pop() {
        for &(w, _) in &g.adj[v] {
            if set.contains(&w) && seen.insert(w) {
                stack.push(w);
            }
        }
    }
    seen.len() == set.len()
}

/// Completes a whole-parcel zone `s` to the exact target with one straight cut: either cut a
/// parcel just outside the zone and take the piece that touches it, or cut a parcel on its
/// edge and give back the far piece. Returns the work with the cut made and the zone assigned.
fn complete_with_cut(
    rules: &Rules,
    k: usize,
    work: &Work,
    data: &ZoneData,
    s: &Solution,
) -> Option<Work> {
    let g = &work.graph;
    let target = rules.zones[k].1;
    let tol = rules.tols[k].min(SPLIT_PRECISION_ACRES);
    let assign = |members: &[usize]| work.with_zone(k, members);
    if (s.area - target).abs() <= tol {
        return Some(assign(&s.members));
    }
    let inset: BTreeSet<usize> = s.members.iter().copied().collect();
    let has_access = |members: &BTreeSet<usize>| {
        data.access
            .as_ref()
            .is_none_or(|a| members.iter().any(|&v| a[v]))
    };
    let cuttable = |v: usize| cuttable(rules, work, v);
    // Candidates: (base set, parcel to cut, wanted piece acres).
    let mut cands: Vec<(f64, Vec<usize>, usize, f64)> = Vec::new();
    let frontier: BTreeSet<usize> = s
        .members
        .iter()
        .flat_map(|&m| g.adj[m].iter().map(|e| e.0))
        .filter(|&w| !inset.contains(&w) && data.avail[w])
        .collect();
    // A piece of 3% to 97% of a zone-edge parcel; a zone of one parcel (a target smaller than
    // the parcels) may be any piece of it that is not a sliver, which the cut's
    // Polsby-Popper bound decides.
    let piece_alone = s.members.len() == 1 && s.area > target;
    let fraction_ok = |x: f64, a: f64| piece_alone || (x >= 0.03 * a && x <= 0.97 * a);
    if s.area < target {
        let x = target - s.area;
        for &c in &frontier {
            if cuttable(c) && fraction_ok(x, g.area[c]) {
                let est = s.perim + g.perim[c] * (x / g.area[c]).sqrt();
                cands.push((est, s.members.clone(), c, x));
            }
        }
    } else {
        let required: BTreeSet<usize> = data.required.iter().copied().collect();
        for &i in &s.members {
            let x = target - (s.area - g.area[i]);
            if !cuttable(i) || required.contains(&i) || !fraction_ok(x, g.area[i]) {
                continue;
            }
            // A zone of one parcel becomes the piece alone (a zone smaller than that parcel).
            if s.members.len() > 1 && !connected_without(g, &s.members, i) {
                continue;
            }
            let base: Vec<usize> = s.members.iter().copied().filter(|&v| v != i).collect();
            let est = s.perim - g.perim[i] * (1.0 - (x / g.area[i]).sqrt());
            cands.push((est, base, i, x));
        }
    }
    cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.2.cmp(&b.2)));
    let mut evals: Vec<(Vec<usize>, CutEval, [geo::Coord<f64>; 2])> = Vec::new();
    for (_, base, c, x) in cands.into_iter().take(12) {
        let base_set: BTreeSet<usize> = base.iter().copied().collect();
        if !has_access(&base_set) && !data.access.as_ref().is_some_and(|a| a[c]) {
            continue;
        }
        let base_perim = g.union_perimeter(&base);
        let poly = &work.geoms[c].0[0];
        let parent_pp = polsby_popper(area_m2(&work.geoms[c]), g.perim[c]);
        let min_pp = (0.5 * parent_pp).min(0.2);
        for cut in split::cuts_with_area(poly, x * M2_PER_ACRE, min_pp) {
            if let Some(e) = evaluate_cut(work, c, &cut, &base_set, base_perim) {
                evals.push((base.clone(), e, cut.points));
            }
        }
    }
    // Cheapest zone perimeter first; the first cut passing the exact checks wins.
    let mut order: Vec<usize> = (0..evals.len()).collect();
    order.sort_by(|&a, &b| {
        evals[a]
            .1
            .zone_perim
            .total_cmp(&evals[b].1.zone_perim)
            .then(a.cmp(&b))
    });
    let open_pieces = search::components(&work.graph, &data.open).len().max(1);
    let pick = order.into_iter().find(|&i| {
        rest_touches_open_land(data, &evals[i].0, &evals[i].1)
            && open_pieces_after_cut(work, data, &evals[i].0, &evals[i].1) <= open_pieces
            && cut_is_exact(work, &evals[i].1, evals[i].2)
    })?;
    let (base, e, _) = evals.swap_remove(pick);
    let mut w = work.clone();
    apply_cut(&mut w, e);
    let piece = w.graph.len() - 2;
    for &v in &base {
        w.zone[v] = Some(k);
    }
    w.zone[piece] = Some(k);
    Some(w)
}

/// A cut evaluated against the current work: the neighbours' geometries with the cut points
/// inserted, and the shared lengths of both pieces with each neighbour.
struct CutEval {
    c: usize,
    piece: MultiPolygon<f64>,
    rest: MultiPolygon<f64>,
    nbr_geoms: Vec<(usize, MultiPolygon<f64>)>,
    links: Vec<(usize, f64, f64)>,
    shared_ab: f64,
    zone_perim: f64,
}

/// Evaluates the cut of node `c`: None when the piece does not touch `base` (unless `base` is
/// empty: the piece is then the whole zone), or the pieces
/// fail the tiling checks or overlap a neighbour.
fn evaluate_cut(
    work: &Work,
    c: usize,
    cut: &split::Cut,
    base: &BTreeSet<usize>,
    base_perim: f64,
) -> Option<CutEval> {
    let nbrs: Vec<usize> = work.graph.adj[c].iter().map(|e| e.0).collect();
    let mut nbr_geoms = Vec::new();
    for &nb in &nbrs {
        let mut g = work.geoms[nb].clone();
        for p in cut.points {
            split::insert_vertex(&mut g, p);
        }
        nbr_geoms.push((nb, g));
    }
    let piece = MultiPolygon(vec![cut.piece.clone()]);
    let rest = MultiPolygon(vec![cut.rest.clone()]);
    let shared_ab = shared_boundary_m(&piece, &rest);
    let mut touch = 0.0;
    let mut links = Vec::new();
    for (nb, g) in &nbr_geoms {
        let sa = shared_boundary_m(&piece, g);
        let sb = shared_boundary_m(&rest, g);
        if base.contains(nb) {
            touch += sa;
        }
        links.push((*nb, sa, sb));
    }
    if !base.is_empty() && touch <= 1e-3 {
        return None;
    }
    let zone_perim = base_perim + perimeter_m(&piece) - 2.0 * touch;
    Some(CutEval {
        c,
        piece,
        rest,
        nbr_geoms,
        links,
        shared_ab,
        zone_perim,
    })
}

/// Whether the rest of a cut, which stays unzoned, shares boundary with the open land left
/// outside the zone (`base` and the cut parcel taken out), when any is left: a rest closed in
/// by zones would be retained land apart from the rest of it (on `scripts/qa`'s Voronoi fabric,
/// zones `a=100`, `b=150` with `--split` left a 0.05-acre rest of V192 alone, and `validate`
/// of the plan found the retained land in two pieces).
fn rest_touches_open_land(data: &ZoneData, base: &[usize], e: &CutEval) -> bool {
    let outside = |v: usize| data.open[v] && v != e.c && !base.contains(&v);
    let any_open = (0..data.open.len()).any(outside);
    !any_open || e.links.iter().any(|&(nb, _, sb)| sb > 1e-3 && outside(nb))
}

/// How many pieces the open land is in once zone `k` takes `base` and the cut's piece: the
/// rest of the cut stays open, joined to the open neighbours it shares boundary with. The
/// search kept the open land whole around its whole-parcel zone, but the piece takes land the
/// zone did not (or gives back less than the parcel): on 27 parallel strips, `--split` cut a
/// strip whose piece closed the strips beyond it off from the rest, and `validate` of the plan
/// found the retained land in two pieces.
fn open_pieces_after_cut(work: &Work, data: &ZoneData, base: &[usize], e: &CutEval) -> usize {
    let n = work.graph.len();
    let rest = n; // the rest of the cut, as an extra node
    let open = |v: usize| data.open[v] && v != e.c && !base.contains(&v);
    let mut dsu = crate::graph::union_find::Dsu::new(n + 1);
    for v in (0..n).filter(|&v| open(v)) {
        for &(w, _) in &work.graph.adj[v] {
            if open(w) {
                dsu.union(v, w);
            }
        }
    }
    for &(nb, _, sb) in &e.links {
        if sb > 1e-3 && open(nb) {
            dsu.union(rest, nb);
        }
    }
    (0..=n)
        .filter(|&v| v == rest || open(v))
        .filter(|&v| dsu.find_mut(v) == v)
        .count()
}

/// The exact checks of a cut (slow: boolean operations): the pieces tile the parent and
/// overlap no neighbour more than the parent itself did.
///
/// Real fabrics are not perfectly noded: where a neighbour's ring lacks a parcel's corner
/// (a T-junction) or the two sides of a boundary are rounded differently, the parcel and its
/// neighbour overlap by a hairline (a few mm², far under `validate`'s 1 m²). That overlap is the
/// data's, not the cut's: a cut is refused only when its pieces overlap a neighbour by more
/// than the parent did, beyond 1e-6 of the parent's area (inserting the cut points into the
/// neighbour's ring moves its edge by at most millimetres).
fn cut_is_exact(work: &Work, e: &CutEval, points: [geo::Coord<f64>; 2]) -> bool {
    let parent = &work.geoms[e.c].0[0];
    if split::check_tiling(parent, &e.piece.0[0], &e.rest.0[0], points).is_err() {
        return false;
    }
    use geo::Area;
    let overlap = |a: &geo::Polygon<f64>, g: &MultiPolygon<f64>| {
        split::overlap_fraction(a, g) * a.unsigned_area()
    };
    let slack = 1e-6 * parent.unsigned_area();
    e.nbr_geoms.iter().all(|(nb, g)| {
        let before = overlap(parent, &work.geoms[*nb]);
        overlap(&e.piece.0[0], g) + overlap(&e.rest.0[0], g) <= before + slack
    })
}

/// Makes an evaluated cut in the work: the pieces become the last two nodes (the zone piece,
/// then the rest); the parent node dies.
fn apply_cut(w: &mut Work, e: CutEval) {
    let c = e.c;
    let a = w.graph.len();
    let b = a + 1;
    for (nb, g) in e.nbr_geoms {
        w.geoms[nb] = g;
    }
    let g = &mut w.graph;
    g.area.push(area_m2(&e.piece) / M2_PER_ACRE);
    g.area.push(area_m2(&e.rest) / M2_PER_ACRE);
    g.perim.push(perimeter_m(&e.piece));
    g.perim.push(perimeter_m(&e.rest));
    g.xy.extend(local_xy(&[e.piece.clone(), e.rest.clone()]));
    let mut adj_a = vec![(b, e.shared_ab)];
    let mut adj_b = vec![(a, e.shared_ab)];
    for &(nb, sa, sb) in &e.links {
        let list = &mut g.adj[nb];
        list.retain(|x| x.0 != c);
        if sa > 0.0 {
            list.push((a, sa));
            adj_a.push((nb, sa));
        }
        if sb > 0.0 {
            list.push((b, sb));
            adj_b.push((nb, sb));
        }
        list.sort_by_key(|x| x.0);
    }
    adj_a.sort_by_key(|x| x.0);
    adj_b.sort_by_key(|x| x.0);
    g.adj.push(adj_a);
    g.adj.push(adj_b);
    g.adj[c].clear();
    g.mark_edges();
    w.width_m.push(width_m(&e.piece));
    w.width_m.push(width_m(&e.rest));
    w.geoms.push(e.piece);
    w.geoms.push(e.rest);
    let origin = w.origin[c];
    w.origin.extend([origin, origin]);
    w.piece.extend([Some(0), Some(1)]);
    w.alive.extend([true, true]);
    w.alive[c] = false;
    w.zone.extend([None, None]);
    let label = w.labels[c].clone();
    w.labels.push(format!("{label}-a"));
    w.labels.push(format!("{label}-b"));
    w.splits.push((c, a, b));
}

fn zone_name(rules: &Rules, z: Option<usize>) -> String {
    match z {
        Some(z) if z < rules.zones.len() => rules.zones[z].0.clone(),
        _ => RETAINED.to_string(),
    }
}

fn finish(set: &ParcelSet, rules: &Rules, work: Work) -> Plan {
    let n_src = set.parcels.len();
    let mut pieces_of: Vec<Vec<usize>> = vec![Vec::new(); n_src];
    for v in n_src..work.graph.len() {
        if work.alive[v] {
            pieces_of[work.origin[v]].push(v);
        }
    }
    let mut order: Vec<usize> = Vec::with_capacity(work.graph.len());
    for (s, pieces) in pieces_of.iter().enumerate() {
        if work.alive[s] {
            order.push(s);
        } else {
            let mut p = pieces.clone();
            p.sort_by_key(|&v| work.piece[v]);
            order.extend(p);
        }
    }
    let parcels: Vec<PlannedParcel> = order
        .iter()
        .map(|&v| PlannedParcel {
            id: ParcelId::from(work.labels[v].clone()),
            source: work.origin[v],
            zone: zone_name(rules, work.zone[v]),
            geometry: work.geoms[v].clone(),
            acres: work.graph.area[v],
            split_from: work.piece[v].map(|_| set.parcels[work.origin[v]].id.clone()),
        })
        .collect();
    let nz = rules.zones.len();
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); nz + 1];
    for &v in &order {
        members[work.zone[v].unwrap_or(nz)].push(v);
    }
    let alive: Vec<bool> = work.alive.clone();
    let perims: Vec<f64> = members
        .iter()
        .map(|m| work.graph.union_perimeter(m))
        .collect();
    let zone_of: Vec<usize> = (0..work.graph.len())
        .map(|v| work.zone[v].unwrap_or(nz))
        .collect();
    let zones: Vec<ZoneSummary> = (0..=nz)
        .map(|z| {
            let m = &members[z];
            let acres: f64 = m.iter().map(|&v| work.graph.area[v]).sum();
            let mut mask = vec![false; work.graph.len()];
            for &v in m {
                mask[v] = alive[v];
            }
            let components = search::components(&work.graph, &mask).len();
            let mut bordered = 0.0f64;
            for later in z + 1..nz {
                let shared: f64 = m
                    .iter()
                    .flat_map(|&v| work.graph.adj[v].iter())
                    .filter(|e| zone_of[e.0] == later)
                    .map(|e| e.1)
                    .sum();
                if perims[z] > 0.0 && z < nz {
                    bordered = bordered.max(shared / perims[z]);
                }
            }
            ZoneSummary {
                name: zone_name(rules, Some(z)),
                target_acres: (z < nz).then(|| rules.zones[z].1),
                tolerance_acres: (z < nz).then(|| rules.tols[z]),
                parcels: m.len(),
                acres,
                perimeter_m: perims[z],
                polsby_popper: polsby_popper(acres * M2_PER_ACRE, perims[z]),
                components,
                bordered_by_later: bordered,
            }
        })
        .collect();
    let splits = work
        .splits
        .iter()
        .map(|&(c, a, b)| SplitRecord {
            parent: set.parcels[work.origin[c]].id.clone(),
            pieces: [
                ParcelId::from(work.labels[a].clone()),
                ParcelId::from(work.labels[b].clone()),
            ],
            acres: [work.graph.area[a], work.graph.area[b]],
            zones: [
                zone_name(rules, work.zone[a]),
                zone_name(rules, work.zone[b]),
            ],
        })
        .collect();
    let proofs = (0..nz)
        .map(|z| zone_proof(rules, &work, z, &zones[z]))
        .collect();
    let access = (0..nz)
        .filter_map(|z| {
            let (mask, kinds) = rules.access[z].as_ref()?;
            let m = &members[z];
            let mut inset = vec![false; work.graph.len()];
            for &v in m {
                inset[v] = true;
            }
            let (v, frontage_m) = m
                .iter()
                .filter(|&&v| mask[work.origin[v]])
                .map(|&v| (v, work.graph.frontage_m(v, &inset)))
                .filter(|&(_, f)| m.len() == 1 || f >= rules.frontages[z] - 1e-9)
                .fold(None, |best: Option<(usize, f64)>, (v, f)| match best {
                    Some((_, bf)) if bf >= f => best,
                    _ => Some((v, f)),
                })?;
            Some(ZoneAccess {
                zone: rules.zones[z].0.clone(),
                kinds: kinds.clone(),
                parcel: ParcelId::from(work.labels[v].clone()),
                frontage_m,
            })
        })
        .collect();
    Plan {
        parcels,
        zones,
        splits,
        proofs,
        access,
        tolerance_acres: rules.tol,
        total_acres: (0..work.graph.len())
            .filter(|&v| work.alive[v])
            .map(|v| work.graph.area[v])
            .sum(),
    }
}

/// The lower bound on planned zone `z`'s perimeter: the exact model's when it ran (against the
/// whole-parcel part with `split`), else the isoperimetric bound on its area.
fn zone_proof(rules: &Rules, work: &Work, z: usize, summary: &ZoneSummary) -> proof::ZoneProof {
    let iso = proof::isoperimetric_proof(&summary.name, summary.acres, summary.perimeter_m);
    let Some(e) = work.exact.get(z) else {
        return iso;
    };
    let perim = if rules.split {
        e.whole_perim
    } else {
        summary.perimeter_m
    };
    let floor = bound::isoperimetric_bound_m(e.band.0);
    let lb = e.outcome.lower_bound_m;
    let mut p = proof::ZoneProof {
        zone: summary.name.clone(),
        perimeter_m: perim,
        lower_bound_m: lb.max(floor).min(perim),
        bound: proof::BoundKind::Mip,
        whole_parcel_part: rules.split,
        band_acres: Some(e.band),
        improved_from_m: e.improved_from,
        rounds: e.outcome.rounds,
        note: e.outcome.note.clone(),
    };
    if lb > perim * (1.0 + 1e-6) {
        // Only when the heuristic's zone breaks a rule the model states (the note says which).
        p.lower_bound_m = floor.min(perim);
        p.bound = proof::BoundKind::Isoperimetric;
    } else if perim - lb <= proof::PROVEN_REL_GAP * perim {
        p.bound = proof::BoundKind::Proven;
    } else if lb < floor {
        p.bound = proof::BoundKind::Isoperimetric;
    }
    p
}

/// The plan as GeoJSON features: every input property kept, `zone` and `area_acres` (the
/// parcel's or piece's geodesic area, 6 decimals) set, and for split pieces `split_from` (and
/// `id`, when the parent had an `id` property) set. A parcel the input gave no id (named by its
/// position, `#5`) gets that name as its feature id. Fails, naming the feature, rather than
/// drop properties that cannot be rewritten.
pub fn output_features(
    set: &ParcelSet,
    plan: &Plan,
) -> Result<Vec<OutFeature>, crate::read::PropertiesError> {
    output_features_in(set, plan, crate::AreaUnit::Acres)
}

/// [`output_features`] with, for a `unit` other than acres, each area also as `area_<unit>`
/// (`area_hectares`, `area_sqyd`, `area_marla`, `area_acre_ghunta` as `A-GG`, …).
pub fn output_features_in(
    set: &ParcelSet,
    plan: &Plan,
    unit: crate::AreaUnit,
) -> Result<Vec<OutFeature>, crate::read::PropertiesError> {
    (0..plan.parcels.len())
        .map(|i| output_feature(set, plan, i, unit))
        .collect()
}

/// Feature `i` of [`output_features_in`] alone, for writing a plan one feature at a time
/// ([`crate::write::write_parcels_streamed`]): a large plan's features, each with its own
/// property map, take several times the memory of its parcels when held all at once.
///
/// Panics when `i` is not below `plan.parcels.len()`.
pub fn output_feature(
    set: &ParcelSet,
    plan: &Plan,
    i: usize,
    unit: crate::AreaUnit,
) -> Result<OutFeature, crate::read::PropertiesError> {
    let p = &plan.parcels[i];
    let parent = &set.parcels[p.source];
    let mut props = parent.properties_map()?;
    props.insert("zone".into(), serde_json::Value::String(p.zone.clone()));
    outline::area_properties(&mut props, p.acres * M2_PER_ACRE, unit);
    let mut id = parent.feature_id();
    if id.is_none()
        && !matches!(
            props.get("id"),
            Some(serde_json::Value::String(_) | serde_json::Value::Number(_))
        )
    {
        // A parcel without an id is named by its position (`#5`). The plan writes that name
        // as the feature's id: split pieces inserted before it shift the positions, and
        // reading the plan back (`validate`, `diff` against the input) would name it after
        // another parcel.
        id = Some(serde_json::Value::String(parent.id.0.to_string()));
    }
    if let Some(from) = &p.split_from {
        props.insert(
            "split_from".into(),
            serde_json::Value::String(from.0.to_string()),
        );
        if props.contains_key("id") {
            props.insert("id".into(), serde_json::Value::String(p.id.0.to_string()));
        }
        id = Some(serde_json::Value::String(p.id.0.to_string()));
    }
    Ok(OutFeature {
        id,
        geometry: p.geometry.clone(),
        multi: parent.multi,
        properties: props,
    })
}

#[cfg(test)]
mod tests;
