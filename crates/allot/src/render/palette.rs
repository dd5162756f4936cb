//! Colour classes of a map: which parcels share a colour, in what order, with which colour.
//!
//! - **Zones** (`--color-by zone`) are ordered as the data's metadata orders them:
//!   `metadata.zones` (an array of names, or of objects with a `name`), then `metadata.targets`
//!   (an object, in file order), then any other zone (and any target zone without parcels) by
//!   name. `retained` is always grey. Targets given on the command line add legend rows but do
//!   not reorder: `plan --map` (which draws the plan with the input's metadata, the metadata
//!   the plan's GeoJSON carries), `validate --map` and `map` all go through [`zone_order`], so
//!   a zone has one colour in every output. A zone's own `colour` in `metadata.zones`
//!   ([`metadata_colours`]) wins over its place in the order; the others take
//!   [`CATEGORICAL`] by their place.
//! - **Categories** (any other property whose values are not all numbers, or have few distinct
//!   values) are ordered by name and take [`CATEGORICAL`] in turn: Paul Tol's colour-blind-safe
//!   "light" scheme (8 colours, pale grey left out) followed by four colours of his "muted"
//!   scheme. Past 12 classes the colours repeat with a pattern over them (diagonal hatch,
//!   cross-hatch, dots), so every class is still listed and still told apart; only
//!   `max_classes` merges classes into "other".
//! - **Numbers** (`area`, computed in acres, or a property whose values are all numbers with
//!   more than [`RAMP`]`.len()` distinct values) get a sequential ramp (Tol's YlOrBr) over
//!   quantile classes whose breaks are rounded to two significant figures.
//!
//! Targets are shown in the legend only when colouring by zone. A class that
//! [`MapOptions::class_styles`] names takes the fill (and hatching) given there instead.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::canvas::Rgb;
use super::{Category, CategoryKey, MapOptions, RenderError, category_value};
use crate::model::{ParcelSet, zones_from_metadata};
use crate::report::grouped;

/// The categorical palette: Tol "light" (8) then four of Tol "muted".
pub const CATEGORICAL: [Rgb; 12] = [
    Rgb::hex(0x77AADD), // light blue
    Rgb::hex(0xEE8866), // orange
    Rgb::hex(0xEEDD88), // light yellow
    Rgb::hex(0x44BB99), // mint
    Rgb::hex(0xFFAABB), // pink
    Rgb::hex(0x99DDFF), // light cyan
    Rgb::hex(0xBBCC33), // pear
    Rgb::hex(0xAAAA00), // olive
    Rgb::hex(0xCC6677), // muted rose
    Rgb::hex(0x117733), // muted green
    Rgb::hex(0xAA4499), // muted purple
    Rgb::hex(0x882255), // muted wine
];

/// Tol's sequential YlOrBr, five steps from pale to dark.
pub const RAMP: [Rgb; 5] = [
    Rgb::hex(0xFFF7BC),
    Rgb::hex(0xFEC44F),
    Rgb::hex(0xFB9A29),
    Rgb::hex(0xCC4C02),
    Rgb::hex(0x662506),
];

/// Retained land.
pub const RETAINED: Rgb = Rgb::hex(0xBBBBBB);
/// The zone name drawn in [`RETAINED`] grey.
pub const RETAINED_ZONE: &str = crate::model::RETAINED;
/// Parcels without a value.
pub const NO_VALUE: Rgb = Rgb::hex(0xDDDDDD);
/// Classes merged by `max_classes`.
pub const OTHER: Rgb = Rgb::hex(0x999999);
/// How many patterns there are to tell repeated colours apart (class k ≥ 12 gets pattern
/// `(k / 12 - 1) % PATTERNS + 1`).
pub const PATTERNS: usize = 3;

/// The zone order the data's metadata gives: `metadata.zones`, then `metadata.targets` (each
/// name once). Zones not named there follow by name (the caller adds them).
///
/// ```
/// let text = br#"{"type":"FeatureCollection","metadata":{"zones":["park"],"targets":{"mill":700,"park":3200}},"features":[]}"#;
/// let set = allot::parse_parcels(text, "x").unwrap();
/// assert_eq!(allot::render::palette::zone_order(&set), ["park", "mill"]);
/// ```
pub fn zone_order(set: &ParcelSet) -> Vec<String> {
    let mut order: Vec<String> = Vec::new();
    let mut push = |name: &str| {
        if !name.is_empty() && !order.iter().any(|o| o == name) {
            order.push(name.to_string());
        }
    };
    match set.metadata_field("zones") {
        Some(Value::Array(items)) => {
            for it in items {
                match it {
                    Value::String(s) => push(s),
                    Value::Object(o) => {
                        if let Some(Value::String(s)) = o.get("name").or_else(|| o.get("zone")) {
                            push(s);
                        }
                    }
                    _ => {}
                }
            }
        }
        Some(Value::Object(o)) => o.keys().for_each(|k| push(k)),
        _ => {}
    }
    if let Some(Value::Object(o)) = set.metadata_field("targets") {
        o.keys().for_each(|k| push(k));
    }
    order
}

/// The fill colour (RGB) of each zone as the maps draw it with `--color-by zone` (the same
/// order, the same palette, `retained` grey), for other outputs to match (the KML writer's
/// zone styles). `targets` are the zones given on the command line.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","metadata":{"targets":{"mill":700}},"features":[
///   {"type":"Feature","id":"A","properties":{"zone":"retained"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}},
///   {"type":"Feature","id":"B","properties":{"zone":"mill"},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "x").unwrap();
/// let fills = allot::render::palette::zone_fills(&set, &[]);
/// assert_eq!(fills, [("mill".to_string(), [0x77, 0xAA, 0xDD]), ("retained".to_string(), [0xBB, 0xBB, 0xBB])]);
/// ```
pub fn zone_fills(set: &ParcelSet, targets: &[(String, f64)]) -> Vec<(String, [u8; 3])> {
    let opts = MapOptions {
        targets: targets.to_vec(),
        ..Default::default()
    };
    let acres = vec![0.0; set.parcels.len()];
    categorise(set, &acres, &opts)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|c| match c.key {
            CategoryKey::Value(name) => Some((name, [c.colour.0, c.colour.1, c.colour.2])),
            _ => None,
        })
        .collect()
}

/// The colours the data's `metadata.zones` gives its zones (`"colour": "#rrggbb"`), by zone
/// name. A malformed zone list gives none here (the commands that read zones refuse it first).
///
/// ```
/// let text = br##"{"type":"FeatureCollection","metadata":{"zones":[
///   {"name":"mill","target_acres":700},{"name":"park","target_acres":3200,"colour":"#2ca02c"}]},"features":[]}"##;
/// let set = allot::parse_parcels(text, "x").unwrap();
/// let colours = allot::render::palette::metadata_colours(&set);
/// assert_eq!(colours.len(), 1);
/// assert_eq!(colours["park"].css(), "#2CA02C");
/// ```
pub fn metadata_colours(set: &ParcelSet) -> BTreeMap<String, Rgb> {
    zones_from_metadata(set)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|z| {
            let hex = z.colour?;
            let v = u32::from_str_radix(hex.strip_prefix('#')?, 16).ok()?;
            Some((z.name, Rgb::hex(v)))
        })
        .collect()
}

/// Every property name the parcels carry (sorted), for error messages.
fn property_names(set: &ParcelSet) -> Vec<String> {
    let mut names: BTreeSet<String> = BTreeSet::new();
    for p in &set.parcels {
        if let Ok(m) = p.properties_map() {
            names.extend(m.keys().cloned());
        }
        if p.zone.is_some() {
            names.insert("zone".into());
        }
        if p.land_use().is_some() {
            names.insert("land_use".into());
        }
    }
    names.insert("area".into());
    names.into_iter().collect()
}

/// A number written with about three significant figures and thousands separators.
fn number_label(x: f64) -> String {
    let a = x.abs();
    let decimals = if a >= 100.0 || a == 0.0 {
        0
    } else if a >= 10.0 {
        1
    } else if a >= 1.0 {
        2
    } else {
        3
    };
    let s = grouped(x.abs(), decimals);
    if x < 0.0 { format!("−{s}") } else { s }
}

/// `x` rounded to two significant figures.
fn round2(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let p = 10f64.powi(x.abs().log10().floor() as i32 - 1);
    (x / p).round() * p
}

/// Class breaks (strictly increasing, strictly inside (min, max)) of `sorted` values for at
/// most [`RAMP`]`.len()` quantile classes.
pub fn quantile_breaks(sorted: &[f64]) -> Vec<f64> {
    let n = sorted.len();
    if n == 0 {
        return Vec::new();
    }
    let (lo, hi) = (sorted[0], sorted[n - 1]);
    let mut out: Vec<f64> = Vec::new();
    for k in 1..RAMP.len() {
        let b = round2(sorted[(k * n / RAMP.len()).min(n - 1)]);
        if b > lo && b < hi && out.last().is_none_or(|&l| b > l) {
            out.push(b);
        }
    }
    out
}

/// Groups the parcels into colour classes (see the module docs).
pub(super) fn categorise(
    set: &ParcelSet,
    acres: &[f64],
    opts: &MapOptions,
) -> Result<Vec<Category>, RenderError> {
    let key = opts.color_by.as_str();
    let by_zone = key == "zone";
    // Numbers: computed area, or an all-number property with many values.
    let numbers: Option<Vec<Option<f64>>> = if key == "area" {
        Some(acres.iter().map(|&a| Some(a)).collect())
    } else {
        None
    };
    let mut values: Vec<Option<String>> = Vec::new();
    let numbers = match numbers {
        Some(n) => Some(n),
        None => {
            values = set.parcels.iter().map(|p| category_value(p, key)).collect();
            if !by_zone && values.iter().all(Option::is_none) {
                return Err(RenderError::UnknownProperty {
                    file: set.source.clone(),
                    property: key.to_string(),
                    available: property_names(set),
                });
            }
            let parsed: Vec<Option<f64>> = values
                .iter()
                .map(|v| v.as_deref().and_then(|s| s.parse::<f64>().ok()))
                .collect();
            let all_numbers = values
                .iter()
                .zip(&parsed)
                .all(|(v, n)| v.is_none() || n.is_some_and(f64::is_finite));
            let distinct: BTreeSet<&str> = values.iter().flatten().map(String::as_str).collect();
            (!by_zone && all_numbers && distinct.len() > RAMP.len()).then_some(parsed)
        }
    };
    if let Some(nums) = numbers {
        return Ok(numeric_classes(&nums, acres, key));
    }

    let mut by_value: BTreeMap<String, (f64, Vec<usize>)> = BTreeMap::new();
    let mut none: (f64, Vec<usize>) = (0.0, Vec::new());
    for (i, v) in values.into_iter().enumerate() {
        let e = match v {
            Some(v) => by_value.entry(v).or_default(),
            None => &mut none,
        };
        e.0 += acres[i];
        e.1.push(i);
    }
    let targets: &[(String, f64)] = if by_zone { &opts.targets } else { &[] };
    let mut order: Vec<String> = if by_zone {
        zone_order(set)
            .into_iter()
            .filter(|z| by_value.contains_key(z) || targets.iter().any(|(t, _)| t == z))
            .collect()
    } else {
        Vec::new()
    };
    let mut rest_names: BTreeSet<&String> = by_value.keys().collect();
    rest_names.extend(targets.iter().map(|(t, _)| t));
    for v in rest_names {
        if !order.contains(v) {
            order.push(v.clone());
        }
    }
    // Retained land last among the zones, in grey.
    if by_zone && let Some(k) = order.iter().position(|z| z == RETAINED_ZONE) {
        let r = order.remove(k);
        order.push(r);
    }
    let coloured: Vec<&String> = order
        .iter()
        .filter(|z| !(by_zone && *z == RETAINED_ZONE))
        .collect();
    let given = if by_zone {
        metadata_colours(set)
    } else {
        BTreeMap::new()
    };
    let limit = opts.max_classes.unwrap_or(usize::MAX).max(1);
    let mut out = Vec::new();
    let mut rest: (Vec<String>, f64, Vec<usize>) = (Vec::new(), 0.0, Vec::new());
    for v in &order {
        let (a, parcels) = by_value.get(v).cloned().unwrap_or_default();
        let target = targets.iter().find(|(t, _)| t == v).map(|t| t.1);
        if by_zone && v == RETAINED_ZONE {
            out.push(Category {
                key: CategoryKey::Value(v.clone()),
                colour: RETAINED,
                pattern: None,
                hatch: None,
                acres: a,
                parcels,
                target,
            });
            continue;
        }
        let k = coloured.iter().position(|c| *c == v).unwrap_or(0);
        // Target zones are never merged.
        if k >= limit && target.is_none() {
            rest.0.push(v.clone());
            rest.1 += a;
            rest.2.extend(parcels);
            continue;
        }
        let rgb = |c: [u8; 3]| Rgb(c[0], c[1], c[2]);
        let (colour, pattern, hatch) = match (opts.class_styles.get(v), given.get(v)) {
            (Some(st), _) => (rgb(st.fill), None, st.hatch.map(rgb)),
            (None, Some(&c)) => (c, None, None),
            (None, None) => (
                CATEGORICAL[k % CATEGORICAL.len()],
                (k >= CATEGORICAL.len()).then(|| (k / CATEGORICAL.len() - 1) % PATTERNS + 1),
                None,
            ),
        };
        out.push(Category {
            key: CategoryKey::Value(v.clone()),
            colour,
            pattern,
            hatch,
            acres: a,
            parcels,
            target,
        });
    }
    if !rest.0.is_empty() {
        rest.2.sort_unstable();
        out.push(Category {
            key: CategoryKey::Other(rest.0),
            colour: OTHER,
            pattern: None,
            hatch: None,
            acres: rest.1,
            parcels: rest.2,
            target: None,
        });
    }
    if !none.1.is_empty() {
        out.push(Category {
            key: CategoryKey::None,
            colour: NO_VALUE,
            pattern: None,
            hatch: None,
            acres: none.0,
            parcels: none.1,
            target: None,
        });
    }
    Ok(out)
}

/// Quantile classes of numbers on the sequential ramp; parcels without a number last.
fn numeric_classes(nums: &[Option<f64>], acres: &[f64], key: &str) -> Vec<Category> {
    let mut sorted: Vec<f64> = nums.iter().flatten().copied().collect();
    sorted.sort_by(f64::total_cmp);
    let breaks = quantile_breaks(&sorted);
    let (lo, hi) = (
        sorted.first().copied().unwrap_or(0.0),
        sorted.last().copied().unwrap_or(0.0),
    );
    let unit = if key == "area" { " ac" } else { "" };
    let mut bounds = vec![lo];
    bounds.extend(&breaks);
    bounds.push(hi);
    let n = bounds.len() - 1;
    // Spread the classes over the ramp (3 classes: pale, middle, dark).
    let colour = |k: usize| {
        if n <= 1 {
            RAMP[RAMP.len() / 2]
        } else {
            RAMP[k * (RAMP.len() - 1) / (n - 1)]
        }
    };
    let mut out: Vec<Category> = (0..n)
        .map(|k| {
            let last = k + 1 == n;
            let label = format!(
                "{} to {} {}{unit}",
                number_label(bounds[k]),
                if last { "" } else { "under" },
                number_label(bounds[k + 1])
            )
            .replace("  ", " ");
            Category {
                key: CategoryKey::Range(label),
                colour: colour(k),
                pattern: None,
                hatch: None,
                acres: 0.0,
                parcels: Vec::new(),
                target: None,
            }
        })
        .collect();
    let mut none = Category {
        key: CategoryKey::None,
        colour: NO_VALUE,
        pattern: None,
        hatch: None,
        acres: 0.0,
        parcels: Vec::new(),
        target: None,
    };
    for (i, v) in nums.iter().enumerate() {
        let c = match v {
            Some(x) => &mut out[breaks.partition_point(|b| b <= x)],
            None => &mut none,
        };
        c.acres += acres[i];
        c.parcels.push(i);
    }
    if !none.parcels.is_empty() {
        out.push(none);
    }
    out
}

/// The SVG `<pattern>` definitions drawn over repeated colours (`cls-pat-1` …).
pub fn pattern_defs() -> String {
    let ink = "stroke=\"#222222\" stroke-opacity=\"0.55\" stroke-width=\"1.2\"";
    format!(
        "<pattern id=\"cls-pat-1\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\" patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"7\" {ink}/></pattern>\n\
         <pattern id=\"cls-pat-2\" patternUnits=\"userSpaceOnUse\" width=\"7\" height=\"7\"><path d=\"M0 0L7 7M7 0L0 7\" {ink}/></pattern>\n\
         <pattern id=\"cls-pat-3\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\"><circle cx=\"3\" cy=\"3\" r=\"1.3\" fill=\"#222222\" fill-opacity=\"0.55\"/></pattern>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_are_rounded_quantiles_inside_the_range() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(quantile_breaks(&v), vec![21.0, 41.0, 61.0, 81.0]);
        assert_eq!(quantile_breaks(&[5.0, 5.0, 5.0]), Vec::<f64>::new());
        assert_eq!(round2(1234.0), 1200.0);
        assert_eq!(round2(0.01234), 0.012);
    }

    #[test]
    fn palette_colours_are_distinct() {
        let set: BTreeSet<Rgb> = CATEGORICAL.iter().copied().collect();
        assert_eq!(set.len(), 12);
        assert!(!set.contains(&RETAINED) && !set.contains(&NO_VALUE) && !set.contains(&OTHER));
    }
}
