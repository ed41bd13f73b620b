//! `/webhooks`: a tenant admin's webhook endpoint (URL, signing secret,
//! rotation, test delivery) and its messages with their delivery state; dead
//! and delivered messages can be replayed with the same `webhook-id`.

use crate::api::webhooks::{
    ReplayWebhook, RotateWebhookSecret, SendTestWebhook, SetWebhookUrl, WebhookMessage, WebhookOverview,
    list_webhook_messages, webhook_settings,
};
use crate::components::ui;
use crate::components::{Confirm, DataTable, ErrorNotice, PageLinks, ShortId, action_feedback};
use crate::domain::period::display_time;
use crate::domain::status::DeliveryStatus;
use crate::domain::text::query_value;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
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
            move || (set_url.version().get(), rotate.version().get(), test.version().get()),
            |_| webhook_settings(),
        );
        let query = use_query_map();
        let arg = move |name: &str| query.with(|q| q.get(name).unwrap_or_default());
        let search = move || (arg("status"), arg("q"));
        let messages = Resource::new(
            move || (search(), arg("before"), test.version().get(), replay.version().get()),
            |((status, q), before, _, _)| list_webhook_messages(status, q, before),
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
                        Ok(s) => view! { <Endpoint s set_url rotate test /> }.into_any(),
                    }
                })}
            </Suspense>
            <section class="mt-6 space-y-3" aria-labelledby="messages-heading">
                <h2 id="messages-heading" class="text-lg font-semibold">"Messages"</h2>
                // Drawn again when the URL's search changes.
                {move || { let (status, q) = search(); view! { <SearchForm status q /> } }}
                {action_feedback(replay, "Replayed.")}
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let (status, q) = search();
                        let narrowed = !status.is_empty() || !q.is_empty();
                        let paged = !arg("before").is_empty();
                        match messages.await {
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                            Ok(page) if page.rows.is_empty() && narrowed => view! {
                                <p class="text-sm text-slate-600" data-testid="messages-empty">
                                    "No message matches. "<a class="text-indigo-700 underline" href="/webhooks">"Show every message"</a>"."
                                </p>
                            }.into_any(),
                            Ok(page) if page.rows.is_empty() && !paged => view! {
                                <p class="text-sm text-slate-600">"No messages yet: save your endpoint and send a test delivery."</p>
                            }.into_any(),
                            Ok(page) => {
                                let keep = narrowed.then(|| format!("status={}&q={}", query_value(&status), query_value(&q)));
                                view! {
                                    <Messages rows=page.rows replay />
                                    <PageLinks path="/webhooks" paged older=page.older keep />
                                }.into_any()
                            }
                        }
                    })}
                </Suspense>
            </section>
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

/// The message search: a GET form, so a filtered list is a URL.
#[component]
fn SearchForm(status: String, q: String) -> impl IntoView {
    let narrowed = !status.is_empty() || !q.is_empty();
    view! {
        <Form method="GET" action="/webhooks" attr:class="flex flex-wrap items-end gap-3" attr:aria-label="Search messages">
            <div>
                <label class=ui::LABEL for="message-status">"Status"</label>
                <select id="message-status" name="status" class=ui::INPUT>
                    <option value="" selected=status.is_empty()>"Any"</option>
                    {DeliveryStatus::ALL.iter().map(|s| view! { <option value=s.as_str() selected=status == s.as_str()>{s.as_str()}</option> }).collect_view()}
                </select>
            </div>
            <div class="min-w-0 grow sm:max-w-md">
                <label class=ui::LABEL for="message-q">"Message id or event type"</label>
                <input id="message-q" name="q" class=ui::INPUT value=q placeholder="msg_… or the start of an event type (pack.)" />
            </div>
            <button type="submit" class=ui::BUTTON>"Search"</button>
            {narrowed.then(|| view! { <a class="self-center text-sm text-indigo-700 underline" href="/webhooks">"Every message"</a> })}
        </Form>
    }
}

#[component]
fn Messages(rows: Vec<WebhookMessage>, replay: ServerAction<ReplayWebhook>) -> impl IntoView {
    view! {
        <DataTable caption="Messages, newest first" headers=&["webhook-id", "Event", "Status", "Attempts", "Next attempt", "Last error", "Created", ""]>
            {rows.into_iter().map(|m| {
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
