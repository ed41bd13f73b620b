//! `/invoices`: issued invoices and this month's drafts, per tenant and
//! month; `/invoices/:tenant/:period`: one invoice as a document, lines in
//! words, printable (the print stylesheet drops the portal's chrome) and
//! downloadable as CSV or JSON. Finance and operator admins see every
//! tenant's invoices; a tenant admin sees its own.

use crate::api::invoices::{list_invoices, load_invoice};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::invoice::{Invoice, InvoiceSummary};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/invoices`. See [`super`] for why pages create their data in `view`.
pub struct InvoicesPage;

#[lazy_route]
impl LazyRoute for InvoicesPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let invoices = Resource::new(|| (), |_| list_invoices());
        view! {
            <Title text="Invoices · Trust Portal" />
            <h1 class=ui::H1>"Invoices"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "A month's invoice is a draft while the month is open; it is issued once the month ends and its grace window passes, and never changes after that (usage that arrives later is billed on the next invoice). Only verified calls are billed."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match invoices.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-slate-600">"No tenants yet: invite one from Tenants, and its invoices appear here."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <DataTable caption="Invoices, newest month first" headers=&["Invoice", "Tenant", "Month", "Status", "Verifications", "Total"]>
                                {list.into_iter().map(|i| view! { <InvoiceRow invoice=i /> }).collect_view()}
                            </DataTable>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn InvoiceRow(invoice: InvoiceSummary) -> impl IntoView {
    let href = format!("/invoices/{}/{}", invoice.tenant, invoice.period);
    let status = invoice.status();
    let label = invoice.number.clone().unwrap_or_else(|| format!("Draft, {}", invoice.period));
    view! {
        <tr data-testid="invoice-row" data-status=status>
            <td class=ui::TD><a class="text-indigo-700 underline" href=href>{label}</a></td>
            <td class=ui::TD>{invoice.tenant_name}</td>
            <td class=ui::TD>{invoice.period}</td>
            <td class=ui::TD><StatusBadge issued_at=invoice.issued_at /></td>
            <td class=ui::TD>{invoice.units}</td>
            <td class=ui::TD>{invoice.total.to_string()}</td>
        </tr>
    }
}

/// "Issued" (green) or "Draft" (amber), in words, never by colour alone.
#[component]
fn StatusBadge(issued_at: Option<i64>) -> impl IntoView {
    match issued_at {
        Some(_) => {
            view! { <span class="rounded bg-green-100 px-2 py-0.5 text-xs font-semibold text-green-900">"Issued"</span> }
        }
        None => {
            view! { <span class="rounded bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900">"Draft"</span> }
        }
    }
}

/// `/invoices/:tenant/:period`.
pub struct InvoicePage;

#[lazy_route]
impl LazyRoute for InvoicePage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let key = move || params.with(|p| (p.get("tenant").unwrap_or_default(), p.get("period").unwrap_or_default()));
        let invoice = Resource::new(key, |(tenant, period)| load_invoice(tenant, period));
        view! {
            <p class="mb-2 text-sm print:hidden"><a class="text-indigo-700 underline" href="/invoices">"All invoices"</a></p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match invoice.await {
                        Err(e) => view! {
                            <Title text="Invoice · Trust Portal" />
                            <h1 class=ui::H1>"Invoice"</h1>
                            <ErrorNotice error=e />
                        }.into_any(),
                        Ok(i) => view! { <InvoiceDocument invoice=i /> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// One invoice as a document.
#[component]
fn InvoiceDocument(invoice: Invoice) -> impl IntoView {
    let number = invoice.number();
    let title = number.clone().unwrap_or_else(|| format!("Draft invoice, {}", invoice.period));
    let export =
        |format: &str| format!("/usage/export?period={}&tenant={}&format={format}", invoice.period, invoice.tenant);
    let (csv, json) = (export("csv"), export("json"));
    let status = match &invoice.issued {
        Some(issued) => format!(
            "Issued {}. Final: usage of {} that arrives later is billed on the next invoice.",
            display_time(issued.at),
            invoice.period
        ),
        None => format!(
            "Draft: {} so far. It is issued once the month ends and its grace window passes; until then late usage still lands on it.",
            invoice.period
        ),
    };
    let issued_at = invoice.issued.as_ref().map(|i| i.at);
    let receipts = invoice.receipts.len();
    view! {
        <Title text=format!("{title} · Trust Portal") />
        <article data-testid="invoice-document" aria-labelledby="invoice-title" class=format!("{} mb-4 max-w-3xl print:border-0 print:shadow-none", ui::CARD)>
            <header class="mb-4 flex flex-wrap items-start justify-between gap-4">
                <div>
                    <p class="text-xs uppercase tracking-wide text-slate-600">"Invoice from Trust Portal"</p>
                    <h1 id="invoice-title" class="text-2xl font-semibold text-slate-900" data-testid="invoice-number">{title}</h1>
                    <p class="text-sm text-slate-700">{format!("Billed to {} ({})", invoice.tenant_name, invoice.tenant)}</p>
                </div>
                <dl class="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                    <dt class="text-slate-600">"Month"</dt><dd>{invoice.period.clone()}</dd>
                    <dt class="text-slate-600">"Plan"</dt><dd class="capitalize">{invoice.plan.clone()}</dd>
                    <dt class="text-slate-600">"Status"</dt><dd data-testid="invoice-status"><StatusBadge issued_at /></dd>
                </dl>
            </header>
            <p class="mb-4 text-sm text-slate-700">{status}</p>
            <table class=ui::TABLE>
                <caption class="sr-only">"Invoice lines"</caption>
                <thead><tr><th scope="col" class=ui::TH>"Description"</th><th scope="col" class=format!("{} text-right", ui::TH)>"Amount"</th></tr></thead>
                <tbody>
                    {invoice.lines.iter().map(|l| view! {
                        <tr data-testid="invoice-line">
                            <td class=ui::TD>{l.describe()}</td>
                            <td class=format!("{} text-right", ui::TD)>{l.amount.to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row" class=format!("{} text-left", ui::TD)>"Total (USD)"</th>
                        <td class=format!("{} text-right font-semibold", ui::TD) data-testid="invoice-total">{invoice.total.to_string()}</td>
                    </tr>
                </tfoot>
            </table>
            <p class="mt-4 text-xs text-slate-600">
                "Each line is units x unit price, rounded once to cents (half-up). Only verified calls are billed; each has a signed receipt"
                {if receipts > 0 { format!(" (the first {receipts} are listed in the JSON download).") } else { ".".to_owned() }}
            </p>
        </article>
        <p class="flex flex-wrap gap-2 text-sm print:hidden">
            <a class=ui::BUTTON_QUIET href=csv download>"Download CSV"</a>
            <a class=ui::BUTTON_QUIET href=json download>"Download JSON"</a>
            <span class="self-center text-slate-600">"To save it as PDF, print this page: the print view shows only the invoice."</span>
        </p>
    }
}
