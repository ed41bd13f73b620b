//! What backups and the restore drill ask of a database: its tables and
//! their row counts, a consistent copy (SQLite `VACUUM INTO`), and on
//! Postgres an exported snapshot, so the counts and `pg_dump` see the same
//! committed state.

use super::{Backend, Db, StoreResult};
use sqlx::Connection;

/// Row counts per table (every table of the schema, migrations' own included), by name.
pub type TableCounts = std::collections::BTreeMap<String, i64>;

async fn count_tables(backend: Backend, conn: &mut sqlx::AnyConnection) -> StoreResult<TableCounts> {
    let names: Vec<String> =
        match backend {
            Backend::Sqlite => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(&mut *conn)
                .await?
            }
            Backend::Postgres => sqlx::query_scalar(
                "SELECT CAST(tablename AS TEXT) FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
            )
            .fetch_all(&mut *conn)
            .await?,
        };
    let mut counts = TableCounts::new();
    for name in names {
        // Names come from the catalogue, not from outside; quoted all the same.
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\"")))
            .fetch_one(&mut *conn)
            .await?;
        counts.insert(name, n);
    }
    Ok(counts)
}

impl Db {
    /// Every table's row count now.
    pub async fn table_counts(&self) -> StoreResult<TableCounts> {
        let mut conn = self.pool().acquire().await?;
        count_tables(self.backend(), &mut conn).await
    }

    /// On SQLite: counts every table and writes a consistent copy to `path`
    /// while this process's writers wait their turn, so the counts are those
    /// of the copy (writes from another process in between show up as
    /// differences in the drill, never as a silent pass).
    pub async fn sqlite_snapshot(&self, path: &str) -> StoreResult<TableCounts> {
        let _turn = self.write_turn().await;
        let counts = self.table_counts().await?;
        self.backup_sqlite(path).await?;
        Ok(counts)
    }

    /// On Postgres: opens a repeatable-read, read-only transaction, exports
    /// its snapshot, counts every table in it, and runs `dump(snapshot_id)`
    /// (a `pg_dump --snapshot=…`) while it is open: the dump and the counts
    /// see the same committed state.
    pub async fn postgres_snapshot<F, Fut, T>(&self, dump: F) -> StoreResult<(TableCounts, T)>
    where
        F: FnOnce(String) -> Fut,
        Fut: std::future::Future<Output = T>,
    {
        let mut conn = self.pool().acquire().await?;
        let mut tx = conn.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(&mut *tx).await?;
        let snapshot: String = sqlx::query_scalar("SELECT pg_export_snapshot()").fetch_one(&mut *tx).await?;
        let counts = count_tables(Backend::Postgres, &mut tx).await?;
        let dumped = dump(snapshot).await;
        tx.commit().await?;
        Ok((counts, dumped))
    }

    /// Runs one administrative statement (`CREATE DATABASE`, `DROP DATABASE`) outside any transaction.
    pub async fn admin_statement(&self, sql: &str) -> StoreResult<()> {
        sqlx::query(sql).execute(self.pool()).await?;
        Ok(())
    }
}
