//! Alternative plans: up to K plans whose first zones (the mill) are genuinely different, not
//! the same zone found again from another seed.
//!
//! The search converges: on the PSM data most seeds give the same mill. So diversity is built
//! into the search rather than sampled from seeds: plan 1 is the ordinary [`super::plan`]; plan
//! *i* is planned under every rule of plan 1 (contiguity, tolerance, access with its frontage,
//! retained land in one piece, locks) plus one more: its first zone may share at most
//! (100 − X)% of the lower end of its target band with the first zone of every earlier plan
//! (X = [`AlternativeOptions::min_difference_pct`]). The search prices acres beyond that cap
//! like acres outside the band, steers greedy growth away from earlier zones, and seeds growth
//! from anchors spread over the eligible land outside them. Later zones (the park) are planned
//! as usual around each first zone.
//!
//! The plans found are ranked by the first zone's Polsby-Popper compactness (best first; ties
//! keep the order found). Same input and options give the same plans, byte for byte.

use super::{Plan, PlanError, PlanOptions, canonical, check_input, plan_checked, rules};
use crate::model::ParcelSet;

/// How many alternatives to find, and how different they must be.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlternativeOptions {
    /// How many plans to find (at least 1).
    pub count: usize,
    /// Least share (%) of its first zone's area by which each plan differs from every other:
    /// `100 × (1 − shared acres / smaller of the two zones' acres)`.
    pub min_difference_pct: f64,
}

impl Default for AlternativeOptions {
    /// Three plans differing by at least 20%.
    fn default() -> Self {
        AlternativeOptions {
            count: 3,
            min_difference_pct: 20.0,
        }
    }
}

/// The plans found, best first, and why fewer than asked were found.
#[derive(Debug, Clone, PartialEq)]
pub struct Alternatives {
    /// Plans ranked by their first zone's Polsby-Popper compactness (best first).
    pub plans: Vec<Plan>,
    /// When fewer plans than asked were found: why the next one could not be planned.
    pub shortfall: Option<String>,
}

/// Acres the zone `zone` of plan `a` has in common with the same zone of plan `b`, matched by
/// input parcel: Σ over input parcels of the smaller of the acres each plan's zone takes from
/// it (exact for whole parcels; for a parcel cut in both plans an upper bound, as the pieces
/// may not coincide).
///
/// ```
/// # let mut features = Vec::new();
/// # for c in 0..4 {
/// #     let x = 67.0 + c as f64 * 0.005;
/// #     features.push(format!(r#"{{"type":"Feature","id":"P{c}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},24.8],[{},24.8],[{},24.805],[{x},24.805],[{x},24.8]]]}}}}"#, x + 0.005, x + 0.005));
/// # }
/// # let text = format!(r#"{{"type":"FeatureCollection","features":[{}]}}"#, features.join(","));
/// let set = allot::parse_parcels(text.as_bytes(), "row").unwrap();
/// let cell = allot::geodesy::acres(allot::geodesy::area_m2(&set.parcels[0].geometry));
/// let opts = allot::plan::PlanOptions {
///     zones: vec![("mill".into(), 2.0 * cell)],
///     tolerance_acres: 0.1,
///     ..Default::default()
/// };
/// let plan = allot::plan::plan(&set, &opts).unwrap();
/// // A plan shares all of its zone with itself.
/// let shared = allot::plan::alternatives::shared_acres(&plan, &plan, "mill");
/// assert!((shared - plan.zones[0].acres).abs() < 1e-9);
/// ```
pub fn shared_acres(a: &Plan, b: &Plan, zone: &str) -> f64 {
    let per_source = |p: &Plan| {
        let mut m = std::collections::BTreeMap::new();
        for q in p.parcels.iter().filter(|q| q.zone == zone) {
            *m.entry(q.source).or_insert(0.0) += q.acres;
        }
        m
    };
    let (ma, mb) = (per_source(a), per_source(b));
    // A fold from +0.0: an empty f64 sum is −0.0, printed as "-0.0".
    ma.iter()
        .filter_map(|(s, &x)| mb.get(s).map(|&y| x.min(y)))
        .fold(0.0, |acc, x| acc + x)
}

/// How much (%) zone `zone` differs between plans `a` and `b`: `100 × (1 − shared / smaller
/// area)`, with the shared acres of [`shared_acres`] (0 when either plan lacks the zone).
pub fn difference_pct(a: &Plan, b: &Plan, zone: &str) -> f64 {
    let acres = |p: &Plan| {
        p.zones
            .iter()
            .find(|z| z.name == zone)
            .map_or(0.0, |z| z.acres)
    };
    let smaller = acres(a).min(acres(b));
    if smaller <= 0.0 {
        return 0.0;
    }
    100.0 * (1.0 - shared_acres(a, b, zone) / smaller)
}

/// Plans up to `alt.count` alternatives of `opts` on `set` (see the module docs).
///
/// `Err` when the options are bad or not even the first plan can be made; fewer plans than
/// asked is not an error ([`Alternatives::shortfall`] says why).
pub fn plan_alternatives(
    set: &ParcelSet,
    opts: &PlanOptions,
    alt: &AlternativeOptions,
) -> Result<Alternatives, PlanError> {
    if alt.count == 0 {
        return Err(PlanError::BadOption(
            "--alternatives must be at least 1".into(),
        ));
    }
    if !(alt.min_difference_pct.is_finite()
        && alt.min_difference_pct > 0.0
        && alt.min_difference_pct <= 100.0)
    {
        return Err(PlanError::BadOption(format!(
            "--min-difference must be a percentage above 0 and at most 100, not {}",
            alt.min_difference_pct
        )));
    }
    check_input(set)?;
    // Planned on the parcels in canonical order (see `super::plan`); mapped back at the end.
    let order = canonical::canonical_order(set);
    let set = &*canonical::reordered(set, &order);
    let base = rules(set, opts)?;
    let first = base.zones[0].0.clone();
    let share = 1.0 - alt.min_difference_pct / 100.0;
    let mut found: Vec<Plan> = Vec::new();
    let mut shortfall = None;
    for i in 0..alt.count {
        let mut r = base.clone();
        r.avoid = found
            .iter()
            .map(|p| {
                let mut mask = vec![false; set.parcels.len()];
                for q in p.parcels.iter().filter(|q| q.zone == first) {
                    mask[q.source] = true;
                }
                mask
            })
            .collect();
        r.avoid_share = share;
        match plan_checked(set, r) {
            Ok(p) => {
                // The search holds the shared acres under the cap before any cut; a cut on
                // the zone's edge (--split) can add some back, so check the plan as made.
                if let Some((j, d)) = found
                    .iter()
                    .enumerate()
                    .map(|(j, q)| (j, difference_pct(&p, q, &first)))
                    .find(|&(_, d)| d < alt.min_difference_pct - 1e-9)
                {
                    shortfall = Some(format!(
                        "plan {} of {}: the best {first} found differs from plan {} found by only {d:.1}% (at least {}% asked)",
                        i + 1,
                        alt.count,
                        j + 1,
                        alt.min_difference_pct
                    ));
                    break;
                }
                found.push(p);
            }
            Err(e) if e.is_infeasible() && i > 0 => {
                shortfall = Some(format!("plan {} of {}: {e}", i + 1, alt.count));
                break;
            }
            Err(e) => return Err(e),
        }
    }
    let pp = |p: &Plan| p.zones[0].polsby_popper;
    let mut ranked: Vec<usize> = (0..found.len()).collect();
    ranked.sort_by(|&a, &b| pp(&found[b]).total_cmp(&pp(&found[a])).then(a.cmp(&b)));
    let mut slots: Vec<Option<Plan>> = found.into_iter().map(Some).collect();
    let plans = ranked
        .iter()
        .filter_map(|&i| slots[i].take())
        .map(|p| canonical::restore(p, &order))
        .collect();
    Ok(Alternatives { plans, shortfall })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `rows` × `cols` grid of 0.005° cells near Karachi, ids `P<row>_<col>`; coordinates
    /// are computed from integers so that neighbours share their vertices exactly.
    fn grid_set(rows: usize, cols: usize) -> ParcelSet {
        let mut features = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let x = |k: usize| (67_000 + 5 * k) as f64 / 1000.0;
                let y = |k: usize| (24_800 + 5 * k) as f64 / 1000.0;
                let (x0, x1, y0, y1) = (x(c), x(c + 1), y(r), y(r + 1));
                features.push(format!(
                    r#"{{"type":"Feature","id":"P{r}_{c}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},{y0}],[{x1},{y0}],[{x1},{y1}],[{x0},{y1}],[{x0},{y0}]]]}}}}"#
                ));
            }
        }
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        crate::read::parse_parcels(text.as_bytes(), "grid.geojson").expect("a valid grid")
    }

    /// On a 8 × 8 grid, three 9-cell mills that pairwise share at most 80% of their cells
    /// (checked by counting cells, not with [`difference_pct`]).
    #[test]
    fn three_mills_on_a_grid_differ_pairwise() {
        let set = grid_set(8, 8);
        let cell = crate::geodesy::acres(crate::geodesy::area_m2(&set.parcels[0].geometry));
        let opts = PlanOptions {
            zones: vec![("mill".into(), 9.0 * cell)],
            tolerance_acres: 0.4 * cell,
            ..PlanOptions::default()
        };
        let alt = AlternativeOptions {
            count: 3,
            min_difference_pct: 20.0,
        };
        let out = plan_alternatives(&set, &opts, &alt).unwrap();
        assert_eq!(out.plans.len(), 3, "{:?}", out.shortfall);
        let cells: Vec<std::collections::BTreeSet<usize>> = out
            .plans
            .iter()
            .map(|p| {
                p.parcels
                    .iter()
                    .filter(|q| q.zone == "mill")
                    .map(|q| q.source)
                    .collect()
            })
            .collect();
        for (a, ca) in cells.iter().enumerate() {
            assert_eq!(ca.len(), 9);
            for cb in &cells[a + 1..] {
                // 9 cells each: at most 7 in common (7/9 = 77.8% ≤ 80%, 8/9 = 88.9% is not).
                assert!(ca.intersection(cb).count() <= 7, "{ca:?} {cb:?}");
            }
        }
        // The best (a 3 × 3 block, PP = π/4) comes first.
        assert!((out.plans[0].zones[0].polsby_popper - std::f64::consts::FRAC_PI_4).abs() < 0.01);
        let again = plan_alternatives(&set, &opts, &alt).unwrap();
        assert_eq!(again, out);
    }

    #[test]
    fn a_site_with_room_for_one_mill_gives_one_plan_and_says_why() {
        // 3 × 4 cells, a 9-cell mill: any two 9-cell sets share at least 6 cells of 9 (67%),
        // so with a 50% difference there is no second plan.
        let set = grid_set(3, 4);
        let cell = crate::geodesy::acres(crate::geodesy::area_m2(&set.parcels[0].geometry));
        let opts = PlanOptions {
            zones: vec![("mill".into(), 9.0 * cell)],
            tolerance_acres: 0.4 * cell,
            ..PlanOptions::default()
        };
        let alt = AlternativeOptions {
            count: 2,
            min_difference_pct: 50.0,
        };
        let out = plan_alternatives(&set, &opts, &alt).unwrap();
        assert_eq!(out.plans.len(), 1);
        let why = out.shortfall.unwrap();
        assert!(
            why.starts_with("plan 2 of 2: cannot plan zone \"mill\""),
            "{why}"
        );
        assert!(why.contains("alternatives: "), "{why}");
    }

    #[test]
    fn bad_counts_and_differences_are_refused() {
        let set = grid_set(3, 3);
        let opts = PlanOptions::default();
        for (count, pct) in [(0, 20.0), (2, 0.0), (2, 101.0), (2, f64::NAN)] {
            let alt = AlternativeOptions {
                count,
                min_difference_pct: pct,
            };
            assert!(matches!(
                plan_alternatives(&set, &opts, &alt),
                Err(PlanError::BadOption(_))
            ));
        }
    }
}
