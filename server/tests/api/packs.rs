//! Evidence packs through the API: upload, verify, download (metered), isolation.

use crate::helpers::TestApp;
use app::ssr::evidence::packs;
use base64::Engine;
use serde_json::{Value, json};
use sigstore_verify::crypto::KeyPair;

const PACK: &str = "/api/v1/repos/acme/firmware/releases/v1.0.0/pack";

/// A new API key of the tenant whose admin is `admin`.
pub async fn tenant_key(app: &TestApp, admin: &str) -> String {
    let cookie = app.login(admin).await;
    app.create_key(&cookie, "pack tests").await.1
}

fn pack_signed_by(kp: &KeyPair, sbom: &[u8]) -> Vec<u8> {
    pack_for_tag(kp, "v1.0.0", sbom)
}

/// A pack of `acme/firmware@tag` signed by `kp`.
pub fn pack_for_tag(kp: &KeyPair, tag: &str, sbom: &[u8]) -> Vec<u8> {
    let policy = b"policy bundle".to_vec();
    let sig = base64::engine::general_purpose::STANDARD.encode(kp.sign(&policy).unwrap().as_bytes());
    let files = vec![
        ("policy.tar.gz".to_owned(), policy),
        ("policy.tar.gz.sig".to_owned(), sig.into_bytes()),
        ("sbom.spdx.json".to_owned(), sbom.to_vec()),
    ];
    packs::build("acme/firmware", tag, "2026-11-29T00:00:00Z", &files, |m| kp.sign(m).unwrap().as_bytes().to_vec())
        .unwrap()
}

/// Uploads a pack; returns the status and JSON answer.
pub async fn upload(app: &TestApp, key: &str, path: &str, zip: Vec<u8>) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(path))
        .bearer_auth(key)
        .header("content-type", "application/zip")
        .body(zip)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn packs_are_verified_stored_downloaded_and_kept_per_tenant() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let pem = kp.public_key_der().unwrap().to_pem();
    let add = json!({"name": "release", "public_key_pem": pem});
    let r = app.http.post(app.url("/api/v1/signing-keys")).bearer_auth(&acme).json(&add).send().await.unwrap();
    assert_eq!(r.status(), 201);

    let zip = pack_signed_by(&kp, b"{\"spdxVersion\":\"SPDX-2.3\"}");
    let (status, v) = upload(&app, &acme, PACK, zip.clone()).await;
    assert_eq!(status, 201, "{v}");
    assert_eq!(v["status"], "verified");
    assert!(
        v["report"]["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["check"] == "policy.tar.gz.sig signs policy.tar.gz" && c["status"] == "passed")
    );
    let (status, _) = upload(&app, &acme, PACK, zip.clone()).await;
    assert_eq!(status, 200, "an identical retry changes nothing");
    let (status, v) = upload(&app, &acme, PACK, pack_signed_by(&kp, b"{}")).await;
    assert_eq!((status, v["error"]["code"].as_str()), (409, Some("conflict")), "a release's evidence is immutable");

    let r = app.http.get(app.url(PACK)).bearer_auth(&acme).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/zip");
    assert_eq!(r.bytes().await.unwrap().to_vec(), zip);
    let acme_org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let events = app.state.db.usage_events(&acme_org, 10).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.event == "portal.download").count(), 1, "the download is metered once");

    for path in [PACK.to_owned(), format!("{PACK}/report")] {
        let r = app.http.get(app.url(&path)).bearer_auth(&globex).send().await.unwrap();
        assert_eq!(r.status(), 404, "globex never sees acme's pack at {path}");
    }
    // Acme proved acme/firmware with a verified pack: the name is acme's, and globex's upload is refused.
    let (status, v) = upload(&app, &globex, PACK, zip).await;
    assert_eq!(status, 409, "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("belongs to another tenant"), "{v}");
    let globex_org = app.state.db.org_by_slug("globex").await.unwrap().unwrap().id;
    assert!(app.state.db.repo(&globex_org, "acme/firmware").await.unwrap().is_none(), "nothing registered for globex");
}

#[tokio::test]
async fn hostile_and_mislabelled_packs_are_refused_with_the_rule() {
    let app = TestApp::spawn().await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    let pem = kp.public_key_der().unwrap().to_pem();
    app.http
        .post(app.url("/api/v1/signing-keys"))
        .bearer_auth(&acme)
        .json(&json!({"name": "release", "public_key_pem": pem}))
        .send()
        .await
        .unwrap();

    let (status, v) =
        upload(&app, &acme, "/api/v1/repos/acme/firmware/releases/v9.9.9/pack", pack_signed_by(&kp, b"{}")).await;
    assert_eq!((status, v["reason"].as_str()), (422, Some("pack_release_mismatch")), "{v}");

    let mut slip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    slip.start_file("../../outside", zip::write::SimpleFileOptions::default()).unwrap();
    std::io::Write::write_all(&mut slip, b"x").unwrap();
    let (status, v) =
        upload(&app, &acme, "/api/v1/repos/acme/firmware/releases/v2/pack", slip.finish().unwrap().into_inner()).await;
    assert_eq!((status, v["reason"].as_str()), (422, Some("zip_unsafe_path")), "{v}");

    let (status, v) = upload(&app, &acme, "/api/v1/repos/acme/firmware/releases/v3/pack", b"not a zip".to_vec()).await;
    assert_eq!((status, v["reason"].as_str()), (422, Some("zip_invalid")), "{v}");

    let (status, v) =
        upload(&app, &acme, "/api/v1/repos/acme/firmware/releases/v4/pack", vec![0u8; 33 * 1024 * 1024]).await;
    assert_eq!((status, v["error"]["code"].as_str()), (413, Some("payload_too_large")));

    let (status, v) = upload(&app, &acme, "/api/v1/repos/acme/firm%20ware/releases/v5/pack", b"x".to_vec()).await;
    assert_eq!((status, v["error"]["code"].as_str()), (400, Some("invalid_input")), "{v}");
}

#[tokio::test]
async fn uploads_stop_at_the_tenants_quota_and_store_nothing() {
    // The demo seed uploads some of acme's packs today; the quota leaves room for two more.
    let probe = TestApp::spawn().await;
    let org = probe.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    let (seeded, _) = probe.state.db.pack_usage(&org, probe.state.now_ms() - 86_400_000).await.unwrap();
    let quota = u32::try_from(seeded + 2).unwrap();
    let app = TestApp::spawn_with(|c| c.pack_uploads_per_day = quota).await;
    let acme = tenant_key(&app, "admin@acme.demo").await;
    let kp = KeyPair::generate_ecdsa_p256().unwrap();
    for tag in ["v1.0.0", "v1.0.1"] {
        let path = format!("/api/v1/repos/acme/firmware/releases/{tag}/pack");
        let (status, v) = upload(&app, &acme, &path, pack_for_tag(&kp, tag, b"{}")).await;
        assert!(status == 201 || status == 422, "{v}");
    }
    let path = "/api/v1/repos/acme/firmware/releases/v1.0.2/pack";
    let (status, v) = upload(&app, &acme, path, pack_for_tag(&kp, "v1.0.2", b"{}")).await;
    assert_eq!((status, v["error"]["code"].as_str()), (429, Some("rate_limited")), "{v}");
    assert!(v["error"]["message"].as_str().unwrap().contains("Pack quota"), "{v}");
    let acme_org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap().id;
    assert!(app.state.db.pack(&acme_org, "acme/firmware", "v1.0.2").await.unwrap().is_none());
    let globex = tenant_key(&app, "admin@globex.demo").await;
    let path = "/api/v1/repos/globex/app/releases/v1.0.0/pack";
    let (status, _) = upload(&app, &globex, path, pack_for_tag(&kp, "v1.0.0", b"{}")).await;
    assert_ne!(status, 429, "quotas are per tenant");
}
