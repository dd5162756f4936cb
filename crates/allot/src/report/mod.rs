//! Reports: what allot prints and writes about a parcel set (summaries, validation reports,
//! area schedules), as text tables for people and JSON for scripts.

pub mod alternatives;
pub mod corners;
pub mod schedule;
pub mod summary;
pub mod validation;

pub use schedule::Schedule;
pub use summary::{Summary, summarize};

/// Thousands-separated numbers (`12,345.67`); it lives in `util` so the planner's proof status
/// can use it too (the layering rule keeps `plan` below `report`).
pub use crate::util::grouped;

/// Rounds to `decimals` places for JSON output (stable, readable numbers).
pub fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    let r = (x * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}
