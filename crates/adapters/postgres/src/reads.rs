//! Connections for single-statement reads, given back without a round trip.
//!
//! sqlx's pool checks every connection on its way back (a Sync and its answer: one more round
//! trip per request, a quarter of the cost of a small read). A connection that has just run one
//! complete statement outside any transaction needs no check: its implicit transaction is over,
//! so its tenant setting is gone, and the protocol is at rest. Reads take their connection here
//! and give it back only when their statement finished, with rows or with a database error; a
//! read cancelled midway, or a connection that failed, is dropped, which closes it.
//!
//! List pages take a connection that plans generically ([`Planning::Generic`]): their statement
//! (subqueries, row-level security on each table, the inlined tenant function) costs PostgreSQL
//! several times more to plan than to run, and its default re-plans it at every execution when
//! the custom plans look cheaper. Their SQL names only the filters a request gives and every
//! table is reached through an index that leads with `tenant_id`, so one plan serves every value.
//! Other reads keep PostgreSQL's default: a lookup by id is cheap to plan, and a generic plan
//! made while the statistics are stale (a table grown from nothing since the last ANALYZE) may
//! tie between indexes and keep the wrong one until the next ANALYZE.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use faireplace_ports::RepoError;
use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, PgConnection};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::error::map_error;

/// Connections are retired after this long, so that the server's memory per session is
/// renewed now and then.
const MAX_LIFETIME: Duration = Duration::from_secs(30 * 60);

/// How a read connection's prepared statements are planned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Planning {
    /// PostgreSQL's default (`plan_cache_mode = auto`).
    Default,
    /// One generic plan per statement (`plan_cache_mode = force_generic_plan`).
    Generic,
}

struct Idle {
    conn: PgConnection,
    born: Instant,
    planning: Planning,
}

/// A small pool of connections for [`ReadConn`]s: at most `max` lent at once, and at most `max`
/// open, whatever their planning.
pub(crate) struct ReadPool {
    options: PgConnectOptions,
    generic: PgConnectOptions,
    idle: Mutex<Vec<Idle>>,
    permits: Semaphore,
    max: usize,
    acquire_timeout: Duration,
}

impl std::fmt::Debug for ReadPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPool")
            .field("available", &self.permits.available_permits())
            .finish_non_exhaustive()
    }
}

impl ReadPool {
    pub(crate) fn new(options: PgConnectOptions, max: u32, acquire_timeout: Duration) -> Self {
        let max = max.max(1) as usize;
        Self {
            generic: options
                .clone()
                .options([("plan_cache_mode", "force_generic_plan")]),
            options,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(max),
            max,
            acquire_timeout,
        }
    }

    /// A connection with PostgreSQL's default planning.
    pub(crate) async fn acquire(&self) -> Result<ReadConn<'_>, RepoError> {
        self.acquire_planned(Planning::Default).await
    }

    /// A connection that plans generically, for list pages (see the module's documentation).
    pub(crate) async fn acquire_generic(&self) -> Result<ReadConn<'_>, RepoError> {
        self.acquire_planned(Planning::Generic).await
    }

    /// The most recently used idle connection of that planning, or a new one (closing an idle
    /// one of the other planning when `max` are open).
    async fn acquire_planned(&self, planning: Planning) -> Result<ReadConn<'_>, RepoError> {
        let permit = tokio::time::timeout(self.acquire_timeout, self.permits.acquire())
            .await
            .map_err(|_| map_error(sqlx::Error::PoolTimedOut))?
            .map_err(|_| map_error(sqlx::Error::PoolClosed))?;
        let reused = self.idle.lock().ok().and_then(|mut idle| {
            idle.retain(|c| c.born.elapsed() < MAX_LIFETIME);
            if let Some(at) = idle.iter().rposition(|c| c.planning == planning) {
                return Some(idle.remove(at));
            }
            // A new connection is opened: the lent ones (this one included) and the idle
            // ones stay within `max`.
            let lent = self.max - self.permits.available_permits();
            if lent + idle.len() > self.max && !idle.is_empty() {
                idle.remove(0);
            }
            None
        });
        let (conn, born) = match reused {
            Some(idle) => (idle.conn, idle.born),
            None => {
                let options = match planning {
                    Planning::Default => &self.options,
                    Planning::Generic => &self.generic,
                };
                let conn = tokio::time::timeout(self.acquire_timeout, options.connect())
                    .await
                    .map_err(|_| map_error(sqlx::Error::PoolTimedOut))?
                    .map_err(map_error)?;
                (conn, Instant::now())
            }
        };
        Ok(ReadConn {
            conn: Some(conn),
            born,
            planning,
            pool: self,
            _permit: permit,
        })
    }
}

/// A connection lent for one statement. Dropped without [`ReadConn::finish`], it is closed.
pub(crate) struct ReadConn<'a> {
    conn: Option<PgConnection>,
    born: Instant,
    planning: Planning,
    pool: &'a ReadPool,
    _permit: SemaphorePermit<'a>,
}

impl ReadConn<'_> {
    pub(crate) fn conn(&mut self) -> &mut PgConnection {
        // Present until `finish` consumes `self`.
        self.conn
            .as_mut()
            .unwrap_or_else(|| unreachable!("a lent connection"))
    }

    /// Gives the connection back after its statement ended: with rows, or with an error the
    /// database answered (the connection is then at rest too). Any other error closes it.
    pub(crate) fn finish<T>(mut self, result: Result<T, sqlx::Error>) -> Result<T, RepoError> {
        let reusable = match &result {
            Ok(_) => true,
            Err(
                sqlx::Error::Database(_)
                | sqlx::Error::RowNotFound
                | sqlx::Error::ColumnDecode { .. },
            ) => true,
            Err(_) => false,
        };
        if reusable
            && let Some(conn) = self.conn.take()
            && let Ok(mut idle) = self.pool.idle.lock()
        {
            idle.push(Idle {
                conn,
                born: self.born,
                planning: self.planning,
            });
        }
        result.map_err(map_error)
    }
}
