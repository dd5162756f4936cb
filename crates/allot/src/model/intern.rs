//! [`SharedStr`], the one-pointer shared string parcels hold their zone and land use in, and
//! the interning that gives the parcels of one zone (or land use) a single allocation of its
//! name instead of one per parcel.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use rustc_hash::FxHashSet;

/// An immutable string shared between the parcels that carry it; one pointer wide, so that
/// `Option<SharedStr>` costs 8 bytes in a [`Parcel`](crate::Parcel). Compares, orders, hashes
/// and prints like the text it holds, and derefs to `&str`.
///
/// ```
/// use allot::SharedStr;
/// let z = SharedStr::from("mill");
/// assert_eq!(z.as_str(), "mill");
/// assert_eq!(z, SharedStr::from(String::from("mill")));
/// assert!(z.starts_with("mi"));
/// assert_eq!(format!("{z} {z:?}"), "mill \"mill\"");
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<String>);

impl SharedStr {
    /// The text.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl Deref for SharedStr {
    type Target = str;
    fn deref(&self) -> &str {
        self.0.as_str()
    }
}

impl AsRef<str> for SharedStr {
    fn as_ref(&self) -> &str {
        self.0.as_str()
    }
}

impl Borrow<str> for SharedStr {
    fn borrow(&self) -> &str {
        self.0.as_str()
    }
}

impl fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for SharedStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        SharedStr(Arc::new(text))
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        SharedStr(Arc::new(text.to_string()))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// Distinct names a thread remembers; beyond this (a file whose every parcel has its own
/// "zone") new names are allocated without being remembered, so the table stays small.
const MAX_NAMES: usize = 1024;
/// Longer names are not remembered either (they are unlikely to repeat).
const MAX_LEN: usize = 64;

thread_local! {
    // Fx, not SipHash: the keys are a file's zone names, hashed once a parcel on the read path.
    static NAMES: RefCell<FxHashSet<SharedStr>> = RefCell::new(FxHashSet::default());
}

/// `text` as a shared string: the same allocation as an earlier call on this thread with equal
/// text, when that text was remembered. Equal texts compare equal whether shared or not, so
/// sharing changes no result, only memory.
pub(crate) fn intern(text: &str) -> SharedStr {
    if text.len() > MAX_LEN {
        return SharedStr::from(text);
    }
    NAMES.with(|names| {
        let mut names = names.borrow_mut();
        if let Some(known) = names.get(text) {
            return known.clone();
        }
        let name = SharedStr::from(text);
        if names.len() < MAX_NAMES {
            names.insert(name.clone());
        }
        name
    })
}

/// A zone or land-use name as read: `None` for a blank one (`""`, spaces), which says "none"
/// as a null does, as a blank dBASE field does when GDAL reads it; else [`intern`]ed.
pub(crate) fn intern_label(text: &str) -> Option<SharedStr> {
    (!text.trim().is_empty()).then(|| intern(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_allocation() {
        let a = intern("mill");
        let b = intern("mill");
        assert!(Arc::ptr_eq(&a.0, &b.0));
        assert_eq!(intern("park").as_str(), "park");
        assert!(!Arc::ptr_eq(&a.0, &intern("park").0));
    }

    #[test]
    fn blank_labels_are_none() {
        assert_eq!(intern_label(""), None);
        assert_eq!(intern_label("  \t"), None);
        assert_eq!(intern_label("mill").as_deref(), Some("mill"));
    }

    #[test]
    fn long_names_are_not_remembered() {
        let long = "z".repeat(MAX_LEN + 1);
        let a = intern(&long);
        let b = intern(&long);
        assert_eq!(a, b);
        assert!(!Arc::ptr_eq(&a.0, &b.0));
    }

    #[test]
    fn one_pointer_wide() {
        assert_eq!(
            std::mem::size_of::<Option<SharedStr>>(),
            std::mem::size_of::<usize>()
        );
    }
}
