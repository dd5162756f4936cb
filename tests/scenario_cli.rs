//! End-to-end: zones from `metadata.zones`, `--target`, warnings, the schedule's land-use
//! composition and `allot diff`, on the hand-made grid in tests/fixtures/scenario (see its
//! README) and on the bundled PSM data.

mod common;

use common::{allot, repo};
use serde_json::Value;

fn fixture(name: &str) -> String {
    repo(&format!("tests/fixtures/scenario/{name}"))
        .display()
        .to_string()
}

fn json_file(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn zone_of(plan: &Value, id: &str) -> String {
    plan["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
        .map(|f| f["properties"]["zone"].as_str().unwrap().to_string())
        .unwrap()
}

/// The grid's metadata asks for a 138 ± 3 acre mill with port or rail access (only C00 has
/// port access, no parcel has rail) and a 276 ± 5 acre park with highway access (C03, C23).
#[test]
fn plan_takes_zones_tolerances_and_access_from_metadata_and_records_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("grid-zones.geojson");
    let r = allot(
        dir.path(),
        &["plan", &input, "-o", "plan.geojson", "--seed", "5"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.is_empty(), "no warnings expected: {}", r.stderr);
    assert!(
        r.stdout.contains("tolerance mill ±3, park ±5 acres"),
        "{}",
        r.stdout
    );
    let plan = json_file(&dir.path().join("plan.geojson"));
    assert_eq!(zone_of(&plan, "C00"), "mill", "the only port parcel");
    assert!(["C03", "C23"].iter().any(|id| zone_of(&plan, id) == "park"));
    let meta = &plan["metadata"];
    assert_eq!(meta["zones"][0]["name"], "mill");
    assert_eq!(
        meta["zones"][0]["access"],
        serde_json::json!(["port", "rail"])
    );
    assert_eq!(meta["zones"][1]["tolerance_acres"], 5.0);
    assert_eq!(meta["plan"]["seed"], 5);
    assert_eq!(meta["plan"]["flags"][5], "5");
    assert_eq!(meta["plan"]["allot_version"], env!("CARGO_PKG_VERSION"));
    // The input's SHA-256, against coreutils' sha256sum (the test fails if it is missing).
    let out = std::process::Command::new("sha256sum")
        .arg(&input)
        .output()
        .expect("sha256sum (coreutils) is needed by this test");
    let want = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        meta["plan"]["input"]["sha256"].as_str().unwrap(),
        want.split_whitespace().next().unwrap()
    );
    // `validate` reads the targets back from the plan: both zones meet them. (Whether the
    // retained land stays in one piece is the search's business, not checked here.)
    let v = allot(
        dir.path(),
        &["validate", "plan.geojson", "--format", "json"],
    );
    let j: Value = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(j["zones"]["mill"]["target_acres"], 138.0);
    assert_eq!(j["zones"]["park"]["target_acres"], 276.0);
    let zone_area = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "zone_area")
        .count();
    assert_eq!(zone_area, 0, "{}", v.stdout);
}

#[test]
fn target_replaces_metadata_zones_and_zone_is_an_alias() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("grid-zones.geojson");
    let a = allot(
        dir.path(),
        &["plan", &input, "-o", "a.geojson", "--target", "mill=207"],
    );
    let b = allot(
        dir.path(),
        &["plan", &input, "-o", "b.geojson", "--zone", "mill=207"],
    );
    assert_eq!((a.code, b.code), (0, 0), "{}{}", a.stderr, b.stderr);
    assert_eq!(a.stdout, b.stdout);
    // Only the mill: 3 cells (3 × 69.19 acres), its metadata tolerance (3) kept; no park.
    assert!(a.stdout.contains("mill            3"), "{}", a.stdout);
    assert!(!a.stdout.contains("park"), "{}", a.stdout);
    assert!(a.stdout.contains("tolerance ±3 acres"), "{}", a.stdout);
    let c = allot(
        dir.path(),
        &[
            "plan",
            &input,
            "-o",
            "c.geojson",
            "--target",
            "mill=207",
            "--tolerance",
            "0.5",
        ],
    );
    assert_eq!(c.code, 1, "207 ± 0.5 is not 3 whole cells: {}", c.stderr);
    assert!(c.stderr.contains("± 0.5"), "{}", c.stderr);
}

#[test]
fn warnings_fire_on_typos_and_go_into_json() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("grid-zones.geojson");
    let r = allot(
        dir.path(),
        &[
            "plan",
            &input,
            "-o",
            "p.geojson",
            "--exclude-use",
            "existing_plnt",
            "--target",
            "mil=138",
            "--target",
            "park=276",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: --exclude-use existing_plnt: no parcel in"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("did you mean existing_plant?"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("lists no zone \"mil\" (it lists mill, park); did you mean mill?"),
        "{}",
        r.stderr
    );
    let plan = json_file(&dir.path().join("p.geojson"));
    let kinds: Vec<&str> = plan["metadata"]["plan"]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["unknown_zone", "unknown_land_use"]);
    // Zone names differing only by case or spaces: validate warns, also in its JSON.
    let text = std::fs::read_to_string(fixture("pair-a.geojson"))
        .unwrap()
        .replacen("\"zone\":\"park\"", "\"zone\":\"Park \"", 1);
    std::fs::write(dir.path().join("case.geojson"), text).unwrap();
    let v = allot(
        dir.path(),
        &["validate", "case.geojson", "--format", "json"],
    );
    assert!(
        v.stderr.contains("zone names \"Park \" and \"park\""),
        "{}",
        v.stderr
    );
    let j: Value = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(j["warnings"][0]["kind"], "zone_name_variants");
}

/// `validate` and `map` read the same zones from metadata, so they find the same findings.
#[test]
fn validate_and_map_report_the_same_findings_from_metadata_zones() {
    let dir = tempfile::tempdir().unwrap();
    for (file, want) in [
        (fixture("pair-b.geojson"), 1),
        (repo("data/psm-proposal.geojson").display().to_string(), 5),
    ] {
        let v = allot(dir.path(), &["validate", &file, "--format", "json"]);
        assert_eq!(v.code, 1);
        let j: Value = serde_json::from_str(&v.stdout).unwrap();
        assert_eq!(j["findings"].as_array().unwrap().len(), want, "{file}");
        assert_eq!(j["warnings"], serde_json::json!([]), "{file}");
        let m = allot(dir.path(), &["map", &file, "-o", "m.svg"]);
        assert_eq!(m.code, 0, "{}", m.stderr);
        assert!(
            m.stderr.contains(&format!("{want} finding")),
            "{file}: {}",
            m.stderr
        );
        assert!(!m.stderr.contains("warning"), "{}", m.stderr);
    }
}

/// The README's main command: the bundled data's metadata gives the mill port-or-rail access
/// (the parcel carrying it is in the mill itself), and no warning fires.
#[test]
fn bundled_plan_gives_the_mill_port_or_rail_access_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let site = repo("data/psm-site.geojson").display().to_string();
    let r = allot(
        dir.path(),
        &["plan", &site, "-o", "plan.geojson", "--schedule", "s.json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let plan = json_file(&dir.path().join("plan.geojson"));
    let has = |zone: &str, kinds: &[&str]| {
        plan["features"].as_array().unwrap().iter().any(|f| {
            f["properties"]["zone"] == zone
                && f["properties"]["access"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|k| kinds.contains(&k.as_str().unwrap())))
        })
    };
    assert!(has("sindh_mill", &["port", "rail"]));
    // The JSON schedule's land-use composition adds up to each zone's acres.
    let s = json_file(&dir.path().join("s.json"));
    for z in s["zones"].as_array().unwrap() {
        let sum: f64 = z["land_use"]
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_f64().unwrap())
            .sum();
        assert!((sum - z["acres"].as_f64().unwrap()).abs() < 1e-3, "{z}");
    }
}

#[test]
fn infeasible_access_names_its_rule_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("grid-zones.geojson");
    let r = allot(
        dir.path(),
        &[
            "plan",
            &input,
            "-o",
            "p.geojson",
            "--require-access",
            "rail",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("cannot plan zone \"mill\" (138 acres ± 3): access: no parcel in"),
        "{}",
        r.stderr
    );
    assert!(!dir.path().join("p.geojson").exists());
}

/// One case per rule on the grid (cells of 69.19 acres; the mill needs C00, the only port
/// cell): the message names the rule and gives the closest figure the same rules reach, and no
/// internal search band leaks (with `--split` the header shows the 0.01-acre precision).
#[test]
fn every_infeasibility_names_its_rule() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("grid-zones.geojson");
    let cases: [(&[&str], &str); 5] = [
        (
            &["--target", "mill=100", "--tolerance", "0.5"],
            "(100 acres ± 0.5): area: whole parcels cannot reach 100 ± 0.5 acres (the closest compact zone found has 69.19 acres); use --split",
        ),
        (
            &["--lock", "C00=mill", "--lock", "C23=mill"],
            "(138 acres ± 3): locks: no contiguous set of whole parcels within 138 ± 3 acres joins the locked parcels C00, C23 and a parcel with port or rail access",
        ),
        (
            &[
                "--lock", "C00=mill", "--lock", "C01=mill", "--lock", "C02=mill",
            ],
            "(138 acres ± 3): locks: the locked parcels already total 207.57 acres, more than the target 138.00 ± 3.00",
        ),
        (
            &["--require-access", "rail"],
            "(138 acres ± 3): access: no parcel in",
        ),
        (
            &["--split", "--target", "mill=2000"],
            "(2000 acres ± 0.01): access: only 830.24 acres of contiguous available land touch a port or rail-access parcel, less than the target 2000.00\n",
        ),
    ];
    for (flags, want) in cases {
        let mut args = vec!["plan", input.as_str(), "-o", "p.geojson"];
        args.extend_from_slice(flags);
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 1, "{flags:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{flags:?}: {}", r.stderr);
    }
}

fn diff_json(a: &str, b: &str) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let r = allot(
        dir.path(),
        &["diff", &fixture(a), &fixture(b), "--format", "json"],
    );
    (
        r.code,
        serde_json::from_str(&r.stdout).unwrap_or(Value::Null),
    )
}

/// pair-a → pair-b moves C01 (mill → park) and C10 (retained → mill): one 0.005° cell each,
/// 69.19 acres by the planar estimate (505.4 m × 553.0 m at 24.8° N: 111,320 cos 24.8°
/// and 110,574 m per degree). pair-split cuts C01 at its middle meridian: by symmetry the
/// east half has exactly half the cell's area, and only it moves.
#[test]
fn diff_reports_exact_moved_acres_on_hand_made_pairs() {
    let (code, d) = diff_json("pair-a.geojson", "pair-b.geojson");
    assert_eq!(code, 1);
    let moved = d["moved"].as_array().unwrap();
    assert_eq!(moved.len(), 2);
    assert_eq!(
        (moved[0]["from"].as_str(), moved[0]["to"].as_str()),
        (Some("mill"), Some("park"))
    );
    assert_eq!(
        (moved[1]["from"].as_str(), moved[1]["to"].as_str()),
        (Some("retained"), Some("mill"))
    );
    let cell = moved[0]["acres"].as_f64().unwrap();
    let planar =
        0.005 * 111_320.0 * 24.8025f64.to_radians().cos() * 0.005 * 110_574.0 / 4046.8564224;
    assert!((cell - planar).abs() < 0.005 * planar, "{cell} vs {planar}");
    assert_eq!(d["changes"][0]["id"], "C01");
    // Metrics side by side: the mill keeps 2 parcels in one piece (C00 + C10 share an edge);
    // the park gains C01's acres.
    let mill = &d["zones"][0];
    assert_eq!(mill["name"], "mill");
    assert_eq!(
        (mill["a"]["parcels"].as_u64(), mill["b"]["parcels"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(
        (mill["a"]["pieces"].as_u64(), mill["b"]["pieces"].as_u64()),
        (Some(1), Some(1))
    );
    let park = &d["zones"][1];
    let gained = park["b"]["acres"].as_f64().unwrap() - park["a"]["acres"].as_f64().unwrap();
    assert!((gained - cell).abs() < 2e-4, "{gained} vs {cell}");
    let (code, s) = diff_json("pair-a.geojson", "pair-split.geojson");
    assert_eq!(code, 1);
    assert_eq!(s["only_in_a"], serde_json::json!([]));
    assert_eq!(s["only_in_b"], serde_json::json!([]));
    let half = s["moved"][0]["acres"].as_f64().unwrap();
    assert!(
        (half - cell / 2.0).abs() <= 1e-4,
        "{half} vs {}",
        cell / 2.0
    );
    assert_eq!(s["changes"][0]["split"], true);
    let (code, same) = diff_json("pair-a.geojson", "pair-a.geojson");
    assert_eq!(code, 0);
    assert_eq!(same["identical_zoning"], true);
}

/// The "area moved between zones" rows of `allot diff`'s text output: (from, to, acres).
fn moved_rows(text: &str) -> Vec<(String, String, f64)> {
    let start = text
        .find("area moved between zones:")
        .expect("a moved table");
    text[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().filter(|w| *w != "|").collect();
            let acres = w.last()?.replace(',', "").parse::<f64>().ok()?;
            (w.len() == 3).then(|| (w[0].to_string(), w[1].to_string(), acres))
        })
        .collect()
}

/// Runs `allot diff A B --map OUT [flags]` in `dir`: (exit code, stdout, the map's bytes).
fn diff_map(dir: &std::path::Path, b: &str, out: &str, flags: &[&str]) -> (i32, String, Vec<u8>) {
    let (a, b) = (fixture("pair-a.geojson"), fixture(b));
    let mut args = vec!["diff", a.as_str(), b.as_str(), "--map", out];
    args.extend_from_slice(flags);
    let r = allot(dir, &args);
    let bytes = std::fs::read(dir.join(out)).unwrap_or_default();
    assert!(r.code != 2, "{}", r.stderr);
    (r.code, r.stdout, bytes)
}

/// The diff map is drawn by the one map renderer: its legend lists each move (`mill → park`)
/// with the acres the diff's own text output gives (to the legend's 0.1 acre), and unchanged
/// parcels as "no zone change"; PNG, PDF and HTML by the extension, titled "A vs B".
#[test]
fn diff_map_legend_lists_each_move_with_the_diffs_acres_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for b in ["pair-b.geojson", "pair-split.geojson"] {
        let (code, text, svg) = diff_map(dir.path(), b, "d.svg", &[]);
        assert_eq!(code, 1);
        let svg = String::from_utf8(svg).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.is_text())
            .map(|n| n.text().unwrap().trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let rows = moved_rows(&text);
        assert!(!rows.is_empty(), "{text}");
        for (from, to, acres) in &rows {
            let class = format!("{from} → {to}");
            let at = texts
                .iter()
                .position(|t| *t == class)
                .unwrap_or_else(|| panic!("{b}: legend lacks {class:?}: {texts:?}"));
            let want = format!("{:.1} ac", acres);
            assert!(
                texts[at + 1..(at + 4).min(texts.len())]
                    .iter()
                    .any(|t| t.starts_with(&want)),
                "{b}: {class} should show {want}: {:?}",
                &texts[at..]
            );
        }
        assert!(texts.iter().any(|t| t == "no zone change"), "{texts:?}");
        assert!(
            texts
                .iter()
                .any(|t| t.contains(&format!("pair-a.geojson vs {b}"))),
            "title: {texts:?}"
        );
    }
    // Same input, same bytes; PNG decodes; the PDF's text has the title; HTML is written.
    for out in ["d.svg", "d.png", "d.pdf", "d.html"] {
        let (_, _, first) = diff_map(dir.path(), "pair-b.geojson", out, &["--width", "900"]);
        let (_, _, again) = diff_map(dir.path(), "pair-b.geojson", out, &["--width", "900"]);
        assert!(!first.is_empty(), "{out}");
        assert_eq!(first, again, "{out} differs between two runs");
    }
    let png = std::fs::read(dir.path().join("d.png")).unwrap();
    let info = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap()
        .info()
        .clone();
    assert_eq!(info.width, 900);
    let pdf = dir.path().join("d.pdf");
    let o = std::process::Command::new("pdftotext")
        .args([pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext not runnable: apt-get install poppler-utils");
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("pair-a.geojson vs pair-b.geojson"), "{text}");
    assert!(text.contains("mill → park"), "{text}");
    let html = std::fs::read_to_string(dir.path().join("d.html")).unwrap();
    assert!(html.contains("pair-a.geojson vs pair-b.geojson"));
    // A page and a title of one's own.
    let (_, _, pdf) = diff_map(
        dir.path(),
        "pair-b.geojson",
        "p.pdf",
        &["--page", "A4", "--title", "Scenario B"],
    );
    assert!(pdf.starts_with(b"%PDF-"));
}

/// On the diff map a moved parcel shows both its zones: filled with the new zone's colour and
/// hatched in the old zone's, pixel by pixel in the PNG; a parcel that did not move is the
/// plain "no zone change" grey. Colours (pair-b's zones: `mill` #1F77B4 from its metadata,
/// `park` the palette's second colour #EE8866, `retained` grey #BBBBBB, unchanged #DDDDDD).
#[test]
fn diff_map_fills_a_moved_parcel_in_its_new_zone_and_hatches_it_in_its_old() {
    let dir = tempfile::tempdir().unwrap();
    let flags = ["--width", "900"];
    let (_, _, svg) = diff_map(dir.path(), "pair-b.geojson", "d.svg", &flags);
    let (_, _, png) = diff_map(dir.path(), "pair-b.geojson", "d.png", &flags);
    let svg = String::from_utf8(svg).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let (lons, lats) = common::graticule(&doc);
    let fit = |p: &[(f64, f64)]| {
        let (a, b) = (p[0], p[p.len() - 1]);
        let k = (b.1 - a.1) / (b.0 - a.0);
        (k, a.1 - k * a.0)
    };
    let ((kx, bx), (ky, by)) = (fit(&lons), fit(&lats));
    let mut reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let ch = info.color_type.samples();
    assert!(ch >= 3, "{:?}", info.color_type);
    // The colours of the 24 × 24 pixels around a cell's middle (cells are 0.005°, about
    // 150 px here: well inside, away from outlines and labels).
    let colours_at = |lon: f64, lat: f64| -> Vec<[u8; 3]> {
        let (cx, cy) = (
            (kx * lon + bx).round() as i64,
            (ky * lat + by).round() as i64,
        );
        let mut out = Vec::new();
        for y in cy - 12..cy + 12 {
            for x in cx - 12..cx + 12 {
                let i = (y as usize * info.width as usize + x as usize) * ch;
                out.push([buf[i], buf[i + 1], buf[i + 2]]);
            }
        }
        out
    };
    let share = |px: &[[u8; 3]], c: u32| {
        let want = [(c >> 16) as u8, (c >> 8) as u8, c as u8];
        let n = px
            .iter()
            .filter(|p| (0..3).all(|k| (i32::from(p[k]) - i32::from(want[k])).abs() <= 8))
            .count();
        n as f64 / px.len() as f64
    };
    // C01 moved mill → park; C10 retained → mill; C02 stayed park. Cell middles (README).
    let c01 = colours_at(67.3075, 24.8025);
    let c10 = colours_at(67.3025, 24.8075);
    let c02 = colours_at(67.3125, 24.8025);
    let (park, mill, retained, unchanged) = (0xEE8866, 0x1F77B4, 0xBBBBBB, 0xDDDDDD);
    // Hatch stripes are 2.8 px wide every 9 px at 45°: the pixels wholly inside a stripe (the
    // old zone's colour, give or take the pattern's resampling; the rest anti-aliased) are a
    // few percent of the square.
    for (name, px, fill, hatch, absent) in [
        ("C01", &c01, park, mill, retained),
        ("C10", &c10, mill, retained, park),
    ] {
        assert!(share(px, fill) > 0.3, "{name} fill: {}", share(px, fill));
        assert!(
            share(px, hatch) > 0.04,
            "{name} hatching: {}",
            share(px, hatch)
        );
        assert_eq!(share(px, absent), 0.0, "{name}");
    }
    assert_eq!(share(&c02, unchanged), 1.0);
    // The legend says what the hatching means, with a hatched swatch per move.
    let texts: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap())
        .collect();
    assert!(texts.contains("hatching = the zone it left."), "{texts}");
    let swatches = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("legend-hatch"))
        .count();
    assert_eq!(swatches, 2);
}

#[test]
fn diff_map_bad_input_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (fixture("pair-a.geojson"), fixture("pair-b.geojson"));
    for (flags, want) in [
        (vec!["--map", "d.jpg"], ".svg, .png, .pdf, .html"),
        (
            vec!["--map", "d.svg", "--color-by", "land_use"],
            "zone change",
        ),
        (vec!["--title", "T"], "--title is a map option"),
    ] {
        let mut args = vec!["diff", a.as_str(), b.as_str()];
        args.extend_from_slice(&flags);
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 2, "{flags:?}: {}", r.stderr);
        assert!(r.stderr.contains(want), "{flags:?}: {}", r.stderr);
    }
    assert_eq!(common::files_in(dir.path()), Vec::<String>::new());
    let missing = allot(dir.path(), &["diff", &a, "nope.geojson"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(
        missing.stderr.contains("nope.geojson"),
        "{}",
        missing.stderr
    );
}

/// The fill of each zone's legend swatch in a map's SVG.
fn legend_fills(svg: &str) -> std::collections::BTreeMap<String, String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|n| {
            Some((
                n.attribute("data-category")?.to_string(),
                n.attribute("fill")?.to_string(),
            ))
        })
        .collect()
}

/// `plan --map` and `allot map PLAN.geojson` give every zone the same colour: both read the
/// plan's `metadata.zones` (the mill's own `colour` there wins, the park takes the palette's
/// colour for its place, retained is grey), also when `--target` reorders the zones.
#[test]
fn plan_map_and_map_give_each_zone_the_same_colour() {
    let dir = tempfile::tempdir().unwrap();
    let input = fixture("grid-zones.geojson");
    for (flags, mill_first) in [
        (vec![], true),
        (vec!["--target", "park=276", "--target", "mill=138"], false),
    ] {
        let mut args = vec![
            "plan",
            &input,
            "-o",
            "p.geojson",
            "--map",
            "p.svg",
            "--seed",
            "5",
        ];
        args.extend(flags.iter().copied());
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let m = allot(dir.path(), &["map", "p.geojson", "-o", "m.svg"]);
        assert_eq!(m.code, 0, "{}", m.stderr);
        let planned = legend_fills(&std::fs::read_to_string(dir.path().join("p.svg")).unwrap());
        let mapped = legend_fills(&std::fs::read_to_string(dir.path().join("m.svg")).unwrap());
        assert_eq!(planned, mapped);
        assert_eq!(
            planned["mill"].to_lowercase(),
            "#1f77b4",
            "the metadata's colour"
        );
        assert_eq!(planned["retained"], "#BBBBBB");
        // The park is first in the palette when it comes first, second otherwise.
        let park = if mill_first { "#EE8866" } else { "#77AADD" };
        assert_eq!(planned["park"], park, "{planned:?}");
    }
}
