//! The Attestation API's service: run a verification off the async threads and
//! record it (tenant, key, kind, subject digest, outcome, reason, latency),
//! pass or fail. The REST route and the portal's pages both call this.

use super::auth::log_internal;
use super::state::AppState;
use super::store::VerificationRow;
use super::verifier::{self, BundlePolicy, Subject, VerificationError, Verified};
use crate::domain::AppError;
use crate::domain::ids::VerificationId;
use std::sync::LazyLock;
use std::time::Instant;

/// The artifact as the caller gave it.
#[derive(Debug, Clone)]
pub enum ArtifactInput {
    /// The bytes.
    Bytes(Vec<u8>),
    /// Only the SHA-256.
    Sha256([u8; 32]),
}

impl ArtifactInput {
    fn subject(&self) -> Subject<'_> {
        match self {
            Self::Bytes(b) => Subject::Bytes(b),
            Self::Sha256(d) => Subject::Sha256(*d),
        }
    }
}

/// A checked verification request.
#[derive(Debug, Clone)]
pub enum VerifyRequest {
    /// A cosign `sign-blob` signature made with a key.
    CosignBlob {
        /// What was signed.
        artifact: ArtifactInput,
        /// Base64 DER signature.
        signature: String,
        /// PEM public key.
        public_key: String,
    },
    /// A Sigstore bundle, keyless or with a managed key.
    SigstoreBundle {
        /// What was signed.
        artifact: ArtifactInput,
        /// The bundle JSON.
        bundle_json: String,
        /// Identity + issuer, or key.
        policy: BundlePolicy,
    },
}

impl VerifyRequest {
    /// The kind's wire name.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::CosignBlob { .. } => "cosign_blob",
            Self::SigstoreBundle { .. } => "sigstore_bundle",
        }
    }

    fn run(&self) -> Result<Verified, VerificationError> {
        static PUBLIC_GOOD: LazyLock<Result<sigstore_verify::trust_root::TrustedRoot, VerificationError>> =
            LazyLock::new(verifier::public_good_root);
        match self {
            Self::CosignBlob { artifact, signature, public_key } => {
                verifier::verify_blob(public_key, signature, artifact.subject())
            }
            Self::SigstoreBundle { artifact, bundle_json, policy } => {
                let root = PUBLIC_GOOD.as_ref().map_err(Clone::clone)?;
                verifier::verify_bundle(root, bundle_json, artifact.subject(), policy)
            }
        }
    }
}

/// Who is calling: a tenant's API key.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The tenant.
    pub org_id: &'a str,
    /// The key.
    pub api_key_id: &'a str,
}

/// A recorded verification: its id and its result.
pub type Recorded = (String, Result<Verified, VerificationError>);

/// Verifies and records the call. `Err` only when the record cannot be written.
pub async fn verify(state: &AppState, caller: Caller<'_>, request: VerifyRequest) -> Result<Recorded, AppError> {
    let kind = request.kind();
    let started = Instant::now();
    let result = tokio::task::spawn_blocking(move || request.run()).await.map_err(log_internal)?;
    let latency_us = i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX);
    let entry = match &result {
        Ok(v) => Entry {
            kind,
            outcome: "verified",
            subject_sha256: Some(v.subject_sha256.clone()),
            reason: None,
            signer: serde_json::to_string(&v.signer).ok(),
            latency_us,
        },
        Err(e) => Entry {
            kind,
            outcome: "rejected",
            subject_sha256: None,
            reason: Some(e.reason.as_str()),
            signer: None,
            latency_us,
        },
    };
    let id = record(state, caller, entry).await?;
    Ok((id, result))
}

/// Records a request that was refused before verification (malformed input).
pub async fn record_invalid(
    state: &AppState,
    caller: Caller<'_>,
    kind: &str,
    reason: &str,
) -> Result<String, AppError> {
    let entry = Entry {
        kind,
        outcome: "invalid_request",
        subject_sha256: None,
        reason: Some(reason),
        signer: None,
        latency_us: 0,
    };
    record(state, caller, entry).await
}

/// One row's facts about a call.
struct Entry<'a> {
    kind: &'a str,
    outcome: &'static str,
    subject_sha256: Option<String>,
    reason: Option<&'a str>,
    signer: Option<String>,
    latency_us: i64,
}

async fn record(state: &AppState, caller: Caller<'_>, e: Entry<'_>) -> Result<String, AppError> {
    let row = VerificationRow {
        id: state.new_id(VerificationId::from_parts).to_string(),
        org_id: caller.org_id.to_owned(),
        api_key_id: caller.api_key_id.to_owned(),
        kind: e.kind.to_owned(),
        subject_sha256: e.subject_sha256,
        outcome: e.outcome.to_owned(),
        reason: e.reason.map(str::to_owned),
        signer: e.signer,
        latency_us: e.latency_us,
        created_at: state.now_ms(),
    };
    state.db.insert_verification(&row).await.map_err(log_internal)?;
    Ok(row.id)
}
