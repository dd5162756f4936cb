//! Large moves: trades of one large plot, and shifts of the whole zone.
//!
//! Annealing and descent move one plot at a time, priced at the scale of the median plot. Two
//! kinds of zone stay out of their reach:
//! - on land whose plot sizes spread over three orders of magnitude (estates of tens of acres
//!   among house plots of a few hundred m²), one move with a large plot leaves the band by tens
//!   of acres and is never accepted, so which large plots the zone holds is fixed by the growth
//!   it started from;
//! - a zone whose better placement lies a few plots' width away (on the PSM data, a park that
//!   holds a block of plants and a long road strip on one side where the best park holds another
//!   block and strips on the other) needs dozens of moves that each lengthen the boundary first.
//!
//! Two moves make those choices in one step, and a third is offered on request:
//! - **trade**: a large plot on the zone's frontier joins (pinned), or a large member leaves
//!   (barred from rejoining), and the zone gives back or takes as much land with plots on its
//!   boundary, steered by the new zone's centre;
//! - **shift**: the centre moves by a step in one of eight directions; the zone drops a share of
//!   its land on the trailing side (members farthest from the new centre, barred from rejoining)
//!   and takes as much back on the leading side (frontier plots nearest it);
//! - **strip leave** (only when asked, on the zone path relinking found): a rim member with one
//!   of the longest boundaries outside the zone leaves, of any size, and the zone takes as much
//!   back like after a trade.
//!
//! Each moved zone is brought into the band (with the band repair's walk when small plots cannot
//! land in it), has its spurs and necks repaired when the minimum width asks, and is polished by
//! the steepest descent; the best move that leaves a zone meeting every rule at a lower cost is
//! kept, and moving repeats until none improves. Every step is one the search makes anyway: the
//! zone stays contiguous and the open land in one piece. Plots are priced in the rebalancing like
//! the greedy growth prices them: perimeter per unit of size, plus distance to the centre.

use super::{M2_PER_ACRE, State, ZoneProblem, centroid, dist, median, polish, repair, width};

/// A plot is large when its area is at least this many times the median available plot's.
const LARGE: f64 = 8.0;
/// Large plots tried per side (joining and leaving) in a round, largest first.
const TRIES: usize = 8;
/// Most rounds of moves (each keeps the best improving move).
const ROUNDS: usize = 8;
/// Steering of the rebalancing toward the centre: the distance term, 0 at the centre and this
/// much at the radius of a disc of the target area, against the perimeter term (about ±4 for
/// square plots), as in the greedy growth.
const STEER: f64 = 2.0;
/// Shares of the target area a shift moves from the trailing to the leading side.
const SHIFT_SHARES: [f64; 2] = [0.1, 0.25];
/// Zones of more members than this are not shifted (each shift re-walks a share of the zone
/// and polishes it whole).
const SHIFT_MEMBERS: usize = 2_000;

/// The area (acres) from which a plot counts as large in `p`: [`LARGE`] times the median area of
/// the available plots.
pub(super) fn large_area(p: &ZoneProblem) -> f64 {
    let g = p.graph;
    let areas: Vec<f64> = (0..g.len())
        .filter(|&v| p.avail[v])
        .map(|v| g.area[v])
        .collect();
    LARGE * median(areas)
}

/// One large move.
#[derive(Debug, Clone, Copy)]
enum Move {
    /// The plot joins the zone.
    Join(usize),
    /// The member leaves the zone.
    Leave(usize),
    /// The zone moves by this share of its area in this direction (unit vector).
    Shift([f64; 2], f64),
}

/// Improves `st` by trades of plots of at least `large` acres and by shifts (see the module
/// documentation); polishes each moved zone with at most `polish_steps` descent steps. With
/// `strips`, the [`TRIES`] rim members with the longest boundary outside the zone may leave too
/// (barred from rejoining, the zone walked back into the band like after a large plot leaves),
/// whatever their size: a road strip along the zone's edge costs kilometres of boundary, and
/// trading it for plots elsewhere takes one move that single moves and swaps cannot make when
/// the strip is larger than the band is wide. True when a move was made; `st` is left as it
/// was when none improves it.
pub(super) fn improve(st: &mut State, large: f64, polish_steps: usize, strips: bool) -> bool {
    let p = st.p;
    let g = p.graph;
    let mut improved = false;
    for _ in 0..ROUNDS {
        let mut joining: Vec<usize> = st
            .frontier
            .items
            .iter()
            .copied()
            .filter(|&j| g.area[j] >= large)
            .collect();
        let mut leaving: Vec<usize> = st
            .members
            .items
            .iter()
            .copied()
            .filter(|&i| g.area[i] >= large && st.removable(i))
            .collect();
        let by_size = |v: &mut Vec<usize>| {
            v.sort_by(|&a, &b| g.area[b].total_cmp(&g.area[a]).then(a.cmp(&b)));
            v.truncate(TRIES);
        };
        by_size(&mut joining);
        by_size(&mut leaving);
        if strips {
            // Members with the longest boundary on the zone's edge (strips along it), longest
            // first, whatever their size.
            let mut exposed: Vec<usize> = st
                .rim
                .items
                .iter()
                .copied()
                .filter(|&i| !leaving.contains(&i) && st.removable(i))
                .collect();
            let edge_of = |i: usize| g.perim[i] - st.sh[i];
            exposed.sort_by(|&a, &b| edge_of(b).total_cmp(&edge_of(a)).then(a.cmp(&b)));
            exposed.truncate(TRIES);
            leaving.extend(exposed);
        }
        let mut moves: Vec<Move> = joining.iter().map(|&j| Move::Join(j)).collect();
        moves.extend(leaving.iter().map(|&i| Move::Leave(i)));
        if st.members.items.len() <= SHIFT_MEMBERS && st.open_out > 0 {
            for k in 0..8 {
                let a = k as f64 * std::f64::consts::FRAC_PI_4;
                for &share in &SHIFT_SHARES {
                    moves.push(Move::Shift([a.cos(), a.sin()], share));
                }
            }
        }
        let mut best: Option<State> = None;
        let mut best_cost = st.cost() - 1e-6;
        for m in moves {
            let Some(t) = moved_zone(st, m, polish_steps) else {
                continue;
            };
            let cost = t.cost();
            if cost < best_cost {
                best_cost = cost;
                best = Some(t);
            }
        }
        match best {
            Some(b) => {
                *st = b;
                improved = true;
            }
            None => break,
        }
    }
    improved
}

/// The zone after move `m`, rebalanced into the band, width-repaired when needed and polished;
/// `None` when the move cannot be made or its zone breaks a rule.
fn moved_zone<'p, 'a>(st: &State<'p, 'a>, m: Move, polish_steps: usize) -> Option<State<'p, 'a>> {
    let p = st.p;
    let g = p.graph;
    let radius = (p.target * M2_PER_ACRE / std::f64::consts::PI)
        .sqrt()
        .max(1.0);
    let mut pinned = vec![false; g.len()];
    let mut t = st.clone();
    let rounds = 4 * t.members.items.len() + 100;
    let centre = match m {
        Move::Join(v) | Move::Leave(v) => {
            let join = matches!(m, Move::Join(_));
            if !join && !t.stays_connected_without(v) {
                return None;
            }
            let made = if join {
                t.apply_move(Some(v), None)
            } else {
                t.apply_move(None, Some(v))
            };
            if !made {
                return None;
            }
            pinned[v] = true;
            centroid(g, &t.members.items)
        }
        Move::Shift(u, share) => {
            let c = centroid(g, &t.members.items);
            let chunk = share * p.target;
            let step = chunk * M2_PER_ACRE / (2.0 * radius);
            let c2 = [c[0] + step * u[0], c[1] + step * u[1]];
            // Drop the trailing side, barred from rejoining.
            let dropped = walk_to(
                &mut t,
                &mut pinned,
                c2,
                (0.0, p.target - chunk),
                true,
                rounds,
            );
            if dropped == 0 {
                return None;
            }
            c2
        }
    };
    if walk_to(&mut t, &mut pinned, centre, (p.lo(), p.hi()), false, rounds) == usize::MAX
        && !repair::repair_band_pinned(&mut t, &pinned, rounds)
    {
        return None;
    }
    polish(&mut t, polish_steps);
    if p.in_band(t.area) && !t.width_met() {
        let rounds = t.members.items.len() + 20;
        width::repair_width(&mut t, rounds);
    }
    t.feasible().then_some(t)
}

/// Walks `st`'s area into the window `(lo, hi)` acres with plots on its boundary, none of them
/// `pinned`: while above it, drop the removable rim member that saves most perimeter per unit
/// of size and lies farthest from `centre`; while below, add the frontier plot that adds least
/// perimeter per unit of size and lies nearest it; never jumping across the window. With `pin`,
/// every plot moved is pinned. The number of moves made, or `usize::MAX` when it stops outside
/// the window (`st` may be changed either way).
fn walk_to(
    st: &mut State,
    pinned: &mut [bool],
    centre: [f64; 2],
    (lo, hi): (f64, f64),
    pin: bool,
    max_rounds: usize,
) -> usize {
    let p = st.p;
    let g = p.graph;
    let radius = (p.target * M2_PER_ACRE / std::f64::consts::PI)
        .sqrt()
        .max(1.0);
    let per_size = |v: usize| (g.area[v] * M2_PER_ACRE).sqrt().max(1e-9);
    let mut made = 0;
    for _ in 0..max_rounds {
        if st.area >= lo && st.area <= hi {
            return made;
        }
        let over = st.area > hi;
        let mut cands: Vec<(f64, usize)> = if over {
            let pool = if st.open_out == 0 {
                &st.members.items
            } else {
                &st.rim.items
            };
            pool.iter()
                .copied()
                .filter(|&i| !pinned[i] && st.area - g.area[i] >= lo && st.removable(i))
                .map(|i| {
                    let dp = 2.0 * st.sh[i] - g.perim[i];
                    (dp / per_size(i) - STEER * dist(g.xy[i], centre) / radius, i)
                })
                .collect()
        } else {
            st.frontier
                .items
                .iter()
                .copied()
                .filter(|&j| !pinned[j] && st.area + g.area[j] <= hi)
                .map(|j| {
                    let dp = g.perim[j] - 2.0 * st.sh[j];
                    (dp / per_size(j) + STEER * dist(g.xy[j], centre) / radius, j)
                })
                .collect()
        };
        cands.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let moved = cands.iter().find(|&&(_, v)| {
            if over {
                st.stays_connected_without(v) && st.apply_move(None, Some(v))
            } else {
                st.apply_move(Some(v), None)
            }
        });
        let Some(&(_, v)) = moved else {
            return usize::MAX;
        };
        if pin {
            pinned[v] = true;
        }
        made += 1;
    }
    if st.area >= lo && st.area <= hi {
        made
    } else {
        usize::MAX
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::grid;
    use super::super::*;
    use super::*;

    /// A strip of 2 × 8 cells of 100 m with an estate of 3 × 3 cells (one plot, 300 m square,
    /// 1,200 m) beside its left end, band 9 cells ± 0.4 cell. Nine small cells at the left end
    /// (2 × 5 less a corner, 1,400 m) are the best zone of small cells, and no single-cell move
    /// or swap improves them; the estate alone (1,200 m) is the best zone of all (brute
    /// force), and the trade must find it.
    #[test]
    fn trading_in_an_estate_finds_the_shortest_zone() {
        let mut g = grid(8, 2);
        let cell = g.area[0];
        let e = g.len();
        g.area.push(9.0 * cell);
        g.perim.push(1200.0);
        g.xy.push([-200.0, 50.0]);
        g.adj.push(vec![(0, 100.0), (8, 100.0)]);
        g.adj[0].push((e, 100.0));
        g.adj[8].push((e, 100.0));
        g.mark_edges();
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let p = ZoneProblem {
            target: 9.0 * cell,
            tol: 0.4 * cell,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let mut st = State::new(&p, scale_of(&p));
        for v in [0, 1, 2, 3, 4, 8, 9, 10, 11] {
            st.add(v);
        }
        assert!(p.in_band(st.area));
        assert!((st.perim - 1400.0).abs() < 1e-6, "{}", st.perim);
        // Single moves and swaps cannot improve it.
        let mut polished = st.clone();
        polish(&mut polished, 50);
        assert!((polished.perim - 1400.0).abs() < 1e-6, "{}", polished.perim);
        let best = brute_force(&g, &p);
        assert!((best - 1200.0).abs() < 1e-6, "{best}");
        assert!(large_area(&p) <= g.area[e]);
        assert!(improve(&mut st, large_area(&p), 50, false));
        let mut members = st.members.items.clone();
        members.sort_unstable();
        assert_eq!(members, vec![e]);
        assert!((st.perim - best).abs() < 1e-6, "{}", st.perim);
        // From the best zone no move improves, and the zone is left as it was.
        assert!(!improve(&mut st, large_area(&p), 50, false));
        assert_eq!(st.members.items, vec![e]);
    }

    /// A 6 × 4 grid of 100 m cells with a road strip (600 × 33.3 m, two cells' area, 1,267 m of
    /// boundary) along its top row; band 9 cells ± 0.1 cell. The zone of the strip, the top row
    /// and one cell below it (1,667 m) cannot drop the strip by single moves or swaps (each
    /// leaves the band by a cell or two); the strip leave trades it for cells and the descent
    /// makes the zone shorter.
    #[test]
    fn a_strip_along_the_edge_leaves_when_asked() {
        let mut g = grid(6, 4);
        let strip = g.len();
        g.area.push(2.0 * g.area[0]);
        g.perim.push(2.0 * (600.0 + 100.0 / 3.0));
        g.xy.push([250.0, 300.0 + 50.0 + 50.0 / 3.0]);
        g.adj.push((18..24).map(|c| (c, 100.0)).collect());
        for c in 18..24 {
            g.adj[c].push((strip, 100.0));
        }
        g.mark_edges();
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let cell = g.area[0];
        let p = ZoneProblem {
            target: 9.0 * cell,
            tol: 0.1 * cell,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let mut st = State::new(&p, scale_of(&p));
        for v in [strip, 18, 19, 20, 21, 22, 23, 12] {
            st.add(v);
        }
        assert!(st.feasible());
        assert!(
            (st.perim - (1600.0 + 200.0 / 3.0)).abs() < 1e-6,
            "{}",
            st.perim
        );
        let mut polished = st.clone();
        polish(&mut polished, 50);
        assert!(polished.inset[strip]);
        assert!(improve(&mut st, large_area(&p), 50, true));
        assert!(!st.inset[strip] && st.feasible());
        assert!(st.perim <= 1600.0 + 1e-6, "{}", st.perim);
    }

    /// The shortest in-band contiguous set of `p` by enumeration (graphs of at most 20 nodes).
    fn brute_force(g: &Graph, p: &ZoneProblem) -> f64 {
        let n = g.len();
        assert!(n <= 20);
        let mut best = f64::INFINITY;
        for mask in 1u32..(1 << n) {
            let members: Vec<usize> = (0..n).filter(|&v| mask >> v & 1 == 1).collect();
            let area: f64 = members.iter().map(|&v| g.area[v]).sum();
            if !p.in_band(area) {
                continue;
            }
            let inset: Vec<bool> = (0..n).map(|v| mask >> v & 1 == 1).collect();
            if components(g, &inset).len() != 1 {
                continue;
            }
            let rest: Vec<bool> = inset.iter().map(|&x| !x).collect();
            if components(g, &rest).len() > 1 {
                continue;
            }
            best = best.min(g.union_perimeter(&members));
        }
        best
    }
}
