//! Mistakes of placement a site boundary reveals: longitude and latitude swapped, and a
//! fabric on the wrong datum (Kalianpur 1962 read as WGS84 or the reverse).
//!
//! Both compare bounding boxes of the parcels and of the `--site` boundary, in WGS84:
//! - **swapped**: the parcels' box misses the site's box, but the box with x and y exchanged
//!   overlaps it (the PSM site swapped lies in Lapland, 24.8° E 67.3° N; exchanged back it
//!   covers the site). Real data that overlaps its site is never flagged, whatever its
//!   coordinates, because the first condition fails.
//! - **datum**: the two boxes have nearly the same size and are offset by a near-constant
//!   150–350 m (both corners move by the same vector within 15% of it): the size of the
//!   shift between Kalianpur 1962 and WGS84 in Pakistan (about 265 m at Karachi).

use geo::Rect;

/// The box around boxes (`None` for none).
pub fn union(boxes: impl IntoIterator<Item = Rect<f64>>) -> Option<Rect<f64>> {
    boxes.into_iter().reduce(|a, b| {
        Rect::new(
            geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
            geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
        )
    })
}

/// Metres per degree of latitude and (at latitude `lat`) of longitude, close enough for
/// hundred-metre comparisons.
fn metres_per_degree(lat: f64) -> (f64, f64) {
    (111_320.0 * lat.to_radians().cos(), 110_574.0)
}

fn overlaps(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// A message when the parcels look like they have longitude and latitude swapped relative
/// to the site.
///
/// ```
/// use geo::{coord, Rect};
/// let site = Rect::new(coord! { x: 67.30, y: 24.77 }, coord! { x: 67.40, y: 24.85 });
/// let swapped = Rect::new(coord! { x: 24.78, y: 67.31 }, coord! { x: 24.84, y: 67.39 });
/// assert!(allot::validate::placement::swapped_axes(&swapped, &site).is_some());
/// assert!(allot::validate::placement::swapped_axes(&site, &site).is_none());
/// ```
pub fn swapped_axes(parcels: &Rect<f64>, site: &Rect<f64>) -> Option<String> {
    if overlaps(parcels, site) {
        return None;
    }
    let flipped = Rect::new(
        geo::coord! { x: parcels.min().y, y: parcels.min().x },
        geo::coord! { x: parcels.max().y, y: parcels.max().x },
    );
    overlaps(&flipped, site).then(|| {
        format!(
            "longitude and latitude look swapped: the parcels lie at {:.4}..{:.4} E, {:.4}..{:.4} N, away from the site, and cover it once x and y are exchanged; write longitude first (GeoJSON order is [lon, lat]) or reproject with the right axis order",
            parcels.min().x,
            parcels.max().x,
            parcels.min().y,
            parcels.max().y
        )
    })
}

/// A warning when the parcels sit a near-constant 150–350 m off the site: the signature of
/// a datum mismatch (Kalianpur 1962 vs WGS84).
///
/// ```
/// use geo::{coord, Rect};
/// let site = Rect::new(coord! { x: 67.30, y: 24.77 }, coord! { x: 67.40, y: 24.85 });
/// // Moved 250 m north (0.00226° of latitude).
/// let moved = Rect::new(coord! { x: 67.30, y: 24.77226 }, coord! { x: 67.40, y: 24.85226 });
/// assert!(allot::validate::placement::datum_shift(&moved, &site).unwrap().contains("250 m"));
/// assert!(allot::validate::placement::datum_shift(&site, &site).is_none());
/// ```
pub fn datum_shift(parcels: &Rect<f64>, site: &Rect<f64>) -> Option<String> {
    let (mx, my) = metres_per_degree(site.center().y);
    let lo = (
        (parcels.min().x - site.min().x) * mx,
        (parcels.min().y - site.min().y) * my,
    );
    let hi = (
        (parcels.max().x - site.max().x) * mx,
        (parcels.max().y - site.max().y) * my,
    );
    let shift = ((lo.0 + hi.0) / 2.0, (lo.1 + hi.1) / 2.0);
    let size = shift.0.hypot(shift.1);
    let spread = (lo.0 - hi.0).hypot(lo.1 - hi.1);
    if !(150.0..=350.0).contains(&size) || spread > 0.15 * size {
        return None;
    }
    Some(format!(
        "the parcels sit a near-constant {size:.0} m ({:.0} m east, {:.0} m north) off the site boundary: the size of the shift between Kalianpur 1962 and WGS84 in Pakistan; check each file's datum (e.g. EPSG:24312 Kalianpur 1962 / UTM 42N vs EPSG:32642 WGS 84 / UTM 42N) and declare it with --crs",
        shift.0, shift.1
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect<f64> {
        Rect::new(coord! { x: x0, y: y0 }, coord! { x: x1, y: y1 })
    }

    #[test]
    fn a_fabric_on_its_site_or_merely_elsewhere_is_not_called_swapped() {
        let site = rect(67.30, 24.77, 67.40, 24.85);
        assert!(swapped_axes(&rect(67.35, 24.80, 67.45, 24.90), &site).is_none());
        assert!(swapped_axes(&rect(10.0, 50.0, 10.1, 50.1), &site).is_none());
    }

    #[test]
    fn shifts_outside_the_datum_band_or_uneven_ones_are_not_datum_warnings() {
        let site = rect(67.30, 24.77, 67.40, 24.85);
        let by = |dy_m: f64, grow_m: f64| {
            let d = dy_m / 110_574.0;
            let g = grow_m / 110_574.0;
            rect(67.30, 24.77 + d, 67.40, 24.85 + d + g)
        };
        assert!(datum_shift(&by(265.0, 0.0), &site).is_some());
        assert!(datum_shift(&by(50.0, 0.0), &site).is_none());
        assert!(datum_shift(&by(900.0, 0.0), &site).is_none());
        // One edge moved 265 m, the other not: a different fabric, not a shift.
        assert!(datum_shift(&by(265.0, -265.0), &site).is_none());
    }
}
