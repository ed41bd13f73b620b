//! Server-side errors meet the wire vocabulary here, once.
//!
//! A storage failure is never shown to a caller: `?` on a [`StoreError`]
//! logs it (with its cause) and answers [`AppError::internal`], or
//! [`AppError::unavailable`] when the database was out of reach (retry later). Other
//! unexpected failures (a join error, a serializer) go through
//! [`log_internal`]. Services that expect a particular storage outcome
//! (`StoreError::Conflict` for a duplicate) match on it before `?`.

use crate::domain::AppError;
use crate::ssr::store::StoreError;

/// Logs an unexpected failure and returns the generic internal error (no detail leaks to callers).
pub fn log_internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %e, "internal error");
    AppError::internal()
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        if e.is_unavailable() {
            tracing::warn!(error = %e, "database unavailable");
            return AppError::unavailable();
        }
        log_internal(e)
    }
}
