//! `admin` and `audit-log`: tenants, users, receipt keys, prices, trusted
//! roots, backups, and checking the audit chain.

use super::output::{Exit, report};
use app::domain::{AppError, OrgKind, Role};
use app::ssr::AppState;
use clap::Subcommand;
use std::io::BufRead;

/// `admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a tenant.
    #[command(after_help = "Example:\n  trust-portal admin create-tenant --name 'Initech' --slug initech --plan pro")]
    CreateTenant(TenantArgs),
    /// Create a user. The password is read from standard input (one line), never from the command line.
    #[command(
        after_help = "Example:\n  echo 'a-long-password' | trust-portal admin create-user --email ops@example.com --name Ops --role operator_admin --org topicality"
    )]
    CreateUser {
        /// Login e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// operator_admin, security, finance, tenant_admin or tenant_member (auditors join an engagement: `audit invite`).
        #[arg(long)]
        role: String,
        /// Slug of the organisation (the operator's for operator roles).
        #[arg(long)]
        org: String,
    },
    /// Write an online, consistent backup to PATH (SQLite: VACUUM INTO; Postgres: pg_dump on an
    /// exported snapshot) with every table's row count in PATH.manifest.json.
    #[command(
        after_help = "Example:\n  trust-portal admin backup backups/portal-$(date +%F).db\n  trust-portal admin restore backups/portal-2026-12-07.db --into sqlite:data/restored.db"
    )]
    Backup {
        /// Where to write the copy (must not exist).
        path: String,
    },
    /// Restore a backup into a new SQLite file or an empty Postgres database, then check it:
    /// it opens with this version's schema, every table has the manifest's rows, and the
    /// audit chain verifies. Exit 2 when it does not.
    #[command(
        after_help = "Example:\n  trust-portal admin restore backups/portal.dump --into postgres://portal@db/portal_restored\nThen point PORTAL_DATABASE_URL at it and start the portal."
    )]
    Restore {
        /// The backup (its manifest beside it).
        path: String,
        /// `sqlite:FILE` (a new file) or `postgres://…/DB` (an empty database).
        #[arg(long)]
        into: String,
    },
    /// Start signing receipts with a new Ed25519 key; the old one is retired but stays published.
    #[command(
        after_help = "Example:\n  trust-portal admin rotate-receipt-key\nRunning servers pick up the new key within a minute."
    )]
    RotateReceiptKey,
    /// Add a price version: a plan's unit price for an event from a month on (this month or later).
    #[command(
        after_help = "Example:\n  trust-portal admin set-price --plan pro --event attestation.verify --price 0.004 --from 2027-01\nPrices are dollars with up to 6 decimals; each invoice line is rounded once to cents, half-up."
    )]
    SetPrice(PriceArgs),
    /// Add a trusted root (trusted_root.json) that bundles and policies can name.
    #[command(
        after_help = "Example:\n  trust-portal admin add-trusted-root --name acme-private acme_trusted_root.json"
    )]
    AddTrustedRoot {
        /// Name (lower-case letters, digits, dashes).
        #[arg(long)]
        name: String,
        /// The trusted_root.json file.
        path: std::path::PathBuf,
    },
}

/// `audit-log` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditLogCommand {
    /// Check every entry's hash and link; exit 1 and name the first bad entry if the chain is broken.
    Verify,
}

/// Runs one `admin` subcommand.
pub async fn run(state: &AppState, cmd: AdminCommand, json: bool) -> Exit {
    match cmd {
        AdminCommand::CreateTenant(TenantArgs { name, slug, plan }) => {
            let r = app::ssr::identity::accounts::create_org(state, "cli", OrgKind::Tenant, &name, &slug, Some(&plan))
                .await
                .map(|o| serde_json::json!({ "id": o.id, "slug": o.slug, "plan": o.plan }));
            report(json, r, "tenant created")
        }
        AdminCommand::CreateUser { email, name, role, org } => {
            let role = match Role::parse(&role) {
                Ok(r) => r,
                Err(e) => return report(json, Err(AppError::invalid("--role", e)), ""),
            };
            let mut password = String::new();
            if std::io::stdin().lock().read_line(&mut password).is_err() {
                return report(json, Err(AppError::invalid("password", "could not read standard input")), "");
            }
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let new =
                app::ssr::identity::accounts::NewUser { email: &email, name: &name, role, password, org_slug: &org };
            let r = app::ssr::identity::accounts::create_user(state, "cli", new).await.map(
                |u| serde_json::json!({ "id": u.id, "email": u.email, "role": u.role, "expires_at": u.expires_at }),
            );
            report(json, r, "user created")
        }
        AdminCommand::RotateReceiptKey => {
            let id = state.new_id(app::domain::ids::ReceiptKeyId::from_parts);
            let r = state
                .receipt_keys
                .rotate(&state.db, state.now_ms(), id)
                .await
                .map(|id| serde_json::json!({ "receipt_key": id }))
                .map_err(app::ssr::error::log_internal);
            report(json, r, "receipt key rotated")
        }
        AdminCommand::SetPrice(PriceArgs { plan, event, price, from }) => {
            let r = app::ssr::billing::pricing::add_price(state, "cli", &plan, &event, &price, &from).await.map(|p| {
                serde_json::json!({ "id": p.id, "plan": p.plan, "event": p.event, "unit_price_micros": p.unit_price_micros, "from": from })
            });
            report(json, r, "price version added")
        }
        AdminCommand::AddTrustedRoot { name, path } => {
            let text = match std::fs::read_to_string(&path) {
                Ok(t) => t,
                Err(e) => {
                    return report(
                        json,
                        Err(AppError::invalid("PATH", format!("cannot read {}: {e}", path.display()))),
                        "",
                    );
                }
            };
            let r = app::ssr::verification::trust::add_trusted_root(state, "cli", &name, &text)
                .await
                .map(|r| serde_json::json!({ "id": r.id, "name": r.name, "sha256": r.sha256 }));
            report(json, r, "trusted root added")
        }
        AdminCommand::Backup { path } => {
            let url = state.config.database_url.as_str();
            let r =
                app::ssr::backup::write(&state.db, url, std::path::Path::new(&path), state.now_ms()).await.map(|m| {
                    let rows: i64 = m.tables.values().sum();
                    serde_json::json!({ "backup": path, "backend": m.backend, "tables": m.tables.len(), "rows": rows })
                });
            report(json, r, "backup written (with its manifest beside it)")
        }
        AdminCommand::Restore { path, into } => {
            let r = app::ssr::backup::restore(std::path::Path::new(&path), &into).await.map(|done| {
                serde_json::json!({ "restored": into, "tables": done.tables, "rows": done.rows,
                    "audit_entries_verified": done.audit_entries })
            });
            report(json, r, "restored and checked: every table's rows match the manifest and the audit chain verifies")
        }
    }
}

/// Checks the audit chain (`audit-log verify`).
pub async fn verify_audit(state: &AppState, json: bool) -> Exit {
    match app::ssr::audit::verify_chain(&state.db).await {
        Ok(Ok(n)) => report(
            json,
            Ok(serde_json::json!({ "intact": true, "entries": n })),
            &format!("audit log intact: {n} entries verified"),
        ),
        Ok(Err(brk)) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "intact": false, "seq": brk.seq, "id": brk.id, "reason": brk.reason })
                );
            } else {
                eprintln!("error: {brk}");
            }
            Exit::Failed
        }
        Err(e) => {
            eprintln!("error: database: {e}");
            Exit::Unavailable
        }
    }
}

/// A price version, for `admin set-price` and `console prices add`.
#[derive(Debug, Clone, clap::Args)]
pub struct PriceArgs {
    /// starter, pro or enterprise.
    #[arg(long)]
    pub plan: String,
    /// attestation.verify or portal.download.
    #[arg(long)]
    pub event: String,
    /// Dollars per unit, e.g. 0.0025.
    #[arg(long)]
    pub price: String,
    /// First month it applies to, YYYY-MM (UTC; this month or later).
    #[arg(long)]
    pub from: String,
}

/// A tenant to create, for `admin create-tenant` and `console tenants create`.
#[derive(Debug, Clone, clap::Args)]
pub struct TenantArgs {
    /// Display name.
    #[arg(long)]
    pub name: String,
    /// URL-safe handle (3-40 of a-z, 0-9, -).
    #[arg(long)]
    pub slug: String,
    /// starter, pro or enterprise.
    #[arg(long, default_value = "starter")]
    pub plan: String,
}
