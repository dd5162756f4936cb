//! allot's reprojection against PROJ (through pyproj), both directions, to 1 mm.
//!
//! - Exact projections (no datum change): every WGS84 UTM zone north and south, Web
//!   Mercator; allot and PROJ with the EPSG code each.
//! - Kalianpur 1962 (24312, 24313, 24376, 24377) over the Karachi licence area: PROJ picks
//!   the transformation by itself (15703 for 24312 and 24377, whose areas of use overlap
//!   Karachi; 1247 for 24313 and 24376, whose areas do not), as allot does, so the EPSG codes
//!   are compared.
//! - Systems with a datum shift elsewhere (Kalianpur across Pakistan, Amersfoort / RD New
//!   28992): PROJ's own choice may be another (grid-based or regional) transformation, so
//!   allot is compared with PROJ given the same `+towgs84` definition: this checks the
//!   projection and Helmert arithmetic, not the choice of transformation.
//!
//! Points are seeded (a fixed LCG). pyproj is required: the test fails, not skips, without
//! it (`scripts/test.sh` installs it).

use std::process::Command;

use allot::crs::Crs;
use geo::Coord;
use serde_json::{Value, json};

const PY: &str = r#"
import json, sys
from pyproj import Transformer
out = []
for c in json.load(open(sys.argv[1])):
    t = Transformer.from_crs(c["from"], c["to"], always_xy=True)
    xs, ys = t.transform(c["xs"], c["ys"])
    out.append([list(xs), list(ys)])
json.dump(out, sys.stdout)
"#;

/// Runs each case through pyproj: (from, to, points) → transformed points.
fn pyproj(cases: &[(String, String, Vec<Coord<f64>>)]) -> Vec<Vec<Coord<f64>>> {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("cases.json");
    let doc: Vec<Value> = cases
        .iter()
        .map(|(from, to, pts)| {
            json!({"from": from, "to": to,
                   "xs": pts.iter().map(|p| p.x).collect::<Vec<_>>(),
                   "ys": pts.iter().map(|p| p.y).collect::<Vec<_>>()})
        })
        .collect();
    std::fs::write(&input, serde_json::to_string(&doc).unwrap()).unwrap();
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY)
        .arg(&input)
        .output()
        .expect("python3 must be installed to run this test");
    assert!(
        out.status.success(),
        "pyproj is required for this test (scripts/test.sh installs it: pip install pyproj): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Vec<[Vec<f64>; 2]> = serde_json::from_slice(&out.stdout).unwrap();
    v.into_iter()
        .map(|[xs, ys]| {
            xs.into_iter()
                .zip(ys)
                .map(|(x, y)| Coord { x, y })
                .collect()
        })
        .collect()
}

struct Lcg(u64);
impl Lcg {
    fn unit(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn range(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.unit()
    }
}

/// Metres between two lon/lat points (equirectangular; exact enough at millimetres).
fn gap_deg_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    let dx = (a.x - b.x) * 111_320.0 * a.y.to_radians().cos();
    let dy = (a.y - b.y) * 110_574.0;
    dx.hypot(dy)
}

fn gap_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// A case: allot's CRS, what PROJ is given for it, and lon/lat points inside its area.
struct Case {
    crs: Crs,
    proj_name: String,
    lonlat: Vec<Coord<f64>>,
}

fn lonlat_points(rng: &mut Lcg, n: usize, w: f64, s: f64, e: f64, north: f64) -> Vec<Coord<f64>> {
    (0..n)
        .map(|_| Coord {
            x: rng.range(w, e),
            y: rng.range(s, north),
        })
        .collect()
}

fn check(cases: Vec<Case>) {
    // Forward (WGS84 → CRS) and inverse (CRS → WGS84) through pyproj, in one python run.
    let mut jobs = Vec::new();
    for c in &cases {
        jobs.push((
            "EPSG:4326".to_string(),
            c.proj_name.clone(),
            c.lonlat.clone(),
        ));
    }
    let projected = pyproj(&jobs);
    let mut back_jobs = Vec::new();
    for (c, p) in cases.iter().zip(&projected) {
        back_jobs.push((c.proj_name.clone(), "EPSG:4326".to_string(), p.clone()));
    }
    let lonlat_back = pyproj(&back_jobs);
    for ((c, proj_xy), proj_ll) in cases.iter().zip(&projected).zip(&lonlat_back) {
        let mut worst_fwd = 0.0f64;
        let mut worst_inv = 0.0f64;
        for ((ll, pxy), pll) in c.lonlat.iter().zip(proj_xy).zip(proj_ll) {
            let ours = c.crs.from_wgs84(*ll).unwrap();
            worst_fwd = worst_fwd.max(gap_m(ours, *pxy));
            let ours_back = c.crs.to_wgs84(*pxy).unwrap();
            worst_inv = worst_inv.max(gap_deg_m(ours_back, *pll));
        }
        assert!(
            worst_fwd < 1e-3 && worst_inv < 1e-3,
            "{} vs PROJ {}: forward {worst_fwd} m, inverse {worst_inv} m",
            c.crs,
            c.proj_name
        );
    }
}

#[test]
fn every_utm_zone_and_web_mercator_match_proj_to_a_millimetre() {
    let mut rng = Lcg(11);
    let mut cases = Vec::new();
    for zone in 1..=60u32 {
        let central = -183.0 + 6.0 * f64::from(zone);
        for (base, s, n) in [(32600, 0.5, 80.0), (32700, -80.0, -0.5)] {
            let code = base + zone;
            cases.push(Case {
                crs: Crs::from_epsg(code).unwrap(),
                proj_name: format!("EPSG:{code}"),
                lonlat: lonlat_points(&mut rng, 20, central - 3.0, s, central + 3.0, n),
            });
        }
    }
    cases.push(Case {
        crs: Crs::from_epsg(3857).unwrap(),
        proj_name: "EPSG:3857".into(),
        lonlat: lonlat_points(&mut rng, 200, -179.0, -85.0, 179.0, 85.0),
    });
    check(cases);
}

#[test]
fn kalianpur_1962_in_karachi_matches_proj_choosing_its_own_transformation() {
    let mut rng = Lcg(12);
    // The Karachi licence area, less a margin so that no point sits on its edge.
    let (w, s, e, n) = (66.9, 24.75, 67.95, 25.7);
    let cases = [24312, 24313, 24376, 24377]
        .into_iter()
        .map(|code| Case {
            crs: Crs::from_epsg(code).unwrap(),
            proj_name: format!("EPSG:{code}"),
            lonlat: lonlat_points(&mut rng, 200, w, s, e, n),
        })
        .collect();
    check(cases);
}

#[test]
fn datum_shifted_systems_match_proj_given_the_same_definition() {
    let mut rng = Lcg(13);
    let mut cases = Vec::new();
    // Kalianpur 1962 across Pakistan outside the Karachi area (country-wide shift).
    for code in [24312, 24313, 24376, 24377] {
        let crs = Crs::from_epsg(code).unwrap();
        let def = format!("{} +type=crs", crs.definition());
        cases.push(Case {
            crs,
            proj_name: def,
            lonlat: lonlat_points(&mut rng, 100, 68.5, 26.5, 74.0, 34.0),
        });
    }
    let rd = Crs::from_epsg(28992).unwrap();
    let def = format!("{} +type=crs", rd.definition());
    cases.push(Case {
        crs: rd,
        proj_name: def,
        lonlat: lonlat_points(&mut rng, 100, 3.5, 50.8, 7.2, 53.5),
    });
    check(cases);
}
