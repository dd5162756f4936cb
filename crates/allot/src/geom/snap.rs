//! Snapping the results of boolean operations back onto the input vertices they came from.

use geo::{Coord, Line, LineString, MultiPolygon, Polygon, Rect};

use crate::geom::ring::rings;
use crate::geom::segment::{point_segment_distance, projection_t};

/// The grid i_overlay snaps to is at most (extent / 2³⁰); four steps is a safe snapping radius.
pub(crate) fn snap_tolerance(extent: Rect<f64>) -> f64 {
    let w = extent.width().max(extent.height()).max(1e-9);
    w / (1u64 << 28) as f64
}

/// Input vertices, sorted by x, for snapping.
pub(crate) struct Vertices(pub(crate) Vec<Coord<f64>>);

impl Vertices {
    pub(crate) fn of<'a>(geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>) -> Self {
        let mut v: Vec<Coord<f64>> = geoms
            .into_iter()
            .flat_map(|g| g.0.iter())
            .flat_map(rings)
            .flat_map(|r| r.0.iter().copied())
            .collect();
        v.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        v.dedup();
        Vertices(v)
    }

    /// [`Vertices::of`] keeping only the vertices inside `within` (edges included): the same
    /// answers as the whole set for every query whose reach (the point or segment's box grown
    /// by the tolerance) lies inside `within`, without sorting the rest.
    pub(crate) fn of_within<'a>(
        geoms: impl IntoIterator<Item = &'a MultiPolygon<f64>>,
        within: Rect<f64>,
    ) -> Self {
        let (lo, hi) = (within.min(), within.max());
        let mut v: Vec<Coord<f64>> = geoms
            .into_iter()
            .flat_map(|g| g.0.iter())
            .flat_map(rings)
            .flat_map(|r| r.0.iter().copied())
            .filter(|c| c.x >= lo.x && c.x <= hi.x && c.y >= lo.y && c.y <= hi.y)
            .collect();
        v.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        v.dedup();
        Vertices(v)
    }

    /// The input vertex nearest `c` within `tol` (Chebyshev distance), if any.
    pub(crate) fn nearest(&self, c: Coord<f64>, tol: f64) -> Option<Coord<f64>> {
        let lo = self.0.partition_point(|v| v.x < c.x - tol);
        let mut best: Option<(f64, Coord<f64>)> = None;
        for v in &self.0[lo..] {
            if v.x > c.x + tol {
                break;
            }
            let d = (v.x - c.x).abs().max((v.y - c.y).abs());
            if d <= tol && best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, *v));
            }
        }
        best.map(|b| b.1)
    }

    /// Input vertices within `tol` of the inside of `seg` (not its ends), with their position
    /// along it in `(0, 1)`.
    fn on_segment(&self, seg: &Line<f64>, tol: f64) -> Vec<(f64, Coord<f64>)> {
        let (x0, x1) = (seg.start.x.min(seg.end.x), seg.start.x.max(seg.end.x));
        let (y0, y1) = (seg.start.y.min(seg.end.y), seg.start.y.max(seg.end.y));
        let d = seg.end - seg.start;
        let len2 = d.x * d.x + d.y * d.y;
        if len2 == 0.0 {
            return Vec::new();
        }
        let lo = self.0.partition_point(|v| v.x < x0 - tol);
        self.0[lo..]
            .iter()
            .take_while(|v| v.x <= x1 + tol)
            .filter(|v| v.y >= y0 - tol && v.y <= y1 + tol)
            .filter(|&&v| v != seg.start && v != seg.end)
            .filter_map(|&v| {
                let t = projection_t(v, seg.start, seg.end)?;
                let near_end = (v.x - seg.start.x).abs().max((v.y - seg.start.y).abs()) <= tol
                    || (v.x - seg.end.x).abs().max((v.y - seg.end.y).abs()) <= tol;
                (t > 0.0 && t < 1.0 && !near_end && point_segment_distance(v, seg) <= tol)
                    .then_some((t, v))
            })
            .collect()
    }
}

/// Snaps each vertex to the nearest input vertex within `tol`, then puts back the input
/// vertices lying on an edge (boolean operations drop vertices that are collinear in lon/lat,
/// but an edge through a vertex is not the same geodesic as the edge without it).
pub(crate) fn snap_polygon(p: &Polygon<f64>, sources: &[&Vertices], tol: f64) -> Polygon<f64> {
    let snap_ring = |r: &LineString<f64>| {
        let snapped: Vec<Coord<f64>> =
            r.0.iter()
                .map(|&c| {
                    sources
                        .iter()
                        .filter_map(|s| s.nearest(c, tol))
                        .min_by(|a, b| {
                            let da = (a.x - c.x).abs().max((a.y - c.y).abs());
                            let db = (b.x - c.x).abs().max((b.y - c.y).abs());
                            da.total_cmp(&db)
                        })
                        .unwrap_or(c)
                })
                .fold(Vec::with_capacity(r.0.len()), |mut v, c| {
                    if v.last() != Some(&c) {
                        v.push(c);
                    }
                    v
                });
        let mut out = Vec::with_capacity(snapped.len());
        for w in snapped.windows(2) {
            out.push(w[0]);
            let seg = Line::new(w[0], w[1]);
            let mut on: Vec<(f64, Coord<f64>)> = sources
                .iter()
                .flat_map(|s| s.on_segment(&seg, tol))
                .collect();
            on.sort_by(|a, b| a.0.total_cmp(&b.0));
            on.dedup_by(|a, b| a.1 == b.1);
            out.extend(on.into_iter().map(|x| x.1));
        }
        if let Some(&last) = snapped.last() {
            out.push(last);
        }
        LineString(out)
    };
    Polygon::new(
        snap_ring(p.exterior()),
        p.interiors().iter().map(snap_ring).collect(),
    )
}

pub(crate) fn snap(g: &MultiPolygon<f64>, sources: &[&Vertices], tol: f64) -> MultiPolygon<f64> {
    MultiPolygon(g.0.iter().map(|p| snap_polygon(p, sources, tol)).collect())
}
