//! Criterion benches for the hot kernels of `allot validate` on a synthetic 100 × 100 fabric
//! (10,000 parcels, ~40,000 candidate pairs): index build, candidate pairs, the overlap pass
//! (prefilter plus exact intersections), adjacency and gaps; and the geodesic areas of all
//! parcels, the fast method against GeographicLib.
//!
//! `cargo bench --bench validate_kernels` (add `-- --quick` for a fast run).
use std::hint::black_box;

use allot::parse_parcels;
use allot::synth::{FabricSpec, generate};
use allot::validate::{gaps, overlaps};
use allot::{Adjacency, ParcelIndex};
use criterion::{Criterion, criterion_group, criterion_main};
use geo::MultiPolygon;

fn kernels(c: &mut Criterion) {
    let spec = FabricSpec {
        cols: 100,
        rows: 100,
        seed: 7,
        overlaps: 20,
        gaps: 10,
        invalid: 0,
        zones: 4,
        ..FabricSpec::default()
    };
    let (text, _) = generate(&spec).expect("valid spec");
    let set = parse_parcels(text.as_bytes(), "bench").expect("synthetic fabric parses");
    let parcels = &set.parcels;
    let geoms: Vec<&MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
    let skip = vec![false; parcels.len()];
    let index = ParcelIndex::build(geoms.iter().copied());
    let pairs = index.candidate_pairs();

    let mut g = c.benchmark_group("validate_10k");
    g.sample_size(10);
    g.bench_function("areas_fast", |b| {
        b.iter(|| {
            black_box(parcels)
                .iter()
                .map(|p| allot::geodesy::area_m2(&p.geometry))
                .sum::<f64>()
        })
    });
    g.bench_function("areas_geographiclib", |b| {
        b.iter(|| {
            black_box(parcels)
                .iter()
                .map(|p| allot::geodesy::area_m2_geographiclib(&p.geometry))
                .sum::<f64>()
        })
    });
    g.bench_function("index_build", |b| {
        b.iter(|| ParcelIndex::build(black_box(&geoms).iter().copied()))
    });
    g.bench_function("candidate_pairs", |b| {
        b.iter(|| black_box(&index).candidate_pairs())
    });
    g.bench_function("overlaps", |b| {
        b.iter(|| {
            overlaps(
                black_box(parcels),
                &index,
                &skip,
                1.0,
                allot::AreaUnit::Acres,
            )
        })
    });
    g.bench_function("adjacency", |b| {
        b.iter(|| Adjacency::from_pairs(black_box(&geoms), &pairs))
    });
    g.bench_function("gaps", |b| {
        b.iter(|| {
            gaps(
                black_box(parcels),
                &index,
                &skip,
                None,
                1.0,
                allot::AreaUnit::Acres,
            )
        })
    });
    g.finish();
}

criterion_group!(benches, kernels);
criterion_main!(benches);
