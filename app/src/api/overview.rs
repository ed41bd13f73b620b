//! The overview every signed-in role lands on; `GET /api/v1/overview` serves
//! the same service to scripts.

use crate::domain::AppError;
use crate::domain::overview::Overview;
use leptos::prelude::*;

/// The signed-in user's overview, measured now (scoped to their tenant or engagements).
#[server(endpoint = "overview")]
pub async fn load_overview() -> Result<Overview, AppError> {
    let (state, p) = crate::ssr::identity::auth::require(crate::domain::Action::UseAccount).await?;
    crate::ssr::overview::build(&state, &p).await
}
