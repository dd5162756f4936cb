//! The isoperimetric lower bound on a zone's perimeter: the one cheap bound every planned zone
//! carries (schedule columns `lower_bound_m` and `bound`, see [`crate::plan::proof`]), so a user
//! sees how far the zone could at most be from the shortest possible boundary.
//!
//! In the plane the disc has the shortest boundary of all regions of area `A`: `√(4πA)`. Areas
//! here are geodesic on WGS84, a curved surface, where the Bol–Fiala inequality gives
//! `P ≥ √(4πA − K·A²)` for Gaussian curvature at most `K`; on WGS84 `K` is largest at the
//! equator, `1 / (a²(1 − e²))`. The curvature term is tiny (about `A·K/(8π)` relative: 1e-9 for
//! 1 km²) but keeps the bound true. No zone of that area, whatever parcels it is made of, has a
//! shorter perimeter, so `perimeter / bound − 1` is an upper limit on how much shorter the zone's
//! boundary could be made (Polsby-Popper is about `(bound / perimeter)²`). The bound ignores the
//! parcels, so it is loose (a square is 12.8 % above it); the exact model behind `--prove` gives
//! a tighter one.

use crate::geodesy::{M2_PER_ACRE, WGS84_A, WGS84_E2};

/// The isoperimetric lower bound (m) on the perimeter of any region of `acres` on WGS84:
/// `√(4πA − K·A²)` with `K = 1/(a²(1 − e²))`, the ellipsoid's largest Gaussian curvature.
///
/// ```
/// use allot::plan::bound::isoperimetric_bound_m;
/// // A disc of 1 km² in the plane has circumference 2π·564.19 m = 3,544.9077 m; the earth's
/// // curvature takes about 3.5 µm off it.
/// let b = isoperimetric_bound_m(1e6 / 4046.8564224);
/// assert!((b - 3544.907701811).abs() < 1e-5 && b < 3544.907701811, "{b}");
/// ```
pub fn isoperimetric_bound_m(acres: f64) -> f64 {
    let a = acres.max(0.0) * M2_PER_ACRE;
    let k = 1.0 / (WGS84_A * WGS84_A * (1.0 - WGS84_E2));
    (4.0 * std::f64::consts::PI * a - k * a * a).max(0.0).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_square_is_12_8_percent_above_the_bound() {
        // A 100 m square: perimeter 400 m; bound √(4π·10⁴) = 354.49 m; 400/354.49 = 1.1284 (the
        // curvature term moves the ratio by about A·K/(8π) ≈ 1e-11).
        let b = isoperimetric_bound_m(1e4 / M2_PER_ACRE);
        assert!((400.0 / b - 2.0 / std::f64::consts::PI.sqrt()).abs() < 1e-9);
        assert!((b - 354.490_770_181).abs() < 1e-6, "{b}");
    }

    #[test]
    fn a_circle_is_at_the_bound_less_the_curvature_term() {
        // Circle of radius 1 km: area π km², perimeter 2π km. The curvature term changes it by
        // about A·K/(8π) relative, ~1e-8 here.
        let acres = std::f64::consts::PI * 1e6 / M2_PER_ACRE;
        let b = isoperimetric_bound_m(acres);
        let circle = 2.0 * std::f64::consts::PI * 1000.0;
        assert!(
            b < circle && (circle - b) / circle < 1e-7,
            "{b} vs {circle}"
        );
        assert_eq!(isoperimetric_bound_m(0.0), 0.0);
        assert_eq!(isoperimetric_bound_m(-1.0), 0.0);
    }
}
