//! GeoJSON in a CRS other than WGS84: a legacy (2008 draft) `crs` member naming a projected
//! system, or `--crs` declaring one. The text is reprojected to WGS84 longitude/latitude and
//! the `crs` member dropped, then read as usual; everything else is left as it was.

use serde_json::Value;

use crate::crs::Crs;

/// The `crs` member's name (`{"type":"name","properties":{"name":…}}`), if it has one.
pub fn legacy_crs_name(crs: &Value) -> Option<&str> {
    crs.get("properties")?.get("name")?.as_str()
}

/// Reprojects every Polygon and MultiPolygon position of a FeatureCollection text from
/// `crs` to WGS84 and removes its `crs` member. Positions that are not pairs of numbers are
/// left for the GeoJSON reader to name. The error names the 1-based feature.
///
/// ```
/// let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:32642"}},
///   "features":[{"type":"Feature","properties":{},"geometry":{"type":"Polygon",
///   "coordinates":[[[333228.8,2744917.4],[333328.8,2744917.4],[333328.8,2745017.4],[333228.8,2744917.4]]]}}]}"#;
/// let crs = allot::crs::Crs::from_epsg(32642).unwrap();
/// let out = allot::read::geojson_crs::reproject(text, &crs).unwrap();
/// assert!(!out.contains("\"crs\"") && out.contains("[67.3"));
/// ```
pub fn reproject(text: &str, crs: &Crs) -> Result<String, String> {
    let mut doc: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    if let Some(o) = doc.as_object_mut() {
        o.remove("crs");
    }
    if let Some(features) = doc.get_mut("features").and_then(Value::as_array_mut) {
        for (i, f) in features.iter_mut().enumerate() {
            let Some(g) = f.get_mut("geometry") else {
                continue;
            };
            let depth = match g.get("type").and_then(Value::as_str) {
                Some("Polygon") => 2,
                Some("MultiPolygon") => 3,
                _ => continue,
            };
            if let Some(c) = g.get_mut("coordinates") {
                walk(c, depth, crs).map_err(|e| format!("feature {}: {e}", i + 1))?;
            }
        }
    }
    Ok(doc.to_string())
}

/// Transforms positions `depth` array levels below `v`.
fn walk(v: &mut Value, depth: usize, crs: &Crs) -> Result<(), String> {
    let Some(items) = v.as_array_mut() else {
        return Ok(());
    };
    if depth == 0 {
        let (Some(x), Some(y)) = (
            items.first().and_then(Value::as_f64),
            items.get(1).and_then(Value::as_f64),
        ) else {
            return Ok(());
        };
        let p = crs
            .to_wgs84(geo::Coord { x, y })
            .map_err(|e| e.to_string())?;
        let num = |f: f64| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
        items[0] = num(p.x);
        items[1] = num(p.y);
        return Ok(());
    }
    for item in items {
        walk(item, depth - 1, crs)?;
    }
    Ok(())
}
