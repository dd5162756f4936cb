//! Regression tests for what outside-data QA found (`scripts/qa/`): each test names the
//! fixture in `tests/fixtures/qa/` (README there) and the wrong answer allot gave before.

mod common;

use common::{allot, repo};

fn json(r: &common::Run) -> serde_json::Value {
    serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{e}: {}\n{}", r.stdout, r.stderr))
}

/// The kinds and parcel lists of a `validate --format json` report, in order.
fn findings(v: &serde_json::Value) -> Vec<(String, Vec<String>)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let ids = f["parcels"].as_array().unwrap();
            (
                f["kind"].as_str().unwrap().to_string(),
                ids.iter()
                    .map(|p| p.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

/// `blank-fields.shp` (ogr2ogr of `blank-fields.geojson`): the last two records have a blank
/// `id` and `zone`, which GDAL reads as null. allot read them as "" and reported a zone named
/// "" in two pieces and the id "" used twice; it must read what the GeoJSON says: two unzoned
/// parcels `#3` and `#4`, no duplicate id.
#[test]
fn blank_shapefile_text_is_null_like_the_geojson_it_came_from() {
    let dir = repo("tests/fixtures/qa");
    let shp = allot(&dir, &["validate", "blank-fields.shp", "--format", "json"]);
    let geojson = allot(
        &dir,
        &["validate", "blank-fields.geojson", "--format", "json"],
    );
    assert_eq!(shp.code, 1, "{}", shp.stderr);
    let (s, g) = (json(&shp), json(&geojson));
    let expect = vec![
        ("unzoned".to_string(), vec!["#3".to_string()]),
        ("unzoned".to_string(), vec!["#4".to_string()]),
    ];
    assert_eq!(findings(&g), expect);
    assert_eq!(findings(&s), expect);
    assert_eq!(s["zones"], g["zones"]);
    assert_eq!(s["zones"].as_object().unwrap().len(), 1, "{}", s["zones"]);
}
