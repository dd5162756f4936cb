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
mod geom;
mod labels;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use geo::{
    BoundingRect, Contains, Coord, InteriorPoint, LineString, MultiPolygon, Orient, Polygon, Rect,
    orient::Direction,
};
use serde_json::Value;

use crate::geodesy::{self, M2_PER_ACRE};
use crate::geom::bbox::bbox_of;
use crate::model::{Parcel, ParcelSet};
use crate::report::grouped;
use crate::validate::{Finding, FindingKind};
use canvas::{Align, Canvas, Rgb, clean_text, truncate, xml_escape};
pub use geom::{Projection, metres_per_degree, round_length_m};
use labels::{Placer, PxBox, text_width};

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
}

impl Default for MapOptions {
    fn default() -> Self {
        MapOptions {
            title: None,
            color_by: "zone".to_string(),
            labels: LabelKind::None,
            width: 1200,
            targets: Vec::new(),
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
    /// plotters failed (writing to a string; not expected).
    #[error("drawing the SVG failed: {0}")]
    Drawing(String),
}

/// Paul Tol's "light" scheme (for filled areas under labels), pale grey left out.
const PALETTE: [Rgb; 8] = [
    Rgb::hex(0x77AADD), // light blue
    Rgb::hex(0xEE8866), // orange
    Rgb::hex(0xEEDD88), // light yellow
    Rgb::hex(0x44BB99), // mint
    Rgb::hex(0xFFAABB), // pink
    Rgb::hex(0x99DDFF), // light cyan
    Rgb::hex(0xBBCC33), // pear
    Rgb::hex(0xAAAA00), // olive
];
/// Parcels without a value.
const NO_VALUE: Rgb = Rgb::hex(0xDDDDDD);
/// Values beyond the palette, grouped.
const OTHER: Rgb = Rgb::hex(0xBBBBBB);
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
    acres: f64,
    parcels: Vec<usize>,
    target: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum CategoryKey {
    Value(String),
    Other(Vec<String>),
    None,
}

/// The value of `key` for a parcel: `zone` and `land_use` from the parsed fields, anything else
/// from the raw properties (strings as they are, other JSON compactly; null counts as absent).
fn category_value(p: &Parcel, key: &str) -> Option<String> {
    match key {
        "zone" => return p.zone.clone(),
        "land_use" => return p.land_use.clone(),
        _ => {}
    }
    let raw = p.properties.as_ref()?;
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
    match &p.properties {
        Some(raw) if raw.get().contains("split_from") => p
            .properties_map()
            .is_ok_and(|m| !matches!(m.get("split_from"), None | Some(Value::Null))),
        _ => false,
    }
}

/// Groups parcels into at most 8 coloured categories plus "no value".
fn categorise(set: &ParcelSet, acres: &[f64], opts: &MapOptions) -> Vec<Category> {
    let mut by_value: BTreeMap<String, (f64, Vec<usize>)> = BTreeMap::new();
    let mut none: (f64, Vec<usize>) = (0.0, Vec::new());
    for (i, p) in set.parcels.iter().enumerate() {
        match category_value(p, &opts.color_by) {
            Some(v) => {
                let e = by_value.entry(v).or_default();
                e.0 += acres[i];
                e.1.push(i);
            }
            None => {
                none.0 += acres[i];
                none.1.push(i);
            }
        }
    }
    // Targets first (in the order given), then the other values by name.
    let mut order: Vec<String> = Vec::new();
    for (name, _) in &opts.targets {
        if !order.contains(name) {
            order.push(name.clone());
        }
    }
    for v in by_value.keys() {
        if !order.contains(v) {
            order.push(v.clone());
        }
    }
    // More values than colours: keep the largest (targets always kept), group the rest.
    let mut kept: Vec<String> = order.clone();
    let mut grouped_rest: Vec<String> = Vec::new();
    if order.len() > PALETTE.len() {
        let mut ranked: Vec<&String> = order
            .iter()
            .filter(|v| !opts.targets.iter().any(|(t, _)| t == *v))
            .collect();
        ranked.sort_by(|a, b| {
            let aa = by_value.get(*a).map_or(0.0, |e| e.0);
            let bb = by_value.get(*b).map_or(0.0, |e| e.0);
            bb.total_cmp(&aa).then_with(|| a.cmp(b))
        });
        let room = (PALETTE.len() - 1).saturating_sub(order.len() - ranked.len());
        let keep: Vec<String> = ranked.iter().take(room).map(|s| (*s).clone()).collect();
        kept = order
            .iter()
            .filter(|v| opts.targets.iter().any(|(t, _)| t == *v) || keep.contains(v))
            .cloned()
            .collect();
        grouped_rest = order
            .iter()
            .filter(|v| !kept.contains(v))
            .cloned()
            .collect();
    }
    let mut out = Vec::new();
    for (k, v) in kept.iter().enumerate() {
        let (a, parcels) = by_value.get(v).cloned().unwrap_or_default();
        out.push(Category {
            key: CategoryKey::Value(v.clone()),
            colour: PALETTE[k % PALETTE.len()],
            acres: a,
            parcels,
            target: opts.targets.iter().find(|(t, _)| t == v).map(|t| t.1),
        });
    }
    if !grouped_rest.is_empty() {
        let mut a = 0.0;
        let mut parcels = Vec::new();
        for v in &grouped_rest {
            if let Some(e) = by_value.get(v) {
                a += e.0;
                parcels.extend_from_slice(&e.1);
            }
        }
        parcels.sort_unstable();
        out.push(Category {
            key: CategoryKey::Other(grouped_rest.clone()),
            colour: OTHER,
            acres: a,
            parcels,
            target: None,
        });
    }
    if !none.1.is_empty() {
        out.push(Category {
            key: CategoryKey::None,
            colour: NO_VALUE,
            acres: none.0,
            parcels: none.1,
            target: None,
        });
    }
    out
}

impl Category {
    fn label(&self, color_by: &str) -> String {
        match &self.key {
            CategoryKey::Value(v) => clean_text(v),
            CategoryKey::Other(v) => format!("other: {}", clean_text(&v.join(", "))),
            CategoryKey::None => format!("no {}", clean_text(color_by)),
        }
    }
}

/// The dissolved outline of some parcels (their union).
fn dissolve(set: &ParcelSet, members: &[usize]) -> MultiPolygon<f64> {
    let polys: Vec<Polygon<f64>> = members
        .iter()
        .flat_map(|&i| set.parcels[i].geometry.0.iter())
        .map(|p| p.orient(Direction::Default))
        .collect();
    if polys.is_empty() {
        return MultiPolygon(Vec::new());
    }
    geo::unary_union(&polys)
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
        | FindingKind::ZoneName => FindingStyle::ParcelOutline,
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
    }
}

/// One row of the legend.
enum LegendRow {
    Heading(String),
    Category {
        colour: Rgb,
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
    let categories = categorise(set, &acres, opts);
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
                "target {} ac · {} ac",
                grouped(t, 1),
                signed_acres(c.acres - t)
            )
        });
        rows.push(LegendRow::Category {
            colour: c.colour,
            name: c.label(&opts.color_by),
            detail: format!(
                "{} ac · {} · {} parcel{}",
                grouped(c.acres, 1),
                pct(c.acres, total_acres),
                grouped(c.parcels.len() as f64, 0),
                if c.parcels.len() == 1 { "" } else { "s" }
            ),
            target,
            dissolved: matches!(c.key, CategoryKey::Value(_)),
        });
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
                let _ = write!(text, " · {} ac", grouped(*a, 2));
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
        "Total {} ac in {} parcels",
        grouped(total_acres, 1),
        grouped(set.parcels.len() as f64, 0)
    )));
    rows.push(LegendRow::Note("Areas geodesic on WGS84.".into()));
    if opts.labels == LabelKind::Area {
        rows.push(LegendRow::Note("Labels: parcel acres.".into()));
    }
    let legend_h: f64 = rows.iter().map(LegendRow::height).sum::<f64>() + 20.0;

    // ---- Layout ----
    let w = f64::from(opts.width);
    let margin = 16.0;
    let illustrative = set.is_illustrative();
    let header_h = margin + if illustrative { 66.0 } else { 48.0 };
    let side = opts.width >= 640;
    let panel_w = if side {
        (w * 0.26).clamp(220.0, 340.0)
    } else {
        w - 2.0 * margin
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
    let aspect = (extent.height() * my) / (extent.width() * mx);
    let pad = (fw * 0.04).max(8.0);
    let fh = ((fw - 2.0 * pad) * aspect + 2.0 * pad).clamp(0.45 * fw, 1.5 * fw);
    let bottom = top + fh;
    let proj = Projection::fit(
        extent,
        left + pad,
        top + pad,
        fw - 2.0 * pad,
        fh - 2.0 * pad,
    );
    let map_bottom = bottom + 40.0;
    let (legend_x, legend_y) = if side {
        (right + 20.0, top)
    } else {
        (margin, map_bottom + 4.0)
    };
    let h = if side {
        (map_bottom + margin).max(legend_y + legend_h + margin)
    } else {
        legend_y + legend_h + margin
    };
    let h = h.ceil();

    let mut buf = String::new();
    let raws = {
        let mut cv = Canvas::new(&mut buf, opts.width, h as u32);
        let title = title_of(set, opts);
        cv.raw(format!(
            "<title>{}</title>\n<defs>\n<clipPath id=\"map-clip\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"/></clipPath>\n{}{}</defs>",
            xml_escape(&title),
            geom::fmt_px(left),
            geom::fmt_px(top),
            geom::fmt_px(fw),
            geom::fmt_px(fh),
            hatch_pattern("hatch-red", FINDING_RED),
            hatch_pattern("hatch-purple", FINDING_PURPLE),
        ))?;
        cv.fill_rect((0.0, 0.0), (w, h), WHITE, 1.0)?;

        // ---- The map ----
        cv.raw(format!(
            "<g id=\"map\" clip-path=\"url(#map-clip)\" data-lat0=\"{}\" stroke-linejoin=\"round\">",
            proj.lat0
        ))?;
        draw_parcels(&mut cv, set, &categories, &proj)?;
        draw_zone_outlines(&mut cv, set, &categories, &proj)?;
        draw_split(&mut cv, set, &split, &proj)?;
        let marker_boxes = draw_findings(&mut cv, set, &findings, &proj)?;
        let grat = draw_graticule_lines(&mut cv, &proj, (left, top, left + fw, bottom))?;
        cv.raw("</g>".into())?;
        cv.stroke_rect((left, top), (left + fw, bottom), FRAME)?;
        draw_graticule_labels(&mut cv, &grat, (left, top, left + fw, bottom))?;

        if opts.labels != LabelKind::None {
            draw_labels(
                &mut cv,
                set,
                &acres,
                opts.labels,
                &proj,
                &marker_boxes,
                (left, top, left + fw, bottom),
            )?;
        }

        // ---- Header ----
        cv.raw("<g id=\"header\">".into())?;
        let max_chars = |size: f64| ((w - 2.0 * margin) / (size * 0.55)).max(8.0) as usize;
        cv.text(
            &truncate(&title, max_chars(20.0)),
            margin,
            margin + 10.0,
            20.0,
            INK,
            Align::Left,
            true,
        )?;
        let mut sub = format!(
            "{} acres in {} parcels",
            grouped(total_acres, 1),
            grouped(set.parcels.len() as f64, 0)
        );
        if let Some(Value::String(src)) = set.metadata_field("source") {
            let _ = write!(sub, " · Source: {}", clean_text(src));
        }
        cv.text(
            &truncate(&sub, max_chars(12.5)),
            margin,
            margin + 32.0,
            12.5,
            GREY,
            Align::Left,
            false,
        )?;
        if illustrative {
            cv.text(
                &truncate(
                    "Illustrative: not a survey. Parcel shapes, positions and uses are not facts about the site.",
                    max_chars(12.5),
                ),
                margin,
                margin + 51.0,
                12.5,
                ILLUSTRATIVE_RED,
                Align::Left,
                true,
            )?;
        }
        cv.raw("</g>".into())?;

        // ---- Footer ----
        cv.text(
            &format!(
                "Projection: equirectangular, true scale at {}. Drawn by allot.",
                geom::degree_label(proj.lat0, 3, false)
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
    canvas::splice(&buf, &raws)
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

fn draw_parcels(
    cv: &mut Canvas,
    set: &ParcelSet,
    categories: &[Category],
    proj: &Projection,
) -> Result<(), RenderError> {
    // Parcel outlines only where parcels are big enough for them not to grey the fill.
    let typical = median_parcel_px(set, proj);
    let stroke = if typical >= 6.0 {
        " stroke=\"#FFFFFF\" stroke-width=\"0.8\""
    } else {
        " stroke=\"none\""
    };
    cv.raw(format!("<g id=\"parcels\" fill-rule=\"nonzero\"{stroke}>"))?;
    for c in categories {
        let mut d = String::new();
        for &i in &c.parcels {
            geom::push_multipolygon(&mut d, &set.parcels[i].geometry, proj);
        }
        if d.is_empty() {
            continue;
        }
        let name = match &c.key {
            CategoryKey::Value(v) => xml_escape(v),
            CategoryKey::Other(_) => "(other)".into(),
            CategoryKey::None => "(none)".into(),
        };
        cv.raw(format!(
            "<path class=\"category\" data-category=\"{name}\" fill=\"{}\" d=\"{d}\"/>",
            c.colour.css()
        ))?;
    }
    cv.raw("</g>".into())
}

fn draw_zone_outlines(
    cv: &mut Canvas,
    set: &ParcelSet,
    categories: &[Category],
    proj: &Projection,
) -> Result<(), RenderError> {
    cv.raw(
        "<g id=\"zone-outlines\" fill=\"none\" stroke=\"#222222\" stroke-width=\"1.8\">".into(),
    )?;
    for c in categories {
        let CategoryKey::Value(v) = &c.key else {
            continue;
        };
        let shape = dissolve(set, &c.parcels);
        let mut d = String::new();
        geom::push_multipolygon(&mut d, &shape, proj);
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
        let mut shape_px = 0.0;
        // A shape outside lon/lat ranges (a hand-edited findings file) is not drawn.
        let shape = f.geometry.as_ref().filter(|g| {
            g.bounding_rect().is_some_and(|r| {
                valid_lonlat([r.min().x, r.min().y]) && valid_lonlat([r.max().x, r.max().y])
            })
        });
        match (style, shape) {
            (FindingStyle::HatchRed | FindingStyle::HatchPurple, Some(geom_)) => {
                let mut d = String::new();
                geom::push_multipolygon(&mut d, geom_, proj);
                if let Some(r) = geom_.bounding_rect() {
                    shape_px =
                        (r.width() * proj.px_per_deg_lon).max(r.height() * proj.px_per_deg_lat);
                }
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
        // Every finding gets a marker, except shapes big enough to see.
        if valid_lonlat(f.at) && shape_px < 12.0 {
            let (x, y) = proj.xy(f.at[0], f.at[1]);
            markers.push_str(&marker_svg(f.kind, x, y, Some(&f.message)));
            boxes.push((x - 8.0, y - 8.0, x + 8.0, y + 8.0));
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
fn label_text(p: &Parcel, acres: f64, kind: LabelKind) -> Option<String> {
    let t = match kind {
        LabelKind::Id => clean_text(p.id.as_str()),
        LabelKind::Name => clean_text(p.name.as_deref()?),
        LabelKind::Area => format!("{} ac", grouped(acres, 1)),
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

fn draw_labels(
    cv: &mut Canvas,
    set: &ParcelSet,
    acres: &[f64],
    kind: LabelKind,
    proj: &Projection,
    obstacles: &[PxBox],
    frame: PxBox,
) -> Result<(), RenderError> {
    let size = 10.0;
    let h = size + 2.0;
    // Largest parcels first, so small ones give way.
    let mut order: Vec<usize> = (0..set.parcels.len()).collect();
    order.sort_by(|&a, &b| acres[b].total_cmp(&acres[a]).then(a.cmp(&b)));
    let mut placer = Placer::new(3.0, obstacles);
    let mut placed: Vec<(f64, f64, String)> = Vec::new();
    for i in order {
        let p = &set.parcels[i];
        let Some(text) = label_text(p, acres[i], kind) else {
            continue;
        };
        let w = text_width(&text, size) + 2.0;
        let r = p.bbox();
        if r.width() * proj.px_per_deg_lon < w || r.height() * proj.px_per_deg_lat < h {
            continue;
        }
        let Some(pt) = p.geometry.interior_point() else {
            continue;
        };
        let (x, y) = proj.xy(pt.x(), pt.y());
        let bx = (x - w / 2.0, y - h / 2.0, x + w / 2.0, y + h / 2.0);
        if bx.0 < frame.0 || bx.1 < frame.1 || bx.2 > frame.2 || bx.3 > frame.3 {
            continue;
        }
        let label_rect = Rect::new(Coord { x: bx.0, y: bx.1 }, Coord { x: bx.2, y: bx.3 });
        let fits = p
            .geometry
            .0
            .iter()
            .any(|poly| to_px_polygon(poly, proj).contains(&label_rect));
        if !fits || !placer.try_place(bx) {
            continue;
        }
        placed.push((x, y, text));
    }
    cv.raw(
        "<g id=\"labels\" stroke=\"#FFFFFF\" stroke-width=\"2.6\" stroke-opacity=\"0.9\" stroke-linejoin=\"round\" paint-order=\"stroke\">"
            .into(),
    )?;
    for (x, y, text) in placed {
        cv.text(&text, x, y, size, INK, Align::Centre, false)?;
    }
    cv.raw("</g>".into())
}

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

    #[test]
    fn categories_follow_targets_then_names_and_group_the_rest() {
        let mut f = Vec::new();
        for k in 0..10 {
            f.push(square(
                &format!("P{k}"),
                &format!(r#"{{"use":"u{k}"}}"#),
                67.0 + 0.01 * k as f64,
                24.8,
                0.001 * (k + 1) as f64,
            ));
        }
        f.push(square("Q", "{}", 67.5, 24.8, 0.001));
        let set = set_of(&f);
        let acres: Vec<f64> = (0..set.parcels.len()).map(|i| i as f64).collect();
        let opts = MapOptions {
            color_by: "use".into(),
            targets: vec![("u0".into(), 5.0)],
            ..MapOptions::default()
        };
        let cats = categorise(&set, &acres, &opts);
        // u0 (target) first; 6 more largest values (u9..u4) by name; other; none.
        let keys: Vec<String> = cats.iter().map(|c| c.label("use")).collect();
        assert_eq!(
            keys,
            [
                "u0",
                "u4",
                "u5",
                "u6",
                "u7",
                "u8",
                "u9",
                "other: u1, u2, u3",
                "no use"
            ]
        );
        assert_eq!(cats[0].colour, PALETTE[0]);
        assert_eq!(cats[0].target, Some(5.0));
        assert_eq!(cats[7].parcels, vec![1, 2, 3]);
        assert_eq!(cats[8].colour, NO_VALUE);
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
