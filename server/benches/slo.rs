//! SLO measurement costs (`cargo bench -p server --bench slo`): the whole
//! `slo status` report (5 SLOs, each over its 30-day window, the last sprint
//! and the three burn rules' windows: 7 distinct lengths) on SQLite holding the demo data and a month of
//! data (latency histograms for every 5-minute bucket, a probe every
//! 30 s); the OKR scoreboard, the dashboards, the `/metrics` business gauges,
//! the signed SLA badge and the overviews (finance's, a tenant admin's) over
//! the same month; and the pure burn-rate arithmetic.

mod support;

use app::domain::slo::{BURN_RULES, Ratio};
use app::ssr::store::ProbeRow;
use std::time::Instant;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

fn main() {
    // Batches of 10 000 evaluations (one clock read per batch, not per evaluation).
    let mut times = Vec::new();
    let mut fired = 0usize;
    for batch in 0..100u64 {
        let t = Instant::now();
        for i in 0..10_000u64 {
            let r = std::hint::black_box(Ratio { good: 1_000_000 - (batch * 10_000 + i) / 100, total: 1_000_000 });
            fired += BURN_RULES.iter().filter(|rule| rule.fires(r, r, 999_500)).count();
        }
        times.push(t.elapsed());
    }
    support::summary(&format!("10 000 x three burn rules on a ratio ({fired} fired)"), times);

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = support::demo_state(dir.path()).await;
        let now = state.now_ms();
        // A month of 5-minute latency buckets, 12 histogram indices each.
        let start = now - 30 * DAY;
        let mut rows = Vec::new();
        let mut bucket = start - start % (5 * MINUTE);
        while bucket < now {
            for index in 0..12 {
                rows.push((bucket, index, 40 - index));
            }
            bucket += 5 * MINUTE;
        }
        let t = Instant::now();
        for chunk in rows.chunks(5_000) {
            state.db.add_latency_counts(chunk).await.expect("latency");
        }
        let buckets = rows.len();
        // A probe every 30 s, one in 2 000 down.
        let mut probes = 0u64;
        let mut at = start;
        while at < now {
            let row = ProbeRow {
                id: format!("prb_{probes:026}"),
                target: "http://127.0.0.1:3000".into(),
                at,
                up: i64::from(!probes.is_multiple_of(2_000)),
                latency_ms: 3,
                detail: None,
            };
            state.db.insert_probe(&row).await.expect("probe");
            probes += 1;
            at += 30_000;
        }
        println!("seeded {buckets} latency rows and {probes} probes in {:.1?}", t.elapsed());
        let mut times = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            let r = app::ssr::slo::status::report(&state).await.expect("report");
            times.push(t.elapsed());
            let availability = r.iter().find(|s| s.slo.name == "availability").expect("availability");
            assert!((1..=probes).contains(&availability.window.total), "the month's probes: {availability:?}");
        }
        support::summary("slo status: 5 SLOs x 7 window lengths (a month, SQLite)", times);

        // What else reads the same month at each page view or scrape.
        time("OKR scoreboard (two SLOs, adoption, funnel, ledger, audits)", 30, async || {
            app::ssr::okrs::board(&state).await.map(drop).expect("board");
        })
        .await;
        time("dashboards (usage per minute, 5 SLOs x 14 daily budgets, funnel, audits)", 10, async || {
            app::ssr::dashboard::build(&state).await.map(drop).expect("dashboard");
        })
        .await;
        time("business gauges for /metrics", 30, async || {
            app::ssr::business_metrics::render(&state).await.map(drop).expect("gauges");
        })
        .await;
        time("signed SLA badge (/badge/sla.json)", 30, async || {
            app::ssr::sla_badge::signed(&state).await.map(drop).expect("badge");
        })
        .await;
        for (who, email) in [("finance", "finance@operator.demo"), ("a tenant admin", "admin@acme.demo")] {
            let p = app::ssr::identity::auth::principal_for(&state, email).await.expect("principal");
            time(&format!("overview of {who} (/overview)"), 30, async || {
                app::ssr::overview::build(&state, &p).await.map(drop).expect("overview");
            })
            .await;
        }
    });
}

/// Runs `op` `runs` times and prints the timing summary.
async fn time(name: &str, runs: usize, op: impl AsyncFn()) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        op().await;
        times.push(t.elapsed());
    }
    support::summary(name, times);
}
