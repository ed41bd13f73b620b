//! Job leases: a named job runs on one process at a time, across every
//! process on the database, until its lease runs out.

use super::{Db, StoreResult};

impl Db {
    /// Takes (or renews) the lease `name` for `holder` until `until_ms`: true
    /// when this holder has it now, false while another holds an unexpired one.
    pub async fn take_lease(&self, name: &str, holder: &str, now_ms: i64, until_ms: i64) -> StoreResult<bool> {
        let taken = sqlx::query(
            "INSERT INTO job_leases (name, holder, until_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until_ms = excluded.until_ms \
             WHERE job_leases.until_ms <= $4 OR job_leases.holder = excluded.holder",
        )
        .bind(name)
        .bind(holder)
        .bind(until_ms)
        .bind(now_ms)
        .execute(self.pool())
        .await?;
        Ok(taken.rows_affected() == 1)
    }
}
