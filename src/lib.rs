//! allot: land-allocation planning for parcel fabrics.
#![forbid(unsafe_code)]
pub mod synth;
