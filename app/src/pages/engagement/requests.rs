//! The requests tab: evidence requests (the auditor raises and reviews them;
//! the owner's staff name an owner and upload evidence, with the date it is
//! about), samples drawn from a population, and each request's thread.

use super::{EngagementField, Refresh, Thread};
use crate::api::audit_fieldwork::{
    AddAuditComment, AssignRequest, DrawSample, RaiseRequest, ReviewRequest, engagement_requests,
};
use crate::components::ui;
use crate::components::{ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::audit_kit::RequestStatus;
use crate::domain::audit_kit::view::{RequestView, SampleView};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The actions of the tab.
#[derive(Clone, Copy)]
struct Actions {
    raise: ServerAction<RaiseRequest>,
    assign: ServerAction<AssignRequest>,
    review: ServerAction<ReviewRequest>,
    sample: ServerAction<DrawSample>,
    comment: ServerAction<AddAuditComment>,
}

/// The requests of an engagement.
#[component]
pub fn RequestsTab(id: String, can_manage: bool, is_auditor: bool) -> impl IntoView {
    let a = Actions {
        raise: ServerAction::new(),
        assign: ServerAction::new(),
        review: ServerAction::new(),
        sample: ServerAction::new(),
        comment: ServerAction::new(),
    };
    Refresh::after(a.raise);
    Refresh::after(a.review);
    let data = {
        let id = id.clone();
        Resource::new(
            move || {
                (
                    id.clone(),
                    a.raise.version().get(),
                    a.assign.version().get(),
                    a.review.version().get(),
                    a.sample.version().get(),
                    a.comment.version().get(),
                )
            },
            |(id, ..)| engagement_requests(id),
        )
    };
    let query = use_query_map();
    let upload = move || {
        query.read().get("uploaded").or_else(|| query.read().get("upload_error").map(|e| format!("error: {e}")))
    };
    view! {
        {move || upload().map(|u| if let Some(e) = u.strip_prefix("error: ") {
            view! { <p role="alert" class="mb-3 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">{format!("Upload refused: {e}")}</p> }.into_any()
        } else {
            view! { <p role="status" class="mb-3 rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900">"Evidence uploaded; the request is in review."</p> }.into_any()
        })}
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(v) => view! {
                            <div class="space-y-4">
                                {action_feedback(a.review, "Review recorded.")}
                                {action_feedback(a.assign, "Owner saved.")}
                                {action_feedback(a.comment, "Comment added.")}
                                {if v.requests.is_empty() {
                                    view! { <p class="text-sm text-slate-600">"No evidence request yet."</p> }.into_any()
                                } else {
                                    v.requests.into_iter().map(|r| view! { <Request r id=id.clone() can_manage is_auditor a /> }).collect_view().into_any()
                                }}
                                {(!v.samples.is_empty()).then(|| view! {
                                    <section class=ui::CARD aria-labelledby="samples-heading">
                                        <h2 id="samples-heading" class="mb-2 text-lg font-semibold">"Samples"</h2>
                                        {v.samples.into_iter().map(|s| view! { <Sample s /> }).collect_view()}
                                    </section>
                                })}
                                {is_auditor.then(|| view! { <AuditorForms id=id.clone() a /> })}
                            </div>
                        }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn Request(r: RequestView, id: String, can_manage: bool, is_auditor: bool, a: Actions) -> impl IntoView {
    let in_review = r.status == RequestStatus::InReview;
    let open = r.status != RequestStatus::Accepted;
    let heading = format!("req-{}", r.id);
    let label = heading.clone();
    let (accept_id, change_id, answer_id, thread_id) = (id.clone(), id.clone(), id.clone(), id);
    let (accept_req, change_req) = (r.id.clone(), r.id.clone());
    let (accept_label, change_label) =
        (format!("Accept evidence for {}", r.reference), format!("Request changes to {}", r.reference));
    view! {
        <article class=ui::CARD data-testid="request" data-status=r.status.as_str() aria-labelledby=label>
            <h2 id=heading class="text-base font-semibold">{format!("{} {}", r.reference, r.title)}</h2>
            <p class="text-sm text-slate-700">
                {format!("{} · raised by {} on {} · owner: {}{}", r.status.label(), r.raised_by, display_time(r.raised_at),
                    r.owner.clone().unwrap_or_else(|| "not assigned".into()),
                    r.evidence_date.as_deref().map(|d| format!(" · evidence dated {d}")).unwrap_or_default())}
            </p>
            {(!r.detail.is_empty()).then(|| view! { <p class="mt-1 text-sm">{r.detail.clone()}</p> })}
            <ul class="mt-2 text-sm">
                {r.documents.iter().map(|d| view! {
                    <li><a class="text-indigo-700 underline" href=d.href.clone() download>{format!("{} v{} ({})", d.title, d.version, d.filename)}</a>
                        {format!(" uploaded by {} {}", d.uploaded_by, display_time(d.uploaded_at))}</li>
                }).collect_view()}
            </ul>
            {r.samples.into_iter().map(|s| view! { <Sample s /> }).collect_view()}
            {(is_auditor && in_review).then(|| view! {
                <div class="mt-2 flex gap-2">
                    <ActionForm action=a.review>
                        <EngagementField id=accept_id />
                        <input type="hidden" name="request_id" value=accept_req />
                        <input type="hidden" name="decision" value="accepted" />
                        <button type="submit" class=ui::BUTTON>{accept_label}</button>
                    </ActionForm>
                    <ActionForm action=a.review>
                        <EngagementField id=change_id />
                        <input type="hidden" name="request_id" value=change_req />
                        <input type="hidden" name="decision" value="changes_requested" />
                        <button type="submit" class=ui::BUTTON_QUIET>{change_label}</button>
                    </ActionForm>
                </div>
            })}
            {(can_manage && open).then(|| view! { <AnswerForms r_id=r.id.clone() reference=r.reference.clone() id=answer_id a /> })}
            <Thread id=thread_id subject=r.id.clone() comments=r.comments action=a.comment />
        </article>
    }
}

/// The owner's side of a request: name its owner, upload evidence (a plain
/// multipart form to the session route, so it works without JavaScript).
#[component]
fn AnswerForms(r_id: String, reference: String, id: String, a: Actions) -> impl IntoView {
    let ids = |n: &str| (format!("{n}-{r_id}"), format!("{n}-{r_id}"));
    let ((owner_for, owner_id), (file_for, file_id)) = (ids("owner"), ids("file"));
    let ((title_for, title_id), (date_for, date_id)) = (ids("title"), ids("date"));
    let upload_to = format!("/audits/{id}/requests/{r_id}/evidence");
    let (owner_label, title_label) = (format!("Owner of {reference}"), format!("Evidence for {reference}: title"));
    view! {
        <div class="mt-3 grid gap-3 md:grid-cols-2">
            <ActionForm action=a.assign attr:class="flex items-end gap-2">
                <EngagementField id=id />
                <input type="hidden" name="request_id" value=r_id />
                <div class="flex-1">
                    <label for=owner_for class=ui::LABEL>{owner_label}</label>
                    <input id=owner_id name="owner" required class=ui::INPUT />
                </div>
                <button type="submit" class=ui::BUTTON_QUIET>"Assign"</button>
            </ActionForm>
            <form method="post" enctype="multipart/form-data" action=upload_to class="grid gap-2">
                <div>
                    <label for=title_for class=ui::LABEL>{title_label}</label>
                    <input id=title_id name="title" required class=ui::INPUT />
                </div>
                <div>
                    <label for=date_for class=ui::LABEL>"Date the evidence is about"</label>
                    <input id=date_id name="evidence_date" type="date" class=ui::INPUT />
                </div>
                <div>
                    <label for=file_for class=ui::LABEL>"File"</label>
                    <input id=file_id name="file" type="file" required class="text-sm" />
                </div>
                <button type="submit" class=ui::BUTTON_QUIET>"Upload evidence"</button>
            </form>
        </div>
    }
}

#[component]
fn Sample(s: SampleView) -> impl IntoView {
    view! {
        <details class="mt-2 text-sm" data-testid="sample">
            <summary>{format!("Sample of {} {} out of {} (seed {}), drawn by {} {}", s.items.len(), s.population, s.population_size, s.seed, s.drawn_by, display_time(s.drawn_at))}</summary>
            <ul class="ml-4 list-disc">
                {s.items.into_iter().map(|(id, label, digest)| view! { <li><code>{id}</code>{format!(" {label} {digest}")}</li> }).collect_view()}
            </ul>
        </details>
    }
}

#[component]
fn AuditorForms(id: String, a: Actions) -> impl IntoView {
    let (raise_id, sample_id) = (id.clone(), id);
    view! {
        <section class=ui::CARD aria-labelledby="raise-heading">
            <h2 id="raise-heading" class="mb-2 text-lg font-semibold">"Raise an evidence request"</h2>
            <ActionForm action=a.raise node_ref=cleared_on_success(a.raise) attr:class="grid gap-3">
                <EngagementField id=raise_id />
                <div>
                    <label for="req-title" class=ui::LABEL>"What you need"</label>
                    <input id="req-title" name="title" required maxlength="200" class=ui::INPUT />
                </div>
                <div>
                    <label for="req-detail" class=ui::LABEL>"Detail"</label>
                    <textarea id="req-detail" name="detail" rows="2" class=ui::INPUT></textarea>
                </div>
                <div><button type="submit" class=ui::BUTTON>"Raise request"</button></div>
            </ActionForm>
            <div class="mt-2">{action_feedback(a.raise, "Request raised.")}</div>
        </section>
        <section class=ui::CARD aria-labelledby="sample-heading">
            <h2 id="sample-heading" class="mb-2 text-lg font-semibold">"Draw a sample"</h2>
            <p class="mb-2 text-sm text-slate-700">"Items are ranked by SHA-256(seed ‖ id) and the lowest taken; the sample is fixed when drawn."</p>
            <ActionForm action=a.sample node_ref=cleared_on_success(a.sample) attr:class="flex flex-wrap items-end gap-3">
                <EngagementField id=sample_id />
                <div>
                    <label for="sample-pop" class=ui::LABEL>"Population"</label>
                    <select id="sample-pop" name="population" class=ui::INPUT>
                        <option value="packs">"Release packs in the period"</option>
                        <option value="verifications">"Attestation API calls in the period"</option>
                    </select>
                </div>
                <div>
                    <label for="sample-size" class=ui::LABEL>"Size"</label>
                    <input id="sample-size" name="size" type="number" min="1" max="100" value="5" required class=ui::INPUT />
                </div>
                <div>
                    <label for="sample-req" class=ui::LABEL>"For request (id, optional)"</label>
                    <input id="sample-req" name="request_id" placeholder="req_…" class=ui::INPUT />
                </div>
                <button type="submit" class=ui::BUTTON>"Draw sample"</button>
            </ActionForm>
            <div class="mt-2">{action_feedback(a.sample, "Sample drawn.")}</div>
        </section>
    }
}
