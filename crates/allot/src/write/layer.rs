//! What the GIS writers write: layers of features with one geometry kind each, and the typed
//! columns their properties become.
//!
//! GeoPackage, Shapefile, KML and FlatGeobuf have no list or object values, and Shapefile and
//! FlatGeobuf hold one geometry type per file. So a [`Layer`] holds features of one kind
//! (polygons or points), and [`Layer::columns`] turns the properties of all its features into
//! typed columns: a column whose non-null values are all booleans is boolean, all integers is
//! integer, all numbers is real, and anything else is text. A layer whose schema is known
//! before its values (the findings) declares its columns ([`Layer::declared`]): they are
//! written with their type even when every value is null or the layer is empty, where
//! inference alone would have no value to go by. Values are made scalar by
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
    /// Columns known before the values, in order: each is written with its type whatever
    /// the values (all null, no feature at all); other properties follow as inferred. Empty
    /// for layers whose columns come from the data (parcels).
    pub declared: Vec<Column>,
}

impl Layer {
    /// A layer of `features` whose columns are inferred from their properties.
    pub fn new(name: impl Into<String>, features: Vec<LayerFeature>) -> Layer {
        Layer {
            name: name.into(),
            features,
            declared: Vec::new(),
        }
    }

    /// The layer's columns: the [declared](Layer::declared) ones first, then every other
    /// property in first-seen order, typed by [`Column::infer_with`].
    pub fn columns(&self) -> Vec<Column> {
        Column::infer_with(&self.declared, &self.features)
    }

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
        Column::infer_with(&[], features)
    }

    /// The columns of features whose schema starts with `declared`: the declared columns
    /// first, in order, each of its declared type unless a value does not fit it (an integer
    /// in a real column fits; text in a number column makes it text); then the other
    /// properties as [`Column::infer`] types them. A declared column with no value keeps its
    /// type.
    ///
    /// ```
    /// use allot::write::{Column, ColumnType, LayerFeature, LayerGeometry};
    /// let f = LayerFeature {
    ///     geometry: LayerGeometry::Point(geo::coord! { x: 0.0, y: 0.0 }),
    ///     properties: serde_json::json!({"acres": null, "n": 1}).as_object().unwrap().clone(),
    /// };
    /// let declared = [Column { name: "acres".into(), kind: ColumnType::Real }];
    /// let cols = Column::infer_with(&declared, &[f]);
    /// assert_eq!(cols[0], Column { name: "acres".into(), kind: ColumnType::Real });
    /// assert_eq!(cols[1], Column { name: "n".into(), kind: ColumnType::Integer });
    /// assert_eq!(Column::infer_with(&declared, &[]), declared);
    /// ```
    pub fn infer_with(declared: &[Column], features: &[LayerFeature]) -> Vec<Column> {
        let mut cols: Vec<(String, Option<ColumnType>)> = declared
            .iter()
            .map(|c| (c.name.clone(), Some(c.kind)))
            .collect();
        let mut index: std::collections::HashMap<String, usize> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| (c.0.clone(), i))
            .collect();
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
