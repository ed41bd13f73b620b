//! Who may sign policy bundles, end to end: policy files inside release packs
//! (checked with the policy signers, never the release key), keyless
//! `policy.sig` bundles from an org workflow identity, per-repository signer
//! overrides with an expiry, requiring the org workflow, and the keyless
//! rotation drill.

use crate::helpers::{TestApp, error_code};
use crate::packs::{tenant_key, upload as upload_pack};
use app::domain::policy_signers::PolicySignerKind;
use app::ssr::evidence::packs;
use app::ssr::policy::{bundle, identities, ingest};
use app::ssr::verification::local_sigstore::LocalSigstore;
use base64::Engine;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sigstore_verify::crypto::KeyPair;

const ISSUER: &str = "https://token.actions.githubusercontent.com";
const ORG_WORKFLOW: &str = "https://github.com/acme/.github/.github/workflows/org.policy.sign.yml@refs/heads/main";
const SECURITY: &str = "security@operator.demo";

fn b64(kp: &KeyPair, bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(kp.sign(bytes).unwrap().as_bytes())
}

fn tarball(rego: &str) -> Vec<u8> {
    bundle::build(&[("policies/org.rego", rego.as_bytes()), ("policies/data.json", b"{}")]).unwrap()
}

/// An org policy key, a published policy version 3 signed with it (current), and the key pair.
async fn policy_v3(app: &TestApp) -> (KeyPair, Vec<u8>) {
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    ingest::add_policy_key(&app.state, SECURITY, "policy-2026", &kp.public_key_der().unwrap().to_pem(), None)
        .await
        .unwrap();
    let v3 = tarball("package org\ndefault allow := false\n");
    ingest::publish_release(&app.state, SECURITY, 3, v3.clone(), b64(&kp, &v3)).await.unwrap();
    let change = ingest::RolloutChange { current_version: Some(3), ..Default::default() };
    ingest::set_rollout(&app.state, SECURITY, change).await.unwrap();
    (kp, v3)
}

/// Acme's release key, registered with the portal.
async fn release_key(app: &TestApp, ci: &str) -> KeyPair {
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let add = json!({"name": "release", "public_key_pem": kp.public_key_der().unwrap().to_pem()});
    let r = app.http.post(app.url("/api/v1/signing-keys")).bearer_auth(ci).json(&add).send().await.unwrap();
    assert_eq!(r.status(), 201);
    kp
}

/// A pack of `repo@tag` with the seed's file names, signed by the release key.
fn pack(release: &KeyPair, repo: &str, tag: &str, policy: &[u8], sig: &str, version: Option<i64>) -> Vec<u8> {
    let files = vec![
        ("policy.tar.gz".to_owned(), policy.to_vec()),
        ("policy.sig".to_owned(), sig.as_bytes().to_vec()),
        ("sbom.spdx.json".to_owned(), br#"{"spdxVersion":"SPDX-2.3"}"#.to_vec()),
    ];
    packs::build_with_policy_version(repo, tag, "2026-12-01T00:00:00Z", version, &files, |m| {
        release.sign(m).unwrap().as_bytes().to_vec()
    })
    .unwrap()
}

async fn upload_policy(app: &TestApp, ci: &str, repo: &str, version: i64, tb: Vec<u8>, sig: &str) -> (u16, Value) {
    let form = Form::new()
        .text("version", version.to_string())
        .part("bundle", Part::bytes(tb).file_name("policy.tar.gz"))
        .part("signature", Part::text(sig.to_owned()).file_name("policy.sig"));
    let r = app.http.post(app.url(&format!("/api/v1/repos/{repo}/policy"))).bearer_auth(ci).multipart(form).send();
    let r = r.await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn repo_state(app: &TestApp, repo: &str) -> app::domain::adoption::RepoPolicyStatus {
    let report = app::ssr::policy::status::report(&app.state, None).await.unwrap();
    report.repos.into_iter().find(|r| r.repo == repo).unwrap_or_else(|| panic!("{repo} is not in the report"))
}

fn policy_check(v: &Value) -> Value {
    v["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == app::ssr::evidence::pack_policy::CHECK)
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_pack_with_the_seed_files_verifies_with_the_policy_keys_and_counts_towards_adoption() {
    let app = TestApp::spawn().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let release = release_key(&app, &ci).await;
    let (policy_key, v3) = policy_v3(&app).await;
    let path = |tag: &str| format!("/api/v1/repos/acme/firmware/releases/{tag}/pack");

    // policy.tar.gz + policy.sig, the published v3 signed with the org policy key: verified, version found.
    let zip = pack(&release, "acme/firmware", "v1.0.0", &v3, &b64(&policy_key, &v3), None);
    let (s, v) = upload_pack(&app, &ci, &path("v1.0.0"), zip).await;
    assert_eq!((s, v["status"].as_str()), (201, Some("verified")), "{v}");
    assert_eq!(policy_check(&v)["status"], "passed", "{v}");
    let policy = &v["report"]["policy"];
    assert_eq!((policy["version"].as_i64(), policy["signer_kind"].as_str()), (Some(3), Some("org_key")), "{v}");
    assert!(policy["signer"].as_str().unwrap().starts_with("policy-2026 (sha256:"), "{v}");
    let r = repo_state(&app, "acme/firmware").await;
    assert_eq!(r.state, app::domain::adoption::PolicyState::Signed, "{r:?}");
    assert_eq!(
        (r.version, r.signer_kind, r.release.as_deref()),
        (Some(3), Some(PolicySignerKind::OrgKey), Some("v1.0.0"))
    );
    assert_eq!(r.source, Some(app::domain::policy_signers::PolicySource::Pack), "no upload: the pack decided");

    // The same files signed with the release key instead of a policy key: the pack fails, and says why.
    let zip = pack(&release, "acme/firmware", "v1.0.1", &v3, &b64(&release, &v3), None);
    let (s, v) = upload_pack(&app, &ci, &path("v1.0.1"), zip).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("policy_signature_mismatch")), "{v}");
    assert!(policy_check(&v)["detail"].as_str().unwrap().contains("none of the 1 valid policy-signing keys"), "{v}");
    let r = repo_state(&app, "acme/firmware").await;
    assert_eq!(r.state, app::domain::adoption::PolicyState::Failed, "the latest pack decides: {r:?}");
    assert!(r.reason.as_deref().unwrap().contains("release pack v1.0.1: policy_signature_mismatch"), "{r:?}");

    // Each rule has its reason: empty policy.sig, a hostile tarball, an unknown or contradicted version.
    let hostile = bundle::build(&[("elsewhere/x.rego", b"package x")]).unwrap();
    let custom = tarball("package custom\n");
    /// (tag, policy.tar.gz, policy.sig, declared version, expected reason; empty: verifies)
    type Case<'a> = (&'a str, Vec<u8>, String, Option<i64>, &'a str);
    let cases: [Case<'_>; 5] = [
        ("v1.1.0", v3.clone(), String::new(), None, "policy_unsigned"),
        ("v1.1.1", hostile.clone(), b64(&policy_key, &hostile), None, "policy_bundle_unsafe_path"),
        ("v1.1.2", custom.clone(), b64(&policy_key, &custom), None, "policy_version_unknown"),
        ("v1.1.3", v3.clone(), b64(&policy_key, &v3), Some(2), "policy_version_mismatch"),
        ("v1.1.4", custom.clone(), b64(&policy_key, &custom), Some(4), ""),
    ];
    for (tag, tb, sig, version, reason) in cases {
        let (s, v) = upload_pack(&app, &ci, &path(tag), pack(&release, "acme/firmware", tag, &tb, &sig, version)).await;
        if reason.is_empty() {
            // A bundle that is no published version, with its version declared in the signed manifest.
            assert_eq!((s, v["report"]["policy"]["version"].as_i64()), (201, Some(4)), "{v}");
        } else {
            assert_eq!((s, v["reason"].as_str()), (422, Some(reason)), "{tag}: {v}");
        }
    }
    let r = repo_state(&app, "acme/firmware").await;
    assert_eq!((r.state, r.version), (app::domain::adoption::PolicyState::Signed, Some(4)), "{r:?}");

    // The same pack offline: not checked without policy signers, verified with the policy key.
    let zip = pack(&release, "acme/firmware", "v9", &v3, &b64(&policy_key, &v3), Some(3));
    let release_pem = release.public_key_der().unwrap().to_pem();
    let offline = packs::verify(&zip, std::slice::from_ref(&release_pem), None, None);
    assert_eq!(offline.reason.as_deref(), Some("pack_item_unchecked"), "{offline:#?}");
    let mut trust = app::ssr::policy::signers::PolicyTrust::default();
    trust.keys.push(app::ssr::policy::signers::KeySigner {
        label: "policy.pub".into(),
        pem: policy_key.public_key_der().unwrap().to_pem(),
        kind: PolicySignerKind::OrgKey,
        override_id: None,
    });
    assert!(packs::verify(&zip, &[release_pem], None, Some(&trust)).verified);
}

#[tokio::test]
async fn a_sigstore_bundle_policy_sig_verifies_keylessly_with_an_org_workflow_identity() {
    let app = TestApp::spawn().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let release = release_key(&app, &ci).await;
    let (_, v3) = policy_v3(&app).await;
    // Acme's own Sigstore instance (what a private Fulcio + Rekor deployment is), its root stored by name.
    let sigstore = LocalSigstore::new("acme").unwrap();
    app::ssr::verification::trust::add_trusted_root(
        &app.state,
        SECURITY,
        "acme-sigstore",
        &sigstore.trusted_root_json().unwrap(),
    )
    .await
    .unwrap();
    let keyless = |identity: &str, bytes: &[u8]| sigstore.sign_blob(identity, ISSUER, bytes).unwrap();

    // Not an org signer yet: refused.
    let (s, v) = upload_policy(&app, &ci, "acme/firmware", 1, v3.clone(), &keyless(ORG_WORKFLOW, &v3)).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("signature_mismatch")), "{v}");
    identities::add(&app.state, SECURITY, ORG_WORKFLOW, ISSUER, "acme-sigstore").await.unwrap();
    let (s, v) = upload_policy(&app, &ci, "acme/firmware", 2, v3.clone(), &keyless(ORG_WORKFLOW, &v3)).await;
    assert_eq!((s, v["signer_kind"].as_str()), (201, Some("org_workflow")), "{v}");
    assert_eq!(v["signer"], format!("keyless {ORG_WORKFLOW} ({ISSUER})"));
    // Another workflow, same instance: refused; the org workflow with a tampered bundle: refused.
    let rogue = "https://github.com/acme/firmware/.github/workflows/own.yml@refs/heads/main";
    let (s, v) = upload_policy(&app, &ci, "acme/firmware", 3, v3.clone(), &keyless(rogue, &v3)).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("signature_mismatch")), "{v}");
    let other = tarball("package other\n");
    let (s, _) = upload_policy(&app, &ci, "acme/firmware", 4, other, &keyless(ORG_WORKFLOW, &v3)).await;
    assert_eq!(s, 422, "a signature over another bundle");

    // In a release pack: policy.sig is the Sigstore bundle the reusable workflow writes.
    let zip = pack(&release, "acme/firmware", "v2.0.0", &v3, &keyless(ORG_WORKFLOW, &v3), None);
    let (s, v) = upload_pack(&app, &ci, "/api/v1/repos/acme/firmware/releases/v2.0.0/pack", zip).await;
    assert_eq!((s, v["status"].as_str()), (201, Some("verified")), "{v}");
    let policy = &v["report"]["policy"];
    assert_eq!((policy["version"].as_i64(), policy["signer_kind"].as_str()), (Some(3), Some("org_workflow")), "{v}");
    assert!(policy_check(&v)["detail"].as_str().unwrap().contains("signed by the org workflow"), "{v}");
}

#[tokio::test]
async fn an_override_allows_its_signer_for_its_repository_only_and_only_until_it_expires() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let (org_key, _) = policy_v3(&app).await;
    for repo in ["acme/custom-rules", "acme/other"] {
        ingest::assign_repo(&app.state, SECURITY, repo, "acme-robotics").await.unwrap();
    }
    let team = KeyPair::generate_ecdsa_p256().unwrap();
    let team_pem = team.public_key_der().unwrap().to_pem();
    let custom = tarball("package custom\n");
    let (s, v) = upload_policy(&app, &ci, "acme/custom-rules", 1, custom.clone(), &b64(&team, &custom)).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("signature_mismatch")), "no override yet: {v}");

    // Only security may allow one; every field is checked.
    let form = |repo: &'static str, reason: &'static str, days: &'static str| {
        vec![
            ("repo", repo),
            ("kind", "key"),
            ("public_key", team_pem.as_str()),
            ("reason", reason),
            ("expires_in_days", days),
        ]
    };
    let ok = form("acme/custom-rules", "custom rules for the robot arm until the org policy covers them", "30");
    for who in ["admin@operator.demo", "auditor@audit.demo", "admin@acme.demo"] {
        let cookie = app.login(who).await;
        let (s, b, _) = app.server_fn("allow_signer_override", Some(&cookie), &ok).await;
        assert_eq!((s, error_code(&b)), (403, "forbidden"), "{who}: {b}");
    }
    let security = app.login(SECURITY).await;
    for (bad, why) in [
        (form("acme/custom-rules", "  ", "30"), "a reason is required"),
        (form("acme/custom-rules", "r", "91"), "at most 90 days"),
        (form("acme/custom-rules", "r", "0"), "at least a day"),
        (form("acme/nobody-owns-this", "r", "30"), "a repository a tenant owns"),
        (form("not a repo", "r", "30"), "a repository name"),
    ] {
        let (s, b, _) = app.server_fn("allow_signer_override", Some(&security), &bad).await;
        assert_eq!((s, error_code(&b)), (400, "invalid_input"), "{why}: {b}");
    }
    let mut not_a_key = form("acme/custom-rules", "r", "30");
    not_a_key[2].1 = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----";
    assert_eq!(app.server_fn("allow_signer_override", Some(&security), &not_a_key).await.0, 400);
    let mut neither = form("acme/custom-rules", "r", "30");
    neither[1].1 = "anyone";
    assert_eq!(app.server_fn("allow_signer_override", Some(&security), &neither).await.0, 400);
    let (s, id, _) = app.server_fn("allow_signer_override", Some(&security), &ok).await;
    assert_eq!(s, 200, "{id}");
    let id = id.as_str().unwrap().to_owned();

    // Its signer now signs for its repository, and is recorded as the override.
    let (s, v) = upload_policy(&app, &ci, "acme/custom-rules", 2, custom.clone(), &b64(&team, &custom)).await;
    assert_eq!((s, v["signer_kind"].as_str()), (201, Some("override")), "{v}");
    assert!(v["signer"].as_str().unwrap().starts_with(&format!("override {id}: key sha256:")), "{v}");
    // Not for another repository; never for an unsigned bundle; org signers still work and are preferred.
    let (s, v) = upload_policy(&app, &ci, "acme/other", 1, custom.clone(), &b64(&team, &custom)).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("signature_mismatch")), "only its repository: {v}");
    let (s, v) = upload_policy(&app, &ci, "acme/custom-rules", 3, custom.clone(), "").await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("unsigned")), "{v}");
    let (s, v) = upload_policy(&app, &ci, "acme/custom-rules", 4, custom.clone(), &b64(&org_key, &custom)).await;
    assert_eq!((s, v["signer_kind"].as_str()), (201, Some("org_key")), "{v}");

    // Signature status shows it: the override, and which kind of signer each repository has.
    let auditor = app.login("auditor@audit.demo").await;
    let (_, status, _) = app.server_fn("signature_status", Some(&auditor), &[("show", "all")]).await;
    let listed = status["overrides"].as_array().unwrap();
    assert_eq!(listed.len(), 1, "{status}");
    assert_eq!((listed[0]["repo"].as_str(), listed[0]["state"].as_str()), (Some("acme/custom-rules"), Some("active")));
    assert!(listed[0]["reason"].as_str().unwrap().starts_with("custom rules"));

    // Thirty days later it has expired: its signer is refused again; what it signed stays verified.
    clock.advance_ms(30 * 86_400_000);
    let (s, v) = upload_policy(&app, &ci, "acme/custom-rules", 5, custom.clone(), &b64(&team, &custom)).await;
    assert_eq!((s, v["reason"].as_str()), (422, Some("signature_mismatch")), "expired: {v}");
    let repo = app.state.db.repo_owner("acme/custom-rules").await.unwrap().unwrap();
    let kept = app.state.db.bundle_in_force(&repo.id).await.unwrap().unwrap();
    assert_eq!((kept.version, kept.status.as_str()), (4, "verified"));
    let views = app::ssr::policy::overrides::views(&app.state).await.unwrap();
    assert_eq!(views[0].state, app::domain::policy_signers::OverrideState::Expired);
    let security = app.login(SECURITY).await; // the earlier session expired with the month
    assert_eq!(app.server_fn("revoke_signer_override", Some(&security), &[("id", &id)]).await.0, 409);

    // A keyless override, revoked by security before its expiry; audited both ways.
    let keyless = [
        ("repo", "acme/other"),
        ("kind", "keyless"),
        ("identity", "https://github.com/acme/other/.github/workflows/policy.yml@refs/heads/main"),
        ("issuer", ISSUER),
        ("reason", "own workflow while moving to the org one"),
        ("expires_in_days", "7"),
    ];
    let (s, other_id, _) = app.server_fn("allow_signer_override", Some(&security), &keyless).await;
    assert_eq!(s, 200, "{other_id}");
    let other_id = other_id.as_str().unwrap();
    let operator = app.login("admin@operator.demo").await;
    assert_eq!(app.server_fn("revoke_signer_override", Some(&operator), &[("id", other_id)]).await.0, 403);
    assert_eq!(app.server_fn("revoke_signer_override", Some(&security), &[("id", other_id)]).await.0, 200);
    assert_eq!(app.server_fn("revoke_signer_override", Some(&security), &[("id", "pso_nope")]).await.0, 400);
    let actions: Vec<String> =
        app.state.db.audit_entries(None, 1000).await.unwrap().into_iter().map(|e| e.action).collect();
    assert_eq!(actions.iter().filter(|a| *a == "policy.override_added").count(), 2);
    assert_eq!(actions.iter().filter(|a| *a == "policy.override_revoked").count(), 1);
}

#[tokio::test]
async fn requiring_the_org_workflow_counts_only_its_signatures() {
    let app = TestApp::spawn().await;
    let ci = tenant_key(&app, "admin@acme.demo").await;
    let (org_key, v3) = policy_v3(&app).await;
    let sigstore = LocalSigstore::new("org").unwrap();
    app::ssr::verification::trust::add_trusted_root(
        &app.state,
        SECURITY,
        "org-sigstore",
        &sigstore.trusted_root_json().unwrap(),
    )
    .await
    .unwrap();
    identities::add(&app.state, SECURITY, ORG_WORKFLOW, ISSUER, "org-sigstore").await.unwrap();
    for repo in ["acme/by-key", "acme/by-workflow"] {
        ingest::assign_repo(&app.state, SECURITY, repo, "acme-robotics").await.unwrap();
    }
    let (s, _) = upload_policy(&app, &ci, "acme/by-key", 3, v3.clone(), &b64(&org_key, &v3)).await;
    assert_eq!(s, 201);
    let by_workflow = sigstore.sign_blob(ORG_WORKFLOW, ISSUER, &v3).unwrap();
    let (s, _) = upload_policy(&app, &ci, "acme/by-workflow", 3, v3.clone(), &by_workflow).await;
    assert_eq!(s, 201);
    let adoption = || async {
        let r = app::ssr::policy::status::report(&app.state, None).await.unwrap();
        let acme: Vec<_> = r.repos.iter().filter(|x| x.repo.starts_with("acme/by-")).map(|x| x.state).collect();
        acme
    };
    use app::domain::adoption::PolicyState::{OffWorkflow, Signed};
    assert_eq!(adoption().await, [Signed, Signed]);
    let change = ingest::RolloutChange { require_org_workflow: Some(true), ..Default::default() };
    ingest::set_rollout(&app.state, SECURITY, change).await.unwrap();
    assert_eq!(adoption().await, [OffWorkflow, Signed], "a key-signed bundle no longer counts");
    let r = repo_state(&app, "acme/by-key").await;
    assert!(r.reason.unwrap().contains("signed by an org key; the rollout requires the org workflow"));
    let alerts = app.state.db.open_alerts().await.unwrap();
    assert!(alerts.iter().any(|a| a.kind == "policy.off_workflow" && a.subject.ends_with("acme/by-key")), "{alerts:?}");
    let change = ingest::RolloutChange { require_org_workflow: Some(false), ..Default::default() };
    ingest::set_rollout(&app.state, SECURITY, change).await.unwrap();
    assert_eq!(adoption().await, [Signed, Signed]);
    assert!(!app.state.db.open_alerts().await.unwrap().iter().any(|a| a.kind == "policy.off_workflow"), "cleared");
}

#[tokio::test]
async fn the_keyless_drill_rehearses_a_change_of_workflow_identity() {
    let app = TestApp::spawn().await;
    let report = app.cli_json(&["drill", "rotate-keyless-identity"]).await;
    assert_eq!(report["kind"], "rotate-keyless-identity");
    let steps = report["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "a throwaway Sigstore instance (CA, CT log, transparency log) is trusted for the drill",
            "a bundle signed by the old workflow identity is accepted",
            "overlap window: both identities verify",
            "a new bundle signed by the new workflow identity is accepted",
            "the old workflow identity is removed",
            "a bundle signed by the removed identity is refused",
            "earlier verifications keep their recorded results",
            "clean-up: the drill's new identity is removed too",
            "the audit log's hash chain verifies",
        ]
    );
    assert!(steps.iter().all(|s| s["ok"] == true), "{report}");
    assert!(steps[5]["detail"].as_str().unwrap().contains("refused: signature_mismatch"), "{report}");
    assert!(steps[2]["detail"].as_str().unwrap().contains("old identity: verifies (keyless https://github.com/drill-"));

    // No drill identity stays; the drill repository never counts; the chain still verifies.
    assert!(app.state.db.keyless_signers().await.unwrap().is_empty(), "every drill identity ends removed");
    let status = app::ssr::policy::status::report(&app.state, None).await.unwrap();
    assert!(status.repos.iter().all(|r| r.repo != app::ssr::policy::keyless_drill::DRILL_REPO));
    assert!(app::ssr::audit::verify_chain(&app.state.db).await.unwrap().is_ok());

    // From the portal: security and operator admins run it (the root is re-keyed each run); auditors read it.
    for who in [SECURITY, "admin@operator.demo"] {
        let cookie = app.login(who).await;
        let (s, run, _) = app.server_fn("run_keyless_drill", Some(&cookie), &[]).await;
        assert_eq!((s, run["passed"].as_bool(), run["steps"].as_u64()), (200, Some(true), Some(9)), "{who}: {run}");
    }
    let auditor = app.login("auditor@audit.demo").await;
    assert_eq!(app.server_fn("run_keyless_drill", Some(&auditor), &[]).await.0, 403);
    let (_, list, _) = app.server_fn("list_drills", Some(&auditor), &[]).await;
    let keyless: Vec<&Value> =
        list.as_array().unwrap().iter().filter(|d| d["kind"] == "rotate-keyless-identity").collect();
    assert_eq!(keyless.len(), 3, "{list}");
    let id = keyless[0]["id"].as_str().unwrap();
    let r = app.http.get(app.url(&format!("/drills/{id}/report.md"))).header("cookie", &auditor).send().await.unwrap();
    let md = r.text().await.unwrap();
    assert!(md.contains("| 6 | a bundle signed by the removed identity is refused | ok |"), "{md}");
    assert!(md.contains("policy.identity_removed"), "the audit excerpt shows the removal: {md}");
    // The drill's root name is reserved.
    let taken = app::ssr::verification::trust::add_trusted_root(&app.state, SECURITY, "drill-sigstore", "{}").await;
    assert!(taken.unwrap_err().message.contains("drill"));
}
