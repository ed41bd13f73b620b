//! The Standard Webhooks vectors (`$PORTAL_VECTORS_DIR/standard-webhooks`): the
//! upstream known answer and the behaviour cases, signed and verified by the portal's code.

use app::ssr::webhooks::scheme::{Secret, verify};
use serde_json::Value;

fn vectors() -> Value {
    let dir = std::env::var("PORTAL_VECTORS_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into());
    let path = format!("{dir}/standard-webhooks/vectors.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("test vectors missing at {path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_known_answer_matches() {
    let v = vectors();
    let k = &v["known_answer"];
    let secret = Secret::parse(k["secret"].as_str().unwrap()).unwrap();
    let sig = secret.sign(
        k["msg_id"].as_str().unwrap(),
        k["timestamp"].as_i64().unwrap(),
        k["payload"].as_str().unwrap().as_bytes(),
    );
    assert_eq!(sig, k["expected_signature"].as_str().unwrap());
}

#[test]
fn every_behaviour_case_is_accepted_or_refused_as_expected() {
    let v = vectors();
    let b = &v["behaviour_cases"];
    let now = b["now"].as_i64().unwrap();
    let cases = b["cases"].as_array().unwrap();
    assert!(cases.len() >= 12);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let secret = case["secret_override"].as_str().or(b["secret"].as_str()).unwrap();
        let payload = case["payload_override"].as_str().or(b["payload"].as_str()).unwrap();
        let h = &case["headers"];
        let result = verify(
            &Secret::parse(secret).unwrap(),
            h["webhook-id"].as_str(),
            h["webhook-timestamp"].as_str(),
            h["webhook-signature"].as_str(),
            payload.as_bytes(),
            now,
        );
        let expect_ok = case["expect"] == "ok";
        assert_eq!(result.is_ok(), expect_ok, "case {name:?}: {result:?}");
    }
}

#[tokio::test]
async fn the_guarded_client_checks_the_address_it_connects_to() {
    use app::ssr::webhooks::ssrf::{OutboundPolicy, Subnet};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        axum::serve(listener, axum::Router::new().route("/", axum::routing::get(|| async { "hi" }))).await
    });
    // A name (not an IP literal) passes the URL check; its DNS answer is checked too:
    // with only ::1 allowlisted, localhost's 127.0.0.1 answer is loopback and is refused.
    let url = format!("http://localhost:{port}/");
    let dev = OutboundPolicy { allow_http: true, allowlist: vec![Subnet::parse("::1").unwrap()] };
    assert!(dev.check_url(&url).is_ok());
    let err = dev.client().unwrap().get(&url).send().await.unwrap_err();
    let chain = format!("{err:?}");
    assert!(chain.contains("loopback"), "refused at resolution: {chain}");
    // The operator allowlist opens it (development and tests).
    let open = OutboundPolicy {
        allow_http: true,
        allowlist: vec![Subnet::parse("127.0.0.0/8").unwrap(), Subnet::parse("::1").unwrap()],
    };
    let body = open.client().unwrap().get(&url).send().await.unwrap().text().await.unwrap();
    assert_eq!(body, "hi");
}

#[tokio::test]
async fn a_name_resolving_to_loopback_is_refused_by_the_guard_with_its_reason() {
    use app::ssr::webhooks::ssrf::{Outbound, OutboundPolicy};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new()).await });
    let out = Outbound::new(OutboundPolicy { allow_http: true, allowlist: vec![] });
    let secret = Secret::parse(&Secret::generate()).unwrap();
    let e =
        app::ssr::webhooks::delivery::send(&out, &format!("http://localhost:{port}/"), &[secret], "msg_1", 0, b"{}")
            .await
            .unwrap_err();
    assert_eq!(e.reason, "ssrf_refused", "{e:?}");
    assert!(e.message.contains("loopback"), "{e:?}");
}
