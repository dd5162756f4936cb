//! Writing output: GeoJSON ([`write_feature_collection`]), the GIS formats chosen by an
//! output's extension ([`OutFormat`], [`write_layers`]: GeoPackage, Shapefile (a file set or
//! `.shp.zip`), KML, FlatGeobuf, GeoParquet), and atomic output files that never overwrite an input
//! ([`write_atomic`], [`check_outputs`]).
//!
//! All work is in WGS84 longitude/latitude; a writer moves geometry into the output CRS at
//! the last step, through [`crate::crs::Crs::multipolygon_from_wgs84`] (the one place an
//! output CRS is applied). The output CRS ([`output_crs`]): GeoJSON (RFC 7946) and KML are
//! always WGS84; the other formats take `--out-crs` when given, else, as GIS tools do, the
//! input's CRS.

mod atomic;
mod fgb;
mod format;
mod geojson;
mod geoparquet;
mod gpkg;
mod kml;
mod layer;
mod shapefile;
mod wkb;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

pub use self::atomic::{
    OutputError, check_not_input, check_outputs, remove_temporaries, resolve_output, write_atomic,
    write_atomic_file, write_atomic_with,
};
/// The FlatGeobuf writer, with and without a spatial index, for the reader's tests.
#[cfg(test)]
pub(crate) use self::fgb::{bytes as fgb_bytes, bytes_with_index as fgb_bytes_with_index};
pub use self::format::{OUTPUT_EXTENSIONS, OutFormat, UnknownFormat, layer_path};
pub use self::geojson::{
    OutFeature, feature_collection_text, feature_text, write_feature_collection,
};
pub(crate) use self::geojson::{Stopped, collection_text, write_collection};
pub use self::layer::{Column, ColumnType, Layer, LayerFeature, LayerGeometry, cell, scalar};
pub use self::shapefile::dbf_names;
use crate::crs::Crs;

/// How to write layers: the output CRS, the zone fills of a KML, the inputs not to overwrite.
#[derive(Debug, Clone, Copy)]
pub struct WriteOptions<'a> {
    /// The output CRS (see [`output_crs`]).
    pub crs: &'a Crs,
    /// KML fill colour (RGB) of each zone, by the features' `zone` property; other features
    /// are pale grey.
    pub fills: &'a [(String, [u8; 3])],
    /// Input files: no output file may be one of them.
    pub inputs: &'a [&'a Path],
    /// The document's title (KML).
    pub title: &'a str,
}

/// The CRS an output of `format` is written in. GeoJSON (RFC 7946) and KML are WGS84
/// longitude/latitude by their specifications, whatever is asked. Other formats take
/// `requested` (`--out-crs`) when given, else the input's CRS (`input`, its EPSG code; `None`
/// for WGS84), as GIS tools do.
///
/// ```
/// use std::path::Path;
/// use allot::write::{output_crs, OutFormat};
/// let p = Path::new("plan.gpkg");
/// assert_eq!(output_crs(p, OutFormat::GeoPackage, None, Some(24312)).unwrap().code(), 24312);
/// assert_eq!(output_crs(p, OutFormat::GeoPackage, Some("EPSG:32642"), Some(24312)).unwrap().code(), 32642);
/// assert_eq!(output_crs(p, OutFormat::GeoJson, Some("EPSG:32642"), Some(24312)).unwrap().code(), 4326);
/// assert_eq!(output_crs(p, OutFormat::Kml, Some("EPSG:32642"), None).unwrap().code(), 4326);
/// assert!(output_crs(p, OutFormat::Shapefile, Some("EPSG:0"), None).is_err());
/// ```
pub fn output_crs(
    path: &Path,
    format: OutFormat,
    requested: Option<&str>,
    input: Option<u32>,
) -> Result<Crs, OutputError> {
    let fail = |message: String| OutputError::Crs {
        path: path.display().to_string(),
        message,
    };
    if format.is_wgs84_format() {
        return Ok(Crs::wgs84());
    }
    Ok(match (requested, input) {
        (Some(name), _) => {
            Crs::from_name(name).map_err(|e| fail(format!("--out-crs {name}: {e}")))?
        }
        (None, Some(code)) => Crs::from_epsg(code).map_err(|e| fail(e.to_string()))?,
        (None, None) => Crs::wgs84(),
    })
}

/// A layer with its geometry moved from WGS84 into `crs`.
fn reprojected(layer: &Layer, crs: &Crs, path: &Path) -> Result<Layer, OutputError> {
    let features = layer
        .features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let geometry = match &f.geometry {
                LayerGeometry::Polygons(m) => {
                    crs.multipolygon_from_wgs84(m).map(LayerGeometry::Polygons)
                }
                LayerGeometry::Point(c) => crs.from_wgs84(*c).map(LayerGeometry::Point),
            };
            let geometry = geometry.map_err(|e| OutputError::Crs {
                path: path.display().to_string(),
                message: format!(
                    "layer {:?}, feature {}{}: {e}",
                    layer.name,
                    i + 1,
                    match f.properties.get("id") {
                        Some(id) if !id.is_null() => format!(" (id {})", scalar(id)),
                        _ => String::new(),
                    }
                ),
            })?;
            Ok(LayerFeature {
                geometry,
                properties: f.properties.clone(),
            })
        })
        .collect::<Result<_, OutputError>>()?;
    Ok(Layer {
        name: layer.name.clone(),
        features,
        declared: layer.declared.clone(),
    })
}

/// The layers a file of a one-geometry-type-per-file format gets: the non-empty ones (or the
/// first, when all are empty), each with its file (`stem_<layer>.ext` when there are several).
fn files_of<'a>(path: &Path, layers: &'a [Layer]) -> Vec<(PathBuf, &'a Layer)> {
    let mut kept: Vec<&Layer> = layers.iter().filter(|l| !l.features.is_empty()).collect();
    if kept.is_empty() {
        kept.extend(layers.first());
    }
    if layers.len() == 1 {
        return kept.into_iter().map(|l| (path.to_path_buf(), l)).collect();
    }
    kept.into_iter()
        .map(|l| (layer_path(path, &format!("_{}", l.name)), l))
        .collect()
}

/// The zip archive of a Shapefile file set named `stem`.
fn zip_of(stem: &str, files: &[(&'static str, Vec<u8>)]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        // A fixed timestamp keeps the archive byte-identical for the same input.
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(zip::DateTime::default());
        for (ext, bytes) in files {
            z.start_file(format!("{stem}.{ext}"), opts)
                .map_err(std::io::Error::other)?;
            z.write_all(bytes)?;
        }
        z.finish().map_err(std::io::Error::other)?;
    }
    Ok(buf.into_inner())
}

/// Writes `layers` (geometry in WGS84) to `path` in `format`, in the output CRS of `opts`,
/// and returns the files written. GeoPackage holds every layer as a table; Shapefile,
/// FlatGeobuf and GeoParquet write one file (set) per non-empty layer, named `<stem>_<layer>` when there are
/// several; KML puts each layer in a folder; GeoJSON writes one collection with a legacy
/// `crs` member when the CRS is not WGS84. Every file is written atomically; none is written
/// over an input.
pub fn write_layers(
    path: &Path,
    format: OutFormat,
    layers: &[Layer],
    opts: &WriteOptions<'_>,
) -> Result<Vec<PathBuf>, OutputError> {
    let layers: Vec<Layer> = if format == OutFormat::Kml {
        layers.to_vec()
    } else {
        layers
            .iter()
            .map(|l| reprojected(l, opts.crs, path))
            .collect::<Result<_, _>>()?
    };
    let encode = |format: OutFormat, message: String| OutputError::Encode {
        path: path.display().to_string(),
        format: format.name(),
        message,
    };
    let mut written = Vec::new();
    let mut emit = |p: PathBuf, bytes: &[u8]| -> Result<(), OutputError> {
        check_not_input(&p, opts.inputs)?;
        write_atomic(&p, bytes)?;
        written.push(p);
        Ok(())
    };
    match format {
        OutFormat::GeoJson => {
            let texts = layers.iter().flat_map(|l| &l.features).map(|f| {
                let geometry = match &f.geometry {
                    LayerGeometry::Point(c) => ::geojson::GeometryValue::from(&geo::Point(*c)),
                    LayerGeometry::Polygons(m) if m.0.len() == 1 => {
                        ::geojson::GeometryValue::from(&m.0[0])
                    }
                    LayerGeometry::Polygons(m) => ::geojson::GeometryValue::from(m),
                };
                serde_json::to_string(&serde_json::json!({
                    "type": "Feature",
                    "properties": f.properties,
                    "geometry": ::geojson::Geometry::new(geometry),
                }))
                .unwrap_or_default()
            });
            let mut members = Map::new();
            if !opts.crs.is_wgs84() {
                members.insert("crs".into(), crs_member(opts.crs));
            }
            emit(
                path.to_path_buf(),
                collection_text(&members, texts).as_bytes(),
            )?;
        }
        OutFormat::Kml => {
            let doc = kml::document(opts.title, &layers, opts.fills);
            emit(path.to_path_buf(), doc.as_bytes())?;
        }
        OutFormat::FlatGeobuf => {
            for (p, layer) in files_of(path, &layers) {
                let bytes = fgb::bytes(layer, opts.crs).map_err(|m| encode(format, m))?;
                emit(p, &bytes)?;
            }
        }
        OutFormat::GeoParquet => {
            for (p, layer) in files_of(path, &layers) {
                let bytes = geoparquet::bytes(layer, opts.crs)
                    .map_err(|e| encode(format, e.to_string()))?;
                emit(p, &bytes)?;
            }
        }
        OutFormat::Shapefile => {
            for (p, layer) in files_of(path, &layers) {
                let files = shapefile::files(layer, opts.crs);
                for (ext, bytes) in &files {
                    emit(p.with_extension(ext), bytes)?;
                }
            }
        }
        OutFormat::ShapefileZip => {
            for (p, layer) in files_of(path, &layers) {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let stem = &name[..name.len().saturating_sub(".shp.zip".len())];
                let files = shapefile::files(layer, opts.crs);
                let bytes = zip_of(stem, &files).map_err(|e| encode(format, e.to_string()))?;
                emit(p, &bytes)?;
            }
        }
        OutFormat::GeoPackage => {
            check_not_input(path, opts.inputs)?;
            write_atomic_file(path, |tmp| gpkg::write(tmp, &layers, opts.crs))?;
            written.push(path.to_path_buf());
        }
    }
    Ok(written)
}

/// Writes parcels to `path` in `format`: GeoJSON as [`write_feature_collection`] writes it
/// (with `members`, and a legacy `crs` member when the output CRS is not WGS84), any other
/// format as one layer named after the file (see [`parcel_layer`] and [`write_layers`]).
/// Returns the files written.
pub fn write_parcels(
    path: &Path,
    format: OutFormat,
    features: &[OutFeature],
    members: &Map<String, Value>,
    opts: &WriteOptions<'_>,
) -> Result<Vec<PathBuf>, OutputError> {
    let feature = |i: usize| Ok::<_, std::convert::Infallible>(Cow::Borrowed(&features[i]));
    write_parcels_from(path, format, features.len(), &feature, members, opts).map_err(|e| match e {
        StreamError::Output(e) => e,
        StreamError::Feature(never) => match never {},
    })
}

/// Why [`write_parcels_streamed`] wrote nothing: a feature could not be made, or the output
/// could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StreamError<E> {
    /// Making a feature failed (the error of the caller's `feature`).
    #[error("{0}")]
    Feature(E),
    /// Writing failed.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// [`write_parcels`] with the features made one at a time by `feature` (positions
/// `0..count`), for outputs too large to hold whole: GeoJSON is streamed to the file, so one
/// feature is held at a time and the bytes are those [`write_parcels`] writes; the other formats
/// turn each feature into its layer row as it is made (their writers take a whole layer). The
/// first feature that cannot be made stops the write, and no file is left behind.
///
/// ```
/// use allot::write::{write_parcels_streamed, OutFeature, OutFormat, StreamError, WriteOptions};
/// let square = geo::MultiPolygon(vec![geo::Polygon::new(
///     vec![(67.0, 24.0), (67.01, 24.0), (67.01, 24.01), (67.0, 24.0)].into(), vec![])]);
/// let feature = |i: usize| {
///     let mut properties = serde_json::Map::new();
///     properties.insert("n".into(), i.into());
///     Ok::<_, String>(OutFeature { id: None, geometry: square.clone(), multi: false, properties })
/// };
/// let crs = allot::crs::Crs::wgs84();
/// let opts = WriteOptions { crs: &crs, fills: &[], inputs: &[], title: "t" };
/// let path = std::env::temp_dir().join("allot-doc-streamed.geojson");
/// write_parcels_streamed(&path, OutFormat::GeoJson, 3, &feature, &Default::default(), &opts).unwrap();
/// let set = allot::read_parcels(&path).unwrap();
/// assert_eq!(set.parcels.len(), 3);
/// let failing = |i: usize| if i < 2 { feature(i) } else { Err("bad".to_string()) };
/// let gone = std::env::temp_dir().join("allot-doc-streamed-fails.geojson");
/// let e = write_parcels_streamed(&gone, OutFormat::GeoJson, 3, &failing, &Default::default(), &opts);
/// assert!(matches!(e, Err(StreamError::Feature(m)) if m == "bad"));
/// assert!(!gone.exists());
/// ```
pub fn write_parcels_streamed<E>(
    path: &Path,
    format: OutFormat,
    count: usize,
    feature: &dyn Fn(usize) -> Result<OutFeature, E>,
    members: &Map<String, Value>,
    opts: &WriteOptions<'_>,
) -> Result<Vec<PathBuf>, StreamError<E>> {
    let owned = |i: usize| feature(i).map(Cow::Owned);
    write_parcels_from(path, format, count, &owned, members, opts)
}

/// The one parcel writer behind [`write_parcels`] (borrowed features) and
/// [`write_parcels_streamed`] (features made one at a time).
fn write_parcels_from<'f, E>(
    path: &Path,
    format: OutFormat,
    count: usize,
    feature: &dyn Fn(usize) -> Result<Cow<'f, OutFeature>, E>,
    members: &Map<String, Value>,
    opts: &WriteOptions<'_>,
) -> Result<Vec<PathBuf>, StreamError<E>> {
    if format == OutFormat::GeoJson {
        let mut members = Cow::Borrowed(members);
        if !opts.crs.is_wgs84() {
            members.to_mut().insert("crs".into(), crs_member(opts.crs));
        }
        check_not_input(path, opts.inputs)?;
        let texts = (0..count).map(|i| {
            let f = feature(i).map_err(StreamError::Feature)?;
            if opts.crs.is_wgs84() {
                return Ok(feature_text(&f));
            }
            Ok(feature_text(&reproject_feature(&f, i, opts.crs, path)?))
        });
        // The first failure, kept whole: the atomic write sees a stand-in I/O error, which
        // removes the temporary file.
        let mut failed: Option<StreamError<E>> = None;
        let written = write_atomic_with(path, |w| match write_collection(w, &members, texts) {
            Ok(()) => Ok(()),
            Err(Stopped::Io(e)) => Err(e),
            Err(Stopped::Feature(e)) => {
                failed = Some(e);
                Err(std::io::Error::other("a feature could not be written"))
            }
        });
        return match (failed, written) {
            (Some(e), _) => Err(e),
            (None, Err(e)) => Err(e.into()),
            (None, Ok(())) => Ok(vec![path.to_path_buf()]),
        };
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let lower = name.to_ascii_lowercase();
    let stem = if lower.ends_with(".shp.zip") {
        &name[..name.len() - ".shp.zip".len()]
    } else {
        name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s)
    };
    let features = (0..count)
        .map(|i| feature(i).map(|f| layer_feature(&f)))
        .collect::<Result<Vec<_>, E>>()
        .map_err(StreamError::Feature)?;
    let layer = Layer {
        name: stem.to_string(),
        features,
        declared: Vec::new(),
    };
    Ok(write_layers(path, format, &[layer], opts)?)
}

/// The legacy GeoJSON `crs` member naming `crs` (`urn:ogc:def:crs:EPSG::N`), which GDAL and
/// allot's reader honour.
pub fn crs_member(crs: &Crs) -> Value {
    serde_json::json!({"type": "name", "properties": {"name": format!("urn:ogc:def:crs:EPSG::{}", crs.code())}})
}

/// Parcels as written by [`write_feature_collection`], as one layer named `name` for the
/// GIS writers: the feature's id goes into an `id` property when the properties lack one
/// (allot reads a parcel's id from `properties.id`), so ids survive every format.
pub fn parcel_layer(name: &str, features: &[OutFeature]) -> Layer {
    Layer {
        name: name.to_string(),
        features: features.iter().map(layer_feature).collect(),
        declared: Vec::new(),
    }
}

/// One parcel's row of [`parcel_layer`].
fn layer_feature(f: &OutFeature) -> LayerFeature {
    let mut properties = Map::new();
    if let Some(id) = &f.id
        && !f.properties.contains_key("id")
    {
        properties.insert("id".into(), id.clone());
    }
    properties.extend(f.properties.clone());
    LayerFeature {
        geometry: LayerGeometry::Polygons(f.geometry.clone()),
        properties,
    }
}

/// GeoJSON features moved from WGS84 into `crs` (for a GeoJSON output with `--out-crs`).
pub fn reproject_features(
    features: &[OutFeature],
    crs: &Crs,
    path: &Path,
) -> Result<Vec<OutFeature>, OutputError> {
    features
        .iter()
        .enumerate()
        .map(|(i, f)| reproject_feature(f, i, crs, path))
        .collect()
}

/// Feature `i` (0-based) of [`reproject_features`].
fn reproject_feature(
    f: &OutFeature,
    i: usize,
    crs: &Crs,
    path: &Path,
) -> Result<OutFeature, OutputError> {
    let geometry = crs
        .multipolygon_from_wgs84(&f.geometry)
        .map_err(|e| OutputError::Crs {
            path: path.display().to_string(),
            message: format!("feature {}: {e}", i + 1),
        })?;
    Ok(OutFeature {
        geometry,
        ..f.clone()
    })
}
