//! Invitations, onboarding sessions and their telemetry, and the published
//! policy versions partners pick from.

use super::{Db, StoreResult, Tx};

/// An invitation (the token itself is never stored, only its SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InvitationRow {
    /// `invite_…` id.
    pub id: String,
    /// SHA-256 (hex) of the token.
    pub token_hash: String,
    /// Who it is for (company or contact), for the operator.
    pub label: String,
    /// Who created it.
    pub created_by: String,
    /// Created (ms).
    pub created_at: i64,
    /// The link stops working (ms).
    pub expires_at: i64,
    /// Its onboarding completed (ms).
    pub used_at: Option<i64>,
    /// The invitee asked for a new link (ms).
    pub renewal_requested_at: Option<i64>,
    /// What they wrote.
    pub renewal_note: Option<String>,
}

/// An onboarding session.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OnboardingRow {
    /// `onb_…` id.
    pub id: String,
    /// Its invitation.
    pub invitation_id: String,
    /// The step shown (1-5).
    pub current_step: i64,
    /// Highest step completed (0-5).
    pub completed_through: i64,
    /// The tenant, once step 1 created it.
    pub org_id: Option<String>,
    /// JSON [`crate::domain::onboarding::OnboardingData`].
    pub data: String,
    /// JSON [`crate::domain::onboarding::Failure`].
    pub last_failure: Option<String>,
    /// Started (ms).
    pub started_at: i64,
    /// Last activity (ms).
    pub updated_at: i64,
    /// Completed (ms).
    pub completed_at: Option<i64>,
    /// Marked abandoned after inactivity (ms); cleared on resumption.
    pub abandoned_at: Option<i64>,
}

/// A session joined with its invitation, for the operator's list and the funnel.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OnboardingListing {
    /// Session id.
    pub id: String,
    /// Invitation label.
    pub label: String,
    /// Invitation created (ms).
    pub invited_at: i64,
    /// Current step.
    pub current_step: i64,
    /// Highest completed step.
    pub completed_through: i64,
    /// Highest step any event names.
    pub reached: i64,
    /// Tenant slug, once created.
    pub tenant: Option<String>,
    /// Started (ms).
    pub started_at: i64,
    /// Last activity (ms).
    pub updated_at: i64,
    /// Completed (ms).
    pub completed_at: Option<i64>,
    /// Abandoned (ms).
    pub abandoned_at: Option<i64>,
}

/// One funnel telemetry event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OnboardingEventRow {
    /// `obe_…` id.
    pub id: String,
    /// The session.
    pub session_id: String,
    /// The step (1-5).
    pub step: i64,
    /// `viewed`, `completed`, `failed`, `back`, `abandoned`, `resumed`.
    pub kind: String,
    /// Why it failed (or `inactive`).
    pub reason: Option<String>,
    /// `browser`, `cli` or `server`.
    pub via: String,
    /// When (ms).
    pub at: i64,
}

/// A published policy version.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PolicyReleaseRow {
    /// Version.
    pub version: i64,
    /// SHA-256 of the bundle.
    pub sha256: String,
    /// Who published it.
    pub published_by: String,
    /// When (ms).
    pub published_at: i64,
}

const INVITE_COLUMNS: &str =
    "id, token_hash, label, created_by, created_at, expires_at, used_at, renewal_requested_at, renewal_note";
const SESSION_COLUMNS: &str = "id, invitation_id, current_step, completed_through, org_id, data, last_failure, \
     started_at, updated_at, completed_at, abandoned_at";

impl Db {
    /// Stores a new invitation.
    pub async fn insert_invitation(&self, i: &InvitationRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO invitations ({INVITE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL)"
        ))
        .bind(&i.id)
        .bind(&i.token_hash)
        .bind(&i.label)
        .bind(&i.created_by)
        .bind(i.created_at)
        .bind(i.expires_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The invitation whose token hashes to `hash`.
    pub async fn invitation_by_hash(&self, hash: &str) -> StoreResult<Option<InvitationRow>> {
        Ok(sqlx::query_as(&format!("SELECT {INVITE_COLUMNS} FROM invitations WHERE token_hash = $1"))
            .bind(hash)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Invitations, newest first.
    pub async fn invitations(&self, limit: i64) -> StoreResult<Vec<InvitationRow>> {
        Ok(sqlx::query_as(&format!("SELECT {INVITE_COLUMNS} FROM invitations ORDER BY created_at DESC LIMIT $1"))
            .bind(limit)
            .fetch_all(self.pool())
            .await?)
    }

    /// Gives an unused invitation a new token and expiry (its session, if any, carries on);
    /// true when it was renewed.
    pub async fn renew_invitation(&self, id: &str, token_hash: &str, expires_at: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE invitations SET token_hash = $1, expires_at = $2, renewal_requested_at = NULL, renewal_note = NULL \
             WHERE id = $3 AND used_at IS NULL",
        )
        .bind(token_hash)
        .bind(expires_at)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Records the invitee's request for a new link (the first one counts).
    pub async fn request_renewal(&self, id: &str, note: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE invitations SET renewal_requested_at = $1, renewal_note = $2 \
             WHERE id = $3 AND renewal_requested_at IS NULL",
        )
        .bind(now)
        .bind(note)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Starts the session of an invitation; `Conflict` when it already has one.
    pub async fn insert_onboarding(&self, s: &OnboardingRow) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO onboarding_sessions ({SESSION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&s.id)
        .bind(&s.invitation_id)
        .bind(s.current_step)
        .bind(s.completed_through)
        .bind(&s.org_id)
        .bind(&s.data)
        .bind(&s.last_failure)
        .bind(s.started_at)
        .bind(s.updated_at)
        .bind(s.completed_at)
        .bind(s.abandoned_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The session of an invitation.
    pub async fn onboarding_for_invitation(&self, invitation_id: &str) -> StoreResult<Option<OnboardingRow>> {
        Ok(sqlx::query_as(&format!("SELECT {SESSION_COLUMNS} FROM onboarding_sessions WHERE invitation_id = $1"))
            .bind(invitation_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// The unfinished session that created tenant `org_id`, if any: (current step, highest step completed).
    pub async fn unfinished_onboarding_of(&self, org_id: &str) -> StoreResult<Option<(i64, i64)>> {
        Ok(sqlx::query_as(
            "SELECT current_step, completed_through FROM onboarding_sessions \
             WHERE org_id = $1 AND completed_at IS NULL ORDER BY started_at DESC LIMIT 1",
        )
        .bind(org_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Saves a session's state (not its completion: see [`Db::complete_onboarding`]).
    pub async fn save_onboarding(&self, s: &OnboardingRow) -> StoreResult<()> {
        sqlx::query(
            "UPDATE onboarding_sessions SET current_step = $1, completed_through = $2, org_id = $3, data = $4, \
             last_failure = $5, updated_at = $6, abandoned_at = $7 WHERE id = $8",
        )
        .bind(s.current_step)
        .bind(s.completed_through)
        .bind(&s.org_id)
        .bind(&s.data)
        .bind(&s.last_failure)
        .bind(s.updated_at)
        .bind(s.abandoned_at)
        .bind(&s.id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks sessions idle since before `idle_before` abandoned; returns their ids.
    pub async fn abandon_idle_onboardings(&self, idle_before: i64, now: i64) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "UPDATE onboarding_sessions SET abandoned_at = $1 \
             WHERE completed_at IS NULL AND abandoned_at IS NULL AND updated_at < $2 \
             RETURNING id, current_step",
        )
        .bind(now)
        .bind(idle_before)
        .fetch_all(self.pool())
        .await?)
    }

    /// Records a telemetry event.
    pub async fn insert_onboarding_event(&self, e: &OnboardingEventRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO onboarding_events (id, session_id, step, kind, reason, via, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&e.id)
        .bind(&e.session_id)
        .bind(e.step)
        .bind(&e.kind)
        .bind(&e.reason)
        .bind(&e.via)
        .bind(e.at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The last event of a session: (step, kind).
    pub async fn last_onboarding_event(&self, session_id: &str) -> StoreResult<Option<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT step, kind FROM onboarding_events WHERE session_id = $1 ORDER BY at DESC, id DESC LIMIT 1",
        )
        .bind(session_id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Every session with its invitation and the highest step it reached, newest first.
    pub async fn onboarding_listings(&self) -> StoreResult<Vec<OnboardingListing>> {
        Ok(sqlx::query_as(
            "SELECT s.id, i.label, i.created_at AS invited_at, s.current_step, s.completed_through, \
                    COALESCE((SELECT MAX(e.step) FROM onboarding_events e WHERE e.session_id = s.id), s.current_step) \
                      AS reached, \
                    o.slug AS tenant, s.started_at, s.updated_at, s.completed_at, s.abandoned_at \
             FROM onboarding_sessions s JOIN invitations i ON i.id = s.invitation_id \
             LEFT JOIN orgs o ON o.id = s.org_id ORDER BY s.started_at DESC",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// The reason of every failed check.
    pub async fn onboarding_failure_reasons(&self) -> StoreResult<Vec<String>> {
        Ok(sqlx::query_scalar(
            "SELECT reason FROM onboarding_events WHERE kind = 'failed' AND reason IS NOT NULL ORDER BY at",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// Publishes a policy version; `Conflict` when that version exists.
    pub async fn insert_policy_release(&self, r: &PolicyReleaseRow, bundle: &[u8], signature: &str) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO policy_releases (version, sha256, bundle, signature, published_by, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(r.version)
        .bind(&r.sha256)
        .bind(bundle)
        .bind(signature)
        .bind(&r.published_by)
        .bind(r.published_at)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Published policy versions, newest first.
    pub async fn policy_releases(&self) -> StoreResult<Vec<PolicyReleaseRow>> {
        Ok(sqlx::query_as(
            "SELECT version, sha256, published_by, published_at FROM policy_releases ORDER BY version DESC",
        )
        .fetch_all(self.pool())
        .await?)
    }

    /// One published version with its bundle and signature.
    pub async fn policy_release(&self, version: i64) -> StoreResult<Option<(PolicyReleaseRow, Vec<u8>, String)>> {
        let row: Option<(i64, String, String, i64, Vec<u8>, String)> = sqlx::query_as(
            "SELECT version, sha256, published_by, published_at, bundle, signature FROM policy_releases \
             WHERE version = $1",
        )
        .bind(version)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(version, sha256, published_by, published_at, bundle, signature)| {
            (PolicyReleaseRow { version, sha256, published_by, published_at }, bundle, signature)
        }))
    }
}

impl Tx<'_> {
    /// Claims a session's completion; true for the one caller that did (a
    /// second browser tab or the CLI racing it gets false).
    pub async fn complete_onboarding(&mut self, id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE onboarding_sessions SET completed_at = $1, updated_at = $1, abandoned_at = NULL \
             WHERE id = $2 AND completed_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Marks an invitation used; true when this call did.
    pub async fn use_invitation(&mut self, id: &str, now: i64) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
