//! GeoParquet (version 1.0 and 1.1): a Parquet file whose `geo` key-value metadata names the
//! primary geometry column, its encoding and its CRS.
//!
//! Read with the `parquet` crate's row API (no Arrow). The geometry column must be WKB
//! (read by [`super::wkb`]); the GeoArrow encodings of 1.1 are named and refused. The CRS is
//! the column's `crs`: absent means OGC:CRS84 (WGS84 longitude/latitude) as the specification
//! says, a PROJJSON object is taken by its `id` (`{"authority": "EPSG", "code": N}`), a string
//! is read as a CRS name or WKT. Other columns become properties: integers, floats, booleans
//! and strings as they are, lists as JSON arrays (so an `access` list stays a list), binary
//! columns left out.

use std::path::Path;

use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::{Map, Value};

use super::{DeclaredCrs, FormatError, SourceFeature, SourceGeometry, SourceLayer, wkb};

/// The geometry column, its CRS and encoding from the `geo` metadata.
#[derive(Debug)]
struct GeoColumn {
    name: String,
    crs: DeclaredCrs,
}

fn geo_column(meta: &str, file: &str) -> Result<GeoColumn, FormatError> {
    let bad = |m: String| FormatError::file(file, format!("GeoParquet `geo` metadata: {m}"));
    let geo: Value = serde_json::from_str(meta).map_err(|e| bad(format!("not JSON ({e})")))?;
    let name = geo
        .get("primary_column")
        .and_then(Value::as_str)
        .ok_or_else(|| bad("no \"primary_column\"".into()))?
        .to_string();
    let column = geo
        .get("columns")
        .and_then(|c| c.get(&name))
        .ok_or_else(|| bad(format!("\"columns\" does not describe {name:?}")))?;
    match column.get("encoding").and_then(Value::as_str) {
        Some(e) if e.eq_ignore_ascii_case("WKB") => {}
        Some(other) => {
            return Err(bad(format!(
                "column {name:?} is encoded as {other:?}; allot reads WKB geometry: convert it with geopandas (`gpd.read_parquet(f).to_parquet(out, geometry_encoding=\"WKB\")`)"
            )));
        }
        None => return Err(bad(format!("column {name:?} has no \"encoding\""))),
    }
    let crs = match column.get("crs") {
        None | Some(Value::Null) => DeclaredCrs::Wgs84,
        Some(Value::String(s)) => DeclaredCrs::Wkt(s.clone()),
        Some(obj) => {
            let id = obj.get("id");
            let authority = id.and_then(|i| i.get("authority")).and_then(Value::as_str);
            let code = id.and_then(|i| i.get("code"));
            let code = code
                .and_then(Value::as_u64)
                .or_else(|| code.and_then(Value::as_str).and_then(|s| s.parse().ok()));
            match (authority, code) {
                (Some(a), Some(c)) if a.eq_ignore_ascii_case("EPSG") => DeclaredCrs::Epsg(c as u32),
                (Some(a), Some(84)) if a.eq_ignore_ascii_case("OGC") => DeclaredCrs::Wgs84,
                _ => {
                    let name = obj.get("name").and_then(Value::as_str).unwrap_or_default();
                    DeclaredCrs::Wkt(format!("PROJJSON {name:?} {obj}"))
                }
            }
        }
    };
    Ok(GeoColumn { name, crs })
}

/// A Parquet value as JSON: numbers, booleans, strings and lists as they are; dates, times
/// and decimals as their text; binary values left out (`None`).
fn json_of(field: &Field) -> Option<Value> {
    let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
    Some(match field {
        Field::Null => Value::Null,
        Field::Bool(b) => Value::Bool(*b),
        Field::Byte(n) => Value::from(*n),
        Field::Short(n) => Value::from(*n),
        Field::Int(n) => Value::from(*n),
        Field::Long(n) => Value::from(*n),
        Field::UByte(n) => Value::from(*n),
        Field::UShort(n) => Value::from(*n),
        Field::UInt(n) => Value::from(*n),
        Field::ULong(n) => Value::from(*n),
        Field::Float16(x) => num(f64::from(*x)),
        Field::Float(x) => num(f64::from(*x)),
        Field::Double(x) => num(*x),
        Field::Str(s) => Value::String(s.clone()),
        Field::Bytes(_) => return None,
        Field::ListInternal(list) => {
            Value::Array(list.elements().iter().filter_map(json_of).collect())
        }
        other => Value::String(other.to_string().trim_matches('"').to_string()),
    })
}

/// Reads every row of a GeoParquet file.
pub fn read(path: &Path, file: &str) -> Result<SourceLayer, FormatError> {
    let bad = |e: &dyn std::fmt::Display| {
        FormatError::file(
            file,
            format!("not a readable Parquet file ({e}); is it complete?"),
        )
    };
    let f = std::fs::File::open(path)
        .map_err(|e| FormatError::file(file, format!("cannot read: {e}")))?;
    let reader = SerializedFileReader::new(f).map_err(|e| bad(&e))?;
    let meta = reader
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .and_then(|kv| kv.iter().find(|k| k.key == "geo"))
        .and_then(|k| k.value.clone())
        .ok_or_else(|| {
            FormatError::file(
                file,
                "a Parquet file without GeoParquet `geo` metadata (no geometry column is named); write it with geopandas `to_parquet` or `ogr2ogr -f Parquet`",
            )
        })?;
    let geo = geo_column(&meta, file)?;
    let rows = reader.get_row_iter(None).map_err(|e| bad(&e))?;
    let mut features = Vec::new();
    for (i, row) in rows.enumerate() {
        let at = |m: String| FormatError {
            file: file.to_string(),
            layer: None,
            feature: Some((i + 1, None)),
            message: m,
        };
        let row = row.map_err(|e| at(format!("unreadable row ({e})")))?;
        let mut properties = Map::new();
        let mut geometry = None;
        for (name, field) in row.get_column_iter() {
            if *name == geo.name {
                geometry = Some(match field {
                    Field::Bytes(b) => wkb::parse(b.data()).map_err(&at)?,
                    Field::Null => SourceGeometry::Null,
                    other => {
                        return Err(at(format!(
                            "geometry column {name:?} holds {other}, not WKB bytes"
                        )));
                    }
                });
            } else if let Some(v) = json_of(field) {
                properties.insert(name.clone(), v);
            }
        }
        let geometry = geometry.ok_or_else(|| at(format!("no geometry column {:?}", geo.name)))?;
        features.push(SourceFeature {
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        layer: None,
        crs: geo.crs,
        features,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crs_comes_from_the_geo_metadata() {
        let col = |crs: &str| {
            let meta = format!(
                r#"{{"version":"1.1.0","primary_column":"g","columns":{{"g":{{"encoding":"WKB","geometry_types":[]{crs}}}}}}}"#
            );
            geo_column(&meta, "f").map(|c| c.crs)
        };
        assert_eq!(col("").unwrap(), DeclaredCrs::Wgs84);
        assert_eq!(
            col(r#","crs":{"type":"ProjectedCRS","id":{"authority":"EPSG","code":24312}}"#)
                .unwrap(),
            DeclaredCrs::Epsg(24312)
        );
        assert_eq!(
            col(r#","crs":{"id":{"authority":"OGC","code":84}}"#).unwrap(),
            DeclaredCrs::Wgs84
        );
        let e = geo_column(
            r#"{"primary_column":"g","columns":{"g":{"encoding":"polygon"}}}"#,
            "f",
        )
        .unwrap_err();
        assert!(
            e.message.contains("\"polygon\"") && e.message.contains("WKB"),
            "{e}"
        );
    }
}
