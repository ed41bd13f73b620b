//! Typed, prefixed, time-sortable identifiers (`ten_…`, `usr_…`, `key_…`).
//!
//! Format: `<prefix>_<26 chars of Crockford base32>` holding 48 bits of Unix
//! milliseconds followed by 80 random bits, so ids sort by creation time.

use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
/// Length of the encoded body after the prefix and underscore.
pub const BODY_LEN: usize = 26;

/// Encodes a timestamp and 80 random bits as a 26-character sortable body.
pub fn encode_body(unix_ms: u64, random: u128) -> String {
    let value: u128 = ((u128::from(unix_ms) & 0xFFFF_FFFF_FFFF) << 80) | (random & ((1u128 << 80) - 1));
    let mut out = [0u8; BODY_LEN];
    let mut v = value;
    for slot in out.iter_mut().rev() {
        *slot = ALPHABET[(v & 31) as usize];
        v >>= 5;
    }
    out.iter().map(|&b| char::from(b)).collect()
}

/// Checks that `s` is `<prefix>_<body>` with a well-formed body.
pub fn is_valid(prefix: &str, s: &str) -> bool {
    let Some(body) = s.strip_prefix(prefix).and_then(|r| r.strip_prefix('_')) else {
        return false;
    };
    body.len() == BODY_LEN
        && body.bytes().all(|b| ALPHABET.contains(&b))
        // 26 chars carry 130 bits; the top two must be zero for a 128-bit value.
        && body.as_bytes()[0] <= b'7'
}

/// Hands out id parts (milliseconds, 80 random bits) that sort in the order
/// they were handed out, even within one millisecond or when the clock steps
/// back (ULID's monotonic mode): a later id's random part is the earlier's
/// plus one. Without it, two rows written in the same millisecond (or on a
/// stopped test clock) would order by chance, and "the latest" with them.
#[derive(Debug, Default)]
pub struct Monotonic {
    last: Option<(u64, u128)>,
}

impl Monotonic {
    /// The parts of the next id, given the clock now and fresh randomness.
    pub fn next(&mut self, unix_ms: u64, random: u128) -> (u64, u128) {
        const MAX: u128 = (1 << 80) - 1;
        let next = match self.last {
            Some((ms, r)) if unix_ms <= ms && r < MAX => (ms, r + 1),
            Some((ms, _)) if unix_ms <= ms => (ms + 1, random & MAX),
            _ => (unix_ms, random & MAX),
        };
        self.last = Some(next);
        next
    }
}

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The prefix every id of this type starts with.
            pub const PREFIX: &'static str = $prefix;

            /// Parses and checks an id from outside.
            pub fn parse(s: &str) -> Result<Self, String> {
                if is_valid($prefix, s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(format!("not a valid {} id (expected {}_…)", stringify!($name), $prefix))
                }
            }

            /// Builds an id from its parts (the server supplies time and randomness).
            pub fn from_parts(unix_ms: u64, random: u128) -> Self {
                Self(format!("{}_{}", $prefix, encode_body(unix_ms, random)))
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

typed_id!(/// An organisation (the operator or a tenant).
    OrgId, "org");
typed_id!(/// A user account.
    UserId, "usr");
typed_id!(/// A machine API key.
    ApiKeyId, "key");
typed_id!(/// An audit-log entry.
    AuditId, "aud");
typed_id!(/// A call to the Attestation API (its receipt has the same id).
    VerificationId, "ver");
typed_id!(/// One of the portal's receipt-signing keys.
    ReceiptKeyId, "rk");
typed_id!(/// A trusted root added by an admin.
    TrustedRootId, "root");
typed_id!(/// A tenant's stored artifact-signing public key.
    SigningKeyId, "skey");
typed_id!(/// A tenant's named verification policy.
    PolicyId, "pol");
typed_id!(/// An uploaded evidence pack.
    PackId, "pack");
typed_id!(/// A metered usage event.
    UsageEventId, "evt");
typed_id!(/// A version of a unit price.
    PriceId, "price");
typed_id!(/// An issued invoice.
    InvoiceId, "inv");
typed_id!(/// A repository known to the portal.
    RepoId, "repo");
typed_id!(/// A policy bundle upload.
    PolicyBundleId, "pb");
typed_id!(/// A drill run (key or keyless rotation, restore).
    DrillId, "drill");
typed_id!(/// An alert.
    AlertId, "alert");
typed_id!(/// An onboarding invitation.
    InvitationId, "invite");
typed_id!(/// An onboarding session (one per invitation).
    OnboardingId, "onb");
typed_id!(/// An onboarding telemetry event.
    OnboardingEventId, "obe");
typed_id!(/// A tenant's webhook endpoint.
    WebhookEndpointId, "ep");
typed_id!(/// A webhook message: its id is the `webhook-id`, the same on every attempt.
    WebhookMessageId, "msg");
typed_id!(/// An audit engagement.
    EngagementId, "eng");
typed_id!(/// An invitation of an auditor to an engagement.
    AuditInvitationId, "ainv");
typed_id!(/// A click-wrap NDA acceptance.
    NdaAcceptanceId, "nda");
typed_id!(/// One auditor view or download in the access log.
    AccessLogId, "acc");
typed_id!(/// An evidence request.
    RequestId, "req");
typed_id!(/// A sample drawn from a population.
    SampleId, "smp");
typed_id!(/// A finding.
    FindingId, "fnd");
typed_id!(/// A comment in a finding's or request's thread.
    CommentId, "cmt");
typed_id!(/// One version of a decision.
    DecisionId, "dec");
typed_id!(/// A manual checklist item.
    ChecklistItemId, "chk");
typed_id!(/// A document (DPA, DPIA, evidence).
    DocumentId, "doc");
typed_id!(/// A vendor attestation.
    VendorAttestationId, "vatt");
typed_id!(/// An auditor's answer to a sign-off pack.
    AcceptanceId, "acpt");
typed_id!(/// An org workflow identity that may sign policy bundles keylessly.
    KeylessSignerId, "pks");
typed_id!(/// A per-repository policy signer override.
    SignerOverrideId, "pso");
typed_id!(/// One probe of the portal from outside its serving process.
    ProbeId, "prb");

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn roundtrips_through_parse(ms in 0u64..(1u64 << 48), r in any::<u128>()) {
            let id = OrgId::from_parts(ms, r);
            prop_assert_eq!(OrgId::parse(id.as_str()), Ok(id.clone()));
            prop_assert!(UserId::parse(id.as_str()).is_err(), "prefix must be checked");
        }

        #[test]
        fn sorts_by_time(a in 0u64..(1u64 << 48), b in 0u64..(1u64 << 48), r1 in any::<u128>(), r2 in any::<u128>()) {
            prop_assume!(a != b);
            let (x, y) = (OrgId::from_parts(a, r1), OrgId::from_parts(b, r2));
            prop_assert_eq!(a < b, x < y);
        }

        #[test]
        fn monotonic_ids_sort_in_the_order_handed_out(
            steps in proptest::collection::vec((0u64..1_000, any::<u128>()), 1..50),
        ) {
            let mut ids = Monotonic::default();
            let mut previous: Option<OrgId> = None;
            for (ms, random) in steps {
                // Few distinct milliseconds, some going back: ties and steps back happen.
                let (at, r) = ids.next(1_000_000 + ms / 100, random);
                let id = OrgId::from_parts(at, r);
                if let Some(p) = &previous {
                    prop_assert!(p < &id, "{p:?} then {id:?}");
                }
                previous = Some(id);
            }
        }

        #[test]
        fn parse_never_panics(s in ".{0,40}") {
            let _ = UserId::parse(&s);
        }
    }

    #[test]
    fn a_full_millisecond_moves_to_the_next() {
        let mut ids = Monotonic::default();
        let max = (1u128 << 80) - 1;
        assert_eq!(ids.next(7, max), (7, max));
        assert_eq!(ids.next(7, 5), (8, 5));
        assert_eq!(ids.next(3, 9), (8, 6), "a clock stepping back keeps the order");
    }

    #[test]
    fn rejects_wrong_length_and_alphabet() {
        assert!(OrgId::parse("org_").is_err());
        assert!(OrgId::parse("org_0000000000000000000000000u").is_err());
        assert!(OrgId::parse("org_8zzzzzzzzzzzzzzzzzzzzzzzzz").is_err());
        assert!(OrgId::parse(&format!("org_{}", "0".repeat(26))).is_ok());
    }
}
