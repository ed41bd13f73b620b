//! Storage: one [`Db`] over SQLite (embedded default) or Postgres (several
//! server processes), chosen by the URL scheme at start.
//!
//! Both backends run the same SQL through sqlx's `Any` driver with `$n`
//! placeholders; where the dialects differ, [`Backend`] picks the statement.
//! Migrations live in `migrations/sqlite` and `migrations/postgres` with the
//! same version numbers and are applied at start. Queries are grouped by area
//! in the submodules, each an `impl Db` block.

mod alerts;
mod api_keys;
mod audit;
mod audit_library;
mod audit_work;
mod backup;
mod billing;
mod calls;
mod engagements;
mod entitlements;
mod gauges;
mod idempotency;
mod invoices;
mod leases;
mod ledger;
mod onboarding;
mod orgs;
mod packs;
mod policy;
mod policy_signers;
mod receipts;
mod reconcile;
mod sessions;
mod sla;
mod slo;
mod throttle;
mod trust;
mod ttl_cache;
mod unit_of_work;
mod usage;
mod users;
mod verifications;
mod webhooks;

pub use alerts::AlertRow;
pub use api_keys::ApiKeyRow;
pub use audit::{AuditRow, AuditScope};
pub use audit_library::{DocumentRow, DrTargetsRow, VendorAttestationRow};
pub use audit_work::{
    AcceptanceRow, AuditTable, ChecklistItemRow, CommentRow, DecisionRow, FindingRow, RequestRow, RiskRow, SampleRow,
    SignoffRow,
};
pub use backup::TableCounts;
pub use billing::{PriceRow, UsageTotal};
pub use calls::{CallRecord, WriterConnection};
pub use engagements::{
    AccessLogRow, AuditInvitationRow, AuditorAccessRow, AuditorListing, EngagementRow, NdaAcceptanceRow, NdaRow,
    ScopeRow,
};
pub use entitlements::EntitlementRow;
pub use idempotency::IdempotencyRow;
pub use invoices::{InvoiceRow, UninvoicedUnits};
pub use ledger::{DeadLetterRow, LedgerTotal, PendingEvent, Posting};
pub use onboarding::{InvitationRow, OnboardingEventRow, OnboardingListing, OnboardingRow, PolicyReleaseRow};
pub use orgs::OrgRow;
pub use packs::PackRow;
pub use policy::{PolicyBundleRow, RepoRow, RolloutRow};
pub use policy_signers::{KeylessSignerRow, SignerOverrideRow};
pub use receipts::ReceiptRow;
pub use reconcile::MonthCounts;
pub use sessions::SessionRow;
pub use slo::ProbeRow;
pub use trust::{PolicyRow, ReceiptKeyRow, SigningKeyRow, TrustedRootRow};
pub use unit_of_work::Tx;
pub use usage::UsageEventRow;
pub use users::{UserListing, UserRow};
pub use verifications::VerificationRow;
pub use webhooks::{DeliveryRow, WebhookEndpointRow};

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};
use std::str::FromStr;
use std::time::Duration;

/// Which database engine is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (WAL mode).
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

impl Backend {
    /// Picks the backend from a database URL's scheme.
    pub fn from_url(url: &str) -> Result<Self, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::BadUrl)
        }
    }
}

/// A storage failure. `Conflict` is a unique-constraint violation.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database.
    #[error("database URL must start with sqlite: or postgres://")]
    BadUrl,
    /// A unique constraint refused the write.
    #[error("already exists")]
    Conflict,
    /// Any other database error.
    #[error(transparent)]
    Sql(sqlx::Error),
    /// A migration failed.
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value did not parse (the database was edited by hand?).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// A write refused by a rule checked inside its transaction.
    #[error("refused: {0}")]
    Invalid(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
            _ => StoreError::Sql(e),
        }
    }
}

impl StoreError {
    /// Whether the database was out of reach rather than the statement wrong:
    /// the connection dropped or could not be made (a Postgres restart, a
    /// failover), the pool waited in vain, or Postgres is shutting down or
    /// starting up (SQLSTATE class 08, 57P01-57P03). Retrying later can succeed.
    pub fn is_unavailable(&self) -> bool {
        let StoreError::Sql(e) = self else { return false };
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed
            | sqlx::Error::Protocol(_) => true,
            sqlx::Error::Database(db) => {
                db.code().is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03"))
            }
            _ => false,
        }
    }
}

/// Result of a storage call.
pub type StoreResult<T> = Result<T, StoreError>;

/// The database handle shared by all services.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    key_cache: std::sync::Arc<api_keys::KeyCache>,
    signing_key_cache: std::sync::Arc<trust::SigningKeyCache>,
    write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl Db {
    /// Connects (creating a SQLite file and its folder if needed) and migrates.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => {
                ensure_sqlite_dir(url);
                if url.contains('?') { url.to_owned() } else { format!("{url}?mode=rwc") }
            }
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        // Read the database file through a shared memory map instead of a
                        // pread per page the connection's own cache lacks (a syscall each,
                        // 4% of the verify path's CPU in a profile).
                        conn.execute("PRAGMA mmap_size = 268435456").await?;
                        // Statement journals (a multi-row INSERT's undo, when one row breaks a
                        // constraint) and sorts stay in memory: as files, a batch whose journal
                        // passed 64 KiB created, wrote and deleted a file in /var/tmp each time.
                        conn.execute("PRAGMA temp_store = MEMORY").await?;
                        // No checkpoint inside a committing request: [`Db::checkpoint`] runs them in the background.
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let db = Self {
            pool,
            backend,
            key_cache: std::sync::Arc::default(),
            signing_key_cache: std::sync::Arc::default(),
            write_gate: std::sync::Arc::default(),
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("../migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => sqlx::migrate!("../migrations/postgres").run(&self.pool).await?,
        }
        Ok(())
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// On SQLite, lines up this process's busy writers (the call writer, the
    /// ledger, invoicing) so they take turns in order. Without it they collide
    /// on the database's write lock and SQLite's busy handler sleeps (up to
    /// 100 ms a try) before retrying, which shows as long tail latencies.
    /// Postgres locks rows, not the database: no gate.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match self.backend {
            Backend::Sqlite => Some(self.write_gate.lock().await),
            Backend::Postgres => None,
        }
    }

    /// The connection pool, for services that run their own transactions.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// On SQLite, copies committed WAL pages into the database file (PASSIVE:
    /// never waits for readers or writers). The server runs this every second
    /// so no request's commit pays for a checkpoint and its fsync.
    pub async fn checkpoint(&self) -> StoreResult<()> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Checks the database answers (readiness).
    pub async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Writes an online, consistent copy of a SQLite database to `path`.
    pub async fn backup_sqlite(&self, path: &str) -> StoreResult<()> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::Corrupt("backup is for SQLite; use pg_dump for Postgres".into()));
        }
        sqlx::query("VACUUM INTO $1").bind(path).execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to finish.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// `$first, $first+1, …`: `n` numbered placeholders for an `IN (…)` list.
pub(super) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

fn ensure_sqlite_dir(url: &str) {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        let _ = std::fs::create_dir_all(parent);
    }
}
