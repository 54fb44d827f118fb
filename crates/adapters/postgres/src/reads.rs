//! Connections for single-statement reads, given back without a round trip.
//!
//! sqlx's pool checks every connection on its way back (a Sync and its answer: one more round
//! trip per request, a quarter of the cost of a small read). A connection that has just run one
//! complete statement outside any transaction needs no check: its implicit transaction is over,
//! so its tenant setting is gone, and the protocol is at rest. Reads take their connection here
//! and give it back only when their statement finished, with rows or with a database error; a
//! read cancelled midway, or a connection that failed, is dropped, which closes it.

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

struct Idle {
    conn: PgConnection,
    born: Instant,
}

/// A small pool of connections for [`ReadConn`]s.
pub(crate) struct ReadPool {
    options: PgConnectOptions,
    idle: Mutex<Vec<Idle>>,
    permits: Semaphore,
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
        Self {
            options,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(max.max(1) as usize),
            acquire_timeout,
        }
    }

    /// A connection: the most recently used idle one, or a new one.
    pub(crate) async fn acquire(&self) -> Result<ReadConn<'_>, RepoError> {
        let permit = tokio::time::timeout(self.acquire_timeout, self.permits.acquire())
            .await
            .map_err(|_| map_error(sqlx::Error::PoolTimedOut))?
            .map_err(|_| map_error(sqlx::Error::PoolClosed))?;
        let reused = self.idle.lock().ok().and_then(|mut idle| {
            while let Some(c) = idle.pop() {
                if c.born.elapsed() < MAX_LIFETIME {
                    return Some(c);
                }
            }
            None
        });
        let (conn, born) = match reused {
            Some(idle) => (idle.conn, idle.born),
            None => {
                let conn = tokio::time::timeout(self.acquire_timeout, self.options.connect())
                    .await
                    .map_err(|_| map_error(sqlx::Error::PoolTimedOut))?
                    .map_err(map_error)?;
                (conn, Instant::now())
            }
        };
        Ok(ReadConn {
            conn: Some(conn),
            born,
            pool: self,
            _permit: permit,
        })
    }
}

/// A connection lent for one statement. Dropped without [`ReadConn::finish`], it is closed.
pub(crate) struct ReadConn<'a> {
    conn: Option<PgConnection>,
    born: Instant,
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
            });
        }
        result.map_err(map_error)
    }
}
