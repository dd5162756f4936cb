//! Placement mistakes caught against a `--site` boundary (`allot validate --site`): the PSM
//! site with longitude and latitude swapped (measured at 4,409.71 acres in Lapland and accepted
//! before) is refused with exit 2; the same site read on the wrong datum (a WGS 84 / UTM 42N
//! Shapefile declared as Kalianpur 1962 / UTM 42N, about 265 m off) gets a warning naming the
//! datum; the real data gets neither. GDAL's `ogr2ogr` makes the Shapefile (required).

mod common;

use std::process::Command;

fn site() -> String {
    common::repo("data/psm-site.geojson")
        .to_str()
        .unwrap()
        .to_string()
}

fn boundary() -> String {
    common::repo("data/psm-boundary.geojson")
        .to_str()
        .unwrap()
        .to_string()
}

#[test]
fn swapped_psm_site_is_refused_and_the_real_one_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(site()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    for f in doc["features"].as_array_mut().unwrap() {
        let g = &mut f["geometry"];
        let swap = |ring: &mut serde_json::Value| {
            for p in ring.as_array_mut().unwrap() {
                let a = p[0].clone();
                p[0] = p[1].clone();
                p[1] = a;
            }
        };
        let polys: Vec<&mut serde_json::Value> = if g["type"] == "Polygon" {
            vec![&mut g["coordinates"]]
        } else {
            g["coordinates"]
                .as_array_mut()
                .unwrap()
                .iter_mut()
                .collect()
        };
        for poly in polys {
            for ring in poly.as_array_mut().unwrap() {
                swap(ring);
            }
        }
    }
    let swapped = dir.path().join("swapped.geojson");
    std::fs::write(&swapped, doc.to_string()).unwrap();
    let r = common::allot(
        dir.path(),
        &["validate", swapped.to_str().unwrap(), "--site", &boundary()],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("longitude and latitude look swapped"),
        "{}",
        r.stderr
    );
    let real = common::allot(dir.path(), &["validate", &site(), "--site", &boundary()]);
    assert_ne!(real.code, 2, "{}", real.stderr);
    assert!(
        !real.stderr.contains("swapped") && !real.stderr.contains("warning"),
        "{}",
        real.stderr
    );
}

#[test]
fn a_fabric_on_the_wrong_datum_gets_a_datum_warning() {
    let dir = tempfile::tempdir().unwrap();
    let shp = dir.path().join("utm.shp");
    let out = Command::new("ogr2ogr")
        .args([
            "-f",
            "ESRI Shapefile",
            "-t_srs",
            "EPSG:32642",
            "-mapFieldType",
            "StringList=String",
        ])
        .arg(&shp)
        .arg(site())
        .output()
        .expect("ogr2ogr (Debian gdal-bin) must be installed to run this test");
    assert!(out.status.success());
    let wrong = common::allot(
        dir.path(),
        &[
            "validate",
            shp.to_str().unwrap(),
            "--crs",
            "EPSG:24312",
            "--site",
            &boundary(),
        ],
    );
    assert!(wrong.stderr.contains("warning"), "{}", wrong.stderr);
    assert!(wrong.stderr.contains("Kalianpur 1962"), "{}", wrong.stderr);
    // The same warning in the JSON report, typed.
    let json = common::allot(
        dir.path(),
        &[
            "validate",
            shp.to_str().unwrap(),
            "--crs",
            "EPSG:24312",
            "--site",
            &boundary(),
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect(&json.stderr);
    let ws = v["warnings"].as_array().unwrap();
    assert_eq!(ws.len(), 1, "{ws:?}");
    assert_eq!(ws[0]["kind"], "datum_shift");
    assert!(
        ws[0]["message"]
            .as_str()
            .unwrap()
            .contains("Kalianpur 1962"),
        "{ws:?}"
    );
    let right = common::allot(
        dir.path(),
        &["validate", shp.to_str().unwrap(), "--site", &boundary()],
    );
    assert!(!right.stderr.contains("warning"), "{}", right.stderr);
    assert_eq!(right.code, 0, "{} {}", right.stdout, right.stderr);
}
