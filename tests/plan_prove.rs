//! End-to-end tests of `allot plan --prove`: the real binary on small fixtures.
//!
//! In the default build `--prove` must exit 2 with the command that builds the solver in. With
//! `--features exact` the proven zone must equal an independent enumeration of every connected
//! parcel set in the area band, never be longer than the heuristic's zone, carry a bound no
//! higher than its perimeter, and be byte-identical across runs with a node limit.

mod common;

use common::{allot, repo};

#[cfg(not(feature = "exact"))]
#[test]
fn prove_without_the_exact_feature_exits_2_naming_the_build_command() {
    let dir = tempfile::tempdir().unwrap();
    let grid = repo("tests/fixtures/plan/grid.geojson");
    let r = allot(
        dir.path(),
        &[
            "plan",
            grid.to_str().unwrap(),
            "-o",
            "plan.geojson",
            "--prove",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("build it with `cargo build --release --features exact`"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    assert!(
        !dir.path().join("plan.geojson").exists(),
        "no partial output"
    );
}

#[test]
fn limits_need_prove() {
    let dir = tempfile::tempdir().unwrap();
    let grid = repo("tests/fixtures/plan/grid.geojson");
    let r = allot(
        dir.path(),
        &[
            "plan",
            grid.to_str().unwrap(),
            "-o",
            "p.geojson",
            "--node-limit",
            "5",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("--prove"), "{}", r.stderr);
}

#[cfg(feature = "exact")]
mod exact {
    use std::collections::{BTreeSet, HashSet, VecDeque};

    use super::common::{allot, repo};
    use allot::Adjacency;
    use allot::ParcelIndex;
    use allot::geodesy::{M2_PER_ACRE, area_m2, perimeter_m};
    use allot::read_parcels;

    /// The fabric as the planner sees it: areas (acres), perimeters (m), neighbours.
    struct Fabric {
        area: Vec<f64>,
        perim: Vec<f64>,
        adj: Adjacency,
        excluded: Vec<bool>,
    }

    fn fabric(path: &std::path::Path) -> Fabric {
        let set = read_parcels(path).unwrap();
        let geoms: Vec<_> = set.parcels.iter().map(|p| &p.geometry).collect();
        let index = ParcelIndex::build(geoms.iter().copied());
        Fabric {
            area: geoms.iter().map(|g| area_m2(g) / M2_PER_ACRE).collect(),
            perim: geoms.iter().map(|g| perimeter_m(g)).collect(),
            adj: Adjacency::build(&geoms, &index),
            excluded: set
                .parcels
                .iter()
                .map(|p| p.land_use() == Some("water_reservoir"))
                .collect(),
        }
    }

    fn connected(f: &Fabric, inset: &[bool]) -> bool {
        let Some(start) = (0..inset.len()).find(|&v| inset[v]) else {
            return true;
        };
        let mut seen = vec![false; inset.len()];
        seen[start] = true;
        let mut q = VecDeque::from([start]);
        while let Some(v) = q.pop_front() {
            for &(w, _) in &f.adj.neighbours[v] {
                if inset[w] && !seen[w] {
                    seen[w] = true;
                    q.push_back(w);
                }
            }
        }
        (0..inset.len()).all(|v| !inset[v] || seen[v])
    }

    /// Every connected set of available parcels with area at most `hi`, grown one neighbour at
    /// a time from each parcel (sets kept as bit masks, each visited once): the minimum
    /// perimeter of those in `[lo, hi]` that leave the rest of the fabric in one piece.
    fn enumerate(f: &Fabric, lo: f64, hi: f64) -> f64 {
        let n = f.area.len();
        assert!(n <= 64);
        let mut seen: HashSet<u64> = HashSet::new();
        let mut stack: Vec<u64> = (0..n)
            .filter(|&v| !f.excluded[v] && f.area[v] <= hi)
            .map(|v| 1u64 << v)
            .collect();
        let mut best = f64::INFINITY;
        while let Some(s) = stack.pop() {
            if !seen.insert(s) {
                continue;
            }
            let members: Vec<usize> = (0..n).filter(|&v| s >> v & 1 == 1).collect();
            let area: f64 = members.iter().map(|&v| f.area[v]).sum();
            if area >= lo {
                let rest: Vec<bool> = (0..n).map(|v| s >> v & 1 == 0).collect();
                if connected(f, &rest) {
                    let mut per: f64 = members.iter().map(|&v| f.perim[v]).sum();
                    for &a in &members {
                        for &(b, sh) in &f.adj.neighbours[a] {
                            if b > a && s >> b & 1 == 1 {
                                per -= 2.0 * sh;
                            }
                        }
                    }
                    best = best.min(per);
                }
            }
            let frontier: BTreeSet<usize> = members
                .iter()
                .flat_map(|&v| f.adj.neighbours[v].iter().map(|e| e.0))
                .filter(|&w| s >> w & 1 == 0 && !f.excluded[w])
                .collect();
            for w in frontier {
                if area + f.area[w] <= hi {
                    stack.push(s | 1 << w);
                }
            }
        }
        best
    }

    /// The zone row of the schedule CSV as (perimeter_m, lower_bound_m, bound).
    fn zone_row(csv: &str, zone: &str) -> (f64, f64, String) {
        let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        let row: Vec<&str> = csv
            .lines()
            .find(|l| l.starts_with(&format!("zone,{zone},")))
            .unwrap_or_else(|| panic!("no {zone} row in {csv}"))
            .split(',')
            .collect();
        (
            row[col("perimeter_m")].parse().unwrap(),
            row[col("lower_bound_m")].parse().unwrap(),
            row[col("bound")].to_string(),
        )
    }

    fn plan(dir: &std::path::Path, tag: &str, extra: &[&str]) -> (String, String, String) {
        let grid = repo("tests/fixtures/plan/grid.geojson");
        let out = format!("{tag}.geojson");
        let csv = format!("{tag}.csv");
        let mut args = vec![
            "plan",
            grid.to_str().unwrap(),
            "-o",
            &out,
            "--schedule",
            &csv,
        ];
        args.extend_from_slice(extra);
        let r = allot(dir, &args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        (
            std::fs::read_to_string(dir.join(&csv)).unwrap(),
            std::fs::read_to_string(dir.join(&out)).unwrap(),
            r.stdout,
        )
    }

    #[test]
    fn proven_zone_equals_the_enumeration_and_beats_or_ties_the_heuristic() {
        let dir = tempfile::tempdir().unwrap();
        let f = fabric(&repo("tests/fixtures/plan/grid.geojson"));
        let mut areas = f.area.clone();
        areas.sort_by(f64::total_cmp);
        let cell = areas[areas.len() / 2];
        let mut checked = 0;
        for k in [3.4f64, 5.3, 7.6] {
            let target = (k * cell * 100.0).round() / 100.0;
            let tol = (0.45 * cell * 100.0).round() / 100.0;
            let truth = enumerate(&f, target - tol, target + tol);
            assert!(truth.is_finite(), "the band {target} ± {tol} has a zone");
            let zone = format!("z={target}");
            let tols = format!("{tol}");
            let base = ["--zone", zone.as_str(), "--tolerance", tols.as_str()];
            let (heur_csv, _, _) = plan(dir.path(), "heur", &base);
            let mut with = base.to_vec();
            with.push("--prove");
            let (csv, geojson, stdout) = plan(dir.path(), "prove", &with);
            let (heur, _, heur_bound) = zone_row(&heur_csv, "z");
            let (per, lb, bound) = zone_row(&csv, "z");
            assert_eq!(heur_bound, "isoperimetric");
            assert_eq!(bound, "proven", "{csv}\n{stdout}");
            assert!(
                (per - truth).abs() <= 0.1 + 1e-6 * truth,
                "k={k}: proven {per} vs enumeration {truth}"
            );
            // Never longer than the search's zone, unless that zone broke a rule (then the
            // plan says so and takes the exact model's).
            let v: serde_json::Value = serde_json::from_str(&geojson).unwrap();
            let note = v["metadata"]["proof"][0]["note"].as_str().unwrap_or("");
            assert!(
                per <= heur + 0.05 || note.contains("which the planner's rules forbid"),
                "proven {per} longer than heuristic {heur}: {note}"
            );
            assert!(lb <= per + 0.05, "bound {lb} above perimeter {per}");
            assert!(stdout.contains("z: optimal"), "{stdout}");
            // The plan's GeoJSON metadata carries the proof.
            let p = &v["metadata"]["proof"][0];
            assert_eq!(p["zone"], "z");
            assert_eq!(p["bound"], "proven");
            assert_eq!(p["status"], "optimal");
            assert!(p["lower_bound_m"].as_f64().unwrap() <= p["perimeter_m"].as_f64().unwrap());
            checked += 1;
        }
        assert_eq!(checked, 3);
    }

    #[test]
    fn a_node_limit_makes_prove_repeatable_and_the_bound_stays_below() {
        // Two folders, same file names: the plan records its command line (metadata.plan.flags),
        // so the runs must be the same command to give the same bytes.
        let (dir1, dir2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let args = [
            "--zone",
            "z=600",
            "--tolerance",
            "5",
            "--prove",
            "--node-limit",
            "1",
        ];
        let (csv1, geo1, out1) = plan(dir1.path(), "p", &args);
        let (csv2, geo2, out2) = plan(dir2.path(), "p", &args);
        assert_eq!(csv1, csv2);
        assert_eq!(geo1, geo2);
        assert_eq!(out1, out2);
        let (per, lb, bound) = zone_row(&csv1, "z");
        assert!(lb <= per + 0.05, "{csv1}");
        assert!(["proven", "mip", "isoperimetric"].contains(&bound.as_str()));
    }

    #[test]
    fn split_proves_the_whole_parcel_part_and_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let (csv, geojson, stdout) =
            plan(dir.path(), "s", &["--zone", "z=300", "--split", "--prove"]);
        assert!(
            stdout.contains("whole-parcel part before the cut"),
            "{stdout}"
        );
        let v: serde_json::Value = serde_json::from_str(&geojson).unwrap();
        assert_eq!(v["metadata"]["proof"][0]["whole_parcel_part"], true);
        let (_, lb, _) = zone_row(&csv, "z");
        let whole = v["metadata"]["proof"][0]["perimeter_m"].as_f64().unwrap();
        assert!(lb <= whole + 0.05);
    }
}
