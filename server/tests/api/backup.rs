//! Backups you can restore, on whichever database the suite runs on (SQLite,
//! or Postgres with `PORTAL_TEST_POSTGRES_URL`): `admin backup` while the
//! portal serves, `admin restore` into a scratch database, the copy checked
//! against the manifest's row counts and the audit chain; a copy that
//! differs is refused and says where.

use crate::helpers::TestApp;
use serde_json::Value;

/// Runs the CLI against `database_url`; (exit code, JSON on stdout, the
/// error's message or stderr).
async fn cli(database_url: &str, args: &[&str]) -> (i32, Value, String) {
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
        .arg("--json")
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("PORTAL_DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .await
        .expect("run the CLI");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let err = json["error"]["message"]
        .as_str()
        .map_or_else(|| String::from_utf8_lossy(&out.stderr).into_owned(), str::to_owned);
    (out.status.code().unwrap_or(-1), json, err)
}

/// A scratch database to restore into: a new SQLite file, or an empty Postgres database.
async fn scratch(app: &TestApp, dir: &std::path::Path, name: &str) -> String {
    if app.database_url.starts_with("postgres") {
        let db = format!("tp_restore_{}_{name}", hex::encode(rand::random::<[u8; 4]>()));
        app.state.db.admin_statement(&format!("CREATE DATABASE {db}")).await.unwrap();
        let base = app.database_url.rsplit_once('/').unwrap().0;
        format!("{base}/{db}")
    } else {
        format!("sqlite:{}", dir.join(format!("{name}.db")).display())
    }
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_into_scratch_with_every_row_and_the_audit_chain() {
    let app = TestApp::spawn().await;
    server::cli::demo::seed_evidence(&app.state).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portal.backup");
    let file = file.to_str().unwrap();

    let (code, backup, err) = cli(&app.database_url, &["admin", "backup", file]).await;
    assert_eq!(code, 0, "{err}");
    let rows = backup["rows"].as_i64().unwrap();
    assert!(rows > 300 && backup["tables"].as_i64().unwrap() > 40, "{backup}");
    let expected = if app.database_url.starts_with("postgres") { "postgres" } else { "sqlite" };
    assert_eq!(backup["backend"], expected);
    // The portal keeps serving and writing after the backup; the copy holds the moment it was taken.
    let admin = app.login("admin@acme.demo").await;
    app.create_key(&admin, "after the backup").await;

    let into = scratch(&app, dir.path(), "good").await;
    let (code, restored, err) = cli(&app.database_url, &["admin", "restore", file, "--into", &into]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(restored["rows"].as_i64(), Some(rows), "every row counted at the backup, no more: {restored}");
    assert!(restored["audit_entries_verified"].as_i64().unwrap() > 10, "{restored}");
    let copy = app::ssr::store::Db::connect(&into).await.unwrap();
    assert!(copy.user_by_email("admin@acme.demo").await.unwrap().is_some());
    copy.close().await;

    let (code, _, err) = cli(&app.database_url, &["admin", "restore", file, "--into", &into]).await;
    assert_ne!(code, 0, "a second restore into the same target is refused");
    assert!(err.contains("exists") || err.contains("pg_restore"), "{err}");

    // A manifest that does not match the copy: the restore says which table differs.
    let manifest_path = format!("{file}.manifest.json");
    let mut manifest: Value = serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    let orgs = manifest["tables"]["orgs"].as_i64().unwrap();
    manifest["tables"]["orgs"] = Value::from(orgs + 1);
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();
    let into = scratch(&app, dir.path(), "differs").await;
    let (code, _, err) = cli(&app.database_url, &["admin", "restore", file, "--into", &into]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(&format!("orgs: snapshot {} vs restored {orgs}", orgs + 1)), "{err}");

    let (code, _, err) = cli(&app.database_url, &["admin", "backup", file]).await;
    assert_eq!(code, 2, "refuses to overwrite");
    assert!(err.contains("exists"), "{err}");
}

#[tokio::test]
async fn a_copy_whose_audit_log_was_edited_is_refused() {
    let app = TestApp::spawn().await;
    if app.database_url.starts_with("postgres") {
        return; // the same check; editing a SQLite file is the simple way to forge a copy
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("portal.backup");
    let file = file.to_str().unwrap();
    let (code, _, err) = cli(&app.database_url, &["admin", "backup", file]).await;
    assert_eq!(code, 0, "{err}");
    let forged = app::ssr::store::Db::connect(&format!("sqlite:{file}")).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 2").execute(forged.pool()).await.unwrap();
    forged.close().await;
    let into = scratch(&app, dir.path(), "forged").await;
    let (code, _, err) = cli(&app.database_url, &["admin", "restore", file, "--into", &into]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("audit chain is broken at entry 2"), "{err}");
}
