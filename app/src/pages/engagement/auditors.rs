//! The auditors tab (those who manage the engagement): its auditors (with
//! the NDA version each accepted; revoke ends access at once), invitations
//! (the link is shown once; unused ones can be withdrawn), and the access
//! log of every auditor view and download with the digest of what was served.

use super::{EngagementField, Refresh};
use crate::api::audits::{
    InviteAuditor, RevokeAuditor, WithdrawAuditInvitation, engagement_auditors, take_audit_invite_link,
};
use crate::components::ui;
use crate::components::{Confirm, DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::audit_kit::view::AuditorsView;
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The auditors of an engagement.
#[component]
pub fn AuditorsTab(id: String) -> impl IntoView {
    let invite = ServerAction::<InviteAuditor>::new();
    let revoke = ServerAction::<RevokeAuditor>::new();
    let withdraw = ServerAction::<WithdrawAuditInvitation>::new();
    Refresh::after(revoke);
    let data = {
        let id = id.clone();
        Resource::new(
            move || (id.clone(), invite.version().get(), revoke.version().get(), withdraw.version().get()),
            |(id, ..)| engagement_auditors(id),
        )
    };
    let flashed = Resource::new(|| (), |_| take_audit_invite_link());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move {
                    let flashed = flashed.await.ok().flatten();
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(v) => view! { <Auditors v id flashed invite revoke withdraw /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn LinkNotice(link: String) -> impl IntoView {
    view! {
        <div role="status" data-testid="invite-link" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
            <p class="font-semibold">"Send this invitation link to the auditor. It is shown once and works until used or withdrawn."</p>
            <code class="mt-1 block break-all rounded bg-white p-2 text-slate-900" data-testid="invite-link-url">{link}</code>
        </div>
    }
}

#[component]
fn Auditors(
    v: AuditorsView,
    id: String,
    flashed: Option<String>,
    invite: ServerAction<InviteAuditor>,
    revoke: ServerAction<RevokeAuditor>,
    withdraw: ServerAction<WithdrawAuditInvitation>,
) -> impl IntoView {
    let nda = v.nda_version;
    let (invite_id, auditor_rows_id, invitation_rows_id) = (id.clone(), id.clone(), id);
    view! {
        <div class="space-y-6">
            <section class=ui::CARD aria-labelledby="invite-heading">
                <h2 id="invite-heading" class="mb-2 text-lg font-semibold">"Invite an auditor"</h2>
                <p class="mb-2 text-sm text-slate-700">"The auditor opens the link, reads and accepts the NDA and sets a password. Their access is read-only, limited to this engagement's scope and ends with it."</p>
                <ActionForm action=invite node_ref=cleared_on_success(invite) attr:class="flex flex-wrap items-end gap-3">
                    <EngagementField id=invite_id />
                    <div class="min-w-56 flex-1">
                        <label for="inv-email" class=ui::LABEL>"E-mail"</label>
                        <input id="inv-email" name="email" type="email" required class=ui::INPUT />
                    </div>
                    <div class="min-w-56 flex-1">
                        <label for="inv-name" class=ui::LABEL>"Name"</label>
                        <input id="inv-name" name="name" required maxlength="100" class=ui::INPUT />
                    </div>
                    <button type="submit" class=ui::BUTTON>"Create invitation"</button>
                </ActionForm>
                <div class="mt-3">
                    {flashed.map(|link| view! { <LinkNotice link /> })}
                    {move || match invite.value().get() {
                        Some(Ok(link)) => view! { <LinkNotice link /> }.into_any(),
                        Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                        None => ().into_any(),
                    }}
                </div>
            </section>
            {action_feedback(revoke, "Access revoked: the auditor's next request is refused.")}
            <DataTable show_caption=true caption="Auditors" headers=&["Auditor", "Joined", "NDA", "Access"]>
                {v.auditors.into_iter().map(|a| {
                    let id = auditor_rows_id.clone();
                    let active = a.revoked_at.is_none();
                    view! {
                        <tr data-testid="auditor-row">
                            <td class=ui::TD>{format!("{} ({})", a.name, a.email)}</td>
                            <td class=ui::TD>{display_time(a.joined_at)}</td>
                            <td class=ui::TD>{match a.nda_version {
                                Some(n) if n == nda => format!("v{n} accepted"),
                                Some(n) => format!("v{n} accepted; v{nda} pending"),
                                None => "not accepted".into(),
                            }}</td>
                            <td class=ui::TD>
                                {match a.revoked_at {
                                    Some(t) => view! { <span class="text-red-800">{format!("Revoked {}", display_time(t))}</span> }.into_any(),
                                    None => view! { <span class="text-green-800">"Active"</span> }.into_any(),
                                }}
                                {active.then(move || view! {
                                    <Confirm label="Revoke access…".to_owned() warning=format!("{} loses access to this engagement at once.", a.email)>
                                        <ActionForm action=revoke>
                                            <EngagementField id=id.clone() />
                                            <input type="hidden" name="user_id" value=a.user_id.clone() />
                                            <button type="submit" class=ui::BUTTON_DANGER>{format!("Revoke {}", a.email)}</button>
                                        </ActionForm>
                                    </Confirm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
            <DataTable show_caption=true caption="Invitations" headers=&["Invitee", "Created", "State"]>
                {v.invitations.into_iter().map(|i| {
                    let id = invitation_rows_id.clone();
                    let open = i.used_at.is_none() && i.revoked_at.is_none();
                    view! {
                        <tr data-testid="invitation-row">
                            <td class=ui::TD>{format!("{} ({})", i.name, i.email)}</td>
                            <td class=ui::TD>{display_time(i.created_at)}</td>
                            <td class=ui::TD>
                                {match (i.used_at, i.revoked_at) {
                                    (Some(t), _) => format!("joined {}", display_time(t)),
                                    (None, Some(t)) => format!("withdrawn {}", display_time(t)),
                                    _ => format!("open until {}", display_time(i.expires_at)),
                                }}
                                {open.then(move || view! {
                                    <ActionForm action=withdraw attr:class="mt-1">
                                        <EngagementField id=id.clone() />
                                        <input type="hidden" name="invitation_id" value=i.id.clone() />
                                        <button type="submit" class=ui::BUTTON_QUIET>{format!("Withdraw invitation of {}", i.email)}</button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
            {action_feedback(withdraw, "Invitation withdrawn.")}
            <DataTable show_caption=true caption="Access log: every auditor view and download" headers=&["When", "Auditor", "Kind", "What", "SHA-256 served"]>
                {v.access_log.into_iter().map(|a| view! {
                    <tr data-testid="access-row">
                        <td class=ui::TD>{display_time(a.at)}</td>
                        <td class=ui::TD>{a.email}</td>
                        <td class=ui::TD>{a.kind}</td>
                        <td class=ui::TD>{a.object}</td>
                        <td class=ui::TD><code title=a.sha256.clone()>{format!("{}…", &a.sha256[..12.min(a.sha256.len())])}</code></td>
                    </tr>
                }).collect_view()}
            </DataTable>
        </div>
    }
}
