//! A fast, strict scanner for GeoJSON polygon coordinates.
//!
//! The reader hands it the raw text of a `coordinates` member (already known to be valid JSON)
//! and gets back rings of `Coord`s without any intermediate allocation per position. Numbers go
//! through `fast-float2` (correctly rounded, like serde_json's `float_roundtrip`), so a vertex
//! written by any tool reads back to the same `f64`. The grammar is fixed (positions at depth 3
//! for a Polygon, 4 for a MultiPolygon), so nesting cannot recurse without bound.
//!
//! It also holds the reader's fast path, `scan_feature`: one validating pass over a whole
//! well-formed feature that hands anything unusual back to the serde_json path.

use geo::{Coord, LineString};

/// A scanning error: byte offset within the scanned text and a message.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanError {
    /// Byte offset within the scanned text.
    pub offset: usize,
    /// What was wrong, in serde_json's words where it has them.
    pub message: String,
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

fn kind_at(c: u8) -> &'static str {
    match c {
        b'[' => "sequence",
        b'{' => "map",
        b'"' => "string",
        b't' | b'f' => "boolean",
        b'n' => "null",
        _ => "number",
    }
}

impl Scanner<'_> {
    fn ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\n' | b'\r' | b'\t') {
            self.i += 1;
        }
    }

    fn err<T>(&self, message: String) -> Result<T, ScanError> {
        Err(ScanError {
            offset: self.i,
            message,
        })
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    /// Expects `[`; `what` names the expected thing in the error.
    fn open(&mut self, what: &str) -> Result<(), ScanError> {
        match self.peek() {
            Some(b'[') => {
                self.i += 1;
                Ok(())
            }
            Some(c) => self.err(format!("invalid type: {}, expected {what}", kind_at(c))),
            None => self.err("EOF while parsing".into()),
        }
    }

    /// After an element: `,` (true: another follows) or `]` (false: the list ended).
    fn next_or_close(&mut self) -> Result<bool, ScanError> {
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                Ok(true)
            }
            Some(b']') => {
                self.i += 1;
                Ok(false)
            }
            _ => self.err("expected `,` or `]`".into()),
        }
    }

    /// At the start of a list: true if it is empty (and consumes the `]`).
    fn empty_list(&mut self) -> bool {
        if self.peek() == Some(b']') {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn number(&mut self) -> Result<f64, ScanError> {
        match self.peek() {
            Some(c) if c == b'-' || c.is_ascii_digit() => {
                match fast_float2::parse_partial::<f64, _>(&self.b[self.i..]) {
                    Ok((v, n)) => {
                        if !v.is_finite() {
                            return self.err("number out of range".into());
                        }
                        self.i += n;
                        Ok(v)
                    }
                    Err(_) => self.err("invalid number".into()),
                }
            }
            Some(c) => self.err(format!("invalid type: {}, expected a number", kind_at(c))),
            None => self.err("EOF while parsing".into()),
        }
    }

    fn position(&mut self) -> Result<Coord<f64>, ScanError> {
        let start = self.i;
        self.open("a position [longitude, latitude]")?;
        let mut xy = [0.0f64; 2];
        let mut n = 0usize;
        if !self.empty_list() {
            loop {
                let v = self.number()?;
                if n < 2 {
                    xy[n] = v;
                }
                n += 1;
                if !self.next_or_close()? {
                    break;
                }
            }
        }
        if n < 2 {
            return Err(ScanError {
                offset: start,
                message: format!(
                    "a position has {n} number{}; it needs longitude and latitude",
                    if n == 1 { "" } else { "s" }
                ),
            });
        }
        Ok(Coord { x: xy[0], y: xy[1] })
    }

    fn ring(&mut self) -> Result<LineString<f64>, ScanError> {
        self.open("a ring (an array of positions)")?;
        let mut coords = Vec::with_capacity(8);
        if !self.empty_list() {
            loop {
                coords.push(self.position()?);
                if !self.next_or_close()? {
                    break;
                }
            }
        }
        Ok(LineString(coords))
    }

    pub(crate) fn rings(&mut self) -> Result<Vec<LineString<f64>>, ScanError> {
        self.open("an array of rings")?;
        let mut rings = Vec::with_capacity(1);
        if !self.empty_list() {
            loop {
                rings.push(self.ring()?);
                if !self.next_or_close()? {
                    break;
                }
            }
        }
        Ok(rings)
    }

    fn polygons(&mut self) -> Result<Vec<Vec<LineString<f64>>>, ScanError> {
        self.open("an array of polygons")?;
        let mut parts = Vec::with_capacity(1);
        if !self.empty_list() {
            loop {
                parts.push(self.rings()?);
                if !self.next_or_close()? {
                    break;
                }
            }
        }
        Ok(parts)
    }

    fn finish<T>(&mut self, v: T) -> Result<T, ScanError> {
        match self.peek() {
            None => Ok(v),
            Some(_) => self.err("trailing characters".into()),
        }
    }
}

/// Scans Polygon coordinates (`[[[lon, lat], …], …]`) into rings.
///
/// ```
/// let rings = allot::read::coords::polygon_rings("[[[67, 24.5, 3], [68, 24], [67, 24.5]]]").unwrap();
/// assert_eq!(rings[0].0[0], geo::coord! { x: 67.0, y: 24.5 });
/// let e = allot::read::coords::polygon_rings("[[[67]]]").unwrap_err();
/// assert!(e.message.contains("1 number"));
/// ```
pub fn polygon_rings(text: &str) -> Result<Vec<LineString<f64>>, ScanError> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    let r = s.rings()?;
    s.finish(r)
}

/// Scans MultiPolygon coordinates (`[[[[lon, lat], …], …], …]`) into polygons' rings.
pub fn multipolygon_rings(text: &str) -> Result<Vec<Vec<LineString<f64>>>, ScanError> {
    let mut s = Scanner {
        b: text.as_bytes(),
        i: 0,
    };
    let r = s.polygons()?;
    s.finish(r)
}

/// The parts of a well-formed feature that the reader keeps, borrowed from its text (see
/// [`scan_feature`]).
#[derive(Debug, Default, PartialEq)]
pub(crate) struct FastFeature<'a> {
    /// The Feature's own `id` (`None` when absent or `null`) and whether it was a number.
    pub id: Option<(&'a str, bool)>,
    /// The raw `properties` object (`None` when absent or `null`).
    pub properties: Option<&'a str>,
    /// `properties.id`, `zone`, `land_use` and `name` as text (`None` when absent or `null`).
    pub prop_id: Option<&'a str>,
    pub zone: Option<&'a str>,
    pub land_use: Option<&'a str>,
    pub name: Option<&'a str>,
    /// `properties.access` strings: one comma/semicolon list, or the array's strings.
    pub access: Vec<&'a str>,
    /// True when `access` was a single string (to be split at `,` and `;`).
    pub access_is_list: bool,
    /// True for a MultiPolygon.
    pub multi: bool,
    /// The polygons' rings (one polygon for a Polygon).
    pub parts: Vec<Vec<LineString<f64>>>,
}

/// The powers of ten that are exact in an f64 (10^0 to 10^22).
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Deeper nesting than this inside skipped members is left to serde_json.
const FAST_MAX_DEPTH: usize = 64;

/// A validating cursor for the well-formed case: every method returns `None` at anything it
/// does not accept (including valid JSON it does not handle, such as escapes in strings), and
/// the caller then falls back to serde_json, which gives the precise error.
/// The eight bytes at `b[j..]` as a number when they are all ASCII digits (read as one
/// little-endian word: a digit test and the conversion take a few instructions for all eight,
/// the SWAR technique of simdjson and fast_float).
#[inline]
fn eight_digits(b: &[u8], j: usize) -> Option<u64> {
    let word = u64::from_le_bytes(b.get(j..j + 8)?.try_into().ok()?);
    // Every byte is 0x30..=0x39: its high nibble is 3, and adding 6 does not carry into it.
    let high = |w: u64| w & 0xF0F0_F0F0_F0F0_F0F0;
    if high(word) | (high(word.wrapping_add(0x0606_0606_0606_0606)) >> 4) != 0x3333_3333_3333_3333 {
        return None;
    }
    // Pairs, then quads, then the whole: the first byte is the most significant digit.
    let d = word - 0x3030_3030_3030_3030;
    let d = d.wrapping_mul(10).wrapping_add(d >> 8);
    let mask = 0x0000_00FF_0000_00FF;
    let d = ((d & mask)
        .wrapping_mul(100 + (1_000_000 << 32))
        .wrapping_add(((d >> 16) & mask).wrapping_mul(1 + (10_000 << 32))))
        >> 32;
    Some(d)
}

/// Consumes the ASCII digits at `b[*j..]`, appending them to `m` (wrapping: exact while the
/// digits of `m` number at most 19); returns how many there were.
#[inline]
fn eat_digits(b: &[u8], j: &mut usize, m: &mut u64) -> usize {
    let start = *j;
    while let Some(d) = eight_digits(b, *j) {
        *m = m.wrapping_mul(100_000_000).wrapping_add(d);
        *j += 8;
    }
    while let Some(&c @ b'0'..=b'9') = b.get(*j) {
        *m = m.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
        *j += 1;
    }
    *j - start
}

struct Fast<'a> {
    t: &'a str,
    b: &'a [u8],
    i: usize,
}

impl<'a> Fast<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    /// The next non-whitespace byte (not consumed).
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.b.get(self.i).copied()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// A string without escapes or control characters; returns its content.
    fn string(&mut self) -> Option<&'a str> {
        if self.peek()? != b'"' {
            return None;
        }
        let start = self.i + 1;
        let mut j = start;
        loop {
            match *self.b.get(j)? {
                b'"' => break,
                b'\\' | 0..0x20 => return None,
                _ => j += 1,
            }
        }
        self.i = j + 1;
        // `"` is ASCII, so both ends are character boundaries of the (UTF-8) text.
        self.t.get(start..j)
    }

    /// The end of the JSON number at the cursor, by the JSON grammar.
    fn number_end(&self) -> Option<usize> {
        let b = self.b;
        let digits = |mut j: usize| {
            let s = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            (j > s).then_some(j)
        };
        let mut j = self.i;
        if b.get(j) == Some(&b'-') {
            j += 1;
        }
        j = match *b.get(j)? {
            b'0' => j + 1,
            b'1'..=b'9' => digits(j)?,
            _ => return None,
        };
        if b.get(j) == Some(&b'.') {
            j = digits(j + 1)?;
        }
        if let Some(b'e' | b'E') = b.get(j) {
            j += 1;
            if let Some(b'+' | b'-') = b.get(j) {
                j += 1;
            }
            j = digits(j)?;
        }
        Some(j)
    }

    /// A finite number, read in the same pass that checks its grammar. A plain decimal (no
    /// exponent) whose digits, without the point, form an integer up to 2^53 and that has at
    /// most 22 decimals is that integer divided by an exact power of ten: one correctly
    /// rounded division, so exactly the f64 nearest the decimal (Clinger's fast path). Other
    /// numbers go to fast-float2, which is also correctly rounded.
    fn number(&mut self) -> Option<f64> {
        self.ws();
        let b = self.b;
        let start = self.i;
        let mut j = start;
        let negative = b.get(j) == Some(&b'-');
        if negative {
            j += 1;
        }
        // The digits read so far, as an integer (exact while `digits <= 19`).
        let mut m: u64 = 0;
        let mut digits = 0usize;
        match *b.get(j)? {
            b'0' => j += 1,
            b'1'..=b'9' => {
                let n = eat_digits(b, &mut j, &mut m);
                digits += n;
            }
            _ => return None,
        }
        let mut decimals = 0usize;
        if b.get(j) == Some(&b'.') {
            j += 1;
            decimals = eat_digits(b, &mut j, &mut m);
            digits += decimals;
            if decimals == 0 {
                return None;
            }
        }
        let plain = !matches!(b.get(j), Some(b'e' | b'E'));
        if !plain {
            j += 1;
            if let Some(b'+' | b'-') = b.get(j) {
                j += 1;
            }
            let exponent = j;
            while b.get(j).is_some_and(u8::is_ascii_digit) {
                j += 1;
            }
            if j == exponent {
                return None;
            }
        }
        self.i = j;
        if plain && digits <= 19 && m <= 1 << 53 && decimals < POW10.len() {
            let v = m as f64 / POW10[decimals];
            return Some(if negative { -v } else { v });
        }
        let v: f64 = fast_float2::parse(&b[start..j]).ok()?;
        v.is_finite().then_some(v)
    }

    /// `null` (consumed: true) or something else (not consumed: false).
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            return Some(true);
        }
        Some(false)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        self.b
            .get(self.i..self.i + word.len())?
            .eq(word)
            .then(|| self.i += word.len())
    }

    /// A string or `null`.
    fn opt_string(&mut self) -> Option<Option<&'a str>> {
        if self.null()? {
            Some(None)
        } else {
            self.string().map(Some)
        }
    }

    /// A string, `null`, or an unsigned integer of at most 19 digits, whose text is exactly
    /// what serde_json prints for it: (text, is a number).
    fn opt_text(&mut self) -> Option<Option<(&'a str, bool)>> {
        if !self.peek()?.is_ascii_digit() {
            return Some(self.opt_string()?.map(|s| (s, false)));
        }
        let end = self.number_end()?;
        let text = self.t.get(self.i..end)?;
        if text.len() > 19 || !text.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        self.i = end;
        Some(Some((text, true)))
    }

    /// Skips any JSON value, checking its syntax.
    fn skip(&mut self) -> Option<()> {
        let mut stack = [0u8; FAST_MAX_DEPTH];
        let mut depth = 0usize;
        loop {
            // A value.
            match self.peek()? {
                b'"' => {
                    self.string()?;
                }
                b'-' | b'0'..=b'9' => self.i = self.number_end()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                open @ (b'[' | b'{') => {
                    self.i += 1;
                    let close = if open == b'[' { b']' } else { b'}' };
                    if self.peek()? == close {
                        self.i += 1;
                    } else {
                        if depth == FAST_MAX_DEPTH {
                            return None;
                        }
                        stack[depth] = open;
                        depth += 1;
                        if open == b'{' {
                            self.string()?;
                            self.eat(b':')?;
                        }
                        continue;
                    }
                }
                _ => return None,
            }
            // After a value: close what ends here, then a comma before the next value.
            loop {
                if depth == 0 {
                    return Some(());
                }
                let open = stack[depth - 1];
                match self.peek()? {
                    b',' => {
                        self.i += 1;
                        if open == b'{' {
                            self.string()?;
                            self.eat(b':')?;
                        }
                        break;
                    }
                    b']' if open == b'[' => {}
                    b'}' if open == b'{' => {}
                    _ => return None,
                }
                self.i += 1;
                depth -= 1;
            }
        }
    }

    /// The members of an object: calls `member(self, key)` with the cursor at each value,
    /// which must consume it.
    fn object(&mut self, mut member: impl FnMut(&mut Self, &'a str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        if self.peek()? == b'}' {
            self.i += 1;
            return Some(());
        }
        loop {
            let key = self.string()?;
            self.eat(b':')?;
            member(self, key)?;
            match self.peek()? {
                b',' => self.i += 1,
                b'}' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// The elements of an array: calls `item(self)` at each, which must consume it.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        if self.peek()? == b']' {
            self.i += 1;
            return Some(());
        }
        loop {
            item(self)?;
            match self.peek()? {
                b',' => self.i += 1,
                b']' => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A ring, its positions gathered in `scratch` and copied out at their exact size.
    fn ring(&mut self, scratch: &mut Vec<Coord<f64>>) -> Option<LineString<f64>> {
        scratch.clear();
        self.array(|s| {
            let mut xy = [0.0f64; 2];
            let mut n = 0usize;
            s.array(|s| {
                let v = s.number()?;
                if n < 2 {
                    xy[n] = v;
                }
                n += 1;
                Some(())
            })?;
            (n >= 2).then(|| scratch.push(Coord { x: xy[0], y: xy[1] }))
        })?;
        Some(LineString(scratch.as_slice().to_vec()))
    }

    pub(crate) fn rings(&mut self, scratch: &mut Vec<Coord<f64>>) -> Option<Vec<LineString<f64>>> {
        let mut rings = Vec::with_capacity(1);
        self.array(|s| {
            rings.push(s.ring(scratch)?);
            Some(())
        })?;
        Some(rings)
    }

    /// Polygon (`multi` false) or MultiPolygon coordinates.
    fn coordinates(&mut self, multi: bool) -> Option<Vec<Vec<LineString<f64>>>> {
        let mut scratch = Vec::with_capacity(64);
        if !multi {
            return Some(vec![self.rings(&mut scratch)?]);
        }
        let mut parts = Vec::with_capacity(1);
        self.array(|s| {
            parts.push(s.rings(&mut scratch)?);
            Some(())
        })?;
        Some(parts)
    }
}

/// Reads a well-formed Polygon or MultiPolygon feature in one pass, checking its JSON syntax
/// as it goes. Returns `None` for anything it does not handle: syntax errors, escapes in
/// strings, numbers or booleans where allot reads text, repeated members, nesting deeper
/// than 64, other geometry types, a missing or null geometry. The caller then reads the
/// feature with serde_json, which either accepts it (to the same result) or names the error.
pub(crate) fn scan_feature(raw: &str) -> Option<FastFeature<'_>> {
    let mut s = Fast {
        t: raw,
        b: raw.as_bytes(),
        i: 0,
    };
    let mut f = FastFeature::default();
    let (mut seen_type, mut seen_id, mut seen_props) = (false, false, false);
    let mut geometry: Option<(bool, Vec<Vec<LineString<f64>>>)> = None;
    let once = |seen: &mut bool| (!std::mem::replace(seen, true)).then_some(());
    s.object(|s, key| match key {
        "type" => {
            once(&mut seen_type)?;
            (s.string()? == "Feature").then_some(())
        }
        "id" => {
            once(&mut seen_id)?;
            f.id = s.opt_text()?;
            Some(())
        }
        "properties" => {
            once(&mut seen_props)?;
            if s.null()? {
                return Some(());
            }
            let start = s.i;
            properties(s, &mut f)?;
            f.properties = Some(s.t.get(start..s.i)?);
            Some(())
        }
        "geometry" => {
            if geometry.is_some() {
                return None;
            }
            geometry = Some(geometry_member(s)?);
            Some(())
        }
        _ => s.skip(),
    })?;
    s.ws();
    if s.i != s.b.len() || !seen_type {
        return None;
    }
    (f.multi, f.parts) = geometry?;
    Some(f)
}

fn properties<'a>(s: &mut Fast<'a>, f: &mut FastFeature<'a>) -> Option<()> {
    let (mut id, mut zone, mut land_use, mut name, mut access) =
        (false, false, false, false, false);
    let once = |seen: &mut bool| (!std::mem::replace(seen, true)).then_some(());
    s.object(|s, key| {
        match key {
            "id" => {
                once(&mut id)?;
                f.prop_id = s.opt_text()?.map(|(t, _)| t);
            }
            "zone" => {
                once(&mut zone)?;
                f.zone = s.opt_text()?.map(|(t, _)| t);
            }
            "land_use" => {
                once(&mut land_use)?;
                f.land_use = s.opt_text()?.map(|(t, _)| t);
            }
            "name" => {
                once(&mut name)?;
                f.name = s.opt_text()?.map(|(t, _)| t);
            }
            "access" => {
                once(&mut access)?;
                match s.peek()? {
                    b'"' => {
                        f.access.push(s.string()?);
                        f.access_is_list = true;
                    }
                    b'[' => s.array(|s| {
                        if let Some(t) = s.opt_string()? {
                            f.access.push(t);
                        }
                        Some(())
                    })?,
                    _ => return None,
                }
            }
            _ => s.skip()?,
        }
        Some(())
    })
}

/// A geometry object: (is a MultiPolygon, the polygons' rings).
fn geometry_member(s: &mut Fast<'_>) -> Option<(bool, Vec<Vec<LineString<f64>>>)> {
    let mut multi: Option<bool> = None;
    // Where `coordinates` starts when it comes before `type` (read once the type is known).
    let mut later: Option<usize> = None;
    let mut parts = None;
    s.object(|s, key| match key {
        "type" => {
            if multi.is_some() {
                return None;
            }
            multi = Some(match s.string()? {
                "Polygon" => false,
                "MultiPolygon" => true,
                _ => return None,
            });
            Some(())
        }
        "coordinates" => {
            if parts.is_some() || later.is_some() {
                return None;
            }
            match multi {
                Some(m) => parts = Some(s.coordinates(m)?),
                None => {
                    s.ws();
                    later = Some(s.i);
                    s.skip()?;
                }
            }
            Some(())
        }
        _ => s.skip(),
    })?;
    let multi = multi?;
    if let Some(at) = later {
        let end = s.i;
        s.i = at;
        parts = Some(s.coordinates(multi)?);
        s.i = end;
    }
    Some((multi, parts?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_the_standard_library_exactly() {
        // Correct rounding: every decimal reads to the same f64 as Rust's own parser.
        let samples = [
            "67.35244",
            "24.809977",
            "-0.0",
            "1e-7",
            "67.30000000000001",
            "24.7999999999999972",
            "0.1",
            "179.99999999999997",
            "2.2250738585072014e-308",
            "67",
            "-180",
        ];
        for s in samples {
            let rings = polygon_rings(&format!("[[[{s},{s}],[1,2],[{s},{s}],[{s},{s}]]]")).unwrap();
            let want: f64 = s.parse().unwrap();
            assert_eq!(rings[0].0[0].x.to_bits(), want.to_bits(), "{s}");
        }
    }

    #[test]
    fn structure_errors_name_what_was_expected() {
        let cases = [
            ("[[[\"67\",24]]]", "invalid type: string, expected a number"),
            (
                "[[[[[67,24]]]]]",
                "invalid type: sequence, expected a number",
            ),
            ("[[67,24]]", "invalid type: number, expected a position"),
            ("[[[67]]]", "a position has 1 number"),
            ("[[[]]]", "a position has 0 numbers"),
            ("[[[1e999,1]]]", "number out of range"),
            ("[[[67,24] [1,2]]]", "expected `,` or `]`"),
            ("{\"a\":1}", "invalid type: map, expected an array of rings"),
            ("[[[67,null]]]", "invalid type: null, expected a number"),
        ];
        for (text, want) in cases {
            let e = polygon_rings(text).unwrap_err();
            assert!(e.message.contains(want), "{text}: {}", e.message);
        }
        let e = polygon_rings("[[[67,24],\n [68,\"x\"]]]").unwrap_err();
        assert_eq!(e.offset, 16);
    }

    #[test]
    fn fast_numbers_match_the_standard_library_exactly() {
        // Seeded decimals of every length around the fast path's limits (2^53, 19 digits,
        // 22 decimals), with and without exponents, against Rust's own correctly rounded
        // parser, bit for bit; and what JSON forbids is refused.
        let mut rng = crate::util::Rng::new(7);
        let digit_run = |rng: &mut crate::util::Rng, n: usize| -> String {
            (0..n)
                .map(|_| char::from(b'0' + rng.below(10) as u8))
                .collect()
        };
        let mut cases: Vec<String> = [
            "0",
            "-0",
            "-0.0",
            "9007199254740992",
            "9007199254740993",
            "0.9007199254740993",
            "1.0000000000000000000001",
            "0.0000000000000000000001",
            "179.99999999999997",
            "24.780163559847303",
            "67.29980240465952",
            "1e-7",
            "-2.5E+3",
            "10000000000000000000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        for _ in 0..20_000 {
            let int = match rng.below(3) {
                0 => "0".to_string(),
                _ => {
                    let (lead, n) = (1 + rng.below(9), rng.below(18));
                    format!("{lead}{}", digit_run(&mut rng, n))
                }
            };
            let mut s = if rng.below(2) == 0 {
                format!("-{int}")
            } else {
                int
            };
            if rng.below(4) != 0 {
                let n = 1 + rng.below(24);
                s = format!("{s}.{}", digit_run(&mut rng, n));
            }
            if rng.below(5) == 0 {
                s = format!("{s}e{}{}", ["", "+", "-"][rng.below(3)], rng.below(30));
            }
            cases.push(s);
        }
        for s in &cases {
            let want: f64 = s.parse().unwrap();
            // Alone, and followed by more bytes (so that runs of eight digits are read
            // word by word up to the end).
            for text in [s.clone(), format!("{s}]]]]]]]],1")] {
                let mut f = Fast {
                    t: &text,
                    b: text.as_bytes(),
                    i: 0,
                };
                let got = f.number().unwrap_or_else(|| panic!("{s}"));
                assert_eq!(got.to_bits(), want.to_bits(), "{s}");
                assert_eq!(f.i, s.len(), "{s}");
            }
        }
        // Every byte next to the digits breaks a run of eight where it stands.
        for c in 0..=255u8 {
            for at in 0..8 {
                let mut text = b"12345678".to_vec();
                text[at] = c;
                let (mut j, mut m) = (0, 0);
                let n = eat_digits(&text, &mut j, &mut m);
                let want = text.iter().take_while(|b| b.is_ascii_digit()).count();
                assert_eq!((n, j), (want, want), "{text:?}");
                let digits = std::str::from_utf8(&text[..want]).unwrap();
                assert_eq!(m, digits.parse::<u64>().unwrap_or(0), "{text:?}");
            }
        }
        for s in ["-", "1.", ".5", "+1", "1e", "1e+", "-.5", "x"] {
            let mut f = Fast {
                t: s,
                b: s.as_bytes(),
                i: 0,
            };
            let whole = f.number().is_some() && f.i == s.len();
            assert!(!whole, "{s}");
        }
    }

    #[test]
    fn multipolygons_and_empties() {
        let parts =
            multipolygon_rings("[ [[[0,0],[1,0],[1,1],[0,0]]] , [[[2,2],[3,2],[3,3],[2,2]],[]] ]")
                .unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[1].len(), 2);
        assert!(parts[1][1].0.is_empty());
        assert!(multipolygon_rings("[]").unwrap().is_empty());
        assert!(polygon_rings("[]").unwrap().is_empty());
    }
}
