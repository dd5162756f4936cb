//! `duplicate_id`: ids used by more than one feature.

use rayon::prelude::*;

use super::*;
use crate::model::Parcel;

/// One `duplicate_id` finding per id used by more than one feature (`valid[i]` says whether
/// parcel i may be given an interior point).
pub(crate) fn duplicate_ids(parcels: &[Parcel], skip: &[bool]) -> Vec<Finding> {
    // Sorted (id, position) pairs: equal ids sit together, in id order, positions ascending.
    let mut by_id: Vec<(&str, usize)> = parcels
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    by_id.par_sort_unstable();
    by_id
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|g| g.len() > 1)
        .map(|g| {
            (
                &parcels[g[0].1].id,
                g.iter().map(|e| e.1).collect::<Vec<_>>(),
            )
        })
        .map(|(id, v)| Finding {
            kind: FindingKind::DuplicateId,
            parcels: vec![id.clone()],
            zone: None,
            acres: None,
            at: parcel_point(&parcels[v[0]], !skip[v[0]]),
            message: format!(
                "id {:?} is used by {} features (positions {})",
                id.as_str(),
                v.len(),
                v.iter()
                    .map(|i| (i + 1).to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            geometry: None,
        })
        .collect()
}
