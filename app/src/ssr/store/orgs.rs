//! Organisations: the operator and its tenants.

use super::{Db, StoreResult, Tx};

/// An organisation as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OrgRow {
    /// `org_…` id.
    pub id: String,
    /// `operator` or `tenant`.
    pub kind: String,
    /// Display name.
    pub name: String,
    /// Unique handle.
    pub slug: String,
    /// Price plan (tenants only).
    pub plan: Option<String>,
    /// Creation time (ms).
    pub created_at: i64,
    /// When it was suspended, if it is.
    pub suspended_at: Option<i64>,
}

const COLUMNS: &str = "id, kind, name, slug, plan, created_at, suspended_at";

impl Db {
    /// One organisation by id.
    pub async fn org(&self, id: &str) -> StoreResult<Option<OrgRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// One organisation by slug.
    pub async fn org_by_slug(&self, slug: &str) -> StoreResult<Option<OrgRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The operator organisation, if one was created.
    pub async fn operator_org(&self) -> StoreResult<Option<OrgRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM orgs WHERE kind = 'operator' ORDER BY created_at LIMIT 1"))
            .fetch_optional(self.pool())
            .await?)
    }

    /// All tenants, newest first.
    pub async fn tenants(&self) -> StoreResult<Vec<OrgRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM orgs WHERE kind = 'tenant' ORDER BY created_at DESC, id DESC"
        ))
        .fetch_all(self.pool())
        .await?)
    }
}

impl Tx<'_> {
    /// Changes a tenant's plan; false if no such tenant.
    pub async fn set_tenant_plan(&mut self, id: &str, plan: &str) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE orgs SET plan = $1 WHERE id = $2 AND kind = 'tenant'")
            .bind(plan)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected() == 1)
    }

    /// Suspends (`Some(time)`) or reactivates (`None`) a tenant; false if no such tenant.
    pub async fn set_tenant_suspended(&mut self, id: &str, at: Option<i64>) -> StoreResult<bool> {
        let r = sqlx::query("UPDATE orgs SET suspended_at = $1 WHERE id = $2 AND kind = 'tenant'")
            .bind(at)
            .bind(id)
            .execute(self.conn())
            .await?;
        self.forget_keys_on_commit();
        Ok(r.rows_affected() == 1)
    }

    /// Inserts an organisation; `Conflict` if the slug is taken.
    pub async fn insert_org(&mut self, org: &OrgRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO orgs (id, kind, name, slug, plan, created_at, suspended_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&org.id)
        .bind(&org.kind)
        .bind(&org.name)
        .bind(&org.slug)
        .bind(&org.plan)
        .bind(org.created_at)
        .bind(org.suspended_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }
}
