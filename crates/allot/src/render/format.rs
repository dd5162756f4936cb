//! Map output formats, chosen by the output file's extension, and the one call that renders a
//! map in any of them ([`render_map`]).

use std::path::Path;

use super::{MapOptions, RenderError, html, pdf, png, render_svg};
use crate::model::ParcelSet;
use crate::validate::Finding;

/// A map file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapFormat {
    /// SVG (`.svg`): the map as drawn.
    Svg,
    /// PNG (`.png`): rasterised in-process at [`MapOptions::dpi`].
    Png,
    /// PDF (`.pdf`): vector, text as text.
    Pdf,
    /// HTML (`.html`, `.htm`): one self-contained interactive page.
    Html,
}

/// The extensions allot writes maps to, as listed in errors.
pub const MAP_EXTENSIONS: &str = ".svg, .png, .pdf, .html";

impl MapFormat {
    /// The format a path's extension names (case-insensitive).
    ///
    /// ```
    /// use allot::render::format::MapFormat;
    /// assert_eq!(MapFormat::from_path("out/plan.PNG".as_ref()).unwrap(), MapFormat::Png);
    /// assert!(MapFormat::from_path("plan.jpg".as_ref()).unwrap_err().to_string().contains(".svg, .png, .pdf, .html"));
    /// ```
    pub fn from_path(path: &Path) -> Result<MapFormat, RenderError> {
        if path.as_os_str() == "-" {
            // Standard output (see `write::resolve_output`): SVG, the text format.
            return Ok(MapFormat::Svg);
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "svg" => Ok(MapFormat::Svg),
            "png" => Ok(MapFormat::Png),
            "pdf" => Ok(MapFormat::Pdf),
            "html" | "htm" => Ok(MapFormat::Html),
            _ => Err(RenderError::Format {
                path: path.display().to_string(),
            }),
        }
    }
}

/// The findings a map draws when the caller has none of its own: those of validating the
/// parcels with `opts` (the zones and tolerances the map shows) when they carry zones, else
/// none (a fabric without zones has nothing zone-level to show, and `allot validate` is the
/// check). `allot map` without `--findings` and `plan --map` both draw these, so a plan's map
/// is the map `allot map` draws from the written plan.
pub fn findings_to_draw(set: &ParcelSet, opts: &crate::validate::ValidateOptions) -> Vec<Finding> {
    if !set.parcels.iter().any(|p| p.zone.is_some()) {
        return Vec::new();
    }
    crate::validate::validate(set, opts).findings
}

/// Draws the map and encodes it in `format`.
pub fn render_map(
    set: &ParcelSet,
    findings: &[Finding],
    opts: &MapOptions,
    format: MapFormat,
) -> Result<Vec<u8>, RenderError> {
    match format {
        MapFormat::Svg => Ok(render_svg(set, findings, opts)?.into_bytes()),
        MapFormat::Png => png::svg_to_png(&render_svg(set, findings, opts)?, opts.dpi),
        MapFormat::Pdf => pdf::svg_to_pdf(&render_svg(set, findings, opts)?),
        MapFormat::Html => html::render_html(set, findings, opts).map(String::into_bytes),
    }
}
