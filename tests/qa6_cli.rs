//! Regression tests for what trying allot as a GIS user on files other software writes found:
//! each test names its fixture in `tests/fixtures/qa6/` (README there, written by
//! `make_fixtures.py`) and the wrong answer allot gave before. Expected values come from
//! pyproj or hand computation, never from allot.

mod common;

use common::{allot, repo};

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// `ewkt-utm.csv`: four plots in UTM 42N metres as PostGIS's `ST_AsEWKT` writes them
/// (`SRID=32642;POLYGON((...))`). Was: exit 2, `not valid WKT (Invalid type encountered)`.
/// Now the SRID declares the CRS; areas as pyproj gives them (`Geod(ellps="WGS84")` after
/// `Transformer.from_crs(32642, 4326)`), 1e-6 relative.
#[test]
fn extended_wkt_csv_is_read_in_the_crs_its_srid_names() {
    let dir = repo("tests/fixtures/qa6");
    let r = allot(
        &dir,
        &[
            "summary",
            "ewkt-utm.csv",
            "--format",
            "json",
            "--units",
            "m2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r.stdout);
    assert_eq!(j["parcels"], 4);
    let expected = 10001.2796 + 6000.7716 + 12801.6410 + 25203.2615;
    let got = j["total_area"].as_f64().unwrap();
    assert!(
        (got - expected).abs() / expected < 1e-6,
        "{got} vs {expected}"
    );
    assert_eq!(j["warnings"], serde_json::json!([]), "{}", r.stdout);
}

/// `two-sites.geojson`: two 3 × 3 blocks of 0.001° cells with two empty columns between them,
/// so the fabric itself is in two pieces. `plan` keeps each piece of the open land whole and
/// writes a plan whose retained land is in two pieces (the zone's block and the other one).
/// Was: `allot validate PLAN` reported `not_contiguous` for `retained` and exited 1 on
/// allot's own plan; now it finds nothing.
#[test]
fn retained_land_of_a_fabric_in_two_pieces_is_not_a_finding() {
    let dir = repo("tests/fixtures/qa6");
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan.geojson");
    // Three cells of 2.767635-2.767700 acres (pyproj).
    let r = allot(
        &dir,
        &[
            "plan",
            "two-sites.geojson",
            "-o",
            plan.to_str().unwrap(),
            "--target",
            "a=8.3",
            "--min-width",
            "0",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = allot(
        tmp.path(),
        &["validate", "plan.geojson", "--format", "json"],
    );
    assert_eq!(v.code, 0, "{}{}", v.stdout, v.stderr);
    let j = json(&v.stdout);
    assert_eq!(j["zones"]["retained"]["components"], 2, "{}", v.stdout);
}

/// `two-sites-zoned.geojson`: the same blocks, zone `a` the middle column of the west block,
/// so the west block's retained land falls into two pieces (columns 0 and 2) besides the east
/// block. That split is real and is still reported, once, naming the smaller west piece's
/// parcels (columns 0 and 2 are equal: the one of the larger positions) and its area,
/// 8.302840 acres (the column's three cells by pyproj); the east block is not counted against
/// it.
#[test]
fn retained_land_split_within_one_piece_of_the_fabric_is_still_found() {
    let dir = repo("tests/fixtures/qa6");
    let v = allot(
        &dir,
        &["validate", "two-sites-zoned.geojson", "--format", "json"],
    );
    assert_eq!(v.code, 1, "{}{}", v.stdout, v.stderr);
    let j = json(&v.stdout);
    let findings = j["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{}", v.stdout);
    let f = &findings[0];
    assert_eq!(f["kind"], "not_contiguous");
    assert_eq!(f["zone"], "retained");
    assert_eq!(
        f["parcels"],
        serde_json::json!(["A20", "A21", "A22"]),
        "{f}"
    );
    let acres = f["acres"].as_f64().unwrap();
    assert!((acres - 8.302840).abs() < 1e-5, "{acres}");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("falls into 2 pieces"), "{msg}");
    assert!(msg.contains("lies in 2 pieces of the fabric"), "{msg}");
}

/// `names-only.kml`: eight cells as Google Earth saves drawn polygons (Placemarks with only a
/// `<name>`, `Plot 1`..`Plot 8` column by column, no id), so allot names them `#1`..`#8`.
/// `plan --target a=4 --split` cuts one cell and inserts its two pieces into the plan; the
/// plan did not write the whole parcels' ids, so reading it back numbered every parcel after
/// the pieces one further on: `diff names-only.kml PLAN` called the zone's whole cell by its
/// neighbour's id and listed `#5` only in A and `#9` only in B. Now every feature of the plan
/// carries its id, and the diff names the parcels as the input does: the cut parcel and the
/// one whole cell that moved to `a`, nothing only on one side.
#[test]
fn a_plan_of_parcels_without_ids_names_them_as_the_input_does() {
    let dir = repo("tests/fixtures/qa6");
    let tmp = tempfile::tempdir().unwrap();
    let plan = tmp.path().join("plan.geojson");
    let r = allot(
        &dir,
        &[
            "plan",
            "names-only.kml",
            "-o",
            plan.to_str().unwrap(),
            "--target",
            "a=4",
            "--split",
            "--min-width",
            "0",
            "-q",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = json(&std::fs::read_to_string(&plan).unwrap());
    // Each feature's id is the position of its name in the input (`Plot k` is `#k`), or the
    // piece's.
    let mut cut = None;
    for f in doc["features"].as_array().unwrap() {
        let name = f["properties"]["name"].as_str().unwrap();
        let k = name.strip_prefix("Plot ").unwrap();
        let id = f["id"].as_str().unwrap_or_else(|| panic!("{f}"));
        match f["properties"]["split_from"].as_str() {
            Some(from) => {
                assert_eq!(from, format!("#{k}"), "{f}");
                assert!(id == format!("#{k}-a") || id == format!("#{k}-b"), "{f}");
                cut = Some(from.to_string());
            }
            None => assert_eq!(id, format!("#{k}"), "{f}"),
        }
    }
    let cut = cut.expect("a parcel is cut");
    let d = allot(
        tmp.path(),
        &[
            "diff",
            dir.join("names-only.kml").to_str().unwrap(),
            "plan.geojson",
            "--format",
            "json",
        ],
    );
    let j = json(&d.stdout);
    assert_eq!(j["only_in_a"], serde_json::json!([]), "{}", d.stdout);
    assert_eq!(j["only_in_b"], serde_json::json!([]), "{}", d.stdout);
    let changes = j["changes"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{}", d.stdout);
    assert!(
        changes
            .iter()
            .any(|c| c["id"] == cut.as_str() && c["split"] == true),
        "{}",
        d.stdout
    );
    // The whole cell that moved is a neighbour of the cut one, named as in the input: the
    // zone's cells in the plan file carry the same ids.
    let zone_a: Vec<String> = doc["features"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["properties"]["zone"] == "a" && f["properties"]["split_from"].is_null())
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    let whole: Vec<&str> = changes
        .iter()
        .filter(|c| c["split"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(whole, zone_a, "{}", d.stdout);
}

/// `esri.json`: two cells as ArcGIS's Features To JSON writes them (Esri JSON, which GDAL's
/// ESRIJSON driver reads). allot reads GeoJSON only; it said `not a GeoJSON FeatureCollection:
/// the top-level object has no "type"`, which does not tell an ArcGIS user what is wrong. Now
/// it names Esri JSON and the conversion.
#[test]
fn esri_json_is_named_with_the_conversion() {
    let dir = repo("tests/fixtures/qa6");
    let r = allot(&dir, &["summary", "esri.json"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("this is Esri JSON"), "{}", r.stderr);
    assert!(
        r.stderr.contains("ogr2ogr -f GeoJSON out.geojson in.json"),
        "{}",
        r.stderr
    );
}

/// `pins.kml`: the plots of `names-only.kml` and a pin, `Site gate`, as the 9th Placemark.
/// allot refuses a Point Placemark (a parcel must be a polygon); it said only `feature 9 (no
/// id)`, and Google Earth shows Placemarks by name, not by position. Now the message quotes the
/// name and says how to leave the pin out.
#[test]
fn a_pin_in_a_google_earth_file_is_named_by_its_name() {
    let dir = repo("tests/fixtures/qa6");
    let r = allot(&dir, &["summary", "pins.kml"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("feature 9 (no id)"), "{}", r.stderr);
    assert!(
        r.stderr.contains("the Placemark named \"Site gate\""),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("Save Place As"), "{}", r.stderr);
}

/// `cpg65001.shp` (UTF-8 `.dbf`, Urdu names) and `cpg88591.shp` (ISO 8859-1 `.dbf`, Latin
/// names), whose `.cpg` say `65001` and `88591` as some Windows tools and ArcGIS write them.
/// GDAL decodes both (`ogrinfo -al`: zones `صنعتی` and `Ä-zone`); allot refused them, exit 2,
/// `the .cpg names the text encoding "windows-65001", which allot does not know`.
#[test]
fn cpg_code_page_numbers_are_read_as_gdal_reads_them() {
    let dir = repo("tests/fixtures/qa6");
    for (file, zone, owner) in [
        ("cpg65001.shp", "صنعتی", "کراچی اسٹیل مل"),
        ("cpg88591.shp", "Ä-zone", "Café Müller"),
    ] {
        let r = allot(&dir, &["summary", file, "--format", "json"]);
        assert_eq!(r.code, 0, "{file}: {}", r.stderr);
        let j = json(&r.stdout);
        assert_eq!(j["by_zone"][zone]["parcels"], 2, "{file}: {}", r.stdout);
        // The other text column decodes the same way: a plan carries it through.
        let tmp = tempfile::tempdir().unwrap();
        let plan = tmp.path().join("plan.geojson");
        let p = allot(
            &dir,
            &[
                "plan",
                file,
                "-o",
                plan.to_str().unwrap(),
                "--target",
                "a=2.77",
                "--min-width",
                "0",
                "-q",
            ],
        );
        assert_eq!(p.code, 0, "{file}: {}", p.stderr);
        let doc = json(&std::fs::read_to_string(&plan).unwrap());
        assert_eq!(doc["features"][0]["properties"]["owner"], owner, "{file}");
    }
}

/// `renamed-utm.shp`: two cells in WGS 84 / UTM zone 42N whose `.prj` names the system
/// `PSM_Site_Grid` (ArcGIS saves a projection under any name), with GDAL's datum and
/// parameters for EPSG:32642. Was: exit 2, `unknown CRS`; now matched by its definition, 2
/// parcels of 22,400.4445 m² together (pyproj), no warning.
#[test]
fn a_renamed_utm_prj_is_matched_by_its_definition() {
    let dir = repo("tests/fixtures/qa6");
    let r = allot(
        &dir,
        &[
            "summary",
            "renamed-utm.shp",
            "--format",
            "json",
            "--units",
            "m2",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let j = json(&r.stdout);
    assert_eq!(j["parcels"], 2);
    let m2 = j["total_area"].as_f64().unwrap();
    assert!((m2 - 22400.4445).abs() / 22400.4445 < 1e-6, "{m2}");
    assert_eq!(j["warnings"], serde_json::json!([]), "{}", r.stdout);
}
