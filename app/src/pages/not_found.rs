//! The 404 page.

use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any unknown path, with status 404.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Not found · Trust Portal" />
        <main id="main" class="mx-auto max-w-xl px-4 py-16 text-center">
            <h1 class="mb-2 text-3xl font-semibold">"Page not found"</h1>
            <p class="mb-6 text-slate-700">"There is nothing at this address. It may have moved, or you may not have access."</p>
            <a href="/" class="text-indigo-700 underline">"Go to your home page"</a>
        </main>
    }
}
