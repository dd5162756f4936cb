//! Small helpers with no domain knowledge: the seeded random stream ([`Rng`]), bit mixing,
//! number formatting ([`grouped`]) and the closest of a list of names ([`closest`], by edit
//! distance).

pub(crate) mod mix;
mod number;
mod rng;
mod text;

pub use self::number::grouped;
pub use self::rng::Rng;
pub use self::text::closest;
