//! The retained land of a fabric that is itself in pieces: `allot plan` keeps each piece of
//! the open land whole, so on a site that no parcel joins into one (two plots of land either
//! side of a river or a road the fabric leaves out) its retained land is in as many pieces as
//! the fabric. Those pieces are not a flaw of the split, and `not_contiguous` counts the
//! retained land's pieces within each piece of the fabric instead.

use std::collections::BTreeMap;

use super::zone_parts::Piece;
use super::zones::zone_pieces;
use super::*;
use crate::graph::union_find::Dsu;
use crate::index::ParcelIndex;
use crate::model::Parcel;

/// Which piece of the whole fabric each parcel is in, as a union-find root: parcels join by a
/// shared boundary of positive length or an overlap, as the pieces of a zone do, whatever
/// their zones. A multi-part parcel is one node here (its parts count as joined).
///
/// `zone_roots`: each parcel's root from [`zone_pieces`] (parcels already joined within their
/// zones), which leaves only the joins between zones to find.
pub(super) fn fabric_roots(
    parcels: &[Parcel],
    zone_roots: &[u32],
    index: &ParcelIndex,
    scan: &OverlapScan,
) -> Vec<u32> {
    let mut dsu = Dsu::new(parcels.len());
    for (i, &r) in zone_roots.iter().enumerate() {
        dsu.union(i, r as usize);
    }
    let all: BTreeMap<&str, Vec<usize>> = BTreeMap::from([("", (0..parcels.len()).collect())]);
    zone_pieces(parcels, &all, dsu, index, scan)
}

/// The pieces of a zone grouped by the piece of the fabric they lie in (`fabric`: each
/// parcel's root from [`fabric_roots`]), keeping only the groups of two or more pieces:
/// there the zone falls apart within land the fabric joins. Each group stays largest first.
/// Also how many pieces of the fabric the zone lies in (groups of one piece included).
pub(super) fn split_within_fabric(pieces: &[Piece], fabric: &[u32]) -> (Vec<Vec<Piece>>, usize) {
    let mut groups: BTreeMap<u32, Vec<Piece>> = BTreeMap::new();
    for p in pieces {
        let root = p.parts.first().map_or(u32::MAX, |&(i, _)| fabric[i]);
        groups.entry(root).or_default().push(p.clone());
    }
    let spans = groups.len();
    let mut out: Vec<Vec<Piece>> = groups.into_values().filter(|g| g.len() > 1).collect();
    out.sort_by(|a, b| {
        b[0].area_m2
            .total_cmp(&a[0].area_m2)
            .then(a[0].parts.cmp(&b[0].parts))
    });
    (out, spans)
}
