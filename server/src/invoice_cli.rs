//! `trust-portal invoice simulate`: the same invoice preview the API and the
//! portal show, as text, JSON or CSV.

use app::domain::invoice::{self, Invoice};
use app::domain::period::Period;
use app::domain::{AppError, Plan};
use app::ssr::AppState;
use app::ssr::billing;
use clap::{Subcommand, ValueEnum};
use std::process::ExitCode;

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
pub async fn run(state: &AppState, cmd: InvoiceCommand, json: bool) -> ExitCode {
    let InvoiceCommand::Simulate { tenant, period, plan, format } = cmd;
    let format = if json { Format::Json } else { format };
    match invoices(state, tenant.as_deref(), &period, plan.as_deref()).await {
        Ok(list) => {
            print!("{}", render(&list, format));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(2)
        }
    }
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
        Some(slug) => {
            let org = state
                .db
                .org_by_slug(slug)
                .await
                .map_err(app::ssr::auth::log_internal)?
                .filter(|o| o.kind == "tenant")
                .ok_or_else(|| AppError::invalid("--tenant", format!("no tenant {slug:?}")))?;
            Ok(vec![billing::simulate(&state.db, &org, period, plan).await?])
        }
        None if plan.is_some() => Err(AppError::invalid("--plan", "a what-if plan needs --tenant")),
        None => billing::simulate_all(&state.db, period).await,
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
            for inv in list {
                let what_if = if inv.what_if { " (what if)" } else { "" };
                out.push_str(&format!(
                    "Invoice preview: {} ({}), {}, plan {}{what_if}\n",
                    inv.tenant_name, inv.tenant, inv.period, inv.plan
                ));
                for l in &inv.lines {
                    out.push_str(&format!(
                        "  {:<20} {:>10} units x {:<8} = {:>10}\n",
                        l.event,
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
