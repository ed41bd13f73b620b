//! `Idempotency-Key` on `POST /api/v1/verify`: retries bill once, conflicting
//! reuse is refused, concurrent identical requests make one event.

use crate::helpers::TestApp;
use base64::Engine;
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

async fn acme(app: &TestApp) -> (String, String) {
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key(&admin, "idempotency tests").await.1;
    let me: Value = app.http.get(app.url("/api/v1/me")).bearer_auth(&key).send().await.unwrap().json().await.unwrap();
    (key, me["tenant"]["id"].as_str().unwrap().to_owned())
}

async fn post(app: &TestApp, key: &str, idem: &str, body: &Value) -> (u16, Value, reqwest::header::HeaderMap) {
    let r = app
        .http
        .post(app.url("/api/v1/verify"))
        .bearer_auth(key)
        .header("Idempotency-Key", idem)
        .json(body)
        .send()
        .await
        .unwrap();
    let (status, headers) = (r.status().as_u16(), r.headers().clone());
    (status, r.json().await.unwrap_or(Value::Null), headers)
}

fn signed(artifact: &[u8]) -> Value {
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    let sig = B64.encode(kp.sign(artifact).unwrap().as_bytes());
    json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": sig,
           "public_key": kp.public_key_der().unwrap().to_pem()})
}

/// Usage events of the tenant carrying this idempotency key.
async fn events_for(app: &TestApp, org_id: &str, idem: &str) -> usize {
    let events = app.state.db.usage_events(org_id, 10_000).await.unwrap();
    events.iter().filter(|e| e.idempotency_key.as_deref() == Some(idem)).count()
}

#[tokio::test]
async fn a_retry_replays_the_answer_and_bills_once() {
    let app = TestApp::spawn().await;
    let (key, org) = acme(&app).await;
    let body = signed(b"artifact-1");
    let (s1, v1, h1) = post(&app, &key, "retry-1", &body).await;
    assert_eq!(s1, 200, "{v1}");
    assert!(h1.get("idempotent-replayed").is_none());
    let (s2, v2, h2) = post(&app, &key, "retry-1", &body).await;
    assert_eq!(s2, 200);
    assert_eq!(h2["idempotent-replayed"], "true");
    assert_eq!(v1, v2, "the replay is the original answer, receipt included");
    assert_eq!(events_for(&app, &org, "retry-1").await, 1);

    // The same key with another body is refused and changes nothing.
    let (s3, v3, _) = post(&app, &key, "retry-1", &signed(b"artifact-2")).await;
    assert_eq!(s3, 409, "{v3}");
    assert_eq!(v3["error"]["code"], "idempotency_key_reused");
    assert_eq!(events_for(&app, &org, "retry-1").await, 1);

    // A rejection is an answer too: replayed, never billed.
    let mut tampered = signed(b"artifact-3");
    tampered["artifact"]["base64"] = json!(B64.encode(b"something else"));
    let (s4, v4, _) = post(&app, &key, "retry-2", &tampered).await;
    assert_eq!(s4, 422, "{v4}");
    let (s5, v5, h5) = post(&app, &key, "retry-2", &tampered).await;
    assert_eq!((s5, &v5), (422, &v4));
    assert_eq!(h5["idempotent-replayed"], "true");
    assert_eq!(events_for(&app, &org, "retry-2").await, 0);

    // Keys are per tenant: Globex may use the same key for its own request.
    let globex_admin = app.login("admin@globex.demo").await;
    let globex = app.create_key(&globex_admin, "idempotency").await.1;
    let (s6, v6, h6) = post(&app, &globex, "retry-1", &body).await;
    assert_eq!(s6, 200, "{v6}");
    assert!(h6.get("idempotent-replayed").is_none());
    assert_ne!(v6["verification_id"], v1["verification_id"]);
}

#[tokio::test]
async fn bad_keys_are_refused_with_400() {
    let app = TestApp::spawn().await;
    let (key, _) = acme(&app).await;
    let (status, v, _) = post(&app, &key, &"k".repeat(256), &signed(b"x")).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("Idempotency-Key"), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_concurrent_identical_requests_make_one_event() {
    let app = TestApp::spawn_with(|c| {
        c.api_rate_per_minute = 100_000;
        c.api_burst = 100_000;
    })
    .await;
    let (key, org) = acme(&app).await;
    let body = signed(b"concurrent artifact");
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let (http, url, key, body) = (app.http.clone(), app.url("/api/v1/verify"), key.clone(), body.clone());
        set.spawn(async move {
            let r = http.post(url).bearer_auth(key).header("Idempotency-Key", "burst-1").json(&body).send().await;
            let r = r.unwrap();
            let replayed = r.headers().contains_key("idempotent-replayed");
            (r.status().as_u16(), r.json::<Value>().await.unwrap(), replayed)
        });
    }
    let answers = set.join_all().await;
    let distinct: std::collections::BTreeSet<String> =
        answers.iter().map(|(s, v, _)| format!("{s} {}", v["verification_id"].as_str().unwrap_or("?"))).collect();
    assert_eq!(distinct.len(), 1, "every caller got the same answer: {distinct:?}");
    assert!(distinct.iter().all(|a| a.starts_with("200 ver_")), "{distinct:?}");
    assert_eq!(answers.iter().filter(|(_, _, replayed)| !replayed).count(), 1, "one request did the work");
    assert_eq!(events_for(&app, &org, "burst-1").await, 1);
}

/// Two server processes on one database (the per-key lock is per process):
/// identical requests spread over both still make one event and one answer.
#[tokio::test]
async fn identical_requests_on_two_processes_make_one_event() {
    let roomy = |c: &mut app::ssr::config::PortalConfig| {
        c.api_rate_per_minute = 100_000;
        c.api_burst = 100_000;
    };
    let first = TestApp::spawn_with(roomy).await;
    let second = first.another_process(roomy).await;
    let (key, org) = acme(&first).await;
    let body = signed(b"artifact sent to two processes");
    let mut set = tokio::task::JoinSet::new();
    for i in 0..20 {
        let app = if i % 2 == 0 { &first } else { &second };
        let (http, url, key, body) = (app.http.clone(), app.url("/api/v1/verify"), key.clone(), body.clone());
        set.spawn(async move {
            let r = http.post(url).bearer_auth(key).header("Idempotency-Key", "two-procs").json(&body).send().await;
            let r = r.unwrap();
            let replayed = r.headers().contains_key("idempotent-replayed");
            (r.status().as_u16(), r.json::<Value>().await.unwrap(), replayed)
        });
    }
    let answers = set.join_all().await;
    let distinct: std::collections::BTreeSet<String> =
        answers.iter().map(|(s, v, _)| format!("{s} {}", v["verification_id"].as_str().unwrap_or("?"))).collect();
    assert_eq!(distinct.len(), 1, "every caller got the same answer: {distinct:?}");
    assert!(distinct.iter().all(|a| a.starts_with("200 ver_")), "{distinct:?}");
    assert_eq!(answers.iter().filter(|(_, _, replayed)| !replayed).count(), 1, "one answer is fresh, the rest replays");
    assert_eq!(events_for(&first, &org, "two-procs").await, 1);
}
