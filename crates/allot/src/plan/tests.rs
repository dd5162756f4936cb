//! Unit tests of the planner's rules and input checks (plan/mod.rs), on hand-made grids.

use super::*;
use crate::read::parse_parcels;

/// A `cols` x `rows` grid of 0.005° cells near Karachi; `props(r, c)` gives each cell's
/// properties JSON and `id(r, c)` its id.
fn grid(
    rows: usize,
    cols: usize,
    id: impl Fn(usize, usize) -> String,
    props: impl Fn(usize, usize) -> String,
) -> ParcelSet {
    let mut features = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            let (x, y) = (67.0 + 0.005 * c as f64, 24.8 + 0.005 * r as f64);
            let (x1, y1) = (x + 0.005, y + 0.005);
            features.push(format!(
                r#"{{"type":"Feature","id":"{}","properties":{},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#,
                id(r, c),
                props(r, c)
            ));
        }
    }
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    parse_parcels(text.as_bytes(), "grid.geojson").expect("a valid grid")
}

fn plain(rows: usize, cols: usize) -> ParcelSet {
    grid(rows, cols, |r, c| format!("P{r}{c}"), |_, _| "{}".into())
}

fn opts(zones: &[(&str, f64)]) -> PlanOptions {
    PlanOptions {
        zones: zones.iter().map(|(n, a)| (n.to_string(), *a)).collect(),
        ..PlanOptions::default()
    }
}

#[test]
fn zone_options_that_make_no_sense_are_refused_by_name() {
    let set = plain(2, 2);
    let err = |o: &PlanOptions| rules(&set, o).expect_err("refused").to_string();
    assert_eq!(err(&opts(&[])), "no zones to plan");
    assert_eq!(
        err(&opts(&[("retained", 5.0)])),
        "zone \"retained\": `retained` is the land no zone takes; choose another name"
    );
    assert_eq!(
        err(&opts(&[("a", 5.0), ("a", 6.0)])),
        "zone \"a\": given twice"
    );
    assert_eq!(
        err(&opts(&[("a", 0.0)])),
        "zone \"a\": the target must be a positive number of acres"
    );
    let mut o = opts(&[("a", 5.0)]);
    o.tolerance_acres = f64::NAN;
    assert!(err(&o).starts_with("the tolerance must be a finite, non-negative number"));
}

#[test]
fn excluded_uses_and_access_match_after_trimming_and_lowercasing() {
    let set = grid(
        1,
        3,
        |_, c| format!("P{c}"),
        |_, c| match c {
            0 => r#"{"land_use":" Township ","access":["PORT"]}"#.into(),
            1 => r#"{"land_use":"open_land","access":"rail, port"}"#.into(),
            _ => r#"{"land_use":"water_reservoir"}"#.into(),
        },
    );
    let mut o = opts(&[("mill", 5.0)]);
    o.exclude_uses = vec!["township".into(), "WATER_RESERVOIR ".into()];
    o.require_access = Some(" Port".into());
    let r = rules(&set, &o).expect("valid rules");
    assert_eq!(r.excluded, [true, false, true]);
    let (mask, name) = r.access[0].clone().expect("access asked for");
    assert_eq!(mask, [true, true, false]);
    assert_eq!(name, "port");
}

#[test]
fn locks_name_their_zone_index_and_bad_locks_say_why() {
    let set = grid(
        1,
        3,
        |_, c| format!("P{c}"),
        |_, c| {
            if c == 2 {
                r#"{"land_use":"encroached"}"#.into()
            } else {
                "{}".into()
            }
        },
    );
    let mut o = opts(&[("mill", 5.0), ("park", 9.0)]);
    o.locks = vec![
        ("P1".into(), "park".into()),
        ("P2".into(), "retained".into()),
    ];
    let r = rules(&set, &o).expect("valid locks");
    assert_eq!(r.lock, [None, Some(1), Some(2)]);
    assert_eq!(zone_name(&r, Some(1)), "park");
    assert_eq!(zone_name(&r, Some(2)), RETAINED);
    assert_eq!(zone_name(&r, None), RETAINED);

    let lock_err = |locks: &[(&str, &str)]| {
        let mut o = opts(&[("mill", 5.0)]);
        o.locks = locks
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        rules(&set, &o).expect_err("refused").to_string()
    };
    assert_eq!(
        lock_err(&[("P9", "mill")]),
        "--lock P9=mill: no parcel has the id \"P9\" in grid.geojson"
    );
    assert_eq!(
        lock_err(&[("P0", "park")]),
        "--lock P0=park: unknown zone \"park\" (zones: mill, retained)"
    );
    assert!(
        lock_err(&[("P2", "mill")])
            .starts_with("--lock P2=mill: parcel P2 (feature 3) has land_use \"encroached\"")
    );
    assert_eq!(
        lock_err(&[("P0", "mill"), ("P0", "retained")]),
        "--lock P0=retained: parcel P0 is locked to two zones"
    );
}

#[test]
fn duplicate_ids_are_refused_with_both_positions() {
    let set = grid(1, 3, |_, _| "Q".into(), |_, _| "{}".into());
    match check_input(&set) {
        Err(PlanError::DuplicateId {
            id, first, second, ..
        }) => {
            assert_eq!((id.as_str(), first, second), ("Q", 1, 2));
        }
        other => panic!("expected DuplicateId, got {other:?}"),
    }
    assert!(check_input(&plain(2, 2)).is_ok());
}

#[test]
fn first_few_lists_five_and_counts_the_rest() {
    let items: Vec<String> = (1..=7).map(|i| i.to_string()).collect();
    assert_eq!(first_few(&items), "1; 2; 3; 4; 5; and 2 more");
    assert_eq!(first_few(&items[..2]), "1; 2");
}

#[test]
fn size_limits_are_typed_errors() {
    let empty = parse_parcels(
        br#"{"type":"FeatureCollection","features":[]}"#,
        "e.geojson",
    )
    .expect("an empty collection reads");
    match check_parcel_count(&empty) {
        Err(PlanError::NoParcels { file }) => assert_eq!(file, "e.geojson"),
        other => panic!("expected NoParcels, got {other:?}"),
    }
    assert!(check_parcel_count(&plain(1, 1)).is_ok());
    // Standard input and files whose size cannot be read are bounded later, by parcel count.
    assert!(check_input_file(std::path::Path::new("-")).is_ok());
    assert!(check_input_file(std::path::Path::new("/no/such/file.geojson")).is_ok());
}

#[test]
fn missing_access_is_a_typed_infeasibility_not_a_bad_input() {
    let set = plain(2, 2);
    let mut o = opts(&[("mill", 5.0)]);
    o.require_access = Some("port".into());
    let e = plan(&set, &o).expect_err("no parcel has port access");
    assert!(e.is_infeasible());
    match e {
        PlanError::Infeasible { zone, reason, .. } => {
            assert_eq!(zone, "mill");
            assert_eq!(reason, "access: no parcel in grid.geojson has port access");
        }
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

/// Corridors are never cut: on seeded random 5 × 5 grids where a random share of cells are
/// `road_corridor` or `rail_corridor`, every parcel `--split` cuts has another land use; with
/// every cell a corridor, no cut is possible and the zone is infeasible by the cut rule.
#[test]
fn split_never_cuts_a_corridor_on_random_grids() {
    let cell = {
        let s = plain(1, 1);
        crate::geodesy::acres(crate::geodesy::area_m2(&s.parcels[0].geometry))
    };
    let mut cut = 0;
    for seed in 0..12u64 {
        let mut rng = crate::util::Rng::new(seed + 1);
        let uses: Vec<&str> = (0..25)
            .map(|_| match rng.below(3) {
                0 => "road_corridor",
                1 => "rail_corridor",
                _ => "open_land",
            })
            .collect();
        let set = grid(
            5,
            5,
            |r, c| format!("P{r}{c}"),
            |r, c| format!(r#"{{"land_use":"{}"}}"#, uses[r * 5 + c]),
        );
        let mut o = opts(&[("mill", 3.4 * cell)]);
        o.split = true;
        o.seed = seed;
        if let Ok(p) = plan(&set, &o) {
            for s in &p.splits {
                let parent = set.parcels.iter().find(|q| q.id == s.parent).unwrap();
                let u = parent.land_use().unwrap();
                assert!(
                    !u.ends_with("_corridor"),
                    "seed {seed}: cut {} ({u})",
                    s.parent
                );
                cut += 1;
            }
        }
    }
    assert!(
        cut > 0,
        "some grids must have been cut (else the test shows nothing)"
    );
    let all = grid(
        3,
        3,
        |r, c| format!("P{r}{c}"),
        |_, _| r#"{"land_use":"road_corridor"}"#.into(),
    );
    let mut o = opts(&[("mill", 3.4 * cell)]);
    o.split = true;
    let e = plan(&all, &o).expect_err("only corridors");
    assert!(e.to_string().contains("cut: "), "{e}");
    // Without the rule the same grid is cut.
    o.no_cut_uses.clear();
    assert_eq!(plan(&all, &o).expect("cuttable").splits.len(), 1);
}

/// A 12 × 12 grid of 0.005° cells from (67.3 E, 24.8 N) written the way many programs write a
/// cell: its south-west corner as a decimal, and its other corners as that corner plus the
/// cell's size, computed in floating point. So a cell's east side is 67.30500000000001 or
/// 67.30499999999999 where its neighbour's west side is 67.305: at four column seams and three
/// row seams the two cells' boxes miss each other by about 1e-14° (and the planner saw the grid
/// cut into blocks of at most 16 cells, so a 30-cell zone was "not found").
#[test]
fn plans_on_a_float_built_grid() {
    let n = 12;
    let mut features = Vec::new();
    for r in 0..n {
        for c in 0..n {
            let x: f64 = format!("{:.3}", 67.3 + 0.005 * c as f64).parse().unwrap();
            let y: f64 = format!("{:.3}", 24.8 + 0.005 * r as f64).parse().unwrap();
            let (x1, y1) = (x + 0.005, y + 0.005);
            features.push(format!(
                r#"{{"type":"Feature","id":"P{r}_{c}","properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[[{x},{y}],[{x1},{y}],[{x1},{y1}],[{x},{y1}],[{x},{y}]]]}}}}"#
            ));
        }
    }
    let text = format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    );
    let set = parse_parcels(text.as_bytes(), "float-grid.geojson").unwrap();
    // The seams are there: some east sides end short of their neighbour's west side.
    let short = (0..n * n - 1)
        .filter(|&k| k % n + 1 < n)
        .filter(|&k| set.parcels[k].bbox().max().x < set.parcels[k + 1].bbox().min().x)
        .count();
    assert!(short >= 3 * n, "{short}");
    let cell = crate::geodesy::acres(crate::geodesy::area_m2(&set.parcels[0].geometry));
    let o = opts(&[("mill", 30.0 * cell)]);
    let p = plan(&set, &o).expect("a 30-cell zone on a 12 × 12 grid");
    // The zone's cells, by row and column from their ids: 30 of them (the cells' areas differ
    // by under 0.1 % across the grid) and rook-connected on the lattice itself.
    let cells: Vec<(usize, usize)> = p
        .parcels
        .iter()
        .filter(|q| q.zone == "mill")
        .map(|q| {
            let (r, c) = q.id.0[1..].split_once('_').unwrap();
            (r.parse().unwrap(), c.parse().unwrap())
        })
        .collect();
    assert_eq!(cells.len(), 30, "{cells:?}");
    let mut seen = vec![cells[0]];
    let mut stack = vec![cells[0]];
    while let Some((r, c)) = stack.pop() {
        for &q in &cells {
            if r.abs_diff(q.0) + c.abs_diff(q.1) == 1 && !seen.contains(&q) {
                seen.push(q);
                stack.push(q);
            }
        }
    }
    assert_eq!(seen.len(), 30, "the zone is in pieces: {cells:?}");
    assert_eq!(p.zones[0].components, 1);
    // Its dissolved outline is one polygon without holes: the seams leave no slivers.
    let outlines = crate::plan::outline::zone_outlines(&p).unwrap();
    let mill = outlines.iter().find(|o| o.zone == "mill").unwrap();
    assert_eq!(mill.boundary.0.len(), 1);
    assert!(mill.boundary.0[0].interiors().is_empty());
}
