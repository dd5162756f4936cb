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
    /// Where to write the fabric: GeoJSON, or by the extension any format `plan -o` writes
    /// (in `--out-crs` when given).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "FABRIC.geojson|gpkg|shp|fgb|parquet|…"
    )]
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
    /// What kind of fabric: `grid` (a jittered lattice of quadrilaterals with injected
    /// problems), `nonconvex` (octagons with jittered edge midpoints, ~0.45 acre, mostly
    /// non-convex, with injected problems) or `cadastral` (real-data-like: plot sizes over three
    /// orders of magnitude, non-convex plots, slivers, T-junctions, mixed vertex densities and
    /// coordinate rounding; injected overlaps are duplicated plots, gaps are holes cut in plots,
    /// invalid parcels are bow-ties below the fabric; no zones).
    #[arg(long, value_enum, default_value_t = Kind::Grid)]
    pub kind: Kind,
}

/// Fabric kinds of `allot generate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Kind {
    /// A jittered lattice of quadrilaterals.
    #[value(alias = "quad")]
    Grid,
    /// Octagons with jittered edge midpoints.
    Nonconvex,
    /// A real-data-like cadastral fabric.
    Cadastral,
}

/// Runs `allot generate`.
pub fn run(args: Args) -> Result<Outcome> {
    if args.kind == Kind::Cadastral {
        return run_cadastral(&args);
    }
    let spec = allot::synth::FabricSpec {
        overlaps: args.overlaps,
        gaps: args.gaps,
        invalid: args.invalid,
        zones: args.zones,
        ..match args.kind {
            Kind::Grid | Kind::Cadastral => {
                allot::synth::FabricSpec::with_parcels(args.parcels, args.seed)
            }
            Kind::Nonconvex => allot::synth::FabricSpec::nonconvex(args.parcels, args.seed),
        }
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
    let (output, truth_path) = output_paths(&args)?;
    let format = super::out_format(&output)?;
    let mut truth = None;
    if format == allot::write::OutFormat::GeoJson && !super::out_crs_given() {
        allot::write::write_atomic_with(&output, |w| {
            let t = allot::synth::write_fabric(&spec, w).map_err(std::io::Error::other)?;
            truth = Some(t);
            Ok(())
        })
        .context("cannot generate the fabric")?;
    } else {
        // Another format (or another CRS): the fabric is made as GeoJSON in memory, read, and
        // written by the format's writer.
        let mut text = Vec::new();
        truth = Some(allot::synth::write_fabric(&spec, &mut text)?);
        write_generated(&output, format, &text)?;
    }
    let truth = truth.context("no fabric written")?;
    if let Some(path) = &truth_path {
        let json = serde_json::to_string_pretty(&truth)? + "\n";
        super::write_output(path, &[output.as_path()], json.as_bytes())?;
    }
    Ok(Outcome::Clean)
}

/// `allot generate --kind cadastral`: the fabric, with `--overlaps`, `--gaps` and `--invalid`
/// injected (and their truth) when asked; no zones.
fn run_cadastral(args: &Args) -> Result<Outcome> {
    if args.zones > 0 {
        anyhow::bail!("--kind cadastral takes no --zones (its plots carry no zone)");
    }
    let spec = allot::synth::cadastral::CadastralSpec::with_parcels(args.parcels, args.seed);
    let defects = allot::synth::cadastral_defects::Defects {
        overlaps: args.overlaps,
        gaps: args.gaps,
        invalid: args.invalid,
    };
    let (output, truth_path) = output_paths(args)?;
    let (text, truth) = if defects == Default::default() && truth_path.is_none() {
        let fabric = allot::synth::cadastral::generate_cadastral(&spec);
        (fabric.geojson, None)
    } else {
        let (text, truth) = allot::synth::cadastral_defects::inject(&spec, defects);
        (text, Some(truth))
    };
    let format = super::out_format(&output)?;
    if format == allot::write::OutFormat::GeoJson && !super::out_crs_given() {
        super::write_output(&output, &[], text.as_bytes())?;
    } else {
        write_generated(&output, format, text.as_bytes())?;
    }
    if let (Some(path), Some(truth)) = (&truth_path, &truth) {
        let json = serde_json::to_string_pretty(truth)? + "\n";
        super::write_output(path, &[output.as_path()], json.as_bytes())?;
    }
    Ok(Outcome::Clean)
}

/// The fabric's path and the `--truth` file's, checked to be two different files.
fn output_paths(args: &Args) -> Result<(PathBuf, Option<PathBuf>)> {
    let output = super::output_path(&args.output, None, "geojson")?;
    let truth_path = match &args.truth {
        Some(p) => Some(super::output_path(p, None, "json")?),
        None => None,
    };
    if let Some(path) = &truth_path {
        super::check_outputs(&[output.as_path(), path.as_path()], &[])?;
    }
    Ok((output, truth_path))
}

/// Writes a generated fabric (GeoJSON text, WGS84) in `format`, in `--out-crs` when given.
fn write_generated(
    path: &std::path::Path,
    format: allot::write::OutFormat,
    text: &[u8],
) -> Result<()> {
    let set = allot::parse_parcels(text, "generated fabric")?;
    let features = set
        .parcels
        .iter()
        .map(allot::write::OutFeature::from_parcel)
        .collect::<Result<Vec<_>, _>>()?;
    let crs = super::out_crs(path, format, None)?;
    let opts = allot::write::WriteOptions {
        crs: &crs,
        fills: &[],
        inputs: &[],
        title: "generated fabric",
    };
    allot::write::write_parcels(path, format, &features, &set.members, &opts)?;
    Ok(())
}
