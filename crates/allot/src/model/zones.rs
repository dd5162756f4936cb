//! Zone specifications a file carries in `metadata.zones`, and how they combine with targets
//! given on the command line: the one place `plan`, `validate`, `map` and `diff` learn which
//! zones a file is about, in which order, with which targets, tolerances, access and colours.
//!
//! `metadata.zones` is an ordered list (priority order: the first zone is planned first and
//! takes the first map colour):
//!
//! ```json
//! "metadata": {"zones": [
//!   {"name": "sindh_mill", "target_acres": 700, "tolerance_acres": 1,
//!    "access": ["port", "rail"], "colour": "#1f77b4"},
//!   {"name": "industrial_park", "target_acres": 3200, "access": "highway"}
//! ]}
//! ```
//!
//! `access` is any one of the listed kinds (a list, or one string with kinds joined by `|`);
//! `min_frontage_m` (metres) is how much boundary the zone's access parcel must share with the
//! rest of the zone for the access to count; `min_width_m` (metres) is the narrowest spur or
//! neck the zone may have (see `allot::graph::narrow`).
//! Older files with `metadata.targets` (an object `{"zone": acres}`) are read as zones with
//! targets only. A malformed `metadata.zones` is bad input ([`MetadataError`]), never ignored.

use serde_json::{Map, Value, json};

use super::ParcelSet;
use super::warning::{Warning, WarningKind};
use crate::util::closest;

/// One zone of a plan: its name, target and the rules it is planned under.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSpec {
    /// The zone's name (the value of the `zone` property of its parcels).
    pub name: String,
    /// Target area in acres.
    pub target_acres: f64,
    /// How far the zone's area may be from its target, in acres (`None`: the run's default).
    pub tolerance_acres: Option<f64>,
    /// Access kinds (`port`, `rail`, `highway`, ...) of which the zone must include at least
    /// one parcel carrying one; empty when no access is required.
    pub access: Vec<String>,
    /// Minimum frontage in metres of the zone's access parcel on the rest of the zone
    /// (`None`: the run's default).
    pub min_frontage_m: Option<f64>,
    /// Minimum width in metres of the zone's spurs and necks (`None`: the run's default when
    /// planning; not checked by `validate` unless given there).
    pub min_width_m: Option<f64>,
    /// Map colour (`#rrggbb`), if the file gives one.
    pub colour: Option<String>,
}

impl ZoneSpec {
    /// A zone with a target and nothing else.
    pub fn new(name: &str, target_acres: f64) -> Self {
        ZoneSpec {
            name: name.to_string(),
            target_acres,
            tolerance_acres: None,
            access: Vec::new(),
            min_frontage_m: None,
            min_width_m: None,
            colour: None,
        }
    }

    /// The zone as a `metadata.zones` entry (fields left unset are left out).
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert("name".into(), json!(self.name));
        m.insert("target_acres".into(), json!(self.target_acres));
        if let Some(t) = self.tolerance_acres {
            m.insert("tolerance_acres".into(), json!(t));
        }
        if !self.access.is_empty() {
            m.insert("access".into(), json!(self.access));
        }
        if let Some(f) = self.min_frontage_m {
            m.insert("min_frontage_m".into(), json!(f));
        }
        if let Some(w) = self.min_width_m {
            m.insert("min_width_m".into(), json!(w));
        }
        if let Some(c) = &self.colour {
            m.insert("colour".into(), json!(c));
        }
        Value::Object(m)
    }
}

/// The zone of land no target takes: what a plan calls the parcels it leaves over, and a name
/// no zone in `metadata.zones` may take.
///
/// ```
/// assert_eq!(allot::plan::RETAINED, "retained");
/// ```
pub const RETAINED: &str = "retained";

/// The access kinds a zone can require (`access` in `metadata.zones`, `--require-access`,
/// `--target NAME=AREA:access=KIND`): a parcel's own `access` names which it has.
///
/// ```
/// assert!(allot::ACCESS_KINDS.contains(&"port"));
/// ```
pub const ACCESS_KINDS: [&str; 3] = ["port", "rail", "highway"];

/// Access kinds as a zone requires them: each trimmed and lowercased, each once, in the order
/// given; `Err` with the first that is not one of [`ACCESS_KINDS`], as given (trimmed).
///
/// ```
/// assert_eq!(allot::access_kinds([" Port", "rail", "port"]), Ok(vec!["port".to_string(), "rail".into()]));
/// assert_eq!(allot::access_kinds(["port", "airport "]), Err("airport"));
/// ```
pub fn access_kinds<'a>(kinds: impl IntoIterator<Item = &'a str>) -> Result<Vec<String>, &'a str> {
    let mut out: Vec<String> = Vec::new();
    for k in kinds {
        let k = k.trim();
        let kind = k.to_lowercase();
        if !ACCESS_KINDS.contains(&kind.as_str()) {
            return Err(k);
        }
        if !out.contains(&kind) {
            out.push(kind);
        }
    }
    Ok(out)
}

/// A `metadata.zones` that cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: metadata.zones{}: {reason}", entry.map(|i| format!("[{i}]")).unwrap_or_default())]
pub struct MetadataError {
    /// The input's name.
    pub file: String,
    /// 0-based position of the bad entry in the list (`None`: the list itself).
    pub entry: Option<usize>,
    /// What is wrong.
    pub reason: String,
}

/// The zones `set` describes: `metadata.zones` in file order, else `metadata.targets` (targets
/// only), else none.
///
/// ```
/// let text = br##"{"type":"FeatureCollection","metadata":{"zones":[
///   {"name":"mill","target_acres":700,"tolerance_acres":0.5,"access":"port|rail"},
///   {"name":"park","target_acres":3200,"colour":"#2ca02c"}]},"features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"##;
/// let set = allot::parse_parcels(text, "t").unwrap();
/// let zones = allot::zones_from_metadata(&set).unwrap();
/// assert_eq!(zones[0].name, "mill");
/// assert_eq!(zones[0].tolerance_acres, Some(0.5));
/// assert_eq!(zones[0].access, vec!["port", "rail"]);
/// assert_eq!(zones[1].colour.as_deref(), Some("#2ca02c"));
/// ```
pub fn zones_from_metadata(set: &ParcelSet) -> Result<Vec<ZoneSpec>, MetadataError> {
    let bad = |entry: Option<usize>, reason: String| MetadataError {
        file: set.source.clone(),
        entry,
        reason,
    };
    let Some(zones) = set.metadata_field("zones") else {
        return Ok(set
            .metadata_targets()
            .into_iter()
            .map(|(n, a)| ZoneSpec::new(&n, a))
            .collect());
    };
    let Value::Array(list) = zones else {
        return Err(bad(None, "must be a list of zones".into()));
    };
    let mut out: Vec<ZoneSpec> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let bad = |reason: String| bad(Some(i), reason);
        let Value::Object(m) = entry else {
            return Err(bad("must be an object with name and target_acres".into()));
        };
        let name = match m.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            _ => return Err(bad("needs a non-empty string `name`".into())),
        };
        let bad = |reason: String| bad(format!("zone {name:?}: {reason}"));
        if name == RETAINED {
            return Err(bad("`retained` is the land no zone takes".into()));
        }
        if out.iter().any(|z| z.name == name) {
            return Err(bad("listed twice".into()));
        }
        let number = |key: &str| -> Result<Option<f64>, MetadataError> {
            match m.get(key) {
                None => Ok(None),
                Some(v) => match v.as_f64() {
                    Some(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                    _ => Err(bad(format!(
                        "`{key}` must be a finite, non-negative number, not {v}"
                    ))),
                },
            }
        };
        let target_acres = match number("target_acres")? {
            Some(t) if t > 0.0 => t,
            _ => return Err(bad("needs a positive number `target_acres`".into())),
        };
        let tolerance_acres = number("tolerance_acres")?;
        let access: Vec<String> = match m.get("access") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(s)) => s.split('|').map(|k| k.trim().to_string()).collect(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|k| k.as_str().map(|s| s.trim().to_string()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| bad("`access` must be a list of strings".into()))?,
            Some(v) => return Err(bad(format!("`access` must be a list of strings, not {v}"))),
        };
        if access.iter().any(|k| k.is_empty()) {
            return Err(bad("`access` has an empty kind".into()));
        }
        let access = access_kinds(access.iter().map(String::as_str)).map_err(|k| {
            let hint = closest(&k.to_lowercase(), ACCESS_KINDS)
                .map(|c| format!("; did you mean {c}?"))
                .unwrap_or_default();
            bad(format!(
                "unknown access {k:?}: expected {}{hint}",
                ACCESS_KINDS.join(", ")
            ))
        })?;
        let min_frontage_m = number("min_frontage_m")?;
        let min_width_m = number("min_width_m")?;
        let colour = match m.get("colour") {
            None | Some(Value::Null) => None,
            Some(Value::String(c)) if is_hex_colour(c) => Some(c.to_lowercase()),
            Some(v) => return Err(bad(format!("`colour` must be \"#rrggbb\", not {v}"))),
        };
        out.push(ZoneSpec {
            name,
            target_acres,
            tolerance_acres,
            access,
            min_frontage_m,
            min_width_m,
            colour,
        });
    }
    Ok(out)
}

fn is_hex_colour(c: &str) -> bool {
    c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|ch| ch.is_ascii_hexdigit())
}

/// Land uses `set`'s metadata declares as corridors (`metadata.corridor_uses`, a list of
/// strings; anything else there is a [`MetadataError`]).
pub fn corridor_uses(set: &ParcelSet) -> Result<Vec<String>, MetadataError> {
    match set.metadata_field("corridor_uses") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| MetadataError {
                file: set.source.clone(),
                entry: None,
                reason: "metadata.corridor_uses must be a list of land-use strings".into(),
            }),
        Some(_) => Err(MetadataError {
            file: set.source.clone(),
            entry: None,
            reason: "metadata.corridor_uses must be a list of land-use strings".into(),
        }),
    }
}

/// The zones a run works with, and what the user should hear about them.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneChoice {
    /// The zones, in priority order.
    pub zones: Vec<ZoneSpec>,
    /// Where they came from: `"command line"`, `"metadata"` or `"defaults"`.
    pub origin: &'static str,
    /// Warnings (unknown target names, names differing only by case or spaces).
    pub warnings: Vec<Warning>,
}

/// The zones of a run: targets given on the command line replace the file's zones (a zone the
/// file also lists keeps the file's tolerance, access and colour); without them the file's
/// `metadata.zones` (or `metadata.targets`) apply; without those, `defaults`.
///
/// Warns when a command-line target names a zone the file's metadata does not list (with the
/// closest listed name), and when two zone names (among the targets, the metadata and the
/// parcels' `zone` values) differ only by case or surrounding spaces.
///
/// ```
/// let text = br#"{"type":"FeatureCollection","metadata":{"zones":[
///   {"name":"sindh_mill","target_acres":700,"access":["port"]}]},"features":[
///   {"type":"Feature","id":"A","properties":{},"geometry":{"type":"Polygon","coordinates":[[[67,24],[67.01,24],[67.01,24.01],[67,24]]]}}]}"#;
/// let set = allot::parse_parcels(text, "t").unwrap();
/// let from_file = allot::resolve_zones(&set, &[], &[]).unwrap();
/// assert_eq!(from_file.origin, "metadata");
/// let typo = allot::resolve_zones(&set, &[("sindh_mil".into(), 650.0)], &[]).unwrap();
/// assert_eq!(typo.zones[0].target_acres, 650.0);
/// assert!(typo.warnings[0].message.contains("did you mean sindh_mill?"));
/// let over = allot::resolve_zones(&set, &[("sindh_mill".into(), 650.0)], &[]).unwrap();
/// assert_eq!(over.zones[0].access, vec!["port"]);
/// assert!(over.warnings.is_empty());
/// ```
pub fn resolve_zones(
    set: &ParcelSet,
    targets: &[(String, f64)],
    defaults: &[(String, f64)],
) -> Result<ZoneChoice, MetadataError> {
    let meta = zones_from_metadata(set)?;
    let mut warnings = Vec::new();
    let (zones, origin) = if !targets.is_empty() {
        let mut zones: Vec<ZoneSpec> = Vec::new();
        for (name, acres) in targets {
            let spec = match meta.iter().find(|z| &z.name == name) {
                Some(z) => ZoneSpec {
                    target_acres: *acres,
                    ..z.clone()
                },
                None => {
                    if !meta.is_empty() {
                        let listed: Vec<&str> = meta.iter().map(|z| z.name.as_str()).collect();
                        let hint = closest(name, listed.iter().copied())
                            .map(|c| format!("; did you mean {c}?"))
                            .unwrap_or_default();
                        warnings.push(Warning {
                            kind: WarningKind::UnknownZone,
                            message: format!(
                                "--target {name}: {} lists no zone {name:?} (it lists {}){hint}",
                                set.source,
                                listed.join(", ")
                            ),
                        });
                    }
                    ZoneSpec::new(name, *acres)
                }
            };
            zones.retain(|z: &ZoneSpec| z.name != spec.name);
            zones.push(spec);
        }
        (zones, "command line")
    } else if !meta.is_empty() {
        (meta.clone(), "metadata")
    } else {
        let zones = defaults.iter().map(|(n, a)| ZoneSpec::new(n, *a)).collect();
        (zones, "defaults")
    };
    // Names that differ only by case or surrounding spaces.
    let mut names: Vec<String> = zones.iter().map(|z| z.name.clone()).collect();
    names.extend(meta.iter().map(|z| z.name.clone()));
    names.extend(
        set.parcels
            .iter()
            .filter_map(|p| p.zone.as_deref().map(str::to_string)),
    );
    names.sort();
    names.dedup();
    let key = |s: &str| s.trim().to_lowercase();
    let mut by_key: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for n in &names {
        by_key.entry(key(n)).or_default().push(n);
    }
    for variants in by_key.values().filter(|v| v.len() > 1) {
        let shown: Vec<String> = variants.iter().map(|v| format!("{v:?}")).collect();
        warnings.push(Warning {
            kind: WarningKind::ZoneNameVariants,
            message: format!(
                "zone names {} in {} differ only by case or surrounding spaces; allot treats them as different zones",
                shown.join(" and "),
                set.source
            ),
        });
    }
    Ok(ZoneChoice {
        zones,
        origin,
        warnings,
    })
}
