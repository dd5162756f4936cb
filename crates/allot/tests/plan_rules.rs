//! Seeded property test of the rules `allot::plan` claims for every plan it returns: each zone
//! is one piece, each zone's area is within the tolerance of its target, and the retained land
//! (everything no zone takes, excluded land uses included) stays in one piece. Contiguity is
//! checked by a brute-force BFS in this file over identical edges of the output parcels (the
//! generator's lattices share their vertices exactly), not by the planner's own adjacency or
//! component functions; areas by geodesic area of the output geometry. An infeasible answer is allowed, but it must be a
//! reasoned refusal naming the rule that binds.

use std::collections::{BTreeMap, BTreeSet};

use allot::geodesy::{M2_PER_ACRE, area_m2};
use allot::plan::{Plan, PlanOptions, RETAINED, plan};
use allot::synth::{FabricSpec, generate};
use allot::{ParcelSet, parse_parcels};

/// SplitMix64, seeded: the same cases on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Pieces of each zone by brute force: two parcels of a zone are joined when their rings have
/// an edge with the same two endpoints (exact bits, either direction); a BFS counts pieces.
fn zone_pieces(geoms: &[&geo::MultiPolygon<f64>], zones: &[String]) -> BTreeMap<String, usize> {
    let edges: Vec<BTreeSet<[(u64, u64); 2]>> = geoms
        .iter()
        .map(|g| {
            let mut out = BTreeSet::new();
            for p in &g.0 {
                for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                    for w in r.0.windows(2) {
                        let a = (w[0].x.to_bits(), w[0].y.to_bits());
                        let b = (w[1].x.to_bits(), w[1].y.to_bits());
                        if a != b {
                            out.insert(if a < b { [a, b] } else { [b, a] });
                        }
                    }
                }
            }
            out
        })
        .collect();
    let n = geoms.len();
    let mut seen = vec![false; n];
    let mut pieces: BTreeMap<String, usize> = BTreeMap::new();
    for s in 0..n {
        if seen[s] {
            continue;
        }
        *pieces.entry(zones[s].clone()).or_default() += 1;
        seen[s] = true;
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for w in 0..n {
                if !seen[w] && zones[w] == zones[s] && !edges[v].is_disjoint(&edges[w]) {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
    }
    pieces
}

/// Checks every rule on a returned plan; `what` names the case in failure messages.
fn check_rules(set: &ParcelSet, opts: &PlanOptions, plan: &Plan, what: &str) {
    assert_eq!(
        plan.parcels.len(),
        set.parcels.len(),
        "{what}: whole parcels only"
    );
    let geoms: Vec<_> = plan.parcels.iter().map(|p| &p.geometry).collect();
    let zones: Vec<String> = plan.parcels.iter().map(|p| p.zone.clone()).collect();
    let pieces: BTreeMap<String, usize> = zone_pieces(&geoms, &zones);
    let mut acres: BTreeMap<&str, f64> = BTreeMap::new();
    for p in &plan.parcels {
        *acres.entry(p.zone.as_str()).or_default() += area_m2(&p.geometry) / M2_PER_ACRE;
    }
    for (z, target) in &opts.zones {
        assert_eq!(pieces.get(z).copied(), Some(1), "{what}: zone {z} pieces");
        let a = acres[z.as_str()];
        assert!(
            (a - target).abs() <= opts.tolerance_acres + 1e-6,
            "{what}: zone {z} has {a} acres, target {target} ± {}",
            opts.tolerance_acres
        );
    }
    if let Some(&n) = pieces.get(RETAINED) {
        assert_eq!(n, 1, "{what}: the retained land is in {n} pieces");
    }
}

/// A refusal must name the rule that could not be met.
fn check_refusal(msg: &str, what: &str) {
    let rules = [
        "contiguous",
        "acres",
        "retained",
        "one piece",
        "connected",
        "access",
    ];
    assert!(
        rules.iter().any(|r| msg.contains(r)),
        "{what}: an infeasible answer that names no rule: {msg}"
    );
}

/// A jittered grid fabric with a few parcels of an excluded land use (they stay retained, and
/// can cut the open land into corridors the planner must not sever).
fn fabric(seed: u64, rng: &mut Rng) -> ParcelSet {
    let spec = FabricSpec {
        cols: 6 + rng.below(9),
        rows: 6 + rng.below(9),
        cell_m: 60.0 + 100.0 * rng.unit(),
        seed,
        ..FabricSpec::default()
    };
    let (text, _) = generate(&spec).unwrap();
    let mut set = parse_parcels(text.as_bytes(), "fabric").unwrap();
    for p in &mut set.parcels {
        if rng.unit() < 0.08 {
            p.set_land_use(Some("water_reservoir"));
        }
    }
    set
}

#[test]
fn every_returned_plan_keeps_its_rules_on_random_fabrics_and_targets() {
    let mut rng = Rng(1313);
    let (mut planned, mut refused) = (0, 0);
    for seed in 0..16u64 {
        let set = fabric(seed, &mut rng);
        let total: f64 = set
            .parcels
            .iter()
            .map(|p| area_m2(&p.geometry))
            .sum::<f64>()
            / M2_PER_ACRE;
        for _ in 0..2 {
            let nz = 1 + rng.below(2);
            let zones: Vec<(String, f64)> = (0..nz)
                .map(|k| {
                    let f = 0.05 + 0.4 * rng.unit() / nz as f64;
                    (format!("z{k}"), (total * f * 100.0).round() / 100.0)
                })
                .collect();
            // From a fraction of a cell to several cells wide.
            let mean = total / set.parcels.len() as f64;
            let tol = ((0.2 + 3.0 * rng.unit()) * mean * 100.0).round() / 100.0;
            let opts = PlanOptions {
                zones,
                tolerance_acres: tol,
                seed,
                ..PlanOptions::default()
            };
            let what = format!("seed {seed}, zones {:?} ± {tol}", opts.zones);
            match plan(&set, &opts) {
                Ok(p) => {
                    check_rules(&set, &opts, &p, &what);
                    planned += 1;
                }
                Err(e) => {
                    assert!(e.is_infeasible(), "{what}: {e}");
                    check_refusal(&e.to_string(), &what);
                    refused += 1;
                }
            }
        }
    }
    // The cases are feasible far more often than not: the test exercises returned plans.
    assert!(planned >= 24, "only {planned} planned, {refused} refused");
}
