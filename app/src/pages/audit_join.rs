//! `/audit/join`: an invited auditor reads the engagement's NDA, accepts it
//! and sets a password (the invitation link put its token in a cookie).
//! `/audit/nda`: an auditor accepts a new NDA version before their next view.

use crate::api::audits::{AcceptNda, JoinEngagement, audit_invitation, current_nda};
use crate::components::ui;
use crate::components::{ErrorNotice, action_feedback};
use crate::domain::period::display_time;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::{LazyRoute, lazy_route};

/// `/audit/join`. See [`super`] for why pages create their data in `view`.
pub struct AuditJoinPage;

#[lazy_route]
impl LazyRoute for AuditJoinPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let join = ServerAction::<JoinEngagement>::new();
        let invitation = Resource::new(|| (), |_| audit_invitation());
        let query = use_query_map();
        let link = move || query.read().get("link");
        view! {
            <Title text="Join an audit engagement · Trust Portal" />
            <main id="main" class="mx-auto max-w-2xl px-4 py-10">
                <h1 class=ui::H1>"Join an audit engagement"</h1>
                {move || link().map(|l| {
                    let text = match l.as_str() {
                        "used" => "This invitation was used already. Log in with the account you created.",
                        "expired" => "This invitation link has expired or was withdrawn. Ask the engagement's owner for a new one.",
                        _ => "This invitation link is not valid. Ask the engagement's owner for a new one.",
                    };
                    view! { <p role="alert" class="mb-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">{text}</p> }
                })}
                <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move {
                        match invitation.await {
                            Err(e) if link().is_none() => view! { <ErrorNotice error=e /> }.into_any(),
                            Err(_) => ().into_any(),
                            Ok(v) => view! {
                                <section class=ui::CARD aria-labelledby="engagement-heading">
                                    <h2 id="engagement-heading" class="text-lg font-semibold">{v.engagement.clone()}</h2>
                                    <p class="text-sm text-slate-700">{format!("{} audits {} for {}; your access ends {}.", v.firm, v.owner, v.period, display_time(v.access_ends_at))}</p>
                                    <p class="text-sm text-slate-700">{format!("Invited: {} ({})", v.name, v.email)}</p>
                                </section>
                                <section class=format!("{} mt-4", ui::CARD) aria-labelledby="nda-heading">
                                    <h2 id="nda-heading" class="mb-2 text-lg font-semibold">{format!("Confidentiality agreement, version {}", v.nda_version)}</h2>
                                    <div class="prose max-w-none text-sm" data-testid="nda" inner_html=v.nda_html.clone()></div>
                                </section>
                                <ActionForm action=join attr:class=format!("{} mt-4 grid gap-3", ui::CARD)>
                                    <label class="inline-flex items-start gap-2 text-sm">
                                        <input type="checkbox" name="nda_sha256" value=v.nda_sha256.clone() required />
                                        <span>{format!("I accept the confidentiality agreement above (version {}, SHA-256 {}…).", v.nda_version, &v.nda_sha256[..12.min(v.nda_sha256.len())])}</span>
                                    </label>
                                    <div>
                                        <label for="join-password" class=ui::LABEL>"Choose a password (at least 12 characters)"</label>
                                        <input id="join-password" name="password" type="password" required minlength="12" autocomplete="new-password" class=ui::INPUT />
                                    </div>
                                    <div><button type="submit" class=ui::BUTTON>"Accept and join"</button></div>
                                </ActionForm>
                                <div class="mt-3">{action_feedback(join, "Joined.")}</div>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            </main>
        }
        .into_any()
    }
}

/// `/audit/nda`.
pub struct AuditNdaPage;

#[lazy_route]
impl LazyRoute for AuditNdaPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let accept = ServerAction::<AcceptNda>::new();
        let nda = Resource::new(move || accept.version().get(), |_| current_nda());
        view! {
            <Title text="Confidentiality agreement · Trust Portal" />
            <h1 class=ui::H1>"Confidentiality agreement"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match nda.await {
                        Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        Ok((engagement, version, sha256, html)) => view! {
                            <section class=ui::CARD aria-labelledby="nda-heading">
                                <h2 id="nda-heading" class="mb-2 text-lg font-semibold">{format!("{engagement}: NDA version {version}")}</h2>
                                <div class="prose max-w-none text-sm" data-testid="nda" inner_html=html></div>
                            </section>
                            <ActionForm action=accept attr:class=format!("{} mt-4", ui::CARD)>
                                <input type="hidden" name="nda_sha256" value=sha256.clone() />
                                <p class="mb-2 text-sm">{format!("Accepting records your account, the time, your address and this version's SHA-256 ({}…).", &sha256[..12.min(sha256.len())])}</p>
                                <button type="submit" class=ui::BUTTON>"I accept"</button>
                            </ActionForm>
                            <div class="mt-3">
                                {move || matches!(accept.value().get(), Some(Ok(()))).then(|| view! {
                                    <p role="status" class="rounded-md border border-green-300 bg-green-50 p-2 text-sm text-green-900">
                                        "Accepted. " <a class="underline" href="/audits">"Go to your engagement"</a>
                                    </p>
                                })}
                                {move || accept.value().get().and_then(Result::err).map(|e| view! { <ErrorNotice error=e /> })}
                            </div>
                        }.into_any(),
                    }
                })}
            </Suspense>
        }
        .into_any()
    }
}
