//! Builds the application and serves it: binds its own listener (port 0 in
//! tests), runs the background metrics flusher, and shuts down gracefully.

use crate::middleware::{
    api_envelope, csrf, form_outcome, metrics, request_id::RandomRequestId, security_headers, server_fn_status,
};
use crate::routes;
use app::ssr::AppState;
use app::ssr::clock::{Clock, SystemClock};
use app::ssr::config::PortalConfig;
use app::ssr::store::Db;
use app::{App, shell};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request};
use axum::{Extension, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use crate::routes::api::body::MAX_BODY_BYTES;

/// A failure to start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The runtime options (`Leptos.toml`, `LEPTOS_*`) or the site are wrong.
    #[error("{0}")]
    Leptos(String),
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] app::ssr::store::StoreError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// The runtime Leptos options: `Leptos.toml` in a checkout, else the release
/// defaults with the site beside the binary ([`crate::site`]).
pub fn leptos_options(path: &str) -> Result<LeptosOptions, StartError> {
    crate::site::options(path).map_err(StartError::Leptos)
}

/// A bound, ready-to-serve portal.
pub struct Portal {
    /// Shared state (tests use it to inspect the database).
    pub state: AppState,
    listener: TcpListener,
    metrics: Arc<metrics::HttpMetrics>,
}

impl Portal {
    /// Connects the database, migrates, and binds `options.site_addr`.
    pub async fn build(config: PortalConfig, options: LeptosOptions) -> Result<Self, StartError> {
        Self::build_with_clock(config, options, Arc::new(SystemClock)).await
    }

    /// Like [`Portal::build`] with an explicit clock.
    pub async fn build_with_clock(
        config: PortalConfig,
        options: LeptosOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let db = Db::connect(&config.database_url).await?;
        let recoded = app::ssr::verification::trust::canonicalize_stored_keys(&db).await?;
        if recoded > 0 {
            tracing::info!(keys = recoded, "stored signing keys re-encoded to their canonical form");
        }
        let addr = options.site_addr;
        let listener = TcpListener::bind(addr).await.map_err(|source| StartError::Bind { addr, source })?;
        let state = AppState::with_clock(db, config, options, clock);
        Ok(Self { state, listener, metrics: Arc::default() })
    }

    /// The bound address (the real port when 0 was asked for).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` resolves, then stops accepting, lets in-flight
    /// requests finish (up to the grace period), flushes metrics and closes the database.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
        let Self { state, listener, metrics } = self;
        let app = router(state.clone(), metrics);
        let flusher = tokio::spawn(flush_loop(state.clone()));
        let checkpointer = tokio::spawn(checkpoint_loop(state.db.clone()));
        let webhooks = tokio::spawn(webhook_loop(state.clone(), state.config.webhook_worker));
        let ledger = state.config.ledger_worker.then(|| tokio::spawn(app::ssr::billing::ledger::run(state.clone())));
        let (tx, mut rx) = tokio::sync::watch::channel(false);
        let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing in-flight requests");
            let _ = tx.send(true);
        });
        let grace = Duration::from_secs(u64::from(state.config.shutdown_grace_seconds));
        let deadline = async move {
            let _ = rx.wait_for(|stopping| *stopping).await;
            tokio::time::sleep(grace).await;
        };
        let result = tokio::select! {
            r = server.into_future() => r,
            () = deadline => {
                tracing::warn!(grace_s = grace.as_secs(), "grace period over; closing remaining connections");
                Ok(())
            }
        };
        flusher.abort();
        checkpointer.abort();
        webhooks.abort(); // a message cut short keeps its lease and is retried after it
        if let Some(ledger) = ledger {
            ledger.abort(); // a batch cut short rolls back whole; the next start posts it
        }
        if let Err(e) = state.sla.flush(&state.db).await {
            tracing::error!(error = %e, "final metrics flush failed");
        }
        state.db.close().await;
        tracing::info!("stopped");
        result
    }
}

/// Checkpoints the SQLite WAL every second, off the request path.
async fn checkpoint_loop(db: app::ssr::store::Db) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        if let Err(e) = db.checkpoint().await {
            tracing::warn!(error = %e, "WAL checkpoint failed; will retry");
        }
    }
}

/// Delivers due tenant webhook messages every second (unless `deliver` is off), and every minute marks
/// idle onboarding sessions abandoned (funnel telemetry).
async fn webhook_loop(state: AppState, deliver: bool) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut last_abandon_check = i64::MIN;
    loop {
        tick.tick().await;
        if deliver && let Err(e) = app::ssr::webhooks::delivery::start_due(&state).await {
            tracing::warn!(error = %e.message, "webhook delivery run failed; will retry");
        }
        let now = state.now_ms();
        if now.saturating_sub(last_abandon_check) >= 60_000 {
            last_abandon_check = now;
            match app::ssr::onboarding::mark_abandoned(&state).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "onboarding sessions marked abandoned"),
                Err(e) => tracing::warn!(error = %e.message, "marking abandoned onboardings failed; will retry"),
            }
        }
    }
}

/// This process, as a job lease holder: host, process id and a random part.
fn lease_holder() -> &'static str {
    static HOLDER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HOLDER.get_or_init(|| {
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "host".into());
        format!("{host}:{}:{:08x}", std::process::id(), rand::random::<u32>())
    })
}

/// Whether this process runs the job `name` for the period now (it holds its
/// lease for `period_ms` less a little, so the next period's run is free).
/// With several processes on one database each job runs once per period.
async fn my_turn(state: &AppState, name: &str, now: i64, period_ms: i64) -> bool {
    match state.db.take_lease(name, lease_holder(), now, now + period_ms * 9 / 10).await {
        Ok(mine) => {
            if !mine {
                tracing::debug!(job = name, "another process holds this period's lease; skipped");
            }
            mine
        }
        Err(e) => {
            tracing::warn!(job = name, error = %e, "cannot take the job lease; will retry");
            false
        }
    }
}

/// Sessions are kept this long after they end (for the audit trail of recent logins).
const SESSION_RETENTION_MS: i64 = 24 * 3_600_000;

/// Writes SLA samples and the heartbeat every `metrics_flush_seconds`, every
/// minute syncs SLO burn-rate alerts, and about hourly deletes sessions that ended more than a day ago, reconciles
/// the month, issues due invoices, re-decides entitlements and purges expired
/// idempotency keys. The minute's and the hour's jobs run on one process per
/// period across all processes on the database (job leases).
async fn flush_loop(state: AppState) {
    let period = Duration::from_secs(u64::from(state.config.metrics_flush_seconds));
    let mut tick = tokio::time::interval(period);
    let mut last_purge = i64::MIN;
    let mut last_key_reload = state.now_ms();
    loop {
        tick.tick().await;
        let now = state.now_ms();
        if let Err(e) = state.sla.flush(&state.db).await {
            tracing::warn!(error = %e, "metrics flush failed; will retry");
        }
        if now.saturating_sub(last_key_reload) >= 60_000 {
            // Picks up a receipt key rotated by the CLI or another process.
            last_key_reload = now;
            state.receipt_keys.reload().await;
            // Burn-rate alerts follow the SLOs minute by minute (the shortest window is 5 minutes).
            let minute = state.config.maintenance_worker && my_turn(&state, "alerts.minute", now, 60_000).await;
            if minute && let Err(e) = app::ssr::slo::alerts::sync(&state).await {
                tracing::warn!(error = %e.message, "SLO burn alert sync failed; will retry");
            }
            if minute && let Err(e) = app::ssr::alert_rules::sync(&state).await {
                tracing::warn!(error = %e.message, "usage, dead-letter and onboarding alert sync failed; will retry");
            }
        }
        if state.config.maintenance_worker && now.saturating_sub(last_purge) >= 3_600_000 {
            last_purge = now;
            if !my_turn(&state, "upkeep.hourly", now, 3_600_000).await {
                continue;
            }
            match state.db.purge_sessions(now - SESSION_RETENTION_MS).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(sessions = n, "purged ended sessions"),
                Err(e) => tracing::warn!(error = %e, "session purge failed; will retry"),
            }
            reconcile_current_month(&state).await;
            // Months past their grace window get their invoices, once.
            if let Err(e) = app::ssr::billing::invoicing::issue_due(&state, "system").await {
                tracing::warn!(error = %e.message, "issuing invoices failed; will retry");
            }
            // Adoption over time, for the dashboards.
            if let Err(e) = app::ssr::dashboard::record_adoption(&state).await {
                tracing::warn!(error = %e.message, "recording adoption failed; will retry");
            }
            // Repositories go inactive with time: bring policy alerts up to date (and retry deliveries).
            if let Err(e) = app::ssr::policy::alerts::sync_policy_alerts(&state).await {
                tracing::warn!(error = %e.message, "alert sync failed; will retry");
            }
            if let Err(e) = app::ssr::audit_kit::alerts::sync(&state).await {
                tracing::warn!(error = %e.message, "overdue-remediation alert sync failed; will retry");
            }
            if let Err(e) = app::ssr::policy::alerts::redeliver(&state).await {
                tracing::warn!(error = %e.message, "alert redelivery failed; will retry");
            }
            // Evidence expires with time: re-decide entitlements (changes are audited).
            if let Err(e) = app::ssr::billing::entitlements::refresh_all(&state).await {
                tracing::warn!(error = %e.message, "entitlement refresh failed; will retry");
            }
            // Login throttle buckets a day old are full again: forget them.
            if let Err(e) = state.db.purge_throttle_buckets(now - 86_400_000).await {
                tracing::warn!(error = %e, "throttle bucket purge failed; will retry");
            }
            match state.db.purge_idempotency_keys(now).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(keys = n, "purged expired idempotency keys"),
                Err(e) => tracing::warn!(error = %e, "idempotency key purge failed; will retry"),
            }
        }
    }
}

/// The hourly reconciliation: logs every tenant whose month does not add up
/// (calls, usage events, ledger, invoice), with the ids involved.
async fn reconcile_current_month(state: &AppState) {
    let period = app::domain::period::Period::containing(state.now_ms());
    match app::ssr::billing::pricing::reconcile_all(&state.db, period).await {
        Ok(list) => {
            for r in list.iter().filter(|r| !r.is_clean()) {
                tracing::warn!(tenant = %r.tenant, period = %r.period, summary = %r.summary(), "reconciliation mismatch");
            }
        }
        Err(e) => tracing::warn!(error = %e.message, "reconciliation failed; will retry"),
    }
}

/// The whole HTTP application.
pub fn router(state: AppState, http_metrics: Arc<metrics::HttpMetrics>) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), move || shell(options.clone()))
        .merge(routes::router())
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::middleware::from_fn(api_envelope::wrap_rejections))
        .layer(axum::middleware::from_fn(server_fn_status::map_error_status))
        .layer(axum::middleware::from_fn(form_outcome::mark_success))
        .layer(axum::middleware::from_fn_with_state((state.clone(), http_metrics.clone()), metrics::track))
        .layer(axum::middleware::from_fn(csrf::refuse_cross_site))
        .layer(axum::middleware::from_fn(security_headers::add))
        // A request that takes longer, body included, is answered 408 (slow bodies hold no worker forever).
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(u64::from(state.config.request_timeout_seconds)),
        ))
        .layer(Extension(http_metrics))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %crate::middleware::loggable_path(req.uri().path()), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO).latency_unit(tower_http::LatencyUnit::Millis)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
        .with_state(state)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
