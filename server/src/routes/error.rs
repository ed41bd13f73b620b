//! The machine API's one error type and JSON envelope:
//! `{"error": {"code": "...", "message": "..."}}`.
//!
//! `code` is typed: an [`ApiCode`] (each with its one HTTP status, matched
//! exhaustively) or, for a refused verification, a verification
//! [`Reason`]. The OpenAPI document lists every value ([`Code`]'s schema).

use app::domain::{AppError, ErrorCode};
use app::ssr::verification::reason::Reason;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Serialize, Serializer};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::{RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

/// Every code the API answers besides the verification reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiCode {
    /// 401: no or an unknown credential.
    Unauthenticated,
    /// 401: e-mail or password wrong.
    InvalidCredentials,
    /// 403: the role may not do this.
    Forbidden,
    /// 403: the API key lacks the scope this route needs.
    InsufficientScope,
    /// 403: the account's access window has ended.
    AccessExpired,
    /// 403: the tenant is suspended.
    Suspended,
    /// 403: a state-changing request from another site (CSRF/Origin check).
    CrossSiteRequest,
    /// 403: an auditor must accept the engagement's current NDA first.
    NdaRequired,
    /// 404: missing, or another tenant's.
    NotFound,
    /// 400: a field failed validation; the message names it.
    InvalidInput,
    /// 400: the body is not a request of this route at all (not JSON, unknown
    /// kind, missing parts). `POST /api/v1/verify` records such a call as
    /// `invalid_request`.
    InvalidRequest,
    /// 409: the object exists already or the change conflicts with the state.
    Conflict,
    /// 409: an `Idempotency-Key` reused with a different body.
    IdempotencyKeyReused,
    /// 413: the body is larger than the route takes.
    PayloadTooLarge,
    /// 422: an onboarding step's checks failed (reason and fix in the body).
    StepFailed,
    /// 429: too many requests; `Retry-After` says when to come back.
    RateLimited,
    /// 429: the tenant already runs its share of heavy requests.
    TooManyConcurrent,
    /// 502: an outside service failed.
    Transport,
    /// 503: the database is out of reach for a moment (restarting, connections
    /// dropped); nothing is acknowledged, retry after `Retry-After`.
    Unavailable,
    /// 500: something failed on the server (details only in its log).
    Internal,
}

impl ApiCode {
    /// Every code, in declaration order.
    pub const ALL: &[ApiCode] = &[
        ApiCode::Unauthenticated,
        ApiCode::InvalidCredentials,
        ApiCode::Forbidden,
        ApiCode::InsufficientScope,
        ApiCode::AccessExpired,
        ApiCode::Suspended,
        ApiCode::CrossSiteRequest,
        ApiCode::NdaRequired,
        ApiCode::NotFound,
        ApiCode::InvalidInput,
        ApiCode::InvalidRequest,
        ApiCode::Conflict,
        ApiCode::IdempotencyKeyReused,
        ApiCode::PayloadTooLarge,
        ApiCode::StepFailed,
        ApiCode::RateLimited,
        ApiCode::TooManyConcurrent,
        ApiCode::Transport,
        ApiCode::Unavailable,
        ApiCode::Internal,
    ];

    /// The code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiCode::Unauthenticated => "unauthenticated",
            ApiCode::InvalidCredentials => "invalid_credentials",
            ApiCode::Forbidden => "forbidden",
            ApiCode::InsufficientScope => "insufficient_scope",
            ApiCode::AccessExpired => "access_expired",
            ApiCode::Suspended => "suspended",
            ApiCode::CrossSiteRequest => "cross_site_request",
            ApiCode::NdaRequired => "nda_required",
            ApiCode::NotFound => "not_found",
            ApiCode::InvalidInput => "invalid_input",
            ApiCode::InvalidRequest => "invalid_request",
            ApiCode::Conflict => "conflict",
            ApiCode::IdempotencyKeyReused => "idempotency_key_reused",
            ApiCode::PayloadTooLarge => "payload_too_large",
            ApiCode::StepFailed => "step_failed",
            ApiCode::RateLimited => "rate_limited",
            ApiCode::TooManyConcurrent => "too_many_concurrent",
            ApiCode::Transport => "transport",
            ApiCode::Unavailable => "unavailable",
            ApiCode::Internal => "internal",
        }
    }

    /// The one HTTP status of this code.
    pub fn status(self) -> StatusCode {
        match self {
            ApiCode::Unauthenticated | ApiCode::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ApiCode::Forbidden
            | ApiCode::InsufficientScope
            | ApiCode::AccessExpired
            | ApiCode::Suspended
            | ApiCode::CrossSiteRequest
            | ApiCode::NdaRequired => StatusCode::FORBIDDEN,
            ApiCode::NotFound => StatusCode::NOT_FOUND,
            ApiCode::InvalidInput | ApiCode::InvalidRequest => StatusCode::BAD_REQUEST,
            ApiCode::Conflict | ApiCode::IdempotencyKeyReused => StatusCode::CONFLICT,
            ApiCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiCode::StepFailed => StatusCode::UNPROCESSABLE_ENTITY,
            ApiCode::RateLimited | ApiCode::TooManyConcurrent => StatusCode::TOO_MANY_REQUESTS,
            ApiCode::Transport => StatusCode::BAD_GATEWAY,
            ApiCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ApiCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl From<ErrorCode> for ApiCode {
    fn from(c: ErrorCode) -> Self {
        match c {
            ErrorCode::Unauthenticated => ApiCode::Unauthenticated,
            ErrorCode::Forbidden => ApiCode::Forbidden,
            ErrorCode::NotFound => ApiCode::NotFound,
            ErrorCode::InvalidInput => ApiCode::InvalidInput,
            ErrorCode::InvalidCredentials => ApiCode::InvalidCredentials,
            ErrorCode::AccessExpired => ApiCode::AccessExpired,
            ErrorCode::Suspended => ApiCode::Suspended,
            ErrorCode::NdaRequired => ApiCode::NdaRequired,
            ErrorCode::Conflict => ApiCode::Conflict,
            ErrorCode::RateLimited => ApiCode::RateLimited,
            ErrorCode::Transport => ApiCode::Transport,
            ErrorCode::Unavailable => ApiCode::Unavailable,
            ErrorCode::Internal => ApiCode::Internal,
        }
    }
}

/// An error body's `code`: an API code or a verification reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// A request-level code.
    Api(ApiCode),
    /// Why a verification was refused (`POST /api/v1/verify`).
    Verification(Reason),
}

impl Code {
    /// The code on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Api(c) => c.as_str(),
            Code::Verification(r) => r.as_str(),
        }
    }
}

impl From<ApiCode> for Code {
    fn from(c: ApiCode) -> Self {
        Code::Api(c)
    }
}

impl From<Reason> for Code {
    fn from(r: Reason) -> Self {
        Code::Verification(r)
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl PartialSchema for Code {
    fn schema() -> RefOr<Schema> {
        let values = ApiCode::ALL.iter().map(|c| c.as_str()).chain(Reason::ALL.iter().map(|r| r.as_str()));
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(None::<SchemaFormat>)
            .enum_values(Some(values))
            .description(Some("An API code or, for a refused verification, its reason."))
            .into()
    }
}

impl ToSchema for Code {}

/// An error answered by the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: Code,
    message: String,
}

/// The error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

/// Code and message.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Machine-readable code (`unauthenticated`, `forbidden`, `not_found`, `invalid_input`, …).
    pub code: Code,
    /// A sentence for people.
    pub message: String,
}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Builds an error; its status follows from the code.
    pub fn new(code: ApiCode, message: impl Into<String>) -> Self {
        Self { status: code.status(), code: code.into(), message: message.into() }
    }

    /// A 400 for a request refused before any verification ran: not a
    /// request at all ([`ApiCode::InvalidRequest`]) or one whose inputs
    /// cannot be verified (a verification [`Reason`] such as `malformed_digest`).
    pub fn bad_request(code: impl Into<Code>, message: impl Into<String>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code: code.into(), message: message.into() }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self::new(e.code.into(), e.message)
    }
}

/// A storage failure is logged once and answered as a plain 500, or 503 when the
/// database was out of reach (see `app::ssr::error`).
impl From<app::ssr::store::StoreError> for ApiError {
    fn from(e: app::ssr::store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unavailable = self.code == Code::Api(ApiCode::Unavailable);
        let body = ErrorEnvelope { error: ErrorBody { code: self.code, message: self.message } };
        let mut res = (self.status, Json(body)).into_response();
        if unavailable {
            // A database restart takes about a second here.
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("1"));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_distinct_snake_case() {
        let mut seen = std::collections::HashSet::new();
        let all = ApiCode::ALL.iter().map(|c| c.as_str()).chain(Reason::ALL.iter().map(|r| r.as_str()));
        for c in all {
            assert!(c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{c}");
            assert!(seen.insert(c), "{c} twice");
        }
    }

    #[test]
    fn app_errors_keep_their_status() {
        let cases = [
            (ErrorCode::Unauthenticated, 401),
            (ErrorCode::Forbidden, 403),
            (ErrorCode::NotFound, 404),
            (ErrorCode::InvalidInput, 400),
            (ErrorCode::Conflict, 409),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::Unavailable, 503),
            (ErrorCode::Internal, 500),
        ];
        for (code, status) in cases {
            assert_eq!(ApiError::from(AppError::new(code, "x")).status().as_u16(), status, "{code:?}");
        }
    }

    #[test]
    fn a_database_out_of_reach_is_a_503_to_retry_not_a_500() {
        use app::ssr::store::StoreError;
        let dropped = StoreError::Sql(sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()));
        let res = ApiError::from(dropped).into_response();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(res.headers()[axum::http::header::RETRY_AFTER], "1");
        let waited = ApiError::from(StoreError::Sql(sqlx::Error::PoolTimedOut));
        assert_eq!(waited.status(), StatusCode::SERVICE_UNAVAILABLE);
        // A statement's own failure stays a 500: retrying it would fail again.
        let wrong = ApiError::from(StoreError::Sql(sqlx::Error::RowNotFound)).into_response();
        assert_eq!(wrong.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!wrong.headers().contains_key(axum::http::header::RETRY_AFTER));
        assert_eq!(ApiError::from(StoreError::Corrupt("x".into())).status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
