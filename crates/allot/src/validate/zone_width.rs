//! `zone_width`: a zone's spurs and necks narrower than its minimum width, the same rule
//! `allot plan` plans under ([`crate::graph::narrow`]), one finding per parcel.
//!
//! Checked only for zones given a minimum width ([`ValidateOptions::zone_min_widths`]: the
//! `min_width_m` of the file's `metadata.zones`, which every written plan carries, or
//! `--min-width`). The zone's graph is built from the candidate pairs of its own parcels with
//! the shared boundaries the planner uses ([`crate::Adjacency`]), so a plan file is judged as
//! it was planned.

use std::collections::BTreeMap;

use rayon::prelude::*;

use super::report::{Finding, FindingKind, ValidateOptions, parcel_point};
use crate::geodesy::M2_PER_ACRE;
use crate::geodesy::width::width_m;
use crate::graph::Adjacency;
use crate::graph::narrow::narrow_parts;
use crate::index::ParcelIndex;
use crate::model::Parcel;

/// The `zone_width` findings of every zone `members` lists (zone → member positions) that
/// `opts` gives a minimum width. `areas`: m² per parcel; `skip`: invalid parcels (drawn at
/// a vertex); `index`: the R-tree over `parcels` (only the candidate pairs of checked zones'
/// parcels are found).
pub(super) fn zone_width_findings(
    parcels: &[Parcel],
    areas: &[f64],
    skip: &[bool],
    members: &BTreeMap<&str, Vec<usize>>,
    index: &ParcelIndex,
    opts: &ValidateOptions,
) -> Vec<Finding> {
    let checked: Vec<(&str, &Vec<usize>, f64)> = members
        .iter()
        .filter_map(|(z, m)| {
            let w = opts.min_width_of(z)?;
            (w > 0.0 && m.len() > 1).then_some((*z, m, w))
        })
        .collect();
    if checked.is_empty() {
        return Vec::new();
    }
    let n = parcels.len();
    let mut zone_of: Vec<Option<usize>> = vec![None; n];
    for (k, (_, m, _)) in checked.iter().enumerate() {
        for &i in m.iter() {
            zone_of[i] = Some(k);
        }
    }
    let pairs: Vec<(usize, usize)> = index
        .pairs_of(crate::graph::adjacency::COLLINEAR_TOLERANCE_DEG, |i| {
            zone_of[i].is_some()
        })
        .iter()
        .map(|&(i, j)| (i as usize, j as usize))
        .filter(|&(i, j)| zone_of[i].is_some() && zone_of[i] == zone_of[j])
        .collect();
    let geoms: Vec<&geo::MultiPolygon<f64>> = parcels.iter().map(|p| &p.geometry).collect();
    let adjacency = Adjacency::from_pairs(&geoms, &pairs);
    let widths: Vec<f64> = (0..n)
        .into_par_iter()
        .map(|i| {
            if zone_of[i].is_some() {
                width_m(&parcels[i].geometry)
            } else {
                f64::INFINITY
            }
        })
        .collect();
    let mut out = Vec::new();
    for (z, m, w) in checked {
        let mut inset = vec![false; n];
        for &i in m {
            inset[i] = true;
        }
        for part in narrow_parts(&adjacency.neighbours, m, &inset, &widths, w) {
            let p = &parcels[part.node];
            out.push(Finding {
                kind: FindingKind::ZoneWidth,
                parcels: vec![p.id.clone()],
                zone: Some(z.to_string()),
                acres: Some(areas[part.node] / M2_PER_ACRE),
                at: parcel_point(p, !skip[part.node]),
                message: format!(
                    "zone {z}: parcel {} ({:.1} m wide, {:.1} m of boundary with the rest) is a {} narrower than the minimum width of {w} m",
                    p.id,
                    part.width_m,
                    part.contact_m,
                    part.kind.name()
                ),
                geometry: None,
            });
        }
    }
    out
}
