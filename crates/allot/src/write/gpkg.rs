//! The GeoPackage writer (OGC 12-128r18): one feature table per layer, registered in
//! `gpkg_contents` and `gpkg_geometry_columns`, with the output CRS in `gpkg_spatial_ref_sys`
//! (its EPSG code as `srs_id`, and the EPSG WKT).
//!
//! The file is written with SQLite (rusqlite's bundled build, the one the reader uses) to a
//! temporary path that replaces the destination only when complete. Output is byte-identical
//! for the same input: `gpkg_contents.last_change` is a fixed `1970-01-01T00:00:00.000Z`
//! rather than the time of writing, and no spatial index is written (GDAL and QGIS read the
//! file without one).

use std::path::Path;

use rusqlite::{Connection, params_from_iter, types::Value as Sql};
use serde_json::Value;

use super::layer::{ColumnType, Layer, cell};
use super::wkb::{envelope, gpkg_blob};
use crate::crs::Crs;

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// The SQL value of a cell.
fn sql_value(v: Option<Value>) -> Sql {
    match v {
        None => Sql::Null,
        Some(Value::Bool(b)) => Sql::Integer(i64::from(b)),
        Some(Value::Number(n)) => match n.as_i64() {
            Some(i) => Sql::Integer(i),
            None => Sql::Real(n.as_f64().unwrap_or(f64::NAN)),
        },
        Some(Value::String(s)) => Sql::Text(s),
        Some(other) => Sql::Text(other.to_string()),
    }
}

/// Writes `layers` (geometry already in `crs`) as a GeoPackage at `tmp`.
pub fn write(tmp: &Path, layers: &[Layer], crs: &Crs) -> rusqlite::Result<()> {
    let _ = std::fs::remove_file(tmp);
    let mut conn = Connection::open(tmp)?;
    conn.execute_batch(
        "PRAGMA application_id = 1196444487; PRAGMA user_version = 10200; PRAGMA journal_mode = MEMORY;",
    )?;
    let tx = conn.transaction()?;
    tx.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
           organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
           definition TEXT NOT NULL, description TEXT);
         CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
           identifier TEXT UNIQUE, description TEXT DEFAULT '',
           last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
           min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
           CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
           geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL,
           m TINYINT NOT NULL, CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
           CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
           CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system');
         INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');",
    )?;
    let code = crs.code() as i32;
    let wgs84 = Crs::wgs84();
    let mut systems = vec![&wgs84];
    if code != 4326 {
        systems.push(crs);
    }
    for c in systems {
        tx.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, 'EPSG', ?2, ?3, NULL)",
            rusqlite::params![c.name(), c.code(), c.wkt()],
        )?;
    }
    for layer in layers {
        let columns = layer.columns();
        let points = layer.is_points();
        let multi = layer.is_multipolygons();
        let kind = match (points, multi) {
            (true, _) => "POINT",
            (false, true) => "MULTIPOLYGON",
            (false, false) => "POLYGON",
        };
        let table = quote(&layer.name);
        let mut ddl = format!(
            "CREATE TABLE {table} (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom {kind}"
        );
        for c in &columns {
            let t = match c.kind {
                ColumnType::Bool => "BOOLEAN",
                ColumnType::Integer => "INTEGER",
                ColumnType::Real => "REAL",
                ColumnType::Text => "TEXT",
            };
            ddl.push_str(&format!(", {} {t}", quote(&c.name)));
        }
        ddl.push(')');
        tx.execute(&ddl, [])?;
        let mut bounds = [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        {
            let placeholders: Vec<String> =
                (0..=columns.len()).map(|i| format!("?{}", i + 1)).collect();
            let names: Vec<String> = std::iter::once("geom".to_string())
                .chain(columns.iter().map(|c| quote(&c.name)))
                .collect();
            let mut insert = tx.prepare(&format!(
                "INSERT INTO {table} ({}) VALUES ({})",
                names.join(", "),
                placeholders.join(", ")
            ))?;
            for f in &layer.features {
                let e = envelope(&f.geometry);
                bounds = [
                    bounds[0].min(e[0]),
                    bounds[1].max(e[1]),
                    bounds[2].min(e[2]),
                    bounds[3].max(e[3]),
                ];
                let mut row = vec![Sql::Blob(gpkg_blob(&f.geometry, code, multi))];
                row.extend(columns.iter().map(|c| sql_value(cell(&f.properties, c))));
                insert.execute(params_from_iter(row))?;
            }
        }
        let b = |v: f64| {
            if v.is_finite() {
                Sql::Real(v)
            } else {
                Sql::Null
            }
        };
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
             VALUES (?1, 'features', ?1, '', '1970-01-01T00:00:00.000Z', ?2, ?3, ?4, ?5, ?6)",
            rusqlite::params![layer.name, b(bounds[0]), b(bounds[2]), b(bounds[1]), b(bounds[3]), code],
        )?;
        tx.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', ?2, ?3, 0, 0)",
            rusqlite::params![layer.name, kind, code],
        )?;
    }
    tx.commit()?;
    conn.close().map_err(|(_, e)| e)
}
