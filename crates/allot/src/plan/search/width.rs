//! Width repair: steers an in-band zone that breaks the minimum width toward one that keeps it.
//!
//! The search prices zones by perimeter and area; the minimum width
//! ([`crate::graph::narrow`]) is a yes/no rule on top. On a fabric of house plots 15–30 m wide
//! every plot is narrower than a 100 m minimum, and a zone of hundreds of plots nearly always has
//! one hanging off its edge by a short side (a spur) or holding two lobes together (a neck):
//! filtering alone then rejects every zone the search finds although a zone without them is a
//! few moves away. The repair makes those moves: while the zone has spurs or necks, make the
//! move that leaves the fewest of them (then the lowest search cost) among
//! - dropping a spur or neck parcel, when the zone stays contiguous and in the band;
//! - adding a frontier parcel (one that touches both a spur and another member turns the spur
//!   into an edge parcel; one that touches both sides of a neck bypasses it);
//! - swapping a spur or neck parcel for one of the frontier parcels that keep the area in band
//!   and cost least;
//!
//! and stop when none lowers the count. Every move keeps the zone contiguous and in the band and
//! the open land in one piece (the same moves the search makes); the caller still post-checks the
//! result against every rule.

use super::{State, articulation};

/// Swap partners tried per spur or neck parcel (the cheapest by search cost).
const SWAPS: usize = 8;

/// Makes `st` free of spurs and necks by the moves above; true when it ends so (else `st` is
/// unchanged). `st` must be in its band.
pub(super) fn repair_width(st: &mut State, max_rounds: usize) -> bool {
    let p = st.p;
    if !p.in_band(st.area) {
        return false;
    }
    let mut work = st.clone();
    let mut scratch = work.inset.clone();
    for _ in 0..max_rounds {
        let parts = p.narrow_parts(&work.members.items, &work.inset);
        if parts.is_empty() {
            *st = work;
            return true;
        }
        let mut moves = candidates(&work, &parts.iter().map(|q| q.node).collect::<Vec<_>>());
        // Price every move by the spurs and necks it leaves.
        let mut priced: Vec<(usize, f64, Option<usize>, Option<usize>)> = moves
            .drain(..)
            .map(|(cost, add, rem)| {
                let mut members = work.members.items.clone();
                if let Some(i) = rem {
                    scratch[i] = false;
                    members.retain(|&v| v != i);
                }
                if let Some(j) = add {
                    scratch[j] = true;
                    members.push(j);
                }
                let left = p.narrow_parts(&members, &scratch).len();
                if let Some(i) = rem {
                    scratch[i] = true;
                }
                if let Some(j) = add {
                    scratch[j] = false;
                }
                (left, cost, add, rem)
            })
            .filter(|m| m.0 < parts.len())
            .collect();
        priced.sort_by(|a, b| {
            a.0.cmp(&b.0)
                .then(a.1.total_cmp(&b.1))
                .then(a.2.cmp(&b.2))
                .then(a.3.cmp(&b.3))
        });
        let moved = priced
            .into_iter()
            .find_map(|(_, _, add, rem)| work.apply_move(add, rem).then_some((add, rem)));
        let Some((add, rem)) = moved else {
            return false;
        };
        if let Some(i) = rem {
            scratch[i] = false;
        }
        if let Some(j) = add {
            scratch[j] = true;
        }
    }
    false
}

/// The moves of the repair from `st` whose zone is contiguous and in the band afterwards:
/// `(search cost after, add, remove)`. `narrow`: the spur and neck parcels.
fn candidates(st: &State, narrow: &[usize]) -> Vec<(f64, Option<usize>, Option<usize>)> {
    let p = st.p;
    let g = p.graph;
    let cut = articulation(st);
    let mut frontier = st.frontier.items.clone();
    frontier.sort_unstable();
    let mut out = Vec::new();
    for &j in &frontier {
        if p.in_band(st.area + g.area[j]) {
            out.push((st.cost_after(Some(j), None), Some(j), None));
        }
    }
    for &i in narrow {
        if cut[i] || !st.removable(i) {
            continue;
        }
        if p.in_band(st.area - g.area[i]) {
            out.push((st.cost_after(None, Some(i)), None, Some(i)));
        }
        let mut swaps: Vec<(f64, Option<usize>, Option<usize>)> = frontier
            .iter()
            .copied()
            .filter(|&j| {
                // j must still touch the zone once i has left.
                let touches_i = g.adj[i].binary_search_by(|e| e.0.cmp(&j)).is_ok();
                st.cnt[j] as usize > usize::from(touches_i)
                    && p.in_band(st.area - g.area[i] + g.area[j])
                    && !(st.has_access(i) && st.access_in == 1 && !st.has_access(j))
            })
            .map(|j| (st.cost_after(Some(j), Some(i)), Some(j), Some(i)))
            .collect();
        swaps.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        out.extend(swaps.into_iter().take(SWAPS));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::tests::grid;
    use super::super::*;
    use super::*;

    /// A 4 × 3 grid of 100 m cells whose bottom row is 30 m strips (shared boundaries of 30 m
    /// between strips and with the cells above them are not modelled: the widths decide). The
    /// zone is the top two rows' left 2 × 2 block plus the strip under cell 4 — a spur by the
    /// graph rule (it touches one member by less than 100 m once its contact is set to 30 m).
    /// Dropping the strip leaves the band (band 5 ± 0.5 cells); the repair must swap it for a
    /// wide cell instead, or widen it, and end with no spur.
    #[test]
    fn a_spur_is_swapped_or_widened_away() {
        let mut g = grid(4, 3);
        // Strip 8 (under cell 4) touches cell 4 by 30 m.
        for (x, y) in [(4, 8), (8, 4)] {
            let k = g.adj[x].iter().position(|e| e.0 == y).unwrap();
            g.adj[x][k].1 = 30.0;
        }
        let avail = vec![true; g.len()];
        let labels: Vec<String> = (0..g.len()).map(|v| format!("P{v}")).collect();
        let mut width = vec![100.0; g.len()];
        width[8] = 30.0;
        let cell = g.area[0];
        let p = ZoneProblem {
            target: 5.0 * cell,
            tol: 0.5 * cell,
            width_m: &width,
            min_width_m: 100.0,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let mut st = State::new(&p, scale_of(&p));
        for v in [0, 1, 4, 5, 8] {
            st.add(v);
        }
        assert!(!st.width_met());
        assert!(repair_width(&mut st, 20));
        assert!(st.width_met() && p.in_band(st.area));
        let sol = st.solution();
        assert_eq!(rules::broken_rule(&p, &sol), None, "{:?}", sol.members);
    }
}
