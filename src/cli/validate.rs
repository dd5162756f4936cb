//! `allot validate`.

use std::path::PathBuf;

use anyhow::Result;

use allot::FindingKind;
use allot::report::validation;
use allot::validate::{ValidateOptions, validate};

use super::map_args::MapArgs;
use super::{
    Amount, Format, Outcome, UnitArgs, parse_amount, parse_non_negative, parse_target, write_output,
};

/// Arguments of `allot validate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The parcels, optionally with a `zone` on each: GeoJSON, Shapefile, GeoPackage, KML/KMZ,
    /// FlatGeobuf, GeoParquet or CSV with WKT (`-` reads GeoJSON from stdin).
    pub file: PathBuf,
    /// The site boundary (any format allot reads, in the CRS its own file declares): report
    /// land of the site no parcel covers, and parcel land outside the site.
    #[arg(long, value_name = "SITE.geojson")]
    pub site: Option<PathBuf>,
    /// A zone's target area (repeatable), in acres or with a unit suffix: `--target
    /// sindh_mill=700`, `=700ac`, `=283.3ha`, `=5600kanal`, `=3388000sqyd`. Any `--target`
    /// replaces the zones of the input's `metadata.zones` (a zone the metadata lists keeps its
    /// tolerance); without one, the metadata's zones are checked.
    #[arg(long = "target", value_name = "NAME=AREA", value_parser = parse_target)]
    pub targets: Vec<(String, Amount)>,
    /// How far a zone's area may be from its target: acres, or a unit suffix (`0.5ha`,
    /// `8kanal`, `2000sqyd`); replaces the tolerances of the input's `metadata.zones`.
    /// Default: the metadata's, else 1 acre.
    #[arg(long, value_name = "AREA", value_parser = parse_amount)]
    pub tolerance: Option<Amount>,
    /// Report every zone with a target that has a spur or neck narrower than this many metres
    /// (`zone_width`; the rule `allot plan --min-width` plans under), replacing the
    /// `min_width_m` of the input's `metadata.zones`. Default: the metadata's (a written plan
    /// carries the width it was planned with), else not checked.
    #[arg(long, value_name = "METRES", value_parser = parse_non_negative)]
    pub min_width: Option<f64>,
    /// Overlaps smaller than this many m² are not reported.
    #[arg(long, default_value = "1", value_name = "M2", value_parser = parse_non_negative)]
    pub min_overlap: f64,
    /// Gaps smaller than this many m² are not reported.
    #[arg(long, default_value = "1", value_name = "M2", value_parser = parse_non_negative)]
    pub min_gap: f64,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Area units of the text report and messages (JSON numbers are always in acres).
    #[command(flatten)]
    pub units: UnitArgs,
    /// Also write the findings (overlap and gap shapes as polygons, others as points): GeoJSON,
    /// or by the extension GeoPackage (tables `polygons` and `points`), Shapefile, FlatGeobuf or
    /// GeoParquet (files `<stem>_polygons` and `<stem>_points`), KML (two folders).
    #[arg(long, value_name = "OUT.geojson|gpkg|shp|shp.zip|kml|fgb|parquet")]
    pub findings: Option<PathBuf>,
    /// Also draw the parcels and findings to a map (.svg, .png, .pdf or .html, by the extension).
    #[arg(long, value_name = "MAP.svg|png|pdf|html")]
    pub map: Option<PathBuf>,
    /// How --map draws (the options of `allot map`).
    #[command(flatten)]
    pub map_args: MapArgs,
}

/// Runs `allot validate`.
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let mut inputs: Vec<&std::path::Path> = vec![args.file.as_path()];
    if let Some(s) = &args.site {
        inputs.push(s.as_path());
    }
    let input = Some(args.file.as_path());
    let findings_path = match &args.findings {
        Some(p) => Some(super::output_path(p, input, "geojson")?),
        None => None,
    };
    let map_path = match &args.map {
        Some(p) => Some(super::output_path(p, input, "svg")?),
        None => None,
    };
    let outputs: Vec<&std::path::Path> = [&findings_path, &map_path]
        .into_iter()
        .flatten()
        .map(|p| p.as_path())
        .collect();
    // Refuse before doing the work.
    let targets = args.units.targets_acres(&args.targets)?;
    args.map_args.check_used(map_path.as_deref())?;
    super::check_outputs(&outputs, &inputs)?;
    let findings_format = match &findings_path {
        Some(p) => Some(super::out_format(p)?),
        None => None,
    };
    let map_format = match &map_path {
        Some(path) => Some(allot::render::format::MapFormat::from_path(path)?),
        None => None,
    };
    let progress = super::messages::Progress::new(quiet);
    progress.stage(format!("reading {}", args.file.display()));
    // A map may colour or label by any property: keep them only then.
    let set = if map_path.is_some() {
        super::read(&args.file)?
    } else {
        super::read_lean(&args.file)?
    }
    .non_empty()?;
    let site = match &args.site {
        Some(path) => {
            let s = super::read_other(path)?;
            let boundary = allot::validate::site_boundary(&s)?;
            use allot::validate::placement;
            let fabric = placement::union(set.parcels.iter().map(|p| p.bbox()));
            let site_box = placement::union(s.parcels.iter().map(|p| p.bbox()));
            if let (Some(fabric), Some(site_box)) = (fabric, site_box) {
                if let Some(why) = placement::swapped_axes(&fabric, &site_box) {
                    anyhow::bail!("{}: {why}", set.source);
                }
                if let Some(why) = placement::datum_shift(&fabric, &site_box) {
                    let w = allot::Warning {
                        kind: allot::WarningKind::DatumShift,
                        message: format!("{}: {why}", set.source),
                    };
                    super::messages::warnings(std::slice::from_ref(&w));
                    super::keep_warning(w);
                }
            }
            Some(boundary)
        }
        None => None,
    };
    let choice = allot::resolve_zones(&set, &targets, &[])?;
    super::messages::warnings(&choice.warnings);
    let mut warnings = super::read_warnings();
    warnings.extend(choice.warnings.iter().cloned());
    let opts = ValidateOptions {
        min_overlap_m2: args.min_overlap,
        min_gap_m2: args.min_gap,
        site,
        units: args.units.unit(),
        ..Default::default()
    }
    .with_zones_of(&set.parcels, &choice, args.units.acres(args.tolerance))
    .with_min_width(args.min_width);
    progress.stage(format!("validating {} parcels", set.parcels.len()));
    let report = validate(&set, &opts);
    progress.finish();
    if !quiet {
        let invalid: std::collections::BTreeSet<&str> = report
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::InvalidGeometry)
            .flat_map(|f| f.parcels.iter().map(|p| p.as_str()))
            .collect();
        if !invalid.is_empty() {
            super::messages::note(
                quiet,
                format_args!(
                    "note: {} invalid parcel(s) left out of the overlap, gap and site checks",
                    invalid.len()
                ),
            );
        }
    }
    let svg = match map_format {
        Some(format) => {
            let map_opts = args
                .map_args
                .options(opts.targets.clone(), args.units.unit());
            Some(allot::render::format::render_map(
                &set,
                &report.findings,
                &map_opts,
                format,
            )?)
        }
        None => None,
    };
    if let (Some(out), Some(format)) = (&findings_path, findings_format) {
        let crs = super::out_crs(out, format, set.crs)?;
        if format == allot::write::OutFormat::GeoJson && crs.is_wgs84() {
            write_output(
                out,
                &inputs,
                validation::findings_geojson(&report.findings).as_bytes(),
            )?;
        } else {
            let fills = allot::render::palette::zone_fills(&set, &opts.targets);
            let opts = allot::write::WriteOptions {
                crs: &crs,
                fills: &fills,
                inputs: &inputs,
                title: &set.source,
            };
            let layers = validation::findings_layers(&report.findings);
            allot::write::write_layers(out, format, &layers, &opts)?;
        }
    }
    if let (Some(out), Some(svg)) = (&map_path, &svg) {
        write_output(out, &inputs, svg)?;
    }
    super::print_report(
        &match args.format {
            Format::Text => validation::to_text(&report, &set.source, args.units.unit()),
            Format::Json => {
                super::escape_json(&validation::to_json_with_warnings(&report, &warnings))
                    .into_owned()
            }
        },
        &outputs,
    )?;
    // The process exits next: freeing millions of small allocations one by one would take a
    // serial ~0.3 s at a million parcels for nothing.
    std::mem::forget(set);
    Ok(if report.is_clean() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
