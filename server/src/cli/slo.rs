//! `trust-portal slo`: the service level objectives in force.

use super::output::Exit;
use app::domain::slo::{BURN_RULES, duration_text};
use app::ssr::config::PortalConfig;
use clap::Subcommand;

/// SLO commands.
#[derive(Debug, Subcommand)]
pub enum SloCommand {
    /// The SLOs in force (the built-in slo/ files or PORTAL_SLO_DIR's), checked as the portal checks them at start.
    #[command(after_help = "Example:\n  PORTAL_SLO_DIR=./my-slos trust-portal slo list")]
    List,
}

/// Runs an SLO command; needs only the configuration (which read and checked the files).
pub fn run(cmd: &SloCommand, config: &PortalConfig, json: bool) -> Exit {
    match cmd {
        SloCommand::List => {
            if json {
                let v = serde_json::json!({
                    "source": config.slo_dir.as_deref().unwrap_or("built-in"),
                    "slos": config.slos,
                    "burn_rules": BURN_RULES,
                });
                println!("{v}");
            } else {
                println!("SLOs from {}:", config.slo_dir.as_deref().unwrap_or("the built-in slo/ files"));
                for s in &config.slos {
                    let within = s.within_ms.map(|ms| format!(" within {}", duration_text(ms))).unwrap_or_default();
                    println!(
                        "  {:<18} {:>7} of {}{within} over {}  {}",
                        s.name,
                        s.target_text(),
                        s.events.as_str(),
                        duration_text(s.window_ms),
                        s.display_name
                    );
                }
                let rules: Vec<String> = BURN_RULES.iter().map(|r| r.label()).collect();
                println!("burn-rate alerts: {}", rules.join("; "));
            }
            Exit::Success
        }
    }
}
