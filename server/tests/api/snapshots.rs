//! Snapshots (insta) of the documents people and machines read whole: the
//! OpenAPI document, an invoice preview, the onboarding view, a pack
//! report and a key-rotation drill report. The portal runs on a stopped clock, so times are fixed; ids,
//! secrets and digests of throw-away keys are redacted. The same snapshot
//! must hold on SQLite and on Postgres. Update with `INSTA_UPDATE=always`
//! after a deliberate change, and review the diff.

use crate::helpers::TestApp;
use app::ssr::clock::ManualClock;
use insta::assert_json_snapshot;
use serde_json::{Value, json};
use sigstore_verify::crypto::KeyPair;
use std::sync::Arc;

/// 2027-01-15 08:00 UTC.
const NOW_MS: i64 = 1_800_000_000_000;

async fn portal() -> TestApp {
    TestApp::spawn_with_clock(|_| {}, Arc::new(ManualClock::new(NOW_MS))).await
}

async fn get_json(app: &TestApp, path: &str, bearer: &str) -> Value {
    let r = app.http.get(app.url(path)).bearer_auth(bearer).send().await.unwrap();
    assert_eq!(r.status(), 200, "{path}");
    r.json().await.unwrap()
}

#[tokio::test]
async fn the_openapi_document() {
    let app = TestApp::spawn().await;
    let doc: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert_json_snapshot!("openapi", doc);
}

#[tokio::test]
async fn an_invoice_preview() {
    let app = portal().await;
    let key = crate::billing::key_of(&app, "admin@acme.demo").await;
    for ok in [true, true, false] {
        crate::billing::verify(&app, &key, ok).await;
    }
    let preview = get_json(&app, "/api/v1/invoices/preview?period=2027-01", &key).await;
    assert_json_snapshot!("invoice_preview", preview, { ".receipts[]" => "[receipt id]", ".tenant_id" => "[id]" });
}

#[tokio::test]
async fn the_onboarding_view() {
    let app = portal().await;
    let admin = app.login("admin@operator.demo").await;
    let (s, link, _) = app.server_fn("create_invitation", Some(&admin), &[("label", "Widget Co"), ("days", "7")]).await;
    assert_eq!(s, 200, "{link}");
    let token = link.as_str().unwrap().rsplit('/').next().unwrap().to_owned();
    let view = get_json(&app, "/api/v1/onboarding", &token).await;
    assert_json_snapshot!("onboarding_view", view, { ".**.id" => "[id]", ".**.invitation_id" => "[id]" });
}

#[tokio::test]
async fn a_pack_report() {
    let app = portal().await;
    let key = crate::packs::tenant_key(&app, "admin@acme.demo").await;
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let add = json!({"name": "release", "public_key_pem": kp.public_key_der().unwrap().to_pem()});
    let r = app.http.post(app.url("/api/v1/signing-keys")).bearer_auth(&key).json(&add).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let zip = crate::packs::pack_for_tag(&kp, "v1.0.0", b"{\"spdxVersion\":\"SPDX-2.3\"}");
    let (status, _) = crate::packs::upload(&app, &key, "/api/v1/repos/acme/firmware/releases/v1.0.0/pack", zip).await;
    assert_eq!(status, 201);
    let report = get_json(&app, "/api/v1/repos/acme/firmware/releases/v1.0.0/pack/report", &key).await;
    // What a throw-away key makes random: its id and the signature file's digest.
    let engine = app::ssr::verification::engine::parse_key(&kp.public_key_der().unwrap().to_pem()).unwrap();
    let key_id = app::ssr::verification::engine::key_id(&engine);
    let files = report["report"]["manifest"]["files"].as_array().unwrap();
    let sig = files.iter().find(|f| f["path"] == "policy.tar.gz.sig").unwrap()["sha256"].as_str().unwrap().to_owned();
    let text =
        report.to_string().replace(&key_id, "[throw-away key id]").replace(&sig, "[digest of a random signature]");
    let report: Value = serde_json::from_str(&text).unwrap();
    assert_json_snapshot!("pack_report", report, {
        ".id" => "[id]",
        ".sha256" => "[zip digest: the signature is random]",
    });
}

#[tokio::test]
async fn a_drill_report() {
    let app = portal().await;
    let report = app::ssr::policy::drill::rotate_policy_key(&app.state, "security@operator.demo").await.unwrap();
    let text = serde_json::to_string(&report).unwrap();
    // The drill's run name and its throw-away keys are random, and with them every
    // key id, bundle digest and audit hash; the steps, their order and wording are not.
    let run = text.split("drill-").nth(1).and_then(|rest| rest.get(..8)).unwrap().to_owned();
    let report: Value = serde_json::from_str(&redact_hex(&text.replace(&run, "[run]"))).unwrap();
    assert_json_snapshot!("drill_report", report, { ".id" => "[id]" });
    assert!(report["passed"].as_bool().unwrap());
}

/// Replaces every run of 12 or more hex digits with `[hex]`: runs that are not
/// all decimal, and any run right after `=` (a 12-digit hash prefix such as
/// `prev=` is all decimal about one time in 280; JSON numbers follow `:`).
fn redact_hex(text: &str) -> String {
    let (mut out, mut run) = (String::with_capacity(text.len()), String::new());
    let flush = |out: &mut String, run: &mut String| {
        let after_equals = out.ends_with('=');
        if run.len() >= 12 && (after_equals || !run.bytes().all(|b| b.is_ascii_digit())) {
            out.push_str("[hex]");
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
        } else {
            flush(&mut out, &mut run);
            out.push(c);
        }
    }
    flush(&mut out, &mut run);
    out
}

#[test]
fn redact_hex_hides_decimal_looking_hash_prefixes_but_not_numbers() {
    assert_eq!(redact_hex("prev=123456789012… hash=abcdef012345…"), "prev=[hex]… hash=[hex]…");
    assert_eq!(
        redact_hex(r#"{"at":1800000000000,"id":"sha256:0123456789ab"}"#),
        r#"{"at":1800000000000,"id":"sha256:[hex]"}"#
    );
}

#[tokio::test]
async fn a_signoff_manifest() {
    let app = portal().await;
    let security = app::ssr::identity::auth::principal_for(&app.state, "security@operator.demo").await.unwrap();
    let auditor = app::ssr::identity::auth::principal_for(&app.state, "auditor@audit.demo").await.unwrap();
    let e = app.state.db.engagements(None).await.unwrap().pop().unwrap();
    let finding = app::ssr::audit_kit::fieldwork::NewFinding {
        title: "DPIA review has no reminder owner".into(),
        detail: "Nobody is named to start the next review.".into(),
        kind: "minor".into(),
        severity: "low".into(),
    };
    app::ssr::audit_kit::fieldwork::file_finding(&app.state, &auditor, &e.id, finding).await.unwrap();
    let built = app::ssr::audit_kit::signoff::build(&app.state, &security, &e.id).await.unwrap();
    let files = app::ssr::evidence::packs::read_zip(&built.zip).unwrap();
    let manifest: Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    // Which files, of what size, in what order: their digests cover ids and keys made fresh each run.
    assert_json_snapshot!("signoff_manifest", manifest, {
        ".files[].sha256" => "[sha256]",
        ".about.engagement" => "[id]",
    });
}
