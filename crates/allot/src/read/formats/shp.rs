//! ESRI Shapefile: geometry in `.shp`, attributes in `.dbf` (required), the CRS as WKT in
//! `.prj` and the text encoding in `.cpg` (both optional). Sibling files are found by the
//! `.shp`'s stem, whatever the case of their extension; [`read_parts`] also serves zipped sets.
//!
//! The `.shp` is parsed here, every count and length checked against the bytes there are
//! (the `shapefile` crate panicked on overflowing counts under fuzzing). Polygon, PolygonZ
//! and PolygonM records are read (Z and M dropped). A record's rings are grouped as the
//! format defines them: each clockwise (outer) ring starts a polygon and the
//! counter-clockwise (inner) rings that follow it are its holes; a record with several outer
//! rings becomes a MultiPolygon. Attributes are typed as [`super::dbf`] says; records marked
//! deleted in the `.dbf` are skipped with their shapes, as GDAL does.

use std::path::{Path, PathBuf};

use geo::Coord;
use serde_json::Value;

use super::{DeclaredCrs, FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer, dbf};

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
    let encoding = match parts.cpg.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(label) => Some(super::cpg::encoding_of_cpg(label).ok_or_else(|| {
            locate(FormatError::file(
                file,
                format!("the .cpg names the text encoding {label:?}, which allot does not know; re-save it as UTF-8"),
            ))
        })?),
    };
    let shapes = parse_shp(&parts.shp).map_err(|e| bad("the .shp", &e))?;
    let records = dbf::parse(&parts.dbf, encoding).map_err(|e| bad("the .dbf", &e))?;
    if let Some(Err(m)) = shapes.last()
        && m.contains("truncated")
    {
        let n = shapes.len();
        let id = records
            .get(n - 1)
            .and_then(|r| r.values.get("id"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        return Err(locate(FormatError {
            file: file.to_string(),
            layer: None,
            feature: Some((n, id)),
            message: m.clone(),
        }));
    }
    if records.len() != shapes.len() {
        return Err(locate(FormatError::file(
            file,
            format!(
                "the .shp holds {} shapes but the .dbf {} records; one of them is truncated or belongs to another Shapefile",
                shapes.len(),
                records.len()
            ),
        )));
    }
    let mut features = Vec::new();
    for (i, (shape, record)) in shapes.into_iter().zip(records).enumerate() {
        if record.deleted {
            continue;
        }
        let properties = record.values;
        let geometry = shape.map_err(|m| {
            let id = properties.get("id").map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
            locate(FormatError {
                file: file.to_string(),
                layer: None,
                feature: Some((i + 1, id)),
                message: m,
            })
        })?;
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

/// Twice the signed area of a ring (positive: counter-clockwise).
fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// Groups rings into polygons: a clockwise (outer) ring starts one, counter-clockwise
/// (inner) rings join the latest; only counter-clockwise rings are read as shells, as GDAL
/// does.
fn group(rings: Vec<Vec<Coord<f64>>>) -> SourceGeometry {
    let mut polys: Vec<Rings> = Vec::new();
    let mut orphans: Rings = Vec::new();
    for ring in rings {
        if signed_area2(&ring) <= 0.0 {
            polys.push(vec![ring]);
        } else {
            match polys.last_mut() {
                Some(p) => p.push(ring),
                None => orphans.push(ring),
            }
        }
    }
    if let Some(first) = polys.first_mut() {
        first.extend(orphans);
    } else {
        polys = orphans.into_iter().map(|r| vec![r]).collect();
    }
    match polys.len() {
        0 => SourceGeometry::Null,
        1 => SourceGeometry::Polygon(polys.pop().unwrap_or_default()),
        _ => SourceGeometry::MultiPolygon(polys),
    }
}

/// One shape per record, or why the record cannot be read; a broken file header or record
/// framing is an error for the whole file.
type Shapes = Vec<Result<SourceGeometry, String>>;

fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_i32(b: &[u8], at: usize) -> Option<i32> {
    Some(i32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn le_f64(b: &[u8], at: usize) -> Option<f64> {
    Some(f64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// Parses a `.shp` file (ESRI Shapefile Technical Description, 1998).
fn parse_shp(b: &[u8]) -> Result<Shapes, String> {
    if b.len() < 100 {
        return Err(format!(
            "it has {} bytes, fewer than the 100-byte header",
            b.len()
        ));
    }
    if be_i32(b, 0) != Some(9994) {
        return Err("its file code is not 9994".into());
    }
    let declared = be_i32(b, 24).unwrap_or(0).max(0) as usize * 2;
    let mut shapes = Vec::new();
    let mut at = 100;
    while at < declared {
        let n = shapes.len() + 1;
        let cut = || {
            format!(
                "the .shp ends inside record {n} ({} bytes of the {declared} its header declares): it is truncated",
                b.len()
            )
        };
        let Some(len) = be_i32(b, at + 4) else {
            shapes.push(Err(cut()));
            break;
        };
        if len < 2 {
            return Err(format!("record {n} has a broken header at byte {at}"));
        }
        let start = at + 8;
        let end = start + len as usize * 2;
        if end > b.len() {
            shapes.push(Err(cut()));
            break;
        }
        shapes.push(parse_record(&b[start..end]));
        at = end;
    }
    Ok(shapes)
}

fn parse_record(r: &[u8]) -> Result<SourceGeometry, String> {
    let short = || "the record is shorter than its shape needs".to_string();
    let kind = le_i32(r, 0).ok_or_else(short)?;
    match kind {
        0 => return Ok(SourceGeometry::Null),
        5 | 15 | 25 => {}
        1 | 11 | 21 => return Ok(SourceGeometry::Other("Point".into())),
        3 | 13 | 23 => {
            return Ok(SourceGeometry::Other(
                "LineString (Shapefile polyline)".into(),
            ));
        }
        8 | 18 | 28 => return Ok(SourceGeometry::Other("MultiPoint".into())),
        31 => return Ok(SourceGeometry::Other("Multipatch".into())),
        other => return Err(format!("unknown Shapefile shape type {other}")),
    }
    let parts = le_i32(r, 36).ok_or_else(short)?;
    let points = le_i32(r, 40).ok_or_else(short)?;
    if parts < 0 || points < 0 {
        return Err(format!("negative counts ({parts} parts, {points} points)"));
    }
    let (parts, points) = (parts as usize, points as usize);
    let xy_at = 44 + 4 * parts;
    if xy_at.checked_add(16 * points).is_none_or(|e| e > r.len()) {
        return Err(format!(
            "{parts} parts and {points} points do not fit in the record's {} bytes",
            r.len()
        ));
    }
    let mut starts = Vec::with_capacity(parts);
    for i in 0..parts {
        let s = le_i32(r, 44 + 4 * i).ok_or_else(short)?;
        let prev = starts.last().copied().unwrap_or(0);
        if s < 0 || s as usize > points || (i > 0 && (s as usize) < prev) || (i == 0 && s != 0) {
            return Err(format!(
                "part {} starts at point {s}, which is out of order or range",
                i + 1
            ));
        }
        starts.push(s as usize);
    }
    let mut rings = Vec::with_capacity(parts);
    for (i, &s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(points);
        let ring: Option<Vec<Coord<f64>>> = (s..e)
            .map(|k| {
                Some(Coord {
                    x: le_f64(r, xy_at + 16 * k)?,
                    y: le_f64(r, xy_at + 16 * k + 8)?,
                })
            })
            .collect();
        rings.push(ring.ok_or_else(short)?);
    }
    Ok(group(rings))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A .shp of one Polygon record with the given rings.
    fn shp(rings: &[&[(f64, f64)]]) -> Vec<u8> {
        let points: usize = rings.iter().map(|r| r.len()).sum();
        let mut rec = Vec::new();
        rec.extend(5i32.to_le_bytes());
        rec.extend([0u8; 32]);
        rec.extend((rings.len() as i32).to_le_bytes());
        rec.extend((points as i32).to_le_bytes());
        let mut start = 0i32;
        for r in rings {
            rec.extend(start.to_le_bytes());
            start += r.len() as i32;
        }
        for r in rings {
            for (x, y) in *r {
                rec.extend(x.to_le_bytes());
                rec.extend(y.to_le_bytes());
            }
        }
        let mut b = vec![0u8; 100];
        b[0..4].copy_from_slice(&9994i32.to_be_bytes());
        let total = 100 + 8 + rec.len();
        b[24..28].copy_from_slice(&((total / 2) as i32).to_be_bytes());
        b.extend(1i32.to_be_bytes());
        b.extend(((rec.len() / 2) as i32).to_be_bytes());
        b.extend(rec);
        b
    }

    const CW: [(f64, f64); 5] = [(0., 0.), (0., 10.), (10., 10.), (10., 0.), (0., 0.)];
    const CCW_HOLE: [(f64, f64); 4] = [(1., 1.), (2., 1.), (2., 2.), (1., 1.)];
    const CW2: [(f64, f64); 4] = [(20., 0.), (20., 1.), (21., 0.), (20., 0.)];

    #[test]
    fn rings_group_by_orientation_into_polygons_and_holes() {
        let one = parse_shp(&shp(&[&CW, &CCW_HOLE])).unwrap();
        let SourceGeometry::Polygon(p) = one[0].clone().unwrap() else {
            panic!("{one:?}")
        };
        assert_eq!(p.len(), 2);
        let two = parse_shp(&shp(&[&CW, &CCW_HOLE, &CW2])).unwrap();
        let SourceGeometry::MultiPolygon(m) = two[0].clone().unwrap() else {
            panic!("{two:?}")
        };
        assert_eq!((m.len(), m[0].len(), m[1].len()), (2, 2, 1));
    }

    #[test]
    fn every_truncation_and_lying_count_is_an_error() {
        let full = shp(&[&CW, &CCW_HOLE]);
        for cut in 0..full.len() {
            let r = parse_shp(&full[..cut]);
            assert!(r.is_err() || r.unwrap()[0].is_err(), "cut {cut}");
        }
        for (offset, value) in [
            (108 + 36, i32::MAX),
            (108 + 40, i32::MAX),
            (108 + 40, -1),
            (108 + 44 + 4, 99),
        ] {
            let mut bad = full.clone();
            bad[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
            let shapes = parse_shp(&bad).unwrap();
            assert!(shapes[0].is_err(), "{offset} = {value}");
        }
    }
}
