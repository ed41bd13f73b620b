//! `EntitlementsNote`: a tenant's active plan features, and why paid ones are off.

use crate::domain::entitlements::Entitlements;
use leptos::prelude::*;

/// The active features; when a paid plan dropped to Starter, the reason in an alert.
#[component]
pub fn EntitlementsNote(
    /// The tenant's current entitlements.
    entitlements: Entitlements,
) -> impl IntoView {
    let features: Vec<&str> = entitlements.features.iter().map(|f| f.label()).collect();
    let active = format!("{} features active: {}", entitlements.effective.label(), features.join(", "));
    let evidence = entitlements
        .evidence
        .as_ref()
        .map(|e| format!("Evidence: {} ({})", e.label, if e.verified { "verified" } else { "failed" }));
    view! {
        <div data-testid="entitlements" class="text-sm">
            <p class=if entitlements.reason.is_some() { "text-amber-900" } else { "text-slate-700" }>{active}</p>
            {entitlements.reason.map(|why| view! {
                <p role="status" data-testid="entitlements-reason" class="mt-1 rounded bg-amber-100 px-2 py-1 text-amber-900">
                    {format!("{} plan features are off. ", entitlements.plan.label())}
                    {why}
                </p>
            })}
            {evidence.map(|e| view! { <p class="mt-1 text-xs text-slate-600">{e}</p> })}
        </div>
    }
}
