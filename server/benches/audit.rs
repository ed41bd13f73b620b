//! Audit kit costs (`cargo bench -p server --bench audit`), on a fresh SQLite
//! database with the whole demo (its engagement, fieldwork, evidence, restore
//! drill):
//! 1. evaluating the checklist (gathers the compliance pack, reads both
//!    releases' SBOMs, seals and verifies the compliance manifest): what every
//!    engagement card and the Checklist tab cost;
//! 2. building `signoff.zip` (everything, sealed, zipped);
//! 3. checking a `signoff.zip` offline against the published key set;
//! 4. the restore drill (back up, restore into scratch, count, verify the chain).

mod support;

use std::time::{Duration, Instant};

const RUNS: usize = 50;
const DRILLS: usize = 10;

async fn timed<T, F: std::future::Future<Output = T>>(times: &mut Vec<Duration>, f: F) -> T {
    let t = Instant::now();
    let out = f.await;
    times.push(t.elapsed());
    out
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    runtime.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = support::demo_state(dir.path()).await;
        let e = state.db.engagements(None).await.expect("engagements").pop().expect("the demo engagement");
        let security = app::ssr::identity::auth::principal_for(&state, "security@operator.demo").await.expect("p");

        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let (list, _) =
                timed(&mut times, app::ssr::audit_kit::checklist::evaluate(&state, &e)).await.expect("checklist");
            assert_eq!(list.progress(), (4, 5), "the demo's checklist");
        }
        support::summary("checklist evaluation", times);

        let mut times = Vec::with_capacity(RUNS);
        let mut built = None;
        for _ in 0..RUNS {
            built = Some(
                timed(&mut times, app::ssr::audit_kit::signoff::build(&state, &security, &e.id)).await.expect("built"),
            );
        }
        let built = built.expect("a pack");
        support::summary("signoff.zip build", times);
        println!("{:<30} {} bytes, sha256 {}", "", built.zip.len(), built.sha256);

        let keys: Vec<(Option<String>, String)> = app::ssr::verification::receipts::key_set(&state.db)
            .await
            .expect("keys")
            .keys
            .into_iter()
            .map(|k| (Some(k.keyid), k.public_key_pem))
            .collect();
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            let t = Instant::now();
            app::ssr::audit_kit::signoff::verify(&built.zip, &keys).expect("verifies");
            times.push(t.elapsed());
        }
        support::summary("signoff.zip offline check", times);

        let mut times = Vec::with_capacity(DRILLS);
        let mut last = None;
        for _ in 0..DRILLS {
            last = Some(timed(&mut times, app::ssr::audit_kit::restore::run(&state, "bench")).await.expect("drill"));
        }
        support::summary("restore drill (whole)", times);
        let m = last.and_then(|r| r.restore).expect("measured");
        println!(
            "{:<30} last: backup {} ms, recovery (RTO) {} ms, data-loss window {} ms, {} rows in {} tables",
            "", m.backup_ms, m.restore_ms, m.data_loss_window_ms, m.rows_checked, m.tables
        );
    });
}
