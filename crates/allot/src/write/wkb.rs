//! Well-Known Binary (little-endian, 2D) of the geometries allot writes, and the GeoPackage
//! geometry blob (OGC 12-128r18 §2.1.3: magic `GP`, version 0, flags, SRS id, an XY envelope,
//! then the WKB).

use geo::{Coord, MultiPolygon};

use super::layer::LayerGeometry;

fn ring(out: &mut Vec<u8>, r: &geo::LineString<f64>) {
    out.extend((r.0.len() as u32).to_le_bytes());
    for c in &r.0 {
        out.extend(c.x.to_le_bytes());
        out.extend(c.y.to_le_bytes());
    }
}

fn polygon(out: &mut Vec<u8>, p: &geo::Polygon<f64>) {
    out.push(1);
    out.extend(3u32.to_le_bytes());
    out.extend((1 + p.interiors().len() as u32).to_le_bytes());
    ring(out, p.exterior());
    for h in p.interiors() {
        ring(out, h);
    }
}

/// The WKB of a geometry: a Polygon when a multipolygon has one part and `multi` is false,
/// else a MultiPolygon; a Point.
pub fn wkb(g: &LayerGeometry, multi: bool) -> Vec<u8> {
    let mut out = Vec::new();
    match g {
        LayerGeometry::Point(c) => {
            out.push(1);
            out.extend(1u32.to_le_bytes());
            out.extend(c.x.to_le_bytes());
            out.extend(c.y.to_le_bytes());
        }
        LayerGeometry::Polygons(m) if m.0.len() == 1 && !multi => polygon(&mut out, &m.0[0]),
        LayerGeometry::Polygons(m) => {
            out.push(1);
            out.extend(6u32.to_le_bytes());
            out.extend((m.0.len() as u32).to_le_bytes());
            for p in &m.0 {
                polygon(&mut out, p);
            }
        }
    }
    out
}

/// The XY envelope (min x, max x, min y, max y) of a geometry's points.
pub fn envelope(g: &LayerGeometry) -> [f64; 4] {
    let mut e = [
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ];
    let mut add = |c: &Coord<f64>| {
        e[0] = e[0].min(c.x);
        e[1] = e[1].max(c.x);
        e[2] = e[2].min(c.y);
        e[3] = e[3].max(c.y);
    };
    match g {
        LayerGeometry::Point(c) => add(c),
        LayerGeometry::Polygons(MultiPolygon(ps)) => {
            for p in ps {
                p.exterior().0.iter().for_each(&mut add);
            }
        }
    }
    e
}

/// A GeoPackage geometry blob: header with the XY envelope, then little-endian WKB.
pub fn gpkg_blob(g: &LayerGeometry, srs_id: i32, multi: bool) -> Vec<u8> {
    // Flags: bit 0 little-endian, bits 1-3 envelope type 1 (XY).
    let mut out = vec![b'G', b'P', 0, 0b0000_0011];
    out.extend(srs_id.to_le_bytes());
    for v in envelope(g) {
        out.extend(v.to_le_bytes());
    }
    out.extend(wkb(g, multi));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::formats::SourceGeometry;

    #[test]
    fn the_reader_reads_back_what_is_written() {
        let ring = |pts: &[(f64, f64)]| {
            geo::LineString(pts.iter().map(|&(x, y)| Coord { x, y }).collect())
        };
        let m = MultiPolygon(vec![geo::Polygon::new(
            ring(&[(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 0.0)]),
            vec![ring(&[(1.0, 1.0), (2.0, 1.0), (2.0, 1.5), (1.0, 1.0)])],
        )]);
        let g = LayerGeometry::Polygons(m.clone());
        let rings = |p: &geo::Polygon<f64>| {
            std::iter::once(p.exterior())
                .chain(p.interiors())
                .map(|r| r.0.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            crate::read::formats::wkb_parse(&wkb(&g, false)).unwrap(),
            SourceGeometry::Polygon(rings(&m.0[0]))
        );
        assert_eq!(
            crate::read::formats::wkb_parse(&wkb(&g, true)).unwrap(),
            SourceGeometry::MultiPolygon(vec![rings(&m.0[0])])
        );
        let blob = gpkg_blob(&g, 32642, false);
        assert_eq!(&blob[..4], b"GP\0\x03");
        assert_eq!(i32::from_le_bytes(blob[4..8].try_into().unwrap()), 32642);
        let env: Vec<f64> = (0..4)
            .map(|k| f64::from_le_bytes(blob[8 + 8 * k..16 + 8 * k].try_into().unwrap()))
            .collect();
        assert_eq!(env, [0.0, 4.0, 0.0, 4.0]);
    }
}
