//! The site boundary and `outside_site`: the part of a parcel outside the site.

use geo::coordinate_position::CoordPos;
use geo::orient::Direction;
use geo::{Coord, CoordinatePosition, Line, MultiPolygon, Orient, Rect};
use rayon::prelude::*;

use super::*;
use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2};
use crate::geom::bbox::bbox_of;
use crate::geom::boolops;
use crate::index::ParcelIndex;
use crate::model::{Parcel, ParcelSet};

/// Why a site file cannot be used as a site boundary.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SiteError {
    /// The site file has no features.
    #[error("{file}: the site has no polygons")]
    Empty {
        /// The site file's name.
        file: String,
    },
    /// A site feature is not a valid polygon.
    #[error(
        "{file}: feature {position} (id {id:?}) is not a valid site polygon: {reason} in {ring} at [{lon:.7}, {lat:.7}]"
    )]
    Invalid {
        /// The site file's name.
        file: String,
        /// 1-based position of the feature.
        position: usize,
        /// The feature's id.
        id: String,
        /// The PostGIS-style reason.
        reason: &'static str,
        /// Which ring.
        ring: String,
        /// Longitude of the problem.
        lon: f64,
        /// Latitude of the problem.
        lat: f64,
    },
    /// The site's polygons are valid but the geometry engine failed to merge them.
    #[error("{file}: the site's polygons could not be merged into one boundary")]
    Union {
        /// The site file's name.
        file: String,
    },
}

/// The site boundary: the union of the polygons of a site file, which must be valid.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}},
///   {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67.01,24],[67.02,24],[67.02,24.01],[67.01,24.01],[67.01,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "site.geojson").unwrap();
/// let site = allot::validate::site_boundary(&set).unwrap();
/// assert_eq!(site.0.len(), 1); // the two halves merge
/// ```
pub fn site_boundary(set: &ParcelSet) -> Result<MultiPolygon<f64>, SiteError> {
    if set.parcels.is_empty() {
        return Err(SiteError::Empty {
            file: set.source.clone(),
        });
    }
    let details = parcel_validity(&set.parcels);
    for (p, ds) in set.parcels.iter().zip(&details) {
        if let Some(d) = ds.first() {
            return Err(SiteError::Invalid {
                file: set.source.clone(),
                position: p.index as usize + 1,
                id: p.id.to_string(),
                reason: d.reason,
                ring: d.ring.clone(),
                lon: d.at.x,
                lat: d.at.y,
            });
        }
    }
    let geoms: Vec<&MultiPolygon<f64>> = set.parcels.iter().map(|p| &p.geometry).collect();
    let polys = oriented_polygons(geoms.iter().copied());
    let union = boolops::unary_union(&polys).ok_or_else(|| SiteError::Union {
        file: set.source.clone(),
    })?;
    Ok(snap_to_inputs(union, &geoms))
}

/// Snaps the result of a boolean operation back onto the vertices of its inputs.
pub(crate) fn snap_to_inputs(
    g: MultiPolygon<f64>,
    inputs: &[&MultiPolygon<f64>],
) -> MultiPolygon<f64> {
    if g.0.is_empty() {
        return g;
    }
    let vertices = Vertices::of(inputs.iter().copied());
    let extent = match (vertices.0.first(), vertices.0.last()) {
        (Some(a), Some(b)) => {
            let (lo, hi) = vertices
                .0
                .iter()
                .fold((a.y, a.y), |(lo, hi), c| (lo.min(c.y), hi.max(c.y)));
            Rect::new(Coord { x: a.x, y: lo }, Coord { x: b.x, y: hi })
        }
        _ => return g,
    };
    snap(&g, &[&vertices], snap_tolerance(extent))
}

/// The part of each valid parcel (not marked in `skip`) outside `site`, when more than
/// `min_m2`, in parcel order; messages state areas in `units`.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.02,24],[67.02,24.01],[67,24.01],[67,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "t").unwrap();
/// let site = MultiPolygon(vec![polygon![(x: 67.0, y: 24.0), (x: 67.01, y: 24.0), (x: 67.01, y: 24.01), (x: 67.0, y: 24.01)]]);
/// let f = allot::validate::outside_site(&set.parcels, &[false], &site, 1.0, allot::AreaUnit::Acres);
/// assert_eq!(f.len(), 1);
/// // Half the parcel: the east 0.01° × 0.01° (pyproj Geod: 1,126,941.73 m²).
/// assert!((f[0].acres.unwrap() * 4046.8564224 - 1_126_941.73).abs() < 1.0);
/// ```
pub fn outside_site(
    parcels: &[Parcel],
    skip: &[bool],
    site: &MultiPolygon<f64>,
    min_m2: f64,
    units: AreaUnit,
) -> Vec<Finding> {
    let site = site.orient(Direction::Default);
    let edges: Vec<Line<f64>> = site.0.iter().flat_map(rings).flat_map(segments).collect();
    let edge_index = ParcelIndex::from_boxes(edges.iter().map(|l| Rect::new(l.start, l.end)));
    let site_vertices = Vertices::of([&site]);
    parcels
        .par_iter()
        .enumerate()
        .filter(|(i, _)| !skip[*i])
        .filter_map(|(_, p)| {
            let g = &p.geometry;
            let shape = if edge_index.query(p.bbox()).is_empty() {
                // No site edge near: the parcel is wholly inside or wholly outside.
                let c = first_coord(g.0.first()?.exterior());
                if site.coordinate_position(&c) != CoordPos::Outside {
                    return None;
                }
                g.clone()
            } else {
                let diff = boolops::difference(g, &site)?;
                let extent = bbox_of(&MultiPolygon(
                    g.0.iter().chain(site.0.iter()).cloned().collect(),
                ));
                let own = Vertices::of([g]);
                snap(&diff, &[&own, &site_vertices], snap_tolerance(extent))
            };
            let area = area_m2(&shape);
            if area <= min_m2 || area <= 0.0 {
                return None;
            }
            Some(Finding {
                kind: FindingKind::OutsideSite,
                parcels: vec![p.id.clone()],
                zone: p.zone.as_deref().map(str::to_string),
                acres: Some(area / M2_PER_ACRE),
                at: representative(&shape),
                message: format!("{} of {} lies outside the site", units.text(area), p.id),
                geometry: Some(shape),
            })
        })
        .collect()
}
