use crate::helpers::{PASSWORD, TestApp, error_code, session_cookie};
use app::ssr::clock::Clock;

#[tokio::test]
async fn login_sets_a_hardened_session_cookie_and_logout_revokes_it() {
    let app = TestApp::spawn().await;
    let (status, _, headers) =
        app.server_fn("login", None, &[("email", "admin@acme.demo"), ("password", PASSWORD)]).await;
    assert!(status < 400);
    let raw = headers.get("set-cookie").unwrap().to_str().unwrap().to_owned();
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(raw.contains(flag), "{raw} lacks {flag}");
    }
    let cookie = session_cookie(&headers).unwrap();
    let (_, me, _) = app.server_fn("current_user", Some(&cookie), &[]).await;
    assert_eq!(me["email"], "admin@acme.demo");
    assert_eq!(me["role"], "tenant_admin");

    app.server_fn("logout", Some(&cookie), &[]).await;
    let (_, me, _) = app.server_fn("current_user", Some(&cookie), &[]).await;
    assert!(me.is_null(), "revoked session still works: {me}");
}

#[tokio::test]
async fn a_new_login_gets_a_new_token_and_revokes_the_old_one() {
    let app = TestApp::spawn().await;
    let first = app.login("admin@acme.demo").await;
    let (_, _, headers) =
        app.server_fn("login", Some(&first), &[("email", "admin@acme.demo"), ("password", PASSWORD)]).await;
    let second = session_cookie(&headers).unwrap();
    assert_ne!(first, second);
    let (_, me, _) = app.server_fn("current_user", Some(&first), &[]).await;
    assert!(me.is_null(), "old session survived a new login");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_answer() {
    let app = TestApp::spawn().await;
    let (s1, b1, h1) =
        app.server_fn("login", None, &[("email", "admin@acme.demo"), ("password", "nope-nope-nope")]).await;
    let (s2, b2, _) =
        app.server_fn("login", None, &[("email", "ghost@acme.demo"), ("password", "nope-nope-nope")]).await;
    assert_eq!(error_code(&b1), "invalid_credentials");
    assert_eq!(s1, 401);
    assert_eq!((s1, &b1), (s2, &b2));
    assert!(session_cookie(&h1).is_none());
    let (_, b, _) = app.server_fn("login", None, &[("email", "not-an-email"), ("password", "x")]).await;
    assert_eq!(error_code(&b), "invalid_input");
    assert!(b["message"].as_str().unwrap().contains("E-mail"));
}

#[tokio::test]
async fn roles_are_checked_on_every_server_function() {
    let app = TestApp::spawn().await;
    let tenant_admin = app.login("admin@acme.demo").await;
    let auditor = app.login("auditor@audit.demo").await;
    let finance = app.login("finance@operator.demo").await;
    let member = app.login("member@acme.demo").await;

    let (status, b, _) = app.server_fn("list_tenants", Some(&tenant_admin), &[]).await;
    assert_eq!((status, error_code(&b)), (403, "forbidden"));
    let (_, b, _) =
        app.server_fn("create_tenant", Some(&auditor), &[("name", "X"), ("slug", "xyz"), ("plan", "pro")]).await;
    assert_eq!(error_code(&b), "forbidden", "auditors are read-only");
    let (_, b, _) =
        app.server_fn("create_tenant", Some(&finance), &[("name", "X"), ("slug", "xyz"), ("plan", "pro")]).await;
    assert_eq!(error_code(&b), "forbidden");
    let (_, b, _) = app.server_fn("create_api_key", Some(&member), &[("name", "k")]).await;
    assert_eq!(error_code(&b), "forbidden", "members cannot create keys");
    let (_, b, _) = app.server_fn("list_audit_log", Some(&tenant_admin), &[]).await;
    assert_eq!(error_code(&b), "forbidden");
    let (status, b, _) = app.server_fn("list_tenants", None, &[]).await;
    assert_eq!((status, error_code(&b)), (401, "unauthenticated"));
    let (_, b, _) = app
        .server_fn(
            "create_user",
            Some(&tenant_admin),
            &[
                ("email", "x@acme.demo"),
                ("name", "X"),
                ("role", "operator_admin"),
                ("password", "long-enough-password"),
            ],
        )
        .await;
    assert_eq!(error_code(&b), "forbidden", "tenant admins cannot mint operator users");
}

#[tokio::test]
async fn auditor_access_expires() {
    // Sessions long enough to outlive the account, so the account's own expiry is what ends access.
    let clock = app::ssr::clock::ManualClock::new(app::ssr::clock::SystemClock.now_ms());
    let app = TestApp::spawn_with_clock(
        |c| {
            c.session_idle_minutes = 400 * 24 * 60;
            c.session_absolute_hours = 400 * 24;
        },
        std::sync::Arc::new(clock.clone()),
    )
    .await;
    let cookie = app.login("auditor@audit.demo").await;
    let (_, me, _) = app.server_fn("current_user", Some(&cookie), &[]).await;
    let expires_at = me["expires_at"].as_i64().unwrap();
    let (_, b, _) = app.server_fn("list_tenants", Some(&cookie), &[]).await;
    assert!(b.is_array(), "access until its end: {b}");
    clock.advance_ms(expires_at - clock.now_ms() + 1);
    let (_, b, _) = app.server_fn("list_tenants", Some(&cookie), &[]).await;
    assert_eq!(error_code(&b), "access_expired");
    let (_, b, _) = app.server_fn("login", None, &[("email", "auditor@audit.demo"), ("password", PASSWORD)]).await;
    assert_eq!(error_code(&b), "access_expired");
}

#[tokio::test]
async fn password_guessing_spread_over_two_processes_is_counted_once() {
    let app = TestApp::spawn().await;
    let other = app.another_process(|_| {}).await;
    let burst = app::ssr::identity::throttle::LOGIN_ATTEMPTS_BURST;
    // Alternate between the processes: the account's bucket is in the database, not in either one.
    for i in 0..burst {
        let node = if i % 2 == 0 { &app } else { &other };
        let (_, b, _) =
            node.server_fn("login", None, &[("email", "admin@acme.demo"), ("password", "guess-guess")]).await;
        assert_eq!(error_code(&b), "invalid_credentials", "attempt {i}: {b}");
    }
    for node in [&app, &other] {
        let (status, b, _) =
            node.server_fn("login", None, &[("email", "admin@acme.demo"), ("password", PASSWORD)]).await;
        assert_eq!((status, error_code(&b)), (429, "rate_limited"), "both processes refuse: {b}");
    }
}

#[tokio::test]
async fn password_guessing_is_throttled_per_account() {
    let app = TestApp::spawn().await;
    let burst = app::ssr::identity::throttle::LOGIN_ATTEMPTS_BURST;
    for _ in 0..burst {
        let (_, b, _) =
            app.server_fn("login", None, &[("email", "admin@acme.demo"), ("password", "guess-guess")]).await;
        assert_eq!(error_code(&b), "invalid_credentials");
    }
    let (status, b, headers) =
        app.server_fn("login", None, &[("email", "admin@acme.demo"), ("password", PASSWORD)]).await;
    assert_eq!((status, error_code(&b)), (429, "rate_limited"), "even the right password waits: {b}");
    assert!(b["message"].as_str().unwrap().contains("Try again in"), "{b}");
    assert!(session_cookie(&headers).is_none());
    app.login("admin@globex.demo").await; // other accounts are unaffected
    let throttled = app.state.db.audit_entries(None, 5).await.unwrap();
    assert!(throttled.iter().any(|e| e.action == "login.throttled" && e.actor == "admin@acme.demo"));
}

#[tokio::test]
async fn ended_sessions_are_purged_after_a_day() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let ended = app.login("admin@globex.demo").await;
    app.server_fn("logout", Some(&ended), &[]).await;
    let day = 24 * 3_600_000;
    clock.advance_ms(day + 1);
    let live = app.login("admin@acme.demo").await;
    assert_eq!(app.state.db.purge_sessions(app.state.now_ms() - 2 * day).await.unwrap(), 0, "not yet a day over");
    let purged = app.state.db.purge_sessions(app.state.now_ms() - day).await.unwrap();
    assert_eq!(purged, 1);
    let (_, me, _) = app.server_fn("current_user", Some(&live), &[]).await;
    assert_eq!(me["email"], "admin@acme.demo", "live sessions stay");
}

#[tokio::test]
async fn idle_sessions_end() {
    let (app, clock) = TestApp::spawn_on_manual_clock().await;
    let cookie = app.login("admin@operator.demo").await;
    let idle_ms = i64::from(app.state.config.session_idle_minutes) * 60_000;
    clock.advance_ms(idle_ms + 1000);
    let (_, b, _) = app.server_fn("list_tenants", Some(&cookie), &[]).await;
    assert_eq!(error_code(&b), "unauthenticated");
}

/// A login from another client address (127.0.0.2 is loopback too on Linux).
async fn login_from(app: &TestApp, source: [u8; 4], email: &str, password: &str) -> (u16, serde_json::Value) {
    let client = reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(source))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let r = client.post(app.url("/api/login")).form(&[("email", email), ("password", password)]).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(serde_json::Value::Null))
}

#[tokio::test]
async fn a_lockout_caused_by_someone_else_lets_the_owner_in() {
    let app = TestApp::spawn().await;
    let attacker = [127, 0, 0, 9];
    for _ in 0..app::ssr::identity::throttle::LOGIN_ATTEMPTS_BURST {
        login_from(&app, attacker, "admin@acme.demo", "guess-guess").await;
    }
    let (status, b) = login_from(&app, attacker, "admin@acme.demo", PASSWORD).await;
    assert_eq!((status, error_code(&b)), (429, "rate_limited"), "the guessing client waits: {b}");
    let (status, b) = login_from(&app, [127, 0, 0, 2], "admin@acme.demo", PASSWORD).await;
    assert!(status < 400, "the owner, elsewhere, logs in: {status} {b}");

    // The attacker's further throttled attempts make one audit row, not one each.
    for _ in 0..10 {
        login_from(&app, attacker, "admin@acme.demo", "guess-guess").await;
    }
    let entries = app.state.db.audit_entries(None, 200).await.unwrap();
    let throttled: Vec<_> = entries.iter().filter(|e| e.action == "login.throttled").collect();
    assert_eq!(throttled.len(), 1, "{} throttled rows", throttled.len());
}

#[tokio::test]
async fn one_client_spraying_many_accounts_is_throttled() {
    // Time stands still, so the bucket does not refill while argon2 runs.
    let clock = app::ssr::clock::ManualClock::new(1_800_000_000_000);
    let app = TestApp::spawn_with_clock(|_| {}, std::sync::Arc::new(clock)).await;
    let sprayer = [127, 0, 0, 7];
    let burst = app::ssr::identity::throttle::CLIENT_LOGIN_ATTEMPTS_BURST;
    for i in 0..burst {
        let (status, _) = login_from(&app, sprayer, &format!("user{i}@nowhere.example"), "password-1").await;
        assert_eq!(status, 401, "attempt {i} is checked");
    }
    let (status, b) = login_from(&app, sprayer, "admin@globex.demo", PASSWORD).await;
    assert_eq!((status, error_code(&b)), (429, "rate_limited"), "{b}");
    let (status, _) = login_from(&app, [127, 0, 0, 8], "admin@globex.demo", PASSWORD).await;
    assert!(status < 400, "other clients are unaffected");
}

#[tokio::test]
async fn an_office_behind_one_address_is_not_locked_out_by_its_own_logins() {
    let clock = app::ssr::clock::ManualClock::new(1_800_000_000_000);
    let app = TestApp::spawn_with_clock(|_| {}, std::sync::Arc::new(clock)).await;
    let office = [127, 0, 0, 5];
    let people = ["admin@acme.demo", "member@acme.demo", "admin@globex.demo", "finance@operator.demo"];
    let logins = app::ssr::identity::throttle::CLIENT_LOGIN_ATTEMPTS_BURST as usize + 4;
    for i in 0..logins {
        let (status, b) = login_from(&app, office, people[i % people.len()], PASSWORD).await;
        assert!(status < 400, "login {i} of the office: {status} {b}");
    }
}
