//! Invoices: a tenant's metered usage in a month, priced by the plan (its own
//! or a what-if) with the price versions in effect at the month's start. A
//! month's invoice is a draft, simulated on demand, until it is issued
//! ([`crate::ssr::billing::invoicing`]); late units of issued months are adjustment lines on
//! the next open month's invoice. Read-only: previews never change stored data.

use crate::domain::invoice::{Invoice, InvoiceLine};
use crate::domain::money::{Cents, UnitPrice};
use crate::domain::period::Period;
use crate::domain::reconciliation::TenantReconciliation;
use crate::domain::{AppError, Plan};
use crate::ssr::error::log_internal;
use crate::ssr::store::{Db, OrgRow, PriceRow, UninvoicedUnits};
use std::collections::{BTreeMap, BTreeSet};

/// The metered event types, in invoice order.
pub const EVENTS: [&str; 2] = ["attestation.verify", "portal.download"];
/// Receipt ids listed on a preview (the API pages through the rest).
pub const RECEIPTS_ON_PREVIEW: i64 = 20;

/// The plan a tenant is on (Starter when unset or unknown).
pub fn plan_of(org: &OrgRow) -> Plan {
    org.plan.as_deref().and_then(|p| Plan::parse(p).ok()).unwrap_or(Plan::Starter)
}

/// Units billed for an event type in a month: the ledger's total plus the
/// events still on their way to it (not parked). Cheap at any volume: it
/// reads one ledger row and the outbox, never the month's events.
pub async fn billable_units(db: &Db, org_id: &str, period: Period, event: &str) -> Result<i64, AppError> {
    let ledgered = db.ledger_units(org_id, &period.to_string(), event).await?;
    let pending = db
        .unledgered_units(org_id, event, period.start_ms(), period.end_ms(), crate::ssr::billing::ledger::MAX_ATTEMPTS)
        .await?;
    Ok(ledgered + pending)
}

/// Units per plan the events were recorded on (`starter`, `pro`, `enterprise`).
pub type PlanUnits = BTreeMap<String, i64>;

/// Late units per (month, event type, plan).
pub type LateUnits = BTreeMap<(Period, String, String), i64>;

/// [`billable_units`] per plan the events were recorded on: one ledger row
/// per plan plus the outbox, never the month's events.
pub async fn billable_units_by_plan(db: &Db, org_id: &str, period: Period, event: &str) -> Result<PlanUnits, AppError> {
    let ledgered = db.ledger_units_by_plan(org_id, &period.to_string(), event).await?;
    let pending = db
        .unledgered_units_by_plan(
            org_id,
            event,
            period.start_ms(),
            period.end_ms(),
            crate::ssr::billing::ledger::MAX_ATTEMPTS,
        )
        .await?;
    let mut out = PlanUnits::new();
    for (plan, units) in ledgered.into_iter().chain(pending) {
        *out.entry(plan).or_default() += units;
    }
    Ok(out)
}

/// A stored plan name as a plan (every writer stores a valid one).
fn stored_plan(name: &str) -> Result<Plan, AppError> {
    Plan::parse(name).map_err(log_internal)
}

/// Every price version, loaded once per invoice.
#[derive(Debug, Clone)]
pub struct PriceBook(Vec<PriceRow>);

impl PriceBook {
    /// Loads the versions (a small table).
    pub async fn load(db: &Db) -> Result<Self, AppError> {
        Ok(Self(db.prices().await?))
    }

    /// `units` of `event` used in `month`, priced on `plan` as in that month.
    pub fn line(&self, plan: Plan, event: &str, month: Period, units: i64) -> Result<InvoiceLine, AppError> {
        let at = month.start_ms();
        let price = self
            .0
            .iter()
            .filter(|p| p.plan == plan.as_str() && p.event == event && p.effective_from <= at)
            .max_by_key(|p| p.effective_from)
            .ok_or_else(|| AppError::invalid("plan", format!("no {event} price for {} in {month}", plan.label())))?;
        Ok(InvoiceLine::new(event, units, UnitPrice(price.unit_price_micros), &price.id))
    }

    /// An invoice on `plan`'s lines: per event type of its own month (`own`,
    /// in [`EVENTS`] order) one line per plan its units were used on, each
    /// priced on that plan (a zero line on `plan` when there were none); then
    /// one adjustment per earlier month, event type and plan with late units,
    /// priced as in its own month. A what-if prices every unit on `plan`.
    /// When the lines span more than one plan, each names its plan.
    pub fn lines(
        &self,
        plan: Plan,
        what_if: bool,
        period: Period,
        own: &[(&str, PlanUnits)],
        late: &LateUnits,
    ) -> Result<Vec<InvoiceLine>, AppError> {
        let priced_on = |used_on: &str| if what_if { Ok(plan) } else { stored_plan(used_on) };
        let mut lines: Vec<(Plan, InvoiceLine)> = Vec::with_capacity(own.len() + late.len());
        for (event, per_plan) in own {
            let mut merged: Vec<(Plan, i64)> = Vec::new();
            for (used_on, units) in per_plan.iter().filter(|(_, u)| **u != 0) {
                let p = priced_on(used_on)?;
                match merged.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, total)) => *total += units,
                    None => merged.push((p, *units)),
                }
            }
            if merged.is_empty() {
                merged.push((plan, 0));
            }
            // In the order the plans are listed: Starter, Pro, Enterprise.
            merged.sort_by_key(|(p, _)| Plan::ALL.iter().position(|q| q == p));
            for (p, units) in merged {
                lines.push((p, self.line(p, event, period, units)?));
            }
        }
        let mut late_merged: BTreeMap<(Period, String, &'static str), (Plan, i64)> = BTreeMap::new();
        for ((month, event, used_on), units) in late {
            let p = priced_on(used_on)?;
            late_merged.entry((*month, event.clone(), p.as_str())).or_insert((p, 0)).1 += units;
        }
        for ((month, event, _), (p, units)) in late_merged {
            lines.push((p, self.line(p, &event, month, units)?.adjusting(&month.to_string())));
        }
        let several = lines.iter().any(|(p, _)| *p != plan);
        Ok(lines
            .into_iter()
            .map(|(p, mut line)| {
                line.plan = several.then(|| p.as_str().to_owned());
                line
            })
            .collect())
    }
}

/// Uninvoiced units per (month, event type, plan they were used on).
pub fn units_by_month(rows: &[UninvoicedUnits]) -> Result<LateUnits, String> {
    let mut out = LateUnits::new();
    for r in rows {
        let month = Period::parse(&r.period).map_err(|e| format!("ledger month {:?}: {e}", r.period))?;
        *out.entry((month, r.event.clone(), r.plan.clone())).or_default() += r.units;
    }
    Ok(out)
}

/// The first month after `month` that has no issued invoice: where late units of `month` are billed.
pub fn next_open_after(month: Period, issued: &BTreeSet<Period>) -> Period {
    let mut p = month.next();
    while issued.contains(&p) {
        p = p.next();
    }
    p
}

/// The months of a tenant's issued invoices.
pub async fn issued_months(db: &Db, org_id: &str) -> Result<(BTreeSet<Period>, Vec<Invoice>), AppError> {
    let mut months = BTreeSet::new();
    let mut invoices = Vec::new();
    for row in db.issued_invoices(org_id).await? {
        months.insert(Period::parse(&row.period).map_err(log_internal)?);
        invoices.push(serde_json::from_str::<Invoice>(&row.body).map_err(log_internal)?);
    }
    Ok((months, invoices))
}

/// Late units a draft of `period` bills: ledgered events of issued earlier
/// months that no invoice bills yet and whose next open month is `period`.
async fn late_units_for_draft(db: &Db, org_id: &str, period: Period) -> Result<LateUnits, AppError> {
    let (issued, _) = issued_months(db, org_id).await?;
    if issued.is_empty() {
        return Ok(LateUnits::new());
    }
    let late = db.uninvoiced_units(org_id, &period.to_string()).await?;
    let mut units = units_by_month(&late).map_err(log_internal)?;
    units.retain(|(month, _, _), _| issued.contains(month) && next_open_after(*month, &issued) == period);
    Ok(units)
}

/// One tenant's invoice for `period`, on `plan` if given (a what-if): the
/// issued document when the month is issued (a what-if reprices its units),
/// else a draft of the month's billable units plus late units of issued months.
pub async fn simulate(db: &Db, org: &OrgRow, period: Period, plan: Option<Plan>) -> Result<Invoice, AppError> {
    let current = plan_of(org);
    let plan = plan.unwrap_or(current);
    let book = PriceBook::load(db).await?;
    if let Some(row) = db.issued_invoice(&org.id, &period.to_string()).await? {
        let mut issued: Invoice = serde_json::from_str(&row.body).map_err(log_internal)?;
        if issued.plan != plan.as_str() {
            for line in &mut issued.lines {
                let month = match &line.adjustment_of {
                    Some(m) => Period::parse(m).map_err(log_internal)?,
                    None => period,
                };
                let repriced = book.line(plan, &line.event, month, line.units)?;
                // A what-if prices every unit on the one plan asked about.
                *line = InvoiceLine { adjustment_of: line.adjustment_of.take(), plan: None, ..repriced };
            }
            issued.total = Cents::sum(issued.lines.iter().map(|l| l.amount));
            issued.plan = plan.as_str().into();
            issued.what_if = true;
        }
        return Ok(issued);
    }
    let (from, to) = (period.start_ms(), period.end_ms());
    let mut own = Vec::with_capacity(EVENTS.len());
    for event in EVENTS {
        own.push((event, billable_units_by_plan(db, &org.id, period, event).await?));
    }
    let late = late_units_for_draft(db, &org.id, period).await?;
    let lines = book.lines(plan, plan != current, period, &own, &late)?;
    let receipts = db.billed_receipts(&org.id, from, to, RECEIPTS_ON_PREVIEW).await?;
    Ok(Invoice {
        tenant_id: org.id.clone(),
        tenant: org.slug.clone(),
        tenant_name: org.name.clone(),
        plan: plan.as_str().into(),
        what_if: plan != current,
        period: period.to_string(),
        total: Cents::sum(lines.iter().map(|l| l.amount)),
        lines,
        receipts,
        issued: None,
    })
}

/// Units of `event` used in `month` that issued invoices' lines bill: the
/// month's own lines and adjustments of it on later invoices.
fn on_invoices(invoices: &[Invoice], month: &str, event: &str) -> i64 {
    invoices
        .iter()
        .flat_map(|inv| inv.lines.iter().map(move |l| (inv, l)))
        .filter(|(inv, l)| {
            l.event == event
                && match &l.adjustment_of {
                    Some(m) => m == month,
                    None => inv.period == month,
                }
        })
        .map(|(_, l)| l.units)
        .sum()
}

/// Simulates every tenant's invoice for `period` (each on its own plan).
pub async fn simulate_all(db: &Db, period: Period) -> Result<Vec<Invoice>, AppError> {
    let mut out = Vec::new();
    let mut tenants = db.tenants().await?;
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    for org in &tenants {
        out.push(simulate(db, org, period, None).await?);
    }
    Ok(out)
}

/// Reconciles one tenant's month: verified calls, usage events, ledger and
/// invoice preview must all count the same `attestation.verify` units.
///
/// Reads counts from one snapshot ([`Db::month_counts`]), not the month's
/// events: when every event has its verified call of the same month and
/// there are as many calls as events, each call has its event too (an event
/// names one call, and no two events name the same one). Only when the
/// counts do not prove that do the per-event queries run, to name the ids.
pub async fn reconcile(db: &Db, org: &OrgRow, period: Period) -> Result<TenantReconciliation, AppError> {
    const VERIFY: &str = "attestation.verify";
    let (from, to) = (period.start_ms(), period.end_ms());
    let month = period.to_string();
    // The invoice documents and the counts come from separate reads: take the
    // counts between two reads that find the same invoices (never deleted, so
    // the same number means the same set), or an invoice issued in between
    // would be in the invoiced rows and not in the documents.
    let mut attempts = 0;
    let (issued, invoices, c) = loop {
        let (issued, invoices) = issued_months(db, &org.id).await?;
        let c = db.month_counts(&org.id, &month, from, to, crate::ssr::billing::ledger::MAX_ATTEMPTS).await?;
        attempts += 1;
        if attempts == 3 || db.issued_invoices(&org.id).await?.len() == invoices.len() {
            break (issued, invoices, c);
        }
    };
    // What invoices bill: for an issued month its lines, plus units waiting for
    // the next invoice (ledgered later) and the outbox; else what its draft bills.
    let invoiced_units = if issued.contains(&period) {
        on_invoices(&invoices, &month, VERIFY) + (c.ledger_units - c.invoiced_rows) + c.pending_units
    } else {
        c.ledger_units + c.pending_units
    };
    let (calls_without_event, events_without_call) = if c.evidenced == c.events && c.verified_calls == c.events {
        (Vec::new(), Vec::new())
    } else {
        (db.calls_without_event(&org.id, from, to).await?, db.events_without_call(&org.id, from, to).await?)
    };
    Ok(TenantReconciliation {
        tenant: org.slug.clone(),
        period: month,
        verified_calls: c.verified_calls,
        usage_units: c.usage_units,
        ledger_units: c.ledger_units,
        pending_units: c.pending_units,
        invoiced_units,
        calls_without_event,
        events_without_call,
    })
}

/// Reconciles every tenant's month.
pub async fn reconcile_all(db: &Db, period: Period) -> Result<Vec<TenantReconciliation>, AppError> {
    let mut tenants = db.tenants().await?;
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    let mut out = Vec::with_capacity(tenants.len());
    for org in &tenants {
        out.push(reconcile(db, org, period).await?);
    }
    Ok(out)
}

/// Adds a price version: `plan`'s `event` costs `dollars` per unit from the
/// start of `from` on. Months already begun keep their price unless `from` is
/// the current month (a draft); earlier months are refused, so a past
/// invoice never changes. Audited.
pub async fn add_price(
    state: &crate::ssr::AppState,
    actor: &str,
    plan: &str,
    event: &str,
    dollars: &str,
    from: &str,
) -> Result<crate::ssr::store::PriceRow, AppError> {
    let plan = Plan::parse(plan).map_err(|e| AppError::invalid("plan", e))?;
    if !EVENTS.contains(&event) {
        return Err(AppError::invalid("event", format!("{event:?}: use {}", EVENTS.join(" or "))));
    }
    let price = UnitPrice::parse_dollars(dollars).map_err(|e| AppError::invalid("price", e))?;
    let from = Period::parse(from).map_err(|e| AppError::invalid("from", e))?;
    let now = state.now_ms();
    if from < Period::containing(now) {
        return Err(AppError::invalid("from", format!("{from} has ended; prices change from this month on")));
    }
    let row = crate::ssr::store::PriceRow {
        id: state.new_id(crate::domain::ids::PriceId::from_parts).to_string(),
        plan: plan.as_str().into(),
        event: event.into(),
        unit_price_micros: price.0,
        effective_from: from.start_ms(),
        created_by: Some(actor.into()),
        created_at: now,
    };
    state.db.insert_price(&row).await.map_err(|e| match e {
        crate::ssr::store::StoreError::Conflict => AppError::new(
            crate::domain::ErrorCode::Conflict,
            format!("{} already has a {event} price from {from}", plan.label()),
        ),
        other => log_internal(other),
    })?;
    let detail = format!("{} {event} = {price} per unit from {from}", plan.label());
    crate::ssr::audit::record(
        state,
        crate::ssr::audit::AuditEvent {
            actor,
            action: "price.add",
            org_id: None,
            target: Some(&row.id),
            detail: &detail,
        },
    )
    .await?;
    Ok(row)
}
