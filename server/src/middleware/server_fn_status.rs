//! Gives server-function errors their real HTTP status.
//!
//! Leptos answers every server-function error with 500, so a refused role or
//! a bad form field would be logged as a server failure and counted as one in
//! `/metrics`. This maps the typed error's code to the same status the REST
//! API uses (403, 400, 409, …). Plain form posts (no JavaScript) are answered
//! with a redirect carrying the error, which is left alone.

use crate::routes::error::ApiError;
use app::domain::AppError;
use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Error bodies are small; anything larger is passed through untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The middleware, for `/api/*` server-function routes.
pub async fn map_error_status(req: Request, next: Next) -> Response {
    let is_server_fn = req.uri().path().starts_with("/api/") && !req.uri().path().starts_with("/api/v1/");
    let response = next.run(req).await;
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !is_server_fn || response.status() != StatusCode::INTERNAL_SERVER_ERROR || !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "error body too large").into_response();
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = ApiError::from(error).status();
    }
    Response::from_parts(parts, Body::from(bytes))
}
