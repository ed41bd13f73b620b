//! Metered usage events (`attestation.verify`, `portal.download`).

use super::{Db, StoreResult};

/// One usage event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsageEventRow {
    /// `evt_…` id.
    pub id: String,
    /// The tenant billed.
    pub org_id: String,
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// Units (>= 0).
    pub units: i64,
    /// When it happened (ms).
    pub ts: i64,
    /// For `attestation.verify`: the receipt that justifies it.
    pub receipt_id: Option<String>,
    /// What it was about (a pack id for downloads).
    pub subject: Option<String>,
    /// The client's `Idempotency-Key` of the call behind it, if it sent one.
    pub idempotency_key: Option<String>,
    /// When it was recorded (ms).
    pub created_at: i64,
}

pub(super) const COLUMNS: &str = "id, org_id, event, units, ts, receipt_id, subject, idempotency_key, created_at";

/// A query with its bound parameters (sqlx's `Any` driver).
/// `INSERT INTO usage_events` for `rows` events bound with [`bind`]: each
/// row also takes its tenant's plan as the event is written (in the same
/// statement, so no extra read), which bills it at that plan's price even
/// when the plan changes later in the month.
pub(super) fn insert_sql(rows: usize) -> String {
    const PER_ROW: usize = 9;
    let values: Vec<String> = (0..rows)
        .map(|r| {
            let first = r * PER_ROW + 1;
            let params: Vec<String> = (first..first + PER_ROW).map(|i| format!("${i}")).collect();
            // The second parameter of each row is its org_id.
            format!("({}, COALESCE((SELECT plan FROM orgs WHERE id = ${}), 'starter'))", params.join(", "), first + 1)
        })
        .collect();
    format!("INSERT INTO usage_events ({COLUMNS}, plan) VALUES {}", values.join(", "))
}

pub(super) type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an event's values in [`COLUMNS`] order.
pub(super) fn bind<'q>(q: AnyQuery<'q>, e: &'q UsageEventRow) -> AnyQuery<'q> {
    q.bind(&e.id)
        .bind(&e.org_id)
        .bind(&e.event)
        .bind(e.units)
        .bind(e.ts)
        .bind(&e.receipt_id)
        .bind(&e.subject)
        .bind(&e.idempotency_key)
        .bind(e.created_at)
}

impl Db {
    /// Records one event.
    pub async fn insert_usage(&self, e: &UsageEventRow) -> StoreResult<()> {
        let sql = insert_sql(1);
        bind(sqlx::query(&sql), e).execute(self.pool()).await?;
        Ok(())
    }

    /// A tenant's events, newest first.
    pub async fn usage_events(&self, org_id: &str, limit: i64) -> StoreResult<Vec<UsageEventRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM usage_events WHERE org_id = $1 ORDER BY ts DESC, id DESC LIMIT $2"
        ))
        .bind(org_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }

    /// `event` usage events that happened in `[from, to)`, of one tenant or (`None`) of all.
    pub async fn event_count(&self, event: &str, org_id: Option<&str>, from: i64, to: i64) -> StoreResult<i64> {
        let (n,): (i64,) = match org_id {
            Some(org) => {
                sqlx::query_as(
                    "SELECT COUNT(*) FROM usage_events WHERE event = $1 AND ts >= $2 AND ts < $3 AND org_id = $4",
                )
                .bind(event)
                .bind(from)
                .bind(to)
                .bind(org)
                .fetch_one(self.pool())
                .await?
            }
            None => {
                sqlx::query_as("SELECT COUNT(*) FROM usage_events WHERE event = $1 AND ts >= $2 AND ts < $3")
                    .bind(event)
                    .bind(from)
                    .bind(to)
                    .fetch_one(self.pool())
                    .await?
            }
        };
        Ok(n)
    }

    /// Usage events per tenant that happened in `[from, to)`: (org id, events).
    pub async fn usage_counts(&self, from: i64, to: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT org_id, COUNT(*) FROM usage_events WHERE ts >= $1 AND ts < $2 GROUP BY org_id ORDER BY org_id",
        )
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }
}
