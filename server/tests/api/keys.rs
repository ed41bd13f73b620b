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
