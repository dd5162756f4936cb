//! Zone outlines: one dissolved boundary polygon per zone of a plan, with its geodesic area,
//! perimeter, Polsby-Popper compactness, parcel count and target — the outline of a grant
//! (e.g. the 700-acre mill) as a deliverable — and the features that write them.
//!
//! The outline is the union of the zone's planned parcels (split pieces included) through
//! the library's one boolean-operations adapter, snapped back onto the parcels' vertices. Real
//! fabrics are not noded: a T-junction's corner stands a centimetre off its neighbour's side,
//! the two sides of a boundary are rounded differently; the planner counts such sides as shared
//! (within 2 cm), so before the union the plots are noded within the same tolerance
//! (`noded`), and hairline holes left are dropped. Its area and perimeter are measured on the
//! dissolved polygon itself (so they describe exactly what the file holds), and agree with
//! the schedule's sums of parcel areas and of unshared edges (on make_land.py fabrics of 50 to
//! 1,531 plots, to 0.5 m; the raw union was up to four times as long, and invalid).

use geo::{BoundingRect, MultiPolygon};
use serde_json::{Map, Value};

use crate::geodesy::{self, AreaUnit, M2_PER_ACRE};
use crate::geom::snap::{Vertices, snap, snap_tolerance};
use crate::plan::Plan;
use crate::write::OutFeature;

/// The dissolved boundary of one zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneOutline {
    /// Zone name.
    pub zone: String,
    /// The union of the zone's parcels (one polygon per separate piece, holes kept).
    pub boundary: MultiPolygon<f64>,
    /// Number of planned parcels (split pieces count one each).
    pub parcels: usize,
    /// Geodesic area of the boundary, m².
    pub area_m2: f64,
    /// Geodesic perimeter of the boundary (shells and holes), m.
    pub perimeter_m: f64,
    /// 4πA/P² (1 for a circle, π/4 for a square).
    pub polsby_popper: f64,
    /// The zone's target in acres (`None` for retained land).
    pub target_acres: Option<f64>,
}

/// Why zone outlines could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OutlineError {
    /// The boolean-operations engine failed on a zone's parcels.
    #[error(
        "zone {zone:?}: its {parcels} parcels could not be dissolved into one outline (the polygon engine failed); the zone outlines were not written"
    )]
    Dissolve {
        /// The zone.
        zone: String,
        /// Its parcel count.
        parcels: usize,
    },
}

/// The outline of every zone of `plan` that has parcels, in the plan's zone order (priority
/// order, then retained).
///
/// ```
/// use allot::plan::{Plan, PlannedParcel, ZoneSummary};
/// use allot::ParcelId;
/// use geo::polygon;
/// // Two 0.005° cells side by side near Karachi, both in zone "mill".
/// let cell = |x: f64| geo::MultiPolygon(vec![polygon![
///     (x: x, y: 24.8), (x: x + 0.005, y: 24.8), (x: x + 0.005, y: 24.805), (x: x, y: 24.805)]]);
/// let parcel = |i: usize, x: f64| PlannedParcel {
///     id: ParcelId::from(format!("P{i}")), source: i, zone: "mill".into(), geometry: cell(x),
///     acres: 0.0, split_from: None,
/// };
/// let plan = Plan {
///     parcels: vec![parcel(0, 67.0), parcel(1, 67.005)],
///     zones: vec![ZoneSummary { name: "mill".into(), target_acres: Some(140.0),
///         tolerance_acres: Some(1.0), parcels: 2,
///         acres: 0.0, perimeter_m: 0.0, polsby_popper: 0.0, components: 1, bordered_by_later: 0.0 }],
///     splits: vec![], proofs: vec![], access: vec![], tolerance_acres: 1.0, total_acres: 0.0,
/// };
/// let outlines = allot::plan::outline::zone_outlines(&plan).unwrap();
/// assert_eq!(outlines.len(), 1);
/// assert_eq!(outlines[0].boundary.0.len(), 1); // one piece: the two cells joined
/// assert_eq!(outlines[0].parcels, 2);
/// ```
pub fn zone_outlines(plan: &Plan) -> Result<Vec<ZoneOutline>, OutlineError> {
    let mut out = Vec::new();
    for z in &plan.zones {
        let members: Vec<_> = plan.parcels.iter().filter(|p| p.zone == z.name).collect();
        if members.is_empty() {
            continue;
        }
        let noded = noded(&members.iter().map(|p| &p.geometry).collect::<Vec<_>>());
        let dissolved = crate::geom::boolops::dissolve(noded.iter().flat_map(|g| &g.0))
            .ok_or_else(|| OutlineError::Dissolve {
                zone: z.name.clone(),
                parcels: members.len(),
            })?;
        // Back onto the parcels' own vertices (the engine moves them by up to its grid step
        // and drops those collinear in lon/lat), so the outline's edges are the parcels' edges.
        let vertices = Vertices::of(noded.iter());
        let snapped = match dissolved.bounding_rect() {
            Some(extent) => snap(&dissolved, &[&vertices], snap_tolerance(extent)),
            None => dissolved.clone(),
        };
        let snapped = without_spikes(without_hairline_holes(snapped));
        // Snapping back can make the outline invalid where the noded plots meet in a point or
        // along a hairline; the engine's own outline (vertices within its grid step, about a
        // micrometre, of the plots') is valid, and is kept then.
        let boundary = if geo::Validation::is_valid(&snapped) {
            snapped
        } else {
            without_hairline_holes(dissolved)
        };
        let area_m2 = geodesy::area_m2(&boundary);
        let perimeter_m = geodesy::perimeter_m(&boundary);
        out.push(ZoneOutline {
            zone: z.name.clone(),
            parcels: members.len(),
            area_m2,
            perimeter_m,
            polsby_popper: geodesy::polsby_popper(area_m2, perimeter_m),
            target_acres: z.target_acres,
            boundary,
        });
    }
    Ok(out)
}

/// The parcels `geoms` with each vertex lying within the planner's collinear tolerance (2 cm)
/// of another parcel's vertex or edge moved onto it, so that their union closes the hairline
/// gaps of an unnoded fabric, where the planner counts the sides as shared.
///
/// First every vertex goes to the smallest (by longitude, then latitude) of the other parcels'
/// vertices within the tolerance and its own (both ends of a side rounded differently become
/// one point); then a vertex that did not move goes onto the nearest point of another parcel's
/// edge within the tolerance (a T-junction). Distances are on the ground (longitude scaled by
/// the cosine of the latitude). A parcel's own vertices never move onto its own edges.
fn noded(geoms: &[&MultiPolygon<f64>]) -> Vec<MultiPolygon<f64>> {
    use crate::graph::adjacency::{COLLINEAR_TOLERANCE_DEG, COLLINEAR_TOLERANCE_M};
    use geo::{Coord, CoordsIter, LinesIter, MapCoords};
    let n = geoms.len();
    let index = crate::ParcelIndex::build(geoms.iter().copied());
    let mut near: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, j) in index.candidate_pairs_within(COLLINEAR_TOLERANCE_DEG) {
        near[i].push(j);
        near[j].push(i);
    }
    // Ground distance in metres between nearby points (a degree of latitude is ≥ 110,574 m).
    let dist = |a: Coord<f64>, b: Coord<f64>| {
        let k = (0.5 * (a.y + b.y)).to_radians().cos();
        ((a.x - b.x) * k).hypot(a.y - b.y) * 110_574.0
    };
    let tol = COLLINEAR_TOLERANCE_M;
    // Where `c` falls on segment `pq` (position t in (0, 1) or [0, 1] with `ends`), and the foot
    // of its perpendicular, in the local frame (longitude scaled by the cosine at `c`).
    let project = |c: Coord<f64>, p: Coord<f64>, q: Coord<f64>, ends: bool| {
        let k = c.y.to_radians().cos();
        let (dx, dy) = ((q.x - p.x) * k, q.y - p.y);
        let len2 = dx * dx + dy * dy;
        if len2 == 0.0 {
            return None;
        }
        let t = (((c.x - p.x) * k) * dx + (c.y - p.y) * dy) / len2;
        let inside = if ends {
            (0.0..=1.0).contains(&t)
        } else {
            t > 0.0 && t < 1.0
        };
        inside.then(|| (t, p + (q - p) * t))
    };
    let lex = |a: &Coord<f64>, b: &Coord<f64>| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y));
    // Pass 1: vertex onto vertex.
    let pass1: Vec<MultiPolygon<f64>> = (0..n)
        .map(|i| {
            geoms[i].map_coords(|c| {
                near[i]
                    .iter()
                    .flat_map(|&j| geoms[j].coords_iter())
                    .filter(|&v| v != c && dist(v, c) <= tol)
                    .chain(std::iter::once(c))
                    .min_by(lex)
                    .unwrap_or(c)
            })
        })
        .collect();
    // Pass 2: a vertex still away from every other parcel's vertices onto the nearest edge.
    let pass2: Vec<MultiPolygon<f64>> = (0..n)
        .map(|i| {
            pass1[i].map_coords(|c| {
                let on_vertex = near[i]
                    .iter()
                    .flat_map(|&j| pass1[j].coords_iter())
                    .any(|v| dist(v, c) <= tol);
                if on_vertex {
                    return c;
                }
                let mut best: Option<(f64, Coord<f64>)> = None;
                for &j in &near[i] {
                    for line in pass1[j].lines_iter() {
                        let Some((_, foot)) = project(c, line.start, line.end, true) else {
                            continue;
                        };
                        let d = dist(foot, c);
                        if d <= tol && best.is_none_or(|(bd, _)| d < bd) {
                            best = Some((d, foot));
                        }
                    }
                }
                best.map_or(c, |(_, f)| f)
            })
        })
        .collect();
    // Pass 3: into each edge, the other parcels' vertices lying on it, in order, so that the
    // two sides of a boundary are the same segments (the engine merges only identical ones).
    let ring_with = |i: usize, r: &geo::LineString<f64>| -> geo::LineString<f64> {
        let mut out: Vec<Coord<f64>> = Vec::with_capacity(r.0.len());
        for w in r.0.windows(2) {
            let (p, q) = (w[0], w[1]);
            out.push(p);
            let mut on: Vec<(f64, Coord<f64>)> = near[i]
                .iter()
                .flat_map(|&j| pass2[j].coords_iter())
                .filter(|&v| v != p && v != q)
                .filter_map(|v| {
                    let (t, foot) = project(v, p, q, false)?;
                    (dist(foot, v) <= tol).then_some((t, v))
                })
                .collect();
            on.sort_by(|a, b| a.0.total_cmp(&b.0).then(lex(&a.1, &b.1)));
            on.dedup_by(|a, b| a.1 == b.1);
            out.extend(on.into_iter().map(|x| x.1));
        }
        if let Some(&last) = r.0.last() {
            out.push(last);
        }
        geo::LineString(out)
    };
    (0..n)
        .map(|i| {
            MultiPolygon(
                pass2[i]
                    .0
                    .iter()
                    .map(|p| {
                        geo::Polygon::new(
                            ring_with(i, p.exterior()),
                            p.interiors().iter().map(|r| ring_with(i, r)).collect(),
                        )
                    })
                    .collect(),
            )
        })
        .collect()
}

/// `g` with every ring's spikes (a vertex whose two neighbours are the same point: an edge
/// out and straight back, which the noding of [`noded`] can leave where three plots meet)
/// and repeated vertices removed; rings left with under three corners are dropped, and a
/// polygon whose shell is dropped goes with its holes.
fn without_spikes(g: MultiPolygon<f64>) -> MultiPolygon<f64> {
    use geo::{Coord, LineString, Polygon};
    let clean = |r: LineString<f64>| -> Option<LineString<f64>> {
        let mut v: Vec<Coord<f64>> = r.0;
        v.pop(); // the closing copy of the first vertex
        loop {
            v.dedup();
            while v.len() > 1 && v.first() == v.last() {
                v.pop();
            }
            let m = v.len();
            if m < 3 {
                return None;
            }
            match (0..m).find(|&i| v[(i + m - 1) % m] == v[(i + 1) % m]) {
                // Drop the spike's tip and one copy of its base.
                Some(i) => {
                    let (a, b) = (i, (i + 1) % m);
                    let (hi, lo) = (a.max(b), a.min(b));
                    v.remove(hi);
                    v.remove(lo);
                }
                None => break,
            }
        }
        v.push(v[0]);
        Some(LineString(v))
    };
    MultiPolygon(
        g.0.into_iter()
            .filter_map(|p| {
                let (shell, holes) = p.into_inner();
                let shell = clean(shell)?;
                Some(Polygon::new(
                    shell,
                    holes.into_iter().filter_map(clean).collect(),
                ))
            })
            .collect(),
    )
}

/// Holes narrower than this on average (twice the area over the perimeter) are hairlines:
/// twice the planner's collinear tolerance.
pub const HAIRLINE_HOLE_M: f64 = 2.0 * crate::graph::adjacency::COLLINEAR_TOLERANCE_M;

/// `g` without the holes that are hairlines between its parcels, not land of another zone.
///
/// Real fabrics are not perfectly noded: where a plot's corner stands a centimetre off its
/// neighbour's side (a T-junction) or the two sides of a boundary are rounded differently, the
/// union of the plots keeps a gap metres long and millimetres wide as a hole. The planner counts
/// such sides as shared ([`COLLINEAR_TOLERANCE_M`](crate::graph::adjacency::COLLINEAR_TOLERANCE_M)),
/// so the outline does too: on a Cape Town fabric of 223 plots a 27-acre zone's outline held 125
/// such holes, its perimeter was 6,121 m against the schedule's 1,509 m, and shapely found it
/// invalid (holes touching the shell). A hole's mean width is `2·A/P`; the outline's area grows
/// by the hairlines' area (square centimetres to a few square metres).
fn without_hairline_holes(g: MultiPolygon<f64>) -> MultiPolygon<f64> {
    let keep = |r: &geo::LineString<f64>| {
        let hole = geo::Polygon::new(r.clone(), vec![]);
        let perim = geodesy::perimeter_m(&MultiPolygon(vec![hole.clone()]));
        perim > 0.0 && 2.0 * geodesy::polygon_area_m2(&hole) / perim >= HAIRLINE_HOLE_M
    };
    MultiPolygon(
        g.0.into_iter()
            .map(|p| {
                let (shell, holes) = p.into_inner();
                geo::Polygon::new(shell, holes.into_iter().filter(keep).collect())
            })
            .collect(),
    )
}

/// `x` rounded to `decimals` places as a JSON number (readable, stable output).
fn rounded(x: f64, decimals: i32) -> Value {
    let f = 10f64.powi(decimals);
    let r = (x * f).round() / f + 0.0;
    serde_json::Number::from_f64(r).map_or(Value::Null, Value::Number)
}

/// An area's properties: `area_acres` (6 decimals) and, for another `unit`, `area_<unit>`
/// (6 decimals; acre-ghunta as the string `A-GG`, without thousands separators). Used by the plan's parcels and the zone
/// outlines alike.
pub fn area_properties(props: &mut Map<String, Value>, area_m2: f64, unit: AreaUnit) {
    props.insert("area_acres".into(), rounded(area_m2 / M2_PER_ACRE, 6));
    match unit {
        AreaUnit::Acres => {}
        AreaUnit::AcreGhunta => {
            // No thousands separator in data: `3200-12`, not `3,200-12`.
            let text = unit.cell(area_m2).replace(',', "");
            props.insert(unit.property_key(), Value::String(text));
        }
        u => {
            props.insert(u.property_key(), rounded(u.from_m2(area_m2), 6));
        }
    }
}

impl ZoneOutline {
    /// The outline as a feature (id = zone name) with properties `zone`, `parcels`,
    /// `area_acres` (and `area_<unit>`), `perimeter_m`, `polsby_popper`, `target_acres` (null
    /// for retained land) and `pieces` (separate polygons).
    pub fn to_feature(&self, unit: AreaUnit) -> OutFeature {
        let mut props = Map::new();
        props.insert("zone".into(), Value::String(self.zone.clone()));
        props.insert("parcels".into(), Value::from(self.parcels));
        area_properties(&mut props, self.area_m2, unit);
        props.insert("perimeter_m".into(), rounded(self.perimeter_m, 3));
        props.insert("polsby_popper".into(), rounded(self.polsby_popper, 6));
        props.insert(
            "target_acres".into(),
            self.target_acres.map_or(Value::Null, |t| rounded(t, 6)),
        );
        props.insert("pieces".into(), Value::from(self.boundary.0.len()));
        OutFeature {
            id: Some(Value::String(self.zone.clone())),
            geometry: self.boundary.clone(),
            multi: true,
            properties: props,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::ParcelId;
    use crate::plan::{PlannedParcel, ZoneSummary};
    use geo::polygon;

    fn cell(x: f64, y: f64, d: f64) -> MultiPolygon<f64> {
        MultiPolygon(vec![polygon![
            (x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)
        ]])
    }

    /// A 2 × 2 block of 0.005° cells covering 67.00–67.01 E, 24.00–24.01 N in zone `mill`,
    /// and one cell to its east in `retained`.
    pub(crate) fn square_plan() -> Plan {
        let mut parcels = Vec::new();
        for (i, (x, y)) in [
            (67.0, 24.0),
            (67.005, 24.0),
            (67.0, 24.005),
            (67.005, 24.005),
        ]
        .into_iter()
        .enumerate()
        {
            parcels.push(PlannedParcel {
                id: ParcelId::from(format!("M{i}")),
                source: i,
                zone: "mill".into(),
                geometry: cell(x, y, 0.005),
                acres: 0.0,
                split_from: None,
            });
        }
        parcels.push(PlannedParcel {
            id: ParcelId("R".into()),
            source: 4,
            zone: "retained".into(),
            geometry: cell(67.01, 24.0, 0.005),
            acres: 0.0,
            split_from: None,
        });
        let zone = |name: &str, target: Option<f64>, parcels| ZoneSummary {
            name: name.into(),
            target_acres: target,
            tolerance_acres: target.map(|_| 1.0),
            parcels,
            acres: 0.0,
            perimeter_m: 0.0,
            polsby_popper: 0.0,
            components: 1,
            bordered_by_later: 0.0,
        };
        Plan {
            parcels,
            zones: vec![
                zone("mill", Some(278.5), 4),
                zone("park", Some(10.0), 0),
                zone("retained", None, 1),
            ],
            splits: vec![],
            proofs: vec![],
            access: vec![],
            tolerance_acres: 1.0,
            total_acres: 0.0,
        }
    }

    /// Two 100 m plots side by side whose common side is digitised 1 cm apart over its middle
    /// 78 m (A's side steps 1 cm west between 11 and 89 m up): their union holds a hole 1 cm
    /// wide, which the outline drops, as the planner counts the side as shared. A real hole (a
    /// 10 m courtyard of another zone inside a third plot) stays.
    #[test]
    fn hairline_holes_between_plots_are_dropped_and_courtyards_kept() {
        let (x0, y0) = (67.3, 24.8);
        let (mx, my) = (1.0 / 101_100.0, 1.0 / 110_760.0); // degrees per metre, about
        let c = |x: f64, y: f64| geo::Coord {
            x: x0 + x * mx,
            y: y0 + y * my,
        };
        let ring = |pts: &[(f64, f64)]| -> Vec<geo::Coord<f64>> {
            pts.iter().map(|&(x, y)| c(x, y)).collect()
        };
        let a = geo::Polygon::new(
            ring(&[
                (0.0, 0.0),
                (100.0, 0.0),
                (100.0, 10.0),
                (99.99, 11.0),
                (99.99, 89.0),
                (100.0, 90.0),
                (100.0, 100.0),
                (0.0, 100.0),
            ])
            .into(),
            vec![],
        );
        let b = geo::Polygon::new(
            ring(&[(100.0, 0.0), (200.0, 0.0), (200.0, 100.0), (100.0, 100.0)]).into(),
            vec![],
        );
        let court = ring(&[(245.0, 45.0), (255.0, 45.0), (255.0, 55.0), (245.0, 55.0)]);
        let d = geo::Polygon::new(
            ring(&[(200.0, 0.0), (300.0, 0.0), (300.0, 100.0), (200.0, 100.0)]).into(),
            vec![court.clone().into()],
        );
        let mut plan = square_plan();
        plan.parcels.truncate(0);
        for (i, g) in [a, b, d].into_iter().enumerate() {
            plan.parcels.push(PlannedParcel {
                id: ParcelId::from(format!("P{i}")),
                source: i,
                zone: "mill".into(),
                geometry: MultiPolygon(vec![g]),
                acres: 0.0,
                split_from: None,
            });
        }
        let outlines = zone_outlines(&plan).unwrap();
        let mill = &outlines[0];
        assert_eq!(mill.boundary.0.len(), 1);
        assert_eq!(
            mill.boundary.0[0].interiors().len(),
            1,
            "{:?}",
            mill.boundary
        );
        let hole = geo::Polygon::new(court.into(), vec![]);
        let want = geodesy::perimeter_m(&MultiPolygon(vec![geo::Polygon::new(
            ring(&[(0.0, 0.0), (300.0, 0.0), (300.0, 100.0), (0.0, 100.0)]).into(),
            vec![],
        )])) + geodesy::perimeter_m(&MultiPolygon(vec![hole]));
        assert!(
            (mill.perimeter_m - want).abs() < 0.05,
            "{} vs {want}",
            mill.perimeter_m
        );
    }

    #[test]
    fn square_zone_measures_as_pyproj_says() {
        let outlines = zone_outlines(&square_plan()).unwrap();
        // The empty park has no outline.
        let names: Vec<&str> = outlines.iter().map(|o| o.zone.as_str()).collect();
        assert_eq!(names, ["mill", "retained"]);
        let mill = &outlines[0];
        assert_eq!(mill.parcels, 4);
        assert_eq!(mill.boundary.0.len(), 1);
        assert!(mill.boundary.0[0].interiors().is_empty());
        // pyproj Geod(ellps="WGS84").polygon_area_perimeter on the 0.01° square with the
        // cells' vertices halfway along each side (where the cells meet; the geodesic through
        // them is not the one between the square's corners): 1,126,941.7251200676 m²,
        // 4,250.122683191868 m.
        assert!(
            (mill.area_m2 - 1_126_941.725_120_067_6).abs() < 1e-5,
            "{}",
            mill.area_m2
        );
        assert!((mill.perimeter_m - 4_250.122_683_191_868).abs() < 1e-3);
        let pp =
            4.0 * std::f64::consts::PI * 1_126_941.725_120_067_6 / 4_250.122_683_191_868f64.powi(2);
        assert!((mill.polsby_popper - pp).abs() < 1e-9);
        assert_eq!(mill.target_acres, Some(278.5));
        let f = mill.to_feature(AreaUnit::Hectares);
        assert_eq!(f.properties["zone"], "mill");
        assert_eq!(f.properties["parcels"], 4);
        assert_eq!(f.properties["area_hectares"], 112.694173);
        assert_eq!(f.properties["area_acres"], 278.473365);
        assert_eq!(f.properties["target_acres"], 278.5);
        assert_eq!(
            outlines[1].to_feature(AreaUnit::Acres).properties["target_acres"],
            Value::Null
        );
    }

    #[test]
    fn area_properties_in_every_unit() {
        let mut props = Map::new();
        // 3,200.3 acres: 128,012 ghunta = 3,200 acres 12 ghunta; × 4,840 = 15,489,452 sq yd.
        area_properties(&mut props, 3_200.3 * M2_PER_ACRE, AreaUnit::AcreGhunta);
        assert_eq!(props["area_acres"], 3200.3);
        assert_eq!(props["area_acre_ghunta"], "3200-12");
        let mut props = Map::new();
        area_properties(&mut props, 3_200.3 * M2_PER_ACRE, AreaUnit::SquareYards);
        assert_eq!(props["area_sqyd"], 15_489_452.0);
        assert_eq!(props.len(), 2);
        let mut props = Map::new();
        area_properties(&mut props, 3_200.3 * M2_PER_ACRE, AreaUnit::Acres);
        assert_eq!(props.len(), 1);
    }
}
