//! Writes a synthetic parcel fabric (GeoJSON) to stdout and its ground truth (JSON) to a file.
//!
//! ```text
//! cargo run --release --example gen_fabric -- --parcels 100000 --overlaps 20 --truth truth.json > fabric.geojson
//! ```
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use allot::synth::{FabricSpec, write_fabric};
use clap::Parser;

/// Generate a synthetic parcel fabric with known overlaps, gaps and invalid parcels.
#[derive(Parser)]
struct Opts {
    /// Number of cells (near-square grid); overridden by --cols/--rows.
    #[arg(long, default_value_t = 3600)]
    parcels: usize,
    /// Cells per row.
    #[arg(long)]
    cols: Option<usize>,
    /// Rows of cells.
    #[arg(long)]
    rows: Option<usize>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    #[arg(long, default_value_t = 0)]
    overlaps: usize,
    #[arg(long, default_value_t = 0)]
    gaps: usize,
    #[arg(long, default_value_t = 0)]
    invalid: usize,
    /// Zones z1..zN in bands of rows (0: no zone property).
    #[arg(long, default_value_t = 0)]
    zones: usize,
    /// Where to write the truth as JSON.
    #[arg(long)]
    truth: Option<PathBuf>,
}

fn main() -> ExitCode {
    let o = Opts::parse();
    let base = FabricSpec::with_parcels(o.parcels, o.seed);
    let spec = FabricSpec {
        cols: o.cols.unwrap_or(base.cols),
        rows: o.rows.unwrap_or(base.rows),
        overlaps: o.overlaps,
        gaps: o.gaps,
        invalid: o.invalid,
        zones: o.zones,
        ..base
    };
    let stdout = std::io::stdout().lock();
    let truth = match write_fabric(&spec, stdout) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gen_fabric: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = o.truth {
        let text = serde_json::to_string_pretty(&truth).expect("truth serialises");
        if let Err(e) = std::fs::File::create(&path).and_then(|mut f| writeln!(f, "{text}")) {
            eprintln!("gen_fabric: {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
