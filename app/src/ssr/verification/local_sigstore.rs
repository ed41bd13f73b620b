//! A private Sigstore instance in memory: a certificate authority in Fulcio's
//! role (short-lived code-signing certificates that name a workflow identity
//! and its OIDC issuer), a certificate-transparency log (each certificate
//! embeds its signed certificate timestamp) and a transparency log in Rekor's
//! role (each signature is a `hashedrekord` entry with a signed entry
//! timestamp, an inclusion proof and a signed checkpoint). Its
//! [`LocalSigstore::trusted_root_json`] lists the three keys, so the bundles it
//! signs go through the same offline verifier as public-good ones, with every
//! check: chain, SCT, log entry, identity and issuer, signature.
//!
//! The portal uses it where it must make keyless signatures itself with no
//! network: the keyless rotation drill (a throwaway instance per run whose
//! keys vanish when the drill ends), the demo data and tests. Nothing here is
//! reachable over HTTP, and it signs at the wall-clock time, as a real
//! Fulcio and Rekor would (the verifier refuses log times in its future).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use sha2::{Digest, Sha256};
use sigstore_verify::crypto::KeyPair;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};
use x509_cert::der::asn1::{BitString, Ia5String, OctetString, Utf8StringRef};
use x509_cert::der::oid::ObjectIdentifier;
use x509_cert::der::oid::db::rfc5280;
use x509_cert::der::oid::db::rfc5912::ID_KP_CODE_SIGNING;
use x509_cert::der::{Decode, Encode};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};
use x509_cert::time::{Time, Validity};
use x509_cert::{Certificate, TbsCertificate};

/// Fulcio's OIDC-issuer extension (a DER UTF8String), as current Fulcio writes it.
const FULCIO_ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
/// RFC 6962's embedded SCT list extension.
const CT_PRECERT_SCTS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");
/// ecdsa-with-SHA256.
const ECDSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
/// How long a signing certificate is valid (Fulcio issues ten-minute certificates).
const LEAF_LIFETIME: Duration = Duration::from_secs(600);
/// How long the instance's CA certificate is valid.
const CA_LIFETIME: Duration = Duration::from_secs(10 * 365 * 86_400);

/// Why the instance could not be made or could not sign (a bug or a key failure, never bad input).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("local Sigstore: {0}")]
pub struct MintError(String);

fn mint_err(e: impl std::fmt::Display) -> MintError {
    MintError(e.to_string())
}

/// A private Sigstore instance: CA, CT log and transparency log keys, and the log's entries.
pub struct LocalSigstore {
    host: String,
    ca: KeyPair,
    ca_cert: Vec<u8>,
    ca_name: Name,
    ca_key_id: Vec<u8>,
    ct: KeyPair,
    log: KeyPair,
    started: SystemTime,
    /// The log's leaf hashes, in order.
    leaves: Mutex<Vec<[u8; 32]>>,
}

impl std::fmt::Debug for LocalSigstore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalSigstore").field("host", &self.host).finish_non_exhaustive()
    }
}

/// The SHA-256 of a public key (a log id, or the issuer key hash of an SCT).
fn key_hash(key: &KeyPair) -> Result<[u8; 32], MintError> {
    Ok(Sha256::digest(key.public_key_der().map_err(mint_err)?.as_bytes()).into())
}

fn spki(key: &KeyPair) -> Result<SubjectPublicKeyInfoOwned, MintError> {
    SubjectPublicKeyInfoOwned::from_der(key.public_key_der().map_err(mint_err)?.as_bytes()).map_err(mint_err)
}

fn extension(oid: ObjectIdentifier, critical: bool, value: &impl Encode) -> Result<Extension, MintError> {
    let der = value.to_der().map_err(mint_err)?;
    Ok(Extension { extn_id: oid, critical, extn_value: OctetString::new(der).map_err(mint_err)? })
}

fn rfc3339(t: SystemTime) -> String {
    let ms = t.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0));
    crate::ssr::clock::rfc3339(ms / 1000 * 1000)
}

fn pem(label: &str, der: &[u8]) -> String {
    let b64 = B64.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

impl LocalSigstore {
    /// A new instance with fresh keys; `name` (letters, digits, dashes) names its
    /// hosts in the trusted root (`{name}.sigstore.invalid`, never resolvable).
    pub fn new(name: &str) -> Result<Self, MintError> {
        let host = format!("{name}.sigstore.invalid");
        let ca = KeyPair::generate_ecdsa_p256().map_err(mint_err)?;
        let ct = KeyPair::generate_ecdsa_p256().map_err(mint_err)?;
        let log = KeyPair::generate_ecdsa_p256().map_err(mint_err)?;
        // A minute back, so a certificate issued this second is inside every window.
        let started = SystemTime::now() - Duration::from_secs(60);
        let ca_name = Name::from_str(&format!("CN={name}-ca,O=Trust Portal local Sigstore")).map_err(mint_err)?;
        let ca_key_id = key_hash(&ca)?[..20].to_vec();
        let tbs = TbsCertificate {
            version: x509_cert::Version::V3,
            serial_number: serial()?,
            signature: ecdsa_sha256(),
            issuer: ca_name.clone(),
            validity: Validity {
                not_before: Time::try_from(started).map_err(mint_err)?,
                not_after: Time::try_from(started + CA_LIFETIME).map_err(mint_err)?,
            },
            subject: ca_name.clone(),
            subject_public_key_info: spki(&ca)?,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(vec![
                extension(
                    rfc5280::ID_CE_BASIC_CONSTRAINTS,
                    true,
                    &BasicConstraints { ca: true, path_len_constraint: Some(0) },
                )?,
                extension(rfc5280::ID_CE_KEY_USAGE, true, &KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign))?,
                extension(
                    rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
                    false,
                    &SubjectKeyIdentifier(OctetString::new(ca_key_id.clone()).map_err(mint_err)?),
                )?,
            ]),
        };
        let ca_cert = sign_certificate(&ca, tbs)?;
        Ok(Self { host, ca, ca_cert, ca_name, ca_key_id, ct, log, started, leaves: Mutex::new(Vec::new()) })
    }

    /// The instance's `trusted_root.json`: its CA, CT log and transparency log.
    pub fn trusted_root_json(&self) -> Result<String, MintError> {
        let key = |k: &KeyPair| -> Result<serde_json::Value, MintError> {
            Ok(serde_json::json!({
                "rawBytes": B64.encode(k.public_key_der().map_err(mint_err)?.as_bytes()),
                "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                "validFor": { "start": rfc3339(self.started) },
            }))
        };
        let log = |url: String, k: &KeyPair| -> Result<serde_json::Value, MintError> {
            Ok(serde_json::json!({
                "baseUrl": url,
                "hashAlgorithm": "SHA2_256",
                "publicKey": key(k)?,
                "logId": { "keyId": B64.encode(key_hash(k)?) },
            }))
        };
        let root = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [log(format!("https://rekor.{}", self.host), &self.log)?],
            "certificateAuthorities": [{
                "subject": { "organization": "Trust Portal local Sigstore", "commonName": self.host },
                "uri": format!("https://fulcio.{}", self.host),
                "certChain": { "certificates": [{ "rawBytes": B64.encode(&self.ca_cert) }] },
                "validFor": { "start": rfc3339(self.started) },
            }],
            "ctlogs": [log(format!("https://ctfe.{}", self.host), &self.ct)?],
            "timestampAuthorities": [],
        });
        serde_json::to_string_pretty(&root).map_err(mint_err)
    }

    /// Signs `blob` keylessly as `identity` (a URI, or an e-mail address) from
    /// `issuer`: a fresh key, a certificate for it, the log entry. Returns a
    /// Sigstore bundle (v0.3, message signature) as JSON.
    pub fn sign_blob(&self, identity: &str, issuer: &str, blob: &[u8]) -> Result<String, MintError> {
        let now = SystemTime::now();
        let key = KeyPair::generate_ecdsa_p256().map_err(mint_err)?;
        let cert = self.issue(&key, identity, issuer, now)?;
        let signature = key.sign(blob).map_err(mint_err)?.as_bytes().to_vec();
        let digest: [u8; 32] = Sha256::digest(blob).into();
        let entry = self.log_entry(&cert, &signature, &digest, now)?;
        let bundle = serde_json::json!({
            "mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {
                "certificate": { "rawBytes": B64.encode(&cert) },
                "tlogEntries": [entry],
            },
            "messageSignature": {
                "messageDigest": { "algorithm": "SHA2_256", "digest": B64.encode(digest) },
                "signature": B64.encode(&signature),
            },
        });
        serde_json::to_string(&bundle).map_err(mint_err)
    }

    /// A Fulcio-style signing certificate for `key`, with its embedded SCT.
    fn issue(&self, key: &KeyPair, identity: &str, issuer: &str, now: SystemTime) -> Result<Vec<u8>, MintError> {
        let san = if identity.contains('@') && !identity.contains("://") {
            GeneralName::Rfc822Name(Ia5String::new(identity).map_err(mint_err)?)
        } else {
            GeneralName::UniformResourceIdentifier(Ia5String::new(identity).map_err(mint_err)?)
        };
        let key_id = key_hash(key)?[..20].to_vec();
        let mut tbs = TbsCertificate {
            version: x509_cert::Version::V3,
            serial_number: serial()?,
            signature: ecdsa_sha256(),
            issuer: self.ca_name.clone(),
            validity: Validity {
                not_before: Time::try_from(now - Duration::from_secs(1)).map_err(mint_err)?,
                not_after: Time::try_from(now + LEAF_LIFETIME).map_err(mint_err)?,
            },
            subject: Name::default(),
            subject_public_key_info: spki(key)?,
            issuer_unique_id: None,
            subject_unique_id: None,
            extensions: Some(vec![
                extension(rfc5280::ID_CE_KEY_USAGE, true, &KeyUsage(KeyUsages::DigitalSignature.into()))?,
                extension(rfc5280::ID_CE_EXT_KEY_USAGE, false, &ExtendedKeyUsage(vec![ID_KP_CODE_SIGNING]))?,
                extension(
                    rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER,
                    false,
                    &SubjectKeyIdentifier(OctetString::new(key_id).map_err(mint_err)?),
                )?,
                extension(
                    rfc5280::ID_CE_AUTHORITY_KEY_IDENTIFIER,
                    false,
                    &AuthorityKeyIdentifier {
                        key_identifier: Some(OctetString::new(self.ca_key_id.clone()).map_err(mint_err)?),
                        authority_cert_issuer: None,
                        authority_cert_serial_number: None,
                    },
                )?,
                // Fulcio certificates have no subject, so the SAN is critical (RFC 5280 §4.2.1.6).
                extension(rfc5280::ID_CE_SUBJECT_ALT_NAME, true, &SubjectAltName(vec![san]))?,
                extension(FULCIO_ISSUER_V2, false, &Utf8StringRef::new(issuer).map_err(mint_err)?)?,
            ]),
        };
        // The SCT signs the certificate as it is without the SCT list (RFC 6962 §3.2).
        let precert = tbs.to_der().map_err(mint_err)?;
        let sct_list = self.sct_list(&precert, now)?;
        if let Some(exts) = tbs.extensions.as_mut() {
            exts.push(extension(CT_PRECERT_SCTS, false, &OctetString::new(sct_list).map_err(mint_err)?)?);
        }
        sign_certificate(&self.ca, tbs)
    }

    /// A TLS-encoded `SignedCertificateTimestampList` with one SCT over `precert_tbs`.
    fn sct_list(&self, precert_tbs: &[u8], now: SystemTime) -> Result<Vec<u8>, MintError> {
        let ms = u64::try_from(now.duration_since(SystemTime::UNIX_EPOCH).map_err(mint_err)?.as_millis())
            .map_err(mint_err)?;
        let tbs_len = u32::try_from(precert_tbs.len()).map_err(mint_err)?.to_be_bytes();
        let mut signed = vec![0u8, 0u8]; // v1, certificate_timestamp
        signed.extend_from_slice(&ms.to_be_bytes());
        signed.extend_from_slice(&[0, 1]); // precert_entry
        signed.extend_from_slice(&key_hash(&self.ca)?);
        signed.extend_from_slice(&tbs_len[1..]); // u24 length
        signed.extend_from_slice(precert_tbs);
        signed.extend_from_slice(&[0, 0]); // no extensions
        let sig = self.ct.sign(&signed).map_err(mint_err)?.as_bytes().to_vec();
        let mut sct = vec![0u8]; // v1
        sct.extend_from_slice(&key_hash(&self.ct)?);
        sct.extend_from_slice(&ms.to_be_bytes());
        sct.extend_from_slice(&[0, 0]); // no extensions
        sct.extend_from_slice(&[4, 3]); // sha256, ecdsa
        sct.extend_from_slice(&u16::try_from(sig.len()).map_err(mint_err)?.to_be_bytes());
        sct.extend_from_slice(&sig);
        let item_len = u16::try_from(sct.len()).map_err(mint_err)?;
        let mut list = (item_len + 2).to_be_bytes().to_vec();
        list.extend_from_slice(&item_len.to_be_bytes());
        list.extend_from_slice(&sct);
        Ok(list)
    }

    /// Appends a `hashedrekord` entry to the log: the bundle's `tlogEntries` item.
    fn log_entry(
        &self,
        cert: &[u8],
        signature: &[u8],
        digest: &[u8; 32],
        now: SystemTime,
    ) -> Result<serde_json::Value, MintError> {
        // Keys in canonical (sorted) order, no white space, as Rekor stores it.
        let body = format!(
            r#"{{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{{"data":{{"hash":{{"algorithm":"sha256","value":"{}"}}}},"signature":{{"content":"{}","publicKey":{{"content":"{}"}}}}}}}}"#,
            hex::encode(digest),
            B64.encode(signature),
            B64.encode(pem("CERTIFICATE", cert)),
        );
        let leaf: [u8; 32] = Sha256::new().chain_update([0u8]).chain_update(body.as_bytes()).finalize().into();
        let (index, size, root, path) = {
            let mut leaves = self.leaves.lock().map_err(|_| MintError("log lock poisoned".into()))?;
            leaves.push(leaf);
            let index = leaves.len() - 1;
            (index, leaves.len(), merkle::root(&leaves), merkle::path(index, &leaves))
        };
        let integrated = now.duration_since(SystemTime::UNIX_EPOCH).map_err(mint_err)?.as_secs();
        let log_id = key_hash(&self.log)?;
        let body_b64 = B64.encode(body.as_bytes());
        // The signed entry timestamp: canonical JSON, keys sorted.
        let set_payload = format!(
            r#"{{"body":"{body_b64}","integratedTime":{integrated},"logID":"{}","logIndex":{index}}}"#,
            hex::encode(log_id)
        );
        let set = self.log.sign(set_payload.as_bytes()).map_err(mint_err)?;
        let origin = format!("{} - 1", self.host);
        let note = format!("{origin}\n{size}\n{}\n", B64.encode(root));
        let note_sig = self.log.sign(note.as_bytes()).map_err(mint_err)?;
        let signed_note = [&log_id[..4], note_sig.as_bytes()].concat();
        let checkpoint = format!("{note}\n\u{2014} {} {}\n", self.host, B64.encode(signed_note));
        Ok(serde_json::json!({
            "logIndex": index.to_string(),
            "logId": { "keyId": B64.encode(log_id) },
            "kindVersion": { "kind": "hashedrekord", "version": "0.0.1" },
            "integratedTime": integrated.to_string(),
            "inclusionPromise": { "signedEntryTimestamp": B64.encode(set.as_bytes()) },
            "inclusionProof": {
                "logIndex": index.to_string(),
                "rootHash": B64.encode(root),
                "treeSize": size.to_string(),
                "hashes": path.iter().map(|h| B64.encode(h)).collect::<Vec<_>>(),
                "checkpoint": { "envelope": checkpoint },
            },
            "canonicalizedBody": body_b64,
        }))
    }
}

fn ecdsa_sha256() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned { oid: ECDSA_WITH_SHA256, parameters: None }
}

/// A random positive 16-byte serial number.
fn serial() -> Result<SerialNumber, MintError> {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] = (bytes[0] & 0x7f) | 0x40;
    SerialNumber::new(&bytes).map_err(mint_err)
}

/// Signs `tbs` with `ca` (ECDSA P-256, SHA-256): the certificate's DER.
fn sign_certificate(ca: &KeyPair, tbs: TbsCertificate) -> Result<Vec<u8>, MintError> {
    let signature = ca.sign(&tbs.to_der().map_err(mint_err)?).map_err(mint_err)?;
    let cert = Certificate {
        tbs_certificate: tbs,
        signature_algorithm: ecdsa_sha256(),
        signature: BitString::from_bytes(signature.as_bytes()).map_err(mint_err)?,
    };
    cert.to_der().map_err(mint_err)
}

/// RFC 6962 Merkle tree hashes over leaf hashes.
mod merkle {
    use sha2::{Digest, Sha256};

    fn node(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
        Sha256::new().chain_update([1u8]).chain_update(left).chain_update(right).finalize().into()
    }

    /// The largest power of two below `n` (n >= 2).
    fn split(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// MTH(D[0:n]) of non-empty `leaves`.
    pub fn root(leaves: &[[u8; 32]]) -> [u8; 32] {
        match leaves {
            [one] => *one,
            _ => {
                let k = split(leaves.len());
                node(&root(&leaves[..k]), &root(&leaves[k..]))
            }
        }
    }

    /// PATH(m, D[0:n]): the audit path of leaf `m`, leaf-side first.
    pub fn path(m: usize, leaves: &[[u8; 32]]) -> Vec<[u8; 32]> {
        if leaves.len() <= 1 {
            return Vec::new();
        }
        let k = split(leaves.len());
        if m < k {
            let mut p = path(m, &leaves[..k]);
            p.push(root(&leaves[k..]));
            p
        } else {
            let mut p = path(m - k, &leaves[k..]);
            p.push(root(&leaves[..k]));
            p
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ssr::verification::dsse::AttestationPolicy;
    use crate::ssr::verification::engine::{self, BundlePolicy, Reason, Subject};

    const ID: &str = "https://github.com/acme/.github/.github/workflows/org.policy.sign.yml@refs/heads/main";
    const ISSUER: &str = "https://token.actions.githubusercontent.com";

    fn verify(root_json: &str, bundle: &str, blob: &[u8], identity: &str) -> Result<engine::Verified, Reason> {
        let root = engine::trusted_root_from_json(root_json).map_err(|e| e.reason)?;
        let policy = BundlePolicy::keyless(Some(identity), Some(ISSUER)).expect("policy");
        engine::verify_bundle(&root, bundle, Subject::Bytes(blob), &policy, &AttestationPolicy::default())
            .map_err(|e| e.reason)
    }

    #[test]
    fn its_bundles_pass_every_check_of_the_offline_verifier() {
        let local = LocalSigstore::new("test").expect("instance");
        let root = local.trusted_root_json().expect("root");
        // Several entries, so the inclusion proofs have real paths.
        for n in 0..5u8 {
            let blob = [b"policy.tar.gz #".as_slice(), &[n]].concat();
            let bundle = local.sign_blob(ID, ISSUER, &blob).expect("signs");
            let v = verify(&root, &bundle, &blob, ID).expect("verifies");
            for claim in [
                "certificate chains to the trusted root",
                "signed certificate timestamp verifies",
                "transparency log entry verifies",
                "signing time is covered by a verified timestamp",
                "certificate identity and OIDC issuer match the policy",
            ] {
                assert!(v.checks.iter().any(|c| c.starts_with(claim)), "{claim}: {:?}", v.checks);
            }
        }
    }

    #[test]
    fn it_proves_nothing_beyond_what_it_signed() {
        let local = LocalSigstore::new("test").expect("instance");
        let root = local.trusted_root_json().expect("root");
        let bundle = local.sign_blob(ID, ISSUER, b"bundle").expect("signs");
        assert_eq!(
            verify(&root, &bundle, b"bundle", "https://github.com/evil/x").unwrap_err(),
            Reason::IdentityMismatch
        );
        assert!(verify(&root, &bundle, b"another bundle", ID).is_err(), "another artifact");
        // Another instance's root does not trust it, nor does the public-good root.
        let other = LocalSigstore::new("other").expect("instance").trusted_root_json().expect("root");
        assert!(verify(&other, &bundle, b"bundle", ID).is_err());
        let public_good = engine::public_good_root().expect("root");
        let policy = BundlePolicy::keyless(Some(ID), Some(ISSUER)).expect("policy");
        assert!(
            engine::verify_bundle(
                &public_good,
                &bundle,
                Subject::Bytes(b"bundle"),
                &policy,
                &AttestationPolicy::default()
            )
            .is_err()
        );
        // An e-mail identity is a SAN e-mail, as Fulcio writes for people.
        let mail = local.sign_blob("security@acme.example", ISSUER, b"bundle").expect("signs");
        assert!(verify(&root, &mail, b"bundle", "security@acme.example").is_ok());
    }
}
