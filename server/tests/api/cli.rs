//! The `trust-portal` binary as an operator uses it: exit codes, JSON output,
//! backups, audit-log verification, config errors and graceful shutdown.

use app::ssr::store::Db;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_trust-portal");
const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

struct Cli {
    dir: tempfile::TempDir,
}

impl Cli {
    fn new() -> Self {
        Self { dir: tempfile::tempdir().unwrap() }
    }
    fn db_url(&self) -> String {
        format!("sqlite:{}", self.dir.path().join("cli.db").display())
    }
    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args).current_dir(ROOT).env("PORTAL_DATABASE_URL", self.db_url()).env("RUST_LOG", "warn");
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        c
    }
    async fn run(&self, args: &[&str], stdin: &str) -> (i32, String, String) {
        let mut child = self.cmd(args).spawn().unwrap();
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin.as_bytes()).await.unwrap();
        drop(input);
        let out = child.wait_with_output().await.unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

#[tokio::test]
async fn seed_is_idempotent_and_speaks_json() {
    let cli = Cli::new();
    let (code, out, _) = cli.run(&["--json", "demo", "seed"], "").await;
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["seeded"], true);
    assert!(v["logins"].as_array().unwrap().len() >= 6);
    let (code, out, _) = cli.run(&["--json", "demo", "seed"], "").await;
    assert_eq!(code, 0);
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["seeded"], false);
}

#[tokio::test]
async fn admin_commands_validate_input_with_exit_code_2() {
    let cli = Cli::new();
    cli.run(&["demo", "seed"], "").await;
    let args = ["admin", "create-user", "--email", "ops@operator.demo", "--name", "Ops", "--org", "topicality"];
    let (code, out, _) =
        cli.run(&[&["--json"], &args[..], &["--role", "security"]].concat(), "a-long-enough-password\n").await;
    assert_eq!(code, 0, "{out}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["role"], "security");

    let (code, _, err) = cli.run(&[&args[..], &["--role", "root"]].concat(), "a-long-enough-password\n").await;
    assert_eq!(code, 2);
    assert!(err.contains("unknown role 'root'"), "{err}");
    let (code, _, err) = cli.run(&[&args[..], &["--role", "finance"]].concat(), "short\n").await;
    assert_eq!(code, 2);
    assert!(err.contains("Password"), "{err}");
    let (code, _, err) =
        cli.run(&["admin", "create-tenant", "--name", "G", "--slug", "globex", "--plan", "pro"], "").await;
    assert_eq!(code, 2);
    assert!(err.contains("already taken"), "{err}");
}

#[tokio::test]
async fn audit_log_verify_names_the_edited_entry() {
    let cli = Cli::new();
    cli.run(&["demo", "seed"], "").await;
    let (code, out, _) = cli.run(&["audit-log", "verify"], "").await;
    assert_eq!(code, 0);
    assert!(out.contains("intact"), "{out}");
    let db = Db::connect(&cli.db_url()).await.unwrap();
    sqlx::query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").execute(db.pool()).await.unwrap();
    db.close().await;
    let (code, out, _) = cli.run(&["--json", "audit-log", "verify"], "").await;
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["intact"].clone(), v["seq"].clone()), (serde_json::json!(false), serde_json::json!(3)));
}

#[tokio::test]
async fn backup_is_a_consistent_copy() {
    let cli = Cli::new();
    cli.run(&["demo", "seed"], "").await;
    let target = cli.dir.path().join("backup.db");
    let target = target.to_str().unwrap();
    let (code, _, err) = cli.run(&["admin", "backup", target], "").await;
    assert_eq!(code, 0, "{err}");
    let copy = Db::connect(&format!("sqlite:{target}")).await.unwrap();
    assert!(copy.user_by_email("admin@acme.demo").await.unwrap().is_some());
    let (code, _, err) = cli.run(&["admin", "backup", target], "").await;
    assert_eq!(code, 2, "refuses to overwrite");
    assert!(err.contains("exists"), "{err}");
}

#[tokio::test]
async fn bad_configuration_names_the_setting_and_exits_3() {
    let cli = Cli::new();
    let mut cmd = cli.cmd(&["migrate"]);
    cmd.env("PORTAL_SESSION_IDLE_MINUTES", "soon");
    let out = cmd.output().await.unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("PORTAL_SESSION_IDLE_MINUTES"));
}

#[tokio::test]
async fn sigterm_drains_flushes_metrics_and_exits_cleanly() {
    let cli = Cli::new();
    cli.run(&["demo", "seed"], "").await;
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = cli.cmd(&["serve"]);
    // Only the shutdown flush can write the samples: the periodic one is an hour away.
    cmd.env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}")).env("PORTAL_METRICS_FLUSH_SECONDS", "3600");
    let mut child = cmd.spawn().unwrap();
    let http = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..100 {
        if http.get(format!("{base}/readyz")).send().await.is_ok_and(|r| r.status() == 200) {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "server did not become ready");
    // A prober in another process finds the running server up (readiness and the synthetic verify).
    let (code, out, err) = cli.run(&["--json", "probe", "--url", &base, "--count", "1"], "").await;
    assert_eq!(code, 0, "{out}{err}");
    // Only authenticated API work counts for the SLA figure: make a key for acme.
    let db = Db::connect(&cli.db_url()).await.unwrap();
    let acme = db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    let (key, prefix, hash) = app::ssr::identity::auth::new_api_key();
    let row = app::ssr::store::ApiKeyRow {
        id: "key_sigterm_test".into(),
        org_id: acme.id,
        name: "sigterm".into(),
        prefix,
        created_by: "test".into(),
        created_at: 0,
        last_used_at: None,
        revoked_at: None,
        scopes: "read".into(),
    };
    let mut tx = db.transaction().await.unwrap();
    tx.insert_api_key(&row, &hash).await.unwrap();
    tx.commit().await.unwrap();
    for _ in 0..3 {
        let r = http.get(format!("{base}/api/v1/me")).bearer_auth(&key).send().await.unwrap();
        assert_eq!(r.status(), 200);
    }
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(status.success());
    let exit = tokio::time::timeout(Duration::from_secs(20), child.wait()).await.expect("exits in time").unwrap();
    assert!(exit.success(), "{exit:?}");
    let db = Db::connect(&cli.db_url()).await.unwrap();
    let flushed: i64 = db.latency_counts_since(0).await.unwrap().iter().map(|r| r.1).sum();
    assert_eq!(flushed, 3, "samples were flushed on shutdown");
    // Stopped, the server is down for the prober, and uptime drops: one probe of two was up.
    let (code, out, _) = cli.run(&["--json", "probe", "--url", &base, "--count", "1"], "").await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cannot connect"), "{out}");
    let (_, out, _) = cli.run(&["--json", "slo", "status"], "").await;
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let availability = report["slos"].as_array().unwrap().iter().find(|s| s["slo"]["name"] == "availability").unwrap();
    assert_eq!(
        (&availability["window"]["good"], &availability["window"]["total"]),
        (&1.into(), &2.into()),
        "{availability}"
    );
    assert_eq!(availability["meets"], false);
}

/// Writes a P-256 public key, an artifact and its cosign-style signature; returns their paths.
fn signed_blob(dir: &std::path::Path) -> (String, String, String) {
    use base64::Engine;
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    let artifact = b"policies/org.rego bundle";
    let sig = base64::engine::general_purpose::STANDARD.encode(kp.sign(artifact).unwrap().as_bytes());
    let paths = (dir.join("cosign.pub"), dir.join("policy.tar.gz"), dir.join("policy.sig"));
    std::fs::write(&paths.0, kp.public_key_der().unwrap().to_pem()).unwrap();
    std::fs::write(&paths.1, artifact).unwrap();
    std::fs::write(&paths.2, format!("{sig}\n")).unwrap();
    let s = |p: std::path::PathBuf| p.to_str().unwrap().to_owned();
    (s(paths.0), s(paths.1), s(paths.2))
}

#[tokio::test]
async fn verify_blob_exit_codes_and_reasons() {
    let cli = Cli::new();
    let (key, artifact, sig) = signed_blob(cli.dir.path());
    let (code, out, _) = cli.run(&["verify-blob", "--key", &key, "--signature", &sig, &artifact], "").await;
    assert_eq!(code, 0, "{out}");
    assert!(out.starts_with("Verified OK: sha256:"), "{out}");

    std::fs::write(&artifact, b"tampered").unwrap();
    let (code, out, err) = cli.run(&["--json", "verify-blob", "--key", &key, "--signature", &sig, &artifact], "").await;
    assert_eq!(code, 1, "rejected");
    assert!(err.contains("(signature_mismatch)"), "{err}");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out).unwrap()["reason"], "signature_mismatch");

    let (code, _, err) = cli.run(&["verify-blob", "--key", &key, "--signature", "/no/such.sig", &artifact], "").await;
    assert_eq!(code, 2, "unreadable input is a usage error");
    assert!(err.contains("cannot read signature"), "{err}");
}

#[tokio::test]
async fn verify_bundle_refuses_keyless_without_a_full_policy() {
    let cli = Cli::new();
    let vectors = std::env::var("PORTAL_VECTORS_DIR").unwrap_or_else(|_| format!("{ROOT}/../shared/vectors"));
    let case = format!("{vectors}/sigstore-conformance/test/assets/bundle-verify/happy-path-v0.3/bundle.sigstore.json");
    let artifact = format!("{vectors}/sigstore-conformance/test/assets/a.txt");
    let (code, _, err) = cli.run(&["verify-bundle", "--bundle", &case, &artifact], "").await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("identity") && err.contains("issuer"), "{err}");
    let (code, _, err) = cli
        .run(
            &[
                "verify-bundle",
                "--bundle",
                &case,
                "--certificate-identity",
                "https://github.com/x/y",
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
                &artifact,
            ],
            "",
        )
        .await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("(identity_mismatch)"), "{err}");
}

#[tokio::test]
async fn keygen_pack_build_and_verify_round_trip() {
    let cli = Cli::new();
    let d = cli.dir.path();
    let p = |name: &str| d.join(name).to_str().unwrap().to_owned();
    let (code, out, err) = cli.run(&["keygen", "--out", &p("release")], "").await;
    assert_eq!(code, 0, "{out}{err}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(p("release.pem")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the private key is readable by its owner only");
    }
    std::fs::write(p("sbom.spdx.json"), b"{\"spdxVersion\":\"SPDX-2.3\"}").unwrap();
    std::fs::write(p("notes.md"), b"# v1.2.0").unwrap();
    let build = [
        "pack",
        "build",
        "--repo",
        "acme/firmware",
        "--tag",
        "v1.2.0",
        "--key",
        &p("release.pem"),
        "--out",
        &p("pack.zip"),
        &p("sbom.spdx.json"),
        &p("notes.md"),
    ];
    let (code, out, err) = cli.run(&build, "").await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = cli.run(&build, "").await;
    assert_eq!(code, 2, "an existing output is not overwritten");
    assert!(err.contains("pack.zip"), "{err}");

    let (code, out, err) = cli
        .run(&["pack", "verify", "--key", &p("release.pub"), "--release", "acme/firmware@v1.2.0", &p("pack.zip")], "")
        .await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("✓ manifest signature") && out.contains("Pack OK"), "{out}");

    let (code, _, err) = cli
        .run(&["pack", "verify", "--key", &p("release.pub"), "--release", "acme/firmware@v9", &p("pack.zip")], "")
        .await;
    assert_eq!(code, 1);
    assert!(err.contains("(pack_release_mismatch)"), "{err}");
    let (code, _, _) = cli.run(&["keygen", "--out", &p("other")], "").await;
    assert_eq!(code, 0);
    let (code, _, err) = cli.run(&["pack", "verify", "--key", &p("other.pub"), &p("pack.zip")], "").await;
    assert_eq!(code, 1);
    assert!(err.contains("(signature_mismatch)"), "{err}");
}

#[tokio::test]
async fn verify_attestation_and_verify_receipt_exit_codes() {
    let cli = Cli::new();
    let d = cli.dir.path();
    let p = |name: &str| d.join(name).to_str().unwrap().to_owned();
    let (kp, env) = write_signed_firmware(cli.dir.path());
    let args = |builder: &str| {
        vec![
            "verify-attestation".to_owned(),
            "--key".into(),
            p("key.pub"),
            "--envelope".into(),
            p("fw.intoto.json"),
            "--builder-id".into(),
            builder.into(),
            p("fw.bin"),
        ]
    };
    let run = |a: Vec<String>| async move { cli_run(&a).await };
    let (code, out, err) = run(args("https://builder.example/v1")).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(args("https://evil.example")).await;
    assert_eq!(code, 1);
    assert!(err.contains("(builder_mismatch)"), "{err}");

    // A receipt signed by an Ed25519 portal key, checked against the published key set.
    let app = crate::helpers::TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let key = app.create_key(&admin, "cli").await.1;
    let body = serde_json::json!({"kind": "in_toto", "artifact": {"base64": "ZmlybXdhcmU="}, "envelope": env, "public_key": kp.public_key_der().unwrap().to_pem()});
    let v: serde_json::Value = app
        .http
        .post(app.url("/api/v1/verify"))
        .bearer_auth(&key)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    std::fs::write(p("response.json"), v.to_string()).unwrap();
    let keys = app.get_text("/.well-known/trust-portal/receipt-keys.json").await;
    std::fs::write(p("receipt-keys.json"), keys).unwrap();
    let (code, out, err) =
        cli.run(&["verify-receipt", "--key", &p("receipt-keys.json"), &p("response.json")], "").await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("Receipt OK: ver_"), "{out}");
    let (code, _, err) = cli.run(&["verify-receipt", "--key", &p("key.pub"), &p("response.json")], "").await;
    assert_eq!(code, 1, "another key does not verify the receipt");
    assert!(err.contains("(signature_mismatch)"), "{err}");
}

/// Runs the binary with owned arguments (no database needed).
async fn cli_run(args: &[String]) -> (i32, String, String) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    Cli::new().run(&refs, "").await
}

#[tokio::test]
async fn server_mode_asks_a_running_portal() {
    let app = crate::helpers::TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let api_key = app.create_key(&admin, "cli-remote").await.1;
    let cli = Cli::new();
    let p = |name: &str| cli.dir.path().join(name).to_str().unwrap().to_owned();
    let run = |args: Vec<String>, key: &str| {
        let mut c = cli.cmd(&args.iter().map(String::as_str).collect::<Vec<_>>());
        c.env("PORTAL_API_KEY", key);
        async move {
            let out = c.output().await.unwrap();
            let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
        }
    };
    let _ = write_signed_firmware(cli.dir.path());
    let attest = |builder: &str| {
        ["verify-attestation", "--server", &app.base, "--key", &p("key.pub"), "--envelope", &p("fw.intoto.json")]
            .into_iter()
            .map(str::to_owned)
            .chain(["--builder-id".into(), builder.into(), p("fw.bin")])
            .collect::<Vec<_>>()
    };

    let (code, out, err) = run(attest("https://builder.example/v1"), &api_key).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with("Verified OK by the portal") && out.contains("receipt ver_"), "{out}");
    let receipt_id = out.split("receipt ").nth(1).unwrap().split_whitespace().next().unwrap().to_owned();
    let stored = app.http.get(app.url(&format!("/api/v1/receipts/{receipt_id}"))).bearer_auth(&api_key).send().await;
    assert_eq!(stored.unwrap().status(), 200, "the portal recorded the receipt");

    let (code, _, err) = run(attest("https://evil.example"), &api_key).await;
    assert_eq!(code, 1);
    assert!(err.contains("(builder_mismatch)"), "{err}");
    let (code, _, err) = run(attest("https://builder.example/v1"), "tpk_not-a-real-key").await;
    assert_eq!(code, 2, "an error answer is not a verdict");
    assert!(err.contains("401"), "{err}");

    // The receipt, fetched by id, checked against the key set from the well-known URL.
    let (code, out, err) =
        run(vec!["verify-receipt".into(), "--server".into(), app.base.clone(), receipt_id.clone()], &api_key).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.starts_with(&format!("Receipt OK: {receipt_id}")), "{out}");

    // A pack uploaded through the CLI is verified with the tenant's stored key.
    let (code, _, _) = run(vec!["keygen".into(), "--out".into(), p("release")], "").await;
    assert_eq!(code, 0);
    let add = serde_json::json!({"name": "cli-release", "public_key_pem": std::fs::read_to_string(p("release.pub")).unwrap()});
    let r = app.http.post(app.url("/api/v1/signing-keys")).bearer_auth(&api_key).json(&add).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let build = [
        "pack",
        "build",
        "--repo",
        "acme/cli-demo",
        "--tag",
        "v1.0.0",
        "--key",
        &p("release.pem"),
        "--out",
        &p("pack.zip"),
        &p("fw.bin"),
    ];
    let (code, out, err) = run(build.into_iter().map(str::to_owned).collect(), "").await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) =
        run(vec!["pack".into(), "verify".into(), "--server".into(), app.base.clone(), p("pack.zip")], &api_key).await;
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("✓ manifest signature") && out.contains("Pack OK: acme/cli-demo@v1.0.0"), "{out}");
}

#[tokio::test]
async fn invoice_simulate_matches_across_tenants_and_formats() {
    let cli = Cli::new();
    let (code, _, err) = cli.run(&["demo", "seed"], "").await;
    assert_eq!(code, 0, "{err}");
    let period = app::domain::period::Period::containing(app::ssr::clock::Clock::now_ms(&app::ssr::clock::SystemClock));
    let period = period.to_string();
    let (code, out, err) = cli.run(&["--json", "invoice", "simulate", "--period", &period], "").await;
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let invoices = v["invoices"].as_array().unwrap();
    assert!(invoices.len() >= 2);
    let sum: i64 = invoices.iter().map(|i| i["total"].as_i64().unwrap()).sum();
    assert_eq!(v["grand_total"].as_i64().unwrap(), sum, "the grand total is the sum of the tenants' totals");
    let units = |slug: &str| {
        let inv = invoices.iter().find(|i| i["tenant"] == slug).unwrap();
        inv["lines"].as_array().unwrap().iter().find(|l| l["event"] == "attestation.verify").unwrap()["units"].as_i64()
    };
    assert_eq!(units("acme-robotics"), Some(1 + server::cli::demo::DEMO_CALLS_ACME as i64));
    assert_eq!(units("globex"), Some(server::cli::demo::DEMO_CALLS_GLOBEX as i64));

    let (code, out, _) =
        cli.run(&["invoice", "simulate", "--tenant", "globex", "--period", &period, "--plan", "enterprise"], "").await;
    assert_eq!(code, 0);
    assert!(out.contains("plan enterprise (what if)") && out.contains("$0.0025"), "{out}");
    let (code, out, _) = cli.run(&["invoice", "simulate", "--period", &period, "--format", "csv"], "").await;
    assert_eq!(code, 0);
    assert!(out.lines().filter(|l| l.contains(",total,")).count() >= 2, "{out}");
    let (code, _, err) = cli.run(&["invoice", "simulate", "--period", "2026-13"], "").await;
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM"), "{err}");
}

#[tokio::test]
async fn prices_are_versioned_from_a_month_on_and_the_past_is_never_repriced() {
    let cli = Cli::new();
    cli.run(&["demo", "seed"], "").await;
    let this = app::domain::period::Period::containing(app::ssr::clock::Clock::now_ms(&app::ssr::clock::SystemClock));
    let (next, last) = (this.next().to_string(), this.previous().to_string());
    let set = |from: String| {
        let args =
            ["admin", "set-price", "--plan", "starter", "--event", "attestation.verify", "--price", "0.004", "--from"];
        let mut v: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        v.push(from);
        v
    };
    let cli = &cli;
    let run = |a: Vec<String>| async move {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        cli.run(&refs, "").await
    };
    let (code, out, err) = run(set(next.clone())).await;
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = run(set(next.clone())).await;
    assert_eq!(code, 2, "one version per plan, event and month");
    assert!(err.contains("already has"), "{err}");
    let (code, _, err) = run(set(last)).await;
    assert_eq!(code, 2);
    assert!(err.contains("has ended"), "{err}");

    let simulate = |period: String| {
        vec!["invoice", "simulate", "--tenant", "globex", "--period", &period]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (_, now_out, _) = run(simulate(this.to_string())).await;
    assert!(now_out.contains("$0.01 "), "this month keeps its price: {now_out}");
    let (_, next_out, _) = run(simulate(next)).await;
    assert!(next_out.contains("$0.004"), "next month uses the new version: {next_out}");
    let (code, out, _) = run(vec!["audit-log".into(), "verify".into()]).await;
    assert_eq!(code, 0, "{out}");
}

/// Writes `fw.bin`, `key.pub` and `fw.intoto.json` (an SLSA v1 statement about
/// fw.bin, builder `https://builder.example/v1`, in a DSSE envelope signed by a
/// fresh P-256 key) into `dir`; returns the key pair and the envelope.
fn write_signed_firmware(
    dir: &std::path::Path,
) -> (sigstore_verify::crypto::KeyPair, app::ssr::verification::dsse::Envelope) {
    use app::ssr::verification::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
    use sha2::Digest;
    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().unwrap();
    std::fs::write(dir.join("key.pub"), kp.public_key_der().unwrap().to_pem()).unwrap();
    std::fs::write(dir.join("fw.bin"), b"firmware").unwrap();
    let statement = serde_json::json!({"_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": "fw.bin", "digest": {"sha256": hex::encode(sha2::Sha256::digest(b"firmware"))}}],
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {"runDetails": {"builder": {"id": "https://builder.example/v1"}}}});
    let env = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, statement.to_string().as_bytes(), "", |m| {
        kp.sign(m).unwrap().as_bytes().to_vec()
    });
    std::fs::write(dir.join("fw.intoto.json"), serde_json::to_string(&env).unwrap()).unwrap();
    (kp, env)
}

#[tokio::test]
async fn policy_commands_report_adoption_and_override_activity() {
    let cli = Cli::new();
    cli.run(&["demo", "seed"], "").await;
    let (code, out, _) = cli.run(&["policy", "status"], "").await;
    assert_eq!(code, 0, "the demo meets the 95% goal: {out}");
    assert!(
        out.contains("adoption 95.2% (20 of 21") && out.contains("failed") && out.contains("acme/robot-docs"),
        "{out}"
    );
    // Only the org workflow counts: the four org-key repositories and the override fall off, below the goal.
    let (code, _, err) = cli.run(&["policy", "rollout", "--require-org-workflow", "maybe"], "").await;
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = cli.run(&["policy", "rollout", "--require-org-workflow", "yes"], "").await;
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = cli.run(&["--json", "policy", "status"], "").await;
    assert_eq!(code, 1, "below the goal: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let off: Vec<&str> = v["repos"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["state"] == "off_workflow")
        .map(|r| r["repo"].as_str().unwrap())
        .collect();
    assert_eq!(off.len(), 5, "{out}");
    for repo in ["globex/payments-gateway", "acme/robot-cli", "globex/ledger-rules"] {
        assert!(off.contains(&repo), "{repo} is off the org workflow: {off:?}");
    }
    let (code, _, err) = cli.run(&["policy", "rollout", "--require-org-workflow", "no"], "").await;
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = cli
        .run(
            &["policy", "set-active", "--tenant", "acme-robotics", "--repo", "acme/robot-docs", "--active", "maybe"],
            "",
        )
        .await;
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = cli
        .run(&["policy", "set-active", "--tenant", "acme-robotics", "--repo", "acme/nothing", "--active", "no"], "")
        .await;
    assert_eq!(code, 2, "unknown repository: {err}");
    let (code, _, err) = cli
        .run(&["policy", "set-active", "--tenant", "acme-robotics", "--repo", "acme/robot-docs", "--active", "no"], "")
        .await;
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = cli.run(&["--json", "policy", "status"], "").await;
    assert_eq!(code, 0, "20 of 20 active repositories: {out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!((v["adoption"]["adopted"].as_i64(), v["adoption"]["active"].as_i64()), (Some(20), Some(20)));
    let (code, yaml, _) = cli.run(&["policy", "workflow", "--portal-url", "https://portal.example.com"], "").await;
    assert_eq!(code, 0);
    assert!(yaml.starts_with("# org.policy.sign.yml") && yaml.contains("https://portal.example.com/api/v1/repos/"));
}

#[tokio::test]
async fn verify_bundle_checks_the_signed_statement_offline() {
    let cli = Cli::new();
    let vectors = std::env::var("PORTAL_VECTORS_DIR").unwrap_or_else(|_| format!("{ROOT}/../shared/vectors"));
    let artifact = format!("{vectors}/sigstore-conformance/test/assets/a.txt");
    let bundle = cli.dir.path().join("extra-envelope.sigstore.json");
    std::fs::write(&bundle, crate::integrity::bundle_with_unsigned_envelope()).unwrap();
    let (code, _, err) = cli
        .run(
            &[
                "verify-bundle",
                "--bundle",
                bundle.to_str().unwrap(),
                "--certificate-identity",
                "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main",
                "--certificate-oidc-issuer",
                "https://token.actions.githubusercontent.com",
                "--builder-id",
                "https://trusted.example/builder",
                &artifact,
            ],
            "",
        )
        .await;
    assert_eq!(code, 1, "an unsigned statement beside a signature is refused: {err}");
    assert!(err.contains("(malformed_bundle)"), "{err}");
}

#[tokio::test]
async fn server_mode_never_downgrades_a_keyless_policy() {
    let app = crate::helpers::TestApp::spawn().await;
    let admin = app.login("admin@acme.demo").await;
    let api_key = app.create_key(&admin, "cli-policy").await.1;
    let identity = "https://github.com/acme/fw/.github/workflows/release.yml@refs/heads/main";
    let policy = serde_json::json!({"name": "release", "identity": identity, "issuer": "https://token.actions.githubusercontent.com"});
    let r = app.http.post(app.url("/api/v1/policies")).bearer_auth(&api_key).json(&policy).send().await.unwrap();
    assert_eq!(r.status(), 201);
    let vectors = std::env::var("PORTAL_VECTORS_DIR").unwrap_or_else(|_| format!("{ROOT}/../shared/vectors"));
    let case = format!("{vectors}/sigstore-conformance/test/assets/bundle-verify/managed-key-happy-path");
    let artifact = format!("{vectors}/sigstore-conformance/test/assets/a.txt");
    let cli = Cli::new();
    let mut c = cli.cmd(&[
        "verify-bundle",
        "--server",
        &app.base,
        "--bundle",
        &format!("{case}/bundle.sigstore.json"),
        "--key",
        &format!("{case}/key.pub"),
        "--policy",
        "release",
        &artifact,
    ]);
    c.env("PORTAL_API_KEY", &api_key);
    let out = c.output().await.unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "a key never satisfies a keyless policy: {err}");
    assert!(err.contains("policy_conflict"), "{err}");
}

#[tokio::test]
async fn slo_list_shows_the_slos_in_force_and_a_bad_file_stops_the_start() {
    let cli = Cli::new();
    let (code, out, _) = cli.run(&["--json", "slo", "list"], "").await;
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let names: Vec<&str> = v["slos"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["api-latency", "availability", "time-to-pack", "webhook-delivery", "ledger-lag"]);
    assert_eq!(v["slos"][1]["target_ppm"], 999_500);

    // A folder of one's own replaces them; a broken file stops `serve` as well as `slo list`.
    let own = cli.dir.path().join("slo");
    std::fs::create_dir_all(&own).unwrap();
    let text = std::fs::read_to_string(format!("{ROOT}/slo/availability.yaml")).unwrap();
    std::fs::write(own.join("availability.yaml"), text.replace("duration: 30d", "duration: 28d")).unwrap();
    let mut cmd = cli.cmd(&["--json", "slo", "list"]);
    let out = cmd.env("PORTAL_SLO_DIR", &own).output().await.unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["slos"].as_array().unwrap().len(), 1);
    assert_eq!(v["slos"][0]["window_ms"], 28 * 86_400_000_i64);
    std::fs::write(own.join("availability.yaml"), text.replace("kind: SLO", "kind: Service")).unwrap();
    for args in [&["slo", "list"][..], &["serve"][..]] {
        let out = cli.cmd(args).env("PORTAL_SLO_DIR", &own).output().await.unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {err}");
        assert!(err.contains("PORTAL_SLO_DIR") && err.contains("availability.yaml: kind"), "{err}");
    }
}
