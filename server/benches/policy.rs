//! Policy signing costs (`cargo bench -p server --bench policy`):
//! 1. the one policy signature check, for a cosign `policy.sig` (org key) and
//!    for a keyless Sigstore bundle (an org workflow identity on a local
//!    Sigstore root: chain, SCT, log entry, identity), first signer and after
//!    two identities that do not match;
//! 2. reading `policy.tar.gz` under the archive rules;
//! 3. a release pack's whole verification with and without the policy check;
//! 4. minting one keyless bundle with the local Sigstore instance (what the drill and demo do per signature);
//! 5. the signature status report over the demo's 21 repositories, and the
//!    whole keyless rotation drill, on SQLite with the demo data.

mod support;

use app::domain::policy_signers::PolicySignerKind;
use app::ssr::policy::signers::{IdentitySigner, KeySigner, PolicyTrust};
use app::ssr::verification::local_sigstore::LocalSigstore;
use base64::Engine;
use std::sync::Arc;
use std::time::Instant;

const ISSUER: &str = "https://token.actions.githubusercontent.com";
const ORG: &str = "https://github.com/bench/.github/.github/workflows/org.policy.sign.yml@refs/heads/main";

fn identity(identity: &str, root: &Arc<sigstore_verify::trust_root::TrustedRoot>) -> IdentitySigner {
    IdentitySigner {
        identity: identity.into(),
        issuer: ISSUER.into(),
        root_name: "bench".into(),
        root: root.clone(),
        kind: PolicySignerKind::OrgWorkflow,
        override_id: None,
    }
}

fn main() {
    let policy = app::ssr::policy::bundle::build(&[
        ("policies/org.rego", b"package org.release\n\ndefault allow := false\n"),
        ("policies/data.json", br#"{"required_signers":["release-2026"]}"#),
    ])
    .expect("bundle");
    let key = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().expect("keygen");
    let key_sig = base64::engine::general_purpose::STANDARD.encode(key.sign(&policy).expect("sign").as_bytes());
    let local = LocalSigstore::new("bench").expect("local sigstore");
    let root = Arc::new(
        app::ssr::verification::engine::trusted_root_from_json(&local.trusted_root_json().expect("root"))
            .expect("root"),
    );
    let keyless_sig = local.sign_blob(ORG, ISSUER, &policy).expect("keyless");

    let key_signer = KeySigner {
        label: "policy-2026".into(),
        pem: key.public_key_der().expect("der").to_pem(),
        kind: PolicySignerKind::OrgKey,
        override_id: None,
    };
    let one = PolicyTrust { keys: vec![key_signer.clone()], identities: vec![identity(ORG, &root)], releases: vec![] };
    let third = PolicyTrust {
        keys: vec![key_signer],
        identities: vec![
            identity("https://github.com/other/a/.github/workflows/x.yml@refs/heads/main", &root),
            identity("https://github.com/other/b/.github/workflows/y.yml@refs/heads/main", &root),
            identity(ORG, &root),
        ],
        releases: vec![(3, hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&policy)))],
    };
    assert!(one.check(&policy, &key_sig).is_ok() && one.check(&policy, &keyless_sig).is_ok());
    assert!(third.check(&policy, &keyless_sig).is_ok());
    support::measure("policy.sig check: cosign, org key", 3000, || {
        let _ = one.check(&policy, &key_sig);
    });
    support::measure("policy.sig check: keyless, first identity", 500, || {
        let _ = one.check(&policy, &keyless_sig);
    });
    support::measure("policy.sig check: keyless, third identity", 300, || {
        let _ = third.check(&policy, &keyless_sig);
    });
    support::measure("policy.tar.gz archive rules (2 files)", 3000, || {
        let _ = app::ssr::policy::bundle::read_bundle(&policy);
    });

    let release = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().expect("keygen");
    let release_pem = release.public_key_der().expect("der").to_pem();
    let files = vec![
        ("policy.tar.gz".to_owned(), policy.clone()),
        ("policy.sig".to_owned(), keyless_sig.clone().into_bytes()),
        ("sbom.spdx.json".to_owned(), br#"{"spdxVersion":"SPDX-2.3"}"#.to_vec()),
    ];
    let zip = app::ssr::evidence::packs::build("bench/app", "v1.0.0", "2026-12-01T00:00:00Z", &files, |m| {
        release.sign(m).expect("sign").as_bytes().to_vec()
    })
    .expect("pack");
    let keys = [release_pem];
    assert!(app::ssr::evidence::packs::verify(&zip, &keys, None, Some(&third)).verified);
    support::measure("pack verify, policy not checked (offline)", 1000, || {
        let _ = app::ssr::evidence::packs::verify(&zip, &keys, None, None);
    });
    support::measure("pack verify with the keyless policy check", 300, || {
        let _ = app::ssr::evidence::packs::verify(&zip, &keys, None, Some(&third));
    });
    support::measure("local Sigstore: mint one keyless bundle", 300, || {
        let _ = local.sign_blob(ORG, ISSUER, &policy);
    });

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = support::demo_state(dir.path()).await;
        let mut times = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            let r = app::ssr::policy::status::report(&state, None).await.expect("report");
            times.push(t.elapsed());
            assert_eq!((r.adoption.adopted, r.adoption.active), (20, 21), "the demo's adoption");
        }
        support::summary("signature status report (21 repos, SQLite)", times);
        let mut times = Vec::new();
        for _ in 0..10 {
            let t = Instant::now();
            let drill = app::ssr::policy::keyless_drill::rotate_keyless_identity(&state, "bench").await.expect("drill");
            times.push(t.elapsed());
            assert!(drill.passed, "{drill:?}");
        }
        support::summary("keyless rotation drill, whole (SQLite)", times);
    });
}
