//! The overlap prefilter: separating edges and convex clipping, and why it is sound.

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::{Coord, MultiPolygon};

use super::ear_clip::ear_clip;
use super::*;
use crate::geom::ring::single_ring_vertices;

/// `Some(true)` when `g` is a single convex ring turning counter-clockwise, `Some(false)` when
/// clockwise, `None` when it is not one convex ring (holes, several parts, a reflex or
/// doubled-back vertex, fewer than three distinct vertices, a ring winding twice).
///
/// Not geo's `IsConvex`: the prefilter's soundness (the note in `overlaps.rs`) needs a ring
/// that encloses a convex set with a non-empty inside, so this test also rejects non-finite
/// coordinates, rings with fewer than three distinct vertices and all-collinear rings, which
/// `IsConvex::convex_orientation` accepts as `Orientation::Collinear`, and it rejects doubling
/// back explicitly rather than through `allow_collinear` (the unit test
/// `convexity_is_decided_exactly` shows where the two agree and where they differ).
pub(crate) fn convex_orientation(g: &MultiPolygon<f64>) -> Option<bool> {
    let pts = single_ring_vertices(g)?;
    let n = pts.len();
    let mut turn: Option<Orientation> = None;
    // Sign changes of the edge directions' x and y components around the ring: two each for a
    // convex ring, more for a ring that winds more than once.
    let (mut sx, mut sy, mut cx, mut cy) = (0.0f64, 0.0f64, 0, 0);
    for k in 0..n {
        let (a, b, c) = (pts[k], pts[(k + 1) % n], pts[(k + 2) % n]);
        match RobustKernel::orient2d(a, b, c) {
            Orientation::Collinear => {
                // Straight on is fine, doubling back is not.
                let (u, v) = (b - a, c - b);
                if u.x * v.x + u.y * v.y <= 0.0 {
                    return None;
                }
            }
            o => match turn {
                None => turn = Some(o),
                Some(t) if t != o => return None,
                _ => {}
            },
        }
        let d = b - a;
        for (comp, last, count) in [(d.x, &mut sx, &mut cx), (d.y, &mut sy, &mut cy)] {
            if comp != 0.0 {
                if *last != 0.0 && (comp > 0.0) != (*last > 0.0) {
                    *count += 1;
                }
                *last = comp;
            }
        }
    }
    // The wrap-around change between the last and the first nonzero component.
    let first_dx = (0..n)
        .map(|k| pts[(k + 1) % n].x - pts[k].x)
        .find(|&d| d != 0.0);
    let first_dy = (0..n)
        .map(|k| pts[(k + 1) % n].y - pts[k].y)
        .find(|&d| d != 0.0);
    if first_dx.is_some_and(|f| (f > 0.0) != (sx > 0.0)) {
        cx += 1;
    }
    if first_dy.is_some_and(|f| (f > 0.0) != (sy > 0.0)) {
        cy += 1;
    }
    if cx > 2 || cy > 2 {
        return None;
    }
    turn.map(|t| t == Orientation::CounterClockwise)
}

/// Whether an edge line of the convex ring `a` (counter-clockwise when `ccw`) has every vertex
/// of `b` on its closed outer side: then the interiors of `a` and `b` are disjoint.
pub(crate) fn separated(a: &MultiPolygon<f64>, ccw: bool, b: &MultiPolygon<f64>) -> bool {
    let inner = if ccw {
        Orientation::CounterClockwise
    } else {
        Orientation::Clockwise
    };
    let ring = &a.0[0].exterior().0;
    // Plain loops (not iterator chains): this runs for millions of candidate pairs. A ring's
    // closing vertex repeats its first, so it is skipped.
    'edges: for w in ring.windows(2) {
        if w[0] == w[1] {
            continue;
        }
        for p in &b.0 {
            for r in rings(p) {
                let c = &r.0;
                for &v in &c[..c.len().saturating_sub(1)] {
                    if RobustKernel::orient2d(w[0], w[1], v) == inner {
                        continue 'edges;
                    }
                }
            }
        }
        return true;
    }
    false
}

/// Scratch space for [`convex_clip_area_m2`].
#[derive(Default)]
pub(crate) struct ClipBuffers {
    a: Vec<[f64; 2]>,
    b: Vec<[f64; 2]>,
    clip: Vec<[f64; 2]>,
}

/// The area in m² (local planar metric, see the soundness note above) of `subject` ∩ `convex`,
/// where `convex` is a single convex ring, counter-clockwise when `ccw`.
pub(crate) fn convex_clip_area_m2(
    convex: &MultiPolygon<f64>,
    ccw: bool,
    subject: &MultiPolygon<f64>,
    buf: &mut ClipBuffers,
) -> f64 {
    ring_clip_area_m2(&convex.0[0].exterior().0, ccw, subject, buf)
}

/// [`convex_clip_area_m2`] for a convex ring given as its vertices (closed or not).
fn ring_clip_area_m2(
    ring: &[Coord<f64>],
    ccw: bool,
    subject: &MultiPolygon<f64>,
    buf: &mut ClipBuffers,
) -> f64 {
    let o = ring[0];
    // Local east/north metres at o (WGS84 radii of curvature).
    let (kx, ky) = metres_per_degree(o.y);
    clip_area_in_frame(o, kx, ky, ring, ccw, subject, buf)
}

/// [`ring_clip_area_m2`] in the local frame with origin `o` and `kx`, `ky` metres a degree
/// east and north.
fn clip_area_in_frame(
    o: Coord<f64>,
    kx: f64,
    ky: f64,
    ring: &[Coord<f64>],
    ccw: bool,
    subject: &MultiPolygon<f64>,
    buf: &mut ClipBuffers,
) -> f64 {
    let local = |c: &Coord<f64>| [(c.x - o.x) * kx, (c.y - o.y) * ky];
    buf.clip.clear();
    for c in ring {
        let p = local(c);
        if buf.clip.last() != Some(&p) {
            buf.clip.push(p);
        }
    }
    // Closed, so that every edge clips (a triangle comes open).
    if let Some(&first) = buf.clip.first()
        && buf.clip.last() != Some(&first)
    {
        buf.clip.push(first);
    }
    // Inside is on the left of each edge for a counter-clockwise clip ring.
    let side = if ccw { 1.0 } else { -1.0 };
    let mut total = 0.0;
    for part in &subject.0 {
        for (k, r) in rings(part).enumerate() {
            buf.a.clear();
            buf.a.extend(r.0.iter().map(local));
            let own = shoelace(&buf.a);
            if own == 0.0 {
                continue;
            }
            for e in buf.clip.windows(2) {
                clip_to_edge(&mut buf.a, &mut buf.b, e[0], e[1], side);
                if buf.a.is_empty() {
                    break;
                }
            }
            let clipped = shoelace(&buf.a);
            // A shell adds its region, a hole takes its region away, whatever their windings.
            total += if k == 0 { own.signum() } else { -own.signum() } * clipped;
        }
    }
    total
}

/// Clips the ring `a` (closed or open) to the closed half-plane on the left of `p → q` (on the
/// right when `side` is -1), Sutherland–Hodgman; `b` is scratch space.
fn clip_to_edge(a: &mut Vec<[f64; 2]>, b: &mut Vec<[f64; 2]>, p: [f64; 2], q: [f64; 2], side: f64) {
    let (ux, uy) = (q[0] - p[0], q[1] - p[1]);
    let d = |c: &[f64; 2]| side * (ux * (c[1] - p[1]) - uy * (c[0] - p[0]));
    b.clear();
    let m = a.len();
    for t in 0..m {
        let (s, e) = (a[(t + m - 1) % m], a[t]);
        let (ds, de) = (d(&s), d(&e));
        if (ds < 0.0) != (de < 0.0) {
            let u = ds / (ds - de);
            b.push([s[0] + (e[0] - s[0]) * u, s[1] + (e[1] - s[1]) * u]);
        }
        if de >= 0.0 {
            b.push(e);
        }
    }
    std::mem::swap(a, b);
}

/// Signed shoelace area of a ring (closed or open).
fn shoelace(pts: &[[f64; 2]]) -> f64 {
    let m = pts.len();
    if m < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for t in 0..m {
        let (p, q) = (pts[t], pts[(t + 1) % m]);
        s += p[0] * q[1] - q[0] * p[1];
    }
    0.5 * s
}

/// The convex hull of the shells of `g` (every part), counter-clockwise, without collinear
/// vertices, into `out` (Andrew's monotone chain with exact orientation predicates, so the hull
/// holds every vertex of `g` exactly), closed; fewer than four points when `g` has no area.
fn convex_hull(g: &MultiPolygon<f64>, pts: &mut Vec<Coord<f64>>, out: &mut Vec<Coord<f64>>) {
    pts.clear();
    pts.extend(g.0.iter().flat_map(|p| p.exterior().0.iter().copied()));
    pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
    pts.dedup();
    out.clear();
    if pts.len() < 3 {
        return;
    }
    let left = |a: Coord<f64>, b: Coord<f64>, c: Coord<f64>| {
        RobustKernel::orient2d(a, b, c) == Orientation::CounterClockwise
    };
    // Lower chain west to east, then upper chain east to west.
    for pass in 0..2 {
        let start = out.len();
        let it: Box<dyn Iterator<Item = &Coord<f64>>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in it {
            while out.len() >= start + 2 && !left(out[out.len() - 2], out[out.len() - 1], p) {
                out.pop();
            }
            out.push(p);
        }
        out.pop(); // the chain's last point starts the other chain
    }
    if out.len() >= 3 {
        out.push(out[0]);
    }
}

/// Scratch space for [`overlap_bound_m2`].
#[derive(Default)]
pub(crate) struct BoundBuffers {
    pts: Vec<Coord<f64>>,
    hull: Vec<Coord<f64>>,
    tris: Vec<[Coord<f64>; 3]>,
    all_tris: Vec<[Coord<f64>; 3]>,
    work: Vec<u32>,
    /// The subject's rings clipped to the common box, one after another, and each ring's
    /// range and weight (+1 for a region counted, -1 for one taken away).
    sub: Vec<[f64; 2]>,
    sub_rings: Vec<(usize, usize, f64)>,
    clip: ClipBuffers,
}

/// Metres a degree of longitude and of latitude at latitude `lat` (WGS84 radii of curvature).
fn metres_per_degree(lat: f64) -> (f64, f64) {
    let (a_axis, e2) = (crate::geodesy::WGS84_A, crate::geodesy::WGS84_E2);
    let (sin, cos) = lat.to_radians().sin_cos();
    let w = 1.0 - e2 * sin * sin;
    let n = a_axis / w.sqrt();
    ((n * cos).to_radians(), (n * (1.0 - e2) / w).to_radians())
}

/// The part `[t0, t1]` of segment `p0 → p1` inside the closed box `r` (`[min_x, min_y, max_x,
/// max_y]`), as fractions of the way from `p0` (Liang–Barsky), grown by a relative 1e-9 on
/// each side for rounding; `None` when the segment misses the box.
fn clip_to_box(p0: Coord<f64>, p1: Coord<f64>, r: [f64; 4]) -> Option<(f64, f64)> {
    let (dx, dy) = (p1.x - p0.x, p1.y - p0.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, p0.x - r[0]),
        (dx, r[2] - p0.x),
        (-dy, p0.y - r[1]),
        (dy, r[3] - p0.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return None;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    (t0 <= t1).then(|| ((t0 - 1e-9).max(0.0), (t1 + 1e-9).min(1.0)))
}

/// An upper bound, in m², of the geodesic area allot's exact path would give the overlap of
/// the valid polygons `a` and `b` (any shapes), whose shells' boxes have the common part `r`;
/// infinite when no bound is found.
///
/// Why it bounds. The planar area (in the local metric) of `a ∩ b` is found exactly when the
/// shells of one of them can be cut into triangles ([`triangulated_overlap_m2`]); otherwise
/// `a` lies inside its convex hull, so `a ∩ b` lies inside `hull(a) ∩ b`, whose planar area is
/// the clip of `b` against the hull (as in [`convex_clip_area_m2`]); likewise with the roles
/// swapped, and the smaller is taken. That planar area, grown by 1 %, plus the margins of
/// [`overlap_margins_m2`] for the geodesic edges and the engine's snapping, bounds the exact
/// path's area.
pub(crate) fn overlap_bound_m2(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
    r: [f64; 4],
    buf: &mut BoundBuffers,
) -> f64 {
    let margins = overlap_margins_m2(a, b, r);
    if !margins.is_finite() {
        return f64::INFINITY;
    }
    let planar = match triangulated_overlap_m2(a, b, r, buf) {
        Some(area) => area,
        None => {
            let mut planar = f64::INFINITY;
            for (g, other) in [(a, b), (b, a)] {
                convex_hull(g, &mut buf.pts, &mut buf.hull);
                if buf.hull.len() < 3 {
                    return f64::INFINITY;
                }
                let clip = ring_clip_area_m2(&buf.hull, true, other, &mut buf.clip);
                planar = planar.min(clip.abs());
            }
            planar
        }
    };
    planar.abs() * 1.01 + margins
}

/// What the exact path's geodesic area of the overlap of the valid polygons `a` and `b`
/// (shells' boxes meeting in `r`) can exceed the overlap's planar area in the local metric
/// (grown by 1 %) by, in m²: infinite at latitudes above 80°.
///
/// The local metric differs from the geodesic one by a factor within 1 ± 1e-3 for parcels
/// under 5 km (the note in `overlaps.rs`), counted as 1 % by the caller. Each edge of the
/// shape, a piece of an edge of `a` or `b` inside `r`, bows away from its straight lon/lat
/// line by at most L²·|tan φ| / (8 R) over a length L, which encloses at most
/// L³·|tan φ| / (12 R); the pieces of one edge lie in its part inside `r` (the shape lies in
/// `r`), so their lengths sum to at most that part's length L_r, and the sum over the edges of
/// `a` and `b` meeting `r` of L_r³·|tan φ| / (4 R), with R = 6,300 km and φ the box's largest
/// latitude, is three times that margin. (An estate's edge of 500 m beside a plot 20 m wide
/// counts 20 m, not 500 m: its full length made the margin alone exceed the sliver
/// threshold.) Snapping to the engine's grid (at most a 2²⁸th of the pair's extent) moves each
/// vertex by at most that, so the area by at most that times the perimeter, counted as the sum
/// of those parts' lengths (the shape's edges lie on them).
pub(crate) fn overlap_margins_m2(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>, r: [f64; 4]) -> f64 {
    let lat = r[1].abs().max(r[3].abs());
    if lat > 80.0 {
        return f64::INFINITY;
    }
    // Metres a degree, at least (the equator's east-west, the box's highest latitude's
    // north-south), grown by 1 %.
    let kx = metres_per_degree(0.0).0 * 1.01;
    let ky = metres_per_degree(lat).1 * 1.01;
    let tan = lat.to_radians().tan();
    let (mut bow, mut perimeter) = (0.0, 0.0);
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for g in [a, b] {
        for p in &g.0 {
            for c in &p.exterior().0 {
                lo = [lo[0].min(c.x), lo[1].min(c.y)];
                hi = [hi[0].max(c.x), hi[1].max(c.y)];
            }
        }
    }
    // The shape lies inside r (both boxes hold it), up to snapping (a vertex moves by at most
    // a 2²⁸th of the extent): only the part of an edge inside r, so grown, carries its edges.
    let grow = (hi[0] - lo[0]).max(hi[1] - lo[1]) / (1u64 << 27) as f64;
    let rg = [r[0] - grow, r[1] - grow, r[2] + grow, r[3] + grow];
    for g in [a, b] {
        for p in &g.0 {
            for ring in rings(p) {
                for w in ring.0.windows(2) {
                    let (p0, p1) = (w[0], w[1]);
                    let Some((t0, t1)) = clip_to_box(p0, p1, rg) else {
                        continue;
                    };
                    let l = ((p1.x - p0.x) * kx).hypot((p1.y - p0.y) * ky) * (t1 - t0);
                    bow += l * l * l * tan / (4.0 * 6.3e6);
                    perimeter += l;
                }
            }
        }
    }
    let extent_m = ((hi[0] - lo[0]) * kx).max((hi[1] - lo[1]) * ky);
    let snapping = extent_m / (1u64 << 28) as f64 * perimeter;
    let margins = bow + snapping;
    if margins.is_finite() {
        margins
    } else {
        f64::INFINITY
    }
}

/// The planar area, in the local metric at `r`'s south-west corner, of `a ∩ b` for valid
/// polygons whose shells' boxes meet in `r`: the shells of the one with fewer vertices (it
/// must have no holes) are cut into triangles ([`triangles`]), which tile it (parts of a valid
/// multipolygon have disjoint interiors, so their triangles tile it too); the other is clipped
/// to `r` (which holds `a ∩ b`) and then against each triangle meeting `r`, as in
/// [`convex_clip_area_m2`] (the clipped winding-number integral, exact for any valid
/// subject), and the clipped areas are summed. `None` when neither polygon is hole-free with
/// shells the ear clipping accepts.
pub(crate) fn triangulated_overlap_m2(
    a: &MultiPolygon<f64>,
    b: &MultiPolygon<f64>,
    r: [f64; 4],
    buf: &mut BoundBuffers,
) -> Option<f64> {
    let size = |g: &MultiPolygon<f64>| g.0.iter().map(|p| p.exterior().0.len()).sum::<usize>();
    let (first, second) = if size(a) <= size(b) { (a, b) } else { (b, a) };
    let subject = [(first, second), (second, first)]
        .into_iter()
        .find_map(|(t, subject)| triangles(t, buf).then_some(subject))?;
    let o = Coord { x: r[0], y: r[1] };
    let (kx, ky) = metres_per_degree(0.5 * (r[1] + r[3]));
    let local = |c: &Coord<f64>| [(c.x - o.x) * kx, (c.y - o.y) * ky];
    let BoundBuffers {
        all_tris,
        sub,
        sub_rings,
        clip,
        ..
    } = buf;
    // The subject clipped to the common box first (the overlap lies inside it, so this
    // changes no triangle's clipped area), so that each triangle clips a few vertices, not an
    // estate's hundreds.
    let (w, h) = ((r[2] - r[0]) * kx, (r[3] - r[1]) * ky);
    let corners = [[0.0, 0.0], [w, 0.0], [w, h], [0.0, h]];
    sub.clear();
    sub_rings.clear();
    for part in &subject.0 {
        for (k, ring) in rings(part).enumerate() {
            clip.a.clear();
            clip.a.extend(ring.0.iter().map(local));
            let own = shoelace(&clip.a);
            if own == 0.0 {
                continue;
            }
            for e in 0..4 {
                clip_to_edge(
                    &mut clip.a,
                    &mut clip.b,
                    corners[e],
                    corners[(e + 1) % 4],
                    1.0,
                );
                if clip.a.is_empty() {
                    break;
                }
            }
            if clip.a.len() >= 3 {
                let start = sub.len();
                sub.extend_from_slice(&clip.a);
                // A shell adds its region, a hole takes its region away, whatever their
                // windings.
                let weight = if k == 0 { own.signum() } else { -own.signum() };
                sub_rings.push((start, sub.len(), weight));
            }
        }
    }
    let mut total = 0.0;
    for tri in all_tris.iter() {
        let meets = |k: usize, lo: f64, hi: f64| {
            let v = |c: &Coord<f64>| if k == 0 { c.x } else { c.y };
            tri.iter().map(v).fold(f64::INFINITY, f64::min) <= hi
                && tri.iter().map(v).fold(f64::NEG_INFINITY, f64::max) >= lo
        };
        if !(meets(0, r[0], r[2]) && meets(1, r[1], r[3])) {
            continue;
        }
        let t = [local(&tri[0]), local(&tri[1]), local(&tri[2])];
        for &(start, end, weight) in sub_rings.iter() {
            clip.a.clear();
            clip.a.extend_from_slice(&sub[start..end]);
            for e in 0..3 {
                clip_to_edge(&mut clip.a, &mut clip.b, t[e], t[(e + 1) % 3], 1.0);
                if clip.a.is_empty() {
                    break;
                }
            }
            total += weight * shoelace(&clip.a);
        }
    }
    Some(total.max(0.0))
}

/// Cuts every shell of `g` into triangles ([`ear_clip`]) into `buf.all_tris`, each
/// counter-clockwise; `false` when `g` has a hole or a shell the ear clipping refuses.
fn triangles(g: &MultiPolygon<f64>, buf: &mut BoundBuffers) -> bool {
    buf.all_tris.clear();
    if g.0.iter().any(|p| !p.interiors().is_empty()) {
        return false;
    }
    for p in &g.0 {
        buf.pts.clear();
        for &c in &p.exterior().0 {
            if buf.pts.last() != Some(&c) {
                buf.pts.push(c);
            }
        }
        if buf.pts.len() > 1 && buf.pts.first() == buf.pts.last() {
            buf.pts.pop();
        }
        // Counter-clockwise for the ear clipping (a clockwise ring is refused by it, so a
        // wrong sign here can only give up, never mislead).
        let twice: f64 = (0..buf.pts.len())
            .map(|k| {
                let (u, v) = (buf.pts[k], buf.pts[(k + 1) % buf.pts.len()]);
                u.x * v.y - v.x * u.y
            })
            .sum();
        if twice < 0.0 {
            buf.pts.reverse();
        }
        if !ear_clip(&buf.pts, &mut buf.tris, &mut buf.work) {
            return false;
        }
        buf.all_tris.extend_from_slice(&buf.tris);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BooleanOps, polygon};

    #[test]
    fn clip_to_box_is_the_part_inside() {
        let c = |x: f64, y: f64| Coord { x, y };
        let (t0, t1) = clip_to_box(c(0.0, 0.0), c(10.0, 0.0), [2.0, -1.0, 5.0, 1.0]).unwrap();
        assert!(
            (t0 - 0.2).abs() < 1e-8 && (t1 - 0.5).abs() < 1e-8,
            "{t0} {t1}"
        );
        // Diagonal through a corner region, and a miss.
        let (t0, t1) = clip_to_box(c(0.0, 0.0), c(4.0, 4.0), [1.0, 2.0, 3.0, 5.0]).unwrap();
        assert!(
            (t0 - 0.5).abs() < 1e-8 && (t1 - 0.75).abs() < 1e-8,
            "{t0} {t1}"
        );
        assert!(clip_to_box(c(0.0, 3.0), c(10.0, 3.0), [2.0, -1.0, 5.0, 1.0]).is_none());
    }

    /// A 20 m plot overlapping an estate's 500 m edge by a hairline (1e-9° ≈ 0.1 mm): the bound
    /// counts the 20 m of the edge inside the common box, not its 500 m, whose bow margin alone
    /// (500³·tan 24.8° / 4R ≈ 2.3 m²) was over the sliver threshold; and it still holds the
    /// exact overlap.
    #[test]
    fn a_long_edge_counts_only_its_part_in_the_common_box() {
        let a = MultiPolygon(vec![polygon![
            (x: 67.300, y: 24.8000), (x: 67.305, y: 24.8000),
            (x: 67.305, y: 24.8027), (x: 67.300, y: 24.8027)
        ]]);
        let lo = 24.8027 - 1e-9;
        let b = MultiPolygon(vec![polygon![
            (x: 67.3010, y: lo), (x: 67.3012, y: lo),
            (x: 67.3012, y: 24.8029), (x: 67.3010, y: 24.8029)
        ]]);
        let r = [67.3010, lo, 67.3012, 24.8027];
        let bound = overlap_bound_m2(&a, &b, r, &mut BoundBuffers::default());
        let exact = crate::geodesy::area_m2(&a.intersection(&b));
        assert!(exact > 0.001 && exact < 0.01, "{exact}");
        assert!(bound >= exact && bound < 0.05, "{bound} vs {exact}");
    }
}
