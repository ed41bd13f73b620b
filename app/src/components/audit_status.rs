//! `AuditStatus`: one engagement's status at a glance (state, checklist
//! progress, the sprint's acceptance rule, open and overdue findings), linking
//! to the engagement.

use super::ui;
use crate::domain::audit_kit::EngagementState;
use crate::domain::audit_kit::view::EngagementCard;
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The status card of an engagement.
#[component]
pub fn AuditStatus(
    /// The engagement's status.
    card: EngagementCard,
) -> impl IntoView {
    let state_class = match card.state {
        EngagementState::Accepted => "bg-green-100 text-green-900",
        EngagementState::Fieldwork => "bg-indigo-100 text-indigo-900",
        EngagementState::Scoping => "bg-slate-100 text-slate-800",
    };
    let (passed, total) = card.checklist;
    let rule_class = if card.rule.passed { "text-green-800" } else { "text-red-800" };
    view! {
        <article class=ui::CARD data-testid="engagement-card" aria-labelledby=format!("card-{}", card.id)>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <h2 id=format!("card-{}", card.id) class="text-lg font-semibold">
                    <a class="text-indigo-700 underline" href=format!("/audits/{}", card.id)>{card.name.clone()}</a>
                </h2>
                <span class=format!("rounded-full px-2 py-0.5 text-xs font-semibold {state_class}") data-testid="engagement-state">
                    {card.state.label()}
                </span>
            </div>
            <p class="text-sm text-slate-700">{format!("{} · {} · {} to {}", card.firm, card.owner, card.period_start, card.period_end)}</p>
            <dl class="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
                <dt class="text-slate-600">"Checklist"</dt>
                <dd data-testid="checklist-progress">{format!("{passed} of {total} passed")}</dd>
                <dt class="text-slate-600">"Open findings"</dt>
                <dd>{format!("{} ({} overdue)", card.open_findings, card.overdue_findings)}</dd>
                <dt class="text-slate-600">"Acceptance rule"</dt>
                <dd class=rule_class data-testid="rule">{if card.rule.passed { "met" } else { "not met" }}</dd>
                <dt class="text-slate-600">"Access ends"</dt>
                <dd>{display_time(card.access_ends_at)}</dd>
            </dl>
            <p class="mt-2 text-xs text-slate-600">{card.rule.summary.clone()}</p>
            {(card.overdue_findings > 0).then(|| view! {
                <p role="status" class="mt-2 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">
                    {format!("{} remediation{} overdue: an alert is open.", card.overdue_findings, if card.overdue_findings == 1 { "" } else { "s" })}
                </p>
            })}
        </article>
    }
}
