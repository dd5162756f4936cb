//! Matching an ESRI `.prj` projected CRS to an EPSG code by what it defines rather than by its
//! name, for the systems whose ESRI names share nothing with EPSG's (`British_National_Grid`
//! is EPSG:27700 "OSGB 1936 / British National Grid", `RGF_1993_Lambert_93` is 2154,
//! `ETRS_1989_LAEA` 3035, `NAD_1983_Contiguous_USA_Albers` 5070, `DHDN_3_Degree_Gauss_Zone_3`
//! 31467, `Greek_Grid` 2100).
//!
//! The same rule matches a system the user renamed: ArcGIS lets a projection be saved under any
//! name (`PSM_Site_Grid` for WGS 84 / UTM zone 42N), and its `.prj` then carries that name
//! with the system's own parameters.
//!
//! A wrong match is worse than a refusal, so an EPSG system matches only when all of these hold:
//! - the projection method is the same (ESRI's `Transverse_Mercator` or `Gauss_Kruger` is
//!   PROJ's `tmerc`, and so is PROJ's `utm` with its zone's parameters, `Lambert_Conformal_Conic` `lcc`, `Lambert_Azimuthal_Equal_Area` `laea`,
//!   `Albers` `aea`; any other method matches nothing);
//! - every parameter is equal (false easting and northing, central meridian, latitude of
//!   origin, scale factor, standard parallels; one absent on either side is PROJ's default,
//!   0, or 1 for the scale factor), within 1e-9 relative; a parameter allot does not know, on
//!   either side, matches nothing;
//! - both are in metres with the Greenwich prime meridian;
//! - the ellipsoid is the same (semi-major axis within 1 mm, inverse flattening within 1e-6);
//! - the datum is the same by name: ESRI's datum name without `D_` equals EPSG's datum name,
//!   or ESRI's geographic system name equals EPSG's, after the spelling rules of the name
//!   match (see [`super::wkt`]) and with a year `19xx` shortened to `xx` on both sides
//!   (`GCS_RGF_1993` is `RGF93`, `GCS_GGRS_1987` is `GGRS87`).
//!
//! When several EPSG systems match, they must have the same PROJ definition (then the
//! coordinates they give are the same), and the one taken is the lowest code among those whose
//! name has no parenthesised qualifier (`(E-N)`), else the lowest code; when their
//! definitions differ, nothing matches.

/// The EPSG code of an ESRI-style `PROJCS` text by its definition (see the module docs).
pub(super) fn epsg_from_esri_params(wkt: &str) -> Option<u32> {
    let esri = Esri::parse(wkt)?;
    let mut found: Option<((bool, u32), &'static str)> = None;
    for code in 1024..=u16::MAX {
        let Some(def) = crs_definitions::from_code(code) else {
            continue;
        };
        let utm = esri.method == "tmerc" && def.proj4.starts_with("+proj=utm ");
        if !(utm || def.proj4.starts_with(&format!("+proj={} ", esri.method)))
            || !esri.matches(&def)
        {
            continue;
        }
        // Among equal definitions, a plain name before a qualified variant
        // (`DHDN / 3-degree Gauss-Kruger zone 3` before its `(E-N)` twin), then the lowest code.
        let rank = (qualified(def.wkt), u32::from(code));
        match found {
            None => found = Some((rank, def.proj4)),
            Some((best, p)) if p == def.proj4 => found = Some((best.min(rank), p)),
            Some(_) => return None,
        }
    }
    found.map(|((_, code), _)| code)
}

/// Whether an EPSG system's name ends in a parenthesised qualifier (`(E-N)`, `(ftUS)`).
fn qualified(wkt: &str) -> bool {
    super::wkt::root_name(wkt).is_some_and(|n| n.trim_end().ends_with(')'))
}

/// What an ESRI `PROJCS` text defines.
struct Esri {
    /// PROJ's name of the method (`tmerc`, …).
    method: &'static str,
    /// Parameters by PROJ's key (`x_0`, `lon_0`, …).
    params: Vec<(&'static str, f64)>,
    /// Datum name without `D_`, and geographic system name, both normalised.
    datum: String,
    geographic: String,
    /// Semi-major axis and inverse flattening.
    ellipsoid: (f64, f64),
}

impl Esri {
    fn parse(wkt: &str) -> Option<Esri> {
        if !wkt.trim_start().starts_with("PROJCS[") {
            return None;
        }
        let method = match quoted_after(wkt, "PROJECTION[")?.as_str() {
            "Transverse_Mercator" | "Gauss_Kruger" => "tmerc",
            "Lambert_Conformal_Conic" => "lcc",
            "Lambert_Azimuthal_Equal_Area" => "laea",
            "Albers" => "aea",
            _ => return None,
        };
        let mut params = Vec::new();
        let mut rest = wkt;
        while let Some(at) = rest.find("PARAMETER[") {
            rest = &rest[at + "PARAMETER[".len()..];
            let (name, values) = name_and_numbers(rest)?;
            let key = match name.as_str() {
                "False_Easting" => "x_0",
                "False_Northing" => "y_0",
                "Central_Meridian" | "Longitude_Of_Center" => "lon_0",
                "Latitude_Of_Origin" | "Latitude_Of_Center" => "lat_0",
                "Scale_Factor" => "k",
                "Standard_Parallel_1" => "lat_1",
                "Standard_Parallel_2" => "lat_2",
                _ => return None,
            };
            params.push((key, *values.first()?));
        }
        // The prime meridian must be Greenwich and the projected unit the metre (the last
        // UNIT is the projected system's; the geographic one sits inside GEOGCS).
        let (_, pm) = name_and_numbers(after(wkt, "PRIMEM[")?)?;
        let unit = &wkt[wkt.rfind("UNIT[")? + "UNIT[".len()..];
        let (_, factor) = name_and_numbers(unit)?;
        if pm.first() != Some(&0.0) || factor.first() != Some(&1.0) {
            return None;
        }
        let (_, sph) = name_and_numbers(after(wkt, "SPHEROID[")?)?;
        let datum = quoted_after(wkt, "DATUM[")?;
        Some(Esri {
            method,
            params,
            datum: datum_key(datum.strip_prefix("D_").unwrap_or(&datum)),
            geographic: datum_key(&quoted_after(wkt, "GEOGCS[")?),
            ellipsoid: (*sph.first()?, *sph.get(1)?),
        })
    }

    /// Whether an EPSG definition is this system (see the module docs).
    fn matches(&self, def: &crs_definitions::Def) -> bool {
        let Some(proj) = proj_params(def.proj4) else {
            return false;
        };
        let keys = ["x_0", "y_0", "lon_0", "lat_0", "k", "lat_1", "lat_2"];
        let default = |k: &str| if k == "k" { 1.0 } else { 0.0 };
        let get = |list: &[(&str, f64)], k: &str| {
            list.iter()
                .find(|(key, _)| *key == k)
                .map_or(default(k), |p| p.1)
        };
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        if !keys
            .iter()
            .all(|k| close(get(&self.params, k), get(&proj, k)))
        {
            return false;
        }
        let Some(Ok((_, sph))) = after(def.wkt, "SPHEROID[").map(|s| name_and_numbers(s).ok_or(()))
        else {
            return false;
        };
        let (Some(&a), Some(&rf)) = (sph.first(), sph.get(1)) else {
            return false;
        };
        if (a - self.ellipsoid.0).abs() > 1e-3 || (rf - self.ellipsoid.1).abs() > 1e-6 {
            return false;
        }
        let datum = quoted_after(def.wkt, "DATUM[").map(|d| datum_key(&d));
        let geographic = quoted_after(def.wkt, "GEOGCS[").map(|g| datum_key(&g));
        datum.as_deref() == Some(&self.datum) || geographic.as_deref() == Some(&self.geographic)
    }
}

/// The numeric parameters of a PROJ.4 string by key (`k_0` read as `k`), or `None` when it
/// has a key this matcher does not compare (a prime meridian, a unit other than the metre, an
/// axis order, a grid, …).
fn proj_params(proj4: &str) -> Option<Vec<(&'static str, f64)>> {
    let mut out = Vec::new();
    // A UTM zone is a transverse Mercator with the zone's parameters; its ellipsoid, given by
    // `+a`/`+b` in some definitions, is compared from the WKT's SPHEROID.
    let utm = proj4.starts_with("+proj=utm ");
    let (mut zone, mut south) = (None, false);
    for token in proj4.split_whitespace() {
        let token = token.strip_prefix('+')?;
        let (key, value) = token.split_once('=').unwrap_or((token, ""));
        let key = match key {
            "proj" | "ellps" | "datum" | "towgs84" | "no_defs" | "type" => continue,
            "zone" if utm => {
                zone = Some(value.parse::<u8>().ok().filter(|z| (1..=60).contains(z))?);
                continue;
            }
            "south" if utm => {
                south = true;
                continue;
            }
            "a" | "b" | "rf" if utm => continue,
            "units" if value == "m" => continue,
            "x_0" => "x_0",
            "y_0" => "y_0",
            "lon_0" => "lon_0",
            "lat_0" => "lat_0",
            "k" | "k_0" => "k",
            "lat_1" => "lat_1",
            "lat_2" => "lat_2",
            _ => return None,
        };
        out.push((key, value.parse().ok()?));
    }
    if utm {
        let zone = f64::from(zone?);
        out.extend([
            ("lon_0", 6.0 * zone - 183.0),
            ("lat_0", 0.0),
            ("k", 0.9996),
            ("x_0", 500_000.0),
            ("y_0", if south { 10_000_000.0 } else { 0.0 }),
        ]);
    }
    Some(out)
}

/// A datum or geographic system name for comparison: the name match's spelling rules, then
/// `19xx` shortened to `xx`.
fn datum_key(name: &str) -> String {
    let n = super::wkt::normalise(name);
    let b = n.as_bytes();
    let mut out = String::with_capacity(n.len());
    let mut i = 0;
    while i < b.len() {
        let year = i + 4 <= b.len()
            && &b[i..i + 2] == b"19"
            && b[i + 2].is_ascii_digit()
            && b[i + 3].is_ascii_digit()
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && (i + 4 == b.len() || !b[i + 4].is_ascii_digit());
        if year {
            i += 2;
        }
        out.push(char::from(b[i]));
        i += 1;
    }
    out
}

/// The text after the first `key`.
fn after<'a>(wkt: &'a str, key: &str) -> Option<&'a str> {
    wkt.find(key).map(|at| &wkt[at + key.len()..])
}

/// The quoted name right after the first `key` (`DATUM["D_OSGB_1936"` gives `D_OSGB_1936`).
fn quoted_after(wkt: &str, key: &str) -> Option<String> {
    name_and_numbers(after(wkt, key)?).map(|(n, _)| n)
}

/// `"name",1.0,2.0]…` gives the name and the numbers that follow it, up to the first `]` or
/// the first item that is not a number (`SPHEROID["Airy 1830",6377563.396,299.3249646,AUTHORITY[…`
/// gives two numbers).
fn name_and_numbers(s: &str) -> Option<(String, Vec<f64>)> {
    let s = s.trim_start().strip_prefix('"')?;
    let end = s.find('"')?;
    let name = s[..end].to_string();
    let rest = &s[end + 1..];
    let stop = rest.find(']').unwrap_or(rest.len());
    let numbers = rest[..stop]
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map_while(|t| t.parse().ok())
        .collect();
    Some((name, numbers))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `.prj` files `ogr2ogr -t_srs EPSG:N -f "ESRI Shapefile"` (GDAL 3.6) writes, stored
    /// in `tests/fixtures/prj/` (README there).
    const GDAL_PRJ: [(u32, &str); 6] = [
        (
            27700,
            include_str!("../../../../tests/fixtures/prj/27700.prj"),
        ),
        (
            2154,
            include_str!("../../../../tests/fixtures/prj/2154.prj"),
        ),
        (
            3035,
            include_str!("../../../../tests/fixtures/prj/3035.prj"),
        ),
        (
            5070,
            include_str!("../../../../tests/fixtures/prj/5070.prj"),
        ),
        (
            31467,
            include_str!("../../../../tests/fixtures/prj/31467.prj"),
        ),
        (
            2100,
            include_str!("../../../../tests/fixtures/prj/2100.prj"),
        ),
    ];

    #[test]
    fn gdal_prj_texts_whose_names_differ_from_epsg_match_by_definition() {
        for (code, prj) in GDAL_PRJ {
            assert_eq!(super::super::epsg_from_wkt(prj), Some(code), "{prj}");
            assert_eq!(epsg_from_esri_params(prj), Some(code), "{prj}");
        }
    }

    /// UTM systems saved under a name of the user's (ArcGIS allows any), with the parameters
    /// GDAL writes for 32642, 24312, 32735 and 32742: matched to those codes (by hand: zone 42
    /// is central meridian 69, zone 35 is 27, a southern zone has false northing 10,000 km); a
    /// central meridian off a zone's matches nothing.
    #[test]
    fn renamed_utm_systems_match_their_zone() {
        let tm = |datum: &str, geog: &str, sph: &str, cm: f64, y0: f64| {
            format!(
                r#"PROJCS["PSM_Site_Grid",GEOGCS["{geog}",DATUM["{datum}",SPHEROID[{sph}]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",{y0}],PARAMETER["Central_Meridian",{cm}],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#
            )
        };
        let wgs = (
            "D_WGS_1984",
            "GCS_WGS_1984",
            r#""WGS_1984",6378137.0,298.257223563"#,
        );
        let kal = (
            "D_Kalianpur_1962",
            "GCS_Kalianpur_1962",
            r#""Everest_Definition_1962",6377301.243,300.8017255"#,
        );
        let cases = [
            (wgs, 69.0, 0.0, Some(32642)),
            (kal, 69.0, 0.0, Some(24312)),
            (wgs, 27.0, 10_000_000.0, Some(32735)),
            (wgs, 69.5, 0.0, None),
            (wgs, 69.0, 10_000_000.0, Some(32742)),
        ];
        for ((datum, geog, sph), cm, y0, want) in cases {
            let prj = tm(datum, geog, sph, cm, y0);
            assert_eq!(super::super::epsg_from_wkt(&prj), want, "{prj}");
        }
    }

    /// One thing changed in each text: a parameter off by a metre or a thousandth of a degree,
    /// another datum, another ellipsoid, feet, another prime meridian, an unknown parameter or
    /// method. Each must match nothing (the `.prj` is then refused as an unknown CRS).
    #[test]
    fn any_difference_matches_nothing() {
        let bng = GDAL_PRJ[0].1;
        let lambert = GDAL_PRJ[1].1;
        let cases = [
            (bng, "400000.0", "400001.0"),
            (
                bng,
                "\"Central_Meridian\",-2.0]",
                "\"Central_Meridian\",-2.001]",
            ),
            (bng, "0.9996012717", "0.9996"),
            (
                bng,
                "OSGB_1936\",DATUM[\"D_OSGB_1936",
                "Other_1936\",DATUM[\"D_Other_1936",
            ),
            (bng, "6377563.396", "6378137.0"),
            (bng, "UNIT[\"Meter\",1.0]]", "UNIT[\"Foot\",0.3048]]"),
            (
                bng,
                "PRIMEM[\"Greenwich\",0.0]",
                "PRIMEM[\"Paris\",2.33722917]",
            ),
            (
                bng,
                "PARAMETER[\"Latitude_Of_Origin\",49.0]",
                "PARAMETER[\"Latitude_Of_Origin\",49.0],PARAMETER[\"Azimuth\",1.0]",
            ),
            (bng, "\"Transverse_Mercator\"", "\"Mercator\""),
            (lambert, "PARAMETER[\"Standard_Parallel_2\",44.0],", ""),
            (lambert, "6378137.0,298.257222101", "6378137.0,298.3"),
        ];
        for (original, from, to) in cases {
            assert!(original.contains(from), "{from}");
            let prj = original.replace(from, to);
            assert_eq!(epsg_from_esri_params(&prj), None, "{prj}");
        }
        // Geographic texts and unparseable ones are not this matcher's.
        for t in [
            r#"GEOGCS["GCS_WGS_1984"]"#,
            "",
            "PROJCS[",
            "PROJCS[\"x\",PROJECTION[",
        ] {
            assert_eq!(epsg_from_esri_params(t), None, "{t:?}");
        }
    }

    #[test]
    fn years_are_shortened_only_as_whole_four_digit_runs() {
        assert_eq!(datum_key("GCS_RGF_1993"), "rgf93");
        assert_eq!(datum_key("RGF93"), "rgf93");
        assert_eq!(datum_key("x_19931"), "x19931");
        assert_eq!(
            datum_key("Deutsches_Hauptdreiecksnetz"),
            "deutscheshauptdreiecksnetz"
        );
    }
}
