//! `/slos`: every SLO in force (from the `slo/*.yaml` files), measured from
//! recorded events: the SLI over its window, the error budget left, the
//! budget the last sprint spent (green under 5%), and each multiwindow
//! burn-rate rule. An SLO without events says so; it is never shown as met.

use crate::api::operations::load_slo_report;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::slo::{BurnColour, SloStatus, duration_text, percent_text, rate_text};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/slos`. See [`super`] for why pages create their data in `view`.
pub struct SlosPage;

#[lazy_route]
impl LazyRoute for SlosPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let report = Resource::new(|| (), |_| load_slo_report());
        view! {
            <Title text="SLOs · Trust Portal" />
            <h1 class=ui::H1>"Service level objectives"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Each SLO is an OpenSLO file in "<code>"slo/"</code>", checked when the portal starts. Numbers are counted from recorded events (latency buckets with an exact 300 ms edge, probes from outside the server, pack timings, webhook attempts, ledger postings). Burn-rate alerts follow the Google SRE workbook: 14.4x over 1 h and 5 min, 6x over 6 h and 30 min (page), 1x over 3 d and 6 h (ticket)."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) => view! {
                            <div class="grid gap-4 lg:grid-cols-2">
                                {list.into_iter().map(|s| view! { <SloCard s /> }).collect_view()}
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// Tailwind text colour and word for a sprint's budget spend.
fn burn_look(c: Option<BurnColour>) -> (&'static str, &'static str) {
    match c {
        Some(BurnColour::Green) => ("text-green-800", "green"),
        Some(BurnColour::Amber) => ("text-amber-800", "amber"),
        Some(BurnColour::Red) => ("text-red-800", "red"),
        None => ("text-slate-600", "no data"),
    }
}

#[component]
fn SloCard(s: SloStatus) -> impl IntoView {
    let (heading, labelled_by) = (format!("slo-{}", s.slo.name), format!("slo-{}", s.slo.name));
    let target = match s.slo.within_ms {
        Some(ms) => {
            format!("{} within {} over {}", s.slo.target_text(), duration_text(ms), duration_text(s.slo.window_ms))
        }
        None => format!("{} over {}", s.slo.target_text(), duration_text(s.slo.window_ms)),
    };
    let (state_class, state_text) = match (s.meets, &s.no_data) {
        (_, Some(why)) => ("text-slate-600", format!("No data: {why}")),
        (Some(true), None) => ("text-green-800", "Meets its target".to_owned()),
        _ => ("text-red-800", "Misses its target".to_owned()),
    };
    let sli = s.good_ppm.map_or_else(|| "-".to_owned(), percent_text);
    let budget = s.budget_remaining_ppm.map_or_else(
        || "-".to_owned(),
        |p| {
            if p < 0 {
                format!("overspent by {}", percent_text(p.unsigned_abs()))
            } else {
                percent_text(p.unsigned_abs())
            }
        },
    );
    let (burn_class, burn_word) = burn_look(s.sprint_colour);
    let spent = s.sprint_spent_ppm.map_or_else(|| "-".to_owned(), percent_text);
    view! {
        <section class=ui::CARD aria-labelledby=labelled_by data-testid="slo-card" data-slo=s.slo.name.clone()>
            <h2 id=heading class="text-lg font-semibold">{s.slo.display_name.clone()}</h2>
            <p class="mb-2 text-sm text-slate-700">{s.slo.description.clone()}</p>
            <dl class="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                <dt class="font-medium">"Target"</dt><dd>{target}</dd>
                <dt class="font-medium">"Now"</dt>
                <dd data-testid="slo-sli">{format!("{sli} ({} of {} good)", s.window.good, s.window.total)}</dd>
                <dt class="font-medium">"Status"</dt><dd class=state_class data-testid="slo-state">{state_text}</dd>
                <dt class="font-medium">"Error budget left"</dt><dd data-testid="slo-budget">{budget}</dd>
                <dt class="font-medium">"Spent this sprint"</dt>
                <dd class=burn_class data-testid="slo-sprint-burn">{format!("{spent} of the budget ({burn_word}; goal under 5%)")}</dd>
            </dl>
            <BudgetBar remaining_ppm=s.budget_remaining_ppm />
            <DataTable caption="Burn-rate rules" headers=&["Rule", "Long window", "Short window", "Firing"]>
                {s.burn.iter().map(|b| {
                    let rate = |m: Option<u64>| m.map_or_else(|| "-".to_owned(), rate_text);
                    view! {
                        <tr data-testid="burn-rule">
                            <td class=ui::TD>{format!("{} ({:?})", b.rule.label(), b.rule.severity)}</td>
                            <td class=ui::TD>{format!("{} over {}", rate(b.long_rate_milli), duration_text(b.rule.long_ms))}</td>
                            <td class=ui::TD>{format!("{} over {}", rate(b.short_rate_milli), duration_text(b.rule.short_ms))}</td>
                            <td class=ui::TD>{if b.firing { "Yes" } else { "No" }}</td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
        </section>
    }
}

/// The error budget left as a server-rendered bar (no JavaScript needed).
#[component]
fn BudgetBar(remaining_ppm: Option<i64>) -> impl IntoView {
    let Some(ppm) = remaining_ppm else {
        return ().into_any();
    };
    // 0..=200 px of a 200 px track; overspent shows an empty red track.
    let width = ppm.clamp(0, 1_000_000) / 5_000;
    let fill = if ppm <= 0 {
        "#b91c1c"
    } else if ppm < 250_000 {
        "#b45309"
    } else {
        "#15803d"
    };
    let label = format!("Error budget left: {}", percent_text(ppm.max(0).unsigned_abs()));
    let title = label.clone();
    view! {
        <svg class="my-3" width="200" height="10" viewBox="0 0 200 10" role="img" aria-label=label>
            <title>{title}</title>
            <rect width="200" height="10" rx="2" fill=if ppm <= 0 { "#fecaca" } else { "#e2e8f0" } />
            <rect width=width.to_string() height="10" rx="2" fill=fill />
        </svg>
    }
    .into_any()
}
