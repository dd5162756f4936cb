//! Union-find over positions (path halving, union by smaller root): the one used by zone
//! contiguity, the planner's articulation test and the ring-touching cycle test of validity.

/// Union-find over parcel positions (path halving, union by smaller root).
pub(crate) struct Dsu {
    pub(crate) parent: Vec<u32>,
}

impl Dsu {
    pub(crate) fn new(n: usize) -> Self {
        Dsu {
            parent: (0..n as u32).collect(),
        }
    }

    /// The root of `x`, without changing the forest (usable from parallel readers).
    pub(crate) fn root(&self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            x = self.parent[x as usize];
        }
        x
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let grand = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = grand;
            x = grand;
        }
        x
    }

    /// Points every element straight at its root, so that [`Dsu::root`] takes one step.
    pub(crate) fn flatten(&mut self) {
        for x in 0..self.parent.len() as u32 {
            let r = self.find(x);
            self.parent[x as usize] = r;
        }
    }

    /// Adds a new element in a set of its own; returns its position.
    pub(crate) fn push(&mut self) -> usize {
        let x = self.parent.len();
        self.parent.push(x as u32);
        x
    }

    /// The root of `x`, halving its path on the way.
    pub(crate) fn find_mut(&mut self, x: usize) -> usize {
        self.find(x as u32) as usize
    }

    /// Merges the sets of `a` and `b`; false when they were already one set.
    pub(crate) fn union(&mut self, a: usize, b: usize) -> bool {
        let (ra, rb) = (self.find(a as u32), self.find(b as u32));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
        ra != rb
    }
}
