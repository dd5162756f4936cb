//! `gap`: land enclosed by parcels (or inside the site) that no parcel covers.

use geo::coordinate_position::CoordPos;
use geo::orient::Direction;
use geo::{Coord, CoordinatePosition, InteriorPoint, Line, MultiPolygon, Orient, Polygon, Rect};
use rayon::prelude::*;

use super::*;
use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2};
use crate::geom::bbox::{bbox_of, centred_rect, rect_union};
use crate::geom::boolops;
use crate::index::ParcelIndex;
use crate::model::{Parcel, ParcelId};

pub(crate) fn oriented_polygons<'a>(
    geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> Vec<Polygon<f64>> {
    geoms
        .into_iter()
        .flat_map(|g| g.orient(Direction::Default).0)
        .collect()
}

/// The smallest rectangle holding all `rects` (a degenerate one at 0,0 when there are none).
fn extent_of(rects: impl IntoIterator<Item = Rect<f64>>) -> Rect<f64> {
    rects.into_iter().reduce(rect_union).unwrap_or(Rect::new(
        Coord { x: 0.0, y: 0.0 },
        Coord { x: 0.0, y: 0.0 },
    ))
}

/// The union of valid parcels, computed in spatial chunks in parallel and then merged; `None`
/// if the boolean-operation engine failed on any step.
fn union_of(parcels: &[Parcel], skip: &[bool]) -> Option<MultiPolygon<f64>> {
    let mut valid: Vec<usize> = (0..parcels.len()).filter(|&i| !skip[i]).collect();
    const CHUNK: usize = 4096;
    if valid.len() <= CHUNK {
        let geoms: Vec<&MultiPolygon<f64>> = valid.iter().map(|&i| &parcels[i].geometry).collect();
        let polys = oriented_polygons(geoms.iter().copied());
        return Some(snap_to_inputs(boolops::unary_union(&polys)?, &geoms));
    }
    // Order parcels along a Morton curve so chunks are compact; merge chunk unions pairwise.
    let boxes: Vec<Rect<f64>> = valid.iter().map(|&i| parcels[i].bbox()).collect();
    let all = extent_of(boxes.iter().copied());
    let key = |r: &Rect<f64>| {
        let c = r.center();
        let fx = ((c.x - all.min().x) / all.width().max(1e-12) * 65535.0) as u32;
        let fy = ((c.y - all.min().y) / all.height().max(1e-12) * 65535.0) as u32;
        morton(fx.min(65535), fy.min(65535))
    };
    let keys: Vec<u64> = boxes.iter().map(key).collect();
    let mut order: Vec<usize> = (0..valid.len()).collect();
    order.sort_by_key(|&k| (keys[k], valid[k]));
    valid = order.into_iter().map(|k| valid[k]).collect();
    let mut pieces: Vec<MultiPolygon<f64>> = valid
        .par_chunks(CHUNK)
        .map(|chunk| {
            let polys = oriented_polygons(chunk.iter().map(|&i| &parcels[i].geometry));
            boolops::unary_union(&polys)
        })
        .collect::<Option<_>>()?;
    while pieces.len() > 1 {
        pieces = pieces
            .par_chunks(2)
            .map(|pair| {
                if pair.len() == 1 {
                    return Some(pair[0].clone());
                }
                let polys = oriented_polygons([&pair[0], &pair[1]]);
                boolops::unary_union(&polys)
            })
            .collect::<Option<_>>()?;
    }
    let geoms: Vec<&MultiPolygon<f64>> = valid.iter().map(|&i| &parcels[i].geometry).collect();
    Some(snap_to_inputs(
        pieces.pop().unwrap_or(MultiPolygon(vec![])),
        &geoms,
    ))
}

pub(crate) fn morton(x: u32, y: u32) -> u64 {
    fn spread(v: u32) -> u64 {
        let mut v = v as u64 & 0xFFFF_FFFF;
        v = (v | (v << 16)) & 0x0000_FFFF_0000_FFFF;
        v = (v | (v << 8)) & 0x00FF_00FF_00FF_00FF;
        v = (v | (v << 4)) & 0x0F0F_0F0F_0F0F_0F0F;
        v = (v | (v << 2)) & 0x3333_3333_3333_3333;
        v = (v | (v << 1)) & 0x5555_5555_5555_5555;
        v
    }
    spread(x) | (spread(y) << 1)
}

/// The holes of a union, each minus the islands of the union inside it.
///
/// Whether an island (another part of the union) lies in a hole is decided by one interior
/// point of the island, never by its vertices or its bounding box. Parts of a union are
/// disjoint, so an island is wholly inside a hole's ring or wholly outside it, but on a fabric
/// whose neighbours round a shared boundary differently (or meet at T-junctions) an island is
/// typically a parcel ringed by a micro-sliver of uncovered land a millimetre wide: its
/// vertices then lie on the hole's ring or a hair outside it, and its box pokes out of the
/// hole's box. Tested by vertices and box, such an island was not subtracted, and the whole
/// parcel was reported as a gap (a false gap of the parcel's area).
fn holes_of(union: &MultiPolygon<f64>) -> Vec<Polygon<f64>> {
    let boxes: Vec<Rect<f64>> = union.0.iter().map(|p| ring_box(p.exterior())).collect();
    let index = ParcelIndex::from_boxes(boxes.iter().copied());
    // One point inside each part (its first vertex if the interior point cannot be had; a NaN
    // point, which is inside nothing, for an empty part).
    let inner: Vec<Coord<f64>> = union
        .0
        .iter()
        .map(|p| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.interior_point()))
                .ok()
                .flatten()
                .map(|q| q.0)
                .or_else(|| p.exterior().0.first().copied())
                .unwrap_or(Coord {
                    x: f64::NAN,
                    y: f64::NAN,
                })
        })
        .collect();
    let mut out = Vec::new();
    for (k, p) in union.0.iter().enumerate() {
        for hole in p.interiors() {
            let hb = ring_box(hole);
            let in_box = |c: Coord<f64>| {
                c.x >= hb.min().x && c.x <= hb.max().x && c.y >= hb.min().y && c.y <= hb.max().y
            };
            let mut islands: Vec<usize> = index
                .query(hb)
                .into_iter()
                .filter(|&m| {
                    m != k && in_box(inner[m]) && inside(hole, inner[m]) == CoordPos::Inside
                })
                .collect();
            // Islands inside other islands' holes are not in this hole's region.
            let all = islands.clone();
            islands.retain(|&r| {
                !all.iter()
                    .any(|&o| o != r && inside(union.0[o].exterior(), inner[r]) == CoordPos::Inside)
            });
            out.push(Polygon::new(
                hole.clone(),
                islands
                    .into_iter()
                    .map(|m| union.0[m].exterior().clone())
                    .collect(),
            ));
        }
    }
    out
}

/// The boundary of a gap, indexed so that many parcels can be tested against it.
struct Boundary {
    segs: Vec<Line<f64>>,
    index: ParcelIndex,
    verts: Vertices,
}

impl Boundary {
    fn of(g: &MultiPolygon<f64>) -> Self {
        let segs: Vec<Line<f64>> = g.0.iter().flat_map(rings).flat_map(segments).collect();
        let index = ParcelIndex::from_boxes(segs.iter().map(|l| Rect::new(l.start, l.end)));
        Boundary {
            segs,
            index,
            verts: Vertices::of([g]),
        }
    }

    /// Whether `p`'s boundary comes within `tol` of this boundary (an edge or a point in
    /// common); for shapes whose interiors do not overlap.
    fn touches(&self, p: &MultiPolygon<f64>, tol: f64) -> bool {
        let around = |c: Coord<f64>| centred_rect(c, tol, tol);
        let own: Vec<Coord<f64>> =
            p.0.iter()
                .flat_map(rings)
                .flat_map(|r| r.0.iter().copied())
                .collect();
        // A vertex of p on this boundary.
        if own.iter().any(|&c| {
            self.index
                .query(around(c))
                .into_iter()
                .any(|k| point_segment_distance(c, &self.segs[k]) <= tol)
        }) {
            return true;
        }
        // A vertex of this boundary on p's boundary.
        let b = bbox_of(p);
        let lo = self.verts.0.partition_point(|v| v.x < b.min().x - tol);
        let candidates: Vec<Coord<f64>> = self.verts.0[lo..]
            .iter()
            .take_while(|v| v.x <= b.max().x + tol)
            .filter(|v| v.y >= b.min().y - tol && v.y <= b.max().y + tol)
            .copied()
            .collect();
        if candidates.is_empty() {
            return false;
        }
        let segs: Vec<Line<f64>> = p.0.iter().flat_map(rings).flat_map(segments).collect();
        candidates
            .iter()
            .any(|&c| segs.iter().any(|s| point_segment_distance(c, s) <= tol))
    }
}

/// Every gap of more than `min_gap_m2`: land enclosed by the valid parcels (not marked in
/// `skip`) but covered by none, and, with a `site`, land of the site no parcel covers. Each
/// gap lists the valid parcels touching it (by an edge or a point), in file order; messages
/// state areas in `units`. A hole of a single parcel is a gap too: land of the fabric no
/// parcel covers.
///
/// `index` must be built over `parcels` in order.
///
/// ```
/// use allot::parse_parcels;
/// // A ring of eight 0.01° cells around a missing centre cell.
/// let mut features = Vec::new();
/// for r in 0..3 { for c in 0..3 { if (r, c) == (1, 1) { continue; }
///   let (x, y) = (67.0 + c as f64 * 0.01, 24.0 + r as f64 * 0.01);
///   features.push(format!(r#"{{"type":"Feature","id":"c{r}{c}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]}}}}"#, x + 0.01, x + 0.01, y + 0.01, y + 0.01));
/// } }
/// let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
/// let set = parse_parcels(text.as_bytes(), "t").unwrap();
/// let index = allot::ParcelIndex::build(set.parcels.iter().map(|p| &p.geometry));
/// let units = allot::AreaUnit::Acres;
/// let gaps = allot::validate::gaps(&set.parcels, &index, &vec![false; 8], None, 1.0, units);
/// assert_eq!(gaps.len(), 1);
/// assert_eq!(gaps[0].parcels.len(), 8); // four by an edge, four by a corner
/// ```
pub fn gaps(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    site: Option<&MultiPolygon<f64>>,
    min_gap_m2: f64,
    units: AreaUnit,
) -> Vec<Finding> {
    let table = EdgeTable::build(parcels);
    gaps_impl(parcels, index, skip, site, min_gap_m2, Some(&table), units)
}

/// [`gaps`] with the parcels' edge table; without one, fully matched parcels are not left out
/// of the union (the slower reference the tests compare against).
pub(crate) fn gaps_impl(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    site: Option<&MultiPolygon<f64>>,
    min_gap_m2: f64,
    table: Option<&EdgeTable>,
    units: AreaUnit,
) -> Vec<Finding> {
    // Only parcels with some boundary not matched edge-for-edge by a neighbour can border a
    // gap; the union of those alone has the same holes, plus holes that are entirely covered
    // by the left-out (fully matched) parcels, which are dropped below. On a clean fabric this
    // unions the outer ring of parcels instead of all of them.
    let matched = match table {
        Some(table) => fully_matched(parcels, skip, table),
        None => vec![false; parcels.len()],
    };
    let boundary_skip: Vec<bool> = skip.iter().zip(&matched).map(|(&s, &m)| s || m).collect();
    let covered_by_matched = |region: &Polygon<f64>| -> bool {
        let Some(p) = region.interior_point() else {
            return false;
        };
        let r = Rect::new(p.0, p.0);
        index
            .query(r)
            .into_iter()
            // Inside, or on the shared boundary of two matched parcels: either way covered,
            // since a matched parcel's whole boundary lies inside the fabric.
            .any(|i| {
                matched[i] && parcels[i].geometry.coordinate_position(&p.0) != CoordPos::Outside
            })
    };
    // Only valid parcels reach the union, so the engine failing here would be a bug in it, not
    // bad input: report no gaps rather than abort the whole validation (this used to panic);
    // likewise a failed difference against the site contributes no regions.
    let Some(union) = union_of(parcels, &boundary_skip) else {
        return Vec::new();
    };
    let holes: Vec<Polygon<f64>> = holes_of(&union)
        .into_iter()
        .filter(|h| !covered_by_matched(h))
        .collect();
    // (region, is the region site land, as opposed to a hole in the fabric)
    let mut regions: Vec<(Polygon<f64>, bool)> = Vec::new();
    match site {
        None => regions.extend(holes.into_iter().map(|h| (h, false))),
        Some(site) => {
            let site_o = site.orient(Direction::Default);
            regions.extend(
                boolops::difference(&site_o, &union)
                    .unwrap_or_else(|| MultiPolygon(Vec::new()))
                    .0
                    .into_iter()
                    .filter(|p| !covered_by_matched(p))
                    .map(|p| (p, true)),
            );
            for h in holes {
                let rest = boolops::difference(&MultiPolygon(vec![h]), &site_o)
                    .unwrap_or_else(|| MultiPolygon(Vec::new()));
                regions.extend(rest.0.into_iter().map(|p| (p, false)));
            }
        }
    }
    if regions.is_empty() {
        return Vec::new();
    }
    let mut extent_geoms: Vec<Rect<f64>> = vec![bbox_of(&union)];
    if let Some(s) = site {
        extent_geoms.push(bbox_of(s));
    }
    let extent = extent_of(extent_geoms);
    let tol = snap_tolerance(extent);
    let site_vertices = Vertices::of(site);
    let mut found: Vec<(usize, Finding)> = regions
        .par_iter()
        .enumerate()
        .filter_map(|(k, (region, site_land))| {
            let rb = ring_box(region.exterior());
            let grown = Rect::new(
                Coord {
                    x: rb.min().x - tol,
                    y: rb.min().y - tol,
                },
                Coord {
                    x: rb.max().x + tol,
                    y: rb.max().y + tol,
                },
            );
            let near: Vec<usize> = index
                .query(grown)
                .into_iter()
                .filter(|&i| !skip[i])
                .collect();
            let local = Vertices::of(near.iter().map(|&i| &parcels[i].geometry));
            let shape = MultiPolygon(vec![snap_polygon(
                &region.orient(Direction::Default),
                &[&local, &site_vertices],
                tol,
            )]);
            let area = area_m2(&shape);
            if area <= min_gap_m2 || area <= 0.0 {
                return None;
            }
            let boundary = Boundary::of(&shape);
            let around: Vec<ParcelId> = near
                .iter()
                .filter(|&&i| boundary.touches(&parcels[i].geometry, tol))
                .map(|&i| parcels[i].id.clone())
                .collect();
            let message = if *site_land {
                format!(
                    "{} of the site is covered by no parcel{}",
                    units.text(area),
                    if around.is_empty() {
                        String::new()
                    } else {
                        format!(" (next to {} parcels)", around.len())
                    }
                )
            } else if let [only] = around.as_slice() {
                // A hole of one parcel is land of the fabric no parcel covers: a gap.
                format!(
                    "{} inside {only} (a hole in it) is covered by no parcel",
                    units.text(area)
                )
            } else {
                format!(
                    "{} enclosed by {} parcels is covered by none",
                    units.text(area),
                    around.len()
                )
            };
            Some((
                k,
                Finding {
                    kind: FindingKind::Gap,
                    parcels: around,
                    zone: None,
                    acres: Some(area / M2_PER_ACRE),
                    at: representative(&shape),
                    message,
                    geometry: Some(shape),
                },
            ))
        })
        .collect();
    found.sort_by_key(|f| f.0);
    found.into_iter().map(|f| f.1).collect()
}
