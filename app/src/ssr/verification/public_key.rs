//! Public keys identified by what they are, not by how their bytes were
//! spelled.
//!
//! One key has many SubjectPublicKeyInfo encodings that verify alike (RSA with
//! the algorithm parameters absent instead of NULL, for one). A key revoked
//! under one encoding must stay revoked under every other, so every key the
//! portal reads is re-encoded into one canonical DER form first, and its id
//! ([`crate::ssr::verification::engine::key_id`]) is the SHA-256 of that form:
//!
//! - RSA (`rsaEncryption`): parameters NULL, the PKCS#1 `RSAPublicKey`
//!   re-encoded (minimal integers).
//! - ECDSA P-256 / P-384 (`id-ecPublicKey`): the named curve, the uncompressed
//!   point (compressed points are refused, as the verifier refuses them).
//! - Ed25519: no parameters, the 32 key bytes.
//!
//! Anything else, or any extra or malformed part, is refused.

use spki::der::asn1::{AnyRef, BitStringRef, Null, ObjectIdentifier};
use spki::der::{Decode, Encode};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC_PUBLIC_KEY: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");

/// Re-encodes a DER SubjectPublicKeyInfo into its canonical form; `Err` says
/// what is wrong with the key.
pub fn canonical_spki(der: &[u8]) -> Result<Vec<u8>, String> {
    let spki = SubjectPublicKeyInfoRef::from_der(der).map_err(|e| format!("not a SubjectPublicKeyInfo: {e}"))?;
    let oid = spki.algorithm.oid;
    let params = spki.algorithm.parameters;
    let key = spki.subject_public_key.as_bytes().ok_or("the key's bit string has unused bits")?;
    let (parameters, key): (Option<AnyRef<'_>>, Vec<u8>) = if oid == RSA_ENCRYPTION {
        if params.is_some_and(|p| !p.is_null()) {
            return Err("RSA key parameters must be NULL or absent".into());
        }
        let rsa = pkcs1::RsaPublicKey::from_der(key).map_err(|e| format!("RSA public key: {e}"))?;
        (Some(AnyRef::from(Null)), rsa.to_der().map_err(|e| format!("RSA public key: {e}"))?)
    } else if oid == EC_PUBLIC_KEY {
        let curve: ObjectIdentifier = params
            .ok_or("an EC key must name its curve")?
            .decode_as()
            .map_err(|e| format!("EC curve parameter: {e}"))?;
        let point_len = if curve == P256 {
            65
        } else if curve == P384 {
            97
        } else {
            return Err(format!("EC curve {curve} is not supported (P-256 and P-384 are)"));
        };
        if key.first() != Some(&0x04) || key.len() != point_len {
            return Err("EC keys must carry the uncompressed point".into());
        }
        (params, key.to_vec())
    } else if oid == ED25519 {
        if params.is_some() {
            return Err("Ed25519 keys have no algorithm parameters".into());
        }
        if key.len() != 32 {
            return Err("an Ed25519 key is 32 bytes".into());
        }
        (None, key.to_vec())
    } else {
        return Err(format!("key algorithm {oid} is not supported"));
    };
    let canonical = SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef { oid, parameters },
        subject_public_key: BitStringRef::from_bytes(&key).map_err(|e| e.to_string())?,
    };
    canonical.to_der().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sigstore_verify::crypto::KeyPair;

    /// DER of a SEQUENCE/BIT STRING etc. with a short or long length.
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut out = vec![tag];
        let len = body.len();
        if len < 0x80 {
            out.push(u8::try_from(len).unwrap());
        } else if len < 0x100 {
            out.extend([0x81, u8::try_from(len).unwrap()]);
        } else {
            out.extend([0x82, u8::try_from(len >> 8).unwrap(), u8::try_from(len & 0xff).unwrap()]);
        }
        out.extend_from_slice(body);
        out
    }

    /// An RSA SPKI with the given algorithm parameters (`None` = absent).
    fn rsa_spki(params: Option<&[u8]>, modulus: &[u8]) -> Vec<u8> {
        let oid = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
        let mut alg = oid.to_vec();
        if let Some(p) = params {
            alg.extend_from_slice(p);
        }
        let mut n = vec![0x00];
        n.extend_from_slice(modulus);
        let rsa_key = tlv(0x30, &[tlv(0x02, &n), tlv(0x02, &[0x01, 0x00, 0x01])].concat());
        let mut bits = vec![0x00];
        bits.extend(rsa_key);
        tlv(0x30, &[tlv(0x30, &alg), tlv(0x03, &bits)].concat())
    }

    #[test]
    fn rsa_parameters_absent_or_null_are_one_key() {
        let modulus = [0xc5u8; 256];
        let with_null = rsa_spki(Some(&[0x05, 0x00]), &modulus);
        let absent = rsa_spki(None, &modulus);
        assert_ne!(with_null, absent, "two spellings");
        assert_eq!(canonical_spki(&with_null).unwrap(), canonical_spki(&absent).unwrap());
        assert_eq!(canonical_spki(&with_null).unwrap(), with_null, "NULL parameters are the canonical form");
        let odd = rsa_spki(Some(&[0x04, 0x00]), &modulus);
        assert!(canonical_spki(&odd).unwrap_err().contains("NULL or absent"));
    }

    #[test]
    fn generated_keys_are_already_canonical() {
        let der = KeyPair::generate_ecdsa_p256().unwrap().public_key_der().unwrap();
        assert_eq!(canonical_spki(der.as_bytes()).unwrap(), der.as_bytes());
    }

    #[test]
    fn other_spellings_and_garbage_are_refused() {
        let kp = KeyPair::generate_ecdsa_p256().unwrap();
        let der = kp.public_key_der().unwrap().as_bytes().to_vec();
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(canonical_spki(&trailing).is_err(), "trailing bytes");
        // A compressed point (0x02/0x03 prefix, 33 bytes) of the same key.
        let point = &der[der.len() - 65..];
        let mut compressed = vec![0x02 | (point[64] & 1)];
        compressed.extend_from_slice(&point[1..33]);
        let mut bits = vec![0x00];
        bits.extend(compressed);
        let alg_len = usize::from(der[3]) + 2;
        let alg = &der[2..2 + alg_len];
        let spki = tlv(0x30, &[alg.to_vec(), tlv(0x03, &bits)].concat());
        assert!(canonical_spki(&spki).unwrap_err().contains("uncompressed"));
        assert!(canonical_spki(b"\x30\x00").is_err());
    }
}
