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
        after_help = "Example:\n  trust-portal pack build --repo acme/firmware --tag v1.2.0 --key release-key.pem \\\n      --out pack.zip policy.tar.gz policy.tar.gz.sig firmware.intoto.json sbom.spdx.json"
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
        /// Files to include (stored under their file names).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Verify a pack offline: the manifest signature, every digest, every signature inside.
    /// With --server, upload it instead: the portal verifies it with your tenant's stored keys and keeps it.
    #[command(
        after_help = "Examples:\n  trust-portal pack verify --key release-key.pub pack.zip\n  PORTAL_API_KEY=tpk_… trust-portal pack verify --server https://portal.example pack.zip"
    )]
    Verify {
        /// PEM public key(s); the manifest must verify with one.
        #[arg(long, required_unless_present = "server")]
        key: Vec<PathBuf>,
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
        PackCommand::Build { repo, tag, key, out, files } => build(repo, tag, key, out, files, json),
        PackCommand::Verify { key, release, remote, pack } => match crate::cli::remote::Portal::from_args(remote) {
            Some(portal) => upload(portal, release.as_deref(), pack, json),
            None => verify(key, release.as_deref(), pack, json),
        },
    }
}

fn build(repo: &str, tag: &str, key: &PathBuf, out: &PathBuf, files: &[PathBuf], json: bool) -> Exit {
    if let Err(e) = app::domain::text::RepoName::parse(repo).and_then(|_| app::domain::text::ReleaseTag::parse(tag)) {
        return fail(e.message);
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
    let zip = packs::build(repo, tag, &now, &contents, |m| match pair.sign(m) {
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
        None => match packs::verify(&zip, &[], None).manifest {
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

fn verify(keys: &[PathBuf], release: Option<&str>, pack: &PathBuf, json: bool) -> Exit {
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
    let report = packs::verify(&zip, &pems, expect);
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
