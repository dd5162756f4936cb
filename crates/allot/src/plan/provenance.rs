//! What a written plan says about itself: the zones it was planned with (as `metadata.zones`,
//! so `validate`, `map` and `diff` read the same targets back), and how it was made (the allot
//! version, the seed, the command-line flags, the input's name and SHA-256, any warnings).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::model::{Warning, ZoneSpec};

/// How a plan was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Provenance {
    /// The input's name (its path, or `<stdin>`).
    pub input: String,
    /// The input's SHA-256, lowercase hex ([`sha256_hex`]).
    pub input_sha256: String,
    /// The seed of the search.
    pub seed: u64,
    /// The command-line arguments after the program name, as given.
    pub flags: Vec<String>,
}

/// SHA-256 of `bytes` as 64 lowercase hex digits.
///
/// ```
/// assert_eq!(
///     allot::plan::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The top-level members of the written plan: the input's members, with `metadata.zones` set
/// to `zones` (tolerances filled in with `default_tolerance` where a zone has none),
/// `metadata.targets` removed (the zones replace it), `metadata.proof` removed (an earlier
/// plan's proof is not this plan's; `--prove` writes a new one with
/// [`crate::plan::proof::members_with_proofs`]), and `metadata.plan` recording `how` and
/// `warnings`.
pub fn plan_members(
    input: &Map<String, Value>,
    zones: &[ZoneSpec],
    default_tolerance: f64,
    how: &Provenance,
    warnings: &[Warning],
) -> Map<String, Value> {
    let mut members = input.clone();
    let mut meta = match members.remove("metadata") {
        Some(Value::Object(m)) => m,
        _ => Map::new(),
    };
    meta.remove("targets");
    meta.remove("proof");
    let zones: Vec<Value> = zones
        .iter()
        .map(|z| {
            ZoneSpec {
                tolerance_acres: Some(z.tolerance_acres.unwrap_or(default_tolerance)),
                ..z.clone()
            }
            .to_json()
        })
        .collect();
    meta.insert("zones".into(), Value::Array(zones));
    meta.insert(
        "plan".into(),
        json!({
            "allot_version": env!("CARGO_PKG_VERSION"),
            "seed": how.seed,
            "flags": how.flags,
            "input": {"name": how.input, "sha256": how.input_sha256},
            "warnings": warnings.iter().map(Warning::to_json).collect::<Vec<_>>(),
        }),
    );
    members.insert("metadata".into(), Value::Object(meta));
    members
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_published_test_vectors() {
        // FIPS 180-2 examples.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn members_keep_the_input_and_replace_targets_with_zones() {
        let input: Map<String, Value> = serde_json::from_str(
            r#"{"name":"site","metadata":{"title":"T","targets":{"a":1},"proof":[]}}"#,
        )
        .unwrap();
        let how = Provenance {
            input: "site.geojson".into(),
            input_sha256: "00".into(),
            seed: 7,
            flags: vec!["plan".into(), "--seed".into(), "7".into()],
        };
        let m = plan_members(&input, &[ZoneSpec::new("a", 2.0)], 1.5, &how, &[]);
        let meta = &m["metadata"];
        assert_eq!(m["name"], "site");
        assert_eq!(meta["title"], "T");
        assert!(meta.get("targets").is_none());
        assert!(
            meta.get("proof").is_none(),
            "an input plan's proof is dropped"
        );
        assert_eq!(
            meta["zones"],
            json!([{"name": "a", "target_acres": 2.0, "tolerance_acres": 1.5}])
        );
        assert_eq!(meta["plan"]["seed"], 7);
        assert_eq!(meta["plan"]["input"]["name"], "site.geojson");
        assert_eq!(meta["plan"]["flags"][1], "--seed");
    }
}
