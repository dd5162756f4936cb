//! ESRI Shapefile: geometry in `.shp`, attributes in `.dbf` (required), the CRS as WKT in
//! `.prj` and the text encoding in `.cpg` (both optional). Sibling files are found by the
//! `.shp`'s stem, whatever the case of their extension; [`read_parts`] also serves zipped sets.
//!
//! Polygon, PolygonZ and PolygonM records are read (Z and M dropped). A record's rings are
//! grouped as the format defines them: each clockwise (outer) ring starts a polygon and the
//! counter-clockwise (inner) rings that follow it are its holes; a record with several outer
//! rings becomes a MultiPolygon. dBASE Numeric values that are whole numbers become JSON
//! integers (the `.dbf` reader does not expose a field's decimal count), others floats;
//! Logical becomes true/false, Date `YYYY-MM-DD`, empty values null.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use geo::Coord;
use serde_json::{Map, Value};
use shapefile::dbase;

use super::{DeclaredCrs, FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer};

/// The files of one Shapefile, read into memory.
pub struct Parts {
    /// `.shp` bytes.
    pub shp: Vec<u8>,
    /// `.dbf` bytes.
    pub dbf: Vec<u8>,
    /// `.prj` text, if present.
    pub prj: Option<String>,
    /// `.cpg` text, if present.
    pub cpg: Option<String>,
}

/// A sibling of `path` with extension `ext` in either case, if it exists.
fn sibling(path: &Path, ext: &str) -> Option<PathBuf> {
    [ext.to_ascii_lowercase(), ext.to_ascii_uppercase()]
        .iter()
        .map(|e| path.with_extension(e))
        .find(|p| p.is_file())
}

/// Reads a `.shp` and its sibling files from disk.
pub fn read_path(path: &Path, file: &str) -> Result<SourceLayer, FormatError> {
    let io = |p: &Path, e: std::io::Error| {
        FormatError::file(file, format!("cannot read {}: {e}", p.display()))
    };
    let shp = std::fs::read(path).map_err(|e| io(path, e))?;
    let dbf_path = sibling(path, "dbf").ok_or_else(|| {
        FormatError::file(
            file,
            format!(
                "the Shapefile's attribute table {} is missing; a Shapefile needs its .shp, .shx and .dbf side by side (or zip them together)",
                path.with_extension("dbf").display()
            ),
        )
    })?;
    let dbf = std::fs::read(&dbf_path).map_err(|e| io(&dbf_path, e))?;
    let text = |ext: &str| -> Result<Option<String>, FormatError> {
        match sibling(path, ext) {
            Some(p) => std::fs::read(&p)
                .map(|b| Some(String::from_utf8_lossy(&b).into_owned()))
                .map_err(|e| io(&p, e)),
            None => Ok(None),
        }
    };
    let parts = Parts {
        shp,
        dbf,
        prj: text("prj")?,
        cpg: text("cpg")?,
    };
    read_parts(parts, file, None)
}

/// Reads a Shapefile from its parts; `layer` names it in messages (the `.shp` inside a zip).
pub fn read_parts(
    parts: Parts,
    file: &str,
    layer: Option<&str>,
) -> Result<SourceLayer, FormatError> {
    let locate = |e: FormatError| match layer {
        Some(l) => e.in_layer(l),
        None => e,
    };
    let bad = |what: &str, e: &dyn std::fmt::Display| {
        locate(FormatError::file(
            file,
            format!("{what} is not a readable Shapefile part ({e}); is it complete?"),
        ))
    };
    let crs = match &parts.prj {
        Some(wkt) if !wkt.trim().is_empty() => DeclaredCrs::Wkt(wkt.trim().to_string()),
        _ => DeclaredCrs::Unstated,
    };
    let shapes =
        shapefile::ShapeReader::new(Cursor::new(parts.shp)).map_err(|e| bad("the .shp", &e))?;
    let mut dbf = dbase::Reader::new(Cursor::new(parts.dbf)).map_err(|e| bad("the .dbf", &e))?;
    if let Some(label) = parts.cpg.as_deref().map(str::trim) {
        let label = match label {
            l if l.chars().all(|c| c.is_ascii_digit()) => format!("windows-{l}"),
            l => l.to_string(),
        };
        match encoding_rs::Encoding::for_label(label.as_bytes()) {
            Some(enc) => dbf.set_encoding(dbase::encoding::EncodingRs::from(enc)),
            None => {
                return Err(locate(FormatError::file(
                    file,
                    format!(
                        "the .cpg names the text encoding {label:?}, which allot does not know; re-save it as UTF-8"
                    ),
                )));
            }
        }
    }
    let fields: Vec<String> = dbf
        .fields()
        .iter()
        .map(|f| f.name().to_string())
        .filter(|n| n != "DeletionFlag")
        .collect();
    let mut reader = shapefile::Reader::new(shapes, dbf);
    let mut features = Vec::new();
    for item in reader.iter_shapes_and_records() {
        let n = features.len() + 1;
        let at = |m: String| {
            locate(FormatError {
                file: file.to_string(),
                layer: None,
                feature: Some((n, None)),
                message: m,
            })
        };
        let (shape, record) =
            item.map_err(|e| at(format!("cannot be read ({e}); the file may be truncated")))?;
        let mut properties = Map::new();
        for name in &fields {
            if let Some(v) = record.get(name) {
                properties.insert(name.clone(), field_value(v));
            }
        }
        let geometry = shape_geometry(shape);
        features.push(SourceFeature {
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        layer: layer.map(str::to_string),
        crs,
        features,
    })
}

fn field_value(v: &dbase::FieldValue) -> Value {
    use dbase::FieldValue as F;
    let num = |f: f64| {
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            Value::from(f as i64)
        } else {
            serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        F::Character(s) => s.as_ref().map_or(Value::Null, |s| Value::String(s.clone())),
        F::Memo(s) => Value::String(s.clone()),
        F::Numeric(n) => n.map_or(Value::Null, num),
        F::Float(f) => f.map_or(Value::Null, |f| num(f64::from(f))),
        F::Double(f) | F::Currency(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        F::Integer(i) => Value::from(*i),
        F::Logical(b) => b.map_or(Value::Null, Value::Bool),
        F::Date(d) => d.map_or(Value::Null, |d| {
            Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()))
        }),
        F::DateTime(dt) => {
            let d = dt.date();
            let t = dt.time();
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
    }
}

/// Groups rings into polygons: an outer ring starts one, inner rings join the latest.
fn group<P>(rings: &[shapefile::PolygonRing<P>], xy: impl Fn(&P) -> Coord<f64>) -> SourceGeometry {
    let mut polys: Vec<Rings> = Vec::new();
    let mut orphans: Rings = Vec::new();
    for ring in rings {
        let pts: Vec<Coord<f64>> = ring.points().iter().map(&xy).collect();
        match ring {
            shapefile::PolygonRing::Outer(_) => polys.push(vec![pts]),
            shapefile::PolygonRing::Inner(_) => match polys.last_mut() {
                Some(p) => p.push(pts),
                None => orphans.push(pts),
            },
        }
    }
    if let Some(first) = polys.first_mut() {
        first.extend(orphans);
    } else if !orphans.is_empty() {
        // Only counter-clockwise rings: read them as shells, as GDAL does.
        polys = orphans.into_iter().map(|r| vec![r]).collect();
    }
    match polys.len() {
        0 => SourceGeometry::Null,
        1 => SourceGeometry::Polygon(polys.pop().unwrap_or_default()),
        _ => SourceGeometry::MultiPolygon(polys),
    }
}

fn shape_geometry(shape: shapefile::Shape) -> SourceGeometry {
    use shapefile::Shape as S;
    match shape {
        S::NullShape => SourceGeometry::Null,
        S::Polygon(p) => group(p.rings(), |q| Coord { x: q.x, y: q.y }),
        S::PolygonM(p) => group(p.rings(), |q| Coord { x: q.x, y: q.y }),
        S::PolygonZ(p) => group(p.rings(), |q| Coord { x: q.x, y: q.y }),
        S::Point(_) | S::PointM(_) | S::PointZ(_) => SourceGeometry::Other("Point".into()),
        S::Polyline(_) | S::PolylineM(_) | S::PolylineZ(_) => {
            SourceGeometry::Other("LineString (Shapefile polyline)".into())
        }
        S::Multipoint(_) | S::MultipointM(_) | S::MultipointZ(_) => {
            SourceGeometry::Other("MultiPoint".into())
        }
        S::Multipatch(_) => SourceGeometry::Other("Multipatch".into()),
    }
}
