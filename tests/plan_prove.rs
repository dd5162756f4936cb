//! End-to-end tests of `allot plan --prove`: the real binary on small fixtures.
//!
//! In the default build `--prove` must exit 2 with the command that builds the solver in. With
//! `--features exact` the proven zone must equal an independent enumeration of every connected
//! parcel set in the area band, never be longer than the heuristic's zone, carry a bound no
//! higher than its perimeter, and be byte-identical across runs with a node limit. On
//! real-data-like cadastral fabrics every target from 5 % to 60 % of the area must be planned
//! whenever the exact model finds a zone: a target the search cannot plan must be one the exact
//! model proves infeasible, and the message must say so.

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

    /// A target no zone can meet (1.5 cells of the grid, ± 1 acre: one cell is too small, two
    /// too large): the search finds none, and with `--prove` the exact model proves it, so the
    /// message says so; exit 1 and no output.
    #[test]
    fn an_infeasible_target_is_proven_infeasible_and_the_message_says_so() {
        let dir = tempfile::tempdir().unwrap();
        let grid = repo("tests/fixtures/plan/grid.geojson");
        let f = fabric(&grid);
        let mut areas = f.area.clone();
        areas.sort_by(f64::total_cmp);
        let (small, large) = (areas[0], areas[areas.len() - 1]);
        // Between the largest cell and the two smallest together, with room for the band.
        let target = ((large + 2.0 * small) / 2.0 * 100.0).round() / 100.0;
        assert!(
            target - 1.0 > large && target + 1.0 < 2.0 * small,
            "{target}"
        );
        let zone = format!("z={target}");
        let args = [
            "plan",
            grid.to_str().unwrap(),
            "-o",
            "p.geojson",
            "--zone",
            zone.as_str(),
        ];
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(!r.stderr.contains("exact model"), "{}", r.stderr);
        let mut with = args.to_vec();
        with.push("--prove");
        let r = allot(dir.path(), &with);
        assert_eq!(r.code, 1, "{}", r.stderr);
        assert!(
            r.stderr
                .contains("the exact model (--prove) proves that no zone meets these rules"),
            "{}",
            r.stderr
        );
        assert!(!dir.path().join("p.geojson").exists(), "no partial output");
    }

    /// Issue 13: "every target between 5 % and 60 % of a fabric's area is planned whenever an
    /// exact model says it is feasible", on real-data-like cadastral fabrics (plot sizes over
    /// three orders of magnitude, T-junctions, mixed roundings) under the default rules (the
    /// 100 m minimum width included). Each target is planned by the search alone; when that
    /// fails, the same plan with `--prove` (a node limit keeps it short and repeatable) solves
    /// the exact model from no incumbent: a zone it finds is planned, so a target planned only
    /// with `--prove` is one the search missed, and fails the test. A refused target must name
    /// the exact model's verdict. Seed 2 at 45 % is refused by the search (the minimum width),
    /// so the exact model is asked; a sweep of every 5 % is `bench/issue13.sh`'s (too slow for
    /// a test: the exact model does not settle that target in minutes).
    #[test]
    fn every_target_the_exact_model_finds_feasible_is_planned_on_cadastral_land() {
        use allot::plan::{PlanOptions, plan, proof::ProveOptions};
        use allot::synth::cadastral::{CadastralSpec, generate_cadastral};
        let mut planned = 0;
        let mut asked = Vec::new();
        let mut failures = Vec::new();
        for (seed, pcts) in [(2u64, &[30u32, 45][..])] {
            let f = generate_cadastral(&CadastralSpec::with_parcels(300, seed));
            let set = allot::parse_parcels(f.geojson.as_bytes(), "cadastral").unwrap();
            let total = crate::common::total_acres(&set);
            for &pct in pcts {
                let target = (total * pct as f64 / 100.0 * 100.0).round() / 100.0;
                let mut opts = PlanOptions {
                    zones: vec![("big".into(), target)],
                    tolerance_acres: 1.0,
                    seed: 1,
                    ..PlanOptions::default()
                };
                let case = format!("seed {seed}, {pct}% ({target} acres)");
                match plan(&set, &opts) {
                    Ok(p) => {
                        let acres = p.zones[0].acres;
                        assert!((acres - target).abs() <= 1.0 + 1e-6, "{case}: {acres}");
                        planned += 1;
                    }
                    Err(search_err) => {
                        opts.prove = Some(ProveOptions {
                            node_limit: Some(50),
                            max_rounds: 5,
                            ..ProveOptions::default()
                        });
                        match plan(&set, &opts) {
                            Ok(p) => failures.push(format!(
                                "{case}: the search said {search_err}, but the exact model planned {} acres",
                                p.zones[0].acres
                            )),
                            Err(e) => {
                                let text = e.to_string();
                                if text.contains("the exact model (--prove)") {
                                    asked.push(case);
                                } else {
                                    failures.push(format!("{case}: no exact verdict: {text}"));
                                }
                            }
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(planned >= 1, "only {planned} targets planned");
        assert!(
            !asked.is_empty(),
            "no target was refused, so the exact model was never asked"
        );
    }
}
