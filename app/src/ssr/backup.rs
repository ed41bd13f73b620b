//! Backups you can restore, on SQLite and on Postgres, online:
//!
//! - [`write`]: SQLite `VACUUM INTO` the file; Postgres `pg_dump` in custom
//!   format on a snapshot exported by a repeatable-read transaction. Either
//!   way every table is counted at the same moment as the copy, and the
//!   counts go into a manifest beside it (`FILE.manifest.json`).
//! - [`restore`]: into a new SQLite file, or an empty Postgres database
//!   (`pg_restore`); then the copy is opened with this version of the portal
//!   (its migrations all present), every table must have the rows the
//!   manifest counted, and the audit log's hash chain must verify.
//!
//! The restore drill ([`crate::ssr::audit_kit::restore`]) rehearses the same
//! path against the live database and measures it. Postgres needs `pg_dump`
//! and `pg_restore` (on `PATH`, or under `/usr/lib/postgresql/*/bin`); the
//! password travels in `PGPASSWORD`, never on a command line.

use crate::domain::AppError;
use crate::ssr::store::{Backend, Db, TableCounts};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a backup holds, written beside it as `FILE.manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// `sqlite` or `postgres`: where it can be restored.
    pub backend: String,
    /// When it was written (ms).
    pub written_at: i64,
    /// Every table's rows at the moment of the copy.
    pub tables: TableCounts,
}

/// A checked restore.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// Tables checked.
    pub tables: usize,
    /// Rows, equal to the manifest's.
    pub rows: i64,
    /// Audit-log entries whose hash chain verified.
    pub audit_entries: u64,
}

/// The manifest's path for a backup file.
pub fn manifest_path(backup: &Path) -> PathBuf {
    PathBuf::from(format!("{}.manifest.json", backup.display()))
}

/// Writes an online, consistent backup of the database at `database_url`
/// (the one `db` is connected to) to `path` and its manifest beside it.
pub async fn write(db: &Db, database_url: &str, path: &Path, now_ms: i64) -> Result<Manifest, AppError> {
    if path.exists() {
        return Err(AppError::invalid("PATH", format!("{} exists; choose a new file", path.display())));
    }
    let tables = match db.backend() {
        Backend::Sqlite => db
            .sqlite_snapshot(&path.to_string_lossy())
            .await
            .map_err(|e| AppError::invalid("PATH", format!("backup failed: {e}")))?,
        Backend::Postgres => {
            let target = PgTarget::parse(database_url)
                .ok_or_else(|| AppError::invalid("PORTAL_DATABASE_URL", "the Postgres URL does not parse"))?;
            let dump = |snapshot: String| {
                let mut c = target.command("pg_dump");
                c.arg("--format=custom").arg(format!("--snapshot={snapshot}")).arg("--file").arg(path);
                c.arg(format!("--dbname={}", target.url));
                run_tool(c)
            };
            let (tables, dumped) = db.postgres_snapshot(dump).await?;
            dumped.map_err(|why| AppError::invalid("PATH", format!("pg_dump: {why}")))?;
            tables
        }
    };
    let backend = match db.backend() {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    let manifest = Manifest { backend: backend.into(), written_at: now_ms, tables };
    let text = serde_json::to_string_pretty(&manifest).map_err(crate::ssr::error::log_internal)?;
    std::fs::write(manifest_path(path), text)
        .map_err(|e| AppError::invalid("PATH", format!("cannot write the manifest beside {}: {e}", path.display())))?;
    Ok(manifest)
}

/// Restores the backup at `path` into `into` (a new SQLite file, or an
/// empty Postgres database) and checks it against its manifest.
pub async fn restore(path: &Path, into: &str) -> Result<Restored, AppError> {
    let text = std::fs::read_to_string(manifest_path(path)).map_err(|e| {
        AppError::invalid("PATH", format!("no manifest beside the backup ({}): {e}", manifest_path(path).display()))
    })?;
    let manifest: Manifest = serde_json::from_str(&text)
        .map_err(|e| AppError::invalid("PATH", format!("the manifest beside the backup does not parse: {e}")))?;
    let into_backend = if into.starts_with("postgres") { "postgres" } else { "sqlite" };
    if manifest.backend != into_backend {
        return Err(AppError::invalid(
            "--into",
            format!("a {} backup restores into {}, not {into_backend}", manifest.backend, manifest.backend),
        ));
    }
    if into_backend == "sqlite" {
        let target = sqlite_path(into).ok_or_else(|| AppError::invalid("--into", "give sqlite:FILE"))?;
        if target.exists() {
            return Err(AppError::invalid("--into", format!("{} exists; restore into a new file", target.display())));
        }
        std::fs::copy(path, &target)
            .map_err(|e| AppError::invalid("--into", format!("cannot copy the backup: {e}")))?;
    } else {
        let target =
            PgTarget::parse(into).ok_or_else(|| AppError::invalid("--into", "the Postgres URL does not parse"))?;
        let mut c = target.command("pg_restore");
        c.arg("--no-owner").arg("--no-privileges").arg("--exit-on-error");
        c.arg(format!("--dbname={}", target.url)).arg(path);
        run_tool(c).await.map_err(|why| AppError::invalid("--into", format!("pg_restore: {why}")))?;
    }
    check(into, &manifest.tables).await
}

/// Opens the restored copy and checks its rows and its audit chain.
async fn check(url: &str, expected: &TableCounts) -> Result<Restored, AppError> {
    let copy =
        Db::connect(url).await.map_err(|e| AppError::invalid("--into", format!("the copy does not open: {e}")))?;
    let outcome = async {
        let counts = copy.table_counts().await?;
        let chain = crate::ssr::audit::verify_chain(&copy).await?;
        Ok::<_, crate::ssr::store::StoreError>((counts, chain))
    }
    .await;
    copy.close().await;
    let (counts, chain) = outcome?;
    let diff = differences(expected, &counts);
    if !diff.is_empty() {
        return Err(AppError::invalid("--into", format!("the copy differs from the manifest: {}", diff.join("; "))));
    }
    let audit_entries = chain.map_err(|b| {
        AppError::invalid(
            "--into",
            format!("the copy's audit chain is broken at entry {} ({}): {}", b.seq, b.id, b.reason),
        )
    })?;
    Ok(Restored { tables: counts.len(), rows: counts.values().sum(), audit_entries })
}

/// Tables whose rows differ between an expected and an actual count, in words.
pub fn differences(expected: &TableCounts, actual: &TableCounts) -> Vec<String> {
    let names: std::collections::BTreeSet<&String> = expected.keys().chain(actual.keys()).collect();
    names
        .into_iter()
        .filter_map(|t| {
            let (a, b) = (expected.get(t), actual.get(t));
            (a != b).then(|| {
                let show = |v: Option<&i64>| v.map_or_else(|| "missing".to_owned(), i64::to_string);
                format!("{t}: snapshot {} vs restored {}", show(a), show(b))
            })
        })
        .collect()
}

/// The live SQLite database file.
pub(crate) fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// `pg_dump` / `pg_restore`: on `PATH`, else the newest under `/usr/lib/postgresql/*/bin`.
fn pg_tool(name: &str) -> PathBuf {
    let on_path = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join(name)).find(|f| f.is_file()))
        .unwrap_or_default();
    on_path
        .or_else(|| {
            let mut dirs: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
                .ok()?
                .filter_map(|e| e.ok().map(|e| e.path().join("bin").join(name)))
                .filter(|f| f.is_file())
                .collect();
            dirs.sort_by_key(|p| {
                p.components().nth(4).and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok()).unwrap_or(0)
            });
            dirs.pop()
        })
        .unwrap_or_else(|| PathBuf::from(name))
}

/// A Postgres URL split for the tools: the URL without its password, the
/// password (handed over in `PGPASSWORD`, never on a command line), and a
/// URL for database `db` on the same server.
pub(crate) struct PgTarget {
    pub(crate) url: url::Url,
    password: Option<String>,
}

impl PgTarget {
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let mut url = url::Url::parse(s).ok()?;
        let password = url.password().map(percent_decode);
        url.set_password(None).ok()?;
        Some(Self { url, password })
    }

    pub(crate) fn database(&self) -> String {
        self.url.path().trim_start_matches('/').to_owned()
    }

    pub(crate) fn with_database(&self, db: &str) -> url::Url {
        let mut u = self.url.clone();
        u.set_path(&format!("/{db}"));
        u
    }

    /// The URL with its password, for this process's own connection.
    pub(crate) fn connect_url(&self, db: &str) -> String {
        let mut u = self.with_database(db);
        if let Some(p) = &self.password {
            let _ = u.set_password(Some(p));
        }
        u.to_string()
    }

    pub(crate) fn command(&self, tool: &str) -> tokio::process::Command {
        let mut c = tokio::process::Command::new(pg_tool(tool));
        if let Some(p) = &self.password {
            c.env("PGPASSWORD", p);
        }
        c.kill_on_drop(true);
        c
    }
}

pub(crate) async fn run_tool(mut c: tokio::process::Command) -> Result<(), String> {
    let out = c.output().await.map_err(|e| format!("cannot run it: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).lines().take(3).collect::<Vec<_>>().join(" "))
    }
}

/// Decodes `%XX` escapes (a URL's user info); anything else is kept as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_table() {
        let a: TableCounts = [("audit_log".to_owned(), 5), ("orgs".to_owned(), 2)].into();
        let b: TableCounts = [("audit_log".to_owned(), 4), ("users".to_owned(), 1)].into();
        let d = differences(&a, &b);
        assert_eq!(
            d,
            vec![
                "audit_log: snapshot 5 vs restored 4",
                "orgs: snapshot 2 vs restored missing",
                "users: snapshot missing vs restored 1"
            ]
        );
        assert!(differences(&a, &a).is_empty());
    }

    #[test]
    fn postgres_passwords_stay_off_command_lines() {
        let t = PgTarget::parse("postgres://portal:s%40cr+t@db.internal:5432/portal?sslmode=require")
            .unwrap_or_else(|| panic!("parses"));
        assert_eq!(t.password.as_deref(), Some("s@cr+t"));
        assert!(!t.url.as_str().contains("cret"));
        assert_eq!(t.database(), "portal");
        assert_eq!(t.with_database("portal_restore_x").path(), "/portal_restore_x");
        let back = PgTarget::parse(&t.connect_url("x")).unwrap_or_else(|| panic!("parses"));
        assert_eq!(back.password.as_deref(), Some("s@cr+t"), "this process's own URL keeps the password intact");
        assert_eq!(back.database(), "x");
    }

    #[test]
    fn sqlite_paths_come_from_the_url() {
        assert_eq!(sqlite_path("sqlite:data/portal.db?mode=rwc"), Some(PathBuf::from("data/portal.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
    }
}
