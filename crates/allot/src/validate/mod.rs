//! Validation: every problem with a parcel fabric or a proposed split, in one pass.
//!
//! [`validate`] reports every finding, not the first:
//! - `invalid_geometry`: a parcel that is not a valid OGC polygon as JTS/GEOS judge it
//!   (self-intersection, a hole outside its shell, a ring touching itself, overlapping parts of
//!   one multipolygon, an interior cut by rings touching at distinct points — the ring-touch
//!   graph of `ring_touch.rs`), one finding per problem, with the reason worded as PostGIS
//!   `ST_IsValidDetail` (GEOS) words it and the location of the problem ([`validity_details`]).
//! - `overlap`: every pair of parcels whose interiors overlap by more than
//!   [`ValidateOptions::min_overlap_m2`]. Candidates come from the R-tree; where one
//!   parcel is a single convex ring, a sound prefilter drops pairs a separating edge proves
//!   disjoint and pairs whose clipped overlap is below a thousandth of the threshold; for any
//!   shapes, coverage-style edge matching (shared edges matched exactly, no crossing among the
//!   rest, no vertex inside the other parcel) proves neighbours disjoint; neighbours whose
//!   boundaries differ by rounding or T-junctions are settled as slivers when their overlap,
//!   measured by clipping one against the other cut into triangles (`ear_clip.rs`) plus
//!   margins, is below half the threshold; the rest
//!   get a cheap `Intersects` filter, then the exact intersection (geo's `BooleanOps`,
//!   i_overlay) and its geodesic area. Parcels sharing only an edge or a corner do not overlap.
//! - `gap`: land enclosed by parcels but covered by none (the holes of the union of the
//!   parcels), with the parcels touching it; with a site, also land of the site no parcel covers
//!   (the pieces of site − union; holes inside the site are reported once, as such pieces).
//! - `outside_site`: the part of a parcel outside the site boundary.
//! - `duplicate_id`: two or more features with the same id.
//! - zones (a `zone` property): `unzoned` parcels (only when some parcels have zones),
//!   `zone_area` (a zone's total is further from its target than the tolerance, including a
//!   target zone with no parcels), `not_contiguous` (a zone falls into pieces of land: parcels
//!   connect by a shared edge, or by overlapping, never by a corner alone; the parts of a
//!   MultiPolygon parcel are pieces of their own unless joined through the zone, see
//!   `zone_parts.rs`) and `zone_name` (zone spellings that differ only by case or surrounding
//!   whitespace, `zone_names.rs`), and `zone_width` (a spur or neck of a zone narrower than
//!   the zone's minimum width, when it has one: `zone_width.rs`, the rule of
//!   `crate::graph::narrow`).
//!
//! Messages state areas in [`ValidateOptions::units`].
//!
//! Invalid parcels are reported as `invalid_geometry` and left out of the overlap, gap and
//! outside-site checks, since their area is ill-defined; a hole where an invalid parcel sits is
//! therefore reported as a gap. They still count in the parcel count, the total and their
//! zone's area (measured as |shell| − Σ|holes|) and in zone contiguity.
//!
//! Boolean operations snap coordinates to a grid of about (extent / 2³⁰); allot snaps the
//! vertices of overlap, gap and outside-site shapes back onto the input vertices they came from,
//! so areas of shapes bounded by input vertices are exact to the input's precision.

mod coverage;
mod ear_clip;
mod edges;
mod fabric_pieces;
mod gap_tiles;
mod gaps;
mod ids;
mod overlaps;
pub mod placement;
mod prefilter;
mod report;
mod ring_touch;
mod simple_ring;
mod site;
#[cfg(test)]
mod tests;
mod validity;
mod zone_names;
mod zone_parts;
mod zone_width;
mod zones;

use crate::geodesy::{M2_PER_ACRE, parcel_areas_m2};
use crate::index::ParcelIndex;
use crate::model::ParcelSet;

pub use self::gaps::gaps;
pub use self::overlaps::overlaps;
pub use self::report::{Finding, FindingKind, Report, ValidateOptions, ZoneStats, sort_findings};
pub use self::site::{SiteError, outside_site, site_boundary};
pub use self::validity::{InvalidDetail, invalid_geometry, validity_details};
use self::{
    coverage::*, edges::*, gaps::*, ids::*, overlaps::*, prefilter::*, report::*, ring_touch::*,
    simple_ring::*, validity::*, zone_parts::*, zones::*,
};
use crate::geom::ring::rings;
use crate::geom::segment::point_segment_distance;
use crate::geom::snap::*;
use crate::graph::union_find::*;

/// Validates a parcel set: every finding, sorted with [`sort_findings`].
///
/// ```
/// use allot::validate::{validate, ValidateOptions};
/// // Two 0.01° squares overlapping by half.
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon",
///    "coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}},
///   {"type":"Feature","id":"B","properties":{},"geometry":{"type":"Polygon",
///    "coordinates":[[[67.005,24],[67.015,24],[67.015,24.01],[67.005,24.01],[67.005,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "t").unwrap();
/// let report = validate(&set, &ValidateOptions::default());
/// assert_eq!(report.findings.len(), 1);
/// assert_eq!(report.findings[0].kind, allot::FindingKind::Overlap);
/// assert!((report.findings[0].acres.unwrap() - 139.23).abs() < 0.01);
/// ```
pub fn validate(set: &ParcelSet, opts: &ValidateOptions) -> Report {
    validate_with(set, opts, true)
}

/// [`validate`], with the overlap prefilter on or off (off: every candidate pair gets the exact
/// intersection; tests compare the two).
fn validate_with(set: &ParcelSet, opts: &ValidateOptions, prefilter: bool) -> Report {
    let parcels = &set.parcels;
    let n = parcels.len();
    // Peak memory is set by what is alive at once, so the stages come in turns: the shared-edge
    // table (16 bytes an edge) is built beside the per-parcel checks, read for the two things
    // it answers, and freed before the R-tree and the candidate pairs exist.
    let ((areas, (details, convex)), table) = rayon::join(
        || {
            let convex = convexity(parcels);
            let details = parcel_validity_with(parcels, &convex);
            (parcel_areas_m2(parcels), (details, convex))
        },
        || EdgeTable::build(parcels),
    );
    let skip: Vec<bool> = details.iter().map(|d| !d.is_empty()).collect();
    let mut findings = invalid_findings(parcels, &details);
    drop(details);
    let (matched, edge_pieces) = rayon::join(
        || fully_matched(parcels, &skip, &table),
        || shared_edge_pieces(parcels, &table),
    );
    drop(table);
    let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
    let (scan, gap_findings) = rayon::join(
        || {
            // Pairs whose boxes come within the collinear tolerance, as zone contiguity takes
            // them (the extra pairs' boxes are apart, so the scan drops them).
            overlap_scan(
                parcels,
                &index,
                crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG,
                &skip,
                &convex,
                prefilter.then(|| prefilter_eps_m2(opts.min_overlap_m2)),
            )
        },
        || {
            gaps_impl(
                parcels,
                &index,
                &skip,
                opts.site.as_ref(),
                opts.min_gap_m2,
                Some(&matched),
                opts.units,
            )
        },
    );
    findings.extend(
        scan.pairs
            .iter()
            .filter(|o| o.area_m2 > opts.min_overlap_m2)
            .map(|o| overlap_finding(parcels, o, opts.units)),
    );
    findings.extend(gap_findings);
    if let Some(site) = &opts.site {
        findings.extend(outside_site(
            parcels,
            &skip,
            site,
            opts.min_overlap_m2,
            opts.units,
        ));
    }
    findings.extend(duplicate_ids(parcels, &skip));

    let (zones, zone_findings) =
        zone_checks(parcels, &areas, &skip, edge_pieces, &index, &scan, opts);
    findings.extend(zone_findings);
    findings.extend(zone_names::zone_name_findings(parcels, &skip));
    sort_findings(&mut findings);
    Report {
        parcels: n,
        total_acres: areas.iter().sum::<f64>() / M2_PER_ACRE + 0.0,
        zones,
        findings,
    }
}
