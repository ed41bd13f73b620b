//! Spawning a test portal and talking to it like a browser or a machine.

use app::ssr::AppState;
use app::ssr::config::PortalConfig;
use reqwest::header::{ACCEPT, COOKIE, HeaderMap, ORIGIN};
use serde_json::Value;
use server::startup::{Portal, leptos_options};
use sqlx::{Connection, Executor};

/// Password of every demo user.
pub const PASSWORD: &str = server::cli::demo::DEMO_PASSWORD;

/// A running portal with demo data.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// Direct access to services and the database.
    pub state: AppState,
    /// A client that keeps no cookies of its own (tests pass them explicitly).
    pub http: reqwest::Client,
    /// The database the portal runs on (for running the CLI against it).
    pub database_url: String,
    _dir: tempfile::TempDir,
}

async fn fresh_database_url(dir: &tempfile::TempDir) -> String {
    match std::env::var("PORTAL_TEST_POSTGRES_URL") {
        Ok(admin_url) => {
            let name = format!("tp_test_{}", hex::encode(rand::random::<[u8; 6]>()));
            let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to test Postgres");
            conn.execute(format!("CREATE DATABASE {name}").as_str()).await.expect("create test database");
            let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
            format!("{base}/{name}")
        }
        Err(_) => format!("sqlite:{}", dir.path().join("portal.db").display()),
    }
}

impl TestApp {
    /// Starts a portal on a fresh database, seeded with the demo data, with
    /// the ledger, webhook and upkeep workers off.
    pub async fn spawn() -> Self {
        Self::spawn_with(|_| {}).await
    }

    /// Like [`TestApp::spawn`], after adjusting the configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut PortalConfig)) -> Self {
        Self::spawn_with_clock(adjust, std::sync::Arc::new(app::ssr::clock::SystemClock)).await
    }

    /// Like [`TestApp::spawn_with`], on a given clock (a [`app::ssr::clock::ManualClock`] to move time).
    pub async fn spawn_with_clock(
        adjust: impl FnOnce(&mut PortalConfig),
        clock: std::sync::Arc<dyn app::ssr::clock::Clock>,
    ) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = fresh_database_url(&dir).await;
        let app = Self::start(database_url, dir, adjust, clock).await;
        server::cli::demo::seed(&app.state).await.expect("demo seed");
        app
    }

    /// Like [`TestApp::spawn`], on a manual clock stopped at the wall-clock
    /// time: the test moves time with it, never by editing rows.
    pub async fn spawn_on_manual_clock() -> (Self, app::ssr::clock::ManualClock) {
        use app::ssr::clock::{Clock, ManualClock, SystemClock};
        let clock = ManualClock::new(SystemClock.now_ms());
        (Self::spawn_with_clock(|_| {}, std::sync::Arc::new(clock.clone())).await, clock)
    }

    /// A second server process on this portal's database (nothing seeded):
    /// what a deployment with several processes behind a balancer runs.
    pub async fn another_process(&self, adjust: impl FnOnce(&mut PortalConfig)) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::start(self.database_url.clone(), dir, adjust, std::sync::Arc::new(app::ssr::clock::SystemClock)).await
    }

    async fn start(
        database_url: String,
        dir: tempfile::TempDir,
        adjust: impl FnOnce(&mut PortalConfig),
        clock: std::sync::Arc<dyn app::ssr::clock::Clock>,
    ) -> Self {
        let mut config = PortalConfig {
            database_url: app::ssr::config::DatabaseUrl(database_url.clone()),
            metrics_flush_seconds: 1,
            // The ledger, webhook and upkeep workers are off: a test drives
            // them (or turns them on in `adjust`), so no race decides what it sees.
            ledger_worker: false,
            webhook_worker: false,
            maintenance_worker: false,
            ..PortalConfig::default()
        };
        adjust(&mut config);
        let mut options = leptos_options(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")).expect("Leptos.toml");
        options.site_addr = "127.0.0.1:0".parse().expect("addr");
        let portal = Portal::build_with_clock(config, options, clock).await.expect("portal starts");
        let addr = portal.local_addr().expect("bound");
        let state = portal.state.clone();
        tokio::spawn(portal.serve(std::future::pending()));
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
        Self { base: format!("http://{addr}"), state, http, database_url, _dir: dir }
    }

    /// Full URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The body of an anonymous `GET path`, as text.
    pub async fn get_text(&self, path: &str) -> String {
        self.http.get(self.url(path)).send().await.expect("GET").text().await.expect("body")
    }

    /// Calls a server function the way the hydrated app does (form-encoded in, JSON out).
    pub async fn server_fn(&self, name: &str, cookie: Option<&str>, form: &[(&str, &str)]) -> (u16, Value, HeaderMap) {
        let mut req = self.http.post(self.url(&format!("/api/{name}"))).form(form);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, body, headers)
    }

    /// Runs `trust-portal --json <args>` against this portal's database from the
    /// workspace root; asserts it exits 0 and returns its JSON output.
    pub async fn cli_json(&self, args: &[&str]) -> Value {
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
            .arg("--json")
            .args(args)
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
            .env("PORTAL_DATABASE_URL", &self.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .await
            .expect("run the CLI");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {stdout}"))
    }

    /// GETs `path` with a session cookie: (status, JSON or null).
    pub async fn session_get(&self, cookie: &str, path: &str) -> (u16, Value) {
        let r = self.http.get(self.url(path)).header(COOKIE, cookie).send().await.expect("request");
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// POSTs JSON to `path` with a session cookie: (status, JSON or null).
    pub async fn session_post(&self, cookie: &str, path: &str, body: &Value) -> (u16, Value) {
        let r = self.http.post(self.url(path)).header(COOKIE, cookie).json(body).send().await.expect("request");
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }

    /// Logs in and returns the `Cookie` header value for the session.
    pub async fn login(&self, email: &str) -> String {
        self.login_with(email, PASSWORD).await
    }

    /// Logs in with a given password (accounts created by a test).
    pub async fn login_with(&self, email: &str, password: &str) -> String {
        let (status, body, headers) = self.server_fn("login", None, &[("email", email), ("password", password)]).await;
        assert!(status < 400, "login of {email} failed: {status} {body}");
        session_cookie(&headers).unwrap_or_else(|| panic!("no session cookie for {email}"))
    }

    /// A browser-style form post (Accept: text/html) with an Origin header.
    pub async fn form_post(&self, path: &str, origin: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(path))
            .header(ACCEPT, "text/html")
            .header(ORIGIN, origin)
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Creates an API key with every scope for the tenant admin's tenant;
    /// returns (id, secret). Tests of one scope use [`Self::create_key_with`].
    pub async fn create_key(&self, admin_cookie: &str, name: &str) -> (String, String) {
        self.create_key_with(admin_cookie, name, &["verify", "evidence", "admin", "read"]).await
    }

    /// Creates an API key with the given scopes.
    pub async fn create_key_with(&self, admin_cookie: &str, name: &str, scopes: &[&str]) -> (String, String) {
        let fields: Vec<String> = scopes.iter().map(|s| format!("scope_{s}")).collect();
        let mut form = vec![("name", name)];
        form.extend(fields.iter().map(|f| (f.as_str(), "on")));
        let (status, body, _) = self.server_fn("create_api_key", Some(admin_cookie), &form).await;
        assert_eq!(status, 200, "{body}");
        (body["id"].as_str().expect("id").into(), body["secret"].as_str().expect("secret").into())
    }
}

/// The `name=value` of the session cookie set by a response.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tp_session=") || v.starts_with("__Host-tp_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The error code in a server function's JSON error body.
pub fn error_code(body: &Value) -> &str {
    body["code"].as_str().unwrap_or("<none>")
}

/// A local webhook receiver (real HTTP on loopback) that checks each delivery's
/// Standard Webhooks signature and keeps (webhook-id, JSON body) of each new message.
pub async fn signed_receiver(secret: &str) -> (String, Received) {
    signed_receiver_on(secret, std::sync::Arc::new(app::ssr::clock::SystemClock)).await
}

/// Like [`signed_receiver`], checking timestamps against `clock` (a test's manual clock).
pub async fn signed_receiver_on(secret: &str, clock: std::sync::Arc<dyn app::ssr::clock::Clock>) -> (String, Received) {
    use axum::http::HeaderMap;
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let secret = app::ssr::webhooks::scheme::Secret::parse(secret).unwrap();
    let store = got.clone();
    let route = axum::routing::post(move |headers: HeaderMap, body: axum::body::Bytes| {
        let (store, secret, clock) = (store.clone(), secret.clone(), clock.clone());
        async move {
            let h = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let now = clock.now_ms() / 1000;
            let verified = app::ssr::webhooks::scheme::verify(
                &secret,
                h("webhook-id").as_deref(),
                h("webhook-timestamp").as_deref(),
                h("webhook-signature").as_deref(),
                &body,
                now,
            );
            assert_eq!(verified, Ok(()), "every delivery is signed");
            assert_eq!(h("x-topicality-signature"), h("webhook-signature"));
            // Delivery is at least once (a retry job may race the first attempt); like any
            // Standard Webhooks receiver, drop a message whose webhook-id was seen.
            let mut got = store.lock().unwrap();
            let id = h("webhook-id");
            if !got.iter().any(|(seen, _)| *seen == id) {
                got.push((id, serde_json::from_slice::<Value>(&body).unwrap()));
            }
            "ok"
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().route("/hook", route)).await });
    (url, got)
}

/// What [`signed_receiver`] got: (webhook-id, JSON body) per new message.
pub type Received = std::sync::Arc<std::sync::Mutex<Vec<(Option<String>, Value)>>>;

/// Waits (up to 5 s) until `got` holds at least `n` messages.
pub async fn wait_for_messages(got: &Received, n: usize) {
    for _ in 0..100 {
        if got.lock().unwrap().len() >= n {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("only {} webhooks arrived", got.lock().unwrap().len());
}
