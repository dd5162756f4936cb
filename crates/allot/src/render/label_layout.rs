//! Where labels go: zone labels (name and area) and parcel labels at each shape's pole of
//! inaccessibility (the interior point farthest from the edge, found with `polylabel`), parcel
//! labels shrunk down to a readable minimum and turned along the long axis of long thin
//! parcels (roads, rail), and numbered call-outs for the labels that still do not fit.
//!
//! All geometry here is in map pixels. A label is an oriented box (centre, half sizes, angle);
//! it fits when its four corners' polygon lies inside the parcel and it keeps a small gap from
//! every label already placed (tested exactly with the separating-axis theorem, after an R-tree
//! look-up of the boxes' bounds). Zone labels are placed first and never refused.

use geo::{Contains, Coord, LineString, MinimumRotatedRect, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Rectangle};

use super::fonts::text_width_px;

/// Largest parcel label font size, pixels.
pub const MAX_SIZE: f64 = 10.0;
/// Smallest parcel label font size, pixels (4.5 pt at 96 dpi).
pub const MIN_SIZE: f64 = 6.0;
/// Line height of a label as a multiple of its font size (DejaVu Sans ascent + descent is
/// 1.164 em).
pub const LINE: f64 = 1.17;
/// Elongation (long side / short side of the minimum rotated rectangle) from which a parcel's
/// label turns along its long axis.
pub const THIN: f64 = 2.2;
/// Cap height of DejaVu Sans, in em (1493/2048).
pub const CAP: f64 = 0.729;
/// Radius of a call-out number's circle, pixels.
pub const CALLOUT_R: f64 = 6.0;
/// Gap kept between labels, pixels.
const GAP: f64 = 1.0;

/// An oriented box: centre, half width and half height, angle in degrees (clockwise on screen,
/// as SVG's `rotate`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OBox {
    /// Centre x.
    pub cx: f64,
    /// Centre y.
    pub cy: f64,
    /// Half width (along the text).
    pub hw: f64,
    /// Half height.
    pub hh: f64,
    /// Angle in degrees.
    pub angle: f64,
}

impl OBox {
    /// The four corners.
    pub fn corners(&self) -> [(f64, f64); 4] {
        let (s, c) = self.angle.to_radians().sin_cos();
        let ux = (c * self.hw, s * self.hw);
        let vy = (-s * self.hh, c * self.hh);
        [
            (self.cx - ux.0 - vy.0, self.cy - ux.1 - vy.1),
            (self.cx + ux.0 - vy.0, self.cy + ux.1 - vy.1),
            (self.cx + ux.0 + vy.0, self.cy + ux.1 + vy.1),
            (self.cx - ux.0 + vy.0, self.cy - ux.1 + vy.1),
        ]
    }

    /// Axis-aligned bounds `(x0, y0, x1, y1)`.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let c = self.corners();
        let xs = c.iter().map(|p| p.0);
        let ys = c.iter().map(|p| p.1);
        (
            xs.clone().fold(f64::INFINITY, f64::min),
            ys.clone().fold(f64::INFINITY, f64::min),
            xs.fold(f64::NEG_INFINITY, f64::max),
            ys.fold(f64::NEG_INFINITY, f64::max),
        )
    }

    fn grown(&self, g: f64) -> OBox {
        OBox {
            hw: self.hw + g,
            hh: self.hh + g,
            ..*self
        }
    }

    /// Whether two boxes overlap (separating-axis theorem; touching counts as overlap).
    pub fn overlaps(&self, other: &OBox) -> bool {
        let a = self.corners();
        let b = other.corners();
        for poly in [&a, &b] {
            for k in 0..2 {
                let (p, q) = (poly[k], poly[k + 1]);
                let axis = (q.1 - p.1, p.0 - q.0);
                let proj = |pts: &[(f64, f64); 4]| {
                    pts.iter()
                        .map(|v| v.0 * axis.0 + v.1 * axis.1)
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
                            (lo.min(x), hi.max(x))
                        })
                };
                let (a0, a1) = proj(&a);
                let (b0, b1) = proj(&b);
                if a1 < b0 || b1 < a0 {
                    return false;
                }
            }
        }
        true
    }

    fn polygon(&self) -> Polygon<f64> {
        let c = self.corners();
        let mut ring: Vec<Coord<f64>> = c.iter().map(|&(x, y)| Coord { x, y }).collect();
        ring.push(ring[0]);
        Polygon::new(LineString::from(ring), Vec::new())
    }
}

/// Labels placed so far, for collision tests.
pub struct Occupied {
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>>,
    boxes: Vec<OBox>,
}

impl Occupied {
    /// Nothing placed; `obstacles` (axis-aligned) are kept clear.
    pub fn new(obstacles: &[(f64, f64, f64, f64)]) -> Self {
        let mut o = Occupied {
            tree: RTree::new(),
            boxes: Vec::new(),
        };
        for &(x0, y0, x1, y1) in obstacles {
            o.insert(OBox {
                cx: (x0 + x1) / 2.0,
                cy: (y0 + y1) / 2.0,
                hw: (x1 - x0) / 2.0,
                hh: (y1 - y0) / 2.0,
                angle: 0.0,
            });
        }
        o
    }

    /// Whether `b`, grown by the gap, is clear of everything placed.
    pub fn is_free(&self, b: &OBox) -> bool {
        let g = b.grown(GAP);
        let (x0, y0, x1, y1) = g.bounds();
        let probe = rstar::AABB::from_corners([x0, y0], [x1, y1]);
        self.tree
            .locate_in_envelope_intersecting(&probe)
            .all(|r| !self.boxes[r.data].overlaps(&g))
    }

    /// Records `b` as placed.
    pub fn insert(&mut self, b: OBox) {
        let (x0, y0, x1, y1) = b.bounds();
        self.tree.insert(GeomWithData::new(
            Rectangle::from_corners([x0, y0], [x1, y1]),
            self.boxes.len(),
        ));
        self.boxes.push(b);
    }
}

/// The pole of inaccessibility of a pixel polygon and its distance to the edge.
pub fn pole(poly: &Polygon<f64>) -> Option<((f64, f64), f64)> {
    let p = polylabel::polylabel(poly, &0.5).ok()?;
    let (x, y) = (p.x(), p.y());
    if !x.is_finite() || !y.is_finite() {
        return None;
    }
    let mut d = f64::INFINITY;
    for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
        for l in ring.lines() {
            d = d.min(point_segment(x, y, l.start, l.end));
        }
    }
    Some(((x, y), d))
}

fn point_segment(x: f64, y: f64, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        (((x - a.x) * dx + (y - a.y) * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    ((x - a.x - t * dx).powi(2) + (y - a.y - t * dy).powi(2)).sqrt()
}

/// The long side of a polygon's minimum rotated rectangle (as a vector) and long / short.
fn long_axis(poly: &Polygon<f64>) -> Option<((f64, f64), f64)> {
    let rect = poly.exterior().minimum_rotated_rect()?;
    let c = &rect.exterior().0;
    if c.len() < 4 {
        return None;
    }
    let e1 = (c[1].x - c[0].x, c[1].y - c[0].y);
    let e2 = (c[2].x - c[1].x, c[2].y - c[1].y);
    let (l1, l2) = (e1.0.hypot(e1.1), e2.0.hypot(e2.1));
    let (long, lmin, lmax) = if l1 >= l2 { (e1, l2, l1) } else { (e2, l1, l2) };
    Some((
        long,
        if lmin > 0.0 {
            lmax / lmin
        } else {
            f64::INFINITY
        },
    ))
}

/// Long side / short side of a polygon's minimum rotated rectangle (1 for a square).
pub fn elongation(poly: &Polygon<f64>) -> f64 {
    long_axis(poly).map_or(1.0, |a| a.1)
}

/// The angle (degrees, in (-90, 90]) of a polygon's long axis when it is long and thin, else 0.
pub fn long_axis_angle(poly: &Polygon<f64>) -> f64 {
    let Some((long, ratio)) = long_axis(poly) else {
        return 0.0;
    };
    if ratio < THIN {
        return 0.0;
    }
    let mut a = long.1.atan2(long.0).to_degrees();
    while a > 90.0 {
        a -= 180.0;
    }
    while a <= -90.0 {
        a += 180.0;
    }
    // Nearly horizontal reads best flat.
    if a.abs() < 3.0 { 0.0 } else { a }
}

/// A label that found room on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    /// The parcel (index in the set).
    pub parcel: usize,
    /// The text.
    pub text: String,
    /// Font size, pixels.
    pub size: f64,
    /// Where it sits.
    pub bx: OBox,
}

/// A label moved to the call-out table: a number drawn at the parcel's pole.
#[derive(Debug, Clone, PartialEq)]
pub struct Callout {
    /// The parcel (index in the set).
    pub parcel: usize,
    /// The text the table shows.
    pub text: String,
    /// 1-based number, in reading order (top to bottom, then left to right).
    pub number: usize,
    /// Where the number is drawn.
    pub at: (f64, f64),
}

/// Offsets along the unit direction `dir` from `p` at which a box of half length `hw` might
/// fit in `poly`: 0 (the pole), then from the middle of the shape's extent along `dir`
/// outwards in 3 px steps (at most 25 offsets).
fn slide_offsets(poly: &Polygon<f64>, p: (f64, f64), dir: (f64, f64), hw: f64) -> Vec<f64> {
    let ts = poly
        .exterior()
        .0
        .iter()
        .map(|v| (v.x - p.0) * dir.0 + (v.y - p.1) * dir.1);
    let (t0, t1) = ts.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), t| {
        (a.min(t), b.max(t))
    });
    let mut out = vec![0.0];
    let (lo, hi) = (t0 + hw, t1 - hw);
    if lo <= hi {
        let mid = (lo + hi) / 2.0;
        out.push(mid);
        let mut k = 1.0;
        while out.len() < 25 && (mid - 3.0 * k >= lo || mid + 3.0 * k <= hi) {
            for t in [mid - 3.0 * k, mid + 3.0 * k] {
                if (lo..=hi).contains(&t) {
                    out.push(t);
                }
            }
            k += 1.0;
        }
    }
    out
}

/// Tries to fit `text` in `poly` near its pole: font sizes from [`MAX_SIZE`] down to
/// [`MIN_SIZE`], turned along the long axis of thin shapes, at the pole and then at points
/// along that axis.
pub fn fit_label(text: &str, poly: &Polygon<f64>, occupied: &Occupied) -> Option<(f64, OBox)> {
    let ((px, py), dist) = pole(poly)?;
    let angle = long_axis_angle(poly);
    let thin = elongation(poly) >= THIN;
    let width = text_width_px(text, 1.0, false);
    let (s, c) = angle.to_radians().sin_cos();
    let mut size = MAX_SIZE;
    while size >= MIN_SIZE - 1e-9 {
        let hw = width * size / 2.0 + 1.0;
        let hh = size * LINE / 2.0;
        // Along a thin parcel (a road 5 px wide at the map's scale) the middle of the letters'
        // cap-height band (two thirds of it, so a road whose sides are not quite parallel
        // still takes a label) must lie inside it and the halo may spill over its edges;
        // elsewhere the whole box.
        let inner_hh = if angle != 0.0 || thin {
            size * CAP / 3.0
        } else {
            hh
        };
        // Quick reject: the box's half height must fit the pole's clearance.
        if inner_hh <= dist + 1e-9 {
            // Along the text's direction, then (for shapes that are not thin) across it.
            let along = slide_offsets(poly, (px, py), (c, s), hw)
                .into_iter()
                .map(|d| (c * d, s * d));
            let across: Vec<(f64, f64)> = if thin {
                Vec::new()
            } else {
                slide_offsets(poly, (px, py), (-s, c), hh)
                    .into_iter()
                    .skip(1)
                    .map(|d| (-s * d, c * d))
                    .collect()
            };
            for (dx, dy) in along.chain(across) {
                let b = OBox {
                    cx: px + dx,
                    cy: py + dy,
                    hw,
                    hh,
                    angle,
                };
                let inner = OBox { hh: inner_hh, ..b };
                if poly.contains(&inner.polygon()) && occupied.is_free(&b) {
                    return Some((size, b));
                }
            }
        }
        size -= 0.5;
    }
    None
}

/// A zone's label: its name over its area, at the pole of its largest piece.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneLabel {
    /// The zone's name.
    pub name: String,
    /// The area line (e.g. `700.0 ac`).
    pub area: String,
    /// Name font size, pixels (the area line is 0.85 of it).
    pub size: f64,
    /// The box both lines take.
    pub bx: OBox,
}

/// Every label of a map.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Layout {
    /// Zone labels (always placed).
    pub zones: Vec<ZoneLabel>,
    /// Parcel labels on the map.
    pub placed: Vec<Placed>,
    /// Parcel labels moved to the call-out table.
    pub callouts: Vec<Callout>,
}

/// Places zone labels (`(name, area text, largest piece in pixels)`), then parcel labels
/// (`(parcel, text, largest piece in pixels)`, in priority order), inside `frame` and clear of
/// `obstacles`. A parcel whose label does not fit gets a call-out.
pub fn layout(
    zones: &[(String, String, Polygon<f64>)],
    parcels: &[(usize, String, Polygon<f64>)],
    obstacles: &[(f64, f64, f64, f64)],
    frame: (f64, f64, f64, f64),
) -> Layout {
    let mut occ = Occupied::new(obstacles);
    let mut out = Layout::default();
    let inside = |b: &OBox| {
        let (x0, y0, x1, y1) = b.bounds();
        x0 >= frame.0 && y0 >= frame.1 && x1 <= frame.2 && y1 <= frame.3
    };
    for (name, area, poly) in zones {
        let Some(((x, y), dist)) = pole(poly) else {
            continue;
        };
        // 13 px names where the zone is roomy, down to 8 px.
        let mut size = 13.0;
        let mut bx;
        loop {
            let w = text_width_px(name, size, true).max(text_width_px(area, size * 0.85, false));
            bx = OBox {
                cx: x,
                cy: y,
                hw: w / 2.0 + 2.0,
                hh: size * 1.85 * LINE / 2.0,
                angle: 0.0,
            };
            if size <= 8.0 || (bx.hh <= dist && poly.contains(&bx.polygon())) {
                break;
            }
            size -= 1.0;
        }
        occ.insert(bx);
        out.zones.push(ZoneLabel {
            name: name.clone(),
            area: area.clone(),
            size,
            bx,
        });
    }
    let mut misses: Vec<(usize, String, Polygon<f64>)> = Vec::new();
    for (i, text, poly) in parcels {
        match fit_label(text, poly, &occ).filter(|(_, b)| inside(b)) {
            Some((size, bx)) => {
                occ.insert(bx);
                out.placed.push(Placed {
                    parcel: *i,
                    text: text.clone(),
                    size,
                    bx,
                });
            }
            None => misses.push((*i, text.clone(), poly.clone())),
        }
    }
    // Each call-out number sits at the first free spot of: the pole, then points along the
    // parcel's long axis; at the pole when none is free.
    let misses: Vec<(usize, String, (f64, f64))> = misses
        .into_iter()
        .map(|(i, text, poly)| {
            let Some(((x, y), _)) = pole(&poly) else {
                let c = poly.exterior().0[0];
                return (i, text, (c.x, c.y));
            };
            let r = CALLOUT_R;
            let (dx, dy) = long_axis(&poly).map_or((1.0, 0.0), |((ux, uy), _)| {
                let n = ux.hypot(uy).max(1e-9);
                (ux / n, uy / n)
            });
            let mut at = (x, y);
            for off in [0.0, 12.0, -12.0, 24.0, -24.0, 36.0, -36.0] {
                let b = OBox {
                    cx: x + dx * off,
                    cy: y + dy * off,
                    hw: r,
                    hh: r,
                    angle: 0.0,
                };
                if poly.contains(&geo::Point::new(b.cx, b.cy)) && occ.is_free(&b) {
                    at = (b.cx, b.cy);
                    break;
                }
            }
            occ.insert(OBox {
                cx: at.0,
                cy: at.1,
                hw: r,
                hh: r,
                angle: 0.0,
            });
            (i, text, at)
        })
        .collect();
    let mut misses = misses;
    // Reading order: rows of 20 px from the top, then left to right.
    misses.sort_by(|a, b| {
        ((a.2.1 / 20.0).floor())
            .total_cmp(&(b.2.1 / 20.0).floor())
            .then(a.2.0.total_cmp(&b.2.0))
            .then(a.0.cmp(&b.0))
    });
    out.callouts = misses
        .into_iter()
        .enumerate()
        .map(|(k, (parcel, text, at))| Callout {
            parcel,
            text,
            number: k + 1,
            at,
        })
        .collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rect_poly(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
        Polygon::new(
            LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]),
            Vec::new(),
        )
    }

    #[test]
    fn separating_axis_agrees_with_brute_force_sampling() {
        // Two boxes overlap iff some point lies in both; sample densely as the second method.
        let inside = |b: &OBox, x: f64, y: f64| {
            let (s, c) = b.angle.to_radians().sin_cos();
            let (dx, dy) = (x - b.cx, y - b.cy);
            (dx * c + dy * s).abs() <= b.hw && (-dx * s + dy * c).abs() <= b.hh
        };
        let mut seed = 7u64;
        let mut rnd = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut agree = 0;
        for _ in 0..300 {
            let a = OBox {
                cx: 0.0,
                cy: 0.0,
                hw: 10.0,
                hh: 3.0,
                angle: rnd() * 180.0 - 90.0,
            };
            let b = OBox {
                cx: rnd() * 30.0 - 15.0,
                cy: rnd() * 20.0 - 10.0,
                hw: 2.0 + rnd() * 8.0,
                hh: 1.0 + rnd() * 3.0,
                angle: rnd() * 180.0 - 90.0,
            };
            let mut sampled = false;
            for i in 0..400 {
                for j in 0..200 {
                    let (x, y) = (-20.0 + i as f64 * 0.1, -10.0 + j as f64 * 0.1);
                    if inside(&a, x, y) && inside(&b, x, y) {
                        sampled = true;
                    }
                }
            }
            // Sampling can miss a sliver overlap, never invent one.
            if sampled {
                assert!(a.overlaps(&b), "{a:?} {b:?}");
            }
            if sampled == a.overlaps(&b) {
                agree += 1;
            }
        }
        assert!(agree >= 295, "{agree} of 300");
    }

    #[test]
    fn thin_parcels_turn_and_small_ones_shrink() {
        // A 200 × 12 px strip at 30° (a road): the label turns to 30°.
        let (s, c) = 30f64.to_radians().sin_cos();
        let pts: Vec<(f64, f64)> = [
            (-100.0, -6.0),
            (100.0, -6.0),
            (100.0, 6.0),
            (-100.0, 6.0),
            (-100.0, -6.0),
        ]
        .iter()
        .map(|&(x, y)| (500.0 + x * c - y * s, 500.0 + x * s + y * c))
        .collect();
        let road = Polygon::new(LineString::from(pts), Vec::new());
        assert!((long_axis_angle(&road) - 30.0).abs() < 1e-6);
        let occ = Occupied::new(&[]);
        let (size, b) = fit_label("PSM-123", &road, &occ).unwrap();
        assert!((b.angle - 30.0).abs() < 1e-6);
        assert!((MIN_SIZE..=10.0).contains(&size));
        // A square 40 px wide: "PSM-123" at 10 px is 47 px wide, so it shrinks, unturned.
        let sq = rect_poly(0.0, 0.0, 40.0, 40.0);
        let (size, b) = fit_label("PSM-123", &sq, &occ).unwrap();
        assert!(size < 10.0 && b.angle == 0.0);
        assert!(2.0 * b.hw <= 40.0);
        // Too small for the minimum size: no label.
        assert!(fit_label("PSM-123", &rect_poly(0.0, 0.0, 20.0, 20.0), &occ).is_none());
    }

    #[test]
    fn pole_of_an_l_shape_is_inside_its_thick_part() {
        let l = Polygon::new(
            LineString::from(vec![
                (0.0, 0.0),
                (100.0, 0.0),
                (100.0, 20.0),
                (20.0, 20.0),
                (20.0, 100.0),
                (0.0, 100.0),
                (0.0, 0.0),
            ]),
            Vec::new(),
        );
        let ((x, y), d) = pole(&l).unwrap();
        assert!(l.contains(&geo::Point::new(x, y)));
        // The deepest point is in the corner square, equidistant (r) from the two outer edges
        // and the reflex vertex (20, 20): (20 − r)·√2 = r, so r = 20 / (1 + 1/√2).
        let r = 20.0 / (1.0 + std::f64::consts::FRAC_1_SQRT_2);
        assert!((d - r).abs() < 0.6, "{d} vs {r}");
    }
}
