//! Zone search on the parcel graph: greedy compact growth from several seeds, then simulated
//! annealing over boundary moves (add, remove, swap) that keep the zone contiguous and push its
//! area into the target band. A run that finds no zone keeping every rule, but zones breaking
//! only the minimum width, repairs them toward one without spurs and necks (`search/width.rs`).
//!
//! The search sees parcels only as graph nodes: an area (acres), a perimeter (metres), shared
//! boundary lengths to neighbours and a centroid in local metres. A zone's perimeter is
//! `Σ perimeters − 2 · Σ shared boundary between members`, updated in O(degree) per move.
//! Everything is deterministic: node order is index order, ties break by index, and the only
//! randomness is a seeded SplitMix64 stream.
//!
//! Large zones (hundreds to tens of thousands of parcels) rely on three things: growth that
//! takes a pocket of open land whole when it would otherwise close it off (leaving the pocket's
//! mouth open would keep a slit from the pocket to the zone's edge, and a 20 %-of-the-fabric
//! zone grown around a few dozen such pockets came out with five times a disc's perimeter); the
//! rim (members with a neighbour outside), so annealing and descent draw leaving parcels only
//! where one can leave; and a steepest descent after annealing at every size, pricing swaps in
//! full for small zones and from a shortlist (neighbouring pairs, the best single moves paired)
//! for large ones.

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::{BTreeSet, BinaryHeap, VecDeque};

use crate::geodesy::M2_PER_ACRE;
use crate::graph::narrow::{NarrowPart, narrow_parts};
use crate::graph::union_find::Dsu;
use crate::util::Rng;
use width_watch::WidthWatch;

mod relink;
mod repair;
mod rules;
mod trade;
mod width;
mod width_watch;

/// The parcel graph the search runs on.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Area of each node in acres.
    pub area: Vec<f64>,
    /// Perimeter of each node in metres.
    pub perim: Vec<f64>,
    /// Neighbours and shared boundary (metres), sorted by neighbour index.
    pub adj: Vec<Vec<(usize, f64)>>,
    /// Centroid of each node in local metres (only used to steer growth).
    pub xy: Vec<[f64; 2]>,
    /// True for nodes with boundary shared with no neighbour (the edge of the fabric).
    pub edge: Vec<bool>,
}

impl Graph {
    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.area.len()
    }

    /// True when the graph has no nodes.
    pub fn is_empty(&self) -> bool {
        self.area.is_empty()
    }

    /// Recomputes [`Graph::edge`] from perimeters and shared lengths.
    pub fn mark_edges(&mut self) {
        self.edge = (0..self.len())
            .map(|v| {
                let shared: f64 = self.adj[v].iter().map(|e| e.1).sum();
                self.perim[v] - shared > 1e-6 * self.perim[v].max(1.0)
            })
            .collect();
    }

    /// Shared boundary between `i` and `j` in metres (0 when not neighbours).
    pub fn shared(&self, i: usize, j: usize) -> f64 {
        self.adj[i]
            .binary_search_by(|e| e.0.cmp(&j))
            .map(|k| self.adj[i][k].1)
            .unwrap_or(0.0)
    }

    /// Frontage of node `v` on a zone: the boundary (geodesic metres, from the adjacency's
    /// shared edges) `v` shares with the zone's other nodes (`inset`). The one measure of how
    /// firmly an access parcel is joined to its zone.
    ///
    /// ```
    /// use allot::plan::search::Graph;
    /// // Three nodes in a row: 0 and 1 share 40 m, 1 and 2 share 120 m.
    /// let g = Graph {
    ///     area: vec![1.0; 3],
    ///     perim: vec![400.0; 3],
    ///     adj: vec![vec![(1, 40.0)], vec![(0, 40.0), (2, 120.0)], vec![(1, 120.0)]],
    ///     xy: vec![[0.0, 0.0]; 3],
    ///     edge: vec![true; 3],
    /// };
    /// assert_eq!(g.frontage_m(0, &[true, true, false]), 40.0);
    /// assert_eq!(g.frontage_m(1, &[true, true, true]), 160.0);
    /// ```
    pub fn frontage_m(&self, v: usize, inset: &[bool]) -> f64 {
        self.adj[v]
            .iter()
            .filter(|e| e.0 != v && inset[e.0])
            .map(|e| e.1)
            .sum()
    }

    /// Perimeter in metres of the union of `members` (Σ perimeters − 2 Σ shared).
    pub fn union_perimeter(&self, members: &[usize]) -> f64 {
        let mut inset = BTreeSet::new();
        inset.extend(members.iter().copied());
        let mut p = 0.0;
        for &v in &inset {
            p += self.perim[v];
            for &(w, s) in &self.adj[v] {
                if w > v && inset.contains(&w) {
                    p -= 2.0 * s;
                }
            }
        }
        p.max(0.0)
    }
}

/// An earlier zone the current one should not wrap around.
#[derive(Debug, Clone)]
pub struct Earlier {
    /// Shared boundary (m) of each node with the earlier zone.
    pub shared: Vec<f64>,
    /// The earlier zone's perimeter (m).
    pub perim: f64,
}

/// One zone to find.
#[derive(Debug, Clone)]
pub struct ZoneProblem<'a> {
    /// The graph.
    pub graph: &'a Graph,
    /// Nodes the zone may use.
    pub avail: &'a [bool],
    /// Nodes not yet in any zone (the land the rest of the plan and the retained land come
    /// from): a move may not split them into more pieces.
    pub open: &'a [bool],
    /// Nodes the zone must contain (locks); each also marked available.
    pub required: &'a [usize],
    /// When set, the zone must contain a node marked true here.
    pub access: Option<&'a [bool]>,
    /// How the access is named in messages (`port`).
    pub access_name: &'a str,
    /// How nodes are named in messages (their parcel ids).
    pub labels: &'a [String],
    /// Target area (acres).
    pub target: f64,
    /// Allowed deviation from the target (acres).
    pub tol: f64,
    /// Earlier zones (penalise covering more than half their boundary).
    pub earlier: Vec<Earlier>,
    /// Seed of the random stream.
    pub seed: u64,
    /// Minimum frontage in metres: an access parcel of the zone counts only when it shares at
    /// least this much boundary with the rest of the zone (a zone of that one parcel counts
    /// too); 0 accepts any access parcel.
    pub min_frontage_m: f64,
    /// Zones of earlier plans this zone must differ from (per earlier zone: its nodes).
    pub avoid: Vec<Vec<bool>>,
    /// Most acres the zone may share with each zone of `avoid`.
    pub avoid_cap: f64,
    /// Width of each node in metres ([`crate::geodesy::width::width_m`]); a node without one
    /// counts as wide.
    pub width_m: &'a [f64],
    /// Minimum width in metres: the zone may have no spur or neck narrower than this
    /// ([`crate::graph::narrow`]); 0 turns the rule off.
    pub min_width_m: f64,
}

impl<'a> ZoneProblem<'a> {
    /// A test zone on `graph`: every `avail` node open, no required nodes, access, earlier
    /// zones, frontage or difference rules, seed 1, and no target (tests set `target` and `tol`,
    /// and any rule they exercise, with `..ZoneProblem::for_tests(…)`).
    #[cfg(test)]
    pub(crate) fn for_tests(graph: &'a Graph, avail: &'a [bool], labels: &'a [String]) -> Self {
        ZoneProblem {
            graph,
            avail,
            open: avail,
            required: &[],
            access: None,
            access_name: "port",
            labels,
            target: 0.0,
            tol: 0.0,
            earlier: Vec::new(),
            seed: 1,
            min_frontage_m: 0.0,
            avoid: Vec::new(),
            avoid_cap: 0.0,
            width_m: &[],
            min_width_m: 0.0,
        }
    }
}

impl ZoneProblem<'_> {
    fn lo(&self) -> f64 {
        self.target - self.tol
    }
    fn hi(&self) -> f64 {
        self.target + self.tol
    }
    fn in_band(&self, a: f64) -> bool {
        a >= self.lo() && a <= self.hi()
    }
    /// True when node `v` is narrower than the minimum width (never when the rule is off).
    fn narrow(&self, v: usize) -> bool {
        narrower_than(self.width_m, self.min_width_m, v)
    }
    /// The spurs and necks of the zone `members` (`inset` marks them) narrower than the
    /// minimum width.
    fn narrow_parts(&self, members: &[usize], inset: &[bool]) -> Vec<NarrowPart> {
        narrow_parts(
            &self.graph.adj,
            members,
            inset,
            self.width_m,
            self.min_width_m,
        )
    }
}

/// A zone found by the search.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Member nodes, sorted.
    pub members: Vec<usize>,
    /// Area (acres).
    pub area: f64,
    /// Perimeter (m).
    pub perim: f64,
    /// Perimeter plus penalties (what the search minimised).
    pub cost: f64,
}

/// A set of node indices with O(1) insert, remove, membership and random pick.
#[derive(Debug, Clone)]
struct IdxSet {
    items: Vec<usize>,
    pos: Vec<u32>,
}

const ABSENT: u32 = u32::MAX;

impl IdxSet {
    fn new(n: usize) -> Self {
        IdxSet {
            items: Vec::new(),
            pos: vec![ABSENT; n],
        }
    }
    fn insert(&mut self, v: usize) {
        if self.pos[v] == ABSENT {
            self.pos[v] = self.items.len() as u32;
            self.items.push(v);
        }
    }
    fn remove(&mut self, v: usize) {
        let p = self.pos[v];
        if p == ABSENT {
            return;
        }
        let last = *self.items.last().unwrap_or(&v);
        self.items.swap_remove(p as usize);
        if last != v {
            self.pos[last] = p;
        }
        self.pos[v] = ABSENT;
    }
}

/// Search parameters derived from the problem's scale.
#[derive(Debug, Clone, Copy)]
struct Scale {
    /// Penalty in metres per acre outside the band.
    lambda: f64,
    /// Penalty per metre of an earlier zone's boundary covered beyond half.
    kappa: f64,
    /// Start and end temperature (metres).
    t0: f64,
    t1: f64,
    /// Estimated number of members.
    m_est: f64,
    /// Whether any node is narrower than the minimum width (else the width rule never binds).
    narrow_any: bool,
}

fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return 1.0;
    }
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn scale_of(p: &ZoneProblem) -> Scale {
    let g = p.graph;
    let idx: Vec<usize> = (0..g.len()).filter(|&i| p.avail[i]).collect();
    let med_p = median(idx.iter().map(|&i| g.perim[i]).collect()).max(1e-6);
    let med_a = median(idx.iter().map(|&i| g.area[i]).collect()).max(1e-9);
    Scale {
        lambda: 4.0 * med_p / med_a,
        kappa: 2.0,
        t0: 0.4 * med_p,
        t1: 0.004 * med_p,
        m_est: (p.target / med_a).max(1.0),
        narrow_any: (0..g.len()).any(|v| p.narrow(v)),
    }
}

/// The search state: a zone and everything needed to price a move in O(degree).
#[derive(Debug, Clone)]
struct State<'p, 'a> {
    p: &'p ZoneProblem<'a>,
    sc: Scale,
    inset: Vec<bool>,
    fixed: Vec<bool>,
    cnt: Vec<u32>,
    sh: Vec<f64>,
    members: IdxSet,
    /// Members with a neighbour outside the zone (the only ones a move can take out while
    /// open land remains).
    rim: IdxSet,
    frontier: IdxSet,
    area: f64,
    perim: f64,
    access_in: usize,
    /// Members carrying the required access.
    access_members: IdxSet,
    /// Acres shared with each zone of [`ZoneProblem::avoid`].
    avoid_in: Vec<f64>,
    esh: Vec<f64>,
    stamp: Vec<u32>,
    stamp_now: u32,
    owner: Vec<u32>,
    /// Open nodes outside the zone.
    open_out: usize,
    /// Members narrower than the minimum width.
    narrow_in: usize,
    /// The minimum-width verdict, recomputed only where moves changed the zone
    /// ([`width_watch`]).
    watch: RefCell<WidthWatch>,
}

impl<'p, 'a> State<'p, 'a> {
    /// The state of the zone `members`, added in the order given.
    fn with_members(p: &'p ZoneProblem<'a>, sc: Scale, members: &[usize]) -> Self {
        let mut st = State::new(p, sc);
        for &v in members {
            st.add(v);
        }
        st
    }

    fn new(p: &'p ZoneProblem<'a>, sc: Scale) -> Self {
        let n = p.graph.len();
        let mut fixed = vec![false; n];
        for &r in p.required {
            fixed[r] = true;
        }
        State {
            p,
            sc,
            inset: vec![false; n],
            fixed,
            cnt: vec![0; n],
            sh: vec![0.0; n],
            members: IdxSet::new(n),
            rim: IdxSet::new(n),
            frontier: IdxSet::new(n),
            area: 0.0,
            perim: 0.0,
            access_in: 0,
            access_members: IdxSet::new(n),
            avoid_in: vec![0.0; p.avoid.len()],
            esh: vec![0.0; p.earlier.len()],
            stamp: vec![0; n],
            stamp_now: 0,
            owner: vec![0; n],
            open_out: p.open.iter().filter(|&&o| o).count(),
            narrow_in: 0,
            watch: RefCell::new(WidthWatch::new(n, sc.narrow_any)),
        }
    }

    fn has_access(&self, v: usize) -> bool {
        self.p.access.is_some_and(|a| a[v])
    }

    fn add(&mut self, v: usize) {
        let g = self.p.graph;
        debug_assert!(!self.inset[v]);
        self.inset[v] = true;
        self.watch.get_mut().moved(v);
        self.open_out -= usize::from(self.p.open[v]);
        self.members.insert(v);
        self.frontier.remove(v);
        self.narrow_in += usize::from(self.p.narrow(v));
        self.area += g.area[v];
        self.perim += g.perim[v] - 2.0 * self.sh[v];
        for (z, e) in self.p.earlier.iter().enumerate() {
            self.esh[z] += e.shared[v];
        }
        if self.has_access(v) {
            self.access_in += 1;
            self.access_members.insert(v);
        }
        for (z, m) in self.p.avoid.iter().enumerate() {
            if m[v] {
                self.avoid_in[z] += g.area[v];
            }
        }
        for &(w, s) in &g.adj[v] {
            self.cnt[w] += 1;
            self.sh[w] += s;
            if !self.inset[w] && self.p.avail[w] {
                self.frontier.insert(w);
            } else if self.inset[w] && self.cnt[w] as usize >= g.adj[w].len() {
                self.rim.remove(w);
            }
        }
        if (self.cnt[v] as usize) < g.adj[v].len() {
            self.rim.insert(v);
        }
    }

    fn remove(&mut self, v: usize) {
        let g = self.p.graph;
        debug_assert!(self.inset[v]);
        self.inset[v] = false;
        self.watch.get_mut().moved(v);
        self.open_out += usize::from(self.p.open[v]);
        self.members.remove(v);
        self.rim.remove(v);
        self.narrow_in -= usize::from(self.p.narrow(v));
        self.area -= g.area[v];
        self.perim -= g.perim[v] - 2.0 * self.sh[v];
        for (z, e) in self.p.earlier.iter().enumerate() {
            self.esh[z] -= e.shared[v];
        }
        if self.has_access(v) {
            self.access_in -= 1;
            self.access_members.remove(v);
        }
        for (z, m) in self.p.avoid.iter().enumerate() {
            if m[v] {
                self.avoid_in[z] -= g.area[v];
            }
        }
        for &(w, s) in &g.adj[v] {
            self.cnt[w] -= 1;
            self.sh[w] -= s;
            if self.inset[w] {
                self.rim.insert(w);
            }
            if self.cnt[w] == 0 {
                self.sh[w] = 0.0;
                self.frontier.remove(w);
            }
        }
        if self.cnt[v] > 0 && self.p.avail[v] {
            self.frontier.insert(v);
        }
    }

    fn penalty_area(&self, area: f64) -> f64 {
        let d = (area - self.p.target).abs() - self.p.tol;
        if d > 0.0 {
            self.sc.lambda * (d + 0.05 * self.p.tol.max(0.01))
        } else {
            0.0
        }
    }

    fn penalty_earlier(&self, esh: impl Iterator<Item = (usize, f64)>) -> f64 {
        let mut c = 0.0;
        for (z, s) in esh {
            let over = s - 0.5 * self.p.earlier[z].perim;
            if over > 0.0 {
                c += self.sc.kappa * over;
            }
        }
        c
    }

    /// Penalty for sharing more than [`ZoneProblem::avoid_cap`] acres with an earlier plan's
    /// zone (priced like acres outside the band).
    fn penalty_avoid(&self, shared: impl Iterator<Item = f64>) -> f64 {
        shared
            .map(|s| (s - self.p.avoid_cap).max(0.0))
            .map(|over| {
                if over > 0.0 {
                    self.sc.lambda * (over + 0.05)
                } else {
                    0.0
                }
            })
            .sum()
    }

    fn cost(&self) -> f64 {
        self.perim
            + self.penalty_area(self.area)
            + self.penalty_earlier(self.esh.iter().copied().enumerate())
            + self.penalty_avoid(self.avoid_in.iter().copied())
    }

    /// True when the zone has an access parcel joined to the rest of it by at least
    /// [`ZoneProblem::min_frontage_m`] (or no access is required).
    fn access_met(&self) -> bool {
        self.p.access.is_none()
            || self.access_members.items.iter().any(|&v| {
                self.members.items.len() == 1
                    || self.p.graph.frontage_m(v, &self.inset) >= self.p.min_frontage_m - 1e-9
            })
    }

    /// True when the zone has no spur or neck narrower than [`ZoneProblem::min_width_m`]
    /// (free when no member is narrow; else the answer of [`narrow_parts`], checked only
    /// where the moves since the last answer could change it: [`width_watch`]).
    fn width_met(&self) -> bool {
        self.narrow_in == 0
            || self.watch.borrow_mut().met(&width_watch::View {
                adj: &self.p.graph.adj,
                inset: &self.inset,
                members: self.members.items.len(),
                width_m: self.p.width_m,
                min_width_m: self.p.min_width_m,
            })
    }

    /// True when the zone meets every rule: area band, access (with its frontage), the
    /// difference from earlier plans and the minimum width.
    fn feasible(&self) -> bool {
        self.p.in_band(self.area)
            && self.access_met()
            && self.avoid_in.iter().all(|&s| s <= self.p.avoid_cap + 1e-9)
            && self.width_met()
    }

    /// Cost after adding `add` and removing `rem` (either may be absent).
    fn cost_after(&self, add: Option<usize>, rem: Option<usize>) -> f64 {
        let g = self.p.graph;
        let mut area = self.area;
        let mut perim = self.perim;
        if let Some(i) = rem {
            area -= g.area[i];
            perim -= g.perim[i] - 2.0 * self.sh[i];
        }
        if let Some(j) = add {
            let mut shj = self.sh[j];
            if let Some(i) = rem {
                shj -= g.shared(i, j);
            }
            area += g.area[j];
            perim += g.perim[j] - 2.0 * shj;
        }
        let esh = self.esh.iter().enumerate().map(|(z, &s)| {
            let e = &self.p.earlier[z];
            let mut s = s;
            if let Some(i) = rem {
                s -= e.shared[i];
            }
            if let Some(j) = add {
                s += e.shared[j];
            }
            (z, s)
        });
        let avoid = self.avoid_in.iter().enumerate().map(|(z, &s)| {
            let m = &self.p.avoid[z];
            let mut s = s;
            if let Some(i) = rem.filter(|&i| m[i]) {
                s -= g.area[i];
            }
            if let Some(j) = add.filter(|&j| m[j]) {
                s += g.area[j];
            }
            s
        });
        perim + self.penalty_area(area) + self.penalty_earlier(esh) + self.penalty_avoid(avoid)
    }

    /// True when `v` is a member that may leave: not locked, touching open land outside the
    /// zone when there is any (so it joins the open land instead of becoming an island of its
    /// own: a parcel on the fabric's edge whose neighbours are all members would), not the last
    /// parcel with the required access, and not the last member.
    fn removable(&self, v: usize) -> bool {
        self.inset[v]
            && !self.fixed[v]
            && self.members.items.len() > 1
            && (self.open_out == 0
                || self.p.graph.adj[v]
                    .iter()
                    .any(|e| self.p.open[e.0] && !self.inset[e.0]))
            && !(self.has_access(v) && self.access_in == 1)
    }

    /// A random member that may be able to leave: one on the rim while open land remains
    /// outside (an inner member never may), any member once none does.
    fn pick_leaver(&self, rng: &mut Rng) -> Option<usize> {
        let pool = if self.open_out == 0 {
            &self.members.items
        } else {
            &self.rim.items
        };
        (!pool.is_empty()).then(|| pool[rng.below(pool.len())])
    }

    /// True when the zone stays connected without `v`: its members around `v` are joined
    /// through the zone's other members ([`State::joined_without`]).
    fn stays_connected_without(&mut self, v: usize) -> bool {
        let g = self.p.graph;
        let targets: Vec<usize> = g.adj[v]
            .iter()
            .filter(|e| self.inset[e.0])
            .map(|e| e.0)
            .collect();
        self.joined_without(v, &targets, |st, w| st.inset[w])
    }

    /// True when the nodes `starts` (each `allowed`, none `centre`) are joined through
    /// `allowed` nodes other than `centre`: a BFS from each start in lockstep, merging when
    /// they meet, stopping as soon as all have met or one group is closed off. A cut thus costs
    /// the smaller side's nodes, not the whole of the larger side (a single BFS from one start
    /// explored the whole zone whenever `centre` was a cut vertex with that start on the large
    /// side, which made a move's check cost grow with the zone).
    fn joined_without(
        &mut self,
        centre: usize,
        starts: &[usize],
        allowed: impl Fn(&Self, usize) -> bool,
    ) -> bool {
        if starts.len() <= 1 {
            return true;
        }
        let g = self.p.graph;
        let now = self.next_stamp();
        let k = starts.len();
        let mut parent = Dsu::new(k);
        let mut groups = k;
        let mut queues: Vec<VecDeque<usize>> = vec![VecDeque::new(); k];
        self.stamp[centre] = now;
        for (l, &v) in starts.iter().enumerate() {
            if self.stamp[v] == now {
                let other = self.owner[v] as usize;
                if parent.union(l, other) {
                    groups -= 1;
                }
                continue;
            }
            self.stamp[v] = now;
            self.owner[v] = l as u32;
            queues[l].push_back(v);
        }
        while groups > 1 {
            let mut progressed = false;
            for l in 0..k {
                let Some(v) = queues[l].pop_front() else {
                    continue;
                };
                progressed = true;
                for &(w, _) in &g.adj[v] {
                    if w == centre || !allowed(self, w) {
                        continue;
                    }
                    if self.stamp[w] == now {
                        if parent.union(l, self.owner[w] as usize) {
                            groups -= 1;
                        }
                    } else {
                        self.stamp[w] = now;
                        self.owner[w] = l as u32;
                        queues[l].push_back(w);
                    }
                }
                if groups == 1 {
                    return true;
                }
                if queues[l].is_empty() {
                    // Is l's whole group exhausted? Then it is closed off.
                    let root = parent.find_mut(l);
                    let alive = (0..k)
                        .filter(|&m| !queues[m].is_empty())
                        .any(|m| parent.find_mut(m) == root);
                    if !alive {
                        return false;
                    }
                }
            }
            if !progressed {
                return false;
            }
        }
        true
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp_now = self.stamp_now.wrapping_add(1);
        if self.stamp_now == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.stamp_now = 1;
        }
        self.stamp_now
    }

    /// Makes a move (`rem` leaves the zone, then `add` joins it) unless taking `add` would cut
    /// the open land around it in two; true when the move was made.
    fn apply_move(&mut self, add: Option<usize>, rem: Option<usize>) -> bool {
        if let Some(j) = add
            && !self.keeps_open_connected(j, rem)
        {
            return false;
        }
        if let Some(i) = rem {
            self.remove(i);
        }
        if let Some(j) = add {
            self.add(j);
        }
        true
    }

    /// True when taking `j` into the zone (with `freed` leaving it, if any) keeps the open land
    /// around `j` in one piece ([`State::joined_without`] from `j`'s open neighbours).
    fn keeps_open_connected(&mut self, j: usize, freed: Option<usize>) -> bool {
        let g = self.p.graph;
        let open =
            |st: &Self, v: usize| v != j && st.p.open[v] && (!st.inset[v] || Some(v) == freed);
        let starts: Vec<usize> = g.adj[j]
            .iter()
            .map(|e| e.0)
            .filter(|&v| open(self, v))
            .collect();
        self.joined_without(j, &starts, open)
    }

    /// The open land `j` would close off from the rest if it joined the zone: every piece of
    /// the open land around `j` but one, explored from `j`'s open neighbours, when each such
    /// piece has at most `max_nodes` nodes, all available to the zone, and together at most
    /// `max_area` acres. `None` when no piece or more than one is larger (the open land would
    /// be cut in two whatever joins), or a piece is not available or too large.
    ///
    /// `open_whole` says the open land outside the zone is known to be in one piece: then the
    /// one large piece is told by counting ([`State::large_piece_starts`]) and explored only
    /// until its other starts are reached, not to `max_nodes` nodes; the answer is the same.
    fn pocket(
        &mut self,
        j: usize,
        max_area: f64,
        max_nodes: usize,
        open_whole: bool,
    ) -> Option<Vec<usize>> {
        let g = self.p.graph;
        let open = |st: &Self, v: usize| v != j && st.p.open[v] && !st.inset[v];
        let starts: Vec<usize> = g.adj[j]
            .iter()
            .map(|e| e.0)
            .filter(|&v| open(self, v))
            .collect();
        // The starts in the one large piece, when certain: exploring it from its first start
        // stamps nothing the answer depends on once its other starts are stamped (they are
        // then skipped, as the full exploration would leave them).
        let mut large_left: Vec<usize> = match open_whole {
            true => self.large_piece_starts(j, &starts, max_nodes),
            false => None,
        }
        .unwrap_or_default();
        let now = self.next_stamp();
        self.stamp[j] = now;
        let mut pocket: Vec<usize> = Vec::new();
        let mut area = 0.0;
        let mut large = 0;
        for (l, s) in starts.into_iter().enumerate() {
            if self.stamp[s] == now {
                continue;
            }
            self.stamp[s] = now;
            self.owner[s] = l as u32;
            let mut piece = vec![s];
            let mut k = 0;
            // Whether the piece is closed off, too large, or part of an earlier large one.
            let mut closed = true;
            let mut joins_large = false;
            // The large piece's first start: its other starts not yet stamped. (Any start of
            // it still unstamped after this exploration is explored as it comes.)
            let in_large = large_left.first() == Some(&s);
            if in_large {
                large_left.remove(0);
                if large_left.is_empty() {
                    closed = false;
                }
            }
            'bfs: while closed && k < piece.len() {
                if piece.len() > max_nodes {
                    closed = false;
                    break;
                }
                let v = piece[k];
                k += 1;
                for &(w, _) in &g.adj[v] {
                    if !open(self, w) {
                        continue;
                    }
                    if self.stamp[w] == now {
                        if self.owner[w] != l as u32 {
                            // Only a large piece can be met: a closed one was explored whole.
                            closed = false;
                            joins_large = true;
                            break 'bfs;
                        }
                        continue;
                    }
                    self.stamp[w] = now;
                    self.owner[w] = l as u32;
                    piece.push(w);
                    if in_large {
                        large_left.retain(|&x| x != w);
                        if large_left.is_empty() {
                            closed = false;
                            break 'bfs;
                        }
                    }
                }
            }
            if in_large {
                large_left.clear();
            }
            if closed {
                if piece.iter().any(|&v| !self.p.avail[v]) {
                    return None;
                }
                area += piece.iter().map(|&v| g.area[v]).sum::<f64>();
                if area > max_area {
                    // The area only grows: no need to explore the other pieces.
                    return None;
                }
                pocket.extend(piece);
            } else if !joins_large {
                large += 1;
                if large > 1 {
                    return None;
                }
            }
        }
        if large != 1 || area > max_area || pocket.is_empty() {
            return None;
        }
        pocket.sort_unstable();
        Some(pocket)
    }

    /// For [`State::pocket`], when the open land outside the zone is in one piece: the starts
    /// (open neighbours of `j`, in order) in the one piece of the open land without `j` that has
    /// more than `max_nodes` nodes, when every other piece is explored whole within a budget of
    /// `max_nodes` nodes and has at most `max_nodes`. A BFS from each start in lockstep,
    /// merging when they meet, until at most one group is still growing: with the open land in
    /// one piece, every piece of it without `j` touches `j`, so the growing group's piece has
    /// all the open nodes the others do not. `None` when that is not certain (the caller then
    /// explores every piece as it comes).
    fn large_piece_starts(
        &mut self,
        j: usize,
        starts: &[usize],
        max_nodes: usize,
    ) -> Option<Vec<usize>> {
        let g = self.p.graph;
        let k = starts.len();
        if k < 2 {
            return None;
        }
        let open = |st: &Self, v: usize| v != j && st.p.open[v] && !st.inset[v];
        let now = self.next_stamp();
        let mut parent = Dsu::new(k);
        let mut queues: Vec<VecDeque<usize>> = vec![VecDeque::new(); k];
        let mut seen = vec![0usize; k];
        self.stamp[j] = now;
        for (l, &v) in starts.iter().enumerate() {
            self.stamp[v] = now;
            self.owner[v] = l as u32;
            queues[l].push_back(v);
            seen[l] = 1;
        }
        let mut visited = k;
        // Which groups grow changes only when a queue runs dry or two groups merge.
        let mut changed = true;
        loop {
            if changed {
                changed = false;
                // The groups still growing, and the nodes in the others (explored whole).
                let roots: Vec<usize> = (0..k).map(|l| parent.find_mut(l)).collect();
                let mut growing: Vec<usize> = Vec::new();
                let mut closed_nodes = 0;
                let mut closed_ok = true;
                for r in (0..k).filter(|&r| roots[r] == r) {
                    let size: usize = (0..k).filter(|&l| roots[l] == r).map(|l| seen[l]).sum();
                    if (0..k).any(|l| roots[l] == r && !queues[l].is_empty()) {
                        growing.push(r);
                    } else {
                        closed_nodes += size;
                        closed_ok &= size <= max_nodes;
                    }
                }
                if growing.len() <= 1 {
                    let &[r] = growing.as_slice() else {
                        return None;
                    };
                    let large = self.open_out.checked_sub(1 + closed_nodes)?;
                    return (closed_ok && large > max_nodes).then(|| {
                        (0..k)
                            .filter(|&l| roots[l] == r)
                            .map(|l| starts[l])
                            .collect()
                    });
                }
            }
            if visited > max_nodes {
                return None;
            }
            for l in 0..k {
                let Some(v) = queues[l].pop_front() else {
                    continue;
                };
                for &(w, _) in &g.adj[v] {
                    if !open(self, w) {
                        continue;
                    }
                    if self.stamp[w] == now {
                        changed |= parent.union(l, self.owner[w] as usize);
                    } else {
                        self.stamp[w] = now;
                        self.owner[w] = l as u32;
                        queues[l].push_back(w);
                        seen[l] += 1;
                        visited += 1;
                    }
                }
                changed |= queues[l].is_empty();
            }
        }
    }

    fn solution(&self) -> Solution {
        let mut members = self.members.items.clone();
        members.sort_unstable();
        let perim = self.p.graph.union_perimeter(&members);
        let area: f64 = members.iter().map(|&v| self.p.graph.area[v]).sum();
        Solution {
            members,
            area,
            perim,
            cost: self.cost(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Key(f64, usize, u32);
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    // Max-heap: smaller score first, then smaller index.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .0
            .total_cmp(&self.0)
            .then_with(|| other.1.cmp(&self.1))
            .then_with(|| other.2.cmp(&self.2))
    }
}

/// True when node `v`'s width in `width_m` is below `min_width_m` (never when the rule is off,
/// `min_width_m` 0, or `v` has no width): the one minimum-width test of the search.
fn narrower_than(width_m: &[f64], min_width_m: f64, v: usize) -> bool {
    min_width_m > 0.0 && width_m.get(v).is_some_and(|&w| w < min_width_m - 1e-9)
}

fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// Grows a zone from `start` by repeatedly adding the frontier parcel that adds least
/// perimeter per unit of size, steered toward `center`, until the area reaches the band.
///
/// `open_whole` says the open land is in one piece before the zone starts: then, when the start
/// is one parcel whose taking keeps it so, growth keeps it so too (a parcel joins only when the
/// open land stays in one piece, or with every piece it would close off), which lets
/// [`State::pocket`] count instead of explore.
fn grow<'p, 'a>(
    p: &'p ZoneProblem<'a>,
    sc: Scale,
    start: &[usize],
    center: [f64; 2],
    alpha: f64,
    open_whole: bool,
) -> State<'p, 'a> {
    let g = p.graph;
    let mut st = State::new(p, sc);
    let open_whole = open_whole
        && start.len() == 1
        && p.open[start[0]]
        && st.keeps_open_connected(start[0], None);
    for &v in start {
        if !st.inset[v] {
            st.add(v);
        }
    }
    let radius = (p.target * M2_PER_ACRE / std::f64::consts::PI)
        .sqrt()
        .max(1.0);
    let mut version = vec![0u32; g.len()];
    // Parcels of an earlier plan's zone score as if a radius farther away.
    let avoided = |j: usize| p.avoid.iter().any(|m| m[j]);
    let score = |st: &State, j: usize| {
        let dp = g.perim[j] - 2.0 * st.sh[j];
        let away = if avoided(j) { 4.0 + alpha } else { 0.0 };
        dp / (g.area[j] * M2_PER_ACRE).sqrt().max(1e-9)
            + alpha * dist(g.xy[j], center) / radius
            + away
    };
    let mut heap = BinaryHeap::new();
    let mut frontier: Vec<usize> = st.frontier.items.clone();
    frontier.sort_unstable();
    for j in frontier {
        heap.push(Key(score(&st, j), j, 0));
    }
    let mut deferred: Vec<usize> = Vec::new();
    let pocket_nodes = POCKET_NODES.max(sc.m_est as usize / 20);
    while st.area < p.lo() {
        let Some(Key(_, j, ver)) = heap.pop() else {
            break;
        };
        if st.inset[j] || ver != version[j] {
            continue;
        }
        if st.area + g.area[j] > p.hi() {
            deferred.push(j);
            continue;
        }
        let mut joining = vec![j];
        if !st.keeps_open_connected(j, None) {
            // Taking j would close off a pocket of open land: take the pocket too when it is
            // small, available and fits under the band's top, or leave j (a pocket left open
            // keeps a channel to the rest of the land, and growth around it would leave a
            // slit through the zone).
            match st.pocket(j, p.hi() - st.area - g.area[j], pocket_nodes, open_whole) {
                Some(pocket) => joining.extend(pocket),
                None => continue,
            }
        }
        for &v in &joining {
            st.add(v);
        }
        for &v in &joining {
            for &(w, _) in &g.adj[v] {
                if !st.inset[w] && p.avail[w] {
                    version[w] = version[w].wrapping_add(1);
                    heap.push(Key(score(&st, w), w, version[w]));
                }
            }
        }
    }
    if st.area < p.lo() {
        // Nothing fits in the band: overshoot with the smallest deferred parcel (the local
        // search trades it back down).
        deferred.sort_unstable();
        deferred.dedup();
        if let Some(&j) = deferred
            .iter()
            .filter(|&&j| !st.inset[j])
            .min_by(|&&a, &&b| g.area[a].total_cmp(&g.area[b]).then(a.cmp(&b)))
            && st.keeps_open_connected(j, None)
        {
            st.add(j);
        }
    }
    if !p.in_band(st.area) {
        let rounds = 4 * st.members.items.len() + 100;
        repair::repair_band(&mut st, rounds);
    }
    st
}

/// Most nodes a pocket of open land taken whole during growth may have (at least; a
/// twentieth of the zone's estimated members when that is more).
const POCKET_NODES: usize = 64;

/// Articulation points of the zone (members whose removal disconnects it), by Tarjan's
/// low-link DFS on the members' induced subgraph (iterative, index order).
fn articulation(st: &State) -> Vec<bool> {
    let g = st.p.graph;
    let n = g.len();
    let mut disc = vec![u32::MAX; n];
    let mut low = vec![0u32; n];
    let mut cut = vec![false; n];
    let mut time = 0u32;
    let mut members = st.members.items.clone();
    members.sort_unstable();
    for &root in members.iter().take(1) {
        // (node, parent, next neighbour position)
        let mut stack: Vec<(usize, usize, usize)> = vec![(root, usize::MAX, 0)];
        disc[root] = time;
        low[root] = time;
        time += 1;
        let mut root_children = 0;
        while let Some(&mut (v, parent, ref mut k)) = stack.last_mut() {
            if *k < g.adj[v].len() {
                let w = g.adj[v][*k].0;
                *k += 1;
                if !st.inset[w] || w == parent {
                    continue;
                }
                if disc[w] == u32::MAX {
                    disc[w] = time;
                    low[w] = time;
                    time += 1;
                    if v == root {
                        root_children += 1;
                    }
                    stack.push((w, v, 0));
                } else {
                    low[v] = low[v].min(disc[w]);
                }
            } else {
                stack.pop();
                if let Some(&(u, _, _)) = stack.last() {
                    low[u] = low[u].min(low[v]);
                    if u != root && low[v] >= disc[u] {
                        cut[u] = true;
                    }
                }
            }
        }
        if root_children > 1 {
            cut[root] = true;
        }
    }
    cut
}

/// Swap pairs priced in full per descent step; above this, only neighbouring pairs and pairs
/// among the [`SWAP_SHORTLIST`] best single adds and removes are priced.
const SWAP_PAIRS_IN_FULL: usize = 40_000;
/// Adds and removes (each) paired in a shortlist swap.
const SWAP_SHORTLIST: usize = 48;

/// Steepest descent over add, remove and swap moves until none improves the cost.
///
/// Only rim members can leave (an inner member never touches open land). When pricing every
/// rim × frontier swap would be too slow (large zones), swaps are priced for neighbouring
/// pairs (the boundary sliding by one parcel) and among the best single moves of each kind
/// (the boundary moving out at one place and in at another), and connectivity is checked for
/// the chosen move only instead of by articulation points of the whole zone.
fn polish(st: &mut State, max_steps: usize) {
    let g = st.p.graph;
    for _ in 0..max_steps {
        let cur = st.cost();
        let mut frontier = st.frontier.items.clone();
        frontier.sort_unstable();
        let mut leavers = if st.open_out == 0 {
            st.members.items.clone()
        } else {
            st.rim.items.clone()
        };
        leavers.sort_unstable();
        let in_full = leavers.len() * frontier.len() <= SWAP_PAIRS_IN_FULL;
        let cut = if in_full {
            articulation(st)
        } else {
            Vec::new()
        };
        let removable: Vec<usize> = leavers
            .iter()
            .copied()
            .filter(|&i| st.removable(i) && (!in_full || !cut[i]))
            .collect();
        let mut moves: Vec<(f64, Option<usize>, Option<usize>)> = Vec::new();
        let mut consider = |c: f64, add: Option<usize>, rem: Option<usize>| {
            if c < cur - 1e-9 {
                moves.push((c, add, rem));
            }
        };
        let adds: Vec<(f64, usize)> = frontier
            .iter()
            .map(|&j| (st.cost_after(Some(j), None), j))
            .collect();
        let rems: Vec<(f64, usize)> = removable
            .iter()
            .map(|&i| (st.cost_after(None, Some(i)), i))
            .collect();
        for &(c, j) in &adds {
            consider(c, Some(j), None);
        }
        for &(c, i) in &rems {
            consider(c, None, Some(i));
        }
        let swap_ok = |i: usize, j: usize| {
            let touches_i = g.adj[i].binary_search_by(|e| e.0.cmp(&j)).is_ok();
            st.cnt[j] as usize > usize::from(touches_i)
                && !(st.has_access(i) && st.access_in == 1 && !st.has_access(j))
        };
        if in_full {
            for &i in &removable {
                for &j in &frontier {
                    if swap_ok(i, j) {
                        consider(st.cost_after(Some(j), Some(i)), Some(j), Some(i));
                    }
                }
            }
        } else {
            // Neighbouring pairs.
            for &i in &removable {
                for &(j, _) in &g.adj[i] {
                    if !st.inset[j] && st.p.avail[j] && swap_ok(i, j) {
                        consider(st.cost_after(Some(j), Some(i)), Some(j), Some(i));
                    }
                }
            }
            // The best single moves of each kind, paired.
            let best = |mut v: Vec<(f64, usize)>| {
                v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                v.truncate(SWAP_SHORTLIST);
                v
            };
            let (adds, rems) = (best(adds), best(rems));
            for &(_, i) in &rems {
                for &(_, j) in &adds {
                    let touches_i = g.adj[i].binary_search_by(|e| e.0.cmp(&j)).is_ok();
                    if !touches_i && swap_ok(i, j) {
                        consider(st.cost_after(Some(j), Some(i)), Some(j), Some(i));
                    }
                }
            }
        }
        moves.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        if !moves.into_iter().any(|(_, add, rem)| {
            if !in_full
                && let Some(i) = rem
                && !st.stays_connected_without(i)
            {
                return false;
            }
            st.apply_move(add, rem)
        }) {
            return;
        }
    }
}

fn feasible_state(st: &State) -> bool {
    st.feasible()
}

/// What an annealing run found: the best state meeting every rule, and the members of the
/// best state meeting every rule but the minimum width (for [`width::repair_width`]).
struct Annealed {
    best: Option<Solution>,
    best_but_width: Option<Vec<usize>>,
}

/// Simulated annealing from `st`: the best in-band state's solution, if any, and the best state
/// that breaks only the minimum width.
fn anneal(st: &mut State, rng: &mut Rng, iters: usize) -> Annealed {
    let p = st.p;
    let sc = st.sc;
    let mut best: Option<Solution> = None;
    let mut best_cost = f64::INFINITY;
    let mut but_width: Option<Vec<usize>> = None;
    let mut but_width_cost = f64::INFINITY;
    let mut cur = st.cost();
    let feasible = |st: &State| st.feasible();
    // Every rule but the minimum width (checked last, only when the others hold).
    let all_but_width = |st: &State| {
        p.in_band(st.area)
            && st.access_met()
            && st.avoid_in.iter().all(|&s| s <= p.avoid_cap + 1e-9)
    };
    if feasible(st) {
        best = Some(st.solution());
        best_cost = cur;
    }
    let ratio = sc.t1 / sc.t0;
    for it in 0..iters {
        let temp = sc.t0 * ratio.powf(it as f64 / iters as f64);
        let r = rng.unit();
        let (add, rem) = if r < 0.34 {
            if st.frontier.items.is_empty() {
                continue;
            }
            (
                Some(st.frontier.items[rng.below(st.frontier.items.len())]),
                None,
            )
        } else if r < 0.67 {
            let Some(i) = st.pick_leaver(rng) else {
                continue;
            };
            if !st.removable(i) {
                continue;
            }
            (None, Some(i))
        } else {
            if st.frontier.items.is_empty() {
                continue;
            }
            let Some(i) = st.pick_leaver(rng) else {
                continue;
            };
            let j = st.frontier.items[rng.below(st.frontier.items.len())];
            if !st.removable(i) {
                continue;
            }
            // j must still touch the zone once i has left.
            let touches_i = p.graph.adj[i].binary_search_by(|e| e.0.cmp(&j)).is_ok();
            if st.cnt[j] as usize <= usize::from(touches_i) {
                continue;
            }
            if st.has_access(i) && st.access_in == 1 && !st.has_access(j) {
                continue;
            }
            (Some(j), Some(i))
        };
        let next = st.cost_after(add, rem);
        let delta = next - cur;
        if delta > 0.0 && rng.unit() >= (-delta / temp).exp() {
            continue;
        }
        if let Some(i) = rem
            && !st.stays_connected_without(i)
        {
            continue;
        }
        if !st.apply_move(add, rem) {
            continue;
        }
        cur = st.cost();
        if cur < best_cost - 1e-9 && all_but_width(st) {
            if st.width_met() {
                best_cost = cur;
                best = Some(st.solution());
            } else if best.is_none() && cur < but_width_cost - 1e-9 {
                but_width_cost = cur;
                but_width = Some(st.members.items.clone());
            }
        }
    }
    Annealed {
        best,
        best_but_width: but_width,
    }
}

/// Steering strength of the disc-like greedy growth: the distance term (0 at the start, 1 at
/// the radius of a disc of the target area) outweighs the perimeter term (about ±4 for
/// square parcels), so parcels join roughly in order of distance from the start.
const DISC_STEERING: f64 = 20.0;

/// Why a zone cannot be found: typed, so a caller can tell the cases apart without reading
/// the text; `Display` gives the binding constraint in words.
#[derive(Debug, Clone, PartialEq)]
pub enum Infeasible {
    /// No contiguous set of whole parcels lies within the target band: possibly a matter of
    /// granularity (a wider band, or cutting a parcel, may succeed).
    NoWholeParcelSet {
        /// The target (acres).
        target: f64,
        /// The tolerance (acres).
        tol: f64,
    },
    /// The locked parcels alone are larger than the band allows.
    LockedOverTarget {
        /// Their area (acres).
        locked: f64,
        /// The target (acres).
        target: f64,
        /// The tolerance (acres).
        tol: f64,
    },
    /// No usable piece of land is as large as the band's bottom.
    TooLittleLand {
        /// The largest usable piece (acres).
        best: f64,
        /// What the usable land must do, in words (`contiguous available land touch a
        /// port-access parcel`).
        what: String,
        /// The target (acres).
        target: f64,
        /// The tolerance (acres).
        tol: f64,
    },
    /// Another binding constraint, in words.
    Binding(String),
}

impl Infeasible {
    /// The binding constraint in words, areas in `unit` (acres read as [`Display`] gives
    /// them); without `band` the target is given alone, not its band (when the band searched
    /// was an internal one, not the user's).
    ///
    /// [`Display`]: std::fmt::Display
    pub fn text_in(&self, unit: crate::geodesy::AreaUnit, band: bool) -> String {
        use super::wording::{area, number};
        let two = Some(2);
        let target_text = |target: f64, tol: f64, sign: &str| {
            if band {
                format!(
                    "{} {sign} {}",
                    number(unit, target, two),
                    number(unit, tol, two)
                )
            } else {
                number(unit, target, two)
            }
        };
        let named = |t: String| match unit {
            crate::geodesy::AreaUnit::Acres => t,
            u => format!("{t} {}", u.name()),
        };
        match self {
            Infeasible::NoWholeParcelSet { target, tol } => format!(
                "no contiguous set of whole parcels was found within {}",
                super::wording::band(unit, *target, *tol, two)
            ),
            Infeasible::LockedOverTarget {
                locked,
                target,
                tol,
            } => format!(
                "the locked parcels already total {}, more than the target {}",
                area(unit, *locked, two),
                named(target_text(*target, *tol, "±"))
            ),
            Infeasible::TooLittleLand {
                best,
                what,
                target,
                tol,
            } => format!(
                "only {} of {what}, less than the target {}",
                area(unit, *best, two),
                named(target_text(*target, *tol, "−"))
            ),
            Infeasible::Binding(reason) => reason.clone(),
        }
    }
}

impl std::fmt::Display for Infeasible {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text_in(crate::geodesy::AreaUnit::Acres, true))
    }
}

/// Connected components of the nodes where `allowed` is true; each sorted.
pub fn components(g: &Graph, allowed: &[bool]) -> Vec<Vec<usize>> {
    crate::graph::components::components_where(&g.adj, allowed)
}

/// Grows `set` by shortest paths (weighted by area) through allowed nodes until it contains
/// every node in `targets` (or, with `any`, at least one). None when unreachable.
fn connect(
    g: &Graph,
    allowed: &[bool],
    set: &[usize],
    targets: &[bool],
    any: bool,
) -> Option<Vec<usize>> {
    let mut inset = vec![false; g.len()];
    let mut out: Vec<usize> = Vec::new();
    for &v in set {
        if !inset[v] {
            inset[v] = true;
            out.push(v);
        }
    }
    loop {
        let missing = (0..g.len()).any(|v| targets[v] && !inset[v]);
        let have_any = out.iter().any(|&v| targets[v]);
        if !missing || (any && have_any) {
            out.sort_unstable();
            return Some(out);
        }
        // Dijkstra from the current set.
        let mut d = vec![f64::INFINITY; g.len()];
        let mut prev = vec![usize::MAX; g.len()];
        let mut heap = BinaryHeap::new();
        for &v in &out {
            d[v] = 0.0;
            heap.push(Key(0.0, v, 0));
        }
        let mut reached = None;
        while let Some(Key(dv, v, _)) = heap.pop() {
            if dv > d[v] {
                continue;
            }
            if targets[v] && !inset[v] {
                reached = Some(v);
                break;
            }
            for &(w, _) in &g.adj[v] {
                if !allowed[w] {
                    continue;
                }
                let nd = dv + g.area[w];
                if nd < d[w] {
                    d[w] = nd;
                    prev[w] = v;
                    heap.push(Key(nd, w, 0));
                }
            }
        }
        let mut v = reached?;
        while !inset[v] {
            inset[v] = true;
            out.push(v);
            v = prev[v];
        }
    }
}

/// Finds compact contiguous zones inside the target band, best first (distinct member sets).
///
/// `Err` names the binding constraint when no zone exists or none was found.
pub fn solve(p: &ZoneProblem) -> Result<Vec<Solution>, Infeasible> {
    let g = p.graph;
    let n = g.len();
    let sc = scale_of(p);
    let mut allowed: Vec<bool> = p.avail.to_vec();
    for &r in p.required {
        allowed[r] = true;
    }
    let comps = components(g, &allowed);
    let mut comp_of = vec![usize::MAX; n];
    let mut comp_area = Vec::with_capacity(comps.len());
    for (c, comp) in comps.iter().enumerate() {
        for &v in comp {
            comp_of[v] = c;
        }
        comp_area.push(comp.iter().map(|&v| g.area[v]).sum::<f64>());
    }
    // Locks of this zone must lie in one component.
    if let Some(&r0) = p.required.first()
        && let Some(&r1) = p.required.iter().find(|&&r| comp_of[r] != comp_of[r0])
    {
        return Err(Infeasible::Binding(format!(
            "locked parcels {} and {} cannot be connected through available land",
            p.labels[r0], p.labels[r1]
        )));
    }
    let locked_area: f64 = p.required.iter().map(|&r| g.area[r]).sum();
    if locked_area > p.hi() {
        return Err(Infeasible::LockedOverTarget {
            locked: locked_area,
            target: p.target,
            tol: p.tol,
        });
    }
    let usable = |c: usize| {
        (p.required.is_empty() || comp_of[p.required[0]] == c)
            && p.access.is_none_or(|a| comps[c].iter().any(|&v| a[v]))
    };
    let best_area = (0..comps.len())
        .filter(|&c| usable(c))
        .map(|c| comp_area[c])
        .fold(0.0, f64::max);
    if best_area < p.lo() {
        let what = match (p.required.is_empty(), p.access.is_some()) {
            (true, false) => "contiguous available land".to_string(),
            (true, true) => format!(
                "contiguous available land touch a {}-access parcel",
                p.access_name
            ),
            (false, false) => "contiguous available land connect to the locked parcels".to_string(),
            (false, true) => format!(
                "contiguous available land connect the locked parcels to a {}-access parcel",
                p.access_name
            ),
        };
        return Err(Infeasible::TooLittleLand {
            best: best_area,
            what,
            target: p.target,
            tol: p.tol,
        });
    }

    // Start sets.
    let mut rng = Rng::new(p.seed);
    let large_area = trade::large_area(p);
    let mut starts: Vec<Vec<usize>> = Vec::new();
    // Many starts for small zones; for zones of a few hundred parcels, as many as growing
    // each (about m_est steps) from 200,000 steps in all allows, up to MID_STARTS.
    let k_seeds = ((200_000.0 / (sc.m_est * sc.m_est)) as usize)
        .clamp(16, 4000)
        .max(((200_000.0 / sc.m_est) as usize).min(MID_STARTS));
    let none = vec![false; n];
    if !p.required.is_empty() {
        let req_mask: Vec<bool> = {
            let mut m = vec![false; n];
            p.required.iter().for_each(|&r| m[r] = true);
            m
        };
        let Some(mut base) = connect(g, &allowed, &p.required[..1], &req_mask, false) else {
            return Err(Infeasible::Binding(
                "the locked parcels cannot be connected through available land".into(),
            ));
        };
        if let Some(acc) = p.access {
            base = connect(g, &allowed, &base, acc, true).ok_or_else(|| {
                Infeasible::Binding(format!(
                    "no {}-access parcel connects to the locked parcels",
                    p.access_name
                ))
            })?;
        }
        starts.push(base);
    } else {
        let eligible: Vec<usize> = (0..n)
            .filter(|&v| allowed[v] && usable(comp_of[v]) && comp_area[comp_of[v]] >= p.lo())
            .filter(|&v| p.access.is_none_or(|a| a[v]))
            .collect();
        // When the zone must differ from earlier plans' zones: start outside them (when any
        // eligible parcel is), from anchors spread over the eligible land first.
        let fresh: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|&v| !p.avoid.iter().any(|m| m[v]))
            .collect();
        let eligible = if p.avoid.is_empty() || fresh.is_empty() {
            eligible
        } else {
            fresh
        };
        let mut chosen = BTreeSet::new();
        if !p.avoid.is_empty() {
            chosen.extend(spread_anchors(g, &eligible, ANCHORS));
        }
        // The most central parcels (farthest in hops from the edge of the available land),
        // then a seeded random sample.
        let depth = hop_depth(g, &allowed);
        let mut by_depth = eligible.clone();
        by_depth.sort_by(|&a, &b| depth[b].cmp(&depth[a]).then(a.cmp(&b)));
        for &v in by_depth.iter().take(k_seeds / 4) {
            chosen.insert(v);
        }
        // The largest plots that fit in the band: a zone holding one of them is grown best
        // from it (growth from small plots stops at it, as it overshoots the band).
        let mut large: Vec<usize> = eligible
            .iter()
            .copied()
            .filter(|&v| g.area[v] >= large_area && g.area[v] <= p.hi())
            .collect();
        large.sort_by(|&a, &b| g.area[b].total_cmp(&g.area[a]).then(a.cmp(&b)));
        chosen.extend(large.into_iter().take(LARGE_STARTS));
        let mut pool = eligible.clone();
        while chosen.len() < k_seeds && !pool.is_empty() {
            let k = rng.below(pool.len());
            chosen.insert(pool.swap_remove(k));
        }
        starts.extend(chosen.into_iter().map(|v| vec![v]));
    }
    let _ = none;

    // Greedy growth from every start, with a few steering strengths, each polished by
    // steepest descent when the zone is small enough to price every swap. The strongest
    // steering grows a near-disc around the start: on fabrics of long strips (the PSM roads and
    // rail corridors) perimeter-led growth follows a strip and leaves a tail that annealing
    // cannot trade back, while the disc stays compact.
    let small = sc.m_est <= 150.0;
    // Whether the open land is in one piece (growth can then count pieces, see `grow`).
    let open_whole = components(g, p.open).len() <= 1;
    let mut grown: Vec<(f64, usize, usize)> = Vec::new();
    let alphas = [0.0, 0.5, 2.0, DISC_STEERING];
    let grow_polished = |s: usize, ai: usize| {
        let center = centroid(g, &starts[s]);
        let mut st = grow(p, sc, &starts[s], center, alphas[ai], open_whole);
        if small {
            polish(&mut st, 4 * sc.m_est as usize + 20);
        }
        st
    };
    for s in 0..starts.len() {
        for ai in 0..alphas.len() {
            let st = grow_polished(s, ai);
            grown.push((st.cost(), s, ai));
        }
    }
    grown.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));

    // Anneal the best few distinct starts.
    let iters = ((300.0 * sc.m_est) as usize).clamp(20_000, 250_000);
    let runs = (2_000_000 / iters).clamp(4, 24);
    let mut sols: Vec<Solution> = Vec::new();
    let mut used = BTreeSet::new();
    for &(_, s, ai) in &grown {
        if used.len() >= runs {
            break;
        }
        if !used.insert(s) {
            continue;
        }
        let mut st = grow_polished(s, ai);
        if feasible_state(&st) {
            let sol = st.solution();
            if !sols.iter().any(|x| x.members == sol.members) {
                sols.push(sol);
            }
        }
        let grown_state = (!feasible_state(&st)).then(|| st.clone());
        let mut r = Rng::new(p.seed.wrapping_mul(0x9E37).wrapping_add(s as u64 + 1));
        let annealed = anneal(&mut st, &mut r, iters);
        if annealed.best.is_none() {
            // No zone of this run keeps every rule, but some break only the minimum width (a
            // spur or neck of narrow plots): steer them to a zone without one rather than only
            // rejecting them. Runs that found a zone are left as they were.
            let annealed_state = annealed
                .best_but_width
                .map(|members| State::with_members(p, sc, &members));
            for from in [grown_state, annealed_state].into_iter().flatten() {
                if let Some(sol) = width_repaired(&from)
                    && !sols.iter().any(|x| x.members == sol.members)
                {
                    sols.push(sol);
                }
            }
        }
        if let Some(sol) = annealed.best {
            // Polish the annealed best too (at every size: the descent prices large zones'
            // swaps from a shortlist).
            let mut st2 = State::with_members(p, sc, &sol.members);
            polish(&mut st2, 4 * sc.m_est as usize + 20);
            for cand in [Some(sol), feasible_state(&st2).then(|| st2.solution())]
                .into_iter()
                .flatten()
            {
                if !sols.iter().any(|x| x.members == cand.members) {
                    sols.push(cand);
                }
            }
        }
    }
    // Large moves (trades of a large plot, shifts of the whole zone) on the best few zones.
    sols.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.members.cmp(&b.members)));
    let mut moved: Vec<Solution> = Vec::new();
    for sol in sols.iter().take(IMPROVE_BEST) {
        let mut st = State::with_members(p, sc, &sol.members);
        if feasible_state(&st)
            && trade::improve(&mut st, large_area, 4 * sc.m_est as usize + 20, false)
        {
            moved.push(st.solution());
        }
    }
    for sol in moved {
        if !sols.iter().any(|x| x.members == sol.members) {
            sols.push(sol);
        }
    }
    // Path relinking between the best zone and the best few lying partly elsewhere.
    sols.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.members.cmp(&b.members)));
    let mut relinked: Vec<Solution> = Vec::new();
    if let Some(best) = sols.first()
        && best.members.len() <= relink::RELINK_MEMBERS
    {
        let partners: Vec<&Solution> = sols
            .iter()
            .skip(1)
            .filter(|s| {
                let common = s
                    .members
                    .iter()
                    .filter(|v| best.members.binary_search(v).is_ok())
                    .count();
                (common as f64) <= RELINK_COMMON * best.members.len().min(s.members.len()) as f64
            })
            .take(RELINK_PARTNERS)
            .collect();
        for other in partners {
            for (a, b) in [(best, other), (other, best)] {
                let st = State::with_members(p, sc, &a.members);
                let found = relink::relink(&st, &b.members, 4 * sc.m_est as usize + 20);
                relinked.extend(found);
            }
        }
    }
    // The best zone relinking found, when better than every zone before, gets the large moves
    // and the strip leaves (`trade::improve`). Only there: offering strip leaves to the best
    // four zones before relinking changed which zones relinking started from, and the PSM park
    // came out longer (17,785 m against 17,061 m without them).
    relinked.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.members.cmp(&b.members)));
    if let Some(top) = relinked.first()
        && sols.first().is_some_and(|b| top.cost < b.cost - 1e-6)
    {
        let mut st = State::with_members(p, sc, &top.members);
        if feasible_state(&st)
            && trade::improve(&mut st, large_area, 4 * sc.m_est as usize + 20, true)
        {
            relinked.push(st.solution());
        }
    }
    for sol in relinked {
        if !sols.iter().any(|x| x.members == sol.members) {
            sols.push(sol);
        }
    }
    // Every candidate is checked from scratch against the rules the plan claims; the search's
    // incremental checks are local, and a candidate that slips past them must not become a
    // plan. With none left the search has found no whole-parcel set, and the caller's
    // diagnosis (relaxing one rule at a time) names the rule that binds.
    sols.retain(|s| rules::broken_rule(p, s).is_none());
    sols.sort_by(|a, b| a.cost.total_cmp(&b.cost).then(a.members.cmp(&b.members)));
    if sols.is_empty() {
        return Err(Infeasible::NoWholeParcelSet {
            target: p.target,
            tol: p.tol,
        });
    }
    Ok(sols)
}

/// The zone of `st` repaired to have no spur or neck ([`width::repair_width`]), when `st` is
/// in its band, breaks the minimum width and the repair succeeds with every rule kept.
fn width_repaired(st: &State) -> Option<Solution> {
    if st.p.min_width_m <= 0.0 || !st.p.in_band(st.area) || st.width_met() {
        return None;
    }
    let mut fixed = st.clone();
    let rounds = fixed.members.items.len() + 20;
    (width::repair_width(&mut fixed, rounds) && fixed.feasible()).then(|| fixed.solution())
}

/// Most start parcels of a zone of a few hundred parcels (see `solve`).
const MID_STARTS: usize = 64;
/// Zones (the best found) improved by large moves (see `solve`).
const IMPROVE_BEST: usize = 4;
/// Zones relinked with the best zone (see `solve`): the best that share at most
/// [`RELINK_COMMON`] of the smaller zone's members with it.
const RELINK_PARTNERS: usize = 3;
/// Most share of members a zone relinked with the best may have in common with it.
const RELINK_COMMON: f64 = 0.75;
/// Most large plots added to the start parcels (see `solve`).
const LARGE_STARTS: usize = 8;

/// Why `sol` breaks a rule of `p` (the check every zone the search returns passes), or `None`
/// when it keeps them all: for zones found elsewhere (the exact model's) before they are used.
pub fn broken_rule(p: &ZoneProblem, sol: &Solution) -> Option<String> {
    rules::broken_rule(p, sol)
}

/// The spurs and necks of `sol` under `p`'s minimum width, in words (`parcel R-7 (40.0 m
/// wide, …) is a spur …; …`), or `none` when it has none.
pub fn narrow_summary(p: &ZoneProblem, sol: &Solution) -> String {
    let mut inset = vec![false; p.graph.len()];
    for &v in &sol.members {
        inset[v] = true;
    }
    let parts = p.narrow_parts(&sol.members, &inset);
    if parts.is_empty() {
        return "none".into();
    }
    parts
        .iter()
        .map(|part| rules::narrow_message(p, part))
        .collect::<Vec<_>>()
        .join("; ")
}

/// How many spread anchors seed a zone that must differ from earlier plans.
const ANCHORS: usize = 16;

/// Up to `k` of `nodes` spread over their extent: farthest-point sampling from the node
/// nearest the nodes' centroid (ties by index), each next anchor the node farthest from those
/// chosen.
fn spread_anchors(g: &Graph, nodes: &[usize], k: usize) -> Vec<usize> {
    let c = centroid(g, nodes);
    let Some(&first) = nodes.iter().min_by(|&&a, &&b| {
        dist(g.xy[a], c)
            .total_cmp(&dist(g.xy[b], c))
            .then(a.cmp(&b))
    }) else {
        return Vec::new();
    };
    let mut near: Vec<f64> = nodes.iter().map(|&v| dist(g.xy[v], g.xy[first])).collect();
    let mut out = vec![first];
    while out.len() < k.min(nodes.len()) {
        let Some((i, _)) = near
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1).then(nodes[b.0].cmp(&nodes[a.0])))
        else {
            break;
        };
        if near[i] <= 0.0 {
            break;
        }
        let v = nodes[i];
        out.push(v);
        for (d, &w) in near.iter_mut().zip(nodes) {
            *d = d.min(dist(g.xy[w], g.xy[v]));
        }
    }
    out
}

fn centroid(g: &Graph, set: &[usize]) -> [f64; 2] {
    let mut c = [0.0, 0.0];
    let mut w = 0.0;
    for &v in set {
        c[0] += g.xy[v][0] * g.area[v];
        c[1] += g.xy[v][1] * g.area[v];
        w += g.area[v];
    }
    if w > 0.0 {
        [c[0] / w, c[1] / w]
    } else {
        g.xy.get(set.first().copied().unwrap_or(0))
            .copied()
            .unwrap_or([0.0, 0.0])
    }
}

/// Hops from each allowed node to the edge of the allowed land.
fn hop_depth(g: &Graph, allowed: &[bool]) -> Vec<u32> {
    let n = g.len();
    let mut depth = vec![u32::MAX; n];
    let mut queue = VecDeque::new();
    for v in 0..n {
        if allowed[v] && (g.adj[v].iter().any(|e| !allowed[e.0]) || g.adj[v].len() < 3) {
            depth[v] = 0;
            queue.push_back(v);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &(w, _) in &g.adj[v] {
            if allowed[w] && depth[w] == u32::MAX {
                depth[w] = depth[v] + 1;
                queue.push_back(w);
            }
        }
    }
    depth
        .iter()
        .map(|&d| if d == u32::MAX { 0 } else { d })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A w×h grid of unit-ish squares: side 100 m, area 10,000 m² ≈ 2.471 acres.
    pub(super) fn grid(w: usize, h: usize) -> Graph {
        let n = w * h;
        let side = 100.0;
        let mut g = Graph {
            area: vec![side * side / M2_PER_ACRE; n],
            perim: vec![4.0 * side; n],
            adj: vec![Vec::new(); n],
            xy: vec![[0.0, 0.0]; n],
            edge: Vec::new(),
        };
        for r in 0..h {
            for c in 0..w {
                let k = r * w + c;
                g.xy[k] = [c as f64 * side, r as f64 * side];
                if c + 1 < w {
                    g.adj[k].push((k + 1, side));
                    g.adj[k + 1].push((k, side));
                }
                if r + 1 < h {
                    g.adj[k].push((k + w, side));
                    g.adj[k + w].push((k, side));
                }
            }
        }
        for a in &mut g.adj {
            a.sort_by_key(|e| e.0);
        }
        g.mark_edges();
        g
    }

    #[test]
    fn finds_a_square_of_nine_cells_on_a_grid() {
        let g = grid(12, 12);
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let cell = g.area[0];
        let p = ZoneProblem {
            target: 9.0 * cell,
            tol: 0.1,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let sols = solve(&p).unwrap();
        // The minimum perimeter of 9 unit squares is a 3×3 block: 1,200 m.
        assert_eq!(sols[0].members.len(), 9);
        assert!((sols[0].perim - 1200.0).abs() < 1e-6, "{}", sols[0].perim);
    }

    #[test]
    fn reports_too_little_land_with_access() {
        let g = grid(6, 6);
        let labels = vec![String::new(); g.len()];
        let mut avail = vec![true; g.len()];
        // A wall of unavailable cells in column 2 cuts off the two left columns.
        for r in 0..6 {
            avail[r * 6 + 2] = false;
        }
        let mut access = vec![false; g.len()];
        access[0] = true;
        let p = ZoneProblem {
            access: Some(&access),
            target: 20.0 * g.area[0],
            tol: 0.5,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let e = solve(&p).unwrap_err();
        let e = e.to_string();
        assert!(e.contains("only 29.65 acres"), "{e}"); // 12 cells × 2.4711 acres
        assert!(e.contains("port-access parcel"), "{e}");
    }

    /// A 4 × 1 row of 100 m cells and a port spur (node 4) hanging under cell 0 by 40 m of
    /// boundary: with a 50 m minimum frontage the spur gives no access; with 30 m it does.
    #[test]
    fn an_access_spur_counts_only_with_enough_frontage() {
        let mut g = grid(4, 1);
        g.area.push(0.2);
        g.perim.push(2.0 * (40.0 + 50.0));
        g.xy.push([0.0, -75.0]);
        g.adj.push(vec![(0, 40.0)]);
        g.adj[0].push((4, 40.0));
        g.mark_edges();
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let mut access = vec![false; g.len()];
        access[4] = true;
        let cell = g.area[0];
        let problem = |min_frontage_m: f64| ZoneProblem {
            access: Some(&access),
            target: 2.0 * cell + 0.2,
            tol: 0.1,
            min_frontage_m,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let strict = problem(50.0);
        assert!(matches!(
            solve(&strict),
            Err(Infeasible::NoWholeParcelSet { .. })
        ));
        let loose = problem(30.0);
        let sols = solve(&loose).unwrap();
        assert_eq!(sols[0].members, vec![0, 1, 4]);
        // The same zone, judged by the state: the spur's frontage is its 40 m with cell 0.
        let mut st = State::new(&strict, scale_of(&strict));
        for v in [0, 1, 4] {
            st.add(v);
        }
        assert_eq!(g.frontage_m(4, &st.inset), 40.0);
        assert!(st.p.in_band(st.area) && !st.access_met());
    }

    /// Sharing more than the cap with an earlier zone makes a zone infeasible; the search
    /// then finds one elsewhere.
    #[test]
    fn a_zone_keeps_its_distance_from_an_earlier_plans_zone() {
        let g = grid(6, 6);
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let cell = g.area[0];
        let free = ZoneProblem {
            target: 4.0 * cell,
            tol: 0.1,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let first = solve(&free).unwrap()[0].members.clone();
        let mut mask = vec![false; g.len()];
        first.iter().for_each(|&v| mask[v] = true);
        // At most 2 of the 4 cells in common.
        let apart = ZoneProblem {
            avoid: vec![mask.clone()],
            avoid_cap: 2.0 * cell + 0.01,
            ..free.clone()
        };
        let sols = solve(&apart).unwrap();
        for s in &sols {
            let common = s.members.iter().filter(|&&v| mask[v]).count();
            assert!(
                common <= 2,
                "{:?} shares {common} cells with {first:?}",
                s.members
            );
        }
        // Still a 2 × 2 block (800 m): there is room for one.
        assert!((sols[0].perim - 800.0).abs() < 1e-6, "{}", sols[0].perim);
    }

    /// The rim (members with a neighbour outside) after a seeded walk of adds and removes
    /// equals the rim computed from scratch, and so do the frontier and the perimeter.
    #[test]
    fn rim_and_frontier_follow_every_move() {
        let g = grid(7, 6);
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; g.len()];
        let p = ZoneProblem {
            target: 1.0,
            tol: 1.0,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let mut st = State::new(&p, scale_of(&p));
        let mut rng = Rng::new(7);
        for _ in 0..400 {
            let v = rng.below(g.len());
            if st.inset[v] {
                st.remove(v);
            } else {
                st.add(v);
            }
            let mut rim = st.rim.items.clone();
            rim.sort_unstable();
            let want: Vec<usize> = (0..g.len())
                .filter(|&v| st.inset[v] && g.adj[v].iter().any(|e| !st.inset[e.0]))
                .collect();
            assert_eq!(rim, want);
            let mut frontier = st.frontier.items.clone();
            frontier.sort_unstable();
            let want: Vec<usize> = (0..g.len())
                .filter(|&v| !st.inset[v] && g.adj[v].iter().any(|e| st.inset[e.0]))
                .collect();
            assert_eq!(frontier, want);
            let mut members = st.members.items.clone();
            members.sort_unstable();
            assert!((st.perim - g.union_perimeter(&members)).abs() < 1e-6);
        }
    }

    #[test]
    fn removal_check_detects_a_cut_vertex() {
        let g = grid(5, 1);
        let labels = vec![String::new(); g.len()];
        let avail = vec![true; 5];
        let p = ZoneProblem {
            target: 1.0,
            tol: 1.0,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let mut st = State::new(&p, scale_of(&p));
        for v in 0..5 {
            st.add(v);
        }
        assert!(st.stays_connected_without(0));
        assert!(!st.stays_connected_without(2));
        assert!((st.perim - 1200.0).abs() < 1e-9);
        st.remove(4);
        assert!((st.perim - 1000.0).abs() < 1e-9);
        assert_eq!(st.frontier.items, vec![4]);
    }

    /// Pieces of the nodes `keep` marks, by a plain BFS (the brute force the lockstep checks
    /// are compared with).
    fn pieces(g: &Graph, keep: &[bool]) -> usize {
        let starts: Vec<usize> = (0..g.len()).filter(|&s| keep[s]).collect();
        pieces_from(g, keep, &starts)
    }

    /// Pieces of the nodes `keep` marks that hold one of `starts` (each a kept node).
    fn pieces_from(g: &Graph, keep: &[bool], starts: &[usize]) -> usize {
        let mut seen = vec![false; g.len()];
        let mut count = 0;
        for &s in starts {
            if seen[s] {
                continue;
            }
            count += 1;
            seen[s] = true;
            let mut queue = vec![s];
            while let Some(v) = queue.pop() {
                for &(w, _) in &g.adj[v] {
                    if keep[w] && !seen[w] {
                        seen[w] = true;
                        queue.push(w);
                    }
                }
            }
        }
        count
    }

    #[test]
    fn connectivity_checks_agree_with_brute_force_on_ragged_zones() {
        // Seeded random zones on a 14 × 14 grid, with holes in the open land: every member's
        // removal and every frontier node's joining is checked against whole-graph BFS.
        let g = grid(14, 14);
        let labels = vec![String::new(); g.len()];
        let mut rng = Rng::new(7);
        let (mut cuts, mut closes) = (0, 0);
        for _ in 0..40 {
            let avail: Vec<bool> = (0..g.len()).map(|_| rng.unit() > 0.15).collect();
            let p = ZoneProblem {
                target: 1.0,
                tol: 1.0,
                ..ZoneProblem::for_tests(&g, &avail, &labels)
            };
            let mut st = State::new(&p, scale_of(&p));
            let Some(start) = (0..g.len()).find(|&v| avail[v]) else {
                continue;
            };
            st.add(start);
            // Random growth through the frontier: ragged, with spurs and cut vertices.
            for _ in 0..60 {
                if st.frontier.items.is_empty() {
                    break;
                }
                let j = st.frontier.items[rng.below(st.frontier.items.len())];
                st.add(j);
            }
            let members = st.members.items.clone();
            for &v in &members {
                let mut keep = st.inset.clone();
                keep[v] = false;
                let want = pieces(&g, &keep) <= 1;
                cuts += usize::from(!want);
                assert_eq!(st.stays_connected_without(v), want, "member {v}");
            }
            for j in st.frontier.items.clone() {
                let open_now: Vec<bool> = (0..g.len()).map(|v| avail[v] && !st.inset[v]).collect();
                let mut open_after = open_now.clone();
                open_after[j] = false;
                // Only the open land around j counts: its pieces touching j's neighbours.
                let around: Vec<usize> = g.adj[j]
                    .iter()
                    .map(|e| e.0)
                    .filter(|&v| open_after[v])
                    .collect();
                let want = pieces_from(&g, &open_after, &around) <= 1;
                closes += usize::from(!want);
                assert_eq!(st.keeps_open_connected(j, None), want, "frontier {j}");
            }
        }
        // The fabrics exercise both answers of both checks.
        assert!(cuts > 50 && closes > 20, "{cuts} cuts, {closes} closings");
    }
}
