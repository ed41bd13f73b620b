//! The answer to a plain HTML form post (multipart uploads the browser sends
//! itself, with or without JavaScript): 303 back to the form's page, with the
//! outcome in the query string ([`query_value`]) for the page to show.

pub use app::domain::text::query_value;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// 303 See Other to `location`.
pub fn back_to(location: String) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}
