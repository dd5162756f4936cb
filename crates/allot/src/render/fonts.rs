//! The fonts allot ships (DejaVu Sans, regular and bold; licence in `fonts/LICENSE`): the only
//! fonts the PNG and PDF renderers see, and the metrics label placement measures text with.
//!
//! System fonts are never loaded, so a map renders to the same pixels on every machine.

use std::sync::{Arc, OnceLock};

use resvg::usvg::fontdb;

/// DejaVu Sans, regular.
pub const REGULAR: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
/// DejaVu Sans, bold.
pub const BOLD: &[u8] = include_bytes!("fonts/DejaVuSans-Bold.ttf");
/// The family name inside both files.
pub const FAMILY: &str = "DejaVu Sans";

/// A font database holding only the shipped fonts, with every generic family (`sans-serif`,
/// `serif`, `monospace`, …) mapped to DejaVu Sans.
pub fn database() -> Arc<fontdb::Database> {
    static DB: OnceLock<Arc<fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_font_data(REGULAR.to_vec());
        db.load_font_data(BOLD.to_vec());
        db.set_sans_serif_family(FAMILY);
        db.set_serif_family(FAMILY);
        db.set_monospace_family(FAMILY);
        db.set_cursive_family(FAMILY);
        db.set_fantasy_family(FAMILY);
        Arc::new(db)
    })
    .clone()
}

/// Horizontal advances of one face, in em, for the characters U+0000..U+0250 (Latin), and the
/// width used for anything else (the advance of `M`, among the widest Latin glyphs).
struct Advances {
    latin: Vec<f64>,
    other: f64,
}

fn advances(bold: bool) -> &'static Advances {
    static REG: OnceLock<Advances> = OnceLock::new();
    static BLD: OnceLock<Advances> = OnceLock::new();
    let cell = if bold { &BLD } else { &REG };
    cell.get_or_init(|| {
        let data = if bold { BOLD } else { REGULAR };
        // The shipped files are known-good TrueType fonts; a parse failure would be a build bug.
        let face = ttf_parser::Face::parse(data, 0).expect("shipped DejaVu font parses");
        let em = f64::from(face.units_per_em());
        let adv = |c: char| {
            face.glyph_index(c)
                .and_then(|g| face.glyph_hor_advance(g))
                .map(|a| f64::from(a) / em)
        };
        let other = adv('M').unwrap_or(0.9);
        let latin = (0u32..0x250)
            .map(|u| char::from_u32(u).and_then(adv).unwrap_or(other))
            .collect();
        Advances { latin, other }
    })
}

/// Width in pixels of `text` set in DejaVu Sans at `size` pixels (no kerning; DejaVu's kerning
/// only ever narrows Latin text, so the width is never under-estimated).
///
/// ```
/// // DejaVu Sans digits are 1303/2048 em wide.
/// let w = allot::render::fonts::text_width_px("00", 10.0, false);
/// assert!((w - 2.0 * 10.0 * 1303.0 / 2048.0).abs() < 1e-9);
/// ```
pub fn text_width_px(text: &str, size: f64, bold: bool) -> f64 {
    let a = advances(bold);
    text.chars()
        .map(|c| a.latin.get(c as usize).copied().unwrap_or(a.other))
        .sum::<f64>()
        * size
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_has_both_faces_and_maps_sans_serif() {
        let db = database();
        assert_eq!(db.len(), 2);
        let q = fontdb::Query {
            families: &[fontdb::Family::SansSerif],
            weight: fontdb::Weight::BOLD,
            ..Default::default()
        };
        let id = db.query(&q).expect("sans-serif resolves");
        let face = db.face(id).unwrap();
        assert_eq!(face.families[0].0, FAMILY);
        assert_eq!(face.weight, fontdb::Weight::BOLD);
    }

    #[test]
    fn widths_follow_the_font() {
        // "M" is wider than "i" in any proportional font; bold is wider than regular.
        assert!(text_width_px("M", 10.0, false) > 2.0 * text_width_px("i", 10.0, false));
        assert!(text_width_px("PSM-001", 10.0, true) > text_width_px("PSM-001", 10.0, false));
        assert_eq!(text_width_px("", 10.0, false), 0.0);
    }
}
