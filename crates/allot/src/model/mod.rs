//! The domain model: [`Parcel`], [`ParcelId`], [`ParcelSet`], and [`FeatureRef`] (where a
//! feature sits in its file).

mod feature;
mod parcel;

pub use self::feature::{FeatureRef, PropertiesError};
pub(crate) use self::parcel::FeatureIdKind;
pub use self::parcel::{Parcel, ParcelId, ParcelSet};
