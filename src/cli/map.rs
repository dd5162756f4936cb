//! `allot map`.

use std::path::PathBuf;

use anyhow::Result;

use super::Outcome;

/// Arguments of `allot map`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Parcels as a GeoJSON FeatureCollection (`-` reads stdin).
    pub file: PathBuf,
    /// Where to write the SVG.
    #[arg(short = 'o', long = "output", value_name = "MAP.svg")]
    pub output: PathBuf,
    /// Map title (default: the data's metadata title, else the file name).
    #[arg(long)]
    pub title: Option<String>,
    /// Colour parcels by `zone`, `land_use` or any other property.
    #[arg(long, default_value = "zone", value_name = "zone|land_use|PROPERTY")]
    pub color_by: String,
    /// Label parcels with their id, name, area, or nothing.
    #[arg(long, value_enum, default_value = "none")]
    pub labels: Labels,
    /// Findings to highlight (GeoJSON written by `allot validate --findings`). Without it,
    /// findings are computed when the parcels carry zones.
    #[arg(long, value_name = "FINDINGS.geojson")]
    pub findings: Option<PathBuf>,
    /// Width of the SVG in pixels.
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(200..=20000))]
    pub width: u32,
}

/// What to write on each parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Labels {
    /// The parcel id.
    Id,
    /// The `name` property.
    Name,
    /// The parcel's area in acres.
    Area,
    /// No labels.
    None,
}

/// Runs `allot map`.
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let _ = (args, quiet);
    anyhow::bail!("map is being built")
}
