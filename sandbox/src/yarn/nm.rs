//! The NodeManager listener: `/ws/v1/node/containers/{id}`, its `/logs`
//! listing, the framed `/ws/v1/node/containerlogs/{id}/{file}?size=N` text
//! (also under the newer `/containers/{id}/logs/{file}` alias), and the HTML
//! `/node/containerlogs/{id}/{user}[/{file}]` pages that `amContainerLogs`
//! and `logsLink` name.

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use crate::ClusterContext;
use crate::query::QueryParams;
use crate::yarn::{LOG_FILES, html_escape, remote_exception};

/// The NM's routes.
pub(crate) fn router(ctx: ClusterContext) -> Router {
    Router::new()
        .route("/ws/v1/node/containers/{id}", get(container))
        .route("/ws/v1/node/containers/{id}/logs", get(logs_meta))
        .route("/ws/v1/node/containers/{id}/logs/{file}", get(log_file))
        .route("/ws/v1/node/containerlogs/{id}/{file}", get(log_file))
        .route("/node/containerlogs/{id}/{user}", get(log_page))
        .route("/node/containerlogs/{id}/{user}/{file}", get(log_file_page))
        .with_state(ctx)
}

async fn container(State(ctx): State<ClusterContext>, Path(id): Path<String>) -> Response {
    ctx.cluster().yarn.container(&id)
}

async fn logs_meta(State(ctx): State<ClusterContext>, Path(id): Path<String>) -> Response {
    ctx.cluster().yarn.container_logs_meta(&id)
}

async fn log_file(
    State(ctx): State<ClusterContext>,
    Path((id, file)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: axum::http::HeaderMap,
) -> Response {
    // The log files are text/plain only: a real NodeManager (Hadoop 3.5.0)
    // refuses a JSON-only Accept.
    let accept = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if accept.contains("application/json") && !accept.contains("text/") && !accept.contains("*/*") {
        return remote_exception(
            StatusCode::NOT_ACCEPTABLE,
            "NotAcceptableException",
            "javax.ws.rs.NotAcceptableException",
            "HTTP 406 Not Acceptable",
        );
    }
    let params = QueryParams::parse(query.as_deref());
    let size = match params.get("size") {
        None | Some("") => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                return remote_exception(
                    StatusCode::BAD_REQUEST,
                    "BadRequestException",
                    "org.apache.hadoop.yarn.webapp.BadRequestException",
                    &format!("java.lang.NumberFormatException: For input string: \"{v}\""),
                );
            }
        },
    };
    ctx.cluster().yarn.container_log(&id, &file, size)
}

fn page(ctx: &ClusterContext, id: &str, files: &[&str]) -> Response {
    let yarn = &ctx.cluster().yarn;
    if yarn.container_owner(id).is_none() {
        return (
            StatusCode::NOT_FOUND,
            Html(format!(
                "<html><body>Unknown container {}</body></html>",
                html_escape(id)
            )),
        )
            .into_response();
    }
    let mut out = format!("<!DOCTYPE html>\n<html><head><title>{id}</title></head><body>\n");
    for file in files {
        let text = yarn
            .read_log(id, file, None)
            .map(|(b, _, _)| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        out.push_str(&format!(
            "<h2>Log Type: {file}</h2>\n<pre>{}</pre>\n",
            html_escape(&text)
        ));
    }
    out.push_str("</body></html>\n");
    Html(out).into_response()
}

async fn log_page(
    State(ctx): State<ClusterContext>,
    Path((id, _user)): Path<(String, String)>,
) -> Response {
    page(&ctx, &id, &LOG_FILES)
}

async fn log_file_page(
    State(ctx): State<ClusterContext>,
    Path((id, _user, file)): Path<(String, String, String)>,
) -> Response {
    if !LOG_FILES.contains(&file.as_str()) {
        return (
            StatusCode::NOT_FOUND,
            Html("<html><body>No such log</body></html>"),
        )
            .into_response();
    }
    page(&ctx, &id, &[file.as_str()])
}
