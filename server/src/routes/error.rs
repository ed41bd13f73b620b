//! The machine API's one error type and JSON envelope:
//! `{"error": {"code": "...", "message": "..."}}`.

use app::domain::{AppError, ErrorCode};
use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// An error answered by the API.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
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
    pub code: &'static str,
    /// A sentence for people.
    pub message: String,
}

impl ApiError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Builds an error with an explicit status.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into() }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        let (status, code) = match e.code {
            ErrorCode::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            ErrorCode::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            ErrorCode::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            ErrorCode::InvalidInput => (StatusCode::BAD_REQUEST, "invalid_input"),
            ErrorCode::InvalidCredentials => (StatusCode::UNAUTHORIZED, "invalid_credentials"),
            ErrorCode::AccessExpired => (StatusCode::FORBIDDEN, "access_expired"),
            ErrorCode::Suspended => (StatusCode::FORBIDDEN, "suspended"),
            ErrorCode::Conflict => (StatusCode::CONFLICT, "conflict"),
            ErrorCode::RateLimited => (StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        };
        Self { status, code, message: e.message }
    }
}

/// A storage failure is logged once and answered as a plain 500 (see `app::ssr::error`).
impl From<app::ssr::store::StoreError> for ApiError {
    fn from(e: app::ssr::store::StoreError) -> Self {
        AppError::from(e).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorEnvelope { error: ErrorBody { code: self.code, message: self.message } };
        (self.status, Json(body)).into_response()
    }
}
