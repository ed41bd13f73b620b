//! DSSE envelopes and in-toto statements: the wire format of provenance
//! attestations (SLSA) and of the portal's own signed receipts.
//!
//! A DSSE signature covers the pre-authentication encoding (PAE) of the
//! payload type and payload, never the JSON around them, so verification does
//! not depend on how the envelope was serialised.

use crate::ssr::verification::reason::{Reason, VerificationError, fail};
pub use crate::ssr::verification::rules::AttestationPolicy;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sigstore_verify::crypto::VerificationKey;
use sigstore_verify::types::{DerPublicKey, SignatureBytes};

/// The payload type of in-toto statements.
pub const IN_TOTO_PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// A DSSE envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// Media type of the payload.
    pub payload_type: String,
    /// The payload, standard base64.
    pub payload: String,
    /// One or more signatures over PAE(payloadType, payload).
    pub signatures: Vec<EnvelopeSignature>,
}

/// One signature of an envelope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvelopeSignature {
    /// Hint naming the key (not trusted; only the signature is).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub keyid: String,
    /// The signature, standard base64.
    pub sig: String,
}

/// The bytes a DSSE signature covers (shared with the browser's receipt check).
pub use crate::domain::receipt_check::pae;

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

impl Envelope {
    /// Parses an envelope from JSON, naming what is wrong.
    pub fn from_json(json: &str) -> Result<Self, VerificationError> {
        let env: Envelope =
            serde_json::from_str(json).map_err(|e| fail(Reason::MalformedEnvelope, format!("DSSE envelope: {e}")))?;
        if env.signatures.is_empty() {
            return Err(fail(Reason::MalformedEnvelope, "DSSE envelope has no signatures"));
        }
        Ok(env)
    }

    /// Builds an envelope signed by `sign` (which signs the PAE bytes).
    pub fn sign(payload_type: &str, payload: &[u8], keyid: &str, sign: impl FnOnce(&[u8]) -> Vec<u8>) -> Self {
        let sig = sign(&pae(payload_type, payload));
        Self {
            payload_type: payload_type.to_owned(),
            payload: b64().encode(payload),
            signatures: vec![EnvelopeSignature { keyid: keyid.to_owned(), sig: b64().encode(sig) }],
        }
    }

    /// The decoded payload.
    pub fn payload_bytes(&self) -> Result<Vec<u8>, VerificationError> {
        b64()
            .decode(self.payload.trim())
            .map_err(|e| fail(Reason::MalformedEnvelope, format!("DSSE payload is not base64: {e}")))
    }

    /// Checks that one of the signatures verifies with `key`; returns the payload.
    pub fn verify(&self, key: &DerPublicKey) -> Result<Vec<u8>, VerificationError> {
        let payload = self.payload_bytes()?;
        let vk = VerificationKey::from_spki(key).map_err(|e| fail(Reason::MalformedKey, format!("public key: {e}")))?;
        let message = pae(&self.payload_type, &payload);
        let verified = self.signatures.iter().any(|s| {
            b64().decode(s.sig.trim()).is_ok_and(|sig| vk.verify(&message, &SignatureBytes::from_bytes(&sig)).is_ok())
        });
        if verified {
            Ok(payload)
        } else {
            Err(fail(Reason::SignatureMismatch, "no signature of the DSSE envelope verifies with the key"))
        }
    }
}

/// What an accepted statement says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementFacts {
    /// The statement's `predicateType`.
    pub predicate_type: String,
    /// The builder id, when the predicate is SLSA provenance.
    pub builder_id: Option<String>,
}

/// Checks an in-toto statement: the subject digest is one of its subjects and
/// every rule of `policy` holds.
pub fn check_statement(
    payload: &[u8],
    subject_sha256: &str,
    policy: &AttestationPolicy,
) -> Result<StatementFacts, VerificationError> {
    let statement = crate::domain::unique_json::UniqueKeys::parse_slice(payload)
        .map_err(|e| fail(Reason::MalformedEnvelope, format!("in-toto statement is not valid JSON: {e}")))?
        .0;
    let subjects = statement["subject"]
        .as_array()
        .ok_or_else(|| fail(Reason::MalformedEnvelope, "in-toto statement has no subject list"))?;
    let matches =
        subjects.iter().any(|s| s["digest"]["sha256"].as_str().is_some_and(|d| d.eq_ignore_ascii_case(subject_sha256)));
    if !matches {
        return Err(fail(Reason::DigestMismatch, format!("no subject of the statement has sha256 {subject_sha256}")));
    }
    let predicate_type = statement["predicateType"].as_str().unwrap_or_default().to_owned();
    if let Some(want) = &policy.predicate_type
        && *want != predicate_type
    {
        return Err(fail(
            Reason::PredicateTypeMismatch,
            format!("predicateType is {predicate_type:?}, the policy requires {want:?}"),
        ));
    }
    let predicate = &statement["predicate"];
    let builder_id = predicate["runDetails"]["builder"]["id"]
        .as_str()
        .or_else(|| predicate["builder"]["id"].as_str())
        .map(str::to_owned);
    if let Some(want) = &policy.builder_id
        && builder_id.as_deref() != Some(want.as_str())
    {
        return Err(fail(
            Reason::BuilderMismatch,
            format!("builder id is {:?}, the policy requires {want:?}", builder_id.unwrap_or_default()),
        ));
    }
    if policy.source_repo.is_some() || policy.source_ref.is_some() {
        check_source(predicate, policy)?;
    }
    Ok(StatementFacts { predicate_type, builder_id })
}

/// A source named by the provenance: repository URL and ref.
#[derive(Debug, PartialEq, Eq)]
struct Source {
    repo: String,
    git_ref: Option<String>,
}

/// `git+https://host/org/repo@refs/tags/v1` → (`https://host/org/repo`, `refs/tags/v1`).
fn parse_source_uri(uri: &str) -> Source {
    let uri = uri.strip_prefix("git+").unwrap_or(uri);
    match uri.rsplit_once('@') {
        Some((repo, r)) if r.starts_with("refs/") => Source { repo: normalize_repo(repo), git_ref: Some(r.into()) },
        _ => Source { repo: normalize_repo(uri), git_ref: None },
    }
}

fn normalize_repo(repo: &str) -> String {
    repo.trim_end_matches('/').trim_end_matches(".git").to_owned()
}

/// The source the provenance says the build ran from: SLSA v1's external
/// parameters (`workflow.repository` + `workflow.ref` of GitHub builds, or a
/// `source` URI) and v0.2's `invocation.configSource.uri`.
///
/// Resolved dependencies and materials are deliberately not sources: any
/// build may fetch any repository, so naming one proves nothing about where
/// the build came from.
fn sources(predicate: &Value) -> Vec<Source> {
    let mut out = Vec::new();
    let external = &predicate["buildDefinition"]["externalParameters"];
    let workflow = &external["workflow"];
    if let Some(repo) = workflow["repository"].as_str() {
        out.push(Source { repo: normalize_repo(repo), git_ref: workflow["ref"].as_str().map(str::to_owned) });
    }
    if let Some(uri) = external["source"].as_str().or_else(|| external["source"]["uri"].as_str()) {
        out.push(parse_source_uri(uri));
    }
    if let Some(uri) = predicate["invocation"]["configSource"]["uri"].as_str() {
        out.push(parse_source_uri(uri));
    }
    out
}

fn check_source(predicate: &Value, policy: &AttestationPolicy) -> Result<(), VerificationError> {
    let found = sources(predicate);
    let want_repo = policy.source_repo.as_deref().map(normalize_repo);
    let ok = found.iter().any(|s| {
        want_repo.as_ref().is_none_or(|r| *r == s.repo)
            && policy.source_ref.as_ref().is_none_or(|r| s.git_ref.as_ref() == Some(r))
    });
    if ok {
        return Ok(());
    }
    let named: Vec<String> =
        found.iter().map(|s| format!("{}@{}", s.repo, s.git_ref.as_deref().unwrap_or("?"))).collect();
    Err(fail(
        Reason::SourceMismatch,
        format!(
            "the provenance names source {}; the policy requires {}@{}",
            if named.is_empty() { "none".into() } else { named.join(", ") },
            want_repo.as_deref().unwrap_or("any repository"),
            policy.source_ref.as_deref().unwrap_or("any ref"),
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn slsa_v1(digest: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "firmware.bin", "digest": {"sha256": digest}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {
                "buildDefinition": {
                    "externalParameters": {"workflow": {"repository": "https://github.com/acme/firmware", "ref": "refs/tags/v1.2.0"}},
                    "resolvedDependencies": [{"uri": "git+https://github.com/acme/firmware@refs/tags/v1.2.0"}]
                },
                "runDetails": {"builder": {"id": "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0"}}
            }
        }))
        .expect("json")
    }

    const BUILDER: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0";

    #[test]
    fn statement_policy_checks_each_rule() {
        let d = "ab".repeat(32);
        let stmt = slsa_v1(&d);
        let full = AttestationPolicy {
            predicate_type: Some("https://slsa.dev/provenance/v1".into()),
            builder_id: Some(BUILDER.into()),
            source_repo: Some("https://github.com/acme/firmware.git".into()),
            source_ref: Some("refs/tags/v1.2.0".into()),
        };
        let facts = check_statement(&stmt, &d, &full).expect("all rules hold");
        assert_eq!(facts.builder_id.as_deref(), Some(BUILDER));
        let reason = |p: AttestationPolicy, digest: &str| check_statement(&stmt, digest, &p).unwrap_err().reason;
        assert_eq!(reason(AttestationPolicy::default(), &"cd".repeat(32)), Reason::DigestMismatch);
        let p = AttestationPolicy { predicate_type: Some("https://slsa.dev/provenance/v0.2".into()), ..full.clone() };
        assert_eq!(reason(p, &d), Reason::PredicateTypeMismatch);
        let p = AttestationPolicy { builder_id: Some("https://evil.example/builder".into()), ..full.clone() };
        assert_eq!(reason(p, &d), Reason::BuilderMismatch);
        let p = AttestationPolicy { source_repo: Some("https://github.com/evil/firmware".into()), ..full.clone() };
        assert_eq!(reason(p, &d), Reason::SourceMismatch);
        let p = AttestationPolicy { source_ref: Some("refs/heads/dev".into()), ..full };
        assert_eq!(reason(p, &d), Reason::SourceMismatch);
    }

    #[test]
    fn a_resolved_dependency_is_not_the_source() {
        let d = "ef".repeat(32);
        // Built from evil/firmware; it merely fetched acme/firmware as a dependency.
        let stmt = serde_json::to_vec(&json!({
            "_type": "https://in-toto.io/Statement/v1",
            "subject": [{"name": "x", "digest": {"sha256": d}}],
            "predicateType": "https://slsa.dev/provenance/v1",
            "predicate": {"buildDefinition": {
                "externalParameters": {"workflow": {"repository": "https://github.com/evil/firmware", "ref": "refs/tags/v1.2.0"}},
                "resolvedDependencies": [{"uri": "git+https://github.com/acme/firmware@refs/tags/v1.2.0"}]},
                "materials": [{"uri": "git+https://github.com/acme/firmware@refs/tags/v1.2.0"}]}
        }))
        .expect("json");
        let p =
            AttestationPolicy { source_repo: Some("https://github.com/acme/firmware".into()), ..Default::default() };
        assert_eq!(check_statement(&stmt, &d, &p).unwrap_err().reason, Reason::SourceMismatch);
        let p =
            AttestationPolicy { source_repo: Some("https://github.com/evil/firmware".into()), ..Default::default() };
        check_statement(&stmt, &d, &p).expect("the workflow repository is the source");
    }

    #[test]
    fn a_statement_with_a_repeated_key_is_refused() {
        let d = "ab".repeat(32);
        let text = format!(
            r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"digest":{{"sha256":"{d}"}}}}],"predicateType":"https://evil","predicateType":"https://slsa.dev/provenance/v1","predicate":{{}}}}"#
        );
        let err = check_statement(text.as_bytes(), &d, &AttestationPolicy::default()).unwrap_err();
        assert_eq!(err.reason, Reason::MalformedEnvelope);
        assert!(err.message.contains("duplicate key"), "{err:?}");
    }

    #[test]
    fn slsa_v02_builder_and_config_source_are_read() {
        let d = "01".repeat(32);
        let stmt = serde_json::to_vec(&json!({
            "_type": "https://in-toto.io/Statement/v0.1",
            "subject": [{"name": "x", "digest": {"sha256": d}}],
            "predicateType": "https://slsa.dev/provenance/v0.2",
            "predicate": {"builder": {"id": "https://builder/v0.2"},
                          "invocation": {"configSource": {"uri": "git+https://github.com/acme/app@refs/heads/main"}}}
        }))
        .expect("json");
        let p = AttestationPolicy {
            builder_id: Some("https://builder/v0.2".into()),
            source_repo: Some("https://github.com/acme/app".into()),
            source_ref: Some("refs/heads/main".into()),
            ..Default::default()
        };
        check_statement(&stmt, &d, &p).expect("v0.2 fields");
    }

    #[test]
    fn envelope_verifies_only_with_its_key_and_payload() {
        use sigstore_verify::crypto::KeyPair;
        let kp = KeyPair::generate_ecdsa_p256().expect("keygen");
        let other = KeyPair::generate_ecdsa_p256().expect("keygen");
        let key = kp.public_key_der().expect("der");
        let env =
            Envelope::sign(IN_TOTO_PAYLOAD_TYPE, b"{\"a\":1}", "k", |m| kp.sign(m).expect("sign").as_bytes().to_vec());
        assert_eq!(env.verify(&key).expect("verifies"), b"{\"a\":1}".to_vec());
        let err = env.verify(&other.public_key_der().expect("der")).unwrap_err();
        assert_eq!(err.reason, Reason::SignatureMismatch);
        let mut tampered = env.clone();
        tampered.payload = b64().encode(b"{\"a\":2}");
        assert_eq!(tampered.verify(&key).unwrap_err().reason, Reason::SignatureMismatch);
        let mut retyped = env;
        retyped.payload_type = "text/plain".into();
        assert_eq!(retyped.verify(&key).unwrap_err().reason, Reason::SignatureMismatch);
        assert_eq!(Envelope::from_json("{}").unwrap_err().reason, Reason::MalformedEnvelope);
    }
}
