//! Abuse resistance (issue 12): bodies are read only after the key is known,
//! slow requests time out, and one tenant's dead webhook endpoint does not
//! hold up anyone else's deliveries.

use crate::helpers::TestApp;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Sends request headers announcing `length` body bytes, then only a few of
/// them, and returns the status line the portal answers within `wait`.
async fn send_partial(app: &TestApp, path: &str, auth: Option<&str>, length: usize, wait: Duration) -> String {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let auth = auth.map(|k| format!("Authorization: Bearer {k}\r\n")).unwrap_or_default();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/zip\r\nContent-Length: {length}\r\n{auth}\r\nPK"
    );
    tcp.write_all(head.as_bytes()).await.unwrap();
    let mut answer = vec![0u8; 512];
    match tokio::time::timeout(wait, tcp.read(&mut answer)).await {
        Ok(Ok(n)) => String::from_utf8_lossy(&answer[..n]).lines().next().unwrap_or_default().to_owned(),
        _ => "no answer".into(),
    }
}

#[tokio::test]
async fn a_body_is_not_read_before_the_key_is_checked() {
    let app = TestApp::spawn().await;
    let path = "/api/v1/repos/acme/firmware/releases/v1.0.0/pack";
    // 30 MiB announced, 2 bytes sent: without a key the answer comes at once.
    let line = send_partial(&app, path, None, 30 * 1024 * 1024, Duration::from_secs(5)).await;
    assert!(line.contains(" 401 "), "{line}");
    let line = send_partial(&app, "/api/v1/verify", Some("tpk_not-a-key"), 4_000_000, Duration::from_secs(5)).await;
    assert!(line.contains(" 401 "), "{line}");
}

#[tokio::test]
async fn a_request_that_never_finishes_its_body_times_out() {
    let app = TestApp::spawn_with(|c| c.request_timeout_seconds = 1).await;
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key(&admin, "slow").await.1;
    let path = "/api/v1/repos/acme/firmware/releases/v1.0.0/pack";
    let line = send_partial(&app, path, Some(&key), 1024 * 1024, Duration::from_secs(5)).await;
    assert!(line.contains(" 408 "), "{line}");
}

#[tokio::test]
async fn a_dead_endpoint_delays_only_its_own_tenant() {
    let app = TestApp::spawn_with(|c| {
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
        c.webhook_worker = true; // the server's own worker is what this test is about
    })
    .await;
    // Acme's receiver accepts connections and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}/hook", silent.local_addr().unwrap());
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    // Globex's answers 204.
    let ok = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let ok_url = format!("http://{}/hook", ok.local_addr().unwrap());
    let router =
        axum::Router::new().route("/hook", axum::routing::post(|| async { axum::http::StatusCode::NO_CONTENT }));
    tokio::spawn(async move { axum::serve(ok, router).await });

    let org = |slug: &'static str| {
        let db = app.state.db.clone();
        async move { db.org_by_slug(slug).await.unwrap().unwrap().id }
    };
    let (acme, globex) = (org("acme-robotics").await, org("globex").await);
    use app::ssr::webhooks::delivery::{enqueue, set_endpoint};
    set_endpoint(&app.state, "test", &acme, &silent_url).await.unwrap();
    set_endpoint(&app.state, "test", &globex, &ok_url).await.unwrap();
    let data = serde_json::json!({"repo": "acme/firmware"});
    let mut stuck = Vec::new();
    for _ in 0..3 {
        stuck.push(enqueue(&app.state, &acme, "pack.verified", &data).await.unwrap().unwrap());
    }
    let fine = enqueue(&app.state, &globex, "pack.verified", &data).await.unwrap().unwrap();
    // The server's worker runs every second; Globex's message must not wait 3 x 15 s behind Acme's.
    let mut delivered = false;
    for _ in 0..50 {
        let row = app.state.db.delivery(&globex, &fine).await.unwrap().unwrap();
        if row.status.as_str() == "delivered" {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(delivered, "globex's delivery waited behind acme's dead endpoint");
    let first = app.state.db.delivery(&acme, &stuck[0]).await.unwrap().unwrap();
    assert_ne!(first.status.as_str(), "delivered", "acme's endpoint never answered");
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_and_nothing_is_framed_or_sniffed() {
    let app = TestApp::spawn().await;
    let page = app.http.get(app.url("/login")).send().await.unwrap();
    let csp = page.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self' 'nonce-") && csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap().to_owned();
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    let html = page.text().await.unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")), "the hydration script carries this response's nonce");
    let again = app.http.get(app.url("/login")).send().await.unwrap();
    assert!(
        !again.headers()["content-security-policy"].to_str().unwrap().contains(&nonce),
        "a fresh nonce per response"
    );
    let badge = app.http.get(app.url("/badge/policy-adoption.svg")).send().await.unwrap();
    assert!(badge.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"));
}

#[tokio::test]
async fn metrics_are_not_public_and_refused_logins_do_not_flatter_the_sla() {
    let app = TestApp::spawn().await;
    assert_eq!(app.http.get(app.url("/metrics")).send().await.unwrap().status(), 200, "a scraper on this machine");
    let proxied = app.http.get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.7").send().await.unwrap();
    assert_eq!(proxied.status(), 404, "an outsider through a proxy sees nothing");
    let samples = || async { app.state.sla.status(&app.state.db, app.state.now_ms(), 24).await.unwrap().samples };
    let before = samples().await;
    for _ in 0..20 {
        app.http.get(app.url("/api/v1/me")).send().await.unwrap(); // 401: no key
    }
    assert_eq!(samples().await, before, "unauthenticated 401s are not API work");
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key(&admin, "sla").await.1;
    app.http.get(app.url("/api/v1/me")).bearer_auth(&key).send().await.unwrap();
    assert_eq!(samples().await, before + 1, "authenticated work counts");
}

#[tokio::test]
async fn the_verify_pages_dry_run_takes_the_tenants_rate_limit() {
    let app = TestApp::spawn_with(|c| {
        c.api_rate_per_minute = 1;
        c.api_burst = 2;
    })
    .await;
    let member = app.login("member@acme.demo").await;
    let form = [("kind", "cosign_blob"), ("artifact_text", "x"), ("evidence", "AAAA"), ("public_key", "not a key")];
    for i in 0..2 {
        let (status, v, _) = app.server_fn("check_evidence", Some(&member), &form).await;
        assert_eq!(status, 200, "check {i} runs (and fails on its own terms): {v}");
    }
    let (status, v, _) = app.server_fn("check_evidence", Some(&member), &form).await;
    assert_eq!(status, 429, "{v}");
    assert!(v.to_string().contains("retry in"), "{v}");
}

#[tokio::test]
async fn the_api_rate_limit_is_shared_by_processes_on_postgres() {
    let tight = |c: &mut app::ssr::config::PortalConfig| {
        c.api_rate_per_minute = 1;
        c.api_burst = 3;
    };
    let app = TestApp::spawn_with(tight).await;
    let other = app.another_process(tight).await;
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key(&admin, "shared-limit").await.1;
    let verify = |node: &TestApp| {
        node.http
            .post(node.url("/api/v1/verify"))
            .bearer_auth(&key)
            .header("content-type", "application/json")
            .body("{}")
    };
    // The burst, spread over both processes: each request is refused for its body, not its rate.
    for i in 0..3 {
        let node = if i % 2 == 0 { &app } else { &other };
        assert_eq!(verify(node).send().await.unwrap().status(), 400, "request {i} is within the burst");
    }
    let answers = [verify(&app).send().await.unwrap().status(), verify(&other).send().await.unwrap().status()];
    match app.state.db.backend() {
        // One bucket in the database: both processes have spent it.
        app::ssr::store::Backend::Postgres => assert_eq!(answers.map(|s| s.as_u16()), [429, 429]),
        // In memory (SQLite runs one process): the first process spent its 2 of 3, the other its 1 of 3.
        app::ssr::store::Backend::Sqlite => assert_eq!(answers.map(|s| s.as_u16()), [400, 400]),
    }
}

#[tokio::test]
async fn processes_leasing_tokens_never_allow_more_than_the_burst_together() {
    let leased = |c: &mut app::ssr::config::PortalConfig| {
        c.api_rate_per_minute = 1;
        c.api_burst = 20; // leases of 2
    };
    let app = TestApp::spawn_with(leased).await;
    if app.state.db.backend() != app::ssr::store::Backend::Postgres {
        return; // SQLite keeps one bucket per process (the test above shows it)
    }
    let other = app.another_process(leased).await;
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key(&admin, "leases").await.1;
    let mut admitted = 0;
    for i in 0..40 {
        let node = if i % 2 == 0 { &app } else { &other };
        let r = node.http.post(node.url("/api/v1/verify")).bearer_auth(&key).body("{}").send().await.unwrap();
        admitted += u32::from(r.status() != 429);
    }
    // Each process may let a lease of 2 lapse unspent; never more than the burst gets through.
    assert!((16..=20).contains(&admitted), "{admitted} of 40 admitted with a burst of 20");
}
