//! `/dashboards`: the operations dashboards, drawn on the server as SVG
//! (complete without JavaScript). With JavaScript the page measures again
//! every 30 seconds and redraws without a reload.

use crate::api::operations::load_dashboard;
use crate::components::ErrorNotice;
use crate::components::charts::{AdoptionChart, BurnDownChart, FunnelChart, UsageChart};
use crate::components::ui;
use crate::domain::dashboard::Dashboard;
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// How often the hydrated page measures again.
const REFRESH_SECONDS: u64 = 30;

/// `/dashboards`. See [`super`] for why pages create their data in `view`.
pub struct DashboardsPage;

#[lazy_route]
impl LazyRoute for DashboardsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let tick = RwSignal::new(0u32);
        #[cfg(feature = "hydrate")]
        if let Ok(handle) =
            set_interval_with_handle(move || tick.update(|t| *t += 1), std::time::Duration::from_secs(REFRESH_SECONDS))
        {
            on_cleanup(move || handle.clear());
        }
        let dashboard = Resource::new(move || tick.get(), |_| load_dashboard());
        view! {
            <Title text="Dashboards · Trust Portal" />
            <h1 class=ui::H1>"Dashboards"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                {format!("Measured from the portal's records; with JavaScript on, measured again every {REFRESH_SECONDS} seconds.")}
            </p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match dashboard.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(d) => view! { <Panels d /> }.into_any(),
                    }
                })}
            </Transition>
        }
        .into_any()
    }
}

#[component]
fn Panels(d: Dashboard) -> impl IntoView {
    let a = d.audits;
    view! {
        <p class="mb-3 text-xs text-slate-600" data-testid="measured-at">{format!("Measured {}", display_time(d.measured_at))}</p>
        <div class="grid gap-4 lg:grid-cols-2">
            <section class=ui::CARD aria-labelledby="dash-usage">
                <h2 id="dash-usage" class="mb-2 text-lg font-semibold">"Usage per minute, by tenant"</h2>
                <UsageChart usage=d.usage />
            </section>
            <section class=ui::CARD aria-labelledby="dash-adoption">
                <h2 id="dash-adoption" class="mb-2 text-lg font-semibold">"Signed policy adoption"</h2>
                <AdoptionChart points=d.adoption />
            </section>
            <section class=ui::CARD aria-labelledby="dash-funnel">
                <h2 id="dash-funnel" class="mb-2 text-lg font-semibold">"Onboarding funnel"</h2>
                <FunnelChart funnel=d.funnel />
            </section>
            <section class=ui::CARD aria-labelledby="dash-audits">
                <h2 id="dash-audits" class="mb-2 text-lg font-semibold">"Audit status"</h2>
                <dl class="grid grid-cols-2 gap-x-4 gap-y-1 text-sm" data-testid="audit-summary">
                    <dt class="font-medium">"Engagements scoping"</dt><dd>{a.scoping}</dd>
                    <dt class="font-medium">"In fieldwork"</dt><dd>{a.fieldwork}</dd>
                    <dt class="font-medium">"Accepted"</dt><dd>{a.accepted}</dd>
                    <dt class="font-medium">"Findings open"</dt><dd>{a.open_findings}</dd>
                    <dt class="font-medium">"Overdue"</dt><dd>{a.overdue_findings}</dd>
                </dl>
                <a class="mt-2 inline-block text-sm text-indigo-700 underline" href="/audits">"Audits"</a>
            </section>
        </div>
        <section class="mt-4" aria-labelledby="dash-burn">
            <h2 id="dash-burn" class="mb-2 text-lg font-semibold">"Error budget left, last 14 days"</h2>
            <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {d.burn_down.into_iter().map(|slo| view! { <BurnDownChart slo /> }).collect_view()}
            </div>
        </section>
    }
}
