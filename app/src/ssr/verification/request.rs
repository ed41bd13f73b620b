//! A verification request and the one builder every edge uses (the REST
//! route, the Verify page, the CLI): [`RequestParts::build`] decides how the
//! given parts combine (exactly one artifact form, at most one key, a key
//! where the kind needs one, a stored policy or inline rules, not both) and
//! names what is wrong as a [`Malformed`], which each edge words for its own
//! readers.

use crate::ssr::verification::engine::{self, Subject};
use crate::ssr::verification::reason::Reason;
use crate::ssr::verification::rules::PolicyRules;

/// The artifact as the caller gave it.
#[derive(Debug, Clone)]
pub enum ArtifactInput {
    /// The bytes.
    Bytes(Vec<u8>),
    /// Only the SHA-256.
    Sha256([u8; 32]),
}

impl ArtifactInput {
    pub(super) fn subject(&self) -> Subject<'_> {
        match self {
            Self::Bytes(b) => Subject::Bytes(b),
            Self::Sha256(d) => Subject::Sha256(*d),
        }
    }
}

/// What kind of evidence is verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A cosign `sign-blob` signature made with a key.
    CosignBlob,
    /// A Sigstore bundle, keyless or with a managed key.
    SigstoreBundle,
    /// An in-toto attestation in a key-signed DSSE envelope.
    InToto,
}

impl Kind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CosignBlob => "cosign_blob",
            Self::SigstoreBundle => "sigstore_bundle",
            Self::InToto => "in_toto",
        }
    }
}

/// A public key given inline or named from the tenant's stored keys.
#[derive(Debug, Clone)]
pub enum KeyRef {
    /// PEM text.
    Pem(String),
    /// Name or `skey_…` id of a stored key (its validity window applies).
    Stored(String),
}

/// A checked verification request (shape validated; names not yet resolved).
#[derive(Debug, Clone)]
pub struct VerifyRequest {
    /// The kind.
    pub kind: Kind,
    /// What was signed.
    pub artifact: ArtifactInput,
    /// Base64 signature, bundle JSON or DSSE envelope JSON.
    pub evidence: String,
    /// The key, for key-based kinds and managed-key bundles.
    pub key: Option<KeyRef>,
    /// Signer, root and statement rules (inline).
    pub rules: PolicyRules,
    /// A stored policy's name, replacing the inline rules.
    pub policy: Option<String>,
}

/// The parts of a request as a caller gives them (`None` = not given).
#[derive(Debug, Clone)]
pub struct RequestParts {
    /// The kind of evidence.
    pub kind: Kind,
    /// The artifact's bytes.
    pub artifact_bytes: Option<Vec<u8>>,
    /// The artifact's digest, `sha256:<64 hex>`.
    pub artifact_digest: Option<String>,
    /// The signature, bundle or envelope.
    pub evidence: String,
    /// An inline PEM public key.
    pub public_key: Option<String>,
    /// A stored key's name or id.
    pub stored_key: Option<String>,
    /// Inline rules.
    pub rules: PolicyRules,
    /// A stored policy's name.
    pub policy: Option<String>,
}

/// Why the parts do not make a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Neither or both of the artifact's bytes and digest.
    ArtifactChoice,
    /// The digest is not `sha256:` followed by 64 hex digits.
    Digest,
    /// Both an inline key and a stored key.
    TwoKeys,
    /// A key-signed kind (cosign blob, in-toto) without a key.
    NoKey,
    /// A stored policy named together with inline rules.
    PolicyAndRules,
}

impl Malformed {
    /// The reason code when the failure has one of the verification vocabulary.
    pub fn reason(self) -> Option<Reason> {
        matches!(self, Self::Digest).then_some(Reason::MalformedDigest)
    }
}

impl RequestParts {
    /// Checks how the parts combine; the first problem found is named.
    pub fn build(self) -> Result<VerifyRequest, Malformed> {
        let artifact = match (self.artifact_bytes, self.artifact_digest) {
            (Some(bytes), None) => ArtifactInput::Bytes(bytes),
            (None, Some(d)) => ArtifactInput::Sha256(engine::parse_sha256_digest(d.trim()).ok_or(Malformed::Digest)?),
            _ => return Err(Malformed::ArtifactChoice),
        };
        let key = match (self.public_key, self.stored_key) {
            (Some(pem), None) => Some(KeyRef::Pem(pem)),
            (None, Some(name)) => Some(KeyRef::Stored(name)),
            (None, None) => None,
            (Some(_), Some(_)) => return Err(Malformed::TwoKeys),
        };
        if key.is_none() && self.kind != Kind::SigstoreBundle {
            return Err(Malformed::NoKey);
        }
        if self.policy.is_some() && !self.rules.is_empty() {
            return Err(Malformed::PolicyAndRules);
        }
        Ok(VerifyRequest {
            kind: self.kind,
            artifact,
            evidence: self.evidence,
            key,
            rules: self.rules,
            policy: self.policy,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(kind: Kind) -> RequestParts {
        RequestParts {
            kind,
            artifact_bytes: Some(b"x".to_vec()),
            artifact_digest: None,
            evidence: "sig".into(),
            public_key: Some("PEM".into()),
            stored_key: None,
            rules: PolicyRules::default(),
            policy: None,
        }
    }

    #[test]
    fn each_way_the_parts_can_disagree_is_named() {
        assert!(parts(Kind::CosignBlob).build().is_ok());
        let both = RequestParts { artifact_digest: Some(format!("sha256:{}", "a".repeat(64))), ..parts(Kind::InToto) };
        assert_eq!(both.build().unwrap_err(), Malformed::ArtifactChoice);
        let digest =
            RequestParts { artifact_bytes: None, artifact_digest: Some("md5:1".into()), ..parts(Kind::InToto) };
        assert_eq!(digest.build().unwrap_err(), Malformed::Digest);
        let two = RequestParts { stored_key: Some("release".into()), ..parts(Kind::CosignBlob) };
        assert_eq!(two.build().unwrap_err(), Malformed::TwoKeys);
        let keyless = RequestParts { public_key: None, ..parts(Kind::CosignBlob) };
        assert_eq!(keyless.build().unwrap_err(), Malformed::NoKey);
        let bundle = RequestParts { public_key: None, ..parts(Kind::SigstoreBundle) };
        assert!(bundle.build().is_ok(), "a bundle may be keyless");
        let mut mixed = RequestParts { policy: Some("release".into()), ..parts(Kind::SigstoreBundle) };
        mixed.rules.issuer = Some("https://issuer".into());
        assert_eq!(mixed.build().unwrap_err(), Malformed::PolicyAndRules);
    }
}
