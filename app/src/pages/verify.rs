//! `/verify`: check a signature, bundle or attestation by hand, pasted or
//! uploaded, with each check listed. A dry run of the Attestation API's
//! engine: nothing is recorded or billed and no receipt is issued. The form
//! posts to `POST /verify` (multipart, with or without JavaScript), whose
//! answer is this page with the form as submitted and the outcome. Below it,
//! a receipt can be re-verified in the browser ([`receipt_check`]).

mod receipt_check;

use crate::api::evidence::check_answer;
use crate::components::ErrorNotice;
use crate::components::ui;
use crate::domain::verify_form::{CheckOutcome, EXAMPLES, Example, KINDS, PostedCheck, UploadedFile, VerifyForm};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/verify`. See [`super`] for why pages create their data in `view`.
pub struct VerifyPage;

#[lazy_route]
impl LazyRoute for VerifyPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let query = use_query_map();
        let example = move || query.with(|q| q.get("example").unwrap_or_default());
        // The answer to a form post (read through a resource, so the server's
        // answer is what the browser hydrates), else the example asked for.
        let posted = Resource::new(example, |_| check_answer());
        view! {
            <Title text="Verify · Trust Portal" />
            <h1 class=ui::H1>"Verify evidence"</h1>
            <p class="mb-2 max-w-3xl text-sm text-slate-700">
                "Check a cosign signature, a Sigstore bundle or an in-toto attestation with the same engine as "
                <code>"POST /api/v1/verify"</code>
                ". Checks here are a dry run: not recorded, not billed, no receipt. Calls through the API get a signed "
                <A href="/receipts">"receipt"</A>
                "."
            </p>
            <Examples />
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let posted = posted.await;
                    let slug = example();
                    view! { <CheckArea posted slug /> }
                })}
            </Suspense>
            <receipt_check::ReceiptCheck />
        }
        .into_any()
    }
}

/// The example links.
#[component]
fn Examples() -> impl IntoView {
    view! {
        <nav aria-label="Examples" class="mb-4 flex flex-wrap items-baseline gap-x-3 gap-y-1 text-sm">
            <span class="text-slate-700">"Load an example:"</span>
            {EXAMPLES
                .iter()
                .map(|e| {
                    view! {
                        <A href=format!("/verify?example={}", e.slug) attr:title=e.about attr:class="text-indigo-700 underline">
                            {e.title}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// The form and the result, from a post's answer or an example.
#[component]
fn CheckArea(posted: Result<Option<PostedCheck>, crate::domain::AppError>, slug: String) -> impl IntoView {
    let (form, file, result) = match posted {
        Ok(Some(p)) => (p.form, p.artifact_file, Some(p.result)),
        Ok(None) => {
            let form = Example::find(&slug)
                .map(Example::form)
                .unwrap_or_else(|| VerifyForm { kind: KINDS[0].0.into(), ..VerifyForm::default() });
            (form, None, None)
        }
        Err(e) => (VerifyForm::default(), None, Some(Err(e))),
    };
    let about = Example::find(&slug).map(|e| e.about);
    view! {
        <div class="grid gap-6 lg:grid-cols-2">
            <CheckForm form file=file.clone() />
            <section class="min-w-0" aria-labelledby="result-heading" aria-live="polite">
                <h2 id="result-heading" class="mb-3 text-lg font-semibold">"Result"</h2>
                {match result {
                    Some(Ok(outcome)) => view! { <Outcome outcome file /> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                    None => view! {
                        <p class="text-sm text-slate-600">
                            {about.map_or("Fill in the form, or upload the files, and press Verify.", |a| a)}
                            {about.map(|_| " Press Verify to check it.")}
                        </p>
                    }
                    .into_any(),
                }}
            </section>
        </div>
    }
}

/// One field; `kinds` lists the kinds of evidence that use it (the form's
/// CSS shows only the chosen kind's fields, with or without JavaScript).
#[component]
fn Field(
    id: &'static str,
    label: &'static str,
    value: String,
    kinds: &'static str,
    #[prop(optional)] hint: &'static str,
    #[prop(optional)] area: bool,
) -> impl IntoView {
    view! {
        <div data-kinds=kinds>
            <label for=id class=ui::LABEL>{label}</label>
            {if area {
                // The text child is the server-rendered value; `prop:value` sets it when the browser renders the form.
                view! { <textarea id=id name=id rows="4" class=format!("{} font-mono", ui::INPUT) aria-describedby=format!("{id}-hint") prop:value=value.clone()>{value.clone()}</textarea> }.into_any()
            } else {
                view! { <input id=id name=id value=value class=ui::INPUT aria-describedby=format!("{id}-hint") /> }.into_any()
            }}
            <p id=format!("{id}-hint") class="mt-1 text-xs text-slate-600">{hint}</p>
        </div>
    }
}

/// A file input.
#[component]
fn FileField(id: &'static str, label: &'static str, hint: String) -> impl IntoView {
    view! {
        <div>
            <label for=id class=ui::LABEL>{label}</label>
            <input id=id name=id type="file" class="mt-1 block w-full text-sm" aria-describedby=format!("{id}-hint") />
            <p id=format!("{id}-hint") class="mt-1 text-xs text-slate-600">{hint}</p>
        </div>
    }
}

const ALL: &str = "cosign_blob sigstore_bundle in_toto";

#[component]
fn CheckForm(form: VerifyForm, file: Option<UploadedFile>) -> impl IntoView {
    let artifact_hint = match &file {
        Some(f) => format!(
            "{} ({} bytes) was hashed on upload and not kept; its digest is below, so Verify checks it again without the file.",
            f.name, f.bytes
        ),
        None => "Hashed as it arrives and not kept: only its SHA-256 is checked.".to_owned(),
    };
    let kind = form.kind.clone();
    view! {
        <section class=format!("{} min-w-0", ui::CARD) aria-labelledby="check-heading">
            <h2 id="check-heading" class="mb-3 text-lg font-semibold">"Evidence"</h2>
            <form method="post" action="/verify" enctype="multipart/form-data" class="space-y-3" data-verify-form="">
                <div>
                    <label for="kind" class=ui::LABEL>"Kind"</label>
                    <select id="kind" name="kind" class=ui::INPUT>
                        {KINDS.iter().map(|(value, label)| view! { <option value=*value selected=kind == *value>{*label}</option> }).collect_view()}
                    </select>
                </div>
                <fieldset class="min-w-0 space-y-3 rounded-md border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-semibold">"Artifact: a file, its text or its digest"</legend>
                    <FileField id="artifact_file" label="Artifact file" hint=artifact_hint />
                    <Field id="artifact_text" label="Artifact (text)" value=form.artifact_text kinds=ALL area=true hint="Or paste the artifact's content (line breaks are sent as LF; upload the file for its exact bytes)." />
                    <Field id="artifact_digest" label="Artifact digest" value=form.artifact_digest kinds=ALL hint="Or give sha256: followed by 64 hex digits." />
                </fieldset>
                <fieldset class="min-w-0 space-y-3 rounded-md border border-slate-200 p-3">
                    <legend class="px-1 text-sm font-semibold">"Evidence: a file or its text"</legend>
                    <FileField id="evidence_file" label="Evidence file" hint="The .sig, .sigstore.json bundle or .intoto.json envelope.".to_owned() />
                    <Field id="evidence" label="Signature, bundle or envelope" value=form.evidence kinds=ALL area=true hint="Or paste the base64 signature, the bundle JSON or the DSSE envelope JSON." />
                </fieldset>
                <Field id="public_key" label="Public key (PEM)" value=form.public_key kinds=ALL area=true hint="The signer's public key; keyless bundles need none." />
                <Field id="key" label="Stored key name" value=form.key kinds=ALL hint="Or one of your signing keys (its validity window applies)." />
                <Field id="identity" label="Certificate identity" value=form.identity kinds="sigstore_bundle" hint="Keyless bundles: the signer's SAN (required with the issuer)." />
                <Field id="issuer" label="OIDC issuer" value=form.issuer kinds="sigstore_bundle" hint="Keyless bundles, e.g. https://token.actions.githubusercontent.com" />
                <Field id="predicate_type" label="Predicate type" value=form.predicate_type kinds="in_toto" hint="Optional, e.g. https://slsa.dev/provenance/v1" />
                <Field id="builder_id" label="Builder id" value=form.builder_id kinds="in_toto" hint="Optional: the SLSA builder that must have built it." />
                <button type="submit" class=ui::BUTTON>"Verify"</button>
            </form>
        </section>
    }
}

#[component]
fn Outcome(outcome: CheckOutcome, file: Option<UploadedFile>) -> impl IntoView {
    let file = file.map(|f| view! { <p>"Artifact file " <strong>{f.name}</strong> " (" {f.bytes} " bytes)"</p> });
    if outcome.verified {
        view! {
            <div role="status" data-testid="check-passed" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                <p class="font-semibold">"Verified"</p>
                {file}
                <p class="wrap-anywhere">"Signed by " {outcome.signer.unwrap_or_default()}</p>
                <p class="break-all">"Subject sha256:" {outcome.subject_sha256.unwrap_or_default()}</p>
                <p class="mt-2">"Each check that ran and passed:"</p>
                <ul class="list-inside list-disc">
                    {outcome.checks.into_iter().map(|c| view! { <li>"✓ " {c}</li> }).collect_view()}
                </ul>
            </div>
        }
        .into_any()
    } else {
        view! {
            <div role="alert" data-testid="check-failed" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                <p class="font-semibold">"Not verified: " {outcome.headline.unwrap_or_default()}</p>
                {file}
                <p class="mt-2 text-xs">"The API's reason code: " <code>{outcome.reason.unwrap_or_default()}</code></p>
                // The engine's own words, for whoever debugs the signer; the headline above says it for people.
                <details class="mt-1 text-xs">
                    <summary class="cursor-pointer">"Technical detail"</summary>
                    <p class="wrap-anywhere">{outcome.message.unwrap_or_default()}</p>
                </details>
            </div>
        }
        .into_any()
    }
}
