//! Request bodies read only after the caller is known: a handler takes the raw
//! body, authenticates, checks scope, rate and the tenant's concurrency, and
//! only then reads at most `limit` bytes. A caller without a valid key never
//! makes the portal read megabytes.

use crate::routes::error::{ApiCode, ApiError};
use app::ssr::AppState;
use app::ssr::rate_limit::GatePass;
use axum::body::{Body, Bytes};

/// Largest request body accepted (4 MiB).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Reads the whole body, at most `limit` bytes (413 `payload_too_large` past it).
pub async fn read(body: Body, limit: usize, what: &str) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit).await.map_err(|e| {
        let too_large = std::error::Error::source(&e)
            .is_some_and(|s| s.downcast_ref::<http_body_util::LengthLimitError>().is_some());
        if too_large {
            ApiError::new(ApiCode::PayloadTooLarge, format!("{what}: larger than {} MiB", limit / (1024 * 1024)))
        } else {
            ApiError::new(ApiCode::InvalidRequest, format!("{what}: the body could not be read ({e})"))
        }
    })
}

/// A place among the tenant's running heavy requests, or 429 `too_many_concurrent`.
pub fn enter<'a>(state: &'a AppState, org_id: &str) -> Result<GatePass<'a>, ApiError> {
    state.tenant_gate.enter(org_id).ok_or_else(|| {
        ApiError::new(
            ApiCode::TooManyConcurrent,
            format!(
                "This tenant already has {} verifications or uploads running; retry when one has finished.",
                state.config.tenant_concurrency
            ),
        )
    })
}

/// A JSON body taken as bytes now and parsed by [`LateJson::parse`] only
/// after the handler has checked the caller's rights: a caller who may not
/// act learns nothing from the body's validation (403, never 400).
#[derive(Debug)]
pub struct LateJson<T>(Bytes, std::marker::PhantomData<T>);

impl<S: Send + Sync, T> axum::extract::FromRequest<S> for LateJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(read(req.into_body(), MAX_BODY_BYTES, "request body").await?, std::marker::PhantomData))
    }
}

impl<T: serde::de::DeserializeOwned> LateJson<T> {
    /// The body as `T`, or 400 `invalid_input` saying what is wrong with it.
    pub fn parse(self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.0)
            .map_err(|e| ApiError::new(ApiCode::InvalidInput, format!("the body is not a valid request: {e}")))
    }
}
