//! The command-line interface. Exit codes: 0 success; 1 the operation failed
//! (e.g. the audit chain is broken); 2 bad usage or invalid input; 3 bad
//! configuration; 4 the database is unavailable.

use crate::{demo, startup, telemetry};
use app::domain::{AppError, ErrorCode, OrgKind, Role};
use app::ssr::AppState;
use app::ssr::config::PortalConfig;
use app::ssr::store::Db;
use clap::{Parser, Subcommand};
use std::io::BufRead;
use std::process::ExitCode;

const LEPTOS_TOML: &str = "Leptos.toml";

/// Trust Portal: verified supply-chain evidence for partners, finance and auditors.
#[derive(Debug, Parser)]
#[command(
    name = "trust-portal",
    version,
    after_help = "Settings come from Leptos.toml and PORTAL_* environment variables (see .env.example).\nExit codes: 0 ok, 1 operation failed, 2 bad usage or input, 3 bad configuration, 4 database unavailable."
)]
pub struct Cli {
    /// Print results as JSON (for scripts).
    #[arg(long, global = true)]
    pub json: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the portal (address from LEPTOS_SITE_ADDR, database from PORTAL_DATABASE_URL).
    #[command(
        after_help = "Example:\n  LEPTOS_SITE_ADDR=127.0.0.1:3005 PORTAL_DATABASE_URL=sqlite:data/second.db trust-portal serve"
    )]
    Serve,
    /// Create or upgrade the database schema and exit.
    Migrate,
    /// Administration.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Demo data.
    #[command(subcommand)]
    Demo(DemoCommand),
    /// The hash-chained audit log.
    #[command(subcommand, name = "audit-log")]
    AuditLog(AuditLogCommand),
    /// Verify a Sigstore bundle offline (keyless with identity + issuer, or with a key).
    VerifyBundle(crate::verify_cli::VerifyBundleArgs),
    /// Verify a cosign sign-blob signature offline with a public key.
    VerifyBlob(crate::verify_cli::VerifyBlobArgs),
    /// Verify an in-toto/SLSA attestation in a DSSE envelope offline with a public key.
    VerifyAttestation(crate::verify_cli::VerifyAttestationArgs),
    /// Verify a receipt issued by a portal offline with its published key.
    VerifyReceipt(crate::verify_cli::VerifyReceiptArgs),
    /// Generate an ECDSA P-256 signing key pair (for packs and sign-blob style signatures).
    Keygen(crate::pack_cli::KeygenArgs),
    /// Build or verify evidence packs offline.
    #[command(subcommand)]
    Pack(crate::pack_cli::PackCommand),
    /// Invoice previews.
    #[command(subcommand)]
    Invoice(crate::invoice_cli::InvoiceCommand),
    /// The billing ledger: reconciliation, posting, dead letters.
    #[command(subcommand)]
    Billing(crate::invoice_cli::BillingCommand),
    /// Signed policy bundles: policy-signing keys, rollout, adoption, the signing workflow.
    #[command(subcommand)]
    Policy(crate::policy_cli::PolicyCommand),
    /// Rehearsals: the policy-key rotation drill.
    #[command(subcommand)]
    Drill(crate::policy_cli::DrillCommand),
    /// Onboard your company with an invitation: walks the five steps against a running portal, resuming where you (or the browser) stopped.
    Onboard(crate::onboard_cli::OnboardArgs),
    /// Invitations for partner onboarding (operator).
    #[command(subcommand)]
    Invite(crate::onboard_cli::InviteCommand),
}

/// `admin` subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create a tenant.
    #[command(after_help = "Example:\n  trust-portal admin create-tenant --name 'Initech' --slug initech --plan pro")]
    CreateTenant {
        /// Display name.
        #[arg(long)]
        name: String,
        /// URL-safe handle (3-40 of a-z, 0-9, -).
        #[arg(long)]
        slug: String,
        /// starter, pro or enterprise.
        #[arg(long, default_value = "starter")]
        plan: String,
    },
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
        /// operator_admin, security, finance, auditor, tenant_admin or tenant_member.
        #[arg(long)]
        role: String,
        /// Slug of the organisation (the operator's for operator roles and auditors).
        #[arg(long)]
        org: String,
        /// Days until access ends (required for auditors).
        #[arg(long)]
        expires_in_days: Option<i64>,
    },
    /// Write an online, consistent copy of the SQLite database to PATH.
    #[command(
        after_help = "Example:\n  trust-portal admin backup backups/portal-$(date +%F).db\nRestore: stop the portal, copy the backup over the database file (removing any -wal/-shm files), start it."
    )]
    Backup {
        /// Where to write the copy (must not exist).
        path: String,
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
    SetPrice {
        /// starter, pro or enterprise.
        #[arg(long)]
        plan: String,
        /// attestation.verify or portal.download.
        #[arg(long)]
        event: String,
        /// Dollars per unit, e.g. 0.0025.
        #[arg(long)]
        price: String,
        /// First month it applies to, YYYY-MM (UTC).
        #[arg(long)]
        from: String,
    },
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

/// `demo` subcommands.
#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Create the demo organisations and logins (skipped if already there).
    Seed,
}

/// `audit-log` subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditLogCommand {
    /// Check every entry's hash and link; exit 1 and name the first bad entry if the chain is broken.
    Verify,
}

/// Runs the CLI.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Verification is offline and self-contained: no configuration or database.
    match &cli.command {
        Command::VerifyBundle(args) => return crate::verify_cli::verify_bundle(args, cli.json),
        Command::VerifyBlob(args) => return crate::verify_cli::verify_blob(args, cli.json),
        Command::VerifyAttestation(args) => return crate::verify_cli::verify_attestation(args, cli.json),
        Command::VerifyReceipt(args) => return crate::verify_cli::verify_receipt(args, cli.json),
        Command::Keygen(args) => return crate::pack_cli::keygen(args, cli.json),
        Command::Pack(cmd) => return crate::pack_cli::pack(cmd, cli.json),
        Command::Onboard(args) => return crate::onboard_cli::onboard(args, cli.json),
        _ => {}
    }
    let config = match PortalConfig::load(LEPTOS_TOML) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    // The workflow generator needs the configuration (public URL) but no database.
    if let Command::Policy(cmd) = &cli.command
        && let Some(code) = crate::policy_cli::workflow(cmd, config.public_url.as_deref())
    {
        return code;
    }
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(run(cli, config))
}

async fn run(cli: Cli, config: PortalConfig) -> ExitCode {
    match cli.command {
        Command::Serve => serve(config).await,
        command => {
            let state = match open_state(config).await {
                Ok(s) => s,
                Err(code) => return code,
            };
            let code = match command {
                Command::Migrate => {
                    report(cli.json, Ok(serde_json::json!({ "migrated": true })), "database is up to date")
                }
                Command::Demo(DemoCommand::Seed) => seed(&state, cli.json).await,
                Command::Admin(a) => admin(&state, a, cli.json).await,
                Command::AuditLog(AuditLogCommand::Verify) => verify_audit(&state, cli.json).await,
                Command::Invoice(cmd) => crate::invoice_cli::run(&state, cmd, cli.json).await,
                Command::Billing(cmd) => crate::invoice_cli::billing(&state, cmd, cli.json).await,
                Command::Policy(cmd) => crate::policy_cli::run(&state, cmd, cli.json).await,
                Command::Drill(cmd) => crate::policy_cli::drill(&state, cmd, cli.json).await,
                Command::Invite(cmd) => crate::onboard_cli::invite(&state, cmd, cli.json).await,
                // Handled above, before any configuration is read.
                Command::Serve
                | Command::VerifyBundle(_)
                | Command::VerifyBlob(_)
                | Command::VerifyAttestation(_)
                | Command::VerifyReceipt(_)
                | Command::Keygen(_)
                | Command::Pack(_)
                | Command::Onboard(_) => ExitCode::SUCCESS,
            };
            state.db.close().await;
            code
        }
    }
}

async fn open_state(config: PortalConfig) -> Result<AppState, ExitCode> {
    let options = startup::leptos_options(LEPTOS_TOML).map_err(|e| {
        eprintln!("error: {e}");
        ExitCode::from(3)
    })?;
    let db = Db::connect(&config.database_url).await.map_err(|e| {
        eprintln!("error: database {}: {e}", config.database_url.redacted());
        ExitCode::from(4)
    })?;
    Ok(AppState::new(db, config, options))
}

async fn serve(config: PortalConfig) -> ExitCode {
    let options = match startup::leptos_options(LEPTOS_TOML) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(3);
        }
    };
    let db_url = config.database_url.redacted();
    let portal = match startup::Portal::build(config, options).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(4);
        }
    };
    match portal.local_addr() {
        Ok(addr) => tracing::info!(%addr, database = %db_url, "Trust Portal listening on http://{addr}"),
        Err(e) => tracing::warn!(error = %e, "cannot read the bound address"),
    }
    match portal.serve(startup::shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: server failed: {e}");
            ExitCode::from(1)
        }
    }
}

async fn seed(state: &AppState, json: bool) -> ExitCode {
    let result = match demo::seed(state).await {
        Ok(true) => demo::seed_evidence(state).await.map(|()| true),
        other => other,
    }
    .map(|seeded| serde_json::json!({ "seeded": seeded, "password": demo::DEMO_PASSWORD, "logins": demo::LOGINS }));
    let human = match &result {
        Ok(v) if v["seeded"] == true => "demo data created",
        _ => "demo data already present",
    };
    report(json, result, human)
}

async fn admin(state: &AppState, cmd: AdminCommand, json: bool) -> ExitCode {
    match cmd {
        AdminCommand::CreateTenant { name, slug, plan } => {
            let r = app::ssr::identity::accounts::create_org(state, "cli", OrgKind::Tenant, &name, &slug, Some(&plan))
                .await
                .map(|o| serde_json::json!({ "id": o.id, "slug": o.slug, "plan": o.plan }));
            report(json, r, "tenant created")
        }
        AdminCommand::CreateUser { email, name, role, org, expires_in_days } => {
            let role = match Role::parse(&role) {
                Ok(r) => r,
                Err(e) => return report(json, Err(AppError::invalid("--role", e)), ""),
            };
            let mut password = String::new();
            if std::io::stdin().lock().read_line(&mut password).is_err() {
                return report(json, Err(AppError::invalid("password", "could not read standard input")), "");
            }
            let password = password.trim_end_matches(['\r', '\n']).to_owned();
            let new = app::ssr::identity::accounts::NewUser {
                email: &email,
                name: &name,
                role,
                password,
                org_slug: &org,
                expires_in_days,
            };
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
        AdminCommand::SetPrice { plan, event, price, from } => {
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
            if std::path::Path::new(&path).exists() {
                return report(json, Err(AppError::invalid("PATH", format!("{path} exists; choose a new file"))), "");
            }
            let r = state
                .db
                .backup_sqlite(&path)
                .await
                .map(|()| serde_json::json!({ "backup": path }))
                .map_err(|e| AppError::new(ErrorCode::InvalidInput, format!("backup failed: {e}")));
            report(json, r, "backup written")
        }
    }
}

async fn verify_audit(state: &AppState, json: bool) -> ExitCode {
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
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("error: database: {e}");
            ExitCode::from(4)
        }
    }
}

/// Prints a result (JSON or a human line) and picks the exit code.
pub(crate) fn report(json: bool, result: Result<serde_json::Value, AppError>, human: &str) -> ExitCode {
    match result {
        Ok(v) => {
            if json {
                println!("{v}");
            } else {
                println!("{human}");
                if let Some(obj) = v.as_object() {
                    for (k, val) in obj {
                        if k != "logins" {
                            println!("  {k}: {}", val.as_str().map_or_else(|| val.to_string(), str::to_owned));
                        }
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": { "code": e.code, "message": e.message } }));
            } else {
                eprintln!("error: {}", e.message);
            }
            match e.code {
                ErrorCode::InvalidInput | ErrorCode::Conflict | ErrorCode::NotFound => ExitCode::from(2),
                _ => ExitCode::from(1),
            }
        }
    }
}
