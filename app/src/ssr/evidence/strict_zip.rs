//! A strict, in-memory zip reader for hostile archives.
//!
//! A zip names each file twice (local header and central directory) and may
//! name it a third time in an Info-ZIP Unicode Path extra field; extractors
//! disagree about which one wins, and a map keyed by name silently drops a
//! repeated entry. Evidence must read the same in every tool, so this reader
//! parses the raw structures itself and accepts only archives that cannot be
//! read two ways:
//!
//! - the end-of-central-directory record ends the file (no archive comment, no
//!   trailing data), describes one disk, and is not ZIP64;
//! - the entry count is checked against the limit *before* the directory is
//!   parsed, so memory stays bounded;
//! - every central-directory entry matches its local header exactly (name,
//!   flags, method, CRC and sizes, or a matching data descriptor);
//! - entries tile the file from offset 0 up to the central directory with no
//!   gap and no overlap (no prepended stub, no two names for one body);
//! - no Unicode Path/Comment or ZIP64 extra fields, no encryption, only the
//!   stored and deflate methods, names ASCII or flagged UTF-8;
//! - no two names equal, also when compared case-insensitively (they collide
//!   on macOS and Windows);
//! - sizes and the CRC are checked while inflating, with the inflate capped.
//!
//! Path, file-type and size rules are the caller's ([`Limits`], and
//! [`crate::ssr::evidence::packs`] for paths).

use std::collections::{BTreeMap, HashSet};
use std::io::Read;

/// A broken rule: a stable code and a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipError {
    /// Stable code (`zip_invalid`, `zip_header_mismatch`, …).
    pub code: &'static str,
    /// What exactly was wrong.
    pub message: String,
}

fn err(code: &'static str, message: impl Into<String>) -> ZipError {
    ZipError { code, message: message.into() }
}

/// Caps applied while reading.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most entries (directories included).
    pub max_entries: usize,
    /// Most bytes all entries may inflate to together.
    pub max_total_bytes: u64,
    /// Largest expansion ratio of one entry.
    pub max_ratio: u64,
    /// Entries smaller than this are not ratio-checked.
    pub ratio_floor_bytes: u64,
}

/// One entry of the central directory, checked against its local header.
#[derive(Debug, Clone)]
pub struct EntryInfo {
    /// The name, decoded.
    pub name: String,
    /// Unix mode (file type and permissions) when the archive recorded one.
    pub unix_mode: Option<u32>,
    /// True for directory entries (name ends in `/`).
    pub is_dir: bool,
    /// Declared uncompressed size.
    pub size: u64,
    /// Declared compressed size.
    pub compressed_size: u64,
    method: u16,
    crc32: u32,
    header_start: usize,
    data_start: usize,
    descriptor: bool,
}

const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const LOCAL_SIG: u32 = 0x0403_4b50;
const DESCRIPTOR_SIG: u32 = 0x0807_4b50;
const EOCD_LEN: usize = 22;
const CENTRAL_LEN: usize = 46;
const LOCAL_LEN: usize = 30;

const FLAG_ENCRYPTED: u16 = 1;
const FLAG_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const FLAG_UTF8: u16 = 1 << 11;
const METHOD_STORED: u16 = 0;
const METHOD_DEFLATE: u16 = 8;

/// Extra fields that give a second name or a second size.
const REFUSED_EXTRAS: [(u16, &str); 3] =
    [(0x7075, "Info-ZIP Unicode Path"), (0x6375, "Info-ZIP Unicode Comment"), (0x0001, "ZIP64")];

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn truncated(what: &str) -> ZipError {
    err("zip_invalid", format!("truncated {what}"))
}

/// Reads the central directory and checks every structural rule above;
/// returns the entries in directory order. Nothing is inflated yet.
pub fn entries(bytes: &[u8], limits: &Limits) -> Result<Vec<EntryInfo>, ZipError> {
    let eocd = bytes.len().checked_sub(EOCD_LEN).ok_or_else(|| err("zip_invalid", "not a zip: too short"))?;
    if u32_at(bytes, eocd) != Some(EOCD_SIG) {
        return Err(err(
            "zip_invalid",
            "not a readable zip: the end-of-central-directory record must end the file \
             (archive comments and trailing data are not accepted)",
        ));
    }
    let field = |off: usize| u16_at(bytes, eocd + off).ok_or_else(|| truncated("end record"));
    let (disk, cd_disk, on_disk, total) = (field(4)?, field(6)?, field(8)?, field(10)?);
    let cd_size = u32_at(bytes, eocd + 12).ok_or_else(|| truncated("end record"))?;
    let cd_offset = u32_at(bytes, eocd + 16).ok_or_else(|| truncated("end record"))?;
    let zip64_locator = eocd >= 20 && u32_at(bytes, eocd - 20) == Some(ZIP64_LOCATOR_SIG);
    if zip64_locator || total == 0xFFFF || cd_size == u32::MAX || cd_offset == u32::MAX {
        return Err(err("zip_unsupported", "ZIP64 archives are not accepted (a pack never needs them)"));
    }
    if disk != 0 || cd_disk != 0 || on_disk != total {
        return Err(err("zip_unsupported", "multi-disk (spanned) archives are not accepted"));
    }
    let total = usize::from(total);
    if total > limits.max_entries {
        return Err(err(
            "zip_too_many_entries",
            format!("{total} entries; a pack holds at most {}", limits.max_entries),
        ));
    }
    let (cd_start, cd_len) = (cd_offset as usize, cd_size as usize);
    if cd_start.checked_add(cd_len) != Some(eocd) {
        return Err(err("zip_invalid", "the central directory does not end where the end record begins"));
    }
    let mut out = Vec::with_capacity(total);
    let mut at = cd_start;
    for i in 0..total {
        let (entry, next) = central_entry(bytes, at, eocd, i)?;
        out.push(entry);
        at = next;
    }
    if at != eocd {
        return Err(err("zip_invalid", "the central directory holds more than the entries it counts"));
    }
    check_unique_names(&out)?;
    check_tiling(bytes, &out, cd_start)?;
    let mut total_size: u64 = 0;
    for e in out.iter().filter(|e| !e.is_dir) {
        total_size = total_size.saturating_add(e.size);
        if total_size > limits.max_total_bytes {
            return Err(err("zip_too_large", format!("entries inflate to more than {} bytes", limits.max_total_bytes)));
        }
        let ratio = e.size / e.compressed_size.max(1);
        if e.size > limits.ratio_floor_bytes && ratio > limits.max_ratio {
            return Err(err(
                "zip_bomb",
                format!("entry {:?} expands {ratio}x; at most {}x is allowed", e.name, limits.max_ratio),
            ));
        }
    }
    Ok(out)
}

/// The extra-field block: well-formed, and none of [`REFUSED_EXTRAS`].
fn check_extras(extra: &[u8], name: &str, header: &str) -> Result<(), ZipError> {
    let mut at = 0;
    while at < extra.len() {
        let (Some(id), Some(len)) = (u16_at(extra, at), u16_at(extra, at + 2)) else {
            return Err(err("zip_invalid", format!("entry {name:?}: malformed extra field in the {header}")));
        };
        if let Some((_, what)) = REFUSED_EXTRAS.iter().find(|(refused, _)| *refused == id) {
            let code = if id == 0x0001 { "zip_unsupported" } else { "zip_unicode_extra" };
            return Err(err(
                code,
                format!("entry {name:?}: the {header} carries a {what} extra field, which tools read differently"),
            ));
        }
        at += 4 + usize::from(len);
    }
    if at != extra.len() {
        return Err(err("zip_invalid", format!("entry {name:?}: malformed extra field in the {header}")));
    }
    Ok(())
}

fn decode_name(raw: &[u8], flags: u16, index: usize) -> Result<String, ZipError> {
    if flags & FLAG_UTF8 != 0 {
        return String::from_utf8(raw.to_vec())
            .map_err(|_| err("zip_unsafe_path", format!("entry {index}: name is flagged UTF-8 but is not")));
    }
    if !raw.is_ascii() {
        return Err(err(
            "zip_unsafe_path",
            format!("entry {index}: a name that is not ASCII must be flagged UTF-8 (code-page names read differently)"),
        ));
    }
    Ok(String::from_utf8_lossy(raw).into_owned())
}

/// Parses the central-directory entry at `at` and checks it against its
/// local header; returns it with the offset of the next entry.
fn central_entry(bytes: &[u8], at: usize, cd_end: usize, index: usize) -> Result<(EntryInfo, usize), ZipError> {
    let header = bytes.get(at..at + CENTRAL_LEN).filter(|_| at + CENTRAL_LEN <= cd_end);
    let header = header.ok_or_else(|| truncated("central directory"))?;
    if u32_at(header, 0) != Some(CENTRAL_SIG) {
        return Err(err("zip_invalid", format!("entry {index}: bad central directory signature")));
    }
    let h16 = |off| u16_at(header, off).unwrap_or_default();
    let h32 = |off| u32_at(header, off).unwrap_or_default();
    let (made_by, flags, method) = (h16(4), h16(8), h16(10));
    let (crc32, csize, usize_) = (h32(16), h32(20), h32(24));
    let (name_len, extra_len, comment_len) = (usize::from(h16(28)), usize::from(h16(30)), usize::from(h16(32)));
    let (external, local_offset) = (h32(38), h32(42) as usize);
    let name_start = at + CENTRAL_LEN;
    let next = name_start + name_len + extra_len + comment_len;
    if next > cd_end {
        return Err(truncated("central directory"));
    }
    let raw_name = &bytes[name_start..name_start + name_len];
    let name = decode_name(raw_name, flags, index)?;
    check_extras(&bytes[name_start + name_len..name_start + name_len + extra_len], &name, "central directory")?;
    if flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION) != 0 {
        return Err(err("zip_unsupported", format!("entry {name:?} is encrypted")));
    }
    if method != METHOD_STORED && method != METHOD_DEFLATE {
        return Err(err(
            "zip_unsupported",
            format!("entry {name:?} uses compression method {method}; only stored and deflate are accepted"),
        ));
    }
    if method == METHOD_STORED && csize != usize_ {
        return Err(err("zip_invalid", format!("entry {name:?} is stored but its two sizes differ")));
    }
    let unix_mode = (made_by >> 8 == 3).then_some(external >> 16);
    let is_dir = name.ends_with('/');
    let data_start = local_header(bytes, local_offset, raw_name, &name, flags, method, (crc32, csize, usize_))?;
    let entry = EntryInfo {
        name,
        unix_mode,
        is_dir,
        size: u64::from(usize_),
        compressed_size: u64::from(csize),
        method,
        crc32,
        header_start: local_offset,
        data_start,
        descriptor: flags & FLAG_DESCRIPTOR != 0,
    };
    Ok((entry, next))
}

/// Checks the local header at `offset` against the central directory's view;
/// returns where the entry's data begins.
fn local_header(
    bytes: &[u8],
    offset: usize,
    raw_name: &[u8],
    name: &str,
    flags: u16,
    method: u16,
    (crc32, csize, usize_): (u32, u32, u32),
) -> Result<usize, ZipError> {
    let header = bytes.get(offset..offset + LOCAL_LEN).ok_or_else(|| truncated("local header"))?;
    if u32_at(header, 0) != Some(LOCAL_SIG) {
        return Err(err("zip_header_mismatch", format!("entry {name:?}: no local header where the directory points")));
    }
    let h16 = |off| u16_at(header, off).unwrap_or_default();
    let h32 = |off| u32_at(header, off).unwrap_or_default();
    let mismatch = |what: &str| {
        err(
            "zip_header_mismatch",
            format!("entry {name:?}: the local header and the central directory disagree on the {what}"),
        )
    };
    if h16(6) != flags {
        return Err(mismatch("flags"));
    }
    if h16(8) != method {
        return Err(mismatch("compression method"));
    }
    let (l_crc, l_csize, l_usize) = (h32(14), h32(18), h32(22));
    let zeroed = flags & FLAG_DESCRIPTOR != 0 && (l_crc, l_csize, l_usize) == (0, 0, 0);
    if !zeroed && (l_crc, l_csize, l_usize) != (crc32, csize, usize_) {
        return Err(mismatch("CRC or sizes"));
    }
    let (name_len, extra_len) = (usize::from(h16(26)), usize::from(h16(28)));
    let name_start = offset + LOCAL_LEN;
    let local_name = bytes.get(name_start..name_start + name_len).ok_or_else(|| truncated("local header"))?;
    if local_name != raw_name {
        return Err(mismatch("name"));
    }
    let extra =
        bytes.get(name_start + name_len..name_start + name_len + extra_len).ok_or_else(|| truncated("local header"))?;
    check_extras(extra, name, "local header")?;
    Ok(name_start + name_len + extra_len)
}

/// Where an entry's bytes end: after its data and, with the descriptor flag,
/// a data descriptor (with or without its signature) that must match.
fn entry_end(bytes: &[u8], e: &EntryInfo) -> Result<usize, ZipError> {
    let data_end = e.data_start.checked_add(e.compressed_size as usize).ok_or_else(|| truncated("entry"))?;
    if !e.descriptor {
        return Ok(data_end);
    }
    let fields = |at: usize| (u32_at(bytes, at), u32_at(bytes, at + 4), u32_at(bytes, at + 8));
    let want = (Some(e.crc32), u32::try_from(e.compressed_size).ok(), u32::try_from(e.size).ok());
    if u32_at(bytes, data_end) == Some(DESCRIPTOR_SIG) && fields(data_end + 4) == want {
        return Ok(data_end + 16);
    }
    if fields(data_end) == want {
        return Ok(data_end + 12);
    }
    Err(err(
        "zip_header_mismatch",
        format!("entry {:?}: its data descriptor does not match the central directory", e.name),
    ))
}

fn check_unique_names(entries: &[EntryInfo]) -> Result<(), ZipError> {
    let mut exact = HashSet::new();
    let mut folded = HashSet::new();
    for e in entries {
        if !exact.insert(e.name.as_str()) {
            return Err(err("zip_duplicate_entry", format!("entry {:?} appears twice", e.name)));
        }
        if !folded.insert(e.name.to_lowercase()) {
            return Err(err(
                "zip_duplicate_entry",
                format!("entry {:?} differs from another only by case (they collide on macOS and Windows)", e.name),
            ));
        }
    }
    Ok(())
}

/// Entries must cover the file from offset 0 to the central directory, one
/// after another: no prepended data, no gap, no overlap.
fn check_tiling(bytes: &[u8], entries: &[EntryInfo], cd_start: usize) -> Result<(), ZipError> {
    let mut spans = Vec::with_capacity(entries.len());
    for e in entries {
        spans.push((e.header_start, entry_end(bytes, e)?, e.name.as_str()));
    }
    spans.sort_unstable();
    let mut expected = 0;
    for (start, end, name) in spans {
        if start < expected {
            return Err(err("zip_overlapping_entries", format!("entry {name:?} overlaps another entry")));
        }
        if start > expected {
            return Err(err(
                "zip_invalid",
                format!("unaccounted bytes before entry {name:?} (prepended data or a hidden entry)"),
            ));
        }
        expected = end;
    }
    if expected > cd_start {
        return Err(err("zip_overlapping_entries", "an entry overlaps the central directory"));
    }
    if expected < cd_start {
        return Err(err("zip_invalid", "unaccounted bytes before the central directory"));
    }
    Ok(())
}

/// Inflates one checked entry, enforcing its declared size and CRC.
pub fn read_entry(bytes: &[u8], e: &EntryInfo) -> Result<Vec<u8>, ZipError> {
    let raw =
        bytes.get(e.data_start..e.data_start + e.compressed_size as usize).ok_or_else(|| truncated("entry data"))?;
    let mut data = Vec::with_capacity(usize::try_from(e.size).unwrap_or(0));
    if e.method == METHOD_STORED {
        data.extend_from_slice(raw);
    } else {
        flate2::read::DeflateDecoder::new(raw)
            .take(e.size.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|x| err("zip_invalid", format!("entry {:?}: {x}", e.name)))?;
    }
    if data.len() as u64 != e.size {
        return Err(err("zip_invalid", format!("entry {:?} does not hold the {} bytes it declares", e.name, e.size)));
    }
    if crc32fast::hash(&data) != e.crc32 {
        return Err(err("zip_invalid", format!("entry {:?}: CRC-32 does not match its contents", e.name)));
    }
    Ok(data)
}

/// Reads every regular entry: name → bytes (directories skipped).
pub fn read_all(bytes: &[u8], entries: &[EntryInfo]) -> Result<BTreeMap<String, Vec<u8>>, ZipError> {
    let mut files = BTreeMap::new();
    for e in entries.iter().filter(|e| !e.is_dir) {
        files.insert(e.name.clone(), read_entry(bytes, e)?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits =
        Limits { max_entries: 16, max_total_bytes: 1 << 20, max_ratio: 100, ratio_floor_bytes: 1024 };

    /// One entry as written, with every field that a hostile archive can bend.
    #[derive(Clone)]
    struct Raw {
        local_name: Vec<u8>,
        cd_name: Vec<u8>,
        data: Vec<u8>,
        local_flags: u16,
        cd_flags: u16,
        method: u16,
        local_extra: Vec<u8>,
        cd_extra: Vec<u8>,
        cd_size: Option<u32>,
        crc: Option<u32>,
        external: u32,
        /// With the descriptor flag: the descriptor written after the data (with signature?).
        descriptor: Option<bool>,
    }

    fn raw(name: &str, data: &[u8]) -> Raw {
        Raw {
            local_name: name.into(),
            cd_name: name.into(),
            data: data.to_vec(),
            local_flags: 0,
            cd_flags: 0,
            method: 0,
            local_extra: vec![],
            cd_extra: vec![],
            cd_size: None,
            crc: None,
            external: 0o100_644 << 16,
            descriptor: None,
        }
    }

    #[derive(Default)]
    struct Archive {
        prepend: Vec<u8>,
        append: Vec<u8>,
        count: Option<u16>,
        /// One more central-directory record: its entry, the index of the
        /// written entry it points into, and how far past that entry's header.
        alias: Option<(Raw, usize, u32)>,
        zip64_locator: bool,
    }

    fn p16(out: &mut Vec<u8>, v: u16) {
        out.extend_from_slice(&v.to_le_bytes());
    }
    fn p32(out: &mut Vec<u8>, v: u32) {
        out.extend_from_slice(&v.to_le_bytes());
    }

    fn build(entries: &[Raw], a: &Archive) -> Vec<u8> {
        let mut out = a.prepend.clone();
        let mut offsets = Vec::new();
        for e in entries {
            offsets.push(u32::try_from(out.len()).unwrap());
            let crc = e.crc.unwrap_or_else(|| crc32fast::hash(&e.data));
            let size = u32::try_from(e.data.len()).unwrap();
            p32(&mut out, LOCAL_SIG);
            p16(&mut out, 20);
            p16(&mut out, e.local_flags);
            p16(&mut out, e.method);
            p32(&mut out, 0);
            if e.descriptor.is_some() {
                p32(&mut out, 0);
                p32(&mut out, 0);
                p32(&mut out, 0);
            } else {
                p32(&mut out, crc);
                p32(&mut out, size);
                p32(&mut out, size);
            }
            p16(&mut out, u16::try_from(e.local_name.len()).unwrap());
            p16(&mut out, u16::try_from(e.local_extra.len()).unwrap());
            out.extend_from_slice(&e.local_name);
            out.extend_from_slice(&e.local_extra);
            out.extend_from_slice(&e.data);
            if let Some(sig) = e.descriptor {
                if sig {
                    p32(&mut out, DESCRIPTOR_SIG);
                }
                p32(&mut out, crc);
                p32(&mut out, size);
                p32(&mut out, size);
            }
        }
        let cd_start = out.len();
        let mut records = Vec::new();
        for (i, e) in entries.iter().enumerate() {
            records.push((e.clone(), offsets[i], e.cd_name.clone()));
        }
        if let Some((e, i, add)) = &a.alias {
            records.push((e.clone(), offsets[*i] + add, e.cd_name.clone()));
        }
        for (e, offset, name) in &records {
            let size = u32::try_from(e.data.len()).unwrap();
            p32(&mut out, CENTRAL_SIG);
            p16(&mut out, 3 << 8 | 20);
            p16(&mut out, 20);
            p16(&mut out, e.cd_flags);
            p16(&mut out, e.method);
            p32(&mut out, 0);
            p32(&mut out, e.crc.unwrap_or_else(|| crc32fast::hash(&e.data)));
            p32(&mut out, e.cd_size.unwrap_or(size));
            p32(&mut out, e.cd_size.unwrap_or(size));
            p16(&mut out, u16::try_from(name.len()).unwrap());
            p16(&mut out, u16::try_from(e.cd_extra.len()).unwrap());
            p16(&mut out, 0);
            p16(&mut out, 0);
            p16(&mut out, 0);
            p32(&mut out, e.external);
            p32(&mut out, *offset);
            out.extend_from_slice(name);
            out.extend_from_slice(&e.cd_extra);
        }
        let cd_size = u32::try_from(out.len() - cd_start).unwrap();
        if a.zip64_locator {
            p32(&mut out, ZIP64_LOCATOR_SIG);
            out.extend_from_slice(&[0; 16]);
        }
        let count = a.count.unwrap_or(u16::try_from(records.len()).unwrap());
        p32(&mut out, EOCD_SIG);
        p16(&mut out, 0);
        p16(&mut out, 0);
        p16(&mut out, count);
        p16(&mut out, count);
        p32(&mut out, cd_size);
        p32(&mut out, u32::try_from(cd_start).unwrap());
        p16(&mut out, 0);
        out.extend_from_slice(&a.append);
        out
    }

    fn read(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, ZipError> {
        let list = entries(bytes, &LIMITS)?;
        read_all(bytes, &list)
    }

    fn unicode_path_extra(name: &str) -> Vec<u8> {
        let mut x = vec![];
        p16(&mut x, 0x7075);
        p16(&mut x, u16::try_from(5 + name.len()).unwrap());
        x.push(1);
        p32(&mut x, 0);
        x.extend_from_slice(name.as_bytes());
        x
    }

    #[test]
    fn hostile_archives_are_refused_and_plain_ones_read() {
        let a = raw("manifest.json", b"{}");
        let b = raw("evidence.txt", b"the real evidence");
        let ok = |v: Vec<Raw>| build(&v, &Archive::default());
        let with = |f: &dyn Fn(&mut Raw)| {
            let mut e = b.clone();
            f(&mut e);
            ok(vec![a.clone(), e])
        };
        let mut descriptor_sig = b.clone();
        (descriptor_sig.local_flags, descriptor_sig.cd_flags, descriptor_sig.descriptor) = (8, 8, Some(true));
        let mut descriptor_bare = b.clone();
        (descriptor_bare.local_flags, descriptor_bare.cd_flags, descriptor_bare.descriptor) = (8, 8, Some(false));
        let mut utf8 = raw("évidence.txt", b"x");
        (utf8.local_flags, utf8.cd_flags) = (FLAG_UTF8, FLAG_UTF8);
        let accepted: Vec<(&str, Vec<u8>)> = vec![
            ("two stored entries", ok(vec![a.clone(), b.clone()])),
            ("data descriptor with signature", ok(vec![a.clone(), descriptor_sig])),
            ("data descriptor without signature", ok(vec![a.clone(), descriptor_bare])),
            ("UTF-8 flagged name", ok(vec![a.clone(), utf8])),
            (
                "an unrelated extra field (extended timestamp)",
                with(&|e| {
                    e.cd_extra = vec![0x55, 0x54, 5, 0, 1, 0, 0, 0, 0];
                    e.local_extra = e.cd_extra.clone();
                }),
            ),
            ("empty archive", ok(vec![])),
        ];
        for (what, bytes) in &accepted {
            assert!(read(bytes).is_ok(), "{what} should be accepted: {:?}", read(bytes).err());
        }
        assert_eq!(read(&accepted[0].1).unwrap()["evidence.txt"], b"the real evidence");

        let refused: Vec<(&str, &str, Vec<u8>)> = vec![
            (
                "Unicode Path extra field renames the entry",
                "zip_unicode_extra",
                with(&|e| e.cd_extra = unicode_path_extra("manifest.sig")),
            ),
            (
                "Unicode Path extra field in the local header",
                "zip_unicode_extra",
                with(&|e| e.local_extra = unicode_path_extra("x")),
            ),
            (
                "Unicode Comment extra field",
                "zip_unicode_extra",
                with(&|e| e.cd_extra = vec![0x75, 0x63, 5, 0, 1, 0, 0, 0, 0]),
            ),
            ("ZIP64 extra field", "zip_unsupported", with(&|e| e.cd_extra = vec![1, 0, 0, 0])),
            ("malformed extra field", "zip_invalid", with(&|e| e.cd_extra = vec![0x55, 0x54, 9, 0, 1])),
            (
                "local name differs from the directory's",
                "zip_header_mismatch",
                with(&|e| e.local_name = b"evil.txt".to_vec()),
            ),
            ("local size differs", "zip_header_mismatch", with(&|e| e.cd_size = Some(5))),
            ("local flags differ", "zip_header_mismatch", with(&|e| e.local_flags = FLAG_UTF8)),
            ("CRC mismatch", "zip_invalid", with(&|e| e.crc = Some(7))),
            ("encrypted entry", "zip_unsupported", with(&|e| (e.local_flags, e.cd_flags) = (1, 1))),
            ("bzip2 method", "zip_unsupported", with(&|e| e.method = 12)),
            ("non-ASCII name without the UTF-8 flag", "zip_unsafe_path", ok(vec![raw("\u{e9}.txt", b"x")])),
            ("UTF-8 flag on bytes that are not UTF-8", "zip_unsafe_path", {
                let mut e = raw("x", b"x");
                (e.local_name, e.cd_name, e.local_flags, e.cd_flags) = (vec![0xff], vec![0xff], FLAG_UTF8, FLAG_UTF8);
                ok(vec![e])
            }),
            ("same name twice", "zip_duplicate_entry", ok(vec![a.clone(), b.clone(), raw("evidence.txt", b"other")])),
            (
                "names equal but for case",
                "zip_duplicate_entry",
                ok(vec![a.clone(), b.clone(), raw("EVIDENCE.txt", b"other")]),
            ),
            (
                "two directory records for one body",
                "zip_duplicate_entry",
                build(&[a.clone(), b.clone()], &Archive { alias: Some((b.clone(), 1, 0)), ..Archive::default() }),
            ),
            (
                "a second name for one body",
                "zip_header_mismatch",
                build(
                    &[a.clone(), b.clone()],
                    &Archive { alias: Some((raw("copy.txt", &b.data), 1, 0)), ..Archive::default() },
                ),
            ),
            ("an entry hidden inside another's data", "zip_overlapping_entries", {
                let hidden = raw("hidden.txt", b"swapped evidence");
                let inner = build(std::slice::from_ref(&hidden), &Archive::default());
                let local_len = LOCAL_LEN + hidden.local_name.len() + hidden.data.len();
                let outer = raw("outer.bin", &inner[..local_len]);
                let skip = u32::try_from(LOCAL_LEN + outer.local_name.len()).unwrap();
                build(&[a.clone(), outer], &Archive { alias: Some((hidden, 1, skip)), ..Archive::default() })
            }),
            (
                "prepended data (self-extractor stub)",
                "zip_invalid",
                build(std::slice::from_ref(&a), &Archive { prepend: b"MZ stub".to_vec(), ..Archive::default() }),
            ),
            (
                "trailing data after the end record",
                "zip_invalid",
                build(std::slice::from_ref(&a), &Archive { append: b"tail".to_vec(), ..Archive::default() }),
            ),
            (
                "end record counts more entries than the limit",
                "zip_too_many_entries",
                build(std::slice::from_ref(&a), &Archive { count: Some(60_000), ..Archive::default() }),
            ),
            (
                "end record counts more entries than it holds",
                "zip_invalid",
                build(std::slice::from_ref(&a), &Archive { count: Some(2), ..Archive::default() }),
            ),
            (
                "end record counts fewer entries than it holds",
                "zip_invalid",
                build(&[a.clone(), b.clone()], &Archive { count: Some(1), ..Archive::default() }),
            ),
            (
                "ZIP64 locator",
                "zip_unsupported",
                build(std::slice::from_ref(&a), &Archive { zip64_locator: true, ..Archive::default() }),
            ),
            (
                "ZIP64 entry count",
                "zip_unsupported",
                build(std::slice::from_ref(&a), &Archive { count: Some(0xFFFF), ..Archive::default() }),
            ),
            ("not a zip", "zip_invalid", b"PK\x03\x04 definitely not a zip".to_vec()),
            ("empty file", "zip_invalid", vec![]),
            ("data descriptor that lies", "zip_header_mismatch", {
                let mut e = b.clone();
                (e.local_flags, e.cd_flags, e.descriptor, e.crc) = (8, 8, Some(true), Some(1));
                let mut bytes = ok(vec![a.clone(), e]);
                // Fix the directory CRC to the real one: now only the descriptor disagrees.
                let real = crc32fast::hash(&b.data).to_le_bytes();
                let cd = bytes.len() - EOCD_LEN - (CENTRAL_LEN + b.cd_name.len());
                bytes[cd + 16..cd + 20].copy_from_slice(&real);
                bytes
            }),
        ];
        let mut wrong = Vec::new();
        for (what, code, bytes) in &refused {
            match read(bytes) {
                Err(e) if e.code == *code => {}
                other => wrong.push(format!("{what}: expected {code}, got {other:?}")),
            }
        }
        assert!(wrong.is_empty(), "{wrong:#?}");
        println!("strict zip matrix: {} refused, {} accepted, 0 wrong", refused.len(), accepted.len());
    }

    #[test]
    fn the_zip_crate_writer_is_read_back() {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let varied: Vec<u8> = (0..5000u32).map(|i| u8::try_from(i * 7 % 251).unwrap()).collect();
        for (name, data) in [("a.txt", &b"alpha"[..]), ("dir/b.bin", &varied[..])] {
            zip.start_file(name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        let bytes = zip.finish().unwrap().into_inner();
        let files = read(&bytes).unwrap();
        assert_eq!(files["a.txt"], b"alpha");
        assert_eq!(files["dir/b.bin"], varied);
    }
}
