//! Why a verification failed: a stable [`Reason`] code for machines and a
//! sentence for people. A leaf: the engine, statement checks and the
//! attestation service all speak it; it imports none of them.

use serde::Serialize;
use sigstore_verify::Error as SigError;

/// Why a verification failed, for machines (stable, snake_case on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reason {
    /// The signature does not match the artifact and key.
    SignatureMismatch,
    /// The artifact (or digest) is not the one that was signed.
    DigestMismatch,
    /// The certificate's identity (SAN) is not the one required.
    IdentityMismatch,
    /// The certificate's OIDC issuer is not the one required.
    IssuerMismatch,
    /// The certificate does not chain to the trusted root, or was not valid then.
    CertificateInvalid,
    /// The transparency-log entry, proof, checkpoint or promise does not verify.
    TransparencyLogInvalid,
    /// No trusted timestamp covers the signature.
    TimestampInvalid,
    /// The bundle is not well-formed or not supported.
    MalformedBundle,
    /// The public key is not a supported PEM key.
    MalformedKey,
    /// The signature is not valid base64 DER.
    MalformedSignature,
    /// The `sha256:` digest is not 64 hex digits.
    MalformedDigest,
    /// The trusted root is not a valid `trusted_root.json`.
    TrustRootInvalid,
    /// A keyless bundle needs both a certificate identity and an OIDC issuer.
    PolicyIncomplete,
    /// The DSSE envelope or in-toto statement is not well-formed.
    MalformedEnvelope,
    /// The statement's `predicateType` is not the one required.
    PredicateTypeMismatch,
    /// The provenance's builder id is not the one required.
    BuilderMismatch,
    /// The provenance's source repository or ref is not the one required.
    SourceMismatch,
    /// The stored key was revoked before the verification.
    KeyRevoked,
    /// The stored key is outside its validity window (not yet valid or expired).
    KeyOutsideValidity,
    /// No stored key, policy or trusted root of this tenant has that name.
    UnknownTrustMaterial,
    /// The request asks for a rule this kind of evidence cannot satisfy (a
    /// keyless signer with a key, statement rules on a plain signature, …).
    PolicyConflict,
}

impl Reason {
    /// Every reason, in declaration order (the OpenAPI document lists them).
    pub const ALL: &[Reason] = &[
        Reason::SignatureMismatch,
        Reason::DigestMismatch,
        Reason::IdentityMismatch,
        Reason::IssuerMismatch,
        Reason::CertificateInvalid,
        Reason::TransparencyLogInvalid,
        Reason::TimestampInvalid,
        Reason::MalformedBundle,
        Reason::MalformedKey,
        Reason::MalformedSignature,
        Reason::MalformedDigest,
        Reason::TrustRootInvalid,
        Reason::PolicyIncomplete,
        Reason::MalformedEnvelope,
        Reason::PredicateTypeMismatch,
        Reason::BuilderMismatch,
        Reason::SourceMismatch,
        Reason::KeyRevoked,
        Reason::KeyOutsideValidity,
        Reason::UnknownTrustMaterial,
        Reason::PolicyConflict,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::SignatureMismatch => "signature_mismatch",
            Reason::DigestMismatch => "digest_mismatch",
            Reason::IdentityMismatch => "identity_mismatch",
            Reason::IssuerMismatch => "issuer_mismatch",
            Reason::CertificateInvalid => "certificate_invalid",
            Reason::TransparencyLogInvalid => "transparency_log_invalid",
            Reason::TimestampInvalid => "timestamp_invalid",
            Reason::MalformedBundle => "malformed_bundle",
            Reason::MalformedKey => "malformed_key",
            Reason::MalformedSignature => "malformed_signature",
            Reason::MalformedDigest => "malformed_digest",
            Reason::TrustRootInvalid => "trust_root_invalid",
            Reason::PolicyIncomplete => "policy_incomplete",
            Reason::MalformedEnvelope => "malformed_envelope",
            Reason::PredicateTypeMismatch => "predicate_type_mismatch",
            Reason::BuilderMismatch => "builder_mismatch",
            Reason::SourceMismatch => "source_mismatch",
            Reason::KeyRevoked => "key_revoked",
            Reason::KeyOutsideValidity => "key_outside_validity",
            Reason::UnknownTrustMaterial => "unknown_trust_material",
            Reason::PolicyConflict => "policy_conflict",
        }
    }

    /// The failure in words, for people (the Verify page's headline).
    pub fn headline(self) -> &'static str {
        match self {
            Reason::SignatureMismatch => "The signature does not match this artifact and key.",
            Reason::DigestMismatch => "This artifact is not the one that was signed.",
            Reason::IdentityMismatch => "The certificate names a different signer.",
            Reason::IssuerMismatch => "The signer's identity comes from a different issuer.",
            Reason::CertificateInvalid => {
                "The certificate does not chain to the trusted root, or was not valid at signing."
            }
            Reason::TransparencyLogInvalid => "The transparency-log proof does not verify.",
            Reason::TimestampInvalid => "No trusted timestamp covers the signature.",
            Reason::MalformedBundle => "This is not a Sigstore bundle the portal can read.",
            Reason::MalformedKey => "The public key is not a PEM key the portal supports.",
            Reason::MalformedSignature => "The signature is not base64-encoded signature bytes.",
            Reason::MalformedDigest => "The digest is not sha256: followed by 64 hex digits.",
            Reason::TrustRootInvalid => "The trusted root is not a valid trusted_root.json.",
            Reason::PolicyIncomplete => "A keyless bundle needs both the signer's identity and its OIDC issuer.",
            Reason::MalformedEnvelope => "This is not a DSSE envelope with an in-toto statement.",
            Reason::PredicateTypeMismatch => "The attestation is of a different type than required.",
            Reason::BuilderMismatch => "The artifact was built by a different builder than required.",
            Reason::SourceMismatch => "The artifact was built from a different source than required.",
            Reason::KeyRevoked => "The stored key was revoked before this check.",
            Reason::KeyOutsideValidity => "The stored key is not valid at this time.",
            Reason::UnknownTrustMaterial => "No stored key, policy or trusted root of your tenant has that name.",
            Reason::PolicyConflict => "A rule was asked for that this kind of evidence cannot satisfy.",
        }
    }

    /// True when the request itself is at fault (answered 400, not 422): the
    /// evidence was never judged.
    pub fn is_request_error(self) -> bool {
        matches!(self, Reason::PolicyIncomplete | Reason::PolicyConflict)
    }
}

/// A failed verification: a reason code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} ({})", message, reason.as_str())]
pub struct VerificationError {
    /// What kind of failure.
    pub reason: Reason,
    /// What exactly was wrong.
    pub message: String,
}

/// Builds a [`VerificationError`].
pub fn fail(reason: Reason, message: impl Into<String>) -> VerificationError {
    VerificationError { reason, message: message.into() }
}

impl From<SigError> for VerificationError {
    fn from(e: SigError) -> Self {
        let reason = match &e {
            SigError::IdentityMismatch { .. } => Reason::IdentityMismatch,
            SigError::IssuerMismatch { .. } => Reason::IssuerMismatch,
            SigError::SignatureInvalid(_) | SigError::Crypto(_) => Reason::SignatureMismatch,
            SigError::ArtifactMismatch(_) | SigError::UnsupportedArtifact(_) => Reason::DigestMismatch,
            SigError::Certificate(_) | SigError::TrustedCertificate(_) => Reason::CertificateInvalid,
            SigError::TransparencyLog(_) => Reason::TransparencyLogInvalid,
            SigError::Timestamp(_) => Reason::TimestampInvalid,
            SigError::InvalidTrustRoot(_) | SigError::TrustRoot(_) => Reason::TrustRootInvalid,
            _ => Reason::MalformedBundle,
        };
        fail(reason, e.to_string())
    }
}
