//! The KML writer (OGC 07-147r2, KML 2.2): WGS84 longitude/latitude, as KML always is.
//!
//! One `Document` with a `Schema` typing every property, one `Style` per zone with the fill
//! colour the maps use for it, and one `Folder` per layer. Each `Placemark` has the parcel's
//! name (its `name` property, else its `id`) as `<name>`, a balloon (`<description>`) with its
//! name, id, zone and geodesic area in acres, and every property in `ExtendedData` /
//! `SchemaData` (lists comma-joined), which GDAL's KML and LIBKML drivers and allot's reader
//! read back as fields.

use std::fmt::Write;

use serde_json::Value;

use super::layer::{Column, ColumnType, Layer, LayerGeometry, cell};
use crate::geodesy::{acres, area_m2};

/// Escapes text for XML content and attribute values; characters XML 1.0 cannot hold
/// (controls other than tab, newline and carriage return) are left out.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// KML colour `aabbggrr` of an RGB fill at 70% opacity.
fn kml_colour([r, g, b]: [u8; 3]) -> String {
    format!("b3{b:02x}{g:02x}{r:02x}")
}

/// The fill of features without a zone, or with a zone the fills do not name.
const NO_ZONE: [u8; 3] = [0xDD, 0xDD, 0xDD];

fn coords(out: &mut String, r: &geo::LineString<f64>) {
    out.push_str("<coordinates>");
    for (k, c) in r.0.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", c.x, c.y);
    }
    out.push_str("</coordinates>");
}

fn polygon(out: &mut String, p: &geo::Polygon<f64>) {
    out.push_str("<Polygon><outerBoundaryIs><LinearRing>");
    coords(out, p.exterior());
    out.push_str("</LinearRing></outerBoundaryIs>");
    for h in p.interiors() {
        out.push_str("<innerBoundaryIs><LinearRing>");
        coords(out, h);
        out.push_str("</LinearRing></innerBoundaryIs>");
    }
    out.push_str("</Polygon>");
}

/// The KML document for `layers` (WGS84), zones filled with `fills` (zone name → RGB).
pub fn document(title: &str, layers: &[Layer], fills: &[(String, [u8; 3])]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    );
    let _ = writeln!(out, "<name>{}</name>", esc(title));
    let layer_columns: Vec<Vec<Column>> = layers.iter().map(Layer::columns).collect();
    for (layer, columns) in layers.iter().zip(&layer_columns) {
        let _ = writeln!(out, "<Schema name=\"{0}\" id=\"{0}\">", esc(&layer.name));
        for c in columns {
            let t = match c.kind {
                ColumnType::Bool => "bool",
                ColumnType::Integer => "int",
                ColumnType::Real => "double",
                ColumnType::Text => "string",
            };
            let _ = writeln!(out, "<SimpleField name=\"{}\" type=\"{t}\"/>", esc(&c.name));
        }
        out.push_str("</Schema>\n");
    }
    let style = |out: &mut String, id: &str, fill: [u8; 3]| {
        let _ = writeln!(
            out,
            "<Style id=\"{}\"><LineStyle><color>ff333333</color><width>1</width></LineStyle><PolyStyle><color>{}</color></PolyStyle></Style>",
            esc(id),
            kml_colour(fill)
        );
    };
    style(&mut out, "no-zone", NO_ZONE);
    for (k, (_, fill)) in fills.iter().enumerate() {
        style(&mut out, &format!("zone-{k}"), *fill);
    }
    for (layer, columns) in layers.iter().zip(&layer_columns) {
        let _ = writeln!(out, "<Folder><name>{}</name>", esc(&layer.name));
        for f in &layer.features {
            let text = |key: &str| {
                f.properties
                    .get(key)
                    .filter(|v| !v.is_null())
                    .map(super::layer::scalar)
            };
            let id = text("id");
            let title = text("name").or_else(|| id.clone()).unwrap_or_default();
            let zone = text("zone");
            let style_id = zone
                .as_deref()
                .and_then(|z| fills.iter().position(|(n, _)| n == z))
                .map_or_else(|| "no-zone".to_string(), |k| format!("zone-{k}"));
            let mut balloon = title.clone();
            if let Some(id) = id.as_ref().filter(|i| **i != title) {
                let _ = write!(balloon, " ({id})");
            }
            if let LayerGeometry::Polygons(m) = &f.geometry {
                let _ = write!(balloon, "\n{:.4} acres", acres(area_m2(m)));
            }
            if let Some(z) = &zone {
                let _ = write!(balloon, "\nzone: {z}");
            }
            if let Some(msg) = text("message") {
                let _ = write!(balloon, "\n{msg}");
            }
            let _ = write!(
                out,
                "<Placemark><name>{}</name><description>{}</description><styleUrl>#{style_id}</styleUrl>",
                esc(&title),
                esc(&balloon)
            );
            let _ = write!(
                out,
                "<ExtendedData><SchemaData schemaUrl=\"#{}\">",
                esc(&layer.name)
            );
            for c in columns {
                if let Some(v) = cell(&f.properties, c) {
                    let v = match v {
                        Value::Bool(b) => if b { "1" } else { "0" }.to_string(),
                        other => super::layer::scalar(&other),
                    };
                    let _ = write!(
                        out,
                        "<SimpleData name=\"{}\">{}</SimpleData>",
                        esc(&c.name),
                        esc(&v)
                    );
                }
            }
            out.push_str("</SchemaData></ExtendedData>");
            match &f.geometry {
                LayerGeometry::Point(c) => {
                    let _ = write!(
                        out,
                        "<Point><coordinates>{},{}</coordinates></Point>",
                        c.x, c.y
                    );
                }
                LayerGeometry::Polygons(m) if m.0.len() == 1 => polygon(&mut out, &m.0[0]),
                LayerGeometry::Polygons(m) => {
                    out.push_str("<MultiGeometry>");
                    m.0.iter().for_each(|p| polygon(&mut out, p));
                    out.push_str("</MultiGeometry>");
                }
            }
            out.push_str("</Placemark>\n");
        }
        out.push_str("</Folder>\n");
    }
    out.push_str("</Document>\n</kml>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_alpha_blue_green_red() {
        assert_eq!(kml_colour([0x77, 0xAA, 0xDD]), "b3ddaa77");
    }

    #[test]
    fn hostile_text_stays_well_formed_xml() {
        let layer = Layer {
            name: "a<b".into(),
            features: vec![super::super::layer::LayerFeature {
                geometry: LayerGeometry::Point(geo::coord! { x: 67.0, y: 24.0 }),
                properties: serde_json::json!({"name": "x]]>&\u{1}<y>", "zone": "\"z\""})
                    .as_object()
                    .unwrap()
                    .clone(),
            }],
            declared: Vec::new(),
        };
        let doc = document("t&t", &[layer], &[("\"z\"".into(), [1, 2, 3])]);
        let parsed = roxmltree::Document::parse(&doc).unwrap();
        let name = parsed
            .descendants()
            .find(|n| n.has_tag_name("Placemark"))
            .and_then(|p| p.children().find(|n| n.has_tag_name("name")))
            .and_then(|n| n.text())
            .unwrap();
        assert_eq!(name, "x]]>&<y>");
        assert!(doc.contains("<styleUrl>#zone-0</styleUrl>"));
    }
}
