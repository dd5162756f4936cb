//! Warnings: things that do not stop a run but probably are not what the user meant (a land
//! use no parcel has, a target zone the file does not list, zone names differing only by case,
//! a projected CRS declared for coordinates that look like degrees, a fabric a datum shift off
//! its site).
//! Commands print them to stderr and put them under `warnings` in JSON output.

use serde_json::{Value, json};

use super::ParcelSet;
use crate::util::closest;

/// What a warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WarningKind {
    /// A land-use flag value (`--exclude-use`, `--no-cut-use`, `--corridor-use`) no parcel has.
    UnknownLandUse,
    /// A target zone the file's `metadata.zones` does not list.
    UnknownZone,
    /// Zone names that differ only by case or surrounding spaces.
    ZoneNameVariants,
    /// A CRS declared projected (metres) for coordinates that all look like degrees.
    DegreesInProjectedCrs,
    /// A fabric lying a near-constant 200–300 m off its `--site` boundary (a datum mismatch,
    /// e.g. Kalianpur 1962 read as WGS84).
    DatumShift,
}

impl WarningKind {
    /// The kind's name in JSON output.
    pub fn name(self) -> &'static str {
        match self {
            WarningKind::UnknownLandUse => "unknown_land_use",
            WarningKind::UnknownZone => "unknown_zone",
            WarningKind::ZoneNameVariants => "zone_name_variants",
            WarningKind::DegreesInProjectedCrs => "degrees_in_projected_crs",
            WarningKind::DatumShift => "datum_shift",
        }
    }
}

/// One warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// What it is about.
    pub kind: WarningKind,
    /// The message, naming the file, the flag or zone, and a likely fix.
    pub message: String,
}

impl Warning {
    /// `{"kind": ..., "message": ...}`.
    pub fn to_json(&self) -> Value {
        json!({"kind": self.kind.name(), "message": self.message})
    }
}

/// Warnings for the values of land-use flag `flag` (e.g. `--exclude-use`) that no parcel of
/// `set` has as its `land_use` (compared ignoring case and surrounding spaces, as planning
/// does), each with the closest existing land use when there is a near one.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{"land_use":"existing_plant"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "t").unwrap();
/// let w = allot::unknown_land_uses(&set, "--exclude-use", &["existing_plnt".to_string(), "Existing_Plant".to_string()]);
/// assert_eq!(w.len(), 1);
/// assert!(w[0].message.contains("did you mean existing_plant?"), "{}", w[0].message);
/// ```
pub fn unknown_land_uses(set: &ParcelSet, flag: &str, values: &[String]) -> Vec<Warning> {
    let norm = |s: &str| s.trim().to_lowercase();
    let mut uses: Vec<&str> = set.parcels.iter().filter_map(|p| p.land_use()).collect();
    uses.sort_unstable();
    uses.dedup();
    let mut out = Vec::new();
    for v in values {
        if uses.iter().any(|u| norm(u) == norm(v)) {
            continue;
        }
        let hint = closest(&norm(v), uses.iter().copied())
            .map(|c| format!("; did you mean {c}?"))
            .unwrap_or_default();
        let w = Warning {
            kind: WarningKind::UnknownLandUse,
            message: format!(
                "{flag} {v}: no parcel in {} has land_use {v:?}{hint}",
                set.source
            ),
        };
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}
