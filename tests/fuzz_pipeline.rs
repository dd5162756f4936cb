//! Seeded mutation fuzzer over the reader and the summary, validate, map and plan pipeline
//! (library calls, not the binary, for speed).
//!
//! Seeds are small valid fabrics from `allot::synth` and the hand-made fixtures; each case takes
//! one seed and applies one to four mutations (bytes, numbers, tokens, JSON structure, geometry).
//! For every case: nothing panics (a panic is caught and reported with the input written to a
//! file), and every `Ok` result is self-consistent (findings name existing parcels, the findings
//! GeoJSON reads back, the SVG is well-formed XML, a plan assigns every parcel once and its
//! GeoJSON reads back with the properties unchanged).
//!
//! A second test does the same to findings files (`allot map --findings`): read them back,
//! draw them, parse the SVG.
//!
//! `ALLOT_FUZZ_CASES` sets the number of cases (default 150, a few seconds in a debug build),
//! `ALLOT_FUZZ_SEED` the seed (default 1), `ALLOT_FUZZ_SECONDS` an optional time limit. A long run:
//! `ALLOT_FUZZ_CASES=10000000 ALLOT_FUZZ_SECONDS=900 cargo test --release --test fuzz_pipeline -- --nocapture`.
//! Inputs that found bugs live in `tests/fixtures/hardening/` and run in `tests/hardening.rs`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use allot::report::validation::{findings_geojson, read_findings_geojson};
use allot::{ParcelSet, parse_parcels};

mod common;

// SplitMix64, seeded: drives the mutations.
use common::Rng;

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

/// The seed corpus: synthetic fabrics (with zones, overlaps, gaps, invalid parcels) and fixtures.
fn corpus() -> Vec<Vec<u8>> {
    use allot::synth::{FabricSpec, generate};
    let mut out = Vec::new();
    for (n, seed, zones, overlaps, gaps, invalid) in [
        (9, 1, 0, 0, 0, 0),
        (16, 2, 2, 0, 0, 1),
        (25, 3, 3, 0, 0, 2),
        (36, 4, 2, 1, 1, 1),
        (49, 5, 0, 1, 0, 4),
    ] {
        let spec = FabricSpec {
            zones,
            overlaps,
            gaps,
            invalid,
            ..FabricSpec::with_parcels(n, seed)
        };
        let spec = FabricSpec {
            overlaps: spec.overlaps.min(spec.capacity()),
            gaps: spec
                .gaps
                .min(spec.capacity() - spec.overlaps.min(spec.capacity())),
            ..spec
        };
        out.push(generate(&spec).expect("synth").0.into_bytes());
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files = Vec::new();
    for area in ["validate", "map", "plan", "hardening"] {
        if let Ok(rd) = std::fs::read_dir(root.join(area)) {
            for e in rd.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "geojson") {
                    files.push(p);
                }
            }
        }
    }
    files.sort();
    for f in files {
        let b = std::fs::read(&f).unwrap();
        if b.len() < 200_000 {
            out.push(b);
        }
    }
    out
}

const SPECIAL_NUMBERS: &[&str] = &[
    "0",
    "-0",
    "1e999",
    "-1e999",
    "NaN",
    "Infinity",
    "1e308",
    "5e-324",
    "91",
    "-90.0000001",
    "180",
    "180.5",
    "-181",
    "332000",
    "2744000",
    "\"67.3\"",
    "null",
    "true",
    "[]",
    "{}",
    "[1]",
    "[1,2,3,4]",
    "1.7976931348623157e308",
    "123456789012345678901234567890",
    "-",
    "1e",
    "24.7800000000001",
    "67.30000000001",
];

const SPECIAL_STRINGS: &[&str] = &[
    "\"\"",
    "\"<b>&amp;</b>\"",
    "\"]]>\\u0000\\u0001\\u001f\"",
    "\"\\ud800\"",
    "\"[[[\"",
    "\"zone\"",
    "\"retained\"",
    "\"sindh_mill\"",
    "\"\u{202e}x\u{feff}\"",
    "\"a\\\"b\"",
    "\"ＡＢＣ𝄞\"",
    "12",
    "-1",
    "1.5",
    "null",
    "{}",
    "[\"port\",\"rail\"]",
];

/// One mutation of `b`.
fn mutate(rng: &mut Rng, b: &mut Vec<u8>) {
    if b.is_empty() {
        let starts: [&[u8]; 3] = [b"{}", b"[", b"{\"type\":\"FeatureCollection\"}"];
        let s: &&[u8] = rng.pick(&starts);
        b.extend_from_slice(s);
        return;
    }
    match rng.below(16) {
        // Flip, insert or delete a byte.
        0 => {
            let i = rng.below(b.len());
            b[i] ^= 1 << rng.below(8);
        }
        1 => {
            let i = rng.below(b.len() + 1);
            let c = *rng.pick(b"[]{},:\"-.0123456789eE\\ \x00\xff\xc3");
            b.insert(i, c);
        }
        2 => {
            let i = rng.below(b.len());
            let n = 1 + rng.below(8.min(b.len() - i));
            b.drain(i..i + n);
        }
        // Truncate.
        3 => {
            let i = rng.below(b.len());
            b.truncate(i);
        }
        // Replace a number with a special one, or nudge it.
        4..=6 => {
            let spans = number_spans(b);
            if spans.is_empty() {
                return;
            }
            let (s, e) = *rng.pick(&spans);
            let rep: Vec<u8> = if rng.chance(0.3) {
                rng.pick(SPECIAL_NUMBERS).as_bytes().to_vec()
            } else {
                let v: f64 = std::str::from_utf8(&b[s..e])
                    .ok()
                    .and_then(|t| t.parse().ok())
                    .unwrap_or(0.0);
                let d = match rng.below(4) {
                    0 => 1e-9,
                    1 => 1e-6,
                    2 => 1e-4,
                    _ => 0.01,
                };
                let sign = if rng.chance(0.5) { 1.0 } else { -1.0 };
                format!("{}", v + sign * d).into_bytes()
            };
            b.splice(s..e, rep);
        }
        // Replace a string with a special one.
        7 => {
            let spans = string_spans(b);
            if spans.is_empty() {
                return;
            }
            let (s, e) = *rng.pick(&spans);
            b.splice(s..e, rng.pick(SPECIAL_STRINGS).as_bytes().to_vec());
        }
        // Copy a bracketed span over another (duplicates features, rings, positions).
        8 => {
            let spans = bracket_spans(b);
            if spans.len() < 2 {
                return;
            }
            let (s1, e1) = *rng.pick(&spans);
            let (s2, e2) = *rng.pick(&spans);
            let piece = b[s1..e1].to_vec();
            if rng.chance(0.5) {
                b.splice(s2..e2, piece);
            } else {
                // Insert it after the span, as a sibling.
                let mut ins = vec![b','];
                ins.extend(piece);
                b.splice(e2..e2, ins);
            }
        }
        // Delete a bracketed span (and a comma next to it).
        9 => {
            let spans = bracket_spans(b);
            if spans.is_empty() {
                return;
            }
            let (s, mut e) = *rng.pick(&spans);
            if b.get(e) == Some(&b',') {
                e += 1;
            }
            b.drain(s..e);
        }
        // Wrap a bracketed span in deep nesting.
        10 => {
            let spans = bracket_spans(b);
            if spans.is_empty() {
                return;
            }
            let (s, e) = *rng.pick(&spans);
            let depth = *rng.pick(&[1usize, 2, 130, 200, 3000]);
            b.splice(e..e, std::iter::repeat_n(b']', depth));
            b.splice(s..s, std::iter::repeat_n(b'[', depth));
        }
        // Structural mutation through serde_json.
        _ => {
            if let Ok(mut v) = serde_json::from_slice::<serde_json::Value>(b) {
                structural(rng, &mut v);
                *b = serde_json::to_vec(&v).unwrap();
            } else {
                let i = rng.below(b.len());
                b[i] = b' ';
            }
        }
    }
}

/// Spans of JSON numbers (roughly: runs of number characters outside strings).
fn number_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut in_str = false;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_str = true;
            i += 1;
            continue;
        }
        if c == b'-' || c.is_ascii_digit() {
            let s = i;
            while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                i += 1;
            }
            out.push((s, i));
            continue;
        }
        i += 1;
    }
    out
}

/// Spans of JSON strings, quotes included.
fn string_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let s = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            out.push((s, (i + 1).min(b.len())));
        }
        i += 1;
    }
    out
}

/// Spans of balanced `[...]` and `{...}` (ignoring brackets inside strings), capped in number.
fn bracket_spans(b: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut stack = Vec::new();
    let mut in_str = false;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'[' | b'{' => stack.push(i),
                b']' | b'}' => {
                    if let Some(s) = stack.pop() {
                        out.push((s, i + 1));
                    }
                }
                _ => {}
            }
        }
        i += 1;
    }
    out
}

/// A random JSON value worth putting anywhere.
fn odd_value(rng: &mut Rng) -> serde_json::Value {
    use serde_json::json;
    match rng.below(10) {
        0 => json!(null),
        1 => json!(""),
        2 => json!("<svg onload=x>&\u{1}]]>"),
        3 => json!(7),
        4 => json!(-1.5e300),
        5 => json!([]),
        6 => json!({}),
        7 => json!({"type": "Polygon", "coordinates": []}),
        8 => json!([[
            [67.3, 24.78],
            [67.31, 24.78],
            [67.3, 24.79],
            [67.31, 24.79],
            [67.3, 24.78]
        ]]),
        _ => json!(true),
    }
}

/// Mutates a parsed document: features, ids, properties, geometry types and rings.
fn structural(rng: &mut Rng, v: &mut serde_json::Value) {
    use serde_json::{Value, json};
    let Some(features) = v.get_mut("features").and_then(Value::as_array_mut) else {
        *v = json!({"type": "FeatureCollection", "features": [v.take()]});
        return;
    };
    if features.is_empty() {
        return;
    }
    let n = features.len();
    let i = rng.below(n);
    // Indexing a non-object by key panics in serde_json: make every feature an object.
    for f in features.iter_mut() {
        if !f.is_object() {
            *f = json!({"type": "Feature", "value": f.take()});
        }
        if f.get("geometry").is_some_and(|g| !g.is_object()) {
            f["geometry"] = json!({"type": "Polygon", "value": f["geometry"].take()});
        }
    }
    match rng.below(14) {
        0 => {
            features.remove(i);
        }
        1 => {
            let f = features[i].clone();
            features.insert(rng.below(n + 1), f);
        }
        2 => features.swap(i, rng.below(n)),
        3 => features[i]["id"] = odd_value(rng),
        4 => {
            let other = features[rng.below(n)]["id"].clone();
            features[i]["id"] = other;
        }
        5 => {
            let key = *rng.pick(&["zone", "land_use", "name", "access", "id", "split_from"]);
            if !features[i]["properties"].is_object() {
                features[i]["properties"] = json!({});
            }
            features[i]["properties"][key] = odd_value(rng);
        }
        6 => {
            // Properties nested beyond serde_json's recursion limit.
            let mut deep = json!(1);
            for _ in 0..rng.below(300) {
                deep = json!([deep]);
            }
            if !features[i]["properties"].is_object() {
                features[i]["properties"] = json!({});
            }
            features[i]["properties"]["deep"] = deep;
        }
        7 => features[i]["geometry"] = odd_value(rng),
        8 => {
            let g = &mut features[i]["geometry"];
            let t = *rng.pick(&[
                "Polygon",
                "MultiPolygon",
                "Point",
                "GeometryCollection",
                "polygon",
            ]);
            g["type"] = json!(t);
        }
        9 => {
            // Polygon <-> MultiPolygon.
            let g = &mut features[i]["geometry"];
            if g["type"] == "Polygon" {
                let c = g["coordinates"].take();
                *g = json!({"type": "MultiPolygon", "coordinates": [c, c]});
            } else if g["type"] == "MultiPolygon" {
                // `[0]` on a non-array would panic in serde_json.
                let c = g
                    .get_mut("coordinates")
                    .and_then(|c| c.get_mut(0))
                    .map(serde_json::Value::take)
                    .unwrap_or_default();
                *g = json!({"type": "Polygon", "coordinates": c});
            }
        }
        _ => {
            // Edit one ring: reverse, drop a position, rotate (keeps closure wrong), swap two
            // positions (bow-tie), add a far hole.
            let Some(ring) = first_ring(&mut features[i]["geometry"]) else {
                return;
            };
            let len = ring.len();
            if len == 0 {
                return;
            }
            match rng.below(5) {
                0 => ring.reverse(),
                1 => {
                    ring.remove(rng.below(len));
                }
                2 => ring.rotate_left(1),
                3 if len > 3 => {
                    let a = 1 + rng.below(len - 2);
                    let b = 1 + rng.below(len - 2);
                    ring.swap(a, b);
                }
                _ => {
                    let p = ring[0].clone();
                    ring.insert(1, p);
                }
            }
        }
    }
}

fn first_ring(g: &mut serde_json::Value) -> Option<&mut Vec<serde_json::Value>> {
    let c = g.get_mut("coordinates")?;
    let c = if g_is_multi(c) { c.get_mut(0)? } else { c };
    c.get_mut(0)?.as_array_mut()
}

fn g_is_multi(c: &serde_json::Value) -> bool {
    c.get(0)
        .and_then(|r| r.get(0))
        .and_then(|p| p.get(0))
        .is_some_and(|x| x.is_array())
}

/// Runs the whole pipeline on one input: `Ok(true)` when it was read, `Ok(false)` when the
/// reader refused it properly, `Err` saying what was inconsistent.
fn run_pipeline(bytes: &[u8], with_plan: bool) -> Result<bool, String> {
    let set = match parse_parcels(bytes, "fuzz.geojson") {
        Ok(set) => set,
        Err(e) => {
            let msg = e.to_string();
            if !msg.starts_with("fuzz.geojson") || msg.contains('\n') {
                return Err(format!(
                    "reader message not one line naming the file: {msg:?}"
                ));
            }
            return Ok(false);
        }
    };
    let ids: std::collections::BTreeSet<&str> = set.parcels.iter().map(|p| p.id.as_str()).collect();

    let s = allot::report::summarize(&set, allot::AreaUnit::Acres);
    serde_json::from_str::<serde_json::Value>(&s.to_json())
        .map_err(|e| format!("summary JSON does not parse: {e}"))?;
    let _ = s.to_text();

    let zones: Vec<(String, f64)> = {
        let mut z: Vec<String> = set
            .parcels
            .iter()
            .filter_map(|p| p.zone.as_deref().map(str::to_string))
            .collect();
        z.sort();
        z.dedup();
        z.into_iter().map(|z| (z, 5.0)).collect()
    };
    let vopts = allot::validate::ValidateOptions {
        targets: zones,
        ..Default::default()
    };
    let report = allot::validate::validate(&set, &vopts);
    for f in &report.findings {
        for p in &f.parcels {
            if !ids.contains(p.as_str()) {
                return Err(format!("finding {:?} names unknown parcel {p}", f.kind));
            }
        }
        if !f.at.iter().all(|x| x.is_finite()) {
            return Err(format!("finding {:?} at non-finite {:?}", f.kind, f.at));
        }
        if f.acres.is_some_and(|a| !a.is_finite() || a < 0.0) {
            return Err(format!("finding {:?} with acres {:?}", f.kind, f.acres));
        }
    }
    serde_json::from_str::<serde_json::Value>(&allot::report::validation::to_json(&report))
        .map_err(|e| format!("validate JSON does not parse: {e}"))?;
    let _ = allot::report::validation::to_text(&report, &set.source, allot::AreaUnit::Acres);
    let fg = findings_geojson(&report.findings);
    let back = read_findings_geojson(fg.as_bytes(), "findings.geojson")
        .map_err(|e| format!("findings GeoJSON does not read back: {e}"))?;
    if back.len() != report.findings.len() {
        return Err(format!(
            "findings GeoJSON read back {} of {} findings",
            back.len(),
            report.findings.len()
        ));
    }

    check_svg(&set, &report.findings)?;

    if with_plan {
        check_plan(&set)?;
    }
    Ok(true)
}

fn check_svg(set: &ParcelSet, findings: &[allot::Finding]) -> Result<(), String> {
    let opts = allot::render::MapOptions {
        labels: allot::render::LabelKind::Name,
        ..Default::default()
    };
    match allot::render_svg(set, findings, &opts) {
        Ok(svg) => {
            roxmltree::Document::parse(&svg).map_err(|e| format!("SVG is not XML: {e}"))?;
        }
        Err(allot::render::RenderError::NoParcels { .. }) if set.parcels.is_empty() => {}
        Err(e) => return Err(format!("render failed: {e}")),
    }
    Ok(())
}

fn check_plan(set: &ParcelSet) -> Result<(), String> {
    let areas = allot::geodesy::parcel_areas_m2(&set.parcels);
    let total: f64 = areas.iter().sum::<f64>() / allot::geodesy::M2_PER_ACRE;
    if !(total.is_finite() && total > 0.0) {
        return Ok(());
    }
    let opts = allot::PlanOptions {
        zones: vec![
            ("a".into(), (total * 0.3).round()),
            ("b".into(), (total * 0.2).round()),
        ],
        tolerance_acres: (total * 0.05).max(0.5),
        seed: 3,
        ..Default::default()
    };
    let plan = match allot::plan(set, &opts) {
        Ok(p) => p,
        Err(e) => {
            let msg = e.to_string();
            if msg.contains('\n') {
                return Err(format!("plan error on several lines: {msg:?}"));
            }
            return Ok(());
        }
    };
    let mut seen = vec![0usize; set.parcels.len()];
    for p in &plan.parcels {
        if p.source >= set.parcels.len() {
            return Err(format!(
                "planned parcel {} from unknown source {}",
                p.id, p.source
            ));
        }
        seen[p.source] += 1;
        if !(p.acres.is_finite() && p.acres >= 0.0) {
            return Err(format!("planned parcel {} has {} acres", p.id, p.acres));
        }
    }
    if let Some(i) = seen.iter().position(|&n| n == 0 || n > 2) {
        return Err(format!(
            "input parcel {} appears {} times in the plan",
            i + 1,
            seen[i]
        ));
    }
    let features = match allot::plan::output_features(set, &plan) {
        Ok(f) => f,
        Err(e) => {
            // Only properties too deep to rewrite may stop the output, and the error says so.
            let deep = set.parcels.iter().any(|p| p.properties_map().is_err());
            if !deep || !e.to_string().contains("properties cannot be rewritten") {
                return Err(format!("output_features failed: {e}"));
            }
            return Ok(());
        }
    };
    let text = allot::write::write_feature_collection(&features, &set.members);
    let back = parse_parcels(text.as_bytes(), "plan.geojson")
        .map_err(|e| format!("plan GeoJSON does not read back: {e}"))?;
    if back.parcels.len() != plan.parcels.len() {
        return Err("plan GeoJSON lost parcels".into());
    }
    for (q, p) in back.parcels.iter().zip(&plan.parcels) {
        let mut orig = set.parcels[p.source]
            .properties_map()
            .map_err(|e| e.to_string())?;
        let got = q.properties_map().map_err(|e| e.to_string())?;
        orig.insert("zone".into(), serde_json::Value::String(p.zone.clone()));
        for (k, v) in &orig {
            if k == "id" || k == "split_from" {
                continue;
            }
            if got.get(k) != Some(v) {
                return Err(format!("plan output changed property {k:?} of {}", p.id));
            }
        }
    }
    let sched = allot::report::Schedule::new(&plan);
    let _ = sched.to_text();
    let _ = sched.to_csv();
    Ok(())
}

fn save(bytes: &[u8], case: u64) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("fuzz-findings");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(format!("case-{case}.geojson"));
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn mutated_inputs_never_panic_and_results_are_consistent() {
    let cases = env_or("ALLOT_FUZZ_CASES", 150);
    let seed = env_or("ALLOT_FUZZ_SEED", 1);
    let corpus = corpus();
    let mut rng = Rng(seed);
    let start = std::time::Instant::now();
    let mut parsed_ok = 0u64;
    let mut failures = Vec::new();
    // Quiet the default hook: panics are caught and reported below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let max_seconds = env_or("ALLOT_FUZZ_SECONDS", u64::MAX);
    let mut ran = 0u64;
    let mut mutator_panics: Vec<String> = Vec::new();
    for case in 0..cases {
        if start.elapsed().as_secs() >= max_seconds {
            break;
        }
        ran += 1;
        let mut b = rng.pick(&corpus).clone();
        let rounds = if rng.chance(0.6) { 1 } else { 2 + rng.below(3) };
        for _ in 0..rounds {
            let before = b.clone();
            if catch_unwind(AssertUnwindSafe(|| mutate(&mut rng, &mut b))).is_err() {
                // A fuzzer bug, not allot's: keep the input, report it, go on.
                b = before;
                mutator_panics.push(save(&b, case).display().to_string());
            }
        }
        // Planning is the slow stage: run it on a quarter of the cases.
        let with_plan = case % 4 == 0;
        let r = catch_unwind(AssertUnwindSafe(|| run_pipeline(&b, with_plan)));
        let problem = match r {
            Ok(Ok(parsed)) => {
                parsed_ok += u64::from(parsed);
                None
            }
            Ok(Err(e)) => Some(e),
            Err(p) => Some(format!(
                "panic: {}",
                p.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default()
            )),
        };
        if let Some(problem) = problem {
            let path = save(&b, case);
            failures.push(format!(
                "case {case}: {problem} (input: {})",
                path.display()
            ));
            if failures.len() >= 20 {
                break;
            }
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "fuzz: {ran} cases (seed {seed}), {parsed_ok} parsed, {} failures, {:.1} s",
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        parsed_ok > 0,
        "no mutated input parsed: the mutations are too destructive"
    );
}

#[test]
fn mutators_change_the_input_and_spans_are_sane() {
    let text = br#"{"a":[1,-2.5e3,"x\"y"],"b":{}}"#;
    assert_eq!(number_spans(text), [(6, 7), (8, 14)]);
    assert_eq!(string_spans(text), [(1, 4), (15, 21), (23, 26)]);
    let spans = bracket_spans(text);
    assert!(spans.contains(&(5, 22)) && spans.contains(&(0, text.len())));
    let mut rng = Rng(9);
    let mut changed = 0;
    for _ in 0..200 {
        let mut b = text.to_vec();
        mutate(&mut rng, &mut b);
        changed += usize::from(b != text);
    }
    assert!(changed > 150, "{changed}/200 mutations changed the input");
}

#[test]
fn mutated_findings_files_never_panic_and_draw_as_xml() {
    // `allot map --findings F` reads a findings file a colleague may have edited by hand.
    let cases = env_or("ALLOT_FUZZ_CASES", 150);
    let seed = env_or("ALLOT_FUZZ_SEED", 1) ^ 0xF1;
    let max_seconds = env_or("ALLOT_FUZZ_SECONDS", u64::MAX);
    let seeds: Vec<(ParcelSet, Vec<u8>)> = corpus()
        .iter()
        .filter_map(|b| parse_parcels(b, "seed").ok())
        .filter(|set| !set.parcels.is_empty())
        .map(|set| {
            let report = allot::validate::validate(&set, &Default::default());
            let text = findings_geojson(&report.findings).into_bytes();
            (set, text)
        })
        .collect();
    assert!(
        seeds.iter().any(|(_, f)| f.len() > 200),
        "some seed has findings"
    );
    let mut rng = Rng(seed);
    let start = std::time::Instant::now();
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let mut read_ok = 0;
    let mut ran = 0u64;
    for case in 0..cases {
        if start.elapsed().as_secs() >= max_seconds {
            break;
        }
        ran += 1;
        let (set, findings) = rng.pick(&seeds);
        let mut b = findings.clone();
        let rounds = if rng.chance(0.6) { 1 } else { 2 + rng.below(3) };
        for _ in 0..rounds {
            mutate(&mut rng, &mut b);
        }
        let r = catch_unwind(AssertUnwindSafe(|| -> Result<bool, String> {
            let Ok(found) = read_findings_geojson(&b, "f.geojson") else {
                return Ok(false);
            };
            check_svg(set, &found)?;
            Ok(true)
        }));
        match r {
            Ok(Ok(ok)) => read_ok += usize::from(ok),
            Ok(Err(e)) => failures.push(format!("case {case}: {e} ({})", save(&b, case).display())),
            Err(_) => failures.push(format!("case {case}: panic ({})", save(&b, case).display())),
        }
    }
    std::panic::set_hook(hook);
    eprintln!(
        "fuzz findings: {ran} cases (seed {seed}), {read_ok} read, {} failures, {:.1} s",
        failures.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
