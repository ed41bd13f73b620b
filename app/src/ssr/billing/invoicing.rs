//! Issuing invoices. A month is open until its end plus the grace window
//! (`PORTAL_INVOICE_GRACE_HOURS`): its invoice is a draft and late units of the
//! month still land on it. Then it is issued once: the ledgered units of the
//! month and earlier months that no invoice bills yet are priced, and the
//! document and the units it bills (per month, event type and plan) are
//! stored in one transaction; the database refuses any later change. Units
//! ledgered after that (an outbox backlog, a replayed dead letter) become
//! adjustment lines on the next open month's invoice. Issuing reads the
//! tenant's ledger rows, never its events.

use crate::domain::AppError;
use crate::domain::ids::InvoiceId;
use crate::domain::invoice::{Invoice, Issued};
use crate::domain::money::Cents;
use crate::domain::period::Period;
use crate::ssr::AppState;
use crate::ssr::audit::AuditEvent;
use crate::ssr::billing::pricing::{
    EVENTS, PlanUnits, PriceBook, RECEIPTS_ON_PREVIEW, issued_months, next_open_after, plan_of, units_by_month,
};
use crate::ssr::error::log_internal;
use crate::ssr::store::{InvoiceRow, OrgRow, StoreError};

/// Upper bound of invoices issued per tenant in one run (a tenant years behind catches up over runs).
const MAX_PER_RUN: usize = 24;

/// When `period` closes: its end plus the grace window.
pub fn closes_at(state: &AppState, period: Period) -> i64 {
    period.end_ms() + i64::from(state.config.invoice_grace_hours) * 3_600_000
}

/// Issues a tenant's invoice for a closed month. `Ok(None)` when it was already issued.
pub async fn issue(state: &AppState, actor: &str, org: &OrgRow, period: Period) -> Result<Option<Invoice>, AppError> {
    let now = state.now_ms();
    let closes = closes_at(state, period);
    if now < closes {
        return Err(AppError::invalid(
            "period",
            format!(
                "{period} is still open: late usage lands on its draft until {} (month end + {} h grace)",
                crate::ssr::clock::rfc3339(closes),
                state.config.invoice_grace_hours
            ),
        ));
    }
    let db = &state.db;
    let book = PriceBook::load(db).await?;
    let plan = plan_of(org);
    let id = state.new_id(InvoiceId::from_parts).to_string();
    let receipts = db.billed_receipts(&org.id, period.start_ms(), period.end_ms(), RECEIPTS_ON_PREVIEW).await?;
    let build = |uninvoiced: &[crate::ssr::store::UninvoicedUnits]| -> Result<InvoiceRow, String> {
        let mut late = units_by_month(uninvoiced)?;
        // The month's own units per event type and plan; what is left is earlier months' late units.
        let own: Vec<(&str, PlanUnits)> = EVENTS
            .iter()
            .map(|e| {
                let mine: Vec<_> = late.keys().filter(|(m, ev, _)| *m == period && ev == e).cloned().collect();
                (*e, mine.into_iter().filter_map(|k| late.remove(&k).map(|u| (k.2, u))).collect())
            })
            .collect();
        late.retain(|(month, _, _), _| *month < period);
        let lines = book.lines(plan, false, period, &own, &late).map_err(|e| e.message)?;
        let invoice = Invoice {
            tenant_id: org.id.clone(),
            tenant: org.slug.clone(),
            tenant_name: org.name.clone(),
            plan: plan.as_str().into(),
            what_if: false,
            period: period.to_string(),
            total: Cents::sum(lines.iter().map(|l| l.amount)),
            lines,
            receipts: receipts.clone(),
            issued: Some(Issued { id: id.clone(), at: now }),
        };
        Ok(InvoiceRow {
            id: id.clone(),
            org_id: org.id.clone(),
            period: period.to_string(),
            plan: plan.as_str().into(),
            total_cents: invoice.total.0,
            body: serde_json::to_string(&invoice).map_err(|e| e.to_string())?,
            issued_at: now,
        })
    };
    let row = match db.issue_invoice(&org.id, &period.to_string(), &period.next().to_string(), build).await {
        Ok(Some(row)) => row,
        Ok(None) => return Ok(None),
        Err(StoreError::Invalid(why)) => return Err(AppError::invalid("period", why)),
        Err(e) => return Err(e.into()),
    };
    let invoice: Invoice = serde_json::from_str(&row.body).map_err(log_internal)?;
    let detail = format!("{} {period} {} total {}", org.slug, plan.as_str(), invoice.total);
    AuditEvent::new(actor, "invoice.issued").about(&org.id, &row.id).detail(&detail).log(state).await?;
    tracing::info!(tenant = %org.slug, %period, total = %invoice.total, "invoice issued");
    Ok(Some(invoice))
}

/// Issues every closed month that has ledgered, not yet invoiced usage, for
/// every tenant, oldest first. Safe to run from several processes at once.
pub async fn issue_due(state: &AppState, actor: &str) -> Result<Vec<Invoice>, AppError> {
    let mut out = Vec::new();
    let now = state.now_ms();
    for org in state.db.tenants().await? {
        for _ in 0..MAX_PER_RUN {
            let Some(oldest) = state.db.oldest_uninvoiced(&org.id).await? else { break };
            let (issued, _) = issued_months(&state.db, &org.id).await?;
            let month = Period::parse(&oldest).map_err(log_internal)?;
            let target = if issued.contains(&month) { next_open_after(month, &issued) } else { month };
            if closes_at(state, target) > now {
                break;
            }
            if let Some(invoice) = issue(state, actor, &org, target).await? {
                out.push(invoice);
            }
        }
    }
    Ok(out)
}
