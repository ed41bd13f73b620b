//! The compliance pack: what the auditor reviews, gathered live for an
//! engagement's scope and written as files under `compliance/` with their
//! own signed manifest (see [`super::manifest`]):
//!
//! - `policy-bundles.json`: each in-scope repository's bundle in force, its
//!   signer and verification result, and adoption over the scope;
//! - `release-packs.json`: the scope's release packs, their results and time-to-pack;
//! - `sbom-diff.json`: each in-scope repository's SBOM diff between its two latest verified releases;
//! - `vendor-attestations.json`: third-party attestations and how they verified;
//! - `documents.json` and `documents/…`: DPA, DPIA and evidence documents, with the files;
//! - `dr-metrics.json`: recovery targets and the last restore drill.
//!
//! Each signed item inside says whether it verified; [`Compliance::signed_items`]
//! lists the ones the pack vouches for, and the checklist never counts an
//! unverified one as passed.

use super::manifest::{self, Files};
use super::sbom;
use crate::domain::AppError;
use crate::domain::adoption::SignatureStatus;
use crate::domain::audit_kit::AuditorScope;
use crate::domain::audit_kit::checklist::DocumentFacts;
use crate::domain::audit_kit::sbom::RepoSbomDiff;
use crate::domain::drill::DrillReport;
use crate::domain::period::Day;
use crate::domain::status::Verdict;
use crate::ssr::AppState;
use crate::ssr::error::log_internal;
use crate::ssr::store::{DocumentRow, DrTargetsRow, EngagementRow, PackRow, VendorAttestationRow};
use serde::Serialize;
use std::collections::BTreeMap;

/// The payload type of the compliance pack's signed manifest.
pub const PAYLOAD_TYPE: &str = "application/vnd.trust-portal.compliance-manifest+json";
/// Where the compliance pack's files are.
pub const DIR: &str = "compliance/";
/// Packs listed per tenant.
const PACKS_PER_TENANT: i64 = 200;

/// A release pack as the compliance pack lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackEvidence {
    /// Tenant slug.
    pub tenant: String,
    /// `owner/name`.
    pub repo: String,
    /// Release tag.
    pub tag: String,
    /// SHA-256 of the pack zip.
    pub sha256: String,
    /// `verified` or `failed`.
    pub status: String,
    /// Why it failed.
    pub reason: Option<String>,
    /// The key whose manifest signature verified.
    pub signer_key_id: Option<String>,
    /// When it was uploaded (RFC 3339).
    pub uploaded_at: String,
    /// From the release's creation to the verified pack (ms).
    pub time_to_pack_ms: Option<i64>,
}

/// A document as the compliance pack lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentEvidence {
    /// `doc_…` id.
    pub id: String,
    /// `dpa`, `dpia`, `evidence`, `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// The document's version.
    pub version: String,
    /// Its owner.
    pub owner: String,
    /// Next review due.
    pub review_date: Option<String>,
    /// Current on the day the pack was built (review date not passed).
    pub current: bool,
    /// The date the evidence is about.
    pub evidence_date: Option<String>,
    /// Its file inside the pack.
    pub file: String,
    /// SHA-256 of the file.
    pub sha256: String,
}

/// Recovery targets and the last restore drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrEvidence {
    /// RPO target (minutes), when set.
    pub rpo_minutes: Option<i64>,
    /// RTO target (minutes), when set.
    pub rto_minutes: Option<i64>,
    /// The last restore drill's report.
    pub last_restore_drill: Option<DrillReport>,
}

/// Everything the compliance pack holds, gathered for one engagement.
#[derive(Debug, Clone)]
pub struct Compliance {
    /// Policy bundles and adoption within the scope.
    pub policy: SignatureStatus,
    /// Release packs within the scope.
    pub packs: Vec<PackEvidence>,
    /// SBOM diffs of the in-scope repositories.
    pub sbom: Vec<RepoSbomDiff>,
    /// Vendor attestations of the owner's library.
    pub vendors: Vec<VendorAttestationRow>,
    /// Documents: the owner's library and the engagement's evidence, with their bytes.
    pub documents: Vec<(DocumentRow, Vec<u8>)>,
    /// Recovery targets and drill.
    pub dr: DrEvidence,
}

/// One signed thing inside the pack and whether it verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedItem {
    /// What it is.
    pub what: String,
    /// It verified.
    pub ok: bool,
}

fn pack_evidence(slug: &str, p: PackRow) -> PackEvidence {
    PackEvidence {
        tenant: slug.to_owned(),
        repo: p.repo,
        tag: p.tag,
        sha256: p.sha256,
        status: p.status.as_str().into(),
        reason: p.reason,
        signer_key_id: p.signer_key_id,
        uploaded_at: crate::ssr::clock::rfc3339(p.created_at),
        time_to_pack_ms: p.time_to_pack_ms,
    }
}

/// Gathers the compliance pack's contents for engagement `e` within `scope`.
pub async fn gather(state: &AppState, e: &EngagementRow, scope: &AuditorScope) -> Result<Compliance, AppError> {
    let db = &state.db;
    let policy = crate::ssr::policy::status::report_within(state, |org, repo| scope.sees_repo(org, repo)).await?;
    let tenants: BTreeMap<String, String> =
        db.tenants().await?.into_iter().filter(|t| scope.sees_tenant(&t.id)).map(|t| (t.id, t.slug)).collect();
    let mut packs = Vec::new();
    for (id, slug) in &tenants {
        for p in db.packs(id, PACKS_PER_TENANT).await? {
            if scope.sees_repo(id, &p.repo) {
                packs.push(pack_evidence(slug, p));
            }
        }
    }
    packs.sort_by(|a, b| {
        (&a.tenant, &a.repo, &a.uploaded_at, &a.tag).cmp(&(&b.tenant, &b.repo, &b.uploaded_at, &b.tag))
    });
    let mut sbom = Vec::new();
    for r in &policy.repos {
        let Some(org) = tenants.iter().find(|(_, slug)| **slug == r.tenant).map(|(id, _)| id.clone()) else { continue };
        sbom.push(sbom::repo_diff(state, &org, &r.tenant, &r.repo).await?);
    }
    let owner = vec![e.owner_org_id.clone()];
    let vendors = db.vendor_attestations(&owner).await?;
    let mut documents = Vec::new();
    for d in db.documents(&owner, Some(&e.id)).await? {
        let bytes = db.document_body(&d.id).await?.unwrap_or_default();
        documents.push((d, bytes));
    }
    documents.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    let targets: Option<DrTargetsRow> = db.dr_targets().await?;
    let last_restore_drill = match db.drill_reports_of("restore", 1).await?.first() {
        Some(body) => Some(serde_json::from_str(body).map_err(log_internal)?),
        None => None,
    };
    Ok(Compliance {
        policy,
        packs,
        sbom,
        vendors,
        documents,
        dr: DrEvidence {
            rpo_minutes: targets.map(|t| t.rpo_minutes),
            rto_minutes: targets.map(|t| t.rto_minutes),
            last_restore_drill,
        },
    })
}

fn json(value: &impl Serialize) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

impl Compliance {
    /// The documents as the DPA/DPIA checklist item sees them.
    pub fn document_facts(&self) -> Vec<DocumentFacts> {
        self.documents
            .iter()
            .map(|(d, _)| DocumentFacts {
                kind: d.kind,
                name: format!("{} v{}", d.title, d.version),
                review_date: d.review_date.as_deref().and_then(|r| Day::parse(r).ok()),
            })
            .collect()
    }

    /// The signed evidence inside whose results the compliance pack vouches
    /// for: the latest release pack of each repository in scope and each vendor
    /// attestation. (Policy bundles have their own checklist item.)
    pub fn signed_items(&self) -> Vec<SignedItem> {
        let mut latest: BTreeMap<(&str, &str), &PackEvidence> = BTreeMap::new();
        for p in &self.packs {
            latest.insert((&p.tenant, &p.repo), p); // sorted by upload time: the last one wins
        }
        let mut items: Vec<SignedItem> = latest
            .values()
            .map(|p| SignedItem {
                what: format!("release pack {}@{}", p.repo, p.tag),
                ok: p.status == Verdict::Verified.as_str(),
            })
            .collect();
        items.extend(self.vendors.iter().map(|v| SignedItem {
            what: format!("vendor attestation {} ({})", v.title, v.vendor),
            ok: v.status == Verdict::Verified,
        }));
        items
    }

    /// The pack's files under [`DIR`], as of `today` (documents' currency), unsealed.
    pub fn files(&self, today: Day) -> Files {
        let mut files = Files::new();
        let put = |files: &mut Files, name: &str, bytes: Vec<u8>| {
            files.insert(format!("{DIR}{name}"), bytes);
        };
        put(
            &mut files,
            "policy-bundles.json",
            json(&serde_json::json!({
                "adoption": self.policy.adoption,
                "current_version": self.policy.current_version,
                "allowed_lag": self.policy.allowed_lag,
                "repositories": self.policy.repos,
            })),
        );
        put(&mut files, "release-packs.json", json(&self.packs));
        put(&mut files, "sbom-diff.json", json(&self.sbom));
        let vendors: Vec<serde_json::Value> = self
            .vendors
            .iter()
            .map(|v| {
                serde_json::json!({
                    "id": v.id, "vendor": v.vendor, "title": v.title, "kind": v.kind,
                    "subject_sha256": v.subject_sha256, "status": v.status.as_str(), "reason": v.reason,
                    "detail": v.detail, "signer": v.signer.as_deref().and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok()),
                    "checks": serde_json::from_str::<serde_json::Value>(&v.checks).unwrap_or_default(),
                    "identity": v.identity, "issuer": v.issuer,
                    "uploaded_by": v.uploaded_by, "uploaded_at": crate::ssr::clock::rfc3339(v.uploaded_at),
                })
            })
            .collect();
        put(&mut files, "vendor-attestations.json", json(&vendors));
        let mut listed = Vec::new();
        for (d, bytes) in &self.documents {
            let file = format!("documents/{}-{}", d.id, d.filename);
            listed.push(DocumentEvidence {
                id: d.id.clone(),
                kind: d.kind.as_str().into(),
                title: d.title.clone(),
                version: d.version.clone(),
                owner: d.owner.clone(),
                review_date: d.review_date.clone(),
                current: d.review_date.as_deref().and_then(|r| Day::parse(r).ok()).is_some_and(|r| r >= today),
                evidence_date: d.evidence_date.clone(),
                file: file.clone(),
                sha256: d.sha256.clone(),
            });
            put(&mut files, &file, bytes.clone());
        }
        put(&mut files, "documents.json", json(&listed));
        put(&mut files, "dr-metrics.json", json(&self.dr));
        files
    }

    /// The pack's files, sealed with the portal's current key.
    pub async fn sealed(&self, state: &AppState, e: &EngagementRow, today: Day) -> Result<Files, AppError> {
        let signer = state
            .receipt_keys
            .signer(&state.db, state.now_ms(), state.new_id(crate::domain::ids::ReceiptKeyId::from_parts))
            .await?;
        let mut files = self.files(today);
        let about =
            BTreeMap::from([("engagement".to_owned(), e.id.clone()), ("evaluated_on".to_owned(), today.to_string())]);
        manifest::seal(&mut files, DIR, "trust-portal/compliance-pack/v1", about, &signer, PAYLOAD_TYPE);
        Ok(files)
    }
}
