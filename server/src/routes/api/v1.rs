//! The machine API, `/api/v1`, authenticated with tenant API keys, and its OpenAPI document.

use super::api_key::AnyKey;
use crate::routes::error::{ApiError, ErrorEnvelope};
use app::ssr::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/me", get(me)).route("/api/v1/openapi.json", get(openapi))
}

/// The tenant and key behind an API key.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeResponse {
    /// The tenant.
    pub tenant: TenantInfo,
    /// The key used.
    pub key: KeyInfo,
}

/// A tenant as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantInfo {
    /// `org_…` id.
    pub id: String,
    /// Unique handle.
    pub slug: String,
    /// Name.
    pub name: String,
    /// Price plan (`starter`, `pro`, `enterprise`).
    pub plan: String,
    /// The plan whose features are active: `plan` while the latest evidence verifies, else `starter`.
    pub active_plan: String,
    /// Active features (`webhooks`, `policy_bundles`, `auditor_access`, `high_rate_limit`).
    pub features: Vec<String>,
    /// Why the plan's paid features are off, when they are.
    pub features_off_reason: Option<String>,
}

/// An API key as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct KeyInfo {
    /// `key_…` id.
    pub id: String,
    /// Visible start of the key.
    pub prefix: String,
    /// Label.
    pub name: String,
}

/// Who am I: the tenant and key behind the `Authorization: Bearer` key.
#[utoipa::path(
    get, path = "/api/v1/me", tag = "identity",
    responses(
        (status = 200, description = "The caller's tenant and key", body = MeResponse),
        (status = 401, description = "Missing, unknown or revoked key", body = ErrorEnvelope),
    ),
    security(("api_key" = []))
)]
pub async fn me(State(state): State<AppState>, AnyKey(key): AnyKey) -> Result<Json<MeResponse>, ApiError> {
    let org = state.db.org(&key.org_id).await?.ok_or_else(app::domain::AppError::internal)?;
    let ent = app::ssr::billing::entitlements::current(&state, &org, "system").await?;
    Ok(Json(MeResponse {
        tenant: TenantInfo {
            id: org.id,
            slug: org.slug,
            name: org.name,
            plan: ent.plan.as_str().into(),
            active_plan: ent.effective.as_str().into(),
            features: ent.features.iter().map(|f| f.as_str().to_owned()).collect(),
            features_off_reason: ent.reason,
        },
        key: KeyInfo { id: key.id, prefix: key.prefix, name: key.name },
    }))
}

struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("tpk_…").build()),
        );
        // Audit engagements are used by people: the portal's session cookie
        // (`__Host-tp_session` over HTTPS, `tp_session` in development).
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(utoipa::openapi::security::ApiKey::Cookie(
                utoipa::openapi::security::ApiKeyValue::with_description(
                    "__Host-tp_session",
                    "The portal session of a signed-in user (log in at /login).",
                ),
            )),
        );
    }
}

/// Documents the refusals operations answer from their extractors rather
/// than their handlers: 400 for a body or query that cannot be read
/// ([`crate::middleware::api_envelope`]), 404 where the path names an object
/// (another tenant's is not there either), 503 everywhere (the database out of
/// reach for a moment, [`crate::routes::error::ApiCode::Unavailable`]), and on every secured operation 401
/// without a valid key or session and 403 (`insufficient_scope` for a key,
/// `forbidden` for a role).
struct Refusals;

impl utoipa::Modify for Refusals {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{Ref, ResponseBuilder, content::Content};
        let envelope = || Content::new(Some(Ref::from_schema_name("ErrorEnvelope")));
        for (path, item) in openapi.paths.paths.iter_mut() {
            let names_an_object = path.contains('{');
            let ops = [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch];
            for op in ops.into_iter().flatten() {
                if names_an_object && !op.responses.responses.contains_key("404") {
                    let text = "No such object, or not one the caller may see (`not_found`)";
                    let response = ResponseBuilder::new().description(text).content("application/json", envelope());
                    op.responses.responses.insert("404".to_owned(), response.build().into());
                }
                // Anything that reads a body or a query can be sent one it cannot read.
                let reads_input = op.request_body.is_some()
                    || op
                        .parameters
                        .as_ref()
                        .is_some_and(|ps| ps.iter().any(|p| serde_json::to_value(p).is_ok_and(|v| v["in"] == "query")));
                if reads_input && !op.responses.responses.contains_key("400") {
                    let text = "The body or query could not be read, or a field is invalid (`invalid_input`)";
                    let response = ResponseBuilder::new().description(text).content("application/json", envelope());
                    op.responses.responses.insert("400".to_owned(), response.build().into());
                }
                if !op.responses.responses.contains_key("503") {
                    let text = "The database is out of reach for a moment (`unavailable`); nothing is acknowledged: retry after `Retry-After` seconds (a verification with its Idempotency-Key is billed once)";
                    let response = ResponseBuilder::new().description(text).content("application/json", envelope());
                    op.responses.responses.insert("503".to_owned(), response.build().into());
                }
                let Some(security) = op.security.as_ref().filter(|s| !s.is_empty()) else { continue };
                let by_key = serde_json::to_value(security).is_ok_and(|v| v.to_string().contains("api_key"));
                let forbidden = if by_key {
                    "The key lacks the scope this operation needs (`insufficient_scope`)"
                } else {
                    "The signed-in user's role may not do this (`forbidden`)"
                };
                for (status, text) in [("401", "Missing, unknown, expired or revoked credentials"), ("403", forbidden)]
                {
                    let responses = &mut op.responses.responses;
                    if !responses.contains_key(status) {
                        let response = ResponseBuilder::new().description(text).content("application/json", envelope());
                        responses.insert(status.to_owned(), response.build().into());
                    }
                }
            }
        }
    }
}

/// The OpenAPI description of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(title = "Trust Portal API", description = "Machine API of the Trust Portal. Authenticate with a tenant API key: `Authorization: Bearer tpk_…`. Errors use one envelope: `{\"error\":{\"code\",\"message\"}}`."),
    paths(
        me, super::verify::verify, super::trust::receipt, super::trust::receipt_keys,
        super::trust::list_signing_keys, super::trust::add_signing_key, super::trust::revoke_signing_key,
        super::trust::list_policies, super::trust::add_policy,
        super::packs::upload, super::packs::download, super::packs::report,
        super::billing::list, super::billing::one, super::billing::preview, super::policy::upload, super::policy::in_force,
        super::onboarding::session, super::onboarding::submit_step, super::onboarding::go_to,
        super::webhooks::list_messages, super::webhooks::replay_message, super::webhooks::endpoint,
        super::webhooks::set_endpoint, super::webhooks::rotate_secret, super::webhooks::send_test,
        super::audit::list, super::audit::open, super::audit::one, super::audit::start, super::audit::checklist,
        super::audit::findings, super::audit::file_finding, super::audit::comment, super::audit::decisions_list,
        super::audit::record_decision, super::audit::invite, super::audit::access_log, super::audit::signoff_zip,
        super::audit::answer, super::operations::alerts, super::operations::acknowledge, super::operations::okrs,
        super::operations::overview, super::console::tenants, super::console::create_tenant, super::console::users,
        super::console::api_keys, super::console::create_api_key, super::console::revoke_api_key, super::console::usage,
        super::console::prices, super::console::audit_log, super::console::signature_status,
        super::console_admin::set_plan, super::console_admin::suspend, super::console_admin::reactivate,
        super::console_admin::create_user, super::console_admin::set_role, super::console_admin::add_price,
        super::console_admin::invitations, super::console_admin::create_invitation,
        super::console_admin::renew_invitation, super::session::sign_in, super::session::sign_out,
        crate::routes::session::audit_log_export::export, crate::routes::session::reports::export_status
    ),
    components(schemas(
        MeResponse, TenantInfo, KeyInfo, ErrorEnvelope,
        super::verify::VerifyBody, super::verify::ArtifactBody, super::verify::VerifyResponse,
        super::verify::KeyFields, super::verify::PolicyFields,
        super::trust::ReceiptResponse, super::trust::SigningKeyInfo, super::trust::NewSigningKeyBody,
        super::trust::PolicyBody, super::packs::PackResponse, super::policy::BundleResponse,
        super::onboarding::SessionResponse, super::onboarding::StepFailed, super::onboarding::StepBody,
        super::webhooks::MessageInfo, super::webhooks::EndpointInfo, super::webhooks::EndpointBody,
        super::webhooks::TestDelivery,
        super::audit::OpenBody, super::audit::Created, super::audit::FindingBody, super::audit::CommentBody,
        super::audit::DecisionBody, super::audit::InviteBody, super::audit::InvitationCreated, super::audit::AnswerBody,
        app::domain::audit_kit::view::EngagementCard, app::domain::audit_kit::view::EngagementView,
        app::domain::audit_kit::view::ChecklistView, app::domain::audit_kit::view::FindingsView,
        app::domain::audit_kit::view::FindingView, app::domain::audit_kit::view::DecisionsView,
        app::domain::audit_kit::view::DecisionView, app::domain::audit_kit::view::AccessView,
        app::domain::alerts::AlertCentre, app::domain::alerts::AlertItem, app::domain::okr::OkrBoard,
        app::domain::okr::KeyResult, app::domain::invoice::Invoice, app::domain::invoice::InvoiceLine,
        app::domain::invoice::Issued, app::domain::invoice::InvoiceSummary, app::domain::money::Cents,
        app::domain::money::UnitPrice, super::console::NewTenantBody, super::console::NewApiKeyBody,
        super::console_admin::PlanBody, super::console_admin::NewUserBody, super::console_admin::RoleBody,
        super::console_admin::NewPriceBody, super::console_admin::NewInvitationBody,
        super::console_admin::InvitationLink, super::session::SignInBody, super::session::SignedInResponse
    )),
    modifiers(&ApiKeyScheme, &Refusals)
)]
pub struct ApiDoc;

/// Serves the OpenAPI document.
async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
