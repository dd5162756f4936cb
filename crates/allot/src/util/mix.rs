//! Mixing helpers: bit finalisers behind hashes.

/// The SplitMix64 increment (2^64 / golden ratio, odd): the step of [`super::Rng`]'s state.
pub(crate) const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

/// Mixes 64 bits (the SplitMix64 finaliser): the hash behind the edge table's keys, the
/// output step of [`super::Rng`] and the synthetic fabrics' hashes.
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
