//! SLOs measured from recorded events on a manual clock: an outage of slow
//! API requests spends the latency budget, opens the fast-burn rule, and the
//! rule clears once the short window is clean again.

use crate::helpers::TestApp;
use app::domain::slo::{Severity, SloStatus};

const MINUTE: i64 = 60_000;

async fn latency(app: &TestApp) -> SloStatus {
    let report = app::ssr::slo::status::report(&app.state).await.unwrap();
    report.into_iter().find(|s| s.slo.name == "api-latency").unwrap()
}

async fn record(app: &TestApp, now: i64, count: usize, latency_ms: u64) {
    for _ in 0..count {
        app.state.sla.record(now, latency_ms * 1000);
    }
    app.state.sla.flush(&app.state.db).await.unwrap();
}

async fn burn_alerts(app: &TestApp) -> Vec<String> {
    let open = app.state.db.open_alerts().await.unwrap();
    let mut subjects: Vec<String> =
        open.into_iter().filter(|a| a.kind == app::ssr::slo::alerts::BURN).map(|a| a.subject).collect();
    subjects.sort();
    subjects
}

fn firing(s: &SloStatus) -> Vec<(Severity, u32)> {
    s.burn.iter().filter(|b| b.firing).map(|b| (b.rule.severity, b.rule.factor_tenths)).collect()
}

#[tokio::test]
async fn an_outage_spends_the_latency_budget_and_the_fast_burn_rule_opens_then_clears() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let before = latency(&app).await;
    assert_eq!((before.meets, before.window.total), (None, 0), "nothing recorded is never met");
    assert!(before.no_data.as_deref().unwrap().contains("no api_requests"), "{:?}", before.no_data);

    // A quiet day: 1 000 requests at 10 ms, and exactly 300 ms counts as within.
    record(&app, app.state.now_ms(), 999, 10).await;
    record(&app, app.state.now_ms(), 1, 300).await;
    clock.advance_ms(120 * MINUTE);
    let quiet = latency(&app).await;
    assert_eq!((quiet.window.good, quiet.window.total, quiet.meets), (1_000, 1_000, Some(true)));
    assert_eq!(quiet.budget_remaining_ppm, Some(1_000_000));
    assert!(firing(&quiet).is_empty());

    // Five minutes of 301 ms answers: every request in the short windows is bad (20x).
    record(&app, app.state.now_ms(), 300, 301).await;
    let outage = latency(&app).await;
    assert_eq!((outage.window.good, outage.window.total, outage.meets), (1_000, 1_300, Some(false)));
    // The budget is 5% of 1 300 = 65 bad requests; 300 spend it 4.6 times over.
    assert_eq!(outage.budget_remaining_ppm, Some(-3_615_384));
    assert_eq!(outage.sprint_colour, Some(app::domain::slo::BurnColour::Red));
    // 14.4x over 1 h fires (only the outage is in the hour); 6x over 6 h does not (300 of 1 300 is 4.6x);
    // 1x over 3 days does.
    assert_eq!(firing(&outage), [(Severity::Page, 144), (Severity::Ticket, 10)]);
    assert_eq!(outage.burn[0].short_rate_milli, Some(20_000));
    // Each firing rule is one open alert, opened once however often the upkeep syncs.
    let synced = app::ssr::slo::alerts::sync(&app.state).await.unwrap();
    assert_eq!((synced.opened, synced.cleared), (2, 0));
    assert_eq!(app::ssr::slo::alerts::sync(&app.state).await.unwrap().opened, 0);
    assert_eq!(burn_alerts(&app).await, ["api-latency/14.4x-1h", "api-latency/1x-3d"]);

    // Ten minutes later, fast again: the 5-minute window is clean, so the page clears;
    // the slow burn over days is still real and stays.
    clock.advance_ms(10 * MINUTE);
    record(&app, app.state.now_ms(), 100, 20).await;
    let after = latency(&app).await;
    assert_eq!(firing(&after), [(Severity::Ticket, 10)]);
    assert_eq!(after.burn[0].short_rate_milli, Some(0));
    let synced = app::ssr::slo::alerts::sync(&app.state).await.unwrap();
    assert_eq!((synced.opened, synced.cleared), (0, 1), "the page clears itself");
    assert_eq!(burn_alerts(&app).await, ["api-latency/1x-3d"]);

    // Nothing probed the portal: availability says so rather than passing.
    let report = app::ssr::slo::status::report(&app.state).await.unwrap();
    let availability = report.iter().find(|s| s.slo.name == "availability").unwrap();
    assert_eq!(availability.meets, None);
    assert!(availability.no_data.as_deref().unwrap().contains("no probes"), "{:?}", availability.no_data);
}

#[tokio::test]
async fn the_prober_records_a_running_portal_as_up_and_a_stopped_one_as_down() {
    let app = TestApp::spawn().await;
    // From another process, as it runs in production.
    let up = app.cli_json(&["probe", "--url", &app.base, "--count", "1"]).await;
    assert_eq!((up["up"].as_i64(), up["target"].as_str()), (Some(1), Some(app.base.as_str())), "{up}");

    // A portal that stopped: nothing listens on its port any more.
    let stopped = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let client = app::ssr::slo::probe::client().unwrap();
    let down = app::ssr::slo::probe::probe_once(&app.state, &client, &stopped).await.unwrap();
    assert_eq!(down.up, 0);
    assert!(down.detail.as_deref().unwrap().contains("cannot connect"), "{down:?}");

    // Availability is counted from the probes: one of two up misses 99.95%.
    let report = app::ssr::slo::status::report(&app.state).await.unwrap();
    let availability = report.iter().find(|s| s.slo.name == "availability").unwrap();
    assert_eq!((availability.window.good, availability.window.total), (1, 2));
    assert_eq!((availability.meets, availability.good_ppm), (Some(false), Some(500_000)));
    assert!(availability.burn.iter().all(|b| b.firing), "50% down burns at 1 000x: {:?}", availability.burn);

    // Bad arguments change nothing.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
        .args(["probe", "--url", &app.base, "--every", "1s", "--count", "1"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("PORTAL_DATABASE_URL", &app.database_url)
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    let report = app::ssr::slo::status::report(&app.state).await.unwrap();
    assert_eq!(report.iter().find(|s| s.slo.name == "availability").unwrap().window.total, 2);
}
