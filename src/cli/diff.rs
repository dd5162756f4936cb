//! `allot diff`.

use std::path::PathBuf;

use anyhow::Result;

use super::map_args::MapArgs;
use super::{Format, Outcome, UnitArgs, read, write_output};

/// Arguments of `allot diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first zoning (a plan, a proposal, or the parcels before planning: any format allot
    /// reads; parcels without a zone are retained land, as a plan writes it).
    pub a: PathBuf,
    /// The second zoning of the same site.
    pub b: PathBuf,
    /// Also draw the differences to a map (.svg, .png, .pdf or .html, by the extension) with the
    /// map options below: B's parcels coloured by their zone change (`mill → park`), unchanged
    /// parcels grey, a legend of each move and its area; title `A vs B` unless --title.
    #[arg(long, value_name = "DIFF.svg|png|pdf|html")]
    pub map: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Area units of the text report and the map legend (JSON numbers are always in acres).
    #[command(flatten)]
    pub units: UnitArgs,
    /// Map options (as `allot map`; a diff map is always coloured by the zone change).
    #[command(flatten)]
    pub map_args: MapArgs,
}

/// Runs `allot diff`: exit 0 when the zoning is identical, 1 when it differs.
pub fn run(args: Args) -> Result<Outcome> {
    let inputs = [args.a.as_path(), args.b.as_path()];
    let map_path = match &args.map {
        Some(p) => Some(super::output_path(p, Some(args.b.as_path()), "svg")?),
        None => None,
    };
    let outputs: Vec<&std::path::Path> = map_path.iter().map(|p| p.as_path()).collect();
    // Refuse before doing the work.
    super::check_outputs(&outputs, &inputs)?;
    args.map_args.check_used(map_path.as_deref())?;
    if args.map_args.color_by != "zone" || args.map_args.max_classes.is_some() {
        anyhow::bail!(
            "--color-by and --max-classes do not apply to diff: a diff map is coloured by the zone change"
        );
    }
    let map_format = match &map_path {
        Some(path) => Some(allot::render::format::MapFormat::from_path(path)?),
        None => None,
    };
    let a = read(&args.a)?;
    let b = read(&args.b)?;
    let d = allot::diff::diff(&a, &b)?;
    if let (Some(path), Some(format)) = (&map_path, map_format) {
        let opts = args.map_args.options(Vec::new(), args.units.unit());
        let map = allot::render::diff_map::render_diff(&b, &d, &opts, format)?;
        write_output(path, &inputs, &map)?;
    }
    super::print_report(
        &match args.format {
            Format::Text => d.to_text_in(args.units.unit()),
            Format::Json => super::escape_json(&d.to_json()).into_owned(),
        },
        &outputs,
    )?;
    Ok(if d.identical_zoning() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
