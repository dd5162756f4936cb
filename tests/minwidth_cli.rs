//! End-to-end: the minimum-width rule (`plan --min-width`, `metadata.zones[].min_width_m`,
//! `validate`'s `zone_width` findings) on the hand-made fixtures in tests/fixtures/minwidth
//! (see its README): a 40 m spur and a 60 m neck are refused at 100 m and accepted at 30 m,
//! and a 40 m road with the zone on both sides is internal.

mod common;

use std::collections::BTreeSet;

use common::{allot, repo};
use serde_json::Value;

fn fixture(name: &str) -> String {
    repo(&format!("tests/fixtures/minwidth/{name}"))
        .display()
        .to_string()
}

/// The ids of the parcels of `zone` in a plan file.
fn members(path: &std::path::Path, zone: &str) -> BTreeSet<String> {
    let doc: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["zone"] == zone)
        .map(|f| f["properties"]["id"].as_str().unwrap().to_string())
        .collect()
}

/// The 40.4 m strip `S` under C00 is the only way into the band (two cells and S); it hangs
/// off the zone by its end, a spur.
#[test]
fn a_40_m_spur_is_refused_at_100_m_and_accepted_at_30_m() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("spur.geojson");
    let r = allot(dir.path(), &["plan", &input, "-o", "plan.geojson"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("cannot plan zone \"mill\"")
            && r.stderr.contains(": min-width: ")
            && r.stderr.contains("parcel S (40.4 m wide")
            && r.stderr
                .contains("is a spur narrower than the minimum width of 100 m"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("plan.geojson").exists());
    let r = allot(
        dir.path(),
        &["plan", &input, "-o", "plan.geojson", "--min-width", "30"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mill = members(&dir.path().join("plan.geojson"), "mill");
    assert!(mill.contains("S") && mill.contains("C00"), "{mill:?}");
    assert_eq!(mill.len(), 3);
    // The plan records the width it was planned with, and validates clean under it...
    let plan: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("plan.geojson")).unwrap()).unwrap();
    assert_eq!(plan["metadata"]["zones"][0]["min_width_m"], 30.0);
    let v = allot(dir.path(), &["validate", "plan.geojson"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    // ... and `validate --min-width 100` names the spur.
    let v = allot(
        dir.path(),
        &[
            "validate",
            "plan.geojson",
            "--min-width",
            "100",
            "--format",
            "json",
        ],
    );
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    let report: Value = serde_json::from_str(&v.stdout).unwrap();
    let found: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "zone_width")
        .collect();
    assert_eq!(found.len(), 1, "{}", v.stdout);
    assert_eq!(found[0]["parcels"], serde_json::json!(["S"]));
    assert_eq!(found[0]["zone"], "mill");
    assert!(
        found[0]["message"].as_str().unwrap().contains("spur"),
        "{}",
        v.stdout
    );
}

/// Cells A and B are joined only through N, a 59.8 m × 202 m strip touching each by its
/// 59.8 m end: a neck.
#[test]
fn a_60_m_neck_is_refused_at_100_m_and_accepted_at_30_m() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("neck.geojson");
    let r = allot(dir.path(), &["plan", &input, "-o", "plan.geojson"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(": min-width: ")
            && r.stderr.contains("parcel N (59.8 m wide")
            && r.stderr
                .contains("is a neck narrower than the minimum width of 100 m"),
        "{}",
        r.stderr
    );
    // The zone's metadata can set the width (and the plan carries it).
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&input).unwrap()).unwrap();
    doc["metadata"]["zones"][0]["min_width_m"] = 30.0.into();
    std::fs::write(dir.path().join("in.geojson"), doc.to_string()).unwrap();
    let r = allot(dir.path(), &["plan", "in.geojson", "-o", "plan.geojson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mill = members(&dir.path().join("plan.geojson"), "mill");
    assert_eq!(
        mill,
        ["A", "B", "N"].iter().map(|s| s.to_string()).collect()
    );
    // The flag overrides the metadata: 60 m is more than N's 59.8 m.
    let r = allot(
        dir.path(),
        &[
            "plan",
            "in.geojson",
            "-o",
            "flag.geojson",
            "--min-width",
            "60",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("minimum width of 60 m"), "{}", r.stderr);
    // 0 turns the rule off.
    let r = allot(
        dir.path(),
        &["plan", &input, "-o", "off.geojson", "--min-width", "0"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // validate on the plan made at 30 m: clean; at 100 m the neck is a finding naming N.
    let v = allot(dir.path(), &["validate", "plan.geojson"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let v = allot(
        dir.path(),
        &["validate", "plan.geojson", "--min-width", "100"],
    );
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    assert!(
        v.stdout.contains(
            "zone mill: parcel N (59.8 m wide, 59.8 m of boundary with the rest) is a neck"
        ),
        "{}",
        v.stdout
    );
}

/// A 39.9 m road R crosses the zone with two cells on each side, sharing 1,016 m with them on
/// each side: internal, not a neck, so the zone (all five parcels) is planned at 100 m.
#[test]
fn a_corridor_with_the_zone_on_both_sides_is_not_a_neck() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("corridor.geojson");
    let r = allot(dir.path(), &["plan", &input, "-o", "plan.geojson"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mill = members(&dir.path().join("plan.geojson"), "mill");
    assert!(mill.contains("R"), "{mill:?}");
    assert_eq!(mill.len(), 5);
    let v = allot(
        dir.path(),
        &["validate", "plan.geojson", "--min-width", "100"],
    );
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}
