//! `POST /api/v1/verify`: the Attestation API.
//!
//! 200 with the result when the signature verifies; 422 with a reason code
//! when it does not; 400 for malformed input; 401 without a valid API key;
//! 413 over 4 MiB; 429 with `Retry-After` over the key's rate. Every call with
//! a valid key is recorded, pass or fail; the id is in `Verification-Id`.
//! With `Idempotency-Key`, a retry replays the first answer (see
//! [`app::ssr::verification::idempotency`]).

// Not billing code: serde's derive for the internally tagged request enum
// buffers numbers as floats internally; no float reaches our code.
#![expect(clippy::disallowed_types, reason = "serde-generated code for VerifyBody")]

use super::api_key::{Key, Verify};
use crate::routes::error::{ApiCode, ApiError, Code, ErrorBody, ErrorEnvelope};
use app::domain::unique_json::UniqueKeys;
use app::ssr::AppState;
use app::ssr::error::log_internal;
use app::ssr::verification::attestation::{self, Caller, Kind, Success, VerifyRequest};
use app::ssr::verification::engine::{BundlePolicy, Signer, VerificationError};
use app::ssr::verification::idempotency::{self, Committed, Known, Start};
use app::ssr::verification::quota;
use app::ssr::verification::request::{Malformed, RequestParts};
use app::ssr::verification::rules::PolicyRules;
use axum::extract::State;
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

/// Which key verifies: inline PEM (`public_key`) or a stored key by name (`key`).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct KeyFields {
    /// PEM public key (ECDSA P-256/P-384, Ed25519, RSA).
    pub public_key: Option<String>,
    /// Name or `skey_…` id of one of the tenant's stored signing keys (its validity window applies).
    pub key: Option<String>,
}

/// Rules on the evidence: inline, or a stored policy by name.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PolicyFields {
    /// Name of one of the tenant's stored policies (replaces the inline rules).
    pub policy: Option<String>,
    /// The inline rules.
    #[serde(flatten)]
    pub rules: PolicyRules,
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
        /// The key.
        #[serde(flatten)]
        key: KeyFields,
    },
    /// A Sigstore bundle: keyless (`identity` + `issuer`, or a `policy`) or managed key.
    SigstoreBundle {
        /// What was signed (for DSSE/in-toto bundles: a subject of the statement).
        artifact: ArtifactBody,
        /// The bundle (JSON object; a repeated key anywhere is refused).
        #[schema(value_type = Object)]
        bundle: UniqueKeys,
        /// The key, for managed-key bundles.
        #[serde(flatten)]
        key: KeyFields,
        /// Identity, issuer, root and statement rules.
        #[serde(flatten)]
        policy: PolicyFields,
    },
    /// An in-toto/SLSA attestation in a DSSE envelope signed with a key.
    InToto {
        /// What was attested (a subject of the statement).
        artifact: ArtifactBody,
        /// The DSSE envelope (JSON object; a repeated key anywhere is refused).
        #[schema(value_type = Object)]
        envelope: UniqueKeys,
        /// The key.
        #[serde(flatten)]
        key: KeyFields,
        /// Statement rules.
        #[serde(flatten)]
        policy: PolicyFields,
    },
}

/// A successful verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyResponse {
    /// Id of the recorded call and of its receipt (`ver_…`).
    pub verification_id: String,
    /// Always true (failures answer 422).
    pub verified: bool,
    /// `cosign_blob`, `sigstore_bundle` or `in_toto`.
    pub kind: &'static str,
    /// SHA-256 of the verified subject.
    pub subject_sha256: String,
    /// Who signed: `{"kind":"identity","identity","issuer"}` or `{"kind":"key","key_id"}`.
    #[schema(value_type = Object)]
    pub signer: Signer,
    /// The checks that passed, for people.
    pub checks: Vec<&'static str>,
    /// For attestations: the statement's predicate type and builder.
    #[schema(value_type = Object)]
    pub statement: Option<app::ssr::verification::dsse::StatementFacts>,
    /// The signed receipt (DSSE envelope; verify with the keys at `/.well-known/trust-portal/receipt-keys.json`).
    #[schema(value_type = Object)]
    pub receipt: serde_json::Value,
    /// Where the receipt can be fetched again.
    pub receipt_url: String,
}

/// Verify an artifact's signature, bundle or attestation.
#[utoipa::path(
    post, path = "/api/v1/verify", tag = "attestation",
    request_body = VerifyBody,
    params(("Idempotency-Key" = Option<String>, Header,
        description = "1-255 visible ASCII characters. A retry with the same key and body within 45 days gets the first answer again (header Idempotent-Replayed: true) and is billed once.")),
    responses(
        (status = 200, description = "Verified", body = VerifyResponse),
        (status = 409, description = "The Idempotency-Key was used with a different body (idempotency_key_reused)", body = ErrorEnvelope),
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
    Key { row: key, .. }: Key<Verify>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> Result<Response, ApiError> {
    if let Err(retry_after_s) = quota::take(&state, &key.org_id, &key.id).await? {
        let mut res = ApiError::new(
            ApiCode::RateLimited,
            format!("Too many requests for this API key; retry in {retry_after_s} s."),
        )
        .into_response();
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after_s));
        return Ok(res);
    }
    let idem_key = headers.get(IDEMPOTENCY_KEY).map(|v| idempotency::check_key(v.as_bytes())).transpose()?;
    let body = super::body::read(body, super::body::MAX_BODY_BYTES, "Request body").await?;
    let attempt = match idempotency::start(&state, &key.org_id, idem_key, &body).await? {
        Start::Proceed(attempt) => attempt,
        Start::Known(known) => return answer_known(known),
    };
    // Taken after the replay check: retries waiting on their key's first call do no work.
    let _running = super::body::enter(&state, &key.org_id)?;
    let caller = Caller { org_id: &key.org_id, api_key_id: &key.id };
    let request = match parse(&body) {
        Ok(r) => r,
        Err(Invalid { kind, code, message }) => {
            attestation::record_invalid(&state, caller, kind, code.as_str()).await?;
            return Err(ApiError::bad_request(code, message));
        }
    };
    let kind = request.kind.as_str();
    let outcome = attestation::evaluate(&state, caller, request).await?;
    let (status, answer) = answer(&outcome.id, kind, &outcome.result);
    let id = outcome.id.clone();
    match attempt.commit(&state, outcome, status.as_u16(), &answer).await? {
        Committed::Fresh => Ok(respond(status, &answer, &id, false)),
        Committed::Known(known) => answer_known(known),
    }
}

/// The request header naming a client's idempotency key.
const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// The answer a stored key decided: a replay for the same body, 409 for another.
fn answer_known(known: Known) -> Result<Response, ApiError> {
    match known {
        Known::Reused => Err(ApiError::new(
            ApiCode::IdempotencyKeyReused,
            "This Idempotency-Key was already used with a different request body; use a new key for a new request.",
        )),
        Known::Replay(r) => {
            let status = StatusCode::from_u16(r.status).map_err(log_internal)?;
            Ok(respond(status, &r.body, &r.verification_id, true))
        }
    }
}

/// The status and JSON body of a finished call.
fn answer(
    id: &str,
    kind: &'static str,
    result: &Result<Success, VerificationError>,
) -> (StatusCode, serde_json::Value) {
    let body = match result {
        Ok(Success { verified: v, receipt }) => serde_json::to_value(VerifyResponse {
            verification_id: id.to_owned(),
            verified: true,
            kind,
            subject_sha256: v.subject_sha256.clone(),
            signer: v.signer.clone(),
            checks: v.checks.clone(),
            statement: v.statement.clone(),
            receipt: receipt.clone(),
            receipt_url: format!("/api/v1/receipts/{id}"),
        }),
        Err(e) => serde_json::to_value(ErrorEnvelope {
            error: ErrorBody { code: e.reason.into(), message: e.message.clone() },
        }),
    };
    let status = match result {
        Ok(_) => StatusCode::OK,
        Err(e) if e.reason.is_request_error() => StatusCode::BAD_REQUEST,
        Err(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    (status, body.unwrap_or_default())
}

/// The HTTP response: the body, `Verification-Id`, and on a replay `Idempotent-Replayed: true`.
fn respond(status: StatusCode, answer: &serde_json::Value, id: &str, replayed: bool) -> Response {
    let mut res = (status, Json(answer)).into_response();
    if let Ok(v) = HeaderValue::from_str(id) {
        res.headers_mut().insert("verification-id", v);
    }
    if replayed {
        res.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    res
}

/// Why a request was refused before verification.
struct Invalid {
    kind: &'static str,
    code: Code,
    message: String,
}

fn invalid(kind: &'static str, code: impl Into<Code>, message: impl Into<String>) -> Invalid {
    Invalid { kind, code: code.into(), message: message.into() }
}

/// Parses the body into a checked request, naming the field at fault.
fn parse(body: &[u8]) -> Result<VerifyRequest, Invalid> {
    let parsed: VerifyBody = serde_json::from_slice(body).map_err(|e| {
        invalid("unknown", ApiCode::InvalidRequest, format!("Request body is not a valid verification request: {e}"))
    })?;
    let (kind, artifact, evidence, key, policy) = match parsed {
        VerifyBody::CosignBlob { artifact, signature, key } => {
            (Kind::CosignBlob, artifact, signature, key, PolicyFields::default())
        }
        VerifyBody::SigstoreBundle { artifact, bundle, key, policy } => {
            (Kind::SigstoreBundle, artifact, json_object(Kind::SigstoreBundle, "bundle", &bundle.0)?, key, policy)
        }
        VerifyBody::InToto { artifact, envelope, key, policy } => {
            (Kind::InToto, artifact, json_object(Kind::InToto, "envelope", &envelope.0)?, key, policy)
        }
    };
    let artifact_bytes =
        artifact.base64.map(|b64| base64::engine::general_purpose::STANDARD.decode(b64.trim())).transpose().map_err(
            |e| invalid(kind.as_str(), ApiCode::InvalidRequest, format!("artifact.base64: not valid base64 ({e})")),
        )?;
    let request = RequestParts {
        kind,
        artifact_bytes,
        artifact_digest: artifact.digest,
        evidence,
        public_key: key.public_key,
        stored_key: key.key,
        rules: policy.rules,
        policy: policy.policy,
    }
    .build()
    .map_err(|m| malformed(kind, m))?;
    // A key with identity + issuer, inline or from a stored policy, is refused by
    // the service (`policy_conflict`), the one place that rule lives.
    if kind == Kind::SigstoreBundle && request.key.is_none() && request.policy.is_none() {
        BundlePolicy::keyless(request.rules.identity.as_deref(), request.rules.issuer.as_deref())
            .map_err(|e| invalid(kind.as_str(), e.reason, format!("policy: {}", e.message)))?;
    }
    Ok(request)
}

/// The API's wording of a request whose parts disagree.
fn malformed(kind: Kind, m: Malformed) -> Invalid {
    let message = match m {
        Malformed::ArtifactChoice => "artifact: give exactly one of base64 or digest",
        Malformed::Digest => "artifact.digest: must be sha256: followed by 64 hex digits",
        Malformed::TwoKeys => "give public_key or key, not both",
        Malformed::NoKey => "give public_key (PEM) or key (a stored key's name)",
        Malformed::PolicyAndRules => {
            "policy: a stored policy replaces identity, issuer, trusted_root and statement rules; give one or the other"
        }
    };
    let code: Code = m.reason().map_or(ApiCode::InvalidRequest.into(), Into::into);
    invalid(kind.as_str(), code, message)
}

fn json_object(kind: Kind, field: &str, v: &serde_json::Value) -> Result<String, Invalid> {
    if v.is_object() {
        Ok(v.to_string())
    } else {
        Err(invalid(kind.as_str(), ApiCode::InvalidRequest, format!("{field}: must be a JSON object")))
    }
}
