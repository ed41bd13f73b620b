//! Entitlements bound to verified evidence: paid features follow the newest
//! pack, drop to Starter with a reason, come back, expire, and are audited.

use crate::helpers::TestApp;
use crate::packs::{pack_for_tag, tenant_key, upload};
use serde_json::{Value, json};
use sigstore_verify::crypto::KeyPair;

async fn me(app: &TestApp, key: &str) -> Value {
    let r = app.http.get(app.url("/api/v1/me")).bearer_auth(key).send().await.unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["tenant"].clone()
}

async fn changes(app: &TestApp, org_id: &str) -> Vec<String> {
    let rows = app.state.db.audit_entries(Some(org_id), 200).await.unwrap();
    rows.into_iter().filter(|r| r.action == "entitlements.changed").map(|r| r.detail).collect()
}

/// Registers a new release signing key for the key's tenant.
async fn add_release_key(app: &TestApp, key: &str) -> KeyPair {
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let add = json!({"name": "release-2027", "public_key_pem": kp.public_key_der().unwrap().to_pem()});
    let r = app.http.post(app.url("/api/v1/signing-keys")).bearer_auth(key).json(&add).send().await.unwrap();
    assert_eq!(r.status(), 201);
    kp
}

/// Uploads a pack of `acme/firmware@tag` signed by `kp` and checks the status.
async fn upload_release(app: &TestApp, key: &str, kp: &KeyPair, tag: &str, expect: u16) {
    let path = format!("/api/v1/repos/acme/firmware/releases/{tag}/pack");
    let (status, v) = upload(app, key, &path, pack_for_tag(kp, tag, b"{}")).await;
    assert_eq!(status, expect, "{v}");
}

#[tokio::test]
async fn paid_features_follow_the_newest_verified_pack_and_every_change_is_audited() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let acme_org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;

    // Acme is on Pro but has no evidence yet: Starter features, and why.
    let t = me(&app, &acme).await;
    assert_eq!((t["plan"].as_str(), t["active_plan"].as_str()), (Some("pro"), Some("starter")), "{t}");
    assert!(t["features_off_reason"].as_str().unwrap().contains("No verified evidence yet"), "{t}");
    let t = me(&app, &globex).await;
    assert_eq!((t["active_plan"].as_str(), t["features"].clone()), (Some("starter"), json!(["webhooks"])));
    assert_eq!(t["features_off_reason"], Value::Null, "Starter needs no evidence");

    // Only a failing pack: still Starter, and the reason names it.
    let kp = add_release_key(&app, &acme).await;
    clock.advance_ms(1_000); // each release comes out later than the one before
    upload_release(&app, &acme, &KeyPair::generate_ecdsa_p256().unwrap(), "v2.9.9", 422).await;
    let t = me(&app, &acme).await;
    assert_eq!(t["active_plan"], "starter", "{t}");
    let why = t["features_off_reason"].as_str().unwrap();
    assert!(why.contains("acme/firmware@v2.9.9") && why.contains("signature_mismatch"), "{why}");

    // A pack that verifies: Pro features on.
    clock.advance_ms(1_000); // each release comes out later than the one before
    upload_release(&app, &acme, &kp, "v3.0.0", 201).await;
    let t = me(&app, &acme).await;
    assert_eq!(t["active_plan"], "pro", "{t}");
    assert!(t["features"].as_array().unwrap().contains(&json!("high_rate_limit")));
    assert_eq!(t["features_off_reason"], Value::Null);

    // A newer pack that fails (junk, or a broken release) does not switch features off.
    clock.advance_ms(1_000); // each release comes out later than the one before
    upload_release(&app, &acme, &KeyPair::generate_ecdsa_p256().unwrap(), "v3.0.1", 422).await;
    let t = me(&app, &acme).await;
    assert_eq!((t["plan"].as_str(), t["active_plan"].as_str()), (Some("pro"), Some("pro")), "{t}");
    assert!(t["features"].as_array().unwrap().contains(&json!("high_rate_limit")));

    // A newer pack that verifies: still Pro, no change recorded.
    clock.advance_ms(1_000); // each release comes out later than the one before
    upload_release(&app, &acme, &kp, "v3.0.2", 201).await;
    assert_eq!(me(&app, &acme).await["active_plan"], "pro");

    // Evidence ages out: 91 days later the scheduled refresh drops Acme to Starter, once.
    clock.advance_ms(91 * 86_400_000);
    assert_eq!(app::ssr::billing::entitlements::refresh_all(&app.state).await.unwrap(), 1);
    assert_eq!(
        app::ssr::billing::entitlements::refresh_all(&app.state).await.unwrap(),
        0,
        "no change, no second entry"
    );
    let t = me(&app, &acme).await;
    assert_eq!(t["active_plan"], "starter");
    assert!(t["features_off_reason"].as_str().unwrap().contains("expired: verified 91 days ago"), "{t}");

    let log = changes(&app, &acme_org).await;
    // The newer verified pack is a change of evidence (recorded) though not of features.
    assert_eq!(log.len(), 5, "none, failed, verified, newer verified, expired: {log:?}");
    assert!(log.iter().any(|d| d.contains("active=starter") && d.contains("signature_mismatch")), "{log:?}");
}

#[tokio::test]
async fn the_high_rate_limit_is_an_entitlement() {
    let app = TestApp::spawn_with(|c| {
        c.api_rate_per_minute = 1;
        c.api_burst = 2;
    })
    .await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let globex = tenant_key(&app, "admin@globex.demo").await; // Starter
    let kp = add_release_key(&app, &acme).await;
    upload_release(&app, &acme, &kp, "v1.0.0", 201).await; // Pro with verified evidence: 10x
    let statuses = |key: String, n: usize| {
        let app = &app;
        async move {
            let mut out = Vec::new();
            for _ in 0..n {
                let r = app.http.post(app.url("/api/v1/verify")).bearer_auth(&key).json(&json!({})).send().await;
                out.push(r.unwrap().status().as_u16());
            }
            out
        }
    };
    let g = statuses(globex, 3).await;
    assert_eq!(g, vec![400, 400, 429], "Starter: burst of 2");
    let a = statuses(acme, 21).await;
    assert!(a[..20].iter().all(|s| *s == 400), "Pro with verified evidence: burst of 20: {a:?}");
    assert_eq!(a[20], 429);
}
