//! `OnboardWizard`: the five onboarding steps as a stepper. Each step shows
//! whether it is done, to do, failed (with the exact failure and how to fix
//! it) or locked; the current step's form is a plain HTML form (works without
//! JavaScript) that the hydrated app submits without a page reload. Checks in
//! flight are announced (`aria-live`); after a step the new step's heading
//! takes the focus.

use super::ui;
use crate::api::onboarding::{
    OnboardDetails, OnboardFinish, OnboardGoTo, OnboardPolicy, OnboardRepository, OnboardWebhook,
};
use crate::components::action_error;
use crate::domain::Plan;
use crate::domain::onboarding::{OnboardingView, Step, StepStatus};
use leptos::prelude::*;

/// The wizard's server actions, one per transition.
#[derive(Clone, Copy)]
pub struct WizardActions {
    /// Step 1.
    pub details: ServerAction<OnboardDetails>,
    /// Step 2.
    pub webhook: ServerAction<OnboardWebhook>,
    /// Step 3.
    pub policy: ServerAction<OnboardPolicy>,
    /// Step 4.
    pub repository: ServerAction<OnboardRepository>,
    /// Step 5.
    pub finish: ServerAction<OnboardFinish>,
    /// Going back.
    pub go_to: ServerAction<OnboardGoTo>,
}

impl WizardActions {
    /// New actions.
    pub fn new() -> Self {
        Self {
            details: ServerAction::new(),
            webhook: ServerAction::new(),
            policy: ServerAction::new(),
            repository: ServerAction::new(),
            finish: ServerAction::new(),
            go_to: ServerAction::new(),
        }
    }

    /// Changes whenever any action completes (the session is then reloaded).
    pub fn version(&self) -> (usize, usize, usize, usize, usize, usize) {
        (
            self.details.version().get(),
            self.webhook.version().get(),
            self.policy.version().get(),
            self.repository.version().get(),
            self.finish.version().get(),
            self.go_to.version().get(),
        )
    }

    fn pending(&self) -> Signal<bool> {
        let a = *self;
        Signal::derive(move || {
            a.details.pending().get()
                || a.webhook.pending().get()
                || a.policy.pending().get()
                || a.repository.pending().get()
                || a.finish.pending().get()
        })
    }
}

impl Default for WizardActions {
    fn default() -> Self {
        Self::new()
    }
}

fn status_class(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Done => "border-green-600 bg-green-50 text-green-900",
        StepStatus::Ready => "border-indigo-600 bg-indigo-50 text-indigo-900",
        StepStatus::Failed => "border-red-600 bg-red-50 text-red-900",
        StepStatus::Locked => "border-slate-300 bg-white text-slate-500",
    }
}

/// The onboarding stepper and the current step's form.
#[component]
pub fn OnboardWizard(
    /// The session as the server has it.
    session: OnboardingView,
    /// The actions the forms submit to.
    actions: WizardActions,
    /// The first API key, when it was just issued (shown once).
    api_key: Option<String>,
) -> impl IntoView {
    let heading = NodeRef::<leptos::html::H2>::new();
    // After a transition (hydrated app), move the focus to the step now shown;
    // never on the first load.
    let moved = untrack(|| actions.version() != (0, 0, 0, 0, 0, 0));
    Effect::new(move |_| {
        if moved && let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let pending = actions.pending();
    let current = Step::from_number(i64::from(session.current_step)).unwrap_or(Step::Details);
    let steps = Step::ALL.map(|s| (s, session.status(s)));
    let done = session.completed;
    view! {
        <div class="grid gap-6 md:grid-cols-[16rem_1fr]" data-testid="onboard-wizard">
            <nav aria-label="Onboarding steps">
                <ol class="space-y-2">
                    {steps.into_iter().map(|(step, status)| {
                        let is_current = !done && step == current;
                        view! {
                            <li
                                class=format!("rounded-md border-l-4 px-3 py-2 text-sm {}", status_class(status))
                                aria-current=is_current.then_some("step")
                                data-testid=format!("step-{}", step.number())
                                data-status=status.label()
                            >
                                <span class="font-semibold">{format!("{}. {}", step.number(), step.title())}</span>
                                <span class="block text-xs">{status.label()}</span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <p class="mt-3 text-xs text-slate-600">"Your progress is saved: you can close this page and continue later, here or with "<code>"trust-portal onboard"</code>"."</p>
            </nav>
            <section class=ui::CARD aria-labelledby="step-heading">
                <p aria-live="polite" class="mb-2 text-sm text-indigo-800" data-testid="checking">
                    {move || pending.get().then_some("Running the checks…")}
                </p>
                {if done {
                    view! { <Completed session=session.clone() api_key heading /> }.into_any()
                } else {
                    view! { <CurrentStep session=session.clone() step=current actions heading /> }.into_any()
                }}
            </section>
        </div>
    }
}

#[component]
fn FailureNotice(session: OnboardingView, step: Step) -> impl IntoView {
    session.failure.filter(|f| f.step == step.number()).map(|f| {
        view! {
            <div role="alert" data-testid="step-failure" class="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                <p class="font-semibold">"Check failed: " <code>{f.reason}</code></p>
                <p>{f.message}</p>
                <p class="mt-1"><span class="font-semibold">"How to fix: "</span>{f.fix}</p>
            </div>
        }
    })
}

/// "Edit" buttons for finished steps (going back is allowed).
#[component]
fn BackLinks(session: OnboardingView, step: Step, action: ServerAction<OnboardGoTo>) -> impl IntoView {
    let earlier: Vec<Step> = Step::ALL
        .into_iter()
        .filter(|s| *s != step && s.number() <= session.completed_through.saturating_add(1))
        .collect();
    (!earlier.is_empty()).then(|| {
        view! {
            <div class="mt-6 border-t border-slate-200 pt-3">
                <p class="mb-2 text-xs text-slate-600">"Go to another step:"</p>
                <div class="flex flex-wrap gap-2">
                    {earlier.into_iter().map(|s| view! {
                        <ActionForm action>
                            <input type="hidden" name="step" value=s.number().to_string() />
                            <button type="submit" class=ui::BUTTON_QUIET>{format!("{}. {}", s.number(), s.title())}</button>
                        </ActionForm>
                    }).collect_view()}
                </div>
            </div>
        }
    })
}

#[component]
fn CurrentStep(
    session: OnboardingView,
    step: Step,
    actions: WizardActions,
    heading: NodeRef<leptos::html::H2>,
) -> impl IntoView {
    let form = match step {
        Step::Details => view! { <DetailsForm session=session.clone() action=actions.details /> }.into_any(),
        Step::Webhook => view! { <WebhookForm session=session.clone() action=actions.webhook /> }.into_any(),
        Step::Policy => view! { <PolicyForm session=session.clone() action=actions.policy /> }.into_any(),
        Step::Repository => view! { <RepositoryForm session=session.clone() action=actions.repository /> }.into_any(),
        Step::Finish => view! { <FinishForm session=session.clone() action=actions.finish /> }.into_any(),
    };
    view! {
        <h2 id="step-heading" node_ref=heading tabindex="-1" class="mb-1 text-xl font-semibold focus:outline-none">
            {format!("Step {} of 5: {}", step.number(), step.title())}
        </h2>
        <p class="mb-4 text-xs text-slate-600">{format!("Invitation for {}", session.label)}</p>
        <FailureNotice session=session.clone() step />
        {form}
        {action_error(actions.go_to)}
        <BackLinks session step action=actions.go_to />
    }
}

#[component]
fn DetailsForm(session: OnboardingView, action: ServerAction<OnboardDetails>) -> impl IntoView {
    let d = session.data;
    let created = d.tenant_slug.is_some();
    let admin_created = d.admin_email.is_some();
    let plan = d.plan.clone().unwrap_or_else(|| "starter".into());
    view! {
        <ActionForm action attr:class="grid gap-3 sm:grid-cols-2">
            <div>
                <label for="ob-name" class=ui::LABEL>"Company name"</label>
                <input id="ob-name" name="name" required maxlength="100" class=ui::INPUT value=d.tenant_name.clone() readonly=created autocomplete="organization" />
            </div>
            <div>
                <label for="ob-slug" class=ui::LABEL>"Handle (a-z, 0-9, -)"</label>
                <input id="ob-slug" name="slug" required pattern="[a-z0-9\\-]{3,40}" class=ui::INPUT value=d.tenant_slug.clone() readonly=created aria-describedby="ob-slug-help" />
                <p id="ob-slug-help" class="mt-1 text-xs text-slate-600">"3-40 characters; used in URLs and reports."</p>
            </div>
            <div>
                <label for="ob-plan" class=ui::LABEL>"Plan"</label>
                <select id="ob-plan" name="plan" class=ui::INPUT aria-describedby="ob-plan-help">
                    {session.plans.iter().map(|offer| {
                        let p = offer.plan;
                        view! { <option value=p.as_str() selected=plan == p.as_str()>{offer.in_words()}</option> }
                    }).collect_view()}
                </select>
                <p id="ob-plan-help" class="mt-1 text-xs text-slate-600">"Billed monthly per verified call; failed calls are free. Change the plan later with the portal's team."</p>
            </div>
            <div>
                <label for="ob-admin-name" class=ui::LABEL>"Your name (tenant admin)"</label>
                <input id="ob-admin-name" name="admin_name" required maxlength="100" class=ui::INPUT value=d.admin_name.clone() readonly=admin_created autocomplete="name" />
            </div>
            <div>
                <label for="ob-admin-email" class=ui::LABEL>"Your e-mail (your login)"</label>
                <input id="ob-admin-email" name="admin_email" type="email" required class=ui::INPUT value=d.admin_email.clone() readonly=admin_created autocomplete="email" />
            </div>
            {if admin_created {
                view! { <input type="hidden" name="admin_password" value="" /> }.into_any()
            } else {
                view! {
                    <div>
                        <label for="ob-admin-password" class=ui::LABEL>"Password (12+ characters)"</label>
                        <input id="ob-admin-password" name="admin_password" type="password" required minlength="12" class=ui::INPUT autocomplete="new-password" />
                    </div>
                }.into_any()
            }}
            <div class="sm:col-span-2">
                <button type="submit" class=ui::BUTTON>{if created { "Save plan and continue" } else { "Create tenant and continue" }}</button>
            </div>
        </ActionForm>
        {action_error(action)}
    }
}

#[component]
fn WebhookForm(session: OnboardingView, action: ServerAction<OnboardWebhook>) -> impl IntoView {
    view! {
        <p class="mb-3 text-sm text-slate-700">
            "Trust Portal sends events (onboarding completed, alerts) to your HTTPS endpoint, signed as "
            <a class="underline" href="https://www.standardwebhooks.com/">"Standard Webhooks"</a>
            ": headers " <code>"webhook-id"</code> ", " <code>"webhook-timestamp"</code> " and " <code>"webhook-signature"</code>
            " (also as " <code>"X-Topicality-Signature"</code> "). We send a test delivery now; your endpoint must answer 2xx within 15 s."
        </p>
        {session.webhook_secret.map(|secret| view! {
            <div class="mb-3 rounded-md border border-slate-200 bg-slate-50 p-3 text-sm">
                <p class="font-semibold">"Signing secret (verify deliveries with it; keep it private)"</p>
                <code class="block break-all" data-testid="webhook-secret">{secret.0}</code>
            </div>
        })}
        <ActionForm action attr:class="flex flex-wrap items-end gap-3">
            <div class="min-w-72 flex-1">
                <label for="ob-webhook" class=ui::LABEL>"Webhook URL"</label>
                <input id="ob-webhook" name="url" type="url" required placeholder="https://hooks.example.com/trust-portal" class=ui::INPUT value=session.data.webhook_url.clone() />
            </div>
            <button type="submit" class=ui::BUTTON>"Send test delivery"</button>
        </ActionForm>
        <details class="mt-3 text-sm text-slate-700">
            <summary class="cursor-pointer">"Trying it on your own machine?"</summary>
            <p class="mt-1">
                "The portal never calls private or loopback addresses unless its operator allows them ("
                <code>"PORTAL_OUTBOUND_ALLOWLIST=127.0.0.0/8"</code>
                " for a portal on the same machine). A portal in development mode also accepts "<code>"http://"</code>
                " receivers; in production they must be HTTPS. Any endpoint that answers 2xx passes; check the "
                <code>"webhook-signature"</code>" header with the secret above."
            </p>
        </details>
        {action_error(action)}
    }
}

#[component]
fn PolicyForm(session: OnboardingView, action: ServerAction<OnboardPolicy>) -> impl IntoView {
    let chosen = session.data.policy_version;
    let versions = session.policy_versions;
    view! {
        <p class="mb-3 text-sm text-slate-700">"Pick the policy version your repositories will run. Its bundle's signature is verified now against the organisation's policy-signing keys."</p>
        {if versions.is_empty() {
            view! { <p role="alert" class="text-sm text-red-800">"No policy version is published yet: ask the portal's security team."</p> }.into_any()
        } else {
            view! {
                <ActionForm action attr:class="space-y-3">
                    <fieldset>
                        <legend class=ui::LABEL>"Policy version"</legend>
                        {versions.into_iter().enumerate().map(|(i, v)| {
                            let id = format!("ob-policy-{}", v.version);
                            let checked = chosen.map_or(i == 0, |c| c == v.version);
                            view! {
                                <div class="mt-1 flex items-center gap-2 text-sm">
                                    <input type="radio" id=id.clone() name="version" value=v.version.to_string() checked=checked required />
                                    <label for=id>
                                        {format!("Version {}", v.version)}
                                        {v.current.then_some(" (current)")}
                                        " · " <code class="text-xs">{format!("sha256:{}…", v.sha256.get(..12).unwrap_or(""))}</code>
                                    </label>
                                </div>
                            }
                        }).collect_view()}
                    </fieldset>
                    <button type="submit" class=ui::BUTTON>"Verify signature and continue"</button>
                </ActionForm>
            }.into_any()
        }}
        {action_error(action)}
    }
}

#[component]
fn RepositoryForm(session: OnboardingView, action: ServerAction<OnboardRepository>) -> impl IntoView {
    let source = session.data.repo_source.clone().unwrap_or_else(|| "releases".into());
    let key_label = if session.has_signing_key {
        "Another pack-signing public key (optional)"
    } else {
        "Pack-signing public key (PEM)"
    };
    let upload_error = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("upload_error"));
    let repo = session.data.repo.clone();
    view! {
        <p class="mb-3 text-sm text-slate-700">
            "We verify your latest release's evidence pack ("
            <code>"*.pack.zip"</code>
            ", built with " <code>"trust-portal pack build"</code>
            "): its manifest signature, every digest and every signature inside. Fetch it from your repository host, or upload the file here."
        </p>
        <ActionForm action attr:class="space-y-3" attr:aria-label="Fetch the pack">
            <div>
                <label for="ob-repo" class=ui::LABEL>"Repository (owner/name)"</label>
                <input id="ob-repo" name="repo" required placeholder="acme/firmware" class=ui::INPUT value=session.data.repo.clone() />
            </div>
            <fieldset>
                <legend class=ui::LABEL>"Where is the pack?"</legend>
                <div class="mt-1 flex items-center gap-2 text-sm">
                    <input type="radio" id="ob-src-releases" name="source" value="releases" checked=source != "portal" />
                    <label for="ob-src-releases">"Latest release on the repository host"</label>
                </div>
                <div class="mt-1 flex items-center gap-2 text-sm">
                    <input type="radio" id="ob-src-portal" name="source" value="portal" checked=source == "portal" />
                    <label for="ob-src-portal">"Already uploaded to the portal"</label>
                </div>
            </fieldset>
            <KeyField id="ob-key" label=key_label />
            <button type="submit" class=ui::BUTTON>"Fetch and verify"</button>
        </ActionForm>
        {action_error(action)}
        <section class="mt-6 border-t border-slate-200 pt-4" aria-labelledby="ob-upload-heading">
            <h3 id="ob-upload-heading" class="mb-2 font-semibold">"Or upload the pack"</h3>
            {upload_error.map(|message| view! {
                <div role="alert" data-testid="upload-error" class="mb-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                    <p class="font-semibold">"The upload was not accepted"</p>
                    <p>{message}</p>
                </div>
            })}
            <form method="post" enctype="multipart/form-data" action="/onboard/pack" class="space-y-3" aria-label="Upload the pack">
                <div>
                    <label for="ob-upload-repo" class=ui::LABEL>"Repository (owner/name)"</label>
                    <input id="ob-upload-repo" name="repo" required placeholder="acme/firmware" class=ui::INPUT value=repo />
                </div>
                <div>
                    <label for="ob-upload-pack" class=ui::LABEL>"Release pack (*.pack.zip)"</label>
                    <input id="ob-upload-pack" name="pack" type="file" required accept=".zip,application/zip" class="block text-sm" aria-describedby="ob-upload-help" />
                    <p id="ob-upload-help" class="mt-1 text-xs text-slate-600">"The release is the one the pack's signed manifest names. At most 32 MiB."</p>
                </div>
                <KeyField id="ob-upload-key" label=key_label />
                <button type="submit" class=ui::BUTTON>"Upload and verify"</button>
            </form>
        </section>
    }
}

/// The pack-signing public key field of step 4's forms.
#[component]
fn KeyField(id: &'static str, label: &'static str) -> impl IntoView {
    let help = format!("{id}-help");
    view! {
        <div>
            <label for=id class=ui::LABEL>{label}</label>
            <textarea id=id name="public_key" rows="4" class=ui::INPUT placeholder="-----BEGIN PUBLIC KEY-----" aria-describedby=help.clone()></textarea>
            <p id=help class="mt-1 text-xs text-slate-600">"The public half of the key that signs your packs (e.g. release-key.pub). It is stored for this tenant once the pack verifies."</p>
        </div>
    }
}

#[component]
fn FinishForm(session: OnboardingView, action: ServerAction<OnboardFinish>) -> impl IntoView {
    let plan = session.data.plan.as_deref().and_then(|p| Plan::parse(p).ok()).unwrap_or(Plan::Starter);
    let d = session.data;
    view! {
        <dl class="mb-4 grid grid-cols-[10rem_1fr] gap-1 text-sm" data-testid="onboard-summary">
            <dt class="font-semibold">"Tenant"</dt><dd>{d.tenant_name} " (" {d.tenant_slug} ")"</dd>
            <dt class="font-semibold">"Plan"</dt><dd>{plan.label()}</dd>
            <dt class="font-semibold">"Webhook"</dt><dd><code>{d.webhook_url}</code></dd>
            <dt class="font-semibold">"Signing secret"</dt><dd><code class="break-all" data-testid="webhook-secret">{session.webhook_secret.map(|s| s.0)}</code></dd>
            <dt class="font-semibold">"Policy"</dt><dd>{d.policy_version.map(|v| format!("version {v}"))} " signed by " {d.policy_signer}</dd>
            <dt class="font-semibold">"Evidence"</dt><dd>{d.repo} "@" {d.release_tag} " verified"</dd>
            <dt class="font-semibold">"Features"</dt><dd>{plan.features().iter().map(|f| f.label()).collect::<Vec<_>>().join(", ")}</dd>
        </dl>
        <ActionForm action>
            <button type="submit" class=ui::BUTTON>"Enable entitlements and issue API key"</button>
        </ActionForm>
        {action_error(action)}
    }
}

#[component]
fn Completed(session: OnboardingView, api_key: Option<String>, heading: NodeRef<leptos::html::H2>) -> impl IntoView {
    let d = session.data;
    view! {
        <h2 id="step-heading" node_ref=heading tabindex="-1" class="mb-2 text-xl font-semibold text-green-900 focus:outline-none">"Onboarding complete"</h2>
        <p class="mb-3 text-sm" data-testid="onboard-done">
            {format!("{} is set up: features on: {}.", d.tenant_name.unwrap_or_default(), feature_labels(&d.features))}
        </p>
        {match api_key {
            Some(key) => view! {
                <div role="status" data-testid="onboard-api-key" class="mb-3 rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                    <p class="font-semibold">"Your first API key. Copy it now: it will not be shown again."</p>
                    <code class="mt-1 block break-all rounded bg-white p-2 text-slate-900" data-testid="onboard-api-key-secret">{key}</code>
                </div>
            }.into_any(),
            None => view! {
                <p class="mb-3 text-sm text-slate-700">{format!("Your first API key ({}…) was shown once when it was issued; create more on the API keys page.", d.api_key_prefix.unwrap_or_default())}</p>
            }.into_any(),
        }}
        <a href="/login" class=ui::BUTTON>"Log in as " {d.admin_email}</a>
    }
}

/// Feature codes (`policy_bundles`) in words (`Policy bundles`), unknown ones as they are.
fn feature_labels(codes: &[String]) -> String {
    codes
        .iter()
        .map(|c| crate::domain::entitlements::Feature::parse(c).map_or_else(|_| c.clone(), |f| f.label().to_owned()))
        .collect::<Vec<_>>()
        .join(", ")
}
