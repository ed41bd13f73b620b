//! `/verifications`: the tenant's recent Attestation API calls, pass or fail.

use crate::api::verifications::list_verifications;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::period::display_time;
use crate::domain::status::CallOutcome;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/verifications`. See [`super`] for why pages create their data in `view`.
pub struct VerificationsPage;

#[lazy_route]
impl LazyRoute for VerificationsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let calls = Resource::new(|| (), |_| list_verifications());
        view! {
            <Title text="Verifications · Trust Portal" />
            <h1 class=ui::H1>"Verifications"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Every call your API keys made to "<code>"POST /api/v1/verify"</code>
                ", newest first. Rejected calls show the reason code the API returned."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match calls.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <p class="text-slate-600">"No verifications yet. Create an API key and call the Attestation API."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <DataTable caption="Recent verifications" headers=&["Time", "Kind", "Subject (SHA-256)", "Outcome", "Took"]>
                                        {list.into_iter().map(|v| {
                                            let ok = v.outcome == CallOutcome::Verified;
                                            let outcome = match &v.reason {
                                                Some(r) => format!("{} ({r})", v.outcome),
                                                None => v.outcome.to_string(),
                                            };
                                            view! {
                                                <tr data-testid="verification-row">
                                                    <td class=ui::TD>{display_time(v.created_at)}</td>
                                                    <td class=ui::TD><code>{v.kind}</code></td>
                                                    <td class=ui::TD>
                                                        <code class="break-all" title=v.id>
                                                            {v.subject_sha256.map_or_else(|| "—".to_owned(), |d| format!("{}…", &d[..d.len().min(16)]))}
                                                        </code>
                                                    </td>
                                                    <td class=ui::TD>
                                                        <span class=if ok { "text-green-800" } else { "text-red-800" }>{outcome}</span>
                                                    </td>
                                                    <td class=ui::TD>{format!("{} µs", v.latency_us)}</td>
                                                </tr>
                                            }
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
