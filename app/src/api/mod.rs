//! Server functions, one file per feature. Each is a public endpoint: it
//! parses its inputs into domain types, checks the caller's role and tenant,
//! calls the `ssr` services and maps errors to [`crate::domain::AppError`].
//! Endpoints are named explicitly so their URLs (`/api/<name>`) are stable.

pub mod audit;
pub mod auth;
pub mod evidence;
pub mod keys;
pub mod onboarding;
pub mod prices;
pub mod signature_status;
pub mod sla;
pub mod tenants;
pub mod usage;
pub mod users;
pub mod verifications;
pub mod webhooks;

/// Formats Unix milliseconds for display (UTC, minute precision).
pub fn display_time(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let (h, m) = (secs.rem_euclid(86_400) / 3600, secs.rem_euclid(3600) / 60);
    let (y, mo, d) = crate::domain::period::civil_from_days(days);
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
}
