//! KML 2.2 (Google Earth; KMZ is a zipped KML, see [`super::archive`]). Always WGS84
//! longitude/latitude.
//!
//! Every `Placemark` in the document (folders included, in document order) is one feature.
//! Its geometry is a `Polygon` or a `MultiGeometry` of polygons (nested MultiGeometry is
//! flattened). A `Point` beside the polygons in a MultiGeometry is the parcel's label (Google
//! Earth and GDAL's LIBKML driver write one) and is left out; a Placemark with no polygon but
//! another geometry, or with a line beside its polygons, is an error naming it. Errors name a
//! Placemark as every reader names a feature: its 1-based position among the document's
//! Placemarks and its id (`properties.id`, the id the parcel gets), never its `name` (the
//! message also quotes the `name`, which is how a Google Earth user finds it). Properties: `name`
//! and `description` from their elements, then `ExtendedData` (`Data`/`value` pairs and
//! `SchemaData`/`SimpleData`), typed by the document's `Schema` (`int`, `uint`, `short`,
//! `ushort` → integer, `float`, `double` → number, `bool` → true/false) or kept as text.

use std::collections::HashMap;

use geo::Coord;
use roxmltree::{Document, Node};
use serde_json::{Map, Value};

use super::collection::feature_id;
use super::{DeclaredCrs, FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer};

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| c.tag_name().name() == name)
}

fn text_of(n: Node<'_, '_>) -> String {
    n.descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect::<String>()
}

/// Reads the Placemarks of a KML document; a document without polygon Placemarks is an error.
pub fn read(bytes: &[u8], file: &str) -> Result<SourceLayer, FormatError> {
    let features = read_features(bytes, file, 0)?;
    check_some(&features, file)?;
    Ok(SourceLayer {
        layer: None,
        crs: DeclaredCrs::Wgs84,
        features,
    })
}

/// Refuses a set of Placemarks without a polygon among them.
pub fn check_some(features: &[SourceFeature], file: &str) -> Result<(), FormatError> {
    if features.is_empty() {
        return Err(FormatError::file(
            file,
            "the KML has no Placemark; parcels must be Placemarks with Polygon geometry",
        ));
    }
    if features.iter().all(|f| f.geometry == SourceGeometry::Null) {
        return Err(FormatError::file(
            file,
            "no Placemark in the KML has a Polygon; parcels must be polygons",
        ));
    }
    Ok(())
}

/// The Placemarks of a KML document, possibly none. `before` is the number of Placemarks read
/// before this document (the other documents of a KMZ), so that errors give the feature's
/// position among all of them, as the parcels are numbered.
pub fn read_features(
    bytes: &[u8],
    file: &str,
    before: usize,
) -> Result<Vec<SourceFeature>, FormatError> {
    let text =
        std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).map_err(|e| {
            FormatError::file(
                file,
                format!(
                    "KML is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            )
        })?;
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = Document::parse_with_options(text, opts)
        .map_err(|e| FormatError::file(file, format!("not well-formed KML: {e}")))?;
    let mut types: HashMap<String, String> = HashMap::new();
    for field in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "SimpleField")
    {
        if let (Some(name), Some(t)) = (field.attribute("name"), field.attribute("type")) {
            types.insert(name.to_string(), t.to_ascii_lowercase());
        }
    }
    let mut features = Vec::new();
    let placemarks = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "Placemark");
    for (i, pm) in placemarks.enumerate() {
        let mut properties = Map::new();
        for key in ["name", "description"] {
            if let Some(n) = child(pm, key) {
                properties.insert(
                    key.to_string(),
                    Value::String(text_of(n).trim().to_string()),
                );
            }
        }
        if let Some(ext) = child(pm, "ExtendedData") {
            for d in ext.descendants() {
                let (name, value) = match d.tag_name().name() {
                    "Data" => (d.attribute("name"), child(d, "value").map(text_of)),
                    "SimpleData" => (d.attribute("name"), Some(text_of(d))),
                    _ => continue,
                };
                if let (Some(name), Some(value)) = (name, value) {
                    properties.insert(name.to_string(), typed(&value, types.get(name)));
                }
            }
        }
        // The Placemark's `name` is not its id, but it is how a Google Earth user finds it.
        let named = match properties.get("name") {
            Some(Value::String(n)) if !n.is_empty() => format!("the Placemark named {n:?}: "),
            _ => String::new(),
        };
        let fail = |m: String| FormatError {
            file: file.to_string(),
            layer: None,
            feature: Some((before + i + 1, feature_id(&properties))),
            message: format!("{named}{m}"),
        };
        let mut polys = Vec::new();
        let mut others = Vec::new();
        for g in pm.children().filter(Node::is_element) {
            collect(g, &mut polys, &mut others).map_err(&fail)?;
        }
        // A Point beside polygons is a label; anything else beside them, or alone, is refused.
        if !polys.is_empty() {
            others.retain(|o| o != "Point");
        }
        let geometry = if let Some(other) = others.first() {
            let beside = if polys.is_empty() {
                ""
            } else {
                " beside its Polygon"
            };
            return Err(fail(format!(
                "Placemark geometry is a {other}{beside}; parcels must be Polygon or MultiGeometry of polygons (remove it, or keep the parcels in a folder of their own and save that folder: Google Earth's Save Place As)"
            )));
        } else {
            match polys.len() {
                0 => SourceGeometry::Null,
                1 => SourceGeometry::Polygon(polys.pop().unwrap_or_default()),
                _ => SourceGeometry::MultiPolygon(polys),
            }
        };
        features.push(SourceFeature {
            properties,
            geometry,
        });
    }
    Ok(features)
}

fn typed(value: &str, kind: Option<&String>) -> Value {
    let v = value.trim();
    match kind.map(String::as_str) {
        Some("int" | "uint" | "short" | "ushort") => v
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(value.to_string())),
        Some("float" | "double") => v
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map_or_else(|| Value::String(value.to_string()), Value::Number),
        Some("bool") => match v {
            "1" | "true" => Value::Bool(true),
            "0" | "false" => Value::Bool(false),
            _ => Value::String(value.to_string()),
        },
        _ => Value::String(value.to_string()),
    }
}

/// Collects the polygons of a geometry element; other geometry types are named in `others`.
fn collect(
    g: Node<'_, '_>,
    polys: &mut Vec<Rings>,
    others: &mut Vec<String>,
) -> Result<(), String> {
    match g.tag_name().name() {
        "Polygon" => {
            let mut rings = Vec::new();
            for (tag, role) in [("outerBoundaryIs", "outer"), ("innerBoundaryIs", "inner")] {
                for b in g.children().filter(|c| c.tag_name().name() == tag) {
                    let coords = b
                        .descendants()
                        .find(|d| d.tag_name().name() == "coordinates")
                        .ok_or_else(|| format!("a Polygon's {role} boundary has no coordinates"))?;
                    rings.push(coordinates(&text_of(coords))?);
                }
            }
            if rings.is_empty() {
                return Err("a Polygon has no outerBoundaryIs".into());
            }
            polys.push(rings);
        }
        "MultiGeometry" => {
            for c in g.children().filter(Node::is_element) {
                collect(c, polys, others)?;
            }
        }
        name @ ("Point" | "LineString" | "LinearRing" | "Model" | "Track" | "MultiTrack") => {
            others.push(name.to_string());
        }
        _ => {}
    }
    Ok(())
}

/// `lon,lat[,alt]` tuples separated by whitespace.
fn coordinates(text: &str) -> Result<Vec<Coord<f64>>, String> {
    text.split_whitespace()
        .enumerate()
        .map(|(i, tuple)| {
            let mut it = tuple.split(',').map(|s| s.trim().parse::<f64>());
            match (it.next(), it.next()) {
                (Some(Ok(x)), Some(Ok(y))) if x.is_finite() && y.is_finite() => Ok(Coord { x, y }),
                _ => Err(format!(
                    "coordinate {} ({tuple:?}) is not lon,lat[,alt] numbers",
                    i + 1
                )),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"<?xml version="1.0" encoding="utf-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document>
<Schema name="p" id="p"><SimpleField name="n" type="int"></SimpleField><SimpleField name="ok" type="bool"></SimpleField></Schema>
<Folder><Placemark><name>A &amp; B</name><description>d</description>
<ExtendedData><SchemaData schemaUrl="#p"><SimpleData name="n">7</SimpleData><SimpleData name="ok">1</SimpleData><SimpleData name="id">P-1</SimpleData></SchemaData>
<Data name="extra"><value>x</value></Data></ExtendedData>
<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>67,24,0 67.01,24,0 67.01,24.01,0 67,24,0</coordinates></LinearRing></outerBoundaryIs>
<innerBoundaryIs><LinearRing><coordinates>67.001,24.001 67.002,24.001 67.002,24.002 67.001,24.001</coordinates></LinearRing></innerBoundaryIs></Polygon>
<MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>68,24 68.01,24 68.01,24.01 68,24</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry>
</MultiGeometry></Placemark></Folder></Document></kml>"##;

    #[test]
    fn reads_names_typed_extended_data_and_nested_multigeometry() {
        let layer = read(DOC.as_bytes(), "t.kml").unwrap();
        assert_eq!(layer.crs, DeclaredCrs::Wgs84);
        let f = &layer.features[0];
        let p = serde_json::Value::Object(f.properties.clone());
        assert_eq!(
            p,
            serde_json::json!({"name": "A & B", "description": "d", "n": 7, "ok": true, "id": "P-1", "extra": "x"})
        );
        let SourceGeometry::MultiPolygon(polys) = &f.geometry else {
            panic!("{:?}", f.geometry)
        };
        assert_eq!(polys.len(), 2);
        assert_eq!(polys[0].len(), 2, "shell and hole");
        assert_eq!(polys[1][0][1], Coord { x: 68.01, y: 24.0 });
    }

    #[test]
    fn points_and_polygon_free_documents_are_named() {
        let pt = r#"<kml><Placemark><name>pin</name><Point><coordinates>67,24</coordinates></Point></Placemark></kml>"#;
        let e = read(pt.as_bytes(), "t.kml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.kml: feature 1 (no id): the Placemark named \"pin\": Placemark geometry is a Point; parcels must be Polygon or MultiGeometry of polygons (remove it, or keep the parcels in a folder of their own and save that folder: Google Earth's Save Place As)"
        );
        let empty = r#"<kml><Document><name>x</name></Document></kml>"#;
        assert!(
            read(empty.as_bytes(), "t.kml")
                .unwrap_err()
                .message
                .contains("no Placemark")
        );
        let bad = r#"<kml><Placemark><Polygon><outerBoundaryIs><LinearRing><coordinates>67,x</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></kml>"#;
        assert!(
            read(bad.as_bytes(), "t.kml")
                .unwrap_err()
                .message
                .contains("coordinate 1")
        );
        assert!(
            read(b"<kml><Placemark>", "t.kml")
                .unwrap_err()
                .message
                .contains("not well-formed")
        );
    }

    const SQUARE: &str = "<Polygon><outerBoundaryIs><LinearRing><coordinates>67,24 67.01,24 67.01,24.01 67,24</coordinates></LinearRing></outerBoundaryIs></Polygon>";

    #[test]
    fn a_label_point_beside_the_polygon_is_left_out() {
        // Google Earth and GDAL's LIBKML driver put a label Point in the Placemark's
        // MultiGeometry; the parcel is the polygon.
        let doc = format!(
            "<kml><Placemark><name>Plot 7</name><MultiGeometry><Point><coordinates>67.005,24.005</coordinates></Point>{SQUARE}</MultiGeometry></Placemark></kml>"
        );
        let layer = read(doc.as_bytes(), "t.kml").unwrap();
        let SourceGeometry::Polygon(rings) = &layer.features[0].geometry else {
            panic!("{:?}", layer.features[0].geometry)
        };
        assert_eq!(rings[0][1], Coord { x: 67.01, y: 24.0 });
        // A line beside the polygon is not a label: refused, named.
        let line = format!(
            "<kml><Placemark><MultiGeometry>{SQUARE}<LineString><coordinates>67,24 67.1,24.1</coordinates></LineString></MultiGeometry></Placemark></kml>"
        );
        let e = read(line.as_bytes(), "t.kml").unwrap_err();
        assert!(
            e.message
                .starts_with("Placemark geometry is a LineString beside its Polygon;"),
            "{e}"
        );
    }

    #[test]
    fn errors_name_the_placemark_by_position_and_id_not_name() {
        // The house form, as the feature sink names the same Placemark: position among all
        // Placemarks and `properties.id`; a Placemark's `name` is not its id.
        let bad = "<Polygon><outerBoundaryIs><LinearRing><coordinates>67,24 67.01,x</coordinates></LinearRing></outerBoundaryIs></Polygon>";
        let doc =
            |pm: &str| format!("<kml><Placemark><name>A</name>{SQUARE}</Placemark>{pm}</kml>");
        let named = doc(&format!("<Placemark><name>Plot 9</name>{bad}</Placemark>"));
        assert_eq!(
            read(named.as_bytes(), "t.kml").unwrap_err().feature,
            Some((2, None))
        );
        let with_id = doc(&format!(
            "<Placemark><name>Plot 9</name><ExtendedData><Data name=\"id\"><value>P-9</value></Data></ExtendedData>{bad}</Placemark>"
        ));
        assert_eq!(
            read(with_id.as_bytes(), "t.kml").unwrap_err().feature,
            Some((2, Some("P-9".to_string())))
        );
        // In a KMZ's second document the position counts the first document's Placemarks.
        let e = read_features(named.as_bytes(), "t.kmz/b.kml", 3).unwrap_err();
        assert_eq!(e.feature, Some((5, None)));
    }
}
