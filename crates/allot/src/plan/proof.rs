//! How far each planned zone could be from the best: lower bounds on a zone's perimeter.
//!
//! Every plan carries one [`ZoneProof`] per planned zone. Without `--prove` the bound is the
//! isoperimetric one ([`crate::plan::bound`], the only place it is computed): no region of area
//! `A` has a shorter boundary than a circle's. It is cheap and always true, but far below what
//! parcels allow (a square is already 13% above it).
//!
//! With `--prove` (the `exact` cargo feature) each zone is also solved as a mixed-integer
//! program over whole parcels (`plan::exact`): its dual bound is a lower bound on the
//! perimeter of *every* zone the planner's rules allow, and when it meets the perimeter of the
//! zone found the zone is proven optimal ([`BoundKind::Proven`]).

use crate::plan::bound::isoperimetric_bound_m;
use crate::util::grouped;

/// Relative gap under which a zone counts as proven optimal (HiGHS's `mip_rel_gap` is set to
/// the same value).
pub const PROVEN_REL_GAP: f64 = 1e-5;

/// Limits of the exact solve behind `--prove`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProveOptions {
    /// Wall-clock limit for all zones together, in seconds (`None`: no limit). A run that hits
    /// it is not repeatable: where it stopped depends on the machine.
    pub time_limit_s: Option<f64>,
    /// Branch-and-bound nodes per MILP solve (`None`: no limit). Deterministic: the same input
    /// and limit give the same bounds and the same plan.
    pub node_limit: Option<u64>,
    /// Re-solves with added contiguity cuts per zone before giving up.
    pub max_rounds: usize,
}

impl Default for ProveOptions {
    /// No time or node limit, 200 rounds of cuts.
    fn default() -> Self {
        ProveOptions {
            time_limit_s: None,
            node_limit: None,
            max_rounds: 200,
        }
    }
}

/// Where a zone's lower bound comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundKind {
    /// The exact model closed the gap: the zone is a minimum-perimeter zone under the rules.
    Proven,
    /// The exact model's dual bound (the solve stopped at a limit before closing the gap).
    Mip,
    /// The isoperimetric bound `√(4πA − K·A²)` (no exact solve).
    Isoperimetric,
}

impl BoundKind {
    /// The word used in schedules and metadata: `proven`, `mip` or `isoperimetric`.
    ///
    /// ```
    /// assert_eq!(allot::plan::proof::BoundKind::Mip.as_str(), "mip");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            BoundKind::Proven => "proven",
            BoundKind::Mip => "mip",
            BoundKind::Isoperimetric => "isoperimetric",
        }
    }
}

/// A planned zone's perimeter and a lower bound on the perimeter of any zone the rules allow.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneProof {
    /// The zone.
    pub zone: String,
    /// The perimeter the bound is compared with (m): the zone's, or with `split` and `--prove`
    /// its whole-parcel part before the cut.
    pub perimeter_m: f64,
    /// The lower bound (m); never above `perimeter_m`.
    pub lower_bound_m: f64,
    /// Where the bound comes from.
    pub bound: BoundKind,
    /// True when the bound is for the whole-parcel part of a split zone (the exact model has
    /// whole parcels only): `perimeter_m` is then that part's perimeter.
    pub whole_parcel_part: bool,
    /// The area band (acres) the exact model searched, when it ran.
    pub band_acres: Option<(f64, f64)>,
    /// The search's zone's perimeter (m) when the plan uses the exact model's zone instead: a
    /// shorter one, or (longer) one that keeps a rule the search's zone broke (`note` says which).
    pub improved_from_m: Option<f64>,
    /// Solves of the exact model (one per round of contiguity cuts; 0 without `--prove`).
    pub rounds: usize,
    /// Why the exact solve stopped short of a proof, or a rule it could not state.
    pub note: Option<String>,
}

impl ZoneProof {
    /// The relative gap `(perimeter − bound) / perimeter` (0 for a proven zone).
    pub fn gap(&self) -> f64 {
        if self.perimeter_m > 0.0 {
            ((self.perimeter_m - self.lower_bound_m) / self.perimeter_m).max(0.0)
        } else {
            0.0
        }
    }

    /// `optimal`, or `within X% (lower bound B m, KIND)`.
    ///
    /// ```
    /// use allot::plan::proof::{BoundKind, ZoneProof};
    /// let p = ZoneProof {
    ///     zone: "mill".into(), perimeter_m: 1000.0, lower_bound_m: 950.0, bound: BoundKind::Mip,
    ///     whole_parcel_part: false, band_acres: None, improved_from_m: None, rounds: 3, note: None,
    /// };
    /// assert_eq!(p.status(), "within 5.00% (lower bound 950 m, mip)");
    /// ```
    pub fn status(&self) -> String {
        if self.bound == BoundKind::Proven {
            return "optimal".into();
        }
        format!(
            "within {:.2}% (lower bound {} m, {})",
            100.0 * self.gap(),
            grouped(self.lower_bound_m, 0),
            self.bound.as_str()
        )
    }
}

/// The bound without an exact solve: isoperimetric on the zone's area.
pub fn isoperimetric_proof(zone: &str, acres: f64, perimeter_m: f64) -> ZoneProof {
    ZoneProof {
        zone: zone.to_string(),
        perimeter_m,
        lower_bound_m: isoperimetric_bound_m(acres).min(perimeter_m),
        bound: BoundKind::Isoperimetric,
        whole_parcel_part: false,
        band_acres: None,
        improved_from_m: None,
        rounds: 0,
        note: None,
    }
}

/// What an exact solve found for one zone (see `plan::exact`).
#[derive(Debug, Clone, PartialEq)]
pub struct ExactOutcome {
    /// A zone shorter than the incumbent that meets every rule, if one was found: members
    /// (sorted graph nodes) and perimeter (m).
    pub better: Option<(Vec<usize>, f64)>,
    /// Lower bound (m) on the perimeter of any zone meeting the modelled rules.
    pub lower_bound_m: f64,
    /// True when the best zone known (the better one, or the incumbent) is within
    /// [`PROVEN_REL_GAP`] of the bound.
    pub proven: bool,
    /// Solves of the model.
    pub rounds: usize,
    /// Why it stopped short of a proof, if it did.
    pub note: Option<String>,
    /// True when the solver proved that no zone meets the modelled rules (a round's model is a
    /// relaxation of the planner's problem, so none meets the planner's either).
    pub infeasible: bool,
}

/// The proofs as JSON for a plan's GeoJSON `metadata.proof`: one object per planned zone, in
/// priority order, with `zone`, `status`, `bound`, `lower_bound_m`, `perimeter_m`, `gap`
/// (relative), `whole_parcel_part`, `band_acres` (or null), `improved_from_m` (or null),
/// `rounds` and `note` (or null). Metres to 0.1, the gap to 1e-6.
pub fn proofs_json(proofs: &[ZoneProof]) -> serde_json::Value {
    use serde_json::{Value, json};
    let r = |x: f64, k: f64| (x * k).round() / k;
    Value::Array(
        proofs
            .iter()
            .map(|p| {
                json!({
                    "zone": p.zone,
                    "status": p.status(),
                    "bound": p.bound.as_str(),
                    "lower_bound_m": r(p.lower_bound_m, 10.0),
                    "perimeter_m": r(p.perimeter_m, 10.0),
                    "gap": r(p.gap(), 1e6),
                    "whole_parcel_part": p.whole_parcel_part,
                    "band_acres": p.band_acres.map(|(lo, hi)| json!([r(lo, 1e4), r(hi, 1e4)])),
                    "improved_from_m": p.improved_from_m.map(|x| r(x, 10.0)),
                    "rounds": p.rounds,
                    "note": p.note,
                })
            })
            .collect(),
    )
}

/// The input's top-level members with `metadata.proof` set to [`proofs_json`]. `Err` when the
/// input's `metadata` is not an object (there is nowhere to put the proof without losing it).
pub fn members_with_proofs(
    members: &serde_json::Map<String, serde_json::Value>,
    proofs: &[ZoneProof],
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut out = members.clone();
    let meta = out
        .entry("metadata")
        .or_insert_with(|| serde_json::Value::Object(Default::default()));
    let serde_json::Value::Object(meta) = meta else {
        return Err(
            "its top-level `metadata` is not an object, so --prove has nowhere to write metadata.proof"
                .into(),
        );
    };
    meta.insert("proof".into(), proofs_json(proofs));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gap_and_status_words() {
        let mut p = isoperimetric_proof("z", 247.105_381_467_165_4, 4000.0);
        // 1 km² square: the circle is 11.4% shorter.
        assert!((p.gap() - (1.0 - 3_544.907_701_811_032 / 4000.0)).abs() < 1e-6);
        assert!(
            p.status()
                .starts_with("within 11.38% (lower bound 3,545 m, isoperimetric)")
        );
        p.bound = BoundKind::Proven;
        assert_eq!(p.status(), "optimal");
        // A bound is never reported above the perimeter.
        let q = isoperimetric_proof("z", 1000.0, 10.0);
        assert_eq!(q.lower_bound_m, 10.0);
        assert_eq!(q.gap(), 0.0);
    }

    #[test]
    fn metadata_keeps_other_members_and_refuses_a_non_object() {
        let proofs = [isoperimetric_proof("mill", 247.105_381_467_165_4, 4000.0)];
        let mut members = serde_json::Map::new();
        members.insert("name".into(), "site".into());
        members.insert("metadata".into(), serde_json::json!({"title": "PSM"}));
        let out = members_with_proofs(&members, &proofs).unwrap();
        assert_eq!(out["name"], "site");
        assert_eq!(out["metadata"]["title"], "PSM");
        let p = &out["metadata"]["proof"][0];
        assert_eq!(p["zone"], "mill");
        assert_eq!(p["bound"], "isoperimetric");
        assert_eq!(p["lower_bound_m"], 3544.9);
        assert_eq!(p["gap"], 0.113773);
        members.insert("metadata".into(), serde_json::json!([1]));
        assert!(members_with_proofs(&members, &proofs).is_err());
    }
}
