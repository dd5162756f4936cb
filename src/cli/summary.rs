//! `allot summary`.

use std::path::PathBuf;

use anyhow::Result;

use super::{Format, Outcome, UnitArgs, print};

/// Arguments of `allot summary`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The parcels: GeoJSON, Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, GeoParquet or CSV
    /// with WKT (`-` reads GeoJSON from standard input).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Area units.
    #[command(flatten)]
    pub units: UnitArgs,
}

/// Runs `allot summary`.
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let progress = super::messages::Progress::new(quiet);
    progress.stage(format!("reading {}", args.file.display()));
    let set = super::read_lean(&args.file)?.non_empty()?;
    progress.stage(format!("measuring {} parcels", set.parcels.len()));
    let summary = allot::report::summarize(&set, args.units.unit());
    progress.finish();
    print(&match args.format {
        Format::Text => summary.to_text(),
        Format::Json => {
            super::escape_json(&summary.to_json_with_warnings(&super::read_warnings())).into_owned()
        }
    })?;
    Ok(Outcome::Clean)
}
