//! The fast path: a well-formed feature read in one pass, and the top-level walk that splits
//! the features array into raw slices without building a DOM.

use super::*;
use geo::MultiPolygon;
use rayon::prelude::*;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// A structural scan of a well-formed top-level object: splits `features` into element slices
/// without parsing them (they are parsed, and so validated, one by one in parallel) and parses
/// the other members with serde_json. Returns `None` for anything unusual (escaped keys,
/// malformed structure, not an object), leaving the precise diagnosis to serde_json.
pub(crate) fn fast_top(text: &str) -> Option<TopObject<'_>> {
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    };
    let mut i = ws(0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    let mut top = TopObject {
        kind: None,
        features: None,
        crs: None,
        members: Map::new(),
    };
    i = ws(i + 1);
    if b.get(i) == Some(&b'}') {
        return (ws(i + 1) == b.len()).then_some(top);
    }
    loop {
        // A key without escapes.
        if b.get(i) != Some(&b'"') {
            return None;
        }
        let key_end = i + 1 + b[i + 1..].iter().position(|&c| c == b'"')?;
        let key = &text[i + 1..key_end];
        if key.contains('\\') {
            return None;
        }
        i = ws(key_end + 1);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = ws(i + 1);
        if key == "features" && b.get(i) == Some(&b'[') {
            i = ws(i + 1);
            if b.get(i) == Some(&b']') {
                i += 1;
                top.features = Some(Vec::new());
            } else {
                let pieces = if b.len() - i >= 4 << 20 {
                    4 * rayon::current_num_threads()
                } else {
                    1
                };
                let (items, end) = split_elements(text, i, pieces)?;
                top.features = Some(items);
                i = end;
            }
        } else {
            let end = skip_value(b, i)?;
            let v: Value = serde_json::from_str(&text[i..end]).ok()?;
            match key {
                "type" => {
                    top.kind = Some(match v {
                        Value::String(s) => s,
                        other => other.to_string(),
                    })
                }
                "crs" => top.crs = Some(v),
                "bbox" => {}
                // `features` that is not an array: let serde_json explain.
                "features" => return None,
                _ => {
                    top.members.insert(key.to_string(), v);
                }
            }
            i = end;
        }
        i = ws(i);
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b'}') => return (ws(i + 1) == b.len()).then_some(top),
            _ => return None,
        }
    }
}

/// How a walk over array elements ([`walk_elements`]) ended.
enum WalkEnd {
    /// At an element start at or past the stop position.
    Reached(usize),
    /// At the closing `]`; the position just past it.
    Closed(usize),
}

/// Walks array elements from `i` (an element start): their slices, until the array closes or
/// an element start at or past `stop`. `None` with what was read for malformed structure.
fn walk_elements(text: &str, mut i: usize, stop: usize) -> (Vec<&str>, Option<WalkEnd>) {
    let b = text.as_bytes();
    let ws = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
            i += 1;
        }
        i
    };
    let mut items = Vec::new();
    loop {
        if i >= stop {
            return (items, Some(WalkEnd::Reached(i)));
        }
        let Some(item) = skip_value(b, i).and_then(|end| text.get(i..end)) else {
            return (items, None);
        };
        items.push(item);
        i = ws(i + item.len());
        match b.get(i) {
            Some(b',') => i = ws(i + 1),
            Some(b']') => return (items, Some(WalkEnd::Closed(i + 1))),
            _ => return (items, None),
        }
    }
}

/// The elements of the array whose first element starts at `first` (as slices of `text`),
/// and the position just past its `]`; `None` for malformed structure.
///
/// With `pieces > 1` the walk runs on several threads: the text is cut into `pieces` equal
/// parts, each part's walk starts at a guessed element start (the first `{` after the cut
/// whose previous non-blank byte is `,`) and stops at the next part's guess. The guesses are
/// then checked in order: a walk from a true element start visits exactly the true element
/// starts, so when the walk before a guess stops exactly on it the guess is true, and
/// otherwise (the guess was inside an element, say in a string) the walk simply goes on
/// alone from where it stopped. The result is always that of one walk from `first`.
pub(crate) fn split_elements(
    text: &str,
    first: usize,
    pieces: usize,
) -> Option<(Vec<&str>, usize)> {
    let b = text.as_bytes();
    let part = (b.len() - first) / pieces.max(1);
    let mut starts = vec![first];
    for k in 1..pieces {
        match guess_element_start(b, first + k * part) {
            Some(g) if g > *starts.last().unwrap_or(&first) => starts.push(g),
            Some(_) => {}
            None => break,
        }
    }
    let walks: Vec<_> = (0..starts.len())
        .into_par_iter()
        .map(|k| {
            walk_elements(
                text,
                starts[k],
                starts.get(k + 1).copied().unwrap_or(usize::MAX),
            )
        })
        .collect();
    let mut items = Vec::new();
    for (k, (part, end)) in walks.into_iter().enumerate() {
        items.extend(part);
        match end? {
            WalkEnd::Closed(after) => return Some((items, after)),
            WalkEnd::Reached(at) if Some(&at) == starts.get(k + 1) => {}
            WalkEnd::Reached(at) => {
                let (rest, end) = walk_elements(text, at, usize::MAX);
                items.extend(rest);
                return match end? {
                    WalkEnd::Closed(after) => Some((items, after)),
                    WalkEnd::Reached(_) => None,
                };
            }
        }
    }
    None
}

/// The first `{` at or after `from` whose previous non-blank byte is `,`: where an element
/// of an array of objects may start.
fn guess_element_start(b: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    loop {
        j += b.get(j..)?.iter().position(|&c| c == b'{')?;
        let mut k = j;
        while k > 0 && matches!(b[k - 1], b' ' | b'\n' | b'\r' | b'\t') {
            k -= 1;
        }
        if k > 0 && b[k - 1] == b',' {
            return Some(j);
        }
        j += 1;
    }
}

/// Bytes that matter to [`skip_value`] inside arrays and objects.
pub(crate) static STRUCTURAL: [bool; 256] = {
    let mut t = [false; 256];
    t[b'"' as usize] = true;
    t[b'[' as usize] = true;
    t[b']' as usize] = true;
    t[b'{' as usize] = true;
    t[b'}' as usize] = true;
    t
};

/// The end of the JSON value starting at `i` (strings and nesting respected, content not
/// validated), or `None` when the text ends first.
pub(crate) fn skip_value(b: &[u8], mut i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'[' | b'{' => {
            let mut depth = 0usize;
            while i < b.len() {
                // Skip runs of bytes without structure (digits, commas, letters) quickly.
                i = next_candidate(b, i);
                if i >= b.len() {
                    break;
                }
                if !STRUCTURAL[b[i] as usize] {
                    i += 1;
                    continue;
                }
                match b[i] {
                    b'"' => {
                        i = skip_string(b, i)?;
                        continue;
                    }
                    b'[' | b'{' => depth += 1,
                    _ => {
                        // `]` or `}`
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                }
                i += 1;
            }
            None
        }
        _ => {
            let start = i;
            while i < b.len() && !matches!(b[i], b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t')
            {
                i += 1;
            }
            (i > start).then_some(i)
        }
    }
}

/// The first byte at or after `i` that may be structural (`"`, `[`, `]`, `{`, `}`; the
/// letters `Y`, `y`, `_` and DEL also match and are rechecked by the caller), or `b.len()`.
/// Looks at 8 bytes at a time: `[`, `{` and `]`, `}` and those letters are the bytes equal
/// to 0x59 after clearing bits 0x20, 0x04 and 0x02.
pub(crate) fn next_candidate(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // High bit set in the lowest byte that is zero (bytes above it may be flagged falsely).
    let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    while let Some(Ok(word)) = b.get(i..i + 8).map(<[u8; 8]>::try_from) {
        let x = u64::from_le_bytes(word);
        let hits = zero_byte(x ^ (ONES * 0x22)) | zero_byte((x & (ONES * 0xD9)) ^ (ONES * 0x59));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < b.len() && !STRUCTURAL[b[i] as usize] {
        i += 1;
    }
    i
}

/// The end of the string starting at `i` (just past its closing quote).
fn skip_string(b: &[u8], mut i: usize) -> Option<usize> {
    i += 1;
    while i < b.len() {
        let rest = &b[i..];
        let k = rest.iter().position(|&c| c == b'"' || c == b'\\')?;
        i += k;
        if b[i] == b'"' {
            return Some(i + 1);
        }
        i += 2;
    }
    None
}

/// The fast path: a well-formed feature read in one pass by [`crate::read::coords::scan_feature`].
/// `None` for anything it does not handle or that is wrong, which [`parse_feature_serde`]
/// then reads (to the same parcel) or diagnoses.
pub(crate) fn fast_parcel(index: usize, raw: &str, keep_properties: bool) -> Option<Parcel> {
    let f = crate::read::coords::scan_feature(raw)?;
    if f.multi && f.parts.is_empty() {
        return None;
    }
    let mut polys = Vec::with_capacity(f.parts.len());
    for (i, rings) in f.parts.into_iter().enumerate() {
        polys.push(build_polygon(rings, f.multi.then_some(i + 1)).ok()?);
    }
    let access = access_tags(f.access.iter().copied(), f.access_is_list);
    let properties = match f.properties {
        Some(p) if keep_properties => Some(RawValue::from_string(p.to_string()).ok()?),
        _ => None,
    };
    Some(Parcel::from_parts(
        match f.id.map(|(id, _)| id).or(f.prop_id) {
            Some(id) => ParcelId::from(id),
            None => ParcelId::from(format!("#{}", index + 1)),
        },
        MultiPolygon(polys),
        f.zone.and_then(intern_label),
        f.land_use.and_then(intern_label),
        index as u32,
        f.multi,
        match f.id {
            Some((_, false)) => FeatureIdKind::String,
            Some((_, true)) => FeatureIdKind::Number,
            None => FeatureIdKind::Absent,
        },
        ParcelDetails {
            name: f.name.map(Box::from),
            access,
            properties,
        },
    ))
}
