//! Corner lists of zone outlines, as a surveyor's pillar list: each ring's corners numbered
//! clockwise from its north-west corner, with the true bearing (geodesic azimuth) and the
//! geodesic length of the leg to the next corner.
//!
//! Rules, in order:
//! - a ring's closing point, repeated points (closer than [`MERGE_M`]) and points that lie on
//!   the straight line between their neighbours (off it by less than [`MERGE_M`]) are not
//!   corners: a dissolved zone has a vertex wherever two parcels met on its edge;
//! - every ring, shell and hole alike, is walked clockwise as seen from above (north up);
//! - a ring starts at its north-west corner: the corner nearest (in metres) the north-west
//!   corner of the ring's bounding box; the first such corner in ring order on a tie;
//! - numbering runs on through a zone: the first polygon's shell, its holes, then the next
//!   polygon (in the outline's order).

use geo::{Bearing, Coord, Geodesic, LineString, Point};

use crate::geodesy::{distance_m, metres_per_degree};
use crate::plan::outline::ZoneOutline;

/// Points closer than this (m), or off the line between their neighbours by less, are not
/// corners.
pub const MERGE_M: f64 = 0.001;

/// One corner of a zone boundary and the leg from it to the next corner of its ring.
#[derive(Debug, Clone, PartialEq)]
pub struct Corner {
    /// The zone.
    pub zone: String,
    /// 1-based polygon of the zone's outline.
    pub part: usize,
    /// 0 for the polygon's shell, k for its k-th hole.
    pub ring: usize,
    /// 1-based number within the zone.
    pub number: usize,
    /// Longitude and latitude (WGS84, degrees).
    pub lonlat: Coord<f64>,
    /// True bearing of the leg to the next corner: the geodesic's forward azimuth, degrees
    /// clockwise from north in [0, 360).
    pub bearing_deg: f64,
    /// Geodesic length of the leg to the next corner, m.
    pub length_m: f64,
    /// Number of the next corner (the ring's first after its last).
    pub next: usize,
}

/// The corners of one closed ring, clockwise from its north-west corner (see the module's
/// rules); fewer than three corners for a degenerate ring.
///
/// ```
/// use geo::line_string;
/// // A counter-clockwise square with a point halfway along its south side.
/// let ring = line_string![(x: 67.0, y: 24.0), (x: 67.005, y: 24.0), (x: 67.01, y: 24.0),
///     (x: 67.01, y: 24.01), (x: 67.0, y: 24.01), (x: 67.0, y: 24.0)];
/// let c = allot::plan::corners::ring_corners(&ring);
/// let xy: Vec<(f64, f64)> = c.iter().map(|c| (c.x, c.y)).collect();
/// assert_eq!(xy, [(67.0, 24.01), (67.01, 24.01), (67.01, 24.0), (67.0, 24.0)]);
/// ```
pub fn ring_corners(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut pts: Vec<Coord<f64>> = ring.0.clone();
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    if pts.is_empty() {
        return pts;
    }
    // Local metres around the first point: enough to judge millimetres on a zone's scale.
    let origin = pts[0];
    let (mx, my) = metres_per_degree(origin.y);
    let local = |c: Coord<f64>| ((c.x - origin.x) * mx, (c.y - origin.y) * my);
    let apart = |p: Coord<f64>, q: Coord<f64>| {
        let (a, b) = (local(p), local(q));
        (a.0 - b.0).hypot(a.1 - b.1) >= MERGE_M
    };
    // Repeated points first, so that the straight-line test always has two distinct ends.
    let mut distinct: Vec<Coord<f64>> = Vec::with_capacity(pts.len());
    for &p in &pts {
        if distinct.last().is_none_or(|&q| apart(p, q)) {
            distinct.push(p);
        }
    }
    while distinct.len() > 1 && !apart(distinct[0], distinct[distinct.len() - 1]) {
        distinct.pop();
    }
    pts = distinct;
    loop {
        let n = pts.len();
        if n < 3 {
            return pts;
        }
        let mut kept: Vec<Coord<f64>> = Vec::with_capacity(n);
        for i in 0..n {
            let a = local(*kept.last().unwrap_or(&pts[(i + n - 1) % n]));
            let b = local(pts[i]);
            let c = local(pts[(i + 1) % n]);
            if !passes_straight(a, b, c) {
                kept.push(pts[i]);
            }
        }
        if kept.len() == n {
            break;
        }
        pts = kept;
    }
    // Clockwise: the shoelace sum is negative (x east, y north).
    let twice_area: f64 = (0..pts.len())
        .map(|i| {
            let (p, q) = (pts[i], pts[(i + 1) % pts.len()]);
            p.x * q.y - q.x * p.y
        })
        .sum();
    if twice_area > 0.0 {
        pts.reverse();
    }
    let west = pts.iter().map(|c| c.x).fold(f64::INFINITY, f64::min);
    let north = pts.iter().map(|c| c.y).fold(f64::NEG_INFINITY, f64::max);
    let d2 = |c: &Coord<f64>| ((c.x - west) * mx).powi(2) + ((north - c.y) * my).powi(2);
    let mut start = 0;
    for (i, c) in pts.iter().enumerate() {
        if d2(c) < d2(&pts[start]) {
            start = i;
        }
    }
    pts.rotate_left(start);
    pts
}

/// Whether `b` is no corner between `a` and `c` (local metres): within [`MERGE_M`] of the
/// segment a–c and between its ends.
fn passes_straight(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> bool {
    let (ux, uy) = (c.0 - a.0, c.1 - a.1);
    let (vx, vy) = (b.0 - a.0, b.1 - a.1);
    let len = ux.hypot(uy);
    if len < MERGE_M {
        return false;
    }
    let off = (ux * vy - uy * vx).abs() / len;
    let along = (ux * vx + uy * vy) / (len * len);
    off < MERGE_M && (0.0..=1.0).contains(&along)
}

/// The corner list of every zone outline, in outline order.
pub fn corners(outlines: &[ZoneOutline]) -> Vec<Corner> {
    let mut out = Vec::new();
    for o in outlines {
        let mut number = 0;
        for (part, poly) in o.boundary.0.iter().enumerate() {
            let rings = std::iter::once(poly.exterior()).chain(poly.interiors());
            for (ring, ls) in rings.enumerate() {
                let pts = ring_corners(ls);
                let first = number + 1;
                for (i, &p) in pts.iter().enumerate() {
                    let q = pts[(i + 1) % pts.len()];
                    number += 1;
                    out.push(Corner {
                        zone: o.zone.clone(),
                        part: part + 1,
                        ring,
                        number,
                        lonlat: p,
                        bearing_deg: Geodesic.bearing(Point(p), Point(q)),
                        length_m: distance_m(p, q),
                        next: if i + 1 == pts.len() {
                            first
                        } else {
                            number + 1
                        },
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::outline::zone_outlines;
    use geo::polygon;

    #[test]
    fn square_zone_has_four_corners_with_pyproj_bearings_and_lengths() {
        // The 2 × 2 block of cells: its dissolved shell has a vertex halfway along each side
        // where two cells meet, which is no corner.
        let outlines = zone_outlines(&crate::plan::outline::tests::square_plan()).unwrap();
        let all = corners(&outlines[..1]);
        assert_eq!(all.len(), 4, "{all:?}");
        let close = |a: f64, b: f64, tol: f64| (a - b).abs() < tol;
        // NW, NE, SE, SW; legs by pyproj Geod(ellps="WGS84").inv, azimuth mod 360.
        let truth = [
            (
                (67.0, 24.01),
                89.997_965_519_592_46,
                1_017.439_107_607_629_7,
            ),
            ((67.01, 24.01), 180.0, 1_107.582_913_055_464_8),
            (
                (67.01, 24.0),
                270.002_033_683_219_7,
                1_017.517_749_151_039_1,
            ),
            ((67.0, 24.0), 0.0, 1_107.582_913_055_464_8),
        ];
        for (k, (c, (xy, bearing, length))) in all.iter().zip(truth).enumerate() {
            assert_eq!((c.number, c.part, c.ring), (k + 1, 1, 0));
            assert_eq!(c.next, (k + 1) % 4 + 1);
            // The union snaps to a grid of ~1e-10°.
            assert!(
                close(c.lonlat.x, xy.0, 1e-9) && close(c.lonlat.y, xy.1, 1e-9),
                "{c:?}"
            );
            let db = (c.bearing_deg - bearing + 180.0).rem_euclid(360.0) - 180.0;
            assert!(
                db.abs() < 1e-6,
                "corner {}: {} vs {bearing}",
                c.number,
                c.bearing_deg
            );
            assert!(
                close(c.length_m, length, 1e-4),
                "{} vs {length}",
                c.length_m
            );
        }
        // The legs add up to the perimeter.
        let sum: f64 = all.iter().map(|c| c.length_m).sum();
        assert!(close(sum, 4_250.122_682_869_598, 1e-3), "{sum}");
    }

    #[test]
    fn holes_follow_their_shell_clockwise_from_their_own_north_west_corner() {
        // A 3 × 3 block with the middle cell missing: one shell and one hole.
        let d = 0.005;
        let mut polys = Vec::new();
        for r in 0..3 {
            for c in 0..3 {
                if (r, c) != (1, 1) {
                    let (x, y) = (67.0 + c as f64 * d, 24.0 + r as f64 * d);
                    polys.push(polygon![
                        (x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)
                    ]);
                }
            }
        }
        let boundary = crate::geom::boolops::dissolve(&polys).unwrap();
        let outline = ZoneOutline {
            zone: "z".into(),
            boundary,
            parcels: 8,
            area_m2: 0.0,
            perimeter_m: 0.0,
            polsby_popper: 0.0,
            target_acres: None,
        };
        let all = corners(&[outline]);
        let rings: Vec<(usize, usize, usize)> =
            all.iter().map(|c| (c.ring, c.number, c.next)).collect();
        assert_eq!(
            rings,
            [
                (0, 1, 2),
                (0, 2, 3),
                (0, 3, 4),
                (0, 4, 1),
                (1, 5, 6),
                (1, 6, 7),
                (1, 7, 8),
                (1, 8, 5)
            ]
        );
        // The hole starts at its own north-west corner and runs east first (clockwise).
        assert!((all[4].lonlat.x - 67.005).abs() < 1e-9 && (all[4].lonlat.y - 24.01).abs() < 1e-9);
        assert!((all[4].bearing_deg - 90.0).abs() < 0.01);
    }

    #[test]
    fn near_straight_and_repeated_points_are_dropped_but_real_bends_kept() {
        let (_, my) = metres_per_degree(24.0);
        // 0.5 mm off the line (dropped), and a 5 cm bend (kept).
        let off = 0.0005 / my;
        let bend = 0.05 / my;
        let ring = LineString::from(vec![
            (67.0, 24.0),
            (67.0, 24.0),
            (67.005, 24.0 + off),
            (67.01, 24.0),
            (67.01, 24.01),
            (67.005, 24.01 + bend),
            (67.0, 24.01),
            (67.0, 24.0),
        ]);
        let c = ring_corners(&ring);
        assert_eq!(c.len(), 5, "{c:?}");
        assert_eq!((c[0].x, c[0].y), (67.0, 24.01));
        assert_eq!((c[1].x, c[1].y), (67.005, 24.01 + bend));
    }
}
