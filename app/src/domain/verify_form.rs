//! The Verify page's form: what a person types or uploads, which fields each
//! kind of evidence uses, and the examples it can load. The server keeps a
//! submitted form as it was, so the page shows it again beside the result.

use serde::{Deserialize, Serialize};

/// The kinds of evidence, by their wire names, with their labels.
pub const KINDS: [(&str, &str); 3] = [
    ("cosign_blob", "cosign sign-blob signature (key)"),
    ("sigstore_bundle", "Sigstore bundle (keyless or key)"),
    ("in_toto", "in-toto / SLSA attestation (DSSE, key)"),
];

/// The form's fields, as submitted (empty = not given).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyForm {
    /// `cosign_blob`, `sigstore_bundle` or `in_toto`.
    pub kind: String,
    /// The artifact's content as text.
    pub artifact_text: String,
    /// `sha256:` + 64 hex digits; filled from an uploaded artifact file.
    pub artifact_digest: String,
    /// Base64 signature, bundle JSON or DSSE envelope JSON.
    pub evidence: String,
    /// PEM public key.
    pub public_key: String,
    /// A stored key's name or id.
    pub key: String,
    /// Keyless bundles: the signer's SAN.
    pub identity: String,
    /// Keyless bundles: the OIDC issuer.
    pub issuer: String,
    /// In-toto: the predicate type required.
    pub predicate_type: String,
    /// In-toto: the builder id required.
    pub builder_id: String,
}

impl VerifyForm {
    /// Sets field `name` (the form's `name=` attribute); false for a name the form does not have.
    pub fn set(&mut self, name: &str, value: String) -> bool {
        let slot = match name {
            "kind" => &mut self.kind,
            "artifact_text" => &mut self.artifact_text,
            "artifact_digest" => &mut self.artifact_digest,
            "evidence" => &mut self.evidence,
            "public_key" => &mut self.public_key,
            "key" => &mut self.key,
            "identity" => &mut self.identity,
            "issuer" => &mut self.issuer,
            "predicate_type" => &mut self.predicate_type,
            "builder_id" => &mut self.builder_id,
            _ => return false,
        };
        *slot = value;
        true
    }

    /// Empties the fields the chosen kind does not use (they may still be
    /// filled, hidden, after the kind was changed): a signer identity on a
    /// plain signature, statement rules on anything but an attestation.
    pub fn keep_fields_of_kind(&mut self) {
        if self.kind != "sigstore_bundle" {
            self.identity.clear();
            self.issuer.clear();
        }
        if self.kind != "in_toto" {
            self.predicate_type.clear();
            self.builder_id.clear();
        }
    }
}

/// The outcome of a check on the Verify page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// True when every check passed.
    pub verified: bool,
    /// SHA-256 of the subject, when verified.
    pub subject_sha256: Option<String>,
    /// Who signed, for people.
    pub signer: Option<String>,
    /// The checks that passed.
    pub checks: Vec<String>,
    /// Reason code of the failure (the API's `reason`).
    pub reason: Option<String>,
    /// The failure in words.
    pub headline: Option<String>,
    /// What exactly failed.
    pub message: Option<String>,
}

/// A submitted form with its answer, as the page shows it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostedCheck {
    /// The fields as submitted (an uploaded evidence file's text in `evidence`).
    pub form: VerifyForm,
    /// The artifact file, when one was uploaded (its digest is in `form.artifact_digest`).
    pub artifact_file: Option<UploadedFile>,
    /// The outcome, or why the form could not be checked.
    pub result: Result<CheckOutcome, crate::domain::AppError>,
}

/// An artifact file that was uploaded: hashed as it arrived, never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedFile {
    /// The file's name, as the browser sent it.
    pub name: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// An example the page can load into the form.
#[derive(Debug, Clone, Copy)]
pub struct Example {
    /// Its `?example=` value.
    pub slug: &'static str,
    /// What the link says.
    pub title: &'static str,
    /// What it shows.
    pub about: &'static str,
    /// The kind.
    pub kind: &'static str,
    /// The artifact's text.
    pub artifact_text: &'static str,
    /// The signature or envelope.
    pub evidence: &'static str,
    /// The key that signed it.
    pub public_key: &'static str,
    /// In-toto: the predicate type to require.
    pub predicate_type: &'static str,
    /// In-toto: the builder to require.
    pub builder_id: &'static str,
}

const ARTIFACT: &str = include_str!("verify_examples/release-notes.txt");
const KEY: &str = include_str!("verify_examples/cosign.pub");
const SLSA_GENERATOR: &str = "https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0";

/// The examples: a good signature, the same signature over a changed
/// artifact (how a failure looks), and signed SLSA provenance. They were made
/// once with `openssl` and a key that was then thrown away.
pub const EXAMPLES: [Example; 3] = [
    Example {
        slug: "cosign",
        title: "A signed release file",
        about: "A cosign sign-blob signature over release notes, with the signer's public key.",
        kind: "cosign_blob",
        artifact_text: ARTIFACT,
        evidence: include_str!("verify_examples/cosign.sig"),
        public_key: KEY,
        predicate_type: "",
        builder_id: "",
    },
    Example {
        slug: "tampered",
        title: "A file changed after signing",
        about: "The same signature, but one character of the file changed: the check fails.",
        kind: "cosign_blob",
        artifact_text: "trust-portal example release notes\nversion 1.4.3, built 2026-11-30\n",
        evidence: include_str!("verify_examples/cosign.sig"),
        public_key: KEY,
        predicate_type: "",
        builder_id: "",
    },
    Example {
        slug: "provenance",
        title: "SLSA provenance",
        about: "An in-toto statement in a DSSE envelope, requiring SLSA v1 provenance from the SLSA GitHub generator.",
        kind: "in_toto",
        artifact_text: ARTIFACT,
        evidence: include_str!("verify_examples/provenance.intoto.json"),
        public_key: KEY,
        predicate_type: "https://slsa.dev/provenance/v1",
        builder_id: SLSA_GENERATOR,
    },
];

impl Example {
    /// The example named `slug`, if there is one.
    pub fn find(slug: &str) -> Option<&'static Example> {
        EXAMPLES.iter().find(|e| e.slug == slug)
    }

    /// The example as a filled-in form.
    pub fn form(&self) -> VerifyForm {
        VerifyForm {
            kind: self.kind.into(),
            artifact_text: self.artifact_text.into(),
            evidence: self.evidence.trim().into(),
            public_key: self.public_key.into(),
            predicate_type: self.predicate_type.into(),
            builder_id: self.builder_id.into(),
            ..VerifyForm::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_fills_only_known_fields() {
        let mut f = VerifyForm::default();
        assert!(f.set("evidence", "sig".into()));
        assert!(f.set("builder_id", "b".into()));
        assert!(!f.set("password", "x".into()));
        assert_eq!((f.evidence.as_str(), f.builder_id.as_str()), ("sig", "b"));
    }

    #[test]
    fn fields_of_other_kinds_are_dropped() {
        let mut f = Example::find("provenance").map(Example::form).unwrap_or_default();
        f.identity = "who".into();
        f.keep_fields_of_kind();
        assert!(f.identity.is_empty());
        assert_eq!(f.builder_id, SLSA_GENERATOR, "an attestation keeps its statement rules");
        f.kind = "cosign_blob".into();
        f.keep_fields_of_kind();
        assert!(f.builder_id.is_empty() && f.predicate_type.is_empty());
        assert!(!f.public_key.is_empty(), "every kind may use a key");
    }

    #[test]
    fn every_example_has_a_known_kind_and_a_unique_slug() {
        for e in EXAMPLES {
            assert!(KINDS.iter().any(|(k, _)| *k == e.kind), "{}", e.slug);
            assert_eq!(EXAMPLES.iter().filter(|o| o.slug == e.slug).count(), 1);
        }
        assert!(Example::find("nope").is_none());
    }
}
