//! The GeoJSON writer: features back out as a FeatureCollection, properties verbatim.

use geo::MultiPolygon;
use serde_json::{Map, Value};

use crate::model::{Parcel, PropertiesError};

/// A feature to write: geometry and properties, with the id to put on the Feature.
#[derive(Debug, Clone)]
pub struct OutFeature {
    /// The Feature `id` member (omitted when `None`).
    pub id: Option<Value>,
    /// The geometry.
    pub geometry: MultiPolygon<f64>,
    /// Write as MultiPolygon even with one part.
    pub multi: bool,
    /// The properties object.
    pub properties: Map<String, Value>,
}

impl OutFeature {
    /// The feature for a parcel as read, its properties unchanged (fails rather than drop
    /// properties that cannot be rewritten, see [`Parcel::properties_map`]).
    pub fn from_parcel(p: &Parcel) -> Result<Self, PropertiesError> {
        Ok(OutFeature {
            id: p.feature_id(),
            geometry: p.geometry.clone(),
            multi: p.multi,
            properties: p.properties_map()?,
        })
    }
}

/// Writes features as a GeoJSON FeatureCollection (one feature per line, full f64
/// precision so coordinates round-trip exactly), with `members` as top-level members.
///
/// ```
/// use allot::parse_parcels;
/// use allot::write::{write_feature_collection, OutFeature};
/// let text = br#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"A","properties":{"k":1},
///   "geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
/// let set = parse_parcels(text, "t").unwrap();
/// let out: Vec<_> = set.parcels.iter().map(|p| OutFeature::from_parcel(p).unwrap()).collect();
/// let json = write_feature_collection(&out, &set.members);
/// let again = parse_parcels(json.as_bytes(), "again").unwrap();
/// assert_eq!(again.parcels[0].geometry, set.parcels[0].geometry);
/// ```
pub fn write_feature_collection(features: &[OutFeature], members: &Map<String, Value>) -> String {
    let texts = features.iter().map(|f| {
        let value = if f.multi || f.geometry.0.len() != 1 {
            geojson::GeometryValue::from(&f.geometry)
        } else {
            geojson::GeometryValue::from(&f.geometry.0[0])
        };
        let feature = geojson::Feature {
            bbox: None,
            geometry: Some(geojson::Geometry::new(value)),
            id: f.id.as_ref().and_then(|v| match v {
                Value::String(s) => Some(geojson::feature::Id::String(s.clone())),
                Value::Number(n) => Some(geojson::feature::Id::Number(n.clone())),
                _ => None,
            }),
            properties: Some(f.properties.clone()),
            foreign_members: None,
        };
        serde_json::to_string(&feature).unwrap_or_default()
    });
    collection_text(members, texts)
}

/// The FeatureCollection text around already serialised features: `"type"` first, then
/// `members` (as JSON, in map order), then `"features"` with one feature per line and a final
/// newline. Every FeatureCollection allot writes (parcels, plans, findings) has this layout.
pub(crate) fn collection_text(
    members: &Map<String, Value>,
    features: impl IntoIterator<Item = String>,
) -> String {
    let mut out = String::from("{\"type\":\"FeatureCollection\"");
    for (k, v) in members {
        out.push(',');
        out.push_str(&serde_json::to_string(k).unwrap_or_default());
        out.push(':');
        out.push_str(&serde_json::to_string(v).unwrap_or_default());
    }
    out.push_str(",\"features\":[\n");
    let mut any = false;
    for text in features {
        if any {
            out.push_str(",\n");
        }
        out.push_str(&text);
        any = true;
    }
    if any {
        out.push('\n');
    }
    out.push_str("]}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_layout_is_one_feature_a_line() {
        let none = collection_text(&Map::new(), Vec::new());
        assert_eq!(none, "{\"type\":\"FeatureCollection\",\"features\":[\n]}\n");
        let mut members = Map::new();
        members.insert("name".into(), Value::from("a\"b"));
        let two = collection_text(&members, ["{}".to_string(), "[]".to_string()]);
        assert_eq!(
            two,
            "{\"type\":\"FeatureCollection\",\"name\":\"a\\\"b\",\"features\":[\n{},\n[]\n]}\n"
        );
        let v: Value = serde_json::from_str(&two).unwrap();
        assert_eq!(v["name"], "a\"b");
    }
}
