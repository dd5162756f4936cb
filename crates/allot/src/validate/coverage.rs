//! Coverage-style edge matching: a cheap, exact proof that two valid neighbours do not overlap,
//! whatever their shapes (convex or not, with holes, several parts).
//!
//! # The proof
//! Let A and B be valid polygons, every ring oriented with the interior on its left (shells
//! counter-clockwise, holes clockwise). Suppose that
//! 1. every edge `e` of A and every edge `f` of B either are the same segment, traversed in
//!    opposite directions (a *matched* edge), or meet at most in a common endpoint (no proper
//!    crossing, no endpoint of one in the relative interior of the other, no collinear overlap),
//!    decided with exact orientation predicates and exact coordinate comparisons; and
//! 2. every vertex of A that is not a vertex of B lies outside B, and every vertex of B that is
//!    not a vertex of A lies outside A (exact crossing-number test; such a vertex cannot lie on
//!    the other's boundary by 1).
//!
//! Then the interiors of A and B are disjoint. If they were not, the open set I = int A ∩ int B
//! would be non-empty and bounded, so its boundary would hold a point p that is no vertex of
//! either, on the relative interior of an edge e of A (or of B: the same argument with the roles
//! swapped). By 1, no other edge of either polygon passes through p except, when e is matched,
//! B's copy of e. If e is matched, near p A lies only on e's left and B only on its right, so
//! no point near p is in I, a contradiction. If e is unmatched, by 1 its relative interior does
//! not meet B's boundary, so it lies wholly inside or wholly outside B; one of its endpoints is
//! outside B (by 2, or because it is outside B's bounding box), or both are vertices of B, in
//! which case the test gives up (below). So e's interior lies outside the closed B and p has a
//! neighbourhood outside B, again a contradiction.
//!
//! Edges and vertices of A outside B's bounding box (and vice versa) are outside B and meet
//! none of its edges, so only those in the common box are examined: for neighbours, a few edges
//! each. The test gives up (returns `false`, and the caller takes the exact intersection) on a
//! same-direction shared edge, any crossing or T-junction, a vertex inside the other polygon, or
//! an unmatched edge whose two endpoints are both vertices of the other polygon. It never
//! claims disjointness wrongly; it may fail to prove it (T-junctions between neighbours with
//! different vertex densities fall back to the exact path).

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, MultiPolygon};

use crate::geom::ring::rings;

/// Scratch space for [`proven_disjoint_within`], reused across pairs.
#[derive(Default)]
pub(crate) struct CoverageBuffers {
    /// Oriented edges of A, then of B, in the common box: `[x0, y0, x1, y1]`.
    a: Vec<[f64; 4]>,
    b: Vec<[f64; 4]>,
    /// The vertices of A, then of B, in the common box (for "is a vertex of the other"
    /// lookups: a shared vertex is in both boxes).
    va: Vec<[f64; 2]>,
    vb: Vec<[f64; 2]>,
}

/// Axis-aligned box `[min_x, min_y, max_x, max_y]`.
pub(crate) type Box2 = [f64; 4];

fn seg_box_meets(s: &[f64; 4], r: &Box2) -> bool {
    s[0].min(s[2]) <= r[2]
        && s[0].max(s[2]) >= r[0]
        && s[1].min(s[3]) <= r[3]
        && s[1].max(s[3]) >= r[1]
}

/// Collects `g`'s oriented edges (interior on the left) meeting `r`, and its vertices inside
/// `r` (a vertex the other polygon can share lies in both boxes, so in `r`).
fn collect(g: &MultiPolygon<f64>, r: &Box2, edges: &mut Vec<[f64; 4]>, verts: &mut Vec<[f64; 2]>) {
    edges.clear();
    verts.clear();
    for p in &g.0 {
        for (k, ring) in rings(p).enumerate() {
            let c = &ring.0;
            let twice_area: f64 = c
                .windows(2)
                .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
                .sum();
            let forward = (twice_area > 0.0) == (k == 0);
            for w in c.windows(2) {
                let v = [w[0].x, w[0].y];
                if v[0] >= r[0] && v[0] <= r[2] && v[1] >= r[1] && v[1] <= r[3] {
                    verts.push(v);
                }
                if w[0] == w[1] {
                    continue;
                }
                let s = if forward {
                    [w[0].x, w[0].y, w[1].x, w[1].y]
                } else {
                    [w[1].x, w[1].y, w[0].x, w[0].y]
                };
                if seg_box_meets(&s, r) {
                    edges.push(s);
                }
            }
        }
    }
}

fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> Orientation {
    let co = |p: [f64; 2]| Coord { x: p[0], y: p[1] };
    RobustKernel::orient2d(co(a), co(b), co(c))
}

/// Whether `p` lies on segment `s` other than at its endpoints (exact).
fn in_relative_interior(p: [f64; 2], s: &[f64; 4]) -> bool {
    let (a, b) = ([s[0], s[1]], [s[2], s[3]]);
    p != a
        && p != b
        && p[0] >= a[0].min(b[0])
        && p[0] <= a[0].max(b[0])
        && p[1] >= a[1].min(b[1])
        && p[1] <= a[1].max(b[1])
        && orient(a, b, p) == Orientation::Collinear
}

/// Condition 1 for one pair of edges: `Ok(true)` when matched, `Ok(false)` when they meet at
/// most in a common endpoint, `Err(())` otherwise.
fn edge_pair(e: &[f64; 4], f: &[f64; 4]) -> Result<bool, ()> {
    let (e0, e1, f0, f1) = ([e[0], e[1]], [e[2], e[3]], [f[0], f[1]], [f[2], f[3]]);
    if e0 == f1 && e1 == f0 {
        return Ok(true);
    }
    if e0 == f0 && e1 == f1 {
        return Err(()); // the same edge, interiors on the same side
    }
    // Sharing exactly one endpoint q (consecutive edges along a shared boundary, the common
    // case): two segments from q meet again only when they run along one another, collinear
    // and the same way from q; then the nearer far end lies inside the other (which
    // [`meet_apart`] would find), and otherwise nothing does (no proper crossing from a
    // common endpoint). The same way: the differences from q have the same signs (a difference of
    // two floats is zero only when they are equal, and rounding keeps its sign).
    let shared = if e0 == f0 {
        Some((e0, e1, f1))
    } else if e0 == f1 {
        Some((e0, e1, f0))
    } else if e1 == f0 {
        Some((e1, e0, f1))
    } else if e1 == f1 {
        Some((e1, e0, f0))
    } else {
        None
    };
    if let Some((q, u, v)) = shared {
        let sign = |x: f64| (x > 0.0) as i8 - (x < 0.0) as i8;
        let along = orient(q, u, v) == Orientation::Collinear
            && sign(u[0] - q[0]) == sign(v[0] - q[0])
            && sign(u[1] - q[1]) == sign(v[1] - q[1]);
        return if along { Err(()) } else { Ok(false) };
    }
    meet_apart(e, f)
}

/// Condition 1 for two edges that are not the same segment: `Ok(false)` when they meet at most
/// in a common endpoint, `Err(())` otherwise (the general test, for any two such edges).
fn meet_apart(e: &[f64; 4], f: &[f64; 4]) -> Result<bool, ()> {
    let (e0, e1, f0, f1) = ([e[0], e[1]], [e[2], e[3]], [f[0], f[1]], [f[2], f[3]]);
    if e[0].max(e[2]) < f[0].min(f[2])
        || f[0].max(f[2]) < e[0].min(e[2])
        || e[1].max(e[3]) < f[1].min(f[3])
        || f[1].max(f[3]) < e[1].min(e[3])
    {
        return Ok(false);
    }
    if in_relative_interior(f0, e)
        || in_relative_interior(f1, e)
        || in_relative_interior(e0, f)
        || in_relative_interior(e1, f)
    {
        return Err(());
    }
    use Orientation::*;
    let (o1, o2) = (orient(e0, e1, f0), orient(e0, e1, f1));
    let (o3, o4) = (orient(f0, f1, e0), orient(f0, f1, e1));
    let opposite = |x: Orientation, y: Orientation| {
        matches!(
            (x, y),
            (Clockwise, CounterClockwise) | (CounterClockwise, Clockwise)
        )
    };
    if opposite(o1, o2) && opposite(o3, o4) {
        return Err(()); // proper crossing
    }
    Ok(false)
}

/// Whether `p` (not on `g`'s boundary) is inside `g`: exact crossing number over every ring.
fn strictly_inside(p: [f64; 2], g: &MultiPolygon<f64>) -> bool {
    let mut inside = false;
    for poly in &g.0 {
        for ring in rings(poly) {
            for w in ring.0.windows(2) {
                let (a, b) = ([w[0].x, w[0].y], [w[1].x, w[1].y]);
                if (a[1] > p[1]) != (b[1] > p[1]) {
                    // The edge straddles p's horizontal line; it crosses the ray to +x when p
                    // is on the edge's left going up, or on its right going down.
                    let o = orient(a, b, p);
                    let up = b[1] > a[1];
                    if (up && o == Orientation::CounterClockwise)
                        || (!up && o == Orientation::Clockwise)
                    {
                        inside = !inside;
                    }
                }
            }
        }
    }
    inside
}

/// `true` only when the interiors of the valid polygons `a` and `b` are proven disjoint by
/// edge matching (see the module documentation); `false` means "not proven", never "overlap".
/// `r` is the common part of the two polygons' bounding boxes (of their shells), as the
/// caller's index holds it.
pub(crate) fn proven_disjoint_within(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
    r: Box2,
    buf: &mut CoverageBuffers,
) -> bool {
    collect(a, &r, &mut buf.a, &mut buf.va);
    collect(b, &r, &mut buf.b, &mut buf.vb);
    for e in &buf.a {
        for f in &buf.b {
            if edge_pair(e, f).is_err() {
                return false;
            }
        }
    }
    // Condition 2, and the give-up rule for unmatched edges between two shared vertices (an
    // endpoint outside the common box is outside the other's box, so no vertex of it).
    for (edges, own, other_edges, other_verts, other) in [
        (&buf.a, &buf.va, &buf.b, &buf.vb, b),
        (&buf.b, &buf.vb, &buf.a, &buf.va, a),
    ] {
        for v in own {
            if !other_verts.contains(v) && strictly_inside(*v, other) {
                return false;
            }
        }
        for e in edges {
            let (e0, e1) = ([e[0], e[1]], [e[2], e[3]]);
            if other_verts.contains(&e0) && other_verts.contains(&e1) {
                let matched = other_edges
                    .iter()
                    .any(|f| [f[0], f[1]] == e1 && [f[2], f[3]] == e0);
                if !matched {
                    return false;
                }
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::area_m2;
    use crate::index::ParcelIndex;
    use crate::model::Parcel;
    use crate::synth::{FabricSpec, generate};
    use crate::util::Rng;
    use crate::validate::overlaps::exact_overlap;
    use crate::validate::validity::parcel_validity;
    use geo::{BooleanOps, MapCoords};

    fn bbox(g: &MultiPolygon<f64>) -> Box2 {
        let mut b = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for p in &g.0 {
            for c in &p.exterior().0 {
                b = [b[0].min(c.x), b[1].min(c.y), b[2].max(c.x), b[3].max(c.y)];
            }
        }
        b
    }

    /// `true` only when the interiors of the valid polygons `a` and `b` are proven disjoint by
    /// edge matching (see the module documentation); `false` means "not proven", never "overlap".
    fn proven_disjoint(
        a: &MultiPolygon<f64>,
        b: &MultiPolygon<f64>,
        buf: &mut CoverageBuffers,
    ) -> bool {
        let (ba, bb) = (bbox(a), bbox(b));
        let r = [
            ba[0].max(bb[0]),
            ba[1].max(bb[1]),
            ba[2].min(bb[2]),
            ba[3].min(bb[3]),
        ];
        if r[0] > r[2] || r[1] > r[3] {
            return true; // boxes apart (or an empty polygon)
        }
        proven_disjoint_within(a, b, r, buf)
    }

    fn poly(rings_: &[&[(f64, f64)]]) -> MultiPolygon<f64> {
        let ls = |r: &[(f64, f64)]| geo::LineString::from(r.to_vec());
        MultiPolygon::new(vec![geo::Polygon::new(
            ls(rings_[0]),
            rings_[1..].iter().map(|r| ls(r)).collect(),
        )])
    }

    fn proven(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
        let mut buf = CoverageBuffers::default();
        let ab = proven_disjoint(a, b, &mut buf);
        assert_eq!(ab, proven_disjoint(b, a, &mut buf), "not symmetric");
        ab
    }

    /// Overlap by the independent path: i_overlay's intersection, measured geodesically.
    fn overlaps_exactly(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> bool {
        area_m2(&a.intersection(b)) > 1e-6
    }

    #[test]
    fn hand_made_cases() {
        let sq =
            |x: f64, y: f64| poly(&[&[(x, y), (x + 1., y), (x + 1., y + 1.), (x, y + 1.), (x, y)]]);
        let a = sq(67., 24.);
        // Neighbours sharing an edge, and a corner: proven.
        assert!(proven(&a, &sq(68., 24.)));
        assert!(proven(&a, &sq(68., 25.)));
        // Clockwise neighbour: orientation is normalised.
        let cw = poly(&[&[(68., 24.), (68., 25.), (69., 25.), (69., 24.), (68., 24.)]]);
        assert!(proven(&a, &cw));
        // Identical duplicate, and the same ring clockwise: not proven (they overlap).
        assert!(!proven(&a, &a));
        let a_cw = poly(&[&[(67., 24.), (67., 25.), (68., 25.), (68., 24.), (67., 24.)]]);
        assert!(!proven(&a, &a_cw));
        // Fully inside, no shared vertex: a vertex inside.
        let inner = poly(&[&[
            (67.4, 24.4),
            (67.6, 24.4),
            (67.6, 24.6),
            (67.4, 24.6),
            (67.4, 24.4),
        ]]);
        assert!(!proven(&a, &inner));
        // A union sharing all vertices with both halves.
        let left = poly(&[&[(67., 24.), (67.5, 24.), (67.5, 25.), (67., 25.), (67., 24.)]]);
        let whole = poly(&[&[
            (67., 24.),
            (67.5, 24.),
            (68., 24.),
            (68., 25.),
            (67.5, 25.),
            (67., 25.),
            (67., 24.),
        ]]);
        assert!(!proven(&left, &whole));
        // A chord: a triangle on two vertices of a square, inside it.
        let tri = poly(&[&[(67., 24.), (68., 24.), (68., 25.), (67., 24.)]]);
        assert!(!proven(&a, &tri));
        // T-junction neighbours (a vertex on the other's edge): not proven, and not overlapping.
        let t = poly(&[&[
            (68., 24.),
            (69., 24.),
            (69., 25.),
            (68., 25.),
            (68., 24.5),
            (68., 24.),
        ]]);
        assert!(!proven(&a, &t) && !overlaps_exactly(&a, &t));
        // Proper crossing.
        assert!(!proven(&a, &sq(67.5, 24.5)));
        // A hole and the parcel filling it: proven; the filler against the outer square: not.
        let holed = poly(&[
            &[(67., 24.), (68., 24.), (68., 25.), (67., 25.), (67., 24.)],
            &[
                (67.4, 24.4),
                (67.4, 24.6),
                (67.6, 24.6),
                (67.6, 24.4),
                (67.4, 24.4),
            ],
        ]);
        assert!(proven(&holed, &inner));
        assert!(!proven(&a, &inner));
        // Non-convex neighbours interlocking along a zig-zag shared boundary: proven.
        let zig = [(67., 24.), (67.5, 24.3), (68., 24.)];
        let lower = poly(&[&[zig[0], (67., 23.), (68., 23.), zig[2], zig[1], zig[0]]]);
        let upper = poly(&[&[zig[0], zig[1], zig[2], (68., 25.), (67., 25.), zig[0]]]);
        assert!(proven(&lower, &upper));
        // The same two with the upper one's dent pushed through the lower one: not proven.
        let deep = poly(&[&[zig[0], (67.5, 23.5), zig[2], (68., 25.), (67., 25.), zig[0]]]);
        assert!(!proven(&lower, &deep) && overlaps_exactly(&lower, &deep));
    }

    /// The shortcut for edges sharing one endpoint gives what the general test gives: every
    /// pair of segments between points of a 4 × 4 grid of exactly representable coordinates
    /// (many exactly collinear) that share exactly one endpoint.
    #[test]
    fn shared_endpoint_shortcut_equals_the_general_test() {
        let pts: Vec<[f64; 2]> = (0..16)
            .map(|k| [67.0 + (k % 4) as f64 * 0.25, 24.5 + (k / 4) as f64 * 0.25])
            .collect();
        let mut segs = Vec::new();
        for p in &pts {
            for q in &pts {
                if p != q {
                    segs.push([p[0], p[1], q[0], q[1]]);
                }
            }
        }
        let (mut checked, mut along) = (0, 0);
        for e in &segs {
            for f in &segs {
                let ends = |s: &[f64; 4]| [[s[0], s[1]], [s[2], s[3]]];
                let common = ends(e).iter().filter(|p| ends(f).contains(p)).count();
                if common != 1 {
                    continue;
                }
                checked += 1;
                let general = meet_apart(e, f);
                along += general.is_err() as usize;
                assert_eq!(edge_pair(e, f), general, "{e:?} {f:?}");
            }
        }
        assert!(checked > 10_000 && along > 500, "{checked} {along}");
    }

    /// Differential test: on every candidate pair of seeded fabrics (non-convex and quadrilateral,
    /// with every kind of injected overlap), and on the same pairs with one parcel nudged by a
    /// seeded random offset of up to ~2 m, a pair proven disjoint has no exact overlap.
    #[test]
    fn proof_never_contradicts_the_exact_intersection() {
        let specs = [
            FabricSpec {
                overlaps: 9,
                gaps: 4,
                invalid: 4,
                ..FabricSpec::nonconvex(900, 3)
            },
            FabricSpec {
                overlaps: 6,
                gaps: 4,
                invalid: 4,
                ..FabricSpec::with_parcels(900, 4)
            },
        ];
        let mut rng = Rng::new(17);
        for spec in specs {
            let (text, truth) = generate(&spec).unwrap();
            let set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
            let parcels: &[Parcel] = &set.parcels;
            let valid: Vec<bool> = parcel_validity(parcels)
                .iter()
                .map(|d| d.is_empty())
                .collect();
            let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
            let mut buf = CoverageBuffers::default();
            let (mut pairs, mut proved, mut nudged_proved, mut nudged_overlap) = (0, 0, 0, 0);
            let mut injected_seen = 0;
            for (i, j) in index.candidate_pairs() {
                if !(valid[i] && valid[j]) {
                    continue;
                }
                pairs += 1;
                let (a, b) = (&parcels[i].geometry, &parcels[j].geometry);
                let p = proven_disjoint(a, b, &mut buf);
                let exact = exact_overlap(parcels, i, j).is_some();
                assert!(!(p && exact), "{} {}", parcels[i].id, parcels[j].id);
                let mut ids = [parcels[i].id.to_string(), parcels[j].id.to_string()];
                ids.sort();
                if truth.overlaps.iter().any(|o| o.parcels == ids) {
                    injected_seen += 1;
                    assert!(!p && exact, "{ids:?}");
                }
                proved += p as usize;
                let (dx, dy) = ((rng.unit() - 0.5) * 4e-5, (rng.unit() - 0.5) * 4e-5);
                let moved = b.map_coords(|c| geo::Coord {
                    x: c.x + dx,
                    y: c.y + dy,
                });
                if proven_disjoint(a, &moved, &mut buf) {
                    nudged_proved += 1;
                    assert!(!overlaps_exactly(a, &moved), "{ids:?} nudged");
                } else {
                    nudged_overlap += 1;
                }
            }
            assert_eq!(injected_seen, truth.overlaps.len());
            // The proof settles almost every pair of the fabric, and is exercised both ways
            // on the nudged pairs.
            assert!(proved * 100 > pairs * 95, "{proved} of {pairs}");
            assert!(
                nudged_proved > 100 && nudged_overlap > 100,
                "{nudged_proved} {nudged_overlap}"
            );
        }
    }
}
