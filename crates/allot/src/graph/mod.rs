//! Graphs over parcels: shared boundaries ([`Adjacency`]), union-find, connected components.

pub mod adjacency;
pub(crate) mod components;
pub(crate) mod union_find;

pub use self::adjacency::Adjacency;
