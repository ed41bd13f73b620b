//! Invoice previews: lines of units x unit price, each rounded once (see
//! [`super::money`]), and their total. Shared by the CLI, the API and the portal
//! so all three show the same numbers.

use super::money::{Cents, UnitPrice};
use serde::{Deserialize, Serialize};

/// One line: an event type's units at its unit price.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    /// `attestation.verify` or `portal.download`.
    pub event: String,
    /// Billed units.
    pub units: i64,
    /// Unit price (micro-dollars).
    pub unit_price: UnitPrice,
    /// Id of the price version used.
    pub price_id: String,
    /// `units x unit_price`, rounded to cents half-up.
    pub amount: Cents,
    /// For an adjustment: the earlier, already issued month whose late units
    /// this line bills (priced as in that month).
    #[serde(default)]
    pub adjustment_of: Option<String>,
    /// The plan these units were used on, named when the invoice bills more
    /// than one plan (the tenant changed plans): each event is priced on the
    /// plan in force when it happened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
}

impl InvoiceLine {
    /// A line, its amount computed by the one rounding rule.
    pub fn new(event: &str, units: i64, unit_price: UnitPrice, price_id: &str) -> Self {
        Self {
            event: event.into(),
            units,
            unit_price,
            price_id: price_id.into(),
            amount: unit_price.line_amount(units),
            adjustment_of: None,
            plan: None,
        }
    }

    /// The same line as an adjustment for late units of `period`.
    pub fn adjusting(mut self, period: &str) -> Self {
        self.adjustment_of = Some(period.to_owned());
        self
    }

    /// The line's label for people: the event, and the month it adjusts.
    pub fn label(&self) -> String {
        match &self.adjustment_of {
            Some(p) => format!("{} (late units of {p})", self.event),
            None => self.event.clone(),
        }
    }

    /// The line in words, as an invoice prints it: "Attestation
    /// verifications, 42 x $0.005" (an adjustment names the month it bills).
    pub fn describe(&self) -> String {
        let what = match self.plan.as_deref() {
            Some(plan) => format!("{} on {}", event_in_words(&self.event), plan_in_words(plan)),
            None => event_in_words(&self.event).to_owned(),
        };
        match &self.adjustment_of {
            Some(p) => format!("{what} of {p} (used late), {} x {}", self.units, self.unit_price),
            None => format!("{what}, {} x {}", self.units, self.unit_price),
        }
    }
}

/// A plan in words (`pro` is "Pro"); an unknown name as it is.
fn plan_in_words(plan: &str) -> String {
    super::Plan::parse(plan).map_or_else(|_| plan.to_owned(), |p| p.label().to_owned())
}

/// A metered event type in words.
pub fn event_in_words(event: &str) -> &str {
    match event {
        "attestation.verify" => "Attestation verifications",
        "portal.download" => "Release pack downloads",
        other => other,
    }
}

/// An issued invoice's identity: it never changes after this.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// `inv_…` id.
    pub id: String,
    /// When it was issued (ms).
    pub at: i64,
}

/// One tenant's invoice for one month: a draft (simulated on demand) or issued.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// Tenant id.
    pub tenant_id: String,
    /// Tenant handle.
    pub tenant: String,
    /// Tenant name.
    pub tenant_name: String,
    /// Plan priced (the tenant's own, or the one asked for in a what-if).
    pub plan: String,
    /// True when `plan` is not the tenant's current plan (a what-if).
    pub what_if: bool,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// One line per event type.
    pub lines: Vec<InvoiceLine>,
    /// Sum of the line amounts.
    pub total: Cents,
    /// The first receipts behind the `attestation.verify` units (ids; more via the API).
    pub receipts: Vec<String>,
    /// Set once issued; a draft (None) still takes late units of its month.
    #[serde(default)]
    pub issued: Option<Issued>,
}

impl Invoice {
    /// Total of several invoices (the sum of their totals).
    pub fn grand_total(invoices: &[Invoice]) -> Cents {
        Cents::sum(invoices.iter().map(|i| i.total))
    }

    /// The invoice number, once issued: `INV-2026-11-ACME-ROBOTICS` (one
    /// invoice per tenant and month, so the number is unique and readable).
    pub fn number(&self) -> Option<String> {
        self.issued.as_ref().map(|_| number(&self.period, &self.tenant))
    }

    /// The list entry for this invoice.
    pub fn summary(&self) -> InvoiceSummary {
        InvoiceSummary {
            tenant: self.tenant.clone(),
            tenant_name: self.tenant_name.clone(),
            period: self.period.clone(),
            plan: self.plan.clone(),
            number: self.number(),
            issued_at: self.issued.as_ref().map(|i| i.at),
            total: self.total,
            units: self.lines.iter().filter(|l| l.event == "attestation.verify").map(|l| l.units).sum(),
        }
    }
}

/// The number of a tenant's invoice for a month (`YYYY-MM`).
pub fn number(period: &str, tenant: &str) -> String {
    format!("INV-{period}-{}", tenant.to_ascii_uppercase())
}

/// One row of the invoice list: an issued invoice or a month's draft.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    /// Tenant handle.
    pub tenant: String,
    /// Tenant name.
    pub tenant_name: String,
    /// The month, `YYYY-MM`.
    pub period: String,
    /// Plan priced.
    pub plan: String,
    /// Invoice number; `None` for a draft.
    pub number: Option<String>,
    /// When it was issued (ms); `None` for a draft.
    pub issued_at: Option<i64>,
    /// Total.
    pub total: Cents,
    /// Attestation verifications billed (including late ones of earlier months).
    pub units: i64,
}

impl InvoiceSummary {
    /// `issued` or `draft`.
    pub fn status(&self) -> &'static str {
        if self.issued_at.is_some() { "issued" } else { "draft" }
    }
}

/// CSV of invoices: one row per line, then a total row per invoice.
/// Amounts are dollars with two decimals; prices with as many as they need.
/// A line's plan is the one its units were used on (the invoice's unless the
/// tenant changed plans in the month).
pub fn to_csv(invoices: &[Invoice]) -> String {
    let mut out = String::from("period,tenant,plan,event,units,unit_price_usd,amount_usd,adjustment_of,status\n");
    for inv in invoices {
        let status = if inv.issued.is_some() { "issued" } else { "draft" };
        for l in &inv.lines {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{status}\n",
                inv.period,
                inv.tenant,
                l.plan.as_deref().unwrap_or(&inv.plan),
                l.event,
                l.units,
                l.unit_price.to_string().trim_start_matches('$'),
                l.amount.to_string().trim_start_matches('$'),
                l.adjustment_of.as_deref().unwrap_or(""),
            ));
        }
        out.push_str(&format!(
            "{},{},{},total,,,{},,{status}\n",
            inv.period,
            inv.tenant,
            inv.plan,
            inv.total.to_string().trim_start_matches('$')
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_in_words() {
        let line = InvoiceLine::new("attestation.verify", 42, UnitPrice(5_000), "p1");
        assert_eq!(line.describe(), "Attestation verifications, 42 x $0.005");
        let late = InvoiceLine::new("portal.download", 3, UnitPrice(0), "p2").adjusting("2026-10");
        assert_eq!(late.describe(), "Release pack downloads of 2026-10 (used late), 3 x $0.00");
        assert_eq!(event_in_words("custom.event"), "custom.event");
    }

    #[test]
    fn only_an_issued_invoice_has_a_number() {
        let mut inv = Invoice {
            tenant_id: "org_1".into(),
            tenant: "acme-robotics".into(),
            tenant_name: "Acme Robotics".into(),
            plan: "pro".into(),
            what_if: false,
            period: "2026-11".into(),
            lines: vec![InvoiceLine::new("attestation.verify", 25, UnitPrice(5_000), "p1")],
            total: Cents(13),
            receipts: vec![],
            issued: None,
        };
        assert_eq!(inv.number(), None);
        assert_eq!(inv.summary().status(), "draft");
        inv.issued = Some(Issued { id: "inv_1".into(), at: 5 });
        assert_eq!(inv.number().as_deref(), Some("INV-2026-11-ACME-ROBOTICS"));
        let summary = inv.summary();
        assert_eq!((summary.status(), summary.units, summary.total), ("issued", 25, Cents(13)));
    }

    #[test]
    fn csv_has_a_row_per_line_and_a_total() {
        let lines = vec![
            InvoiceLine::new("attestation.verify", 3, UnitPrice(2_500), "p1"),
            InvoiceLine::new("portal.download", 7, UnitPrice(0), "p2"),
            InvoiceLine::new("attestation.verify", 1, UnitPrice(2_500), "p0").adjusting("2026-03"),
        ];
        let total = Cents::sum(lines.iter().map(|l| l.amount));
        let inv = Invoice {
            tenant_id: "org_1".into(),
            tenant: "acme".into(),
            tenant_name: "Acme".into(),
            plan: "enterprise".into(),
            what_if: false,
            period: "2026-04".into(),
            lines,
            total,
            receipts: vec![],
            issued: Some(Issued { id: "inv_1".into(), at: 0 }),
        };
        assert_eq!(
            to_csv(&[inv]),
            "period,tenant,plan,event,units,unit_price_usd,amount_usd,adjustment_of,status\n\
             2026-04,acme,enterprise,attestation.verify,3,0.0025,0.01,,issued\n\
             2026-04,acme,enterprise,portal.download,7,0.00,0.00,,issued\n\
             2026-04,acme,enterprise,attestation.verify,1,0.0025,0.00,2026-03,issued\n\
             2026-04,acme,enterprise,total,,,0.01,,issued\n"
        );
    }
}
