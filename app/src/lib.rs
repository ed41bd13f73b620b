//! Trust Portal's isomorphic crate: domain types, server functions, pages and
//! components (compiled for the server with `ssr` and for the browser with
//! `hydrate`), plus the server-only services under [`ssr`].

pub mod api;
pub mod components;
pub mod domain;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{Lazy, SsrMode, path};

/// The HTML document around the app (server side).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="description" content="Trust Portal: verified supply-chain evidence for partners, finance and auditors." />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-slate-50 text-slate-900 antialiased">
                <App />
            </body>
        </html>
    }
}

/// The Content-Security-Policy of portal pages: scripts only from the portal
/// itself and the hydration script carrying this response's `nonce`, wasm
/// compiled by the browser (`'wasm-unsafe-eval'`), no framing, no plugins, no
/// foreign `<base>` or form targets.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
         object-src 'none'"
    )
}

/// Sets the page's CSP with the nonce leptos_axum generated for this request.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    use leptos::prelude::use_context;
    let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The root component: routes. Every route renders fully on the server
/// (`SsrMode::Async`) so pages work without JavaScript and can redirect.
/// Pages are lazy routes: each page's code is a separate wasm chunk (built
/// with `cargo leptos build --split`), fetched when the route is first used.
#[component]
pub fn App() -> impl IntoView {
    use components::Layout;
    use pages::{
        account::AccountPage, alerts::AlertsPage, audit_join::AuditJoinPage, audit_join::AuditNdaPage,
        audit_library::AuditLibraryPage, audit_log::AuditLogPage, audits::AuditsPage, dashboards::DashboardsPage,
        engagement::EngagementPage, home::HomePage, invoices::InvoicePage, invoices::InvoicesPage, keys::KeysPage,
        login::LoginPage, not_found::NotFound, okrs::OkrsPage, onboard::OnboardPage, onboarding::OnboardingPage,
        overview::OverviewPage, packs::PacksPage, prices::PricesPage, receipts::ReceiptsPage,
        signature_status::SignatureStatusPage, slos::SlosPage, tenants::TenantsPage, usage::UsagePage,
        users::UsersPage, verifications::VerificationsPage, verify::VerifyPage, webhooks::WebhooksPage,
    };
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/trust-portal.css" />
        <Title text="Trust Portal" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/login") view={Lazy::<LoginPage>::new()} ssr=SsrMode::Async />
                <Route path=path!("/audit/join") view={Lazy::<AuditJoinPage>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=Layout ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("overview") view={Lazy::<OverviewPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("tenants") view={Lazy::<TenantsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("users") view={Lazy::<UsersPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("keys") view={Lazy::<KeysPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit-log") view={Lazy::<AuditLogPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("verifications") view={Lazy::<VerificationsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("verify") view={Lazy::<VerifyPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("receipts") view={Lazy::<ReceiptsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("packs") view={Lazy::<PacksPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("usage") view={Lazy::<UsagePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("invoices") view={Lazy::<InvoicesPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("invoices/:tenant/:period") view={Lazy::<InvoicePage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("prices") view={Lazy::<PricesPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("signature-status") view={Lazy::<SignatureStatusPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("onboard") view={Lazy::<OnboardPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("onboarding") view={Lazy::<OnboardingPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("webhooks") view={Lazy::<WebhooksPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("account") view={Lazy::<AccountPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audits") view={Lazy::<AuditsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audits/:id") view={Lazy::<EngagementPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit-library") view={Lazy::<AuditLibraryPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("audit/nda") view={Lazy::<AuditNdaPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("alerts") view={Lazy::<AlertsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("slos") view={Lazy::<SlosPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("okrs") view={Lazy::<OkrsPage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("dashboards") view={Lazy::<DashboardsPage>::new()} ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
