//! Group commit of Attestation API records. Handlers hand their call record
//! to one writer task and wait for it; the writer takes every record waiting
//! (up to [`MAX_BATCH`]) and commits them in one transaction, then answers
//! each handler. A handler still answers only after its record is durable, but
//! a busy server pays one commit per batch instead of one per request, and
//! SQLite writers stop queueing on the database lock. The writer keeps one
//! connection while busy ([`WriterConnection`]) and gives it back after
//! [`IDLE_RELEASE`] without work.

use crate::ssr::store::{CallRecord, Db, StoreError, WriterConnection};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Most records in one transaction (10 columns each stays far below any
/// engine's bound-parameter limit).
pub const MAX_BATCH: usize = 64;
/// Records that may wait for the writer before handlers wait to enqueue.
const QUEUE: usize = 1024;
/// How long the writer keeps its connection without work: short, so a quiet
/// server holds no pool connection it does not use.
pub const IDLE_RELEASE: Duration = Duration::from_millis(200);

type Job = (CallRecord, oneshot::Sender<Result<(), StoreError>>);

/// The handle handlers use (shared through [`crate::ssr::AppState`]). The writer task
/// starts on first use, inside the server's runtime, and stops when the handle is dropped.
#[derive(Debug, Default)]
pub struct CallWriter {
    sender: std::sync::OnceLock<mpsc::Sender<Job>>,
}

impl CallWriter {
    /// Writes one call record; returns once it is committed (or failed).
    pub async fn write(&self, db: &Db, record: CallRecord) -> Result<(), StoreError> {
        let sender = self.sender.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            tokio::spawn(run(db.clone(), rx));
            tx
        });
        let (done, wait) = oneshot::channel();
        sender.send((record, done)).await.map_err(|_| StoreError::Corrupt("the record writer stopped".into()))?;
        wait.await.map_err(|_| StoreError::Corrupt("the record writer stopped".into()))?
    }
}

/// The writer loop.
async fn run(db: Db, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    let mut conn = WriterConnection::default();
    loop {
        let received = match tokio::time::timeout(IDLE_RELEASE, rx.recv_many(&mut jobs, MAX_BATCH)).await {
            Ok(n) => n,
            Err(_idle) => {
                conn.release();
                rx.recv_many(&mut jobs, MAX_BATCH).await
            }
        };
        if received == 0 {
            break; // every handle is gone
        }
        let (records, senders): (Vec<CallRecord>, Vec<_>) = jobs.drain(..).unzip();
        match db.insert_calls_on(&mut conn, &records).await {
            Ok(()) => {
                for done in senders {
                    let _ = done.send(Ok(()));
                }
            }
            Err(batch_error) => {
                // Write each alone so one bad record does not fail the others.
                tracing::warn!(error = %batch_error, records = records.len(), "group commit failed; writing one by one");
                for (record, done) in records.into_iter().zip(senders) {
                    let result = db.insert_calls_on(&mut conn, std::slice::from_ref(&record)).await;
                    // A conflict is an idempotency key another request claimed first; its caller replays that answer.
                    match &result {
                        Err(e) if e.is_unavailable() => {
                            tracing::warn!(error = %e, id = %record.verification.id, "database unavailable: API call not recorded");
                        }
                        Err(e) if !matches!(e, StoreError::Conflict) => {
                            tracing::error!(error = %e, id = %record.verification.id, "cannot record an API call");
                        }
                        _ => {}
                    }
                    let _ = done.send(result);
                }
            }
        }
    }
}
