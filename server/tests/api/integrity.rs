//! Verification integrity (issue 12): a receipt is only ever signed for the
//! checks that ran. Each test here failed before its fix.

use crate::helpers::TestApp;
use app::ssr::verification::receipts::verify_receipt;
use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;
use sigstore_verify::crypto::KeyPair;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn conformance(path: &str) -> String {
    let root = std::env::var("PORTAL_VECTORS_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into());
    let p = format!("{root}/sigstore-conformance/test/assets/{path}");
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("test vectors missing at {p}: {e}"))
}

async fn acme_key(app: &TestApp) -> String {
    let admin = app.login("admin@acme.demo").await;
    app.create_key(&admin, "integrity tests").await.1
}

async fn call(app: &TestApp, key: &str, path: &str, body: &Value) -> (u16, Value) {
    let r = app.http.post(app.url(path)).bearer_auth(key).json(body).send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

async fn published_keys(app: &TestApp) -> Vec<(Option<String>, String)> {
    let set = app::ssr::verification::receipts::key_set(&app.state.db).await.unwrap();
    set.keys.into_iter().map(|k| (Some(k.keyid), k.public_key_pem)).collect()
}

/// A SLSA v1 statement for `artifact` built from `repo`, signed by `kp`.
fn provenance(kp: &KeyPair, artifact: &[u8], repo: &str, dependency: &str) -> Value {
    use sha2::Digest;
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "fw.bin", "digest": {"sha256": hex::encode(sha2::Sha256::digest(artifact))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"buildDefinition": {
            "externalParameters": {"workflow": {"repository": repo, "ref": "refs/tags/v1"}},
            "resolvedDependencies": [{"uri": format!("git+{dependency}@refs/tags/v1")}]}}
    });
    let env = app::ssr::verification::dsse::Envelope::sign(
        app::ssr::verification::dsse::IN_TOTO_PAYLOAD_TYPE,
        statement.to_string().as_bytes(),
        "",
        |m| kp.sign(m).unwrap().as_bytes().to_vec(),
    );
    serde_json::to_value(env).unwrap()
}

#[tokio::test]
async fn a_stored_keyless_policy_is_never_satisfied_by_a_key() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let policy = json!({"name": "release", "identity": IDENTITY, "issuer": ISSUER});
    assert_eq!(call(&app, &key, "/api/v1/policies", &policy).await.0, 201);

    // A managed-key bundle that really verifies with its key, offered "under" the keyless policy.
    let managed = json!({
        "kind": "sigstore_bundle",
        "artifact": {"base64": B64.encode(conformance("a.txt"))},
        "bundle": serde_json::from_str::<Value>(&conformance("bundle-verify/managed-key-happy-path/bundle.sigstore.json")).unwrap(),
        "public_key": conformance("bundle-verify/managed-key-happy-path/key.pub"),
        "policy": "release",
    });
    let (status, v) = call(&app, &key, "/api/v1/verify", &managed).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("policy_conflict")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("keyless"), "{v}");
    assert!(v.get("receipt").is_none());

    // A throw-away key's in-toto envelope under the same policy: refused too.
    let throwaway = KeyPair::generate_ecdsa_p256().unwrap();
    let artifact = b"anything at all";
    let in_toto = json!({
        "kind": "in_toto", "artifact": {"base64": B64.encode(artifact)},
        "envelope": provenance(&throwaway, artifact, "https://github.com/acme/fw", "https://github.com/acme/fw"),
        "public_key": throwaway.public_key_der().unwrap().to_pem(), "policy": "release",
    });
    let (status, v) = call(&app, &key, "/api/v1/verify", &in_toto).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("policy_conflict")), "{v}");

    // The keyless bundle itself passes, and its receipt lists each rule that was checked.
    let keyless = json!({
        "kind": "sigstore_bundle",
        "artifact": {"base64": B64.encode(conformance("a.txt"))},
        "bundle": serde_json::from_str::<Value>(&conformance("bundle-verify/happy-path-v0.3/bundle.sigstore.json")).unwrap(),
        "policy": "release",
    });
    let (status, v) = call(&app, &key, "/api/v1/verify", &keyless).await;
    assert_eq!(status, 200, "{v}");
    let receipt = verify_receipt(&v["receipt"].to_string(), &published_keys(&app).await).unwrap();
    let rules: Vec<(String, String)> = receipt.statement["predicate"]["rulesChecked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rule"].as_str().unwrap().to_owned(), r["expected"].as_str().unwrap_or_default().to_owned()))
        .collect();
    for want in
        [("signer_kind", "keyless"), ("identity", IDENTITY), ("issuer", ISSUER), ("trusted_root", "public-good")]
    {
        assert!(rules.contains(&(want.0.to_owned(), want.1.to_owned())), "{want:?} missing from {rules:?}");
    }
    assert!(!rules.iter().any(|(r, _)| r == "key_id"), "no key was checked: {rules:?}");

    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let receipts = app.state.db.verifications(&acme, 10).await.unwrap();
    assert_eq!(
        receipts.iter().filter(|r| r.outcome.as_str() == "verified").count(),
        1,
        "only the keyless call verified"
    );
}

/// The happy-path message-signature bundle with an unsigned DSSE envelope
/// added beside it, whose statement says whatever the attacker wants.
pub fn bundle_with_unsigned_envelope() -> String {
    use sha2::Digest;
    let mut bundle: Value =
        serde_json::from_str(&conformance("bundle-verify/happy-path-v0.3/bundle.sigstore.json")).unwrap();
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "a.txt", "digest": {"sha256": hex::encode(sha2::Sha256::digest(conformance("a.txt")))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"runDetails": {"builder": {"id": "https://trusted.example/builder"}}}
    });
    bundle["dsseEnvelope"] = json!({
        "payload": B64.encode(statement.to_string()),
        "payloadType": "application/vnd.in-toto+json",
        "signatures": [{"sig": B64.encode(b"unsigned")}]
    });
    bundle.to_string()
}

#[tokio::test]
async fn the_statement_checked_is_the_one_that_was_signed() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let artifact = json!({"base64": B64.encode(conformance("a.txt"))});
    let rules = json!({"identity": IDENTITY, "issuer": ISSUER, "builder_id": "https://trusted.example/builder"});
    let mut body = json!({"kind": "sigstore_bundle", "artifact": artifact,
        "bundle": serde_json::from_str::<Value>(&bundle_with_unsigned_envelope()).unwrap()});
    body.as_object_mut().unwrap().extend(rules.as_object().unwrap().clone());
    let (status, v) = call(&app, &key, "/api/v1/verify", &body).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("malformed_bundle")), "{v}");

    // Two dsseEnvelope keys in the raw request body: refused before anything is chosen.
    let signed = conformance("bundle-verify/happy-path-v0.3/bundle.sigstore.json");
    let close = signed.rfind('}').unwrap();
    let twice = format!(r#"{},"messageSignature":{{"signature":"AAAA"}}}}"#, &signed[..close]);
    let raw = format!(
        r#"{{"kind":"sigstore_bundle","artifact":{artifact},"bundle":{twice},"identity":"{IDENTITY}","issuer":"{ISSUER}"}}"#
    );
    let r = app
        .http
        .post(app.url("/api/v1/verify"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body(raw)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert!(v["error"]["message"].as_str().unwrap().contains("duplicate key"), "{v}");

    // The portal's Verify page (server function, the browser's path) refuses it too.
    let member = app.login("member@acme.demo").await;
    let bundle = bundle_with_unsigned_envelope();
    let (status, v, _) = app
        .server_fn(
            "check_evidence",
            Some(&member),
            &[
                ("kind", "sigstore_bundle"),
                ("artifact_text", &conformance("a.txt")),
                ("evidence", &bundle),
                ("identity", IDENTITY),
                ("issuer", ISSUER),
                ("builder_id", "https://trusted.example/builder"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!((v["verified"].as_bool(), v["reason"].as_str()), (Some(false), Some("malformed_bundle")), "{v}");
}

/// An RSA SubjectPublicKeyInfo (PEM) for a PKCS#1 key, with NULL or absent parameters.
fn rsa_pem(pkcs1: &[u8], null_params: bool) -> String {
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        match body.len() {
            n if n < 0x80 => out.push(u8::try_from(n).unwrap()),
            n if n < 0x100 => out.extend([0x81, u8::try_from(n).unwrap()]),
            n => out.extend([0x82, u8::try_from(n >> 8).unwrap(), u8::try_from(n & 0xff).unwrap()]),
        }
        out.extend_from_slice(body);
        out
    }
    let mut alg = vec![0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    if null_params {
        alg.extend([0x05, 0x00]);
    }
    let mut bits = vec![0x00];
    bits.extend_from_slice(pkcs1);
    let spki = tlv(0x30, &[tlv(0x30, &alg), tlv(0x03, &bits)].concat());
    sigstore_verify::types::DerPublicKey::new(spki).to_pem()
}

#[tokio::test]
async fn a_revoked_key_stays_revoked_in_every_encoding() {
    use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let rsa = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let pkcs1 = rsa.public_key().as_ref().to_vec();
    let artifact = b"release-9.9.9.tar.gz";
    let mut sig = vec![0; rsa.public_modulus_len()];
    rsa.sign(&RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), artifact, &mut sig).unwrap();
    let body = |pem: &str| json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": B64.encode(&sig), "public_key": pem});
    let (with_null, absent) = (rsa_pem(&pkcs1, true), rsa_pem(&pkcs1, false));
    assert_ne!(with_null, absent);
    for pem in [&with_null, &absent] {
        let (status, v) = call(&app, &key, "/api/v1/verify", &body(pem)).await;
        assert_eq!(status, 200, "both spellings verify while the key is good: {v}");
    }
    let (status, stored) =
        call(&app, &key, "/api/v1/signing-keys", &json!({"name": "rsa-release", "public_key_pem": with_null})).await;
    assert_eq!(status, 201, "{stored}");
    let id = stored["id"].as_str().unwrap();
    assert_eq!(call(&app, &key, &format!("/api/v1/signing-keys/{id}/revoke"), &json!({})).await.0, 204);
    for pem in [&with_null, &absent] {
        let (status, v) = call(&app, &key, "/api/v1/verify", &body(pem)).await;
        assert_eq!((status, v["error"]["code"].as_str()), (422, Some("key_revoked")), "{v}");
    }
    // Stored the other way round, the key is one key as well.
    let (status, again) =
        call(&app, &key, "/api/v1/signing-keys", &json!({"name": "rsa-again", "public_key_pem": absent})).await;
    assert_eq!(status, 201, "{again}");
    assert_eq!(again["key_id"], stored["key_id"], "one key, one id");
}

#[tokio::test]
async fn policies_mean_something() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    for empty in [json!({"name": "nothing"}), json!({"name": "root-only", "trusted_root": "public-good"})] {
        let (status, v) = call(&app, &key, "/api/v1/policies", &empty).await;
        assert_eq!(status, 400, "{empty} -> {v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("at least one rule"), "{v}");
    }
    // A build from evil/fw that merely fetched acme/fw is not "from" acme/fw.
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let artifact = b"fw";
    let envelope = provenance(&kp, artifact, "https://github.com/evil/fw", "https://github.com/acme/fw");
    let body = json!({"kind": "in_toto", "artifact": {"base64": B64.encode(artifact)}, "envelope": envelope,
        "public_key": kp.public_key_der().unwrap().to_pem(), "source_repo": "https://github.com/acme/fw"});
    let (status, v) = call(&app, &key, "/api/v1/verify", &body).await;
    assert_eq!((status, v["error"]["code"].as_str()), (422, Some("source_mismatch")), "{v}");

    // Statement rules on a plain signature cannot be checked, so they are refused (Verify page).
    let member = app.login("member@acme.demo").await;
    let sig = B64.encode(kp.sign(artifact).unwrap().as_bytes());
    let pem = kp.public_key_der().unwrap().to_pem();
    let (_, v, _) = app
        .server_fn(
            "check_evidence",
            Some(&member),
            &[
                ("kind", "cosign_blob"),
                ("artifact_text", "fw"),
                ("evidence", &sig),
                ("public_key", &pem),
                ("builder_id", "https://b"),
            ],
        )
        .await;
    assert_eq!((v["verified"].as_bool(), v["reason"].as_str()), (Some(false), Some("policy_conflict")), "{v}");
}

#[tokio::test]
async fn a_pack_whose_entries_read_two_ways_is_never_verified() {
    let app = TestApp::spawn().await;
    let key = crate::packs::tenant_key(&app, "admin@acme.demo").await;
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let pem = kp.public_key_der().unwrap().to_pem();
    call(&app, &key, "/api/v1/signing-keys", &json!({"name": "release", "public_key_pem": pem})).await;
    let pack = crate::packs::pack_for_tag(&kp, "v1.0.0", b"{\"spdxVersion\":\"SPDX-2.3\"}");
    // Rename the SBOM in its local header only: extractors that trust local
    // headers would unpack another name than the one the manifest signed.
    let name = b"sbom.spdx.json";
    let at = pack.windows(name.len()).position(|w| w == name).unwrap();
    let mut swapped = pack.clone();
    swapped[at..at + name.len()].copy_from_slice(b"sbom.spdx.jsoN");
    let path = "/api/v1/repos/acme/firmware/releases/v1.0.0/pack";
    let (status, v) = crate::packs::upload(&app, &key, path, swapped).await;
    assert_eq!((status, v["reason"].as_str()), (422, Some("zip_header_mismatch")), "{v}");

    // A keyless bundle inside a pack cannot be checked there: the pack is not called verified.
    let files = vec![
        ("a.txt".to_owned(), conformance("a.txt").into_bytes()),
        (
            "a.txt.sigstore.json".to_owned(),
            conformance("bundle-verify/happy-path-v0.3/bundle.sigstore.json").into_bytes(),
        ),
    ];
    let pack = app::ssr::evidence::packs::build("acme/firmware", "v1.0.1", "2026-11-29T00:00:00Z", &files, |m| {
        kp.sign(m).unwrap().as_bytes().to_vec()
    })
    .unwrap();
    let (status, v) = crate::packs::upload(&app, &key, "/api/v1/repos/acme/firmware/releases/v1.0.1/pack", pack).await;
    assert_eq!((status, v["reason"].as_str()), (422, Some("pack_item_unchecked")), "{v}");
    assert_eq!(v["report"]["verified"], false);
    let unchecked = v["report"]["checks"].as_array().unwrap().iter().find(|c| c["status"] == "not_checked");
    assert!(unchecked.is_some_and(|c| c["check"].as_str().unwrap().starts_with("a.txt.sigstore.json")), "{v}");
}

#[tokio::test]
async fn a_truncated_policy_tarball_says_so() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await;
    let key = crate::packs::tenant_key(&app, "admin@acme.demo").await;
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    app::ssr::policy::ingest::add_policy_key(
        &app.state,
        "security@operator.demo",
        "policy-2026",
        &kp.public_key_der().unwrap().to_pem(),
        None,
    )
    .await
    .unwrap();
    let good = app::ssr::policy::bundle::build(&[("policies/org.rego", b"package org\n")]).unwrap();
    let cut = good[..good.len() - 6].to_vec();
    let sig = B64.encode(kp.sign(&cut).unwrap().as_bytes());
    let form = Form::new()
        .text("version", "1")
        .part("bundle", Part::bytes(cut).file_name("policy.tar.gz"))
        .part("signature", Part::text(sig).file_name("policy.sig"));
    let r = app
        .http
        .post(app.url("/api/v1/repos/acme/firmware/policy"))
        .bearer_auth(&key)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 422);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["reason"], "bundle_corrupt", "{v}");
}

#[tokio::test]
async fn a_repository_name_belongs_to_the_tenant_that_proved_it() {
    use reqwest::multipart::{Form, Part};
    let app = TestApp::spawn().await;
    let acme = crate::packs::tenant_key(&app, "admin@acme.demo").await;
    let globex = crate::packs::tenant_key(&app, "admin@globex.demo").await;
    let policy_kp = KeyPair::generate_ecdsa_p256().unwrap();
    let pem = policy_kp.public_key_der().unwrap().to_pem();
    app::ssr::policy::ingest::add_policy_key(&app.state, "security@operator.demo", "policy-2026", &pem, None)
        .await
        .unwrap();
    let tb = app::ssr::policy::bundle::build(&[("policies/org.rego", b"package org\n")]).unwrap();
    let policy_upload = |key: String, version: &'static str| {
        let form = Form::new()
            .text("version", version)
            .part("bundle", Part::bytes(tb.clone()).file_name("policy.tar.gz"))
            .part("signature", Part::text(B64.encode(policy_kp.sign(&tb).unwrap().as_bytes())).file_name("policy.sig"));
        app.http.post(app.url("/api/v1/repos/shared/tool/policy")).bearer_auth(key).multipart(form).send()
    };
    // Globex registers the name first, with a signed policy bundle: that proves nothing about the repository.
    assert_eq!(policy_upload(globex.clone(), "1").await.unwrap().status(), 201);
    let badge = || async {
        app.http.get(app.url("/badge/repos/shared/tool/policy.svg")).send().await.unwrap().text().await.unwrap()
    };
    assert!(badge().await.contains("unknown"), "an unproven name has no owner's badge");

    // Acme proves it: a verified release pack signed with acme's own key.
    let release = KeyPair::generate_ecdsa_p256().unwrap();
    call(
        &app,
        &acme,
        "/api/v1/signing-keys",
        &json!({"name": "release", "public_key_pem": release.public_key_der().unwrap().to_pem()}),
    )
    .await;
    let pack = app::ssr::evidence::packs::build(
        "shared/tool",
        "v1.0.0",
        "2026-11-29T00:00:00Z",
        &[("sbom.spdx.json".into(), b"{}".to_vec())],
        |m| release.sign(m).unwrap().as_bytes().to_vec(),
    )
    .unwrap();
    let (status, v) = crate::packs::upload(&app, &acme, "/api/v1/repos/shared/tool/releases/v1.0.0/pack", pack).await;
    assert_eq!(status, 201, "{v}");
    let svg = badge().await;
    assert!(svg.contains("unsigned") && !svg.contains("signed v1"), "the badge is acme's repo, not globex's: {svg}");
    let r = policy_upload(globex.clone(), "2").await.unwrap();
    assert_eq!(r.status(), 409, "globex may not upload for acme's name");
    let report = app::ssr::policy::status::report(&app.state, None).await.unwrap();
    let rows: Vec<_> = report.repos.iter().filter(|r| r.repo == "shared/tool").map(|r| r.tenant.as_str()).collect();
    assert_eq!(rows, ["acme-robotics"], "only the owner counts in adoption");

    // The operator can give the name to globex; then acme is the one refused.
    app::ssr::policy::ingest::assign_repo(&app.state, "admin@operator.demo", "shared/tool", "globex").await.unwrap();
    assert_eq!(policy_upload(globex, "2").await.unwrap().status(), 201);
    assert_eq!(policy_upload(acme, "1").await.unwrap().status(), 409);
    assert!(badge().await.contains("signed v2"));
}

#[tokio::test]
async fn keys_stored_in_an_old_spelling_are_re_encoded_at_start() {
    use aws_lc_rs::signature::{KeyPair as _, RSA_PKCS1_SHA256, RsaKeyPair};
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let rsa = RsaKeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).unwrap();
    let pkcs1 = rsa.public_key().as_ref().to_vec();
    let absent = rsa_pem(&pkcs1, false);
    // A row as an older portal wrote it: the key as given, its id over those bytes, revoked.
    let der = sigstore_verify::types::DerPublicKey::from_pem(&absent).unwrap();
    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let legacy = app::ssr::store::SigningKeyRow {
        id: "skey_legacy".into(),
        org_id: acme,
        name: "legacy".into(),
        public_key_pem: absent.clone(),
        key_id: format!("sha256:{}", hex::encode(sha2::Sha256::digest(der.as_bytes()))),
        not_before: 0,
        not_after: None,
        revoked_at: Some(1),
        created_at: 0,
    };
    app.state.db.insert_signing_key(&legacy).await.unwrap();
    assert_eq!(app::ssr::verification::trust::canonicalize_stored_keys(&app.state.db).await.unwrap(), 1);
    assert_eq!(app::ssr::verification::trust::canonicalize_stored_keys(&app.state.db).await.unwrap(), 0, "idempotent");
    let artifact = b"legacy.tar.gz";
    let mut sig = vec![0; rsa.public_modulus_len()];
    rsa.sign(&RSA_PKCS1_SHA256, &aws_lc_rs::rand::SystemRandom::new(), artifact, &mut sig).unwrap();
    for pem in [rsa_pem(&pkcs1, true), absent] {
        let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": B64.encode(&sig), "public_key": pem});
        let (status, v) = call(&app, &key, "/api/v1/verify", &body).await;
        assert_eq!((status, v["error"]["code"].as_str()), (422, Some("key_revoked")), "{v}");
    }
}

#[tokio::test]
async fn inline_rules_a_kind_cannot_check_are_refused_like_stored_ones() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let managed = json!({
        "kind": "sigstore_bundle",
        "artifact": {"base64": B64.encode(conformance("a.txt"))},
        "bundle": serde_json::from_str::<Value>(&conformance("bundle-verify/managed-key-happy-path/bundle.sigstore.json")).unwrap(),
        "public_key": conformance("bundle-verify/managed-key-happy-path/key.pub"),
        "identity": IDENTITY, "issuer": ISSUER,
    });
    let (status, v) = call(&app, &key, "/api/v1/verify", &managed).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("policy_conflict")), "{v}");
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let in_toto = json!({"kind": "in_toto", "artifact": {"base64": B64.encode(b"x")},
        "envelope": provenance(&kp, b"x", "https://github.com/acme/fw", "https://github.com/acme/fw"),
        "public_key": kp.public_key_der().unwrap().to_pem(), "trusted_root": "public-good"});
    let (status, v) = call(&app, &key, "/api/v1/verify", &in_toto).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("policy_conflict")), "{v}");
}
