//! The planner on real-data-like cadastral fabrics (`allot::synth::cadastral`): plot sizes over three
//! orders of magnitude, T-junctions, mixed vertex densities and roundings.
//!
//! Regression for issue 13: on such land `plan --zone big=T` answered "no contiguous set of
//! whole parcels was found" for targets of 20–60 % of the area. Here every target from 5 % to
//! 60 % of a fabric's area must be planned whenever an independent witness search proves it
//! feasible, and the witness search must prove most of them (so the test cannot pass vacuously).
//!
//! By default the test plans 5, 10, 25, 30 and 60 % of each fabric (10 plans, well under two
//! minutes in a debug build); `ALLOT_PLAN_SWEEP=full` plans every 5 % from 5 to 60 % (24 plans,
//! several minutes in a debug build). Each case asserts the same in both modes.

use allot::Adjacency;
use allot::ParcelIndex;
use allot::plan::{PlanOptions, plan};
use allot::synth::cadastral::{CadastralSpec, generate_cadastral};

/// The neighbour graph and areas (acres) of a fabric, from allot's own adjacency.
struct Graph {
    acres: Vec<f64>,
    adj: Vec<Vec<usize>>,
    xy: Vec<[f64; 2]>,
}

fn graph(set: &allot::ParcelSet) -> Graph {
    let geoms: Vec<_> = set.parcels.iter().map(|p| &p.geometry).collect();
    let index = ParcelIndex::build(geoms.iter().copied());
    let adj = Adjacency::build(&geoms, &index);
    let acres = set
        .parcels
        .iter()
        .map(|p| allot::geodesy::area_m2(&p.geometry) / allot::geodesy::M2_PER_ACRE)
        .collect();
    let xy = set
        .parcels
        .iter()
        .map(|p| {
            let r = &p.geometry.0[0].exterior().0;
            let k = (r.len() - 1) as f64;
            let (sx, sy) = r[..r.len() - 1]
                .iter()
                .fold((0.0, 0.0), |a, c| (a.0 + c.x, a.1 + c.y));
            [sx / k, sy / k]
        })
        .collect();
    Graph {
        acres,
        adj: adj
            .neighbours
            .iter()
            .map(|v| v.iter().map(|e| e.0).collect())
            .collect(),
        xy,
    }
}

/// True when the nodes not in `zone` form one connected piece (or none).
fn rest_connected(g: &Graph, zone: &[bool]) -> bool {
    let n = zone.len();
    let Some(s) = (0..n).find(|&v| !zone[v]) else {
        return true;
    };
    let mut seen = vec![false; n];
    seen[s] = true;
    let mut stack = vec![s];
    let mut count = 1;
    while let Some(v) = stack.pop() {
        for &w in &g.adj[v] {
            if !zone[w] && !seen[w] {
                seen[w] = true;
                count += 1;
                stack.push(w);
            }
        }
    }
    count == zone.iter().filter(|&&z| !z).count()
}

/// A witness that a contiguous whole-parcel zone with area in `[lo, hi]` exists and leaves the
/// rest in one piece: from every start parcel, grow by nearest centroid (Prim order, so the zone
/// stays connected), skipping a parcel that would pass `hi`, and test the zone after every
/// addition. Independent of the planner's search.
fn witness(g: &Graph, lo: f64, hi: f64) -> Option<Vec<usize>> {
    let n = g.acres.len();
    for s in 0..n {
        let mut zone = vec![false; n];
        let mut members = Vec::new();
        let mut area = 0.0;
        let mut front: Vec<usize> = vec![s];
        let d = |v: usize| {
            let (a, b) = (g.xy[v], g.xy[s]);
            (a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)
        };
        while let Some(k) = (0..front.len()).min_by(|&a, &b| {
            d(front[a])
                .total_cmp(&d(front[b]))
                .then(front[a].cmp(&front[b]))
        }) {
            let v = front.swap_remove(k);
            if zone[v] || area + g.acres[v] > hi {
                continue;
            }
            zone[v] = true;
            members.push(v);
            area += g.acres[v];
            if area >= lo && rest_connected(g, &zone) {
                return Some(members);
            }
            front.extend(g.adj[v].iter().copied().filter(|&w| !zone[w]));
        }
    }
    None
}

/// True when the nodes in `zone` form one connected piece.
fn zone_connected(g: &Graph, zone: &[bool]) -> bool {
    let flipped: Vec<bool> = zone.iter().map(|&z| !z).collect();
    rest_connected(g, &flipped)
}

/// The target percentages: a spread over 5-60 % by default, every 5 % with
/// `ALLOT_PLAN_SWEEP=full`.
fn percentages() -> Vec<u32> {
    match std::env::var("ALLOT_PLAN_SWEEP").as_deref() {
        Ok("full") => (5..=60).step_by(5).collect(),
        Ok(other) if !other.is_empty() => panic!("ALLOT_PLAN_SWEEP={other}: only `full` is known"),
        _ => vec![5, 10, 25, 30, 60],
    }
}

#[test]
fn every_feasible_target_from_5_to_60_percent_is_planned() {
    let mut witnessed = 0;
    let mut decided = 0;
    let mut cases = 0;
    let mut failures = Vec::new();
    for seed in [1u64, 4] {
        let f = generate_cadastral(&CadastralSpec::with_parcels(300, seed));
        let set = allot::parse_parcels(f.geojson.as_bytes(), "cadastral").unwrap();
        let g = graph(&set);
        let total: f64 = g.acres.iter().sum();
        for &pct in &percentages() {
            cases += 1;
            let target = (total * pct as f64 / 100.0 * 100.0).round() / 100.0;
            let feasible = witness(&g, target - 1.0, target + 1.0).is_some();
            // The witness knows contiguity, the band and the retained land in one piece, not
            // the minimum width (house plots of 15–30 m are all narrower than its default
            // 100 m): plan under the rules the witness checks.
            let opts = PlanOptions {
                zones: vec![("big".into(), target)],
                tolerance_acres: 1.0,
                seed: 1,
                min_width_m: 0.0,
                ..PlanOptions::default()
            };
            match plan(&set, &opts) {
                Ok(p) => {
                    // Check the plan independently: area in band, zone and rest each in one
                    // piece on this test's own graph.
                    let zone: Vec<bool> = p.parcels.iter().map(|q| q.zone == "big").collect();
                    let acres: f64 = (0..zone.len())
                        .filter(|&i| zone[i])
                        .map(|i| g.acres[i])
                        .sum();
                    assert!(
                        (acres - target).abs() <= 1.0 + 1e-6,
                        "seed {seed} {pct}%: {acres}"
                    );
                    assert!(
                        zone_connected(&g, &zone),
                        "seed {seed} {pct}%: zone in pieces"
                    );
                    assert!(
                        rest_connected(&g, &zone),
                        "seed {seed} {pct}%: rest in pieces"
                    );
                    decided += 1;
                    witnessed += usize::from(feasible);
                }
                Err(e) if feasible => {
                    failures.push(format!("seed {seed}, {pct}% ({target} acres): {e}"));
                }
                Err(_) => {}
            }
        }
    }
    assert!(
        failures.is_empty(),
        "feasible but not planned:\n{}",
        failures.join("\n")
    );
    // Most targets must be decided (a verified plan exists), and the witness must agree with the
    // planner on most of them, so neither check passes vacuously.
    assert!(
        decided * 10 >= cases * 9,
        "only {decided} of {cases} targets planned"
    );
    assert!(
        witnessed * 10 >= cases * 7,
        "only {witnessed} of {cases} targets witnessed"
    );
}
