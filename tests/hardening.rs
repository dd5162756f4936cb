//! Hardening, end to end: outputs are atomic and never overwrite an input, the same run gives
//! the same bytes, oversized inputs are refused without being read, and the regressions found
//! while hardening stay fixed. Fixtures: `tests/fixtures/hardening/` (see its README).

mod common;

use std::path::Path;

use common::{allot, files_in, repo, square};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo(&format!("tests/fixtures/hardening/{name}"))).unwrap()
}

/// Two ~276.75-acre squares side by side, zoned, with a name: every command has work to do.
fn two_squares() -> String {
    common::fc(&[
        &square("A", 67.30, 24.80, 0.01, r#"{"zone":"a","name":"Alpha"}"#),
        &square("B", 67.31, 24.80, 0.01, r#"{"zone":"b","name":"Beta"}"#),
    ])
}

fn setup(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    dir
}

const PLAN_ZONE: [&str; 4] = ["--zone", "a=276", "--tolerance", "50"];

// ---------------------------------------------------------------------------------------------
// Regressions (named after the bug)

#[test]
fn plan_dropped_deeply_nested_properties() {
    // Properties nested 200 deep were kept verbatim by the reader, but `properties_map()`
    // returned an empty map for them, so the plan's GeoJSON silently lost every property of
    // the parcel ("name" included). Now plan refuses, naming the feature, and writes nothing.
    let bytes = fixture("deep_properties.geojson");
    let dir = setup(&[("in.geojson", &bytes)]);
    let mut args = vec!["plan", "in.geojson", "-o", "P.geojson"];
    args.extend(PLAN_ZONE);
    let r = allot(dir.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("feature 1 (id \"DEEP\")")
            && r.stderr.contains("properties cannot be rewritten"),
        "{}",
        r.stderr
    );
    assert_eq!(files_in(dir.path()), ["in.geojson"]);
    // The library says the same through the Result.
    let set = allot::parse_parcels(&bytes, "deep").unwrap();
    assert!(set.parcels[0].properties_map().is_err());
    assert!(allot::write::OutFeature::from_parcel(&set.parcels[0]).is_err());
}

#[test]
fn validate_map_flag_was_ignored() {
    // `allot validate --map MAP.svg` was accepted and silently wrote nothing.
    let bowtie = fixture("bowtie.geojson");
    let dir = setup(&[("in.geojson", &bowtie)]);
    let r = allot(dir.path(), &["validate", "in.geojson", "--map", "V.svg"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let svg = std::fs::read_to_string(dir.path().join("V.svg")).expect("map written");
    let doc = roxmltree::Document::parse(&svg).unwrap();
    // The bow-tie's finding is drawn: its message in a <title>, its count in the legend.
    let text: String = doc
        .descendants()
        .filter(|n| n.is_text())
        .map(|n| n.text().unwrap())
        .collect();
    assert!(text.contains("Self-intersection in shell"), "{text}");
    assert!(text.contains("invalid parcel × 1"), "{text}");
}

#[test]
fn outputs_naming_the_same_file_overwrote_each_other() {
    // `plan -o X --schedule X` wrote the plan, then replaced it with the schedule.
    let input = two_squares();
    let runs: Vec<Vec<&str>> = vec![
        vec!["plan", "in.geojson", "-o", "X", "--schedule", "./X"],
        vec!["plan", "in.geojson", "-o", "X", "--map", "sub/../X"],
        vec!["validate", "in.geojson", "--findings", "X", "--map", "X"],
        vec!["generate", "--parcels", "4", "-o", "X", "--truth", "./X"],
    ];
    for mut args in runs {
        if args[0] == "plan" {
            args.extend(PLAN_ZONE);
        }
        let dir = setup(&[("in.geojson", input.as_bytes())]);
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("name the same file"),
            "{args:?}: {}",
            r.stderr
        );
        assert_eq!(files_in(dir.path()), ["in.geojson", "sub"], "{args:?}");
    }
}

#[test]
fn plan_of_an_empty_collection_said_no_contiguous_set_was_found() {
    // An empty FeatureCollection made plan exit 1 "infeasible: no contiguous set of whole
    // parcels was found": true but misleading. Now exit 2 "no parcels to plan".
    let dir = setup(&[("in.geojson", &fixture("empty.geojson"))]);
    let mut args = vec!["plan", "in.geojson", "-o", "P.geojson"];
    args.extend(PLAN_ZONE);
    let r = allot(dir.path(), &args);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.trim(), "allot: in.geojson: no parcels to plan");
}

// ---------------------------------------------------------------------------------------------
// Outputs never overwrite an input

#[test]
fn every_output_flag_refuses_an_input_by_any_name() {
    let input = two_squares();
    let site = fixture("bbox_first.geojson");
    // A findings file for `map --findings`.
    let findings = r#"{"type":"FeatureCollection","features":[]}"#;
    // (args with IN standing for the input's alias, the input the alias points to)
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["validate", "in.geojson", "--findings", "IN"],
            "in.geojson",
        ),
        (vec!["validate", "in.geojson", "--map", "IN"], "in.geojson"),
        (
            vec![
                "validate",
                "in.geojson",
                "--site",
                "site.geojson",
                "--findings",
                "IN",
            ],
            "site.geojson",
        ),
        (
            vec![
                "validate",
                "in.geojson",
                "--site",
                "site.geojson",
                "--map",
                "IN",
            ],
            "site.geojson",
        ),
        (vec!["map", "in.geojson", "-o", "IN"], "in.geojson"),
        (
            vec!["map", "in.geojson", "--findings", "f.geojson", "-o", "IN"],
            "f.geojson",
        ),
        (vec!["plan", "in.geojson", "-o", "IN"], "in.geojson"),
        (
            vec!["plan", "in.geojson", "-o", "P.geojson", "--map", "IN"],
            "in.geojson",
        ),
        (
            vec!["plan", "in.geojson", "-o", "P.geojson", "--schedule", "IN"],
            "in.geojson",
        ),
    ];
    let mut checked = 0;
    for (args, target) in &cases {
        for alias in ["direct", "dotdot", "symlink"] {
            let dir = setup(&[
                ("in.geojson", input.as_bytes()),
                ("site.geojson", &site),
                ("f.geojson", findings.as_bytes()),
            ]);
            std::fs::create_dir(dir.path().join("x")).unwrap();
            let name = match alias {
                "direct" => target.to_string(),
                "dotdot" => format!("./x/../{target}"),
                _ => {
                    std::os::unix::fs::symlink(dir.path().join(target), dir.path().join("link"))
                        .unwrap();
                    "link".to_string()
                }
            };
            let mut a: Vec<&str> = args
                .iter()
                .map(|s| if *s == "IN" { name.as_str() } else { s })
                .collect();
            if a[0] == "plan" {
                a.extend(PLAN_ZONE);
            }
            let before = files_in(dir.path());
            let r = allot(dir.path(), &a);
            assert_eq!(r.code, 2, "{a:?}: {}", r.stderr);
            assert!(
                r.stderr.contains("refusing to overwrite an input file"),
                "{a:?}: {}",
                r.stderr
            );
            assert_eq!(r.stderr.lines().count(), 1, "{a:?}: {}", r.stderr);
            assert_eq!(files_in(dir.path()), before, "{a:?}");
            assert_eq!(
                std::fs::read(dir.path().join("in.geojson")).unwrap(),
                input.as_bytes()
            );
            assert_eq!(
                std::fs::read(dir.path().join("site.geojson")).unwrap(),
                site
            );
            assert_eq!(
                std::fs::read_to_string(dir.path().join("f.geojson")).unwrap(),
                findings
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 27);
}

// ---------------------------------------------------------------------------------------------
// Outputs are atomic

/// Every file under `dir`, recursively, relative names.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in walk(dir) {
        out.push(e.strip_prefix(dir).unwrap().display().to_string());
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() && !p.is_symlink() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn a_failed_write_leaves_no_partial_or_temporary_file() {
    let input = two_squares();
    // Outputs in a "folder" that is a file, or onto a path that is a directory. Since issue 16
    // an existing folder `d` given as an output means `d/<input stem>.<ext>`, so the
    // directories in the way are `d/in.svg` and `d/in.geojson`; `generate` has no input to
    // name the file after, so `-o d` is refused as a folder.
    let runs: Vec<Vec<&str>> = vec![
        vec!["map", "in.geojson", "-o", "file.txt/M.svg"],
        vec!["map", "in.geojson", "-o", "d"],
        vec!["validate", "in.geojson", "--findings", "d"],
        vec!["validate", "in.geojson", "--map", "file.txt/V.svg"],
        vec!["plan", "in.geojson", "-o", "d"],
        vec![
            "plan",
            "in.geojson",
            "-o",
            "P.geojson",
            "--schedule",
            "file.txt/S.csv",
        ],
        vec!["generate", "--parcels", "4", "-o", "d"],
        vec!["generate", "--parcels", "4", "-o", "file.txt/G.geojson"],
    ];
    for mut args in runs {
        if args[0] == "plan" {
            args.extend(PLAN_ZONE);
        }
        let dir = setup(&[("in.geojson", input.as_bytes()), ("file.txt", b"keep")]);
        std::fs::create_dir(dir.path().join("d")).unwrap();
        std::fs::create_dir(dir.path().join("d/in.svg")).unwrap();
        std::fs::create_dir(dir.path().join("d/in.geojson")).unwrap();
        let before = tree(dir.path());
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let why = if args[0] == "generate" && args[4] == "d" {
            "d is a folder"
        } else {
            "cannot write"
        };
        assert!(r.stderr.contains(why), "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "{args:?}: {}", r.stderr);
        let after = tree(dir.path());
        // plan writes its outputs in turn: P.geojson is complete when the schedule fails.
        let extra: Vec<&String> = after.iter().filter(|f| !before.contains(f)).collect();
        assert!(
            extra.is_empty() || extra == [&"P.geojson".to_string()],
            "{args:?}: left {extra:?}"
        );
        assert_eq!(std::fs::read(dir.path().join("file.txt")).unwrap(), b"keep");
    }
}

#[test]
fn bad_input_found_after_the_outputs_were_named_writes_nothing_and_keeps_old_outputs() {
    let input = two_squares();
    let bad = b"{\"type\":\"FeatureCollection\",\"features\":[";
    let runs: Vec<(Vec<&str>, &str)> = vec![
        // The site is read after the findings and map were named.
        (
            vec![
                "validate",
                "in.geojson",
                "--site",
                "bad.geojson",
                "--findings",
                "F.geojson",
                "--map",
                "V.svg",
            ],
            "bad.geojson",
        ),
        // The findings file is read after the map was named.
        (
            vec![
                "map",
                "in.geojson",
                "--findings",
                "bad.geojson",
                "-o",
                "M.svg",
            ],
            "bad.geojson",
        ),
        // A lock naming no parcel is found after reading.
        (
            vec![
                "plan",
                "in.geojson",
                "-o",
                "P.geojson",
                "--schedule",
                "S.csv",
                "--map",
                "PM.svg",
                "--lock",
                "NOPE=a",
            ],
            "NOPE",
        ),
    ];
    for (mut args, named) in runs {
        if args[0] == "plan" {
            args.extend(PLAN_ZONE);
        }
        // First with no outputs present, then with old outputs that must survive untouched.
        for old in [false, true] {
            let dir = setup(&[("in.geojson", input.as_bytes()), ("bad.geojson", bad)]);
            let outs = [
                "F.geojson",
                "V.svg",
                "M.svg",
                "P.geojson",
                "S.csv",
                "PM.svg",
            ];
            if old {
                for o in outs {
                    std::fs::write(dir.path().join(o), "OLD").unwrap();
                }
            }
            let before = files_in(dir.path());
            let r = allot(dir.path(), &args);
            assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
            assert!(r.stderr.contains(named), "{args:?}: {}", r.stderr);
            assert_eq!(files_in(dir.path()), before, "{args:?}");
            if old {
                for o in outs {
                    assert_eq!(std::fs::read_to_string(dir.path().join(o)).unwrap(), "OLD");
                }
            }
        }
    }
}

#[test]
fn every_output_is_written_through_the_atomic_writer() {
    // Source lint: outside src/output.rs nothing in src/ creates or writes files directly.
    let mut offenders = Vec::new();
    for f in walk(&repo("src")) {
        if f.extension().is_none_or(|e| e != "rs") || f.ends_with("output.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap();
            for bad in [
                "fs::write(",
                "File::create(",
                "OpenOptions",
                "fs::copy(",
                "fs::rename(",
            ] {
                if code.contains(bad) {
                    offenders.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
                }
            }
        }
    }
    assert!(offenders.is_empty(), "{offenders:#?}");
}

// ---------------------------------------------------------------------------------------------
// Same input, same flags, same bytes

#[test]
fn every_command_twice_gives_byte_identical_outputs() {
    let input = std::fs::read(repo("tests/fixtures/validate/zones.geojson"))
        .unwrap_or_else(|_| two_squares().into_bytes());
    let runs: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["summary", "in.geojson"], vec![]),
        (vec!["summary", "in.geojson", "--format", "json"], vec![]),
        (
            vec![
                "validate",
                "in.geojson",
                "--findings",
                "F.geojson",
                "--map",
                "V.svg",
            ],
            vec!["F.geojson", "V.svg"],
        ),
        (vec!["validate", "in.geojson", "--format", "json"], vec![]),
        (
            vec!["map", "in.geojson", "-o", "M.svg", "--labels", "id"],
            vec!["M.svg"],
        ),
        (
            vec![
                "plan",
                "in.geojson",
                "-o",
                "P.geojson",
                "--schedule",
                "S.csv",
                "--map",
                "PM.svg",
            ],
            vec!["P.geojson", "S.csv", "PM.svg"],
        ),
        (
            vec![
                "generate",
                "--parcels",
                "30",
                "--overlaps",
                "0",
                "--invalid",
                "2",
                "--zones",
                "2",
                "-o",
                "G.geojson",
                "--truth",
                "T.json",
            ],
            vec!["G.geojson", "T.json"],
        ),
    ];
    let plan_input = std::fs::read(repo("tests/fixtures/plan/grid.geojson")).unwrap();
    for (mut args, outs) in runs {
        let bytes = if args[0] == "plan" {
            // grid.geojson: 48 parcels, 2,125.52 acres (tests/fixtures/plan/README.md).
            args.extend(["--zone", "a=300", "--zone", "b=500", "--tolerance", "20"]);
            &plan_input
        } else {
            &input
        };
        let mut results = Vec::new();
        for _ in 0..2 {
            let dir = setup(&[("in.geojson", bytes)]);
            let r = allot(dir.path(), &args);
            assert!(r.code == 0 || r.code == 1, "{args:?}: {}", r.stderr);
            let files: Vec<Vec<u8>> = outs
                .iter()
                .map(|o| std::fs::read(dir.path().join(o)).unwrap())
                .collect();
            assert!(files.iter().all(|f| !f.is_empty()), "{args:?}");
            results.push((r.code, r.stdout, files));
        }
        assert!(
            results[0] == results[1],
            "{args:?}: outputs differ between runs"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Very large input

#[test]
fn an_input_over_the_limit_is_refused_without_reading_it() {
    // A sparse file one byte over the limit: refused from its size alone (reading 4 GiB of
    // zeros would take seconds and gigabytes; the test finishing at all shows it was not read).
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.geojson")).unwrap();
    f.set_len(allot::read::MAX_INPUT_BYTES + 1).unwrap();
    drop(f);
    let limit = allot::read::MAX_INPUT_BYTES.to_string();
    let size = (allot::read::MAX_INPUT_BYTES + 1).to_string();
    let runs: Vec<Vec<&str>> = vec![
        vec!["summary", "big.geojson"],
        vec![
            "validate",
            "big.geojson",
            "--findings",
            "F.geojson",
            "--map",
            "V.svg",
        ],
        vec!["map", "big.geojson", "-o", "M.svg"],
        // plan refuses anything over 256 MiB (plan_of_a_large_input_ran_out_of_memory).
        // The findings file of `map` was read whole, whatever its size.
        vec![
            "map",
            "in.geojson",
            "--findings",
            "big.geojson",
            "-o",
            "M.svg",
        ],
    ];
    std::fs::write(dir.path().join("in.geojson"), two_squares()).unwrap();
    for args in runs {
        let r = allot(dir.path(), &args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(
            r.stderr.trim(),
            format!(
                "allot: big.geojson: {size} bytes is more than allot reads ({limit} bytes); split the file"
            ),
            "{args:?}"
        );
        assert_eq!(
            files_in(dir.path()),
            ["big.geojson", "in.geojson"],
            "{args:?}"
        );
    }
}

#[test]
fn text_reports_passed_terminal_escapes_through() {
    // An id "B\0\x1b[31m" reached the terminal raw in validate's text report (an ANSI escape
    // in a colleague's file could recolour or rewrite the screen). Now it is shown escaped.
    let input = common::fc(&[
        &square("A", 67.30, 24.80, 0.01, r#"{"zone":"a"}"#),
        &square(
            r"B\u0000\u001b[31m",
            67.31,
            24.80,
            0.01,
            r#"{"land_use":"x\u0007"}"#,
        ),
    ]);
    let dir = setup(&[("in.geojson", input.as_bytes())]);
    for (args, shown) in [
        (vec!["validate", "in.geojson"], "B\\u{0}\\u{1b}[31m"),
        (vec!["summary", "in.geojson"], "x\\u{7}"),
        (
            vec!["validate", "in.geojson", "--format", "json"],
            "B\\u0000\\u001b[31m",
        ),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_allot"))
            .args(&args)
            .current_dir(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{args:?}: {text:?}"
        );
        assert!(text.contains(shown), "{args:?}: {shown} in {text}");
    }
}

#[test]
fn plan_of_a_large_input_ran_out_of_memory() {
    // plan needs ~57 bytes of memory per input byte (100k parcels: 34.5 MB → 1.95 GB peak), so
    // the 4 GiB reader limit let it try ~240 GB. Now it refuses over 256 MiB from the file's
    // size, before reading it (sparse file: the test finishing shows it was not read).
    let dir = tempfile::tempdir().unwrap();
    let f = std::fs::File::create(dir.path().join("big.geojson")).unwrap();
    let limit = allot::plan::MAX_INPUT_BYTES;
    f.set_len(limit + 1).unwrap();
    drop(f);
    let r = allot(
        dir.path(),
        &[
            "plan",
            "big.geojson",
            "-o",
            "P.geojson",
            "--schedule",
            "S.csv",
        ],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(
        r.stderr.trim(),
        format!(
            "allot: big.geojson: {} bytes is more than allot plan reads ({limit} bytes: \
             planning needs about {} bytes of memory per input byte, and is sized for 6 GiB); \
             plan part of the site at a time",
            limit + 1,
            allot::plan::PLAN_BYTES_PER_INPUT_BYTE
        )
    );
    assert_eq!(files_in(dir.path()), ["big.geojson"]);
}

#[test]
fn findings_had_negative_acres_for_holes_larger_than_their_shell() {
    // Found by fuzz_pipeline: a parcel whose hole is larger than its shell measured
    // shell - hole < 0, so `unzoned` and `not_contiguous` findings (and summary totals) carried
    // negative acres. The polygon is invalid (and reported so); its area is now never negative.
    let bytes = fixture("hole_larger_than_shell.geojson");
    let dir = setup(&[("in.geojson", &bytes)]);
    let r = allot(dir.path(), &["validate", "in.geojson", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let text = v.to_string();
    assert!(
        text.contains("invalid_geometry") && text.contains("unzoned"),
        "{text}"
    );
    fn walk_acres(v: &serde_json::Value, out: &mut Vec<f64>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    if k.contains("acres")
                        && let Some(a) = x.as_f64()
                    {
                        out.push(a);
                    }
                    walk_acres(x, out);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk_acres(x, out)),
            _ => {}
        }
    }
    let mut acres = Vec::new();
    walk_acres(&v, &mut acres);
    assert!(!acres.is_empty(), "{text}");
    assert!(acres.iter().all(|&a| a >= 0.0), "{acres:?}");
    let r = allot(dir.path(), &["summary", "in.geojson", "--format", "json"]);
    let mut acres = Vec::new();
    walk_acres(&serde_json::from_str(&r.stdout).unwrap(), &mut acres);
    assert!(acres.iter().all(|&a| a >= 0.0), "{acres:?}");
}
