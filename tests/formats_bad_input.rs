//! Bad input in the formats other than GeoJSON: each case runs the real binary and must exit 2
//! with one message naming the file (and the layer and feature where there is one) and what
//! is wrong, never a panic. Inputs are made with GDAL's `ogr2ogr` from the bundled site or
//! from tiny hand-written GeoJSON, then broken on purpose. GDAL is required (fails, not skips).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn ogr2ogr(args: &[&str]) {
    let out = Command::new("ogr2ogr")
        .args(args)
        .output()
        .expect("ogr2ogr (Debian gdal-bin) must be installed to run this test");
    assert!(
        out.status.success(),
        "ogr2ogr {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn site() -> String {
    common::repo("data/psm-site.geojson")
        .to_str()
        .unwrap()
        .to_string()
}

fn shapefile(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    ogr2ogr(&[
        "-f",
        "ESRI Shapefile",
        "-mapFieldType",
        "StringList=String",
        p.to_str().unwrap(),
        &site(),
    ]);
    p
}

/// Runs `allot summary FILE [extra]` and expects exit 2 with every `needles` in stderr.
fn refused(dir: &Path, file: &Path, extra: &[&str], needles: &[&str]) -> String {
    let mut args = vec!["summary", file.to_str().unwrap()];
    args.extend_from_slice(extra);
    let r = common::allot(dir, &args);
    assert_eq!(
        r.code, 2,
        "{args:?}: stdout {} stderr {}",
        r.stdout, r.stderr
    );
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    for n in needles {
        assert!(
            r.stderr.contains(n),
            "{args:?}: {:?} not in {}",
            n,
            r.stderr
        );
    }
    r.stderr
}

const POINTS: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"W1"},"geometry":{"type":"Point","coordinates":[67.35,24.81]}}]}"#;

#[test]
fn truncated_shapefile_names_the_feature() {
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile(dir.path(), "site.shp");
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() / 2]).unwrap();
    refused(
        dir.path(),
        &shp,
        &[],
        &["site.shp", ": feature ", "truncated"],
    );
    // Cut inside the 100-byte header.
    std::fs::write(&shp, &bytes[..60]).unwrap();
    refused(
        dir.path(),
        &shp,
        &[],
        &["site.shp", "not a readable Shapefile part"],
    );
}

#[test]
fn shp_without_dbf_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile(dir.path(), "site.shp");
    std::fs::remove_file(shp.with_extension("dbf")).unwrap();
    refused(dir.path(), &shp, &[], &["site.shp", "site.dbf is missing"]);
}

fn zip_of(dir: &Path, zip: &str, files: &[&Path]) -> PathBuf {
    let out = dir.join(zip);
    let f = std::fs::File::create(&out).unwrap();
    let mut w = zip::ZipWriter::new(f);
    for p in files {
        let name = p.file_name().unwrap().to_str().unwrap();
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, &std::fs::read(p).unwrap()).unwrap();
    }
    w.finish().unwrap();
    out
}

#[test]
fn zips_without_a_shp_or_with_several_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let a = shapefile(dir.path(), "a.shp");
    let b = shapefile(dir.path(), "b.shp");
    let readme = dir.path().join("readme.txt");
    std::fs::write(&readme, "parcels").unwrap();
    let none = zip_of(dir.path(), "none.zip", &[&readme, &a.with_extension("dbf")]);
    refused(
        dir.path(),
        &none,
        &[],
        &["none.zip", "holds no Shapefile", "readme.txt"],
    );
    let parts = |p: &Path| {
        ["shp", "shx", "dbf", "prj"]
            .iter()
            .map(|e| p.with_extension(e))
            .collect::<Vec<_>>()
    };
    let mut files = parts(&a);
    files.extend(parts(&b));
    let refs: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let two = zip_of(dir.path(), "two.zip", &refs);
    refused(
        dir.path(),
        &two,
        &[],
        &["two.zip", "holds 2 Shapefiles (a, b)", "--layer"],
    );
    let r = common::allot(
        dir.path(),
        &["summary", two.to_str().unwrap(), "--layer", "b"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("355 parcels"), "{}", r.stdout);
    refused(
        dir.path(),
        &two,
        &["--layer", "c"],
        &["no Shapefile \"c\"", "a, b"],
    );
    // A zip holding a .shp but not its .dbf.
    let nodbf = zip_of(dir.path(), "nodbf.zip", &[&a]);
    refused(
        dir.path(),
        &nodbf,
        &[],
        &["nodbf.zip", "layer \"a\"", "not its attribute table"],
    );
}

#[test]
fn geopackages_without_a_polygon_layer_or_with_several_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let pts = dir.path().join("wells.geojson");
    std::fs::write(&pts, POINTS).unwrap();
    let gpkg = dir.path().join("wells.gpkg");
    ogr2ogr(&["-f", "GPKG", gpkg.to_str().unwrap(), pts.to_str().unwrap()]);
    refused(
        dir.path(),
        &gpkg,
        &[],
        &["wells.gpkg", "no polygon layer", "wells (POINT)"],
    );
    // Asked for the point layer by name: its feature is named.
    refused(
        dir.path(),
        &gpkg,
        &["--layer", "wells"],
        &["layer \"wells\"", "feature 1 (id \"W1\")", "Point"],
    );
    // Two polygon layers.
    let two = dir.path().join("two.gpkg");
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-nln",
        "north",
        two.to_str().unwrap(),
        &site(),
    ]);
    ogr2ogr(&[
        "-f",
        "GPKG",
        "-update",
        "-nln",
        "south",
        two.to_str().unwrap(),
        &site(),
    ]);
    refused(
        dir.path(),
        &two,
        &[],
        &[
            "several polygon layers",
            "north (POLYGON)",
            "south (POLYGON)",
        ],
    );
    let r = common::allot(
        dir.path(),
        &["summary", two.to_str().unwrap(), "--layer", "south"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    refused(
        dir.path(),
        &two,
        &["--layer", "east"],
        &["no layer \"east\"", "north (POLYGON)"],
    );
    // Truncated.
    let bytes = std::fs::read(&two).unwrap();
    let cut = dir.path().join("cut.gpkg");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    refused(dir.path(), &cut, &[], &["cut.gpkg"]);
}

#[test]
fn kml_without_polygons_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let pts = dir.path().join("wells.geojson");
    std::fs::write(&pts, POINTS).unwrap();
    let kml = dir.path().join("wells.kml");
    ogr2ogr(&["-f", "KML", kml.to_str().unwrap(), pts.to_str().unwrap()]);
    refused(dir.path(), &kml, &[], &["wells.kml", "feature 1", "Point"]);
    let empty = dir.path().join("empty.kml");
    std::fs::write(
        &empty,
        "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document/></kml>",
    )
    .unwrap();
    refused(dir.path(), &empty, &[], &["empty.kml", "no Placemark"]);
}

#[test]
fn csv_rows_with_bad_wkt_name_the_row_and_id() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("corners.csv");
    std::fs::write(
        &csv,
        "id,WKT\nA,\"POLYGON((67.35 24.81,67.36 24.81,67.36 24.82,67.35 24.81))\"\nB,\"POLYGON((67.35 24.81, 67.36\"\n",
    )
    .unwrap();
    refused(
        dir.path(),
        &csv,
        &[],
        &[
            "corners.csv: feature 2 (id \"B\")",
            "line 3",
            "not valid WKT",
        ],
    );
    let nocol = dir.path().join("nocol.csv");
    std::fs::write(&nocol, "id,shape\nA,x\n").unwrap();
    refused(
        dir.path(),
        &nocol,
        &[],
        &["no column holds WKT", "id, shape", "--wkt-column"],
    );
    refused(
        dir.path(),
        &nocol,
        &["--wkt-column", "geom"],
        &["no column \"geom\""],
    );
}

#[test]
fn a_prj_that_names_no_known_crs_is_quoted() {
    let dir = tempfile::tempdir().unwrap();
    let shp = shapefile(dir.path(), "site.shp");
    std::fs::write(
        shp.with_extension("prj"),
        "LOCAL_CS[\"Steel Mill site grid\",UNIT[\"metre\",1]]",
    )
    .unwrap();
    refused(
        dir.path(),
        &shp,
        &[],
        &[
            "site.shp",
            "unknown CRS",
            "Steel Mill site grid",
            "--crs EPSG:N",
        ],
    );
    // --crs overrides a .prj it cannot read.
    let r = common::allot(
        dir.path(),
        &["summary", shp.to_str().unwrap(), "--crs", "EPSG:4326"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    refused(
        dir.path(),
        &shp,
        &["--crs", "EPSG:99999"],
        &["EPSG:99999 is not a CRS allot knows"],
    );
}

#[test]
fn unread_formats_are_named_with_a_conversion_whatever_their_extension() {
    let dir = tempfile::tempdir().unwrap();
    let dxf = dir.path().join("site.dxf");
    ogr2ogr(&["-f", "DXF", dxf.to_str().unwrap(), &site()]);
    let disguised = dir.path().join("site.geojson");
    std::fs::copy(&dxf, &disguised).unwrap();
    refused(
        dir.path(),
        &disguised,
        &[],
        &[
            "this is a DXF (AutoCAD drawing exchange) file",
            "convert it with: ogr2ogr -f GeoJSON out.geojson",
        ],
    );
    let shp = shapefile(dir.path(), "s.shp");
    refused(
        dir.path(),
        &shp.with_extension("shx"),
        &[],
        &["Shapefile index", "give allot the .shp"],
    );
    // A GeoPackage named .shp is read as what it is.
    let gpkg = dir.path().join("g.gpkg");
    ogr2ogr(&["-f", "GPKG", gpkg.to_str().unwrap(), &site()]);
    let renamed = dir.path().join("g.shp");
    std::fs::copy(&gpkg, &renamed).unwrap();
    let r = common::allot(dir.path(), &["summary", renamed.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("355 parcels"));
    // Truncated FlatGeobuf.
    let fgb = dir.path().join("s.fgb");
    ogr2ogr(&[
        "-f",
        "FlatGeobuf",
        "-mapFieldType",
        "StringList=String",
        fgb.to_str().unwrap(),
        &site(),
    ]);
    let bytes = std::fs::read(&fgb).unwrap();
    std::fs::write(&fgb, &bytes[..bytes.len() / 2]).unwrap();
    refused(dir.path(), &fgb, &[], &["s.fgb"]);
}

#[test]
fn a_legacy_crs_allot_does_not_know_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let gj = dir.path().join("odd.geojson");
    std::fs::write(
        &gj,
        r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::99999"}},"features":[]}"#,
    )
    .unwrap();
    refused(
        dir.path(),
        &gj,
        &[],
        &[
            "odd.geojson",
            "EPSG::99999",
            "EPSG:99999 is not a CRS allot knows",
        ],
    );
}
