//! The sandbox's YARN: one application per Oozie launcher (type
//! `Oozie Launcher`, one attempt, one AM container on the NodeManager),
//! with container logs as real files under `<dir>/<cluster>/nm/logs/` that
//! grow while the action runs. Owns the RM/NM JSON shapes
//! (hadoop-rest.md §2.2, §2.3) and the framed log text.

pub(crate) mod nm;
pub(crate) mod rm;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::SystemTime;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::ClusterUrls;
use crate::clock::{epoch_millis, yarn_date};

/// The log files every launcher container has.
pub(crate) const LOG_FILES: [&str; 3] = ["stderr", "stdout", "syslog"];

/// How an application ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AppEnd {
    Succeeded,
    Failed,
    Killed,
}

#[derive(Debug, Clone)]
struct App {
    id: String,
    user: String,
    name: String,
    queue: String,
    container_id: String,
    started: u64,
    finished: Option<u64>,
    end: Option<AppEnd>,
    diagnostics: String,
}

/// The identifiers of a newly launched application.
#[derive(Debug, Clone)]
pub(crate) struct Launched {
    pub(crate) app_id: String,
    pub(crate) container_id: String,
    pub(crate) log_dir: PathBuf,
    pub(crate) work_dir: PathBuf,
    pub(crate) tracking_url: String,
}

/// One cluster's ResourceManager + NodeManager state.
#[derive(Debug)]
pub(crate) struct Yarn {
    cluster_timestamp: u64,
    sequence: AtomicU32,
    apps: Mutex<BTreeMap<String, App>>,
    nm_dir: PathBuf,
    rm_url: String,
    nm_url: String,
    /// `host:port` of the NodeManager (both its node id and web address).
    node: String,
}

/// A `RemoteException` from YARN's `GenericExceptionHandler`.
pub(crate) fn remote_exception(
    status: StatusCode,
    exception: &str,
    class: &str,
    message: &str,
) -> Response {
    let body = json!({
        "RemoteException": {
            "exception": exception,
            "message": message,
            "javaClassName": class,
        }
    });
    json_response(status, &body)
}

/// A JSON answer with YARN's content type.
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

fn not_found(message: String) -> Response {
    remote_exception(
        StatusCode::NOT_FOUND,
        "NotFoundException",
        "org.apache.hadoop.yarn.webapp.NotFoundException",
        &format!("java.lang.Exception: {message}"),
    )
}

impl Yarn {
    pub(crate) fn new(started: SystemTime, cluster_dir: &Path, urls: &ClusterUrls) -> Self {
        Yarn {
            cluster_timestamp: epoch_millis(started),
            sequence: AtomicU32::new(0),
            apps: Mutex::new(BTreeMap::new()),
            nm_dir: cluster_dir.join("nm"),
            rm_url: urls.resourcemanager.clone(),
            nm_url: urls.nodemanager.clone(),
            node: urls.nodemanager.trim_start_matches("http://").to_string(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, App>> {
        self.apps.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The RM's start time (the `<clusterTs>` in ids), epoch ms.
    pub(crate) fn cluster_timestamp(&self) -> u64 {
        self.cluster_timestamp
    }

    /// Starts a launcher application: allocates ids and creates the empty
    /// log files and the working directory.
    pub(crate) fn launch(&self, user: &str, name: &str, queue: &str) -> std::io::Result<Launched> {
        let seq = self.sequence.fetch_add(1, Ordering::SeqCst) + 1;
        let app_id = format!("application_{}_{seq:04}", self.cluster_timestamp);
        let container_id = format!("container_{}_{seq:04}_01_000001", self.cluster_timestamp);
        let log_dir = self.nm_dir.join("logs").join(&container_id);
        let work_dir = self.nm_dir.join("work").join(&container_id);
        std::fs::create_dir_all(&log_dir)?;
        std::fs::create_dir_all(&work_dir)?;
        for f in LOG_FILES {
            std::fs::File::create(log_dir.join(f))?;
        }
        self.lock().insert(
            app_id.clone(),
            App {
                id: app_id.clone(),
                user: user.to_string(),
                name: name.to_string(),
                queue: queue.to_string(),
                container_id: container_id.clone(),
                started: epoch_millis(SystemTime::now()),
                finished: None,
                end: None,
                diagnostics: String::new(),
            },
        );
        Ok(Launched {
            tracking_url: self.tracking_url(&app_id),
            app_id,
            container_id,
            log_dir,
            work_dir,
        })
    }

    /// Records the end of an application.
    pub(crate) fn finish(&self, app_id: &str, end: AppEnd, diagnostics: &str) {
        if let Some(app) = self.lock().get_mut(app_id)
            && app.end.is_none()
        {
            app.end = Some(end);
            app.finished = Some(epoch_millis(SystemTime::now()));
            app.diagnostics = diagnostics.to_string();
        }
    }

    /// `http://rm/proxy/<app>/`: the application's tracking page.
    pub(crate) fn tracking_url(&self, app_id: &str) -> String {
        format!("{}/proxy/{app_id}/", self.rm_url)
    }

    fn logs_link(&self, app: &App) -> String {
        format!(
            "{}/node/containerlogs/{}/{}",
            self.nm_url, app.container_id, app.user
        )
    }

    fn app_json(&self, app: &App) -> Value {
        let now = epoch_millis(SystemTime::now());
        let running = app.end.is_none();
        let (state, final_status) = match app.end {
            None => ("RUNNING", "UNDEFINED"),
            Some(AppEnd::Succeeded) => ("FINISHED", "SUCCEEDED"),
            Some(AppEnd::Failed) => ("FINISHED", "FAILED"),
            Some(AppEnd::Killed) => ("KILLED", "KILLED"),
        };
        let elapsed = app.finished.unwrap_or(now).saturating_sub(app.started);
        let alloc = |n: i64| if running { n } else { -1 };
        json!({
            "id": app.id,
            "user": app.user,
            "name": app.name,
            "queue": app.queue,
            "clusterId": self.cluster_timestamp,
            "applicationType": "Oozie Launcher",
            "applicationTags": "",
            "priority": 0,
            "startedTime": app.started,
            "launchTime": app.started,
            "amContainerLogs": self.logs_link(app),
            "amHostHttpAddress": self.node,
            "amRPCAddress": self.node,
            "masterNodeId": self.node,
            "unmanagedApplication": false,
            "appNodeLabelExpression": "",
            "amNodeLabelExpression": "",
            "state": state,
            "finalStatus": final_status,
            "progress": if running { 0.0 } else { 100.0 },
            "trackingUI": if running { "ApplicationMaster" } else { "History" },
            "trackingUrl": self.tracking_url(&app.id),
            "diagnostics": app.diagnostics,
            "finishedTime": app.finished.unwrap_or(0),
            "elapsedTime": elapsed,
            "allocatedMB": alloc(2048),
            "allocatedVCores": alloc(1),
            "runningContainers": alloc(1),
            "memorySeconds": elapsed * 2048 / 1000,
            "vcoreSeconds": elapsed / 1000,
            "queueUsagePercentage": 0.0,
            "clusterUsagePercentage": 0.0,
            "preemptedResourceMB": 0,
            "preemptedResourceVCores": 0,
            "numNonAMContainerPreempted": 0,
            "numAMContainerPreempted": 0,
            "logAggregationStatus": if running { "NOT_START" } else { "DISABLED" },
        })
    }

    /// `GET /ws/v1/cluster/apps/{id}`.
    pub(crate) fn app(&self, app_id: &str) -> Response {
        if let Some(r) = bad_app_id(app_id) {
            return r;
        }
        match self.lock().get(app_id) {
            Some(app) => json_response(StatusCode::OK, &json!({ "app": self.app_json(app) })),
            None => not_found(format!("app with id: {app_id} not found")),
        }
    }

    /// `GET /ws/v1/cluster/apps`.
    pub(crate) fn apps(&self) -> Response {
        let apps = self.lock();
        let list: Vec<Value> = apps.values().map(|a| self.app_json(a)).collect();
        let body = if list.is_empty() {
            json!({ "apps": null })
        } else {
            json!({ "apps": { "app": list } })
        };
        json_response(StatusCode::OK, &body)
    }

    /// `GET /ws/v1/cluster/apps/{id}/appattempts`.
    pub(crate) fn app_attempts(&self, app_id: &str) -> Response {
        if let Some(r) = bad_app_id(app_id) {
            return r;
        }
        let apps = self.lock();
        let Some(app) = apps.get(app_id) else {
            return not_found(format!("app with id: {app_id} not found"));
        };
        let attempt_id = format!("appattempt{}_000001", &app.id["application".len()..]);
        let body = json!({
            "appAttempts": { "appAttempt": [{
                "id": 1,
                "startTime": app.started,
                "finishedTime": app.finished.unwrap_or(0),
                "containerId": app.container_id,
                "nodeHttpAddress": self.node,
                "nodeId": self.node,
                "logsLink": self.logs_link(app),
                "blacklistedNodes": "",
                "nodesBlacklistedBySystem": "",
                "appAttemptId": attempt_id,
            }]}
        });
        json_response(StatusCode::OK, &body)
    }

    fn app_by_container(&self, container_id: &str) -> Option<App> {
        self.lock()
            .values()
            .find(|a| a.container_id == container_id)
            .cloned()
    }

    /// The application a container belongs to, for pages.
    pub(crate) fn container_owner(&self, container_id: &str) -> Option<(String, String)> {
        self.app_by_container(container_id)
            .map(|a| (a.id.clone(), a.user.clone()))
    }

    /// The AM container id of an application.
    pub(crate) fn container_of(&self, app_id: &str) -> Option<String> {
        self.lock().get(app_id).map(|a| a.container_id.clone())
    }

    /// The application's state words, for pages.
    pub(crate) fn state_of(&self, app_id: &str) -> Option<(String, String, String)> {
        self.lock().get(app_id).map(|a| {
            let j = self.app_json(a);
            (
                j["state"].as_str().unwrap_or("").to_string(),
                j["finalStatus"].as_str().unwrap_or("").to_string(),
                a.name.clone(),
            )
        })
    }

    fn log_path(&self, container_id: &str, file: &str) -> PathBuf {
        self.nm_dir.join("logs").join(container_id).join(file)
    }

    /// `GET /ws/v1/node/containers/{id}`.
    pub(crate) fn container(&self, container_id: &str) -> Response {
        let Some(app) = self.app_by_container(container_id) else {
            return not_found(format!("container with id, {container_id}, not found"));
        };
        let (state, exit_code) = match app.end {
            None => ("RUNNING", -1000),
            Some(AppEnd::Killed) => ("DONE", 143),
            Some(_) => ("DONE", 0),
        };
        let body = json!({
            "container": {
                "id": container_id,
                "state": state,
                "exitCode": exit_code,
                "diagnostics": app.diagnostics,
                "user": app.user,
                "totalMemoryNeededMB": 2048,
                "totalVCoresNeeded": 1,
                "containerLogsLink": self.logs_link(&app),
                "nodeId": self.node,
                "executionType": "GUARANTEED",
                "containerLogFiles": LOG_FILES,
            }
        });
        json_response(StatusCode::OK, &body)
    }

    /// `GET /ws/v1/node/containers/{id}/logs`.
    pub(crate) fn container_logs_meta(&self, container_id: &str) -> Response {
        if self.app_by_container(container_id).is_none() {
            return not_found(format!("container with id, {container_id}, not found"));
        }
        let files: Vec<Value> = LOG_FILES
            .iter()
            .map(|f| {
                let meta = std::fs::metadata(self.log_path(container_id, f)).ok();
                json!({
                    "fileName": f,
                    "fileSize": meta.as_ref().map_or(0, |m| m.len()).to_string(),
                    "lastModifiedTime": yarn_date(meta.and_then(|m| m.modified().ok()).unwrap_or_else(SystemTime::now)),
                })
            })
            .collect();
        let body = json!({
            "containerLogsInfo": [{
                "containerLogInfo": files,
                "logAggregationType": "LOCAL",
                "containerId": container_id,
                "nodeId": self.node,
            }]
        });
        let mut r = json_response(StatusCode::OK, &body);
        r.headers_mut().insert(
            "X-Content-Type-Options",
            HeaderValue::from_static("nosniff"),
        );
        r
    }

    /// Reads a log file's bytes selected by `size` (>0 first N, <0 last N,
    /// `None` all) with its full length and modification time.
    pub(crate) fn read_log(
        &self,
        container_id: &str,
        file: &str,
        size: Option<i64>,
    ) -> Option<(Vec<u8>, u64, SystemTime)> {
        if !LOG_FILES.contains(&file) {
            return None;
        }
        let path = self.log_path(container_id, file);
        let bytes = std::fs::read(&path).ok()?;
        let modified = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .unwrap_or_else(|_| SystemTime::now());
        let total = bytes.len() as u64;
        let selected = match size {
            None => bytes,
            Some(n) if n >= 0 => bytes[..(n as usize).min(bytes.len())].to_vec(),
            Some(n) => {
                let take = (n.unsigned_abs() as usize).min(bytes.len());
                bytes[bytes.len() - take..].to_vec()
            }
        };
        Some((selected, total, modified))
    }

    /// `GET /ws/v1/node/containerlogs/{id}/{file}[?size=N]`: the framed text.
    pub(crate) fn container_log(
        &self,
        container_id: &str,
        file: &str,
        size: Option<i64>,
    ) -> Response {
        let Some(app) = self.app_by_container(container_id) else {
            return plain(
                StatusCode::NOT_FOUND,
                format!(
                    "Cannot find this log on the local disk.\ncontainer with id, {container_id}, not found\n"
                ),
            );
        };
        let Some((bytes, total, modified)) = self.read_log(container_id, file, size) else {
            return plain(
                StatusCode::NOT_FOUND,
                format!("Cannot find this log on the local disk: {file}\n"),
            );
        };
        let mut out = Vec::new();
        if !bytes.is_empty() {
            let first = format!("Container: {container_id} on {}", self.node);
            out.extend_from_slice(
                format!(
                    "{first}\nLogAggregationType: LOCAL\n{}\nLogType:{file}\nLogLastModifiedTime:{}\nLogLength:{total}\nLogContents:\n",
                    "=".repeat(first.len()),
                    yarn_date(modified)
                )
                .as_bytes(),
            );
            out.extend_from_slice(&bytes);
        }
        let end = format!("End of LogType:{file}");
        // As a real NodeManager (Hadoop 3.5.0) ends it: a full stop, then
        // the running note, stars counted without either.
        let running_note = if app.end.is_none() {
            format!(
                ".This log file belongs to a running container ({container_id}) and so may not be complete."
            )
        } else {
            ".".to_owned()
        };
        out.extend_from_slice(
            format!("{end}{running_note}\n{}\n\n", "*".repeat(end.len() + 50)).as_bytes(),
        );
        let mut r = (StatusCode::OK, out).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        r.headers_mut().insert(
            "X-Content-Type-Options",
            HeaderValue::from_static("nosniff"),
        );
        r
    }
}

fn plain(status: StatusCode, text: String) -> Response {
    let mut r = (status, text).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r
}

/// The 400 for ids that are not `application_...` (e.g. MR `job_...`).
fn bad_app_id(app_id: &str) -> Option<Response> {
    if app_id.starts_with("application_") {
        return None;
    }
    Some(remote_exception(
        StatusCode::BAD_REQUEST,
        "BadRequestException",
        "org.apache.hadoop.yarn.webapp.BadRequestException",
        &format!(
            "java.lang.IllegalArgumentException: Invalid ApplicationId prefix: {app_id}. The valid ApplicationId should start with prefix application"
        ),
    ))
}

/// Escapes text for HTML pages.
pub(crate) fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
