//! Rings of polygons.

use geo::{LineString, Polygon};

pub(crate) fn rings(p: &Polygon<f64>) -> impl Iterator<Item = &LineString<f64>> {
    std::iter::once(p.exterior()).chain(p.interiors())
}
