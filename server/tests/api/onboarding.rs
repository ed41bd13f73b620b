//! Self-serve onboarding against the live portal, with a local webhook
//! receiver and a local GitHub-compatible releases server (real HTTP on
//! loopback): the five steps in order, failures with their reasons, going
//! back, the invitation used up, the CLI resuming a session, expired links,
//! abandonment, and tenant webhooks retried into a dead letter and replayed.

use crate::helpers::TestApp;
use crate::packs::tenant_key;
use app::ssr::clock::{Clock, ManualClock};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use sigstore_verify::crypto::KeyPair;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

/// One request a receiver got: headers of interest and the body.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    legacy: Option<String>,
    body: Vec<u8>,
}

/// A webhook receiver answering `status` (changeable), recording every request.
struct Receiver {
    url: String,
    status: Arc<AtomicU16>,
    got: Arc<Mutex<Vec<Received>>>,
}

async fn receiver() -> Receiver {
    let status = Arc::new(AtomicU16::new(204));
    let got = Arc::new(Mutex::new(Vec::new()));
    let (s, g) = (status.clone(), got.clone());
    let route = axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
        let (s, g) = (s.clone(), g.clone());
        async move {
            let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
            g.lock().unwrap().push(Received {
                id: h("webhook-id"),
                timestamp: h("webhook-timestamp"),
                signature: h("webhook-signature"),
                legacy: headers.get("x-topicality-signature").and_then(|v| v.to_str().ok()).map(str::to_owned),
                body: body.to_vec(),
            });
            StatusCode::from_u16(s.load(Ordering::SeqCst)).unwrap()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/hook", route)).await });
    Receiver { url, status, got }
}

fn verify_with(secret: &str, r: &Received) -> Result<(), app::ssr::webhooks::scheme::WebhookError> {
    let now =
        i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()).unwrap();
    let ts: i64 = r.timestamp.parse().unwrap_or(0);
    // Receivers check the timestamp against their own clock; tests on a manual clock check it against the message's.
    let now = if (now - ts).abs() > 300 { ts } else { now };
    app::ssr::webhooks::scheme::verify(
        &app::ssr::webhooks::scheme::Secret::parse(secret).unwrap(),
        Some(&r.id),
        Some(&r.timestamp),
        Some(&r.signature),
        &r.body,
        now,
    )
}

/// A GitHub-compatible releases API serving `repo -> (tag, pack zip)`; the
/// asset URL redirects once, as GitHub's does.
async fn forge(releases: HashMap<String, (String, Vec<u8>)>) -> String {
    let releases = Arc::new(releases);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (r1, r2, b) = (releases.clone(), releases.clone(), base.clone());
    let router = axum::Router::new()
        .route(
            "/api/v3/repos/{owner}/{name}/releases/latest",
            axum::routing::get(move |Path((owner, name)): Path<(String, String)>| {
                let (r, b) = (r1.clone(), b.clone());
                async move {
                    let repo = format!("{owner}/{name}");
                    match r.get(&repo) {
                        None => (StatusCode::NOT_FOUND, axum::Json(json!({"message": "Not Found"}))),
                        Some((tag, _)) => (
                            StatusCode::OK,
                            axum::Json(json!({
                                "tag_name": tag, "draft": false, "prerelease": false,
                                "assets": [
                                    {"name": "source.tar.gz", "browser_download_url": format!("{b}/nothing")},
                                    {"name": format!("{name}-{tag}.pack.zip"), "browser_download_url": format!("{b}/download/{owner}/{name}")},
                                ],
                            })),
                        ),
                    }
                }
            }),
        )
        .route(
            "/download/{owner}/{name}",
            axum::routing::get(|Path((owner, name)): Path<(String, String)>| async move {
                axum::response::Redirect::to(&format!("/blobs/{owner}/{name}"))
            }),
        )
        .route(
            "/blobs/{owner}/{name}",
            axum::routing::get(move |Path((owner, name)): Path<(String, String)>| {
                let r = r2.clone();
                async move { r.get(&format!("{owner}/{name}")).map(|(_, zip)| zip.clone()).ok_or(StatusCode::NOT_FOUND) }
            }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("{base}/api/v3")
}

fn pack(kp: &KeyPair, repo: &str, tag: &str) -> Vec<u8> {
    let files = vec![("sbom.spdx.json".to_owned(), br#"{"spdxVersion":"SPDX-2.3"}"#.to_vec())];
    app::ssr::evidence::packs::build(repo, tag, "2026-12-01T00:00:00Z", &files, |m| {
        kp.sign(m).unwrap().as_bytes().to_vec()
    })
    .unwrap()
}

fn pem(kp: &KeyPair) -> String {
    kp.public_key_der().unwrap().to_pem()
}

struct Partner<'a> {
    app: &'a TestApp,
    token: String,
}

impl Partner<'_> {
    async fn get(&self) -> (u16, Value) {
        let r = self.app.http.get(self.app.url("/api/v1/onboarding")).bearer_auth(&self.token).send().await.unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    async fn step(&self, step: &str, body: Value) -> (u16, Value) {
        let r = self
            .app
            .http
            .post(self.app.url(&format!("/api/v1/onboarding/steps/{step}")))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

/// An operator admin creates an invitation through the portal; returns the token.
async fn invite(app: &TestApp, label: &str, days: &str) -> String {
    let admin = app.login("admin@operator.demo").await;
    let (s, link, _) = app.server_fn("create_invitation", Some(&admin), &[("label", label), ("days", days)]).await;
    assert_eq!(s, 200, "{link}");
    let link = link.as_str().unwrap().to_owned();
    assert!(link.contains("/invite/tpi_"), "{link}");
    link.rsplit('/').next().unwrap().to_owned()
}

fn details(slug: &str) -> Value {
    json!({
        "name": "Widget Co", "slug": slug, "plan": "pro", "admin_name": "Wanda Widget",
        "admin_email": format!("wanda@{slug}.example"), "admin_password": "a long enough password",
    })
}

/// Publishes policy versions 1 and 2 signed by a new org policy key and makes 2 current.
async fn publish_policies(app: &TestApp) {
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    app::ssr::policy::ingest::add_policy_key(&app.state, "security@operator.demo", "policy-2026", &pem(&kp), None)
        .await
        .unwrap();
    for v in [1, 2] {
        let bundle =
            app::ssr::policy::bundle::build(&[("policies/org.rego", format!("package org # v{v}\n").as_bytes())])
                .unwrap();
        let sig =
            base64::Engine::encode(&base64::engine::general_purpose::STANDARD, kp.sign(&bundle).unwrap().as_bytes());
        app::ssr::policy::ingest::publish_release(&app.state, "security@operator.demo", v, bundle, sig).await.unwrap();
    }
    let change = app::ssr::policy::ingest::RolloutChange {
        current_version: Some(2),
        allowed_lag: None,
        active_days: None,
        require_org_workflow: None,
    };
    app::ssr::policy::ingest::set_rollout(&app.state, "security@operator.demo", change).await.unwrap();
}

async fn spawn(forge_url: String) -> TestApp {
    let app = TestApp::spawn_with(move |c| {
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
        c.releases_api_url = forge_url;
    })
    .await;
    publish_policies(&app).await;
    app
}

#[tokio::test]
async fn a_partner_completes_all_five_steps_through_failures_and_the_link_is_then_used_up() {
    let release_key = KeyPair::generate_ecdsa_p256().unwrap();
    let stranger = KeyPair::generate_ecdsa_p256().unwrap();
    let forge_url = forge(HashMap::from([
        ("widget/firmware".to_owned(), ("v1.2.0".to_owned(), pack(&release_key, "widget/firmware", "v1.2.0"))),
        ("widget/tampered".to_owned(), ("v0.9.0".to_owned(), pack(&stranger, "widget/tampered", "v0.9.0"))),
    ]))
    .await;
    let hook = receiver().await;
    let app = spawn(forge_url).await;
    let token = invite(&app, "Widget Co", "7").await;

    // The link puts the token in an HttpOnly cookie and sends the browser to the wizard.
    let r = app.http.get(app.url(&format!("/invite/{token}"))).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/onboard");
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with(&format!("tp_onboard={token}")) && cookie.contains("HttpOnly"), "{cookie}");

    let p = Partner { app: &app, token };
    let (s, v) = p.get().await;
    assert_eq!((s, v["session"]["current_step"].as_u64()), (200, Some(1)), "{v}");
    // Out of order: refused, and nothing recorded as done.
    let (s, v) = p.step("policy", json!({"version": 3})).await;
    assert_eq!(s, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("complete that first"), "{v}");

    // 1: tenant and admin login.
    let (s, v) = p.step("1", details("widget-co")).await;
    assert_eq!((s, v["session"]["completed_through"].as_u64()), (200, Some(1)), "{v}");
    let org = app.state.db.org_by_slug("widget-co").await.unwrap().expect("tenant created");
    assert_eq!(org.plan.as_deref(), Some("pro"));
    let (s, _, _) = app
        .server_fn("login", None, &[("email", "wanda@widget-co.example"), ("password", "a long enough password")])
        .await;
    assert_eq!(s, 200, "the tenant admin can log in");

    // 2: SSRF-refused URL, then a receiver answering 500, then 204.
    let (s, v) = p.step("webhook", json!({"url": "http://169.254.169.254/latest/meta-data"})).await;
    assert_eq!(s, 422, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("webhook_url_refused"), "{v}");
    hook.status.store(500, Ordering::SeqCst);
    let (s, v) = p.step("webhook", json!({"url": hook.url})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["session"]["failure"]["reason"], "webhook_status");
    assert!(v["fix"].as_str().unwrap().contains("2xx"), "{v}");
    hook.status.store(204, Ordering::SeqCst);
    let (s, v) = p.step("webhook", json!({"url": hook.url})).await;
    assert_eq!(s, 200, "{v}");
    let secret = v["session"]["webhook_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"));
    {
        let got = hook.got.lock().unwrap();
        assert_eq!(got.len(), 2, "two test deliveries");
        let test = got.last().unwrap();
        assert_eq!(verify_with(&secret, test), Ok(()), "signed with the endpoint's secret");
        assert_eq!(
            test.legacy.as_deref(),
            Some(test.signature.as_str()),
            "X-Topicality-Signature carries the same value"
        );
        assert_eq!(test.id, v["session"]["data"]["webhook_test_id"].as_str().unwrap());
    }

    // 3: the current policy version verifies; an unpublished or superseded one is refused.
    assert_eq!(v["session"]["policy_versions"].as_array().unwrap().len(), 1, "only version 2 may be picked: {v}");
    let (s, v) = p.step("3", json!({"version": 9})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("policy_version_unknown")), "{v}");
    let (s, v) = p.step("3", json!({"version": 1})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("policy_version_outdated")), "{v}");
    let (s, v) = p.step("3", json!({"version": 2})).await;
    assert_eq!(s, 200, "{v}");
    assert!(v["session"]["data"]["policy_signer"].as_str().unwrap().contains("policy-2026"), "{v}");

    // 4: no key; a pack signed by someone else; an unknown repo; then the real one.
    let (s, v) = p.step("4", json!({"repo": "widget/firmware"})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("signing_key_missing")), "{v}");
    let (s, v) = p.step("4", json!({"repo": "widget/tampered", "public_key": pem(&release_key)})).await;
    assert_eq!(s, 422, "{v}");
    assert_eq!(v["session"]["failure"]["reason"], "signature_mismatch", "{v}");
    assert!(v["fix"].as_str().unwrap().contains("key"), "{v}");
    assert!(app.state.db.signing_keys(&org.id).await.unwrap().is_empty(), "a key that verified nothing is not stored");
    assert!(app.state.db.packs(&org.id, 10).await.unwrap().is_empty(), "a failing pack is not accepted");
    let (s, v) = p.step("4", json!({"repo": "widget/nothing", "public_key": pem(&release_key)})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("release_not_found")), "{v}");
    let (s, v) = p.step("4", json!({"repo": "widget/firmware", "public_key": pem(&release_key)})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["session"]["data"]["release_tag"], "v1.2.0");
    let packs = app.state.db.packs(&org.id, 10).await.unwrap();
    assert_eq!((packs.len(), packs[0].status.as_str()), (1, "verified"));
    assert_eq!(app.state.db.signing_keys(&org.id).await.unwrap().len(), 1);

    // Going back is allowed and recorded; the later steps stay done.
    let r = app.http.post(app.url("/api/v1/onboarding/go-to/2")).bearer_auth(&p.token).send().await.unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["session"]["current_step"].as_u64(), v["session"]["completed_through"].as_u64()), (Some(2), Some(4)));

    // 5: entitlements on and the first API key, once.
    let (s, v) = p.step("finish", json!({})).await;
    assert_eq!(s, 200, "{v}");
    let key = v["api_key"].as_str().unwrap().to_owned();
    assert!(v["session"]["completed"].as_bool().unwrap());
    assert!(v["session"]["data"]["features"].as_array().unwrap().iter().any(|f| f == "policy_bundles"), "{v}");
    let me: Value = app.http.get(app.url("/api/v1/me")).bearer_auth(&key).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["tenant"]["slug"], "widget-co", "{me}");
    assert_eq!(me["tenant"]["active_plan"], "pro", "verified evidence keeps the paid plan's features: {me}");

    // The link is used up, and says so.
    let (s, v) = p.get().await;
    assert_eq!(s, 403, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("already used"), "{v}");
    let (s, _) = p.step("finish", json!({})).await;
    assert_eq!(s, 403, "no second key");

    // The completion is delivered to the tenant's webhook by the queue (driven here).
    assert_eq!(app::ssr::webhooks::delivery::deliver_due(&app.state).await.unwrap(), 2, "pack.verified, completed");
    let got = hook.got.lock().unwrap().clone();
    let types: Vec<String> = got
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["webhook.test", "webhook.test", "pack.verified", "onboarding.completed"]);
    assert!(got.iter().all(|r| verify_with(&secret, r).is_ok()), "all signed with the endpoint's secret");

    // The operator's funnel counts it, and the failures by reason.
    let admin = app.login("admin@operator.demo").await;
    let (s, o, _) = app.server_fn("onboarding_overview", Some(&admin), &[]).await;
    assert_eq!(s, 200, "{o}");
    assert_eq!((o["funnel"]["completed"].as_u64(), o["funnel"]["success_pct"].as_u64()), (Some(1), Some(100)), "{o}");
    assert_eq!(o["funnel"]["steps"][4]["completed"], 1);
    let reasons: Vec<&str> =
        o["funnel"]["failure_reasons"].as_array().unwrap().iter().map(|r| r[0].as_str().unwrap()).collect();
    for r in [
        "webhook_url_refused",
        "webhook_status",
        "policy_version_unknown",
        "policy_version_outdated",
        "signing_key_missing",
        "signature_mismatch",
        "release_not_found",
    ] {
        assert!(reasons.contains(&r), "{r} in {reasons:?}");
    }
    assert_eq!(o["invitations"][0]["state"], "used");
    // Only operator admins see it.
    let finance = app.login("finance@operator.demo").await;
    let (s, _, _) = app.server_fn("onboarding_overview", Some(&finance), &[]).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_session_started_in_the_browser_is_finished_by_the_cli() {
    let release_key = KeyPair::generate_ecdsa_p256().unwrap();
    let forge_url = forge(HashMap::from([(
        "gizmo/app".to_owned(),
        ("v3.0.0".to_owned(), pack(&release_key, "gizmo/app", "v3.0.0")),
    )]))
    .await;
    let hook = receiver().await;
    let app = spawn(forge_url).await;
    let token = invite(&app, "Gizmo", "3").await;
    let cookie = format!("tp_onboard={token}");
    // The browser wizard (server functions with the invitation cookie) does steps 1 and 2.
    let (s, v, _) = app
        .server_fn(
            "onboard_details",
            Some(&cookie),
            &[
                ("name", "Gizmo"),
                ("slug", "gizmo"),
                ("plan", "starter"),
                ("admin_name", "Gil"),
                ("admin_email", "gil@gizmo.example"),
                ("admin_password", "another long password"),
            ],
        )
        .await;
    assert_eq!((s, v["completed_through"].as_u64()), (200, Some(1)), "{v}");
    let (s, v, _) = app.server_fn("onboard_webhook", Some(&cookie), &[("url", &hook.url)]).await;
    assert_eq!((s, v["current_step"].as_u64()), (200, Some(3)), "{v}");
    // Without the cookie the wizard's functions refuse.
    let (s, _, _) = app.server_fn("onboard_policy", None, &[("version", "3")]).await;
    assert_eq!(s, 401);

    // The partner walks away at step 3 and resumes with the CLI.
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("release-key.pub");
    std::fs::write(&key_file, pem(&release_key)).unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
        .args(["onboard", "--server", &app.base, "--yes", "--repo", "gizmo/app", "--public-key"])
        .arg(&key_file)
        .env("PORTAL_INVITE", &token)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("step 3 of 5, resumed"), "{stdout}");
    assert!(stdout.contains("gizmo/app@v3.0.0 pack verified"), "{stdout}");
    let key = stdout.lines().map(str::trim).find(|l| l.starts_with("tpk_")).expect("API key printed once").to_owned();
    let me = app.http.get(app.url("/api/v1/me")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(me.status(), 200);

    // The browser sees the finished session (no key: it was shown once, in the terminal).
    let (s, v, _) = app.server_fn("onboarding_session", Some(&cookie), &[]).await;
    assert_eq!((s, v["completed"].as_bool()), (200, Some(true)), "{v}");
    // Following the link again says it was used, and forgets the cookie.
    let r = app.http.get(app.url(&format!("/invite/{token}"))).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/onboard?link=used");
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    // Telemetry recorded which client did what.
    let vias: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, via FROM onboarding_events WHERE kind = 'completed' ORDER BY at, id")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    let mine: Vec<&str> = vias.iter().rev().take(5).map(|(_, via)| via.as_str()).collect();
    assert_eq!(mine, ["cli", "cli", "cli", "browser", "browser"], "{vias:?}");
}

#[tokio::test]
async fn expired_links_say_so_and_idle_sessions_are_abandoned_then_resumed() {
    let clock = Arc::new(ManualClock::new(1_795_000_000_000));
    let app = TestApp::spawn_with_clock(|_| {}, clock.clone()).await;
    let token = invite(&app, "Slowpoke Ltd", "1").await;
    let p = Partner { app: &app, token: token.clone() };
    let (s, _) = p.step("1", details("slowpoke")).await;
    assert_eq!(s, 200);

    // A day and a half idle: abandoned (telemetry), but the link still works until it expires.
    clock.advance_ms(25 * 3_600_000);
    assert_eq!(app::ssr::onboarding::mark_abandoned(&app.state).await.unwrap(), 1);
    assert_eq!(app::ssr::onboarding::mark_abandoned(&app.state).await.unwrap(), 0, "once");
    let admin = app.login("admin@operator.demo").await;
    let (_, o, _) = app.server_fn("onboarding_overview", Some(&admin), &[]).await;
    assert_eq!((o["funnel"]["abandoned"].as_u64(), o["funnel"]["success_pct"].as_u64()), (Some(1), Some(0)), "{o}");
    assert_eq!(o["funnel"]["steps"][1]["dropped"], 1, "dropped at step 2: {o}");

    // Past the expiry the link refuses, and the invitee can ask for a new one.
    clock.advance_ms(24 * 3_600_000);
    let (s, v) = p.get().await;
    assert_eq!(s, 403, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("expired"), "{v}");
    let cookie = format!("tp_onboard={token}");
    let (s, _, _) = app
        .server_fn("request_new_invitation", Some(&cookie), &[("note", "Please resend: sam@slowpoke.example")])
        .await;
    assert_eq!(s, 200);
    let admin = app.login("admin@operator.demo").await;
    let (_, o, _) = app.server_fn("onboarding_overview", Some(&admin), &[]).await;
    let inv = &o["invitations"][0];
    assert_eq!(inv["state"], "expired");
    assert!(inv["renewal"][1].as_str().unwrap().contains("sam@slowpoke.example"), "{o}");
    // The operator sends a new link: the old one stops working, the progress is kept.
    let id = inv["id"].as_str().unwrap().to_owned();
    let (s, link, _) = app.server_fn("renew_invitation", Some(&admin), &[("id", &id)]).await;
    assert_eq!(s, 200, "{link}");
    let renewed = Partner { app: &app, token: link.as_str().unwrap().rsplit('/').next().unwrap().to_owned() };
    let (s, v) = renewed.get().await;
    assert_eq!((s, v["session"]["completed_through"].as_u64()), (200, Some(1)), "{v}");
    assert_eq!(p.get().await.0, 404, "the old link is gone");
    // An unknown token is just not valid.
    let bad = Partner { app: &app, token: "tpi_0000".into() };
    assert_eq!(bad.get().await.0, 404);
}

#[tokio::test]
async fn a_resumed_session_records_its_resumption() {
    let clock = Arc::new(ManualClock::new(1_795_000_000_000));
    let app = TestApp::spawn_with_clock(|_| {}, clock.clone()).await;
    let p = Partner { app: &app, token: invite(&app, "Comeback Co", "7").await };
    assert_eq!(p.step("1", details("comeback")).await.0, 200);
    clock.advance_ms(2 * 86_400_000);
    assert_eq!(app::ssr::onboarding::mark_abandoned(&app.state).await.unwrap(), 1);
    clock.advance_ms(1000);
    let (s, v) = p.get().await;
    assert_eq!((s, v["session"]["current_step"].as_u64()), (200, Some(2)));
    // Events of one instant are listed by kind (ids within a millisecond are random).
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT e.kind FROM onboarding_events e JOIN onboarding_sessions s ON s.id = e.session_id \
         JOIN invitations i ON i.id = s.invitation_id WHERE i.label = 'Comeback Co' ORDER BY e.at, e.kind",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(kinds, ["completed", "viewed", "abandoned", "resumed", "viewed"], "{kinds:?}");
    let admin = app.login("admin@operator.demo").await;
    let (_, o, _) = app.server_fn("onboarding_overview", Some(&admin), &[]).await;
    assert_eq!(
        (o["funnel"]["abandoned"].as_u64(), o["funnel"]["in_progress"].as_u64()),
        (Some(0), Some(1)),
        "resumed: {o}"
    );
}

#[tokio::test]
async fn the_demo_onboardings_show_in_the_funnel_well_under_an_hour() {
    let app = TestApp::spawn().await;
    server::cli::demo::seed_onboarding(&app.state).await.unwrap();
    let admin = app.login("admin@operator.demo").await;
    let (s, o, _) = app.server_fn("onboarding_overview", Some(&admin), &[]).await;
    assert_eq!(s, 200, "{o}");
    let f = &o["funnel"];
    assert_eq!(
        (f["started"].as_u64(), f["completed"].as_u64(), f["success_pct"].as_u64()),
        (Some(2), Some(2), Some(100)),
        "{o}"
    );
    assert_eq!((f["median_seconds"].as_i64(), f["p90_seconds"].as_i64()), (Some(18 * 60), Some(34 * 60)), "{o}");
    let tenants: Vec<&str> = o["sessions"].as_array().unwrap().iter().map(|s| s["tenant"].as_str().unwrap()).collect();
    assert_eq!(tenants, ["globex", "acme-robotics"]);
}

#[tokio::test]
async fn tenant_webhooks_retry_on_schedule_go_dead_and_replay_with_the_same_id() {
    let hook = receiver().await;
    hook.status.store(503, Ordering::SeqCst);
    let clock = Arc::new(ManualClock::new(1_795_000_000_000));
    let app = TestApp::spawn_with_clock(
        |c| {
            c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
        },
        clock.clone(),
    )
    .await;
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    app::ssr::webhooks::delivery::set_endpoint(&app.state, "test", &acme.id, &hook.url).await.unwrap();
    let id = app::ssr::webhooks::delivery::enqueue(&app.state, &acme.id, "pack.verified", &json!({"repo": "acme/x"}))
        .await
        .unwrap()
        .expect("queued: Acme has an endpoint and the webhooks feature");
    let mut seen_due = Vec::new();
    for _ in 0..40 {
        app::ssr::webhooks::delivery::deliver_due(&app.state).await.unwrap();
        let row = app.state.db.delivery(&acme.id, &id).await.unwrap().unwrap();
        if row.status.as_str() == "dead" {
            break;
        }
        if let Some(due) = row.next_attempt_at
            && due > clock.now_ms()
        {
            seen_due.push((row.attempts, due - clock.now_ms()));
            clock.advance_ms(due - clock.now_ms());
        }
    }
    let row = app.state.db.delivery(&acme.id, &id).await.unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.attempts), ("dead", 7), "{row:?}");
    assert_eq!(row.last_status, Some(503));
    for (attempts, wait) in &seen_due {
        let base = app::ssr::webhooks::delivery::RETRY_DELAYS_MS[usize::try_from(*attempts - 1).unwrap()];
        assert!(
            (base * 9 / 10..=base * 11 / 10).contains(wait),
            "attempt {attempts}: waited {wait} ms, schedule {base}"
        );
    }
    assert!(seen_due.len() >= 5, "{seen_due:?}");

    // Replay by the tenant (API key): delivered, with the same webhook-id.
    hook.status.store(200, Ordering::SeqCst);
    let key = tenant_key(&app, "admin@acme.demo").await;
    let r = app
        .http
        .post(app.url(&format!("/api/v1/webhooks/messages/{id}/replay")))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    let v: Value = r.json().await.unwrap();
    assert_eq!((v["status"].as_str(), v["attempts"].as_i64()), (Some("delivered"), Some(8)), "{v}");
    let got = hook.got.lock().unwrap().clone();
    assert_eq!(got.len(), 8);
    assert!(got.iter().all(|r| r.id == id), "every attempt and the replay carry {id}");
    // Another tenant cannot see or replay it.
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let r = app
        .http
        .post(app.url(&format!("/api/v1/webhooks/messages/{id}/replay")))
        .bearer_auth(&globex)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    let list: Value = app
        .http
        .get(app.url("/api/v1/webhooks/messages"))
        .bearer_auth(&globex)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_secret_rotation_signs_with_both_secrets_during_the_overlap() {
    let hook = receiver().await;
    let app = TestApp::spawn_with(|c| {
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()]
    })
    .await;
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    let old = app::ssr::webhooks::delivery::set_endpoint(&app.state, "test", &acme.id, &hook.url).await.unwrap();
    let new = app::ssr::webhooks::delivery::rotate_secret(&app.state, "test", &acme.id).await.unwrap();
    let (_, outcome) = app::ssr::webhooks::delivery::test_delivery(&app.state, &acme.id).await.unwrap();
    assert!(outcome.is_ok());
    let got = hook.got.lock().unwrap().clone();
    let r = got.last().unwrap();
    assert_eq!(r.signature.split(' ').count(), 2, "{}", r.signature);
    assert_eq!(verify_with(&old.secret, r), Ok(()), "receivers still on the old secret verify");
    assert_eq!(verify_with(&new.secret, r), Ok(()), "receivers on the new secret verify");
}

#[tokio::test]
async fn repository_hosts_on_private_addresses_are_refused_without_the_allowlist() {
    let release_key = KeyPair::generate_ecdsa_p256().unwrap();
    let forge_url =
        forge(HashMap::from([("x/y".to_owned(), ("v1".to_owned(), pack(&release_key, "x/y", "v1")))])).await;
    let app = TestApp::spawn_with(move |c| c.releases_api_url = forge_url).await; // no allowlist
    let guard = app.state.config.outbound();
    let e = app::ssr::evidence::releases::latest(&guard, &app.state.config.releases_api_url, "x/y").await.unwrap_err();
    assert_eq!(e.reason, "ssrf_refused", "{e:?}");
}

#[tokio::test]
async fn tenant_admins_manage_their_webhooks_from_the_portal_and_nobody_else_can() {
    let hook = receiver().await;
    let app = TestApp::spawn_with(|c| {
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()]
    })
    .await;
    let admin = app.login("admin@acme.demo").await;
    let (s, v, _) = app.server_fn("set_webhook_url", Some(&admin), &[("url", "https://10.0.0.7/hook")]).await;
    assert_eq!(s, 400, "private address refused: {v}");
    let (s, _, _) = app.server_fn("set_webhook_url", Some(&admin), &[("url", &hook.url)]).await;
    assert_eq!(s, 200);
    let (s, v, _) = app.server_fn("send_test_webhook", Some(&admin), &[]).await;
    assert_eq!(s, 200, "{v}");
    let (_, settings, _) = app.server_fn("webhook_settings", Some(&admin), &[]).await;
    let secret = settings["secret"].as_str().unwrap().to_owned();
    assert_eq!(verify_with(&secret, &hook.got.lock().unwrap()[0]), Ok(()));
    let (_, messages, _) = app.server_fn("list_webhook_messages", Some(&admin), &[]).await;
    let test_id = messages["rows"][0]["id"].as_str().unwrap().to_owned();
    let (s, v, _) = app.server_fn("replay_webhook", Some(&admin), &[("id", &test_id)]).await;
    assert_eq!(s, 400, "tests are not replayed: {v}");
    let (s, _, _) = app.server_fn("rotate_webhook_secret", Some(&admin), &[]).await;
    assert_eq!(s, 200);
    let (_, settings, _) = app.server_fn("webhook_settings", Some(&admin), &[]).await;
    assert_ne!(settings["secret"].as_str().unwrap(), secret);
    assert!(settings["previous_until"].is_i64(), "{settings}");
    for who in ["member@acme.demo", "admin@operator.demo", "auditor@audit.demo"] {
        let cookie = app.login(who).await;
        let (s, _, _) = app.server_fn("webhook_settings", Some(&cookie), &[]).await;
        assert_eq!(s, 403, "{who}");
    }
    // Globex's admin sees its own (empty) settings, never Acme's.
    let globex = app.login("admin@globex.demo").await;
    let (_, g, _) = app.server_fn("webhook_settings", Some(&globex), &[]).await;
    let (_, gm, _) = app.server_fn("list_webhook_messages", Some(&globex), &[]).await;
    assert!(g["url"].is_null() && gm["rows"].as_array().unwrap().is_empty(), "{g} {gm}");
    let (s, _, _) = app.server_fn("replay_webhook", Some(&globex), &[("id", &test_id)]).await;
    assert_eq!(s, 404);
}

#[tokio::test]
async fn step_4_can_use_a_pack_the_tenants_ci_already_uploaded() {
    let app = spawn("http://127.0.0.1:9/api/v3".into()).await; // no releases API needed
    let p = Partner { app: &app, token: invite(&app, "Uploader Inc", "7").await };
    let hook = receiver().await;
    assert_eq!(p.step("1", details("uploader")).await.0, 200);
    assert_eq!(p.step("2", json!({"url": hook.url})).await.0, 200);
    assert_eq!(p.step("3", json!({"version": 2})).await.0, 200);
    let (s, v) = p.step("4", json!({"repo": "uploader/app", "source": "portal", "public_key": null})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("signing_key_missing")), "{v}");

    // The new tenant admin sets up CI by API: a key, the signing key, then uploads.
    let admin = app.login_with("wanda@uploader.example", "a long enough password").await;
    let (_, api_key) = app.create_key(&admin, "ci").await;
    let release_key = KeyPair::generate_ecdsa_p256().unwrap();
    let upload = |repo: &'static str, tag: &'static str, kp: &KeyPair| {
        let zip = pack(kp, repo, tag);
        app.http
            .post(app.url(&format!("/api/v1/repos/{repo}/releases/{tag}/pack")))
            .bearer_auth(&api_key)
            .header("content-type", "application/zip")
            .body(zip)
            .send()
    };
    let r = app
        .http
        .post(app.url("/api/v1/signing-keys"))
        .bearer_auth(&api_key)
        .json(&json!({"name": "release-2026", "public_key_pem": pem(&release_key)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let stranger = KeyPair::generate_ecdsa_p256().unwrap();
    assert_eq!(upload("uploader/bad", "v1.0.0", &stranger).await.unwrap().status(), 422);
    assert_eq!(upload("uploader/app", "v2.0.0", &release_key).await.unwrap().status(), 201);

    let (s, v) = p.step("4", json!({"repo": "uploader/bad", "source": "portal"})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("signature_mismatch")), "{v}");
    let (s, v) = p.step("4", json!({"repo": "uploader/app", "source": "portal"})).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (v["session"]["data"]["release_tag"].as_str(), v["session"]["data"]["repo_source"].as_str()),
        (Some("v2.0.0"), Some("portal"))
    );
}

/// Step 4's browser upload (`POST /onboard/pack`, multipart, the invitation cookie as credential).
async fn upload_in_browser(
    app: &TestApp,
    token: Option<&str>,
    repo: &str,
    zip: Vec<u8>,
    key: &str,
) -> reqwest::Response {
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let form = reqwest::multipart::Form::new()
        .text("repo", repo.to_owned())
        .text("public_key", key.to_owned())
        .part("pack", reqwest::multipart::Part::bytes(zip).file_name("release.pack.zip"));
    let mut req = http.post(app.url("/onboard/pack")).multipart(form);
    if let Some(t) = token {
        req = req.header("cookie", format!("{}={t}", app::api::onboarding::ONBOARD_COOKIE));
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn step_4_takes_a_pack_uploaded_in_the_wizard_and_a_tenant_admin_who_stopped_is_told_to_finish() {
    let app = spawn("http://127.0.0.1:9/api/v3".into()).await; // no repository host needed
    let p = Partner { app: &app, token: invite(&app, "Browser Inc", "7").await };
    assert_eq!(p.step("1", details("browser")).await.0, 200);

    // The tenant admin who stopped after step 1 lands on an overview that says what is left.
    let admin = app.login_with("wanda@browser.example", "a long enough password").await;
    let (_, o, _) = app.server_fn("overview", Some(&admin), &[]).await;
    let item = o["attention"].as_array().unwrap().iter().find(|a| a["title"] == "Finish onboarding: 1 of 5 steps done");
    let item = item.unwrap_or_else(|| panic!("no onboarding item: {o}"));
    assert!(item["detail"].as_str().unwrap().starts_with("Next: step 2 (Webhook and test delivery)"), "{item}");
    assert_eq!(item["href"], "/onboard");

    let hook = receiver().await;
    assert_eq!(p.step("2", json!({"url": hook.url})).await.0, 200);
    assert_eq!(p.step("3", json!({"version": 2})).await.0, 200);
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let zip = pack(&kp, "browser/app", "v1.0.0");

    let res = upload_in_browser(&app, None, "browser/app", zip.clone(), &pem(&kp)).await;
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/onboard?upload_error=Open%20the%20invitation%20link"), "{to}");

    // The manifest names the release: the same pack entered as another repository fails, with why.
    let res = upload_in_browser(&app, Some(&p.token), "browser/other", zip.clone(), &pem(&kp)).await;
    assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/onboard"));
    let (_, v) = p.get().await;
    assert_eq!(v["session"]["failure"]["reason"], "pack_release_mismatch", "{v}");
    let (s, v) = p.step("4", json!({"repo": "browser/app", "source": "upload", "pack_base64": "not base64!"})).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_input")), "{v}");
    let (s, v) = p.step("4", json!({"repo": "browser/app", "source": "upload", "public_key": pem(&kp)})).await;
    assert_eq!((s, v["session"]["failure"]["reason"].as_str()), (422, Some("pack_missing")), "{v}");

    let res = upload_in_browser(&app, Some(&p.token), "browser/app", zip, &pem(&kp)).await;
    assert_eq!(res.headers()["location"], "/onboard");
    let (_, v) = p.get().await;
    assert_eq!(v["session"]["completed_through"], 4, "{v}");
    let data = &v["session"]["data"];
    assert_eq!((data["release_tag"].as_str(), data["repo_source"].as_str()), (Some("v1.0.0"), Some("upload")));
    let org = app.state.db.org_by_slug("browser").await.unwrap().unwrap().id;
    let stored = app.state.db.pack(&org, "browser/app", "v1.0.0").await.unwrap().expect("the uploaded pack is stored");
    assert_eq!(stored.status.as_str(), "verified");

    let (_, o, _) = app.server_fn("overview", Some(&admin), &[]).await;
    assert!(
        o["attention"].as_array().unwrap().iter().any(|a| a["title"] == "Finish onboarding: 4 of 5 steps done"),
        "{o}"
    );
}

#[tokio::test]
async fn webhook_messages_page_and_filter_by_status_id_and_event_type() {
    use app::domain::status::DeliveryStatus;
    use app::ssr::store::DeliveryRow;
    let app = TestApp::spawn().await;
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().expect("acme");
    for i in 0..60_i64 {
        let dead = i % 12 == 0;
        let row = DeliveryRow {
            id: format!("msg_{i:026}"),
            org_id: acme.id.clone(),
            event_type: if dead { "onboarding.completed" } else { "pack.verified" }.into(),
            payload: "{}".into(),
            status: if dead { DeliveryStatus::Dead } else { DeliveryStatus::Delivered },
            attempts: 1,
            next_attempt_at: None,
            last_status: Some(200),
            last_error: None,
            created_at: 1_700_000_000_000 + i,
            delivered_at: None,
        };
        app.state.db.insert_delivery(&row).await.unwrap();
    }
    let admin = app.login("admin@acme.demo").await;
    let list = |form: Vec<(&'static str, String)>| {
        let (app, admin) = (&app, admin.clone());
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.server_fn("list_webhook_messages", Some(&admin), &form).await
        }
    };
    let (_, first, _) = list(vec![]).await;
    assert_eq!(first["rows"].as_array().unwrap().len(), 50);
    assert_eq!(first["rows"][0]["id"], "msg_00000000000000000000000059", "newest first");
    let older = first["older"].as_object().expect("an older page");
    let cursor = format!("{}.{}", older["at"], older["id"].as_str().unwrap());
    let (_, second, _) = list(vec![("before", cursor)]).await;
    assert_eq!(second["rows"].as_array().unwrap().len(), 10);
    assert!(second["older"].is_null());

    let (_, dead, _) = list(vec![("status", "dead".into())]).await;
    let dead = dead["rows"].as_array().unwrap().clone();
    assert_eq!(dead.len(), 5);
    assert!(dead.iter().all(|m| m["status"] == "dead" && m["event_type"] == "onboarding.completed"));
    let (_, packs, _) = list(vec![("q", "pack.".into()), ("status", "delivered".into())]).await;
    assert_eq!(packs["rows"].as_array().unwrap().len(), 50);
    let (_, one, _) = list(vec![("q", "msg_00000000000000000000000007".into())]).await;
    assert_eq!(one["rows"].as_array().unwrap().len(), 1);
    for bad in [vec![("status", "gone".to_owned())], vec![("q", "pack%".to_owned())], vec![("before", "x".to_owned())]]
    {
        let (s, v, _) = list(bad.clone()).await;
        assert_eq!(s, 400, "{bad:?}: {v}");
    }

    // The machine API takes the same search.
    let key = app.create_key(&admin, "messages").await.1;
    let rest = |query: &'static str| {
        let (app, key) = (&app, key.clone());
        async move {
            let r = app
                .http
                .get(app.url(&format!("/api/v1/webhooks/messages{query}")))
                .bearer_auth(&key)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let (s, dead) = rest("?status=dead").await;
    assert_eq!((s, dead.as_array().unwrap().len()), (200, 5), "{dead}");
    assert_eq!(rest("").await.1.as_array().unwrap().len(), 60, "up to 200 per answer");
    assert_eq!(rest("?q=pack%25").await.0, 400);

    let globex = app.login("admin@globex.demo").await;
    let (_, theirs, _) = app.server_fn("list_webhook_messages", Some(&globex), &[]).await;
    assert!(theirs["rows"].as_array().unwrap().is_empty(), "another tenant's messages are never listed");
    let member = app.login("member@acme.demo").await;
    let (s, _, _) = app.server_fn("list_webhook_messages", Some(&member), &[]).await;
    assert_eq!(s, 403);
}
