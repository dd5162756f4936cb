//! FlatGeobuf: a header (columns, geometry type, CRS), an optional spatial index, and
//! FlatBuffers features, each after its 4-byte size.
//!
//! [`Fgb::open`] reads the header with the `flatgeobuf` crate, skips the index and walks the
//! size prefixes to find every feature (exactly the features, and the truncation error, the
//! crate's own iterator gives); [`Fgb::feature`] then decodes any one of them, so features are
//! decoded in parallel, in any order, and put back in file order by the caller. The
//! `flatgeobuf` crate verifies each feature's FlatBuffers tables; the property bytes inside a
//! feature are not verified by it, so allot decodes them itself with every length checked
//! (a corrupt file is an error, never a panic). Geometry: Polygon (`xy` with ring `ends`) and
//! MultiPolygon (`parts`); Z/M are ignored. Column types map to JSON as they read: integers,
//! floats, booleans, strings; `Json` columns are parsed; `Binary` columns are left out.

use std::io::Cursor;

use flatgeobuf::packed_r_tree::NodeItem;
use flatgeobuf::{ColumnType, FgbReader, GeometryType};
use geo::Coord;
use serde_json::{Map, Value};

use super::{DeclaredCrs, FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer};

/// A FlatGeobuf file held in memory, with where each of its features lies: its features can
/// then be decoded independently, in any order and on any thread ([`Fgb::feature`]).
pub struct Fgb<'a> {
    bytes: &'a [u8],
    file: String,
    /// The layer's name from the header.
    pub layer: Option<String>,
    /// The CRS the header declares.
    pub crs: DeclaredCrs,
    columns: Vec<(String, ColumnType)>,
    kind: GeometryType,
    /// Each feature's bytes, with their 4-byte size prefix: `bytes[start..end]`.
    spans: Vec<(usize, usize)>,
    /// Why the feature after the last span cannot be read, when the file ends inside it or
    /// before it (fewer features than the header declares).
    truncated: Option<String>,
    /// The header's count of features (0: not given).
    #[cfg(test)]
    declared: usize,
}

impl<'a> Fgb<'a> {
    /// Reads the header of a FlatGeobuf file and finds its features (size prefixes only; the
    /// features are neither verified nor decoded here). The features found are those the
    /// `flatgeobuf` crate's reader yields: the header's feature count when it states one,
    /// else until the end of the file; a file that ends inside a feature has that feature
    /// as its last, unreadable one.
    pub fn open(bytes: &'a [u8], file: &str) -> Result<Fgb<'a>, FormatError> {
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
        // Magic (8 bytes), the header's size (4) and the header, which `open` has read.
        let header_size = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        let count = header.features_count();
        let node_size = header.index_node_size();
        let index = if node_size > 0 && count > 0 {
            index_size(count, node_size).ok_or_else(|| {
                let e = format!(
                    "its spatial index of {count} features with node size {node_size} cannot be skipped"
                );
                match &layer {
                    Some(l) => bad(&e).in_layer(l),
                    None => bad(&e),
                }
            })?
        } else {
            0
        };
        let first = 12u64
            .saturating_add(u64::from(header_size))
            .saturating_add(index);
        let count = usize::try_from(count).unwrap_or(usize::MAX);
        let (spans, truncated) = spans(bytes, first, count);
        Ok(Fgb {
            bytes,
            file: file.to_string(),
            layer,
            crs,
            columns,
            kind,
            spans,
            truncated,
            #[cfg(test)]
            declared: count,
        })
    }

    /// How many features there are to decode (an unreadable last one included).
    pub fn len(&self) -> usize {
        self.spans.len() + usize::from(self.truncated.is_some())
    }

    /// Decodes feature `i` (0-based): verifies its FlatBuffers tables, then reads its
    /// properties and geometry. Errors name the file, the layer and the feature.
    pub fn feature(&self, i: usize) -> Result<SourceFeature, FormatError> {
        let at = |m: String| {
            let e = FormatError {
                file: self.file.clone(),
                layer: None,
                feature: Some((i + 1, None)),
                message: m,
            };
            match &self.layer {
                Some(l) => e.in_layer(l),
                None => e,
            }
        };
        let unreadable = |e: &dyn std::fmt::Display| {
            at(format!("cannot be read ({e}); the file may be truncated"))
        };
        let Some(&(start, end)) = self.spans.get(i) else {
            return Err(unreadable(
                &self.truncated.as_deref().unwrap_or("no such feature"),
            ));
        };
        let fb = flatgeobuf::size_prefixed_root_as_feature(&self.bytes[start..end])
            .map_err(|e| unreadable(&e))?;
        let properties = match fb.properties() {
            Some(p) => decode_properties(p.bytes(), &self.columns).map_err(&at)?,
            None => Map::new(),
        };
        let geometry = match fb.geometry() {
            None => SourceGeometry::Null,
            Some(g) => {
                let t = if self.kind == GeometryType::Unknown {
                    g.type_()
                } else {
                    self.kind
                };
                geometry(&g, t).map_err(&at)?
            }
        };
        Ok(SourceFeature {
            properties,
            geometry,
        })
    }
}

/// The size in bytes of a packed Hilbert R-tree over `count` items with `node_size` children
/// per node (as `flatgeobuf`'s `PackedRTree::index_size`, which panics on a node size of 1),
/// or `None` when no file could hold it.
fn index_size(count: u64, node_size: u16) -> Option<u64> {
    if node_size < 2 {
        return None;
    }
    let node_size = u64::from(node_size);
    let (mut n, mut nodes) = (count, count);
    loop {
        n = n.div_ceil(node_size);
        nodes = nodes.checked_add(n)?;
        if n <= 1 {
            break;
        }
    }
    nodes.checked_mul(std::mem::size_of::<NodeItem>() as u64)
}

/// The byte spans of the features from offset `first` on: at most `count` of them when
/// `count` is not 0, else until the end. Where fewer than 4 bytes are left for a size prefix
/// it stops, quietly (as the `flatgeobuf` reader does) when the header gives no count, else
/// with [`fewer_than_declared`] as the second value: a file cut between two features must
/// not read as fewer parcels. A feature whose stated size runs past the end gives the
/// reader's read error as the second value.
fn spans(bytes: &[u8], first: u64, count: usize) -> (Vec<(usize, usize)>, Option<String>) {
    let limit = if count > 0 { count } else { usize::MAX };
    let mut out = Vec::with_capacity(count.min(bytes.len() / 8));
    let mut at = usize::try_from(first).unwrap_or(usize::MAX);
    while out.len() < limit {
        let Some(prefix) = at.checked_add(4).and_then(|end| bytes.get(at..end)) else {
            if count > 0 {
                let found = out.len();
                return (out, Some(fewer_than_declared(count, found)));
            }
            break;
        };
        let size = u32::from_le_bytes([prefix[0], prefix[1], prefix[2], prefix[3]]) as usize;
        let end = at + 4 + size;
        if end > bytes.len() {
            // What `Read::read_exact` says when the file ends first.
            return (out, Some("failed to fill whole buffer".to_string()));
        }
        out.push((at, end));
        at = end;
    }
    (out, None)
}

/// Why a file whose header declares `count` features ends after `found` of them.
fn fewer_than_declared(count: usize, found: usize) -> String {
    format!("the header declares {count} features, the file ends after {found}")
}

/// Reads every feature of a FlatGeobuf file held in memory, in order, stopping at the first
/// that cannot be read.
pub fn read(bytes: &[u8], file: &str) -> Result<SourceLayer, FormatError> {
    let fgb = Fgb::open(bytes, file)?;
    let features = (0..fgb.len())
        .map(|i| fgb.feature(i))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(SourceLayer {
        layer: fgb.layer,
        crs: fgb.crs,
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
    use crate::crs::Crs;
    use crate::write::{Layer, LayerFeature, LayerGeometry, fgb_bytes, fgb_bytes_with_index};
    use flatgeobuf::FallibleStreamingIterator;

    /// The reader allot had before it found features itself: the `flatgeobuf` crate's
    /// iterator, which reads, verifies and hands over one feature at a time. The reference
    /// for [`read`].
    fn read_with_iterator(bytes: &[u8], file: &str) -> Result<SourceLayer, FormatError> {
        let fgb = Fgb::open(bytes, file)?;
        let locate = |e: FormatError| match &fgb.layer {
            Some(l) => e.in_layer(l),
            None => e,
        };
        let reader = FgbReader::open(Cursor::new(bytes)).unwrap();
        let mut iter = reader
            .select_all()
            .map_err(|e| locate(FormatError::file(file, e.to_string())))?;
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
                // The crate stops quietly at the end of the file; allot names a file that ends
                // before the header's count of features (see `spans`).
                Ok(None) if fgb.declared > features.len() => {
                    return Err(at(format!(
                        "cannot be read ({}); the file may be truncated",
                        fewer_than_declared(fgb.declared, features.len())
                    )));
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(at(format!(
                        "cannot be read ({e}); the file may be truncated"
                    )));
                }
            };
            let fb = f.fbs_feature();
            let properties = match fb.properties() {
                Some(p) => decode_properties(p.bytes(), &fgb.columns).map_err(&at)?,
                None => Map::new(),
            };
            let geometry = match fb.geometry() {
                None => SourceGeometry::Null,
                Some(g) => geometry(&g, fgb.kind).map_err(&at)?,
            };
            features.push(SourceFeature {
                properties,
                geometry,
            });
        }
        Ok(SourceLayer {
            layer: fgb.layer,
            crs: fgb.crs,
            features,
        })
    }

    /// A layer of `n` jittered squares (a MultiPolygon with a hole every 7th feature), with
    /// typed properties and some missing.
    fn layer(n: usize) -> Layer {
        let square = |x: f64, y: f64, d: f64| {
            geo::LineString(
                [(0., 0.), (d, 0.), (d, d), (0., d), (0., 0.)]
                    .iter()
                    .map(|(a, b)| Coord { x: x + a, y: y + b })
                    .collect(),
            )
        };
        let features = (0..n)
            .map(|i| {
                let (x, y) = (67.0 + (i % 97) as f64 * 0.01, 24.0 + (i / 97) as f64 * 0.01);
                let d = 0.005 + (i % 5) as f64 * 1e-4;
                let mut holes = vec![];
                if i % 7 == 0 {
                    let mut h = square(x + 0.001, y + 0.001, 0.001);
                    h.0.reverse();
                    holes.push(h);
                }
                let mut polys = vec![geo::Polygon::new(square(x, y, d), holes)];
                if i % 11 == 3 {
                    polys.push(geo::Polygon::new(square(x + 0.006, y, 0.002), vec![]));
                }
                let mut properties =
                    serde_json::json!({"id": format!("p{i}"), "n": i, "f": i as f64 / 3.0});
                if i % 3 == 0 {
                    properties["zone"] = Value::from(format!("z{}", i % 4));
                }
                if i % 2 == 0 {
                    properties["ok"] = Value::Bool(i % 4 == 0);
                }
                LayerFeature {
                    geometry: LayerGeometry::Polygons(geo::MultiPolygon(polys)),
                    properties: properties.as_object().cloned().unwrap_or_default(),
                }
            })
            .collect();
        Layer {
            name: "parcels".into(),
            features,
            declared: Vec::new(),
        }
    }

    /// Files with and without a spatial index, of 1 to 2,500 features, and every truncation
    /// of small ones: finding the features by their size prefixes gives exactly what the
    /// crate's iterator gives, features (in file order) or the error.
    #[test]
    fn finds_the_features_the_crate_iterator_yields() {
        let crs = Crs::wgs84();
        for n in [1, 2, 3, 17, 2500] {
            let l = layer(n);
            for (indexed, bytes) in [
                (false, fgb_bytes(&l, &crs).unwrap()),
                (true, fgb_bytes_with_index(&l, &crs).unwrap()),
            ] {
                let got = read(&bytes, "f.fgb").unwrap();
                assert_eq!(got.features.len(), n, "{n} {indexed}");
                assert_eq!(
                    got,
                    read_with_iterator(&bytes, "f.fgb").unwrap(),
                    "{n} {indexed}"
                );
                if n <= 3 {
                    for cut in 0..bytes.len() {
                        let b = &bytes[..cut];
                        assert_eq!(
                            read(b, "f.fgb"),
                            read_with_iterator(b, "f.fgb"),
                            "{n} {indexed} cut {cut}"
                        );
                    }
                }
            }
        }
    }

    /// A feature whose size prefix runs past the end, and one whose tables are corrupt, are
    /// named by their number, as by the crate's iterator.
    #[test]
    fn truncated_and_corrupt_features_are_named() {
        let crs = Crs::wgs84();
        let bytes = fgb_bytes(&layer(3), &crs).unwrap();
        let fgb = Fgb::open(&bytes, "f.fgb").unwrap();
        assert_eq!(fgb.len(), 3);
        let (start, end) = fgb.spans[1];
        // Feature 2 claims more bytes than the file has (by a little: the crate's iterator
        // allocates what the prefix claims before it reads).
        let mut long = bytes.clone();
        let claim = (bytes.len() - start) as u32;
        long[start..start + 4].copy_from_slice(&claim.to_le_bytes());
        let e = read(&long, "f.fgb").unwrap_err();
        assert_eq!(e.feature, Some((2, None)), "{e}");
        assert!(e.message.contains("failed to fill whole buffer"), "{e}");
        assert_eq!(read_with_iterator(&long, "f.fgb").unwrap_err(), e);
        // Feature 2's root offset points outside it.
        let mut bad = bytes.clone();
        bad[start + 4..start + 8].copy_from_slice(&(end as u32).to_le_bytes());
        let e = read(&bad, "f.fgb").unwrap_err();
        assert_eq!(e.feature, Some((2, None)), "{e}");
        assert_eq!(e.layer.as_deref(), Some("parcels"), "{e}");
        assert_eq!(read_with_iterator(&bad, "f.fgb").unwrap_err(), e);
        // Cut between two features (the crate's iterator reads 2 of 3 without a word): the
        // header's count names the missing third.
        let e = read(&bytes[..end], "f.fgb").unwrap_err();
        assert_eq!(e.feature, Some((3, None)), "{e}");
        assert!(
            e.message
                .contains("the header declares 3 features, the file ends after 2"),
            "{e}"
        );
        // Bytes after the header's count of features are not read, as by the crate.
        let mut extra = bytes.clone();
        extra.extend_from_slice(&bytes[fgb.spans[0].0..fgb.spans[0].1]);
        let got = read(&extra, "f.fgb").unwrap();
        assert_eq!(
            got.features.len(),
            3,
            "the header's count of 3 limits the features"
        );
        assert_eq!(read_with_iterator(&extra, "f.fgb").unwrap(), got);
    }

    /// The index's size as the crate computes it, without its panic on a node size below 2.
    #[test]
    fn index_size_is_the_crates() {
        for count in [1u64, 2, 15, 16, 17, 255, 256, 257, 100_000] {
            for node in [2u16, 3, 16, 255, 65535] {
                assert_eq!(
                    index_size(count, node),
                    Some(
                        flatgeobuf::packed_r_tree::PackedRTree::index_size(count as usize, node)
                            as u64
                    ),
                    "{count} {node}"
                );
            }
        }
        assert_eq!(index_size(5, 1), None);
        assert_eq!(index_size(u64::MAX, 2), None);
    }

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
