//! Planar geometry on lon/lat coordinates: bounding boxes, rings, segments, snapping
//! boolean-operation results back onto input vertices.

pub(crate) mod bbox;
pub(crate) mod ring;
pub(crate) mod segment;
pub(crate) mod snap;
