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
        ErrorCode::Unavailable => "Temporarily unavailable",
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
    let last_sent = use_context::<LastSent>();
    if let Some(LastSent(last)) = last_sent {
        let version = action.version();
        // Claims the page's one message when this action completes while shown;
        // not when drawn again later (a re-rendered page keeps the last sender).
        Effect::new(move |seen: Option<usize>| {
            let now = version.try_get().unwrap_or(0);
            if seen.is_some_and(|seen| seen != now) {
                last.try_set(Some(A::PATH));
            }
            now
        });
    }
    // Another form sent since: its message is the one that counts.
    let superseded = move || last_sent.is_some_and(|LastSent(l)| l.try_get().flatten().is_some_and(|p| p != A::PATH));
    // `try_get`: when the page re-renders after an action, this closure can run
    // once more after its component (and its copy of `value`) is gone.
    move || match value.try_get().flatten() {
        _ if superseded() => ().into_any(),
        Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
        Some(Ok(_)) => success(ok).into_any(),
        None if done_without_js => success(ok).into_any(),
        None => ().into_any(),
    }
}

/// Which server function's form was sent last on this page (with
/// JavaScript), so that the page shows one feedback message at a time: the
/// last form's. [`crate::components::Layout`] provides it, fresh per page.
#[derive(Debug, Clone, Copy)]
pub struct LastSent(pub RwSignal<Option<&'static str>>);

/// Only the error of the last submission of `action`'s form, for forms whose
/// success shows as the next state of the page (a wizard step done), where a
/// success box could stand beside a failed check the server recorded.
pub fn action_error<A>(action: ServerAction<A>) -> impl IntoView
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let value = action.value();
    move || value.try_get().flatten().and_then(Result::err).map(|error| view! { <ErrorNotice error /> })
}

fn success(ok: &'static str) -> impl IntoView {
    view! { <p role="status" class="rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900">{ok}</p> }
}

/// A reference for an `ActionForm` that empties the form once `action`
/// succeeds (with JavaScript; without, the redirect loads the page afresh).
/// An error keeps what was typed, so it can be corrected.
pub fn cleared_on_success<A>(action: ServerAction<A>) -> NodeRef<leptos::html::Form>
where
    A: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    A::Output: Clone + Send + Sync + 'static,
{
    let form = NodeRef::<leptos::html::Form>::new();
    let value = action.value();
    // The form may be gone by the time the effect runs (its page re-rendered
    // after the action): then there is nothing to empty.
    Effect::new(move |_| {
        if value.try_with(|v| matches!(v, Some(Ok(_)))).unwrap_or(false)
            && let Some(form) = form.try_get_untracked().flatten()
        {
            form.reset();
        }
    });
    form
}
