//! Helpers shared by the end-to-end tests: run the real `allot` binary in a temp dir.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The `allot` binary these tests run.
pub const BIN: &str = env!("CARGO_BIN_EXE_allot");

/// What a run of the binary produced.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `allot` with `args` in `dir`, with no standard input (its output must be UTF-8).
pub fn allot(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .expect("run allot");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("allot writes UTF-8 to stdout"),
        stderr: String::from_utf8(out.stderr).expect("allot writes UTF-8 to stderr"),
    }
}

/// Runs `allot` with `args` in the test's own working directory (the package root) and
/// returns its raw output.
pub fn output(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run allot")
}

/// Path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// A FeatureCollection of the given feature JSON texts.
pub fn fc(features: &[&str]) -> String {
    format!(
        "{{\"type\":\"FeatureCollection\",\"features\":[\n{}\n]}}\n",
        features.join(",\n")
    )
}

/// A square parcel feature `d` degrees wide with its south-west corner at (lon, lat).
pub fn square(id: &str, lon: f64, lat: f64, d: f64, props: &str) -> String {
    format!(
        r#"{{"type":"Feature","id":"{id}","properties":{props},"geometry":{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{e},{lat}],[{e},{n}],[{lon},{n}],[{lon},{lat}]]]}}}}"#,
        e = lon + d,
        n = lat + d
    )
}

/// Lists the files of a directory (names, sorted).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}
