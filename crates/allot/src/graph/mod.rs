//! Graphs over parcels: shared boundaries ([`Adjacency`]), union-find, connected components,
//! a zone's necks and spurs ([`narrow`]), and pieces of land when multi-part parcels' parts lie
//! apart ([`parts`]).

pub mod adjacency;
pub(crate) mod components;
pub mod narrow;
pub mod parts;
pub(crate) mod union_find;

pub use self::adjacency::Adjacency;
