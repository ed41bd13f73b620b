use crate::helpers::{TestApp, error_code};

#[tokio::test]
async fn api_keys_authenticate_until_revoked() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (id, secret) = app.create_key(&admin, "ci").await;
    assert!(secret.starts_with("tpk_"));

    let me: serde_json::Value =
        app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["tenant"]["slug"], "acme-robotics");
    assert_eq!(me["tenant"]["plan"], "pro");
    assert_eq!(me["key"]["id"], id.as_str());

    let (status, _, _) = app.server_fn("revoke_api_key", Some(&admin), &[("key_id", &id)]).await;
    assert_eq!(status, 200);
    let r = app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unauthenticated");
}

#[tokio::test]
async fn the_secret_is_never_stored() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (_, secret) = app.create_key(&admin, "ci").await;
    let hits: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_keys WHERE key_hash = $1 OR prefix = $1")
        .bind(&secret)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(hits.0, 0);
    let (_, list, _) = app.server_fn("list_api_keys", Some(&admin), &[]).await;
    assert!(!list.to_string().contains(&secret));
}

#[tokio::test]
async fn tenants_never_see_each_others_keys() {
    let app = TestApp::spawn().await;
    let acme = app.login("admin@acme.demo").await;
    let globex = app.login("admin@globex.demo").await;
    let (acme_key, acme_secret) = app.create_key(&acme, "acme-ci").await;

    let (_, list, _) = app.server_fn("list_api_keys", Some(&globex), &[]).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
    let (_, b, _) = app.server_fn("revoke_api_key", Some(&globex), &[("key_id", &acme_key)]).await;
    assert_eq!(error_code(&b), "not_found", "another tenant's key is 404, not 403");
    let r = app.http.get(app.url("/api/v1/me")).bearer_auth(&acme_secret).send().await.unwrap();
    assert_eq!(r.status(), 200, "the key survived the other tenant's attempt");
}

#[tokio::test]
async fn malformed_and_unknown_keys_get_clear_errors() {
    let app = TestApp::spawn().await;
    for (header, needle) in [
        (None, "Authorization: Bearer"),
        (Some("Bearer sk_live_123"), "tpk_"),
        (Some("Bearer tpk_0000"), "Unknown or revoked"),
    ] {
        let mut req = app.http.get(app.url("/api/v1/me"));
        if let Some(h) = header {
            req = req.header("authorization", h);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 401);
        let body: serde_json::Value = r.json().await.unwrap();
        assert!(body["error"]["message"].as_str().unwrap().contains(needle), "{body}");
    }
}

#[tokio::test]
async fn suspending_a_tenant_stops_its_keys_and_logins() {
    let app = TestApp::spawn().await;
    let acme = app.login("admin@acme.demo").await;
    let (_, secret) = app.create_key(&acme, "ci").await;
    let operator = app.login("admin@operator.demo").await;
    let acme_id = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let (status, b, _) =
        app.server_fn("set_tenant_suspended", Some(&operator), &[("tenant_id", &acme_id), ("suspend", "true")]).await;
    assert_eq!(status, 200, "{b}");
    let r = app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(r.status(), 401);
    let (_, b, _) = app.server_fn("list_api_keys", Some(&acme), &[]).await;
    assert_eq!(error_code(&b), "suspended");
}

#[tokio::test]
async fn each_key_does_only_what_its_scopes_allow() {
    use serde_json::json;
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (_, verify_only) = app.create_key_with(&admin, "verify only", &["verify"]).await;
    let (_, ci) = app.create_key_with(&admin, "ci", &["verify", "evidence", "read"]).await;
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    let pem = kp.public_key_der().unwrap().to_pem();
    let add_key = json!({"name": "sneaky", "public_key_pem": pem});
    let post = |key: &str, path: &str, body: &serde_json::Value| {
        app.http.post(app.url(path)).bearer_auth(key.to_owned()).json(body).send()
    };
    for key in [&verify_only, &ci] {
        let r = post(key, "/api/v1/signing-keys", &add_key).await.unwrap();
        assert_eq!(r.status(), 403, "no admin scope: trust material stays untouched");
        let v: serde_json::Value = r.json().await.unwrap();
        assert_eq!(v["error"]["code"], "insufficient_scope");
        assert!(v["error"]["message"].as_str().unwrap().contains("'admin'"), "{v}");
        let r = post(key, "/api/v1/policies", &json!({"name": "p", "builder_id": "https://b"})).await.unwrap();
        assert_eq!(r.status(), 403);
    }
    let r = app.http.get(app.url("/api/v1/signing-keys")).bearer_auth(&verify_only).send().await.unwrap();
    assert_eq!(r.status(), 403, "reading needs the read scope");
    let r = app.http.get(app.url("/api/v1/signing-keys")).bearer_auth(&ci).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let pack = crate::packs::pack_for_tag(&kp, "v1.0.0", b"{}");
    let path = "/api/v1/repos/acme/firmware/releases/v1.0.0/pack";
    assert_eq!(crate::packs::upload(&app, &verify_only, path, pack.clone()).await.0, 403, "uploads need evidence");
    let (status, _) = crate::packs::upload(&app, &ci, path, pack).await;
    assert!(status == 201 || status == 422, "the CI key may upload: {status}");
    // The keys page lists what each key may do; the form cannot make a key with no scope,
    // and a caller naming none gets the least-privileged one.
    let (_, list, _) = app.server_fn("list_api_keys", Some(&admin), &[]).await;
    let scopes: Vec<_> = list.as_array().unwrap().iter().map(|k| k["scopes"].clone()).collect();
    assert!(scopes.contains(&json!(["verify"])) && scopes.contains(&json!(["verify", "evidence", "read"])), "{list}");
    let (status, v, _) =
        app.server_fn("create_api_key", Some(&admin), &[("name", "nothing"), ("scopes_chosen", "yes")]).await;
    assert_eq!(status, 400, "{v}");
    let (status, _, _) = app.server_fn("create_api_key", Some(&admin), &[("name", "default")]).await;
    assert_eq!(status, 200);
    let (_, list, _) = app.server_fn("list_api_keys", Some(&admin), &[]).await;
    let default = list.as_array().unwrap().iter().find(|k| k["name"] == "default").unwrap();
    assert_eq!(default["scopes"], json!(["verify", "read"]));
}
