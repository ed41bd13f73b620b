//! Who is calling: password login, sessions and API keys ([`auth`]), and
//! creating tenants, users and keys ([`accounts`]).

pub mod accounts;
pub mod auth;
