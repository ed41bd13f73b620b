//! `trust-portal invoice simulate`: the same invoice preview the API and the
//! portal show, as text, JSON or CSV; `invoice issue` issues closed months;
//! `billing …`: the ledger and reconciliation.

use super::output::Exit;
use app::domain::invoice::{self, Invoice};
use app::domain::period::Period;
use app::domain::{AppError, Plan};
use app::ssr::AppState;
use app::ssr::billing::pricing;
use clap::{Subcommand, ValueEnum};

/// `invoice` subcommands.
#[derive(Debug, Subcommand)]
pub enum InvoiceCommand {
    /// Preview a month's invoice for one tenant, or for every tenant with a grand total.
    #[command(
        after_help = "Examples:\n  trust-portal invoice simulate --tenant acme --period 2026-04\n  trust-portal invoice simulate --tenant globex --period 2026-04 --plan enterprise   # what if\n  trust-portal invoice simulate --period 2026-04 --format csv > april.csv"
    )]
    Simulate {
        /// Tenant handle (default: every tenant).
        #[arg(long)]
        tenant: Option<String>,
        /// The month, YYYY-MM (UTC).
        #[arg(long)]
        period: String,
        /// Price on this plan instead of the tenant's own (starter, pro, enterprise).
        #[arg(long)]
        plan: Option<String>,
        /// Output format (--json is the same as --format json).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Issue invoices for closed months (month end + PORTAL_INVOICE_GRACE_HOURS): every
    /// due month of every tenant, or one month (--period) of one tenant or all. The
    /// server does this hourly. An issued invoice never changes; later usage of
    /// its month becomes an adjustment on the next invoice.
    #[command(
        after_help = "Examples:\n  trust-portal invoice issue\n  trust-portal invoice issue --period 2026-04 --tenant acme"
    )]
    Issue {
        /// The month, YYYY-MM (default: every month that is due).
        #[arg(long)]
        period: Option<String>,
        /// Tenant handle (default: every tenant).
        #[arg(long)]
        tenant: Option<String>,
    },
}

/// `billing` subcommands: the ledger and reconciliation.
#[derive(Debug, Subcommand)]
pub enum BillingCommand {
    /// Check, per tenant, that verified calls == usage events == ledger units == invoiced units; exit 1 and list the ids on a mismatch.
    #[command(after_help = "Example:\n  trust-portal billing reconcile --period 2026-04")]
    Reconcile {
        /// The month, YYYY-MM (UTC).
        #[arg(long)]
        period: String,
    },
    /// Post every due usage event to the ledger now (the server does this every second).
    PostLedger,
    /// List parked (dead-letter) usage events; with --replay send them back to the ledger worker.
    DeadLetters {
        /// Send them back (idempotent: an event is posted at most once).
        #[arg(long)]
        replay: bool,
    },
}

/// Runs a `billing` subcommand.
pub async fn billing(state: &AppState, cmd: BillingCommand, json: bool) -> Exit {
    match cmd {
        BillingCommand::Reconcile { period } => {
            let period = match Period::parse(&period) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("error: --period: {e}");
                    return Exit::Usage;
                }
            };
            match pricing::reconcile_all(&state.db, period).await {
                Ok(list) => {
                    let clean = list.iter().all(|r| r.is_clean());
                    if json {
                        println!("{}", serde_json::json!({ "clean": clean, "tenants": list }));
                    } else {
                        for r in &list {
                            println!("{} {}", if r.is_clean() { "ok  " } else { "FAIL" }, r.summary());
                        }
                    }
                    if clean { Exit::Success } else { Exit::Failed }
                }
                Err(e) => {
                    eprintln!("error: {}", e.message);
                    Exit::Failed
                }
            }
        }
        BillingCommand::PostLedger => match app::ssr::billing::ledger::run_once(state).await {
            Ok((posted, retried, parked)) => {
                if json {
                    println!("{}", serde_json::json!({"posted": posted, "retried": retried, "parked": parked}));
                } else {
                    println!("posted {posted}, retrying {retried}, parked {parked}");
                }
                Exit::Success
            }
            Err(e) => {
                eprintln!("error: {e}");
                Exit::Unavailable
            }
        },
        BillingCommand::DeadLetters { replay } => {
            let result =
                if replay {
                    state.db.replay_dead_letters(state.now_ms()).await.map(|n| serde_json::json!({ "replayed": n }))
                } else {
                    state.db.dead_letters(None).await.map(|rows| {
                        serde_json::json!(rows.iter().map(|d| serde_json::json!({
                        "event_id": d.event_id, "org_id": d.org_id, "reason": d.reason, "attempts": d.attempts,
                        "parked_at": app::ssr::clock::rfc3339(d.created_at),
                    })).collect::<Vec<_>>())
                    })
                };
            match result {
                Ok(v) => {
                    if json || !v.is_array() {
                        println!("{v}");
                    } else if let Some(rows) = v.as_array() {
                        println!("{} parked events", rows.len());
                        for r in rows {
                            println!(
                                "  {} {} after {} attempts: {}",
                                r["event_id"], r["org_id"], r["attempts"], r["reason"]
                            );
                        }
                    }
                    Exit::Success
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    Exit::Unavailable
                }
            }
        }
    }
}

/// How to print invoices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// For people.
    Text,
    /// One JSON document.
    Json,
    /// One row per line, for spreadsheets.
    Csv,
}

/// Runs an `invoice` subcommand. Exit 0, or 2 for bad input.
pub async fn run(state: &AppState, cmd: InvoiceCommand, json: bool) -> Exit {
    let (result, format) = match cmd {
        InvoiceCommand::Simulate { tenant, period, plan, format } => (
            invoices(state, tenant.as_deref(), &period, plan.as_deref()).await,
            if json { Format::Json } else { format },
        ),
        InvoiceCommand::Issue { period, tenant } => {
            (issue(state, period.as_deref(), tenant.as_deref()).await, if json { Format::Json } else { Format::Text })
        }
    };
    match result {
        Ok(list) => {
            print!("{}", render(&list, format));
            Exit::Success
        }
        Err(e) => {
            eprintln!("error: {}", e.message);
            Exit::Usage
        }
    }
}

/// A tenant by handle, for `--tenant`.
async fn tenant_by_slug(state: &AppState, slug: &str) -> Result<app::ssr::store::OrgRow, AppError> {
    state
        .db
        .org_by_slug(slug)
        .await?
        .filter(|o| o.kind == "tenant")
        .ok_or_else(|| AppError::invalid("--tenant", format!("no tenant {slug:?}")))
}

async fn issue(state: &AppState, period: Option<&str>, tenant: Option<&str>) -> Result<Vec<Invoice>, AppError> {
    use app::ssr::billing::invoicing;
    const ACTOR: &str = "cli";
    let Some(period) = period else {
        if tenant.is_some() {
            return Err(AppError::invalid("--tenant", "issuing for one tenant needs --period"));
        }
        return invoicing::issue_due(state, ACTOR).await;
    };
    let period = Period::parse(period).map_err(|e| AppError::invalid("--period", e))?;
    let orgs = match tenant {
        Some(slug) => vec![tenant_by_slug(state, slug).await?],
        None => state.db.tenants().await?,
    };
    let mut out = Vec::new();
    for org in &orgs {
        if let Some(inv) = invoicing::issue(state, ACTOR, org, period).await? {
            out.push(inv);
        }
    }
    Ok(out)
}

async fn invoices(
    state: &AppState,
    tenant: Option<&str>,
    period: &str,
    plan: Option<&str>,
) -> Result<Vec<Invoice>, AppError> {
    let period = Period::parse(period).map_err(|e| AppError::invalid("--period", e))?;
    let plan = plan.map(Plan::parse).transpose().map_err(|e| AppError::invalid("--plan", e))?;
    match tenant {
        Some(slug) => Ok(vec![pricing::simulate(&state.db, &tenant_by_slug(state, slug).await?, period, plan).await?]),
        None if plan.is_some() => Err(AppError::invalid("--plan", "a what-if plan needs --tenant")),
        None => pricing::simulate_all(&state.db, period).await,
    }
}

fn render(list: &[Invoice], format: Format) -> String {
    match format {
        Format::Csv => invoice::to_csv(list),
        Format::Json => {
            let body = serde_json::json!({ "invoices": list, "grand_total": Invoice::grand_total(list) });
            format!("{body}\n")
        }
        Format::Text => {
            let mut out = String::new();
            if list.is_empty() {
                out.push_str("No invoices.\n");
            }
            for inv in list {
                let what_if = if inv.what_if { " (what if)" } else { "" };
                let kind = match &inv.issued {
                    Some(i) => format!("Invoice {} issued {}", i.id, app::ssr::clock::rfc3339(i.at)),
                    None => "Invoice preview".to_owned(),
                };
                out.push_str(&format!(
                    "{kind}: {} ({}), {}, plan {}{what_if}\n",
                    inv.tenant_name, inv.tenant, inv.period, inv.plan
                ));
                for l in &inv.lines {
                    out.push_str(&format!(
                        "  {:<20} {:>10} units x {:<8} = {:>10}\n",
                        l.label(),
                        l.units,
                        l.unit_price.to_string(),
                        l.amount.to_string()
                    ));
                }
                out.push_str(&format!("  {:<49} {:>10}\n", "total", inv.total.to_string()));
            }
            if list.len() > 1 {
                out.push_str(&format!("Grand total, {} tenants: {}\n", list.len(), Invoice::grand_total(list)));
            }
            out
        }
    }
}
