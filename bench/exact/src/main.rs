//! Runs `allot::plan` on seeded random fabrics and compares the zone's perimeter with the
//! exact minimum over contiguous sets of whole parcels in the same area band.
//!
//! Usage: `cargo run --release -- [SEEDS] [BUDGET]` (from bench/exact). Prints one line per
//! instance and a summary table (fabric kind, size, target, ratio median / max).

use allot::plan::{PlanOptions, plan};
use allot::synth::{FabricSpec, generate};
use allot_exact::{ExactGraph, merged_fabric, min_perimeter};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seeds: u64 = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let budget: u64 = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50_000_000);
    let kinds = [
        ("jittered", 20usize, 20usize),
        ("merged", 30, 30),
        ("jittered", 40, 40),
        ("merged", 60, 60),
    ];
    let cells_per_zone: Vec<f64> = args
        .get(3)
        .map(|s| s.split(',').filter_map(|x| x.parse().ok()).collect())
        .unwrap_or_else(|| vec![8.0, 14.0]);
    println!("kind,parcels,target_acres,seed,plan_perim_m,opt_perim_m,ratio,proven,nodes,plan_ms");
    let mut summary: Vec<(String, usize, f64, Vec<f64>, usize)> = Vec::new();
    for &(kind, cols, rows) in &kinds {
        for &k in &cells_per_zone {
            let k: f64 = k;
            let mut ratios = Vec::new();
            let mut unproven = 0;
            let mut parcels = 0;
            let mut target = 0.0;
            for seed in 0..seeds {
                let text = if kind == "jittered" {
                    let spec = FabricSpec {
                        cols,
                        rows,
                        cell_m: 150.0,
                        seed,
                        ..FabricSpec::default()
                    };
                    generate(&spec).expect("fabric").0
                } else {
                    merged_fabric(cols, rows, 80.0, seed)
                };
                let set = allot::parse_parcels(text.as_bytes(), "fabric").expect("parse");
                parcels = set.parcels.len();
                let g = ExactGraph::build(&set);
                let mut areas = g.area.clone();
                areas.sort_by(f64::total_cmp);
                let med = areas[areas.len() / 2];
                // A target that is not a multiple of the typical parcel: the band matters.
                target = ((k + 0.37) * med * 10.0).round() / 10.0;
                let opts = PlanOptions {
                    zones: vec![("z".into(), target)],
                    tolerance_acres: 1.0,
                    exclude_uses: vec![],
                    seed: 1,
                    ..PlanOptions::default()
                };
                let t = std::time::Instant::now();
                let p = match plan(&set, &opts) {
                    Ok(p) => p,
                    Err(e) => {
                        println!("{kind},{parcels},{target},{seed},plan failed: {e}");
                        continue;
                    }
                };
                let ms = t.elapsed().as_secs_f64() * 1e3;
                let pp = p.zones[0].perimeter_m;
                let ex = min_perimeter(&g, target - 1.0, target + 1.0, pp * (1.0 + 1e-9), budget);
                let opt = ex.perim.min(pp);
                let ratio = pp / opt;
                if !ex.proven {
                    unproven += 1;
                }
                println!(
                    "{kind},{parcels},{target},{seed},{pp:.1},{opt:.1},{ratio:.4},{},{},{ms:.0}",
                    ex.proven, ex.nodes
                );
                ratios.push(ratio);
            }
            summary.push((kind.to_string(), parcels, target, ratios, unproven));
        }
    }
    println!(
        "\n| fabric | parcels | target (acres, last seed) | instances | ratio median | ratio max | unproven |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (kind, n, t, mut r, u) in summary {
        r.sort_by(f64::total_cmp);
        let med = r.get(r.len() / 2).copied().unwrap_or(f64::NAN);
        let max = r.last().copied().unwrap_or(f64::NAN);
        println!(
            "| {kind} | {n} | {t} | {} | {med:.4} | {max:.4} | {u} |",
            r.len()
        );
    }
}
