//! The last entitlement decision per tenant.

use super::{Db, StoreResult};

/// A tenant's recorded entitlement decision.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EntitlementRow {
    /// The tenant.
    pub org_id: String,
    /// The plan whose features are active.
    pub effective: String,
    /// Why paid features are off, if they are.
    pub reason: Option<String>,
    /// The evidence the decision rests on.
    pub evidence_id: Option<String>,
    /// When the decision last changed (ms).
    pub updated_at: i64,
}

impl Db {
    /// Records `row` unless the stored decision already has the same effective
    /// plan and evidence. True when something changed (including the first
    /// decision), so exactly one of several racing processes sees `true`.
    pub async fn record_entitlements(&self, row: &EntitlementRow) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO org_entitlements (org_id, effective, reason, evidence_id, updated_at) \
             VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (org_id) DO UPDATE SET effective = excluded.effective, reason = excluded.reason, \
               evidence_id = excluded.evidence_id, updated_at = excluded.updated_at \
             WHERE org_entitlements.effective <> excluded.effective \
                OR COALESCE(org_entitlements.evidence_id, '') <> COALESCE(excluded.evidence_id, '')",
        )
        .bind(&row.org_id)
        .bind(&row.effective)
        .bind(&row.reason)
        .bind(&row.evidence_id)
        .bind(row.updated_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The recorded decision of a tenant.
    pub async fn entitlements_row(&self, org_id: &str) -> StoreResult<Option<EntitlementRow>> {
        Ok(sqlx::query_as(
            "SELECT org_id, effective, reason, evidence_id, updated_at FROM org_entitlements WHERE org_id = $1",
        )
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?)
    }
}
