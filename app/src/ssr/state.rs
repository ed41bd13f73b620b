//! Everything a request handler needs, cloned cheaply into each request.

use crate::domain::entitlements::HIGH_RATE_FACTOR;
use crate::ssr::clock::{Clock, SystemClock};
use crate::ssr::config::PortalConfig;
use crate::ssr::sla::SlaRecorder;
use crate::ssr::store::Db;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// Shared application state (database, config, clock, metrics). Cloned into
/// every request and middleware, so it is one reference-counted pointer; its
/// fields are reached through `Deref` (`state.db`).
#[derive(Clone)]
pub struct AppState(Arc<Services>);

/// What [`AppState`] points at.
pub struct Services {
    /// The database.
    pub db: Db,
    /// Validated settings.
    pub config: Arc<PortalConfig>,
    /// The source of time (simulated in tests).
    pub clock: Arc<dyn Clock>,
    /// Attestation API latency and uptime recorder.
    pub sla: Arc<SlaRecorder>,
    /// Per-API-key rate limits of the Attestation API.
    pub rate_limiter: Arc<crate::ssr::rate_limit::RateLimiter>,
    /// Per-account limit on login attempts (password guessing).
    pub login_limiter: Arc<crate::ssr::rate_limit::RateLimiter>,
    /// Login attempts per client address, all accounts together.
    pub login_client_limiter: Arc<crate::ssr::rate_limit::RateLimiter>,
    /// When throttled logins were last written to the audit log.
    pub throttle_log: Arc<crate::ssr::rate_limit::ThrottleLog>,
    /// Tenants whose webhook deliveries are running in this process.
    pub webhook_in_flight: Arc<crate::ssr::webhooks::delivery::InFlight>,
    /// Heavy requests (verifications, uploads) running per tenant.
    pub tenant_gate: Arc<crate::ssr::rate_limit::TenantGate>,
    /// The portal's receipt-signing key.
    pub receipt_keys: Arc<crate::ssr::verification::receipts::ReceiptKeys>,
    /// Parsed trusted roots added by admins.
    pub roots: Arc<crate::ssr::verification::trust::RootCache>,
    /// Group-commit writer of Attestation API call records.
    pub calls: Arc<crate::ssr::verification::group_commit::CallWriter>,
    /// Per-key locks of concurrent idempotent retries.
    pub idempotency_locks: Arc<crate::ssr::verification::idempotency::KeyLocks>,
    /// Recent entitlement decisions per tenant.
    pub entitlements: Arc<crate::ssr::billing::entitlements::EntitlementCache>,
    /// Rate limits of API keys whose tenant has the high-rate-limit feature.
    pub rate_limiter_high: Arc<crate::ssr::rate_limit::RateLimiter>,
    /// API rate-limit tokens this process took from the shared buckets ahead of use (Postgres).
    pub api_leases: Arc<crate::ssr::rate_limit::Leases>,
    /// The SSRF guard and its shared HTTP client for webhooks and repository hosts.
    pub outbound: Arc<crate::ssr::webhooks::ssrf::Outbound>,
    /// Where the next id's parts come from (ids sort in creation order).
    ids: Arc<std::sync::Mutex<crate::domain::ids::Monotonic>>,
    /// Leptos runtime options (site root, output name).
    pub leptos_options: LeptosOptions,
}

impl AppState {
    /// Builds state around a connected database, using the wall clock.
    pub fn new(db: Db, config: PortalConfig, leptos_options: LeptosOptions) -> Self {
        Self::with_clock(db, config, leptos_options, Arc::new(SystemClock))
    }

    /// Builds state with an explicit clock.
    pub fn with_clock(db: Db, config: PortalConfig, leptos_options: LeptosOptions, clock: Arc<dyn Clock>) -> Self {
        let rate_limiter =
            Arc::new(crate::ssr::rate_limit::RateLimiter::new(config.api_rate_per_minute, config.api_burst));
        let rate_limiter_high = Arc::new(crate::ssr::rate_limit::RateLimiter::new(
            config.api_rate_per_minute.saturating_mul(HIGH_RATE_FACTOR),
            config.api_burst.saturating_mul(HIGH_RATE_FACTOR),
        ));
        let outbound = Arc::new(crate::ssr::webhooks::ssrf::Outbound::new(config.outbound()));
        let tenant_gate = Arc::new(crate::ssr::rate_limit::TenantGate::new(config.tenant_concurrency));
        Self(Arc::new(Services {
            outbound,
            db,
            config: Arc::new(config),
            clock,
            sla: Arc::new(SlaRecorder::default()),
            rate_limiter,
            login_limiter: Arc::new(crate::ssr::rate_limit::RateLimiter::new(
                crate::ssr::identity::throttle::LOGIN_ATTEMPTS_PER_MINUTE,
                crate::ssr::identity::throttle::LOGIN_ATTEMPTS_BURST,
            )),
            login_client_limiter: Arc::new(crate::ssr::rate_limit::RateLimiter::new(
                crate::ssr::identity::throttle::CLIENT_LOGIN_ATTEMPTS_PER_MINUTE,
                crate::ssr::identity::throttle::CLIENT_LOGIN_ATTEMPTS_BURST,
            )),
            throttle_log: Arc::default(),
            webhook_in_flight: Arc::default(),
            tenant_gate,
            receipt_keys: Arc::default(),
            roots: Arc::default(),
            calls: Arc::default(),
            idempotency_locks: Arc::default(),
            entitlements: Arc::default(),
            rate_limiter_high,
            api_leases: Arc::default(),
            ids: Arc::default(),
            leptos_options,
        }))
    }

    /// Now, from the state's clock.
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// A fresh typed id stamped with the state's clock.
    /// Ids this process hands out sort in the order it handed them out
    /// ([`crate::domain::ids::Monotonic`]).
    pub fn new_id<T>(&self, from_parts: fn(u64, u128) -> T) -> T {
        let now = u64::try_from(self.now_ms()).unwrap_or(0);
        let mut ids = self.ids.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let (ms, random) = ids.next(now, rand::random::<u128>());
        from_parts(ms, random)
    }
}

impl std::ops::Deref for AppState {
    type Target = Services;

    fn deref(&self) -> &Services {
        &self.0
    }
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state from the Leptos context (inside server functions and SSR).
pub fn use_app_state() -> Result<AppState, crate::domain::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or_else(crate::domain::AppError::internal)
}
