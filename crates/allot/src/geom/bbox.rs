//! Bounding boxes: of a multipolygon, the union of two rectangles, a rectangle around a point.

use geo::{Coord, LineString, MultiPolygon, Polygon, Rect};

/// The bounding rectangle of a non-empty multipolygon (a degenerate one at 0,0 when empty).
pub fn bbox_of(geometry: &MultiPolygon<f64>) -> Rect<f64> {
    bbox_of_polygons(&geometry.0)
}

/// The bounding rectangle of the shells of `polygons` (a degenerate one at 0,0 when there are
/// none): [`bbox_of`] without gathering them into one multipolygon first.
pub(crate) fn bbox_of_polygons<'a>(
    polygons: impl IntoIterator<Item = &'a Polygon<f64>>,
) -> Rect<f64> {
    bbox_of_rings(polygons.into_iter().map(Polygon::exterior))
}

/// The bounding rectangle of one ring (a degenerate one at 0,0 when it has no finite extent),
/// as [`bbox_of`] gives for the ring as a polygon, without copying it.
pub(crate) fn ring_box(ring: &LineString<f64>) -> Rect<f64> {
    bbox_of_rings(std::iter::once(ring))
}

/// The bounding rectangle of `rings` (a degenerate one at 0,0 when they hold no point).
fn bbox_of_rings<'a>(rings: impl IntoIterator<Item = &'a LineString<f64>>) -> Rect<f64> {
    let mut min = Coord {
        x: f64::INFINITY,
        y: f64::INFINITY,
    };
    let mut max = Coord {
        x: f64::NEG_INFINITY,
        y: f64::NEG_INFINITY,
    };
    for ring in rings {
        for c in &ring.0 {
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

/// The part of `a` inside `b`; `a` must meet `b` (else the result is not a rectangle of the
/// two).
pub(crate) fn rect_intersection(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord {
            x: a.min().x.max(b.min().x),
            y: a.min().y.max(b.min().y),
        },
        Coord {
            x: a.max().x.min(b.max().x),
            y: a.max().y.min(b.max().y),
        },
    )
}

/// `r` grown by `d` on every side.
pub(crate) fn grown(r: Rect<f64>, d: f64) -> Rect<f64> {
    Rect::new(
        Coord {
            x: r.min().x - d,
            y: r.min().y - d,
        },
        Coord {
            x: r.max().x + d,
            y: r.max().y + d,
        },
    )
}

/// The rectangle centred on `c` reaching `half_w` either side in x and `half_h` in y.
pub(crate) fn centred_rect(c: Coord<f64>, half_w: f64, half_h: f64) -> Rect<f64> {
    Rect::new(
        Coord {
            x: c.x - half_w,
            y: c.y - half_h,
        },
        Coord {
            x: c.x + half_w,
            y: c.y + half_h,
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

    #[test]
    fn intersection_is_the_common_part() {
        assert_eq!(
            rect_intersection(r(0.0, 0.0, 2.0, 2.0), r(1.0, -1.0, 3.0, 1.5)),
            r(1.0, 0.0, 2.0, 1.5)
        );
        // One inside the other: the inner one, whichever comes first.
        assert_eq!(
            rect_intersection(r(0.0, 0.0, 4.0, 4.0), r(1.0, 1.0, 2.0, 2.0)),
            r(1.0, 1.0, 2.0, 2.0)
        );
        assert_eq!(
            rect_intersection(r(1.0, 1.0, 2.0, 2.0), r(0.0, 0.0, 4.0, 4.0)),
            r(1.0, 1.0, 2.0, 2.0)
        );
    }

    #[test]
    fn centred_rect_has_its_centre_and_half_sizes() {
        let r = centred_rect(Coord { x: 67.0, y: 24.5 }, 0.25, 0.5);
        assert_eq!(
            r,
            Rect::new(Coord { x: 66.75, y: 24.0 }, Coord { x: 67.25, y: 25.0 })
        );
        assert_eq!(r.center(), Coord { x: 67.0, y: 24.5 });
    }
}
