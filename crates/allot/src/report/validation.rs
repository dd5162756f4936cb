//! The validation report: text for people, JSON for scripts, and the findings as GeoJSON
//! (written by `allot validate --findings`, read back by `allot map --findings`).
//!
//! JSON (`allot validate --format json`), keys in this order, acres rounded to 6 decimals and
//! coordinates to 7:
//!
//! ```text
//! {"ok": bool, "parcels": N, "total_acres": x,
//!  "zones": {NAME: {"parcels": n, "acres": x, "components": k, "target_acres": x?}},
//!  "findings": [{"kind": K, "parcels": [ids], "zone": z?, "acres": x?, "at": [lon, lat], "message": s}]}
//! ```
//!
//! Keys marked `?` are left out when they have no value. The findings GeoJSON is a
//! FeatureCollection with one feature per finding, in report order: properties
//! `{"kind", "parcels", "zone"?, "acres": x|null, "at": [lon, lat], "message"}` at full
//! precision, and as geometry the finding's shape (Polygon or MultiPolygon, counter-clockwise
//! shells) or else a Point at `at`.

use geo::orient::Direction;
use geo::{Coord, LineString, MultiPolygon, Orient, Polygon};
use serde_json::{Map, Value, json};

use crate::geodesy::{AreaUnit, M2_PER_ACRE};
use crate::model::ParcelId;
use crate::report::round_to;
use crate::validate::{Finding, FindingKind, Report};
use crate::write::{Column, ColumnType, Layer, LayerFeature, LayerGeometry, collection_text};

fn finding_json(f: &Finding) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), json!(f.kind.name()));
    m.insert(
        "parcels".into(),
        json!(f.parcels.iter().map(|p| p.as_str()).collect::<Vec<_>>()),
    );
    if let Some(z) = &f.zone {
        m.insert("zone".into(), json!(z));
    }
    if let Some(a) = f.acres {
        m.insert("acres".into(), json!(round_to(a, 6)));
    }
    m.insert(
        "at".into(),
        json!([round_to(f.at[0], 7), round_to(f.at[1], 7)]),
    );
    m.insert("message".into(), json!(f.message));
    Value::Object(m)
}

/// The report as pretty JSON (schema in the module docs).
///
/// ```
/// let r = allot::Report { parcels: 2, total_acres: 1.23456789, zones: Default::default(), findings: vec![] };
/// let v: serde_json::Value = serde_json::from_str(&allot::report::validation::to_json(&r)).unwrap();
/// assert_eq!(v["ok"], true);
/// assert_eq!(v["total_acres"], 1.234568);
/// ```
pub fn to_json(report: &Report) -> String {
    to_json_with_warnings(report, &[])
}

/// [`to_json`] with the run's warnings under `warnings` (an empty list when there are none).
pub fn to_json_with_warnings(report: &Report, warnings: &[crate::model::Warning]) -> String {
    let mut zones = Map::new();
    for (name, z) in &report.zones {
        let mut m = Map::new();
        m.insert("parcels".into(), json!(z.parcels));
        m.insert("acres".into(), json!(round_to(z.acres, 6)));
        m.insert("components".into(), json!(z.components));
        if let Some(t) = z.target_acres {
            m.insert("target_acres".into(), json!(round_to(t, 6)));
        }
        zones.insert(name.clone(), Value::Object(m));
    }
    let mut top = Map::new();
    top.insert("ok".into(), json!(report.is_clean()));
    top.insert("parcels".into(), json!(report.parcels));
    top.insert("total_acres".into(), json!(round_to(report.total_acres, 6)));
    top.insert("zones".into(), Value::Object(zones));
    top.insert(
        "findings".into(),
        Value::Array(report.findings.iter().map(finding_json).collect()),
    );
    top.insert(
        "warnings".into(),
        Value::Array(warnings.iter().map(|w| w.to_json()).collect()),
    );
    serde_json::to_string_pretty(&Value::Object(top)).unwrap_or_default() + "\n"
}

fn id_list(ids: &[ParcelId], max: usize) -> String {
    let mut s = ids
        .iter()
        .take(max)
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > max {
        s.push_str(&format!(" and {} more", ids.len() - max));
    }
    s
}

/// The report as text: a table of zones, then the findings grouped by kind, largest first.
/// Areas are in `units`; messages are written by [`validate`](crate::validate::validate) in
/// [`ValidateOptions::units`](crate::validate::ValidateOptions::units).
///
/// ```
/// use allot::{AreaUnit, Report};
/// let r = Report { parcels: 3, total_acres: 2.5, zones: Default::default(), findings: vec![] };
/// let text = allot::report::validation::to_text(&r, "in.geojson", AreaUnit::Hectares);
/// assert!(text.starts_with("in.geojson: 3 parcels, 1.01 hectares\n"));
/// assert!(text.contains("no findings"));
/// ```
pub fn to_text(report: &Report, source: &str, units: AreaUnit) -> String {
    let u = units.name();
    let cell = |acres: f64| units.cell_with(acres * M2_PER_ACRE, 2);
    let mut out = format!(
        "{source}: {} parcels, {} {u}\n",
        report.parcels,
        cell(report.total_acres)
    );
    if let Some(note) = units.header_note() {
        out.push_str(&note);
        out.push('\n');
    }
    if !report.zones.is_empty() {
        let zoned_parcels: usize = report.zones.values().map(|z| z.parcels).sum();
        let zoned_acres: f64 = report.zones.values().map(|z| z.acres).sum();
        let mut rows: Vec<[String; 6]> = report
            .zones
            .iter()
            .map(|(name, z)| {
                let (target, dev) = match z.target_acres {
                    Some(t) => (
                        cell(t),
                        format!(
                            "{}{}",
                            if z.acres >= t { "+" } else { "" },
                            cell(z.acres - t)
                        ),
                    ),
                    None => ("-".into(), "-".into()),
                };
                [
                    name.clone(),
                    z.parcels.to_string(),
                    cell(z.acres),
                    target,
                    dev,
                    z.components.to_string(),
                ]
            })
            .collect();
        if zoned_parcels < report.parcels {
            rows.push([
                "(no zone)".into(),
                (report.parcels - zoned_parcels).to_string(),
                cell(report.total_acres - zoned_acres),
                "-".into(),
                "-".into(),
                "-".into(),
            ]);
        }
        let head = ["zone", "parcels", u, "target", "deviation", "pieces"];
        let mut w = head.map(|h| h.chars().count());
        for r in &rows {
            for (k, c) in r.iter().enumerate() {
                w[k] = w[k].max(c.chars().count());
            }
        }
        out.push('\n');
        let line = |cells: [&str; 6]| {
            format!(
                "{:<w0$}  {:>w1$}  {:>w2$}  {:>w3$}  {:>w4$}  {:>w5$}\n",
                cells[0],
                cells[1],
                cells[2],
                cells[3],
                cells[4],
                cells[5],
                w0 = w[0],
                w1 = w[1],
                w2 = w[2],
                w3 = w[3],
                w4 = w[4],
                w5 = w[5]
            )
        };
        out.push_str(&line(head));
        for r in &rows {
            out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]]));
        }
    }
    out.push('\n');
    if report.findings.is_empty() {
        out.push_str("no findings\n");
        return out;
    }
    let counts = report.counts();
    out.push_str(&format!(
        "{} finding{}: {}\n",
        report.findings.len(),
        if report.findings.len() == 1 { "" } else { "s" },
        counts
            .iter()
            .map(|(k, n)| format!("{n} {}", k.name()))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for (kind, n) in counts {
        out.push_str(&format!("\n{} ({n})\n", kind.name()));
        for f in report.findings.iter().filter(|f| f.kind == kind) {
            let mut head = String::from("  ");
            if let Some(z) = &f.zone {
                head.push_str(&format!("[{z}] "));
            }
            if !f.parcels.is_empty() {
                head.push_str(&id_list(&f.parcels, 12));
                head.push_str("  ");
            }
            if let Some(a) = f.acres {
                head.push_str(&format!("{} {u}  ", units.cell_with(a * M2_PER_ACRE, 4)));
            }
            head.push_str(&format!("at {:.7}, {:.7}", f.at[0], f.at[1]));
            out.push_str(&head);
            out.push('\n');
            out.push_str(&format!("    {}\n", f.message));
        }
    }
    out
}

fn ring_json(r: &LineString<f64>) -> Value {
    Value::Array(r.0.iter().map(|c| json!([c.x, c.y])).collect())
}

fn polygon_json(p: &Polygon<f64>) -> Value {
    let mut rings = vec![ring_json(p.exterior())];
    rings.extend(p.interiors().iter().map(ring_json));
    Value::Array(rings)
}

/// The findings as a GeoJSON FeatureCollection (one feature per line, full precision).
///
/// ```
/// use allot::{Finding, FindingKind, ParcelId};
/// let f = Finding { kind: FindingKind::Unzoned, parcels: vec![ParcelId("A".into())], zone: None,
///     acres: Some(1.5), at: [67.1, 24.8], message: "A has no zone".into(), geometry: None };
/// let text = allot::report::validation::findings_geojson(&[f.clone()]);
/// let back = allot::report::validation::read_findings_geojson(text.as_bytes(), "f.geojson").unwrap();
/// assert_eq!(back, vec![f]);
/// ```
pub fn findings_geojson(findings: &[Finding]) -> String {
    let texts = findings.iter().map(|f| {
        let geometry = match &f.geometry {
            Some(g) if !g.0.is_empty() => {
                let g = g.orient(Direction::Default);
                if g.0.len() == 1 {
                    json!({"type": "Polygon", "coordinates": polygon_json(&g.0[0])})
                } else {
                    json!({"type": "MultiPolygon",
                           "coordinates": g.0.iter().map(polygon_json).collect::<Vec<_>>()})
                }
            }
            _ => json!({"type": "Point", "coordinates": [f.at[0], f.at[1]]}),
        };
        let mut props = Map::new();
        props.insert("kind".into(), json!(f.kind.name()));
        props.insert(
            "parcels".into(),
            json!(f.parcels.iter().map(|p| p.as_str()).collect::<Vec<_>>()),
        );
        if let Some(z) = &f.zone {
            props.insert("zone".into(), json!(z));
        }
        props.insert("acres".into(), f.acres.map_or(Value::Null, |a| json!(a)));
        props.insert("at".into(), json!([f.at[0], f.at[1]]));
        props.insert("message".into(), json!(f.message));
        let feature = json!({"type": "Feature", "properties": props, "geometry": geometry});
        serde_json::to_string(&feature).unwrap_or_default()
    });
    collection_text(&Map::new(), texts)
}

/// The findings as two layers for the GIS formats, which hold one geometry type per layer and
/// no lists: `polygons` (findings with a shape: overlaps, gaps, land outside the site) and
/// `points` (the others, at `at`). Properties are scalar and the same in both: `kind`,
/// `parcels` (ids joined with commas), `parcel_count`, `zone` (null when none), `acres` (null
/// when none), `at_lon`, `at_lat` and `message`.
///
/// ```
/// use allot::{Finding, FindingKind, ParcelId};
/// let f = Finding { kind: FindingKind::Overlap, parcels: vec![ParcelId("A".into()), ParcelId("B".into())],
///     zone: None, acres: Some(0.5), at: [67.1, 24.8], message: "A overlaps B".into(), geometry: None };
/// let layers = allot::report::validation::findings_layers(&[f]);
/// assert_eq!((layers[0].name.as_str(), layers[0].features.len()), ("polygons", 0));
/// let p = &layers[1].features[0].properties;
/// assert_eq!((p["parcels"].as_str(), p["parcel_count"].as_u64()), (Some("A,B"), Some(2)));
/// ```
pub fn findings_layers(findings: &[Finding]) -> Vec<Layer> {
    let mut polygons = Vec::new();
    let mut points = Vec::new();
    for f in findings {
        let mut props = Map::new();
        props.insert("kind".into(), json!(f.kind.name()));
        let ids: Vec<&str> = f.parcels.iter().map(|p| p.as_str()).collect();
        props.insert("parcels".into(), json!(ids.join(",")));
        props.insert("parcel_count".into(), json!(ids.len()));
        props.insert(
            "zone".into(),
            f.zone.as_ref().map_or(Value::Null, |z| json!(z)),
        );
        props.insert("acres".into(), f.acres.map_or(Value::Null, |a| json!(a)));
        props.insert("at_lon".into(), json!(f.at[0]));
        props.insert("at_lat".into(), json!(f.at[1]));
        props.insert("message".into(), json!(f.message));
        match &f.geometry {
            Some(g) if !g.0.is_empty() => polygons.push(LayerFeature {
                geometry: LayerGeometry::Polygons(g.orient(Direction::Default)),
                properties: props,
            }),
            _ => points.push(LayerFeature {
                geometry: LayerGeometry::Point(Coord {
                    x: f.at[0],
                    y: f.at[1],
                }),
                properties: props,
            }),
        }
    }
    // Declared, so that a column whose values are all null (`acres` of point findings, `zone`)
    // and an empty layer still have their columns, typed.
    let declared: Vec<Column> = [
        ("kind", ColumnType::Text),
        ("parcels", ColumnType::Text),
        ("parcel_count", ColumnType::Integer),
        ("zone", ColumnType::Text),
        ("acres", ColumnType::Real),
        ("at_lon", ColumnType::Real),
        ("at_lat", ColumnType::Real),
        ("message", ColumnType::Text),
    ]
    .into_iter()
    .map(|(name, kind)| Column {
        name: name.into(),
        kind,
    })
    .collect();
    vec![
        Layer {
            name: "polygons".into(),
            features: polygons,
            declared: declared.clone(),
        },
        Layer {
            name: "points".into(),
            features: points,
            declared,
        },
    ]
}

/// Why a findings file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FindingsError {
    /// The file as a whole is unreadable.
    #[error("{file}: {message}")]
    File {
        /// The file's name.
        file: String,
        /// What is wrong.
        message: String,
    },
    /// One feature is unreadable.
    #[error("{file}: feature {position}: {message}")]
    Feature {
        /// The file's name.
        file: String,
        /// 1-based position of the feature.
        position: usize,
        /// What is wrong.
        message: String,
    },
}

fn position_of(v: &Value) -> Result<Coord<f64>, String> {
    let a = v
        .as_array()
        .ok_or_else(|| format!("a position must be an array of numbers, found {v}"))?;
    let num = |k: usize| {
        a.get(k)
            .and_then(Value::as_f64)
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("a position needs 2 finite numbers, found {v}"))
    };
    Ok(Coord {
        x: num(0)?,
        y: num(1)?,
    })
}

fn ring_of(v: &Value) -> Result<LineString<f64>, String> {
    let a = v.as_array().ok_or("a ring must be an array of positions")?;
    let ring: Vec<Coord<f64>> = a.iter().map(position_of).collect::<Result<_, _>>()?;
    if ring.len() < 4 || ring.first() != ring.last() {
        return Err("a ring needs 4 or more positions, the last equal to the first".into());
    }
    Ok(LineString(ring))
}

fn polygon_of(v: &Value) -> Result<Polygon<f64>, String> {
    let a = v
        .as_array()
        .ok_or("polygon coordinates must be an array of rings")?;
    let mut rings = a.iter().map(ring_of);
    let shell = rings.next().ok_or("a polygon needs a shell")??;
    let holes = rings.collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon::new(shell, holes))
}

fn finding_of(f: &Value) -> Result<Finding, String> {
    let props = f
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("properties must be an object")?;
    let kind_name = props
        .get("kind")
        .and_then(Value::as_str)
        .ok_or("properties.kind must be a string")?;
    let kind = FindingKind::from_name(kind_name)
        .ok_or_else(|| format!("unknown finding kind {kind_name:?}"))?;
    let parcels = match props.get("parcels") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(ParcelId::from(s.clone())),
                Value::Number(n) => Ok(ParcelId::from(n.to_string())),
                _ => Err("properties.parcels must hold strings".to_string()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("properties.parcels must be an array of ids".into()),
    };
    let zone = match props.get("zone") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err("properties.zone must be a string".into()),
    };
    let acres = match props.get("acres") {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            v.as_f64()
                .filter(|x| x.is_finite())
                .ok_or("properties.acres must be a number or null")?,
        ),
    };
    let message = props
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let geom = f
        .get("geometry")
        .and_then(Value::as_object)
        .ok_or("geometry must be an object")?;
    let coords = geom
        .get("coordinates")
        .ok_or("geometry has no coordinates")?;
    let (geometry, point) = match geom.get("type").and_then(Value::as_str) {
        Some("Point") => (None, Some(position_of(coords)?)),
        Some("Polygon") => (Some(MultiPolygon(vec![polygon_of(coords)?])), None),
        Some("MultiPolygon") => {
            let a = coords
                .as_array()
                .ok_or("MultiPolygon coordinates must be an array")?;
            let parts = a.iter().map(polygon_of).collect::<Result<Vec<_>, _>>()?;
            (Some(MultiPolygon(parts)), None)
        }
        other => {
            return Err(format!(
                "geometry must be a Point, Polygon or MultiPolygon, found {}",
                other.unwrap_or("no type")
            ));
        }
    };
    let at = match (props.get("at"), point, &geometry) {
        (Some(v), _, _) if !v.is_null() => position_of(v)?,
        (_, Some(p), _) => p,
        (_, _, Some(g)) => {
            g.0.first()
                .and_then(|p| p.exterior().0.first().copied())
                .ok_or("geometry is empty")?
        }
        _ => return Err("no location".into()),
    };
    Ok(Finding {
        kind,
        parcels,
        zone,
        acres,
        at: [at.x, at.y],
        message,
        geometry,
    })
}

/// Reads findings back from the GeoJSON [`findings_geojson`] writes (`name` names the file in
/// errors). Unknown extra properties are ignored; `at` falls back to the Point geometry.
pub fn read_findings_geojson(bytes: &[u8], name: &str) -> Result<Vec<Finding>, FindingsError> {
    let file_err = |message: String| FindingsError::File {
        file: name.to_string(),
        message,
    };
    let v: Value =
        serde_json::from_slice(bytes).map_err(|e| file_err(format!("not valid JSON: {e}")))?;
    if v.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(file_err("not a GeoJSON FeatureCollection".into()));
    }
    let features = v
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| file_err("it has no \"features\" array".into()))?;
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            finding_of(f).map_err(|message| FindingsError::Feature {
                file: name.to_string(),
                position: i + 1,
                message,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::ZoneStats;
    use geo::polygon;
    use std::collections::BTreeMap;

    fn sample() -> Report {
        let mut zones = BTreeMap::new();
        zones.insert(
            "mill".to_string(),
            ZoneStats {
                parcels: 2,
                acres: 700.123_456_789,
                components: 2,
                target_acres: Some(700.0),
            },
        );
        zones.insert(
            "park".to_string(),
            ZoneStats {
                parcels: 1,
                acres: 10.0,
                components: 1,
                target_acres: None,
            },
        );
        Report {
            parcels: 4,
            total_acres: 720.0,
            zones,
            findings: vec![
                Finding {
                    kind: FindingKind::Overlap,
                    parcels: vec![ParcelId("A".into()), ParcelId("B".into())],
                    zone: None,
                    acres: Some(0.123_456_789),
                    at: [67.123_456_789_1, 24.5],
                    message: "A and B overlap".into(),
                    geometry: Some(MultiPolygon(vec![polygon![
                        (x: 67.0, y: 24.0), (x: 67.0, y: 24.01), (x: 67.01, y: 24.01), (x: 67.01, y: 24.0)
                    ]])),
                },
                Finding {
                    kind: FindingKind::NotContiguous,
                    parcels: vec![ParcelId("A".into()), ParcelId("C".into())],
                    zone: Some("mill".into()),
                    acres: Some(300.0),
                    at: [67.0, 24.0],
                    message: "zone mill falls into 2 pieces".into(),
                    geometry: None,
                },
            ],
        }
    }

    #[test]
    fn json_has_exactly_the_schema_keys() {
        let v: Value = serde_json::from_str(&to_json(&sample())).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "ok",
                "parcels",
                "total_acres",
                "zones",
                "findings",
                "warnings"
            ]
        );
        assert_eq!(v["ok"], false);
        assert_eq!(v["warnings"], serde_json::json!([]));
        let w = crate::model::Warning {
            kind: crate::model::WarningKind::UnknownZone,
            message: "m".into(),
        };
        let with: Value = serde_json::from_str(&to_json_with_warnings(&sample(), &[w])).unwrap();
        assert_eq!(
            with["warnings"],
            serde_json::json!([{"kind": "unknown_zone", "message": "m"}])
        );
        assert_eq!(v["zones"]["mill"]["acres"], 700.123457);
        assert_eq!(v["zones"]["mill"]["target_acres"], 700.0);
        assert!(v["zones"]["park"].get("target_acres").is_none());
        let f0 = v["findings"][0].as_object().unwrap();
        let keys: Vec<&str> = f0.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["kind", "parcels", "acres", "at", "message"]);
        assert_eq!(v["findings"][0]["acres"], 0.123457);
        assert_eq!(v["findings"][0]["at"][0], 67.1234568);
        assert_eq!(v["findings"][1]["zone"], "mill");
    }

    #[test]
    fn text_shows_zone_table_and_findings_in_units() {
        let t = to_text(&sample(), "x.geojson", AreaUnit::Acres);
        assert!(
            t.contains("mill             2  700.12  700.00      +0.12       2"),
            "{t}"
        );
        assert!(
            t.contains("(no zone)        1    9.88       -          -       -"),
            "{t}"
        );
        assert!(t.contains("2 findings: 1 overlap, 1 not_contiguous"), "{t}");
        assert!(
            t.contains("  A, B  0.1235 acres  at 67.1234568, 24.5000000"),
            "{t}"
        );
        let k = to_text(&sample(), "x.geojson", AreaUnit::Kanal);
        assert!(
            k.contains("2,400.99 kanal") || k.contains("5,760.00 kanal"),
            "{k}"
        );
        assert!(k.contains("0.9877 kanal"), "{k}");
    }

    #[test]
    fn findings_round_trip_through_geojson() {
        let r = sample();
        let text = findings_geojson(&r.findings);
        let back = read_findings_geojson(text.as_bytes(), "f.geojson").unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(back[1], r.findings[1]);
        // The polygon comes back counter-clockwise, with the same area.
        let a = crate::geodesy::area_m2(back[0].geometry.as_ref().unwrap());
        let b = crate::geodesy::area_m2(r.findings[0].geometry.as_ref().unwrap());
        assert_eq!(a, b);
        assert_eq!(back[0].acres, r.findings[0].acres);
        assert_eq!(back[0].at, r.findings[0].at);
    }

    #[test]
    fn reading_bad_findings_names_the_feature() {
        let bad = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"nope"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#;
        let e = read_findings_geojson(bad, "f.geojson").unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.geojson: feature 1: unknown finding kind \"nope\""
        );
        let short = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"kind":"gap"},"geometry":{"type":"Point","coordinates":[1]}}]}"#;
        assert!(read_findings_geojson(short, "f").is_err());
        assert!(read_findings_geojson(b"[", "f").is_err());
    }
}
