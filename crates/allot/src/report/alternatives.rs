//! The comparison table of alternative plans ([`crate::plan::alternatives`]): per plan and
//! zone, its area, perimeter, Polsby-Popper compactness, the area it shares with plan 1, the
//! parcel that gives it its access (when it has an access rule) and its land-use composition.

use crate::model::ParcelSet;
use crate::plan::Plan;
use crate::plan::alternatives::shared_acres;
use crate::report::grouped;

/// The table as text: one row per plan and planned zone (retained land left out), plans in
/// the order given (plan 1 first). `shared_acres` is the zone's area in common with the same
/// zone of plan 1 (matched by input parcel), `shared_pct` that as a share of this zone's area,
/// `access` the parcel that gives the zone its access and its frontage on the rest of the zone
/// (`-` for a zone without an access rule), and `land_use` the zone's acres by the `land_use`
/// of `set`'s parcels (the input the plans were made from; as the schedule counts them, see
/// [`crate::report::Schedule::with_land_uses`]).
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
/// let table = allot::report::alternatives::comparison_text(&[plan], &set);
/// // Two cells of 69.19 acres; no access rule; the parcels have no land use.
/// let row: Vec<&str> = table.lines().nth(1).unwrap().split_whitespace().collect();
/// assert_eq!(row[6..], ["100.0", "-", "(none)", "138.38"], "{table}");
/// ```
pub fn comparison_text(plans: &[Plan], set: &ParcelSet) -> String {
    let mut rows: Vec<[String; 9]> = vec![[
        "plan".into(),
        "zone".into(),
        "acres".into(),
        "perimeter_m".into(),
        "polsby_popper".into(),
        "shared_acres".into(),
        "shared_pct".into(),
        "access".into(),
        "land_use".into(),
    ]];
    for (i, p) in plans.iter().enumerate() {
        let schedule = crate::report::Schedule::with_land_uses(p, set);
        let composition = schedule.composition();
        for z in p.zones.iter().filter(|z| z.target_acres.is_some()) {
            let access = p
                .access
                .iter()
                .find(|a| a.zone == z.name)
                .map_or("-".to_string(), |a| {
                    format!("{} ({} m)", a.parcel, grouped(a.frontage_m, 0))
                });
            let land_use = composition
                .iter()
                .find(|c| c.0 == z.name)
                .map(|c| {
                    c.1.iter()
                        .map(|(u, a)| format!("{u} {}", grouped(*a, 2)))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let shared = plans
                .first()
                .map_or(0.0, |first| shared_acres(p, first, &z.name));
            let pct = if z.acres > 0.0 {
                100.0 * shared / z.acres
            } else {
                0.0
            };
            rows.push([
                (i + 1).to_string(),
                z.name.clone(),
                grouped(z.acres, 2),
                grouped(z.perimeter_m, 0),
                format!("{:.3}", z.polsby_popper),
                grouped(shared, 2),
                format!("{pct:.1}"),
                access,
                land_use,
            ]);
        }
    }
    let mut width = [0usize; 9];
    for r in &rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in &rows {
        let mut line = String::new();
        for (k, c) in r.iter().enumerate() {
            if k > 0 {
                line.push_str("  ");
            }
            // Names left-aligned, numbers right-aligned.
            if matches!(k, 1 | 7 | 8) {
                line.push_str(&format!("{c:<w$}", w = width[k]));
            } else {
                line.push_str(&format!("{c:>w$}", w = width[k]));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
