//! What the benches share: a portal state on a scratch SQLite database with
//! the background workers off (the bench drives everything itself).

use app::ssr::store::Db;
use app::ssr::{AppState, config::PortalConfig};

/// A portal state on a fresh SQLite database in `dir` (migrated, empty).
pub async fn scratch_state(dir: &std::path::Path) -> AppState {
    let url = format!("sqlite:{}", dir.join("bench.db").display());
    let config = PortalConfig {
        database_url: app::ssr::config::DatabaseUrl(url.clone()),
        ledger_worker: false,
        webhook_worker: false,
        maintenance_worker: false,
        ..PortalConfig::default()
    };
    let options =
        server::startup::leptos_options(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")).expect("options");
    AppState::new(Db::connect(&url).await.expect("db"), config, options)
}
