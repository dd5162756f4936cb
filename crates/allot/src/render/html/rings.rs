//! The parcels' rings as the interactive HTML map's data carries them: one short string per
//! parcel, which the page's script (`map.js`, `rings()`) decodes when it needs the shape (to find
//! the parcel under the pointer, to draw a highlight).
//!
//! Encoding: every ring's points in whole tenths of a pixel of the drawing (as the map's own
//! paths round them, [`geom::ring_tenths`]), each coordinate written as its step from the one
//! before (the first point of the first ring from 0, 0; each ring after from the last point of
//! the ring before), each step zigzagged (0, −1, 1, −2, … → 0, 1, 2, 3, …) and written 5 bits to
//! a digit, low bits first, with 32 added to every digit but a number's last; digits are the 64
//! characters of base64url (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`). Rings are separated by a
//! space. None of these characters needs escaping in JSON or HTML, and a parcel's step is
//! usually one or two digits, where the decimal array it replaces (`[123456,78901,…]`) took
//! six or seven characters per coordinate and a number for the browser to parse.
//!
//! Shells and holes alike, shells counter-clockwise: the script's point-in-parcel test is
//! even-odd.

use geo::MultiPolygon;

use crate::render::{Projection, geom};

/// The digits, by value.
const DIGITS: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Appends one integer: zigzagged, then 5 bits a digit, low bits first, +32 on all but the last.
fn push_int(out: &mut String, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    loop {
        let low = (z & 31) as usize;
        z >>= 5;
        if z == 0 {
            out.push(DIGITS[low] as char);
            return;
        }
        out.push(DIGITS[low | 32] as char);
    }
}

/// Appends a parcel's rings (shells and holes) in the map's pixels to `out`, encoded as the
/// module says. Writes nothing for a parcel with no ring of 3 distinct points.
pub fn push_rings(out: &mut String, g: &MultiPolygon<f64>, proj: &Projection) {
    let (mut px, mut py) = (0i64, 0i64);
    let mut first = true;
    for poly in &g.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            let Some(q) = geom::ring_tenths(ring, proj, true) else {
                continue;
            };
            if !first {
                out.push(' ');
            }
            first = false;
            for (x, y) in q {
                push_int(out, x - px);
                push_int(out, y - py);
                (px, py) = (x, y);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoder written from the module's description (the script's `rings()` does the same).
    fn decode(s: &str) -> Vec<Vec<(i64, i64)>> {
        let value = |c: u8| DIGITS.iter().position(|&d| d == c).unwrap() as u64;
        let (mut px, mut py) = (0i64, 0i64);
        s.split(' ')
            .filter(|r| !r.is_empty())
            .map(|r| {
                let mut nums = Vec::new();
                let (mut z, mut shift) = (0u64, 0);
                for c in r.bytes() {
                    let d = value(c);
                    z |= (d & 31) << shift;
                    shift += 5;
                    if d < 32 {
                        nums.push((z >> 1) as i64 ^ -((z & 1) as i64));
                        (z, shift) = (0, 0);
                    }
                }
                assert_eq!(shift, 0, "a number was cut short");
                nums.chunks(2)
                    .map(|c| {
                        px += c[0];
                        py += c[1];
                        (px, py)
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn integers_zigzag_into_base64url_digits() {
        let enc = |v: i64| {
            let mut s = String::new();
            push_int(&mut s, v);
            s
        };
        // 0 → 0 → "A"; -1 → 1 → "B"; 1 → 2 → "C"; 15 → 30 → "e"; -16 → 31 → "f".
        assert_eq!(enc(0), "A");
        assert_eq!(enc(-1), "B");
        assert_eq!(enc(1), "C");
        assert_eq!(enc(15), "e");
        assert_eq!(enc(-16), "f");
        // 16 → 32 = 0 + 1·32: digits 0+32 ("g"), then 1 ("B").
        assert_eq!(enc(16), "gB");
        // 1000 → 2000 = 16 + 30·32 + 1·1024: digits 16+32 ("w"), 30+32 ("-"), 1 ("B").
        assert_eq!(enc(1000), "w-B");
    }

    #[test]
    fn rings_round_trip_through_the_decoder_with_holes_and_parts() {
        // A square with a square hole, and a second, far square; the projection is 1 px per
        // 0.001°, so points land on whole tenths.
        let proj = Projection {
            lon0: 0.0,
            lat0: 0.0,
            x0: 500.0,
            y0: 500.0,
            px_per_deg_lon: 1000.0,
            px_per_deg_lat: 1000.0,
        };
        let sq = |x0: f64, y0: f64, s: f64| {
            geo::LineString::from(vec![
                (x0, y0),
                (x0 + s, y0),
                (x0 + s, y0 + s),
                (x0, y0 + s),
                (x0, y0),
            ])
        };
        let g = MultiPolygon(vec![
            geo::Polygon::new(sq(0.0, 0.0, 0.1), vec![sq(0.02, 0.02, 0.03)]),
            geo::Polygon::new(sq(-0.4, 0.3, 0.05), vec![]),
        ]);
        let mut s = String::new();
        push_rings(&mut s, &g, &proj);
        let expected: Vec<Vec<(i64, i64)>> =
            g.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .map(|r| geom::ring_tenths(r, &proj, true).unwrap())
                .collect();
        assert_eq!(expected.len(), 3);
        // The first ring: (500, 500) px → 5000 tenths, 0.1° east → +100 px.
        assert_eq!(expected[0][0], (5000, 5000));
        assert_eq!(decode(&s), expected);
        assert!(
            s.bytes()
                .all(|b| b == b' ' || b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
}
