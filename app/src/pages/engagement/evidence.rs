//! The evidence tab: the compliance pack's contents within the scope: policy
//! bundles and adoption, release packs (with time-to-pack and downloads),
//! SBOM diffs, vendor attestations, documents and DR metrics.

use crate::api::audit_fieldwork::engagement_evidence;
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice};
use crate::domain::audit_kit::checklist::duration_text;
use crate::domain::audit_kit::sbom::RepoSbomDiff;
use crate::domain::audit_kit::view::EvidenceView;
use crate::domain::period::display_time;
use leptos::prelude::*;

/// The evidence of an engagement.
#[component]
pub fn EvidenceTab(id: String) -> impl IntoView {
    let data = Resource::new(move || id.clone(), engagement_evidence);
    view! {
        <Suspense fallback=|| view! { <p>"Gathering the evidence…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                    Ok(v) => view! { <Evidence v /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn short(hash: &str) -> String {
    format!("{}…", &hash[..12.min(hash.len())])
}

#[component]
fn Evidence(v: EvidenceView) -> impl IntoView {
    let dr = v.dr.clone();
    view! {
        <div class="space-y-6">
            <p class="text-sm" data-testid="scope-adoption">{format!("Signed policy adoption in scope: {} of {} active repositories ({})", v.adoption.adopted, v.adoption.active, v.adoption.percent_text())}</p>
            <DataTable show_caption=true caption="Policy bundles in scope" headers=&["Tenant", "Repository", "State", "Version", "Signer", "Verified"]>
                {v.repos.iter().map(|r| view! {
                    <tr data-testid="evidence-repo">
                        <td class=ui::TD>{r.tenant.clone()}</td>
                        <td class=ui::TD><code>{r.repo.clone()}</code></td>
                        <td class=ui::TD>{format!("{}{}", r.state.as_str(), r.reason.as_deref().map(|w| format!(": {w}")).unwrap_or_default())}</td>
                        <td class=ui::TD>{r.version.map(|n| format!("v{n}")).unwrap_or_default()}</td>
                        <td class=ui::TD>{r.signer.clone().unwrap_or_default()}</td>
                        <td class=ui::TD>{r.verified_at.map(display_time).unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <DataTable show_caption=true caption="Release packs in scope" headers=&["Release", "Result", "SHA-256", "Time to pack", "Uploaded", "Pack"]>
                {v.packs.iter().map(|p| view! {
                    <tr data-testid="evidence-pack" data-state=p.status.clone()>
                        <td class=ui::TD><code>{format!("{}@{}", p.repo, p.tag)}</code></td>
                        <td class=ui::TD>{format!("{}{}", p.status, p.reason.as_deref().map(|w| format!(" ({w})")).unwrap_or_default())}</td>
                        <td class=ui::TD><code title=p.sha256.clone()>{short(&p.sha256)}</code></td>
                        <td class=ui::TD>{p.time_to_pack_ms.map(duration_text).unwrap_or_else(|| "—".into())}</td>
                        <td class=ui::TD>{display_time(p.uploaded_at)}</td>
                        <td class=ui::TD><a class="text-indigo-700 underline" href=p.href.clone() download>{format!("Download {}@{}", p.repo, p.tag)}</a></td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <DataTable show_caption=true caption="Signed receipts (the newest 20 of each tenant)" headers=&["Tenant", "Verification", "Subject", "Receipt key", "Issued", "Receipt"]>
                {v.receipts.iter().map(|r| view! {
                    <tr data-testid="evidence-receipt">
                        <td class=ui::TD>{r.tenant.clone()}</td>
                        <td class=ui::TD><code>{r.id.clone()}</code></td>
                        <td class=ui::TD><code title=r.subject_sha256.clone()>{short(&r.subject_sha256)}</code></td>
                        <td class=ui::TD><code>{r.key_id.clone()}</code></td>
                        <td class=ui::TD>{display_time(r.created_at)}</td>
                        <td class=ui::TD><a class="text-indigo-700 underline" href=r.href.clone() download>{format!("Receipt {}", r.id)}</a></td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <section class=ui::CARD aria-labelledby="sbom-heading">
                <h2 id="sbom-heading" class="mb-2 text-lg font-semibold">"SBOM diff between each repository's two latest verified releases"</h2>
                <ul class="space-y-3 text-sm">{v.sbom.into_iter().map(|s| view! { <SbomDiff s /> }).collect_view()}</ul>
            </section>
            <DataTable show_caption=true caption="Vendor attestations" headers=&["Vendor", "Attests", "Kind", "Result", "Signer"]>
                {v.vendors.iter().map(|a| view! {
                    <tr data-testid="vendor-attestation">
                        <td class=ui::TD>{a.vendor.clone()}</td>
                        <td class=ui::TD>{a.title.clone()}</td>
                        <td class=ui::TD>{a.kind.clone()}</td>
                        <td class=ui::TD>{if a.verified { "verified".to_owned() } else { format!("failed: {}", a.reason.clone().unwrap_or_default()) }}</td>
                        <td class=ui::TD>{a.signer.clone().unwrap_or_default()}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <DataTable show_caption=true caption="Documents" headers=&["Kind", "Title", "Owner", "Review by", "Current", "File"]>
                {v.documents.iter().map(|d| view! {
                    <tr data-testid="document">
                        <td class=ui::TD>{d.kind.label()}</td>
                        <td class=ui::TD>{format!("{} v{}", d.title, d.version)}</td>
                        <td class=ui::TD>{d.owner.clone()}</td>
                        <td class=ui::TD>{d.review_date.clone().unwrap_or_else(|| "—".into())}</td>
                        <td class=ui::TD>{match (&d.review_date, d.current) { (None, _) => "—", (Some(_), true) => "yes", (Some(_), false) => "no: review due" }}</td>
                        <td class=ui::TD><a class="text-indigo-700 underline" href=d.href.clone() download>{d.filename.clone()}</a></td>
                    </tr>
                }).collect_view()}
            </DataTable>
            <section class=ui::CARD aria-labelledby="dr-heading">
                <h2 id="dr-heading" class="mb-2 text-lg font-semibold">"DR metrics"</h2>
                <p class="text-sm">{match (dr.rpo_minutes, dr.rto_minutes) {
                    (Some(rpo), Some(rto)) => format!("Targets: RPO {rpo} min, RTO {rto} min."),
                    _ => "No recovery targets are set.".to_owned(),
                }}</p>
                <p class="text-sm">{match dr.last_drill {
                    Some((id, passed, at, rto, loss, rows)) => format!(
                        "Last restore drill {id} ({}): {}; recovery took {}, data-loss window {}, {rows} rows checked.",
                        display_time(at), if passed { "passed" } else { "FAILED" }, duration_text(rto), duration_text(loss)
                    ),
                    None => "No restore drill has run.".to_owned(),
                }}</p>
            </section>
        </div>
    }
}

#[component]
fn SbomDiff(s: RepoSbomDiff) -> impl IntoView {
    let title = format!(
        "{} ({}): {} → {}{}",
        s.repo,
        s.tenant,
        s.older.clone().unwrap_or_else(|| "—".into()),
        s.newer.clone().unwrap_or_else(|| "—".into()),
        s.format.as_deref().map(|f| format!(", {f}")).unwrap_or_default()
    );
    view! {
        <li data-testid="sbom-diff">
            <p class="font-medium">{title}</p>
            {match (s.diff, s.note) {
                (Some(d), _) => view! {
                    <p>{d.summary()}</p>
                    <ul class="ml-4 list-disc">
                        {d.added.iter().map(|a| view! { <li>{format!("added {a}")}</li> }).collect_view()}
                        {d.removed.iter().map(|r| view! { <li>{format!("removed {r}")}</li> }).collect_view()}
                        {d.version_changed.iter().map(|c| view! { <li>{format!("{}: {} → {}", c.name, c.from, c.to)}</li> }).collect_view()}
                        {d.license_changed.iter().map(|c| view! { <li>{format!("{} licence: {} → {}", c.name, c.from, c.to)}</li> }).collect_view()}
                    </ul>
                }.into_any(),
                (None, note) => view! { <p class="text-slate-600">{note.unwrap_or_default()}</p> }.into_any(),
            }}
        </li>
    }
}
