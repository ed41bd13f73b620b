//! Webhooks: the Standard Webhooks signing [`scheme`], per-tenant
//! [`delivery`] with retries, and the [`ssrf`] guard every endpoint passes.

pub mod delivery;
pub mod scheme;
pub mod ssrf;
