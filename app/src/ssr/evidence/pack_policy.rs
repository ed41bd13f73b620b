//! The policy bundle inside a release pack: `policy.tar.gz` with the
//! organisation's signature `policy.sig` (a cosign signature or a Sigstore
//! bundle, as the reusable workflow writes it). A pack carries a policy
//! bundle when its manifest lists `policy.sig`; the bundle is then checked
//! like an upload: the same archive rules, the same signers (org keys, org
//! workflow identities, the repository's overrides; never the release key),
//! and a version: the one the signed manifest declares (`policy_version`),
//! else the published org policy version with the same SHA-256. Every failure
//! fails the pack with a `policy_…` reason; without signers to check against
//! (offline, none given) the bundle is reported as not checked and the pack
//! is not called verified.

use crate::domain::policy_signers::PackPolicy;
use crate::ssr::policy::bundle;
use crate::ssr::policy::signers::{PolicyTrust, SignedBy};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The organisation's signature over the bundle.
pub const SIGNATURE: &str = "policy.sig";
/// The policy bundle.
pub const BUNDLE: &str = "policy.tar.gz";
/// The check's name in the pack report.
pub const CHECK: &str = "policy.tar.gz signed by the organisation (policy.sig)";

/// The policy check's row in the pack report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Checked and passed: what was found.
    Passed(String),
    /// Checked and failed: the reason code and what was wrong.
    Failed(String, String),
    /// Not checked (no signers given): the reason code and why.
    Unchecked(&'static str, String),
}

/// Checks the pack's policy bundle in `files` (the pack lists `policy.sig`)
/// with the signers in `trust`, taking the version the signed manifest
/// declares (`declared_version`) or else the published one; returns the
/// summary for the report and the check's row.
pub fn check(
    files: &BTreeMap<String, Vec<u8>>,
    declared_version: Option<i64>,
    trust: Option<&PolicyTrust>,
) -> (PackPolicy, Finding) {
    let sha256 = files.get(BUNDLE).map(|b| hex::encode(Sha256::digest(b)));
    let mut summary = PackPolicy {
        verified: false,
        reason: None,
        version: None,
        sha256: sha256.clone(),
        signer: None,
        signer_kind: None,
    };
    let outcome = match (files.get(BUNDLE), files.get(SIGNATURE), trust) {
        (None, _, _) => {
            Err(("policy_missing_bundle".into(), format!("{SIGNATURE} is in the pack but {BUNDLE} is not")))
        }
        (_, None, _) => Err(("pack_missing_file".into(), format!("{SIGNATURE} is listed but not in the zip"))),
        (Some(_), Some(_), None) => {
            let why = "no policy-signing keys or identities were given, so the organisation's signature \
                       was not checked (offline: pass --policy-key or --policy-identity)";
            summary.reason = Some(UNCHECKED.into());
            return (summary, Finding::Unchecked(UNCHECKED, why.into()));
        }
        (Some(tarball), Some(sig), Some(trust)) => check_signed(
            tarball,
            &String::from_utf8_lossy(sig),
            declared_version,
            trust,
            sha256.as_deref().unwrap_or(""),
        ),
    };
    match outcome {
        Ok((version, signed)) => {
            let found = format!("org policy v{version} signed by {} ({})", signed.kind.label(), signed.signer);
            summary.verified = true;
            summary.version = Some(version);
            summary.signer = Some(signed.signer);
            summary.signer_kind = Some(signed.kind);
            (summary, Finding::Passed(found))
        }
        Err((code, message)) => {
            summary.reason = Some(code.clone());
            (summary, Finding::Failed(code, message))
        }
    }
}

/// The reason code of a policy bundle that was not checked.
const UNCHECKED: &str = "pack_item_unchecked";

type Failure = (String, String);

/// The archive rules, the signature and the version, in that order.
fn check_signed(
    tarball: &[u8],
    signature: &str,
    declared_version: Option<i64>,
    trust: &PolicyTrust,
    sha256: &str,
) -> Result<(i64, SignedBy), Failure> {
    bundle::read_bundle(tarball).map_err(|e| (policy_code(e.code), format!("{BUNDLE}: {}", e.message)))?;
    let signed =
        trust.check(tarball, signature).map_err(|r| (policy_code(r.code), format!("{SIGNATURE}: {}", r.message)))?;
    let version = match (declared_version, trust.release_version(sha256)) {
        (Some(declared), Some(published)) if declared != published => {
            return Err((
                "policy_version_mismatch".into(),
                format!("the manifest says policy v{declared}, but this bundle is the published v{published}"),
            ));
        }
        (Some(v), _) | (None, Some(v)) => v,
        (None, None) => {
            return Err((
                "policy_version_unknown".into(),
                "the bundle is no published org policy version and the manifest declares no policy_version".into(),
            ));
        }
    };
    Ok((version, signed))
}

/// The pack-level reason for a policy failure: `policy_` and the bundle's own code.
fn policy_code(code: &str) -> String {
    format!("policy_{code}")
}
