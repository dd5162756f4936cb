//! Parcel labels: estimated text size and greedy placement without collisions.

use rstar::RTree;
use rstar::primitives::Rectangle;

/// Estimated width in pixels of `text` in a sans-serif font of `size` pixels: 0.62 em per
/// character, about the width of digits and capitals in DejaVu Sans (the widest common
/// sans-serif) and wider than Arial's or Helvetica's, so that an estimate that fits is a fit.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.62
}

/// An axis-aligned box in pixels: `(x0, y0, x1, y1)`.
pub type PxBox = (f64, f64, f64, f64);

/// Places labels one at a time, refusing any that would come within `gap` pixels of one
/// already placed (or of an obstacle such as the scale bar).
pub struct Placer {
    tree: RTree<Rectangle<[f64; 2]>>,
    gap: f64,
}

impl Placer {
    /// A placer that keeps labels `gap` pixels apart and away from `obstacles`.
    pub fn new(gap: f64, obstacles: &[PxBox]) -> Self {
        let tree = RTree::bulk_load(
            obstacles
                .iter()
                .map(|&(x0, y0, x1, y1)| Rectangle::from_corners([x0, y0], [x1, y1]))
                .collect(),
        );
        Placer { tree, gap }
    }

    /// Places the box if it is free, and says whether it did.
    pub fn try_place(&mut self, (x0, y0, x1, y1): PxBox) -> bool {
        let g = self.gap;
        let probe = rstar::AABB::from_corners([x0 - g, y0 - g], [x1 + g, y1 + g]);
        if self
            .tree
            .locate_in_envelope_intersecting(&probe)
            .next()
            .is_some()
        {
            return false;
        }
        self.tree
            .insert(Rectangle::from_corners([x0, y0], [x1, y1]));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_or_close_boxes_are_refused() {
        let mut p = Placer::new(2.0, &[(100.0, 100.0, 120.0, 110.0)]);
        assert!(p.try_place((0.0, 0.0, 10.0, 10.0)));
        assert!(!p.try_place((5.0, 5.0, 15.0, 15.0)), "overlaps the first");
        assert!(!p.try_place((11.0, 0.0, 20.0, 10.0)), "within the 2 px gap");
        assert!(p.try_place((13.0, 0.0, 20.0, 10.0)));
        assert!(!p.try_place((95.0, 95.0, 101.0, 101.0)), "on the obstacle");
    }

    #[test]
    fn width_grows_with_characters() {
        assert!((text_width("abcd", 10.0) - 24.8).abs() < 1e-9);
        assert_eq!(text_width("", 10.0), 0.0);
    }
}
