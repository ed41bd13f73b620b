use crate::helpers::TestApp;

#[tokio::test]
async fn health_and_readiness_answer_json() {
    let app = TestApp::spawn().await;
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers().get("x-request-id").is_some(), "request id is propagated");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let body: serde_json::Value = app.http.get(app.url("/readyz")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["database"], "ok");
    assert!(body.get("verify").is_none(), "no synthetic verify unless asked: {body}");
    // The prober's check: the database and a synthetic verify (good accepted, changed refused).
    let r = app.http.get(app.url("/readyz?verify=1")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!((body["database"].as_str(), body["verify"].as_str()), (Some("ok"), Some("ok")), "{body}");
    let before = app.state.db.usage_counts_by_event().await.unwrap();
    app.http.get(app.url("/readyz?verify=1")).send().await.unwrap();
    assert_eq!(app.state.db.usage_counts_by_event().await.unwrap(), before, "nothing metered");
}

#[tokio::test]
async fn metrics_have_a_300ms_bucket_per_route() {
    let app = TestApp::spawn().await;
    app.http.get(app.url("/healthz")).send().await.unwrap();
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("# TYPE http_request_duration_seconds histogram"), "{text}");
    assert!(text.contains(r#"route="/healthz",status="200",le="0.3"} 1"#), "{text}");
}

#[tokio::test]
async fn unknown_pages_are_404_with_a_real_page() {
    let app = TestApp::spawn().await;
    let r = app.http.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(r.status(), 404);
    assert!(r.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn openapi_document_describes_v1() {
    let app = TestApp::spawn().await;
    let doc: serde_json::Value =
        app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap_or_default().starts_with("3."));
    assert!(doc["paths"]["/api/v1/me"]["get"].is_object(), "{doc}");
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
}

/// One exposition sample: metric name, labels, value.
type Sample = (String, std::collections::BTreeMap<String, String>, String);

/// Parses Prometheus text exposition strictly enough to catch malformed output: every
/// sample line is `name{label="value",…} number`, and its family was declared by `# TYPE`.
fn parse_exposition(text: &str) -> Vec<Sample> {
    let mut typed = std::collections::BTreeSet::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            typed.insert(name.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        let decimal = |v: &str| {
            v.trim_start_matches('-').split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        };
        assert!(decimal(value) && value.matches('.').count() <= 1, "not a number: {line}");
        let (name, labels) = match series.split_once('{') {
            None => (series, std::collections::BTreeMap::new()),
            Some((name, rest)) => {
                let body = rest.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels: {line}"));
                let labels = body
                    .split("\",")
                    .map(|pair| {
                        let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("bad label in {line}"));
                        (k.to_owned(), v.trim_end_matches('"').to_owned())
                    })
                    .collect();
                (name, labels)
            }
        };
        let family = ["_bucket", "_sum", "_count"].iter().fold(name, |n, s| n.strip_suffix(s).unwrap_or(n));
        assert!(typed.contains(name) || typed.contains(family), "{name} has no # TYPE line");
        samples.push((name.to_owned(), labels, value.to_owned()));
    }
    samples
}

#[tokio::test]
async fn metrics_export_the_business_gauges_in_exposition_format() {
    let app = TestApp::spawn().await;
    server::cli::demo::seed_evidence(&app.state).await.unwrap();
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let samples = parse_exposition(&text);
    let value = |name: &str, labels: &[(&str, &str)]| -> Option<String> {
        samples
            .iter()
            .find(|(n, l, _)| n == name && labels.iter().all(|(k, v)| l.get(*k).map(String::as_str) == Some(*v)))
            .map(|(_, _, v)| v.clone())
    };
    // The demo's verifications: Acme's last month (on its issued invoice), its 2 API calls this
    // month (one rejected) + 40, Globex's 15.
    let verify =
        |tenant| value("trust_portal_usage_events_total", &[("tenant", tenant), ("event", "attestation.verify")]);
    let acme = 41 + server::cli::demo_invoice::DEMO_CALLS_ACME_LAST_MONTH;
    assert_eq!(verify("acme-robotics"), Some(acme.to_string()), "{text}");
    assert_eq!(verify("globex").as_deref(), Some("15"));
    assert_eq!(value("trust_portal_policy_repos", &[("state", "active")]).as_deref(), Some("21"));
    assert_eq!(value("trust_portal_policy_repos", &[("state", "adopted")]).as_deref(), Some("20"));
    assert_eq!(value("trust_portal_alerts_open", &[("kind", "policy.failed")]).as_deref(), Some("1"));
    // The ledger worker is off in tests: every usage event recorded this month (verifications and
    // downloads) waits; last month's were ledgered to issue its invoice.
    let recorded: u64 = samples
        .iter()
        .filter(|(n, _, _)| n == "trust_portal_usage_events_total")
        .map(|(_, _, v)| v.parse::<u64>().unwrap())
        .sum();
    assert!(recorded > 56, "verifications and downloads: {recorded}");
    let waiting = recorded - server::cli::demo_invoice::DEMO_CALLS_ACME_LAST_MONTH as u64;
    assert_eq!(value("trust_portal_outbox_depth", &[]), Some(waiting.to_string()));
    assert!(value("trust_portal_ledger_lag_seconds", &[]).is_some());
    // Time-to-pack has events (the demo's packs), all within budget; webhook delivery has Acme's
    // three messages, one dead after every attempt: its budget is spent.
    assert_eq!(
        value("trust_portal_slo_budget_remaining_ratio", &[("slo", "webhook-delivery")]).map(|v| v.starts_with('-')),
        Some(true)
    );
    assert_eq!(
        value("trust_portal_slo_budget_remaining_ratio", &[("slo", "time-to-pack")]).as_deref(),
        Some("1.000000")
    );
    // Nothing probed this portal: availability has no events and is left out, not reported as met.
    assert_eq!(value("trust_portal_slo_budget_remaining_ratio", &[("slo", "availability")]), None);
    assert!(parse_exposition("# TYPE x gauge\nx{a=\"1\"} 1\n").len() == 1);
}
