//! Invoice simulation: a tenant's metered usage in a month, priced by the plan
//! (its own or a what-if) with the price versions in effect at the month's
//! start. Read-only: previews never change stored data.

use super::auth::log_internal;
use super::store::{Db, OrgRow};
use crate::domain::invoice::{Invoice, InvoiceLine};
use crate::domain::money::{Cents, UnitPrice};
use crate::domain::period::Period;
use crate::domain::{AppError, Plan};

/// The metered event types, in invoice order.
pub const EVENTS: [&str; 2] = ["attestation.verify", "portal.download"];
/// Receipt ids listed on a preview (the API pages through the rest).
pub const RECEIPTS_ON_PREVIEW: i64 = 20;

/// The plan a tenant is on (Starter when unset or unknown).
pub fn plan_of(org: &OrgRow) -> Plan {
    org.plan.as_deref().and_then(|p| Plan::parse(p).ok()).unwrap_or(Plan::Starter)
}

/// Simulates one tenant's invoice for `period`, on `plan` if given (a what-if).
pub async fn simulate(db: &Db, org: &OrgRow, period: Period, plan: Option<Plan>) -> Result<Invoice, AppError> {
    let current = plan_of(org);
    let plan = plan.unwrap_or(current);
    let (from, to) = (period.start_ms(), period.end_ms());
    let totals = db.usage_totals(&org.id, from, to).await.map_err(log_internal)?;
    let mut lines = Vec::with_capacity(EVENTS.len());
    for event in EVENTS {
        let units = totals.iter().find(|t| t.event == event).map_or(0, |t| t.units);
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
