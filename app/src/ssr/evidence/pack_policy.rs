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
use crate::ssr::evidence::packs::{Manifest, PackReport};
use crate::ssr::policy::bundle;
use crate::ssr::policy::signers::PolicyTrust;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The organisation's signature over the bundle.
pub const SIGNATURE: &str = "policy.sig";
/// The policy bundle.
pub const BUNDLE: &str = "policy.tar.gz";
/// The check's name in the pack report.
pub const CHECK: &str = "policy.tar.gz signed by the organisation (policy.sig)";

/// Checks the pack's policy bundle into `report` (and its `policy` summary).
pub fn check(
    report: &mut PackReport,
    files: &BTreeMap<String, Vec<u8>>,
    manifest: &Manifest,
    trust: Option<&PolicyTrust>,
) {
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
            report.push_unchecked(CHECK.into(), "pack_item_unchecked", why.into());
            summary.reason = Some("pack_item_unchecked".into());
            report.policy = Some(summary);
            return;
        }
        (Some(tarball), Some(sig), Some(trust)) => {
            check_signed(tarball, &String::from_utf8_lossy(sig), manifest, trust, sha256.as_deref().unwrap_or(""))
        }
    };
    match outcome {
        Ok((version, signed)) => {
            report.push(
                CHECK.into(),
                Ok(format!("org policy v{version} signed by {} ({})", signed.kind.label(), signed.signer)),
            );
            summary.verified = true;
            summary.version = Some(version);
            summary.signer = Some(signed.signer);
            summary.signer_kind = Some(signed.kind);
        }
        Err((code, message)) => {
            summary.reason = Some(code.clone());
            report.push(CHECK.into(), Err((code, message)));
        }
    }
    report.policy = Some(summary);
}

type Failure = (String, String);

/// The archive rules, the signature and the version, in that order.
fn check_signed(
    tarball: &[u8],
    signature: &str,
    manifest: &Manifest,
    trust: &PolicyTrust,
    sha256: &str,
) -> Result<(i64, crate::ssr::policy::signers::SignedBy), Failure> {
    bundle::read_bundle(tarball).map_err(|e| (policy_code(e.code), format!("{BUNDLE}: {}", e.message)))?;
    let signed =
        trust.check(tarball, signature).map_err(|r| (policy_code(r.code), format!("{SIGNATURE}: {}", r.message)))?;
    let version = match (manifest.policy_version, trust.release_version(sha256)) {
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
