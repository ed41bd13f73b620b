//! `trust-portal slo`: the service level objectives in force and measured;
//! `trust-portal probe`: the prober that measures availability from outside.

use super::output::Exit;
use app::domain::slo::{BURN_RULES, duration_text, parse_duration, percent_text};
use app::ssr::AppState;
use app::ssr::config::PortalConfig;
use clap::Subcommand;

/// SLO commands.
#[derive(Debug, Subcommand)]
pub enum SloCommand {
    /// The SLOs in force (the built-in slo/ files or PORTAL_SLO_DIR's), checked as the portal checks them at start.
    #[command(after_help = "Example:\n  PORTAL_SLO_DIR=./my-slos trust-portal slo list")]
    List,
    /// Each SLO measured now: SLI over its window, budget left, the last sprint's spend, burn-rate alerts
    /// (exit 1 when an SLO with data misses its target or a burn-rate rule fires).
    Status,
}

/// `trust-portal probe`: checks a portal from outside and records each result.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example (beside the server, same database):\n  trust-portal probe --url http://127.0.0.1:3000 --every 30s\n  trust-portal probe --url http://127.0.0.1:3000 --count 1   # once; exit 1 if down"
)]
pub struct ProbeArgs {
    /// The portal's base URL.
    #[arg(long)]
    pub url: String,
    /// Time between probes (10s to 1h; e.g. 30s, 5m).
    #[arg(long, default_value = "30s")]
    pub every: String,
    /// Stop after this many probes (default: run until stopped).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub count: Option<u64>,
}

/// Runs the prober; exit 1 when the last probe found the portal down.
pub async fn probe(state: &AppState, args: ProbeArgs, json: bool) -> Exit {
    let every = match parse_duration(&args.every).filter(|ms| (10_000..=3_600_000).contains(ms)) {
        Some(ms) => std::time::Duration::from_millis(ms.unsigned_abs()),
        None => {
            eprintln!("error: --every {:?}: a duration from 10s to 1h, such as 30s or 5m", args.every);
            return Exit::Usage;
        }
    };
    if !(args.url.starts_with("http://") || args.url.starts_with("https://")) {
        eprintln!("error: --url {:?}: an http:// or https:// base URL", args.url);
        return Exit::Usage;
    }
    let client = match app::ssr::slo::probe::client() {
        Ok(c) => c,
        Err(e) => return super::output::report(json, Err(e), ""),
    };
    let mut done = 0u64;
    loop {
        let last_up = match app::ssr::slo::probe::probe_once(state, &client, &args.url).await {
            Ok(p) => {
                let up = p.up == 1;
                if json {
                    println!("{}", serde_json::json!(p));
                } else {
                    let state = if up { "up" } else { "DOWN" };
                    println!("{} {state} {} ms {}", p.target, p.latency_ms, p.detail.as_deref().unwrap_or(""));
                }
                up
            }
            Err(e) => {
                eprintln!("error: the probe could not be recorded: {}", e.message);
                false
            }
        };
        done += 1;
        if args.count.is_some_and(|n| done >= n) {
            return if last_up { Exit::Success } else { Exit::Failed };
        }
        tokio::time::sleep(every).await;
    }
}

/// Runs `slo status` against the database.
pub async fn status(state: &AppState, json: bool) -> Exit {
    let report = match app::ssr::slo::status::report(state).await {
        Ok(r) => r,
        Err(e) => return super::output::report(json, Err(e), ""),
    };
    let failing = report.iter().any(|s| s.meets == Some(false) || s.burn.iter().any(|b| b.firing));
    if json {
        println!("{}", serde_json::json!({ "slos": report }));
    } else {
        for s in &report {
            let state = match (&s.no_data, s.meets) {
                (Some(why), _) => format!("no data ({why})"),
                (None, Some(true)) => "met".into(),
                (None, _) => "MISSED".into(),
            };
            let measured = s.good_ppm.map(|g| format!("{} of {}", percent_text(g), s.window.total)).unwrap_or_default();
            let budget =
                s.budget_remaining_ppm.map(|b| format!("budget left {}", signed_percent(b))).unwrap_or_default();
            let sprint = match (s.sprint_spent_ppm, s.sprint_colour) {
                (Some(p), Some(c)) => format!("sprint spent {} ({c:?})", percent_text(p)),
                _ => String::new(),
            };
            println!("{:<18} target {:>7}  {state:<8} {measured}  {budget}  {sprint}", s.slo.name, s.slo.target_text());
            for b in s.burn.iter().filter(|b| b.firing) {
                println!("  ALERT {:?}: burning {}", b.rule.severity, b.rule.label());
            }
        }
    }
    if failing { Exit::Failed } else { Exit::Success }
}

fn signed_percent(ppm: i64) -> String {
    let text = percent_text(ppm.unsigned_abs());
    if ppm < 0 { format!("-{text}") } else { text }
}

/// `slo list`: needs only the configuration (which read and checked the files).
pub fn list(config: &PortalConfig, json: bool) -> Exit {
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
