//! The command-line interface. Exit codes: 0 success; 1 the operation failed
//! (e.g. the audit chain is broken); 2 bad usage or invalid input; 3 bad
//! configuration; 4 the database is unavailable.

pub mod admin;
pub mod audit;
pub mod console;
pub mod demo;
pub mod demo_invoice;
pub mod demo_policy;
pub mod demo_usage;
pub mod demo_webhooks;
pub mod invoice;
pub mod okrs;
pub mod onboard;
pub mod output;
pub mod pack;
pub mod policy;
pub mod release;
pub mod remote;
pub mod slo;
pub mod verify;

use crate::{startup, telemetry};
use app::ssr::AppState;
use app::ssr::config::PortalConfig;
use app::ssr::store::Db;
use clap::{Parser, Subcommand};
use output::{Exit, report};

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
    Admin(admin::AdminCommand),
    /// Demo data.
    #[command(subcommand)]
    Demo(demo::DemoCommand),
    /// The hash-chained audit log.
    #[command(subcommand, name = "audit-log")]
    AuditLog(admin::AuditLogCommand),
    /// Verify a Sigstore bundle offline (keyless with identity + issuer, or with a key).
    VerifyBundle(verify::VerifyBundleArgs),
    /// Verify a cosign sign-blob signature offline with a public key.
    VerifyBlob(verify::VerifyBlobArgs),
    /// Verify an in-toto/SLSA attestation in a DSSE envelope offline with a public key.
    VerifyAttestation(verify::VerifyAttestationArgs),
    /// Verify a receipt issued by a portal offline with its published key.
    VerifyReceipt(verify::VerifyReceiptArgs),
    /// Verify a signed SLA badge (`/badge/sla.json`) offline with the portal's published keys.
    VerifyBadge(verify::VerifyBadgeArgs),
    /// Generate an ECDSA P-256 signing key pair (for packs and sign-blob style signatures).
    Keygen(pack::KeygenArgs),
    /// Build or verify evidence packs offline.
    #[command(subcommand)]
    Pack(pack::PackCommand),
    /// Invoice previews.
    #[command(subcommand)]
    Invoice(invoice::InvoiceCommand),
    /// The billing ledger: reconciliation, posting, dead letters.
    #[command(subcommand)]
    Billing(invoice::BillingCommand),
    /// Signed policy bundles: policy-signing keys, rollout, adoption, the signing workflow.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Rehearsals: the policy-key rotation drill and the restore drill.
    #[command(subcommand)]
    Drill(policy::DrillCommand),
    /// Audit engagements (operator): open, start fieldwork, invite auditors, checklist, sign-off pack.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Sign-off packs: check one offline against the published key set.
    #[command(subcommand)]
    Signoff(audit::SignoffCommand),
    /// Onboard your company with an invitation: walks the five steps against a running portal, resuming where you (or the browser) stopped.
    Onboard(onboard::OnboardArgs),
    /// Invitations for partner onboarding (operator).
    #[command(subcommand)]
    Invite(onboard::InviteCommand),
    /// Service level objectives: the OpenSLO definitions in force, each measured now.
    #[command(subcommand)]
    Slo(slo::SloCommand),
    /// Probe a portal from outside its serving process and record each result (availability, uptime).
    Probe(slo::ProbeArgs),
    /// The OKR scoreboard: the sprint's five key results measured now; exit 1 when one is missed.
    Okrs,
    /// What the pages do, against a running portal, signed in as a person (`--server`, `--email`, PORTAL_PASSWORD).
    Console(console::ConsoleArgs),
    /// Your tenant's webhook endpoint and messages, against a running portal with the tenant's API key.
    Webhooks(console::WebhooksArgs),
    /// The portal's own release evidence: a signed SLSA provenance statement for its files.
    #[command(subcommand)]
    Release(ReleaseCommand),
}

/// `release` subcommands.
#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// Write an in-toto SLSA v1 provenance statement for a release's files, signed as DSSE (Build L1).
    Provenance(release::ProvenanceArgs),
}

/// Runs the CLI.
pub fn main() -> Exit {
    let cli = Cli::parse();
    // Verification is offline and self-contained: no configuration or database.
    match &cli.command {
        Command::VerifyBundle(args) => return verify::verify_bundle(args, cli.json),
        Command::VerifyBlob(args) => return verify::verify_blob(args, cli.json),
        Command::VerifyAttestation(args) => return verify::verify_attestation(args, cli.json),
        Command::VerifyReceipt(args) => return verify::verify_receipt(args, cli.json),
        Command::VerifyBadge(args) => return verify::verify_badge(args, cli.json),
        Command::Keygen(args) => return pack::keygen(args, cli.json),
        Command::Pack(cmd) => return pack::pack(cmd, cli.json),
        Command::Onboard(args) => return onboard::onboard(args, cli.json),
        Command::Signoff(cmd) => return audit::verify(cmd, cli.json),
        Command::Console(args) => return console::run(args, cli.json),
        Command::Webhooks(args) => return console::webhooks(args, cli.json),
        Command::Release(ReleaseCommand::Provenance(args)) => return release::provenance(args, cli.json),
        _ => {}
    }
    let config = match PortalConfig::load(LEPTOS_TOML) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Config;
        }
    };
    if let Command::Slo(slo::SloCommand::List) = &cli.command {
        return slo::list(&config, cli.json);
    }
    // The workflow generator needs the configuration (public URL) but no database.
    if let Command::Policy(cmd) = &cli.command
        && let Some(code) = policy::workflow(cmd, config.public_url.as_deref())
    {
        return code;
    }
    telemetry::init(config.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return Exit::Failed;
        }
    };
    runtime.block_on(run(cli, config))
}

async fn run(cli: Cli, config: PortalConfig) -> Exit {
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
                Command::Demo(demo::DemoCommand::Seed) => demo::run(&state, cli.json).await,
                Command::Admin(a) => admin::run(&state, a, cli.json).await,
                Command::AuditLog(admin::AuditLogCommand::Verify) => admin::verify_audit(&state, cli.json).await,
                Command::Invoice(cmd) => invoice::run(&state, cmd, cli.json).await,
                Command::Billing(cmd) => invoice::billing(&state, cmd, cli.json).await,
                Command::Policy(cmd) => policy::run(&state, cmd, cli.json).await,
                Command::Drill(cmd) => policy::drill(&state, cmd, cli.json).await,
                Command::Invite(cmd) => onboard::invite(&state, cmd, cli.json).await,
                Command::Audit(cmd) => audit::run(&state, cmd, cli.json).await,
                Command::Slo(slo::SloCommand::Status) => slo::status(&state, cli.json).await,
                Command::Probe(args) => slo::probe(&state, args, cli.json).await,
                Command::Okrs => okrs::run(&state, cli.json).await,
                // Handled above, before any configuration is read.
                Command::Serve
                | Command::VerifyBundle(_)
                | Command::VerifyBlob(_)
                | Command::VerifyAttestation(_)
                | Command::VerifyReceipt(_)
                | Command::VerifyBadge(_)
                | Command::Keygen(_)
                | Command::Pack(_)
                | Command::Signoff(_)
                | Command::Slo(slo::SloCommand::List)
                | Command::Onboard(_)
                | Command::Console(_)
                | Command::Webhooks(_)
                | Command::Release(_) => Exit::Success,
            };
            state.db.close().await;
            code
        }
    }
}

async fn open_state(config: PortalConfig) -> Result<AppState, Exit> {
    let options = startup::leptos_options(LEPTOS_TOML).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Config
    })?;
    let db = Db::connect(&config.database_url).await.map_err(|e| {
        eprintln!("error: database {}: {e}", config.database_url.redacted());
        Exit::Unavailable
    })?;
    Ok(AppState::new(db, config, options))
}

async fn serve(config: PortalConfig) -> Exit {
    let options = match startup::leptos_options(LEPTOS_TOML) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Config;
        }
    };
    if let Err(why) = crate::site::check_site(&options) {
        // Every page works without JavaScript, so the portal still serves.
        tracing::warn!("{why}; pages are served without JavaScript");
    }
    let db_url = config.database_url.redacted();
    let portal = match startup::Portal::build(config, options).await {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Unavailable;
        }
    };
    match portal.local_addr() {
        Ok(addr) => tracing::info!(%addr, database = %db_url, "Trust Portal listening on http://{addr}"),
        Err(e) => tracing::warn!(error = %e, "cannot read the bound address"),
    }
    match portal.serve(startup::shutdown_signal()).await {
        Ok(()) => Exit::Success,
        Err(e) => {
            eprintln!("error: server failed: {e}");
            Exit::Failed
        }
    }
}
