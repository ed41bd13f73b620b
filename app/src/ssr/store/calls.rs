//! Several Attestation API calls written in one transaction (group commit):
//! each call's row, and for a successful one its receipt and usage event.
//! A call is written whole or not at all.

use super::{Db, IdempotencyRow, ReceiptRow, StoreError, StoreResult, UsageEventRow, VerificationRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Connection};

/// One call to record: its row, and for a success the receipt and usage event.
#[derive(Debug, Clone)]
pub struct CallRecord {
    /// The call.
    pub verification: VerificationRow,
    /// For a successful verification: its receipt and its `attestation.verify` event.
    pub success: Option<(ReceiptRow, UsageEventRow)>,
    /// The client's idempotency key and the answer to replay for it.
    pub idempotency: Option<IdempotencyRow>,
}

/// `($1, …, $c), ($c+1, …)`: placeholders for `rows` rows of `cols` values.
fn values_clause(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * cols * 5);
    for r in 0..rows {
        out.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * cols + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// The connection one writer keeps from batch to batch (the group commit's).
///
/// Taking a pool connection per batch rotates through the pool, and on SQLite
/// each connection's page cache is stale by then (other connections wrote
/// since), so every batch re-read the tables' hot pages from the WAL. Kept,
/// the connection's cache and prepared statements stay warm. It is given back
/// after an error (a broken connection is not kept) and by [`Self::release`].
#[derive(Debug, Default)]
pub struct WriterConnection(Option<PoolConnection<Any>>);

impl WriterConnection {
    /// Gives the connection back to the pool (the writer does when idle).
    pub fn release(&mut self) {
        self.0 = None;
    }
}

impl Db {
    /// Writes the calls in one transaction on a connection of its own; see
    /// [`Self::insert_calls_on`].
    pub async fn insert_calls(&self, calls: &[CallRecord]) -> StoreResult<()> {
        self.insert_calls_on(&mut WriterConnection::default(), calls).await
    }

    /// Writes the calls in one transaction with one multi-row INSERT per
    /// table, on the writer's kept connection. Fails as a whole;
    /// [`crate::ssr::verification::group_commit`] then retries the calls one by
    /// one so one bad row cannot sink the others.
    pub async fn insert_calls_on(&self, writer: &mut WriterConnection, calls: &[CallRecord]) -> StoreResult<()> {
        if calls.is_empty() {
            return Ok(());
        }
        let _turn = self.write_turn().await;
        let conn = match &mut writer.0 {
            Some(conn) => conn,
            None => writer.0.insert(self.pool().acquire().await?),
        };
        let result = write_calls(conn, calls).await;
        if matches!(&result, Err(e) if !matches!(e, StoreError::Conflict)) {
            writer.release();
        }
        result
    }
}

/// The transaction of [`Db::insert_calls_on`].
async fn write_calls(conn: &mut AnyConnection, calls: &[CallRecord]) -> StoreResult<()> {
    let mut tx = conn.begin().await?;
    let sql = format!(
        "INSERT INTO verifications (id, org_id, api_key_id, kind, subject_sha256, outcome, reason, signer, latency_us, created_at) VALUES {}",
        values_clause(calls.len(), 10)
    );
    let mut q = sqlx::query(&sql);
    for v in calls.iter().map(|c| &c.verification) {
        q = q
            .bind(&v.id)
            .bind(&v.org_id)
            .bind(&v.api_key_id)
            .bind(&v.kind)
            .bind(&v.subject_sha256)
            .bind(v.outcome.as_str())
            .bind(&v.reason)
            .bind(&v.signer)
            .bind(v.latency_us)
            .bind(v.created_at);
    }
    q.execute(&mut *tx).await?;
    let successes: Vec<&(ReceiptRow, UsageEventRow)> = calls.iter().filter_map(|c| c.success.as_ref()).collect();
    if !successes.is_empty() {
        let sql =
            format!("INSERT INTO receipts ({}) VALUES {}", super::receipts::COLUMNS, values_clause(successes.len(), 6));
        let mut q = sqlx::query(&sql);
        for (r, _) in &successes {
            q = q
                .bind(&r.id)
                .bind(&r.org_id)
                .bind(&r.key_id)
                .bind(&r.subject_sha256)
                .bind(&r.envelope)
                .bind(r.created_at);
        }
        q.execute(&mut *tx).await?;
        let sql = super::usage::insert_sql(successes.len());
        let mut q = sqlx::query(&sql);
        for (_, e) in &successes {
            q = super::usage::bind(q, e);
        }
        q.execute(&mut *tx).await?;
    }
    let keys: Vec<&IdempotencyRow> = calls.iter().filter_map(|c| c.idempotency.as_ref()).collect();
    if !keys.is_empty() {
        let sql = format!(
            "INSERT INTO idempotency_keys ({}) VALUES {}",
            super::idempotency::COLUMNS,
            values_clause(keys.len(), 8)
        );
        let mut q = sqlx::query(&sql);
        for k in keys {
            q = q
                .bind(&k.org_id)
                .bind(&k.idem_key)
                .bind(&k.request_sha256)
                .bind(&k.verification_id)
                .bind(k.status)
                .bind(&k.response)
                .bind(k.created_at)
                .bind(k.expires_at);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::values_clause;

    #[test]
    fn placeholders_number_rows_in_order() {
        assert_eq!(values_clause(1, 2), "($1, $2)");
        assert_eq!(values_clause(2, 3), "($1, $2, $3), ($4, $5, $6)");
    }
}
