//! Bounding boxes: of a multipolygon, and the union of two rectangles.

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

/// The smallest rectangle holding both `a` and `b`.
pub(crate) fn rect_union(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.min(b.min().x),
            y: a.min().y.min(b.min().y),
        },
        Coord {
            x: a.max().x.max(b.max().x),
            y: a.max().y.max(b.max().y),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect<f64> {
        Rect::new(Coord { x: x0, y: y0 }, Coord { x: x1, y: y1 })
    }

    #[test]
    fn union_holds_both_and_no_more() {
        assert_eq!(
            rect_union(r(0.0, 0.0, 1.0, 1.0), r(2.0, -1.0, 3.0, 0.5)),
            r(0.0, -1.0, 3.0, 1.0)
        );
        // One inside the other: the outer one.
        assert_eq!(
            rect_union(r(0.0, 0.0, 4.0, 4.0), r(1.0, 1.0, 2.0, 2.0)),
            r(0.0, 0.0, 4.0, 4.0)
        );
        assert_eq!(
            rect_union(r(1.0, 1.0, 2.0, 2.0), r(0.0, 0.0, 4.0, 4.0)),
            r(0.0, 0.0, 4.0, 4.0)
        );
    }
}
