//! Parcels: reading a GeoJSON FeatureCollection of parcels, and writing parcels back as GeoJSON.
//!
//! The reader is allot's front door and never trusts its input. It parses the whole text once
//! with serde_json, keeping each feature as a borrowed raw slice, then turns features into
//! [`Parcel`]s in parallel. Every problem becomes a [`ReadError`] naming the file, the feature's
//! 1-based position and id, and what is wrong; nothing in here can panic on bad input.
//!
//! Decisions, per RFC 7946 and the traps in the crates underneath (see `CRATE-NOTES.md`):
//! - Polygon and MultiPolygon features only; holes allowed; clockwise rings accepted.
//! - A position needs 2 or 3 finite numbers (more are allowed and ignored); Z is ignored.
//! - Longitude must lie in [-180, 180] and latitude in [-90, 90]; numbers that look like
//!   projected metres get a hint to reproject; a ring that jumps more than 180° of longitude
//!   between two positions crosses the antimeridian and must be split (RFC 7946 §3.1.9).
//! - A ring needs 4 or more positions and must be closed (first = last); allot does not close
//!   rings for you, since an unclosed ring usually means a truncated or hand-edited file.
//! - A legacy `crs` member naming another CRS (or `--crs`) is reprojected to WGS84 lon/lat
//!   ([`crate::formats::geojson_crs`]); one allot does not know is refused, naming it.
//! - Other formats (Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, CSV with WKT) are recognised
//!   by content ([`crate::formats::sniff()`]), converted to GeoJSON by [`crate::formats`] and then
//!   read here, so they give the same parcels and the same checks.
//! - Properties are kept verbatim (raw JSON) and written back unchanged.

use std::borrow::Cow;
use std::fmt;
use std::path::Path;

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};
use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::formats::SourceOptions;

/// Inputs larger than this are refused before they are read (they would not fit in memory
/// alongside the parsed parcels on an ordinary machine).
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// A parcel's identifier: the Feature `id`, else `properties.id`, else `#N` (1-based position).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParcelId(pub String);

impl fmt::Display for ParcelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ParcelId {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One land parcel read from a GeoJSON feature.
///
/// Kept small (160 bytes on 64-bit targets) because a million of them are held at once: the
/// Feature `id` is rebuilt from [`Parcel::id`] by [`Parcel::feature_id`] rather than stored.
#[derive(Debug, Clone)]
pub struct Parcel {
    /// The parcel's id (see [`ParcelId`]).
    pub id: ParcelId,
    /// The geometry, always as a multipolygon (a Polygon feature becomes one part).
    pub geometry: MultiPolygon<f64>,
    /// `properties.zone`, when present and not null.
    pub zone: Option<String>,
    /// `properties.land_use`, when present and not null.
    pub land_use: Option<String>,
    /// The feature's `properties` exactly as they were in the input (`None` for null/absent).
    pub properties: Option<Box<RawValue>>,
    /// `properties.name`, when present and not null.
    pub name: Option<Box<str>>,
    /// `properties.access`: lower-case tags such as `port`, `rail`, `highway`.
    pub access: Vec<String>,
    /// 0-based position of the feature in its file (a file under [`MAX_INPUT_BYTES`] cannot
    /// hold more than `u32::MAX` features).
    pub index: u32,
    /// True when the feature's geometry was a MultiPolygon (written back as one).
    pub multi: bool,
    /// What the feature's own `id` member was (as opposed to `properties.id` or a position).
    feature_id: FeatureIdKind,
}

/// The JSON type of a Feature's `id` member; its text is the parcel's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FeatureIdKind {
    /// No `id` member (or `null`).
    Absent,
    /// A string `id`.
    String,
    /// A number `id` (its text as serde_json prints it, which reads back to the same number).
    Number,
}

impl Parcel {
    /// The properties as an ordered JSON object (empty when the feature had none or they were
    /// not kept). Fails, naming the feature, when the raw properties cannot be parsed into an
    /// object (nested deeper than serde_json's 128 levels): callers that write properties back
    /// must not drop them silently.
    ///
    /// ```
    /// let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    /// let text = format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"A",
    ///   "properties":{{"k":{deep}}},"geometry":{{"type":"Polygon",
    ///   "coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}}}]}}"#);
    /// let set = allot::parcels::parse_parcels(text.as_bytes(), "t").unwrap();
    /// let e = set.parcels[0].properties_map().unwrap_err();
    /// assert!(e.to_string().starts_with("feature 1 (id \"A\"): properties"));
    /// ```
    pub fn properties_map(&self) -> Result<Map<String, Value>, PropertiesError> {
        match &self.properties {
            None => Ok(Map::new()),
            Some(raw) => {
                serde_json::from_str::<Map<String, Value>>(raw.get()).map_err(|e| PropertiesError {
                    feature: FeatureRef {
                        position: self.index as usize + 1,
                        id: Some(self.id.0.clone()),
                    },
                    reason: e.to_string(),
                })
            }
        }
    }

    /// An empty stand-in for a feature that was not parsed (never returned to callers).
    fn placeholder(index: usize) -> Parcel {
        Parcel {
            id: ParcelId(String::new()),
            geometry: MultiPolygon(Vec::new()),
            zone: None,
            land_use: None,
            properties: None,
            name: None,
            access: Vec::new(),
            index: index as u32,
            multi: false,
            feature_id: FeatureIdKind::Absent,
        }
    }

    /// The Feature's own `id` member as read (`None` when it had none, or had `null`, and the
    /// id came from `properties.id` or the position).
    ///
    /// ```
    /// let text = br#"{"type":"FeatureCollection","features":[
    ///   {"type":"Feature","id":7,"properties":{"id":"P"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}},
    ///   {"type":"Feature","properties":{"id":"P"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
    /// let set = allot::parcels::parse_parcels(text, "t").unwrap();
    /// assert_eq!(set.parcels[0].feature_id(), Some(serde_json::json!(7)));
    /// assert_eq!(set.parcels[1].feature_id(), None);
    /// ```
    pub fn feature_id(&self) -> Option<Value> {
        match self.feature_id {
            FeatureIdKind::Absent => None,
            FeatureIdKind::String => Some(Value::String(self.id.0.clone())),
            FeatureIdKind::Number => serde_json::from_str(&self.id.0).ok(),
        }
    }

    /// The parcel's bounding rectangle (lon/lat degrees).
    pub fn bbox(&self) -> Rect<f64> {
        bbox_of(&self.geometry)
    }
}

/// The bounding rectangle of a non-empty multipolygon (a degenerate one at 0,0 when empty).
pub fn bbox_of(geometry: &MultiPolygon<f64>) -> Rect<f64> {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in &geometry.0 {
        for c in &p.exterior().0 {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        }
    }
    if min.x > max.x {
        return Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 });
    }
    Rect::new(min, max)
}

/// The parcels of one input file, plus the collection's own top-level members.
#[derive(Debug, Clone, Default)]
pub struct ParcelSet {
    /// How the input is named in messages: its path, or `<stdin>`.
    pub source: String,
    /// The parcels, in file order.
    pub parcels: Vec<Parcel>,
    /// Top-level members other than `type`, `features`, `bbox` and `crs` (e.g. `name`,
    /// `metadata`), kept to be written back and to caption maps.
    pub members: Map<String, Value>,
}

impl ParcelSet {
    /// `metadata.illustrative == true` in the input: maps and reports say so.
    pub fn is_illustrative(&self) -> bool {
        self.metadata_field("illustrative")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A field of the top-level `metadata` object, if any.
    pub fn metadata_field(&self, key: &str) -> Option<&Value> {
        self.members.get("metadata")?.as_object()?.get(key)
    }
}

/// Where in a file a feature sits: its 1-based position and its id when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRef {
    /// 1-based position in the `features` array.
    pub position: usize,
    /// The id, when the feature has one that could be read.
    pub id: Option<String>,
}

impl fmt::Display for FeatureRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "feature {} (id {:?})", self.position, id),
            None => write!(f, "feature {} (no id)", self.position),
        }
    }
}

/// A feature's properties, kept verbatim, cannot be parsed back into a JSON object to be
/// rewritten (they are nested deeper than serde_json's recursion limit of 128).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{feature}: properties cannot be rewritten without losing them ({reason}); flatten them to fewer than 128 levels of nesting"
)]
pub struct PropertiesError {
    /// Which feature.
    pub feature: FeatureRef,
    /// serde_json's description.
    pub reason: String,
}

/// What is wrong with one feature.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FeatureProblem {
    /// The feature's JSON does not have the expected shape.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// 1-based line in the file.
        line: usize,
        /// 1-based column in the file.
        column: usize,
        /// serde_json's description.
        message: String,
    },
    /// The element of `features` is not a Feature.
    #[error("not a GeoJSON Feature ({0})")]
    NotAFeature(String),
    /// `geometry` is null or absent.
    #[error("geometry is null; every parcel needs a Polygon or MultiPolygon")]
    NullGeometry,
    /// A geometry allot does not read as a parcel.
    #[error("geometry is a {0}; parcels must be Polygon or MultiPolygon")]
    UnsupportedGeometry(String),
    /// `properties` is neither an object nor null.
    #[error("properties must be a JSON object or null, found {0}")]
    BadProperties(String),
    /// The `id` is not a string or number.
    #[error("id must be a string or a number, found {0}")]
    BadId(String),
    /// A Polygon without rings, or a MultiPolygon without polygons.
    #[error("geometry has no coordinates (empty {0})")]
    Empty(String),
    /// A ring with fewer than 4 positions.
    #[error("{ring} has {count} positions; a closed ring needs at least 4")]
    TooFewPositions {
        /// Which ring, e.g. `polygon 1 shell`.
        ring: String,
        /// How many positions it has.
        count: usize,
    },
    /// A ring whose last position differs from its first.
    #[error("{ring} is not closed: its last position differs from its first (RFC 7946 §3.1.6)")]
    UnclosedRing {
        /// Which ring.
        ring: String,
    },
    /// A coordinate outside the WGS84 lon/lat ranges.
    #[error("{ring} position {position}: {message}")]
    OutOfRange {
        /// Which ring.
        ring: String,
        /// 1-based position within the ring.
        position: usize,
        /// What is out of range, with a hint when it looks projected or swapped.
        message: String,
    },
    /// A ring crossing the antimeridian.
    #[error(
        "{ring} crosses the antimeridian between positions {position} and {}; split it at ±180° (RFC 7946 §3.1.9)",
        position + 1
    )]
    Antimeridian {
        /// Which ring.
        ring: String,
        /// 1-based position before the jump.
        position: usize,
    },
}

/// Why a parcel file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {error}")]
    Io {
        /// The input's name.
        file: String,
        /// The underlying error.
        error: std::io::Error,
    },
    /// The file is too large to read.
    #[error("{file}: {size} bytes is more than allot reads ({limit} bytes); split the file")]
    TooLarge {
        /// The input's name.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset}); GeoJSON must be UTF-8")]
    Utf8 {
        /// The input's name.
        file: String,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The text is not JSON.
    #[error("{file}:{line}:{column}: not valid JSON: {message}")]
    Json {
        /// The input's name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// Valid JSON, but not a FeatureCollection.
    #[error("{file}: not a GeoJSON FeatureCollection: {found}")]
    NotFeatureCollection {
        /// The input's name.
        file: String,
        /// What was found instead.
        found: String,
    },
    /// A legacy `crs` member (or `--crs`) naming a system allot cannot reproject from.
    #[error(
        "{file}: the legacy \"crs\" member names {name}, which allot cannot reproject from; reproject first, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
    )]
    Crs {
        /// The input's name.
        file: String,
        /// The named CRS and why it cannot be used.
        name: String,
    },
    /// A file in another format that could not be read (see [`crate::formats`]).
    #[error(transparent)]
    Format(#[from] crate::formats::FormatError),
    /// One feature is unreadable.
    #[error("{file}: {feature}: {problem}")]
    Feature {
        /// The input's name.
        file: String,
        /// Which feature.
        feature: FeatureRef,
        /// What is wrong with it.
        problem: FeatureProblem,
    },
}

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
/// use allot::parcels::{read_parcels_with, ReadOptions};
/// let opts = ReadOptions { keep_properties: false };
/// let set = read_parcels_with(std::path::Path::new("big.geojson"), opts).unwrap();
/// assert!(set.parcels.iter().all(|p| p.properties.is_none()));
/// ```
pub fn read_parcels_with(path: &Path, opts: ReadOptions) -> Result<ParcelSet, ReadError> {
    read_parcels_from(path, opts, &SourceOptions::default())
}

/// [`read_parcels_with`] for any format allot reads, with the CRS, layer and WKT column of
/// [`SourceOptions`]. This is the one place a reader is chosen: by the file's content
/// ([`crate::formats::sniff()`]), whatever its extension.
///
/// ```no_run
/// use allot::formats::SourceOptions;
/// use allot::parcels::{read_parcels_from, ReadOptions};
/// let source = SourceOptions { crs: Some("EPSG:24312".into()), ..Default::default() };
/// let set = read_parcels_from(std::path::Path::new("site.shp"), ReadOptions::default(), &source).unwrap();
/// ```
pub fn read_parcels_from(
    path: &Path,
    opts: ReadOptions,
    source: &SourceOptions,
) -> Result<ParcelSet, ReadError> {
    if path.as_os_str() != "-" && path.is_file() {
        let format = crate::formats::sniff_path(path)?;
        if format != crate::formats::Format::GeoJson {
            let converted = crate::formats::read(path, format, source)?;
            return parse_parcels_from(converted.geojson.as_bytes(), &converted.name, opts, None);
        }
    }
    let (name, bytes) = if path.as_os_str() == "-" {
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
    };
    if path.as_os_str() == "-" {
        let format = crate::formats::sniff(&bytes[..bytes.len().min(4096)], path);
        if format != crate::formats::Format::GeoJson {
            return Err(crate::formats::FormatError::file(
                &name,
                format!(
                    "this is {} data; allot reads only GeoJSON from standard input: save it to a file and name the file",
                    format.name()
                ),
            )
            .into());
        }
    }
    parse_parcels_from(&bytes, &name, opts, source.crs.as_deref())
}

/// Parses parcels from bytes; `name` is how the input is named in messages.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{"zone":"mill"},
///    "geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}}]}"#;
/// let set = allot::parcels::parse_parcels(text, "example").unwrap();
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
        None => return Err(not_fc("the top-level object has no \"type\"".into())),
    }
    let declared = match crs {
        Some(user) => Some(user.to_string()),
        None => match &top.crs {
            Some(c) if check_crs(c).is_err() => Some(
                crate::formats::geojson_crs::legacy_crs_name(c)
                    .map_or_else(|| c.to_string(), str::to_string),
            ),
            _ => None,
        },
    };
    if let Some(declared) = declared {
        let crs_err = |why: String| ReadError::Crs {
            file: name.to_string(),
            name: why,
        };
        let target = crate::crs::Crs::from_name(&declared)
            .map_err(|e| crs_err(format!("{declared} ({e})")))?;
        if !target.is_wgs84() || top.crs.is_some() {
            let text = crate::formats::geojson_crs::reproject(text, &target)
                .map_err(|e| crs_err(format!("{target}: {e}")))?;
            return parse_parcels_from(text.as_bytes(), name, opts, None);
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

/// A structural scan of a well-formed top-level object: splits `features` into element slices
/// without parsing them (they are parsed, and so validated, one by one in parallel) and parses
/// the other members with serde_json. Returns `None` for anything unusual (escaped keys,
/// malformed structure, not an object), leaving the precise diagnosis to serde_json.
fn fast_top(text: &str) -> Option<TopObject<'_>> {
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut top = TopObject {
        kind: None,
        features: None,
        crs: None,
        members: Map::new(),
    };
    i = ws(i + 1);
    if b.get(i) == Some(&b'}') {
        return (ws(i + 1) == b.len()).then_some(top);
    }
    loop {
        // A key without escapes.
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = i + 1 + b[i + 1..].iter().position(|&c| c == b'"')?;
        let key = &text[i + 1..key_end];
        if key.contains('\\') {
            return None;
        }
        i = ws(key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(i + 1);
        if key == "features" && b.get(i) == Some(&b'[') {
            i = ws(i + 1);
            if b.get(i) == Some(&b']') {
                i += 1;
                top.features = Some(Vec::new());
            } else {
                let pieces = if b.len() - i >= 4 << 20 {
                    4 * rayon::current_num_threads()
                } else {
                    1
                };
                let (items, end) = split_elements(text, i, pieces)?;
                top.features = Some(items);
                i = end;
            }
        } else {
            let end = skip_value(b, i)?;
            let v: Value = serde_json::from_str(&text[i..end]).ok()?;
            match key {
                "type" => {
                    top.kind = Some(match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                }
                "crs" => top.crs = Some(v),
                "bbox" => {}
                // `features` that is not an array: let serde_json explain.
                "features" => return None,
                _ => {
                    top.members.insert(key.to_string(), v);
                }
            }
            i = end;
        }
        i = ws(i);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b'}') => return (ws(i + 1) == b.len()).then_some(top),
            _ => return None,
        }
    }
}

/// How a walk over array elements ([`walk_elements`]) ended.
enum WalkEnd {
    /// At an element start at or past the stop position.
    Reached(usize),
    /// At the closing `]`; the position just past it.
    Closed(usize),
}

/// Walks array elements from `i` (an element start): their slices, until the array closes or
/// an element start at or past `stop`. `None` with what was read for malformed structure.
fn walk_elements(text: &str, mut i: usize, stop: usize) -> (Vec<&str>, Option<WalkEnd>) {
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    };
    let mut items = Vec::new();
    loop {
        if i >= stop {
            return (items, Some(WalkEnd::Reached(i)));
        }
        let Some(item) = skip_value(b, i).and_then(|end| text.get(i..end)) else {
            return (items, None);
        };
        items.push(item);
        i = ws(i + item.len());
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b']') => return (items, Some(WalkEnd::Closed(i + 1))),
            _ => return (items, None),
        }
    }
}

/// The elements of the array whose first element starts at `first` (as slices of `text`),
/// and the position just past its `]`; `None` for malformed structure.
///
/// With `pieces > 1` the walk runs on several threads: the text is cut into `pieces` equal
/// parts, each part's walk starts at a guessed element start (the first `{` after the cut
/// whose previous non-blank byte is `,`) and stops at the next part's guess. The guesses are
/// then checked in order: a walk from a true element start visits exactly the true element
/// starts, so when the walk before a guess stops exactly on it the guess is true, and
/// otherwise (the guess was inside an element, say in a string) the walk simply goes on
/// alone from where it stopped. The result is always that of one walk from `first`.
fn split_elements(text: &str, first: usize, pieces: usize) -> Option<(Vec<&str>, usize)> {
    let b = text.as_bytes();
    let part = (b.len() - first) / pieces.max(1);
    let mut starts = vec![first];
    for k in 1..pieces {
        match guess_element_start(b, first + k * part) {
            Some(g) if g > *starts.last().unwrap_or(&first) => starts.push(g),
            Some(_) => {}
            None => break,
        }
    }
    let walks: Vec<_> = (0..starts.len())
        .into_par_iter()
        .map(|k| {
            walk_elements(
                text,
                starts[k],
                starts.get(k + 1).copied().unwrap_or(usize::MAX),
            )
        })
        .collect();
    let mut items = Vec::new();
    for (k, (part, end)) in walks.into_iter().enumerate() {
        items.extend(part);
        match end? {
            WalkEnd::Closed(after) => return Some((items, after)),
            WalkEnd::Reached(at) if Some(&at) == starts.get(k + 1) => {}
            WalkEnd::Reached(at) => {
                let (rest, end) = walk_elements(text, at, usize::MAX);
                items.extend(rest);
                return match end? {
                    WalkEnd::Closed(after) => Some((items, after)),
                    WalkEnd::Reached(_) => None,
                };
            }
        }
    }
    None
}

/// The first `{` at or after `from` whose previous non-blank byte is `,`: where an element
/// of an array of objects may start.
fn guess_element_start(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    loop {
        j += b.get(j..)?.iter().position(|&c| c == b'{')?;
        let mut k = j;
        while k > 0 && matches!(b[k - 1], b' ' | b'\n' | b'\r' | b'\t') {
            k -= 1;
        }
        if k > 0 && b[k - 1] == b',' {
            return Some(j);
        }
        j += 1;
    }
}

/// Bytes that matter to [`skip_value`] inside arrays and objects.
static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t
};

/// The end of the JSON value starting at `i` (strings and nesting respected, content not
/// validated), or `None` when the text ends first.
fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'[' | b'{' => {
            let mut depth = 0usize;
            while i < b.len() {
                // Skip runs of bytes without structure (digits, commas, letters) quickly.
                i = next_candidate(b, i);
                if i >= b.len() {
                    break;
                }
                if !STRUCTURAL[b[i] as usize] {
                    i += 1;
                    continue;
                }
                match b[i] {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    _ => {
                        // `]` or `}`
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                }
                i += 1;
            }
            None
        }
        _ => {
            let start = i;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

/// The first byte at or after `i` that may be structural (`"`, `[`, `]`, `{`, `}`; the
/// letters `Y`, `y`, `_` and DEL also match and are rechecked by the caller), or `b.len()`.
/// Looks at 8 bytes at a time: `[`, `{` and `]`, `}` and those letters are the bytes equal
/// to 0x59 after clearing bits 0x20, 0x04 and 0x02.
fn next_candidate(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // High bit set in the lowest byte that is zero (bytes above it may be flagged falsely).
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    while let Some(Ok(word)) = b.get(i..i + 8).map(<[u8; 8]>::try_from) {
        let x = u64::from_le_bytes(word);
        let hits = zero_byte(x ^ (ONES * 0x22)) | zero_byte((x & (ONES * 0xD9)) ^ (ONES * 0x59));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !STRUCTURAL[b[i] as usize] {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (just past its closing quote).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        let rest = &b[i..];
        let k = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
        i += k;
        if b[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
    None
}

/// The top level: either a JSON object (read member by member) or something else.
enum TopLevel<'a> {
    Object(TopObject<'a>),
    Other(&'static str),
}

struct TopObject<'a> {
    kind: Option<String>,
    features: Option<Vec<&'a str>>,
    crs: Option<Value>,
    members: Map<String, Value>,
}

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON FeatureCollection object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut top = TopObject {
                    kind: None,
                    features: None,
                    crs: None,
                    members: Map::new(),
                };
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "type" => {
                            top.kind = Some(match map.next_value::<Value>()? {
                                Value::String(s) => s,
                                other => other.to_string(),
                            })
                        }
                        "features" => {
                            let v: Option<Vec<&'de RawValue>> = map.next_value()?;
                            let v = v.ok_or_else(|| {
                                de::Error::custom("\"features\" is null; it must be an array")
                            })?;
                            top.features = Some(v.into_iter().map(RawValue::get).collect());
                        }
                        "crs" => top.crs = Some(map.next_value()?),
                        "bbox" => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                        _ => {
                            let v: Value = map.next_value()?;
                            top.members.insert(key.into_owned(), v);
                        }
                    }
                }
                Ok(TopLevel::Object(top))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other("a JSON array"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON string"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON number"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON number"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON boolean"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct FeatureIn<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    geometry: Option<GeometryIn<'a>>,
    #[serde(borrow, default)]
    properties: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GeometryIn<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct PropsIn<'a> {
    #[serde(borrow, default)]
    id: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    zone: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    land_use: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    name: Option<Scalar<'a>>,
    #[serde(default)]
    access: Option<Value>,
}

/// A JSON scalar read without allocating when it is a plain string: ids and the properties
/// allot reads (`zone`, `land_use`, `name`). Arrays and objects are skipped and named.
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Num(serde_json::Number),
    Bool(bool),
    Null,
    Other(&'static str),
}

impl Scalar<'_> {
    /// The text allot uses for it (`None` for null, arrays and objects).
    fn text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Num(n) => Some(n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Null | Scalar::Other(_) => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Scalar::Null, Scalar::Num))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other("an object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// What a raw JSON value is, from its first byte: `None` for an object.
fn raw_kind(raw: &str) -> Option<&'static str> {
    match raw.as_bytes().first() {
        Some(b'{') => None,
        Some(b'[') => Some("an array"),
        Some(b'"') => Some("a string"),
        Some(b't' | b'f') => Some("a boolean"),
        Some(b'n') => Some("null"),
        _ => Some("a number"),
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
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

/// The fast path: a well-formed feature read in one pass by [`crate::coords::scan_feature`].
/// `None` for anything it does not handle or that is wrong, which [`parse_feature_serde`]
/// then reads (to the same parcel) or diagnoses.
fn fast_parcel(index: usize, raw: &str, keep_properties: bool) -> Option<Parcel> {
    let f = crate::coords::scan_feature(raw)?;
    if f.multi && f.parts.is_empty() {
        return None;
    }
    let mut polys = Vec::with_capacity(f.parts.len());
    for (i, rings) in f.parts.into_iter().enumerate() {
        polys.push(build_polygon(rings, f.multi.then_some(i + 1)).ok()?);
    }
    let access = access_tags(f.access.iter().copied(), f.access_is_list);
    let properties = match f.properties {
        Some(p) if keep_properties => Some(RawValue::from_string(p.to_string()).ok()?),
        _ => None,
    };
    Some(Parcel {
        id: ParcelId(match f.id.map(|(id, _)| id).or(f.prop_id) {
            Some(id) => id.to_string(),
            None => format!("#{}", index + 1),
        }),
        geometry: MultiPolygon(polys),
        zone: f.zone.map(str::to_string),
        land_use: f.land_use.map(str::to_string),
        properties,
        name: f.name.map(Box::from),
        access,
        index: index as u32,
        multi: f.multi,
        feature_id: match f.id {
            Some((_, false)) => FeatureIdKind::String,
            Some((_, true)) => FeatureIdKind::Number,
            None => FeatureIdKind::Absent,
        },
    })
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

/// A feature read with serde_json: the path that names every error precisely.
fn parse_feature_serde(
    index: usize,
    raw: &str,
    text: &str,
    offset: usize,
    keep_properties: bool,
) -> FeatureResult {
    let position = index + 1;
    let json_err = |e: serde_json::Error, at: usize| {
        // Line and column of the error within the whole file.
        let (l0, c0) = line_col(text, at);
        let (line, column) = if e.line() <= 1 {
            (l0, c0 + e.column().saturating_sub(1))
        } else {
            (l0 + e.line() - 1, e.column())
        };
        let syntax = matches!(
            e.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        FeatureProblem::Json {
            line,
            column,
            message: format!(
                "{}{}",
                if syntax { "not valid JSON: " } else { "" },
                strip_position(&e.to_string())
            ),
        }
    };
    let scan_err = |e: crate::coords::ScanError, at: usize| {
        let (line, column) = line_col(text, at + e.offset);
        FeatureProblem::Json {
            line,
            column,
            message: e.message,
        }
    };
    let anon = |p| (FeatureRef { position, id: None }, p);
    // A feature that is not even an object is "not a feature" (checked on the first byte, so
    // a deeply nested array is not parsed at all).
    if let Some(kind) = raw_kind(raw) {
        return Err(anon(FeatureProblem::NotAFeature(format!("found {kind}"))));
    }
    let f: FeatureIn = serde_json::from_str(raw).map_err(|e| {
        // The feature is valid JSON but of the wrong shape: still name it by its id if we can.
        (
            FeatureRef {
                position,
                id: id_only(raw),
            },
            json_err(e, offset),
        )
    })?;
    // Properties first: the id may live there.
    let props: PropsIn = match f.properties {
        None => PropsIn::default(),
        Some(raw_props) => match raw_kind(raw_props.get()) {
            None => serde_json::from_str(raw_props.get()).map_err(|e| {
                anon(json_err(
                    e,
                    raw_props.get().as_ptr() as usize - text.as_ptr() as usize,
                ))
            })?,
            Some("null") => PropsIn::default(),
            Some(kind) => return Err(anon(FeatureProblem::BadProperties(kind.to_string()))),
        },
    };
    let id_from = |v: &Scalar| match v {
        Scalar::Str(s) => Ok(Some(s.to_string())),
        Scalar::Num(n) => Ok(Some(n.to_string())),
        Scalar::Null => Ok(None),
        Scalar::Bool(_) => Err(FeatureProblem::BadId("a boolean".into())),
        Scalar::Other(kind) => Err(FeatureProblem::BadId(kind.to_string())),
    };
    let fid = match &f.id {
        Some(v) => id_from(v).map_err(anon)?,
        None => None,
    };
    let id = match fid {
        Some(id) => Some(id),
        None => match &props.id {
            Some(v) => id_from(v).map_err(anon)?,
            None => None,
        },
    };
    let fref = FeatureRef {
        position,
        id: id.clone(),
    };
    let fail = |p: FeatureProblem| (fref.clone(), p);
    match f.kind.as_deref() {
        Some("Feature") => {}
        Some(other) => {
            return Err(fail(FeatureProblem::NotAFeature(format!(
                "\"type\" is {other:?}"
            ))));
        }
        None => {
            return Err(fail(FeatureProblem::NotAFeature(
                "it has no \"type\"".into(),
            )));
        }
    }
    let Some(g) = f.geometry else {
        return Err(fail(FeatureProblem::NullGeometry));
    };
    let coords_at = |c: &RawValue| c.get().as_ptr() as usize - text.as_ptr() as usize;
    let (geometry, multi) = match g.kind.as_ref() {
        "Polygon" => {
            let Some(c) = g.coordinates else {
                return Err(fail(FeatureProblem::Empty("Polygon".into())));
            };
            let rings = crate::coords::polygon_rings(c.get())
                .map_err(|e| fail(scan_err(e, coords_at(c))))?;
            let poly = build_polygon(rings, None).map_err(fail)?;
            (MultiPolygon(vec![poly]), false)
        }
        "MultiPolygon" => {
            let Some(c) = g.coordinates else {
                return Err(fail(FeatureProblem::Empty("MultiPolygon".into())));
            };
            let parts = crate::coords::multipolygon_rings(c.get())
                .map_err(|e| fail(scan_err(e, coords_at(c))))?;
            if parts.is_empty() {
                return Err(fail(FeatureProblem::Empty("MultiPolygon".into())));
            }
            let polys = parts
                .into_iter()
                .enumerate()
                .map(|(i, rings)| build_polygon(rings, Some(i + 1)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(fail)?;
            (MultiPolygon(polys), true)
        }
        other => {
            // Quote a type with control characters: a message stays on one line.
            let name = if other.contains(char::is_control) {
                format!("{other:?}")
            } else {
                other.to_string()
            };
            return Err(fail(FeatureProblem::UnsupportedGeometry(name)));
        }
    };
    let text_of = |v: &Option<Scalar>| v.as_ref().and_then(Scalar::text);
    let access = match &props.access {
        Some(Value::Array(items)) => {
            let items: Vec<String> = items.iter().filter_map(value_text).collect();
            access_tags(items.iter().map(String::as_str), false)
        }
        Some(Value::String(s)) => access_tags([s.as_str()], true),
        _ => Vec::new(),
    };
    let name = text_of(&props.name);
    Ok(Parcel {
        id: ParcelId(id.unwrap_or_else(|| format!("#{position}"))),
        geometry,
        zone: text_of(&props.zone),
        land_use: text_of(&props.land_use),
        properties: f
            .properties
            .filter(|p| keep_properties && p.get() != "null")
            .map(|p| p.to_owned()),
        name: name.map(String::into_boxed_str),
        access,
        index: index as u32,
        multi,
        feature_id: match f.id {
            Some(Scalar::Str(_)) => FeatureIdKind::String,
            Some(Scalar::Num(_)) => FeatureIdKind::Number,
            _ => FeatureIdKind::Absent,
        },
    })
}

/// The id of a feature that failed to parse, read leniently (Feature `id`, else `properties.id`).
fn id_only(raw: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdProps {
        #[serde(default)]
        id: Option<Value>,
    }
    #[derive(Deserialize)]
    struct IdOnly {
        #[serde(default)]
        id: Option<Value>,
        #[serde(default)]
        properties: Option<IdProps>,
    }
    let f: IdOnly = serde_json::from_str(raw).ok()?;
    let text = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    f.id.and_then(text)
        .or_else(|| f.properties.and_then(|p| p.id).and_then(text))
}

fn ring_name(part: Option<usize>, ring: usize) -> String {
    let r = if ring == 0 {
        "shell".to_string()
    } else {
        format!("hole {ring}")
    };
    match part {
        Some(p) => format!("polygon {p} {r}"),
        None => format!("ring {} ({r})", ring + 1),
    }
}

fn build_polygon(
    rings: Vec<LineString<f64>>,
    part: Option<usize>,
) -> Result<Polygon<f64>, FeatureProblem> {
    if rings.is_empty() {
        return Err(FeatureProblem::Empty(match part {
            Some(p) => format!("polygon {p} of the MultiPolygon"),
            None => "Polygon".into(),
        }));
    }
    for (r, ring) in rings.iter().enumerate() {
        let name = || ring_name(part, r);
        if ring.0.len() < 4 {
            return Err(FeatureProblem::TooFewPositions {
                ring: name(),
                count: ring.0.len(),
            });
        }
        for (i, c) in ring.0.iter().enumerate() {
            if let Some(message) = range_problem(*c) {
                return Err(FeatureProblem::OutOfRange {
                    ring: name(),
                    position: i + 1,
                    message,
                });
            }
        }
        if ring.0.first() != ring.0.last() {
            return Err(FeatureProblem::UnclosedRing { ring: name() });
        }
        if let Some(i) = ring
            .0
            .windows(2)
            .position(|w| (w[1].x - w[0].x).abs() > 180.0)
        {
            return Err(FeatureProblem::Antimeridian {
                ring: name(),
                position: i + 1,
            });
        }
    }
    // Split off the holes at their exact size: no empty-but-allocated `interiors` per parcel.
    let mut rings = rings;
    let interiors = rings.split_off(1);
    let exterior = rings.swap_remove(0);
    Ok(Polygon::new(exterior, interiors))
}

fn range_problem(c: Coord<f64>) -> Option<String> {
    let (lon, lat) = (c.x, c.y);
    if !lon.is_finite() || !lat.is_finite() {
        return Some(format!("coordinate [{lon}, {lat}] is not finite"));
    }
    let lon_ok = (-180.0..=180.0).contains(&lon);
    let lat_ok = (-90.0..=90.0).contains(&lat);
    if lon_ok && lat_ok {
        return None;
    }
    let what = if !lat_ok {
        format!("latitude {lat} is outside [-90, 90]")
    } else {
        format!("longitude {lon} is outside [-180, 180]")
    };
    let hint = if lon.abs() > 1000.0 || lat.abs() > 1000.0 {
        "; the numbers look like projected metres (for Karachi, UTM zone 42N, EPSG:32642): \
         allot needs WGS84 longitude/latitude, so reproject, e.g. \
         `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"
    } else if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
        "; longitude and latitude look swapped (GeoJSON order is [longitude, latitude])"
    } else {
        ""
    };
    Some(format!("{what}{hint}"))
}

/// A feature to write: geometry and properties, with the id to put on the Feature.
#[derive(Debug, Clone)]
pub struct OutFeature {
    /// The Feature `id` member (omitted when `None`).
    pub id: Option<Value>,
    /// The geometry.
    pub geometry: MultiPolygon<f64>,
    /// Write as MultiPolygon even with one part.
    pub multi: bool,
    /// The properties object.
    pub properties: Map<String, Value>,
}

impl OutFeature {
    /// The feature for a parcel as read, its properties unchanged (fails rather than drop
    /// properties that cannot be rewritten, see [`Parcel::properties_map`]).
    pub fn from_parcel(p: &Parcel) -> Result<Self, PropertiesError> {
        Ok(OutFeature {
            id: p.feature_id(),
            geometry: p.geometry.clone(),
            multi: p.multi,
            properties: p.properties_map()?,
        })
    }
}

/// Writes features as a GeoJSON FeatureCollection (one feature per line, full f64
/// precision so coordinates round-trip exactly), with `members` as top-level members.
///
/// ```
/// use allot::parcels::{parse_parcels, write_feature_collection, OutFeature};
/// let text = br#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"A","properties":{"k":1},
///   "geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
/// let set = parse_parcels(text, "t").unwrap();
/// let out: Vec<_> = set.parcels.iter().map(|p| OutFeature::from_parcel(p).unwrap()).collect();
/// let json = write_feature_collection(&out, &set.members);
/// let again = parse_parcels(json.as_bytes(), "again").unwrap();
/// assert_eq!(again.parcels[0].geometry, set.parcels[0].geometry);
/// ```
pub fn write_feature_collection(features: &[OutFeature], members: &Map<String, Value>) -> String {
    let mut out = String::from("{\"type\":\"FeatureCollection\"");
    for (k, v) in members {
        out.push(',');
        out.push_str(&serde_json::to_string(k).unwrap_or_default());
        out.push(':');
        out.push_str(&serde_json::to_string(v).unwrap_or_default());
    }
    out.push_str(",\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        let value = if f.multi || f.geometry.0.len() != 1 {
            geojson::GeometryValue::from(&f.geometry)
        } else {
            geojson::GeometryValue::from(&f.geometry.0[0])
        };
        let feature = geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new(value)),
            id: f.id.as_ref().and_then(|v| match v {
                Value::String(s) => Some(geojson::feature::Id::String(s.clone())),
                Value::Number(n) => Some(geojson::feature::Id::Number(n.clone())),
                _ => None,
            }),
            properties: Some(f.properties.clone()),
            foreign_members: None,
        };
        out.push_str(&serde_json::to_string(&feature).unwrap_or_default());
        if i + 1 < features.len() {
            out.push(',');
        }
        out.push('\n');
    }
    out.push_str("]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fc(features: &str) -> String {
        format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
    }

    fn square_feature(id: &str, props: &str) -> String {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{props},"geometry":{{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}}}}"#
        )
    }

    fn err(text: &str) -> String {
        parse_parcels(text.as_bytes(), "in.geojson")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_ids_in_order_of_precedence() {
        let text = fc(&[
            square_feature("F", r#"{"id":"P"}"#),
            r#"{"type":"Feature","properties":{"id":"P2"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
            r#"{"type":"Feature","id":7,"properties":null,"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
        ].join(","));
        let set = parse_parcels(text.as_bytes(), "t").unwrap();
        let ids: Vec<_> = set.parcels.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["F", "P2", "7", "#4"]);
    }

    #[test]
    fn keeps_properties_verbatim_and_extracts_fields() {
        let props = r#"{"zone":"sindh_mill","land_use":"open_land","access":["Port","rail"],"name":"<b>x</b>","z":{"deep":[1,2]}}"#;
        let set = parse_parcels(fc(&square_feature("A", props)).as_bytes(), "t").unwrap();
        let p = &set.parcels[0];
        assert_eq!(p.properties.as_ref().unwrap().get(), props);
        assert_eq!(p.zone.as_deref(), Some("sindh_mill"));
        assert_eq!(p.land_use.as_deref(), Some("open_land"));
        assert_eq!(p.access, ["port", "rail"]);
        assert_eq!(p.name.as_deref(), Some("<b>x</b>"));
    }

    #[test]
    fn accepts_bom_3d_positions_and_top_level_members() {
        let text = format!(
            "\u{feff}{{\"type\":\"FeatureCollection\",\"bbox\":[0,0,1,1],\"name\":\"a[b\",\"metadata\":{{\"illustrative\":true}},\"features\":[{}]}}",
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24,5],[67.01,24,5],[67.01,24.01,5],[67,24,5]]]}}"#
        );
        let set = parse_parcels(text.as_bytes(), "t").unwrap();
        assert_eq!(set.parcels.len(), 1);
        assert!(set.is_illustrative());
        assert_eq!(set.members["name"], "a[b");
    }

    #[test]
    fn rejects_bad_documents_with_clear_messages() {
        assert!(err("").contains("empty"));
        assert!(err("{\"type\":").contains("in.geojson:1:"));
        assert!(err("[1,2]").contains("a JSON array"));
        assert!(err(r#"{"type":"Polygon","coordinates":[]}"#).contains("bare Polygon"));
        assert!(err(r#"{"type":"FeatureCollection"}"#).contains("no \"features\""));
        let crs = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::99999"}},"features":[]}"#;
        assert!(err(crs).contains("EPSG::99999"));
        // A known projected CRS is reprojected: a 100 m UTM 42N square near Karachi.
        let utm = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32642"}},"features":[
          {"type":"Feature","id":"U","properties":{},"geometry":{"type":"Polygon","coordinates":[[[333000,2744000],[333100,2744000],[333100,2744100],[333000,2744100],[333000,2744000]]]}}]}"#;
        let set = parse_parcels(utm.as_bytes(), "t").unwrap();
        let area = crate::geodesy::area_m2(&set.parcels[0].geometry);
        assert!((area - 10_000.0).abs() < 10.0, "{area}");
        assert!(set.parcels[0].bbox().min().x > 67.0);
        let ok_crs = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}"#;
        assert!(parse_parcels(ok_crs.as_bytes(), "t").is_ok());
    }

    #[test]
    fn rejects_bad_features_naming_position_and_id() {
        let geom = |g: &str| {
            fc(&format!(
                r#"{{"type":"Feature","id":"X1","properties":{{}},"geometry":{g}}}"#
            ))
        };
        let e = err(&geom("null"));
        assert!(
            e.contains("feature 1 (id \"X1\")") && e.contains("null"),
            "{e}"
        );
        assert!(err(&geom(r#"{"type":"Point","coordinates":[67,24]}"#)).contains("Point"));
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[[0],[1,1],[1,0],[0]]]}"#,
        ));
        assert!(e.contains("1 number"), "{e}");
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[[67,24],[67,95],[68,24],[67,24]]]}"#,
        ));
        assert!(e.contains("latitude 95 is outside"), "{e}");
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[[330000,2745000],[331000,2745000],[331000,2746000],[330000,2745000]]]}"#,
        ));
        assert!(e.contains("projected metres") && e.contains("32642"), "{e}");
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[[67,24],[68,24],[67,24]]]}"#,
        ));
        assert!(e.contains("3 positions"), "{e}");
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[[67,24],[68,24],[68,25],[67,25]]]}"#,
        ));
        assert!(e.contains("not closed"), "{e}");
        assert!(err(&geom(r#"{"type":"Polygon","coordinates":[]}"#)).contains("empty"));
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[[179.9,0],[-179.9,0],[-179.9,1],[179.9,0]]]}"#,
        ));
        assert!(e.contains("antimeridian"), "{e}");
        let e = err(&geom(
            r#"{"type":"Polygon","coordinates":[[["67",24],[68,24],[68,25],[67,24]]]}"#,
        ));
        assert!(
            e.contains("invalid type: string") && e.contains("line 1"),
            "{e}"
        );
    }

    #[test]
    fn second_feature_error_names_position_two() {
        let text = fc(&[
            square_feature("A", "{}"),
            r#"{"type":"Feature","properties":{"id":"B"},"geometry":null}"#.into(),
        ]
        .join(","));
        let e = err(&text);
        assert!(e.starts_with("in.geojson: feature 2 (id \"B\")"), "{e}");
    }

    #[test]
    fn json_error_positions_are_file_relative() {
        let text = "{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\",\"properties\":{},\n\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[67,24],[68,true],[68,25],[67,24]]]}}]}";
        let e = err(text);
        assert!(e.contains("line 4"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}{}]}}",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        let e = err(&deep);
        assert!(
            e.contains("feature 1") && e.contains("found an array"),
            "{e}"
        );
        // Deeply nested properties are skipped without recursion and kept verbatim.
        let nested = format!("{{\"x\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
        let set = parse_parcels(fc(&square_feature("D", &nested)).as_bytes(), "t").unwrap();
        assert_eq!(set.parcels[0].properties.as_ref().unwrap().get(), nested);
    }

    #[test]
    fn fast_structural_scan_agrees_with_serde_json() {
        let feature = r#"{"type":"Feature","id":"a]}\"[{","properties":{"name":"x\\\"]","n":[1,{"b":[]}]},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#;
        let docs = [
            format!(r#"{{"type":"FeatureCollection","features":[{feature},{feature}]}}"#),
            format!(
                " \n{{ \"name\" : \"a[b\" , \"bbox\":[0,0,1,1],\"type\":\"FeatureCollection\",\n\"features\" : [ {feature} ,\n {feature} ] , \"metadata\":{{\"x\":[1,\"}}\"]}} }}\n"
            ),
            r#"{"type":"FeatureCollection","features":[]}"#.to_string(),
            r#"{"features":[ ],"type":"FeatureCollection","crs":null,"k":true,"n":-1.5e3}"#
                .to_string(),
            r#"{}"#.to_string(),
        ];
        for doc in &docs {
            let fast = fast_top(doc).expect("fast path accepts well-formed input");
            let Ok(TopLevel::Object(slow)) = serde_json::from_str::<TopLevel>(doc) else {
                panic!("serde rejects {doc}")
            };
            assert_eq!(fast.kind, slow.kind, "{doc}");
            assert_eq!(fast.features, slow.features, "{doc}");
            assert_eq!(fast.crs, slow.crs, "{doc}");
            assert_eq!(fast.members, slow.members, "{doc}");
        }
        // Anything unusual goes to serde_json for the diagnosis.
        for doc in [
            r#"{"type":"FeatureCollection","features":[{"a":1}}]}"#,
            r#"{"type":"FeatureCollection","features":[{"a":1}]"#,
            r#"{"type":"FeatureCollection","features":[{"a":1}]} x"#,
            r#"{"type":"FeatureCollection","fe\u0061tures":[]}"#,
            r#"{"type":"FeatureCollection","features":null}"#,
            r#"{"type":"FeatureCollection","features":[1,]}"#,
            r#"{"type":"FeatureCollection" "features":[]}"#,
            r#"[{"type":"FeatureCollection"}]"#,
            r#"{"type":"FeatureCollection","features":["abc]}"#,
        ] {
            assert!(fast_top(doc).is_none(), "{doc}");
        }
    }

    /// Both readings of one feature (text = the feature alone): fast path, serde path.
    fn both(raw: &str) -> (Option<String>, Result<String, String>) {
        let fast = fast_parcel(0, raw, true).map(|p| format!("{p:?}"));
        let slow = parse_feature_serde(0, raw, raw, 0, true)
            .map(|p| format!("{p:?}"))
            .map_err(|(f, e)| format!("{f}: {e}"));
        (fast, slow)
    }

    #[test]
    fn fast_path_reads_well_formed_features_as_serde_does() {
        let sq = "[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]";
        let features = [
            square_feature("A", r#"{"zone":"z1","land_use":"open_land","id":"P"}"#),
            r#"{"type":"Feature","id":0,"properties":{"zone":7,"land_use":1234567890123456789,"name":10},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
            r#"{"type":"Feature","properties":{"id":42},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
            square_feature("B", "null"),
            square_feature(
                "C",
                r#"{"access":"Port; rail,, HIGHWAY ","name":"Ünïcode ✓"}"#,
            ),
            square_feature(
                "D",
                r#"{"access":["Port",null," rail "],"name":null,"zone":null}"#,
            ),
            square_feature(
                "E",
                r#"{"k":[1,-0.5e-3,true,false,null,{"a":{"b":[]}},"x"],"n":{},"m":[],"id":"P"}"#,
            ),
            format!(
                " {{ \"properties\" : {{ \"id\" : \"P\" }} ,\n\"geometry\":{{\"coordinates\":{sq},\"bbox\":[1,2,3,4],\"type\":\"Polygon\"}},\t\"type\":\"Feature\",\"id\":null,\"x\":\"y\"}}\r\n"
            ),
            format!(
                r#"{{"type":"Feature","geometry":{{"type":"MultiPolygon","coordinates":[{sq},[[[68,25],[68.1,25],[68.1,25.1],[68,25]],[[68.01,25.01],[68.02,25.01],[68.02,25.02],[68.01,25.01]]]]}}}}"#
            ),
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67.123456789012345,24.5,10],[67.2,24.5E0,1,2],[67.2,2.46E+1],[67.1,24.6e-0],[67.123456789012345,24.50]]]}}"#.to_string(),
        ];
        for raw in &features {
            let (fast, slow) = both(raw.trim());
            assert!(fast.is_some(), "fast path declined {raw}");
            assert_eq!(fast, slow.ok(), "{raw}");
        }
    }

    #[test]
    fn fast_path_declines_what_it_does_not_handle() {
        let sq = r#""geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}"#;
        let f = |body: &str| format!(r#"{{"type":"Feature",{body},{sq}}}"#);
        let deep = format!(r#""x":{}1{}"#, "[".repeat(65), "]".repeat(65));
        let cases = [
            f(r#""id":"a\"b""#),
            f(r#""id":-7"#),
            f(r#""id":7.5"#),
            f(r#""id":12345678901234567890"#),
            f(r#""properties":{"zone":true}"#),
            f(r#""properties":{"zone":3e2}"#),
            f(r#""properties":{"zone":"a","zone":"b"}"#),
            f(r#""id":"a","id":"b""#),
            f(r#""properties":{"access":{"a":1}}"#),
            f(r#""properties":[]"#),
            f(&deep),
            f(r#""x":[1,]"#),
            f(r#""x":01"#),
            f(r#""x":1."#),
            f(r#""x":-"#),
            f(r#""x":tru"#),
            f("\"x\":\"a\u{1}b\""),
            f(r#""x":{"a" 1}"#),
            f(r#""fe\u0061ture":1"#),
            r#"{"type":"Feature","geometry":null}"#.to_string(),
            r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}"#.to_string(),
            r#"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}}"#.to_string(),
            r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[67,24],[68,24],[67,24]]]}}"#.to_string(),
            r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[67,24],[68,24],[68,25],[67,1e999]]]}}"#.to_string(),
            r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[67,24],[68],[68,25],[67,24]]]}}"#.to_string(),
            r#"{"type":"Feature","geometry":{"type":"Polygon"}}"#.to_string(),
            format!(r#"{{"type":"Feature","type":"Feature",{sq}}}"#),
            format!(r#"{{"type":"Featur",{sq}}}"#),
            format!(r#"{{{sq}}}"#),
            format!(r#"{{"type":"Feature",{sq}}} x"#),
        ];
        for raw in &cases {
            let (fast, _) = both(raw);
            assert!(fast.is_none(), "fast path accepted {raw}");
        }
    }

    #[test]
    fn fast_path_never_accepts_what_serde_rejects_or_reads_differently() {
        // Seeded mutations of a feature that exercises every member the fast path reads:
        // whenever the fast path accepts a mutant, serde_json must read it to the same parcel.
        let bases = [
            r#"{"type":"Feature","id":"A1","properties":{"id":"P","zone":"z1","land_use":"open_land","name":"N","access":["port","Rail"],"x":[1.5,-2e3,{"y":null}],"t":true},"geometry":{"type":"MultiPolygon","coordinates":[[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]]}}"#,
            r#"{"type":"Feature","id":10,"properties":{"id":20,"zone":30,"name":4},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#,
        ];
        let alphabet = b"{}[]:,\"\\ 0123456789-+.eEtrufalsn\x01\x7fxA";
        let mut rng = crate::plan::search::Rng::new(5);
        let (mut accepted, mut declined) = (0, 0);
        for round in 0..20_000 {
            let mut b = bases[round % 2].as_bytes().to_vec();
            for _ in 0..1 + rng.below(3) {
                let at = rng.below(b.len());
                match rng.below(3) {
                    0 => b[at] = alphabet[rng.below(alphabet.len())],
                    1 => {
                        b.remove(at);
                    }
                    _ => b.insert(at, alphabet[rng.below(alphabet.len())]),
                }
            }
            let Ok(raw) = std::str::from_utf8(&b) else {
                continue;
            };
            if !raw.starts_with('{') {
                continue;
            }
            let (fast, slow) = both(raw);
            match fast {
                Some(p) => {
                    accepted += 1;
                    assert_eq!(Some(p), slow.ok(), "{raw}");
                }
                None => declined += 1,
            }
        }
        // Both outcomes must be well exercised for the check to mean anything.
        assert!(
            accepted > 2_000 && declined > 2_000,
            "{accepted} {declined}"
        );
    }

    #[test]
    fn word_at_a_time_scan_finds_every_structural_byte() {
        // Against the plain byte-by-byte definition, on seeded random text.
        let alphabet = b"\"[]{}YyZz_\x7f\x5a\x5c\x5e0123456789.,:-e \n\xc3\xa9";
        let mut rng = crate::plan::search::Rng::new(11);
        for _ in 0..2_000 {
            let n = rng.below(40);
            let b: Vec<u8> = (0..n)
                .map(|_| alphabet[rng.below(alphabet.len())])
                .collect();
            for start in 0..=n {
                let mut want = start;
                while want < n && !STRUCTURAL[b[want] as usize] {
                    want += 1;
                }
                // The first structural byte is found, possibly after stopping at look-alikes.
                let mut got = next_candidate(&b, start);
                while got < n && !STRUCTURAL[b[got] as usize] {
                    assert!(matches!(b[got], b'Y' | b'y' | b'_' | 0x7f), "{b:?} {start}");
                    got = next_candidate(&b, got + 1);
                }
                assert_eq!(got, want, "{b:?} from {start}");
            }
        }
    }

    #[test]
    fn fast_path_reads_the_bundled_site_as_serde_does() {
        // Every feature of the real site file, both ways: the same parcels.
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/psm-site.geojson"
        ))
        .unwrap();
        let top = fast_top(&text).expect("well-formed");
        let features = top.features.unwrap();
        assert!(features.len() > 300);
        for (i, raw) in features.iter().enumerate() {
            let fast = fast_parcel(i, raw, true).map(|p| format!("{p:?}"));
            let offset = raw.as_ptr() as usize - text.as_ptr() as usize;
            let slow = parse_feature_serde(i, raw, &text, offset, true)
                .map(|p| format!("{p:?}"))
                .ok();
            assert!(fast.is_some(), "feature {} declined", i + 1);
            assert_eq!(fast, slow, "feature {}", i + 1);
        }
    }

    #[test]
    fn split_on_several_threads_equals_one_walk() {
        // Seeded arrays of objects full of false element starts (`,{` inside strings and
        // nested arrays), cut into 1 to 40 pieces: always the single walk's answer.
        let templates = [
            r#"{"a":1}"#,
            r#"{"s":"x,{\"y\":[1,{2}],{"}"#,
            r#"{"n":[{"a":1},{"b":[{},{}]} , {"c":"]"}]}"#,
            r#"{ "k" : "\\" , "m":{"x":{"y":{}}}}"#,
            r#"{"e":"é,{ü"}"#,
        ];
        let seps = [",", ",\n", " , ", ",\r\n\t"];
        let mut rng = crate::plan::search::Rng::new(3);
        for round in 0..300 {
            let n = 1 + rng.below(30);
            let items: Vec<&str> = (0..n)
                .map(|_| templates[rng.below(templates.len())])
                .collect();
            let mut body = String::new();
            for (j, item) in items.iter().enumerate() {
                if j > 0 {
                    body.push_str(seps[rng.below(seps.len())]);
                }
                body.push_str(item);
            }
            let mut text = format!("[ {body} ] ,\"x\":{{\"y\":[{{}},{{}}]}}");
            if round % 10 == 9 {
                // A malformed one: both walks must refuse it.
                let mut at = 2 + rng.below(body.len());
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                text.insert(at, ']');
            }
            let one = split_elements(&text, 2, 1);
            if round % 10 != 9 {
                let (got, end) = one.clone().expect("well-formed");
                assert_eq!(got, items);
                assert_eq!(&text[end..end + 2], " ,");
            }
            for pieces in 2..40 {
                assert_eq!(split_elements(&text, 2, pieces), one, "{text} / {pieces}");
            }
        }
    }

    #[test]
    fn parcel_stays_small() {
        // 5 Vec/String-sized fields (24 bytes each), the name and the raw properties (boxed
        // slices, 16 each), and index, multi and the id kind packed into the last 8.
        assert_eq!(std::mem::size_of::<Parcel>(), 5 * 24 + 2 * 16 + 8);
    }

    #[test]
    fn numeric_and_string_feature_ids_are_written_back_as_read() {
        let g = r#""geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}"#;
        let ids = [
            "\"a\"",
            "7",
            "-3",
            "1.5",
            "1e3",
            "-0.0",
            "18446744073709551615",
            "null",
        ];
        let features: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"type":"Feature","id":{id},"properties":{{"id":"P"}},{g}}}"#))
            .collect();
        let set = parse_parcels(fc(&features.join(",")).as_bytes(), "t").unwrap();
        for (p, id) in set.parcels.iter().zip(ids) {
            // The reference: serde_json's own reading of the same `id` text.
            let want: Value = serde_json::from_str(id).unwrap();
            let want = (!want.is_null()).then_some(want);
            assert_eq!(p.feature_id(), want, "{id}");
        }
        assert_eq!(set.parcels[7].id.as_str(), "P");
        assert_eq!(set.parcels[4].id.as_str(), "1000.0");
    }

    #[test]
    fn invalid_utf8_is_reported_with_offset() {
        let mut bytes = fc("").into_bytes();
        bytes.insert(5, 0xFF);
        let e = parse_parcels(&bytes, "in.geojson").unwrap_err().to_string();
        assert!(e.contains("UTF-8") && e.contains("offset 5"), "{e}");
    }

    #[test]
    fn write_then_read_round_trips_geometry_and_properties() {
        let props = r#"{"b":1,"a":"x","zone":null}"#;
        let text = fc(&square_feature("A", props));
        let set = parse_parcels(text.as_bytes(), "t").unwrap();
        let out: Vec<_> = set
            .parcels
            .iter()
            .map(|p| OutFeature::from_parcel(p).unwrap())
            .collect();
        let written = write_feature_collection(&out, &set.members);
        assert!(
            written.contains(r#""properties":{"b":1,"a":"x","zone":null}"#),
            "{written}"
        );
        let again = parse_parcels(written.as_bytes(), "t").unwrap();
        assert_eq!(again.parcels[0].geometry, set.parcels[0].geometry);
        assert_eq!(again.parcels[0].id, set.parcels[0].id);
    }
}
