//! `DataTable`: the one table frame every listing uses (card, screen-reader
//! caption, column headings with `scope="col"`), around rows given as children.
//! A table wider or longer than the screen scrolls inside its card (which
//! takes the keyboard focus, so it scrolls without a mouse too) with its
//! column headings kept in view; printed, it is shown whole.

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
        <div class=format!("{} max-h-[75vh] overflow-auto print:max-h-none print:overflow-visible", ui::CARD) tabindex="0">
            <table class=ui::TABLE>
                <caption class=if show_caption { "mb-2 text-left text-base font-semibold text-slate-900" } else { "sr-only" }>{caption}</caption>
                <thead>
                    <tr>{headers.iter().map(|h| view! { <th scope="col" class=format!("{} sticky top-0 bg-white", ui::TH)>{*h}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
