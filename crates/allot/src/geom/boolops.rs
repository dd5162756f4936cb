//! The one door to geo's boolean operations (`BooleanOps`, backed by the i_overlay crate):
//! intersection, difference, union and unary union of lon/lat polygons, each behind a panic
//! guard.
//!
//! Quirks of the engine underneath, which callers must allow for:
//! - **Even-odd fill.** i_overlay decides inside/outside by the even-odd rule, not by ring
//!   orientation: overlapping parts of one input cancel rather than add. Inputs are expected
//!   to be valid polygons (callers check validity first or orient rings with `Orient`).
//! - **Snapping to a grid.** Coordinates are snapped to an integer grid of about
//!   (bounding box of both inputs) / 2^30, so result vertices move by up to that much:
//!   exact enough for neighbouring parcels, but one stray far-away vertex coarsens the grid
//!   for everything (relative errors of ~1e-3 have been seen). Callers that need input
//!   vertices back snap the result with [`crate::geom::snap`].
//! - **Panics.** Degenerate input (non-finite coordinates, collapsed rings) is outside the
//!   engine's contract, and geo's own predicates are known to panic on NaN coordinates.
//!   Every function here runs the operation under `catch_unwind` and returns `None` if it
//!   panicked, so a bad parcel can never abort a run; the caller decides what `None` means.
//!   (A caught panic still goes through the process's panic hook, which prints it to stderr.)
//!
//! All functions are deterministic: same inputs, same output, bit for bit.

use std::panic::{AssertUnwindSafe, catch_unwind};

use geo::{BooleanOps, Coord, MultiPolygon, Polygon, Rect};
use i_overlay::i_float::adapter::FloatPointAdapter;
use i_overlay::i_float::float::rect::FloatRect;

/// Runs `op`, turning a panic into `None`.
fn guarded<T>(op: impl FnOnce() -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(op)).ok()
}

/// The part of `a` inside `b`; `None` if the engine panicked.
pub(crate) fn intersection<A, B>(a: &A, b: &B) -> Option<MultiPolygon<f64>>
where
    A: BooleanOps<Scalar = f64>,
    B: BooleanOps<Scalar = f64>,
{
    guarded(|| a.intersection(b))
}

/// The part of `a` outside `b`; `None` if the engine panicked.
pub(crate) fn difference<A, B>(a: &A, b: &B) -> Option<MultiPolygon<f64>>
where
    A: BooleanOps<Scalar = f64>,
    B: BooleanOps<Scalar = f64>,
{
    guarded(|| a.difference(b))
}

/// The land in `a` or `b`; `None` if the engine panicked.
pub(crate) fn union<A, B>(a: &A, b: &B) -> Option<MultiPolygon<f64>>
where
    A: BooleanOps<Scalar = f64>,
    B: BooleanOps<Scalar = f64>,
{
    guarded(|| a.union(b))
}

/// The part of `a` outside every one of `parts` (their union taken by the non-zero winding
/// rule, so overlapping parts add up rather than cancel; every ring must be oriented the
/// default way, shells counter-clockwise and holes clockwise), in one call of the engine;
/// `None` if the engine panicked.
pub(crate) fn difference_of_all(
    a: &Polygon<f64>,
    parts: &MultiPolygon<f64>,
) -> Option<MultiPolygon<f64>> {
    use geo::algorithm::bool_ops::{FillRule, OpType};
    guarded(|| a.boolean_op_with_fill_rule(parts, OpType::Difference, FillRule::NonZero))
}

/// The grid the engine snaps a call's coordinates to, given the box of everything in the call:
/// cells of 2^-(29 - ⌊log₂(half the longer side)⌋), offset to the box's centre.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Grid {
    /// The box the grid was made for.
    pub(crate) rect: Rect<f64>,
}

impl Grid {
    /// The grid of a call whose coordinates span exactly `rect`.
    pub(crate) fn of(rect: Rect<f64>) -> Self {
        Grid { rect }
    }

    fn adapter(&self) -> FloatPointAdapter<[f64; 2], f64> {
        let r = self.rect;
        FloatPointAdapter::new(FloatRect::new(r.min().x, r.max().x, r.min().y, r.max().y))
    }

    /// The side of a grid cell.
    pub(crate) fn step(&self) -> f64 {
        self.adapter().inv_scale
    }
}

/// [`difference_of_all`] of the `parts` (each ring oriented the default way) from `a`, with the
/// engine on `grid` instead of the grid of the call's own box: `grid.rect` must hold every
/// coordinate. Two calls on the same grid snap every vertex they share to the same point, so
/// land far from the edge of `a` comes out of a call on a window exactly as out of one call on
/// the whole, when the window holds every part that reaches that land. With `grid` the box of
/// `a` and `a` holding every part, this is [`difference_of_all`], bit for bit (a unit test
/// compares them). `None` if the engine panicked.
pub(crate) fn difference_of_all_on<'a>(
    grid: Grid,
    a: &Polygon<f64>,
    parts: impl IntoIterator<Item = &'a Polygon<f64>>,
) -> Option<MultiPolygon<f64>> {
    use geo::LineString;
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay::ShapeType;
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
    // As geo hands rings to the engine: each ring without its closing point, the subject's
    // rings first, then the clip's, in order.
    fn path(r: &LineString<f64>) -> Vec<[f64; 2]> {
        match r.0.split_last() {
            Some((_, open)) => open.iter().map(|c| [c.x, c.y]).collect(),
            None => Vec::new(),
        }
    }
    fn paths(p: &Polygon<f64>) -> impl Iterator<Item = Vec<[f64; 2]>> + '_ {
        std::iter::once(p.exterior()).chain(p.interiors()).map(path)
    }
    let subject: Vec<Vec<[f64; 2]>> = paths(a).collect();
    let clip: Vec<Vec<[f64; 2]>> = parts.into_iter().flat_map(paths).collect();
    guarded(|| {
        let capacity = subject.iter().chain(&clip).map(Vec::len).sum();
        let shapes = FloatOverlay::new_custom(
            grid.adapter(),
            OverlayOptions::ogc(),
            Default::default(),
            capacity,
        )
        .unsafe_add_source(&subject, ShapeType::Subject)
        .unsafe_add_source(&clip, ShapeType::Clip)
        .overlay(OverlayRule::Difference, FillRule::NonZero);
        // As geo turns shapes into polygons: the first contour is the shell, each ring closed.
        MultiPolygon(
            shapes
                .into_iter()
                .map(|shape| {
                    let mut rings = shape.into_iter().map(|contour| {
                        let mut ring: LineString<f64> =
                            contour.into_iter().map(|[x, y]| Coord { x, y }).collect();
                        ring.close();
                        ring
                    });
                    let exterior = rings.next().unwrap_or(LineString::new(Vec::new()));
                    Polygon::new(exterior, rings.collect())
                })
                .collect(),
        )
    })
}

/// The union of all `polys` (geo's `unary_union`); `None` if the engine panicked.
pub(crate) fn unary_union<'a>(
    polys: impl IntoIterator<Item = &'a Polygon<f64>>,
) -> Option<MultiPolygon<f64>> {
    guarded(|| geo::unary_union(polys))
}

/// The dissolved outline of `polys` (their union after orienting every ring the default way,
/// shells counter-clockwise and holes clockwise); `None` if the engine panicked. No polygons
/// give an empty outline.
pub(crate) fn dissolve<'a>(
    polys: impl IntoIterator<Item = &'a Polygon<f64>>,
) -> Option<MultiPolygon<f64>> {
    use geo::orient::{Direction, Orient};
    let oriented: Vec<Polygon<f64>> = polys
        .into_iter()
        .map(|p| p.orient(Direction::Default))
        .collect();
    if oriented.is_empty() {
        return Some(MultiPolygon(Vec::new()));
    }
    unary_union(&oriented)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, polygon};

    fn square(x0: f64, y0: f64, side: f64) -> Polygon<f64> {
        polygon![
            (x: x0, y: y0),
            (x: x0 + side, y: y0),
            (x: x0 + side, y: y0 + side),
            (x: x0, y: y0 + side),
        ]
    }

    #[test]
    fn areas_match_hand_computation() {
        // [0,2]² and [1,3]×[0.5,1.5]: by hand the overlap is [1,2]×[0.5,1.5] = 1.0;
        // a minus b is 4 − 1 = 3; the union is 4 + 2 − 1 = 5 (b is 2 × 1).
        let a = square(0.0, 0.0, 2.0);
        let b = polygon![(x: 1.0, y: 0.5), (x: 3.0, y: 0.5), (x: 3.0, y: 1.5), (x: 1.0, y: 1.5)];
        let i = intersection(&a, &b).unwrap();
        assert!((i.unsigned_area() - 1.0).abs() < 1e-12, "{i:?}");
        let d = difference(&a, &b).unwrap();
        assert!((d.unsigned_area() - 3.0).abs() < 1e-12, "{d:?}");
        let u = union(&a, &b).unwrap();
        assert!((u.unsigned_area() - 5.0).abs() < 1e-12, "{u:?}");
        let uu = unary_union([&a, &b, &square(10.0, 10.0, 0.5)]).unwrap();
        assert!((uu.unsigned_area() - 5.25).abs() < 1e-12, "{uu:?}");
        assert_eq!(uu.0.len(), 2);
        // Disjoint squares: empty intersection, difference is all of a.
        let far = square(5.0, 5.0, 1.0);
        assert!(intersection(&a, &far).unwrap().0.is_empty());
        assert!((difference(&a, &far).unwrap().unsigned_area() - 4.0).abs() < 1e-12);
    }

    /// On the grid of its own box, the call with a chosen grid is the plain call, bit for bit:
    /// a frame minus overlapping, touching and holed squares at awkward coordinates.
    #[test]
    fn difference_on_the_call_s_own_grid_is_the_plain_difference() {
        use geo::orient::{Direction, Orient};
        let frame = geo::Rect::new(
            Coord {
                x: 66.91234567,
                y: 24.80987654,
            },
            Coord {
                x: 67.0876543,
                y: 24.9712345,
            },
        );
        let mut parts = vec![
            square(66.95, 24.85, 0.0133333333),
            square(66.9633333333, 24.85, 0.01),
            square(66.97, 24.855, 0.02),
            square(67.01, 24.9, 0.0300000001),
        ];
        parts.push(Polygon::new(
            square(67.0, 24.82, 0.05).exterior().clone(),
            vec![square(67.01, 24.83, 0.01).exterior().clone()],
        ));
        let parts: Vec<Polygon<f64>> = parts.iter().map(|p| p.orient(Direction::Default)).collect();
        let plain = difference_of_all(&frame.to_polygon(), &MultiPolygon(parts.clone())).unwrap();
        let on = difference_of_all_on(Grid::of(frame), &frame.to_polygon(), &parts).unwrap();
        assert!(plain.0.len() >= 2, "{plain:?}");
        assert_eq!(on, plain);
    }

    #[test]
    fn degenerate_input_gives_none_or_empty_never_a_panic() {
        let a = square(0.0, 0.0, 2.0);
        let nan = polygon![(x: f64::NAN, y: 0.0), (x: 1.0, y: f64::NAN), (x: 1.0, y: 1.0)];
        let inf = polygon![(x: f64::INFINITY, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0)];
        // Zero area: every vertex on one line, and a ring collapsed to one point.
        let flat = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0), (x: 2.0, y: 2.0)];
        let point = polygon![(x: 1.0, y: 1.0), (x: 1.0, y: 1.0), (x: 1.0, y: 1.0)];
        for bad in [&nan, &inf, &flat, &point] {
            // Reaching each assertion at all shows no panic escaped; the result, when there
            // is one, has no area.
            let results = [
                intersection(&a, bad),
                intersection(bad, &a),
                difference(bad, &a),
                union(bad, bad),
                unary_union([bad, bad]),
            ];
            for g in results.into_iter().flatten() {
                let area = g.unsigned_area();
                assert!(
                    g.0.is_empty() || area == 0.0 || area.is_nan(),
                    "{bad:?}: {g:?}"
                );
            }
        }
        // A panic inside the guard becomes None.
        assert_eq!(guarded(|| -> u8 { panic!("engine failure") }), None);
    }
}
