//! Invoices as documents: the list of issued invoices and drafts, and one
//! invoice. Finance and operator admins see every tenant's; a tenant admin
//! its own. `GET /api/v1/invoices` serves the same services to scripts.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::invoice::{Invoice, InvoiceSummary};
use leptos::prelude::*;

/// Issued invoices and drafts the caller may see, newest month first.
#[server(endpoint = "invoices")]
pub async fn list_invoices() -> Result<Vec<InvoiceSummary>, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadUsage).await?;
    let scope = (!p.role.sees_all_tenants()).then_some(p.org_id.as_str());
    crate::ssr::billing::documents::list(&state, scope).await
}

/// One tenant's invoice for a month (`YYYY-MM`): issued, or the draft so far.
#[server(endpoint = "invoice")]
pub async fn load_invoice(tenant: String, period: String) -> Result<Invoice, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ReadUsage).await?;
    let scope = (!p.role.sees_all_tenants()).then_some(p.org_id.as_str());
    crate::ssr::billing::documents::document(&state, scope, &tenant, &period).await
}
