//! Money for billing: integers only, no floats anywhere (clippy's
//! `disallowed_types` and `float_arithmetic` enforce it in this crate).
//!
//! Unit prices are held in **micro-dollars** (1 µ$ = $0.000001), so every
//! price we sell ($0.01, $0.005, $0.0025) is exact. An invoice line's amount
//! is `units x unit price`, computed exactly in micro-dollars (128-bit, no
//! overflow), then **rounded once per line to whole cents, half-up** (half a
//! cent goes up). The total is the sum of the rounded lines. So 1 unit at
//! $0.0025 is $0.00 (0.25 cent rounds down) and 3 units are $0.01 (0.75 cent
//! rounds up); 2 units at $0.0025 = 0.5 cent = $0.01 (half goes up).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Micro-dollars per cent.
const MICROS_PER_CENT: i128 = 10_000;

/// A unit price in micro-dollars (>= 0).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UnitPrice(pub i64);

/// An amount in whole cents.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Cents(pub i64);

/// Why a price or amount did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a plain decimal number of dollars.
    #[error("write a dollar amount like 0.0025 (digits, one optional point)")]
    Syntax,
    /// More than six decimals: finer than a micro-dollar.
    #[error("prices have at most 6 decimals (one micro-dollar)")]
    TooPrecise,
    /// Too large to be a real price.
    #[error("price too large")]
    TooLarge,
}

impl UnitPrice {
    /// Parses a dollar amount such as `0.0025` or `$0.01` exactly (no floats).
    pub fn parse_dollars(text: &str) -> Result<Self, MoneyError> {
        let t = text.trim();
        let t = t.strip_prefix('$').unwrap_or(t);
        let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
            return Err(MoneyError::Syntax);
        }
        if frac.len() > 6 {
            return Err(MoneyError::TooPrecise);
        }
        if whole.len() > 9 {
            return Err(MoneyError::TooLarge);
        }
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| MoneyError::Syntax)? };
        let frac_micros: i64 = if frac.is_empty() {
            0
        } else {
            let padded = format!("{frac:0<6}");
            padded.parse().map_err(|_| MoneyError::Syntax)?
        };
        Ok(Self(whole * 1_000_000 + frac_micros))
    }

    /// The exact amount of `units` at this price, in micro-dollars.
    pub fn exact_micros(self, units: i64) -> i128 {
        i128::from(units) * i128::from(self.0)
    }

    /// The line amount for `units`: exact product rounded once to cents, half-up.
    pub fn line_amount(self, units: i64) -> Cents {
        Cents::round_half_up(self.exact_micros(units))
    }
}

impl fmt::Display for UnitPrice {
    /// `$0.0025`: dollars with as many decimals as needed (at least two).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, frac) = (self.0 / 1_000_000, self.0 % 1_000_000);
        let mut frac = format!("{frac:06}");
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        write!(f, "${whole}.{frac}")
    }
}

impl Cents {
    /// Rounds micro-dollars to cents, half-up (towards +infinity at exactly
    /// half; amounts are never negative here, adjustments carry their sign in
    /// the line, not the price).
    pub fn round_half_up(micros: i128) -> Self {
        let cents = (micros + MICROS_PER_CENT / 2).div_euclid(MICROS_PER_CENT);
        Self(i64::try_from(cents).unwrap_or(i64::MAX))
    }

    /// Sum of amounts.
    pub fn sum(amounts: impl IntoIterator<Item = Cents>) -> Self {
        Self(amounts.into_iter().map(|c| c.0).sum())
    }
}

impl fmt::Display for Cents {
    /// `$12.34`, `-$0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}${}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documented_examples() {
        let p = UnitPrice::parse_dollars("0.0025").unwrap();
        assert_eq!(p, UnitPrice(2_500));
        assert_eq!(p.line_amount(1), Cents(0), "0.25 cent rounds down");
        assert_eq!(p.line_amount(2), Cents(1), "exactly half a cent rounds up");
        assert_eq!(p.line_amount(3), Cents(1), "0.75 cent rounds up");
        assert_eq!(UnitPrice::parse_dollars("$0.005").unwrap().line_amount(201), Cents(101));
        assert_eq!(UnitPrice::parse_dollars("0.01").unwrap().line_amount(1_234), Cents(1_234));
    }

    #[test]
    fn parse_and_display() {
        assert_eq!(UnitPrice::parse_dollars("1").unwrap(), UnitPrice(1_000_000));
        assert_eq!(UnitPrice::parse_dollars(".5").unwrap(), UnitPrice(500_000));
        assert_eq!(UnitPrice::parse_dollars("0.0000001"), Err(MoneyError::TooPrecise));
        assert_eq!(UnitPrice::parse_dollars("-1"), Err(MoneyError::Syntax));
        assert_eq!(UnitPrice::parse_dollars("1e3"), Err(MoneyError::Syntax));
        assert_eq!(UnitPrice::parse_dollars("."), Err(MoneyError::Syntax));
        assert_eq!(UnitPrice(2_500).to_string(), "$0.0025");
        assert_eq!(UnitPrice(10_000).to_string(), "$0.01");
        assert_eq!(UnitPrice(0).to_string(), "$0.00");
        assert_eq!(Cents(123_456).to_string(), "$1234.56");
        assert_eq!(Cents(-5).to_string(), "-$0.05");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100_000))]
        /// The line amount is the exact rational product rounded half-up to
        /// cents, checked by an independent computation in whole numbers:
        /// amount is the one integer c with 100c - 50 <= dollars*100 < 100c + 50.
        #[test]
        fn line_amount_is_the_exact_product_rounded_once(
            price in prop::sample::select(vec![10_000i64, 5_000, 2_500]),
            units in 0i64..10_000_000_000,
        ) {
            let c = i128::from(UnitPrice(price).line_amount(units).0);
            let exact = i128::from(units) * i128::from(price); // micro-dollars
            prop_assert!(c * 10_000 - 5_000 <= exact && exact < c * 10_000 + 5_000);
        }
    }
}
