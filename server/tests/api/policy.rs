//! Signed policy bundles through the API: accepted, refused (unsigned, wrong
//! key, hostile tarballs, rollback), several keys, adoption and badges.

use crate::helpers::{TestApp, signed_receiver, wait_for_messages};
use crate::packs::tenant_key;
use app::ssr::policy::bundle;
use base64::Engine;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use sigstore_verify::crypto::KeyPair;

const POLICY: &str = "/api/v1/repos/acme/firmware/policy";

fn tarball(rego: &str) -> Vec<u8> {
    bundle::build(&[("policies/org.rego", rego.as_bytes()), ("policies/data.json", b"{}")]).unwrap()
}

fn sign(kp: &KeyPair, bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(kp.sign(bytes).unwrap().as_bytes())
}

async fn upload(
    app: &TestApp,
    key: &str,
    path: &str,
    version: &str,
    bundle: Vec<u8>,
    sig: Option<String>,
) -> (u16, Value) {
    let mut form =
        Form::new().text("version", version.to_owned()).part("bundle", Part::bytes(bundle).file_name("policy.tar.gz"));
    if let Some(sig) = sig {
        form = form.part("signature", Part::text(sig).file_name("policy.sig"));
    }
    let r = app.http.post(app.url(path)).bearer_auth(key).multipart(form).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

/// Adds an org policy-signing key (the operator's signing keys).
async fn policy_key(app: &TestApp, name: &str) -> KeyPair {
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let pem = kp.public_key_der().unwrap().to_pem();
    app::ssr::policy::ingest::add_policy_key(&app.state, "security@operator.demo", name, &pem, None).await.unwrap();
    kp
}

#[tokio::test]
async fn signed_bundles_are_accepted_and_everything_else_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let tb = tarball("package org\n");

    // No policy key configured yet: nothing verifies.
    let stranger = KeyPair::generate_ecdsa_p256().unwrap();
    let (s, v) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(sign(&stranger, &tb))).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("no_policy_keys")), "{v}");

    // Several keys configured: a bundle must verify with one of them.
    let old = policy_key(&app, "policy-2025").await;
    let new = policy_key(&app, "policy-2026").await;
    let (s, v) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(sign(&stranger, &tb))).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("signature_mismatch")), "wrong key: {v}");
    let (s, v) = upload(&app, &ci, POLICY, "1", tb.clone(), None).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("unsigned")), "no policy.sig: {v}");
    let (s, v) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(String::new())).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("unsigned")), "empty policy.sig: {v}");

    let (s, v) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(sign(&new, &tb))).await;
    assert_eq!((s, v["status"].as_str()), (201, Some("verified")), "{v}");
    assert!(v["signer"].as_str().unwrap().starts_with("policy-2026"));
    assert_eq!(v["files"].as_array().unwrap().len(), 2);
    let (s, _) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(sign(&new, &tb))).await;
    assert_eq!(s, 200, "the same bundle again changes nothing");

    let tb2 = tarball("package org\ndefault allow := false\n");
    let (s, v) = upload(&app, &ci, POLICY, "2", tb2.clone(), Some(sign(&old, &tb2))).await;
    assert_eq!((s, v["signer"].as_str().map(|s| s.starts_with("policy-2025"))), (201, Some(true)), "either key: {v}");

    // Rollback: an older (or the same) version than the one in force is refused, validly signed or not.
    let (s, v) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(sign(&new, &tb))).await;
    assert_eq!((s, v["error"]["code"].as_str()), (409, Some("conflict")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("rollback refused"));
    let (s, _) = upload(&app, &ci, POLICY, "2", tb.clone(), Some(sign(&new, &tb))).await;
    assert_eq!(s, 409, "a different bundle under the version in force");

    let r = app.http.get(app.url(POLICY)).bearer_auth(&ci).send().await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["version"], 2, "a failed upload never replaces the bundle in force");
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let r = app.http.get(app.url(POLICY)).bearer_auth(&globex).send().await.unwrap();
    assert_eq!(r.status(), 404, "another tenant's repository is not visible");

    let (s, v) = upload(&app, &ci, POLICY, "x", tb.clone(), None).await;
    assert_eq!((s, v["error"]["code"].as_str()), (400, Some("invalid_input")));
}

#[tokio::test]
async fn hostile_tarballs_are_refused_with_their_rule_even_when_signed() {
    let app = TestApp::spawn().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let kp = policy_key(&app, "policy-2026").await;
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (bundle::build(&[("policies/run.sh", b"#!/bin/sh")]).unwrap(), "bundle_bad_extension"),
        (bundle::build(&[("elsewhere/org.rego", b"package x")]).unwrap(), "bundle_unsafe_path"),
        (bundle::build(&[("policies/zeros.json", &vec![0u8; 8 * 1024 * 1024])]).unwrap(), "bundle_bomb"),
        (b"plain text, not a tarball".to_vec(), "bundle_invalid"),
    ];
    for (i, (bundle, reason)) in cases.into_iter().enumerate() {
        let sig = sign(&kp, &bundle);
        let (s, v) = upload(&app, &ci, POLICY, &(i + 1).to_string(), bundle, Some(sig)).await;
        assert_eq!((s, v["reason"].as_str()), (422, Some(reason)), "{v}");
    }
}

#[tokio::test]
async fn adoption_counts_active_repositories_and_badges_show_it() {
    let app = TestApp::spawn().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let kp = policy_key(&app, "policy-2026").await;
    let tb = tarball("package org\n");
    for repo in ["acme/a", "acme/b", "acme/c"] {
        let (s, _) =
            upload(&app, &ci, &format!("/api/v1/repos/{repo}/policy"), "1", tb.clone(), Some(sign(&kp, &tb))).await;
        assert_eq!(s, 201);
    }
    let (s, _) = upload(&app, &ci, "/api/v1/repos/acme/d/policy", "1", tb.clone(), None).await;
    assert_eq!(s, 422);
    // Policy uploads alone prove nothing: until acme owns the names they neither count nor get badges.
    assert!(
        app::ssr::policy::status::report(&app.state, None)
            .await
            .unwrap()
            .repos
            .iter()
            .all(|r| !r.repo.starts_with("acme/"))
    );
    for repo in ["acme/a", "acme/b", "acme/c", "acme/d"] {
        app::ssr::policy::ingest::assign_repo(&app.state, "security@operator.demo", repo, "acme-robotics")
            .await
            .unwrap();
    }
    let badge = |path: &str| {
        let url = app.url(path);
        let http = app.http.clone();
        async move {
            let r = http.get(url).send().await.unwrap();
            assert_eq!(r.headers()["content-type"], "image/svg+xml; charset=utf-8");
            r.text().await.unwrap()
        }
    };
    let svg = badge("/badge/policy-adoption.svg").await;
    assert!(svg.contains("75.0%") && svg.contains("#e05d44"), "3 of 4 is red: {svg}");
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    assert!(app.state.db.set_repo_active(&acme.id, "acme/d", Some(false)).await.unwrap());
    let svg = badge("/badge/policy-adoption.svg").await;
    assert!(svg.contains("100.0%") && svg.contains("#4c1"), "the inactive repo no longer counts: {svg}");
    assert!(badge("/badge/repos/acme/a/policy.svg").await.contains("signed v1"));
    assert!(badge("/badge/repos/acme/d/policy.svg").await.contains("failed"));
    assert!(badge("/badge/repos/nobody/nothing/policy.svg").await.contains("unknown"));

    let report = app::ssr::policy::status::report(&app.state, None).await.unwrap();
    assert_eq!((report.adoption.adopted, report.adoption.active), (3, 3));
    let auditor = app.login("auditor@audit.demo").await;
    let (s, v, _) = app.server_fn("signature_status", Some(&auditor), &[("show", "failing")]).await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["repos"].as_array().unwrap().len(), 1);
    assert_eq!(v["repos"][0]["repo"], "acme/d");
    let tenant_admin = app.login("admin@acme.demo").await;
    assert_eq!(app.server_fn("signature_status", Some(&tenant_admin), &[("show", "")]).await.0, 403);
    let r =
        app.http.get(app.url("/signature-status/export.csv?show=all")).header("cookie", &auditor).send().await.unwrap();
    let csv = r.text().await.unwrap();
    assert!(
        csv.starts_with("kind,tenant,repo,") && csv.contains("policy_bundle,acme-robotics,acme/d,,failed"),
        "{csv}"
    );
}

#[tokio::test]
async fn the_rotation_drill_runs_against_the_live_portal_and_reports_each_step() {
    let app = TestApp::spawn().await;
    let report = app.cli_json(&["drill", "rotate-policy-key"]).await;
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 8);
    assert!(steps.iter().all(|s| s["ok"] == true), "{report}");
    assert!(steps[4]["detail"].as_str().unwrap().contains("refused"), "the revoked key's bundle is refused");
    assert!(report["audit_excerpt"].as_array().unwrap().iter().any(|l| l.as_str().unwrap().contains("drill.step")));

    // The running portal sees it: the auditor downloads the report; the drill's keys end revoked;
    // the drill repository never counts towards adoption; the audit chain still verifies.
    let auditor = app.login("auditor@audit.demo").await;
    let (s, list, _) = app.server_fn("list_drills", Some(&auditor), &[]).await;
    assert_eq!((s, list[0]["passed"].as_bool()), (200, Some(true)), "{list}");
    let id = list[0]["id"].as_str().unwrap();
    let r = app.http.get(app.url(&format!("/drills/{id}/report.md"))).header("cookie", &auditor).send().await.unwrap();
    let md = r.text().await.unwrap();
    assert!(md.contains("| 5 | a bundle signed by the revoked key is refused | ok |"), "{md}");
    assert_eq!(app.server_fn("run_policy_key_drill", Some(&auditor), &[]).await.0, 403, "auditors cannot run it");
    let keys = app::ssr::policy::signers::policy_keys(&app.state).await.unwrap();
    assert!(keys.iter().filter(|k| k.name.starts_with("drill-")).all(|k| k.revoked_at.is_some()));
    let report = app::ssr::policy::status::report(&app.state, None).await.unwrap();
    assert!(report.repos.iter().all(|r| r.repo != app::ssr::policy::drill::DRILL_REPO));
    assert!(app::ssr::audit::verify_chain(&app.state.db).await.unwrap().is_ok());

    // Security runs a second drill from the portal.
    let security = app.login("security@operator.demo").await;
    let (s, second, _) = app.server_fn("run_policy_key_drill", Some(&security), &[]).await;
    assert_eq!((s, second["passed"].as_bool(), second["steps"].as_u64()), (200, Some(true), Some(8)), "{second}");
}

#[tokio::test]
async fn an_unsigned_active_repo_raises_an_alert_delivered_by_webhook_that_clears_when_fixed() {
    let secret = app::ssr::webhooks::scheme::Secret::generate();
    let (url, got) = signed_receiver(&secret).await;
    let app = TestApp::spawn_with(|c| {
        c.alert_webhook_url = Some(url);
        c.alert_webhook_secret = Some(app::ssr::config::SecretText(secret));
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let kp = policy_key(&app, "policy-2026").await;
    let tb = tarball("package org\n");
    let wait_for = |n: usize| wait_for_messages(&got, n);
    let (s, _) = upload(&app, &ci, POLICY, "1", tb.clone(), None).await;
    assert_eq!(s, 422);
    // The repository counts (and alerts) once acme owns the name.
    app::ssr::policy::ingest::assign_repo(&app.state, "security@operator.demo", "acme/firmware", "acme-robotics")
        .await
        .unwrap();
    wait_for(1).await;
    let first = got.lock().unwrap()[0].1.clone();
    assert_eq!((first["type"].as_str(), first["data"]["kind"].as_str()), (Some("alert.opened"), Some("policy.failed")));
    assert_eq!(first["data"]["subject"], "acme-robotics/acme/firmware");
    let auditor = app.login("auditor@audit.demo").await;
    let (_, report, _) = app.server_fn("signature_status", Some(&auditor), &[("show", "")]).await;
    assert_eq!(report["alerts"].as_array().unwrap().len(), 1, "{report}");

    let (s, _) = upload(&app, &ci, POLICY, "1", tb.clone(), Some(sign(&kp, &tb))).await;
    assert_eq!(s, 201);
    wait_for(2).await;
    assert_eq!(got.lock().unwrap()[1].1["type"], "alert.cleared");
    let (_, report, _) = app.server_fn("signature_status", Some(&auditor), &[("show", "")]).await;
    assert!(report["alerts"].as_array().unwrap().is_empty(), "fixed: the alert cleared itself");
    let synced = app::ssr::policy::alerts::sync_policy_alerts(&app.state).await.unwrap();
    assert_eq!((synced.opened, synced.cleared), (0, 0), "a sync with nothing new changes nothing");
}

#[tokio::test]
async fn a_keyless_sigstore_bundle_verifies_only_with_an_org_workflow_identity() {
    let app = TestApp::spawn().await;
    let dir = std::env::var("PORTAL_VECTORS_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into());
    let read = |p: &str| {
        let path = format!("{dir}/sigstore-conformance/test/assets/{p}");
        std::fs::read(&path).unwrap_or_else(|e| panic!("test vectors missing at {path}: {e}"))
    };
    let (artifact, bundle) =
        (read("a.txt"), String::from_utf8(read("bundle-verify/happy-path-v0.3/bundle.sigstore.json")).unwrap());
    let check = || app::ssr::policy::ingest::verify_signature(&app.state, &artifact, &bundle);
    assert_eq!(check().await.unwrap().unwrap_err().code, "signature_mismatch", "no identity configured: refused");
    let identity = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    let issuer = "https://token.actions.githubusercontent.com";
    let add = |id: &'static str| app::ssr::policy::identities::add(&app.state, "test", id, issuer, "");
    let other = add("https://github.com/someone/else/.github/workflows/x.yml@refs/heads/main").await.unwrap();
    assert!(check().await.unwrap().is_err(), "another workflow's identity is refused");
    let org = add(identity).await.unwrap();
    assert_eq!(org.trusted_root, "public-good", "an empty root is the public-good root");
    let signed = check().await.unwrap().expect("the org workflow identity verifies, offline");
    assert!(signed.signer.starts_with("keyless https://github.com/sigstore-conformance/"), "{signed:?}");
    assert_eq!(signed.kind, app::domain::policy_signers::PolicySignerKind::OrgWorkflow);
    let tampered = [artifact.as_slice(), b"!"].concat();
    assert!(app::ssr::policy::ingest::verify_signature(&app.state, &tampered, &bundle).await.unwrap().is_err());
    // The same identity twice is a conflict; an unknown root or a non-https issuer is refused.
    assert_eq!(add(identity).await.unwrap_err().code, app::domain::ErrorCode::Conflict);
    let bad_root = app::ssr::policy::identities::add(&app.state, "test", identity, issuer, "nope").await;
    assert!(bad_root.unwrap_err().message.contains("no trusted root named 'nope'"));
    let bad_issuer = app::ssr::policy::identities::add(&app.state, "test", identity, "http://insecure", "").await;
    assert_eq!(bad_issuer.unwrap_err().code, app::domain::ErrorCode::InvalidInput);
    // Removed: refused from now on (by id; the other identity stays).
    app::ssr::policy::identities::remove(&app.state, "test", &org.id).await.unwrap();
    assert!(check().await.unwrap().is_err(), "a removed identity no longer verifies");
    assert_eq!(app.state.db.keyless_signers().await.unwrap().iter().map(|s| &s.id).collect::<Vec<_>>(), [&other.id]);
}

#[tokio::test]
async fn security_changes_the_rollout_from_the_portal_and_auditors_cannot() {
    let app = TestApp::spawn().await;
    let form = |v: &'static str| [("current_version", v), ("allowed_lag", "1"), ("active_days", "14")];
    let auditor = app.login("auditor@audit.demo").await;
    assert_eq!(app.server_fn("set_policy_rollout", Some(&auditor), &form("4")).await.0, 403);
    let security = app.login("security@operator.demo").await;
    let (s, body, _) = app.server_fn("set_policy_rollout", Some(&security), &form("four")).await;
    assert_eq!(s, 400, "{body}");
    let (s, body, _) = app.server_fn("set_policy_rollout", Some(&security), &form("0")).await;
    assert_eq!(s, 400, "versions start at 1: {body}");
    let odd =
        [("current_version", "4"), ("allowed_lag", "1"), ("active_days", "14"), ("require_org_workflow", "maybe")];
    assert_eq!(app.server_fn("set_policy_rollout", Some(&security), &odd).await.0, 400, "a checkbox is on or off");
    let on = [("current_version", "4"), ("allowed_lag", "1"), ("active_days", "14"), ("require_org_workflow", "on")];
    let (s, body, _) = app.server_fn("set_policy_rollout", Some(&security), &on).await;
    assert_eq!(s, 200, "{body}");
    let r = app.state.db.rollout().await.unwrap();
    assert_eq!(
        (r.current_version, r.allowed_lag, r.active_days, r.require_org_workflow, r.updated_by.as_deref()),
        (4, 1, 14, 1, Some("security@operator.demo"))
    );
    // An unticked checkbox is absent from the form: off.
    let (s, body, _) = app.server_fn("set_policy_rollout", Some(&security), &form("4")).await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(app.state.db.rollout().await.unwrap().require_org_workflow, 0);
}
