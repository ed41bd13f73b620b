//! `/keys`: a tenant's API keys. Tenant admins create (the key is shown once)
//! and revoke; members read.

use crate::api::keys::{ApiKeySummary, CreateApiKey, RevokeApiKey, list_api_keys, take_new_api_key};
use crate::components::ui;
use crate::components::{Confirm, CurrentUserCtx, DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::Role;
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/keys`: a tenant's API keys. See [`super`] for why pages create their data in `view`.
pub struct KeysPage;

#[lazy_route]
impl LazyRoute for KeysPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let create = ServerAction::<CreateApiKey>::new();
        let revoke = ServerAction::<RevokeApiKey>::new();
        let keys = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_keys());
        // A key created by a no-JavaScript form post, shown once (read through a
        // resource so that the server's answer is what the browser hydrates).
        let flashed = Resource::new(|| (), |_| take_new_api_key());
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
            <Title text="API keys · Trust Portal" />
            <h1 class=ui::H1>"API keys"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Machines call the Attestation API with a key sent as "
                <code>"Authorization: Bearer tpk_…"</code>
                ". Keys are shown once when created; the portal keeps only a hash."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let is_admin = matches!(user.await, Ok(Some(u)) if u.role == Role::TenantAdmin);
                    // Members may not read the flash (forbidden): they never have one.
                    let flashed = flashed.await.ok().flatten();
                    match keys.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) => view! {
                            <div class="space-y-6">
                                {is_admin.then(|| view! { <CreateKeyForm action=create flashed /> })}
                                {action_feedback(revoke, "Key revoked. Requests using it are now refused.")}
                                <KeyTable list is_admin revoke />
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
fn NewKeyNotice(secret: String) -> impl IntoView {
    view! {
        <div role="status" data-testid="new-key" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
            <p class="font-semibold">"Your new API key. Copy it now: it will not be shown again."</p>
            <code class="mt-1 block break-all rounded bg-white p-2 text-slate-900" data-testid="new-key-secret">{secret}</code>
        </div>
    }
}

#[component]
fn CreateKeyForm(action: ServerAction<CreateApiKey>, flashed: Option<String>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="new-key-heading">
            <h2 id="new-key-heading" class="mb-3 text-lg font-semibold">"New API key"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="flex flex-wrap items-end gap-3">
                <div class="min-w-64 flex-1">
                    <label for="key-name" class=ui::LABEL>"Key name"</label>
                    <input id="key-name" name="name" required maxlength="100" placeholder="CI pipeline" class=ui::INPUT />
                </div>
                <input type="hidden" name="scopes_chosen" value="yes" />
                <fieldset class="basis-full">
                    <legend class=ui::LABEL>"What this key may do"</legend>
                    <div class="flex flex-wrap gap-x-6 gap-y-1 text-sm">
                        {crate::domain::api_scope::ApiScope::ALL.iter().map(|s| {
                            use crate::domain::api_scope::ApiScope;
                            let (id, for_id) = (format!("scope-{}", s.as_str()), format!("scope-{}", s.as_str()));
                            let checked = matches!(s, ApiScope::Verify | ApiScope::Read);
                            view! {
                                <label for=for_id class="inline-flex items-center gap-2">
                                    <input type="checkbox" id=id name=format!("scope_{}", s.as_str()) value="on" checked=checked />
                                    {s.label()}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                <button type="submit" class=ui::BUTTON>"Create key"</button>
            </ActionForm>
            <div class="mt-3">
                {flashed.map(|secret| view! { <NewKeyNotice secret /> })}
                {move || match action.value().get() {
                    Some(Ok(k)) => view! { <NewKeyNotice secret=k.secret.0 /> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn KeyTable(list: Vec<ApiKeySummary>, is_admin: bool, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-slate-600">"No API keys yet."</p> }.into_any();
    }
    view! {
        <DataTable caption="API keys" headers=&["Name", "Key", "May", "Created", "Last used", "Status"]>
                    {list.into_iter().map(|k| {
                        let revoked = k.revoked_at.is_some();
                        let label = format!("Revoke {}", k.name);
                        view! {
                            <tr data-testid="key-row">
                                <td class=ui::TD>{k.name.clone()}</td>
                                <td class=ui::TD><code>{format!("{}…", k.prefix)}</code></td>
                                <td class=ui::TD data-testid="key-scopes">{k.scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")}</td>
                                <td class=ui::TD>{display_time(k.created_at)}</td>
                                <td class=ui::TD>{k.last_used_at.map_or_else(|| "Never".to_owned(), display_time)}</td>
                                <td class=ui::TD>
                                    {match k.revoked_at {
                                        Some(t) => view! { <span class="text-red-800">{format!("Revoked {}", display_time(t))}</span> }.into_any(),
                                        None => view! { <span class="text-green-800">"Active"</span> }.into_any(),
                                    }}
                                    {(is_admin && !revoked).then(|| view! {
                                        <Confirm label="Revoke…".to_owned() warning=format!("Calls with {} stop working at once. This cannot be undone.", k.name)>
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="key_id" value=k.id.clone() />
                                                <button type="submit" class=ui::BUTTON_DANGER>{label}</button>
                                            </ActionForm>
                                        </Confirm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
    }.into_any()
}
