//! `POST /onboard/pack`: step 4 of the onboarding wizard with the release
//! pack uploaded from the browser (multipart: `repo`, `public_key`, `pack`),
//! for partners whose repository host the portal cannot reach. The
//! invitation cookie is the credential, as for the wizard's other steps. It
//! answers 303 back to `/onboard`: a failed check is in the session (the
//! wizard shows it with how to fix it), a refused request in `?upload_error=`.

use crate::routes::form_redirect::{back_to, query_value};
use app::api::onboarding::ONBOARD_COOKIE;
use app::domain::onboarding::RepoSource;
use app::domain::{AppError, ErrorCode};
use app::ssr::AppState;
use app::ssr::cookies;
use app::ssr::evidence::packs::MAX_ZIP_BYTES;
use app::ssr::onboarding::{self, StepInput, Via};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;

/// The route, taking a pack up to the packs API's limit.
pub fn router() -> Router<AppState> {
    Router::new().route("/onboard/pack", post(upload).layer(DefaultBodyLimit::max(MAX_ZIP_BYTES + 64 * 1024)))
}

/// The form's fields.
#[derive(Default)]
struct PackForm {
    repo: String,
    public_key: Option<String>,
    pack: Vec<u8>,
}

async fn read_form(mut form: Multipart) -> Result<PackForm, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| AppError::invalid("Upload", e.body_text());
    let mut out = PackForm::default();
    while let Some(field) = form.next_field().await.map_err(bad)? {
        match field.name().unwrap_or_default() {
            "pack" => out.pack = field.bytes().await.map_err(bad)?.to_vec(),
            "repo" => out.repo = field.text().await.map_err(bad)?,
            "public_key" => out.public_key = Some(field.text().await.map_err(bad)?),
            _ => {}
        }
    }
    Ok(out)
}

async fn upload(State(state): State<AppState>, headers: HeaderMap, form: Multipart) -> Response {
    let result = async {
        let token = cookies::read(&headers, ONBOARD_COOKIE).ok_or_else(|| {
            AppError::new(
                ErrorCode::Unauthenticated,
                "Open the invitation link you were sent to start or resume onboarding.",
            )
        })?;
        // The file is read only for a link that can still be followed.
        onboarding::check_link(&state, &token).await.map_err(onboarding::LinkProblem::error)?;
        let f = read_form(form).await?;
        let input = StepInput::Repository {
            repo: f.repo,
            source: RepoSource::Upload,
            public_key: f.public_key,
            pack: Some(f.pack),
        };
        onboarding::submit(&state, &token, input, Via::Browser).await
    }
    .await;
    match result {
        Ok(_) => back_to("/onboard".to_owned()),
        Err(e) => back_to(format!("/onboard?upload_error={}", query_value(&e.message))),
    }
}
