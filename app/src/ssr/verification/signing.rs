//! Signing with a local private key, for the CLI's `keygen` and `pack build`:
//! ECDSA P-256 keys in unencrypted PKCS#8 PEM (what `openssl genpkey
//! -algorithm EC -pkeyopt ec_paramgen_curve:P-256` writes).

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair};
use base64::Engine;
pub use sigstore_verify::crypto::KeyPair;

fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = b64.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}

fn pem_decode(label: &str, text: &str) -> Result<Vec<u8>, String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let body =
        text.split_once(&begin).and_then(|(_, rest)| rest.split_once(&end)).map(|(body, _)| body).ok_or_else(|| {
            if text.contains("ENCRYPTED") {
                "encrypted keys are not supported; export the key as unencrypted PKCS#8 (BEGIN PRIVATE KEY)".to_owned()
            } else {
                format!("expected a PEM block '{begin}'")
            }
        })?;
    let compact: String = body.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(compact).map_err(|e| format!("PEM body is not base64: {e}"))
}

/// A new P-256 key pair: (private PKCS#8 PEM, public PEM).
pub fn generate_p256() -> Result<(String, String), String> {
    let doc = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &SystemRandom::new())
        .map_err(|_| "cannot generate a P-256 key".to_owned())?;
    let pair = load_private_key(&pem_encode("PRIVATE KEY", doc.as_ref()))?;
    let public = pair.public_key_der().map_err(|e| e.to_string())?.to_pem();
    Ok((pem_encode("PRIVATE KEY", doc.as_ref()), public))
}

/// Loads a P-256 PKCS#8 PEM private key.
pub fn load_private_key(pem: &str) -> Result<KeyPair, String> {
    let der = pem_decode("PRIVATE KEY", pem)?;
    KeyPair::from_pkcs8_der(&der).map_err(|e| format!("not an ECDSA P-256 PKCS#8 key: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_load_and_sign_verifiably() {
        let (private, public) = generate_p256().expect("keygen");
        let kp = load_private_key(&private).expect("loads");
        let sig = base64::engine::general_purpose::STANDARD.encode(kp.sign(b"m").expect("sign").as_bytes());
        crate::ssr::verification::engine::verify_blob(
            &public,
            &sig,
            crate::ssr::verification::engine::Subject::Bytes(b"m"),
        )
        .expect("verifies");
        assert!(
            load_private_key("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAA==\n-----END ENCRYPTED PRIVATE KEY-----")
                .unwrap_err()
                .contains("encrypted")
        );
    }
}
