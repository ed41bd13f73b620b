//! `/packs`: the tenant's evidence packs, each with its files, digests and
//! every signature check.

use crate::api::evidence::{PackSummary, list_packs};
use crate::components::ui;
use crate::components::{DataTable, ErrorNotice, ShortId};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/packs`. See [`super`] for why pages create their data in `view`.
pub struct PacksPage;

#[lazy_route]
impl LazyRoute for PacksPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let packs = Resource::new(|| (), |_| list_packs());
        view! {
            <Title text="Evidence packs · Trust Portal" />
            <h1 class=ui::H1>"Evidence packs"</h1>
            <p class="mb-4 max-w-3xl text-sm text-slate-700">
                "One pack per release: build it with "<code>"trust-portal pack build"</code>", upload it to "
                <code>"POST /api/v1/repos/{owner}/{name}/releases/{tag}/pack"</code>
                ". The portal checks the manifest signature against your signing keys, every digest, and every signature inside."
            </p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match packs.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="text-slate-600">"No packs uploaded yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <div class="space-y-6">{list.into_iter().map(|p| view! { <Pack pack=p /> }).collect_view()}</div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}

fn status_class(status: &str) -> &'static str {
    match status {
        "passed" | "verified" => "text-green-800",
        "failed" => "text-red-800",
        _ => "text-slate-600",
    }
}

#[component]
fn Pack(pack: PackSummary) -> impl IntoView {
    let title = format!("{}@{}", pack.repo, pack.tag);
    let label = title.clone();
    let status = match &pack.reason {
        Some(r) => format!("{} ({r})", pack.status),
        None => pack.status.to_string(),
    };
    view! {
        <section class=ui::CARD data-testid="pack" aria-label=label>
            <h2 class="text-lg font-semibold">{title}" "<span class=status_class(pack.status.as_str())>{status}</span></h2>
            <p class="text-xs text-slate-600">
                {format!("Uploaded {} · {} bytes · zip sha256 {}", display_time(pack.created_at), pack.size_bytes, pack.sha256)}
                {pack.signer_key_id.map(|k| format!(" · manifest signed by {k}"))}
            </p>
            <DataTable caption="Files" headers=&["Path", "Media type", "SHA-256"]>
                {pack.files.into_iter().map(|(path, media, sha)| view! {
                    <tr><td class=ui::TD><code>{path}</code></td><td class=ui::TD>{media}</td><td class=ui::TD><ShortId value=sha what="file digest" /></td></tr>
                }).collect_view()}
            </DataTable>
            <DataTable caption="Checks" headers=&["Check", "Result", "Detail"]>
                {pack.checks.into_iter().map(|c| view! {
                    <tr data-testid="pack-check">
                        <td class=ui::TD>{c.check}</td>
                        <td class=ui::TD><span class=status_class(c.status.as_str())>{c.status.as_str()}</span></td>
                        <td class=ui::TD>{c.detail}</td>
                    </tr>
                }).collect_view()}
            </DataTable>
        </section>
    }
}
