//! Graphs over parcels: union-find.

pub(crate) mod union_find;
