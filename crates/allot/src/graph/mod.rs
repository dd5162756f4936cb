//! Graphs over parcels: shared boundaries ([`Adjacency`]), union-find.

pub mod adjacency;
pub(crate) mod union_find;

pub use self::adjacency::Adjacency;
