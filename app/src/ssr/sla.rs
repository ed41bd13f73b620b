//! Measures the Attestation API: latency counts per 5-minute bucket (kept in
//! memory, written to the database every few seconds). Uptime comes from the
//! probes `trust-portal probe` records from outside the serving process, so a
//! stopped server shows as down.

use crate::domain::sla::{self, SlaStatus};
use crate::ssr::store::{Db, StoreResult};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// In-memory latency counts not yet written, keyed by (bucket start, bucket index).
#[derive(Debug, Default)]
pub struct SlaRecorder {
    pending: Mutex<BTreeMap<(i64, usize), u64>>,
}

impl SlaRecorder {
    /// Records one API request's latency.
    pub fn record(&self, now_ms: i64, latency_us: u64) {
        let key = (sla::uptime_bucket(now_ms), sla::bucket_for(latency_us));
        if let Ok(mut p) = self.pending.lock() {
            *p.entry(key).or_default() += 1;
        }
    }

    fn take(&self) -> BTreeMap<(i64, usize), u64> {
        self.pending.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default()
    }

    /// Writes pending counts. On a write failure the counts are put back, so none are lost.
    pub async fn flush(&self, db: &Db) -> StoreResult<()> {
        let taken = self.take();
        let rows: Vec<(i64, i64, i64)> =
            taken.iter().map(|(&(b, i), &c)| (b, i as i64, i64::try_from(c).unwrap_or(i64::MAX))).collect();
        if !rows.is_empty()
            && let Err(e) = db.add_latency_counts(&rows).await
        {
            if let Ok(mut p) = self.pending.lock() {
                for (k, c) in taken {
                    *p.entry(k).or_default() += c;
                }
            }
            return Err(e);
        }
        Ok(())
    }

    /// The SLA over the last `window_hours`, counting unwritten samples too.
    pub async fn status(&self, db: &Db, now_ms: i64, window_hours: u32) -> StoreResult<SlaStatus> {
        let from = sla::uptime_bucket(now_ms - i64::from(window_hours) * 3_600_000);
        let mut counts = vec![0u64; sla::LATENCY_BOUNDS_MS.len() + 1];
        for (i, c) in db.latency_counts_since(from).await? {
            if let Some(slot) = usize::try_from(i).ok().and_then(|i| counts.get_mut(i)) {
                *slot += u64::try_from(c).unwrap_or(0);
            }
        }
        if let Ok(p) = self.pending.lock() {
            for (&(b, i), &c) in p.iter() {
                if b >= from
                    && let Some(slot) = counts.get_mut(i)
                {
                    *slot += c;
                }
            }
        }
        let (up, probes) = db.sli_probes(now_ms - i64::from(window_hours) * 3_600_000, now_ms + 1).await?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(SlaStatus {
            p95_ms: sla::p95_ms(&counts),
            samples: counts.iter().sum(),
            uptime_ppm: sla::uptime_ppm(count(up), count(probes)),
            probes_up: count(up),
            probes: count(probes),
            window_hours,
        })
    }
}
