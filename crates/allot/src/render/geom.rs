//! Map geometry: the projection to pixels, SVG path encoding, and round steps for the graticule
//! and the scale bar.

use std::fmt::Write as _;

use geo::{LineString, MultiPolygon, Rect};

pub use crate::geodesy::metres_per_degree;

/// A local equirectangular projection with true scale in both directions at latitude `lat0`:
/// x grows with longitude by the prime-vertical radius × cos(lat0), y with latitude by the
/// meridian radius (both of the WGS84 ellipsoid), so a square acre at `lat0` is drawn square.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Projection {
    /// Longitude at pixel x = `x0`.
    pub lon0: f64,
    /// Latitude at pixel y = `y0`, and the latitude of true scale.
    pub lat0: f64,
    /// Pixel position of `lon0`.
    pub x0: f64,
    /// Pixel position of `lat0`.
    pub y0: f64,
    /// Pixels per degree of longitude.
    pub px_per_deg_lon: f64,
    /// Pixels per degree of latitude.
    pub px_per_deg_lat: f64,
}

impl Projection {
    /// The projection that fits `extent` (lon/lat) centred in the box `(left, top, width, height)`
    /// pixels, at the largest scale that fits.
    pub fn fit(extent: Rect<f64>, left: f64, top: f64, width: f64, height: f64) -> Projection {
        let lon0 = (extent.min().x + extent.max().x) / 2.0;
        let lat0 = (extent.min().y + extent.max().y) / 2.0;
        let (mx, my) = metres_per_degree(lat0);
        let w_m = (extent.width() * mx).max(1e-6);
        let h_m = (extent.height() * my).max(1e-6);
        let px_per_m = (width / w_m).min(height / h_m);
        Projection {
            lon0,
            lat0,
            x0: left + width / 2.0,
            y0: top + height / 2.0,
            px_per_deg_lon: px_per_m * mx,
            px_per_deg_lat: px_per_m * my,
        }
    }

    /// Pixel position of a lon/lat.
    pub fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.x0 + (lon - self.lon0) * self.px_per_deg_lon,
            self.y0 - (lat - self.lat0) * self.px_per_deg_lat,
        )
    }

    /// Longitude at pixel x.
    pub fn lon_at(&self, x: f64) -> f64 {
        self.lon0 + (x - self.x0) / self.px_per_deg_lon
    }

    /// Latitude at pixel y.
    pub fn lat_at(&self, y: f64) -> f64 {
        self.lat0 - (y - self.y0) / self.px_per_deg_lat
    }
}

/// Rounds to tenths of a pixel, as an integer count of tenths.
fn tenths(v: f64) -> i64 {
    (v * 10.0).round() as i64
}

/// Writes a count of tenths as a decimal (`12`, `12.5`, `-0.5`).
fn push_tenths(buf: &mut String, t: i64) {
    let sign = if t < 0 { "-" } else { "" };
    let a = t.unsigned_abs();
    if a.is_multiple_of(10) {
        let _ = write!(buf, "{sign}{}", a / 10);
    } else {
        let _ = write!(buf, "{sign}{}.{}", a / 10, a % 10);
    }
}

/// A pixel coordinate to a tenth of a pixel (`12.3`, `7`).
pub fn fmt_px(v: f64) -> String {
    let mut s = String::new();
    push_tenths(&mut s, tenths(v));
    s
}

/// Twice the signed area of a ring in lon/lat (positive when counter-clockwise).
fn ring_signed_area2(ring: &LineString<f64>) -> f64 {
    ring.0
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum()
}

/// Points closer than this to the last kept point, in tenths of a pixel on either axis, are
/// dropped from a ring: half a pixel, below what a rasteriser can show.
const MIN_STEP_TENTHS: i64 = 5;

/// A ring's points in whole tenths of a pixel, the closing point left out, in the direction
/// `ccw` asks for in lon/lat (exteriors counter-clockwise, holes clockwise). Points closer than
/// half a pixel to the last one kept are dropped (a ring so small that fewer than 3 points
/// would be left keeps every point that differs after rounding, so a sub-pixel parcel is still
/// drawn). `None` when fewer than 3 distinct points remain.
pub fn ring_tenths(
    ring: &LineString<f64>,
    proj: &Projection,
    ccw: bool,
) -> Option<Vec<(i64, i64)>> {
    let pts = &ring.0;
    if pts.len() < 4 {
        return None;
    }
    let reverse = (ring_signed_area2(ring) > 0.0) != ccw;
    // Closed ring: skip the repeated last point.
    let open = &pts[..pts.len() - 1];
    let walk = |min_step: i64| -> Vec<(i64, i64)> {
        let mut q: Vec<(i64, i64)> = Vec::with_capacity(open.len());
        let mut push = |c: &geo::Coord<f64>| {
            let (x, y) = proj.xy(c.x, c.y);
            let p = (tenths(x), tenths(y));
            let near =
                |o: &(i64, i64)| (o.0 - p.0).abs() < min_step && (o.1 - p.1).abs() < min_step;
            if !q.last().is_some_and(near) {
                q.push(p);
            }
        };
        if reverse {
            open.iter().rev().for_each(&mut push);
        } else {
            open.iter().for_each(&mut push);
        }
        while q.len() > 1
            && q.first()
                .zip(q.last())
                .is_some_and(|(f, l)| (f.0 - l.0).abs() < min_step && (f.1 - l.1).abs() < min_step)
        {
            q.pop();
        }
        q
    };
    let q = walk(MIN_STEP_TENTHS);
    let q = if q.len() >= 3 { q } else { walk(1) };
    (q.len() >= 3).then_some(q)
}

/// Appends one ring to an SVG path: `M` absolute, then relative `l` steps in tenths of a pixel,
/// `z` (points from [`ring_tenths`]). `ccw` picks the ring's direction in lon/lat (exteriors
/// counter-clockwise, holes clockwise), so that with `fill-rule="nonzero"` holes stay empty and
/// overlapping parcels stay filled. Returns whether anything was written.
fn push_ring(buf: &mut String, ring: &LineString<f64>, proj: &Projection, ccw: bool) -> bool {
    let Some(q) = ring_tenths(ring, proj, ccw) else {
        return false;
    };
    buf.push('M');
    push_tenths(buf, q[0].0);
    if q[0].1 >= 0 {
        buf.push(' ');
    }
    push_tenths(buf, q[0].1);
    buf.push('l');
    for w in q.windows(2) {
        let (dx, dy) = (w[1].0 - w[0].0, w[1].1 - w[0].1);
        if !buf.ends_with('l') && dx >= 0 {
            buf.push(' ');
        }
        push_tenths(buf, dx);
        if dy >= 0 {
            buf.push(' ');
        }
        push_tenths(buf, dy);
    }
    buf.push('z');
    true
}

/// Appends a multipolygon (shells and holes) to an SVG path's `d`.
pub fn push_multipolygon(buf: &mut String, mp: &MultiPolygon<f64>, proj: &Projection) {
    for poly in &mp.0 {
        if push_ring(buf, poly.exterior(), proj, true) {
            for hole in poly.interiors() {
                push_ring(buf, hole, proj, false);
            }
        }
    }
}

/// A graticule step in degrees and the decimals its labels need.
pub fn graticule_step(span_lon: f64, span_lat: f64) -> (f64, usize) {
    const STEPS: [(f64, usize); 22] = [
        (0.0001, 4),
        (0.0002, 4),
        (0.0005, 4),
        (0.001, 3),
        (0.002, 3),
        (0.005, 3),
        (0.01, 2),
        (0.02, 2),
        (0.05, 2),
        (0.1, 1),
        (0.2, 1),
        (0.5, 1),
        (1.0, 0),
        (2.0, 0),
        (5.0, 0),
        (10.0, 0),
        (15.0, 0),
        (20.0, 0),
        (30.0, 0),
        (45.0, 0),
        (60.0, 0),
        (90.0, 0),
    ];
    let span = span_lon.max(span_lat);
    STEPS
        .iter()
        .copied()
        .find(|&(s, _)| span / s <= 6.0)
        .unwrap_or((90.0, 0))
}

/// The multiples of `step` within `[lo, hi]`, as exact multiples (k × step).
pub fn multiples(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let k0 = (lo / step).ceil() as i64;
    let k1 = (hi / step).floor() as i64;
    (k0..=k1).map(|k| k as f64 * step).collect()
}

/// A graticule label: `67.345°E`, `24.81°N`.
pub fn degree_label(value: f64, decimals: usize, is_lon: bool) -> String {
    let hemi = match (is_lon, value < 0.0) {
        (true, false) => 'E',
        (true, true) => 'W',
        (false, false) => 'N',
        (false, true) => 'S',
    };
    let v = format!("{:.*}", decimals, value.abs());
    // -0.000 and 0.000 both print as 0.000 with no hemisphere doubt; keep the letter anyway.
    format!("{v}°{hemi}")
}

/// The longest round length (1, 2 or 5 × 10^k metres) not longer than `max_m`.
///
/// ```
/// assert_eq!(allot::render::round_length_m(730.0), 500.0);
/// assert_eq!(allot::render::round_length_m(2000.0), 2000.0);
/// ```
pub fn round_length_m(max_m: f64) -> f64 {
    if max_m.is_nan() || max_m < 1.0 {
        return 1.0;
    }
    let p = 10f64.powi(max_m.log10().floor() as i32);
    [5.0, 2.0, 1.0]
        .into_iter()
        .map(|m| m * p)
        .find(|&l| l <= max_m * (1.0 + 1e-12))
        .unwrap_or(p)
}

/// A length for the scale bar: `500 m`, `2 km`.
pub fn length_label(m: f64) -> String {
    if m >= 1000.0 {
        format!("{} km", m / 1000.0)
    } else {
        format!("{m} m")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Coord, polygon};

    fn unit_projection() -> Projection {
        Projection {
            lon0: 0.0,
            lat0: 0.0,
            x0: 0.0,
            y0: 0.0,
            px_per_deg_lon: 10.0,
            px_per_deg_lat: 10.0,
        }
    }

    #[test]
    fn metres_per_degree_matches_pyproj_at_karachi() {
        // pyproj.Geod(ellps="WGS84").inv(67.35, 24.81, 67.351, 24.81)[2] * 1000 = 101_104.779
        // and .inv(67.35, 24.8095, 67.35, 24.8105)[2] * 1000 = 110_770.065.
        let (mx, my) = metres_per_degree(24.81);
        assert!((mx - 101_104.779).abs() < 0.01, "{mx}");
        assert!((my - 110_770.065).abs() < 0.01, "{my}");
    }

    #[test]
    fn fit_keeps_square_metres_square() {
        let r = Rect::new(Coord { x: 67.34, y: 24.80 }, Coord { x: 67.36, y: 24.82 });
        let p = Projection::fit(r, 0.0, 0.0, 1000.0, 1000.0);
        let (mx, my) = metres_per_degree(p.lat0);
        // Pixels per metre equal in x and y.
        assert!((p.px_per_deg_lon / mx - p.px_per_deg_lat / my).abs() < 1e-9);
        let (x, y) = p.xy(67.35, 24.81);
        assert!((x - 500.0).abs() < 1e-9 && (y - 500.0).abs() < 1e-9);
        assert!((p.lon_at(x) - 67.35).abs() < 1e-12 && (p.lat_at(y) - 24.81).abs() < 1e-12);
    }

    #[test]
    fn rings_are_oriented_for_nonzero_fill_and_rounded_to_tenths() {
        // Clockwise shell with a counter-clockwise hole: written shell ccw (in lon/lat), hole cw.
        let p = polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 0.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 0.0)],
            interiors: [[(x: 0.2, y: 0.2), (x: 0.8, y: 0.2), (x: 0.8, y: 0.8), (x: 0.2, y: 0.8)]],
        );
        let mut d = String::new();
        push_multipolygon(&mut d, &MultiPolygon(vec![p]), &unit_projection());
        // Screen y is flipped. The shell is reversed to run (1,0) (1,1) (0,1) (0,0): ccw in
        // lon/lat; the hole is reversed to run (.2,.8) (.8,.8) (.8,.2) (.2,.2): clockwise.
        assert_eq!(d, "M10 0l0-10-10 0 0 10zM2-8l6 0 0 6-6 0z");
    }

    #[test]
    fn tenths_formatting() {
        assert_eq!(fmt_px(12.34), "12.3");
        assert_eq!(fmt_px(-0.05), "-0.1");
        assert_eq!(fmt_px(7.0), "7");
    }

    #[test]
    fn points_under_half_a_pixel_are_dropped_but_tiny_rings_keep_theirs() {
        let proj = unit_projection(); // 10 px per degree: 0.01° is 1 tenth of a pixel
        // (0.02, 0) is 0.2 px from (0, 0): dropped; the corners stay.
        let ring = LineString::from(vec![
            (0.0, 0.0),
            (0.02, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.0),
        ]);
        let q = ring_tenths(&ring, &proj, true).unwrap();
        assert_eq!(q, vec![(0, 0), (100, 0), (100, -100), (0, -100)]);
        // A point 0.4 px before the start closes onto it and goes too.
        let ring = LineString::from(vec![
            (0.0, 0.0),
            (1.0, 0.0),
            (1.0, 1.0),
            (0.0, 1.0),
            (0.0, 0.04),
            (0.0, 0.0),
        ]);
        assert_eq!(ring_tenths(&ring, &proj, true).unwrap().len(), 4);
        // A 0.3 px square would lose all but one point: it keeps its four.
        let tiny = LineString::from(vec![
            (0.0, 0.0),
            (0.03, 0.0),
            (0.03, 0.03),
            (0.0, 0.03),
            (0.0, 0.0),
        ]);
        assert_eq!(
            ring_tenths(&tiny, &proj, true).unwrap(),
            vec![(0, 0), (3, 0), (3, -3), (0, -3)]
        );
    }

    #[test]
    fn degenerate_rings_are_skipped() {
        let p = polygon![(x: 0.0, y: 0.0), (x: 0.001, y: 0.0), (x: 0.0, y: 0.001)];
        let mut d = String::new();
        push_multipolygon(&mut d, &MultiPolygon(vec![p]), &unit_projection());
        assert_eq!(d, "");
    }

    #[test]
    fn steps_and_labels() {
        assert_eq!(graticule_step(0.02, 0.01), (0.005, 3));
        assert_eq!(graticule_step(0.09, 0.07), (0.02, 2));
        assert_eq!(multiples(67.341, 67.362, 0.005).len(), 4);
        assert_eq!(degree_label(67.345, 3, true), "67.345°E");
        assert_eq!(degree_label(24.8, 2, false), "24.80°N");
        assert_eq!(degree_label(-0.5, 1, true), "0.5°W");
        assert_eq!(round_length_m(999.0), 500.0);
        assert_eq!(round_length_m(150.0), 100.0);
        assert_eq!(length_label(500.0), "500 m");
        assert_eq!(length_label(2000.0), "2 km");
    }
}
