//! PNG output: the SVG map rasterised in-process by resvg with the shipped fonts only.

use resvg::{tiny_skia, usvg};

use super::{RenderError, fonts};

/// The usvg options every rasterised or converted map uses: the shipped fonts and nothing else.
fn usvg_options() -> usvg::Options<'static> {
    usvg::Options {
        font_family: fonts::FAMILY.to_string(),
        fontdb: fonts::database(),
        ..usvg::Options::default()
    }
}

/// Parses an SVG produced by allot into a usvg tree.
fn parse_svg(svg: &str) -> Result<usvg::Tree, RenderError> {
    usvg::Tree::from_str(svg, &usvg_options())
        .map_err(|e| RenderError::Drawing(format!("reading the SVG back failed: {e}")))
}

/// Largest PNG allot writes, in pixels (width × height): 400 megapixels, 1.6 GB of RGBA.
pub const MAX_PNG_PIXELS: u64 = 400_000_000;

/// Rasterises an SVG to PNG bytes at `dpi` (the SVG's pixels are CSS pixels, 96 to the inch, so
/// 96 dpi gives one PNG pixel per SVG pixel and 300 dpi 3.125).
///
/// ```
/// let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="5"><rect width="10" height="5" fill="#FF0000"/></svg>"##;
/// let png = allot::render::png::svg_to_png(svg, 192.0).unwrap();
/// assert_eq!(&png[1..4], b"PNG");
/// ```
pub fn svg_to_png(svg: &str, dpi: f64) -> Result<Vec<u8>, RenderError> {
    if !(dpi.is_finite() && (10.0..=2400.0).contains(&dpi)) {
        return Err(RenderError::Dpi { dpi });
    }
    let tree = parse_svg(svg)?;
    let scale = dpi / 96.0;
    let size = tree.size();
    let w = (f64::from(size.width()) * scale).ceil().max(1.0) as u64;
    let h = (f64::from(size.height()) * scale).ceil().max(1.0) as u64;
    if w * h > MAX_PNG_PIXELS {
        return Err(RenderError::TooLarge {
            width: w,
            height: h,
        });
    }
    let mut pixmap = tiny_skia::Pixmap::new(w as u32, h as u32).ok_or(RenderError::TooLarge {
        width: w,
        height: h,
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let t = tiny_skia::Transform::from_scale(scale as f32, scale as f32);
    resvg::render(&tree, t, &mut pixmap.as_mut());
    pixmap
        .encode_png()
        .map_err(|e| RenderError::Drawing(format!("encoding the PNG failed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_follows_dpi_and_colours_survive() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="10" height="10" fill="#77AADD"/></svg>"##;
        let png = svg_to_png(svg, 288.0).unwrap();
        let dec = ::png::Decoder::new(std::io::Cursor::new(png));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (60, 30));
        let px = |x: usize, y: usize| {
            let k = (y * info.width as usize + x) * 4;
            (buf[k], buf[k + 1], buf[k + 2])
        };
        assert_eq!(px(5, 5), (0x77, 0xAA, 0xDD));
        assert_eq!(px(50, 5), (255, 255, 255));
    }

    #[test]
    fn bad_dpi_is_refused() {
        assert!(matches!(
            svg_to_png("<svg/>", 0.0),
            Err(RenderError::Dpi { .. })
        ));
    }
}
