//! The pages' views over REST (`/api/v1/tenants`, `api-keys`, `usage`, …),
//! for people with a session: the same answers and refusals as the pages.

use crate::helpers::TestApp;
use serde_json::{Value, json};

async fn get(app: &TestApp, cookie: &str, path: &str) -> (u16, Value) {
    app.session_get(cookie, path).await
}

async fn post(app: &TestApp, cookie: &str, path: &str, body: &Value) -> (u16, Value) {
    app.session_post(cookie, path, body).await
}

#[tokio::test]
async fn a_tenant_admin_manages_api_keys_over_rest_as_on_the_page() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let (status, created) = post(&app, &admin, "/api/v1/api-keys", &json!({"name": "ci", "scopes": ["read"]})).await;
    assert_eq!(status, 200, "{created}");
    let secret = created["secret"].as_str().expect("the secret, once").to_owned();
    let me = app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(me.status(), 200);
    let verify = app.http.post(app.url("/api/v1/verify")).bearer_auth(&secret).json(&json!({})).send().await.unwrap();
    assert_eq!(verify.status(), 403, "a read-only key may not verify");

    let (_, listed) = get(&app, &admin, "/api/v1/api-keys").await;
    let row = listed.as_array().unwrap().iter().find(|k| k["id"] == created["id"]).expect("listed").clone();
    assert_eq!(row["scopes"], json!(["read"]));
    assert!(!listed.to_string().contains(&secret), "the list never shows a secret");

    let (status, _) =
        post(&app, &admin, &format!("/api/v1/api-keys/{}/revoke", created["id"].as_str().unwrap()), &json!({})).await;
    assert_eq!(status, 200);
    let me = app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(me.status(), 401, "revoked at once");

    let (status, err) = post(&app, &admin, "/api/v1/api-keys", &json!({"name": "x", "scopes": ["root"]})).await;
    assert_eq!((status, err["error"]["code"].as_str()), (400, Some("invalid_input")), "{err}");
    let (status, err) = post(&app, &admin, "/api/v1/api-keys", &json!({"name": "x", "scopes": []})).await;
    assert_eq!(status, 400, "at least one scope: {err}");

    let member = app.login("member@acme.demo").await;
    let (status, _) = post(&app, &member, "/api/v1/api-keys", &json!({"name": "x", "scopes": ["read"]})).await;
    assert_eq!(status, 403, "a member may not create keys");
}

#[tokio::test]
async fn operator_views_answer_as_their_pages_and_refuse_a_tenant() {
    let app = TestApp::spawn().await;
    let finance = app.login("finance@operator.demo").await;
    let (status, usage) = get(&app, &finance, "/api/v1/usage").await;
    assert_eq!(status, 200, "{usage}");
    let (_, page, _) = app.server_fn("usage_overview", Some(&finance), &[]).await;
    assert_eq!(usage, page, "the REST answer is the page's");
    let (status, err) = get(&app, &finance, "/api/v1/usage?period=2026-13").await;
    assert_eq!(status, 400, "{err}");

    let security = app.login("security@operator.demo").await;
    let (status, report) = get(&app, &security, "/api/v1/signature-status?show=failing").await;
    assert_eq!(status, 200, "{report}");
    let (status, log) = get(&app, &security, "/api/v1/audit-log?action=tenant.").await;
    assert_eq!(status, 200, "{log}");
    assert!(
        log["entries"].as_array().unwrap().iter().all(|e| e["action"].as_str().unwrap().starts_with("tenant.")),
        "{log}"
    );

    let op_admin = app.login("admin@operator.demo").await;
    let (status, made) =
        post(&app, &op_admin, "/api/v1/tenants", &json!({"name": "Initech", "slug": "initech", "plan": "pro"})).await;
    assert_eq!(status, 200, "{made}");
    let (_, tenants) = get(&app, &op_admin, "/api/v1/tenants").await;
    assert!(tenants.as_array().unwrap().iter().any(|t| t["slug"] == "initech"));

    let tenant_admin = app.login("admin@acme.demo").await;
    for path in ["/api/v1/tenants", "/api/v1/prices", "/api/v1/signature-status", "/api/v1/audit-log"] {
        let (status, body) = get(&app, &tenant_admin, path).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{path}: {body}");
    }
}
