//! The evidence library auditors review: documents (DPA, DPIA and other
//! policies in an organisation's library; evidence attached to an
//! engagement's request), third-party vendor attestations, verified by the
//! engine when uploaded and stored with the result, and the recovery targets
//! (RPO/RTO) the restore drill is measured against.

use super::{MAX_TITLE_CHARS, day_field, lookup, text_field};
use crate::domain::audit_kit::{DocumentKind, RequestStatus};
use crate::domain::ids::{DocumentId, VendorAttestationId};
use crate::domain::status::Verdict;
use crate::domain::{Action, AppError, Role};
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::identity::auth::Principal;
use crate::ssr::store::{DocumentRow, DrTargetsRow, VendorAttestationRow};
use crate::ssr::verification::engine::{self, BundlePolicy, Subject, Verified};
use sha2::{Digest, Sha256};

/// Largest document accepted.
pub const MAX_DOCUMENT_BYTES: usize = 10 * 1024 * 1024;
/// Largest recovery target (minutes): a week.
pub const MAX_TARGET_MINUTES: i64 = 7 * 24 * 60;

/// A document being uploaded.
#[derive(Debug, Clone, Default)]
pub struct DocumentUpload {
    /// Attach to this engagement as evidence; `None`: the caller's library.
    pub engagement_id: Option<String>,
    /// The evidence request it answers (with an engagement).
    pub request_id: Option<String>,
    /// `dpa`, `dpia`, `evidence`, `other`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// The document's own version.
    pub version: String,
    /// Who owns it.
    pub owner: String,
    /// Next review due (`YYYY-MM-DD`), or empty.
    pub review_date: String,
    /// The date the evidence is about (`YYYY-MM-DD`), or empty.
    pub evidence_date: String,
    /// File name as uploaded.
    pub filename: String,
    /// Media type as uploaded.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Keeps a file name's last path part, printable, at most 200 characters.
fn clean_filename(name: &str) -> Result<String, AppError> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(200).collect();
    if cleaned.trim().is_empty() || cleaned == "." || cleaned == ".." {
        return Err(AppError::invalid("File", "choose a file to upload"));
    }
    Ok(cleaned.trim().to_owned())
}

fn optional_day(field: &str, value: &str) -> Result<Option<String>, AppError> {
    match value.trim() {
        "" => Ok(None),
        d => Ok(Some(day_field(field, d)?.to_string())),
    }
}

/// Stores a document. In a library (no engagement) it belongs to the
/// caller's organisation (operator staff: the operator; tenant admins: their
/// tenant). Attached to an engagement it answers one of its requests, which
/// then waits for the auditor's review.
pub async fn upload_document(state: &AppState, p: &Principal, up: DocumentUpload) -> Result<DocumentRow, AppError> {
    let engagement = match up.engagement_id.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(id) => Some(lookup::managed(state, p, id).await?),
        None => {
            if p.role == Role::TenantAdmin {
                p.require(Action::ManageAudits)?;
            } else {
                p.require(Action::ManageAuditLibrary)?;
            }
            None
        }
    };
    if up.bytes.is_empty() {
        return Err(AppError::invalid("File", "the file is empty"));
    }
    if up.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(AppError::invalid("File", format!("at most {} MiB", MAX_DOCUMENT_BYTES / 1024 / 1024)));
    }
    let kind = DocumentKind::parse(&up.kind).map_err(|why| AppError::invalid("Kind", why))?;
    let evidence_date = optional_day("Evidence date", &up.evidence_date)?;
    let media_type = match up.media_type.trim() {
        m if !m.is_empty() && m.len() <= 100 && m.bytes().all(|b| b.is_ascii_graphic()) => m.to_owned(),
        _ => "application/octet-stream".to_owned(),
    };
    let row = DocumentRow {
        id: state.new_id(DocumentId::from_parts).to_string(),
        org_id: engagement.as_ref().map_or_else(|| p.org_id.clone(), |e| e.owner_org_id.clone()),
        engagement_id: engagement.as_ref().map(|e| e.id.clone()),
        subject: None,
        kind,
        title: text_field("Title", &up.title, MAX_TITLE_CHARS, false)?,
        version: text_field("Version", &up.version, 40, false)?,
        owner: text_field("Owner", &up.owner, MAX_TITLE_CHARS, false)?,
        review_date: optional_day("Review date", &up.review_date)?,
        evidence_date: evidence_date.clone(),
        filename: clean_filename(&up.filename)?,
        media_type,
        sha256: hex::encode(Sha256::digest(&up.bytes)),
        size_bytes: i64::try_from(up.bytes.len()).unwrap_or(i64::MAX),
        uploaded_by: p.email.clone(),
        uploaded_at: state.now_ms(),
    };
    let mut row = row;
    let mut tx = state.db.transaction().await?;
    if let (Some(e), Some(req)) = (&engagement, up.request_id.as_deref().map(str::trim).filter(|r| !r.is_empty())) {
        let mut r = tx.request(&e.id, req).await?.ok_or_else(|| AppError::not_found("Request"))?;
        if r.status == RequestStatus::Accepted {
            return Err(AppError::new(
                crate::domain::ErrorCode::Conflict,
                format!("{} is accepted already", r.reference),
            ));
        }
        r.status = RequestStatus::InReview;
        r.evidence_date = evidence_date.clone().or(r.evidence_date);
        r.updated_at = row.uploaded_at;
        tx.update_request(&r).await?;
        row.subject = Some(r.id);
    }
    tx.insert_document(&row, &up.bytes).await?;
    if let Some(e) = &engagement {
        lookup::touch(&mut tx, state, &e.id).await?;
    }
    let detail = format!(
        "{} kind={} version={} sha256={} review={}{}",
        row.title,
        row.kind,
        row.version,
        row.sha256,
        row.review_date.as_deref().unwrap_or("-"),
        row.subject.as_deref().map(|s| format!(" answers={s}")).unwrap_or_default()
    );
    let target = engagement.as_ref().map_or(row.id.as_str(), |e| e.id.as_str());
    AuditEvent::new(&p.email, "audit.document.uploaded")
        .about(&row.org_id, target)
        .detail(&detail)
        .log_in(&mut tx, state)
        .await?;
    tx.commit().await?;
    Ok(row)
}

/// A vendor attestation as uploaded.
#[derive(Debug, Clone, Default)]
pub struct VendorUpload {
    /// The vendor.
    pub vendor: String,
    /// What it attests.
    pub title: String,
    /// `cosign_blob`, `sigstore_bundle` or `in_toto`.
    pub kind: String,
    /// `sha256:` digest of the artifact it covers.
    pub subject: String,
    /// The signature, bundle or envelope.
    pub evidence: String,
    /// The vendor's public key (PEM), for key-signed evidence.
    pub public_key: String,
    /// Keyless bundles: the required identity.
    pub identity: String,
    /// Keyless bundles: the required issuer.
    pub issuer: String,
}

/// Checks the evidence with the engine, offline (bundles against the public-good root).
fn verify_vendor(up: &VendorUpload, digest: [u8; 32]) -> Result<Verified, engine::VerificationError> {
    let subject = Subject::Sha256(digest);
    let pem = up.public_key.trim();
    match up.kind.trim() {
        "cosign_blob" => engine::verify_blob(pem, &up.evidence, subject),
        "in_toto" => engine::verify_attestation(pem, &up.evidence, subject, &Default::default()),
        _ => {
            let policy = if pem.is_empty() {
                BundlePolicy::keyless(Some(&up.identity), Some(&up.issuer))?
            } else {
                BundlePolicy::Key { pem: pem.to_owned() }
            };
            engine::verify_bundle(&engine::public_good_root()?, &up.evidence, subject, &policy, &Default::default())
        }
    }
}

/// Verifies and stores a vendor attestation in the operator's library. A
/// failing one is stored too, with its reason: the pack shows it failed.
pub async fn upload_vendor_attestation(
    state: &AppState,
    p: &Principal,
    up: VendorUpload,
) -> Result<VendorAttestationRow, AppError> {
    p.require(Action::ManageAuditLibrary)?;
    let vendor = text_field("Vendor", &up.vendor, MAX_TITLE_CHARS, false)?;
    let title = text_field("Title", &up.title, MAX_TITLE_CHARS, false)?;
    if !matches!(up.kind.trim(), "cosign_blob" | "sigstore_bundle" | "in_toto") {
        return Err(AppError::invalid("Kind", "choose cosign_blob, sigstore_bundle or in_toto"));
    }
    let digest = engine::parse_sha256_digest(up.subject.trim())
        .ok_or_else(|| AppError::invalid("Artifact digest", "must be sha256: followed by 64 hex digits"))?;
    text_field("Evidence", &up.evidence, 1024 * 1024, true)?;
    let checked = up.clone();
    let result = tokio::task::spawn_blocking(move || verify_vendor(&checked, digest))
        .await
        .map_err(crate::ssr::error::log_internal)?;
    let given = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let (status, reason, detail, signer, checks) = match &result {
        Ok(v) => (
            Verdict::Verified,
            None,
            None,
            Some(serde_json::to_string(&v.signer).map_err(crate::ssr::error::log_internal)?),
            serde_json::to_string(&v.checks).map_err(crate::ssr::error::log_internal)?,
        ),
        Err(e) => (Verdict::Failed, Some(e.reason.as_str().to_owned()), Some(e.message.clone()), None, "[]".to_owned()),
    };
    let row = VendorAttestationRow {
        id: state.new_id(VendorAttestationId::from_parts).to_string(),
        org_id: p.org_id.clone(),
        vendor,
        title,
        kind: up.kind.trim().to_owned(),
        subject_sha256: hex::encode(digest),
        evidence: up.evidence.trim().to_owned(),
        public_key: given(&up.public_key),
        identity: given(&up.identity),
        issuer: given(&up.issuer),
        status,
        reason,
        detail,
        signer,
        checks,
        uploaded_by: p.email.clone(),
        uploaded_at: state.now_ms(),
    };
    let mut tx = state.db.transaction().await?;
    tx.insert_vendor_attestation(&row).await?;
    let detail = format!("{} {} kind={} result={}", row.vendor, row.title, row.kind, row.status);
    AuditEvent::new(&p.email, "audit.vendor_attestation.uploaded")
        .about(&row.org_id, &row.id)
        .detail(&detail)
        .log_in(&mut tx, state)
        .await?;
    tx.commit().await?;
    Ok(row)
}

/// Sets the recovery targets (minutes, 1 to a week each).
pub async fn set_dr_targets(state: &AppState, p: &Principal, rpo: &str, rto: &str) -> Result<DrTargetsRow, AppError> {
    p.require(Action::ManageAuditLibrary)?;
    let minutes = |field: &str, v: &str| -> Result<i64, AppError> {
        let n: i64 = v.trim().parse().map_err(|_| AppError::invalid(field, "a whole number of minutes"))?;
        if (1..=MAX_TARGET_MINUTES).contains(&n) {
            Ok(n)
        } else {
            Err(AppError::invalid(field, format!("between 1 and {MAX_TARGET_MINUTES} minutes")))
        }
    };
    let t = DrTargetsRow { rpo_minutes: minutes("RPO", rpo)?, rto_minutes: minutes("RTO", rto)? };
    let mut tx = state.db.transaction().await?;
    tx.set_dr_targets(t, &p.email, state.now_ms()).await?;
    AuditEvent::new(&p.email, "audit.dr_targets.set")
        .detail(&format!("rpo_minutes={} rto_minutes={}", t.rpo_minutes, t.rto_minutes))
        .log_in(&mut tx, state)
        .await?;
    tx.commit().await?;
    Ok(t)
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_keep_only_their_last_part() {
        assert_eq!(super::clean_filename("../../etc/passwd").unwrap_or_default(), "passwd");
        assert_eq!(super::clean_filename("C:\\docs\\dpa \"v2\".pdf").unwrap_or_default(), "dpa v2.pdf");
        assert!(super::clean_filename("dir/").is_err());
    }
}
