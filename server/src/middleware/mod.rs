//! Request middleware: cross-site request refusal, request ids, metrics.

pub mod csrf;
pub mod metrics;
pub mod request_id;
pub mod server_fn_status;
