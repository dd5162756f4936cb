//! Segment helpers.

use geo::{Coord, Line};

pub(crate) fn point_segment_distance(c: Coord<f64>, s: &Line<f64>) -> f64 {
    let d = s.end - s.start;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 {
        (((c - s.start).x * d.x + (c - s.start).y * d.y) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let p = s.start + d * t;
    ((c.x - p.x).powi(2) + (c.y - p.y).powi(2)).sqrt()
}
