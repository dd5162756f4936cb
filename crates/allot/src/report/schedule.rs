//! The area schedule of a plan: per zone its parcels, acres, hectares, perimeter,
//! Polsby-Popper compactness, target and deviation, its land-use composition (acres by
//! `land_use`, when the input set is given), then the parcels that were split.
//!
//! A zone with an access rule names the parcel that gives it the access and that parcel's
//! frontage on the rest of the zone ([`crate::plan::ZoneAccess`]).
//!
//! Each planned zone also shows a lower bound on its perimeter (`lower_bound_m`) and where it
//! comes from (`bound`: `proven`, `mip` or `isoperimetric`, see [`crate::plan::proof`]).
//!
//! Numbers are formatted with fixed decimals so the same plan always prints the same bytes.

use crate::geodesy::{AreaUnit, M2_PER_ACRE, M2_PER_HECTARE};
use std::collections::BTreeMap;

use crate::model::ParcelSet;
use crate::plan::Plan;
use crate::plan::proof::BoundKind;
use crate::report::grouped;

fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The area schedule of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule<'a> {
    plan: &'a Plan,
    /// Per zone (in the plan's zone order): acres by land use, by land-use name.
    composition: Vec<BTreeMap<String, f64>>,
    /// The unit of the text's areas.
    unit: AreaUnit,
}

/// How parcels without a `land_use` are listed in the composition.
pub const NO_LAND_USE: &str = "(none)";

impl<'a> Schedule<'a> {
    /// The schedule of `plan` (no land-use composition).
    pub fn new(plan: &'a Plan) -> Self {
        Schedule {
            plan,
            composition: Vec::new(),
            unit: AreaUnit::Acres,
        }
    }

    /// The same schedule with the text's areas, targets, deviations, tolerance, land-use
    /// composition and split pieces in `unit` (the CSV and JSON stay in acres and hectares, for
    /// scripts).
    ///
    /// ```
    /// use allot::AreaUnit;
    /// use allot::plan::{Plan, ZoneSummary};
    /// let plan = Plan {
    ///     parcels: vec![],
    ///     zones: vec![ZoneSummary {
    ///         name: "mill".into(), target_acres: Some(700.0), tolerance_acres: Some(1.0),
    ///         parcels: 12, acres: 699.45, perimeter_m: 5400.0, polsby_popper: 0.78,
    ///         components: 1, bordered_by_later: 0.0,
    ///     }],
    ///     splits: vec![],
    ///     proofs: vec![],
    ///     access: vec![],
    ///     tolerance_acres: 1.0,
    ///     total_acres: 699.45,
    /// };
    /// let text = allot::report::Schedule::new(&plan).in_units(AreaUnit::AcreGhunta).to_text();
    /// // 699.45 acres = 699 acres 18 ghunta; 0.55 acre short = 22 ghunta.
    /// assert!(text.contains("699-18") && text.contains("700-00") && text.contains("-0-22"), "{text}");
    /// ```
    pub fn in_units(self, unit: AreaUnit) -> Self {
        Schedule { unit, ..self }
    }

    /// The schedule of `plan`, made from `set`, with each zone's land-use composition: acres
    /// by the `land_use` of the input parcel each planned parcel is (or was cut from).
    pub fn with_land_uses(plan: &'a Plan, set: &ParcelSet) -> Self {
        let mut composition = vec![BTreeMap::new(); plan.zones.len()];
        for p in &plan.parcels {
            let Some(z) = plan.zones.iter().position(|z| z.name == p.zone) else {
                continue;
            };
            let land_use = set
                .parcels
                .get(p.source)
                .and_then(|q| q.land_use())
                .unwrap_or(NO_LAND_USE)
                .to_string();
            *composition[z].entry(land_use).or_insert(0.0) += p.acres;
        }
        Schedule {
            plan,
            composition,
            unit: AreaUnit::Acres,
        }
    }

    /// Each zone's land-use composition: `(zone, [(land_use, acres)])`, zones in plan order,
    /// land uses by name; empty without [`Schedule::with_land_uses`].
    pub fn composition(&self) -> Vec<(&str, Vec<(&str, f64)>)> {
        self.composition
            .iter()
            .zip(&self.plan.zones)
            .map(|(m, z)| {
                (
                    z.name.as_str(),
                    m.iter().map(|(u, a)| (u.as_str(), *a)).collect(),
                )
            })
            .collect()
    }

    /// The schedule as JSON: `zones` (name, parcels, acres, perimeter_m, polsby_popper,
    /// target_acres, land_use: {use: acres}, access: {parcel, kinds, frontage_m} or null) and
    /// `splits`.
    pub fn to_json(&self) -> String {
        let comp = self.composition();
        let zones: Vec<serde_json::Value> = self
            .plan
            .zones
            .iter()
            .enumerate()
            .map(|(k, z)| {
                let uses: serde_json::Map<String, serde_json::Value> = comp
                    .get(k)
                    .map(|c| {
                        c.1.iter()
                            .map(|(u, a)| (u.to_string(), serde_json::json!(round4(*a))))
                            .collect()
                    })
                    .unwrap_or_default();
                let access = self.plan.access.iter().find(|a| a.zone == z.name).map(|a| {
                    serde_json::json!({
                        "parcel": a.parcel.as_str(),
                        "kinds": a.kinds,
                        "frontage_m": round4(a.frontage_m),
                    })
                });
                serde_json::json!({
                    "name": z.name,
                    "parcels": z.parcels,
                    "acres": round4(z.acres),
                    "perimeter_m": round4(z.perimeter_m),
                    "polsby_popper": round4(z.polsby_popper),
                    "target_acres": z.target_acres,
                    "land_use": uses,
                    "access": access,
                })
            })
            .collect();
        let splits: Vec<serde_json::Value> = self
            .plan
            .splits
            .iter()
            .map(|s| {
                serde_json::json!({
                    "parent": s.parent.as_str(),
                    "pieces": [s.pieces[0].as_str(), s.pieces[1].as_str()],
                    "acres": [round4(s.acres[0]), round4(s.acres[1])],
                    "zones": s.zones,
                })
            })
            .collect();
        let v = serde_json::json!({"zones": zones, "splits": splits});
        serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
    }

    /// The schedule as a text table.
    ///
    /// ```
    /// use allot::plan::{Plan, ZoneSummary};
    /// let plan = Plan {
    ///     parcels: vec![],
    ///     zones: vec![ZoneSummary {
    ///         name: "mill".into(), target_acres: Some(700.0), tolerance_acres: Some(1.0), parcels: 12, acres: 700.4,
    ///         perimeter_m: 5400.0, polsby_popper: 0.78, components: 1, bordered_by_later: 0.2,
    ///     }],
    ///     splits: vec![],
    ///     proofs: vec![allot::plan::proof::isoperimetric_proof("mill", 700.4, 5400.0)],
    ///     access: vec![],
    ///     tolerance_acres: 1.0,
    ///     total_acres: 700.4,
    /// };
    /// let text = allot::report::Schedule::new(&plan).to_text();
    /// assert!(text.contains("mill"), "{text}");
    /// assert!(text.contains("700.40") && text.contains("+0.40"), "{text}");
    /// assert!(text.contains("isoperimetric"), "{text}");
    /// ```
    pub fn to_text(&self) -> String {
        let p = self.plan;
        let unit = self.unit;
        // The second area column: hectares, or acres when the first is already hectares.
        let second = if unit == AreaUnit::Hectares {
            AreaUnit::Acres
        } else {
            AreaUnit::Hectares
        };
        let m2 = |acres: f64| acres * M2_PER_ACRE;
        let cell = |acres: f64| unit.cell_with(m2(acres), 2);
        // Tolerances: acres as before (trimmed), other units as cells with 4 decimals.
        let tol = |acres: f64| {
            if unit == AreaUnit::Acres {
                trim_num(acres)
            } else {
                unit.cell_with(m2(acres), 4)
            }
        };
        let headers = [
            "zone",
            "parcels",
            unit.name(),
            second.name(),
            "perimeter_m",
            "polsby_popper",
            "target",
            "deviation",
            "lower_bound_m",
            "bound",
        ];
        let mut rows: Vec<[String; 10]> = Vec::new();
        for z in &p.zones {
            let proof = p.proofs.iter().find(|q| q.zone == z.name);
            rows.push([
                z.name.clone(),
                z.parcels.to_string(),
                cell(z.acres),
                second.cell_with(m2(z.acres), 2),
                grouped(z.perimeter_m, 0),
                format!("{:.3}", z.polsby_popper),
                z.target_acres.map(cell).unwrap_or_else(|| "-".into()),
                z.target_acres
                    .map(|t| signed(cell(z.acres - t)))
                    .unwrap_or_else(|| "-".into()),
                proof
                    .map(|q| grouped(q.lower_bound_m, 0))
                    .unwrap_or_else(|| "-".into()),
                proof
                    .map(|q| q.bound.as_str().to_string())
                    .unwrap_or_else(|| "-".into()),
            ]);
        }
        rows.push([
            "total".into(),
            p.zones.iter().map(|z| z.parcels).sum::<usize>().to_string(),
            cell(p.total_acres),
            second.cell_with(m2(p.total_acres), 2),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        let mut w = headers.map(|h| h.len());
        for r in &rows {
            for (k, c) in r.iter().enumerate() {
                w[k] = w[k].max(c.chars().count());
            }
        }
        let mut out = String::new();
        if let Some(note) = unit.header_note() {
            out.push_str(&note);
            out.push('\n');
        }
        let line = |cells: &[String], out: &mut String| {
            let mut s = format!("{:<w0$}", cells[0], w0 = w[0]);
            for k in 1..cells.len() {
                s.push_str(&format!("  {:>wk$}", cells[k], wk = w[k]));
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&headers.map(String::from), &mut out);
        for r in &rows {
            line(r, &mut out);
        }
        let mut tols: Vec<f64> = p.zones.iter().filter_map(|z| z.tolerance_acres).collect();
        tols.dedup();
        let tolerance = if tols.len() > 1 {
            p.zones
                .iter()
                .filter_map(|z| Some(format!("{} ±{}", z.name, tol(z.tolerance_acres?))))
                .collect::<Vec<_>>()
                .join(", ")
                + " "
                + unit.name()
        } else {
            format!(
                "±{} {}",
                tol(tols.first().copied().unwrap_or(p.tolerance_acres)),
                unit.name()
            )
        };
        out.push_str(&format!(
            "tolerance {tolerance}; polsby_popper = 4πA/P² (1 for a circle, 0.785 for a square)\n"
        ));
        out.push_str(
            "lower_bound_m: no zone can be shorter (isoperimetric bound: a circle of its area, √(4πA − K·A²); mip/proven: the exact model over whole-parcel zones the rules allow)\n",
        );
        for q in &p.proofs {
            if q.bound == BoundKind::Isoperimetric && q.rounds == 0 {
                continue;
            }
            let mut line = format!("{}: {}", q.zone, q.status());
            if q.whole_parcel_part {
                line.push_str(&format!(
                    "; whole-parcel part before the cut: {} m",
                    grouped(q.perimeter_m, 0)
                ));
            }
            if let Some(from) = q.improved_from_m
                && from > q.perimeter_m
            {
                line.push_str(&format!(
                    "; the exact model shortened the search's zone from {} m",
                    grouped(from, 0)
                ));
            }
            if let Some(note) = &q.note {
                line.push_str(&format!("; {note}"));
            }
            out.push_str(&line);
            out.push('\n');
        }
        for a in &p.access {
            out.push_str(&format!(
                "{}: {} access by parcel {} ({} m of frontage on the rest of the zone)\n",
                a.zone,
                a.kinds,
                a.parcel,
                grouped(a.frontage_m, 0)
            ));
        }
        for z in &p.zones {
            if z.target_acres.is_some() && z.bordered_by_later > 0.0 {
                out.push_str(&format!(
                    "{}: {:.0}% of its boundary borders a later zone\n",
                    z.name,
                    100.0 * z.bordered_by_later
                ));
            }
        }
        let comp = self.composition();
        if !comp.is_empty() {
            out.push_str(&format!("\nland use by zone ({}):\n", unit.name()));
            for (zone, uses) in &comp {
                let list: Vec<String> = uses
                    .iter()
                    .map(|(u, a)| format!("{u} {}", cell(*a)))
                    .collect();
                out.push_str(&format!("{zone}: {}\n", list.join(", ")));
            }
        }
        if !p.splits.is_empty() {
            out.push_str("\nsplit parcels:\n");
            for s in &p.splits {
                out.push_str(&format!(
                    "{} -> {} ({} {u}, {}) + {} ({} {u}, {})\n",
                    s.parent,
                    s.pieces[0],
                    unit.cell_with(m2(s.acres[0]), 4),
                    s.zones[0],
                    s.pieces[1],
                    unit.cell_with(m2(s.acres[1]), 4),
                    s.zones[1],
                    u = unit.name()
                ));
            }
        }
        out
    }

    /// The schedule as CSV: one row per zone, then one row per split piece (`kind` tells
    /// them apart).
    ///
    /// Then, with [`Schedule::with_land_uses`], one `land_use` row per zone and land use
    /// (its acres and hectares; the land use in the last column).
    ///
    /// Columns: `kind,zone,parcels,acres,hectares,perimeter_m,polsby_popper,target_acres,deviation_acres,parent,piece,lower_bound_m,bound,land_use,access_parcel,frontage_m`
    /// (`lower_bound_m` and `bound` on planned zones' rows only: the plan's proofs, see
    /// [`crate::plan::proof`]; `access_parcel` and `frontage_m` on the rows of zones with an
    /// access rule: the parcel that gives the access and its frontage on the rest of the zone
    /// in metres).
    pub fn to_csv(&self) -> String {
        let p = self.plan;
        let mut out = String::from(
            "kind,zone,parcels,acres,hectares,perimeter_m,polsby_popper,target_acres,deviation_acres,parent,piece,lower_bound_m,bound,land_use,access_parcel,frontage_m\n",
        );
        for z in &p.zones {
            let proof = p.proofs.iter().find(|q| q.zone == z.name);
            let access = p
                .access
                .iter()
                .find(|a| a.zone == z.name)
                .map(|a| format!("{},{:.1}", csv(a.parcel.as_str()), a.frontage_m))
                .unwrap_or_else(|| ",".into());
            out.push_str(&format!(
                "zone,{},{},{:.4},{:.4},{:.1},{:.4},{},{},,,{},{},,{access}\n",
                csv(&z.name),
                z.parcels,
                z.acres,
                z.acres * M2_PER_ACRE / M2_PER_HECTARE,
                z.perimeter_m,
                z.polsby_popper,
                z.target_acres
                    .map(|t| format!("{t:.4}"))
                    .unwrap_or_default(),
                z.target_acres
                    .map(|t| fixed4(z.acres - t))
                    .unwrap_or_default(),
                proof
                    .map(|q| format!("{:.1}", q.lower_bound_m))
                    .unwrap_or_default(),
                proof.map(|q| q.bound.as_str()).unwrap_or_default(),
            ));
        }
        for s in &p.splits {
            for k in 0..2 {
                out.push_str(&format!(
                    "split_piece,{},1,{:.4},{:.4},,,,,{},{},,,,,\n",
                    csv(&s.zones[k]),
                    s.acres[k],
                    s.acres[k] * M2_PER_ACRE / M2_PER_HECTARE,
                    csv(s.parent.as_str()),
                    csv(s.pieces[k].as_str())
                ));
            }
        }
        for (zone, uses) in self.composition() {
            for (u, a) in uses {
                out.push_str(&format!(
                    "land_use,{},,{:.4},{:.4},,,,,,,,,{},,\n",
                    csv(zone),
                    a,
                    a * M2_PER_ACRE / M2_PER_HECTARE,
                    csv(u)
                ));
            }
        }
        out
    }
}

/// `{:.4}` without a negative zero (`-0.0000` reads as a deficit that is not there).
fn fixed4(x: f64) -> String {
    let s = format!("{x:.4}");
    if s == "-0.0000" { "0.0000".into() } else { s }
}

/// A formatted deviation with its sign: `+0.31`, `-0.55`, `0.00` (zero unsigned).
fn signed(s: String) -> String {
    if s.starts_with('-') || s.trim_start_matches(['0', '.', '-', ',']).is_empty() {
        s
    } else {
        format!("+{s}")
    }
}

fn trim_num(x: f64) -> String {
    let s = format!("{x:.4}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A CSV field, quoted when it holds a comma, quote or line break.
pub(crate) fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod fixed4_tests {
    #[test]
    fn no_negative_zero_in_csv_numbers() {
        assert_eq!(super::fixed4(-0.00001), "0.0000");
        assert_eq!(super::fixed4(-0.00005), "-0.0001");
        assert_eq!(super::fixed4(0.13309), "0.1331");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ParcelId;
    use crate::plan::{SplitRecord, ZoneSummary};

    #[test]
    fn csv_lists_zones_and_split_pieces_with_fixed_decimals() {
        let plan = Plan {
            parcels: vec![],
            zones: vec![
                ZoneSummary {
                    name: "mill".into(),
                    target_acres: Some(700.0),
                    tolerance_acres: Some(1.0),
                    parcels: 3,
                    acres: 700.004,
                    perimeter_m: 6321.25,
                    polsby_popper: 0.7,
                    components: 1,
                    bordered_by_later: 0.0,
                },
                ZoneSummary {
                    name: "retained".into(),
                    target_acres: None,
                    tolerance_acres: None,
                    parcels: 2,
                    acres: 10.0,
                    perimeter_m: 800.0,
                    polsby_popper: 0.5,
                    components: 1,
                    bordered_by_later: 0.0,
                },
            ],
            splits: vec![SplitRecord {
                parent: ParcelId("P,1".into()),
                pieces: [ParcelId("P,1-a".into()), ParcelId("P,1-b".into())],
                acres: [1.5, 2.5],
                zones: ["mill".into(), "retained".into()],
            }],
            proofs: vec![crate::plan::proof::isoperimetric_proof(
                "mill", 700.004, 6321.25,
            )],
            access: vec![crate::plan::ZoneAccess {
                zone: "mill".into(),
                kinds: "port or rail".into(),
                parcel: ParcelId("P,1-a".into()),
                frontage_m: 1234.56,
            }],
            tolerance_acres: 1.0,
            total_acres: 710.004,
        };
        let csv = Schedule::new(&plan).to_csv();
        // Bound: √(4π · 700.004 acres · 4046.8564224 m²/acre) = 5,966.42 m.
        let lines: Vec<&str> = csv.lines().collect();
        // 700.004 acres × 0.40468564224 ha/acre = 283.2816 ha.
        assert_eq!(
            lines[1],
            "zone,mill,3,700.0040,283.2816,6321.2,0.7000,700.0000,0.0040,,,5966.4,isoperimetric,,\"P,1-a\",1234.6"
        );
        assert_eq!(
            lines[2],
            "zone,retained,2,10.0000,4.0469,800.0,0.5000,,,,,,,,,"
        );
        assert_eq!(lines[0].split(',').count(), lines[2].split(',').count());
        assert_eq!(
            lines[3],
            "split_piece,mill,1,1.5000,0.6070,,,,,\"P,1\",\"P,1-a\",,,,,"
        );
        let text = Schedule::new(&plan).to_text();
        assert!(text.contains("P,1 -> P,1-a (1.5000 acres, mill)"), "{text}");
        assert!(
            text.contains("mill: port or rail access by parcel P,1-a (1,235 m of frontage on the rest of the zone)"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&Schedule::new(&plan).to_json()).unwrap();
        assert_eq!(json["zones"][0]["access"]["parcel"], "P,1-a");
        assert_eq!(json["zones"][0]["access"]["frontage_m"], 1234.56);
        assert!(json["zones"][1]["access"].is_null());
    }

    /// Composition by hand: parcels of 2, 3 and 5 acres (the 3-acre one cut into 1 + 2) with
    /// land uses plant, open, plant; the mill takes P0, the `-a` piece of P1 and P2.
    #[test]
    fn composition_sums_acres_by_the_source_parcels_land_use() {
        use crate::plan::PlannedParcel;
        let feats: Vec<String> = [Some("plant"), Some("open"), Some("plant"), None]
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let lu = u.map(|u| format!(r#""land_use":"{u}""#)).unwrap_or_default();
                format!(
                    r#"{{"type":"Feature","id":"P{i}","properties":{{{lu}}},"geometry":{{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}}}"#
                )
            })
            .collect();
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            feats.join(",")
        );
        let set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
        let pp = |id: &str, source: usize, zone: &str, acres: f64| PlannedParcel {
            id: ParcelId(id.into()),
            source,
            zone: zone.into(),
            geometry: geo::MultiPolygon(vec![]),
            acres,
            split_from: None,
        };
        let zone = |name: &str, acres: f64| ZoneSummary {
            name: name.into(),
            target_acres: None,
            tolerance_acres: None,
            parcels: 0,
            acres,
            perimeter_m: 0.0,
            polsby_popper: 0.0,
            components: 1,
            bordered_by_later: 0.0,
        };
        let plan = Plan {
            parcels: vec![
                pp("P0", 0, "mill", 2.0),
                pp("P1-a", 1, "mill", 1.0),
                pp("P1-b", 1, "retained", 2.0),
                pp("P2", 2, "mill", 5.0),
                pp("P3", 3, "retained", 4.0),
            ],
            zones: vec![zone("mill", 8.0), zone("retained", 6.0)],
            splits: vec![],
            proofs: vec![],
            access: vec![],
            tolerance_acres: 1.0,
            total_acres: 14.0,
        };
        let s = Schedule::with_land_uses(&plan, &set);
        assert_eq!(
            s.composition(),
            vec![
                ("mill", vec![("open", 1.0), ("plant", 7.0)]),
                ("retained", vec![(NO_LAND_USE, 4.0), ("open", 2.0)]),
            ]
        );
        assert!(
            s.to_text().contains("mill: open 1.00, plant 7.00"),
            "{}",
            s.to_text()
        );
        assert!(
            s.to_csv()
                .contains("land_use,mill,,7.0000,2.8328,,,,,,,,,plant,,\n"),
            "{}",
            s.to_csv()
        );
        let json: serde_json::Value = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(json["zones"][0]["land_use"]["plant"], 7.0);
        assert_eq!(json["zones"][1]["land_use"]["(none)"], 4.0);
    }
}
