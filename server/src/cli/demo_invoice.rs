//! Demo data for invoices: Acme's verifications of last month, made through
//! the real Attestation API service with a clock set to that month, ledgered,
//! and the month's invoice issued. So the invoice list shows an issued,
//! numbered invoice beside this month's drafts. Acme began that month on
//! Starter and moved to Pro on the 11th (audited, as an operator admin would),
//! so the invoice bills each call at the plan in force when it was made.

use app::domain::AppError;
use app::domain::period::Period;
use app::ssr::AppState;
use app::ssr::clock::ManualClock;
use app::ssr::store::OrgRow;
use std::sync::Arc;

/// Acme's verified calls last month: its issued demo invoice bills them.
pub const DEMO_CALLS_ACME_LAST_MONTH: usize = 30;

/// Of those, the calls made on Starter before the upgrade (10 x $0.01); the
/// other 20 were on Pro (20 x $0.005): $0.20 in all.
pub const DEMO_CALLS_ACME_ON_STARTER: usize = 10;

/// When Acme moved from Starter to Pro, in days after the month began (as
/// [`CALL_DAYS`]): the 11th.
const UPGRADE_DAY: i64 = 10;

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

    /// Acme's calls of the month, a third on each of three days (the first
    /// third on Starter, then the upgrade to Pro), then the ledger and the
    /// month's invoice, issued now by `state`.
    pub async fn seed(&self, state: &AppState, org: &OrgRow, api_key_id: &str) -> Result<(), AppError> {
        use app::domain::Plan;
        use app::ssr::identity::accounts::set_plan;
        let per_day = DEMO_CALLS_ACME_LAST_MONTH / CALL_DAYS.len();
        const { assert!(DEMO_CALLS_ACME_ON_STARTER == DEMO_CALLS_ACME_LAST_MONTH / CALL_DAYS.len()) };
        let admin = "admin@operator.demo";
        // The clock starts on the first call day and only moves forward.
        let mut today = CALL_DAYS[0];
        set_plan(&self.then, admin, &org.id, Plan::Starter).await?;
        for day in CALL_DAYS {
            if day > UPGRADE_DAY && today < UPGRADE_DAY {
                self.clock.advance_ms((UPGRADE_DAY - today) * DAY_MS);
                today = UPGRADE_DAY;
                set_plan(&self.then, admin, &org.id, Plan::Pro).await?;
            }
            self.clock.advance_ms((day - today) * DAY_MS);
            today = day;
            super::demo_usage::seed_usage(&self.then, &org.id, api_key_id, per_day).await?;
        }
        // Entitlements as of now (the upgrade computed them as of last month).
        app::ssr::billing::entitlements::for_org(state, &org.id, admin).await?;
        app::ssr::billing::ledger::run_once(state).await.map_err(app::ssr::error::log_internal)?;
        app::ssr::billing::invoicing::issue(state, "demo-seed", org, self.month).await?;
        Ok(())
    }
}

const DAY_MS: i64 = 86_400_000;
