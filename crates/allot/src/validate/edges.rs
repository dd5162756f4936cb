//! The shared edge table: which parcels are surrounded on every side by exactly matching edges.

use geo::{Coord, MultiPolygon};
use rayon::prelude::*;

use crate::model::Parcel;
use crate::util::mix::mix;

/// A 128-bit hash of a segment's endpoint bits (a vertex is the segment `(c, c)`).
fn segment_key(a: Coord<f64>, b: Coord<f64>) -> u128 {
    let w = [a.x.to_bits(), a.y.to_bits(), b.x.to_bits(), b.y.to_bits()];
    let (mut h1, mut h2) = (0x9E37_79B9_7F4A_7C15u64, 0xD1B5_4A32_D192_ED03u64);
    for v in w {
        h1 = mix(h1 ^ v);
        h2 = mix(h2.wrapping_add(v).rotate_left(17));
    }
    ((h1 as u128) << 64) | h2 as u128
}

/// A hasher for keys that are already well-mixed hashes: it passes a `u64` through.
#[derive(Default, Clone, Copy)]
struct PreHashed(u64);

impl std::hash::Hasher for PreHashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ b as u64);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

impl std::hash::BuildHasher for PreHashed {
    type Hasher = PreHashed;
    fn build_hasher(&self) -> PreHashed {
        PreHashed(0)
    }
}

/// Calls `f` on each oriented edge of a parcel (shells counter-clockwise, holes clockwise),
/// leaving out zero-length ones.
fn for_each_oriented_edge(g: &MultiPolygon<f64>, mut f: impl FnMut(Coord<f64>, Coord<f64>)) {
    for p in &g.0 {
        for (k, ring) in std::iter::once(p.exterior())
            .chain(p.interiors())
            .enumerate()
        {
            let c = &ring.0;
            let twice_area: f64 = c
                .windows(2)
                .map(|w| w[0].x * w[1].y - w[1].x * w[0].y)
                .sum();
            let want_ccw = k == 0;
            let forward = (twice_area > 0.0) == want_ccw;
            for w in c.windows(2) {
                if w[0] != w[1] {
                    if forward {
                        f(w[0], w[1])
                    } else {
                        f(w[1], w[0])
                    }
                }
            }
        }
    }
}

/// How many edges [`for_each_oriented_edge`] gives for a parcel.
fn edge_count(g: &MultiPolygon<f64>) -> usize {
    g.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| r.0.windows(2).filter(|w| w[0] != w[1]).count())
        .sum()
}

/// Every oriented edge of every parcel, sorted by its undirected segment, so that the edges
/// two parcels share exactly (same endpoints, to the bit) sit next to each other. Built once
/// per validation and used twice: to leave fully surrounded parcels out of the gap union
/// ([`fully_matched`]) and to connect zones by their shared edges before any geometry is
/// compared ([`zone_pieces`]). Sorting and linear scans keep this cache-friendly (binary
/// searches per edge were 10x slower at 1M parcels).
///
/// Each edge is one `u128`: the top 96 bits of its segment's hash, then the parcel's position
/// (31 bits) and whether the edge runs in the segment's canonical direction (1 bit). Two
/// different segments share 96 hash bits with probability about n² / 2⁹⁷ (1e-16 for the
/// 5 million edges of a million parcels).
pub(crate) struct EdgeTable {
    edges: Vec<u128>,
}

/// One edge of an [`EdgeTable`].
#[derive(Clone, Copy)]
pub(crate) struct Edge(u128);

impl Edge {
    const SEGMENT: u128 = !0u128 << 32;

    fn new(segment: u128, parcel: usize, forward: bool) -> Self {
        Edge((segment & Self::SEGMENT) | ((parcel as u128) << 1) | forward as u128)
    }
    pub(crate) fn parcel(self) -> usize {
        ((self.0 as u32) >> 1) as usize
    }
    fn forward(self) -> bool {
        self.0 & 1 == 1
    }
}

impl EdgeTable {
    /// Parcel positions must fit in 31 bits: readers give fewer parcels than that (see
    /// [`Parcel::index`]); ten million parcels need 24.
    pub(crate) fn build(parcels: &[Parcel]) -> Self {
        assert!(
            parcels.len() < 1 << 31,
            "too many parcels for the edge table"
        );
        // Counted first, then written in place: collecting a parallel `flat_map` grows one
        // vector per thread and concatenates them, which held the table two to three times over
        // at its peak (16 bytes an edge; a million non-convex parcels have 8 million edges).
        // Parcels go in blocks, so the bookkeeping is a few words a block, not a slice a parcel.
        const BLOCK: usize = 4096;
        let counts: Vec<usize> = parcels
            .par_chunks(BLOCK)
            .map(|b| b.iter().map(|p| edge_count(&p.geometry)).sum())
            .collect();
        let mut edges = vec![0u128; counts.iter().sum()];
        let mut slots: Vec<&mut [u128]> = Vec::with_capacity(counts.len());
        let mut rest = edges.as_mut_slice();
        for &c in &counts {
            let (head, tail) = std::mem::take(&mut rest).split_at_mut(c);
            slots.push(head);
            rest = tail;
        }
        slots
            .into_par_iter()
            .zip(parcels.par_chunks(BLOCK))
            .enumerate()
            .for_each(|(b, (slot, block))| {
                let mut k = 0;
                for (i, p) in block.iter().enumerate() {
                    let i = b * BLOCK + i;
                    for_each_oriented_edge(&p.geometry, |a, c| {
                        let forward = (a.x, a.y) < (c.x, c.y);
                        let key = if forward {
                            segment_key(a, c)
                        } else {
                            segment_key(c, a)
                        };
                        slot[k] = Edge::new(key, i, forward).0;
                        k += 1;
                    });
                }
            });
        edges.par_sort_unstable();
        EdgeTable { edges }
    }

    /// The runs of edges on the same undirected segment.
    pub(crate) fn groups(
        &self,
    ) -> impl Iterator<Item = impl ExactSizeIterator<Item = Edge> + Clone> {
        self.edges
            .chunk_by(|a, b| (a ^ b) & Edge::SEGMENT == 0)
            .map(|g| g.iter().map(|&e| Edge(e)))
    }
}

/// Parcels (not skipped) every edge of which is matched exactly by the reversed edge of one
/// other parcel, once rings are oriented (shells counter-clockwise, holes clockwise), and none
/// of whose vertices is shared with a parcel that has an unmatched edge. Such a parcel is
/// surrounded by parcels on all sides and at all corners, so it cannot touch a gap or the
/// fabric's outside.
/// Edges are compared by a 128-bit hash of their endpoints' bits; T-junctions and any
/// irregularity simply leave a parcel unmatched, which is always safe. Skipped parcels' edges
/// are ignored, as if those parcels were not there.
pub(crate) fn fully_matched(parcels: &[Parcel], skip: &[bool], table: &EdgeTable) -> Vec<bool> {
    let mut matched: Vec<bool> = (0..parcels.len())
        .map(|i| !skip[i] && !parcels[i].geometry.0.is_empty())
        .collect();
    // A parcel with an unmatched edge is out: an edge is matched when its key occurs exactly
    // twice among parcels that are not skipped, once in each direction, in two parcels.
    for group in table.groups() {
        let mut live = group.clone().filter(|e| !skip[e.parcel()]);
        let ok = match (live.next(), live.next(), live.next()) {
            (Some(a), Some(b), None) => a.forward() != b.forward() && a.parcel() != b.parcel(),
            _ => false,
        };
        if !ok {
            for e in group {
                matched[e.parcel()] = false;
            }
        }
    }
    // Vertices of parcels that are out because of an unmatched edge; any parcel sharing such
    // a vertex touches a gap or the outside (perhaps only at a corner) and is out too. The
    // parcels out so far are few (the fabric's rim, and those around gaps, overlaps and
    // irregular joins), so their vertices go in a set the others are looked up in.
    // Vertices are looked up by a 64-bit hash of their bits: a collision can only leave a
    // parcel out of the matched set, which is always safe.
    let vertex = |c: &Coord<f64>| segment_key(*c, *c) as u64;
    let out_vertices: std::collections::HashSet<u64, PreHashed> = (0..parcels.len())
        .filter(|&i| !skip[i] && !matched[i])
        .flat_map(|i| parcels[i].geometry.0.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| r.0.iter())
        .map(vertex)
        .collect();
    matched
        .par_iter_mut()
        .enumerate()
        .filter(|(_, m)| **m)
        .for_each(|(i, m)| {
            let touches = parcels[i]
                .geometry
                .0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.iter())
                .any(|c| out_vertices.contains(&vertex(c)));
            if touches {
                *m = false;
            }
        });
    matched
}
