//! Where outputs go: `-` is standard output for every GeoJSON, SVG and CSV output (the
//! command's own report then goes to stderr), a folder gets `<input stem>.<ext>`, missing
//! folders are created, and an interrupt (SIGINT, SIGTERM) mid-write leaves no temporary file
//! behind and exits 130.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{allot, fc, files_in, square};

/// Two parcels (P1, P2) in one zone, sharing an edge (2⁻⁷° squares, so the shared corners
/// are exact in binary): 337.97 acres together (pyproj).
fn two_parcels() -> String {
    fc(&[
        &square("P1", 67.5, 24.75, 0.0078125, r#"{"zone":"a"}"#),
        &square("P2", 67.5078125, 24.75, 0.0078125, r#"{"zone":"a"}"#),
    ])
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("in.geojson"), two_parcels()).unwrap();
    dir
}

#[test]
fn dash_writes_each_kind_of_output_to_stdout() {
    let dir = setup();
    // map -o -: the SVG on stdout, nothing else.
    let r = allot(dir.path(), &["map", "in.geojson", "-o", "-", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc = roxmltree::Document::parse(&r.stdout).expect("an SVG on stdout");
    assert_eq!(doc.root_element().tag_name().name(), "svg");

    // validate --findings -: the findings GeoJSON on stdout, the report on stderr.
    let r = allot(
        dir.path(),
        &[
            "validate",
            "in.geojson",
            "--findings",
            "-",
            "--target",
            "a=1",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("GeoJSON on stdout");
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"][0]["properties"]["kind"], "zone_area");
    assert!(r.stderr.contains("zone_area (1)"), "{}", r.stderr);

    // validate --map -: the SVG on stdout.
    let r = allot(dir.path(), &["validate", "in.geojson", "--map", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        roxmltree::Document::parse(&r.stdout).is_ok(),
        "{}",
        r.stdout
    );

    // plan -o -: the plan GeoJSON on stdout, the schedule on stderr; --schedule - likewise.
    let r = allot(
        dir.path(),
        &[
            "plan",
            "in.geojson",
            "-o",
            "-",
            "--zone",
            "a=337.97",
            "--tolerance",
            "1",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("GeoJSON on stdout");
    assert_eq!(v["features"].as_array().unwrap().len(), 2);
    assert!(r.stderr.contains("zone"), "{}", r.stderr);
    let r = allot(
        dir.path(),
        &[
            "plan",
            "in.geojson",
            "-o",
            "P.geojson",
            "--schedule",
            "-",
            "--zone",
            "a=337.97",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("kind,zone,parcels,acres"),
        "{}",
        r.stdout
    );

    // generate -o -: the fabric on stdout.
    let r = allot(dir.path(), &["generate", "--parcels", "4", "-o", "-"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).expect("GeoJSON on stdout");
    assert!(!v["features"].as_array().unwrap().is_empty());

    // No file named "-" anywhere, and nothing but what was asked for.
    assert_eq!(files_in(dir.path()), ["P.geojson", "in.geojson"]);
}

#[test]
fn two_outputs_cannot_both_be_stdout() {
    let dir = setup();
    let r = allot(
        dir.path(),
        &["validate", "in.geojson", "--findings", "-", "--map", "-"],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("name the same file"), "{}", r.stderr);
    assert_eq!(files_in(dir.path()), ["in.geojson"]);
}

#[test]
fn a_folder_gets_a_file_named_after_the_input() {
    let dir = setup();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    // An existing folder, with or without the slash; a missing one with the slash is created.
    let r = allot(dir.path(), &["map", "in.geojson", "-o", "out", "-q"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = allot(
        dir.path(),
        &[
            "validate",
            "in.geojson",
            "--findings",
            "out/",
            "--target",
            "a=1",
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(files_in(&dir.path().join("out")), ["in.geojson", "in.svg"]);
    let r = allot(
        dir.path(),
        &[
            "plan",
            "in.geojson",
            "-o",
            "new/deeper/",
            "--map",
            "new/",
            "--schedule",
            "new/",
            "--zone",
            "a=337.97",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        files_in(&dir.path().join("new")),
        ["deeper", "in.csv", "in.svg"]
    );
    assert_eq!(files_in(&dir.path().join("new/deeper")), ["in.geojson"]);
    // The input's own folder would mean overwriting the input: refused.
    let r = allot(dir.path(), &["validate", "in.geojson", "--findings", "./"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("refusing to overwrite an input"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_folder_without_an_input_name_is_refused() {
    let dir = setup();
    let mut child = Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["map", "-", "-o", "out/"])
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(two_parcels().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "allot: out/ is a folder, and there is no input file name to name the output after; give a file name\n"
    );
    let r = allot(dir.path(), &["generate", "--parcels", "4", "-o", "out/"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is a folder"), "{}", r.stderr);
    assert_eq!(files_in(dir.path()), ["in.geojson"]);
}

/// Starts `allot generate` on a fabric large enough to take seconds to write, waits until its
/// temporary file holds data, sends `signal`, and returns the exit code and what is left.
fn interrupt_a_large_write(signal: &str) -> (Option<i32>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_allot"))
        .args(["generate", "--parcels", "1000000", "-o", "big.geojson"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        let writing = std::fs::read_dir(dir.path()).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name()
                .to_string_lossy()
                .starts_with(".big.geojson.allot-tmp-")
                && e.metadata().unwrap().len() > 0
        });
        if writing {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "the write finished before it could be interrupted"
        );
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no temporary file appeared"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let kill = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .expect("the kill command");
    assert!(kill.success());
    let status = child.wait().unwrap();
    (status.code(), files_in(dir.path()))
}

#[test]
fn sigint_during_a_write_leaves_no_temporary_file() {
    let (code, left) = interrupt_a_large_write("INT");
    assert_eq!(code, Some(130));
    assert!(left.is_empty(), "left {left:?}");
}

#[test]
fn sigterm_during_a_write_leaves_no_temporary_file() {
    let (code, left) = interrupt_a_large_write("TERM");
    assert_eq!(code, Some(130));
    assert!(left.is_empty(), "left {left:?}");
}
