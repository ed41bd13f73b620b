//! Invoice previews: only verified calls are billed, at the plan's price,
//! rounded once per line; what-ifs; CSV; each tenant sees only its own.

use crate::helpers::TestApp;
use app::domain::period::Period;
use base64::Engine;
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// A new API key of the admin's tenant.
pub async fn key_of(app: &TestApp, admin: &str) -> String {
    let cookie = app.login(admin).await;
    app.create_key(&cookie, "billing tests").await.1
}

/// One Attestation API call that verifies (`ok`) or is rejected; returns the status.
pub async fn verify(app: &TestApp, key: &str, ok: bool) -> u16 {
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
        csv.starts_with(
            "period,tenant,plan,event,units,unit_price_usd,amount_usd,adjustment_of,status\n2026-04,acme-robotics,pro,"
        ),
        "{csv}"
    );
    assert_eq!(app.http.get(app.url("/api/v1/invoices/preview?period=2026-04")).send().await.unwrap().status(), 401);
}

/// An `attestation.verify` event of one unit at `ts`, as a writer would record it.
fn verify_event(app: &TestApp, org_id: &str, ts: i64, receipt_id: Option<&str>) -> app::ssr::store::UsageEventRow {
    app::ssr::store::UsageEventRow {
        id: app.state.new_id(app::domain::ids::UsageEventId::from_parts).to_string(),
        org_id: org_id.to_owned(),
        event: "attestation.verify".into(),
        units: 1,
        ts,
        receipt_id: receipt_id.map(str::to_owned),
        subject: None,
        idempotency_key: None,
        created_at: ts,
    }
}

/// Posts every due event at time `t`, with `post` deciding each event's fate.
pub async fn post_at(
    app: &TestApp,
    t: i64,
    post: impl Fn(&app::ssr::store::PendingEvent) -> Result<app::ssr::store::Posting, String>,
) -> (usize, usize, usize) {
    use app::ssr::billing::ledger::{BATCH, MAX_ATTEMPTS, backoff_ms};
    app.state.db.ledger_batch(t, BATCH, MAX_ATTEMPTS, |n| t + backoff_ms(n, 0), post).await.unwrap()
}

#[tokio::test]
async fn the_ledger_posts_each_event_once_and_reconciles() {
    let app = TestApp::spawn().await;
    let acme = key_of(&app, "admin@acme.demo").await;
    for ok in [true, true, false, true] {
        verify(&app, &acme, ok).await;
    }
    let now = app.state.now_ms();
    let period = Period::containing(now);
    assert_eq!(app::ssr::billing::ledger::run_once(&app.state).await.unwrap().0, 3, "the three successes are posted");
    assert_eq!(app::ssr::billing::ledger::run_once(&app.state).await.unwrap(), (0, 0, 0), "nothing is posted twice");
    let org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    let totals = app.state.db.ledger_totals(&period.to_string()).await.unwrap();
    let units = totals.iter().find(|t| t.org_id == org.id && t.event == "attestation.verify").unwrap().units;
    assert_eq!(units, 3);
    let r = app::ssr::billing::pricing::reconcile(&app.state.db, &org, period).await.unwrap();
    assert!(r.is_clean(), "{}", r.summary());
    assert_eq!((r.verified_calls, r.usage_units, r.ledger_units, r.invoiced_units), (3, 3, 3, 3));
}

#[tokio::test]
async fn failing_events_back_off_park_and_replay_once() {
    let app = TestApp::spawn().await;
    let acme = key_of(&app, "admin@acme.demo").await;
    verify(&app, &acme, true).await;
    let org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    let mut t = app.state.now_ms() + 1_000;
    let outage =
        |_: &app::ssr::store::PendingEvent| Err::<app::ssr::store::Posting, _>("ledger store unavailable".to_owned());
    let mut parked = 0;
    for _ in 0..app::ssr::billing::ledger::MAX_ATTEMPTS {
        let (p, _, d) = post_at(&app, t, outage).await;
        assert_eq!(p, 0);
        parked += d;
        // Not due again before its backoff.
        assert_eq!(post_at(&app, t + 1, outage).await, (0, 0, 0));
        t += 10 * 60 * 1000;
    }
    assert_eq!(parked, 1);
    let dead = app.state.db.dead_letters(Some(&org.id)).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].reason, "ledger store unavailable");
    assert_eq!(
        post_at(&app, t, app::ssr::billing::ledger::posting).await,
        (0, 0, 0),
        "parked events wait for a replay"
    );
    assert_eq!(app.state.db.replay_dead_letters(t).await.unwrap(), 1);
    assert_eq!(app.state.db.replay_dead_letters(t).await.unwrap(), 0, "replay is idempotent");
    assert_eq!(post_at(&app, t, app::ssr::billing::ledger::posting).await, (1, 0, 0));
    assert_eq!(post_at(&app, t, app::ssr::billing::ledger::posting).await, (0, 0, 0));
    assert!(app.state.db.dead_letters(Some(&org.id)).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_event_breaking_the_schema_is_parked_naming_the_field_and_reconciliation_flags_it() {
    let app = TestApp::spawn().await;
    let org = app.state.db.org_by_slug("globex").await.unwrap().unwrap();
    let now = app.state.now_ms();
    let bad = verify_event(&app, &org.id, now, None); // billing without evidence
    assert!(app::ssr::billing::schema::validate(&bad).unwrap_err().field == "/receipt_id");
    app.state.db.insert_usage(&bad).await.unwrap(); // as if written by an older or buggy writer
    // Retried until parked: every attempt fails on the schema.
    let mut t = now + 1_000;
    for _ in 0..app::ssr::billing::ledger::MAX_ATTEMPTS {
        assert_eq!(post_at(&app, t, app::ssr::billing::ledger::posting).await.0, 0, "never posted");
        t += 10 * 60 * 1000;
    }
    let dead = app.state.db.dead_letters(Some(&org.id)).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(dead[0].reason.contains("/receipt_id"), "{}", dead[0].reason);
    let r = app::ssr::billing::pricing::reconcile(&app.state.db, &org, Period::containing(now)).await.unwrap();
    assert!(!r.is_clean());
    assert_eq!(r.events_without_call, vec![bad.id.clone()]);
    assert!(r.summary().contains(&bad.id), "{}", r.summary());
}

#[tokio::test]
async fn random_mixes_of_calls_bill_exactly_the_distinct_successes() {
    use rand::{Rng, SeedableRng};
    let app = TestApp::spawn_with(|c| {
        c.api_rate_per_minute = 100_000;
        c.api_burst = 100_000;
    })
    .await;
    let acme = key_of(&app, "admin@acme.demo").await;
    let org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261201);
    let mut expected_successes = 0;
    let mut sent: Vec<(String, Value, u16)> = Vec::new();
    for i in 0..60 {
        let choice = rng.gen_range(0..4);
        if choice == 3 && !sent.is_empty() {
            // A retry (same key and body) or a conflicting reuse (same key, other body).
            let (idem, body, first) = sent[rng.gen_range(0..sent.len())].clone();
            let conflicting = rng.gen_range(0..10) < 3;
            let body = if conflicting { signed_body(true) } else { body };
            let r = post_idem(&app, &acme, &idem, &body).await;
            assert_eq!(r, if conflicting { 409 } else { first }, "call {i}");
        } else {
            let ok = choice != 2;
            let idem = format!("mix-{i}");
            let body = signed_body(ok);
            let status = post_idem(&app, &acme, &idem, &body).await;
            assert_eq!(status, if ok { 200 } else { 422 }, "call {i}");
            expected_successes += i64::from(ok);
            sent.push((idem, body, status));
        }
    }
    let period = Period::containing(app.state.now_ms());
    let r = app::ssr::billing::pricing::reconcile(&app.state.db, &org, period).await.unwrap();
    assert_eq!(r.usage_units, expected_successes, "billable events == distinct successful calls");
    assert_eq!(r.verified_calls, expected_successes);
    assert!(r.is_clean(), "{}", r.summary());
}

fn signed_body(ok: bool) -> Value {
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    let artifact: [u8; 16] = rand::random();
    let sig = B64.encode(kp.sign(&artifact).unwrap().as_bytes());
    let sent = if ok { artifact.to_vec() } else { b"tampered".to_vec() };
    json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(sent)}, "signature": sig,
           "public_key": kp.public_key_der().unwrap().to_pem()})
}

async fn post_idem(app: &TestApp, key: &str, idem: &str, body: &Value) -> u16 {
    let r = app.http.post(app.url("/api/v1/verify")).bearer_auth(key).header("Idempotency-Key", idem).json(body);
    r.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn price_versions_are_read_by_finance_and_added_by_operator_admins_only() {
    let app = TestApp::spawn().await;
    let finance = app.login("finance@operator.demo").await;
    let (status, list, _) = app.server_fn("list_prices", Some(&finance), &[]).await;
    assert_eq!(status, 200, "{list}");
    assert!(list.as_array().unwrap().iter().any(|p| p["plan"] == "enterprise" && p["unit_price"] == 2_500));
    let next = Period::containing(app.state.now_ms()).next().to_string();
    let form = [("plan", "pro"), ("event", "attestation.verify"), ("price", "0.004"), ("from", next.as_str())];
    let (status, _, _) = app.server_fn("add_price", Some(&finance), &form).await;
    assert_eq!(status, 403, "finance reads prices but does not set them");
    let tenant = app.login("admin@acme.demo").await;
    assert_eq!(app.server_fn("list_prices", Some(&tenant), &[]).await.0, 403);

    let admin = app.login("admin@operator.demo").await;
    let (status, added, _) = app.server_fn("add_price", Some(&admin), &form).await;
    assert_eq!(status, 200, "{added}");
    assert_eq!((added["unit_price"].as_i64(), added["from"].as_str()), (Some(4_000), Some(next.as_str())));
    let (status, again, _) = app.server_fn("add_price", Some(&admin), &form).await;
    assert_eq!(status, 409, "one version per plan, event and month: {again}");
    let past = [("plan", "pro"), ("event", "attestation.verify"), ("price", "0.004"), ("from", "2020-01")];
    let (status, body, _) = app.server_fn("add_price", Some(&admin), &past).await;
    assert_eq!(status, 400, "past months never change: {body}");
    let bad = [("plan", "pro"), ("event", "attestation.verify"), ("price", "0.0000001"), ("from", next.as_str())];
    assert_eq!(app.server_fn("add_price", Some(&admin), &bad).await.0, 400, "sub-micro-dollar prices are refused");
}

#[tokio::test]
async fn counts_that_balance_do_not_hide_a_call_without_event_and_an_event_without_call() {
    let app = TestApp::spawn().await;
    let acme = key_of(&app, "admin@acme.demo").await;
    assert_eq!(verify(&app, &acme, true).await, 200);
    let org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    let now = app.state.now_ms();
    let period = Period::containing(now);
    let db = &app.state.db;
    // Before the ledger runs, the one event is checked against its call directly.
    let r = app::ssr::billing::pricing::reconcile(db, &org, period).await.unwrap();
    assert!(r.is_clean(), "{}", r.summary());

    // A verified call whose event was lost, and an event whose receipt has no verified call:
    // 2 calls and 2 events, so only the evidence count can tell.
    let (call_id,): (String,) = sqlx::query_as("SELECT id FROM verifications WHERE org_id = $1")
        .bind(&org.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let receipt = db.receipt(&org.id, &call_id).await.unwrap().unwrap();
    let mut lonely: app::ssr::store::VerificationRow =
        sqlx::query_as("SELECT * FROM verifications WHERE id = $1").bind(&call_id).fetch_one(db.pool()).await.unwrap();
    lonely.id = "ver_lonely".into();
    // The orphan event's receipt belongs to a call that was rejected.
    let rejected = app::ssr::store::VerificationRow {
        id: "ver_orphan".into(),
        outcome: app::domain::status::CallOutcome::Rejected,
        ..lonely.clone()
    };
    let records = [lonely, rejected].map(|verification| app::ssr::store::CallRecord {
        verification,
        success: None,
        idempotency: None,
    });
    db.insert_calls(&records).await.unwrap();
    sqlx::query("INSERT INTO receipts (id, org_id, key_id, subject_sha256, envelope, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
        .bind("ver_orphan")
        .bind(&org.id)
        .bind(&receipt.key_id)
        .bind(&receipt.subject_sha256)
        .bind(&receipt.envelope)
        .bind(now)
        .execute(db.pool())
        .await
        .unwrap();
    let orphan = verify_event(&app, &org.id, now, Some("ver_orphan"));
    db.insert_usage(&orphan).await.unwrap();
    for posted in [false, true] {
        if posted {
            assert_eq!(app::ssr::billing::ledger::run_once(&app.state).await.unwrap().0, 2);
        }
        let r = app::ssr::billing::pricing::reconcile(db, &org, period).await.unwrap();
        assert_eq!((r.verified_calls, r.usage_units), (2, 2), "the counts balance");
        assert!(!r.is_clean(), "posted {posted}: {}", r.summary());
        assert_eq!(r.calls_without_event, vec!["ver_lonely".to_owned()], "posted {posted}");
        assert_eq!(r.events_without_call, vec![orphan.id.clone()], "posted {posted}");
    }
}
