//! `/webhooks`: a tenant admin's webhook endpoint (URL, signing secret,
//! rotation, test delivery) and its messages with their delivery state; dead
//! and delivered messages can be replayed with the same `webhook-id`.

use crate::api::webhooks::{
    ReplayWebhook, RotateWebhookSecret, SendTestWebhook, SetWebhookUrl, WebhookOverview, webhook_settings,
};
use crate::components::ui;
use crate::components::{Confirm, DataTable, ErrorNotice, ShortId, action_feedback};
use crate::domain::period::display_time;
use crate::domain::status::DeliveryStatus;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/webhooks`. See [`super`] for why pages create their data in `view`.
pub struct WebhooksPage;

#[lazy_route]
impl LazyRoute for WebhooksPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let set_url = ServerAction::<SetWebhookUrl>::new();
        let rotate = ServerAction::<RotateWebhookSecret>::new();
        let test = ServerAction::<SendTestWebhook>::new();
        let replay = ServerAction::<ReplayWebhook>::new();
        let settings = Resource::new(
            move || (set_url.version().get(), rotate.version().get(), test.version().get(), replay.version().get()),
            |_| webhook_settings(),
        );
        view! {
            <Title text="Webhooks · Trust Portal" />
            <h1 class=ui::H1>"Webhooks"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Events (onboarding completed, release packs verified or failed) are POSTed to your endpoint, signed as Standard Webhooks ("
                <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code> ", " <code>"webhook-signature"</code>
                "). A failed delivery is retried after 5 s, 5 min, 30 min, 2 h, 5 h and 10 h (with jitter), then marked dead; replay keeps the same "
                <code>"webhook-id"</code> " so your receiver can drop duplicates."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match settings.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(s) => view! {
                            <div class="space-y-6">
                                <Endpoint s=s.clone() set_url rotate test />
                                {action_feedback(replay, "Replayed.")}
                                <Messages s replay />
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn Endpoint(
    s: WebhookOverview,
    set_url: ServerAction<SetWebhookUrl>,
    rotate: ServerAction<RotateWebhookSecret>,
    test: ServerAction<SendTestWebhook>,
) -> impl IntoView {
    let has = s.url.is_some();
    view! {
        <section class=ui::CARD aria-labelledby="endpoint-heading">
            <h2 id="endpoint-heading" class="mb-3 text-lg font-semibold">"Endpoint"</h2>
            <ActionForm action=set_url attr:class="flex flex-wrap items-end gap-3">
                <div class="min-w-72 flex-1">
                    <label for="wh-url" class=ui::LABEL>"Webhook URL"</label>
                    <input id="wh-url" name="url" type="url" required class=ui::INPUT value=s.url.clone() placeholder="https://hooks.example.com/trust-portal" />
                </div>
                <button type="submit" class=ui::BUTTON>"Save URL"</button>
            </ActionForm>
            <div class="mt-2">{action_feedback(set_url, "Saved.")}</div>
            {s.secret.map(|secret| view! {
                <div class="mt-4 text-sm">
                    <p class="font-semibold">"Signing secret"</p>
                    <code class="block break-all" data-testid="webhook-secret">{secret.0}</code>
                    {s.previous_until.map(|u| view! { <p class="text-xs text-slate-600">{format!("The previous secret also signs until {}.", display_time(u))}</p> })}
                </div>
            })}
            {has.then(|| view! {
                <div class="mt-4 flex flex-wrap gap-3">
                    <ActionForm action=test><button type="submit" class=ui::BUTTON_QUIET>"Send test delivery"</button></ActionForm>
                    <Confirm label="Rotate secret…".to_owned() warning="A new secret signs from now on; the old one also signs for 24 hours, so update your receiver within a day.".to_owned()>
                        <ActionForm action=rotate><button type="submit" class=ui::BUTTON_DANGER>"Rotate secret"</button></ActionForm>
                    </Confirm>
                </div>
                <div class="mt-2 space-y-2">
                    {action_feedback(test, "Test delivered.")}
                    {action_feedback(rotate, "Secret rotated; the old one keeps signing for 24 hours.")}
                </div>
            })}
        </section>
    }
}

#[component]
fn Messages(s: WebhookOverview, replay: ServerAction<ReplayWebhook>) -> impl IntoView {
    view! {
        <DataTable caption="Messages" headers=&["webhook-id", "Event", "Status", "Attempts", "Next attempt", "Last error", "Created", ""]>
            {s.messages.into_iter().map(|m| {
                let replayable = matches!(m.status, DeliveryStatus::Dead | DeliveryStatus::Delivered);
                let id = m.id.clone();
                view! {
                    <tr data-testid="webhook-message">
                        <td class=ui::TD><ShortId value=m.id what="message id" /></td>
                        <td class=ui::TD>{m.event_type}</td>
                        <td class=ui::TD>{m.status.as_str()}</td>
                        <td class=ui::TD>{m.attempts}</td>
                        <td class=ui::TD>{m.next_attempt_at.map(display_time)}</td>
                        <td class=ui::TD>{m.last_error}</td>
                        <td class=ui::TD>{display_time(m.created_at)}</td>
                        <td class=ui::TD>
                            {replayable.then(|| view! {
                                <ActionForm action=replay>
                                    <input type="hidden" name="id" value=id />
                                    <button type="submit" class=ui::BUTTON_QUIET>"Replay"</button>
                                </ActionForm>
                            })}
                        </td>
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
}
