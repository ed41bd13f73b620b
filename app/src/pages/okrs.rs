//! `/okrs`: the sprint's five key results, measured live from the portal's
//! data, each with its target, current value, status and a link to the
//! evidence. A key result without data says "No data" and why.

use crate::api::operations::load_okr_board;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::okr::{KeyResult, KrStatus};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/okrs`. See [`super`] for why pages create their data in `view`.
pub struct OkrsPage;

#[lazy_route]
impl LazyRoute for OkrsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let board = Resource::new(|| (), |_| load_okr_board());
        view! {
            <Title text="OKRs · Trust Portal" />
            <h1 class=ui::H1>"OKR scoreboard"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "The sprint's key results, computed now from recorded data (the same numbers as "
                <code>"GET /api/v1/okrs"</code>" and "<code>"trust-portal okrs"</code>"). Where there is nothing to measure yet, the key result says so."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match board.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(b) => view! {
                            <p class="mb-3 text-sm" data-testid="okr-summary">
                                {format!("{} of {} key results met, measured {}.", b.met(), b.key_results.len(), display_time(b.measured_at))}
                            </p>
                            <KrTable list=b.key_results />
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

fn status_class(s: KrStatus) -> &'static str {
    match s {
        KrStatus::Met => "font-semibold text-green-800",
        KrStatus::Missed => "font-semibold text-red-800",
        KrStatus::NoData => "font-semibold text-slate-600",
    }
}

#[component]
fn KrTable(list: Vec<KeyResult>) -> impl IntoView {
    view! {
        <DataTable caption="Key results" headers=&["KR", "Objective and measure", "Target", "Now", "Status", "Evidence"]>
            {list.into_iter().map(|k| view! {
                <tr data-testid="okr-row" data-kr=k.number.to_string() data-status=format!("{:?}", k.status)>
                    <td class=ui::TD>{k.number}</td>
                    <td class=ui::TD>
                        <span class="font-medium">{k.objective}</span>
                        <span class="block text-slate-600">{k.measure}</span>
                    </td>
                    <td class=ui::TD>{k.target}</td>
                    <td class=ui::TD data-testid="okr-current">
                        {k.current.unwrap_or_else(|| "No data".to_owned())}
                        <span class="block text-slate-600">{k.detail}</span>
                    </td>
                    <td class=ui::TD><span class=status_class(k.status)>{k.status.label()}</span></td>
                    <td class=ui::TD><a class="text-indigo-700 underline" href=k.evidence.clone()>{k.evidence.clone()}</a></td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
}
