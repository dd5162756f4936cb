//! OGC/JTS validity conformance: `allot validate` on `tests/fixtures/validity/conformance.geojson`
//! (one parcel per validity rule, written by `make_fixtures.py` there; see its README) reports
//! each case's exact reason, ring and location, one finding per problem and none for valid
//! cases; and GEOS (through shapely, the engine behind PostGIS `ST_IsValidDetail`) words every
//! case the same way. The GEOS test fails, not skips, without python3 and shapely.

mod common;

use std::process::Command;

use serde_json::Value;

const FIXTURE: &str = "tests/fixtures/validity/conformance.geojson";

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(common::repo(FIXTURE)).unwrap();
    let fc: Value = serde_json::from_str(&text).unwrap();
    fc["features"].as_array().unwrap().clone()
}

#[test]
fn every_case_has_its_exact_reason_ring_and_location() {
    let path = common::repo(FIXTURE);
    let run = common::allot(
        &common::repo("."),
        &["validate", path.to_str().unwrap(), "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let cases = cases();
    assert!(cases.len() >= 25);
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        let props = &case["properties"];
        let got: Vec<&Value> = findings
            .iter()
            .filter(|f| f["kind"] == "invalid_geometry" && f["parcels"][0] == id)
            .collect();
        let reason = props["expect_reason"].as_str().unwrap();
        if reason == "Valid Geometry" {
            assert!(got.is_empty(), "{id}: valid, but allot says {got:?}");
            continue;
        }
        assert_eq!(got.len(), 1, "{id}: one finding per problem, got {got:?}");
        let at = props["expect_at"].as_array().unwrap();
        let (x, y) = (at[0].as_f64().unwrap(), at[1].as_f64().unwrap());
        let want = format!(
            "{reason} in {} at [{x:.7}, {y:.7}];",
            props["expect_ring"].as_str().unwrap()
        );
        let message = got[0]["message"].as_str().unwrap();
        assert!(
            message.starts_with(&want),
            "{id}: want {want:?}, got {message:?}"
        );
        let fat = got[0]["at"].as_array().unwrap();
        assert!(
            (fat[0].as_f64().unwrap() - x).abs() < 1e-9
                && (fat[1].as_f64().unwrap() - y).abs() < 1e-9,
            "{id}: at {fat:?}, want [{x}, {y}]"
        );
    }
}

#[test]
fn geos_words_every_case_as_the_fixture_expects() {
    let script = common::repo("tests/fixtures/validity/geos_reasons.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(common::repo(FIXTURE))
        .output()
        .expect("python3 is needed for the GEOS oracle (scripts/test.sh installs it)");
    assert!(
        out.status.success(),
        "the GEOS oracle failed (needs shapely 2: `pip install shapely`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let geos: std::collections::BTreeMap<&str, &str> =
        text.lines().filter_map(|l| l.split_once('\t')).collect();
    let cases = cases();
    assert_eq!(geos.len(), cases.len());
    for case in &cases {
        let id = case["id"].as_str().unwrap();
        assert_eq!(
            geos[id],
            case["properties"]["expect_reason"].as_str().unwrap(),
            "{id}: GEOS disagrees with the fixture"
        );
    }
}
