//! SBOMs out of release packs: CycloneDX JSON (1.3-1.5, read by the
//! CycloneDX project's `cyclonedx-bom`) and SPDX JSON (read by `spdx-rs`),
//! turned into the format-neutral [`Sbom`], and each in-scope repository's
//! diff between its two latest verified releases. Only verified packs are
//! read: a pack that failed its checks is not evidence.

use crate::domain::AppError;
use crate::domain::audit_kit::sbom::{Component, RepoSbomDiff, Sbom, diff};
use crate::domain::status::Verdict;
use crate::ssr::AppState;

/// Why an SBOM could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SbomError(pub String);

/// Reads a CycloneDX JSON document.
pub fn read_cyclonedx(bytes: &[u8]) -> Result<Sbom, SbomError> {
    use cyclonedx_bom::models::component::Component as CdxComponent;
    use cyclonedx_bom::models::license::{LicenseChoice, LicenseIdentifier};
    let bom = cyclonedx_bom::models::bom::Bom::parse_from_json(bytes)
        .map_err(|e| SbomError(format!("not a CycloneDX JSON document this portal reads (1.3-1.5): {e}")))?;
    fn walk(list: &[CdxComponent], out: &mut Vec<Component>) {
        for c in list {
            let licenses = c
                .licenses
                .as_ref()
                .map(|l| {
                    l.0.iter()
                        .map(|choice| match choice {
                            LicenseChoice::License(lic) => match &lic.license_identifier {
                                LicenseIdentifier::SpdxId(id) => id.to_string(),
                                LicenseIdentifier::Name(name) => name.to_string(),
                            },
                            LicenseChoice::Expression(e) => e.to_string(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let name = match &c.group {
                Some(g) if !g.to_string().is_empty() => format!("{g}/{}", c.name),
                _ => c.name.to_string(),
            };
            out.push(Component {
                name,
                version: c.version.as_ref().map(ToString::to_string),
                purl: c.purl.as_ref().map(ToString::to_string),
                licenses,
            });
            if let Some(children) = &c.components {
                walk(&children.0, out);
            }
        }
    }
    let mut components = Vec::new();
    if let Some(list) = &bom.components {
        walk(&list.0, &mut components);
    }
    Ok(Sbom { format: format!("CycloneDX {}", bom.spec_version), components })
}

/// Reads an SPDX JSON document.
pub fn read_spdx(bytes: &[u8]) -> Result<Sbom, SbomError> {
    let doc: spdx_rs::models::SPDX =
        serde_json::from_slice(bytes).map_err(|e| SbomError(format!("not an SPDX JSON document: {e}")))?;
    let components = doc
        .package_information
        .iter()
        .map(|p| {
            let purl = p
                .external_reference
                .iter()
                .find(|r| r.reference_type.eq_ignore_ascii_case("purl"))
                .map(|r| r.reference_locator.clone());
            let licenses = [&p.declared_license, &p.concluded_license]
                .into_iter()
                .flatten()
                .map(ToString::to_string)
                .filter(|l| l != "NOASSERTION" && l != "NONE")
                .collect();
            Component { name: p.package_name.clone(), version: p.package_version.clone(), purl, licenses }
        })
        .collect();
    Ok(Sbom { format: doc.document_creation_information.spdx_version.clone(), components })
}

/// Reads an SBOM of either format, told apart by the document itself
/// (`bomFormat: CycloneDX` or `spdxVersion`).
pub fn read(bytes: &[u8]) -> Result<Sbom, SbomError> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| SbomError(format!("not a JSON document: {e}")))?;
    if v.get("bomFormat").and_then(|f| f.as_str()) == Some("CycloneDX") {
        read_cyclonedx(bytes)
    } else if v.get("spdxVersion").is_some() {
        read_spdx(bytes)
    } else {
        Err(SbomError("neither CycloneDX (bomFormat) nor SPDX (spdxVersion) JSON".into()))
    }
}

/// Whether a pack file is an SBOM by its name (`*.spdx.json`, `*.cdx.json`,
/// `*cyclonedx*.json`, `bom.json`, `sbom*.json`).
pub fn is_sbom_name(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.ends_with(".json")
        && (name.ends_with(".spdx.json")
            || name.ends_with(".cdx.json")
            || name.contains("cyclonedx")
            || name == "bom.json"
            || name.starts_with("sbom"))
}

/// The SBOM inside a pack zip, read.
fn sbom_in(zip: &[u8]) -> Result<Sbom, SbomError> {
    let files = crate::ssr::evidence::packs::read_zip(zip).map_err(|e| SbomError(e.to_string()))?;
    let (path, bytes) =
        files.iter().find(|(p, _)| is_sbom_name(p)).ok_or_else(|| SbomError("the pack holds no SBOM file".into()))?;
    read(bytes).map_err(|e| SbomError(format!("{path}: {e}")))
}

/// The diff between the two latest verified releases of `repo` (tenant `org_id`).
pub async fn repo_diff(state: &AppState, org_id: &str, tenant: &str, repo: &str) -> Result<RepoSbomDiff, AppError> {
    let mut out = RepoSbomDiff {
        tenant: tenant.to_owned(),
        repo: repo.to_owned(),
        older: None,
        newer: None,
        format: None,
        diff: None,
        note: None,
    };
    let verified: Vec<_> = state
        .db
        .packs(org_id, 1_000)
        .await?
        .into_iter()
        .filter(|p| p.repo == repo && p.status == Verdict::Verified)
        .take(2)
        .collect();
    let [newer, older] = verified.as_slice() else {
        out.newer = verified.first().map(|p| p.tag.clone());
        out.note = Some(format!("{} verified release(s); a diff needs two", verified.len()));
        return Ok(out);
    };
    out.newer = Some(newer.tag.clone());
    out.older = Some(older.tag.clone());
    let (a, b) = (state.db.pack_zip(org_id, &older.id).await?, state.db.pack_zip(org_id, &newer.id).await?);
    let (Some(a), Some(b)) = (a, b) else {
        out.note = Some("a pack's zip is missing".into());
        return Ok(out);
    };
    let read_both = tokio::task::spawn_blocking(move || (sbom_in(&a), sbom_in(&b)))
        .await
        .map_err(crate::ssr::error::log_internal)?;
    match read_both {
        (Ok(a), Ok(b)) => {
            out.format =
                Some(if a.format == b.format { a.format.clone() } else { format!("{} → {}", a.format, b.format) });
            out.diff = Some(diff(&a, &b));
        }
        (Err(e), _) => out.note = Some(format!("{}: {e}", older.tag)),
        (_, Err(e)) => out.note = Some(format!("{}: {e}", newer.tag)),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CDX_OLD: &str = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
      "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
      "components": [
        {"type": "library", "name": "serde", "version": "1.0.197", "purl": "pkg:cargo/serde@1.0.197",
         "licenses": [{"expression": "MIT OR Apache-2.0"}]},
        {"type": "library", "group": "org.apache.logging.log4j", "name": "log4j-core", "version": "2.14.1",
         "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1", "licenses": [{"license": {"id": "Apache-2.0"}}]},
        {"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0",
         "licenses": [{"license": {"id": "WTFPL"}}]}
      ]
    }"#;

    const CDX_NEW: &str = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.4", "version": 2,
      "components": [
        {"type": "library", "name": "serde", "version": "1.0.210", "purl": "pkg:cargo/serde@1.0.210",
         "licenses": [{"expression": "MIT OR Apache-2.0"}]},
        {"type": "library", "group": "org.apache.logging.log4j", "name": "log4j-core", "version": "2.17.1",
         "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1", "licenses": [{"license": {"id": "Apache-2.0"}}]},
        {"type": "framework", "name": "tokio", "version": "1.40.0", "purl": "pkg:cargo/tokio@1.40.0",
         "licenses": [{"license": {"id": "MIT"}}],
         "components": [{"type": "library", "name": "tokio-macros", "version": "2.4.0", "purl": "pkg:cargo/tokio-macros@2.4.0"}]}
      ]
    }"#;

    const SPDX_OLD: &str = r#"{
      "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
      "name": "robot-firmware-2.3.9", "documentNamespace": "https://acme.example/spdx/robot-firmware-2.3.9",
      "creationInfo": {"created": "2026-03-01T10:00:00Z", "creators": ["Tool: syft-1.0.0"]},
      "packages": [
        {"name": "openssl", "SPDXID": "SPDXRef-Package-openssl", "versionInfo": "3.0.13",
         "downloadLocation": "NOASSERTION", "licenseConcluded": "Apache-2.0", "licenseDeclared": "Apache-2.0",
         "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                           "referenceLocator": "pkg:deb/debian/openssl@3.0.13"}]},
        {"name": "zlib", "SPDXID": "SPDXRef-Package-zlib", "versionInfo": "1.3",
         "downloadLocation": "NOASSERTION", "licenseConcluded": "Zlib", "licenseDeclared": "Zlib"}
      ]
    }"#;

    const SPDX_NEW: &str = r#"{
      "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
      "name": "robot-firmware-2.4.0", "documentNamespace": "https://acme.example/spdx/robot-firmware-2.4.0",
      "creationInfo": {"created": "2026-04-01T10:00:00Z", "creators": ["Tool: syft-1.0.0"]},
      "packages": [
        {"name": "openssl", "SPDXID": "SPDXRef-Package-openssl", "versionInfo": "3.0.15",
         "downloadLocation": "NOASSERTION", "licenseConcluded": "Apache-2.0", "licenseDeclared": "Apache-2.0",
         "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                           "referenceLocator": "pkg:deb/debian/openssl@3.0.15"}]},
        {"name": "zlib", "SPDXID": "SPDXRef-Package-zlib", "versionInfo": "1.3",
         "downloadLocation": "NOASSERTION", "licenseConcluded": "Zlib AND MIT", "licenseDeclared": "Zlib AND MIT"},
        {"name": "libyaml", "SPDXID": "SPDXRef-Package-libyaml", "versionInfo": "0.2.5",
         "downloadLocation": "NOASSERTION", "licenseConcluded": "MIT"}
      ]
    }"#;

    #[test]
    fn cyclonedx_diff() {
        let (a, b) = (read(CDX_OLD.as_bytes()), read(CDX_NEW.as_bytes()));
        let (a, b) = (a.unwrap_or_else(|e| panic!("{e}")), b.unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(a.format, "CycloneDX 1.5");
        assert_eq!(b.components.len(), 4, "nested components are read too");
        let d = diff(&a, &b);
        assert_eq!(d.added, vec!["tokio 1.40.0", "tokio-macros 2.4.0"]);
        assert_eq!(d.removed, vec!["left-pad 1.3.0"]);
        let changed: Vec<(&str, &str, &str)> =
            d.version_changed.iter().map(|c| (c.name.as_str(), c.from.as_str(), c.to.as_str())).collect();
        assert_eq!(
            changed,
            vec![("serde", "1.0.197", "1.0.210"), ("org.apache.logging.log4j/log4j-core", "2.14.1", "2.17.1")]
        );
        assert!(d.license_changed.is_empty());
    }

    #[test]
    fn spdx_diff() {
        let (a, b) = (read(SPDX_OLD.as_bytes()), read(SPDX_NEW.as_bytes()));
        let (a, b) = (a.unwrap_or_else(|e| panic!("{e}")), b.unwrap_or_else(|e| panic!("{e}")));
        assert_eq!(a.format, "SPDX-2.3");
        let d = diff(&a, &b);
        assert_eq!(d.added, vec!["libyaml 0.2.5"]);
        assert!(d.removed.is_empty());
        assert_eq!(d.version_changed.len(), 1);
        assert_eq!(d.version_changed[0].key, "pkg:deb/debian/openssl");
        assert_eq!(d.license_changed.len(), 1);
        assert_eq!(d.license_changed[0].name, "zlib");
        assert_eq!(d.license_changed[0].to, "Zlib AND MIT");
    }

    #[test]
    fn unreadable_documents_say_why() {
        assert!(read(b"{}").unwrap_err().0.contains("neither CycloneDX"));
        assert!(read(br#"{"bomFormat":"CycloneDX","specVersion":"9.9"}"#).is_err());
        assert!(read(b"not json").unwrap_err().0.contains("not a JSON document"));
        assert!(is_sbom_name("dist/robot.spdx.json") && is_sbom_name("bom.json") && is_sbom_name("app.cdx.json"));
        assert!(!is_sbom_name("manifest.json") && !is_sbom_name("sbom.txt"));
    }
}
