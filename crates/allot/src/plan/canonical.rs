//! The order the planner sees the parcels in: canonical, so the same land in another feature
//! order (a FlatGeobuf writer sorts features spatially, an editor may reorder them) gives the
//! same plan.
//!
//! The search breaks ties and walks candidates by node index, and its seeded random sample is
//! drawn by index, so a plan made on the parcels in file order depends on that order. [`plan`]
//! and [`plan_alternatives`] therefore plan on the parcels sorted by [`canonical_order`]
//! (by id; parcels whose id is only their position, `#N`, after those, by a key of their
//! geometry that does not depend on ring direction or starting vertex) and map the answer back
//! with [`restore`], so the output keeps the input's feature order.
//!
//! [`plan`]: super::plan
//! [`plan_alternatives`]: super::alternatives::plan_alternatives

use std::borrow::Cow;
use std::cmp::Ordering;

use geo::{CoordsIter, MultiPolygon};

use super::Plan;
use crate::model::{FeatureIdKind, Parcel, ParcelSet};

/// The input positions of `set`'s parcels in canonical order: `order[k]` is the position in
/// `set.parcels` of the `k`-th parcel the planner sees.
///
/// Parcels with an id of their own come first, by id (byte order); parcels without one (their
/// id is `#N`, their 1-based position, which moves with them) follow, by [`geometry_key`];
/// ties keep input order.
pub(crate) fn canonical_order(set: &ParcelSet) -> Vec<usize> {
    let keys: Vec<Option<[f64; 5]>> = set
        .parcels
        .iter()
        .map(|p| positional_id(p).then(|| geometry_key(&p.geometry)))
        .collect();
    let mut order: Vec<usize> = (0..set.parcels.len()).collect();
    order.sort_by(|&a, &b| match (&keys[a], &keys[b]) {
        (None, None) => set.parcels[a].id.cmp(&set.parcels[b].id),
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(ka), Some(kb)) => ka
            .iter()
            .zip(kb)
            .map(|(x, y)| x.total_cmp(y))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
    });
    order
}

/// True when `p`'s id is only its position in the file (`#N`): no `id` member was given.
fn positional_id(p: &Parcel) -> bool {
    // The id `#N` exactly as the reader writes it (no sign, no leading zero), without building
    // the string for every parcel.
    p.feature_id == FeatureIdKind::Absent
        && p.id.as_str().strip_prefix('#').is_some_and(|n| {
            !n.starts_with('0')
                && n.bytes().all(|b| b.is_ascii_digit())
                && n.parse::<u64>().ok() == Some(u64::from(p.index) + 1)
        })
}

/// A key of a geometry that does not change with ring direction or starting vertex: its
/// lexicographically least vertex (longitude, then latitude), the north-east corner of its
/// bounding box, and its number of vertices.
fn geometry_key(g: &MultiPolygon<f64>) -> [f64; 5] {
    let mut least = [f64::INFINITY; 2];
    let mut high = [f64::NEG_INFINITY; 2];
    let mut count = 0usize;
    for c in g.coords_iter() {
        if (c.x, c.y) < (least[0], least[1]) {
            least = [c.x, c.y];
        }
        high = [high[0].max(c.x), high[1].max(c.y)];
        count += 1;
    }
    [least[0], least[1], high[0], high[1], count as f64]
}

/// `set` with its parcels in `order` (borrowed when `order` is the identity, as for files
/// already sorted by id, so large fabrics are not copied).
pub(crate) fn reordered<'a>(set: &'a ParcelSet, order: &[usize]) -> Cow<'a, ParcelSet> {
    if order.iter().enumerate().all(|(k, &i)| k == i) {
        return Cow::Borrowed(set);
    }
    Cow::Owned(ParcelSet {
        source: set.source.clone(),
        parcels: order.iter().map(|&i| set.parcels[i].clone()).collect(),
        members: set.members.clone(),
        crs: set.crs,
    })
}

/// A plan made on the parcels in `order` (see [`reordered`]), mapped back to input order:
/// each parcel's `source` becomes its input position and the parcels are sorted by it (a split
/// parcel's pieces stay together, `-a` then `-b`).
pub(crate) fn restore(mut plan: Plan, order: &[usize]) -> Plan {
    for p in &mut plan.parcels {
        p.source = order[p.source];
    }
    plan.parcels.sort_by_key(|p| p.source);
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_of(features: &[&str]) -> ParcelSet {
        let text = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        crate::read::parse_parcels(text.as_bytes(), "t").unwrap()
    }

    fn square(id: Option<&str>, x: f64, clockwise: bool) -> String {
        let mut ring = vec![[x, 24.8], [x + 0.01, 24.8], [x + 0.01, 24.81], [x, 24.81]];
        if clockwise {
            ring.reverse();
        }
        ring.push(ring[0]);
        let coords: Vec<String> = ring
            .iter()
            .map(|c| format!("[{},{}]", c[0], c[1]))
            .collect();
        let id = id.map_or(String::new(), |i| format!(r#""id":"{i}","#));
        format!(
            r#"{{"type":"Feature",{id}"properties":{{}},"geometry":{{"type":"Polygon","coordinates":[[{}]]}}}}"#,
            coords.join(",")
        )
    }

    #[test]
    fn ids_sort_first_then_positional_parcels_by_geometry() {
        // File order: an unnamed square at x = 67.02, "B", an unnamed one at 67.00, "A".
        let set = set_of(&[
            &square(None, 67.02, false),
            &square(Some("B"), 67.04, false),
            &square(None, 67.00, true),
            &square(Some("A"), 67.06, false),
        ]);
        assert_eq!(canonical_order(&set), vec![3, 1, 2, 0]);
    }

    #[test]
    fn geometry_key_ignores_ring_direction_and_start() {
        let a = set_of(&[&square(None, 67.0, false)]);
        let b = set_of(&[&square(None, 67.0, true)]);
        let key = |s: &ParcelSet| geometry_key(&s.parcels[0].geometry);
        assert_eq!(key(&a), key(&b));
        assert_eq!(key(&a), [67.0, 24.8, 67.01, 24.81, 5.0]);
    }

    #[test]
    fn a_sorted_set_is_borrowed_and_another_order_copied() {
        let set = set_of(&[
            &square(Some("A"), 67.0, false),
            &square(Some("B"), 67.01, false),
        ]);
        assert!(matches!(reordered(&set, &[0, 1]), Cow::Borrowed(_)));
        let swapped = reordered(&set, &[1, 0]);
        assert_eq!(swapped.parcels[0].id.as_str(), "B");
    }
}
