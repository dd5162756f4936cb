//! Known problems injected into a [`cadastral`](super::cadastral) fabric, with their truth, so
//! that a benchmark can check what validators find on real-data-like land.
//!
//! The fabric itself is left as generated (its hairline slivers and overlaps of a few m² from
//! differently rounded boundaries included; they are not injected problems). On top of it:
//! - **Overlap**: plot `c{k}` is written a second time as `d{k}` (same ring, same rounding), so
//!   the pair overlaps by the whole plot. `d{k}` follows the fabric's features.
//! - **Gap**: a square hole of 6 m (shrunk to 4.5 or 3 m when that does not fit) is cut out of
//!   the middle of plot `c{k}`, written clockwise with the plot's rounding: land of the fabric
//!   that no parcel covers, whatever the plot's neighbours round like.
//! - **Invalid**: bow-tie parcels `x{k}` (a self-intersecting quadrilateral of about 10 m), in a
//!   row 200 m south of the fabric, 30 m apart, touching nothing.
//!
//! Overlaps and gaps go to distinct plots of at least 400 m², drawn with the seed. Truth areas
//! are geodesic on WGS84 (`geo::GeodesicArea`) of the rings as written (each coordinate parsed
//! back from its text), independent of allot's reader and area code. A validator should be run
//! with reporting thresholds above the fabric's own slivers (the benchmark uses 10 m²); every
//! injected problem is larger (the smallest hole is 3.5 m square, about 12 m²).

use geo::{Contains, GeodesicArea, InteriorPoint, LineString, Polygon};

use super::cadastral::{CadastralSpec, generate_cadastral, write_feature};
use super::{InvalidKind, TrueGap, TrueInvalid, TrueOverlap, Truth};
use crate::util::Rng;

/// Side lengths tried for a hole, metres: the largest that fits strictly inside the plot.
const HOLE_SIDES_M: [f64; 3] = [6.0, 4.5, 3.5];
/// Smallest plot (grid m²) that gets an overlap or a hole.
const MIN_PLOT_M2: f64 = 400.0;

/// How many of each problem to inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Defects {
    /// Plots written twice.
    pub overlaps: usize,
    /// Plots with a hole.
    pub gaps: usize,
    /// Bow-tie parcels below the fabric.
    pub invalid: usize,
}

/// The coordinate as a reader sees it: `v` written with `decimals` decimals and parsed back.
fn as_written(v: f64, decimals: usize) -> f64 {
    format!("{v:.decimals$}").parse().unwrap_or(v)
}

fn polygon(rings: &[&[(f64, f64)]], decimals: usize) -> Polygon<f64> {
    let ls = |r: &[(f64, f64)]| {
        LineString::from(
            r.iter()
                .map(|&(x, y)| (as_written(x, decimals), as_written(y, decimals)))
                .collect::<Vec<_>>(),
        )
    };
    Polygon::new(ls(rings[0]), rings[1..].iter().map(|r| ls(r)).collect())
}

/// Geodesic area of a ring as written, m².
fn ring_area_m2(ring: &[(f64, f64)], decimals: usize) -> f64 {
    polygon(&[ring], decimals).geodesic_area_signed().abs()
}

/// A clockwise square of side `side_m` centred at `c` (lon, lat), closed.
fn square(c: (f64, f64), side_m: f64) -> Vec<(f64, f64)> {
    // Metres to degrees near the site (a 6 m square; exactness does not matter, the truth is
    // measured on the ring as written).
    let dlat = side_m / 2.0 / 110_800.0;
    let dlon = side_m / 2.0 / (111_320.0 * c.1.to_radians().cos());
    vec![
        (c.0 - dlon, c.1 - dlat),
        (c.0 - dlon, c.1 + dlat),
        (c.0 + dlon, c.1 + dlat),
        (c.0 + dlon, c.1 - dlat),
        (c.0 - dlon, c.1 - dlat),
    ]
}

/// Writes the cadastral fabric of `spec` with `defects` injected; returns the GeoJSON text and
/// what a validator must report (with thresholds above the fabric's own slivers, see the
/// module documentation). Deterministic in `spec` and `defects`.
///
/// ```
/// use allot::synth::cadastral::CadastralSpec;
/// use allot::synth::cadastral_defects::{inject, Defects};
/// let defects = Defects { overlaps: 2, gaps: 2, invalid: 2 };
/// let (text, truth) = inject(&CadastralSpec::with_parcels(600, 1), defects);
/// assert_eq!((truth.overlaps.len(), truth.gaps.len(), truth.invalid.len()), (2, 2, 2));
/// assert!(truth.gaps.iter().all(|g| g.area_m2 > 10.0));
/// assert_eq!(inject(&CadastralSpec::with_parcels(600, 1), defects).0, text);
/// ```
pub fn inject(spec: &CadastralSpec, defects: Defects) -> (String, Truth) {
    let fabric = generate_cadastral(spec);
    let plots = &fabric.parcels;
    let mut rng = Rng::new(spec.seed ^ 0xDEF3_C7ED);
    // Distinct large-enough plots, in a seeded order.
    let mut order: Vec<usize> = (0..plots.len())
        .filter(|&k| plots[k].area_m2 >= MIN_PLOT_M2)
        .collect();
    for k in (1..order.len()).rev() {
        order.swap(k, rng.below(k + 1));
    }
    let mut picks = order.into_iter();
    let dup: Vec<usize> = picks.by_ref().take(defects.overlaps).collect();
    // Holes: the next plots a square fits strictly inside (with room to spare: a square half
    // as large again must fit too).
    let mut holes: Vec<(usize, Vec<(f64, f64)>)> = Vec::new();
    for k in picks {
        if holes.len() == defects.gaps {
            break;
        }
        let p = &plots[k];
        let shell = polygon(&[&p.ring], p.decimals);
        let Some(c) = shell.interior_point() else {
            continue;
        };
        let fits = |side: f64| {
            let sq = square((c.x(), c.y()), side);
            shell.contains(&polygon(&[&sq], p.decimals))
        };
        if let Some(&side) = HOLE_SIDES_M.iter().find(|&&s| fits(s * 1.5) && fits(s)) {
            holes.push((k, square((c.x(), c.y()), side)));
        }
    }
    holes.sort_by_key(|h| h.0);
    let hole_of = |k: usize| holes.iter().find(|h| h.0 == k).map(|h| &h.1);

    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    let mut total_area_m2 = 0.0;
    let mut features = 0usize;
    let mut first = true;
    let mut sep = |text: &mut String| {
        if !std::mem::take(&mut first) {
            text.push_str(",\n");
        }
    };
    for (k, p) in plots.iter().enumerate() {
        sep(&mut text);
        let mut rings: Vec<&[(f64, f64)]> = vec![&p.ring];
        if let Some(h) = hole_of(k) {
            rings.push(h);
        }
        write_feature(&mut text, &p.id, &rings, p.decimals);
        total_area_m2 += ring_area_m2(&p.ring, p.decimals)
            - hole_of(k).map_or(0.0, |h| ring_area_m2(h, p.decimals));
        features += 1;
    }
    let mut overlaps = Vec::new();
    for &k in &dup {
        let p = &plots[k];
        let id = format!("d{}", k + 1);
        sep(&mut text);
        write_feature(&mut text, &id, &[&p.ring], p.decimals);
        let a = ring_area_m2(&p.ring, p.decimals);
        total_area_m2 += a;
        features += 1;
        let mut pair = [p.id.clone(), id];
        pair.sort();
        overlaps.push(TrueOverlap {
            parcels: pair,
            area_m2: a,
        });
    }
    // Bow-ties in a row below the fabric.
    let (min_lon, min_lat) = plots
        .iter()
        .flat_map(|p| p.ring.iter())
        .fold((f64::INFINITY, f64::INFINITY), |(x, y), &(a, b)| {
            (x.min(a), y.min(b))
        });
    let mut invalid = Vec::new();
    for k in 0..defects.invalid {
        let (x0, y0) = (min_lon + k as f64 * 0.0003, min_lat - 0.0018);
        let d = 0.0001;
        let ring = [
            (x0, y0),
            (x0 + d, y0 + d),
            (x0 + d, y0),
            (x0, y0 + d),
            (x0, y0),
        ];
        let id = format!("x{}", k + 1);
        sep(&mut text);
        write_feature(&mut text, &id, &[&ring], 8);
        features += 1;
        invalid.push(TrueInvalid {
            id,
            kind: InvalidKind::BowTie,
        });
    }
    text.push_str("\n]}\n");
    let gaps = holes
        .iter()
        .map(|(k, h)| {
            let p = &plots[*k];
            let centre = ((h[0].0 + h[2].0) / 2.0, (h[0].1 + h[2].1) / 2.0);
            TrueGap {
                area_m2: ring_area_m2(h, p.decimals),
                removed: Vec::new(),
                around: vec![p.id.clone()],
                point: centre,
            }
        })
        .collect();
    let truth = Truth {
        parcels: features,
        overlaps,
        gaps,
        invalid,
        total_area_m2,
        zones: Default::default(),
    };
    (text, truth)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{BooleanOps, MultiPolygon};

    /// The injected problems are what an independent computation (geo's boolean operations on
    /// the text as written, parsed with serde_json) finds: each duplicate overlaps its plot by
    /// the plot, each hole is covered by no parcel and lies inside its plot only.
    #[test]
    fn injections_are_what_geo_finds_on_the_written_text() {
        let defects = Defects {
            overlaps: 3,
            gaps: 3,
            invalid: 2,
        };
        let (text, truth) = inject(&CadastralSpec::with_parcels(800, 3), defects);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let features = json["features"].as_array().unwrap();
        assert_eq!(features.len(), truth.parcels);
        let parse = |f: &serde_json::Value| -> Polygon<f64> {
            let rings: Vec<LineString<f64>> = f["geometry"]["coordinates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    LineString::from(
                        r.as_array()
                            .unwrap()
                            .iter()
                            .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
                            .collect::<Vec<_>>(),
                    )
                })
                .collect();
            Polygon::new(rings[0].clone(), rings[1..].to_vec())
        };
        let all: Vec<(String, Polygon<f64>)> = features
            .iter()
            .map(|f| (f["id"].as_str().unwrap().to_string(), parse(f)))
            .collect();
        let geom = |id: &str| all.iter().find(|(i, _)| i == id).unwrap().1.clone();
        for o in &truth.overlaps {
            let (a, b) = (geom(&o.parcels[0]), geom(&o.parcels[1]));
            let i = MultiPolygon(vec![a]).intersection(&MultiPolygon(vec![b]));
            let area: f64 = i.0.iter().map(|p| p.geodesic_area_signed().abs()).sum();
            assert!((area - o.area_m2).abs() < 1e-6 * o.area_m2, "{o:?} {area}");
        }
        for g in &truth.gaps {
            let plot = geom(&g.around[0]);
            assert_eq!(plot.interiors().len(), 1);
            let hole = Polygon::new(plot.interiors()[0].clone(), vec![]);
            assert!((hole.geodesic_area_signed().abs() - g.area_m2).abs() < 1e-9);
            assert!(g.area_m2 > 10.0, "{}", g.area_m2);
            let p = geo::Point::new(g.point.0, g.point.1);
            // The hole's centre is in no parcel.
            for (id, poly) in &all {
                if !id.starts_with('x') {
                    assert!(
                        !poly.contains(&p),
                        "{id} covers the hole of {}",
                        g.around[0]
                    );
                }
            }
        }
        let ids: Vec<&str> = truth.invalid.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["x1", "x2"]);
        for id in ids {
            use geo::Validation;
            assert!(!geom(id).is_valid());
        }
    }
}
