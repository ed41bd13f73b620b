//! The Attestation API's core. [`engine`] wraps sigstore-verify (cosign blobs,
//! Sigstore bundles against a trusted root); [`dsse`] reads in-toto envelopes
//! and checks statement rules; [`reason`] is the failure vocabulary all of them share; [`attestation`] is the one service the REST
//! API, the Verify page and the CLI call, with its [`request`] builder; the Verify page's [`dry_run`]. Around it: signed [`receipts`],
//! [`trust`] material (keys, stored policies, trusted roots), canonical
//! [`public_key`]s, exactly-once [`idempotency`], the [`group_commit`] writer,
//! the API's rate limit ([`quota`]), local [`signing`] for the CLI, a [`local_sigstore`] instance for keyless signatures made offline
//! (drills, demo, tests), and the policy [`rules`] every caller shares.

pub mod attestation;
pub mod dry_run;
pub mod dsse;
pub mod engine;
pub mod group_commit;
pub mod idempotency;
pub mod local_sigstore;
pub mod public_key;
pub mod quota;
pub mod reason;
pub mod receipts;
pub mod request;
pub mod rules;
pub mod signing;
pub mod trust;
