//! Signed receipts: every successful verification gets a small in-toto
//! statement with a SLSA verification-summary (VSA) style predicate, signed by
//! the portal's own Ed25519 key in a DSSE envelope.
//!
//! The key id (`rk_…`) is the envelope's `keyid`; the public keys, current and
//! retired, are published at [`WELL_KNOWN_PATH`]. Rotation creates a new key
//! and retires the old one, which keeps verifying the receipts it signed.

use crate::domain::ids::ReceiptKeyId;
use crate::ssr::store::{Db, ReceiptKeyRow, StoreError};
use crate::ssr::verification::dsse::{Envelope, IN_TOTO_PAYLOAD_TYPE};
use crate::ssr::verification::engine::{Reason, VerificationError, fail, key_id};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{Ed25519KeyPair, KeyPair};
use base64::Engine;
use serde::Serialize;
use serde_json::{Value, json};
use sigstore_verify::types::DerPublicKey;
use std::sync::Arc;
use tokio::sync::RwLock;

/// Where the portal publishes its receipt keys.
pub const WELL_KNOWN_PATH: &str = "/.well-known/trust-portal/receipt-keys.json";
/// The predicate type of receipts.
pub const PREDICATE_TYPE: &str = "https://slsa.dev/verification_summary/v1";
/// The verifier id named in receipts.
pub const VERIFIER_ID: &str = "https://trust-portal.dev/verifier/attestation-api";

/// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410), before the 32 key bytes.
const ED25519_SPKI_PREFIX: [u8; 12] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];

/// The key that signs new receipts.
pub struct ReceiptSigner {
    id: String,
    pair: Ed25519KeyPair,
}

impl std::fmt::Debug for ReceiptSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiptSigner").field("id", &self.id).finish_non_exhaustive()
    }
}

impl ReceiptSigner {
    fn from_row(row: &ReceiptKeyRow) -> Result<Self, StoreError> {
        let der = base64::engine::general_purpose::STANDARD
            .decode(&row.private_pkcs8)
            .map_err(|_| StoreError::Corrupt(format!("receipt key {} is not base64", row.id)))?;
        let pair = Ed25519KeyPair::from_pkcs8(&der)
            .map_err(|_| StoreError::Corrupt(format!("receipt key {} is not an Ed25519 PKCS#8 key", row.id)))?;
        Ok(Self { id: row.id.clone(), pair })
    }

    /// The key id (`rk_…`).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Signs a receipt statement.
    pub fn sign(&self, statement: &[u8]) -> Envelope {
        self.sign_as(IN_TOTO_PAYLOAD_TYPE, statement)
    }

    /// Signs any payload of `payload_type` (the portal's signed packs). Ed25519
    /// signatures are deterministic: the same key and payload give the same bytes.
    pub fn sign_as(&self, payload_type: &str, payload: &[u8]) -> Envelope {
        Envelope::sign(payload_type, payload, &self.id, |m| self.pair.sign(m).as_ref().to_vec())
    }

    /// A signer with a fresh key and its PEM public key, for unit tests.
    #[cfg(test)]
    pub(crate) fn throwaway(id: &str) -> (Self, String) {
        let row = generate(id.to_owned(), 0).unwrap_or_else(|e| panic!("{e}"));
        let signer = Self::from_row(&row).unwrap_or_else(|e| panic!("{e}"));
        (signer, row.public_key_pem)
    }
}

/// A new Ed25519 key as a row to store.
fn generate(id: String, now_ms: i64) -> Result<ReceiptKeyRow, StoreError> {
    let doc = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
        .map_err(|_| StoreError::Corrupt("cannot generate an Ed25519 key".into()))?;
    let pair = Ed25519KeyPair::from_pkcs8(doc.as_ref())
        .map_err(|_| StoreError::Corrupt("generated key does not load".into()))?;
    let mut spki = ED25519_SPKI_PREFIX.to_vec();
    spki.extend_from_slice(pair.public_key().as_ref());
    Ok(ReceiptKeyRow {
        id,
        public_key_pem: DerPublicKey::new(spki).to_pem(),
        private_pkcs8: base64::engine::general_purpose::STANDARD.encode(doc.as_ref()),
        created_at: now_ms,
        retired_at: None,
    })
}

/// The current signer, loaded from the database on first use and reloaded
/// after a rotation (by this process, or by another one on the next reload).
#[derive(Debug, Default)]
pub struct ReceiptKeys {
    current: RwLock<Option<Arc<ReceiptSigner>>>,
}

impl ReceiptKeys {
    /// The signer, creating the first key if the database has none.
    pub async fn signer(&self, db: &Db, now_ms: i64, new_id: ReceiptKeyId) -> Result<Arc<ReceiptSigner>, StoreError> {
        if let Some(s) = self.current.read().await.as_ref() {
            return Ok(s.clone());
        }
        let mut slot = self.current.write().await;
        if let Some(s) = slot.as_ref() {
            return Ok(s.clone());
        }
        let signer = match db.receipt_keys().await?.iter().find(|k| k.retired_at.is_none()) {
            Some(row) => ReceiptSigner::from_row(row)?,
            None => {
                let row = generate(new_id.to_string(), now_ms)?;
                db.insert_receipt_key(&row).await?;
                ReceiptSigner::from_row(&row)?
            }
        };
        let signer = Arc::new(signer);
        *slot = Some(signer.clone());
        Ok(signer)
    }

    /// Forgets the cached signer so the next use reads the newest key.
    pub async fn reload(&self) {
        *self.current.write().await = None;
    }

    /// Creates a new key, retires the others, and makes it the signer.
    pub async fn rotate(&self, db: &Db, now_ms: i64, new_id: ReceiptKeyId) -> Result<String, StoreError> {
        let row = generate(new_id.to_string(), now_ms)?;
        db.insert_receipt_key(&row).await?;
        db.retire_receipt_keys_except(&row.id, now_ms).await?;
        let signer = Arc::new(ReceiptSigner::from_row(&row)?);
        *self.current.write().await = Some(signer);
        Ok(row.id)
    }
}

/// A published receipt key.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct PublishedKey {
    /// The `keyid` receipts name.
    pub keyid: String,
    /// Always `ed25519`.
    pub algorithm: String,
    /// PEM public key.
    pub public_key_pem: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// When it stopped signing new receipts (RFC 3339), if it did.
    pub retired_at: Option<String>,
}

/// The published key set (the well-known document).
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct KeySet {
    /// Every receipt key, newest first.
    pub keys: Vec<PublishedKey>,
}

/// The key set from the database (public halves only).
pub async fn key_set(db: &Db) -> Result<KeySet, StoreError> {
    let keys = db
        .receipt_keys()
        .await?
        .into_iter()
        .map(|k| PublishedKey {
            keyid: k.id,
            algorithm: "ed25519".into(),
            public_key_pem: k.public_key_pem,
            created_at: crate::ssr::clock::rfc3339(k.created_at),
            retired_at: k.retired_at.map(crate::ssr::clock::rfc3339),
        })
        .collect();
    Ok(KeySet { keys })
}

/// What a receipt records about a successful verification.
#[derive(Debug)]
pub struct ReceiptFacts<'a> {
    /// The verification id (also the receipt id).
    pub id: &'a str,
    /// The tenant.
    pub tenant: &'a str,
    /// `cosign_blob`, `sigstore_bundle` or `in_toto`.
    pub kind: &'a str,
    /// The verified result.
    pub verified: &'a crate::ssr::verification::engine::Verified,
    /// The policy applied (rules and names), as JSON.
    pub policy: &'a Value,
    /// Every rule that was checked and passed ([`crate::ssr::verification::attestation::rules_checked`]).
    pub rules_checked: &'a Value,
    /// The trusted root's name, for bundles.
    pub trusted_root: Option<&'a str>,
    /// Verification time (ms).
    pub time_ms: i64,
}

/// The receipt statement (in-toto v1 with a VSA-style predicate).
pub fn statement(f: &ReceiptFacts<'_>) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    let policy_digest = hex::encode(Sha256::digest(f.policy.to_string().as_bytes()));
    let statement = json!({
        "_type": "https://in-toto.io/Statement/v1",
        "subject": [{"name": format!("sha256:{}", f.verified.subject_sha256), "digest": {"sha256": f.verified.subject_sha256}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": {
            "verifier": {"id": VERIFIER_ID, "version": {
                "trust-portal": env!("CARGO_PKG_VERSION"),
                "sigstore-verify": "0.15.1",
            }},
            "timeVerified": crate::ssr::clock::rfc3339(f.time_ms),
            "resourceUri": format!("sha256:{}", f.verified.subject_sha256),
            "policy": {"uri": "trust-portal:policy", "digest": {"sha256": policy_digest}, "rules": f.policy},
            "verificationResult": "PASSED",
            "receiptId": f.id,
            "tenant": f.tenant,
            "kind": f.kind,
            "signer": f.verified.signer,
            "trustedRoot": f.trusted_root,
            "checks": f.verified.checks,
            "rulesChecked": f.rules_checked,
            "statement": f.verified.statement,
        }
    });
    serde_json::to_vec(&statement).unwrap_or_default()
}

/// A receipt that verified: its statement and the key that signed it.
#[derive(Debug, Clone, Serialize)]
pub struct CheckedReceipt {
    /// The receipt key id that signed.
    pub keyid: String,
    /// The receipt statement.
    pub statement: Value,
}

/// Published keys as [`verify_signed`] takes them: `(keyid, PEM)` pairs.
pub type PublishedKeys = Vec<(Option<String>, String)>;

/// The keys of a published key set file (the well-known document, or one PEM public key).
pub fn keys_from_text(text: &str) -> Result<PublishedKeys, String> {
    match serde_json::from_str::<Value>(text) {
        Ok(set) => Ok(set["keys"]
            .as_array()
            .ok_or_else(|| "the key file is JSON but has no \"keys\" list".to_owned())?
            .iter()
            .filter_map(|k| Some((k["keyid"].as_str().map(str::to_owned), k["public_key_pem"].as_str()?.to_owned())))
            .collect()),
        Err(_) => Ok(vec![(None, text.to_owned())]),
    }
}

/// Verifies an envelope the portal signed, offline, against published keys
/// (PEM, with an optional `keyid` each): its payload type must be
/// `payload_type`. A keyed envelope is checked with the key of that id when
/// the set names one; otherwise every key is tried. Returns the key id that
/// verified and the payload.
pub fn verify_signed(
    envelope_json: &str,
    keys: &[(Option<String>, String)],
    payload_type: &str,
) -> Result<(String, Vec<u8>), VerificationError> {
    let envelope = Envelope::from_json(envelope_json)?;
    if envelope.payload_type != payload_type {
        return Err(fail(
            Reason::MalformedEnvelope,
            format!("payloadType is {:?}, expected {payload_type}", envelope.payload_type),
        ));
    }
    let hinted = envelope.signatures.first().map(|s| s.keyid.clone()).unwrap_or_default();
    let candidates: Vec<&(Option<String>, String)> =
        match keys.iter().filter(|(id, _)| id.as_deref() == Some(&hinted)).count() {
            0 => keys.iter().collect(),
            _ => keys.iter().filter(|(id, _)| id.as_deref() == Some(&hinted)).collect(),
        };
    for (id, pem) in candidates {
        let key = crate::ssr::verification::engine::parse_key(pem)?;
        if let Ok(payload) = envelope.verify(&key) {
            return Ok((id.clone().unwrap_or_else(|| key_id(&key)), payload));
        }
    }
    Err(fail(Reason::SignatureMismatch, "the signature does not verify with the portal's published keys"))
}

/// Verifies a receipt envelope offline against published keys (see [`verify_signed`]).
pub fn verify_receipt(
    envelope_json: &str,
    keys: &[(Option<String>, String)],
) -> Result<CheckedReceipt, VerificationError> {
    let (keyid, payload) = verify_signed(envelope_json, keys, IN_TOTO_PAYLOAD_TYPE).map_err(|e| match e.reason {
        Reason::SignatureMismatch => {
            fail(Reason::SignatureMismatch, "the receipt's signature does not verify with the portal's keys")
        }
        _ => e,
    })?;
    let statement: Value = serde_json::from_slice(&payload)
        .map_err(|e| fail(Reason::MalformedEnvelope, format!("receipt statement: {e}")))?;
    if statement["predicateType"] != PREDICATE_TYPE {
        return Err(fail(Reason::MalformedEnvelope, "not a Trust Portal receipt (predicateType)"));
    }
    Ok(CheckedReceipt { keyid, statement })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::verification::engine::{Signer, Verified};

    fn verified() -> Verified {
        Verified {
            subject_sha256: "ab".repeat(32),
            signer: Signer::Key { key_id: "sha256:00".into() },
            checks: vec!["signature matches"],
            statement: None,
        }
    }

    #[test]
    fn receipt_verifies_with_its_key_and_fails_when_edited() {
        let row = generate("rk_test".into(), 0).expect("key");
        let signer = ReceiptSigner::from_row(&row).expect("loads");
        let v = verified();
        let policy = json!({"key": "release"});
        let facts = ReceiptFacts {
            id: "ver_1",
            tenant: "org_1",
            kind: "cosign_blob",
            verified: &v,
            policy: &policy,
            rules_checked: &json!([{"rule": "signature", "result": "passed"}]),
            trusted_root: None,
            time_ms: 1_700_000_000_000,
        };
        let env = signer.sign(&statement(&facts));
        let json = serde_json::to_string(&env).expect("json");
        let keys = vec![(Some(row.id.clone()), row.public_key_pem.clone())];
        let ok = verify_receipt(&json, &keys).expect("verifies");
        assert_eq!(ok.keyid, "rk_test");
        assert_eq!(ok.statement["predicate"]["receiptId"], "ver_1");
        assert_eq!(ok.statement["subject"][0]["digest"]["sha256"], "ab".repeat(32));

        let mut edited: Value = serde_json::from_str(&json).expect("json");
        let forged = String::from_utf8(statement(&ReceiptFacts { tenant: "org_2", ..facts })).expect("utf8");
        edited["payload"] = Value::String(base64::engine::general_purpose::STANDARD.encode(forged));
        let err = verify_receipt(&edited.to_string(), &keys).unwrap_err();
        assert_eq!(err.reason, Reason::SignatureMismatch);

        let other = generate("rk_other".into(), 0).expect("key");
        let err = verify_receipt(&json, &[(Some(other.id), other.public_key_pem)]).unwrap_err();
        assert_eq!(err.reason, Reason::SignatureMismatch);
    }

    /// The browser's checker (ed25519-dalek, pure Rust) reads what this
    /// server signed (aws-lc), and refuses an edited receipt or another key.
    #[test]
    fn the_browser_checker_verifies_what_the_server_signed() {
        use crate::domain::receipt_check::{ReceiptProblem, check_receipt};
        let (signer, pem) = ReceiptSigner::throwaway("rk_browser");
        let v = verified();
        let facts = ReceiptFacts {
            id: "ver_7",
            tenant: "org_9",
            kind: "cosign_blob",
            verified: &v,
            policy: &json!({}),
            rules_checked: &json!([]),
            trusted_root: None,
            time_ms: 1_700_000_000_000,
        };
        let envelope = serde_json::to_string(&signer.sign(&statement(&facts))).expect("json");
        let key = |id: &str, pem: &str, retired: Option<&str>| json!({"keyid": id, "algorithm": "ed25519", "public_key_pem": pem, "created_at": "2026-01-01T00:00:00Z", "retired_at": retired});
        let set = json!({"keys": [key("rk_browser", &pem, Some("2026-02-01T00:00:00Z"))]}).to_string();
        let read = check_receipt(&envelope, &set).expect("verifies");
        assert_eq!(read.receipt_id, "ver_7");
        assert_eq!(read.tenant, "org_9");
        assert_eq!(read.subject_sha256, "ab".repeat(32));
        assert_eq!(read.result, "PASSED");
        assert_eq!(read.checks, vec!["signature matches".to_owned()]);
        assert_eq!(read.key_retired_at.as_deref(), Some("2026-02-01T00:00:00Z"));

        let mut edited: Value = serde_json::from_str(&envelope).expect("json");
        let forged = statement(&ReceiptFacts { tenant: "org_2", ..facts });
        edited["payload"] = Value::String(base64::engine::general_purpose::STANDARD.encode(forged));
        assert_eq!(check_receipt(&edited.to_string(), &set), Err(ReceiptProblem::Signature("rk_browser".into())));

        let (_, other_pem) = ReceiptSigner::throwaway("rk_other");
        let wrong = json!({"keys": [key("rk_browser", &other_pem, None)]}).to_string();
        assert_eq!(check_receipt(&envelope, &wrong), Err(ReceiptProblem::Signature("rk_browser".into())));
        let p256 = crate::domain::verify_form::EXAMPLES[0].public_key;
        let not_ed = json!({"keys": [key("rk_browser", p256, None)]}).to_string();
        assert_eq!(check_receipt(&envelope, &not_ed), Err(ReceiptProblem::BadKey("rk_browser".into())));
    }
}
