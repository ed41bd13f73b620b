//! `/users`: operator admins see and create everyone; tenant admins their own tenant's users.

use crate::api::users::{CreateUser, SetUserRole, UserSummary, list_users};
use crate::components::ui;
use crate::components::{CurrentUserCtx, DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::period::display_time;
use crate::domain::{OrgKind, Role};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/users`: users the caller may manage. See [`super`] for why pages create their data in `view`.
pub struct UsersPage;

#[lazy_route]
impl LazyRoute for UsersPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let create = ServerAction::<CreateUser>::new();
        let set_role = ServerAction::<SetUserRole>::new();
        let users = Resource::new(move || (create.version().get(), set_role.version().get()), |_| list_users());
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
            <Title text="Users · Trust Portal" />
            <h1 class=ui::H1>"Users"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let me = match user.await { Ok(Some(u)) => Some((u.id, u.role)), _ => None };
                    let role = me.as_ref().map(|m| m.1);
                    match users.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) => view! {
                            <div class="space-y-6">
                                {role.map(|r| view! { <CreateUserForm action=create creator=r /> })}
                                {action_feedback(set_role, "Role changed. The user's sessions have ended; the new role applies at their next login.")}
                                <UserTable list me_id=me.map(|m| m.0).unwrap_or_default() set_role />
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
fn CreateUserForm(action: ServerAction<CreateUser>, creator: Role) -> impl IntoView {
    let operator = creator == Role::OperatorAdmin;
    // Least privileged first, so the form's default grants the least.
    let roles: Vec<Role> =
        Role::LEAST_PRIVILEGED_FIRST.iter().copied().filter(|r| operator || r.org_kind() == OrgKind::Tenant).collect();
    view! {
        <section class=ui::CARD aria-labelledby="new-user">
            <h2 id="new-user" class="mb-3 text-lg font-semibold">"New user"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-3">
                <div>
                    <label for="user-email" class=ui::LABEL>"E-mail"</label>
                    <input id="user-email" name="email" type="email" required class=ui::INPUT />
                </div>
                <div>
                    <label for="user-name" class=ui::LABEL>"Name"</label>
                    <input id="user-name" name="name" required maxlength="100" class=ui::INPUT />
                </div>
                <div>
                    <label for="user-role" class=ui::LABEL>"Role"</label>
                    <select id="user-role" name="role" class=ui::INPUT>
                        {roles.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for="user-password" class=ui::LABEL>"Initial password"</label>
                    <input id="user-password" name="password" type="password" required minlength="12" autocomplete="new-password" class=ui::INPUT />
                </div>
                {operator.then(|| view! {
                    <div>
                        <label for="user-tenant" class=ui::LABEL>"Tenant slug (tenant roles)"</label>
                        <input id="user-tenant" name="tenant_slug" class=ui::INPUT />
                    </div>
                })}
                <div class="sm:col-span-3"><button type="submit" class=ui::BUTTON>"Create user"</button></div>
            </ActionForm>
            <div class="mt-3">{action_feedback(action, "User created.")}</div>
        </section>
    }
}

#[component]
fn UserTable(list: Vec<UserSummary>, me_id: String, set_role: ServerAction<SetUserRole>) -> impl IntoView {
    view! {
        <DataTable caption="Users" headers=&["E-mail", "Name", "Organisation", "Role", "Access ends"]>
                    {list.into_iter().map(|u| {
                        // Your own role and auditors' are not changed here (see accounts::change_role).
                        let fixed = u.id == me_id || u.role == Role::Auditor;
                        let role_cell = if fixed {
                            view! { <span>{u.role.label()}</span> }.into_any()
                        } else {
                            let label = format!("Role of {}", u.email);
                            let options: Vec<Role> = Role::ALL.iter().copied()
                                .filter(|r| r.org_kind() == u.org_kind && *r != Role::Auditor).collect();
                            view! {
                                <ActionForm action=set_role attr:class="flex gap-2">
                                    <input type="hidden" name="user_id" value=u.id.clone() />
                                    <select name="role" aria-label=label class="rounded border border-slate-300 px-1 py-0.5 text-sm">
                                        {options.into_iter().map(|r| view! {
                                            <option value=r.as_str() selected=r == u.role>{r.label()}</option>
                                        }).collect_view()}
                                    </select>
                                    <button type="submit" class=ui::BUTTON_QUIET>"Save"</button>
                                </ActionForm>
                            }.into_any()
                        };
                        view! {
                            <tr data-testid="user-row">
                                <td class=ui::TD>{u.email.clone()}</td>
                                <td class=ui::TD>{u.name}</td>
                                <td class=ui::TD>{u.org_name}</td>
                                <td class=ui::TD>{role_cell}</td>
                                <td class=ui::TD>{u.expires_at.map_or_else(|| "—".to_owned(), display_time)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
    }
}
