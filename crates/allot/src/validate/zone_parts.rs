//! Zone pieces on the physical geometry: the parts of a MultiPolygon parcel are separate pieces
//! of land unless they join through other parcels of the zone.
//!
//! [`zone_pieces`](super::zone_pieces) connects whole parcels; here the zone's single-part
//! parcels keep those connections (made without the multi-part parcels, which count as absent
//! there) and each part of a multi-part parcel becomes a node of its own, joined to a parcel or
//! part of the same zone when they share a boundary of positive length or their interiors
//! overlap, never by a corner alone. A zone without multi-part parcels costs nothing extra.

use std::collections::HashMap;

use geo::{BoundingRect, Rect};

use crate::geodesy::polygon_area_m2;
use crate::graph::parts::parts_join;
use crate::model::Parcel;

/// One piece of a zone: the parcel parts in it and its geodesic area.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Piece {
    /// `(parcel position, part index)`, ascending; a single-part parcel is part 0.
    pub parts: Vec<(usize, usize)>,
    /// Area in m² (|shell| − Σ|holes| of each part, summed).
    pub area_m2: f64,
}

impl Piece {
    /// The parcels with a part in this piece, ascending, once each.
    pub fn parcels(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.parts.iter().map(|p| p.0).collect();
        v.dedup();
        v
    }
}

/// Union-find over dense node numbers.
struct Forest {
    parent: Vec<u32>,
}

impl Forest {
    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }
    fn union(&mut self, a: u32, b: u32) {
        let (x, y) = (self.find(a), self.find(b));
        if x != y {
            self.parent[x.max(y) as usize] = x.min(y);
        }
    }
}

/// The physical pieces of one zone, largest first (ties: smallest first part first).
///
/// `m`: the zone's parcels (ascending positions). `roots`: each parcel's piece root from
/// [`zone_pieces`](super::zone_pieces) run with the multi-part parcels left out of every
/// zone. `near`: candidate pairs (bounding boxes meet) with at least one multi-part parcel of
/// this zone, both in the zone. `areas`: each parcel's area in m².
pub(super) fn physical_pieces(
    parcels: &[Parcel],
    m: &[usize],
    roots: &[u32],
    near: &[(usize, usize)],
    areas: &[f64],
) -> Vec<Piece> {
    let parts = |i: usize| parcels[i].geometry.0.len();
    let multi = |i: usize| parts(i) > 1;
    // Nodes: one per component of single-part parcels (by root), one per part of each
    // multi-part parcel; `node[i] + k` is the node of part k of parcel i.
    const NONE: u32 = u32::MAX;
    let mut node = vec![NONE; parcels.len()];
    let mut of_root: HashMap<u32, u32> = HashMap::new();
    let mut count = 0u32;
    for &i in m {
        node[i] = if multi(i) {
            count += parts(i) as u32;
            count - parts(i) as u32
        } else {
            *of_root.entry(roots[i]).or_insert_with(|| {
                count += 1;
                count - 1
            })
        };
    }
    let mut forest = Forest {
        parent: (0..count).collect(),
    };
    if !near.is_empty() || m.iter().any(|&i| multi(i)) {
        // Bounding boxes of the parts of every parcel compared: `rects[first[i]..][..parts(i)]`.
        let mut first = vec![NONE; parcels.len()];
        let mut rects: Vec<Rect<f64>> = Vec::new();
        let wanted = m
            .iter()
            .copied()
            .filter(|&i| multi(i))
            .chain(near.iter().flat_map(|&(i, j)| [i, j]));
        for i in wanted {
            if first[i] == NONE {
                first[i] = rects.len() as u32;
                rects.extend(
                    parcels[i]
                        .geometry
                        .0
                        .iter()
                        .map(|p| p.bounding_rect().unwrap_or(Rect::new((0., 0.), (0., 0.)))),
                );
            }
        }
        let rects_of = |i: usize| &rects[first[i] as usize..first[i] as usize + parts(i)];
        let join = |forest: &mut Forest, i: usize, j: usize| {
            for (a, ra) in rects_of(i).iter().enumerate() {
                for (b, rb) in rects_of(j).iter().enumerate() {
                    if i == j && b <= a {
                        continue;
                    }
                    let ka = node[i] + if multi(i) { a as u32 } else { 0 };
                    let kb = node[j] + if multi(j) { b as u32 } else { 0 };
                    if forest.find(ka) != forest.find(kb)
                        && parts_join(&parcels[i].geometry.0[a], ra, &parcels[j].geometry.0[b], rb)
                    {
                        forest.union(ka, kb);
                    }
                }
            }
        };
        for &i in m.iter().filter(|&&i| multi(i)) {
            // Parts of one parcel that touch along a line or overlap (an invalid parcel).
            join(&mut forest, i, i);
        }
        for &(i, j) in near {
            join(&mut forest, i, j);
        }
    }
    let mut slot_of: HashMap<u32, usize> = HashMap::new();
    let mut out: Vec<Piece> = Vec::new();
    for &i in m {
        for k in 0..parts(i).max(1) {
            let r = forest.find(node[i] + if multi(i) { k as u32 } else { 0 });
            let slot = *slot_of.entry(r).or_insert_with(|| {
                out.push(Piece {
                    parts: Vec::new(),
                    area_m2: 0.0,
                });
                out.len() - 1
            });
            let area = if multi(i) {
                polygon_area_m2(&parcels[i].geometry.0[k])
            } else {
                areas[i]
            };
            out[slot].parts.push((i, k));
            out[slot].area_m2 += area;
        }
    }
    out.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2).then(a.parts.cmp(&b.parts)));
    out
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use crate::validate::{FindingKind, ValidateOptions, validate};

    /// A `side` × `side` grid of 2⁻⁹° cells (exact in binary, so neighbours share edges to the
    /// bit); some parcels are MultiPolygons of two random cells, possibly far apart. Zones are
    /// random. Returns the GeoJSON, each parcel's cells and zone.
    #[allow(clippy::type_complexity)]
    fn fabric(seed: u64, side: usize) -> (String, Vec<(Vec<(usize, usize)>, usize)>) {
        let mut rng = crate::util::Rng::new(seed);
        let mut cells: Vec<(usize, usize)> = (0..side)
            .flat_map(|r| (0..side).map(move |c| (r, c)))
            .collect();
        // Shuffle, then pair the first few cells into two-part parcels.
        for i in (1..cells.len()).rev() {
            cells.swap(i, rng.below(i + 1));
        }
        let pairs = side * side / 6;
        let mut parcels: Vec<(Vec<(usize, usize)>, usize)> = Vec::new();
        for k in 0..pairs {
            let (a, b) = (cells[2 * k], cells[2 * k + 1]);
            let adjacent = a.0.abs_diff(b.0) + a.1.abs_diff(b.1) <= 1;
            if adjacent {
                // Parts sharing an edge or a corner make an invalid or touching multipolygon:
                // keep the cells as two parcels.
                parcels.push((vec![a], rng.below(3)));
                parcels.push((vec![b], rng.below(3)));
            } else {
                parcels.push((vec![a, b], rng.below(3)));
            }
        }
        for &c in &cells[2 * pairs..] {
            parcels.push((vec![c], rng.below(3)));
        }
        let d = 1.0 / 512.0;
        let ring = |(r, c): (usize, usize)| {
            let (x, y) = (67.5 + c as f64 * d, 24.75 + r as f64 * d);
            format!(
                "[[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]]",
                x + d,
                x + d,
                y + d,
                y + d
            )
        };
        let features: Vec<String> = parcels
            .iter()
            .enumerate()
            .map(|(i, (cs, z))| {
                let geometry = if cs.len() == 1 {
                    format!(r#"{{"type":"Polygon","coordinates":{}}}"#, ring(cs[0]))
                } else {
                    let parts: Vec<String> = cs.iter().map(|&c| ring(c)).collect();
                    format!(
                        r#"{{"type":"MultiPolygon","coordinates":[{}]}}"#,
                        parts.join(",")
                    )
                };
                format!(
                    r#"{{"type":"Feature","id":"p{i}","properties":{{"zone":"z{z}"}},"geometry":{geometry}}}"#
                )
            })
            .collect();
        (
            format!(
                r#"{{"type":"FeatureCollection","features":[{}]}}"#,
                features.join(",")
            ),
            parcels,
        )
    }

    #[test]
    fn pieces_equal_the_components_of_the_cell_grid() {
        let mut multi_piece_zones = 0;
        for seed in 1..=6 {
            let (text, parcels) = fabric(seed, 12);
            let set = crate::read::parse_parcels(text.as_bytes(), "t").unwrap();
            let report = validate(&set, &ValidateOptions::default());
            // The truth, from the grid alone: cells of one zone joined when edge-adjacent.
            let mut zone_of: BTreeMap<(usize, usize), (usize, usize)> = BTreeMap::new();
            for (i, (cs, z)) in parcels.iter().enumerate() {
                for &c in cs {
                    zone_of.insert(c, (*z, i));
                }
            }
            for z in 0..3 {
                let mine: Vec<(usize, usize)> = zone_of
                    .iter()
                    .filter(|(_, v)| v.0 == z)
                    .map(|(c, _)| *c)
                    .collect();
                let mut seen: BTreeSet<(usize, usize)> = BTreeSet::new();
                let mut sizes: Vec<(usize, BTreeSet<usize>)> = Vec::new();
                for &start in &mine {
                    if !seen.insert(start) {
                        continue;
                    }
                    let (mut stack, mut n, mut ids) = (vec![start], 0, BTreeSet::new());
                    while let Some((r, c)) = stack.pop() {
                        n += 1;
                        ids.insert(zone_of[&(r, c)].1);
                        let near = [
                            (r.wrapping_sub(1), c),
                            (r + 1, c),
                            (r, c.wrapping_sub(1)),
                            (r, c + 1),
                        ];
                        for q in near {
                            if zone_of.get(&q).is_some_and(|v| v.0 == z) && seen.insert(q) {
                                stack.push(q);
                            }
                        }
                    }
                    sizes.push((n, ids));
                }
                sizes.sort_by_key(|s| std::cmp::Reverse(s.0));
                let name = format!("z{z}");
                let stats = &report.zones[&name];
                assert_eq!(stats.components, sizes.len(), "seed {seed} {name}");
                let nc: Vec<_> = report
                    .findings
                    .iter()
                    .filter(|f| {
                        f.kind == FindingKind::NotContiguous && f.zone.as_deref() == Some(&name)
                    })
                    .collect();
                assert_eq!(nc.len(), usize::from(sizes.len() > 1), "seed {seed} {name}");
                // When the largest piece is larger than the rest by whole cells, the finding
                // names exactly the parcels with a cell outside it.
                if sizes.len() > 1 && sizes[0].0 > sizes[1].0 {
                    multi_piece_zones += 1;
                    let want: BTreeSet<String> = sizes[1..]
                        .iter()
                        .flat_map(|s| s.1.iter().map(|i| format!("p{i}")))
                        .collect();
                    let got: BTreeSet<String> =
                        nc[0].parcels.iter().map(|p| p.to_string()).collect();
                    assert_eq!(got, want, "seed {seed} {name}");
                }
            }
        }
        assert!(multi_piece_zones >= 10, "{multi_piece_zones}");
    }
}
