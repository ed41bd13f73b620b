//! `POST /verify`: the Verify page's form (multipart), so the artifact and the
//! evidence can be uploaded as files, with or without JavaScript. The
//! artifact file is hashed as it arrives and never stored (its SHA-256 is what
//! is checked); the evidence file is read as text. The answer is the Verify
//! page itself, rendered with the form as it was submitted and the outcome (a
//! dry run: nothing recorded, metered or receipted).

use app::domain::verify_form::{PostedCheck, UploadedFile, VerifyForm};
use app::domain::{Action, AppError};
use app::ssr::AppState;
use app::ssr::identity::auth::principal_from_headers;
use app::ssr::verification::dry_run::check_form;
use axum::Router;
use axum::body::Body;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, Method, Request};
use axum::response::Response;
use axum::routing::post;
use leptos::prelude::provide_context;
use sha2::{Digest, Sha256};

/// Largest artifact file the page takes (the whole request, files included).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Largest text field or evidence file.
const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;

/// The route (the page's `GET /verify` is the Leptos route).
pub fn router() -> Router<AppState> {
    Router::new().route("/verify", post(check).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
}

async fn check(State(state): State<AppState>, headers: HeaderMap, form: Multipart) -> Response {
    // Without a session, or a role that may not check, the page renders as a
    // plain visit would (the login redirect, or the refusal): nothing is read.
    let posted = match principal_from_headers(&state, &headers).await.and_then(|p| {
        p.require(Action::UseTenantWorkspace)?;
        Ok(p)
    }) {
        Ok(p) => Some(run(&state, &p.org_id, form).await),
        Err(_) => None,
    };
    render_page(state, headers, posted).await
}

/// Reads the form and checks it; a form that cannot be read is shown with why.
async fn run(state: &AppState, org_id: &str, form: Multipart) -> PostedCheck {
    let (mut form, artifact_file) = match read_form(form).await {
        Ok(read) => read,
        Err((form, e)) => return PostedCheck { form, artifact_file: None, result: Err(e) },
    };
    form.keep_fields_of_kind();
    let result = check_form(state, org_id, &form).await;
    PostedCheck { form, artifact_file, result }
}

/// The fields, with an uploaded artifact's digest in `artifact_digest` and an
/// uploaded evidence file's text in `evidence` (in whatever order the parts
/// come). On error, what was read so far.
async fn read_form(mut multipart: Multipart) -> Result<(VerifyForm, Option<UploadedFile>), (VerifyForm, AppError)> {
    let bad = |e: MultipartError| AppError::invalid("Upload", e.body_text());
    let mut form = VerifyForm::default();
    let mut artifact_file = None;
    let mut evidence_file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err((form, bad(e))),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let read = match name.as_str() {
            "artifact_file" => hash_file(field).await.map(|(digest, bytes)| {
                if let Some(name) = file_name.filter(|_| bytes > 0) {
                    artifact_file = Some((UploadedFile { name, bytes }, digest));
                }
            }),
            "evidence_file" => text_of(field, "Evidence file").await.map(|text| {
                if !text.is_empty() {
                    evidence_file = Some(text);
                }
            }),
            // Browsers send a textarea's line breaks as CRLF; text artifacts are signed with LF.
            "artifact_text" => text_of(field, "Artifact").await.map(|text| {
                form.artifact_text = text.replace("\r\n", "\n");
            }),
            _ => text_of(field, &name).await.map(|text| {
                form.set(&name, text);
            }),
        };
        if let Err(e) = read {
            return Err((form, e));
        }
    }
    // An uploaded file's digest replaces the digest field (where the last upload's digest is kept).
    let artifact_file = match artifact_file {
        Some(_) if !form.artifact_text.is_empty() => {
            return Err((form, AppError::invalid("Artifact", "upload a file or paste its text, not both")));
        }
        Some((file, digest)) => {
            form.artifact_digest = digest;
            Some(file)
        }
        None => None,
    };
    if let Some(text) = evidence_file {
        if !form.evidence.trim().is_empty() {
            return Err((form, AppError::invalid("Evidence", "upload a file or paste the evidence, not both")));
        }
        form.evidence = text;
    }
    Ok((form, artifact_file))
}

/// The SHA-256 (`sha256:…`) and size of a file field, read chunk by chunk.
async fn hash_file(mut field: Field<'_>) -> Result<(String, u64), AppError> {
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    while let Some(chunk) = field.chunk().await.map_err(|e| AppError::invalid("Artifact file", e.body_text()))? {
        hasher.update(&chunk);
        bytes += chunk.len() as u64;
    }
    Ok((format!("sha256:{}", hex::encode(hasher.finalize())), bytes))
}

/// A text field or text file, at most [`MAX_TEXT_BYTES`].
async fn text_of(field: Field<'_>, what: &str) -> Result<String, AppError> {
    let bytes = field.bytes().await.map_err(|e| AppError::invalid(what, e.body_text()))?;
    if bytes.len() > MAX_TEXT_BYTES {
        return Err(AppError::invalid(what, format!("is larger than {} MiB", MAX_TEXT_BYTES / (1024 * 1024))));
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| AppError::invalid(what, "must be text (UTF-8)"))
}

/// The Verify page as a `GET` would render it, with `posted` in context for
/// the page's `posted_check`.
async fn render_page(state: AppState, headers: HeaderMap, posted: Option<PostedCheck>) -> Response {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(state.clone());
            if let Some(p) = posted.clone() {
                provide_context(p);
            }
        },
        move || app::shell(options.clone()),
    );
    let mut request = Request::new(Body::empty());
    *request.method_mut() = Method::GET;
    *request.uri_mut() = "/verify".parse().unwrap_or_default();
    *request.headers_mut() = headers;
    request.headers_mut().remove(axum::http::header::CONTENT_TYPE);
    request.headers_mut().remove(axum::http::header::CONTENT_LENGTH);
    render(request).await
}
