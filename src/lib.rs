//! allot: land-allocation planning for parcel fabrics.
//!
//! allot reads a site's parcels as GeoJSON (RFC 7946, WGS84 lon/lat), measures them on the
//! WGS84 ellipsoid, validates proposed splits (invalid geometry, overlaps, gaps, land outside
//! the site, zone areas and contiguity), plans splits (a contiguous, compact zone per target
//! area), and maps the result to SVG. It was built for the Pakistan Steel Mills site at Bin
//! Qasim, Karachi: 700 acres for a new Sindh steel mill and an industrial park.
//!
//! The pipeline, one module per stage:
//! - [`parcels`]: read and write GeoJSON ([`read_parcels`], [`Parcel`], [`ParcelId`]);
//! - [`geodesy`]: geodesic areas, lengths and units ([`AreaUnit`]);
//! - [`index`]: the R-tree ([`ParcelIndex`]); [`adjacency`]: shared boundaries ([`Adjacency`]);
//! - [`plan`]: contiguous, compact zones of target areas ([`plan()`], [`PlanOptions`]);
//! - [`report`]: summaries, area schedules and tables; [`output`]: atomic file writing.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod adjacency;
pub mod cadastral;
pub mod coords;
pub mod geodesy;
pub mod index;
pub mod output;
pub mod parcels;
pub mod plan;
pub mod render;
pub mod report;
pub mod synth;
pub mod validate;

pub use adjacency::Adjacency;
pub use geodesy::AreaUnit;
pub use index::ParcelIndex;
pub use parcels::{Parcel, ParcelId, ParcelSet, ReadError, read_parcels};
pub use plan::{Plan, PlanError, PlanOptions, plan};
pub use render::render_svg;
pub use validate::{Finding, FindingKind, Report};
