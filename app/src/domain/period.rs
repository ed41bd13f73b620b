//! Billing periods: calendar months in UTC, written `YYYY-MM`. A period covers
//! `[start, end)` in Unix milliseconds. Pure integer date arithmetic (no
//! time-zone database, usable in the browser too).

use serde::{Deserialize, Serialize};
use std::fmt;

const DAY_MS: i64 = 86_400_000;

/// A calendar month in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    /// Year (1970-9999).
    pub year: i32,
    /// Month (1-12).
    pub month: u8,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian; H. Hinnant's algorithm).
fn days_from_civil(year: i32, month: u8, day: u8) -> i64 {
    let y = i64::from(year) - i64::from(month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number since 1970-01-01
/// (inverse of `days_from_civil`, same algorithm).
pub fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, u8::try_from(month).unwrap_or(1), u8::try_from(day).unwrap_or(1))
}

impl Period {
    /// Parses `YYYY-MM`, naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bad = || format!("{t:?} is not a month written YYYY-MM (for example 2026-04)");
        let (y, m) = t.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        if !(1970..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(bad());
        }
        Ok(Self { year, month })
    }

    /// The month holding a time (Unix ms; times before 1970 give January 1970).
    pub fn containing(ms: i64) -> Self {
        let (year, month, _) = civil_from_days(ms.max(0).div_euclid(DAY_MS));
        Self { year: i32::try_from(year).unwrap_or(9999), month }
    }

    /// First millisecond of the month.
    pub fn start_ms(self) -> i64 {
        days_from_civil(self.year, self.month, 1) * DAY_MS
    }

    /// First millisecond after the month.
    pub fn end_ms(self) -> i64 {
        self.next().start_ms()
    }

    /// How many days the month has (28-31).
    pub fn days(self) -> u8 {
        u8::try_from((self.end_ms() - self.start_ms()) / DAY_MS).unwrap_or(31)
    }

    /// The following month.
    pub fn next(self) -> Self {
        if self.month == 12 { Self { year: self.year + 1, month: 1 } } else { Self { month: self.month + 1, ..self } }
    }

    /// The month before.
    pub fn previous(self) -> Self {
        if self.month == 1 { Self { year: self.year - 1, month: 12 } } else { Self { month: self.month - 1, ..self } }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// A calendar day in UTC, written `YYYY-MM-DD`: review dates, due dates and
/// audit periods. Covers `[start_ms, end_ms)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Day {
    /// Year (1970-9999).
    pub year: i32,
    /// Month (1-12).
    pub month: u8,
    /// Day of the month (1-31, valid for the month).
    pub day: u8,
}

impl Day {
    /// Parses `YYYY-MM-DD`, naming what is wrong (the day must exist: no 2026-02-30).
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bad = || format!("{t:?} is not a date written YYYY-MM-DD (for example 2026-04-17)");
        let (ym, d) = t.rsplit_once('-').ok_or_else(bad)?;
        let month = Period::parse(ym).map_err(|_| bad())?;
        if d.len() != 2 || !d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let day: u8 = d.parse().map_err(|_| bad())?;
        if day == 0 || day > month.days() {
            return Err(bad());
        }
        Ok(Self { year: month.year, month: month.month, day })
    }

    /// The day holding a time (Unix ms; times before 1970 give 1970-01-01).
    pub fn containing(ms: i64) -> Self {
        let (year, month, day) = civil_from_days(ms.max(0).div_euclid(DAY_MS));
        Self { year: i32::try_from(year).unwrap_or(9999), month, day }
    }

    /// First millisecond of the day.
    pub fn start_ms(self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * DAY_MS
    }

    /// First millisecond after the day (a due date is met until then).
    pub fn end_ms(self) -> i64 {
        self.start_ms() + DAY_MS
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl TryFrom<String> for Day {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl From<Day> for String {
    fn from(d: Day) -> String {
        d.to_string()
    }
}

/// Formats Unix milliseconds for display (UTC, minute precision).
pub fn display_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let (h, m) = (secs.rem_euclid(86_400) / 3600, secs.rem_euclid(3600) / 60);
    let (y, mo, d) = civil_from_days(days);
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{m:02} UTC")
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_time_matches_known_dates() {
        assert_eq!(super::display_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::display_time(1_795_000_000_000), "2026-11-18 11:06 UTC");
        assert_eq!(super::display_time(951_782_400_000), "2000-02-29 00:00 UTC");
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_months() {
        let april = Period::parse("2026-04").unwrap();
        assert_eq!(april.start_ms(), 1_775_001_600_000); // 2026-04-01T00:00:00Z
        assert_eq!(april.end_ms(), 1_777_593_600_000); // 2026-05-01T00:00:00Z
        assert_eq!(
            Period::parse("2024-02").unwrap().end_ms() - Period::parse("2024-02").unwrap().start_ms(),
            29 * DAY_MS
        );
        assert_eq!(
            [april.days(), Period::parse("2024-02").unwrap().days(), Period::parse("2026-12").unwrap().days()],
            [30, 29, 31]
        );
        assert_eq!(Period::parse("2026-12").unwrap().next().to_string(), "2027-01");
        assert_eq!(Period::parse("2026-01").unwrap().previous().to_string(), "2025-12");
        for bad in ["2026-13", "2026-4", "26-04", "2026/04", "", "1969-12", "2026-00"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn days_parse_only_when_they_exist() {
        let d = Day::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.start_ms(), 1_709_164_800_000);
        assert_eq!(d.end_ms() - d.start_ms(), DAY_MS);
        for bad in ["2023-02-29", "2026-04-31", "2026-04-00", "2026-4-01", "2026-04-1", "20260401", "", "2026-13-01"] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
        assert!(Day::parse("2026-04-30").unwrap() < Day::parse("2026-05-01").unwrap());
    }

    proptest! {
        #[test]
        fn every_time_falls_in_the_month_containing_it(ms in 0i64..253_402_300_799_000) {
            let p = Period::containing(ms);
            prop_assert!(p.start_ms() <= ms && ms < p.end_ms(), "{p} {ms}");
            prop_assert_eq!(Period::parse(&p.to_string()).unwrap(), p);
        }

        #[test]
        fn every_time_falls_in_the_day_containing_it(ms in 0i64..253_402_300_799_000) {
            let d = Day::containing(ms);
            prop_assert!(d.start_ms() <= ms && ms < d.end_ms(), "{d} {ms}");
            prop_assert_eq!(Day::parse(&d.to_string()).unwrap(), d);
        }
    }
}
