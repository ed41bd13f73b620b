//! Demo data for invoices: Acme's verifications of last month, made through
//! the real Attestation API service with a clock set to that month, ledgered,
//! and the month's invoice issued. So the invoice list shows an issued,
//! numbered invoice beside this month's drafts.

use app::domain::AppError;
use app::domain::period::Period;
use app::ssr::AppState;
use app::ssr::clock::ManualClock;
use app::ssr::store::OrgRow;
use std::sync::Arc;

/// Acme's verified calls last month: its issued demo invoice bills them
/// (30 x $0.005 on Pro = $0.15).
pub const DEMO_CALLS_ACME_LAST_MONTH: usize = 30;

/// The latest month whose invoice can be issued now (its grace window has
/// passed), and the portal as it was in that month.
pub struct LastMonth {
    /// The month.
    pub month: Period,
    /// The portal with its clock in that month (on the 4th at 14:00 UTC at first).
    pub then: AppState,
    clock: ManualClock,
}

/// Days of the month (from its start) on which Acme's CI called the API.
const CALL_DAYS: [i64; 3] = [3, 11, 19];

impl LastMonth {
    /// The month before the one that now holds the grace window's start.
    pub fn of(state: &AppState) -> Self {
        let grace_ms = i64::from(state.config.invoice_grace_hours) * 3_600_000;
        let month = Period::containing(state.now_ms() - grace_ms).previous();
        let clock = ManualClock::new(month.start_ms() + CALL_DAYS[0] * DAY_MS + 14 * 3_600_000);
        let config = (*state.config).clone();
        let then =
            AppState::with_clock(state.db.clone(), config, state.leptos_options.clone(), Arc::new(clock.clone()));
        Self { month, then, clock }
    }

    /// Acme's calls of the month, a third on each of three days, then the
    /// ledger and the month's invoice, issued now by `state`.
    pub async fn seed(&self, state: &AppState, org: &OrgRow, api_key_id: &str) -> Result<(), AppError> {
        let per_day = DEMO_CALLS_ACME_LAST_MONTH / CALL_DAYS.len();
        for gap in CALL_DAYS.windows(2).map(|w| w[1] - w[0]).chain([0]) {
            super::demo_usage::seed_usage(&self.then, &org.id, api_key_id, per_day).await?;
            self.clock.advance_ms(gap * DAY_MS);
        }
        app::ssr::billing::ledger::run_once(state).await.map_err(app::ssr::error::log_internal)?;
        app::ssr::billing::invoicing::issue(state, "demo-seed", org, self.month).await?;
        Ok(())
    }
}

const DAY_MS: i64 = 86_400_000;
