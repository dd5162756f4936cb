//! `allot map`.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{Outcome, read, write_output};

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

impl From<Labels> for allot::render::LabelKind {
    fn from(l: Labels) -> Self {
        match l {
            Labels::Id => allot::render::LabelKind::Id,
            Labels::Name => allot::render::LabelKind::Name,
            Labels::Area => allot::render::LabelKind::Area,
            Labels::None => allot::render::LabelKind::None,
        }
    }
}

/// Zone targets from the data's `metadata.targets` (`{"zone": acres, ...}`), in file order;
/// entries that are not finite, non-negative numbers are ignored.
/// Runs `allot map`: draws the parcels and findings to an SVG. Findings come from `--findings`,
/// else from validating the parcels when they carry zones (targets from `metadata.targets`,
/// default tolerances). Exit 0 when the map was written, findings or not: drawing them is the
/// point (`allot validate` is the check that exits 1).
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let mut inputs: Vec<&std::path::Path> = vec![args.file.as_path()];
    if let Some(f) = &args.findings {
        inputs.push(f.as_path());
    }
    let output = super::output_path(&args.output, Some(&args.file), "svg")?;
    // Refuse to overwrite an input before doing the work.
    super::check_outputs(&[output.as_path()], &inputs)?;
    let set = read(&args.file)?;
    let targets = set.metadata_targets();
    let findings: Vec<allot::Finding> = match &args.findings {
        Some(path) => {
            let name = path.display().to_string();
            let size = std::fs::metadata(path)
                .with_context(|| format!("{name}: cannot read"))?
                .len();
            let limit = allot::read::MAX_INPUT_BYTES;
            if size > limit {
                anyhow::bail!(
                    "{name}: {size} bytes is more than allot reads ({limit} bytes); split the file"
                );
            }
            let bytes = std::fs::read(path).with_context(|| format!("{name}: cannot read"))?;
            allot::report::validation::read_findings_geojson(&bytes, &name)?
        }
        None if set.parcels.iter().any(|p| p.zone.is_some()) => {
            let opts = allot::validate::ValidateOptions {
                targets: targets.clone(),
                ..Default::default()
            };
            allot::validate::validate(&set, &opts).findings
        }
        None => Vec::new(),
    };
    let opts = allot::render::MapOptions {
        title: args.title.clone(),
        color_by: args.color_by.clone(),
        labels: args.labels.into(),
        width: args.width,
        targets,
    };
    let svg = allot::render_svg(&set, &findings, &opts)?;
    write_output(&output, &inputs, svg.as_bytes())?;
    super::messages::note(
        quiet,
        format_args!(
            "wrote {} ({} parcels, {} finding{}, {} KB)",
            output.display(),
            set.parcels.len(),
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            svg.len().div_ceil(1024)
        ),
    );
    Ok(Outcome::Clean)
}
