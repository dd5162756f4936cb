//! The map of a [`Diff`]: B's parcels filled in pale zone colours; parcels whose land changed
//! zone hatched in the new zone's colour and outlined in the old zone's; a legend of zones.
//!
//! Zone colours follow the zone order of the files' metadata (B's, then A's, then the other
//! zones by name) in the plan map's palette ([`palette`](super::palette)); `retained` and
//! parcels without a zone are grey. A zone's `colour` in the metadata wins.

use std::collections::BTreeMap;
use std::path::Path;

use geo::BoundingRect;

use super::RenderError;
use super::canvas::xml_escape;
use super::format::MapFormat;
use super::geom::{Projection, push_multipolygon};
use super::palette::{CATEGORICAL, NO_VALUE, metadata_colours, zone_order};
use crate::diff::{Diff, NO_ZONE};
use crate::model::ParcelSet;

const WIDTH: f64 = 1200.0;
const LEGEND_W: f64 = 260.0;

/// The colour of each zone of `d`: metadata colour, else the palette in zone order.
fn zone_colours(a: &ParcelSet, b: &ParcelSet, d: &Diff) -> BTreeMap<String, String> {
    let mut order: Vec<String> = Vec::new();
    for z in zone_order(b).into_iter().chain(zone_order(a)) {
        if !order.contains(&z) && z != crate::plan::RETAINED && z != NO_ZONE {
            order.push(z);
        }
    }
    let mut given = metadata_colours(a);
    given.extend(metadata_colours(b));
    for z in &d.zones {
        if !order.contains(&z.name) && z.name != crate::plan::RETAINED && z.name != NO_ZONE {
            order.push(z.name.clone());
        }
    }
    let mut out = BTreeMap::new();
    for (k, z) in order.iter().enumerate() {
        let c = given
            .get(z)
            .copied()
            .unwrap_or(CATEGORICAL[k % CATEGORICAL.len()])
            .css();
        out.insert(z.clone(), c);
    }
    out.insert(crate::plan::RETAINED.to_string(), NO_VALUE.css());
    out.insert(NO_ZONE.to_string(), NO_VALUE.css());
    out
}

/// The format of a diff map written to `path`, by its extension: SVG, PNG or PDF (an HTML diff
/// map is refused, naming the formats).
///
/// ```
/// use allot::render::{diff_map::diff_map_format, format::MapFormat};
/// assert_eq!(diff_map_format("d.pdf".as_ref()).unwrap(), MapFormat::Pdf);
/// assert!(diff_map_format("d.html".as_ref()).unwrap_err().to_string().contains(".svg, .png or .pdf"));
/// ```
pub fn diff_map_format(path: &Path) -> Result<MapFormat, RenderError> {
    match MapFormat::from_path(path) {
        Ok(MapFormat::Html) | Err(RenderError::Format { .. }) => Err(RenderError::DiffFormat {
            path: path.display().to_string(),
        }),
        other => other,
    }
}

/// [`render_diff_svg`] encoded as `format`: the SVG itself, a PNG at 96 dpi (one pixel per SVG
/// pixel) or a PDF, by the same encoders as the other maps.
pub fn render_diff(
    a: &ParcelSet,
    b: &ParcelSet,
    d: &Diff,
    format: MapFormat,
) -> Result<Vec<u8>, RenderError> {
    let svg = render_diff_svg(a, b, d)?;
    match format {
        MapFormat::Svg => Ok(svg.into_bytes()),
        MapFormat::Png => super::png::svg_to_png(&svg, 96.0),
        MapFormat::Pdf => super::pdf::svg_to_pdf(&svg),
        MapFormat::Html => Err(RenderError::DiffFormat {
            path: "(html)".into(),
        }),
    }
}

/// Draws `d` (the diff of `a` and `b`) on B's parcels as an SVG.
pub fn render_diff_svg(a: &ParcelSet, b: &ParcelSet, d: &Diff) -> Result<String, RenderError> {
    let mut extent: Option<geo::Rect<f64>> = None;
    for p in &b.parcels {
        if let Some(r) = p.geometry.bounding_rect() {
            extent = Some(match extent {
                None => r,
                Some(e) => geo::Rect::new(
                    geo::coord! {x: e.min().x.min(r.min().x), y: e.min().y.min(r.min().y)},
                    geo::coord! {x: e.max().x.max(r.max().x), y: e.max().y.max(r.max().y)},
                ),
            });
        }
    }
    let Some(extent) = extent else {
        return Err(RenderError::NoParcels {
            file: b.source.clone(),
        });
    };
    let map_w = WIDTH - LEGEND_W - 20.0;
    let (mx, my) = super::geom::metres_per_degree((extent.min().y + extent.max().y) / 2.0);
    let aspect = (extent.height() * my) / (extent.width() * mx).max(1e-9);
    let map_h = (map_w * aspect).clamp(200.0, 4000.0);
    let height = map_h + 20.0;
    let proj = Projection::fit(extent, 10.0, 10.0, map_w, map_h);
    let colours = zone_colours(a, b, d);
    let colour = |z: &str| colours.get(z).cloned().unwrap_or_else(|| NO_VALUE.css());
    // From-zone of each changed parcel id (the largest change for the id).
    let mut changed: BTreeMap<&str, (&str, &str, f64)> = BTreeMap::new();
    for c in &d.changes {
        let e = changed
            .entry(c.id.as_str())
            .or_insert((&c.from, &c.to, 0.0));
        if c.acres > e.2 {
            *e = (&c.from, &c.to, c.acres);
        }
    }
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height:.0}\" viewBox=\"0 0 {WIDTH} {height:.0}\">\n<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n<defs>\n"
    );
    let mut hatched: Vec<&str> = changed.values().map(|c| c.1).collect();
    hatched.sort_unstable();
    hatched.dedup();
    for (k, z) in hatched.iter().enumerate() {
        svg.push_str(&format!(
            "<pattern id=\"h{k}\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" fill=\"#FFFFFF\"/><rect width=\"4\" height=\"8\" fill=\"{}\"/></pattern>\n",
            colour(z)
        ));
    }
    svg.push_str("</defs>\n<g id=\"parcels\" stroke=\"#888888\" stroke-width=\"0.5\">\n");
    let mut outlines = String::new();
    for p in &b.parcels {
        let mut path = String::new();
        push_multipolygon(&mut path, &p.geometry, &proj);
        let unit = p
            .properties_map()
            .ok()
            .and_then(|m| {
                m.get("split_from")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            })
            .unwrap_or_else(|| p.id.0.clone());
        let zone = p.zone.as_deref().unwrap_or(NO_ZONE);
        match changed.get(unit.as_str()) {
            Some(&(from, to, _)) if zone == to => {
                let k = hatched.iter().position(|h| *h == to).unwrap_or(0);
                svg.push_str(&format!(
                    "<path fill=\"url(#h{k})\" fill-rule=\"evenodd\" d=\"{path}\"><title>{}: {} → {}</title></path>\n",
                    xml_escape(&unit),
                    xml_escape(from),
                    xml_escape(to)
                ));
                outlines.push_str(&format!(
                    "<path fill=\"none\" stroke=\"{}\" stroke-width=\"2.5\" d=\"{path}\"/>\n",
                    colour(from)
                ));
            }
            _ => svg.push_str(&format!(
                "<path fill=\"{}\" fill-opacity=\"0.55\" fill-rule=\"evenodd\" d=\"{path}\"/>\n",
                colour(zone)
            )),
        }
    }
    svg.push_str("</g>\n<g id=\"changed-outlines\">\n");
    svg.push_str(&outlines);
    svg.push_str(
        "</g>\n<g id=\"legend\" font-family=\"sans-serif\" font-size=\"13\" fill=\"#222222\">\n",
    );
    let lx = WIDTH - LEGEND_W;
    let mut y = 24.0;
    svg.push_str(&format!(
        "<text x=\"{lx}\" y=\"{y}\" font-weight=\"bold\">{} → {}</text>\n",
        xml_escape(&d.a),
        xml_escape(&d.b)
    ));
    y += 22.0;
    for z in &d.zones {
        svg.push_str(&format!(
            "<rect x=\"{lx}\" y=\"{}\" width=\"14\" height=\"14\" fill=\"{}\"/><text x=\"{}\" y=\"{y}\">{}</text>\n",
            y - 11.0,
            colour(&z.name),
            lx + 20.0,
            xml_escape(&z.name)
        ));
        y += 20.0;
    }
    svg.push_str(&format!(
        "<text x=\"{lx}\" y=\"{}\">hatched: new zone; outline: old zone</text>\n<text x=\"{lx}\" y=\"{}\">{} parcel(s) changed zone</text>\n</g>\n</svg>\n",
        y + 10.0,
        y + 28.0,
        changed.len()
    ));
    Ok(svg)
}
