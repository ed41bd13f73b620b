//! `verify-load`: the crash tests' load generator for `POST /api/v1/verify`
//! (bench/crash-test.sh, bench/multi-process.sh).
//!
//! `capacity` measures what the portal answers per second with every client
//! busy (a closed loop). `run` then offers a fixed rate (an open loop: request
//! `i` is due at `i / rate` seconds whatever became of the earlier ones), each
//! request with its own Idempotency-Key, every tenth one a tampered artifact
//! the portal must reject. A request is retried with the same key until it is
//! answered (200 or 422) or 60 s pass, so a server killed mid-request is
//! retried on its restart (or on the other node behind a proxy). It writes one
//! line per request, `KEY STATUS TRIES`, for the scripts' tally against the
//! database.
#![expect(clippy::disallowed_types, clippy::float_arithmetic, reason = "rates, durations and latencies here; no money")]

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand};
use tokio::sync::Semaphore;

#[derive(Parser)]
#[command(name = "verify-load", about = "Load generator for POST /api/v1/verify (crash tests)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measures answers per second with `connections` clients always busy; prints the rate.
    Capacity {
        #[command(flatten)]
        target: Target,
        /// How long to measure, in seconds.
        #[arg(long, default_value_t = 3.0)]
        secs: f64,
        /// Clients sending at once.
        #[arg(long, default_value_t = 16)]
        connections: usize,
    },
    /// Offers `rate` requests per second for `secs` seconds, retrying each until answered.
    Run {
        #[command(flatten)]
        target: Target,
        /// Requests offered per second.
        #[arg(long)]
        rate: f64,
        /// How long to offer them, in seconds.
        #[arg(long)]
        secs: f64,
        /// Where to write one `KEY STATUS TRIES` line per request.
        #[arg(long)]
        out: PathBuf,
        /// Requests in flight at most (the open loop waits beyond it).
        #[arg(long, default_value_t = 512)]
        max_in_flight: usize,
        /// A status no try may get (repeatable), e.g. 500: the run fails if one does.
        #[arg(long)]
        forbid_status: Vec<u16>,
    },
}

/// Where to send, as whom, and what.
#[derive(Args)]
struct Target {
    /// The portal (or the proxy in front of it), e.g. http://127.0.0.1:3000.
    #[arg(long)]
    url: String,
    /// A tenant API key with the `verify` scope.
    #[arg(long, env = "VERIFY_LOAD_KEY", hide_env_values = true)]
    key: String,
    /// A request body that verifies.
    #[arg(long)]
    ok: PathBuf,
    /// A request body the portal rejects (422).
    #[arg(long)]
    bad: PathBuf,
    /// Idempotency-Key prefix: request `i` is sent as `PREFIX-i`.
    #[arg(long)]
    prefix: String,
}

/// What one request came to: its key, its last status (0 when never answered) and its tries.
struct Ack {
    key: String,
    status: u16,
    tries: u32,
    latency: Duration,
    /// Tries before the last that got no answer (refused, reset, timed out).
    unanswered_tries: u32,
    /// The statuses of tries before the last that were answered otherwise (429, 502, 503…).
    other_statuses: Vec<u16>,
}

/// The loaded bodies and the client that sends them.
struct Sender {
    client: reqwest::Client,
    endpoint: String,
    key: String,
    ok: Vec<u8>,
    bad: Vec<u8>,
}

/// How long one request is retried before it counts as unanswered.
const GIVE_UP: Duration = Duration::from_secs(60);

impl Sender {
    fn new(target: &Target) -> Result<Self, String> {
        let read = |p: &PathBuf| std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .pool_max_idle_per_host(1024)
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            client,
            endpoint: format!("{}/api/v1/verify", target.url.trim_end_matches('/')),
            key: target.key.clone(),
            ok: read(&target.ok)?,
            bad: read(&target.bad)?,
        })
    }

    /// One attempt: the status, or 0 when no answer came (refused, reset, timed out).
    async fn attempt(&self, idempotency_key: &str, rejected: bool) -> u16 {
        let body = if rejected { self.bad.clone() } else { self.ok.clone() };
        let sent = self
            .client
            .post(&self.endpoint)
            .bearer_auth(&self.key)
            .header("idempotency-key", idempotency_key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        match sent {
            // Read the body: the answer counts once it has fully arrived.
            Ok(res) => {
                let status = res.status().as_u16();
                if res.bytes().await.is_ok() { status } else { 0 }
            }
            Err(_) => 0,
        }
    }

    /// Request `i` (every tenth one rejected), retried until answered or [`GIVE_UP`].
    async fn request(&self, prefix: &str, i: u64) -> Ack {
        let key = format!("{prefix}-{i}");
        let started = Instant::now();
        let (mut tries, mut unanswered_tries, mut other_statuses) = (0, 0, Vec::new());
        let mut pause = Duration::from_millis(20);
        loop {
            tries += 1;
            let status = self.attempt(&key, i % 10 == 9).await;
            if matches!(status, 200 | 422) || started.elapsed() >= GIVE_UP {
                return Ack { key, status, tries, latency: started.elapsed(), unanswered_tries, other_statuses };
            }
            if status == 0 {
                unanswered_tries += 1;
            } else {
                other_statuses.push(status);
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(Duration::from_millis(500));
        }
    }
}

/// Answers per second with `connections` clients always busy (each answer a 200 or 422).
async fn capacity(sender: Arc<Sender>, prefix: &str, secs: f64, connections: usize) -> f64 {
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for c in 0..connections {
        let (sender, prefix) = (sender.clone(), format!("{prefix}-c{c}"));
        clients.spawn(async move {
            let mut answered = 0u64;
            while Instant::now() < until {
                let ack = sender.request(&prefix, answered).await;
                answered += u64::from(matches!(ack.status, 200 | 422));
            }
            answered
        });
    }
    let answered: u64 = clients.join_all().await.into_iter().sum();
    answered as f64 / started.elapsed().as_secs_f64()
}

/// Offers `rate` requests per second for `secs`; every request's [`Ack`], in key order.
async fn run(sender: Arc<Sender>, prefix: &str, rate: f64, secs: f64, max_in_flight: usize) -> Vec<Ack> {
    let total = (rate * secs).round().max(1.0) as u64;
    let gate = Arc::new(Semaphore::new(max_in_flight.max(1)));
    let started = tokio::time::Instant::now();
    let mut requests = tokio::task::JoinSet::new();
    for i in 0..total {
        tokio::time::sleep_until(started + Duration::from_secs_f64(i as f64 / rate)).await;
        let Ok(place) = gate.clone().acquire_owned().await else { break };
        let (sender, prefix) = (sender.clone(), prefix.to_owned());
        requests.spawn(async move {
            let ack = sender.request(&prefix, i).await;
            drop(place);
            (i, ack)
        });
    }
    let offered_in = started.elapsed().as_secs_f64();
    let mut acks = requests.join_all().await;
    acks.sort_by_key(|(i, _)| *i);
    eprintln!(
        "offered {total} requests at {rate:.0}/s over {offered_in:.1} s (planned {secs:.1} s); all answered or given up after {:.1} s",
        started.elapsed().as_secs_f64()
    );
    acks.into_iter().map(|(_, ack)| ack).collect()
}

/// The latency (first try to answer, retries included) at quantile `q` of the answered requests.
fn quantile_ms(acks: &[Ack], q: f64) -> f64 {
    let mut ms: Vec<f64> = acks.iter().filter(|a| a.status != 0).map(|a| a.latency.as_secs_f64() * 1000.0).collect();
    if ms.is_empty() {
        return 0.0;
    }
    ms.sort_by(f64::total_cmp);
    let at = ((ms.len() as f64 * q).ceil() as usize).clamp(1, ms.len()) - 1;
    ms[at]
}

/// "N x STATUS" for each status seen, most frequent first ("none" when there were none).
fn status_counts(statuses: impl Iterator<Item = u16>) -> String {
    let mut counts = std::collections::BTreeMap::<u16, u64>::new();
    for s in statuses {
        *counts.entry(s).or_default() += 1;
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let parts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} x {s}")).collect();
    if parts.is_empty() { "none".into() } else { parts.join(", ") }
}

fn write_acks(path: &PathBuf, acks: &[Ack]) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for a in acks {
        writeln!(out, "{} {} {}", a.key, a.status, a.tries)?;
    }
    out.flush()
}

/// Runs one command; the error is the message to print.
async fn command(command: Command) -> Result<(), String> {
    match command {
        Command::Capacity { target, secs, connections } => {
            let sender = Arc::new(Sender::new(&target)?);
            let rate = capacity(sender, &format!("cap-{}", target.prefix), secs, connections).await;
            println!("{rate:.0}");
        }
        Command::Run { target, rate, secs, out, max_in_flight, forbid_status } => {
            if !(rate > 0.0 && secs > 0.0) {
                return Err("--rate and --secs must be above zero".into());
            }
            let sender = Arc::new(Sender::new(&target)?);
            let acks = run(sender, &target.prefix, rate, secs, max_in_flight).await;
            eprintln!(
                "latency to the answer, retries included: p50 {:.0} ms, p95 {:.0} ms, p99 {:.0} ms; \
                 tries retried: {} without an answer (node down), answered otherwise: {}",
                quantile_ms(&acks, 0.5),
                quantile_ms(&acks, 0.95),
                quantile_ms(&acks, 0.99),
                acks.iter().map(|a| u64::from(a.unanswered_tries)).sum::<u64>(),
                status_counts(acks.iter().flat_map(|a| a.other_statuses.iter().copied())),
            );
            write_acks(&out, &acks).map_err(|e| format!("{}: {e}", out.display()))?;
            let tries = acks.iter().flat_map(|a| a.other_statuses.iter().copied().chain([a.status]));
            let forbidden: Vec<u16> = tries.filter(|s| forbid_status.contains(s)).collect();
            if !forbidden.is_empty() {
                return Err(format!(
                    "{} tries got a forbidden status: {}",
                    forbidden.len(),
                    status_counts(forbidden.into_iter())
                ));
            }
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match command(Cli::parse().command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("verify-load: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
