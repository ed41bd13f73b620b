//! Signed webhooks in the Standard Webhooks scheme: headers `webhook-id`,
//! `webhook-timestamp` (Unix seconds) and `webhook-signature`
//! (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">` with the secret's bytes;
//! several space-separated signatures while a secret rotates). Deliveries also
//! carry the sprint plan's `X-Topicality-Signature` with the same value.
//! [`verify`] is the receiving side (tests and the portal's own receivers).

use aws_lc_rs::hmac;
use base64::Engine;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
/// The secret prefix of the scheme.
pub const SECRET_PREFIX: &str = "whsec_";
/// Receivers refuse timestamps further than this from their clock (seconds).
pub const TOLERANCE_S: i64 = 300;
/// The sprint plan's legacy header, sent alongside with the same value.
pub const LEGACY_SIGNATURE_HEADER: &str = "X-Topicality-Signature";

/// A signing secret (`whsec_` + base64 of 24-64 random bytes).
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)") // never logged
    }
}

/// Why a webhook was refused or a secret is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The secret is not `whsec_` + base64.
    #[error("the secret must be whsec_ followed by base64")]
    BadSecret,
    /// A required header is missing.
    #[error("missing header {0}")]
    MissingHeader(&'static str),
    /// The timestamp is not a number or too far from now.
    #[error("timestamp outside the {TOLERANCE_S} s tolerance or malformed")]
    BadTimestamp,
    /// No `v1` signature matches.
    #[error("no signature matches")]
    NoMatch,
}

impl Secret {
    /// Parses `whsec_…` (the prefix is optional, as in the reference libraries).
    pub fn parse(text: &str) -> Result<Self, WebhookError> {
        let b64 = text.trim().strip_prefix(SECRET_PREFIX).unwrap_or(text.trim());
        let bytes = B64.decode(b64).map_err(|_| WebhookError::BadSecret)?;
        if bytes.is_empty() {
            return Err(WebhookError::BadSecret);
        }
        Ok(Self(bytes))
    }

    /// A new random secret, as `whsec_…` text (shown once).
    pub fn generate() -> String {
        let bytes: [u8; 32] = rand::random();
        format!("{SECRET_PREFIX}{}", B64.encode(bytes))
    }

    /// `v1,<base64 signature>` of one message.
    pub fn sign(&self, id: &str, timestamp: i64, body: &[u8]) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.0);
        let mut ctx = hmac::Context::with_key(&key);
        ctx.update(id.as_bytes());
        ctx.update(b".");
        ctx.update(timestamp.to_string().as_bytes());
        ctx.update(b".");
        ctx.update(body);
        format!("v1,{}", B64.encode(ctx.sign().as_ref()))
    }

    fn matches(&self, id: &str, timestamp: i64, body: &[u8], signature_b64: &str) -> bool {
        let Ok(sig) = B64.decode(signature_b64) else { return false };
        let key = hmac::Key::new(hmac::HMAC_SHA256, &self.0);
        let msg = [id.as_bytes(), b".", timestamp.to_string().as_bytes(), b".", body].concat();
        hmac::verify(&key, &msg, &sig).is_ok() // constant time
    }
}

/// The `webhook-signature` value: one `v1` signature per secret (several during a rotation).
pub fn signature_header(secrets: &[Secret], id: &str, timestamp: i64, body: &[u8]) -> String {
    secrets.iter().map(|s| s.sign(id, timestamp, body)).collect::<Vec<_>>().join(" ")
}

/// Checks a received webhook: all three headers present, the timestamp within
/// [`TOLERANCE_S`] of `now_s`, and at least one `v1` signature that matches.
pub fn verify(
    secret: &Secret,
    id: Option<&str>,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now_s: i64,
) -> Result<(), WebhookError> {
    let id = id.ok_or(WebhookError::MissingHeader("webhook-id"))?;
    let ts = timestamp.ok_or(WebhookError::MissingHeader("webhook-timestamp"))?;
    let sigs = signature.ok_or(WebhookError::MissingHeader("webhook-signature"))?;
    let ts: i64 = ts.trim().parse().map_err(|_| WebhookError::BadTimestamp)?;
    if (now_s - ts).abs() > TOLERANCE_S {
        return Err(WebhookError::BadTimestamp);
    }
    let ok = sigs
        .split(' ')
        .filter_map(|part| part.split_once(','))
        .any(|(version, sig)| version == "v1" && secret.matches(id, ts, body, sig));
    if ok { Ok(()) } else { Err(WebhookError::NoMatch) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_round_trip_and_rotation() {
        let (a, b) = (Secret::parse(&Secret::generate()).unwrap(), Secret::parse(&Secret::generate()).unwrap());
        let header = signature_header(&[a.clone(), b.clone()], "msg_1", 1_700_000_000, b"{}");
        assert_eq!(header.split(' ').count(), 2);
        for s in [&a, &b] {
            assert_eq!(verify(s, Some("msg_1"), Some("1700000000"), Some(&header), b"{}", 1_700_000_000), Ok(()));
        }
        let other = Secret::parse(&Secret::generate()).unwrap();
        assert_eq!(
            verify(&other, Some("msg_1"), Some("1700000000"), Some(&header), b"{}", 1_700_000_000),
            Err(WebhookError::NoMatch)
        );
        assert_eq!(format!("{a:?}"), "Secret(…)", "secrets never reach logs");
        assert!(Secret::parse("whsec_***").is_err());
    }
}
