//! `allot generate`.

use std::path::PathBuf;

use anyhow::Result;

use super::Outcome;

/// Arguments of `allot generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of parcels (approximately: the nearest grid).
    #[arg(long, default_value_t = 10_000)]
    pub parcels: usize,
    /// Where to write the fabric (GeoJSON).
    #[arg(short = 'o', long = "output")]
    pub output: PathBuf,
    /// Where to write the ground truth (JSON: injected overlaps, gaps, invalid parcels).
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Overlaps to inject.
    #[arg(long, default_value_t = 0)]
    pub overlaps: usize,
    /// Gaps to inject.
    #[arg(long, default_value_t = 0)]
    pub gaps: usize,
    /// Invalid parcels to inject.
    #[arg(long, default_value_t = 0)]
    pub invalid: usize,
    /// Zones to assign (0: no zone property).
    #[arg(long, default_value_t = 0)]
    pub zones: usize,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs `allot generate`.
pub fn run(args: Args) -> Result<Outcome> {
    let _ = args;
    anyhow::bail!("generate is being built")
}
