//! Liveness, readiness and Prometheus metrics (request latency and the business gauges).

use crate::middleware::metrics::HttpMetrics;
use app::ssr::AppState;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Extension, Json, Router};
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;

/// `/healthz`, `/readyz`, `/metrics`.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz)).route("/readyz", get(readyz)).route("/metrics", get(metrics))
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// `/readyz`'s query: `verify=1` adds the synthetic verify the prober asks for.
#[derive(Debug, serde::Deserialize)]
struct ReadyQuery {
    #[serde(default)]
    verify: Option<String>,
}

/// The database answers; with `?verify=1`, a synthetic verify also behaves
/// ([`app::ssr::slo::synthetic`]: nothing recorded or billed).
async fn readyz(State(state): State<AppState>, Query(q): Query<ReadyQuery>) -> impl IntoResponse {
    let database = state.db.ping().await.map_err(|e| tracing::warn!(error = %e, "readiness check failed"));
    let verify = q.verify.is_some().then(app::ssr::slo::synthetic::check);
    if let Some(Err(why)) = &verify {
        tracing::warn!(error = %why, "synthetic verify failed");
    }
    let ready = database.is_ok() && !matches!(verify, Some(Err(_)));
    let mut body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "database": if database.is_ok() { "ok" } else { "unreachable" },
    });
    if let Some(v) = verify {
        body["verify"] = json!(v.err().unwrap_or_else(|| "ok".to_owned()));
    }
    (if ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }, Json(body))
}

/// Prometheus text exposition, not public: with `PORTAL_METRICS_TOKEN` set,
/// only to `Authorization: Bearer <token>`; without it, only to a scraper on
/// this machine (a loopback peer, not forwarded by a proxy). Anyone else gets
/// 404, as if there were nothing here.
async fn metrics(
    State(state): State<AppState>,
    Extension(m): Extension<Arc<HttpMetrics>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> axum::response::Response {
    if !may_scrape(state.config.metrics_token.as_ref().map(|t| t.0.as_str()), peer, &headers) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut text = m.render();
    match app::ssr::business_metrics::render(&state).await {
        Ok(business) => text.push_str(&business),
        // Latency is still worth scraping when the database is not; the gap shows as absent series.
        Err(e) => tracing::warn!(error = %e.message, "business gauges unavailable"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], text).into_response()
}

/// Whether this request may read `/metrics` (see [`metrics`]).
fn may_scrape(token: Option<&str>, peer: SocketAddr, headers: &HeaderMap) -> bool {
    match token {
        Some(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or_default();
            subtle::ConstantTimeEq::ct_eq(given.as_bytes(), token.as_bytes()).into()
        }
        None => {
            let forwarded = ["forwarded", "x-forwarded-for", "x-real-ip"].iter().any(|h| headers.contains_key(*h));
            peer.ip().is_loopback() && !forwarded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_or_token_holding_scrapers_read_metrics() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "203.0.113.9:5000".parse().unwrap();
        let none = HeaderMap::new();
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "198.51.100.7".parse().unwrap());
        assert!(may_scrape(None, local, &none));
        assert!(!may_scrape(None, remote, &none));
        assert!(!may_scrape(None, local, &proxied), "a proxy on this machine forwards outsiders");
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, "Bearer s3cret-token".parse().unwrap());
        assert!(may_scrape(Some("s3cret-token"), remote, &bearer));
        assert!(!may_scrape(Some("s3cret-token"), local, &none), "with a token set, the token is required");
        assert!(!may_scrape(Some("other"), remote, &bearer));
    }
}
