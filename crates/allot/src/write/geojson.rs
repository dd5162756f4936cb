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
    collection_text(members, features.iter().map(feature_text))
}

/// One feature as [`write_feature_collection`] writes it (one line, no trailing newline).
pub fn feature_text(f: &OutFeature) -> String {
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
}

/// The FeatureCollection text around already serialised features: `"type"` first, then
/// `members` (as JSON, in map order), then `"features"` with one feature per line and a final
/// newline. Every FeatureCollection allot writes (parcels, plans, findings) has this layout.
pub(crate) fn collection_text(
    members: &Map<String, Value>,
    features: impl IntoIterator<Item = String>,
) -> String {
    let texts = features
        .into_iter()
        .map(Ok::<String, std::convert::Infallible>);
    in_memory(members, texts).unwrap_or_else(|never| match never {})
}

/// [`write_feature_collection`]'s text with the features made one at a time by `feature`
/// (positions `0..count`), each serialised and dropped before the next is made; the first
/// feature that cannot be made stops it.
///
/// ```
/// use allot::write::{feature_collection_text, write_feature_collection, OutFeature};
/// let square = geo::MultiPolygon(vec![geo::Polygon::new(
///     vec![(67.0, 24.0), (67.01, 24.0), (67.01, 24.01), (67.0, 24.0)].into(), vec![])]);
/// let feature = |i: usize| Ok::<_, String>(OutFeature {
///     id: Some(i.into()), geometry: square.clone(), multi: false, properties: Default::default() });
/// let whole: Vec<OutFeature> = (0..3).map(|i| feature(i).unwrap()).collect();
/// let members = serde_json::Map::new();
/// assert_eq!(feature_collection_text(&members, 3, &feature).unwrap(),
///            write_feature_collection(&whole, &members));
/// let failing = |i: usize| if i == 1 { Err("bad".to_string()) } else { feature(i) };
/// assert_eq!(feature_collection_text(&members, 3, &failing), Err("bad".to_string()));
/// ```
pub fn feature_collection_text<E>(
    members: &Map<String, Value>,
    count: usize,
    feature: &dyn Fn(usize) -> Result<OutFeature, E>,
) -> Result<String, E> {
    in_memory(
        members,
        (0..count).map(|i| feature(i).map(|f| feature_text(&f))),
    )
}

/// [`write_collection`] into a `String`.
fn in_memory<E>(
    members: &Map<String, Value>,
    texts: impl IntoIterator<Item = Result<String, E>>,
) -> Result<String, E> {
    let mut out = Vec::new();
    match write_collection(&mut out, members, texts) {
        Err(Stopped::Feature(e)) => Err(e),
        // Writing to memory does not fail, and every piece is UTF-8.
        Ok(()) | Err(Stopped::Io(_)) => Ok(String::from_utf8(out).unwrap_or_default()),
    }
}

/// Why [`write_collection`] stopped.
#[derive(Debug)]
pub(crate) enum Stopped<E> {
    /// A feature's text could not be made.
    Feature(E),
    /// The writer failed.
    Io(std::io::Error),
}

impl<E> From<std::io::Error> for Stopped<E> {
    fn from(e: std::io::Error) -> Self {
        Stopped::Io(e)
    }
}

/// Streams a FeatureCollection in [`collection_text`]'s layout to `w`, one feature text at a
/// time, so only one feature is held at once; stops at the first feature that fails.
pub(crate) fn write_collection<E>(
    w: &mut dyn std::io::Write,
    members: &Map<String, Value>,
    features: impl IntoIterator<Item = Result<String, E>>,
) -> Result<(), Stopped<E>> {
    w.write_all(b"{\"type\":\"FeatureCollection\"")?;
    for (k, v) in members {
        w.write_all(b",")?;
        w.write_all(serde_json::to_string(k).unwrap_or_default().as_bytes())?;
        w.write_all(b":")?;
        w.write_all(serde_json::to_string(v).unwrap_or_default().as_bytes())?;
    }
    w.write_all(b",\"features\":[\n")?;
    let mut any = false;
    for text in features {
        let text = text.map_err(Stopped::Feature)?;
        if any {
            w.write_all(b",\n")?;
        }
        w.write_all(text.as_bytes())?;
        any = true;
    }
    if any {
        w.write_all(b"\n")?;
    }
    w.write_all(b"]}\n")?;
    Ok(())
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
