//! The Attestation API's service: resolve the trust material a request names,
//! run the verification off the async threads, and record it (tenant, key,
//! kind, subject digest, outcome, reason, latency), pass or fail. A success is
//! stored together with its signed receipt in one transaction.
//!
//! The REST route, the portal's Verify page (as a dry run: [`check`]) and the
//! CLI's server mode all come through here.

use crate::domain::AppError;
use crate::domain::ids::{ReceiptKeyId, UsageEventId, VerificationId};
use crate::domain::status::CallOutcome;
use crate::ssr::error::log_internal;
use crate::ssr::state::AppState;
use crate::ssr::store::{CallRecord, ReceiptRow, StoreError, UsageEventRow, VerificationRow};
use crate::ssr::verification::dsse::AttestationPolicy;
use crate::ssr::verification::engine::{self, BundlePolicy, Reason, VerificationError, Verified, fail};
use crate::ssr::verification::receipts::{ReceiptFacts, statement};
use crate::ssr::verification::trust::{self, Rejection};
use serde_json::{Value, json};
use sigstore_verify::trust_root::TrustedRoot;
use std::sync::Arc;
use std::time::Instant;

pub use super::request::{ArtifactInput, KeyRef, Kind, VerifyRequest};

/// How the evidence is checked, once names are resolved.
enum Check {
    Blob { pem: String },
    Bundle { root: Arc<TrustedRoot>, policy: BundlePolicy },
    InToto { pem: String },
}

/// A request with its trust material resolved, ready to run.
pub struct Prepared {
    kind: Kind,
    artifact: ArtifactInput,
    evidence: String,
    check: Check,
    attestation: AttestationPolicy,
    /// The policy as recorded in the receipt.
    pub policy_json: Value,
    /// The trusted root's name, for bundles.
    pub root_name: Option<String>,
}

/// Artifacts up to this size are hashed inline (about 40 µs); larger ones on the blocking pool.
const QUICK_ARTIFACT_BYTES: usize = 64 * 1024;

impl Prepared {
    /// Whether the check takes only tens of microseconds (a key-based check of
    /// a small input): cheaper to run in place than to hand to the blocking pool.
    fn is_quick(&self) -> bool {
        let small = match &self.artifact {
            ArtifactInput::Bytes(b) => b.len() <= QUICK_ARTIFACT_BYTES,
            ArtifactInput::Sha256(_) => true,
        };
        small && !matches!(self.check, Check::Bundle { .. })
    }

    /// Runs the verification (CPU-bound: see [`run_cpu`]).
    pub fn run(&self) -> Result<Verified, VerificationError> {
        let subject = self.artifact.subject();
        match &self.check {
            Check::Blob { pem } => engine::verify_blob(pem, &self.evidence, subject),
            Check::Bundle { root, policy } => {
                engine::verify_bundle(root, &self.evidence, subject, policy, &self.attestation)
            }
            Check::InToto { pem } => engine::verify_attestation(pem, &self.evidence, subject, &self.attestation),
        }
    }

    /// The kind.
    pub fn kind(&self) -> Kind {
        self.kind
    }
}

/// Resolves stored keys, policies and roots for a tenant's request.
pub async fn prepare(state: &AppState, org_id: &str, mut req: VerifyRequest) -> Result<Prepared, Rejection> {
    let mut policy_json = json!({});
    let mut policy_name = None;
    if let Some(name) = req.policy.take() {
        let p = trust::stored_policy(state, org_id, &name).await?;
        policy_json["policy"] = json!(name);
        req.rules = p.rules;
        policy_name = Some(name);
    }
    check_applicable(&req, policy_name.as_deref())?;
    let pem = match &req.key {
        Some(KeyRef::Stored(name)) => {
            let key = trust::stored_key(state, org_id, name).await?;
            policy_json["key"] = json!(key.name);
            Some(key.public_key_pem)
        }
        Some(KeyRef::Pem(pem)) => {
            trust::check_inline_key(state, org_id, pem).await?;
            Some(pem.clone())
        }
        None => None,
    };
    let need_key = || fail(Reason::MalformedKey, format!("{} needs a public key", req.kind.as_str()));
    let mut root_name = None;
    let check = match req.kind {
        Kind::CosignBlob => Check::Blob { pem: pem.ok_or_else(need_key)? },
        Kind::InToto => Check::InToto { pem: pem.ok_or_else(need_key)? },
        Kind::SigstoreBundle => {
            let policy = match pem {
                Some(pem) => BundlePolicy::Key { pem },
                None => BundlePolicy::keyless(req.rules.identity.as_deref(), req.rules.issuer.as_deref())?,
            };
            if let BundlePolicy::Keyless { identity, issuer } = &policy {
                policy_json["identity"] = json!(identity);
                policy_json["issuer"] = json!(issuer);
            }
            let root = trust::trusted_root(state, req.rules.trusted_root.as_deref()).await?;
            root_name = Some(req.rules.trusted_root.clone().unwrap_or_else(|| trust::PUBLIC_GOOD.into()));
            policy_json["trusted_root"] = json!(root_name);
            Check::Bundle { root, policy }
        }
    };
    if !req.rules.statement.is_empty() {
        policy_json["attestation"] = json!(req.rules.statement);
    }
    Ok(Prepared {
        kind: req.kind,
        artifact: req.artifact,
        evidence: req.evidence,
        check,
        attestation: req.rules.statement,
        policy_json,
        root_name,
    })
}

/// Refuses a request whose rules its kind of evidence cannot satisfy, so no
/// rule is ever skipped and then reported as passed: a keyless signer
/// (identity + issuer) is only checked on a Sigstore bundle verified without
/// a key; a trusted root only on bundles; statement rules never on a plain
/// cosign signature.
fn check_applicable(req: &VerifyRequest, policy: Option<&str>) -> Result<(), VerificationError> {
    let source = policy.map_or_else(|| "the request".to_owned(), |name| format!("policy '{name}'"));
    let rules = &req.rules;
    let keyless = rules.is_keyless();
    let conflict = |what: String| Err(fail(Reason::PolicyConflict, what));
    if keyless && req.key.is_some() {
        return conflict(format!(
            "{source} requires a keyless signer (certificate identity {:?} from issuer {:?}); a key cannot satisfy it. \
             Send the Sigstore bundle without public_key or key.",
            rules.identity.as_deref().unwrap_or_default(),
            rules.issuer.as_deref().unwrap_or_default(),
        ));
    }
    match req.kind {
        Kind::SigstoreBundle => Ok(()),
        Kind::CosignBlob if keyless || rules.trusted_root.is_some() || !rules.statement.is_empty() => {
            conflict(format!(
                "{source} has rules a cosign_blob signature cannot satisfy (it carries no certificate, trusted root \
             or in-toto statement); use kind sigstore_bundle or in_toto, or a policy without those rules"
            ))
        }
        Kind::InToto if keyless || rules.trusted_root.is_some() => conflict(format!(
            "{source} requires a keyless signer or a trusted root; in_toto envelopes are signed with a key. \
             Send a Sigstore bundle (kind sigstore_bundle) instead"
        )),
        Kind::CosignBlob | Kind::InToto => Ok(()),
    }
}

/// Every rule a successful verification checked, for the receipt: the kind
/// of signer with its key id or identity and issuer, the trusted root, and
/// each statement rule. Nothing that was not checked is listed.
pub fn rules_checked(kind: Kind, verified: &Verified, attestation: &AttestationPolicy, root: Option<&str>) -> Value {
    let mut rules = vec![json!({"rule": "signature", "result": "passed"})];
    match &verified.signer {
        engine::Signer::Key { key_id } => {
            rules.push(json!({"rule": "signer_kind", "expected": "key", "result": "passed"}));
            rules.push(json!({"rule": "key_id", "expected": key_id, "result": "passed"}));
        }
        engine::Signer::Identity { identity, issuer } => {
            rules.push(json!({"rule": "signer_kind", "expected": "keyless", "result": "passed"}));
            rules.push(json!({"rule": "identity", "expected": identity, "result": "passed"}));
            rules.push(json!({"rule": "issuer", "expected": issuer, "result": "passed"}));
        }
    }
    if let (Kind::SigstoreBundle, Some(root)) = (kind, root) {
        rules.push(json!({"rule": "trusted_root", "expected": root, "result": "passed"}));
    }
    if verified.statement.is_some() {
        rules.push(json!({"rule": "statement_subject", "expected": verified.subject_sha256, "result": "passed"}));
        let statement_rules = [
            ("predicate_type", &attestation.predicate_type),
            ("builder_id", &attestation.builder_id),
            ("source_repo", &attestation.source_repo),
            ("source_ref", &attestation.source_ref),
        ];
        for (rule, want) in statement_rules {
            if let Some(want) = want {
                rules.push(json!({"rule": rule, "expected": want, "result": "passed"}));
            }
        }
    }
    Value::Array(rules)
}

/// Who is calling: a tenant's API key.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    /// The tenant.
    pub org_id: &'a str,
    /// The key.
    pub api_key_id: &'a str,
}

/// A successful verification and its signed receipt (DSSE envelope JSON).
#[derive(Debug, Clone)]
pub struct Success {
    /// What was established.
    pub verified: Verified,
    /// The receipt envelope.
    pub receipt: Value,
}

/// A recorded call: its id and its result.
pub type Recorded = (String, Result<Success, VerificationError>);

/// Checks a request without recording, metering or a receipt (the portal's
/// Verify page). It takes a token from the tenant's own bucket at the API's
/// rate (10x with `high_rate_limit`): checking is the same CPU work as the
/// API, metered or not; over it, a "retry in N s" error.
pub async fn check(
    state: &AppState,
    org_id: &str,
    req: VerifyRequest,
) -> Result<Result<Verified, VerificationError>, AppError> {
    super::quota::take(state, org_id, &format!("dry-run:{org_id}")).await?.map_err(|retry_s| {
        AppError::new(
            crate::domain::ErrorCode::RateLimited,
            format!("Too many checks for this tenant; retry in {retry_s} s."),
        )
    })?;
    let prepared = match prepare(state, org_id, req).await {
        Ok(p) => p,
        Err(Rejection::Failed(e)) => return Ok(Err(e)),
        Err(Rejection::Internal(e)) => return Err(e),
    };
    run_cpu(prepared.is_quick(), move || prepared.run()).await
}

/// Runs CPU-bound work in place when `quick`, else on the blocking pool so the
/// async threads keep serving other requests.
async fn run_cpu<T: Send + 'static>(quick: bool, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
    if quick { Ok(work()) } else { tokio::task::spawn_blocking(work).await.map_err(log_internal) }
}

/// A finished call not yet recorded: its id, its result, and the record that
/// [`Outcome::commit`] writes (with the receipt and usage event of a success).
#[derive(Debug)]
pub struct Outcome {
    /// The verification id (also the receipt id).
    pub id: String,
    /// What the caller is told.
    pub result: Result<Success, VerificationError>,
    /// What is written.
    pub record: CallRecord,
}

impl Outcome {
    /// Writes the record (group commit) and returns the id and result.
    pub async fn commit(self, state: &AppState) -> Result<Recorded, StoreError> {
        state.calls.write(&state.db, self.record).await?;
        Ok((self.id, self.result))
    }
}

/// Verifies, signs a receipt on success, and records the call.
/// `Err` only when the record cannot be written.
pub async fn verify(state: &AppState, caller: Caller<'_>, req: VerifyRequest) -> Result<Recorded, AppError> {
    Ok(evaluate(state, caller, req).await?.commit(state).await?)
}

/// Verifies and signs a receipt on success, without writing anything yet.
pub async fn evaluate(state: &AppState, caller: Caller<'_>, req: VerifyRequest) -> Result<Outcome, AppError> {
    let kind = req.kind;
    let started = Instant::now();
    let id = state.new_id(VerificationId::from_parts).to_string();
    let prepared = match prepare(state, caller.org_id, req).await {
        Ok(p) => p,
        Err(Rejection::Internal(e)) => return Err(e),
        Err(Rejection::Failed(e)) => return Ok(rejected(state, caller, id, kind, e, started)),
    };
    let signer = state.receipt_keys.signer(&state.db, state.now_ms(), state.new_id(ReceiptKeyId::from_parts)).await?;
    let (now, org, rid) = (state.now_ms(), caller.org_id.to_owned(), id.clone());
    let result = run_cpu(prepared.is_quick(), move || {
        let verified = prepared.run()?;
        let rules = rules_checked(kind, &verified, &prepared.attestation, prepared.root_name.as_deref());
        let facts = ReceiptFacts {
            id: &rid,
            tenant: &org,
            kind: kind.as_str(),
            verified: &verified,
            policy: &prepared.policy_json,
            rules_checked: &rules,
            trusted_root: prepared.root_name.as_deref(),
            time_ms: now,
        };
        let envelope = signer.sign(&statement(&facts));
        Ok::<_, VerificationError>((verified, envelope, signer.id().to_owned()))
    })
    .await?;
    let (verified, envelope, key_id) = match result {
        Ok(v) => v,
        Err(e) => return Ok(rejected(state, caller, id, kind, e, started)),
    };
    let receipt = serde_json::to_value(&envelope).map_err(log_internal)?;
    let row = VerificationRow {
        subject_sha256: Some(verified.subject_sha256.clone()),
        reason: None,
        signer: serde_json::to_string(&verified.signer).ok(),
        latency_us: elapsed_us(started),
        // The same instant as the receipt and the usage event: they fall in the same billing period.
        created_at: now,
        ..call_row(state, caller, &id, kind.as_str(), CallOutcome::Verified)
    };
    let receipt_row = ReceiptRow {
        id: id.clone(),
        org_id: caller.org_id.to_owned(),
        key_id,
        subject_sha256: verified.subject_sha256.clone(),
        envelope: receipt.to_string(),
        created_at: now,
    };
    let usage = UsageEventRow {
        id: state.new_id(UsageEventId::from_parts).to_string(),
        org_id: caller.org_id.to_owned(),
        event: "attestation.verify".into(),
        units: 1,
        ts: now,
        receipt_id: Some(id.clone()),
        subject: Some(verified.subject_sha256.clone()),
        idempotency_key: None,
        created_at: now,
    };
    crate::ssr::billing::schema::validate(&usage).map_err(log_internal)?;
    let record = CallRecord { verification: row, success: Some((receipt_row, usage)), idempotency: None };
    Ok(Outcome { id, result: Ok(Success { verified, receipt }), record })
}

fn elapsed_us(started: Instant) -> i64 {
    i64::try_from(started.elapsed().as_micros()).unwrap_or(i64::MAX)
}

/// The row of a call with its outcome (details filled in by the caller).
fn call_row(state: &AppState, caller: Caller<'_>, id: &str, kind: &str, outcome: CallOutcome) -> VerificationRow {
    VerificationRow {
        id: id.to_owned(),
        org_id: caller.org_id.to_owned(),
        api_key_id: caller.api_key_id.to_owned(),
        kind: kind.to_owned(),
        subject_sha256: None,
        outcome,
        reason: None,
        signer: None,
        latency_us: 0,
        created_at: state.now_ms(),
    }
}

fn rejected(
    state: &AppState,
    caller: Caller<'_>,
    id: String,
    kind: Kind,
    e: VerificationError,
    started: Instant,
) -> Outcome {
    let row = VerificationRow {
        reason: Some(e.reason.as_str().to_owned()),
        latency_us: elapsed_us(started),
        ..call_row(state, caller, &id, kind.as_str(), CallOutcome::Rejected)
    };
    Outcome { id, result: Err(e), record: CallRecord { verification: row, success: None, idempotency: None } }
}

/// Records a request that was refused before verification (malformed input).
pub async fn record_invalid(
    state: &AppState,
    caller: Caller<'_>,
    kind: &str,
    reason: &str,
) -> Result<String, AppError> {
    let id = state.new_id(VerificationId::from_parts).to_string();
    let row = VerificationRow {
        reason: Some(reason.to_owned()),
        ..call_row(state, caller, &id, kind, CallOutcome::InvalidRequest)
    };
    let record = CallRecord { verification: row, success: None, idempotency: None };
    state.calls.write(&state.db, record).await?;
    Ok(id)
}
