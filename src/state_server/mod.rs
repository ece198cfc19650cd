//! `hjob state-server`: the reference implementation of the state API v1
//! (`../shared/docs/state-api.md`).
//!
//! One JSON document in a file. Reads return it with an `ETag` of its
//! version; writes need a bearer token and `If-Match` with the current
//! version, are validated, and are durable before they are acknowledged
//! (temporary file, fsync, rename, fsync of the directory), then appended to
//! an audit log (JSON lines, fsync). One lock serialises writers, so
//! concurrent admins never lose an update: the loser gets 412 and retries.

mod store;

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

pub use store::{ServerOptions, Store, load_tokens};

/// Largest accepted PUT body.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// Builds the axum router for the state API (GET/PUT `/v1/state`,
/// `/v1/audit`, `/healthz`) over the store in `options`, with one access-log
/// line per request.
pub fn router(options: ServerOptions) -> anyhow::Result<Router> {
    let store = Arc::new(Store::open(options)?);
    Ok(router_for(store))
}

/// Builds the router over an already opened store.
pub fn router_for(store: Arc<Store>) -> Router {
    Router::new()
        .route("/v1/state", get(get_state).put(put_state))
        .route("/v1/audit", get(get_audit))
        .route("/healthz", get(healthz))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(access_log))
        .with_state(store)
}

/// Logs method, path, status and latency; never headers (tokens live there).
async fn access_log(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        target: "hjob::state_server::access",
        "{method} {path} {} {:.1}ms",
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
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

async fn get_state(State(store): State<Arc<Store>>, headers: HeaderMap) -> Response {
    let (version, body) = store.current();
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
async fn put_state(State(store): State<Arc<Store>>, request: Request) -> Response {
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
    let body = match Bytes::from_request(request, &()).await {
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
    let value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("body is not JSON: {e}"),
                Some("(document)"),
            );
        }
    };
    match store.replace(value, expected, &who) {
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
        Err(e) => {
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
    limit: Option<usize>,
}

async fn get_audit(State(store): State<Arc<Store>>, Query(q): Query<AuditQuery>) -> Response {
    match store.audit(q.limit.unwrap_or(20).min(10_000)) {
        Ok(entries) => Json(json!({ "entries": entries })).into_response(),
        Err(e) => {
            tracing::error!("audit log unreadable: {e:#}");
            error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "audit log unreadable",
                None,
            )
        }
    }
}

async fn healthz(State(store): State<Arc<Store>>) -> Response {
    if store.is_readable() {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "store unreadable\n").into_response()
    }
}
