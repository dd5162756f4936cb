//! Validation: every problem with a parcel fabric or a proposed split, in one pass.
//!
//! [`validate`] reports every finding, not the first:
//! - `invalid_geometry`: a parcel that is not a valid OGC polygon (self-intersection, a hole
//!   outside its shell, a ring touching itself, overlapping parts of one multipolygon, a
//!   disconnected interior, …), with the reason worded as PostGIS `ST_IsValidDetail` words it and
//!   the location of the problem ([`validity_details`]).
//! - `overlap`: every pair of parcels whose interiors overlap by more than
//!   [`ValidateOptions::min_overlap_m2`]. Candidates come from the R-tree, then a cheap
//!   `Intersects` filter, then the exact intersection (geo's `BooleanOps`, i_overlay) and its
//!   geodesic area. Parcels sharing only an edge or a corner do not overlap.
//! - `gap`: land enclosed by parcels but covered by none (the holes of the union of the
//!   parcels), with the parcels touching it; with a site, also land of the site no parcel covers
//!   (the pieces of site − union; holes inside the site are reported once, as such pieces).
//! - `outside_site`: the part of a parcel outside the site boundary.
//! - `duplicate_id`: two or more features with the same id.
//! - zones (a `zone` property): `unzoned` parcels (only when some parcels have zones),
//!   `zone_area` (a zone's total is further from its target than the tolerance, including a
//!   target zone with no parcels) and `not_contiguous` (a zone falls into pieces: parcels
//!   connect by a shared edge, or by overlapping, never by a corner alone).
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

use crate::adjacency::Adjacency;
use crate::geodesy::{M2_PER_ACRE, area_m2, parcel_areas_m2, polygon_area_m2};
use crate::index::ParcelIndex;
use crate::parcels::{Parcel, ParcelId, ParcelSet, bbox_of};

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
}

impl FindingKind {
    /// Every kind, in report order.
    pub const ALL: [FindingKind; 8] = [
        FindingKind::InvalidGeometry,
        FindingKind::Overlap,
        FindingKind::Gap,
        FindingKind::OutsideSite,
        FindingKind::DuplicateId,
        FindingKind::Unzoned,
        FindingKind::ZoneArea,
        FindingKind::NotContiguous,
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
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            targets: Vec::new(),
            tolerance_acres: 1.0,
            min_overlap_m2: 1.0,
            min_gap_m2: 1.0,
            site: None,
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
    let parcels = &set.parcels;
    let n = parcels.len();
    let areas = parcel_areas_m2(parcels);
    let details = parcel_validity(parcels);
    let skip: Vec<bool> = details.iter().map(|d| !d.is_empty()).collect();
    let mut findings = invalid_findings(parcels, &details);

    let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
    let pairs = overlap_pairs(parcels, &index, &skip);
    findings.extend(
        pairs
            .iter()
            .filter(|o| o.area_m2 > opts.min_overlap_m2)
            .map(|o| overlap_finding(parcels, o)),
    );
    findings.extend(gaps(
        parcels,
        &index,
        &skip,
        opts.site.as_ref(),
        opts.min_gap_m2,
    ));
    if let Some(site) = &opts.site {
        findings.extend(outside_site(parcels, &skip, site, opts.min_overlap_m2));
    }
    findings.extend(duplicate_ids(parcels, &skip));

    let (zones, zone_findings) = zone_checks(parcels, &areas, &skip, &index, &pairs, opts);
    findings.extend(zone_findings);
    sort_findings(&mut findings);
    Report {
        parcels: n,
        total_acres: areas.iter().sum::<f64>() / M2_PER_ACRE,
        zones,
        findings,
    }
}

// ---------------------------------------------------------------------------------------------
// Invalid geometry.

/// Why a geometry is invalid, and where: one problem of [`validity_details`].
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidDetail {
    /// The reason as PostGIS `ST_IsValidDetail` words it: `Self-intersection`,
    /// `Ring Self-intersection`, `Hole lies outside shell`, `Nested holes`, `Nested shells`,
    /// `Too few points`, `Interior is disconnected`, `Invalid Coordinate`.
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
    for e in g.validation_errors() {
        if let Some(d) = locate(g, multi, &e) {
            push(&mut out, d);
        }
    }
    for (k, p) in g.0.iter().enumerate() {
        for (r, ring) in rings(p).enumerate() {
            if let Some(at) = spike(ring) {
                push(
                    &mut out,
                    InvalidDetail {
                        reason: "Self-intersection",
                        ring: ring_label(multi, k, role_of(r)),
                        at,
                    },
                );
            }
        }
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

fn inside(ring: &LineString<f64>, c: Coord<f64>) -> CoordPos {
    Polygon::new(ring.clone(), vec![]).coordinate_position(&c)
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
        InvalidPolygon::TooFewPointsInRing(role) => {
            detail("Too few points", *role, first_coord(ring_of(p, *role)))
        }
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
                    // Nested holes: the inner one's first vertex inside the other.
                    let b_in_a = inside(ra, first_coord(rb)) != CoordPos::Outside;
                    let (inner, outer, role) = if b_in_a { (rb, ra, *b) } else { (ra, rb, *a) };
                    detail("Nested holes", role, first_vertex_inside(inner, outer))
                }
            }
        }
    }
}

/// Where a polygon's interior is cut in two by rings touching at points (the graph of rings
/// and their touching points has a cycle), if it is.
fn disconnected_interior(p: &Polygon<f64>) -> Option<Coord<f64>> {
    if p.interiors().is_empty() {
        return None;
    }
    let segs: Vec<Vec<Line<f64>>> = rings(p).map(segments).collect();
    let boxes: Vec<Rect<f64>> = rings(p).map(ring_box).collect();
    let r = segs.len();
    // Nodes: rings 0..r, then touch points.
    let mut parent: Vec<usize> = (0..r).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let mut points: BTreeMap<(u64, u64), usize> = BTreeMap::new();
    for a in 0..r {
        for b in a + 1..r {
            if !rects_meet(&boxes[a], &boxes[b]) {
                continue;
            }
            let mut touches: Vec<Coord<f64>> = Vec::new();
            for s in &segs[a] {
                for t in &segs[b] {
                    if !boxes_meet(s, t) {
                        continue;
                    }
                    if let Some(LineIntersection::SinglePoint { intersection, .. }) =
                        line_intersection(*s, *t)
                    {
                        if !touches.contains(&intersection) {
                            touches.push(intersection);
                        }
                    }
                }
            }
            for c in touches {
                let key = (c.x.to_bits(), c.y.to_bits());
                let node = *points.entry(key).or_insert_with(|| {
                    parent.push(parent.len());
                    parent.len() - 1
                });
                for ring in [a, b] {
                    let (x, y) = (find(&mut parent, ring), find(&mut parent, node));
                    if x == y {
                        return Some(c);
                    }
                    parent[x] = y;
                }
            }
        }
    }
    None
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
    parcels
        .par_iter()
        .map(|p| {
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
}

fn snap_polygon(p: &Polygon<f64>, sources: &[&Vertices], tol: f64) -> Polygon<f64> {
    let snap_ring = |r: &LineString<f64>| {
        LineString(
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
                .collect(),
        )
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

fn overlap_pairs(parcels: &[Parcel], index: &ParcelIndex, skip: &[bool]) -> Vec<OverlapPair> {
    let pairs = index.candidate_pairs();
    pairs
        .par_iter()
        .filter(|&&(i, j)| !skip[i] && !skip[j])
        .filter_map(|&(i, j)| {
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
        })
        .collect()
}

fn overlap_finding(parcels: &[Parcel], o: &OverlapPair) -> Finding {
    let (a, b) = (&parcels[o.i], &parcels[o.j]);
    Finding {
        kind: FindingKind::Overlap,
        parcels: vec![a.id.clone(), b.id.clone()],
        zone: None,
        acres: Some(o.area_m2 / M2_PER_ACRE),
        at: representative(&o.shape),
        message: format!("{} and {} overlap by {:.2} m²", a.id, b.id, o.area_m2),
        geometry: Some(o.shape.clone()),
    }
}

/// Every pair of parcels (neither marked in `skip`) whose interiors overlap by more than
/// `min_overlap_m2`, with the overlap's shape and geodesic area, in candidate-pair order.
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
/// assert!(allot::validate::overlaps(&set.parcels, &index, &[false, false], 0.0).is_empty());
/// ```
pub fn overlaps(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    min_overlap_m2: f64,
) -> Vec<Finding> {
    overlap_pairs(parcels, index, skip)
        .iter()
        .filter(|o| o.area_m2 > min_overlap_m2)
        .map(|o| overlap_finding(parcels, o))
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
fn union_of(parcels: &[Parcel], skip: &[bool]) -> MultiPolygon<f64> {
    let mut valid: Vec<usize> = (0..parcels.len()).filter(|&i| !skip[i]).collect();
    const CHUNK: usize = 4096;
    if valid.len() <= CHUNK {
        let polys = oriented_polygons(valid.iter().map(|&i| &parcels[i].geometry));
        return unary_union(polys.iter());
    }
    // Order parcels along a Morton curve so chunks are compact; merge chunk unions pairwise.
    let boxes: Vec<Rect<f64>> = valid.iter().map(|&i| parcels[i].bbox()).collect();
    let all = boxes
        .iter()
        .copied()
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
        ));
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
    pieces.pop().unwrap_or(MultiPolygon(vec![]))
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

/// Whether the boundaries of `a` and `b` come within `tol` of each other (an edge or a point
/// in common); for shapes whose interiors do not overlap.
fn touches(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>, tol: f64) -> bool {
    let (ba, bb) = (bbox_of(a), bbox_of(b));
    let grow = |r: Rect<f64>| {
        Rect::new(
            Coord {
                x: r.min().x - tol,
                y: r.min().y - tol,
            },
            Coord {
                x: r.max().x + tol,
                y: r.max().y + tol,
            },
        )
    };
    let near = |r: &Rect<f64>, c: &Coord<f64>| {
        c.x >= r.min().x && c.x <= r.max().x && c.y >= r.min().y && c.y <= r.max().y
    };
    let (ga, gb) = (grow(ba), grow(bb));
    let seg_near = |r: &Rect<f64>, s: &Line<f64>| {
        s.start.x.max(s.end.x) >= r.min().x
            && s.start.x.min(s.end.x) <= r.max().x
            && s.start.y.max(s.end.y) >= r.min().y
            && s.start.y.min(s.end.y) <= r.max().y
    };
    let segs = |g: &MultiPolygon<f64>, r: &Rect<f64>| -> Vec<Line<f64>> {
        g.0.iter()
            .flat_map(rings)
            .flat_map(segments)
            .filter(|s| seg_near(r, s))
            .collect()
    };
    let verts = |g: &MultiPolygon<f64>, r: &Rect<f64>| -> Vec<Coord<f64>> {
        g.0.iter()
            .flat_map(rings)
            .flat_map(|ring| ring.0.iter().copied())
            .filter(|c| near(r, c))
            .collect()
    };
    let (sa, sb) = (segs(a, &gb), segs(b, &ga));
    let (va, vb) = (verts(a, &gb), verts(b, &ga));
    va.iter()
        .any(|c| sb.iter().any(|s| point_segment_distance(*c, s) <= tol))
        || vb
            .iter()
            .any(|c| sa.iter().any(|s| point_segment_distance(*c, s) <= tol))
}

/// Every gap of more than `min_gap_m2`: land enclosed by the valid parcels (not marked in
/// `skip`) but covered by none, and, with a `site`, land of the site no parcel covers. Each
/// gap lists the valid parcels touching it (by an edge or a point), in file order.
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
/// let gaps = allot::validate::gaps(&set.parcels, &index, &vec![false; 8], None, 1.0);
/// assert_eq!(gaps.len(), 1);
/// assert_eq!(gaps[0].parcels.len(), 8); // four by an edge, four by a corner
/// ```
pub fn gaps(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    site: Option<&MultiPolygon<f64>>,
    min_gap_m2: f64,
) -> Vec<Finding> {
    let union = union_of(parcels, skip);
    let holes = holes_of(&union);
    // (region, is the region site land, as opposed to a hole in the fabric)
    let mut regions: Vec<(Polygon<f64>, bool)> = Vec::new();
    match site {
        None => regions.extend(holes.into_iter().map(|h| (h, false))),
        Some(site) => {
            let site_o = site.orient(Direction::Default);
            regions.extend(site_o.difference(&union).0.into_iter().map(|p| (p, true)));
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
    let extent = extent_geoms
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
        ));
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
            let around: Vec<ParcelId> = near
                .iter()
                .filter(|&&i| touches(&parcels[i].geometry, &shape, tol))
                .map(|&i| parcels[i].id.clone())
                .collect();
            let message = if *site_land {
                format!(
                    "{:.2} m² of the site is covered by no parcel{}",
                    area,
                    if around.is_empty() {
                        String::new()
                    } else {
                        format!(" (next to {} parcels)", around.len())
                    }
                )
            } else {
                format!(
                    "{:.2} m² enclosed by {} parcels is covered by none",
                    area,
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
                position: p.index + 1,
                id: p.id.to_string(),
                reason: d.reason,
                ring: d.ring.clone(),
                lon: d.at.x,
                lat: d.at.y,
            });
        }
    }
    let polys = oriented_polygons(set.parcels.iter().map(|p| &p.geometry));
    Ok(unary_union(polys.iter()))
}

/// The part of each valid parcel (not marked in `skip`) outside `site`, when more than
/// `min_m2`, in parcel order.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// let text = br#"{"type":"FeatureCollection","features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.02,24],[67.02,24.01],[67,24.01],[67,24]]]}}]}"#;
/// let set = allot::parcels::parse_parcels(text, "t").unwrap();
/// let site = MultiPolygon(vec![polygon![(x: 67.0, y: 24.0), (x: 67.01, y: 24.0), (x: 67.01, y: 24.01), (x: 67.0, y: 24.01)]]);
/// let f = allot::validate::outside_site(&set.parcels, &[false], &site, 1.0);
/// assert_eq!(f.len(), 1);
/// // Half the parcel: the east 0.01° × 0.01° (pyproj Geod: 1,126,941.73 m²).
/// assert!((f[0].acres.unwrap() * 4046.8564224 - 1_126_941.73).abs() < 1.0);
/// ```
pub fn outside_site(
    parcels: &[Parcel],
    skip: &[bool],
    site: &MultiPolygon<f64>,
    min_m2: f64,
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
                message: format!("{:.2} m² of {} lies outside the site", area, p.id),
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
    let mut by_id: BTreeMap<&ParcelId, Vec<usize>> = BTreeMap::new();
    for (i, p) in parcels.iter().enumerate() {
        by_id.entry(&p.id).or_default().push(i);
    }
    by_id
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
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

fn zone_checks(
    parcels: &[Parcel],
    areas: &[f64],
    skip: &[bool],
    index: &ParcelIndex,
    pairs: &[OverlapPair],
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
    let adjacency = zoned.then(|| {
        let geoms: Vec<&MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
        let mut adj = Adjacency::build(&geoms, index);
        for o in pairs {
            adj.connect(o.i, o.j, 0.0);
        }
        adj
    });
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
    let mut zones = BTreeMap::new();
    for (z, m) in &members {
        let acres: f64 = m.iter().map(|&i| areas[i]).sum::<f64>() / M2_PER_ACRE;
        let pieces = match &adjacency {
            Some(adj) if !m.is_empty() => adj.components(m),
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
                        "zone {z} has {acres:.6} acres in {} parcels, {} than its target of {t} acres by {:.6} acres (tolerance {})",
                        m.len(),
                        if dev > 0.0 { "more" } else { "less" },
                        dev.abs(),
                        opts.tolerance_acres
                    ),
                    geometry: None,
                });
            }
        }
        if pieces.len() > 1 {
            let mut piece_areas: Vec<(f64, &Vec<usize>)> = pieces
                .iter()
                .map(|p| (p.iter().map(|&i| areas[i]).sum::<f64>() / M2_PER_ACRE, p))
                .collect();
            piece_areas.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
            let detached: f64 = piece_areas[1..].iter().map(|p| p.0).sum();
            let smallest = piece_areas.last().map(|p| p.1[0]).unwrap_or(m[0]);
            findings.push(Finding {
                kind: FindingKind::NotContiguous,
                parcels: m.iter().map(|&i| parcels[i].id.clone()).collect(),
                zone: Some(z.to_string()),
                acres: Some(detached),
                at: parcel_point(&parcels[smallest], !skip[smallest]),
                message: format!(
                    "zone {z} falls into {} pieces of {} acres",
                    pieces.len(),
                    piece_areas
                        .iter()
                        .map(|p| format!("{:.6}", p.0))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                geometry: None,
            });
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
        assert_eq!(d[0].reason, "Too few points", "{d:?}");
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
}
