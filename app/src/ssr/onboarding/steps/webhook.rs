//! Step 2: a signed test delivery to the tenant's webhook endpoint.

use super::{Refusal, failed, org_of};
use crate::domain::ErrorCode;
use crate::domain::onboarding::Step;
use crate::ssr::AppState;
use crate::ssr::onboarding::model::Session;

/// Stores the endpoint and sends a signed test delivery to it.
pub(crate) async fn webhook(
    state: &AppState,
    actor: &str,
    s: &mut Session,
    url: &str,
) -> Result<Option<String>, Refusal> {
    let step = Step::Webhook;
    let org_id = org_of(s)?;
    if let Err(e) = crate::ssr::webhooks::delivery::set_endpoint(state, actor, &org_id, url).await {
        return Err(match e.code {
            ErrorCode::InvalidInput => failed(
                step,
                "webhook_url_refused",
                e.message,
                "use a public https:// URL without user name or password, on a host that resolves to public addresses",
            ),
            _ => Refusal::Error(e),
        });
    }
    s.data.webhook_url = Some(url.trim().to_owned());
    let (row, outcome) = crate::ssr::webhooks::delivery::test_delivery(state, &org_id).await.map_err(Refusal::Error)?;
    s.data.webhook_test_id = Some(row.id.clone());
    match outcome {
        Ok(_) => Ok(None),
        Err(e) => {
            let fix = match e.reason {
                "ssrf_refused" => {
                    "the receiver must be on a public address; private, loopback and link-local networks are refused"
                }
                "webhook_status" => {
                    "make your receiver answer 2xx to a POST (verify the signature with the secret shown, then answer 204)"
                }
                _ => {
                    "check the URL, that the receiver is running and reachable from the internet, and that it answers within 15 s"
                }
            };
            Err(failed(step, e.reason, format!("Test delivery {}: {}", row.id, e.message), fix))
        }
    }
}
