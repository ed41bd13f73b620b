//! Who is calling: password login, sessions and API keys ([`auth`]), and
//! creating tenants, users and keys ([`accounts`]); the login
//! [`throttle`] settings.

pub mod accounts;
pub mod auth;
pub mod throttle;
