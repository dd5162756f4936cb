//! Read errors: what is wrong with an input, naming the file, the feature and the place.

use super::*;

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
    #[error("{file}: {name}")]
    Crs {
        /// The input's name.
        file: String,
        /// Who named the CRS (the legacy `crs` member, or `--crs`), the CRS, and why it
        /// cannot be used, with a way out.
        name: String,
    },
    /// A file in another format that could not be read (see [`super::formats`]).
    #[error(transparent)]
    Format(#[from] super::formats::FormatError),
    /// The FeatureCollection has no features (see [`ParcelSet::non_empty`]).
    #[error("{file}: no parcels in the file (its FeatureCollection has no features)")]
    NoParcels {
        /// The input's name.
        file: String,
    },
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
