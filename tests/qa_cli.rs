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

/// `allot plan INPUT --zone ZONE --split --min-width 0` in `dir`, writing `plan.geojson` and
/// the schedule `s.json`; asserts exit 0 and returns the schedule.
fn split_plan(dir: &std::path::Path, input: &str, zone: &str) -> serde_json::Value {
    let args = [
        "plan",
        input,
        "-o",
        "plan.geojson",
        "--zone",
        zone,
        "--split",
        "--min-width",
        "0",
        "--schedule",
        "s.json",
        "-q",
    ];
    let r = allot(dir, &args);
    assert_eq!(r.code, 0, "{zone}: {}", r.stderr);
    serde_json::from_slice(&std::fs::read(dir.join("s.json")).unwrap()).unwrap()
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

/// `plan --split` on `streets.geojson` (a street grid of house plots whose corners sit on the
/// roads' and the other row's edges without being vertices there, so neighbours overlap by
/// hairlines of a few mm², as real digitised land does). allot answered `cut: no parcel on the
/// edge of a compact zone … can be cut` for most targets: it refused every cut whose pieces
/// overlapped a neighbour by more than 1e-9 of their area, which the uncut plot already did,
/// and it searched for whole-parcel zones within the 1-acre tolerance, farther from the target
/// than one 0.2–1 acre plot can make up. Each target below must now plan, to 0.01 acre, and
/// the plan must pass `allot validate` (no overlap, no gap, zone on target).
#[test]
fn split_plans_on_house_plots_with_t_junctions() {
    let fixtures = repo("tests/fixtures/qa");
    let dir = tempfile::tempdir().unwrap();
    let input = fixtures.join("streets.geojson");
    let input = input.to_str().unwrap();
    for target in [3, 4, 5, 8, 15, 20] {
        let zone = format!("big={target}");
        let s = split_plan(dir.path(), input, &zone);
        let acres = s["zones"][0]["acres"].as_f64().unwrap();
        assert!(
            (acres - target as f64).abs() <= 0.01,
            "target {target}: {acres}"
        );
        assert_eq!(s["splits"].as_array().unwrap().len(), 1, "target {target}");
        let v = allot(dir.path(), &["validate", "plan.geojson"]);
        assert_eq!(v.code, 0, "target {target}: {}{}", v.stdout, v.stderr);
    }
}

/// A zone smaller than the parcel it is cut from: two 0.001° cells (2.767635 acres each by
/// pyproj `Geod(ellps="WGS84")`: 11,200.222274 m²), target 1.5 acres with `--split`. allot
/// answered `cut: no parcel … can be cut`: completing a one-parcel zone by cutting that parcel
/// left no other parcel for the piece to join, and it was refused for touching none.
#[test]
fn split_cuts_a_zone_out_of_a_single_parcel() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("two.geojson"),
        common::fc(&[
            &common::square("A", 67.30, 24.80, 0.001, "{}"),
            &common::square("B", 67.301, 24.80, 0.001, "{}"),
        ]),
    )
    .unwrap();
    let s = split_plan(dir.path(), "two.geojson", "a=1.5");
    assert!(
        (s["zones"][0]["acres"].as_f64().unwrap() - 1.5).abs() <= 0.01,
        "{s}"
    );
    assert_eq!(s["zones"][0]["parcels"], 1, "{s}");
    assert_eq!(s["splits"].as_array().unwrap().len(), 1, "{s}");
    let v = allot(dir.path(), &["validate", "plan.geojson"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("plan.geojson")).unwrap()).unwrap();
    let pieces: Vec<f64> = plan["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["split_from"] == "A" || f["properties"]["split_from"] == "B")
        .map(|f| f["properties"]["area_acres"].as_f64().unwrap())
        .collect();
    assert_eq!(pieces.len(), 2);
    let parent = 11_200.222_274_065 / 4_046.856_422_4;
    assert!(
        (pieces.iter().sum::<f64>() - parent).abs() <= 2e-6,
        "{pieces:?} vs {parent}"
    );
}

/// A target smaller than every parcel that may be cut. On `tests/fixtures/plan/grid.geojson`
/// (48 parcels of 33.9 to 52.9 acres) 1 and 0.5 acre were refused (`area: no contiguous set of
/// whole parcels comes near enough`: the search looked for whole-parcel zones within 0.6 of a
/// median parcel of the target, and no parcel is that small; and a piece under 3% of its
/// parcel was never cut); on the bundled PSM site, 1 acre with the default 100 m minimum width
/// was refused (`cut: no parcel … can be cut`: the zones found near 1 acre were 3-acre road
/// corridors, which are never cut, and a cut parallel to an edge left a strip, a sliver).
/// Each plan must cut the zone out of one parcel, exactly, and validate clean.
#[test]
fn split_cuts_a_target_smaller_than_every_parcel_out_of_one_parcel() {
    let dir = tempfile::tempdir().unwrap();
    let grid = repo("tests/fixtures/plan/grid.geojson");
    let psm = repo("data/psm-site.geojson");
    for (input, target, min_width) in [(&grid, 1.0, "0"), (&grid, 0.5, "0"), (&psm, 1.0, "100")] {
        let zone = format!("mill={target}");
        let args = [
            "plan",
            input.to_str().unwrap(),
            "-o",
            "plan.geojson",
            "--zone",
            &zone,
            "--split",
            "--min-width",
            min_width,
            "--schedule",
            "s.json",
            "-q",
        ];
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 0, "{zone}: {}", r.stderr);
        let s: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.path().join("s.json")).unwrap()).unwrap();
        let mill = &s["zones"][0];
        assert_eq!(mill["name"], "mill", "{s}");
        assert!(
            (mill["acres"].as_f64().unwrap() - target).abs() <= 0.01,
            "{zone}: {s}"
        );
        assert_eq!(mill["parcels"], 1, "{zone}: {s}");
        let splits = s["splits"].as_array().unwrap();
        assert_eq!(splits.len(), 1, "{zone}: {s}");
        assert_eq!(splits[0]["zones"][0], "mill", "{zone}: {s}");
        let v = allot(dir.path(), &["validate", "plan.geojson"]);
        assert_eq!(v.code, 0, "{zone}: {}{}", v.stdout, v.stderr);
    }
}

/// `voronoi.geojson` (`scripts/qa/make_fabrics.py --seed 1`), zones `a=100` and `b=150` with
/// `--split` and two locks: zone b's cut left the rest of its parcel (0.05 acre) closed in by
/// the zones, so the plan's retained land was in two pieces and `validate` of the plan exited
/// 1 (`not_contiguous`). A cut whose rest would touch no open land is now passed over.
#[test]
fn a_cut_never_leaves_its_rest_closed_in_by_the_zones() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo("tests/fixtures/qa/voronoi.geojson");
    let args = [
        "plan",
        input.to_str().unwrap(),
        "-o",
        "plan.geojson",
        "--zone",
        "a=100",
        "--zone",
        "b=150",
        "--split",
        "--lock",
        "V100=b",
        "--lock",
        "V000=retained",
        "-q",
    ];
    let r = allot(dir.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = allot(dir.path(), &["validate", "plan.geojson"]);
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
}

/// Integer columns of a Shapefile allot writes (the findings' `parcel_count`, a plan's integer
/// properties) were `N(20,0)`, which GDAL, and so QGIS, reads as Real (GDAL: under 10 characters
/// Integer, up to 18 Integer64, wider Real). `ogrinfo` must now call `parcel_count` an Integer.
#[test]
fn shapefile_integer_columns_read_back_as_integers_in_gdal() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo("tests/fixtures/qa/blank-fields.geojson");
    let r = allot(
        dir.path(),
        &[
            "validate",
            input.to_str().unwrap(),
            "--findings",
            "f.shp",
            "-q",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    // CI installs gdal-bin; a missing ogrinfo is a failure, not a skip.
    let o = std::process::Command::new("ogrinfo")
        .args(["-al", "-so", "f_points.shp"])
        .current_dir(dir.path())
        .output()
        .expect("ogrinfo (Debian gdal-bin) must be installed to run this test");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    assert!(text.contains("Feature Count: 2"), "{text}");
    assert!(text.contains("parcel_cou: Integer ("), "{text}");
}

/// `degrees-as-utm.shp` holds `blank-fields.geojson`'s longitude/latitude degrees under a
/// `.prj` declaring WGS 84 / UTM zone 42N (`ogr2ogr -a_srs EPSG:32642`). allot read the
/// degrees as metres: `summary` said 0.00 acres, exit 0, with no warning. Now a warning names
/// the file, the declared CRS and that the coordinates look like degrees, and suggests
/// `--crs EPSG:4326`; the same from `--crs EPSG:32642` on the GeoJSON. `utm.shp`, the same
/// cells really in UTM 42N metres (`ogr2ogr -t_srs EPSG:32642`), reads without a warning and
/// gives the GeoJSON's acres.
#[test]
fn degrees_declared_as_a_projected_crs_are_warned_about() {
    let dir = repo("tests/fixtures/qa");
    let acres = |r: &common::Run| -> String {
        r.stdout
            .lines()
            .find(|l| l.contains(" parcels, "))
            .unwrap_or_else(|| panic!("no total line: {}", r.stdout))
            .to_string()
    };
    let truth = allot(&dir, &["summary", "blank-fields.geojson"]);
    assert_eq!(truth.code, 0, "{}", truth.stderr);
    assert_eq!(acres(&truth), "4 parcels, 11.07 acres");
    for (args, file) in [
        (vec!["summary", "degrees-as-utm.shp"], "degrees-as-utm.shp"),
        (
            vec!["summary", "blank-fields.geojson", "--crs", "EPSG:32642"],
            "blank-fields.geojson",
        ),
        // A warning says the run may not be what was meant: shown with --quiet too.
        (
            vec!["summary", "degrees-as-utm.shp", "-q"],
            "degrees-as-utm.shp",
        ),
    ] {
        let r = allot(&dir, &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert_eq!(acres(&r), "4 parcels, 0.00 acres", "{args:?}");
        let warning = r
            .stderr
            .lines()
            .find(|l| l.starts_with("allot: warning: "))
            .unwrap_or_else(|| panic!("{args:?}: no warning: {}", r.stderr));
        for part in [
            file,
            "EPSG:32642 (WGS 84 / UTM zone 42N)",
            "projected",
            "look like longitude/latitude degrees",
            "--crs EPSG:4326",
        ] {
            assert!(warning.contains(part), "{args:?}: {part}: {warning}");
        }
    }
    // The suggested fix gives the GeoJSON's acres, with no warning.
    let fixed = allot(
        &dir,
        &["summary", "degrees-as-utm.shp", "--crs", "EPSG:4326"],
    );
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    assert_eq!(acres(&fixed), acres(&truth));
    assert!(!fixed.stderr.contains("warning"), "{}", fixed.stderr);
    // The warning is also in validate's and summary's JSON reports (a program reading the
    // report sees it, not only a person reading stderr); the fixed run's list is empty.
    for cmd in ["validate", "summary"] {
        let r = allot(&dir, &[cmd, "degrees-as-utm.shp", "--format", "json"]);
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{cmd}: {e}: {}", r.stderr));
        let ws = v["warnings"].as_array().expect("warnings list");
        assert_eq!(ws.len(), 1, "{cmd}: {ws:?}");
        assert_eq!(ws[0]["kind"], "degrees_in_projected_crs", "{cmd}");
        assert!(
            ws[0]["message"]
                .as_str()
                .unwrap()
                .contains("look like longitude/latitude degrees"),
            "{cmd}: {ws:?}"
        );
        let r = allot(
            &dir,
            &[
                cmd,
                "degrees-as-utm.shp",
                "--crs",
                "EPSG:4326",
                "--format",
                "json",
            ],
        );
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{cmd}: {e}: {}", r.stderr));
        assert_eq!(v["warnings"], serde_json::json!([]), "{cmd}");
    }
    // Real metres in the same projected CRS: no warning, the same acres.
    for args in [
        vec!["summary", "utm.shp"],
        vec!["summary", "utm.shp", "--crs", "EPSG:32642"],
        vec!["validate", "utm.shp"],
    ] {
        let r = allot(&dir, &args);
        assert!(!r.stderr.contains("warning"), "{args:?}: {}", r.stderr);
        if args[0] == "summary" {
            assert_eq!(acres(&r), acres(&truth), "{args:?}");
        }
    }
}

/// `multipart-row.geojson`: five 0.001° cells in a row; `M` is the two end cells (one parcel,
/// a MultiPolygon whose parts lie apart), `C1`-`C3` the middle. A zone of three cells
/// (8.3 ± 0.5 acres) is `C1`-`C3`, leaving `M`'s parts apart, or `M` with a middle cell, in
/// two pieces itself: no plan keeps the zone and the retained land each in one piece of land.
/// allot planned `C1`-`C3` (exit 0) and `allot validate` of that plan found the retained land
/// in two pieces; it must refuse, naming the contiguity rule and `M`.
#[test]
fn a_multi_part_parcel_does_not_join_land_its_parts_lie_apart_from() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo("tests/fixtures/qa/multipart-row.geojson");
    let input = input.to_str().unwrap();
    let r = allot(
        dir.path(),
        &[
            "plan",
            input,
            "-o",
            "plan.geojson",
            "--zone",
            "a=8.3",
            "--tolerance",
            "0.5",
            "--min-width",
            "0",
            "-q",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    for part in ["infeasible", "contiguity:", "multi-part parcel(s) M"] {
        assert!(r.stderr.contains(part), "{part}: {}", r.stderr);
    }
    assert!(!dir.path().join("plan.geojson").exists());
}

/// `multipart-street.geojson`: the row of `multipart-row.geojson` (`M` = its end cells) above
/// a row of five single cells `D0`-`D4`. Zones of 3, 5 and 6 cells exist that leave the
/// retained land in one piece of land (e.g. 5: the whole lower row). Every plan written must
/// pass `allot validate` (it found the retained land in two pieces, joined only through `M`,
/// for 5 and 6 cells). For 4 cells the search finds only zones `M` holds together (the one
/// valid zone, `D0`-`D3`, is not among them): a refusal naming the contiguity rule is the
/// honest answer there.
#[test]
fn plans_on_land_with_a_multi_part_parcel_pass_validate() {
    let dir = tempfile::tempdir().unwrap();
    let input = repo("tests/fixtures/qa/multipart-street.geojson");
    let input = input.to_str().unwrap();
    for (cells, target) in [(3, "a=8.3"), (4, "a=11.07"), (5, "a=13.84"), (6, "a=16.6")] {
        let _ = std::fs::remove_file(dir.path().join("plan.geojson"));
        let r = allot(
            dir.path(),
            &[
                "plan",
                input,
                "-o",
                "plan.geojson",
                "--zone",
                target,
                "--tolerance",
                "0.5",
                "--min-width",
                "0",
                "-q",
            ],
        );
        if cells == 4 && r.code == 1 {
            assert!(r.stderr.contains("contiguity:"), "{}", r.stderr);
            continue;
        }
        assert_eq!(r.code, 0, "{cells} cells: {}", r.stderr);
        let v = allot(
            dir.path(),
            &["validate", "plan.geojson", "--format", "json"],
        );
        assert_eq!(v.code, 0, "{cells} cells: {}", v.stdout);
        assert!(
            findings(&json(&v)).is_empty(),
            "{cells} cells: {}",
            v.stdout
        );
    }
}
