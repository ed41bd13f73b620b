//! Every `/api/v1` error in the one envelope. axum's extractors refuse a
//! body that is not JSON, a missing `Content-Type`, a field of the wrong type
//! or a malformed query with a plain-text 400/415/422; a client of the API
//! expects `{"error":{"code","message"}}` and the documented 400. This turns
//! those answers into `invalid_input` (or `payload_too_large` for 413),
//! keeping axum's sentence as the message. Answers that are already JSON
//! (every error the portal writes itself) pass untouched.

use crate::routes::error::{ApiCode, ApiError};
use axum::body::to_bytes;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The longest extractor message kept.
const MESSAGE_BYTES: usize = 4096;

/// The middleware.
pub async fn wrap_rejections(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/v1/");
    let res = next.run(req).await;
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    let status = res.status();
    if !api || !plain || !status.is_client_error() {
        return res;
    }
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiCode::PayloadTooLarge,
        StatusCode::BAD_REQUEST | StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::UNPROCESSABLE_ENTITY => {
            ApiCode::InvalidInput
        }
        _ => return res,
    };
    let text = match to_bytes(res.into_body(), MESSAGE_BYTES).await {
        Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_owned(),
        Err(_) => String::new(),
    };
    let message = if text.is_empty() { "The request could not be read.".to_owned() } else { text };
    ApiError::new(code, message).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::body::Body;
    use axum::routing::post;

    async fn call(path: &str, body: &str, content_type: Option<&str>) -> (StatusCode, String, String) {
        let app = Router::new()
            .route("/api/v1/x", post(|axum::Json(v): axum::Json<serde_json::Value>| async move { axum::Json(v) }))
            .route("/page", post(|axum::Json(v): axum::Json<serde_json::Value>| async move { axum::Json(v) }))
            .layer(axum::middleware::from_fn(wrap_rejections));
        let mut req = Request::post(path);
        if let Some(t) = content_type {
            req = req.header(header::CONTENT_TYPE, t);
        }
        let res = tower::ServiceExt::oneshot(app, req.body(Body::from(body.to_owned())).unwrap()).await.unwrap();
        let status = res.status();
        let kind = res.headers().get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
        let body = String::from_utf8(to_bytes(res.into_body(), 1 << 16).await.unwrap().to_vec()).unwrap();
        (status, kind, body)
    }

    #[tokio::test]
    async fn extractor_refusals_under_the_api_get_the_envelope() {
        let (status, kind, body) = call("/api/v1/x", "{", Some("application/json")).await;
        assert_eq!((status, kind.as_str()), (StatusCode::BAD_REQUEST, "application/json"));
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["error"]["code"], "invalid_input");
        assert!(v["error"]["message"].as_str().unwrap().contains("JSON"), "{body}");
        let (status, _, body) = call("/api/v1/x", "{}", None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "a missing Content-Type is bad input too: {body}");
        assert!(body.contains("Content-Type"), "{body}");
        let (status, _, body) = call("/api/v1/x", "{\"a\":1}", Some("application/json")).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "{\"a\":1}"), "answers pass untouched");
    }

    #[tokio::test]
    async fn pages_keep_their_own_answers() {
        let (status, kind, _) = call("/page", "{", Some("application/json")).await;
        assert_eq!((status, kind.starts_with("text/plain")), (StatusCode::BAD_REQUEST, true));
    }
}
