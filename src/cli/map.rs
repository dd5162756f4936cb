//! `allot map`.

use std::path::PathBuf;

use anyhow::{Context, Result};

use super::{Outcome, read, write_output};

/// Arguments of `allot map`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Parcels as a GeoJSON FeatureCollection (`-` reads stdin).
    pub file: PathBuf,
    /// Where to write the map; the extension picks the format: .svg, .png, .pdf or .html.
    #[arg(short = 'o', long = "output", value_name = "MAP.svg|png|pdf|html")]
    pub output: PathBuf,
    /// Map title (default: the data's metadata title, else the file name).
    #[arg(long)]
    pub title: Option<String>,
    /// Colour parcels by `zone`, `land_use`, `area` (a ramp) or any other property.
    #[arg(
        long,
        default_value = "zone",
        value_name = "zone|land_use|area|PROPERTY"
    )]
    pub color_by: String,
    /// Colour at most N classes and merge the rest into one "other" class (default: every
    /// class its own colour, patterned past 12).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_classes: Option<u32>,
    /// Label parcels with their id, name, area, or nothing.
    #[arg(long, value_enum, default_value = "none")]
    pub labels: Labels,
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
    /// How far a zone's area may be from its target, in acres (replaces the metadata's).
    #[arg(long, value_name = "ACRES", value_parser = super::parse_non_negative)]
    pub tolerance: Option<f64>,
    /// Width of the SVG in pixels.
    #[arg(long, default_value_t = 1200, value_parser = clap::value_parser!(u32).range(200..=20000))]
    pub width: u32,
    /// Resolution of a PNG map in dots per inch (96: one pixel per SVG pixel).
    #[arg(long, default_value_t = 96.0)]
    pub dpi: f64,
    /// Lay the map out on a print page (title block, legend, scale bar and a round
    /// representative fraction such as 1:25,000 that is right on the printed page).
    #[arg(long, value_enum, value_name = "A4|A3|A2|A1")]
    pub page: Option<Paper>,
    /// With --page: long side horizontal.
    #[arg(long, requires = "page")]
    pub landscape: bool,
    /// Date printed in the title block (default: the data's metadata.date; never the clock).
    #[arg(long)]
    pub date: Option<String>,
    /// A note printed in the title block.
    #[arg(long)]
    pub note: Option<String>,
    /// Map only this window, in degrees; an inset shows the whole site.
    #[arg(long, value_name = "W,S,E,N", value_parser = parse_bbox, conflicts_with = "focus")]
    pub bbox: Option<[f64; 4]>,
    /// Map only this zone's parcels (with a margin); an inset shows the whole site.
    #[arg(long, value_name = "ZONE")]
    pub focus: Option<String>,
    /// Area units of the legend, header and area labels.
    #[command(flatten)]
    pub units: super::UnitArgs,
}

/// Paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Paper {
    /// 210 × 297 mm.
    #[value(name = "A4", alias = "a4")]
    A4,
    /// 297 × 420 mm.
    #[value(name = "A3", alias = "a3")]
    A3,
    /// 420 × 594 mm.
    #[value(name = "A2", alias = "a2")]
    A2,
    /// 594 × 841 mm.
    #[value(name = "A1", alias = "a1")]
    A1,
}

/// Parses `W,S,E,N` (four numbers).
fn parse_bbox(s: &str) -> Result<[f64; 4], String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|x| x.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("expected W,S,E,N (four numbers), got {s:?}"))?;
    <[f64; 4]>::try_from(v).map_err(|_| format!("expected W,S,E,N (four numbers), got {s:?}"))
}

/// What to write on each parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Labels {
    /// The parcel id.
    Id,
    /// The `name` property.
    Name,
    /// The parcel's area (in `--units`).
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

/// Runs `allot map`: draws the parcels and findings to an SVG. Findings come from `--findings`,
/// else from validating the parcels when they carry zones (zones and tolerances from
/// `--target`/`--tolerance`, else the data's `metadata.zones`, exactly as `allot validate`). Exit 0 when the map was written, findings or not: drawing them is the
/// point (`allot validate` is the check that exits 1).
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
    let choice = allot::resolve_zones(&set, &args.units.targets_acres(&args.targets), &[])?;
    super::messages::warnings(&choice.warnings);
    let vopts = allot::validate::ValidateOptions {
        units: args.units.unit(),
        ..Default::default()
    }
    .with_zones_of(&set.parcels, &choice, args.tolerance);
    let targets = vopts.targets.clone();
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
            allot::validate::validate(&set, &vopts).findings
        }
        None => Vec::new(),
    };
    let opts = allot::render::MapOptions {
        title: args.title.clone(),
        color_by: args.color_by.clone(),
        labels: args.labels.into(),
        width: args.width,
        targets,
        dpi: args.dpi,
        max_classes: args.max_classes.map(|n| n as usize),
        interactive: false,
        page: args.page.map(|p| allot::render::page::PageSpec {
            paper: match p {
                Paper::A4 => allot::render::page::Paper::A4,
                Paper::A3 => allot::render::page::Paper::A3,
                Paper::A2 => allot::render::page::Paper::A2,
                Paper::A1 => allot::render::page::Paper::A1,
            },
            landscape: args.landscape,
        }),
        date: args.date.clone(),
        note: args.note.clone(),
        bbox: args.bbox,
        focus: args.focus.clone(),
        units: args.units.unit(),
    };
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
