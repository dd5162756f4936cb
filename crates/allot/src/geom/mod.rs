//! Planar geometry on lon/lat coordinates: bounding boxes, rings, segments, the guarded
//! boolean operations (`boolops`) and snapping their results back onto input vertices.

pub(crate) mod bbox;
pub(crate) mod boolops;
pub(crate) mod ring;
pub(crate) mod segment;
pub(crate) mod snap;
