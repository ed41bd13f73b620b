//! The app shell: header with role-based navigation, the SLA badge, and the page.

use super::SlaBadge;
use super::feedback::LastSent;
use crate::api::auth::{Logout, SessionUser, current_user};
use crate::domain::AppError;
use crate::domain::identity::NavItem;
use leptos::prelude::*;
use leptos_router::components::{A, Outlet};
use leptos_router::hooks::use_location;

/// The logged-in user, loaded once per navigation and shared with pages.
#[derive(Clone, Copy)]
pub struct CurrentUserCtx(pub Resource<Result<Option<SessionUser>, AppError>>);

/// Header, navigation and footer around every signed-in page.
#[component]
pub fn Layout() -> impl IntoView {
    let location = use_location();
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    provide_context(CurrentUserCtx(user));
    let logout = ServerAction::<Logout>::new();
    let last_sent = RwSignal::new(None);
    provide_context(LastSent(last_sent));
    // The phone menu closes once a link in it has been followed, and a new
    // page starts with no form sent.
    let menu = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        location.pathname.track();
        last_sent.set(None);
        if let Some(details) = menu.get_untracked() {
            details.set_open(false);
        }
    });
    view! {
        <a href="#main" class="sr-only focus:not-sr-only">"Skip to content"</a>
        <header class="border-b border-slate-200 bg-white print:hidden">
            <div class="mx-auto flex max-w-6xl flex-wrap items-center gap-4 px-4 py-3">
                <a href="/" class="text-lg font-semibold text-indigo-700">"Trust Portal"</a>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        match user.await {
                            Ok(Some(u)) => view! {
                                // Wide screens: the links in a row. Phones: behind a Menu disclosure
                                // (native, so it opens without JavaScript too).
                                <MainNav items=u.role.nav() class="hidden flex-1 flex-wrap gap-1 sm:flex" />
                                <details node_ref=menu class="flex-1 sm:hidden" data-testid="mobile-menu">
                                    <summary class="inline-block cursor-pointer list-none rounded border border-slate-300 px-2 py-1 text-sm">"Menu"</summary>
                                    <MainNav items=u.role.nav() class="mt-2 flex flex-col gap-1" />
                                </details>
                                <span class="text-sm text-slate-600" data-testid="whoami">
                                    {u.email.clone()} " · " {u.role.label()} " · " {u.org_name.clone()}
                                </span>
                                <ActionForm action=logout>
                                    <button type="submit" class="rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100">"Log out"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! { <span class="flex-1"></span><a href="/login" class="text-sm">"Log in"</a> }.into_any(),
                        }
                    })}
                </Suspense>
                <SlaBadge />
            </div>
        </header>
        <main id="main" class="mx-auto max-w-6xl px-4 py-6">
            <Outlet />
        </main>
    }
}

/// The signed-in role's navigation links.
#[component]
fn MainNav(items: &'static [NavItem], class: &'static str) -> impl IntoView {
    view! {
        <nav aria-label="Main" class=class>
            {items.iter().map(|item| view! {
                <A href=item.path attr:class="rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-indigo-50 aria-[current=page]:text-indigo-800">
                    {item.label}
                </A>
            }).collect_view()}
        </nav>
    }
}
