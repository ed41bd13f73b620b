//! Metering to money: usage events checked against their [`schema`], the
//! exactly-once [`ledger`] worker, invoice previews priced by plan
//! ([`pricing`]), issuing ([`invoicing`]), invoices as documents
//! ([`documents`]), the usage panel's overview
//! ([`usage`]) and the plan features bound to evidence ([`entitlements`]).

pub mod documents;
pub mod entitlements;
pub mod invoicing;
pub mod ledger;
pub mod pricing;
pub mod schema;
pub mod usage;
