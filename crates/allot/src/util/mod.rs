//! Small helpers with no domain knowledge: the seeded random stream ([`Rng`]), bit mixing,
//! number formatting ([`grouped`]) and edit distance between names ([`edit_distance`],
//! [`closest`]).

mod format;
pub(crate) mod mix;
mod rng;
mod text;

pub use self::format::grouped;
pub use self::rng::Rng;
pub use self::text::closest;
