//! `/`: sends each role to its first screen.

use crate::components::CurrentUserCtx;
use leptos::prelude::*;
use leptos_router::components::Redirect;

/// Redirects to the role's home, or to the login page.
#[component]
pub fn HomePage() -> impl IntoView {
    let user = expect_context::<CurrentUserCtx>().0;
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(u)) => view! { <Redirect path=u.role.home() /> }.into_any(),
                    _ => view! { <Redirect path="/login" /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
