//! Connected components of a node subset of an adjacency-list graph.

/// The connected pieces of the subgraph induced by the nodes where `allowed` is true, over
/// `neighbours` (node → `(neighbour, weight)` list; weights are ignored). Each piece is sorted;
/// pieces are ordered by their smallest node.
pub(crate) fn components_where<W>(
    neighbours: &[Vec<(usize, W)>],
    allowed: &[bool],
) -> Vec<Vec<usize>> {
    let mut seen = vec![false; neighbours.len()];
    let mut out = Vec::new();
    for s in 0..neighbours.len() {
        if !allowed[s] || seen[s] {
            continue;
        }
        seen[s] = true;
        let mut comp = vec![s];
        let mut stack = vec![s];
        while let Some(v) = stack.pop() {
            for &(w, _) in &neighbours[v] {
                if allowed[w] && !seen[w] {
                    seen[w] = true;
                    comp.push(w);
                    stack.push(w);
                }
            }
        }
        comp.sort_unstable();
        out.push(comp);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_with_a_node_removed_falls_in_two() {
        // 0 - 1 - 2 - 3, and 4 alone; node 2 not allowed.
        let nb: Vec<Vec<(usize, ())>> = vec![
            vec![(1, ())],
            vec![(0, ()), (2, ())],
            vec![(1, ()), (3, ())],
            vec![(2, ())],
            vec![],
        ];
        let allowed = [true, true, false, true, true];
        assert_eq!(
            components_where(&nb, &allowed),
            vec![vec![0, 1], vec![3], vec![4]]
        );
        assert_eq!(
            components_where(&nb, &[true; 5]),
            vec![vec![0, 1, 2, 3], vec![4]]
        );
    }
}
