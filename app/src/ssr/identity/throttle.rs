//! How hard password guessing is throttled. A leaf: [`crate::ssr::state`]
//! builds the login limiters from these, [`super::auth`] consults them.

/// Login attempts per account from one client per minute, sustained
/// (password guessing is throttled per account and client address, so a
/// lockout an attacker causes does not lock the owner out elsewhere).
pub const LOGIN_ATTEMPTS_PER_MINUTE: u32 = 10;
/// Login attempts per account from one client allowed at once before the per-minute rate applies.
pub const LOGIN_ATTEMPTS_BURST: u32 = 20;
/// Failed logins from one client, all accounts together, per minute (password
/// spraying). Successful logins do not count, so an office behind one address
/// is not locked out by its own people.
pub const CLIENT_LOGIN_ATTEMPTS_PER_MINUTE: u32 = 30;
/// Failed logins from one client, all accounts together, at once.
pub const CLIENT_LOGIN_ATTEMPTS_BURST: u32 = 60;
