//! Showing errors and action results.

use crate::domain::{AppError, ErrorCode};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

/// Shows an error; an expired or missing session sends the user to log in.
#[component]
pub fn ErrorNotice(
    /// The error to show.
    error: AppError,
) -> impl IntoView {
    if error.code == ErrorCode::Unauthenticated {
        return view! { <Redirect path="/login" /> }.into_any();
    }
    let title = match error.code {
        ErrorCode::Forbidden => "Not allowed",
        ErrorCode::NotFound => "Not found",
        ErrorCode::InvalidInput | ErrorCode::Conflict => "Please check the form",
        ErrorCode::InvalidCredentials => "Wrong e-mail or password",
        ErrorCode::AccessExpired => "Access ended",
        ErrorCode::Suspended => "Organisation suspended",
        ErrorCode::RateLimited => "Too many attempts",
        ErrorCode::NdaRequired => "Confidentiality agreement",
        ErrorCode::Transport => "Could not reach the portal",
        ErrorCode::Unauthenticated | ErrorCode::Internal => "Something went wrong",
    };
    let nda = error.code == ErrorCode::NdaRequired;
    view! {
        <div role="alert" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
            <p class="font-semibold">{title}</p>
            <p>{error.message}</p>
            {nda.then(|| view! { <p class="mt-1"><a class="underline" href="/audit/nda">"Read and accept the NDA"</a></p> })}
        </div>
    }
    .into_any()
}

/// The query parameter a redirect after a successful form post without
/// JavaScript carries: the path of the server function that succeeded (the
/// server adds it; Leptos itself only reports errors that way).
pub const DONE_PARAM: &str = "__done";

/// The outcome of the last submission of `action`'s form: an error, or `ok`
/// on success, with JavaScript (the action's value) or without (the page was
/// reached by the redirect after that server function succeeded).
pub fn action_feedback<A>(action: ServerAction<A>, ok: &'static str) -> impl IntoView
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let done_without_js = use_query_map().with_untracked(|q| q.get(DONE_PARAM).as_deref() == Some(A::PATH));
    let value = action.value();
    move || match value.get() {
        Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
        Some(Ok(_)) => success(ok).into_any(),
        None if done_without_js => success(ok).into_any(),
        None => ().into_any(),
    }
}

fn success(ok: &'static str) -> impl IntoView {
    view! { <p role="status" class="rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900">{ok}</p> }
}
