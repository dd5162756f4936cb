//! Well-Known Binary polygons (as GeoPackage stores them after its own header).
//!
//! Reads Polygon and MultiPolygon in both byte orders, with Z, M or ZM in ISO (1003, 2003,
//! 3003, …) or old-style (0x80000000 / 0x40000000 flag) codes; Z and M are dropped. Other
//! types are named, not read. Every count is checked against the bytes left, so a corrupt
//! blob is an error, never a huge allocation or a panic.

use geo::Coord;

use super::{Rings, SourceGeometry};

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end = end.ok_or_else(|| {
            format!(
                "WKB geometry is truncated (needs {n} more bytes at offset {} of {})",
                self.pos,
                self.bytes.len()
            )
        })?;
        let s = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn u32(&mut self, le: bool) -> Result<u32, String> {
        let b: [u8; 4] = self.take(4)?.try_into().map_err(|_| "short read")?;
        Ok(if le {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, le: bool) -> Result<f64, String> {
        let b: [u8; 8] = self.take(8)?.try_into().map_err(|_| "short read")?;
        Ok(if le {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn byte_order(&mut self) -> Result<bool, String> {
        match self.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(format!("WKB byte-order flag is {b}, not 0 or 1")),
        }
    }
}

/// The number in the first 8 bytes of `p` (at least 8 long).
fn f64_at(p: &[u8], le: bool) -> f64 {
    match p.first_chunk::<8>() {
        Some(b) if le => f64::from_le_bytes(*b),
        Some(b) => f64::from_be_bytes(*b),
        None => f64::NAN,
    }
}

/// Splits a WKB type code into the base type (1–7…) and the number of ordinates per point.
fn split_type(code: u32) -> (u32, usize) {
    let (mut z, mut m) = (code & 0x8000_0000 != 0, code & 0x4000_0000 != 0);
    let iso = code & 0x0FFF_FFFF;
    let base = iso % 1000;
    match iso / 1000 {
        1 => z = true,
        2 => m = true,
        3 => (z, m) = (true, true),
        _ => {}
    }
    (base, 2 + usize::from(z) + usize::from(m))
}

fn type_name(base: u32) -> String {
    match base {
        1 => "Point".into(),
        2 => "LineString".into(),
        4 => "MultiPoint".into(),
        5 => "MultiLineString".into(),
        7 => "GeometryCollection".into(),
        8..=17 => "curve or surface geometry (CircularString, CurvePolygon, …)".into(),
        other => format!("geometry of unknown WKB type {other}"),
    }
}

fn polygon_body(c: &mut Cursor<'_>, le: bool, dims: usize) -> Result<Rings, String> {
    let n_rings = c.u32(le)? as usize;
    if n_rings > c.bytes.len() / 4 {
        return Err(format!(
            "WKB polygon claims {n_rings} rings; the blob is too short"
        ));
    }
    let mut rings = Vec::with_capacity(n_rings);
    for _ in 0..n_rings {
        let n = c.u32(le)? as usize;
        if n > c.bytes.len() / (8 * dims) {
            return Err(format!("WKB ring claims {n} points; the blob is too short"));
        }
        let point = 8 * dims;
        if c.bytes.len() - c.pos >= n * point {
            // Every point is there: read them from one slice, without a check per number.
            let body = c.take(n * point)?;
            rings.push(
                body.chunks_exact(point)
                    .map(|p| Coord {
                        x: f64_at(p, le),
                        y: f64_at(&p[8..], le),
                    })
                    .collect(),
            );
            continue;
        }
        // A ring cut short: read up to the cut, which names it.
        let mut ring = Vec::with_capacity(n);
        for _ in 0..n {
            let x = c.f64(le)?;
            let y = c.f64(le)?;
            for _ in 2..dims {
                c.f64(le)?;
            }
            ring.push(Coord { x, y });
        }
        rings.push(ring);
    }
    Ok(rings)
}

/// Parses a WKB Polygon or MultiPolygon.
pub fn parse(bytes: &[u8]) -> Result<SourceGeometry, String> {
    let mut c = Cursor { bytes, pos: 0 };
    let le = c.byte_order()?;
    let (base, dims) = split_type(c.u32(le)?);
    match base {
        3 => Ok(SourceGeometry::Polygon(polygon_body(&mut c, le, dims)?)),
        6 => {
            let n = c.u32(le)? as usize;
            if n > bytes.len() / 9 {
                return Err(format!(
                    "WKB multipolygon claims {n} parts; the blob is too short"
                ));
            }
            let mut polys = Vec::with_capacity(n);
            for _ in 0..n {
                let le = c.byte_order()?;
                let (b, d) = split_type(c.u32(le)?);
                if b != 3 {
                    return Err(format!("a MultiPolygon part is a {}", type_name(b)));
                }
                polys.push(polygon_body(&mut c, le, d)?);
            }
            Ok(SourceGeometry::MultiPolygon(polys))
        }
        other => Ok(SourceGeometry::Other(type_name(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly_le(code: u32, dims: usize, ring: &[(f64, f64)]) -> Vec<u8> {
        let mut b = vec![1];
        b.extend(code.to_le_bytes());
        b.extend(1u32.to_le_bytes());
        b.extend((ring.len() as u32).to_le_bytes());
        for (x, y) in ring {
            b.extend(x.to_le_bytes());
            b.extend(y.to_le_bytes());
            for _ in 2..dims {
                b.extend(9.0f64.to_le_bytes());
            }
        }
        b
    }

    const RING: [(f64, f64); 4] = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)];

    #[test]
    fn reads_2d_z_m_zm_and_old_style_z_alike() {
        let want =
            SourceGeometry::Polygon(vec![RING.iter().map(|&(x, y)| Coord { x, y }).collect()]);
        for (code, dims) in [(3, 2), (1003, 3), (2003, 3), (3003, 4), (0x8000_0003, 3)] {
            assert_eq!(parse(&poly_le(code, dims, &RING)).unwrap(), want, "{code}");
        }
    }

    #[test]
    fn reads_big_endian_multipolygons() {
        let mut b = vec![0];
        b.extend(6u32.to_be_bytes());
        b.extend(1u32.to_be_bytes());
        b.push(0);
        b.extend(3u32.to_be_bytes());
        b.extend(1u32.to_be_bytes());
        b.extend(4u32.to_be_bytes());
        for (x, y) in RING {
            b.extend(x.to_be_bytes());
            b.extend(y.to_be_bytes());
        }
        let SourceGeometry::MultiPolygon(p) = parse(&b).unwrap() else {
            panic!("not a multipolygon")
        };
        assert_eq!(p[0][0][2], Coord { x: 1.0, y: 1.0 });
    }

    #[test]
    fn truncated_or_lying_blobs_are_errors() {
        let full = poly_le(3, 2, &RING);
        for cut in 0..full.len() {
            assert!(parse(&full[..cut]).is_err(), "cut at {cut}");
        }
        let mut lying = full.clone();
        lying[9..13].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse(&lying).unwrap_err().contains("too short"));
        let mut point = vec![1];
        point.extend(1u32.to_le_bytes());
        assert_eq!(
            parse(&point).unwrap(),
            SourceGeometry::Other("Point".into())
        );
    }
}
