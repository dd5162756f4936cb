//! FlatGeobuf: a header (columns, geometry type, CRS) and FlatBuffers features.
//!
//! The `flatgeobuf` crate verifies the FlatBuffers tables; the property bytes inside a
//! feature are not verified by it, so allot decodes them itself with every length checked
//! (a corrupt file is an error, never a panic). Geometry: Polygon (`xy` with ring `ends`) and
//! MultiPolygon (`parts`); Z/M are ignored. Column types map to JSON as they read: integers,
//! floats, booleans, strings; `Json` columns are parsed; `Binary` columns are left out.

use std::io::Cursor;

use flatgeobuf::{ColumnType, FallibleStreamingIterator, FgbReader, GeometryType};
use geo::Coord;
use serde_json::{Map, Value};

use super::{DeclaredCrs, FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer};

/// Reads every feature of a FlatGeobuf file held in memory.
pub fn read(bytes: &[u8], file: &str) -> Result<SourceLayer, FormatError> {
    let bad = |e: &dyn std::fmt::Display| {
        FormatError::file(
            file,
            format!("not a readable FlatGeobuf file ({e}); is it complete?"),
        )
    };
    let reader = FgbReader::open(Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let header = reader.header();
    let layer = header.name().filter(|n| !n.is_empty()).map(str::to_string);
    let columns: Vec<(String, ColumnType)> = header
        .columns()
        .map(|cs| {
            cs.iter()
                .map(|c| (c.name().to_string(), c.type_()))
                .collect()
        })
        .unwrap_or_default();
    let kind = header.geometry_type();
    let crs = match header.crs() {
        Some(c) if c.code() > 0 && c.org().is_none_or(|o| o.eq_ignore_ascii_case("EPSG")) => {
            DeclaredCrs::Epsg(c.code() as u32)
        }
        Some(c) => match c.wkt() {
            Some(w) if !w.trim().is_empty() => DeclaredCrs::Wkt(w.to_string()),
            _ => DeclaredCrs::Unstated,
        },
        None => DeclaredCrs::Unstated,
    };
    let locate = |e: FormatError| match &layer {
        Some(l) => e.in_layer(l),
        None => e,
    };
    let mut iter = reader.select_all().map_err(|e| locate(bad(&e)))?;
    let mut features = Vec::new();
    loop {
        let n = features.len() + 1;
        let at = |m: String| {
            locate(FormatError {
                file: file.to_string(),
                layer: None,
                feature: Some((n, None)),
                message: m,
            })
        };
        let f = match iter.next() {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => {
                return Err(at(format!(
                    "cannot be read ({e}); the file may be truncated"
                )));
            }
        };
        let fb = f.fbs_feature();
        let properties = match fb.properties() {
            Some(p) => decode_properties(p.bytes(), &columns).map_err(&at)?,
            None => Map::new(),
        };
        let geometry = match fb.geometry() {
            None => SourceGeometry::Null,
            Some(g) => {
                let t = if kind == GeometryType::Unknown {
                    g.type_()
                } else {
                    kind
                };
                geometry(&g, t).map_err(&at)?
            }
        };
        features.push(SourceFeature {
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        layer,
        crs,
        features,
    })
}

fn rings(g: &flatgeobuf::Geometry<'_>) -> Result<Rings, String> {
    let xy = g.xy();
    let len = xy.map_or(0, |v| v.len());
    if !len.is_multiple_of(2) {
        return Err("geometry has an odd number of ordinates".into());
    }
    let points = len / 2;
    // Each ring is read straight from the buffer into its own exactly-sized Vec (no copy of
    // the whole geometry first): this is the buffer the parcel keeps.
    let ring = |start: usize, end: usize| -> Vec<Coord<f64>> {
        match xy {
            Some(v) => (start..end)
                .map(|i| Coord {
                    x: v.get(2 * i),
                    y: v.get(2 * i + 1),
                })
                .collect(),
            None => Vec::new(),
        }
    };
    let Some(ends) = g.ends() else {
        return Ok(vec![ring(0, points)]);
    };
    let mut out = Vec::with_capacity(ends.len());
    let mut start = 0;
    for end in ends.iter().map(|v| v as usize) {
        if end < start || end > points {
            return Err(format!(
                "ring end {end} is outside the geometry's {points} points"
            ));
        }
        out.push(ring(start, end));
        start = end;
    }
    Ok(out)
}

fn geometry(g: &flatgeobuf::Geometry<'_>, t: GeometryType) -> Result<SourceGeometry, String> {
    match t {
        GeometryType::Polygon => Ok(SourceGeometry::Polygon(rings(g)?)),
        GeometryType::MultiPolygon => {
            let parts = g.parts().ok_or("a MultiPolygon without parts")?;
            let polys = parts.iter().map(|p| rings(&p)).collect::<Result<_, _>>()?;
            Ok(SourceGeometry::MultiPolygon(polys))
        }
        other => Ok(SourceGeometry::Other(
            other
                .variant_name()
                .unwrap_or("unknown geometry")
                .to_string(),
        )),
    }
}

/// Decodes FlatGeobuf property bytes: repeated (u16 column index, value), little-endian,
/// strings and JSON and binary prefixed with a u32 length.
fn decode_properties(
    b: &[u8],
    columns: &[(String, ColumnType)],
) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    let mut at = 0usize;
    let take = |at: &mut usize, n: usize| -> Result<&[u8], String> {
        let end = at.checked_add(n).filter(|&e| e <= b.len()).ok_or_else(|| {
            format!(
                "properties are truncated (need {n} bytes at offset {at} of {})",
                b.len()
            )
        })?;
        let s = &b[*at..end];
        *at = end;
        Ok(s)
    };
    let arr = |s: &[u8]| -> [u8; 8] {
        let mut a = [0u8; 8];
        a[..s.len()].copy_from_slice(s);
        a
    };
    while at + 1 < b.len() {
        let idx = u16::from_le_bytes([b[at], b[at + 1]]) as usize;
        at += 2;
        let (name, kind) = columns.get(idx).ok_or_else(|| {
            format!(
                "property refers to column {idx}, but there are {}",
                columns.len()
            )
        })?;
        let int = |s: &[u8], signed: bool| -> Value {
            let a = arr(s);
            if signed {
                let v = i64::from_le_bytes(a);
                let shift = 64 - 8 * s.len() as u32;
                Value::from((v << shift) >> shift)
            } else {
                Value::from(u64::from_le_bytes(a))
            }
        };
        let value = match *kind {
            ColumnType::Bool => Value::Bool(take(&mut at, 1)?[0] != 0),
            ColumnType::Byte => int(take(&mut at, 1)?, true),
            ColumnType::UByte => int(take(&mut at, 1)?, false),
            ColumnType::Short => int(take(&mut at, 2)?, true),
            ColumnType::UShort => int(take(&mut at, 2)?, false),
            ColumnType::Int => int(take(&mut at, 4)?, true),
            ColumnType::UInt => int(take(&mut at, 4)?, false),
            ColumnType::Long => int(take(&mut at, 8)?, true),
            ColumnType::ULong => int(take(&mut at, 8)?, false),
            ColumnType::Float => {
                let s = take(&mut at, 4)?;
                let v = f32::from_le_bytes([s[0], s[1], s[2], s[3]]);
                serde_json::Number::from_f64(f64::from(v)).map_or(Value::Null, Value::Number)
            }
            ColumnType::Double => {
                let v = f64::from_le_bytes(arr(take(&mut at, 8)?));
                serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number)
            }
            ColumnType::String | ColumnType::DateTime | ColumnType::Json | ColumnType::Binary => {
                let s = take(&mut at, 4)?;
                let len = u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize;
                let body = take(&mut at, len)?;
                let text = || {
                    std::str::from_utf8(body)
                        .map(str::to_string)
                        .map_err(|_| format!("property {name:?} is not UTF-8"))
                };
                match *kind {
                    ColumnType::Binary => continue,
                    ColumnType::Json => {
                        let t = text()?;
                        serde_json::from_str(&t).unwrap_or(Value::String(t))
                    }
                    _ => Value::String(text()?),
                }
            }
            other => {
                return Err(format!(
                    "property {name:?} has an unknown column type {}",
                    other.0
                ));
            }
        };
        out.insert(name.clone(), value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_each_type_and_refuses_truncation() {
        let cols = vec![
            ("s".to_string(), ColumnType::String),
            ("i".to_string(), ColumnType::Int),
            ("b".to_string(), ColumnType::Bool),
            ("d".to_string(), ColumnType::Double),
            ("sh".to_string(), ColumnType::Short),
        ];
        let mut b = Vec::new();
        b.extend(0u16.to_le_bytes());
        b.extend(3u32.to_le_bytes());
        b.extend(b"abc");
        b.extend(1u16.to_le_bytes());
        b.extend((-5i32).to_le_bytes());
        b.extend(2u16.to_le_bytes());
        b.push(1);
        b.extend(3u16.to_le_bytes());
        b.extend(2.5f64.to_le_bytes());
        b.extend(4u16.to_le_bytes());
        b.extend((-2i16).to_le_bytes());
        let m = decode_properties(&b, &cols).unwrap();
        assert_eq!(
            Value::Object(m),
            serde_json::json!({"s": "abc", "i": -5, "b": true, "d": 2.5, "sh": -2})
        );
        for cut in 2..b.len() {
            let r = decode_properties(&b[..cut], &cols);
            // A cut that falls exactly between two values is a shorter, valid record.
            if let Ok(m) = r {
                assert!(m.len() < 5, "cut {cut}");
            }
        }
        let mut wrong = b.clone();
        wrong[0] = 9;
        assert!(
            decode_properties(&wrong, &cols)
                .unwrap_err()
                .contains("column 9")
        );
    }
}
