//! Job leases across processes on one database: the hourly upkeep and the
//! minute's alert syncs run on one process per period.

use crate::helpers::TestApp;

#[tokio::test]
async fn one_process_holds_a_job_lease_until_it_runs_out() {
    let app = TestApp::spawn().await;
    let other = app.another_process(|_| {}).await;
    let (a, b) = (&app.state.db, &other.state.db);
    let now = app.state.now_ms();
    let hour = 3_600_000;
    assert!(a.take_lease("upkeep.hourly", "node-a", now, now + hour).await.unwrap());
    assert!(!b.take_lease("upkeep.hourly", "node-b", now + 1, now + 1 + hour).await.unwrap(), "held by node-a");
    assert!(a.take_lease("upkeep.hourly", "node-a", now + 2, now + 2 + hour).await.unwrap(), "the holder renews");
    assert!(b.take_lease("alerts.minute", "node-b", now, now + 60_000).await.unwrap(), "another job is free");
    let later = now + 2 + hour;
    assert!(b.take_lease("upkeep.hourly", "node-b", later, later + hour).await.unwrap(), "expired: the next takes it");
    assert!(!a.take_lease("upkeep.hourly", "node-a", later + 1, later + 1 + hour).await.unwrap());

    // Two processes racing for the same period: exactly one wins.
    let race = |db: app::ssr::store::Db, who: &'static str| async move {
        db.take_lease("race", who, now, now + hour).await.unwrap()
    };
    let (x, y) = tokio::join!(race(a.clone(), "x"), race(b.clone(), "y"));
    assert!(x ^ y, "exactly one of two processes holds the lease: {x} {y}");
}
