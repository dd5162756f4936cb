//! The `summary` report: parcel count, total area, area by zone and land use, bounding box.

use std::collections::BTreeMap;

use geo::Rect;
use serde::Serialize;

use crate::geodesy::{AreaUnit, parcel_areas_m2};
use crate::geom::bbox::rect_union;
use crate::model::{ParcelSet, Warning};
use crate::report::round_to;

/// Area and count of a group of parcels.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Group {
    /// Number of parcels.
    pub parcels: usize,
    /// Area in the report's unit.
    pub area: f64,
}

/// What `allot summary` reports.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    /// The input's name.
    pub source: String,
    /// The unit of every area number in this summary (`acres` when the text shows acre-ghunta).
    pub units: &'static str,
    /// The unit the text shows areas in.
    #[serde(skip)]
    pub unit: AreaUnit,
    /// Number of parcels.
    pub parcels: usize,
    /// Total area (the sum of parcel areas; overlaps count twice).
    pub total_area: f64,
    /// Area by `zone` property (`(none)` for parcels without one).
    pub by_zone: BTreeMap<String, Group>,
    /// Area by `land_use` property (`(none)` for parcels without one).
    pub by_land_use: BTreeMap<String, Group>,
    /// `[min_lon, min_lat, max_lon, max_lat]`, absent for an empty set.
    pub bbox: Option<[f64; 4]>,
    /// `metadata.illustrative` in the input.
    pub illustrative: bool,
}

const NONE: &str = "(none)";

/// Summarises a parcel set in the given unit.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{"zone":"a"},"geometry":{"type":"Polygon",
///    "coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "t").unwrap();
/// let s = allot::report::summarize(&set, allot::AreaUnit::Hectares);
/// assert_eq!(s.parcels, 1);
/// // 1,126,941.726 m² by pyproj's Geod(ellps="WGS84"): 112.694 ha.
/// assert!((s.by_zone["a"].area - 112.694_172_6).abs() < 1e-6);
/// ```
pub fn summarize(set: &ParcelSet, units: AreaUnit) -> Summary {
    let areas = parcel_areas_m2(&set.parcels);
    let mut by_zone: BTreeMap<String, Group> = BTreeMap::new();
    let mut by_land_use: BTreeMap<String, Group> = BTreeMap::new();
    let mut total = 0.0;
    let mut bbox: Option<Rect<f64>> = None;
    for (p, &a) in set.parcels.iter().zip(&areas) {
        let a = units.from_m2(a);
        total += a;
        for (map, key) in [
            (&mut by_zone, p.zone.as_deref()),
            (&mut by_land_use, p.land_use()),
        ] {
            let g = map.entry(key.unwrap_or(NONE).to_string()).or_default();
            g.parcels += 1;
            g.area += a;
        }
        let r = p.bbox();
        bbox = Some(match bbox {
            None => r,
            Some(b) => rect_union(b, r),
        });
    }
    Summary {
        source: set.source.clone(),
        units: units.numeric().name(),
        unit: units,
        parcels: set.parcels.len(),
        total_area: total,
        by_zone,
        by_land_use,
        bbox: bbox.map(|r| [r.min().x, r.min().y, r.max().x, r.max().y]),
        illustrative: set.is_illustrative(),
    }
}

impl Summary {
    /// The summary as pretty JSON with areas rounded to 4 decimals.
    pub fn to_json(&self) -> String {
        self.to_json_with_warnings(&[])
    }

    /// [`Summary::to_json`] with the run's warnings (say, coordinates that look like degrees in
    /// a file declared projected) under `warnings`, an empty list when there are none, as
    /// `validate` and `plan` report theirs.
    ///
    /// ```
    /// use allot::{Warning, WarningKind};
    /// let text = br#"{"type":"FeatureCollection","features":[
    ///   {"type":"Feature","properties":{},"geometry":{"type":"Polygon",
    ///    "coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
    /// let set = allot::parse_parcels(text, "t").unwrap();
    /// let s = allot::report::summarize(&set, allot::AreaUnit::Acres);
    /// let w = Warning { kind: WarningKind::DatumShift, message: "off by 265 m".into() };
    /// let v: serde_json::Value = serde_json::from_str(&s.to_json_with_warnings(&[w])).unwrap();
    /// assert_eq!(v["warnings"][0]["kind"], "datum_shift");
    /// let v: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
    /// assert_eq!(v["warnings"], serde_json::json!([]));
    /// ```
    pub fn to_json_with_warnings(&self, warnings: &[Warning]) -> String {
        let mut s = self.clone();
        s.total_area = round_to(s.total_area, 4);
        for g in s.by_zone.values_mut().chain(s.by_land_use.values_mut()) {
            g.area = round_to(g.area, 4);
        }
        let mut v = serde_json::to_value(&s).unwrap_or_default();
        if let Some(top) = v.as_object_mut() {
            // A marla's size is part of the unit (272.25, 250 or 225 sq ft): said beside it.
            if let AreaUnit::Marla(size) = self.unit {
                let fields = std::mem::take(top);
                for (k, value) in fields {
                    let after_units = k == "units";
                    top.insert(k, value);
                    if after_units {
                        top.insert("marla_sqft".into(), serde_json::json!(size.square_feet()));
                    }
                }
            }
            top.insert(
                "warnings".into(),
                warnings.iter().map(Warning::to_json).collect(),
            );
        }
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }

    /// The summary as a text table.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let unit = self.unit;
        let u = unit.name();
        let cell = |v: f64| unit.cell_with(unit.to_m2(v), 2);
        out.push_str(&format!(
            "{}{}\n{} parcels, {} {u}\n",
            self.source,
            if self.illustrative {
                " (illustrative data)"
            } else {
                ""
            },
            self.parcels,
            cell(self.total_area)
        ));
        if let Some(note) = unit.header_note() {
            out.push_str(&note);
            out.push('\n');
        }
        if let Some(b) = self.bbox {
            out.push_str(&format!(
                "bounding box: {:.6}..{:.6} E, {:.6}..{:.6} N\n",
                b[0], b[2], b[1], b[3]
            ));
        }
        for (title, map) in [("zone", &self.by_zone), ("land_use", &self.by_land_use)] {
            let w = map
                .keys()
                .map(|k| k.chars().count())
                .max()
                .unwrap_or(0)
                .max(title.len());
            out.push_str(&format!(
                "\n{title:<w$}  {:>7}  {:>14}  {:>6}\n",
                "parcels", u, "share"
            ));
            for (k, g) in map {
                let share = if self.total_area > 0.0 {
                    100.0 * g.area / self.total_area
                } else {
                    0.0
                };
                out.push_str(&format!(
                    "{k:<w$}  {:>7}  {:>14}  {:>5.1}%\n",
                    g.parcels,
                    cell(g.area),
                    share
                ));
            }
        }
        out
    }
}
