//! Browser sessions, stored by the SHA-256 of their token.

use super::{Db, StoreResult, Tx};

/// A session joined with its user and organisation.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// SHA-256 (hex) of the cookie token.
    pub token_hash: String,
    /// Last request time (ms).
    pub last_seen_at: i64,
    /// Absolute end (ms).
    pub expires_at: i64,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
    /// The user.
    pub user_id: String,
    /// The user's e-mail.
    pub email: String,
    /// The user's name.
    pub name: String,
    /// The user's role.
    pub role: String,
    /// The user's access end (auditors).
    pub user_expires_at: Option<i64>,
    /// When the user was disabled.
    pub disabled_at: Option<i64>,
    /// The user's organisation.
    pub org_id: String,
    /// Its name.
    pub org_name: String,
    /// Its kind.
    pub org_kind: String,
    /// When it was suspended.
    pub org_suspended_at: Option<i64>,
}

impl Db {
    /// A session with its user and organisation.
    pub async fn session(&self, token_hash: &str) -> StoreResult<Option<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT s.token_hash, s.last_seen_at, s.expires_at, s.revoked_at, \
                    u.id AS user_id, u.email, u.name, u.role, u.expires_at AS user_expires_at, u.disabled_at, \
                    o.id AS org_id, o.name AS org_name, o.kind AS org_kind, o.suspended_at AS org_suspended_at \
             FROM sessions s JOIN users u ON u.id = s.user_id JOIN orgs o ON o.id = u.org_id \
             WHERE s.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(self.pool())
        .await?)
    }

    /// Records activity on a session.
    pub async fn touch_session(&self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(token_hash)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Deletes sessions that ended (expired or revoked) before `cutoff`; returns how many.
    pub async fn purge_sessions(&self, cutoff: i64) -> StoreResult<u64> {
        let r = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1")
            .bind(cutoff)
            .execute(self.pool())
            .await?;
        Ok(r.rows_affected())
    }
}

impl Tx<'_> {
    /// Stores a new session.
    pub async fn insert_session(
        &mut self,
        token_hash: &str,
        user_id: &str,
        now: i64,
        expires_at: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Revokes one session.
    pub async fn revoke_session(&mut self, token_hash: &str, now: i64) -> StoreResult<()> {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(token_hash)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Revokes every live session of a user (e.g. on role change or disable).
    pub async fn revoke_user_sessions(&mut self, user_id: &str, now: i64) -> StoreResult<u64> {
        let r = sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(self.conn())
            .await?;
        Ok(r.rows_affected())
    }
}
