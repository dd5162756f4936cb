//! The interactive HTML map: one self-contained, offline file holding the SVG map inline (drawn
//! as every map is: one path per class, so 100,000 parcels load as a handful of elements), the
//! parcels' data as JSON (with each parcel's rings in the map's pixels, to the tenth, encoded
//! compactly (`html/rings.rs`), for the script to find the parcel under the pointer and
//! draw highlights), and a small script of ours (`html/map.js`, `html/map.css`; no framework,
//! no network): pan and zoom (wheel, drag, buttons, touch), hover highlight with the
//! parcel's id and area, click for a side panel with every property, a zone table, layer
//! toggles, a search box and a print button.
//!
//! Escaping: the SVG's text is XML-escaped by the renderer; the data goes into a
//! `<script type="application/json">` block with `<`, `>`, `&`, U+2028 and U+2029 written as
//! `\uXXXX` escapes, so no value can close the block or start markup; the script reads it with
//! `JSON.parse` and puts every value into the page with `textContent`, never as HTML or code.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::canvas::xml_escape;
use super::{MapOptions, Projection, RenderError, draw_map, title_of};
use crate::model::ParcelSet;
use crate::validate::Finding;

mod rings;

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
    push_script_safe(&mut out, &text);
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
/// assert!(html.contains("\"g\":\""));
/// assert!(!html.contains("<script>x"));
/// ```
pub fn render_html(
    set: &ParcelSet,
    findings: &[Finding],
    opts: &MapOptions,
) -> Result<String, RenderError> {
    let super::Drawn {
        svg,
        proj,
        acres,
        categories,
    } = draw_map(set, findings, opts)?;
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
    let title = title_of(set, opts);
    let head = json!({
        "title": title,
        "heading": super::legend_heading(&opts.color_by),
        "classes": classes,
    });
    let data = data_json(set, &head, &acres, &class_of, &proj);
    let mut html = String::with_capacity(svg.len() + data.len() + 4096);
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
    html.push_str("<script type=\"application/json\" id=\"map-data\">");
    html.push_str(&data);
    let _ = write!(
        html,
        "</script>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    Ok(html)
}

/// The page's data as JSON made safe inside `<script>` (as [`script_json`] makes it): the
/// `head` object's fields, then `"parcels"`, written straight into one string (100,000 parcels
/// as a tree of JSON values took longer than drawing the map): each parcel's `id`, `acres`,
/// colour `class`, `name`, `props` (its GeoJSON properties as the input wrote them) and `g`,
/// its rings encoded by `rings::push_rings`.
fn data_json(
    set: &ParcelSet,
    head: &Value,
    acres: &[f64],
    class_of: &[usize],
    proj: &Projection,
) -> String {
    let mut out = script_json(head);
    // Reopen the head object (never empty) to append the parcels.
    out.pop();
    out.reserve(set.parcels.len() * 96);
    out.push_str(",\"parcels\":[");
    for (i, p) in set.parcels.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str("{\"id\":");
        push_json_str(&mut out, p.id.as_str());
        out.push_str(",\"acres\":");
        let a = round6(acres[i]);
        if a.is_finite() {
            let _ = write!(out, "{a}");
        } else {
            out.push_str("null");
        }
        let _ = write!(out, ",\"class\":{},\"name\":", class_of[i]);
        match p.name() {
            Some(n) => push_json_str(&mut out, n),
            None => out.push_str("null"),
        }
        out.push_str(",\"props\":");
        match p.properties() {
            // Valid JSON already (checked when read): only the characters that could end the
            // block or a script string need escaping, and those occur only inside strings.
            Some(raw) if raw.get().trim_start().starts_with('{') => {
                push_script_safe(&mut out, raw.get());
            }
            _ => out.push_str("{}"),
        }
        out.push_str(",\"g\":\"");
        rings::push_rings(&mut out, &p.geometry, proj);
        out.push_str("\"}");
    }
    out.push_str("]}");
    out
}

/// Appends `s` with `<`, `>`, `&`, U+2028 and U+2029 written as `\uXXXX` escapes (valid inside
/// a JSON string, and all that is needed to keep JSON text inside a `<script>` element and out
/// of JS string trouble).
fn push_script_safe(out: &mut String, s: &str) {
    let mut from = 0;
    for (k, c) in s.char_indices() {
        let esc = match c {
            '<' => "\\u003c",
            '>' => "\\u003e",
            '&' => "\\u0026",
            '\u{2028}' => "\\u2028",
            '\u{2029}' => "\\u2029",
            _ => continue,
        };
        out.push_str(&s[from..k]);
        out.push_str(esc);
        from = k + c.len_utf8();
    }
    out.push_str(&s[from..]);
}

/// Appends `s` as a JSON string literal, safe inside `<script>` as [`push_script_safe`] says.
fn push_json_str(out: &mut String, s: &str) {
    let quoted = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string());
    push_script_safe(out, &quoted);
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
