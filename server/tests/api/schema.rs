//! The two schemas stay twins: after every migration, SQLite and Postgres
//! have the same tables with the same columns. Runs in the Postgres pass of
//! the suite (`PORTAL_TEST_POSTGRES_URL` set); the SQLite pass has no second
//! database to compare with, so there it says so and stops.

use crate::helpers::TestApp;
use app::ssr::store::Db;
use std::collections::BTreeSet;

type Columns = BTreeSet<(String, String)>;

async fn sqlite_columns() -> Columns {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::connect(&format!("sqlite:{}", dir.path().join("twin.db").display())).await.unwrap();
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    db.close().await;
    rows.into_iter().collect()
}

async fn postgres_columns(db: &Db) -> Columns {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    rows.into_iter().collect()
}

#[tokio::test]
async fn sqlite_and_postgres_have_the_same_tables_and_columns() {
    if std::env::var("PORTAL_TEST_POSTGRES_URL").is_err() {
        eprintln!("schema twins: compared in the Postgres pass (PORTAL_TEST_POSTGRES_URL unset here)");
        return;
    }
    let app = TestApp::spawn().await; // a fresh, fully migrated Postgres database
    let (sqlite, postgres) = (sqlite_columns().await, postgres_columns(&app.state.db).await);
    assert!(sqlite.len() > 50, "the SQLite schema looks empty: {sqlite:?}");
    let only_sqlite: Vec<_> = sqlite.difference(&postgres).collect();
    let only_postgres: Vec<_> = postgres.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "schemas differ: only in SQLite {only_sqlite:?}; only in Postgres {only_postgres:?}"
    );
}
