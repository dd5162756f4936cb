//! The Shapefile writer (ESRI Shapefile Technical Description, 1998): `.shp` geometry, `.shx`
//! index, `.dbf` attributes (dBASE III), `.prj` (the CRS's WKT) and `.cpg` (`UTF-8`).
//!
//! - Polygons are shape type 5 (rings clockwise, holes counter-clockwise, as the format
//!   requires), points type 1.
//! - Field names are at most 10 bytes: longer names are cut at a character boundary and made
//!   unique with a numeric tail (`description` → `descriptio`, a second one `descript_1`), as
//!   GDAL does; the mapping is returned so it can be reported.
//! - Booleans are `L` fields, integers `N(9,0)` when every value fits in 9 characters,
//!   `N(18,0)` in 18, else `N(20,0)` (any i64 fits): GDAL reads `N` fields of under 10
//!   characters as Integer, up to 18 as Integer64 and wider ones as Real, so a count written
//!   20 wide came back as a Real in QGIS. Reals `N(24,15)` (`F`-style), text `C(254)`
//!   with UTF-8 bytes cut at a character boundary past 254 bytes (the dBASE limit, as GDAL
//!   does); lists are comma-joined (see [`super::layer`]).
//! - The `.dbf` header's date is fixed (1970-01-01), so the same input gives the same bytes.

use geo::orient::{Direction, Orient};

use super::layer::{Column, ColumnType, Layer, LayerGeometry, cell};
use crate::crs::Crs;

/// The files of one Shapefile: extension (without dot) and bytes.
pub type FileSet = Vec<(&'static str, Vec<u8>)>;

/// A Shapefile field: its (truncated) name, its column, its dBASE type, width and decimals.
struct Field {
    name: [u8; 11],
    column: Column,
    kind: u8,
    width: u8,
    decimals: u8,
}

/// Field names cut to 10 bytes and made unique (case-insensitively, as dBASE compares them).
///
/// ```
/// let names = allot::write::dbf_names(&["description", "descriptions", "id", "ID"]);
/// assert_eq!(names, ["descriptio", "descript_1", "id", "ID_1"]);
/// ```
pub fn dbf_names(names: &[&str]) -> Vec<String> {
    fn cut(s: &str, max: usize) -> &str {
        let mut end = s.len().min(max);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        &s[..end]
    }
    let mut out: Vec<String> = Vec::new();
    for name in names {
        let mut candidate = cut(name, 10).to_string();
        let mut k = 1;
        while out.iter().any(|o| o.eq_ignore_ascii_case(&candidate)) {
            let tail = format!("_{k}");
            candidate = format!("{}{tail}", cut(name, 10 - tail.len()));
            k += 1;
        }
        out.push(candidate);
    }
    out
}

/// The width of an integer field: 9 or 18 characters when every value fits (GDAL's Integer
/// and Integer64), else 20 (any i64).
fn integer_width(layer: &Layer, column: &Column) -> u8 {
    let widest = layer
        .features
        .iter()
        .filter_map(|f| cell(&f.properties, column))
        .map(|v| v.as_i64().unwrap_or(0).to_string().len())
        .max()
        .unwrap_or(1);
    match widest {
        0..=9 => 9,
        10..=18 => 18,
        _ => 20,
    }
}

fn fields(layer: &Layer) -> Vec<Field> {
    let columns = layer.columns();
    let names = dbf_names(&columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>());
    columns
        .into_iter()
        .zip(names)
        .map(|(column, n)| {
            let mut name = [0u8; 11];
            name[..n.len()].copy_from_slice(n.as_bytes());
            let (kind, width, decimals) = match column.kind {
                ColumnType::Bool => (b'L', 1, 0),
                ColumnType::Integer => (b'N', integer_width(layer, &column), 0),
                ColumnType::Real => (b'N', 24, 15),
                ColumnType::Text => (b'C', 254, 0),
            };
            Field {
                name,
                column,
                kind,
                width,
                decimals,
            }
        })
        .collect()
}

/// A real in `width` characters with `decimals` decimals, or in exponent form when that does
/// not fit (GDAL reads both).
fn real_text(x: f64, width: usize, decimals: usize) -> String {
    let fixed = format!("{x:>width$.decimals$}");
    if fixed.len() <= width {
        return fixed;
    }
    format!("{:>width$}", format!("{x:.e}"))
}

fn dbf(layer: &Layer, fields: &[Field]) -> Vec<u8> {
    let n = layer.features.len() as u32;
    let header_len = 32 + 32 * fields.len() + 1;
    let record_len: usize = 1 + fields.iter().map(|f| f.width as usize).sum::<usize>();
    let mut out = Vec::with_capacity(header_len + record_len * layer.features.len() + 1);
    out.push(0x03);
    out.extend([70, 1, 1]);
    out.extend(n.to_le_bytes());
    out.extend((header_len as u16).to_le_bytes());
    out.extend((record_len as u16).to_le_bytes());
    out.extend([0u8; 17]);
    out.push(0x57); // language driver: ANSI (the .cpg says UTF-8)
    out.extend([0u8; 2]);
    for f in fields {
        out.extend(f.name);
        out.push(f.kind);
        out.extend([0u8; 4]);
        out.push(f.width);
        out.push(f.decimals);
        out.extend([0u8; 14]);
    }
    out.push(0x0D);
    for feat in &layer.features {
        out.push(b' ');
        for f in fields {
            let w = f.width as usize;
            let v = cell(&feat.properties, &f.column);
            let text = match (f.kind, v) {
                (_, None) if f.kind == b'L' => "?".to_string(),
                (_, None) => " ".repeat(w),
                (b'L', Some(v)) => if v.as_bool() == Some(true) { "T" } else { "F" }.to_string(),
                (b'N', Some(v)) if f.decimals == 0 => format!("{:>w$}", v.as_i64().unwrap_or(0)),
                (b'N', Some(v)) => real_text(v.as_f64().unwrap_or(0.0), w, f.decimals as usize),
                (_, Some(v)) => {
                    let s = v.as_str().unwrap_or_default();
                    let mut end = s.len().min(w);
                    while !s.is_char_boundary(end) {
                        end -= 1;
                    }
                    format!("{:<w$}", &s[..end])
                }
            };
            let bytes = text.as_bytes();
            // Every text above fits its width; the cut only guards the record layout.
            let mut cellb = bytes[..bytes.len().min(w)].to_vec();
            cellb.resize(w, b' ');
            out.extend(cellb);
        }
    }
    out.push(0x1A);
    out
}

fn be32(out: &mut Vec<u8>, v: i32) {
    out.extend(v.to_be_bytes());
}

fn le32(out: &mut Vec<u8>, v: i32) {
    out.extend(v.to_le_bytes());
}

fn lef(out: &mut Vec<u8>, v: f64) {
    out.extend(v.to_le_bytes());
}

/// The shape record's content (without the record header) and its bounding box.
fn shape(g: &LayerGeometry) -> (Vec<u8>, [f64; 4]) {
    let mut out = Vec::new();
    match g {
        LayerGeometry::Point(c) => {
            le32(&mut out, 1);
            lef(&mut out, c.x);
            lef(&mut out, c.y);
            (out, [c.x, c.y, c.x, c.y])
        }
        LayerGeometry::Polygons(m) => {
            // Shapefile rings: outer clockwise, holes counter-clockwise.
            let m = m.orient(Direction::Reversed);
            let rings: Vec<&geo::LineString<f64>> =
                m.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .collect();
            let mut b = [
                f64::INFINITY,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NEG_INFINITY,
            ];
            for c in rings.iter().flat_map(|r| &r.0) {
                b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
            }
            le32(&mut out, 5);
            b.iter().for_each(|v| lef(&mut out, *v));
            le32(&mut out, rings.len() as i32);
            le32(&mut out, rings.iter().map(|r| r.0.len() as i32).sum());
            let mut start = 0;
            for r in &rings {
                le32(&mut out, start);
                start += r.0.len() as i32;
            }
            for c in rings.iter().flat_map(|r| &r.0) {
                lef(&mut out, c.x);
                lef(&mut out, c.y);
            }
            (out, b)
        }
    }
}

fn main_header(out: &mut Vec<u8>, file_len_bytes: usize, kind: i32, b: [f64; 4]) {
    be32(out, 9994);
    for _ in 0..5 {
        be32(out, 0);
    }
    be32(out, (file_len_bytes / 2) as i32);
    le32(out, 1000);
    le32(out, kind);
    b.iter().for_each(|v| lef(out, *v));
    for _ in 0..4 {
        lef(out, 0.0);
    }
}

/// The five files of a layer whose geometry is already in `crs`.
pub fn files(layer: &Layer, crs: &Crs) -> FileSet {
    let kind = if layer.is_points() { 1 } else { 5 };
    let mut records = Vec::new();
    let mut index = Vec::new();
    let mut bounds = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut offset = 100usize;
    for (i, f) in layer.features.iter().enumerate() {
        let (content, b) = shape(&f.geometry);
        bounds = [
            bounds[0].min(b[0]),
            bounds[1].min(b[1]),
            bounds[2].max(b[2]),
            bounds[3].max(b[3]),
        ];
        be32(&mut index, (offset / 2) as i32);
        be32(&mut index, (content.len() / 2) as i32);
        be32(&mut records, i as i32 + 1);
        be32(&mut records, (content.len() / 2) as i32);
        records.extend(&content);
        offset += 8 + content.len();
    }
    if layer.features.is_empty() {
        bounds = [0.0; 4];
    }
    let mut shp = Vec::with_capacity(100 + records.len());
    main_header(&mut shp, 100 + records.len(), kind, bounds);
    shp.extend(records);
    let mut shx = Vec::with_capacity(100 + index.len());
    main_header(&mut shx, 100 + index.len(), kind, bounds);
    shx.extend(index);
    let fields = fields(layer);
    vec![
        ("shp", shp),
        ("shx", shx),
        ("dbf", dbf(layer, &fields)),
        ("prj", crs.wkt().as_bytes().to_vec()),
        ("cpg", b"UTF-8".to_vec()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::layer::LayerFeature;
    use serde_json::json;

    /// Integer fields are as wide as their values need, in GDAL's Integer (under 10) and
    /// Integer64 (up to 18) widths, so GDAL reads them back as integers, not reals.
    #[test]
    fn integer_fields_take_gdal_integer_widths() {
        let layer_of = |n: i64| Layer {
            name: "t".into(),
            features: vec![LayerFeature {
                geometry: LayerGeometry::Point(geo::coord! { x: 1.0, y: 2.0 }),
                properties: json!({"n": n}).as_object().unwrap().clone(),
            }],
            declared: Vec::new(),
        };
        for (n, width) in [
            (7, 9),
            (-99_999_999, 9),
            (1_000_000_000, 18),
            (999_999_999_999_999_999, 18),
            (i64::MIN, 20),
        ] {
            let layer = layer_of(n);
            let f = fields(&layer);
            assert_eq!((f[0].width, f[0].decimals), (width, 0), "{n}");
            let bytes = dbf(&layer, &f);
            let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
            let cell = &bytes[header_len + 1..header_len + 1 + width as usize];
            assert_eq!(std::str::from_utf8(cell).unwrap().trim(), n.to_string());
        }
    }

    #[test]
    fn dbf_records_have_the_declared_widths() {
        let layer = Layer {
            name: "t".into(),
            features: vec![LayerFeature {
                geometry: LayerGeometry::Point(geo::coord! { x: 1.0, y: 2.0 }),
                properties: json!({"name": "é".repeat(200), "n": 7, "x": 0.5, "b": false})
                    .as_object()
                    .unwrap()
                    .clone(),
            }],
            declared: Vec::new(),
        };
        let f = fields(&layer);
        let bytes = dbf(&layer, &f);
        let header_len = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
        let record_len = u16::from_le_bytes([bytes[10], bytes[11]]) as usize;
        assert_eq!(record_len, 1 + 254 + 9 + 24 + 1);
        assert_eq!(bytes.len(), header_len + record_len + 1);
        let record = &bytes[header_len..header_len + record_len];
        // 127 two-byte characters fit in 254 bytes.
        let text = std::str::from_utf8(&record[1..255]).unwrap();
        assert_eq!(text.chars().count(), 127);
        assert_eq!(std::str::from_utf8(&record[255..264]).unwrap().trim(), "7");
        let x: f64 = std::str::from_utf8(&record[264..288])
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(x, 0.5);
        assert_eq!(record[288], b'F');
    }

    #[test]
    fn reals_too_wide_for_the_field_use_an_exponent() {
        assert_eq!(real_text(1.5, 24, 15).trim(), "1.500000000000000");
        let big = real_text(1e300, 24, 15);
        assert_eq!(big.len(), 24);
        assert_eq!(big.trim().parse::<f64>().unwrap(), 1e300);
    }
}
