//! `/receipts`: the tenant's signed receipts, each verifiable offline with the
//! portal's published key.

use crate::api::evidence::{ReceiptSummary, list_receipts, receipt_days};
use crate::components::charts::ReceiptsChart;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, PageLinks, ShortId};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/receipts`. See [`super`] for why pages create their data in `view`.
pub struct ReceiptsPage;

#[lazy_route]
impl LazyRoute for ReceiptsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let q = move || query.with(|q| q.get("q").unwrap_or_default());
        let before = move || query.with(|q| q.get("before").unwrap_or_default());
        let receipts = Resource::new(move || (q(), before()), |(q, before)| list_receipts(q, before));
        let days = Resource::new(|| (), |_| receipt_days());
        view! {
            <Title text="Receipts · Trust Portal" />
            <h1 class=ui::H1>"Receipts"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Each successful verification is signed by the portal (Ed25519, DSSE envelope). Check one offline with "
                <code>"trust-portal verify-receipt --key receipt-keys.json receipt.json"</code>
                " using the keys at "
                <a class="text-indigo-700 underline" href="/.well-known/trust-portal/receipt-keys.json">"/.well-known/trust-portal/receipt-keys.json"</a>"."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    days.await.ok().map(|days| view! { <section aria-label="Receipts per day" class="mb-6"><ReceiptsChart days /></section> })
                })}
            </Suspense>
            // Drawn again when the URL's search changes (a submit, a link from a verification).
            {move || view! { <SearchForm initial=q() /> }}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let (q, paged) = (q(), !before().is_empty());
                    let searched = !q.trim().is_empty();
                    match receipts.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(page) if page.rows.is_empty() && searched => view! {
                            <p class="text-slate-600" data-testid="receipts-empty">
                                "No receipt matches. "<a class="text-indigo-700 underline" href="/receipts">"Show every receipt"</a>"."
                            </p>
                        }.into_any(),
                        Ok(page) if page.rows.is_empty() && !paged => view! {
                            <p class="text-slate-600">"No receipts yet: they are issued for successful Attestation API calls."</p>
                        }.into_any(),
                        Ok(page) => {
                            let open = searched && page.rows.len() == 1;
                            let keep = searched.then(|| format!("q={}", crate::domain::text::query_value(&q)));
                            view! {
                                <DataTable caption="Receipts, newest first" headers=&["Issued", "Receipt", "Subject (SHA-256)", "Signed by", "Billed"]>
                                    {page.rows.into_iter().map(|r| view! { <ReceiptRow r open /> }).collect_view()}
                                </DataTable>
                                <PageLinks path="/receipts" paged older=page.older keep />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// The search box: a GET form, so a search (and a link from a verification) is a URL.
#[component]
fn SearchForm(initial: String) -> impl IntoView {
    let searched = !initial.is_empty();
    view! {
        <Form method="GET" action="/receipts" attr:class="mb-4 flex flex-wrap items-end gap-3" attr:aria-label="Search receipts">
            <div class="min-w-0 grow sm:max-w-xl">
                <label class=ui::LABEL for="receipt-q">"Receipt id or subject SHA-256"</label>
                <input id="receipt-q" name="q" class=ui::INPUT value=initial placeholder="ver_… or the first hex digits of a digest" />
            </div>
            <button type="submit" class=ui::BUTTON>"Search"</button>
            {searched.then(|| view! { <a class="self-center text-sm text-indigo-700 underline" href="/receipts">"Every receipt"</a> })}
        </Form>
    }
}

/// One receipt: its envelope behind a disclosure (open when it is the only
/// match), and the usage event and invoice month its verification was billed in.
#[component]
fn ReceiptRow(r: ReceiptSummary, open: bool) -> impl IntoView {
    let billed = match (r.usage_event, r.billed_in, r.invoice_href) {
        (Some(event), Some(month), Some(href)) => view! {
            <code title="usage event">{event}</code>" · "
            <a class="text-indigo-700 underline" href=href>{format!("invoice {month}")}</a>
        }
        .into_any(),
        (Some(event), Some(month), None) => {
            view! { <code title="usage event">{event}</code>{format!(" · {month}")} }.into_any()
        }
        _ => view! { <span class="text-slate-600">"no usage event"</span> }.into_any(),
    };
    view! {
        <tr data-testid="receipt-row" id=r.id.clone()>
            <td class=ui::TD>{display_time(r.created_at)}</td>
            <td class=ui::TD>
                <details open=open>
                    <summary class="cursor-pointer"><code>{r.id.clone()}</code></summary>
                    <pre tabindex="0" aria-label=format!("Signed receipt {}", r.id) class="mt-2 max-w-xl overflow-x-auto rounded bg-slate-50 p-2 text-xs focus:outline focus:outline-2 focus:outline-sky-600">{r.envelope}</pre>
                    <div class="mt-1 flex gap-4 text-sm">
                        <a class="text-indigo-700 underline" href=format!("/verify?receipt={}#receipt-check", r.id)>"Re-verify in your browser"</a>
                        <a class="text-indigo-700 underline" href=format!("/receipts/{}/download", r.id) rel="external" download="">"Download"</a>
                    </div>
                </details>
            </td>
            <td class=ui::TD><ShortId value=r.subject_sha256 what="subject digest" /></td>
            <td class=ui::TD><code>{r.key_id}</code></td>
            <td class=ui::TD data-testid="receipt-billed">{billed}</td>
        </tr>
    }
}
