//! `/onboard`: the partner's onboarding wizard, reached by following an
//! invitation link (`/invite/{token}` sets the cookie and comes here). No
//! login: the invitation is the credential. An expired, used or unknown link
//! says so and offers to ask the operator for a new one.

use crate::api::onboarding::{RequestNewInvitation, onboarding_session, take_onboarding_key};
use crate::components::ui;
use crate::components::{OnboardWizard, WizardActions, action_feedback};
use crate::domain::{AppError, ErrorCode};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/onboard`. See [`super`] for why pages create their data in `view`.
pub struct OnboardPage;

#[lazy_route]
impl LazyRoute for OnboardPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let actions = WizardActions::new();
        let session = Resource::new(move || actions.version(), |_| onboarding_session());
        let flashed = Resource::new(|| (), |_| take_onboarding_key());
        let request = ServerAction::<RequestNewInvitation>::new();
        // Set by the invitation link when it cannot be followed (used, unknown, expired).
        let link = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("link"));
        view! {
            <Title text="Onboarding · Trust Portal" />
            <h1 class=ui::H1>"Set up your tenant"</h1>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let link = link.clone();
                    Suspend::new(async move {
                    let flashed = flashed.await.ok().flatten();
                    let api_key = actions.finish.value().get().and_then(Result::ok).flatten().or(flashed);
                    match session.await {
                        Ok(session) => view! { <OnboardWizard session actions api_key /> }.into_any(),
                        Err(e) => view! { <LinkProblem error=explain(e, link.as_deref()) request /> }.into_any(),
                    }
                })}}
            </Suspense>
        }
        .into_any()
    }
}

/// Without the cookie (a used or unknown link clears it), the link's own problem explains why.
fn explain(e: AppError, link: Option<&str>) -> AppError {
    use crate::domain::onboarding::{LINK_UNKNOWN, LINK_USED};
    match (e.code, link) {
        (ErrorCode::Unauthenticated, Some("used")) => AppError::new(ErrorCode::AccessExpired, LINK_USED),
        (ErrorCode::Unauthenticated, Some("unknown")) => AppError::new(ErrorCode::NotFound, LINK_UNKNOWN),
        _ => e,
    }
}

#[component]
fn LinkProblem(error: AppError, request: ServerAction<RequestNewInvitation>) -> impl IntoView {
    // Only the holder of an expired link (its cookie kept) can ask for a new one here.
    let can_request = error.message == crate::domain::onboarding::LINK_EXPIRED;
    view! {
        <div role="alert" data-testid="link-problem" class="mb-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
            <p>{error.message.clone()}</p>
            {(error.message == crate::domain::onboarding::LINK_USED).then(|| view! { <p class="mt-2"><a class="underline" href="/login">"Log in"</a></p> })}
        </div>
        {can_request.then(|| view! {
            <section class=ui::CARD aria-labelledby="renew-heading">
                <h2 id="renew-heading" class="mb-2 text-lg font-semibold">"Ask for a new invitation"</h2>
                <ActionForm action=request attr:class="space-y-3">
                    <div>
                        <label for="renew-note" class=ui::LABEL>"Message to the portal team (who you are, how to reach you)"</label>
                        <textarea id="renew-note" name="note" rows="3" maxlength="500" required class=ui::INPUT></textarea>
                    </div>
                    <button type="submit" class=ui::BUTTON>"Request a new link"</button>
                </ActionForm>
                <div class="mt-3">{action_feedback(request, "Requested. The portal team will send you a new link.")}</div>
            </section>
        })}
    }
}
