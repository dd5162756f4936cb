//! `metadata.zones` and how command-line targets combine with it (`allot::resolve_zones`):
//! malformed lists are errors naming the entry, targets replace the file's zones, and the
//! warnings fire exactly when they should.

use allot::{ParcelSet, WarningKind, ZoneSpec, resolve_zones, zones_from_metadata};

fn set_with(metadata: &str, zones: &[&str]) -> ParcelSet {
    let feats: Vec<String> = zones
        .iter()
        .enumerate()
        .map(|(i, z)| format!(
            r#"{{"type":"Feature","id":"P{i}","properties":{{"zone":{z:?}}},"geometry":{{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}}}"#
        ))
        .collect();
    let text = format!(
        r#"{{"type":"FeatureCollection","metadata":{metadata},"features":[{}]}}"#,
        feats.join(",")
    );
    allot::parse_parcels(text.as_bytes(), "f.geojson").unwrap()
}

#[test]
fn legacy_targets_are_zones_with_targets_only() {
    let set = set_with(r#"{"targets":{"b":2,"a":1}}"#, &[]);
    let z = zones_from_metadata(&set).unwrap();
    assert_eq!(z, vec![ZoneSpec::new("b", 2.0), ZoneSpec::new("a", 1.0)]);
}

#[test]
fn malformed_entries_are_errors_naming_the_entry() {
    for (meta, want) in [
        (
            r#"{"zones":{"a":1}}"#,
            "f.geojson: metadata.zones: must be a list",
        ),
        (r#"{"zones":[7]}"#, "metadata.zones[0]: must be an object"),
        (
            r#"{"zones":[{"target_acres":1}]}"#,
            "[0]: needs a non-empty string `name`",
        ),
        (
            r#"{"zones":[{"name":"a","target_acres":1},{"name":"a","target_acres":2}]}"#,
            "[1]: zone \"a\": listed twice",
        ),
        (
            r#"{"zones":[{"name":"a","target_acres":-1}]}"#,
            "`target_acres` must be a finite, non-negative number, not -1",
        ),
        (
            r#"{"zones":[{"name":"a"}]}"#,
            "needs a positive number `target_acres`",
        ),
        (
            r#"{"zones":[{"name":"a","target_acres":1,"access":[1]}]}"#,
            "`access` must be a list of strings",
        ),
        (
            r#"{"zones":[{"name":"a","target_acres":1,"colour":"red"}]}"#,
            "`colour` must be \"#rrggbb\"",
        ),
        (
            r#"{"zones":[{"name":"retained","target_acres":1}]}"#,
            "`retained` is the land no zone takes",
        ),
    ] {
        let err = zones_from_metadata(&set_with(meta, &[]))
            .unwrap_err()
            .to_string();
        assert!(err.contains(want), "{meta}: {err}");
    }
}

#[test]
fn command_line_replaces_metadata_and_warns_on_unknown_names() {
    let set = set_with(
        r#"{"zones":[{"name":"mill","target_acres":700,"tolerance_acres":2},{"name":"park","target_acres":3200}]}"#,
        &[],
    );
    let c = resolve_zones(&set, &[("mill".into(), 600.0)], &[]).unwrap();
    assert_eq!(c.origin, "command line");
    assert_eq!(c.zones.len(), 1, "a --target replaces the file's zones");
    assert_eq!(c.zones[0].tolerance_acres, Some(2.0));
    assert!(c.warnings.is_empty());
    let c = resolve_zones(&set, &[("mil".into(), 600.0)], &[]).unwrap();
    assert_eq!(c.warnings.len(), 1);
    assert_eq!(c.warnings[0].kind, WarningKind::UnknownZone);
    assert!(
        c.warnings[0].message.contains("did you mean mill?"),
        "{:?}",
        c.warnings
    );
    // Without metadata zones nothing is unknown.
    let plain = set_with("{}", &[]);
    let c = resolve_zones(&plain, &[("x".into(), 1.0)], &[("d".into(), 2.0)]).unwrap();
    assert!(c.warnings.is_empty());
    let c = resolve_zones(&plain, &[], &[("d".into(), 2.0)]).unwrap();
    assert_eq!((c.origin, c.zones[0].name.as_str()), ("defaults", "d"));
}

#[test]
fn names_differing_by_case_or_spaces_warn_once_per_group() {
    let set = set_with(
        r#"{"zones":[{"name":"mill","target_acres":7}]}"#,
        &["Mill", " mill", "park"],
    );
    let c = resolve_zones(&set, &[], &[]).unwrap();
    assert_eq!(c.warnings.len(), 1, "{:?}", c.warnings);
    assert_eq!(c.warnings[0].kind, WarningKind::ZoneNameVariants);
    assert!(
        c.warnings[0]
            .message
            .contains(r#"" mill" and "Mill" and "mill""#),
        "{}",
        c.warnings[0].message
    );
    let clean = set_with(
        r#"{"zones":[{"name":"mill","target_acres":7}]}"#,
        &["mill", "park"],
    );
    assert!(resolve_zones(&clean, &[], &[]).unwrap().warnings.is_empty());
}
