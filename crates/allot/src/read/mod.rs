//! Reading a GeoJSON FeatureCollection of parcels.
//!
//! The reader is allot's front door and never trusts its input. It parses the whole text once
//! with serde_json, keeping each feature as a borrowed raw slice, then turns features into
//! [`Parcel`]s in parallel. A GeoJSON file named by path is first streamed (`stream.rs`: read
//! in chunks on one thread while the others parse, never held whole); whatever the stream
//! does not handle is read whole as described here, so results and errors do not depend on
//! which way a file was read. Every problem becomes a [`ReadError`] naming the file, the feature's
//! 1-based position and id, and what is wrong; nothing in here can panic on bad input.
//!
//! # One contract, two paths
//! Each feature is read by the fast path (`fast.rs`: one pass over a well-formed feature with
//! the coordinate scanner of [`coords`]) and, when the fast path declines (anything unusual or
//! wrong), by the serde path (`serde_path.rs`: serde_json, with a precise diagnosis). The
//! contract: for every feature the fast path accepts, it returns exactly the [`Parcel`] the serde
//! path returns (tested on every feature of the bundled site and on mutated inputs); it never
//! reports an error itself. A new input format goes beside them as its own file producing
//! [`ParcelSet`]s and the same [`ReadError`]s.
//!
//! Decisions, per RFC 7946 and the behaviour of the crates underneath:
//! - Polygon and MultiPolygon features only; holes allowed; clockwise rings accepted.
//! - A position needs 2 or 3 finite numbers (more are allowed and ignored); Z is ignored.
//! - Longitude must lie in [-180, 180] and latitude in [-90, 90]; numbers that look like
//!   projected metres get a hint to reproject; a ring that jumps more than 180° of longitude
//!   between two positions crosses the antimeridian and must be split (RFC 7946 §3.1.9).
//! - A ring needs 4 or more positions and must be closed (first = last); allot does not close
//!   rings for you, since an unclosed ring usually means a truncated or hand-edited file.
//! - A legacy `crs` member naming another CRS (or `--crs`) is reprojected to WGS84 lon/lat
//!   ([`geojson_crs`]); one allot does not know is refused, naming it.
//! - Other formats (Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, CSV with WKT, GeoParquet) are
//!   recognised by content ([`sniff()`]) and read by [`formats`] straight into parcels, with
//!   this reader's id rules and ring checks, so they give the same parcels and the same checks.
//! - Properties are kept verbatim (raw JSON) and written back unchanged.

pub mod coords;
mod degrees_check;
mod error;
mod fast;
pub mod formats;
pub mod geojson_crs;
mod serde_path;
pub mod sniff;
mod stream;
#[cfg(test)]
mod tests;

use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

pub use self::degrees_check::degrees_in_projected_crs;
pub use self::error::{FeatureProblem, ReadError};
pub use self::formats::{FormatError, SourceOptions};
pub use self::sniff::{Format, sniff, sniff_path};
use self::{fast::*, serde_path::*};
use crate::model::{FeatureIdKind, Parcel, ParcelDetails, ParcelId, ParcelSet, intern_label};
pub use crate::model::{FeatureRef, PropertiesError};

// `non_empty` lives here, not in `model/`, because its error is a `ReadError` (the read layer
// sits above the model).
impl ParcelSet {
    /// The set itself, or [`ReadError::NoParcels`] when it holds no parcels: for commands to
    /// which an empty input is a mistake rather than a clean result.
    ///
    /// ```
    /// let set = allot::parse_parcels(br#"{"type":"FeatureCollection","features":[]}"#, "in.geojson").unwrap();
    /// let e = set.non_empty().unwrap_err();
    /// assert_eq!(e.to_string(), "in.geojson: no parcels in the file (its FeatureCollection has no features)");
    /// ```
    pub fn non_empty(self) -> Result<Self, ReadError> {
        if self.parcels.is_empty() {
            return Err(ReadError::NoParcels { file: self.source });
        }
        Ok(self)
    }
}

/// Inputs larger than this are refused before they are read whole (they would not fit in memory
/// alongside the parsed parcels on an ordinary machine). A GeoJSON file named by path that the
/// stream reads (a FeatureCollection without a `crs` member, no `--crs`) is never held whole and
/// may be larger.
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// How to read parcels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadOptions {
    /// Keep each feature's raw `properties` (needed to write them back or to read arbitrary
    /// properties). Commands that only check geometry and zones leave them out, which saves
    /// about a third of the memory on large files.
    pub keep_properties: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            keep_properties: true,
        }
    }
}

/// Reads parcels from a path, or from standard input when the path is `-`.
///
/// ```no_run
/// let set = allot::read_parcels(std::path::Path::new("data/psm-site.geojson")).unwrap();
/// println!("{} parcels", set.parcels.len());
/// ```
pub fn read_parcels(path: &Path) -> Result<ParcelSet, ReadError> {
    read_parcels_with(path, ReadOptions::default())
}

/// [`read_parcels`] with options.
///
/// ```no_run
/// use allot::read::{read_parcels_with, ReadOptions};
/// let opts = ReadOptions { keep_properties: false };
/// let set = read_parcels_with(std::path::Path::new("big.geojson"), opts).unwrap();
/// assert!(set.parcels.iter().all(|p| p.properties().is_none()));
/// ```
pub fn read_parcels_with(path: &Path, opts: ReadOptions) -> Result<ParcelSet, ReadError> {
    read_parcels_from(path, opts, &SourceOptions::default())
}

/// [`read_parcels_with`] for any format allot reads, with the CRS, layer and WKT column of
/// [`SourceOptions`]. This is the one place a reader is chosen: by the file's content
/// ([`sniff()`]), whatever its extension.
///
/// ```no_run
/// use allot::read::{read_parcels_from, ReadOptions, SourceOptions};
/// let source = SourceOptions { crs: Some("EPSG:24312".into()), ..Default::default() };
/// let set = read_parcels_from(std::path::Path::new("site.shp"), ReadOptions::default(), &source).unwrap();
/// ```
pub fn read_parcels_from(
    path: &Path,
    opts: ReadOptions,
    source: &SourceOptions,
) -> Result<ParcelSet, ReadError> {
    // A GeoJSON file is streamed (never held whole) when the stream can read it; anything it
    // cannot is read whole, which gives the same parcels and the precise errors.
    if source.crs.is_none()
        && path.as_os_str() != "-"
        && path.is_file()
        && matches!(sniff_path(path), Ok(Format::GeoJson))
        && let Some(set) = stream::stream_parcels(path, opts, stream::CHUNK_BYTES)
    {
        return Ok(set);
    }
    // Other formats are read by their readers, without holding the file's bytes as well.
    if path.as_os_str() != "-" && path.is_file() {
        let format = sniff_path(path)?;
        if format != Format::GeoJson {
            return formats::read(path, format, source, opts);
        }
    }
    read_parcels_and_bytes(path, opts, source).map(|(set, _)| set)
}

/// [`read_parcels_from`] that also returns the bytes of the file named (of standard input
/// when it is `-`), for callers that record the input's SHA-256. For a format made of several
/// files (a shapefile's `.shp` with its `.dbf`, `.shx`, `.prj`) these are the named file's bytes.
///
/// ```no_run
/// use allot::read::{read_parcels_and_bytes, ReadOptions, SourceOptions};
/// let (set, bytes) = read_parcels_and_bytes(
///     std::path::Path::new("data/psm-site.geojson"), ReadOptions::default(), &SourceOptions::default()).unwrap();
/// println!("{} parcels from {} bytes", set.parcels.len(), bytes.len());
/// ```
pub fn read_parcels_and_bytes(
    path: &Path,
    opts: ReadOptions,
    source: &SourceOptions,
) -> Result<(ParcelSet, Vec<u8>), ReadError> {
    if path.as_os_str() != "-" && path.is_file() {
        let format = sniff_path(path)?;
        if format != Format::GeoJson {
            let set = formats::read(path, format, source, opts)?;
            let (_, bytes) = read_bytes(path)?;
            return Ok((set, bytes));
        }
    }
    let (name, bytes) = read_bytes(path)?;
    if path.as_os_str() == "-" {
        let format = sniff(&bytes[..bytes.len().min(4096)], path);
        if format != Format::GeoJson {
            return Err(FormatError::file(
                &name,
                format!(
                    "this is {} data; allot reads only GeoJSON from standard input: save it to a file and name the file",
                    format.name()
                ),
            )
            .into());
        }
    }
    let set = parse_parcels_from(&bytes, &name, opts, source.crs.as_deref())?;
    Ok((set, bytes))
}

/// The bytes of a path (standard input when it is `-`) and how the input is named in
/// messages, refusing inputs larger than [`MAX_INPUT_BYTES`].
pub fn read_bytes(path: &Path) -> Result<(String, Vec<u8>), ReadError> {
    Ok(if path.as_os_str() == "-" {
        let name = "<stdin>".to_string();
        let mut buf = Vec::new();
        use std::io::Read;
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|error| ReadError::Io {
                file: name.clone(),
                error,
            })?;
        if buf.len() as u64 > MAX_INPUT_BYTES {
            return Err(ReadError::TooLarge {
                file: name,
                size: buf.len() as u64,
                limit: MAX_INPUT_BYTES,
            });
        }
        (name, buf)
    } else {
        let name = path.display().to_string();
        let io = |error| ReadError::Io {
            file: name.clone(),
            error,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::other("is a directory")));
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(ReadError::TooLarge {
                file: name,
                size: meta.len(),
                limit: MAX_INPUT_BYTES,
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        (name, bytes)
    })
}

/// Parses parcels from bytes; `name` is how the input is named in messages.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{"zone":"mill"},
///    "geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "example").unwrap();
/// assert_eq!(set.parcels[0].id.as_str(), "A");
/// assert_eq!(set.parcels[0].zone.as_deref(), Some("mill"));
/// ```
pub fn parse_parcels(bytes: &[u8], name: &str) -> Result<ParcelSet, ReadError> {
    parse_parcels_with(bytes, name, ReadOptions::default())
}

/// [`parse_parcels`] with options.
pub fn parse_parcels_with(
    bytes: &[u8],
    name: &str,
    opts: ReadOptions,
) -> Result<ParcelSet, ReadError> {
    parse_parcels_from(bytes, name, opts, None)
}

/// [`parse_parcels_with`] for GeoJSON whose coordinates are in `crs` (`--crs`, overriding a
/// legacy `crs` member) or in the CRS its legacy `crs` member names: reprojected to WGS84
/// first.
pub fn parse_parcels_from(
    bytes: &[u8],
    name: &str,
    opts: ReadOptions,
    crs: Option<&str>,
) -> Result<ParcelSet, ReadError> {
    let (bom, bytes) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, bytes),
    };
    let text = std::str::from_utf8(bytes).map_err(|e| ReadError::Utf8 {
        file: name.to_string(),
        offset: bom + e.valid_up_to(),
    })?;
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return Err(ReadError::NotFeatureCollection {
            file: name.to_string(),
            found: "the file is empty".into(),
        });
    }
    // The fast structural scan handles well-formed files; anything it does not accept is
    // parsed again by serde_json, which gives the precise error.
    let top = match fast_top(text) {
        Some(top) => TopLevel::Object(top),
        None => serde_json::from_str(text).map_err(|e| ReadError::Json {
            file: name.to_string(),
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })?,
    };
    let not_fc = |found: String| ReadError::NotFeatureCollection {
        file: name.to_string(),
        found,
    };
    let top = match top {
        TopLevel::Other(what) => return Err(not_fc(format!("found {what}"))),
        TopLevel::Object(o) => o,
    };
    match top.kind.as_deref() {
        Some("FeatureCollection") => {}
        Some(
            other @ ("Feature" | "Polygon" | "MultiPolygon" | "Point" | "LineString" | "MultiPoint"
            | "MultiLineString" | "GeometryCollection"),
        ) => {
            return Err(not_fc(format!(
                "found a bare {other}; wrap it in a FeatureCollection"
            )));
        }
        Some(other) => return Err(not_fc(format!("\"type\" is {other:?}"))),
        None if text.contains("\"geometryType\"") && text.contains("\"esriGeometry") => {
            // ArcGIS's Features To JSON, and ArcGIS REST queries without f=geojson.
            return Err(not_fc(
                "the top-level object has no \"type\": this is Esri JSON (\"geometryType\": \"esriGeometry…\", features of \"attributes\" and \"geometry\"), not GeoJSON; convert it with `ogr2ogr -f GeoJSON out.geojson in.json`, or export GeoJSON from ArcGIS Pro (Features To JSON, Output to GeoJSON)".into(),
            ));
        }
        None => return Err(not_fc("the top-level object has no \"type\"".into())),
    }
    let declared = match crs {
        Some(user) => Some((user.to_string(), "--crs")),
        None => match &top.crs {
            Some(c) if check_crs(c).is_err() => Some((
                geojson_crs::legacy_crs_name(c).map_or_else(|| c.to_string(), str::to_string),
                "the legacy \"crs\" member",
            )),
            _ => None,
        },
    };
    if let Some((declared, by)) = declared {
        let crs_err = |why: String| ReadError::Crs {
            file: name.to_string(),
            name: why,
        };
        let target = crate::crs::Crs::from_name(&declared)
            .map_err(|e| crs_err(format!("{by} names {declared:?}: {e}")))?;
        if !target.is_wgs84() || top.crs.is_some() {
            let text = geojson_crs::reproject(text, &target).map_err(|e| {
                crs_err(format!(
                    "cannot reproject from {target}, which {by} names: {e}"
                ))
            })?;
            let mut set = parse_parcels_from(text.as_bytes(), name, opts, None)?;
            set.crs = (!target.is_wgs84()).then_some(target.code());
            return Ok(set);
        }
    }
    let Some(features) = top.features else {
        return Err(not_fc("it has no \"features\" array".into()));
    };
    let base = text.as_ptr() as usize;
    let parse = |i: usize| {
        let raw: &str = features[i];
        parse_feature(
            i,
            raw,
            text,
            raw.as_ptr() as usize - base,
            opts.keep_properties,
        )
    };
    let parcels =
        parse_all(features.len(), parse).map_err(|(feature, problem)| ReadError::Feature {
            file: name.to_string(),
            feature,
            problem,
        })?;
    Ok(ParcelSet {
        source: name.to_string(),
        parcels,
        members: top.members,
        crs: None,
    })
}

/// Parses features `0..n` in parallel straight into one exactly-sized `Vec` (an indexed
/// collect writes each parcel in place, so the parcels are never held twice). On failure it
/// returns the first failing feature in file order, whatever order the threads ran in: every
/// feature before the earliest failure seen so far is still parsed, features after it are
/// skipped.
fn parse_all(
    n: usize,
    parse: impl Fn(usize) -> FeatureResult + Sync,
) -> Result<Vec<Parcel>, (FeatureRef, FeatureProblem)> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let first_bad = AtomicUsize::new(usize::MAX);
    let failure: Mutex<Option<(usize, (FeatureRef, FeatureProblem))>> = Mutex::new(None);
    let mut parcels = Vec::new();
    (0..n)
        .into_par_iter()
        .map(|i| {
            if i > first_bad.load(Ordering::Relaxed) {
                return Parcel::placeholder(i);
            }
            parse(i).unwrap_or_else(|e| {
                let mut slot = failure.lock().unwrap_or_else(|p| p.into_inner());
                if slot.as_ref().is_none_or(|(j, _)| i < *j) {
                    *slot = Some((i, e));
                    first_bad.fetch_min(i, Ordering::Relaxed);
                }
                Parcel::placeholder(i)
            })
        })
        .collect_into_vec(&mut parcels);
    match failure.into_inner().unwrap_or_else(|p| p.into_inner()) {
        Some((_, e)) => Err(e),
        None => Ok(parcels),
    }
}

/// serde_json appends " at line L column C" to messages; allot reports the position itself.
/// It also says "a number" where serde says "f64".
fn strip_position(msg: &str) -> String {
    let msg = match msg.rfind(" at line ") {
        Some(i) => &msg[..i],
        None => msg,
    };
    msg.replace("expected f64", "expected a number")
}

/// 1-based (line, column) of a byte offset in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = match before.iter().rposition(|&b| b == b'\n') {
        Some(nl) => offset - nl,
        None => offset + 1,
    };
    (line, col)
}

fn check_crs(crs: &Value) -> Result<(), String> {
    if crs.is_null() {
        return Ok(());
    }
    let name = crs
        .get("properties")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str);
    let Some(name) = name else {
        return Err(format!("an unsupported CRS ({crs})"));
    };
    let n = name.to_ascii_uppercase();
    let wgs84 = n.ends_with("CRS84")
        || n == "EPSG:4326"
        || (n.starts_with("URN:OGC:DEF:CRS:EPSG:") && n.ends_with(":4326"));
    if wgs84 { Ok(()) } else { Err(name.to_string()) }
}

type FeatureResult = Result<Parcel, (FeatureRef, FeatureProblem)>;

fn parse_feature(
    index: usize,
    raw: &str,
    text: &str,
    offset: usize,
    keep_properties: bool,
) -> FeatureResult {
    match fast_parcel(index, raw, keep_properties) {
        Some(p) => Ok(p),
        None => parse_feature_serde(index, raw, text, offset, keep_properties),
    }
}

/// `properties.access` as lower-case tags, blanks dropped: the array's strings, or (`split`)
/// one string listing them separated by `,` or `;`. Both readers use this one rule.
fn access_tags<'a>(items: impl IntoIterator<Item = &'a str>, split: bool) -> Vec<String> {
    let tag = |s: &str| s.trim().to_ascii_lowercase();
    let mut out = Vec::new();
    for item in items {
        if split {
            out.extend(item.split([',', ';']).map(tag));
        } else {
            out.push(tag(item));
        }
    }
    out.retain(|s| !s.is_empty());
    out
}
