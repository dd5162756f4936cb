//! Graphs over parcels: shared boundaries ([`Adjacency`]), union-find, connected components,
//! and a zone's necks and spurs ([`narrow`]).

pub mod adjacency;
pub(crate) mod components;
pub mod narrow;
pub(crate) mod union_find;

pub use self::adjacency::Adjacency;
