//! Request latency per route as a Prometheus histogram (with a bucket
//! boundary at exactly 300 ms), and Attestation API samples for the SLA badge.

use app::ssr::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Bucket upper bounds in microseconds, and their Prometheus `le` labels (seconds).
const BUCKETS_US: &[(u64, &str)] = &[
    (5_000, "0.005"),
    (10_000, "0.01"),
    (25_000, "0.025"),
    (50_000, "0.05"),
    (100_000, "0.1"),
    (200_000, "0.2"),
    (300_000, "0.3"),
    (500_000, "0.5"),
    (1_000_000, "1"),
    (2_500_000, "2.5"),
    (5_000_000, "5"),
    (10_000_000, "10"),
];

#[derive(Default, Clone)]
struct Series {
    buckets: [u64; BUCKETS_US.len()],
    count: u64,
    sum_us: u64,
}

/// Per-(method, route, status) latency histograms.
#[derive(Default)]
pub struct HttpMetrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl HttpMetrics {
    /// Records one finished request.
    pub fn observe(&self, method: &str, route: &str, status: u16, latency_us: u64) {
        let Ok(mut map) = self.series.lock() else { return };
        let s = map.entry((method.to_owned(), route.to_owned(), status)).or_default();
        for (slot, (bound, _)) in s.buckets.iter_mut().zip(BUCKETS_US) {
            if latency_us <= *bound {
                *slot += 1;
            }
        }
        s.count += 1;
        s.sum_us += latency_us;
    }

    /// Prometheus text format (cumulative buckets).
    pub fn render(&self) -> String {
        let mut out = String::from(
            "# HELP http_request_duration_seconds Request latency by route.\n# TYPE http_request_duration_seconds histogram\n",
        );
        let map = self.series.lock().map(|m| m.clone()).unwrap_or_default();
        for ((method, route, status), s) in &map {
            let labels = format!("method=\"{method}\",route=\"{}\",status=\"{status}\"", route.replace('"', "'"));
            for (n, (_, le)) in s.buckets.iter().zip(BUCKETS_US) {
                let _ = writeln!(out, "http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {n}");
            }
            let _ = writeln!(out, "http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(
                out,
                "http_request_duration_seconds_sum{{{labels}}} {}.{:06}",
                s.sum_us / 1_000_000,
                s.sum_us % 1_000_000
            );
            let _ = writeln!(out, "http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        out
    }
}

/// Whether a route belongs to the Attestation API measured by the SLA badge.
pub fn is_attestation_api(route: &str) -> bool {
    route.starts_with("/api/v1/") && route != "/api/v1/openapi.json"
}

/// Whether a response counts towards the public SLA figure: only API work a
/// caller was let in for. Refusals before any work (401 without a valid key,
/// 403, 429 over the rate) answer in microseconds and would flatter the p95.
pub fn counts_for_sla(status: u16) -> bool {
    !matches!(status, 401 | 403 | 429)
}

/// The middleware: times each request by its matched route.
pub async fn track(State((state, metrics)): State<(AppState, Arc<HttpMetrics>)>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let response = next.run(req).await;
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    metrics.observe(&method, &route, response.status().as_u16(), latency_us);
    if is_attestation_api(&route) && counts_for_sla(response.status().as_u16()) {
        state.sla.record(state.now_ms(), latency_us);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_cumulative_buckets_with_300ms_boundary() {
        let m = HttpMetrics::default();
        m.observe("GET", "/api/v1/me", 200, 300_000);
        m.observe("GET", "/api/v1/me", 200, 300_001);
        let text = m.render();
        assert!(text.contains("le=\"0.3\"} 1\n"), "{text}");
        assert!(text.contains("le=\"0.5\"} 2\n"), "{text}");
        assert!(text.contains("le=\"+Inf\"} 2\n"), "{text}");
        assert!(text.contains("_sum{method=\"GET\",route=\"/api/v1/me\",status=\"200\"} 0.600001"), "{text}");
    }

    #[test]
    fn openapi_document_is_not_an_sla_sample() {
        assert!(is_attestation_api("/api/v1/me"));
        assert!(!is_attestation_api("/api/v1/openapi.json"));
        assert!(!is_attestation_api("/api/login"));
    }
}
