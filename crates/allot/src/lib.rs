//! allot: land-allocation planning for parcel fabrics.
//!
//! allot reads a site's parcels as GeoJSON (RFC 7946, WGS84 lon/lat) or as Shapefile,
//! GeoPackage, KML/KMZ, FlatGeobuf or CSV with WKT in any CRS it knows (reprojected to WGS84),
//! measures them on the WGS84 ellipsoid, validates proposed splits (invalid geometry, overlaps, gaps, land outside
//! the site, zone areas and contiguity), plans splits (a contiguous, compact zone per target
//! area), and maps the result to SVG, PNG, PDF or an interactive HTML page. It was built for
//! the Pakistan Steel Mills site at Bin Qasim, Karachi: 700 acres for a new Sindh steel mill
//! and an industrial park.
//!
//! # Example: read, validate, plan, render
//!
//! ```
//! // A 4 x 4 grid of 0.005° cells near Karachi, as GeoJSON.
//! let mut features = Vec::new();
//! for r in 0..4 {
//!     for c in 0..4 {
//!         let (x, y) = (67.0 + 0.005 * c as f64, 24.8 + 0.005 * r as f64);
//!         features.push(format!(
//!             r#"{{"type":"Feature","id":"P{r}{c}","properties":{{}},"geometry":{{"type":"Polygon",
//!             "coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#,
//!             x + 0.005, x + 0.005, y + 0.005, y + 0.005));
//!     }
//! }
//! let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
//! let set = allot::parse_parcels(text.as_bytes(), "grid").unwrap();
//! assert_eq!(set.parcels.len(), 16);
//!
//! // A clean fabric: no overlap, no gap, nothing invalid.
//! let report = allot::validate(&set, &allot::ValidateOptions::default());
//! assert!(report.findings.is_empty());
//!
//! // One zone of four cells' area.
//! let cell = allot::geodesy::acres(allot::geodesy::area_m2(&set.parcels[0].geometry));
//! let opts = allot::PlanOptions {
//!     zones: vec![("mill".into(), 4.0 * cell)],
//!     tolerance_acres: 0.5,
//!     ..Default::default()
//! };
//! let plan = allot::plan(&set, &opts).unwrap();
//! assert_eq!(plan.zones[0].parcels, 4);
//! assert_eq!(plan.zones[0].components, 1);
//!
//! // A map of the fabric.
//! let svg = allot::render_svg(&set, &report.findings, &allot::MapOptions::default()).unwrap();
//! assert!(svg.starts_with("<svg"));
//! ```
//!
//! # Layout and layering
//!
//! One home per concept, each a module named for what it owns (docs/ARCHITECTURE.md has the
//! picture). Lower layers never import higher ones:
//!
//! `util`, `geodesy`, `geom`, `crs`, `synth` → `model` → `read`, `write` → `index`, `graph` →
//! `validate` → `plan` → `report`, `render`
//!
//! and the binary, `allot-cli`, sits above them all. [`synth`] depends on nothing above its own
//! layer, so it sits at the bottom, where the unit tests of every layer can use its fabrics. `tests/layering.rs` reads every file under
//! `src/` and fails on a `crate::` path that points up this list.
//!
//! # Public API
//!
//! The root re-exports what a program needs: [`read_parcels`] / [`parse_parcels`] (and
//! [`read_parcels_from`] for every format allot reads, with [`SourceOptions`]),
//! [`validate()`], [`plan()`], [`render_svg`], their option, result and error types, and the
//! model ([`Parcel`], [`ParcelId`], [`ParcelSet`]). `util`, `geom`, `model` and `index` are
//! private. The stage modules stay public because the CLI, the benchmarks and the tests call
//! their parts directly: [`geodesy`] (areas, lengths, units), [`crs`] (EPSG systems,
//! reprojection to and from WGS84), [`read`] (options, limits, the coordinate scanner, the
//! other formats' readers and the content sniffer), [`write`](mod@write) (the GeoJSON writer, atomic output files), [`graph`]
//! (shared boundaries), [`validate`](mod@validate) (each finding family on its own), [`plan`](mod@plan) (limits,
//! straight cuts), [`render`], [`report`] (text, CSV and JSON reports) and [`synth`]
//! (synthetic fabrics with ground truth).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod crs;
pub mod diff;
pub mod geodesy;
mod geom;
pub mod graph;
mod index;
mod model;
pub mod plan;
pub mod read;
pub mod render;
pub mod report;
pub mod synth;
mod util;
pub mod validate;
pub mod write;

pub use geodesy::AreaUnit;
pub use graph::Adjacency;
pub use index::ParcelIndex;
pub use model::{
    ACCESS_KINDS, FeatureRef, MetadataError, Parcel, ParcelId, ParcelSet, PropertiesError,
    SharedStr, Warning, WarningKind, ZoneChoice, ZoneSpec, access_kinds, corridor_uses,
    resolve_zones, unknown_land_uses, zones_from_metadata,
};
pub use plan::{Plan, PlanError, PlanOptions, plan};
pub use read::{
    FeatureProblem, ReadError, ReadOptions, SourceOptions, parse_parcels, parse_parcels_with,
    read_parcels, read_parcels_from, read_parcels_with,
};
pub use render::{LabelKind, MapOptions, RenderError, render_svg};
pub use report::{Schedule, Summary, summarize};
pub use validate::{
    Finding, FindingKind, Report, SiteError, ValidateOptions, ZoneStats, site_boundary, validate,
};
pub use write::{OutputError, write_feature_collection};
