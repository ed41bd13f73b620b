//! `POST /api/v1/verify`: the Attestation API.
//!
//! 200 with the result when the signature verifies; 422 with a reason code
//! when it does not; 400 for malformed input; 401 without a valid API key;
//! 413 over 4 MiB; 429 with `Retry-After` over the key's rate. Every call with
//! a valid key is recorded, pass or fail; the id is in `Verification-Id`.

use super::error::{ApiError, ErrorEnvelope};
use app::ssr::AppState;
use app::ssr::attestation::{self, ArtifactInput, Caller, VerifyRequest};
use app::ssr::auth::authenticate_api_key;
use app::ssr::verifier::{self, BundlePolicy, Signer};
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router, routing::post};
use base64::Engine;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The route.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/verify", post(verify))
}

/// The artifact: its bytes (base64) or its digest (`sha256:<64 hex>`), exactly one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactBody {
    /// The artifact's bytes, base64.
    pub base64: Option<String>,
    /// The artifact's digest, `sha256:<64 hex digits>`.
    pub digest: Option<String>,
}

/// A verification request; `kind` selects the shape.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VerifyBody {
    /// A cosign `sign-blob` signature made with a key.
    CosignBlob {
        /// What was signed.
        artifact: ArtifactBody,
        /// Base64 DER signature (as written by `cosign sign-blob --output-signature`).
        signature: String,
        /// PEM public key (ECDSA P-256/P-384, Ed25519, RSA).
        public_key: String,
    },
    /// A Sigstore bundle: keyless (give `identity` and `issuer`) or managed key (give `public_key`).
    SigstoreBundle {
        /// What was signed (for DSSE/in-toto bundles: a subject of the statement).
        artifact: ArtifactBody,
        /// The bundle (JSON object).
        #[schema(value_type = Object)]
        bundle: serde_json::Value,
        /// Required certificate identity (SAN), keyless.
        identity: Option<String>,
        /// Required OIDC issuer, keyless.
        issuer: Option<String>,
        /// PEM public key, for managed-key bundles.
        public_key: Option<String>,
    },
}

/// A successful verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResponse {
    /// Id of the recorded call (`ver_…`).
    pub verification_id: String,
    /// Always true (failures answer 422).
    pub verified: bool,
    /// `cosign_blob` or `sigstore_bundle`.
    pub kind: &'static str,
    /// SHA-256 of the verified subject.
    pub subject_sha256: String,
    /// Who signed: `{"kind":"identity","identity","issuer"}` or `{"kind":"key","key_id"}`.
    #[schema(value_type = Object)]
    pub signer: Signer,
    /// The checks that passed, for people.
    pub checks: Vec<&'static str>,
}

/// Verify an artifact's signature, bundle or attestation.
#[utoipa::path(
    post, path = "/api/v1/verify", tag = "attestation",
    request_body = VerifyBody,
    responses(
        (status = 200, description = "Verified", body = VerifyResponse),
        (status = 400, description = "Malformed request (code names the problem)", body = ErrorEnvelope),
        (status = 401, description = "Missing, unknown or revoked API key", body = ErrorEnvelope),
        (status = 413, description = "Body over 4 MiB", body = ErrorEnvelope),
        (status = 422, description = "Not verified; code is the reason (signature_mismatch, identity_mismatch, …)", body = ErrorEnvelope),
        (status = 429, description = "Rate limit of this API key; see Retry-After", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let key = authenticate_api_key(&state, &headers).await?;
    if let Err(retry_after_s) = state.rate_limiter.check(&key.id, state.now_ms()) {
        let mut res = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("Too many requests for this API key; retry in {retry_after_s} s."),
        )
        .into_response();
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
        return Ok(res);
    }
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "payload_too_large" } else { "invalid_request" };
        ApiError::new(status, code, format!("Request body: {}", rejection.body_text()))
    })?;
    let caller = Caller { org_id: &key.org_id, api_key_id: &key.id };
    let request = match parse(&body) {
        Ok(r) => r,
        Err(Invalid { kind, code, message }) => {
            attestation::record_invalid(&state, caller, kind, code).await?;
            return Err(ApiError::new(StatusCode::BAD_REQUEST, code, message));
        }
    };
    let kind = request.kind();
    let (id, result) = attestation::verify(&state, caller, request).await?;
    let mut res = match result {
        Ok(v) => Json(VerifyResponse {
            verification_id: id.clone(),
            verified: true,
            kind,
            subject_sha256: v.subject_sha256,
            signer: v.signer,
            checks: v.checks,
        })
        .into_response(),
        Err(e) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.reason.as_str(), e.message).into_response(),
    };
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("verification-id", v);
    }
    Ok(res)
}

/// Why a request was refused before verification.
struct Invalid {
    kind: &'static str,
    code: &'static str,
    message: String,
}

fn invalid(kind: &'static str, code: &'static str, message: impl Into<String>) -> Invalid {
    Invalid { kind, code, message: message.into() }
}

/// Parses the body into a checked request, naming the field at fault.
fn parse(body: &[u8]) -> Result<VerifyRequest, Invalid> {
    let parsed: VerifyBody = serde_json::from_slice(body).map_err(|e| {
        invalid("unknown", "invalid_request", format!("Request body is not a valid verification request: {e}"))
    })?;
    match parsed {
        VerifyBody::CosignBlob { artifact, signature, public_key } => {
            Ok(VerifyRequest::CosignBlob { artifact: artifact_input("cosign_blob", artifact)?, signature, public_key })
        }
        VerifyBody::SigstoreBundle { artifact, bundle, identity, issuer, public_key } => {
            const KIND: &str = "sigstore_bundle";
            if !bundle.is_object() {
                return Err(invalid(KIND, "invalid_request", "bundle: must be the bundle's JSON object"));
            }
            let policy = match public_key {
                Some(pem) if identity.is_none() && issuer.is_none() => BundlePolicy::Key { pem },
                Some(_) => {
                    return Err(invalid(
                        KIND,
                        "invalid_request",
                        "give either public_key or identity + issuer, not both",
                    ));
                }
                None => BundlePolicy::keyless(identity.as_deref(), issuer.as_deref())
                    .map_err(|e| invalid(KIND, e.reason.as_str(), format!("policy: {}", e.message)))?,
            };
            Ok(VerifyRequest::SigstoreBundle {
                artifact: artifact_input(KIND, artifact)?,
                bundle_json: bundle.to_string(),
                policy,
            })
        }
    }
}

fn artifact_input(kind: &'static str, a: ArtifactBody) -> Result<ArtifactInput, Invalid> {
    match (a.base64, a.digest) {
        (Some(b64), None) => base64::engine::general_purpose::STANDARD
            .decode(b64.trim())
            .map(ArtifactInput::Bytes)
            .map_err(|e| invalid(kind, "invalid_request", format!("artifact.base64: not valid base64 ({e})"))),
        (None, Some(d)) => verifier::parse_sha256_digest(d.trim()).map(ArtifactInput::Sha256).ok_or_else(|| {
            invalid(kind, "malformed_digest", "artifact.digest: must be sha256: followed by 64 hex digits")
        }),
        _ => Err(invalid(kind, "invalid_request", "artifact: give exactly one of base64 or digest")),
    }
}
