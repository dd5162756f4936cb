//! allot's GIS writers checked with real GDAL (Debian gdal-bin 3.6): `allot plan` writes the
//! plan of `tests/fixtures/plan/grid.geojson` (48 parcels) to every format it writes, and
//! `allot validate` the findings of `tests/fixtures/validate/overlap.geojson`; `ogrinfo` must
//! read each file back with the same features, fields and zone values as the GeoJSON plan
//! (the truth: the format allot has always written, checked by the other suites), the
//! GeoPackage must carry the right SRS (`ogrinfo -al -so`), the KML must open with GDAL's KML
//! driver, and allot must read each file back to the same parcels and areas. GDAL 3.6 has no
//! Parquet driver: GeoParquet is read by pyarrow and shapely instead, and by allot.
//!
//! GDAL, pyarrow and shapely are required: these tests fail, not skip, when one is missing
//! (scripts/test.sh installs them).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use allot::read::{ReadOptions, SourceOptions, read_parcels_from};

fn gdal(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} (Debian gdal-bin) must be installed to run this test ({e}): scripts/test.sh installs it")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Every feature `ogrinfo -al` lists: layer name and its fields as text.
fn ogr_features(path: &str, extra: &[&str]) -> Vec<(String, BTreeMap<String, String>)> {
    let mut args = extra.to_vec();
    args.extend(["-al", "-q", path]);
    let text = gdal("ogrinfo", &args);
    let mut out: Vec<(String, BTreeMap<String, String>)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("OGRFeature(") {
            let layer = rest.split(')').next().unwrap().to_string();
            out.push((layer, BTreeMap::new()));
        } else if let Some((k, v)) = line.trim_start().split_once(" = ")
            && line.starts_with("  ")
            && let Some(f) = out.last_mut()
        {
            let name = k.split(" (").next().unwrap().to_string();
            f.1.insert(name, v.to_string());
        }
    }
    out
}

/// Makes GDAL open a KML with its own KML driver rather than LIBKML (GDAL 3.6's `ogrinfo` has
/// no `-if`).
const KML_DRIVER: &[&str] = &["--config", "GDAL_SKIP", "LIBKML"];

/// Every feature's polygon vertices as `ogrinfo` prints them (`POLYGON ((x y,…))`), by `id`.
fn ogr_rings(path: &str) -> BTreeMap<String, Vec<(f64, f64)>> {
    let text = gdal("ogrinfo", &["-al", "-q", path]);
    let mut out = BTreeMap::new();
    let mut id = String::new();
    for line in text.lines() {
        let line = line.trim();
        if let Some(v) = line.strip_prefix("id (String) = ") {
            id = v.to_string();
        } else if let Some(body) = line.strip_prefix("POLYGON ((") {
            let pts = body
                .trim_end_matches("))")
                .split(',')
                .map(|p| {
                    let mut xy = p.split_whitespace().map(|v| v.parse::<f64>().unwrap());
                    (xy.next().unwrap(), xy.next().unwrap())
                })
                .collect();
            out.insert(id.clone(), pts);
        }
    }
    out
}

fn grid() -> PathBuf {
    common::repo("tests/fixtures/plan/grid.geojson")
}

/// Runs `allot plan` on `input` to `out` (a mill of 300 acres, ±20), expecting exit 0.
fn plan(dir: &Path, input: &Path, out: &str, extra: &[&str]) -> PathBuf {
    let mut args = vec![
        "plan",
        input.to_str().unwrap(),
        "-o",
        out,
        "--zone",
        "mill=300",
        "--tolerance",
        "20",
        "-q",
    ];
    args.extend_from_slice(extra);
    let run = common::allot(dir, &args);
    assert_eq!(run.code, 0, "plan -o {out}: {}", run.stderr);
    dir.join(out)
}

fn read(path: &Path) -> allot::ParcelSet {
    read_parcels_from(path, ReadOptions::default(), &SourceOptions::default())
        .unwrap_or_else(|e| panic!("allot reads back {}: {e}", path.display()))
}

/// The parcels of `path` read by allot must be the truth's: same ids in order, zones, land
/// uses, access lists, and areas within `rel` relative.
fn same_parcels(path: &Path, truth: &allot::ParcelSet, rel: f64) {
    let got = read(path);
    assert_eq!(got.parcels.len(), truth.parcels.len(), "{}", path.display());
    for (g, t) in got.parcels.iter().zip(&truth.parcels) {
        assert_eq!(g.id, t.id, "{}", path.display());
        assert_eq!(g.zone, t.zone, "{} {}", path.display(), t.id);
        assert_eq!(g.land_use(), t.land_use(), "{} {}", path.display(), t.id);
        assert_eq!(g.access(), t.access(), "{} {}", path.display(), t.id);
        let (a, b) = (
            allot::geodesy::area_m2(&g.geometry),
            allot::geodesy::area_m2(&t.geometry),
        );
        assert!(
            (a - b).abs() <= rel * b,
            "{} {}: area {a} vs {b}",
            path.display(),
            t.id
        );
    }
}

#[test]
fn every_format_reads_back_in_gdal_and_allot_with_the_same_parcels_fields_and_zones() {
    let dir = tempfile::tempdir().unwrap();
    let truth_path = plan(dir.path(), &grid(), "plan.geojson", &[]);
    let truth = read(&truth_path);
    let zones: Vec<Option<String>> = truth
        .parcels
        .iter()
        .map(|p| p.zone.as_deref().map(str::to_string))
        .collect();
    assert!(zones.iter().any(|z| z.as_deref() == Some("mill")));
    assert!(zones.iter().any(|z| z.as_deref() == Some("retained")));
    for (name, open) in [
        ("plan.gpkg", "plan.gpkg".to_string()),
        ("plan.shp", "plan.shp".to_string()),
        ("plan.shp.zip", "plan.shp.zip".to_string()),
        ("plan.kml", "plan.kml".to_string()),
        ("plan.fgb", "plan.fgb".to_string()),
    ] {
        let path = plan(dir.path(), &grid(), name, &[]);
        let open = if name.ends_with(".zip") {
            // GDAL reads the zip's Shapefile through its virtual file system.
            format!("/vsizip/{}/plan.shp", dir.path().join(open).display())
        } else {
            dir.path().join(open).display().to_string()
        };
        // KML: GDAL's LIBKML driver (its default for .kml) reads ExtendedData as fields.
        let features = ogr_features(&open, &[]);
        assert_eq!(features.len(), truth.parcels.len(), "{name}");
        for ((_, fields), t) in features.iter().zip(&truth.parcels) {
            assert_eq!(
                fields.get("id").map(String::as_str),
                Some(t.id.as_str()),
                "{name}"
            );
            assert_eq!(
                fields.get("zone").map(String::as_str),
                t.zone.as_deref(),
                "{name} {}",
                t.id
            );
            assert_eq!(
                fields.get("land_use").map(String::as_str),
                t.land_use(),
                "{name} {}",
                t.id
            );
            // Lists are comma-joined (empty lists empty or null, as the format stores them).
            let access = fields.get("access").cloned().unwrap_or_default();
            let access = if access == "(null)" {
                String::new()
            } else {
                access
            };
            assert_eq!(access, t.access().join(","), "{name} {}", t.id);
        }
        // WGS84 in, WGS84 out: coordinates are written exactly.
        same_parcels(&path, &truth, 1e-12);
    }
}

#[test]
fn the_geopackage_srs_is_the_input_crs_by_default_and_out_crs_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    let truth = read(&plan(dir.path(), &grid(), "truth.geojson", &[]));
    // The grid in Kalianpur 1962 / UTM 42N, made by GDAL.
    let k = dir.path().join("grid-24312.gpkg");
    gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            "-t_srs",
            "EPSG:24312",
            k.to_str().unwrap(),
            grid().to_str().unwrap(),
        ],
    );
    let out = plan(dir.path(), &k, "plan.gpkg", &[]);
    let info = gdal("ogrinfo", &["-al", "-so", out.to_str().unwrap()]);
    assert!(info.contains("Kalianpur 1962 / UTM zone 42N"), "{info}");
    assert!(info.contains("ID[\"EPSG\",24312]"), "{info}");
    assert!(
        info.contains(&format!("Feature Count: {}", truth.parcels.len())),
        "{info}"
    );
    // Kalianpur round trip (datum shift and back): areas within 1e-6 relative, and every
    // vertex GDAL reads from the output within 1 mm of the same vertex in the input.
    same_parcels(&out, &truth, 1e-6);
    let input_rings = ogr_rings(k.to_str().unwrap());
    let output_rings = ogr_rings(out.to_str().unwrap());
    assert_eq!(input_rings.len(), truth.parcels.len());
    let mut worst = 0.0f64;
    for (id, ring) in &input_rings {
        let other = &output_rings[id];
        assert_eq!(ring.len(), other.len(), "{id}");
        for (a, b) in ring.iter().zip(other) {
            worst = worst.max((a.0 - b.0).hypot(a.1 - b.1));
        }
    }
    assert!(worst < 1e-3, "a vertex moved {worst} m");
    // GeoJSON stays WGS84 (RFC 7946) whatever the input.
    let gj = plan(dir.path(), &k, "plan.geojson", &[]);
    let text = std::fs::read_to_string(&gj).unwrap();
    assert!(!text.contains("\"crs\""));
    same_parcels(&gj, &truth, 1e-6);
    // --out-crs chooses another, for every format but GeoJSON and KML.
    for name in ["utm.gpkg", "utm.shp", "utm.fgb"] {
        let out = plan(dir.path(), &k, name, &["--out-crs", "EPSG:32642"]);
        let info = gdal("ogrinfo", &["-al", "-so", out.to_str().unwrap()]);
        assert!(info.contains("WGS 84 / UTM zone 42N"), "{name}: {info}");
        same_parcels(&out, &truth, 1e-6);
    }
    // GeoJSON and KML stay WGS84 longitude/latitude (their specifications) with --out-crs.
    for name in ["utm.geojson", "utm.kml"] {
        let out = plan(dir.path(), &k, name, &["--out-crs", "EPSG:32642"]);
        let info = gdal("ogrinfo", &["-al", "-so", out.to_str().unwrap()]);
        assert!(
            info.contains("WGS 84") && !info.contains("UTM"),
            "{name}: {info}"
        );
        same_parcels(&out, &truth, 1e-6);
    }
}

/// The GeoParquet file as pyarrow and shapely (GEOS) read it: the `geo` metadata's CRS id,
/// and each row's `id`, `zone`, `access` and exterior ring.
fn pyarrow_rows(path: &Path) -> serde_json::Value {
    let script = r#"
import json, sys
import pyarrow.parquet as pq, shapely
t = pq.read_table(sys.argv[1])
geo = json.loads(t.schema.metadata[b"geo"])
col = geo["columns"][geo["primary_column"]]
rows = []
for r, g in zip(t.drop_columns([geo["primary_column"]]).to_pylist(), shapely.from_wkb(t.column(geo["primary_column"]).to_pylist())):
    rows.append({"id": r["id"], "zone": r["zone"], "access": r["access"], "ring": list(g.exterior.coords)})
print(json.dumps({"encoding": col["encoding"], "crs": (col.get("crs") or {}).get("id"), "rows": rows}))
"#;
    let out = Command::new("python3")
        .args(["-c", script, path.to_str().unwrap()])
        .output()
        .expect("python3 with pyarrow and shapely (scripts/test.sh installs them)");
    assert!(
        out.status.success(),
        "pyarrow could not read {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn geoparquet_reads_back_in_pyarrow_with_its_crs_and_in_allot_with_the_same_parcels() {
    let dir = tempfile::tempdir().unwrap();
    let truth = read(&plan(dir.path(), &grid(), "truth.geojson", &[]));
    let k = dir.path().join("grid-24312.gpkg");
    gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            "-t_srs",
            "EPSG:24312",
            k.to_str().unwrap(),
            grid().to_str().unwrap(),
        ],
    );
    let input_rings = ogr_rings(k.to_str().unwrap());
    for (name, code) in [("plan.parquet", 24312), ("utm.parquet", 32642)] {
        let extra: &[&str] = if code == 32642 {
            &["--out-crs", "EPSG:32642"]
        } else {
            &[]
        };
        let out = plan(dir.path(), &k, name, extra);
        let got = pyarrow_rows(&out);
        assert_eq!(got["encoding"], "WKB");
        assert_eq!(
            got["crs"],
            serde_json::json!({"authority": "EPSG", "code": code})
        );
        let rows = got["rows"].as_array().unwrap();
        assert_eq!(rows.len(), truth.parcels.len());
        for (r, t) in rows.iter().zip(&truth.parcels) {
            assert_eq!(r["id"], t.id.as_str());
            assert_eq!(r["zone"].as_str(), t.zone.as_deref());
            assert_eq!(
                r["access"].as_str().unwrap_or_default(),
                t.access().join(",")
            );
            if code == 24312 {
                // Back in the input's own CRS: every vertex within 1 mm of GDAL's input.
                let ring = &input_rings[t.id.as_str()];
                let theirs = r["ring"].as_array().unwrap();
                assert_eq!(ring.len(), theirs.len(), "{}", t.id);
                for (a, b) in ring.iter().zip(theirs) {
                    let (x, y) = (b[0].as_f64().unwrap(), b[1].as_f64().unwrap());
                    assert!(
                        (a.0 - x).hypot(a.1 - y) < 1e-3,
                        "{}: {a:?} vs ({x}, {y})",
                        t.id
                    );
                }
            }
        }
        same_parcels(&out, &truth, 1e-6);
    }
}

#[test]
fn findings_write_to_every_format_as_polygon_and_point_layers() {
    let dir = tempfile::tempdir().unwrap();
    let input = common::repo("tests/fixtures/validate/zones.geojson");
    let overlap = common::repo("tests/fixtures/validate/overlap.geojson");
    // Findings of both kinds: an overlap (a polygon) and not-contiguous / unzoned (points).
    let both = dir.path().join("both.geojson");
    let mut fc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    let extra: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&overlap).unwrap()).unwrap();
    let features = fc["features"].as_array_mut().unwrap();
    features.extend(extra["features"].as_array().unwrap().iter().cloned());
    std::fs::write(&both, fc.to_string()).unwrap();
    let truth_run = common::allot(
        dir.path(),
        &["validate", "both.geojson", "--format", "json", "-q"],
    );
    assert_eq!(truth_run.code, 1, "{}", truth_run.stderr);
    let report: serde_json::Value = serde_json::from_str(&truth_run.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let polygons: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["kind"] == "overlap").collect();
    assert!(!polygons.is_empty() && polygons.len() < findings.len());
    let n_points = findings.len() - polygons.len();
    for (name, layers) in [
        ("f.gpkg", vec![("f.gpkg", "polygons"), ("f.gpkg", "points")]),
        (
            "f.shp",
            vec![
                ("f_polygons.shp", "f_polygons"),
                ("f_points.shp", "f_points"),
            ],
        ),
        (
            "f.fgb",
            vec![("f_polygons.fgb", "polygons"), ("f_points.fgb", "points")],
        ),
        ("f.kml", vec![("f.kml", "polygons"), ("f.kml", "points")]),
    ] {
        // (GeoParquet findings are checked with allot's reader below: GDAL 3.6 has no Parquet
        // driver.)
        let run = common::allot(
            dir.path(),
            &["validate", "both.geojson", "--findings", name, "-q"],
        );
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let mut seen = Vec::new();
        for (file, layer) in layers {
            let path = dir.path().join(file);
            let feats: Vec<_> = ogr_features(path.to_str().unwrap(), &[])
                .into_iter()
                .filter(|(l, _)| l == layer)
                .map(|(_, f)| f)
                .collect();
            seen.push(feats);
        }
        assert_eq!(seen[0].len(), polygons.len(), "{name}");
        assert_eq!(seen[1].len(), n_points, "{name}");
        for (f, truth) in seen[0].iter().zip(&polygons) {
            assert_eq!(f.get("kind").map(String::as_str), Some("overlap"), "{name}");
            let ids: Vec<&str> = truth["parcels"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            assert_eq!(f.get("parcels"), Some(&ids.join(",")), "{name}");
            // dBASE field names hold 10 characters.
            let count = if name.ends_with(".shp") {
                "parcel_cou"
            } else {
                "parcel_count"
            };
            assert_eq!(f.get(count), Some(&ids.len().to_string()), "{name}");
        }
    }
    // GeoParquet: two files; the polygon file reads back as the overlap shapes.
    let run = common::allot(
        dir.path(),
        &["validate", "both.geojson", "--findings", "f.parquet", "-q"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let shapes = read(&dir.path().join("f_polygons.parquet"));
    assert_eq!(shapes.parcels.len(), polygons.len());
    for (p, truth) in shapes.parcels.iter().zip(&polygons) {
        let acres = allot::geodesy::acres(allot::geodesy::area_m2(&p.geometry));
        let want = truth["acres"].as_f64().unwrap();
        assert!((acres - want).abs() < 1e-5, "{acres} vs {want}");
    }
    assert!(dir.path().join("f_points.parquet").exists());
}

/// The field types `ogrinfo -al -so` lists for `layer`, by field name.
fn ogr_field_types(path: &str, layer: &str) -> BTreeMap<String, String> {
    let text = gdal("ogrinfo", &["-so", path, layer]);
    text.lines()
        .filter_map(|l| l.split_once(": "))
        .filter_map(|(k, v)| Some((k, v.split_once(" (")?.0)))
        .filter(|(k, t)| !k.contains(' ') && !t.is_empty() && t.chars().all(char::is_alphanumeric))
        .map(|(k, t)| (k.to_string(), t.to_string()))
        .collect()
}

#[test]
fn findings_columns_keep_their_types_when_every_value_is_null_or_the_layer_is_empty() {
    // `invalid.geojson` has only invalid-geometry findings: points, no zone, no acres. The
    // `acres` column was typed String (GeoPackage, FlatGeobuf, Shapefile) because no value
    // said otherwise, and the empty `polygons` table had no columns at all.
    let dir = tempfile::tempdir().unwrap();
    let input = common::repo("tests/fixtures/validate/invalid.geojson");
    let input = input.to_str().unwrap();
    let want = |dbf: bool| {
        let count = if dbf { "parcel_cou" } else { "parcel_count" };
        let (int, real) = if dbf {
            ("Integer", "Real")
        } else {
            ("Integer64", "Real")
        };
        BTreeMap::from([
            ("kind".to_string(), "String".to_string()),
            ("parcels".into(), "String".into()),
            (count.into(), int.into()),
            ("zone".into(), "String".into()),
            ("acres".into(), real.into()),
            ("at_lon".into(), real.into()),
            ("at_lat".into(), real.into()),
            ("message".into(), "String".into()),
        ])
    };
    let gpkg = dir.path().join("f.gpkg");
    let run = common::allot(
        dir.path(),
        &[
            "validate",
            input,
            "--findings",
            gpkg.to_str().unwrap(),
            "-q",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    for layer in ["points", "polygons"] {
        assert_eq!(
            ogr_field_types(gpkg.to_str().unwrap(), layer),
            want(false),
            "{layer}"
        );
    }
    for (name, file, layer, dbf) in [
        ("f.fgb", "f_points.fgb", "points", false),
        ("f.shp", "f_points.shp", "f_points", true),
    ] {
        let out = dir.path().join(name);
        let run = common::allot(
            dir.path(),
            &["validate", input, "--findings", out.to_str().unwrap(), "-q"],
        );
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        let path = dir.path().join(file);
        let got = ogr_field_types(path.to_str().unwrap(), layer);
        assert_eq!(got, want(dbf), "{name}");
    }
}

#[test]
fn kml_fills_zones_with_the_map_colours_and_names_area_in_the_balloon() {
    let dir = tempfile::tempdir().unwrap();
    let truth = read(&plan(dir.path(), &grid(), "plan.geojson", &[]));
    let kml = plan(dir.path(), &grid(), "plan.kml", &[]);
    let text = std::fs::read_to_string(&kml).unwrap();
    let doc = roxmltree::Document::parse(&text).unwrap();
    // The map's palette: the first zone light blue #77AADD, retained grey #BBBBBB, each as
    // KML aabbggrr at 70% opacity.
    let style_of = |colour: &str| {
        doc.descendants()
            .filter(|n| n.has_tag_name("Style"))
            .find(|s| {
                s.descendants()
                    .any(|c| c.has_tag_name("color") && c.text() == Some(colour))
            })
            .and_then(|s| s.attribute("id"))
            .map(str::to_string)
    };
    let mill = style_of("b3ddaa77").expect("a mill style");
    let retained = style_of("b3bbbbbb").expect("a retained style");
    let placemarks: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("Placemark"))
        .collect();
    assert_eq!(placemarks.len(), truth.parcels.len());
    for (pm, t) in placemarks.iter().zip(&truth.parcels) {
        let child = |name: &str| {
            pm.children()
                .find(|c| c.has_tag_name(name))
                .and_then(|c| c.text())
                .unwrap_or_default()
                .to_string()
        };
        let want = match t.zone.as_deref() {
            Some("mill") => &mill,
            _ => &retained,
        };
        assert_eq!(child("styleUrl"), format!("#{want}"), "{}", t.id);
        let acres = allot::geodesy::acres(allot::geodesy::area_m2(&t.geometry));
        assert!(
            child("description").contains(&format!("{acres:.4} acres")),
            "{}",
            t.id
        );
        assert_eq!(child("name"), t.id.as_str());
    }
    // GDAL's KML driver opens it (it reads names and balloons, not ExtendedData; LIBKML,
    // GDAL's default for .kml, reads the fields: checked above).
    let features = ogr_features(kml.to_str().unwrap(), KML_DRIVER);
    assert_eq!(features.len(), truth.parcels.len());
    for ((_, f), t) in features.iter().zip(&truth.parcels) {
        assert_eq!(f.get("Name").map(String::as_str), Some(t.id.as_str()));
        let zone = t.zone.as_deref().unwrap_or_default();
        assert!(
            f["Description"].contains(&format!("zone: {zone}")),
            "{}",
            t.id
        );
    }
    let mut args = KML_DRIVER.to_vec();
    args.extend(["-so", "-al", kml.to_str().unwrap()]);
    let info = gdal("ogrinfo", &args);
    assert!(info.contains("using driver `KML' successful"), "{info}");
}

#[test]
fn outputs_are_byte_identical_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "a.gpkg",
        "a.shp.zip",
        "a.fgb",
        "a.kml",
        "a.shp",
        "a.parquet",
    ] {
        let first = std::fs::read(plan(dir.path(), &grid(), name, &[])).unwrap();
        let again = std::fs::read(plan(dir.path(), &grid(), name, &[])).unwrap();
        assert!(first == again, "{name} differs between runs");
    }
}

#[test]
fn an_unknown_extension_is_a_usage_error_listing_the_formats() {
    let dir = tempfile::tempdir().unwrap();
    let g = grid();
    let run = common::allot(dir.path(), &["plan", g.to_str().unwrap(), "-o", "plan.dxf"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("plan.dxf")
            && run.stderr.contains(".gpkg")
            && run.stderr.contains(".shp.zip"),
        "{}",
        run.stderr
    );
    assert!(common::files_in(dir.path()).is_empty());
    let run = common::allot(
        dir.path(),
        &["validate", g.to_str().unwrap(), "--findings", "f.csv"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn an_input_is_never_overwritten_by_an_output_of_another_format() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("site.gpkg");
    gdal(
        "ogr2ogr",
        &[
            "-f",
            "GPKG",
            input.to_str().unwrap(),
            grid().to_str().unwrap(),
        ],
    );
    let before = std::fs::read(&input).unwrap();
    let run = common::allot(
        dir.path(),
        &[
            "plan",
            "site.gpkg",
            "-o",
            "site.gpkg",
            "--zone",
            "mill=300",
            "--tolerance",
            "20",
        ],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

/// `plan --zones-out` writes by extension like every other output: the zone outlines of a
/// 3 × 2 grid of 0.005° cells (67.00–67.015 E, 24.00–24.01 N; the 278.47-acre mill is a 2 × 2
/// block) in every format, read back by `ogrinfo` (by allot and pyarrow for GeoParquet, which
/// GDAL 3.6 cannot read). Truth from pyproj `Geod(ellps="WGS84")`: the block measures
/// 1,126,941.7251 m² = 278.473365 acres (÷ 4,046.8564224) = 112.694173 ha.
#[test]
fn zone_outlines_are_written_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    common::industrial_grid(dir.path());
    let outputs = [
        "zones.geojson",
        "zones.gpkg",
        "zones.shp.zip",
        "zones.kml",
        "zones.fgb",
        "zones.parquet",
    ];
    for out in outputs {
        let run = common::allot(
            dir.path(),
            &[
                "plan",
                "grid.geojson",
                "-o",
                "plan.geojson",
                "--zone",
                "mill=278.47ac",
                "--tolerance",
                "0.5",
                "--zones-out",
                out,
                "--out-crs",
                "EPSG:32642",
                "-q",
            ],
        );
        assert_eq!(run.code, 0, "--zones-out {out}: {}", run.stderr);
        let path = dir.path().join(out);
        // allot reads every format back: two outlines, the mill with its four cells.
        let set = read(&path);
        let mut zones: Vec<(String, f64)> = set
            .parcels
            .iter()
            .map(|p| {
                (
                    p.zone.as_deref().unwrap().to_string(),
                    allot::geodesy::area_m2(&p.geometry),
                )
            })
            .collect();
        zones.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(zones.len(), 2, "{out}: {zones:?}");
        assert_eq!(zones[0].0, "mill", "{out}");
        assert_eq!(zones[1].0, "retained", "{out}");
        assert!(
            (zones[0].1 - 1_126_941.725_120_067_6).abs() < 1e-3,
            "{out}: mill outline {} m²",
            zones[0].1
        );
        let mill = set
            .parcels
            .iter()
            .find(|p| p.zone.as_deref() == Some("mill"))
            .unwrap();
        let props = mill.properties_map().unwrap();
        assert_eq!(props["area_acres"], 278.473365, "{out}");
        assert_eq!(props["parcels"], 4, "{out}");
        if out.ends_with(".parquet") {
            continue;
        }
        // GDAL reads the same two features and values.
        let extra: &[&str] = if out.ends_with(".kml") {
            KML_DRIVER
        } else {
            &[]
        };
        let features = ogr_features(path.to_str().unwrap(), extra);
        assert_eq!(features.len(), 2, "{out}: {features:?}");
        if out.ends_with(".kml") {
            // GDAL's KML driver shows the placemark's name and balloon text.
            let mill = features
                .iter()
                .find(|(_, f)| f.get("Name").map(String::as_str) == Some("mill"))
                .unwrap_or_else(|| panic!("{out}: no mill in {features:?}"));
            assert!(
                mill.1["Description"].contains("278.4734 acres"),
                "{out}: {mill:?}"
            );
            continue;
        }
        let mill = features
            .iter()
            .find(|(_, f)| f.get("zone").map(String::as_str) == Some("mill"))
            .unwrap_or_else(|| panic!("{out}: no mill in {features:?}"));
        // As a number: the shapefile's DBF prints 278.473365000000001.
        let acres: f64 = mill.1["area_acres"].parse().unwrap();
        assert!((acres - 278.473365).abs() < 1e-9, "{out}: {mill:?}");
        assert_eq!(
            mill.1.get("parcels").map(String::as_str),
            Some("4"),
            "{out}"
        );
    }
    // Projected formats carry the output CRS; GeoJSON and KML stay WGS84.
    let info = gdal(
        "ogrinfo",
        &[
            "-al",
            "-so",
            dir.path().join("zones.gpkg").to_str().unwrap(),
        ],
    );
    assert!(info.contains("UTM zone 42N"), "{info}");
    let info = gdal(
        "ogrinfo",
        &[
            "-al",
            "-so",
            dir.path().join("zones.geojson").to_str().unwrap(),
        ],
    );
    assert!(info.contains("WGS 84") && !info.contains("UTM"), "{info}");
}
