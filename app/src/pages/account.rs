//! `/account`: who you are, your role and when your access ends.

use crate::components::ui;
use crate::components::{CurrentUserCtx, ErrorNotice};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/account`: the signed-in user's details (lazily loaded code; the user is
/// already loaded by the layout).
pub struct AccountPage;

#[lazy_route]
impl LazyRoute for AccountPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
        <Title text="Account · Trust Portal" />
        <h1 class=ui::H1>"Your account"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => view! {
                        <dl class=format!("{} grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm", ui::CARD)>
                            <dt class="font-medium">"Name"</dt><dd>{u.name}</dd>
                            <dt class="font-medium">"E-mail"</dt><dd>{u.email}</dd>
                            <dt class="font-medium">"Role"</dt><dd>{u.role.label()}</dd>
                            <dt class="font-medium">"Organisation"</dt><dd>{u.org_name}</dd>
                            <dt class="font-medium">"Access"</dt>
                            <dd>{u.expires_at.map_or_else(|| "Does not expire".to_owned(), |t| format!("Read-only, ends {}", display_time(t)))}</dd>
                        </dl>
                    }.into_any(),
                    Ok(None) => view! { <ErrorNotice error=crate::domain::AppError::unauthenticated() /> }.into_any(),
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
    }
}
