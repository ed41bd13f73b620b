//! Every role's overview on the demo data and a manual clock: what needs
//! attention (and acknowledging an alert turns it from failing to waiting),
//! figures scoped to what the role may see, month-to-date trends against the
//! same days of the previous month across a year end, OKR tiles for operator
//! staff only, and an auditor warned before their access ends.

use crate::helpers::TestApp;
use app::ssr::clock::ManualClock;
use serde_json::Value;
use std::sync::Arc;

const DAY: i64 = 86_400_000;
/// 2026-12-15T12:00:00Z: mid-month, so the seeded data sits well inside December.
const MID_DECEMBER: i64 = 1_797_336_000_000;

async fn overview(app: &TestApp, email: &str) -> Value {
    let cookie = app.login(email).await;
    let r = app.http.get(app.url("/api/v1/overview")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 200, "{email}");
    r.json().await.unwrap()
}

/// The figure labelled `label`.
fn figure<'a>(o: &'a Value, label: &str) -> &'a Value {
    o["figures"].as_array().unwrap().iter().find(|f| f["label"] == label).unwrap_or_else(|| panic!("no {label}: {o}"))
}

/// The attention item titled `title`.
fn attention<'a>(o: &'a Value, title: &str) -> &'a Value {
    o["attention"].as_array().unwrap().iter().find(|a| a["title"] == title).unwrap_or_else(|| panic!("no {title}: {o}"))
}

fn attention_titles(o: &Value) -> Vec<String> {
    o["attention"].as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn each_role_lands_on_its_own_overview() {
    let clock = ManualClock::new(MID_DECEMBER);
    let app = TestApp::spawn_with_clock(|_| {}, Arc::new(clock.clone())).await;
    server::cli::demo::seed_evidence(&app.state).await.unwrap();
    let r = app.http.get(app.url("/api/v1/overview")).send().await.unwrap();
    assert_eq!(r.status(), 401, "signed-in users only");

    // Finance: every tenant's verifications (the demo's 41 for Acme and 15 for Globex), invoices, the OKR tiles.
    let finance = overview(&app, "finance@operator.demo").await;
    let verifications = figure(&finance, "Verifications this month");
    assert_eq!(verifications["value"], "56", "{verifications}");
    // Acme's November calls were made on the 4th, 12th and 20th: 20 of them fall on the 1st-15th.
    assert_eq!(verifications["trend"]["text"], "up 180% on the same days last month (20)");
    assert!(figure(&finance, "Invoices 2026-12 (draft)")["value"].as_str().unwrap().starts_with('$'));
    assert_eq!(finance["okrs"]["key_results"].as_array().unwrap().len(), 5);

    // Security: the failing repository needs attention until someone takes it on.
    let security = overview(&app, "security@operator.demo").await;
    let failing = "Policy bundle failed: acme-robotics/acme/robot-docs";
    let item = attention(&security, failing);
    assert_eq!((item["tone"].as_str(), item["href"].as_str()), (Some("Bad"), Some("/alerts")), "{item}");
    assert_eq!(figure(&security, "Signed policy adoption")["value"], "95.2%");
    assert_eq!(figure(&security, "Repositories not signed")["value"], "1");
    let alert =
        app.state.db.open_alerts().await.unwrap().into_iter().find(|a| a.subject.ends_with("robot-docs")).unwrap();
    let cookie = app.login("security@operator.demo").await;
    let acked = app
        .http
        .post(app.url(&format!("/api/v1/alerts/{}/acknowledge", alert.id)))
        .header("cookie", &cookie)
        .header("origin", &app.base)
        .send()
        .await
        .unwrap();
    assert_eq!(acked.status(), 200);
    let security = overview(&app, "security@operator.demo").await;
    let item = attention(&security, failing);
    assert_eq!(item["tone"], "Warn", "acknowledged is waiting, not fixed: {item}");
    assert!(item["detail"].as_str().unwrap().contains("acknowledged by security@operator.demo"));

    // A tenant sees its own figures only, and no operator OKRs.
    let globex = overview(&app, "admin@globex.demo").await;
    assert_eq!(figure(&globex, "Verifications this month")["value"], "15");
    assert_eq!(figure(&globex, "Invoice 2026-12 (draft)")["value"], "$0.15");
    assert_eq!(globex["okrs"], Value::Null);
    assert!(!globex.to_string().contains("acme"), "nothing of another tenant: {globex}");
    // Acme's admin: the demo's dead webhook message (its receiver answered 503 to every attempt).
    let acme = overview(&app, "admin@acme.demo").await;
    let dead = attention(&acme, "1 webhook message(s) undelivered");
    assert_eq!((dead["tone"].as_str(), dead["href"].as_str()), (Some("Bad"), Some("/webhooks")), "{dead}");
    let cookie = app.login("admin@acme.demo").await;
    let (_, page, _) = app.server_fn("list_webhook_messages", Some(&cookie), &[("status", "dead")]).await;
    let rows = page["rows"].as_array().expect("a page of messages");
    assert_eq!(rows.len(), 1, "{page}");
    assert_eq!((rows[0]["event_type"].as_str(), rows[0]["attempts"].as_i64()), (Some("pack.failed"), Some(7)));
    assert!(rows[0]["last_error"].as_str().unwrap().contains("503"), "{page}");
    let member = overview(&app, "member@acme.demo").await;
    assert!(attention_titles(&member).iter().all(|t| !t.contains("webhook")), "members are not shown webhooks");
    assert_eq!(figure(&member, "Verifications this month")["value"], "41");
    assert_eq!(figure(&member, "Rejected calls this month")["value"], "1");
    assert!(member["figures"].as_array().unwrap().iter().all(|f| !f["label"].as_str().unwrap().starts_with("Invoice")));

    // The auditor: the engagement's checklist, and no warning while access has weeks left.
    let auditor = overview(&app, "auditor@audit.demo").await;
    let engagement = figure(&auditor, "External audit dry-run (Sprint 12)");
    assert_eq!(engagement["value"], "4 of 5 checks passed", "{engagement}");
    assert_eq!(auditor["okrs"], Value::Null);
    assert!(attention_titles(&auditor).iter().all(|t| !t.starts_with("Access")), "{auditor}");

    // 24 days on, the auditor's 30-day access is about to end.
    clock.advance_ms(24 * DAY);
    let auditor = overview(&app, "auditor@audit.demo").await;
    let titles = attention_titles(&auditor);
    assert!(titles.iter().any(|t| t.starts_with("Access to External audit dry-run (Sprint 12) ends in")), "{titles:?}");

    // In mid-January, December's calls are the comparison, across the year end.
    clock.advance_ms(7 * DAY);
    let finance = overview(&app, "finance@operator.demo").await;
    let verifications = figure(&finance, "Verifications this month");
    assert_eq!(verifications["value"], "0");
    assert_eq!(verifications["trend"]["direction"], "Down");
    assert_eq!(verifications["trend"]["text"], "down 100% on the same days last month (56)");
}
