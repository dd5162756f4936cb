//! The minimum-width verdict of the search's zone, checked only where a move can change it.
//!
//! [`crate::graph::narrow::narrow_parts`] answers from a depth-first search of the whole zone.
//! The annealing asks for the verdict at every accepted move that beats its best zone, and on a
//! fabric of house plots (every plot narrower than the minimum) that search dominated the plan's
//! time. The verdict needs only, per narrow member `x`:
//! - its member neighbours (a **spur** touches exactly one, by less than the minimum width), and
//! - whether it holds the zone together (a **neck** is a cut vertex with a thin side).
//!
//! Both depend on the zone near `x` first: the member neighbours on the membership of `x`'s
//! neighbours, and whether those neighbours are joined to one another without `x` through
//! members at most two steps from `x` (the *ring*). A narrow member whose ring joins all its
//! member neighbours cannot be a cut vertex (any path through `x` can go round it), so it is
//! neither spur nor neck whatever the rest of the zone does. The watch keeps each narrow
//! member's local status (clear, spur, or *suspect*: two or more member neighbours that its ring
//! does not join), recomputing it only for nodes within two steps of a node added or removed
//! since the last verdict, and decides:
//! - any spur: the rule is broken;
//! - else, for each suspect, the pieces of the zone without it, found by a breadth-first search
//!   from its member neighbours in lockstep (stopping once all have met, or all but one piece is
//!   closed off): a neck when it shares less than the minimum width with one piece, summed in the
//!   same order as `narrow_parts` sums it;
//! - else the rule is kept.
//!
//! The answers are those of `narrow_parts(..).is_empty()` for every zone (a unit test compares
//! them on seeded random walks); only the work differs.

use std::cell::RefCell;
use std::collections::VecDeque;

use super::IdxSet;
use crate::graph::union_find::Dsu;

/// Local status of a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Local {
    /// Not a narrow member (or the rule is off).
    Out,
    /// A narrow member that is neither spur nor suspect.
    Clear,
    /// A narrow member touching exactly one member by less than the minimum width.
    Spur,
    /// A narrow member with two or more member neighbours its ring does not join.
    Suspect,
}

/// Reusable marks for the local and lockstep searches (not cloned with the watch: a clone
/// starts with fresh ones, allocated on first use).
#[derive(Debug, Default)]
struct Scratch {
    mark: Vec<u32>,
    seen: Vec<u32>,
    owner: Vec<u32>,
    now: u32,
}

impl Scratch {
    fn ready(&mut self, n: usize) {
        if self.mark.len() != n {
            self.mark = vec![0; n];
            self.seen = vec![0; n];
            self.owner = vec![0; n];
            self.now = 0;
        }
    }
    /// A fresh stamp for `mark` and `seen` (both cleared when the counter wraps).
    fn next(&mut self) -> u32 {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.seen.iter_mut().for_each(|m| *m = 0);
            self.now = 1;
        }
        self.now
    }
}

/// The zone's view the watch reads: neighbours (node → `(neighbour, shared metres)`), members,
/// node widths and the minimum width.
pub(super) struct View<'a> {
    pub adj: &'a [Vec<(usize, f64)>],
    pub inset: &'a [bool],
    pub members: usize,
    pub width_m: &'a [f64],
    pub min_width_m: f64,
}

impl View<'_> {
    fn narrow(&self, v: usize) -> bool {
        super::narrower_than(self.width_m, self.min_width_m, v)
    }
}

/// The watch (see the module documentation).
#[derive(Debug)]
pub(super) struct WidthWatch {
    /// False when the rule is off or no node is narrow: nothing is recorded.
    on: bool,
    /// Nodes added or removed since the statuses were last brought up to date.
    dirty: Vec<usize>,
    status: Vec<Local>,
    spurs: usize,
    suspects: IdxSet,
    scratch: RefCell<Scratch>,
}

impl Clone for WidthWatch {
    fn clone(&self) -> Self {
        WidthWatch {
            on: self.on,
            dirty: self.dirty.clone(),
            status: self.status.clone(),
            spurs: self.spurs,
            suspects: self.suspects.clone(),
            scratch: RefCell::default(),
        }
    }
}

impl WidthWatch {
    /// A watch for a graph of `n` nodes; `on` false keeps it empty and idle.
    pub(super) fn new(n: usize, on: bool) -> Self {
        WidthWatch {
            on,
            dirty: Vec::new(),
            status: if on { vec![Local::Out; n] } else { Vec::new() },
            spurs: 0,
            suspects: IdxSet::new(if on { n } else { 0 }),
            scratch: RefCell::default(),
        }
    }

    /// Records that node `v` joined or left the zone.
    pub(super) fn moved(&mut self, v: usize) {
        if self.on {
            self.dirty.push(v);
        }
    }

    /// True when the zone has no spur or neck narrower than the minimum width: the answer of
    /// `narrow_parts(..).is_empty()` for the zone `view` describes (which must be the zone whose
    /// moves were recorded).
    pub(super) fn met(&mut self, view: &View) -> bool {
        if !self.on || view.min_width_m <= 0.0 || view.members < 2 {
            return true;
        }
        self.refresh(view);
        if self.spurs > 0 {
            return false;
        }
        let suspects = self.suspects.items.clone();
        !suspects.into_iter().any(|x| self.is_neck(view, x))
    }

    /// Recomputes the status of every node within two steps of a dirty one.
    fn refresh(&mut self, view: &View) {
        if self.dirty.is_empty() {
            return;
        }
        let dirty = std::mem::take(&mut self.dirty);
        let mut todo: Vec<usize> = Vec::new();
        {
            let mut s = self.scratch.borrow_mut();
            s.ready(view.adj.len());
            let now = s.next();
            let mut take = |s: &mut Scratch, x: usize| {
                if s.seen[x] != now {
                    s.seen[x] = now;
                    todo.push(x);
                }
            };
            for &u in &dirty {
                take(&mut s, u);
                for &(w, _) in &view.adj[u] {
                    take(&mut s, w);
                    for &(y, _) in &view.adj[w] {
                        take(&mut s, y);
                    }
                }
            }
        }
        for x in todo {
            let new = self.local(view, x);
            self.set(x, new);
        }
    }

    fn set(&mut self, x: usize, new: Local) {
        let old = self.status[x];
        if old == new {
            return;
        }
        match old {
            Local::Spur => self.spurs -= 1,
            Local::Suspect => self.suspects.remove(x),
            _ => {}
        }
        match new {
            Local::Spur => self.spurs += 1,
            Local::Suspect => self.suspects.insert(x),
            _ => {}
        }
        self.status[x] = new;
    }

    /// The local status of `x` from the zone around it.
    fn local(&self, view: &View, x: usize) -> Local {
        if !view.inset[x] || !view.narrow(x) {
            return Local::Out;
        }
        let touching: Vec<(usize, f64)> = view.adj[x]
            .iter()
            .filter(|e| e.0 != x && view.inset[e.0])
            .copied()
            .collect();
        match touching.len() {
            0 => Local::Clear,
            1 if touching[0].1 < view.min_width_m - 1e-9 => Local::Spur,
            1 => Local::Clear,
            _ if self.ring_joins(view, x, &touching) => Local::Clear,
            _ => Local::Suspect,
        }
    }

    /// True when the members `touching` (each a member neighbour of `x`) are joined to one
    /// another without `x` through members at most two steps from `x`.
    fn ring_joins(&self, view: &View, x: usize, touching: &[(usize, f64)]) -> bool {
        let mut s = self.scratch.borrow_mut();
        s.ready(view.adj.len());
        let now = s.next();
        for &(w, _) in &view.adj[x] {
            s.mark[w] = now;
            for &(y, _) in &view.adj[w] {
                s.mark[y] = now;
            }
        }
        s.mark[x] = 0;
        let mut left = touching.len();
        let mut stack = vec![touching[0].0];
        s.seen[touching[0].0] = now;
        let is_start = |v: usize| touching.iter().any(|e| e.0 == v);
        while let Some(v) = stack.pop() {
            if is_start(v) {
                left -= 1;
                if left == 0 {
                    return true;
                }
            }
            for &(w, _) in &view.adj[v] {
                if s.mark[w] == now && s.seen[w] != now && view.inset[w] {
                    s.seen[w] = now;
                    stack.push(w);
                }
            }
        }
        false
    }

    /// True when the suspect `x` is a neck: the zone without it falls into pieces and it shares
    /// less than the minimum width with one of them.
    fn is_neck(&self, view: &View, x: usize) -> bool {
        let touching: Vec<(usize, f64)> = view.adj[x]
            .iter()
            .filter(|e| e.0 != x && view.inset[e.0])
            .copied()
            .collect();
        let k = touching.len();
        if k < 2 {
            return false;
        }
        let mut s = self.scratch.borrow_mut();
        s.ready(view.adj.len());
        let now = s.next();
        let mut dsu = Dsu::new(k);
        let mut queues: Vec<VecDeque<usize>> = vec![VecDeque::new(); k];
        s.seen[x] = now;
        for (l, &(v, _)) in touching.iter().enumerate() {
            s.seen[v] = now;
            s.owner[v] = l as u32;
            queues[l].push_back(v);
        }
        // Groups (by root) still growing; a group whose every queue is empty is a closed piece.
        loop {
            let mut alive_roots: Vec<usize> = (0..k)
                .filter(|&l| !queues[l].is_empty())
                .map(|l| dsu.find_mut(l))
                .collect();
            alive_roots.sort_unstable();
            alive_roots.dedup();
            let roots: Vec<usize> = {
                let mut r: Vec<usize> = (0..k).map(|l| dsu.find_mut(l)).collect();
                r.sort_unstable();
                r.dedup();
                r
            };
            if roots.len() == 1 {
                // Every member neighbour is joined to every other: x holds nothing apart.
                return false;
            }
            if alive_roots.len() <= 1 {
                // Every piece but at most one is closed off: the pieces are the groups.
                break;
            }
            for (l, queue) in queues.iter_mut().enumerate().take(k) {
                let Some(v) = queue.pop_front() else {
                    continue;
                };
                for &(w, _) in &view.adj[v] {
                    if w == x || !view.inset[w] {
                        continue;
                    }
                    if s.seen[w] == now {
                        dsu.union(l, s.owner[w] as usize);
                    } else {
                        s.seen[w] = now;
                        s.owner[w] = l as u32;
                        queue.push_back(w);
                    }
                }
            }
        }
        // Contact with each piece, summed in neighbour order (as narrow_parts sums it).
        let mut contact: Vec<(usize, f64)> = Vec::new();
        for (l, &(_, len)) in touching.iter().enumerate() {
            let r = dsu.find_mut(l);
            match contact.iter_mut().find(|c| c.0 == r) {
                Some(c) => c.1 += len,
                None => contact.push((r, len)),
            }
        }
        contact.iter().any(|&(_, c)| c < view.min_width_m - 1e-9)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::grid;
    use super::super::*;
    use crate::graph::narrow::{NarrowKind, narrow_parts};

    /// Seeded random walks of adds and removes on grids whose cells are randomly narrow and
    /// whose shared boundaries are randomly short (some with a diagonal neighbour too): after
    /// every few moves the watch's verdict equals `narrow_parts(..).is_empty()`, on connected
    /// and disconnected zones, with spurs, necks and internal corridors all met along the way.
    #[test]
    fn the_watch_answers_as_the_full_check_on_random_zones() {
        let mut rng = Rng::new(13);
        let (mut kept, mut spurs, mut necks) = (0, 0, 0);
        for round in 0..60 {
            let (w, h) = (6 + rng.below(6), 5 + rng.below(6));
            let mut g = grid(w, h);
            // Random shared lengths, symmetric, and a few diagonal neighbours.
            for v in 0..g.len() {
                for k in 0..g.adj[v].len() {
                    let u = g.adj[v][k].0;
                    if u > v {
                        let s = [30.0, 60.0, 100.0, 150.0][rng.below(4)];
                        g.adj[v][k].1 = s;
                        let back = g.adj[u].iter().position(|e| e.0 == v).unwrap();
                        g.adj[u][back].1 = s;
                    }
                }
            }
            for _ in 0..rng.below(4) {
                let v = rng.below(g.len() - w - 1);
                let u = v + w + 1;
                if !g.adj[v].iter().any(|e| e.0 == u) {
                    g.adj[v].push((u, 40.0));
                    g.adj[u].push((v, 40.0));
                    g.adj[v].sort_by_key(|e| e.0);
                    g.adj[u].sort_by_key(|e| e.0);
                }
            }
            let share = 0.3 + 0.6 * rng.unit();
            let width: Vec<f64> = (0..g.len())
                .map(|_| if rng.unit() < share { 40.0 } else { 150.0 })
                .collect();
            let labels = vec![String::new(); g.len()];
            let avail = vec![true; g.len()];
            let p = ZoneProblem {
                target: 1.0,
                tol: 1.0,
                width_m: &width,
                min_width_m: 100.0,
                ..ZoneProblem::for_tests(&g, &avail, &labels)
            };
            let mut st = State::new(&p, scale_of(&p));
            // Mostly contiguous growth and shrinking, with some jumps (disconnected zones).
            for step in 0..300 {
                let jump = rng.unit() < 0.1 || st.members.items.is_empty();
                let v = if jump {
                    rng.below(g.len())
                } else if rng.unit() < 0.55 && !st.frontier.items.is_empty() {
                    st.frontier.items[rng.below(st.frontier.items.len())]
                } else {
                    st.members.items[rng.below(st.members.items.len())]
                };
                if st.inset[v] {
                    st.remove(v);
                } else {
                    st.add(v);
                }
                if rng.unit() < 0.4 || step == 299 {
                    let parts = narrow_parts(&g.adj, &st.members.items, &st.inset, &width, 100.0);
                    assert_eq!(
                        st.width_met(),
                        parts.is_empty(),
                        "round {round} step {step}: {parts:?}"
                    );
                    kept += usize::from(parts.is_empty());
                    spurs += usize::from(parts.iter().any(|q| q.kind == NarrowKind::Spur));
                    necks += usize::from(
                        parts.iter().all(|q| q.kind == NarrowKind::Neck) && !parts.is_empty(),
                    );
                }
            }
        }
        // Both verdicts, and zones whose only breaks are necks (decided by the lockstep search).
        assert!(
            kept > 300 && spurs > 300 && necks > 100,
            "{kept} kept, {spurs} with spurs, {necks} only necks"
        );
    }
}
