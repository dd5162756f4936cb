//! The warning for a file whose declared CRS is projected (metres) while every coordinate
//! in it lies within longitude/latitude range: almost always degrees mislabelled by `--crs`
//! or by a `.prj` / GeoPackage SRS, which would otherwise be read as parcels a few metres
//! across (0.00 acres, no error).

use geo::CoordsIter;

use crate::crs::Crs;
use crate::model::{ParcelSet, Warning, WarningKind};

/// A warning when `set` was read from a projected CRS (its [`ParcelSet::crs`]) and all of its
/// coordinates, taken back into that CRS, satisfy |x| ≤ 180 and |y| ≤ 90: they look like
/// degrees. `None` for WGS84 or another geographic CRS, for an empty set, and as soon as one
/// coordinate is out of that range (real projected data is, at its first vertex, so the check
/// costs one point there).
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
/// let set = allot::read::parse_parcels_from(text, "w.geojson", Default::default(), Some("EPSG:32642")).unwrap();
/// let w = allot::read::degrees_in_projected_crs(&set).unwrap();
/// assert!(w.message.contains("--crs EPSG:4326"), "{}", w.message);
/// let plain = allot::parse_parcels(text, "w.geojson").unwrap();
/// assert!(allot::read::degrees_in_projected_crs(&plain).is_none());
/// ```
pub fn degrees_in_projected_crs(set: &ParcelSet) -> Option<Warning> {
    let crs = Crs::from_epsg(set.crs?).ok()?;
    if crs.is_geographic() || set.parcels.is_empty() {
        return None;
    }
    // Back into the declared CRS (the inverse of the reprojection the reader applied); a point
    // that cannot go back counts as out of range.
    let in_range = |c: geo::Coord<f64>| {
        crs.from_wgs84(c)
            .is_ok_and(|p| p.x.abs() <= 180.0 && p.y.abs() <= 90.0)
    };
    let all = set
        .parcels
        .iter()
        .all(|p| p.geometry.coords_iter().all(in_range));
    all.then(|| Warning {
        kind: WarningKind::DegreesInProjectedCrs,
        message: format!(
            "{}: its CRS is declared as {crs}, a projected system in metres, but every coordinate lies within ±180, ±90: they look like longitude/latitude degrees, read here as metres (parcels a few metres across); if they are degrees, read it with --crs EPSG:4326",
            set.source
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(x: f64, y: f64, d: f64) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{{"type":"Feature","id":"A","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y}]]]}}}}]}}"#,
            x1 = x + d,
            y1 = y + d
        )
    }

    fn read(text: &str, crs: &str) -> ParcelSet {
        crate::read::parse_parcels_from(text.as_bytes(), "t.geojson", Default::default(), Some(crs))
            .unwrap()
    }

    #[test]
    fn degrees_declared_projected_warn_naming_file_and_crs() {
        let w = degrees_in_projected_crs(&read(&square(67.35, 24.81, 0.01), "EPSG:32642")).unwrap();
        assert_eq!(w.kind, WarningKind::DegreesInProjectedCrs);
        for part in [
            "t.geojson",
            "EPSG:32642 (WGS 84 / UTM zone 42N)",
            "degrees",
            "--crs EPSG:4326",
        ] {
            assert!(w.message.contains(part), "{part}: {}", w.message);
        }
        // Negative values near the ends of the range are in range too.
        assert!(
            degrees_in_projected_crs(&read(&square(-179.5, -89.5, 1.0), "EPSG:32642")).is_some()
        );
    }

    #[test]
    fn metres_geographic_and_one_far_point_do_not_warn() {
        // Real UTM 42N metres at the site.
        assert!(
            degrees_in_projected_crs(&read(&square(333_000.0, 2_744_000.0, 250.0), "EPSG:32642"))
                .is_none()
        );
        // Degrees declared as degrees (WGS84 and Kalianpur 1962 geographic).
        assert!(
            degrees_in_projected_crs(&read(&square(67.35, 24.81, 0.01), "EPSG:4326")).is_none()
        );
        assert!(
            degrees_in_projected_crs(&read(&square(67.35, 24.81, 0.01), "EPSG:4145")).is_none()
        );
        // x just past 180 m at one corner: metres, not degrees.
        assert!(
            degrees_in_projected_crs(&read(&square(170.0, 10.0, 11.0), "EPSG:32642")).is_none()
        );
        assert!(degrees_in_projected_crs(&read(&square(170.0, 80.0, 9.0), "EPSG:32642")).is_some());
        assert!(
            degrees_in_projected_crs(&read(&square(170.0, 80.0, 11.0), "EPSG:32642")).is_none()
        );
    }
}
