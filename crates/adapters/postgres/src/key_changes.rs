//! The keys that stop authenticating, as the database announces them (migration 0025: a
//! trigger on `api_keys` and `worker_keys` names each key deleted, revoked or changed on the
//! channel `faireplace_keys` when its transaction commits). Every server instance listens, so
//! that a key revoked through one instance, by the command line, or deleted with its lessee, is
//! refused by all of them at once, not when their caches expire.

use std::time::Duration;

use faireplace_ports::RepoError;
use sqlx::postgres::{PgListener, PgPoolOptions};

use crate::Db;
use crate::error::map_error;

/// The channel the trigger notifies.
pub const CHANNEL: &str = "faireplace_keys";

/// What the listener heard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyChange {
    /// This key id changed: forget it.
    Key(String),
    /// The connection was lost and is being made again: changes may have been missed, so
    /// forget every key.
    Missed,
}

/// A listener on its own connection (it never holds one of the request pool's).
pub struct KeyChanges {
    pool: sqlx::PgPool,
    listener: Option<PgListener>,
}

impl KeyChanges {
    /// Listens from now on: changes committed after this returns are heard.
    pub async fn listen(db: &Db) -> Result<Self, RepoError> {
        let options = (*db.pool().connect_options()).clone();
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(options);
        let listener = Some(Self::connect(&pool).await?);
        Ok(Self { pool, listener })
    }

    async fn connect(pool: &sqlx::PgPool) -> Result<PgListener, RepoError> {
        let mut listener = PgListener::connect_with(pool).await.map_err(map_error)?;
        listener.listen(CHANNEL).await.map_err(map_error)?;
        Ok(listener)
    }

    /// The next change. After the connection was lost, the listener connects and listens
    /// again first, then answers `Missed`: what changed in between was not heard, and anything
    /// cached before can be dropped, knowing that later changes will be heard. An error when
    /// the database cannot be reached (call again to retry).
    pub async fn next(&mut self) -> Result<KeyChange, RepoError> {
        loop {
            let Some(listener) = self.listener.as_mut() else {
                self.listener = Some(Self::connect(&self.pool).await?);
                return Ok(KeyChange::Missed);
            };
            match listener.try_recv().await {
                Ok(Some(n)) => return Ok(KeyChange::Key(n.payload().to_owned())),
                // The connection was lost: listen anew on a new one before answering.
                Ok(None) => self.listener = None,
                Err(e) => {
                    self.listener = None;
                    return Err(map_error(e));
                }
            }
        }
    }
}
