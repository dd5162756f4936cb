//! `allot plan`.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::map_args::MapArgs;
use super::{
    Amount, Outcome, UnitArgs, parse_amount, parse_name_value, parse_non_negative, parse_target,
    write_output,
};

/// Parses access kinds joined by `|` (any one of them will do): `port`, `port|rail`.
fn parse_access_kinds(s: &str) -> Result<Vec<String>, String> {
    allot::access_kinds(s.split('|')).map_err(|k| {
        format!(
            "unknown access {:?} in {s:?}: expected port, rail or highway, or several joined by | (port|rail)",
            k.to_lowercase()
        )
    })
}

/// An access rule: `KIND[|KIND]` for the first zone, or `ZONE=KIND[|KIND]`.
pub type AccessRule = (Option<String>, Vec<String>);

/// Parses `--require-access`: `port`, `port|rail` (the first zone) or `industrial_park=highway`.
fn parse_access_rule(s: &str) -> Result<AccessRule, String> {
    match s.split_once('=') {
        Some((zone, kinds)) => {
            let zone = zone.trim();
            if zone.is_empty() {
                return Err(format!("missing zone name before '=' in {s:?}"));
            }
            Ok((Some(zone.to_string()), parse_access_kinds(kinds)?))
        }
        None => Ok((None, parse_access_kinds(s)?)),
    }
}

/// A `--target`: `NAME=AREA`, optionally with the access the zone must include,
/// `NAME=AREA:access=KIND[|KIND]` (`sindh_mill=700:access=port|rail`).
#[derive(Debug, Clone)]
pub struct PlanTarget {
    name: String,
    amount: Amount,
    access: Option<Vec<String>>,
}

/// Parses a plan `--target` ([`PlanTarget`]).
fn parse_plan_target(s: &str) -> Result<PlanTarget, String> {
    let (target, access) = match s.split_once(":access=") {
        Some((t, kinds)) => (
            t,
            Some(parse_access_kinds(kinds).map_err(|e| format!("{e} (in {s:?})"))?),
        ),
        None => (s, None),
    };
    let (name, amount) = parse_target(target)?;
    Ok(PlanTarget {
        name,
        amount,
        access,
    })
}

/// Arguments of `allot plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The site's parcels: GeoJSON, Shapefile, GeoPackage, KML/KMZ, FlatGeobuf, GeoParquet or
    /// CSV with WKT (`-` reads GeoJSON from stdin).
    pub file: PathBuf,
    /// Where to write the plan: every parcel with its `zone`, as GeoJSON, GeoPackage,
    /// Shapefile (.shp or .shp.zip), KML, FlatGeobuf or GeoParquet (.parquet) by the extension.
    #[arg(
        short = 'o',
        long = "output",
        value_name = "PLAN.geojson|gpkg|shp|shp.zip|kml|fgb|parquet"
    )]
    pub output: PathBuf,
    /// A zone and its target area, in priority order (repeatable; `--zone` is an alias), in
    /// acres or with a unit suffix (`sindh_mill=700`, `=700ac`, `=283.3ha`, `=5600kanal`,
    /// `=3388000sqyd`). Any `--target` replaces the default zones: those of the input's
    /// `metadata.zones`, else `sindh_mill=700` and `industrial_park=3200` (a zone the metadata
    /// lists keeps its tolerance and access). Land left over is zone `retained`. A zone that
    /// must include a parcel with some access: `sindh_mill=700:access=port|rail`.
    #[arg(long = "target", visible_alias = "zone", value_name = "NAME=AREA[:access=KIND|KIND]", value_parser = parse_plan_target)]
    pub targets: Vec<PlanTarget>,
    /// How far each zone's area may be from its target: acres, or a unit suffix (`0.5ha`,
    /// `8kanal`, `2000sqyd`); replaces the tolerances of the input's `metadata.zones`.
    /// Default: the metadata's, else 1 acre.
    #[arg(long, value_name = "AREA", value_parser = parse_amount)]
    pub tolerance: Option<Amount>,
    /// Cut a parcel on a zone's edge with a straight line to hit the target within 0.01 acre.
    #[arg(long)]
    pub split: bool,
    /// Pin a parcel to a zone (repeatable): `--lock PSM-012=sindh_mill`.
    #[arg(long = "lock", value_name = "ID=ZONE", value_parser = parse_name_value)]
    pub locks: Vec<(String, String)>,
    /// Land uses to keep out of every zone (repeatable). Default: township, township_fringe,
    /// water_reservoir, encroached.
    #[arg(long = "exclude-use", value_name = "LAND_USE")]
    pub exclude_uses: Vec<String>,
    /// Land uses `--split` never cuts, besides the corridors (repeatable).
    #[arg(long = "no-cut-use", value_name = "LAND_USE")]
    pub no_cut_uses: Vec<String>,
    /// Land uses that are corridors (linear infrastructure), besides `road_corridor`,
    /// `rail_corridor` and the data's `metadata.corridor_uses` (repeatable): never cut.
    #[arg(long = "corridor-use", value_name = "LAND_USE")]
    pub corridor_uses: Vec<String>,
    /// Allow every land use (clears the default exclusions).
    #[arg(long)]
    pub no_default_excludes: bool,
    /// A zone must include a parcel with this access (repeatable): `port`, `rail` or
    /// `highway` (port: fronts Port Qasim, where raw materials arrive by sea; rail: the rail
    /// line, Pipri marshalling yard; highway: the N-5), several joined by `|` for any one of
    /// them (`port|rail`). For the first zone (the mill), or for the zone named:
    /// `industrial_park=highway`. Replaces that zone's access in the input's `metadata.zones`.
    #[arg(long = "require-access", value_name = "[ZONE=]KIND[|KIND]", value_parser = parse_access_rule)]
    pub require_access: Vec<AccessRule>,
    /// A zone's access parcel counts only when it shares at least this many metres of boundary
    /// with the rest of the zone (replaces the `min_frontage_m` of the input's
    /// `metadata.zones`). Default: the metadata's, else 50 (wider than a 40 m road spur).
    #[arg(long, value_name = "METRES", value_parser = parse_non_negative)]
    pub min_frontage: Option<f64>,
    /// No zone may have a spur (a parcel narrower than this touching only one other parcel of
    /// the zone, by less than this) or a neck (a parcel narrower than this that holds the zone together and meets
    /// one side by less than this) narrower than this many metres; a corridor with the zone on
    /// both sides is internal. Width: the narrowest distance between two parallel lines holding
    /// the parcel. Replaces the `min_width_m` of the input's `metadata.zones`. Default: the
    /// metadata's, else 100; 0 turns the rule off.
    #[arg(long, value_name = "METRES", value_parser = parse_non_negative)]
    pub min_width: Option<f64>,
    /// Find up to K genuinely different plans, ranked by the mill's Polsby-Popper compactness,
    /// and print a table comparing them. Plan i is written to `<stem>-i.<ext>` beside each
    /// output given (`-o out/plan.geojson` → `out/plan-1.geojson` … `out/plan-K.geojson`; the
    /// same for --map and --schedule). Exit 0 when at least one is found (fewer than K: the
    /// report says how many and why).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..=50))]
    pub alternatives: Option<u32>,
    /// With --alternatives: each plan's mill (first zone) differs from every other's in at
    /// least this share of its area (%).
    #[arg(long, value_name = "PCT", default_value_t = 20.0, value_parser = parse_non_negative, requires = "alternatives")]
    pub min_difference: f64,
    /// Seed of the randomised search (same seed, same plan).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also draw the plan to a map (.svg, .png, .pdf or .html, by the extension).
    #[arg(long, value_name = "PLAN.svg|png|pdf|html")]
    pub map: Option<PathBuf>,
    /// Also write the area schedule (with each zone's land-use composition): JSON when the
    /// name ends in `.json`, else CSV.
    #[arg(long, value_name = "SCHEDULE.csv|.json")]
    pub schedule: Option<PathBuf>,
    /// Solve each zone exactly (MILP, HiGHS) from the search's zone: report it optimal or
    /// within X% of a lower bound, and use the exact zone when it is shorter. Needs a build
    /// with `--features exact`.
    #[arg(long)]
    pub prove: bool,
    /// With --prove: stop the exact solves after this many seconds in all (not repeatable:
    /// where it stops depends on the machine).
    #[arg(long, value_name = "S", value_parser = parse_non_negative, requires = "prove")]
    pub time_limit: Option<f64>,
    /// With --prove: at most this many branch-and-bound nodes per solve (repeatable: same
    /// input and limit, same output).
    #[arg(long, value_name = "N", requires = "prove")]
    pub node_limit: Option<u64>,
    /// Also write one dissolved boundary polygon per zone with its area, perimeter,
    /// Polsby-Popper compactness, parcel count and target, in the format of the extension
    /// (.geojson, .gpkg, .shp, .shp.zip, .kml, .fgb, .parquet; CRS as for -o).
    #[arg(long, value_name = "ZONES.geojson|gpkg|…")]
    pub zones_out: Option<PathBuf>,
    /// Also write each zone boundary's corners as CSV: numbered clockwise from the north-west
    /// corner (holes after their shell), lon/lat, x/y in `--out-crs` (when given), and the true bearing and
    /// geodesic length of each leg to the next corner.
    #[arg(long, value_name = "CORNERS.csv")]
    pub corners: Option<PathBuf>,
    /// Area units of the printed schedule, the zone outlines and the map legend (the plan file
    /// always has `area_acres`; with a unit other than acres it also has `area_<unit>`) and
    /// of the messages saying why a zone cannot be planned.
    #[command(flatten)]
    pub units: UnitArgs,
    /// How --map draws (the options of `allot map`).
    #[command(flatten)]
    pub map_args: MapArgs,
}

impl Args {
    /// The targets' names and areas in acres (for [`allot::resolve_zones`]).
    fn targets_acres(&self) -> Result<Vec<(String, f64)>> {
        let targets: Vec<(String, Amount)> = self
            .targets
            .iter()
            .map(|t| (t.name.clone(), t.amount))
            .collect();
        self.units.targets_acres(&targets)
    }

    /// `choice` with the access rules of `--target NAME=AREA:access=…` and then
    /// `--require-access` (a rule without a zone is the first zone's), each replacing its zone's
    /// access; a rule naming a zone that is not planned is an error.
    fn with_access(&self, mut choice: allot::ZoneChoice) -> Result<allot::ZoneChoice> {
        let rules = self
            .targets
            .iter()
            .filter_map(|t| Some((Some(t.name.clone()), t.access.clone()?)))
            .chain(self.require_access.iter().cloned());
        for (zone, kinds) in rules {
            let names: Vec<&str> = choice.zones.iter().map(|z| z.name.as_str()).collect();
            let k = match &zone {
                None if names.is_empty() => {
                    anyhow::bail!("--require-access: there is no zone to plan")
                }
                None => 0,
                Some(zone) => names.iter().position(|n| n == zone).ok_or_else(|| {
                    anyhow::anyhow!(
                        "--require-access {zone}={}: no zone {zone:?} is planned (zones: {})",
                        kinds.join("|"),
                        names.join(", ")
                    )
                })?,
            };
            choice.zones[k].access = kinds;
        }
        Ok(choice)
    }
}

impl Args {
    /// The library's options for these arguments and the zones they resolve to.
    pub fn options(&self, choice: &allot::ZoneChoice, corridors: &[String]) -> allot::PlanOptions {
        let defaults = allot::PlanOptions::default();
        let mut exclude_uses: Vec<String> = if self.no_default_excludes {
            Vec::new()
        } else {
            defaults.exclude_uses.clone()
        };
        exclude_uses.extend(self.exclude_uses.iter().cloned());
        let mut no_cut_uses = defaults.no_cut_uses.clone();
        no_cut_uses.extend(corridors.iter().cloned());
        no_cut_uses.extend(self.corridor_uses.iter().cloned());
        no_cut_uses.extend(self.no_cut_uses.iter().cloned());
        allot::PlanOptions {
            no_cut_uses,
            split: self.split,
            locks: self.locks.clone(),
            exclude_uses,
            seed: self.seed,
            units: self.units.unit(),
            prove: self.prove.then(|| allot::plan::proof::ProveOptions {
                time_limit_s: self.time_limit,
                node_limit: self.node_limit,
                ..Default::default()
            }),
            ..defaults
        }
        .with_zones(choice, self.units.acres(self.tolerance))
        .with_min_frontage(self.min_frontage)
        .with_min_width(self.min_width)
    }
}

/// `<stem>-<i>.<ext>` beside `path` (plan `i` of `--alternatives`).
fn numbered(path: &Path, i: usize) -> Result<PathBuf> {
    if path.as_os_str() == "-" {
        anyhow::bail!(
            "--alternatives writes one file per plan (<stem>-1.<ext>, ...): give a file or folder name, not `-`"
        );
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}-{i}.{}", ext.to_string_lossy()),
        None => format!("{stem}-{i}"),
    };
    Ok(path.with_file_name(name))
}

/// Where one plan goes: the plan GeoJSON, and the map, schedule, zone outlines and corners
/// if asked for.
struct Paths {
    plan: PathBuf,
    map: Option<PathBuf>,
    schedule: Option<PathBuf>,
    zones: Option<PathBuf>,
    corners: Option<PathBuf>,
}

impl Paths {
    fn all(&self) -> impl Iterator<Item = &Path> {
        std::iter::once(self.plan.as_path())
            .chain(self.map.as_deref())
            .chain(self.schedule.as_deref())
            .chain(self.zones.as_deref())
            .chain(self.corners.as_deref())
    }

    fn numbered(&self, i: usize) -> Result<Paths> {
        let each = |p: &Option<PathBuf>| p.as_deref().map(|p| numbered(p, i)).transpose();
        Ok(Paths {
            plan: numbered(&self.plan, i)?,
            map: each(&self.map)?,
            schedule: each(&self.schedule)?,
            zones: each(&self.zones)?,
            corners: each(&self.corners)?,
        })
    }
}

/// Output files to write: path and bytes.
type Files = Vec<(PathBuf, Vec<u8>)>;

/// Everything a plan's outputs are made from besides the plan itself.
struct Context<'a> {
    set: &'a allot::ParcelSet,
    /// SHA-256 of the input file's bytes (hex), for the plan's provenance.
    input_sha256: &'a str,
    opts: &'a allot::PlanOptions,
    choice: &'a allot::ZoneChoice,
    warnings: &'a [allot::Warning],
    units: &'a UnitArgs,
    map_args: &'a MapArgs,
    out_crs: Option<&'a allot::crs::Crs>,
    inputs: &'a [&'a Path],
}

/// Writes one plan's file (in the format and CRS its extension asks for) and gives the bytes of
/// its other outputs (map, schedule, zone outlines, corners) and its schedule as text.
fn outputs(
    cx: &Context,
    plan: &allot::Plan,
    paths: &Paths,
    map_format: Option<allot::render::format::MapFormat>,
) -> Result<(Files, String)> {
    let set = cx.set;
    let mut out: Files = Vec::new();
    let unit = cx.units.unit();
    let plan_format = super::out_format(&paths.plan)?;
    let plan_crs = super::out_crs(&paths.plan, plan_format, set.crs)?;
    // One feature at a time: a large plan's features held whole (a property map each) were
    // most of its peak memory.
    let feature = |i: usize| allot::plan::output_feature(set, plan, i, unit);
    let not_written = |e: allot::read::PropertiesError| {
        anyhow::anyhow!("{}: {e}; the plan was not written", set.source)
    };
    let how = allot::plan::Provenance {
        input: set.source.clone(),
        input_sha256: cx.input_sha256.to_string(),
        seed: cx.opts.seed,
        flags: std::env::args().skip(1).collect(),
    };
    let zones = cx.opts.zones_as_planned(&cx.choice.zones);
    let planned = allot::plan::plan_members(
        &set.members,
        &zones,
        cx.opts.tolerance_acres,
        &how,
        cx.warnings,
    );
    let members = if cx.opts.prove.is_some() {
        allot::plan::proof::members_with_proofs(&planned, &plan.proofs)
            .map_err(|e| anyhow::anyhow!("{}: {e}", set.source))?
    } else {
        planned
    };
    // Drawn from the plan's GeoJSON text, parsed back in memory (no file) under the plan file's
    // name, with its zones from the metadata the plan carries and the findings `allot map`
    // computes: the map `allot map PLAN.geojson` draws with the same flags (and the KML writer's
    // zone fills). The reader is the one place that turns a feature into a `Parcel`; drawing from
    // `plan` directly would need a second conversion.
    let zones_format = match &paths.zones {
        Some(path) => Some(super::out_format(path)?),
        None => None,
    };
    let kml = allot::write::OutFormat::Kml;
    let planned = if paths.map.is_some() || plan_format == kml || zones_format == Some(kml) {
        let geojson = allot::write::feature_collection_text(&members, plan.parcels.len(), &feature)
            .map_err(not_written)?;
        Some(allot::parse_parcels(
            geojson.as_bytes(),
            &paths.plan.display().to_string(),
        )?)
    } else {
        None
    };
    if let (Some(path), Some(format), Some(planned)) = (&paths.map, map_format, &planned) {
        let vopts = super::map::zone_options(planned, &[], None, unit, false)?;
        let findings = allot::render::format::findings_to_draw(planned, &vopts);
        let map_opts = cx.map_args.options(vopts.targets.clone(), unit);
        let map = allot::render::format::render_map(planned, &findings, &map_opts, format)?;
        out.push((path.clone(), map));
    }
    let mut zone_features = Vec::new();
    if paths.zones.is_some() || paths.corners.is_some() {
        let outlines = allot::plan::outline::zone_outlines(plan)
            .map_err(|e| anyhow::anyhow!("{}: {e}", set.source))?;
        if paths.zones.is_some() {
            zone_features = outlines.iter().map(|o| o.to_feature(unit)).collect();
        }
        if let Some(path) = &paths.corners {
            let corners = allot::plan::corners::corners(&outlines);
            let csv = allot::report::corners::to_csv(&corners, cx.out_crs)
                .map_err(|e| anyhow::anyhow!("{}: corners not written: {e}", set.source))?;
            out.push((path.clone(), csv.into_bytes()));
        }
    }
    let schedule = allot::report::Schedule::with_land_uses(plan, set).in_units(unit);
    if let Some(path) = &paths.schedule {
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let bytes = if json {
            schedule.to_json()
        } else {
            schedule.to_csv()
        };
        out.push((path.clone(), bytes.into_bytes()));
    }
    let fills = planned
        .as_ref()
        .map(|p| allot::render::palette::zone_fills(p, &cx.opts.zones))
        .unwrap_or_default();
    let write_opts = allot::write::WriteOptions {
        crs: &plan_crs,
        fills: &fills,
        inputs: cx.inputs,
        title: &set.source,
    };
    allot::write::write_parcels_streamed(
        &paths.plan,
        plan_format,
        plan.parcels.len(),
        &feature,
        &members,
        &write_opts,
    )
    .map_err(|e| match e {
        allot::write::StreamError::Feature(e) => not_written(e),
        allot::write::StreamError::Output(e) => e.into(),
    })?;
    // Zone outlines by extension, like the plan: GeoJSON in WGS84, the GIS formats in the
    // plan's CRS rules (`--out-crs`, else the input's), KML with the map's zone fills.
    if let (Some(path), Some(format)) = (&paths.zones, zones_format) {
        let crs = super::out_crs(path, format, set.crs)?;
        let zone_opts = allot::write::WriteOptions {
            crs: &crs,
            ..write_opts
        };
        allot::write::write_parcels(
            path,
            format,
            &zone_features,
            &Default::default(),
            &zone_opts,
        )?;
    }
    Ok((out, schedule.to_text()))
}

/// Runs `allot plan`.
pub fn run(args: Args, quiet: bool) -> Result<Outcome> {
    let _ = quiet;
    let inputs = [args.file.as_path()];
    let input = Some(args.file.as_path());
    let given = Paths {
        plan: super::output_path(&args.output, input, "geojson")?,
        map: match &args.map {
            Some(p) => Some(super::output_path(p, input, "svg")?),
            None => None,
        },
        schedule: match &args.schedule {
            Some(p) => Some(super::output_path(p, input, "csv")?),
            None => None,
        },
        zones: match &args.zones_out {
            Some(p) => Some(super::output_path(p, input, "geojson")?),
            None => None,
        },
        corners: match &args.corners {
            Some(p) => Some(super::output_path(p, input, "csv")?),
            None => None,
        },
    };
    // The corners' x/y columns are in `--out-crs` (global: it also sets the plan's CRS);
    // without it the corners have lon/lat only.
    let out_crs = super::requested_out_crs()?;
    let count = args.alternatives.map_or(0, |k| k as usize);
    let per_plan: Vec<Paths> = (1..=count)
        .map(|i| given.numbered(i))
        .collect::<Result<_>>()?;
    let all_outputs: Vec<&Path> = if per_plan.is_empty() {
        given.all().collect()
    } else {
        per_plan.iter().flat_map(Paths::all).collect()
    };
    // Refuse before doing the work.
    args.map_args.check_used(given.map.as_deref())?;
    super::check_outputs(&all_outputs, &inputs)?;
    // Every plan file's format is known before the work (an unknown extension is refused).
    for paths in std::iter::once(&given).chain(&per_plan) {
        super::out_format(&paths.plan)?;
        if let Some(zones) = &paths.zones {
            super::out_format(zones)?;
        }
    }
    let map_format = match &given.map {
        Some(path) => Some(allot::render::format::MapFormat::from_path(path)?),
        None => None,
    };
    let targets = args.targets_acres()?;
    allot::plan::check_input_file(&args.file)?;
    let (set, bytes) = super::read_with_bytes(&args.file)?;
    // The bytes are only hashed: not held through the plan.
    let input_sha256 = allot::plan::sha256_hex(&bytes);
    drop(bytes);
    allot::plan::check_parcel_count(&set)?;
    let defaults = allot::PlanOptions::default().zones;
    let choice = args.with_access(allot::resolve_zones(&set, &targets, &defaults)?)?;
    // The read warnings were printed as the file was read; the rest are printed here.
    let mut warnings = choice.warnings.clone();
    warnings.extend(allot::unknown_land_uses(
        &set,
        "--exclude-use",
        &args.exclude_uses,
    ));
    warnings.extend(allot::unknown_land_uses(
        &set,
        "--no-cut-use",
        &args.no_cut_uses,
    ));
    warnings.extend(allot::unknown_land_uses(
        &set,
        "--corridor-use",
        &args.corridor_uses,
    ));
    super::messages::warnings(&warnings);
    let mut read = super::read_warnings();
    read.append(&mut warnings);
    let warnings = read;
    let corridors = allot::corridor_uses(&set)?;
    let opts = args.options(&choice, &corridors);
    let cx = Context {
        set: &set,
        input_sha256: &input_sha256,
        opts: &opts,
        choice: &choice,
        warnings: &warnings,
        units: &args.units,
        map_args: &args.map_args,
        out_crs: out_crs.as_ref(),
        inputs: &inputs,
    };
    let infeasible = |e: &allot::PlanError| {
        super::messages::error(format_args!("{}: infeasible: {e}", set.source));
    };
    if count > 0 {
        let alt = allot::plan::alternatives::AlternativeOptions {
            count,
            min_difference_pct: args.min_difference,
        };
        let found = match allot::plan::alternatives::plan_alternatives(&set, &opts, &alt) {
            Ok(found) => found,
            Err(e) if e.is_infeasible() => {
                infeasible(&e);
                return Ok(Outcome::Findings);
            }
            Err(e) => return Err(e.into()),
        };
        let mut written: Files = Vec::new();
        for (plan, paths) in found.plans.iter().zip(&per_plan) {
            written.extend(outputs(&cx, plan, paths, map_format)?.0);
        }
        for (path, bytes) in &written {
            write_output(path, &inputs, bytes)?;
        }
        let mut text = format!(
            "{} of {count} plan(s), each {} differing from every other in at least {}% of its area; ranked by its Polsby-Popper compactness; shared: area in common with plan 1\n",
            found.plans.len(),
            opts.zones[0].0,
            args.min_difference
        );
        text.push_str(&allot::report::alternatives::comparison_text(
            &found.plans,
            &set,
        ));
        if let Some(why) = &found.shortfall {
            text.push_str(&format!(
                "fewer plans than asked ({} of {count}): {why}\n",
                found.plans.len()
            ));
        }
        let shown: Vec<&Path> = written.iter().map(|(p, _)| p.as_path()).collect();
        super::print_report(&text, &shown)?;
        return Ok(Outcome::Clean);
    }
    let plan = match allot::plan(&set, &opts) {
        Ok(plan) => plan,
        Err(e) if e.is_infeasible() => {
            infeasible(&e);
            return Ok(Outcome::Findings);
        }
        Err(e) => return Err(e.into()),
    };
    let (written, schedule) = outputs(&cx, &plan, &given, map_format)?;
    for (path, bytes) in &written {
        write_output(path, &inputs, bytes)?;
    }
    super::print_report(&schedule, &all_outputs)?;
    Ok(Outcome::Clean)
}
