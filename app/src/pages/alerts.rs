//! `/alerts`: the alert centre. Every kind of alert in one list (policy, SLO
//! burn, overdue remediation, usage anomaly, dead letters, onboarding
//! drop-off); a person acknowledges an open one (who and when are kept); the
//! portal clears it when its condition is gone. Works without JavaScript.

use crate::api::operations::{AcknowledgeAlert, load_alert_centre};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, action_feedback};
use crate::domain::alerts::AlertItem;
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/alerts`. See [`super`] for why pages create their data in `view`.
pub struct AlertsPage;

#[lazy_route]
impl LazyRoute for AlertsPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let ack = ServerAction::<AcknowledgeAlert>::new();
        let centre = Resource::new(move || ack.version().get(), |_| load_alert_centre());
        view! {
            <Title text="Alerts · Trust Portal" />
            <h1 class=ui::H1>"Alerts"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "One list for every alert the portal raises. An alert opens once per kind and subject, is delivered to the operator webhook (signed, Standard Webhooks), and clears itself when its condition is gone. Acknowledge an alert to say you are on it."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match centre.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(c) => view! {
                            <div class="space-y-6">
                                {action_feedback(ack, "Acknowledged. The alert stays open until its condition is gone.")}
                                <OpenAlerts list=c.open ack />
                                <AlertHistory list=c.history />
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

fn acked_text(a: &AlertItem) -> String {
    match (&a.acked_by, a.acked_at) {
        (Some(by), Some(at)) => format!("{by}, {}", display_time(at)),
        _ => "Not yet".to_owned(),
    }
}

#[component]
fn OpenAlerts(list: Vec<AlertItem>, ack: ServerAction<AcknowledgeAlert>) -> impl IntoView {
    view! {
        <section aria-labelledby="open-alerts">
            <h2 id="open-alerts" class="mb-2 text-lg font-semibold">{format!("Open ({})", list.len())}</h2>
            {if list.is_empty() {
                view! { <p class="text-slate-600" data-testid="no-open-alerts">"No open alerts."</p> }.into_any()
            } else {
                view! {
                    <DataTable caption="Open alerts" headers=&["Kind", "Subject", "What", "Opened", "Acknowledged"]>
                        {list.into_iter().map(|a| {
                            let acked = acked_text(&a);
                            let label = format!("Acknowledge {} {}", a.kind, a.subject);
                            view! {
                                <tr data-testid="open-alert" data-kind=a.kind.clone()>
                                    <td class=ui::TD><code>{a.kind.clone()}</code></td>
                                    <td class=ui::TD>{a.subject.clone()}</td>
                                    <td class=ui::TD>{a.message.clone()}</td>
                                    <td class=ui::TD>{display_time(a.opened_at)}</td>
                                    <td class=ui::TD data-testid="alert-acked">
                                        {acked}
                                        {a.acked_by.is_none().then(|| view! {
                                            <ActionForm action=ack attr:class="mt-1">
                                                <input type="hidden" name="id" value=a.id.clone() />
                                                <button type="submit" class=ui::BUTTON_QUIET aria-label=label>"Acknowledge"</button>
                                            </ActionForm>
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn AlertHistory(list: Vec<AlertItem>) -> impl IntoView {
    view! {
        <section aria-labelledby="alert-history">
            <h2 id="alert-history" class="mb-2 text-lg font-semibold">"History"</h2>
            {if list.is_empty() {
                view! { <p class="text-slate-600">"No alert has cleared yet."</p> }.into_any()
            } else {
                view! {
                    <DataTable caption="Cleared alerts, most recent first" headers=&["Kind", "Subject", "What", "Opened", "Cleared", "Acknowledged"]>
                        {list.into_iter().map(|a| view! {
                            <tr data-testid="cleared-alert" data-kind=a.kind.clone()>
                                <td class=ui::TD><code>{a.kind.clone()}</code></td>
                                <td class=ui::TD>{a.subject.clone()}</td>
                                <td class=ui::TD>{a.message.clone()}</td>
                                <td class=ui::TD>{display_time(a.opened_at)}</td>
                                <td class=ui::TD>{a.cleared_at.map(display_time).unwrap_or_default()}</td>
                                <td class=ui::TD>{acked_text(&a)}</td>
                            </tr>
                        }).collect_view()}
                    </DataTable>
                }.into_any()
            }}
        </section>
    }
}
