//! `trust-portal policy …`: the organisation's policy-signing keys and
//! workflow identities, per-repository signer overrides, the rollout
//! settings, adoption, and the reusable signing workflow;
//! `trust-portal drill rotate-policy-key|rotate-keyless-identity|restore`.

use super::output::Exit;
use app::domain::AppError;
use app::domain::workflow;
use app::ssr::AppState;
use clap::Subcommand;

/// `policy` subcommands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Add an org policy-signing key (a PEM public key file).
    #[command(
        after_help = "Example:\n  trust-portal policy add-key --name policy-2026 --public-key policy.pub --valid-days 400"
    )]
    AddKey {
        /// Key name (lower-case letters, digits, dashes).
        #[arg(long)]
        name: String,
        /// PEM `PUBLIC KEY` file.
        #[arg(long)]
        public_key: std::path::PathBuf,
        /// Valid for this many days from now (default: until revoked).
        #[arg(long)]
        valid_days: Option<u32>,
    },
    /// Publish a signed policy version for partners to pick during onboarding (verified now).
    Publish {
        /// Policy version (a new one).
        #[arg(long)]
        version: i64,
        /// The signed bundle (policy.tar.gz).
        #[arg(long)]
        bundle: std::path::PathBuf,
        /// Its signature (policy.sig: cosign sign-blob base64, or a Sigstore bundle).
        #[arg(long)]
        signature: std::path::PathBuf,
    },
    /// Revoke an org policy-signing key by name: bundles it signs are refused from now on.
    RevokeKey {
        /// Key name.
        #[arg(long)]
        name: String,
    },
    /// Add an org workflow identity: bundles it signs keylessly verify for every repository.
    #[command(
        after_help = "Example:\n  trust-portal policy add-identity --identity https://github.com/acme/.github/.github/workflows/org.policy.sign.yml@refs/heads/main"
    )]
    AddIdentity {
        /// The certificate identity (SAN) the workflow signs with.
        #[arg(long)]
        identity: String,
        /// Its OIDC issuer.
        #[arg(long, default_value = workflow::GITHUB_ISSUER)]
        issuer: String,
        /// The trusted root its certificates chain to.
        #[arg(long, default_value = "public-good")]
        trusted_root: String,
    },
    /// Remove an org workflow identity (by id, or by identity): bundles it signs are refused from now on.
    RemoveIdentity {
        /// `pks_…` id, or the identity itself.
        #[arg(long)]
        identity: String,
    },
    /// Allow one more signer (a key or a keyless identity) for one repository, with a reason and an expiry.
    #[command(
        after_help = "Examples:\n  trust-portal policy allow-signer --repo globex/ledger-rules --identity https://github.com/globex/ledger-rules/.github/workflows/policy.yml@refs/heads/main --reason \"custom ledger rules until Q3\" --days 30\n  trust-portal policy allow-signer --repo acme/legacy --public-key legacy.pub --reason \"pre-workflow signer\" --days 14"
    )]
    AllowSigner {
        /// Repository, owner/name (a tenant must own it).
        #[arg(long)]
        repo: String,
        /// A PEM public key file (a key signer).
        #[arg(long, conflicts_with = "identity", required_unless_present = "identity")]
        public_key: Option<std::path::PathBuf>,
        /// A keyless identity (a keyless signer).
        #[arg(long)]
        identity: Option<String>,
        /// The keyless identity's OIDC issuer.
        #[arg(long, default_value = workflow::GITHUB_ISSUER)]
        issuer: String,
        /// The keyless identity's trusted root.
        #[arg(long, default_value = "public-good")]
        trusted_root: String,
        /// Why this repository needs another signer.
        #[arg(long)]
        reason: String,
        /// Days until it expires (1 to 90).
        #[arg(long)]
        days: i64,
    },
    /// Revoke a signer override before its expiry.
    RevokeSigner {
        /// `pso_…` id.
        #[arg(long)]
        id: String,
    },
    /// Show or change the rollout: current org policy version, allowed lag, what counts as active,
    /// whether only the org workflow's signatures count.
    #[command(
        after_help = "Example:\n  trust-portal policy rollout --current-version 4 --allowed-lag 1\n  trust-portal policy rollout --require-org-workflow yes"
    )]
    Rollout {
        /// The version every repository should run.
        #[arg(long)]
        current_version: Option<i64>,
        /// How many versions behind still counts as adopted.
        #[arg(long)]
        allowed_lag: Option<i64>,
        /// Days without a release, pack or bundle after which a repository stops counting.
        #[arg(long)]
        active_days: Option<i64>,
        /// yes: only bundles signed by the org workflow count towards adoption; no: any org signer or override.
        #[arg(long)]
        require_org_workflow: Option<String>,
    },
    /// Adoption and every repository's state (exit 1 below the 95% goal).
    Status,
    /// Count a repository as active or not regardless of its activity, or go back to "by activity".
    #[command(
        after_help = "Example:\n  trust-portal policy set-active --tenant acme-robotics --repo acme/old-tool --active no"
    )]
    SetActive {
        /// Tenant handle.
        #[arg(long)]
        tenant: String,
        /// Repository, owner/name.
        #[arg(long)]
        repo: String,
        /// yes, no, or auto (by activity).
        #[arg(long)]
        active: String,
    },
    /// Give a repository name to a tenant: it owns the name (public badge, adoption) and other tenants' uploads for it are refused.
    #[command(after_help = "Example:\n  trust-portal policy assign-repo --repo acme/firmware --tenant acme-robotics")]
    AssignRepo {
        /// Repository, owner/name.
        #[arg(long)]
        repo: String,
        /// Tenant handle.
        #[arg(long)]
        tenant: String,
    },
    /// Print the reusable GitHub Actions workflow (org.policy.sign.yml), with --caller the job that
    /// calls it, or with --release a second repository's hermetic release build with SLSA provenance.
    #[command(
        after_help = "Example:\n  trust-portal policy workflow --portal-url https://portal.example.com > org.policy.sign.yml\n  trust-portal policy workflow --caller --org acme\n  trust-portal policy workflow --release > .github/workflows/release.hermetic.yml"
    )]
    Workflow {
        /// The portal's public URL (default: PORTAL_PUBLIC_URL).
        #[arg(long)]
        portal_url: Option<String>,
        /// Print the caller snippet instead.
        #[arg(long, conflicts_with = "release")]
        caller: bool,
        /// Print the hermetic release workflow (release.hermetic.yml) instead.
        #[arg(long)]
        release: bool,
        /// The GitHub organisation holding the reusable workflow (for --caller).
        #[arg(long, default_value = "ORG")]
        org: String,
    },
}

/// `drill` subcommands.
#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// Rehearse a policy-key rotation against the live database (throwaway keys; every step audited).
    /// Prints the report (Markdown, or JSON with --json); exit 1 if a step failed.
    RotatePolicyKey {
        /// Also write the report to this file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Rehearse a change of the org workflow's keyless identity against the live database
    /// (a throwaway Sigstore instance on this machine signs; every step audited).
    /// Prints the report (Markdown, or JSON with --json); exit 1 if a step failed.
    RotateKeylessIdentity {
        /// Also write the report to this file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
    /// Back up the live database, restore it into a scratch database and check
    /// it (rows of every table, the audit chain); measures the recovery time
    /// and the data-loss window. SQLite: VACUUM INTO; Postgres: pg_dump and
    /// pg_restore (on PATH or under /usr/lib/postgresql, with CREATEDB).
    /// Prints the report; exit 1 if a step failed.
    Restore {
        /// Also write the report to this file.
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

/// Prints the workflow; needs no database.
pub fn workflow(cmd: &PolicyCommand, public_url: Option<&str>) -> Option<Exit> {
    let PolicyCommand::Workflow { portal_url, caller, release, org } = cmd else { return None };
    if *caller {
        print!("{}", workflow::caller_snippet(org));
        eprintln!(
            "org workflow identity to add: trust-portal policy add-identity --identity {} --issuer {}",
            workflow::keyless_identity(org),
            workflow::GITHUB_ISSUER
        );
        return Some(Exit::Success);
    }
    let url = portal_url.as_deref().or(public_url).unwrap_or("https://portal.example.com");
    if *release {
        print!("{}", workflow::release_hermetic_workflow(url));
    } else {
        print!("{}", workflow::reusable_workflow(url));
    }
    Some(Exit::Success)
}

/// Runs a `policy` subcommand.
pub async fn run(state: &AppState, cmd: PolicyCommand, json: bool) -> Exit {
    use app::ssr::policy::ingest;
    const ACTOR: &str = "cli";
    let result: Result<(serde_json::Value, String, bool), AppError> = match cmd {
        PolicyCommand::AddKey { name, public_key, valid_days } => match std::fs::read_to_string(&public_key) {
            Err(e) => Err(AppError::invalid("--public-key", format!("{}: {e}", public_key.display()))),
            Ok(pem) => {
                let not_after = valid_days.map(|d| state.now_ms() + i64::from(d) * 86_400_000);
                ingest::add_policy_key(state, ACTOR, &name, &pem, not_after).await.map(|row| {
                    let v = serde_json::json!({ "name": row.name, "key_id": row.key_id });
                    (v, "policy-signing key added".into(), true)
                })
            }
        },
        PolicyCommand::Publish { version, bundle, signature } => {
            match (std::fs::read(&bundle), std::fs::read_to_string(&signature)) {
                (Err(e), _) => Err(AppError::invalid("--bundle", format!("{}: {e}", bundle.display()))),
                (_, Err(e)) => Err(AppError::invalid("--signature", format!("{}: {e}", signature.display()))),
                (Ok(b), Ok(sig)) => ingest::publish_release(state, ACTOR, version, b, sig).await.map(|r| {
                    let v = serde_json::json!({ "version": r.version, "sha256": r.sha256 });
                    (v, format!("policy version {} published", r.version), true)
                }),
            }
        }
        PolicyCommand::RevokeKey { name } => ingest::revoke_policy_key(state, ACTOR, &name)
            .await
            .map(|k| (serde_json::json!({ "revoked": k.name }), "policy-signing key revoked".into(), true)),
        PolicyCommand::AddIdentity { identity, issuer, trusted_root } => {
            app::ssr::policy::identities::add(state, ACTOR, &identity, &issuer, &trusted_root).await.map(|s| {
                let v = serde_json::json!({ "id": s.id, "identity": s.identity, "issuer": s.issuer, "trusted_root": s.trusted_root });
                (v, "org workflow identity added".into(), true)
            })
        }
        PolicyCommand::RemoveIdentity { identity } => {
            app::ssr::policy::identities::remove(state, ACTOR, &identity).await.map(|s| {
                (serde_json::json!({ "removed": s.id, "identity": s.identity }), "org workflow identity removed".into(), true)
            })
        }
        PolicyCommand::AllowSigner { repo, public_key, identity, issuer, trusted_root, reason, days } => {
            use app::ssr::policy::overrides::{NewOverride, OverrideSigner};
            let signer = match (public_key, identity) {
                (Some(path), _) => std::fs::read_to_string(&path)
                    .map(|pem| OverrideSigner::Key { pem })
                    .map_err(|e| AppError::invalid("--public-key", format!("{}: {e}", path.display()))),
                (None, Some(identity)) => Ok(OverrideSigner::Keyless { identity, issuer, trusted_root }),
                (None, None) => Err(AppError::invalid("--identity", "give --public-key or --identity")),
            };
            match signer {
                Err(e) => Err(e),
                Ok(signer) => app::ssr::policy::overrides::allow(state, ACTOR, NewOverride { repo, signer, reason, days })
                    .await
                    .map(|o| {
                        let v = serde_json::json!({ "id": o.id, "signer": o.signer(), "expires_at": o.expires_at });
                        (v, "signer override allowed".into(), true)
                    }),
            }
        }
        PolicyCommand::RevokeSigner { id } => app::ssr::policy::overrides::revoke(state, ACTOR, &id)
            .await
            .map(|o| (serde_json::json!({ "revoked": o.id }), "signer override revoked".into(), true)),
        PolicyCommand::Rollout { current_version, allowed_lag, active_days, require_org_workflow } => {
            async {
                let require_org_workflow = match require_org_workflow.as_deref() {
                    None => None,
                    Some("yes") => Some(true),
                    Some("no") => Some(false),
                    Some(other) => {
                        return Err(AppError::invalid("--require-org-workflow", format!("{other:?}: use yes or no")));
                    }
                };
                let change = ingest::RolloutChange { current_version, allowed_lag, active_days, require_org_workflow };
                let r = ingest::set_rollout(state, ACTOR, change).await?;
                let v = serde_json::json!({
                    "current_version": r.current_version, "allowed_lag": r.allowed_lag,
                    "active_days": r.active_days, "require_org_workflow": r.require_org_workflow != 0,
                });
                Ok((v, "rollout settings".into(), true))
            }
            .await
        }
        PolicyCommand::SetActive { tenant, repo, active } => {
            async {
                let active = match active.as_str() {
                    "yes" => Some(true),
                    "no" => Some(false),
                    "auto" => None,
                    other => return Err(AppError::invalid("--active", format!("{other:?}: use yes, no or auto"))),
                };
                let org = state
                    .db
                    .org_by_slug(&tenant)
                    .await?
                    .filter(|o| o.kind == "tenant")
                    .ok_or_else(|| AppError::invalid("--tenant", format!("no tenant {tenant:?}")))?;
                ingest::set_repo_active(state, ACTOR, &org.id, &repo, active).await?;
                Ok((serde_json::json!({ "repo": repo, "active": active }), "repository updated".into(), true))
            }
            .await
        }
        PolicyCommand::AssignRepo { repo, tenant } => {
            ingest::assign_repo(state, ACTOR, &repo, &tenant).await.map(|row| {
                let proof = row.proof.unwrap_or_default();
                (
                    serde_json::json!({ "repo": repo, "tenant": tenant, "proof": proof }),
                    format!("{repo} now belongs to {tenant}"),
                    true,
                )
            })
        }
        PolicyCommand::Status => app::ssr::policy::status::report(state, None).await.map(|r| {
            let mut text = format!(
                "adoption {} ({} of {} active repositories on v{}, lag {}): {:?}\n",
                r.adoption.percent_text(),
                r.adoption.adopted,
                r.adoption.active,
                r.current_version,
                r.allowed_lag,
                r.adoption.colour()
            );
            for repo in &r.repos {
                text.push_str(&format!(
                    "  {:<12} {:<14} {:<30} {:<4} {:<13}{}\n",
                    repo.state.as_str(),
                    repo.tenant,
                    repo.repo,
                    repo.version.map(|v| format!("v{v}")).unwrap_or_default(),
                    repo.signer_kind.map(|k| k.short()).unwrap_or_default(),
                    repo.reason.as_deref().map(|w| format!("  ({w})")).unwrap_or_default()
                ));
            }
            text.push_str("signers:\n");
            for s in &r.org_signers {
                text.push_str(&format!("  {:<12} {} ({})\n", s.kind.short(), s.name, s.detail));
            }
            for o in r.overrides.iter().filter(|o| o.state == app::domain::policy_signers::OverrideState::Active) {
                text.push_str(&format!(
                    "  override     {} for {} until {}: {}\n",
                    o.signer,
                    o.repo,
                    app::domain::period::display_time(o.expires_at),
                    o.reason
                ));
            }
            let met = r.adoption.colour() == app::domain::adoption::BadgeColour::Green;
            (serde_json::to_value(&r).unwrap_or_default(), text, met)
        }),
        PolicyCommand::Workflow { .. } => return Exit::Success, // handled without a database
    };
    match result {
        Ok((value, text, ok)) => {
            if json {
                println!("{value}");
            } else if text.ends_with('\n') {
                print!("{text}");
            } else {
                println!("{text}: {value}");
            }
            if ok { Exit::Success } else { Exit::Failed }
        }
        Err(e) => {
            eprintln!("error: {}", e.message);
            Exit::Usage
        }
    }
}

/// Runs a `drill` subcommand.
pub async fn drill(state: &AppState, cmd: DrillCommand, json: bool) -> Exit {
    let (run, out) = match cmd {
        DrillCommand::RotatePolicyKey { out } => (app::ssr::policy::drill::rotate_policy_key(state, "cli").await, out),
        DrillCommand::RotateKeylessIdentity { out } => {
            (app::ssr::policy::keyless_drill::rotate_keyless_identity(state, "cli").await, out)
        }
        DrillCommand::Restore { out } => (app::ssr::audit_kit::restore::run(state, "cli").await, out),
    };
    match run {
        Ok(report) => {
            let md = report.to_markdown();
            if let Some(path) = out
                && let Err(e) = std::fs::write(&path, &md)
            {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Exit::Usage;
            }
            if json {
                println!("{}", serde_json::to_string(&report).unwrap_or_default());
            } else {
                print!("{md}");
            }
            if report.passed { Exit::Success } else { Exit::Failed }
        }
        Err(e) => {
            eprintln!("error: {}", e.message);
            Exit::Unavailable
        }
    }
}
