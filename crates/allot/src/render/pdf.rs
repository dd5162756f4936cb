//! PDF output: the SVG map converted in-process by svg2pdf into a vector PDF whose text is real
//! text (searchable, copyable), set in the shipped DejaVu Sans and DejaVu Sans Bold (each
//! embedded as a subset; titles and headings are bold as in the SVG and PNG).
//!
//! Determinism: svg2pdf 0.13 keeps fonts and resource names in `HashMap`s, so their order in
//! the file changes from run to run. allot makes the output byte-identical by (1) building
//! svg2pdf with its fonts in a `BTreeMap` (the workspace patches it: `vendor/README.md`), so
//! the font objects are written in the order of the font database, and (2) sorting each run of
//! `/Name N 0 R` lines inside the resource dictionaries, which moves no byte offset (the lines
//! are only permuted) and so leaves the cross-reference table valid.

use resvg::usvg;

use super::{RenderError, fonts};

/// Converts an SVG to a one-page PDF. The SVG's pixels are CSS pixels (96 to the inch), so a
/// page drawn `420mm` wide prints 420 mm wide and a length on the map prints at its size.
///
/// ```
/// let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="96" height="48"><text x="5" y="20" font-size="12">Hello</text></svg>"##;
/// let pdf = allot::render::pdf::svg_to_pdf(svg).unwrap();
/// assert!(pdf.starts_with(b"%PDF-"));
/// assert_eq!(pdf, allot::render::pdf::svg_to_pdf(svg).unwrap());
/// ```
pub fn svg_to_pdf(svg: &str) -> Result<Vec<u8>, RenderError> {
    let opts = usvg::Options {
        font_family: fonts::FAMILY.to_string(),
        fontdb: fonts::database(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opts)
        .map_err(|e| RenderError::Drawing(format!("reading the SVG back failed: {e}")))?;
    let conv = svg2pdf::ConversionOptions::default();
    let page = svg2pdf::PageOptions { dpi: 96.0 };
    let pdf = svg2pdf::to_pdf(&tree, conv, page)
        .map_err(|e| RenderError::Drawing(format!("converting the SVG to PDF failed: {e}")))?;
    Ok(sort_reference_runs(pdf))
}

/// Whether a line is a dictionary entry `/Name N 0 R` (with any indentation).
fn is_ref_entry(line: &[u8]) -> bool {
    let t = line.trim_ascii_start();
    let Some(rest) = t.strip_prefix(b"/") else {
        return false;
    };
    let parts: Vec<&[u8]> = rest.split(|&b| b == b' ').collect();
    parts.len() == 4
        && !parts[0].is_empty()
        && !parts[1].is_empty()
        && parts[1].iter().all(u8::is_ascii_digit)
        && parts[2] == b"0"
        && parts[3] == b"R"
}

/// Sorts every run of consecutive `/Name N 0 R` lines of equal indentation, outside streams.
fn sort_reference_runs(pdf: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(pdf.len());
    let lines = pdf.split_inclusive(|&b| b == b'\n');
    let mut in_stream = false;
    let mut run: Vec<&[u8]> = Vec::new();
    let indent = |l: &[u8]| l.len() - l.trim_ascii_start().len();
    let flush = |run: &mut Vec<&[u8]>, out: &mut Vec<u8>| {
        run.sort();
        for l in run.drain(..) {
            out.extend_from_slice(l);
        }
    };
    for line in lines {
        let body = line.strip_suffix(b"\n").unwrap_or(line);
        if in_stream {
            out.extend_from_slice(line);
            // Stream data may not end in a newline of its own: "…data\nendstream" or
            // "…dataendstream" both close it.
            if body.ends_with(b"endstream") {
                in_stream = false;
            }
            continue;
        }
        if is_ref_entry(body) && line.ends_with(b"\n") {
            if run.first().is_some_and(|f| indent(f) != indent(line)) {
                flush(&mut run, &mut out);
            }
            run.push(line);
            continue;
        }
        flush(&mut run, &mut out);
        out.extend_from_slice(line);
        if body == b"stream" {
            in_stream = true;
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_runs_are_sorted_in_place_and_streams_left_alone() {
        let pdf =
            b"<<\n  /b 9 0 R\n  /a 8 0 R\n>>\nstream\n/z 1 0 R\n/y 2 0 R\nendstream\n".to_vec();
        let out = sort_reference_runs(pdf.clone());
        assert_eq!(out.len(), pdf.len());
        assert_eq!(
            out,
            b"<<\n  /a 8 0 R\n  /b 9 0 R\n>>\nstream\n/z 1 0 R\n/y 2 0 R\nendstream\n".to_vec()
        );
        assert!(is_ref_entry(b"  /po0 8 0 R"));
        assert!(!is_ref_entry(b"  /Type /Page"));
    }
}
