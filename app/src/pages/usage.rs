//! `/usage`: the UsagePanel for a month (`?period=YYYY-MM`, default this month).
//! Finance and operator admins see every tenant; a tenant admin its own.

use crate::api::usage::load_usage_overview;
use crate::components::ui;
use crate::components::{ErrorNotice, UsagePanel};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/usage`. See [`super`] for why pages create their data in `view`.
pub struct UsagePage;

#[lazy_route]
impl LazyRoute for UsagePage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let period = move || query.read().get("period").unwrap_or_default();
        let overview = Resource::new(period, load_usage_overview);
        view! {
            <Title text="Usage · Trust Portal" />
            <h1 class=ui::H1>"Usage and invoices"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match overview.await {
                        Err(e) => view! {
                            <MonthPicker value=query.with_untracked(|q| q.get("period").unwrap_or_default()) />
                            <ErrorNotice error=e />
                        }.into_any(),
                        Ok(o) => view! {
                            <MonthPicker value=o.period.clone() />
                            <p class="mb-4 text-sm text-slate-700">
                                {format!("{}: only verified calls are billed; each line is units x unit price, rounded once to cents (half-up). ", o.period)}
                                <a class="text-indigo-700 underline" href="/invoices">"Issued invoices"</a>
                            </p>
                            <UsagePanel overview=o />
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

/// The month field, showing the month on screen (the current one when the URL
/// names none). A plain prop, so hydration keeps what the user typed.
#[component]
fn MonthPicker(value: String) -> impl IntoView {
    view! {
        <Form method="GET" action="/usage" attr:class="mb-4 flex items-end gap-2">
            <div>
                <label class=ui::LABEL for="period">"Month"</label>
                <input id="period" name="period" type="month" class=ui::INPUT value=value />
            </div>
            <button type="submit" class=ui::BUTTON>"Show"</button>
        </Form>
    }
}
