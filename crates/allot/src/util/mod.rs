//! Small helpers with no domain knowledge: the seeded random stream ([`Rng`]) and bit mixing.

pub(crate) mod mix;
mod rng;

pub use self::rng::Rng;
