//! End-to-end: the same land in another feature order gives the same plan.
//!
//! QA found that the PSM site converted to FlatGeobuf (whose writer sorts features spatially)
//! planned a different mill from the GeoJSON (`--zone sindh_mill=700 --require-access port`:
//! 20 parcels at Polsby-Popper 0.460 instead of 28 at 0.659). These tests plan copies of the
//! input with the features shuffled (seeded) and with every ring reversed, and check that each
//! parcel gets the zone it gets in the original, and that the output keeps the copy's own
//! feature order.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

mod common;

/// `doc` with its features in a seeded random order (Fisher-Yates).
fn shuffled(doc: &Value, seed: u64) -> Value {
    let mut doc = doc.clone();
    let features = doc["features"].as_array_mut().expect("features");
    let mut rng = common::Rng(seed);
    for i in (1..features.len()).rev() {
        features.swap(i, rng.below(i + 1));
    }
    doc
}

/// `doc` with every ring of every polygon reversed (the other winding, same vertices).
fn reversed(doc: &Value) -> Value {
    let mut doc = doc.clone();
    for f in doc["features"].as_array_mut().expect("features") {
        let g = &mut f["geometry"];
        let multi = g["type"] == "MultiPolygon";
        let polys: Vec<&mut Value> = if multi {
            g["coordinates"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .collect()
        } else {
            vec![&mut g["coordinates"]]
        };
        for poly in polys {
            for ring in poly.as_array_mut().unwrap() {
                ring.as_array_mut().unwrap().reverse();
            }
        }
    }
    doc
}

/// Plans `doc` (written as `name` in `dir`) with `args` and returns the output's features
/// as (key, zone) in output order, keyed by `key`.
fn plan(
    dir: &Path,
    name: &str,
    doc: &Value,
    args: &[&str],
    key: &dyn Fn(&Value) -> String,
) -> Vec<(String, String)> {
    let input = dir.join(format!("{name}.geojson"));
    std::fs::write(&input, serde_json::to_string(doc).unwrap()).unwrap();
    let output = format!("{name}-plan.geojson");
    let run = common::allot(
        dir,
        &[
            &["plan", "-q", input.to_str().unwrap(), "-o", &output],
            args,
        ]
        .concat(),
    );
    assert_eq!(run.code, 0, "{name}: {}", run.stderr);
    let out: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(output)).unwrap())
        .expect("the plan is JSON");
    out["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let zone = f["properties"]["zone"]
                .as_str()
                .expect("a zone")
                .to_string();
            (key(f), zone)
        })
        .collect()
}

/// The keys of `doc`'s features in file order.
fn keys(doc: &Value, key: &dyn Fn(&Value) -> String) -> Vec<String> {
    doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(key)
        .collect()
}

/// Plans `doc` and its shuffled, reversed and shuffled-and-reversed copies, and checks that
/// every copy gives each feature (by `key`) the original's zone, in the copy's own order.
fn same_plan_in_any_order(doc: &Value, args: &[&str], key: &dyn Fn(&Value) -> String) {
    let dir = tempfile::tempdir().unwrap();
    let original = plan(dir.path(), "original", doc, args, key);
    assert_eq!(
        original.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
        keys(doc, key),
        "the plan keeps the input's feature order"
    );
    let zones: BTreeMap<String, String> = original.into_iter().collect();
    assert!(
        zones.values().any(|z| z != "retained"),
        "the original plan has a zone to compare"
    );
    let copies = [
        ("shuffled-1", shuffled(doc, 1)),
        ("shuffled-2", shuffled(doc, 2)),
        ("reversed", reversed(doc)),
        ("shuffled-reversed", reversed(&shuffled(doc, 3))),
    ];
    for (name, copy) in &copies {
        let got = plan(dir.path(), name, copy, args, key);
        assert_eq!(
            got.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>(),
            keys(copy, key),
            "{name}: the plan keeps the input's feature order"
        );
        let moved: Vec<String> = got
            .iter()
            .filter(|(k, z)| zones.get(k) != Some(z))
            .map(|(k, z)| format!("{k}: {z} (original: {:?})", zones.get(k)))
            .collect();
        assert!(
            moved.is_empty(),
            "{name}: {} parcels in another zone than in the original order: {}",
            moved.len(),
            moved.join("; ")
        );
    }
}

#[test]
fn psm_site_in_another_order_gets_the_same_zones() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(common::repo("data/psm-site.geojson")).unwrap(),
    )
    .unwrap();
    same_plan_in_any_order(
        &doc,
        &["--zone", "sindh_mill=700", "--require-access", "port"],
        &|f| f["id"].as_str().expect("PSM parcels have ids").to_string(),
    );
}

#[test]
fn parcels_without_ids_in_another_order_get_the_same_zones() {
    // A 6 × 6 grid of 0.005° cells with no ids (their ids are their positions, `#N`, which
    // move with them): the zone of 5 cells has many equally short shapes, so it is the order
    // the planner sees the cells in that picks one. Cells are matched by their south-west
    // corner.
    let mut cells = Vec::new();
    for r in 0..6 {
        for c in 0..6 {
            let x = |k: usize| (67_000 + 5 * k) as f64 / 1000.0;
            let y = |k: usize| (24_800 + 5 * k) as f64 / 1000.0;
            let (x0, x1, y0, y1) = (x(c), x(c + 1), y(r), y(r + 1));
            cells.push(format!(
                r#"{{"type":"Feature","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
            ));
        }
    }
    let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
    let doc: Value = serde_json::from_str(&common::fc(&refs)).unwrap();
    let corner = |f: &Value| {
        let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
        let (mut x, mut y) = (f64::INFINITY, f64::INFINITY);
        for p in ring {
            x = x.min(p[0].as_f64().unwrap());
            y = y.min(p[1].as_f64().unwrap());
        }
        format!("{x:.3},{y:.3}")
    };
    let cell_acres = {
        let set = allot::parse_parcels(common::fc(&refs[..1]).as_bytes(), "cell").unwrap();
        common::total_acres(&set)
    };
    let target = format!("mill={}", 5.0 * cell_acres);
    same_plan_in_any_order(&doc, &["--zone", &target, "--tolerance", "1"], &corner);
}
