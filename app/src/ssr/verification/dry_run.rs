//! The Verify page's check: a [`VerifyForm`] run through the Attestation
//! API's engine as a dry run (not recorded, not metered, no receipt), with the
//! outcome in words. The `check_evidence` server function and the page's
//! form post (`POST /verify`, with file uploads) both call [`check_form`].

use crate::domain::AppError;
use crate::domain::verify_form::{CheckOutcome, VerifyForm};
use crate::ssr::AppState;
use crate::ssr::verification::attestation::{self, Kind};
use crate::ssr::verification::engine::Signer;
use crate::ssr::verification::request::{Malformed, RequestParts};
use crate::ssr::verification::rules::{AttestationPolicy, PolicyRules};

/// Checks `form` for tenant `org_id`. A form that cannot be checked (no
/// evidence, two artifacts, no key…) is an [`AppError`] naming the field; a
/// check that ran is an outcome, passed or failed with its reason.
pub async fn check_form(state: &AppState, org_id: &str, form: &VerifyForm) -> Result<CheckOutcome, AppError> {
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let kind = match form.kind.as_str() {
        "cosign_blob" => Kind::CosignBlob,
        "sigstore_bundle" => Kind::SigstoreBundle,
        "in_toto" => Kind::InToto,
        _ => return Err(AppError::invalid("Kind", "choose a kind of evidence")),
    };
    if form.evidence.trim().is_empty() {
        return Err(AppError::invalid("Evidence", "paste or upload the signature, bundle or envelope"));
    }
    let artifact_digest = given(&form.artifact_digest);
    let parts = RequestParts {
        kind,
        // A digest, when given, is what is checked.
        artifact_bytes: (artifact_digest.is_none() && !form.artifact_text.is_empty())
            .then(|| form.artifact_text.clone().into_bytes()),
        artifact_digest,
        evidence: form.evidence.clone(),
        public_key: given(&form.public_key),
        stored_key: given(&form.key),
        rules: PolicyRules {
            identity: given(&form.identity),
            issuer: given(&form.issuer),
            trusted_root: None,
            statement: AttestationPolicy {
                predicate_type: given(&form.predicate_type),
                builder_id: given(&form.builder_id),
                ..Default::default()
            },
        },
        policy: None,
    };
    let request = parts.build().map_err(|m| match m {
        Malformed::ArtifactChoice => {
            AppError::invalid("Artifact", "paste the artifact's text, upload the file, or give its sha256: digest")
        }
        Malformed::Digest => AppError::invalid("Artifact digest", "must be sha256: followed by 64 hex digits"),
        Malformed::TwoKeys => AppError::invalid("Key", "paste a public key or choose a stored key, not both"),
        Malformed::NoKey => AppError::invalid("Key", "paste the public key or choose a stored key"),
        Malformed::PolicyAndRules => {
            AppError::invalid("Policy", "a stored policy replaces the rules; give one or the other")
        }
    })?;
    Ok(match attestation::check(state, org_id, request).await? {
        Ok(v) => CheckOutcome {
            verified: true,
            subject_sha256: Some(v.subject_sha256),
            signer: Some(match v.signer {
                Signer::Identity { identity, issuer } => format!("{identity} (issuer {issuer})"),
                Signer::Key { key_id } => format!("key {key_id}"),
            }),
            checks: v.checks.into_iter().map(str::to_owned).collect(),
            reason: None,
            headline: None,
            message: None,
        },
        Err(e) => CheckOutcome {
            verified: false,
            subject_sha256: None,
            signer: None,
            checks: vec![],
            reason: Some(e.reason.as_str().to_owned()),
            headline: Some(e.reason.headline().to_owned()),
            message: Some(e.message),
        },
    })
}

#[cfg(test)]
mod tests {
    use crate::domain::verify_form::Example;
    use crate::ssr::verification::engine::{Subject, verify_attestation, verify_blob};
    use crate::ssr::verification::reason::Reason;
    use crate::ssr::verification::rules::AttestationPolicy;

    fn example(slug: &str) -> &'static Example {
        Example::find(slug).unwrap_or_else(|| panic!("example {slug}"))
    }

    /// The page's examples say what they show: the engine agrees.
    #[test]
    fn the_examples_verify_or_fail_as_they_say() {
        let good = example("cosign");
        let ok = verify_blob(good.public_key, good.evidence.trim(), Subject::Bytes(good.artifact_text.as_bytes()));
        assert!(ok.is_ok(), "{ok:?}");

        let tampered = example("tampered");
        let err = verify_blob(
            tampered.public_key,
            tampered.evidence.trim(),
            Subject::Bytes(tampered.artifact_text.as_bytes()),
        )
        .expect_err("a changed file fails");
        assert_eq!(err.reason, Reason::SignatureMismatch);

        let slsa = example("provenance");
        let policy = AttestationPolicy {
            predicate_type: Some(slsa.predicate_type.into()),
            builder_id: Some(slsa.builder_id.into()),
            ..Default::default()
        };
        let ok =
            verify_attestation(slsa.public_key, slsa.evidence, Subject::Bytes(slsa.artifact_text.as_bytes()), &policy)
                .expect("verifies");
        assert!(
            ok.checks.contains(&"built by the builder required")
                && ok.checks.contains(&"predicate type is the one required")
        );
        assert!(!ok.checks.contains(&"built from the source required"), "no source rule was given, so none is claimed");
        let bare = verify_attestation(
            slsa.public_key,
            slsa.evidence,
            Subject::Bytes(slsa.artifact_text.as_bytes()),
            &AttestationPolicy::default(),
        )
        .expect("verifies");
        assert_eq!(
            bare.checks.len(),
            3,
            "without rules only the signature and the subject are claimed: {:?}",
            bare.checks
        );
        let other = AttestationPolicy { builder_id: Some("https://other.example/builder".into()), ..policy };
        let err =
            verify_attestation(slsa.public_key, slsa.evidence, Subject::Bytes(slsa.artifact_text.as_bytes()), &other)
                .expect_err("another builder is required");
        assert_eq!(err.reason, Reason::BuilderMismatch);
    }
}
