//! The domain model: [`Parcel`], [`ParcelId`], [`ParcelSet`], [`FeatureRef`] (where a
//! feature sits in its file), the zones a file describes ([`ZoneSpec`]) and [`Warning`]s.

mod feature;
mod intern;
mod parcel;
mod warning;
mod zones;

pub use self::feature::{FeatureRef, PropertiesError};
pub use self::intern::SharedStr;
pub(crate) use self::intern::intern_label;
pub(crate) use self::parcel::{FeatureIdKind, ParcelDetails};
pub use self::parcel::{Parcel, ParcelId, ParcelSet};
pub use self::warning::{Warning, WarningKind, unknown_land_uses};
pub use self::zones::{
    ACCESS_KINDS, MetadataError, RETAINED, ZoneChoice, ZoneSpec, access_kinds, corridor_uses,
    resolve_zones, zones_from_metadata,
};
