//! A unit of work: several writes that commit together or not at all.
//!
//! A service opens one with [`Db::transaction`], calls the write methods
//! each area defines on [`Tx`] (`impl Tx<'_>` blocks beside their `impl Db`
//! reads), and ends with [`Tx::commit`]. Dropping a `Tx` without committing
//! rolls every write back, so an early `?` return leaves nothing half-done.
//!
//! On SQLite the transaction starts `IMMEDIATE` (it holds the write lock from
//! its first statement, so a read-then-write never fails on lock upgrade) and
//! takes this process's write turn; on Postgres it is an ordinary
//! READ COMMITTED transaction and row locks do the rest.

use super::{Backend, Db, StoreResult};
use sqlx::{Any, AnyConnection, Transaction};
use tokio::sync::MutexGuard;

/// An open unit of work on one connection. See the module docs.
pub struct Tx<'d> {
    db: &'d Db,
    inner: Transaction<'static, Any>,
    /// Held (SQLite only) until commit or drop; declared after `inner` so the
    /// rollback of a dropped transaction is issued before the turn passes on.
    _turn: Option<MutexGuard<'d, ()>>,
    forget_keys_on_commit: bool,
}

impl std::fmt::Debug for Tx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tx").field("backend", &self.db.backend()).finish_non_exhaustive()
    }
}

impl Db {
    /// Opens a unit of work. Commit it with [`Tx::commit`]; drop it to roll back.
    pub async fn transaction(&self) -> StoreResult<Tx<'_>> {
        let turn = self.write_turn().await;
        let inner = match self.backend() {
            Backend::Sqlite => self.pool().begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool().begin().await?,
        };
        Ok(Tx { db: self, inner, _turn: turn, forget_keys_on_commit: false })
    }
}

impl Tx<'_> {
    /// Makes every write of this unit durable and visible at once.
    pub async fn commit(self) -> StoreResult<()> {
        let Tx { db, inner, _turn, forget_keys_on_commit } = self;
        inner.commit().await?;
        if forget_keys_on_commit {
            db.key_cache.clear();
        }
        Ok(())
    }

    /// The connection the unit's statements run on.
    pub(super) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }

    /// Marks that API keys' validity changed: the authentication cache is
    /// emptied once the change is committed (not before, or a concurrent
    /// request could cache the old row again).
    pub(super) fn forget_keys_on_commit(&mut self) {
        self.forget_keys_on_commit = true;
    }
}
