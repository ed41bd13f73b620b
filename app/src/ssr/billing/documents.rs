//! Invoices as documents: a tenant's issued invoices and open drafts as a
//! list, and one invoice by tenant and month. Every call is scoped: a tenant
//! sees only its own invoices, and another tenant's reads as not found.

use crate::domain::AppError;
use crate::domain::invoice::{Invoice, InvoiceSummary};
use crate::domain::period::Period;
use crate::ssr::AppState;
use crate::ssr::billing::pricing::{issued_months, simulate};
use crate::ssr::store::OrgRow;

/// Issued invoices and drafts of every tenant in `scope` (`None`: all),
/// newest month first. Drafts: the current month always, the previous month
/// while it is not issued yet and bills something.
pub async fn list(state: &AppState, scope: Option<&str>) -> Result<Vec<InvoiceSummary>, AppError> {
    let current = Period::containing(state.now_ms());
    let mut orgs = state.db.tenants().await?;
    orgs.retain(|o| scope.is_none_or(|id| o.id == id));
    let mut out = Vec::new();
    for org in &orgs {
        let (issued, invoices) = issued_months(&state.db, &org.id).await?;
        out.extend(invoices.iter().map(Invoice::summary));
        for month in [current.previous(), current] {
            if issued.contains(&month) {
                continue;
            }
            let draft = simulate(&state.db, org, month, None).await?.summary();
            if month == current || draft.units > 0 || draft.total.0 > 0 {
                out.push(draft);
            }
        }
    }
    out.sort_by(|a, b| b.period.cmp(&a.period).then_with(|| a.tenant.cmp(&b.tenant)));
    Ok(out)
}

/// One tenant's invoice for a month: the issued document, or the draft of a
/// month that has started. A tenant outside `scope` reads as not found.
pub async fn document(state: &AppState, scope: Option<&str>, tenant: &str, period: &str) -> Result<Invoice, AppError> {
    let period = Period::parse(period.trim()).map_err(|e| AppError::invalid("Month", e))?;
    let org = visible_tenant(state, scope, tenant).await?;
    if period.start_ms() > state.now_ms() {
        return Err(AppError::invalid("Month", format!("{period} has not started yet, so there is nothing to bill")));
    }
    simulate(&state.db, &org, period, None).await
}

/// The tenant `slug` if the caller may see it.
async fn visible_tenant(state: &AppState, scope: Option<&str>, slug: &str) -> Result<OrgRow, AppError> {
    state
        .db
        .org_by_slug(slug.trim())
        .await?
        .filter(|o| o.kind == "tenant" && scope.is_none_or(|id| o.id == id))
        .ok_or_else(|| AppError::not_found("Invoice"))
}
