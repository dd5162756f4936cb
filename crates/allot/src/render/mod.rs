//! Rendering: parcels, zones and findings drawn to an SVG map a planner can put in a report.
//!
//! [`render_svg`] draws, with plotters' SVG backend (see `canvas.rs` for the few raw fragments):
//! - parcels filled by zone (or `land_use`, or any property) in Paul Tol's colour-blind-safe
//!   "light" palette, thin parcel outlines, each zone's dissolved boundary in bold, holes as holes
//!   (one path per category with `fill-rule="nonzero"` and holes wound against their shells);
//! - true proportions: a local equirectangular projection with true scale at the map's mean
//!   latitude on the WGS84 ellipsoid ([`Projection`]);
//! - a legend (each category's colour, acres, share of the site, target), a scale bar of a round
//!   length whose pixel length comes from a geodesic distance, a north arrow, a labelled
//!   graticule, a title, a subtitle with the total area and the data's source, and the word
//!   "Illustrative" when the data says so;
//! - optional parcel labels, dropped where they would not fit their parcel or would collide;
//! - findings: overlaps and outside-site land hatched red, gaps hatched purple and dashed,
//!   parcel-level problems outlined red, and a magenta marker for every finding, plus split
//!   parcels (a `split_from` property) outlined dashed blue.
//!
//! Every string taken from the input is stripped of control characters and escaped, so the SVG
//! is well-formed XML whatever the input says. Output is deterministic: categories, findings and
//! labels are drawn in a fixed order and every coordinate is rounded to a tenth of a pixel.

mod canvas;
pub mod diff_map;
pub mod fonts;
pub mod format;
mod geom;
pub mod html;
mod label_layout;
mod labels;
pub mod page;
pub mod palette;
pub mod pdf;
pub mod png;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use geo::{BoundingRect, Coord, LineString, MultiPolygon, Polygon, Rect};
use serde_json::Value;

use crate::geodesy::{self, AreaUnit, M2_PER_ACRE};
use crate::geom::bbox::bbox_of;
use crate::model::{Parcel, ParcelSet};
use crate::report::grouped;
use crate::validate::{Finding, FindingKind};
use canvas::{Align, Canvas, Rgb, clean_text, truncate, xml_escape};
pub use geom::{Projection, metres_per_degree, round_length_m};
use labels::{PxBox, text_width};

/// What to write on each parcel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LabelKind {
    /// The parcel id.
    Id,
    /// The `name` property (parcels without one get no label).
    Name,
    /// The parcel's geodesic area in acres.
    Area,
    /// No labels.
    #[default]
    None,
}

/// How to draw a map.
#[derive(Debug, Clone, PartialEq)]
pub struct MapOptions {
    /// Title; `None` uses `metadata.title`, else the collection's `name`, else the file name.
    pub title: Option<String>,
    /// Colour parcels by `zone`, `land_use`, or any other property read from the raw properties.
    pub color_by: String,
    /// What to write on each parcel.
    pub labels: LabelKind,
    /// Width of the SVG in pixels (200 to 20,000); the height follows from the data.
    pub width: u32,
    /// Target areas in acres per category, shown in the legend (targets come first in the
    /// legend and take the first palette colours, in the order given).
    pub targets: Vec<(String, f64)>,
    /// Resolution of PNG output in dots per inch (96 = one PNG pixel per SVG pixel).
    pub dpi: f64,
    /// Colour only this many classes and merge the rest into one "other" class (`None`: every
    /// class gets its own colour, patterned past the palette).
    pub max_classes: Option<usize>,
    /// Lay the map out on a print page at a round scale (`None`: `width` pixels wide).
    pub page: Option<page::PageSpec>,
    /// The date in the title block (`None`: `metadata.date`, else no date; never the clock).
    pub date: Option<String>,
    /// A free note in the title block.
    pub note: Option<String>,
    /// Map only this window `[west, south, east, north]` (degrees); an inset shows the site.
    pub bbox: Option<[f64; 4]>,
    /// Map only this zone's parcels (with a margin); an inset shows the site.
    pub focus: Option<String>,
    /// Unit of the areas in the legend, the header and area labels (acres: `ac`).
    pub units: AreaUnit,
    /// Fills (and hatching) for classes named here, instead of the palette's (a diff map
    /// draws a move `mill → park` in the park's colour hatched in the mill's).
    pub class_styles: BTreeMap<String, ClassStyle>,
    /// Lines the legend shows under its classes (what the class styles mean).
    pub legend_notes: Vec<String>,
}

/// How one class is drawn when [`MapOptions::class_styles`] names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassStyle {
    /// The fill, RGB.
    pub fill: [u8; 3],
    /// Diagonal hatching drawn over the fill in this colour (RGB), if any.
    pub hatch: Option<[u8; 3]>,
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            title: None,
            color_by: "zone".to_string(),
            labels: LabelKind::None,
            width: 1200,
            targets: Vec::new(),
            dpi: 96.0,
            max_classes: None,
            page: None,
            date: None,
            note: None,
            bbox: None,
            focus: None,
            units: AreaUnit::Acres,
            class_styles: BTreeMap::new(),
            legend_notes: Vec::new(),
        }
    }
}

/// Why a map could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RenderError {
    /// The input has no parcels.
    #[error("{file}: no parcels to draw")]
    NoParcels {
        /// The input's name.
        file: String,
    },
    /// The requested width is out of range.
    #[error("map width {width} px is outside 200..=20000")]
    Width {
        /// The width asked for.
        width: u32,
    },
    /// The output file's extension names no format allot writes.
    #[error(
        "{path}: allot writes maps as {} (chosen by the extension)",
        format::MAP_EXTENSIONS
    )]
    Format {
        /// The output path.
        path: String,
    },
    /// A feature of a diff's second file has properties a diff map cannot rewrite.
    #[error("{file}: feature {feature} (id {id}): {reason}")]
    DiffInput {
        /// The input file.
        file: String,
        /// 1-based feature number.
        feature: usize,
        /// The parcel id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// The PNG resolution is out of range.
    #[error("--dpi {dpi} is outside 10..=2400")]
    Dpi {
        /// The resolution asked for.
        dpi: f64,
    },
    /// The PNG would be too large to hold in memory.
    #[error(
        "a PNG of {width} × {height} pixels is more than allot writes (400 megapixels); lower --dpi or --width"
    )]
    TooLarge {
        /// Width in pixels.
        width: u64,
        /// Height in pixels.
        height: u64,
    },
    /// `--bbox` or `--focus` is unusable.
    #[error("{0}")]
    Window(String),
    /// `--color-by` names a property no parcel has.
    #[error("{file}: --color-by {property}: no parcel has this property; the data has: {}", if available.is_empty() { "no properties".to_string() } else { available.join(", ") })]
    UnknownProperty {
        /// The input's name.
        file: String,
        /// The property asked for.
        property: String,
        /// The properties the parcels have, sorted.
        available: Vec<String>,
    },
    /// plotters failed (writing to a string; not expected).
    #[error("drawing the SVG failed: {0}")]
    Drawing(String),
}

const INK: Rgb = Rgb::hex(0x222222);
const GREY: Rgb = Rgb::hex(0x555555);
const FRAME: Rgb = Rgb::hex(0x888888);
const WHITE: Rgb = Rgb::hex(0xFFFFFF);
/// Overlaps, outside-site land, invalid parcels.
const FINDING_RED: &str = "#CC0000";
/// Gaps.
const FINDING_PURPLE: &str = "#882299";
/// Point markers of findings.
const FINDING_MAGENTA: &str = "#E0007A";
/// Split parcels.
const SPLIT_BLUE: &str = "#1F3D99";
const ILLUSTRATIVE_RED: Rgb = Rgb::hex(0xB00020);

/// One colour class of the map.
#[derive(Debug, Clone)]
struct Category {
    /// The value (`None` for parcels without one, `Some("other…")` for the grouped rest).
    key: CategoryKey,
    colour: Rgb,
    /// A pattern drawn over the colour (`cls-pat-N`), for classes past the palette.
    pattern: Option<usize>,
    /// Diagonal hatching over the colour in this colour ([`ClassStyle::hatch`]).
    hatch: Option<Rgb>,
    acres: f64,
    parcels: Vec<usize>,
    target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CategoryKey {
    Value(String),
    Other(Vec<String>),
    /// A class of numbers, by its label.
    Range(String),
    None,
}

/// The value of `key` for a parcel: `zone` and `land_use` from the parsed fields, anything else
/// from the raw properties (strings as they are, other JSON compactly; null counts as absent).
fn category_value(p: &Parcel, key: &str) -> Option<String> {
    match key {
        "zone" => return p.zone.as_deref().map(str::to_string),
        "land_use" => return p.land_use().map(str::to_string),
        _ => {}
    }
    let raw = p.properties()?;
    if !raw.get().contains(&format!("\"{key}\"")) && !raw.get().contains('\\') {
        return None;
    }
    // Properties too deep to parse have no readable value to colour by.
    match p.properties_map().ok()?.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn is_split(p: &Parcel) -> bool {
    match p.properties() {
        Some(raw) if raw.get().contains("split_from") => p
            .properties_map()
            .is_ok_and(|m| !matches!(m.get("split_from"), None | Some(Value::Null))),
        _ => false,
    }
}

impl Category {
    fn label(&self, color_by: &str) -> String {
        match &self.key {
            CategoryKey::Value(v) => clean_text(v),
            CategoryKey::Other(v) => format!("other: {}", clean_text(&v.join(", "))),
            CategoryKey::Range(label) => label.clone(),
            CategoryKey::None => format!("no {}", clean_text(color_by)),
        }
    }
}

/// The dissolved outline of some parcels (their union).
fn dissolve(set: &ParcelSet, members: &[usize]) -> MultiPolygon<f64> {
    let polys = members
        .iter()
        .flat_map(|&i| set.parcels[i].geometry.0.iter());
    // A failed union (the engine panicked) draws no outline rather than aborting the map.
    crate::geom::boolops::dissolve(polys).unwrap_or_else(|| MultiPolygon(Vec::new()))
}

fn extend(r: &mut Option<Rect<f64>>, other: Rect<f64>) {
    *r = Some(match *r {
        None => other,
        Some(a) => crate::geom::bbox::rect_union(a, other),
    });
}

fn valid_lonlat(c: [f64; 2]) -> bool {
    c[0].is_finite() && c[1].is_finite() && c[0].abs() <= 180.0 && c[1].abs() <= 90.0
}

/// The map's title: the option, else `metadata.title`, else the collection's `name`, else the
/// input's file name.
fn title_of(set: &ParcelSet, opts: &MapOptions) -> String {
    if let Some(t) = &opts.title {
        return clean_text(t);
    }
    if let Some(Value::String(t)) = set.metadata_field("title") {
        return clean_text(t);
    }
    if let Some(Value::String(t)) = set.members.get("name") {
        return clean_text(t);
    }
    let stem = std::path::Path::new(&set.source)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| set.source.clone());
    clean_text(&stem)
}

fn legend_heading(color_by: &str) -> String {
    match color_by {
        "zone" => "Zones".to_string(),
        "land_use" => "Land use".to_string(),
        other => clean_text(other),
    }
}

/// How a finding is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FindingStyle {
    /// A shape hatched red (overlap, outside-site land).
    HatchRed,
    /// A shape hatched purple with a dashed outline (gap).
    HatchPurple,
    /// The parcels involved outlined red, dashed.
    ParcelOutline,
    /// A marker only (zone-level findings).
    Marker,
}

fn finding_style(kind: FindingKind) -> FindingStyle {
    match kind {
        FindingKind::Overlap | FindingKind::OutsideSite => FindingStyle::HatchRed,
        FindingKind::Gap => FindingStyle::HatchPurple,
        FindingKind::InvalidGeometry
        | FindingKind::DuplicateId
        | FindingKind::Unzoned
        | FindingKind::ZoneName
        | FindingKind::ZoneWidth => FindingStyle::ParcelOutline,
        FindingKind::ZoneArea | FindingKind::NotContiguous => FindingStyle::Marker,
    }
}

fn finding_title(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::InvalidGeometry => "invalid parcel",
        FindingKind::Overlap => "overlap",
        FindingKind::Gap => "gap",
        FindingKind::OutsideSite => "outside the site",
        FindingKind::DuplicateId => "duplicate id",
        FindingKind::Unzoned => "unzoned parcel",
        FindingKind::ZoneArea => "zone area off target",
        FindingKind::NotContiguous => "zone in pieces",
        FindingKind::ZoneName => "zone name spelt two ways",
        FindingKind::ZoneWidth => "zone spur or neck too narrow",
    }
}

/// One row of the legend.
enum LegendRow {
    Heading(String),
    Category {
        colour: Rgb,
        pattern: Option<usize>,
        hatch: Option<Rgb>,
        name: String,
        detail: String,
        target: Option<String>,
        dissolved: bool,
    },
    ZoneBoundary,
    Finding {
        kind: FindingKind,
        text: String,
    },
    Split(usize),
    Note(String),
    /// The scale bar and the north arrow.
    ScaleAndNorth,
    Space(f64),
}

impl LegendRow {
    fn height(&self) -> f64 {
        match self {
            LegendRow::Heading(_) => 22.0,
            LegendRow::Category { target, .. } => {
                if target.is_some() {
                    48.0
                } else {
                    34.0
                }
            }
            LegendRow::ZoneBoundary | LegendRow::Finding { .. } | LegendRow::Split(_) => 21.0,
            LegendRow::Note(_) => 16.0,
            LegendRow::ScaleAndNorth => 58.0,
            LegendRow::Space(h) => *h,
        }
    }
}

fn pct(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.1}%", 100.0 * part / whole)
    } else {
        "–".to_string()
    }
}

/// An area in acres as the map writes it: `12.3 ac` in acres, else in `unit` with its name
/// (`49.8 hectares`, `0-22 acre-ghunta`).
fn map_area(unit: AreaUnit, acres: f64, decimals: usize) -> String {
    match unit {
        AreaUnit::Acres => format!("{} ac", grouped(acres, decimals)),
        u => format!(
            "{} {}",
            u.cell_with(acres * M2_PER_ACRE, decimals),
            u.name()
        ),
    }
}

/// A signed difference in acres for the legend: `+0.3 ac`, `−0.6 ac`, `±0.0 ac` (or in `unit`).
fn signed_area(unit: AreaUnit, d: f64) -> String {
    if unit != AreaUnit::Acres {
        let text = map_area(unit, d.abs(), 1);
        let zero = unit.cell_with(0.0, 1);
        return if text.starts_with(&format!("{zero} ")) {
            format!("±{text}")
        } else if d > 0.0 {
            format!("+{text}")
        } else {
            format!("−{text}")
        };
    }
    format!("{} ac", signed_acres(d))
}

fn signed_acres(d: f64) -> String {
    let d = crate::report::round_to(d, 1);
    if d > 0.0 {
        format!("+{}", grouped(d, 1))
    } else if d < 0.0 {
        format!("−{}", grouped(-d, 1))
    } else {
        "±0.0".to_string()
    }
}

/// Draws parcels, zones and findings to an SVG document.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","metadata":{"illustrative":true},"features":[
///   {"type":"Feature","id":"A","properties":{"zone":"mill"},
///    "geometry":{"type":"Polygon","coordinates":[[[67.35,24.81],[67.352,24.81],[67.352,24.812],[67.35,24.812],[67.35,24.81]]]}}]}"#;
/// let set = allot::parse_parcels(text, "example").unwrap();
/// let svg = allot::render::render_svg(&set, &[], &allot::render::MapOptions::default()).unwrap();
/// assert!(svg.starts_with("<svg"));
/// assert!(svg.contains("fill=\"#77AADD\""));
/// assert!(svg.contains("Illustrative"));
/// ```
pub fn render_svg(
    set: &ParcelSet,
    findings: &[Finding],
    opts: &MapOptions,
) -> Result<String, RenderError> {
    draw_map(set, findings, opts).map(|d| d.svg)
}

/// A drawn map and what the drawing computed on the way, for the HTML map to reuse.
struct Drawn {
    /// The SVG.
    svg: String,
    /// The projection the map was drawn in (the HTML map's parcel geometry is in the same
    /// pixels).
    proj: Projection,
    /// Each parcel's geodesic area, acres.
    acres: Vec<f64>,
    /// The colour classes, in legend order.
    categories: Vec<Category>,
}

/// [`render_svg`], with the projection, areas and classes it drew with.
fn draw_map(
    set: &ParcelSet,
    findings: &[Finding],
    opts: &MapOptions,
) -> Result<Drawn, RenderError> {
    if !(200..=20_000).contains(&opts.width) {
        return Err(RenderError::Width { width: opts.width });
    }
    if set.parcels.is_empty() {
        return Err(RenderError::NoParcels {
            file: set.source.clone(),
        });
    }
    let acres: Vec<f64> = geodesy::parcel_areas_m2(&set.parcels)
        .into_iter()
        .map(|m2| m2 / M2_PER_ACRE)
        .collect();
    let total_acres: f64 = acres.iter().sum();
    let categories = palette::categorise(set, &acres, opts)?;
    let split: Vec<usize> = (0..set.parcels.len())
        .filter(|&i| is_split(&set.parcels[i]))
        .collect();
    let mut findings: Vec<&Finding> = findings.iter().collect();
    findings.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| a.parcels.cmp(&b.parcels))
            .then_with(|| a.zone.cmp(&b.zone))
            .then_with(|| a.at[0].total_cmp(&b.at[0]))
            .then_with(|| a.at[1].total_cmp(&b.at[1]))
            .then_with(|| a.message.cmp(&b.message))
    });

    // Extent: the parcels, and the findings' shapes and points.
    let mut extent: Option<Rect<f64>> = None;
    for p in &set.parcels {
        extend(&mut extent, p.bbox());
    }
    for f in &findings {
        if let Some(g) = &f.geometry
            && let Some(r) = g.bounding_rect()
            && valid_lonlat([r.min().x, r.min().y])
            && valid_lonlat([r.max().x, r.max().y])
        {
            extend(&mut extent, r);
        }
        if valid_lonlat(f.at) {
            extend(
                &mut extent,
                Rect::new(
                    Coord {
                        x: f.at[0],
                        y: f.at[1],
                    },
                    Coord {
                        x: f.at[0],
                        y: f.at[1],
                    },
                ),
            );
        }
    }
    let mut extent = extent.unwrap_or_else(|| bbox_of(&set.parcels[0].geometry));
    // A part of the site: the window is mapped, the whole site goes in an inset.
    let window = page::window(set, opts.bbox, opts.focus.as_deref())?;
    let site_extent = extent;
    if let Some(win) = window {
        extent = win;
    }
    // A degenerate extent (a zero-area parcel) still gets a map.
    let min_span = 1e-4;
    if extent.width() < min_span || extent.height() < min_span {
        let c = extent.center();
        let hw = extent.width().max(min_span) / 2.0;
        let hh = extent.height().max(min_span) / 2.0;
        extent = crate::geom::bbox::centred_rect(c, hw, hh);
    }

    // ---- Legend rows (their height shapes the layout) ----
    let mut rows: Vec<LegendRow> = vec![LegendRow::Heading(legend_heading(&opts.color_by))];
    for c in &categories {
        let target = c.target.map(|t| {
            format!(
                "target {} · {}",
                map_area(opts.units, t, 1),
                signed_area(opts.units, c.acres - t)
            )
        });
        rows.push(LegendRow::Category {
            colour: c.colour,
            pattern: c.pattern,
            hatch: c.hatch,
            name: c.label(&opts.color_by),
            detail: format!(
                "{} · {} · {} parcel{}",
                map_area(opts.units, c.acres, 1),
                pct(c.acres, total_acres),
                grouped(c.parcels.len() as f64, 0),
                if c.parcels.len() == 1 { "" } else { "s" }
            ),
            target,
            dissolved: matches!(c.key, CategoryKey::Value(_)),
        });
    }
    for note in &opts.legend_notes {
        rows.push(LegendRow::Note(note.clone()));
    }
    rows.push(LegendRow::ZoneBoundary);
    let mut by_kind: BTreeMap<FindingKind, (usize, f64, bool)> = BTreeMap::new();
    for f in &findings {
        let e = by_kind.entry(f.kind).or_default();
        e.0 += 1;
        if let Some(a) = f.acres {
            e.1 += a;
            e.2 = true;
        }
    }
    if !by_kind.is_empty() || !split.is_empty() {
        rows.push(LegendRow::Space(6.0));
        rows.push(LegendRow::Heading("Findings".into()));
        for (kind, (n, a, has_acres)) in &by_kind {
            let mut text = format!("{} × {}", finding_title(*kind), n);
            if *has_acres && finding_style(*kind) != FindingStyle::Marker {
                let _ = write!(text, " · {}", map_area(opts.units, *a, 2));
            }
            rows.push(LegendRow::Finding { kind: *kind, text });
        }
        if !split.is_empty() {
            rows.push(LegendRow::Split(split.len()));
        }
    }
    rows.push(LegendRow::Space(10.0));
    rows.push(LegendRow::ScaleAndNorth);
    rows.push(LegendRow::Note(format!(
        "Total {} in {} parcels",
        map_area(opts.units, total_acres, 1),
        grouped(set.parcels.len() as f64, 0)
    )));
    rows.push(LegendRow::Note("Areas geodesic on WGS84.".into()));
    if let Some(note) = opts.units.header_note() {
        rows.push(LegendRow::Note(format!("{note}.")));
    }
    if opts.labels == LabelKind::Area {
        rows.push(LegendRow::Note(format!(
            "Labels: parcel {}.",
            opts.units.name()
        )));
    }

    // ---- Layout ----
    // Without a page, maps wider than 1,600 px are drawn 1,600 logical px wide and scaled up,
    // so text grows with the width.
    let text_k = match opts.page {
        Some(_) => 1.0,
        None => (f64::from(opts.width) / 1600.0).max(1.0),
    };
    let page_px = opts.page.map(page::PageSpec::px);
    let w = match page_px {
        Some((pw, _)) => f64::from(pw),
        None => (f64::from(opts.width) / text_k).round(),
    };
    let margin = if opts.page.is_some() {
        7.0 * page::PX_PER_MM
    } else {
        16.0
    };
    let title = title_of(set, opts);
    let header = header_lines(set, opts, &title, total_acres, w - 2.0 * margin);
    let header_h = margin + header.iter().map(|l| l.2).sum::<f64>() + 2.0;
    let side = w >= 640.0;
    let panel_w = if !side {
        w - 2.0 * margin
    } else if opts.page.is_some() {
        (w * 0.2).clamp(240.0, 320.0)
    } else {
        (w * 0.26).clamp(220.0, 340.0)
    };
    let left = margin + 62.0;
    let right = if side {
        w - margin - panel_w - 20.0
    } else {
        w - margin - 8.0
    };
    let top = header_h + 4.0;
    let fw = (right - left).max(40.0);
    let (mx, my) = metres_per_degree((extent.min().y + extent.max().y) / 2.0);
    let (fh, proj, scale_n) = match page_px {
        Some((_, ph)) => {
            // The frame fills the page (7 mm margins, room for the graticule labels and the
            // footer below it); the map is drawn at the largest round scale that fits.
            let fh = (f64::from(ph) - margin - 32.0 - top).max(40.0);
            let pad = 4.0;
            let n = page::choose_scale(
                extent.width() * mx,
                extent.height() * my,
                fw - 2.0 * pad,
                fh - 2.0 * pad,
            );
            let proj = page::projection_at(extent, n, (left + fw / 2.0, top + fh / 2.0));
            (fh, proj, Some(n))
        }
        None => {
            let aspect = (extent.height() * my) / (extent.width() * mx);
            let pad = (fw * 0.04).max(8.0);
            let fh = ((fw - 2.0 * pad) * aspect + 2.0 * pad).clamp(0.45 * fw, 1.5 * fw);
            let proj = Projection::fit(
                extent,
                left + pad,
                top + pad,
                fw - 2.0 * pad,
                fh - 2.0 * pad,
            );
            (fh, proj, None)
        }
    };
    let bottom = top + fh;
    if let (Some(n), Some(spec)) = (scale_n, opts.page) {
        let at = rows
            .iter()
            .position(|r| matches!(r, LegendRow::ScaleAndNorth))
            .map_or(rows.len(), |k| k + 1);
        rows.insert(
            at,
            LegendRow::Note(format!(
                "Scale {} on {} {}",
                page::fraction_label(n),
                spec.paper.name(),
                if spec.landscape {
                    "landscape"
                } else {
                    "portrait"
                }
            )),
        );
    }
    let legend_h: f64 = rows.iter().map(LegendRow::height).sum::<f64>() + 20.0;
    let frame = (left, top, left + fw, bottom);
    // Zones drawn once as dissolved shapes: their outlines and their labels.
    let dissolved: Vec<Option<MultiPolygon<f64>>> = categories
        .iter()
        .map(|c| matches!(c.key, CategoryKey::Value(_)).then(|| dissolve(set, &c.parcels)))
        .collect();
    let marker_boxes: Vec<PxBox> = findings
        .iter()
        .filter_map(|f| marker_box(f, &proj))
        .collect();
    let layout = layout_labels(
        set,
        &acres,
        opts,
        &categories,
        &dissolved,
        &proj,
        &marker_boxes,
        frame,
    );
    // On a page the call-out table and the inset go in the side panel under the legend;
    // otherwise the table goes under the map.
    let in_panel = opts.page.is_some() && side;
    let table = callout_table(&layout.callouts, if in_panel { panel_w } else { fw });
    let map_bottom = bottom + 40.0 + if in_panel { 0.0 } else { table.height };
    let (legend_x, legend_y) = if side {
        (right + 20.0, top)
    } else {
        (margin, map_bottom + 4.0)
    };
    let inset_h = if window.is_some() && side {
        (panel_w * 0.75).min(220.0)
    } else {
        0.0
    };
    let inset_at = (legend_x, legend_y + legend_h + 4.0);
    let table_at = if in_panel {
        (
            legend_x,
            inset_at.1 + inset_h + if inset_h > 0.0 { 12.0 } else { 0.0 },
        )
    } else {
        (left, bottom + 40.0)
    };
    let h = match page_px {
        Some((_, ph)) => f64::from(ph),
        None if side => (map_bottom + margin).max(legend_y + legend_h + inset_h + margin),
        None => legend_y + legend_h + margin,
    };
    let h = h.ceil();

    let mut buf = String::new();
    let raws = {
        let mut cv = Canvas::new(&mut buf, w as u32, h as u32);
        cv.raw(format!(
            "<title>{}</title>\n<defs>\n<clipPath id=\"map-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n{}{}</defs>",
            xml_escape(&title),
            geom::fmt_px(left),
            geom::fmt_px(top),
            geom::fmt_px(fw),
            geom::fmt_px(fh),
            hatch_pattern("hatch-red", FINDING_RED),
            hatch_pattern("hatch-purple", FINDING_PURPLE),
        ) + &palette::pattern_defs()
            + &class_hatch_defs(&categories))?;
        cv.fill_rect((0.0, 0.0), (w, h), WHITE, 1.0)?;

        // ---- The map ----
        cv.raw(format!(
            "<g id=\"map\" clip-path=\"url(#map-clip)\" data-lat0=\"{}\" stroke-linejoin=\"round\">",
            proj.lat0
        ))?;
        draw_parcels(&mut cv, set, &categories, &dissolved, &proj, frame)?;
        draw_zone_outlines(&mut cv, &categories, &dissolved, &proj)?;
        draw_split(&mut cv, set, &split, &proj)?;
        draw_findings(&mut cv, set, &findings, &proj)?;
        let grat = draw_graticule_lines(&mut cv, &proj, (left, top, left + fw, bottom))?;
        cv.raw("</g>".into())?;
        cv.stroke_rect((left, top), (left + fw, bottom), FRAME)?;
        draw_graticule_labels(&mut cv, &grat, (left, top, left + fw, bottom))?;

        draw_labels(&mut cv, &layout)?;
        draw_callout_table(&mut cv, &table, &layout.callouts, table_at)?;
        if let (Some(win), true) = (window, inset_h > 0.0) {
            cv.raw(page::inset_svg(
                set,
                &categories,
                site_extent,
                win,
                (inset_at.0, inset_at.1, panel_w, inset_h),
            ))?;
        }

        // ---- Header ----
        cv.raw("<g id=\"header\">".into())?;
        let mut y = margin;
        for (text, size, height, colour, bold) in &header {
            cv.text(
                text,
                margin,
                y + height / 2.0,
                *size,
                *colour,
                Align::Left,
                *bold,
            )?;
            y += height;
        }
        cv.raw("</g>".into())?;

        // ---- Footer ----
        cv.text(
            &format!(
                "Projection: equirectangular, true scale at {}. Drawn by allot.{}",
                geom::degree_label(proj.lat0, 3, false),
                label_note(opts, &layout)
            ),
            left,
            bottom + 30.0,
            10.0,
            FRAME,
            Align::Left,
            false,
        )?;

        draw_legend(&mut cv, &rows, (legend_x, legend_y), panel_w, &proj)?;
        cv.finish()?
    };
    let svg = canvas::splice(&buf, &raws)?;
    // The drawing's size: millimetres on a page, else the width asked for.
    let drawn = format!("<svg width=\"{}\" height=\"{}\"", w as u32, h as u32);
    let size = match opts.page {
        Some(_) => format!(
            "<svg width=\"{:.3}mm\" height=\"{:.3}mm\"",
            w / page::PX_PER_MM,
            h / page::PX_PER_MM
        ),
        None => format!(
            "<svg width=\"{}\" height=\"{}\"",
            opts.width,
            (h * text_k).round() as u32
        ),
    };
    Ok(Drawn {
        svg: svg.replacen(&drawn, &size, 1),
        proj,
        acres,
        categories,
    })
}

/// One header line: text, font size, line height, colour, bold.
type HeaderLine = (String, f64, f64, Rgb, bool);

/// Splits cleaned text into lines at most `max_w` pixels wide at `size` (words longer than a
/// line stay whole on their own line).
fn wrap(text: &str, size: f64, bold: bool, max_w: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split(' ') {
        let cand = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && fonts::text_width_px(&cand, size, bold) > max_w {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        } else {
            cur = cand;
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// The header: the title (shrunk from 20 to 14 px to fit one line, then wrapped), the area and
/// source, the date, the "Illustrative" line when the data says so, and the note; every line
/// wrapped to `max_w`, never cut.
fn header_lines(
    set: &ParcelSet,
    opts: &MapOptions,
    title: &str,
    total_acres: f64,
    max_w: f64,
) -> Vec<HeaderLine> {
    let mut out: Vec<HeaderLine> = Vec::new();
    let mut size = 20.0;
    while size > 14.0 && fonts::text_width_px(title, size, true) > max_w {
        size -= 1.0;
    }
    for l in wrap(title, size, true, max_w) {
        out.push((l, size, size * 1.3, INK, true));
    }
    let total = match opts.units {
        AreaUnit::Acres => format!("{} acres", grouped(total_acres, 1)),
        u => map_area(u, total_acres, 1),
    };
    let mut sub = format!(
        "{total} in {} parcels",
        grouped(set.parcels.len() as f64, 0)
    );
    if let Some(Value::String(src)) = set.metadata_field("source") {
        let _ = write!(sub, " · Source: {}", clean_text(src));
    }
    let date = opts
        .date
        .clone()
        .or_else(|| match set.metadata_field("date") {
            Some(Value::String(d)) => Some(d.clone()),
            _ => None,
        });
    if let Some(d) = date {
        let _ = write!(sub, " · Date: {}", clean_text(&d));
    }
    let mut first = true;
    for l in wrap(&sub, 12.5, false, max_w) {
        out.push((l, 12.5, if first { 20.0 } else { 16.5 }, GREY, false));
        first = false;
    }
    if set.is_illustrative() {
        for l in wrap(
            "Illustrative: not a survey. Parcel shapes, positions and uses are not facts about the site.",
            12.5,
            true,
            max_w,
        ) {
            out.push((l, 12.5, 18.0, ILLUSTRATIVE_RED, true));
        }
    }
    if let Some(note) = &opts.note {
        for l in wrap(&clean_text(note), 12.0, false, max_w) {
            out.push((l, 12.0, 16.5, INK, false));
        }
    }
    out
}

/// The id of the hatching pattern in colour `c` (`class-hatch-RRGGBB`).
fn class_hatch_id(c: Rgb) -> String {
    format!("class-hatch-{}", c.css().trim_start_matches('#'))
}

/// One hatching pattern per colour the classes hatch in ([`ClassStyle::hatch`]): bold diagonal
/// lines in that colour, with a thin dark edge so that a pale colour shows on a pale fill.
fn class_hatch_defs(categories: &[Category]) -> String {
    let colours: std::collections::BTreeSet<(u8, u8, u8)> = categories
        .iter()
        .filter_map(|c| c.hatch.map(|h| (h.0, h.1, h.2)))
        .collect();
    let mut out = String::new();
    for (r, g, b) in colours {
        let c = Rgb(r, g, b);
        let _ = writeln!(
            out,
            "<pattern id=\"{}\" patternUnits=\"userSpaceOnUse\" width=\"9\" height=\"9\" patternTransform=\"rotate(45)\"><rect x=\"0\" y=\"0\" width=\"4\" height=\"9\" fill=\"#222222\" fill-opacity=\"0.45\"/><rect x=\"0.6\" y=\"0\" width=\"2.8\" height=\"9\" fill=\"{}\"/></pattern>",
            class_hatch_id(c),
            c.css()
        );
    }
    out
}

fn hatch_pattern(id: &str, colour: &str) -> String {
    format!(
        "<pattern id=\"{id}\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"{colour}\" fill-opacity=\"0.12\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"{colour}\" stroke-width=\"2\"/></pattern>\n"
    )
}

/// Typical size of a parcel in pixels (square root of the median bbox area).
fn median_parcel_px(set: &ParcelSet, proj: &Projection) -> f64 {
    let mut sizes: Vec<f64> = set
        .parcels
        .iter()
        .map(|p| {
            let r = p.bbox();
            (r.width() * proj.px_per_deg_lon * r.height() * proj.px_per_deg_lat).sqrt()
        })
        .collect();
    sizes.sort_by(f64::total_cmp);
    sizes.get(sizes.len() / 2).copied().unwrap_or(0.0)
}

/// Fills each class in one path. Where parcel outlines are not drawn (parcels under 6 px) a
/// zone is filled with its dissolved shape, which covers the same ground with only the zone's
/// boundary vertices: at 100,000 parcels that is most of the rasteriser's work saved, and no
/// hairline seams between neighbours. Otherwise every parcel's rings go in, but only parcels
/// whose box reaches the map frame (`--bbox`, `--focus` windows leave most outside).
fn draw_parcels(
    cv: &mut Canvas,
    set: &ParcelSet,
    categories: &[Category],
    dissolved: &[Option<MultiPolygon<f64>>],
    proj: &Projection,
    frame: (f64, f64, f64, f64),
) -> Result<(), RenderError> {
    // Parcel outlines only where parcels are big enough for them not to grey the fill.
    let typical = median_parcel_px(set, proj);
    let outlines = typical >= 6.0;
    let stroke = if outlines {
        " stroke=\"#FFFFFF\" stroke-width=\"0.8\""
    } else {
        " stroke=\"none\""
    };
    let in_frame = |r: Rect<f64>| {
        let (x0, y0) = proj.xy(r.min().x, r.max().y);
        let (x1, y1) = proj.xy(r.max().x, r.min().y);
        x1 >= frame.0 - 1.0 && x0 <= frame.2 + 1.0 && y1 >= frame.1 - 1.0 && y0 <= frame.3 + 1.0
    };
    cv.raw(format!("<g id=\"parcels\" fill-rule=\"nonzero\"{stroke}>"))?;
    for (c, shape) in categories.iter().zip(dissolved) {
        let mut d = String::new();
        match shape {
            Some(shape) if !outlines && !shape.0.is_empty() => {
                for poly in &shape.0 {
                    if poly.bounding_rect().is_some_and(in_frame) {
                        geom::push_multipolygon(&mut d, &MultiPolygon(vec![poly.clone()]), proj);
                    }
                }
            }
            _ => {
                for &i in &c.parcels {
                    let p = &set.parcels[i];
                    if in_frame(p.bbox()) {
                        geom::push_multipolygon(&mut d, &p.geometry, proj);
                    }
                }
            }
        }
        if d.is_empty() {
            continue;
        }
        let name = match &c.key {
            CategoryKey::Value(v) => xml_escape(v),
            CategoryKey::Other(_) => "(other)".into(),
            CategoryKey::Range(label) => xml_escape(label),
            CategoryKey::None => "(none)".into(),
        };
        cv.raw(format!(
            "<path class=\"category\" data-category=\"{name}\" fill=\"{}\" d=\"{d}\"/>",
            c.colour.css()
        ))?;
        if let Some(k) = c.pattern {
            cv.raw(format!(
                "<path class=\"category-pattern\" fill=\"url(#cls-pat-{k})\" stroke=\"none\" d=\"{d}\"/>"
            ))?;
        }
        if let Some(h) = c.hatch {
            cv.raw(format!(
                "<path class=\"category-hatch\" fill=\"url(#{})\" stroke=\"none\" d=\"{d}\"/>",
                class_hatch_id(h)
            ))?;
        }
    }
    cv.raw("</g>".into())
}

fn draw_zone_outlines(
    cv: &mut Canvas,
    categories: &[Category],
    dissolved: &[Option<MultiPolygon<f64>>],
    proj: &Projection,
) -> Result<(), RenderError> {
    cv.raw(
        "<g id=\"zone-outlines\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.8\">".into(),
    )?;
    for (c, shape) in categories.iter().zip(dissolved) {
        let (CategoryKey::Value(v), Some(shape)) = (&c.key, shape) else {
            continue;
        };
        let mut d = String::new();
        geom::push_multipolygon(&mut d, shape, proj);
        if !d.is_empty() {
            cv.raw(format!(
                "<path class=\"zone-outline\" data-category=\"{}\" d=\"{d}\"/>",
                xml_escape(v)
            ))?;
        }
    }
    cv.raw("</g>".into())
}

fn draw_split(
    cv: &mut Canvas,
    set: &ParcelSet,
    split: &[usize],
    proj: &Projection,
) -> Result<(), RenderError> {
    if split.is_empty() {
        return Ok(());
    }
    let mut d = String::new();
    for &i in split {
        geom::push_multipolygon(&mut d, &set.parcels[i].geometry, proj);
    }
    cv.raw(format!(
        "<g id=\"split-parcels\"><path fill=\"none\" stroke=\"{SPLIT_BLUE}\" stroke-width=\"1.4\" stroke-dasharray=\"5 3\" d=\"{d}\"/></g>"
    ))
}

fn draw_findings(
    cv: &mut Canvas,
    set: &ParcelSet,
    findings: &[&Finding],
    proj: &Projection,
) -> Result<Vec<PxBox>, RenderError> {
    if findings.is_empty() {
        return Ok(Vec::new());
    }
    let mut by_id: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in set.parcels.iter().enumerate() {
        by_id.entry(p.id.as_str()).or_default().push(i);
    }
    cv.raw("<g id=\"findings\">".into())?;
    let mut markers = String::new();
    let mut boxes = Vec::new();
    for f in findings {
        let style = finding_style(f.kind);
        let parcels = f
            .parcels
            .iter()
            .map(|p| xml_escape(p.as_str()))
            .collect::<Vec<_>>()
            .join(" ");
        let mut g = format!(
            "<g class=\"finding\" data-kind=\"{}\" data-parcels=\"{}\"><title>{}</title>",
            f.kind.name(),
            parcels,
            xml_escape(&f.message)
        );
        let shape = drawable_shape(f);
        match (style, shape) {
            (FindingStyle::HatchRed | FindingStyle::HatchPurple, Some(geom_)) => {
                let mut d = String::new();
                geom::push_multipolygon(&mut d, geom_, proj);
                let (fill, stroke, dash) = if style == FindingStyle::HatchRed {
                    ("url(#hatch-red)", FINDING_RED, "")
                } else {
                    (
                        "url(#hatch-purple)",
                        FINDING_PURPLE,
                        " stroke-dasharray=\"4 2\"",
                    )
                };
                if !d.is_empty() {
                    let _ = write!(
                        g,
                        "<path fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.6\"{dash} d=\"{d}\"/>"
                    );
                }
            }
            (FindingStyle::Marker, _) => {}
            _ => {
                // The parcels involved (or the finding's own shape) outlined.
                let mut d = String::new();
                if let Some(geom_) = shape {
                    geom::push_multipolygon(&mut d, geom_, proj);
                }
                for id in &f.parcels {
                    for &i in by_id.get(id.as_str()).map(Vec::as_slice).unwrap_or(&[]) {
                        geom::push_multipolygon(&mut d, &set.parcels[i].geometry, proj);
                    }
                }
                if !d.is_empty() {
                    let _ = write!(
                        g,
                        "<path fill=\"none\" stroke=\"{FINDING_RED}\" stroke-width=\"2\" stroke-dasharray=\"3 2\" d=\"{d}\"/>"
                    );
                }
            }
        }
        g.push_str("</g>");
        cv.raw(g)?;
        if let Some(b) = marker_box(f, proj) {
            let (x, y) = ((b.0 + b.2) / 2.0, (b.1 + b.3) / 2.0);
            markers.push_str(&marker_svg(f.kind, x, y, Some(&f.message)));
            boxes.push(b);
        }
    }
    if !markers.is_empty() {
        cv.raw(format!(
            "<g id=\"finding-markers\" fill=\"{FINDING_MAGENTA}\" stroke=\"#FFFFFF\" stroke-width=\"1.5\">{markers}</g>"
        ))?;
    }
    cv.raw("</g>".into())?;
    Ok(boxes)
}

/// A finding's shape, when it lies within lon/lat ranges (a hand-edited findings file may not).
fn drawable_shape(f: &Finding) -> Option<&MultiPolygon<f64>> {
    f.geometry.as_ref().filter(|g| {
        g.bounding_rect().is_some_and(|r| {
            valid_lonlat([r.min().x, r.min().y]) && valid_lonlat([r.max().x, r.max().y])
        })
    })
}

/// The box of a finding's marker: every finding gets one at its point, except hatched shapes
/// big enough to see.
fn marker_box(f: &Finding, proj: &Projection) -> Option<PxBox> {
    let hatched = matches!(
        finding_style(f.kind),
        FindingStyle::HatchRed | FindingStyle::HatchPurple
    );
    let shape_px = match drawable_shape(f).and_then(|g| g.bounding_rect()) {
        Some(r) if hatched => {
            (r.width() * proj.px_per_deg_lon).max(r.height() * proj.px_per_deg_lat)
        }
        _ => 0.0,
    };
    if !valid_lonlat(f.at) || shape_px >= 12.0 {
        return None;
    }
    let (x, y) = proj.xy(f.at[0], f.at[1]);
    Some((x - 8.0, y - 8.0, x + 8.0, y + 8.0))
}

/// A finding's marker centred at `(x, y)`: a diamond for a zone's area, a triangle for a zone
/// in pieces, a circle for the rest. Fill and stroke come from the enclosing group.
fn marker_svg(kind: FindingKind, x: f64, y: f64, title: Option<&str>) -> String {
    let (cx, cy) = (geom::fmt_px(x), geom::fmt_px(y));
    let top = geom::fmt_px(y - 7.0);
    let (open, close) = match kind {
        FindingKind::ZoneArea => (format!("<path d=\"M{cx} {top}l7 7-7 7-7-7z\""), "</path>"),
        FindingKind::NotContiguous => (format!("<path d=\"M{cx} {top}l6.5 11.5h-13z\""), "</path>"),
        _ => (
            format!("<circle cx=\"{cx}\" cy=\"{cy}\" r=\"5.5\""),
            "</circle>",
        ),
    };
    match title {
        Some(t) => format!(
            "{open} class=\"finding-marker\" data-kind=\"{}\"><title>{}</title>{close}",
            kind.name(),
            xml_escape(t)
        ),
        None => format!("{open}/>"),
    }
}

/// Graticule lines: their positions and labels.
struct Graticule {
    lons: Vec<(f64, String)>,
    lats: Vec<(f64, String)>,
}

fn draw_graticule_lines(
    cv: &mut Canvas,
    proj: &Projection,
    (x0, y0, x1, y1): PxBox,
) -> Result<Graticule, RenderError> {
    let (lon_lo, lon_hi) = (proj.lon_at(x0), proj.lon_at(x1));
    let (lat_lo, lat_hi) = (proj.lat_at(y1), proj.lat_at(y0));
    let (step, decimals) = geom::graticule_step(lon_hi - lon_lo, lat_hi - lat_lo);
    let mut g = String::from(
        "<g id=\"graticule\" fill=\"none\" stroke=\"#000000\" stroke-opacity=\"0.28\" stroke-width=\"0.6\">",
    );
    let mut out = Graticule {
        lons: Vec::new(),
        lats: Vec::new(),
    };
    for lon in geom::multiples(lon_lo, lon_hi, step) {
        let (x, _) = proj.xy(lon, proj.lat0);
        let v = format!("{lon:.decimals$}");
        let _ = write!(
            g,
            "<path class=\"graticule-lon\" data-lon=\"{v}\" d=\"M{} {}V{}\"/>",
            geom::fmt_px(x),
            geom::fmt_px(y0),
            geom::fmt_px(y1)
        );
        out.lons.push((x, geom::degree_label(lon, decimals, true)));
    }
    for lat in geom::multiples(lat_lo, lat_hi, step) {
        let (_, y) = proj.xy(proj.lon0, lat);
        let v = format!("{lat:.decimals$}");
        let _ = write!(
            g,
            "<path class=\"graticule-lat\" data-lat=\"{v}\" d=\"M{} {}H{}\"/>",
            geom::fmt_px(x0),
            geom::fmt_px(y),
            geom::fmt_px(x1)
        );
        out.lats.push((y, geom::degree_label(lat, decimals, false)));
    }
    g.push_str("</g>");
    cv.raw(g)?;
    Ok(out)
}

fn draw_graticule_labels(
    cv: &mut Canvas,
    grat: &Graticule,
    (x0, _y0, _x1, y1): PxBox,
) -> Result<(), RenderError> {
    cv.raw("<g id=\"graticule-labels\">".into())?;
    let size = 10.5;
    let mut last_right = f64::NEG_INFINITY;
    for (x, label) in &grat.lons {
        let half = text_width(label, size) * 0.45;
        if x - half < last_right + 6.0 {
            continue;
        }
        cv.line((*x, y1), (*x, y1 + 4.0), FRAME)?;
        cv.text(label, *x, y1 + 12.0, size, GREY, Align::Centre, false)?;
        last_right = x + half;
    }
    let mut last_top = f64::INFINITY;
    for (y, label) in &grat.lats {
        if y + 8.0 > last_top {
            continue;
        }
        cv.line((x0 - 4.0, *y), (x0, *y), FRAME)?;
        cv.text(label, x0 - 6.0, *y, size, GREY, Align::Right, false)?;
        last_top = *y - 8.0;
    }
    cv.raw("</g>".into())
}

/// Draws a scale bar starting at `(x, y)` (the bar's top left), at most `max_px` long, with
/// its labels above it.
fn draw_scale_bar(
    cv: &mut Canvas,
    proj: &Projection,
    (bx, by): (f64, f64),
    max_px: f64,
) -> Result<(), RenderError> {
    // Pixels per metre from a geodesic distance along the map's latitude of true scale.
    let a = Coord {
        x: proj.lon0 - 0.01,
        y: proj.lat0,
    };
    let b = Coord {
        x: proj.lon0 + 0.01,
        y: proj.lat0,
    };
    let px_per_m = (0.02 * proj.px_per_deg_lon) / geodesy::distance_m(a, b);
    let label = geom::length_label(round_length_m(max_px.max(40.0) / px_per_m));
    // Leave room for half the end label past the bar.
    let len_m = round_length_m((max_px.max(40.0) - text_width(&label, 11.0) / 2.0) / px_per_m);
    let len_px = len_m * px_per_m;
    let bh = 6.0;
    cv.raw(format!("<g id=\"scale-bar\" data-length-m=\"{len_m}\">"))?;
    let mut r = String::new();
    let seg = len_px / 4.0;
    for k in 0..4 {
        let fill = if k % 2 == 0 { "#222222" } else { "#FFFFFF" };
        let _ = write!(
            r,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{bh}\" fill=\"{fill}\"/>",
            geom::fmt_px(bx + seg * k as f64),
            geom::fmt_px(by),
            geom::fmt_px(seg),
        );
    }
    let _ = write!(
        r,
        "<rect id=\"scale-bar-length\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{bh}\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1\"/>",
        geom::fmt_px(bx),
        geom::fmt_px(by),
        geom::fmt_px(len_px),
    );
    cv.raw(r)?;
    cv.text("0", bx, by - 9.0, 11.0, INK, Align::Centre, false)?;
    cv.text(
        &geom::length_label(len_m / 2.0),
        bx + len_px / 2.0,
        by - 9.0,
        11.0,
        INK,
        Align::Centre,
        false,
    )?;
    cv.text(
        &geom::length_label(len_m),
        bx + len_px,
        by - 9.0,
        11.0,
        INK,
        Align::Centre,
        false,
    )?;
    cv.raw("</g>".into())
}

/// Draws a north arrow with its top-left at `(x, y)` (the map is drawn north up).
fn draw_north_arrow(cv: &mut Canvas, (x, y): (f64, f64)) -> Result<(), RenderError> {
    let cx = x + 11.0;
    cv.raw("<g id=\"north-arrow\">".into())?;
    cv.text("N", cx, y + 6.0, 13.0, INK, Align::Centre, true)?;
    cv.fill_polygon(
        &[
            (cx, y + 14.0),
            (cx - 8.0, y + 40.0),
            (cx, y + 33.0),
            (cx + 8.0, y + 40.0),
        ],
        INK,
    )?;
    cv.raw("</g>".into())
}

/// The label text of a parcel.
fn label_text(p: &Parcel, acres: f64, kind: LabelKind, unit: AreaUnit) -> Option<String> {
    let t = match kind {
        LabelKind::Id => clean_text(p.id.as_str()),
        LabelKind::Name => clean_text(p.name()?),
        LabelKind::Area => map_area(unit, acres, 1),
        LabelKind::None => return None,
    };
    (!t.is_empty()).then(|| truncate(&t, 40))
}

fn to_px_polygon(poly: &Polygon<f64>, proj: &Projection) -> Polygon<f64> {
    let ring = |ls: &LineString<f64>| {
        LineString::from(
            ls.0.iter()
                .map(|c| {
                    let (x, y) = proj.xy(c.x, c.y);
                    Coord { x, y }
                })
                .collect::<Vec<_>>(),
        )
    };
    Polygon::new(
        ring(poly.exterior()),
        poly.interiors().iter().map(ring).collect(),
    )
}

/// The largest part of a (multi)polygon inside the map frame, in pixels (`None` when none of
/// it is inside: a parcel outside a `--bbox` or `--focus` window gets no label).
fn largest_px_part(
    mp: &MultiPolygon<f64>,
    proj: &Projection,
    frame: PxBox,
) -> Option<Polygon<f64>> {
    use geo::{Area, BooleanOps};
    let px = MultiPolygon(mp.0.iter().map(|p| to_px_polygon(p, proj)).collect());
    let r = px.bounding_rect()?;
    if r.max().x <= frame.0 || r.min().x >= frame.2 || r.max().y <= frame.1 || r.min().y >= frame.3
    {
        return None;
    }
    let inside = r.min().x >= frame.0
        && r.max().x <= frame.2
        && r.min().y >= frame.1
        && r.max().y <= frame.3;
    let parts = if inside {
        px
    } else {
        let f = Rect::new(
            Coord {
                x: frame.0,
                y: frame.1,
            },
            Coord {
                x: frame.2,
                y: frame.3,
            },
        )
        .to_polygon();
        px.intersection(&MultiPolygon(vec![f]))
    };
    parts
        .0
        .into_iter()
        .filter(|p| p.unsigned_area() > 0.0)
        .max_by(|a, b| a.unsigned_area().total_cmp(&b.unsigned_area()))
}

/// Places the zone labels (when colouring by zone) and the parcel labels (largest parcels
/// first, so small ones give way).
#[allow(clippy::too_many_arguments)]
fn layout_labels(
    set: &ParcelSet,
    acres: &[f64],
    opts: &MapOptions,
    categories: &[Category],
    dissolved: &[Option<MultiPolygon<f64>>],
    proj: &Projection,
    obstacles: &[PxBox],
    frame: PxBox,
) -> label_layout::Layout {
    let mut zones = Vec::new();
    if opts.color_by == "zone" {
        for (c, shape) in categories.iter().zip(dissolved) {
            let (CategoryKey::Value(v), Some(shape)) = (&c.key, shape) else {
                continue;
            };
            if let Some(poly) = largest_px_part(shape, proj, frame) {
                zones.push((
                    truncate(&clean_text(v), 40),
                    map_area(opts.units, c.acres, 1),
                    poly,
                ));
            }
        }
    }
    let mut parcels = Vec::new();
    if opts.labels != LabelKind::None {
        let mut order: Vec<usize> = (0..set.parcels.len()).collect();
        order.sort_by(|&a, &b| acres[b].total_cmp(&acres[a]).then(a.cmp(&b)));
        for i in order {
            let p = &set.parcels[i];
            let Some(text) = label_text(p, acres[i], opts.labels, opts.units) else {
                continue;
            };
            if let Some(poly) = largest_px_part(&p.geometry, proj, frame) {
                parcels.push((i, text, poly));
            }
        }
    }
    label_layout::layout(&zones, &parcels, obstacles, frame)
}

/// The footer's note on labels: how many are on the map and how many in the call-out table.
fn label_note(opts: &MapOptions, layout: &label_layout::Layout) -> String {
    if opts.labels == LabelKind::None {
        return String::new();
    }
    format!(
        " Labels: {} on the map, {} in the call-out table.",
        grouped(layout.placed.len() as f64, 0),
        grouped(layout.callouts.len() as f64, 0)
    )
}

/// The call-out table's shape: columns of `number text` under the map.
struct CalloutTable {
    cols: usize,
    col_w: f64,
    height: f64,
}

const CALLOUT_ROW: f64 = 13.0;

fn callout_table(callouts: &[label_layout::Callout], width: f64) -> CalloutTable {
    if callouts.is_empty() {
        return CalloutTable {
            cols: 1,
            col_w: width,
            height: 0.0,
        };
    }
    let widest = callouts
        .iter()
        .map(|c| fonts::text_width_px(&format!("{}  {}", c.number, c.text), 10.0, false))
        .fold(0.0, f64::max);
    let col_w = widest + 16.0;
    let cols = ((width / col_w).floor() as usize).max(1);
    let rows = callouts.len().div_ceil(cols);
    CalloutTable {
        cols,
        col_w,
        height: 22.0 + rows as f64 * CALLOUT_ROW + 8.0,
    }
}

fn draw_callout_table(
    cv: &mut Canvas,
    table: &CalloutTable,
    callouts: &[label_layout::Callout],
    (x, y): (f64, f64),
) -> Result<(), RenderError> {
    if callouts.is_empty() {
        return Ok(());
    }
    let rows = callouts.len().div_ceil(table.cols);
    let mut g = format!(
        "<g id=\"callout-table\" font-family=\"sans-serif\" font-size=\"10\" fill=\"#222222\"><text x=\"{}\" y=\"{}\" font-weight=\"bold\" font-size=\"11\">Labels that do not fit on the map</text>",
        geom::fmt_px(x),
        geom::fmt_px(y + 12.0)
    );
    for (k, c) in callouts.iter().enumerate() {
        let (col, row) = (k / rows, k % rows);
        let tx = x + col as f64 * table.col_w;
        let ty = y + 22.0 + (row as f64 + 0.75) * CALLOUT_ROW;
        let _ = write!(
            g,
            "<text class=\"callout-number\" x=\"{}\" y=\"{}\" font-weight=\"bold\">{}</text><text class=\"callout-entry\" data-n=\"{}\" x=\"{}\" y=\"{}\">{}</text>",
            geom::fmt_px(tx),
            geom::fmt_px(ty),
            c.number,
            c.number,
            geom::fmt_px(tx + fonts::text_width_px(&format!("{}  ", c.number), 10.0, true)),
            geom::fmt_px(ty),
            xml_escape(&c.text)
        );
    }
    g.push_str("</g>");
    cv.raw(g)
}

fn draw_labels(cv: &mut Canvas, layout: &label_layout::Layout) -> Result<(), RenderError> {
    let mut g = String::new();
    let mut labels = String::from(
        "<g id=\"labels\" font-family=\"sans-serif\" fill=\"#222222\" stroke=\"#FFFFFF\" stroke-opacity=\"0.9\" stroke-linejoin=\"round\" paint-order=\"stroke\" text-anchor=\"middle\">",
    );
    for l in &layout.placed {
        let (x, y) = (geom::fmt_px(l.bx.cx), geom::fmt_px(l.bx.cy));
        let rot = if l.bx.angle == 0.0 {
            String::new()
        } else {
            format!(" transform=\"rotate({:.2} {x} {y})\"", l.bx.angle)
        };
        let _ = write!(
            labels,
            "<text class=\"label\" x=\"{x}\" y=\"{y}\" dy=\"0.36em\" font-size=\"{}\" stroke-width=\"{:.2}\"{rot}>{}</text>",
            l.size,
            l.size * 0.26,
            xml_escape(&l.text)
        );
    }
    labels.push_str("</g>");
    if !layout.placed.is_empty() {
        g.push_str(&labels);
    }
    let mut callouts = String::from(
        "<g id=\"callouts\" font-family=\"sans-serif\" fill=\"#222222\" text-anchor=\"middle\">",
    );
    for c in &layout.callouts {
        let label = c.number.to_string();
        let r = (fonts::text_width_px(&label, 7.0, true) / 2.0 + 2.0).max(5.0);
        let (x, y) = (geom::fmt_px(c.at.0), geom::fmt_px(c.at.1));
        let _ = write!(
            callouts,
            "<g class=\"callout\" data-n=\"{}\"><circle cx=\"{x}\" cy=\"{y}\" r=\"{:.1}\" fill=\"#FFFFFF\" stroke=\"#222222\" stroke-width=\"0.7\"/><text x=\"{x}\" y=\"{y}\" dy=\"0.36em\" font-size=\"7\" font-weight=\"bold\" stroke=\"none\">{}</text></g>",
            c.number, r, c.number
        );
    }
    callouts.push_str("</g>");
    if !layout.callouts.is_empty() {
        g.push_str(&callouts);
    }
    let mut zones = String::from(
        "<g id=\"zone-labels\" font-family=\"sans-serif\" fill=\"#111111\" stroke=\"#FFFFFF\" stroke-width=\"3\" stroke-opacity=\"0.85\" stroke-linejoin=\"round\" paint-order=\"stroke\" text-anchor=\"middle\">",
    );
    for z in &layout.zones {
        let (x, y) = (z.bx.cx, z.bx.cy);
        let line = z.size * LINE_GAP;
        let _ = write!(
            zones,
            "<g class=\"zone-label\" data-box=\"{} {} {} {}\"><text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"{:.2}\">{}</text></g>",
            geom::fmt_px(x - z.bx.hw),
            geom::fmt_px(y - z.bx.hh),
            geom::fmt_px(x + z.bx.hw),
            geom::fmt_px(y + z.bx.hh),
            geom::fmt_px(x),
            geom::fmt_px(y - line * 0.5 + z.size * 0.36),
            z.size,
            xml_escape(&z.name),
            geom::fmt_px(x),
            geom::fmt_px(y + line * 0.5 + z.size * 0.3),
            z.size * 0.85,
            xml_escape(&z.area)
        );
    }
    zones.push_str("</g>");
    if !layout.zones.is_empty() {
        g.push_str(&zones);
    }
    if g.is_empty() {
        return Ok(());
    }
    cv.raw(g)
}

/// Distance between the baselines of a zone label's two lines, in name font sizes.
const LINE_GAP: f64 = 1.0;

fn draw_legend(
    cv: &mut Canvas,
    rows: &[LegendRow],
    (x, y): (f64, f64),
    width: f64,
    proj: &Projection,
) -> Result<(), RenderError> {
    cv.raw("<g id=\"legend\">".into())?;
    let text_x = x + 34.0;
    let chars = |size: f64| ((width - 36.0) / (size * 0.55)).max(6.0) as usize;
    let mut y = y + 4.0;
    for row in rows {
        match row {
            LegendRow::Heading(t) => {
                cv.text(
                    &truncate(t, chars(14.0)),
                    x,
                    y + 9.0,
                    14.0,
                    INK,
                    Align::Left,
                    true,
                )?;
            }
            LegendRow::Category {
                colour,
                pattern,
                hatch,
                name,
                detail,
                target,
                dissolved,
            } => {
                cv.raw(format!(
                    "<rect class=\"legend-swatch\" x=\"{}\" y=\"{}\" width=\"26\" height=\"16\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"/>",
                    geom::fmt_px(x),
                    geom::fmt_px(y + 1.0),
                    colour.css(),
                    if *dissolved { "#222222" } else { "#888888" },
                    if *dissolved { "1.5" } else { "0.8" },
                ))?;
                if let Some(k) = pattern {
                    cv.raw(format!(
                        "<rect class=\"legend-pattern\" x=\"{}\" y=\"{}\" width=\"26\" height=\"16\" fill=\"url(#cls-pat-{k})\"/>",
                        geom::fmt_px(x),
                        geom::fmt_px(y + 1.0),
                    ))?;
                }
                if let Some(h) = hatch {
                    cv.raw(format!(
                        "<rect class=\"legend-hatch\" x=\"{}\" y=\"{}\" width=\"26\" height=\"16\" fill=\"url(#{})\"/>",
                        geom::fmt_px(x),
                        geom::fmt_px(y + 1.0),
                        class_hatch_id(*h),
                    ))?;
                }
                cv.text(
                    &truncate(name, chars(12.5)),
                    text_x,
                    y + 8.0,
                    12.5,
                    INK,
                    Align::Left,
                    true,
                )?;
                cv.text(
                    &truncate(detail, chars(11.0)),
                    text_x,
                    y + 23.0,
                    11.0,
                    GREY,
                    Align::Left,
                    false,
                )?;
                if let Some(t) = target {
                    cv.text(
                        &truncate(t, chars(11.0)),
                        text_x,
                        y + 37.0,
                        11.0,
                        GREY,
                        Align::Left,
                        false,
                    )?;
                }
            }
            LegendRow::ZoneBoundary => {
                cv.raw(format!(
                    "<path d=\"M{} {}h26\" stroke=\"#222222\" stroke-width=\"1.8\"/>",
                    geom::fmt_px(x),
                    geom::fmt_px(y + 9.0)
                ))?;
                cv.text(
                    "zone boundary",
                    text_x,
                    y + 9.0,
                    11.0,
                    GREY,
                    Align::Left,
                    false,
                )?;
            }
            LegendRow::Finding { kind, text } => {
                let sym = match finding_style(*kind) {
                    FindingStyle::HatchRed => format!(
                        "<rect x=\"{}\" y=\"{}\" width=\"26\" height=\"14\" fill=\"url(#hatch-red)\" stroke=\"{FINDING_RED}\" stroke-width=\"1.6\"/>",
                        geom::fmt_px(x),
                        geom::fmt_px(y + 2.0)
                    ),
                    FindingStyle::HatchPurple => format!(
                        "<rect x=\"{}\" y=\"{}\" width=\"26\" height=\"14\" fill=\"url(#hatch-purple)\" stroke=\"{FINDING_PURPLE}\" stroke-width=\"1.6\" stroke-dasharray=\"4 2\"/>",
                        geom::fmt_px(x),
                        geom::fmt_px(y + 2.0)
                    ),
                    FindingStyle::ParcelOutline => format!(
                        "<rect x=\"{}\" y=\"{}\" width=\"26\" height=\"14\" fill=\"none\" stroke=\"{FINDING_RED}\" stroke-width=\"2\" stroke-dasharray=\"3 2\"/>",
                        geom::fmt_px(x),
                        geom::fmt_px(y + 2.0)
                    ),
                    FindingStyle::Marker => format!(
                        "<g fill=\"{FINDING_MAGENTA}\" stroke=\"#FFFFFF\" stroke-width=\"1.5\">{}</g>",
                        marker_svg(*kind, x + 13.0, y + 9.0, None)
                    ),
                };
                cv.raw(format!(
                    "<g class=\"legend-finding\" data-kind=\"{}\">{sym}</g>",
                    kind.name()
                ))?;
                cv.text(
                    &truncate(text, chars(11.0)),
                    text_x,
                    y + 9.0,
                    11.0,
                    INK,
                    Align::Left,
                    false,
                )?;
            }
            LegendRow::Split(n) => {
                cv.raw(format!(
                    "<rect x=\"{}\" y=\"{}\" width=\"26\" height=\"14\" fill=\"none\" stroke=\"{SPLIT_BLUE}\" stroke-width=\"1.4\" stroke-dasharray=\"5 3\"/>",
                    geom::fmt_px(x),
                    geom::fmt_px(y + 2.0)
                ))?;
                cv.text(
                    &format!("split parcel × {n}"),
                    text_x,
                    y + 9.0,
                    11.0,
                    INK,
                    Align::Left,
                    false,
                )?;
            }
            LegendRow::Note(t) => {
                cv.text(
                    &truncate(t, chars(11.0) + 5),
                    x,
                    y + 7.0,
                    11.0,
                    GREY,
                    Align::Left,
                    false,
                )?;
            }
            LegendRow::ScaleAndNorth => {
                let arrow_w = 30.0;
                draw_scale_bar(cv, proj, (x + 6.0, y + 34.0), width - arrow_w - 40.0)?;
                draw_north_arrow(cv, (x + width - arrow_w, y + 4.0))?;
            }
            LegendRow::Space(_) => {}
        }
        y += row.height();
    }
    cv.raw("</g>".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::parse_parcels;

    fn square(id: &str, props: &str, lon: f64, lat: f64, size: f64) -> String {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{props},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{},{lat}],[{},{}],[{lon},{}],[{lon},{lat}]]]}}}}"#,
            lon + size,
            lon + size,
            lat + size,
            lat + size
        )
    }

    fn set_of(features: &[String]) -> ParcelSet {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        parse_parcels(text.as_bytes(), "test").unwrap()
    }

    fn use_fabric(n: usize) -> ParcelSet {
        let mut f = Vec::new();
        for k in 0..n {
            f.push(square(
                &format!("P{k:02}"),
                &format!(r#"{{"use":"u{k:02}","zone":"z{k:02}"}}"#),
                67.0 + 0.01 * k as f64,
                24.8,
                0.001,
            ));
        }
        f.push(square("Q", r#"{"zone":"retained"}"#, 67.5, 24.8, 0.001));
        set_of(&f)
    }

    #[test]
    fn every_class_is_listed_patterned_past_the_palette_and_merged_only_when_asked() {
        let set = use_fabric(14);
        let acres: Vec<f64> = (0..set.parcels.len()).map(|i| i as f64).collect();
        let opts = MapOptions {
            color_by: "use".into(),
            // Targets only count when colouring by zone.
            targets: vec![("u05".into(), 5.0)],
            ..MapOptions::default()
        };
        let cats = palette::categorise(&set, &acres, &opts).unwrap();
        let keys: Vec<String> = cats.iter().map(|c| c.label("use")).collect();
        let mut want: Vec<String> = (0..14).map(|k| format!("u{k:02}")).collect();
        want.push("no use".into());
        assert_eq!(keys, want);
        assert!(cats.iter().all(|c| c.target.is_none()));
        assert_eq!(cats[0].colour, palette::CATEGORICAL[0]);
        assert_eq!(
            (cats[11].colour, cats[11].pattern),
            (palette::CATEGORICAL[11], None)
        );
        assert_eq!(
            (cats[12].colour, cats[12].pattern),
            (palette::CATEGORICAL[0], Some(1))
        );
        assert_eq!(cats[14].colour, palette::NO_VALUE);

        let merged = MapOptions {
            max_classes: Some(3),
            ..opts
        };
        let cats = palette::categorise(&set, &acres, &merged).unwrap();
        let keys: Vec<String> = cats.iter().map(|c| c.label("use")).collect();
        assert_eq!(keys[..3], ["u00", "u01", "u02"]);
        assert!(keys[3].starts_with("other: u03, u04"));
        assert_eq!(cats[3].colour, palette::OTHER);
        assert_eq!(cats[3].parcels, (3..14).collect::<Vec<_>>());
    }

    #[test]
    fn zones_follow_targets_then_metadata_and_retained_is_grey() {
        let mut set = use_fabric(3);
        set.members.insert(
            "metadata".into(),
            serde_json::json!({"zones": ["z02", {"name": "z01"}]}),
        );
        let acres = vec![1.0; set.parcels.len()];
        // A target does not reorder; a target zone without parcels is still listed.
        let opts = MapOptions {
            targets: vec![("z00".into(), 1.0), ("a".into(), 2.0)],
            ..MapOptions::default()
        };
        let cats = palette::categorise(&set, &acres, &opts).unwrap();
        let keys: Vec<String> = cats.iter().map(|c| c.label("zone")).collect();
        assert_eq!(keys, ["z02", "z01", "a", "z00", "retained"]);
        assert_eq!(cats[3].target, Some(1.0));
        assert_eq!((cats[2].target, cats[2].parcels.len()), (Some(2.0), 0));
        assert_eq!(cats[1].colour, palette::CATEGORICAL[1]);
        assert_eq!(cats[4].colour, palette::RETAINED);
    }

    #[test]
    fn numbers_get_a_ramp_and_unknown_properties_are_named() {
        let set = use_fabric(12);
        let acres: Vec<f64> = (0..set.parcels.len()).map(|i| i as f64).collect();
        let opts = MapOptions {
            color_by: "area".into(),
            ..MapOptions::default()
        };
        let cats = palette::categorise(&set, &acres, &opts).unwrap();
        // 13 values 0..12: breaks at the rounded quintiles 2, 5, 7, 10.
        let labels: Vec<String> = cats.iter().map(|c| c.label("area")).collect();
        assert_eq!(labels[0], "0 to under 2.00 ac");
        assert_eq!(labels.last().unwrap(), "10.0 to 12.0 ac");
        assert_eq!(cats[0].parcels, vec![0, 1]);
        assert_eq!(cats.iter().map(|c| c.parcels.len()).sum::<usize>(), 13);
        assert_eq!(cats[0].colour, palette::RAMP[0]);
        assert_eq!(cats.last().unwrap().colour, palette::RAMP[4]);

        let bad = MapOptions {
            color_by: "landuse".into(),
            ..MapOptions::default()
        };
        let err = palette::categorise(&set, &acres, &bad)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "test: --color-by landuse: no parcel has this property; the data has: area, use, zone"
        );
    }

    #[test]
    fn empty_and_bad_width_are_errors() {
        let set = ParcelSet::default();
        assert!(matches!(
            render_svg(&set, &[], &MapOptions::default()),
            Err(RenderError::NoParcels { .. })
        ));
        let set = set_of(&[square("A", "{}", 67.0, 24.0, 0.01)]);
        let opts = MapOptions {
            width: 10,
            ..MapOptions::default()
        };
        assert_eq!(
            render_svg(&set, &[], &opts).unwrap_err().to_string(),
            "map width 10 px is outside 200..=20000"
        );
    }

    #[test]
    fn property_values_come_from_raw_properties() {
        let set = set_of(&[
            square("A", r#"{"phase":2,"zone":"z"}"#, 67.0, 24.0, 0.01),
            square("B", r#"{"phase":null}"#, 67.1, 24.0, 0.01),
        ]);
        assert_eq!(
            category_value(&set.parcels[0], "phase").as_deref(),
            Some("2")
        );
        assert_eq!(category_value(&set.parcels[1], "phase"), None);
        assert_eq!(
            category_value(&set.parcels[0], "zone").as_deref(),
            Some("z")
        );
    }
}
