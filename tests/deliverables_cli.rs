//! End-to-end tests of the allotment deliverables and units on the real binary: per-parcel
//! areas in the plan, `--zones-out`, `--corners` (with `--out-crs`), `--units` on every command
//! and targets with unit suffixes.
//!
//! The fixture is built inline: a 3 × 2 grid of 0.005° cells at 67.00–67.015 E, 24.00–24.01 N.
//! A 278.47-acre mill can only be a 2 × 2 block (four cells in a row are 278.5 acres too, but
//! their perimeter is longer), at 67.00 or at 67.005 E. Truth comes from pyproj
//! (`Geod(ellps="WGS84")` and `Transformer.from_crs(4326, 32642, always_xy=True)`), written
//! into the tests with a comment; the answers do not depend on which block is chosen except
//! the projected x/y, given for both.

use std::path::Path;

use serde_json::Value;

mod common;
use common::{allot, fc, square};

/// pyproj `polygon_area_perimeter`: a 2 × 2 block of cells (0.01° at 24.00–24.01 N, with the
/// cells' vertices halfway along each side) measures 1,126,941.7251200676 m² and
/// 4,250.122683191868 m.
const BLOCK_M2: f64 = 1_126_941.725_120_067_6;
const BLOCK_PERIMETER_M: f64 = 4_250.122_683_191_868;
const M2_PER_ACRE: f64 = 4_046.856_422_4;

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

const PLAN: &[&str] = &[
    "plan",
    "grid.geojson",
    "-o",
    "plan.geojson",
    "--zone",
    "mill=278.47ac",
    "--tolerance",
    "0.5",
    "--zones-out",
    "zones.geojson",
    "--corners",
    "corners.csv",
    "--out-crs",
    "EPSG:32642",
    "--units",
    "hectares",
];

#[test]
fn plan_writes_parcel_areas_zone_outlines_and_corners() {
    let dir = tempfile::tempdir().unwrap();
    common::industrial_grid(dir.path());
    let r = allot(dir.path(), PLAN);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The schedule is in hectares first: 112.69 ha is the block.
    assert!(r.stdout.starts_with("zone "), "{}", r.stdout);
    let head: Vec<&str> = r
        .stdout
        .lines()
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        &head[..4],
        &["zone", "parcels", "hectares", "acres"],
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("112.69"), "{}", r.stdout);

    // Per-parcel areas: the mill's four cells add up to the block.
    let plan = json(&dir.path().join("plan.geojson"));
    let feats = plan["features"].as_array().unwrap();
    assert_eq!(feats.len(), 6);
    let mut mill_acres = 0.0;
    let mut mill_ha = 0.0;
    let mut west = f64::INFINITY;
    for f in feats {
        let p = &f["properties"];
        assert_eq!(p["land_use"], "industrial", "input properties kept");
        let a = p["area_acres"].as_f64().unwrap();
        let ha = p["area_hectares"].as_f64().unwrap();
        assert!((a * M2_PER_ACRE / 10_000.0 - ha).abs() < 2e-6, "{p}");
        if p["zone"] == "mill" {
            mill_acres += a;
            mill_ha += ha;
            let ring = f["geometry"]["coordinates"][0].as_array().unwrap();
            for c in ring {
                west = west.min(c[0].as_f64().unwrap());
            }
        }
    }
    assert!(
        (mill_acres - BLOCK_M2 / M2_PER_ACRE).abs() < 1e-5,
        "{mill_acres}"
    );
    assert!((mill_ha - BLOCK_M2 / 10_000.0).abs() < 1e-5, "{mill_ha}");

    // Zone outlines: one dissolved polygon per zone.
    let zones = json(&dir.path().join("zones.geojson"));
    let zf = zones["features"].as_array().unwrap();
    let names: Vec<&str> = zf
        .iter()
        .map(|f| f["properties"]["zone"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["mill", "retained"]);
    let mill = &zf[0]["properties"];
    assert_eq!(mill["parcels"], 4);
    assert_eq!(mill["pieces"], 1);
    assert_eq!(mill["target_acres"], 278.47);
    assert!((mill["area_acres"].as_f64().unwrap() - BLOCK_M2 / M2_PER_ACRE).abs() < 1e-5);
    assert!((mill["area_hectares"].as_f64().unwrap() - BLOCK_M2 / 10_000.0).abs() < 1e-5);
    assert!((mill["perimeter_m"].as_f64().unwrap() - BLOCK_PERIMETER_M).abs() < 1e-3);
    let pp = 4.0 * std::f64::consts::PI * BLOCK_M2 / BLOCK_PERIMETER_M.powi(2);
    assert!((mill["polsby_popper"].as_f64().unwrap() - pp).abs() < 1e-6);
    assert_eq!(zf[0]["geometry"]["type"], "MultiPolygon");
    let retained = &zf[1]["properties"];
    assert_eq!(retained["parcels"], 2);
    assert_eq!(retained["target_acres"], Value::Null);
    // Half the block: one column of two cells.
    assert!((retained["area_acres"].as_f64().unwrap() - BLOCK_M2 / 2.0 / M2_PER_ACRE).abs() < 1e-5);

    // Corners of the mill: NW, NE, SE, SW; x/y in UTM 42N; legs by pyproj Geod.inv.
    let csv = std::fs::read_to_string(dir.path().join("corners.csv")).unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().unwrap(),
        "zone,part,ring,corner,lon,lat,crs,x,y,bearing_deg,length_m,next_corner"
    );
    let mill_rows: Vec<Vec<&str>> = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[0] == "mill")
        .collect();
    assert_eq!(mill_rows.len(), 4, "{csv}");
    let xy: [[&str; 2]; 4] = if (west - 67.0).abs() < 1e-9 {
        [
            ["296565.748", "2656778.799"],
            ["297583.195", "2656764.378"],
            ["297567.539", "2655656.788"],
            ["296550.013", "2655671.205"],
        ]
    } else {
        assert!((west - 67.005).abs() < 1e-9, "{west}");
        [
            ["297074.472", "2656771.579"],
            ["298091.917", "2656757.195"],
            ["298076.301", "2655649.607"],
            ["297058.776", "2655663.987"],
        ]
    };
    let lonlat = [
        (west, 24.01),
        (west + 0.01, 24.01),
        (west + 0.01, 24.0),
        (west, 24.0),
    ];
    let legs = [
        ("89.9980", "1017.439"),
        ("180.0000", "1107.583"),
        ("270.0020", "1017.518"),
        ("0.0000", "1107.583"),
    ];
    for (k, row) in mill_rows.iter().enumerate() {
        assert_eq!(&row[1..4], &["1", "shell", &(k + 1).to_string()], "{row:?}");
        assert_eq!(row[4], format!("{:.8}", lonlat[k].0), "{row:?}");
        assert_eq!(row[5], format!("{:.8}", lonlat[k].1), "{row:?}");
        assert_eq!(row[6], "EPSG:32642");
        assert_eq!(&row[7..9], &xy[k], "{row:?}");
        assert_eq!((row[9], row[10]), legs[k], "{row:?}");
        assert_eq!(row[11], ((k + 1) % 4 + 1).to_string());
    }
}

#[test]
fn deliverables_are_byte_identical_run_to_run() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for d in [&a, &b] {
        common::industrial_grid(d.path());
        let r = allot(d.path(), PLAN);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    for f in ["plan.geojson", "zones.geojson", "corners.csv"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between runs");
    }
}

#[test]
fn bad_outline_format_unit_or_target_exit_2_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    common::industrial_grid(dir.path());
    let cases: &[(&[&str], &str)] = &[
        (&["--zones-out", "zones.dxf"], ".dxf"),
        (&["--units", "acers"], "did you mean \"acres\"?"),
        (&["--zone", "mill=278.47acers"], "did you mean \"acres\"?"),
        (&["--marla-sqft", "300"], "272.25"),
        (
            &["--out-crs", "EPSG:99999999", "--corners", "c.csv"],
            "EPSG:99999999",
        ),
    ];
    for (extra, want) in cases {
        let args = [&["plan", "grid.geojson", "-o", "plan.geojson"], *extra].concat();
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 2, "{extra:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{extra:?}: {}", r.stderr);
        assert_eq!(common::files_in(dir.path()), ["grid.geojson"], "{extra:?}");
        assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    }
}

#[test]
fn targets_in_other_units_plan_the_same_zone() {
    // 278.47 acres = 2,227.76 kanal = 1,347,794.8 sq yd (× 8 and × 4,840).
    let mut outs = Vec::new();
    for target in ["mill=278.47", "mill=2227.76kanal", "mill=1347794.8sqyd"] {
        let dir = tempfile::tempdir().unwrap();
        common::industrial_grid(dir.path());
        let r = allot(
            dir.path(),
            &[
                "plan",
                "grid.geojson",
                "-o",
                "plan.geojson",
                "--zone",
                target,
                "--tolerance",
                "0.5",
            ],
        );
        assert_eq!(r.code, 0, "{target}: {}", r.stderr);
        outs.push(r.stdout);
    }
    assert!(outs[0].contains("278.47"), "{}", outs[0]);
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
}

#[test]
fn summary_validate_and_map_speak_every_unit() {
    let dir = tempfile::tempdir().unwrap();
    common::industrial_grid(dir.path());
    // The grid (pyproj, all cell vertices on its outline): 1,690,412.5876791477 m² =
    // 417.710047 acres = 16,708.40 ghunta (417-28 in acre-ghunta) = 80,868.6652 marla of
    // 225 sq ft (20.903184 m²) = 2,021,716.629 sq yd = 3,341.68 kanal.
    let r = allot(
        dir.path(),
        &["summary", "grid.geojson", "--units", "acre-ghunta"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("6 parcels, 417-28 acre-ghunta"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("1 acre = 40 ghunta"), "{}", r.stdout);
    let r = allot(
        dir.path(),
        &[
            "summary",
            "grid.geojson",
            "--units",
            "marla",
            "--marla-sqft",
            "225",
        ],
    );
    assert!(r.stdout.contains("80,868.67 marla"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1 marla = 225 sq ft (20.903 m²)"),
        "{}",
        r.stdout
    );
    // Validate: the header in sq yd.
    let r = allot(dir.path(), &["validate", "grid.geojson", "--units", "sqyd"]);
    assert!(
        r.stdout.contains("6 parcels, 2,021,716.63 sqyd"),
        "{}",
        r.stdout
    );
    // Map: the legend's total in kanal, 1 decimal.
    let r = allot(
        dir.path(),
        &["map", "grid.geojson", "-o", "m.svg", "--units", "kanal"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let svg = std::fs::read_to_string(dir.path().join("m.svg")).unwrap();
    assert!(svg.contains("3,341.7 kanal"), "legend total in kanal");
}

/// `--tolerance` takes a unit suffix like targets do. Every contiguous set of four cells
/// measures 278.47 acres (the 2 × 2 block is 278.473365 acres; the others differ by the
/// cells' tiny north-south difference, about 0.003 acres), so a 278-acre mill deviates by
/// about 0.47 acres: 0.2 ha (0.494 acres), 2,000 m² (0.494 acres) and 4 kanal (0.5 acres)
/// admit it; 0.1 ha (0.247 acres) and 1,000 m² do not (exit 1, infeasible).
#[test]
fn tolerance_takes_a_unit_suffix() {
    let dir = tempfile::tempdir().unwrap();
    common::industrial_grid(dir.path());
    let run = |tol: &str, units: &str| {
        allot(
            dir.path(),
            &[
                "plan",
                "grid.geojson",
                "-o",
                "plan.geojson",
                "--zone",
                "mill=278",
                "--tolerance",
                tol,
                "--units",
                units,
                "-q",
            ],
        )
    };
    for tol in ["0.2ha", "2000m2", "4kanal", "0.5", "0.5ac"] {
        let r = run(tol, "acres");
        assert_eq!(r.code, 0, "--tolerance {tol}: {}", r.stderr);
    }
    for tol in ["0.1ha", "1000m2", "0.25"] {
        let r = run(tol, "acres");
        assert_eq!(r.code, 1, "--tolerance {tol}: {}", r.stderr);
        assert!(r.stderr.contains("infeasible"), "{}", r.stderr);
    }
    let r = run("0.5acers", "acres");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean \"acres\"?"), "{}", r.stderr);
}

/// Infeasibility messages honour `--units`. The 278-acre target is 278 × 0.40468564224 =
/// 112.502609 ha, the 0.1 ha tolerance 0.10 ha, and the closest zone (four cells, 278.47
/// acres) 112.69 ha; in acres the same message reads as it always has.
#[test]
fn infeasibility_messages_are_in_the_chosen_unit() {
    let dir = tempfile::tempdir().unwrap();
    common::industrial_grid(dir.path());
    let run = |units: &str| {
        allot(
            dir.path(),
            &[
                "plan",
                "grid.geojson",
                "-o",
                "plan.geojson",
                "--zone",
                "mill=278",
                "--tolerance",
                "0.1ha",
                "--units",
                units,
                "-q",
            ],
        )
    };
    let r = run("hectares");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot plan zone \"mill\" (112.50 hectares ± 0.10)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("112.50 ± 0.10 hectares"), "{}", r.stderr);
    assert!(r.stderr.contains("112.69 hectares"), "{}", r.stderr);
    assert!(!r.stderr.contains("acres"), "{}", r.stderr);
    // 0.1 ha = 0.24710538146716532 acres (÷ 0.40468564224), printed to 4 decimals of an acre
    // (0.2471, not the 17 digits of the float).
    let r = run("acres");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot plan zone \"mill\" (278 acres ± 0.2471)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("278.47 acres"), "{}", r.stderr);
}

/// `allot diff` honours `--units`: cell C00 (67.000–67.005 E, 24.000–24.005 N) moves from
/// mill to park. pyproj `Geod(ellps="WGS84").polygon_area_perimeter` gives the cell
/// 281,740.7833 m² = 69.619664 acres = 28.174078 ha = 556.957310 kanal (8 to the acre) =
/// 69 acres 25 ghunta (2,784.79 ghunta, rounded).
#[test]
fn diff_reports_areas_in_the_chosen_unit() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, c00_zone: &str| {
        let mut cells = Vec::new();
        for r in 0..2 {
            for c in 0..3 {
                let zone = if (r, c) == (0, 0) { c00_zone } else { "mill" };
                cells.push(square(
                    &format!("C{r}{c}"),
                    67.0 + 0.005 * c as f64,
                    24.0 + 0.005 * r as f64,
                    0.005,
                    &format!(r#"{{"zone":"{zone}"}}"#),
                ));
            }
        }
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        std::fs::write(dir.path().join(name), fc(&refs)).unwrap();
    };
    write("a.geojson", "mill");
    write("b.geojson", "park");
    let diff = |extra: &[&str]| {
        let args = [&["diff", "a.geojson", "b.geojson"], extra].concat();
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 1, "{extra:?}: {}", r.stderr);
        r.stdout
    };
    let row = |text: &str, start: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line starting {start:?} in\n{text}"))
            .split_whitespace()
            .map(str::to_string)
            .collect()
    };
    let acres = diff(&[]);
    assert_eq!(row(&acres, "parcel "), ["parcel", "from", "to", "acres"]);
    assert_eq!(row(&acres, "C00"), ["C00", "mill", "park", "69.62"]);
    let ha = diff(&["--units", "hectares"]);
    assert_eq!(row(&ha, "parcel "), ["parcel", "from", "to", "hectares"]);
    assert_eq!(row(&ha, "C00"), ["C00", "mill", "park", "28.17"]);
    assert_eq!(row(&ha, "mill"), ["mill", "park", "28.17"]);
    assert_eq!(
        row(&ha, "zone "),
        [
            "zone",
            "hectares",
            "perimeter_m",
            "polsby_popper",
            "pieces",
            "access"
        ]
    );
    let kanal = diff(&["--units", "kanal"]);
    assert_eq!(row(&kanal, "C00"), ["C00", "mill", "park", "556.96"]);
    let ag = diff(&["--units", "acre-ghunta"]);
    assert_eq!(row(&ag, "C00"), ["C00", "mill", "park", "69-25"]);
    assert!(ag.contains("acre-ghunta: A-GG, 1 acre = 40 ghunta"), "{ag}");
    // JSON numbers stay in acres.
    let json: Value =
        serde_json::from_str(&diff(&["--units", "hectares", "--format", "json"])).unwrap();
    assert_eq!(json["changes"][0]["acres"], 69.6197);
}
