//! Matching a WKT CRS text (OGC WKT1, ESRI `.prj` WKT, WKT2) to an EPSG code.
//!
//! Two rules, in order: the root's own EPSG authority (`AUTHORITY["EPSG","24312"]` or WKT2
//! `ID["EPSG",24312]` as the root's last element), else the root's name compared with the
//! names of every system in the EPSG table after normalising spelling: case, spaces,
//! underscores and punctuation are ignored, ESRI's `WGS_1984`/`GCS_` forms are read as
//! EPSG's `WGS 84`, and ESRI's full datum years at the start of a name as EPSG's short ones
//! (`NAD_1983_…` as `NAD83 …`, `ETRS_1989`, `ED_1950`, `GDA_1994`, `OSGB_1936`). A name shared by several codes resolves to the lowest one.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The name of a WKT's root element: `PROJCS["WGS 84 / UTM zone 42N", …]` gives
/// `WGS 84 / UTM zone 42N`.
///
/// ```
/// assert_eq!(allot::crs::root_name(r#"GEOGCS["WGS 84",DATUM["x"]]"#).as_deref(), Some("WGS 84"));
/// ```
pub fn root_name(wkt: &str) -> Option<String> {
    let open = wkt.find('[')?;
    let rest = wkt[open + 1..].trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find('"')?;
    Some(rest[..end].to_string())
}

/// The EPSG code a WKT text names, by its root authority or by its name (see the module
/// docs); `None` when neither matches.
///
/// ```
/// use allot::crs::epsg_from_wkt;
/// let esri = r#"PROJCS["WGS_1984_UTM_Zone_42N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984"]]]"#;
/// assert_eq!(epsg_from_wkt(esri), Some(32642));
/// assert_eq!(epsg_from_wkt(r#"GEOGCS["GCS_WGS_1984"]"#), Some(4326));
/// assert_eq!(epsg_from_wkt(r#"LOCAL_CS["site grid"]"#), None);
/// ```
pub fn epsg_from_wkt(wkt: &str) -> Option<u32> {
    if let Some(code) = root_authority(wkt) {
        return Some(code);
    }
    let name = root_name(wkt)?;
    names().get(&normalise(&name)).copied()
}

/// The authority code among the root's direct children, if it is EPSG's.
fn root_authority(wkt: &str) -> Option<u32> {
    let bytes = wkt.as_bytes();
    let mut depth = 0usize;
    let mut in_str = false;
    let mut found = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_str {
            if b == b'"' {
                in_str = false;
            }
        } else {
            match b {
                b'"' => in_str = true,
                b'[' | b'(' => depth += 1,
                b']' | b')' => depth = depth.saturating_sub(1),
                _ if depth == 1 => {
                    let rest = &wkt[i..];
                    for key in ["AUTHORITY[", "ID["] {
                        if rest.len() >= key.len() && rest[..key.len()].eq_ignore_ascii_case(key) {
                            let body = &rest[key.len()..];
                            let body = &body[..body.find(']').unwrap_or(body.len())];
                            let mut parts = body.split(',').map(|s| s.trim().trim_matches('"'));
                            if parts.next().is_some_and(|a| a.eq_ignore_ascii_case("EPSG")) {
                                found = parts.next().and_then(|c| c.parse().ok());
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        // Names may hold any character; step by whole characters.
        i += wkt[i..].chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// Lower-case letters and digits only, with ESRI's spellings mapped to EPSG's.
fn normalise(name: &str) -> String {
    let mut n: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if let Some(rest) = n.strip_prefix("gcs") {
        n = rest.to_string();
    }
    n = n.replace("wgs1984", "wgs84");
    // ESRI writes a datum's year in full where EPSG's names abbreviate it
    // (`NAD_1983_UTM_Zone_18N` is `NAD83 / UTM zone 18N`); its geographic system
    // `GCS_North_American_1983` is EPSG's `NAD83`.
    for (esri, epsg) in [
        ("northamerican1983", "nad83"),
        ("northamerican1927", "nad27"),
        ("european1950", "ed50"),
        ("nad1983", "nad83"),
        ("nad1927", "nad27"),
        ("etrs1989", "etrs89"),
        ("ed1950", "ed50"),
        ("gda1994", "gda94"),
        ("osgb1936", "osgb36"),
    ] {
        if let Some(rest) = n.strip_prefix(esri) {
            n = format!("{epsg}{rest}");
        }
    }
    if n == "wgs84webmercatorauxiliarysphere" {
        n = "wgs84pseudomercator".into();
    }
    if n == "rdnew" {
        n = "amersfoortrdnew".into();
    }
    n
}

/// Normalised name → lowest EPSG code with that name, built once.
fn names() -> &'static HashMap<String, u32> {
    static NAMES: OnceLock<HashMap<String, u32>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut map = HashMap::new();
        for code in 0..=u16::MAX {
            if let Some(def) = crs_definitions::from_code(code)
                && let Some(name) = root_name(def.wkt)
            {
                map.entry(normalise(&name)).or_insert(u32::from(code));
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `.prj` texts GDAL 3.6 writes for the site in each CRS (copied from `ogr2ogr` output).
    #[test]
    fn esri_prj_texts_from_gdal_match_their_codes() {
        let cases = [
            (
                4326,
                r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#,
            ),
            (
                24312,
                r#"PROJCS["Kalianpur_1962_UTM_Zone_42N",GEOGCS["GCS_Kalianpur_1962",DATUM["D_Kalianpur_1962",SPHEROID["Everest_Definition_1962",6377301.243,300.8017255]]]]"#,
            ),
            (
                24376,
                r#"PROJCS["Kalianpur_1962_India_Zone_I",GEOGCS["GCS_Kalianpur_1962"]]"#,
            ),
            (
                3857,
                r#"PROJCS["WGS_1984_Web_Mercator_Auxiliary_Sphere",GEOGCS["GCS_WGS_1984"]]"#,
            ),
            (28992, r#"PROJCS["RD_New",GEOGCS["GCS_Amersfoort"]]"#),
            // ESRI's full datum years (names as GDAL 3.6 writes them in a .prj).
            (
                26918,
                r#"PROJCS["NAD_1983_UTM_Zone_18N",GEOGCS["GCS_North_American_1983"]]"#,
            ),
            (
                26718,
                r#"PROJCS["NAD_1927_UTM_Zone_18N",GEOGCS["GCS_North_American_1927"]]"#,
            ),
            (
                4269,
                r#"GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983"]]"#,
            ),
            (
                25832,
                r#"PROJCS["ETRS_1989_UTM_Zone_32N",GEOGCS["GCS_ETRS_1989"]]"#,
            ),
            (
                23031,
                r#"PROJCS["ED_1950_UTM_Zone_31N",GEOGCS["GCS_European_1950"]]"#,
            ),
            (4283, r#"GEOGCS["GCS_GDA_1994",DATUM["D_GDA_1994"]]"#),
        ];
        for (code, wkt) in cases {
            assert_eq!(epsg_from_wkt(wkt), Some(code), "{wkt}");
        }
    }

    #[test]
    fn the_root_authority_wins_over_inner_ones_and_over_the_name() {
        let wkt = r#"PROJCS["some name",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]],AUTHORITY["EPSG","32642"]]"#;
        assert_eq!(epsg_from_wkt(wkt), Some(32642));
        let wkt2 = r#"PROJCRS["x",BASEGEOGCRS["WGS 84",ID["EPSG",4326]],ID["EPSG",32643]]"#;
        assert_eq!(epsg_from_wkt(wkt2), Some(32643));
        // Only an inner authority: the name decides, and an unknown name gives nothing.
        let inner = r#"PROJCS["my grid",GEOGCS["WGS 84",AUTHORITY["EPSG","4326"]]]"#;
        assert_eq!(epsg_from_wkt(inner), None);
    }

    #[test]
    fn unparseable_text_gives_none_not_a_panic() {
        for t in [
            "",
            "[",
            "PROJCS[",
            "PROJCS[\"",
            "\u{e9}[\"\u{e9}",
            "AUTHORITY[\"EPSG\",\"x\"]",
        ] {
            assert_eq!(epsg_from_wkt(t), None, "{t:?}");
        }
    }
}
