//! Token buckets kept in the database (the login throttle), so every server
//! process on it counts the same attempts.

use super::{Backend, Db, StoreResult};

impl Db {
    /// Runs one `step` of the bucket `key` (its milli-tokens and last-seen
    /// time, none for a new bucket) and stores the new state, all in one
    /// transaction that holds the bucket, so two processes never both take
    /// the last token.
    pub async fn throttle_step<R>(
        &self,
        key: &str,
        step: impl FnOnce(Option<(i64, i64)>) -> ((i64, i64), R),
    ) -> StoreResult<R> {
        let _turn = self.write_turn().await;
        let mut tx = self.pool().begin().await?;
        let lock = match self.backend() {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => {
                // Take the write lock first, so the read below is the state this transaction updates.
                sqlx::query("UPDATE throttle_buckets SET at_ms = at_ms WHERE 0").execute(&mut *tx).await?;
                ""
            }
        };
        // The row exists before it is read (a new one marked -1), so the read below always
        // holds it: two processes creating one bucket at once take their turns on it.
        sqlx::query(
            "INSERT INTO throttle_buckets (key, milli_tokens, at_ms) VALUES ($1, -1, -1) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .execute(&mut *tx)
        .await?;
        let (milli, at): (i64, i64) =
            sqlx::query_as(&format!("SELECT milli_tokens, at_ms FROM throttle_buckets WHERE key = $1{lock}"))
                .bind(key)
                .fetch_one(&mut *tx)
                .await?;
        let ((milli, at), answer) = step((milli >= 0).then_some((milli, at)));
        sqlx::query("UPDATE throttle_buckets SET milli_tokens = $1, at_ms = $2 WHERE key = $3")
            .bind(milli)
            .bind(at)
            .bind(key)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(answer)
    }

    /// Deletes buckets untouched since `before_ms` (full again by then).
    pub async fn purge_throttle_buckets(&self, before_ms: i64) -> StoreResult<u64> {
        let r =
            sqlx::query("DELETE FROM throttle_buckets WHERE at_ms < $1").bind(before_ms).execute(self.pool()).await?;
        Ok(r.rows_affected())
    }
}
