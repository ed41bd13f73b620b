//! Re-verifying a receipt without the server: pure Rust (Ed25519 from
//! `ed25519-dalek`), so the Verify page runs it in the browser, compiled to
//! wasm, against the published receipt key set and makes no server call.
//!
//! It is a second, independent implementation of what the server signs with
//! its own crypto library (aws-lc); the tests check one against the other.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::Value;

/// The payload type of receipts (in-toto statements).
const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";
/// The predicate type of receipts.
const RECEIPT_PREDICATE: &str = "https://slsa.dev/verification_summary/v1";
/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
const ED25519_SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// One key of the published set (`/.well-known/trust-portal/receipt-keys.json`).
#[derive(Debug, Clone, Deserialize)]
struct PublishedKey {
    keyid: String,
    algorithm: String,
    public_key_pem: String,
    #[serde(default)]
    retired_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct KeySet {
    keys: Vec<PublishedKey>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Envelope {
    payload_type: String,
    payload: String,
    signatures: Vec<EnvelopeSignature>,
}

#[derive(Debug, Deserialize)]
struct EnvelopeSignature {
    #[serde(default)]
    keyid: String,
    sig: String,
}

/// A receipt whose signature verified, in the words the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadReceipt {
    /// The receipt key that signed it (`rk_…`).
    pub keyid: String,
    /// When that key stopped signing new receipts, if it did.
    pub key_retired_at: Option<String>,
    /// The receipt id (`ver_…`).
    pub receipt_id: String,
    /// The tenant it was issued to.
    pub tenant: String,
    /// `cosign_blob`, `sigstore_bundle` or `in_toto`.
    pub kind: String,
    /// The verified artifact's SHA-256.
    pub subject_sha256: String,
    /// When the portal verified it (RFC 3339).
    pub time_verified: String,
    /// `PASSED`.
    pub result: String,
    /// The checks the portal ran and passed, as the receipt lists them.
    pub checks: Vec<String>,
}

/// Why a receipt did not verify, in words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiptProblem {
    /// The key set is not the published document.
    #[error("The key set is not a receipt key set (JSON with a \"keys\" list).")]
    KeySet,
    /// Nothing was given.
    #[error("Paste a receipt or choose its file.")]
    Empty,
    /// The receipt is not a DSSE envelope.
    #[error("This is not a receipt: {0}.")]
    NotEnvelope(String),
    /// The signing key is not in the set.
    #[error("The receipt names key {0}, which is not in this key set.")]
    UnknownKey(String),
    /// The published key is not an Ed25519 key.
    #[error("Key {0} in the key set is not an Ed25519 public key.")]
    BadKey(String),
    /// The signature does not verify.
    #[error("The signature does not verify with key {0}: the receipt was changed or not signed by this portal.")]
    Signature(String),
    /// The signed statement is not a receipt.
    #[error("The signature verifies, but the signed statement is not a Trust Portal receipt: {0}.")]
    NotReceipt(String),
}

/// Verifies a receipt (a DSSE envelope, JSON) against a key set (the
/// published document, JSON): the Ed25519 signature over the envelope's PAE
/// with the key the envelope names, then the statement's shape.
pub fn check_receipt(envelope_json: &str, key_set_json: &str) -> Result<ReadReceipt, ReceiptProblem> {
    if envelope_json.trim().is_empty() {
        return Err(ReceiptProblem::Empty);
    }
    let set: KeySet = serde_json::from_str(key_set_json).map_err(|_| ReceiptProblem::KeySet)?;
    let envelope: Envelope = serde_json::from_str(envelope_json.trim()).map_err(|_| {
        ReceiptProblem::NotEnvelope("it is not a DSSE envelope (JSON with payloadType, payload and signatures)".into())
    })?;
    if envelope.payload_type != PAYLOAD_TYPE {
        return Err(ReceiptProblem::NotEnvelope(format!("its payload type is {:?}", envelope.payload_type)));
    }
    let signature =
        envelope.signatures.first().ok_or_else(|| ReceiptProblem::NotEnvelope("it has no signature".into()))?;
    let key = set
        .keys
        .iter()
        .find(|k| k.keyid == signature.keyid)
        .ok_or_else(|| ReceiptProblem::UnknownKey(signature.keyid.clone()))?;
    let verifying = ed25519_key(key).ok_or_else(|| ReceiptProblem::BadKey(key.keyid.clone()))?;
    let payload = STANDARD
        .decode(envelope.payload.trim())
        .map_err(|_| ReceiptProblem::NotEnvelope("its payload is not base64".into()))?;
    let sig = STANDARD
        .decode(signature.sig.trim())
        .ok()
        .and_then(|b| ed25519_dalek::Signature::from_slice(&b).ok())
        .ok_or_else(|| ReceiptProblem::Signature(key.keyid.clone()))?;
    verifying
        .verify_strict(&pae(PAYLOAD_TYPE, &payload), &sig)
        .map_err(|_| ReceiptProblem::Signature(key.keyid.clone()))?;
    read_statement(&payload, key)
}

/// `DSSEv1 <len> <type> <len> <body>`: the bytes a DSSE signature covers.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let mut out = format!("DSSEv1 {} {} {} ", payload_type.len(), payload_type, payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out
}

/// The Ed25519 key of a published PEM SubjectPublicKeyInfo.
fn ed25519_key(key: &PublishedKey) -> Option<ed25519_dalek::VerifyingKey> {
    if key.algorithm != "ed25519" {
        return None;
    }
    let body: String = key.public_key_pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body.trim()).ok()?;
    let raw: [u8; 32] = der.strip_prefix(&ED25519_SPKI_PREFIX)?.try_into().ok()?;
    ed25519_dalek::VerifyingKey::from_bytes(&raw).ok()
}

fn read_statement(payload: &[u8], key: &PublishedKey) -> Result<ReadReceipt, ReceiptProblem> {
    let statement: Value =
        serde_json::from_slice(payload).map_err(|_| ReceiptProblem::NotReceipt("it is not JSON".into()))?;
    if statement["predicateType"] != RECEIPT_PREDICATE {
        return Err(ReceiptProblem::NotReceipt("its predicate type is not a verification summary".into()));
    }
    let p = &statement["predicate"];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    Ok(ReadReceipt {
        keyid: key.keyid.clone(),
        key_retired_at: key.retired_at.clone(),
        receipt_id: text(&p["receiptId"]),
        tenant: text(&p["tenant"]),
        kind: text(&p["kind"]),
        subject_sha256: text(&statement["subject"][0]["digest"]["sha256"]),
        time_verified: text(&p["timeVerified"]),
        result: text(&p["verificationResult"]),
        checks: p["checks"].as_array().map(|c| c.iter().map(text).collect()).unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_matches_the_dsse_spec_example() {
        // From the DSSE protocol document.
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
    }

    #[test]
    fn a_key_set_that_is_not_one_is_named() {
        assert_eq!(check_receipt("{}", "[]"), Err(ReceiptProblem::KeySet));
        let set = r#"{"keys":[]}"#;
        assert_eq!(check_receipt("  ", set), Err(ReceiptProblem::Empty));
        let not_json = check_receipt("not json", set).unwrap_err().to_string();
        assert!(
            not_json.contains("not a DSSE envelope") && !not_json.contains("line 1"),
            "no parser internals: {not_json}"
        );
        let env = r#"{"payloadType":"application/vnd.in-toto+json","payload":"e30=","signatures":[{"keyid":"rk_x","sig":"AA=="}]}"#;
        assert_eq!(check_receipt(env, set), Err(ReceiptProblem::UnknownKey("rk_x".into())));
    }
}
