//! `hjob state-server`: the reference implementation of the state API v1
//! (`../shared/docs/state-api.md`).
//!
//! One JSON document in a file. Reads return it with an `ETag` of its
//! version; writes need a bearer token and `If-Match` with the current
//! version, are validated, audited (a JSON line, fsync) and then made
//! durable (temporary file, fsync, rename, fsync of the directory) before
//! they are acknowledged; a crash between the two is reconciled at the next
//! start, so every version has exactly one audit entry. One lock serialises
//! writers, so concurrent admins never lose an update: the loser gets 412
//! and retries. Reads are served from an in-memory snapshot that a write
//! swaps in once it is durable, so they never wait for a write's fsyncs.
//! Connection handling (timeouts, the connection cap) is in [`serve`].
//! The handlers here never ask which store is behind them (the file store
//! or ZooKeeper, [`zk_store`]): [`Backend`] answers for either, and the
//! rules both stores follow (stamps, audit entries, snapshots) are written
//! once in `store`.

mod backend;
mod serve;
mod store;
pub mod zk_store;

pub use backend::Backend;
use backend::{AuditError, Health, Served, WriteError};

pub use serve::{ServeOptions, default_max_connections, raise_file_limit, serve};

pub use store::write_durably;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use axum::extract::{FromRequest, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub use store::{DEFAULT_MODE, ServerOptions, SlowDisk, Store, load_tokens};
pub use zk_store::{ZkOptions, ZkStore, ZkUrl};

/// Largest accepted PUT body.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Builds the axum router for the state API (GET/PUT `/v1/state`,
/// `/v1/audit`, `/healthz`) over the store in `options`.
pub fn router(options: ServerOptions) -> anyhow::Result<Router> {
    let store = Arc::new(Store::open(options)?);
    Ok(router_for(store, None))
}

/// Builds the router over an opened file store (see [`router_for_backend`]).
pub fn router_for(store: Arc<Store>, access_log: Option<AccessLog>) -> Router {
    router_for_backend(Backend::File(store), access_log)
}

/// Builds the router over an already opened store, with one access-log
/// line per request sent to `access_log` when given.
pub fn router_for_backend(store: Backend, access_log: Option<AccessLog>) -> Router {
    let router = Router::new()
        .route(
            "/v1/state",
            get(get_state).put(put_state).fallback(method_not_allowed),
        )
        .route("/v1/audit", get(get_audit).fallback(method_not_allowed))
        .route("/healthz", get(healthz).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES));
    let router = match access_log {
        Some(log) => router.layer(axum::middleware::from_fn_with_state(log, access_log_line)),
        None => router,
    };
    router.with_state(store)
}

/// The access log: plain text lines (no colour codes) handed to a
/// background task that writes them to stderr through a buffer, flushed
/// whenever no more lines are waiting, so a request never waits for
/// stderr.
#[derive(Debug, Clone)]
pub struct AccessLog {
    lines: std::sync::mpsc::SyncSender<String>,
}

/// Access-log lines waiting for stderr at most; past it lines are dropped
/// rather than making a request wait or memory grow.
const ACCESS_LOG_BACKLOG: usize = 10_000;

impl AccessLog {
    /// Starts the writer thread.
    pub fn to_stderr() -> Self {
        let (lines, receiver) = std::sync::mpsc::sync_channel::<String>(ACCESS_LOG_BACKLOG);
        std::thread::spawn(move || {
            use std::io::Write as _;
            let mut out = std::io::BufWriter::new(std::io::stderr());
            while let Ok(line) = receiver.recv() {
                let _ = out.write_all(line.as_bytes());
                while let Ok(line) = receiver.try_recv() {
                    let _ = out.write_all(line.as_bytes());
                }
                let _ = out.flush();
            }
        });
        AccessLog { lines }
    }
}

/// Logs time, method, path, status and latency; never headers (tokens live
/// there) nor the query.
async fn access_log_line(State(log): State<AccessLog>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    let _ = log.lines.try_send(format!(
        "{} {method} {path} {} {:.1}ms\n",
        humantime::format_rfc3339_millis(std::time::SystemTime::now()),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    ));
    response
}

async fn not_found(request: Request) -> Response {
    error(
        StatusCode::NOT_FOUND,
        format!(
            "no such resource {}; the API has /v1/state, /v1/audit and /healthz",
            request.uri().path()
        ),
        None,
    )
}

async fn method_not_allowed(request: Request) -> Response {
    let allow = if request.uri().path() == "/v1/state" {
        "GET, HEAD, PUT"
    } else {
        "GET, HEAD"
    };
    let mut response = error(
        StatusCode::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {}; use {allow}",
            request.method(),
            request.uri().path()
        ),
        None,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static(allow));
    response
}

fn error(status: StatusCode, message: impl Into<String>, field: Option<&str>) -> Response {
    let mut body = json!({ "error": message.into() });
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    (status, Json(body)).into_response()
}

fn etag(version: u64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

async fn get_state(State(store): State<Backend>, headers: HeaderMap) -> Response {
    let Served { snapshot, age } = match store.snapshot() {
        Ok(served) => served,
        Err(stale) => {
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "this server lost its ZooKeeper session {} ago, past --max-stale {}: its copy of the state may be out of date, so it is not served; try another state server",
                    humantime::format_duration(std::time::Duration::from_secs(stale.age.as_secs())),
                    humantime::format_duration(stale.max)
                ),
                None,
            );
            response
                .headers_mut()
                .insert(AGE_HEADER, HeaderValue::from(stale.age.as_millis() as u64));
            return response;
        }
    };
    let version = snapshot.version;
    let body = snapshot.body.clone();
    let mut response = state_response(&headers, version, body);
    if let Some(age) = age {
        // Seconds (RFC 9111 `Age`) and milliseconds for tools.
        response
            .headers_mut()
            .insert(header::AGE, HeaderValue::from(age.as_secs()));
        response
            .headers_mut()
            .insert(AGE_HEADER, HeaderValue::from(age.as_millis() as u64));
    }
    response
}

/// The snapshot's age in milliseconds (ZooKeeper store; 0 while its
/// session is connected).
pub const AGE_HEADER: &str = "x-hjob-snapshot-age-ms";

fn state_response(headers: &HeaderMap, version: u64, body: bytes::Bytes) -> Response {
    if let Some(inm) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        && parse_etag(inm) == Some(version)
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag(version))]).into_response();
    }
    (
        StatusCode::OK,
        [
            (header::ETAG, etag(version)),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

fn parse_etag(value: &str) -> Option<u64> {
    let value = value.trim();
    let value = value.strip_prefix("W/").unwrap_or(value);
    value.trim_matches('"').parse().ok()
}

/// `PUT /v1/state`. The token and `If-Match` are checked before the body
/// is read, and the body is read only up to [`MAX_BODY_BYTES`] (the
/// `DefaultBodyLimit` layer stops the stream there), so no one can make the
/// server buffer a huge body.
async fn put_state(State(store): State<Backend>, request: Request) -> Response {
    let headers = request.headers();
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let Some(who) = token.and_then(|t| store.authenticate(t.trim())) else {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
            Json(json!({"error": "missing or unknown admin token"})),
        )
            .into_response();
    };
    let Some(if_match) = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) else {
        return error(
            StatusCode::PRECONDITION_REQUIRED,
            "If-Match with the current version is required; read the document first",
            None,
        );
    };
    let expected = if if_match.trim() == "*" {
        None
    } else {
        match parse_etag(if_match) {
            Some(v) => Some(v),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("If-Match {if_match:?} is not a version such as \"12\""),
                    None,
                );
            }
        }
    };
    let read = tokio::time::timeout(store.body_timeout(), Bytes::from_request(request, &()));
    let Ok(read) = read.await else {
        return error(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "the body did not arrive within {}; send it at once",
                humantime::format_duration(store.body_timeout())
            ),
            None,
        );
    };
    let body = match read {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the body exceeds the limit of {MAX_BODY_BYTES} bytes"),
                None,
            );
        }
        Err(rejection) => {
            return error(
                rejection.status(),
                format!("cannot read the body: {}", rejection.body_text()),
                None,
            );
        }
    };
    // Strictly: a duplicate key would otherwise be read as its last value.
    let parsed = std::str::from_utf8(&body)
        .map_err(|e| format!("not UTF-8 ({e})"))
        .and_then(|t| crate::state::parse_json_strict(t).map_err(|e| e.to_string()));
    let value: serde_json::Value = match parsed {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("body is not JSON: {e}"),
                Some("(document)"),
            );
        }
    };
    match store.write(value, expected, &who).await {
        Ok(store::Replaced::Applied { version, body }) => (
            StatusCode::OK,
            [
                (header::ETAG, etag(version)),
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
            ],
            body,
        )
            .into_response(),
        Ok(store::Replaced::Conflict { current }) => (
            StatusCode::PRECONDITION_FAILED,
            [(header::ETAG, etag(current))],
            Json(json!({
                "error": format!("version mismatch: the document is at version {current}; read it again, reapply, retry"),
                "current_version": current,
            })),
        )
            .into_response(),
        Ok(store::Replaced::Invalid(e)) => error(
            StatusCode::BAD_REQUEST,
            format!("invalid document: {e}"),
            Some(&e.field),
        ),
        Err(WriteError::Refused(why)) => {
            tracing::warn!("write refused: {why}");
            let mut response = error(
                StatusCode::SERVICE_UNAVAILABLE,
                format!(
                    "writes are refused: {why}; read the document again and retry (another state server may be connected)"
                ),
                None,
            );
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
        Err(WriteError::Failed(e)) => {
            tracing::error!("state store write failed: {e:#}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the store could not be written; the change was not applied",
                None,
            )
        }
    }
}

#[derive(Deserialize)]
struct AuditQuery {
    limit: Option<String>,
}

async fn get_audit(
    State(store): State<Backend>,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let query = match query {
        Ok(Query(q)) => q,
        Err(rejection) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("bad query: {}", rejection.body_text()),
                Some("limit"),
            );
        }
    };
    let limit = match query.limit.as_deref() {
        None => 20,
        Some(text) => match text.trim().parse::<usize>() {
            Ok(n) => n.min(10_000),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("?limit={text:?} is not a count; use a whole number such as ?limit=20"),
                    Some("limit"),
                );
            }
        },
    };
    match store.audit(limit).await {
        Ok(entries) => Json(json!({ "entries": entries })).into_response(),
        Err(AuditError::Unavailable(e)) => error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the audit lives in ZooKeeper and cannot be read now: {e:#}"),
            None,
        ),
        Err(AuditError::Unreadable(e)) => {
            tracing::error!("audit log unreadable: {e:#}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "audit log unreadable",
                None,
            )
        }
    }
}

/// `200` `ok` while reads and writes work. The file store: `503` when a
/// failed write could not be taken back and writes are refused until a
/// restart. The ZooKeeper store without a session: `200` `degraded` (JSON
/// saying so, writes refused, reads from a snapshot of the age given)
/// within `--max-stale`; `503` past it.
async fn healthz(State(store): State<Backend>) -> Response {
    match store.health() {
        Health::Ok => (StatusCode::OK, "ok\n").into_response(),
        Health::WritesRefused { problem } => error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "reads work but writes are refused: {problem}; restart the server to reconcile the store and its audit log"
            ),
            None,
        ),
        Health::Degraded {
            problem,
            age,
            max_stale,
        } => (
            StatusCode::OK,
            [(AGE_HEADER, HeaderValue::from(age.as_millis() as u64))],
            Json(json!({
                "status": "degraded",
                "writes": "refused",
                "reads": "served from the last snapshot",
                "snapshot_age_ms": age.as_millis() as u64,
                "max_stale_ms": max_stale.as_millis() as u64,
                "problem": problem,
            })),
        )
            .into_response(),
        Health::Down { problem, stale } => error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "reads and writes are refused: {problem}, and the snapshot is {}s old, past --max-stale {}",
                stale.age.as_secs(),
                humantime::format_duration(stale.max)
            ),
            None,
        ),
    }
}
