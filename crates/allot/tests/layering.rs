//! The layering rule, enforced: a module never imports one of a higher layer.
//!
//! Layers, lowest first (docs/ARCHITECTURE.md explains them):
//!
//! `util`, `geodesy`, `geom`, `crs`, `synth` → `model` → `read`, `write` → `index`, `graph` →
//! `validate` → `plan` → `report`, `render`
//!
//! `synth` (synthetic fabrics with ground truth) depends on nothing above its own layer, so it sits
//! at the bottom, where the unit tests of every layer can build fabrics with it.
//!
//! The test reads every `.rs` file under `src/`, takes the top-level module it belongs to from
//! its path (`src/validate/gaps.rs` belongs to `validate`), finds every `crate::<module>` path in
//! its code (in `use` lines, grouped `use crate::{a, b}` lines and inline paths; comments are
//! skipped), and fails on a path to a module of a higher layer, or to a module the list does
//! not rank (a new module must be given a layer here and in ARCHITECTURE.md).

use std::path::{Path, PathBuf};

/// Each top-level module and its layer (lower numbers are lower layers).
const LAYERS: &[(&str, u32)] = &[
    ("util", 0),
    ("geodesy", 0),
    ("geom", 0),
    ("crs", 0),
    ("synth", 0),
    ("model", 1),
    ("read", 2),
    ("write", 2),
    ("index", 3),
    ("graph", 3),
    ("validate", 4),
    ("plan", 5),
    ("report", 6),
    ("render", 6),
    ("diff", 6),
];

fn layer(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|&(_, l)| l)
}

/// The names that follow `crate::` in one line of code: `crate::a::b` gives `a`, and
/// `crate::{a::x, b}` gives `a` and `b`. Names that start with a capital letter (types
/// re-exported at the root) are left out.
fn crate_paths(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        let after = &rest[at + "crate::".len()..];
        // `$crate::` or an identifier ending in `crate` is not a path from the crate root.
        let glued = before
            .chars()
            .last()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        if !glued {
            if let Some(group) = after.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let name: String = item
                        .trim()
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    out.push(name);
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push(name);
            }
        }
        rest = after;
    }
    out.retain(|n| n.chars().next().is_some_and(|c| c.is_ascii_lowercase()));
    out
}

/// Every upward (or unranked) `crate::` reference in `source`, a file of module `module`, as
/// `(line number, referenced module, why)`.
fn violations(module: &str, source: &str) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
    let Some(own) = layer(module) else {
        found.push((
            0,
            module.to_string(),
            format!("module {module} has no layer in LAYERS"),
        ));
        return found;
    };
    for (i, line) in source.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        for name in crate_paths(code) {
            match layer(&name) {
                Some(l) if l <= own => {}
                Some(l) => found.push((
                    i + 1,
                    name.clone(),
                    format!("{module} (layer {own}) imports {name} (layer {l})"),
                )),
                None => found.push((
                    i + 1,
                    name.clone(),
                    format!("{module} imports crate::{name}, which has no layer in LAYERS"),
                )),
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

#[test]
fn no_module_imports_a_higher_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(
        files.len() > 20,
        "found only {} files under src/",
        files.len()
    );
    let mut problems = Vec::new();
    let mut checked = 0;
    for file in &files {
        let rel = file.strip_prefix(&src).expect("under src");
        let first = rel.components().next().expect("a path");
        let first = first.as_os_str().to_str().expect("UTF-8 path");
        if first == "lib.rs" {
            continue; // the root re-exports every layer
        }
        let module = first.trim_end_matches(".rs");
        let text = std::fs::read_to_string(file).expect("readable source");
        checked += 1;
        for (line, _, why) in violations(module, &text) {
            problems.push(format!("src/{}:{line}: {why}", rel.display()));
        }
    }
    assert!(checked > 20);
    assert!(
        problems.is_empty(),
        "upward imports:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_finds_upward_grouped_inline_and_unranked_paths() {
    // An upward `use`: geodesy must not import plan.
    let v = violations("geodesy", "use std::fmt;\nuse crate::plan::Plan;\n");
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].0, v[0].1.as_str()), (2, "plan"));
    // A grouped use with one upward path among downward ones.
    let v = violations(
        "read",
        "use crate::{geodesy::area_m2, validate::Finding, model};",
    );
    assert_eq!(
        v.iter().map(|x| x.1.as_str()).collect::<Vec<_>>(),
        ["validate"]
    );
    // An inline path, not in a `use` line.
    let v = violations("model", "    let x = crate::render::render_svg(a, b, c);");
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].1, "render");
    // A module with no layer, and a path to one.
    assert_eq!(violations("newthing", "").len(), 1);
    assert_eq!(violations("plan", "use crate::newthing::X;").len(), 1);
}

#[test]
fn the_checker_accepts_downward_same_layer_and_commented_paths() {
    let ok = "use crate::geodesy::area_m2;\nuse crate::{model::Parcel, read};\n\
              use crate::write::OutFeature;\n// use crate::plan::x;\n/// [`crate::plan`]\n\
              let a = crate::Parcel::default(); // crate::render in a trailing comment\n\
              macro_rules! m { () => { $crate::plan::x() } }";
    assert_eq!(violations("read", ok), Vec::new());
    assert_eq!(violations("report", "use crate::render::x;"), Vec::new());
    assert_eq!(
        violations("geodesy", "use crate::synth::FabricSpec;"),
        Vec::new()
    );
}
