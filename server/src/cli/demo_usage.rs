//! Metered demo usage: real verifications through the Attestation API's own
//! path, for `demo seed` (this month) and [`super::demo_invoice`] (last month).

use app::domain::AppError;
use app::ssr::AppState;

/// `n` real verifications (cosign blobs signed with a fresh key) for a tenant:
/// each records a call, a signed receipt and an `attestation.verify` event.
pub async fn seed_usage(state: &AppState, org_id: &str, api_key_id: &str, n: usize) -> Result<(), AppError> {
    use app::ssr::verification::attestation::{self, ArtifactInput, Caller, KeyRef, Kind, VerifyRequest};
    use base64::Engine;
    let (private, public) = app::ssr::verification::signing::generate_p256().map_err(|_| AppError::internal())?;
    let pair = app::ssr::verification::signing::load_private_key(&private).map_err(|_| AppError::internal())?;
    let caller = Caller { org_id, api_key_id };
    for i in 0..n {
        let artifact = format!("build-{i}.tar.gz").into_bytes();
        let signature = pair.sign(&artifact).map_err(|_| AppError::internal())?;
        let request = VerifyRequest {
            kind: Kind::CosignBlob,
            artifact: ArtifactInput::Bytes(artifact),
            evidence: base64::engine::general_purpose::STANDARD.encode(signature.as_bytes()),
            key: Some(KeyRef::Pem(public.clone())),
            rules: Default::default(),
            policy: None,
        };
        let (id, result) = attestation::verify(state, caller, request).await?;
        if let Err(e) = result {
            tracing::error!(%id, reason = e.reason.as_str(), "a demo verification was rejected");
            return Err(AppError::internal());
        }
    }
    Ok(())
}
