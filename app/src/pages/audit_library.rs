//! `/audit-library`: the operator's evidence library (security and operator
//! admins): documents such as the DPA and DPIA with their review dates,
//! vendor attestations (verified on upload), recovery targets and restore
//! drills, and the risk register.

use crate::api::audit_library::{AddVendorAttestation, RunRestoreDrill, SetDrTargets, UpdateRisk, audit_library};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, action_feedback, cleared_on_success};
use crate::domain::audit_kit::checklist::duration_text;
use crate::domain::audit_kit::view::{LibraryView, RiskView};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/audit-library`. See [`super`] for why pages create their data in `view`.
pub struct AuditLibraryPage;

#[derive(Clone, Copy)]
struct Actions {
    vendor: ServerAction<AddVendorAttestation>,
    targets: ServerAction<SetDrTargets>,
    drill: ServerAction<RunRestoreDrill>,
    risk: ServerAction<UpdateRisk>,
}

#[lazy_route]
impl LazyRoute for AuditLibraryPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let a = Actions {
            vendor: ServerAction::new(),
            targets: ServerAction::new(),
            drill: ServerAction::new(),
            risk: ServerAction::new(),
        };
        let data = Resource::new(
            move || {
                (a.vendor.version().get(), a.targets.version().get(), a.drill.version().get(), a.risk.version().get())
            },
            |_| audit_library(),
        );
        let query = use_query_map();
        let upload = move || query.read().get("upload_error");
        view! {
            <Title text="Audit library · Trust Portal" />
            <h1 class=ui::H1>"Audit library"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">"What every engagement's compliance pack draws on: documents, vendor attestations and DR metrics. The checklist reads them live."</p>
            {move || upload().map(|e| view! { <p role="alert" class="mb-3 rounded-md border border-red-300 bg-red-50 p-2 text-sm text-red-900">{format!("Upload refused: {e}")}</p> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(v) => view! { <Library v a /> }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

#[component]
fn Library(v: LibraryView, a: Actions) -> impl IntoView {
    view! {
        <div class="space-y-6">
            <DataTable show_caption=true caption="Documents" headers=&["Kind", "Title", "Owner", "Review by", "Current", "File"]>
                {v.documents.iter().map(|d| view! {
                    <tr data-testid="library-document">
                        <td class=ui::TD>{d.kind.label()}</td>
                        <td class=ui::TD>{format!("{} v{}", d.title, d.version)}</td>
                        <td class=ui::TD>{d.owner.clone()}</td>
                        <td class=ui::TD>{d.review_date.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class=ui::TD>{if d.current { "yes" } else { "no: review due" }}</td>
                        <td class=ui::TD><a class="text-indigo-700 underline" href=d.href.clone() download>{d.filename.clone()}</a></td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <section class=ui::CARD aria-labelledby="doc-heading">
                <h2 id="doc-heading" class="mb-2 text-lg font-semibold">"Upload a document"</h2>
                <form method="post" enctype="multipart/form-data" action="/audit-library/documents" class="grid gap-3 sm:grid-cols-3">
                    <div>
                        <label for="doc-kind" class=ui::LABEL>"Kind"</label>
                        <select id="doc-kind" name="kind" class=ui::INPUT>
                            <option value="dpa">"DPA"</option>
                            <option value="dpia">"DPIA"</option>
                            <option value="other">"Other"</option>
                        </select>
                    </div>
                    <div><label for="doc-title" class=ui::LABEL>"Title"</label><input id="doc-title" name="title" required class=ui::INPUT /></div>
                    <div><label for="doc-version" class=ui::LABEL>"Version"</label><input id="doc-version" name="version" required class=ui::INPUT /></div>
                    <div><label for="doc-owner" class=ui::LABEL>"Owner"</label><input id="doc-owner" name="owner" required class=ui::INPUT /></div>
                    <div><label for="doc-review" class=ui::LABEL>"Review by"</label><input id="doc-review" name="review_date" type="date" required class=ui::INPUT /></div>
                    <div><label for="doc-file" class=ui::LABEL>"File"</label><input id="doc-file" name="file" type="file" required class="text-sm" /></div>
                    <div class="sm:col-span-3"><button type="submit" class=ui::BUTTON>"Upload document"</button></div>
                </form>
            </section>
            <DataTable show_caption=true caption="Vendor attestations" headers=&["Vendor", "Attests", "Kind", "Result", "Signer", "Uploaded"]>
                {v.vendors.iter().map(|x| view! {
                    <tr data-testid="library-vendor">
                        <td class=ui::TD>{x.vendor.clone()}</td>
                        <td class=ui::TD>{x.title.clone()}</td>
                        <td class=ui::TD>{x.kind.clone()}</td>
                        <td class=ui::TD>{if x.verified { "verified".to_owned() } else { format!("failed: {}", x.reason.clone().unwrap_or_default()) }}</td>
                        <td class=ui::TD>{x.signer.clone().unwrap_or_default()}</td>
                        <td class=ui::TD>{display_time(x.uploaded_at)}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <VendorForm action=a.vendor />
            <section class=ui::CARD aria-labelledby="dr-heading">
                <h2 id="dr-heading" class="mb-2 text-lg font-semibold">"Disaster recovery"</h2>
                <ActionForm action=a.targets attr:class="flex flex-wrap items-end gap-3">
                    <div><label for="dr-rpo" class=ui::LABEL>"RPO target (minutes)"</label><input id="dr-rpo" name="rpo_minutes" type="number" min="1" required value=v.dr.rpo_minutes.map(|n| n.to_string()).unwrap_or_default() class=ui::INPUT /></div>
                    <div><label for="dr-rto" class=ui::LABEL>"RTO target (minutes)"</label><input id="dr-rto" name="rto_minutes" type="number" min="1" required value=v.dr.rto_minutes.map(|n| n.to_string()).unwrap_or_default() class=ui::INPUT /></div>
                    <button type="submit" class=ui::BUTTON_QUIET>"Save targets"</button>
                </ActionForm>
                <div class="mt-2">{action_feedback(a.targets, "Targets saved.")}</div>
                <p class="mt-3 mb-2 text-sm text-slate-700">"The restore drill backs up the live database, restores it into a scratch database, checks every table's rows and the audit chain, and measures the recovery time and data-loss window."</p>
                <ActionForm action=a.drill><button type="submit" class=ui::BUTTON>"Run restore drill"</button></ActionForm>
                <div class="mt-2">{action_feedback(a.drill, "Restore drill finished; its report is listed below.")}</div>
                <ul class="mt-3 space-y-1 text-sm">
                    {v.drills.into_iter().map(|(id, passed, at, rto, loss, rows)| view! {
                        <li data-testid="restore-drill">
                            <a class="text-indigo-700 underline" href=format!("/drills/{id}/report.md") download>
                                {format!("{}: {}", display_time(at), if passed { "passed" } else { "FAILED" })}
                            </a>
                            {format!(" recovery {}, data-loss window {}, {rows} rows checked", duration_text(rto), duration_text(loss))}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section class=ui::CARD aria-labelledby="risks-heading">
                <h2 id="risks-heading" class="mb-2 text-lg font-semibold">"Risk register"</h2>
                <div class="space-y-3">{v.risks.into_iter().map(|r| view! { <RiskForm r action=a.risk /> }).collect_view()}</div>
                <div class="mt-2">{action_feedback(a.risk, "Risk saved.")}</div>
            </section>
        </div>
    }
}

#[component]
fn VendorForm(action: ServerAction<AddVendorAttestation>) -> impl IntoView {
    view! {
        <section class=ui::CARD aria-labelledby="vendor-heading">
            <h2 id="vendor-heading" class="mb-2 text-lg font-semibold">"Add a vendor attestation"</h2>
            <ActionForm action node_ref=cleared_on_success(action) attr:class="grid gap-3 sm:grid-cols-2">
                <div><label for="v-vendor" class=ui::LABEL>"Vendor"</label><input id="v-vendor" name="vendor" required class=ui::INPUT /></div>
                <div><label for="v-title" class=ui::LABEL>"What it attests"</label><input id="v-title" name="title" required class=ui::INPUT /></div>
                <div>
                    <label for="v-kind" class=ui::LABEL>"Kind"</label>
                    <select id="v-kind" name="kind" class=ui::INPUT>
                        <option value="cosign_blob">"cosign sign-blob signature"</option>
                        <option value="sigstore_bundle">"Sigstore bundle"</option>
                        <option value="in_toto">"in-toto envelope"</option>
                    </select>
                </div>
                <div><label for="v-subject" class=ui::LABEL>"Artifact digest (sha256:…)"</label><input id="v-subject" name="subject" required class=format!("{} font-mono", ui::INPUT) /></div>
                <div class="sm:col-span-2"><label for="v-evidence" class=ui::LABEL>"Signature, bundle or envelope"</label><textarea id="v-evidence" name="evidence" rows="3" required class=format!("{} font-mono", ui::INPUT)></textarea></div>
                <div class="sm:col-span-2"><label for="v-key" class=ui::LABEL>"Vendor public key (PEM; empty for a keyless bundle)"</label><textarea id="v-key" name="public_key" rows="3" class=format!("{} font-mono", ui::INPUT)></textarea></div>
                <div><label for="v-identity" class=ui::LABEL>"Keyless identity"</label><input id="v-identity" name="identity" class=ui::INPUT /></div>
                <div><label for="v-issuer" class=ui::LABEL>"Keyless issuer"</label><input id="v-issuer" name="issuer" class=ui::INPUT /></div>
                <div class="sm:col-span-2"><button type="submit" class=ui::BUTTON>"Verify and add"</button></div>
            </ActionForm>
            <div class="mt-2">
                {move || match action.value().get() {
                    Some(Ok(true)) => view! { <p role="status" class="rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900">"Verified and added."</p> }.into_any(),
                    Some(Ok(false)) => view! { <p role="status" class="rounded-md border border-amber-300 bg-amber-50 p-2 text-sm text-amber-900">"Added, but it did not verify: the table says why."</p> }.into_any(),
                    Some(Err(e)) => view! { <ErrorNotice error=e /> }.into_any(),
                    None => ().into_any(),
                }}
            </div>
        </section>
    }
}

#[component]
fn RiskForm(r: RiskView, action: ServerAction<UpdateRisk>) -> impl IntoView {
    let rid = r.id.clone();
    let key = move |n: &str| format!("{n}-{rid}");
    let level = |name: &'static str, id: String, current: &'static str| {
        view! {
            <select id=id name=name class=ui::INPUT>
                {[("low", "Low"), ("med", "Medium"), ("high", "High")].into_iter().map(|(v, l)| view! { <option value=v selected=current == v>{l}</option> }).collect_view()}
            </select>
        }
    };
    view! {
        <ActionForm action attr:class="grid gap-2 rounded border border-slate-200 p-3 sm:grid-cols-6" attr:data-testid="risk">
            <input type="hidden" name="risk_id" value=r.id.clone() />
            <p class="sm:col-span-6 text-sm font-semibold">{format!("{} {}", r.reference, r.title)}</p>
            <div><label for=key("l") class=ui::LABEL>"Likelihood"</label>{level("likelihood", key("l"), r.likelihood.as_str())}</div>
            <div><label for=key("i") class=ui::LABEL>"Impact"</label>{level("impact", key("i"), r.impact.as_str())}</div>
            <div class="sm:col-span-2"><label for=key("m") class=ui::LABEL>"Mitigation"</label><input id=key("m") name="mitigation" required value=r.mitigation.clone() class=ui::INPUT /></div>
            <div><label for=key("o") class=ui::LABEL>"Owner"</label><input id=key("o") name="owner" required value=r.owner.clone() class=ui::INPUT /></div>
            <div><label for=key("d") class=ui::LABEL>"Review by"</label><input id=key("d") name="review_date" type="date" value=r.review_date.clone().unwrap_or_default() class=ui::INPUT /></div>
            <div class="sm:col-span-6"><button type="submit" class=ui::BUTTON_QUIET>{format!("Save {}", r.reference)}</button></div>
        </ActionForm>
    }
}
