//! Issued invoices and the events they bill.

use super::{Backend, Db, StoreResult};

/// An issued invoice as stored: the document and the columns to find it by.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    /// `inv_…` id.
    pub id: String,
    /// The tenant.
    pub org_id: String,
    /// `YYYY-MM`.
    pub period: String,
    /// The plan it was priced on.
    pub plan: String,
    /// The total in cents.
    pub total_cents: i64,
    /// The invoice as issued (JSON of [`crate::domain::invoice::Invoice`]).
    pub body: String,
    /// When it was issued (ms).
    pub issued_at: i64,
}

/// A usage event that is ledgered but on no issued invoice yet.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BilledEvent {
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// When it happened (ms).
    pub ts: i64,
    /// Units.
    pub units: i64,
    /// The plan the tenant was on when it happened.
    pub plan: String,
}

const COLUMNS: &str = "id, org_id, period, plan, total_cents, body, issued_at";

impl Db {
    /// A tenant's issued invoice for a month.
    pub async fn issued_invoice(&self, org_id: &str, period: &str) -> StoreResult<Option<InvoiceRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM invoices WHERE org_id = $1 AND period = $2"))
            .bind(org_id)
            .bind(period)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A tenant's issued invoices, oldest month first.
    pub async fn issued_invoices(&self, org_id: &str) -> StoreResult<Vec<InvoiceRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM invoices WHERE org_id = $1 ORDER BY period"))
            .bind(org_id)
            .fetch_all(self.pool())
            .await?)
    }

    /// Ledgered events of a tenant before `before_ms` that no issued invoice bills
    /// yet (late ones; read through a partial index, so cheap while they are few).
    pub async fn uninvoiced_events(&self, org_id: &str, before_ms: i64) -> StoreResult<Vec<BilledEvent>> {
        Ok(sqlx::query_as(
            "SELECT event, ts, units, COALESCE(plan, 'starter') AS plan FROM usage_events \
             WHERE org_id = $1 AND invoice_id IS NULL AND ledgered_at IS NOT NULL AND ts < $2 ORDER BY ts",
        )
        .bind(org_id)
        .bind(before_ms)
        .fetch_all(self.pool())
        .await?)
    }

    /// The time of a tenant's oldest ledgered event that no issued invoice bills.
    pub async fn oldest_uninvoiced(&self, org_id: &str) -> StoreResult<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(ts) FROM usage_events WHERE org_id = $1 AND invoice_id IS NULL AND ledgered_at IS NOT NULL",
        )
        .bind(org_id)
        .fetch_one(self.pool())
        .await?)
    }

    /// Issues an invoice in one transaction: stamps every ledgered, not yet
    /// invoiced event of the tenant before `until_ms` with `id`, lets `build`
    /// turn those events into the invoice row, and stores it. `Ok(None)` when
    /// the month already has an invoice (another process issued it first: the
    /// stamps roll back). The triggers keep the result unchangeable.
    pub async fn issue_invoice(
        &self,
        id: &str,
        org_id: &str,
        period: &str,
        until_ms: i64,
        build: impl FnOnce(&[BilledEvent]) -> Result<InvoiceRow, String>,
    ) -> StoreResult<Option<InvoiceRow>> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        if self.backend() == Backend::Sqlite {
            // Take the write lock first, so the ledger cannot slip an event in between.
            sqlx::query("UPDATE invoices SET id = id WHERE 0").execute(&mut *tx).await?;
        }
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM invoices WHERE org_id = $1 AND period = $2")
            .bind(org_id)
            .bind(period)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Ok(None);
        }
        let stamped: Vec<BilledEvent> = sqlx::query_as(
            "UPDATE usage_events SET invoice_id = $1 \
             WHERE org_id = $2 AND invoice_id IS NULL AND ledgered_at IS NOT NULL AND ts < $3 \
             RETURNING event, ts, units, COALESCE(plan, 'starter') AS plan",
        )
        .bind(id)
        .bind(org_id)
        .bind(until_ms)
        .fetch_all(&mut *tx)
        .await?;
        let row = build(&stamped).map_err(super::StoreError::Invalid)?;
        let inserted = sqlx::query(&format!(
            "INSERT INTO invoices ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (org_id, period) DO NOTHING"
        ))
        .bind(&row.id)
        .bind(&row.org_id)
        .bind(&row.period)
        .bind(&row.plan)
        .bind(row.total_cents)
        .bind(&row.body)
        .bind(row.issued_at)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            return Ok(None); // dropped transaction: rolled back
        }
        tx.commit().await?;
        Ok(Some(row))
    }
}
