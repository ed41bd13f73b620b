//! Audit files for signed-in users (roles and the engagement's scope checked
//! per request; an auditor's downloads are in the access log):
//!
//! - `GET /audits/{id}/signoff.zip`: the sign-off pack, built now (its digest is recorded);
//! - `GET /audits/{id}/documents/{doc}`: a document the engagement covers;
//! - `GET /audits/{id}/packs/{pack}`: a release pack inside the engagement's scope;
//! - `GET /audits/{id}/receipts/{receipt}`: a signed receipt of a tenant in scope;
//! - `POST /audits/{id}/requests/{request}/evidence`: the owner's staff upload
//!   evidence answering a request (multipart: `title`, `evidence_date`, `file`);
//! - `GET /audit-library/documents/{doc}` and `POST /audit-library/documents`:
//!   the operator's library (multipart: `kind`, `title`, `version`, `owner`, `review_date`, `file`).
//!
//! Uploads answer 303 back to their page (`?uploaded=` or `?upload_error=`),
//! so the plain HTML forms work with JavaScript off.

use super::signed_in::SignedIn;
use crate::routes::download::attachment;
use crate::routes::error::ApiError;
use crate::routes::form_redirect::{back_to, query_value};
use app::domain::AppError;
use app::domain::audit_kit::AuditorScope;
use app::ssr::AppState;
use app::ssr::audit_kit::access::{Access, record};
use app::ssr::audit_kit::library::{self, DocumentUpload, MAX_DOCUMENT_BYTES};
use app::ssr::audit_kit::{engagements, lookup, signoff};
use app::ssr::identity::auth::Principal;
use app::ssr::store::StoreError;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::HeaderValue;
use axum::response::Response;
use axum::routing::{get, post};

/// The routes.
pub fn router() -> Router<AppState> {
    let upload_limit = DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024);
    Router::new()
        .route("/audits/{id}/signoff.zip", get(signoff_zip))
        .route("/audits/{id}/documents/{doc}", get(engagement_document))
        .route("/audits/{id}/packs/{pack}", get(engagement_pack))
        .route("/audits/{id}/receipts/{receipt}", get(engagement_receipt))
        .route("/audits/{id}/requests/{request}/evidence", post(upload_evidence).layer(upload_limit))
        .route("/audit-library/documents/{doc}", get(library_document))
        .route("/audit-library/documents", post(upload_library_document).layer(upload_limit))
}

fn with_digest(mut res: Response, sha256: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(sha256) {
        res.headers_mut().insert("x-content-sha256", v);
    }
    res
}

/// The sign-off pack, built from the engagement's state now.
pub async fn signoff_zip(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let built = signoff::build(&state, &p, &id).await?;
    let res = attachment(built.zip, "application/zip", &format!("signoff-{id}.zip"));
    Ok(with_digest(res, &built.sha256))
}

/// The scope of engagement `id`, for a caller who may read it.
async fn in_scope(state: &AppState, p: &Principal, id: &str) -> Result<AuditorScope, ApiError> {
    p.require(app::domain::Action::ReadAudits)?;
    let e = lookup::visible(state, p, id).await?;
    Ok(engagements::scope_for(state, &e).await?)
}

/// The first thing `find` finds under a tenant of the scope (tenant-owned objects: packs, receipts).
async fn first_of_tenants<T, F, Fut>(scope: &AuditorScope, find: F) -> Result<Option<T>, StoreError>
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Option<T>, StoreError>>,
{
    for org in &scope.tenants {
        if let Some(found) = find(org.clone()).await? {
            return Ok(Some(found));
        }
    }
    Ok(None)
}

/// A document the engagement covers: attached to it, or in its owner's library.
pub async fn engagement_document(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path((id, doc)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ReadAudits)?;
    let e = lookup::visible(&state, &p, &id).await?;
    let d = state.db.document(&doc).await?.filter(|d| match &d.engagement_id {
        Some(eng) => *eng == e.id,
        None => d.org_id == e.owner_org_id,
    });
    let d = d.ok_or_else(|| AppError::not_found("Document"))?;
    let body = state.db.document_body(&d.id).await?.ok_or_else(|| AppError::not_found("Document"))?;
    if let Some(v) = p.viewer() {
        record(&state, v, Access::Download, &format!("document {} {}", d.id, d.filename), &body).await?;
    }
    Ok(with_digest(attachment(body, "application/octet-stream", &d.filename), &d.sha256))
}

/// A release pack inside the engagement's scope (not metered: the audit reads it, not the tenant).
pub async fn engagement_pack(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path((id, pack)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let scope = in_scope(&state, &p, &id).await?;
    let found = first_of_tenants(&scope, |org| {
        let (state, pack, scope) = (&state, &pack, &scope);
        async move {
            let Some(zip) = state.db.pack_zip(&org, pack).await? else { return Ok(None) };
            let row = state.db.packs(&org, 1_000).await?.into_iter().find(|r| r.id == *pack);
            Ok(row.filter(|r| scope.sees_repo(&org, &r.repo)).map(|r| (r, zip)))
        }
    })
    .await?;
    let (row, zip) = found.ok_or_else(|| AppError::not_found("Pack"))?;
    if let Some(v) = p.viewer() {
        record(&state, v, Access::Download, &format!("pack {}@{}", row.repo, row.tag), &zip).await?;
    }
    let name = format!("{}-{}.pack.zip", row.repo.replace('/', "_"), row.tag);
    Ok(with_digest(attachment(zip, "application/zip", &name), &row.sha256))
}

/// A signed receipt of a tenant in the engagement's scope (the DSSE envelope;
/// `trust-portal verify-receipt` checks it offline).
pub async fn engagement_receipt(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path((id, receipt)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let scope = in_scope(&state, &p, &id).await?;
    let found = first_of_tenants(&scope, |org| {
        let (state, receipt) = (&state, &receipt);
        async move { state.db.receipt(&org, receipt).await }
    })
    .await?;
    let row = found.ok_or_else(|| AppError::not_found("Receipt"))?;
    if let Some(v) = p.viewer() {
        record(&state, v, Access::Download, &format!("receipt {}", row.id), row.envelope.as_bytes()).await?;
    }
    Ok(attachment(row.envelope, "application/json", &format!("{}.receipt.json", row.id)))
}

/// A document of the caller's library.
pub async fn library_document(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(doc): Path<String>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ManageAuditLibrary)?;
    let d = state.db.document(&doc).await?.filter(|d| d.org_id == p.org_id && d.engagement_id.is_none());
    let d = d.ok_or_else(|| AppError::not_found("Document"))?;
    let body = state.db.document_body(&d.id).await?.ok_or_else(|| AppError::not_found("Document"))?;
    Ok(with_digest(attachment(body, "application/octet-stream", &d.filename), &d.sha256))
}

/// Reads a document upload's form: its text fields and the file.
async fn read_upload(mut form: Multipart) -> Result<DocumentUpload, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| AppError::invalid("Upload", e.body_text());
    let mut up = DocumentUpload::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            up.filename = field.file_name().unwrap_or_default().to_owned();
            up.media_type = field.content_type().unwrap_or_default().to_owned();
            up.bytes = field.bytes().await.map_err(bad)?.to_vec();
            continue;
        }
        let text = field.text().await.map_err(bad)?;
        match name.as_str() {
            "kind" => up.kind = text,
            "title" => up.title = text,
            "version" => up.version = text,
            "owner" => up.owner = text,
            "review_date" => up.review_date = text,
            "evidence_date" => up.evidence_date = text,
            _ => {}
        }
    }
    Ok(up)
}

/// Evidence answering a request (the owner's staff).
pub async fn upload_evidence(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path((id, request)): Path<(String, String)>,
    form: Multipart,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ManageAudits)?;
    lookup::managed(&state, &p, &id).await?;
    let page = format!("/audits/{id}?tab=requests");
    let result = async {
        let mut up = read_upload(form).await?;
        up.engagement_id = Some(id.clone());
        up.request_id = Some(request);
        up.kind = "evidence".into();
        up.version = "1".into();
        up.owner.clone_from(&p.email);
        library::upload_document(&state, &p, up).await
    }
    .await;
    Ok(match result {
        Ok(d) => back_to(format!("{page}&uploaded={}", d.id)),
        Err(e) => back_to(format!("{page}&upload_error={}", query_value(&e.message))),
    })
}

/// A document for the caller's library.
pub async fn upload_library_document(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    form: Multipart,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::ManageAuditLibrary)?;
    let result = async {
        let up = read_upload(form).await?;
        library::upload_document(&state, &p, up).await
    }
    .await;
    Ok(match result {
        Ok(_) => back_to("/audit-library".into()),
        Err(e) => back_to(format!("/audit-library?upload_error={}", query_value(&e.message))),
    })
}
