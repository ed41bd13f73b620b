//! Policy bundles: `policy.tar.gz`, the organisation's policies (`.rego` and
//! `.json` files under `policies/`), signed as a blob (`policy.sig`).
//!
//! Tarballs are hostile input. [`read_bundle`] works in memory and refuses,
//! naming the rule: more than [`MAX_COMPRESSED`] bytes, a gzip trailer that
//! announces more than [`MAX_INFLATED`] bytes or a ratio over [`MAX_RATIO`]
//! (both checked *before* inflating), a truncated or corrupt gzip stream or
//! bytes after it (`bundle_corrupt`), and then while reading headers (each
//! entry's declared size counts before its content is read) more than
//! [`MAX_FILES`] files or [`MAX_INFLATED`] bytes, absolute or `..` paths,
//! paths outside `policies/`, links and other non-regular entries, other
//! extensions, duplicates, and archives whose content does not match what
//! they declare.

use crate::ssr::evidence::archive_rules::{PackError, check_path, err};
use sha2::{Digest, Sha256};
use std::io::Read;

/// Largest `policy.tar.gz` accepted.
pub const MAX_COMPRESSED: usize = 4 * 1024 * 1024;
/// Most bytes a bundle may inflate to.
pub const MAX_INFLATED: u64 = 16 * 1024 * 1024;
/// Largest expansion ratio of the whole archive (inflated / compressed).
pub const MAX_RATIO: u64 = 100;
/// Archives smaller than this inflated are not ratio-checked (tiny tarballs are mostly padding).
const RATIO_FLOOR_BYTES: u64 = 256 * 1024;
/// Most policy files in a bundle.
pub const MAX_FILES: usize = 256;
/// The only directory policies may live in.
pub const ROOT: &str = "policies/";
/// The only file types a bundle may hold.
pub const EXTENSIONS: [&str; 2] = [".rego", ".json"];

/// One policy file of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PolicyFile {
    /// Path inside the archive (`policies/…`).
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
}

/// Reads a bundle under the rules above; returns its files, sorted by path.
pub fn read_bundle(bytes: &[u8]) -> Result<Vec<PolicyFile>, PackError> {
    if bytes.len() > MAX_COMPRESSED {
        return Err(err("bundle_too_large", format!("{} bytes; at most {MAX_COMPRESSED} compressed", bytes.len())));
    }
    if bytes.len() < 18 || bytes[..2] != [0x1f, 0x8b] {
        return Err(err("bundle_invalid", "not a gzip file (policy.tar.gz must be a gzipped tar)"));
    }
    // The gzip trailer's ISIZE (inflated size mod 2^32), checked before inflating.
    // A truncated or corrupt stream has no real trailer: tell it apart first.
    let tail: [u8; 4] = bytes[bytes.len() - 4..].try_into().map_err(|_| err("bundle_invalid", "truncated"))?;
    let announced = u64::from(u32::from_le_bytes(tail));
    if let Err(size_error) = check_size(announced, bytes.len() as u64) {
        return Err(inflate(bytes, std::io::sink()).err().unwrap_or(size_error));
    }
    let mut tar_bytes = Vec::new();
    inflate(bytes, &mut tar_bytes)?;
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let entries = archive.entries().map_err(|e| err("bundle_invalid", format!("not a readable tar: {e}")))?;
    let mut files: Vec<PolicyFile> = Vec::new();
    let mut declared: u64 = 0;
    for entry in entries {
        let mut entry = entry.map_err(|e| invalid_or_too_large(&e))?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        check_path(&name, "bundle_unsafe_path")?;
        let kind = entry.header().entry_type();
        if kind.is_dir() {
            if name.trim_end_matches('/') != ROOT.trim_end_matches('/') && !name.starts_with(ROOT) {
                return Err(outside(&name));
            }
            continue;
        }
        if kind.is_symlink() || kind.is_hard_link() {
            return Err(err("bundle_link", format!("entry {name:?} is a link; bundles hold regular files only")));
        }
        if !kind.is_file() {
            return Err(err("bundle_not_regular_file", format!("entry {name:?} is not a regular file")));
        }
        if !name.starts_with(ROOT) {
            return Err(outside(&name));
        }
        if !EXTENSIONS.iter().any(|ext| name.ends_with(ext)) {
            return Err(err(
                "bundle_bad_extension",
                format!("entry {name:?}: only {} files are allowed", EXTENSIONS.join(" and ")),
            ));
        }
        if files.len() == MAX_FILES {
            return Err(err("bundle_too_many_files", format!("more than {MAX_FILES} policy files")));
        }
        let size = entry.header().size().map_err(|e| err("bundle_invalid", format!("entry {name:?}: {e}")))?;
        declared = declared.saturating_add(size);
        if declared > MAX_INFLATED {
            return Err(err("bundle_too_large", format!("files add up to more than {MAX_INFLATED} bytes")));
        }
        let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        (&mut entry).take(size.saturating_add(1)).read_to_end(&mut data).map_err(|e| invalid_or_too_large(&e))?;
        if data.len() as u64 != size {
            return Err(err("bundle_invalid", format!("entry {name:?} does not hold the {size} bytes it declares")));
        }
        if files.iter().any(|f| f.path == name) {
            return Err(err("bundle_duplicate_entry", format!("entry {name:?} appears twice")));
        }
        files.push(PolicyFile { path: name, size, sha256: hex::encode(Sha256::digest(&data)) });
    }
    if files.is_empty() {
        return Err(err("bundle_empty", format!("no policy files under {ROOT}")));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn check_size(inflated: u64, compressed: u64) -> Result<(), PackError> {
    if inflated > MAX_INFLATED {
        return Err(err("bundle_too_large", format!("inflates to {inflated} bytes; at most {MAX_INFLATED}")));
    }
    if inflated > RATIO_FLOOR_BYTES && inflated / compressed.max(1) > MAX_RATIO {
        return Err(err(
            "bundle_bomb",
            format!("expands {}x; at most {MAX_RATIO}x is allowed", inflated / compressed.max(1)),
        ));
    }
    Ok(())
}

fn outside(name: &str) -> PackError {
    err("bundle_unsafe_path", format!("entry {name:?} is outside {ROOT}"))
}

/// Inflates the one gzip member into `out`, at most [`MAX_INFLATED`] bytes:
/// `bundle_corrupt` for a truncated or corrupt stream (or bytes after it,
/// which `gzip -d` would inflate as a second member), `bundle_too_large` past
/// the cap. A bomb stops at the cap: CPU and memory stay bounded.
fn inflate(bytes: &[u8], mut out: impl std::io::Write) -> Result<(), PackError> {
    let corrupt = |why: String| err("bundle_corrupt", format!("the gzip stream is truncated or corrupt: {why}"));
    let mut decoder = flate2::bufread::GzDecoder::new(bytes);
    let copied =
        std::io::copy(&mut (&mut decoder).take(MAX_INFLATED + 1), &mut out).map_err(|e| corrupt(e.to_string()))?;
    if copied > MAX_INFLATED {
        return Err(err("bundle_too_large", format!("inflates to more than {MAX_INFLATED} bytes")));
    }
    if !decoder.into_inner().is_empty() {
        return Err(corrupt("bytes follow the end of the gzip stream".into()));
    }
    Ok(())
}

/// A tar read error (the gzip stream was already inflated and checked).
fn invalid_or_too_large(e: &std::io::Error) -> PackError {
    err("bundle_invalid", format!("not a readable tar: {e}"))
}

/// Builds a `policy.tar.gz` from `(path, bytes)` files (the CLI, the demo and tests).
pub fn build(files: &[(&str, &[u8])]) -> std::io::Result<Vec<u8>> {
    let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (path, data) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        tar.append_data(&mut header, path, *data)?;
    }
    tar.into_inner()?.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar.gz with raw headers, so tests can write what `build` refuses to.
    fn raw(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        let mut tar = tar::Builder::new(gz);
        for (path, kind, data) in entries {
            let mut header = tar::Header::new_old();
            {
                let bytes = header.as_old_mut();
                bytes.name[..path.len()].copy_from_slice(path.as_bytes());
            }
            header.set_size(data.len() as u64);
            header.set_mode(0o644);
            header.set_entry_type(*kind);
            if kind.is_symlink() || kind.is_hard_link() {
                header.set_link_name("/etc/passwd").unwrap();
            }
            header.set_cksum();
            tar.append(&header, *data).unwrap();
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    fn code(bytes: &[u8]) -> &'static str {
        read_bundle(bytes).unwrap_err().code
    }

    #[test]
    fn a_good_bundle_lists_its_files() {
        let b = build(&[("policies/org.rego", b"package org\n"), ("policies/data.json", b"{}")]).unwrap();
        let files = read_bundle(&b).unwrap();
        assert_eq!(
            files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
            ["policies/data.json", "policies/org.rego"]
        );
        assert_eq!(files[1].sha256, hex::encode(Sha256::digest(b"package org\n")));
    }

    #[test]
    fn each_hostile_bundle_is_refused_with_its_rule() {
        let reg = tar::EntryType::Regular;
        assert_eq!(code(&raw(&[("policies/../../etc/cron.rego", reg, b"x")])), "bundle_unsafe_path");
        assert_eq!(code(&raw(&[("/policies/abs.rego", reg, b"x")])), "bundle_unsafe_path");
        assert_eq!(code(&raw(&[("other/x.rego", reg, b"x")])), "bundle_unsafe_path");
        assert_eq!(code(&raw(&[("policies/link.rego", tar::EntryType::Symlink, b"")])), "bundle_link");
        assert_eq!(code(&raw(&[("policies/hard.rego", tar::EntryType::Link, b"")])), "bundle_link");
        assert_eq!(code(&raw(&[("policies/fifo.rego", tar::EntryType::Fifo, b"")])), "bundle_not_regular_file");
        assert_eq!(code(&raw(&[("policies/run.sh", reg, b"#!/bin/sh")])), "bundle_bad_extension");
        assert_eq!(
            code(&raw(&[("policies/a.rego", reg, b"x"), ("policies/a.rego", reg, b"y")])),
            "bundle_duplicate_entry"
        );
        assert_eq!(code(&raw(&[("policies/", tar::EntryType::Directory, b"")])), "bundle_empty");
        assert_eq!(code(b"not gzip at all, just text"), "bundle_invalid");
        let many: Vec<(String, Vec<u8>)> =
            (0..=MAX_FILES).map(|i| (format!("policies/p{i}.rego"), vec![b'x'])).collect();
        let refs: Vec<(&str, &[u8])> = many.iter().map(|(p, d)| (p.as_str(), d.as_slice())).collect();
        assert_eq!(code(&build(&refs).unwrap()), "bundle_too_many_files");
    }

    #[test]
    fn truncated_or_corrupt_gzip_has_its_own_reason() {
        let good = build(&[("policies/main.rego", b"package main\nallow := true\n")]).unwrap();
        for cut in [good.len() - 1, good.len() - 8, good.len() / 2, 19] {
            assert_eq!(code(&good[..cut]), "bundle_corrupt", "truncated at {cut} of {}", good.len());
        }
        let mut flipped = good.clone();
        let mid = flipped.len() / 2;
        flipped[mid] ^= 0xff;
        assert_eq!(code(&flipped), "bundle_corrupt", "a flipped byte fails the CRC or the stream");
        let mut trailing = good.clone();
        trailing.extend_from_slice(&good);
        assert_eq!(code(&trailing), "bundle_corrupt", "a second gzip member is refused");
        assert!(read_bundle(&good).is_ok());
    }

    #[test]
    fn bombs_are_refused_before_inflating() {
        // 20 MiB of zeros compresses to ~20 KiB: the gzip trailer gives it away.
        let zeros = vec![0u8; 20 * 1024 * 1024];
        let big = build(&[("policies/zeros.json", &zeros)]).unwrap();
        assert!(big.len() < MAX_COMPRESSED);
        assert_eq!(code(&big), "bundle_too_large");
        // 8 MiB: under the size cap but over the ratio.
        let zeros = vec![0u8; 8 * 1024 * 1024];
        assert_eq!(code(&build(&[("policies/zeros.json", &zeros)]).unwrap()), "bundle_bomb");
        // A trailer that lies (announces 1 byte) is still stopped by the declared and inflated sizes.
        let mut liar = big;
        let n = liar.len();
        liar[n - 4..].copy_from_slice(&1u32.to_le_bytes());
        let e = read_bundle(&liar).unwrap_err();
        assert!(matches!(e.code, "bundle_too_large" | "bundle_invalid"), "{e:?}");
    }
}
