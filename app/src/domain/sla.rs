//! SLA arithmetic: p95 latency from a bucketed histogram and uptime from
//! probes made from outside the serving process (`trust-portal probe`).
//! Integers only (uptime in parts per million).

use serde::{Deserialize, Serialize};

/// Upper bounds (ms, inclusive) of the latency buckets. 300 is a boundary, so
/// "p95 <= 300 ms" is decided exactly; anything slower lands in the overflow bucket.
pub const LATENCY_BOUNDS_MS: &[u32] = &[
    1, 2, 3, 5, 8, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 200, 250, 300, 400, 500, 750, 1000, 2000, 5000,
    10000,
];

/// Length of one uptime bucket.
pub const UPTIME_BUCKET_MS: i64 = 5 * 60 * 1000;
/// The SLA target for p95 latency.
pub const P95_TARGET_MS: u32 = 300;
/// The SLA target for uptime (99.95 %), in parts per million.
pub const UPTIME_TARGET_PPM: u32 = 999_500;

/// The bucket index (into [`LATENCY_BOUNDS_MS`], or its length for overflow) for a latency.
pub fn bucket_for(latency_us: u64) -> usize {
    LATENCY_BOUNDS_MS.iter().position(|&b| latency_us <= u64::from(b) * 1000).unwrap_or(LATENCY_BOUNDS_MS.len())
}

/// The upper bound (ms) of bucket `i`; `None` for the overflow bucket.
pub fn bucket_bound_ms(i: usize) -> Option<u32> {
    LATENCY_BOUNDS_MS.get(i).copied()
}

/// The 95th percentile as the upper bound of the bucket holding it (a
/// conservative estimate: the true p95 is at most this). `None` with no samples;
/// `Some(u32::MAX)` when it falls in the overflow bucket.
pub fn p95_ms(counts: &[u64]) -> Option<u32> {
    let total: u64 = counts.iter().sum();
    if total == 0 {
        return None;
    }
    // rank = ceil(0.95 * total), at least 1.
    let rank = (total * 95).div_ceil(100).max(1);
    let mut seen = 0u64;
    for (i, &c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(bucket_bound_ms(i).unwrap_or(u32::MAX));
        }
    }
    Some(u32::MAX)
}

/// The start of the 5-minute bucket containing `unix_ms`.
pub fn uptime_bucket(unix_ms: i64) -> i64 {
    unix_ms.div_euclid(UPTIME_BUCKET_MS) * UPTIME_BUCKET_MS
}

/// Uptime in parts per million: probes that found the portal up out of all
/// probes, rounded down (so 99.9499 % never reads as 99.95 %); `None` without probes.
pub fn uptime_ppm(up: u64, total: u64) -> Option<u32> {
    if total == 0 {
        return None;
    }
    u32::try_from(up.min(total) * 1_000_000 / total).ok()
}

/// `n` with thousands separated by commas: 41203 → "41,203".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats parts per million as a percentage with two decimals, rounded down
/// (so 99.9499 % never shows as 99.95 %).
pub fn format_ppm(ppm: u32) -> String {
    let hundredths = ppm / 100;
    format!("{}.{:02}%", hundredths / 100, hundredths % 100)
}

/// The SLA as shown by the badge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaStatus {
    /// p95 latency of the Attestation API in the window, if there were samples.
    pub p95_ms: Option<u32>,
    /// Number of API requests measured.
    pub samples: u64,
    /// Uptime in parts per million from the probes in the window, if there were any.
    pub uptime_ppm: Option<u32>,
    /// Probes that found the portal up.
    pub probes_up: u64,
    /// Probes in the window.
    pub probes: u64,
    /// Length of the window in hours.
    pub window_hours: u32,
}

impl SlaStatus {
    /// Green when both targets are met; unknown values count as not met.
    pub fn is_green(&self) -> bool {
        matches!(self.p95_ms, Some(p) if p <= P95_TARGET_MS)
            && matches!(self.uptime_ppm, Some(u) if u >= UPTIME_TARGET_PPM)
    }

    /// The numbers in words, with their window, numerators and denominators:
    /// "p95 212 ms over 41,203 requests, 30 d; uptime 99.97%, 8,637/8,640 probes".
    pub fn summary(&self) -> String {
        let p95 = match self.p95_ms {
            None => "p95 no data (no requests)".to_owned(),
            Some(u32::MAX) => format!("p95 > 10 s over {} requests", grouped(self.samples)),
            Some(ms) => format!("p95 {ms} ms over {} requests", grouped(self.samples)),
        };
        let uptime = match self.uptime_ppm {
            None => "uptime no data (no probes)".to_owned(),
            Some(u) => format!("uptime {}, {}/{} probes", format_ppm(u), grouped(self.probes_up), grouped(self.probes)),
        };
        let window = if self.window_hours.is_multiple_of(24) {
            format!("{} d", self.window_hours / 24)
        } else {
            format!("{} h", self.window_hours)
        };
        format!("{p95}, {window}; {uptime}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hist(samples_ms: &[u64]) -> Vec<u64> {
        let mut c = vec![0; LATENCY_BOUNDS_MS.len() + 1];
        for &s in samples_ms {
            c[bucket_for(s * 1000)] += 1;
        }
        c
    }

    #[test]
    fn p95_boundary_at_300ms_is_exact() {
        let mut samples = vec![10; 95];
        samples.extend([300; 5]);
        assert_eq!(p95_ms(&hist(&samples)), Some(10));
        let mut samples = vec![10; 94];
        samples.extend([300; 6]);
        assert_eq!(p95_ms(&hist(&samples)), Some(300));
        let mut samples = vec![10; 94];
        samples.extend([301; 6]);
        assert_eq!(p95_ms(&hist(&samples)), Some(400));
        assert_eq!(p95_ms(&hist(&[])), None);
        assert_eq!(p95_ms(&hist(&[20_000])), Some(u32::MAX));
    }

    #[test]
    fn uptime_is_probes_up_over_probes() {
        // 2000 probes, one down: exactly 99.95 %, which meets the target.
        assert_eq!(uptime_ppm(1999, 2000), Some(999_500));
        assert_eq!(uptime_ppm(1998, 2000), Some(999_000));
        assert_eq!(uptime_ppm(1, 1), Some(1_000_000));
        assert_eq!(uptime_ppm(0, 0), None, "no probes is no data, not 100%");
        assert_eq!(format_ppm(999_500), "99.95%");
        assert_eq!(format_ppm(999_499), "99.94%");
        assert_eq!(format_ppm(1_000_000), "100.00%");
    }

    #[test]
    fn green_needs_both_targets() {
        let s = SlaStatus {
            p95_ms: Some(300),
            samples: 10,
            uptime_ppm: Some(999_500),
            probes_up: 1999,
            probes: 2000,
            window_hours: 24,
        };
        assert!(s.is_green());
        assert_eq!(s.summary(), "p95 300 ms over 10 requests, 1 d; uptime 99.95%, 1,999/2,000 probes");
        assert!(!SlaStatus { p95_ms: Some(400), ..s.clone() }.is_green());
        assert!(!SlaStatus { uptime_ppm: Some(999_499), ..s.clone() }.is_green());
        assert!(!SlaStatus { p95_ms: None, ..s }.is_green());
    }

    proptest! {
        #[test]
        fn p95_is_at_least_the_true_p95(mut samples in proptest::collection::vec(0u64..3000, 1..300)) {
            let est = p95_ms(&hist(&samples)).unwrap_or(0);
            samples.sort_unstable();
            let rank = (samples.len() * 95).div_ceil(100).max(1);
            let truth = samples[rank - 1];
            prop_assert!(u64::from(est) >= truth, "estimate {est} < true {truth}");
        }

        #[test]
        fn uptime_never_exceeds_a_million(up in 0u64..10_000, total in 1u64..10_000) {
            let u = uptime_ppm(up, total).unwrap_or(0);
            prop_assert!(u <= 1_000_000);
        }

        #[test]
        fn grouping_keeps_the_digits(n in 0u64..u64::MAX) {
            prop_assert_eq!(grouped(n).replace(',', ""), n.to_string());
        }
    }
}
