//! Onboarding and webhook delivery costs (`cargo bench -p server --bench onboarding`).
//!
//! Against a fresh SQLite database with the demo organisations, a local
//! releases server and a local webhook receiver (real HTTP on loopback):
//! 1. signed webhook deliveries through the SSRF-guarded sender, one after
//!    another (per-delivery latency and rate);
//! 2. complete onboardings through the state machine (invitation, five steps),
//!    timing each step (step 1 hashes the admin's password with argon2id;
//!    step 4 downloads and verifies a release pack).

mod support;

use app::domain::onboarding::RepoSource;
use app::ssr::onboarding::{StepInput, Via, create_invitation, submit};
use app::ssr::webhooks::scheme::Secret;
use app::ssr::webhooks::ssrf::{Outbound, OutboundPolicy, Subnet};
use app::ssr::{AppState, config::PortalConfig, store::Db};
use base64::Engine;
use sigstore_verify::crypto::KeyPair;
use std::time::{Duration, Instant};

const DELIVERIES: usize = 1000;
const ONBOARDINGS: usize = 20;

async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let receiver = serve(axum::Router::new().route("/hook", axum::routing::post(|| async { "" }))).await;
        let hook = format!("{receiver}/hook");

        // 1. The sender alone.
        let guard = Outbound::new(OutboundPolicy {
            allow_http: true,
            allowlist: vec![Subnet::parse("127.0.0.0/8").expect("subnet")],
        });
        let secrets = [Secret::parse(&Secret::generate()).expect("secret")];
        let body = br#"{"type":"bench","data":{"n":1}}"#;
        let mut times = Vec::with_capacity(DELIVERIES);
        let started = Instant::now();
        for i in 0..DELIVERIES {
            let t = Instant::now();
            app::ssr::webhooks::delivery::send(&guard, &hook, &secrets, &format!("msg_{i}"), 1_795_000_000, body)
                .await
                .expect("delivered");
            times.push(t.elapsed());
        }
        let rate = u128::try_from(DELIVERIES).expect("n") * 1_000_000 / started.elapsed().as_micros().max(1);
        support::summary("signed webhook delivery", times);
        println!("{:<28} {rate} deliveries/s, one at a time", "");

        // 2. Whole onboardings.
        let kp = KeyPair::generate_ecdsa_p256().expect("key");
        let files = vec![("sbom.spdx.json".to_owned(), br#"{"spdxVersion":"SPDX-2.3"}"#.to_vec())];
        // One repository per onboarding: a repository proven by one tenant is refused to the next.
        let packs: std::collections::HashMap<String, Vec<u8>> = (0..ONBOARDINGS)
            .map(|i| {
                let name = format!("app-{i}");
                let pack = app::ssr::evidence::packs::build(
                    &format!("bench/{name}"),
                    "v1.0.0",
                    "2026-12-01T00:00:00Z",
                    &files,
                    |m| kp.sign(m).expect("sign").as_bytes().to_vec(),
                )
                .expect("pack");
                (name, pack)
            })
            .collect();
        let packs = std::sync::Arc::new(packs);
        let forge_router = axum::Router::new()
            .route(
                "/api/v3/repos/bench/{name}/releases/latest",
                axum::routing::get(
                    |axum::extract::State(base): axum::extract::State<String>,
                     axum::extract::Path(name): axum::extract::Path<String>| async move {
                        axum::Json(serde_json::json!({
                            "tag_name": "v1.0.0",
                            "assets": [{"name": format!("{name}-v1.0.0.pack.zip"), "browser_download_url": format!("{base}/packs/{name}.zip")}],
                        }))
                    },
                ),
            )
            .route(
                "/packs/{file}",
                axum::routing::get(move |axum::extract::Path(file): axum::extract::Path<String>| {
                    let pack = file.strip_suffix(".zip").and_then(|name| packs.get(name)).cloned().unwrap_or_default();
                    async move { pack }
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let forge = format!("http://{}", listener.local_addr().expect("addr"));
        let state_base = forge.clone();
        tokio::spawn(async move { axum::serve(listener, forge_router.with_state(state_base)).await });

        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite:{}", dir.path().join("bench.db").display());
        let db = Db::connect(&url).await.expect("db");
        let config = PortalConfig {
            database_url: app::ssr::config::DatabaseUrl(url),
            outbound_allowlist: vec![Subnet::parse("127.0.0.0/8").expect("subnet")],
            releases_api_url: format!("{forge}/api/v3"),
            ..PortalConfig::default()
        };
        let options =
            server::startup::leptos_options(concat!(env!("CARGO_MANIFEST_DIR"), "/../Leptos.toml")).expect("options");
        let state = AppState::new(db, config, options);
        server::cli::demo::seed(&state).await.expect("seed");
        let policy_key = KeyPair::generate_ecdsa_p256().expect("key");
        let pem = policy_key.public_key_der().expect("der").to_pem();
        app::ssr::policy::ingest::add_policy_key(&state, "bench", "policy-bench", &pem, None)
            .await
            .expect("policy key");
        let bundle = app::ssr::policy::bundle::build(&[("policies/org.rego", b"package org\n")]).expect("bundle");
        let sig = base64::engine::general_purpose::STANDARD.encode(policy_key.sign(&bundle).expect("sign").as_bytes());
        app::ssr::policy::ingest::publish_release(&state, "bench", 1, bundle, sig).await.expect("publish");
        let release_pem = kp.public_key_der().expect("der").to_pem();

        let mut per_step: Vec<Vec<Duration>> = vec![Vec::new(); 5];
        let mut whole = Vec::new();
        for i in 0..ONBOARDINGS {
            let (_, token) = create_invitation(&state, "bench", &format!("Bench {i}"), 7).await.expect("invite");
            let inputs = [
                StepInput::Details {
                    name: format!("Bench {i}"),
                    slug: format!("bench-{i}"),
                    plan: "pro".into(),
                    admin_name: "Bench".into(),
                    admin_email: format!("bench{i}@bench.example"),
                    admin_password: "a long bench password".into(),
                },
                StepInput::Webhook { url: hook.clone() },
                StepInput::Policy { version: 1 },
                StepInput::Repository {
                    repo: format!("bench/app-{i}"),
                    source: RepoSource::Releases,
                    public_key: Some(release_pem.clone()),
                    pack: None,
                },
                StepInput::Finish,
            ];
            let all = Instant::now();
            for (n, input) in inputs.into_iter().enumerate() {
                let t = Instant::now();
                let done = submit(&state, &token, input, Via::Cli).await.expect("step");
                assert!(done.view.failure.is_none(), "step {} failed: {:?}", n + 1, done.view.failure);
                per_step[n].push(t.elapsed());
            }
            whole.push(all.elapsed());
        }
        let names = [
            "step 1 tenant + admin",
            "step 2 webhook test",
            "step 3 policy signature",
            "step 4 fetch + verify pack",
            "step 5 entitlements + key",
        ];
        for (name, d) in names.iter().zip(per_step) {
            support::summary(name, d);
        }
        support::summary("whole onboarding (5 steps)", whole);
    });
}
