//! GeoParquet (version 1.0 and 1.1): a Parquet file whose `geo` key-value metadata names the
//! primary geometry column, its encoding and its CRS.
//!
//! Read with the `parquet` crate's low-level API (no Arrow). A file whose columns are all
//! plain top-level values (booleans, integers, floats, UTF-8 text, binary) is read column by
//! column, every row group, into typed arrays ([`Columns`]; the columns in parallel, each
//! through its own reader of the file, so one large row group is not read on one thread
//! alone, though the geometry column, most of the bytes, is still one task); its rows then
//! become features
//! independently, in parallel ([`Columns::feature`]). Any other file (lists, dates,
//! decimals, nested groups, a column that cannot be decoded) is read with the row API
//! ([`read_rows`]), which stays the reference: both give the same features. The geometry
//! column must be WKB (read by [`super::wkb`]); the GeoArrow encodings of 1.1 are named and
//! refused. The CRS is
//! the column's `crs`: absent means OGC:CRS84 (WGS84 longitude/latitude) as the specification
//! says, a PROJJSON object is taken by its `id` (`{"authority": "EPSG", "code": N}`), a string
//! is read as a CRS name or WKT. Other columns become properties: integers, floats, booleans
//! and strings as they are, lists as JSON arrays (so an `access` list stays a list), binary
//! columns left out.

use std::path::Path;

use parquet::basic::{ConvertedType, LogicalType, Type as Physical};
use parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use parquet::data_type::{ByteArray, DataType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use parquet::schema::types::ColumnDescriptor;
use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{DeclaredCrs, FormatError, SourceFeature, SourceGeometry, SourceLayer, wkb};

/// The geometry column, its CRS and encoding from the `geo` metadata.
#[derive(Debug, Clone)]
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

/// A GeoParquet file opened: its `geo` metadata read, and its rows either decoded column by
/// column or, for files the column route does not cover, read as features by the row API.
pub enum Opened {
    /// Typed columns; rows become features on demand.
    Columns(Columns),
    /// Every row read by the row API.
    Rows(SourceLayer),
}

/// Opens a GeoParquet file: its rows by column when every column is a plain value, else by
/// the row API (see the module docs).
pub fn open(path: &Path, file: &str) -> Result<Opened, FormatError> {
    let (reader, geo) = open_reader(path, file)?;
    match Columns::read(path, &reader, &geo, file) {
        Some(columns) => Ok(Opened::Columns(columns)),
        None => read_rows(&reader, &geo, file).map(Opened::Rows),
    }
}

/// Reads every row of a GeoParquet file, in order.
pub fn read(path: &Path, file: &str) -> Result<SourceLayer, FormatError> {
    Ok(match open(path, file)? {
        Opened::Rows(layer) => layer,
        Opened::Columns(c) => SourceLayer {
            layer: None,
            crs: c.crs.clone(),
            features: (0..c.len())
                .map(|i| c.feature(i))
                .collect::<Result<_, _>>()?,
        },
    })
}

fn open_reader(
    path: &Path,
    file: &str,
) -> Result<(SerializedFileReader<std::fs::File>, GeoColumn), FormatError> {
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
    Ok((reader, geo))
}

/// Reads every row with the `parquet` crate's row API: the route for any file, and the
/// reference the column route must agree with.
fn read_rows(
    reader: &SerializedFileReader<std::fs::File>,
    geo: &GeoColumn,
    file: &str,
) -> Result<SourceLayer, FormatError> {
    let bad = |e: &dyn std::fmt::Display| {
        FormatError::file(
            file,
            format!("not a readable Parquet file ({e}); is it complete?"),
        )
    };
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
        crs: geo.crs.clone(),
        features,
    })
}

/// The values of one column, every row group, one entry per row (`None`: null).
enum Cells {
    Bool(Vec<Option<bool>>),
    /// INT32 as the row API types it: signed 8/16/32 bits or unsigned 8/16/32 bits.
    Int32(Vec<Option<i32>>, ConvertedType),
    /// INT64, signed or (`true`) unsigned.
    Int64(Vec<Option<i64>>, bool),
    Float(Vec<Option<f32>>),
    Double(Vec<Option<f64>>),
    /// UTF-8 text, checked when read.
    Text(Vec<Option<ByteArray>>),
    /// Binary values: left out of the properties (a null stays a null property).
    Binary(Vec<Option<ByteArray>>),
}

/// A GeoParquet file's rows as typed columns.
pub struct Columns {
    /// The CRS the `geo` metadata declares.
    pub crs: DeclaredCrs,
    file: String,
    /// Property columns in schema order, with their names.
    properties: Vec<(String, Cells)>,
    /// The WKB geometry of each row (`None`: null).
    geometry: Vec<Option<ByteArray>>,
}

/// How the column route reads a column of this type, or `None` when it does not (the row
/// API reads the file instead).
fn cells_for(d: &ColumnDescriptor) -> Option<Cells> {
    let converted = d.converted_type();
    // Annotations the row API turns into other values (dates, times, decimals, intervals…).
    let logical_ok = match d.logical_type_ref() {
        None => true,
        Some(LogicalType::String | LogicalType::Integer { .. }) => true,
        Some(_) => false,
    };
    if !logical_ok || d.max_rep_level() != 0 || d.max_def_level() > 1 || d.path().parts().len() != 1
    {
        return None;
    }
    Some(match d.physical_type() {
        Physical::BOOLEAN if converted == ConvertedType::NONE => Cells::Bool(Vec::new()),
        Physical::INT32 => match converted {
            ConvertedType::NONE
            | ConvertedType::INT_8
            | ConvertedType::INT_16
            | ConvertedType::INT_32
            | ConvertedType::UINT_8
            | ConvertedType::UINT_16
            | ConvertedType::UINT_32 => Cells::Int32(Vec::new(), converted),
            _ => return None,
        },
        Physical::INT64 => match converted {
            ConvertedType::NONE | ConvertedType::INT_64 => Cells::Int64(Vec::new(), false),
            ConvertedType::UINT_64 => Cells::Int64(Vec::new(), true),
            _ => return None,
        },
        Physical::FLOAT if converted == ConvertedType::NONE => Cells::Float(Vec::new()),
        Physical::DOUBLE if converted == ConvertedType::NONE => Cells::Double(Vec::new()),
        Physical::BYTE_ARRAY => match converted {
            ConvertedType::UTF8 => Cells::Text(Vec::new()),
            ConvertedType::NONE if d.logical_type_ref().is_none() => Cells::Binary(Vec::new()),
            _ => return None,
        },
        _ => return None,
    })
}

/// Appends every value of one column chunk to `out`, a null as `None`; `None` when the
/// chunk cannot be read as expected.
fn read_chunk<T: DataType>(
    reader: ColumnReader,
    rows: usize,
    optional: bool,
    out: &mut Vec<Option<T::T>>,
) -> Option<()> {
    let mut r: ColumnReaderImpl<T> = T::get_column_reader(reader)?;
    let mut defs = Vec::with_capacity(if optional { rows } else { 0 });
    let mut values = Vec::with_capacity(rows);
    let mut records = 0;
    while records < rows {
        let (n, _, _) = r
            .read_records(
                rows - records,
                optional.then_some(&mut defs),
                None,
                &mut values,
            )
            .ok()?;
        if n == 0 {
            return None;
        }
        records += n;
    }
    if !optional {
        out.extend(values.into_iter().map(Some));
        return Some(());
    }
    if defs.len() != rows || defs.iter().filter(|&&d| d == 1).count() != values.len() {
        return None;
    }
    let mut values = values.into_iter();
    for d in defs {
        out.push(if d == 1 { Some(values.next()?) } else { None });
    }
    Some(())
}

impl Columns {
    /// Reads every column of every row group, or `None` when a column is not a plain value
    /// of a type the column route reads, or cannot be read (the row API then reads the file
    /// and names the problem).
    fn read(
        path: &Path,
        reader: &SerializedFileReader<std::fs::File>,
        geo: &GeoColumn,
        file: &str,
    ) -> Option<Columns> {
        use parquet::data_type::{
            BoolType, ByteArrayType, DoubleType, FloatType, Int32Type, Int64Type,
        };
        let schema = reader.metadata().file_metadata().schema_descr();
        let mut names = std::collections::HashSet::new();
        let mut geometry_at = None;
        let mut cells = Vec::new();
        for (j, d) in schema.columns().iter().enumerate() {
            if !names.insert(d.name().to_string()) {
                return None;
            }
            let c = cells_for(d)?;
            if d.name() == geo.name {
                if !matches!(c, Cells::Binary(_)) {
                    return None;
                }
                geometry_at = Some(j);
            }
            cells.push((d.name().to_string(), c, d.max_def_level() == 1));
        }
        let geometry_at = geometry_at?;
        // Each column on its own thread, through its own reader of the file (one shared
        // `File` would share one file position), so that even one large row group is read
        // on every core.
        let read_column = |j: usize, c: &mut Cells, o: bool| -> Option<()> {
            let own = SerializedFileReader::new(std::fs::File::open(path).ok()?).ok()?;
            if own.num_row_groups() != reader.num_row_groups() {
                return None;
            }
            for g in 0..own.num_row_groups() {
                let group = own.get_row_group(g).ok()?;
                let rows = usize::try_from(group.metadata().num_rows()).ok()?;
                let r = group.get_column_reader(j).ok()?;
                match c {
                    Cells::Bool(v) => read_chunk::<BoolType>(r, rows, o, v)?,
                    Cells::Int32(v, _) => read_chunk::<Int32Type>(r, rows, o, v)?,
                    Cells::Int64(v, _) => read_chunk::<Int64Type>(r, rows, o, v)?,
                    Cells::Float(v) => read_chunk::<FloatType>(r, rows, o, v)?,
                    Cells::Double(v) => read_chunk::<DoubleType>(r, rows, o, v)?,
                    Cells::Text(v) | Cells::Binary(v) => {
                        read_chunk::<ByteArrayType>(r, rows, o, v)?
                    }
                }
            }
            // Text the row API could not read as a string: it names the row.
            match c {
                Cells::Text(v)
                    if v.iter()
                        .flatten()
                        .any(|b| std::str::from_utf8(b.data()).is_err()) =>
                {
                    None
                }
                _ => Some(()),
            }
        };
        cells
            .par_iter_mut()
            .enumerate()
            .map(|(j, (_, c, o))| read_column(j, c, *o))
            .collect::<Option<Vec<()>>>()?;
        let mut properties = Vec::with_capacity(cells.len());
        let mut geometry = Vec::new();
        for (j, (name, c, _)) in cells.into_iter().enumerate() {
            match c {
                Cells::Binary(v) if j == geometry_at => geometry = v,
                c => properties.push((name, c)),
            }
        }
        if properties.iter().any(|(_, c)| c.len() != geometry.len()) {
            return None;
        }
        Some(Columns {
            crs: geo.crs.clone(),
            file: file.to_string(),
            properties,
            geometry,
        })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.geometry.len()
    }

    /// Row `i` (0-based) as a feature: exactly what the row API route gives for it.
    pub fn feature(&self, i: usize) -> Result<SourceFeature, FormatError> {
        let at = |m: String| FormatError {
            file: self.file.clone(),
            layer: None,
            feature: Some((i + 1, None)),
            message: m,
        };
        let num = |x: f64| serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
        let mut properties = Map::with_capacity(self.properties.len());
        for (name, c) in &self.properties {
            let v = match c {
                Cells::Bool(v) => v[i].map(Value::Bool),
                Cells::Int32(v, t) => v[i].map(|n| match *t {
                    ConvertedType::INT_8 => Value::from(n as i8),
                    ConvertedType::INT_16 => Value::from(n as i16),
                    ConvertedType::UINT_8 => Value::from(n as u8),
                    ConvertedType::UINT_16 => Value::from(n as u16),
                    ConvertedType::UINT_32 => Value::from(n as u32),
                    _ => Value::from(n),
                }),
                Cells::Int64(v, unsigned) => v[i].map(|n| {
                    if *unsigned {
                        Value::from(n as u64)
                    } else {
                        Value::from(n)
                    }
                }),
                Cells::Float(v) => v[i].map(|x| num(f64::from(x))),
                Cells::Double(v) => v[i].map(num),
                Cells::Text(v) => v[i]
                    .as_ref()
                    .map(|b| Value::String(super::text_of(b.data()))),
                Cells::Binary(v) => match &v[i] {
                    Some(_) => continue,
                    None => None,
                },
            };
            properties.insert(name.clone(), v.unwrap_or(Value::Null));
        }
        let geometry = match &self.geometry[i] {
            Some(b) => wkb::parse(b.data()).map_err(at)?,
            None => SourceGeometry::Null,
        };
        Ok(SourceFeature {
            properties,
            geometry,
        })
    }
}

impl Cells {
    fn len(&self) -> usize {
        match self {
            Cells::Bool(v) => v.len(),
            Cells::Int32(v, _) => v.len(),
            Cells::Int64(v, _) => v.len(),
            Cells::Float(v) => v.len(),
            Cells::Double(v) => v.len(),
            Cells::Text(v) | Cells::Binary(v) => v.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::data_type::{
        BoolType, ByteArrayType, DoubleType, FloatType, Int32Type, Int64Type,
    };
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use std::sync::Arc;

    /// A little-endian WKB polygon: one square ring at (`x`, `y`); a point for `x < 0`; a
    /// truncated blob for `x == 13`.
    fn wkb_of(x: f64, y: f64) -> Vec<u8> {
        let mut b = vec![1];
        if x < 0.0 {
            b.extend(1u32.to_le_bytes());
            b.extend(x.to_le_bytes());
            b.extend(y.to_le_bytes());
            return b;
        }
        b.extend(3u32.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend(5u32.to_le_bytes());
        for (a, c) in [(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)] {
            b.extend((x + a).to_le_bytes());
            b.extend((y + c).to_le_bytes());
        }
        if x == 13.0 {
            b.truncate(30);
        }
        b
    }

    /// Writes a GeoParquet file of plain columns (every type the column route reads, nulls
    /// in each optional one) in row groups of the given sizes; `extra` adds columns the
    /// column route leaves to the row API; `bad_row` gets a truncated WKB blob.
    fn write(path: &Path, groups: &[usize], extra: &str, bad_row: Option<usize>) {
        let schema = format!(
            "message schema {{
                optional boolean ok;
                optional int32 small (INT_8);
                optional int32 u16 (UINT_16);
                optional int32 count;
                required int64 n;
                optional int64 big (UINT_64);
                optional float x;
                optional double f;
                optional binary name (UTF8);
                optional binary blob;
                {extra}
                optional binary geometry;
            }}"
        );
        let schema = Arc::new(parquet::schema::parser::parse_message_type(&schema).unwrap());
        let geo = r#"{"version":"1.1.0","primary_column":"geometry","columns":{"geometry":{"encoding":"WKB","geometry_types":[],"crs":{"id":{"authority":"EPSG","code":32642}}}}}"#;
        let props = WriterProperties::builder()
            .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
                "geo".to_string(),
                geo.to_string(),
            )]))
            .build();
        let f = std::fs::File::create(path).unwrap();
        let mut w = SerializedFileWriter::new(f, schema, Arc::new(props)).unwrap();
        let mut first = 0;
        for &rows in groups {
            let idx: Vec<usize> = (first..first + rows).collect();
            // Row i is null in column k when (i + k) % 5 == 0.
            let defs = |k: usize| -> Vec<i16> {
                idx.iter()
                    .map(|i| i16::from(!(i + k).is_multiple_of(5)))
                    .collect()
            };
            let present = |k: usize| {
                idx.iter()
                    .copied()
                    .filter(move |i| !(i + k).is_multiple_of(5))
            };
            let mut g = w.next_row_group().unwrap();
            let mut k = 0;
            while let Some(mut col) = g.next_column().unwrap() {
                let d = defs(k);
                match k {
                    0 => {
                        let v: Vec<bool> = present(k).map(|i| i % 3 == 0).collect();
                        col.typed::<BoolType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    1..=3 => {
                        let v: Vec<i32> = present(k).map(|i| (i as i32 * 37) % 300 - 150).collect();
                        col.typed::<Int32Type>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    4 => {
                        let v: Vec<i64> = idx.iter().map(|&i| i as i64 * 1_000_003).collect();
                        col.typed::<Int64Type>()
                            .write_batch(&v, None, None)
                            .unwrap();
                    }
                    5 => {
                        let v: Vec<i64> = present(k).map(|i| -(i as i64) - 1).collect();
                        col.typed::<Int64Type>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    6 => {
                        let v: Vec<f32> = present(k)
                            .map(|i| if i % 7 == 0 { f32::NAN } else { i as f32 / 3.0 })
                            .collect();
                        col.typed::<FloatType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    7 => {
                        let v: Vec<f64> = present(k).map(|i| i as f64 / 7.0).collect();
                        col.typed::<DoubleType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    8 => {
                        let v: Vec<ByteArray> = present(k)
                            .map(|i| ByteArray::from(format!("plot {i} – ü").as_str()))
                            .collect();
                        col.typed::<ByteArrayType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    9 => {
                        let v: Vec<ByteArray> = present(k)
                            .map(|i| ByteArray::from(vec![i as u8, 0xFF]))
                            .collect();
                        col.typed::<ByteArrayType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    _ if extra.is_empty() || k == 11 => {
                        let v: Vec<ByteArray> = idx
                            .iter()
                            .filter(|&&i| i % 13 != 5)
                            .map(|&i| {
                                let x = if Some(i) == bad_row {
                                    13.0
                                } else if i % 17 == 4 {
                                    -1.0
                                } else {
                                    333_000.0 + i as f64
                                };
                                ByteArray::from(wkb_of(x, 2_744_000.0))
                            })
                            .collect();
                        let d: Vec<i16> = idx.iter().map(|i| i16::from(i % 13 != 5)).collect();
                        col.typed::<ByteArrayType>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                    _ => {
                        // The extra column: an optional INT32 (a DATE, say).
                        let v: Vec<i32> = present(k).map(|i| i as i32).collect();
                        col.typed::<Int32Type>()
                            .write_batch(&v, Some(&d), None)
                            .unwrap();
                    }
                }
                col.close().unwrap();
                k += 1;
            }
            g.close().unwrap();
            first += rows;
        }
        w.close().unwrap();
    }

    /// Several row groups of every plain type, nulls everywhere, null and non-polygon
    /// geometries: the column route gives exactly the row API's features, in order.
    #[test]
    fn columns_give_the_row_apis_features() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write(&p, &[1, 40, 0, 123, 7], "", None);
        let (reader, geo) = open_reader(&p, "t.parquet").unwrap();
        let rows = read_rows(&reader, &geo, "t.parquet").unwrap();
        let columns = Columns::read(&p, &reader, &geo, "t.parquet").expect("the column route");
        assert_eq!(columns.len(), 171);
        assert_eq!(rows.features.len(), 171);
        assert_eq!(columns.crs, DeclaredCrs::Epsg(32642));
        for (i, want) in rows.features.iter().enumerate() {
            assert_eq!(&columns.feature(i).unwrap(), want, "row {i}");
        }
        // What the row API gives is what the test wrote: spot checks.
        let f = &rows.features[6].properties;
        assert_eq!(f["n"], Value::from(6_000_018i64));
        assert_eq!(f["big"], Value::from(u64::MAX - 6));
        assert_eq!(f["name"], Value::from("plot 6 – ü"));
        assert!(!rows.features[7].properties.contains_key("blob"));
        assert!(rows.features[1].properties["blob"].is_null());
        assert_eq!(rows.features[5].geometry, SourceGeometry::Null);
        assert_eq!(
            rows.features[4].geometry,
            SourceGeometry::Other("Point".into())
        );
        assert_eq!(read(&p, "t.parquet").unwrap(), rows);
    }

    /// A bad WKB blob is the same error, naming the row, by either route.
    #[test]
    fn a_bad_blob_is_named_by_its_row() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write(&p, &[30, 30], "", Some(45));
        let (reader, geo) = open_reader(&p, "t.parquet").unwrap();
        let want = read_rows(&reader, &geo, "t.parquet").unwrap_err();
        assert_eq!(want.feature, Some((46, None)), "{want}");
        let columns = Columns::read(&p, &reader, &geo, "t.parquet").expect("the column route");
        assert_eq!(columns.feature(45).unwrap_err(), want);
        assert_eq!(read(&p, "t.parquet").unwrap_err(), want);
    }

    /// A column the column route does not read (a DATE) sends the file to the row API.
    #[test]
    fn other_columns_are_read_by_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.parquet");
        write(&p, &[10, 5], "optional int32 day (DATE);", None);
        let (reader, geo) = open_reader(&p, "t.parquet").unwrap();
        assert!(Columns::read(&p, &reader, &geo, "t.parquet").is_none());
        let Opened::Rows(layer) = open(&p, "t.parquet").unwrap() else {
            panic!("not read by rows")
        };
        assert_eq!(layer.features.len(), 15);
        assert_eq!(
            layer.features[3].properties["day"],
            Value::from("1970-01-04")
        );
    }

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
