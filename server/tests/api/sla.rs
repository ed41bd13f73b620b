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
    assert_eq!(after["uptime_ppm"], 1_000_000, "a fresh server has been up the whole window");

    // The samples survive in the database once flushed.
    app.state.sla.flush(&app.state.db, app.state.now_ms()).await.unwrap();
    let rows = app.state.db.latency_counts_since(0).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.1).sum::<i64>(), 5);
}

#[tokio::test]
async fn missing_heartbeats_count_as_downtime() {
    let app = TestApp::spawn().await;
    let bucket = app::domain::sla::UPTIME_BUCKET_MS;
    let now = app.state.now_ms();
    // Up 10 buckets a day ago, then nothing until now: mostly down.
    for i in 0..10 {
        app.state.db.heartbeat(app::domain::sla::uptime_bucket(now - 86_400_000) + i * bucket, now).await.unwrap();
    }
    let s = app.state.sla.status(&app.state.db, now, 48).await.unwrap();
    let ppm = s.uptime_ppm.unwrap();
    assert!(ppm < 100_000, "{ppm}");
    assert!(!s.is_green());
}
