//! Issued invoices: a month stays a draft through its grace window (late units
//! land on it), is then issued once and never changes; units ledgered later
//! become an adjustment on the next invoice, and every month still reconciles.

use crate::billing::{key_of, post_at, verify};
use crate::helpers::TestApp;
use app::domain::Plan;
use app::domain::invoice::Invoice;
use app::domain::period::Period;
use app::ssr::billing::invoicing::issue_due;
use app::ssr::billing::ledger::{MAX_ATTEMPTS, posting};
use app::ssr::billing::pricing::{reconcile, simulate};
use app::ssr::clock::ManualClock;
use app::ssr::store::{OrgRow, PendingEvent, Posting};
use std::sync::Arc;

const DAY: i64 = 86_400_000;
const VERIFY: &str = "attestation.verify";

fn units(inv: &Invoice, event: &str, adjustment_of: Option<&str>) -> i64 {
    inv.lines.iter().filter(|l| l.event == event && l.adjustment_of.as_deref() == adjustment_of).map(|l| l.units).sum()
}

/// Posts due events, failing the ones in `failing`, until those are parked.
async fn post_failing(app: &TestApp, failing: &[String]) {
    let post = |e: &PendingEvent| -> Result<Posting, String> {
        if failing.contains(&e.id) { Err("ledger store unavailable".into()) } else { posting(e) }
    };
    let mut t = app.state.now_ms();
    for _ in 0..MAX_ATTEMPTS {
        post_at(app, t, post).await;
        t += 10 * 60 * 1000;
    }
}

async fn issued(app: &TestApp, org: &OrgRow, period: Period) -> Option<Invoice> {
    let row = app.state.db.issued_invoice(&org.id, &period.to_string()).await.unwrap()?;
    Some(serde_json::from_str(&row.body).unwrap())
}

#[tokio::test]
async fn a_month_is_issued_once_after_its_grace_and_late_units_become_adjustments() {
    let april = Period::parse("2026-04").unwrap();
    let (may, june) = (april.next(), april.next().next());
    let clock = ManualClock::new(april.start_ms() + 19 * DAY);
    let app = TestApp::spawn_with_clock(|_| {}, Arc::new(clock.clone())).await;
    let acme_key = key_of(&app, "admin@acme.demo").await; // Pro: $0.005
    let org = app.state.db.org_by_slug("acme-robotics").await.unwrap().unwrap();
    for _ in 0..5 {
        assert_eq!(verify(&app, &acme_key, true).await, 200);
    }
    let mut ids: Vec<String> =
        app.state.db.usage_events(&org.id, 10).await.unwrap().into_iter().map(|e| e.id).collect();
    ids.sort();
    let (late_in_grace, late_after) = (ids[3].clone(), ids[4].clone());
    // Two April events stall on their way to the ledger and are parked.
    post_failing(&app, &[late_in_grace.clone(), late_after.clone()]).await;
    assert_eq!(app.state.db.dead_letters(Some(&org.id)).await.unwrap().len(), 2);

    // May 2nd: April has ended but is in its 72 h grace window: still a draft.
    clock.advance_ms(12 * DAY);
    assert!(issue_due(&app.state, "test").await.unwrap().is_empty());
    assert!(issued(&app, &org, april).await.is_none());
    let err = app::ssr::billing::invoicing::issue(&app.state, "test", &org, april).await.unwrap_err();
    assert!(err.message.contains("still open"), "{}", err.message);
    // One stalled event is replayed and ledgered within the grace window: it lands on April's draft.
    app.state.db.replay_dead_letters(app.state.now_ms()).await.unwrap();
    post_failing(&app, std::slice::from_ref(&late_after)).await;
    let draft = simulate(&app.state.db, &org, april, None).await.unwrap();
    assert_eq!((draft.issued.is_none(), units(&draft, VERIFY, None)), (true, 4));

    // May 5th: the grace window is over; April is issued once (by us or the server's hourly job).
    clock.advance_ms(3 * DAY);
    issue_due(&app.state, "test").await.unwrap();
    assert!(issue_due(&app.state, "test").await.unwrap().is_empty(), "issuing twice issues nothing");
    let april_invoice = issued(&app, &org, april).await.expect("April is issued");
    assert_eq!(units(&april_invoice, VERIFY, None), 4);
    assert_eq!(april_invoice.total.0, 2, "4 x $0.005 = 2 cents");
    assert!(april_invoice.issued.is_some());

    // April's invoice records the units it bills, and the database refuses to change
    // an issued invoice or what it bills.
    let db = app.state.db.pool();
    let billed: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT period, event, units FROM invoiced_units WHERE invoice_id = $1")
            .bind(&april_invoice.issued.as_ref().unwrap().id)
            .fetch_all(db)
            .await
            .unwrap();
    assert_eq!(billed, vec![("2026-04".to_owned(), VERIFY.to_owned(), 4)]);
    assert!(sqlx::query("UPDATE invoices SET total_cents = 0").execute(db).await.is_err());
    assert!(sqlx::query("DELETE FROM invoices").execute(db).await.is_err());
    assert!(sqlx::query("UPDATE invoiced_units SET units = 0").execute(db).await.is_err());
    assert!(sqlx::query("DELETE FROM invoiced_units").execute(db).await.is_err());

    // The last stalled April event is replayed after April was issued: April does not change;
    // May's draft carries it as an adjustment priced as in April (1 x $0.005 = 0.5 cent, rounds to 1).
    app.state.db.replay_dead_letters(app.state.now_ms()).await.unwrap();
    post_failing(&app, &[]).await;
    assert_eq!(simulate(&app.state.db, &org, april, None).await.unwrap(), april_invoice);
    let may_draft = simulate(&app.state.db, &org, may, None).await.unwrap();
    assert_eq!((units(&may_draft, VERIFY, None), units(&may_draft, VERIFY, Some("2026-04"))), (0, 1));
    assert_eq!(may_draft.total.0, 1);
    let r = reconcile(&app.state.db, &org, april).await.unwrap();
    assert!(r.is_clean(), "{}", r.summary());
    assert_eq!((r.verified_calls, r.usage_units, r.ledger_units, r.invoiced_units), (5, 5, 5, 5));

    // A what-if on an issued month reprices its units and leaves it alone.
    let what_if = simulate(&app.state.db, &org, april, Some(Plan::Enterprise)).await.unwrap();
    assert_eq!((what_if.what_if, what_if.total.0), (true, 1), "4 x $0.0025 = 1 cent");
    assert_eq!(issued(&app, &org, april).await.unwrap(), april_invoice);

    // June 5th: May is issued with the adjustment; both months still reconcile.
    clock.advance_ms(31 * DAY);
    issue_due(&app.state, "test").await.unwrap();
    let may_invoice = issued(&app, &org, may).await.expect("May is issued");
    assert_eq!(units(&may_invoice, VERIFY, Some("2026-04")), 1);
    assert_eq!(may_invoice.total.0, 1);
    for month in [april, may] {
        let r = reconcile(&app.state.db, &org, month).await.unwrap();
        assert!(r.is_clean(), "{}", r.summary());
    }
    assert!(issued(&app, &org, june).await.is_none(), "June is open");
}

#[tokio::test]
async fn a_plan_change_mid_month_bills_each_event_at_the_plan_in_force_when_it_happened() {
    let april = Period::parse("2026-04").unwrap();
    let clock = ManualClock::new(april.start_ms() + 9 * DAY);
    let app = TestApp::spawn_with_clock(|_| {}, Arc::new(clock.clone())).await;
    let key = key_of(&app, "admin@globex.demo").await; // Starter: $0.01
    let org = app.state.db.org_by_slug("globex").await.unwrap().unwrap();
    for _ in 0..3 {
        assert_eq!(verify(&app, &key, true).await, 200);
    }
    // Three events reach the ledger on Starter, then the operator moves Globex to Pro on the 15th.
    post_failing(&app, &[]).await;
    clock.advance_ms(5 * DAY);
    app::ssr::identity::accounts::set_plan(&app.state, "admin@operator.demo", &org.id, Plan::Pro).await.unwrap();
    for _ in 0..4 {
        assert_eq!(verify(&app, &key, true).await, 200);
    }
    assert_eq!(verify(&app, &key, false).await, 422, "a rejected call bills nothing on either plan");

    // The draft (two of Pro's events still in the outbox) already splits the month by plan.
    let org = app.state.db.org_by_slug("globex").await.unwrap().unwrap();
    let draft = simulate(&app.state.db, &org, april, None).await.unwrap();
    let verify_lines: Vec<(Option<&str>, i64, String)> =
        draft.lines.iter().filter(|l| l.event == VERIFY).map(|l| (l.plan.as_deref(), l.units, l.describe())).collect();
    assert_eq!(
        verify_lines,
        [
            (Some("starter"), 3, "Attestation verifications on Starter, 3 x $0.01".to_owned()),
            (Some("pro"), 4, "Attestation verifications on Pro, 4 x $0.005".to_owned()),
        ]
    );
    assert_eq!(draft.plan, "pro");
    assert_eq!(draft.total.0, 5, "3 x $0.01 + 4 x $0.005 = 5 cents (downloads: 0)");
    // A what-if prices every unit on the one plan asked about.
    let what_if = simulate(&app.state.db, &org, april, Some(Plan::Enterprise)).await.unwrap();
    assert_eq!((units(&what_if, VERIFY, None), what_if.total.0), (7, 2), "7 x $0.0025 = 1.75, rounds to 2 cents");
    assert!(what_if.lines.iter().all(|l| l.plan.is_none()));

    // Issued after the grace window: the same two lines, and the month reconciles.
    post_failing(&app, &[]).await;
    clock.advance_ms(25 * DAY);
    issue_due(&app.state, "test").await.unwrap();
    let invoice = issued(&app, &org, april).await.expect("April is issued");
    assert_eq!(invoice.lines, draft.lines, "the issued invoice bills what the draft showed");
    assert_eq!(invoice.total, draft.total);
    let r = reconcile(&app.state.db, &org, april).await.unwrap();
    assert!(r.is_clean(), "{}", r.summary());
    assert_eq!((r.verified_calls, r.usage_units, r.ledger_units, r.invoiced_units), (7, 7, 7, 7));
    // A plan change after issuing leaves the issued invoice as it was.
    app::ssr::identity::accounts::set_plan(&app.state, "admin@operator.demo", &org.id, Plan::Enterprise).await.unwrap();
    assert_eq!(issued(&app, &org, april).await.unwrap(), invoice);
}
