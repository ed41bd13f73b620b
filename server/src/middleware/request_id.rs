//! Request ids: taken from `x-request-id` when a proxy set one, else random.

use axum::http::Request;
use tower_http::request_id::{MakeRequestId, RequestId};

/// Makes 16-hex-digit random request ids.
#[derive(Clone, Copy, Default)]
pub struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _request: &Request<B>) -> Option<RequestId> {
        let id = hex::encode(rand::random::<[u8; 8]>());
        id.parse().ok().map(RequestId::new)
    }
}
