//! `PageLinks`: "Newest" and "Older" under a newest-first listing paged by
//! [`crate::domain::cursor::Cursor`] (plain links, so paging works without
//! JavaScript and a page is a URL).

use crate::domain::cursor::Cursor;
use leptos::prelude::*;

/// Links to the newest page (when not on it) and to the next older one (when there is one).
#[component]
pub fn PageLinks(
    /// The listing's path (`/verifications`).
    path: &'static str,
    /// Whether this is a later page (not the newest).
    paged: bool,
    /// Where the older page starts, if there is one.
    older: Option<Cursor>,
    /// Other query parameters to keep (`q=…`), already encoded.
    #[prop(optional_no_strip)]
    keep: Option<String>,
) -> impl IntoView {
    let keep = keep.filter(|k| !k.is_empty());
    let newest = keep.as_ref().map_or_else(|| path.to_owned(), |k| format!("{path}?{k}"));
    let older = older.map(|c| match &keep {
        Some(k) => format!("{path}?{k}&before={c}"),
        None => format!("{path}?before={c}"),
    });
    (paged || older.is_some()).then(|| {
        view! {
            <nav aria-label="Pages" class="mt-3 flex gap-4 text-sm">
                {paged.then(|| view! { <a class="text-indigo-700 underline" href=newest>"← Newest"</a> })}
                {older.map(|href| view! { <a class="text-indigo-700 underline" href=href rel="next">"Older →"</a> })}
            </nav>
        }
    })
}
