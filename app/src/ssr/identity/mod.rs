//! Who is calling: password login, sessions and API keys ([`auth`]), and
//! creating tenants, users and keys ([`accounts`]); logging in and out
//! ([`sign_in`]); the login [`throttle`] settings.

pub mod accounts;
pub mod auth;
pub mod sign_in;
pub mod throttle;
