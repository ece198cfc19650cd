//! Serving the state API so that no client can take it offline: every
//! `hjob` on every machine asks this server before it submits, so its
//! availability is everyone's.
//!
//! - A request's head must arrive within `header_timeout` (hyper's header
//!   read timer, which also runs while a kept-alive connection waits for its
//!   next request), and a PUT body within the body timeout of the store's
//!   options.
//! - A kept-alive connection with no request in flight is closed after
//!   `idle_timeout` (or `header_timeout`, if shorter, as hyper's header
//!   timer runs while it waits).
//! - At most `max_connections` are open at once (by default what the file
//!   limit allows, after raising the soft limit to the hard one). A new
//!   connection past the cap closes the connection that has been idle the
//!   longest (slow-drip requests count as idle: no handler runs for them
//!   yet), so a flood of idle or slow sockets never locks out a real read.
//! - Running out of file descriptors in `accept` sheds an idle connection
//!   and goes on, instead of spinning or stopping.
//! - Connections are served on single-threaded runtimes, one per core
//!   ([`Workers`]), as nginx's workers serve theirs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};
use tokio::time::Instant;
use tower::ServiceExt as _;

/// File descriptors kept free for the store, the audit log and stderr.
const RESERVED_FDS: u64 = 64;

/// How connections are bounded.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Time allowed for a request's head (line and headers).
    pub header_timeout: Duration,
    /// Time a kept-alive connection may wait for its next request (at
    /// most `header_timeout`).
    pub idle_timeout: Duration,
    /// Open connections at most; `None`: the file limit less a reserve.
    pub max_connections: Option<usize>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(5),
            max_connections: None,
        }
    }
}

/// Raises the soft limit on open files to the hard limit (as servers such
/// as nginx do with `worker_rlimit_nofile`) and returns the limit in force.
pub fn raise_file_limit() -> u64 {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    if let (Some(current), maximum) = (limit.current, limit.maximum)
        && maximum.is_none_or(|m| m > current)
    {
        // An unlimited hard limit is not a valid soft one on Linux; stay
        // within the kernel's usual nr_open.
        let target = maximum.unwrap_or(1 << 20).min(1 << 20);
        if target > current
            && setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: Some(target),
                    maximum,
                },
            )
            .is_ok()
        {
            return target;
        }
        return current;
    }
    limit.current.unwrap_or(1 << 20)
}

/// The connection cap for a file limit.
pub fn default_max_connections(file_limit: u64) -> usize {
    file_limit.saturating_sub(RESERVED_FDS).clamp(16, 100_000) as usize
}

/// One open connection as the cap sees it.
struct Connection {
    /// Requests whose handler is running.
    busy: AtomicUsize,
    /// Milliseconds since the server started, at the last request's end
    /// (or the accept).
    last_active: AtomicU64,
    shed: Notify,
}

impl Connection {
    fn idle_since(&self) -> Option<u64> {
        (self.busy.load(Ordering::SeqCst) == 0).then(|| self.last_active.load(Ordering::SeqCst))
    }
}

/// The open connections.
struct Registry {
    started: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
}

impl Registry {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Arc<Connection>>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Closes the connection idle the longest; false when none is idle.
    fn shed_oldest_idle(&self, open: &mut HashMap<u64, Arc<Connection>>) -> bool {
        let oldest = open
            .iter()
            .filter_map(|(id, c)| c.idle_since().map(|since| (since, *id)))
            .min();
        match oldest.and_then(|(_, id)| open.remove(&id)) {
            Some(connection) => {
                connection.shed.notify_one();
                true
            }
            None => false,
        }
    }

    /// Registers a new connection within the cap, shedding the oldest idle
    /// one when full; `None` when every open connection is busy.
    fn admit(&self, cap: usize) -> Option<(u64, Arc<Connection>)> {
        let mut open = self.lock();
        while open.len() >= cap {
            if !self.shed_oldest_idle(&mut open) {
                return None;
            }
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let connection = Arc::new(Connection {
            busy: AtomicUsize::new(0),
            last_active: AtomicU64::new(self.now_ms()),
            shed: Notify::new(),
        });
        open.insert(id, connection.clone());
        Some((id, connection))
    }

    fn remove(&self, id: u64) {
        self.lock().remove(&id);
    }
}

/// Marks a request as running on its connection until dropped.
struct Busy {
    connection: Arc<Connection>,
    registry: Arc<Registry>,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.connection
            .last_active
            .store(self.registry.now_ms(), Ordering::SeqCst);
        self.connection.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the
/// requests in flight finish (at most 5 seconds).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    options: ServeOptions,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let cap = options
        .max_connections
        .unwrap_or_else(|| default_max_connections(raise_file_limit()))
        .max(1);
    let registry = Arc::new(Registry {
        started: Instant::now(),
        next_id: AtomicU64::new(0),
        open: Mutex::new(HashMap::new()),
    });
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = Workers::start()?;
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    let mut last_accept_warning: Option<Instant> = None;
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        // Reap finished connection tasks as we go.
        while tasks.try_join_next().is_some() {}
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of descriptors (EMFILE/ENFILE) or a connection reset
                // before accept: free an idle slot, pause briefly, go on.
                if last_accept_warning.is_none_or(|t| t.elapsed() > Duration::from_secs(10)) {
                    tracing::warn!("accept failed ({e}); closing the longest idle connection");
                    last_accept_warning = Some(Instant::now());
                }
                registry.shed_oldest_idle(&mut registry.lock());
                tokio::time::sleep(Duration::from_millis(5)).await;
                continue;
            }
        };
        let Some((id, connection)) = registry.admit(cap) else {
            // Every connection is in a request: refuse this one.
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        // Served on a worker thread's own runtime (see [`Workers`]).
        let stream = match stream.into_std() {
            Ok(stream) => stream,
            Err(_) => {
                registry.remove(id);
                continue;
            }
        };
        let app = app.clone();
        let registry = registry.clone();
        let mut stop = stop_rx.clone();
        let options = options.clone();
        tasks.spawn_on(
            async move {
                let Ok(stream) = tokio::net::TcpStream::from_std(stream) else {
                    registry.remove(id);
                    return;
                };
                let service = {
                    let connection = connection.clone();
                    let registry = registry.clone();
                    hyper::service::service_fn(
                        move |request: hyper::Request<hyper::body::Incoming>| {
                            connection.busy.fetch_add(1, Ordering::SeqCst);
                            let busy = Busy {
                                connection: connection.clone(),
                                registry: registry.clone(),
                            };
                            let app = app.clone();
                            async move {
                                let response =
                                    app.oneshot(request.map(axum::body::Body::new)).await;
                                drop(busy);
                                response
                            }
                        },
                    )
                };
                let mut builder = hyper::server::conn::http1::Builder::new();
                builder
                    .timer(TokioTimer::new())
                    .header_read_timeout(options.header_timeout)
                    .keep_alive(true);
                let conn = builder.serve_connection(TokioIo::new(stream), service);
                tokio::pin!(conn);
                let idle_ms = options.idle_timeout.as_millis() as u64;
                let mut stopping = false;
                loop {
                    let since = connection.idle_since().unwrap_or_else(|| registry.now_ms());
                    let wake = registry.started + Duration::from_millis(since + idle_ms);
                    tokio::select! {
                        _ = conn.as_mut() => break,
                        () = connection.shed.notified() => break,
                        changed = stop.changed(), if !stopping => {
                            let _ = changed;
                            stopping = true;
                            conn.as_mut().graceful_shutdown();
                        }
                        () = tokio::time::sleep_until(wake) => {
                            if connection
                                .idle_since()
                                .is_some_and(|s| registry.now_ms() >= s + idle_ms)
                            {
                                break;
                            }
                        }
                    }
                }
                registry.remove(id);
            },
            workers.next(),
        );
    }
    drop(listener);
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    drop(tasks);
    let _ = tokio::task::spawn_blocking(move || workers.stop()).await;
    Ok(())
}

/// Single-threaded runtimes, one per core, that serve the connections: a
/// connection lives on one thread with its socket, its timers and its
/// handler, so a request costs no wake-up across threads (nginx's workers,
/// not a work-stealing pool). New connections go to them in turn.
struct Workers {
    handles: Vec<tokio::runtime::Handle>,
    next: AtomicUsize,
    stop: watch::Sender<bool>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl Workers {
    fn start() -> std::io::Result<Workers> {
        let count = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (stop, stopped) = watch::channel(false);
        let mut handles = Vec::with_capacity(count);
        let mut threads = Vec::with_capacity(count);
        for n in 0..count {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            handles.push(runtime.handle().clone());
            let mut stopped = stopped.clone();
            threads.push(
                std::thread::Builder::new()
                    .name(format!("state-server-{n}"))
                    .spawn(move || {
                        runtime.block_on(async move {
                            while !*stopped.borrow_and_update() {
                                if stopped.changed().await.is_err() {
                                    break;
                                }
                            }
                        });
                    })?,
            );
        }
        Ok(Workers {
            handles,
            next: AtomicUsize::new(0),
            stop,
            threads,
        })
    }

    /// The runtime for the next connection.
    fn next(&self) -> &tokio::runtime::Handle {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        &self.handles[n % self.handles.len()]
    }

    /// Ends the worker threads (their runtimes drop what still runs).
    fn stop(self) {
        let _ = self.stop.send(true);
        for thread in self.threads {
            let _ = thread.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_sheds_the_longest_idle_connection_and_never_a_busy_one() {
        let registry = Registry {
            started: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        };
        let (a, first) = registry.admit(2).unwrap();
        let (b, second) = registry.admit(2).unwrap();
        first.last_active.store(5, Ordering::SeqCst);
        second.last_active.store(1, Ordering::SeqCst);
        // The older idle one (b) goes.
        let (c, third) = registry.admit(2).unwrap();
        assert!(registry.lock().contains_key(&a));
        assert!(!registry.lock().contains_key(&b));
        assert!(registry.lock().contains_key(&c));
        // Both busy: a new connection is refused, none is shed.
        first.busy.store(1, Ordering::SeqCst);
        third.busy.store(1, Ordering::SeqCst);
        assert!(registry.admit(2).is_none());
        assert_eq!(registry.lock().len(), 2);
    }

    #[test]
    fn the_default_cap_leaves_a_reserve() {
        assert_eq!(default_max_connections(1024), 960);
        assert_eq!(default_max_connections(10), 16);
    }
}
