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

#[tokio::test]
async fn a_form_post_without_javascript_returns_to_its_page_saying_whether_it_worked() {
    let app = TestApp::spawn().await;
    let cookie = app.login("admin@acme.demo").await;
    let post = |form: &'static [(&'static str, &'static str)], referer: String| {
        app.http
            .post(app.url("/api/create_api_key"))
            .header("accept", "text/html")
            .header("origin", &app.base)
            .header("cookie", &cookie)
            .header("referer", referer)
            .form(form)
            .send()
    };
    let r = post(&[("name", "form post"), ("scope_read", "on")], app.url("/keys?__done=%2Fapi%2Fold")).await.unwrap();
    assert_eq!(r.status(), 302);
    let done = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(done, app.url("/keys?__done=%2Fapi%2Fcreate_api_key"), "a stale success is replaced");
    let r = post(&[("name", "")], done).await.unwrap();
    let failed = r.headers()["location"].to_str().unwrap();
    assert!(
        failed.contains("__err=") && !failed.contains("__done"),
        "an error is never shown beside a success: {failed}"
    );
}
