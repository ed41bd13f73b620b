//! Invoice simulation over 1,000,000 usage events (`cargo bench -p server --bench invoice`).
//!
//! Builds a fresh SQLite database with one tenant holding 1,000,000
//! `attestation.verify` events in one month (each with its verified call and
//! receipt row), posts them to the ledger (timed), then
//! times `pricing::simulate` (usage totals, prices, the first receipts) and the
//! month's reconciliation, then issuing the month and reading the issued invoice.
//! Targets: simulation <= 0.2 s; reconciling and issuing <= 0.5 s each (their
//! cost follows tenants x months: ledger rows and index counts, not events).

use app::domain::period::Period;
use app::ssr::billing::pricing;
use app::ssr::store::Db;
use std::time::Instant;

const EVENTS: i64 = 1_000_000;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::connect(&format!("sqlite:{}", dir.path().join("bench.db").display())).await.expect("db");
        let period = Period::parse("2026-04").expect("period");
        let start = period.start_ms();
        sqlx::query("INSERT INTO orgs (id, kind, name, slug, plan, created_at) VALUES ('org_bench', 'tenant', 'Bench', 'bench', 'enterprise', 0)")
            .execute(db.pool())
            .await
            .expect("org");
        let t = Instant::now();
        // Bulk fill on one connection with foreign keys off (no API key or receipt key rows needed).
        let mut conn = db.pool().acquire().await.expect("connection");
        sqlx::query("PRAGMA foreign_keys = OFF").execute(&mut *conn).await.expect("pragma");
        let fill = format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
             INSERT INTO verifications (id, org_id, api_key_id, kind, subject_sha256, outcome, latency_us, created_at) \
             SELECT 'ver_' || i, 'org_bench', 'key_bench', 'cosign_blob', 'ab', 'verified', 40, {start} + i * 2500 FROM n",
            last = EVENTS - 1
        );
        sqlx::query(&fill).execute(&mut *conn).await.expect("verifications");
        // One event per 2.5 s across the month, each with its receipt.
        let fill = format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
             INSERT INTO receipts (id, org_id, key_id, subject_sha256, envelope, created_at) \
             SELECT 'ver_' || i, 'org_bench', 'rk_bench', 'ab', '{{}}', {start} + i * 2500 FROM n",
            last = EVENTS - 1
        );
        sqlx::query(&fill).execute(&mut *conn).await.expect("receipts");
        let fill = format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last}) \
             INSERT INTO usage_events (id, org_id, event, units, ts, receipt_id, subject, created_at) \
             SELECT printf('evt_%026d', i), 'org_bench', 'attestation.verify', 1, {start} + i * 2500, 'ver_' || i, NULL, 0 FROM n",
            last = EVENTS - 1
        );
        sqlx::query(&fill).execute(&mut *conn).await.expect("events");
        sqlx::query("PRAGMA foreign_keys = ON").execute(&mut *conn).await.expect("pragma");
        drop(conn);
        println!("filled {EVENTS} events with receipts in {:.1?}", t.elapsed());
        // The ledger worker posts them (in production it keeps up every second).
        let t = Instant::now();
        let now = period.end_ms();
        let mut posted = 0;
        loop {
            let (p, r, d) = db
                .ledger_batch(now, app::ssr::billing::ledger::BATCH, app::ssr::billing::ledger::MAX_ATTEMPTS, |_| now, app::ssr::billing::ledger::posting)
                .await
                .expect("ledger");
            assert_eq!((r, d), (0, 0));
            posted += p;
            if p == 0 {
                break;
            }
        }
        let took = t.elapsed();
        println!(
            "ledger posted {posted} events in {took:.1?} ({} events/s)",
            u128::try_from(posted).unwrap_or(0) * 1000 / took.as_millis().max(1)
        );
        let org = db.org_by_slug("bench").await.expect("query").expect("org");
        let mut best = std::time::Duration::MAX;
        for run in 0..5 {
            let t = Instant::now();
            let invoice = pricing::simulate(&db, &org, period, None).await.expect("simulate");
            let took = t.elapsed();
            best = best.min(took);
            if run == 0 {
                let line = &invoice.lines[0];
                println!("invoice: {} units x {} = {} (total {})", line.units, line.unit_price, line.amount, invoice.total);
                assert_eq!(line.units, EVENTS);
            }
            println!("simulate run {run}: {took:.1?}");
        }
        println!("invoice simulation over {EVENTS} events: best {best:.1?} (target <= 200 ms)");
        let t = Instant::now();
        let r = pricing::reconcile(&db, &org, period).await.expect("reconcile");
        assert!(r.is_clean(), "{}", r.summary());
        println!(
            "reconciliation of the month: {:.1?} (target <= 500 ms; {})",
            t.elapsed(),
            r.summary().chars().take(120).collect::<String>()
        );

        // Issue the month once its grace window has passed: reads the ledger, stores the invoice and its units.
        let options = server::startup::leptos_options(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")).expect("Leptos.toml");
        let clock = app::ssr::clock::ManualClock::new(period.next().next().start_ms());
        let state = app::ssr::AppState::with_clock(db.clone(), Default::default(), options, std::sync::Arc::new(clock));
        let t = Instant::now();
        let issued = app::ssr::billing::invoicing::issue(&state, "bench", &org, period).await.expect("issue").expect("issued");
        println!("issuing the month ({EVENTS} events' ledger rows): {:.1?} (target <= 500 ms; total {})", t.elapsed(), issued.total);
        let t = Instant::now();
        let r = pricing::reconcile(&db, &org, period).await.expect("reconcile issued");
        assert!(r.is_clean(), "{}", r.summary());
        assert_eq!(r.invoiced_units, EVENTS);
        println!("reconciliation of the issued month: {:.1?} (target <= 500 ms)", t.elapsed());
        let t = Instant::now();
        let again = pricing::simulate(&db, &org, period, None).await.expect("simulate issued");
        assert_eq!(again, issued);
        println!("reading the issued invoice: {:.1?}", t.elapsed());
        db.close().await;
    });
}
