//! Times each stage of `allot validate` separately (a profiling aid for BENCHMARKS.md).
//!
//! `cargo run --release --example validate_timing -- FILE`
use std::time::Instant;

use allot::validate::{gaps, invalid_geometry, overlaps};

fn main() {
    let path = std::env::args()
        .nth(1)
        .expect("usage: validate_timing FILE");
    let t = Instant::now();
    let set = allot::read_parcels(std::path::Path::new(&path)).unwrap();
    let parcels = &set.parcels;
    let mut last = std::time::Duration::ZERO;
    let mut lap = |name: &str, t: &Instant| {
        let now = t.elapsed();
        eprintln!("{name:>10}: {:>8.3} s", (now - last).as_secs_f64());
        last = now;
    };
    lap("read", &t);
    let areas = allot::geodesy::parcel_areas_m2(parcels);
    lap("areas", &t);
    let invalid = invalid_geometry(parcels);
    lap("validity", &t);
    let mut skip = vec![false; parcels.len()];
    let pos: std::collections::HashMap<&str, usize> = parcels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    for f in &invalid {
        for id in &f.parcels {
            skip[pos[id.as_str()]] = true;
        }
    }
    let index = allot::ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
    lap("index", &t);
    let pairs = index.candidate_pairs();
    lap("pairs", &t);
    let o = overlaps(parcels, &index, &skip, 1.0, allot::AreaUnit::Acres);
    lap("overlaps", &t);
    let g = gaps(parcels, &index, &skip, None, 1.0, allot::AreaUnit::Acres);
    lap("gaps", &t);
    // `validate` runs these stages (and zone contiguity) with the R-tree build and the
    // overlap/gap passes overlapped; this lap is the whole of it, for comparison.
    let report = allot::validate::validate(&set, &allot::validate::ValidateOptions::default());
    lap("validate()", &t);
    eprintln!(
        "{} parcels, {} candidate pairs, {} invalid, {} overlaps, {} gaps, {} findings, {:.1} acres",
        parcels.len(),
        pairs.len(),
        invalid.len(),
        o.len(),
        g.len(),
        report.findings.len(),
        areas.iter().sum::<f64>() / allot::geodesy::M2_PER_ACRE
    );
}
