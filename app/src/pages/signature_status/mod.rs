//! `/signature-status`: policy adoption, each repository's policy bundle
//! (version, digest, signer and its kind, where it came from, when verified,
//! result) and each release pack, with filters for failing and stale items
//! and a CSV export; who may sign ([`signers`]: org signers and overrides);
//! and the rotation drills. Auditors read; security and operator admins also
//! set the rollout, the org workflow identities and run drills; overrides are
//! security's alone.

mod signers;

use crate::api::policy_signers::{AddOrgIdentity, AllowSignerOverride, RemoveOrgIdentity, RevokeSignerOverride};
use crate::api::signature_status::{
    DrillSummary, RunKeylessDrill, RunPolicyKeyDrill, SetPolicyRollout, list_drills, load_signature_status,
};
use crate::components::ui;
use crate::components::{CurrentUserCtx, DataTable, ErrorNotice, action_feedback};
use crate::domain::Action;
use crate::domain::adoption::{PolicyState, SignatureStatus};
use crate::domain::period::display_time;
use crate::domain::policy_signers::PolicySource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/signature-status`. See [`super`] for why pages create their data in `view`.
pub struct SignatureStatusPage;

#[lazy_route]
impl LazyRoute for SignatureStatusPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let show = move || query.read().get("show").unwrap_or_default();
        let rollout = ServerAction::<SetPolicyRollout>::new();
        let actions = signers::SignerActions {
            add_identity: ServerAction::<AddOrgIdentity>::new(),
            remove_identity: ServerAction::<RemoveOrgIdentity>::new(),
            allow: ServerAction::<AllowSignerOverride>::new(),
            revoke: ServerAction::<RevokeSignerOverride>::new(),
        };
        let changed = move || (rollout.version().get(), actions.version());
        let report = Resource::new(move || (show(), changed()), |(s, _)| load_signature_status(s));
        let initial = query.with_untracked(|q| q.get("show").unwrap_or_default());
        let drill = ServerAction::<RunPolicyKeyDrill>::new();
        let keyless_drill = ServerAction::<RunKeylessDrill>::new();
        let drills = Resource::new(move || (drill.version().get(), keyless_drill.version().get()), |_| list_drills());
        let user = expect_context::<CurrentUserCtx>().0;
        let may = move |action: Action| async move { matches!(user.await, Ok(Some(u)) if u.role.may(action)) };
        let can_manage = move || may(Action::ManagePolicyRollout);
        view! {
            <Title text="Signature status · Trust Portal" />
            <h1 class=ui::H1>"Signature status"</h1>
            <Form method="GET" action="/signature-status" attr:class="mb-4 flex items-end gap-2">
                <div>
                    <label class=ui::LABEL for="show">"Show"</label>
                    <select id="show" name="show" class=ui::INPUT>
                        {[("all", "Everything"), ("failing", "Failing and unsigned"), ("stale", "Stale")].into_iter().map(|(v, l)| {
                            view! { <option value=v selected=initial == v>{l}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class=ui::BUTTON_QUIET>"Filter"</button>
                <a class=ui::BUTTON_QUIET href=format!("/signature-status/export.csv?show={initial}") download>"Export CSV"</a>
            </Form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match report.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(r) => {
                            let manage = can_manage().await;
                            let may_override = may(Action::ManageSignerOverrides).await;
                            let repos: Vec<String> = r.repos.iter().map(|x| x.repo.clone()).collect();
                            let (org_signers, overrides) = (r.org_signers.clone(), r.overrides.clone());
                            view! {
                                {manage.then(|| view! { <RolloutForm report=r.clone() action=rollout /> })}
                                <Report report=r />
                                <signers::OrgSigners list=org_signers manage actions />
                                <signers::Overrides list=overrides repos manage=may_override actions />
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            <section aria-labelledby="drills" class=format!("{} mt-6", ui::CARD)>
                <h2 id="drills" class="mb-2 text-lg font-semibold">"Rotation drills"</h2>
                <p class="mb-1 text-sm text-slate-700">
                    "Key rotation: two throwaway policy keys; old key accepted, overlap, new key accepted, old key revoked and refused, earlier results kept, audit chain verified."
                </p>
                <p class="mb-3 text-sm text-slate-700">
                    "Keyless rotation: a throwaway Sigstore instance on this machine signs as an old and a new workflow identity; old identity accepted, overlap, new identity accepted, old identity removed and refused, earlier results kept, audit chain verified. Each step of both is in the audit log."
                </p>
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        let can_run = can_manage().await;
                        let list = drills.await;
                        view! {
                            {can_run.then(|| view! {
                                <div class="mb-3 flex flex-wrap gap-3">
                                    <ActionForm action=drill>
                                        <button type="submit" class=ui::BUTTON>"Run key-rotation drill"</button>
                                    </ActionForm>
                                    <ActionForm action=keyless_drill>
                                        <button type="submit" class=ui::BUTTON>"Run keyless rotation drill"</button>
                                    </ActionForm>
                                </div>
                                {action_feedback(drill, "Key-rotation drill finished; its report is listed below.")}
                                {action_feedback(keyless_drill, "Keyless rotation drill finished; its report is listed below.")}
                            })}
                            {match list {
                                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                                Ok(list) => view! { <DrillList list /> }.into_any(),
                            }}
                        }.into_any()
                    })}
                </Suspense>
                <p class="mt-3 text-sm">
                    <a class="text-indigo-700 underline" href="/policy/workflow/org.policy.sign.yml" download>"Reusable signing workflow (org.policy.sign.yml)"</a>
                    " · "
                    <a class="text-indigo-700 underline" href="/policy/workflow/caller.yml" download>"Caller snippet"</a>
                </p>
            </section>
        }
        .into_any()
    }
}

#[component]
fn Report(report: SignatureStatus) -> impl IntoView {
    let a = report.adoption;
    let summary = format!(
        "{} of {} active repositories run org policy v{} (allowed lag {}; active = activity in the last {} days{}), from a policy upload or the policy bundle in their latest release pack. Goal: 95%.",
        a.adopted,
        a.active,
        report.current_version,
        report.allowed_lag,
        report.active_days,
        if report.require_org_workflow { "; only bundles signed by the org workflow count" } else { "" }
    );
    let alerts = report.alerts;
    view! {
        {(!alerts.is_empty()).then(|| view! {
            <section aria-labelledby="alerts" role="region" class="mb-6 rounded-md border border-red-300 bg-red-50 p-4">
                <h2 id="alerts" class="mb-2 font-semibold text-red-900">{format!("{} open alerts", alerts.len())}</h2>
                <ul class="space-y-1 text-sm text-red-900">
                    {alerts.into_iter().map(|a| view! {
                        <li data-testid="alert">
                            <code>{a.kind}</code>" "{a.message}
                            <span class="text-red-800">{format!(" (since {}{})", display_time(a.opened_at), a.delivered.map(|d| format!(", webhook: {d}")).unwrap_or_default())}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section aria-label="Policy adoption" class=format!("{} mb-6 flex flex-wrap items-center gap-4", ui::CARD)>
            <div class="text-3xl font-semibold text-slate-900" data-testid="adoption">{a.percent_text()}</div>
            <img src="/badge/policy-adoption.svg" alt=format!("Policy adoption badge: {}", a.percent_text()) />
            <p class="text-sm text-slate-700">{summary}</p>
        </section>
        <div class="space-y-6">
            <DataTable caption="Policy bundles per repository" headers=&["Tenant", "Repository", "Active", "State", "Version", "Digest", "Signed by", "From", "Verified", "Why"]>
                {report.repos.into_iter().map(|r| {
                    let failing = r.state.is_failing();
                    let from = match (r.source, &r.release) {
                        (Some(PolicySource::Pack), Some(tag)) => format!("release pack {tag}"),
                        (Some(PolicySource::Pack), None) => "release pack".to_owned(),
                        (Some(PolicySource::Upload), _) => "upload".to_owned(),
                        (None, _) => String::new(),
                    };
                    let signed_by = r.signer_kind.map(|k| k.short());
                    view! {
                        <tr data-testid="repo-row" data-state=r.state.as_str()>
                            <td class=ui::TD>{r.tenant}</td>
                            <td class=ui::TD><code>{r.repo}</code></td>
                            <td class=ui::TD>{if r.active { "yes" } else { "no" }}</td>
                            <td class=ui::TD>
                                <span class=if failing { "text-red-800" } else if r.state == PolicyState::Stale { "text-amber-900" } else { "text-green-800" }>
                                    {r.state.as_str()}
                                </span>
                            </td>
                            <td class=ui::TD>{r.version.map(|v| format!("v{v}")).unwrap_or_default()}</td>
                            <td class=ui::TD><code title=r.sha256.clone().unwrap_or_default()>{r.sha256.as_deref().map(|d| format!("{}…", &d[..d.len().min(12)])).unwrap_or_default()}</code></td>
                            <td class=ui::TD data-testid="signed-by">
                                {signed_by.map(|k| view! { <span class="font-medium">{k}</span><br /> })}
                                <span class="break-all text-xs text-slate-700">{r.signer.unwrap_or_default()}</span>
                            </td>
                            <td class=ui::TD>{from}</td>
                            <td class=ui::TD>{r.verified_at.map(display_time).unwrap_or_default()}</td>
                            <td class=ui::TD>{r.reason.unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
            <DataTable caption="Release packs" headers=&["Tenant", "Release", "Result", "Signer key", "Policy bundle", "Verified", "Why"]>
                {report.packs.into_iter().map(|p| view! {
                    <tr data-testid="pack-row" data-state=p.status.clone()>
                        <td class=ui::TD>{p.tenant}</td>
                        <td class=ui::TD><code>{format!("{}@{}", p.repo, p.tag)}</code></td>
                        <td class=ui::TD>
                            <span class=if p.status == "verified" { "text-green-800" } else { "text-red-800" }>{p.status.clone()}</span>
                        </td>
                        <td class=ui::TD><code class="break-all">{p.signer_key_id.unwrap_or_default()}</code></td>
                        <td class=ui::TD data-testid="pack-policy">{p.policy.map(|pp| pp.summary()).unwrap_or_else(|| "none".to_owned())}</td>
                        <td class=ui::TD>{display_time(p.verified_at)}</td>
                        <td class=ui::TD>{p.reason.unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
        </div>
    }
}

#[component]
fn DrillList(list: Vec<DrillSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="text-sm text-slate-600">"No drill has run yet."</p> }.into_any();
    }
    view! {
        <ul class="space-y-1 text-sm">
            {list.into_iter().map(|d| view! {
                <li data-testid="drill">
                    <a class="text-indigo-700 underline" href=format!("/drills/{}/report.md", d.id) download>
                        {format!("{} ({}): {} by {}", display_time(d.started_at), drill_label(&d.kind), if d.passed { "passed" } else { "FAILED" }, d.actor)}
                    </a>
                    {format!(" ({} steps)", d.steps)}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A drill kind for people.
fn drill_label(kind: &str) -> &'static str {
    match kind {
        "rotate-keyless-identity" => "keyless rotation",
        "rotate-policy-key" => "key rotation",
        _ => "drill",
    }
}

/// Security's rollout settings (not shown to auditors).
#[component]
fn RolloutForm(report: SignatureStatus, action: ServerAction<SetPolicyRollout>) -> impl IntoView {
    view! {
        <section class=format!("{} mb-6", ui::CARD) aria-labelledby="rollout">
            <h2 id="rollout" class="mb-3 text-lg font-semibold">"Rollout settings"</h2>
            <ActionForm action attr:class="grid gap-3 sm:grid-cols-3 sm:items-end">
                <div>
                    <label for="current-version" class=ui::LABEL>"Current policy version"</label>
                    <input id="current-version" name="current_version" type="number" min="1" required value=report.current_version.to_string() class=ui::INPUT />
                </div>
                <div>
                    <label for="allowed-lag" class=ui::LABEL>"Allowed lag (versions)"</label>
                    <input id="allowed-lag" name="allowed_lag" type="number" min="0" required value=report.allowed_lag.to_string() class=ui::INPUT />
                </div>
                <div>
                    <label for="active-days" class=ui::LABEL>"Active = activity in the last (days)"</label>
                    <input id="active-days" name="active_days" type="number" min="1" required value=report.active_days.to_string() class=ui::INPUT />
                </div>
                <div class="sm:col-span-2">
                    <label for="require-org-workflow" class="inline-flex items-center gap-2 text-sm text-slate-800">
                        <input id="require-org-workflow" type="checkbox" name="require_org_workflow" value="on" checked=report.require_org_workflow />
                        "Count only bundles signed by the org workflow (org.policy.sign.yml)"
                    </label>
                </div>
                <button type="submit" class=ui::BUTTON>"Save rollout"</button>
            </ActionForm>
            <div class="mt-3">{action_feedback(action, "Rollout saved; adoption and alerts updated.")}</div>
        </section>
    }
}
