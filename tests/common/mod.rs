//! Helpers shared by the end-to-end tests: run the real `allot` binary in a temp dir, build
//! small GeoJSON inputs, and a seeded random stream.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use roxmltree::{Document, Node};

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

/// The total geodesic area of a parcel set, in acres.
pub fn total_acres(set: &allot::ParcelSet) -> f64 {
    use allot::geodesy::{M2_PER_ACRE, area_m2};
    set.parcels
        .iter()
        .map(|p| area_m2(&p.geometry))
        .sum::<f64>()
        / M2_PER_ACRE
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

/// Writes `grid.geojson` in `dir`: two rows of three 0.005° squares `C{row}{col}` from
/// (67.0, 24.0), each with `land_use` `industrial`.
pub fn industrial_grid(dir: &Path) {
    let mut cells = Vec::new();
    for r in 0..2 {
        for c in 0..3 {
            cells.push(square(
                &format!("C{r}{c}"),
                67.0 + 0.005 * c as f64,
                24.0 + 0.005 * r as f64,
                0.005,
                r#"{"land_use":"industrial"}"#,
            ));
        }
    }
    let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
    std::fs::write(dir.join("grid.geojson"), fc(&refs)).unwrap();
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

/// SplitMix64: a small seeded random stream for the tests; the seed is the raw state, so a
/// test's seed gives the same cases on every machine.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) (the top 53 bits).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform-ish in `0..n` by the remainder of 64 bits (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() <= p
    }

    /// One of `xs` (non-empty).
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The edges of every ring of `g` as sorted pairs of exact coordinate bits (zero-length edges
/// left out): two parcels are neighbours when they share one.
pub fn edge_keys(g: &geo::MultiPolygon<f64>) -> Vec<[(u64, u64); 2]> {
    let mut out = Vec::new();
    for poly in &g.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for w in ring.0.windows(2) {
                let a = (w[0].x.to_bits(), w[0].y.to_bits());
                let b = (w[1].x.to_bits(), w[1].y.to_bits());
                if a != b {
                    out.push(if a < b { [a, b] } else { [b, a] });
                }
            }
        }
    }
    out
}

/// Number of pieces of each zone: parcels (`geoms[i]` in zone `zones[i]`) are joined when they
/// have an identical edge ([`edge_keys`]; the fixtures and the planner's outputs share vertices
/// exactly). Independent of the planner's adjacency.
pub fn zone_pieces<K: Ord + Clone>(
    geoms: &[&geo::MultiPolygon<f64>],
    zones: &[K],
) -> std::collections::BTreeMap<K, usize> {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    let mut by_edge: BTreeMap<[(u64, u64); 2], Vec<usize>> = BTreeMap::new();
    for (i, g) in geoms.iter().enumerate() {
        for e in edge_keys(g) {
            by_edge.entry(e).or_default().push(i);
        }
    }
    let mut nbrs: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); geoms.len()];
    for list in by_edge.values() {
        for &a in list {
            for &b in list {
                if a != b {
                    nbrs[a].insert(b);
                }
            }
        }
    }
    let mut seen = vec![false; geoms.len()];
    let mut pieces: BTreeMap<K, usize> = BTreeMap::new();
    for s in 0..geoms.len() {
        if seen[s] {
            continue;
        }
        *pieces.entry(zones[s].clone()).or_default() += 1;
        seen[s] = true;
        let mut q = VecDeque::from([s]);
        while let Some(v) = q.pop_front() {
            for &w in &nbrs[v] {
                if !seen[w] && zones[w] == zones[s] {
                    seen[w] = true;
                    q.push_back(w);
                }
            }
        }
    }
    pieces
}

/// The element of an SVG document with this `id` (panics naming it when there is none).
pub fn by_id<'a, 'i>(doc: &'a Document<'i>, id: &str) -> Node<'a, 'i> {
    doc.descendants()
        .find(|n| n.attribute("id") == Some(id))
        .unwrap_or_else(|| panic!("no element with id {id}"))
}

/// Graticule lines as `(degrees, pixel)`.
pub type Lines = Vec<(f64, f64)>;

/// x of each longitude graticule line and y of each latitude one: `(degrees, pixel)`.
pub fn graticule(doc: &Document) -> (Lines, Lines) {
    let mut lons = Vec::new();
    let mut lats = Vec::new();
    for n in by_id(doc, "graticule")
        .children()
        .filter(|n| n.is_element())
    {
        let d = n.attribute("d").unwrap();
        // "M{x} {y}V{y1}" or "M{x} {y}H{x1}"
        let mut nums = d[1..].split([' ', 'V', 'H']);
        let x: f64 = nums.next().unwrap().parse().unwrap();
        let y: f64 = nums.next().unwrap().parse().unwrap();
        if let Some(lon) = n.attribute("data-lon") {
            lons.push((lon.parse().unwrap(), x));
        } else {
            lats.push((n.attribute("data-lat").unwrap().parse().unwrap(), y));
        }
    }
    (lons, lats)
}
