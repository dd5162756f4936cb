//! `allot map`.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::map_args::MapArgs;
use super::{Outcome, read, write_output};

/// Arguments of `allot map`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The parcels: GeoJSON, Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, GeoParquet or CSV
    /// with WKT (`-` reads GeoJSON from stdin).
    pub file: PathBuf,
    /// Where to write the map; the extension picks the format: .svg, .png, .pdf or .html.
    #[arg(short = 'o', long = "output", value_name = "MAP.svg|png|pdf|html")]
    pub output: PathBuf,
    /// Findings to highlight (GeoJSON written by `allot validate --findings`). Without it,
    /// findings are computed when the parcels carry zones.
    #[arg(long, value_name = "FINDINGS.geojson")]
    pub findings: Option<PathBuf>,
    /// A zone's target area (repeatable; acres, or a unit suffix: `=283.3ha`, `=5600kanal`),
    /// for the legend and the findings. Any
    /// `--target` replaces the zones of the input's `metadata.zones`; without one, the
    /// metadata's zones apply (as in `allot validate`).
    #[arg(long = "target", value_name = "NAME=AREA", value_parser = super::parse_target)]
    pub targets: Vec<(String, super::Amount)>,
    /// How far a zone's area may be from its target: acres, or a unit suffix (`0.5ha`,
    /// `8kanal`); replaces the metadata's.
    #[arg(long, value_name = "AREA", value_parser = super::parse_amount)]
    pub tolerance: Option<super::Amount>,
    /// Area units of the legend, header and area labels.
    #[command(flatten)]
    pub units: super::UnitArgs,
    /// Title, colours, labels, size, page and window.
    #[command(flatten)]
    pub map: MapArgs,
}

/// The zones a map of `set` shows and checks: `targets` (from `--target`, in acres), else the
/// data's `metadata.zones`, with `tolerance` replacing the metadata's, reported in `unit`; with
/// `warn`, warnings about them printed (`plan --map` has printed its own). `allot map` and
/// `plan --map` (on the plan it wrote) both go through here, so the two draw the same legend
/// and the same findings.
pub fn zone_options(
    set: &allot::ParcelSet,
    targets: &[(String, f64)],
    tolerance: Option<f64>,
    unit: allot::AreaUnit,
    warn: bool,
) -> Result<allot::validate::ValidateOptions> {
    let choice = allot::resolve_zones(set, targets, &[])?;
    if warn {
        super::messages::warnings(&choice.warnings);
    }
    Ok(allot::validate::ValidateOptions {
        units: unit,
        ..Default::default()
    }
    .with_zones_of(&set.parcels, &choice, tolerance))
}

/// Runs `allot map`: draws the parcels and findings to a map (SVG, PNG, PDF or HTML). Findings come from `--findings`,
/// else from validating the parcels when they carry zones (zones and tolerances from
/// `--target`/`--tolerance`, else the data's `metadata.zones`, exactly as `allot validate`).
/// Exit 0 when the map was written, findings or not: drawing them is the point (`allot
/// validate` is the check that exits 1).
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let mut inputs: Vec<&std::path::Path> = vec![args.file.as_path()];
    if let Some(f) = &args.findings {
        inputs.push(f.as_path());
    }
    let output = super::output_path(&args.output, Some(&args.file), "svg")?;
    // Refuse to overwrite an input before doing the work.
    super::check_outputs(&[output.as_path()], &inputs)?;
    let format = allot::render::format::MapFormat::from_path(&output)?;
    let set = read(&args.file)?;
    let unit = args.units.unit();
    let targets = args.units.targets_acres(&args.targets)?;
    let vopts = zone_options(&set, &targets, args.units.acres(args.tolerance), unit, true)?;
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
        None => allot::render::format::findings_to_draw(&set, &vopts),
    };
    let opts = args.map.options(vopts.targets.clone(), unit);
    let bytes = allot::render::format::render_map(&set, &findings, &opts, format)?;
    write_output(&output, &inputs, &bytes)?;
    super::messages::note(
        quiet,
        format_args!(
            "wrote {} ({} parcels, {} finding{}, {} KB)",
            output.display(),
            set.parcels.len(),
            findings.len(),
            if findings.len() == 1 { "" } else { "s" },
            bytes.len().div_ceil(1024)
        ),
    );
    Ok(Outcome::Clean)
}
