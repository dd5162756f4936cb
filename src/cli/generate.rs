//! `allot generate`: a synthetic parcel fabric with known injected problems.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::Outcome;

/// Arguments of `allot generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of parcels (at least this many: the nearest near-square grid of ~100 m cells).
    #[arg(long, default_value_t = 10_000)]
    pub parcels: usize,
    /// Where to write the fabric (GeoJSON).
    #[arg(short = 'o', long = "output", value_name = "FABRIC.geojson")]
    pub output: PathBuf,
    /// Where to write the ground truth (JSON: injected overlaps, gaps and invalid parcels with
    /// their exact geodesic areas).
    #[arg(long, value_name = "TRUTH.json")]
    pub truth: Option<PathBuf>,
    /// Overlapping pairs to inject.
    #[arg(long, default_value_t = 0)]
    pub overlaps: usize,
    /// Gaps to inject.
    #[arg(long, default_value_t = 0)]
    pub gaps: usize,
    /// Invalid parcels to add (isolated, below the fabric).
    #[arg(long, default_value_t = 0)]
    pub invalid: usize,
    /// Zones z1..zN to assign in bands of rows (0: no zone property).
    #[arg(long, default_value_t = 0)]
    pub zones: usize,
    /// Random seed (same seed, byte-identical fabric).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Runs `allot generate`.
pub fn run(args: Args) -> Result<Outcome> {
    let spec = allot::synth::FabricSpec {
        overlaps: args.overlaps,
        gaps: args.gaps,
        invalid: args.invalid,
        zones: args.zones,
        ..allot::synth::FabricSpec::with_parcels(args.parcels, args.seed)
    };
    // Check the spec before creating any file.
    if let Err(allot::synth::SynthError::TooManyInjections {
        requested,
        capacity,
    }) = spec.check_capacity()
    {
        anyhow::bail!(
            "{requested} overlaps + gaps requested, but a grid of {} parcels has room for {capacity}; ask for more parcels",
            spec.cols * spec.rows
        );
    }
    let output = super::output_path(&args.output, None, "geojson")?;
    let truth_path = match &args.truth {
        Some(p) => Some(super::output_path(p, None, "json")?),
        None => None,
    };
    if let Some(path) = &truth_path {
        super::check_outputs(&[output.as_path(), path.as_path()], &[])?;
    }
    let mut truth = None;
    allot::write::write_atomic_with(&output, |w| {
        let t = allot::synth::write_fabric(&spec, w).map_err(std::io::Error::other)?;
        truth = Some(t);
        Ok(())
    })
    .context("cannot generate the fabric")?;
    let truth = truth.context("no fabric written")?;
    if let Some(path) = &truth_path {
        let json = serde_json::to_string_pretty(&truth)? + "\n";
        super::write_output(path, &[output.as_path()], json.as_bytes())?;
    }
    Ok(Outcome::Clean)
}
