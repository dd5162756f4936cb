//! Bad input, end to end: every unreadable file gets exit 2, a message naming the file, the
//! feature (position and id) and the problem, no output file, and an unchanged input.

mod common;

use common::{allot, fc, files_in};

/// (case name, file bytes, substrings stderr must contain)
fn cases() -> Vec<(&'static str, Vec<u8>, Vec<&'static str>)> {
    let poly = |coords: &str| {
        fc(&[&format!(
            r#"{{"type":"Feature","id":"B7","properties":{{}},"geometry":{{"type":"Polygon","coordinates":{coords}}}}}"#
        )])
        .into_bytes()
    };
    let geom = |g: &str| {
        fc(&[&format!(
            r#"{{"type":"Feature","id":"B7","properties":{{}},"geometry":{g}}}"#
        )])
        .into_bytes()
    };
    let f1 = "feature 1 (id \"B7\")";
    vec![
        ("empty file", vec![], vec!["empty"]),
        ("whitespace only", b"  \n\t ".to_vec(), vec!["empty"]),
        ("not json", b"hello".to_vec(), vec!["not valid JSON", ":1:1"]),
        (
            "truncated json",
            b"{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Fea".to_vec(),
            vec!["not valid JSON", "EOF"],
        ),
        (
            "bare geometry",
            br#"{"type":"Polygon","coordinates":[[[67,24],[68,24],[68,25],[67,24]]]}"#.to_vec(),
            vec!["bare Polygon"],
        ),
        ("bare array", b"[1,2,3]".to_vec(), vec!["a JSON array"]),
        ("string document", b"\"x\"".to_vec(), vec!["a JSON string"]),
        (
            "no features member",
            br#"{"type":"FeatureCollection"}"#.to_vec(),
            vec!["no \"features\""],
        ),
        ("null geometry", geom("null"), vec![f1, "geometry is null"]),
        (
            "point geometry",
            geom(r#"{"type":"Point","coordinates":[67,24]}"#),
            vec![f1, "Point"],
        ),
        (
            "line geometry",
            geom(r#"{"type":"LineString","coordinates":[[67,24],[68,24]]}"#),
            vec![f1, "LineString"],
        ),
        (
            "one-number position",
            poly("[[[0],[1,1],[1,0],[0]]]"),
            vec![f1, "1 number"],
        ),
        (
            "NaN",
            poly("[[[NaN,24],[68,24],[68,25],[NaN,24]]]"),
            vec!["not valid JSON"],
        ),
        (
            "Infinity",
            poly("[[[Infinity,24],[68,24],[68,25],[67,24]]]"),
            vec!["not valid JSON"],
        ),
        (
            "number too large",
            poly("[[[1e999,24],[68,24],[68,25],[67,24]]]"),
            vec![f1, "number out of range", "line 2"],
        ),
        (
            "string as number",
            poly(r#"[[["67.1",24],[68,24],[68,25],[67,24]]]"#),
            vec![f1, "invalid type: string", "line 2"],
        ),
        (
            "latitude beyond 90",
            poly("[[[67,24],[68,24],[68,91],[67,24]]]"),
            vec![f1, "latitude 91 is outside [-90, 90]", "position 3"],
        ),
        (
            "projected metres",
            poly("[[[332000,2744000],[333000,2744000],[333000,2745000],[332000,2744000]]]"),
            vec![f1, "projected metres", "EPSG:32642", "ogr2ogr"],
        ),
        (
            "ring of 3 positions",
            poly("[[[67,24],[68,24],[67,24]]]"),
            vec![f1, "3 positions"],
        ),
        (
            "unclosed ring",
            poly("[[[67,24],[68,24],[68,25],[67,25]]]"),
            vec![f1, "not closed"],
        ),
        ("empty coordinates", poly("[]"), vec![f1, "empty Polygon"]),
        (
            "empty multipolygon",
            geom(r#"{"type":"MultiPolygon","coordinates":[]}"#),
            vec![f1, "empty MultiPolygon"],
        ),
        (
            "antimeridian",
            poly("[[[179.9,10],[-179.9,10],[-179.9,11],[179.9,10]]]"),
            vec![f1, "antimeridian", "split it"],
        ),
        (
            "geometry without type",
            geom(r#"{"coordinates":[]}"#),
            vec![f1, "missing field `type`"],
        ),
        (
            "feature id object",
            fc(&[r#"{"type":"Feature","id":{"a":1},"properties":{},"geometry":null}"#]).into_bytes(),
            vec!["feature 1", "id must be a string or a number"],
        ),
        (
            "properties array",
            fc(&[r#"{"type":"Feature","id":"B7","properties":[1],"geometry":null}"#]).into_bytes(),
            vec!["feature 1", "properties must be a JSON object"],
        ),
        (
            "feature is a number",
            fc(&["42"]).into_bytes(),
            vec!["feature 1 (no id)", "not a GeoJSON Feature", "a number"],
        ),
        (
            "10,000 nested arrays",
            fc(&[&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))]).into_bytes(),
            vec!["feature 1", "found an array"],
        ),
        (
            "10,000 nested arrays in coordinates",
            poly(&format!("{}{}", "[".repeat(10_000), "]".repeat(10_000))),
            vec![f1, "invalid type: sequence, expected a number"],
        ),
        (
            "invalid utf-8",
            {
                let mut b = fc(&[]).into_bytes();
                b.insert(3, 0xC3);
                b
            },
            vec!["not UTF-8", "offset 3"],
        ),
        (
            "projected legacy crs",
            br#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32642"}},"features":[]}"#.to_vec(),
            vec!["crs", "EPSG::32642", "WGS84"],
        ),
        (
            "second feature bad, id from properties",
            fc(&[
                &common::square("A", 67.0, 24.0, 0.01, "{}"),
                r#"{"type":"Feature","properties":{"id":"Q-2"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67,24]]]}}"#,
            ])
            .into_bytes(),
            vec!["feature 2 (id \"Q-2\")", "2 positions"],
        ),
    ]
}

#[test]
fn summary_rejects_each_bad_input_with_exit_2_and_a_precise_message() {
    let cases = cases();
    assert!(cases.len() >= 30, "{} cases", cases.len());
    for (name, bytes, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("in.geojson"), &bytes).unwrap();
        let r = allot(dir.path(), &["summary", "in.geojson"]);
        assert_eq!(r.code, 2, "{name}: exit code; stderr: {}", r.stderr);
        assert!(r.stdout.is_empty(), "{name}: stdout {:?}", r.stdout);
        assert!(
            r.stderr.starts_with("allot: in.geojson"),
            "{name}: {}",
            r.stderr
        );
        for e in expect {
            assert!(
                r.stderr.contains(e),
                "{name}: expected {e:?} in {}",
                r.stderr
            );
        }
        assert_eq!(
            r.stderr.lines().count(),
            1,
            "{name}: one line: {}",
            r.stderr
        );
        assert_eq!(
            std::fs::read(dir.path().join("in.geojson")).unwrap(),
            bytes,
            "{name}"
        );
        assert_eq!(files_in(dir.path()), ["in.geojson"], "{name}");
    }
}

#[test]
fn missing_file_and_directory_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let r = allot(dir.path(), &["summary", "nope.geojson"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("nope.geojson: cannot read"),
        "{}",
        r.stderr
    );
    std::fs::create_dir(dir.path().join("d")).unwrap();
    let r = allot(dir.path(), &["summary", "d"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("directory"), "{}", r.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["summary"],
        vec!["frobnicate"],
        vec!["summary", "x.geojson", "--units", "furlongs"],
    ] {
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
    }
}
