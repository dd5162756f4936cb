//! Unit tests of the reader: both paths, every refusal, the fast path against serde on the
//! bundled site.

use super::*;
use crate::write::{OutFeature, write_feature_collection};

fn fc(features: &str) -> String {
    format!(r#"{{"type":"FeatureCollection","features":[{features}]}}"#)
}

fn square_feature(id: &str, props: &str) -> String {
    format!(
        r#"{{"type":"Feature","id":"{id}","properties":{props},"geometry":{{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}}}}"#
    )
}

fn err(text: &str) -> String {
    parse_parcels(text.as_bytes(), "in.geojson")
        .unwrap_err()
        .to_string()
}

#[test]
fn reads_ids_in_order_of_precedence() {
    let text = fc(&[
        square_feature("F", r#"{"id":"P"}"#),
        r#"{"type":"Feature","properties":{"id":"P2"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
        r#"{"type":"Feature","id":7,"properties":null,"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
    ].join(","));
    let set = parse_parcels(text.as_bytes(), "t").unwrap();
    let ids: Vec<_> = set.parcels.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["F", "P2", "7", "#4"]);
}

#[test]
fn keeps_properties_verbatim_and_extracts_fields() {
    let props = r#"{"zone":"sindh_mill","land_use":"open_land","access":["Port","rail"],"name":"<b>x</b>","z":{"deep":[1,2]}}"#;
    let set = parse_parcels(fc(&square_feature("A", props)).as_bytes(), "t").unwrap();
    let p = &set.parcels[0];
    assert_eq!(p.properties().unwrap().get(), props);
    assert_eq!(p.zone.as_deref(), Some("sindh_mill"));
    assert_eq!(p.land_use(), Some("open_land"));
    assert_eq!(p.access(), ["port", "rail"]);
    assert_eq!(p.name(), Some("<b>x</b>"));
}

#[test]
fn accepts_bom_3d_positions_and_top_level_members() {
    let text = format!(
        "\u{feff}{{\"type\":\"FeatureCollection\",\"bbox\":[0,0,1,1],\"name\":\"a[b\",\"metadata\":{{\"illustrative\":true}},\"features\":[{}]}}",
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24,5],[67.01,24,5],[67.01,24.01,5],[67,24,5]]]}}"#
    );
    let set = parse_parcels(text.as_bytes(), "t").unwrap();
    assert_eq!(set.parcels.len(), 1);
    assert!(set.is_illustrative());
    assert_eq!(set.members["name"], "a[b");
}

#[test]
fn rejects_bad_documents_with_clear_messages() {
    assert!(err("").contains("empty"));
    assert!(err("{\"type\":").contains("in.geojson:1:"));
    assert!(err("[1,2]").contains("a JSON array"));
    assert!(err(r#"{"type":"Polygon","coordinates":[]}"#).contains("bare Polygon"));
    assert!(err(r#"{"type":"FeatureCollection"}"#).contains("no \"features\""));
    let crs = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::99999"}},"features":[]}"#;
    assert!(err(crs).contains("EPSG::99999"));
    // A known projected CRS is reprojected: a 100 m UTM 42N square near Karachi.
    let utm = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32642"}},"features":[
      {"type":"Feature","id":"U","properties":{},"geometry":{"type":"Polygon","coordinates":[[[333000,2744000],[333100,2744000],[333100,2744100],[333000,2744100],[333000,2744000]]]}}]}"#;
    let set = parse_parcels(utm.as_bytes(), "t").unwrap();
    let area = crate::geodesy::area_m2(&set.parcels[0].geometry);
    assert!((area - 10_000.0).abs() < 10.0, "{area}");
    assert!(set.parcels[0].bbox().min().x > 67.0);
    let ok_crs = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},"features":[]}"#;
    assert!(parse_parcels(ok_crs.as_bytes(), "t").is_ok());
}

#[test]
fn rejects_bad_features_naming_position_and_id() {
    let geom = |g: &str| {
        fc(&format!(
            r#"{{"type":"Feature","id":"X1","properties":{{}},"geometry":{g}}}"#
        ))
    };
    let e = err(&geom("null"));
    assert!(
        e.contains("feature 1 (id \"X1\")") && e.contains("null"),
        "{e}"
    );
    assert!(err(&geom(r#"{"type":"Point","coordinates":[67,24]}"#)).contains("Point"));
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[[0],[1,1],[1,0],[0]]]}"#,
    ));
    assert!(e.contains("1 number"), "{e}");
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[[67,24],[67,95],[68,24],[67,24]]]}"#,
    ));
    assert!(e.contains("latitude 95 is outside"), "{e}");
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[[330000,2745000],[331000,2745000],[331000,2746000],[330000,2745000]]]}"#,
    ));
    assert!(e.contains("projected metres") && e.contains("32642"), "{e}");
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[[67,24],[68,24],[67,24]]]}"#,
    ));
    assert!(e.contains("3 positions"), "{e}");
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[[67,24],[68,24],[68,25],[67,25]]]}"#,
    ));
    assert!(e.contains("not closed"), "{e}");
    assert!(err(&geom(r#"{"type":"Polygon","coordinates":[]}"#)).contains("empty"));
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[[179.9,0],[-179.9,0],[-179.9,1],[179.9,0]]]}"#,
    ));
    assert!(e.contains("antimeridian"), "{e}");
    let e = err(&geom(
        r#"{"type":"Polygon","coordinates":[[["67",24],[68,24],[68,25],[67,24]]]}"#,
    ));
    assert!(
        e.contains("invalid type: string") && e.contains("line 1"),
        "{e}"
    );
}

#[test]
fn second_feature_error_names_position_two() {
    let text = fc(&[
        square_feature("A", "{}"),
        r#"{"type":"Feature","properties":{"id":"B"},"geometry":null}"#.into(),
    ]
    .join(","));
    let e = err(&text);
    assert!(e.starts_with("in.geojson: feature 2 (id \"B\")"), "{e}");
}

#[test]
fn a_feature_that_is_not_json_is_still_named_by_its_id() {
    // NaN is not JSON, so the feature cannot be parsed, but its id can be read around it:
    // the feature's own id, else properties.id, never a key inside a string or deeper.
    let fc = |f: &str| format!(r#"{{"type":"FeatureCollection","features":[{f}]}}"#);
    let coords =
        r#""geometry":{"type":"Polygon","coordinates":[[[67,24],[NaN,24],[67.1,24.1],[67,24]]]}"#;
    for (feature, want) in [
        (
            format!(r#"{{"type":"Feature","id":"P-7","properties":{{}},{coords}}}"#),
            Some("P-7"),
        ),
        (
            format!(r#"{{"type":"Feature",{coords},"id":12}}"#),
            Some("12"),
        ),
        (
            format!(r#"{{"type":"Feature","properties":{{"n":""id":"no"","id":"Q"}},{coords}}}"#),
            Some("Q"),
        ),
        (
            format!(r#"{{"type":"Feature","properties":{{"x":{{"id":"deep"}}}},{coords}}}"#),
            None,
        ),
    ] {
        let e = parse_parcels(fc(&feature).as_bytes(), "t").unwrap_err();
        let ReadError::Feature { feature: f, .. } = &e else {
            panic!("{e}")
        };
        assert_eq!(f.id.as_deref(), want, "{e}");
    }
}

#[test]
fn json_error_positions_are_file_relative() {
    let text = "{\"type\":\"FeatureCollection\",\n\"features\":[\n{\"type\":\"Feature\",\"properties\":{},\n\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[67,24],[68,true],[68,25],[67,24]]]}}]}";
    let e = err(text);
    assert!(e.contains("line 4"), "{e}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[{}{}]}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = err(&deep);
    assert!(
        e.contains("feature 1") && e.contains("found an array"),
        "{e}"
    );
    // Deeply nested properties are skipped without recursion and kept verbatim.
    let nested = format!("{{\"x\":{}{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let set = parse_parcels(fc(&square_feature("D", &nested)).as_bytes(), "t").unwrap();
    assert_eq!(set.parcels[0].properties().unwrap().get(), nested);
}

#[test]
fn fast_structural_scan_agrees_with_serde_json() {
    let feature = r#"{"type":"Feature","id":"a]}\"[{","properties":{"name":"x\\\"]","n":[1,{"b":[]}]},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#;
    let docs = [
        format!(r#"{{"type":"FeatureCollection","features":[{feature},{feature}]}}"#),
        format!(
            " \n{{ \"name\" : \"a[b\" , \"bbox\":[0,0,1,1],\"type\":\"FeatureCollection\",\n\"features\" : [ {feature} ,\n {feature} ] , \"metadata\":{{\"x\":[1,\"}}\"]}} }}\n"
        ),
        r#"{"type":"FeatureCollection","features":[]}"#.to_string(),
        r#"{"features":[ ],"type":"FeatureCollection","crs":null,"k":true,"n":-1.5e3}"#.to_string(),
        r#"{}"#.to_string(),
    ];
    for doc in &docs {
        let fast = fast_top(doc).expect("fast path accepts well-formed input");
        let Ok(TopLevel::Object(slow)) = serde_json::from_str::<TopLevel>(doc) else {
            panic!("serde rejects {doc}")
        };
        assert_eq!(fast.kind, slow.kind, "{doc}");
        assert_eq!(fast.features, slow.features, "{doc}");
        assert_eq!(fast.crs, slow.crs, "{doc}");
        assert_eq!(fast.members, slow.members, "{doc}");
    }
    // Anything unusual goes to serde_json for the diagnosis.
    for doc in [
        r#"{"type":"FeatureCollection","features":[{"a":1}}]}"#,
        r#"{"type":"FeatureCollection","features":[{"a":1}]"#,
        r#"{"type":"FeatureCollection","features":[{"a":1}]} x"#,
        r#"{"type":"FeatureCollection","fe\u0061tures":[]}"#,
        r#"{"type":"FeatureCollection","features":null}"#,
        r#"{"type":"FeatureCollection","features":[1,]}"#,
        r#"{"type":"FeatureCollection" "features":[]}"#,
        r#"[{"type":"FeatureCollection"}]"#,
        r#"{"type":"FeatureCollection","features":["abc]}"#,
    ] {
        assert!(fast_top(doc).is_none(), "{doc}");
    }
}

/// Both readings of one feature (text = the feature alone): fast path, serde path.
fn both(raw: &str) -> (Option<String>, Result<String, String>) {
    let fast = fast_parcel(0, raw, true).map(|p| format!("{p:?}"));
    let slow = parse_feature_serde(0, raw, raw, 0, true)
        .map(|p| format!("{p:?}"))
        .map_err(|(f, e)| format!("{f}: {e}"));
    (fast, slow)
}

#[test]
fn fast_path_reads_well_formed_features_as_serde_does() {
    let sq = "[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]";
    let features = [
        square_feature("A", r#"{"zone":"z1","land_use":"open_land","id":"P"}"#),
        r#"{"type":"Feature","id":0,"properties":{"zone":7,"land_use":1234567890123456789,"name":10},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
        r#"{"type":"Feature","properties":{"id":42},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#.to_string(),
        square_feature("B", "null"),
        square_feature(
            "C",
            r#"{"access":"Port; rail,, HIGHWAY ","name":"Ünïcode ✓"}"#,
        ),
        square_feature(
            "D",
            r#"{"access":["Port",null," rail "],"name":null,"zone":null}"#,
        ),
        square_feature(
            "E",
            r#"{"k":[1,-0.5e-3,true,false,null,{"a":{"b":[]}},"x"],"n":{},"m":[],"id":"P"}"#,
        ),
        format!(
            " {{ \"properties\" : {{ \"id\" : \"P\" }} ,\n\"geometry\":{{\"coordinates\":{sq},\"bbox\":[1,2,3,4],\"type\":\"Polygon\"}},\t\"type\":\"Feature\",\"id\":null,\"x\":\"y\"}}\r\n"
        ),
        format!(
            r#"{{"type":"Feature","geometry":{{"type":"MultiPolygon","coordinates":[{sq},[[[68,25],[68.1,25],[68.1,25.1],[68,25]],[[68.01,25.01],[68.02,25.01],[68.02,25.02],[68.01,25.01]]]]}}}}"#
        ),
        r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67.123456789012345,24.5,10],[67.2,24.5E0,1,2],[67.2,2.46E+1],[67.1,24.6e-0],[67.123456789012345,24.50]]]}}"#.to_string(),
    ];
    for raw in &features {
        let (fast, slow) = both(raw.trim());
        assert!(fast.is_some(), "fast path declined {raw}");
        assert_eq!(fast, slow.ok(), "{raw}");
    }
}

#[test]
fn fast_path_declines_what_it_does_not_handle() {
    let sq = r#""geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}"#;
    let f = |body: &str| format!(r#"{{"type":"Feature",{body},{sq}}}"#);
    let deep = format!(r#""x":{}1{}"#, "[".repeat(65), "]".repeat(65));
    let cases = [
        f(r#""id":"a\"b""#),
        f(r#""id":-7"#),
        f(r#""id":7.5"#),
        f(r#""id":12345678901234567890"#),
        f(r#""properties":{"zone":true}"#),
        f(r#""properties":{"zone":3e2}"#),
        f(r#""properties":{"zone":"a","zone":"b"}"#),
        f(r#""id":"a","id":"b""#),
        f(r#""properties":{"access":{"a":1}}"#),
        f(r#""properties":[]"#),
        f(&deep),
        f(r#""x":[1,]"#),
        f(r#""x":01"#),
        f(r#""x":1."#),
        f(r#""x":-"#),
        f(r#""x":tru"#),
        f("\"x\":\"a\u{1}b\""),
        f(r#""x":{"a" 1}"#),
        f(r#""fe\u0061ture":1"#),
        r#"{"type":"Feature","geometry":null}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[67,24],[68,24],[67,24]]]}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[67,24],[68,24],[68,25],[67,1e999]]]}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[67,24],[68],[68,25],[67,24]]]}}"#.to_string(),
        r#"{"type":"Feature","geometry":{"type":"Polygon"}}"#.to_string(),
        format!(r#"{{"type":"Feature","type":"Feature",{sq}}}"#),
        format!(r#"{{"type":"Featur",{sq}}}"#),
        format!(r#"{{{sq}}}"#),
        format!(r#"{{"type":"Feature",{sq}}} x"#),
    ];
    for raw in &cases {
        let (fast, _) = both(raw);
        assert!(fast.is_none(), "fast path accepted {raw}");
    }
}

#[test]
fn fast_path_never_accepts_what_serde_rejects_or_reads_differently() {
    // Seeded mutations of a feature that exercises every member the fast path reads:
    // whenever the fast path accepts a mutant, serde_json must read it to the same parcel.
    let bases = [
        r#"{"type":"Feature","id":"A1","properties":{"id":"P","zone":"z1","land_use":"open_land","name":"N","access":["port","Rail"],"x":[1.5,-2e3,{"y":null}],"t":true},"geometry":{"type":"MultiPolygon","coordinates":[[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]]}}"#,
        r#"{"type":"Feature","id":10,"properties":{"id":20,"zone":30,"name":4},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}"#,
    ];
    let alphabet = b"{}[]:,\"\\ 0123456789-+.eEtrufalsn\x01\x7fxA";
    let mut rng = crate::util::Rng::new(5);
    let (mut accepted, mut declined) = (0, 0);
    for round in 0..20_000 {
        let mut b = bases[round % 2].as_bytes().to_vec();
        for _ in 0..1 + rng.below(3) {
            let at = rng.below(b.len());
            match rng.below(3) {
                0 => b[at] = alphabet[rng.below(alphabet.len())],
                1 => {
                    b.remove(at);
                }
                _ => b.insert(at, alphabet[rng.below(alphabet.len())]),
            }
        }
        let Ok(raw) = std::str::from_utf8(&b) else {
            continue;
        };
        if !raw.starts_with('{') {
            continue;
        }
        let (fast, slow) = both(raw);
        match fast {
            Some(p) => {
                accepted += 1;
                assert_eq!(Some(p), slow.ok(), "{raw}");
            }
            None => declined += 1,
        }
    }
    // Both outcomes must be well exercised for the check to mean anything.
    assert!(
        accepted > 2_000 && declined > 2_000,
        "{accepted} {declined}"
    );
}

#[test]
fn word_at_a_time_scan_finds_every_structural_byte() {
    // Against the plain byte-by-byte definition, on seeded random text.
    let alphabet = b"\"[]{}YyZz_\x7f\x5a\x5c\x5e0123456789.,:-e \n\xc3\xa9";
    let mut rng = crate::util::Rng::new(11);
    for _ in 0..2_000 {
        let n = rng.below(40);
        let b: Vec<u8> = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        for start in 0..=n {
            let mut want = start;
            while want < n && !STRUCTURAL[b[want] as usize] {
                want += 1;
            }
            // The first structural byte is found, possibly after stopping at look-alikes.
            let mut got = next_candidate(&b, start);
            while got < n && !STRUCTURAL[b[got] as usize] {
                assert!(matches!(b[got], b'Y' | b'y' | b'_' | 0x7f), "{b:?} {start}");
                got = next_candidate(&b, got + 1);
            }
            assert_eq!(got, want, "{b:?} from {start}");
        }
    }
}

#[test]
fn fast_path_reads_the_bundled_site_as_serde_does() {
    // Every feature of the real site file, both ways: the same parcels.
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/psm-site.geojson"
    ))
    .unwrap();
    let top = fast_top(&text).expect("well-formed");
    let features = top.features.unwrap();
    assert!(features.len() > 300);
    for (i, raw) in features.iter().enumerate() {
        let fast = fast_parcel(i, raw, true).map(|p| format!("{p:?}"));
        let offset = raw.as_ptr() as usize - text.as_ptr() as usize;
        let slow = parse_feature_serde(i, raw, &text, offset, true)
            .map(|p| format!("{p:?}"))
            .ok();
        assert!(fast.is_some(), "feature {} declined", i + 1);
        assert_eq!(fast, slow, "feature {}", i + 1);
    }
}

#[test]
fn split_on_several_threads_equals_one_walk() {
    // Seeded arrays of objects full of false element starts (`,{` inside strings and
    // nested arrays), cut into 1 to 40 pieces: always the single walk's answer.
    let templates = [
        r#"{"a":1}"#,
        r#"{"s":"x,{\"y\":[1,{2}],{"}"#,
        r#"{"n":[{"a":1},{"b":[{},{}]} , {"c":"]"}]}"#,
        r#"{ "k" : "\\" , "m":{"x":{"y":{}}}}"#,
        r#"{"e":"é,{ü"}"#,
    ];
    let seps = [",", ",\n", " , ", ",\r\n\t"];
    let mut rng = crate::util::Rng::new(3);
    for round in 0..300 {
        let n = 1 + rng.below(30);
        let items: Vec<&str> = (0..n)
            .map(|_| templates[rng.below(templates.len())])
            .collect();
        let mut body = String::new();
        for (j, item) in items.iter().enumerate() {
            if j > 0 {
                body.push_str(seps[rng.below(seps.len())]);
            }
            body.push_str(item);
        }
        let mut text = format!("[ {body} ] ,\"x\":{{\"y\":[{{}},{{}}]}}");
        if round % 10 == 9 {
            // A malformed one: both walks must refuse it.
            let mut at = 2 + rng.below(body.len());
            while !text.is_char_boundary(at) {
                at += 1;
            }
            text.insert(at, ']');
        }
        let one = split_elements(&text, 2, 1);
        if round % 10 != 9 {
            let (got, end) = one.clone().expect("well-formed");
            assert_eq!(got, items);
            assert_eq!(&text[end..end + 2], " ,");
        }
        for pieces in 2..40 {
            assert_eq!(split_elements(&text, 2, pieces), one, "{text} / {pieces}");
        }
    }
}

#[test]
fn parcel_stays_small() {
    // The geometry (a Vec, 24 bytes), the id (a boxed str, 16), zone, land use and the boxed
    // details (one pointer each), and index, multi and the id kind packed into the last 8:
    // the 72 bytes a parcel the memory figures in BENCHMARKS.md assume.
    assert_eq!(std::mem::size_of::<Parcel>(), 24 + 16 + 3 * 8 + 8);
}

#[test]
fn numeric_and_string_feature_ids_are_written_back_as_read() {
    let g = r#""geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}"#;
    let ids = [
        "\"a\"",
        "7",
        "-3",
        "1.5",
        "1e3",
        "-0.0",
        "18446744073709551615",
        "null",
    ];
    let features: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"type":"Feature","id":{id},"properties":{{"id":"P"}},{g}}}"#))
        .collect();
    let set = parse_parcels(fc(&features.join(",")).as_bytes(), "t").unwrap();
    for (p, id) in set.parcels.iter().zip(ids) {
        // The reference: serde_json's own reading of the same `id` text.
        let want: Value = serde_json::from_str(id).unwrap();
        let want = (!want.is_null()).then_some(want);
        assert_eq!(p.feature_id(), want, "{id}");
    }
    assert_eq!(set.parcels[7].id.as_str(), "P");
    assert_eq!(set.parcels[4].id.as_str(), "1000.0");
}

#[test]
fn invalid_utf8_is_reported_with_offset() {
    let mut bytes = fc("").into_bytes();
    bytes.insert(5, 0xFF);
    let e = parse_parcels(&bytes, "in.geojson").unwrap_err().to_string();
    assert!(e.contains("UTF-8") && e.contains("offset 5"), "{e}");
}

#[test]
fn write_then_read_round_trips_geometry_and_properties() {
    let props = r#"{"b":1,"a":"x","zone":null}"#;
    let text = fc(&square_feature("A", props));
    let set = parse_parcels(text.as_bytes(), "t").unwrap();
    let out: Vec<_> = set
        .parcels
        .iter()
        .map(|p| OutFeature::from_parcel(p).unwrap())
        .collect();
    let written = write_feature_collection(&out, &set.members);
    assert!(
        written.contains(r#""properties":{"b":1,"a":"x","zone":null}"#),
        "{written}"
    );
    let again = parse_parcels(written.as_bytes(), "t").unwrap();
    assert_eq!(again.parcels[0].geometry, set.parcels[0].geometry);
    assert_eq!(again.parcels[0].id, set.parcels[0].id);
}
