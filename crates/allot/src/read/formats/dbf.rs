//! dBASE tables (`.dbf`), the attribute half of a Shapefile, parsed here with every length
//! checked (the `dbase` crate panicked on corrupt headers under fuzzing).
//!
//! Field types and their JSON: `C` text (right-trimmed; blank is null, as GDAL reads it: dBASE
//! cannot store a null text, so writers, GDAL and allot's own included, write null as blanks), `N`/`F` numbers (integers when the
//! field has no decimals, else floats; blank is null), `L` true/false (`?` or blank null),
//! `D` `YYYY-MM-DD`, `I` 32-bit integers, `O`/`B` doubles; memo fields (`M`, kept in a separate
//! `.dbt`) are null. Text is decoded with the `.cpg` encoding when there is one, else as UTF-8
//! when it is valid UTF-8, else as Windows-1252 (ISO-8859-1's superset, GDAL's default).
//! Records marked deleted (`*`) are reported so the caller can skip their shapes.

use serde_json::{Map, Value};

/// A field: name, type letter, width, decimal count.
struct Field {
    name: String,
    kind: u8,
    len: usize,
    decimals: u8,
}

/// One record: whether it is marked deleted, and its values in field order.
#[derive(Debug)]
pub struct Record {
    /// Marked deleted (`*`): GDAL and ArcGIS skip it.
    pub deleted: bool,
    /// The values, in field order.
    pub values: Map<String, Value>,
}

fn u16le(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

/// Parses a whole `.dbf`. `encoding` is the `.cpg` encoding, if any.
pub fn parse(
    b: &[u8],
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Vec<Record>, String> {
    if b.len() < 32 {
        return Err(format!(
            "it has {} bytes, fewer than the 32-byte header",
            b.len()
        ));
    }
    let count = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
    let header_len = u16le(b, 8).unwrap_or(0);
    let record_len = u16le(b, 10).unwrap_or(0);
    if header_len < 33 || header_len > b.len() || record_len == 0 {
        return Err(format!(
            "its header is broken (header {header_len} bytes, records {record_len} bytes, file {} bytes)",
            b.len()
        ));
    }
    let mut fields = Vec::new();
    let mut at = 32;
    let mut width = 1; // the deletion flag
    while at + 32 <= header_len && b[at] != 0x0D {
        let d = &b[at..at + 32];
        let name_end = d[..11].iter().position(|&c| c == 0).unwrap_or(11);
        let name = decode(&d[..name_end], encoding).trim().to_string();
        let len = d[16] as usize;
        fields.push(Field {
            name,
            kind: d[11].to_ascii_uppercase(),
            len,
            decimals: d[17],
        });
        width += len;
        at += 32;
    }
    if width > record_len {
        return Err(format!(
            "its fields need {width} bytes per record but records are {record_len} bytes"
        ));
    }
    let needed = count
        .checked_mul(record_len)
        .and_then(|n| n.checked_add(header_len))
        .filter(|&n| n <= b.len())
        .ok_or_else(|| {
            format!(
                "its header says {count} records of {record_len} bytes, more than the file holds: it is truncated"
            )
        })?;
    let _ = needed;
    let mut records = Vec::with_capacity(count);
    for i in 0..count {
        let r = &b[header_len + i * record_len..header_len + (i + 1) * record_len];
        let mut values = Map::new();
        let mut off = 1;
        for f in &fields {
            let raw = &r[off..off + f.len];
            off += f.len;
            values.insert(f.name.clone(), value(f, raw, encoding));
        }
        records.push(Record {
            deleted: r[0] == b'*',
            values,
        });
    }
    Ok(records)
}

fn decode(raw: &[u8], encoding: Option<&'static encoding_rs::Encoding>) -> String {
    match encoding {
        Some(e) => e.decode_without_bom_handling(raw).0.into_owned(),
        None => match std::str::from_utf8(raw) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252
                .decode_without_bom_handling(raw)
                .0
                .into_owned(),
        },
    }
}

fn number(f: f64) -> Value {
    serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
}

fn value(f: &Field, raw: &[u8], encoding: Option<&'static encoding_rs::Encoding>) -> Value {
    let text = || decode(raw, encoding);
    match f.kind {
        b'C' => {
            let t = text();
            let t = t.trim_end_matches([' ', '\0']);
            if t.is_empty() {
                Value::Null
            } else {
                Value::String(t.to_string())
            }
        }
        b'N' | b'F' => {
            let t = text();
            let t = t.trim_matches([' ', '\0']);
            if t.is_empty() || t.starts_with('*') {
                Value::Null
            } else if f.decimals == 0
                && let Ok(i) = t.parse::<i64>()
            {
                Value::from(i)
            } else {
                t.parse::<f64>().map_or(Value::Null, number)
            }
        }
        b'L' => match raw.first() {
            Some(b'T' | b't' | b'Y' | b'y') => Value::Bool(true),
            Some(b'F' | b'f' | b'N' | b'n') => Value::Bool(false),
            _ => Value::Null,
        },
        b'D' => {
            let t = text();
            let t = t.trim();
            if t.len() == 8 && t.bytes().all(|c| c.is_ascii_digit()) {
                Value::String(format!("{}-{}-{}", &t[..4], &t[4..6], &t[6..]))
            } else {
                Value::Null
            }
        }
        b'I' if raw.len() == 4 => Value::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
        b'O' | b'B' if raw.len() == 8 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(raw);
            number(f64::from_le_bytes(a))
        }
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table with fields (name, type, len, decimals) and rows of raw field texts.
    pub(crate) fn table(fields: &[(&str, u8, u8, u8)], rows: &[(&[u8], bool)]) -> Vec<u8> {
        let header_len = 32 + 32 * fields.len() + 1;
        let record_len = 1 + fields.iter().map(|f| f.2 as usize).sum::<usize>();
        let mut b = vec![0u8; 32];
        b[0] = 3;
        b[4..8].copy_from_slice(&(rows.len() as u32).to_le_bytes());
        b[8..10].copy_from_slice(&(header_len as u16).to_le_bytes());
        b[10..12].copy_from_slice(&(record_len as u16).to_le_bytes());
        for (name, kind, len, dec) in fields {
            let mut d = [0u8; 32];
            d[..name.len()].copy_from_slice(name.as_bytes());
            d[11] = *kind;
            d[16] = *len;
            d[17] = *dec;
            b.extend(d);
        }
        b.push(0x0D);
        for (row, deleted) in rows {
            b.push(if *deleted { b'*' } else { b' ' });
            b.extend(*row);
        }
        b
    }

    #[test]
    fn types_come_out_as_json_types() {
        let fields = [
            ("id", b'C', 5, 0),
            ("n", b'N', 4, 0),
            ("x", b'N', 6, 2),
            ("ok", b'L', 1, 0),
            ("d", b'D', 8, 0),
        ];
        let r1 = format!("{:<5}{:>4}{:>6}{}{}", "P-1", "12", "3.25", "T", "20240131");
        let r2 = format!("{:<5}{:>4}{:>6}{}{}", "P-2", "", "", "?", "        ");
        let rows: [(&[u8], bool); 2] = [(r1.as_bytes(), false), (r2.as_bytes(), true)];
        let recs = parse(&table(&fields, &rows), None).unwrap();
        assert_eq!(
            Value::Object(recs[0].values.clone()),
            serde_json::json!({"id": "P-1", "n": 12, "x": 3.25, "ok": true, "d": "2024-01-31"})
        );
        assert!(!recs[0].deleted && recs[1].deleted);
        assert_eq!(recs[1].values["n"], Value::Null);
        assert_eq!(recs[1].values["ok"], Value::Null);
    }

    /// A blank text field is null, as GDAL (shapelib) reads it, not "": a Shapefile whose
    /// `zone` or `id` column is empty for some parcels means "no zone" and "no id" there.
    #[test]
    fn blank_text_is_null() {
        let fields = [("id", b'C', 5, 0), ("zone", b'C', 4, 0)];
        let rows: [(&[u8], bool); 2] = [(b"P-1  mill", false), (b"     \0\0\0\0", false)];
        let recs = parse(&table(&fields, &rows), None).unwrap();
        assert_eq!(recs[0].values["id"], "P-1");
        assert_eq!(recs[0].values["zone"], "mill");
        assert_eq!(recs[1].values["id"], Value::Null);
        assert_eq!(recs[1].values["zone"], Value::Null);
    }

    #[test]
    fn text_is_decoded_by_cpg_else_utf8_else_windows_1252() {
        let fields = [("name", b'C', 4, 0)];
        let latin: [(&[u8], bool); 1] = [(b"Caf\xE9", false)];
        let recs = parse(&table(&fields, &latin), None).unwrap();
        assert_eq!(recs[0].values["name"], "Café");
        let utf8: [(&[u8], bool); 1] = [("Ré ".as_bytes(), false)];
        let recs = parse(&table(&fields, &utf8), None).unwrap();
        assert_eq!(recs[0].values["name"], "Ré");
        let recs = parse(&table(&fields, &latin), Some(encoding_rs::WINDOWS_1252)).unwrap();
        assert_eq!(recs[0].values["name"], "Café");
    }

    #[test]
    fn truncated_or_lying_headers_are_errors() {
        let fields = [("id", b'C', 5, 0)];
        let rows: [(&[u8], bool); 2] = [(b"A    ", false), (b"B    ", false)];
        let full = table(&fields, &rows);
        for cut in 0..full.len() {
            assert!(parse(&full[..cut], None).is_err(), "cut {cut}");
        }
        let mut lying = full.clone();
        lying[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse(&lying, None).unwrap_err().contains("truncated"));
        let mut narrow = full.clone();
        narrow[10..12].copy_from_slice(&3u16.to_le_bytes());
        assert!(parse(&narrow, None).is_err());
    }
}
