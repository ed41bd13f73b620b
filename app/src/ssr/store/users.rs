//! User accounts.

use super::{Db, StoreResult, Tx};

/// A user as stored (the password hash never leaves the server).
#[derive(Clone, sqlx::FromRow)]
pub struct UserRow {
    /// `usr_…` id.
    pub id: String,
    /// The organisation the user belongs to.
    pub org_id: String,
    /// Login e-mail (lower case).
    pub email: String,
    /// Display name.
    pub name: String,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// Creation time (ms).
    pub created_at: i64,
    /// End of access (auditors).
    pub expires_at: Option<i64>,
    /// When the account was disabled.
    pub disabled_at: Option<i64>,
}

impl std::fmt::Debug for UserRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRow")
            .field("id", &self.id)
            .field("org_id", &self.org_id)
            .field("email", &self.email)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

const COLUMNS: &str = "id, org_id, email, name, password_hash, role, created_at, expires_at, disabled_at";

/// A user with the name and kind of their organisation, for listings.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserListing {
    /// The user.
    #[sqlx(flatten)]
    pub user: UserRow,
    /// Organisation name.
    pub org_name: String,
    /// Organisation kind.
    pub org_kind: String,
}

impl Db {
    /// A user by login e-mail.
    pub async fn user_by_email(&self, email: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE email = $1"))
            .bind(email)
            .fetch_optional(self.pool())
            .await?)
    }

    /// A user by id.
    pub async fn user(&self, id: &str) -> StoreResult<Option<UserRow>> {
        Ok(sqlx::query_as(&format!("SELECT {COLUMNS} FROM users WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Users with their organisation, optionally only those of one organisation, by e-mail.
    pub async fn users(&self, org_id: Option<&str>) -> StoreResult<Vec<UserListing>> {
        let select = "SELECT u.id, u.org_id, u.email, u.name, u.password_hash, u.role, u.created_at, u.expires_at, \
                      u.disabled_at, o.name AS org_name, o.kind AS org_kind FROM users u JOIN orgs o ON o.id = u.org_id";
        let q = match org_id {
            Some(_) => format!("{select} WHERE u.org_id = $1 ORDER BY u.email"),
            None => format!("{select} ORDER BY u.email"),
        };
        let mut query = sqlx::query_as(&q);
        if let Some(org) = org_id {
            query = query.bind(org);
        }
        Ok(query.fetch_all(self.pool()).await?)
    }
}

impl Tx<'_> {
    /// Inserts a user; `Conflict` if the e-mail is taken.
    pub async fn insert_user(&mut self, u: &UserRow) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO users (id, org_id, email, name, password_hash, role, created_at, expires_at, disabled_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&u.id)
        .bind(&u.org_id)
        .bind(&u.email)
        .bind(&u.name)
        .bind(&u.password_hash)
        .bind(&u.role)
        .bind(u.created_at)
        .bind(u.expires_at)
        .bind(u.disabled_at)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Changes a user's role; false if there is no such user.
    pub async fn set_user_role(&mut self, id: &str, role: &str) -> StoreResult<bool> {
        let r =
            sqlx::query("UPDATE users SET role = $1 WHERE id = $2").bind(role).bind(id).execute(self.conn()).await?;
        Ok(r.rows_affected() == 1)
    }
}
