//! `trust-portal audit …`: audit engagements from the operator's terminal
//! (against the database, as the operator's `cli` actor, through the same
//! services and audit log as the portal), and `trust-portal signoff verify`,
//! which checks a `signoff.zip` offline against the published key set.

use super::output::{Exit, report};
use app::domain::{AppError, OrgKind, Role};
use app::ssr::AppState;
use app::ssr::audit_kit::engagements::{self, NewEngagement, ScopeInput};
use app::ssr::audit_kit::{invitations, signoff, views};
use app::ssr::identity::auth::Principal;
use std::path::PathBuf;

/// `audit` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// List engagements with their status.
    List,
    /// Open an engagement (scoping).
    #[command(
        after_help = "Example:\n  trust-portal audit open --name 'Dry-run Q2' --firm 'Northwind Assurance' \\\n    --from 2026-04-01 --to 2026-06-30 --access-until 2026-07-31 --tenants acme-robotics,globex"
    )]
    Open {
        /// Name.
        #[arg(long)]
        name: String,
        /// Audit firm.
        #[arg(long)]
        firm: String,
        /// First day under review (YYYY-MM-DD).
        #[arg(long)]
        from: String,
        /// Last day under review (YYYY-MM-DD).
        #[arg(long)]
        to: String,
        /// Last day auditors have access (YYYY-MM-DD).
        #[arg(long)]
        access_until: String,
        /// Tenant slugs in scope, comma-separated.
        #[arg(long, value_delimiter = ',')]
        tenants: Vec<String>,
        /// Repositories in scope (owner/name), comma-separated; none: every repository of those tenants.
        #[arg(long, value_delimiter = ',')]
        repos: Vec<String>,
        /// The scope document (Markdown); the sprint's template when omitted.
        #[arg(long)]
        scope_file: Option<PathBuf>,
    },
    /// Start fieldwork: the scope is locked from now on.
    Start {
        /// The engagement (`eng_…`).
        engagement: String,
    },
    /// Invite an auditor; prints the invitation link (shown once).
    Invite {
        /// The engagement (`eng_…`).
        engagement: String,
        /// The auditor's e-mail.
        #[arg(long)]
        email: String,
        /// The auditor's name.
        #[arg(long)]
        name: String,
    },
    /// The checklist, evaluated now from live evidence; exit 1 unless every item passed.
    Checklist {
        /// The engagement (`eng_…`).
        engagement: String,
    },
    /// Build the sign-off pack from the engagement's state now.
    Signoff {
        /// The engagement (`eng_…`).
        engagement: String,
        /// Where to write signoff.zip.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `signoff` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum SignoffCommand {
    /// Check a signoff.zip offline: the manifest's signature against the
    /// published key set, every file's SHA-256, and the compliance pack inside.
    /// Exit 0 verified, 1 a file is wrong (named), 2 bad input.
    #[command(
        after_help = "Example:\n  curl -o keys.json https://portal.example/.well-known/trust-portal/receipt-keys.json\n  trust-portal signoff verify --keys keys.json signoff.zip"
    )]
    Verify {
        /// The published key set (`receipt-keys.json`) or one PEM public key.
        #[arg(long)]
        keys: PathBuf,
        /// The pack.
        pack: PathBuf,
    },
}

/// The operator as the CLI acts for it: an operator admin named `cli`.
async fn operator(state: &AppState) -> Result<Principal, AppError> {
    let org = state
        .db
        .operator_org()
        .await?
        .ok_or_else(|| AppError::not_found("Operator organisation (run `trust-portal demo seed` or create it)"))?;
    Ok(Principal {
        user_id: "cli".into(),
        email: "cli".into(),
        name: "Command line".into(),
        role: Role::OperatorAdmin,
        org_id: org.id,
        org_name: org.name,
        org_kind: OrgKind::Operator,
        expires_at: None,
        session_hash: String::new(),
        audit: None,
    })
}

/// Runs an `audit` subcommand.
pub async fn run(state: &AppState, cmd: AuditCommand, json: bool) -> Exit {
    let p = match operator(state).await {
        Ok(p) => p,
        Err(e) => return report(json, Err(e), ""),
    };
    match cmd {
        AuditCommand::List => {
            let r = views::cards(state, &p).await.map(|cards| serde_json::to_value(&cards).unwrap_or_default());
            if !json && let Ok(list) = &r {
                for c in list.as_array().into_iter().flatten() {
                    println!(
                        "{}  {}  [{}]  checklist {}/{}  findings open {}  rule {}",
                        c["id"].as_str().unwrap_or(""),
                        c["name"].as_str().unwrap_or(""),
                        c["state"].as_str().unwrap_or(""),
                        c["checklist"][0],
                        c["checklist"][1],
                        c["open_findings"],
                        if c["rule"]["passed"] == true { "met" } else { "not met" }
                    );
                }
                return Exit::Success;
            }
            report(json, r, "")
        }
        AuditCommand::Open { name, firm, from, to, access_until, tenants, repos, scope_file } => {
            let document = match scope_file {
                Some(path) => match std::fs::read_to_string(&path) {
                    Ok(d) => d,
                    Err(e) => {
                        return report(
                            json,
                            Err(AppError::invalid("--scope-file", format!("{}: {e}", path.display()))),
                            "",
                        );
                    }
                },
                None => app::domain::audit_kit::SCOPE_TEMPLATE.to_owned(),
            };
            let new = NewEngagement {
                name,
                firm,
                period_start: from,
                period_end: to,
                access_ends: access_until,
                scope: ScopeInput { tenants, repos, document },
            };
            let r =
                engagements::open(state, &p, new).await.map(|e| serde_json::json!({ "id": e.id, "state": e.state }));
            report(json, r, "engagement opened (scoping)")
        }
        AuditCommand::Start { engagement } => {
            let r = engagements::start(state, &p, &engagement)
                .await
                .map(|e| serde_json::json!({ "id": e.id, "state": e.state }));
            report(json, r, "fieldwork started; the scope is locked")
        }
        AuditCommand::Invite { engagement, email, name } => {
            let r = invitations::invite(state, &p, &engagement, &email, &name).await.map(|i| {
                let base = state.config.public_url.clone().unwrap_or_default();
                serde_json::json!({ "invitation": i.row.id, "link": format!("{}/audit-invite/{}", base.trim_end_matches('/'), i.token) })
            });
            report(json, r, "invitation created; send this link to the auditor (shown once)")
        }
        AuditCommand::Checklist { engagement } => match views::checklist(state, &p, &engagement).await {
            Err(e) => report(json, Err(e), ""),
            Ok(c) => {
                if json {
                    println!("{}", serde_json::to_string(&c).unwrap_or_default());
                } else {
                    for i in &c.items {
                        println!("[{}] {}: {}", i.status.as_str(), i.title, i.reason);
                    }
                    println!("{} of {} passed", c.passed, c.items.len());
                }
                if c.passed == c.items.len() { Exit::Success } else { Exit::Failed }
            }
        },
        AuditCommand::Signoff { engagement, out } => {
            let r = match signoff::build(state, &p, &engagement).await {
                Err(e) => Err(e),
                Ok(built) => match std::fs::write(&out, &built.zip) {
                    Ok(()) => Ok(
                        serde_json::json!({ "file": out.display().to_string(), "sha256": built.sha256, "bytes": built.zip.len() }),
                    ),
                    Err(e) => Err(AppError::invalid("--out", format!("{}: {e}", out.display()))),
                },
            };
            report(json, r, "sign-off pack written")
        }
    }
}

/// Runs `signoff verify` (offline: no configuration or database).
pub fn verify(cmd: &SignoffCommand, json: bool) -> Exit {
    let SignoffCommand::Verify { keys, pack } = cmd;
    let input = (|| -> Result<(Vec<u8>, app::ssr::verification::receipts::PublishedKeys), String> {
        let zip = std::fs::read(pack).map_err(|e| format!("{}: {e}", pack.display()))?;
        let text = std::fs::read_to_string(keys).map_err(|e| format!("{}: {e}", keys.display()))?;
        Ok((zip, app::ssr::verification::receipts::keys_from_text(&text)?))
    })();
    let (zip, keys) = match input {
        Ok(v) => v,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
    };
    match signoff::verify(&zip, &keys) {
        Ok(v) => {
            let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&zip));
            if json {
                println!(
                    "{}",
                    serde_json::json!({"verified": true, "sha256": sha256, "keyid": v.keyid, "compliance_keyid": v.compliance_keyid,
                        "files": v.manifest.files.len(), "about": v.manifest.about})
                );
            } else {
                println!(
                    "Sign-off pack OK: {} files, signed by {} (compliance pack by {})\n  engagement {} ({}), state as of {}\n  sha256 {sha256}",
                    v.manifest.files.len(),
                    v.keyid,
                    v.compliance_keyid,
                    v.manifest.about.get("engagement").map_or("?", String::as_str),
                    v.manifest.about.get("name").map_or("?", String::as_str),
                    v.manifest.about.get("as_of").map_or("?", String::as_str),
                );
            }
            Exit::Success
        }
        Err(problem) => {
            if json {
                println!("{}", serde_json::json!({"verified": false, "file": problem.file, "problem": problem.why}));
            }
            eprintln!("rejected: {}: {}", problem.file, problem.why);
            Exit::Failed
        }
    }
}
