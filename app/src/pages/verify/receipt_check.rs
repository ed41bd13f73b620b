//! "Re-verify a receipt in your browser": the receipt's Ed25519 signature
//! checked by [`crate::domain::receipt_check`] compiled to wasm, loaded only
//! when the button is first pressed (`#[lazy]`), against the published key
//! set shown on the page. The check itself makes no server call.

use crate::api::evidence::{list_receipts, published_receipt_keys};
use crate::components::ui;
use crate::domain::receipt_check::{ReadReceipt, ReceiptProblem};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Verifies in the browser; a separate wasm chunk, fetched on first use.
#[lazy]
fn verify_here(envelope: String, key_set: String) -> Result<ReadReceipt, ReceiptProblem> {
    crate::domain::receipt_check::check_receipt(&envelope, &key_set)
}

/// The receipt named by `?receipt=ver_…` (the tenant's own), pretty-printed.
async fn receipt_of_query(id: String) -> Option<String> {
    if id.is_empty() {
        return None;
    }
    let page = list_receipts(id.clone(), String::new()).await.ok()?;
    page.rows.into_iter().find(|r| r.id == id).map(|r| r.envelope)
}

/// The card.
#[component]
pub fn ReceiptCheck() -> impl IntoView {
    let query = use_query_map();
    let asked = move || query.with(|q| q.get("receipt").unwrap_or_default());
    let start = Resource::new(asked, |id| async move {
        let keys = published_receipt_keys().await.unwrap_or_default();
        (receipt_of_query(id).await.unwrap_or_default(), keys)
    });
    view! {
        <section class=format!("{} mt-6", ui::CARD) aria-labelledby="receipt-check-heading" id="receipt-check">
            <h2 id="receipt-check-heading" class="mb-1 text-lg font-semibold">"Re-verify a receipt in your browser"</h2>
            <p class="mb-3 max-w-3xl text-sm text-slate-700">
                "Your browser checks the portal's Ed25519 signature itself, with the portal's Rust code compiled to "
                "WebAssembly, against the published receipt keys: nothing is sent to the server. Offline, "
                <code class="wrap-anywhere">"trust-portal verify-receipt --key receipt-keys.json receipt.json"</code>
                " does the same."
            </p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let (receipt, keys) = start.await;
                    view! { <CheckPanel receipt keys /> }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn CheckPanel(receipt: String, keys: String) -> impl IntoView {
    let receipt = RwSignal::new(receipt);
    let keys = RwSignal::new(keys);
    let outcome = RwSignal::new(None::<Result<ReadReceipt, ReceiptProblem>>);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let run = move |_| {
        let (envelope, set) = (receipt.get_untracked(), keys.get_untracked());
        leptos::task::spawn_local(async move {
            outcome.try_set(Some(verify_here(envelope, set).await));
        });
    };
    view! {
        // Shown until the page is interactive (and for good without JavaScript).
        <p class="mb-3 text-sm text-amber-900" hidden=move || hydrated.get()>
            "This check runs in your browser and needs JavaScript, which is off or still loading; without it, use the command above."
        </p>
        <div class="grid gap-4 lg:grid-cols-2">
            <div class="min-w-0 space-y-3">
                <JsonArea id="receipt" label="Receipt (DSSE envelope JSON)" rows="8" text=receipt>
                    "Paste a receipt from the API's answer or the Receipts page, or choose its file."
                </JsonArea>
                <div>
                    <label for="receipt_file" class=ui::LABEL>"Receipt file"</label>
                    <input id="receipt_file" type="file" accept=".json,application/json" class="mt-1 block w-full text-sm"
                        on:change=move |ev| read_file_into(&ev, receipt) />
                </div>
                <details>
                    <summary class="cursor-pointer text-sm font-medium">"Key set"</summary>
                    <JsonArea id="receipt_keys" label="Published receipt keys (JSON)" rows="6" text=keys>
                        "Read from " <code>"/.well-known/trust-portal/receipt-keys.json"</code>
                        " when this page loaded. Paste a copy you kept to check against that instead."
                    </JsonArea>
                </details>
                <button type="button" class=ui::BUTTON on:click=run disabled=move || !hydrated.get()>"Verify in this browser"</button>
            </div>
            <div class="min-w-0" aria-live="polite">{move || outcome.get().map(|o| view! { <ReceiptOutcome outcome=o /> })}</div>
        </div>
    }
}

/// A JSON text area bound to `text`, with its hint (`children`).
#[component]
fn JsonArea(
    id: &'static str,
    label: &'static str,
    rows: &'static str,
    text: RwSignal<String>,
    children: Children,
) -> impl IntoView {
    let hint = format!("{id}-hint");
    view! {
        <div>
            <label for=id class=ui::LABEL>{label}</label>
            <textarea id=id rows=rows class=format!("{} font-mono text-xs", ui::INPUT) aria-describedby=hint.clone()
                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))>
                {text.get_untracked()}
            </textarea>
            <p id=hint class="mt-1 text-xs text-slate-600">{children()}</p>
        </div>
    }
}

/// Reads the chosen file's text into `into` (in the browser).
fn read_file_into(ev: &leptos::ev::Event, into: RwSignal<String>) {
    #[cfg(feature = "hydrate")]
    {
        use leptos::wasm_bindgen::JsCast;
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
            .and_then(|input| input.files())
            .and_then(|files| files.get(0));
        if let Some(file) = file {
            leptos::task::spawn_local(async move {
                if let Ok(text) = wasm_bindgen_futures::JsFuture::from(file.text()).await {
                    into.try_set(text.as_string().unwrap_or_default());
                }
            });
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, into);
}

#[component]
fn ReceiptOutcome(outcome: Result<ReadReceipt, ReceiptProblem>) -> impl IntoView {
    match outcome {
        Ok(r) => view! {
            <div role="status" data-testid="receipt-verified" class="rounded-md border border-green-300 bg-green-50 p-3 text-sm text-green-900">
                <p class="font-semibold">"Signature verified in this browser"</p>
                <p>"Receipt " <code>{r.receipt_id}</code> " for tenant " <code>{r.tenant}</code></p>
                <p>"Signed by receipt key " <code>{r.keyid}</code>
                    {r.key_retired_at.map(|at| format!(" (retired {at}; it still verifies what it signed)"))}
                </p>
                <p>"Verification " {r.result} " at " {r.time_verified} " (" {r.kind} ")"</p>
                <p class="break-all">"Subject sha256:" {r.subject_sha256}</p>
                <p class="mt-2">"The checks the portal lists as run and passed:"</p>
                <ul class="list-inside list-disc">{r.checks.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul>
            </div>
        }
        .into_any(),
        Err(p) => view! {
            <div role="alert" data-testid="receipt-failed" class="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                <p class="font-semibold">"Not verified"</p>
                <p>{p.to_string()}</p>
            </div>
        }
        .into_any(),
    }
}
