//! Invoice previews: only verified calls are billed, at the plan's price,
//! rounded once per line; what-ifs; CSV; each tenant sees only its own.

use crate::helpers::TestApp;
use app::domain::period::Period;
use base64::Engine;
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

async fn key_of(app: &TestApp, admin: &str) -> String {
    let cookie = app.login(admin).await;
    app.create_key(&cookie, "billing tests").await.1
}

async fn verify(app: &TestApp, key: &str, ok: bool) -> u16 {
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    let sig = B64.encode(kp.sign(b"artifact").unwrap().as_bytes());
    let artifact = if ok { "artifact" } else { "tampered" };
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": sig,
                      "public_key": kp.public_key_der().unwrap().to_pem()});
    app.http.post(app.url("/api/v1/verify")).bearer_auth(key).json(&body).send().await.unwrap().status().as_u16()
}

async fn preview(app: &TestApp, key: &str, query: &str) -> (u16, Value) {
    let r = app.http.get(app.url(&format!("/api/v1/invoices/preview?{query}"))).bearer_auth(key).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

fn line<'a>(invoice: &'a Value, event: &str) -> &'a Value {
    invoice["lines"].as_array().unwrap().iter().find(|l| l["event"] == event).unwrap()
}

#[tokio::test]
async fn only_verified_calls_are_billed_at_the_plan_price() {
    let app = TestApp::spawn().await;
    let acme = key_of(&app, "admin@acme.demo").await; // Pro, $0.005
    for ok in [true, true, true, false, false] {
        verify(&app, &acme, ok).await;
    }
    let period = Period::containing(app.state.now_ms()).to_string();
    let (status, inv) = preview(&app, &acme, &format!("period={period}")).await;
    assert_eq!(status, 200, "{inv}");
    assert_eq!(inv["plan"], "pro");
    assert_eq!(inv["what_if"], false);
    let verify_line = line(&inv, "attestation.verify");
    assert_eq!(verify_line["units"], 3, "two rejected calls bill nothing");
    assert_eq!(verify_line["unit_price"], 5_000);
    assert_eq!(verify_line["amount"], 2, "3 x $0.005 = 1.5 cents, rounded half-up to 2");
    assert_eq!(inv["total"], 2);
    assert_eq!(inv["receipts"].as_array().unwrap().len(), 3, "each billed unit names its receipt");

    let (_, what_if) = preview(&app, &acme, &format!("period={period}&plan=enterprise")).await;
    assert_eq!(what_if["what_if"], true);
    assert_eq!(line(&what_if, "attestation.verify")["amount"], 1, "3 x $0.0025 = 0.75 cent -> 1 cent");

    let (_, last_month) = preview(&app, &acme, &format!("period={}", Period::parse(&period).unwrap().previous())).await;
    assert_eq!(line(&last_month, "attestation.verify")["units"], 0);

    // Globex sees only its own usage.
    let globex = key_of(&app, "admin@globex.demo").await;
    let (_, theirs) = preview(&app, &globex, &format!("period={period}")).await;
    assert_eq!(theirs["tenant"], "globex");
    assert_eq!(line(&theirs, "attestation.verify")["units"], 0);
}

#[tokio::test]
async fn bad_queries_get_400_and_csv_is_offered() {
    let app = TestApp::spawn().await;
    let acme = key_of(&app, "admin@acme.demo").await;
    for bad in ["period=2026-13", "period=april", "period=2026-04&plan=gold", "period=2026-04&format=xml", "plan=pro"] {
        let (status, v) = preview(&app, &acme, bad).await;
        assert_eq!(status, 400, "{bad}: {v}");
    }
    let r = app.http.get(app.url("/api/v1/invoices/preview?period=2026-04&format=csv")).bearer_auth(&acme).send().await;
    let r = r.unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with("period,tenant,plan,event,units,unit_price_usd,amount_usd\n2026-04,acme-robotics,pro,"),
        "{csv}"
    );
    assert_eq!(app.http.get(app.url("/api/v1/invoices/preview?period=2026-04")).send().await.unwrap().status(), 401);
}
