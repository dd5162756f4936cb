//! The interactive HTML map: one self-contained, offline file holding the SVG map inline (drawn
//! as every map is: one path per class, so 100,000 parcels load as a handful of elements), the
//! parcels' data as JSON (with each parcel's rings in the map's pixels, to the tenth, for the
//! script to find the parcel under the pointer and draw highlights), and a small script of ours (`html/map.js`, `html/map.css`; no
//! framework, no network): pan and zoom (wheel, drag, buttons, touch), hover highlight with the
//! parcel's id and area, click for a side panel with every property, a zone table, layer
//! toggles, a search box and a print button.
//!
//! Escaping: the SVG's text is XML-escaped by the renderer; the data goes into a
//! `<script type="application/json">` block with `<`, `>`, `&`, U+2028 and U+2029 written as
//! `\uXXXX` escapes, so no value can close the block or start markup; the script reads it with
//! `JSON.parse` and puts every value into the page with `textContent`, never as HTML or code.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::canvas::xml_escape;
use super::{MapOptions, Projection, RenderError, draw_map, geom, palette, title_of};
use crate::geodesy::{self, M2_PER_ACRE};
use crate::model::ParcelSet;
use crate::validate::Finding;

const SCRIPT: &str = include_str!("html/map.js");
const STYLE: &str = include_str!("html/map.css");

/// JSON made safe inside an HTML `<script>` element (and in a JS string context).
///
/// ```
/// let s = allot::render::html::script_json(&serde_json::json!({"name": "</script><b>&"}));
/// assert_eq!(s, r#"{"name":"\u003c/script\u003e\u003cb\u003e\u0026"}"#);
/// ```
pub fn script_json(v: &Value) -> String {
    let text = v.to_string();
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Draws the map as one self-contained interactive HTML page.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{"zone":"mill","name":"<script>x</script>"},
///    "geometry":{"type":"Polygon","coordinates":[[[67.35,24.81],[67.352,24.81],[67.352,24.812],[67.35,24.812],[67.35,24.81]]]}}]}"#;
/// let set = allot::parse_parcels(text, "example").unwrap();
/// let html = allot::render::html::render_html(&set, &[], &Default::default()).unwrap();
/// assert!(html.contains("\"g\":[["));
/// assert!(!html.contains("<script>x"));
/// ```
pub fn render_html(
    set: &ParcelSet,
    findings: &[Finding],
    opts: &MapOptions,
) -> Result<String, RenderError> {
    let (svg, proj) = draw_map(set, findings, opts)?;
    let acres: Vec<f64> = geodesy::parcel_areas_m2(&set.parcels)
        .into_iter()
        .map(|m2| m2 / M2_PER_ACRE)
        .collect();
    let categories = palette::categorise(set, &acres, opts)?;
    let mut class_of = vec![0usize; set.parcels.len()];
    let classes: Vec<Value> = categories
        .iter()
        .enumerate()
        .map(|(k, c)| {
            for &i in &c.parcels {
                class_of[i] = k;
            }
            json!({
                "name": c.label(&opts.color_by),
                "colour": c.colour.css(),
                "acres": round6(c.acres),
                "parcels": c.parcels.len(),
                "target": c.target,
            })
        })
        .collect();
    let parcels: Vec<Value> = set
        .parcels
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let props = p.properties_map().unwrap_or_else(|_| Map::new());
            json!({
                "id": p.id.as_str(),
                "acres": round6(acres[i]),
                "class": class_of[i],
                "name": p.name,
                "props": props,
                "g": hit_rings(&p.geometry, &proj),
            })
        })
        .collect();
    let title = title_of(set, opts);
    let data = json!({
        "title": title,
        "heading": super::legend_heading(&opts.color_by),
        "classes": classes,
        "parcels": parcels,
    });
    let mut html = String::with_capacity(svg.len() + 4096);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        xml_escape(&title)
    );
    html.push_str(
        "<header id=\"toolbar\">\n\
         <button type=\"button\" id=\"zoom-in\" title=\"Zoom in\">+</button>\
         <button type=\"button\" id=\"zoom-out\" title=\"Zoom out\">−</button>\
         <button type=\"button\" id=\"zoom-reset\" title=\"Show the whole map\">Reset</button>\n\
         <input type=\"search\" id=\"search\" placeholder=\"Parcel id or name\" aria-label=\"Search parcels\">\
         <button type=\"button\" id=\"search-go\">Find</button>\n\
         <span id=\"layers\">\
         <label><input type=\"checkbox\" data-layer=\"parcels\" checked> zones</label>\
         <label><input type=\"checkbox\" data-layer=\"outlines\" checked> parcel outlines</label>\
         <label><input type=\"checkbox\" data-layer=\"labels\" checked> labels</label>\
         <label><input type=\"checkbox\" data-layer=\"findings\" checked> findings</label></span>\n\
         <button type=\"button\" id=\"print\">Print</button>\n\
         <span id=\"hover\" aria-live=\"polite\"></span>\n</header>\n\
         <main>\n<div id=\"map-box\">\n",
    );
    html.push_str(&svg);
    html.push_str(
        "</div>\n<aside id=\"side\">\n<section id=\"panel\" hidden><h2 id=\"panel-title\"></h2>\
         <table id=\"panel-table\"></table></section>\n\
         <section><h2 id=\"zones-heading\"></h2><table id=\"zones\"></table></section>\n\
         <p id=\"search-result\"></p>\n</aside>\n</main>\n",
    );
    let _ = write!(
        html,
        "<script type=\"application/json\" id=\"map-data\">{}</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        script_json(&data)
    );
    Ok(html)
}

/// A parcel's rings in the map's pixels, in whole tenths (`[x0, y0, x1, y1, …]` per ring, shells
/// and holes alike: the script's point-in-parcel test is even-odd): what the page's script finds
/// the parcel under the pointer with, and draws its highlight from.
fn hit_rings(g: &geo::MultiPolygon<f64>, proj: &Projection) -> Vec<Vec<i64>> {
    let mut out = Vec::new();
    for poly in &g.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            if let Some(q) = geom::ring_tenths(ring, proj, true) {
                out.push(q.into_iter().flat_map(|(x, y)| [x, y]).collect());
            }
        }
    }
    out
}

fn round6(x: f64) -> f64 {
    crate::report::round_to(x, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_values_cannot_leave_the_data_block() {
        let v = json!({"a": "</script><script>alert(1)</script>", "b": "\u{2028}'\"&"});
        let s = script_json(&v);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}'));
        // Still the same JSON.
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }
}
