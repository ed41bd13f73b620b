//! `trust-portal console` and `trust-portal webhooks` against a running
//! portal: signed in as a person (or with the tenant's API key), the same
//! answers and refusals as the pages, tables for people and JSON for scripts.

use crate::helpers::TestApp;
use serde_json::Value;
use std::process::Stdio;
use tokio::process::Command;

/// Runs the binary with `env`; (exit code, stdout, stderr).
async fn cli(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trust-portal"));
    c.args(args).env_remove("PORTAL_PASSWORD").env_remove("PORTAL_API_KEY").env("RUST_LOG", "warn");
    c.envs(env.iter().copied()).stdin(Stdio::null());
    let out = c.output().await.expect("run the CLI");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

const PASSWORD: (&str, &str) = ("PORTAL_PASSWORD", "demo-password-123");

#[tokio::test]
async fn an_operator_admin_runs_the_console_from_a_terminal() {
    let app = TestApp::spawn().await;
    let base = app.base.as_str();
    let console = |rest: &[&str]| {
        let mut args = vec!["console", "--server", base, "--email", "admin@operator.demo"];
        args.extend_from_slice(rest);
        args.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |args: Vec<String>, env: Vec<(&'static str, &'static str)>| async move {
        cli(&args.iter().map(String::as_str).collect::<Vec<_>>(), &env).await
    };

    let (code, out, err) = run(console(&["tenants", "list"]), vec![PASSWORD]).await;
    assert_eq!(code, 0, "{err}");
    let header = out.lines().next().unwrap_or_default();
    assert!(header.starts_with("id") && header.contains("plan"), "a table: {out}");
    assert!(out.lines().any(|l| l.contains("globex") && l.contains("starter")), "{out}");

    let (code, out, err) = run(console(&["--help"]), vec![]).await;
    assert_eq!(code, 0, "{err}");
    for command in ["tenants", "users", "api-keys", "usage", "prices", "invitations", "audit-log", "signature-status"] {
        assert!(out.contains(command), "{command} is offered: {out}");
    }

    let mut json = vec!["--json".to_owned()];
    json.extend(console(&["invitations", "create", "--label", "Initech", "--days", "3"]));
    let (code, out, err) = run(json, vec![PASSWORD]).await;
    assert_eq!(code, 0, "{err}");
    let made: Value = serde_json::from_str(&out).unwrap();
    assert!(made["link"].as_str().unwrap().contains("/invite/tpi_"), "{out}");

    let globex = app.state.db.org_by_slug("globex").await.unwrap().unwrap().id;
    let (code, out, err) = run(console(&["tenants", "plan", &globex, "pro"]), vec![PASSWORD]).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(console(&["tenants", "plan", &globex, "gold"]), vec![PASSWORD]).await;
    assert_eq!(code, 2, "bad input is a usage error");
    assert!(err.contains("Plan"), "the portal's own message: {err}");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("log.csv");
    let file = file.to_str().unwrap();
    let (code, out, err) =
        run(console(&["audit-log", "--action", "tenant", "--export", "csv", "--out", file]), vec![PASSWORD]).await;
    assert_eq!(code, 0, "{out}{err}");
    let csv = std::fs::read_to_string(file).unwrap();
    assert!(csv.starts_with("seq,") && csv.contains("tenant.plan_changed"), "{csv}");

    let (code, _, err) = run(console(&["tenants", "list"]), vec![]).await;
    assert_eq!(code, 2, "no password, no call");
    assert!(err.contains("PORTAL_PASSWORD"), "{err}");
    let (code, _, err) = run(console(&["tenants", "list"]), vec![("PORTAL_PASSWORD", "wrong-password-1")]).await;
    assert_eq!(code, 1);
    assert!(err.contains("signing in as admin@operator.demo"), "{err}");
}

#[tokio::test]
async fn a_tenant_member_is_refused_by_the_portal_not_by_the_cli() {
    let app = TestApp::spawn().await;
    let args = ["console", "--server", &app.base, "--email", "member@acme.demo", "tenants", "list"];
    let (code, out, err) = cli(&args, &[PASSWORD]).await;
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("answered 403"), "{err}");
}

#[tokio::test]
async fn a_tenant_manages_its_webhook_endpoint_with_its_api_key() {
    let app = TestApp::spawn_with(|c| {
        c.outbound_allowlist = vec![app::ssr::webhooks::ssrf::Subnet::parse("127.0.0.0/8").unwrap()];
    })
    .await;
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key_with(&admin, "webhooks-cli", &["admin", "read"]).await.1;
    let base = app.base.as_str();
    let env = [("PORTAL_API_KEY", key.as_str())];
    let (code, out, err) =
        cli(&["--json", "webhooks", "--server", base, "set-url", "http://127.0.0.1:9/closed"], &env).await;
    assert_eq!(code, 0, "{out}{err}");
    let set: Value = serde_json::from_str(&out).unwrap();
    assert!(set["secret"].as_str().unwrap().starts_with("whsec_"), "{out}");

    let (code, _, err) = cli(&["webhooks", "--server", base, "test"], &env).await;
    assert_eq!(code, 1, "nothing listens on port 9");
    assert!(err.starts_with("not delivered:") && err.contains("msg_"), "{err}");

    let (code, out, err) = cli(&["webhooks", "--server", base, "messages", "--status", "test"], &env).await;
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("id") && out.contains("webhook.test"), "{out}");
    let (code, _, err) = cli(&["webhooks", "--server", base, "messages", "--status", "lost"], &env).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("400"), "{err}");
    let (code, _, err) = cli(&["webhooks", "--server", base, "set-url", "http://10.1.2.3/"], &env).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("Webhook URL"), "the guard's reason: {err}");
}
