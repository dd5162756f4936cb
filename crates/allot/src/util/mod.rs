//! Small helpers with no domain knowledge: the seeded random stream ([`Rng`]), bit mixing and
//! number formatting ([`grouped`]).

pub(crate) mod mix;
mod number;
mod rng;

pub use self::number::grouped;
pub use self::rng::Rng;
