//! SBOM diffs between two releases, over a format-neutral component list
//! (the server reads CycloneDX and SPDX JSON into it with their own crates).
//!
//! A component is matched across releases by its package URL without the
//! version (`pkg:cargo/serde`), or by its name when it has none. A name
//! listed with several versions is one component with a set of versions.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One component of an SBOM, format-neutral.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// The name as the SBOM gives it.
    pub name: String,
    /// The version, when given.
    pub version: Option<String>,
    /// The package URL, when given.
    pub purl: Option<String>,
    /// License ids or expressions (declared or concluded), as given.
    pub licenses: Vec<String>,
}

impl Component {
    /// The key that matches this component across releases.
    pub fn key(&self) -> String {
        match &self.purl {
            Some(p) => {
                let no_version = p.split(['@', '?', '#']).next().unwrap_or(p);
                no_version.to_ascii_lowercase()
            }
            None => self.name.to_ascii_lowercase(),
        }
    }
}

/// An SBOM read from a release: its format and components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sbom {
    /// `CycloneDX 1.5`, `SPDX-2.3`, …
    pub format: String,
    /// The components.
    pub components: Vec<Component>,
}

/// A component whose versions or licenses changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changed {
    /// The component's name.
    pub name: String,
    /// The matching key (package URL without version, or the name).
    pub key: String,
    /// Before (versions or licenses, joined).
    pub from: String,
    /// After.
    pub to: String,
}

/// What changed from one release's SBOM to the next.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SbomDiff {
    /// In the newer release only (`name version`).
    pub added: Vec<String>,
    /// In the older release only.
    pub removed: Vec<String>,
    /// In both, with other versions.
    pub version_changed: Vec<Changed>,
    /// In both, with other licenses.
    pub license_changed: Vec<Changed>,
    /// Components in the older and the newer release.
    pub counts: (usize, usize),
}

impl SbomDiff {
    /// No component was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.version_changed.is_empty()
            && self.license_changed.is_empty()
    }

    /// One line for people.
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} removed, {} version changes, {} license changes ({} → {} components)",
            self.added.len(),
            self.removed.len(),
            self.version_changed.len(),
            self.license_changed.len(),
            self.counts.0,
            self.counts.1
        )
    }
}

/// One repository's SBOM diff between its two latest verified releases, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoSbomDiff {
    /// Tenant slug.
    pub tenant: String,
    /// `owner/name`.
    pub repo: String,
    /// The older release's tag.
    pub older: Option<String>,
    /// The newer release's tag.
    pub newer: Option<String>,
    /// The SBOM format(s) read.
    pub format: Option<String>,
    /// The diff, when both SBOMs were read.
    pub diff: Option<SbomDiff>,
    /// Why there is no diff.
    pub note: Option<String>,
}

#[derive(Default)]
struct Entry {
    name: String,
    versions: BTreeSet<String>,
    licenses: BTreeSet<String>,
}

fn index(sbom: &Sbom) -> BTreeMap<String, Entry> {
    let mut map: BTreeMap<String, Entry> = BTreeMap::new();
    for c in &sbom.components {
        let e = map.entry(c.key()).or_default();
        if e.name.is_empty() {
            e.name.clone_from(&c.name);
        }
        e.versions.extend(c.version.clone());
        e.licenses.extend(c.licenses.iter().cloned());
    }
    map
}

fn joined(set: &BTreeSet<String>) -> String {
    if set.is_empty() { "(none)".to_owned() } else { set.iter().cloned().collect::<Vec<_>>().join(", ") }
}

fn label(e: &Entry) -> String {
    if e.versions.is_empty() { e.name.clone() } else { format!("{} {}", e.name, joined(&e.versions)) }
}

/// The diff from `older` to `newer`, every list sorted by key.
pub fn diff(older: &Sbom, newer: &Sbom) -> SbomDiff {
    let (old, new) = (index(older), index(newer));
    let mut d = SbomDiff { counts: (old.len(), new.len()), ..SbomDiff::default() };
    for (key, e) in &new {
        match old.get(key) {
            None => d.added.push(label(e)),
            Some(o) => {
                let change = |from: &BTreeSet<String>, to: &BTreeSet<String>| Changed {
                    name: e.name.clone(),
                    key: key.clone(),
                    from: joined(from),
                    to: joined(to),
                };
                if o.versions != e.versions {
                    d.version_changed.push(change(&o.versions, &e.versions));
                }
                if o.licenses != e.licenses {
                    d.license_changed.push(change(&o.licenses, &e.licenses));
                }
            }
        }
    }
    d.removed = old.iter().filter(|(k, _)| !new.contains_key(*k)).map(|(_, e)| label(e)).collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(name: &str, version: &str, purl: Option<&str>, license: &str) -> Component {
        Component {
            name: name.into(),
            version: Some(version.into()),
            purl: purl.map(str::to_owned),
            licenses: vec![license.into()],
        }
    }

    fn sbom(components: Vec<Component>) -> Sbom {
        Sbom { format: "test".into(), components }
    }

    #[test]
    fn finds_every_kind_of_change() {
        let older = sbom(vec![
            c("serde", "1.0.0", Some("pkg:cargo/serde@1.0.0"), "MIT OR Apache-2.0"),
            c("openssl", "3.0.1", None, "Apache-2.0"),
            c("left-pad", "1.3.0", Some("pkg:npm/left-pad@1.3.0"), "WTFPL"),
        ]);
        let newer = sbom(vec![
            c("serde", "1.0.210", Some("pkg:cargo/serde@1.0.210"), "MIT OR Apache-2.0"),
            c("openssl", "3.0.1", None, "OpenSSL"),
            c("tokio", "1.40.0", Some("pkg:cargo/tokio@1.40.0"), "MIT"),
        ]);
        let d = diff(&older, &newer);
        assert_eq!(d.added, vec!["tokio 1.40.0"]);
        assert_eq!(d.removed, vec!["left-pad 1.3.0"]);
        assert_eq!(d.version_changed.len(), 1);
        assert_eq!((d.version_changed[0].from.as_str(), d.version_changed[0].to.as_str()), ("1.0.0", "1.0.210"));
        assert_eq!(d.license_changed.len(), 1);
        assert_eq!(d.license_changed[0].name, "openssl");
        assert_eq!(d.counts, (3, 3));
        assert!(diff(&newer, &newer).is_empty());
    }

    #[test]
    fn purl_keys_ignore_version_and_qualifiers() {
        let a = c("x", "1", Some("pkg:deb/debian/curl@7.88?arch=amd64"), "curl");
        assert_eq!(a.key(), "pkg:deb/debian/curl");
        let b = Component { purl: None, ..a.clone() };
        assert_eq!(b.key(), "x");
    }
}
