//! Round trips through real GDAL: `ogr2ogr` converts the bundled PSM site
//! (`data/psm-site.geojson`, 355 parcels) into each format allot reads, in EPSG:4326, 32642
//! (WGS 84 / UTM 42N) and 24312 (Kalianpur 1962 / UTM 42N); allot reads each file and must
//! report the same parcels (ids, in order), the same properties (types kept, the `access`
//! list included) and the same areas as from the GeoJSON.
//!
//! Tolerances: exact projections (4326, 32642) within 1e-6 relative per parcel area and
//! 1 mm per vertex. For 24312 GDAL (PROJ) applies EPSG transformation 15703 "Kalianpur 1962 to
//! WGS 84 (4)" at the site, as allot does, so the same bounds hold (measured: well under
//! 1 mm); a reader that applied the country-wide EPSG:1247 instead would be about 9 m off and
//! fail. GDAL is required: the test fails, not skips, when `ogr2ogr` is missing.
//!
//! Each non-GeoJSON file is also read by the reference route (`read_as_geojson`: the features
//! written as GeoJSON text and parsed by the GeoJSON reader, which is how allot read them
//! before its readers built parcels directly), and allot's parcels must equal those exactly,
//! coordinates and areas bit for bit.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use allot::Parcel;
use allot::geodesy;
use allot::read::{ReadOptions, SourceOptions, read_parcels, read_parcels_from};
use serde_json::Value;

fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr").args(args).output().expect(
        "ogr2ogr (Debian gdal-bin) must be installed to run this test: scripts/test.sh installs it",
    );
    assert!(
        out.status.success(),
        "ogr2ogr {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Converts the PSM site into `name` (in `dir`) with the given driver and target CRS.
fn convert(dir: &Path, name: &str, driver: &str, epsg: u32, extra: &[&str]) -> PathBuf {
    let out = dir.join(name);
    let site = common::repo("data/psm-site.geojson");
    let srs = format!("EPSG:{epsg}");
    let mut args = vec!["-f", driver, "-t_srs", &srs];
    args.extend_from_slice(extra);
    args.push(out.to_str().unwrap());
    args.push(site.to_str().unwrap());
    ogr2ogr(&args);
    out
}

fn area_m2(p: &Parcel) -> f64 {
    geodesy::area_m2(&p.geometry)
}

/// Largest distance in metres between corresponding vertices (equirectangular, fine at
/// these sub-metre scales), or infinity when the vertex counts differ.
fn max_vertex_gap_m(a: &Parcel, b: &Parcel) -> f64 {
    use geo::CoordsIter;
    if a.geometry.coords_count() != b.geometry.coords_count() {
        return f64::INFINITY;
    }
    // Rings may start at another vertex or run the other way in some formats: compare each
    // vertex with the nearest vertex of the other parcel.
    let theirs: Vec<_> = b.geometry.coords_iter().collect();
    a.geometry
        .coords_iter()
        .map(|c| {
            theirs
                .iter()
                .map(|d| {
                    let dx = (c.x - d.x) * 111_320.0 * c.y.to_radians().cos();
                    let dy = (c.y - d.y) * 110_574.0;
                    dx.hypot(dy)
                })
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max)
}

/// allot's reading of `path` equals, exactly, the reference route: the same features written
/// as GeoJSON text (`read_as_geojson`) and parsed by the GeoJSON reader. Ids, zones, names,
/// access lists, the properties' JSON text, the multi flag and every coordinate bit for bit.
fn same_as_reference(path: &Path, opts: &SourceOptions, what: &str) {
    use geo::CoordsIter;
    let format = allot::read::sniff_path(path).unwrap();
    if format == allot::read::Format::GeoJson {
        return;
    }
    for keep_properties in [true, false] {
        let ropts = ReadOptions { keep_properties };
        let got = read_parcels_from(path, ropts, opts).unwrap_or_else(|e| panic!("{what}: {e}"));
        let conv = allot::read::formats::read_as_geojson(path, format, opts)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        let want = allot::read::parse_parcels_with(conv.geojson.as_bytes(), &conv.name, ropts)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(got.source, want.source, "{what}");
        assert_eq!(got.members, want.members, "{what}");
        assert_eq!(got.crs, conv.crs, "{what}");
        assert_eq!(got.parcels.len(), want.parcels.len(), "{what}");
        for (g, w) in got.parcels.iter().zip(&want.parcels) {
            let who = format!("{what} {}", w.id);
            assert_eq!(g.id, w.id, "{who}");
            assert_eq!(g.zone, w.zone, "{who}");
            assert_eq!(g.land_use(), w.land_use(), "{who}");
            assert_eq!(g.name(), w.name(), "{who}");
            assert_eq!(g.access(), w.access(), "{who}");
            assert_eq!((g.index, g.multi), (w.index, w.multi), "{who}");
            assert_eq!(g.feature_id(), w.feature_id(), "{who}");
            assert_eq!(
                g.properties().map(|p| p.get()),
                w.properties().map(|p| p.get()),
                "{who}"
            );
            let bits = |p: &Parcel| -> Vec<(u64, u64)> {
                p.geometry
                    .coords_iter()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
                    .collect()
            };
            assert_eq!(bits(g), bits(w), "{who}");
            assert_eq!(area_m2(g).to_bits(), area_m2(w).to_bits(), "{who}");
        }
    }
}

fn same_as_geojson(path: &Path, opts: &SourceOptions, what: &str) {
    same_as_reference(path, opts, what);
    let truth = read_parcels(&common::repo("data/psm-site.geojson")).unwrap();
    same_parcels_as(path, opts, &truth, false, what);
}

/// allot's parcels from `path` are `truth`'s (read from GeoJSON): the same ids (in the same
/// order when `in_order`), names, access lists and properties, areas within 1e-6 relative
/// and vertices within 1 mm.
fn same_parcels_as(
    path: &Path,
    opts: &SourceOptions,
    truth: &allot::ParcelSet,
    in_order: bool,
    what: &str,
) {
    let got = read_parcels_from(path, ReadOptions::default(), opts)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    assert_eq!(got.parcels.len(), truth.parcels.len(), "{what}");
    if in_order {
        let ids = |s: &allot::ParcelSet| s.parcels.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert!(ids(&got) == ids(truth), "{what}: parcels in another order");
    }
    // FlatGeobuf files with a spatial index hold features in index order, so parcels are
    // matched by id (and every id must be found once).
    let by_id: std::collections::HashMap<_, _> =
        got.parcels.iter().map(|p| (p.id.clone(), p)).collect();
    assert_eq!(by_id.len(), truth.parcels.len(), "{what}: ids repeat");
    let mut worst_area = 0.0f64;
    let mut worst_gap = 0.0f64;
    for t in &truth.parcels {
        let g = by_id
            .get(&t.id)
            .unwrap_or_else(|| panic!("{what}: parcel {} missing", t.id));
        assert_eq!(g.land_use(), t.land_use(), "{what} {}", t.id);
        assert_eq!(g.name(), t.name(), "{what} {}", t.id);
        assert_eq!(g.access(), t.access(), "{what} {}", t.id);
        let gp = g.properties_map().unwrap();
        let tp = t.properties_map().unwrap();
        for (k, v) in &tp {
            // GDAL's GeoJSON writer turns a property `id` equal to the Feature id into the
            // Feature id only; the parcel id was compared above.
            if k == "id" && !gp.contains_key("id") && what.starts_with("geojson") {
                continue;
            }
            assert_eq!(gp.get(k), Some(v), "{what} {} property {k}", t.id);
        }
        let rel = (area_m2(g) - area_m2(t)).abs() / area_m2(t);
        worst_area = worst_area.max(rel);
        worst_gap = worst_gap.max(max_vertex_gap_m(g, t));
    }
    eprintln!(
        "{what}: worst relative area error {worst_area:.2e}, worst vertex gap {worst_gap:.2e} m"
    );
    assert!(
        worst_area < 1e-6,
        "{what}: area off by {worst_area:e} relative"
    );
    assert!(worst_gap < 1e-3, "{what}: a vertex moved {worst_gap} m");
}

const CRSS: [u32; 3] = [4326, 32642, 24312];

#[test]
fn shapefile_in_each_crs_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    for epsg in CRSS {
        let shp = convert(
            dir.path(),
            &format!("site{epsg}.shp"),
            "ESRI Shapefile",
            epsg,
            &["-mapFieldType", "StringList=String"],
        );
        same_as_geojson(
            &shp,
            &SourceOptions::default(),
            &format!("shapefile {epsg}"),
        );
    }
}

#[test]
fn zipped_shapefile_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let zip = convert(
        dir.path(),
        "site.shp.zip",
        "ESRI Shapefile",
        24312,
        &["-mapFieldType", "StringList=String"],
    );
    same_as_geojson(&zip, &SourceOptions::default(), "shapefile zip 24312");
}

#[test]
fn geopackage_in_each_crs_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    for epsg in CRSS {
        let gpkg = convert(dir.path(), &format!("site{epsg}.gpkg"), "GPKG", epsg, &[]);
        same_as_geojson(&gpkg, &SourceOptions::default(), &format!("gpkg {epsg}"));
    }
}

#[test]
fn flatgeobuf_in_each_crs_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    for epsg in CRSS {
        let fgb = convert(
            dir.path(),
            &format!("site{epsg}.fgb"),
            "FlatGeobuf",
            epsg,
            &["-mapFieldType", "StringList=String"],
        );
        same_as_geojson(&fgb, &SourceOptions::default(), &format!("fgb {epsg}"));
    }
}

#[test]
fn csv_with_wkt_in_each_crs_reads_as_the_geojson_given_its_crs() {
    // CSV carries no CRS: --crs declares it.
    let dir = tempfile::tempdir().unwrap();
    for epsg in CRSS {
        let csv = convert(
            dir.path(),
            &format!("site{epsg}.csv"),
            "CSV",
            epsg,
            &["-lco", "GEOMETRY=AS_WKT"],
        );
        let opts = SourceOptions {
            crs: Some(format!("EPSG:{epsg}")),
            ..Default::default()
        };
        same_as_geojson(&csv, &opts, &format!("csv {epsg}"));
    }
}

#[test]
fn kml_and_kmz_read_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let kml = convert(dir.path(), "site.kml", "KML", 4326, &[]);
    same_as_geojson(&kml, &SourceOptions::default(), "kml");
    let kmz = convert(dir.path(), "site.kmz", "LIBKML", 4326, &[]);
    same_as_geojson(&kmz, &SourceOptions::default(), "kmz");
}

#[test]
fn geojson_with_a_legacy_projected_crs_is_reprojected() {
    let dir = tempfile::tempdir().unwrap();
    for epsg in [32642, 24312] {
        let gj = convert(
            dir.path(),
            &format!("site{epsg}.geojson"),
            "GeoJSON",
            epsg,
            &[],
        );
        let text = std::fs::read_to_string(&gj).unwrap();
        assert!(
            text.contains(&format!("EPSG::{epsg}")),
            "GDAL wrote a crs member"
        );
        same_as_geojson(&gj, &SourceOptions::default(), &format!("geojson {epsg}"));
    }
}

#[test]
fn the_cli_reads_every_format_and_reports_the_same_summary() {
    let dir = tempfile::tempdir().unwrap();
    let list = ["-mapFieldType", "StringList=String"];
    let files = [
        convert(dir.path(), "a.shp", "ESRI Shapefile", 24312, &list),
        convert(dir.path(), "a.gpkg", "GPKG", 32642, &[]),
        convert(dir.path(), "a.fgb", "FlatGeobuf", 32642, &list),
        convert(dir.path(), "a.kml", "KML", 4326, &[]),
    ];
    let want = common::allot(
        dir.path(),
        &[
            "summary",
            common::repo("data/psm-site.geojson").to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(want.code, 0, "{}", want.stderr);
    // The bounding box is printed unrounded and compared to 1e-8 degrees (about 1 mm); `illustrative`
    // comes from the GeoJSON's metadata, which other formats do not carry.
    let strip = |s: &str| {
        let mut v: Value = serde_json::from_str(s).unwrap();
        let o = v.as_object_mut().unwrap();
        o.remove("source");
        o.remove("illustrative");
        let bbox: Vec<f64> = o
            .remove("bbox")
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        (v, bbox)
    };
    let same = |a: &(Value, Vec<f64>), b: &(Value, Vec<f64>), what: &str| {
        assert_eq!(a.0, b.0, "{what}");
        for (x, y) in a.1.iter().zip(&b.1) {
            assert!((x - y).abs() < 1e-8, "{what}: bbox {:?} vs {:?}", a.1, b.1);
        }
    };
    for f in &files {
        let got = common::allot(
            dir.path(),
            &["summary", f.to_str().unwrap(), "--format", "json"],
        );
        assert_eq!(got.code, 0, "{}: {}", f.display(), got.stderr);
        same(
            &strip(&got.stdout),
            &strip(&want.stdout),
            &f.display().to_string(),
        );
    }
    // A CSV without --crs is taken as WGS84 and its UTM metres are refused with the hint.
    let csv = convert(
        dir.path(),
        "a.csv",
        "CSV",
        32642,
        &["-lco", "GEOMETRY=AS_WKT"],
    );
    let r = common::allot(dir.path(), &["summary", csv.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("a.csv: feature 1"), "{}", r.stderr);
    let r = common::allot(
        dir.path(),
        &[
            "summary",
            csv.to_str().unwrap(),
            "--crs",
            "EPSG:32642",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    same(&strip(&r.stdout), &strip(&want.stdout), "csv --crs");
}

/// Writes the PSM site as GeoParquet in EPSG:`epsg` with pyarrow: shapely builds and encodes
/// the geometry as WKB and pyproj reprojects it; pyarrow types the properties (the `access`
/// list becomes a list column); the `geo` metadata names the CRS by its EPSG id (none for
/// 4326, which GeoParquet takes as OGC:CRS84). GDAL 3.6's `ogr2ogr` has no Parquet driver,
/// hence Python.
fn geoparquet(dir: &Path, epsg: u32) -> PathBuf {
    let out = dir.join(format!("site{epsg}.parquet"));
    geoparquet_of(&common::repo("data/psm-site.geojson"), &out, epsg, 0);
    out
}

/// [`geoparquet`] of any GeoJSON file `src`, written to `out`, in row groups of
/// `row_group_rows` rows (0: pyarrow's default, one group for small files).
fn geoparquet_of(src: &Path, out: &Path, epsg: u32, row_group_rows: usize) {
    let script = r#"
import json, sys
import numpy as np, pyarrow as pa, pyarrow.parquet as pq, pyproj, shapely, shapely.geometry
src, out, epsg = sys.argv[1], sys.argv[2], int(sys.argv[3])
features = json.load(open(src))["features"]
geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
if epsg != 4326:
    t = pyproj.Transformer.from_crs(4326, epsg, always_xy=True)
    geoms = shapely.transform(geoms, lambda xy: np.column_stack(t.transform(xy[:, 0], xy[:, 1])))
table = pa.Table.from_pylist([f["properties"] for f in features])
table = table.append_column("geometry", pa.array(shapely.to_wkb(geoms), pa.binary()))
column = {"encoding": "WKB", "geometry_types": []}
if epsg != 4326:
    column["crs"] = {"id": {"authority": "EPSG", "code": epsg}}
geo = {"version": "1.1.0", "primary_column": "geometry", "columns": {"geometry": column}}
rows = int(sys.argv[4]) or None
pq.write_table(table.replace_schema_metadata({b"geo": json.dumps(geo).encode()}), out, row_group_size=rows)
"#;
    let r = Command::new("python3")
        .args([
            "-c",
            script,
            src.to_str().unwrap(),
            out.to_str().unwrap(),
            &epsg.to_string(),
            &row_group_rows.to_string(),
        ])
        .output()
        .expect("python3 with pyarrow, shapely and pyproj (scripts/test.sh installs them)");
    assert!(
        r.status.success(),
        "writing GeoParquet with pyarrow failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
}

#[test]
fn geoparquet_in_each_crs_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    for epsg in CRSS {
        let parquet = geoparquet(dir.path(), epsg);
        same_as_geojson(
            &parquet,
            &SourceOptions::default(),
            &format!("geoparquet {epsg}"),
        );
    }
}

/// A fabric large enough to be decoded in many parallel pieces (12,000 non-convex parcels,
/// in UTM 42N), as FlatGeobuf without and with GDAL's spatial index, as a GeoPackage written
/// by GDAL (read in several chunks of rows), and as GeoParquet in 12 row groups of 1,000 rows
/// and in one row group, with plain columns (which allot reads column by column): allot's
/// parcels equal the reference route's exactly, and the GeoJSON's, in the same order where
/// the file keeps it.
#[test]
fn a_large_fabric_as_flatgeobuf_geopackage_and_geoparquet_reads_as_the_geojson() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::allot(
        dir.path(),
        &[
            "generate",
            "--parcels",
            "12000",
            "--seed",
            "5",
            "--kind",
            "nonconvex",
            "-o",
            "fabric.geojson",
            "-q",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let src = dir.path().join("fabric.geojson");
    let truth = read_parcels(&src).unwrap();
    assert!(truth.parcels.len() >= 12_000);
    let fgb = |name: &str, extra: &[&str]| {
        let out = dir.path().join(name);
        let mut args = vec!["-f", "FlatGeobuf", "-t_srs", "EPSG:32642"];
        args.extend_from_slice(extra);
        args.extend([out.to_str().unwrap(), src.to_str().unwrap()]);
        ogr2ogr(&args);
        out
    };
    let plain = fgb("plain.fgb", &["-lco", "SPATIAL_INDEX=NO"]);
    let indexed = fgb("indexed.fgb", &[]);
    let parquet = dir.path().join("groups.parquet");
    geoparquet_of(&src, &parquet, 32642, 1000);
    let one_group = dir.path().join("one-group.parquet");
    geoparquet_of(&src, &one_group, 32642, 1_000_000);
    let gpkg = dir.path().join("fabric.gpkg");
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-t_srs",
        "EPSG:32642",
        gpkg.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    for (path, in_order) in [
        (&plain, true),
        (&indexed, false),
        (&parquet, true),
        (&one_group, true),
        (&gpkg, true),
    ] {
        let what = path.file_name().unwrap().to_string_lossy().to_string();
        same_as_reference(path, &SourceOptions::default(), &what);
        same_parcels_as(path, &SourceOptions::default(), &truth, in_order, &what);
    }
}
