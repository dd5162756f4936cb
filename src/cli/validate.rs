//! `allot validate`.

use std::path::PathBuf;

use anyhow::Result;

use super::{Format, Outcome, Units, parse_name_number, parse_non_negative};

/// Arguments of `allot validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Parcels as a GeoJSON FeatureCollection, optionally with a `zone` on each (`-` reads stdin).
    pub file: PathBuf,
    /// The site boundary (GeoJSON): report land of the site no parcel covers, and parcel land
    /// outside the site.
    #[arg(long, value_name = "SITE.geojson")]
    pub site: Option<PathBuf>,
    /// A zone's target area, in acres (repeatable): `--target sindh_mill=700`.
    #[arg(long = "target", value_name = "ZONE=ACRES", value_parser = parse_name_number)]
    pub targets: Vec<(String, f64)>,
    /// How far a zone's area may be from its target, in acres.
    #[arg(long, default_value = "1", value_name = "ACRES", value_parser = parse_non_negative)]
    pub tolerance: f64,
    /// Overlaps smaller than this many m² are not reported.
    #[arg(long, default_value = "1", value_name = "M2", value_parser = parse_non_negative)]
    pub min_overlap: f64,
    /// Gaps smaller than this many m² are not reported.
    #[arg(long, default_value = "1", value_name = "M2", value_parser = parse_non_negative)]
    pub min_gap: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Area units of the text report (JSON is always in acres).
    #[arg(long, value_enum, default_value_t)]
    pub units: Units,
    /// Also write the findings as GeoJSON (overlap and gap shapes as polygons, others as points).
    #[arg(long, value_name = "OUT.geojson")]
    pub findings: Option<PathBuf>,
    /// Also draw the parcels and findings to an SVG map.
    #[arg(long, value_name = "MAP.svg")]
    pub map: Option<PathBuf>,
}

/// Runs `allot validate`.
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let _ = (args, quiet);
    anyhow::bail!("validate is being built")
}
