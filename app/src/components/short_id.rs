//! `ShortId`: a long id or digest shown short in a table, whole underneath.
//! The text is cut by CSS only, so selecting it (or a screen reader) gets the
//! whole value without JavaScript; with JavaScript a button copies it.

use leptos::prelude::*;

/// Classes that cut the value to about `14ch` with an ellipsis.
const CUT: &str = "inline-block max-w-[14ch] truncate align-bottom";

/// The value, cut short, with its whole text in the tooltip and a copy button.
#[component]
pub fn ShortId(
    /// The whole id or digest.
    #[prop(into)]
    value: String,
    /// What it is, for the copy button's name ("Copy receipt id").
    what: &'static str,
) -> impl IntoView {
    // The button exists only once the page is interactive: without JavaScript it could do nothing.
    let interactive = RwSignal::new(false);
    Effect::new(move |_| interactive.set(true));
    let copied = RwSignal::new(None::<bool>);
    let to_copy = value.clone();
    view! {
        <span class="inline-flex items-center gap-1">
            <code class=CUT title=value.clone() data-testid="short-id">{value.clone()}</code>
            {move || interactive.get().then(|| {
                let to_copy = to_copy.clone();
                view! {
                    <button
                        type="button"
                        class="rounded border border-slate-300 px-1 text-xs text-slate-700 hover:bg-slate-100"
                        aria-label=format!("Copy {what}")
                        on:click=move |_| copy_to_clipboard(to_copy.clone(), copied)
                    >
                        {move || match copied.get() {
                            None => "Copy",
                            Some(true) => "Copied",
                            Some(false) => "Copy failed: select the text",
                        }}
                    </button>
                }
            })}
        </span>
    }
}

/// Puts `text` on the browser's clipboard and says in `done` whether it worked
/// (a browser may refuse, for example without permission).
fn copy_to_clipboard(text: String, done: RwSignal<Option<bool>>) {
    #[cfg(feature = "hydrate")]
    if let Some(window) = leptos::web_sys::window() {
        let promise = window.navigator().clipboard().write_text(&text);
        leptos::task::spawn_local(async move {
            done.try_set(Some(wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()));
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (text, done);
}
