//! Signed policy bundles: reading `policy.tar.gz` safely ([`bundle`]), taking
//! uploads, the rollout and repository ownership ([`ingest`]), the signature
//! status report ([`status`]), adoption [`alerts`] and the key-rotation
//! [`drill`].

pub mod alerts;
pub mod bundle;
pub mod drill;
pub mod ingest;
pub mod status;
