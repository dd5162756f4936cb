//! Comparing two zonings of the same site (plan vs proposal, plan vs plan): which parcels
//! changed zone, how much area moved between each pair of zones, each zone's metrics side by
//! side, and the findings only one of the two has.
//!
//! Parcels are matched by id; a split piece (a parcel with a `split_from` property) is matched
//! to its parent, so a unit of comparison is an input parcel and the zones its land is in. A
//! parcel without a `zone` is in [`NO_ZONE`], `retained`, as a plan writes the land it leaves. The
//! area moved within a unit is its gain in some zones against its loss in others, paired in
//! zone-name order; differences under [`SAME_ACRES`] are noise from cutting and are ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::geodesy::{AreaUnit, M2_PER_ACRE, area_m2, perimeter_m, polsby_popper};
use crate::graph::Adjacency;
use crate::index::ParcelIndex;
use crate::model::{MetadataError, ParcelSet, resolve_zones};
use crate::report::grouped;
use crate::validate::{ValidateOptions, validate};

/// The zone of parcels without a `zone`: `retained`, the land no zone takes, as `allot plan`
/// writes it. So an input before planning (no zones at all) compared with its plan shows only
/// the land the plan's zones took, not every retained parcel as changed.
pub const NO_ZONE: &str = crate::plan::RETAINED;

/// Area differences within one parcel smaller than this (acres, about 0.4 m²) are ignored.
pub const SAME_ACRES: f64 = 1e-4;

/// Land of one input parcel that changed zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneChange {
    /// The parcel's id (the parent's, for split pieces).
    pub id: String,
    /// Its zone in A.
    pub from: String,
    /// Its zone in B.
    pub to: String,
    /// Acres that moved.
    pub acres: f64,
    /// True when either side has the parcel in pieces.
    pub split: bool,
}

/// Area that moved from one zone to another, summed over parcels.
#[derive(Debug, Clone, PartialEq)]
pub struct Moved {
    /// The zone in A.
    pub from: String,
    /// The zone in B.
    pub to: String,
    /// Acres.
    pub acres: f64,
}

/// A zone's metrics in one file.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneMetrics {
    /// Parcels (split pieces count as parcels).
    pub parcels: usize,
    /// Geodesic area in acres.
    pub acres: f64,
    /// Perimeter of the zone's union in metres (sum of perimeters less twice the boundary
    /// shared between its parcels).
    pub perimeter_m: f64,
    /// Polsby-Popper compactness 4πA/P².
    pub polsby_popper: f64,
    /// Connected pieces.
    pub pieces: usize,
    /// Access tags its parcels carry, sorted.
    pub access: Vec<String>,
}

/// One zone, in A and in B.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSides {
    /// Zone name.
    pub name: String,
    /// Its metrics in A (`None`: no parcel of A is in it).
    pub a: Option<ZoneMetrics>,
    /// Its metrics in B.
    pub b: Option<ZoneMetrics>,
}

/// A finding of `allot validate` that only one file has.
#[derive(Debug, Clone, PartialEq)]
pub struct OneSidedFinding {
    /// `"A"` or `"B"`.
    pub side: &'static str,
    /// The finding kind's JSON name.
    pub kind: &'static str,
    /// The zone it concerns, if any.
    pub zone: Option<String>,
    /// The finding's message.
    pub message: String,
}

/// The differences between two zonings.
#[derive(Debug, Clone, PartialEq)]
pub struct Diff {
    /// A's name.
    pub a: String,
    /// B's name.
    pub b: String,
    /// Parcels whose land changed zone, by id.
    pub changes: Vec<ZoneChange>,
    /// Area moved between each pair of zones, by (from, to).
    pub moved: Vec<Moved>,
    /// Every zone of either file, A's zone order first.
    pub zones: Vec<ZoneSides>,
    /// Parcel ids only A has.
    pub only_in_a: Vec<String>,
    /// Parcel ids only B has.
    pub only_in_b: Vec<String>,
    /// Findings only one file has (each file checked against its own `metadata.zones`).
    pub findings: Vec<OneSidedFinding>,
}

/// Why two files cannot be compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DiffError {
    /// Two whole parcels of one file share an id.
    #[error(
        "{file}: features {first} and {second} share the id {id:?}; parcels are matched by id, so ids must be unique"
    )]
    DuplicateId {
        /// The file.
        file: String,
        /// The id.
        id: String,
        /// 1-based position of the first feature.
        first: usize,
        /// 1-based position of the second.
        second: usize,
    },
    /// A feature's properties cannot be read for `split_from`.
    #[error("{file}: feature {feature} (id {id:?}): {reason}")]
    BadFeature {
        /// The file.
        file: String,
        /// 1-based position.
        feature: usize,
        /// The id.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// A malformed `metadata.zones`.
    #[error(transparent)]
    Metadata(#[from] MetadataError),
}

impl Diff {
    /// True when every parcel is in both files and every parcel's land is in the same zones.
    pub fn identical_zoning(&self) -> bool {
        self.changes.is_empty() && self.only_in_a.is_empty() && self.only_in_b.is_empty()
    }

    /// The differences as text tables, areas in acres.
    pub fn to_text(&self) -> String {
        self.to_text_in(AreaUnit::Acres)
    }

    /// The differences as text tables, areas in `unit` (the column is named after it, and a
    /// unit that needs its definition stated, marla or acre-ghunta, gets a line saying it).
    ///
    /// ```
    /// use allot::AreaUnit;
    /// let text = br#"{"type":"FeatureCollection","features":[
    ///   {"type":"Feature","id":"P","properties":{"zone":"mill"},
    ///    "geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24.01],[67,24]]]}}]}"#;
    /// let a = allot::parse_parcels(text, "a.geojson").unwrap();
    /// let d = allot::diff::diff(&a, &a).unwrap();
    /// let t = d.to_text_in(AreaUnit::Hectares);
    /// let header = t.lines().find(|l| l.starts_with("zone ")).unwrap();
    /// assert!(header.split_whitespace().nth(1) == Some("hectares"), "{t}");
    /// ```
    pub fn to_text_in(&self, unit: AreaUnit) -> String {
        let area = |acres: f64| unit.cell(acres * M2_PER_ACRE);
        let mut out = format!("A: {}\nB: {}\n", self.a, self.b);
        if let Some(note) = unit.header_note() {
            out.push_str(&note);
            out.push('\n');
        }
        if self.identical_zoning() {
            out.push_str("\nidentical zoning\n");
        }
        if !self.changes.is_empty() {
            out.push_str(&format!(
                "\nparcels that changed zone ({}):\n",
                self.changes.len()
            ));
            let rows: Vec<[String; 4]> = self
                .changes
                .iter()
                .map(|c| {
                    [
                        format!("{}{}", c.id, if c.split { " (split)" } else { "" }),
                        c.from.clone(),
                        c.to.clone(),
                        area(c.acres),
                    ]
                })
                .collect();
            out.push_str(&table(&["parcel", "from", "to", unit.name()], &rows));
        }
        if !self.moved.is_empty() {
            out.push_str("\narea moved between zones:\n");
            let rows: Vec<[String; 3]> = self
                .moved
                .iter()
                .map(|m| [m.from.clone(), m.to.clone(), area(m.acres)])
                .collect();
            out.push_str(&table(&["from", "to", unit.name()], &rows));
        }
        for (label, ids) in [("A", &self.only_in_a), ("B", &self.only_in_b)] {
            if !ids.is_empty() {
                out.push_str(&format!(
                    "\nparcels only in {label} ({}): {}\n",
                    ids.len(),
                    ids.join(", ")
                ));
            }
        }
        out.push_str("\nzones (A | B):\n");
        let cell = |m: &Option<ZoneMetrics>, f: &dyn Fn(&ZoneMetrics) -> String| {
            m.as_ref().map_or("-".to_string(), f)
        };
        let rows: Vec<[String; 6]> = self
            .zones
            .iter()
            .map(|z| {
                let pair = |f: &dyn Fn(&ZoneMetrics) -> String| {
                    format!("{} | {}", cell(&z.a, f), cell(&z.b, f))
                };
                [
                    z.name.clone(),
                    pair(&|m| area(m.acres)),
                    pair(&|m| grouped(m.perimeter_m, 0)),
                    pair(&|m| format!("{:.3}", m.polsby_popper)),
                    pair(&|m| m.pieces.to_string()),
                    pair(&|m| {
                        if m.access.is_empty() {
                            "none".into()
                        } else {
                            m.access.join("+")
                        }
                    }),
                ]
            })
            .collect();
        out.push_str(&table(
            &[
                "zone",
                unit.name(),
                "perimeter_m",
                "polsby_popper",
                "pieces",
                "access",
            ],
            &rows,
        ));
        if !self.findings.is_empty() {
            out.push_str("\nfindings in only one file:\n");
            for f in &self.findings {
                out.push_str(&format!("  {} {}: {}\n", f.side, f.kind, f.message));
            }
        }
        out
    }

    /// The differences as JSON, areas in acres whatever the text's unit (`identical_zoning`, `changes`, `moved`, `only_in_a`,
    /// `only_in_b`, `zones` with `a` and `b` metrics, `findings`).
    pub fn to_json(&self) -> String {
        let r = |x: f64| (x * 1e4).round() / 1e4;
        let metrics = |m: &Option<ZoneMetrics>| match m {
            None => Value::Null,
            Some(m) => json!({
                "parcels": m.parcels, "acres": r(m.acres), "perimeter_m": r(m.perimeter_m),
                "polsby_popper": r(m.polsby_popper), "pieces": m.pieces, "access": m.access,
            }),
        };
        let v = json!({
            "a": self.a,
            "b": self.b,
            "identical_zoning": self.identical_zoning(),
            "changes": self.changes.iter().map(|c| json!({
                "id": c.id, "from": c.from, "to": c.to, "acres": r(c.acres), "split": c.split,
            })).collect::<Vec<_>>(),
            "moved": self.moved.iter().map(|m| json!({
                "from": m.from, "to": m.to, "acres": r(m.acres),
            })).collect::<Vec<_>>(),
            "only_in_a": self.only_in_a,
            "only_in_b": self.only_in_b,
            "zones": self.zones.iter().map(|z| json!({
                "name": z.name, "a": metrics(&z.a), "b": metrics(&z.b),
            })).collect::<Vec<_>>(),
            "findings": self.findings.iter().map(|f| json!({
                "side": f.side, "kind": f.kind, "zone": f.zone, "message": f.message,
            })).collect::<Vec<_>>(),
        });
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }
}

fn table<const N: usize>(headers: &[&str; N], rows: &[[String; N]]) -> String {
    let mut w: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (k, c) in r.iter().enumerate() {
            w[k] = w[k].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = format!("{:<w0$}", cells[0], w0 = w[0]);
        for (k, c) in cells.iter().enumerate().skip(1) {
            s.push_str(&format!("  {:>wk$}", c, wk = w[k]));
        }
        s.trim_end().to_string() + "\n"
    };
    let mut out = line(headers.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

/// Per input parcel (by id, pieces under their parent): acres by zone, and whether in pieces.
struct Units {
    by_id: BTreeMap<String, (BTreeMap<String, f64>, bool)>,
    acres: Vec<f64>,
}

fn units(set: &ParcelSet) -> Result<Units, DiffError> {
    let acres: Vec<f64> = set
        .parcels
        .iter()
        .map(|p| area_m2(&p.geometry) / M2_PER_ACRE)
        .collect();
    let mut by_id: BTreeMap<String, (BTreeMap<String, f64>, bool)> = BTreeMap::new();
    let mut whole: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in set.parcels.iter().enumerate() {
        let parent = match p.properties() {
            Some(_) => {
                let props = p.properties_map().map_err(|e| DiffError::BadFeature {
                    file: set.source.clone(),
                    feature: i + 1,
                    id: p.id.0.to_string(),
                    reason: e.to_string(),
                })?;
                props
                    .get("split_from")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            }
            None => None,
        };
        if parent.is_none() {
            if let Some(&first) = whole.get(p.id.as_str()) {
                return Err(DiffError::DuplicateId {
                    file: set.source.clone(),
                    id: p.id.0.to_string(),
                    first: first + 1,
                    second: i + 1,
                });
            }
            whole.insert(p.id.as_str(), i);
        }
        let key = parent.clone().unwrap_or_else(|| p.id.0.to_string());
        let zone = p.zone.as_deref().unwrap_or(NO_ZONE).to_string();
        let e = by_id.entry(key).or_default();
        *e.0.entry(zone).or_insert(0.0) += acres[i];
        e.1 |= parent.is_some();
    }
    Ok(Units { by_id, acres })
}

fn metrics(set: &ParcelSet, acres: &[f64]) -> BTreeMap<String, ZoneMetrics> {
    let refs: Vec<_> = set.parcels.iter().map(|p| &p.geometry).collect();
    let index = ParcelIndex::build(refs.iter().copied());
    let adj = Adjacency::build(&refs, &index);
    let mut members: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, p) in set.parcels.iter().enumerate() {
        let z = p.zone.as_deref().unwrap_or(NO_ZONE).to_string();
        members.entry(z).or_default().push(i);
    }
    members
        .into_iter()
        .map(|(z, m)| {
            let inside: BTreeSet<usize> = m.iter().copied().collect();
            let a: f64 = m.iter().map(|&i| acres[i]).sum();
            let shared: f64 = m
                .iter()
                .flat_map(|&i| adj.neighbours[i].iter())
                .filter(|(j, _)| inside.contains(j))
                .map(|(_, s)| s)
                .sum();
            // Each shared edge was counted from both sides: subtract it twice, once per side.
            let perim: f64 = m.iter().map(|&i| perimeter_m(refs[i])).sum::<f64>() - shared;
            let access: BTreeSet<String> = m
                .iter()
                .flat_map(|&i| set.parcels[i].access().iter().cloned())
                .collect();
            let metrics = ZoneMetrics {
                parcels: m.len(),
                acres: a,
                perimeter_m: perim,
                polsby_popper: polsby_popper(a * M2_PER_ACRE, perim),
                pieces: adj.components(&m).len(),
                access: access.into_iter().collect(),
            };
            (z, metrics)
        })
        .collect()
}

fn finding_keys(set: &ParcelSet) -> Result<BTreeMap<String, OneSidedFinding>, DiffError> {
    let choice = resolve_zones(set, &[], &[])?;
    let opts = ValidateOptions::default().with_zones_of(&set.parcels, &choice, None);
    Ok(validate(set, &opts)
        .findings
        .into_iter()
        .map(|f| {
            let ids: Vec<&str> = f.parcels.iter().map(|p| p.as_str()).collect();
            let key = format!(
                "{}|{}|{}",
                f.kind.name(),
                f.zone.as_deref().unwrap_or(""),
                ids.join(",")
            );
            let one = OneSidedFinding {
                side: "",
                kind: f.kind.name(),
                zone: f.zone.clone(),
                message: f.message.clone(),
            };
            (key, one)
        })
        .collect())
}

/// Compares the zoning of `a` with that of `b`.
///
/// ```
/// let square = |id: &str, x: f64, zone: &str| format!(
///     r#"{{"type":"Feature","id":"{id}","properties":{{"zone":"{zone}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},24],[{},24],[{},24.01],[{x},24.01],[{x},24]]]}}}}"#,
///     x + 0.01, x + 0.01);
/// let file = |z1: &str| format!(r#"{{"type":"FeatureCollection","features":[{},{}]}}"#,
///     square("P1", 67.0, z1), square("P2", 67.01, "park"));
/// let a = allot::parse_parcels(file("mill").as_bytes(), "a").unwrap();
/// let b = allot::parse_parcels(file("park").as_bytes(), "b").unwrap();
/// let d = allot::diff::diff(&a, &b).unwrap();
/// assert_eq!(d.changes.len(), 1);
/// assert_eq!((d.moved[0].from.as_str(), d.moved[0].to.as_str()), ("mill", "park"));
/// assert!(!d.identical_zoning());
/// assert!(allot::diff::diff(&a, &a).unwrap().identical_zoning());
/// ```
pub fn diff(a: &ParcelSet, b: &ParcelSet) -> Result<Diff, DiffError> {
    let ua = units(a)?;
    let ub = units(b)?;
    let mut changes = Vec::new();
    let mut moved: BTreeMap<(String, String), f64> = BTreeMap::new();
    for (id, (za, split_a)) in &ua.by_id {
        let Some((zb, split_b)) = ub.by_id.get(id) else {
            continue;
        };
        let zones: BTreeSet<&String> = za.keys().chain(zb.keys()).collect();
        let mut losses: Vec<(String, f64)> = Vec::new();
        let mut gains: Vec<(String, f64)> = Vec::new();
        for z in zones {
            let d = zb.get(z).copied().unwrap_or(0.0) - za.get(z).copied().unwrap_or(0.0);
            if d < -SAME_ACRES {
                losses.push((z.clone(), -d));
            } else if d > SAME_ACRES {
                gains.push((z.clone(), d));
            }
        }
        // Pair losses with gains in name order.
        let (mut i, mut j) = (0, 0);
        while i < losses.len() && j < gains.len() {
            let x = losses[i].1.min(gains[j].1);
            if x > SAME_ACRES {
                changes.push(ZoneChange {
                    id: id.clone(),
                    from: losses[i].0.clone(),
                    to: gains[j].0.clone(),
                    acres: x,
                    split: *split_a || *split_b,
                });
                *moved
                    .entry((losses[i].0.clone(), gains[j].0.clone()))
                    .or_insert(0.0) += x;
            }
            losses[i].1 -= x;
            gains[j].1 -= x;
            if losses[i].1 <= SAME_ACRES {
                i += 1;
            }
            if gains[j].1 <= SAME_ACRES {
                j += 1;
            }
        }
    }
    let only = |x: &Units, y: &Units| -> Vec<String> {
        x.by_id
            .keys()
            .filter(|k| !y.by_id.contains_key(*k))
            .cloned()
            .collect()
    };
    let ma = metrics(a, &ua.acres);
    let mb = metrics(b, &ub.acres);
    let mut order: Vec<String> = resolve_zones(a, &[], &[])?
        .zones
        .into_iter()
        .map(|z| z.name)
        .collect();
    for z in ma.keys().chain(mb.keys()) {
        if !order.contains(z) {
            order.push(z.clone());
        }
    }
    let zones = order
        .into_iter()
        .map(|name| ZoneSides {
            a: ma.get(&name).cloned(),
            b: mb.get(&name).cloned(),
            name,
        })
        .collect();
    let fa = finding_keys(a)?;
    let fb = finding_keys(b)?;
    let mut findings = Vec::new();
    for (side, x, y) in [("A", &fa, &fb), ("B", &fb, &fa)] {
        for (k, f) in x {
            if !y.contains_key(k) {
                findings.push(OneSidedFinding { side, ..f.clone() });
            }
        }
    }
    Ok(Diff {
        a: a.source.clone(),
        b: b.source.clone(),
        changes,
        moved: moved
            .into_iter()
            .map(|((from, to), acres)| Moved { from, to, acres })
            .collect(),
        zones,
        only_in_a: only(&ua, &ub),
        only_in_b: only(&ub, &ua),
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 0.01° × 0.01° cell at (x, 24) as a feature, with extra properties.
    fn cell(id: &str, x0: f64, x1: f64, props: &str) -> String {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},24],[{x1},24],[{x1},24.01],[{x0},24.01],[{x0},24]]]}}}}"#
        )
    }

    fn set(name: &str, feats: &[String]) -> ParcelSet {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            feats.join(",")
        );
        crate::read::parse_parcels(text.as_bytes(), name).unwrap()
    }

    fn acres_of(x0: f64, x1: f64) -> f64 {
        let s = set("c", &[cell("c", x0, x1, "")]);
        area_m2(&s.parcels[0].geometry) / M2_PER_ACRE
    }

    /// A row of four cells: A zones them mill, mill, park, park; B gives P2 to the park and
    /// P3 to the mill, so 1 cell's area moves each way.
    #[test]
    fn whole_parcels_that_swap_zones_move_their_exact_area() {
        let zone = |z: &str| format!(r#""zone":"{z}""#);
        let a = set(
            "a",
            &[
                cell("P1", 67.00, 67.01, &zone("mill")),
                cell("P2", 67.01, 67.02, &zone("mill")),
                cell("P3", 67.02, 67.03, &zone("park")),
                cell("P4", 67.03, 67.04, &zone("park")),
            ],
        );
        let b = set(
            "b",
            &[
                cell("P1", 67.00, 67.01, &zone("mill")),
                cell("P2", 67.01, 67.02, &zone("park")),
                cell("P3", 67.02, 67.03, &zone("mill")),
                cell("P4", 67.03, 67.04, &zone("park")),
            ],
        );
        let d = diff(&a, &b).unwrap();
        let one = acres_of(67.01, 67.02);
        // The cell's area, from the planar estimate 1,017.0 m × 1,105.7 m (111,320 cos 24° and
        // 110,574 m per degree), within 0.5%.
        assert!(
            (one - 1_017.0 * 1_105.7 / M2_PER_ACRE).abs() < 0.005 * one,
            "{one}"
        );
        assert_eq!(d.changes.len(), 2);
        assert_eq!(
            (
                d.changes[0].id.as_str(),
                d.changes[0].from.as_str(),
                d.changes[0].to.as_str()
            ),
            ("P2", "mill", "park")
        );
        assert_eq!(
            (
                d.changes[1].id.as_str(),
                d.changes[1].from.as_str(),
                d.changes[1].to.as_str()
            ),
            ("P3", "park", "mill")
        );
        assert_eq!(d.moved.len(), 2);
        assert!((d.moved[0].acres - one).abs() < 1e-9, "{:?}", d.moved);
        // The mill was one piece of 2 cells (perimeter 6 cell sides); now two pieces.
        let mill = d.zones.iter().find(|z| z.name == "mill").unwrap();
        assert_eq!(
            (
                mill.a.as_ref().unwrap().pieces,
                mill.b.as_ref().unwrap().pieces
            ),
            (1, 2)
        );
        let pa = mill.a.as_ref().unwrap().perimeter_m;
        let pb = mill.b.as_ref().unwrap().perimeter_m;
        // Two separate cells have 8 sides against 6: 2 more cell heights (1,105.7 m each).
        assert!((pb - pa - 2.0 * 1_105.7).abs() < 10.0, "{pa} {pb}");
        assert!(!d.identical_zoning());
        assert!(d.to_text().contains("P2"), "{}", d.to_text());
        // Findings: the mill in two pieces is only in B.
        assert!(
            d.findings
                .iter()
                .any(|f| f.side == "B" && f.kind == "not_contiguous"),
            "{:?}",
            d.findings
        );
    }

    /// A whole P1 (mill) against P1 cut in two halves (west mill, east park, `split_from`
    /// P1): the east half's area moves, and nothing else.
    #[test]
    fn split_pieces_match_their_parent_and_move_only_the_cut_off_area() {
        let a = set(
            "a",
            &[
                cell("P1", 67.00, 67.02, r#""zone":"mill""#),
                cell("P2", 67.02, 67.03, r#""zone":"park""#),
            ],
        );
        let b = set(
            "b",
            &[
                cell("P1-a", 67.00, 67.01, r#""zone":"mill","split_from":"P1""#),
                cell("P1-b", 67.01, 67.02, r#""zone":"park","split_from":"P1""#),
                cell("P2", 67.02, 67.03, r#""zone":"park""#),
            ],
        );
        let d = diff(&a, &b).unwrap();
        assert!(d.only_in_a.is_empty() && d.only_in_b.is_empty(), "{d:?}");
        assert_eq!(d.changes.len(), 1, "{:?}", d.changes);
        assert!(d.changes[0].split);
        let east = acres_of(67.01, 67.02);
        assert!(
            (d.moved[0].acres - east).abs() < 1e-6,
            "{} vs {east}",
            d.moved[0].acres
        );
        assert_eq!(
            (d.moved[0].from.as_str(), d.moved[0].to.as_str()),
            ("mill", "park")
        );
    }

    /// An input before planning has no zones; its plan writes the land it leaves as
    /// `retained`. Only the parcel the plan's zone took changed zone.
    #[test]
    fn an_unzoned_input_against_its_plan_counts_only_the_zoned_land_as_changed() {
        let input = set(
            "in",
            &[
                cell("P1", 67.00, 67.01, ""),
                cell("P2", 67.01, 67.02, r#""land_use":"open_land""#),
                cell("P3", 67.02, 67.03, r#""zone":null"#),
            ],
        );
        let plan = set(
            "plan",
            &[
                cell("P1", 67.00, 67.01, r#""zone":"mill""#),
                cell("P2", 67.01, 67.02, r#""zone":"retained""#),
                cell("P3", 67.02, 67.03, r#""zone":"retained""#),
            ],
        );
        let d = diff(&input, &plan).unwrap();
        let changed: Vec<(&str, &str, &str)> = d
            .changes
            .iter()
            .map(|c| (c.id.as_str(), c.from.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(changed, [("P1", "retained", "mill")]);
        assert_eq!(d.moved.len(), 1);
        assert!((d.moved[0].acres - acres_of(67.00, 67.01)).abs() < 1e-9);
        let retained = d.zones.iter().find(|z| z.name == "retained").unwrap();
        assert_eq!(
            (
                retained.a.as_ref().unwrap().parcels,
                retained.b.as_ref().unwrap().parcels
            ),
            (3, 2)
        );
        assert_eq!(d.zones.len(), 2, "{:?}", d.zones);
    }

    #[test]
    fn identical_files_and_unmatched_ids_and_duplicates() {
        let a = set("a", &[cell("P1", 67.0, 67.01, r#""zone":"mill""#)]);
        let d = diff(&a, &a).unwrap();
        assert!(d.identical_zoning() && d.moved.is_empty() && d.findings.is_empty());
        assert!(d.to_text().contains("identical zoning"));
        let b = set("b", &[cell("Q1", 67.0, 67.01, r#""zone":"mill""#)]);
        let d = diff(&a, &b).unwrap();
        assert_eq!(
            (d.only_in_a.clone(), d.only_in_b.clone()),
            (vec!["P1".to_string()], vec!["Q1".to_string()])
        );
        assert!(!d.identical_zoning());
        let dup = set(
            "dup",
            &[cell("P1", 67.0, 67.01, ""), cell("P1", 67.01, 67.02, "")],
        );
        let e = diff(&dup, &a).unwrap_err().to_string();
        assert_eq!(
            e,
            "dup: features 1 and 2 share the id \"P1\"; parcels are matched by id, so ids must be unique"
        );
    }
}
