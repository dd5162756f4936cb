//! Splitting a parcel with a straight cut so that one piece has an exact area.
//!
//! A cut is a line `n · (lon, lat) = d` crossing the parcel's exterior ring exactly twice. The
//! two crossing points are placed on the *geodesic* of the edge they cut (at the fraction where
//! the line crosses it), so each piece's edges follow the parent's geodesics exactly and the
//! pieces' geodesic areas add up to the parent's to rounding. Both pieces use the very same two
//! points for the cut edge, so they share it exactly: no overlap, no sliver between them. The
//! points are also inserted into the rings of the neighbours that share the cut edges
//! ([`insert_vertex`]), so the pieces share whole edges with them (a cut end left between a
//! neighbour's vertices, as a T-junction, made the pieces overlap that neighbour). The offset `d` is found by
//! bisection on the geodesic area of the wanted side.

use geo::{Area, Coord, Geodesic, InterpolatePoint, LineString, MultiPolygon, Point, Polygon};

use crate::geodesy::{perimeter_m, polsby_popper, polygon_area_m2};
use crate::geom::boolops;
use crate::geom::segment::projection_t;

/// A candidate cut: the piece with the wanted area, the rest, and the two cut points.
#[derive(Debug, Clone)]
pub struct Cut {
    /// The piece with the requested area.
    pub piece: Polygon<f64>,
    /// The rest of the parent.
    pub rest: Polygon<f64>,
    /// The cut's two end points (on the parent's boundary).
    pub points: [Coord<f64>; 2],
}

/// Low side, high side, cut points.
type Sides = (Polygon<f64>, Polygon<f64>, [Coord<f64>; 2]);

/// Cuts a hole-free ring at `n · x = d`; returns (low side, high side) when the line crosses
/// the ring exactly twice and no vertex lies on it.
fn cut_at(ring: &[Coord<f64>], n: [f64; 2], d: f64) -> Option<Sides> {
    let m = ring.len() - 1; // closed ring: last == first
    if m < 3 {
        return None;
    }
    let f: Vec<f64> = ring[..m]
        .iter()
        .map(|c| n[0] * c.x + n[1] * c.y - d)
        .collect();
    if f.contains(&0.0) {
        return None;
    }
    let mut crossings = Vec::new();
    for k in 0..m {
        let k1 = (k + 1) % m;
        if (f[k] < 0.0) != (f[k1] < 0.0) {
            crossings.push(k);
        }
    }
    if crossings.len() != 2 {
        return None;
    }
    let point = |k: usize| {
        let k1 = (k + 1) % m;
        let t = f[k] / (f[k] - f[k1]);
        let p = Geodesic.point_at_ratio_between(Point::from(ring[k]), Point::from(ring[k1]), t);
        p.0
    };
    let (k1, k2) = (crossings[0], crossings[1]);
    let x1 = point(k1);
    let x2 = point(k2);
    // Piece A: x1, v[k1+1..=k2], x2. Piece B: x2, v[k2+1..m], v[0..=k1], x1.
    let mut a = vec![x1];
    a.extend_from_slice(&ring[k1 + 1..=k2]);
    a.push(x2);
    a.push(x1);
    let mut b = vec![x2];
    b.extend_from_slice(&ring[k2 + 1..m]);
    b.extend_from_slice(&ring[..=k1]);
    b.push(x1);
    b.push(x2);
    let pa = Polygon::new(LineString(a), vec![]);
    let pb = Polygon::new(LineString(b), vec![]);
    if f[(k1 + 1) % m] < 0.0 {
        Some((pa, pb, [x1, x2]))
    } else {
        Some((pb, pa, [x1, x2]))
    }
}

/// Directions to try, as normals in the lon/lat plane: parallel and perpendicular to each
/// exterior edge (perpendicular measured on the ground, not in degrees), then parallel to the
/// chord across each corner (from the vertex before it to the vertex after it), which cuts
/// the corner off as a triangle: the compact piece when the wanted area is a small share of
/// the parcel, where a cut parallel to an edge leaves a thin strip.
fn directions(ring: &[Coord<f64>]) -> Vec<[f64; 2]> {
    let lat0 = ring.iter().map(|c| c.y).sum::<f64>() / ring.len().max(1) as f64;
    let kx = lat0.to_radians().cos();
    let mut out: Vec<[f64; 2]> = Vec::new();
    let m = ring.len().saturating_sub(1);
    let edges = ring.windows(2).map(|w| [w[0], w[1]]);
    let chords = (0..m).map(|k| [ring[(k + m - 1) % m], ring[(k + 1) % m]]);
    for (i, w) in edges.chain(chords).enumerate() {
        let corner = i >= m;
        let e = [(w[1].x - w[0].x) * kx, w[1].y - w[0].y];
        let len = (e[0] * e[0] + e[1] * e[1]).sqrt();
        if len == 0.0 {
            continue;
        }
        let e = [e[0] / len, e[1] / len];
        let normals: &[[f64; 2]] = if corner {
            &[[-e[1], e[0]]]
        } else {
            &[[-e[1], e[0]], e]
        };
        for &nm in normals {
            // Normal in metric space → lon/lat coefficients.
            let mut n = [nm[0] * kx, nm[1]];
            if n[0] < 0.0 || (n[0] == 0.0 && n[1] < 0.0) {
                n = [-n[0], -n[1]];
            }
            let l = (n[0] * n[0] + n[1] * n[1]).sqrt();
            let n = [n[0] / l, n[1] / l];
            if !out.iter().any(|o| (o[0] * n[1] - o[1] * n[0]).abs() < 1e-6) {
                out.push(n);
            }
        }
    }
    out
}

/// Every straight cut of `parent` (one part, no holes) whose wanted piece has `area_m2`
/// (geodesic, to 0.05 m²), over a set of directions and both sides. Pieces that are slivers
/// (Polsby-Popper below `min_pp`) are left out.
///
/// ```
/// use geo::polygon;
/// let sq = polygon![(x: 67.0, y: 24.8), (x: 67.01, y: 24.8), (x: 67.01, y: 24.81), (x: 67.0, y: 24.81)];
/// let whole = allot::geodesy::polygon_area_m2(&sq);
/// let cuts = allot::plan::split::cuts_with_area(&sq, whole * 0.3, 0.05);
/// assert!(!cuts.is_empty());
/// for c in &cuts {
///     let a = allot::geodesy::polygon_area_m2(&c.piece);
///     let b = allot::geodesy::polygon_area_m2(&c.rest);
///     assert!((a - whole * 0.3).abs() < 0.05);
///     assert!(((a + b) - whole).abs() / whole < 1e-9);
/// }
/// ```
pub fn cuts_with_area(parent: &Polygon<f64>, area_m2: f64, min_pp: f64) -> Vec<Cut> {
    let ring = &parent.exterior().0;
    if !parent.interiors().is_empty() || ring.len() < 4 {
        return Vec::new();
    }
    let total = polygon_area_m2(parent);
    if !(area_m2 > 0.0 && area_m2 < total) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for n in directions(ring) {
        let fs: Vec<f64> = ring.iter().map(|c| n[0] * c.x + n[1] * c.y).collect();
        let fmin = fs.iter().copied().fold(f64::INFINITY, f64::min);
        let fmax = fs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        for want_low in [true, false] {
            // Area of the wanted side grows with d for the low side, shrinks for the high side.
            let side_area = |d: f64| -> Option<(f64, Cut)> {
                let (lo, hi, pts) = cut_at(ring, n, d)?;
                let (piece, rest) = if want_low { (lo, hi) } else { (hi, lo) };
                Some((
                    polygon_area_m2(&piece),
                    Cut {
                        piece,
                        rest,
                        points: pts,
                    },
                ))
            };
            // Bisection on the offset between `a` and `b`: the cut, or whether a line between
            // them crossed the ring other than twice (a concave parcel).
            let bisect = |mut a: f64, mut b: f64| -> (Option<Cut>, bool) {
                for _ in 0..200 {
                    let mid = 0.5 * (a + b);
                    if mid <= a || mid >= b {
                        break;
                    }
                    let Some((area, cut)) = side_area(mid) else {
                        return (None, true);
                    };
                    let err = area - area_m2;
                    if err.abs() < 0.05 {
                        return (Some(cut), false);
                    }
                    if (err < 0.0) == want_low {
                        a = mid;
                    } else {
                        b = mid;
                    }
                }
                (None, false)
            };
            let (mut found, concave) = bisect(fmin, fmax);
            if found.is_none() && concave {
                // A line across the middle of a concave parcel (a U, an L) crosses it four
                // times, but near the wanted side's end it crosses twice, and there the wanted
                // piece grows steadily with the offset: bisect again over the offsets from that
                // end up to the first sampled one that does not cut the parcel in two (a corner
                // of a U cut off as a triangle).
                const SAMPLES: usize = 64;
                let at = |k: usize| {
                    let t = k as f64 / SAMPLES as f64;
                    if want_low {
                        fmin + (fmax - fmin) * t
                    } else {
                        fmax - (fmax - fmin) * t
                    }
                };
                let last = (1..SAMPLES)
                    .take_while(|&k| cut_at(ring, n, at(k)).is_some())
                    .last();
                if let Some(k) = last {
                    let (lo, hi) = if want_low {
                        (fmin, at(k + 1))
                    } else {
                        (at(k + 1), fmax)
                    };
                    found = bisect(lo, hi).0;
                }
            }
            if let Some(cut) = found {
                let pp = |p: &Polygon<f64>| {
                    polsby_popper(
                        polygon_area_m2(p),
                        perimeter_m(&MultiPolygon(vec![p.clone()])),
                    )
                };
                if pp(&cut.piece) >= min_pp && pp(&cut.rest) >= min_pp {
                    out.push(cut);
                }
            }
        }
    }
    out
}

/// Inserts `p` into the ring edge of `geom` it lies on, unless it is already a vertex. Returns
/// whether it was inserted. "On" allows for the bow of the geodesic between the edge's ends
/// (a cut point lies on the geodesic, the edge is straight in lon/lat), else about 5 mm
/// (5e-8°), and never more than 1e-6°: a point 3 cm past a short edge's end (a cut ending
/// beside a neighbour's corner, on the next parcel's edge) is not on that edge, and inserting
/// it there would push the neighbour 3 cm into the next parcel
/// (`tests/fixtures/qa/streets.geojson`, target 5 acres).
///
/// ```
/// use geo::{polygon, Coord, MultiPolygon};
/// let mut g = MultiPolygon(vec![polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)]]);
/// assert!(allot::plan::split::insert_vertex(&mut g, Coord { x: 0.5, y: 0.0 }));
/// assert_eq!(g.0[0].exterior().0.len(), 6);
/// assert!(!allot::plan::split::insert_vertex(&mut g, Coord { x: 0.5, y: 0.0 }));
/// ```
pub fn insert_vertex(geom: &mut MultiPolygon<f64>, p: Coord<f64>) -> bool {
    const TOL: f64 = 1e-6;
    const BOW: f64 = 0.003;
    const NEAR: f64 = 5e-8;
    let mut best: Option<(f64, usize, usize, usize)> = None; // (dist, polygon, ring, edge)
    for (pi, poly) in geom.0.iter().enumerate() {
        let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
        for (ri, ring) in rings.enumerate() {
            for (k, w) in ring.0.windows(2).enumerate() {
                if w[0] == p || w[1] == p {
                    return false;
                }
                let d = w[1] - w[0];
                let Some(t) = projection_t(p, w[0], w[1]) else {
                    continue;
                };
                if t <= 0.0 || t >= 1.0 {
                    continue;
                }
                let q = w[0] + d * t;
                let dist = ((p - q).x.powi(2) + (p - q).y.powi(2)).sqrt();
                // On the edge: within the bow of a geodesic between its ends (at most
                // 0.003·L² degrees for an edge L degrees long below 53° of latitude), or 5 mm.
                let tol = TOL.min((BOW * (d.x * d.x + d.y * d.y)).max(NEAR));
                if dist <= tol && best.is_none_or(|b| dist < b.0) {
                    best = Some((dist, pi, ri, k));
                }
            }
        }
    }
    let Some((_, pi, ri, k)) = best else {
        return false;
    };
    let poly = &mut geom.0[pi];
    let edit = |ring: &mut LineString<f64>| ring.0.insert(k + 1, p);
    if ri == 0 {
        poly.exterior_mut(edit);
    } else {
        poly.interiors_mut(|rs| edit(&mut rs[ri - 1]));
    }
    true
}

/// Checks that `a` and `b` tile `parent` cut at `points`: geodesic areas add up (relative
/// 1e-9), the pieces do not overlap, and their union is the parent with the cut points on its
/// edges (planar BooleanOps, to 1e-7 of its area: i_overlay snaps to a fine grid).
pub fn check_tiling(
    parent: &Polygon<f64>,
    a: &Polygon<f64>,
    b: &Polygon<f64>,
    points: [Coord<f64>; 2],
) -> Result<(), String> {
    let pa = polygon_area_m2(parent);
    let (aa, ab) = (polygon_area_m2(a), polygon_area_m2(b));
    if ((aa + ab) - pa).abs() > 1e-9 * pa {
        return Err(format!(
            "pieces' areas {aa} + {ab} m² differ from the parent's {pa} m²"
        ));
    }
    // The parent with the cut points inserted is the same geodesic polygon; in the lon/lat
    // plane its edges bend by the few millimetres a geodesic bows between its ends.
    let mut with_points = MultiPolygon(vec![parent.clone()]);
    for p in points {
        insert_vertex(&mut with_points, p);
    }
    let planar = with_points.unsigned_area();
    let failed = || "the boolean-operation engine failed on the pieces".to_string();
    let inter = boolops::intersection(a, b)
        .ok_or_else(failed)?
        .unsigned_area();
    if inter > 1e-9 * planar {
        return Err(format!(
            "pieces overlap ({:.3e} of the parent)",
            inter / planar
        ));
    }
    let union = boolops::union(a, b).ok_or_else(failed)?;
    let diff = boolops::difference(&with_points, &union)
        .ok_or_else(failed)?
        .unsigned_area()
        + boolops::difference(&union, &with_points)
            .ok_or_else(failed)?
            .unsigned_area();
    if diff > 1e-7 * planar {
        return Err(format!(
            "pieces' union differs from the parent ({:.3e} of its area)",
            diff / planar
        ));
    }
    Ok(())
}

/// Planar overlap area of two geometries as a fraction of the first's area (1.0, full
/// overlap, if the boolean-operation engine failed, so a caller never accepts an unchecked cut).
pub fn overlap_fraction(a: &Polygon<f64>, b: &MultiPolygon<f64>) -> f64 {
    let pa = a.unsigned_area();
    if pa == 0.0 {
        return 0.0;
    }
    boolops::intersection(a, b).map_or(1.0, |i| i.unsigned_area() / pa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    /// A cut point 3 cm east of a 63 m plot's north-east corner (on the next plot's edge, as
    /// a cut of the plot across the road from both ends there) is not on the plot's east edge,
    /// though within 1e-6° of its line; a point on that edge (1e-9° off, rounding) is.
    #[test]
    fn a_point_past_a_short_edges_end_is_not_inserted() {
        let plot = || {
            MultiPolygon(vec![polygon![(x: 67.360463755, y: 24.820070372),
                (x: 67.360582452, y: 24.820071674), (x: 67.360574133, y: 24.820703606),
                (x: 67.360455435, y: 24.820702304)]])
        };
        let mut g = plot();
        let past = Coord {
            x: 67.36057443015883,
            y: 24.820703609072634,
        };
        assert!(!insert_vertex(&mut g, past));
        assert_eq!(g, plot());
        let mid = Coord {
            x: 0.5 * (67.360582452 + 67.360574133) + 1e-9,
            y: 0.5 * (24.820071674 + 24.820703606),
        };
        assert!(insert_vertex(&mut g, mid));
        assert_eq!(g.0[0].exterior().0[2], mid);
    }

    #[test]
    fn cuts_a_concave_l_shape_only_where_the_line_crosses_twice() {
        // An L: 0.02 wide bottom bar, 0.01 wide upright.
        let l = polygon![(x: 67.0, y: 24.8), (x: 67.02, y: 24.8), (x: 67.02, y: 24.81),
            (x: 67.01, y: 24.81), (x: 67.01, y: 24.82), (x: 67.0, y: 24.82)];
        let whole = polygon_area_m2(&l);
        let cuts = cuts_with_area(&l, whole * 0.5, 0.05);
        assert!(!cuts.is_empty());
        for c in &cuts {
            check_tiling(&l, &c.piece, &c.rest, c.points).unwrap();
            assert!((polygon_area_m2(&c.piece) - whole * 0.5).abs() < 0.05);
        }
    }

    /// A U-shaped parcel (0.006° square less a 0.002° × 0.004° notch from the top): a line
    /// across its middle parallel to a corner's chord crosses both arms, four times, yet the
    /// corner itself can be cut off as a compact triangle of 1.79 acres. The bisection used to
    /// give up the direction at its first four-crossing line, leaving only thin strips.
    #[test]
    fn cuts_a_corner_off_a_u_shape() {
        let u = polygon![
            (x: 67.3, y: 24.8), (x: 67.306, y: 24.8), (x: 67.306, y: 24.806), (x: 67.304, y: 24.806),
            (x: 67.304, y: 24.802), (x: 67.302, y: 24.802), (x: 67.302, y: 24.806), (x: 67.3, y: 24.806)
        ];
        let whole = polygon_area_m2(&u);
        let want = 1.789032 * 4046.8564224;
        let cuts = cuts_with_area(&u, want, 0.05);
        let pp = |p: &Polygon<f64>| {
            polsby_popper(
                polygon_area_m2(p),
                perimeter_m(&MultiPolygon(vec![p.clone()])),
            )
        };
        for c in &cuts {
            assert!((polygon_area_m2(&c.piece) - want).abs() < 0.05);
            assert!(
                (polygon_area_m2(&c.piece) + polygon_area_m2(&c.rest) - whole).abs() < 1e-6 * whole
            );
        }
        let best = cuts.iter().map(|c| pp(&c.piece)).fold(0.0, f64::max);
        // A right triangle with equal legs has Polsby-Popper 0.539; a strip of this area along
        // an arm (0.002° by 0.00032°) about 0.2.
        assert!(best > 0.5, "best piece {best} of {} cuts", cuts.len());
    }

    #[test]
    fn cut_points_lie_on_the_parent_geodesic() {
        // A long east-west edge: its geodesic bows north of the straight lon/lat line; pieces
        // measured with points on the geodesic add up exactly.
        let r = polygon![(x: 67.0, y: 24.8), (x: 67.05, y: 24.8), (x: 67.05, y: 24.803), (x: 67.0, y: 24.803)];
        let whole = polygon_area_m2(&r);
        for f in [0.1, 0.37, 0.5, 0.81] {
            let cuts = cuts_with_area(&r, whole * f, 0.0);
            assert!(!cuts.is_empty());
            for c in &cuts {
                let s = polygon_area_m2(&c.piece) + polygon_area_m2(&c.rest);
                assert!((s - whole).abs() / whole < 1e-9, "{s} vs {whole}");
            }
        }
    }

    #[test]
    fn rejects_parcels_with_holes() {
        let outer =
            polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)];
        let hole = LineString(vec![
            Coord { x: 0.004, y: 0.004 },
            Coord { x: 0.006, y: 0.004 },
            Coord { x: 0.006, y: 0.006 },
            Coord { x: 0.004, y: 0.004 },
        ]);
        let p = Polygon::new(outer.exterior().clone(), vec![hole]);
        assert!(cuts_with_area(&p, 1000.0, 0.0).is_empty());
    }
}
