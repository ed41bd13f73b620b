//! `/audits/:id`: one engagement, in tabs (plain links, so JavaScript-off
//! works): overview (scope, NDA, fieldwork), checklist, evidence (the
//! compliance pack's contents), requests, findings, decisions, auditors
//! (operator side: invitations and the access log) and the sign-off pack.
//! Each control shows only to those it is for; the server checks every one.

mod auditors;
mod checklist;
mod decisions;
mod evidence;
mod findings;
mod overview;
mod requests;
mod signoff;

use crate::api::audits::engagement;
use crate::components::ui;
use crate::components::{AuditStatus, CurrentUserCtx, ErrorNotice};
use crate::domain::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use leptos_router::{LazyRoute, lazy_route};

/// `/audits/:id`. See [`super`] for why pages create their data in `view`.
pub struct EngagementPage;

const TABS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("checklist", "Checklist"),
    ("evidence", "Evidence"),
    ("requests", "Requests"),
    ("findings", "Findings"),
    ("decisions", "Decisions"),
    ("auditors", "Auditors"),
    ("signoff", "Sign-off"),
];

/// Bumped by a tab when one of its actions succeeds: the header card reloads.
#[derive(Clone, Copy)]
pub(super) struct Refresh(RwSignal<u32>);

impl Refresh {
    /// Reloads the header whenever `action` succeeds.
    fn after<A, O>(action: ServerAction<A>)
    where
        A: leptos::server_fn::ServerFn<Output = O, Error = crate::domain::AppError> + Clone + Send + Sync + 'static,
        O: Clone + Send + Sync + 'static,
    {
        if let Some(Refresh(signal)) = use_context::<Refresh>() {
            Effect::new(move |_| {
                if matches!(action.value().get(), Some(Ok(_))) {
                    signal.update(|n| *n += 1);
                }
            });
        }
    }
}

#[lazy_route]
impl LazyRoute for EngagementPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let params = use_params_map();
        let query = use_query_map();
        let id = move || params.read().get("id").unwrap_or_default();
        let tab = move || {
            query.read().get("tab").filter(|t| TABS.iter().any(|(k, _)| k == t)).unwrap_or_else(|| "overview".into())
        };
        let refresh = RwSignal::new(0u32);
        provide_context(Refresh(refresh));
        let header = Resource::new(move || (id(), refresh.get()), |(id, _)| engagement(id));
        let user = expect_context::<CurrentUserCtx>().0;
        view! {
            <Title text="Engagement · Trust Portal" />
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match header.await {
                        Err(e) => view! { <h1 class=ui::H1>"Engagement"</h1><ErrorNotice error=e /> }.into_any(),
                        Ok(v) => view! {
                            <h1 class=ui::H1>{v.card.name.clone()}</h1>
                            <div class="mb-4"><AuditStatus card=v.card /></div>
                        }.into_any(),
                    }
                })}
            </Suspense>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let role = user.await.ok().flatten().map(|u| u.role);
                    let is_auditor = role == Some(Role::Auditor);
                    let can_manage = matches!(role, Some(Role::OperatorAdmin | Role::Security | Role::TenantAdmin));
                    view! { <Tabs id=id() tab=tab() can_manage is_auditor /> }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn Tabs(id: String, tab: String, can_manage: bool, is_auditor: bool) -> impl IntoView {
    let tabs: Vec<(&str, &str)> = TABS.iter().copied().filter(|(k, _)| *k != "auditors" || can_manage).collect();
    let body = match tab.as_str() {
        "checklist" => view! { <checklist::ChecklistTab id=id.clone() can_manage /> }.into_any(),
        "evidence" => view! { <evidence::EvidenceTab id=id.clone() /> }.into_any(),
        "requests" => view! { <requests::RequestsTab id=id.clone() can_manage is_auditor /> }.into_any(),
        "findings" => view! { <findings::FindingsTab id=id.clone() can_manage is_auditor /> }.into_any(),
        "decisions" => view! { <decisions::DecisionsTab id=id.clone() can_manage /> }.into_any(),
        "auditors" if can_manage => view! { <auditors::AuditorsTab id=id.clone() /> }.into_any(),
        "signoff" => view! { <signoff::SignoffTab id=id.clone() is_auditor /> }.into_any(),
        _ => view! { <overview::OverviewTab id=id.clone() /> }.into_any(),
    };
    view! {
        <nav aria-label="Engagement" class="mb-4 flex flex-wrap gap-1 border-b border-slate-200">
            {tabs.into_iter().map(|(key, label)| {
                let current = key == tab;
                view! {
                    <a href=format!("/audits/{id}?tab={key}")
                        aria-current=current.then_some("page")
                        class=if current { "rounded-t border-b-2 border-indigo-700 px-3 py-1.5 text-sm font-semibold text-indigo-800" } else { "rounded-t px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100" }>
                        {label}
                    </a>
                }
            }).collect_view()}
        </nav>
        {body}
    }
}

/// A hidden `engagement_id` field for the tab's forms.
#[component]
fn EngagementField(id: String) -> impl IntoView {
    view! { <input type="hidden" name="engagement_id" value=id /> }
}

/// A comment thread and (for those who may comment) the form to add one.
#[component]
fn Thread(
    id: String,
    subject: String,
    comments: Vec<crate::domain::audit_kit::view::CommentView>,
    action: ServerAction<crate::api::audit_fieldwork::AddAuditComment>,
) -> impl IntoView {
    use crate::domain::period::display_time;
    let label = format!("comment-{subject}");
    view! {
        <div class="mt-2 space-y-1">
            {comments.into_iter().map(|c| view! {
                <p class="rounded bg-slate-50 p-2 text-sm" data-testid="comment">
                    <span class="font-semibold">{c.author}</span>
                    <span class="text-slate-600">{format!(" ({}) {}: ", c.role, display_time(c.at))}</span>
                    {c.body}
                </p>
            }).collect_view()}
            <ActionForm action attr:class="flex flex-wrap items-end gap-2">
                <EngagementField id />
                <input type="hidden" name="subject" value=subject />
                <div class="min-w-64 flex-1">
                    <label for=label.clone() class="sr-only">"Comment"</label>
                    <input id=label name="body" required maxlength="8000" placeholder="Add a comment" class=ui::INPUT />
                </div>
                <button type="submit" class=ui::BUTTON_QUIET>"Comment"</button>
            </ActionForm>
        </div>
    }
}
