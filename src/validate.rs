//! Validation: every problem with a parcel fabric or a proposed split, in one pass.
//!
//! (Being built: the types below are the contract shared with rendering and planning.)

use std::collections::BTreeMap;

use geo::MultiPolygon;
use serde::Serialize;

use crate::parcels::ParcelId;

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
}

impl FindingKind {
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
        }
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
