//! `/signature-status`: read-only. Policy adoption, each repository's policy
//! bundle (version, digest, signer, when verified, result) and each release
//! pack, with filters for failing and stale items and a CSV export.

use super::ui;
use crate::api::display_time;
use crate::api::signature_status::load_signature_status;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::adoption::{PolicyState, SignatureStatus};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/signature-status`. See [`super`] for why pages create their data in `view`.
pub struct SignatureStatusPage;

#[lazy_route]
impl LazyRoute for SignatureStatusPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let show = move || query.read().get("show").unwrap_or_default();
        let report = Resource::new(show, load_signature_status);
        let initial = query.with_untracked(|q| q.get("show").unwrap_or_default());
        view! {
            <Title text="Signature status · Trust Portal" />
            <h1 class=ui::H1>"Signature status"</h1>
            <Form method="GET" action="/signature-status" attr:class="mb-4 flex items-end gap-2">
                <div>
                    <label class=ui::LABEL for="show">"Show"</label>
                    <select id="show" name="show" class=ui::INPUT>
                        {[("all", "Everything"), ("failing", "Failing and unsigned"), ("stale", "Stale")].into_iter().map(|(v, l)| {
                            view! { <option value=v selected=initial == v>{l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class=ui::BUTTON_QUIET>"Filter"</button>
                <a class=ui::BUTTON_QUIET href=format!("/signature-status/export.csv?show={initial}") download>"Export CSV"</a>
            </Form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(r) => view! { <Report report=r /> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn Report(report: SignatureStatus) -> impl IntoView {
    let a = report.adoption;
    let summary = format!(
        "{} of {} active repositories run org policy v{} (allowed lag {}; active = activity in the last {} days). Goal: 95%.",
        a.adopted, a.active, report.current_version, report.allowed_lag, report.active_days
    );
    view! {
        <section aria-label="Policy adoption" class=format!("{} mb-6 flex flex-wrap items-center gap-4", ui::CARD)>
            <div class="text-3xl font-semibold text-slate-900" data-testid="adoption">{a.percent_text()}</div>
            <img src="/badge/policy-adoption.svg" alt=format!("Policy adoption badge: {}", a.percent_text()) />
            <p class="text-sm text-slate-700">{summary}</p>
        </section>
        <div class="space-y-6">
            <DataTable caption="Policy bundles per repository" headers=&["Tenant", "Repository", "Active", "State", "Version", "Digest", "Signer", "Verified", "Why"]>
                {report.repos.into_iter().map(|r| {
                    let failing = matches!(r.state, PolicyState::Failed | PolicyState::Unsigned);
                    view! {
                        <tr data-testid="repo-row" data-state=r.state.as_str()>
                            <td class=ui::TD>{r.tenant}</td>
                            <td class=ui::TD><code>{r.repo}</code></td>
                            <td class=ui::TD>{if r.active { "yes" } else { "no" }}</td>
                            <td class=ui::TD>
                                <span class=if failing { "text-red-800" } else if r.state == PolicyState::Stale { "text-amber-900" } else { "text-green-800" }>
                                    {r.state.as_str()}
                                </span>
                            </td>
                            <td class=ui::TD>{r.version.map(|v| format!("v{v}")).unwrap_or_default()}</td>
                            <td class=ui::TD><code title=r.sha256.clone().unwrap_or_default()>{r.sha256.as_deref().map(|d| format!("{}…", &d[..d.len().min(12)])).unwrap_or_default()}</code></td>
                            <td class=ui::TD>{r.signer.unwrap_or_default()}</td>
                            <td class=ui::TD>{r.verified_at.map(display_time).unwrap_or_default()}</td>
                            <td class=ui::TD>{r.reason.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
            <DataTable caption="Release packs" headers=&["Tenant", "Release", "Result", "Signer key", "Verified", "Why"]>
                {report.packs.into_iter().map(|p| view! {
                    <tr data-testid="pack-row" data-state=p.status.clone()>
                        <td class=ui::TD>{p.tenant}</td>
                        <td class=ui::TD><code>{format!("{}@{}", p.repo, p.tag)}</code></td>
                        <td class=ui::TD>
                            <span class=if p.status == "verified" { "text-green-800" } else { "text-red-800" }>{p.status.clone()}</span>
                        </td>
                        <td class=ui::TD><code>{p.signer_key_id.unwrap_or_default()}</code></td>
                        <td class=ui::TD>{display_time(p.verified_at)}</td>
                        <td class=ui::TD>{p.reason.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
        </div>
    }
}
