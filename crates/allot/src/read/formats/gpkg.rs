//! GeoPackage (OGC 12-128r18): an SQLite file whose `gpkg_contents` lists feature tables,
//! `gpkg_geometry_columns` names their geometry column and type, and
//! `gpkg_spatial_ref_sys` their CRS. Geometry blobs are a GeoPackage header (magic `GP`,
//! flags, SRS id, optional envelope) followed by WKB.
//!
//! The file is opened read-only. A layer is chosen by `--layer`, else the only polygon layer;
//! with several polygon layers, or none, the error lists every feature layer with its type.
//! The integer primary key (GDAL's `fid`) is the row's storage key, not a property; columns
//! declared BOOLEAN become `true`/`false`; BLOB columns are left out.

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};

use super::{DeclaredCrs, FormatError, SourceFeature, SourceGeometry, SourceLayer, wkb};

struct LayerInfo {
    table: String,
    column: String,
    kind: String,
    srs_id: i64,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// Reads one polygon layer of a GeoPackage.
pub fn read(path: &Path, file: &str, layer: Option<&str>) -> Result<SourceLayer, FormatError> {
    let sql = |e: rusqlite::Error| {
        FormatError::file(
            file,
            format!(
                "not a readable GeoPackage ({e}); is the file complete? `ogrinfo {file}` shows what GDAL makes of it"
            ),
        )
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    let has_contents: bool = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name = 'gpkg_geometry_columns'",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(sql)?
        > 0;
    if !has_contents {
        return Err(FormatError::file(
            file,
            format!(
                "this is an SQLite database but not a GeoPackage (it has no gpkg_geometry_columns table); convert it with: ogr2ogr -f GPKG out.gpkg {file}"
            ),
        ));
    }
    let mut stmt = conn
        .prepare(
            "SELECT g.table_name, g.column_name, upper(g.geometry_type_name), g.srs_id \
             FROM gpkg_geometry_columns g ORDER BY g.table_name",
        )
        .map_err(sql)?;
    let layers: Vec<LayerInfo> = stmt
        .query_map([], |r| {
            Ok(LayerInfo {
                table: r.get(0)?,
                column: r.get(1)?,
                kind: r.get(2)?,
                srs_id: r.get(3)?,
            })
        })
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    let listing = || {
        layers
            .iter()
            .map(|l| format!("{} ({})", l.table, l.kind))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let is_polygonal = |l: &LayerInfo| {
        matches!(
            l.kind.as_str(),
            "POLYGON" | "MULTIPOLYGON" | "GEOMETRY" | "SURFACE" | "MULTISURFACE"
        )
    };
    let chosen = match layer {
        Some(name) => layers.iter().find(|l| l.table == name).ok_or_else(|| {
            FormatError::file(
                file,
                format!("has no layer {name:?}; its layers are: {}", listing()),
            )
        })?,
        None => {
            let polys: Vec<&LayerInfo> = layers.iter().filter(|l| is_polygonal(l)).collect();
            match polys.as_slice() {
                [one] => *one,
                [] if layers.is_empty() => {
                    return Err(FormatError::file(file, "has no feature layers"));
                }
                [] => {
                    return Err(FormatError::file(
                        file,
                        format!(
                            "has no polygon layer (its layers are: {}); parcels must be polygons",
                            listing()
                        ),
                    ));
                }
                _ => {
                    return Err(FormatError::file(
                        file,
                        format!(
                            "has several polygon layers; choose one with --layer NAME (its layers are: {})",
                            listing()
                        ),
                    ));
                }
            }
        }
    };
    let in_layer = |e: FormatError| e.in_layer(&chosen.table);
    let crs = srs(&conn, chosen.srs_id).map_err(sql).map_err(in_layer)?;

    // Columns in table order; the integer primary key is left out.
    let mut info = conn
        .prepare(&format!("PRAGMA table_info({})", quote(&chosen.table)))
        .map_err(sql)?;
    let columns: Vec<(String, String, bool)> = info
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?.to_ascii_uppercase(),
                r.get::<_, i64>(5)? > 0,
            ))
        })
        .map_err(sql)?
        .collect::<Result<_, _>>()
        .map_err(sql)?;
    let pk = columns
        .iter()
        .find(|(_, t, pk)| *pk && t == "INTEGER")
        .map(|(n, _, _)| n.clone());
    let order = pk.as_deref().map(quote).unwrap_or_else(|| "rowid".into());
    let mut q = conn
        .prepare(&format!(
            "SELECT * FROM {} ORDER BY {order}",
            quote(&chosen.table)
        ))
        .map_err(sql)
        .map_err(in_layer)?;
    let mut rows = q.query([]).map_err(sql).map_err(in_layer)?;
    let mut features = Vec::new();
    while let Some(row) = rows.next().map_err(sql).map_err(in_layer)? {
        let n = features.len();
        let mut properties = Map::new();
        let mut geometry = SourceGeometry::Null;
        for (i, (name, decl, _)) in columns.iter().enumerate() {
            if Some(name) == pk.as_ref() {
                continue;
            }
            let v = row.get_ref(i).map_err(sql).map_err(in_layer)?;
            if *name == chosen.column {
                geometry = match v {
                    ValueRef::Null => SourceGeometry::Null,
                    ValueRef::Blob(b) => gpkg_geometry(b).map_err(|m| FormatError {
                        file: file.to_string(),
                        layer: Some(chosen.table.clone()),
                        feature: Some((n + 1, id_of(&properties))),
                        message: m,
                    })?,
                    _ => SourceGeometry::Other("non-blob value in the geometry column".into()),
                };
                continue;
            }
            let value = match v {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(i) if decl == "BOOLEAN" => Value::Bool(i != 0),
                ValueRef::Integer(i) => Value::from(i),
                ValueRef::Real(f) => {
                    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
                }
                ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(_) => continue,
            };
            properties.insert(name.clone(), value);
        }
        // The geometry column may come before `id`: name the feature once all is read.
        features.push(SourceFeature {
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        layer: Some(chosen.table.clone()),
        crs,
        features,
    })
}

fn id_of(props: &Map<String, Value>) -> Option<String> {
    props.get("id").map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// The CRS of an SRS id: its EPSG code when the organisation is EPSG, else its WKT; id 0 is
/// "undefined geographic" (read as WGS84) and -1 "undefined Cartesian" (unstated).
fn srs(conn: &Connection, srs_id: i64) -> Result<DeclaredCrs, rusqlite::Error> {
    if srs_id == 0 {
        return Ok(DeclaredCrs::Wgs84);
    }
    if srs_id == -1 {
        return Ok(DeclaredCrs::Unstated);
    }
    let (org, code, def): (String, i64, String) = conn.query_row(
        "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
        [srs_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok(match u32::try_from(code) {
        Ok(code) if org.eq_ignore_ascii_case("EPSG") => DeclaredCrs::Epsg(code),
        _ => DeclaredCrs::Wkt(def),
    })
}

/// A GeoPackage geometry blob: header, then WKB.
fn gpkg_geometry(b: &[u8]) -> Result<SourceGeometry, String> {
    if b.len() < 8 || &b[..2] != b"GP" {
        return Err("geometry blob does not start with the GeoPackage magic \"GP\"".into());
    }
    let flags = b[3];
    if flags & 0b1_0000 != 0 {
        return Ok(SourceGeometry::Null);
    }
    let envelope = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        e => return Err(format!("geometry blob has an invalid envelope code {e}")),
    };
    let start = 8 + envelope;
    if b.len() < start {
        return Err("geometry blob is truncated inside its header".into());
    }
    wkb::parse(&b[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_with_each_envelope_size_are_skipped() {
        let mut w = vec![1u8];
        w.extend(3u32.to_le_bytes());
        w.extend(1u32.to_le_bytes());
        w.extend(4u32.to_le_bytes());
        for (x, y) in [(0.0f64, 0.0f64), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)] {
            w.extend(x.to_le_bytes());
            w.extend(y.to_le_bytes());
        }
        for (code, len) in [(0u8, 0usize), (1, 32), (2, 48), (4, 64)] {
            let mut b = b"GP\0".to_vec();
            b.push(1 | (code << 1));
            b.extend(4326i32.to_le_bytes());
            b.extend(std::iter::repeat_n(0u8, len));
            b.extend(&w);
            assert!(
                matches!(gpkg_geometry(&b), Ok(SourceGeometry::Polygon(_))),
                "{code}"
            );
        }
        assert!(gpkg_geometry(b"XX\0\x01\0\0\0\0").is_err());
        assert!(
            gpkg_geometry(b"GP\0\x03\0\0\0\0")
                .unwrap_err()
                .contains("truncated")
        );
        assert_eq!(gpkg_geometry(b"GP\0\x11\0\0\0\0"), Ok(SourceGeometry::Null));
    }
}
