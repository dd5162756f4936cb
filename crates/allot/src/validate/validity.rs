//! `invalid_geometry`: why a parcel is not a valid polygon, worded as PostGIS words it, and where.

use std::panic::{AssertUnwindSafe, catch_unwind};

use geo::algorithm::validation::{InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, CoordinatePosition, Line, LineString, MultiPolygon, Polygon, Rect, Validation};
use rayon::prelude::*;

use super::*;
pub(crate) use crate::geom::bbox::ring_box;
use crate::geom::ring::distinct_vertices;
use crate::model::Parcel;

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

pub(crate) fn first_coord(ring: &LineString<f64>) -> Coord<f64> {
    ring.0
        .iter()
        .copied()
        .find(|c| c.x.is_finite() && c.y.is_finite())
        .unwrap_or(Coord { x: 0.0, y: 0.0 })
}

/// The segments of a ring, without zero-length ones.
pub(crate) fn segments(ring: &LineString<f64>) -> Vec<Line<f64>> {
    ring.0
        .windows(2)
        .filter(|w| w[0] != w[1])
        .map(|w| Line::new(w[0], w[1]))
        .collect()
}

pub(crate) fn boxes_meet(a: &Line<f64>, b: &Line<f64>) -> bool {
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
    let pts = distinct_vertices(ring);
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
    let pts = distinct_vertices(ring);
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

pub(crate) fn inside(ring: &LineString<f64>, c: Coord<f64>) -> CoordPos {
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

pub(crate) fn rects_meet(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// Validity details of every parcel, in parallel (a parcel whose check fails unexpectedly is
/// reported as invalid rather than crashing the run).
pub(crate) fn parcel_validity(parcels: &[Parcel]) -> Vec<Vec<InvalidDetail>> {
    parcel_validity_with(parcels, &convexity(parcels))
}

/// [`convex_orientation`] of every parcel, in parallel: computed once per validation, for the
/// validity shortcut and the overlap prefilter.
pub(crate) fn convexity(parcels: &[Parcel]) -> Vec<Option<bool>> {
    parcels
        .par_iter()
        .map(|p| convex_orientation(&p.geometry))
        .collect()
}

/// [`parcel_validity`] given each parcel's [`convexity`].
pub(crate) fn parcel_validity_with(
    parcels: &[Parcel],
    convex: &[Option<bool>],
) -> Vec<Vec<InvalidDetail>> {
    parcels
        .par_iter()
        .zip(convex)
        .map(|(p, c)| {
            // A single convex ring winding once (decided exactly) is simple, hence valid: most
            // parcels of a real fabric take this shortcut past the general check; a single
            // non-convex ring shown exactly simple by a sweep takes the second one.
            if c.is_some() || simple_single_ring(&p.geometry) {
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

pub(crate) fn invalid_findings(parcels: &[Parcel], details: &[Vec<InvalidDetail>]) -> Vec<Finding> {
    let mut out = Vec::new();
    for (p, ds) in parcels.iter().zip(details) {
        for d in ds {
            out.push(Finding {
                kind: FindingKind::InvalidGeometry,
                parcels: vec![p.id.clone()],
                zone: p.zone.as_deref().map(str::to_string),
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
/// use allot::parse_parcels;
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

// Snapping results of boolean operations back onto input vertices.
