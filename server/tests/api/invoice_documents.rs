//! Invoices as documents on the demo data and a manual clock (mid-December
//! 2026): November's invoice is issued with a number and lines in words,
//! December's is a draft; a tenant sees only its own, over its API key, the
//! portal's server functions and the downloads; months that have not started
//! say so.

use crate::billing::key_of;
use crate::helpers::{TestApp, error_code};
use app::ssr::clock::ManualClock;
use serde_json::Value;
use std::sync::Arc;

/// 2026-12-15T12:00:00Z.
const MID_DECEMBER: i64 = 1_797_336_000_000;

async fn demo() -> TestApp {
    let app = TestApp::spawn_with_clock(|_| {}, Arc::new(ManualClock::new(MID_DECEMBER))).await;
    server::cli::demo::seed_evidence(&app.state).await.unwrap();
    app
}

async fn get(app: &TestApp, path: &str, key: &str) -> (u16, String) {
    let r = app.http.get(app.url(path)).bearer_auth(key).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_tenant_lists_its_issued_invoice_and_its_draft_over_the_api() {
    let app = demo().await;
    let acme = key_of(&app, "admin@acme.demo").await;
    let (status, body) = get(&app, "/api/v1/invoices", &acme).await;
    assert_eq!(status, 200, "{body}");
    let list: Vec<Value> = serde_json::from_str(&body).unwrap();
    let periods: Vec<(&str, &str)> =
        list.iter().map(|i| (i["period"].as_str().unwrap(), i["tenant"].as_str().unwrap())).collect();
    assert_eq!(periods, [("2026-12", "acme-robotics"), ("2026-11", "acme-robotics")], "only Acme's, newest first");
    let november = &list[1];
    let units = server::cli::demo_invoice::DEMO_CALLS_ACME_LAST_MONTH as i64;
    let on_starter = server::cli::demo_invoice::DEMO_CALLS_ACME_ON_STARTER as i64;
    let on_pro = units - on_starter;
    assert_eq!(november["number"], "INV-2026-11-ACME-ROBOTICS");
    // Each call at the plan in force when it was made: 1 cent on Starter, half a cent on Pro.
    let total = on_starter + on_pro / 2;
    assert_eq!((november["units"].as_i64(), november["total"].as_i64()), (Some(units), Some(total)));
    assert!(november["issued_at"].as_i64().unwrap() <= MID_DECEMBER);
    assert!(list[0]["number"].is_null() && list[0]["issued_at"].is_null(), "December is a draft: {}", list[0]);

    let (status, body) = get(&app, "/api/v1/invoices/2026-11", &acme).await;
    assert_eq!(status, 200, "{body}");
    let invoice: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(invoice["issued"]["at"], november["issued_at"]);
    let (status, csv) = get(&app, "/api/v1/invoices/2026-11?format=csv", &acme).await;
    assert_eq!(status, 200);
    assert!(
        csv.contains(&format!("2026-11,acme-robotics,starter,attestation.verify,{on_starter},0.01,0.10,,issued")),
        "{csv}"
    );
    assert!(
        csv.contains(&format!("2026-11,acme-robotics,pro,attestation.verify,{on_pro},0.005,0.10,,issued")),
        "{csv}"
    );
}

#[tokio::test]
async fn months_that_have_not_started_or_do_not_parse_are_refused_in_words() {
    let app = demo().await;
    let acme = key_of(&app, "admin@acme.demo").await;
    let (status, body) = get(&app, "/api/v1/invoices/2027-01", &acme).await;
    assert_eq!(status, 400, "{body}");
    let err: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(err["error"]["code"], "invalid_input");
    assert!(err["error"]["message"].as_str().unwrap().contains("2027-01 has not started yet"), "{err}");
    for bad in ["2026-13", "december", "2026-11?format=pdf"] {
        let (status, body) = get(&app, &format!("/api/v1/invoices/{bad}"), &acme).await;
        assert_eq!(status, 400, "{bad}: {body}");
    }
    let cookie = app.login("finance@operator.demo").await;
    let (status, body, _) = app.server_fn("usage_overview", Some(&cookie), &[("period", "2027-01")]).await;
    assert_eq!(status, 400, "the usage page says a future month has not started: {body}");
}

#[tokio::test]
async fn one_tenant_never_reads_another_tenants_invoice() {
    let app = demo().await;
    let globex = app.login("admin@globex.demo").await;
    let (status, body, _) =
        app.server_fn("invoice", Some(&globex), &[("tenant", "acme-robotics"), ("period", "2026-11")]).await;
    assert_eq!((status, error_code(&body)), (404, "not_found"), "{body}");
    let (status, body, _) = app.server_fn("invoices", Some(&globex), &[]).await;
    assert_eq!(status, 200);
    assert!(body.as_array().unwrap().iter().all(|i| i["tenant"] == "globex"), "{body}");
    let export = app
        .http
        .get(app.url("/usage/export?period=2026-11&tenant=acme-robotics&format=csv"))
        .header("cookie", &globex)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 404, "the download is scoped too");
    let member = app.login("member@acme.demo").await;
    let (status, _, _) = app.server_fn("invoices", Some(&member), &[]).await;
    assert_eq!(status, 403, "a tenant member does not see billing");
}

#[tokio::test]
async fn finance_sees_every_tenant_and_downloads_one_invoice() {
    let app = demo().await;
    let finance = app.login("finance@operator.demo").await;
    let (status, list, _) = app.server_fn("invoices", Some(&finance), &[]).await;
    assert_eq!(status, 200);
    let rows: Vec<(&str, &str, bool)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["period"].as_str().unwrap(), i["tenant"].as_str().unwrap(), i["number"].is_string()))
        .collect();
    assert_eq!(
        rows,
        [("2026-12", "acme-robotics", false), ("2026-12", "globex", false), ("2026-11", "acme-robotics", true)],
        "Globex had no usage in November, so it has no November draft"
    );
    let (status, invoice, _) =
        app.server_fn("invoice", Some(&finance), &[("tenant", "acme-robotics"), ("period", "2026-11")]).await;
    assert_eq!(status, 200, "{invoice}");
    let r = app
        .http
        .get(app.url("/usage/export?period=2026-11&tenant=acme-robotics&format=json"))
        .header("cookie", &finance)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let disposition = r.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert_eq!(disposition, "attachment; filename=\"invoice-2026-11-acme-robotics.json\"");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["invoices"][0], invoice, "the download is the document on screen");
}
