//! The parcel: id, geometry, properties, and the set of parcels read from one file.

use std::fmt;

use geo::{MultiPolygon, Rect};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{FeatureRef, PropertiesError, SharedStr};
use crate::geom::bbox::bbox_of;

/// A parcel's identifier: the Feature `id`, else `properties.id`, else `#N` (1-based position).
///
/// Held as a `Box<str>` (no spare capacity, 16 bytes) because a million of them are held at
/// once; build one from a `&str` or a `String` with `.into()` or [`ParcelId::from`].
///
/// ```
/// let id = allot::ParcelId::from(format!("P{}", 7));
/// assert_eq!(id.as_str(), "P7");
/// assert_eq!(id, allot::ParcelId("P7".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ParcelId(pub Box<str>);

impl fmt::Display for ParcelId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl ParcelId {
    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<String> for ParcelId {
    fn from(id: String) -> Self {
        ParcelId(id.into_boxed_str())
    }
}

impl From<&str> for ParcelId {
    fn from(id: &str) -> Self {
        ParcelId(Box::from(id))
    }
}

/// One land parcel read from a GeoJSON feature.
///
/// Kept small (72 bytes on 64-bit targets, plus its rings) because ten million of them may be
/// held at once: the Feature `id` is rebuilt from [`Parcel::id`] by [`Parcel::feature_id`]
/// rather than stored, zone and land-use names are one [`SharedStr`] per distinct name, and
/// the members most parcels of a large fabric lack (name, access tags, kept properties) sit
/// in one optional block, read through [`Parcel::name`], [`Parcel::access`] and
/// [`Parcel::properties`].
#[derive(Debug, Clone)]
pub struct Parcel {
    /// The parcel's id (see [`ParcelId`]).
    pub id: ParcelId,
    /// The geometry, always as a multipolygon (a Polygon feature becomes one part).
    pub geometry: MultiPolygon<f64>,
    /// `properties.zone`, when present and not null (one shared string per zone name).
    pub zone: Option<SharedStr>,
    /// `properties.land_use` (read with [`Parcel::land_use`]).
    land_use: Option<SharedStr>,
    /// 0-based position of the feature in its file (readers give fewer than 2³¹ features: a
    /// file read whole is under [`MAX_INPUT_BYTES`](crate::read::MAX_INPUT_BYTES), a streamed
    /// file stops being streamed beyond that many).
    pub index: u32,
    /// True when the feature's geometry was a MultiPolygon (written back as one).
    pub multi: bool,
    /// What the feature's own `id` member was (as opposed to `properties.id` or a position).
    pub(crate) feature_id: FeatureIdKind,
    /// Name, access tags and kept properties; `None` when the feature had none.
    details: Option<Box<ParcelDetails>>,
}

/// The members of a parcel that most parcels of a large fabric lack, boxed together so that a
/// parcel without any of them costs one null pointer.
#[derive(Debug, Clone, Default)]
pub(crate) struct ParcelDetails {
    /// `properties.name`.
    pub(crate) name: Option<Box<str>>,
    /// `properties.access`: lower-case tags.
    pub(crate) access: Vec<String>,
    /// The feature's `properties` exactly as read, when the reader was asked to keep them.
    pub(crate) properties: Option<Box<RawValue>>,
}

impl ParcelDetails {
    /// The boxed details, or `None` when every member is empty.
    pub(crate) fn boxed(self) -> Option<Box<ParcelDetails>> {
        let empty = self.name.is_none() && self.access.is_empty() && self.properties.is_none();
        (!empty).then(|| Box::new(self))
    }
}

/// The JSON type of a Feature's `id` member; its text is the parcel's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FeatureIdKind {
    /// No `id` member (or `null`).
    Absent,
    /// A string `id`.
    String,
    /// A number `id` (its text as serde_json prints it, which reads back to the same number).
    Number,
}

impl Parcel {
    /// The properties as an ordered JSON object (empty when the feature had none or they were
    /// not kept). Fails, naming the feature, when the raw properties cannot be parsed into an
    /// object (nested deeper than serde_json's 128 levels): callers that write properties back
    /// must not drop them silently.
    ///
    /// ```
    /// let deep = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    /// let text = format!(r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"A",
    ///   "properties":{{"k":{deep}}},"geometry":{{"type":"Polygon",
    ///   "coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}}}]}}"#);
    /// let set = allot::parse_parcels(text.as_bytes(), "t").unwrap();
    /// let e = set.parcels[0].properties_map().unwrap_err();
    /// assert!(e.to_string().starts_with("feature 1 (id \"A\"): properties"));
    /// ```
    pub fn properties_map(&self) -> Result<Map<String, Value>, PropertiesError> {
        match self.properties() {
            None => Ok(Map::new()),
            Some(raw) => {
                serde_json::from_str::<Map<String, Value>>(raw.get()).map_err(|e| PropertiesError {
                    feature: FeatureRef {
                        position: self.index as usize + 1,
                        id: Some(self.id.0.to_string()),
                    },
                    reason: e.to_string(),
                })
            }
        }
    }

    /// An empty stand-in for a feature that was not parsed (never returned to callers).
    pub(crate) fn placeholder(index: usize) -> Parcel {
        Parcel {
            id: ParcelId(Box::from("")),
            geometry: MultiPolygon(Vec::new()),
            zone: None,
            land_use: None,
            index: index as u32,
            multi: false,
            feature_id: FeatureIdKind::Absent,
            details: None,
        }
    }

    /// A parcel as a reader builds it (`details` boxed only when not empty). One argument a
    /// field: the readers name each at the call site, so a struct of them would add nothing.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        id: ParcelId,
        geometry: MultiPolygon<f64>,
        zone: Option<SharedStr>,
        land_use: Option<SharedStr>,
        index: u32,
        multi: bool,
        feature_id: FeatureIdKind,
        details: ParcelDetails,
    ) -> Parcel {
        Parcel {
            id,
            geometry,
            zone,
            land_use,
            index,
            multi,
            feature_id,
            details: details.boxed(),
        }
    }

    /// `properties.land_use`, when present and not null.
    pub fn land_use(&self) -> Option<&str> {
        self.land_use.as_deref()
    }

    /// `properties.name`, when present and not null.
    pub fn name(&self) -> Option<&str> {
        self.details.as_ref()?.name.as_deref()
    }

    /// `properties.access`: lower-case tags such as `port`, `rail`, `highway` (empty when
    /// absent).
    pub fn access(&self) -> &[String] {
        self.details.as_ref().map_or(&[], |d| d.access.as_slice())
    }

    /// The feature's `properties` exactly as they were in the input (`None` for null/absent, or
    /// when the reader was not asked to keep them).
    pub fn properties(&self) -> Option<&RawValue> {
        self.details.as_ref()?.properties.as_deref()
    }

    fn details_mut(&mut self) -> &mut ParcelDetails {
        self.details.get_or_insert_with(Box::default)
    }

    /// Replaces the land use (`None` removes it).
    ///
    /// ```
    /// let text = br#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"A",
    ///   "properties":{"zone":"z"},"geometry":{"type":"Polygon",
    ///   "coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
    /// let mut set = allot::parse_parcels(text, "t").unwrap();
    /// assert_eq!(set.parcels[0].land_use(), None);
    /// set.parcels[0].set_land_use(Some("water_reservoir"));
    /// assert_eq!(set.parcels[0].land_use(), Some("water_reservoir"));
    /// ```
    pub fn set_land_use(&mut self, land_use: Option<&str>) {
        self.land_use = land_use.map(SharedStr::from);
    }

    /// Replaces the kept properties (`None` removes them); [`Parcel::properties_map`] reads
    /// them back.
    pub fn set_properties(&mut self, properties: Option<Box<RawValue>>) {
        self.details_mut().properties = properties;
        self.details = self.details.take().and_then(|d| (*d).boxed());
    }

    /// Replaces the access tags (given lower-case).
    pub fn set_access(&mut self, access: Vec<String>) {
        self.details_mut().access = access;
        self.details = self.details.take().and_then(|d| (*d).boxed());
    }

    /// The Feature's own `id` member as read (`None` when it had none, or had `null`, and the
    /// id came from `properties.id` or the position).
    ///
    /// ```
    /// let text = br#"{"type":"FeatureCollection","features":[
    ///   {"type":"Feature","id":7,"properties":{"id":"P"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}},
    ///   {"type":"Feature","properties":{"id":"P"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
    /// let set = allot::parse_parcels(text, "t").unwrap();
    /// assert_eq!(set.parcels[0].feature_id(), Some(serde_json::json!(7)));
    /// assert_eq!(set.parcels[1].feature_id(), None);
    /// ```
    pub fn feature_id(&self) -> Option<Value> {
        match self.feature_id {
            FeatureIdKind::Absent => None,
            FeatureIdKind::String => Some(Value::String(self.id.0.to_string())),
            FeatureIdKind::Number => serde_json::from_str(&self.id.0).ok(),
        }
    }

    /// The parcel's bounding rectangle (lon/lat degrees).
    pub fn bbox(&self) -> Rect<f64> {
        bbox_of(&self.geometry)
    }
}

/// The parcels of one input file, plus the collection's own top-level members.
#[derive(Debug, Clone, Default)]
pub struct ParcelSet {
    /// How the input is named in messages: its path, or `<stdin>`.
    pub source: String,
    /// The parcels, in file order.
    pub parcels: Vec<Parcel>,
    /// Top-level members other than `type`, `features`, `bbox` and `crs` (e.g. `name`,
    /// `metadata`), kept to be written back and to caption maps.
    pub members: Map<String, Value>,
    /// The EPSG code of the CRS the input's coordinates were in before they were reprojected
    /// to WGS84 (`None`: they were WGS84 longitude/latitude). Outputs in a projected format
    /// go back to it by default.
    pub crs: Option<u32>,
}

impl ParcelSet {
    /// `metadata.illustrative == true` in the input: maps and reports say so.
    pub fn is_illustrative(&self) -> bool {
        self.metadata_field("illustrative")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// A field of the top-level `metadata` object, if any.
    pub fn metadata_field(&self, key: &str) -> Option<&Value> {
        self.members.get("metadata")?.as_object()?.get(key)
    }

    /// Zone targets in acres from `metadata.targets` (an object `{"zone": acres}`); entries
    /// that are not finite, non-negative numbers are left out, and so is a `targets` that is not
    /// an object.
    pub fn metadata_targets(&self) -> Vec<(String, f64)> {
        let Some(Value::Object(map)) = self.metadata_field("targets") else {
            return Vec::new();
        };
        map.iter()
            .filter_map(|(k, v)| {
                let a = v.as_f64()?;
                (a.is_finite() && a >= 0.0).then(|| (k.clone(), a))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_are_boxed_only_when_present() {
        let mut p = Parcel::placeholder(0);
        assert!(p.details.is_none());
        p.set_access(vec!["port".into()]);
        assert_eq!(p.access(), ["port"]);
        assert!(p.details.is_some());
        p.set_access(Vec::new());
        assert!(p.details.is_none(), "emptied details are dropped");
        p.set_land_use(Some("open_land"));
        assert_eq!(p.land_use(), Some("open_land"));
        assert!(p.details.is_none(), "the land use is not a detail");
        let raw = RawValue::from_string(r#"{"k":1}"#.into()).unwrap();
        p.set_properties(Some(raw));
        assert_eq!(p.properties().map(RawValue::get), Some(r#"{"k":1}"#));
        assert_eq!(p.properties_map().unwrap()["k"], 1);
    }
}
