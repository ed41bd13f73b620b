//! The signature status report for auditors, security and operator admins (read-only).
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::adoption::SignatureStatus;
use leptos::prelude::*;

/// Roles that may read the report.
#[cfg(feature = "ssr")]
pub const READERS: &[crate::domain::Role] =
    &[crate::domain::Role::Auditor, crate::domain::Role::Security, crate::domain::Role::OperatorAdmin];

/// Every repository's policy bundle and every release pack, filtered by `show` (`all`, `failing`, `stale`).
#[server(endpoint = "signature_status")]
pub async fn load_signature_status(show: String) -> Result<SignatureStatus, AppError> {
    use crate::domain::adoption::Show;
    let (state, _) = crate::ssr::auth::require_role(READERS).await?;
    let show = Show::parse(&show).map_err(|e| AppError::invalid("show", e))?;
    Ok(crate::ssr::signature_status::report(&state, None).await?.filtered(show))
}
