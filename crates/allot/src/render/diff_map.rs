//! The map of a [`Diff`], drawn by the one map renderer ([`render_map`]):
//! B's parcels classed by how their zone changed (`mill → park`), parcels whose zone did not
//! change in the renderer's grey "no zone change" class. A moved parcel is filled with its new
//! zone's colour and hatched in its old zone's ([`move_styles`]), the colours `allot map`
//! gives those zones on B (a zone only A has takes the palette's next colour; no zone, the
//! grey of parcels without a zone); the legend says so under the classes
//! and lists each move with the acres of B's parcels that made it, so it agrees with the
//! diff's own `moved` table.
//!
//! A diff map takes every map option ([`MapOptions`]) except the colouring, which is always by
//! the change; its title defaults to `A vs B` (the two files' names).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use super::format::{MapFormat, render_map};
use super::palette::{CATEGORICAL, NO_VALUE, RETAINED, RETAINED_ZONE, zone_fills};
use super::{ClassStyle, MapOptions, RenderError};
use crate::diff::{Diff, NO_ZONE};
use crate::model::ParcelSet;

/// The property a diff map colours by; its name is the legend's heading.
pub const CHANGE_KEY: &str = "zone change";

/// The class of each changed parcel unit (a parcel id, or a split piece's parent): `from → to`
/// for each zone `to` that gained land of the unit, the largest move when several did.
fn moves(d: &Diff) -> BTreeMap<(&str, &str), (&str, f64)> {
    let mut out: BTreeMap<(&str, &str), (&str, f64)> = BTreeMap::new();
    for c in &d.changes {
        let e = out
            .entry((c.id.as_str(), c.to.as_str()))
            .or_insert((c.from.as_str(), 0.0));
        if c.acres > e.1 {
            *e = (c.from.as_str(), c.acres);
        }
    }
    out
}

/// B's parcels, each whose land changed zone carrying a [`CHANGE_KEY`] property `from → to`
/// (a split piece is matched to its parent through `split_from`, as the diff matches it).
pub fn changed_parcels(b: &ParcelSet, d: &Diff) -> Result<ParcelSet, RenderError> {
    let moves = moves(d);
    let mut out = b.clone();
    for p in &mut out.parcels {
        let mut props = match p.properties() {
            Some(_) => p.properties_map().map_err(|e| RenderError::DiffInput {
                file: b.source.clone(),
                feature: p.index as usize + 1,
                id: p.id.0.to_string(),
                reason: e.to_string(),
            })?,
            None => serde_json::Map::new(),
        };
        let unit = props
            .get("split_from")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| p.id.0.to_string());
        let zone = p.zone.as_deref().unwrap_or(NO_ZONE);
        props.remove(CHANGE_KEY);
        if let Some((from, _)) = moves.get(&(unit.as_str(), zone)) {
            props.insert(CHANGE_KEY.into(), Value::String(format!("{from} → {zone}")));
        }
        let raw = serde_json::value::to_raw_value(&props).map_err(|e| RenderError::DiffInput {
            file: b.source.clone(),
            feature: p.index as usize + 1,
            id: p.id.0.to_string(),
            reason: e.to_string(),
        })?;
        p.set_properties(Some(raw));
    }
    Ok(out)
}

/// The legend's lines under the classes: what a moved parcel's fill and hatching mean.
pub const MOVE_NOTES: [&str; 2] = [
    "Moved land: fill = its zone now,",
    "hatching = the zone it left.",
];

/// The fill and hatching of each move class `from → to` of `d`: the fill is `to`'s colour,
/// the hatching `from`'s, as `allot map` colours B's zones. Zones B has no parcel of (only A
/// has them) take the palette's next colours after B's zones, by name; retained land
/// ([`NO_ZONE`], also the zone of parcels without one) the grey `allot map` gives it.
pub fn move_styles(b: &ParcelSet, d: &Diff) -> BTreeMap<String, ClassStyle> {
    let mut colours: BTreeMap<String, [u8; 3]> = zone_fills(b, &[]).into_iter().collect();
    let mut next = colours.keys().filter(|z| *z != RETAINED_ZONE).count();
    let missing: BTreeSet<&str> = d
        .changes
        .iter()
        .flat_map(|c| [c.from.as_str(), c.to.as_str()])
        .filter(|z| !colours.contains_key(*z))
        .collect();
    for z in missing {
        let c = if z == RETAINED_ZONE {
            RETAINED
        } else {
            next += 1;
            CATEGORICAL[(next - 1) % CATEGORICAL.len()]
        };
        colours.insert(z.to_string(), [c.0, c.1, c.2]);
    }
    let colour = |z: &str| {
        colours
            .get(z)
            .copied()
            .unwrap_or([NO_VALUE.0, NO_VALUE.1, NO_VALUE.2])
    };
    moves(d)
        .into_iter()
        .map(|((_, to), (from, _))| {
            (
                format!("{from} → {to}"),
                ClassStyle {
                    fill: colour(to),
                    hatch: Some(colour(from)),
                },
            )
        })
        .collect()
}

/// The file name of a path, for the default title.
fn file_name(source: &str) -> String {
    Path::new(source)
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string())
}

/// Draws `d` (the diff of A and B) on B's parcels in `format` with `opts`: coloured by
/// [`CHANGE_KEY`] whatever `opts.color_by` says, titled `A vs B` unless `opts.title` is set.
///
/// ```
/// let cell = |zone: &str| format!(r#"{{"type":"FeatureCollection","features":[
///   {{"type":"Feature","id":"P","properties":{{"zone":"{zone}"}},
///    "geometry":{{"type":"Polygon","coordinates":[[[67.35,24.81],[67.352,24.81],[67.352,24.812],[67.35,24.812],[67.35,24.81]]]}}}}]}}"#);
/// let a = allot::parse_parcels(cell("mill").as_bytes(), "a.geojson").unwrap();
/// let b = allot::parse_parcels(cell("park").as_bytes(), "b.geojson").unwrap();
/// let d = allot::diff::diff(&a, &b).unwrap();
/// let svg = allot::render::diff_map::render_diff(
///     &b, &d, &allot::render::MapOptions::default(), allot::render::format::MapFormat::Svg,
/// ).unwrap();
/// let svg = String::from_utf8(svg).unwrap();
/// assert!(svg.contains("mill → park"));
/// assert!(svg.contains("a.geojson vs b.geojson"));
/// ```
pub fn render_diff(
    b: &ParcelSet,
    d: &Diff,
    opts: &MapOptions,
    format: MapFormat,
) -> Result<Vec<u8>, RenderError> {
    let set = changed_parcels(b, d)?;
    let opts = MapOptions {
        color_by: CHANGE_KEY.to_string(),
        title: Some(
            opts.title
                .clone()
                .unwrap_or_else(|| format!("{} vs {}", file_name(&d.a), file_name(&d.b))),
        ),
        targets: Vec::new(),
        class_styles: move_styles(b, d),
        legend_notes: MOVE_NOTES.iter().map(|s| s.to_string()).collect(),
        ..opts.clone()
    };
    render_map(&set, &[], &opts, format)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(id: &str, x0: f64, x1: f64, props: &str) -> String {
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{{props}}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},24.8],[{x1},24.8],[{x1},24.81],[{x0},24.81],[{x0},24.8]]]}}}}"#
        )
    }

    fn set(features: &[String], name: &str) -> ParcelSet {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        crate::read::parse_parcels(text.as_bytes(), name).unwrap()
    }

    fn change(s: &ParcelSet, id: &str) -> Option<String> {
        let p = s.parcels.iter().find(|p| p.id.as_str() == id).unwrap();
        p.properties_map()
            .unwrap()
            .get(CHANGE_KEY)
            .and_then(Value::as_str)
            .map(str::to_string)
    }

    /// P1 whole (mill) in A, cut in B into a west mill half and an east park half: only the east
    /// piece moved; P2 stays park; P3 goes retained → park.
    #[test]
    fn only_the_pieces_that_moved_are_classed_by_their_move() {
        let a = set(
            &[
                cell("P1", 67.00, 67.02, r#""zone":"mill""#),
                cell("P2", 67.02, 67.03, r#""zone":"park""#),
                cell("P3", 67.03, 67.04, r#""zone":"retained""#),
            ],
            "a",
        );
        let b = set(
            &[
                cell("P1-a", 67.00, 67.01, r#""zone":"mill","split_from":"P1""#),
                cell("P1-b", 67.01, 67.02, r#""zone":"park","split_from":"P1""#),
                cell("P2", 67.02, 67.03, r#""zone":"park""#),
                cell("P3", 67.03, 67.04, r#""zone":"park","name":"x""#),
            ],
            "b",
        );
        let d = crate::diff::diff(&a, &b).unwrap();
        let c = changed_parcels(&b, &d).unwrap();
        assert_eq!(change(&c, "P1-a"), None);
        assert_eq!(change(&c, "P1-b").as_deref(), Some("mill → park"));
        assert_eq!(change(&c, "P2"), None);
        assert_eq!(change(&c, "P3").as_deref(), Some("retained → park"));
        // The other properties are kept.
        let p3 = c.parcels.iter().find(|p| p.id.as_str() == "P3").unwrap();
        assert_eq!(p3.properties_map().unwrap()["name"], "x");
    }

    /// B's zones by name: mill first (Tol light blue 77AADD), park second (orange EE8866),
    /// retained grey (BBBBBB); `gone` is only in A, so it comes after B's zones (pale yellow
    /// EEDD88, the palette's third); an unzoned parcel is the no-value grey (DDDDDD).
    #[test]
    fn a_move_is_filled_with_the_new_zones_colour_and_hatched_in_the_old_ones() {
        let a = set(
            &[
                cell("P1", 67.00, 67.01, r#""zone":"mill""#),
                cell("P2", 67.01, 67.02, r#""zone":"retained""#),
                cell("P3", 67.02, 67.03, r#""zone":"gone""#),
                cell("P4", 67.03, 67.04, r#""zone":"park""#),
                cell("P5", 67.04, 67.05, r#""zone":"mill""#),
            ],
            "a",
        );
        let b = set(
            &[
                cell("P1", 67.00, 67.01, r#""zone":"park""#),
                cell("P2", 67.01, 67.02, r#""zone":"mill""#),
                cell("P3", 67.02, 67.03, r#""zone":"park""#),
                cell("P4", 67.03, 67.04, ""),
                cell("P5", 67.04, 67.05, r#""zone":"mill""#),
            ],
            "b",
        );
        let d = crate::diff::diff(&a, &b).unwrap();
        let styles = move_styles(&b, &d);
        let style = |fill: u32, hatch: u32| ClassStyle {
            fill: [(fill >> 16) as u8, (fill >> 8) as u8, fill as u8],
            hatch: Some([(hatch >> 16) as u8, (hatch >> 8) as u8, hatch as u8]),
        };
        let want: BTreeMap<String, ClassStyle> = [
            ("mill → park", style(0xEE8866, 0x77AADD)),
            // `retained` is the land no zone takes, also the zone of a parcel without one (P4
            // in B): the retained grey of `allot map`.
            ("retained → mill", style(0x77AADD, 0xBBBBBB)),
            ("gone → park", style(0xEE8866, 0xEEDD88)),
            ("park → retained", style(0xBBBBBB, 0xEE8866)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        assert_eq!(styles, want);
        // Drawn so: each move's fill, its hatching over it, the hatch pattern in the old zone's
        // colour, and the legend's two lines.
        let svg = render_diff(&b, &d, &MapOptions::default(), MapFormat::Svg).unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(
            svg.contains("data-category=\"mill → park\" fill=\"#EE8866\""),
            "{svg}"
        );
        assert!(svg.contains("class=\"category-hatch\" fill=\"url(#class-hatch-77AADD)\""));
        assert!(svg.contains("<pattern id=\"class-hatch-77AADD\""));
        assert!(svg.contains("class=\"legend-hatch\""));
        for line in MOVE_NOTES {
            assert!(svg.contains(line), "legend lacks {line:?}");
        }
        // P5 did not move: it has no move class and is not hatched.
        assert_eq!(svg.matches("class=\"category-hatch\"").count(), 4);
    }
}
