//! Small helpers with no domain knowledge: the seeded random stream ([`Rng`]), bit mixing, and
//! edit distance between names ([`edit_distance`], [`closest`]).

pub(crate) mod mix;
mod rng;
mod text;

pub use self::rng::Rng;
pub use self::text::closest;
