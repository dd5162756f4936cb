//! `allot validate`'s gaps on real-data-like cadastral fabrics (`allot::synth::cadastral`: plots
//! rounded to 8 or 10 decimals, T-junctions, mixed vertex densities) against shapely 2 + pyproj,
//! over many seeds, with two plots taken out of each fabric so that it has real gaps.
//!
//! The independent computation (shapely + pyproj, through python3; the test fails without them)
//! takes every piece of (a frame around the union of the plots) − that union except the one
//! holding the frame, and measures each piece twice: its geodesic area (pyproj, edges as
//! geodesics, as allot measures) and its planar area (edges straight in lon/lat, as RFC 7946
//! draws them, at the local metres per degree) with its mean width (2 · area / perimeter).
//!
//! The rounding leaves hairline slivers along boundaries written differently on their two
//! sides: under 0.4 mm wide and 0.35 m² in the plane, yet up to ~2.6 m² when their edges are
//! measured as geodesics (a 755 m geodesic bows ~5 mm away from the straight lon/lat line at
//! 24.8° N, so a sliver's geodesic area depends on which collinear vertices its ring keeps).
//! Whether such dust clears the 1 m² threshold differs between GEOS and allot's engine, so the
//! test holds each side to what is decidable:
//! - every real gap (planar area over 1 m²) is reported by allot, with the reference's geodesic
//!   area to 0.05 m² + 1e-4 relative;
//! - every gap allot reports is a piece of the reference's, and when it is not a real gap it is
//!   a hairline (mean width under 1 mm).

use std::process::Command;

use allot::synth::cadastral::{CadastralSpec, generate_cadastral};
use allot::{FindingKind, ValidateOptions, validate};

mod common;

const PY: &str = r#"
import json, math, sys
import pyproj, shapely, shapely.affinity
path, points = sys.argv[1], json.loads(sys.argv[2])
with open(path, encoding="utf-8") as f:
    geoms = shapely.get_parts(shapely.from_geojson(f.read()))
union = shapely.union_all(geoms)
x0, y0, x1, y1 = union.bounds
m = max(x1 - x0, y1 - y0) / 100
pieces = [p for p in shapely.get_parts(shapely.difference(shapely.box(x0 - m, y0 - m, x1 + m, y1 + m), union))
          if p.bounds[0] > x0 - m / 2]
geod = pyproj.Geod(ellps="WGS84")
out = []
for p in pieces:
    lat = math.radians((p.bounds[1] + p.bounds[3]) / 2)
    e2 = 0.0066943799901413165
    w = 1 - e2 * math.sin(lat) ** 2
    n = 6378137.0 / math.sqrt(w)
    kx, ky = math.radians(1) * n * math.cos(lat), math.radians(1) * n * (1 - e2) / w
    metres = shapely.affinity.scale(p, kx, ky, origin=(0, 0))
    geodesic = abs(geod.geometry_area_perimeter(shapely.orient_polygons(p))[0])
    inside = [k for k, q in enumerate(points) if p.distance(shapely.Point(q)) < 1e-9]
    out.append({"planar_m2": metres.area, "width_mm": 2 * metres.area / metres.length * 1000,
                "geodesic_m2": geodesic, "allot": inside})
print(json.dumps(out))
"#;

/// The reference's pieces, each with the indices of `points` lying in it.
fn reference(path: &std::path::Path, points: &[[f64; 2]]) -> Vec<serde_json::Value> {
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY)
        .arg(path)
        .arg(serde_json::to_string(points).unwrap())
        .output()
        .expect("python3 must be installed to run this test");
    assert!(
        out.status.success(),
        "shapely 2 and pyproj are required for this test (pip install shapely pyproj): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The fabric's GeoJSON without the features at `drop` (one feature per line, as the
/// generator writes them).
fn without(geojson: &str, drop: &[usize]) -> String {
    let lines: Vec<&str> = geojson.lines().collect();
    let (head, rest) = lines.split_first().unwrap();
    let features: Vec<&str> = rest[..rest.len() - 1]
        .iter()
        .enumerate()
        .filter(|(k, _)| !drop.contains(k))
        .map(|(_, l)| l.trim_end_matches(','))
        .collect();
    format!("{head}\n{}\n]}}\n", features.join(",\n"))
}

#[test]
fn cadastral_gaps_agree_with_shapely_over_many_seeds() {
    let dir = tempfile::tempdir().unwrap();
    let (mut real, mut hairlines) = (0, 0);
    // Twelve small fabrics with two plots taken out, and one of `allot generate --kind
    // cadastral`'s default size as it is: seed 2, where allot and shapely both report a 1.04 m²
    // hairline, 0.37 mm wide and 0.21 m² in the plane. (On seed 9 shapely alone reports a
    // 3-vertex piece of 1.54 m² that is 0.00003 m² in the plane: a T-junction point on its
    // neighbour's 756 m side; unreported dust is not asserted on.)
    let cases = (1..=12u64)
        .map(|s| (s, 1500, true))
        .chain([(2, 10_000, false)]);
    for (seed, size, cut) in cases {
        let f = generate_cadastral(&CadastralSpec::with_parcels(size, seed));
        let mut rng = common::Rng(seed);
        let n = f.parcels.len();
        let drop = if cut {
            vec![rng.below(n), rng.below(n)]
        } else {
            vec![]
        };
        let text = without(&f.geojson, &drop);
        let path = dir.path().join(format!("cadastral-{seed}-{size}.geojson"));
        std::fs::write(&path, &text).unwrap();
        let set = allot::parse_parcels(text.as_bytes(), "cadastral").unwrap();
        let mut kept = drop.clone();
        kept.dedup();
        assert_eq!(set.parcels.len(), n - kept.len());
        let report = validate(&set, &ValidateOptions::default());
        let gaps: Vec<_> = report
            .findings
            .iter()
            .filter(|g| g.kind == FindingKind::Gap)
            .collect();
        let points: Vec<[f64; 2]> = gaps.iter().map(|g| g.at).collect();
        let pieces = reference(&path, &points);
        let mut claimed = vec![0; gaps.len()];
        for p in &pieces {
            let planar = p["planar_m2"].as_f64().unwrap();
            let geodesic = p["geodesic_m2"].as_f64().unwrap();
            let width = p["width_mm"].as_f64().unwrap();
            let ours: Vec<usize> = p["allot"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| k.as_u64().unwrap() as usize)
                .collect();
            for &k in &ours {
                claimed[k] += 1;
            }
            if planar > 1.0 {
                real += 1;
                assert_eq!(ours.len(), 1, "seed {seed}: real gap {p} reported {ours:?}");
                let got = gaps[ours[0]].acres.unwrap() * allot::geodesy::M2_PER_ACRE;
                assert!(
                    (got - geodesic).abs() <= 0.05 + 1e-4 * geodesic,
                    "seed {seed}: {got} m² vs shapely {geodesic} m²"
                );
            } else if !ours.is_empty() {
                hairlines += 1;
                assert!(width < 1.0, "seed {seed}: {p}");
            }
        }
        // Every gap allot reports lies in one of the reference's pieces.
        assert!(
            claimed.iter().all(|&c| c == 1),
            "seed {seed}: {claimed:?} {points:?}"
        );
    }
    // Not vacuous: most removed plots left real gaps (the others touched the outside), and a
    // hairline was reported.
    assert!(real >= 12, "{real} real gaps");
    assert!(hairlines >= 1, "{hairlines} hairlines");
    eprintln!("{real} real gaps, {hairlines} hairline slivers reported");
}
