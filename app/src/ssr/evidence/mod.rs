//! Release evidence packs: the pack format and its checks ([`packs`]), the
//! path rules and coded errors every archive entry obeys ([`archive_rules`]), the
//! policy bundle a pack may carry ([`pack_policy`]), the hostile-input zip
//! reader under it ([`strict_zip`]), upload, read and
//! metered download ([`service`]), and fetching a repository's latest
//! release from a forge ([`releases`]).

pub mod archive_rules;
pub mod pack_policy;
pub mod packs;
pub mod releases;
pub mod service;
pub mod strict_zip;
