//! `trust-portal console --server URL --email E …`: what the portal's pages
//! do, from a terminal, against a running portal. It signs in over
//! `POST /api/v1/session` with the password from `PORTAL_PASSWORD` (never a
//! flag: command lines are visible to other users), makes one call to the
//! console REST routes, prints a table (or the JSON with `--json`) and signs
//! out. The portal's own role checks decide what each person may do.
//!
//! `trust-portal webhooks --server URL …` does the same for a tenant's
//! webhook endpoint and messages with the tenant's API key.

use super::output::Exit;
use super::remote::{CallError, Portal, RemoteArgs, str_of};
use clap::{Args, Subcommand};
use reqwest::Method;
use serde_json::{Value, json};
use std::path::PathBuf;

/// Where and as whom.
#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// The portal, e.g. https://portal.example.
    #[arg(long)]
    pub server: String,
    /// Who signs in (the password comes from PORTAL_PASSWORD).
    #[arg(long, env = "PORTAL_EMAIL")]
    pub email: String,
    /// What to do.
    #[command(subcommand)]
    pub command: ConsoleCommand,
}

/// The console's commands, one per page action.
#[derive(Debug, Subcommand)]
pub enum ConsoleCommand {
    /// Tenants: list, create, change plan, suspend, reactivate (operator admins).
    #[command(subcommand)]
    Tenants(TenantsCommand),
    /// Users: list, create (least privilege by default), change role.
    #[command(subcommand)]
    Users(UsersCommand),
    /// Your tenant's API keys: list, create, revoke (tenant admins).
    #[command(subcommand, name = "api-keys")]
    ApiKeys(KeysCommand),
    /// Usage per tenant with invoice previews for a month.
    Usage {
        /// `YYYY-MM`; this month when omitted.
        #[arg(long, default_value = "")]
        period: String,
    },
    /// Price versions: list, add (operator admins).
    #[command(subcommand)]
    Prices(PricesCommand),
    /// Onboarding invitations: list, create, renew (operator admins).
    #[command(subcommand)]
    Invitations(InvitationsCommand),
    /// The audit log, filtered; `--export csv|json --out FILE` saves the whole filtered log.
    AuditLog(AuditLogArgs),
    /// Policy adoption and each repository's signature status; `--csv FILE` saves the report.
    SignatureStatus {
        /// `all`, `failing` or `stale`.
        #[arg(long, default_value = "all")]
        show: String,
        /// Save the CSV report here instead of printing.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
    /// Open alerts and recent ones.
    Alerts,
    /// Acknowledge an alert.
    Acknowledge {
        /// `alr_…` id.
        id: String,
    },
}

/// Tenant commands.
#[derive(Debug, Subcommand)]
pub enum TenantsCommand {
    /// Every tenant you may see.
    List,
    /// Create a tenant.
    Create(super::admin::TenantArgs),
    /// Move a tenant to another plan.
    Plan {
        /// `org_…` id.
        id: String,
        /// `starter`, `pro` or `enterprise`.
        plan: String,
    },
    /// Suspend a tenant (its users and keys stop working).
    Suspend {
        /// `org_…` id.
        id: String,
    },
    /// Reactivate a suspended tenant.
    Reactivate {
        /// `org_…` id.
        id: String,
    },
}

/// User commands.
#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// The users you manage.
    List,
    /// Create a user; the first password comes from PORTAL_NEW_USER_PASSWORD.
    Create {
        /// Sign-in e-mail.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Role; the least privileged (`tenant_member`) when omitted.
        #[arg(long, default_value = "tenant_member")]
        role: String,
        /// For operator admins creating a tenant user: the tenant's slug.
        #[arg(long, default_value = "")]
        tenant: String,
    },
    /// Change a user's role (their sessions end).
    Role {
        /// `usr_…` id.
        id: String,
        /// The new role.
        role: String,
    },
}

/// API key commands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Your tenant's keys (never the secrets).
    List,
    /// Create a key; its secret is printed this once.
    Create {
        /// What it is for.
        #[arg(long)]
        name: String,
        /// `verify`, `evidence`, `admin` or `read`; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// Revoke a key, at once on every node.
    Revoke {
        /// `key_…` id.
        id: String,
    },
}

/// Price commands.
#[derive(Debug, Subcommand)]
pub enum PricesCommand {
    /// Every price version, newest first.
    List,
    /// Add a price version from a month on.
    Add(super::admin::PriceArgs),
}

/// Invitation commands.
#[derive(Debug, Subcommand)]
pub enum InvitationsCommand {
    /// Invitations, newest first (never their links).
    List,
    /// Create one; its link is printed this once.
    Create {
        /// Who it is for.
        #[arg(long)]
        label: String,
        /// Days the link is valid, 1 to 30.
        #[arg(long, default_value_t = 7)]
        days: u32,
    },
    /// Send an unused invitation again with a new link.
    Renew {
        /// `invite_…` id.
        id: String,
    },
}

/// Audit log filters and export.
#[derive(Debug, Args)]
pub struct AuditLogArgs {
    /// Whose entries (an e-mail).
    #[arg(long, default_value = "")]
    actor: String,
    /// Which action, or the start of one (`tenant`).
    #[arg(long, default_value = "")]
    action: String,
    /// First day, `YYYY-MM-DD`.
    #[arg(long, default_value = "")]
    from: String,
    /// Last day, `YYYY-MM-DD`.
    #[arg(long, default_value = "")]
    to: String,
    /// Save the filtered log as `csv` or `json` (with --out).
    #[arg(long, requires = "out")]
    export: Option<String>,
    /// Where to save the export.
    #[arg(long, requires = "export")]
    out: Option<PathBuf>,
}

/// One call: what to send and how to show the answer.
struct Call {
    method: Method,
    path: String,
    body: Option<Value>,
    /// Columns of a list answer (`field` or `field.sub`), or none to print an object.
    columns: &'static [&'static str],
    /// Where a list sits in an object answer (`invitations`, `entries`), if not at the top.
    list_at: Option<&'static str>,
}

impl Call {
    fn get(path: impl Into<String>, columns: &'static [&'static str]) -> Self {
        Self { method: Method::GET, path: path.into(), body: None, columns, list_at: None }
    }

    fn post(path: impl Into<String>, body: Value) -> Self {
        Self { method: Method::POST, path: path.into(), body: Some(body), columns: &[], list_at: None }
    }

    fn within(mut self, field: &'static str) -> Self {
        self.list_at = Some(field);
        self
    }
}

/// A query string of the non-empty pairs.
fn query(pairs: &[(&str, &str)]) -> String {
    let kept: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()))
        .collect();
    if kept.is_empty() { String::new() } else { format!("?{}", kept.join("&")) }
}

/// What `command` asks of the portal, or an export to save.
fn plan_call(command: &ConsoleCommand) -> Result<Call, CallError> {
    use ConsoleCommand as C;
    Ok(match command {
        C::Tenants(TenantsCommand::List) => {
            Call::get("/api/v1/tenants", &["id", "slug", "name", "plan", "suspended_at"])
        }
        C::Tenants(TenantsCommand::Create(super::admin::TenantArgs { name, slug, plan })) => {
            Call::post("/api/v1/tenants", json!({ "name": name, "slug": slug, "plan": plan }))
        }
        C::Tenants(TenantsCommand::Plan { id, plan }) => {
            Call::post(format!("/api/v1/tenants/{id}/plan"), json!({ "plan": plan }))
        }
        C::Tenants(TenantsCommand::Suspend { id }) => Call::post(format!("/api/v1/tenants/{id}/suspend"), json!({})),
        C::Tenants(TenantsCommand::Reactivate { id }) => {
            Call::post(format!("/api/v1/tenants/{id}/reactivate"), json!({}))
        }
        C::Users(UsersCommand::List) => Call::get("/api/v1/users", &["id", "email", "name", "role", "org_name"]),
        C::Users(UsersCommand::Create { email, name, role, tenant }) => {
            let password = std::env::var("PORTAL_NEW_USER_PASSWORD").map_err(|_| {
                CallError(
                    "set PORTAL_NEW_USER_PASSWORD to the new user's first password (12 characters or more)".into(),
                )
            })?;
            let body =
                json!({ "email": email, "name": name, "role": role, "password": password, "tenant_slug": tenant });
            Call::post("/api/v1/users", body)
        }
        C::Users(UsersCommand::Role { id, role }) => {
            Call::post(format!("/api/v1/users/{id}/role"), json!({ "role": role }))
        }
        C::ApiKeys(KeysCommand::List) => {
            Call::get("/api/v1/api-keys", &["id", "name", "prefix", "scopes", "last_used_at", "revoked_at"])
        }
        C::ApiKeys(KeysCommand::Create { name, scopes }) => {
            Call::post("/api/v1/api-keys", json!({ "name": name, "scopes": scopes }))
        }
        C::ApiKeys(KeysCommand::Revoke { id }) => Call::post(format!("/api/v1/api-keys/{id}/revoke"), json!({})),
        C::Usage { period } => Call::get(format!("/api/v1/usage{}", query(&[("period", period)])), &[]),
        C::Prices(PricesCommand::List) => {
            Call::get("/api/v1/prices", &["id", "plan", "event", "unit_price", "from", "added_by"])
        }
        C::Prices(PricesCommand::Add(super::admin::PriceArgs { plan, event, price, from })) => {
            Call::post("/api/v1/prices", json!({ "plan": plan, "event": event, "price": price, "from": from }))
        }
        C::Invitations(InvitationsCommand::List) => {
            Call::get("/api/v1/invitations", &["id", "label", "state", "expires_at"]).within("invitations")
        }
        C::Invitations(InvitationsCommand::Create { label, days }) => {
            Call::post("/api/v1/invitations", json!({ "label": label, "days": days }))
        }
        C::Invitations(InvitationsCommand::Renew { id }) => {
            Call::post(format!("/api/v1/invitations/{id}/renew"), json!({}))
        }
        C::AuditLog(a) => {
            let q = query(&[("actor", &a.actor), ("action", &a.action), ("from", &a.from), ("to", &a.to)]);
            Call::get(format!("/api/v1/audit-log{q}"), &["seq", "at", "actor", "action", "target", "detail"])
                .within("entries")
        }
        C::SignatureStatus { show, .. } => Call::get(
            format!("/api/v1/signature-status{}", query(&[("show", show)])),
            &["tenant", "repo", "state", "version", "reason"],
        )
        .within("repos"),
        C::Alerts => Call::get("/api/v1/alerts", &["id", "kind", "subject", "message", "opened_at"]).within("open"),
        C::Acknowledge { id } => Call::post(format!("/api/v1/alerts/{id}/acknowledge"), json!({})),
    })
}

/// An export the command saves to a file instead of printing: (path on the portal, file).
fn export_of(command: &ConsoleCommand) -> Option<(String, &PathBuf)> {
    match command {
        ConsoleCommand::AuditLog(a) => {
            let (format, out) = (a.export.as_deref()?, a.out.as_ref()?);
            let q = query(&[
                ("format", format),
                ("actor", &a.actor),
                ("action", &a.action),
                ("from", &a.from),
                ("to", &a.to),
            ]);
            Some((format!("/api/v1/audit-log/export{q}"), out))
        }
        ConsoleCommand::SignatureStatus { show, csv: Some(out) } => {
            Some((format!("/api/v1/signature-status/export.csv{}", query(&[("show", show)])), out))
        }
        _ => None,
    }
}

/// Runs a console command: sign in, one call, sign out.
pub fn run(args: &ConsoleArgs, json_out: bool) -> Exit {
    let Ok(password) = std::env::var("PORTAL_PASSWORD") else {
        eprintln!("error: set PORTAL_PASSWORD to {}'s password (a flag would show it to other users)", args.email);
        return Exit::Usage;
    };
    let mut portal = match Portal::new(&args.server, None) {
        Ok(p) => p,
        Err(CallError(message)) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
    };
    if let Err(CallError(message)) = portal.sign_in(&args.email, &password) {
        eprintln!("error: {message}");
        return Exit::Failed;
    }
    let code = match export_of(&args.command) {
        Some((path, out)) => save(&portal, &path, out, json_out),
        None => match plan_call(&args.command) {
            Ok(call) => show(portal.answer(call.method.clone(), &call.path, call.body.as_ref()), &call, json_out),
            Err(CallError(message)) => {
                eprintln!("error: {message}");
                Exit::Usage
            }
        },
    };
    portal.sign_out();
    code
}

fn save(portal: &Portal, path: &str, out: &PathBuf, json_out: bool) -> Exit {
    let bytes = match portal.download(path) {
        Ok(b) => b,
        Err(CallError(message)) => {
            eprintln!("error: {message}");
            return Exit::Failed;
        }
    };
    if let Err(e) = std::fs::write(out, &bytes) {
        eprintln!("error: cannot write {}: {e}", out.display());
        return Exit::Failed;
    }
    if json_out {
        println!("{}", json!({ "saved": out.display().to_string(), "bytes": bytes.len() }));
    } else {
        println!("saved {} ({} bytes)", out.display(), bytes.len());
    }
    Exit::Success
}

/// Prints an answer: JSON with `--json`; else a table for lists, indented
/// JSON for the rest. Exit 0 when served; 2 when the portal refused the
/// input (400, 404, 409, 422: nothing changed); 1 for anything else
/// (not allowed, unreachable, a server error).
fn show(answer: Result<(u16, Value), CallError>, call: &Call, json_out: bool) -> Exit {
    match answer {
        Ok((200..=299, v)) => {
            if json_out {
                println!("{v}");
            } else {
                let list = call.list_at.map_or(&v, |field| &v[field]);
                match list.as_array() {
                    Some(rows) if !call.columns.is_empty() => print!("{}", table(rows, call.columns)),
                    _ => println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default()),
                }
            }
            Exit::Success
        }
        Ok((status, v)) => {
            if json_out {
                println!("{v}");
            }
            let (code, message) = (str_of(&v["error"]["code"]), str_of(&v["error"]["message"]));
            eprintln!("the portal answered {status} ({code}): {message}");
            if matches!(status, 400 | 404 | 409 | 422) { Exit::Usage } else { Exit::Failed }
        }
        Err(CallError(message)) => {
            eprintln!("error: {message}");
            Exit::Failed
        }
    }
}

/// A plain-text table of `columns` (`a.b` reaches into objects), one row per
/// item; `*_at` times in the portal's readable UTC format.
fn table(rows: &[Value], columns: &[&str]) -> String {
    let cell = |row: &Value, column: &str| {
        let v = column.split('.').fold(row, |v, key| &v[key]);
        match v {
            Value::Null => "-".to_owned(),
            // Times are Unix milliseconds on the wire; people read them in UTC.
            Value::Number(n) if column == "at" || column.ends_with("_at") => {
                n.as_i64().map_or_else(|| n.to_string(), app::domain::period::display_time)
            }
            Value::String(s) => s.clone(),
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(","),
            other => other.to_string(),
        }
    };
    let cells: Vec<Vec<String>> = rows.iter().map(|r| columns.iter().map(|c| cell(r, c)).collect()).collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| cells.iter().map(|r| r[i].chars().count()).chain([c.len()]).max().unwrap_or(0))
        .collect();
    let line = |values: Vec<&str>| {
        let padded: Vec<String> = values.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    let mut out = line(columns.to_vec());
    for row in &cells {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    if rows.is_empty() {
        out.push_str("(none)\n");
    }
    out
}

/// `trust-portal webhooks`: the tenant's endpoint and messages with its API key.
#[derive(Debug, Args)]
pub struct WebhooksArgs {
    /// The portal and the tenant's API key (`admin` scope to see or change the endpoint).
    #[command(flatten)]
    pub remote: RemoteArgs,
    /// What to do.
    #[command(subcommand)]
    pub command: WebhooksCommand,
}

/// Webhook commands.
#[derive(Debug, Subcommand)]
pub enum WebhooksCommand {
    /// The endpoint's URL and signing secret.
    Endpoint,
    /// Point the endpoint at a receiver (checked by the SSRF guard).
    SetUrl {
        /// `https://…`.
        url: String,
    },
    /// Rotate the signing secret (the old one signs on for a day).
    RotateSecret,
    /// Send a signed test message and say what the receiver did (exit 1 if it was not delivered).
    Test,
    /// Messages and their delivery state, newest first.
    Messages {
        /// `pending`, `delivered`, `dead` or `test`.
        #[arg(long, default_value = "")]
        status: String,
        /// A `msg_…` id or the start of an event type.
        #[arg(long, default_value = "")]
        q: String,
    },
    /// Deliver a message again with the same `webhook-id`.
    Replay {
        /// `msg_…` id.
        id: String,
    },
}

/// Runs a webhooks command.
pub fn webhooks(args: &WebhooksArgs, json_out: bool) -> Exit {
    let portal = match Portal::from_args(&args.remote) {
        Some(Ok(p)) => p,
        Some(Err(CallError(message))) => {
            eprintln!("error: {message}");
            return Exit::Usage;
        }
        None => {
            eprintln!("error: give --server and the tenant's API key (PORTAL_API_KEY)");
            return Exit::Usage;
        }
    };
    use WebhooksCommand as W;
    let call = match &args.command {
        W::Endpoint => Call::get("/api/v1/webhooks/endpoint", &[]),
        W::SetUrl { url } => Call {
            method: Method::PUT,
            path: "/api/v1/webhooks/endpoint".into(),
            body: Some(json!({ "url": url })),
            columns: &[],
            list_at: None,
        },
        W::RotateSecret => Call::post("/api/v1/webhooks/endpoint/rotate-secret", json!({})),
        W::Test => Call::post("/api/v1/webhooks/endpoint/test", json!({})),
        W::Messages { status, q } => Call::get(
            format!("/api/v1/webhooks/messages{}", query(&[("status", status), ("q", q)])),
            &["id", "event_type", "status", "attempts", "last_error"],
        ),
        W::Replay { id } => Call::post(format!("/api/v1/webhooks/messages/{id}/replay"), json!({})),
    };
    let answer = portal.answer(call.method.clone(), &call.path, call.body.as_ref());
    if matches!(args.command, W::Test)
        && let Ok((200, v)) = &answer
        && v["delivered"] != true
    {
        if json_out {
            println!("{v}");
        }
        eprintln!("not delivered: {} ({})", str_of(&v["detail"]), str_of(&v["message"]["id"]));
        return Exit::Failed;
    }
    show(answer, &call, json_out)
}
