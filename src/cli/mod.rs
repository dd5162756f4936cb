//! Command-line interface: clap derive options, turned into plain library configs.
//!
//! Each subcommand has its own file holding its `Args` (the help text is the doc comments) and
//! a `run` that builds the library's config, calls the library, prints and writes files. The
//! library never sees clap.

use std::io::Write;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};

pub mod diff;
pub mod generate;
pub mod map;
pub mod map_args;
pub mod messages;
pub mod plan;
pub mod summary;
pub mod validate;

/// allot: plan, validate and map land allocations from parcel files.
///
/// Reads parcels from GeoJSON, Shapefile (.shp, .shp.zip), GeoPackage, KML/KMZ, FlatGeobuf,
/// GeoParquet and CSV with a WKT column (the format told by the file's content); writes plans
/// as GeoJSON, GeoPackage, Shapefile, KML, FlatGeobuf or GeoParquet, and maps as SVG, PNG, PDF
/// or HTML.
///
/// Built for the Pakistan Steel Mills site at Bin Qasim, Karachi: 700 acres for a new Sindh
/// steel mill, an industrial park, and land retained. Areas are geodesic on WGS84.
/// Exit codes: 0 clean, 1 findings (or an infeasible plan), 2 bad input or usage.
#[derive(Debug, Parser)]
#[command(name = "allot", version, propagate_version = true)]
pub struct Opts {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// No progress bars or notes on stderr (errors are still printed).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// CRS of the input FILE's coordinates, declaring or overriding what the file says
    /// (`EPSG:32642`, `EPSG:24312`, …); reprojected to WGS84 for all work.
    #[arg(long, global = true, value_name = "EPSG:N")]
    pub crs: Option<String>,
    /// GeoPackage layer (or Shapefile in a zip) to read when there are several.
    #[arg(long, global = true, value_name = "NAME")]
    pub layer: Option<String>,
    /// CSV column holding WKT geometry (default: `WKT`, else `geometry`).
    #[arg(long, global = true, value_name = "NAME")]
    pub wkt_column: Option<String>,
    /// CRS of the .gpkg, .shp, .shp.zip, .fgb and .parquet outputs and of the x/y columns of
    /// `plan --corners` (`EPSG:32642`, …). Default: the input's CRS. GeoJSON and KML outputs are
    /// always WGS84 longitude/latitude, as their specifications say.
    #[arg(long, global = true, value_name = "EPSG:N")]
    pub out_crs: Option<String>,
}

/// The subcommands.
// Parsed once per run and moved into its command: boxing `plan`'s larger arguments would save
// a few hundred bytes once, at the cost of clap's plain derive.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Count and measure parcels: total area, area by zone and by land use, bounding box.
    Summary(summary::Args),
    /// Check a parcel fabric or a proposed split: invalid geometry, overlaps, gaps, land outside
    /// the site, zone areas against targets, zone contiguity.
    Validate(validate::Args),
    /// Partition parcels into contiguous, compact zones of target areas (default: a 700-acre
    /// sindh_mill and a 3,200-acre industrial_park), the rest retained.
    Plan(plan::Args),
    /// Draw parcels, zones and findings to a map: SVG, PNG, PDF or HTML by the extension.
    Map(map::Args),
    /// Compare two zonings of the same site: parcels that changed zone, area moved between
    /// zones, zone metrics side by side, findings in only one. Exit 0 identical zoning, 1
    /// differences.
    Diff(diff::Args),
    /// Write a synthetic parcel fabric with known injected problems (for tests and benchmarks).
    Generate(generate::Args),
}

/// How a run ended when it did not fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing to report: exit 0.
    Clean,
    /// Findings, or an infeasible plan: exit 1.
    Findings,
}

/// Output format of reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    /// Tables for people.
    #[default]
    Text,
    /// JSON for scripts (schema in README.md).
    Json,
}

/// `--units` and `--marla-sqft`: the unit every command reports areas in.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct UnitArgs {
    /// Unit of areas in reports, tables, messages and map legends: acres, hectares, m2, sqyd,
    /// kanal (1/8 acre), marla, acre-ghunta (A-GG, 40 ghunta to the acre).
    #[arg(long, default_value = "acres", value_name = "UNIT", value_parser = parse_unit)]
    pub units: allot::AreaUnit,
    /// Size of a marla in square feet: 272.25 (revenue records), 250 or 225 (housing schemes).
    #[arg(long, default_value = "272.25", value_name = "SQFT", value_parser = parse_marla)]
    pub marla_sqft: allot::geodesy::units::MarlaSize,
}

impl UnitArgs {
    /// The unit chosen, a marla of the chosen size.
    pub fn unit(&self) -> allot::AreaUnit {
        self.units.with_marla(self.marla_sqft)
    }

    /// An amount typed with a unit suffix (`--tolerance 0.5ha`), in acres (a marla of the
    /// chosen size).
    pub fn acres(&self, amount: Option<Amount>) -> Option<f64> {
        amount.map(|a| a.acres(self.marla_sqft))
    }

    /// Targets typed with unit suffixes, in acres (a marla of the chosen size); a zone given
    /// twice is an error (which value was meant is not for allot to guess).
    pub fn targets_acres(&self, targets: &[(String, Amount)]) -> Result<Vec<(String, f64)>> {
        for (k, (name, a)) in targets.iter().enumerate() {
            if let Some((_, first)) = targets[..k].iter().find(|(n, _)| n == name) {
                let typed = |a: &Amount| format!("{} {}", a.value, a.unit.name());
                anyhow::bail!(
                    "--target {name} is given twice ({} and {}); give each zone once",
                    typed(first),
                    typed(a)
                );
            }
        }
        Ok(targets
            .iter()
            .map(|(name, a)| (name.clone(), a.acres(self.marla_sqft)))
            .collect())
    }
}

fn parse_unit(s: &str) -> Result<allot::AreaUnit, String> {
    allot::AreaUnit::parse(s).map_err(|e| e.to_string())
}

fn parse_marla(s: &str) -> Result<allot::geodesy::units::MarlaSize, String> {
    allot::geodesy::units::MarlaSize::parse(s).map_err(|e| e.to_string())
}

pub use allot::geodesy::units::Amount;

/// Parses a target `NAME=AREA`, the area with an optional unit suffix (acres without one):
/// `sindh_mill=700`, `sindh_mill=700ac`, `=283.3ha`, `=5600kanal`, `=3388000sqyd`. The one
/// parser of `--target` for `plan`, `validate` and `map`; [`UnitArgs::targets_acres`] turns
/// the amounts into acres once `--marla-sqft` is known.
pub fn parse_target(s: &str) -> Result<(String, Amount), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("expected NAME=AREA, got {s:?}"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(format!("missing name before '=' in {s:?}"));
    }
    let amount = Amount::parse(value).map_err(|e| format!("{e} (in {s:?})"))?;
    Ok((name.to_string(), amount))
}

/// Parses an area with an optional unit suffix (acres without one): `--tolerance 1`,
/// `--tolerance 0.5ha`, `--tolerance 8kanal`. [`UnitArgs::acres`] turns it into acres once
/// `--marla-sqft` is known.
pub fn parse_amount(s: &str) -> Result<Amount, String> {
    Amount::parse(s).map_err(|e| e.to_string())
}

/// Parses `ID=ZONE` (locks).
pub fn parse_name_value(s: &str) -> Result<(String, String), String> {
    let (a, b) = s
        .split_once('=')
        .ok_or_else(|| format!("expected ID=ZONE, got {s:?}"))?;
    if a.is_empty() || b.is_empty() {
        return Err(format!("expected ID=ZONE, got {s:?}"));
    }
    Ok((a.to_string(), b.to_string()))
}

/// Parses a finite, non-negative number.
pub fn parse_non_negative(s: &str) -> Result<f64, String> {
    let v: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("{s:?} is not a number"))?;
    if !v.is_finite() || v < 0.0 {
        return Err(format!("{s:?} must be a finite, non-negative number"));
    }
    Ok(v)
}

/// Whether `c` is a bidirectional formatting character: the embeddings and overrides
/// U+202A–U+202E, the isolates U+2066–U+2069, and the marks U+200E, U+200F and U+061C. In a
/// terminal they reorder the text around them, so an id holding U+202E could make a report
/// read backwards ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Control characters other than newline and tab, and bidirectional formatting characters,
/// shown as `\u{..}` escapes, so that an id or zone name taken from the input cannot move the
/// cursor, recolour a terminal or reorder a line (JSON reports go through [`escape_json`]
/// first, which writes the same characters as JSON escapes). This is the one place text
/// output is escaped: reports on stdout, and errors and notes on stderr.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    escape_with(text, |c| c.escape_unicode().to_string())
}

/// JSON text with the characters [`escape_controls`] escapes written as JSON `\uXXXX` escapes
/// instead: the same data to a JSON parser, and nothing that can reorder a terminal line
/// (`\u{202e}` is not JSON). serde_json leaves U+007F, the C1 controls and the bidirectional
/// characters verbatim; they only occur inside strings, and all lie in the Basic Multilingual
/// Plane, so one `\uXXXX` each is exact.
pub fn escape_json(json: &str) -> std::borrow::Cow<'_, str> {
    escape_with(json, |c| format!("\\u{:04x}", c as u32))
}

/// `text` with each control character other than newline and tab, and each bidirectional
/// formatting character, replaced by `escape(c)`.
fn escape_with(text: &str, escape: impl Fn(char) -> String) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c);
    if !text.contains(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if bad(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Writes text to stdout (a closed pipe surfaces as an io error that `main` treats as success),
/// with control characters from the input escaped.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(escape_controls(text).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Where an output flag's value points: `-` (standard output) kept, a folder turned into
/// `<folder>/<input stem>.<ext>` (see [`allot::write::resolve_output`]).
pub fn output_path(
    path: &std::path::Path,
    input: Option<&std::path::Path>,
    ext: &str,
) -> Result<std::path::PathBuf> {
    Ok(allot::write::resolve_output(path, input, ext)?)
}

/// Prints a command's report: to stdout, or to stderr when one of the outputs is standard
/// output (`-o -`), so that the output stays a clean GeoJSON, SVG or CSV stream.
pub fn print_report(text: &str, outputs: &[&std::path::Path]) -> Result<()> {
    if outputs.iter().any(|o| o.as_os_str() == "-") {
        return messages::report(text);
    }
    print(text)
}

/// `--crs`, `--layer` and `--wkt-column`, set once by [`run`] before any command reads; they
/// apply to the main input FILE only (a `--site` file must state its own CRS).
static SOURCE: std::sync::OnceLock<allot::read::SourceOptions> = std::sync::OnceLock::new();

fn source() -> allot::read::SourceOptions {
    SOURCE.get().cloned().unwrap_or_default()
}

/// Reads the input parcels (any format allot reads), with the file named in any error.
pub fn read(path: &std::path::Path) -> Result<allot::ParcelSet> {
    let opts = allot::read::ReadOptions::default();
    checked(allot::read::read_parcels_from(path, opts, &source())?)
}

/// [`read`] that also returns the input's bytes (to record its SHA-256 in a plan).
pub fn read_with_bytes(path: &std::path::Path) -> Result<(allot::ParcelSet, Vec<u8>)> {
    let opts = allot::read::ReadOptions::default();
    let (set, bytes) = allot::read::read_parcels_and_bytes(path, opts, &source())?;
    Ok((checked(set)?, bytes))
}

/// Reads a secondary input (a `--site` boundary): any format, its CRS from the file itself.
pub fn read_other(path: &std::path::Path) -> Result<allot::ParcelSet> {
    checked(allot::read_parcels(path)?)
}

/// Reads the input parcels without keeping their raw properties (for commands that write no
/// GeoJSON back and read only ids, zones and land uses: less memory on large files).
pub fn read_lean(path: &std::path::Path) -> Result<allot::ParcelSet> {
    let opts = allot::read::ReadOptions {
        keep_properties: false,
    };
    checked(allot::read::read_parcels_from(path, opts, &source())?)
}

/// The input parcels, after printing the warning for a projected CRS declared for
/// coordinates that look like degrees ([`allot::read::degrees_in_projected_crs`]) and keeping
/// it for the command's JSON report ([`read_warnings`]).
fn checked(set: allot::ParcelSet) -> Result<allot::ParcelSet> {
    if let Some(w) = allot::read::degrees_in_projected_crs(&set) {
        messages::warnings(std::slice::from_ref(&w));
        keep_warning(w);
    }
    Ok(set)
}

/// Warnings raised while reading the inputs, in the order they were raised.
static READ_WARNINGS: std::sync::Mutex<Vec<allot::Warning>> = std::sync::Mutex::new(Vec::new());

/// Keeps a warning that has been printed, for the command's JSON report.
pub fn keep_warning(w: allot::Warning) {
    READ_WARNINGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(w);
}

/// The warnings kept by [`keep_warning`] (reading the inputs), to put first under `warnings`
/// in a JSON report.
pub fn read_warnings() -> Vec<allot::Warning> {
    READ_WARNINGS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Writes an output file atomically after checking it is not one of the inputs.
pub fn write_output(
    path: &std::path::Path,
    inputs: &[&std::path::Path],
    bytes: &[u8],
) -> Result<()> {
    allot::write::check_not_input(path, inputs)?;
    allot::write::write_atomic(path, bytes).with_context(|| "output not written".to_string())
}

/// Refuses, before any work is done, an output that is one of the inputs or that names the
/// same file as another output (the library's rule, [`allot::write::check_outputs`]).
pub fn check_outputs(outputs: &[&std::path::Path], inputs: &[&std::path::Path]) -> Result<()> {
    Ok(allot::write::check_outputs(outputs, inputs)?)
}

/// `--out-crs`, set once by [`run`].
static OUT_CRS: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

/// The format an output of parcels or findings is written in, by its extension (an unknown
/// one is a usage error before any work).
pub fn out_format(path: &std::path::Path) -> Result<allot::write::OutFormat> {
    Ok(allot::write::OutFormat::from_path(path)?)
}

/// The CRS an output of `format` is written in (`--out-crs`, else the input's, see
/// [`allot::write::output_crs`]).
pub fn out_crs(
    path: &std::path::Path,
    format: allot::write::OutFormat,
    input: Option<u32>,
) -> Result<allot::crs::Crs> {
    let requested = OUT_CRS.get().cloned().flatten();
    Ok(allot::write::output_crs(
        path,
        format,
        requested.as_deref(),
        input,
    )?)
}

/// The CRS `--out-crs` names, when it was given.
pub fn requested_out_crs() -> Result<Option<allot::crs::Crs>> {
    match OUT_CRS.get().cloned().flatten() {
        Some(name) => Ok(Some(
            allot::crs::Crs::from_name(&name)
                .map_err(|e| anyhow::anyhow!("--out-crs {name}: {e}"))?,
        )),
        None => Ok(None),
    }
}

/// True when `--out-crs` was given.
pub fn out_crs_given() -> bool {
    OUT_CRS.get().is_some_and(Option::is_some)
}

/// Runs the parsed command line.
pub fn run(opts: Opts) -> Result<Outcome> {
    let _ = SOURCE.set(allot::read::SourceOptions {
        crs: opts.crs.clone(),
        layer: opts.layer.clone(),
        wkt_column: opts.wkt_column.clone(),
    });
    let _ = OUT_CRS.set(opts.out_crs.clone());
    match opts.command {
        Command::Summary(a) => summary::run(a, opts.quiet),
        Command::Validate(a) => validate::run(a, opts.quiet),
        Command::Plan(a) => plan::run(a, opts.quiet),
        Command::Map(a) => map::run(a, opts.quiet),
        Command::Diff(a) => diff::run(a),
        Command::Generate(a) => generate::run(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Opts::command().debug_assert();
    }

    /// The help names every input format the library reads and every map format, not only
    /// GeoJSON and SVG (the top-level help said "from GeoJSON parcels" and "to an SVG map").
    #[test]
    fn help_names_the_formats_read_and_written() {
        use allot::read::Format;
        let top = Opts::command().render_long_help().to_string();
        let read = [
            Format::GeoJson,
            Format::Shapefile,
            Format::GeoPackage,
            Format::Kml,
            Format::FlatGeobuf,
            Format::Csv,
        ];
        let mut names: Vec<&str> = read.iter().map(|f| f.name()).collect();
        names.extend(["KMZ", "GeoParquet", "WKT", "SVG", "PNG", "PDF", "HTML"]);
        for name in &names {
            assert!(top.contains(name), "top-level help lacks {name}:\n{top}");
        }
        assert!(!top.contains("from GeoJSON parcels"), "{top}");
        assert!(!top.contains("to an SVG map"), "{top}");
        // Each command reading parcels names the formats for its FILE.
        for cmd in ["summary", "validate", "plan", "map"] {
            let mut c = Opts::command();
            let help = c
                .find_subcommand_mut(cmd)
                .unwrap()
                .render_long_help()
                .to_string();
            for name in [
                "GeoJSON",
                "Shapefile",
                "GeoPackage",
                "KML/KMZ",
                "FlatGeobuf",
                "GeoParquet",
                "CSV",
            ] {
                assert!(
                    help.contains(name),
                    "allot {cmd} --help lacks {name}:\n{help}"
                );
            }
            assert!(
                !help.contains("as a GeoJSON FeatureCollection"),
                "{cmd}: {help}"
            );
        }
    }

    #[test]
    fn control_characters_are_escaped_but_newlines_and_tabs_kept() {
        assert_eq!(escape_controls("a\tb\nc"), "a\tb\nc");
        // JSON output keeps its data: a parser reads back the very characters.
        let json = serde_json::to_string(&serde_json::json!({"z\u{202e}": "a\u{7f}\u{85}\u{1b}"}))
            .unwrap();
        let safe = escape_json(&json);
        assert!(!safe.contains(|c: char| c.is_control() || is_bidi_control(c)));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            back,
            serde_json::json!({"z\u{202e}": "a\u{7f}\u{85}\u{1b}"})
        );
        assert_eq!(escape_json("\"\u{202e}\""), "\"\\u202e\"");
        assert_eq!(escape_controls("B\u{0}\u{1b}[31m"), "B\\u{0}\\u{1b}[31m");
        assert_eq!(escape_controls("x\u{7f}\r"), "x\\u{7f}\\u{d}");
        // Every bidirectional formatting character, and nothing else near them.
        for c in ('\u{2000}'..='\u{2070}').chain(['\u{061B}', '\u{061C}', '\u{061D}']) {
            let want =
                matches!(c as u32, 0x202A..=0x202E | 0x2066..=0x2069 | 0x200E | 0x200F | 0x061C);
            let text = format!("a{c}b");
            let got = escape_controls(&text);
            assert_eq!(got != text, want, "U+{:04X}", c as u32);
            if want {
                assert_eq!(got, format!("a\\u{{{:x}}}b", c as u32));
            }
        }
    }

    #[test]
    fn parses_targets_and_rejects_garbage() {
        let acres = |s: &str| {
            parse_target(s).map(|(n, a)| (n, a.acres(allot::geodesy::units::MarlaSize::Revenue)))
        };
        assert_eq!(acres("sindh_mill=700"), Ok(("sindh_mill".into(), 700.0)));
        assert_eq!(
            acres("sindh_mill=5600kanal"),
            Ok(("sindh_mill".into(), 700.0))
        );
        assert!(parse_target("sindh_mill").is_err());
        assert!(parse_target("=7").is_err());
        assert!(parse_target("a=NaN").is_err());
        assert!(parse_target("a=-1").is_err());
        let typo = parse_target("a=700acers").unwrap_err();
        assert!(typo.contains("did you mean \"acres\"?"), "{typo}");
        assert!(parse_name_value("P1=sindh_mill").is_ok());
        assert!(parse_name_value("P1=").is_err());
    }
}
