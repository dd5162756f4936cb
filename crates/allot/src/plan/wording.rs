//! Areas in the planner's messages (why a zone cannot be planned) in the unit the user chose
//! (`--units`). In acres the messages read exactly as they always have; in any other unit an
//! area is the unit's table cell and name (`283.28 hectares`, `700-00 acre-ghunta`,
//! `2,832,799 m2`), so a planner who works in hectares or kanal reads the target, the band and
//! the closest zone found in that unit.

use crate::geodesy::{AreaUnit, M2_PER_ACRE};

/// `acres` in `unit`, the number alone: acres with `decimals` places, or as given when
/// `None` (a target as typed: `700`); any other unit as its table cell.
pub(crate) fn number(unit: AreaUnit, acres: f64, decimals: Option<usize>) -> String {
    match (unit, decimals) {
        (AreaUnit::Acres, Some(d)) => format!("{acres:.d$}"),
        // As typed for a target in acres (`700`, `3.5`); to 4 decimals for one converted from
        // another unit (`=283.3ha` is 700.0495 acres, not 700.0495456…).
        (AreaUnit::Acres, None) => format!("{}", (acres * 1e4).round() / 1e4),
        (u, _) => u.cell(acres * M2_PER_ACRE),
    }
}

/// `acres` in `unit` with the unit's name: `12.50 acres`, `5.06 hectares`.
pub(crate) fn area(unit: AreaUnit, acres: f64, decimals: Option<usize>) -> String {
    format!("{} {}", number(unit, acres, decimals), unit.name())
}

/// A target band with the unit's name after it: `700 ± 1 acres`, `283.28 ± 0.40 hectares`.
pub(crate) fn band(unit: AreaUnit, target: f64, tol: f64, decimals: Option<usize>) -> String {
    format!(
        "{} ± {} {}",
        number(unit, target, decimals),
        number(unit, tol, decimals),
        unit.name()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::units::MarlaSize;

    #[test]
    fn acres_read_as_before_and_other_units_as_table_cells() {
        assert_eq!(band(AreaUnit::Acres, 700.0, 1.0, None), "700 ± 1 acres");
        assert_eq!(
            area(AreaUnit::Acres, 283.3 * 10_000.0 / M2_PER_ACRE, None),
            "700.0495 acres"
        );
        assert_eq!(area(AreaUnit::Acres, 3.5, None), "3.5 acres");
        assert_eq!(area(AreaUnit::Acres, 29.654, Some(2)), "29.65 acres");
        // 700 acres × 0.40468564224 ha/acre = 283.279949568 ha; 1 acre = 0.40468564224 ha.
        assert_eq!(
            band(AreaUnit::Hectares, 700.0, 1.0, None),
            "283.28 ± 0.40 hectares"
        );
        // 700 acres = 5,600 kanal (8 to the acre) = 112,000 marla of 272.25 sq ft (160 to the
        // acre) = 3,388,000 sq yd (4,840 to the acre); 700.5 acres = 700 acres 20 ghunta.
        assert_eq!(area(AreaUnit::Kanal, 700.0, Some(2)), "5,600.00 kanal");
        assert_eq!(
            area(AreaUnit::Marla(MarlaSize::Revenue), 700.0, Some(2)),
            "112,000.0 marla"
        );
        assert_eq!(area(AreaUnit::SquareYards, 700.0, None), "3,388,000 sqyd");
        assert_eq!(
            area(AreaUnit::AcreGhunta, 700.5, None),
            "700-20 acre-ghunta"
        );
    }
}
