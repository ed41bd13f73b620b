//! Who may sign policy bundles: the org-wide signers (policy keys and the org
//! workflow's keyless identities, which security and operator admins add and
//! remove) and the per-repository overrides (security allows and revokes).

use crate::api::policy_signers::{AddOrgIdentity, AllowSignerOverride, RemoveOrgIdentity, RevokeSignerOverride};
use crate::components::ui;
use crate::components::{Confirm, DataTable, action_feedback, cleared_on_success};
use crate::domain::period::display_time;
use crate::domain::policy_signers::{
    MAX_OVERRIDE_DAYS, MAX_REASON_CHARS, OrgSignerView, OverrideState, OverrideView, PolicySignerKind,
};
use crate::domain::workflow::GITHUB_ISSUER;
use leptos::prelude::*;

/// The forms' actions; the page reloads its report after any of them.
#[derive(Clone, Copy)]
pub struct SignerActions {
    /// Add an org workflow identity.
    pub add_identity: ServerAction<AddOrgIdentity>,
    /// Remove one.
    pub remove_identity: ServerAction<RemoveOrgIdentity>,
    /// Allow an override.
    pub allow: ServerAction<AllowSignerOverride>,
    /// Revoke one.
    pub revoke: ServerAction<RevokeSignerOverride>,
}

impl SignerActions {
    /// Changes whenever one of the actions completes.
    pub fn version(&self) -> (usize, usize, usize, usize) {
        (
            self.add_identity.version().get(),
            self.remove_identity.version().get(),
            self.allow.version().get(),
            self.revoke.version().get(),
        )
    }
}

/// The org-wide signers; with `manage`, forms to add and remove workflow identities.
#[component]
pub fn OrgSigners(list: Vec<OrgSignerView>, manage: bool, actions: SignerActions) -> impl IntoView {
    let remove = actions.remove_identity;
    view! {
        <section aria-labelledby="org-signers" class=format!("{} mt-6", ui::CARD)>
            <h2 id="org-signers" class="mb-2 text-lg font-semibold">"Who may sign policy bundles"</h2>
            <p class="mb-3 text-sm text-slate-700">
                "Every repository's bundles must verify with an org policy key or an org workflow identity (the keyless identity of org.policy.sign.yml, on its trusted root). During a change of workflow both identities are listed; remove the old one when the repositories have moved."
            </p>
            <DataTable caption="Org signers" headers=&["Kind", "Key or identity", "Detail", "Since", "Until", ""]>
                {list.into_iter().map(|s| {
                    let id = s.id.clone();
                    let removable = manage && s.kind == PolicySignerKind::OrgWorkflow;
                    view! {
                        <tr data-testid="org-signer" data-kind=s.kind.as_str()>
                            <td class=ui::TD>{s.kind.short()}</td>
                            <td class=ui::TD><code class="break-all">{s.name.clone()}</code></td>
                            <td class=ui::TD><span class="break-all">{s.detail}</span></td>
                            <td class=ui::TD>{display_time(s.since)}</td>
                            <td class=ui::TD>{s.until.map(display_time).unwrap_or_else(|| "until removed".to_owned())}</td>
                            <td class=ui::TD>
                                {removable.then(|| view! {
                                    <Confirm label="Remove…".to_owned() warning=format!("Bundles signed by {} stop counting as signed.", s.name)>
                                        <ActionForm action=remove>
                                            <input type="hidden" name="id" value=id />
                                            <button type="submit" class=ui::BUTTON_DANGER>{format!("Remove {}", s.name)}</button>
                                        </ActionForm>
                                    </Confirm>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </DataTable>
            {manage.then(|| view! {
                <div class="mt-2">{action_feedback(remove, "Identity removed; bundles it signs are refused from now on.")}</div>
                <AddIdentityForm action=actions.add_identity />
            })}
        </section>
    }
}

#[component]
fn AddIdentityForm(action: ServerAction<AddOrgIdentity>) -> impl IntoView {
    view! {
        <h3 class="mt-4 mb-2 font-semibold">"Add an org workflow identity"</h3>
        <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-3 sm:items-end">
            <div class="sm:col-span-3">
                <label for="identity-new" class=ui::LABEL>"Workflow identity (certificate SAN)"</label>
                <input id="identity-new" name="identity" required maxlength="512" class=ui::INPUT
                    placeholder="https://github.com/ORG/.github/.github/workflows/org.policy.sign.yml@refs/heads/main" />
            </div>
            <div>
                <label for="identity-issuer" class=ui::LABEL>"OIDC issuer"</label>
                <input id="identity-issuer" name="issuer" required maxlength="512" value=GITHUB_ISSUER class=ui::INPUT />
            </div>
            <div>
                <label for="identity-root" class=ui::LABEL>"Trusted root"</label>
                <input id="identity-root" name="trusted_root" value="public-good" class=ui::INPUT />
            </div>
            <button type="submit" class=ui::BUTTON>"Add identity"</button>
        </ActionForm>
        <div class="mt-2">{action_feedback(action, "Identity added; bundles it signs verify for every repository.")}</div>
    }
}

/// The overrides (any state); with `manage` (security), the form to allow one and revoke buttons.
#[component]
pub fn Overrides(list: Vec<OverrideView>, repos: Vec<String>, manage: bool, actions: SignerActions) -> impl IntoView {
    let revoke = actions.revoke;
    let empty = list.is_empty();
    view! {
        <section aria-labelledby="overrides" class=format!("{} mt-6", ui::CARD)>
            <h2 id="overrides" class="mb-2 text-lg font-semibold">"Signer overrides"</h2>
            <p class="mb-3 text-sm text-slate-700">
                {format!("For a repository with custom policies, security may allow one more signer (a key or a keyless identity) for that repository only, with a reason, for at most {MAX_OVERRIDE_DAYS} days. Unsigned bundles are never accepted.")}
            </p>
            {empty.then(|| view! { <p class="mb-3 text-sm text-slate-600" data-testid="no-overrides">"No override has been allowed."</p> })}
            {(!empty).then(|| view! {
                <DataTable caption="Overrides" headers=&["Repository", "Allowed signer", "Reason", "State", "Expires", "Allowed by", ""]>
                    {list.into_iter().map(|o| {
                        let active = o.state == OverrideState::Active;
                        let id = o.id.clone();
                        let repo = o.repo.clone();
                        view! {
                            <tr data-testid="override-row" data-state=o.state.as_str()>
                                <td class=ui::TD><code>{o.repo}</code><br /><span class="text-xs text-slate-700">{o.tenant}</span></td>
                                <td class=ui::TD><span class="break-all">{o.signer}</span></td>
                                <td class=ui::TD>{o.reason}</td>
                                <td class=ui::TD>{o.state.as_str()}{o.revoked_by.map(|b| format!(" by {b}"))}</td>
                                <td class=ui::TD>{display_time(o.expires_at)}</td>
                                <td class=ui::TD>{format!("{} on {}", o.created_by, display_time(o.created_at))}</td>
                                <td class=ui::TD>
                                    {(manage && active).then(|| view! {
                                        <Confirm label="Revoke…".to_owned() warning=format!("{repo} is checked against the org's signers again at once.")>
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="id" value=id />
                                                <button type="submit" class=ui::BUTTON_DANGER>{format!("Revoke the override for {repo}")}</button>
                                            </ActionForm>
                                        </Confirm>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </DataTable>
            })}
            {manage.then(|| view! {
                <div class="mt-2">{action_feedback(revoke, "Override revoked; its signer is refused for the repository from now on.")}</div>
                <OverrideForm action=actions.allow repos />
            })}
        </section>
    }
}

#[component]
fn OverrideForm(action: ServerAction<AllowSignerOverride>, repos: Vec<String>) -> impl IntoView {
    view! {
        <h3 class="mt-4 mb-2 font-semibold">"Allow a signer for one repository"</h3>
        <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-2" attr:aria-label="Allow a signer override">
            <div>
                <label for="override-repo" class=ui::LABEL>"Repository"</label>
                <input id="override-repo" name="repo" required list="override-repos" placeholder="owner/name" class=ui::INPUT />
                <datalist id="override-repos">
                    {repos.into_iter().map(|r| view! { <option value=r></option> }).collect_view()}
                </datalist>
            </div>
            <div>
                <label for="override-days" class=ui::LABEL>{format!("Expires in (days, 1 to {MAX_OVERRIDE_DAYS})")}</label>
                <input id="override-days" name="expires_in_days" type="number" min="1" max=MAX_OVERRIDE_DAYS.to_string() value="30" required class=ui::INPUT />
            </div>
            <fieldset class="sm:col-span-2">
                <legend class=ui::LABEL>"Signer"</legend>
                <div class="flex gap-6 text-sm">
                    <label for="override-kind-keyless" class="inline-flex items-center gap-2">
                        <input type="radio" id="override-kind-keyless" name="kind" value="keyless" checked=true />
                        "Keyless identity"
                    </label>
                    <label for="override-kind-key" class="inline-flex items-center gap-2">
                        <input type="radio" id="override-kind-key" name="kind" value="key" />
                        "Public key"
                    </label>
                </div>
            </fieldset>
            <div class="sm:col-span-2">
                <label for="override-identity" class=ui::LABEL>"Identity (for a keyless signer)"</label>
                <input id="override-identity" name="identity" maxlength="512" class=ui::INPUT
                    placeholder="https://github.com/owner/name/.github/workflows/policy.yml@refs/heads/main" />
            </div>
            <div>
                <label for="override-issuer" class=ui::LABEL>"OIDC issuer (keyless)"</label>
                <input id="override-issuer" name="issuer" maxlength="512" value=GITHUB_ISSUER class=ui::INPUT />
            </div>
            <div>
                <label for="override-root" class=ui::LABEL>"Trusted root (keyless)"</label>
                <input id="override-root" name="trusted_root" value="public-good" class=ui::INPUT />
            </div>
            <div class="sm:col-span-2">
                <label for="override-key" class=ui::LABEL>"Public key, PEM (for a key)"</label>
                <textarea id="override-key" name="public_key" rows="3" class=format!("{} font-mono", ui::INPUT)
                    placeholder="-----BEGIN PUBLIC KEY-----"></textarea>
            </div>
            <div class="sm:col-span-2">
                <label for="override-reason" class=ui::LABEL>"Reason"</label>
                <textarea id="override-reason" name="reason" rows="2" required maxlength=MAX_REASON_CHARS.to_string() class=ui::INPUT
                    placeholder="Custom policies for …; back on the org workflow by …"></textarea>
            </div>
            <div><button type="submit" class=ui::BUTTON>"Allow signer"</button></div>
        </ActionForm>
        <div class="mt-2">{action_feedback(action, "Override allowed: its signer is accepted for this repository until it expires.")}</div>
    }
}
