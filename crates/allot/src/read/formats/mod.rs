//! Reading parcel files in formats other than GeoJSON, in any CRS allot knows.
//!
//! Each reader (one file per format) turns its file into [`SourceFeature`]s in the file's own
//! CRS; the feature sink (`sink.rs`) reprojects them to WGS84 longitude/latitude in place and
//! builds [`crate::Parcel`]s straight from them, with the id rules and error checks of the
//! GeoJSON reader. [`read_as_geojson`] is the reference route it must agree with: the same
//! features written as GeoJSON text ([`collection`]) and parsed by the GeoJSON reader.
//! [`sniff()`](super::sniff()) names a file's format by its content, so a file with the wrong
//! extension is still read, and one allot does not read is named with a command that converts
//! it.
//!
//! Formats: Shapefile (`.shp` with `.dbf`, `.prj`, `.cpg`, or a `.zip` of them), GeoPackage
//! (`--layer NAME` when it has several polygon layers), KML and KMZ, FlatGeobuf, CSV with a WKT
//! column, GeoParquet (WKB geometry). The CRS comes from the file (`.prj`, `gpkg_spatial_ref_sys`, the FlatGeobuf header, GeoParquet's `geo` metadata;
//! KML is always WGS84) unless [`SourceOptions::crs`] declares or overrides it.

mod archive;
pub mod collection;
mod cpg;
mod csv_wkt;
mod dbf;
mod fgb;
mod geoparquet;
mod gpkg;
mod kml;
mod shp;
mod sink;
mod wkb;

use std::fmt;
use std::path::Path;

use geo::Coord;
use serde_json::{Map, Value};

pub use collection::to_geojson;
/// The GeoParquet reader, for the writer's round-trip test.
#[cfg(test)]
pub(crate) use geoparquet::read as geoparquet_read;
/// The WKB reader, for the writers' round-trip tests.
#[cfg(test)]
pub(crate) use wkb::parse as wkb_parse;

use super::sniff::Format;
use super::{ReadError, ReadOptions};
use crate::crs::{Crs, CrsError};
use crate::model::ParcelSet;

/// How to read a non-GeoJSON source: the CRS, the layer and the WKT column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceOptions {
    /// `--crs`: the CRS of the coordinates, declaring or overriding what the file says
    /// (anything [`Crs::from_name`] reads, e.g. `EPSG:24312`).
    pub crs: Option<String>,
    /// `--layer`: which GeoPackage layer to read (needed when there are several).
    pub layer: Option<String>,
    /// `--wkt-column`: the CSV column holding WKT geometry (default `WKT`, else `geometry`).
    pub wkt_column: Option<String>,
}

/// Why a source file could not be read: the file, the layer and the feature when known, and
/// what is wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct FormatError {
    /// The file as named by the user.
    pub file: String,
    /// The layer (GeoPackage table, Shapefile in a zip, KML document), when there is one.
    pub layer: Option<String>,
    /// The feature's 1-based position and id, when the problem is one feature's.
    pub feature: Option<(usize, Option<String>)>,
    /// What is wrong, with a way out where there is one.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(layer) = &self.layer {
            write!(f, ", layer {layer:?}")?;
        }
        match &self.feature {
            Some((n, Some(id))) => write!(f, ": feature {n} (id {id:?})")?,
            Some((n, None)) => write!(f, ": feature {n} (no id)")?,
            None => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FormatError {}

impl FormatError {
    /// A whole-file problem.
    pub fn file(file: &str, message: impl Into<String>) -> FormatError {
        FormatError {
            file: file.to_string(),
            layer: None,
            feature: None,
            message: message.into(),
        }
    }

    /// The same error, placed in a layer.
    pub fn in_layer(mut self, layer: &str) -> FormatError {
        self.layer = Some(layer.to_string());
        self
    }
}

/// A polygon as rings of coordinates in the source CRS: the shell first, then holes.
pub type Rings = Vec<Vec<Coord<f64>>>;

/// A feature's geometry as read, before reprojection.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceGeometry {
    /// One polygon.
    Polygon(Rings),
    /// Several polygons.
    MultiPolygon(Vec<Rings>),
    /// No geometry.
    Null,
    /// A geometry that is not a polygon, named by type (`Point`, `LineString`, …).
    Other(String),
}

/// One feature as read from a source: properties in file order with their types, and the
/// geometry in the source CRS.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceFeature {
    /// The attributes, typed as the format types them.
    pub properties: Map<String, Value>,
    /// The geometry.
    pub geometry: SourceGeometry,
}

/// A source read into memory: its features, the CRS it declared (if any), and its layer.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceLayer {
    /// The layer's name, when the format has layers.
    pub layer: Option<String>,
    /// The CRS the file declares: an EPSG code, or WKT to match (see [`crate::crs`]).
    pub crs: DeclaredCrs,
    /// The features in file order.
    pub features: Vec<SourceFeature>,
}

/// What a file says about its CRS.
#[derive(Debug, Clone, PartialEq)]
pub enum DeclaredCrs {
    /// Nothing (a Shapefile without `.prj`, a CSV): WGS84 unless `--crs` says otherwise.
    Unstated,
    /// WGS84 longitude/latitude by the format's definition (KML).
    Wgs84,
    /// An EPSG code.
    Epsg(u32),
    /// A WKT text.
    Wkt(String),
}

impl DeclaredCrs {
    /// The CRS to reproject from: `--crs` when given, else the declared one.
    pub fn resolve(&self, file: &str, user: Option<&str>) -> Result<Crs, FormatError> {
        let err = |e: CrsError| FormatError::file(file, e.to_string());
        if let Some(name) = user {
            return Crs::from_name(name).map_err(err);
        }
        match self {
            DeclaredCrs::Unstated | DeclaredCrs::Wgs84 => Ok(Crs::wgs84()),
            DeclaredCrs::Epsg(code) => Crs::from_epsg(*code).map_err(err),
            DeclaredCrs::Wkt(wkt) => Crs::from_wkt(wkt).map_err(err),
        }
    }
}

/// A source converted for the GeoJSON reader: how to name it in messages, and the text.
#[derive(Debug, Clone)]
pub struct Converted {
    /// The file, with its layer when it has one, e.g. `site.gpkg, layer "parcels"`.
    pub name: String,
    /// A GeoJSON FeatureCollection in WGS84 longitude/latitude.
    pub geojson: String,
    /// The EPSG code of the CRS the file's coordinates were in (`None`: WGS84).
    pub crs: Option<u32>,
}

/// Reads a non-GeoJSON file of format `format` into parcels (see the module docs).
///
/// ```no_run
/// use allot::read::formats::read;
/// use allot::read::{ReadOptions, SourceOptions, sniff_path};
/// let path = std::path::Path::new("site.gpkg");
/// let format = sniff_path(path).unwrap();
/// let set = read(path, format, &SourceOptions::default(), ReadOptions::default()).unwrap();
/// println!("{} parcels from {}", set.parcels.len(), set.source);
/// ```
pub fn read(
    path: &Path,
    format: Format,
    source: &SourceOptions,
    opts: ReadOptions,
) -> Result<ParcelSet, ReadError> {
    let file = path.display().to_string();
    if format == Format::FlatGeobuf {
        // Features decoded in parallel, straight into parcels.
        let bytes = read_bytes(path, &file)?;
        let fgb = fgb::Fgb::open(&bytes, &file)?;
        let crs = resolve_or_first_bad(&fgb.crs, fgb.layer.as_deref(), &file, source, || {
            (0..fgb.len()).try_for_each(|i| fgb.feature(i).map(drop))
        })?;
        let (layer, count) = (fgb.layer.clone(), fgb.len());
        return sink::decode_into_parcels(layer, count, |i| fgb.feature(i), &file, &crs, opts);
    }
    if format == Format::GeoPackage {
        // Rows stepped on one thread, decoded in parallel chunk by chunk, straight into parcels.
        let layer = gpkg::open(path, &file, source.layer.as_deref())?;
        let table = layer.table().to_string();
        let crs = resolve_or_first_bad(&layer.crs, Some(&table), &file, source, || {
            layer.for_each_feature(drop)
        })?;
        return std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::sync_channel(2);
            s.spawn(move || layer.read_chunks(|chunk| tx.send(chunk).is_ok()));
            sink::decode_chunks_into_parcels(Some(table), rx, &file, &crs, opts)
        });
    }
    let layer = match format {
        Format::Parquet => match geoparquet::open(path, &file)? {
            geoparquet::Opened::Columns(rows) => {
                // Rows decoded from typed columns in parallel, straight into parcels.
                let crs = resolve_or_first_bad(&rows.crs, None, &file, source, || {
                    (0..rows.len()).try_for_each(|i| rows.feature(i).map(drop))
                })?;
                let count = rows.len();
                return sink::decode_into_parcels(
                    None,
                    count,
                    |i| rows.feature(i),
                    &file,
                    &crs,
                    opts,
                );
            }
            geoparquet::Opened::Rows(layer) => layer,
        },
        _ => read_layer(path, &file, format, source)?,
    };
    let crs = resolve(&layer, &file, source)?;
    sink::into_parcels(layer, &file, &crs, opts)
}

/// The CRS of a reader that decodes its features later: as [`resolve`], except that when the
/// CRS cannot be used, the first feature that cannot be decoded (`first_bad`) is reported
/// instead, as it is when the whole layer is read before its CRS is resolved.
fn resolve_or_first_bad(
    declared: &DeclaredCrs,
    layer: Option<&str>,
    file: &str,
    opts: &SourceOptions,
    first_bad: impl FnOnce() -> Result<(), FormatError>,
) -> Result<Crs, FormatError> {
    declared
        .resolve(file, opts.crs.as_deref())
        .map_err(|e| match layer {
            Some(l) => e.in_layer(l),
            None => e,
        })
        .or_else(|e| first_bad().and(Err(e)))
}

/// The reference route from a non-GeoJSON file to parcels: its features reprojected and
/// written as one GeoJSON FeatureCollection text, for the GeoJSON reader to parse. [`read`]
/// gives exactly the parcels and errors this text gives; this route is kept to show that.
///
/// ```no_run
/// use allot::read::formats::read_as_geojson;
/// use allot::read::{SourceOptions, sniff_path};
/// let path = std::path::Path::new("site.gpkg");
/// let format = sniff_path(path).unwrap();
/// let converted = read_as_geojson(path, format, &SourceOptions::default()).unwrap();
/// let set = allot::read::parse_parcels(converted.geojson.as_bytes(), &converted.name).unwrap();
/// ```
pub fn read_as_geojson(
    path: &Path,
    format: Format,
    opts: &SourceOptions,
) -> Result<Converted, FormatError> {
    let file = path.display().to_string();
    let layer = read_layer(path, &file, format, opts)?;
    let crs = resolve(&layer, &file, opts)?;
    let in_layer = |e: FormatError| match &layer.layer {
        Some(l) => e.in_layer(l),
        None => e,
    };
    let geojson =
        to_geojson(&layer.features, &crs, layer.layer.as_deref()).map_err(|(i, id, m)| {
            in_layer(FormatError {
                file: file.to_string(),
                layer: None,
                feature: Some((i + 1, id)),
                message: m,
            })
        })?;
    let name = match &layer.layer {
        Some(l) => format!("{file}, layer {l:?}"),
        None => file.to_string(),
    };
    let crs = (!crs.is_wgs84()).then_some(crs.code());
    Ok(Converted { name, geojson, crs })
}

/// The features of a non-GeoJSON file, in its own CRS, read by the format's reader.
fn read_layer(
    path: &Path,
    file: &str,
    format: Format,
    opts: &SourceOptions,
) -> Result<SourceLayer, FormatError> {
    Ok(match format {
        Format::Shapefile => shp::read_path(path, file)?,
        Format::Zip => archive::read_zip(path, file, opts)?,
        Format::GeoPackage => gpkg::read(path, file, opts.layer.as_deref())?,
        Format::Kml => {
            let bytes = read_bytes(path, file)?;
            kml::read(&bytes, file)?
        }
        Format::FlatGeobuf => {
            let bytes = read_bytes(path, file)?;
            fgb::read(&bytes, file)?
        }
        Format::Csv => {
            let bytes = read_bytes(path, file)?;
            csv_wkt::read(&bytes, file, opts.wkt_column.as_deref())?
        }
        Format::Parquet => geoparquet::read(path, file)?,
        other => return Err(FormatError::file(file, other.refusal(file))),
    })
}

/// The CRS a layer's coordinates are in: `--crs`, else what the file declares.
fn resolve(layer: &SourceLayer, file: &str, opts: &SourceOptions) -> Result<Crs, FormatError> {
    layer
        .crs
        .resolve(file, opts.crs.as_deref())
        .map_err(|e| match &layer.layer {
            Some(l) => e.in_layer(l),
            None => e,
        })
}

/// Text bytes as a string, invalid UTF-8 replaced by U+FFFD (as `String::from_utf8_lossy`,
/// checked faster when the text is valid, as it almost always is).
fn text_of(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn read_bytes(path: &Path, file: &str) -> Result<Vec<u8>, FormatError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| FormatError::file(file, format!("cannot read: {e}")))?;
    if meta.len() > crate::read::MAX_INPUT_BYTES {
        return Err(FormatError::file(
            file,
            format!(
                "{} bytes is more than allot reads; split the file",
                meta.len()
            ),
        ));
    }
    std::fs::read(path).map_err(|e| FormatError::file(file, format!("cannot read: {e}")))
}
