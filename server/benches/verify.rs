//! In-process verification cost, per operation (`cargo bench -p server --bench verify`).
//!
//! Measures the engine the Attestation API calls: a cosign `sign-blob`
//! signature (ECDSA P-256, 1 KiB artifact) and a keyless Sigstore bundle
//! (the conformance suite's happy-path v0.3, against the embedded public-good
//! root), and on their own the integrity checks inside them: canonical key
//! re-encoding and the duplicate-key check of a bundle. Prints mean and
//! percentiles over many runs after a warm-up.
//!
//! Last, the keyless bundle's signature floor (issue 19's yardstick): the
//! signature checks that depend on the request, done raw with aws-lc-rs (the
//! library sigstore-verify uses here) over 1 KiB messages: the leaf
//! certificate's signature by the Fulcio intermediate (ECDSA P-384, SHA-384),
//! and four ECDSA P-256 checks (the SCT, the Rekor SET, the checkpoint, the
//! artifact signature). The chain from the intermediate to the root is the
//! same for every request and is not part of the floor.
//!
//! The cosign floor (the yardstick of the metered API call's CPU): one raw
//! P-256 verify plus one raw Ed25519 signature over a receipt-sized message
//! (what the receipt signer does). `cargo bench -p server --bench verify -- floor`
//! prints only the raw operations and the floors, for `bench/http-verify.sh`.

use app::ssr::verification::engine::{self, BundlePolicy, Subject};
use aws_lc_rs::signature;
use base64::Engine;
use std::time::{Duration, Instant};

/// Runs `op` `iterations` times after a tenth as many warm-up runs, prints the
/// figures and returns the mean.
fn measure(name: &str, iterations: u32, mut op: impl FnMut()) -> Duration {
    for _ in 0..iterations / 10 {
        op();
    }
    let mut samples: Vec<Duration> = (0..iterations)
        .map(|_| {
            let t = Instant::now();
            op();
            t.elapsed()
        })
        .collect();
    samples.sort_unstable();
    let total: Duration = samples.iter().sum();
    let pct = |p: usize| samples[(samples.len() * p / 100).min(samples.len() - 1)];
    println!(
        "{name:<34} n={iterations:<6} mean={:>9.1?} p50={:>9.1?} p99={:>9.1?} ops/s/core={}",
        total / iterations,
        pct(50),
        pct(99),
        u128::from(iterations) * 1_000_000_000 / total.as_nanos().max(1)
    );
    total / iterations
}

fn main() {
    let floor_only = std::env::args().skip(1).any(|a| a == "floor");
    if !floor_only {
        engine_figures();
    }
    let p384 = raw_check(&signature::ECDSA_P384_SHA384_ASN1_SIGNING, &signature::ECDSA_P384_SHA384_ASN1);
    let p256 = raw_check(&signature::ECDSA_P256_SHA256_ASN1_SIGNING, &signature::ECDSA_P256_SHA256_ASN1);
    let t384 = measure("  raw ECDSA P-384 verify (aws-lc-rs)", 5000, || assert!(p384()));
    let t256 = measure("  raw ECDSA P-256 verify (aws-lc-rs)", 5000, || assert!(p256()));
    let receipt = raw_receipt_signature();
    let tsign = measure("  raw Ed25519 sign, 2 KiB (receipt)", 5000, receipt);
    let floor = t384 + 4 * t256;
    println!(
        "keyless bundle signature floor (1 x P-384 + 4 x P-256): {floor:.1?} = {} verifications per CPU-second; \
         target for the portal over HTTP: >= {} (floor / 1.25)",
        1_000_000_000 / floor.as_nanos().max(1),
        800_000_000 / floor.as_nanos().max(1),
    );
    println!("cosign floor (raw P-256 verify + raw receipt signature): {} us", (t256 + tsign).as_micros());
}

/// The engine's own figures: whole verifications and the integrity checks inside them.
fn engine_figures() {
    let vectors = std::env::var("PORTAL_VECTORS_DIR")
        .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into());
    let read =
        |p: &str| std::fs::read_to_string(format!("{vectors}/sigstore-conformance/test/assets/{p}")).expect("vectors");

    let kp = sigstore_verify::crypto::KeyPair::generate_ecdsa_p256().expect("keygen");
    let pem = kp.public_key_der().expect("key").to_pem();
    let artifact = vec![7u8; 1024];
    let sig = base64::engine::general_purpose::STANDARD.encode(kp.sign(&artifact).expect("sign").as_bytes());
    engine::verify_blob(&pem, &sig, Subject::Bytes(&artifact)).expect("valid blob");
    measure("cosign blob, P-256, 1 KiB", 5000, || {
        let _ = engine::verify_blob(&pem, &sig, Subject::Bytes(&artifact));
    });

    let root = engine::public_good_root().expect("root");
    let bundle = read("bundle-verify/happy-path-v0.3/bundle.sigstore.json");
    let a = read("a.txt");
    let policy = BundlePolicy::keyless(
        Some("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main"),
        Some("https://token.actions.githubusercontent.com"),
    )
    .expect("policy");
    engine::verify_bundle(&root, &bundle, Subject::Bytes(a.as_bytes()), &policy, &Default::default())
        .expect("valid bundle");
    measure("sigstore bundle v0.3, keyless", 500, || {
        let _ = engine::verify_bundle(&root, &bundle, Subject::Bytes(a.as_bytes()), &policy, &Default::default());
    });
    measure("trusted root parse (public good)", 500, || {
        let _ = engine::public_good_root();
    });
    measure("  verifier preparation (keys, CAs)", 500, || {
        let _ = sigstore_verify::Verifier::new(&root);
    });

    // The integrity checks on their own, to compare with the whole verifications above.
    let der = kp.public_key_der().expect("key");
    measure("  canonical key re-encoding (P-256)", 5000, || {
        let _ = app::ssr::verification::public_key::canonical_spki(der.as_bytes());
    });
    measure("  duplicate-key check of the bundle", 2000, || {
        let _ = app::domain::unique_json::UniqueKeys::parse(&bundle);
    });
}

/// A raw Ed25519 signature over a 2 KiB message, the size of a receipt's
/// signed payload (PAE of a keyless receipt statement), as the receipt signer makes it.
fn raw_receipt_signature() -> impl Fn() {
    let doc = signature::Ed25519KeyPair::generate_pkcs8(&aws_lc_rs::rand::SystemRandom::new()).expect("keygen");
    let pair = signature::Ed25519KeyPair::from_pkcs8(doc.as_ref()).expect("key");
    let message = vec![42u8; 2048];
    move || {
        let _ = pair.sign(&message);
    }
}

/// One raw signature check: a fresh key pair of `signing`, a signature over a
/// 1 KiB message, and a closure that verifies it (true when it verifies).
fn raw_check(
    signing: &'static signature::EcdsaSigningAlgorithm,
    verifying: &'static signature::EcdsaVerificationAlgorithm,
) -> impl Fn() -> bool {
    use signature::KeyPair;
    let pair = signature::EcdsaKeyPair::generate(signing).expect("keygen");
    let message = vec![42u8; 1024];
    let sig = pair.sign(&aws_lc_rs::rand::SystemRandom::new(), &message).expect("sign").as_ref().to_vec();
    let public = signature::UnparsedPublicKey::new(verifying, pair.public_key().as_ref().to_vec());
    move || public.verify(&message, &sig).is_ok()
}
