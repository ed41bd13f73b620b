//! The synthetic verify a probe asks for with `GET /readyz?verify=1`: the
//! serving process runs its verification engine on a cosign `sign-blob`
//! signature made at start with a throw-away P-256 key, and on the same
//! signature over a changed artifact. Ready only when the first verifies and
//! the second is refused with `signature_mismatch`. Nothing is recorded or
//! metered (no tenant, no API key); the API's authentication and storage are
//! what `/readyz`'s database check and real traffic cover.

use crate::ssr::verification::engine::{Reason, Subject, verify_blob};
use crate::ssr::verification::signing::{generate_p256, load_private_key};
use base64::Engine;
use std::sync::OnceLock;

/// A signed artifact and its key.
struct Vector {
    public_pem: String,
    signature_b64: String,
}

const ARTIFACT: &[u8] = b"trust-portal synthetic probe artifact\n";

fn vector() -> Result<&'static Vector, String> {
    static VECTOR: OnceLock<Result<Vector, String>> = OnceLock::new();
    VECTOR
        .get_or_init(|| {
            let (private, public_pem) = generate_p256()?;
            let pair = load_private_key(&private)?;
            let signature = pair.sign(ARTIFACT).map_err(|e| format!("signing the probe artifact failed: {e}"))?;
            Ok(Vector {
                public_pem,
                signature_b64: base64::engine::general_purpose::STANDARD.encode(signature.as_bytes()),
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Runs the synthetic verify; the reason when it did not behave.
pub fn check() -> Result<(), String> {
    let v = vector()?;
    verify_blob(&v.public_pem, &v.signature_b64, Subject::Bytes(ARTIFACT))
        .map_err(|e| format!("a good signature was refused: {}", e.message))?;
    match verify_blob(&v.public_pem, &v.signature_b64, Subject::Bytes(b"changed")) {
        Err(e) if e.reason == Reason::SignatureMismatch => Ok(()),
        Err(e) => Err(format!("a changed artifact was refused for the wrong reason: {}", e.reason.as_str())),
        Ok(_) => Err("a signature over a changed artifact verified".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_synthetic_verify_passes_and_is_repeatable() {
        assert_eq!(super::check(), Ok(()));
        assert_eq!(super::check(), Ok(()));
    }
}
