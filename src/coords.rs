//! A fast, strict scanner for GeoJSON polygon coordinates.
//!
//! The reader hands it the raw text of a `coordinates` member (already known to be valid JSON)
//! and gets back rings of `Coord`s without any intermediate allocation per position. Numbers go
//! through `fast-float2` (correctly rounded, like serde_json's `float_roundtrip`), so a vertex
//! written by any tool reads back to the same `f64`. The grammar is fixed (positions at depth 3
//! for a Polygon, 4 for a MultiPolygon), so nesting cannot recurse without bound.

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

    fn rings(&mut self) -> Result<Vec<LineString<f64>>, ScanError> {
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
/// let rings = allot::coords::polygon_rings("[[[67, 24.5, 3], [68, 24], [67, 24.5]]]").unwrap();
/// assert_eq!(rings[0].0[0], geo::coord! { x: 67.0, y: 24.5 });
/// let e = allot::coords::polygon_rings("[[[67]]]").unwrap_err();
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
