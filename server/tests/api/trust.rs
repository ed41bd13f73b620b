//! Receipts, in-toto attestations and stored trust material through the API.

use crate::helpers::TestApp;
use app::ssr::verification::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use app::ssr::verification::receipts::verify_receipt;
use base64::Engine;
use serde_json::{Value, json};
use sigstore_verify::crypto::KeyPair;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const BUILDER: &str = "https://github.com/acme/firmware/.github/workflows/release.yml@refs/tags/v1.0.0";

async fn tenant_key(app: &TestApp, admin: &str) -> String {
    let cookie = app.login(admin).await;
    app.create_key(&cookie, "trust tests").await.1
}

async fn call(app: &TestApp, key: &str, method: reqwest::Method, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut req = app.http.request(method, app.url(path)).bearer_auth(key);
    if let Some(b) = body {
        req = req.json(b);
    }
    let r = req.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn verify(app: &TestApp, key: &str, body: &Value) -> (u16, Value) {
    call(app, key, reqwest::Method::POST, "/api/v1/verify", Some(body)).await
}

fn keypair() -> (KeyPair, String) {
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let pem = kp.public_key_der().unwrap().to_pem();
    (kp, pem)
}

fn blob_request(kp: &KeyPair, artifact: &[u8], key: Value) -> Value {
    let mut body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)},
        "signature": B64.encode(kp.sign(artifact).unwrap().as_bytes())});
    body.as_object_mut().unwrap().extend(key.as_object().unwrap().clone());
    body
}

/// A SLSA v1 provenance for `artifact`, signed by `kp` in a DSSE envelope.
fn provenance(kp: &KeyPair, artifact: &[u8]) -> Value {
    use sha2::Digest;
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "firmware.bin", "digest": {"sha256": hex::encode(sha2::Sha256::digest(artifact))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {"externalParameters": {"workflow": {"repository": "https://github.com/acme/firmware", "ref": "refs/tags/v1.0.0"}}},
            "runDetails": {"builder": {"id": BUILDER}}
        }
    });
    let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, statement.to_string().as_bytes(), "", |m| {
        kp.sign(m).unwrap().as_bytes().to_vec()
    });
    serde_json::to_value(env).unwrap()
}

#[tokio::test]
async fn receipts_verify_offline_and_stay_with_their_tenant() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let (kp, pem) = keypair();
    let (status, v) = verify(&app, &acme, &blob_request(&kp, b"fw-1.0.bin", json!({"public_key": pem}))).await;
    assert_eq!(status, 200, "{v}");
    let id = v["verification_id"].as_str().unwrap();
    assert_eq!(v["receipt_url"], format!("/api/v1/receipts/{id}"));

    // The published keys verify the receipt; its statement names what was verified.
    let keys: Value = app
        .http
        .get(app.url("/.well-known/trust-portal/receipt-keys.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let published: Vec<(Option<String>, String)> = keys["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["keyid"].as_str().map(str::to_owned), k["public_key_pem"].as_str().unwrap().to_owned()))
        .collect();
    let checked = verify_receipt(&v["receipt"].to_string(), &published).expect("receipt verifies");
    let p = &checked.statement["predicate"];
    assert_eq!(p["receiptId"], id);
    assert_eq!(p["kind"], "cosign_blob");
    assert_eq!(p["verificationResult"], "PASSED");
    assert_eq!(checked.statement["subject"][0]["digest"]["sha256"], v["subject_sha256"]);

    let (status, stored) = call(&app, &acme, reqwest::Method::GET, &format!("/api/v1/receipts/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(stored["receipt"], v["receipt"]);
    let (status, other) = call(&app, &globex, reqwest::Method::GET, &format!("/api/v1/receipts/{id}"), None).await;
    assert_eq!(status, 404, "another tenant's receipt does not exist for globex: {other}");

    // Failures get no receipt.
    let (status, v) = verify(&app, &acme, &blob_request(&keypair().0, b"fw-1.0.bin", json!({"public_key": pem}))).await;
    assert_eq!(status, 422);
    assert!(v.get("receipt").is_none());
}

#[tokio::test]
async fn rotating_the_receipt_key_keeps_old_receipts_verifiable() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let (kp, pem) = keypair();
    let (_, first) = verify(&app, &acme, &blob_request(&kp, b"a", json!({"public_key": pem}))).await;
    let new_id = app
        .state
        .receipt_keys
        .rotate(&app.state.db, app.state.now_ms(), app.state.new_id(app::domain::ids::ReceiptKeyId::from_parts))
        .await
        .unwrap();
    let (_, second) = verify(&app, &acme, &blob_request(&kp, b"b", json!({"public_key": pem}))).await;
    assert_eq!(second["receipt"]["signatures"][0]["keyid"], new_id.as_str());
    assert_ne!(first["receipt"]["signatures"][0]["keyid"], second["receipt"]["signatures"][0]["keyid"]);
    let set = app::ssr::verification::receipts::key_set(&app.state.db).await.unwrap();
    assert_eq!(set.keys.len(), 2);
    assert!(set.keys[1].retired_at.is_some(), "the old key is retired but still published");
    let published: Vec<_> = set.keys.iter().map(|k| (Some(k.keyid.clone()), k.public_key_pem.clone())).collect();
    for r in [&first, &second] {
        verify_receipt(&r["receipt"].to_string(), &published).expect("both receipts verify");
    }
}

#[tokio::test]
async fn in_toto_provenance_is_checked_against_its_policy() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let (kp, pem) = keypair();
    let artifact = b"firmware image";
    let envelope = provenance(&kp, artifact);
    let request = |rules: Value| {
        let mut b = json!({"kind": "in_toto", "artifact": {"base64": B64.encode(artifact)}, "envelope": envelope, "public_key": pem});
        b.as_object_mut().unwrap().extend(rules.as_object().unwrap().clone());
        b
    };
    let (status, v) = verify(&app, &acme, &request(json!({"predicate_type": "https://slsa.dev/provenance/v1", "builder_id": BUILDER, "source_repo": "https://github.com/acme/firmware", "source_ref": "refs/tags/v1.0.0"}))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["kind"], "in_toto");
    assert_eq!(v["statement"]["builder_id"], BUILDER);
    for (rules, code) in [
        (json!({"builder_id": "https://evil.example/builder"}), "builder_mismatch"),
        (json!({"predicate_type": "https://spdx.dev/Document"}), "predicate_type_mismatch"),
        (json!({"source_repo": "https://github.com/evil/firmware"}), "source_mismatch"),
    ] {
        let (status, v) = verify(&app, &acme, &request(rules)).await;
        assert_eq!((status, v["error"]["code"].as_str()), (422, Some(code)), "{v}");
    }
    let mut other = request(json!({}));
    other["artifact"] = json!({"base64": B64.encode(b"another image")});
    let (status, v) = verify(&app, &acme, &other).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("digest_mismatch")));
    let mut wrong_key = request(json!({}));
    wrong_key["public_key"] = json!(keypair().1);
    assert_eq!(verify(&app, &acme, &wrong_key).await.1["error"]["code"], "signature_mismatch");
}

#[tokio::test]
async fn stored_keys_apply_their_validity_windows() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let (kp, pem) = keypair();
    let add = |name: &str, nb: Option<&str>, na: Option<&str>, pem: &str| json!({"name": name, "public_key_pem": pem, "not_before": nb, "not_after": na});
    let (status, release) =
        call(&app, &acme, reqwest::Method::POST, "/api/v1/signing-keys", Some(&add("release", None, None, &pem))).await;
    assert_eq!(status, 201, "{release}");
    assert!(release["key_id"].as_str().unwrap().starts_with("sha256:"));
    let (status, _) =
        call(&app, &acme, reqwest::Method::POST, "/api/v1/signing-keys", Some(&add("release", None, None, &pem))).await;
    assert_eq!(status, 409);
    let (status, bad) =
        call(&app, &acme, reqwest::Method::POST, "/api/v1/signing-keys", Some(&add("junk", None, None, "not a key")))
            .await;
    assert_eq!(status, 400, "{bad}");

    assert_eq!(verify(&app, &acme, &blob_request(&kp, b"x", json!({"key": "release"}))).await.0, 200);
    // Globex cannot use or see acme's key.
    let (status, v) = verify(&app, &globex, &blob_request(&kp, b"x", json!({"key": "release"}))).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("unknown_trust_material")));
    let (_, list) = call(&app, &globex, reqwest::Method::GET, "/api/v1/signing-keys", None).await;
    assert_eq!(list, json!([]));

    let (old, old_pem) = keypair();
    call(
        &app,
        &acme,
        reqwest::Method::POST,
        "/api/v1/signing-keys",
        Some(&add("old", Some("2020-01-01T00:00:00Z"), Some("2021-01-01T00:00:00Z"), &old_pem)),
    )
    .await;
    let (future, future_pem) = keypair();
    call(
        &app,
        &acme,
        reqwest::Method::POST,
        "/api/v1/signing-keys",
        Some(&add("future", Some("2999-01-01T00:00:00Z"), None, &future_pem)),
    )
    .await;
    for (kp, name) in [(&old, "old"), (&future, "future")] {
        let (status, v) = verify(&app, &acme, &blob_request(kp, b"x", json!({"key": name}))).await;
        assert_eq!((status, v["error"]["code"].as_str()), (422, Some("key_outside_validity")), "{name}: {v}");
    }
    // An expired stored key cannot be bypassed by pasting its PEM.
    let (_, v) = verify(&app, &acme, &blob_request(&old, b"x", json!({"public_key": old_pem}))).await;
    assert_eq!(v["error"]["code"], "key_outside_validity");

    // The pasted PEM of a live stored key verifies; the lookup behind it is now cached,
    // and revoking must still take effect at once.
    assert_eq!(verify(&app, &acme, &blob_request(&kp, b"x", json!({"public_key": pem}))).await.0, 200);
    let id = release["id"].as_str().unwrap();
    let (status, _) =
        call(&app, &globex, reqwest::Method::POST, &format!("/api/v1/signing-keys/{id}/revoke"), None).await;
    assert_eq!(status, 404, "globex cannot revoke acme's key");
    let (status, _) =
        call(&app, &acme, reqwest::Method::POST, &format!("/api/v1/signing-keys/{id}/revoke"), None).await;
    assert_eq!(status, 204);
    for key in [json!({"key": "release"}), json!({"public_key": pem})] {
        let (status, v) = verify(&app, &acme, &blob_request(&kp, b"x", key)).await;
        assert_eq!((status, v["error"]["code"].as_str()), (422, Some("key_revoked")), "{v}");
    }
    let acme_org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let rows = app.state.db.verifications(&acme_org, 20).await.unwrap();
    assert_eq!(rows.iter().filter(|r| r.outcome.as_str() == "verified").count(), 2, "earlier results are kept");
}

#[tokio::test]
async fn named_policies_replace_inline_rules() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let (kp, pem) = keypair();
    let policy =
        json!({"name": "firmware-release", "predicate_type": "https://slsa.dev/provenance/v1", "builder_id": BUILDER});
    let (status, v) = call(&app, &acme, reqwest::Method::POST, "/api/v1/policies", Some(&policy)).await;
    assert_eq!(status, 201, "{v}");
    let half = json!({"name": "half", "identity": "someone@example.com"});
    let (status, v) = call(&app, &acme, reqwest::Method::POST, "/api/v1/policies", Some(&half)).await;
    assert_eq!(status, 400, "{v}");
    // A misspelt rule is refused, not dropped (the policy would check less than it reads).
    let typo = json!({"name": "typo", "builder_id": BUILDER, "source_reff": "refs/tags/v1"});
    let (status, v) = call(&app, &acme, reqwest::Method::POST, "/api/v1/policies", Some(&typo)).await;
    assert_eq!(status, 400, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("source_reff"), "{v}");
    let body = |policy: &str| json!({"kind": "in_toto", "artifact": {"base64": B64.encode(b"img")}, "envelope": provenance(&kp, b"img"), "public_key": pem, "policy": policy});
    let (status, v) = verify(&app, &acme, &body("firmware-release")).await;
    assert_eq!(status, 200, "{v}");
    let (status, v) = verify(&app, &acme, &body("nope")).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("unknown_trust_material")));
    let mut both = body("firmware-release");
    both["builder_id"] = json!("x");
    assert_eq!(verify(&app, &acme, &both).await.0, 400, "a named policy and inline rules together are ambiguous");
}
