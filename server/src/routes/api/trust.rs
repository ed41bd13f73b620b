//! Receipts and trust material over the machine API:
//! `GET /api/v1/receipts/{id}`, the published receipt keys at
//! `/.well-known/trust-portal/receipt-keys.json`, and a tenant's signing keys
//! and named policies (`/api/v1/signing-keys`, `/api/v1/policies`).

use super::api_key::{Admin, Key, Read};
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::domain::AppError;
use app::ssr::AppState;
use app::ssr::clock::rfc3339;
use app::ssr::error::log_internal;
use app::ssr::store::{PolicyRow, SigningKeyRow};
use app::ssr::verification::receipts::{self, KeySet};
use app::ssr::verification::rules;
use app::ssr::verification::trust::{self, NewSigningKey};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/receipts/{id}", get(receipt))
        .route(receipts::WELL_KNOWN_PATH, get(receipt_keys))
        .route("/api/v1/signing-keys", get(list_signing_keys).post(add_signing_key))
        .route("/api/v1/signing-keys/{id}/revoke", post(revoke_signing_key))
        .route("/api/v1/policies", get(list_policies).post(add_policy))
}

/// A stored receipt.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptResponse {
    /// The receipt id (= verification id).
    pub id: String,
    /// SHA-256 of the verified subject.
    pub subject_sha256: String,
    /// The receipt key that signed it.
    pub key_id: String,
    /// When it was issued (RFC 3339).
    pub issued_at: String,
    /// The DSSE envelope.
    #[schema(value_type = Object)]
    pub receipt: serde_json::Value,
}

/// A signed receipt of one of the caller's successful verifications.
#[utoipa::path(
    get, path = "/api/v1/receipts/{id}", tag = "attestation",
    params(("id" = String, Path, description = "Receipt id (`ver_…`)")),
    responses(
        (status = 200, description = "The receipt", body = ReceiptResponse),
        (status = 404, description = "No such receipt for this tenant", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
pub async fn receipt(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
    Path(id): Path<String>,
) -> Result<Json<ReceiptResponse>, ApiError> {
    let row = state.db.receipt(&key.org_id, &id).await?.ok_or_else(|| AppError::not_found("Receipt"))?;
    let receipt = serde_json::from_str(&row.envelope).map_err(log_internal)?;
    Ok(Json(ReceiptResponse {
        id: row.id,
        subject_sha256: row.subject_sha256,
        key_id: row.key_id,
        issued_at: rfc3339(row.created_at),
        receipt,
    }))
}

/// The portal's receipt keys (public halves), current and retired.
#[utoipa::path(
    get, path = "/.well-known/trust-portal/receipt-keys.json", tag = "attestation",
    responses((status = 200, description = "Every receipt key, newest first", body = Object)),
)]
pub async fn receipt_keys(State(state): State<AppState>) -> Result<Json<KeySet>, ApiError> {
    Ok(Json(receipts::key_set(&state.db).await?))
}

/// A stored signing key as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SigningKeyInfo {
    /// `skey_…` id.
    pub id: String,
    /// Name used in verify requests (`"key": "<name>"`).
    pub name: String,
    /// `sha256:` of the key's DER.
    pub key_id: String,
    /// PEM public key.
    pub public_key_pem: String,
    /// Valid from (RFC 3339).
    pub not_before: String,
    /// Valid until (RFC 3339), if bounded.
    pub not_after: Option<String>,
    /// Revoked at (RFC 3339).
    pub revoked_at: Option<String>,
}

impl From<SigningKeyRow> for SigningKeyInfo {
    fn from(k: SigningKeyRow) -> Self {
        Self {
            id: k.id,
            name: k.name,
            key_id: k.key_id,
            public_key_pem: k.public_key_pem,
            not_before: rfc3339(k.not_before),
            not_after: k.not_after.map(rfc3339),
            revoked_at: k.revoked_at.map(rfc3339),
        }
    }
}

/// A signing key to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSigningKeyBody {
    /// Name (lower-case letters, digits, dashes).
    pub name: String,
    /// PEM public key.
    pub public_key_pem: String,
    /// Valid from (RFC 3339; default now).
    pub not_before: Option<String>,
    /// Valid until (RFC 3339; default unbounded).
    pub not_after: Option<String>,
}

fn parse_time(field: &str, v: Option<&str>) -> Result<Option<i64>, ApiError> {
    let Some(text) = v else { return Ok(None) };
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| ApiError::from(AppError::invalid(field, format!("not an RFC 3339 time ({e})"))))?;
    Ok(Some(i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)))
}

/// The tenant's signing keys.
#[utoipa::path(get, path = "/api/v1/signing-keys", tag = "trust",
    responses((status = 200, description = "Keys, newest first", body = [SigningKeyInfo])),
    security(("api_key" = [])))]
pub async fn list_signing_keys(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
) -> Result<Json<Vec<SigningKeyInfo>>, ApiError> {
    let rows = state.db.signing_keys(&key.org_id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Adds a signing key with an optional validity window.
#[utoipa::path(post, path = "/api/v1/signing-keys", tag = "trust", request_body = NewSigningKeyBody,
    responses(
        (status = 201, description = "Added", body = SigningKeyInfo),
        (status = 400, description = "Invalid name, key or window", body = ErrorEnvelope),
        (status = 409, description = "Name taken", body = ErrorEnvelope),
    ),
    security(("api_key" = [])))]
pub async fn add_signing_key(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
    body: Result<Json<NewSigningKeyBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<SigningKeyInfo>), ApiError> {
    let Json(b) = body.map_err(|e| ApiError::from(AppError::invalid("Body", e.body_text())))?;
    let new = NewSigningKey {
        name: &b.name,
        pem: &b.public_key_pem,
        not_before: parse_time("not_before", b.not_before.as_deref())?,
        not_after: parse_time("not_after", b.not_after.as_deref())?,
    };
    let row = trust::add_signing_key(&state, &key.id, &key.org_id, new).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Revokes a signing key: later verifications with it fail with `key_revoked`.
#[utoipa::path(post, path = "/api/v1/signing-keys/{id}/revoke", tag = "trust",
    params(("id" = String, Path, description = "`skey_…` id")),
    responses((status = 204, description = "Revoked"), (status = 404, description = "No such live key", body = ErrorEnvelope)),
    security(("api_key" = [])))]
pub async fn revoke_signing_key(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    trust::revoke_signing_key(&state, &key.id, &key.org_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub use policy_body::PolicyBody;

/// The stored-policy wire type, apart so the lint exception below covers only it.
mod policy_body {
    // Not billing code: serde's derive for a flattened struct buffers numbers
    // as floats internally; no float reaches our code.
    #![expect(clippy::disallowed_types, reason = "serde-generated code for the flattened PolicyRules")]
    use app::ssr::store::PolicyRow;
    use app::ssr::verification::rules::{self, PolicyRules};
    use serde::{Deserialize, Serialize};
    use utoipa::ToSchema;

    /// A named verification policy.
    /// Any other field is refused.
    // (By hand: serde's deny_unknown_fields cannot see through `flatten`; see `rules::OtherFields`.)
    #[derive(Debug, Serialize, Deserialize, ToSchema)]
    pub struct PolicyBody {
        /// Name used in verify requests (`"policy": "<name>"`).
        pub name: String,
        /// The rules.
        #[serde(flatten)]
        pub rules: PolicyRules,
        /// Anything else sent (refused).
        #[serde(flatten, skip_serializing)]
        #[schema(ignore)]
        pub other: rules::OtherFields,
    }

    impl From<PolicyRow> for PolicyBody {
        fn from(p: PolicyRow) -> Self {
            Self { name: p.name, rules: p.rules, other: Default::default() }
        }
    }
}

/// The tenant's named policies.
#[utoipa::path(get, path = "/api/v1/policies", tag = "trust",
    responses((status = 200, description = "Policies by name", body = [PolicyBody])),
    security(("api_key" = [])))]
pub async fn list_policies(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Read>,
) -> Result<Json<Vec<PolicyBody>>, ApiError> {
    let rows = state.db.policies(&key.org_id).await?;
    Ok(Json(rows.into_iter().map(Into::into).collect()))
}

/// Adds a named policy.
#[utoipa::path(post, path = "/api/v1/policies", tag = "trust", request_body = PolicyBody,
    responses(
        (status = 201, description = "Added", body = PolicyBody),
        (status = 400, description = "Invalid policy (the message names the field)", body = ErrorEnvelope),
        (status = 409, description = "Name taken", body = ErrorEnvelope),
    ),
    security(("api_key" = [])))]
pub async fn add_policy(
    State(state): State<AppState>,
    Key { row: key, .. }: Key<Admin>,
    body: Result<Json<PolicyBody>, axum::extract::rejection::JsonRejection>,
) -> Result<(StatusCode, Json<PolicyBody>), ApiError> {
    let Json(b) = body.map_err(|e| ApiError::from(AppError::invalid("Body", e.body_text())))?;
    if let Some(field) = rules::unknown_field(&b.other) {
        return Err(AppError::invalid("Body", format!("unknown field `{field}`")).into());
    }
    let row = PolicyRow { org_id: key.org_id.clone(), name: b.name, rules: b.rules, ..Default::default() };
    let row = trust::add_policy(&state, &key.id, row).await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}
