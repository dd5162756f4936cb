//! Bounding boxes.

use geo::{Coord, MultiPolygon, Rect};

/// The bounding rectangle of a non-empty multipolygon (a degenerate one at 0,0 when empty).
pub fn bbox_of(geometry: &MultiPolygon<f64>) -> Rect<f64> {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for p in &geometry.0 {
        for c in &p.exterior().0 {
            min.x = min.x.min(c.x);
            min.y = min.y.min(c.y);
            max.x = max.x.max(c.x);
            max.y = max.y.max(c.y);
        }
    }
    if min.x > max.x {
        return Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 });
    }
    Rect::new(min, max)
}
