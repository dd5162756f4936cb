//! `allot diff`.

use std::path::PathBuf;

use anyhow::Result;

use super::{Format, Outcome, print, read, write_output};

/// Arguments of `allot diff`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The first zoning (a plan or a proposal, GeoJSON).
    pub a: PathBuf,
    /// The second zoning of the same site.
    pub b: PathBuf,
    /// Also draw the differences to an SVG map: parcels that changed zone hatched in the new
    /// zone's colour, outlined in the old zone's.
    #[arg(long, value_name = "DIFF.svg")]
    pub map: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Runs `allot diff`: exit 0 when the zoning is identical, 1 when it differs.
pub fn run(args: Args) -> Result<Outcome> {
    let inputs = [args.a.as_path(), args.b.as_path()];
    let outputs: Vec<&std::path::Path> = args.map.iter().map(|p| p.as_path()).collect();
    super::check_outputs(&outputs, &inputs)?;
    let a = read(&args.a)?;
    let b = read(&args.b)?;
    let d = allot::diff::diff(&a, &b)?;
    if let Some(path) = &args.map {
        let svg = allot::render::diff_map::render_diff_svg(&a, &b, &d)?;
        write_output(path, &inputs, svg.as_bytes())?;
    }
    print(&match args.format {
        Format::Text => d.to_text(),
        Format::Json => d.to_json(),
    })?;
    Ok(if d.identical_zoning() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
