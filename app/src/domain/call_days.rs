//! Attestation API calls per day by outcome, for the Verifications page's
//! chart, and receipts issued per day by signing key, for the Receipts page's:
//! the last [`DAYS`] UTC days, every day present (quiet ones as zero).

use super::period::Day;
use super::status::CallOutcome;
use serde::{Deserialize, Serialize};

/// Days the chart covers, today included.
pub const DAYS: i64 = 30;
const DAY_MS: i64 = 86_400_000;

/// One day's calls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Calls that verified.
    pub verified: i64,
    /// Calls whose evidence did not verify.
    pub rejected: i64,
    /// Malformed requests.
    pub invalid: i64,
}

/// The first millisecond the chart covers, for `now_ms`.
pub fn window_start(now_ms: i64) -> i64 {
    Day::containing(now_ms).start_ms() - (DAYS - 1) * DAY_MS
}

/// The [`DAYS`] days ending today, oldest first, as `YYYY-MM-DD`; the first
/// is day number `window_start(now_ms) / DAY_MS` since 1970.
pub fn window(now_ms: i64) -> Vec<String> {
    let first = window_start(now_ms).div_euclid(DAY_MS);
    (first..first + DAYS).map(|n| Day::containing(n * DAY_MS).to_string()).collect()
}

/// Receipts issued on one day, by whether the key that signed them still signs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDay {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    /// Signed by the key that signs receipts now.
    pub current: i64,
    /// Signed by a key retired since (they still verify).
    pub retired: i64,
}

/// The [`DAYS`] days ending today from stored `(day number, receipt key id,
/// receipts)` rows; `current_key` is the key that signs now.
pub fn receipt_series(now_ms: i64, rows: &[(i64, String, i64)], current_key: Option<&str>) -> Vec<ReceiptDay> {
    let first = window_start(now_ms).div_euclid(DAY_MS);
    let mut days: Vec<ReceiptDay> =
        window(now_ms).into_iter().map(|day| ReceiptDay { day, current: 0, retired: 0 }).collect();
    for (n, key, receipts) in rows {
        let Some(day) = usize::try_from(n - first).ok().and_then(|i| days.get_mut(i)) else { continue };
        if current_key == Some(key.as_str()) {
            day.current += receipts;
        } else {
            day.retired += receipts;
        }
    }
    days
}

/// The [`DAYS`] days ending today, oldest first, from stored
/// `(day number since 1970, outcome, calls)` rows; rows outside the window
/// or with an unknown outcome are left out.
pub fn series(now_ms: i64, rows: &[(i64, String, i64)]) -> Vec<CallDay> {
    let first = window_start(now_ms).div_euclid(DAY_MS);
    let mut days: Vec<CallDay> =
        window(now_ms).into_iter().map(|day| CallDay { day, verified: 0, rejected: 0, invalid: 0 }).collect();
    for (n, outcome, calls) in rows {
        let Some(day) = usize::try_from(n - first).ok().and_then(|i| days.get_mut(i)) else { continue };
        match CallOutcome::parse(outcome) {
            Ok(CallOutcome::Verified) => day.verified += calls,
            Ok(CallOutcome::Rejected) => day.rejected += calls,
            Ok(CallOutcome::InvalidRequest) => day.invalid += calls,
            Err(_) => {}
        }
    }
    days
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_days_end_today_and_count_each_outcome() {
        let now = Day::parse("2026-12-07").unwrap().start_ms() + 5 * 3_600_000;
        let today = now / DAY_MS;
        let rows = [
            (today, "verified".to_owned(), 4),
            (today, "rejected".to_owned(), 2),
            (today - 29, "invalid_request".to_owned(), 1),
            (today - 30, "verified".to_owned(), 99),
            (today + 1, "verified".to_owned(), 99),
            (today, "exploded".to_owned(), 99),
        ];
        let days = series(now, &rows);
        assert_eq!(days.len(), 30);
        assert_eq!(days[0].day, "2026-11-08");
        assert_eq!(days[0].invalid, 1);
        assert_eq!(days[29], CallDay { day: "2026-12-07".into(), verified: 4, rejected: 2, invalid: 0 });
        assert_eq!(days.iter().map(|d| d.verified).sum::<i64>(), 4, "outside the window or unknown: left out");
        assert_eq!(window_start(now), Day::parse("2026-11-08").unwrap().start_ms());
    }

    #[test]
    fn receipts_split_by_whether_their_key_still_signs() {
        let now = Day::parse("2026-12-07").unwrap().start_ms() + 3_600_000;
        let today = now / DAY_MS;
        let rows =
            [(today, "rk_new".to_owned(), 3), (today, "rk_old".to_owned(), 2), (today - 30, "rk_old".to_owned(), 9)];
        let days = receipt_series(now, &rows, Some("rk_new"));
        assert_eq!(days[29], ReceiptDay { day: "2026-12-07".into(), current: 3, retired: 2 });
        assert_eq!(days.iter().map(|d| d.current + d.retired).sum::<i64>(), 5, "outside the window: left out");
        let none = receipt_series(now, &rows, None);
        assert_eq!((none[29].current, none[29].retired), (0, 5), "no key signs: every receipt is by a retired one");
    }
}
