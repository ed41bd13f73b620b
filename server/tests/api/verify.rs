//! The Attestation API, `POST /api/v1/verify`.

use crate::helpers::TestApp;
use base64::Engine;
use serde_json::{Value, json};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn vectors() -> String {
    std::env::var("PORTAL_VECTORS_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into())
}

fn conformance(path: &str) -> String {
    let p = format!("{}/sigstore-conformance/test/assets/{path}", vectors());
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("test vectors missing at {p}: {e}"))
}

/// A tenant API key for acme, ready to call the API.
async fn acme_key(app: &TestApp) -> String {
    let admin = app.login("admin@acme.demo").await;
    app.create_key(&admin, "verify tests").await.1
}

async fn post(app: &TestApp, key: &str, body: &Value) -> (u16, Value, reqwest::header::HeaderMap) {
    let r = app.http.post(app.url("/api/v1/verify")).bearer_auth(key).json(body).send().await.unwrap();
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    (status, r.json().await.unwrap_or(Value::Null), headers)
}

/// A signed artifact: (artifact, base64 signature, PEM key).
fn cosign_signed(artifact: &[u8]) -> (Vec<u8>, String, String) {
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    let sig = B64.encode(kp.sign(artifact).unwrap().as_bytes());
    (artifact.to_vec(), sig, kp.public_key_der().unwrap().to_pem())
}

#[tokio::test]
async fn cosign_blob_verifies_and_is_recorded() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let (artifact, sig, pem) = cosign_signed(b"release-1.2.3.tar.gz");
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(&artifact)}, "signature": sig, "public_key": pem});
    let (status, v, headers) = post(&app, &key, &body).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["verified"], true);
    assert_eq!(v["signer"]["kind"], "key");
    let id = v["verification_id"].as_str().unwrap();
    assert_eq!(headers["verification-id"], id);

    let digest = format!("sha256:{}", v["subject_sha256"].as_str().unwrap());
    let by_digest = json!({"kind": "cosign_blob", "artifact": {"digest": digest}, "signature": sig, "public_key": pem});
    assert_eq!(post(&app, &key, &by_digest).await.0, 200);

    let tampered = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(b"other")}, "signature": sig, "public_key": pem});
    let (status, v, _) = post(&app, &key, &tampered).await;
    assert_eq!(status, 422);
    assert_eq!(v["error"]["code"], "signature_mismatch");

    let acme = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let rows = app.state.db.verifications(&acme, 10).await.unwrap();
    let outcomes: Vec<&str> = rows.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["rejected", "verified", "verified"]);
    assert_eq!(rows[0].reason.as_deref(), Some("signature_mismatch"));
    assert!(rows.iter().all(|r| r.kind == "cosign_blob"));
    let globex = app.state.db.org_by_slug("globex").await.unwrap().unwrap().id;
    assert!(app.state.db.verifications(&globex, 10).await.unwrap().is_empty(), "rows belong to the caller's tenant");
}

/// The call writer keeps one connection of the pool while calls come in, and gives it back
/// once idle, so a quiet server holds no connection it does not use.
#[tokio::test]
async fn the_call_writer_gives_its_connection_back_when_idle() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let (artifact, sig, pem) = cosign_signed(b"kept connection");
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(&artifact)}, "signature": sig, "public_key": pem});
    for _ in 0..3 {
        assert_eq!(post(&app, &key, &body).await.0, 200);
    }
    let pool = app.state.db.pool();
    let idle = app::ssr::verification::group_commit::IDLE_RELEASE;
    let mut all_back = false;
    for _ in 0..25 {
        tokio::time::sleep(idle).await;
        // Background tasks may hold one briefly; the writer's would stay out for good.
        if usize::try_from(pool.size()).is_ok_and(|size| size == pool.num_idle()) {
            all_back = true;
            break;
        }
    }
    assert!(
        all_back,
        "{} of {} connections still out after {:?}",
        pool.size() as usize - pool.num_idle(),
        pool.size(),
        idle * 25
    );
}

#[tokio::test]
async fn sigstore_bundles_need_and_enforce_a_policy() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let bundle: Value =
        serde_json::from_str(&conformance("bundle-verify/happy-path-v0.3/bundle.sigstore.json")).unwrap();
    let artifact = json!({"base64": B64.encode(conformance("a.txt"))});
    let request = |identity: Option<&str>, issuer: Option<&str>| json!({"kind": "sigstore_bundle", "artifact": artifact, "bundle": bundle, "identity": identity, "issuer": issuer});
    let (status, v, _) = post(&app, &key, &request(Some(IDENTITY), Some(ISSUER))).await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["signer"], json!({"kind": "identity", "identity": IDENTITY, "issuer": ISSUER}));

    let (status, v, _) = post(&app, &key, &request(Some("https://github.com/evil/fork"), Some(ISSUER))).await;
    assert_eq!((status, v["error"]["code"].clone()), (422, json!("identity_mismatch")));
    let (status, v, _) = post(&app, &key, &request(Some(IDENTITY), Some("https://accounts.google.com"))).await;
    assert_eq!((status, v["error"]["code"].clone()), (422, json!("issuer_mismatch")));
    let (status, v, _) = post(&app, &key, &request(Some(IDENTITY), None)).await;
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (400, json!("policy_incomplete")),
        "keyless without an issuer is refused"
    );
}

#[tokio::test]
async fn malformed_requests_get_400_naming_the_problem() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let (_, sig, pem) = cosign_signed(b"x");
    for (body, code, needle) in [
        (json!({"kind": "teleport"}), "invalid_request", "unknown variant"),
        (json!({"kind": "cosign_blob", "artifact": {"base64": "x"}}), "invalid_request", "missing field"),
        (
            json!({"kind": "cosign_blob", "artifact": {}, "signature": sig, "public_key": pem}),
            "invalid_request",
            "exactly one",
        ),
        (
            json!({"kind": "cosign_blob", "artifact": {"base64": "@@@"}, "signature": sig, "public_key": pem}),
            "invalid_request",
            "artifact.base64",
        ),
        (
            json!({"kind": "cosign_blob", "artifact": {"digest": "sha256:abc"}, "signature": sig, "public_key": pem}),
            "malformed_digest",
            "artifact.digest",
        ),
        (
            json!({"kind": "sigstore_bundle", "artifact": {"digest": format!("sha256:{}", "a".repeat(64))}, "bundle": "nope", "identity": "i", "issuer": "o"}),
            "invalid_request",
            "bundle",
        ),
    ] {
        let (status, v, _) = post(&app, &key, &body).await;
        assert_eq!(status, 400, "{body} -> {v}");
        assert_eq!(v["error"]["code"], code, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains(needle), "{v}");
    }
    let r = app.http.post(app.url("/api/v1/verify")).bearer_auth(&key).body("{not json").send().await.unwrap();
    assert_eq!(r.status(), 400);

    let (status, v, _) = post(
        &app,
        &key,
        &json!({"kind": "cosign_blob", "artifact": {"base64": ""}, "signature": "!!", "public_key": pem}),
    )
    .await;
    assert_eq!(
        (status, v["error"]["code"].clone()),
        (422, json!("malformed_signature")),
        "a garbage signature is a verification failure"
    );
}

#[tokio::test]
async fn auth_size_and_rate_limits() {
    let app = TestApp::spawn_with(|c| {
        c.api_burst = 2;
        c.api_rate_per_minute = 1;
    })
    .await;
    let r = app.http.post(app.url("/api/v1/verify")).json(&json!({})).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "unauthenticated");

    let key = acme_key(&app).await;
    let huge = vec![b'a'; 5 * 1024 * 1024];
    let r = app.http.post(app.url("/api/v1/verify")).bearer_auth(&key).body(huge).send().await.unwrap();
    assert_eq!(r.status(), 413);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large");

    // The oversized call used the first token; one more, then the key is limited.
    let (artifact, sig, pem) = cosign_signed(b"y");
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": sig, "public_key": pem});
    assert_eq!(post(&app, &key, &body).await.0, 200);
    let (status, v, headers) = post(&app, &key, &body).await;
    assert_eq!(status, 429, "{v}");
    assert_eq!(v["error"]["code"], "rate_limited");
    let retry: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry), "{retry}");
}

#[tokio::test]
async fn the_openapi_document_describes_verify() {
    let app = TestApp::spawn().await;
    let doc: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let op = &doc["paths"]["/api/v1/verify"]["post"];
    for status in ["200", "400", "401", "413", "422", "429"] {
        assert!(op["responses"][status].is_object(), "{status} missing");
    }
    assert!(doc["components"]["schemas"]["VerifyBody"].is_object());
}

#[tokio::test]
async fn tenants_list_only_their_own_calls() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let (artifact, sig, pem) = cosign_signed(b"z");
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": sig, "public_key": pem});
    assert_eq!(post(&app, &key, &body).await.0, 200);
    let tampered =
        json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(b"y")}, "signature": sig, "public_key": pem});
    assert_eq!(post(&app, &key, &tampered).await.0, 422);

    let member = app.login("member@acme.demo").await;
    let (status, page, _) = app.server_fn("list_verifications", Some(&member), &[]).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["rows"].as_array().map(Vec::len), Some(2));
    assert_eq!(page["rows"][1]["outcome"], "verified");
    assert_eq!(page["older"], Value::Null, "everything fits on one page");
    // The page after the newest row holds only the older one.
    let newest = &page["rows"][0];
    let cursor = format!("{}.{}", newest["created_at"], newest["id"].as_str().unwrap());
    let (_, older, _) = app.server_fn("list_verifications", Some(&member), &[("before", &cursor)]).await;
    assert_eq!(
        older["rows"].as_array().map(|r| r.iter().map(|v| v["id"].clone()).collect::<Vec<_>>()),
        Some(vec![page["rows"][1]["id"].clone()])
    );
    let (status, _, _) = app.server_fn("list_verifications", Some(&member), &[("before", "yesterday")]).await;
    assert_eq!(status, 400, "a damaged cursor is refused");
    let (status, days, _) = app.server_fn("verification_days", Some(&member), &[]).await;
    assert_eq!(status, 200, "{days}");
    let days = days.as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!((&days[29]["verified"], &days[29]["rejected"]), (&json!(1), &json!(1)), "today: {}", days[29]);
    let globex = app.login("admin@globex.demo").await;
    let (_, list, _) = app.server_fn("list_verifications", Some(&globex), &[]).await;
    assert_eq!(list["rows"].as_array().map(Vec::len), Some(0), "another tenant sees none");
    let (_, days, _) = app.server_fn("verification_days", Some(&globex), &[]).await;
    assert!(days.as_array().unwrap().iter().all(|d| d["verified"] == 0 && d["rejected"] == 0), "nor counts them");
    let operator = app.login("admin@operator.demo").await;
    for name in ["list_verifications", "verification_days"] {
        let (status, _, _) = app.server_fn(name, Some(&operator), &[]).await;
        assert_eq!(status, 403, "{name}: operator staff use their own pages");
    }
}

#[tokio::test]
async fn a_receipt_is_found_by_its_id_or_digest_and_names_its_usage_event_and_invoice() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let (artifact, sig, pem) = cosign_signed(b"trail");
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": sig, "public_key": pem});
    let (status, v, _) = post(&app, &key, &body).await;
    assert_eq!(status, 200, "{v}");
    let (id, digest) = (v["verification_id"].as_str().unwrap(), v["subject_sha256"].as_str().unwrap());
    let (artifact, sig, pem) = cosign_signed(b"another release");
    let other = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(artifact)}, "signature": sig, "public_key": pem});
    assert_eq!(post(&app, &key, &other).await.0, 200, "a second receipt, which the searches must leave out");

    let admin = app.login("admin@acme.demo").await;
    let (status, found, _) = app.server_fn("list_receipts", Some(&admin), &[("q", id)]).await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["rows"].as_array().map(Vec::len), Some(1), "{found}");
    let receipt = &found["rows"][0];
    assert_eq!(receipt["id"], id);
    assert!(receipt["usage_event"].as_str().is_some_and(|e| e.starts_with("evt_")), "{receipt}");
    let month = receipt["billed_in"].as_str().unwrap();
    assert_eq!(receipt["invoice_href"], format!("/invoices/acme-robotics/{month}"));
    let (_, by_digest, _) =
        app.server_fn("list_receipts", Some(&admin), &[("q", &format!("sha256:{}", &digest[..10]))]).await;
    assert_eq!(
        by_digest["rows"].as_array().map(|l| l.iter().map(|r| r["id"].clone()).collect::<Vec<_>>()),
        Some(vec![json!(id)])
    );
    let (_, all, _) = app.server_fn("list_receipts", Some(&admin), &[]).await;
    assert_eq!(all["rows"].as_array().map(Vec::len), Some(2), "no search: both receipts");

    let member = app.login("member@acme.demo").await;
    let (_, found, _) = app.server_fn("list_receipts", Some(&member), &[("q", id)]).await;
    assert_eq!(found["rows"][0]["usage_event"], receipt["usage_event"]);
    assert_eq!(found["rows"][0]["invoice_href"], Value::Null, "a member does not read invoices, so gets no link");
    let globex = app.login("admin@globex.demo").await;
    let (_, found, _) = app.server_fn("list_receipts", Some(&globex), &[("q", id)]).await;
    assert_eq!(found["rows"].as_array().map(Vec::len), Some(0), "another tenant's receipt is not found");
    let (status, err, _) = app.server_fn("list_receipts", Some(&admin), &[("q", "abc")]).await;
    assert_eq!(status, 400, "{err}");
    assert!(err["message"].as_str().unwrap().contains("SHA-256"), "{err}");
}

#[tokio::test]
async fn receipts_per_day_split_by_whether_their_key_still_signs() {
    use app::domain::ids::ReceiptKeyId;
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    for name in ["a.tar.gz", "b.tar.gz", "c.tar.gz"] {
        let (artifact, sig, pem) = cosign_signed(name.as_bytes());
        let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(&artifact)}, "signature": sig, "public_key": pem});
        assert_eq!(post(&app, &key, &body).await.0, 200);
    }
    let member = app.login("member@acme.demo").await;
    let total =
        |days: &Value, part: &str| days.as_array().unwrap().iter().map(|d| d[part].as_i64().unwrap()).sum::<i64>();
    let (status, before, _) = app.server_fn("receipt_days", Some(&member), &[]).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before.as_array().unwrap().len(), 30);
    let issued = total(&before, "current");
    assert_eq!(before[29]["current"], issued, "today's bar holds today's receipts");
    assert!(issued >= 3, "{before}");
    assert_eq!(total(&before, "retired"), 0, "one key has signed them all");

    let id = app.state.new_id(ReceiptKeyId::from_parts);
    app.state.receipt_keys.rotate(&app.state.db, app.state.now_ms(), id).await.unwrap();
    let (_, after, _) = app.server_fn("receipt_days", Some(&member), &[]).await;
    assert_eq!(
        (total(&after, "current"), total(&after, "retired")),
        (0, issued),
        "after a rotation they are the retired key's"
    );

    let globex = app.login("admin@globex.demo").await;
    let (_, theirs, _) = app.server_fn("receipt_days", Some(&globex), &[]).await;
    let (globex_receipts,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM receipts r JOIN orgs o ON o.id = r.org_id WHERE o.slug = 'globex' AND r.created_at >= $1",
    )
    .bind(app::domain::call_days::window_start(app.state.now_ms()))
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(total(&theirs, "current") + total(&theirs, "retired"), globex_receipts, "only its own");
    let finance = app.login("finance@operator.demo").await;
    let (status, _, _) = app.server_fn("receipt_days", Some(&finance), &[]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_receipt_downloads_for_its_tenant_only_and_verifies_offline() {
    let app = TestApp::spawn().await;
    let key = acme_key(&app).await;
    let (artifact, sig, pem) = cosign_signed(b"download-me.tar.gz");
    let body = json!({"kind": "cosign_blob", "artifact": {"base64": B64.encode(&artifact)}, "signature": sig, "public_key": pem});
    let (_, v, _) = post(&app, &key, &body).await;
    let id = v["verification_id"].as_str().unwrap().to_owned();
    let get = |cookie: Option<String>, id: String| {
        let app = &app;
        async move {
            let mut req = app.http.get(app.url(&format!("/receipts/{id}/download")));
            if let Some(c) = cookie {
                req = req.header("cookie", c);
            }
            let r = req.send().await.unwrap();
            let disposition = r.headers().get("content-disposition").map(|h| h.to_str().unwrap().to_owned());
            (r.status().as_u16(), disposition, r.text().await.unwrap())
        }
    };
    let member = app.login("member@acme.demo").await;
    let (status, disposition, envelope) = get(Some(member.clone()), id.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(disposition.as_deref(), Some(format!("attachment; filename=\"{id}.intoto.json\"").as_str()));
    let keys = app::ssr::verification::receipts::key_set(&app.state.db).await.unwrap();
    let keys: Vec<_> = keys.keys.into_iter().map(|k| (Some(k.keyid), k.public_key_pem)).collect();
    let checked = app::ssr::verification::receipts::verify_receipt(&envelope, &keys).expect("the file verifies");
    assert_eq!(checked.statement["predicate"]["receiptId"], id.as_str());

    assert_eq!(get(Some(app.login("admin@globex.demo").await), id.clone()).await.0, 404, "another tenant's receipt");
    assert_eq!(get(Some(app.login("finance@operator.demo").await), id.clone()).await.0, 403);
    assert_eq!(get(Some(member), "ver_nonsense".into()).await.0, 404);
    assert_eq!(get(None, id).await.0, 401);
}
