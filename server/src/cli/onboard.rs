//! `trust-portal onboard --server URL --invite TOKEN`: the partner's side of
//! onboarding in a terminal. It drives the portal's onboarding session (the
//! same one the browser wizard shows), starting or resuming at the step the
//! session is on: prompts for what a step needs (defaults from flags or what
//! was entered before), shows each check's result and, on a failure, the
//! reason and the fix, then asks again. With `--yes` nothing is asked: every
//! value comes from flags or defaults and a failed check stops with exit 1.
//!
//! `trust-portal invite create` is the operator's side: a new invitation link.

use super::output::{Exit, report};
use crate::cli::remote::{CallError, Portal, Verdict};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// `trust-portal onboard` flags.
#[derive(Debug, Clone, Args)]
#[command(
    after_help = "Examples:\n  trust-portal onboard --server https://portal.example --invite tpi_…\n  PORTAL_INVITE=tpi_… trust-portal onboard --server https://portal.example --yes \\\n      --name 'Widget Co' --slug widget-co --plan pro --admin-name 'Ana' --admin-email ana@widget.example \\\n      --admin-password-file pw.txt --webhook-url https://hooks.widget.example/tp --repo widget/firmware \\\n      --public-key release-key.pub"
)]
pub struct OnboardArgs {
    /// The portal, e.g. https://portal.example.
    #[arg(long)]
    pub server: String,
    /// The invitation token (tpi_…) or the whole link. Prefer PORTAL_INVITE: command lines are visible to other users.
    #[arg(long, env = "PORTAL_INVITE", hide_env_values = true)]
    pub invite: String,
    /// Ask nothing: take every value from flags or defaults; stop at the first failed check.
    #[arg(long)]
    pub yes: bool,
    /// Step 1: company name.
    #[arg(long)]
    pub name: Option<String>,
    /// Step 1: handle (a-z, 0-9, -).
    #[arg(long)]
    pub slug: Option<String>,
    /// Step 1: starter, pro or enterprise (default starter).
    #[arg(long)]
    pub plan: Option<String>,
    /// Step 1: tenant admin's name.
    #[arg(long)]
    pub admin_name: Option<String>,
    /// Step 1: tenant admin's e-mail (their login).
    #[arg(long)]
    pub admin_email: Option<String>,
    /// Step 1: file holding the tenant admin's password (one line; never on the command line).
    #[arg(long)]
    pub admin_password_file: Option<PathBuf>,
    /// Step 2: webhook URL.
    #[arg(long)]
    pub webhook_url: Option<String>,
    /// Step 3: policy version (default: the current one).
    #[arg(long)]
    pub policy_version: Option<i64>,
    /// Step 4: repository, owner/name.
    #[arg(long)]
    pub repo: Option<String>,
    /// Step 4: releases (the repository host's latest release, default), portal (a pack already
    /// uploaded) or upload (the file given with --pack).
    #[arg(long)]
    pub source: Option<String>,
    /// Step 4: the pack-signing public key (PEM file), when the tenant has none yet.
    #[arg(long)]
    pub public_key: Option<PathBuf>,
    /// Step 4: a release pack (`*.pack.zip`) to send with the step (implies --source upload).
    #[arg(long)]
    pub pack: Option<PathBuf>,
}

/// `invite` subcommands (operator; need the database).
#[derive(Debug, Subcommand)]
pub enum InviteCommand {
    /// Create an invitation link (shown once).
    Create {
        /// Who it is for (company or contact).
        #[arg(long)]
        label: String,
        /// Days it stays valid (1-30).
        #[arg(long, default_value_t = 7)]
        days: i64,
    },
}

/// Creates an invitation and prints its link.
pub async fn invite(state: &app::ssr::AppState, cmd: InviteCommand, json_out: bool) -> Exit {
    let InviteCommand::Create { label, days } = cmd;
    let created = app::ssr::onboarding::create_invitation(state, "cli", &label, days).await;
    let base = state.config.public_url.clone().unwrap_or_else(|| format!("http://{}", state.leptos_options.site_addr));
    report(
        json_out,
        created.map(|(row, token)| {
            json!({ "id": row.id, "link": format!("{}/invite/{token}", base.trim_end_matches('/')), "token": token, "expires_at": row.expires_at })
        }),
        "invitation created (the link is shown once)",
    )
}

struct Terminal {
    interactive: bool,
}

impl Terminal {
    /// Asks for a value (showing the default); with `--yes`, the default or an error.
    fn ask(&self, label: &str, default: Option<String>) -> Result<String, CallError> {
        if !self.interactive {
            return default
                .filter(|d| !d.is_empty())
                .ok_or_else(|| CallError(format!("{label}: missing (pass it as a flag; --yes asks nothing)")));
        }
        loop {
            match &default {
                Some(d) if !d.is_empty() => print!("  {label} [{d}]: "),
                _ => print!("  {label}: "),
            }
            let _ = std::io::stdout().flush();
            let mut line = String::new();
            if std::io::stdin().lock().read_line(&mut line).map_err(|e| CallError(e.to_string()))? == 0 {
                return Err(CallError("input ended".into()));
            }
            let line = line.trim();
            match (line.is_empty(), &default) {
                (false, _) => return Ok(line.to_owned()),
                (true, Some(d)) if !d.is_empty() => return Ok(d.clone()),
                _ => println!("  (required)"),
            }
        }
    }

    fn confirm_retry(&self) -> bool {
        if !self.interactive {
            return false;
        }
        print!("  Try this step again? [Y/n]: ");
        let _ = std::io::stdout().flush();
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
        !line.trim().eq_ignore_ascii_case("n")
    }
}

fn read_file(path: &PathBuf, what: &str) -> Result<String, CallError> {
    std::fs::read_to_string(path).map_err(|e| CallError(format!("cannot read {what} {}: {e}", path.display())))
}

/// The token from `tpi_…` or a whole `…/invite/tpi_…` link.
fn token_of(invite: &str) -> String {
    invite.trim().rsplit('/').next().unwrap_or_default().to_owned()
}

/// The body for `step` from flags, earlier answers and prompts.
fn gather(step: u64, args: &OnboardArgs, session: &Value, term: &Terminal) -> Result<Value, CallError> {
    let data = &session["data"];
    let prior = |k: &str| data[k].as_str().map(str::to_owned);
    Ok(match step {
        1 => {
            let admin_exists = data["admin_email"].is_string();
            let password = if admin_exists {
                String::new()
            } else if let Some(path) = &args.admin_password_file {
                read_file(path, "password file")?.trim_end_matches(['\r', '\n']).to_owned()
            } else {
                term.ask(
                    "Tenant admin password (12+ characters; shown as typed)",
                    std::env::var("PORTAL_ADMIN_PASSWORD").ok(),
                )?
            };
            json!({
                "name": term.ask("Company name", args.name.clone().or(prior("tenant_name")))?,
                "slug": term.ask("Handle (a-z, 0-9, -)", args.slug.clone().or(prior("tenant_slug")))?,
                "plan": term.ask("Plan (starter, pro, enterprise)", args.plan.clone().or(prior("plan")).or(Some("starter".into())))?,
                "admin_name": term.ask("Your name", args.admin_name.clone().or(prior("admin_name")))?,
                "admin_email": term.ask("Your e-mail (login)", args.admin_email.clone().or(prior("admin_email")))?,
                "admin_password": password,
            })
        }
        2 => json!({ "url": term.ask("Webhook URL (https://…)", args.webhook_url.clone().or(prior("webhook_url")))? }),
        3 => {
            let versions: Vec<String> = session["policy_versions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| format!("{}{}", v["version"], if v["current"] == true { " (current)" } else { "" }))
                .collect();
            println!(
                "  Published policy versions: {}",
                if versions.is_empty() { "none".into() } else { versions.join(", ") }
            );
            let current = session["policy_versions"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|v| v["current"] == true)
                .map(|v| v["version"].to_string());
            let answer = term.ask("Policy version", args.policy_version.map(|v| v.to_string()).or(current))?;
            let version: i64 =
                answer.parse().map_err(|_| CallError(format!("policy version: '{answer}' is not a number")))?;
            json!({ "version": version })
        }
        4 => {
            let repo = term.ask("Repository (owner/name)", args.repo.clone().or(prior("repo")))?;
            let source = match &args.pack {
                Some(_) => "upload".to_owned(),
                None => term.ask(
                    "Pack source (releases, portal)",
                    args.source.clone().or(prior("repo_source")).or(Some("releases".into())),
                )?,
            };
            let pack = match &args.pack {
                Some(path) => Some(base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    std::fs::read(path).map_err(|e| CallError(format!("cannot read pack {}: {e}", path.display())))?,
                )),
                None => None,
            };
            let public_key = match &args.public_key {
                Some(path) => Some(read_file(path, "public key")?),
                None if session["has_signing_key"] == true => None,
                None => {
                    let path = term.ask("Pack-signing public key file (PEM)", None)?;
                    Some(read_file(&PathBuf::from(path), "public key")?)
                }
            };
            json!({ "repo": repo, "source": source, "public_key": public_key, "pack_base64": pack })
        }
        _ => json!({}),
    })
}

/// Runs the partner's onboarding against a portal.
pub fn onboard(args: &OnboardArgs, json_out: bool) -> Exit {
    match run(args, json_out) {
        Ok(code) => code,
        Err(CallError(message)) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

fn run(args: &OnboardArgs, json_out: bool) -> Result<Exit, CallError> {
    let portal = Portal::new(&args.server, Some(token_of(&args.invite)))?;
    let term = Terminal { interactive: !args.yes };
    let mut session = match portal.get("/api/v1/onboarding")? {
        Verdict::Accepted(v) => v["session"].clone(),
        Verdict::Rejected { message, .. } => return Err(CallError(message)),
    };
    if !json_out {
        let step = session["current_step"].as_u64().unwrap_or(1);
        println!(
            "Onboarding for {} (step {step} of 5{})",
            session["label"].as_str().unwrap_or("?"),
            if step > 1 { ", resumed" } else { "" }
        );
    }
    loop {
        if session["completed"] == true {
            if !json_out {
                println!("Onboarding is complete.");
            }
            return Ok(Exit::Success);
        }
        let step = session["current_step"].as_u64().unwrap_or(1);
        if !json_out {
            println!("[{step}/5] {}", title(step));
        }
        let body = gather(step, args, &session, &term)?;
        match portal.post(
            &format!("/api/v1/onboarding/steps/{step}"),
            "application/json",
            body.to_string().into_bytes(),
        )? {
            Verdict::Accepted(v) => {
                session = v["session"].clone();
                if json_out {
                    println!("{v}");
                } else {
                    println!("  ✓ {}", done_line(step, &session));
                }
                if let Some(key) = v["api_key"].as_str() {
                    if !json_out {
                        println!("\nYour first API key (shown once; store it now):\n  {key}");
                        println!("Features on: {}", join(&session["data"]["features"]));
                    }
                    return Ok(Exit::Success);
                }
            }
            Verdict::Rejected { message, body, .. } => {
                session = body["session"].clone();
                if json_out {
                    println!("{body}");
                }
                eprintln!("  ✗ {message}");
                eprintln!("    fix: {}", body["fix"].as_str().unwrap_or("see the message"));
                if !term.confirm_retry() {
                    return Ok(Exit::Failed);
                }
            }
        }
    }
}

fn title(step: u64) -> &'static str {
    app::domain::onboarding::Step::from_number(i64::try_from(step).unwrap_or(0)).map_or("?", |s| s.title())
}

fn join(v: &Value) -> String {
    v.as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(", ")
}

fn done_line(step: u64, session: &Value) -> String {
    let d = &session["data"];
    let s = |k: &str| d[k].as_str().unwrap_or("?").to_owned();
    match step {
        1 => format!("tenant {} on {}; admin {}", s("tenant_slug"), s("plan"), s("admin_email")),
        2 => format!("test delivery {} answered 2xx", s("webhook_test_id")),
        3 => format!("policy version {} signed by {}", d["policy_version"], s("policy_signer")),
        4 => format!("{}@{} pack verified (signed by {})", s("repo"), s("release_tag"), s("pack_signer")),
        _ => "done".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn takes_a_token_or_a_whole_link() {
        assert_eq!(super::token_of("tpi_abc"), "tpi_abc");
        assert_eq!(super::token_of("https://portal.example/invite/tpi_abc"), "tpi_abc");
    }
}
