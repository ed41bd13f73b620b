//! Invoice simulation: a tenant's metered usage in a month, priced by the plan
//! (its own or a what-if) with the price versions in effect at the month's
//! start. Read-only: previews never change stored data.

use super::auth::log_internal;
use super::store::{Db, OrgRow};
use crate::domain::invoice::{Invoice, InvoiceLine};
use crate::domain::money::{Cents, UnitPrice};
use crate::domain::period::Period;
use crate::domain::reconciliation::TenantReconciliation;
use crate::domain::{AppError, Plan};

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
    let ledgered = db.ledger_units(org_id, &period.to_string(), event).await.map_err(log_internal)?;
    let pending = db
        .unledgered_units(org_id, event, period.start_ms(), period.end_ms(), super::ledger::MAX_ATTEMPTS)
        .await
        .map_err(log_internal)?;
    Ok(ledgered + pending)
}

/// Simulates one tenant's invoice for `period`, on `plan` if given (a what-if).
pub async fn simulate(db: &Db, org: &OrgRow, period: Period, plan: Option<Plan>) -> Result<Invoice, AppError> {
    let current = plan_of(org);
    let plan = plan.unwrap_or(current);
    let (from, to) = (period.start_ms(), period.end_ms());
    let mut lines = Vec::with_capacity(EVENTS.len());
    for event in EVENTS {
        let units = billable_units(db, &org.id, period, event).await?;
        let price =
            db.price_in_effect(plan.as_str(), event, from).await.map_err(log_internal)?.ok_or_else(|| {
                AppError::invalid("plan", format!("no {event} price for {} in {period}", plan.label()))
            })?;
        lines.push(InvoiceLine::new(event, units, UnitPrice(price.unit_price_micros), &price.id));
    }
    let receipts = db.billed_receipts(&org.id, from, to, RECEIPTS_ON_PREVIEW).await.map_err(log_internal)?;
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
    })
}

/// Simulates every tenant's invoice for `period` (each on its own plan).
pub async fn simulate_all(db: &Db, period: Period) -> Result<Vec<Invoice>, AppError> {
    let mut out = Vec::new();
    let mut tenants = db.tenants().await.map_err(log_internal)?;
    tenants.sort_by(|a, b| a.slug.cmp(&b.slug));
    for org in &tenants {
        out.push(simulate(db, org, period, None).await?);
    }
    Ok(out)
}

/// Reconciles one tenant's month: verified calls, usage events, ledger and
/// invoice preview must all count the same `attestation.verify` units.
pub async fn reconcile(db: &Db, org: &OrgRow, period: Period) -> Result<TenantReconciliation, AppError> {
    const VERIFY: &str = "attestation.verify";
    let (from, to) = (period.start_ms(), period.end_ms());
    let usage_units = db
        .usage_totals(&org.id, from, to)
        .await
        .map_err(log_internal)?
        .into_iter()
        .find(|t| t.event == VERIFY)
        .map_or(0, |t| t.units);
    let ledger_units = db.ledger_units(&org.id, &period.to_string(), VERIFY).await.map_err(log_internal)?;

    Ok(TenantReconciliation {
        tenant: org.slug.clone(),
        period: period.to_string(),
        verified_calls: db.verified_calls(&org.id, from, to).await.map_err(log_internal)?,
        usage_units,
        ledger_units,
        pending_units: db
            .unledgered_units(&org.id, VERIFY, from, to, super::ledger::MAX_ATTEMPTS)
            .await
            .map_err(log_internal)?,
        // What simulate() puts on the invoice's attestation.verify line.
        invoiced_units: billable_units(db, &org.id, period, VERIFY).await?,
        calls_without_event: db.calls_without_event(&org.id, from, to).await.map_err(log_internal)?,
        events_without_call: db.events_without_call(&org.id, from, to).await.map_err(log_internal)?,
    })
}

/// Reconciles every tenant's month.
pub async fn reconcile_all(db: &Db, period: Period) -> Result<Vec<TenantReconciliation>, AppError> {
    let mut tenants = db.tenants().await.map_err(log_internal)?;
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
    state: &super::AppState,
    actor: &str,
    plan: &str,
    event: &str,
    dollars: &str,
    from: &str,
) -> Result<super::store::PriceRow, AppError> {
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
    let row = super::store::PriceRow {
        id: state.new_id(crate::domain::ids::PriceId::from_parts).to_string(),
        plan: plan.as_str().into(),
        event: event.into(),
        unit_price_micros: price.0,
        effective_from: from.start_ms(),
        created_by: Some(actor.into()),
        created_at: now,
    };
    state.db.insert_price(&row).await.map_err(|e| match e {
        super::store::StoreError::Conflict => AppError::new(
            crate::domain::ErrorCode::Conflict,
            format!("{} already has a {event} price from {from}", plan.label()),
        ),
        other => log_internal(other),
    })?;
    let detail = format!("{} {event} = {price} per unit from {from}", plan.label());
    super::audit::record(
        state,
        super::audit::AuditEvent { actor, action: "price.add", org_id: None, target: Some(&row.id), detail: &detail },
    )
    .await
    .map_err(log_internal)?;
    Ok(row)
}
