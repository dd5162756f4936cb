//! Segment helpers: projection of a point on a segment's line, and point-to-segment distance.

use geo::{Coord, Line};

/// Where the foot of the perpendicular from `p` falls on the line through `a` and `b`, as the
/// fraction `t` of the way from `a` to `b` (0 at `a`, 1 at `b`, outside `[0, 1]` beyond them);
/// `None` when `a` and `b` coincide (|b − a|² is 0).
pub(crate) fn projection_t(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> Option<f64> {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    (len2 != 0.0).then(|| ((p - a).x * d.x + (p - a).y * d.y) / len2)
}

/// Planar distance from `c` to the nearest point of segment `s`.
pub(crate) fn point_segment_distance(c: Coord<f64>, s: &Line<f64>) -> f64 {
    let d = s.end - s.start;
    let t = projection_t(c, s.start, s.end).map_or(0.0, |t| t.clamp(0.0, 1.0));
    let p = s.start + d * t;
    ((c.x - p.x).powi(2) + (c.y - p.y).powi(2)).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Coord<f64> = Coord { x: 1.0, y: 1.0 };
    const B: Coord<f64> = Coord { x: 5.0, y: 1.0 };

    #[test]
    fn projection_is_the_fraction_along_the_segment() {
        assert_eq!(projection_t(Coord { x: 2.0, y: 7.0 }, A, B), Some(0.25));
        assert_eq!(projection_t(Coord { x: -3.0, y: 0.0 }, A, B), Some(-1.0));
        assert_eq!(projection_t(Coord { x: 9.0, y: -2.0 }, A, B), Some(2.0));
        assert_eq!(projection_t(Coord { x: 9.0, y: -2.0 }, A, A), None);
    }

    #[test]
    fn distance_is_to_the_nearest_point_of_the_segment() {
        let s = Line::new(A, B);
        // Beside the inside: the perpendicular (3-4-5 triangle off the end for the last).
        assert_eq!(point_segment_distance(Coord { x: 2.0, y: 4.0 }, &s), 3.0);
        assert_eq!(point_segment_distance(Coord { x: 8.0, y: 5.0 }, &s), 5.0);
        assert_eq!(
            point_segment_distance(Coord { x: 4.0, y: 5.0 }, &Line::new(A, A)),
            5.0
        );
    }
}
