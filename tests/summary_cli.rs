//! `allot summary` end to end: areas against independent values, odd-but-valid input accepted.

mod common;

use common::{allot, fc, repo, square};

// Independent truth: pyproj 3 `Geod(ellps="WGS84").polygon_area_perimeter` (GeographicLib) gives
// 1,126,941.7262101173 m² for the 0.01° square with its south-west corner at 67 E, 24 N,
// i.e. 278.47584 acres.
const SQUARE_67_24_M2: f64 = 1_126_941.726_210_117_3;

fn json(r: &common::Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}", r.stdout))
}

#[test]
fn measures_a_known_square_in_every_unit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.geojson"),
        fc(&[&square("A", 67.0, 24.0, 0.01, r#"{"zone":"z"}"#)]),
    )
    .unwrap();
    for (unit, per_m2) in [
        ("acres", 1.0 / 4046.8564224),
        ("hectares", 1e-4),
        ("m2", 1.0),
        ("kanal", 8.0 / 4046.8564224),
    ] {
        let r = allot(
            dir.path(),
            &["summary", "a.geojson", "--format", "json", "--units", unit],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = json(&r);
        let expect = SQUARE_67_24_M2 * per_m2;
        let got = v["total_area"].as_f64().unwrap();
        assert!(
            (got - expect).abs() <= expect * 1e-9 + 1e-4,
            "{unit}: {got} vs {expect}"
        );
        assert_eq!(v["units"], unit);
        assert_eq!(v["by_zone"]["z"]["parcels"], 1);
    }
}

/// A marla is 272.25, 250 or 225 sq ft (1 sq ft = 0.09290304 m² exactly); the JSON says which
/// beside `units`, and says nothing of marlas in other units.
#[test]
fn marla_areas_carry_their_size() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.geojson"),
        fc(&[&square("A", 67.0, 24.0, 0.01, "{}")]),
    )
    .unwrap();
    for sqft in ["272.25", "250", "225"] {
        let r = allot(
            dir.path(),
            &[
                "summary",
                "a.geojson",
                "--format",
                "json",
                "--units",
                "marla",
                "--marla-sqft",
                sqft,
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = json(&r);
        let size: f64 = sqft.parse().unwrap();
        let expect = SQUARE_67_24_M2 / (size * 0.092_903_04);
        let got = v["total_area"].as_f64().unwrap();
        assert!(
            (got - expect).abs() <= expect * 1e-9 + 1e-4,
            "{sqft}: {got} vs {expect}"
        );
        assert_eq!(v["units"], "marla");
        assert_eq!(v["marla_sqft"].as_f64(), Some(size), "{}", r.stdout);
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys[1..3], ["units", "marla_sqft"]);
    }
    let r = allot(dir.path(), &["summary", "a.geojson", "--format", "json"]);
    assert!(json(&r).get("marla_sqft").is_none(), "{}", r.stdout);
}

#[test]
fn clockwise_holes_multipolygons_3d_bom_bbox_and_odd_names_are_accepted() {
    // Parcel H: a 0.02° square with a 0.01° hole (hole clockwise, shell clockwise too);
    // parcel M: a MultiPolygon of the hole's square and a far square, with Z values.
    let h = r#"{"type":"Feature","id":"H","properties":{"name":"a[b <script>"},"geometry":{"type":"Polygon","coordinates":[
        [[67,24],[67,24.02],[67.02,24.02],[67.02,24],[67,24]],
        [[67.005,24.005],[67.005,24.015],[67.015,24.015],[67.015,24.005],[67.005,24.005]]]}}"#;
    let m = r#"{"type":"Feature","id":9,"properties":null,"geometry":{"type":"MultiPolygon","coordinates":[
        [[[67.005,24.005,1],[67.015,24.005,1],[67.015,24.015,1],[67.005,24.015,1],[67.005,24.005,1]]],
        [[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]]}}"#;
    let text = format!(
        "\u{feff}{{\"bbox\":[67,24,67.02,24.02],\"name\":\"psm [test]\",\"type\":\"FeatureCollection\",\"features\":[{h},{m}]}}"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("odd.geojson"), text).unwrap();
    let r = allot(
        dir.path(),
        &[
            "summary",
            "odd.geojson",
            "--format",
            "json",
            "--units",
            "m2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r);
    assert_eq!(v["parcels"], 2);
    // H = 0.02° square − 0.01° hole; M = hole square + 0.01° square: H + M = 0.02° square + 0.01° square.
    // pyproj: the 0.02° square at 67 E 24 N is 4,507,595.623432159 m².
    let expect = 4_507_595.623_432_159 + SQUARE_67_24_M2;
    let got = v["total_area"].as_f64().unwrap();
    assert!((got - expect).abs() < 0.01, "{got} vs {expect}");
}

#[test]
fn empty_collection_is_refused_and_stdin_works() {
    // Issue 16: an empty collection was "0 parcels", exit 0; it is now refused, exit 2.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("e.geojson"), fc(&[])).unwrap();
    let r = allot(dir.path(), &["summary", "e.geojson"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr.contains("e.geojson: no parcels in the file"),
        "{}",
        r.stderr
    );

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["summary", "-", "--format", "json"])
        .stdin(std::fs::File::open(repo("data/psm-site.geojson")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "<stdin>");
}

#[test]
fn bundled_site_is_about_10300_acres_and_illustrative() {
    let dir = tempfile::tempdir().unwrap();
    let site = repo("data/psm-site.geojson");
    let r = allot(
        dir.path(),
        &["summary", site.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r);
    assert_eq!(v["illustrative"], true);
    // data/README.md: pyproj Geod(WGS84) gives 10,300.00 acres for the fabric.
    let total = v["total_area"].as_f64().unwrap();
    assert!((total - 10_300.0).abs() < 0.01, "{total}");
    let twice = allot(
        dir.path(),
        &["summary", site.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(twice.stdout, r.stdout);
}
