//! A signed file set: files, a `manifest.json` listing each file's path,
//! size and SHA-256, and `manifest.sig.json`, a DSSE envelope over the
//! manifest's exact bytes signed by the portal's current (rotatable) key. The
//! compliance pack and the sign-off pack are both one; [`check`] verifies
//! either offline against the published key set and names the first file
//! that is wrong.

use crate::ssr::verification::dsse::Envelope;
use crate::ssr::verification::receipts::{ReceiptSigner, verify_signed};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The manifest's file name inside a set.
pub const MANIFEST: &str = "manifest.json";
/// The signature's file name inside a set.
pub const SIGNATURE: &str = "manifest.sig.json";

/// One file as the manifest lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Path inside the set.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// `manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// What the set is (`trust-portal/signoff-pack/v1`).
    pub kind: String,
    /// What it is about (engagement id, name, as-of time).
    pub about: BTreeMap<String, String>,
    /// Every file except the manifest and its signature, sorted by path.
    pub files: Vec<Entry>,
}

/// Files by path (sorted, so every listing of them is in one order).
pub type Files = BTreeMap<String, Vec<u8>>;

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Adds `manifest.json` and its signature to `files` (paths under `dir`, `""` for the top).
pub fn seal(
    files: &mut Files,
    dir: &str,
    kind: &str,
    about: BTreeMap<String, String>,
    signer: &ReceiptSigner,
    payload_type: &str,
) {
    let entries = files
        .iter()
        .filter(|(p, _)| p.starts_with(dir))
        .map(|(path, bytes)| Entry {
            path: path[dir.len()..].to_owned(),
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
        })
        .collect();
    let manifest = Manifest { kind: kind.to_owned(), about, files: entries };
    let mut bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    bytes.push(b'\n');
    let envelope = signer.sign_as(payload_type, &bytes);
    let mut sig = serde_json::to_vec_pretty(&envelope).unwrap_or_default();
    sig.push(b'\n');
    files.insert(format!("{dir}{MANIFEST}"), bytes);
    files.insert(format!("{dir}{SIGNATURE}"), sig);
}

/// What a check found wrong, naming the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {why}")]
pub struct Problem {
    /// The file (path in the set).
    pub file: String,
    /// What is wrong with it.
    pub why: String,
}

/// A set that checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    /// The manifest.
    pub manifest: Manifest,
    /// The key that signed it (`rk_…`).
    pub keyid: String,
}

/// Checks the set under `dir` in `files`: the signature verifies with one of
/// `keys` over the manifest's bytes, every listed file is present with its
/// size and SHA-256, and no other file is there. The first problem is named.
pub fn check(
    files: &Files,
    dir: &str,
    keys: &[(Option<String>, String)],
    payload_type: &str,
) -> Result<Checked, Problem> {
    let at = |name: &str| format!("{dir}{name}");
    let problem = |file: String, why: String| Problem { file, why };
    let manifest_bytes = files.get(&at(MANIFEST)).ok_or_else(|| problem(at(MANIFEST), "missing".into()))?;
    let sig = files.get(&at(SIGNATURE)).ok_or_else(|| problem(at(SIGNATURE), "missing".into()))?;
    let sig = std::str::from_utf8(sig).map_err(|_| problem(at(SIGNATURE), "not UTF-8".into()))?;
    let (keyid, payload) = verify_signed(sig, keys, payload_type)
        .map_err(|e| problem(at(SIGNATURE), format!("{} ({})", e.message, e.reason.as_str())))?;
    if &payload != manifest_bytes {
        return Err(problem(at(MANIFEST), "changed: it is not the manifest that was signed".into()));
    }
    let manifest: Manifest =
        serde_json::from_slice(manifest_bytes).map_err(|e| problem(at(MANIFEST), format!("unreadable: {e}")))?;
    for e in &manifest.files {
        let path = at(&e.path);
        let bytes =
            files.get(&path).ok_or_else(|| problem(path.clone(), "listed in the manifest but missing".into()))?;
        if bytes.len() as u64 != e.size || sha256_hex(bytes) != e.sha256 {
            return Err(problem(path, "changed: its SHA-256 does not match the manifest".into()));
        }
    }
    let listed: std::collections::BTreeSet<String> = manifest.files.iter().map(|e| at(&e.path)).collect();
    if let Some(extra) = files
        .keys()
        .filter(|p| p.starts_with(dir) && !p.ends_with('/'))
        .find(|p| !listed.contains(*p) && **p != at(MANIFEST) && **p != at(SIGNATURE))
    {
        return Err(problem(extra.clone(), "not listed in the manifest (added after signing)".into()));
    }
    Ok(Checked { manifest, keyid })
}

/// The DSSE envelope of a signature file, for reading its key id.
pub fn envelope_keyid(sig: &[u8]) -> Option<String> {
    serde_json::from_slice::<Envelope>(sig).ok()?.signatures.first().map(|s| s.keyid.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> (ReceiptSigner, Vec<(Option<String>, String)>) {
        let (signer, pem) = ReceiptSigner::throwaway("rk_test");
        (signer, vec![(Some("rk_test".into()), pem)])
    }

    #[test]
    fn a_sealed_set_checks_and_any_change_is_named() {
        let (signer, keys) = signer();
        let mut files = Files::new();
        files.insert("a.json".into(), b"{}".to_vec());
        files.insert("dir/b.md".into(), b"# b".to_vec());
        seal(&mut files, "", "test/v1", BTreeMap::new(), &signer, "application/test");
        let ok = check(&files, "", &keys, "application/test").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.keyid, "rk_test");
        assert_eq!(ok.manifest.files.len(), 2);

        let mut edited = files.clone();
        edited.insert("dir/b.md".into(), b"# B".to_vec());
        assert_eq!(check(&edited, "", &keys, "application/test").unwrap_err().file, "dir/b.md");

        let mut extra = files.clone();
        extra.insert("c.txt".into(), b"x".to_vec());
        assert_eq!(check(&extra, "", &keys, "application/test").unwrap_err().file, "c.txt");

        let mut missing = files.clone();
        missing.remove("a.json");
        assert_eq!(check(&missing, "", &keys, "application/test").unwrap_err().file, "a.json");

        let mut manifest = files.clone();
        let m = manifest.get_mut(MANIFEST).unwrap_or_else(|| panic!("manifest"));
        m.push(b' ');
        assert_eq!(check(&manifest, "", &keys, "application/test").unwrap_err().file, MANIFEST);

        let (_, other_keys) = {
            let (s, pem) = ReceiptSigner::throwaway("rk_other");
            (s, vec![(Some("rk_other".into()), pem)])
        };
        assert_eq!(check(&files, "", &other_keys, "application/test").unwrap_err().file, SIGNATURE);
        assert_eq!(check(&files, "", &keys, "application/other").unwrap_err().file, SIGNATURE, "payload type");
    }
}
