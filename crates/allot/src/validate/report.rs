//! What validation reports: finding kinds, findings, zone totals, the report, the options,
//! the findings' order, and the point a finding is drawn at.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use geo::{Coord, InteriorPoint, MultiPolygon};
use serde::Serialize;

use super::*;
use crate::geodesy::{AreaUnit, polygon_area_m2};
use crate::model::{Parcel, ParcelId};

/// The kinds of finding, named as in the JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A parcel's geometry is not valid (OGC simple features).
    InvalidGeometry,
    /// Two parcels' interiors overlap.
    Overlap,
    /// Land enclosed by parcels (or inside the site) that no parcel covers.
    Gap,
    /// Part of a parcel lies outside the site boundary.
    OutsideSite,
    /// Two or more parcels share an id.
    DuplicateId,
    /// A parcel has no zone while others do.
    Unzoned,
    /// A zone's area differs from its target by more than the tolerance.
    ZoneArea,
    /// A zone falls into more than one piece.
    NotContiguous,
    /// Zone names that differ only by case or surrounding whitespace.
    ZoneName,
    /// A zone's spur or neck narrower than its minimum width (one per parcel).
    ZoneWidth,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 10] = [
        FindingKind::InvalidGeometry,
        FindingKind::Overlap,
        FindingKind::Gap,
        FindingKind::OutsideSite,
        FindingKind::DuplicateId,
        FindingKind::Unzoned,
        FindingKind::ZoneArea,
        FindingKind::NotContiguous,
        FindingKind::ZoneName,
        FindingKind::ZoneWidth,
    ];

    /// The snake_case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::InvalidGeometry => "invalid_geometry",
            FindingKind::Overlap => "overlap",
            FindingKind::Gap => "gap",
            FindingKind::OutsideSite => "outside_site",
            FindingKind::DuplicateId => "duplicate_id",
            FindingKind::Unzoned => "unzoned",
            FindingKind::ZoneArea => "zone_area",
            FindingKind::NotContiguous => "not_contiguous",
            FindingKind::ZoneName => "zone_name",
            FindingKind::ZoneWidth => "zone_width",
        }
    }

    /// The kind named `name` (as [`FindingKind::name`] spells it).
    ///
    /// ```
    /// use allot::FindingKind;
    /// assert_eq!(FindingKind::from_name("zone_area"), Some(FindingKind::ZoneArea));
    /// assert_eq!(FindingKind::from_name("Overlap"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// The parcels involved.
    pub parcels: Vec<ParcelId>,
    /// The zone involved (zone_area, not_contiguous, unzoned).
    pub zone: Option<String>,
    /// Area in acres, where the finding has one.
    pub acres: Option<f64>,
    /// A representative point `[lon, lat]`.
    pub at: [f64; 2],
    /// A sentence for people.
    pub message: String,
    /// The problem's shape, where it has one (overlap, gap, outside-site land).
    pub geometry: Option<MultiPolygon<f64>>,
}

/// A zone's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneStats {
    /// Parcels in the zone.
    pub parcels: usize,
    /// Area in acres.
    pub acres: f64,
    /// Connected pieces.
    pub components: usize,
    /// Target in acres, when one was given.
    pub target_acres: Option<f64>,
}

/// What validation found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Number of parcels checked.
    pub parcels: usize,
    /// Total parcel area in acres.
    pub total_acres: f64,
    /// Per-zone totals (empty when no parcel has a zone).
    pub zones: BTreeMap<String, ZoneStats>,
    /// Every finding, in a deterministic order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when there is nothing to report.
    ///
    /// ```
    /// let r = allot::Report { parcels: 0, total_acres: 0.0, zones: Default::default(), findings: vec![] };
    /// assert!(r.is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// How many findings of each kind, in report order (kinds without findings left out).
    pub fn counts(&self) -> Vec<(FindingKind, usize)> {
        FindingKind::ALL
            .into_iter()
            .map(|k| (k, self.findings.iter().filter(|f| f.kind == k).count()))
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

/// What to check, and how strictly.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateOptions {
    /// Target area of each zone, in acres (a later entry for the same zone wins).
    pub targets: Vec<(String, f64)>,
    /// How far, in acres, a zone's area may be from its target.
    pub tolerance_acres: f64,
    /// Per-zone tolerances in acres, replacing `tolerance_acres` for the zones named (a later
    /// entry for the same zone wins).
    pub zone_tolerances: Vec<(String, f64)>,
    /// Overlaps of this many m² or less are not reported.
    pub min_overlap_m2: f64,
    /// Gaps of this many m² or less are not reported.
    pub min_gap_m2: f64,
    /// The site boundary: land of the site no parcel covers is a gap, parcel land outside it
    /// is `outside_site`.
    pub site: Option<MultiPolygon<f64>>,
    /// The unit areas are stated in within finding messages (the `acres` field stays in acres).
    pub units: AreaUnit,
    /// Per-zone minimum widths in metres (`zone_width`: no spur or neck narrower, the rule of
    /// `allot::graph::narrow`); zones not listed are not checked (a later entry wins).
    pub zone_min_widths: Vec<(String, f64)>,
}

impl ValidateOptions {
    /// The tolerance of zone `zone`: its entry in `zone_tolerances`, else `tolerance_acres`.
    pub fn tolerance_of(&self, zone: &str) -> f64 {
        self.zone_tolerances
            .iter()
            .rev()
            .find(|(z, _)| z == zone)
            .map_or(self.tolerance_acres, |t| t.1)
    }

    /// The minimum width of zone `zone` in metres, when it is checked.
    pub fn min_width_of(&self, zone: &str) -> Option<f64> {
        self.zone_min_widths
            .iter()
            .rev()
            .find(|(z, _)| z == zone)
            .map(|w| w.1)
    }

    /// These options with `min_width_m` (a command-line `--min-width`) for every target zone,
    /// replacing the zones' own; `None` leaves them as they are.
    ///
    /// ```
    /// let o = allot::ValidateOptions { targets: vec![("mill".into(), 700.0)], ..Default::default() };
    /// assert_eq!(o.min_width_of("mill"), None);
    /// assert_eq!(o.with_min_width(Some(100.0)).min_width_of("mill"), Some(100.0));
    /// ```
    pub fn with_min_width(self, min_width_m: Option<f64>) -> Self {
        match min_width_m {
            Some(m) => ValidateOptions {
                zone_min_widths: self.targets.iter().map(|(z, _)| (z.clone(), m)).collect(),
                ..self
            },
            None => self,
        }
    }

    /// Options checking the zones of `choice` (from [`crate::model::resolve_zones`]: the same
    /// targets `plan`, `validate` and `map` use): their targets, and their tolerances unless
    /// `tolerance` (a command-line `--tolerance`) overrides them all.
    ///
    /// ```
    /// let choice = allot::ZoneChoice {
    ///     zones: vec![allot::ZoneSpec { tolerance_acres: Some(2.0), ..allot::ZoneSpec::new("mill", 700.0) }],
    ///     origin: "metadata",
    ///     warnings: vec![],
    /// };
    /// let o = allot::ValidateOptions::default().with_zones(&choice, None);
    /// assert_eq!(o.targets, vec![("mill".to_string(), 700.0)]);
    /// assert_eq!(o.tolerance_of("mill"), 2.0);
    /// assert_eq!(allot::ValidateOptions::default().with_zones(&choice, Some(0.5)).tolerance_of("mill"), 0.5);
    /// ```
    pub fn with_zones(self, choice: &crate::model::ZoneChoice, tolerance: Option<f64>) -> Self {
        ValidateOptions {
            targets: choice
                .zones
                .iter()
                .map(|z| (z.name.clone(), z.target_acres))
                .collect(),
            tolerance_acres: tolerance.unwrap_or(self.tolerance_acres),
            zone_tolerances: match tolerance {
                Some(_) => Vec::new(),
                None => choice
                    .zones
                    .iter()
                    .filter_map(|z| Some((z.name.clone(), z.tolerance_acres?)))
                    .collect(),
            },
            zone_min_widths: choice
                .zones
                .iter()
                .filter_map(|z| Some((z.name.clone(), z.min_width_m?)))
                .collect(),
            ..self
        }
    }

    /// [`ValidateOptions::with_zones`] for checking `parcels`: zones that come from the file's
    /// metadata are not checked when no parcel carries a `zone` (a bare fabric is not a
    /// proposal); targets given on the command line always are. `validate` and `map` both
    /// call this, so the same file gives the same findings in both.
    pub fn with_zones_of(
        self,
        parcels: &[crate::model::Parcel],
        choice: &crate::model::ZoneChoice,
        tolerance: Option<f64>,
    ) -> Self {
        if choice.origin == "metadata" && !parcels.iter().any(|p| p.zone.is_some()) {
            return self;
        }
        self.with_zones(choice, tolerance)
    }
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            targets: Vec::new(),
            tolerance_acres: 1.0,
            zone_tolerances: Vec::new(),
            min_overlap_m2: 1.0,
            min_gap_m2: 1.0,
            site: None,
            units: AreaUnit::Acres,
            zone_min_widths: Vec::new(),
        }
    }
}

/// Orders findings: by kind, then area (largest first, findings without an area last), then
/// parcel ids, zone, location and message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| match (a.acres, b.acres) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.parcels.cmp(&b.parcels))
            .then_with(|| a.zone.cmp(&b.zone))
            .then_with(|| a.at[0].total_cmp(&b.at[0]))
            .then_with(|| a.at[1].total_cmp(&b.at[1]))
            .then_with(|| a.message.cmp(&b.message))
    });
}

pub(crate) fn representative(g: &MultiPolygon<f64>) -> [f64; 2] {
    // The interior point of the largest part.
    let largest =
        g.0.iter()
            .max_by(|a, b| polygon_area_m2(a).total_cmp(&polygon_area_m2(b)));
    let p = largest.and_then(|p| {
        catch_unwind(AssertUnwindSafe(|| p.interior_point()))
            .ok()
            .flatten()
    });
    match p {
        Some(p) => [p.x(), p.y()],
        None => {
            let c =
                g.0.first()
                    .map_or(Coord { x: 0.0, y: 0.0 }, |p| first_coord(p.exterior()));
            [c.x, c.y]
        }
    }
}

/// A parcel's representative point: an interior point when valid, else its first vertex.
pub(crate) fn parcel_point(p: &Parcel, valid: bool) -> [f64; 2] {
    if valid {
        representative(&p.geometry)
    } else {
        let c = p
            .geometry
            .0
            .first()
            .map_or(Coord { x: 0.0, y: 0.0 }, |q| first_coord(q.exterior()));
        [c.x, c.y]
    }
}
