//! The sign-off tab: download `signoff.zip` (built from the engagement's state
//! now; its digest is recorded), the packs built so far, and the answers
//! given. The auditor answers a pack they reviewed, named by its SHA-256:
//! accepted (the engagement is then accepted) or rejected with a reason.

use super::{EngagementField, Refresh};
use crate::api::audits::{AnswerSignoff, engagement_signoffs};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, action_feedback};
use crate::domain::audit_kit::AcceptanceDecision;
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The sign-off pack of an engagement.
#[component]
pub fn SignoffTab(id: String, is_auditor: bool) -> impl IntoView {
    let answer = ServerAction::<AnswerSignoff>::new();
    Refresh::after(answer);
    let data = {
        let id = id.clone();
        Resource::new(move || (id.clone(), answer.version().get()), |(id, _)| engagement_signoffs(id))
    };
    view! {
        <section class=ui::CARD aria-labelledby="download-heading">
            <h2 id="download-heading" class="mb-2 text-lg font-semibold">"Sign-off pack"</h2>
            <p class="mb-2 text-sm text-slate-700">
                "The pack holds the locked scope, the checklist with results, findings, decisions, requests, the compliance pack and an access-log summary, with a manifest of every file's SHA-256 signed by the portal. Check it offline with "
                <code>"trust-portal signoff verify --keys receipt-keys.json signoff.zip"</code>
                " (the key set is at " <a class="text-indigo-700 underline" href="/.well-known/trust-portal/receipt-keys.json">"/.well-known/trust-portal/receipt-keys.json"</a> ")."
            </p>
            <a class=ui::BUTTON href=format!("/audits/{id}/signoff.zip") download>"Download signoff.zip"</a>
        </section>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(v) => {
                            let latest = v.packs.first().map(|p| p.sha256.clone());
                            view! {
                                <div class="mt-6 space-y-6">
                                    {if v.packs.is_empty() {
                                        view! { <p class="text-sm text-slate-600" data-testid="no-packs">"No sign-off pack has been built yet: download one above; each download is built from the engagement as it is then, and its SHA-256 is listed here."</p> }.into_any()
                                    } else {
                                        view! {
                                            <DataTable show_caption=true caption="Packs built" headers=&["SHA-256", "State as of", "Built", "By"]>
                                                {v.packs.into_iter().map(|p| view! {
                                                    <tr data-testid="signoff-row">
                                                        <td class=ui::TD><code class="break-all" data-testid="signoff-sha256">{p.sha256}</code></td>
                                                        <td class=ui::TD>{display_time(p.as_of)}</td>
                                                        <td class=ui::TD>{display_time(p.built_at)}</td>
                                                        <td class=ui::TD>{p.built_by}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </DataTable>
                                        }.into_any()
                                    }}
                                    {if v.answers.is_empty() {
                                        view! { <p class="text-sm text-slate-600">"No answer yet: the auditor accepts or rejects a pack they reviewed, by its SHA-256."</p> }.into_any()
                                    } else {
                                        view! {
                                            <DataTable show_caption=true caption="Answers" headers=&["Pack", "Answer", "Statement or reason", "By", "When"]>
                                                {v.answers.into_iter().map(|a| view! {
                                                    <tr data-testid="answer-row" data-decision=a.decision.as_str()>
                                                        <td class=ui::TD><code title=a.pack_sha256.clone()>{format!("{}…", &a.pack_sha256[..12.min(a.pack_sha256.len())])}</code></td>
                                                        <td class=ui::TD>{a.decision.as_str()}</td>
                                                        <td class=ui::TD>{a.statement}</td>
                                                        <td class=ui::TD>{a.email}</td>
                                                        <td class=ui::TD>{display_time(a.at)}</td>
                                                    </tr>
                                                }).collect_view()}
                                            </DataTable>
                                        }.into_any()
                                    }}
                                    {is_auditor.then(|| view! { <AnswerForm id=id.clone() latest answer /> })}
                                </div>
                            }.into_any()
                        }
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AnswerForm(id: String, latest: Option<String>, answer: ServerAction<AnswerSignoff>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="answer-heading">
            <h2 id="answer-heading" class="mb-2 text-lg font-semibold">"Answer the pack you reviewed"</h2>
            <ActionForm action=answer attr:class="grid gap-3">
                <EngagementField id />
                <div>
                    <label for="answer-sha" class=ui::LABEL>"SHA-256 of the pack you reviewed"</label>
                    <input id="answer-sha" name="pack_sha256" required value=latest.unwrap_or_default() class=format!("{} font-mono", ui::INPUT) />
                </div>
                <fieldset>
                    <legend class=ui::LABEL>"Answer"</legend>
                    <label class="mr-4 inline-flex items-center gap-2 text-sm"><input type="radio" name="decision" value=AcceptanceDecision::Accepted.as_str() checked />"Accept"</label>
                    <label class="inline-flex items-center gap-2 text-sm"><input type="radio" name="decision" value=AcceptanceDecision::Rejected.as_str() />"Reject"</label>
                </fieldset>
                <div>
                    <label for="answer-statement" class=ui::LABEL>"Statement (or the reason for rejecting)"</label>
                    <textarea id="answer-statement" name="statement" rows="2" required class=ui::INPUT>"I accept this sign-off pack as the record of the dry-run."</textarea>
                </div>
                <div><button type="submit" class=ui::BUTTON>"Send answer"</button></div>
            </ActionForm>
            <div class="mt-2">{action_feedback(answer, "Answer recorded.")}</div>
        </section>
    }
}
