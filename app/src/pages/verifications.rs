//! `/verifications`: the tenant's recent Attestation API calls, pass or fail.

use crate::api::verifications::{VerificationSummary, list_verifications, verification_days};
use crate::components::charts::CallsChart;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, PageLinks, ShortId};
use crate::domain::period::display_time;
use crate::domain::status::CallOutcome;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/verifications`. See [`super`] for why pages create their data in `view`.
pub struct VerificationsPage;

#[lazy_route]
impl LazyRoute for VerificationsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let before = move || query.with(|q| q.get("before").unwrap_or_default());
        let calls = Resource::new(before, list_verifications);
        let days = Resource::new(|| (), |_| verification_days());
        view! {
            <Title text="Verifications · Trust Portal" />
            <h1 class=ui::H1>"Verifications"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Every call your API keys made to "<code>"POST /api/v1/verify"</code>
                ", newest first. Rejected calls show the reason code the API returned; a verified one links to its signed receipt."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    days.await.ok().map(|days| view! { <section aria-label="Calls per day" class="mb-6"><CallsChart days /></section> })
                })}
            </Suspense>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let paged = !before().is_empty();
                    match calls.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(page) if page.rows.is_empty() && !paged => view! {
                            <p class="text-slate-600">"No verifications yet. Create an API key and call the Attestation API."</p>
                        }.into_any(),
                        Ok(page) => view! {
                            <DataTable caption="Verifications, newest first" headers=&["Time", "Kind", "Subject (SHA-256)", "Outcome", "Took"]>
                                {page.rows.into_iter().map(|v| view! { <CallRow v /> }).collect_view()}
                            </DataTable>
                            <PageLinks path="/verifications" paged older=page.older />
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// One call: when, what, its subject, how it ended (a verified one links to its receipt).
#[component]
fn CallRow(v: VerificationSummary) -> impl IntoView {
    let ok = v.outcome == CallOutcome::Verified;
    let receipt_href = format!("/receipts?q={}", v.id);
    let outcome = match &v.reason {
        Some(r) => format!("{} ({r})", v.outcome),
        None => v.outcome.to_string(),
    };
    view! {
        <tr data-testid="verification-row">
            <td class=ui::TD>{display_time(v.created_at)}</td>
            <td class=ui::TD><code>{v.kind}</code></td>
            <td class=ui::TD>
                {match v.subject_sha256 {
                    Some(d) => view! { <ShortId value=d what="subject digest" /> }.into_any(),
                    None => "—".into_any(),
                }}
            </td>
            <td class=ui::TD>
                <span class=if ok { "text-green-800" } else { "text-red-800" }>{outcome}</span>
                {ok.then(|| view! { " · "<a class="text-indigo-700 underline" href=receipt_href>"receipt"</a> })}
            </td>
            <td class=ui::TD>{format!("{} µs", v.latency_us)}</td>
        </tr>
    }
}
