use crate::helpers::TestApp;

#[tokio::test]
async fn the_badge_counts_real_api_requests() {
    let app = TestApp::spawn().await;
    let (_, before, _) = app.server_fn("sla_status", None, &[]).await;
    assert_eq!(before["samples"], 0);
    assert!(before["p95_ms"].is_null());

    let admin = app.login("admin@acme.demo").await;
    let (_, secret) = app.create_key(&admin, "ci").await;
    for _ in 0..5 {
        app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    }
    let (_, after, _) = app.server_fn("sla_status", None, &[]).await;
    assert_eq!(after["samples"], 5, "{after}");
    assert!(after["p95_ms"].as_u64().unwrap() <= 300, "{after}");
    assert_eq!(after["uptime_ppm"], serde_json::Value::Null, "nobody probed it: no uptime, not 100%");

    // The samples survive in the database once flushed.
    app.state.sla.flush(&app.state.db).await.unwrap();
    let rows = app.state.db.latency_counts_since(0).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.1).sum::<i64>(), 5);
}

#[tokio::test]
async fn uptime_is_counted_from_probes_and_a_stopped_portal_counts_as_down() {
    let app = TestApp::spawn().await;
    let client = app::ssr::slo::probe::client().unwrap();
    let stopped = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    for _ in 0..3 {
        app::ssr::slo::probe::probe_once(&app.state, &client, &app.base).await.unwrap();
    }
    app::ssr::slo::probe::probe_once(&app.state, &client, &stopped).await.unwrap();
    let s = app::ssr::sla_badge::status(&app.state).await.unwrap();
    assert_eq!((s.probes_up, s.probes, s.uptime_ppm), (3, 4, Some(750_000)));
    assert!(!s.is_green());
    assert!(s.summary().ends_with("30 d; uptime 75.00%, 3/4 probes"), "{}", s.summary());
}

#[tokio::test]
async fn the_signed_sla_badge_verifies_offline_and_a_changed_number_does_not() {
    let app = TestApp::spawn().await;
    let client = app::ssr::slo::probe::client().unwrap();
    app::ssr::slo::probe::probe_once(&app.state, &client, &app.base).await.unwrap();
    let admin = app.login("admin@acme.demo").await;
    let (_, secret) = app.create_key(&admin, "ci").await;
    for _ in 0..3 {
        app.http.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
    }
    let svg = app.get_text("/badge/sla.svg").await;
    assert!(svg.contains("uptime 100.00%"), "{svg}");
    let badge = app.get_text("/badge/sla.json").await;
    let keys = app.get_text(app::ssr::verification::receipts::WELL_KNOWN_PATH).await;
    let dir = tempfile::tempdir().unwrap();
    let (keys_path, badge_path) = (dir.path().join("keys.json"), dir.path().join("sla.json"));
    std::fs::write(&keys_path, &keys).unwrap();
    std::fs::write(&badge_path, &badge).unwrap();
    let run = |path: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_trust-portal"))
            .args(["--json", "verify-badge", "--keys"])
            .arg(&keys_path)
            .arg(path)
            .output()
            .unwrap()
    };
    let out = run(&badge_path);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let checked: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let claim = &checked["claim"];
    assert_eq!(
        (claim["requests"].as_u64(), claim["probes"].as_u64(), claim["probes_up"].as_u64()),
        (Some(3), Some(1), Some(1))
    );
    assert_eq!((claim["uptime"].as_str(), claim["window_hours"].as_u64()), (Some("100.00%"), Some(720)));
    assert!(
        claim["summary"].as_str().unwrap().contains("over 3 requests, 30 d; uptime 100.00%, 1/1 probes"),
        "{claim}"
    );

    // The same envelope claiming more requests than were measured no longer verifies.
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut envelope: serde_json::Value = serde_json::from_str(&badge).unwrap();
    let payload = String::from_utf8(b64.decode(envelope["payload"].as_str().unwrap()).unwrap()).unwrap();
    let forged = payload.replace("\"requests\":3", "\"requests\":41203");
    assert_ne!(forged, payload);
    envelope["payload"] = serde_json::Value::String(b64.encode(forged));
    let forged_path = dir.path().join("forged.json");
    std::fs::write(&forged_path, envelope.to_string()).unwrap();
    let out = run(&forged_path);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("does not verify"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
