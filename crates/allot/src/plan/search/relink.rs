//! Path relinking: walks from one good zone to another that lies partly elsewhere, one parcel
//! (or one swap) at a time, and keeps the best zones met on the way.
//!
//! Annealing and descent settle each run in one local optimum, and the large moves
//! ([`super::trade`]) start from the best few of them. When the best zones found lie in
//! different places and the best zone of all lies between them (on the PSM data with the
//! access rule, the park's optimum shares 88 of its 114 parcels with the best zone found and
//! holds all but one of its other parcels in the second best, whose centre lies 1.6 km from
//! the best's, the optimum's 0.6 km on the way), no single move of either zone heads there.
//!
//! The walk from zone A to zone B makes only moves that bring A closer to B: a parcel of B on
//! A's frontier joins, a member not in B leaves, or both at once; each step takes the cheapest
//! of them (perimeter plus the search's penalties, so area outside the band is priced as
//! everywhere else) that keeps the zone contiguous and the open land in one piece. With a band
//! of ±1 acre and plots of tens of acres the zones on the way are seldom in the band, so the
//! zone after every few steps (at most [`SAMPLES`] a walk, evenly spaced) is brought into it by
//! the band repair's walk and polished by the steepest descent; the cheapest few that keep
//! every rule are the candidates. The descent does the work: on the PSM park, with every step
//! of the walk repaired and polished, a zone on the walk cost 20,836 m before them and
//! 17,061 m after.

use super::{Solution, State, polish, repair};

/// Most members of a zone relinked (each step prices every move toward the other zone).
pub(super) const RELINK_MEMBERS: usize = 2_000;
/// Zones met on a walk that are polished and returned (the cheapest in the band).
const KEEP: usize = 3;
/// Most zones met on a walk that are brought into the band and polished (evenly spaced).
const SAMPLES: usize = 40;
/// Join × leave pairs priced as swaps in one step; above this only single moves are priced.
const SWAP_PAIRS: usize = 40_000;

/// The cheapest zones keeping every rule found from the walk from `from` toward the zone with
/// members `to` (sorted): zones on the walk brought into the band and polished with at most
/// `polish_steps` descent steps. `to` itself is never returned; `from` is when the descent
/// leads a zone on the walk back to it.
pub(super) fn relink<'p, 'a>(
    from: &State<'p, 'a>,
    to: &[usize],
    polish_steps: usize,
) -> Vec<Solution> {
    let p = from.p;
    let g = p.graph;
    let mut goal = vec![false; g.len()];
    for &v in to {
        goal[v] = true;
    }
    let mut st = from.clone();
    // Each step moves at least one parcel toward `to`, and a parcel that reached its side
    // never moves back: at most |from Δ to| steps.
    let mut kept: Vec<Solution> = Vec::new();
    let diff = st.members.items.iter().filter(|&&v| !goal[v]).count()
        + to.iter().filter(|&&v| !st.inset[v]).count();
    let stride = diff.div_ceil(SAMPLES).max(1);
    for step in 1..=diff {
        let mut joins: Vec<usize> = st
            .frontier
            .items
            .iter()
            .copied()
            .filter(|&j| goal[j])
            .collect();
        joins.sort_unstable();
        let mut leaves: Vec<usize> = st
            .members
            .items
            .iter()
            .copied()
            .filter(|&i| !goal[i] && st.removable(i))
            .collect();
        leaves.sort_unstable();
        let mut moves: Vec<(f64, Option<usize>, Option<usize>)> = Vec::new();
        for &j in &joins {
            moves.push((st.cost_after(Some(j), None), Some(j), None));
        }
        for &i in &leaves {
            moves.push((st.cost_after(None, Some(i)), None, Some(i)));
        }
        if joins.len() * leaves.len() <= SWAP_PAIRS {
            for &i in &leaves {
                let touches_i = |j: usize| g.adj[i].binary_search_by(|e| e.0.cmp(&j)).is_ok();
                for &j in &joins {
                    if st.cnt[j] as usize > usize::from(touches_i(j))
                        && !(st.has_access(i) && st.access_in == 1 && !st.has_access(j))
                    {
                        moves.push((st.cost_after(Some(j), Some(i)), Some(j), Some(i)));
                    }
                }
            }
        }
        moves.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let made = moves.into_iter().any(|(_, add, rem)| {
            if let Some(i) = rem
                && !st.stays_connected_without(i)
            {
                return false;
            }
            st.apply_move(add, rem)
        });
        if !made {
            break;
        }
        if step % stride == 0 || step == diff {
            let mut t = st.clone();
            if !p.in_band(t.area) {
                let rounds = 4 * t.members.items.len() + 100;
                if !repair::repair_band(&mut t, rounds) {
                    continue;
                }
            }
            polish(&mut t, polish_steps);
            if t.feasible() {
                let sol = t.solution();
                if sol.members != to && kept.iter().all(|k| k.members != sol.members) {
                    kept.push(sol);
                    kept.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.members.cmp(&b.members)));
                    kept.truncate(KEEP);
                }
            }
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::super::*;
    use super::*;

    /// Two rows of 8 nodes of one acre and 400 m each: the top row's neighbours share
    /// 100, 100, 100, 50, 160, 50, 90 m, the bottom row (open land the zone never wants) shares
    /// 100 m along itself and 1 m with the node above. Zones of four in the top row cost
    /// 1,600 m − 2 × their three shared edges: from the left 1,000, 1,100, 980, 1,080, 1,000 m.
    /// The two ends are local optima of the descent (each slide lengthens them); the walk from
    /// one to the other passes the 1,100 m zone, which the descent takes to the best, 980 m.
    #[test]
    fn the_walk_between_two_local_optima_finds_the_better_zone_between_them() {
        let w = 8;
        let top = [100.0, 100.0, 100.0, 50.0, 160.0, 50.0, 90.0];
        let mut g = Graph {
            area: vec![1.0; 2 * w],
            perim: vec![400.0; 2 * w],
            adj: vec![Vec::new(); 2 * w],
            xy: (0..2 * w)
                .map(|v| [(v % w) as f64 * 100.0, (v / w) as f64 * -100.0])
                .collect(),
            edge: Vec::new(),
        };
        let mut link = |a: usize, b: usize, s: f64| {
            g.adj[a].push((b, s));
            g.adj[b].push((a, s));
        };
        for (k, &s) in top.iter().enumerate() {
            link(k, k + 1, s);
            link(w + k, w + k + 1, 100.0);
        }
        for k in 0..w {
            link(k, w + k, 1.0);
        }
        for a in &mut g.adj {
            a.sort_by_key(|e| e.0);
        }
        g.mark_edges();
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let p = ZoneProblem {
            target: 4.0,
            tol: 0.1,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let zone = |members: &[usize]| {
            let mut st = State::new(&p, scale_of(&p));
            for &v in members {
                st.add(v);
            }
            st
        };
        let (a, b) = (zone(&[0, 1, 2, 3]), zone(&[4, 5, 6, 7]));
        for end in [&a, &b] {
            assert!(end.feasible() && (end.perim - 1000.0).abs() < 1e-9);
            let mut polished = end.clone();
            polish(&mut polished, 50);
            assert_eq!(polished.solution().members, end.solution().members);
        }
        let found = relink(&a, &[4, 5, 6, 7], 50);
        assert_eq!(found[0].members, vec![2, 3, 4, 5]);
        assert!((found[0].perim - 980.0).abs() < 1e-9, "{}", found[0].perim);
        // Every zone returned keeps the rules.
        for s in &found {
            assert!(rules::broken_rule(&p, s).is_none(), "{:?}", s.members);
        }
    }
}
