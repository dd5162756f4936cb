//! Spatial index: an rstar R-tree over parcel bounding boxes.
//!
//! Everything that asks "which parcels are near this one" goes through [`ParcelIndex`]: the
//! overlap search, adjacency (shared edges), gap attribution and the planner. Queries return
//! candidates by bounding box only; callers test the geometry exactly.

use geo::{MultiPolygon, Rect};
use rayon::prelude::*;
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RStarInsertionStrategy, RTree, RTreeObject, RTreeParams};

use crate::geom::bbox::bbox_of;

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Node sizes of the tree: wider than rstar's default (6), which makes bulk loading and
/// window queries over a million parcels faster (callgrind, 20k parcels: bulk load 87M -> 32M instructions).
struct Params;

impl RTreeParams for Params {
    const MIN_SIZE: usize = 5;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = RStarInsertionStrategy;
}

/// R-trees of bounding boxes, each box tagged with the index of its geometry.
///
/// rstar bulk-loads on one thread (about 1.2 s for a million boxes), so a large index is built
/// as one tree per thread over west-to-east slabs of the boxes, loaded in parallel; every query
/// asks each tree (a tree whose root box misses the query costs one box test). Results do not
/// depend on the number of trees: queries return sorted indices.
pub struct ParcelIndex {
    trees: Vec<RTree<Entry, Params>>,
    /// The boxes, by entry index.
    boxes: Vec<AABB<[f64; 2]>>,
}

/// Indexes smaller than this are one tree (splitting them gains nothing measurable).
const SHARD_MIN: usize = 50_000;

/// Candidate pairs are found in chunks of this many entries, in parallel.
const PAIR_CHUNK: usize = 2048;

/// `env` grown by `tol` on every side (itself when `tol` is not positive).
fn grown(env: &AABB<[f64; 2]>, tol: f64) -> AABB<[f64; 2]> {
    if tol > 0.0 {
        let (lo, hi) = (env.lower(), env.upper());
        AABB::from_corners([lo[0] - tol, lo[1] - tol], [hi[0] + tol, hi[1] + tol])
    } else {
        *env
    }
}

fn rect_entry(r: Rect<f64>, i: usize) -> Entry {
    GeomWithData::new(
        Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]),
        i,
    )
}

impl ParcelIndex {
    /// Bulk-loads an index over geometries; entry `i` is `geometries[i]`.
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// let a = MultiPolygon(vec![polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)]]);
    /// let b = MultiPolygon(vec![polygon![(x: 1., y: 0.), (x: 2., y: 0.), (x: 2., y: 1.), (x: 1., y: 1.)]]);
    /// let c = MultiPolygon(vec![polygon![(x: 5., y: 5.), (x: 6., y: 5.), (x: 6., y: 6.), (x: 5., y: 6.)]]);
    /// let index = allot::ParcelIndex::build([&a, &b, &c]);
    /// assert_eq!(index.candidate_pairs(), vec![(0, 1)]);
    /// ```
    pub fn build<'a>(geometries: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let geometries: Vec<&MultiPolygon<f64>> = geometries.into_iter().collect();
        Self::from_entries(
            geometries
                .par_iter()
                .enumerate()
                .map(|(i, g)| rect_entry(bbox_of(g), i))
                .collect(),
        )
    }

    fn from_entries(entries: Vec<Entry>) -> Self {
        let shards = if entries.len() < SHARD_MIN {
            1
        } else {
            rayon::current_num_threads().clamp(1, 8)
        };
        Self::sharded(entries, shards)
    }

    /// Builds `shards` trees over west-to-east slabs of equal size, in parallel.
    fn sharded(mut entries: Vec<Entry>, shards: usize) -> Self {
        let boxes = entries.iter().map(|e| e.envelope()).collect();
        let centre_x = |e: &Entry| {
            let env = e.envelope();
            env.lower()[0] + env.upper()[0]
        };
        let mut slabs: Vec<Vec<Entry>> = Vec::with_capacity(shards);
        for k in (1..shards.max(1)).rev() {
            // Split off the eastmost slab of the rest: 1/(k+1) of what is left.
            let keep = entries.len() * k / (k + 1);
            if keep > 0 && keep < entries.len() {
                entries.select_nth_unstable_by(keep, |a, b| {
                    centre_x(a)
                        .total_cmp(&centre_x(b))
                        .then(a.data.cmp(&b.data))
                });
            }
            slabs.push(entries.split_off(keep));
        }
        slabs.push(entries);
        let trees = slabs
            .into_par_iter()
            .map(RTree::bulk_load_with_params)
            .collect();
        ParcelIndex { trees, boxes }
    }

    /// [`ParcelIndex::meeting`] for a box of the caller's own.
    fn meeting_owned(&self, env: AABB<[f64; 2]>) -> impl Iterator<Item = &Entry> + '_ {
        self.trees
            .iter()
            .flat_map(move |t| t.locate_in_envelope_intersecting(&env).collect::<Vec<_>>())
    }

    /// Every entry whose box meets `env`, in no particular order.
    fn meeting<'a>(&'a self, env: &'a AABB<[f64; 2]>) -> impl Iterator<Item = &'a Entry> + 'a {
        self.trees
            .iter()
            .flat_map(move |t| t.locate_in_envelope_intersecting(env))
    }

    /// Builds an index from precomputed bounding boxes; entry `i` is `boxes[i]`.
    pub fn from_boxes(boxes: impl IntoIterator<Item = Rect<f64>>) -> Self {
        Self::from_entries(
            boxes
                .into_iter()
                .enumerate()
                .map(|(i, r)| rect_entry(r, i))
                .collect(),
        )
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.boxes.len()
    }

    /// True when the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.boxes.is_empty()
    }

    /// Every pair `(i, j)`, `i < j`, whose bounding boxes intersect (touching counts), sorted.
    ///
    /// Enough for overlaps (two parcels whose boxes do not meet cannot overlap), not for
    /// anything decided within a tolerance: see [`candidate_pairs_within`](Self::candidate_pairs_within).
    pub fn candidate_pairs(&self) -> Vec<(usize, usize)> {
        self.candidate_pairs_within(0.0)
    }

    /// Every pair `(i, j)`, `i < j`, whose bounding boxes come within `tol` of each other
    /// (each box grown by `tol` on every side meets the other), sorted.
    ///
    /// Whatever is decided within a tolerance (a shared edge within the adjacency's collinear
    /// tolerance) needs the pairs within that tolerance: two neighbours whose shared side is
    /// written 67.00999999999999 in one and 67.01 in the other have boxes 1e-14° apart, and
    /// [`candidate_pairs`](Self::candidate_pairs) does not pair them.
    ///
    /// Each entry's window query runs in parallel (in chunks of entries); each entry's partners
    /// are sorted, and the chunks are concatenated in entry order, so the result is sorted.
    ///
    /// ```
    /// use geo::{polygon, MultiPolygon};
    /// let a = MultiPolygon(vec![polygon![(x: 67.0, y: 24.0), (x: 67.00999999999999, y: 24.0), (x: 67.00999999999999, y: 24.01), (x: 67.0, y: 24.01)]]);
    /// let b = MultiPolygon(vec![polygon![(x: 67.01, y: 24.0), (x: 67.02, y: 24.0), (x: 67.02, y: 24.01), (x: 67.01, y: 24.01)]]);
    /// let index = allot::ParcelIndex::build([&a, &b]);
    /// assert!(index.candidate_pairs().is_empty());
    /// assert_eq!(index.candidate_pairs_within(1e-8), vec![(0, 1)]);
    /// ```
    pub fn candidate_pairs_within(&self, tol: f64) -> Vec<(usize, usize)> {
        self.compact_pairs(tol)
            .into_iter()
            .map(|(i, j)| (i as usize, j as usize))
            .collect()
    }

    /// [`ParcelIndex::candidate_pairs_within`] as pairs of `u32` (8 bytes a pair instead of 16:
    /// a million non-convex parcels have about four million pairs).
    ///
    /// # Panics
    /// When the index holds `u32::MAX` entries or more (a reader holds fewer features).
    pub(crate) fn compact_pairs(&self, tol: f64) -> Vec<(u32, u32)> {
        let chunks: Vec<Vec<(u32, u32)>> = self.pair_chunks(tol).collect();
        chunks.concat()
    }

    /// [`ParcelIndex::compact_pairs`] in consecutive pieces, found in parallel, for a caller
    /// that consumes the pairs as they come instead of holding them all.
    ///
    /// # Panics
    /// When the index holds `u32::MAX` entries or more (a reader holds fewer features).
    pub(crate) fn pair_chunks(
        &self,
        tol: f64,
    ) -> impl IndexedParallelIterator<Item = Vec<(u32, u32)>> + '_ {
        assert!(
            self.boxes.len() < u32::MAX as usize,
            "too many entries for 32-bit pairs"
        );
        self.boxes
            .par_chunks(PAIR_CHUNK)
            .enumerate()
            .map(move |(c, boxes)| {
                let mut out = Vec::with_capacity(boxes.len() * 4);
                for (k, env) in boxes.iter().enumerate() {
                    let i = c * PAIR_CHUNK + k;
                    let start = out.len();
                    let env = grown(env, tol);
                    out.extend(
                        self.meeting(&env)
                            .filter(|e| e.data > i)
                            .map(|e| (i as u32, e.data as u32)),
                    );
                    out[start..].sort_unstable();
                }
                out
            })
    }

    /// The candidate pairs within `tol` (as [`ParcelIndex::compact_pairs`]) with at least one
    /// entry for which `of` is true, sorted: only the boxes of those entries are queried, so
    /// when they are few this costs little and holds little.
    pub(crate) fn pairs_of(&self, tol: f64, of: impl Fn(usize) -> bool + Sync) -> Vec<(u32, u32)> {
        assert!(
            self.boxes.len() < u32::MAX as usize,
            "too many entries for 32-bit pairs"
        );
        let mut out: Vec<(u32, u32)> = self
            .boxes
            .par_iter()
            .enumerate()
            .filter(|&(i, _)| of(i))
            .flat_map_iter(|(i, env)| {
                self.meeting_owned(grown(env, tol))
                    .filter(move |e| e.data != i)
                    .map(move |e| (i.min(e.data) as u32, i.max(e.data) as u32))
            })
            .collect();
        out.par_sort_unstable();
        out.dedup();
        out
    }

    /// The common part `[min_x, min_y, max_x, max_y]` of the boxes of entries `i` and `j` when
    /// it has an area; `None` when they are apart or meet only along an edge or at a corner, in
    /// which case the interiors of the shapes inside them are disjoint (each interior lies
    /// inside its open box).
    pub(crate) fn shared_box(&self, i: usize, j: usize) -> Option<[f64; 4]> {
        let (a, b) = (&self.boxes[i], &self.boxes[j]);
        let (al, au, bl, bu) = (a.lower(), a.upper(), b.lower(), b.upper());
        let r = [
            al[0].max(bl[0]),
            al[1].max(bl[1]),
            au[0].min(bu[0]),
            au[1].min(bu[1]),
        ];
        (r[0] < r[2] && r[1] < r[3]).then_some(r)
    }

    /// Indices of entries whose boxes intersect `rect` (touching counts), sorted.
    pub fn query(&self, rect: Rect<f64>) -> Vec<usize> {
        let env = AABB::from_corners([rect.min().x, rect.min().y], [rect.max().x, rect.max().y]);
        let mut out: Vec<usize> = self.meeting(&env).map(|e| e.data).collect();
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;

    /// The planner's seeded SplitMix64 stream, so tests are reproducible.
    use crate::util::Rng;

    fn random_boxes(seed: u64, n: usize) -> Vec<Rect<f64>> {
        let mut rng = Rng::new(seed);
        (0..n)
            .map(|_| {
                let x = 67.0 + rng.unit() * 0.2;
                let y = 24.7 + rng.unit() * 0.2;
                let w = rng.unit() * 0.01;
                let h = rng.unit() * 0.01;
                Rect::new(Coord { x, y }, Coord { x: x + w, y: y + h })
            })
            .collect()
    }

    fn boxes_meet(a: &Rect<f64>, b: &Rect<f64>) -> bool {
        a.min().x <= b.max().x
            && b.min().x <= a.max().x
            && a.min().y <= b.max().y
            && b.min().y <= a.max().y
    }

    #[test]
    fn candidate_pairs_equal_brute_force_on_seeded_boxes() {
        for seed in [1, 2, 3, 42] {
            let boxes = random_boxes(seed, 700);
            let index = ParcelIndex::from_boxes(boxes.iter().copied());
            let mut brute = Vec::new();
            for i in 0..boxes.len() {
                for j in i + 1..boxes.len() {
                    if boxes_meet(&boxes[i], &boxes[j]) {
                        brute.push((i, j));
                    }
                }
            }
            let got = index.candidate_pairs();
            assert!(!got.is_empty());
            assert_eq!(got, brute, "seed {seed}");
        }
    }

    /// Pairs within a tolerance equal the brute force on boxes snapped so that many pairs
    /// miss each other by less than the tolerance (and some by more).
    #[test]
    fn candidate_pairs_within_a_tolerance_equal_brute_force() {
        let tol = 1e-8;
        let mut rng = Rng::new(9);
        // Boxes on a 0.001° lattice, each side moved by −2·tol..2·tol: neighbours' boxes
        // overlap, touch, or miss by up to 4·tol.
        let mut boxes = Vec::new();
        for i in 0..30 {
            for j in 0..30 {
                let mut nudge = || (rng.unit() - 0.5) * 4.0 * tol;
                let (x, y) = (67.0 + j as f64 * 0.001, 24.8 + i as f64 * 0.001);
                boxes.push(Rect::new(
                    Coord {
                        x: x + nudge(),
                        y: y + nudge(),
                    },
                    Coord {
                        x: x + 0.001 + nudge(),
                        y: y + 0.001 + nudge(),
                    },
                ));
            }
        }
        let index = ParcelIndex::from_boxes(boxes.iter().copied());
        let near = |a: &Rect<f64>, b: &Rect<f64>| {
            a.min().x - tol <= b.max().x
                && b.min().x <= a.max().x + tol
                && a.min().y - tol <= b.max().y
                && b.min().y <= a.max().y + tol
        };
        let mut brute = Vec::new();
        let mut missed_without = 0;
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                if near(&boxes[i], &boxes[j]) {
                    brute.push((i, j));
                    missed_without += usize::from(!boxes_meet(&boxes[i], &boxes[j]));
                }
            }
        }
        assert_eq!(index.candidate_pairs_within(tol), brute);
        // The case that matters is there: pairs within the tolerance whose boxes do not meet.
        assert!(missed_without > 100, "{missed_without}");
        assert_eq!(index.candidate_pairs_within(0.0), index.candidate_pairs());
    }

    #[test]
    fn window_query_equals_brute_force() {
        let boxes = random_boxes(7, 1000);
        let index = ParcelIndex::from_boxes(boxes.iter().copied());
        for w in random_boxes(99, 50) {
            let brute: Vec<usize> = (0..boxes.len())
                .filter(|&i| boxes_meet(&boxes[i], &w))
                .collect();
            assert_eq!(index.query(w), brute);
        }
    }

    #[test]
    fn pairs_of_some_entries_are_the_candidate_pairs_that_involve_them() {
        // Against the full list filtered: every pair with at least one chosen entry, each
        // once, in the same order, whatever is chosen (none, a few, every third, all).
        for (seed, n, tol) in [(11, 800, 0.0), (11, 800, 1e-3), (12, 2, 0.0), (13, 0, 1e-3)] {
            let boxes = random_boxes(seed, n);
            let index = ParcelIndex::from_boxes(boxes.iter().copied());
            let all = index.compact_pairs(tol);
            let choices: [&(dyn Fn(usize) -> bool + Sync); 4] =
                [&|_| false, &|i| i % 97 == 5, &|i| i % 3 == 0, &|_| true];
            for (k, of) in choices.iter().enumerate() {
                let want: Vec<(u32, u32)> = all
                    .iter()
                    .copied()
                    .filter(|&(i, j)| of(i as usize) || of(j as usize))
                    .collect();
                assert_eq!(
                    index.pairs_of(tol, of),
                    want,
                    "seed {seed} tol {tol} choice {k}"
                );
                if n > 100 && k > 0 {
                    assert!(!want.is_empty());
                }
            }
            assert_eq!(
                all.iter()
                    .map(|&(i, j)| (i as usize, j as usize))
                    .collect::<Vec<_>>(),
                index.candidate_pairs_within(tol)
            );
        }
    }

    #[test]
    fn shared_box_is_the_common_part_when_it_has_an_area() {
        let r = |x0: f64, y0: f64, x1: f64, y1: f64| {
            Rect::new(geo::Coord { x: x0, y: y0 }, geo::Coord { x: x1, y: y1 })
        };
        let index = ParcelIndex::from_boxes([
            r(0., 0., 2., 2.),
            r(1., 1., 3., 4.),
            r(2., 0., 3., 1.),
            r(2., 2., 3., 3.),
            r(5., 5., 6., 6.),
        ]);
        assert_eq!(index.shared_box(0, 1), Some([1., 1., 2., 2.]));
        assert_eq!(index.shared_box(1, 0), Some([1., 1., 2., 2.]));
        assert_eq!(index.shared_box(0, 2), None); // along an edge
        assert_eq!(index.shared_box(0, 3), None); // at a corner
        assert_eq!(index.shared_box(0, 4), None); // apart
    }

    #[test]
    fn touching_boxes_are_candidates() {
        let a = Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 1.0, y: 1.0 });
        let b = Rect::new(Coord { x: 1.0, y: 1.0 }, Coord { x: 2.0, y: 2.0 });
        let index = ParcelIndex::from_boxes([a, b]);
        assert_eq!(index.candidate_pairs(), vec![(0, 1)]);
        assert!(!index.is_empty());
        assert_eq!(index.len(), 2);
    }

    #[test]
    fn sharded_index_answers_like_brute_force() {
        // The parallel build splits the boxes into west-to-east slabs, one tree each; pairs and
        // windows that straddle slabs must still be found, whatever the number of slabs.
        for (seed, n) in [(5, 900), (6, 3), (8, 0)] {
            let boxes = random_boxes(seed, n);
            let mut brute = Vec::new();
            for i in 0..boxes.len() {
                for j in i + 1..boxes.len() {
                    if boxes_meet(&boxes[i], &boxes[j]) {
                        brute.push((i, j));
                    }
                }
            }
            for shards in 1..=5 {
                let entries = boxes
                    .iter()
                    .enumerate()
                    .map(|(i, r)| rect_entry(*r, i))
                    .collect();
                let index = ParcelIndex::sharded(entries, shards);
                assert_eq!(index.trees.len(), shards);
                assert_eq!(index.len(), n);
                assert_eq!(
                    index.candidate_pairs(),
                    brute,
                    "seed {seed}, {shards} shards"
                );
                for w in random_boxes(seed + 100, 40) {
                    let want: Vec<usize> = (0..n).filter(|&i| boxes_meet(&boxes[i], &w)).collect();
                    assert_eq!(index.query(w), want);
                }
            }
        }
    }
}
