//! Ear clipping: a valid polygon's shell cut into triangles that tile it exactly, decided with
//! exact orientation predicates, so that a non-convex parcel can be clipped against as a few
//! convex pieces (the overlap bound of `prefilter.rs`).
//!
//! # Why the triangles tile the ring
//! Let the ring be simple (a valid polygon's shell: no self-intersection, no vertex on another
//! edge), counter-clockwise. A vertex `c` between `p` and `n` whose turn is counter-clockwise,
//! with no other remaining vertex in the closed triangle `p c n`, is an ear: no edge can cross
//! the triangle without a vertex inside it (it cannot cross `p c` or `c n`, edges of a simple
//! ring, nor cross `p n` twice, nor pass through `p` or `n`, which a simple ring's edges do not
//! touch), so `p n` is a diagonal, the triangle lies inside the ring, and the ring without `c`
//! is simple and encloses the rest. A vertex going straight on (collinear, not doubling back)
//! is dropped without a triangle: its two edges are one segment. Every test is
//! `RobustKernel::orient2d` on the input coordinates, so no rounding can make a wrong ear;
//! when no ear is found (a ring that is not simple after all) the function says so and the
//! caller takes another path.

use geo::Coord;
use geo::algorithm::kernels::{Kernel, Orientation, RobustKernel};

/// Rings with more vertices than this are not clipped (the search is quadratic per ear).
pub(crate) const MAX_EAR_CLIP_VERTICES: usize = 96;

/// Cuts the simple ring `pts` (distinct consecutive vertices, not closed, counter-clockwise)
/// into triangles, each counter-clockwise, written into `out` as vertex triples; `work` is
/// scratch space. Returns `false` (and leaves `out` unspecified) when the ring has more than
/// [`MAX_EAR_CLIP_VERTICES`] vertices or no ear is found at some step (a ring that is not
/// simple, or clockwise).
pub(crate) fn ear_clip(
    pts: &[Coord<f64>],
    out: &mut Vec<[Coord<f64>; 3]>,
    work: &mut Vec<u32>,
) -> bool {
    out.clear();
    let n = pts.len();
    if !(3..=MAX_EAR_CLIP_VERTICES).contains(&n) {
        return false;
    }
    work.clear();
    work.extend(0..n as u32);
    let at = |w: &[u32], k: usize| pts[w[k] as usize];
    let mut start = 0usize;
    while work.len() > 3 {
        let m = work.len();
        let mut found = false;
        for step in 0..m {
            let k = (start + step) % m;
            let (p, c, nx) = (
                at(work, (k + m - 1) % m),
                at(work, k),
                at(work, (k + 1) % m),
            );
            match RobustKernel::orient2d(p, c, nx) {
                Orientation::Collinear => {
                    // Straight on: one segment; doubling back: not a simple ring.
                    let (u, v) = (c - p, nx - c);
                    if u.x * v.x + u.y * v.y <= 0.0 {
                        return false;
                    }
                }
                Orientation::Clockwise => continue,
                Orientation::CounterClockwise => {
                    let blocked = (0..m).any(|q| {
                        if q == k || q == (k + m - 1) % m || q == (k + 1) % m {
                            return false;
                        }
                        let v = at(work, q);
                        RobustKernel::orient2d(p, c, v) != Orientation::Clockwise
                            && RobustKernel::orient2d(c, nx, v) != Orientation::Clockwise
                            && RobustKernel::orient2d(nx, p, v) != Orientation::Clockwise
                    });
                    if blocked {
                        continue;
                    }
                    out.push([p, c, nx]);
                }
            }
            work.remove(k);
            start = k % work.len();
            found = true;
            break;
        }
        if !found {
            return false;
        }
    }
    let (p, c, nx) = (at(work, 0), at(work, 1), at(work, 2));
    match RobustKernel::orient2d(p, c, nx) {
        Orientation::CounterClockwise => out.push([p, c, nx]),
        Orientation::Clockwise => return false,
        Orientation::Collinear => {}
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::Rng;

    fn coords(v: &[(f64, f64)]) -> Vec<Coord<f64>> {
        v.iter().map(|&(x, y)| Coord { x, y }).collect()
    }

    fn twice_area(t: &[Coord<f64>]) -> f64 {
        (0..t.len())
            .map(|k| {
                let (a, b) = (t[k], t[(k + 1) % t.len()]);
                a.x * b.y - b.x * a.y
            })
            .sum()
    }

    /// A point strictly inside a triangle, by exact orientation.
    fn strictly_in(t: &[Coord<f64>; 3], v: Coord<f64>) -> bool {
        (0..3).all(|k| {
            RobustKernel::orient2d(t[k], t[(k + 1) % 3], v) == Orientation::CounterClockwise
        })
    }

    /// Triangles tile the ring: their areas add up to the ring's, each is counter-clockwise,
    /// and no seeded random point lies strictly inside two of them or inside one but outside
    /// the ring (crossing number).
    fn check_tiles(ring: &[Coord<f64>], tris: &[[Coord<f64>; 3]], rng: &mut Rng) {
        let total: f64 = tris.iter().map(|t| twice_area(t)).sum();
        let want = twice_area(ring);
        assert!(
            (total - want).abs() <= 1e-9 * want.abs(),
            "{total} vs {want}"
        );
        for t in tris {
            assert!(twice_area(t) > 0.0);
        }
        let (lo_x, hi_x) = ring
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), c| (l.min(c.x), h.max(c.x)));
        let (lo_y, hi_y) = ring
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), c| (l.min(c.y), h.max(c.y)));
        for _ in 0..2000 {
            let v = Coord {
                x: lo_x + (hi_x - lo_x) * rng.unit(),
                y: lo_y + (hi_y - lo_y) * rng.unit(),
            };
            let hits = tris.iter().filter(|t| strictly_in(t, v)).count();
            assert!(hits <= 1);
            if hits == 1 {
                let mut inside = false;
                for k in 0..ring.len() {
                    let (a, b) = (ring[k], ring[(k + 1) % ring.len()]);
                    if (a.y > v.y) != (b.y > v.y)
                        && v.x < a.x + (v.y - a.y) / (b.y - a.y) * (b.x - a.x)
                    {
                        inside = !inside;
                    }
                }
                assert!(inside, "{v:?}");
            }
        }
    }

    #[test]
    fn notched_square_and_l_shape_tile_exactly() {
        let mut rng = Rng::new(5);
        let (mut out, mut work) = (Vec::new(), Vec::new());
        let notch = coords(&[(0., 0.), (4., 0.), (4., 4.), (2., 2.), (0., 4.)]);
        assert!(ear_clip(&notch, &mut out, &mut work));
        // (0,0), (2,2) and (4,4) are collinear: once (4,4) is cut off, (2,2) goes straight on.
        assert_eq!(out.len(), 2);
        check_tiles(&notch, &out, &mut rng);
        // An L with a straight-on vertex on its long side.
        let l = coords(&[
            (0., 0.),
            (2., 0.),
            (4., 0.),
            (4., 1.),
            (1., 1.),
            (1., 3.),
            (0., 3.),
        ]);
        assert!(ear_clip(&l, &mut out, &mut work));
        assert_eq!(out.len(), 4);
        check_tiles(&l, &out, &mut rng);
        // Clockwise: refused. A doubling-back spike: refused.
        let cw: Vec<_> = notch.iter().rev().copied().collect();
        assert!(!ear_clip(&cw, &mut out, &mut work));
        let spike = coords(&[(0., 0.), (4., 0.), (6., 0.), (4., 0.), (4., 4.), (0., 4.)]);
        assert!(!ear_clip(&spike, &mut out, &mut work));
    }

    /// Seeded random star-shaped rings (simple by construction, 5–40 vertices, some nearly
    /// collinear): always clipped, and the triangles tile the ring.
    #[test]
    fn random_star_rings_tile_exactly() {
        let mut rng = Rng::new(11);
        let (mut out, mut work) = (Vec::new(), Vec::new());
        for _ in 0..300 {
            let n = 5 + (rng.unit() * 36.0) as usize;
            let ring: Vec<Coord<f64>> = (0..n)
                .map(|k| {
                    let a = std::f64::consts::TAU * (k as f64 + 0.3 * rng.unit()) / n as f64;
                    let r = 0.3 + rng.unit();
                    Coord {
                        x: 67.0 + 1e-3 * r * a.cos(),
                        y: 24.8 + 1e-3 * r * a.sin(),
                    }
                })
                .collect();
            assert!(ear_clip(&ring, &mut out, &mut work));
            check_tiles(&ring, &out, &mut rng);
        }
    }
}
