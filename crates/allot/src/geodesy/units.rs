//! Units of area: the one place that names them, converts square metres to and from them,
//! parses them (unit names, and amounts with a unit suffix such as `700ac` or `5600kanal`) and
//! formats them for tables and messages.
//!
//! | unit | in m² | definition |
//! |---|---|---|
//! | `acres` | 4,046.8564224 | international acre = 4,840 sq yd (international yard of 1959: 0.9144 m) |
//! | `hectares` | 10,000 | |
//! | `m2` | 1 | |
//! | `sqyd` | 0.83612736 | international square yard (Karachi plots are sold in sq yd) |
//! | `kanal` | 505.8570528 | 1/8 acre (1 acre = 8 kanal, 1 kanal = 20 revenue marla) |
//! | `marla` | 25.29285264 | 272.25 sq ft (revenue records); 250 or 225 sq ft in housing schemes ([`MarlaSize`]) |
//! | `acre-ghunta` | (acres) | acres and ghunta, 1 acre = 40 ghunta (1 ghunta = 121 sq yd), shown `700-00` |
//!
//! A kanal is always 1/8 acre here, whatever marla size is chosen: the marla size changes the
//! `marla` unit only.

use std::fmt;

use crate::util::{closest, grouped};

/// Square metres in one international acre (exact by definition: 4,840 square yards of
/// 0.9144² m²).
pub const M2_PER_ACRE: f64 = 4_046.856_422_4;
/// Square metres in one hectare.
pub const M2_PER_HECTARE: f64 = 10_000.0;
/// Kanal per acre in the Sindh and Punjab land records (1 acre = 8 kanal = 160 marla).
pub const KANAL_PER_ACRE: f64 = 8.0;
/// Square metres in one international square yard (0.9144 m × 0.9144 m, exact).
pub const M2_PER_SQUARE_YARD: f64 = 0.836_127_36;
/// Square metres in one international square foot (0.3048 m × 0.3048 m, exact).
pub const M2_PER_SQUARE_FOOT: f64 = 0.092_903_04;
/// Ghunta per acre in Sindh revenue records.
pub const GHUNTA_PER_ACRE: f64 = 40.0;

/// The size of a marla, which differs between land records: 272.25 sq ft in revenue records
/// (1/160 acre, 20 to the kanal), 250 or 225 sq ft in many housing schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MarlaSize {
    /// 272.25 sq ft (revenue records; 160 marla to the acre).
    #[default]
    Revenue,
    /// 250 sq ft (housing schemes).
    Sqft250,
    /// 225 sq ft (housing schemes).
    Sqft225,
}

impl MarlaSize {
    /// The marla's size in square feet.
    pub fn square_feet(self) -> f64 {
        match self {
            MarlaSize::Revenue => 272.25,
            MarlaSize::Sqft250 => 250.0,
            MarlaSize::Sqft225 => 225.0,
        }
    }

    /// The marla of `sqft` square feet: 272.25, 250 or 225 (the sizes in use).
    ///
    /// ```
    /// use allot::geodesy::units::MarlaSize;
    /// assert_eq!(MarlaSize::parse("250"), Ok(MarlaSize::Sqft250));
    /// assert!(MarlaSize::parse("300").is_err());
    /// ```
    pub fn parse(sqft: &str) -> Result<MarlaSize, UnitError> {
        let v = sqft.trim().parse::<f64>().ok();
        [MarlaSize::Revenue, MarlaSize::Sqft250, MarlaSize::Sqft225]
            .into_iter()
            .find(|m| Some(m.square_feet()) == v)
            .ok_or_else(|| UnitError::MarlaSize(sqft.to_string()))
    }
}

/// A unit of area allot can report in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AreaUnit {
    /// International acres (the default: the PSM allocations are stated in acres).
    #[default]
    Acres,
    /// Hectares.
    Hectares,
    /// Square metres.
    SquareMetres,
    /// International square yards.
    SquareYards,
    /// Kanal (1/8 acre).
    Kanal,
    /// Marla of the given size.
    Marla(MarlaSize),
    /// Acres and ghunta (40 to the acre), written `A-GG`; as a number, acres.
    AcreGhunta,
}

/// Every unit name allot accepts, with the unit it means (the first name of each unit is the
/// one it is shown with).
const NAMES: &[(&str, AreaUnit)] = &[
    ("acres", AreaUnit::Acres),
    ("acre", AreaUnit::Acres),
    ("ac", AreaUnit::Acres),
    ("hectares", AreaUnit::Hectares),
    ("hectare", AreaUnit::Hectares),
    ("ha", AreaUnit::Hectares),
    ("m2", AreaUnit::SquareMetres),
    ("m²", AreaUnit::SquareMetres),
    ("sqm", AreaUnit::SquareMetres),
    ("sqyd", AreaUnit::SquareYards),
    ("sqyds", AreaUnit::SquareYards),
    ("yd2", AreaUnit::SquareYards),
    ("kanal", AreaUnit::Kanal),
    ("kanals", AreaUnit::Kanal),
    ("marla", AreaUnit::Marla(MarlaSize::Revenue)),
    ("marlas", AreaUnit::Marla(MarlaSize::Revenue)),
    ("acre-ghunta", AreaUnit::AcreGhunta),
];

/// The unit names shown in help and errors.
pub const UNIT_NAMES: &[&str] = &[
    "acres",
    "hectares",
    "m2",
    "sqyd",
    "kanal",
    "marla",
    "acre-ghunta",
];

/// A unit or amount that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitError {
    /// An unknown unit name, with the closest known name when one is near.
    Unknown {
        /// The name given.
        name: String,
        /// The closest known name (see `util::closest`), if any.
        suggestion: Option<&'static str>,
    },
    /// An amount that is not a finite, non-negative number.
    Amount(String),
    /// A marla size other than 272.25, 250 or 225 sq ft.
    MarlaSize(String),
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UnitError::Unknown { name, suggestion } => {
                write!(f, "unknown unit {name:?}")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean {s:?}?")?;
                }
                write!(f, " (units: {})", UNIT_NAMES.join(", "))
            }
            UnitError::Amount(text) => write!(
                f,
                "{text:?} is not an area: expected a finite, non-negative number with an \
                 optional unit suffix, e.g. 700, 700ac, 283.3ha, 5600kanal, 3388000sqyd"
            ),
            UnitError::MarlaSize(text) => write!(
                f,
                "marla size {text:?} is not one in use: 272.25 (revenue records), 250 or 225 \
                 sq ft (housing schemes)"
            ),
        }
    }
}

impl std::error::Error for UnitError {}

impl AreaUnit {
    /// Parses a unit name (`acres`, `ac`, `hectares`, `ha`, `m2`, `sqyd`, `kanal`, `marla`,
    /// `acre-ghunta`, …; case-insensitive). A marla is the revenue marla until
    /// [`with_marla`](Self::with_marla) says otherwise. An unknown name names the closest known
    /// one.
    ///
    /// ```
    /// use allot::AreaUnit;
    /// assert_eq!(AreaUnit::parse("ha"), Ok(AreaUnit::Hectares));
    /// let e = AreaUnit::parse("acers").unwrap_err().to_string();
    /// assert!(e.contains("did you mean \"acres\"?"), "{e}");
    /// ```
    pub fn parse(name: &str) -> Result<AreaUnit, UnitError> {
        let key = name.trim().to_lowercase();
        if let Some((_, u)) = NAMES.iter().find(|(n, _)| *n == key) {
            return Ok(*u);
        }
        let suggestion = closest(&key, NAMES.iter().map(|(n, _)| *n))
            .and_then(|n| NAMES.iter().find(|(m, _)| *m == n))
            .map(|(_, u)| u.name());
        Err(UnitError::Unknown {
            name: name.to_string(),
            suggestion,
        })
    }

    /// This unit with the marla of `size` (units other than marla are unchanged).
    pub fn with_marla(self, size: MarlaSize) -> AreaUnit {
        match self {
            AreaUnit::Marla(_) => AreaUnit::Marla(size),
            u => u,
        }
    }

    /// Square metres in one of this unit (acre-ghunta counts in acres).
    pub fn m2_per_unit(self) -> f64 {
        match self {
            AreaUnit::Acres | AreaUnit::AcreGhunta => M2_PER_ACRE,
            AreaUnit::Hectares => M2_PER_HECTARE,
            AreaUnit::SquareMetres => 1.0,
            AreaUnit::SquareYards => M2_PER_SQUARE_YARD,
            AreaUnit::Kanal => M2_PER_ACRE / KANAL_PER_ACRE,
            AreaUnit::Marla(size) => size.square_feet() * M2_PER_SQUARE_FOOT,
        }
    }

    /// Converts square metres to this unit (acre-ghunta: to acres).
    ///
    /// ```
    /// use allot::AreaUnit;
    /// assert_eq!(AreaUnit::Acres.from_m2(4046.8564224), 1.0);
    /// assert_eq!(AreaUnit::Kanal.from_m2(4046.8564224), 8.0);
    /// ```
    pub fn from_m2(self, m2: f64) -> f64 {
        match self {
            AreaUnit::SquareMetres => m2,
            AreaUnit::Acres | AreaUnit::AcreGhunta => m2 / M2_PER_ACRE,
            AreaUnit::Hectares => m2 / M2_PER_HECTARE,
            AreaUnit::Kanal => m2 / M2_PER_ACRE * KANAL_PER_ACRE,
            _ => m2 / self.m2_per_unit(),
        }
    }

    /// Converts an amount in this unit to square metres.
    pub fn to_m2(self, amount: f64) -> f64 {
        match self {
            AreaUnit::Kanal => amount / KANAL_PER_ACRE * M2_PER_ACRE,
            _ => amount * self.m2_per_unit(),
        }
    }

    /// The short name used in tables, headers and JSON (`acres`, `hectares`, `m2`, `sqyd`,
    /// `kanal`, `marla`, `acre-ghunta`).
    pub fn name(self) -> &'static str {
        match self {
            AreaUnit::Acres => "acres",
            AreaUnit::Hectares => "hectares",
            AreaUnit::SquareMetres => "m2",
            AreaUnit::SquareYards => "sqyd",
            AreaUnit::Kanal => "kanal",
            AreaUnit::Marla(_) => "marla",
            AreaUnit::AcreGhunta => "acre-ghunta",
        }
    }

    /// The unit of this unit's numbers where a number is needed (JSON, CSV): acres for
    /// acre-ghunta, itself otherwise.
    pub fn numeric(self) -> AreaUnit {
        match self {
            AreaUnit::AcreGhunta => AreaUnit::Acres,
            u => u,
        }
    }

    /// The property key of an area in this unit: `area_acres`, `area_sqyd`, `area_marla`,
    /// `area_acre_ghunta`, ….
    pub fn property_key(self) -> String {
        format!("area_{}", self.name().replace('-', "_"))
    }

    /// Decimals of a table cell in this unit: 2 for acres, hectares and kanal, 1 for marla, 0 for
    /// square metres and yards.
    pub fn decimals(self) -> usize {
        match self {
            AreaUnit::SquareMetres | AreaUnit::SquareYards | AreaUnit::AcreGhunta => 0,
            AreaUnit::Marla(_) => 1,
            _ => 2,
        }
    }

    /// An area as a table cell: square metres in this unit with thousands separators and
    /// [`decimals`](Self::decimals) places, acre-ghunta as `A-GG`.
    ///
    /// ```
    /// use allot::AreaUnit;
    /// assert_eq!(AreaUnit::SquareYards.cell(4046.8564224 * 700.0), "3,388,000");
    /// assert_eq!(AreaUnit::AcreGhunta.cell(4046.8564224 * 700.5), "700-20");
    /// ```
    pub fn cell(self, m2: f64) -> String {
        self.cell_with(m2, self.decimals())
    }

    /// An area as a table cell with `decimals` places (ignored by acre-ghunta).
    pub fn cell_with(self, m2: f64, decimals: usize) -> String {
        match self {
            AreaUnit::AcreGhunta => acre_ghunta(m2 / M2_PER_ACRE),
            _ => grouped(self.from_m2(m2), decimals),
        }
    }

    /// A signed difference as a table cell: `+0.40`, `-1.25`, `+0-02`.
    pub fn signed_cell(self, m2: f64) -> String {
        let cell = self.cell(m2);
        if cell.starts_with('-') {
            cell
        } else {
            format!("+{cell}")
        }
    }

    /// An area for a message: square metres in this unit with its name, `12.50 m²` (2
    /// decimals for m² and sq yd, 4 for marla, 6 for acres, hectares and kanal), acre-ghunta as
    /// `A-GG acre-ghunta` followed by the square metres when that rounds to `0-00`.
    ///
    /// ```
    /// use allot::AreaUnit;
    /// assert_eq!(AreaUnit::SquareMetres.text(12.5), "12.50 m²");
    /// assert_eq!(AreaUnit::Kanal.text(4046.8564224), "8.000000 kanal");
    /// assert_eq!(AreaUnit::AcreGhunta.text(12.5), "0-00 acre-ghunta (12.50 m²)");
    /// ```
    pub fn text(self, m2: f64) -> String {
        // `+ 0.0`: no "-0.00".
        let v = self.from_m2(m2) + 0.0;
        match self {
            AreaUnit::SquareMetres => format!("{v:.2} m²"),
            AreaUnit::SquareYards => format!("{v:.2} sq yd"),
            AreaUnit::Marla(_) => format!("{v:.4} marla"),
            AreaUnit::AcreGhunta => {
                let ag = acre_ghunta(v);
                if ag.trim_start_matches('-') == "0-00" && m2 != 0.0 {
                    format!("{ag} acre-ghunta ({:.2} m²)", m2 + 0.0)
                } else {
                    format!("{ag} acre-ghunta")
                }
            }
            _ => format!("{v:.6} {}", self.name()),
        }
    }

    /// The line a report prints under its header when the unit needs its definition stated:
    /// the marla's size, or how acre-ghunta are written. `None` for the other units.
    ///
    /// ```
    /// use allot::AreaUnit;
    /// use allot::geodesy::units::MarlaSize;
    /// assert_eq!(
    ///     AreaUnit::Marla(MarlaSize::Sqft225).header_note().unwrap(),
    ///     "1 marla = 225 sq ft (20.903 m²)"
    /// );
    /// ```
    pub fn header_note(self) -> Option<String> {
        match self {
            AreaUnit::Marla(size) => Some(format!(
                "1 marla = {} sq ft ({:.3} m²)",
                size.square_feet(),
                self.m2_per_unit()
            )),
            AreaUnit::AcreGhunta => {
                Some("acre-ghunta: A-GG, 1 acre = 40 ghunta (1 ghunta = 121 sq yd)".into())
            }
            _ => None,
        }
    }
}

/// Acres written as acre-ghunta `A-GG` (1 acre = 40 ghunta), rounded to the nearest ghunta with
/// the carry into acres (0.9999 acre is `1-00`, never `0-40`), thousands grouped.
///
/// ```
/// use allot::geodesy::units::acre_ghunta;
/// assert_eq!(acre_ghunta(700.0), "700-00");
/// assert_eq!(acre_ghunta(0.9999), "1-00");
/// assert_eq!(acre_ghunta(10_300.125), "10,300-05");
/// ```
pub fn acre_ghunta(acres: f64) -> String {
    let ghunta = (acres.abs() * GHUNTA_PER_ACRE).round();
    let whole = (ghunta / GHUNTA_PER_ACRE).floor();
    let rest = ghunta - whole * GHUNTA_PER_ACRE;
    let sign = if acres < 0.0 && ghunta > 0.0 { "-" } else { "" };
    format!("{sign}{}-{:02}", grouped(whole, 0), rest as u32)
}

/// An area as typed on a command line: a number and its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    /// The number.
    pub value: f64,
    /// Its unit (acres when none was given).
    pub unit: AreaUnit,
}

impl Amount {
    /// Parses `700`, `700ac`, `283.3ha`, `5600kanal`, `3388000sqyd`, `112000marla`,
    /// `2.5 hectares`: a finite, non-negative number and an optional unit suffix (acres when
    /// there is none).
    ///
    /// ```
    /// use allot::AreaUnit;
    /// use allot::geodesy::units::Amount;
    /// let a = Amount::parse("283.3ha").unwrap();
    /// assert_eq!((a.value, a.unit), (283.3, AreaUnit::Hectares));
    /// assert!(Amount::parse("700acers").unwrap_err().to_string().contains("\"acres\""));
    /// ```
    pub fn parse(text: &str) -> Result<Amount, UnitError> {
        let t = text.trim();
        let split = t
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(t.len());
        let (number, suffix) = t.split_at(split);
        let value: f64 = number
            .parse()
            .map_err(|_| UnitError::Amount(text.to_string()))?;
        if !value.is_finite() || value < 0.0 {
            return Err(UnitError::Amount(text.to_string()));
        }
        let suffix = suffix.trim();
        let unit = if suffix.is_empty() {
            AreaUnit::Acres
        } else {
            AreaUnit::parse(suffix)?
        };
        Ok(Amount { value, unit })
    }

    /// The amount in acres, a marla counted at `marla`.
    ///
    /// ```
    /// use allot::geodesy::units::{Amount, MarlaSize};
    /// let a = Amount::parse("5600kanal").unwrap();
    /// assert_eq!(a.acres(MarlaSize::Revenue), 700.0);
    /// ```
    pub fn acres(self, marla: MarlaSize) -> f64 {
        match self.unit {
            AreaUnit::Acres | AreaUnit::AcreGhunta => self.value,
            AreaUnit::Kanal => self.value / KANAL_PER_ACRE,
            u => u.with_marla(marla).to_m2(self.value) / M2_PER_ACRE,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Truth by hand: 1 ft = 0.3048 m and 1 yd = 0.9144 m exactly; 1 acre = 43,560 sq ft =
    // 4,840 sq yd; so 1 acre = 43,560 × 0.09290304 = 4,046.8564224 m².
    #[test]
    fn conversions_match_hand_computed_values() {
        let acre = 43_560.0 * 0.3048 * 0.3048;
        assert!((acre - M2_PER_ACRE).abs() < 1e-9);
        assert!((4_840.0 * 0.9144 * 0.9144 - M2_PER_ACRE).abs() < 1e-9);
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs().max(1.0);
        // 700 acres in every unit.
        let m2 = 700.0 * M2_PER_ACRE;
        assert!(close(AreaUnit::Acres.from_m2(m2), 700.0));
        assert!(close(AreaUnit::Hectares.from_m2(m2), 283.279_949_568));
        assert!(close(AreaUnit::SquareMetres.from_m2(m2), 2_832_799.495_68));
        assert!(close(AreaUnit::SquareYards.from_m2(m2), 3_388_000.0));
        assert!(close(AreaUnit::Kanal.from_m2(m2), 5_600.0));
        // Revenue marla: 43,560 / 272.25 = 160 to the acre.
        assert!(close(
            AreaUnit::Marla(MarlaSize::Revenue).from_m2(m2),
            112_000.0
        ));
        // 250 sq ft: 43,560 / 250 = 174.24 to the acre; 225 sq ft: 193.6 to the acre.
        assert!(close(
            AreaUnit::Marla(MarlaSize::Sqft250).from_m2(m2),
            121_968.0
        ));
        assert!(close(
            AreaUnit::Marla(MarlaSize::Sqft225).from_m2(m2),
            135_520.0
        ));
        // One marla in m²: 272.25 × 0.09290304 = 25.29285264; 250 → 23.22576; 225 → 20.903184.
        assert!(close(
            AreaUnit::Marla(MarlaSize::Revenue).m2_per_unit(),
            25.292_852_64
        ));
        assert!(close(
            AreaUnit::Marla(MarlaSize::Sqft250).m2_per_unit(),
            23.225_76
        ));
        assert!(close(
            AreaUnit::Marla(MarlaSize::Sqft225).m2_per_unit(),
            20.903_184
        ));
        // A kanal is 20 revenue marla.
        assert!(close(
            AreaUnit::Kanal.m2_per_unit(),
            20.0 * AreaUnit::Marla(MarlaSize::Revenue).m2_per_unit()
        ));
        // A ghunta is 121 sq yd.
        assert!(close(
            M2_PER_ACRE / GHUNTA_PER_ACRE,
            121.0 * M2_PER_SQUARE_YARD
        ));
        // Round trips.
        for u in [
            AreaUnit::Acres,
            AreaUnit::Hectares,
            AreaUnit::SquareMetres,
            AreaUnit::SquareYards,
            AreaUnit::Kanal,
            AreaUnit::Marla(MarlaSize::Sqft225),
            AreaUnit::AcreGhunta,
        ] {
            assert!(close(u.to_m2(u.from_m2(m2)), m2), "{u:?}");
        }
    }

    #[test]
    fn acre_ghunta_rounds_with_carry() {
        assert_eq!(acre_ghunta(700.0), "700-00");
        assert_eq!(acre_ghunta(0.9999), "1-00");
        assert_eq!(acre_ghunta(0.9874), "0-39");
        assert_eq!(acre_ghunta(699.45), "699-18");
        // Half a ghunta rounds away from zero: 0.0125 acre = 0.5 ghunta.
        assert_eq!(acre_ghunta(0.0125), "0-01");
        assert_eq!(acre_ghunta(0.012), "0-00");
        assert_eq!(acre_ghunta(-0.55), "-0-22");
        assert_eq!(acre_ghunta(-0.001), "0-00");
        assert_eq!(acre_ghunta(10_300.0), "10,300-00");
        assert_eq!(
            AreaUnit::AcreGhunta.signed_cell(0.55 * M2_PER_ACRE),
            "+0-22"
        );
        assert_eq!(AreaUnit::Acres.signed_cell(-0.55 * M2_PER_ACRE), "-0.55");
    }

    #[test]
    fn names_parse_and_typos_get_a_suggestion() {
        for (name, unit) in NAMES {
            assert_eq!(AreaUnit::parse(name), Ok(*unit));
            assert_eq!(AreaUnit::parse(&name.to_uppercase()), Ok(*unit));
        }
        for name in UNIT_NAMES {
            assert_eq!(AreaUnit::parse(name).unwrap().name(), *name);
        }
        let suggest = |s: &str| match AreaUnit::parse(s) {
            Err(UnitError::Unknown { suggestion, .. }) => suggestion,
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(suggest("acers"), Some("acres"));
        assert_eq!(suggest("hectars"), Some("hectares"));
        assert_eq!(suggest("kanals2"), Some("kanal"));
        assert_eq!(suggest("sqyrd"), Some("sqyd"));
        assert_eq!(suggest("acre-gunta"), Some("acre-ghunta"));
        assert_eq!(suggest("xyzzy-furlongs"), None);
    }

    #[test]
    fn amounts_with_suffixes() {
        let acres = |s: &str| Amount::parse(s).unwrap().acres(MarlaSize::Revenue);
        assert_eq!(acres("700"), 700.0);
        assert_eq!(acres("700ac"), 700.0);
        assert_eq!(acres("5600kanal"), 700.0);
        assert!((acres("3388000sqyd") - 700.0).abs() < 1e-9);
        assert!((acres("283.3ha") - 283.3 * 10_000.0 / M2_PER_ACRE).abs() < 1e-12);
        assert!((acres("112000marla") - 700.0).abs() < 1e-9);
        assert!((acres("2.5 hectares") - 6.177_634_5).abs() < 1e-6);
        // The marla size given at conversion counts: 135,520 marla of 225 sq ft are 700 acres.
        let m = Amount::parse("135520marla").unwrap();
        assert!((m.acres(MarlaSize::Sqft225) - 700.0).abs() < 1e-9);
        for bad in ["", "ac", "-5", "1.2.3", "7e2", "NaN", "700acers"] {
            assert!(Amount::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(MarlaSize::parse("272.25"), Ok(MarlaSize::Revenue));
        assert_eq!(MarlaSize::parse("225"), Ok(MarlaSize::Sqft225));
        assert!(MarlaSize::parse("272").is_err());
    }

    #[test]
    fn messages_and_cells() {
        assert_eq!(AreaUnit::SquareYards.text(M2_PER_ACRE), "4840.00 sq yd");
        assert_eq!(
            AreaUnit::Marla(MarlaSize::Revenue).text(M2_PER_ACRE),
            "160.0000 marla"
        );
        assert_eq!(
            AreaUnit::AcreGhunta.text(700.5 * M2_PER_ACRE),
            "700-20 acre-ghunta"
        );
        assert_eq!(
            AreaUnit::Marla(MarlaSize::Revenue).cell(M2_PER_ACRE),
            "160.0"
        );
        assert_eq!(AreaUnit::AcreGhunta.property_key(), "area_acre_ghunta");
        assert_eq!(
            AreaUnit::Marla(MarlaSize::Revenue).header_note().unwrap(),
            "1 marla = 272.25 sq ft (25.293 m²)"
        );
        assert_eq!(AreaUnit::Acres.header_note(), None);
    }
}
