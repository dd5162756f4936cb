//! The feature sink: features decoded by any reader (geometry in the source CRS, typed
//! properties) turned straight into [`Parcel`]s, with no GeoJSON text in between.
//!
//! Every non-GeoJSON reader ends here, so Shapefile, GeoPackage, KML/KMZ, FlatGeobuf,
//! GeoParquet and CSV share one set of rules, and those rules are the GeoJSON reader's own:
//! - the id is `properties.id` (a string, or a number's JSON text), else `#N`; a boolean, list
//!   or object id is [`FeatureProblem::BadId`];
//! - `zone`, `land_use` and `name` are the property's text (strings as they are, numbers and
//!   booleans as their JSON text); `access` is a list of tags, read from a list or from a
//!   comma- or semicolon-joined string, and lists that formats without list types store as
//!   text (`(2:port,rail)`, `["port","rail"]`) are lists again ([`unpack_list`]);
//! - properties are kept as the JSON object the GeoJSON reader would have kept, types and
//!   order included;
//! - rings are checked by the GeoJSON reader's own [`build_polygon`] (4 or more positions,
//!   closed, lon/lat in range, no antimeridian jump), after reprojection to WGS84.
//!
//! Coordinates are reprojected in place in the reader's own buffers
//! ([`Crs::to_wgs84_in_place`]), and each ring's buffer becomes the parcel's ring without a
//! copy. Features are converted in parallel (rayon), each into its slot of one exactly-sized
//! `Vec`. Readers whose features can be decoded independently (FlatGeobuf, GeoParquet read by
//! column) hand over a decoder instead of a list ([`decode_into_parcels`]): each feature is
//! then decoded on the thread that turns it into a parcel, and no list of all decoded
//! features is ever held. A reader that must read its file in order (GeoPackage rows)
//! hands over chunks of raw features as it reads them ([`decode_chunks_into_parcels`]):
//! each chunk is decoded in parallel while the reader reads the next.
//!
//! Errors are the ones the GeoJSON route gave (checked against [`super::to_geojson`] plus the
//! GeoJSON reader, which stays as the reference): a geometry that is not a polygon, or a
//! coordinate that is not finite or cannot be reprojected, is a [`FormatError`] naming the
//! file, layer and feature (the earliest such feature wins, as it did when the conversion ran
//! first); otherwise the earliest feature with a [`FeatureProblem`] is a
//! [`ReadError::Feature`]. A feature the reader cannot decode outranks both, as it did when
//! the reader stopped there before any conversion.

use std::borrow::Cow;
use std::sync::atomic::{AtomicUsize, Ordering};

use geo::{Coord, LineString, MultiPolygon};
use rayon::prelude::*;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

#[cfg(doc)]
use super::collection::unpack_list;
use super::collection::{feature_id, unpack_list_in_place};
use super::{FormatError, Rings, SourceFeature, SourceGeometry, SourceLayer};
use crate::crs::Crs;
use crate::model::{
    FeatureIdKind, FeatureRef, Parcel, ParcelDetails, ParcelId, ParcelSet, intern_label,
};
use crate::read::serde_path::{access_of, build_polygon};
use crate::read::{FeatureProblem, ReadError, ReadOptions};

/// Why one feature did not become a parcel, in the order the GeoJSON route found them:
/// decoding problems (the reader stops at the first), then conversion problems (all
/// features), then parcel problems.
enum Failure {
    /// The reader could not decode the feature.
    Decode(FormatError),
    /// A geometry that is not a polygon, or a coordinate that cannot be reprojected.
    Convert { id: Option<String>, message: String },
    /// What the GeoJSON reader would have said about the feature.
    Parcel(FeatureRef, FeatureProblem),
}

impl Failure {
    /// Which kind outranks which: lower first.
    fn rank(&self) -> u8 {
        match self {
            Failure::Decode(_) => 0,
            Failure::Convert { .. } => 1,
            Failure::Parcel(..) => 2,
        }
    }
}

/// The parcels of a layer read by one of the readers, reprojected from `crs` to WGS84.
///
/// `file` is the file as named by the user; the set's `source` (and every message) names it
/// with its layer, e.g. `site.gpkg, layer "parcels"`, and the layer's name becomes the set's
/// `name` member, as a GeoJSON FeatureCollection's `name` would.
pub(crate) fn into_parcels(
    layer: SourceLayer,
    file: &str,
    crs: &Crs,
    opts: ReadOptions,
) -> Result<ParcelSet, ReadError> {
    let SourceLayer {
        layer: layer_name,
        features,
        ..
    } = layer;
    build(
        layer_name,
        features.into_par_iter().map(Ok),
        file,
        crs,
        opts,
    )
}

/// [`into_parcels`] for a reader that decodes its `count` features one by one, by index
/// (`decode(i)` for the 0-based feature `i`), so that decoding runs in parallel with the rest
/// and no list of all decoded features is held. The result is exactly what [`into_parcels`]
/// gives for the layer of the same features decoded in order, stopping at the first
/// feature that cannot be decoded: that feature's error outranks every other problem, and the
/// earliest one is reported.
pub(crate) fn decode_into_parcels(
    layer_name: Option<String>,
    count: usize,
    decode: impl Fn(usize) -> Result<SourceFeature, FormatError> + Sync + Send,
    file: &str,
    crs: &Crs,
    opts: ReadOptions,
) -> Result<ParcelSet, ReadError> {
    build(
        layer_name,
        (0..count).into_par_iter().map(decode),
        file,
        crs,
        opts,
    )
}

/// A run of consecutive features read by a reader that reads its file in order (GeoPackage
/// rows), kept raw until each feature is decoded on the thread that turns it into a parcel.
pub(crate) trait FeatureChunk: Sync {
    /// The number of features in the chunk.
    fn len(&self) -> usize;
    /// Feature `i` of the chunk (0-based within the chunk), decoded.
    fn feature(&self, i: usize) -> Result<SourceFeature, FormatError>;
}

/// [`decode_into_parcels`] for a reader that hands over its features in chunks, in file
/// order, as it reads them (on another thread, say): each chunk's features are decoded and
/// turned into parcels in parallel while the reader reads the next one, and no chunk is
/// held longer than that. A chunk that cannot be read (`Err`) is a decoding failure of the
/// feature that would have come next, so it stops the reading there as it stopped the
/// reader. The result is exactly what [`into_parcels`] gives for the same features decoded
/// in order.
pub(crate) fn decode_chunks_into_parcels<C: FeatureChunk>(
    layer_name: Option<String>,
    chunks: impl IntoIterator<Item = Result<C, FormatError>>,
    file: &str,
    crs: &Crs,
    opts: ReadOptions,
) -> Result<ParcelSet, ReadError> {
    let c = Collector::default();
    let mut parcels: Vec<Parcel> = Vec::new();
    let mut part = Vec::new();
    let mut start = 0;
    for chunk in chunks {
        let chunk = match chunk {
            Ok(chunk) => chunk,
            Err(e) => {
                c.fail(start, Failure::Decode(e));
                break;
            }
        };
        (0..chunk.len())
            .into_par_iter()
            .map(|i| c.one(start + i, chunk.feature(i), crs, opts))
            .collect_into_vec(&mut part);
        parcels.append(&mut part);
        start += chunk.len();
        if c.first_decode.load(Ordering::Relaxed) != usize::MAX {
            // The reader stops at the first feature it cannot decode.
            break;
        }
    }
    c.finish(parcels, layer_name, file, crs)
}

/// The parcels of features decoded (or not) in file order; see [`decode_into_parcels`].
fn build(
    layer_name: Option<String>,
    features: impl IndexedParallelIterator<Item = Result<SourceFeature, FormatError>>,
    file: &str,
    crs: &Crs,
    opts: ReadOptions,
) -> Result<ParcelSet, ReadError> {
    let c = Collector::default();
    let mut parcels = Vec::new();
    features
        .enumerate()
        .map(|(i, f)| c.one(i, f, crs, opts))
        .collect_into_vec(&mut parcels);
    c.finish(parcels, layer_name, file, crs)
}

/// The failures met while features become parcels, in any order, on any thread.
///
/// The earliest failing feature of each kind is reported. A decoding failure anywhere beats
/// the rest (the reader stops there); a conversion failure anywhere beats a parcel failure.
/// So features after the earliest failure of any kind need not become parcels, but they are
/// still decoded until the earliest decoding failure.
struct Collector {
    /// The earliest feature with a conversion or decoding failure.
    first_convert: AtomicUsize,
    /// The earliest feature with a decoding failure.
    first_decode: AtomicUsize,
    failures: std::sync::Mutex<Vec<(usize, Failure)>>,
}

impl Default for Collector {
    fn default() -> Self {
        Collector {
            first_convert: AtomicUsize::new(usize::MAX),
            first_decode: AtomicUsize::new(usize::MAX),
            failures: std::sync::Mutex::new(Vec::new()),
        }
    }
}

impl Collector {
    fn fail(&self, i: usize, e: Failure) -> Parcel {
        if matches!(e, Failure::Convert { .. } | Failure::Decode(_)) {
            self.first_convert.fetch_min(i, Ordering::Relaxed);
        }
        if matches!(e, Failure::Decode(_)) {
            self.first_decode.fetch_min(i, Ordering::Relaxed);
        }
        self.failures
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((i, e));
        Parcel::placeholder(i)
    }

    /// Feature `i`, decoded (or not), as a parcel or a placeholder for a failure.
    fn one(
        &self,
        i: usize,
        f: Result<SourceFeature, FormatError>,
        crs: &Crs,
        opts: ReadOptions,
    ) -> Parcel {
        let f = match f {
            Ok(f) => f,
            Err(e) => return self.fail(i, Failure::Decode(e)),
        };
        if i > self.first_convert.load(Ordering::Relaxed) {
            return Parcel::placeholder(i);
        }
        parcel(i, f, crs, opts).unwrap_or_else(|e| self.fail(i, e))
    }

    /// The parcel set, or the failure that outranks the others.
    fn finish(
        self,
        parcels: Vec<Parcel>,
        layer_name: Option<String>,
        file: &str,
        crs: &Crs,
    ) -> Result<ParcelSet, ReadError> {
        let source = match &layer_name {
            Some(l) => format!("{file}, layer {l:?}"),
            None => file.to_string(),
        };
        let failures = self
            .failures
            .into_inner()
            .unwrap_or_else(|p| p.into_inner());
        let first = failures.into_iter().min_by_key(|(i, e)| (e.rank(), *i));
        match first {
            Some((_, Failure::Decode(e))) => Err(e.into()),
            Some((i, Failure::Convert { id, message })) => Err(FormatError {
                file: file.to_string(),
                layer: layer_name,
                feature: Some((i + 1, id)),
                message,
            }
            .into()),
            Some((_, Failure::Parcel(feature, problem))) => Err(ReadError::Feature {
                file: source,
                feature,
                problem,
            }),
            None => {
                let mut members = Map::new();
                if let Some(l) = layer_name {
                    members.insert("name".into(), Value::String(l));
                }
                Ok(ParcelSet {
                    source,
                    parcels,
                    members,
                    crs: (!crs.is_wgs84()).then_some(crs.code()),
                })
            }
        }
    }
}

/// One feature as a parcel.
fn parcel(index: usize, f: SourceFeature, crs: &Crs, opts: ReadOptions) -> Result<Parcel, Failure> {
    let SourceFeature {
        mut properties,
        geometry,
    } = f;
    // Reproject first: a conversion failure outranks every parcel problem. It names the
    // feature by its id as read (before lists stored as text are unpacked).
    let convert = |message: String| Failure::Convert {
        id: feature_id(&properties),
        message,
    };
    let geometry = match geometry {
        SourceGeometry::Polygon(mut rings) => {
            reproject(&mut rings, crs).map_err(convert)?;
            Some((vec![rings], false))
        }
        SourceGeometry::MultiPolygon(mut parts) => {
            for rings in &mut parts {
                reproject(rings, crs).map_err(convert)?;
            }
            Some((parts, true))
        }
        SourceGeometry::Null => None,
        SourceGeometry::Other(kind) => {
            return Err(convert(format!(
                "geometry is a {kind}; parcels must be Polygon or MultiPolygon"
            )));
        }
    };
    for v in properties.values_mut() {
        unpack_list_in_place(v);
    }
    let position = index + 1;
    // The properties a parcel keeps apart, found in one pass (no key is hashed).
    let mut named: [Option<&Value>; 5] = [None; 5];
    for (key, value) in &properties {
        let slot = match key.as_str() {
            "id" => 0,
            "zone" => 1,
            "land_use" => 2,
            "name" => 3,
            "access" => 4,
            _ => continue,
        };
        named[slot] = Some(value);
    }
    let [id_value, zone, land_use, name, access] = named;
    let id = match id_value {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(other) => {
            let kind = match other {
                Value::Bool(_) => "a boolean",
                Value::Array(_) => "an array",
                _ => "an object",
            };
            return Err(Failure::Parcel(
                FeatureRef { position, id: None },
                FeatureProblem::BadId(kind.into()),
            ));
        }
    };
    let fail = |p: FeatureProblem| {
        Failure::Parcel(
            FeatureRef {
                position,
                id: id.clone(),
            },
            p,
        )
    };
    let Some((parts, multi)) = geometry else {
        return Err(fail(FeatureProblem::NullGeometry));
    };
    if multi && parts.is_empty() {
        return Err(fail(FeatureProblem::Empty("MultiPolygon".into())));
    }
    let mut polys = Vec::with_capacity(parts.len());
    for (i, rings) in parts.into_iter().enumerate() {
        let rings: Vec<LineString<f64>> = rings.into_iter().map(LineString).collect();
        polys.push(build_polygon(rings, multi.then_some(i + 1)).map_err(fail)?);
    }
    let access = access_of(access);
    let zone = text(zone).and_then(|t| intern_label(&t));
    let land_use = text(land_use).and_then(|t| intern_label(&t));
    let name = text(name).map(|t| Box::<str>::from(t.as_ref()));
    let properties = if opts.keep_properties {
        // Serialising a map of JSON values cannot fail, nor can reading it back as raw JSON;
        // should it ever, the properties are dropped rather than the parcel.
        serde_json::to_string(&properties)
            .ok()
            .and_then(|json| RawValue::from_string(json).ok())
    } else {
        None
    };
    Ok(Parcel::from_parts(
        ParcelId::from(id.unwrap_or_else(|| format!("#{position}"))),
        MultiPolygon(polys),
        zone,
        land_use,
        index as u32,
        multi,
        FeatureIdKind::Absent,
        ParcelDetails {
            name,
            access,
            properties,
        },
    ))
}

/// A property naming something (a zone, a land use, a parcel) as text: a string as it is, a
/// number or boolean as JSON writes it; `None` for anything else.
fn text(v: Option<&Value>) -> Option<Cow<'_, str>> {
    match v? {
        Value::String(s) => Some(Cow::Borrowed(s.as_str())),
        v @ (Value::Number(_) | Value::Bool(_)) => Some(Cow::Owned(v.to_string())),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Reprojects a polygon's rings to WGS84 in place; the message names the first position, in
/// ring order, that is not finite or cannot be reprojected.
fn reproject(rings: &mut Rings, crs: &Crs) -> Result<(), String> {
    for (r, ring) in rings.iter_mut().enumerate() {
        let at = |k: usize, m: String| {
            let role = if r == 0 { "shell" } else { "hole" };
            format!("ring {} ({role}) position {}: {m}", r + 1, k + 1)
        };
        let finite = ring
            .iter()
            .position(|c: &Coord<f64>| !(c.x.is_finite() && c.y.is_finite()))
            .unwrap_or(ring.len());
        crs.to_wgs84_in_place(&mut ring[..finite])
            .map_err(|(k, e)| at(k, e.to_string()))?;
        if let Some(c) = ring.get(finite) {
            return Err(at(
                finite,
                format!("coordinate ({}, {}) is not a finite number", c.x, c.y),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::read::formats::{DeclaredCrs, to_geojson};
    use crate::read::parse_parcels_with;
    use serde_json::json;

    /// A square ring of side `d` at (`x0`, `y0`), closed.
    pub(in crate::read::formats) fn square(x0: f64, y0: f64, d: f64) -> Vec<Coord<f64>> {
        [(0., 0.), (d, 0.), (d, d), (0., d), (0., 0.)]
            .iter()
            .map(|(a, b)| Coord {
                x: x0 + a,
                y: y0 + b,
            })
            .collect()
    }

    fn feature(props: Value, geometry: SourceGeometry) -> SourceFeature {
        SourceFeature {
            properties: props.as_object().cloned().unwrap_or_default(),
            geometry,
        }
    }

    /// The reference route: GeoJSON text from [`to_geojson`], parsed by the GeoJSON reader.
    fn reference(
        features: &[SourceFeature],
        crs: &Crs,
        layer: Option<&str>,
        opts: ReadOptions,
    ) -> Result<ParcelSet, String> {
        let name = match layer {
            Some(l) => format!("f.x, layer {l:?}"),
            None => "f.x".to_string(),
        };
        let text = to_geojson(features, crs, layer).map_err(|(i, id, m)| {
            ReadError::from(FormatError {
                file: "f.x".into(),
                layer: layer.map(str::to_string),
                feature: Some((i + 1, id)),
                message: m,
            })
            .to_string()
        })?;
        let mut set =
            parse_parcels_with(text.as_bytes(), &name, opts).map_err(|e| e.to_string())?;
        set.crs = (!crs.is_wgs84()).then_some(crs.code());
        Ok(set)
    }

    fn sink(
        features: Vec<SourceFeature>,
        crs: &Crs,
        layer: Option<&str>,
        opts: ReadOptions,
    ) -> Result<ParcelSet, String> {
        let layer = SourceLayer {
            layer: layer.map(str::to_string),
            crs: DeclaredCrs::Unstated,
            features,
        };
        into_parcels(layer, "f.x", crs, opts).map_err(|e| e.to_string())
    }

    /// Every observable part of two parcel sets is equal, coordinates bit for bit.
    fn assert_same(got: &ParcelSet, want: &ParcelSet, what: &str) {
        assert_eq!(got.source, want.source, "{what}");
        assert_eq!(got.members, want.members, "{what}");
        assert_eq!(got.crs, want.crs, "{what}");
        assert_eq!(got.parcels.len(), want.parcels.len(), "{what}");
        for (g, w) in got.parcels.iter().zip(&want.parcels) {
            let who = format!("{what} {}", w.id);
            assert_eq!(g.id, w.id, "{who}");
            assert_eq!(g.zone, w.zone, "{who}");
            assert_eq!(g.land_use(), w.land_use(), "{who}");
            assert_eq!(g.name(), w.name(), "{who}");
            assert_eq!(g.access(), w.access(), "{who}");
            assert_eq!(g.index, w.index, "{who}");
            assert_eq!(g.multi, w.multi, "{who}");
            assert_eq!(g.feature_id, w.feature_id, "{who}");
            assert_eq!(
                g.properties().map(|p| p.get()),
                w.properties().map(|p| p.get()),
                "{who}"
            );
            assert_eq!(g.geometry, w.geometry, "{who}");
            // Bit-equal coordinates (== would let 0.0 equal -0.0).
            use geo::CoordsIter;
            let bits = |p: &Parcel| -> Vec<(u64, u64)> {
                p.geometry
                    .coords_iter()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
                    .collect()
            };
            assert_eq!(bits(g), bits(w), "{who}");
        }
    }

    fn both(features: Vec<SourceFeature>, crs: &Crs, layer: Option<&str>, what: &str) {
        for keep_properties in [true, false] {
            let opts = ReadOptions { keep_properties };
            let want = reference(&features, crs, layer, opts);
            let got = sink(features.clone(), crs, layer, opts);
            let (Ok(g), Ok(w)) = (&got, &want) else {
                panic!("{what}: both must read: {:?} / {:?}", got.err(), want.err());
            };
            assert_same(g, w, what);
        }
    }

    /// Typed properties of every kind, lists stored as text, ids of every kind and polygons
    /// with holes and several parts: the sink gives exactly the reference's parcels.
    #[test]
    fn good_features_give_the_reference_parcels() {
        let hole = |x: f64, y: f64| {
            let mut r = square(x, y, 0.001);
            r.reverse();
            r
        };
        let features = vec![
            feature(
                json!({"id": "A", "zone": "mill", "land_use": "industrial", "name": "Plot <1>",
                       "n": 3, "f": 1.5, "big": 1e20, "neg": -0.0, "b": true, "nul": null,
                       "access": "(2:Port,rail)", "j": "[\"x\",\"y\"]", "s": "a,b"}),
                SourceGeometry::Polygon(vec![square(67.0, 24.0, 0.01), hole(67.002, 24.002)]),
            ),
            feature(
                json!({"id": 7, "zone": 12, "land_use": false, "name": 2.5, "access": "port; Highway,"}),
                SourceGeometry::MultiPolygon(vec![
                    vec![square(67.1, 24.0, 0.01)],
                    vec![square(67.2, 24.0, 0.01), hole(67.202, 24.002)],
                ]),
            ),
            feature(
                json!({"id": null, "zone": ["x"], "access": ["Rail", null, 3, "  "]}),
                SourceGeometry::Polygon(vec![square(67.3, 24.0, 0.01)]),
            ),
            feature(
                json!({}),
                SourceGeometry::Polygon(vec![square(67.4, 24.0, 0.01)]),
            ),
            feature(
                json!({"id": 2.5e-7, "zone": {"a": 1}, "access": {"port": true}}),
                SourceGeometry::Polygon(vec![square(67.5, 24.0, 0.01)]),
            ),
        ];
        both(features.clone(), &Crs::wgs84(), Some("parcels"), "wgs84");
        both(features, &Crs::wgs84(), None, "no layer");
        // The same squares in metres, from UTM 42N and from Kalianpur 1962 / UTM 42N (whose
        // regional datum shift applies at the site).
        for code in [32642, 24312] {
            let crs = Crs::from_epsg(code).unwrap();
            let metres = vec![
                feature(
                    json!({"id": "U", "access": "(1:port)"}),
                    SourceGeometry::Polygon(vec![square(333_000.0, 2_744_000.0, 250.0)]),
                ),
                feature(
                    json!({"id": "V"}),
                    SourceGeometry::MultiPolygon(vec![vec![square(
                        333_250.0,
                        2_744_000.0,
                        123.456,
                    )]]),
                ),
            ];
            both(metres, &crs, Some("L"), &format!("EPSG:{code}"));
        }
    }

    /// Each kind of bad feature gives the reference's error, word for word, and when several
    /// are bad the same one is reported.
    #[test]
    fn bad_features_give_the_reference_errors() {
        let good = || {
            feature(
                json!({"id": "ok"}),
                SourceGeometry::Polygon(vec![square(67.0, 24.0, 0.01)]),
            )
        };
        let mut unclosed = square(67.0, 24.0, 0.01);
        unclosed.pop();
        let mut infinite = square(67.0, 24.0, 0.01);
        infinite[2].x = f64::INFINITY;
        let mut nan_late = square(67.0, 24.0, 0.01);
        nan_late[3].y = f64::NAN;
        let wide = vec![
            Coord { x: 179.9, y: 0.0 },
            Coord { x: -179.9, y: 0.0 },
            Coord { x: -179.9, y: 1.0 },
            Coord { x: 179.9, y: 0.0 },
        ];
        let bad: Vec<(&str, SourceFeature)> = vec![
            (
                "null geometry",
                feature(json!({"id": "N"}), SourceGeometry::Null),
            ),
            (
                "point",
                feature(json!({"id": 5}), SourceGeometry::Other("Point".into())),
            ),
            (
                "point, id stored as a list",
                feature(
                    json!({"id": "(1:x)"}),
                    SourceGeometry::Other("LineString".into()),
                ),
            ),
            (
                "boolean id",
                feature(
                    json!({"id": true}),
                    SourceGeometry::Polygon(vec![square(67.0, 24.0, 0.01)]),
                ),
            ),
            (
                "list id",
                feature(
                    json!({"id": "(2:a,b)"}),
                    SourceGeometry::Polygon(vec![square(67.0, 24.0, 0.01)]),
                ),
            ),
            (
                "object id",
                feature(
                    json!({"id": {"k": 1}}),
                    SourceGeometry::Polygon(vec![square(67.0, 24.0, 0.01)]),
                ),
            ),
            (
                "empty polygon",
                feature(json!({"id": "E"}), SourceGeometry::Polygon(vec![])),
            ),
            (
                "empty ring",
                feature(json!({"id": "R"}), SourceGeometry::Polygon(vec![vec![]])),
            ),
            (
                "empty multipolygon",
                feature(json!({"id": "M"}), SourceGeometry::MultiPolygon(vec![])),
            ),
            (
                "empty part",
                feature(
                    json!({}),
                    SourceGeometry::MultiPolygon(vec![vec![square(67.0, 24.0, 0.01)], vec![]]),
                ),
            ),
            (
                "unclosed",
                feature(json!({"id": "U"}), SourceGeometry::Polygon(vec![unclosed])),
            ),
            (
                "infinite",
                feature(json!({"id": "I"}), SourceGeometry::Polygon(vec![infinite])),
            ),
            (
                "nan in a hole",
                feature(
                    json!({"id": "H"}),
                    SourceGeometry::MultiPolygon(vec![vec![square(67.0, 24.0, 0.01), nan_late]]),
                ),
            ),
            (
                "metres as degrees",
                feature(
                    json!({"id": "P"}),
                    SourceGeometry::Polygon(vec![square(333_000.0, 2_744_000.0, 100.0)]),
                ),
            ),
            (
                "swapped",
                feature(
                    json!({"id": "S"}),
                    SourceGeometry::Polygon(vec![square(24.0, 97.0, 0.01)]),
                ),
            ),
            (
                "antimeridian",
                feature(json!({"id": "W"}), SourceGeometry::Polygon(vec![wide])),
            ),
        ];
        for (what, f) in &bad {
            for at in [0, 2] {
                let mut features = vec![good(), good(), good()];
                features.insert(at, f.clone());
                let want = reference(&features, &Crs::wgs84(), Some("L"), ReadOptions::default());
                let got = sink(features, &Crs::wgs84(), Some("L"), ReadOptions::default());
                let (Err(g), Err(w)) = (&got, &want) else {
                    panic!("{what}: both must fail: {:?} / {:?}", got.err(), want.err());
                };
                assert_eq!(g, w, "{what} at {at}");
            }
        }
        // Two bad features: the reference converts every feature before parsing any, so a
        // conversion failure (a Point) is reported even after a parcel problem (null geometry).
        for (a, b) in [(0, 6), (1, 2), (6, 1), (10, 11), (12, 3)] {
            let features = vec![good(), bad[a].1.clone(), good(), bad[b].1.clone()];
            let want = reference(&features, &Crs::wgs84(), None, ReadOptions::default());
            let got = sink(features, &Crs::wgs84(), None, ReadOptions::default());
            assert_eq!(got.err(), want.err(), "{} then {}", bad[a].0, bad[b].0);
        }
        // A point that cannot be reprojected (UTM far outside its domain) and the file's CRS.
        let utm = Crs::from_epsg(32642).unwrap();
        let far = vec![
            feature(
                json!({"id": "ok"}),
                SourceGeometry::Polygon(vec![square(333_000.0, 2_744_000.0, 100.0)]),
            ),
            feature(
                json!({"id": "far"}),
                SourceGeometry::Polygon(vec![square(1e30, 1e30, 1.0)]),
            ),
        ];
        let want = reference(&far, &utm, Some("L"), ReadOptions::default());
        let got = sink(far, &utm, Some("L"), ReadOptions::default());
        assert!(want.is_err(), "{:?}", want.map(|s| s.parcels.len()));
        assert_eq!(got.err(), want.err());
    }
}
