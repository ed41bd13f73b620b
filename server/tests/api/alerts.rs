//! The alert centre on a manual clock: a usage anomaly opens once, is
//! delivered to a local receiver that checks its signature, is acknowledged by
//! a person (who and when, audited; once), and clears itself an hour later
//! into the history. Dead letters and onboarding drop-off open and clear the
//! same way. The OKR scoreboard answers from the same data.

use crate::helpers::{Received, TestApp, signed_receiver_on, wait_for_messages};
use app::ssr::alert_rules::{self, LEDGER_DEAD_LETTERS, ONBOARDING_DROP_OFF, USAGE_ANOMALY};
use app::ssr::clock::{Clock, ManualClock, SystemClock};
use serde_json::Value;
use std::sync::Arc;

const HOUR: i64 = 3_600_000;

/// Open alerts of `kind`: their subjects.
async fn open_of(app: &TestApp, kind: &str) -> Vec<String> {
    let open = app.state.db.open_alerts().await.unwrap();
    open.into_iter().filter(|a| a.kind == kind).map(|a| a.subject).collect()
}

/// `n` usage events for a tenant, happening now.
async fn usage(app: &TestApp, org_id: &str, n: usize) {
    let now = app.state.now_ms();
    for _ in 0..n {
        let e = app::ssr::store::UsageEventRow {
            id: app.state.new_id(app::domain::ids::UsageEventId::from_parts).to_string(),
            org_id: org_id.to_owned(),
            event: "portal.download".into(),
            units: 1,
            ts: now,
            receipt_id: None,
            subject: Some("pack_anomaly".into()),
            idempotency_key: None,
            created_at: now,
        };
        app.state.db.insert_usage(&e).await.unwrap();
    }
}

async fn post(app: &TestApp, path: &str, cookie: &str) -> (u16, Value) {
    let r = app.http.post(app.url(path)).header("cookie", cookie).header("origin", &app.base).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

async fn get(app: &TestApp, path: &str, cookie: &str) -> (u16, Value) {
    let r = app.http.get(app.url(path)).header("cookie", cookie).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// A demo portal on a manual clock whose alert webhook is a local receiver checking signatures.
async fn portal_with_receiver() -> (TestApp, ManualClock, Received) {
    let clock = ManualClock::new(SystemClock.now_ms());
    let secret = app::ssr::webhooks::scheme::Secret::generate();
    let (url, got) = signed_receiver_on(&secret, Arc::new(clock.clone())).await;
    let app = TestApp::spawn_with_clock(
        |c| {
            c.alert_webhook_url = Some(url);
            c.alert_webhook_secret = Some(app::ssr::config::SecretText(secret));
            c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
        },
        Arc::new(clock.clone()),
    )
    .await;
    (app, clock, got)
}

/// The (type, kind) of the `n`th delivered message, once it arrived.
async fn delivered(got: &Received, n: usize) -> (String, String) {
    wait_for_messages(got, n + 1).await;
    let m = got.lock().unwrap()[n].1.clone();
    (m["type"].as_str().unwrap().to_owned(), m["data"]["kind"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn a_usage_anomaly_opens_is_delivered_acknowledged_once_and_clears_into_the_history() {
    let (app, clock, got) = portal_with_receiver().await;
    let globex = app.state.db.org_by_slug("globex").await.unwrap().unwrap();

    // 99 events in an hour are below the floor: nothing opens.
    usage(&app, &globex.id, 99).await;
    alert_rules::sync(&app.state).await.unwrap();
    assert!(open_of(&app, USAGE_ANOMALY).await.is_empty());

    // 15 more make 114 in the hour with no week before it: an anomaly, opened once.
    usage(&app, &globex.id, 15).await;
    let synced = alert_rules::sync(&app.state).await.unwrap();
    assert_eq!(synced.opened, 1);
    assert_eq!(alert_rules::sync(&app.state).await.unwrap().opened, 0, "deduplicated");
    assert_eq!(open_of(&app, USAGE_ANOMALY).await, ["globex"]);

    // Delivered to the operator webhook, signed (the receiver checks the signature).
    wait_for_messages(&got, 1).await;
    let opened = got.lock().unwrap()[0].1.clone();
    assert_eq!((opened["type"].as_str(), opened["data"]["kind"].as_str()), (Some("alert.opened"), Some(USAGE_ANOMALY)));
    assert!(opened["data"]["message"].as_str().unwrap().contains("114 usage events in the last hour"), "{opened}");

    // Finance sees it on the alert centre and acknowledges it; a second acknowledgement is refused.
    let finance = app.login("finance@operator.demo").await;
    // The dashboards draw it: 114 events in this minute, marked where the alert opened.
    app::ssr::dashboard::record_adoption(&app.state).await.unwrap();
    let (s, dash, _) = app.server_fn("dashboard", Some(&finance), &[]).await;
    assert_eq!(s, 200, "{dash}");
    let series = dash["usage"].as_array().unwrap().iter().find(|t| t["tenant"] == "globex").unwrap();
    assert_eq!(series["per_minute"][59], 114, "{series}");
    assert_eq!(series["per_minute"].as_array().unwrap().iter().filter_map(Value::as_u64).sum::<u64>(), 114);
    assert_eq!(series["anomalies"], serde_json::json!([59]));
    let adoption = dash["adoption"].as_array().unwrap();
    assert_eq!(adoption.len(), 2, "one recorded point, nothing backfilled, then now: {adoption:?}");
    assert_eq!(adoption[1]["at"], dash["measured_at"], "the last point is adoption now");
    assert_eq!(dash["burn_down"].as_array().unwrap().len(), 5);
    let (s, centre) = get(&app, "/api/v1/alerts", &finance).await;
    assert_eq!(s, 200, "{centre}");
    let alert = centre["open"].as_array().unwrap().iter().find(|a| a["kind"] == USAGE_ANOMALY).unwrap().clone();
    let id = alert["id"].as_str().unwrap();
    assert_eq!(alert["acked_by"], Value::Null);
    let (s, acked) = post(&app, &format!("/api/v1/alerts/{id}/acknowledge"), &finance).await;
    assert_eq!((s, acked["acked_by"].as_str()), (200, Some("finance@operator.demo")), "{acked}");
    assert_eq!(acked["acked_at"].as_i64(), Some(app.state.now_ms()));
    let security = app.login("security@operator.demo").await;
    let (s, again) = post(&app, &format!("/api/v1/alerts/{id}/acknowledge"), &security).await;
    assert_eq!((s, again["error"]["code"].as_str().unwrap()), (409, "conflict"), "{again}");
    assert!(again["error"]["message"].as_str().unwrap().contains("finance@operator.demo"), "{again}");
    let (s, missing) = post(&app, "/api/v1/alerts/alert_nope/acknowledge", &security).await;
    assert_eq!((s, missing["error"]["code"].as_str().unwrap()), (404, "not_found"));
    let log = app.state.db.audit_page(1, 1_000).await.unwrap();
    let entry = log.iter().find(|e| e.action == "alert.acknowledged").expect("audited");
    assert_eq!((entry.actor.as_str(), entry.detail.as_str()), ("finance@operator.demo", "usage.anomaly globex"));

    // Tenants and auditors never see the alert centre.
    for who in ["admin@acme.demo", "auditor@audit.demo"] {
        let cookie = app.login(who).await;
        assert_eq!(get(&app, "/api/v1/alerts", &cookie).await.0, 403, "{who}");
        assert_eq!(post(&app, &format!("/api/v1/alerts/{id}/acknowledge"), &cookie).await.0, 403, "{who}");
    }

    // An hour later the hour is quiet again: the alert clears itself and is delivered as cleared.
    clock.advance_ms(HOUR + 1);
    let synced = alert_rules::sync(&app.state).await.unwrap();
    assert_eq!((synced.opened, synced.cleared), (0, 1));
    wait_for_messages(&got, 2).await;
    assert_eq!(got.lock().unwrap()[1].1["type"], "alert.cleared");
    let finance = app.login("finance@operator.demo").await; // the idle session expired meanwhile
    let (_, centre) = get(&app, "/api/v1/alerts", &finance).await;
    assert!(centre["open"].as_array().unwrap().iter().all(|a| a["kind"] != USAGE_ANOMALY));
    let past = centre["history"].as_array().unwrap().iter().find(|a| a["id"] == id).unwrap();
    assert_eq!(past["acked_by"], "finance@operator.demo");
    assert_eq!(past["cleared_at"].as_i64(), Some(app.state.now_ms()));
    let (s, cleared) = post(&app, &format!("/api/v1/alerts/{id}/acknowledge"), &finance).await;
    assert_eq!(
        (s, cleared["error"]["code"].as_str().unwrap()),
        (409, "conflict"),
        "a cleared alert is not acknowledged: {cleared}"
    );

    // The 114 are now the week's baseline (a mean of 0.7 an hour): a new burst of 100 is over
    // ten times that, so a new alert opens (the cleared one stays in the history).
    usage(&app, &globex.id, 100).await;
    alert_rules::sync(&app.state).await.unwrap();
    assert_eq!(open_of(&app, USAGE_ANOMALY).await, ["globex"], "100 in an hour against a mean under 1 is still 10x");
}

#[tokio::test]
async fn dead_letters_and_onboarding_drop_off_open_alerts_that_are_delivered_acknowledged_and_clear() {
    let (app, clock, got) = portal_with_receiver().await;
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    assert!(open_of(&app, LEDGER_DEAD_LETTERS).await.is_empty());

    // A usage event the ledger cannot post is parked after its retries: an alert waits for someone.
    usage(&app, &acme.id, 1).await;
    let outage =
        |_: &app::ssr::store::PendingEvent| Err::<app::ssr::store::Posting, _>("ledger store unavailable".to_owned());
    for _ in 0..app::ssr::billing::ledger::MAX_ATTEMPTS {
        clock.advance_ms(10 * 60 * 1000);
        crate::billing::post_at(&app, app.state.now_ms(), outage).await;
    }
    assert_eq!(app.state.db.dead_letters(Some(&acme.id)).await.unwrap().len(), 1);
    alert_rules::sync(&app.state).await.unwrap();
    assert_eq!(open_of(&app, LEDGER_DEAD_LETTERS).await, ["acme-robotics"]);
    let alert = app.state.db.open_alerts().await.unwrap().into_iter().find(|a| a.kind == LEDGER_DEAD_LETTERS).unwrap();
    assert!(alert.message.contains("1 usage event waiting"), "{}", alert.message);
    assert_eq!(delivered(&got, 0).await, ("alert.opened".to_owned(), LEDGER_DEAD_LETTERS.to_owned()));
    let security = app.login("security@operator.demo").await;
    let (s, acked) = post(&app, &format!("/api/v1/alerts/{}/acknowledge", alert.id), &security).await;
    assert_eq!((s, acked["acked_by"].as_str()), (200, Some("security@operator.demo")), "{acked}");
    // Replayed: the alert clears at the next sync, and the clearing is delivered.
    app.state.db.replay_dead_letters(app.state.now_ms()).await.unwrap();
    let synced = alert_rules::sync(&app.state).await.unwrap();
    assert_eq!(synced.cleared, 1);
    assert!(open_of(&app, LEDGER_DEAD_LETTERS).await.is_empty());
    assert_eq!(delivered(&got, 1).await, ("alert.cleared".to_owned(), LEDGER_DEAD_LETTERS.to_owned()));

    // Onboarding: three invitations whose sessions go idle are abandoned; with none
    // completed, the success share is under 90%.
    assert!(open_of(&app, ONBOARDING_DROP_OFF).await.is_empty());
    for n in 0..3 {
        let (_, token) = app::ssr::onboarding::invitations::create_invitation(
            &app.state,
            "admin@operator.demo",
            &format!("Drop {n}"),
            7,
        )
        .await
        .unwrap();
        app::ssr::onboarding::session::show(&app.state, &token, app::ssr::onboarding::model::Via::Cli).await.unwrap();
    }
    clock.advance_ms(2 * 24 * HOUR);
    app::ssr::onboarding::funnel::mark_abandoned(&app.state).await.unwrap();
    alert_rules::sync(&app.state).await.unwrap();
    let open = app.state.db.open_alerts().await.unwrap();
    let drop = open.iter().find(|a| a.kind == ONBOARDING_DROP_OFF).expect("drop-off alert");
    assert!(drop.message.contains("3 of 3 ended onboardings were abandoned: success 0%"), "{}", drop.message);
    assert_eq!(delivered(&got, 2).await, ("alert.opened".to_owned(), ONBOARDING_DROP_OFF.to_owned()));
    let admin = app.login("admin@operator.demo").await;
    let (s, acked) = post(&app, &format!("/api/v1/alerts/{}/acknowledge", drop.id), &admin).await;
    assert_eq!((s, acked["acked_by"].as_str()), (200, Some("admin@operator.demo")), "{acked}");
    // Twenty-seven partners complete theirs: 27 of 30 is 90%, the goal, and the alert clears.
    for n in 0..27 {
        complete_onboarding(&app, &format!("Done {n}")).await;
    }
    let synced = alert_rules::sync(&app.state).await.unwrap();
    assert_eq!(synced.cleared, 1);
    assert!(open_of(&app, ONBOARDING_DROP_OFF).await.is_empty());
    assert_eq!(delivered(&got, 3).await, ("alert.cleared".to_owned(), ONBOARDING_DROP_OFF.to_owned()));
}

#[tokio::test]
async fn the_okr_scoreboard_measures_the_demo_and_says_no_data_where_there_is_none() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@operator.demo").await;
    let (_, bare) = get(&app, "/api/v1/okrs", &admin).await;
    let statuses: Vec<&str> =
        bare["key_results"].as_array().unwrap().iter().map(|k| k["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["no_data"; 5], "a portal with no evidence measures nothing: {bare}");
    server::cli::demo::seed_evidence(&app.state).await.unwrap();
    let (s, board) = get(&app, "/api/v1/okrs", &admin).await;
    assert_eq!(s, 200, "{board}");
    let krs = board["key_results"].as_array().unwrap();
    assert_eq!(krs.len(), 5);
    let status = |n: usize| krs[n - 1]["status"].as_str().unwrap().to_owned();
    // KR3: the demo's 21 active repositories, 20 signed.
    assert_eq!(krs[2]["current"], "95.2%", "{}", krs[2]);
    assert_eq!(status(3), "met");
    // KR5: nothing probed this fresh portal, so uptime has no data rather than a value.
    assert_eq!((status(5).as_str(), &krs[4]["current"]), ("no_data", &Value::Null), "{}", krs[4]);
    assert!(krs[4]["detail"].as_str().unwrap().contains("no probes"), "{}", krs[4]);
    // The CLI prints the same board, and exits 1 exactly when a key result is missed.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
        .args(["--json", "okrs"])
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .env("PORTAL_DATABASE_URL", &app.database_url)
        .output()
        .await
        .unwrap();
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    for (a, b) in cli["key_results"].as_array().unwrap().iter().zip(krs) {
        assert_eq!((&a["status"], &a["current"]), (&b["status"], &b["current"]));
    }
    let missed = krs.iter().any(|k| k["status"] == "missed");
    assert_eq!(out.status.code(), Some(i32::from(missed)), "{krs:?}");
    let acme = app.login("admin@acme.demo").await;
    assert_eq!(get(&app, "/api/v1/okrs", &acme).await.0, 403);
}

/// An onboarding that starts and is marked complete (the wizard's steps are
/// covered by the onboarding tests; the drop-off rule reads only the outcome).
async fn complete_onboarding(app: &TestApp, label: &str) {
    let (invitation, token) =
        app::ssr::onboarding::invitations::create_invitation(&app.state, "admin@operator.demo", label, 7)
            .await
            .unwrap();
    app::ssr::onboarding::session::show(&app.state, &token, app::ssr::onboarding::model::Via::Cli).await.unwrap();
    let session = app.state.db.onboarding_for_invitation(&invitation.id).await.unwrap().unwrap();
    let mut tx = app.state.db.transaction().await.unwrap();
    assert!(tx.complete_onboarding(&session.id, app.state.now_ms()).await.unwrap());
    tx.commit().await.unwrap();
}
