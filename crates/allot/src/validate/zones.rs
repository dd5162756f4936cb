//! Zones: `unzoned`, `zone_area` and `not_contiguous` (the pieces of each zone; the retained
//! land's within each piece of the fabric, `fabric_pieces.rs`); `zone_width` is in
//! `zone_width.rs`.

use std::collections::BTreeMap;

use geo::MultiPolygon;
use rayon::prelude::*;

use super::fabric_pieces::{fabric_roots, split_within_fabric};
use super::*;
use crate::geodesy::{AreaUnit, M2_PER_ACRE};
use crate::geom::bbox::bbox_of_polygons;
use crate::index::ParcelIndex;
use crate::model::Parcel;

/// Which piece of its zone each parcel is in, as a union-find root: two parcels of one zone
/// are connected when they share a boundary of positive length or overlap (by any amount, a
/// sliver the overlap prefilter skipped included) beyond a corner ([`OverlapPair::joins`]),
/// never by a corner alone, nor by corners overlapping by a millimetre.
///
/// The same relation as building the whole adjacency graph ([`Adjacency`](crate::Adjacency)) and taking each
/// zone's components, computed cheaply: edges two parcels share exactly (the [`EdgeTable`]) and
/// reported overlaps connect most of a fabric for free; only candidate pairs of one zone still
/// in different pieces after that have their boundaries compared, and only sliver pairs still
/// apart after that get the exact intersection. A pair skipped at a step is already connected,
/// so the pieces are exactly those of the full graph (tested against it).
///
/// `members` are the zones without their multi-part parcels; `edges` is
/// [`shared_edge_pieces`] (the first step, taken early so that the edge table can be freed
/// before the overlap and gap passes).
pub(crate) fn zone_pieces(
    parcels: &[Parcel],
    members: &BTreeMap<&str, Vec<usize>>,
    edges: Dsu,
    index: &ParcelIndex,
    scan: &OverlapScan,
) -> Vec<u32> {
    const NONE: u32 = u32::MAX;
    let mut zone = vec![NONE; parcels.len()];
    for (z, m) in members.values().enumerate() {
        for &i in m {
            zone[i] = z as u32;
        }
    }
    let mut dsu = edges;
    for o in &scan.pairs {
        if zone[o.i] != NONE && zone[o.i] == zone[o.j] && o.joins() {
            dsu.union(o.i, o.j);
        }
    }
    let apart = |dsu: &Dsu, i: usize, j: usize| {
        zone[i] != NONE && zone[i] == zone[j] && dsu.root(i as u32) != dsu.root(j as u32)
    };
    let split = |dsu: &Dsu| {
        members.values().any(|m| {
            m.iter()
                .any(|&i| dsu.root(i as u32) != dsu.root(m[0] as u32))
        })
    };
    dsu.flatten();
    if split(&dsu) {
        // Two parcels in different pieces of a zone: at least one is outside its zone's
        // largest piece, so only the candidate pairs of those parcels are looked at.
        let mut size = vec![0u32; parcels.len()];
        for i in 0..parcels.len() {
            if zone[i] != NONE {
                size[dsu.root(i as u32) as usize] += 1;
            }
        }
        let largest: Vec<u32> = members
            .values()
            .map(|m| {
                m.iter()
                    .map(|&i| dsu.root(i as u32))
                    .max_by(|&a, &b| size[a as usize].cmp(&size[b as usize]).then(b.cmp(&a)))
                    .unwrap_or(NONE)
            })
            .collect();
        drop(size);
        let outside = |i: usize| zone[i] != NONE && dsu.root(i as u32) != largest[zone[i] as usize];
        let joins: Vec<(usize, usize)> = index
            .pairs_of(crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG, outside)
            .par_iter()
            .map(|&(i, j)| (i as usize, j as usize))
            .filter(|&(i, j)| {
                apart(&dsu, i, j)
                    && crate::graph::adjacency::shared_boundary_m(
                        &parcels[i].geometry,
                        &parcels[j].geometry,
                    ) > 0.0
            })
            .collect();
        for (i, j) in joins {
            dsu.union(i, j);
        }
        // A sliver the prefilter skipped joins two parcels of one zone that share no edge only
        // if it overlaps beyond a corner: settle those few pairs exactly.
        let joins: Vec<(usize, usize)> = scan
            .slivers
            .par_iter()
            .filter(|&&(i, j)| {
                apart(&dsu, i, j) && exact_overlap(parcels, i, j).is_some_and(|o| o.joins())
            })
            .copied()
            .collect();
        for (i, j) in joins {
            dsu.union(i, j);
        }
    }
    dsu.flatten();
    dsu.parent
}

/// The first step of [`zone_pieces`]: parcels of one zone, both single-part, that share an
/// edge exactly (the [`EdgeTable`]) joined. The union-find keeps the smallest position as each
/// set's root, so the result does not depend on the order of the joins.
pub(crate) fn shared_edge_pieces(parcels: &[Parcel], table: &EdgeTable) -> Dsu {
    // The zone a parcel counts in for `zone_pieces`: none for a multi-part parcel.
    let zone = |i: usize| {
        let p = &parcels[i];
        (p.geometry.0.len() <= 1)
            .then_some(p.zone.as_deref())
            .flatten()
    };
    let mut dsu = Dsu::new(parcels.len());
    let mut run: Vec<(Option<&str>, usize)> = Vec::new();
    for group in table.groups() {
        if group.len() == 2 {
            let mut g = group.map(Edge::parcel);
            let (i, j) = (g.next().unwrap_or(0), g.next().unwrap_or(0));
            if i != j && zone(i).is_some() && zone(i) == zone(j) {
                dsu.union(i, j);
            }
        } else if group.len() > 2 {
            // Several parcels on one segment (duplicates, overlaps): connect those of a zone.
            run.clear();
            run.extend(group.map(|e| (zone(e.parcel()), e.parcel())));
            run.sort_unstable();
            for w in run.windows(2) {
                if w[0].0.is_some() && w[0].0 == w[1].0 {
                    dsu.union(w[0].1, w[1].1);
                }
            }
        }
    }
    dsu
}

/// The pieces of zone `m` (ascending positions) given each parcel's piece root: each piece
/// ascending, pieces in the order of their smallest member (the reference for tests).
#[cfg(test)]
pub(crate) fn pieces(m: &[usize], roots: &[u32]) -> Vec<Vec<usize>> {
    let mut slot: std::collections::HashMap<u32, usize> = std::collections::HashMap::new();
    let mut out: Vec<Vec<usize>> = Vec::new();
    for &i in m {
        let k = *slot.entry(roots[i]).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[k].push(i);
    }
    out
}

/// The zones without their multi-part parcels (for [`zone_pieces`]; `None` when no zone has
/// one, so that a million positions are not copied for nothing), and for each zone the
/// candidate pairs of its parcels that involve a multi-part parcel (for [`physical_pieces`]).
#[allow(clippy::type_complexity)]
fn multi_part_split<'a>(
    parcels: &[Parcel],
    members: &BTreeMap<&'a str, Vec<usize>>,
    index: &ParcelIndex,
) -> (
    Option<BTreeMap<&'a str, Vec<usize>>>,
    BTreeMap<&'a str, Vec<(usize, usize)>>,
) {
    let multi = |i: usize| parcels[i].geometry.0.len() > 1;
    let mut near: BTreeMap<&str, Vec<(usize, usize)>> = BTreeMap::new();
    if !members.values().flatten().any(|&i| multi(i)) {
        return (None, near);
    }
    let single = members
        .iter()
        .map(|(z, m)| (*z, m.iter().copied().filter(|&i| !multi(i)).collect()))
        .collect();
    // The candidate pairs that involve a multi-part parcel, in candidate-pair order.
    for (i, j) in index
        .pairs_of(crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG, multi)
        .iter()
        .map(|&(i, j)| (i as usize, j as usize))
    {
        if (multi(i) || multi(j))
            && parcels[i].zone.is_some()
            && parcels[i].zone == parcels[j].zone
            && let Some((z, _)) = members.get_key_value(parcels[i].zone.as_deref().unwrap_or(""))
        {
            near.entry(*z).or_default().push((i, j));
        }
    }
    (Some(single), near)
}

/// The `not_contiguous` finding of zone `z` in `pieces` (largest first): it names the
/// parcels of every piece but the largest, and each piece's area in `units`; `note` ends the
/// message.
fn not_contiguous(
    parcels: &[Parcel],
    skip: &[bool],
    z: &str,
    pieces: &[Piece],
    units: AreaUnit,
    note: &str,
) -> Finding {
    const SHOWN: usize = 5;
    let names = |p: &Piece| {
        let ids: Vec<usize> = p.parcels();
        let mut s = ids
            .iter()
            .take(SHOWN)
            .map(|&i| parcels[i].id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        if ids.len() > SHOWN {
            s.push_str(&format!(" and {} more", ids.len() - SHOWN));
        }
        s
    };
    let mut detached: Vec<usize> = pieces[1..].iter().flat_map(Piece::parcels).collect();
    detached.sort_unstable();
    detached.dedup();
    let (i, k) = pieces[pieces.len() - 1].parts[0];
    let at = if parcels[i].geometry.0.len() > 1 {
        representative(&MultiPolygon(vec![parcels[i].geometry.0[k].clone()]))
    } else {
        parcel_point(&parcels[i], !skip[i])
    };
    let largest = &pieces[0];
    Finding {
        kind: FindingKind::NotContiguous,
        parcels: detached.iter().map(|&i| parcels[i].id.clone()).collect(),
        zone: Some(z.to_string()),
        acres: Some(pieces[1..].iter().map(|p| p.area_m2).sum::<f64>() / M2_PER_ACRE),
        at,
        message: format!(
            "zone {z} falls into {} pieces: the largest has {} ({} parcel{}); apart from it: {}",
            pieces.len(),
            units.text(largest.area_m2),
            largest.parcels().len(),
            if largest.parcels().len() == 1 {
                ""
            } else {
                "s"
            },
            pieces[1..]
                .iter()
                .map(|p| format!("{} ({})", units.text(p.area_m2), names(p)))
                .collect::<Vec<_>>()
                .join("; ")
        ) + note,
        geometry: None,
    }
}

pub(crate) fn zone_checks(
    parcels: &[Parcel],
    areas: &[f64],
    skip: &[bool],
    edges: Dsu,
    index: &ParcelIndex,
    scan: &OverlapScan,
    opts: &ValidateOptions,
) -> (BTreeMap<String, ZoneStats>, Vec<Finding>) {
    let mut findings = Vec::new();
    let targets: BTreeMap<&str, f64> = opts.targets.iter().map(|(z, a)| (z.as_str(), *a)).collect();
    let mut members: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, p) in parcels.iter().enumerate() {
        if let Some(z) = p.zone.as_deref() {
            members.entry(z).or_default().push(i);
        }
    }
    let zoned = !members.is_empty();
    if zoned {
        for (i, p) in parcels.iter().enumerate() {
            if p.zone.is_none() {
                findings.push(Finding {
                    kind: FindingKind::Unzoned,
                    parcels: vec![p.id.clone()],
                    zone: None,
                    acres: Some(areas[i] / M2_PER_ACRE),
                    at: parcel_point(p, !skip[i]),
                    message: format!("{} has no zone", p.id),
                    geometry: None,
                });
            }
        }
    }
    for z in targets.keys() {
        members.entry(z).or_default();
    }
    if members.is_empty() {
        return (BTreeMap::new(), findings);
    }
    let (single, near) = multi_part_split(parcels, &members, index);
    let pieces_of = zoned.then(|| {
        zone_pieces(
            parcels,
            single.as_ref().unwrap_or(&members),
            edges,
            index,
            scan,
        )
    });
    let fabric_centre = {
        // Not by cloning every polygon into one multipolygon: at a million parcels that copy
        // was the largest allocation of the whole validation.
        let all = bbox_of_polygons(parcels.iter().flat_map(|p| &p.geometry.0));
        let c = all.center();
        [c.x, c.y]
    };
    let u = |acres: f64| opts.units.text(acres * M2_PER_ACRE);
    // Each parcel's piece of the whole fabric, computed when the retained land is in pieces.
    let mut fabric: Option<Vec<u32>> = None;
    let mut zones = BTreeMap::new();
    for (z, m) in &members {
        // `+ 0.0`: an empty sum is -0.0.
        let acres: f64 = m.iter().map(|&i| areas[i]).sum::<f64>() / M2_PER_ACRE + 0.0;
        let pieces = match &pieces_of {
            Some(roots) if !m.is_empty() => {
                physical_pieces(parcels, m, roots, near.get(z).map_or(&[], |v| v), areas)
            }
            _ => Vec::new(),
        };
        let target = targets.get(z).copied();
        let largest = m
            .iter()
            .copied()
            .max_by(|&a, &b| areas[a].total_cmp(&areas[b]).then(b.cmp(&a)));
        if let Some(t) = target {
            let dev = acres - t;
            let tol = opts.tolerance_of(z);
            if dev.abs() > tol {
                findings.push(Finding {
                    kind: FindingKind::ZoneArea,
                    parcels: Vec::new(),
                    zone: Some(z.to_string()),
                    acres: Some(dev.abs()),
                    at: largest.map_or(fabric_centre, |i| parcel_point(&parcels[i], !skip[i])),
                    message: format!(
                        "zone {z} has {} in {} parcels, {} than its target of {} by {} (tolerance {})",
                        u(acres),
                        m.len(),
                        if dev > 0.0 { "more" } else { "less" },
                        u(t),
                        u(dev.abs()),
                        u(tol)
                    ),
                    geometry: None,
                });
            }
        }
        if pieces.len() > 1 {
            match (pieces_of.as_deref(), *z == crate::model::RETAINED) {
                (Some(roots), true) => {
                    // The retained land is counted within each piece of the fabric.
                    let fabric =
                        fabric.get_or_insert_with(|| fabric_roots(parcels, roots, index, scan));
                    let (groups, spans) = split_within_fabric(&pieces, fabric);
                    let note = if spans > 1 {
                        format!(
                            "; counted within one piece of the fabric (the retained land lies in {spans} pieces of the fabric, which no parcel joins to each other)"
                        )
                    } else {
                        String::new()
                    };
                    for group in groups {
                        findings.push(not_contiguous(parcels, skip, z, &group, opts.units, &note));
                    }
                }
                _ => findings.push(not_contiguous(parcels, skip, z, &pieces, opts.units, "")),
            }
        }
        zones.insert(
            z.to_string(),
            ZoneStats {
                parcels: m.len(),
                acres,
                components: pieces.len(),
                target_acres: target,
            },
        );
    }
    if zoned {
        findings.extend(zone_width::zone_width_findings(
            parcels, areas, skip, &members, index, opts,
        ));
    }
    (zones, findings)
}
