//! Seeded mutation fuzzer over the readers of formats other than GeoJSON (Shapefile, zipped
//! Shapefile, GeoPackage, FlatGeobuf, KML, KMZ, CSV+WKT) and the content sniffing in front
//! of them (library calls, not the binary, for speed).
//!
//! Seeds are the first 6 parcels of the bundled PSM site converted by GDAL's `ogr2ogr` (in
//! EPSG:32642 where the format carries a CRS, so reprojection runs too). Each case takes one
//! seed file (for a Shapefile, the `.shp` or the `.dbf`) and applies one to four byte-level
//! mutations: flips, random runs, truncation, deletion, duplication. For every case nothing
//! may panic (a panic is reported with the mutated file kept), and an `Ok` result must hold
//! only parcels with finite WGS84 coordinates in range.
//!
//! `ALLOT_FUZZ_CASES` sets the number of cases (default 200), `ALLOT_FUZZ_SEED` the seed
//! (default 1). GDAL is required (the test fails, not skips, without it).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use allot::read::{ReadOptions, SourceOptions, read_parcels_from};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

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

/// (file to read, file to mutate) pairs made from the site's first parcels.
fn seeds(dir: &Path) -> Vec<(PathBuf, PathBuf)> {
    let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/psm-site.geojson");
    let site = site.to_str().unwrap();
    let list = ["-mapFieldType", "StringList=String"];
    let make = |name: &str, driver: &str, srs: &str, extra: &[&str]| -> PathBuf {
        let p = dir.join(name);
        let mut args = vec!["-f", driver, "-t_srs", srs, "-limit", "6"];
        args.extend_from_slice(extra);
        args.extend([p.to_str().unwrap(), site]);
        ogr2ogr(&args);
        p
    };
    let shp = make("s.shp", "ESRI Shapefile", "EPSG:32642", &list);
    let zip = make("z.shp.zip", "ESRI Shapefile", "EPSG:24312", &list);
    let gpkg = make("g.gpkg", "GPKG", "EPSG:32642", &[]);
    let fgb = make("f.fgb", "FlatGeobuf", "EPSG:32642", &list);
    let kml = make("k.kml", "KML", "EPSG:4326", &[]);
    let kmz = make("k.kmz", "LIBKML", "EPSG:4326", &[]);
    let csv = make("c.csv", "CSV", "EPSG:4326", &["-lco", "GEOMETRY=AS_WKT"]);
    vec![
        (shp.clone(), shp.clone()),
        (shp.clone(), shp.with_extension("dbf")),
        (zip.clone(), zip),
        (gpkg.clone(), gpkg),
        (fgb.clone(), fgb),
        (kml.clone(), kml),
        (kmz.clone(), kmz),
        (csv.clone(), csv),
    ]
}

fn mutate(rng: &mut Rng, bytes: &mut Vec<u8>) {
    for _ in 0..1 + rng.below(4) {
        if bytes.is_empty() {
            bytes.push(rng.next() as u8);
            continue;
        }
        let at = rng.below(bytes.len());
        match rng.below(6) {
            0 => bytes[at] ^= 1 << rng.below(8),
            1 => {
                let n = 1 + rng.below(16);
                for i in at..(at + n).min(bytes.len()) {
                    bytes[i] = rng.next() as u8;
                }
            }
            2 => bytes.truncate(at),
            3 => {
                let n = 1 + rng.below(64);
                bytes.drain(at..(at + n).min(bytes.len()));
            }
            4 => {
                let n = 1 + rng.below(64);
                let chunk: Vec<u8> = bytes[at..(at + n).min(bytes.len())].to_vec();
                let to = rng.below(bytes.len());
                bytes.splice(to..to, chunk);
            }
            _ => {
                // A plausible large number where a count or offset might be.
                let v = [0u32, 1, 0x7FFF_FFFF, u32::MAX, 1 << 20][rng.below(5)];
                let end = (at + 4).min(bytes.len());
                bytes[at..end].copy_from_slice(&v.to_le_bytes()[..end - at]);
            }
        }
    }
}

#[test]
fn mutated_files_in_every_format_never_panic() {
    let cases = env_or("ALLOT_FUZZ_CASES", 200);
    let mut rng = Rng(env_or("ALLOT_FUZZ_SEED", 1));
    let seeds_dir = tempfile::tempdir().unwrap();
    let seeds = seeds(seeds_dir.path());
    // Every seed reads cleanly before it is mutated.
    for (read, _) in &seeds {
        let set = read_parcels_from(read, ReadOptions::default(), &SourceOptions::default())
            .unwrap_or_else(|e| panic!("seed {}: {e}", read.display()));
        assert_eq!(set.parcels.len(), 6, "{}", read.display());
    }
    let work = tempfile::tempdir().unwrap();
    let mut outcomes = [0usize; 2];
    for case in 0..cases {
        let (read, target) = &seeds[rng.below(seeds.len())];
        // Copy the whole seed set (siblings included), then mutate one file.
        let case_dir = work.path().join(format!("c{case}"));
        std::fs::create_dir_all(&case_dir).unwrap();
        let stem = read.file_stem().unwrap().to_owned();
        for entry in std::fs::read_dir(seeds_dir.path()).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() && p.file_stem() == Some(&stem) {
                std::fs::copy(&p, case_dir.join(p.file_name().unwrap())).unwrap();
            }
        }
        let target = case_dir.join(target.file_name().unwrap());
        let read = case_dir.join(read.file_name().unwrap());
        let mut bytes = std::fs::read(&target).unwrap();
        mutate(&mut rng, &mut bytes);
        std::fs::write(&target, &bytes).unwrap();
        let result = catch_unwind(AssertUnwindSafe(|| {
            read_parcels_from(&read, ReadOptions::default(), &SourceOptions::default())
        }));
        match result {
            Err(_) => panic!(
                "case {case}: reading {} panicked (mutated file kept at {})",
                read.display(),
                work.keep().join(format!("c{case}")).display()
            ),
            Ok(Ok(set)) => {
                outcomes[0] += 1;
                for p in &set.parcels {
                    for poly in &p.geometry.0 {
                        for c in poly
                            .exterior()
                            .0
                            .iter()
                            .chain(poly.interiors().iter().flat_map(|r| r.0.iter()))
                        {
                            assert!(
                                c.x.is_finite()
                                    && c.y.is_finite()
                                    && c.x.abs() <= 180.0
                                    && c.y.abs() <= 90.0,
                                "case {case}: {} gave ({}, {})",
                                read.display(),
                                c.x,
                                c.y
                            );
                        }
                    }
                }
            }
            Ok(Err(e)) => {
                outcomes[1] += 1;
                let msg = e.to_string();
                let name = read.file_name().unwrap().to_str().unwrap();
                assert!(
                    msg.contains(name),
                    "case {case}: error does not name the file: {msg}"
                );
            }
        }
        std::fs::remove_dir_all(&case_dir).unwrap();
    }
    eprintln!(
        "{cases} cases: {} read, {} refused",
        outcomes[0], outcomes[1]
    );
}
