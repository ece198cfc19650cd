//! The ResourceManager listener: `/ws/v1/cluster` (info, apps, attempts)
//! and the `/proxy/<app>/` tracking page that action `consoleUrl`s and app
//! `trackingUrl`s point at (an HTML page with the launcher's logs).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use crate::ClusterContext;
use crate::clock::epoch_millis;
use crate::yarn::{html_escape, json_response};

/// The RM's routes.
pub(crate) fn router(ctx: ClusterContext) -> Router {
    Router::new()
        .route("/ws/v1/cluster", get(info))
        .route("/ws/v1/cluster/info", get(info))
        .route("/ws/v1/cluster/apps", get(apps))
        .route("/ws/v1/cluster/apps/{app}", get(app))
        .route("/ws/v1/cluster/apps/{app}/appattempts", get(attempts))
        .route("/proxy/{app}", get(tracking_page))
        .route("/proxy/{app}/", get(tracking_page))
        .with_state(ctx)
}

async fn info(State(ctx): State<ClusterContext>) -> Response {
    let ts = ctx.cluster().yarn.cluster_timestamp();
    let started = epoch_millis(ctx.world.started);
    let version = "3.3.6";
    let build = "3.3.6 from hjob-sandbox";
    json_response(
        StatusCode::OK,
        &json!({
            "clusterInfo": {
                "id": ts,
                "startedOn": started,
                "state": "STARTED",
                "haState": "ACTIVE",
                "rmStateStoreName": "org.apache.hadoop.yarn.server.resourcemanager.recovery.NullRMStateStore",
                "resourceManagerVersion": version,
                "resourceManagerBuildVersion": build,
                "resourceManagerVersionBuiltOn": "2023-06-18T08:22Z",
                "hadoopVersion": version,
                "hadoopBuildVersion": build,
                "hadoopVersionBuiltOn": "2023-06-18T08:22Z",
                "haZooKeeperConnectionState": "ResourceManager HA is not enabled.",
            }
        }),
    )
}

async fn apps(State(ctx): State<ClusterContext>) -> Response {
    ctx.cluster().yarn.apps()
}

async fn app(State(ctx): State<ClusterContext>, Path(app): Path<String>) -> Response {
    ctx.cluster().yarn.app(&app)
}

async fn attempts(State(ctx): State<ClusterContext>, Path(app): Path<String>) -> Response {
    ctx.cluster().yarn.app_attempts(&app)
}

/// The last 64 KiB of a log, for pages.
const PAGE_TAIL: i64 = -65_536;

async fn tracking_page(State(ctx): State<ClusterContext>, Path(app): Path<String>) -> Response {
    let cluster = ctx.cluster();
    let yarn = &cluster.yarn;
    let (Some((state, final_status, name)), Some(container)) =
        (yarn.state_of(&app), yarn.container_of(&app))
    else {
        let mut r = (
            StatusCode::NOT_FOUND,
            Html(format!(
                "<html><body><h1>Application {} not found</h1></body></html>",
                html_escape(&app)
            )),
        )
            .into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        return r;
    };
    let mut page = format!(
        "<!DOCTYPE html>\n<html><head><title>{app}</title></head><body>\n\
         <h1>Application {app}</h1>\n<p>{}</p>\n<p>State: {state} / {final_status}</p>\n",
        html_escape(&name)
    );
    for file in crate::yarn::LOG_FILES {
        let text = yarn
            .read_log(&container, file, Some(PAGE_TAIL))
            .map(|(b, _, _)| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default();
        page.push_str(&format!(
            "<h2>{file}</h2>\n<p><a href=\"{nm}/ws/v1/node/containerlogs/{container}/{file}\">{file} (raw)</a></p>\n<pre>{}</pre>\n",
            html_escape(&text),
            nm = cluster.urls.nodemanager,
        ));
    }
    page.push_str("</body></html>\n");
    Html(page).into_response()
}
