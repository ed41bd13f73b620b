//! The one typed error that crosses the server-function boundary.
//!
//! Pages match on [`ErrorCode`], never on message strings.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Machine-readable reason for a failed server function call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No valid session: the caller must log in.
    Unauthenticated,
    /// Logged in, but the role does not allow this.
    Forbidden,
    /// The object does not exist or belongs to another tenant.
    NotFound,
    /// An input failed validation; the message names the field.
    InvalidInput,
    /// E-mail or password wrong (deliberately not saying which).
    InvalidCredentials,
    /// The account's access window has ended (auditors) or it was disabled.
    AccessExpired,
    /// The organisation is suspended.
    Suspended,
    /// An auditor must accept the engagement's current NDA first.
    NdaRequired,
    /// The object already exists (e.g. a tenant slug is taken).
    Conflict,
    /// Too many attempts; the message says when to try again.
    RateLimited,
    /// The transport failed (network, decoding).
    Transport,
    /// The database could not be reached for a moment (restarting, connections
    /// dropped); nothing is acknowledged, and the same call can be retried.
    Unavailable,
    /// Something failed on the server; details are in the server log.
    Internal,
}

/// A failed call: a code to match on and a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    /// What kind of failure this is.
    pub code: ErrorCode,
    /// A sentence for the user.
    pub message: String,
}

impl AppError {
    /// Builds an error from a code and a message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
    /// The caller has no valid session.
    pub fn unauthenticated() -> Self {
        Self::new(ErrorCode::Unauthenticated, "Please log in to continue.")
    }
    /// The caller's role may not do this.
    pub fn forbidden() -> Self {
        Self::new(ErrorCode::Forbidden, "Your role does not allow this action.")
    }
    /// Missing, or not visible to this caller.
    pub fn not_found(what: &str) -> Self {
        Self::new(ErrorCode::NotFound, format!("{what} not found."))
    }
    /// A named field failed validation.
    pub fn invalid(field: &str, why: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::InvalidInput, format!("{field}: {why}"))
    }
    /// The database is out of reach for a moment; the call may be retried as is.
    pub fn unavailable() -> Self {
        Self::new(ErrorCode::Unavailable, "The portal cannot reach its database for a moment. Please try again.")
    }
    /// A generic failure; the detail stays in the server log.
    pub fn internal() -> Self {
        Self::new(ErrorCode::Internal, "Something went wrong on our side. Please try again.")
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) => {
                Self::new(ErrorCode::InvalidInput, format!("Missing or malformed input: {m}"))
            }
            ServerFnErrorErr::Request(m) | ServerFnErrorErr::Response(m) => {
                Self::new(ErrorCode::Transport, format!("Could not reach the server: {m}"))
            }
            _ => Self::internal(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialize_as_snake_case() {
        let json = serde_json::to_string(&AppError::forbidden()).unwrap_or_default();
        assert!(json.contains("\"forbidden\""), "{json}");
    }

    #[test]
    fn missing_args_become_invalid_input() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::MissingArg("email".into()));
        assert_eq!(e.code, ErrorCode::InvalidInput);
        assert!(e.message.contains("email"));
    }
}
