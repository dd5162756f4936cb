//! The drawing surface: plotters' SVG backend plus a few raw SVG fragments.
//!
//! plotters draws the text, lines, rectangles, circles and the north arrow (and escapes `< > & " '`
//! in what it writes). It has no paths with holes, no groups, no clip paths and no patterns, and it
//! rounds to whole pixels, so parcel shapes, zone outlines, findings and the scale bar are written
//! as raw SVG fragments. A fragment enters plotters' output as a placeholder text element whose
//! content is `U+0001 index U+0001`; [`Canvas::finish`] swaps each placeholder for its fragment.
//! U+0001 can never come from the input because [`clean_text`] strips control characters from
//! every string taken from it, so the swap cannot be steered by a parcel's name.

use plotters::backend::{DrawingBackend, SVGBackend};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, RGBAColor, TextStyle};

use super::RenderError;

/// The marker around a placeholder's index.
const MARK: char = '\u{1}';

/// Text from the input made safe for XML 1.0: control characters (C0 other than tab, newline
/// and carriage return, which become spaces; DEL; C1), U+FFFE and U+FFFF are removed, and runs of
/// whitespace collapse to one space. Escaping `< > & " '` is left to the writer.
pub fn clean_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let c = match c {
            '\t' | '\n' | '\r' => ' ',
            c if (c as u32) < 0x20 || ('\u{7f}'..='\u{9f}').contains(&c) => continue,
            '\u{FFFE}' | '\u{FFFF}' => continue,
            c => c,
        };
        if c == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        out.push(c);
    }
    out.trim().to_string()
}

/// [`clean_text`], then XML-escaped for use in raw fragments (text or attribute values).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clean_text(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// Shortens cleaned text to at most `max` characters, ending in `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let mut out: String = s.chars().take(keep).collect();
    out.push('…');
    out
}

/// Horizontal alignment of text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Text starts at x.
    Left,
    /// Text is centred on x.
    Centre,
    /// Text ends at x.
    Right,
}

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// Parses `#RRGGBB` (palette constants only).
    pub const fn hex(v: u32) -> Rgb {
        Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8)
    }

    /// `#RRGGBB`.
    pub fn css(self) -> String {
        format!("#{:02X}{:02X}{:02X}", self.0, self.1, self.2)
    }

    fn plotters(self, alpha: f64) -> RGBAColor {
        RGBAColor(self.0, self.1, self.2, alpha)
    }
}

/// plotters' SVG backend writing into a string, plus the raw fragments to splice in.
pub struct Canvas<'a> {
    backend: SVGBackend<'a>,
    raws: Vec<String>,
}

/// A point in whole pixels (plotters' backend coordinates).
fn px(x: f64, y: f64) -> (i32, i32) {
    (x.round() as i32, y.round() as i32)
}

fn drawing_error<E: std::fmt::Debug>(e: E) -> RenderError {
    RenderError::Drawing(format!("{e:?}"))
}

impl<'a> Canvas<'a> {
    /// A canvas of `width` × `height` pixels writing into `buf`.
    pub fn new(buf: &'a mut String, width: u32, height: u32) -> Self {
        Canvas {
            backend: SVGBackend::with_string(buf, (width, height)),
            raws: Vec::new(),
        }
    }

    /// Queues a raw SVG fragment at the current position. The caller escapes everything in it.
    pub fn raw(&mut self, fragment: String) -> Result<(), RenderError> {
        let token = format!("{MARK}{}{MARK}", self.raws.len());
        self.raws.push(fragment);
        let style = TextStyle::from(FontDesc::new(
            FontFamily::SansSerif,
            10.0,
            FontStyle::Normal,
        ));
        self.backend
            .draw_text(&token, &style, (0, 0))
            .map_err(drawing_error)
    }

    /// Text from the input or the program; cleaned here, escaped by plotters. `size` is the
    /// font size in pixels.
    #[allow(clippy::too_many_arguments)]
    pub fn text(
        &mut self,
        text: &str,
        x: f64,
        y: f64,
        size: f64,
        colour: Rgb,
        align: Align,
        bold: bool,
    ) -> Result<(), RenderError> {
        let text = clean_text(text);
        if text.is_empty() {
            return Ok(());
        }
        let h = match align {
            Align::Left => HPos::Left,
            Align::Centre => HPos::Center,
            Align::Right => HPos::Right,
        };
        let style = if bold {
            FontStyle::Bold
        } else {
            FontStyle::Normal
        };
        // plotters writes font-size as size / 1.24.
        let font = FontDesc::new(FontFamily::SansSerif, size * 1.24, style);
        let colour = colour.plotters(1.0);
        let style = TextStyle::from(font)
            .color(&colour)
            .pos(Pos::new(h, VPos::Center));
        self.backend
            .draw_text(&text, &style, px(x, y))
            .map_err(drawing_error)
    }

    /// A filled rectangle.
    pub fn fill_rect(
        &mut self,
        (x0, y0): (f64, f64),
        (x1, y1): (f64, f64),
        colour: Rgb,
        alpha: f64,
    ) -> Result<(), RenderError> {
        self.backend
            .draw_rect(px(x0, y0), px(x1, y1), &colour.plotters(alpha), true)
            .map_err(drawing_error)
    }

    /// A rectangle's outline.
    pub fn stroke_rect(
        &mut self,
        (x0, y0): (f64, f64),
        (x1, y1): (f64, f64),
        colour: Rgb,
    ) -> Result<(), RenderError> {
        self.backend
            .draw_rect(px(x0, y0), px(x1, y1), &colour.plotters(1.0), false)
            .map_err(drawing_error)
    }

    /// A straight line one pixel wide.
    pub fn line(
        &mut self,
        (x0, y0): (f64, f64),
        (x1, y1): (f64, f64),
        colour: Rgb,
    ) -> Result<(), RenderError> {
        self.backend
            .draw_line(px(x0, y0), px(x1, y1), &colour.plotters(1.0))
            .map_err(drawing_error)
    }

    /// A filled polygon (no holes).
    pub fn fill_polygon(&mut self, points: &[(f64, f64)], colour: Rgb) -> Result<(), RenderError> {
        let pts: Vec<(i32, i32)> = points.iter().map(|&(x, y)| px(x, y)).collect();
        self.backend
            .fill_polygon(pts, &colour.plotters(1.0))
            .map_err(drawing_error)
    }

    /// Closes the document and returns the raw fragments to [`splice`] in.
    pub fn finish(mut self) -> Result<Vec<String>, RenderError> {
        self.backend.present().map_err(drawing_error)?;
        Ok(std::mem::take(&mut self.raws))
    }
}

/// Replaces each placeholder text element in `svg` by its fragment.
pub fn splice(svg: &str, raws: &[String]) -> Result<String, RenderError> {
    let extra: usize = raws.iter().map(String::len).sum();
    let mut out = String::with_capacity(svg.len() + extra);
    let mut rest = svg;
    while let Some(mark) = rest.find(MARK) {
        let open = rest[..mark]
            .rfind("<text")
            .ok_or_else(|| RenderError::Drawing("placeholder outside a text element".into()))?;
        let after = &rest[mark + MARK.len_utf8()..];
        let end_mark = after
            .find(MARK)
            .ok_or_else(|| RenderError::Drawing("unterminated placeholder".into()))?;
        let index: usize = after[..end_mark]
            .parse()
            .map_err(|_| RenderError::Drawing("bad placeholder".into()))?;
        let tail = &after[end_mark + MARK.len_utf8()..];
        const CLOSE: &str = "</text>\n";
        let close = tail
            .find(CLOSE)
            .ok_or_else(|| RenderError::Drawing("placeholder text not closed".into()))?;
        let fragment = raws
            .get(index)
            .ok_or_else(|| RenderError::Drawing("placeholder index out of range".into()))?;
        out.push_str(&rest[..open]);
        out.push_str(fragment);
        if !fragment.ends_with('\n') {
            out.push('\n');
        }
        rest = &tail[close + CLOSE.len()..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_text_strips_controls_and_collapses_space() {
        assert_eq!(clean_text("a\u{1}b\tc\n\nd\u{FFFF}\u{85}"), "ab c d");
        assert_eq!(clean_text("  x  "), "x");
        assert_eq!(
            xml_escape("<a href='x'>&\u{1}"),
            "&lt;a href=&apos;x&apos;&gt;&amp;"
        );
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn placeholders_are_replaced_in_order_and_text_with_marks_cannot_forge_one() {
        let mut buf = String::new();
        let raws = {
            let mut c = Canvas::new(&mut buf, 100, 50);
            c.raw("<g id=\"one\">".into()).unwrap();
            // A name that tries to smuggle a placeholder: cleaned, so no U+0001 survives.
            c.text(
                "\u{1}0\u{1}<b>",
                10.0,
                10.0,
                12.0,
                Rgb(0, 0, 0),
                Align::Left,
                false,
            )
            .unwrap();
            c.raw("</g>".into()).unwrap();
            c.finish().unwrap()
        };
        let svg = splice(&buf, &raws).unwrap();
        assert!(!svg.contains('\u{1}'));
        assert_eq!(svg.matches("<g id=\"one\">").count(), 1);
        assert!(svg.contains("0&lt;b&gt;"));
        let g = svg.find("<g id=\"one\">").unwrap();
        let t = svg.find("0&lt;b&gt;").unwrap();
        let e = svg.find("</g>").unwrap();
        assert!(g < t && t < e);
    }
}
