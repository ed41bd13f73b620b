//! `/receipts`: the tenant's signed receipts, each verifiable offline with the
//! portal's published key.

use crate::api::evidence::list_receipts;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/receipts`. See [`super`] for why pages create their data in `view`.
pub struct ReceiptsPage;

#[lazy_route]
impl LazyRoute for ReceiptsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let receipts = Resource::new(|| (), |_| list_receipts());
        view! {
            <Title text="Receipts · Trust Portal" />
            <h1 class=ui::H1>"Receipts"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Each successful verification is signed by the portal (Ed25519, DSSE envelope). Check one offline with "
                <code>"trust-portal verify-receipt --key receipt-keys.json receipt.json"</code>
                " using the keys at "
                <a class="text-indigo-700 underline" href="/.well-known/trust-portal/receipt-keys.json">"/.well-known/trust-portal/receipt-keys.json"</a>"."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match receipts.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-slate-600">"No receipts yet: they are issued for successful Attestation API calls."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <DataTable caption="Receipts, newest first" headers=&["Issued", "Receipt", "Subject (SHA-256)", "Signed by"]>
                                {list.into_iter().map(|r| view! {
                                    <tr data-testid="receipt-row">
                                        <td class=ui::TD>{display_time(r.created_at)}</td>
                                        <td class=ui::TD>
                                            <details>
                                                <summary class="cursor-pointer"><code>{r.id.clone()}</code></summary>
                                                <pre tabindex="0" aria-label=format!("Signed receipt {}", r.id) class="mt-2 max-w-xl overflow-x-auto rounded bg-slate-50 p-2 text-xs focus:outline focus:outline-2 focus:outline-sky-600">{r.envelope}</pre>
                                            </details>
                                        </td>
                                        <td class=ui::TD><code class="break-all">{r.subject_sha256}</code></td>
                                        <td class=ui::TD><code>{r.key_id}</code></td>
                                    </tr>
                                }).collect_view()}
                            </DataTable>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}
