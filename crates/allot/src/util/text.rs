//! Edit distance between short names, and the closest of a list (for `did you mean ...?`).

/// Levenshtein distance between `a` and `b`, counted in characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `word` by [`edit_distance`] (ties: the first in `candidates`
/// order), if it is within half of `word`'s length (at least 2 edits allowed): a guess worth
/// offering as `did you mean ...?`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let limit = (word.chars().count() / 2).max(2);
    let mut best: Option<(usize, &str)> = None;
    for c in candidates {
        let d = edit_distance(&word.to_lowercase(), &c.to_lowercase());
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, c));
        }
    }
    best.map(|b| b.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force: the distance is the fewest single-character edits, checked against a
    /// breadth-first search over edit sequences on a two-letter alphabet.
    #[test]
    fn edit_distance_equals_breadth_first_search() {
        use std::collections::{BTreeSet, VecDeque};
        let words = ["", "a", "b", "ab", "ba", "aab", "bba", "abab"];
        for a in words {
            for b in words {
                let mut seen = BTreeSet::from([a.to_string()]);
                let mut queue = VecDeque::from([(a.to_string(), 0usize)]);
                let mut found = None;
                while let Some((w, d)) = queue.pop_front() {
                    if w == b {
                        found = Some(d);
                        break;
                    }
                    let chars: Vec<char> = w.chars().collect();
                    let mut next = Vec::new();
                    for i in 0..=chars.len() {
                        for c in ['a', 'b'] {
                            let mut v = chars.clone();
                            v.insert(i, c);
                            next.push(v);
                        }
                        if i < chars.len() {
                            let mut v = chars.clone();
                            v.remove(i);
                            next.push(v);
                            for c in ['a', 'b'] {
                                let mut v = chars.clone();
                                v[i] = c;
                                next.push(v);
                            }
                        }
                    }
                    for v in next {
                        let s: String = v.into_iter().collect();
                        if s.len() <= 5 && seen.insert(s.clone()) {
                            queue.push_back((s, d + 1));
                        }
                    }
                }
                assert_eq!(Some(edit_distance(a, b)), found, "{a:?} -> {b:?}");
            }
        }
    }

    #[test]
    fn closest_prefers_the_first_of_equal_candidates_and_refuses_far_ones() {
        assert_eq!(closest("cat", ["bat", "cut"]), Some("bat"));
        assert_eq!(closest("OPEN_LAND", ["open_land"]), Some("open_land"));
        assert_eq!(closest("mill", ["industrial_park"]), None);
    }
}
