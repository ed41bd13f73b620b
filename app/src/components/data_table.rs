//! `DataTable`: the one table frame every listing uses (card, screen-reader
//! caption, column headings with `scope="col"`), around rows given as children.
//! A table wider than the screen scrolls inside its card (which takes the
//! keyboard focus, so it scrolls without a mouse too), never the page.

use super::ui;
use leptos::prelude::*;

/// A captioned table with column headings; the children are its `<tr>` rows.
#[component]
pub fn DataTable(
    /// What the table lists, read by screen readers.
    caption: &'static str,
    /// Column headings, in order.
    headers: &'static [&'static str],
    /// Show the caption as the table's heading (otherwise only screen readers read it).
    #[prop(optional)]
    show_caption: bool,
    /// The rows.
    children: Children,
) -> impl IntoView {
    view! {
        <div class=format!("{} overflow-x-auto", ui::CARD) tabindex="0">
            <table class=ui::TABLE>
                <caption class=if show_caption { "mb-2 text-left text-base font-semibold text-slate-900" } else { "sr-only" }>{caption}</caption>
                <thead>
                    <tr>{headers.iter().map(|h| view! { <th scope="col" class=ui::TH>{*h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
