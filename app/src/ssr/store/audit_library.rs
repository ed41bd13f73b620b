//! The evidence library auditors review: documents (DPA, DPIA, evidence
//! attachments), vendor attestations verified when uploaded, and the recovery
//! targets the restore drill is measured against.

use super::{Db, StoreResult, Tx};
use crate::domain::audit_kit::DocumentKind;
use crate::domain::status::Verdict;

/// A document's description (its bytes are read separately).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DocumentRow {
    /// `doc_…` id.
    pub id: String,
    /// Whose document.
    pub org_id: String,
    /// The engagement it was attached to as evidence; `None`: the library.
    pub engagement_id: Option<String>,
    /// The request or checklist item it answers.
    pub subject: Option<String>,
    /// DPA, DPIA, evidence, other.
    #[sqlx(try_from = "String")]
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// The document's own version (`2.1`).
    pub version: String,
    /// Who owns it.
    pub owner: String,
    /// Next review due (`YYYY-MM-DD`): past it, the document is not current.
    pub review_date: Option<String>,
    /// The date the evidence is about (`YYYY-MM-DD`), separate from the upload date.
    pub evidence_date: Option<String>,
    /// File name as uploaded.
    pub filename: String,
    /// Media type.
    pub media_type: String,
    /// SHA-256 of the bytes.
    pub sha256: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When (ms).
    pub uploaded_at: i64,
}

/// A third-party attestation and how it verified.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct VendorAttestationRow {
    /// `vatt_…` id.
    pub id: String,
    /// Whose library it is in.
    pub org_id: String,
    /// The vendor it comes from.
    pub vendor: String,
    /// What it attests.
    pub title: String,
    /// `cosign_blob`, `sigstore_bundle` or `in_toto`.
    pub kind: String,
    /// SHA-256 of the artifact it covers.
    pub subject_sha256: String,
    /// The signature, bundle or envelope as uploaded.
    pub evidence: String,
    /// The vendor's public key (PEM), for key-signed evidence.
    pub public_key: Option<String>,
    /// The keyless identity required.
    pub identity: Option<String>,
    /// The keyless issuer required.
    pub issuer: Option<String>,
    /// Verified or failed.
    #[sqlx(try_from = "String")]
    pub status: Verdict,
    /// Reason code when failed.
    pub reason: Option<String>,
    /// What failed.
    pub detail: Option<String>,
    /// Who signed, when verified.
    pub signer: Option<String>,
    /// JSON array of the checks that ran and passed.
    pub checks: String,
    /// Who uploaded it.
    pub uploaded_by: String,
    /// When (ms).
    pub uploaded_at: i64,
}

/// Recovery targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct DrTargetsRow {
    /// Recovery point objective (minutes of data that may be lost).
    pub rpo_minutes: i64,
    /// Recovery time objective (minutes until service is back).
    pub rto_minutes: i64,
}

const DOCUMENT_COLUMNS: &str = "id, org_id, engagement_id, subject, kind, title, version, owner, review_date, \
     evidence_date, filename, media_type, sha256, size_bytes, uploaded_by, uploaded_at";
const VENDOR_COLUMNS: &str = "id, org_id, vendor, title, kind, subject_sha256, evidence, public_key, identity, issuer, \
     status, reason, detail, signer, checks, uploaded_by, uploaded_at";

impl Db {
    /// Documents of these organisations' libraries, and those attached to `engagement`, newest first.
    pub async fn documents(&self, orgs: &[String], engagement: Option<&str>) -> StoreResult<Vec<DocumentRow>> {
        let in_orgs = if orgs.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("(engagement_id IS NULL AND org_id IN ({}))", super::placeholders(2, orgs.len()))
        };
        let sql = format!(
            "SELECT {DOCUMENT_COLUMNS} FROM audit_documents WHERE {in_orgs} OR engagement_id = $1 \
             ORDER BY uploaded_at DESC, id"
        );
        let mut q = sqlx::query_as(&sql).bind(engagement.unwrap_or(""));
        for o in orgs {
            q = q.bind(o);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// One document's description.
    pub async fn document(&self, id: &str) -> StoreResult<Option<DocumentRow>> {
        Ok(sqlx::query_as(&format!("SELECT {DOCUMENT_COLUMNS} FROM audit_documents WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// One document's bytes.
    pub async fn document_body(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(sqlx::query_scalar("SELECT body FROM audit_documents WHERE id = $1")
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Vendor attestations in these organisations' libraries, newest first.
    pub async fn vendor_attestations(&self, orgs: &[String]) -> StoreResult<Vec<VendorAttestationRow>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {VENDOR_COLUMNS} FROM vendor_attestations WHERE org_id IN ({}) ORDER BY uploaded_at DESC, id",
            super::placeholders(1, orgs.len())
        );
        let mut q = sqlx::query_as(&sql);
        for o in orgs {
            q = q.bind(o);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// The recovery targets, when set.
    pub async fn dr_targets(&self) -> StoreResult<Option<DrTargetsRow>> {
        Ok(sqlx::query_as("SELECT rpo_minutes, rto_minutes FROM dr_targets WHERE id = 1")
            .fetch_optional(self.pool())
            .await?)
    }

    /// Drill reports of one kind (JSON), newest first.
    pub async fn drill_reports_of(&self, kind: &str, limit: i64) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT body FROM drill_reports WHERE kind = $1 ORDER BY started_at DESC, id DESC LIMIT $2",
        )
        .bind(kind)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Tx<'_> {
    /// Stores a document and its bytes.
    pub async fn insert_document(&mut self, d: &DocumentRow, body: &[u8]) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_documents ({DOCUMENT_COLUMNS}, body) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ))
        .bind(&d.id)
        .bind(&d.org_id)
        .bind(&d.engagement_id)
        .bind(&d.subject)
        .bind(d.kind.as_str())
        .bind(&d.title)
        .bind(&d.version)
        .bind(&d.owner)
        .bind(&d.review_date)
        .bind(&d.evidence_date)
        .bind(&d.filename)
        .bind(&d.media_type)
        .bind(&d.sha256)
        .bind(d.size_bytes)
        .bind(&d.uploaded_by)
        .bind(d.uploaded_at)
        .bind(body)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores a vendor attestation with its verification result.
    pub async fn insert_vendor_attestation(&mut self, v: &VendorAttestationRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO vendor_attestations ({VENDOR_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)"
        ))
        .bind(&v.id)
        .bind(&v.org_id)
        .bind(&v.vendor)
        .bind(&v.title)
        .bind(&v.kind)
        .bind(&v.subject_sha256)
        .bind(&v.evidence)
        .bind(&v.public_key)
        .bind(&v.identity)
        .bind(&v.issuer)
        .bind(v.status.as_str())
        .bind(&v.reason)
        .bind(&v.detail)
        .bind(&v.signer)
        .bind(&v.checks)
        .bind(&v.uploaded_by)
        .bind(v.uploaded_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Sets the recovery targets.
    pub async fn set_dr_targets(&mut self, t: DrTargetsRow, by: &str, now: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO dr_targets (id, rpo_minutes, rto_minutes, set_by, set_at) VALUES (1, $1, $2, $3, $4) \
             ON CONFLICT (id) DO UPDATE SET rpo_minutes = $1, rto_minutes = $2, set_by = $3, set_at = $4",
        )
        .bind(t.rpo_minutes)
        .bind(t.rto_minutes)
        .bind(by)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
