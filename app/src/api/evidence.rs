//! A tenant's evidence in the portal: check evidence on the Verify page (a dry
//! run: no record, no receipt, not billed), and read receipts and packs.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]
#![allow(clippy::too_many_arguments, reason = "check_evidence takes one argument per form field")]

use crate::domain::AppError;
#[cfg(feature = "ssr")]
use crate::domain::cursor::Cursor;
use crate::domain::cursor::Page;
#[cfg(feature = "ssr")]
use crate::domain::verify_form::VerifyForm;
use crate::domain::verify_form::{CheckOutcome, PostedCheck};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Checks evidence with the same engine as the Attestation API, without
/// recording, metering or a receipt. Empty fields count as not given. (The
/// page itself posts its form to `POST /verify`, which also takes files.)
#[server(endpoint = "check_evidence")]
pub async fn check_evidence(
    kind: String,
    #[server(default)] artifact_text: String,
    #[server(default)] artifact_digest: String,
    evidence: String,
    #[server(default)] public_key: String,
    #[server(default)] key: String,
    #[server(default)] identity: String,
    #[server(default)] issuer: String,
    #[server(default)] predicate_type: String,
    #[server(default)] builder_id: String,
) -> Result<CheckOutcome, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let form = VerifyForm {
        kind,
        artifact_text,
        artifact_digest,
        evidence,
        public_key,
        key,
        identity,
        issuer,
        predicate_type,
        builder_id,
    };
    crate::ssr::verification::dry_run::check_form(&state, &p.org_id, &form).await
}

/// The form the Verify page was just posted with and its outcome, when this
/// page is the answer to `POST /verify`; none on a plain visit.
#[server(endpoint = "check_answer")]
pub async fn check_answer() -> Result<Option<PostedCheck>, AppError> {
    crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    Ok(use_context::<PostedCheck>())
}

/// The published receipt key set (the document at
/// `/.well-known/trust-portal/receipt-keys.json`), pretty-printed, for the
/// Verify page's in-browser receipt check.
#[server(endpoint = "published_receipt_keys")]
pub async fn published_receipt_keys() -> Result<String, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let set = crate::ssr::verification::receipts::key_set(&state.db).await?;
    serde_json::to_string_pretty(&set).map_err(crate::ssr::error::log_internal)
}

/// A receipt as listed, with where its verification was billed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptSummary {
    /// Receipt id (`ver_…`).
    pub id: String,
    /// SHA-256 of the subject.
    pub subject_sha256: String,
    /// Receipt key id.
    pub key_id: String,
    /// Issue time (ms).
    pub created_at: i64,
    /// The DSSE envelope, pretty-printed.
    pub envelope: String,
    /// `evt_…` id of the usage event that metered the verification.
    pub usage_event: Option<String>,
    /// The month (`YYYY-MM`) whose invoice bills it.
    pub billed_in: Option<String>,
    /// Link to that invoice, for the roles that read invoices.
    pub invoice_href: Option<String>,
}

/// Receipts a page lists.
pub const RECEIPTS_PAGE: usize = 50;

/// The tenant's receipts, newest first, [`RECEIPTS_PAGE`] at a time
/// (`before`: the cursor of the previous page's last row), all or those
/// matching `q`: a receipt id (`ver_…`) or a subject's SHA-256 (whole or its start).
#[server(endpoint = "list_receipts")]
pub async fn list_receipts(
    #[server(default)] q: String,
    #[server(default)] before: String,
) -> Result<Page<ReceiptSummary>, AppError> {
    use crate::domain::receipt_search::ReceiptSearch;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let search = ReceiptSearch::parse(&q)?;
    let before = Cursor::parse(&before)?;
    let limit = i64::try_from(RECEIPTS_PAGE + 1).unwrap_or(i64::MAX);
    let rows = state.db.receipts_with_trail(&p.org_id, search.as_ref(), before.as_ref(), limit).await?;
    let invoices = if p.role.may(crate::domain::Action::ReadUsage) {
        state.db.org(&p.org_id).await?.map(|org| org.slug)
    } else {
        None
    };
    let rows = rows
        .into_iter()
        .map(|t| {
            let r = t.receipt;
            let billed_in = t.usage_ts.map(|ts| crate::domain::period::Period::containing(ts).to_string());
            ReceiptSummary {
                envelope: serde_json::from_str::<serde_json::Value>(&r.envelope)
                    .and_then(|v| serde_json::to_string_pretty(&v))
                    .unwrap_or(r.envelope),
                invoice_href: invoices
                    .as_ref()
                    .zip(billed_in.as_ref())
                    .map(|(slug, m)| format!("/invoices/{slug}/{m}")),
                usage_event: t.usage_event_id,
                billed_in,
                id: r.id,
                subject_sha256: r.subject_sha256,
                key_id: r.key_id,
                created_at: r.created_at,
            }
        })
        .collect();
    Ok(Page::of(rows, RECEIPTS_PAGE, |r: &ReceiptSummary| Cursor { at: r.created_at, id: r.id.clone() }))
}

/// The caller's tenant's receipts per day over the last
/// [`crate::domain::call_days::DAYS`] days, by whether their key still signs.
#[server(endpoint = "receipt_days")]
pub async fn receipt_days() -> Result<Vec<crate::domain::call_days::ReceiptDay>, AppError> {
    use crate::domain::call_days;
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let now = state.now_ms();
    let rows = state.db.receipts_per_day(&p.org_id, call_days::window_start(now)).await?;
    let keys = state.db.receipt_keys().await?;
    let current = keys.iter().find(|k| k.retired_at.is_none()).map(|k| k.id.as_str());
    Ok(call_days::receipt_series(now, &rows, current))
}

/// One file or check of a pack, as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackLine {
    /// What (a file's digest, a signature…).
    pub check: String,
    /// Passed, failed or not checked.
    pub status: crate::domain::status::CheckStatus,
    /// Why.
    pub detail: String,
}

/// A pack as listed, with its files and checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackSummary {
    /// `pack_…` id.
    pub id: String,
    /// `owner/name`.
    pub repo: String,
    /// Release tag.
    pub tag: String,
    /// Verified or failed.
    pub status: crate::domain::status::Verdict,
    /// Reason code of the first failure.
    pub reason: Option<String>,
    /// SHA-256 of the zip.
    pub sha256: String,
    /// Zip size.
    pub size_bytes: i64,
    /// The key that signed the manifest.
    pub signer_key_id: Option<String>,
    /// Upload time (ms).
    pub created_at: i64,
    /// Files: (path, media type, sha256).
    pub files: Vec<(String, String, String)>,
    /// Every check.
    pub checks: Vec<PackLine>,
}

/// The tenant's newest 50 packs with their reports.
#[server(endpoint = "list_packs")]
pub async fn list_packs() -> Result<Vec<PackSummary>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let rows = state.db.packs(&p.org_id, 50).await?;
    rows.into_iter()
        .map(|r| {
            let report = crate::ssr::evidence::packs::PackReport::stored(&r)?;
            Ok(PackSummary {
                files: report
                    .manifest
                    .map(|m| m.files.into_iter().map(|f| (f.path, f.media_type, f.sha256)).collect())
                    .unwrap_or_default(),
                checks: report
                    .checks
                    .into_iter()
                    .map(|c| PackLine { check: c.check, status: c.status, detail: c.detail })
                    .collect(),
                id: r.id,
                repo: r.repo,
                tag: r.tag,
                status: r.status,
                reason: r.reason,
                sha256: r.sha256,
                size_bytes: r.size_bytes,
                signer_key_id: r.signer_key_id,
                created_at: r.created_at,
            })
        })
        .collect()
}
