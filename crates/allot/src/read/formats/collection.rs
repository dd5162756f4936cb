//! Turning the features a reader produced into a GeoJSON FeatureCollection text in WGS84
//! longitude/latitude: the reference route from any format to parcels (this text, parsed by
//! the GeoJSON reader). allot itself reads through the feature sink (`sink.rs`), which must
//! give exactly the parcels and errors of this route (tests compare the two on every format);
//! the list rules here ([`unpack_list`], the feature's id in messages) are the ones both use.
//!
//! Coordinates are reprojected point by point with [`Crs::to_wgs84`] and written with Rust's
//! shortest round-trip formatting, so nothing is lost between the two steps. Properties keep
//! their types. List values that formats without list types store as text are turned back
//! into JSON arrays: GDAL's `(2:port,rail)` (a StringList written to Shapefile, FlatGeobuf or
//! CSV) and a JSON array in a string (`["port","rail"]`, GeoPackage's JSON subtype).

use std::fmt::Write;

use geo::Coord;
use serde_json::{Map, Value};

use super::{Rings, SourceFeature, SourceGeometry};
use crate::crs::Crs;

/// A feature that cannot be converted: its 0-based index, its id, and why.
pub type FeatureFailure = (usize, Option<String>, String);

/// The features as a GeoJSON FeatureCollection text, reprojected from `crs` to WGS84; `name`
/// becomes the collection's `name` member.
///
/// ```
/// use allot::read::formats::{to_geojson, SourceFeature, SourceGeometry};
/// let ring = vec![geo::coord! { x: 0.0, y: 0.0 }, geo::coord! { x: 1.0, y: 0.0 },
///                 geo::coord! { x: 1.0, y: 1.0 }, geo::coord! { x: 0.0, y: 0.0 }];
/// let f = SourceFeature { properties: serde_json::Map::new(), geometry: SourceGeometry::Polygon(vec![ring]) };
/// let text = to_geojson(&[f], &allot::crs::Crs::wgs84(), None).unwrap();
/// assert!(text.contains(r#""coordinates":[[[0,0],[1,0],[1,1],[0,0]]]"#));
/// ```
pub fn to_geojson(
    features: &[SourceFeature],
    crs: &Crs,
    name: Option<&str>,
) -> Result<String, FeatureFailure> {
    let mut out = String::with_capacity(features.len() * 512 + 64);
    out.push_str("{\"type\":\"FeatureCollection\"");
    if let Some(name) = name {
        out.push_str(",\"name\":");
        out.push_str(&Value::String(name.to_string()).to_string());
    }
    out.push_str(",\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        let fail = |m: String| (i, feature_id(&f.properties), m);
        if i > 0 {
            out.push_str(",\n");
        }
        out.push_str("{\"type\":\"Feature\",\"properties\":");
        let props: Map<String, Value> = f
            .properties
            .iter()
            .map(|(k, v)| (k.clone(), unpack_list(v)))
            .collect();
        out.push_str(&Value::Object(props).to_string());
        out.push_str(",\"geometry\":");
        match &f.geometry {
            SourceGeometry::Polygon(rings) => {
                out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
                write_polygon(&mut out, rings, crs).map_err(fail)?;
                out.push('}');
            }
            SourceGeometry::MultiPolygon(polys) => {
                out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":[");
                for (j, rings) in polys.iter().enumerate() {
                    if j > 0 {
                        out.push(',');
                    }
                    write_polygon(&mut out, rings, crs).map_err(fail)?;
                }
                out.push_str("]}");
            }
            SourceGeometry::Null => out.push_str("null"),
            SourceGeometry::Other(kind) => {
                return Err(fail(format!(
                    "geometry is a {kind}; parcels must be Polygon or MultiPolygon"
                )));
            }
        }
        out.push('}');
    }
    out.push_str("\n]}\n");
    Ok(out)
}

/// The id a message names a feature by: `properties.id`, as the GeoJSON reader does.
pub(super) fn feature_id(props: &Map<String, Value>) -> Option<String> {
    match props.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn write_polygon(out: &mut String, rings: &Rings, crs: &Crs) -> Result<(), String> {
    out.push('[');
    for (r, ring) in rings.iter().enumerate() {
        if r > 0 {
            out.push(',');
        }
        out.push('[');
        for (k, c) in ring.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let p = reproject(*c, crs).map_err(|m| {
                let role = if r == 0 { "shell" } else { "hole" };
                format!("ring {} ({role}) position {}: {m}", r + 1, k + 1)
            })?;
            let _ = write!(out, "[{},{}]", p.x, p.y);
        }
        out.push(']');
    }
    out.push(']');
    Ok(())
}

fn reproject(c: Coord<f64>, crs: &Crs) -> Result<Coord<f64>, String> {
    if !(c.x.is_finite() && c.y.is_finite()) {
        return Err(format!(
            "coordinate ({}, {}) is not a finite number",
            c.x, c.y
        ));
    }
    crs.to_wgs84(c).map_err(|e| e.to_string())
}

/// A list stored as text, back as a JSON array of strings; any other value unchanged.
///
/// ```
/// use allot::read::formats::collection::unpack_list;
/// use serde_json::json;
/// assert_eq!(unpack_list(&json!("(2:port,rail)")), json!(["port", "rail"]));
/// assert_eq!(unpack_list(&json!("[\"port\"]")), json!(["port"]));
/// assert_eq!(unpack_list(&json!("(3:a,b)")), json!("(3:a,b)"));
/// assert_eq!(unpack_list(&json!("port,rail")), json!("port,rail"));
/// ```
pub fn unpack_list(v: &Value) -> Value {
    let mut v = v.clone();
    unpack_list_in_place(&mut v);
    v
}

/// [`unpack_list`] in place: a list stored as text becomes a JSON array of strings.
pub(super) fn unpack_list_in_place(v: &mut Value) {
    if let Some(list) = list_of_text(v) {
        *v = list;
    }
}

/// The JSON array a list stored as text stands for, if `v` is one.
fn list_of_text(v: &Value) -> Option<Value> {
    let Value::String(s) = v else {
        return None;
    };
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')'))
        && let Some((count, items)) = inner.split_once(':')
        && let Ok(n) = count.parse::<usize>()
    {
        let parts: Vec<&str> = if items.is_empty() {
            Vec::new()
        } else {
            items.split(',').collect()
        };
        if parts.len() == n {
            return Some(Value::Array(
                parts.into_iter().map(|p| Value::String(p.into())).collect(),
            ));
        }
    }
    if s.starts_with('[')
        && s.ends_with(']')
        && let Ok(Value::Array(items)) = serde_json::from_str::<Value>(s)
        && items.iter().all(Value::is_string)
    {
        return Some(Value::Array(items));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::formats::sink::tests::square;
    use serde_json::json;

    #[test]
    fn utm_squares_come_out_as_lon_lat_near_karachi() {
        let f = SourceFeature {
            properties: json!({"id": "A", "n": 3, "f": 1.5, "b": true, "access": "(2:port,rail)"})
                .as_object()
                .unwrap()
                .clone(),
            geometry: SourceGeometry::MultiPolygon(vec![vec![square(333000.0, 2744000.0, 100.0)]]),
        };
        let text = to_geojson(&[f], &Crs::from_epsg(32642).unwrap(), Some("L")).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let feat = &v["features"][0];
        assert_eq!(v["name"], "L");
        assert_eq!(feat["properties"]["n"], 3);
        assert_eq!(feat["properties"]["f"], 1.5);
        assert_eq!(feat["properties"]["b"], true);
        assert_eq!(feat["properties"]["access"], json!(["port", "rail"]));
        let c = &feat["geometry"]["coordinates"][0][0][0];
        let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
        assert!(
            (67.3..67.4).contains(&lon) && (24.7..24.9).contains(&lat),
            "{c}"
        );
    }

    #[test]
    fn a_point_or_an_unprojectable_coordinate_names_the_feature() {
        let point = SourceFeature {
            properties: json!({"id": 7}).as_object().unwrap().clone(),
            geometry: SourceGeometry::Other("Point".into()),
        };
        let e = to_geojson(&[point], &Crs::wgs84(), None).unwrap_err();
        assert_eq!(e.0, 0);
        assert_eq!(e.1.as_deref(), Some("7"));
        assert!(e.2.contains("Point"));
        let mut ring = square(0.0, 0.0, 1.0);
        ring[2].x = f64::INFINITY;
        let bad = SourceFeature {
            properties: Map::new(),
            geometry: SourceGeometry::Polygon(vec![ring]),
        };
        let e = to_geojson(&[bad], &Crs::wgs84(), None).unwrap_err();
        assert!(e.2.contains("ring 1 (shell) position 3"), "{}", e.2);
    }
}
