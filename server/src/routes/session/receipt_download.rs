//! `GET /receipts/{id}/download`: one of the tenant's signed receipts as a
//! file (`ver_….intoto.json`, the DSSE envelope as issued), for a signed-in
//! tenant user; `trust-portal verify-receipt` and the Verify page check it.

use super::signed_in::SignedIn;
use crate::routes::download::attachment;
use crate::routes::error::ApiError;
use app::domain::AppError;
use app::ssr::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Router, routing::get};

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/receipts/{id}/download", get(download))
}

/// The receipt, or 404 when the caller's tenant has none with this id.
pub async fn download(
    State(state): State<AppState>,
    SignedIn(p): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    p.require(app::domain::Action::UseTenantWorkspace)?;
    let id = app::domain::ids::VerificationId::parse(&id).map_err(|_| AppError::not_found("Receipt"))?;
    let receipt = state.db.receipt(&p.org_id, id.as_str()).await?.ok_or_else(|| AppError::not_found("Receipt"))?;
    Ok(attachment(receipt.envelope, "application/json", &format!("{}.intoto.json", receipt.id)))
}
