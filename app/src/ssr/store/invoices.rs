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

/// Ledgered units of one usage month, event type and plan that no issued
/// invoice bills yet: the ledger's total minus the invoiced rows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UninvoicedUnits {
    /// The usage month, `YYYY-MM`.
    pub period: String,
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// The plan the tenant was on when the units were used.
    pub plan: String,
    /// Units.
    pub units: i64,
}

/// Ledger rows of `$1` before month `$2` with units no invoice bills yet, and how many.
const UNINVOICED: &str = "SELECT period, event, plan, units FROM (SELECT l.period, l.event, l.plan, \
     CAST(l.units - COALESCE((SELECT SUM(i.units) FROM invoiced_units i WHERE i.org_id = l.org_id \
     AND i.period = l.period AND i.event = l.event AND i.plan = l.plan), 0) AS BIGINT) AS units \
     FROM ledger_totals l WHERE l.org_id = $1 AND l.period < $2) AS owed WHERE units <> 0 \
     ORDER BY period, event, plan";

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

    /// A tenant's ledgered units of months before `before` (`YYYY-MM`) that no
    /// issued invoice bills yet. Reads the tenant's ledger and invoiced rows:
    /// a few per month, whatever the number of events.
    pub async fn uninvoiced_units(&self, org_id: &str, before: &str) -> StoreResult<Vec<UninvoicedUnits>> {
        Ok(sqlx::query_as(UNINVOICED).bind(org_id).bind(before).fetch_all(self.pool()).await?)
    }

    /// The oldest month with ledgered units of a tenant that no issued invoice bills.
    pub async fn oldest_uninvoiced(&self, org_id: &str) -> StoreResult<Option<String>> {
        Ok(self.uninvoiced_units(org_id, "9999-99").await?.into_iter().map(|r| r.period).next())
    }

    /// Issues an invoice in one transaction: reads the tenant's ledgered
    /// units of `period` and earlier months that no issued invoice bills yet,
    /// lets `build` turn them into the invoice row, stores it and records the
    /// units it bills. `Ok(None)` when the month already has an invoice
    /// (another process issued it first: nothing is written). The tenant's
    /// invoices are issued one at a time (the SQLite write lock, a row lock on
    /// Postgres), so no unit is billed twice; the triggers keep the result
    /// unchangeable.
    pub async fn issue_invoice(
        &self,
        org_id: &str,
        period: &str,
        next_period: &str,
        build: impl FnOnce(&[UninvoicedUnits]) -> Result<InvoiceRow, String>,
    ) -> StoreResult<Option<InvoiceRow>> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        // Lock first, so no other issuer of this tenant reads the same units.
        match self.backend() {
            Backend::Sqlite => sqlx::query("UPDATE invoices SET id = id WHERE 0").execute(&mut *tx).await?,
            Backend::Postgres => {
                sqlx::query("SELECT id FROM orgs WHERE id = $1 FOR UPDATE").bind(org_id).execute(&mut *tx).await?
            }
        };
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM invoices WHERE org_id = $1 AND period = $2")
            .bind(org_id)
            .bind(period)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Ok(None);
        }
        let billed: Vec<UninvoicedUnits> =
            sqlx::query_as(UNINVOICED).bind(org_id).bind(next_period).fetch_all(&mut *tx).await?;
        let row = build(&billed).map_err(super::StoreError::Invalid)?;
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
        for units in &billed {
            sqlx::query(
                "INSERT INTO invoiced_units (invoice_id, org_id, period, event, plan, units) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&row.id)
            .bind(org_id)
            .bind(&units.period)
            .bind(&units.event)
            .bind(&units.plan)
            .bind(units.units)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Some(row))
    }
}
