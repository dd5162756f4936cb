//! Validation: every problem with a parcel fabric or a proposed split, in one pass.
//!
//! [`validate`] reports every finding, not the first:
//! - `invalid_geometry`: a parcel that is not a valid OGC polygon as JTS/GEOS judge it
//!   (self-intersection, a hole outside its shell, a ring touching itself, overlapping parts of
//!   one multipolygon, an interior cut by rings touching at distinct points — the ring-touch
//!   graph of `validate/ring_touch.rs`), one finding per problem, with the reason worded as PostGIS
//!   `ST_IsValidDetail` (GEOS) words it and the location of the problem ([`validity_details`]).
//! - `overlap`: every pair of parcels whose interiors overlap by more than
//!   [`ValidateOptions::min_overlap_m2`]. Candidates come from the R-tree; where one
//!   parcel is a single convex ring, a sound prefilter drops pairs a separating edge proves
//!   disjoint and pairs whose clipped overlap is below a thousandth of the threshold; the rest
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
//!   `validate/zone_parts.rs`) and `zone_name` (zone spellings that differ only by case or surrounding
//!   whitespace, `validate/zone_names.rs`).
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

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};
use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::orient::Direction;
use geo::{
    BooleanOps, Coord, CoordinatePosition, InteriorPoint, Intersects, Line, LineString,
    MultiPolygon, Orient, Polygon, Rect, Validation, unary_union,
};
use rayon::prelude::*;
use serde::Serialize;

use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2, parcel_areas_m2, polygon_area_m2};
use crate::index::ParcelIndex;
use crate::parcels::{Parcel, ParcelId, ParcelSet, bbox_of};

mod ring_touch;
mod zone_names;
mod zone_parts;
use ring_touch::disconnected_interior;
use zone_parts::{Piece, physical_pieces};

/// The kinds of finding, named as in the JSON report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A parcel's geometry is not valid (OGC simple features).
    InvalidGeometry,
    /// Two parcels' interiors overlap.
    Overlap,
    /// Land enclosed by parcels (or inside the site) that no parcel covers.
    Gap,
    /// Part of a parcel lies outside the site boundary.
    OutsideSite,
    /// Two or more parcels share an id.
    DuplicateId,
    /// A parcel has no zone while others do.
    Unzoned,
    /// A zone's area differs from its target by more than the tolerance.
    ZoneArea,
    /// A zone falls into more than one piece.
    NotContiguous,
    /// Zone names that differ only by case or surrounding whitespace.
    ZoneName,
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 9] = [
        FindingKind::InvalidGeometry,
        FindingKind::Overlap,
        FindingKind::Gap,
        FindingKind::OutsideSite,
        FindingKind::DuplicateId,
        FindingKind::Unzoned,
        FindingKind::ZoneArea,
        FindingKind::NotContiguous,
        FindingKind::ZoneName,
    ];

    /// The snake_case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::InvalidGeometry => "invalid_geometry",
            FindingKind::Overlap => "overlap",
            FindingKind::Gap => "gap",
            FindingKind::OutsideSite => "outside_site",
            FindingKind::DuplicateId => "duplicate_id",
            FindingKind::Unzoned => "unzoned",
            FindingKind::ZoneArea => "zone_area",
            FindingKind::NotContiguous => "not_contiguous",
            FindingKind::ZoneName => "zone_name",
        }
    }

    /// The kind named `name` (as [`FindingKind::name`] spells it).
    ///
    /// ```
    /// use allot::FindingKind;
    /// assert_eq!(FindingKind::from_name("zone_area"), Some(FindingKind::ZoneArea));
    /// assert_eq!(FindingKind::from_name("Overlap"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<FindingKind> {
        FindingKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// The parcels involved.
    pub parcels: Vec<ParcelId>,
    /// The zone involved (zone_area, not_contiguous, unzoned).
    pub zone: Option<String>,
    /// Area in acres, where the finding has one.
    pub acres: Option<f64>,
    /// A representative point `[lon, lat]`.
    pub at: [f64; 2],
    /// A sentence for people.
    pub message: String,
    /// The problem's shape, where it has one (overlap, gap, outside-site land).
    pub geometry: Option<MultiPolygon<f64>>,
}

/// A zone's totals.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZoneStats {
    /// Parcels in the zone.
    pub parcels: usize,
    /// Area in acres.
    pub acres: f64,
    /// Connected pieces.
    pub components: usize,
    /// Target in acres, when one was given.
    pub target_acres: Option<f64>,
}

/// What validation found.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Number of parcels checked.
    pub parcels: usize,
    /// Total parcel area in acres.
    pub total_acres: f64,
    /// Per-zone totals (empty when no parcel has a zone).
    pub zones: BTreeMap<String, ZoneStats>,
    /// Every finding, in a deterministic order.
    pub findings: Vec<Finding>,
}

impl Report {
    /// True when there is nothing to report.
    ///
    /// ```
    /// let r = allot::Report { parcels: 0, total_acres: 0.0, zones: Default::default(), findings: vec![] };
    /// assert!(r.is_clean());
    /// ```
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }

    /// How many findings of each kind, in report order (kinds without findings left out).
    pub fn counts(&self) -> Vec<(FindingKind, usize)> {
        FindingKind::ALL
            .into_iter()
            .map(|k| (k, self.findings.iter().filter(|f| f.kind == k).count()))
            .filter(|&(_, n)| n > 0)
            .collect()
    }
}

/// What to check, and how strictly.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateOptions {
    /// Target area of each zone, in acres (a later entry for the same zone wins).
    pub targets: Vec<(String, f64)>,
    /// How far, in acres, a zone's area may be from its target.
    pub tolerance_acres: f64,
    /// Overlaps of this many m² or less are not reported.
    pub min_overlap_m2: f64,
    /// Gaps of this many m² or less are not reported.
    pub min_gap_m2: f64,
    /// The site boundary: land of the site no parcel covers is a gap, parcel land outside it
    /// is `outside_site`.
    pub site: Option<MultiPolygon<f64>>,
    /// The unit areas are stated in within finding messages (the `acres` field stays in acres).
    pub units: AreaUnit,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            targets: Vec::new(),
            tolerance_acres: 1.0,
            min_overlap_m2: 1.0,
            min_gap_m2: 1.0,
            site: None,
            units: AreaUnit::Acres,
        }
    }
}

/// Orders findings: by kind, then area (largest first, findings without an area last), then
/// parcel ids, zone, location and message.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then_with(|| match (a.acres, b.acres) {
                (Some(x), Some(y)) => y.total_cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.parcels.cmp(&b.parcels))
            .then_with(|| a.zone.cmp(&b.zone))
            .then_with(|| a.at[0].total_cmp(&b.at[0]))
            .then_with(|| a.at[1].total_cmp(&b.at[1]))
            .then_with(|| a.message.cmp(&b.message))
    });
}

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
/// let set = allot::parcels::parse_parcels(text, "t").unwrap();
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
    // The R-tree's bulk load runs on one thread: build it alongside the parallel passes.
    let ((areas, (details, convex)), (index, table)) = rayon::join(
        || {
            let convex = convexity(parcels);
            let details = parcel_validity_with(parcels, &convex);
            (parcel_areas_m2(parcels), (details, convex))
        },
        || {
            rayon::join(
                || ParcelIndex::build(parcels.iter().map(|p| &p.geometry)),
                || EdgeTable::build(parcels),
            )
        },
    );
    let skip: Vec<bool> = details.iter().map(|d| !d.is_empty()).collect();
    let mut findings = invalid_findings(parcels, &details);

    let candidates = index.candidate_pairs();
    let (scan, gap_findings) = rayon::join(
        || {
            overlap_scan(
                parcels,
                &candidates,
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
                Some(&table),
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
        zone_checks(parcels, &areas, &skip, &table, &candidates, &scan, opts);
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

// ---------------------------------------------------------------------------------------------
// Invalid geometry.

/// Why a geometry is invalid, and where: one problem of [`validity_details`].
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidDetail {
    /// The reason as PostGIS `ST_IsValidDetail` (GEOS) words it: `Self-intersection`,
    /// `Ring Self-intersection`, `Hole lies outside shell`, `Holes are nested`,
    /// `Nested shells`, `Too few points in geometry component`, `Interior is disconnected`,
    /// `Invalid Coordinate`.
    pub reason: &'static str,
    /// Which ring or part, e.g. `shell`, `hole 1`, `polygon 2 shell`, `polygons 1 and 2`.
    pub ring: String,
    /// Where the problem is, `[lon, lat]`.
    pub at: Coord<f64>,
}

/// Every validity problem of a multipolygon, with its location (empty when valid).
///
/// Problems are detected by geo's `Validation` (OGC rules), plus spikes (a ring doubling back
/// on itself) and disconnected interiors, which geo does not check. geo gives no location, so
/// allot finds one: the first crossing of two segments, the first point where a ring touches
/// itself, the first vertex of a hole outside its shell, and so on. At most one problem is
/// reported per reason and ring.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// // A bow-tie: the edges cross at (1, 1).
/// let bow = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 2., y: 2.), (x: 2., y: 0.), (x: 0., y: 2.)]]);
/// let d = allot::validate::validity_details(&bow);
/// assert_eq!(d.len(), 1);
/// assert_eq!(d[0].reason, "Self-intersection");
/// assert_eq!((d[0].at.x, d[0].at.y), (1.0, 1.0));
/// ```
pub fn validity_details(g: &MultiPolygon<f64>) -> Vec<InvalidDetail> {
    let multi = g.0.len() > 1;
    let mut out: Vec<InvalidDetail> = Vec::new();
    fn push(out: &mut Vec<InvalidDetail>, d: InvalidDetail) {
        if !out.iter().any(|e| e.reason == d.reason && e.ring == d.ring) {
            out.push(d);
        }
    }
    // A spike is one problem of its ring: it replaces geo's self-intersection of that ring.
    let spikes: Vec<(usize, RingRole, &'static str, Coord<f64>)> =
        g.0.iter()
            .enumerate()
            .flat_map(|(k, p)| {
                rings(p).enumerate().filter_map(move |(r, ring)| {
                    let (reason, at) = spike_detail(ring, r == 0)?;
                    Some((k, role_of(r), reason, at))
                })
            })
            .collect();
    for e in g.validation_errors() {
        if skip_error(g, &spikes, &e) {
            continue;
        }
        if let Some(d) = locate(g, multi, &e) {
            push(&mut out, d);
        }
    }
    for &(k, role, reason, at) in &spikes {
        push(
            &mut out,
            InvalidDetail {
                reason,
                ring: ring_label(multi, k, role),
                at,
            },
        );
    }
    if out.is_empty() {
        for (k, p) in g.0.iter().enumerate() {
            if let Some(at) = disconnected_interior(p) {
                push(
                    &mut out,
                    InvalidDetail {
                        reason: "Interior is disconnected",
                        ring: part_label(multi, k),
                        at,
                    },
                );
            }
        }
    }
    out
}

fn rings(p: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}

fn role_of(r: usize) -> RingRole {
    if r == 0 {
        RingRole::Exterior
    } else {
        RingRole::Interior(r - 1)
    }
}

fn ring_of(p: &Polygon<f64>, role: RingRole) -> &LineString<f64> {
    match role {
        RingRole::Exterior => p.exterior(),
        RingRole::Interior(i) => p.interiors().get(i).unwrap_or(p.exterior()),
    }
}

fn part_label(multi: bool, part: usize) -> String {
    if multi {
        format!("polygon {}", part + 1)
    } else {
        "polygon".to_string()
    }
}

fn ring_label(multi: bool, part: usize, role: RingRole) -> String {
    let ring = match role {
        RingRole::Exterior => "shell".to_string(),
        RingRole::Interior(i) => format!("hole {}", i + 1),
    };
    if multi {
        format!("polygon {} {ring}", part + 1)
    } else {
        ring
    }
}

fn first_coord(ring: &LineString<f64>) -> Coord<f64> {
    ring.0
        .iter()
        .copied()
        .find(|c| c.x.is_finite() && c.y.is_finite())
        .unwrap_or(Coord { x: 0.0, y: 0.0 })
}

/// The segments of a ring, without zero-length ones.
fn segments(ring: &LineString<f64>) -> Vec<Line<f64>> {
    ring.0
        .windows(2)
        .filter(|w| w[0] != w[1])
        .map(|w| Line::new(w[0], w[1]))
        .collect()
}

fn boxes_meet(a: &Line<f64>, b: &Line<f64>) -> bool {
    a.start.x.max(a.end.x) >= b.start.x.min(b.end.x)
        && b.start.x.max(b.end.x) >= a.start.x.min(a.end.x)
        && a.start.y.max(a.end.y) >= b.start.y.min(b.end.y)
        && b.start.y.max(b.end.y) >= a.start.y.min(a.end.y)
}

/// How two rings (or a ring and itself) meet.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Contact {
    /// Two segments cross in their interiors.
    Cross(Coord<f64>),
    /// Two segments overlap along a stretch (starting here).
    Along(Coord<f64>),
    /// Segments meet at a point that is an end of one of them.
    Touch(Coord<f64>),
}

/// The first crossing or overlap of segments of `a` and `b` (`same`: `b` is `a`, adjacent
/// segments excluded), else the first touch.
fn first_contact(a: &[Line<f64>], b: &[Line<f64>], same: bool) -> Option<Contact> {
    let mut touch = None;
    for (i, s) in a.iter().enumerate() {
        let start = if same { i + 1 } else { 0 };
        for (j, t) in b.iter().enumerate().skip(start) {
            let adjacent = same && (j == i + 1 || (i == 0 && j + 1 == a.len()));
            if !boxes_meet(s, t) {
                continue;
            }
            match line_intersection(*s, *t) {
                None => {}
                Some(LineIntersection::SinglePoint {
                    intersection,
                    is_proper,
                }) => {
                    if adjacent {
                        continue;
                    }
                    if is_proper {
                        return Some(Contact::Cross(intersection));
                    }
                    touch.get_or_insert(Contact::Touch(intersection));
                }
                Some(LineIntersection::Collinear { intersection }) => {
                    if intersection.start == intersection.end {
                        if !adjacent {
                            touch.get_or_insert(Contact::Touch(intersection.start));
                        }
                        continue;
                    }
                    return Some(Contact::Along(intersection.start));
                }
            }
        }
    }
    touch
}

/// A vertex where a ring doubles back on itself (its two edges overlap).
fn spike(ring: &LineString<f64>) -> Option<Coord<f64>> {
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let n = pts.len();
    if n < 3 {
        return None;
    }
    (0..n).find_map(|k| {
        let (u, v, w) = (pts[(k + n - 1) % n], pts[k], pts[(k + 1) % n]);
        let (a, b) = (u - v, w - v);
        let cross = a.x * b.y - a.y * b.x;
        let dot = a.x * b.x + a.y * b.y;
        (cross == 0.0 && dot > 0.0).then_some(v)
    })
}

/// How GEOS words a spike at `tip` (see [`spike`]): a shell's spike pointing out of the
/// polygon is a `Self-intersection` at its tip; a spike into the interior, or any spike of a
/// hole, makes the ring touch itself at the spike's base (`Ring Self-intersection` there). A
/// ring that is nothing but a spike (no area) is a `Self-intersection` at its tip.
fn spike_detail(ring: &LineString<f64>, shell: bool) -> Option<(&'static str, Coord<f64>)> {
    let tip = spike(ring)?;
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(ring.0.len());
    for &c in &ring.0 {
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let n = pts.len();
    let k = pts.iter().position(|&c| c == tip)?;
    let base = pts[(k + n - 1) % n];
    // The ring without the spike: drop the tip and the repeated base after it.
    let mut closed: Vec<Coord<f64>> = (0..n)
        .filter(|&i| i != k && i != (k + 1) % n)
        .map(|i| pts[i])
        .collect();
    if let Some(&first) = closed.first() {
        closed.push(first);
    }
    let area: f64 = closed
        .windows(2)
        .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
        .sum();
    if closed.len() < 4 || area == 0.0 {
        return Some(("Self-intersection", tip));
    }
    if shell && inside(&LineString(closed), tip) == CoordPos::Outside {
        Some(("Self-intersection", tip))
    } else {
        Some(("Ring Self-intersection", base))
    }
}

/// Errors of geo's `Validation` that would repeat a problem already reported: the
/// self-intersection of a ring with a spike (reported by [`spike_detail`]), and the overlap or
/// nesting of a part with no area (its own self-intersection is the problem, as in GEOS).
fn skip_error(
    g: &MultiPolygon<f64>,
    spikes: &[(usize, RingRole, &'static str, Coord<f64>)],
    e: &InvalidMultiPolygon,
) -> bool {
    let flat = |k: usize| {
        g.0.get(k).is_some_and(|p| {
            p.exterior()
                .0
                .windows(2)
                .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
                .sum::<f64>()
                == 0.0
        })
    };
    match e {
        InvalidMultiPolygon::InvalidPolygon(k, InvalidPolygon::SelfIntersection(role)) => spikes
            .iter()
            .any(|&(part, r, _, _)| part == k.0 && r == *role),
        InvalidMultiPolygon::ElementsOverlaps(i, j)
        | InvalidMultiPolygon::ElementsTouchOnALine(i, j) => flat(i.0) || flat(j.0),
        _ => false,
    }
}

fn inside(ring: &LineString<f64>, c: Coord<f64>) -> CoordPos {
    Polygon::new(ring.clone(), vec![]).coordinate_position(&c)
}

/// Whether one of two rings lies within the other (every vertex of one inside or on the
/// other), for rings whose boundaries do not cross.
fn nested(a: &LineString<f64>, b: &LineString<f64>) -> bool {
    let within = |r: &LineString<f64>, o: &LineString<f64>| {
        let poly = Polygon::new(o.clone(), vec![]);
        r.0.iter()
            .all(|c| poly.coordinate_position(c) != CoordPos::Outside)
    };
    within(a, b) || within(b, a)
}

/// First vertex of `ring` that is not inside `shell` (else its first vertex).
fn first_vertex_outside(ring: &LineString<f64>, shell: &LineString<f64>) -> Coord<f64> {
    let poly = Polygon::new(shell.clone(), vec![]);
    ring.0
        .iter()
        .copied()
        .find(|c| poly.coordinate_position(c) == CoordPos::Outside)
        .unwrap_or_else(|| first_coord(ring))
}

/// First vertex of `ring` strictly inside `other` (else its first vertex).
fn first_vertex_inside(ring: &LineString<f64>, other: &LineString<f64>) -> Coord<f64> {
    let poly = Polygon::new(other.clone(), vec![]);
    ring.0
        .iter()
        .copied()
        .find(|c| poly.coordinate_position(c) == CoordPos::Inside)
        .unwrap_or_else(|| first_coord(ring))
}

fn locate(g: &MultiPolygon<f64>, multi: bool, e: &InvalidMultiPolygon) -> Option<InvalidDetail> {
    match e {
        InvalidMultiPolygon::InvalidPolygon(k, pe) => {
            let p = g.0.get(k.0)?;
            Some(locate_in_polygon(p, multi, k.0, pe))
        }
        InvalidMultiPolygon::ElementsOverlaps(i, j)
        | InvalidMultiPolygon::ElementsTouchOnALine(i, j) => {
            let (p, q) = (g.0.get(i.0)?, g.0.get(j.0)?);
            let label = format!("polygons {} and {}", i.0 + 1, j.0 + 1);
            let mut contact = None;
            'outer: for r in rings(p) {
                let a = segments(r);
                for s in rings(q) {
                    if let Some(c @ (Contact::Cross(_) | Contact::Along(_))) =
                        first_contact(&a, &segments(s), false)
                    {
                        contact = Some(c);
                        break 'outer;
                    }
                }
            }
            Some(match contact {
                Some(Contact::Cross(at) | Contact::Along(at) | Contact::Touch(at)) => {
                    InvalidDetail {
                        reason: "Self-intersection",
                        ring: label,
                        at,
                    }
                }
                None if !nested(p.exterior(), q.exterior()) => {
                    // The interiors overlap though the boundaries only touch at points.
                    let at = match first_contact(
                        &segments(p.exterior()),
                        &segments(q.exterior()),
                        false,
                    ) {
                        Some(Contact::Cross(at) | Contact::Along(at) | Contact::Touch(at)) => at,
                        None => first_coord(q.exterior()),
                    };
                    InvalidDetail {
                        reason: "Self-intersection",
                        ring: label,
                        at,
                    }
                }
                None => {
                    // One shell inside the other without their boundaries crossing.
                    let inner_q = inside(p.exterior(), first_coord(q.exterior()));
                    let at = if inner_q != CoordPos::Outside {
                        first_vertex_inside(q.exterior(), p.exterior())
                    } else {
                        first_vertex_inside(p.exterior(), q.exterior())
                    };
                    InvalidDetail {
                        reason: "Nested shells",
                        ring: label,
                        at,
                    }
                }
            })
        }
    }
}

fn locate_in_polygon(
    p: &Polygon<f64>,
    multi: bool,
    part: usize,
    e: &InvalidPolygon,
) -> InvalidDetail {
    let detail = |reason, role: RingRole, at| InvalidDetail {
        reason,
        ring: ring_label(multi, part, role),
        at,
    };
    match e {
        InvalidPolygon::TooFewPointsInRing(role) => detail(
            "Too few points in geometry component",
            *role,
            first_coord(ring_of(p, *role)),
        ),
        InvalidPolygon::SelfIntersection(role) => {
            let ring = ring_of(p, *role);
            let segs = segments(ring);
            match first_contact(&segs, &segs, true) {
                Some(Contact::Cross(at) | Contact::Along(at)) => {
                    detail("Self-intersection", *role, at)
                }
                Some(Contact::Touch(at)) => detail("Ring Self-intersection", *role, at),
                None => detail("Self-intersection", *role, first_coord(ring)),
            }
        }
        InvalidPolygon::NonFiniteCoord(role, idx) => {
            let ring = ring_of(p, *role);
            let at = ring.0[..idx.0.min(ring.0.len())]
                .iter()
                .rev()
                .copied()
                .find(|c| c.x.is_finite() && c.y.is_finite())
                .unwrap_or_else(|| first_coord(ring));
            detail("Invalid Coordinate", *role, at)
        }
        InvalidPolygon::InteriorRingNotContainedInExteriorRing(role) => {
            let hole = ring_of(p, *role);
            match first_contact(&segments(p.exterior()), &segments(hole), false) {
                Some(Contact::Cross(at) | Contact::Along(at)) => {
                    detail("Self-intersection", *role, at)
                }
                _ => detail(
                    "Hole lies outside shell",
                    *role,
                    first_vertex_outside(hole, p.exterior()),
                ),
            }
        }
        InvalidPolygon::IntersectingRingsOnALine(a, b)
        | InvalidPolygon::IntersectingRingsOnAnArea(a, b) => {
            let (ra, rb) = (ring_of(p, *a), ring_of(p, *b));
            match first_contact(&segments(ra), &segments(rb), false) {
                Some(Contact::Cross(at) | Contact::Along(at)) => {
                    detail("Self-intersection", *b, at)
                }
                _ => {
                    // Holes are nested: the inner one's first vertex inside the other.
                    let b_in_a = inside(ra, first_coord(rb)) != CoordPos::Outside;
                    let (inner, outer, role) = if b_in_a { (rb, ra, *b) } else { (ra, rb, *a) };
                    detail("Holes are nested", role, first_vertex_inside(inner, outer))
                }
            }
        }
    }
}

fn ring_box(r: &LineString<f64>) -> Rect<f64> {
    bbox_of(&MultiPolygon(vec![Polygon::new(r.clone(), vec![])]))
}

fn rects_meet(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// Validity details of every parcel, in parallel (a parcel whose check fails unexpectedly is
/// reported as invalid rather than crashing the run).
fn parcel_validity(parcels: &[Parcel]) -> Vec<Vec<InvalidDetail>> {
    parcel_validity_with(parcels, &convexity(parcels))
}

/// [`convex_orientation`] of every parcel, in parallel: computed once per validation, for the
/// validity shortcut and the overlap prefilter.
fn convexity(parcels: &[Parcel]) -> Vec<Option<bool>> {
    parcels
        .par_iter()
        .map(|p| convex_orientation(&p.geometry))
        .collect()
}

/// [`parcel_validity`] given each parcel's [`convexity`].
fn parcel_validity_with(parcels: &[Parcel], convex: &[Option<bool>]) -> Vec<Vec<InvalidDetail>> {
    parcels
        .par_iter()
        .zip(convex)
        .map(|(p, c)| {
            // A single convex ring winding once (decided exactly) is simple, hence valid: most
            // parcels of a real fabric take this shortcut past the general check.
            if c.is_some() {
                return Vec::new();
            }
            catch_unwind(AssertUnwindSafe(|| validity_details(&p.geometry))).unwrap_or_else(|_| {
                vec![InvalidDetail {
                    reason: "Invalid geometry",
                    ring: "polygon".into(),
                    at: first_coord(
                        p.geometry
                            .0
                            .first()
                            .map_or(&LineString(vec![]), |q: &Polygon<f64>| q.exterior()),
                    ),
                }]
            })
        })
        .collect()
}

fn invalid_findings(parcels: &[Parcel], details: &[Vec<InvalidDetail>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (p, ds) in parcels.iter().zip(details) {
        for d in ds {
            out.push(Finding {
                kind: FindingKind::InvalidGeometry,
                parcels: vec![p.id.clone()],
                zone: p.zone.clone(),
                acres: None,
                at: [d.at.x, d.at.y],
                message: format!(
                    "{} in {} at [{:.7}, {:.7}]; left out of the overlap, gap and site checks",
                    d.reason, d.ring, d.at.x, d.at.y
                ),
                geometry: None,
            });
        }
    }
    out
}

/// One `invalid_geometry` finding per problem of each invalid parcel (see
/// [`validity_details`]), in parcel order.
///
/// ```
/// use allot::parcels::parse_parcels;
/// let text = br#"{"type":"FeatureCollection","features":[{"type":"Feature","id":"bow","properties":{},
///   "geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24.01],[67.01,24],[67,24.01],[67,24]]]}}]}"#;
/// let set = parse_parcels(text, "t").unwrap();
/// let f = allot::validate::invalid_geometry(&set.parcels);
/// assert_eq!(f.len(), 1);
/// assert!(f[0].message.starts_with("Self-intersection"));
/// assert!((f[0].at[0] - 67.005).abs() < 1e-12 && (f[0].at[1] - 24.005).abs() < 1e-12);
/// ```
pub fn invalid_geometry(parcels: &[Parcel]) -> Vec<Finding> {
    invalid_findings(parcels, &parcel_validity(parcels))
}

// ---------------------------------------------------------------------------------------------
// Snapping results of boolean operations back onto input vertices.

/// The grid i_overlay snaps to is at most (extent / 2³⁰); four steps is a safe snapping radius.
fn snap_tolerance(extent: Rect<f64>) -> f64 {
    let w = extent.width().max(extent.height()).max(1e-9);
    w / (1u64 << 28) as f64
}

/// Input vertices, sorted by x, for snapping.
struct Vertices(Vec<Coord<f64>>);

impl Vertices {
    fn of<'a>(geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let mut v: Vec<Coord<f64>> = geoms
            .into_iter()
            .flat_map(|g| g.0.iter())
            .flat_map(rings)
            .flat_map(|r| r.0.iter().copied())
            .collect();
        v.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        v.dedup();
        Vertices(v)
    }

    /// The input vertex nearest `c` within `tol` (Chebyshev distance), if any.
    fn nearest(&self, c: Coord<f64>, tol: f64) -> Option<Coord<f64>> {
        let lo = self.0.partition_point(|v| v.x < c.x - tol);
        let mut best: Option<(f64, Coord<f64>)> = None;
        for v in &self.0[lo..] {
            if v.x > c.x + tol {
                break;
            }
            let d = (v.x - c.x).abs().max((v.y - c.y).abs());
            if d <= tol && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, *v));
            }
        }
        best.map(|b| b.1)
    }

    /// Input vertices within `tol` of the inside of `seg` (not its ends), with their position
    /// along it in `(0, 1)`.
    fn on_segment(&self, seg: &Line<f64>, tol: f64) -> Vec<(f64, Coord<f64>)> {
        let (x0, x1) = (seg.start.x.min(seg.end.x), seg.start.x.max(seg.end.x));
        let (y0, y1) = (seg.start.y.min(seg.end.y), seg.start.y.max(seg.end.y));
        let d = seg.end - seg.start;
        let len2 = d.x * d.x + d.y * d.y;
        if len2 == 0.0 {
            return Vec::new();
        }
        let lo = self.0.partition_point(|v| v.x < x0 - tol);
        self.0[lo..]
            .iter()
            .take_while(|v| v.x <= x1 + tol)
            .filter(|v| v.y >= y0 - tol && v.y <= y1 + tol)
            .filter(|&&v| v != seg.start && v != seg.end)
            .filter_map(|&v| {
                let t = ((v - seg.start).x * d.x + (v - seg.start).y * d.y) / len2;
                let near_end = (v.x - seg.start.x).abs().max((v.y - seg.start.y).abs()) <= tol
                    || (v.x - seg.end.x).abs().max((v.y - seg.end.y).abs()) <= tol;
                (t > 0.0 && t < 1.0 && !near_end && point_segment_distance(v, seg) <= tol)
                    .then_some((t, v))
            })
            .collect()
    }
}

/// Snaps each vertex to the nearest input vertex within `tol`, then puts back the input
/// vertices lying on an edge (boolean operations drop vertices that are collinear in lon/lat,
/// but an edge through a vertex is not the same geodesic as the edge without it).
fn snap_polygon(p: &Polygon<f64>, sources: &[&Vertices], tol: f64) -> Polygon<f64> {
    let snap_ring = |r: &LineString<f64>| {
        let snapped: Vec<Coord<f64>> =
            r.0.iter()
                .map(|&c| {
                    sources
                        .iter()
                        .filter_map(|s| s.nearest(c, tol))
                        .min_by(|a, b| {
                            let da = (a.x - c.x).abs().max((a.y - c.y).abs());
                            let db = (b.x - c.x).abs().max((b.y - c.y).abs());
                            da.total_cmp(&db)
                        })
                        .unwrap_or(c)
                })
                .fold(Vec::with_capacity(r.0.len()), |mut v, c| {
                    if v.last() != Some(&c) {
                        v.push(c);
                    }
                    v
                });
        let mut out = Vec::with_capacity(snapped.len());
        for w in snapped.windows(2) {
            out.push(w[0]);
            let seg = Line::new(w[0], w[1]);
            let mut on: Vec<(f64, Coord<f64>)> = sources
                .iter()
                .flat_map(|s| s.on_segment(&seg, tol))
                .collect();
            on.sort_by(|a, b| a.0.total_cmp(&b.0));
            on.dedup_by(|a, b| a.1 == b.1);
            out.extend(on.into_iter().map(|x| x.1));
        }
        if let Some(&last) = snapped.last() {
            out.push(last);
        }
        LineString(out)
    };
    Polygon::new(
        snap_ring(p.exterior()),
        p.interiors().iter().map(snap_ring).collect(),
    )
}

fn snap(g: &MultiPolygon<f64>, sources: &[&Vertices], tol: f64) -> MultiPolygon<f64> {
    MultiPolygon(g.0.iter().map(|p| snap_polygon(p, sources, tol)).collect())
}

fn representative(g: &MultiPolygon<f64>) -> [f64; 2] {
    // The interior point of the largest part.
    let largest =
        g.0.iter()
            .max_by(|a, b| polygon_area_m2(a).total_cmp(&polygon_area_m2(b)));
    let p = largest.and_then(|p| {
        catch_unwind(AssertUnwindSafe(|| p.interior_point()))
            .ok()
            .flatten()
    });
    match p {
        Some(p) => [p.x(), p.y()],
        None => {
            let c =
                g.0.first()
                    .map_or(Coord { x: 0.0, y: 0.0 }, |p| first_coord(p.exterior()));
            [c.x, c.y]
        }
    }
}

/// A parcel's representative point: an interior point when valid, else its first vertex.
fn parcel_point(p: &Parcel, valid: bool) -> [f64; 2] {
    if valid {
        representative(&p.geometry)
    } else {
        let c = p
            .geometry
            .0
            .first()
            .map_or(Coord { x: 0.0, y: 0.0 }, |q| first_coord(q.exterior()));
        [c.x, c.y]
    }
}

// ---------------------------------------------------------------------------------------------
// Overlaps.

/// An overlapping pair with a positive intersection area.
#[derive(Debug, Clone)]
struct OverlapPair {
    i: usize,
    j: usize,
    area_m2: f64,
    shape: MultiPolygon<f64>,
}

/// The exact overlap of parcels `i` and `j`: the intersection (i_overlay), snapped back onto
/// their vertices, with its geodesic area, when that area is positive.
fn exact_overlap(parcels: &[Parcel], i: usize, j: usize) -> Option<OverlapPair> {
    let (a, b) = (&parcels[i].geometry, &parcels[j].geometry);
    if !a.intersects(b) {
        return None;
    }
    let shape = catch_unwind(AssertUnwindSafe(|| a.intersection(b))).ok()?;
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

/// What the overlap pass found.
#[derive(Debug, Default)]
struct OverlapScan {
    /// Pairs with a positive exact overlap, in candidate-pair order.
    pairs: Vec<OverlapPair>,
    /// Pairs the prefilter skipped because their overlap is below its threshold without being
    /// proven empty: they may still overlap by a sliver (never more than the reporting
    /// threshold), which matters only for zone contiguity.
    slivers: Vec<(usize, usize)>,
}

/// The overlap prefilter's threshold for a reporting threshold of `min_overlap_m2`: pairs
/// whose clipped planar overlap is below it skip the exact intersection.
///
/// A thousandth of the reporting threshold (at most 1 mm²·1000): the planar clip differs from
/// the exact geodesic area by far less than that (see [`convex_clip_area_m2`]), so no overlap
/// above the reporting threshold is skipped. Zero (no skipping) when the threshold is zero.
fn prefilter_eps_m2(min_overlap_m2: f64) -> f64 {
    if min_overlap_m2.is_finite() && min_overlap_m2 > 0.0 {
        min_overlap_m2.min(1.0) * 1e-3
    } else {
        0.0
    }
}

/// Finds overlapping pairs among `candidates` (neither marked in `skip`).
///
/// With `prefilter = Some(eps)`, a pair where one parcel is a single convex ring is first
/// tested cheaply: if an edge line of a convex parcel separates the two (exact predicates), the
/// interiors are disjoint and the pair is dropped; else the other parcel is clipped against the
/// convex one (Sutherland–Hodgman) and, when the clipped area is below `eps` m², the pair is
/// dropped as a sliver (listed in [`OverlapScan::slivers`]). Every other pair gets the exact
/// intersection. With `None`, every pair gets the exact intersection. `convex` is each
/// parcel's [`convexity`] (read only with a prefilter, and only for parcels not skipped).
fn overlap_scan(
    parcels: &[Parcel],
    candidates: &[(usize, usize)],
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
    let found: Vec<Outcome> = candidates
        .par_iter()
        .filter(|&&(i, j)| !skip[i] && !skip[j])
        .map_init(ClipBuffers::default, |buf, &(i, j)| {
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
            if let Some((c, ccw, subject)) = clip {
                if convex_clip_area_m2(c, ccw, subject, buf).abs() < eps {
                    return Some(Outcome::Sliver(i, j));
                }
            }
            exact_overlap(parcels, i, j).map(Outcome::Overlap)
        })
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

// ---------------------------------------------------------------------------------------------
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

/// `Some(true)` when `g` is a single convex ring turning counter-clockwise, `Some(false)` when
/// clockwise, `None` when it is not one convex ring (holes, several parts, a reflex or
/// doubled-back vertex, fewer than three distinct vertices, a ring winding twice).
fn convex_orientation(g: &MultiPolygon<f64>) -> Option<bool> {
    let [p] = g.0.as_slice() else { return None };
    if !p.interiors().is_empty() {
        return None;
    }
    let mut pts: Vec<Coord<f64>> = Vec::with_capacity(p.exterior().0.len());
    for &c in &p.exterior().0 {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return None;
        }
        if pts.last() != Some(&c) {
            pts.push(c);
        }
    }
    while pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    let n = pts.len();
    if n < 3 {
        return None;
    }
    let mut turn: Option<Orientation> = None;
    // Sign changes of the edge directions' x and y components around the ring: two each for a
    // convex ring, more for a ring that winds more than once.
    let (mut sx, mut sy, mut cx, mut cy) = (0.0f64, 0.0f64, 0, 0);
    for k in 0..n {
        let (a, b, c) = (pts[k], pts[(k + 1) % n], pts[(k + 2) % n]);
        match RobustKernel::orient2d(a, b, c) {
            Orientation::Collinear => {
                // Straight on is fine, doubling back is not.
                let (u, v) = (b - a, c - b);
                if u.x * v.x + u.y * v.y <= 0.0 {
                    return None;
                }
            }
            o => match turn {
                None => turn = Some(o),
                Some(t) if t != o => return None,
                _ => {}
            },
        }
        let d = b - a;
        for (comp, last, count) in [(d.x, &mut sx, &mut cx), (d.y, &mut sy, &mut cy)] {
            if comp != 0.0 {
                if *last != 0.0 && (comp > 0.0) != (*last > 0.0) {
                    *count += 1;
                }
                *last = comp;
            }
        }
    }
    // The wrap-around change between the last and the first nonzero component.
    let first_dx = (0..n)
        .map(|k| pts[(k + 1) % n].x - pts[k].x)
        .find(|&d| d != 0.0);
    let first_dy = (0..n)
        .map(|k| pts[(k + 1) % n].y - pts[k].y)
        .find(|&d| d != 0.0);
    if first_dx.is_some_and(|f| (f > 0.0) != (sx > 0.0)) {
        cx += 1;
    }
    if first_dy.is_some_and(|f| (f > 0.0) != (sy > 0.0)) {
        cy += 1;
    }
    if cx > 2 || cy > 2 {
        return None;
    }
    turn.map(|t| t == Orientation::CounterClockwise)
}

/// Whether an edge line of the convex ring `a` (counter-clockwise when `ccw`) has every vertex
/// of `b` on its closed outer side: then the interiors of `a` and `b` are disjoint.
fn separated(a: &MultiPolygon<f64>, ccw: bool, b: &MultiPolygon<f64>) -> bool {
    let inner = if ccw {
        Orientation::CounterClockwise
    } else {
        Orientation::Clockwise
    };
    let ring = &a.0[0].exterior().0;
    // Plain loops (not iterator chains): this runs for millions of candidate pairs. A ring's
    // closing vertex repeats its first, so it is skipped.
    'edges: for w in ring.windows(2) {
        if w[0] == w[1] {
            continue;
        }
        for p in &b.0 {
            for r in rings(p) {
                let c = &r.0;
                for &v in &c[..c.len().saturating_sub(1)] {
                    if RobustKernel::orient2d(w[0], w[1], v) == inner {
                        continue 'edges;
                    }
                }
            }
        }
        return true;
    }
    false
}

/// Scratch space for [`convex_clip_area_m2`].
#[derive(Default)]
struct ClipBuffers {
    a: Vec<[f64; 2]>,
    b: Vec<[f64; 2]>,
    clip: Vec<[f64; 2]>,
}

/// The area in m² (local planar metric, see the soundness note above) of `subject` ∩ `convex`,
/// where `convex` is a single convex ring, counter-clockwise when `ccw`.
fn convex_clip_area_m2(
    convex: &MultiPolygon<f64>,
    ccw: bool,
    subject: &MultiPolygon<f64>,
    buf: &mut ClipBuffers,
) -> f64 {
    let ring = &convex.0[0].exterior().0;
    let o = ring[0];
    // Local east/north metres at o (WGS84 radii of curvature).
    let (a_axis, f) = (6_378_137.0_f64, 1.0 / 298.257_223_563_f64);
    let e2 = f * (2.0 - f);
    let (sin, cos) = o.y.to_radians().sin_cos();
    let w = 1.0 - e2 * sin * sin;
    let n = a_axis / w.sqrt();
    let kx = (n * cos).to_radians();
    let ky = (n * (1.0 - e2) / w).to_radians();
    let local = |c: &Coord<f64>| [(c.x - o.x) * kx, (c.y - o.y) * ky];
    buf.clip.clear();
    for c in ring {
        let p = local(c);
        if buf.clip.last() != Some(&p) {
            buf.clip.push(p);
        }
    }
    // Inside is on the left of each edge for a counter-clockwise clip ring.
    let side = if ccw { 1.0 } else { -1.0 };
    let mut total = 0.0;
    for part in &subject.0 {
        for (k, r) in rings(part).enumerate() {
            buf.a.clear();
            buf.a.extend(r.0.iter().map(local));
            let own = shoelace(&buf.a);
            if own == 0.0 {
                continue;
            }
            for e in buf.clip.windows(2) {
                let (p, q) = (e[0], e[1]);
                let (ux, uy) = (q[0] - p[0], q[1] - p[1]);
                let d = |c: &[f64; 2]| side * (ux * (c[1] - p[1]) - uy * (c[0] - p[0]));
                buf.b.clear();
                let m = buf.a.len();
                for t in 0..m {
                    let (s, e) = (buf.a[(t + m - 1) % m], buf.a[t]);
                    let (ds, de) = (d(&s), d(&e));
                    if (ds < 0.0) != (de < 0.0) {
                        let u = ds / (ds - de);
                        buf.b
                            .push([s[0] + (e[0] - s[0]) * u, s[1] + (e[1] - s[1]) * u]);
                    }
                    if de >= 0.0 {
                        buf.b.push(e);
                    }
                }
                std::mem::swap(&mut buf.a, &mut buf.b);
                if buf.a.is_empty() {
                    break;
                }
            }
            let clipped = shoelace(&buf.a);
            // A shell adds its region, a hole takes its region away, whatever their windings.
            total += if k == 0 { own.signum() } else { -own.signum() } * clipped;
        }
    }
    total
}

/// Signed shoelace area of a ring (closed or open).
fn shoelace(pts: &[[f64; 2]]) -> f64 {
    let m = pts.len();
    if m < 3 {
        return 0.0;
    }
    let mut s = 0.0;
    for t in 0..m {
        let (p, q) = (pts[t], pts[(t + 1) % m]);
        s += p[0] * q[1] - q[0] * p[1];
    }
    0.5 * s
}

fn overlap_finding(parcels: &[Parcel], o: &OverlapPair, units: AreaUnit) -> Finding {
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
/// use allot::parcels::parse_parcels;
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
    let candidates = index.candidate_pairs();
    overlap_scan(
        parcels,
        &candidates,
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

// ---------------------------------------------------------------------------------------------
// Gaps.

fn oriented_polygons<'a>(
    geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
) -> Vec<Polygon<f64>> {
    geoms
        .into_iter()
        .flat_map(|g| g.orient(Direction::Default).0)
        .collect()
}

/// The union of valid parcels, computed in spatial chunks in parallel and then merged.
/// Mixes 64 bits (the SplitMix64 finaliser): the hash behind [`EdgeTable`]'s keys.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A 128-bit hash of a segment's endpoint bits (a vertex is the segment `(c, c)`).
fn segment_key(a: Coord<f64>, b: Coord<f64>) -> u128 {
    let w = [a.x.to_bits(), a.y.to_bits(), b.x.to_bits(), b.y.to_bits()];
    let (mut h1, mut h2) = (0x9E37_79B9_7F4A_7C15u64, 0xD1B5_4A32_D192_ED03u64);
    for v in w {
        h1 = mix(h1 ^ v);
        h2 = mix(h2.wrapping_add(v).rotate_left(17));
    }
    ((h1 as u128) << 64) | h2 as u128
}

/// A hasher for keys that are already well-mixed hashes: it passes a `u64` through.
#[derive(Default, Clone, Copy)]
struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl std::hash::BuildHasher for PreHashed {
    type Hasher = PreHashed;
    fn build_hasher(&self) -> PreHashed {
        PreHashed(0)
    }
}

/// The oriented edges of a parcel (shells counter-clockwise, holes clockwise), without
/// zero-length ones.
fn oriented_edges(g: &MultiPolygon<f64>) -> Vec<(Coord<f64>, Coord<f64>)> {
    let mut out = Vec::new();
    for p in &g.0 {
        for (k, ring) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            let c = &ring.0;
            let twice_area: f64 = c
                .windows(2)
                .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
                .sum();
            let want_ccw = k == 0;
            let forward = (twice_area > 0.0) == want_ccw;
            for w in c.windows(2) {
                if w[0] != w[1] {
                    out.push(if forward { (w[0], w[1]) } else { (w[1], w[0]) });
                }
            }
        }
    }
    out
}

/// Every oriented edge of every parcel, sorted by its undirected segment, so that the edges
/// two parcels share exactly (same endpoints, to the bit) sit next to each other. Built once
/// per validation and used twice: to leave fully surrounded parcels out of the gap union
/// ([`fully_matched`]) and to connect zones by their shared edges before any geometry is
/// compared ([`zone_pieces`]). Sorting and linear scans keep this cache-friendly (binary
/// searches per edge were 10x slower at 1M parcels).
///
/// Each edge is one `u128`: the top 96 bits of its segment's hash, then the parcel's position
/// (31 bits) and whether the edge runs in the segment's canonical direction (1 bit). Two
/// different segments share 96 hash bits with probability about n² / 2⁹⁷ (1e-16 for the
/// 5 million edges of a million parcels).
struct EdgeTable {
    edges: Vec<u128>,
}

/// One edge of an [`EdgeTable`].
#[derive(Clone, Copy)]
struct Edge(u128);

impl Edge {
    const SEGMENT: u128 = !0u128 << 32;

    fn new(segment: u128, parcel: usize, forward: bool) -> Self {
        Edge((segment & Self::SEGMENT) | ((parcel as u128) << 1) | forward as u128)
    }
    fn parcel(self) -> usize {
        ((self.0 as u32) >> 1) as usize
    }
    fn forward(self) -> bool {
        self.0 & 1 == 1
    }
}

impl EdgeTable {
    /// Parcel positions must fit in 31 bits: a 4 GiB input (the reader's limit) holds far fewer.
    fn build(parcels: &[Parcel]) -> Self {
        assert!(
            parcels.len() < 1 << 31,
            "too many parcels for the edge table"
        );
        let mut edges: Vec<u128> = parcels
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, p)| {
                oriented_edges(&p.geometry).into_iter().map(move |(a, b)| {
                    let forward = (a.x, a.y) < (b.x, b.y);
                    let k = if forward {
                        segment_key(a, b)
                    } else {
                        segment_key(b, a)
                    };
                    Edge::new(k, i, forward).0
                })
            })
            .collect();
        edges.par_sort_unstable();
        EdgeTable { edges }
    }

    /// The runs of edges on the same undirected segment.
    fn groups(&self) -> impl Iterator<Item = impl ExactSizeIterator<Item = Edge> + Clone> {
        self.edges
            .chunk_by(|a, b| (a ^ b) & Edge::SEGMENT == 0)
            .map(|g| g.iter().map(|&e| Edge(e)))
    }
}

/// Parcels (not skipped) every edge of which is matched exactly by the reversed edge of one
/// other parcel, once rings are oriented (shells counter-clockwise, holes clockwise), and none
/// of whose vertices is shared with a parcel that has an unmatched edge. Such a parcel is
/// surrounded by parcels on all sides and at all corners, so it cannot touch a gap or the
/// fabric's outside.
/// Edges are compared by a 128-bit hash of their endpoints' bits; T-junctions and any
/// irregularity simply leave a parcel unmatched, which is always safe. Skipped parcels' edges
/// are ignored, as if those parcels were not there.
fn fully_matched(parcels: &[Parcel], skip: &[bool], table: &EdgeTable) -> Vec<bool> {
    let mut matched: Vec<bool> = (0..parcels.len())
        .map(|i| !skip[i] && !parcels[i].geometry.0.is_empty())
        .collect();
    // A parcel with an unmatched edge is out: an edge is matched when its key occurs exactly
    // twice among parcels that are not skipped, once in each direction, in two parcels.
    for group in table.groups() {
        let mut live = group.clone().filter(|e| !skip[e.parcel()]);
        let ok = match (live.next(), live.next(), live.next()) {
            (Some(a), Some(b), None) => a.forward() != b.forward() && a.parcel() != b.parcel(),
            _ => false,
        };
        if !ok {
            for e in group {
                matched[e.parcel()] = false;
            }
        }
    }
    // Vertices of parcels that are out because of an unmatched edge; any parcel sharing such
    // a vertex touches a gap or the outside (perhaps only at a corner) and is out too. The
    // parcels out so far are few (the fabric's rim, and those around gaps, overlaps and
    // irregular joins), so their vertices go in a set the others are looked up in.
    // Vertices are looked up by a 64-bit hash of their bits: a collision can only leave a
    // parcel out of the matched set, which is always safe.
    let vertex = |c: &Coord<f64>| segment_key(*c, *c) as u64;
    let out_vertices: std::collections::HashSet<u64, PreHashed> = (0..parcels.len())
        .filter(|&i| !skip[i] && !matched[i])
        .flat_map(|i| parcels[i].geometry.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter())
        .map(vertex)
        .collect();
    matched
        .par_iter_mut()
        .enumerate()
        .filter(|(_, m)| **m)
        .for_each(|(i, m)| {
            let touches = parcels[i]
                .geometry
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.iter())
                .any(|c| out_vertices.contains(&vertex(c)));
            if touches {
                *m = false;
            }
        });
    matched
}

/// The smallest rectangle holding all `rects` (a degenerate one at 0,0 when there are none).
fn extent_of(rects: impl IntoIterator<Item = Rect<f64>>) -> Rect<f64> {
    rects
        .into_iter()
        .reduce(|a, b| {
            Rect::new(
                Coord {
                    x: a.min().x.min(b.min().x),
                    y: a.min().y.min(b.min().y),
                },
                Coord {
                    x: a.max().x.max(b.max().x),
                    y: a.max().y.max(b.max().y),
                },
            )
        })
        .unwrap_or(Rect::new(
            Coord { x: 0.0, y: 0.0 },
            Coord { x: 0.0, y: 0.0 },
        ))
}

fn union_of(parcels: &[Parcel], skip: &[bool]) -> MultiPolygon<f64> {
    let mut valid: Vec<usize> = (0..parcels.len()).filter(|&i| !skip[i]).collect();
    const CHUNK: usize = 4096;
    if valid.len() <= CHUNK {
        let geoms: Vec<&MultiPolygon<f64>> = valid.iter().map(|&i| &parcels[i].geometry).collect();
        let polys = oriented_polygons(geoms.iter().copied());
        return snap_to_inputs(unary_union(polys.iter()), &geoms);
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
            unary_union(polys.iter())
        })
        .collect();
    while pieces.len() > 1 {
        pieces = pieces
            .par_chunks(2)
            .map(|pair| {
                if pair.len() == 1 {
                    return pair[0].clone();
                }
                let polys = oriented_polygons([&pair[0], &pair[1]]);
                unary_union(polys.iter())
            })
            .collect();
    }
    let geoms: Vec<&MultiPolygon<f64>> = valid.iter().map(|&i| &parcels[i].geometry).collect();
    snap_to_inputs(pieces.pop().unwrap_or(MultiPolygon(vec![])), &geoms)
}

fn morton(x: u32, y: u32) -> u64 {
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
fn holes_of(union: &MultiPolygon<f64>) -> Vec<Polygon<f64>> {
    let boxes: Vec<Rect<f64>> = union.0.iter().map(|p| ring_box(p.exterior())).collect();
    let index = ParcelIndex::from_boxes(boxes.iter().copied());
    let mut out = Vec::new();
    for (k, p) in union.0.iter().enumerate() {
        for hole in p.interiors() {
            let hb = ring_box(hole);
            let hole_poly = Polygon::new(hole.clone(), vec![]);
            let mut islands: Vec<&LineString<f64>> = index
                .query(hb)
                .into_iter()
                .filter(|&m| m != k)
                .filter(|&m| {
                    let b = boxes[m];
                    b.min().x >= hb.min().x
                        && b.max().x <= hb.max().x
                        && b.min().y >= hb.min().y
                        && b.max().y <= hb.max().y
                        && union.0[m]
                            .exterior()
                            .0
                            .iter()
                            .any(|c| hole_poly.coordinate_position(c) == CoordPos::Inside)
                })
                .map(|m| union.0[m].exterior())
                .collect();
            // Islands inside other islands' holes are not in this hole's region.
            let all = islands.clone();
            islands.retain(|r| {
                !all.iter().any(|o| {
                    !std::ptr::eq(*o, *r) && r.0.iter().any(|c| inside(o, *c) == CoordPos::Inside)
                })
            });
            out.push(Polygon::new(
                hole.clone(),
                islands.into_iter().cloned().collect(),
            ));
        }
    }
    out
}

fn point_segment_distance(c: Coord<f64>, s: &Line<f64>) -> f64 {
    let d = s.end - s.start;
    let len2 = d.x * d.x + d.y * d.y;
    let t = if len2 > 0.0 {
        (((c - s.start).x * d.x + (c - s.start).y * d.y) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let p = s.start + d * t;
    ((c.x - p.x).powi(2) + (c.y - p.y).powi(2)).sqrt()
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
        let around = |c: Coord<f64>| {
            Rect::new(
                Coord {
                    x: c.x - tol,
                    y: c.y - tol,
                },
                Coord {
                    x: c.x + tol,
                    y: c.y + tol,
                },
            )
        };
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
/// use allot::parcels::parse_parcels;
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
fn gaps_impl(
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
    let union = union_of(parcels, &boundary_skip);
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
                site_o
                    .difference(&union)
                    .0
                    .into_iter()
                    .filter(|p| !covered_by_matched(p))
                    .map(|p| (p, true)),
            );
            for h in holes {
                let rest = MultiPolygon(vec![h]).difference(&site_o);
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

// ---------------------------------------------------------------------------------------------
// The site.

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
}

/// The site boundary: the union of the polygons of a site file, which must be valid.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}},
///   {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67.01,24],[67.02,24],[67.02,24.01],[67.01,24.01],[67.01,24]]]}}]}"#;
/// let set = allot::parcels::parse_parcels(text, "site.geojson").unwrap();
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
    Ok(snap_to_inputs(unary_union(polys.iter()), &geoms))
}

/// Snaps the result of a boolean operation back onto the vertices of its inputs.
fn snap_to_inputs(g: MultiPolygon<f64>, inputs: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
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
/// let set = allot::parcels::parse_parcels(text, "t").unwrap();
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
                let diff = catch_unwind(AssertUnwindSafe(|| g.difference(&site))).ok()?;
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
                zone: p.zone.clone(),
                acres: Some(area / M2_PER_ACRE),
                at: representative(&shape),
                message: format!("{} of {} lies outside the site", units.text(area), p.id),
                geometry: Some(shape),
            })
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Ids and zones.

/// One `duplicate_id` finding per id used by more than one feature (`valid[i]` says whether
/// parcel i may be given an interior point).
fn duplicate_ids(parcels: &[Parcel], skip: &[bool]) -> Vec<Finding> {
    // Sorted (id, position) pairs: equal ids sit together, in id order, positions ascending.
    let mut by_id: Vec<(&str, usize)> = parcels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    by_id.par_sort_unstable();
    by_id
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|g| g.len() > 1)
        .map(|g| {
            (
                &parcels[g[0].1].id,
                g.iter().map(|e| e.1).collect::<Vec<_>>(),
            )
        })
        .map(|(id, v)| Finding {
            kind: FindingKind::DuplicateId,
            parcels: vec![id.clone()],
            zone: None,
            acres: None,
            at: parcel_point(&parcels[v[0]], !skip[v[0]]),
            message: format!(
                "id {:?} is used by {} features (positions {})",
                id.as_str(),
                v.len(),
                v.iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            geometry: None,
        })
        .collect()
}

/// Union-find over parcel positions (path halving, union by smaller root).
struct Dsu {
    parent: Vec<u32>,
}

impl Dsu {
    fn new(n: usize) -> Self {
        Dsu {
            parent: (0..n as u32).collect(),
        }
    }

    /// The root of `x`, without changing the forest (usable from parallel readers).
    fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Points every element straight at its root, so that [`Dsu::root`] takes one step.
    fn flatten(&mut self) {
        for x in 0..self.parent.len() as u32 {
            let r = self.find(x);
            self.parent[x as usize] = r;
        }
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a as u32), self.find(b as u32));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Which piece of its zone each parcel is in, as a union-find root: two parcels of one zone
/// are connected when they share a boundary of positive length or overlap (by any amount, a
/// sliver the overlap prefilter skipped included), never by a corner alone.
///
/// The same relation as building the whole adjacency graph ([`Adjacency`](crate::Adjacency)) and taking each
/// zone's components, computed cheaply: edges two parcels share exactly (the [`EdgeTable`]) and
/// reported overlaps connect most of a fabric for free; only candidate pairs of one zone still
/// in different pieces after that have their boundaries compared, and only sliver pairs still
/// apart after that get the exact intersection. A pair skipped at a step is already connected,
/// so the pieces are exactly those of the full graph (tested against it).
fn zone_pieces(
    parcels: &[Parcel],
    members: &BTreeMap<&str, Vec<usize>>,
    table: &EdgeTable,
    candidates: &[(usize, usize)],
    scan: &OverlapScan,
) -> Vec<u32> {
    const NONE: u32 = u32::MAX;
    let mut zone = vec![NONE; parcels.len()];
    for (z, m) in members.values().enumerate() {
        for &i in m {
            zone[i] = z as u32;
        }
    }
    let mut dsu = Dsu::new(parcels.len());
    let mut run: Vec<(u32, usize)> = Vec::new();
    for group in table.groups() {
        if group.len() == 2 {
            let mut g = group.map(Edge::parcel);
            let (i, j) = (g.next().unwrap_or(0), g.next().unwrap_or(0));
            if i != j && zone[i] != NONE && zone[i] == zone[j] {
                dsu.union(i, j);
            }
        } else if group.len() > 2 {
            // Several parcels on one segment (duplicates, overlaps): connect those of a zone.
            run.clear();
            run.extend(group.map(|e| (zone[e.parcel()], e.parcel())));
            run.sort_unstable();
            for w in run.windows(2) {
                if w[0].0 != NONE && w[0].0 == w[1].0 {
                    dsu.union(w[0].1, w[1].1);
                }
            }
        }
    }
    for o in &scan.pairs {
        if zone[o.i] != NONE && zone[o.i] == zone[o.j] {
            dsu.union(o.i, o.j);
        }
    }
    let apart = |dsu: &Dsu, i: usize, j: usize| {
        zone[i] != NONE && zone[i] == zone[j] && dsu.root(i as u32) != dsu.root(j as u32)
    };
    let split = |dsu: &Dsu| {
        members.values().any(|m| {
            m.iter()
                .any(|&i| dsu.root(i as u32) != dsu.root(m[0] as u32))
        })
    };
    dsu.flatten();
    if split(&dsu) {
        let joins: Vec<(usize, usize)> = candidates
            .par_iter()
            .filter(|&&(i, j)| {
                apart(&dsu, i, j)
                    && crate::adjacency::shared_boundary_m(
                        &parcels[i].geometry,
                        &parcels[j].geometry,
                    ) > 0.0
            })
            .copied()
            .collect();
        for (i, j) in joins {
            dsu.union(i, j);
        }
        // A sliver the prefilter skipped joins two parcels of one zone that share no edge only
        // if it overlaps at all: settle those few pairs exactly.
        let joins: Vec<(usize, usize)> = scan
            .slivers
            .par_iter()
            .filter(|&&(i, j)| apart(&dsu, i, j) && exact_overlap(parcels, i, j).is_some())
            .copied()
            .collect();
        for (i, j) in joins {
            dsu.union(i, j);
        }
    }
    dsu.flatten();
    dsu.parent
}

/// The pieces of zone `m` (ascending positions) given each parcel's piece root: each piece
/// ascending, pieces in the order of their smallest member (the reference for tests).
#[cfg(test)]
fn pieces(m: &[usize], roots: &[u32]) -> Vec<Vec<usize>> {
    let mut slot: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &i in m {
        let k = *slot.entry(roots[i]).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[k].push(i);
    }
    out
}

/// The zones without their multi-part parcels (for [`zone_pieces`]), and for each zone the
/// candidate pairs of its parcels that involve a multi-part parcel (for [`physical_pieces`]).
#[allow(clippy::type_complexity)]
fn multi_part_split<'a>(
    parcels: &[Parcel],
    members: &BTreeMap<&'a str, Vec<usize>>,
    candidates: &[(usize, usize)],
) -> (
    BTreeMap<&'a str, Vec<usize>>,
    BTreeMap<&'a str, Vec<(usize, usize)>>,
) {
    let multi = |i: usize| parcels[i].geometry.0.len() > 1;
    let mut near: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    if !members.values().flatten().any(|&i| multi(i)) {
        return (members.clone(), near);
    }
    let single = members
        .iter()
        .map(|(z, m)| (*z, m.iter().copied().filter(|&i| !multi(i)).collect()))
        .collect();
    for &(i, j) in candidates {
        if (multi(i) || multi(j)) && parcels[i].zone.is_some() && parcels[i].zone == parcels[j].zone
        {
            if let Some((z, _)) = members.get_key_value(parcels[i].zone.as_deref().unwrap_or("")) {
                near.entry(*z).or_default().push((i, j));
            }
        }
    }
    (single, near)
}

/// The `not_contiguous` finding of zone `z` in `pieces` (largest first): it names the
/// parcels of every piece but the largest, and each piece's area in `units`.
fn not_contiguous(
    parcels: &[Parcel],
    skip: &[bool],
    z: &str,
    pieces: &[Piece],
    units: AreaUnit,
) -> Finding {
    const SHOWN: usize = 5;
    let names = |p: &Piece| {
        let ids: Vec<usize> = p.parcels();
        let mut s = ids
            .iter()
            .take(SHOWN)
            .map(|&i| parcels[i].id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if ids.len() > SHOWN {
            s.push_str(&format!(" and {} more", ids.len() - SHOWN));
        }
        s
    };
    let mut detached: Vec<usize> = pieces[1..].iter().flat_map(Piece::parcels).collect();
    detached.sort_unstable();
    detached.dedup();
    let (i, k) = pieces[pieces.len() - 1].parts[0];
    let at = if parcels[i].geometry.0.len() > 1 {
        representative(&MultiPolygon(vec![parcels[i].geometry.0[k].clone()]))
    } else {
        parcel_point(&parcels[i], !skip[i])
    };
    let largest = &pieces[0];
    Finding {
        kind: FindingKind::NotContiguous,
        parcels: detached.iter().map(|&i| parcels[i].id.clone()).collect(),
        zone: Some(z.to_string()),
        acres: Some(pieces[1..].iter().map(|p| p.area_m2).sum::<f64>() / M2_PER_ACRE),
        at,
        message: format!(
            "zone {z} falls into {} pieces: the largest has {} ({} parcel{}); apart from it: {}",
            pieces.len(),
            units.text(largest.area_m2),
            largest.parcels().len(),
            if largest.parcels().len() == 1 {
                ""
            } else {
                "s"
            },
            pieces[1..]
                .iter()
                .map(|p| format!("{} ({})", units.text(p.area_m2), names(p)))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        geometry: None,
    }
}

fn zone_checks(
    parcels: &[Parcel],
    areas: &[f64],
    skip: &[bool],
    table: &EdgeTable,
    candidates: &[(usize, usize)],
    scan: &OverlapScan,
    opts: &ValidateOptions,
) -> (BTreeMap<String, ZoneStats>, Vec<Finding>) {
    let mut findings = Vec::new();
    let targets: BTreeMap<&str, f64> = opts.targets.iter().map(|(z, a)| (z.as_str(), *a)).collect();
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in parcels.iter().enumerate() {
        if let Some(z) = &p.zone {
            members.entry(z.as_str()).or_default().push(i);
        }
    }
    let zoned = !members.is_empty();
    if zoned {
        for (i, p) in parcels.iter().enumerate() {
            if p.zone.is_none() {
                findings.push(Finding {
                    kind: FindingKind::Unzoned,
                    parcels: vec![p.id.clone()],
                    zone: None,
                    acres: Some(areas[i] / M2_PER_ACRE),
                    at: parcel_point(p, !skip[i]),
                    message: format!("{} has no zone", p.id),
                    geometry: None,
                });
            }
        }
    }
    for z in targets.keys() {
        members.entry(z).or_default();
    }
    if members.is_empty() {
        return (BTreeMap::new(), findings);
    }
    let (single, near) = multi_part_split(parcels, &members, candidates);
    let pieces_of = zoned.then(|| zone_pieces(parcels, &single, table, candidates, scan));
    let fabric_centre = {
        let all = bbox_of(&MultiPolygon(
            parcels
                .iter()
                .flat_map(|p| p.geometry.0.iter().cloned())
                .collect(),
        ));
        let c = all.center();
        [c.x, c.y]
    };
    let u = |acres: f64| opts.units.text(acres * M2_PER_ACRE);
    let mut zones = BTreeMap::new();
    for (z, m) in &members {
        // `+ 0.0`: an empty sum is -0.0.
        let acres: f64 = m.iter().map(|&i| areas[i]).sum::<f64>() / M2_PER_ACRE + 0.0;
        let pieces = match &pieces_of {
            Some(roots) if !m.is_empty() => {
                physical_pieces(parcels, m, roots, near.get(z).map_or(&[], |v| v), areas)
            }
            _ => Vec::new(),
        };
        let target = targets.get(z).copied();
        let largest = m
            .iter()
            .copied()
            .max_by(|&a, &b| areas[a].total_cmp(&areas[b]).then(b.cmp(&a)));
        if let Some(t) = target {
            let dev = acres - t;
            if dev.abs() > opts.tolerance_acres {
                findings.push(Finding {
                    kind: FindingKind::ZoneArea,
                    parcels: Vec::new(),
                    zone: Some(z.to_string()),
                    acres: Some(dev.abs()),
                    at: largest.map_or(fabric_centre, |i| parcel_point(&parcels[i], !skip[i])),
                    message: format!(
                        "zone {z} has {} in {} parcels, {} than its target of {} by {} (tolerance {})",
                        u(acres),
                        m.len(),
                        if dev > 0.0 { "more" } else { "less" },
                        u(t),
                        u(dev.abs()),
                        u(opts.tolerance_acres)
                    ),
                    geometry: None,
                });
            }
        }
        if pieces.len() > 1 {
            findings.push(not_contiguous(parcels, skip, z, &pieces, opts.units));
        }
        zones.insert(
            z.to_string(),
            ZoneStats {
                parcels: m.len(),
                acres,
                components: pieces.len(),
                target_acres: target,
            },
        );
    }
    (zones, findings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;
    use std::collections::BTreeSet;

    /// Which parcels are invalid (and so left out of the overlap and gap checks).
    fn invalid_mask(parcels: &[Parcel]) -> Vec<bool> {
        parcel_validity(parcels)
            .iter()
            .map(|d| !d.is_empty())
            .collect()
    }

    #[test]
    fn pruned_union_finds_the_same_gaps_as_the_full_union() {
        // Synthetic fabrics with gaps (single and double cells), overlaps, invalid parcels,
        // holes filled by inner parcels, clockwise rings; with and without a site.
        for (seed, cols, gaps_n, overlaps_n) in [(1, 30, 4, 3), (2, 45, 8, 5), (9, 25, 2, 0)] {
            let spec = crate::synth::FabricSpec {
                cols,
                rows: cols,
                gaps: gaps_n,
                overlaps: overlaps_n,
                invalid: 2,
                seed,
                ..Default::default()
            };
            let (text, _) = crate::synth::generate(&spec).unwrap();
            let set = crate::parcels::parse_parcels(text.as_bytes(), "t").unwrap();
            let parcels = &set.parcels;
            let skip = invalid_mask(parcels);
            let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
            let b = bbox_of(&MultiPolygon(
                parcels.iter().flat_map(|p| p.geometry.0.clone()).collect(),
            ));
            let site = MultiPolygon(vec![
                Rect::new(
                    Coord {
                        x: b.min().x + 0.0007,
                        y: b.min().y + 0.0009,
                    },
                    Coord {
                        x: b.max().x + 0.001,
                        y: b.max().y - 0.0011,
                    },
                )
                .to_polygon(),
            ]);
            for site in [None, Some(&site)] {
                let table = EdgeTable::build(parcels);
                let mut fast = gaps_impl(
                    parcels,
                    &index,
                    &skip,
                    site,
                    1.0,
                    Some(&table),
                    AreaUnit::Acres,
                );
                let mut full = gaps_impl(parcels, &index, &skip, site, 1.0, None, AreaUnit::Acres);
                fast.sort_by(|a, b| a.parcels.cmp(&b.parcels));
                full.sort_by(|a, b| a.parcels.cmp(&b.parcels));
                assert!(!full.is_empty());
                assert_eq!(
                    fast.len(),
                    full.len(),
                    "seed {seed} site {}",
                    site.is_some()
                );
                for (a, b) in fast.iter().zip(&full) {
                    assert_eq!(a.parcels, b.parcels, "seed {seed}");
                    let (x, y) = (a.acres.unwrap(), b.acres.unwrap());
                    assert!(
                        (x - y).abs() <= 1e-9 * y.max(1e-3),
                        "seed {seed}: {x} vs {y}"
                    );
                }
            }
        }
    }

    fn mp(p: Polygon<f64>) -> MultiPolygon<f64> {
        MultiPolygon(vec![p])
    }

    #[test]
    fn bow_tie_crosses_at_its_centre() {
        let g = mp(polygon![(x: 0., y: 0.), (x: 2., y: 2.), (x: 2., y: 0.), (x: 0., y: 2.)]);
        let d = validity_details(&g);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].reason, "Self-intersection");
        assert_eq!(d[0].ring, "shell");
        assert_eq!(d[0].at, Coord { x: 1.0, y: 1.0 });
    }

    #[test]
    fn ring_touching_itself_is_a_ring_self_intersection() {
        // The shell passes through (2, 2) twice.
        let g = mp(polygon![
            (x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 2., y: 2.), (x: 3., y: 4.),
            (x: 1., y: 4.), (x: 2., y: 2.), (x: 0., y: 4.)
        ]);
        let d = validity_details(&g);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].reason, "Ring Self-intersection");
        assert_eq!(d[0].at, Coord { x: 2.0, y: 2.0 });
    }

    #[test]
    fn hole_outside_shell_is_located_at_its_first_vertex() {
        let g = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]),
            vec![LineString::from(vec![
                (5., 5.),
                (6., 5.),
                (6., 6.),
                (5., 5.),
            ])],
        ));
        let d = validity_details(&g);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].reason, "Hole lies outside shell");
        assert_eq!(d[0].ring, "hole 1");
        assert_eq!(d[0].at, Coord { x: 5.0, y: 5.0 });
    }

    #[test]
    fn hole_crossing_shell_is_a_self_intersection_where_they_cross() {
        let g = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
            vec![LineString::from(vec![
                (3., 1.),
                (5., 1.),
                (5., 2.),
                (3., 2.),
                (3., 1.),
            ])],
        ));
        let d = validity_details(&g);
        assert_eq!(d[0].reason, "Self-intersection", "{d:?}");
        assert_eq!(d[0].at.x, 4.0);
    }

    #[test]
    fn overlapping_parts_and_nested_shells() {
        let a = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)];
        let b = polygon![(x: 1., y: 1.), (x: 3., y: 1.), (x: 3., y: 3.), (x: 1., y: 3.)];
        let d = validity_details(&MultiPolygon(vec![a.clone(), b]));
        assert_eq!(d[0].reason, "Self-intersection");
        assert_eq!(d[0].ring, "polygons 1 and 2");
        assert_eq!(d[0].at, Coord { x: 2.0, y: 1.0 });
        let inner = polygon![(x: 0.5, y: 0.5), (x: 1., y: 0.5), (x: 1., y: 1.), (x: 0.5, y: 1.)];
        let d = validity_details(&MultiPolygon(vec![a, inner]));
        assert_eq!(d[0].reason, "Nested shells", "{d:?}");
        assert_eq!(d[0].at, Coord { x: 0.5, y: 0.5 });
    }

    #[test]
    fn spike_and_too_few_points() {
        // A spike out to (3, 1) and back.
        let g = mp(
            polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 3., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.), (x: 0., y: 2.)],
        );
        let d = validity_details(&g);
        assert!(!d.is_empty());
        assert!(d.iter().all(|x| x.reason == "Self-intersection"), "{d:?}");
        let flat = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (1., 0.), (1., 0.), (0., 0.)]),
            vec![],
        ));
        let d = validity_details(&flat);
        assert_eq!(d[0].reason, "Too few points in geometry component", "{d:?}");
    }

    #[test]
    fn hole_touching_shell_at_two_points_disconnects_the_interior() {
        // A diamond hole whose left and right corners touch the shell: the interior is cut in two.
        let g = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
            vec![LineString::from(vec![
                (0., 2.),
                (2., 1.),
                (4., 2.),
                (2., 3.),
                (0., 2.),
            ])],
        ));
        let d = validity_details(&g);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].reason, "Interior is disconnected");
        // The second touching point closes the cycle.
        assert_eq!(d[0].at, Coord { x: 0.0, y: 2.0 });
        // Touching at one point only is valid.
        let ok = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
            vec![LineString::from(vec![
                (0., 2.),
                (2., 1.),
                (3., 2.),
                (2., 3.),
                (0., 2.),
            ])],
        ));
        assert!(validity_details(&ok).is_empty());
    }

    #[test]
    fn valid_shapes_have_no_details() {
        let g = mp(polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)]);
        assert!(validity_details(&g).is_empty());
        // Clockwise is fine too.
        let cw = mp(polygon![(x: 0., y: 0.), (x: 0., y: 1.), (x: 1., y: 1.), (x: 1., y: 0.)]);
        assert!(validity_details(&cw).is_empty());
    }

    #[test]
    fn snapping_moves_only_near_vertices() {
        let v = Vertices(vec![Coord { x: 1.0, y: 1.0 }, Coord { x: 2.0, y: 2.0 }]);
        assert_eq!(
            v.nearest(
                Coord {
                    x: 1.0 + 1e-12,
                    y: 1.0
                },
                1e-10
            ),
            Some(Coord { x: 1.0, y: 1.0 })
        );
        assert_eq!(v.nearest(Coord { x: 1.5, y: 1.5 }, 1e-10), None);
    }

    fn ring(pts: &[(f64, f64)]) -> MultiPolygon<f64> {
        mp(Polygon::new(LineString::from(pts.to_vec()), vec![]))
    }

    #[test]
    fn convexity_is_decided_exactly() {
        let sq = [(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)];
        assert_eq!(convex_orientation(&ring(&sq)), Some(true));
        let cw: Vec<_> = sq.iter().rev().copied().collect();
        assert_eq!(convex_orientation(&ring(&cw)), Some(false));
        // A vertex in the middle of an edge (a T-junction) and a repeated vertex are fine.
        let t = [
            (0., 0.),
            (0.5, 0.),
            (1., 0.),
            (1., 0.),
            (1., 1.),
            (0., 1.),
            (0., 0.),
        ];
        assert_eq!(convex_orientation(&ring(&t)), Some(true));
        // An L-shape, a spike, a pentagram (every turn the same way, winding twice).
        let l = [
            (0., 0.),
            (2., 0.),
            (2., 1.),
            (1., 1.),
            (1., 2.),
            (0., 2.),
            (0., 0.),
        ];
        assert_eq!(convex_orientation(&ring(&l)), None);
        let spike = [(0., 0.), (1., 0.), (2., 0.), (1., 0.), (1., 1.), (0., 0.)];
        assert_eq!(convex_orientation(&ring(&spike)), None);
        let star: Vec<(f64, f64)> = (0..=5)
            .map(|k| {
                let a = (k * 2 % 5) as f64 * std::f64::consts::TAU / 5.0;
                (a.cos(), a.sin())
            })
            .collect();
        assert_eq!(convex_orientation(&ring(&star)), None);
        // Holes and several parts are not one convex ring.
        let holed = mp(Polygon::new(
            LineString::from(vec![(0., 0.), (4., 0.), (4., 4.), (0., 4.), (0., 0.)]),
            vec![LineString::from(vec![
                (1., 1.),
                (1., 2.),
                (2., 2.),
                (1., 1.),
            ])],
        ));
        assert_eq!(convex_orientation(&holed), None);
        let two = MultiPolygon(vec![ring(&sq).0[0].clone(), ring(&sq).0[0].clone()]);
        assert_eq!(convex_orientation(&two), None);
        // One ulp off the line makes a reflex vertex.
        let nearly = [
            (0., 0.),
            (0.5, -f64::EPSILON),
            (1., 0.),
            (1., 1.),
            (0., 1.),
            (0., 0.),
        ];
        assert_eq!(convex_orientation(&ring(&nearly)), Some(true));
        let dent = [
            (0., 0.),
            (0.5, f64::EPSILON),
            (1., 0.),
            (1., 1.),
            (0., 1.),
            (0., 0.),
        ];
        assert_eq!(convex_orientation(&ring(&dent)), None);
    }

    #[test]
    fn convex_clip_area_matches_the_exact_intersection() {
        // Convex quadrilaterals against concave, holed and multi-part subjects, in both
        // windings; the exact geodesic area of the intersection is the reference.
        let mut rng = 0x1234_5678_u64;
        let mut next = || {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (rng >> 11) as f64 / (1u64 << 53) as f64
        };
        let d = 0.001;
        let mut checked = 0;
        for k in 0..300 {
            let (x0, y0) = (67.0 + next() * d, 24.8 + next() * d);
            let mut quad: Vec<(f64, f64)> = vec![
                (x0, y0),
                (x0 + d + next() * 2e-4, y0 + next() * 2e-4),
                (x0 + d + next() * 2e-4, y0 + d + next() * 2e-4),
                (x0 + next() * 2e-4, y0 + d),
                (x0, y0),
            ];
            if k % 2 == 1 {
                quad.reverse();
            }
            let a = ring(&quad);
            let ccw = convex_orientation(&a).expect("convex");
            let (sx, sy) = (67.0 + next() * 1.5 * d, 24.8 + next() * 1.5 * d);
            let s = |x: f64, y: f64| (sx + x * d, sy + y * d);
            let mut shell = vec![
                s(0., 0.),
                s(1., 0.),
                s(1., 0.4),
                s(0.4, 0.4),
                s(0.4, 1.),
                s(0., 1.),
                s(0., 0.),
            ];
            if k % 3 == 0 {
                shell.reverse();
            }
            let hole = vec![
                s(0.1, 0.1),
                s(0.1, 0.3),
                s(0.3, 0.3),
                s(0.3, 0.1),
                s(0.1, 0.1),
            ];
            let other = vec![
                s(0.6, 0.6),
                s(0.9, 0.6),
                s(0.9, 0.9),
                s(0.6, 0.9),
                s(0.6, 0.6),
            ];
            let b = MultiPolygon(vec![
                Polygon::new(LineString::from(shell), vec![LineString::from(hole)]),
                Polygon::new(LineString::from(other), vec![]),
            ]);
            assert!(b.is_valid());
            let want = area_m2(&a.intersection(&b));
            let got = convex_clip_area_m2(&a, ccw, &b, &mut ClipBuffers::default());
            assert!(
                (got - want).abs() <= 1e-4 * want + 1e-6,
                "case {k}: {got} vs {want}"
            );
            checked += usize::from(want > 1.0);
        }
        assert!(checked > 100, "{checked}");
    }

    /// A seeded fabric with every kind of overlap the prefilter must not lose: a jittered grid
    /// with T-junctions, concave L-shapes, a parcel with a hole and its filler, a multipolygon,
    /// a parcel inside another, an identical duplicate, and cells moved by lengths spread over
    /// nine orders of magnitude (overlaps from ~1e-7 m² to ~100 m², many near 1 m²).
    fn prefilter_fabric(seed: u64) -> ParcelSet {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let (n, d) = (9usize, 0.001);
        let v: Vec<Vec<(f64, f64)>> = (0..=n)
            .map(|i| {
                (0..=n)
                    .map(|j| {
                        (
                            67.1 + j as f64 * d + (next() - 0.5) * 0.4 * d,
                            24.8 + i as f64 * d + (next() - 0.5) * 0.4 * d,
                        )
                    })
                    .collect()
            })
            .collect();
        // (id, parts → rings → points, zone)
        type Feature = (String, Vec<Vec<Vec<(f64, f64)>>>, String);
        let mut features: Vec<Feature> = Vec::new();
        let zone = |i: usize| format!("z{}", i * 3 / n);
        for i in 0..n {
            for j in 0..n {
                let (bl, br, tr, tl) = (v[i][j], v[i][j + 1], v[i + 1][j + 1], v[i + 1][j]);
                let id = format!("c{i}-{j}");
                // Cells (1,1)+(1,2)+(2,1) are one concave L, (5,5) has a hole and a filler,
                // (7,1) and (7,3) are one multipolygon (7,2 left out: a gap).
                match (i, j) {
                    (1, 2) | (2, 1) | (7, 2) | (7, 3) => continue,
                    (1, 1) => {
                        let l = vec![
                            v[1][1], v[1][2], v[1][3], v[2][3], v[2][2], v[3][2], v[3][1], v[1][1],
                        ];
                        features.push((id, vec![vec![l]], zone(i)));
                        continue;
                    }
                    (5, 5) => {
                        let c = ((bl.0 + tr.0) / 2.0, (bl.1 + tr.1) / 2.0);
                        let h = [(-1., -1.), (-1., 1.), (1., 1.), (1., -1.), (-1., -1.)]
                            .map(|(a, b)| (c.0 + a * 0.2 * d, c.1 + b * 0.2 * d));
                        let filler: Vec<_> = h.iter().rev().copied().collect();
                        features.push((
                            id,
                            vec![vec![vec![bl, br, tr, tl, bl], h.to_vec()]],
                            zone(i),
                        ));
                        features.push(("filler".into(), vec![vec![filler]], zone(i)));
                        continue;
                    }
                    (7, 1) => {
                        let far = (v[7][3], v[7][4], v[8][4], v[8][3]);
                        features.push((
                            id,
                            vec![
                                vec![vec![bl, br, tr, tl, bl]],
                                vec![vec![far.0, far.1, far.2, far.3, far.0]],
                            ],
                            zone(i),
                        ));
                        continue;
                    }
                    _ => {}
                }
                let mut r = vec![bl, br];
                if (i + j) % 3 == 0 {
                    r.push((br.0 + (tr.0 - br.0) * 0.37, br.1 + (tr.1 - br.1) * 0.37));
                }
                r.extend([tr, tl, bl]);
                if next() < 0.25 {
                    // Moved by 1e-9 .. 1 m (in degrees: 1 m ≈ 1e-5°), east or north.
                    let len = 1e-5 * 10f64.powf(-9.0 * next());
                    let (dx, dy) = if next() < 0.5 { (len, 0.0) } else { (0.0, len) };
                    r.iter_mut().for_each(|c| *c = (c.0 + dx, c.1 + dy));
                }
                if next() < 0.5 {
                    r.reverse();
                }
                features.push((id, vec![vec![r]], zone(i)));
            }
        }
        // A parcel inside (3,6), and a duplicate of (4,4) under another id.
        let c = v[3][6];
        let inner = [(1., 1.), (2., 1.), (2., 2.), (1., 2.), (1., 1.)]
            .map(|(a, b)| (c.0 + a * 0.2 * d, c.1 + b * 0.2 * d))
            .to_vec();
        features.push(("inner".into(), vec![vec![inner]], zone(3)));
        let dup = features.iter().find(|f| f.0 == "c4-4").unwrap().clone();
        features.push(("dup".into(), dup.1, dup.2));
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features
                .iter()
                .map(|(id, parts, z)| {
                    let coords = parts
                        .iter()
                        .map(|p| {
                            let rings: Vec<String> = p
                                .iter()
                                .map(|r| {
                                    let pts: Vec<String> =
                                        r.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
                                    format!("[{}]", pts.join(","))
                                })
                                .collect();
                            format!("[{}]", rings.join(","))
                        })
                        .collect::<Vec<_>>()
                        .join(",");
                    format!(
                        r#"{{"type":"Feature","id":"{id}","properties":{{"zone":"{z}"}},"geometry":{{"type":"MultiPolygon","coordinates":[{coords}]}}}}"#
                    )
                })
                .collect::<Vec<_>>()
                .join(",")
        );
        crate::parcels::parse_parcels(text.as_bytes(), "prefilter").unwrap()
    }

    #[test]
    fn prefilter_loses_no_overlap_and_changes_no_finding() {
        let mut near_threshold = 0;
        let mut skipped = 0;
        let mut proven = 0;
        let mut artifacts = 0;
        for seed in 1..=12 {
            let set = prefilter_fabric(seed);
            let parcels = &set.parcels;
            let skip = vec![false; parcels.len()];
            let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
            let candidates = index.candidate_pairs();
            let convex = convexity(parcels);
            let exact = overlap_scan(parcels, &candidates, &skip, &convex, None);
            for min in [1.0, 0.05, 0.0] {
                let eps = prefilter_eps_m2(min);
                let fast = overlap_scan(parcels, &candidates, &skip, &convex, Some(eps));
                // Every pair the prefilter sent on is an exact pair with the same area.
                let all: BTreeMap<(usize, usize), f64> = exact
                    .pairs
                    .iter()
                    .map(|o| ((o.i, o.j), o.area_m2))
                    .collect();
                for o in &fast.pairs {
                    assert_eq!(all.get(&(o.i, o.j)), Some(&o.area_m2), "seed {seed}");
                }
                // Every exact pair it dropped is a listed sliver, far below the threshold.
                let kept: BTreeSet<(usize, usize)> =
                    fast.pairs.iter().map(|o| (o.i, o.j)).collect();
                let slivers: BTreeSet<(usize, usize)> = fast.slivers.iter().copied().collect();
                for o in &exact.pairs {
                    if kept.contains(&(o.i, o.j)) {
                    } else if slivers.contains(&(o.i, o.j)) {
                        // The clipped area was below eps; the exact path's own error on a
                        // sliver (its snapping grid times the perimeter) is up to ~1e-3 m².
                        assert!(
                            o.area_m2 < (eps + 0.01).min(0.5 * min),
                            "seed {seed} min {min}: {o:?}"
                        );
                    } else {
                        // Proven disjoint by a separating edge: what the exact path found is
                        // an artifact of its snapping, a shape of no width.
                        assert!(o.area_m2 < 1e-6, "seed {seed} min {min}: {o:?}");
                        artifacts += 1;
                    }
                    if (0.5..2.0).contains(&o.area_m2) {
                        near_threshold += 1;
                    }
                }
                skipped += candidates.len() - fast.pairs.len();
                proven += candidates.len() - fast.pairs.len() - fast.slivers.len();
                // Whole reports, zones included, are identical.
                let opts = ValidateOptions {
                    min_overlap_m2: min,
                    targets: vec![("z0".into(), 10.0)],
                    ..ValidateOptions::default()
                };
                let (fast, slow) = (
                    validate_with(&set, &opts, true),
                    validate_with(&set, &opts, false),
                );
                if min > 0.0 {
                    assert_eq!(fast, slow, "seed {seed} min {min}");
                } else {
                    // With no threshold the exact path also reports its zero-width artifacts.
                    let real = |r: &Report| {
                        let mut r = r.clone();
                        r.findings
                            .retain(|f| f.acres.is_none_or(|a| a * M2_PER_ACRE >= 1e-6));
                        r
                    };
                    assert_eq!(real(&fast), real(&slow), "seed {seed} min {min}");
                }
            }
        }
        // The fabric exercises the threshold, and the prefilter does its job.
        assert!(near_threshold >= 3, "{near_threshold}");
        assert!(proven > 1000 && skipped > proven, "{proven} {skipped}");
        eprintln!(
            "{proven} proven disjoint, {skipped} skipped, {artifacts} artifacts, {near_threshold} near 1 m²"
        );
    }

    #[test]
    fn morton_interleaves_bits() {
        assert_eq!(morton(0b11, 0b00), 0b0101);
        assert_eq!(morton(0b00, 0b11), 0b1010);
    }

    #[test]
    fn findings_sort_by_kind_then_area_then_ids() {
        let f = |kind, acres: Option<f64>, id: &str| Finding {
            kind,
            parcels: vec![ParcelId(id.into())],
            zone: None,
            acres,
            at: [0.0, 0.0],
            message: String::new(),
            geometry: None,
        };
        let mut v = vec![
            f(FindingKind::Gap, Some(1.0), "b"),
            f(FindingKind::Overlap, Some(0.5), "z"),
            f(FindingKind::Gap, Some(2.0), "c"),
            f(FindingKind::Gap, None, "a"),
            f(FindingKind::Gap, Some(1.0), "a"),
        ];
        sort_findings(&mut v);
        let got: Vec<_> = v
            .iter()
            .map(|x| (x.kind, x.parcels[0].0.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (FindingKind::Overlap, "z"),
                (FindingKind::Gap, "c"),
                (FindingKind::Gap, "a"),
                (FindingKind::Gap, "b"),
                (FindingKind::Gap, "a"),
            ]
        );
    }

    /// A fabric with T-junctions: even rows of single cells, odd rows of double-width cells
    /// (offset by one), so most neighbours across rows share no edge exactly; plus duplicated
    /// parcels, an overlap and an invalid bow-tie.
    fn t_junction_fabric(seed: u64) -> String {
        let mut rng = crate::plan::search::Rng::new(seed);
        let d = 0.001;
        let mut features = Vec::new();
        let mut push = |id: String, ring: Vec<(f64, f64)>, zone: String| {
            let coords: Vec<String> = ring.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
            features.push(format!(
                r#"{{"type":"Feature","id":"{id}","properties":{{"zone":"{zone}"}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
                coords.join(",")
            ));
        };
        let (x0, y0) = (67.2, 24.8);
        for row in 0..8usize {
            let (w, start) = if row % 2 == 0 {
                (1usize, 0usize)
            } else {
                (2, 1)
            };
            let mut col = 0;
            if start == 1 {
                let z = format!("z{}", rng.below(3));
                let r = |c: f64, r: f64| (x0 + c * d, y0 + r * d);
                let (c, rr) = (0.0, row as f64);
                push(
                    format!("r{row}-edge"),
                    vec![
                        r(c, rr),
                        r(c + 1.0, rr),
                        r(c + 1.0, rr + 1.0),
                        r(c, rr + 1.0),
                        r(c, rr),
                    ],
                    z,
                );
                col = 1;
            }
            while col + w <= 12 {
                let z = format!("z{}", rng.below(3));
                let (c, rr, cw) = (col as f64, row as f64, w as f64);
                let p = |a: f64, b: f64| (x0 + a * d, y0 + b * d);
                // Double cells keep the vertex in the middle of their top edge only sometimes,
                // so both exact matches and T-junctions occur.
                let mut ring = vec![p(c, rr), p(c + cw, rr), p(c + cw, rr + 1.0)];
                if w == 2 && rng.below(2) == 0 {
                    ring.push(p(c + 1.0, rr + 1.0));
                }
                ring.extend([p(c, rr + 1.0), p(c, rr)]);
                push(format!("r{row}-{col}"), ring.clone(), z.clone());
                if rng.below(10) == 0 {
                    push(
                        format!("r{row}-{col}-copy"),
                        ring,
                        format!("z{}", rng.below(3)),
                    );
                }
                col += w;
            }
        }
        push(
            "overlapper".into(),
            vec![
                (x0 + 0.5 * d, y0 + 0.5 * d),
                (x0 + 2.5 * d, y0 + 0.5 * d),
                (x0 + 2.5 * d, y0 + 1.5 * d),
                (x0 + 0.5 * d, y0 + 0.5 * d),
            ],
            "z0".into(),
        );
        push(
            "bowtie".into(),
            vec![
                (x0, y0 - d),
                (x0 + d, y0),
                (x0 + d, y0 - d),
                (x0, y0),
                (x0, y0 - d),
            ],
            "z1".into(),
        );
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    #[test]
    fn zone_pieces_equal_the_components_of_the_full_adjacency_graph() {
        let mut texts: Vec<String> = (1..=6).map(t_junction_fabric).collect();
        for seed in [3, 4] {
            let spec = crate::synth::FabricSpec {
                cols: 20,
                rows: 20,
                gaps: 3,
                overlaps: 4,
                invalid: 2,
                seed,
                zones: 3,
                ..Default::default()
            };
            texts.push(crate::synth::generate(&spec).unwrap().0);
        }
        let mut split_zones = 0;
        for (k, text) in texts.iter().enumerate() {
            let mut set = crate::parcels::parse_parcels(text.as_bytes(), "t").unwrap();
            if k >= 6 {
                // Scatter the synthetic fabric's zones so they fall into many pieces.
                let mut rng = crate::plan::search::Rng::new(k as u64);
                for p in &mut set.parcels {
                    p.zone = Some(format!("z{}", rng.below(3)));
                }
            }
            let parcels = &set.parcels;
            let skip = invalid_mask(parcels);
            let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
            let candidates = index.candidate_pairs();
            let scan = overlap_scan(
                parcels,
                &candidates,
                &skip,
                &convexity(parcels),
                Some(prefilter_eps_m2(1.0)),
            );
            let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
            for (i, p) in parcels.iter().enumerate() {
                members
                    .entry(p.zone.as_deref().unwrap())
                    .or_default()
                    .push(i);
            }
            let table = EdgeTable::build(parcels);
            let roots = zone_pieces(parcels, &members, &table, &candidates, &scan);
            // The reference: every candidate pair's shared boundary measured, overlaps and
            // overlapping slivers added, components of each zone's subgraph.
            let geoms: Vec<&MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
            let mut adj = crate::Adjacency::from_pairs(&geoms, &candidates);
            for o in &scan.pairs {
                adj.connect(o.i, o.j, 0.0);
            }
            for &(i, j) in &scan.slivers {
                if adj.shared(i, j) == 0.0 && exact_overlap(parcels, i, j).is_some() {
                    adj.connect(i, j, 0.0);
                }
            }
            for (z, m) in &members {
                let want = adj.components(m);
                assert_eq!(pieces(m, &roots), want, "fabric {k} zone {z}");
                split_zones += usize::from(want.len() > 1);
            }
        }
        // The fabrics exercise the slow path (zones in several pieces), not only exact edges.
        assert!(split_zones >= 20, "{split_zones}");
    }

    #[test]
    fn every_ring_convexity_accepts_is_valid() {
        // Random rings of 3-7 vertices on a 4x4 integer grid (so collinear, repeated, crossing
        // and doubled-back vertices are common): whenever the convexity test accepts a ring,
        // the general validity check finds nothing wrong with it, so the shortcut in
        // `parcel_validity` changes no finding.
        let mut rng = crate::plan::search::Rng::new(11);
        let (mut accepted, mut rejected_invalid) = (0, 0);
        for _ in 0..60_000 {
            let n = 3 + rng.below(5);
            let mut pts: Vec<(f64, f64)> = (0..n)
                .map(|_| (rng.below(4) as f64, rng.below(4) as f64))
                .collect();
            pts.push(pts[0]);
            let g = ring(&pts);
            let details = validity_details(&g);
            if convex_orientation(&g).is_some() {
                accepted += 1;
                assert!(details.is_empty(), "{pts:?}: {details:?}");
                assert!(g.is_valid(), "{pts:?}");
            } else if !details.is_empty() {
                rejected_invalid += 1;
            }
        }
        assert!(
            accepted > 1_000 && rejected_invalid > 10_000,
            "{accepted} {rejected_invalid}"
        );
    }
}
