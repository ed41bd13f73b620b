//! `Confirm`: a destructive action asks first, with or without JavaScript.
//! The visible control only opens a native disclosure (`<details>`) that
//! says what will happen; the form inside it, whose submit button names the
//! action again, is the confirmation. Nothing is sent until that button.

use super::ui;
use leptos::prelude::*;

/// A disclosure that holds a destructive form behind a warning.
#[component]
pub fn Confirm(
    /// What the opening control says ("Revoke…").
    label: String,
    /// What happens, in words ("Scripts using this key stop working at once.").
    warning: String,
    /// The form; its submit button (styled [`ui::BUTTON_DANGER`]) confirms.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="mt-1" data-testid="confirm">
            <summary class=format!("{} inline-block cursor-pointer list-none", ui::BUTTON_QUIET)>{label}</summary>
            <div class="mt-2 max-w-xs rounded-md border border-red-200 bg-red-50 p-2 text-sm text-red-900">
                <p class="mb-2">{warning}</p>
                {children()}
            </div>
        </details>
    }
}
