//! Naming a file's format by its content (its first bytes), not by its extension.
//!
//! The extension only breaks ties content cannot (a `.shx` index has the `.shp` magic
//! number). A file allot reads is read whatever its extension; one it does not read is named
//! with the command that converts it ([`Format::refusal`]).

use std::path::Path;

use super::formats::FormatError;

/// A file format, as recognised by [`sniff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// GeoJSON (or any JSON: the GeoJSON reader names what is wrong with it).
    GeoJson,
    /// An ESRI Shapefile's geometry (`.shp`).
    Shapefile,
    /// A zip archive: a zipped Shapefile or a KMZ.
    Zip,
    /// An SQLite database, read as a GeoPackage.
    GeoPackage,
    /// KML.
    Kml,
    /// FlatGeobuf.
    FlatGeobuf,
    /// Delimited text with a WKT geometry column.
    Csv,
    /// Not read: AutoCAD DXF.
    Dxf,
    /// Not read: AutoCAD DWG.
    Dwg,
    /// Not read: GML.
    Gml,
    /// Not read: GPX.
    Gpx,
    /// Not read: TopoJSON.
    TopoJson,
    /// (Geo)Parquet: read when it carries GeoParquet `geo` metadata.
    Parquet,
    /// Not read: a Shapefile's index (`.shx`).
    ShapefileIndex,
    /// Not read: a Shapefile's attribute table (`.dbf`).
    Dbf,
    /// Not read: PDF.
    Pdf,
    /// Not read: a raster image (TIFF/GeoTIFF, PNG, JPEG).
    Raster,
    /// Not read: an office document (Excel, OpenDocument spreadsheet).
    Office,
    /// Not read: MapInfo TAB (`.tab` with `.map`, `.id`, `.dat`) or MIF/MID.
    MapInfo,
    /// Not read: a GeoJSON text sequence (RFC 8142) or newline-delimited GeoJSON, one
    /// Feature a line.
    GeoJsonSeq,
}

impl Format {
    /// A short human name.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::Shapefile => "Shapefile",
            Format::Zip => "zip archive",
            Format::GeoPackage => "GeoPackage",
            Format::Kml => "KML",
            Format::FlatGeobuf => "FlatGeobuf",
            Format::Csv => "CSV",
            Format::Dxf => "DXF (AutoCAD drawing exchange)",
            Format::Dwg => "DWG (AutoCAD drawing)",
            Format::Gml => "GML",
            Format::Gpx => "GPX (GPS tracks)",
            Format::TopoJson => "TopoJSON",
            Format::Parquet => "(Geo)Parquet",
            Format::ShapefileIndex => "Shapefile index (.shx)",
            Format::Dbf => "dBASE table (.dbf)",
            Format::Pdf => "PDF",
            Format::Raster => "raster image",
            Format::Office => "spreadsheet or office document (Excel, OpenDocument)",
            Format::MapInfo => "MapInfo (TAB or MIF)",
            Format::GeoJsonSeq => "GeoJSON text sequence (one Feature a line)",
        }
    }

    /// Why allot does not read this file, and how to convert it.
    pub fn refusal(self, file: &str) -> String {
        const READS: &str = "allot reads GeoJSON, Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, GeoParquet and CSV with a WKT column";
        let convert = format!("convert it with: ogr2ogr -f GeoJSON out.geojson {file}");
        match self {
            Format::ShapefileIndex | Format::Dbf => format!(
                "this is a {}, one part of a Shapefile; give allot the .shp beside it (or a .zip of the .shp, .shx, .dbf, .prj)",
                self.name()
            ),
            Format::Raster => format!(
                "this is a {}; parcels must be vector polygons (digitise or polygonise it first, e.g. gdal_polygonize.py)",
                self.name()
            ),
            Format::Office | Format::Pdf => format!(
                "this is a {}; export the parcel table as CSV with a WKT geometry column, or as GeoJSON",
                self.name()
            ),
            Format::MapInfo => {
                // GDAL opens a TAB by its .tab, a MIF by its .mif.
                let lower = file.to_ascii_lowercase();
                let main = [
                    (".map", ".tab"),
                    (".id", ".tab"),
                    (".dat", ".tab"),
                    (".mid", ".mif"),
                ]
                .iter()
                .find(|(part, _)| lower.ends_with(part))
                .map_or(file.to_string(), |(part, main)| {
                    format!("{}{main}", &file[..file.len() - part.len()])
                });
                format!(
                    "this is a {} file; {READS}; convert it with: ogr2ogr -f GeoJSON out.geojson {main}",
                    self.name()
                )
            }
            _ => format!("this is a {} file; {READS}; {convert}", self.name()),
        }
    }
}

/// Names the format of a file from its first bytes (4 KiB are plenty) and its path.
///
/// ```
/// use allot::read::sniff::{sniff, Format};
/// use std::path::Path;
/// assert_eq!(sniff(b"  0\nSECTION\n  2\nHEADER\n", Path::new("site.geojson")), Format::Dxf);
/// assert_eq!(sniff(b"{\"type\":\"FeatureCollection\"", Path::new("a.txt")), Format::GeoJson);
/// assert_eq!(sniff(b"id,WKT\n1,\"POLYGON((0 0,1 0,1 1,0 0))\"\n", Path::new("a.csv")), Format::Csv);
/// ```
pub fn sniff(head: &[u8], path: &Path) -> Format {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if head.starts_with(&[0x00, 0x00, 0x27, 0x0A]) {
        return if ext == "shx" {
            Format::ShapefileIndex
        } else {
            Format::Shapefile
        };
    }
    if head.starts_with(b"SQLite format 3\0") {
        return Format::GeoPackage;
    }
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return if zip_is_office(head) {
            Format::Office
        } else {
            Format::Zip
        };
    }
    if head.starts_with(b"fgb\x03fgb") {
        return Format::FlatGeobuf;
    }
    if head.starts_with(b"PAR1") {
        return Format::Parquet;
    }
    if head.starts_with(b"AC10") || head.starts_with(b"AC1.") {
        return Format::Dwg;
    }
    if head.starts_with(b"AutoCAD Binary DXF") {
        return Format::Dxf;
    }
    if head.starts_with(b"%PDF") {
        return Format::Pdf;
    }
    if head.starts_with(b"II*\0")
        || head.starts_with(b"MM\0*")
        || head.starts_with(b"\x89PNG")
        || head.starts_with(b"\xFF\xD8\xFF")
    {
        return Format::Raster;
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Format::Office;
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(body);
    let t = text.trim_start();
    if t.starts_with('\u{1e}') || is_feature_per_line(t) {
        return Format::GeoJsonSeq;
    }
    if t.starts_with('{') || t.starts_with('[') {
        return if t.contains("\"Topology\"") {
            Format::TopoJson
        } else {
            Format::GeoJson
        };
    }
    let lower = t.to_ascii_lowercase();
    if lower.starts_with("!table")
        || (lower.starts_with("version") && matches!(ext.as_str(), "mif" | "mid"))
    {
        return Format::MapInfo;
    }
    if t.starts_with('<') {
        let lower = t.to_ascii_lowercase();
        if lower.contains("<kml") {
            return Format::Kml;
        }
        if lower.contains("<gpx") {
            return Format::Gpx;
        }
        if lower.contains("gml") {
            return Format::Gml;
        }
    }
    if is_dxf(t) {
        return Format::Dxf;
    }
    // MapInfo's binary parts (the .map geometry, the .id index) have no magic number.
    if matches!(ext.as_str(), "map" | "id" | "mid") {
        return Format::MapInfo;
    }
    if ext == "dbf"
        && matches!(
            head.first(),
            Some(0x02..=0x05 | 0x30 | 0x31 | 0x43 | 0x83 | 0x8B | 0xF5)
        )
    {
        return Format::Dbf;
    }
    // Other text is CSV when it says so by extension or holds WKT polygons; anything else
    // goes to the GeoJSON reader, which names what is wrong with it precisely.
    let upper = t.to_ascii_uppercase();
    if matches!(ext.as_str(), "csv" | "tsv" | "txt") || upper.contains("POLYGON") {
        return Format::Csv;
    }
    Format::GeoJson
}

/// A DXF text starts with group code 0 and `SECTION` (optionally after a comment, group 999).
fn is_dxf(t: &str) -> bool {
    let mut lines = t.lines().map(str::trim);
    let mut code = lines.next();
    if code == Some("999") {
        lines.next();
        code = lines.next();
    }
    code == Some("0") && lines.next() == Some("SECTION")
}

/// An Office Open XML document (xlsx, docx) is a zip whose first entry is
/// `[Content_Types].xml`; an OpenDocument one (ods, odt) a zip whose first entry is
/// `mimetype`, stored, holding `application/vnd.oasis.opendocument…`.
fn zip_is_office(head: &[u8]) -> bool {
    head.len() > 30
        && (head[30..].starts_with(b"[Content_Types].xml")
            || (head[30..].starts_with(b"mimetype")
                && head[38..]
                    .windows(34)
                    .take(64)
                    .any(|w| w == b"application/vnd.oasis.opendocument")))
}

/// Newline-delimited GeoJSON: the first line is a whole JSON object, a Feature, and more
/// text follows it (a FeatureCollection's first line is never a whole Feature).
fn is_feature_per_line(t: &str) -> bool {
    let Some((first, rest)) = t.split_once('\n') else {
        return false;
    };
    !rest.trim().is_empty()
        && serde_json::from_str::<serde_json::Value>(first.trim())
            .is_ok_and(|v| v.get("type").and_then(|t| t.as_str()) == Some("Feature"))
}

/// The format of a file on disk, by content (see [`sniff()`]).
pub fn sniff_path(path: &Path) -> Result<Format, FormatError> {
    use std::io::Read;
    let file = path.display().to_string();
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .and_then(|f| f.take(4096).read_to_end(&mut head))
        .map_err(|e| FormatError::file(&file, format!("cannot read: {e}")))?;
    Ok(sniff(&head, path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_formats_by_content_whatever_the_extension() {
        let p = Path::new("parcels.geojson");
        let shp = [0x00, 0x00, 0x27, 0x0A, 0, 0, 0, 0];
        assert_eq!(sniff(&shp, p), Format::Shapefile);
        assert_eq!(sniff(&shp, Path::new("a.SHX")), Format::ShapefileIndex);
        assert_eq!(sniff(b"SQLite format 3\0rest", p), Format::GeoPackage);
        assert_eq!(sniff(b"PK\x03\x04....", p), Format::Zip);
        assert_eq!(sniff(b"fgb\x03fgb\x00", p), Format::FlatGeobuf);
        assert_eq!(sniff(b"PAR1xxxx", p), Format::Parquet);
        assert_eq!(sniff(b"AC1015\0\0", p), Format::Dwg);
        assert_eq!(sniff(b"999\ndxfrw 0.6.3\n  0\nSECTION\n", p), Format::Dxf);
        assert_eq!(sniff(b"0\r\nSECTION\r\n2\r\nHEADER", p), Format::Dxf);
        assert_eq!(
            sniff(
                b"<?xml version=\"1.0\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">",
                p
            ),
            Format::Kml
        );
        assert_eq!(sniff(b"<?xml version=\"1.0\"?><gpx>", p), Format::Gpx);
        assert_eq!(sniff(b"<ogr:FeatureCollection xmlns:gml=", p), Format::Gml);
        assert_eq!(
            sniff(b"{\"type\":\"Topology\",\"objects\":{}}", p),
            Format::TopoJson
        );
        assert_eq!(sniff(b"\xEF\xBB\xBF {\"type\":", p), Format::GeoJson);
        assert_eq!(sniff(b"%PDF-1.7", p), Format::Pdf);
        assert_eq!(sniff(b"II*\0\x08\0", p), Format::Raster);
        assert_eq!(
            sniff(b"\x03\x7c\x0b\x1e\x01\0\0\0", Path::new("a.dbf")),
            Format::Dbf
        );
        assert_eq!(
            sniff(b"!table\n!version 300\n!charset WindowsLatin1\n", p),
            Format::MapInfo
        );
        assert_eq!(
            sniff(b"Version 300\nCharset \"Neutral\"\n", Path::new("a.MIF")),
            Format::MapInfo
        );
        assert_eq!(sniff(b"\x01\x02\x03", Path::new("a.map")), Format::MapInfo);
        let feature = r#"{"type":"Feature","properties":{},"geometry":null}"#;
        let seq = format!("{feature}\n{feature}\n");
        assert_eq!(sniff(seq.as_bytes(), p), Format::GeoJsonSeq);
        assert_eq!(
            sniff(format!("\u{1e}{feature}\n").as_bytes(), p),
            Format::GeoJsonSeq
        );
        // allot's own GeoJSON: one feature a line, inside a FeatureCollection.
        let fc = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[\n{feature},\n{feature}\n]}}\n"
        );
        assert_eq!(sniff(fc.as_bytes(), p), Format::GeoJson);
        let mut ods = b"PK\x03\x04".to_vec();
        ods.resize(30, 0);
        ods.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK");
        assert_eq!(sniff(&ods, p), Format::Office);
        // Unknown bytes go to the GeoJSON reader, which names the first byte that is not UTF-8.
        assert_eq!(sniff(b"\xFF\xFE{\x00", p), Format::GeoJson);
        assert_eq!(
            sniff(b"name;geometry\nA;POLYGON((0 0,1 0,1 1,0 0))", p),
            Format::Csv
        );
        assert_eq!(sniff(b"a,b\n1,2\n", Path::new("t.csv")), Format::Csv);
        // Text that is neither goes to the GeoJSON reader for a precise JSON error.
        assert_eq!(sniff(b"hello", p), Format::GeoJson);
        assert_eq!(sniff(b"", p), Format::GeoJson);
    }

    #[test]
    fn refusals_name_the_format_and_the_conversion() {
        assert_eq!(
            Format::Dxf.refusal("in.dxf"),
            "this is a DXF (AutoCAD drawing exchange) file; allot reads GeoJSON, Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, GeoParquet and CSV with a WKT column; convert it with: ogr2ogr -f GeoJSON out.geojson in.dxf"
        );
        assert!(
            Format::ShapefileIndex
                .refusal("a.shx")
                .contains("give allot the .shp")
        );
        assert!(
            Format::MapInfo
                .refusal("site.map")
                .ends_with("convert it with: ogr2ogr -f GeoJSON out.geojson site.tab")
        );
        assert!(
            Format::Office
                .refusal("a.ods")
                .starts_with("this is a spreadsheet or office document")
        );
    }
}
