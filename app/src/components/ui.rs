//! Shared Tailwind classes for form controls, buttons, cards and tables: one
//! look for every page and component.

/// A text input or select.
pub const INPUT: &str = "mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm focus:border-indigo-500 focus:outline-none focus:ring-2 focus:ring-indigo-500";
/// A field label.
pub const LABEL: &str = "block text-sm font-medium text-slate-800";
/// The main button.
pub const BUTTON: &str = "rounded-md bg-indigo-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-800 focus:outline-none focus:ring-2 focus:ring-indigo-500 focus:ring-offset-2";
/// A button that confirms a destructive action (see [`super::Confirm`]).
pub const BUTTON_DANGER: &str = "rounded-md bg-red-700 px-2 py-1 text-sm font-semibold text-white hover:bg-red-800 focus:outline-none focus:ring-2 focus:ring-red-600 focus:ring-offset-2";
/// A quiet button.
pub const BUTTON_QUIET: &str =
    "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-800 hover:bg-slate-100";
/// A card around a section.
pub const CARD: &str = "rounded-lg border border-slate-200 bg-white p-4 shadow-sm";
/// A page heading.
pub const H1: &str = "mb-4 text-2xl font-semibold text-slate-900";
/// A table.
pub const TABLE: &str = "w-full text-left text-sm";
/// A table header cell.
pub const TH: &str = "border-b border-slate-200 px-2 py-2 font-semibold text-slate-700";
/// A table cell.
pub const TD: &str = "border-b border-slate-100 px-2 py-2 align-top";
