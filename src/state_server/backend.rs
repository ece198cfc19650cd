//! The one place that knows there are two stores: [`Backend`] answers the
//! HTTP handlers' questions (who is this token, what is served, write
//! this, the audit, health) for either, in terms the handlers turn into
//! answers without asking which store is behind them.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::store::{Replaced, Snapshot, Store};
use super::zk_store::{TooStale, WriteRefused, ZkStore};

/// The store behind the API: the file store (the default, one machine) or
/// ZooKeeper (replicated, several stateless servers in front). Both answer
/// reads from an in-memory snapshot and audit every version exactly once.
#[derive(Debug, Clone)]
pub enum Backend {
    File(Arc<Store>),
    Zk(Arc<ZkStore>),
}

/// What a read is served.
pub(super) struct Served {
    pub snapshot: Arc<Snapshot>,
    /// How old the snapshot is, for a store that can lose its source (the
    /// ZooKeeper store: zero while its session is connected); `None` for
    /// the file store, whose snapshot is the store.
    pub age: Option<Duration>,
}

/// Why a write was not applied.
pub(super) enum WriteError {
    /// Refused for now, or its outcome unknown (the ZooKeeper session is
    /// gone or broke during the commit): read again and retry, here or on
    /// another server.
    Refused(String),
    /// The store failed; the change was not applied.
    Failed(anyhow::Error),
}

/// Why the audit cannot be listed.
pub(super) enum AuditError {
    /// It lives in ZooKeeper, which cannot be reached now.
    Unavailable(anyhow::Error),
    /// The audit log could not be read.
    Unreadable(anyhow::Error),
}

/// What `/healthz` reports.
pub(super) enum Health {
    /// Reads and writes work.
    Ok,
    /// Reads work; writes are refused until a restart (the file store, after
    /// a failed write it could not take back).
    WritesRefused { problem: String },
    /// Reads are served from a snapshot of `age`, within `max_stale`;
    /// writes are refused (the ZooKeeper store without a session).
    Degraded {
        problem: String,
        age: Duration,
        max_stale: Duration,
    },
    /// Reads and writes are refused: the snapshot is too old.
    Down { problem: String, stale: TooStale },
}

impl Backend {
    /// The admin name for a token, comparing in constant time.
    pub(super) fn authenticate(&self, token: &str) -> Option<String> {
        match self {
            Backend::File(store) => store.authenticate(token),
            Backend::Zk(store) => store.authenticate(token),
        }
    }

    /// Time a PUT's body may take to arrive.
    pub(super) fn body_timeout(&self) -> Duration {
        match self {
            Backend::File(store) => store.body_timeout(),
            Backend::Zk(store) => store.body_timeout(),
        }
    }

    /// The document readers are served now, or why it may not be served.
    pub(super) fn snapshot(&self) -> Result<Served, TooStale> {
        match self {
            Backend::File(store) => Ok(Served {
                snapshot: store.snapshot(),
                age: None,
            }),
            Backend::Zk(store) => store.snapshot().map(|(snapshot, age)| Served {
                snapshot,
                age: Some(age),
            }),
        }
    }

    /// Replaces the document when `expected` is its version (`None`:
    /// whatever it is), as `who`. The file store's fsyncs run off the async
    /// workers, so reads go on meanwhile.
    pub(super) async fn write(
        &self,
        value: Value,
        expected: Option<u64>,
        who: &str,
    ) -> Result<Replaced, WriteError> {
        match self {
            Backend::File(store) => {
                let writer = store.clone();
                let who = who.to_owned();
                tokio::task::spawn_blocking(move || writer.replace(value, expected, &who))
                    .await
                    .unwrap_or_else(|e| Err(anyhow::anyhow!("the write task failed: {e}")))
                    .map_err(WriteError::Failed)
            }
            Backend::Zk(store) => store
                .replace(value, expected, who)
                .await
                .map_err(|refused| match refused {
                    WriteRefused::Unavailable(why) | WriteRefused::Unknown(why) => {
                        WriteError::Refused(why)
                    }
                    WriteRefused::Failed(why) => WriteError::Failed(anyhow::anyhow!(why)),
                }),
        }
    }

    /// The last `limit` audit entries, newest first.
    pub(super) async fn audit(&self, limit: usize) -> Result<Vec<Value>, AuditError> {
        match self {
            Backend::File(store) => {
                let reader = store.clone();
                tokio::task::spawn_blocking(move || reader.audit(limit))
                    .await
                    .unwrap_or_else(|e| Err(anyhow::anyhow!("the audit read failed: {e}")))
                    .map_err(AuditError::Unreadable)
            }
            Backend::Zk(store) => store.audit(limit).await.map_err(AuditError::Unavailable),
        }
    }

    /// Whether reads and writes work now.
    pub(super) fn health(&self) -> Health {
        match self {
            Backend::File(store) => match store.write_problem() {
                None => Health::Ok,
                Some(problem) => Health::WritesRefused { problem },
            },
            Backend::Zk(store) => {
                let Some(problem) = store.write_problem() else {
                    return Health::Ok;
                };
                match store.snapshot() {
                    Ok((_, age)) => Health::Degraded {
                        problem,
                        age,
                        max_stale: store.max_stale(),
                    },
                    Err(stale) => Health::Down { problem, stale },
                }
            }
        }
    }
}
