//! Unit tests of validation: every finding family, the prefilter against the exact path,
//! the pruned union against the full one.

use super::*;
use std::collections::BTreeMap;

// These tests call geo's BooleanOps directly, not `geom::boolops`: an independent oracle.
use geo::{BooleanOps, Coord, LineString, MultiPolygon, Polygon, Rect, Validation};

use crate::geodesy::{AreaUnit, area_m2};

use crate::geom::bbox::bbox_of;
use crate::model::{Parcel, ParcelId, ParcelSet};
use geo::polygon;
use std::collections::BTreeSet;

/// Which parcels are invalid (and so left out of the overlap and gap checks).
fn invalid_mask(parcels: &[Parcel]) -> Vec<bool> {
    parcel_validity(parcels)
        .iter()
        .map(|d| !d.is_empty())
        .collect()
}

#[test]
fn pruned_union_finds_the_same_gaps_as_the_full_union() {
    // Synthetic fabrics with gaps (single and double cells), overlaps, invalid parcels,
    // holes filled by inner parcels, clockwise rings; with and without a site.
    for (seed, cols, gaps_n, overlaps_n) in [(1, 30, 4, 3), (2, 45, 8, 5), (9, 25, 2, 0)] {
        let spec = crate::synth::FabricSpec {
            cols,
            rows: cols,
            gaps: gaps_n,
            overlaps: overlaps_n,
            invalid: 2,
            seed,
            ..Default::default()
        };
        let (text, _) = crate::synth::generate(&spec).unwrap();
        let set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
        let parcels = &set.parcels;
        let skip = invalid_mask(parcels);
        let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
        let b = bbox_of(&MultiPolygon(
            parcels.iter().flat_map(|p| p.geometry.0.clone()).collect(),
        ));
        let site = MultiPolygon(vec![
            Rect::new(
                Coord {
                    x: b.min().x + 0.0007,
                    y: b.min().y + 0.0009,
                },
                Coord {
                    x: b.max().x + 0.001,
                    y: b.max().y - 0.0011,
                },
            )
            .to_polygon(),
        ]);
        for site in [None, Some(&site)] {
            let matched = fully_matched(parcels, &skip, &EdgeTable::build(parcels));
            let mut fast = gaps_impl(
                parcels,
                &index,
                &skip,
                site,
                1.0,
                Some(&matched),
                AreaUnit::Acres,
            );
            let mut full = gaps_impl(parcels, &index, &skip, site, 1.0, None, AreaUnit::Acres);
            fast.sort_by(|a, b| a.parcels.cmp(&b.parcels));
            full.sort_by(|a, b| a.parcels.cmp(&b.parcels));
            assert!(!full.is_empty());
            assert_eq!(
                fast.len(),
                full.len(),
                "seed {seed} site {}",
                site.is_some()
            );
            for (a, b) in fast.iter().zip(&full) {
                assert_eq!(a.parcels, b.parcels, "seed {seed}");
                let (x, y) = (a.acres.unwrap(), b.acres.unwrap());
                assert!(
                    (x - y).abs() <= 1e-9 * y.max(1e-3),
                    "seed {seed}: {x} vs {y}"
                );
            }
        }
    }
}

fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon(vec![p])
}

#[test]
fn bow_tie_crosses_at_its_centre() {
    let g = mp(polygon![(x: 0., y: 0.), (x: 2., y: 2.), (x: 2., y: 0.), (x: 0., y: 2.)]);
    let d = validity_details(&g);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].reason, "Self-intersection");
    assert_eq!(d[0].ring, "shell");
    assert_eq!(d[0].at, Coord { x: 1.0, y: 1.0 });
}

#[test]
fn ring_touching_itself_is_a_ring_self_intersection() {
    // The shell passes through (2, 2) twice.
    let g = mp(polygon![
        (x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 2., y: 2.), (x: 3., y: 4.),
        (x: 1., y: 4.), (x: 2., y: 2.), (x: 0., y: 4.)
    ]);
    let d = validity_details(&g);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].reason, "Ring Self-intersection");
    assert_eq!(d[0].at, Coord { x: 2.0, y: 2.0 });
}

#[test]
fn hole_outside_shell_is_located_at_its_first_vertex() {
    let g = mp(Polygon::new(
        LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]),
        vec![LineString::from(vec![
            (5., 5.),
            (6., 5.),
            (6., 6.),
            (5., 5.),
        ])],
    ));
    let d = validity_details(&g);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].reason, "Hole lies outside shell");
    assert_eq!(d[0].ring, "hole 1");
    assert_eq!(d[0].at, Coord { x: 5.0, y: 5.0 });
}

#[test]
fn hole_crossing_shell_is_a_self_intersection_where_they_cross() {
    let g = mp(Polygon::new(
        LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
        vec![LineString::from(vec![
            (3., 1.),
            (5., 1.),
            (5., 2.),
            (3., 2.),
            (3., 1.),
        ])],
    ));
    let d = validity_details(&g);
    assert_eq!(d[0].reason, "Self-intersection", "{d:?}");
    assert_eq!(d[0].at.x, 4.0);
}

#[test]
fn overlapping_parts_and_nested_shells() {
    let a = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)];
    let b = polygon![(x: 1., y: 1.), (x: 3., y: 1.), (x: 3., y: 3.), (x: 1., y: 3.)];
    let d = validity_details(&MultiPolygon(vec![a.clone(), b]));
    assert_eq!(d[0].reason, "Self-intersection");
    assert_eq!(d[0].ring, "polygons 1 and 2");
    assert_eq!(d[0].at, Coord { x: 2.0, y: 1.0 });
    let inner = polygon![(x: 0.5, y: 0.5), (x: 1., y: 0.5), (x: 1., y: 1.), (x: 0.5, y: 1.)];
    let d = validity_details(&MultiPolygon(vec![a, inner]));
    assert_eq!(d[0].reason, "Nested shells", "{d:?}");
    assert_eq!(d[0].at, Coord { x: 0.5, y: 0.5 });
}

#[test]
fn spike_and_too_few_points() {
    // A spike out to (3, 1) and back.
    let g = mp(
        polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 3., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.), (x: 0., y: 2.)],
    );
    let d = validity_details(&g);
    assert!(!d.is_empty());
    assert!(d.iter().all(|x| x.reason == "Self-intersection"), "{d:?}");
    let flat = mp(Polygon::new(
        LineString::from(vec![(0., 0.), (1., 0.), (1., 0.), (0., 0.)]),
        vec![],
    ));
    let d = validity_details(&flat);
    assert_eq!(d[0].reason, "Too few points in geometry component", "{d:?}");
}

#[test]
fn hole_touching_shell_at_two_points_disconnects_the_interior() {
    // A diamond hole whose left and right corners touch the shell: the interior is cut in two.
    let g = mp(Polygon::new(
        LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
        vec![LineString::from(vec![
            (0., 2.),
            (2., 1.),
            (4., 2.),
            (2., 3.),
            (0., 2.),
        ])],
    ));
    let d = validity_details(&g);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].reason, "Interior is disconnected");
    // The second touching point closes the cycle.
    assert_eq!(d[0].at, Coord { x: 0.0, y: 2.0 });
    // Touching at one point only is valid.
    let ok = mp(Polygon::new(
        LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
        vec![LineString::from(vec![
            (0., 2.),
            (2., 1.),
            (3., 2.),
            (2., 3.),
            (0., 2.),
        ])],
    ));
    assert!(validity_details(&ok).is_empty());
}

#[test]
fn valid_shapes_have_no_details() {
    let g = mp(polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)]);
    assert!(validity_details(&g).is_empty());
    // Clockwise is fine too.
    let cw = mp(polygon![(x: 0., y: 0.), (x: 0., y: 1.), (x: 1., y: 1.), (x: 1., y: 0.)]);
    assert!(validity_details(&cw).is_empty());
}

#[test]
fn snapping_moves_only_near_vertices() {
    let v = Vertices(vec![Coord { x: 1.0, y: 1.0 }, Coord { x: 2.0, y: 2.0 }]);
    assert_eq!(
        v.nearest(
            Coord {
                x: 1.0 + 1e-12,
                y: 1.0
            },
            1e-10
        ),
        Some(Coord { x: 1.0, y: 1.0 })
    );
    assert_eq!(v.nearest(Coord { x: 1.5, y: 1.5 }, 1e-10), None);
}

fn ring(pts: &[(f64, f64)]) -> MultiPolygon<f64> {
    mp(Polygon::new(LineString::from(pts.to_vec()), vec![]))
}

#[test]
fn convexity_is_decided_exactly() {
    let sq = [(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)];
    assert_eq!(convex_orientation(&ring(&sq)), Some(true));
    let cw: Vec<_> = sq.iter().rev().copied().collect();
    assert_eq!(convex_orientation(&ring(&cw)), Some(false));
    // A vertex in the middle of an edge (a T-junction) and a repeated vertex are fine.
    let t = [
        (0., 0.),
        (0.5, 0.),
        (1., 0.),
        (1., 0.),
        (1., 1.),
        (0., 1.),
        (0., 0.),
    ];
    assert_eq!(convex_orientation(&ring(&t)), Some(true));
    // An L-shape, a spike, a pentagram (every turn the same way, winding twice).
    let l = [
        (0., 0.),
        (2., 0.),
        (2., 1.),
        (1., 1.),
        (1., 2.),
        (0., 2.),
        (0., 0.),
    ];
    assert_eq!(convex_orientation(&ring(&l)), None);
    let spike = [(0., 0.), (1., 0.), (2., 0.), (1., 0.), (1., 1.), (0., 0.)];
    assert_eq!(convex_orientation(&ring(&spike)), None);
    let star: Vec<(f64, f64)> = (0..=5)
        .map(|k| {
            let a = (k * 2 % 5) as f64 * std::f64::consts::TAU / 5.0;
            (a.cos(), a.sin())
        })
        .collect();
    assert_eq!(convex_orientation(&ring(&star)), None);
    // geo's `IsConvex` agrees where a ring has an inside, but calls an all-collinear ring convex
    // (`Orientation::Collinear`); such a ring has no edge to separate with, so the prefilter
    // keeps its own exact test (see `convex_orientation`).
    use geo::{IsConvex, Orientation};
    let geo_of = |pts: &[(f64, f64)]| LineString::from(pts.to_vec()).convex_orientation(true, None);
    assert_eq!(geo_of(&sq), Some(Orientation::CounterClockwise));
    assert_eq!(geo_of(&cw), Some(Orientation::Clockwise));
    assert_eq!(geo_of(&t), Some(Orientation::CounterClockwise));
    assert_eq!(geo_of(&l), None);
    assert_eq!(geo_of(&star), None);
    let flat = [(0., 0.), (1., 0.), (2., 0.), (0., 0.)];
    assert_eq!(geo_of(&flat), Some(Orientation::Collinear));
    assert_eq!(convex_orientation(&ring(&flat)), None);
    // Holes and several parts are not one convex ring.
    let holed = mp(Polygon::new(
        LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
        vec![LineString::from(vec![
            (1., 1.),
            (1., 2.),
            (2., 2.),
            (1., 1.),
        ])],
    ));
    assert_eq!(convex_orientation(&holed), None);
    let two = MultiPolygon(vec![ring(&sq).0[0].clone(), ring(&sq).0[0].clone()]);
    assert_eq!(convex_orientation(&two), None);
    // One ulp off the line makes a reflex vertex.
    let nearly = [
        (0., 0.),
        (0.5, -f64::EPSILON),
        (1., 0.),
        (1., 1.),
        (0., 1.),
        (0., 0.),
    ];
    assert_eq!(convex_orientation(&ring(&nearly)), Some(true));
    let dent = [
        (0., 0.),
        (0.5, f64::EPSILON),
        (1., 0.),
        (1., 1.),
        (0., 1.),
        (0., 0.),
    ];
    assert_eq!(convex_orientation(&ring(&dent)), None);
}

#[test]
fn convex_clip_area_matches_the_exact_intersection() {
    // Convex quadrilaterals against concave, holed and multi-part subjects, in both
    // windings; the exact geodesic area of the intersection is the reference.
    let mut rng = 0x1234_5678_u64;
    let mut next = || {
        rng = rng
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (rng >> 11) as f64 / (1u64 << 53) as f64
    };
    let d = 0.001;
    let mut checked = 0;
    for k in 0..300 {
        let (x0, y0) = (67.0 + next() * d, 24.8 + next() * d);
        let mut quad: Vec<(f64, f64)> = vec![
            (x0, y0),
            (x0 + d + next() * 2e-4, y0 + next() * 2e-4),
            (x0 + d + next() * 2e-4, y0 + d + next() * 2e-4),
            (x0 + next() * 2e-4, y0 + d),
            (x0, y0),
        ];
        if k % 2 == 1 {
            quad.reverse();
        }
        let a = ring(&quad);
        let ccw = convex_orientation(&a).expect("convex");
        let (sx, sy) = (67.0 + next() * 1.5 * d, 24.8 + next() * 1.5 * d);
        let s = |x: f64, y: f64| (sx + x * d, sy + y * d);
        let mut shell = vec![
            s(0., 0.),
            s(1., 0.),
            s(1., 0.4),
            s(0.4, 0.4),
            s(0.4, 1.),
            s(0., 1.),
            s(0., 0.),
        ];
        if k % 3 == 0 {
            shell.reverse();
        }
        let hole = vec![
            s(0.1, 0.1),
            s(0.1, 0.3),
            s(0.3, 0.3),
            s(0.3, 0.1),
            s(0.1, 0.1),
        ];
        let other = vec![
            s(0.6, 0.6),
            s(0.9, 0.6),
            s(0.9, 0.9),
            s(0.6, 0.9),
            s(0.6, 0.6),
        ];
        let b = MultiPolygon(vec![
            Polygon::new(LineString::from(shell), vec![LineString::from(hole)]),
            Polygon::new(LineString::from(other), vec![]),
        ]);
        assert!(b.is_valid());
        let want = area_m2(&a.intersection(&b));
        let got = convex_clip_area_m2(&a, ccw, &b, &mut ClipBuffers::default());
        assert!(
            (got - want).abs() <= 1e-4 * want + 1e-6,
            "case {k}: {got} vs {want}"
        );
        checked += usize::from(want > 1.0);
    }
    assert!(checked > 100, "{checked}");
}

/// A seeded fabric with every kind of overlap the prefilter must not lose: a jittered grid
/// with T-junctions, concave L-shapes, a parcel with a hole and its filler, a multipolygon,
/// a parcel inside another, an identical duplicate, and cells moved by lengths spread over
/// nine orders of magnitude (overlaps from ~1e-7 m² to ~100 m², many near 1 m²).
fn prefilter_fabric(seed: u64) -> ParcelSet {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let (n, d) = (9usize, 0.001);
    let v: Vec<Vec<(f64, f64)>> = (0..=n)
        .map(|i| {
            (0..=n)
                .map(|j| {
                    (
                        67.1 + j as f64 * d + (next() - 0.5) * 0.4 * d,
                        24.8 + i as f64 * d + (next() - 0.5) * 0.4 * d,
                    )
                })
                .collect()
        })
        .collect();
    // (id, parts → rings → points, zone)
    type Feature = (String, Vec<Vec<Vec<(f64, f64)>>>, String);
    let mut features: Vec<Feature> = Vec::new();
    let zone = |i: usize| format!("z{}", i * 3 / n);
    for i in 0..n {
        for j in 0..n {
            let (bl, br, tr, tl) = (v[i][j], v[i][j + 1], v[i + 1][j + 1], v[i + 1][j]);
            let id = format!("c{i}-{j}");
            // Cells (1,1)+(1,2)+(2,1) are one concave L, (5,5) has a hole and a filler,
            // (7,1) and (7,3) are one multipolygon (7,2 left out: a gap).
            match (i, j) {
                (1, 2) | (2, 1) | (7, 2) | (7, 3) => continue,
                (1, 1) => {
                    let l = vec![
                        v[1][1], v[1][2], v[1][3], v[2][3], v[2][2], v[3][2], v[3][1], v[1][1],
                    ];
                    features.push((id, vec![vec![l]], zone(i)));
                    continue;
                }
                (5, 5) => {
                    let c = ((bl.0 + tr.0) / 2.0, (bl.1 + tr.1) / 2.0);
                    let h = [(-1., -1.), (-1., 1.), (1., 1.), (1., -1.), (-1., -1.)]
                        .map(|(a, b)| (c.0 + a * 0.2 * d, c.1 + b * 0.2 * d));
                    let filler: Vec<_> = h.iter().rev().copied().collect();
                    features.push((
                        id,
                        vec![vec![vec![bl, br, tr, tl, bl], h.to_vec()]],
                        zone(i),
                    ));
                    features.push(("filler".into(), vec![vec![filler]], zone(i)));
                    continue;
                }
                (7, 1) => {
                    let far = (v[7][3], v[7][4], v[8][4], v[8][3]);
                    features.push((
                        id,
                        vec![
                            vec![vec![bl, br, tr, tl, bl]],
                            vec![vec![far.0, far.1, far.2, far.3, far.0]],
                        ],
                        zone(i),
                    ));
                    continue;
                }
                _ => {}
            }
            let mut r = vec![bl, br];
            if (i + j) % 3 == 0 {
                r.push((br.0 + (tr.0 - br.0) * 0.37, br.1 + (tr.1 - br.1) * 0.37));
            }
            r.extend([tr, tl, bl]);
            if next() < 0.25 {
                // Moved by 1e-9 .. 1 m (in degrees: 1 m ≈ 1e-5°), east or north.
                let len = 1e-5 * 10f64.powf(-9.0 * next());
                let (dx, dy) = if next() < 0.5 { (len, 0.0) } else { (0.0, len) };
                r.iter_mut().for_each(|c| *c = (c.0 + dx, c.1 + dy));
            }
            if next() < 0.5 {
                r.reverse();
            }
            features.push((id, vec![vec![r]], zone(i)));
        }
    }
    // A parcel inside (3,6), and a duplicate of (4,4) under another id.
    let c = v[3][6];
    let inner = [(1., 1.), (2., 1.), (2., 2.), (1., 2.), (1., 1.)]
        .map(|(a, b)| (c.0 + a * 0.2 * d, c.1 + b * 0.2 * d))
        .to_vec();
    features.push(("inner".into(), vec![vec![inner]], zone(3)));
    let dup = features.iter().find(|f| f.0 == "c4-4").unwrap().clone();
    features.push(("dup".into(), dup.1, dup.2));
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features
            .iter()
            .map(|(id, parts, z)| {
                let coords = parts
                    .iter()
                    .map(|p| {
                        let rings: Vec<String> = p
                            .iter()
                            .map(|r| {
                                let pts: Vec<String> =
                                    r.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
                                format!("[{}]", pts.join(","))
                            })
                            .collect();
                        format!("[{}]", rings.join(","))
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                format!(
                    r#"{{"type":"Feature","id":"{id}","properties":{{"zone":"{z}"}},"geometry":{{"type":"MultiPolygon","coordinates":[{coords}]}}}}"#
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    );
    crate::read::parse_parcels(text.as_bytes(), "prefilter").unwrap()
}

#[test]
fn prefilter_loses_no_overlap_and_changes_no_finding() {
    let mut near_threshold = 0;
    let mut skipped = 0;
    let mut proven = 0;
    let mut artifacts = 0;
    for seed in 1..=12 {
        let set = prefilter_fabric(seed);
        let parcels = &set.parcels;
        let skip = vec![false; parcels.len()];
        let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
        let candidates = index.compact_pairs(0.0);
        let convex = convexity(parcels);
        let exact = overlap_scan(parcels, &index, 0.0, &skip, &convex, None);
        for min in [1.0, 0.05, 0.0] {
            let eps = prefilter_eps_m2(min);
            let fast = overlap_scan(parcels, &index, 0.0, &skip, &convex, Some(eps));
            // Every pair the prefilter sent on is an exact pair with the same area.
            let all: BTreeMap<(usize, usize), f64> = exact
                .pairs
                .iter()
                .map(|o| ((o.i, o.j), o.area_m2))
                .collect();
            for o in &fast.pairs {
                assert_eq!(all.get(&(o.i, o.j)), Some(&o.area_m2), "seed {seed}");
            }
            // Every exact pair it dropped is a listed sliver, far below the threshold.
            let kept: BTreeSet<(usize, usize)> = fast.pairs.iter().map(|o| (o.i, o.j)).collect();
            let slivers: BTreeSet<(usize, usize)> = fast.slivers.iter().copied().collect();
            for o in &exact.pairs {
                if kept.contains(&(o.i, o.j)) {
                } else if slivers.contains(&(o.i, o.j)) {
                    // The clipped area was below eps, or the bound (the clip or the
                    // triangulated area, plus margins) below half the threshold.
                    let limit = 0.5 * min;
                    assert!(o.area_m2 < limit, "seed {seed} min {min}: {o:?}");
                } else {
                    // Proven disjoint by a separating edge: what the exact path found is
                    // an artifact of its snapping, a shape of no width.
                    assert!(o.area_m2 < 1e-6, "seed {seed} min {min}: {o:?}");
                    artifacts += 1;
                }
                if (0.5..2.0).contains(&o.area_m2) {
                    near_threshold += 1;
                }
            }
            skipped += candidates.len() - fast.pairs.len();
            proven += candidates.len() - fast.pairs.len() - fast.slivers.len();
            // Whole reports, zones included, are identical.
            let opts = ValidateOptions {
                min_overlap_m2: min,
                targets: vec![("z0".into(), 10.0)],
                ..ValidateOptions::default()
            };
            let (fast, slow) = (
                validate_with(&set, &opts, true),
                validate_with(&set, &opts, false),
            );
            if min > 0.0 {
                assert_eq!(fast, slow, "seed {seed} min {min}");
            } else {
                // With no threshold the exact path also reports its zero-width artifacts.
                let real = |r: &Report| {
                    let mut r = r.clone();
                    r.findings
                        .retain(|f| f.acres.is_none_or(|a| a * M2_PER_ACRE >= 1e-6));
                    r
                };
                assert_eq!(real(&fast), real(&slow), "seed {seed} min {min}");
            }
        }
    }
    // The fabric exercises the threshold, and the prefilter does its job.
    assert!(near_threshold >= 3, "{near_threshold}");
    assert!(proven > 1000 && skipped > proven, "{proven} {skipped}");
    eprintln!(
        "{proven} proven disjoint, {skipped} skipped, {artifacts} artifacts, {near_threshold} near 1 m²"
    );
}

#[test]
fn findings_sort_by_kind_then_area_then_ids() {
    let f = |kind, acres: Option<f64>, id: &str| Finding {
        kind,
        parcels: vec![ParcelId(id.into())],
        zone: None,
        acres,
        at: [0.0, 0.0],
        message: String::new(),
        geometry: None,
    };
    let mut v = vec![
        f(FindingKind::Gap, Some(1.0), "b"),
        f(FindingKind::Overlap, Some(0.5), "z"),
        f(FindingKind::Gap, Some(2.0), "c"),
        f(FindingKind::Gap, None, "a"),
        f(FindingKind::Gap, Some(1.0), "a"),
    ];
    sort_findings(&mut v);
    let got: Vec<_> = v.iter().map(|x| (x.kind, x.parcels[0].as_str())).collect();
    assert_eq!(
        got,
        [
            (FindingKind::Overlap, "z"),
            (FindingKind::Gap, "c"),
            (FindingKind::Gap, "a"),
            (FindingKind::Gap, "b"),
            (FindingKind::Gap, "a"),
        ]
    );
}

/// A fabric with T-junctions: even rows of single cells, odd rows of double-width cells
/// (offset by one), so most neighbours across rows share no edge exactly; plus duplicated
/// parcels, an overlap and an invalid bow-tie.
fn t_junction_fabric(seed: u64) -> String {
    let mut rng = crate::util::Rng::new(seed);
    let d = 0.001;
    let mut features = Vec::new();
    let mut push = |id: String, ring: Vec<(f64, f64)>, zone: String| {
        let coords: Vec<String> = ring.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
        features.push(format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{"zone":"{zone}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
            coords.join(",")
        ));
    };
    let (x0, y0) = (67.2, 24.8);
    for row in 0..8usize {
        let (w, start) = if row % 2 == 0 {
            (1usize, 0usize)
        } else {
            (2, 1)
        };
        let mut col = 0;
        if start == 1 {
            let z = format!("z{}", rng.below(3));
            let r = |c: f64, r: f64| (x0 + c * d, y0 + r * d);
            let (c, rr) = (0.0, row as f64);
            push(
                format!("r{row}-edge"),
                vec![
                    r(c, rr),
                    r(c + 1.0, rr),
                    r(c + 1.0, rr + 1.0),
                    r(c, rr + 1.0),
                    r(c, rr),
                ],
                z,
            );
            col = 1;
        }
        while col + w <= 12 {
            let z = format!("z{}", rng.below(3));
            let (c, rr, cw) = (col as f64, row as f64, w as f64);
            let p = |a: f64, b: f64| (x0 + a * d, y0 + b * d);
            // Double cells keep the vertex in the middle of their top edge only sometimes,
            // so both exact matches and T-junctions occur.
            let mut ring = vec![p(c, rr), p(c + cw, rr), p(c + cw, rr + 1.0)];
            if w == 2 && rng.below(2) == 0 {
                ring.push(p(c + 1.0, rr + 1.0));
            }
            ring.extend([p(c, rr + 1.0), p(c, rr)]);
            push(format!("r{row}-{col}"), ring.clone(), z.clone());
            if rng.below(10) == 0 {
                push(
                    format!("r{row}-{col}-copy"),
                    ring,
                    format!("z{}", rng.below(3)),
                );
            }
            col += w;
        }
    }
    push(
        "overlapper".into(),
        vec![
            (x0 + 0.5 * d, y0 + 0.5 * d),
            (x0 + 2.5 * d, y0 + 0.5 * d),
            (x0 + 2.5 * d, y0 + 1.5 * d),
            (x0 + 0.5 * d, y0 + 0.5 * d),
        ],
        "z0".into(),
    );
    push(
        "bowtie".into(),
        vec![
            (x0, y0 - d),
            (x0 + d, y0),
            (x0 + d, y0 - d),
            (x0, y0),
            (x0, y0 - d),
        ],
        "z1".into(),
    );
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

#[test]
fn zone_pieces_equal_the_components_of_the_full_adjacency_graph() {
    let mut texts: Vec<String> = (1..=6).map(t_junction_fabric).collect();
    for seed in [3, 4] {
        let spec = crate::synth::FabricSpec {
            cols: 20,
            rows: 20,
            gaps: 3,
            overlaps: 4,
            invalid: 2,
            seed,
            zones: 3,
            ..Default::default()
        };
        texts.push(crate::synth::generate(&spec).unwrap().0);
    }
    let mut split_zones = 0;
    for (k, text) in texts.iter().enumerate() {
        let mut set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
        if k >= 6 {
            // Scatter the synthetic fabric's zones so they fall into many pieces.
            let mut rng = crate::util::Rng::new(k as u64);
            for p in &mut set.parcels {
                p.zone = Some(format!("z{}", rng.below(3)).into());
            }
        }
        let parcels = &set.parcels;
        let skip = invalid_mask(parcels);
        let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
        let scan = overlap_scan(
            parcels,
            &index,
            crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG,
            &skip,
            &convexity(parcels),
            Some(prefilter_eps_m2(1.0)),
        );
        let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, p) in parcels.iter().enumerate() {
            members
                .entry(p.zone.as_deref().unwrap())
                .or_default()
                .push(i);
        }
        let edge_pieces = shared_edge_pieces(parcels, &EdgeTable::build(parcels));
        let roots = zone_pieces(parcels, &members, edge_pieces, &index, &scan);
        // The reference: every candidate pair's shared boundary measured, overlaps and
        // overlapping slivers added, components of each zone's subgraph.
        let geoms: Vec<&MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
        let mut adj = crate::Adjacency::build(&geoms, &index);
        for o in scan.pairs.iter().filter(|o| o.joins()) {
            adj.connect(o.i, o.j, 0.0);
        }
        for &(i, j) in &scan.slivers {
            if adj.shared(i, j) == 0.0 && exact_overlap(parcels, i, j).is_some_and(|o| o.joins()) {
                adj.connect(i, j, 0.0);
            }
        }
        for (z, m) in &members {
            let want = adj.components(m);
            assert_eq!(pieces(m, &roots), want, "fabric {k} zone {z}");
            split_zones += usize::from(want.len() > 1);
        }
    }
    // The fabrics exercise the slow path (zones in several pieces), not only exact edges.
    assert!(split_zones >= 20, "{split_zones}");
}

#[test]
fn every_ring_convexity_accepts_is_valid() {
    // Random rings of 3-7 vertices on a 4x4 integer grid (so collinear, repeated, crossing
    // and doubled-back vertices are common): whenever the convexity test accepts a ring,
    // the general validity check finds nothing wrong with it, so the shortcut in
    // `parcel_validity` changes no finding.
    let mut rng = crate::util::Rng::new(11);
    let (mut accepted, mut rejected_invalid) = (0, 0);
    for _ in 0..60_000 {
        let n = 3 + rng.below(5);
        let mut pts: Vec<(f64, f64)> = (0..n)
            .map(|_| (rng.below(4) as f64, rng.below(4) as f64))
            .collect();
        pts.push(pts[0]);
        let g = ring(&pts);
        let details = validity_details(&g);
        if convex_orientation(&g).is_some() {
            accepted += 1;
            assert!(details.is_empty(), "{pts:?}: {details:?}");
            assert!(g.is_valid(), "{pts:?}");
        } else if !details.is_empty() {
            rejected_invalid += 1;
        }
    }
    assert!(
        accepted > 1_000 && rejected_invalid > 10_000,
        "{accepted} {rejected_invalid}"
    );
}

/// Three plots at a T-junction: `A` (67.300–67.301 E × 24.800–24.802 N) has no vertex on its
/// east side where `B` (south) and `C` (north) meet it. `west_b`, `west_c`: the west sides of
/// `B` and `C`; `mid`: `B`'s north side and `mid_c`: `C`'s south side. Each plot has a notch
/// in the side away from the junction, so none is convex and the overlap check cannot use the
/// convex prefilter: pairs go through the coverage proof, then the exact clip.
fn t_junction_trio(west_b: f64, west_c: f64, mid: f64, mid_c: f64) -> ParcelSet {
    let sq = |id: &str, x0: f64, y0: f64, x1: f64, y1: f64| {
        // The notch: a quarter of the width deep, in the middle third of the far side.
        let (h, w) = (y1 - y0, x1 - x0);
        let (n0, n1) = (y0 + h / 3.0, y0 + 2.0 * h / 3.0);
        let ring = if id == "A" {
            let xn = x0 + w / 4.0;
            format!(
                "[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{n1}],[{xn},{n1}],[{xn},{n0}],[{x0},{n0}],[{x0},{y0}]"
            )
        } else {
            let xn = x1 - w / 4.0;
            format!(
                "[{x0},{y0}],[{x1},{y0}],[{x1},{n0}],[{xn},{n0}],[{xn},{n1}],[{x1},{n1}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]"
            )
        };
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{ring}]]}}}}"#
        )
    };
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{},{},{}]}}"#,
        sq("A", 67.300, 24.800, 67.301, 24.802),
        sq("B", west_b, 24.800, 67.302, mid),
        sq("C", west_c, mid_c, 67.302, 24.802)
    );
    crate::read::parse_parcels(text.as_bytes(), "t").unwrap()
}

/// Neighbours meeting at a T-junction whose coordinates differ by 1e-12° (B's west side 1e-12°
/// east of A's, C's 1e-12° into A, B and C overlapping by 1e-12° of latitude: every pair is
/// within 1.2e-5 m² of touching) are not reported as overlapping, nor is the hairline between
/// them a gap, with the prefilter and coverage proof or without (every pair clipped exactly).
/// A true overlap of 1.68 m² at the same junction is found with its area: the strip
/// 67.30099985–67.301 E × 24.800–24.801 N, 1.6800334005 m² (pyproj `Geod(ellps="WGS84")`).
#[test]
fn t_junction_neighbours_1e12_apart_do_not_overlap_and_a_true_overlap_is_found() {
    let e = 1e-12;
    for (wb, wc, mid, mid_c) in [
        (67.301 + e, 67.301 - e, 24.801 + e, 24.801),
        (67.301 - e, 67.301 + e, 24.801, 24.801 + e),
        (67.301 - e, 67.301 - e, 24.801 - e, 24.801 + e),
    ] {
        let set = t_junction_trio(wb, wc, mid, mid_c);
        let convex = convexity(&set.parcels);
        assert!(convex.iter().all(|c| c.is_none()), "{convex:?}");
        for prefilter in [true, false] {
            let r = validate_with(&set, &ValidateOptions::default(), prefilter);
            assert!(r.findings.is_empty(), "{wb} {wc} {mid}: {:?}", r.findings);
        }
    }
    let set = t_junction_trio(67.301 - 1.5e-7, 67.301, 24.801, 24.801);
    for prefilter in [true, false] {
        let r = validate_with(&set, &ValidateOptions::default(), prefilter);
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        let f = &r.findings[0];
        assert_eq!(f.kind, FindingKind::Overlap);
        assert_eq!(f.parcels, [ParcelId("A".into()), ParcelId("B".into())]);
        let m2 = f.acres.unwrap() * M2_PER_ACRE;
        assert!((m2 - 1.680_033_400_5).abs() < 1e-6, "{m2}");
    }
}

/// Differential test of the overlap bound: on every candidate pair of seeded cadastral fabrics
/// (differently rounded boundaries, T-junctions, mixed vertex densities, L-shaped plots), of
/// non-convex and of quadrilateral fabrics with injected overlaps, and on the same pairs with
/// one plot nudged by up to ~2 m, the bound the overlap pass uses (the convex clip plus the
/// margins where a parcel is convex, [`overlap_bound_m2`] otherwise) is never below the area
/// the exact path gives; the triangulated planar area agrees with that exact area both ways
/// (within the 1 % and the margins the bound allows); and it settles most of the neighbours
/// the edge matching cannot.
#[test]
fn overlap_bound_is_never_below_the_exact_overlap() {
    use crate::synth::cadastral::{CadastralSpec, generate_cadastral};
    use crate::synth::{FabricSpec, generate};
    use geo::MapCoords;
    let mut rng = crate::util::Rng::new(23);
    let (mut tried, mut settled, mut nudged_overlaps, mut triangulated) = (0, 0, 0, 0);
    let mut texts: Vec<String> = [1, 2]
        .iter()
        .map(|&seed| generate_cadastral(&CadastralSpec::with_parcels(700, seed)).geojson)
        .collect();
    for spec in [
        FabricSpec {
            overlaps: 9,
            gaps: 4,
            ..FabricSpec::nonconvex(900, 3)
        },
        FabricSpec {
            overlaps: 6,
            gaps: 4,
            ..FabricSpec::with_parcels(900, 4)
        },
    ] {
        texts.push(generate(&spec).unwrap().0);
    }
    // The bound the overlap pass applies to a pair (both valid) with common box r.
    let pass_bound = |a: &MultiPolygon<f64>,
                      b: &MultiPolygon<f64>,
                      r: [f64; 4],
                      buf: &mut BoundBuffers,
                      clip: &mut ClipBuffers| {
        let clip = match (convex_orientation(a), convex_orientation(b)) {
            (Some(ca), _) => Some(convex_clip_area_m2(a, ca, b, clip)),
            (None, Some(cb)) => Some(convex_clip_area_m2(b, cb, a, clip)),
            (None, None) => None,
        };
        match clip {
            Some(area) => area.abs() * 1.01 + overlap_margins_m2(a, b, r),
            None => overlap_bound_m2(a, b, r, buf),
        }
    };
    for text in &texts {
        let set = crate::read::parse_parcels(text.as_bytes(), "fabric").unwrap();
        let mut parcels = set.parcels;
        let valid: Vec<bool> = parcel_validity(&parcels)
            .iter()
            .map(|d| d.is_empty())
            .collect();
        let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
        let (mut buf, mut cov, mut clip) = (
            BoundBuffers::default(),
            CoverageBuffers::default(),
            ClipBuffers::default(),
        );
        for (i, j) in index.candidate_pairs() {
            let Some(r) = index.shared_box(i, j) else {
                continue;
            };
            if !(valid[i] && valid[j]) {
                continue;
            }
            let (a, b) = (&parcels[i].geometry, &parcels[j].geometry);
            if proven_disjoint_within(a, b, r, &mut cov) {
                continue;
            }
            tried += 1;
            let bound = pass_bound(a, b, r, &mut buf, &mut clip);
            let exact = exact_overlap(&parcels, i, j).map_or(0.0, |o| o.area_m2);
            assert!(
                exact <= bound,
                "{} {}: {exact} > {bound}",
                parcels[i].id,
                parcels[j].id
            );
            let margins = overlap_margins_m2(a, b, r);
            if let Some(tri) = triangulated_overlap_m2(a, b, r, &mut buf) {
                triangulated += 1;
                assert!(
                    tri <= exact * 1.01 + margins + 1e-9,
                    "{} {}: triangulated {tri} vs exact {exact}",
                    parcels[i].id,
                    parcels[j].id
                );
            }
            settled += (bound < 0.5) as usize;
            // The same pair with plot j moved: a real overlap of up to a few hundred m².
            let (dx, dy) = ((rng.unit() - 0.5) * 4e-5, (rng.unit() - 0.5) * 4e-5);
            let moved = parcels[j].geometry.map_coords(|c| Coord {
                x: c.x + dx,
                y: c.y + dy,
            });
            let original = std::mem::replace(&mut parcels[j].geometry, moved);
            let (a, b) = (&parcels[i].geometry, &parcels[j].geometry);
            let (ba, bb) = (bbox_of(a), bbox_of(b));
            let r = [
                ba.min().x.max(bb.min().x),
                ba.min().y.max(bb.min().y),
                ba.max().x.min(bb.max().x),
                ba.max().y.min(bb.max().y),
            ];
            if r[0] < r[2] && r[1] < r[3] {
                let bound = pass_bound(a, b, r, &mut buf, &mut clip);
                let exact = exact_overlap(&parcels, i, j).map_or(0.0, |o| o.area_m2);
                assert!(exact <= bound, "nudged {i} {j}: {exact} > {bound}");
                if let Some(tri) = triangulated_overlap_m2(a, b, r, &mut buf) {
                    let margins = overlap_margins_m2(a, b, r);
                    assert!(
                        tri <= exact * 1.01 + margins + 1e-9,
                        "nudged {i} {j}: triangulated {tri} vs exact {exact}"
                    );
                }
                nudged_overlaps += (exact > 1.0) as usize;
            }
            parcels[j].geometry = original;
        }
    }
    assert!(settled * 10 > tried * 9, "{settled} of {tried}");
    assert!(triangulated * 10 > tried * 9, "{triangulated} of {tried}");
    assert!(nudged_overlaps > 100, "{nudged_overlaps}");
}
