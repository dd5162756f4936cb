//! Which format an output path asks for, by its extension.

use std::path::{Path, PathBuf};

/// A vector format allot writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutFormat {
    /// GeoJSON (`.geojson`, `.json`, or `-` for standard output): RFC 7946, WGS84.
    GeoJson,
    /// GeoPackage (`.gpkg`).
    GeoPackage,
    /// A Shapefile file set (`.shp` with `.shx`, `.dbf`, `.prj`, `.cpg`).
    Shapefile,
    /// A Shapefile file set in a zip archive (`.shp.zip`).
    ShapefileZip,
    /// KML (`.kml`), always WGS84.
    Kml,
    /// FlatGeobuf (`.fgb`).
    FlatGeobuf,
    /// GeoParquet (`.parquet`, `.geoparquet`).
    GeoParquet,
}

/// The extensions allot writes, as listed in errors.
pub const OUTPUT_EXTENSIONS: &str =
    ".geojson (or .json), .gpkg, .shp, .shp.zip, .kml, .fgb, .parquet (or .geoparquet)";

/// Why an output path names no format allot writes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: allot cannot write {what}; it writes {OUTPUT_EXTENSIONS}")]
pub struct UnknownFormat {
    /// The output path.
    pub path: String,
    /// The extension, described (`.dxf files`, `files without an extension`).
    pub what: String,
}

impl OutFormat {
    /// The format for an output path (`-`: GeoJSON on standard output).
    ///
    /// ```
    /// use std::path::Path;
    /// use allot::write::OutFormat;
    /// assert_eq!(OutFormat::from_path(Path::new("out/plan.GPKG")).unwrap(), OutFormat::GeoPackage);
    /// assert_eq!(OutFormat::from_path(Path::new("plan.shp.zip")).unwrap(), OutFormat::ShapefileZip);
    /// assert_eq!(OutFormat::from_path(Path::new("-")).unwrap(), OutFormat::GeoJson);
    /// let e = OutFormat::from_path(Path::new("plan.dxf")).unwrap_err();
    /// assert!(e.to_string().contains(".dxf") && e.to_string().contains(".fgb"));
    /// ```
    pub fn from_path(path: &Path) -> Result<OutFormat, UnknownFormat> {
        if path.as_os_str() == "-" {
            return Ok(OutFormat::GeoJson);
        }
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        if name.ends_with(".shp.zip") {
            return Ok(OutFormat::ShapefileZip);
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match ext.as_deref() {
            Some("geojson" | "json") => Ok(OutFormat::GeoJson),
            Some("gpkg") => Ok(OutFormat::GeoPackage),
            Some("shp") => Ok(OutFormat::Shapefile),
            Some("kml") => Ok(OutFormat::Kml),
            Some("fgb") => Ok(OutFormat::FlatGeobuf),
            Some("parquet" | "geoparquet") => Ok(OutFormat::GeoParquet),
            Some(other) => Err(UnknownFormat {
                path: path.display().to_string(),
                what: format!(".{other} files"),
            }),
            None => Err(UnknownFormat {
                path: path.display().to_string(),
                what: "a file without an extension".into(),
            }),
        }
    }

    /// The format's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            OutFormat::GeoJson => "GeoJSON",
            OutFormat::GeoPackage => "GeoPackage",
            OutFormat::Shapefile | OutFormat::ShapefileZip => "Shapefile",
            OutFormat::Kml => "KML",
            OutFormat::FlatGeobuf => "FlatGeobuf",
            OutFormat::GeoParquet => "GeoParquet",
        }
    }

    /// True for formats whose coordinates are WGS84 longitude/latitude by their specifications
    /// (GeoJSON, RFC 7946; KML): written so whatever the input's CRS or `--out-crs`.
    pub fn is_wgs84_format(self) -> bool {
        matches!(self, OutFormat::GeoJson | OutFormat::Kml)
    }

    /// True when a layer with both polygons and points must be written as two layers in
    /// separate files (Shapefile, FlatGeobuf and GeoParquet hold one layer per file).
    pub fn one_type_per_file(self) -> bool {
        matches!(
            self,
            OutFormat::Shapefile
                | OutFormat::ShapefileZip
                | OutFormat::FlatGeobuf
                | OutFormat::GeoParquet
        )
    }
}

/// `dir/stem<suffix>.ext` for an output `dir/stem.ext` (`.shp.zip` kept whole): the file a
/// second layer goes to in formats with one layer per file.
///
/// ```
/// use std::path::Path;
/// use allot::write::layer_path;
/// assert_eq!(layer_path(Path::new("o/f.shp"), "_points"), Path::new("o/f_points.shp"));
/// assert_eq!(layer_path(Path::new("o/f.shp.zip"), "_points"), Path::new("o/f_points.shp.zip"));
/// ```
pub fn layer_path(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let cut = if lower.ends_with(".shp.zip") {
        name.len() - ".shp.zip".len()
    } else {
        name.rfind('.').unwrap_or(name.len())
    };
    path.with_file_name(format!("{}{suffix}{}", &name[..cut], &name[cut..]))
}
