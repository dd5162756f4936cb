//! The serde path: every feature the fast path does not take, read with serde_json and
//! diagnosed precisely when wrong.

use std::borrow::Cow;
use std::fmt;

use super::*;
use geo::{Coord, LineString, MultiPolygon, Polygon};
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The top level: either a JSON object (read member by member) or something else.
pub(crate) enum TopLevel<'a> {
    Object(TopObject<'a>),
    Other(&'static str),
}

pub(crate) struct TopObject<'a> {
    pub(crate) kind: Option<String>,
    pub(crate) features: Option<Vec<&'a str>>,
    pub(crate) crs: Option<Value>,
    pub(crate) members: Map<String, Value>,
}

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a GeoJSON FeatureCollection object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut top = TopObject {
                    kind: None,
                    features: None,
                    crs: None,
                    members: Map::new(),
                };
                while let Some(key) = map.next_key::<Cow<'de, str>>()? {
                    match key.as_ref() {
                        "type" => {
                            top.kind = Some(match map.next_value::<Value>()? {
                                Value::String(s) => s,
                                other => other.to_string(),
                            })
                        }
                        "features" => {
                            let v: Option<Vec<&'de RawValue>> = map.next_value()?;
                            let v = v.ok_or_else(|| {
                                de::Error::custom("\"features\" is null; it must be an array")
                            })?;
                            top.features = Some(v.into_iter().map(RawValue::get).collect());
                        }
                        "crs" => top.crs = Some(map.next_value()?),
                        "bbox" => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                        _ => {
                            let v: Value = map.next_value()?;
                            top.members.insert(key.into_owned(), v);
                        }
                    }
                }
                Ok(TopLevel::Object(top))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other("a JSON array"))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON string"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON number"))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON number"))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON number"))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("a JSON boolean"))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(TopLevel::Other("null"))
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
struct FeatureIn<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    id: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    geometry: Option<GeometryIn<'a>>,
    #[serde(borrow, default)]
    properties: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GeometryIn<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    coordinates: Option<&'a RawValue>,
}

#[derive(Deserialize, Default)]
struct PropsIn<'a> {
    #[serde(borrow, default)]
    id: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    zone: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    land_use: Option<Scalar<'a>>,
    #[serde(borrow, default)]
    name: Option<Scalar<'a>>,
    #[serde(default)]
    access: Option<Value>,
}

/// A JSON scalar read without allocating when it is a plain string: ids and the properties
/// allot reads (`zone`, `land_use`, `name`). Arrays and objects are skipped and named.
enum Scalar<'a> {
    Str(Cow<'a, str>),
    Num(serde_json::Number),
    Bool(bool),
    Null,
    Other(&'static str),
}

impl Scalar<'_> {
    /// The text allot uses for it (`None` for null, arrays and objects).
    fn text(&self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s.to_string()),
            Scalar::Num(n) => Some(n.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Null | Scalar::Other(_) => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Scalar<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Scalar<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Scalar::Str(Cow::Owned(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Scalar::Num(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(serde_json::Number::from_f64(v).map_or(Scalar::Null, Scalar::Num))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other("an array"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Scalar::Other("an object"))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// What a raw JSON value is, from its first byte: `None` for an object.
fn raw_kind(raw: &str) -> Option<&'static str> {
    match raw.as_bytes().first() {
        Some(b'{') => None,
        Some(b'[') => Some("an array"),
        Some(b'"') => Some("a string"),
        Some(b't' | b'f') => Some("a boolean"),
        Some(b'n') => Some("null"),
        _ => Some("a number"),
    }
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A feature's access tags from its `access` property: a list (nulls skipped, other values as
/// their text), or one string of comma- or semicolon-joined tags; anything else has none.
pub(crate) fn access_of(access: Option<&Value>) -> Vec<String> {
    match access {
        Some(Value::Array(items)) => {
            let items: Vec<String> = items.iter().filter_map(value_text).collect();
            access_tags(items.iter().map(String::as_str), false)
        }
        Some(Value::String(s)) => access_tags([s.as_str()], true),
        _ => Vec::new(),
    }
}

/// A feature read with serde_json: the path that names every error precisely.
pub(crate) fn parse_feature_serde(
    index: usize,
    raw: &str,
    text: &str,
    offset: usize,
    keep_properties: bool,
) -> FeatureResult {
    let position = index + 1;
    let json_err = |e: serde_json::Error, at: usize| {
        // Line and column of the error within the whole file.
        let (l0, c0) = line_col(text, at);
        let (line, column) = if e.line() <= 1 {
            (l0, c0 + e.column().saturating_sub(1))
        } else {
            (l0 + e.line() - 1, e.column())
        };
        let syntax = matches!(
            e.classify(),
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof
        );
        FeatureProblem::Json {
            line,
            column,
            message: format!(
                "{}{}",
                if syntax { "not valid JSON: " } else { "" },
                strip_position(&e.to_string())
            ),
        }
    };
    let scan_err = |e: crate::read::coords::ScanError, at: usize| {
        let (line, column) = line_col(text, at + e.offset);
        FeatureProblem::Json {
            line,
            column,
            message: e.message,
        }
    };
    let anon = |p| (FeatureRef { position, id: None }, p);
    // A feature that is not even an object is "not a feature" (checked on the first byte, so
    // a deeply nested array is not parsed at all).
    if let Some(kind) = raw_kind(raw) {
        // A bare word (`oops`, `tru`) is not JSON at all: say so, with its line and column,
        // rather than calling it by its first byte "a number" or "a boolean".
        if kind != "an array"
            && let Err(e) = serde_json::from_str::<de::IgnoredAny>(raw)
        {
            return Err(anon(json_err(e, offset)));
        }
        return Err(anon(FeatureProblem::NotAFeature(format!("found {kind}"))));
    }
    let f: FeatureIn = serde_json::from_str(raw).map_err(|e| {
        // The feature is valid JSON but of the wrong shape: still name it by its id if we can.
        (
            FeatureRef {
                position,
                id: id_only(raw),
            },
            json_err(e, offset),
        )
    })?;
    // Properties first: the id may live there.
    let props: PropsIn = match f.properties {
        None => PropsIn::default(),
        Some(raw_props) => match raw_kind(raw_props.get()) {
            None => serde_json::from_str(raw_props.get()).map_err(|e| {
                anon(json_err(
                    e,
                    raw_props.get().as_ptr() as usize - text.as_ptr() as usize,
                ))
            })?,
            Some("null") => PropsIn::default(),
            Some(kind) => return Err(anon(FeatureProblem::BadProperties(kind.to_string()))),
        },
    };
    let id_from = |v: &Scalar| match v {
        Scalar::Str(s) => Ok(Some(s.to_string())),
        Scalar::Num(n) => Ok(Some(n.to_string())),
        Scalar::Null => Ok(None),
        Scalar::Bool(_) => Err(FeatureProblem::BadId("a boolean".into())),
        Scalar::Other(kind) => Err(FeatureProblem::BadId(kind.to_string())),
    };
    let fid = match &f.id {
        Some(v) => id_from(v).map_err(anon)?,
        None => None,
    };
    let id = match fid {
        Some(id) => Some(id),
        None => match &props.id {
            Some(v) => id_from(v).map_err(anon)?,
            None => None,
        },
    };
    let fref = FeatureRef {
        position,
        id: id.clone(),
    };
    let fail = |p: FeatureProblem| (fref.clone(), p);
    match f.kind.as_deref() {
        Some("Feature") => {}
        Some(other) => {
            return Err(fail(FeatureProblem::NotAFeature(format!(
                "\"type\" is {other:?}"
            ))));
        }
        None => {
            return Err(fail(FeatureProblem::NotAFeature(
                "it has no \"type\"".into(),
            )));
        }
    }
    let Some(g) = f.geometry else {
        return Err(fail(FeatureProblem::NullGeometry));
    };
    let coords_at = |c: &RawValue| c.get().as_ptr() as usize - text.as_ptr() as usize;
    let (geometry, multi) = match g.kind.as_ref() {
        "Polygon" => {
            let Some(c) = g.coordinates else {
                return Err(fail(FeatureProblem::Empty("Polygon".into())));
            };
            let rings = crate::read::coords::polygon_rings(c.get())
                .map_err(|e| fail(scan_err(e, coords_at(c))))?;
            let poly = build_polygon(rings, None).map_err(fail)?;
            (MultiPolygon(vec![poly]), false)
        }
        "MultiPolygon" => {
            let Some(c) = g.coordinates else {
                return Err(fail(FeatureProblem::Empty("MultiPolygon".into())));
            };
            let parts = crate::read::coords::multipolygon_rings(c.get())
                .map_err(|e| fail(scan_err(e, coords_at(c))))?;
            if parts.is_empty() {
                return Err(fail(FeatureProblem::Empty("MultiPolygon".into())));
            }
            let polys = parts
                .into_iter()
                .enumerate()
                .map(|(i, rings)| build_polygon(rings, Some(i + 1)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(fail)?;
            (MultiPolygon(polys), true)
        }
        other => {
            // Quote a type with control characters: a message stays on one line.
            let name = if other.contains(char::is_control) {
                format!("{other:?}")
            } else {
                other.to_string()
            };
            return Err(fail(FeatureProblem::UnsupportedGeometry(name)));
        }
    };
    let text_of = |v: &Option<Scalar>| v.as_ref().and_then(Scalar::text);
    let access = access_of(props.access.as_ref());
    let name = text_of(&props.name);
    Ok(Parcel::from_parts(
        ParcelId::from(id.unwrap_or_else(|| format!("#{position}"))),
        geometry,
        text_of(&props.zone).as_deref().and_then(intern_label),
        text_of(&props.land_use).as_deref().and_then(intern_label),
        index as u32,
        multi,
        match f.id {
            Some(Scalar::Str(_)) => FeatureIdKind::String,
            Some(Scalar::Num(_)) => FeatureIdKind::Number,
            _ => FeatureIdKind::Absent,
        },
        ParcelDetails {
            name: name.map(String::into_boxed_str),
            access,
            properties: f
                .properties
                .filter(|p| keep_properties && p.get() != "null")
                .map(|p| p.to_owned()),
        },
    ))
}

/// The id of a feature that failed to parse, read leniently (Feature `id`, else `properties.id`).
fn id_only(raw: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct IdProps {
        #[serde(default)]
        id: Option<Value>,
    }
    #[derive(Deserialize)]
    struct IdOnly {
        #[serde(default)]
        id: Option<Value>,
        #[serde(default)]
        properties: Option<IdProps>,
    }
    let Ok(f) = serde_json::from_str::<IdOnly>(raw) else {
        // Not valid JSON (a NaN, a stray token): read the id members the error does not reach.
        return lenient_id(raw);
    };
    let text = |v: Value| match v {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    };
    f.id.and_then(text)
        .or_else(|| f.properties.and_then(|p| p.id).and_then(text))
}

/// The id of a feature whose text is not valid JSON, found without parsing the whole: the
/// `id` member of the object, else the `id` member of its `properties` object, when that
/// member's own value (a string or a number) is valid JSON.
fn lenient_id(raw: &str) -> Option<String> {
    let value_of = |obj: &str, key: &str| -> Option<usize> {
        top_members(obj)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, at)| at)
    };
    let scalar = |at: usize| -> Option<String> {
        let mut values = serde_json::Deserializer::from_str(&raw[at..]).into_iter::<Value>();
        match values.next()?.ok()? {
            Value::String(s) => Some(s),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    if let Some(id) = value_of(raw, "id").and_then(scalar) {
        return Some(id);
    }
    let props = value_of(raw, "properties")?;
    let inner = top_members(&raw[props..]);
    let (_, at) = inner.into_iter().find(|(k, _)| k == "id")?;
    scalar(props + at)
}

/// The members of the JSON object `obj` starts with, as (key, byte offset of the value),
/// found by a lexical walk (strings and nesting tracked, values not checked).
fn top_members(obj: &str) -> Vec<(String, usize)> {
    let b = obj.as_bytes();
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut i = 0;
    let mut expect_key = false;
    while i < b.len() {
        match b[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if depth == 1 && expect_key {
                    let key: Option<String> = obj
                        .get(start..=i)
                        .and_then(|t| serde_json::from_str(t).ok());
                    let mut j = i + 1;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if let (Some(key), Some(b':')) = (key, b.get(j)) {
                        let mut v = j + 1;
                        while v < b.len() && b[v].is_ascii_whitespace() {
                            v += 1;
                        }
                        out.push((key, v));
                    }
                    expect_key = false;
                }
            }
            b'{' | b'[' => {
                depth += 1;
                expect_key = depth == 1 && b[i] == b'{';
                if depth == 1 && b[i] == b'[' {
                    return out;
                }
            }
            b'}' | b']' => {
                if depth <= 1 {
                    return out;
                }
                depth -= 1;
            }
            b',' if depth == 1 => expect_key = true,
            _ => {}
        }
        i += 1;
    }
    out
}

fn ring_name(part: Option<usize>, ring: usize) -> String {
    let r = if ring == 0 {
        "shell".to_string()
    } else {
        format!("hole {ring}")
    };
    match part {
        Some(p) => format!("polygon {p} {r}"),
        None => format!("ring {} ({r})", ring + 1),
    }
}

pub(crate) fn build_polygon(
    rings: Vec<LineString<f64>>,
    part: Option<usize>,
) -> Result<Polygon<f64>, FeatureProblem> {
    if rings.is_empty() {
        return Err(FeatureProblem::Empty(match part {
            Some(p) => format!("polygon {p} of the MultiPolygon"),
            None => "Polygon".into(),
        }));
    }
    for (r, ring) in rings.iter().enumerate() {
        let name = || ring_name(part, r);
        if ring.0.len() < 4 {
            return Err(FeatureProblem::TooFewPositions {
                ring: name(),
                count: ring.0.len(),
            });
        }
        for (i, c) in ring.0.iter().enumerate() {
            if let Some(message) = range_problem(*c) {
                return Err(FeatureProblem::OutOfRange {
                    ring: name(),
                    position: i + 1,
                    message,
                });
            }
        }
        if ring.0.first() != ring.0.last() {
            return Err(FeatureProblem::UnclosedRing { ring: name() });
        }
        if let Some(i) = ring
            .0
            .windows(2)
            .position(|w| (w[1].x - w[0].x).abs() > 180.0)
        {
            return Err(FeatureProblem::Antimeridian {
                ring: name(),
                position: i + 1,
            });
        }
    }
    // Split off the holes at their exact size: no empty-but-allocated `interiors` per parcel.
    let mut rings = rings;
    let interiors = rings.split_off(1);
    let exterior = rings.swap_remove(0);
    Ok(Polygon::new(exterior, interiors))
}

fn range_problem(c: Coord<f64>) -> Option<String> {
    let (lon, lat) = (c.x, c.y);
    if !lon.is_finite() || !lat.is_finite() {
        return Some(format!("coordinate [{lon}, {lat}] is not finite"));
    }
    let lon_ok = (-180.0..=180.0).contains(&lon);
    let lat_ok = (-90.0..=90.0).contains(&lat);
    if lon_ok && lat_ok {
        return None;
    }
    let what = if !lat_ok {
        format!("latitude {lat} is outside [-90, 90]")
    } else {
        format!("longitude {lon} is outside [-180, 180]")
    };
    let hint = if lon.abs() > 1000.0 || lat.abs() > 1000.0 {
        "; the numbers look like projected metres (for Karachi, UTM zone 42N, EPSG:32642) in a \
         file that declares no CRS: name the CRS with `--crs EPSG:32642` (allot then reprojects \
         to WGS84 longitude/latitude), or reproject first, e.g. \
         `ogr2ogr -t_srs EPSG:4326 out.geojson IN`"
    } else if (-90.0..=90.0).contains(&lon) && (-180.0..=180.0).contains(&lat) {
        "; longitude and latitude look swapped (GeoJSON order is [longitude, latitude])"
    } else {
        ""
    };
    Some(format!("{what}{hint}"))
}
