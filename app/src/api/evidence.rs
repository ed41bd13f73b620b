//! A tenant's evidence in the portal: check evidence on the Verify page (a dry
//! run: no record, no receipt, not billed), and read receipts and packs.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]
#![allow(clippy::too_many_arguments, reason = "check_evidence takes one argument per form field")]

use crate::domain::AppError;
#[cfg(feature = "ssr")]
use crate::domain::cursor::Cursor;
use crate::domain::cursor::Page;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The outcome of a check on the Verify page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    /// True when every check passed.
    pub verified: bool,
    /// SHA-256 of the subject, when verified.
    pub subject_sha256: Option<String>,
    /// Who signed, for people.
    pub signer: Option<String>,
    /// The checks that passed.
    pub checks: Vec<String>,
    /// Reason code of the failure.
    pub reason: Option<String>,
    /// What exactly failed.
    pub message: Option<String>,
}

/// Where a no-JavaScript submission's outcome waits for the page to show it.
pub const CHECK_FLASH_COOKIE: &str = "tp_check";

/// Checks evidence with the same engine as the Attestation API, without
/// recording, metering or a receipt. Empty fields count as not given.
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
    use crate::ssr::verification::attestation::{self, Kind};
    use crate::ssr::verification::request::{Malformed, RequestParts};
    use crate::ssr::verification::rules::{AttestationPolicy, PolicyRules};
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let given = |s: String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
    let kind = match kind.as_str() {
        "cosign_blob" => Kind::CosignBlob,
        "sigstore_bundle" => Kind::SigstoreBundle,
        "in_toto" => Kind::InToto,
        _ => return Err(AppError::invalid("Kind", "choose a kind of evidence")),
    };
    if evidence.trim().is_empty() {
        return Err(AppError::invalid("Evidence", "paste the signature, bundle or envelope"));
    }
    let artifact_digest = given(artifact_digest);
    let parts = RequestParts {
        kind,
        // A digest, when given, is what is checked.
        artifact_bytes: (artifact_digest.is_none() && !artifact_text.is_empty()).then(|| artifact_text.into_bytes()),
        artifact_digest,
        evidence,
        public_key: given(public_key),
        stored_key: given(key),
        rules: PolicyRules {
            identity: given(identity),
            issuer: given(issuer),
            trusted_root: None,
            statement: AttestationPolicy {
                predicate_type: given(predicate_type),
                builder_id: given(builder_id),
                ..Default::default()
            },
        },
        policy: None,
    };
    let request = parts.build().map_err(|m| match m {
        Malformed::ArtifactChoice => {
            AppError::invalid("Artifact", "paste the artifact's text or give its sha256: digest")
        }
        Malformed::Digest => AppError::invalid("Artifact digest", "must be sha256: followed by 64 hex digits"),
        Malformed::TwoKeys => AppError::invalid("Key", "paste a public key or choose a stored key, not both"),
        Malformed::NoKey => AppError::invalid("Key", "paste the public key or choose a stored key"),
        Malformed::PolicyAndRules => {
            AppError::invalid("Policy", "a stored policy replaces the rules; give one or the other")
        }
    })?;
    let outcome = match attestation::check(&state, &p.org_id, request).await? {
        Ok(v) => CheckOutcome {
            verified: true,
            subject_sha256: Some(v.subject_sha256),
            signer: Some(match v.signer {
                crate::ssr::verification::engine::Signer::Identity { identity, issuer } => {
                    format!("{identity} (issuer {issuer})")
                }
                crate::ssr::verification::engine::Signer::Key { key_id } => format!("key {key_id}"),
            }),
            checks: v.checks.into_iter().map(str::to_owned).collect(),
            reason: None,
            message: None,
        },
        Err(e) => CheckOutcome {
            verified: false,
            subject_sha256: None,
            signer: None,
            checks: vec![],
            reason: Some(e.reason.as_str().to_owned()),
            message: Some(e.message),
        },
    };
    if super::flash::is_plain_form_post() {
        let json = serde_json::to_vec(&outcome).map_err(crate::ssr::error::log_internal)?;
        let value = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, json);
        super::flash::set_flash(&state, CHECK_FLASH_COOKIE, &value, "/verify");
    }
    Ok(outcome)
}

/// The outcome of the last no-JavaScript check, once; clears it.
#[server(endpoint = "take_check_outcome")]
pub async fn take_check_outcome() -> Result<Option<CheckOutcome>, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::UseTenantWorkspace).await?;
    let Some(value) = super::flash::take_flash(&state, CHECK_FLASH_COOKIE, "/verify", "") else { return Ok(None) };
    let outcome = base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, value)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok());
    Ok(outcome)
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
