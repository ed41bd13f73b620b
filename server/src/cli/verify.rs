//! `verify-bundle`, `verify-blob` and `verify-attestation`: offline
//! verification from the command line. They need no configuration, database or network. `verify-bundle`
//! speaks the sigstore-conformance CLI protocol. Exit codes: 0 verified;
//! 1 rejected (the reason on stderr); 2 bad usage or unreadable input.

use super::output::Exit;
use crate::cli::remote::{self, Portal, RemoteArgs};
use app::ssr::verification::engine::{self, BundlePolicy, Subject, VerificationError, Verified};
use app::ssr::verification::rules::AttestationPolicy;
use clap::Args;
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};

/// Arguments of `verify-bundle`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  trust-portal verify-bundle --bundle a.sigstore.json \\\n      --certificate-identity https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main \\\n      --certificate-oidc-issuer https://token.actions.githubusercontent.com a.tar.gz\n  trust-portal verify-bundle --bundle a.sigstore.json --key cosign.pub sha256:<64 hex digits>"
)]
pub struct VerifyBundleArgs {
    /// The Sigstore bundle (JSON).
    #[arg(long)]
    pub bundle: PathBuf,
    /// Required certificate identity (SAN) for keyless bundles.
    #[arg(long, conflicts_with = "key")]
    pub certificate_identity: Option<String>,
    /// Required OIDC issuer for keyless bundles.
    #[arg(long, conflicts_with = "key")]
    pub certificate_oidc_issuer: Option<String>,
    /// PEM public key, for bundles signed with a managed key.
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// A trusted_root.json to verify against (default: the Sigstore public-good root).
    #[arg(long)]
    pub trusted_root: Option<PathBuf>,
    /// Use the Sigstore staging root.
    #[arg(long, conflicts_with = "trusted_root")]
    pub staging: bool,
    /// Rules on the in-toto statement, for bundles that hold an attestation.
    #[command(flatten)]
    pub attestation: AttestationArgs,
    /// With --server: a stored policy of your tenant, by name (replaces identity, issuer and statement rules).
    #[arg(long, requires = "server", conflicts_with_all = ["certificate_identity", "certificate_oidc_issuer"])]
    pub policy: Option<String>,
    /// Ask a running portal instead.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The artifact, or its digest as sha256:<64 hex digits>.
    pub file_or_digest: String,
}

/// Optional rules on an in-toto statement.
#[derive(Debug, Args)]
pub struct AttestationArgs {
    /// Required predicateType (e.g. https://slsa.dev/provenance/v1).
    #[arg(long)]
    pub predicate_type: Option<String>,
    /// Required builder id (SLSA v1 runDetails.builder.id, v0.2 builder.id).
    #[arg(long)]
    pub builder_id: Option<String>,
    /// Required source repository (e.g. https://github.com/acme/firmware).
    #[arg(long)]
    pub source_repo: Option<String>,
    /// Required source ref (e.g. refs/tags/v1.2.0).
    #[arg(long)]
    pub source_ref: Option<String>,
}

impl AttestationArgs {
    /// The rules as fields of an API request (their wire names, as the rules type serialises them).
    fn insert_into(&self, request: &mut Map<String, Value>) {
        if let Value::Object(rules) = json!(self.policy()) {
            request.extend(rules);
        }
    }

    fn policy(&self) -> AttestationPolicy {
        AttestationPolicy {
            predicate_type: self.predicate_type.clone(),
            builder_id: self.builder_id.clone(),
            source_repo: self.source_repo.clone(),
            source_ref: self.source_ref.clone(),
        }
    }
}

/// Arguments of `verify-attestation`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  trust-portal verify-attestation --key cosign.pub --envelope firmware.intoto.json \\\n      --predicate-type https://slsa.dev/provenance/v1 --builder-id https://github.com/actions/runner firmware.bin"
)]
pub struct VerifyAttestationArgs {
    /// PEM public key that signed the envelope.
    #[arg(long, required_unless_present = "key_name")]
    pub key: Option<PathBuf>,
    /// With --server: one of your tenant's stored signing keys, by name (its validity window applies).
    #[arg(long, requires = "server", conflicts_with = "key")]
    pub key_name: Option<String>,
    /// The DSSE envelope (JSON) holding an in-toto statement.
    #[arg(long)]
    pub envelope: PathBuf,
    /// Rules on the statement.
    #[command(flatten)]
    pub attestation: AttestationArgs,
    /// Ask a running portal instead.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The artifact, or its digest as sha256:<64 hex digits>.
    pub file_or_digest: String,
}

/// Arguments of `verify-blob`.
#[derive(Debug, Args)]
#[command(after_help = "Example:\n  trust-portal verify-blob --key cosign.pub --signature policy.sig policy.tar.gz")]
pub struct VerifyBlobArgs {
    /// PEM public key (ECDSA P-256/P-384, Ed25519, RSA).
    #[arg(long, required_unless_present = "key_name")]
    pub key: Option<PathBuf>,
    /// With --server: one of your tenant's stored signing keys, by name (its validity window applies).
    #[arg(long, requires = "server", conflicts_with = "key")]
    pub key_name: Option<String>,
    /// File holding the base64 signature written by `cosign sign-blob`.
    #[arg(long)]
    pub signature: PathBuf,
    /// Ask a running portal instead.
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// The artifact, or its digest as sha256:<64 hex digits>.
    pub file_or_digest: String,
}

/// A usage or input problem (exit 2), as opposed to a rejected signature (exit 1).
struct InputError(String);

fn read_text(path: &Path, what: &str) -> Result<String, InputError> {
    std::fs::read_to_string(path).map_err(|e| InputError(format!("cannot read {what} {}: {e}", path.display())))
}

/// The artifact as read from the command line: its bytes, or only its digest.
enum Input {
    Bytes(Vec<u8>),
    Digest([u8; 32]),
}

impl Input {
    /// Per the protocol: a digest when it looks like one and is not a file on disk.
    fn read(file_or_digest: &str) -> Result<Self, InputError> {
        if !Path::new(file_or_digest).exists()
            && let Some(d) = engine::parse_sha256_digest(file_or_digest)
        {
            return Ok(Self::Digest(d));
        }
        std::fs::read(file_or_digest)
            .map(Self::Bytes)
            .map_err(|e| InputError(format!("cannot read artifact {file_or_digest}: {e}")))
    }

    fn subject(&self) -> Subject<'_> {
        match self {
            Self::Bytes(b) => Subject::Bytes(b),
            Self::Digest(d) => Subject::Sha256(*d),
        }
    }
}

/// Runs `verify-bundle`.
pub fn verify_bundle(args: &VerifyBundleArgs, json: bool) -> Exit {
    if let Some(portal) = Portal::from_args(&args.remote) {
        return ask_portal(portal, json, || {
            if args.trusted_root.is_some() || args.staging {
                return Err(InputError(
                    "with --server the portal's own trusted roots apply; name one in a stored --policy".into(),
                ));
            }
            let bundle: Value = serde_json::from_str(&read_text(&args.bundle, "bundle")?)
                .map_err(|e| InputError(format!("bundle is not JSON: {e}")))?;
            let mut request = request("sigstore_bundle", &args.file_or_digest)?;
            request.insert("bundle".into(), bundle);
            if let Some(path) = &args.key {
                request.insert("public_key".into(), json!(read_text(path, "key")?));
            }
            for (field, value) in [
                ("identity", &args.certificate_identity),
                ("issuer", &args.certificate_oidc_issuer),
                ("policy", &args.policy),
            ] {
                if let Some(v) = value {
                    request.insert(field.into(), json!(v));
                }
            }
            args.attestation.insert_into(&mut request);
            Ok(request)
        });
    }
    let run = || -> Result<Result<Verified, VerificationError>, InputError> {
        let bundle = read_text(&args.bundle, "bundle")?;
        let root = match (&args.trusted_root, args.staging) {
            (Some(path), _) => engine::trusted_root_from_json(&read_text(path, "trusted root")?),
            (None, true) => engine::staging_root(),
            (None, false) => engine::public_good_root(),
        };
        let root = match root {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let policy = match &args.key {
            Some(path) => BundlePolicy::Key { pem: read_text(path, "key")? },
            None => match BundlePolicy::keyless(
                args.certificate_identity.as_deref(),
                args.certificate_oidc_issuer.as_deref(),
            ) {
                Ok(p) => p,
                Err(e) => return Err(InputError(e.message)),
            },
        };
        let input = Input::read(&args.file_or_digest)?;
        Ok(engine::verify_bundle(&root, &bundle, input.subject(), &policy, &args.attestation.policy()))
    };
    report(run(), json)
}

/// Runs `verify-attestation`.
pub fn verify_attestation(args: &VerifyAttestationArgs, json: bool) -> Exit {
    if let Some(portal) = Portal::from_args(&args.remote) {
        return ask_portal(portal, json, || {
            let envelope: Value = serde_json::from_str(&read_text(&args.envelope, "envelope")?)
                .map_err(|e| InputError(format!("envelope is not JSON: {e}")))?;
            let mut request = request("in_toto", &args.file_or_digest)?;
            request.insert("envelope".into(), envelope);
            insert_key(&mut request, args.key.as_deref(), args.key_name.as_deref())?;
            args.attestation.insert_into(&mut request);
            Ok(request)
        });
    }
    let run = || -> Result<Result<Verified, VerificationError>, InputError> {
        let key = read_text(local_key(args.key.as_deref())?, "key")?;
        let envelope = read_text(&args.envelope, "envelope")?;
        let input = Input::read(&args.file_or_digest)?;
        Ok(engine::verify_attestation(&key, &envelope, input.subject(), &args.attestation.policy()))
    };
    report(run(), json)
}

/// Runs `verify-blob`.
pub fn verify_blob(args: &VerifyBlobArgs, json: bool) -> Exit {
    if let Some(portal) = Portal::from_args(&args.remote) {
        return ask_portal(portal, json, || {
            let mut request = request("cosign_blob", &args.file_or_digest)?;
            request.insert("signature".into(), json!(read_text(&args.signature, "signature")?.trim()));
            insert_key(&mut request, args.key.as_deref(), args.key_name.as_deref())?;
            Ok(request)
        });
    }
    let run = || -> Result<Result<Verified, VerificationError>, InputError> {
        let key = read_text(local_key(args.key.as_deref())?, "key")?;
        let signature = read_text(&args.signature, "signature")?;
        let input = Input::read(&args.file_or_digest)?;
        Ok(engine::verify_blob(&key, &signature, input.subject()))
    };
    report(run(), json)
}

/// The start of an API request: its kind and artifact.
fn request(kind: &str, file_or_digest: &str) -> Result<Map<String, Value>, InputError> {
    let artifact = remote::artifact_json(file_or_digest).map_err(|e| InputError(e.0))?;
    let mut request = Map::new();
    request.insert("kind".into(), json!(kind));
    request.insert("artifact".into(), artifact);
    Ok(request)
}

/// The key of an API request: the PEM from a file, or a stored key's name.
fn insert_key(request: &mut Map<String, Value>, key: Option<&Path>, name: Option<&str>) -> Result<(), InputError> {
    match (key, name) {
        (Some(path), _) => request.insert("public_key".into(), json!(read_text(path, "key")?)),
        (None, Some(name)) => request.insert("key".into(), json!(name)),
        (None, None) => return Err(InputError("give --key KEY.pub or --key-name NAME".into())),
    };
    Ok(())
}

/// The key file for local verification (`--key-name` needs `--server`).
fn local_key(key: Option<&Path>) -> Result<&Path, InputError> {
    key.ok_or_else(|| InputError("give --key KEY.pub (--key-name works only with --server)".into()))
}

/// Builds a request with `build` and sends it to the portal.
fn ask_portal(
    portal: Result<Portal, remote::CallError>,
    json: bool,
    build: impl FnOnce() -> Result<Map<String, Value>, InputError>,
) -> Exit {
    let portal = match portal {
        Ok(p) => p,
        Err(e) => return remote::print_verdict(Err(e), json, |_| String::new()),
    };
    match build() {
        Ok(request) => remote::verify(&portal, &Value::Object(request), json),
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

fn report(result: Result<Result<Verified, VerificationError>, InputError>, json: bool) -> Exit {
    match result {
        Ok(Ok(v)) => {
            if json {
                println!("{}", serde_json::json!({ "verified": true, "result": v }));
            } else {
                let who = match &v.signer {
                    app::ssr::verification::engine::Signer::Identity { identity, issuer } => {
                        format!("{identity} (issuer {issuer})")
                    }
                    app::ssr::verification::engine::Signer::Key { key_id } => format!("key {key_id}"),
                };
                println!("Verified OK: sha256:{} signed by {who}", v.subject_sha256);
                for check in &v.checks {
                    println!("  ✓ {check}");
                }
            }
            Exit::Success
        }
        Ok(Err(e)) => {
            if json {
                println!("{}", serde_json::json!({ "verified": false, "reason": e.reason, "message": e.message }));
            }
            eprintln!("rejected: {} ({})", e.message, e.reason.as_str());
            Exit::Failed
        }
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

/// Arguments of `verify-receipt`.
#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  curl -s https://portal.example/.well-known/trust-portal/receipt-keys.json > receipt-keys.json\n  trust-portal verify-receipt --key receipt-keys.json receipt.json\n  trust-portal verify-receipt --key portal.pub receipt.json"
)]
pub struct VerifyReceiptArgs {
    /// The portal's key: a PEM public key, or the published receipt-keys.json.
    #[arg(long, required_unless_present = "server")]
    pub key: Option<PathBuf>,
    /// Fetch the key set from this portal's well-known URL (unless --key is given), and with --api-key
    /// the receipt itself when RECEIPT is a receipt id (ver_…).
    #[arg(long)]
    pub server: Option<String>,
    /// The tenant's API key, to fetch a receipt by id. Prefer the PORTAL_API_KEY variable.
    #[arg(long, env = "PORTAL_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
    /// The receipt: its DSSE envelope, an API response holding it under "receipt", or with --server its id.
    pub receipt: String,
}

/// The receipt's text and the key set's text, from files or the portal.
fn receipt_inputs(args: &VerifyReceiptArgs) -> Result<(String, String), InputError> {
    let portal = match &args.server {
        Some(base) => Some(Portal::new(base, args.api_key.clone()).map_err(|e| InputError(e.0))?),
        None => None,
    };
    let fetch = |path: &str| -> Result<String, InputError> {
        let portal = portal.as_ref().ok_or_else(|| InputError("give --key or --server".into()))?;
        match portal.get(path) {
            Ok(remote::Verdict::Accepted(v)) => Ok(v.to_string()),
            Ok(remote::Verdict::Rejected { message, .. }) | Err(remote::CallError(message)) => {
                Err(InputError(format!("{path}: {message}")))
            }
        }
    };
    let keys = match &args.key {
        Some(path) => read_text(path, "key")?,
        None => fetch(app::ssr::verification::receipts::WELL_KNOWN_PATH)?,
    };
    let path = Path::new(&args.receipt);
    let receipt = if !path.exists() && args.receipt.starts_with("ver_") && portal.is_some() {
        fetch(&format!("/api/v1/receipts/{}", args.receipt))?
    } else {
        read_text(path, "receipt")?
    };
    Ok((receipt, keys))
}

/// Runs `verify-receipt`: exit 0 when the portal's signature verifies.
pub fn verify_receipt(args: &VerifyReceiptArgs, json: bool) -> Exit {
    let run = || -> Result<Result<app::ssr::verification::receipts::CheckedReceipt, VerificationError>, InputError> {
        let (text, keys_text) = receipt_inputs(args)?;
        let keys = app::ssr::verification::receipts::keys_from_text(&keys_text).map_err(InputError)?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| InputError(format!("receipt is not JSON: {e}")))?;
        let envelope = if value["receipt"].is_object() { &value["receipt"] } else { &value };
        Ok(app::ssr::verification::receipts::verify_receipt(&envelope.to_string(), &keys))
    };
    match run() {
        Ok(Ok(checked)) => {
            let p = &checked.statement["predicate"];
            if json {
                println!(
                    "{}",
                    serde_json::json!({"verified": true, "keyid": checked.keyid, "statement": checked.statement})
                );
            } else {
                println!(
                    "Receipt OK: {} signed by portal key {}\n  tenant {}  kind {}  subject sha256:{}\n  verified at {}",
                    p["receiptId"].as_str().unwrap_or("?"),
                    checked.keyid,
                    p["tenant"].as_str().unwrap_or("?"),
                    p["kind"].as_str().unwrap_or("?"),
                    checked.statement["subject"][0]["digest"]["sha256"].as_str().unwrap_or("?"),
                    p["timeVerified"].as_str().unwrap_or("?"),
                );
            }
            Exit::Success
        }
        Ok(Err(e)) => {
            if json {
                println!("{}", serde_json::json!({ "verified": false, "reason": e.reason, "message": e.message }));
            }
            eprintln!("rejected: {} ({})", e.message, e.reason.as_str());
            Exit::Failed
        }
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

/// `verify-badge`: a signed SLA badge (`/badge/sla.json`) checked offline.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  curl -o keys.json https://portal.example/.well-known/trust-portal/receipt-keys.json\n  curl -o sla.json https://portal.example/badge/sla.json\n  trust-portal verify-badge --keys keys.json sla.json"
)]
pub struct VerifyBadgeArgs {
    /// The portal's published key set (`receipt-keys.json`) or one PEM public key.
    #[arg(long)]
    pub keys: PathBuf,
    /// The badge: the JSON `/badge/sla.json` served.
    pub badge: PathBuf,
}

/// Runs `verify-badge`: exit 0 when the portal's key signed the claim (printed), 1 when not, 2 bad input.
pub fn verify_badge(args: &VerifyBadgeArgs, json: bool) -> Exit {
    let inputs = read_text(&args.keys, "key set").and_then(|keys| {
        let keys = app::ssr::verification::receipts::keys_from_text(&keys).map_err(InputError)?;
        Ok((keys, read_text(&args.badge, "badge")?))
    });
    let (keys, badge) = match inputs {
        Ok(v) => v,
        Err(InputError(message)) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
    };
    match app::ssr::sla_badge::verify(&badge, &keys) {
        Ok((keyid, claim)) => {
            if json {
                println!("{}", json!({ "verified": true, "keyid": keyid, "claim": claim }));
            } else {
                let state = if claim.green { "green" } else { "not green" };
                println!(
                    "SLA badge OK: signed by portal key {keyid}\n  {}\n  measured {} ({state}; targets p95 <= {} ms, uptime >= {})",
                    claim.summary, claim.measured_at, claim.p95_target_ms, claim.uptime_target
                );
            }
            Exit::Success
        }
        Err(why) => {
            if json {
                println!("{}", json!({ "verified": false, "reason": why }));
            }
            eprintln!("rejected: {why}");
            Exit::Failed
        }
    }
}
