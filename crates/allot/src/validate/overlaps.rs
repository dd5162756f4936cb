//! `overlap`: pairs of parcels whose interiors overlap, found through the R-tree and measured exactly.

use geo::{Intersects, MultiPolygon};
use rayon::prelude::*;

use super::*;
use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2};
use crate::geom::bbox::bbox_of;
use crate::geom::boolops;
use crate::index::ParcelIndex;
use crate::model::Parcel;

/// An overlapping pair with a positive intersection area.
#[derive(Debug, Clone)]
pub(crate) struct OverlapPair {
    pub(crate) i: usize,
    pub(crate) j: usize,
    pub(crate) area_m2: f64,
    shape: MultiPolygon<f64>,
}

impl OverlapPair {
    /// Whether the overlap joins its two parcels into one piece of a zone: when it reaches
    /// farther than [`COLLINEAR_TOLERANCE_DEG`](crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG)
    /// in longitude or latitude. Neighbours that overlap along a boundary they share (a sliver
    /// between two roundings, a strip where one was digitised a few centimetres into the other)
    /// are joined by it; two parcels whose corners overlap by a millimetre meet at a corner,
    /// which joins nothing, as the planner's [`Adjacency`](crate::Adjacency) decides.
    pub(crate) fn joins(&self) -> bool {
        let b = bbox_of(&self.shape);
        b.width().max(b.height()) > crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG
    }
}

/// The exact overlap of parcels `i` and `j`: the intersection (i_overlay), snapped back onto
/// their vertices, with its geodesic area, when that area is positive.
pub(crate) fn exact_overlap(parcels: &[Parcel], i: usize, j: usize) -> Option<OverlapPair> {
    let (a, b) = (&parcels[i].geometry, &parcels[j].geometry);
    if !a.intersects(b) {
        return None;
    }
    let shape = boolops::intersection(a, b)?;
    if shape.0.is_empty() {
        return None;
    }
    let extent = bbox_of(&MultiPolygon(
        a.0.iter().chain(b.0.iter()).cloned().collect(),
    ));
    let sources = Vertices::of([a, b]);
    let shape = snap(&shape, &[&sources], snap_tolerance(extent));
    let area_m2 = area_m2(&shape);
    (area_m2 > 0.0).then_some(OverlapPair {
        i,
        j,
        area_m2,
        shape,
    })
}

/// Pairs whose overlap is bounded ([`overlap_bound_m2`], or the convex clip plus
/// [`overlap_margins_m2`]) below this many
/// times the prefilter's threshold `eps` (a thousandth of the reporting threshold, at most
/// 0.001 m²) are slivers: below half the reporting threshold (at most 0.5 m²), so never
/// reported.
const SLIVER_BOUND_PER_EPS: f64 = 500.0;

/// What the overlap pass found.
#[derive(Debug, Default)]
pub(crate) struct OverlapScan {
    /// Pairs with a positive exact overlap, in candidate-pair order.
    pub(crate) pairs: Vec<OverlapPair>,
    /// Pairs the prefilter skipped because their overlap is below its threshold without being
    /// proven empty: they may still overlap by a sliver (never more than the reporting
    /// threshold), which matters only for zone contiguity.
    pub(crate) slivers: Vec<(usize, usize)>,
}

/// The overlap prefilter's threshold for a reporting threshold of `min_overlap_m2`: pairs
/// whose clipped planar overlap is below it skip the exact intersection.
///
/// A thousandth of the reporting threshold (at most 1 mm²·1000): the planar clip differs from
/// the exact geodesic area by far less than that (see [`convex_clip_area_m2`]), so no overlap
/// above the reporting threshold is skipped. Zero (no skipping) when the threshold is zero.
pub(crate) fn prefilter_eps_m2(min_overlap_m2: f64) -> f64 {
    if min_overlap_m2.is_finite() && min_overlap_m2 > 0.0 {
        min_overlap_m2.min(1.0) * 1e-3
    } else {
        0.0
    }
}

/// Finds overlapping pairs among the candidate pairs of `index` whose boxes come within `tol`
/// (built over `parcels`; neither parcel marked in `skip`).
///
/// With `prefilter = Some(eps)`, a pair where one parcel is a single convex ring is first
/// tested cheaply: if an edge line of a convex parcel separates the two (exact predicates), the
/// interiors are disjoint and the pair is dropped; else the other parcel is clipped against the
/// convex one (Sutherland–Hodgman) and, when the clipped area is below `eps` m², the pair is
/// dropped as a sliver (listed in [`OverlapScan::slivers`]). Every other pair gets the exact
/// intersection, unless coverage-style edge matching ([`proven_disjoint_within`]) proves the two
/// interiors disjoint or their overlap is bounded below half the reporting threshold (a
/// sliver): the convex clip, or for two non-convex parcels the area found by cutting one into
/// triangles ([`overlap_bound_m2`]), plus the margins for geodesic edges and the engine's
/// snapping ([`overlap_margins_m2`]). With `None`, every pair gets the exact
/// intersection. Either way, pairs whose boxes share no area (apart, or meeting along an edge
/// or at a corner) are dropped first: their interiors cannot meet. `convex` is each
/// parcel's [`convexity`] (read only with a prefilter, and only for parcels not skipped).
pub(crate) fn overlap_scan(
    parcels: &[Parcel],
    index: &ParcelIndex,
    tol: f64,
    skip: &[bool],
    convex: &[Option<bool>],
    prefilter: Option<f64>,
) -> OverlapScan {
    // Without a prefilter no parcel is treated as convex, so every pair gets the exact path.
    let convex_of = |i: usize| prefilter.and(convex[i]);
    let eps = prefilter.unwrap_or(0.0);
    enum Outcome {
        Overlap(OverlapPair),
        Sliver(usize, usize),
    }
    // The candidate pairs are consumed piece by piece as the index finds them, never held
    // whole (32 bytes a parcel on a non-convex fabric).
    let found: Vec<Outcome> = index
        .pair_chunks(tol)
        // Split within a piece too: on a small fabric one piece holds every pair.
        .flat_map(|chunk| chunk.into_par_iter())
        .map(|(i, j)| (i as usize, j as usize))
        // Boxes meeting only along an edge or at a corner (the diagonal neighbours of a
        // grid-like fabric) hold interiors that cannot meet; nor can boxes that are apart (the
        // pairs within the tolerance).
        .filter(|&(i, j)| !skip[i] && !skip[j])
        .filter_map(|(i, j)| Some((i, j, index.shared_box(i, j)?)))
        .map_init(
            || {
                (
                    ClipBuffers::default(),
                    CoverageBuffers::default(),
                    BoundBuffers::default(),
                )
            },
            |(buf, cov, bound), (i, j, common)| {
                let (a, b) = (&parcels[i].geometry, &parcels[j].geometry);
                let clip = match (convex_of(i), convex_of(j)) {
                    (Some(ca), cb) => {
                        if separated(a, ca, b) || cb.is_some_and(|cb| separated(b, cb, a)) {
                            return None;
                        }
                        Some((a, ca, b))
                    }
                    (None, Some(cb)) => {
                        if separated(b, cb, a) {
                            return None;
                        }
                        Some((b, cb, a))
                    }
                    (None, None) => None,
                };
                let clipped =
                    clip.map(|(c, ccw, subject)| convex_clip_area_m2(c, ccw, subject, buf));
                if clipped.is_some_and(|area| area.abs() < eps) {
                    return Some(Outcome::Sliver(i, j));
                }
                if prefilter.is_some() && proven_disjoint_within(a, b, common, cov) {
                    return None;
                }
                // Neighbours whose boundaries do not match exactly (rounded differently,
                // T-junctions): an overlap bounded below half the threshold is never reported,
                // so it is a sliver too (settled exactly only if a zone needs it). With a convex
                // parcel the clip above is the overlap's planar area; otherwise it is found by
                // cutting one parcel into triangles (or bounded through the convex hulls).
                if prefilter.is_some() && eps > 0.0 {
                    let bound = match clipped {
                        Some(area) => area.abs() * 1.01 + overlap_margins_m2(a, b, common),
                        None => overlap_bound_m2(a, b, common, bound),
                    };
                    if bound < SLIVER_BOUND_PER_EPS * eps {
                        return Some(Outcome::Sliver(i, j));
                    }
                }
                exact_overlap(parcels, i, j).map(Outcome::Overlap)
            },
        )
        .flatten()
        .collect();
    let mut scan = OverlapScan::default();
    for f in found {
        match f {
            Outcome::Overlap(o) => scan.pairs.push(o),
            Outcome::Sliver(i, j) => scan.slivers.push((i, j)),
        }
    }
    scan
}

// The overlap prefilter: separating edges and convex clipping.
//
// Soundness. Let A be a single convex ring (no holes, one part) and B any polygon.
// 1. If every vertex of B lies on the closed outer side of the line through an edge of A
//    (decided with exact orientation predicates), B lies in that closed half-plane (B is inside
//    the convex hull of its vertices) and A in the other: their interiors are disjoint, so the
//    exact overlap is empty. Nothing is lost.
// 2. Clipping a ring against the half-planes of A (Sutherland–Hodgman) gives a ring whose
//    signed shoelace area is ∫_A w(x) dx, w the ring's winding number: each clip keeps the
//    winding number inside the half-plane and the closing pieces along the clip line enclose
//    nothing. For a valid B, Σ (sign of shell)·clip(shell) − Σ (sign of hole)·clip(hole) over
//    its parts is the area of A ∩ B, exactly, for a concave B, a B with holes or a multipolygon
//    B alike. The clip is done in a local metric frame (east, north metres at A's first vertex:
//    differences of nearby coordinates are exact, then scaled by N·cos φ₀ and M), whose areas
//    differ from geodesic ones by a factor within 1 ± (extent / R)·tan φ (below 1e-3 for any
//    parcel under 5 km away from the poles), plus rounding (~1e-12 m² for parcels of 1 km).
//    The exact path (i_overlay, then snapping) differs from the true area by at most its
//    snapping grid (extent / 2³⁰) times the overlap's perimeter. So a pair skipped because its
//    clipped area is below eps = 1e-3 · min(threshold, 1 m²) has an exact overlap far below the
//    reporting threshold: no reported overlap is lost.
// Skipped slivers can still matter for zone contiguity (an overlap of any positive size joins
// two parcels); `zone_checks` settles them with the exact path where they could.

pub(crate) fn overlap_finding(parcels: &[Parcel], o: &OverlapPair, units: AreaUnit) -> Finding {
    let (a, b) = (&parcels[o.i], &parcels[o.j]);
    Finding {
        kind: FindingKind::Overlap,
        parcels: vec![a.id.clone(), b.id.clone()],
        zone: None,
        acres: Some(o.area_m2 / M2_PER_ACRE),
        at: representative(&o.shape),
        message: format!("{} and {} overlap by {}", a.id, b.id, units.text(o.area_m2)),
        geometry: Some(o.shape.clone()),
    }
}

/// Every pair of parcels (neither marked in `skip`) whose interiors overlap by more than
/// `min_overlap_m2`, with the overlap's shape and geodesic area, in candidate-pair order;
/// messages state areas in `units`.
///
/// `index` must be built over `parcels` in order. Pairs sharing only an edge or a corner do
/// not overlap.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// use allot::parse_parcels;
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}},
///   {"type":"Feature","id":"B","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67.01,24],[67.02,24],[67.02,24.01],[67.01,24.01],[67.01,24]]]}}]}"#;
/// let set = parse_parcels(text, "t").unwrap();
/// let index = allot::ParcelIndex::build(set.parcels.iter().map(|p| &p.geometry));
/// // A and B share an edge: no overlap.
/// let units = allot::AreaUnit::SquareMetres;
/// assert!(allot::validate::overlaps(&set.parcels, &index, &[false, false], 0.0, units).is_empty());
/// ```
pub fn overlaps(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    min_overlap_m2: f64,
    units: AreaUnit,
) -> Vec<Finding> {
    overlap_scan(
        parcels,
        index,
        0.0,
        skip,
        &convexity(parcels),
        Some(prefilter_eps_m2(min_overlap_m2)),
    )
    .pairs
    .iter()
    .filter(|o| o.area_m2 > min_overlap_m2)
    .map(|o| overlap_finding(parcels, o, units))
    .collect()
}
