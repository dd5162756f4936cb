//! Small helpers with no domain knowledge: the seeded random stream ([`Rng`]), bit mixing and
//! number formatting ([`grouped`]).

mod format;
pub(crate) mod mix;
mod rng;

pub use self::format::grouped;
pub use self::rng::Rng;
