//! Zone names that differ only by case or surrounding whitespace (`"sindh_mill"`,
//! `" sindh_mill"`, `"Sindh_Mill"`): allot keeps zones exactly as spelt, so such spellings are
//! separate zones, and a `zone_name` finding says so rather than letting a typo split a zone
//! silently. (Merging them would guess at the planner's intent; the finding, exit 1, makes
//! them fix the data.)

use std::collections::BTreeMap;

use crate::model::Parcel;

use super::{Finding, FindingKind, parcel_point};

/// One `zone_name` finding per group of zone spellings equal after trimming whitespace and
/// lowercasing. The finding's zone is the most used spelling (ties: one without surrounding
/// whitespace, then the first in byte order); it lists the parcels that use any other
/// spelling, and its message names every spelling with its parcel count.
pub(super) fn zone_name_findings(parcels: &[Parcel], skip: &[bool]) -> Vec<Finding> {
    // spelling -> parcel positions (a fabric has few spellings and many parcels, so each
    // spelling is lowercased once, not once a parcel)
    let mut by_spelling: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in parcels.iter().enumerate() {
        if let Some(z) = p.zone.as_deref() {
            by_spelling.entry(z).or_default().push(i);
        }
    }
    // key -> spelling -> parcel positions
    let mut groups: BTreeMap<String, BTreeMap<&str, Vec<usize>>> = BTreeMap::new();
    for (z, positions) in by_spelling {
        groups
            .entry(z.trim().to_lowercase())
            .or_default()
            .insert(z, positions);
    }
    let mut out = Vec::new();
    for spellings in groups.values().filter(|s| s.len() > 1) {
        let (main, _) = spellings
            .iter()
            .max_by(|a, b| {
                let trimmed = |s: &str| s == s.trim();
                a.1.len()
                    .cmp(&b.1.len())
                    .then(trimmed(a.0).cmp(&trimmed(b.0)))
                    .then(b.0.cmp(a.0))
            })
            .expect("a group has spellings");
        let mut others: Vec<usize> = spellings
            .iter()
            .filter(|(s, _)| *s != main)
            .flat_map(|(_, m)| m.iter().copied())
            .collect();
        others.sort_unstable();
        let count = |n: usize| format!("{n} parcel{}", if n == 1 { "" } else { "s" });
        let names: Vec<String> = std::iter::once(main)
            .chain(spellings.keys().filter(|s| *s != main))
            .map(|s| format!("{s:?} ({})", count(spellings[s].len())))
            .collect();
        let first = others[0];
        out.push(Finding {
            kind: FindingKind::ZoneName,
            parcels: others.iter().map(|&i| parcels[i].id.clone()).collect(),
            zone: Some(main.to_string()),
            acres: None,
            at: parcel_point(&parcels[first], !skip[first]),
            message: format!(
                "zone names {} differ only by case or surrounding whitespace; they are counted as separate zones",
                names.join(" and ")
            ),
            geometry: None,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_that_differ_by_case_or_spaces_are_one_finding() {
        let sq = |id: &str, zone: &str, x: f64| {
            format!(
                r#"{{"type":"Feature","id":"{id}","properties":{{"zone":"{zone}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x},24],[{e},24],[{e},24.01],[{x},24.01],[{x},24]]]}}}}"#,
                e = x + 0.01
            )
        };
        let fs = [
            sq("A", "mill", 67.0),
            sq("B", "mill", 67.01),
            sq("C", " mill", 67.02),
            sq("D", "Mill", 67.03),
            sq("E", "park", 67.04),
            sq("F", "park ", 67.05),
        ];
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            fs.join(",")
        );
        let set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
        let f = zone_name_findings(&set.parcels, &[false; 6]);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].zone.as_deref(), Some("mill"));
        assert_eq!(f[0].parcels, ["C", "D"].map(|s| crate::ParcelId(s.into())));
        assert_eq!(
            f[0].message,
            r#"zone names "mill" (2 parcels) and " mill" (1 parcel) and "Mill" (1 parcel) differ only by case or surrounding whitespace; they are counted as separate zones"#
        );
        // A tie goes to the spelling without surrounding whitespace, whatever the byte order.
        let fs2 = [sq("G", " z", 67.0), sq("H", "z", 67.01)];
        let text2 = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            fs2.join(",")
        );
        let set2 = crate::read::parse_parcels(text2.as_bytes(), "t").unwrap();
        let g = zone_name_findings(&set2.parcels, &[false; 2]);
        assert_eq!(g[0].zone.as_deref(), Some("z"));
        assert_eq!(g[0].parcels, [crate::ParcelId("G".into())]);
        assert_eq!(f[1].zone.as_deref(), Some("park"));
        assert_eq!(f[1].parcels, [crate::ParcelId("F".into())]);
    }
}
