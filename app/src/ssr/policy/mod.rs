//! Signed policy bundles: reading `policy.tar.gz` safely ([`bundle`]), who
//! may sign them and the one signature check ([`signers`]): org keys, the org
//! workflow's [`identities`] and per-repository [`overrides`]; taking uploads,
//! the rollout and repository ownership ([`ingest`]), the signature status
//! report ([`status`]), adoption [`alerts`], and the rotation drills: key
//! ([`drill`]) and keyless identity ([`keyless_drill`]).

pub mod alerts;
pub mod bundle;
pub mod drill;
pub mod identities;
pub mod ingest;
pub mod keyless_drill;
pub mod overrides;
pub mod signers;
pub mod status;
