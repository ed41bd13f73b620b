//! Signature verification, fully offline: cosign `sign-blob` signatures made
//! with a key, and Sigstore bundles (keyless against a trusted root, or with a
//! managed key). Trust roots are data (`trusted_root.json`); the public-good
//! root ships inside the binary.
//!
//! Every check returns `Result<Verified, VerificationError>`, never a bool: a
//! [`Reason`] code for machines and a sentence for people. A keyless bundle
//! cannot be checked without both an identity and an issuer: that policy has
//! no way to be built here.

use crate::domain::unique_json::UniqueKeys;
use crate::ssr::verification::dsse::{AttestationPolicy, Envelope, StatementFacts, check_statement};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sigstore_verify::crypto::{VerificationKey, verify_signature_prehashed};
use sigstore_verify::trust_root::{SIGSTORE_PRODUCTION_TRUSTED_ROOT, SIGSTORE_STAGING_TRUSTED_ROOT, TrustedRoot};
use sigstore_verify::types::bundle::SignatureContent;
use sigstore_verify::types::{Artifact, Bundle, DerPublicKey, Sha256Hash, SignatureBytes};
use sigstore_verify::{PublicKeyVerificationPolicy, VerificationPolicy, VerificationResult, Verifier};

/// The failure vocabulary lives in the leaf [`super::reason`] (statement checks use it too).
pub use super::reason::{Reason, VerificationError, fail};

/// What was signed: the artifact's bytes, or only its SHA-256.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// The artifact itself.
    Bytes(&'a [u8]),
    /// A `sha256:` digest given instead of the artifact.
    Sha256([u8; 32]),
}

impl Subject<'_> {
    /// The SHA-256 of the subject, as lower-case hex.
    pub fn sha256_hex(&self) -> String {
        match self {
            Subject::Bytes(b) => hex::encode(Sha256::digest(b)),
            Subject::Sha256(d) => hex::encode(d),
        }
    }
}

/// Parses `sha256:<64 hex digits>`; `None` if the text is not of that form.
pub fn parse_sha256_digest(text: &str) -> Option<[u8; 32]> {
    let hex_part = text.strip_prefix("sha256:")?;
    if hex_part.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut out).ok()?;
    Some(out)
}

/// Who or what signed, as established by the verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signer {
    /// Keyless: the certificate's identity and OIDC issuer.
    Identity {
        /// SAN (e-mail or URI).
        identity: String,
        /// OIDC issuer.
        issuer: String,
    },
    /// A public key, named by the SHA-256 of its DER encoding.
    Key {
        /// `sha256:<hex>` of the SubjectPublicKeyInfo.
        key_id: String,
    },
}

/// A successful verification and what it established.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verified {
    /// SHA-256 of the verified subject, lower-case hex.
    pub subject_sha256: String,
    /// Who signed.
    pub signer: Signer,
    /// The checks that passed, in order, for people.
    pub checks: Vec<&'static str>,
    /// For attestations: what the in-toto statement says.
    pub statement: Option<StatementFacts>,
}

/// How a bundle must have been signed.
#[derive(Debug, Clone)]
pub enum BundlePolicy {
    /// Keyless: both the SAN identity and the OIDC issuer must match exactly.
    Keyless {
        /// Required certificate identity (SAN).
        identity: String,
        /// Required OIDC issuer.
        issuer: String,
    },
    /// Managed key: the signature must verify with this PEM public key.
    Key {
        /// PEM `PUBLIC KEY`.
        pem: String,
    },
}

impl BundlePolicy {
    /// A keyless policy; both parts are required and must not be blank.
    pub fn keyless(identity: Option<&str>, issuer: Option<&str>) -> Result<Self, VerificationError> {
        match (identity.map(str::trim), issuer.map(str::trim)) {
            (Some(identity), Some(issuer)) if !identity.is_empty() && !issuer.is_empty() => {
                Ok(Self::Keyless { identity: identity.into(), issuer: issuer.into() })
            }
            _ => Err(fail(
                Reason::PolicyIncomplete,
                "a keyless bundle is verified against both a certificate identity and an OIDC issuer",
            )),
        }
    }
}

/// The Sigstore public-good production root, shipped inside the binary.
pub fn public_good_root() -> Result<TrustedRoot, VerificationError> {
    trusted_root_from_json(SIGSTORE_PRODUCTION_TRUSTED_ROOT)
}

/// The Sigstore staging root, shipped inside the binary.
pub fn staging_root() -> Result<TrustedRoot, VerificationError> {
    trusted_root_from_json(SIGSTORE_STAGING_TRUSTED_ROOT)
}

/// Parses a `trusted_root.json`.
pub fn trusted_root_from_json(json: &str) -> Result<TrustedRoot, VerificationError> {
    TrustedRoot::from_json(json).map_err(|e| fail(Reason::TrustRootInvalid, format!("trusted root: {e}")))
}

/// Parses a PEM `PUBLIC KEY` into its canonical encoding (see
/// [`crate::ssr::verification::public_key`]), so one key has one id however it was spelled.
pub fn parse_key(pem: &str) -> Result<DerPublicKey, VerificationError> {
    let der = DerPublicKey::from_pem(pem.trim()).map_err(|e| fail(Reason::MalformedKey, format!("public key: {e}")))?;
    let canonical = crate::ssr::verification::public_key::canonical_spki(der.as_bytes())
        .map_err(|e| fail(Reason::MalformedKey, format!("public key: {e}")))?;
    Ok(DerPublicKey::new(canonical))
}

/// The key id the portal uses: `sha256:` of the canonical SubjectPublicKeyInfo
/// DER (keys from [`parse_key`] are canonical).
pub fn key_id(key: &DerPublicKey) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(key.as_bytes())))
}

/// Verifies a Sigstore bundle (v0.1-v0.3, message signature or DSSE) offline.
/// For a DSSE bundle, the in-toto statement must also satisfy `attestation`;
/// a non-empty `attestation` policy on a message-signature bundle is refused.
pub fn verify_bundle(
    root: &TrustedRoot,
    bundle_json: &str,
    subject: Subject<'_>,
    policy: &BundlePolicy,
    attestation: &AttestationPolicy,
) -> Result<Verified, VerificationError> {
    let bundle = read_bundle(bundle_json)?;
    let mut verified = verify_bundle_signature(root, &bundle, subject, policy)?;
    // The statement is the one inside the envelope the library just verified,
    // never one re-read from the JSON text.
    if let SignatureContent::DsseEnvelope(env) = &bundle.content {
        if env.payload_type != crate::ssr::verification::dsse::IN_TOTO_PAYLOAD_TYPE {
            return Err(fail(
                Reason::MalformedEnvelope,
                format!(
                    "payloadType is {:?}, expected {}",
                    env.payload_type,
                    crate::ssr::verification::dsse::IN_TOTO_PAYLOAD_TYPE
                ),
            ));
        }
        let facts = check_statement(env.payload.as_bytes(), &verified.subject_sha256, attestation)?;
        verified.checks.push(if attestation.is_empty() {
            "in-toto statement in the signed envelope names the artifact"
        } else {
            "in-toto statement in the signed envelope names the artifact and satisfies the policy"
        });
        verified.statement = Some(facts);
    } else if !attestation.is_empty() {
        return Err(fail(
            Reason::MalformedEnvelope,
            "the policy has attestation rules but the bundle holds a plain signature, not an attestation",
        ));
    }
    Ok(verified)
}

/// Reads a bundle strictly: no repeated key anywhere (other tools would read
/// another value than the one checked here) and exactly one kind of content.
fn read_bundle(bundle_json: &str) -> Result<Bundle, VerificationError> {
    let strict = UniqueKeys::parse(bundle_json).map_err(|e| fail(Reason::MalformedBundle, format!("bundle: {e}")))?;
    let has = |k: &str| strict.0.get(k).is_some();
    if has("messageSignature") == has("dsseEnvelope") {
        return Err(fail(
            Reason::MalformedBundle,
            "bundle: holds exactly one of messageSignature or dsseEnvelope; this one holds both or neither",
        ));
    }
    Bundle::from_json(bundle_json).map_err(|e| fail(Reason::MalformedBundle, format!("bundle: {e}")))
}

fn verify_bundle_signature(
    root: &TrustedRoot,
    bundle: &Bundle,
    subject: Subject<'_>,
    policy: &BundlePolicy,
) -> Result<Verified, VerificationError> {
    let verifier = Verifier::new(root).map_err(VerificationError::from)?;
    let artifact: Artifact<'_> = match subject {
        Subject::Bytes(b) => Artifact::from_blob(b),
        Subject::Sha256(d) => Artifact::from_digest(Sha256Hash::new(d)),
    };
    let subject_sha256 = subject.sha256_hex();
    let (signer, result) = match policy {
        BundlePolicy::Keyless { identity, issuer } => {
            let p = VerificationPolicy::new(identity.as_str(), issuer.as_str());
            let result = verifier.verify(artifact, bundle, &p)?;
            (Signer::Identity { identity: identity.clone(), issuer: issuer.clone() }, result)
        }
        BundlePolicy::Key { pem } => {
            let key = parse_key(pem)?;
            let id = key_id(&key);
            let result = verifier.verify(artifact, bundle, &PublicKeyVerificationPolicy::new(key))?;
            (Signer::Key { key_id: id }, result)
        }
    };
    let checks = bundle_checks(&result, bundle.verification_material.tlog_entries.len(), &signer);
    Ok(Verified { subject_sha256, signer, checks, statement: None })
}

/// The checks a bundle verification ran, as the library reports them: a step
/// it skipped, or one with nothing to check (a bundle without log entries),
/// is not listed.
fn bundle_checks(result: &VerificationResult, tlog_entries: usize, signer: &Signer) -> Vec<&'static str> {
    let mut checks = vec!["bundle is well-formed"];
    if result.certificate_verified() {
        checks.push("certificate chains to the trusted root and was valid at signing time");
    }
    if result.sct_verified() {
        checks.push("signed certificate timestamp verifies");
    }
    if result.tlog_verified() && tlog_entries > 0 {
        checks.push("transparency log entry verifies");
    }
    if !result.verified_timestamps().is_empty() {
        checks.push("signing time is covered by a verified timestamp");
    }
    checks.push(match signer {
        Signer::Key { .. } => "signature matches the artifact and the given key",
        Signer::Identity { .. } => "signature matches the artifact",
    });
    if matches!(signer, Signer::Identity { .. }) && result.identity_policy_checked() && result.certificate_verified() {
        checks.push("certificate identity and OIDC issuer match the policy");
    }
    checks
}

/// Verifies a cosign `sign-blob` signature (base64 DER, surrounding white
/// space tolerated) over an artifact or its SHA-256, with a PEM public key
/// (ECDSA P-256/P-384, Ed25519 for whole artifacts, RSA).
pub fn verify_blob(key_pem: &str, signature_b64: &str, subject: Subject<'_>) -> Result<Verified, VerificationError> {
    let key = parse_key(key_pem)?;
    let compact: String = signature_b64.chars().filter(|c| !c.is_whitespace()).collect();
    let sig = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| fail(Reason::MalformedSignature, format!("signature is not base64: {e}")))?;
    if sig.is_empty() {
        return Err(fail(Reason::MalformedSignature, "signature is empty"));
    }
    let vk = VerificationKey::from_spki(&key).map_err(|e| fail(Reason::MalformedKey, format!("public key: {e}")))?;
    let signature = SignatureBytes::from_bytes(&sig);
    let result = match subject {
        Subject::Bytes(b) => vk.verify(b, &signature),
        Subject::Sha256(d) => verify_signature_prehashed(&key, &d, &signature, vk.scheme()),
    };
    result.map_err(|e| fail(Reason::SignatureMismatch, format!("signature does not verify: {e}")))?;
    Ok(Verified {
        subject_sha256: subject.sha256_hex(),
        signer: Signer::Key { key_id: key_id(&key) },
        checks: vec!["public key parses", "signature is well-formed", "signature matches the artifact and the key"],
        statement: None,
    })
}

/// Verifies an in-toto attestation in a DSSE envelope signed with a key: the
/// envelope signature, the subject digest, and the optional statement policy.
pub fn verify_attestation(
    key_pem: &str,
    envelope_json: &str,
    subject: Subject<'_>,
    policy: &AttestationPolicy,
) -> Result<Verified, VerificationError> {
    let key = parse_key(key_pem)?;
    let envelope = Envelope::from_json(envelope_json)?;
    if envelope.payload_type != crate::ssr::verification::dsse::IN_TOTO_PAYLOAD_TYPE {
        return Err(fail(
            Reason::MalformedEnvelope,
            format!(
                "payloadType is {:?}, expected {}",
                envelope.payload_type,
                crate::ssr::verification::dsse::IN_TOTO_PAYLOAD_TYPE
            ),
        ));
    }
    let payload = envelope.verify(&key)?;
    let subject_sha256 = subject.sha256_hex();
    let facts = check_statement(&payload, &subject_sha256, policy)?;
    let mut checks = vec![
        "public key parses",
        "DSSE envelope signature verifies with the key",
        "in-toto statement names the artifact",
    ];
    // Only the statement rules that were given were checked.
    if policy.predicate_type.is_some() {
        checks.push("predicate type is the one required");
    }
    if policy.builder_id.is_some() {
        checks.push("built by the builder required");
    }
    if policy.source_repo.is_some() || policy.source_ref.is_some() {
        checks.push("built from the source required");
    }
    Ok(Verified { subject_sha256, signer: Signer::Key { key_id: key_id(&key) }, checks, statement: Some(facts) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigstore_verify::crypto::KeyPair;

    /// A fresh P-256 key pair and its PEM public key.
    fn key() -> (KeyPair, String) {
        let kp = KeyPair::generate_ecdsa_p256().expect("keygen");
        let pem = kp.public_key_der().expect("public key").to_pem();
        (kp, pem)
    }

    fn sign_b64(kp: &KeyPair, data: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(kp.sign(data).expect("sign").as_bytes())
    }

    #[test]
    fn cosign_blob_signature_verifies_by_bytes_and_by_digest() {
        let (kp, pem) = key();
        let artifact = b"policy.tar.gz contents";
        let sig = format!("  {}\n", sign_b64(&kp, artifact));
        let v = verify_blob(&pem, &sig, Subject::Bytes(artifact)).expect("verifies, whitespace tolerated");
        assert_eq!(v.subject_sha256, hex::encode(Sha256::digest(artifact)));
        assert!(matches!(v.signer, Signer::Key { ref key_id } if key_id.starts_with("sha256:")));
        let digest: [u8; 32] = Sha256::digest(artifact).into();
        verify_blob(&pem, &sig, Subject::Sha256(digest)).expect("verifies from the digest");
    }

    #[test]
    fn each_cosign_failure_has_its_reason() {
        let (kp, pem) = key();
        let (_, other_pem) = key();
        let artifact = b"release.tar.gz";
        let sig = sign_b64(&kp, artifact);
        let reason =
            |pem: &str, sig: &str, data: &[u8]| verify_blob(pem, sig, Subject::Bytes(data)).unwrap_err().reason;
        assert_eq!(reason(&pem, &sig, b"release.tar.gz (tampered)"), Reason::SignatureMismatch);
        assert_eq!(reason(&other_pem, &sig, artifact), Reason::SignatureMismatch);
        assert_eq!(reason(&pem, "!!not base64!!", artifact), Reason::MalformedSignature);
        assert_eq!(reason(&pem, "", artifact), Reason::MalformedSignature);
        assert_eq!(reason(&pem, "AAAA", artifact), Reason::SignatureMismatch);
        assert_eq!(
            reason("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----", &sig, artifact),
            Reason::MalformedKey
        );
        assert_eq!(reason("not a key", &sig, artifact), Reason::MalformedKey);
    }

    #[test]
    fn digests_parse_strictly() {
        let hex64 = "ab".repeat(32);
        assert!(parse_sha256_digest(&format!("sha256:{hex64}")).is_some());
        assert!(parse_sha256_digest(&hex64).is_none());
        assert!(parse_sha256_digest(&format!("sha256:{}", &hex64[1..])).is_none());
        assert!(parse_sha256_digest(&format!("sha256:{}", "zz".repeat(32))).is_none());
        assert!(parse_sha256_digest(&format!("sha512:{hex64}")).is_none());
    }

    #[test]
    fn keyless_policy_needs_identity_and_issuer() {
        for (i, o) in [(None, Some("https://issuer")), (Some("me"), None), (Some(" "), Some("x")), (None, None)] {
            assert_eq!(BundlePolicy::keyless(i, o).unwrap_err().reason, Reason::PolicyIncomplete);
        }
        assert!(BundlePolicy::keyless(Some("me"), Some("https://issuer")).is_ok());
    }

    /// Conformance vectors (see `scripts/conformance.sh` for the whole suite).
    fn case(name: &str, file: &str) -> String {
        let root = std::env::var("PORTAL_VECTORS_DIR")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into());
        let path = format!("{root}/sigstore-conformance/test/assets/bundle-verify/{name}/{file}");
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("test vectors missing at {path}: {e}"))
    }

    const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    const ISSUER: &str = "https://token.actions.githubusercontent.com";

    #[test]
    fn keyless_bundle_checks_identity_issuer_and_artifact() {
        let root = public_good_root().expect("embedded root");
        let bundle = case("happy-path-v0.3", "bundle.sigstore.json");
        let artifact = case("../", "a.txt");
        let policy = |i: &str, o: &str| BundlePolicy::keyless(Some(i), Some(o)).expect("policy");
        let ok = verify_bundle(
            &root,
            &bundle,
            Subject::Bytes(artifact.as_bytes()),
            &policy(IDENTITY, ISSUER),
            &AttestationPolicy::default(),
        )
        .expect("valid");
        assert_eq!(ok.signer, Signer::Identity { identity: IDENTITY.into(), issuer: ISSUER.into() });
        let err = |p: BundlePolicy, data: &[u8]| {
            verify_bundle(&root, &bundle, Subject::Bytes(data), &p, &AttestationPolicy::default()).unwrap_err()
        };
        assert_eq!(
            err(policy("https://github.com/evil/repo", ISSUER), artifact.as_bytes()).reason,
            Reason::IdentityMismatch
        );
        assert_eq!(
            err(policy(IDENTITY, "https://accounts.google.com"), artifact.as_bytes()).reason,
            Reason::IssuerMismatch
        );
        let tampered = err(policy(IDENTITY, ISSUER), b"not the artifact");
        assert!(matches!(tampered.reason, Reason::DigestMismatch | Reason::SignatureMismatch), "{tampered:?}");
        let garbage = verify_bundle(
            &root,
            "{\"not\":\"a bundle\"}",
            Subject::Bytes(b""),
            &policy(IDENTITY, ISSUER),
            &AttestationPolicy::default(),
        );
        assert_eq!(garbage.unwrap_err().reason, Reason::MalformedBundle);
    }

    #[test]
    fn bundle_checks_list_only_what_the_library_verified() {
        let root = public_good_root().expect("embedded root");
        let artifact = case("../", "a.txt");
        let keyless = verify_bundle(
            &root,
            &case("happy-path-v0.3", "bundle.sigstore.json"),
            Subject::Bytes(artifact.as_bytes()),
            &BundlePolicy::keyless(Some(IDENTITY), Some(ISSUER)).expect("policy"),
            &AttestationPolicy::default(),
        )
        .expect("valid");
        for claim in ["certificate chains", "signed certificate timestamp", "transparency log entry"] {
            assert!(keyless.checks.iter().any(|c| c.starts_with(claim)), "{claim}: {:?}", keyless.checks);
        }
        // A managed-key bundle: its log entry is checked, no certificate is claimed.
        let pem = case("managed-key-happy-path", "key.pub");
        let managed = case("managed-key-happy-path", "bundle.sigstore.json");
        let key = |json: &str| {
            verify_bundle(
                &root,
                json,
                Subject::Bytes(artifact.as_bytes()),
                &BundlePolicy::Key { pem: pem.clone() },
                &AttestationPolicy::default(),
            )
        };
        let v = key(&managed).expect("valid");
        assert!(v.checks.contains(&"transparency log entry verifies"), "{:?}", v.checks);
        assert!(!v.checks.iter().any(|c| c.contains("certificate")), "no certificate was involved: {:?}", v.checks);
        // Without its log entries the bundle is refused, not passed with the claim dropped silently.
        let mut stripped: serde_json::Value = serde_json::from_str(&managed).expect("json");
        stripped["verificationMaterial"]["tlogEntries"] = serde_json::json!([]);
        assert_eq!(key(&stripped.to_string()).unwrap_err().reason, Reason::MalformedBundle);
    }

    #[test]
    fn managed_key_bundle_needs_the_right_key() {
        let root = public_good_root().expect("embedded root");
        let bundle = case("managed-key-happy-path", "bundle.sigstore.json");
        let pem = case("managed-key-happy-path", "key.pub");
        let artifact = case("../", "a.txt");
        verify_bundle(
            &root,
            &bundle,
            Subject::Bytes(artifact.as_bytes()),
            &BundlePolicy::Key { pem },
            &AttestationPolicy::default(),
        )
        .expect("valid");
        let (_, other) = key();
        let wrong = verify_bundle(
            &root,
            &bundle,
            Subject::Bytes(artifact.as_bytes()),
            &BundlePolicy::Key { pem: other },
            &AttestationPolicy::default(),
        );
        assert!(wrong.is_err(), "another key must not verify");
    }
}
