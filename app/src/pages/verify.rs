//! `/verify`: check a signature, bundle or attestation by hand, with each
//! check listed. A dry run of the Attestation API's engine: nothing is
//! recorded or billed and no receipt is issued.

use crate::api::evidence::{CheckEvidence, CheckOutcome, take_check_outcome};
use crate::components::ErrorNotice;
use crate::components::ui;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/verify`. See [`super`] for why pages create their data in `view`.
pub struct VerifyPage;

#[lazy_route]
impl LazyRoute for VerifyPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let check = ServerAction::<CheckEvidence>::new();
        // The outcome of a no-JavaScript submission (read through a resource so
        // the server's answer is what the browser hydrates).
        let flashed = Resource::new(|| (), |_| take_check_outcome());
        view! {
            <Title text="Verify · Trust Portal" />
            <h1 class=ui::H1>"Verify evidence"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "Check a cosign signature, a Sigstore bundle or an in-toto attestation with the same engine as "
                <code>"POST /api/v1/verify"</code>
                ". Checks here are a dry run: not recorded, not billed, no receipt."
            </p>
            <div class="grid gap-6 lg:grid-cols-2">
                <CheckForm action=check />
                <section aria-labelledby="result-heading" aria-live="polite">
                    <h2 id="result-heading" class="mb-3 text-lg font-semibold">"Result"</h2>
                    <Suspense fallback=|| ()>
                        {move || Suspend::new(async move {
                            let flashed = flashed.await.ok().flatten();
                            view! {
                                {move || match (check.value().get(), flashed.clone()) {
                                    (Some(Ok(o)), _) | (None, Some(o)) => view! { <Outcome outcome=o /> }.into_any(),
                                    (Some(Err(e)), _) => view! { <ErrorNotice error=e /> }.into_any(),
                                    (None, None) => view! { <p class="text-sm text-slate-600">"Fill in the form and press Verify."</p> }.into_any(),
                                }}
                            }
                        })}
                    </Suspense>
                </section>
            </div>
        }
        .into_any()
    }
}

#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] area: bool,
) -> impl IntoView {
    view! {
        <div>
            <label for=id class=ui::LABEL>{label}</label>
            {if area {
                view! { <textarea id=id name=id rows="4" class=format!("{} font-mono", ui::INPUT) aria-describedby=format!("{id}-hint")></textarea> }.into_any()
            } else {
                view! { <input id=id name=id class=ui::INPUT aria-describedby=format!("{id}-hint") /> }.into_any()
            }}
            <p id=format!("{id}-hint") class="mt-1 text-xs text-slate-600">{hint}</p>
        </div>
    }
}

#[component]
fn CheckForm(action: ServerAction<CheckEvidence>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="check-heading">
            <h2 id="check-heading" class="mb-3 text-lg font-semibold">"Evidence"</h2>
            <ActionForm action attr:class="space-y-3">
                <div>
                    <label for="kind" class=ui::LABEL>"Kind"</label>
                    <select id="kind" name="kind" class=ui::INPUT>
                        <option value="cosign_blob">"cosign sign-blob signature (key)"</option>
                        <option value="sigstore_bundle">"Sigstore bundle (keyless or key)"</option>
                        <option value="in_toto">"in-toto / SLSA attestation (DSSE, key)"</option>
                    </select>
                </div>
                <Field id="artifact_text" label="Artifact (text)" area=true hint="The artifact's content, or leave empty and give its digest." />
                <Field id="artifact_digest" label="Artifact digest" hint="sha256: followed by 64 hex digits." />
                <Field id="evidence" label="Signature, bundle or envelope" area=true hint="Base64 signature, bundle JSON, or DSSE envelope JSON." />
                <Field id="public_key" label="Public key (PEM)" area=true hint="For key-based evidence; or name a stored key below." />
                <Field id="key" label="Stored key name" hint="One of your signing keys (its validity window applies)." />
                <Field id="identity" label="Certificate identity" hint="Keyless bundles: the signer's SAN (required with the issuer)." />
                <Field id="issuer" label="OIDC issuer" hint="Keyless bundles, e.g. https://token.actions.githubusercontent.com" />
                <Field id="predicate_type" label="Predicate type" hint="Optional, e.g. https://slsa.dev/provenance/v1" />
                <Field id="builder_id" label="Builder id" hint="Optional: the SLSA builder that must have built it." />
                <button type="submit" class=ui::BUTTON>"Verify"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Outcome(outcome: CheckOutcome) -> impl IntoView {
    if outcome.verified {
        view! {
            <div role="status" data-testid="check-passed" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                <p class="font-semibold">"Verified"</p>
                <p>"Signed by " {outcome.signer.unwrap_or_default()}</p>
                <p class="break-all">"Subject sha256:" {outcome.subject_sha256.unwrap_or_default()}</p>
                <ul class="mt-2 list-inside list-disc">
                    {outcome.checks.into_iter().map(|c| view! { <li>"✓ " {c}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div role="alert" data-testid="check-failed" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                <p class="font-semibold">"Not verified: " <code>{outcome.reason.unwrap_or_default()}</code></p>
                <p>{outcome.message.unwrap_or_default()}</p>
            </div>
        }
        .into_any()
    }
}
