//! Geodesy: areas and lengths on the WGS84 ellipsoid, and the units allot reports them in.
//!
//! Every area in allot comes from here. Areas are geodesic (Karney 2013, through geo's
//! [`GeodesicArea`]), computed ring by ring with the absolute value of the signed area, so
//! clockwise rings (which RFC 7946 tells readers to accept) measure the same as
//! counter-clockwise ones, and a polygon's area is its shell minus its holes.

use geo::{Coord, Distance, Geodesic, GeodesicArea, LineString, MultiPolygon, Point, Polygon};

/// Square metres in one international acre (exact by definition).
pub const M2_PER_ACRE: f64 = 4_046.856_422_4;
/// Square metres in one hectare.
pub const M2_PER_HECTARE: f64 = 10_000.0;
/// Kanal per acre in the Sindh and Punjab land records (1 acre = 8 kanal = 160 marla).
pub const KANAL_PER_ACRE: f64 = 8.0;

/// A unit of area allot can report in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AreaUnit {
    /// International acres (the default: the PSM allocations are stated in acres).
    #[default]
    Acres,
    /// Hectares.
    Hectares,
    /// Square metres.
    SquareMetres,
    /// Kanal (1/8 acre).
    Kanal,
}

impl AreaUnit {
    /// Converts square metres to this unit.
    ///
    /// ```
    /// use allot::AreaUnit;
    /// assert_eq!(AreaUnit::Acres.from_m2(4046.8564224), 1.0);
    /// assert_eq!(AreaUnit::Kanal.from_m2(4046.8564224), 8.0);
    /// ```
    pub fn from_m2(self, m2: f64) -> f64 {
        match self {
            AreaUnit::Acres => m2 / M2_PER_ACRE,
            AreaUnit::Hectares => m2 / M2_PER_HECTARE,
            AreaUnit::SquareMetres => m2,
            AreaUnit::Kanal => m2 / M2_PER_ACRE * KANAL_PER_ACRE,
        }
    }

    /// Converts an amount in this unit to square metres.
    pub fn to_m2(self, amount: f64) -> f64 {
        match self {
            AreaUnit::Acres => amount * M2_PER_ACRE,
            AreaUnit::Hectares => amount * M2_PER_HECTARE,
            AreaUnit::SquareMetres => amount,
            AreaUnit::Kanal => amount / KANAL_PER_ACRE * M2_PER_ACRE,
        }
    }

    /// The short name used in tables and JSON keys (`acres`, `hectares`, `m2`, `kanal`).
    pub fn name(self) -> &'static str {
        match self {
            AreaUnit::Acres => "acres",
            AreaUnit::Hectares => "hectares",
            AreaUnit::SquareMetres => "m2",
            AreaUnit::Kanal => "kanal",
        }
    }
}

/// Converts square metres to acres.
///
/// ```
/// assert_eq!(allot::geodesy::acres(4046.8564224 * 700.0), 700.0);
/// ```
pub fn acres(m2: f64) -> f64 {
    m2 / M2_PER_ACRE
}

/// Geodesic (perimeter m, area m²) of one closed ring, area unsigned whatever its winding.
///
/// Rings are assumed smaller than half the Earth, which every land parcel is.
pub fn ring_perimeter_area(ring: &LineString<f64>) -> (f64, f64) {
    if ring.0.len() < 4 {
        return (0.0, 0.0);
    }
    let (p, a) = Polygon::new(ring.clone(), vec![]).geodesic_perimeter_area_signed();
    (p, a.abs())
}

/// Geodesic area of a polygon in m²: |shell| − Σ|holes|, independent of ring winding.
///
/// ```
/// use geo::polygon;
/// // A 0.01° × 0.01° square at the equator: 1,230,907.205 m² (pyproj `Geod(ellps="WGS84")`).
/// let square = polygon![(x: 0.0, y: 0.0), (x: 0.01, y: 0.0), (x: 0.01, y: 0.01), (x: 0.0, y: 0.01)];
/// let a = allot::geodesy::polygon_area_m2(&square);
/// assert!((a - 1_230_907.204_993).abs() < 1e-3, "{a}");
/// ```
pub fn polygon_area_m2(polygon: &Polygon<f64>) -> f64 {
    let shell = ring_perimeter_area(polygon.exterior()).1;
    let holes: f64 = polygon
        .interiors()
        .iter()
        .map(|r| ring_perimeter_area(r).1)
        .sum();
    // Never negative: holes larger than their shell (an invalid polygon) would otherwise give
    // negative parcel areas in reports and findings.
    (shell - holes).max(0.0)
}

/// Geodesic area of a multipolygon in m²: the sum of its polygons' areas (each measured
/// unsigned, so mixed windings never cancel).
pub fn area_m2(geometry: &MultiPolygon<f64>) -> f64 {
    geometry.0.iter().map(polygon_area_m2).sum()
}

/// Geodesic areas in m² of parcels, computed in parallel, in input order.
pub fn parcel_areas_m2(parcels: &[crate::Parcel]) -> Vec<f64> {
    use rayon::prelude::*;
    parcels.par_iter().map(|p| area_m2(&p.geometry)).collect()
}

/// Geodesic perimeter in metres: the length of every ring, shells and holes.
pub fn perimeter_m(geometry: &MultiPolygon<f64>) -> f64 {
    geometry
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| ring_perimeter_area(r).0)
        .sum()
}

/// Geodesic distance in metres between two lon/lat points on WGS84.
pub fn distance_m(a: Coord<f64>, b: Coord<f64>) -> f64 {
    Geodesic.distance(Point::from(a), Point::from(b))
}

/// Polsby-Popper compactness 4πA/P² (1 for a circle, ~0.785 for a square).
pub fn polsby_popper(area_m2: f64, perimeter_m: f64) -> f64 {
    if perimeter_m <= 0.0 {
        0.0
    } else {
        4.0 * std::f64::consts::PI * area_m2 / (perimeter_m * perimeter_m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Winding, polygon};

    fn square(lon: f64, lat: f64, d: f64) -> Polygon<f64> {
        polygon![(x: lon, y: lat), (x: lon + d, y: lat), (x: lon + d, y: lat + d), (x: lon, y: lat + d)]
    }

    #[test]
    fn clockwise_ring_measures_like_counter_clockwise() {
        let ccw = square(67.35, 24.81, 0.01);
        let mut cw = ccw.clone();
        cw.exterior_mut(|r| r.make_cw_winding());
        let a = polygon_area_m2(&ccw);
        let b = polygon_area_m2(&cw);
        assert!(a > 1.0e6 && a < 1.2e6, "{a}");
        assert_eq!(a, b);
    }

    #[test]
    fn hole_is_subtracted_whatever_its_winding() {
        let outer = square(67.0, 24.0, 0.02);
        let inner = square(67.005, 24.005, 0.01);
        let inner_area = polygon_area_m2(&inner);
        for cw_hole in [false, true] {
            let mut hole = inner.exterior().clone();
            if cw_hole {
                hole.make_cw_winding();
            } else {
                hole.make_ccw_winding();
            }
            let p = Polygon::new(outer.exterior().clone(), vec![hole]);
            let expect = polygon_area_m2(&outer) - inner_area;
            assert!((polygon_area_m2(&p) - expect).abs() < 1e-6);
        }
    }

    #[test]
    fn multipolygon_with_mixed_windings_sums_parts() {
        let a = square(67.0, 24.0, 0.01);
        let mut b = square(67.1, 24.0, 0.01);
        b.exterior_mut(|r| r.make_cw_winding());
        let mp = MultiPolygon(vec![a.clone(), b.clone()]);
        let sum = polygon_area_m2(&a) + polygon_area_m2(&b);
        assert!((area_m2(&mp) - sum).abs() < 1e-6);
        assert!(area_m2(&mp) > 2.0e6);
    }

    #[test]
    fn equator_degree_square_matches_geographiclib() {
        // pyproj Geod(ellps="WGS84").polygon_area_perimeter (GeographicLib's C code):
        // the 1°×1° cell at (0, 0) is 12,308,778,361.469452 m²; a 0.01° cell at 67 E 24 N
        // is 1,126,941.7262101173 m².
        let a = polygon_area_m2(&square(0.0, 0.0, 1.0));
        assert!((a - 12_308_778_361.469452).abs() / a < 1e-9, "{a}");
        let b = polygon_area_m2(&square(67.0, 24.0, 0.01));
        assert!((b - 1_126_941.726_210_117_3).abs() / b < 1e-9, "{b}");
    }

    #[test]
    fn unit_conversions_round_trip() {
        for u in [
            AreaUnit::Acres,
            AreaUnit::Hectares,
            AreaUnit::SquareMetres,
            AreaUnit::Kanal,
        ] {
            let m2 = 123_456.789;
            assert!((u.to_m2(u.from_m2(m2)) - m2).abs() < 1e-6);
        }
        assert!((AreaUnit::Hectares.from_m2(M2_PER_ACRE) - 0.404_685_642_24).abs() < 1e-12);
    }

    #[test]
    fn polsby_popper_of_a_square_is_pi_over_four() {
        let pp = polsby_popper(1.0, 4.0);
        assert!((pp - std::f64::consts::FRAC_PI_4).abs() < 1e-12);
    }
}
