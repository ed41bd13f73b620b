//! Price versions: finance and operator admins read them; operator admins add one.
#![expect(missing_docs, reason = "#[server] generates argument structs whose fields cannot carry docs")]

use crate::domain::AppError;
use crate::domain::money::UnitPrice;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A unit price in effect from the start of a month.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceVersion {
    /// `price_…` id.
    pub id: String,
    /// `starter`, `pro` or `enterprise`.
    pub plan: String,
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// Per unit.
    pub unit_price: UnitPrice,
    /// First month it applies to, `YYYY-MM`.
    pub from: String,
    /// Who added it (`built-in` for the launch prices).
    pub added_by: String,
}

#[cfg(feature = "ssr")]
fn version(row: crate::ssr::store::PriceRow) -> PriceVersion {
    PriceVersion {
        from: crate::domain::period::Period::containing(row.effective_from).to_string(),
        id: row.id,
        plan: row.plan,
        event: row.event,
        unit_price: UnitPrice(row.unit_price_micros),
        added_by: row.created_by.unwrap_or_else(|| "built-in".into()),
    }
}

/// Every price version, newest first (operator admins and finance).
#[server(endpoint = "list_prices")]
pub async fn list_prices() -> Result<Vec<PriceVersion>, AppError> {
    let (state, _) = crate::ssr::identity::auth::require(crate::domain::Action::ReadPrices).await?;
    let rows = state.db.prices().await?;
    Ok(rows.into_iter().map(version).collect())
}

/// Adds a price version from `from` (`YYYY-MM`, this month or later) on (operator admins). Audited.
#[server(endpoint = "add_price")]
pub async fn add_price(plan: String, event: String, price: String, from: String) -> Result<PriceVersion, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::ManagePrices).await?;
    let row = crate::ssr::billing::pricing::add_price(&state, &p.email, &plan, &event, &price, &from).await?;
    Ok(version(row))
}
