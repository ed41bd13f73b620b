//! The restore drill: back up the live database, restore the backup into a
//! scratch database, and check it the way a real recovery would be checked.
//!
//! 1. Backup, online. SQLite: `VACUUM INTO` a file beside the database, with
//!    every table counted at the same moment. Postgres: `pg_dump` in custom
//!    format on a snapshot exported by a repeatable-read transaction that
//!    counts every table in the same snapshot.
//! 2. Restore into scratch. SQLite: the copy is put in place as a new
//!    database file. Postgres: `CREATE DATABASE` and `pg_restore`.
//! 3. The scratch database opens with this version of the portal (its
//!    migrations are all there), every table has exactly the rows counted at
//!    the snapshot, and its audit log's hash chain verifies.
//! 4. Measured: the backup's duration, the recovery time (restore through
//!    verification: the RTO measured), and the data-loss window (from the
//!    snapshot to the simulated failure at the start of the restore: the RPO
//!    measured), plus how many rows the live database gained since.
//! 5. The scratch database and the backup are removed.
//!
//! Postgres needs `pg_dump` and `pg_restore` (on `PATH`, or under
//! `/usr/lib/postgresql/*/bin`) and a role that may create databases.

use crate::domain::AppError;
use crate::domain::drill::{DrillReport, RestoreMeasure};
use crate::ssr::AppState;
use crate::ssr::backup::{PgTarget, differences, run_tool, sqlite_path};
use crate::ssr::drill_run::DrillRun;
use crate::ssr::store::{Backend, Db, TableCounts};
use std::path::PathBuf;
use std::time::Instant;

/// Runs the restore drill; errors only when the live database fails. A step
/// that does not behave is a failed step in the (stored) report.
pub async fn run(state: &AppState, actor: &str) -> Result<DrillReport, AppError> {
    let mut run =
        DrillRun::start(state, actor, "restore", "restore drill: backup, restore into scratch, check").await?;
    let short = run.id.trim_start_matches("drill_").chars().rev().take(8).collect::<String>().to_lowercase();
    let measure = match state.db.backend() {
        Backend::Sqlite => sqlite(state, &mut run, &short).await?,
        Backend::Postgres => postgres(state, &mut run, &short).await?,
    };
    run.check_audit_chain().await?;
    run.finish(measure).await
}

fn ms(since: Instant) -> i64 {
    i64::try_from(since.elapsed().as_millis()).unwrap_or(i64::MAX)
}

fn rows(counts: &TableCounts) -> i64 {
    counts.values().sum()
}

/// The checks every backend's restored copy gets, and the measurement.
async fn check_restored(
    state: &AppState,
    run: &mut DrillRun<'_>,
    scratch_url: &str,
    snapshot: &TableCounts,
    timing: (i64, i64, Instant),
    backend: &str,
) -> Result<Option<RestoreMeasure>, AppError> {
    let (backup_ms, data_loss_window_ms, restore_started) = timing;
    let scratch = match Db::connect(scratch_url).await {
        Ok(db) => db,
        Err(e) => {
            run.record("the restored copy opens with this version's schema", false, e.to_string()).await?;
            return Ok(None);
        }
    };
    run.record("the restored copy opens with this version's schema", true, "every migration is present".into()).await?;
    let outcome = async {
        let restored = scratch.table_counts().await?;
        let chain = crate::ssr::audit::verify_chain(&scratch).await?;
        Ok::<_, crate::ssr::store::StoreError>((restored, chain))
    }
    .await;
    let restore_ms = ms(restore_started);
    scratch.close().await;
    let (restored, chain) = match outcome {
        Ok(v) => v,
        Err(e) => {
            run.record("the restored copy can be read", false, e.to_string()).await?;
            return Ok(None);
        }
    };
    let diff = differences(snapshot, &restored);
    run.record(
        "every table has the rows counted at the snapshot",
        diff.is_empty(),
        if diff.is_empty() { format!("{} tables, {} rows", restored.len(), rows(&restored)) } else { diff.join("; ") },
    )
    .await?;
    let (chain_ok, chain_text) = match chain {
        Ok(n) => (true, format!("{n} entries in the restored copy, every hash and link verifies")),
        Err(b) => (false, format!("broken at entry {} ({}): {}", b.seq, b.id, b.reason)),
    };
    run.record("the restored audit log's hash chain verifies", chain_ok, chain_text).await?;
    let live = state.db.table_counts().await?;
    Ok(Some(RestoreMeasure {
        backend: backend.into(),
        backup_ms,
        restore_ms,
        data_loss_window_ms,
        tables: restored.len(),
        rows_checked: rows(&restored),
        rows_written_since: (rows(&live) - rows(snapshot)).max(0),
    }))
}

async fn sqlite(state: &AppState, run: &mut DrillRun<'_>, short: &str) -> Result<Option<RestoreMeasure>, AppError> {
    let Some(live) = sqlite_path(state.config.database_url.as_str()) else {
        run.record("the backup is written", false, "an in-memory database cannot be backed up".into()).await?;
        return Ok(None);
    };
    let dir = live.parent().map(PathBuf::from).unwrap_or_default();
    let backup = dir.join(format!(".restore-drill-{short}.backup.db"));
    let scratch = dir.join(format!(".restore-drill-{short}.restored.db"));
    let started = Instant::now();
    let snapshot = state.db.sqlite_snapshot(&backup.to_string_lossy()).await;
    let backup_ms = ms(started);
    let result = match snapshot {
        Err(e) => {
            run.record("the backup is written", false, e.to_string()).await?;
            Ok(None)
        }
        Ok(snapshot) => {
            let size = std::fs::metadata(&backup).map(|m| m.len()).unwrap_or(0);
            run.record(
                "the backup is written",
                true,
                format!("{size} bytes, {} rows in {} tables", rows(&snapshot), snapshot.len()),
            )
            .await?;
            let restore_started = Instant::now();
            let window = backup_ms;
            match tokio::fs::copy(&backup, &scratch).await {
                Err(e) => {
                    run.record("the backup is restored into a scratch database", false, e.to_string()).await?;
                    Ok(None)
                }
                Ok(_) => {
                    run.record(
                        "the backup is restored into a scratch database",
                        true,
                        format!("{}", scratch.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()),
                    )
                    .await?;
                    let url = format!("sqlite:{}", scratch.display());
                    check_restored(state, run, &url, &snapshot, (backup_ms, window, restore_started), "sqlite").await
                }
            }
        }
    };
    let mut removed = true;
    for file in [&backup, &scratch] {
        for suffix in ["", "-wal", "-shm"] {
            let f = PathBuf::from(format!("{}{suffix}", file.display()));
            if f.exists() && std::fs::remove_file(&f).is_err() {
                removed = false;
            }
        }
    }
    run.record("the backup and the scratch copy are removed", removed, String::new()).await?;
    result
}

async fn postgres(state: &AppState, run: &mut DrillRun<'_>, short: &str) -> Result<Option<RestoreMeasure>, AppError> {
    let Some(target) = PgTarget::parse(state.config.database_url.as_str()) else {
        run.record("the backup is written", false, "the database URL does not parse".into()).await?;
        return Ok(None);
    };
    let dir = tempfile_dir(short);
    if let Err(e) = std::fs::create_dir_all(&dir) {
        run.record("the backup is written", false, format!("cannot create {}: {e}", dir.display())).await?;
        return Ok(None);
    }
    let file = dir.join("backup.dump");
    let started = Instant::now();
    let dump = |snapshot: String| {
        let mut c = target.command("pg_dump");
        c.arg("--format=custom").arg(format!("--snapshot={snapshot}")).arg("--file").arg(&file);
        c.arg(format!("--dbname={}", target.url));
        run_tool(c)
    };
    let snapshot = state.db.postgres_snapshot(dump).await;
    let backup_ms = ms(started);
    let scratch_name = format!("{}_restore_{short}", target.database());
    let mut created = false;
    let result = match snapshot {
        Err(e) => {
            run.record("the backup is written", false, e.to_string()).await?;
            Ok(None)
        }
        Ok((_, Err(why))) => {
            run.record("the backup is written", false, format!("pg_dump: {why}")).await?;
            Ok(None)
        }
        Ok((snapshot, Ok(()))) => {
            let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            run.record(
                "the backup is written",
                true,
                format!("pg_dump custom format, {size} bytes, {} rows in {} tables", rows(&snapshot), snapshot.len()),
            )
            .await?;
            let restore_started = Instant::now();
            let window = backup_ms;
            let restored = async {
                state
                    .db
                    .admin_statement(&format!("CREATE DATABASE \"{scratch_name}\""))
                    .await
                    .map_err(|e| e.to_string())?;
                created = true;
                let mut c = target.command("pg_restore");
                c.arg("--no-owner").arg("--no-privileges").arg("--exit-on-error");
                c.arg(format!("--dbname={}", target.with_database(&scratch_name))).arg(&file);
                run_tool(c).await.map_err(|why| format!("pg_restore: {why}"))
            }
            .await;
            match restored {
                Err(why) => {
                    run.record("the backup is restored into a scratch database", false, why).await?;
                    Ok(None)
                }
                Ok(()) => {
                    run.record("the backup is restored into a scratch database", true, scratch_name.clone()).await?;
                    let url = target.connect_url(&scratch_name);
                    check_restored(state, run, &url, &snapshot, (backup_ms, window, restore_started), "postgres").await
                }
            }
        }
    };
    let dropped = if created {
        state.db.admin_statement(&format!("DROP DATABASE \"{scratch_name}\" WITH (FORCE)")).await.is_ok()
    } else {
        true
    };
    let removed = std::fs::remove_dir_all(&dir).is_ok();
    run.record("the backup and the scratch database are removed", dropped && removed, String::new()).await?;
    result
}

fn tempfile_dir(short: &str) -> PathBuf {
    std::env::temp_dir().join(format!("trust-portal-restore-drill-{short}"))
}
