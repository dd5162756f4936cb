//! `gap`: land enclosed by parcels (or inside the site) that no parcel covers.

use geo::coordinate_position::CoordPos;
use geo::orient::Direction;
use geo::{
    Area, Coord, CoordinatePosition, InteriorPoint, Line, MultiPolygon, Orient, Polygon, Rect,
};
use rayon::prelude::*;

use super::*;
use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2};
use crate::geom::bbox::{bbox_of, centred_rect, grown, rect_union};
use crate::geom::boolops;
use crate::index::ParcelIndex;
use crate::model::{Parcel, ParcelId};

use super::gap_tiles::{Tiling, enclosed_tiled, frame_of};

pub(crate) fn oriented_polygons<'a>(
    geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> Vec<Polygon<f64>> {
    geoms
        .into_iter()
        .flat_map(|g| g.orient(Direction::Default).0)
        .collect()
}

/// About how many m² a square degree holds at the PSM site's latitude (only to tell a large
/// region from a small one; nothing is measured with it).
const ROUGH_M2_PER_DEG2: f64 = 1.1e10;

/// The smallest rectangle holding all `rects` (a degenerate one at 0,0 when there are none).
fn extent_of(rects: impl IntoIterator<Item = Rect<f64>>) -> Rect<f64> {
    rects.into_iter().reduce(rect_union).unwrap_or(Rect::new(
        Coord { x: 0.0, y: 0.0 },
        Coord { x: 0.0, y: 0.0 },
    ))
}

/// The union of valid parcels (those not marked in `skip`), in one call of the engine; `None`
/// if it failed. Its vertices are on the engine's grid: each gap is snapped back onto the input
/// vertices on its own (in [`gaps_impl`]).
///
/// One call, not chunks merged pairwise: the engine snaps each call's input to a grid of its
/// own (offset to the centre of that call's bounding box), so a vertex shared by parcels in two
/// chunks came back from each chunk's union at a slightly different place, and the merged union
/// had hairline cracks along chunk borders. A crack from a gap to the land of the fully matched
/// parcels (left out of the union) joined the gap to that land, and the gap was dropped with it
/// as covered: 5 of 5,000 injected gaps at 10 million parcels, 13 of 378 on the fabric of
/// `gaps_are_found_when_the_parcels_around_them_are_many` in `tests/validate_synth.rs`. In one
/// call every copy of a vertex lands on the same grid point.
fn union_of(parcels: &[Parcel], skip: &[bool]) -> Option<MultiPolygon<f64>> {
    let polys = oriented_polygons(
        (0..parcels.len())
            .filter(|&i| !skip[i])
            .map(|i| &parcels[i].geometry),
    );
    boolops::unary_union(&polys)
}

/// The land `union` encloses: every bounded piece of the plane that no part of `union` covers,
/// with the parts of `union` inside it as its holes; `None` if the boolean-operation engine
/// failed.
///
/// The pieces are those of (a frame around `union`) − `union`, less the one piece that holds
/// the frame: the complement of the union, split into its connected pieces by the engine. They
/// are not the holes of the union's parts. The engine returns OGC-valid polygons, whose interiors
/// are connected, so two parts that meet only at points stay separate parts, and land enclosed
/// by several such parts together is a hole of none of them: on fabrics whose neighbours meet at
/// T-junctions or round a shared boundary differently, a 1,007.87 m² gap was missed because the
/// engine returned one of the plots around it as a part of its own, meeting the rest only at
/// T-junction vertices, while on a neighbouring cut the same land was a hole (see
/// `tests/fixtures/validate/README.md`). Which land falls into which part depends on how each
/// micro-sliver happens to fall; the pieces of the complement do not. For the same reason a part lying inside a hole (an
/// island, typically a plot ringed by millimetre slivers of differently rounded neighbours) is
/// cut out of the piece by the engine itself, with no point-in-ring test on nearly coincident
/// rings.
fn enclosed_by(union: &MultiPolygon<f64>) -> Option<Vec<Polygon<f64>>> {
    if union.0.is_empty() {
        return Some(Vec::new());
    }
    let (frame, outside) = frame_around(bbox_of(union));
    let rest = boolops::difference(&frame.to_polygon(), union)?;
    Some(rest.0.into_iter().filter(|p| !outside(p)).collect())
}

/// [`enclosed_by`] the union of the valid parcels not marked in `skip`, in one call of the
/// engine (a frame minus every parcel at once) instead of two (their union, then the frame
/// minus that union, which ran the engine again over every edge of the union); with the box of
/// those parcels. `None` if the engine failed.
///
/// One call snaps every vertex once, to the grid of the frame, where the two calls snapped
/// each vertex to the union's grid and then to the frame's: the same grid at the end, so the
/// pieces agree with the two-call path up to hairline detail, and every reported gap, snapped
/// back onto the input vertices, is the same (the unit tests compare the two paths).
pub(super) fn enclosed_by_parcels(
    parcels: &[Parcel],
    skip: &[bool],
) -> Option<(Vec<Polygon<f64>>, Rect<f64>)> {
    let polys = oriented_polygons(
        (0..parcels.len())
            .filter(|&i| !skip[i])
            .map(|i| &parcels[i].geometry),
    );
    if polys.is_empty() {
        return Some((Vec::new(), extent_of([])));
    }
    let b = crate::geom::bbox::bbox_of_polygons(&polys);
    let (frame, outside) = frame_around(b);
    let rest = boolops::difference_of_all(&frame.to_polygon(), &MultiPolygon(polys))?;
    Some((rest.0.into_iter().filter(|p| !outside(p)).collect(), b))
}

/// A frame around the box `b` ([`frame_of`]), and the test telling the piece of the frame that
/// holds the outside.
fn frame_around(b: Rect<f64>) -> (Rect<f64>, impl Fn(&Polygon<f64>) -> bool) {
    let (frame, m) = frame_of(b);
    // Every enclosed piece lies within the box; the outside reaches the frame.
    let outside = move |p: &Polygon<f64>| ring_box(p.exterior()).min().x < b.min().x - m / 2.0;
    (frame, outside)
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
    let matched = fully_matched(parcels, skip, &EdgeTable::build(parcels));
    gaps_impl(
        parcels,
        index,
        skip,
        site,
        min_gap_m2,
        Some(&matched),
        units,
    )
}

/// [`gaps`] given which parcels are [`fully_matched`] (taken from the edge table, which can
/// then be freed before this runs); without it, no parcel is left out of the union (the slower
/// reference the tests compare against).
pub(crate) fn gaps_impl(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    site: Option<&MultiPolygon<f64>>,
    min_gap_m2: f64,
    matched: Option<&[bool]>,
    units: AreaUnit,
) -> Vec<Finding> {
    let unmatched = match matched {
        Some(m) => skip.iter().zip(m).filter(|&(&s, &m)| !s && !m).count(),
        None => skip.iter().filter(|&&s| !s).count(),
    };
    let tiling = (unmatched >= TILE_FROM).then(Tiling::default);
    gaps_with(
        parcels, index, skip, site, min_gap_m2, matched, units, tiling,
    )
}

/// Unmatched parcels from which the enclosed land is found tile by tile ([`enclosed_tiled`])
/// rather than in one engine call.
///
/// The tiles bound memory but cost time: on cadastral land, whose hairline cracks between
/// differently rounded boundaries run from tile to tile, many windows grow and are run again.
/// Measured on the same files and binary (BENCHMARKS.md, "The gap search: one call below two
/// million unmatched parcels"): 99,151 cadastral plots, the same findings, 11.0 s of CPU tiled
/// against 3.0 s in one call (medians of 3) for 9 % less memory; 1.07M plots, 167 s against
/// 38 s for 1.7 GB against 2.5 GB. The one call holds about 2.3 KB per unmatched parcel, so
/// below two million it stays under about 5 GB; above, the tiles keep ten million plots within
/// the machine.
const TILE_FROM: usize = 2_000_000;

/// [`gaps_impl`], with the enclosed land (without a site) found tile by tile as `tiling` says
/// ([`enclosed_tiled`]), or, with `None`, in one call of the engine over every parcel (the
/// reference the tests compare the tiles against).
#[allow(clippy::too_many_arguments)]
pub(crate) fn gaps_with(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    site: Option<&MultiPolygon<f64>>,
    min_gap_m2: f64,
    matched: Option<&[bool]>,
    units: AreaUnit,
    tiling: Option<Tiling>,
) -> Vec<Finding> {
    // Only parcels with some boundary not matched edge-for-edge by a neighbour can border a
    // gap; the union of those alone has the same holes, plus holes that are entirely covered
    // by the left-out (fully matched) parcels, which are dropped below. On a clean fabric this
    // unions the outer ring of parcels instead of all of them.
    let none;
    let matched = match matched {
        Some(m) => m,
        None => {
            none = vec![false; parcels.len()];
            &none[..]
        }
    };
    let boundary_skip: Vec<bool> = skip.iter().zip(matched).map(|(&s, &m)| s || m).collect();
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
    //
    // (region, is the region site land, as opposed to a hole in the fabric, and whether it is
    // still to be checked against the matched parcels). On fabrics whose neighbours round a
    // shared boundary differently there are thousands of hairline pieces a few mm² each, so
    // without a site the (costly) interior-point test waits until a piece is known to be over
    // the reporting threshold; dropping a piece earlier or later changes nothing else.
    let mut regions: Vec<(Polygon<f64>, bool, bool)> = Vec::new();
    let extent;
    match site {
        None => {
            // Without a site the union itself is not needed, only the land it encloses.
            let enclosed = match tiling {
                Some(tiling) => enclosed_tiled(parcels, index, &boundary_skip, tiling),
                None => enclosed_by_parcels(parcels, &boundary_skip),
            };
            let Some((enclosed, b)) = enclosed else {
                return Vec::new();
            };
            extent = b;
            regions.extend(enclosed.into_iter().map(|h| (h, false, true)));
        }
        Some(site) => {
            let Some(union) = union_of(parcels, &boundary_skip) else {
                return Vec::new();
            };
            let Some(enclosed) = enclosed_by(&union) else {
                return Vec::new();
            };
            extent = extent_of([bbox_of(&union), bbox_of(site)]);
            let holes: Vec<Polygon<f64>> = enclosed
                .into_iter()
                .filter(|h| !covered_by_matched(h))
                .collect();
            let site_o = site.orient(Direction::Default);
            regions.extend(
                boolops::difference(&site_o, &union)
                    .unwrap_or_else(|| MultiPolygon(Vec::new()))
                    .0
                    .into_iter()
                    .filter(|p| !covered_by_matched(p))
                    .map(|p| (p, true, false)),
            );
            for h in holes {
                let rest = boolops::difference(&MultiPolygon(vec![h]), &site_o)
                    .unwrap_or_else(|| MultiPolygon(Vec::new()));
                regions.extend(rest.0.into_iter().map(|p| (p, false, false)));
            }
        }
    }
    if regions.is_empty() {
        return Vec::new();
    }
    let tol = snap_tolerance(extent);
    let site_vertices = Vertices::of(site);
    let mut found: Vec<(usize, Finding)> = regions
        .par_iter()
        .enumerate()
        .filter_map(|(k, (region, site_land, check_cover))| {
            // A region is dropped when either test drops it, so which goes first is a matter
            // of cost only: the interior-point test for a large region (the land inside a
            // fabric's outer ring of unmatched parcels, covered by matched ones), the area
            // first for a small one (a hairline sliver). Planar degrees² are a rough size.
            let cover_first = *check_cover
                && region.unsigned_area() * ROUGH_M2_PER_DEG2 > 100.0 * min_gap_m2.max(1.0);
            if cover_first && covered_by_matched(region) {
                return None;
            }
            let rb = ring_box(region.exterior());
            let near: Vec<usize> = index
                .query(grown(rb, tol))
                .into_iter()
                .filter(|&i| !skip[i])
                .collect();
            // Snapping looks at input vertices within 2 tol of the region's box (within tol
            // of a vertex moved by at most tol); the rest of a large neighbour's ring is not
            // needed.
            let reach = grown(rb, 3.0 * tol);
            let local = Vertices::of_within(near.iter().map(|&i| &parcels[i].geometry), reach);
            let shape = MultiPolygon(vec![snap_polygon(
                &region.orient(Direction::Default),
                &[&local, &site_vertices],
                tol,
            )]);
            let area = area_m2(&shape);
            if area <= min_gap_m2
                || area <= 0.0
                || (*check_cover && !cover_first && covered_by_matched(region))
            {
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

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, polygon};

    /// The 0.01° cell at column `c`, row `r` from (67, 24), as a parcel feature.
    fn cell(c: i32, r: i32) -> String {
        let (x, y) = (67.0 + c as f64 * 0.01, 24.0 + r as f64 * 0.01);
        let (x1, y1) = (67.0 + (c + 1) as f64 * 0.01, 24.0 + (r + 1) as f64 * 0.01);
        format!(
            r#"{{"type":"Feature","id":"c{c}{r}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#
        )
    }

    fn gaps_of(features: &[String]) -> (Vec<Parcel>, Vec<Finding>) {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        let set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
        let index = ParcelIndex::build(set.parcels.iter().map(|p| &p.geometry));
        let skip = vec![false; set.parcels.len()];
        let found = gaps(&set.parcels, &index, &skip, None, 1.0, AreaUnit::Acres);
        // The reference without the edge table (every parcel in the union) agrees.
        let full = gaps_impl(
            &set.parcels,
            &index,
            &skip,
            None,
            1.0,
            None,
            AreaUnit::Acres,
        );
        assert_eq!(found, full);
        (set.parcels, found)
    }

    /// Four cells around an empty centre cell, each touching the next only at a corner (a
    /// plus sign of cells): the union is four parts with no holes at all, yet the centre is
    /// land enclosed by parcels and covered by none.
    #[test]
    fn land_enclosed_by_parts_meeting_at_points_is_a_gap() {
        let plus = [cell(0, 1), cell(1, 0), cell(2, 1), cell(1, 2)];
        let (parcels, found) = gaps_of(&plus);
        let union = union_of(&parcels, &[false; 4]).unwrap();
        assert_eq!(union.0.len(), 4);
        assert!(union.0.iter().all(|p| p.interiors().is_empty()));
        assert_eq!(found.len(), 1, "{found:?}");
        // The gap is the centre cell itself: same area (to rounding) and same box.
        let centre = crate::read::parse_parcels(
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                cell(1, 1)
            )
            .as_bytes(),
            "t",
        )
        .unwrap();
        let want = area_m2(&centre.parcels[0].geometry);
        let got = found[0].acres.unwrap() * M2_PER_ACRE;
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        assert_eq!(
            bbox_of(found[0].geometry.as_ref().unwrap()),
            centre.parcels[0].bbox()
        );
        assert_eq!(found[0].parcels.len(), 4);
        // The same with a fifth cell diagonal to the centre: still one gap, still enclosed.
        let (_, found) = gaps_of(&[plus.to_vec(), vec![cell(2, 2)]].concat());
        assert_eq!(found.len(), 1, "{found:?}");
        // With one arm gone the centre opens onto the outside: no gap.
        let (_, found) = gaps_of(&plus[..3]);
        assert!(found.is_empty(), "{found:?}");
    }

    /// A parcel inside such a pinched gap is land: the gap is the centre cell minus it.
    #[test]
    fn an_island_inside_a_pinched_gap_is_not_part_of_it() {
        let island = r#"{"type":"Feature","id":"i","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67.013,24.013],[67.017,24.013],[67.017,24.017],[67.013,24.017],[67.013,24.013]]]}}"#;
        let features = [
            cell(0, 1),
            cell(1, 0),
            cell(2, 1),
            cell(1, 2),
            island.to_string(),
        ];
        let (parcels, found) = gaps_of(&features);
        assert_eq!(found.len(), 1, "{found:?}");
        let g = found[0].geometry.as_ref().unwrap();
        assert_eq!(g.0.len(), 1);
        assert_eq!(g.0[0].interiors().len(), 1);
        let centre = polygon![(x: 67.01, y: 24.01), (x: 67.02, y: 24.01), (x: 67.02, y: 24.02), (x: 67.01, y: 24.02)];
        let want = area_m2(&MultiPolygon(vec![centre])) - area_m2(&parcels[4].geometry);
        let got = found[0].acres.unwrap() * M2_PER_ACRE;
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        // Planar check of the shape: 1e-4 − 0.16e-4 square degrees.
        assert!((g.unsigned_area() - 0.84e-4).abs() < 1e-12);
        assert_eq!(found[0].parcels.len(), 5);
    }

    /// The one-call path (a frame minus every parcel) finds the same enclosed land as the
    /// two-call path it replaced (the union, then the frame minus the union), on fabrics with
    /// hairline cracks and overlaps (cadastral, rounded to 8 and 10 decimals), non-convex
    /// parcels and injected gaps: every piece over a hundredth of a square metre has its twin
    /// (same planar area to 1e-9 relative, same box to a micro-degree), and the counts agree.
    #[test]
    fn one_call_finds_the_same_enclosed_land_as_union_then_difference() {
        use crate::synth::cadastral::CadastralSpec;
        use crate::synth::cadastral_defects::{Defects, inject};
        use crate::synth::{FabricSpec, generate};
        let defects = Defects {
            overlaps: 4,
            gaps: 6,
            invalid: 0,
        };
        let texts = [
            inject(&CadastralSpec::with_parcels(1200, 3), defects).0,
            inject(&CadastralSpec::with_parcels(1200, 8), defects).0,
            generate(&FabricSpec {
                overlaps: 5,
                gaps: 8,
                ..FabricSpec::nonconvex(1200, 4)
            })
            .unwrap()
            .0,
            generate(&FabricSpec {
                overlaps: 5,
                gaps: 8,
                ..FabricSpec::with_parcels(1200, 5)
            })
            .unwrap()
            .0,
        ];
        for text in &texts {
            let parcels = crate::read::parse_parcels(text.as_bytes(), "t")
                .unwrap()
                .parcels;
            let skip = vec![false; parcels.len()];
            let key = |p: &Polygon<f64>| {
                let b = ring_box(p.exterior());
                (
                    p.unsigned_area(),
                    [b.min().x, b.min().y, b.max().x, b.max().y],
                )
            };
            let sized = |v: Vec<Polygon<f64>>| {
                let mut k: Vec<(f64, [f64; 4])> = v
                    .iter()
                    .map(key)
                    .filter(|k| k.0 * ROUGH_M2_PER_DEG2 > 0.01)
                    .collect();
                k.sort_by(|a, b| a.0.total_cmp(&b.0));
                k
            };
            let one = sized(enclosed_by_parcels(&parcels, &skip).unwrap().0);
            let two = sized(enclosed_by(&union_of(&parcels, &skip).unwrap()).unwrap());
            assert!(one.len() >= 6, "{}", one.len());
            assert_eq!(one.len(), two.len());
            for (a, b) in one.iter().zip(&two) {
                assert!((a.0 - b.0).abs() <= 1e-9 * b.0, "{a:?} {b:?}");
                assert!(a.1.iter().zip(&b.1).all(|(x, y)| (x - y).abs() < 1e-6));
            }
        }
    }
}
