//! Planar geometry on lon/lat coordinates: snapping boolean-operation results back onto input
//! vertices.

pub(crate) mod ring;
pub(crate) mod segment;
pub(crate) mod snap;
