//! `--server URL --api-key K`: the CLI's verify commands asking a running
//! portal instead of verifying locally. The portal then applies the tenant's
//! stored keys, policies and roots, records the call, meters it and returns a
//! signed receipt. Exit codes match the local commands: 0 verified; 1 rejected
//! (reason on stderr); 2 bad usage, unreadable input, an unreachable portal or
//! an error answer (400/401/413/429/5xx).

use super::output::Exit;
use clap::Args;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// Artifacts up to this size travel as bytes (base64); larger ones as their
/// SHA-256 digest, which keeps the request under the API's 4 MiB body limit.
const INLINE_ARTIFACT_MAX: usize = 2 * 1024 * 1024;
/// How long one call may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Where to ask instead of verifying locally.
#[derive(Debug, Clone, Args)]
pub struct RemoteArgs {
    /// Ask a running portal (e.g. https://portal.example) instead of verifying locally.
    #[arg(long, requires = "api_key")]
    pub server: Option<String>,
    /// The tenant's API key (tpk_…), for --server. Prefer the PORTAL_API_KEY variable: command lines are visible to other users.
    #[arg(long, env = "PORTAL_API_KEY", hide_env_values = true)]
    pub api_key: Option<String>,
}

/// A portal that can be called: base URL and an API key or, after
/// [`Portal::sign_in`], a session cookie.
#[derive(Debug)]
pub struct Portal {
    base: String,
    api_key: Option<String>,
    cookie: Option<String>,
    client: reqwest::Client,
}

/// Why a call did not produce a verdict (exit 2).
#[derive(Debug)]
pub struct CallError(pub String);

/// The portal's verdict on one request.
#[derive(Debug)]
pub enum Verdict {
    /// 2xx: the JSON body.
    Accepted(Value),
    /// 422: the reason code and sentence.
    Rejected {
        /// Machine-readable reason.
        reason: String,
        /// For people.
        message: String,
        /// The full body (reports for packs).
        body: Value,
    },
}

impl Portal {
    /// A portal at `base` (scheme http or https), with an optional API key.
    pub fn new(base: &str, api_key: Option<String>) -> Result<Self, CallError> {
        let base = base.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(CallError(format!("--server must be an http:// or https:// URL, not {base:?}")));
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("trust-portal-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CallError(format!("cannot start the HTTP client: {e}")))?;
        Ok(Self { base: base.to_owned(), api_key, cookie: None, client })
    }

    /// From the command-line flags, when `--server` was given.
    pub fn from_args(args: &RemoteArgs) -> Option<Result<Self, CallError>> {
        args.server.as_deref().map(|s| Self::new(s, args.api_key.clone()))
    }

    /// POSTs `body` to `path` and sorts the answer into a verdict.
    pub fn post(&self, path: &str, content_type: &str, body: Vec<u8>) -> Result<Verdict, CallError> {
        self.call(self.client.post(self.url(path)).header("content-type", content_type).body(body))
    }

    /// GETs `path`.
    pub fn get(&self, path: &str) -> Result<Verdict, CallError> {
        self.call(self.client.get(self.url(path)))
    }

    /// Sends `method path` with an optional JSON body; the status and the JSON answer (`{}` when not JSON).
    pub fn answer(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<(u16, Value), CallError> {
        let mut request = self.client.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(body);
        }
        let (status, _, body) = self.exchange(request)?;
        Ok((status.as_u16(), serde_json::from_slice(&body).unwrap_or_else(|_| json!({}))))
    }

    /// GETs `path` as a file (an export): its bytes, or why not.
    pub fn download(&self, path: &str) -> Result<Vec<u8>, CallError> {
        let (status, _, body) = self.exchange(self.client.get(self.url(path)))?;
        if status.is_success() {
            return Ok(body);
        }
        let value: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
        Err(CallError(format!("the portal answered {status}: {}", str_of(&value["error"]["message"]))))
    }

    /// Signs in with e-mail and password (`POST /api/v1/session`); later
    /// calls carry the session. Returns the role.
    pub fn sign_in(&mut self, email: &str, password: &str) -> Result<String, CallError> {
        let request =
            self.client.post(self.url("/api/v1/session")).json(&json!({ "email": email, "password": password }));
        let (status, headers, body) = self.exchange(request)?;
        let value: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
        if !status.is_success() {
            return Err(CallError(format!("signing in as {email}: {}", str_of(&value["error"]["message"]))));
        }
        let cookie = headers
            .get_all(reqwest::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.split(';').next().filter(|kv| kv.contains("tp_session=")))
            .ok_or_else(|| CallError("the portal set no session cookie".into()))?;
        self.cookie = Some(cookie.to_owned());
        Ok(str_of(&value["role"]).to_owned())
    }

    /// Ends the session started by [`Portal::sign_in`] (best effort: it also expires on its own).
    pub fn sign_out(&mut self) {
        if self.cookie.is_some() {
            let _ = self.exchange(self.client.delete(self.url("/api/v1/session")));
            self.cookie = None;
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends one request with the credentials; the status, headers and body.
    fn exchange(
        &self,
        mut request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>), CallError> {
        if let Some(key) = &self.api_key {
            request = request.bearer_auth(key);
        }
        if let Some(cookie) = &self.cookie {
            request = request.header(reqwest::header::COOKIE, cookie);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| CallError(format!("cannot start the async runtime: {e}")))?;
        runtime.block_on(async {
            let res = request.send().await.map_err(|e| CallError(format!("cannot reach {}: {e}", self.base)))?;
            let status = res.status();
            let headers = res.headers().clone();
            let body = res.bytes().await.map_err(|e| CallError(format!("reading the answer: {e}")))?;
            Ok((status, headers, body.to_vec()))
        })
    }

    fn call(&self, request: reqwest::RequestBuilder) -> Result<Verdict, CallError> {
        let (status, _, body) = self.exchange(request)?;
        let value: Value = serde_json::from_slice(&body).unwrap_or_else(|_| json!({}));
        // Errors carry {"error": {code, message}}; a stored-but-failed pack carries its own `reason`.
        let code = value["error"]["code"].as_str().or_else(|| value["reason"].as_str()).unwrap_or("").to_owned();
        let message = value["error"]["message"].as_str().or_else(|| first_failed_check(&value)).map_or_else(
            || format!("HTTP {status}: {}", String::from_utf8_lossy(&body[..body.len().min(200)])),
            str::to_owned,
        );
        match status.as_u16() {
            200..=299 => Ok(Verdict::Accepted(value)),
            422 => Ok(Verdict::Rejected { reason: code, message, body: value }),
            s => Err(CallError(format!("the portal answered {s} ({code}): {message}"))),
        }
    }
}

/// The artifact part of a request: bytes (small files) or digest.
pub fn artifact_json(file_or_digest: &str) -> Result<Value, CallError> {
    let path = std::path::Path::new(file_or_digest);
    if !path.exists() && app::ssr::verification::engine::parse_sha256_digest(file_or_digest).is_some() {
        return Ok(json!({ "digest": file_or_digest }));
    }
    let data = std::fs::read(path).map_err(|e| CallError(format!("cannot read artifact {file_or_digest}: {e}")))?;
    if data.len() <= INLINE_ARTIFACT_MAX {
        use base64::Engine;
        Ok(json!({ "base64": base64::engine::general_purpose::STANDARD.encode(&data) }))
    } else {
        Ok(json!({ "digest": format!("sha256:{}", hex::encode(Sha256::digest(&data))) }))
    }
}

/// Sends a verification request and prints the result like the local commands do.
pub fn verify(portal: &Portal, request: &Value, json_out: bool) -> Exit {
    let body = request.to_string().into_bytes();
    print_verdict(portal.post("/api/v1/verify", "application/json", body), json_out, |v| {
        let signer = &v["signer"];
        let who = match signer["kind"].as_str() {
            Some("identity") => format!(
                "{} (issuer {})",
                signer["identity"].as_str().unwrap_or("?"),
                signer["issuer"].as_str().unwrap_or("?")
            ),
            _ => format!("key {}", signer["key_id"].as_str().unwrap_or("?")),
        };
        let mut out = format!("Verified OK by the portal: sha256:{} signed by {who}", str_of(&v["subject_sha256"]));
        for check in v["checks"].as_array().into_iter().flatten() {
            out.push_str(&format!("\n  ✓ {}", check.as_str().unwrap_or("?")));
        }
        out.push_str(&format!("\n  receipt {} ({})", str_of(&v["verification_id"]), str_of(&v["receipt_url"])));
        out
    })
}

/// Prints a verdict: the JSON body with `--json`, else `human(body)` on
/// success; the reason on stderr when rejected. Returns the exit code.
pub fn print_verdict(
    verdict: Result<Verdict, CallError>,
    json_out: bool,
    human: impl FnOnce(&Value) -> String,
) -> Exit {
    match verdict {
        Ok(Verdict::Accepted(v)) => {
            if json_out {
                println!("{v}");
            } else {
                println!("{}", human(&v));
            }
            Exit::Success
        }
        Ok(Verdict::Rejected { reason, message, body }) => {
            if json_out {
                println!("{body}");
            }
            eprintln!("rejected: {message} ({reason})");
            Exit::Failed
        }
        Err(CallError(message)) => {
            eprintln!("error: {message}");
            Exit::Usage
        }
    }
}

/// The detail of a pack report's first failed check.
fn first_failed_check(value: &Value) -> Option<&str> {
    value["report"]["checks"].as_array()?.iter().find(|c| c["status"] == "failed")?["detail"].as_str()
}

/// A JSON string field, or `?`.
pub fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or("?")
}
