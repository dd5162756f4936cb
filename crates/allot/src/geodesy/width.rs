//! The width of a parcel: the narrowest distance between two parallel lines that hold the whole
//! parcel between them (the minimum width of its convex hull, the "calliper width"), in metres.
//!
//! It is the measure a planner takes with a scale rule on a map: lay the rule across the
//! parcel where it is narrowest. A 40 m road strip is 40 m wide however long it is; a 100 m
//! square is 100 m wide; an L-shaped plot is as wide as its hull is. The vertices are put on
//! a local plane at the parcel's first vertex (east and north metres from the ellipsoid's radii
//! of curvature there, [`super::metres_per_degree`]); the plane's relative scale error grows
//! with the parcel's north-south extent over the Earth's radius: below 1e-4 for a parcel 1 km
//! long, below 1e-5 for one of 100 m.

use geo::{ConvexHull, Coord, MultiPolygon};

use super::metres_per_degree;

/// The width of `parcel` in metres: the smallest distance between two parallel lines holding
/// all its vertices (0 for an empty or degenerate parcel).
///
/// For a convex polygon the narrowest pair of parallel supporting lines has one of them
/// along an edge of the hull (the rotating-callipers theorem), so the width is the smallest,
/// over the hull's edges, of the largest distance of a hull vertex from the edge's line.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// // A strip 0.0004° (about 40.6 m at 24° N) wide and 0.002° long, near Karachi.
/// let strip = MultiPolygon(vec![polygon![
///     (x: 67.0, y: 24.8), (x: 67.002, y: 24.8), (x: 67.002, y: 24.8004), (x: 67.0, y: 24.8004)]]);
/// let (_, m_per_deg_lat) = allot::geodesy::metres_per_degree(24.8002);
/// let w = allot::geodesy::width::width_m(&strip);
/// assert!((w - 0.0004 * m_per_deg_lat).abs() < 1e-3, "{w}");
/// ```
pub fn width_m(parcel: &MultiPolygon<f64>) -> f64 {
    let Some(first) = parcel.0.iter().flat_map(|p| p.exterior().0.iter()).next() else {
        return 0.0;
    };
    let lat0 = first.y;
    let lon0 = first.x;
    let (kx, ky) = metres_per_degree(lat0);
    let local: Vec<Coord<f64>> = parcel
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter())
        .map(|c| Coord {
            x: (c.x - lon0) * kx,
            y: (c.y - lat0) * ky,
        })
        .collect();
    let hull = geo::MultiPoint::from(local.iter().map(|&c| geo::Point(c)).collect::<Vec<_>>())
        .convex_hull();
    let ring = &hull.exterior().0;
    // The ring is closed: its last vertex repeats the first.
    let pts = &ring[..ring.len().saturating_sub(1)];
    if pts.len() < 3 {
        return 0.0;
    }
    let mut best = f64::INFINITY;
    for k in 0..pts.len() {
        let (a, b) = (pts[k], pts[(k + 1) % pts.len()]);
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy);
        if len == 0.0 {
            continue;
        }
        let far = pts
            .iter()
            .map(|p| ((p.x - a.x) * dy - (p.y - a.y) * dx).abs() / len)
            .fold(0.0, f64::max);
        best = best.min(far);
    }
    if best.is_finite() { best } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn deg_per_m() -> (f64, f64) {
        let (kx, ky) = metres_per_degree(24.8);
        (1.0 / kx, 1.0 / ky)
    }

    /// An axis-aligned `w` × `h` metre rectangle at 67° E, 24.8° N.
    fn rect(w: f64, h: f64) -> MultiPolygon<f64> {
        let (dx, dy) = deg_per_m();
        let (x, y) = (67.0, 24.8);
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + w * dx, y: y), (x: x + w * dx, y: y + h * dy), (x: x, y: y + h * dy)]])
    }

    #[test]
    fn a_rectangle_is_as_wide_as_its_short_side() {
        for (w, h) in [(40.0, 300.0), (300.0, 40.0), (100.0, 100.0), (60.0, 200.0)] {
            let got = width_m(&rect(w, h));
            assert!((got - w.min(h)).abs() < 1e-3, "{w} × {h}: {got}");
        }
    }

    /// A strip turned 30° is still as wide as it is across: the callipers find the tilt.
    #[test]
    fn a_tilted_strip_keeps_its_width() {
        let (dx, dy) = deg_per_m();
        let (s, c) = 30f64.to_radians().sin_cos();
        let corners = [(0.0, 0.0), (300.0, 0.0), (300.0, 40.0), (0.0, 40.0)];
        let pts: Vec<Coord<f64>> = corners
            .iter()
            .map(|&(u, v)| Coord {
                x: 67.0 + (u * c - v * s) * dx,
                y: 24.8 + (u * s + v * c) * dy,
            })
            .collect();
        let p = MultiPolygon(vec![geo::Polygon::new(geo::LineString(pts), vec![])]);
        let got = width_m(&p);
        assert!((got - 40.0).abs() < 1e-3, "{got}");
    }

    /// An L of two 40 m arms 200 m long: its hull is a pentagon; the narrowest direction is
    /// across the corner-cutting diagonal, whose farthest vertex lies at 200/√2 + 40/√2 from it.
    #[test]
    fn an_l_is_as_wide_as_its_hull() {
        let (dx, dy) = deg_per_m();
        let l = [
            (0.0, 0.0),
            (200.0, 0.0),
            (200.0, 40.0),
            (40.0, 40.0),
            (40.0, 200.0),
            (0.0, 200.0),
        ];
        let pts: Vec<Coord<f64>> = l
            .iter()
            .map(|&(u, v)| Coord {
                x: 67.0 + u * dx,
                y: 24.8 + v * dy,
            })
            .collect();
        let p = MultiPolygon(vec![geo::Polygon::new(geo::LineString(pts), vec![])]);
        // Edges of the hull: (0,0)-(200,0) and (0,0)-(0,200) give 200; the diagonal
        // (200,40)-(40,200) gives the distance of (0,0) from it: 240/√2 ≈ 169.71.
        let got = width_m(&p);
        assert!((got - 240.0 / 2f64.sqrt()).abs() < 1e-3, "{got}");
    }

    #[test]
    fn an_empty_parcel_has_no_width() {
        assert_eq!(width_m(&MultiPolygon::<f64>(vec![])), 0.0);
    }
}
