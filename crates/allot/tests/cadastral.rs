//! The cadastral generator's claimed properties (`allot::synth::cadastral`), checked with allot's
//! own reader, validator and adjacency and against the generator's exact grid truth (an
//! independent computation: cells, not polygons). An integration test because `synth` sits at
//! the bottom layer and may not import `validate` or `graph`, even in its unit tests.

use allot::geodesy::M2_PER_ACRE;
use allot::synth::cadastral::{CadastralFabric, CadastralSpec, generate_cadastral};
use allot::{Adjacency, FindingKind, ParcelIndex, ValidateOptions, validate};

fn fabric(seed: u64) -> (CadastralFabric, allot::ParcelSet) {
    let f = generate_cadastral(&CadastralSpec::with_parcels(300, seed));
    let set = allot::parse_parcels(f.geojson.as_bytes(), "cadastral").unwrap();
    (f, set)
}

/// The claimed properties, checked with allot's own validate and adjacency and against the
/// generator's exact grid truth (an independent computation: cells, not polygons).
#[test]
fn fabric_is_valid_connected_and_real_data_like() {
    for seed in 1..=3 {
        let (f, set) = fabric(seed);
        let n = set.parcels.len();
        assert_eq!(n, f.parcels.len());
        assert!((150..=450).contains(&n), "seed {seed}: {n} plots");
        // allot validate: no invalid geometry, no overlap above 1 m².
        let report = validate(&set, &ValidateOptions::default());
        for fd in &report.findings {
            assert!(
                !matches!(fd.kind, FindingKind::InvalidGeometry | FindingKind::Overlap),
                "seed {seed}: {}",
                fd.message
            );
        }
        // Areas: geodesic area of every ring within 0.2 % of its cell count × 16 m² (the
        // equirectangular scale is not exact; rounding moves vertices by at most 1 mm).
        for (p, t) in set.parcels.iter().zip(&f.parcels) {
            let a = allot::geodesy::area_m2(&p.geometry);
            assert!(
                (a / t.area_m2 - 1.0).abs() < 2e-3,
                "{}: {a} vs {}",
                t.id,
                t.area_m2
            );
        }
        // Adjacency from the polygons equals the grid's neighbour pairs, lengths within 0.2 %.
        let geoms: Vec<_> = set.parcels.iter().map(|p| &p.geometry).collect();
        let index = ParcelIndex::build(geoms.iter().copied());
        let adj = Adjacency::build(&geoms, &index);
        let mut pairs = Vec::new();
        for (i, nb) in adj.neighbours.iter().enumerate() {
            for &(j, s) in nb {
                if i < j {
                    pairs.push((i, j, s));
                }
            }
        }
        let missing: Vec<_> = f
            .neighbours
            .iter()
            .filter(|b| !pairs.iter().any(|a| (a.0, a.1) == (b.0, b.1)))
            .map(|b| {
                (
                    b,
                    f.parcels[b.0].decimals,
                    f.parcels[b.1].decimals,
                    &f.parcels[b.0].ring,
                    &f.parcels[b.1].ring,
                )
            })
            .collect();
        assert_eq!(
            pairs.len(),
            f.neighbours.len(),
            "seed {seed}: neighbour pairs {missing:?}"
        );
        for (a, b) in pairs.iter().zip(&f.neighbours) {
            assert_eq!((a.0, a.1), (b.0, b.1));
            assert!((a.2 / b.2 - 1.0).abs() < 5e-4, "{a:?} vs {b:?}");
        }
        // One connected component (grid truth).
        let all: Vec<usize> = (0..n).collect();
        assert_eq!(adj.components(&all).len(), 1, "seed {seed}");
        // Size spread over three orders of magnitude, median near 0.06 acre, estates.
        let mut acres: Vec<f64> = f.parcels.iter().map(|p| p.area_m2 / M2_PER_ACRE).collect();
        acres.sort_by(f64::total_cmp);
        let median = acres[n / 2];
        let max = acres[n - 1];
        assert!(
            (0.03..=0.12).contains(&median),
            "seed {seed}: median {median}"
        );
        assert!(
            max >= 10.0 && max / acres[0] >= 1000.0,
            "seed {seed}: {acres:?}"
        );
        // T-junctions and non-convex plots are present.
        assert!(f.t_junctions > 0, "seed {seed}");
        let concave = set
            .parcels
            .iter()
            .filter(|p| {
                use geo::{Area, ConvexHull};
                let hull = p.geometry.convex_hull().unsigned_area();
                hull > p.geometry.unsigned_area() * (1.0 + 1e-6)
            })
            .count();
        assert!(concave >= 5, "seed {seed}: {concave} non-convex plots");
        // Two roundings: 8 and 10 decimals.
        assert!(f.parcels.iter().any(|p| p.decimals == 8));
        assert!(f.parcels.iter().any(|p| p.decimals == 10));
    }
}
