//! The request log and the per-request middleware that feeds it and applies
//! latency and 503 faults.
//!
//! Every request is logged when it arrives (status 0) and updated when the
//! answer is produced, so a request whose connection was dropped on purpose
//! stays visible with status 0. Byte counts follow the bodies as they stream.

use std::sync::atomic::{AtomicU16, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use http_body::Body as _;

use crate::World;
use crate::service::Service;

/// One request as a service saw it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RequestRecord {
    /// Which service answered.
    pub service: Service,
    /// The cluster the service belongs to (`None` for the state service).
    pub cluster: Option<String>,
    /// HTTP method.
    pub method: String,
    /// URL path, still percent-encoded.
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Answer status; 0 while in flight or when the connection was dropped
    /// without an answer.
    pub status: u16,
    /// Request body bytes read so far.
    pub bytes_in: u64,
    /// Response body bytes produced so far.
    pub bytes_out: u64,
}

#[derive(Debug)]
struct LiveRecord {
    service: Service,
    cluster: Option<String>,
    method: String,
    path: String,
    query: Option<String>,
    status: AtomicU16,
    bytes_in: Arc<AtomicU64>,
    bytes_out: Arc<AtomicU64>,
}

/// All requests seen by all services, in arrival order.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    records: Mutex<Vec<Arc<LiveRecord>>>,
}

impl RequestLog {
    pub(crate) fn snapshot(&self, service: Option<Service>) -> Vec<RequestRecord> {
        let records = match self.records.lock() {
            Ok(r) => r.clone(),
            Err(_) => return Vec::new(),
        };
        records
            .iter()
            .filter(|r| service.is_none_or(|s| r.service == s))
            .map(|r| RequestRecord {
                service: r.service,
                cluster: r.cluster.clone(),
                method: r.method.clone(),
                path: r.path.clone(),
                query: r.query.clone(),
                status: r.status.load(Ordering::SeqCst),
                bytes_in: r.bytes_in.load(Ordering::SeqCst),
                bytes_out: r.bytes_out.load(Ordering::SeqCst),
            })
            .collect()
    }

    pub(crate) fn clear(&self) {
        if let Ok(mut r) = self.records.lock() {
            r.clear();
        }
    }

    fn push(&self, record: Arc<LiveRecord>) {
        if let Ok(mut r) = self.records.lock() {
            r.push(record);
        }
    }
}

/// What the middleware needs to know about the listener it runs on.
#[derive(Clone)]
pub(crate) struct ListenerContext {
    pub(crate) world: Arc<World>,
    pub(crate) service: Service,
    pub(crate) cluster: Option<String>,
}

/// Middleware: log, delay, maybe fail, then count bytes of the answer.
pub(crate) async fn observe(
    State(ctx): State<ListenerContext>,
    request: Request,
    next: Next,
) -> Response {
    let record = Arc::new(LiveRecord {
        service: ctx.service,
        cluster: ctx.cluster.clone(),
        method: request.method().to_string(),
        path: request.uri().path().to_string(),
        query: request.uri().query().map(str::to_string),
        status: AtomicU16::new(0),
        bytes_in: Arc::new(AtomicU64::new(0)),
        bytes_out: Arc::new(AtomicU64::new(0)),
    });
    ctx.world.log.push(record.clone());

    let (parts, body) = request.into_parts();
    let counter = record.bytes_in.clone();
    let body = Body::from_stream(body.into_data_stream().inspect_ok(move |chunk| {
        counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
    }));
    let request = Request::from_parts(parts, body);

    let delay = ctx.world.faults.latency(ctx.service);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let response = if ctx.world.faults.take_unavailable(ctx.service) {
        unavailable(ctx.service)
    } else {
        next.run(request).await
    };

    record
        .status
        .store(response.status().as_u16(), Ordering::SeqCst);
    let (parts, body) = response.into_parts();
    let body = match body.size_hint().exact() {
        Some(n) => {
            record.bytes_out.fetch_add(n, Ordering::SeqCst);
            body
        }
        None => {
            let counter = record.bytes_out.clone();
            Body::from_stream(body.into_data_stream().inspect_ok(move |chunk| {
                counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
            }))
        }
    };
    Response::from_parts(parts, body)
}

/// The 503 a service gives while a `<service>:503xN` fault lasts.
fn unavailable(service: Service) -> Response {
    match service {
        Service::Oozie => crate::oozie::error::OozieError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "E0002",
            "E0002: System is in safe mode",
        )
        .into_response(),
        _ => {
            let mut r = (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable\n").into_response();
            r.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            r
        }
    }
}
