//! The post-check of a zone the search returns: the rules a plan claims, checked from scratch
//! on the graph (not through the search's incremental state), so that no candidate breaking
//! them can leave [`super::solve`].

use super::{Graph, Solution, ZoneProblem, components};

/// Why `sol` breaks a rule of `p`, or `None` when it keeps them all: its members are available
/// (or required), in one piece, within the target band, include every required node and an
/// access node when one is asked for (joined to the rest of the zone by the minimum frontage),
/// share no more than the cap with any earlier plan's zone, have no spur or neck narrower than
/// the minimum width ([`crate::graph::narrow`]), and taking them does not cut any
/// piece of the open land (the land no zone has taken yet, which the later zones and the
/// retained land come from) into more pieces.
pub(super) fn broken_rule(p: &ZoneProblem, sol: &Solution) -> Option<String> {
    let g = p.graph;
    let n = g.len();
    let mut inset = vec![false; n];
    for &v in &sol.members {
        inset[v] = true;
    }
    if let Some(&v) = sol
        .members
        .iter()
        .find(|&&v| !p.avail[v] && !p.required.contains(&v))
    {
        return Some(format!(
            "parcel {} is not available to the zone",
            p.labels[v]
        ));
    }
    if let Some(&r) = p.required.iter().find(|&&r| !inset[r]) {
        return Some(format!("locked parcel {} is left out", p.labels[r]));
    }
    let area: f64 = sol.members.iter().map(|&v| g.area[v]).sum();
    if !p.in_band(area) {
        return Some(format!(
            "{area:.2} acres is outside {:.2} ± {:.2}",
            p.target, p.tol
        ));
    }
    if let Some(a) = p.access {
        if !sol.members.iter().any(|&v| a[v]) {
            return Some(format!("no {}-access parcel in the zone", p.access_name));
        }
        let fronts =
            |v: usize| sol.members.len() == 1 || g.frontage_m(v, &inset) >= p.min_frontage_m - 1e-9;
        if !sol.members.iter().any(|&v| a[v] && fronts(v)) {
            return Some(format!(
                "no {}-access parcel of the zone shares {} m of boundary with the rest of it",
                p.access_name, p.min_frontage_m
            ));
        }
    }
    for (k, m) in p.avoid.iter().enumerate() {
        let shared: f64 = sol
            .members
            .iter()
            .filter(|&&v| m[v])
            .map(|&v| g.area[v])
            .sum();
        if shared > p.avoid_cap + 1e-9 {
            return Some(format!(
                "{shared:.2} acres in common with earlier plan {}'s zone, more than {:.2}",
                k + 1,
                p.avoid_cap
            ));
        }
    }
    if components(g, &inset).len() != 1 {
        return Some("the zone is not contiguous".into());
    }
    if let Some(part) = p.narrow_parts(&sol.members, &inset).first() {
        return Some(narrow_message(p, part));
    }
    if let Some(pieces) = splits_open_land(g, p.open, &inset) {
        return Some(format!(
            "taking the zone would cut the retained land into {pieces} pieces"
        ));
    }
    None
}

/// A spur or neck in words: `parcel R-7 (40.0 m wide) is a spur narrower than the minimum
/// width of 100 m`.
pub(super) fn narrow_message(p: &ZoneProblem, part: &crate::graph::narrow::NarrowPart) -> String {
    format!(
        "parcel {} ({:.1} m wide, {:.1} m of boundary with the rest) is a {} narrower than the minimum width of {} m",
        p.labels[part.node],
        part.width_m,
        part.contact_m,
        part.kind.name(),
        p.min_width_m
    )
}

/// `Some(pieces)` when removing the nodes marked in `taken` splits a piece of the `open` land
/// into `pieces` (> 1) pieces; `None` when every piece of the open land stays whole (or is
/// taken entirely).
pub(super) fn splits_open_land(g: &Graph, open: &[bool], taken: &[bool]) -> Option<usize> {
    let before = components(g, open);
    let rest: Vec<bool> = (0..g.len()).map(|v| open[v] && !taken[v]).collect();
    let after = components(g, &rest);
    let mut piece_of = vec![usize::MAX; g.len()];
    for (k, c) in before.iter().enumerate() {
        for &v in c {
            piece_of[v] = k;
        }
    }
    let mut count = vec![0usize; before.len()];
    for c in &after {
        count[piece_of[c[0]]] += 1;
    }
    count.into_iter().find(|&c| c > 1)
}

#[cfg(test)]
mod tests {
    use super::super::tests::grid;
    use super::*;

    /// A 3 × 3 grid: the middle column cuts the open land in two, a corner does not; the
    /// counts are by hand.
    #[test]
    fn middle_column_splits_a_grid_and_a_corner_does_not() {
        let g = grid(3, 3);
        let open = vec![true; 9];
        let column = |c: usize| (0..9).map(|v| v % 3 == c).collect::<Vec<bool>>();
        assert_eq!(splits_open_land(&g, &open, &column(1)), Some(2));
        assert_eq!(splits_open_land(&g, &open, &column(0)), None);
        let mut corner = vec![false; 9];
        corner[0] = true;
        assert_eq!(splits_open_land(&g, &open, &corner), None);
        // Everything taken: nothing is left to split.
        assert_eq!(splits_open_land(&g, &open, &open), None);
    }

    /// A 3 × 1 row of 100 m cells whose middle cell is given a 60 m width (a strip joined
    /// end-on by 100 m sides cannot be, so the shared lengths say 60 m too): the row is a
    /// neck at a 100 m minimum width and fine at 30 m; with the rule off it is not checked.
    #[test]
    fn a_narrow_cut_vertex_is_named_as_a_neck() {
        let mut g = grid(3, 1);
        for (a, b) in [(0, 1), (1, 2)] {
            for (x, y) in [(a, b), (b, a)] {
                let k = g.adj[x].iter().position(|e| e.0 == y).unwrap();
                g.adj[x][k].1 = 60.0;
            }
        }
        let avail = vec![true; 3];
        let labels: Vec<String> = (0..3).map(|v| format!("P{v}")).collect();
        let width = [100.0, 60.0, 100.0];
        let cell = g.area[0];
        let p = |min_width_m: f64| ZoneProblem {
            target: 3.0 * cell,
            tol: 0.1 * cell,
            width_m: &width,
            min_width_m,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let row = Solution {
            members: vec![0, 1, 2],
            area: 3.0 * cell,
            perim: 0.0,
            cost: 0.0,
        };
        let why = broken_rule(&p(100.0), &row).unwrap();
        assert_eq!(
            why,
            "parcel P1 (60.0 m wide, 60.0 m of boundary with the rest) is a neck narrower than the minimum width of 100 m"
        );
        assert_eq!(broken_rule(&p(30.0), &row), None);
        assert_eq!(broken_rule(&p(0.0), &row), None);
        // The search refuses the row at 100 m: the only zone in the band is the whole row.
        assert!(super::super::solve(&p(100.0)).is_err());
        assert_eq!(
            super::super::solve(&p(30.0)).unwrap()[0].members,
            vec![0, 1, 2]
        );
    }

    #[test]
    fn a_zone_cutting_the_open_land_is_named() {
        let g = grid(3, 3);
        let avail = vec![true; 9];
        let labels: Vec<String> = (0..9).map(|v| format!("P{v}")).collect();
        let cell = g.area[0];
        let p = ZoneProblem {
            target: 3.0 * cell,
            tol: 0.1 * cell,
            ..ZoneProblem::for_tests(&g, &avail, &labels)
        };
        let sol = |members: Vec<usize>| Solution {
            area: members.iter().map(|&v| g.area[v]).sum(),
            members,
            perim: 0.0,
            cost: 0.0,
        };
        // Column 1 (nodes 1, 4, 7) cuts the grid; column 0 does not.
        let why = broken_rule(&p, &sol(vec![1, 4, 7])).unwrap();
        assert!(why.contains("retained land into 2 pieces"), "{why}");
        assert_eq!(broken_rule(&p, &sol(vec![0, 3, 6])), None);
        // Not contiguous; outside the band.
        assert!(
            broken_rule(&p, &sol(vec![0, 2, 6]))
                .unwrap()
                .contains("contiguous")
        );
        assert!(
            broken_rule(&p, &sol(vec![0, 3]))
                .unwrap()
                .contains("outside")
        );
    }
}
