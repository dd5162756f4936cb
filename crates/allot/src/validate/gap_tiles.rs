//! The gap search window by window: the land the unmatched parcels enclose, found tile by tile
//! with a halo, with no more than a few tiles' parcels in the engine at once.
//!
//! One engine call over a whole cadastral fabric (where almost no plot has every edge matched,
//! so almost every plot goes in) held about 2 GB at a million plots. Here the box of the
//! parcels is cut into tiles of about [`Tiling::parcels_per_tile`] parcels. For each tile the
//! engine takes a window (the tile grown by a halo) minus every unmatched parcel whose box meets
//! the window, and the tile keeps the pieces it owns: those whose *anchor* (the least vertex of
//! the shell, by x then y) lies in the tile, so each piece is kept by exactly one tile.
//!
//! Why a piece found in a window is a piece of the whole: every parcel that reaches land inside
//! the window is in the call, so a piece of (window − parcels) that stays clear of the window's
//! edge is bounded by the same parcels as in the whole, and is the same land. Two things make
//! it the same *bits*:
//! - **One grid.** The engine snaps every coordinate to a grid set by the box of its call; every
//!   window here is run on the grid of the whole search's frame ([`Grid`]), so each vertex lands
//!   where it lands in the one call over everything.
//! - **Clear of what the window's edge cuts.** The window's edge cuts the parcels that cross
//!   it, and the cut points are rounded, which may move the cut edges (and what the engine
//!   splits them into) by a grid step. Those edges lie in the part of their parcels' boxes
//!   inside the window, so a piece is trusted only if its box meets none of those parts (grown
//!   by 64 grid steps) and stays 64 grid steps inside the window; on a side where the window
//!   reaches past the parcels' box it reaches the frame, and nothing is cut there.
//!
//! A piece with a vertex beyond the parcels' box is the outside (it reaches the frame through
//! land no parcel meets). A piece that is neither trusted nor the outside and has a vertex in the
//! tile may hold the anchor of land larger than the halo (a large gap, the land inside an outer
//! ring of unmatched parcels, a long network of hairline cracks): it gets a window of its own
//! (its box plus a halo that doubles each round; windows that meet are merged), and the tile
//! keeps what those windows trust, until no such piece is left. At worst a window becomes the
//! whole frame, which is the one call over everything. A piece found whole in two windows is
//! the same piece bit for bit, and is kept once.
//!
//! The tiles cost time where hairline cracks run from tile to tile (cadastral land: about 3.5×
//! the one call's CPU at 100k plots), so [`super::gaps`] tiles only from two million unmatched
//! parcels up, where the one call's memory would pass about 5 GB.
//!
//! The single call stays in [`super::gaps`] as the reference; the unit tests compare the two
//! piece by piece, bit for bit, with tiny tiles.

use geo::{Coord, MultiPolygon, Orient, Polygon, Rect, orient::Direction};
use rayon::prelude::*;

use crate::geom::bbox::{bbox_of_polygons, grown, rect_intersection, rect_union, ring_box};
use crate::geom::boolops::{self, Grid};
use crate::index::ParcelIndex;
use crate::model::Parcel;

/// How the gap search is cut into tiles.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tiling {
    /// About how many unmatched parcels a tile holds; with fewer than this in all, the search
    /// is one call.
    pub(crate) parcels_per_tile: usize,
}

impl Default for Tiling {
    /// Tiles of 16,000 parcels: an engine call of that size holds some tens of MB, and the halo
    /// (a sixteenth of a tile's side all round) adds about a quarter as many parcels again.
    fn default() -> Self {
        Tiling {
            parcels_per_tile: 16_000,
        }
    }
}

/// A frame around the box `b` (grown by a hundredth of its extent, which keeps the engine's
/// grid as fine as for `b` alone; nothing enclosed reaches the margin), and the margin.
pub(crate) fn frame_of(b: Rect<f64>) -> (Rect<f64>, f64) {
    let m = b.width().max(b.height()).max(1e-9) / 100.0;
    let frame = grown(b, m);
    (frame, m)
}

/// The least vertex of `p`'s shell, by x then y: which tile keeps the piece.
fn anchor(p: &Polygon<f64>) -> Coord<f64> {
    p.exterior()
        .0
        .iter()
        .copied()
        .min_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)))
        .unwrap_or(Coord { x: 0.0, y: 0.0 })
}

/// Whether `inner` lies inside `outer`, edges excluded.
fn strictly_inside(inner: Rect<f64>, outer: Rect<f64>) -> bool {
    inner.min().x > outer.min().x
        && inner.min().y > outer.min().y
        && inner.max().x < outer.max().x
        && inner.max().y < outer.max().y
}

/// The tiles: `nx` × `ny` equal cells over the box `b` (the outer cells reach to infinity).
struct Tiles {
    b: Rect<f64>,
    nx: usize,
    ny: usize,
}

impl Tiles {
    fn new(b: Rect<f64>, parcels: usize, per_tile: usize) -> Self {
        let want = parcels.div_ceil(per_tile.max(1)).max(1) as f64;
        let (w, h) = (b.width().max(1e-12), b.height().max(1e-12));
        let nx = (want * w / h).sqrt().ceil().clamp(1.0, 4096.0) as usize;
        let ny = (want / nx as f64).ceil().clamp(1.0, 4096.0) as usize;
        Tiles { b, nx, ny }
    }

    fn count(&self) -> usize {
        self.nx * self.ny
    }

    fn side(&self) -> (f64, f64) {
        (
            self.b.width() / self.nx as f64,
            self.b.height() / self.ny as f64,
        )
    }

    /// The tile holding `c` (each point in exactly one).
    fn of(&self, c: Coord<f64>) -> usize {
        let (w, h) = self.side();
        let cell = |v: f64, lo: f64, s: f64, n: usize| -> usize {
            if s > 0.0 {
                (((v - lo) / s).floor().max(0.0) as usize).min(n - 1)
            } else {
                0
            }
        };
        let ix = cell(c.x, self.b.min().x, w, self.nx);
        let iy = cell(c.y, self.b.min().y, h, self.ny);
        iy * self.nx + ix
    }

    /// The cell of tile `t` (within `b`).
    fn cell(&self, t: usize) -> Rect<f64> {
        let (w, h) = self.side();
        let (ix, iy) = ((t % self.nx) as f64, (t / self.nx) as f64);
        let (x0, y0) = (self.b.min().x, self.b.min().y);
        Rect::new(
            Coord {
                x: x0 + ix * w,
                y: y0 + iy * h,
            },
            Coord {
                x: x0 + (ix + 1.0) * w,
                y: y0 + (iy + 1.0) * h,
            },
        )
    }
}

/// The pieces of the plane the parcels not marked in `skip` enclose (as one call of the engine
/// over a frame around them finds them, bit for bit), found window by window, with the box of
/// those parcels. `index` is built over `parcels` in order. `None` if the engine failed.
pub(crate) fn enclosed_tiled(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    tiling: Tiling,
) -> Option<(Vec<Polygon<f64>>, Rect<f64>)> {
    enclosed_counted(parcels, index, skip, tiling).map(|(pieces, b, _)| (pieces, b))
}

/// Gap pieces, each with the point it is sorted by.
type Owned = Vec<(Coord<f64>, Polygon<f64>)>;

/// The gap pieces, their frame, and the counts of tiles and of windows run.
type Counted = (Vec<Polygon<f64>>, Rect<f64>, [usize; 2]);

/// [`enclosed_tiled`], with how many tiles there were and how many windows the engine ran on
/// (more than the tiles when some grew).
fn enclosed_counted(
    parcels: &[Parcel],
    index: &ParcelIndex,
    skip: &[bool],
    tiling: Tiling,
) -> Option<Counted> {
    let kept: Vec<usize> = (0..parcels.len()).filter(|&i| !skip[i]).collect();
    if kept.is_empty() {
        return Some((
            Vec::new(),
            Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 0.0, y: 0.0 }),
            [0, 0],
        ));
    }
    let b = bbox_of_polygons(kept.iter().flat_map(|&i| parcels[i].geometry.0.iter()));
    let (frame, m) = frame_of(b);
    let grid = Grid::of(frame);
    let tiles = Tiles::new(b, kept.len(), tiling.parcels_per_tile);
    drop(kept);
    let beyond = |r: Rect<f64>| {
        r.min().x < b.min().x - m / 2.0
            || r.min().y < b.min().y - m / 2.0
            || r.max().x > b.max().x + m / 2.0
            || r.max().y > b.max().y + m / 2.0
    };
    let (tw, th) = tiles.side();
    let halo = tw.max(th) / 16.0;
    let step = grid.step();
    // One engine call on `window` for tile `t`: the pieces it trusts and tile `t` owns, and
    // the boxes of the pieces it cannot trust that have a vertex in tile `t`.
    let one_window = |t: usize, window: Rect<f64>| -> Option<(Owned, Vec<Rect<f64>>)> {
        let window = reach_frame(window, b, frame);
        let near: Vec<usize> = index
            .query(grown(window, 64.0 * step))
            .into_iter()
            .filter(|&i| !skip[i])
            .collect();
        // Where the window's edge cuts a parcel, the engine may split that parcel's cut edges
        // differently from the whole: they lie in the part of its box inside the window.
        let cuts = ParcelIndex::from_boxes(near.iter().filter_map(|&i| {
            let pb = parcels[i].bbox();
            (!strictly_inside(pb, window))
                .then(|| grown(rect_intersection(pb, window), 64.0 * step))
        }));
        let zone = trusted_zone(window, frame, 64.0 * step);
        let polys: Vec<Polygon<f64>> = near
            .iter()
            .flat_map(|&i| parcels[i].geometry.0.iter())
            .map(|p| p.orient(Direction::Default))
            .collect();
        drop(near);
        let pieces = if polys.is_empty() {
            MultiPolygon(Vec::new())
        } else {
            boolops::difference_of_all_on(grid, &window.to_polygon(), &polys)?
        };
        drop(polys);
        let mut owned = Vec::new();
        let mut open = Vec::new();
        for p in pieces.0 {
            let pb = ring_box(p.exterior());
            if beyond(pb) {
                continue;
            }
            if in_zone(pb, &zone) && cuts.query(pb).is_empty() {
                let a = anchor(&p);
                if tiles.of(a) == t {
                    owned.push((a, p));
                }
            } else if p.exterior().0.iter().any(|&c| tiles.of(c) == t) {
                open.push(pb);
            }
        }
        Some((owned, open))
    };
    let run = |t: usize| -> Option<(Owned, usize)> {
        let mut windows = vec![grown(tiles.cell(t), halo)];
        let mut out: Owned = Vec::new();
        let mut runs = 0;
        for level in 0u32.. {
            let mut open = Vec::new();
            for w in windows {
                runs += 1;
                let (owned, more) = one_window(t, w)?;
                out.extend(owned);
                open.extend(more);
            }
            if open.is_empty() {
                break;
            }
            // Each piece not yet trusted gets a window around it with a halo that doubles
            // each time (windows that meet are merged); the whole frame trusts every piece.
            let reach = if level < 40 {
                halo * f64::from(2u32 << level.min(30))
            } else {
                f64::INFINITY
            };
            windows = merged(open.into_iter().map(|o| {
                if reach.is_finite() {
                    grown(o, reach)
                } else {
                    frame
                }
            }));
        }
        // A piece found whole in two windows is the same piece, bit for bit: keep it once.
        sort_pieces(&mut out);
        out.dedup_by(|p, q| p.0 == q.0 && p.1 == q.1);
        Some((out, runs))
    };
    // As many tiles at once as there are threads, so that no more tiles' engine calls are
    // alive at once (a thread waiting inside one call could otherwise start another tile).
    let threads = rayon::current_num_threads().max(1);
    let all_tiles: Vec<usize> = (0..tiles.count()).collect();
    let mut all: Vec<(Coord<f64>, Polygon<f64>)> = Vec::new();
    let mut windows = 0;
    for batch in all_tiles.chunks(threads) {
        let done: Vec<Option<(Owned, usize)>> = batch.par_iter().map(|&t| run(t)).collect();
        for t in done {
            let (pieces, w) = t?;
            all.extend(pieces);
            windows += w;
        }
    }
    sort_pieces(&mut all);
    Some((
        all.into_iter().map(|(_, p)| p).collect(),
        b,
        [tiles.count(), windows],
    ))
}

/// Pieces in a fixed order: by anchor, then by shell.
fn sort_pieces(v: &mut [(Coord<f64>, Polygon<f64>)]) {
    v.sort_by(|p, q| {
        p.0.x
            .total_cmp(&q.0.x)
            .then(p.0.y.total_cmp(&q.0.y))
            .then_with(|| ring_key(&p.1).cmp(&ring_key(&q.1)))
    });
}

/// Rectangles merged until no two meet: each result is the union of a group of the inputs.
fn merged(rects: impl IntoIterator<Item = Rect<f64>>) -> Vec<Rect<f64>> {
    let mut out: Vec<Rect<f64>> = Vec::new();
    for r in rects {
        let mut r = r;
        // Absorb every kept rectangle that meets r, until none does.
        while let Some(k) = out.iter().position(|o| meets(*o, r)) {
            r = rect_union(r, out.swap_remove(k));
        }
        out.push(r);
    }
    out.sort_by(|a, b| {
        (a.min().x, a.min().y)
            .partial_cmp(&(b.min().x, b.min().y))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

/// Whether two rectangles share a point.
fn meets(a: Rect<f64>, b: Rect<f64>) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
}

/// A tie-break between pieces with the same anchor (they meet at it): their shells' vertices.
fn ring_key(p: &Polygon<f64>) -> Vec<(u64, u64)> {
    p.exterior()
        .0
        .iter()
        .map(|c| (c.x.to_bits(), c.y.to_bits()))
        .collect()
}

/// `w`, with each side that reaches past the parcels' box `b` moved out to the frame's side
/// (so nothing is cut there and the outside reaches the frame), and no side beyond the frame.
fn reach_frame(w: Rect<f64>, b: Rect<f64>, frame: Rect<f64>) -> Rect<f64> {
    let lo = |v: f64, bv: f64, fv: f64| if v <= bv { fv } else { v.max(fv) };
    let hi = |v: f64, bv: f64, fv: f64| if v >= bv { fv } else { v.min(fv) };
    Rect::new(
        Coord {
            x: lo(w.min().x, b.min().x, frame.min().x),
            y: lo(w.min().y, b.min().y, frame.min().y),
        },
        Coord {
            x: hi(w.max().x, b.max().x, frame.max().x),
            y: hi(w.max().y, b.max().y, frame.max().y),
        },
    )
}

/// The part of the window `w` a piece must stay inside to be trusted, as [min x, min y, max x,
/// max y]: `w` less `d` on each side that cuts parcels; a side on the frame cuts nothing and
/// bounds nothing (a piece reaching it is the outside).
fn trusted_zone(w: Rect<f64>, frame: Rect<f64>, d: f64) -> [f64; 4] {
    let lo = |v: f64, fv: f64| if v == fv { f64::NEG_INFINITY } else { v + d };
    let hi = |v: f64, fv: f64| if v == fv { f64::INFINITY } else { v - d };
    [
        lo(w.min().x, frame.min().x),
        lo(w.min().y, frame.min().y),
        hi(w.max().x, frame.max().x),
        hi(w.max().y, frame.max().y),
    ]
}

/// Whether the box `r` lies inside the zone `z`, edges excluded.
fn in_zone(r: Rect<f64>, z: &[f64; 4]) -> bool {
    r.min().x > z[0] && r.min().y > z[1] && r.max().x < z[2] && r.max().y < z[3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::AreaUnit;
    use crate::validate::gaps::{enclosed_by_parcels, gaps_with};
    use crate::validate::{EdgeTable, fully_matched};

    fn parse(text: &str) -> Vec<Parcel> {
        crate::read::parse_parcels(text.as_bytes(), "t")
            .unwrap()
            .parcels
    }

    fn collection(features: &[String]) -> String {
        format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        )
    }

    /// A feature with one polygon per entry of `polys` (shell, then holes), each ring a list of
    /// (x, y).
    fn feature(id: &str, polys: &[Vec<Vec<(f64, f64)>>]) -> String {
        let ring = |r: &Vec<(f64, f64)>| {
            let mut pts: Vec<String> = r.iter().map(|(x, y)| format!("[{x},{y}]")).collect();
            pts.push(pts[0].clone());
            format!("[{}]", pts.join(","))
        };
        let polys: Vec<String> = polys
            .iter()
            .map(|p| format!("[{}]", p.iter().map(ring).collect::<Vec<_>>().join(",")))
            .collect();
        format!(
            r#"{{"type":"Feature","id":"{id}","properties":{{}},"geometry":{{"type":"MultiPolygon","coordinates":[{}]}}}}"#,
            polys.join(",")
        )
    }

    fn square(x: f64, y: f64, s: f64) -> Vec<(f64, f64)> {
        vec![(x, y), (x + s, y), (x + s, y + s), (x, y + s)]
    }

    /// The pieces in a fixed order: by anchor, then shell.
    fn sorted(mut v: Vec<Polygon<f64>>) -> Vec<Polygon<f64>> {
        v.sort_by(|p, q| {
            let (a, b) = (anchor(p), anchor(q));
            a.x.total_cmp(&b.x)
                .then(a.y.total_cmp(&b.y))
                .then_with(|| ring_key(p).cmp(&ring_key(q)))
        });
        v
    }

    /// Tiled and one-call searches agree bit for bit on `parcels`: the enclosed pieces (with
    /// every parcel in, and with the fully matched ones left out, as `validate` runs it), and
    /// the gap findings; for each tile size in `per_tile`. Returns how many pieces there were
    /// with every parcel in, and the most tiles and the most grown windows of any run.
    fn agree(parcels: &[Parcel], per_tile: &[usize]) -> (usize, [usize; 2]) {
        let index = ParcelIndex::build(parcels.iter().map(|p| &p.geometry));
        let none = vec![false; parcels.len()];
        let matched = fully_matched(parcels, &none, &EdgeTable::build(parcels));
        let mut count = 0;
        let mut runs = [0, 0];
        for (k, skip) in [&none, &matched].into_iter().enumerate() {
            let (one, b1) = enclosed_by_parcels(parcels, skip).unwrap();
            let one = sorted(one);
            if k == 0 {
                count = one.len();
            }
            for &n in per_tile {
                let tiling = Tiling {
                    parcels_per_tile: n,
                };
                let (tiled, b2, [tiles, windows]) =
                    enclosed_counted(parcels, &index, skip, tiling).unwrap();
                runs = [runs[0].max(tiles), runs[1].max(windows - tiles)];
                assert_eq!(b1, b2);
                assert_eq!(tiled.len(), one.len(), "{n} parcels a tile");
                assert!(tiled == sorted(tiled.clone()), "not in anchor order");
                for (k, (a, b)) in tiled.iter().zip(&one).enumerate() {
                    assert!(a == b, "piece {k}, {n} parcels a tile:\n{a:?}\n{b:?}");
                }
            }
        }
        for &n in per_tile {
            let run = |tiling| {
                gaps_with(
                    parcels,
                    &index,
                    &none,
                    None,
                    1.0,
                    Some(&matched),
                    AreaUnit::Acres,
                    tiling,
                )
            };
            let tiling = Tiling {
                parcels_per_tile: n,
            };
            let mut want = run(None);
            let mut got = run(Some(tiling));
            crate::validate::sort_findings(&mut want);
            crate::validate::sort_findings(&mut got);
            assert_eq!(got, want, "{n} parcels a tile");
        }
        (count, runs)
    }

    /// Seeded cadastral fabrics (T-junctions, neighbours rounded to 8 and 10 decimals, so
    /// hairline cracks everywhere), with injected overlaps and gaps, cut into tiles of 40 to
    /// 400 plots: every gap that straddles a tile border, every crack network, the land next to
    /// the outer boundary.
    #[test]
    fn tiles_find_the_same_pieces_as_one_call_on_cadastral_land() {
        use crate::synth::cadastral::CadastralSpec;
        use crate::synth::cadastral_defects::{Defects, inject};
        for seed in [3, 8] {
            let defects = Defects {
                overlaps: 4,
                gaps: 8,
                invalid: 0,
            };
            let text = inject(&CadastralSpec::with_parcels(1500, seed), defects).0;
            let parcels = parse(&text);
            let (pieces, [tiles, grown]) = agree(&parcels, &[40, 400]);
            assert!(pieces >= 8, "{pieces}");
            assert!(tiles >= 30 && grown >= 1, "{tiles} tiles, {grown} grown");
        }
    }

    /// Seeded non-convex and default fabrics with injected gaps and overlaps.
    #[test]
    fn tiles_find_the_same_pieces_as_one_call_on_generated_fabrics() {
        use crate::synth::{FabricSpec, generate};
        for spec in [
            FabricSpec {
                overlaps: 5,
                gaps: 8,
                ..FabricSpec::nonconvex(1200, 4)
            },
            FabricSpec {
                overlaps: 5,
                gaps: 8,
                ..FabricSpec::with_parcels(1200, 5)
            },
        ] {
            let parcels = parse(&generate(&spec).unwrap().0);
            let (pieces, [tiles, _]) = agree(&parcels, &[30, 200]);
            assert!(pieces >= 8, "{pieces}");
            assert!(tiles >= 30, "{tiles} tiles");
        }
    }

    /// Hand-made land: a 12 × 12 grid of 0.01° cells with a 2 × 2 gap straddling the middle
    /// (a tile border with four tiles), a ring-shaped gap around a block of 2 × 2 cells (meeting
    /// the 2 × 2 gap at a corner), an empty corner cell at the outer boundary (the outside, no
    /// gap), a cell with a hole, a two-part parcel whose parts flank a one-cell gap, and a gap
    /// one cell wide and ten long (longer than any halo here).
    #[test]
    fn tiles_find_the_same_pieces_on_hand_made_land() {
        let mut features = Vec::new();
        // (row, column) of the two-part parcel's cells.
        let two_part = [(10, 2), (10, 4)];
        for r in 0..12 {
            for c in 0..12 {
                let gap_2x2 = (5..7).contains(&r) && (5..7).contains(&c);
                let ring = (1..5).contains(&r)
                    && (7..11).contains(&c)
                    && !((2..4).contains(&r) && (8..10).contains(&c));
                let corner = (r, c) == (11, 11);
                let long = r == 8 && (1..11).contains(&c);
                let between = (r, c) == (10, 3);
                if gap_2x2 || ring || corner || long || between || two_part.contains(&(r, c)) {
                    continue;
                }
                let (x, y) = (67.0 + c as f64 * 0.01, 24.0 + r as f64 * 0.01);
                let mut poly = vec![square(x, y, 0.01)];
                if (r, c) == (3, 3) {
                    let mut h = square(x + 0.003, y + 0.003, 0.004);
                    h.reverse();
                    poly.push(h);
                }
                features.push(feature(&format!("c{r}_{c}"), &[poly]));
            }
        }
        let parts: Vec<Vec<Vec<(f64, f64)>>> = two_part
            .iter()
            .map(|&(r, c)| vec![square(67.0 + c as f64 * 0.01, 24.0 + r as f64 * 0.01, 0.01)])
            .collect();
        features.push(feature("two", &parts));
        let parcels = parse(&collection(&features));
        let (pieces, [tiles, grown]) = agree(&parcels, &[4, 9, 25, 60]);
        assert!(tiles >= 30 && grown >= 1, "{tiles} tiles, {grown} grown");
        // With every parcel in: the 2 × 2 gap, the ring, the hole, the long gap, the cell
        // between the two parts; the corner cell is the outside.
        assert_eq!(pieces, 5);
    }
}
