//! `/audit-log`: the security audit log, read-only, with the chain's integrity.

use crate::api::audit::list_audit_log;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/audit-log`: newest entries and whether the hash chain verifies.
pub struct AuditLogPage;

#[lazy_route]
impl LazyRoute for AuditLogPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let log = Resource::new(|| (), |_| list_audit_log());
        view! {
        <Title text="Audit log · Trust Portal" />
        <h1 class=ui::H1>"Audit log"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match log.await {
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    Ok((entries, intact)) => view! {
                        <p data-testid="chain-status" class=if intact { "mb-4 text-sm text-green-800" } else { "mb-4 text-sm font-semibold text-red-800" }>
                            {if intact {
                                "Hash chain verified: no entry has been edited, removed or reordered."
                            } else {
                                "Hash chain BROKEN: an entry was edited or removed. Run `trust-portal audit-log verify` for details."
                            }}
                        </p>
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
                    }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
    }
}
