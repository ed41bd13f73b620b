//! Audit engagements: the engagement, its scope and NDA versions, its
//! auditors and their invitations and NDA acceptances, and the access log of
//! what auditors viewed and downloaded.

use super::{Db, StoreResult, Tx};
use crate::domain::audit_kit::EngagementState;

/// An engagement as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct EngagementRow {
    /// `eng_…` id.
    pub id: String,
    /// Whose evidence is audited: the operator, or a tenant (a tenant-side engagement).
    pub owner_org_id: String,
    /// Name.
    pub name: String,
    /// The audit firm.
    pub firm: String,
    /// First day under review (`YYYY-MM-DD`).
    pub period_start: String,
    /// Last day under review.
    pub period_end: String,
    /// Auditors' access ends (ms).
    pub access_ends_at: i64,
    /// Scoping, fieldwork or accepted.
    #[sqlx(try_from = "String")]
    pub state: EngagementState,
    /// Who opened it.
    pub created_by: String,
    /// Opened (ms).
    pub created_at: i64,
    /// Fieldwork started and the scope locked (ms).
    pub started_at: Option<i64>,
    /// A sign-off pack was accepted (ms).
    pub accepted_at: Option<i64>,
    /// The last change of anything in the engagement (ms): the sign-off pack's "as of".
    pub updated_at: i64,
}

/// One version of an engagement's scope.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ScopeRow {
    /// The engagement.
    pub engagement_id: String,
    /// 1, 2, …
    pub version: i64,
    /// The scope document (Markdown).
    pub document: String,
    /// JSON array of the tenants' `org_…` ids in scope, sorted.
    pub tenants: String,
    /// JSON array of `owner/name` in scope, sorted; empty: every repository of those tenants.
    pub repos: String,
    /// SHA-256 of the version's canonical JSON (document, tenants, repos).
    pub sha256: String,
    /// The scope-delta decision that allowed a change after the scope was locked.
    pub decision_id: Option<String>,
    /// Who wrote it.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
}

/// One version of an engagement's NDA.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NdaRow {
    /// The engagement.
    pub engagement_id: String,
    /// 1, 2, …
    pub version: i64,
    /// The text (Markdown).
    pub body: String,
    /// SHA-256 of the text.
    pub sha256: String,
    /// Who published it.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
}

/// A click-wrap acceptance of an NDA version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NdaAcceptanceRow {
    /// `nda_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// Who accepted.
    pub user_id: String,
    /// Which NDA version.
    pub nda_version: i64,
    /// That version's SHA-256.
    pub nda_sha256: String,
    /// When (ms).
    pub accepted_at: i64,
    /// From which client address.
    pub client: String,
}

/// An auditor of an engagement, with the account's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditorListing {
    /// The account.
    pub user_id: String,
    /// Its e-mail.
    pub email: String,
    /// Its name.
    pub name: String,
    /// Who invited them.
    pub invited_by: String,
    /// Joined (ms).
    pub joined_at: i64,
    /// Access revoked (ms).
    pub revoked_at: Option<i64>,
    /// Latest NDA version this auditor accepted.
    pub nda_version: Option<i64>,
}

/// What an auditor's session may see, resolved in one query at each request.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditorAccessRow {
    /// The engagement.
    pub engagement_id: String,
    /// Its owner.
    pub owner_org_id: String,
    /// Its owner's kind (`operator` or `tenant`).
    pub owner_kind: String,
    /// Access ends (ms).
    pub access_ends_at: i64,
    /// This auditor's access was revoked (ms).
    pub revoked_at: Option<i64>,
    /// The current scope's tenants (JSON).
    pub tenants: Option<String>,
    /// The current scope's repositories (JSON).
    pub repos: Option<String>,
    /// The current NDA version.
    pub nda_version: Option<i64>,
    /// The auditor accepted the current NDA version (1) or not (0).
    pub nda_accepted: i64,
}

/// An auditor invitation (only the token's SHA-256 is stored).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditInvitationRow {
    /// `ainv_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// Who is invited.
    pub email: String,
    /// Their name.
    pub name: String,
    /// SHA-256 (hex) of the token.
    pub token_hash: String,
    /// Who invited.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
    /// The link stops working (ms).
    pub expires_at: i64,
    /// The invitee joined (ms).
    pub used_at: Option<i64>,
    /// Withdrawn before use (ms).
    pub revoked_at: Option<i64>,
}

/// One auditor view or download.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AccessLogRow {
    /// `acc_…` id.
    pub id: String,
    /// The engagement.
    pub engagement_id: String,
    /// The auditor.
    pub user_id: String,
    /// Their e-mail.
    pub email: String,
    /// When (ms).
    pub at: i64,
    /// `view` or `download`.
    pub kind: String,
    /// What (`checklist`, `pack acme/robot-firmware@v2.4.0`, …).
    pub object: String,
    /// SHA-256 of what was served.
    pub sha256: String,
}

const ENGAGEMENT_COLUMNS: &str = "id, owner_org_id, name, firm, period_start, period_end, access_ends_at, state, \
     created_by, created_at, started_at, accepted_at, updated_at";
const SCOPE_COLUMNS: &str =
    "engagement_id, version, document, tenants, repos, sha256, decision_id, created_by, created_at";
const NDA_COLUMNS: &str = "engagement_id, version, body, sha256, created_by, created_at";
const INVITATION_COLUMNS: &str =
    "id, engagement_id, email, name, token_hash, created_by, created_at, expires_at, used_at, revoked_at";
const ACCESS_COLUMNS: &str = "id, engagement_id, user_id, email, at, kind, object, sha256";

impl Db {
    /// One engagement.
    pub async fn engagement(&self, id: &str) -> StoreResult<Option<EngagementRow>> {
        Ok(sqlx::query_as(&format!("SELECT {ENGAGEMENT_COLUMNS} FROM audit_engagements WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Every engagement (`owner` = `None`) or those one organisation owns, newest first.
    pub async fn engagements(&self, owner: Option<&str>) -> StoreResult<Vec<EngagementRow>> {
        let q = match owner {
            Some(_) => format!(
                "SELECT {ENGAGEMENT_COLUMNS} FROM audit_engagements WHERE owner_org_id = $1 ORDER BY created_at DESC, id"
            ),
            None => format!("SELECT {ENGAGEMENT_COLUMNS} FROM audit_engagements ORDER BY created_at DESC, id"),
        };
        let mut query = sqlx::query_as(&q);
        if let Some(o) = owner {
            query = query.bind(o);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }

    /// Every scope version, oldest first.
    pub async fn scopes(&self, engagement_id: &str) -> StoreResult<Vec<ScopeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SCOPE_COLUMNS} FROM audit_scope_versions WHERE engagement_id = $1 ORDER BY version"
        ))
        .bind(engagement_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every NDA version, oldest first.
    pub async fn ndas(&self, engagement_id: &str) -> StoreResult<Vec<NdaRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {NDA_COLUMNS} FROM audit_nda_versions WHERE engagement_id = $1 ORDER BY version"
        ))
        .bind(engagement_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Every NDA acceptance of an engagement, oldest first.
    pub async fn nda_acceptances(&self, engagement_id: &str) -> StoreResult<Vec<NdaAcceptanceRow>> {
        Ok(sqlx::query_as(
            "SELECT id, engagement_id, user_id, nda_version, nda_sha256, accepted_at, client \
             FROM audit_nda_acceptances WHERE engagement_id = $1 ORDER BY accepted_at, id",
        )
        .bind(engagement_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// An engagement's auditors, in the order they joined.
    pub async fn auditors(&self, engagement_id: &str) -> StoreResult<Vec<AuditorListing>> {
        Ok(sqlx::query_as(
            "SELECT a.user_id, u.email, u.name, a.invited_by, a.joined_at, a.revoked_at, \
                    (SELECT MAX(n.nda_version) FROM audit_nda_acceptances n \
                      WHERE n.engagement_id = a.engagement_id AND n.user_id = a.user_id) AS nda_version \
             FROM audit_auditors a JOIN users u ON u.id = a.user_id \
             WHERE a.engagement_id = $1 ORDER BY a.joined_at, a.user_id",
        )
        .bind(engagement_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// What the auditor `user_id` may see: their engagement, its current scope and NDA.
    pub async fn auditor_access(&self, user_id: &str) -> StoreResult<Option<AuditorAccessRow>> {
        Ok(sqlx::query_as(
            "SELECT e.id AS engagement_id, e.owner_org_id, o.kind AS owner_kind, e.access_ends_at, a.revoked_at, \
                    s.tenants, s.repos, n.version AS nda_version, \
                    CAST(CASE WHEN EXISTS (SELECT 1 FROM audit_nda_acceptances x WHERE x.engagement_id = e.id \
                         AND x.user_id = a.user_id AND x.nda_version = n.version) THEN 1 ELSE 0 END AS BIGINT) AS nda_accepted \
             FROM audit_auditors a \
             JOIN audit_engagements e ON e.id = a.engagement_id \
             JOIN orgs o ON o.id = e.owner_org_id \
             LEFT JOIN audit_scope_versions s ON s.engagement_id = e.id \
                  AND s.version = (SELECT MAX(version) FROM audit_scope_versions WHERE engagement_id = e.id) \
             LEFT JOIN audit_nda_versions n ON n.engagement_id = e.id \
                  AND n.version = (SELECT MAX(version) FROM audit_nda_versions WHERE engagement_id = e.id) \
             WHERE a.user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The invitation whose token hashes to `hash`.
    pub async fn audit_invitation_by_hash(&self, hash: &str) -> StoreResult<Option<AuditInvitationRow>> {
        Ok(sqlx::query_as(&format!("SELECT {INVITATION_COLUMNS} FROM audit_invitations WHERE token_hash = $1"))
            .bind(hash)
            .fetch_optional(self.pool())
            .await?)
    }

    /// An engagement's invitations, newest first.
    pub async fn audit_invitations(&self, engagement_id: &str) -> StoreResult<Vec<AuditInvitationRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {INVITATION_COLUMNS} FROM audit_invitations WHERE engagement_id = $1 ORDER BY created_at DESC, id"
        ))
        .bind(engagement_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records one auditor view or download (its own write: a read never waits on it).
    pub async fn insert_access(&self, r: &AccessLogRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_access_log ({ACCESS_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&r.id)
        .bind(&r.engagement_id)
        .bind(&r.user_id)
        .bind(&r.email)
        .bind(r.at)
        .bind(&r.kind)
        .bind(&r.object)
        .bind(&r.sha256)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// An engagement's access log, newest first.
    pub async fn access_log(&self, engagement_id: &str, limit: i64) -> StoreResult<Vec<AccessLogRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {ACCESS_COLUMNS} FROM audit_access_log WHERE engagement_id = $1 ORDER BY at DESC, id DESC LIMIT $2"
        ))
        .bind(engagement_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?)
    }
}

impl Tx<'_> {
    /// Stores a new engagement.
    pub async fn insert_engagement(&mut self, e: &EngagementRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_engagements ({ENGAGEMENT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .bind(&e.id)
        .bind(&e.owner_org_id)
        .bind(&e.name)
        .bind(&e.firm)
        .bind(&e.period_start)
        .bind(&e.period_end)
        .bind(e.access_ends_at)
        .bind(e.state.as_str())
        .bind(&e.created_by)
        .bind(e.created_at)
        .bind(e.started_at)
        .bind(e.accepted_at)
        .bind(e.updated_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The engagement, read inside this unit of work (it holds the write lock on SQLite).
    pub async fn engagement(&mut self, id: &str) -> StoreResult<Option<EngagementRow>> {
        Ok(sqlx::query_as(&format!("SELECT {ENGAGEMENT_COLUMNS} FROM audit_engagements WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.conn())
            .await?)
    }

    /// Moves an engagement to `state`, stamping when fieldwork started or the pack was accepted.
    pub async fn set_engagement_state(&mut self, id: &str, state: EngagementState, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE audit_engagements SET state = $1, updated_at = $2, \
                started_at = CASE WHEN $1 = 'fieldwork' AND started_at IS NULL THEN $2 ELSE started_at END, \
                accepted_at = CASE WHEN $1 = 'accepted' THEN $2 ELSE accepted_at END \
             WHERE id = $3",
        )
        .bind(state.as_str())
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Marks that something in the engagement changed (its sign-off pack's "as of").
    pub async fn touch_engagement(&mut self, id: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE audit_engagements SET updated_at = $1 WHERE id = $2")
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The current (highest) scope version, read inside this unit of work.
    pub async fn current_scope(&mut self, engagement_id: &str) -> StoreResult<Option<ScopeRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {SCOPE_COLUMNS} FROM audit_scope_versions WHERE engagement_id = $1 ORDER BY version DESC LIMIT 1"
        ))
        .bind(engagement_id)
        .fetch_optional(self.conn())
        .await?)
    }

    /// Stores a scope version (a conflict when the version exists).
    pub async fn insert_scope(&mut self, s: &ScopeRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_scope_versions ({SCOPE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(&s.engagement_id)
        .bind(s.version)
        .bind(&s.document)
        .bind(&s.tenants)
        .bind(&s.repos)
        .bind(&s.sha256)
        .bind(&s.decision_id)
        .bind(&s.created_by)
        .bind(s.created_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The current NDA version's number, read inside this unit of work.
    pub async fn current_nda_version(&mut self, engagement_id: &str) -> StoreResult<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM audit_nda_versions WHERE engagement_id = $1")
            .bind(engagement_id)
            .fetch_one(self.conn())
            .await?;
        Ok(v.unwrap_or(0))
    }

    /// Stores an NDA version.
    pub async fn insert_nda(&mut self, n: &NdaRow) -> StoreResult<()> {
        sqlx::query(&format!("INSERT INTO audit_nda_versions ({NDA_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)"))
            .bind(&n.engagement_id)
            .bind(n.version)
            .bind(&n.body)
            .bind(&n.sha256)
            .bind(&n.created_by)
            .bind(n.created_at)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Records an NDA acceptance (a conflict when this version was accepted already).
    pub async fn insert_nda_acceptance(&mut self, a: &NdaAcceptanceRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_nda_acceptances (id, engagement_id, user_id, nda_version, nda_sha256, accepted_at, client) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&a.id)
        .bind(&a.engagement_id)
        .bind(&a.user_id)
        .bind(a.nda_version)
        .bind(&a.nda_sha256)
        .bind(a.accepted_at)
        .bind(&a.client)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Makes `user_id` an auditor of `engagement_id`.
    pub async fn insert_auditor(
        &mut self,
        user_id: &str,
        engagement_id: &str,
        invited_by: &str,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO audit_auditors (user_id, engagement_id, invited_by, joined_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(user_id)
        .bind(engagement_id)
        .bind(invited_by)
        .bind(now)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Ends an auditor's access; true when this call ended it.
    pub async fn revoke_auditor(
        &mut self,
        engagement_id: &str,
        user_id: &str,
        by: &str,
        now: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE audit_auditors SET revoked_at = $1, revoked_by = $2 \
             WHERE engagement_id = $3 AND user_id = $4 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(engagement_id)
        .bind(user_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores a new invitation.
    pub async fn insert_audit_invitation(&mut self, i: &AuditInvitationRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO audit_invitations ({INVITATION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)"
        ))
        .bind(&i.id)
        .bind(&i.engagement_id)
        .bind(&i.email)
        .bind(&i.name)
        .bind(&i.token_hash)
        .bind(&i.created_by)
        .bind(i.created_at)
        .bind(i.expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Uses an invitation once; false when it was used or withdrawn already.
    pub async fn use_audit_invitation(&mut self, id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE audit_invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Withdraws an unused invitation; true when this call withdrew it.
    pub async fn revoke_audit_invitation(&mut self, engagement_id: &str, id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE audit_invitations SET revoked_at = $1 \
             WHERE id = $2 AND engagement_id = $3 AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(engagement_id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }
}
