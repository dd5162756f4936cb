//! Text measurement for layout: widths from the shipped font's metrics (see [`super::fonts`]).
//! Label placement itself is in [`super::label_layout`].

/// Width in pixels of `text` set in the shipped sans-serif font (DejaVu Sans) at `size` pixels.
pub fn text_width(text: &str, size: f64) -> f64 {
    super::fonts::text_width_px(text, size, false)
}

/// An axis-aligned box in pixels: `(x0, y0, x1, y1)`.
pub type PxBox = (f64, f64, f64, f64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_grows_with_characters() {
        // DejaVu Sans: "a" is 1255/2048 em, "b" c d are 1300, 1126, 1300 units.
        assert!(
            (text_width("abcd", 10.0) - 10.0 * (1255.0 + 1300.0 + 1126.0 + 1300.0) / 2048.0).abs()
                < 1e-9
        );
        assert_eq!(text_width("", 10.0), 0.0);
    }
}
