//! `/audit-log`: the security audit log, read-only, with the chain's
//! integrity; filtered by actor, action and days (a GET form, so a filtered
//! view is a link) and exported as CSV or JSON with the same filter.

use crate::api::audit::{AuditLogPage as Page, list_audit_log};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/audit-log`: newest entries and whether the hash chain verifies.
pub struct AuditLogPage;

/// The filter fields, in the order of the form and the query string.
const FIELDS: [&str; 4] = ["actor", "action", "from", "to"];

#[lazy_route]
impl LazyRoute for AuditLogPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let fields = move || query.with(|q| FIELDS.map(|f| q.get(f).unwrap_or_default()));
        let log = Resource::new(fields, |[actor, action, from, to]| list_audit_log(actor, action, from, to));
        // The form shows the URL's filter: drawn again when a submit or a link changes it.
        view! {
            <Title text="Audit log · Trust Portal" />
            <h1 class=ui::H1>"Audit log"</h1>
            {move || view! { <FilterForm initial=fields() /> }}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match log.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(page) => view! { <Entries page /> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn FilterForm(initial: [String; 4]) -> impl IntoView {
    let [actor, action, from, to] = initial;
    let filtered = [&actor, &action, &from, &to].iter().any(|v| !v.is_empty());
    view! {
        <Form method="GET" action="/audit-log" attr:class=format!("{} mb-4 grid gap-3 sm:grid-cols-5 sm:items-end", ui::CARD) attr:aria-label="Filter the audit log">
            <div>
                <label class=ui::LABEL for="f-actor">"Actor"</label>
                <input id="f-actor" name="actor" class=ui::INPUT value=actor placeholder="admin@acme.demo" />
            </div>
            <div>
                <label class=ui::LABEL for="f-action">"Action"</label>
                <input id="f-action" name="action" class=ui::INPUT value=action placeholder="api_key" aria-describedby="f-action-hint" />
                <p id="f-action-hint" class="mt-1 text-xs text-slate-600">"An action, or its start: api_key matches api_key.revoked."</p>
            </div>
            <div>
                <label class=ui::LABEL for="f-from">"From (UTC)"</label>
                <input id="f-from" name="from" type="date" class=ui::INPUT value=from />
            </div>
            <div>
                <label class=ui::LABEL for="f-to">"To (UTC)"</label>
                <input id="f-to" name="to" type="date" class=ui::INPUT value=to />
            </div>
            <div class="flex items-center gap-3">
                <button type="submit" class=ui::BUTTON>"Filter"</button>
                {filtered.then(|| view! { <a class="text-sm text-indigo-700 underline" href="/audit-log">"Clear filters"</a> })}
            </div>
        </Form>
    }
}

#[component]
fn Entries(page: Page) -> impl IntoView {
    let Page { entries, intact, limit, filter } = page;
    let query = filter.query();
    let export = move |format: &str| {
        if query.is_empty() {
            format!("/audit-log/export?format={format}")
        } else {
            format!("/audit-log/export?format={format}&{query}")
        }
    };
    let shown = entries.len();
    let summary = match (filter.is_empty(), i64::try_from(shown).unwrap_or(i64::MAX) >= limit) {
        (true, true) => format!("The newest {shown} entries."),
        (true, false) => format!("All {shown} entries."),
        (false, true) => format!("The newest {shown} entries that match."),
        (false, false) => format!("{shown} entries match."),
    };
    view! {
        <p data-testid="chain-status" class=if intact { "mb-2 text-sm text-green-800" } else { "mb-2 text-sm font-semibold text-red-800" }>
            {if intact {
                "Hash chain verified: no entry has been edited, removed or reordered."
            } else {
                "Hash chain BROKEN: an entry was edited or removed. Run `trust-portal audit-log verify` for details."
            }}
        </p>
        <p class="mb-4 flex flex-wrap items-center gap-2 text-sm">
            <span data-testid="audit-summary" class="text-slate-700">{summary}</span>
            <a class=ui::BUTTON_QUIET href=export("csv") download>"Export CSV"</a>
            <a class=ui::BUTTON_QUIET href=export("json") download>"Export JSON"</a>
        </p>
        {if entries.is_empty() {
            view! {
                <p class="text-slate-600" data-testid="audit-empty">
                    "No entries match these filters. "
                    <a class="text-indigo-700 underline" href="/audit-log">"Clear them"</a>
                    " to see the whole log."
                </p>
            }.into_any()
        } else {
            view! {
                <DataTable caption="Audit log entries, newest first" headers=&["#", "Time", "Actor", "Action", "Target", "Detail", "Hash"]>
                    {entries.into_iter().map(|e| view! {
                        <tr data-testid="audit-row">
                            <td class=ui::TD>{e.seq}</td>
                            <td class=ui::TD>{display_time(e.at)}</td>
                            <td class=ui::TD>{e.actor}</td>
                            <td class=ui::TD><code>{e.action}</code></td>
                            <td class=ui::TD>{e.target.unwrap_or_default()}</td>
                            <td class=ui::TD>{e.detail}</td>
                            <td class=ui::TD><code>{e.hash_prefix}</code></td>
                        </tr>
                    }).collect_view()}
                </DataTable>
            }.into_any()
        }}
    }
}
