//! CSV (or semicolon- or tab-separated text) with a WKT geometry column.
//!
//! The separator is the one of `,` `;` tab that occurs most in the header line. The geometry
//! column is `--wkt-column NAME`, else the first column named `WKT`, then `geometry`, `geom`
//! or `the_geom` (any case). Each row is a feature; its WKT must be a POLYGON or MULTIPOLYGON.
//! PostGIS's extended WKT (`SRID=32642;POLYGON(...)`, what `ST_AsEWKT` writes) is read too:
//! the SRID is the file's EPSG code (`--crs` still overrides it). Every row that carries one
//! must carry the same (one file, one CRS); rows without one, or with `SRID=0` (PostGIS's
//! "unknown"), are taken in it.
//! CSV has no types, so other values are typed by their text: whole numbers without a leading
//! zero become integers, other decimal numbers floats, empty cells null, everything else
//! (ids such as `007` included) stays text.

use serde_json::{Map, Value};

use super::{DeclaredCrs, FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer};

/// Reads a delimited text file with a WKT column.
pub fn read(
    bytes: &[u8],
    file: &str,
    wkt_column: Option<&str>,
) -> Result<SourceLayer, FormatError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first_line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| FormatError::file(file, format!("not readable as CSV: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let geom = match wkt_column {
        Some(name) => find(name).ok_or_else(|| {
            FormatError::file(
                file,
                format!("has no column {name:?} (--wkt-column); its columns are: {}", headers.join(", ")),
            )
        })?,
        None => ["WKT", "geometry", "geom", "the_geom"]
            .iter()
            .find_map(|n| find(n))
            .ok_or_else(|| {
                FormatError::file(
                    file,
                    format!(
                        "this looks like delimited text, but no column holds WKT geometry (looked for WKT, geometry, geom, the_geom; its columns are: {}); name it with --wkt-column NAME",
                        headers.join(", ")
                    ),
                )
            })?,
    };
    let id_col = find("id");
    let mut features = Vec::new();
    // The first row's SRID (EWKT) and its row number.
    let mut srid: Option<(u32, usize)> = None;
    for (i, row) in reader.records().enumerate() {
        let n = i + 1;
        let at = |id: Option<String>, m: String| FormatError {
            file: file.to_string(),
            layer: None,
            feature: Some((n, id)),
            message: m,
        };
        let row = row.map_err(|e| at(None, format!("row cannot be read: {e}")))?;
        let id = id_col.and_then(|c| row.get(c)).map(str::to_string);
        let mut properties = Map::new();
        for (c, h) in headers.iter().enumerate() {
            if c != geom {
                properties.insert(h.clone(), typed(row.get(c).unwrap_or_default()));
            }
        }
        let text = row.get(geom).unwrap_or_default();
        let line = row.position().map_or(0, |p| p.line());
        let column = &headers[geom];
        let (row_srid, text) = split_srid(text)
            .map_err(|m| at(id.clone(), format!("line {line}, column {column:?}: {m}")))?;
        match (row_srid, srid) {
            (Some(s), None) => srid = Some((s, n)),
            (Some(s), Some((first, first_row))) if s != first => {
                return Err(at(
                    id,
                    format!(
                        "line {line}, column {column:?}: SRID={s} differs from SRID={first} of feature {first_row}; the rows of one file must share one CRS (reproject them to one, e.g. with ST_Transform)"
                    ),
                ));
            }
            _ => {}
        }
        let geometry =
            parse_wkt(text).map_err(|m| at(id, format!("line {line}, column {column:?}: {m}")))?;
        features.push(SourceFeature {
            properties,
            geometry,
        });
    }
    Ok(SourceLayer {
        layer: None,
        crs: srid.map_or(DeclaredCrs::Unstated, |(s, _)| DeclaredCrs::Epsg(s)),
        features,
    })
}

/// The SRID of an extended WKT text (`SRID=32642;POLYGON(...)`, any case, spaces allowed
/// around `=` and `;`) and the WKT after it; `None` without the prefix or with `SRID=0`.
fn split_srid(text: &str) -> Result<(Option<u32>, &str), String> {
    let t = text.trim_start();
    let Some(rest) = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("SRID"))
        .map(|_| t[4..].trim_start())
    else {
        return Ok((None, text));
    };
    let Some(rest) = rest.strip_prefix('=') else {
        return Ok((None, text));
    };
    let (code, wkt) = rest.split_once(';').ok_or_else(|| {
        format!(
            "extended WKT without the ';' after its SRID: {:?}",
            shown(text)
        )
    })?;
    let code: u32 = code.trim().parse().map_err(|_| {
        format!(
            "extended WKT whose SRID {:?} is not an EPSG code: {:?}",
            code.trim(),
            shown(text)
        )
    })?;
    Ok(((code != 0).then_some(code), wkt))
}

/// The first 60 characters of a WKT text, for messages.
fn shown(text: &str) -> String {
    text.trim().chars().take(60).collect()
}

fn typed(s: &str) -> Value {
    if s.is_empty() {
        return Value::Null;
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    let leading_zero = digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.");
    if !leading_zero
        && !digits.is_empty()
        && digits.bytes().all(|b| {
            b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+'
        })
        && digits.as_bytes()[0].is_ascii_digit()
    {
        if let Ok(i) = s.parse::<i64>() {
            return Value::from(i);
        }
        if let Some(n) = s.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
            return Value::Number(n);
        }
    }
    Value::String(s.to_string())
}

fn to_rings(p: &geo::Polygon<f64>) -> Rings {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(|r| r.0.clone())
        .collect()
}

fn parse_wkt(text: &str) -> Result<SourceGeometry, String> {
    use std::str::FromStr;
    let t = text.trim();
    if t.is_empty() {
        return Ok(SourceGeometry::Null);
    }
    let w =
        wkt::Wkt::<f64>::from_str(t).map_err(|e| format!("not valid WKT ({e}): {:?}", shown(t)))?;
    let g: geo::Geometry<f64> = w
        .try_into()
        .map_err(|e: wkt::conversion::Error| format!("WKT cannot be used: {e}"))?;
    Ok(match g {
        geo::Geometry::Polygon(p) => SourceGeometry::Polygon(to_rings(&p)),
        geo::Geometry::MultiPolygon(mp) => {
            SourceGeometry::MultiPolygon(mp.0.iter().map(to_rings).collect())
        }
        geo::Geometry::Point(_) => SourceGeometry::Other("Point".into()),
        geo::Geometry::LineString(_) | geo::Geometry::Line(_) => {
            SourceGeometry::Other("LineString".into())
        }
        geo::Geometry::MultiPoint(_) => SourceGeometry::Other("MultiPoint".into()),
        geo::Geometry::MultiLineString(_) => SourceGeometry::Other("MultiLineString".into()),
        geo::Geometry::GeometryCollection(_) => SourceGeometry::Other("GeometryCollection".into()),
        geo::Geometry::Rect(_) | geo::Geometry::Triangle(_) => SourceGeometry::Other("Rect".into()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_semicolon_files_with_typed_values_and_a_named_column() {
        let text = "id;area;code;shape\n007;1.5;12;POLYGON((0 0,1 0,1 1,0 0))\nB;;x;MULTIPOLYGON(((0 0,1 0,1 1,0 0)))\n";
        let layer = read(text.as_bytes(), "t.csv", Some("SHAPE")).unwrap();
        let p0 = Value::Object(layer.features[0].properties.clone());
        assert_eq!(
            p0,
            serde_json::json!({"id": "007", "area": 1.5, "code": 12})
        );
        assert!(matches!(
            layer.features[0].geometry,
            SourceGeometry::Polygon(_)
        ));
        assert!(matches!(
            layer.features[1].geometry,
            SourceGeometry::MultiPolygon(_)
        ));
        assert_eq!(layer.features[1].properties["area"], Value::Null);
    }

    #[test]
    fn bad_wkt_and_a_missing_column_name_the_row_and_the_columns() {
        let text = "id,WKT\nA,\"POLYGON((0 0,1 0,1 1,0 0))\"\nB,\"POLYGON((0 0,1 0\"\n";
        let e = read(text.as_bytes(), "t.csv", None).unwrap_err();
        assert_eq!(e.feature, Some((2, Some("B".into()))));
        assert!(e.message.contains("line 3"), "{e}");
        assert!(e.message.contains("not valid WKT"), "{e}");
        let e = read(b"a,b\n1,2\n", "t.csv", None).unwrap_err();
        assert!(e.message.contains("its columns are: a, b"), "{e}");
        let pt = read(b"WKT\nPOINT(1 2)\n", "t.csv", None).unwrap();
        assert_eq!(
            pt.features[0].geometry,
            SourceGeometry::Other("Point".into())
        );
    }

    #[test]
    fn extended_wkt_declares_its_srid_and_rows_must_agree() {
        let text = "id,WKT\nA,\"SRID=32642;POLYGON((0 0,1 0,1 1,0 0))\"\nB,\"srid = 32642 ; POLYGON((0 0,1 0,1 1,0 0))\"\nC,\"POLYGON((0 0,1 0,1 1,0 0))\"\n";
        let layer = read(text.as_bytes(), "t.csv", None).unwrap();
        assert_eq!(layer.crs, DeclaredCrs::Epsg(32642));
        assert_eq!(layer.features.len(), 3);
        let unknown = "WKT\n\"SRID=0;POLYGON((0 0,1 0,1 1,0 0))\"\n";
        assert_eq!(
            read(unknown.as_bytes(), "t.csv", None).unwrap().crs,
            DeclaredCrs::Unstated
        );
        let mixed = "id,WKT\nA,\"SRID=32642;POLYGON((0 0,1 0,1 1,0 0))\"\nB,\"SRID=4326;POLYGON((0 0,1 0,1 1,0 0))\"\n";
        let e = read(mixed.as_bytes(), "t.csv", None).unwrap_err();
        assert_eq!(e.feature, Some((2, Some("B".into()))));
        assert!(
            e.message
                .contains("SRID=4326 differs from SRID=32642 of feature 1"),
            "{e}"
        );
        let bad = "WKT\n\"SRID=EPSG:1;POLYGON((0 0,1 0,1 1,0 0))\"\n";
        let e = read(bad.as_bytes(), "t.csv", None).unwrap_err();
        assert!(e.message.contains("is not an EPSG code"), "{e}");
    }
}
