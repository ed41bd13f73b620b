//! Evidence packs: the per-release unit of evidence. A pack is a zip with
//! `manifest.json` (pack version, repo, tag, created-at, and each file's path,
//! media type and SHA-256), the files, and `manifest.sig` (a cosign-style
//! base64 signature over `manifest.json`).
//!
//! Zips are hostile input. [`read_zip`] works in memory and checks every rule
//! on the raw central directory and local headers *before* inflating anything
//! (see [`crate::ssr::evidence::strict_zip`]: one name per entry, headers that agree, no
//! overlap or hidden bytes): regular files only, no absolute, `..` or
//! backslash paths, no duplicates, at most [`MAX_ENTRIES`] entries,
//! [`MAX_TOTAL_BYTES`] in all, and no entry that expands more than
//! [`MAX_RATIO`] times. An entry that inflates to more or less than it
//! declared, or to another CRC, is refused too. Each error names the rule.

use crate::domain::AppError;
use crate::domain::policy_signers::PackPolicy;
use crate::domain::status::CheckStatus;
use crate::ssr::error::log_internal;
use crate::ssr::evidence::archive_rules::{PackError, check_path, err};
use crate::ssr::evidence::pack_policy::{self, Finding};
use crate::ssr::policy::signers::PolicyTrust;
use crate::ssr::store::PackRow;
use crate::ssr::verification::dsse::Envelope;
use crate::ssr::verification::engine::{self, Reason, Subject};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::{Cursor, Write};

/// Most entries a pack may hold.
pub const MAX_ENTRIES: usize = 256;
/// Largest pack zip accepted (upload or download).
pub const MAX_ZIP_BYTES: usize = 32 * 1024 * 1024;
/// Most bytes a pack may inflate to, all entries together.
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// Largest expansion ratio of one entry (uncompressed / compressed).
pub const MAX_RATIO: u64 = 100;
/// Entries smaller than this are not ratio-checked (tiny files compress oddly).
const RATIO_FLOOR_BYTES: u64 = 64 * 1024;
/// The pack format version this portal writes and reads.
pub const PACK_VERSION: u32 = 1;

/// The caps [`read_zip`] applies.
const LIMITS: crate::ssr::evidence::strict_zip::Limits = crate::ssr::evidence::strict_zip::Limits {
    max_entries: MAX_ENTRIES,
    max_total_bytes: MAX_TOTAL_BYTES,
    max_ratio: MAX_RATIO,
    ratio_floor_bytes: RATIO_FLOOR_BYTES,
};

/// Reads a zip in memory under the rules above: path → bytes. The raw
/// structures are checked by [`crate::ssr::evidence::strict_zip`], so the files returned are
/// the ones every common extractor would unpack.
pub fn read_zip(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, PackError> {
    let zip_err = |e: crate::ssr::evidence::strict_zip::ZipError| err(e.code, e.message);
    let entries = crate::ssr::evidence::strict_zip::entries(bytes, &LIMITS).map_err(zip_err)?;
    for entry in &entries {
        check_path(entry.name.trim_end_matches('/'), "zip_unsafe_path")?;
        let file_type = entry.unix_mode.map_or(0, |m| m & 0o170_000);
        let regular = if entry.is_dir {
            file_type == 0 || file_type == 0o040_000
        } else {
            file_type == 0 || file_type == 0o100_000
        };
        if !regular {
            let what = if file_type == 0o120_000 { "a symbolic link" } else { "not a regular file" };
            return Err(err(
                "zip_not_regular_file",
                format!("entry {:?} is {what}; packs hold regular files only", entry.name),
            ));
        }
        if entry.is_dir && entry.size != 0 {
            return Err(err("zip_invalid", format!("directory entry {:?} holds data", entry.name)));
        }
    }
    crate::ssr::evidence::strict_zip::read_all(bytes, &entries).map_err(zip_err)
}

/// One file as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path inside the pack.
    pub path: String,
    /// Media type.
    pub media_type: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version ([`PACK_VERSION`]).
    pub pack_version: u32,
    /// Repository, `owner/name`.
    pub repo: String,
    /// Release tag.
    pub tag: String,
    /// Creation time, RFC 3339.
    pub created_at: String,
    /// Every file of the pack except the manifest and its signature.
    pub files: Vec<ManifestFile>,
    /// The org policy version of the pack's `policy.tar.gz`, when it is not
    /// one of the published versions (a repository's custom policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version: Option<i64>,
}

/// The manifest of a pack, unchecked (its signature is not verified here):
/// which release the pack says it is for. `None` when the zip or its
/// `manifest.json` cannot be read.
pub fn manifest_of(zip_bytes: &[u8]) -> Option<Manifest> {
    serde_json::from_slice(read_zip(zip_bytes).ok()?.get("manifest.json")?).ok()
}

/// A media type guessed from a file name.
pub fn media_type(path: &str) -> &'static str {
    const TYPES: [(&str, &str); 10] = [
        (".sigstore.json", "application/vnd.dev.sigstore.bundle.v0.3+json"),
        (".intoto.json", "application/vnd.in-toto+json"),
        (".dsse.json", "application/vnd.in-toto+json"),
        (".spdx.json", "application/spdx+json"),
        (".cdx.json", "application/vnd.cyclonedx+json"),
        (".sig", "application/vnd.dev.cosign.signature+base64"),
        (".tar.gz", "application/gzip"),
        (".json", "application/json"),
        (".md", "text/markdown"),
        (".pdf", "application/pdf"),
    ];
    TYPES.iter().find(|(ext, _)| path.ends_with(ext)).map_or("application/octet-stream", |(_, t)| t)
}

/// Builds a signed pack zip. `sign` signs the manifest bytes (returns raw DER/bytes).
pub fn build(
    repo: &str,
    tag: &str,
    created_at: &str,
    files: &[(String, Vec<u8>)],
    sign: impl FnOnce(&[u8]) -> Vec<u8>,
) -> Result<Vec<u8>, PackError> {
    build_with_policy_version(repo, tag, created_at, None, files, sign)
}

/// Like [`build`], declaring the org policy version of the pack's
/// `policy.tar.gz` in the manifest (needed when it is not a published version).
pub fn build_with_policy_version(
    repo: &str,
    tag: &str,
    created_at: &str,
    policy_version: Option<i64>,
    files: &[(String, Vec<u8>)],
    sign: impl FnOnce(&[u8]) -> Vec<u8>,
) -> Result<Vec<u8>, PackError> {
    for (path, _) in files {
        check_path(path, "zip_unsafe_path")?;
        if path == "manifest.json" || path == "manifest.sig" {
            return Err(err("pack_reserved_name", format!("{path} is written by the pack builder")));
        }
    }
    let manifest = Manifest {
        pack_version: PACK_VERSION,
        repo: repo.to_owned(),
        tag: tag.to_owned(),
        created_at: created_at.to_owned(),
        files: files
            .iter()
            .map(|(path, data)| ManifestFile {
                path: path.clone(),
                media_type: media_type(path).to_owned(),
                sha256: hex::encode(Sha256::digest(data)),
            })
            .collect(),
        policy_version,
    };
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|e| err("pack_invalid", e.to_string()))?;
    let signature = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, sign(&manifest_json));
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let entries = [("manifest.json".to_owned(), manifest_json), ("manifest.sig".to_owned(), signature.into_bytes())];
    for (path, data) in entries.iter().chain(files) {
        zip.start_file(path.as_str(), options).map_err(|e| err("pack_invalid", e.to_string()))?;
        zip.write_all(data).map_err(|e| err("pack_invalid", e.to_string()))?;
    }
    Ok(zip.finish().map_err(|e| err("pack_invalid", e.to_string()))?.into_inner())
}

/// One check of a pack verification, for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackCheck {
    /// What was checked.
    pub check: String,
    /// Passed, failed or not checked.
    pub status: CheckStatus,
    /// Why.
    pub detail: String,
}

/// The outcome of verifying a pack: every check, and the first failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackReport {
    /// True when every check passed.
    pub verified: bool,
    /// Reason code of the first failure.
    pub reason: Option<String>,
    /// The manifest, when it parsed.
    pub manifest: Option<Manifest>,
    /// `sha256:` id of the key whose manifest signature verified.
    pub signer_key_id: Option<String>,
    /// The policy bundle the pack carries (`policy.tar.gz` + `policy.sig`), as checked.
    #[serde(default)]
    pub policy: Option<PackPolicy>,
    /// Every check in order.
    pub checks: Vec<PackCheck>,
}

impl PackReport {
    /// The report stored with a pack.
    pub fn stored(row: &PackRow) -> Result<Self, AppError> {
        serde_json::from_str(&row.report).map_err(log_internal)
    }

    /// Records a check; the first failure's code becomes the report's reason.
    pub(crate) fn push(&mut self, check: String, result: Result<String, (String, String)>) {
        let (status, detail) = match result {
            Ok(detail) => (CheckStatus::Passed, detail),
            Err((reason, detail)) => {
                if self.reason.is_none() {
                    self.reason = Some(reason);
                }
                (CheckStatus::Failed, detail)
            }
        };
        self.checks.push(PackCheck { check, status, detail });
    }

    /// Records an item that could not be checked: the pack is then not
    /// verified (`reason`), since a report never passes what it did not check.
    pub(crate) fn push_unchecked(&mut self, check: String, reason: &str, detail: String) {
        if self.reason.is_none() {
            self.reason = Some(reason.into());
        }
        self.checks.push(PackCheck { check, status: CheckStatus::NotChecked, detail });
    }
}

/// A report for a pack that could not be read at all.
pub fn unreadable(e: &PackError) -> PackReport {
    let mut report = empty_report();
    report.push("zip is safe to read".into(), Err((e.code.into(), e.message.clone())));
    report
}

fn empty_report() -> PackReport {
    PackReport { verified: false, reason: None, manifest: None, signer_key_id: None, policy: None, checks: vec![] }
}

/// Verifies a pack against public keys (PEM): the manifest signature with one
/// of them, every listed digest, no unlisted files, the expected repo and tag
/// when given, every `X.sig` / `X.dsse.json` / `X.intoto.json` inside with
/// the key that signed the manifest, and a policy bundle (`policy.tar.gz` +
/// `policy.sig`) with the policy signers in `policy` (see
/// [`crate::ssr::evidence::pack_policy`]; without them it is not checked, so
/// the pack is not verified).
pub fn verify(
    zip_bytes: &[u8],
    keys: &[String],
    expect: Option<(&str, &str)>,
    policy: Option<&PolicyTrust>,
) -> PackReport {
    let files = match read_zip(zip_bytes) {
        Ok(f) => f,
        Err(e) => return unreadable(&e),
    };
    let mut report = empty_report();
    report.push("zip is safe to read".into(), Ok(format!("{} files", files.len())));
    let (Some(manifest_bytes), Some(sig)) = (files.get("manifest.json"), files.get("manifest.sig")) else {
        report.push(
            "manifest.json and manifest.sig present".into(),
            Err(("pack_incomplete".into(), "a pack needs manifest.json and manifest.sig".into())),
        );
        return report;
    };
    let manifest: Manifest = match serde_json::from_slice(manifest_bytes) {
        Ok(m) => m,
        Err(e) => {
            report.push(
                "manifest.json parses".into(),
                Err(("pack_invalid_manifest".into(), format!("manifest.json: {e}"))),
            );
            return report;
        }
    };
    report.push("manifest.json parses".into(), Ok(format!("{} at {}", manifest.repo, manifest.tag)));
    if manifest.pack_version != PACK_VERSION {
        report.push(
            "pack version".into(),
            Err((
                "pack_invalid_manifest".into(),
                format!("pack_version {} is not supported (expected {PACK_VERSION})", manifest.pack_version),
            )),
        );
    }
    if let Some((repo, tag)) = expect {
        let ok = manifest.repo == repo && manifest.tag == tag;
        let detail = format!("manifest names {}@{}; uploaded as {repo}@{tag}", manifest.repo, manifest.tag);
        report.push(
            "manifest names this release".into(),
            if ok { Ok(detail) } else { Err(("pack_release_mismatch".into(), detail)) },
        );
    }
    let sig_text = String::from_utf8_lossy(sig).into_owned();
    let signer = keys.iter().find_map(|pem| {
        engine::verify_blob(pem, &sig_text, Subject::Bytes(manifest_bytes)).ok().map(|v| (pem.clone(), v))
    });
    match &signer {
        Some((_, v)) => {
            let engine::Signer::Key { key_id } = &v.signer else { return report };
            report.signer_key_id = Some(key_id.clone());
            report.push("manifest signature".into(), Ok(format!("verifies with key {key_id}")));
        }
        None => report.push(
            "manifest signature".into(),
            Err((
                Reason::SignatureMismatch.as_str().into(),
                format!("manifest.sig does not verify with any of the {} valid key(s)", keys.len()),
            )),
        ),
    }
    for f in &manifest.files {
        let check = format!("{} digest", f.path);
        let result = match files.get(&f.path) {
            None => Err(("pack_missing_file".into(), "listed in the manifest but not in the zip".into())),
            Some(data) if hex::encode(Sha256::digest(data)) != f.sha256.to_ascii_lowercase() => Err((
                Reason::DigestMismatch.as_str().into(),
                format!("sha256 is {}, the manifest says {}", hex::encode(Sha256::digest(data)), f.sha256),
            )),
            Some(_) => Ok(format!("sha256 {}", f.sha256)),
        };
        report.push(check, result);
    }
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    for path in files.keys().filter(|p| !listed.contains(&p.as_str()) && *p != "manifest.json" && *p != "manifest.sig")
    {
        report.push(
            format!("{path} listed"),
            Err(("pack_unlisted_file".into(), "in the zip but not in the signed manifest".into())),
        );
    }
    if let Some((pem, _)) = &signer {
        check_inner_signatures(&mut report, &files, &listed, pem);
    }
    if listed.contains(&pack_policy::SIGNATURE) {
        let (summary, finding) = pack_policy::check(&files, manifest.policy_version, policy);
        let check = pack_policy::CHECK.to_owned();
        match finding {
            Finding::Passed(found) => report.push(check, Ok(found)),
            Finding::Failed(code, message) => report.push(check, Err((code, message))),
            Finding::Unchecked(code, why) => report.push_unchecked(check, code, why),
        }
        report.policy = Some(summary);
    }
    report.verified = report.reason.is_none();
    report.manifest = Some(manifest);
    report
}

/// Verifies detached signatures and DSSE envelopes inside the pack with the
/// manifest's key; Sigstore bundles need an identity policy and are listed.
fn check_inner_signatures(report: &mut PackReport, files: &BTreeMap<String, Vec<u8>>, listed: &[&str], pem: &str) {
    for path in listed {
        let Some(data) = files.get(*path) else { continue };
        if *path == pack_policy::SIGNATURE {
            continue; // the organisation's signature over policy.tar.gz, not the pack key's
        }
        if let Some(target) = path.strip_suffix(".sig") {
            let check = format!("{path} signs {target}");
            let result = match files.get(target) {
                None => Err(("pack_missing_file".into(), format!("{target} is not in the pack"))),
                Some(artifact) => engine::verify_blob(pem, &String::from_utf8_lossy(data), Subject::Bytes(artifact))
                    .map(|_| "signature verifies with the pack key".to_owned())
                    .map_err(|e| (e.reason.as_str().to_owned(), e.message)),
            };
            report.push(check, result);
        } else if path.ends_with(".dsse.json") || path.ends_with(".intoto.json") {
            let result = engine::parse_key(pem)
                .and_then(|key| Envelope::from_json(&String::from_utf8_lossy(data))?.verify(&key))
                .map(|_| "DSSE envelope verifies with the pack key".to_owned())
                .map_err(|e| (e.reason.as_str().to_owned(), e.message));
            report.push(format!("{path} envelope"), result);
        } else if let Some(target) = path.strip_suffix(".sigstore.json") {
            check_inner_bundle(report, files, path, target, pem);
        }
    }
}

/// A Sigstore bundle inside a pack: a managed-key bundle must verify with the
/// pack key (against the public-good root's transparency log). A keyless
/// bundle cannot be checked here (a pack names no identity policy), so it is
/// reported as not checked and the pack is not called verified.
fn check_inner_bundle(report: &mut PackReport, files: &BTreeMap<String, Vec<u8>>, path: &str, target: &str, pem: &str) {
    let check = format!("{path} bundle signs {target}");
    let Some(artifact) = files.get(target) else {
        report.push(check, Err(("pack_missing_file".into(), format!("{target} is not in the pack"))));
        return;
    };
    let json = String::from_utf8_lossy(&files[path]).into_owned();
    let keyless = sigstore_verify::types::Bundle::from_json(&json).is_ok_and(|b| b.signing_certificate().is_some());
    if keyless {
        report.push_unchecked(
            check,
            "pack_item_unchecked",
            "a keyless bundle needs an identity policy; verify it with the Attestation API (kind sigstore_bundle), \
             or sign it with the pack key"
                .into(),
        );
        return;
    }
    let result = engine::public_good_root()
        .and_then(|root| {
            engine::verify_bundle(
                &root,
                &json,
                Subject::Bytes(artifact),
                &engine::BundlePolicy::Key { pem: pem.to_owned() },
                &crate::ssr::verification::dsse::AttestationPolicy::default(),
            )
        })
        .map(|_| "bundle verifies with the pack key".to_owned())
        .map_err(|e| (e.reason.as_str().to_owned(), e.message));
    report.push(check, result);
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigstore_verify::crypto::KeyPair;

    fn key() -> (KeyPair, String) {
        let kp = KeyPair::generate_ecdsa_p256().expect("keygen");
        let pem = kp.public_key_der().expect("der").to_pem();
        (kp, pem)
    }

    fn sample(kp: &KeyPair) -> Vec<u8> {
        let policy = b"policy tarball".to_vec();
        let sig = base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            kp.sign(&policy).expect("sign").as_bytes(),
        );
        let files = vec![
            ("policy.tar.gz".to_owned(), policy),
            ("policy.tar.gz.sig".to_owned(), sig.into_bytes()),
            ("sbom.spdx.json".to_owned(), b"{\"spdxVersion\":\"SPDX-2.3\"}".to_vec()),
        ];
        build("acme/firmware", "v1.0.0", "2026-11-29T00:00:00Z", &files, |m| {
            kp.sign(m).expect("sign").as_bytes().to_vec()
        })
        .expect("builds")
    }

    #[test]
    fn a_built_pack_verifies_and_lists_each_check() {
        let (kp, pem) = key();
        let report = verify(&sample(&kp), &[pem], Some(("acme/firmware", "v1.0.0")), None);
        assert!(report.verified, "{report:#?}");
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.check == "policy.tar.gz.sig signs policy.tar.gz" && c.status == CheckStatus::Passed)
        );
        assert_eq!(report.manifest.expect("manifest").files.len(), 3);
    }

    #[test]
    fn wrong_key_wrong_release_and_edits_fail_with_reasons() {
        let (kp, _) = key();
        let (_, other) = key();
        let pack = sample(&kp);
        assert_eq!(verify(&pack, &[other], None, None).reason.as_deref(), Some("signature_mismatch"));
        let pem = kp.public_key_der().expect("der").to_pem();
        assert_eq!(
            verify(&pack, std::slice::from_ref(&pem), Some(("acme/firmware", "v2.0.0")), None).reason.as_deref(),
            Some("pack_release_mismatch")
        );
        // Swap a file's content: the manifest digest no longer matches.
        let mut files = read_zip(&pack).expect("reads");
        files.insert("sbom.spdx.json".into(), b"{}".to_vec());
        let rezipped = raw_zip(files.iter().map(|(p, d)| (p.as_str(), d.as_slice(), 0o100_644)).collect());
        assert_eq!(verify(&rezipped, &[pem], None, None).reason.as_deref(), Some("digest_mismatch"));
    }

    /// A zip written entry by entry, with explicit unix modes.
    fn raw_zip(entries: Vec<(&str, &[u8], u32)>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data, mode) in entries {
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .unix_permissions(mode & 0o777);
            if mode & 0o170_000 == 0o120_000 {
                zip.add_symlink(name, String::from_utf8_lossy(data), options).expect("symlink");
            } else {
                zip.start_file(name, options).expect("start");
                zip.write_all(data).expect("write");
            }
        }
        zip.finish().expect("finish").into_inner()
    }

    #[test]
    fn hostile_zips_are_refused_with_the_rule_named() {
        let code = |z: Vec<u8>| read_zip(&z).unwrap_err().code;
        assert_eq!(code(raw_zip(vec![("../../etc/cron.d/x", b"x", 0o100_644)])), "zip_unsafe_path");
        assert_eq!(code(raw_zip(vec![("/etc/passwd", b"x", 0o100_644)])), "zip_unsafe_path");
        assert_eq!(code(raw_zip(vec![("a\\..\\b", b"x", 0o100_644)])), "zip_unsafe_path");
        assert_eq!(code(raw_zip(vec![("link", b"/etc/passwd", 0o120_777)])), "zip_not_regular_file");
        let zeros = vec![0u8; 8 * 1024 * 1024];
        assert_eq!(code(raw_zip(vec![("bomb.bin", &zeros, 0o100_644)])), "zip_bomb");
        let many: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("f{i}")).collect();
        assert_eq!(
            code(raw_zip(many.iter().map(|n| (n.as_str(), &b"x"[..], 0o100_644)).collect())),
            "zip_too_many_entries"
        );
        assert_eq!(code(b"PK\x03\x04 definitely not a zip".to_vec()), "zip_invalid");
    }

    #[test]
    fn a_keyless_bundle_inside_a_pack_is_not_passed_unchecked() {
        let (kp, pem) = key();
        let root = std::env::var("PORTAL_VECTORS_DIR")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/vectors").into());
        let dir = format!("{root}/sigstore-conformance/test/assets");
        let bundle = std::fs::read(format!("{dir}/bundle-verify/happy-path-v0.3/bundle.sigstore.json"))
            .expect("test vectors (PORTAL_VECTORS_DIR)");
        let artifact = std::fs::read(format!("{dir}/a.txt")).expect("test vectors");
        let files = vec![("a.txt".to_owned(), artifact), ("a.txt.sigstore.json".to_owned(), bundle)];
        let pack =
            build("a/b", "v1", "2026-01-01T00:00:00Z", &files, |m| kp.sign(m).expect("sign").as_bytes().to_vec())
                .expect("builds");
        let report = verify(&pack, &[pem], None, None);
        assert!(!report.verified, "{report:#?}");
        assert_eq!(report.reason.as_deref(), Some("pack_item_unchecked"));
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.check.starts_with("a.txt.sigstore.json") && c.status == CheckStatus::NotChecked)
        );
    }

    #[test]
    fn inner_signatures_are_checked() {
        let (kp, pem) = key();
        let files = vec![
            ("policy.tar.gz".to_owned(), b"policy".to_vec()),
            ("policy.tar.gz.sig".to_owned(), b"MEUCIQDbogus".to_vec()),
        ];
        let pack =
            build("a/b", "v1", "2026-01-01T00:00:00Z", &files, |m| kp.sign(m).expect("sign").as_bytes().to_vec())
                .expect("builds");
        let report = verify(&pack, &[pem], None, None);
        assert!(!report.verified);
        assert!(
            report
                .checks
                .iter()
                .any(|c| c.check == "policy.tar.gz.sig signs policy.tar.gz" && c.status == CheckStatus::Failed),
            "{report:#?}"
        );
    }
}
