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

use geo::{BooleanOps, MultiPolygon, Polygon};

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
