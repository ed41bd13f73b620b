//! `keygen` and `pack build|verify`: make a signing key, build a signed
//! evidence pack from files, and verify a pack offline. No configuration,
//! database or network. Exit codes: 0 ok/verified; 1 rejected; 2 bad usage.

use super::output::Exit;
use app::domain::status::CheckStatus;
use app::ssr::{evidence::packs, verification::signing};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Arguments of `keygen`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  trust-portal keygen --out release-key\n  # writes release-key.pem (private, mode 600) and release-key.pub"
)]
pub struct KeygenArgs {
    /// Path prefix: writes PREFIX.pem and PREFIX.pub (neither may exist).
    #[arg(long)]
    pub out: PathBuf,
}

/// `pack` subcommands.
#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Build a signed evidence pack (zip) from files.
    #[command(
        after_help = "Example:\n  trust-portal pack build --repo acme/firmware --tag v1.2.0 --key release-key.pem \\\n      --policy-version 3 --out pack.zip policy.tar.gz policy.sig firmware.intoto.json sbom.spdx.json"
    )]
    Build {
        /// Repository, owner/name.
        #[arg(long)]
        repo: String,
        /// Release tag.
        #[arg(long)]
        tag: String,
        /// PKCS#8 PEM private key (ECDSA P-256) that signs the manifest.
        #[arg(long)]
        key: PathBuf,
        /// Where to write the zip (must not exist).
        #[arg(long)]
        out: PathBuf,
        /// The org policy version of policy.tar.gz, written into the signed
        /// manifest (required when the files include policy.sig).
        #[arg(long)]
        policy_version: Option<i64>,
        /// Files to include (stored under their file names).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Verify a pack offline: the manifest signature, every digest, every signature inside.
    /// With --server, upload it instead: the portal verifies it with your tenant's stored keys and keeps it.
    #[command(
        after_help = "Examples:\n  trust-portal pack verify --key release-key.pub pack.zip\n  trust-portal pack verify --key release-key.pub --policy-key policy.pub pack.zip\n  trust-portal pack verify --key release-key.pub --policy-identity https://github.com/acme/.github/.github/workflows/org.policy.sign.yml@refs/heads/main --policy-issuer https://token.actions.githubusercontent.com pack.zip\n  PORTAL_API_KEY=tpk_… trust-portal pack verify --server https://portal.example pack.zip"
    )]
    Verify {
        /// PEM public key(s); the manifest must verify with one.
        #[arg(long, required_unless_present = "server")]
        key: Vec<PathBuf>,
        /// Who may sign the pack's policy bundle (policy.sig).
        #[command(flatten)]
        policy: PolicySignerArgs,
        /// Expected release as owner/name@tag (default with --server: the release the manifest names).
        #[arg(long)]
        release: Option<String>,
        /// Upload to a running portal instead.
        #[command(flatten)]
        remote: crate::cli::remote::RemoteArgs,
        /// The pack.
        pack: PathBuf,
    },
}

/// Who may sign a pack's policy bundle, for offline verification (without
/// any, a pack carrying policy.sig is reported as not checked).
#[derive(Debug, Args)]
pub struct PolicySignerArgs {
    /// Org policy-signing key(s) (PEM) for the pack's policy.sig.
    #[arg(long)]
    policy_key: Vec<PathBuf>,
    /// The org workflow's keyless identity, for a policy.sig that is a Sigstore bundle.
    #[arg(long, requires = "policy_issuer")]
    policy_identity: Option<String>,
    /// Its OIDC issuer.
    #[arg(long, requires = "policy_identity")]
    policy_issuer: Option<String>,
    /// The trusted_root.json the identity's certificates chain to (default: the public-good root).
    #[arg(long, requires = "policy_identity")]
    policy_trusted_root: Option<PathBuf>,
}

impl PolicySignerArgs {
    /// The signers given, or `None` when none were.
    fn trust(&self) -> Result<Option<app::ssr::policy::signers::PolicyTrust>, String> {
        use app::domain::policy_signers::PolicySignerKind;
        use app::ssr::policy::signers::{IdentitySigner, KeySigner, PolicyTrust};
        use app::ssr::verification::engine;
        let mut trust = PolicyTrust::default();
        for path in &self.policy_key {
            let pem = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let der = engine::parse_key(&pem).map_err(|e| format!("{}: {}", path.display(), e.message))?;
            trust.keys.push(KeySigner {
                label: format!("{} ({})", path.display(), engine::key_id(&der)),
                pem,
                kind: PolicySignerKind::OrgKey,
                override_id: None,
            });
        }
        if let (Some(identity), Some(issuer)) = (&self.policy_identity, &self.policy_issuer) {
            let root = match &self.policy_trusted_root {
                Some(path) => {
                    let json =
                        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                    engine::trusted_root_from_json(&json).map_err(|e| e.message)?
                }
                None => engine::public_good_root().map_err(|e| e.message)?,
            };
            trust.identities.push(IdentitySigner {
                identity: identity.clone(),
                issuer: issuer.clone(),
                root_name: self.policy_trusted_root.as_ref().map_or("public-good".into(), |p| p.display().to_string()),
                root: std::sync::Arc::new(root),
                kind: PolicySignerKind::OrgWorkflow,
                override_id: None,
            });
        }
        Ok((!trust.keys.is_empty() || !trust.identities.is_empty()).then_some(trust))
    }
}

fn fail(message: impl std::fmt::Display) -> Exit {
    eprintln!("error: {message}");
    Exit::Usage
}

fn write_new(path: &std::path::Path, data: &[u8], private: bool) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = private;
    options.open(path)?.write_all(data)
}

/// Runs `keygen`.
pub fn keygen(args: &KeygenArgs, json: bool) -> Exit {
    let (private, public) = match signing::generate_p256() {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let (pem, publ) = (args.out.with_extension("pem"), args.out.with_extension("pub"));
    for (path, data, private) in [(&pem, &private, true), (&publ, &public, false)] {
        if let Err(e) = write_new(path, data.as_bytes(), private) {
            return fail(format!("cannot write {}: {e}", path.display()));
        }
    }
    if json {
        println!("{}", serde_json::json!({"private_key": pem, "public_key": publ}));
    } else {
        println!("wrote {} (private, keep secret) and {} (public)", pem.display(), publ.display());
    }
    Exit::Success
}

/// Runs `pack build` or `pack verify`.
pub fn pack(cmd: &PackCommand, json: bool) -> Exit {
    match cmd {
        PackCommand::Build { repo, tag, key, out, policy_version, files } => {
            build(repo, tag, key, out, *policy_version, files, json)
        }
        PackCommand::Verify { key, policy, release, remote, pack } => {
            match crate::cli::remote::Portal::from_args(remote) {
                Some(portal) => upload(portal, release.as_deref(), pack, json),
                None => match policy.trust() {
                    Ok(trust) => verify(key, trust.as_ref(), release.as_deref(), pack, json),
                    Err(e) => fail(e),
                },
            }
        }
    }
}

fn build(
    repo: &str,
    tag: &str,
    key: &PathBuf,
    out: &PathBuf,
    policy_version: Option<i64>,
    files: &[PathBuf],
    json: bool,
) -> Exit {
    if let Err(e) = app::domain::text::RepoName::parse(repo).and_then(|_| app::domain::text::ReleaseTag::parse(tag)) {
        return fail(e.message);
    }
    let signs_policy = files.iter().any(|f| f.file_name().is_some_and(|n| n == "policy.sig"));
    match policy_version {
        None if signs_policy => {
            return fail(
                "the files include policy.sig: say which org policy version policy.tar.gz is (--policy-version N)",
            );
        }
        Some(v) if v < 1 => return fail("--policy-version must be at least 1"),
        _ => {}
    }
    let pair = match std::fs::read_to_string(key).map_err(|e| e.to_string()).and_then(|t| signing::load_private_key(&t))
    {
        Ok(p) => p,
        Err(e) => return fail(format!("key {}: {e}", key.display())),
    };
    let mut contents = Vec::new();
    for f in files {
        let Some(name) = f.file_name().and_then(|n| n.to_str()) else {
            return fail(format!("{}: not a file name", f.display()));
        };
        match std::fs::read(f) {
            Ok(data) => contents.push((name.to_owned(), data)),
            Err(e) => return fail(format!("cannot read {}: {e}", f.display())),
        }
    }
    let now =
        time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default();
    let mut sign_error = None;
    let zip = packs::build_with_policy_version(repo, tag, &now, policy_version, &contents, |m| match pair.sign(m) {
        Ok(s) => s.as_bytes().to_vec(),
        Err(e) => {
            sign_error = Some(e.to_string());
            Vec::new()
        }
    });
    let zip = match (zip, sign_error) {
        (Ok(z), None) => z,
        (Err(e), _) => return fail(e),
        (_, Some(e)) => return fail(format!("signing failed: {e}")),
    };
    if let Err(e) = write_new(out, &zip, false) {
        return fail(format!("cannot write {}: {e}", out.display()));
    }
    if json {
        println!("{}", serde_json::json!({"pack": out, "files": contents.len(), "bytes": zip.len()}));
    } else {
        println!("wrote {} ({} files, {} bytes) for {repo}@{tag}", out.display(), contents.len(), zip.len());
    }
    Exit::Success
}

/// `owner/name@tag` split in two.
fn parse_release(release: &str) -> Option<(&str, &str)> {
    release.rsplit_once('@')
}

/// Uploads a pack to the portal and prints its report.
fn upload(
    portal: Result<crate::cli::remote::Portal, crate::cli::remote::CallError>,
    release: Option<&str>,
    pack: &PathBuf,
    json: bool,
) -> Exit {
    let portal = match portal {
        Ok(p) => p,
        Err(e) => return fail(e.0),
    };
    let zip = match std::fs::read(pack) {
        Ok(z) => z,
        Err(e) => return fail(format!("cannot read pack {}: {e}", pack.display())),
    };
    let (repo, tag) = match release {
        Some(r) => match parse_release(r) {
            Some((repo, tag)) => (repo.to_owned(), tag.to_owned()),
            None => return fail("--release must be owner/name@tag"),
        },
        None => match packs::verify(&zip, &[], None, None).manifest {
            Some(m) => (m.repo, m.tag),
            None => return fail("the pack has no readable manifest.json; name the release with --release"),
        },
    };
    let path = format!("/api/v1/repos/{repo}/releases/{tag}/pack");
    let verdict = portal.post(&path, "application/zip", zip);
    if let Ok(crate::cli::remote::Verdict::Accepted(v) | crate::cli::remote::Verdict::Rejected { body: v, .. }) =
        &verdict
        && !json
        && let Ok(report) = serde_json::from_value::<packs::PackReport>(v["report"].clone())
    {
        print_checks(&report);
    }
    crate::cli::remote::print_verdict(verdict, json, |v| {
        format!(
            "Pack OK: {repo}@{tag} stored by the portal as {} (sha256:{})",
            crate::cli::remote::str_of(&v["id"]),
            crate::cli::remote::str_of(&v["sha256"])
        )
    })
}

fn print_checks(report: &packs::PackReport) {
    for c in &report.checks {
        let mark = match c.status {
            CheckStatus::Passed => "✓",
            CheckStatus::Failed => "✗",
            CheckStatus::NotChecked => "·",
        };
        println!("  {mark} {}: {}", c.check, c.detail);
    }
}

fn verify(
    keys: &[PathBuf],
    policy: Option<&app::ssr::policy::signers::PolicyTrust>,
    release: Option<&str>,
    pack: &PathBuf,
    json: bool,
) -> Exit {
    let mut pems = Vec::new();
    for k in keys {
        match std::fs::read_to_string(k) {
            Ok(t) => pems.push(t),
            Err(e) => return fail(format!("cannot read key {}: {e}", k.display())),
        }
    }
    let expect = match release.map(parse_release) {
        None => None,
        Some(Some(pair)) => Some(pair),
        Some(None) => return fail("--release must be owner/name@tag"),
    };
    let zip = match std::fs::read(pack) {
        Ok(z) => z,
        Err(e) => return fail(format!("cannot read pack {}: {e}", pack.display())),
    };
    let report = packs::verify(&zip, &pems, expect, policy);
    if json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    } else {
        print_checks(&report);
    }
    match &report.reason {
        None => {
            if !json {
                println!("Pack OK: signed by {}", report.signer_key_id.as_deref().unwrap_or("?"));
            }
            Exit::Success
        }
        Some(reason) => {
            let first = report.checks.iter().find(|c| c.status == CheckStatus::Failed);
            eprintln!("rejected: {} ({reason})", first.map_or("", |c| c.detail.as_str()));
            Exit::Failed
        }
    }
}
