//! Showing errors and action results.

use crate::domain::{AppError, ErrorCode};
use leptos::prelude::*;
use leptos_router::components::Redirect;

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
        ErrorCode::NdaRequired => "Confidentiality agreement",
        _ => "Something went wrong",
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

/// The outcome of the last submission of a form: an error, or `ok` on success.
pub fn action_feedback<T, S>(value: S, ok: &'static str) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    move || match value.get() {
        Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
        Some(Ok(_)) => view! {
            <p role="status" class="rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900">{ok}</p>
        }
        .into_any(),
        None => ().into_any(),
    }
}
