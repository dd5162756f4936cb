//! Print pages: paper sizes, the round representative fraction a map is drawn at, the part of
//! the site a map shows (`bbox`, `focus`), and the inset of the whole site.
//!
//! A page's SVG is drawn in CSS pixels (96 to the inch) and sized in millimetres, so a PDF or
//! a 96-dpi print reproduces it at its size and a map at 1:25,000 measures 1:25,000 on paper.

use std::fmt::Write as _;

use geo::{Coord, Rect};

use super::geom::{self, Projection, metres_per_degree};
use super::{Category, RenderError};
use crate::model::ParcelSet;

/// CSS pixels per millimetre.
pub const PX_PER_MM: f64 = 96.0 / 25.4;

/// ISO 216 paper sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 297 × 420 mm.
    A3,
    /// 420 × 594 mm.
    A2,
    /// 594 × 841 mm.
    A1,
}

/// A page: paper and orientation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageSpec {
    /// The paper size.
    pub paper: Paper,
    /// Long side horizontal.
    pub landscape: bool,
}

impl Paper {
    /// Short and long side, millimetres.
    pub fn mm(self) -> (f64, f64) {
        match self {
            Paper::A4 => (210.0, 297.0),
            Paper::A3 => (297.0, 420.0),
            Paper::A2 => (420.0, 594.0),
            Paper::A1 => (594.0, 841.0),
        }
    }

    /// The name (`A3`).
    pub fn name(self) -> &'static str {
        match self {
            Paper::A4 => "A4",
            Paper::A3 => "A3",
            Paper::A2 => "A2",
            Paper::A1 => "A1",
        }
    }
}

impl PageSpec {
    /// Page width and height in whole CSS pixels.
    pub fn px(self) -> (u32, u32) {
        let (s, l) = self.paper.mm();
        let (w, h) = if self.landscape { (l, s) } else { (s, l) };
        (
            (w * PX_PER_MM).round() as u32,
            (h * PX_PER_MM).round() as u32,
        )
    }
}

/// Round representative fractions a page map may use, largest scale first.
pub const SCALES: [f64; 16] = [
    1_000.0,
    2_000.0,
    2_500.0,
    5_000.0,
    10_000.0,
    15_000.0,
    20_000.0,
    25_000.0,
    30_000.0,
    40_000.0,
    50_000.0,
    100_000.0,
    200_000.0,
    250_000.0,
    500_000.0,
    1_000_000.0,
];

/// The largest round scale (smallest denominator in [`SCALES`]) at which `w_m` × `h_m` metres
/// fit in `w_px` × `h_px` CSS pixels; the smallest scale when nothing fits.
///
/// ```
/// // 7.5 km across a 300 mm frame: 1:25,000 (7.5 km → 300 mm exactly).
/// let px = 300.0 * allot::render::page::PX_PER_MM;
/// assert_eq!(allot::render::page::choose_scale(7_500.0, 1_000.0, px, px), 25_000.0);
/// ```
pub fn choose_scale(w_m: f64, h_m: f64, w_px: f64, h_px: f64) -> f64 {
    let px_per_m_at = |n: f64| PX_PER_MM * 1000.0 / n;
    for n in SCALES {
        let k = px_per_m_at(n);
        if w_m * k <= w_px + 1e-9 && h_m * k <= h_px + 1e-9 {
            return n;
        }
    }
    SCALES[SCALES.len() - 1]
}

/// `1:25,000`.
pub fn fraction_label(n: f64) -> String {
    format!("1:{}", crate::report::grouped(n, 0))
}

/// A projection at representative fraction 1:`n` on the page (true scale at `extent`'s mean
/// latitude), with `extent`'s centre at pixel `centre`.
pub fn projection_at(extent: Rect<f64>, n: f64, centre: (f64, f64)) -> Projection {
    let lon0 = (extent.min().x + extent.max().x) / 2.0;
    let lat0 = (extent.min().y + extent.max().y) / 2.0;
    let (mx, my) = metres_per_degree(lat0);
    let px_per_m = PX_PER_MM * 1000.0 / n;
    Projection {
        lon0,
        lat0,
        x0: centre.0,
        y0: centre.1,
        px_per_deg_lon: px_per_m * mx,
        px_per_deg_lat: px_per_m * my,
    }
}

/// The window a map shows: `bbox` when given, else the parcels of zone `focus` (with a 5%
/// margin), else `None` (the whole data).
pub fn window(
    set: &ParcelSet,
    bbox: Option<[f64; 4]>,
    focus: Option<&str>,
) -> Result<Option<Rect<f64>>, RenderError> {
    if let Some([w, s, e, n]) = bbox {
        let ok = [w, s, e, n].iter().all(|v| v.is_finite())
            && (-180.0..=180.0).contains(&w)
            && (-180.0..=180.0).contains(&e)
            && (-90.0..=90.0).contains(&s)
            && (-90.0..=90.0).contains(&n)
            && w < e
            && s < n;
        if !ok {
            return Err(RenderError::Window(format!(
                "--bbox {w},{s},{e},{n}: expected W,S,E,N in degrees with W < E and S < N"
            )));
        }
        return Ok(Some(Rect::new(Coord { x: w, y: s }, Coord { x: e, y: n })));
    }
    let Some(zone) = focus else {
        return Ok(None);
    };
    let mut r: Option<Rect<f64>> = None;
    for p in set
        .parcels
        .iter()
        .filter(|p| p.zone.as_deref() == Some(zone))
    {
        super::extend(&mut r, p.bbox());
    }
    let Some(r) = r else {
        let mut zones: Vec<&str> = set
            .parcels
            .iter()
            .filter_map(|p| p.zone.as_deref())
            .collect();
        zones.sort_unstable();
        zones.dedup();
        return Err(RenderError::Window(format!(
            "{}: --focus {zone}: no parcel has this zone; the zones are: {}",
            set.source,
            if zones.is_empty() {
                "none".to_string()
            } else {
                zones.join(", ")
            }
        )));
    };
    let (dx, dy) = (r.width() * 0.05, r.height() * 0.05);
    Ok(Some(Rect::new(
        Coord {
            x: r.min().x - dx,
            y: r.min().y - dy,
        },
        Coord {
            x: r.max().x + dx,
            y: r.max().y + dy,
        },
    )))
}

/// The inset: every parcel in its class colour at a small scale in the box
/// `(x, y, w, h)`, framed, with the mapped window outlined red.
pub(super) fn inset_svg(
    set: &ParcelSet,
    categories: &[Category],
    site: Rect<f64>,
    window: Rect<f64>,
    (x, y, w, h): (f64, f64, f64, f64),
) -> String {
    let proj = Projection::fit(site, x + 4.0, y + 4.0, w - 8.0, h - 8.0);
    let mut out = format!(
        "<g id=\"inset\"><rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#FFFFFF\" stroke=\"#888888\" stroke-width=\"1\"/>",
        geom::fmt_px(x),
        geom::fmt_px(y),
        geom::fmt_px(w),
        geom::fmt_px(h)
    );
    for c in categories {
        let mut d = String::new();
        for &i in &c.parcels {
            geom::push_multipolygon(&mut d, &set.parcels[i].geometry, &proj);
        }
        if !d.is_empty() {
            let _ = write!(out, "<path fill=\"{}\" d=\"{d}\"/>", c.colour.css());
        }
    }
    let (x0, y0) = proj.xy(window.min().x, window.max().y);
    let (x1, y1) = proj.xy(window.max().x, window.min().y);
    let _ = write!(
        out,
        "<rect id=\"inset-window\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"none\" stroke=\"#CC0000\" stroke-width=\"1.5\"/></g>",
        geom::fmt_px(x0.max(x)),
        geom::fmt_px(y0.max(y)),
        geom::fmt_px((x1.min(x + w) - x0.max(x)).max(1.0)),
        geom::fmt_px((y1.min(y + h) - y0.max(y)).max(1.0))
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_scales() {
        let a3 = PageSpec {
            paper: Paper::A3,
            landscape: true,
        };
        assert_eq!(a3.px(), (1587, 1123));
        // 10 km does not fit 300 mm at 1:25,000 (400 mm) but does at 1:40,000 (250 mm).
        let px = 300.0 * PX_PER_MM;
        assert_eq!(choose_scale(10_000.0, 10.0, px, px), 40_000.0);
        assert_eq!(fraction_label(25_000.0), "1:25,000");
    }
}
