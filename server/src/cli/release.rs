//! `trust-portal release provenance`: an in-toto SLSA v1 provenance
//! statement for a release's files, signed as a DSSE envelope with an ECDSA
//! P-256 key, so `trust-portal verify-attestation` checks any of them offline.
//! `make dist` signs its own release directory with it.
//!
//! The level it supports is SLSA Build L1: the provenance exists, lists every
//! file with its digest, the source commit, the build command and the
//! toolchain, and is signed. It is not L2: the signing key is held by
//! whoever ran the build on their own machine, not by a hosted build
//! platform that generates and signs provenance itself (L2), in an isolated
//! build whose secrets the build steps cannot reach (L3).

use super::output::Exit;
use app::ssr::verification::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use app::ssr::verification::signing;
use clap::Args;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The SLSA provenance predicate type.
pub const SLSA_PROVENANCE_V1: &str = "https://slsa.dev/provenance/v1";
/// What a `make dist` build is, for `buildDefinition.buildType`.
pub const BUILD_TYPE: &str = "https://github.com/topicality/trust-portal/make-dist/v1";

/// Arguments of `release provenance`.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  trust-portal release provenance --key release-key.pem --base dist/trust-portal \\\n      --builder-id https://build.example/ops-laptop --source-uri git+https://git.example/trust-portal \\\n      --commit $(git rev-parse HEAD) --command 'make dist' --toolchain \"$(rustc -V)\" \\\n      --out dist/trust-portal/share/provenance.intoto.json dist/trust-portal/bin/trust-portal …\n  trust-portal verify-attestation --key release-key.pub --envelope provenance.intoto.json \\\n      --predicate-type https://slsa.dev/provenance/v1 --builder-id https://build.example/ops-laptop bin/trust-portal"
)]
pub struct ProvenanceArgs {
    /// PKCS#8 PEM private key (ECDSA P-256, `trust-portal keygen`) that signs the statement.
    #[arg(long)]
    pub key: PathBuf,
    /// Where to write the DSSE envelope (must not exist).
    #[arg(long)]
    pub out: PathBuf,
    /// Subjects are named relative to this folder (the release directory).
    #[arg(long)]
    pub base: PathBuf,
    /// Who ran the build (`runDetails.builder.id`).
    #[arg(long)]
    pub builder_id: String,
    /// The source repository (`git+https://…`).
    #[arg(long)]
    pub source_uri: String,
    /// The source commit (40 hex digits).
    #[arg(long)]
    pub commit: String,
    /// The build command.
    #[arg(long)]
    pub command: String,
    /// Tool versions used (repeat: `rustc 1.x`, `cargo-leptos 0.x`).
    #[arg(long)]
    pub toolchain: Vec<String>,
    /// The release's files (every one a subject with its SHA-256).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// Runs `release provenance`.
pub fn provenance(args: &ProvenanceArgs, json_out: bool) -> Exit {
    match write(args) {
        Ok(n) => {
            if json_out {
                println!("{}", json!({ "provenance": args.out, "subjects": n }));
            } else {
                println!("wrote {} ({n} subjects, SLSA v1 provenance, DSSE-signed)", args.out.display());
            }
            Exit::Success
        }
        Err(e) => {
            eprintln!("error: {e}");
            Exit::Usage
        }
    }
}

fn write(args: &ProvenanceArgs) -> Result<usize, String> {
    if args.commit.len() != 40 || !args.commit.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("--commit {:?} is not a 40-digit git commit", args.commit));
    }
    if args.out.exists() {
        return Err(format!("{} exists; choose a new file", args.out.display()));
    }
    let pem = std::fs::read_to_string(&args.key).map_err(|e| format!("cannot read {}: {e}", args.key.display()))?;
    let pair = signing::load_private_key(&pem).map_err(|e| format!("{}: {e}", args.key.display()))?;
    let subjects = args.files.iter().map(|f| subject(&args.base, f)).collect::<Result<Vec<_>, _>>()?;
    let statement = statement(args, &subjects);
    let envelope = Envelope::sign(IN_TOTO_PAYLOAD_TYPE, statement.to_string().as_bytes(), "", |m| {
        pair.sign(m).map(|s| s.as_bytes().to_vec()).unwrap_or_default()
    });
    let text = serde_json::to_string_pretty(&envelope).map_err(|e| e.to_string())?;
    std::fs::write(&args.out, text).map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
    Ok(subjects.len())
}

/// One file as a subject: its path under `base` and its SHA-256.
fn subject(base: &Path, file: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let name = file.strip_prefix(base).unwrap_or(file).to_string_lossy().into_owned();
    Ok(json!({ "name": name, "digest": { "sha256": hex::encode(Sha256::digest(&bytes)) } }))
}

/// The in-toto statement with the SLSA v1 provenance predicate.
fn statement(args: &ProvenanceArgs, subjects: &[Value]) -> Value {
    let now = app::ssr::clock::rfc3339(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
    );
    json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": SLSA_PROVENANCE_V1,
        "predicate": {
            "buildDefinition": {
                "buildType": BUILD_TYPE,
                "externalParameters": {
                    "command": args.command,
                    "source": { "uri": args.source_uri, "digest": { "gitCommit": args.commit } },
                },
                "internalParameters": { "toolchain": args.toolchain },
                "resolvedDependencies": [
                    { "uri": format!("{}@{}", args.source_uri, args.commit), "digest": { "gitCommit": args.commit } },
                ],
            },
            "runDetails": {
                "builder": { "id": args.builder_id },
                "metadata": { "finishedOn": now },
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_names_every_file_the_commit_and_the_builder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("bin")).unwrap();
        std::fs::write(dir.path().join("bin/tool"), b"binary").unwrap();
        let (private, _) = signing::generate_p256().unwrap();
        std::fs::write(dir.path().join("k.pem"), private).unwrap();
        let args = ProvenanceArgs {
            key: dir.path().join("k.pem"),
            out: dir.path().join("p.intoto.json"),
            base: dir.path().to_path_buf(),
            builder_id: "https://build.example/laptop".into(),
            source_uri: "git+https://git.example/tp".into(),
            commit: "a".repeat(40),
            command: "make dist".into(),
            toolchain: vec!["rustc 1.90.0".into()],
            files: vec![dir.path().join("bin/tool")],
        };
        assert_eq!(write(&args), Ok(1));
        let env = Envelope::from_json(&std::fs::read_to_string(&args.out).unwrap()).unwrap();
        let statement: Value = serde_json::from_slice(&env.payload_bytes().unwrap()).unwrap();
        assert_eq!(statement["subject"][0]["name"], "bin/tool");
        assert_eq!(statement["subject"][0]["digest"]["sha256"], hex::encode(Sha256::digest(b"binary")));
        assert_eq!(
            statement["predicate"]["buildDefinition"]["externalParameters"]["source"]["digest"]["gitCommit"],
            "a".repeat(40)
        );
        assert_eq!(statement["predicate"]["runDetails"]["builder"]["id"], "https://build.example/laptop");
        assert!(write(&args).unwrap_err().contains("exists"), "never overwrites");
        let bad = ProvenanceArgs { commit: "main".into(), out: dir.path().join("q.json"), ..args };
        assert!(write(&bad).unwrap_err().contains("40-digit"));
    }
}
