//! Where a feature sits in its file, and why its properties cannot be rewritten.

use std::fmt;

/// Where in a file a feature sits: its 1-based position and its id when it has one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureRef {
    /// 1-based position in the `features` array.
    pub position: usize,
    /// The id, when the feature has one that could be read.
    pub id: Option<String>,
}

impl fmt::Display for FeatureRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "feature {} (id {:?})", self.position, id),
            None => write!(f, "feature {} (no id)", self.position),
        }
    }
}

/// A feature's properties, kept verbatim, cannot be parsed back into a JSON object to be
/// rewritten (they are nested deeper than serde_json's recursion limit of 128).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{feature}: properties cannot be rewritten without losing them ({reason}); flatten them to fewer than 128 levels of nesting"
)]
pub struct PropertiesError {
    /// Which feature.
    pub feature: FeatureRef,
    /// serde_json's description.
    pub reason: String,
}
