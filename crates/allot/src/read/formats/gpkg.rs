//! GeoPackage (OGC 12-128r18): an SQLite file whose `gpkg_contents` lists feature tables,
//! `gpkg_geometry_columns` names their geometry column and type, and
//! `gpkg_spatial_ref_sys` their CRS. Geometry blobs are a GeoPackage header (magic `GP`,
//! flags, SRS id, optional envelope) followed by WKB.
//!
//! The file is opened read-only. A layer is chosen by `--layer`, else the only polygon layer;
//! with several polygon layers, or none, the error lists every feature layer with its type.
//! The integer primary key (GDAL's `fid`) is the row's storage key, not a property; columns
//! declared BOOLEAN become `true`/`false`; BLOB columns are left out.
//!
//! Rows are stepped in order on one thread ([`Layer::read_chunks`]) and kept raw (cells, and
//! text and blobs in one buffer per chunk of rows); each row becomes a feature
//! ([`Chunk`]'s `feature`) on whichever thread turns it into a parcel, so blob and property
//! decoding run in parallel while SQLite reads the next rows. A blob that cannot be decoded
//! names the feature by its position and id (from every property of the row).

use std::path::Path;
use std::sync::Arc;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};

use super::sink::FeatureChunk;
use super::{DeclaredCrs, FormatError, SourceFeature, SourceGeometry, SourceLayer, wkb};

/// Rows per chunk handed over by [`Layer::read_chunks`].
const CHUNK_ROWS: usize = 4096;

struct LayerInfo {
    table: String,
    column: String,
    kind: String,
    srs_id: i64,
}

fn quote(ident: &str) -> String {
    format!("\"{}\"", ident.replace('"', "\"\""))
}

/// What a column of the layer's table is to the reader.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// The integer primary key: the row's storage key, not a property.
    Key,
    /// The layer's geometry column.
    Geometry,
    /// A property; `true` when declared BOOLEAN.
    Property(bool),
}

/// What every chunk of a layer shares: the file, the layer, the properties' names.
struct Meta {
    file: String,
    table: String,
    /// The property columns in table order: name and whether declared BOOLEAN.
    properties: Vec<(String, bool)>,
}

/// A GeoPackage layer chosen, its CRS and columns known, ready to be read in row order.
pub struct Layer {
    conn: Connection,
    meta: Arc<Meta>,
    /// The CRS the layer declares.
    pub crs: DeclaredCrs,
    /// The role of each column of `SELECT *`, in table order.
    roles: Vec<Role>,
    /// The `ORDER BY` term: the integer primary key, else `rowid`.
    order: String,
}

/// One cell of a row as read, its text or blob kept as a range of the chunk's bytes.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(usize, usize),
    Blob(usize, usize),
}

/// Consecutive rows of a layer as read from SQLite, not yet decoded: per row the geometry
/// cell, then the property cells in table order; text and blobs in one buffer.
pub struct Chunk {
    meta: Arc<Meta>,
    /// The 0-based index of the chunk's first row in the layer.
    start: usize,
    rows: usize,
    cells: Vec<Cell>,
    bytes: Vec<u8>,
}

/// Opens a GeoPackage read-only and chooses its polygon layer (see the module docs).
pub fn open(path: &Path, file: &str, layer: Option<&str>) -> Result<Layer, FormatError> {
    let sql = |e: rusqlite::Error| sql_error(file, e);
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
    drop(stmt);
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
    drop(info);
    let pk = columns
        .iter()
        .find(|(_, t, pk)| *pk && t == "INTEGER")
        .map(|(n, _, _)| n.clone());
    let order = pk.as_deref().map(quote).unwrap_or_else(|| "rowid".into());
    let roles = columns
        .iter()
        .map(|(name, decl, _)| {
            if Some(name) == pk.as_ref() {
                Role::Key
            } else if *name == chosen.column {
                Role::Geometry
            } else {
                Role::Property(decl == "BOOLEAN")
            }
        })
        .collect();
    let properties = columns
        .iter()
        .filter(|(name, _, _)| Some(name) != pk.as_ref() && *name != chosen.column)
        .map(|(name, decl, _)| (name.clone(), decl == "BOOLEAN"))
        .collect();
    let meta = Arc::new(Meta {
        file: file.to_string(),
        table: chosen.table.clone(),
        properties,
    });
    Ok(Layer {
        conn,
        meta,
        crs,
        roles,
        order,
    })
}

/// Reads one polygon layer of a GeoPackage, every feature decoded in row order.
pub fn read(path: &Path, file: &str, layer: Option<&str>) -> Result<SourceLayer, FormatError> {
    let layer = open(path, file, layer)?;
    let mut features = Vec::new();
    layer.for_each_feature(|f| features.push(f))?;
    Ok(SourceLayer {
        layer: Some(layer.table().to_string()),
        crs: layer.crs.clone(),
        features,
    })
}

fn sql_error(file: &str, e: rusqlite::Error) -> FormatError {
    FormatError::file(
        file,
        format!(
            "not a readable GeoPackage ({e}); is the file complete? `ogrinfo {file}` shows what GDAL makes of it"
        ),
    )
}

impl Layer {
    /// The layer's table name.
    pub fn table(&self) -> &str {
        &self.meta.table
    }

    /// Reads the layer's rows in order, `CHUNK_ROWS` at a time, handing each chunk to `each`
    /// until it returns `false`. A row that cannot be read ends the reading: the rows read
    /// before it are handed over first, then the error.
    pub fn read_chunks(&self, mut each: impl FnMut(Result<Chunk, FormatError>) -> bool) {
        let failed = |e: rusqlite::Error| sql_error(&self.meta.file, e).in_layer(self.table());
        let mut q = match self.conn.prepare(&format!(
            "SELECT * FROM {} ORDER BY {}",
            quote(self.table()),
            self.order
        )) {
            Ok(q) => q,
            Err(e) => {
                each(Err(failed(e)));
                return;
            }
        };
        let mut rows = match q.query([]) {
            Ok(rows) => rows,
            Err(e) => {
                each(Err(failed(e)));
                return;
            }
        };
        let width = self.meta.properties.len() + 1;
        let mut start = 0;
        loop {
            let mut chunk = Chunk {
                meta: self.meta.clone(),
                start,
                rows: 0,
                cells: Vec::with_capacity(CHUNK_ROWS * width),
                bytes: Vec::new(),
            };
            let mut error = None;
            while chunk.rows < CHUNK_ROWS {
                match rows.next() {
                    Ok(Some(row)) => {
                        if let Err(e) = chunk.push(row, &self.roles) {
                            error = Some(failed(e));
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) => {
                        error = Some(failed(e));
                        break;
                    }
                }
            }
            let (n, full) = (chunk.rows, chunk.rows == CHUNK_ROWS);
            start += n;
            if n > 0 && !each(Ok(chunk)) {
                return;
            }
            if let Some(e) = error {
                each(Err(e));
                return;
            }
            if !full {
                return;
            }
        }
    }

    /// Reads and decodes every feature in row order, handing each to `f`; the first row that
    /// cannot be read or decoded is the error.
    pub fn for_each_feature(&self, mut f: impl FnMut(SourceFeature)) -> Result<(), FormatError> {
        let mut result = Ok(());
        self.read_chunks(|chunk| {
            let decoded =
                chunk.and_then(|c| (0..c.rows).try_for_each(|i| c.feature(i).map(&mut f)));
            result = decoded;
            result.is_ok()
        });
        result
    }
}

impl Chunk {
    /// Appends one row's cells (geometry first, then properties), or the error of a cell
    /// that cannot be read (the row is then left out).
    fn push(&mut self, row: &rusqlite::Row, roles: &[Role]) -> Result<(), rusqlite::Error> {
        let at = self.cells.len();
        self.cells.push(Cell::Null);
        for (i, role) in roles.iter().enumerate() {
            if *role == Role::Key {
                continue;
            }
            let cell = match row.get_ref(i) {
                Ok(v) => self.cell(v),
                Err(e) => {
                    self.cells.truncate(at);
                    return Err(e);
                }
            };
            match role {
                Role::Geometry => self.cells[at] = cell,
                _ => self.cells.push(cell),
            }
        }
        self.rows += 1;
        Ok(())
    }

    fn cell(&mut self, v: ValueRef) -> Cell {
        let mut keep = |b: &[u8]| {
            let a = self.bytes.len();
            self.bytes.extend_from_slice(b);
            (a, self.bytes.len())
        };
        match v {
            ValueRef::Null => Cell::Null,
            ValueRef::Integer(i) => Cell::Int(i),
            ValueRef::Real(f) => Cell::Real(f),
            ValueRef::Text(t) => {
                let (a, b) = keep(t);
                Cell::Text(a, b)
            }
            ValueRef::Blob(t) => {
                let (a, b) = keep(t);
                Cell::Blob(a, b)
            }
        }
    }
}

impl FeatureChunk for Chunk {
    fn len(&self) -> usize {
        self.rows
    }

    /// Row `i` of the chunk as a feature: properties in table order (BOOLEAN columns as
    /// `true`/`false`, blobs left out), the geometry blob decoded. A blob that cannot be
    /// decoded names the feature by its position and id.
    fn feature(&self, i: usize) -> Result<SourceFeature, FormatError> {
        let meta = &*self.meta;
        let width = meta.properties.len() + 1;
        let row = &self.cells[i * width..(i + 1) * width];
        let mut properties = Map::with_capacity(meta.properties.len());
        for ((name, boolean), cell) in meta.properties.iter().zip(&row[1..]) {
            let value = match *cell {
                Cell::Null => Value::Null,
                Cell::Int(i) if *boolean => Value::Bool(i != 0),
                Cell::Int(i) => Value::from(i),
                Cell::Real(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
                Cell::Text(a, b) => Value::String(super::text_of(&self.bytes[a..b])),
                Cell::Blob(..) => continue,
            };
            properties.insert(name.clone(), value);
        }
        let geometry = match row[0] {
            Cell::Null => SourceGeometry::Null,
            Cell::Blob(a, b) => gpkg_geometry(&self.bytes[a..b]).map_err(|m| FormatError {
                file: meta.file.clone(),
                layer: Some(meta.table.clone()),
                feature: Some((self.start + i + 1, id_of(&properties))),
                message: m,
            })?,
            _ => SourceGeometry::Other("non-blob value in the geometry column".into()),
        };
        Ok(SourceFeature {
            properties,
            geometry,
        })
    }
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

    /// A little-endian WKB polygon: the 1 m square at (`x`, 2,744,000) in UTM 42N.
    fn square_wkb(x: f64) -> Vec<u8> {
        let mut w = vec![1u8];
        w.extend(3u32.to_le_bytes());
        w.extend(1u32.to_le_bytes());
        w.extend(5u32.to_le_bytes());
        for (a, b) in [
            (0.0f64, 0.0f64),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ] {
            w.extend((x + a).to_le_bytes());
            w.extend((2_744_000.0 + b).to_le_bytes());
        }
        w
    }

    /// Writes a GeoPackage by hand: layer `plots` of `n` rows (fid, geometry before the
    /// other columns as GDAL writes it, `id` text, `n` integer, `ok` BOOLEAN, `f` real,
    /// `raw` blob), in EPSG:32642. Row k (0-based) is the square at (300,000 + k, 2,744,000)
    /// with id `P{k}`; row `bad` has a
    /// blob without the GeoPackage magic.
    fn write(path: &Path, n: usize, bad: Option<usize>) {
        let c = Connection::open(path).unwrap();
        c.execute_batch(
            "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT, srs_id INTEGER PRIMARY KEY, \
               organization TEXT, organization_coordsys_id INTEGER, definition TEXT); \
             INSERT INTO gpkg_spatial_ref_sys VALUES ('UTM 42N', 32642, 'EPSG', 32642, 'x'); \
             CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT, \
               geometry_type_name TEXT, srs_id INTEGER, z TINYINT, m TINYINT); \
             INSERT INTO gpkg_geometry_columns VALUES ('plots', 'geom', 'POLYGON', 32642, 0, 0); \
             CREATE TABLE plots (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, geom POLYGON, \
               id TEXT, n INTEGER, ok BOOLEAN, f REAL, raw BLOB);",
        )
        .unwrap();
        let tx = c.unchecked_transaction().unwrap();
        {
            let mut ins = tx
                .prepare(
                    "INSERT INTO plots (geom, id, n, ok, f, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )
                .unwrap();
            for k in 0..n {
                let mut blob = b"GP\0\x01".to_vec();
                blob.extend(32642i32.to_le_bytes());
                blob.extend(square_wkb(300_000.0 + k as f64));
                if Some(k) == bad {
                    blob[0] = b'X';
                }
                let f = (k % 3 != 0).then_some(k as f64 / 4.0);
                ins.execute(rusqlite::params![
                    blob,
                    format!("P{k}"),
                    k as i64,
                    (k % 2) as i64,
                    f,
                    vec![7u8]
                ])
                .unwrap();
            }
        }
        tx.commit().unwrap();
    }

    /// Rows over several chunks come back in order, each exactly as written; a bad blob in
    /// a later chunk is named by its position and id, by the reader and by the parallel
    /// route to parcels alike.
    #[test]
    fn rows_over_several_chunks_are_read_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.gpkg");
        let n = 2 * CHUNK_ROWS + 123;
        write(&p, n, None);
        let layer = read(&p, "t.gpkg", None).unwrap();
        assert_eq!(layer.layer.as_deref(), Some("plots"));
        assert_eq!(layer.crs, DeclaredCrs::Epsg(32642));
        assert_eq!(layer.features.len(), n);
        for (k, f) in layer.features.iter().enumerate() {
            let keys: Vec<&str> = f.properties.keys().map(String::as_str).collect();
            assert_eq!(keys, ["id", "n", "ok", "f"], "{k}");
            assert_eq!(f.properties["id"], Value::from(format!("P{k}")));
            assert_eq!(f.properties["n"], Value::from(k as i64));
            assert_eq!(f.properties["ok"], Value::Bool(k % 2 == 1));
            let want_f = if k % 3 == 0 {
                Value::Null
            } else {
                Value::from(k as f64 / 4.0)
            };
            assert_eq!(f.properties["f"], want_f, "{k}");
            let SourceGeometry::Polygon(rings) = &f.geometry else {
                panic!("{k}: {:?}", f.geometry)
            };
            assert_eq!(rings.len(), 1);
            let want = geo::Coord {
                x: 300_001.0 + k as f64,
                y: 2_744_000.0,
            };
            assert_eq!(rings[0][1], want, "{k}");
        }
        let set = crate::read::formats::read(
            &p,
            crate::read::Format::GeoPackage,
            &Default::default(),
            Default::default(),
        )
        .unwrap();
        let ids: Vec<String> = set.parcels.iter().map(|p| p.id.to_string()).collect();
        let want: Vec<String> = (0..n).map(|k| format!("P{k}")).collect();
        assert_eq!(ids, want);

        let bad = dir.path().join("bad.gpkg");
        let at = CHUNK_ROWS + 5;
        write(&bad, n, Some(at));
        let e = read(&bad, &bad.display().to_string(), None).unwrap_err();
        assert_eq!(e.layer.as_deref(), Some("plots"));
        assert_eq!(e.feature, Some((at + 1, Some(format!("P{at}")))), "{e}");
        assert!(e.message.contains("magic"), "{e}");
        let parallel = crate::read::formats::read(
            &bad,
            crate::read::Format::GeoPackage,
            &Default::default(),
            Default::default(),
        )
        .unwrap_err();
        assert_eq!(
            parallel.to_string(),
            crate::read::ReadError::from(e).to_string()
        );
    }

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
