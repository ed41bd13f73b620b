//! The login page (works with and without JavaScript).

use crate::api::auth::Login;
use crate::components::ui;
use crate::components::{SlaBadge, action_feedback};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{LazyRoute, lazy_route};

/// `/login`: e-mail and password form (lazily loaded code).
pub struct LoginPage;

#[lazy_route]
impl LazyRoute for LoginPage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        let login = ServerAction::<Login>::new();
        view! {
        <Title text="Log in · Trust Portal" />
        <main id="main" class="flex min-h-screen flex-col items-center justify-center gap-6 px-4">
            <div class=format!("{} w-full max-w-sm", ui::CARD)>
                <h1 class=ui::H1>"Log in to Trust Portal"</h1>
                <ActionForm action=login attr:class="space-y-3">
                    <div>
                        <label for="email" class=ui::LABEL>"E-mail"</label>
                        <input id="email" name="email" type="email" autocomplete="username" required class=ui::INPUT />
                    </div>
                    <div>
                        <label for="password" class=ui::LABEL>"Password"</label>
                        <input id="password" name="password" type="password" autocomplete="current-password" required class=ui::INPUT />
                    </div>
                    {action_feedback(login, "Signed in.")}
                    <button type="submit" class=format!("{} w-full", ui::BUTTON)>"Log in"</button>
                </ActionForm>
            </div>
            <footer class="text-center text-xs text-slate-600">
                <p class="mb-1">"Attestation API service level"</p>
                <SlaBadge />
            </footer>
        </main>
    }
    .into_any()
    }
}
