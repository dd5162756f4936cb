//! Cheap lower bounds on a zone's perimeter, printed beside every planned zone so a user sees
//! how far the zone could at most be from the shortest possible boundary.
//!
//! The isoperimetric inequality: among all plane regions of area `A` the disc has the shortest
//! boundary, `2√(πA) = √(4πA)`. No zone of that area, whatever parcels it is made of, can have a
//! shorter perimeter, so `perimeter / bound − 1` is an upper limit on how much shorter the
//! zone's boundary could be made (Polsby-Popper is `(bound / perimeter)²`). The bound ignores the
//! parcels, so it is loose (a square is 12.8 % above it); an exact model gives a tighter one.

use crate::geodesy::M2_PER_ACRE;

/// The kind of bound, as named in schedules (`bound` column).
pub const ISOPERIMETRIC: &str = "isoperimetric";

/// The isoperimetric lower bound `√(4πA)` in metres on the perimeter of any region of `acres`.
///
/// ```
/// use allot::plan::bound::isoperimetric_bound_m;
/// // A disc of 1 km² has circumference 2π·564.19 m = 3,544.9 m.
/// let b = isoperimetric_bound_m(1e6 / 4046.8564224);
/// assert!((b - 3544.907701811).abs() < 1e-6, "{b}");
/// ```
pub fn isoperimetric_bound_m(acres: f64) -> f64 {
    (4.0 * std::f64::consts::PI * acres.max(0.0) * M2_PER_ACRE).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_is_12_8_percent_above_the_bound() {
        // A 100 m square: perimeter 400 m; bound √(4π·10⁴) = 354.49 m; 400/354.49 = 1.1284.
        let b = isoperimetric_bound_m(1e4 / M2_PER_ACRE);
        assert!((400.0 / b - 2.0 / std::f64::consts::PI.sqrt()).abs() < 1e-12);
        assert!((b - 354.490_770_181).abs() < 1e-6, "{b}");
    }
}
