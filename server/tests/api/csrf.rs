use crate::helpers::{PASSWORD, TestApp};

#[tokio::test]
async fn cross_site_form_posts_are_refused() {
    let app = TestApp::spawn().await;
    let r = app
        .form_post("/api/login", "https://evil.example", &[("email", "admin@operator.demo"), ("password", PASSWORD)])
        .await;
    assert_eq!(r.status(), 403);
    assert!(r.headers().get("set-cookie").is_none(), "no session for a forged login");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["error"]["code"], "cross_site_request");

    let r = app
        .http
        .post(app.url("/api/create_api_key"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("name", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn same_origin_form_posts_work_without_javascript() {
    let app = TestApp::spawn().await;
    let r = app
        .http
        .post(app.url("/api/login"))
        .header("accept", "text/html")
        .header("origin", &app.base)
        .header("referer", app.url("/login"))
        .form(&[("email", "admin@operator.demo"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "/overview", "every role lands on its overview");
}
