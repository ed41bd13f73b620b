//! What the benches share: a portal state on a scratch SQLite database with
//! the background workers off (the bench drives everything itself), and
//! one timing summary format.
// Each bench compiles this module on its own and uses a part of it.
#![allow(dead_code)]

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

/// A portal state on a scratch database with the demo data and its evidence seeded.
pub async fn demo_state(dir: &std::path::Path) -> AppState {
    let state = scratch_state(dir).await;
    server::cli::demo::seed(&state).await.expect("seed");
    server::cli::demo::seed_evidence(&state).await.expect("evidence");
    state
}

/// Prints one line per measured operation: count, mean, p50, p90, p99 and max.
pub fn summary(name: &str, mut samples: Vec<std::time::Duration>) {
    samples.sort_unstable();
    let n = u32::try_from(samples.len()).expect("count");
    let total: std::time::Duration = samples.iter().sum();
    let pct = |p: usize| samples[(p * samples.len()).div_ceil(100).max(1) - 1];
    println!(
        "{name:<52} n={n:<5} mean={:>9.1?} p50={:>9.1?} p90={:>9.1?} p99={:>9.1?} max={:>9.1?}",
        total / n,
        pct(50),
        pct(90),
        pct(99),
        samples[samples.len() - 1]
    );
}

/// Runs `op` a tenth of `iterations` times to warm up, then `iterations` times timed one by one.
pub fn measure(name: &str, iterations: u32, mut op: impl FnMut()) {
    for _ in 0..iterations / 10 {
        op();
    }
    let samples = (0..iterations)
        .map(|_| {
            let t = std::time::Instant::now();
            op();
            t.elapsed()
        })
        .collect();
    summary(name, samples);
}
