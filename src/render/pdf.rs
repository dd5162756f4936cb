//! PDF output: the SVG map converted in-process by svg2pdf into a vector PDF whose text is real
//! text (searchable, copyable), set in the shipped fonts (embedded as subsets).

use super::{RenderError, png::parse_svg};

/// Converts an SVG to a one-page PDF. The SVG's pixels are CSS pixels (96 to the inch), so a
/// page drawn `420mm` wide prints 420 mm wide and a length on the map prints at its size.
///
/// ```
/// let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48"><text x="5" y="20" font-size="12">Hello</text></svg>"##;
/// let pdf = allot::render::pdf::svg_to_pdf(svg).unwrap();
/// assert!(pdf.starts_with(b"%PDF-"));
/// ```
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>, RenderError> {
    let tree = parse_svg(svg)?;
    let conv = svg2pdf::ConversionOptions::default();
    let page = svg2pdf::PageOptions { dpi: 96.0 };
    svg2pdf::to_pdf(&tree, conv, page)
        .map_err(|e| RenderError::Drawing(format!("converting the SVG to PDF failed: {e}")))
}
