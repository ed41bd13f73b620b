//! The console's writes over REST: signing in without a browser, users,
//! tenants, prices, invitations, the webhook endpoint (API key) and the
//! exports, each with the page's checks and refusals.

use crate::helpers::{TestApp, session_cookie, signed_receiver, wait_for_messages};
use serde_json::{Value, json};

async fn get(app: &TestApp, cookie: &str, path: &str) -> (u16, Value) {
    app.session_get(cookie, path).await
}

async fn post(app: &TestApp, cookie: &str, path: &str, body: &Value) -> (u16, Value) {
    app.session_post(cookie, path, body).await
}

/// Signs in over `POST /api/v1/session`; returns (status, cookie, body).
async fn sign_in(app: &TestApp, email: &str, password: &str) -> (u16, Option<String>, Value) {
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let cookie = session_cookie(r.headers());
    (status, cookie, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_script_signs_in_and_out_without_a_browser() {
    let app = TestApp::spawn().await;
    let (status, cookie, body) = sign_in(&app, "finance@operator.demo", "demo-password-123").await;
    assert_eq!((status, body["role"].as_str()), (200, Some("finance")), "{body}");
    let cookie = cookie.expect("a session cookie");
    assert_eq!(get(&app, &cookie, "/api/v1/prices").await.0, 200);

    let (status, cookie_after, body) = sign_in(&app, "finance@operator.demo", "wrong-password-123").await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("invalid_credentials")), "{body}");
    assert_eq!(cookie_after, None);
    let (status, _, body) = sign_in(&app, "not an e-mail", "x").await;
    assert_eq!(status, 400, "{body}");

    let out = app.http.delete(app.url("/api/v1/session")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(get(&app, &cookie, "/api/v1/prices").await.0, 401, "the session ended");
    let again = app.http.delete(app.url("/api/v1/session")).send().await.unwrap();
    assert_eq!(again.status(), 204, "signing out twice is harmless");
}

#[tokio::test]
async fn a_tenant_admin_adds_a_member_and_promotes_them_over_rest() {
    let app = TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let new = json!({"email": "new@acme.demo", "name": "New Person", "password": "a-long-password-1"});
    let (status, user) = post(&app, &admin, "/api/v1/users", &new).await;
    assert_eq!(status, 200, "{user}");
    assert_eq!(user["role"], "tenant_member", "the least privilege unless asked");
    assert_eq!(user["org_name"], "Acme Robotics");
    let (status, _) = post(&app, &admin, "/api/v1/users", &new).await;
    assert_eq!(status, 409, "the e-mail is taken");

    let operator = json!({"email": "x@acme.demo", "name": "X", "role": "security", "password": "a-long-password-1"});
    assert_eq!(post(&app, &admin, "/api/v1/users", &operator).await.0, 403, "a tenant admin makes no operator staff");

    let id = user["id"].as_str().unwrap();
    let (status, body) =
        post(&app, &admin, &format!("/api/v1/users/{id}/role"), &json!({"role": "tenant_admin"})).await;
    assert_eq!((status, body["role"].as_str()), (200, Some("tenant_admin")), "{body}");
    let (status, body) = post(&app, &admin, &format!("/api/v1/users/{id}/role"), &json!({"role": "root"})).await;
    assert_eq!(status, 400, "{body}");

    let member = app.login("member@acme.demo").await;
    assert_eq!(
        post(&app, &member, &format!("/api/v1/users/{id}/role"), &json!({"role": "tenant_member"})).await.0,
        403
    );
    let globex = app.login("admin@globex.demo").await;
    let (status, _) = post(&app, &globex, &format!("/api/v1/users/{id}/role"), &json!({"role": "tenant_member"})).await;
    assert!(matches!(status, 403 | 404), "another tenant's admin cannot touch Acme's user: {status}");
}

#[tokio::test]
async fn an_operator_admin_moves_suspends_and_reactivates_a_tenant_over_rest() {
    let app = TestApp::spawn().await;
    let operator = app.login("admin@operator.demo").await;
    let globex = app.state.db.org_by_slug("globex").await.unwrap().expect("globex");
    let path = |what: &str| format!("/api/v1/tenants/{}/{what}", globex.id);

    let (status, body) = post(&app, &operator, &path("plan"), &json!({"plan": "enterprise"})).await;
    assert_eq!(status, 200, "{body}");
    let (_, tenants) = get(&app, &operator, "/api/v1/tenants").await;
    let row = tenants.as_array().unwrap().iter().find(|t| t["id"] == globex.id.as_str()).unwrap().clone();
    assert_eq!(row["plan"], "enterprise");
    assert_eq!(post(&app, &operator, &path("plan"), &json!({"plan": "gold"})).await.0, 400);

    assert_eq!(post(&app, &operator, &path("suspend"), &json!({})).await.0, 200);
    let (status, _, body) = sign_in(&app, "admin@globex.demo", "demo-password-123").await;
    assert!(matches!(status, 401 | 403), "a suspended tenant's admin cannot sign in: {status} {body}");
    assert_eq!(post(&app, &operator, &path("reactivate"), &json!({})).await.0, 200);
    assert_eq!(sign_in(&app, "admin@globex.demo", "demo-password-123").await.0, 200);

    let (status, _) = post(&app, &operator, "/api/v1/tenants/org_nothere/suspend", &json!({})).await;
    assert_eq!(status, 404);
    let finance = app.login("finance@operator.demo").await;
    assert_eq!(post(&app, &finance, &path("suspend"), &json!({})).await.0, 403, "finance reads tenants only");
}

#[tokio::test]
async fn prices_and_invitations_are_added_over_rest_by_operator_admins_only() {
    let app = TestApp::spawn().await;
    let operator = app.login("admin@operator.demo").await;
    let from = app::domain::period::Period::containing(app.state.now_ms()).next().to_string();
    let price = json!({"plan": "pro", "event": "attestation.verify", "price": "0.004", "from": from});
    let (status, body) = post(&app, &operator, "/api/v1/prices", &price).await;
    assert_eq!(status, 200, "{body}");
    let (_, prices) = get(&app, &operator, "/api/v1/prices").await;
    assert!(prices.to_string().contains(&from), "the new version is listed: {prices}");
    let past = json!({"plan": "pro", "event": "attestation.verify", "price": "0.004", "from": "2020-01"});
    assert_eq!(post(&app, &operator, "/api/v1/prices", &past).await.0, 400, "issued months never change");
    let finance = app.login("finance@operator.demo").await;
    assert_eq!(post(&app, &finance, "/api/v1/prices", &price).await.0, 403);

    let (status, made) = post(&app, &operator, "/api/v1/invitations", &json!({"label": "Initech", "days": 7})).await;
    assert_eq!(status, 200, "{made}");
    let link = made["link"].as_str().unwrap();
    assert!(link.contains("/invite/tpi_"), "{link}");
    let (_, listed) = get(&app, &operator, "/api/v1/invitations").await;
    let invitation =
        listed["invitations"].as_array().unwrap().iter().find(|i| i["label"] == "Initech").unwrap().clone();
    assert_eq!(invitation["state"], "open");
    assert!(!listed.to_string().contains(link), "the list never shows a link");
    let id = invitation["id"].as_str().unwrap();
    let (status, renewed) = post(&app, &operator, &format!("/api/v1/invitations/{id}/renew"), &json!({})).await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["link"], made["link"], "a new link");
    let (status, _) = post(&app, &operator, "/api/v1/invitations", &json!({"label": "Initech", "days": 90})).await;
    assert_eq!(status, 400, "at most 30 days");
    let admin = app.login("admin@acme.demo").await;
    assert_eq!(post(&app, &admin, "/api/v1/invitations", &json!({"label": "x", "days": 1})).await.0, 403);
}

#[tokio::test]
async fn a_tenant_sets_tests_and_rotates_its_webhook_endpoint_with_an_api_key() {
    let app = TestApp::spawn_with(|c| {
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key_with(&admin, "webhooks", &["admin"]).await.1;
    let reader = app.create_key_with(&admin, "reader", &["read"]).await.1;
    let call = |method: reqwest::Method, path: &str, key: &str| {
        app.http.request(method, app.url(path)).bearer_auth(key.to_owned())
    };

    let r = call(reqwest::Method::PUT, "/api/v1/webhooks/endpoint", &key)
        .json(&json!({"url": "http://127.0.0.1:9/closed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let first: Value = r.json().await.unwrap();
    let secret = first["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("whsec_"), "{first}");

    let r = call(reqwest::Method::POST, "/api/v1/webhooks/endpoint/test", &key).send().await.unwrap();
    let failed: Value = r.json().await.unwrap();
    assert_eq!(failed["delivered"], false, "nothing listens on port 9: {failed}");
    assert!(failed["message"]["id"].as_str().unwrap().starts_with("msg_"));

    let (url, got) = signed_receiver(&secret).await;
    let r = call(reqwest::Method::PUT, "/api/v1/webhooks/endpoint", &key).json(&json!({"url": url})).send().await;
    let set: Value = r.unwrap().json().await.unwrap();
    assert_eq!(set["secret"], secret.as_str(), "changing the URL keeps the secret");
    let r = call(reqwest::Method::POST, "/api/v1/webhooks/endpoint/test", &key).send().await.unwrap();
    let sent: Value = r.json().await.unwrap();
    assert_eq!(sent["delivered"], true, "{sent}");
    wait_for_messages(&got, 1).await;

    let r = call(reqwest::Method::POST, "/api/v1/webhooks/endpoint/rotate-secret", &key).send().await.unwrap();
    let rotated: Value = r.json().await.unwrap();
    assert_ne!(rotated["secret"], secret.as_str());
    assert!(rotated["previous_until"].as_i64().is_some(), "the old secret signs on for a while: {rotated}");

    let r =
        call(reqwest::Method::PUT, "/api/v1/webhooks/endpoint", &key).json(&json!({"url": "http://10.0.0.1/"})).send();
    assert_eq!(r.await.unwrap().status(), 400, "a private address is refused");
    let r = call(reqwest::Method::GET, "/api/v1/webhooks/endpoint", &reader).send().await.unwrap();
    assert_eq!(r.status(), 403, "a read-only key never sees the signing secret");
    let r = call(reqwest::Method::GET, "/api/v1/webhooks/endpoint", &key).send().await.unwrap();
    let now: Value = r.json().await.unwrap();
    assert_eq!(now["secret"], rotated["secret"]);
}

#[tokio::test]
async fn the_exports_are_documented_under_api_v1_and_refuse_a_tenant() {
    let app = TestApp::spawn().await;
    let security = app.login("security@operator.demo").await;
    for (path, kind) in [
        ("/api/v1/audit-log/export?format=csv", "text/csv"),
        ("/api/v1/audit-log/export?format=json&action=tenant", "application/json"),
        ("/api/v1/signature-status/export.csv", "text/csv"),
    ] {
        let r = app.http.get(app.url(path)).header("cookie", &security).send().await.unwrap();
        assert_eq!(r.status(), 200, "{path}");
        let content_type = r.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(content_type.starts_with(kind), "{path}: {content_type}");
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    }
    let member = app.login("member@acme.demo").await;
    assert_eq!(get(&app, &member, "/api/v1/audit-log/export?format=csv").await.0, 403);
    assert_eq!(get(&app, &member, "/api/v1/signature-status/export.csv").await.0, 403);
    let doc: Value = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    for path in ["/api/v1/audit-log/export", "/api/v1/signature-status/export.csv", "/api/v1/session"] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
}

#[tokio::test]
async fn a_write_checks_the_callers_rights_before_it_reads_the_body() {
    let app = TestApp::spawn().await;
    let member = app.login("member@acme.demo").await;
    let admin = app.login("admin@operator.demo").await;
    let acme = app.login("admin@acme.demo").await;
    let tenant = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let writes = [
        ("/api/v1/tenants".to_owned(), &admin),
        (format!("/api/v1/tenants/{tenant}/plan"), &admin),
        ("/api/v1/users".to_owned(), &admin),
        ("/api/v1/prices".to_owned(), &admin),
        ("/api/v1/invitations".to_owned(), &admin),
        ("/api/v1/api-keys".to_owned(), &acme),
    ];
    let nonsense = json!({ "not": "a field of any of these" });
    for (path, allowed) in &writes {
        let (status, body) = post(&app, &member, path, &nonsense).await;
        assert_eq!((status, body["error"]["code"].as_str()), (403, Some("forbidden")), "{path}: {body}");
        let (status, body) = post(&app, allowed, path, &nonsense).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_input")), "{path}: {body}");
    }
}
