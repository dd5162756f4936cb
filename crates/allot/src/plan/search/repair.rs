//! Band repair: brings a grown zone's area into the target band by whole-parcel moves.
//!
//! Greedy growth stops when no frontier parcel fits under the band's top. On a fabric of equal
//! plots that happens inside the band; on real land, where a few estates of tens of acres sit
//! among house plots of a few hundred m², the zone often stalls short of the band with only
//! estates left to take, and one estate overshoots it by tens of acres. Annealing cannot repair
//! that: its area penalty and temperature are scaled by the median plot, so it trades house
//! plots one at a time and settles on whichever side of the band the open land lets it reach.
//! The repair walks to the band explicitly: while the zone is outside, make the move (add a
//! frontier parcel when short, drop a removable member when over) that lowers the search cost
//! most among those that do not jump across the band; when no such move exists, cross the band
//! with one of the few smallest parcels that keep the land contiguous, pin it so it is not
//! undone, and walk on from there (a short depth-first search over these crossings).

use super::{State, articulation};

/// Crossing moves tried, smallest parcel first, when no move keeps to one side of the band.
const CROSSINGS: usize = 6;
/// How many crossings deep the repair looks.
const DEPTH: usize = 3;

/// Moves `st` into the band of its problem; true when it ends there (else `st` is unchanged).
pub(super) fn repair_band(st: &mut State, max_rounds: usize) -> bool {
    let mut pinned = vec![false; st.p.graph.len()];
    match walk(st, &mut pinned, max_rounds, DEPTH) {
        Some(done) => {
            *st = done;
            true
        }
        None => false,
    }
}

/// [`repair_band`] with the `pinned` nodes never moved (a member stays, a non-member stays out).
pub(super) fn repair_band_pinned(st: &mut State, pinned: &[bool], max_rounds: usize) -> bool {
    let mut pinned = pinned.to_vec();
    match walk(st, &mut pinned, max_rounds, DEPTH) {
        Some(done) => {
            *st = done;
            true
        }
        None => false,
    }
}

/// Candidate moves from `st`: `(stays on this side of the band or lands in it, cost after, node)`.
fn candidates(st: &State, pinned: &[bool]) -> Vec<(bool, f64, usize)> {
    let p = st.p;
    let g = p.graph;
    let mut cands = Vec::new();
    if st.area < p.lo() {
        let mut frontier = st.frontier.items.clone();
        frontier.sort_unstable();
        for j in frontier {
            if !pinned[j] {
                let keeps_side = st.area + g.area[j] <= p.hi();
                cands.push((keeps_side, st.cost_after(Some(j), None), j));
            }
        }
    } else {
        let cut = articulation(st);
        let mut members = st.members.items.clone();
        members.sort_unstable();
        for i in members {
            if !pinned[i] && !cut[i] && st.removable(i) {
                let keeps_side = st.area - g.area[i] >= p.lo();
                cands.push((keeps_side, st.cost_after(None, Some(i)), i));
            }
        }
    }
    cands
}

/// Greedy same-side moves until in band or stuck; then each of the smallest crossing moves in
/// turn, pinned, with the walk repeated from there (`depth` crossings at most).
fn walk<'p, 'a>(
    st: &State<'p, 'a>,
    pinned: &mut Vec<bool>,
    max_rounds: usize,
    depth: usize,
) -> Option<State<'p, 'a>> {
    let p = st.p;
    let g = p.graph;
    let mut st = st.clone();
    let mut rounds = 0;
    loop {
        if p.in_band(st.area) {
            return Some(st);
        }
        if rounds >= max_rounds {
            return None;
        }
        rounds += 1;
        let short = st.area < p.lo();
        let mut cands = candidates(&st, pinned);
        cands.retain(|c| c.0);
        cands.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.2.cmp(&b.2)));
        let moved = cands.iter().any(|&(_, _, v)| {
            if short {
                st.apply_move(Some(v), None)
            } else {
                st.apply_move(None, Some(v))
            }
        });
        if !moved {
            break;
        }
    }
    if depth == 0 {
        return None;
    }
    let short = st.area < p.lo();
    let mut cross = candidates(&st, pinned);
    cross.retain(|c| !c.0);
    cross.sort_by(|a, b| g.area[a.2].total_cmp(&g.area[b.2]).then(a.2.cmp(&b.2)));
    let mut tried = 0;
    for &(_, _, v) in &cross {
        if tried >= CROSSINGS {
            break;
        }
        let mut next = st.clone();
        let ok = if short {
            next.apply_move(Some(v), None)
        } else {
            next.apply_move(None, Some(v))
        };
        if !ok {
            continue;
        }
        tried += 1;
        pinned[v] = true;
        let found = walk(&next, pinned, max_rounds, depth - 1);
        pinned[v] = false;
        if found.is_some() {
            return found;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::tests::grid;
    use super::super::*;
    use super::*;

    /// Two rows of small cells with an estate of ten cells at the end of the first: no set of
    /// small cells reaches the band (11 cells in all, band 12 ± 0.5), so the estate must join
    /// and small cells must leave again, without cutting the rest in two.
    #[test]
    fn takes_an_estate_and_trims_back_into_the_band() {
        let mut g = grid(6, 2);
        g.area[5] *= 10.0;
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let cell = g.area[0];
        let p = ZoneProblem {
            target: 12.0 * cell,
            tol: 0.5 * cell,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let mut st = State::new(&p, scale_of(&p));
        for v in 0..5 {
            st.add(v);
        }
        assert!(st.area < p.lo());
        assert!(repair_band(&mut st, 50));
        let mut m = st.members.items.clone();
        m.sort_unstable();
        // The estate and two small cells; the rest (9 cells) stays in one piece.
        assert!(m.contains(&5) && m.len() == 3, "{m:?}");
        let rest: Vec<bool> = (0..g.len()).map(|v| !m.contains(&v)).collect();
        assert_eq!(components(&g, &rest).len(), 1, "{m:?}");
    }
}
