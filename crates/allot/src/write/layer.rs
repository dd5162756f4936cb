//! What the GIS writers write: layers of features with one geometry kind each, and the typed
//! columns their properties become.
//!
//! GeoPackage, Shapefile, KML and FlatGeobuf have no list or object values, and Shapefile and
//! FlatGeobuf hold one geometry type per file. So a [`Layer`] holds features of one kind
//! (polygons or points), and [`Column::infer`] turns the properties of all its features into
//! typed columns: a column whose non-null values are all booleans is boolean, all integers is
//! integer, all numbers is real, and anything else is text. Values are made scalar by
//! [`scalar`]: a list becomes its items joined with commas (`["port","rail"]` → `port,rail`,
//! which allot reads back as the same list), an object its JSON text.

use geo::{Coord, MultiPolygon};
use serde_json::{Map, Value};

/// A feature's geometry, in WGS84 longitude/latitude.
#[derive(Debug, Clone, PartialEq)]
pub enum LayerGeometry {
    /// A polygon or multipolygon (a parcel, a zone, an overlap or gap shape).
    Polygons(MultiPolygon<f64>),
    /// A point (a finding without an area).
    Point(Coord<f64>),
}

/// One feature of a [`Layer`].
#[derive(Debug, Clone, PartialEq)]
pub struct LayerFeature {
    /// The geometry (WGS84 longitude/latitude; the writer applies the output CRS).
    pub geometry: LayerGeometry,
    /// The properties; any JSON value (lists and objects are made scalar by the writers).
    pub properties: Map<String, Value>,
}

/// A named layer whose features all have the same geometry kind.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    /// The layer's name (GeoPackage table, Shapefile and FlatGeobuf file suffix, KML folder).
    pub name: String,
    /// The features, in output order.
    pub features: Vec<LayerFeature>,
}

impl Layer {
    /// True when every feature is a point (an empty layer counts as polygons).
    pub fn is_points(&self) -> bool {
        !self.features.is_empty()
            && self
                .features
                .iter()
                .all(|f| matches!(f.geometry, LayerGeometry::Point(_)))
    }

    /// True when the layer needs a MultiPolygon geometry type: it is not a point layer and some
    /// feature has other than exactly one polygon.
    pub fn is_multipolygons(&self) -> bool {
        !self.is_points()
            && self
                .features
                .iter()
                .any(|f| matches!(&f.geometry, LayerGeometry::Polygons(m) if m.0.len() != 1))
    }
}

/// The type of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// `true`/`false`.
    Bool,
    /// A 64-bit integer.
    Integer,
    /// A 64-bit float.
    Real,
    /// Text.
    Text,
}

/// A column of a layer: the property name and its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The property name.
    pub name: String,
    /// Its type.
    pub kind: ColumnType,
}

impl Column {
    /// The columns of a layer's features: every property name in first-seen order, typed by
    /// its values (see the module docs).
    ///
    /// ```
    /// use allot::write::{Column, ColumnType, LayerFeature, LayerGeometry};
    /// let f = |p: serde_json::Value| LayerFeature {
    ///     geometry: LayerGeometry::Point(geo::coord! { x: 0.0, y: 0.0 }),
    ///     properties: p.as_object().unwrap().clone(),
    /// };
    /// let cols = Column::infer(&[f(serde_json::json!({"n": 1, "x": 1, "ok": true, "access": ["port"]})),
    ///                             f(serde_json::json!({"n": 2, "x": 1.5, "ok": null}))]);
    /// let kinds: Vec<_> = cols.iter().map(|c| (c.name.as_str(), c.kind)).collect();
    /// assert_eq!(kinds, [("n", ColumnType::Integer), ("x", ColumnType::Real),
    ///                    ("ok", ColumnType::Bool), ("access", ColumnType::Text)]);
    /// ```
    pub fn infer(features: &[LayerFeature]) -> Vec<Column> {
        let mut cols: Vec<(String, Option<ColumnType>)> = Vec::new();
        let mut index: std::collections::HashMap<String, usize> = Default::default();
        for f in features {
            for (k, v) in &f.properties {
                let i = *index.entry(k.clone()).or_insert_with(|| {
                    cols.push((k.clone(), None));
                    cols.len() - 1
                });
                let kind = match v {
                    Value::Null => continue,
                    Value::Bool(_) => ColumnType::Bool,
                    Value::Number(n) if n.is_i64() => ColumnType::Integer,
                    Value::Number(_) => ColumnType::Real,
                    _ => ColumnType::Text,
                };
                cols[i].1 = Some(match (cols[i].1, kind) {
                    (None, k) => k,
                    (Some(a), b) if a == b => a,
                    (Some(ColumnType::Integer), ColumnType::Real)
                    | (Some(ColumnType::Real), ColumnType::Integer) => ColumnType::Real,
                    _ => ColumnType::Text,
                });
            }
        }
        cols.into_iter()
            .map(|(name, kind)| Column {
                name,
                kind: kind.unwrap_or(ColumnType::Text),
            })
            .collect()
    }
}

/// A property value as a column of type `kind` holds it: `None` for null or absent, else a
/// scalar JSON value of that type.
pub fn cell(props: &Map<String, Value>, col: &Column) -> Option<Value> {
    let v = props.get(&col.name)?;
    if v.is_null() {
        return None;
    }
    Some(match col.kind {
        ColumnType::Text => Value::String(scalar(v)),
        _ => v.clone(),
    })
}

/// A value as text: strings as they are, lists as their items joined with commas, anything
/// else as its JSON text.
///
/// ```
/// use serde_json::json;
/// assert_eq!(allot::write::scalar(&json!(["port", "rail"])), "port,rail");
/// assert_eq!(allot::write::scalar(&json!("a")), "a");
/// assert_eq!(allot::write::scalar(&json!({"k": 1})), r#"{"k":1}"#);
/// assert_eq!(allot::write::scalar(&json!(2.5)), "2.5");
/// ```
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(scalar).collect::<Vec<_>>().join(","),
        other => other.to_string(),
    }
}
