//! `/overview`: where every role lands. What needs attention first (each
//! item links to where to act on it), then the figures the role owns with
//! their trend, then (operator staff) the sprint's key results as tiles.

use crate::api::overview::load_overview;
use crate::components::ErrorNotice;
use crate::components::ui;
use crate::domain::okr::{KeyResult, KrStatus};
use crate::domain::overview::{Attention, Direction, Figure, Tone};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/overview`. See [`super`] for why pages create their data in `view`.
pub struct OverviewPage;

#[lazy_route]
impl LazyRoute for OverviewPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let overview = Resource::new(|| (), |_| load_overview());
        view! {
            <Title text="Overview · Trust Portal" />
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(e) => view! { <h1 class=ui::H1>"Overview"</h1><ErrorNotice error=e /> }.into_any(),
                        Ok(o) => view! {
                            <h1 class=ui::H1>"Overview"</h1>
                            <p class="-mt-3 mb-4 text-sm text-slate-600">{format!("{}, measured {}", o.heading, display_time(o.measured_at))}</p>
                            <AttentionList items=o.attention all_clear=o.all_clear />
                            <section aria-labelledby="figures-heading" class="mb-6">
                                <h2 id="figures-heading" class="mb-2 text-lg font-semibold">"Your figures"</h2>
                                <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                                    {o.figures.into_iter().map(|f| view! { <FigureTile figure=f /> }).collect_view()}
                                </div>
                            </section>
                            {o.okrs.map(|b| view! {
                                <section aria-labelledby="okr-heading">
                                    <h2 id="okr-heading" class="mb-2 text-lg font-semibold">
                                        {format!("Sprint key results: {} of {} met", b.met(), b.key_results.len())}
                                    </h2>
                                    <div class="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
                                        {b.key_results.into_iter().map(|k| view! { <OkrTile kr=k /> }).collect_view()}
                                    </div>
                                </section>
                            })}
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn AttentionList(items: Vec<Attention>, all_clear: String) -> impl IntoView {
    let body = if items.is_empty() {
        view! { <p class="text-sm text-green-800" data-testid="all-clear">{all_clear}</p> }.into_any()
    } else {
        view! {
            <ul class="space-y-2">
                {items.into_iter().map(|a| {
                    let (tone, border) = match a.tone {
                        Tone::Bad => ("bad", "border-l-4 border-red-600 bg-red-50"),
                        Tone::Warn => ("warn", "border-l-4 border-amber-500 bg-amber-50"),
                    };
                    view! {
                        <li data-testid="attention-item" data-tone=tone class=format!("{border} rounded px-3 py-2")>
                            <a class="font-medium text-slate-900 underline" href=a.href>{a.title}</a>
                            <span class="block break-words text-sm text-slate-700">{a.detail}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="attention-heading" class=format!("{} mb-6", ui::CARD)>
            <h2 id="attention-heading" class="mb-2 text-lg font-semibold">"Needs attention"</h2>
            {body}
        </section>
    }
}

#[component]
fn FigureTile(figure: Figure) -> impl IntoView {
    let trend = figure.trend.map(|t| {
        let (arrow, class) = match t.direction {
            Direction::Up => ("▲", "text-indigo-800"),
            Direction::Down => ("▼", "text-indigo-800"),
            Direction::Flat => ("■", "text-slate-600"),
        };
        view! {
            <p class=format!("text-sm {class}") data-testid="figure-trend">
                <span aria-hidden="true">{arrow}" "</span>{t.text}
            </p>
        }
    });
    view! {
        <a href=figure.href class=format!("{} block hover:border-indigo-400", ui::CARD) data-testid="overview-figure">
            <span class="block text-sm text-slate-600">{figure.label}</span>
            <span class="block text-2xl font-semibold text-slate-900" data-testid="figure-value">{figure.value}</span>
            {trend}
            <span class="block text-xs text-slate-600">{figure.note}</span>
        </a>
    }
}

#[component]
fn OkrTile(kr: KeyResult) -> impl IntoView {
    let (status, class) = match kr.status {
        KrStatus::Met => ("Met", "border-t-4 border-t-green-600"),
        KrStatus::Missed => ("Missed", "border-t-4 border-t-red-600"),
        KrStatus::NoData => ("No data", "border-t-4 border-t-slate-400"),
    };
    view! {
        <a href=kr.evidence class=format!("{} {class} block", ui::CARD) data-testid="okr-tile" data-kr=kr.number.to_string() data-status=format!("{:?}", kr.status)>
            <span class="block text-xs text-slate-600">{format!("KR{}", kr.number)}</span>
            <span class="block text-sm font-medium">{kr.objective}</span>
            <span class="block text-lg font-semibold">{kr.current.unwrap_or_else(|| "No data".into())}</span>
            <span class="block text-sm font-semibold">{status}</span>
            <span class="block text-xs text-slate-600">{format!("Goal: {}", kr.target)}</span>
        </a>
    }
}
