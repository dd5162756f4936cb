//! Writing output: GeoJSON ([`write_feature_collection`]) and atomic output files that never
//! overwrite an input ([`write_atomic`], [`check_outputs`]).

mod atomic;
mod geojson;

pub use self::atomic::{
    OutputError, check_not_input, check_outputs, remove_temporaries, resolve_output, write_atomic,
    write_atomic_with,
};
pub(crate) use self::geojson::collection_text;
pub use self::geojson::{OutFeature, write_feature_collection};
