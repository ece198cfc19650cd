//! The Oozie server (`/oozie/...`): versions, admin status, job submission,
//! job information and management, and the jobs list, with the codes,
//! headers and shapes of oozie-rest.md and the recorded answers.
//!
//! Jobs live in memory for the life of the sandbox.

mod conf;
mod engine;
pub(crate) mod error;
mod job;
mod submit;
mod workflow;

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Extension, Path, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Value, json};

use crate::ClusterContext;
use crate::clock::oozie_id_stamp;
use crate::net::ConnectionControl;
use crate::query::QueryParams;
use error::OozieError;
use job::{Job, JobStatus};

/// `JsonRestServlet`'s JSON content type as Tomcat-era servers sent it.
pub(crate) const JSON_UTF8: &str = "application/json;charset=UTF-8";

/// One cluster's Oozie state.
#[derive(Debug)]
pub(crate) struct OozieServer {
    stamp: String,
    counter: AtomicU64,
    jobs: Mutex<BTreeMap<String, Job>>,
    safe_mode: Mutex<bool>,
}

impl OozieServer {
    /// `index` offsets the id stamp by milliseconds so the two clusters
    /// never hand out the same job id.
    pub(crate) fn new(started: SystemTime, index: usize) -> Self {
        OozieServer {
            stamp: oozie_id_stamp(started + Duration::from_millis(index as u64)),
            counter: AtomicU64::new(0),
            jobs: Mutex::new(BTreeMap::new()),
            safe_mode: Mutex::new(false),
        }
    }

    pub(crate) fn jobs(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Job>> {
        self.jobs.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// `<7-digit counter>-<start stamp>-oozie-oozi-W`.
    pub(crate) fn next_id(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        format!("{n:07}-{}-oozie-oozi-W", self.stamp)
    }

    fn in_safe_mode(&self) -> bool {
        *self.safe_mode.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Oozie's routes.
pub(crate) fn router(ctx: ClusterContext) -> Router {
    Router::new()
        .route("/oozie/versions", get(versions))
        .route("/oozie/{version}/admin/{resource}", any(admin))
        .route("/oozie/{version}/jobs", any(jobs))
        .route("/oozie/{version}/job/{id}", any(job))
        .fallback(not_found)
        .with_state(ctx)
}

/// A JSON answer with Oozie's content type.
pub(crate) fn json_answer(status: StatusCode, body: &Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON_UTF8));
    r
}

fn text_answer(content_type: &'static str, body: String) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// Container-level 404 (no `oozie-error-*` headers).
async fn not_found() -> Response {
    json_answer(
        StatusCode::NOT_FOUND,
        &json!({ "httpStatusCode": 404, "errorMessage": "Not Found" }),
    )
}

/// The API version of a path segment, or a 404 for an unknown one.
fn api_version(v: &str) -> Option<u8> {
    match v {
        "v0" => Some(0),
        "v1" => Some(1),
        "v2" => Some(2),
        _ => None,
    }
}

async fn versions() -> Response {
    json_answer(StatusCode::OK, &json!([0, 1, 2]))
}

/// Non-GET calls are refused while in safe mode.
fn check_mode(ctx: &ClusterContext, method: &Method) -> Result<(), OozieError> {
    if method != Method::GET && ctx.cluster().oozie.in_safe_mode() {
        return Err(OozieError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "E0002",
            "E0002: System is in safe mode",
        ));
    }
    Ok(())
}

async fn admin(
    State(ctx): State<ClusterContext>,
    Path((version, resource)): Path<(String, String)>,
    method: Method,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(v) = api_version(&version) else {
        return not_found().await;
    };
    let params = QueryParams::parse(query.as_deref());
    match (method, resource.as_str()) {
        (Method::GET, "status") => {
            if v == 0 {
                return json_answer(
                    StatusCode::OK,
                    &json!({ "safeMode": ctx.cluster().oozie.in_safe_mode() }),
                );
            }
            let mode = if ctx.cluster().oozie.in_safe_mode() {
                "SAFEMODE"
            } else {
                "NORMAL"
            };
            json_answer(StatusCode::OK, &json!({ "systemMode": mode }))
        }
        (Method::PUT, "status") => {
            let mode = params.get("systemmode").unwrap_or("");
            let safe = match mode {
                "NORMAL" => false,
                "SAFEMODE" | "NOWEBSERVICE" => true,
                other => {
                    return OozieError::bad_request(
                        "E0303",
                        format!("Invalid parameter value, [systemmode] = [{other}]"),
                    )
                    .into_response();
                }
            };
            *ctx.cluster()
                .oozie
                .safe_mode
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = safe;
            StatusCode::OK.into_response()
        }
        (Method::GET, "build-version") => {
            // As the real 5.2.1 jar answers (tests/fixtures/real-oozie).
            json_answer(
                StatusCode::OK,
                &json!({
                    "buildVersion": "5.2.1",
                    "buildInfo": {
                        "build.version": "5.2.1",
                        "vc.url": "${vc.url}",
                        "vc.revision": "${vc.revision}",
                        "build.time": "${build.time}",
                        "build.user": "dbodo"
                    }
                }),
            )
        }
        (_, other) => {
            OozieError::bad_request("E0301", format!("Invalid resource [{other}]")).into_response()
        }
    }
}

async fn jobs(
    State(ctx): State<ClusterContext>,
    Path(version): Path<String>,
    Extension(conn): Extension<ConnectionControl>,
    method: Method,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    if api_version(&version).is_none() {
        return not_found().await;
    }
    if let Err(e) = check_mode(&ctx, &method) {
        return e.into_response();
    }
    let params = QueryParams::parse(query.as_deref());
    let result = match method {
        Method::POST => submit::submit(&ctx, &conn, &params, &headers, &body).await,
        Method::GET => list(&ctx, &params),
        _ => Err(OozieError::bad_request(
            "E0303",
            format!(
                "Invalid parameter value, [action] = [{}]",
                params.get("action").unwrap_or("null")
            ),
        )),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// A parsed `filter` parameter (oozie-rest.md §9).
#[derive(Debug, Default)]
struct Filter {
    users: Vec<String>,
    names: Vec<String>,
    groups: Vec<String>,
    statuses: Vec<JobStatus>,
    ids: Vec<String>,
    texts: Vec<String>,
    created_from: Option<SystemTime>,
    created_to: Option<SystemTime>,
}

/// Parses a `startcreatedtime`/`endcreatedtime` value as Oozie does: an
/// absolute UTC time `yyyy-MM-dd'T'HH:mm'Z'`, or an offset from now such as
/// `-2d`, `-3h`, `-10m`.
fn filter_time(value: &str) -> Option<SystemTime> {
    if let Some(offset) = value.strip_prefix('-') {
        let (number, unit) = offset.split_at(offset.len().checked_sub(1)?);
        let n: u64 = number.parse().ok()?;
        let secs = match unit {
            "d" => n * 86_400,
            "h" => n * 3600,
            "m" => n * 60,
            _ => return None,
        };
        return SystemTime::now().checked_sub(std::time::Duration::from_secs(secs));
    }
    let b = value.as_bytes();
    if b.len() != 17
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b'Z'
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = &value[r];
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d, h, mi) = (
        num(0..4)?,
        num(5..7)?,
        num(8..10)?,
        num(11..13)?,
        num(14..16)?,
    );
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + h * 3600 + mi * 60;
    u64::try_from(secs)
        .ok()
        .map(|s| std::time::UNIX_EPOCH + std::time::Duration::from_secs(s))
}

fn parse_filter(text: &str) -> Result<Filter, OozieError> {
    let bad = |why: &str| {
        OozieError::bad_request("E0420", format!("Invalid jobs filter [{text}], {why}"))
    };
    let mut f = Filter::default();
    // As `DagEngine.parseFilter` does: `StringTokenizer(filter, ";")`
    // (empty tokens skipped), then Java's `token.split("=")`, which drops
    // trailing empty pieces: `name=` is one piece (refused) and `name=a=`
    // is the pair `name`, `a`.
    for part in text.split(';').filter(|p| !p.is_empty()) {
        let mut pieces: Vec<&str> = part.split('=').collect();
        while pieces.last() == Some(&"") {
            pieces.pop();
        }
        if pieces.len() != 2 {
            return Err(bad("elements must be semicolon-separated name=value pairs"));
        }
        // Neither is trimmed: ` user` is no name, ` alice` is another user.
        let (name, value) = (pieces[0].to_ascii_lowercase(), pieces[1].to_string());
        match name.as_str() {
            "user" => f.users.push(value),
            "name" => f.names.push(value),
            "group" => f.groups.push(value),
            "id" => f.ids.push(value),
            "text" => f.texts.push(value),
            "status" => match JobStatus::ALL.iter().find(|s| s.name() == value) {
                Some(s) => f.statuses.push(*s),
                None => {
                    return Err(bad(&format!(
                        "invalid status value [{value}]. Valid status values are: [PREP, RUNNING, SUSPENDED, SUCCEEDED, KILLED, FAILED]"
                    )));
                }
            },
            "startcreatedtime" | "endcreatedtime" => {
                let Some(time) = filter_time(&value) else {
                    return Err(bad(&format!(
                        "invalid {name} value [{value}]: expected yyyy-MM-dd'T'HH:mm'Z' or an offset such as -2d"
                    )));
                };
                if name == "startcreatedtime" {
                    f.created_from = Some(time);
                } else {
                    f.created_to = Some(time);
                }
            }
            "sortby" => {}
            other => return Err(bad(&format!("invalid name [{other}]"))),
        }
    }
    Ok(f)
}

impl Filter {
    fn matches(&self, job: &Job) -> bool {
        let any = |list: &[String], value: &str| list.is_empty() || list.iter().any(|v| v == value);
        any(&self.users, &job.user)
            && any(&self.names, &job.app_name)
            && (self.groups.is_empty()
                || job.group.as_ref().is_some_and(|g| self.groups.contains(g)))
            && (self.statuses.is_empty() || self.statuses.contains(&job.status))
            && any(&self.ids, &job.id)
            && self.created_from.is_none_or(|t| job.created >= t)
            && self.created_to.is_none_or(|t| job.created <= t)
            && (self.texts.is_empty()
                || self.texts.iter().any(|t| {
                    job.app_name.contains(t.as_str())
                        || job.user.contains(t.as_str())
                        || job.id.contains(t.as_str())
                }))
    }
}

/// Parses `offset`/`len`; non-numbers are E1603 with Java's message.
fn number_param(params: &QueryParams, name: &str, default: i64) -> Result<i64, OozieError> {
    match params.get(name) {
        None | Some("") => Ok(default),
        Some(v) => v.trim().parse::<i64>().map_err(|_| {
            OozieError::new(
                StatusCode::BAD_REQUEST,
                "E1603",
                format!("For input string: \"{v}\""),
            )
        }),
    }
}

fn list(ctx: &ClusterContext, params: &QueryParams) -> Result<Response, OozieError> {
    let jobtype = params.get("jobtype").unwrap_or("wf").to_ascii_lowercase();
    let filter = parse_filter(params.get("filter").unwrap_or(""))?;
    let offset = number_param(params, "offset", 1)?.max(1);
    let len = number_param(params, "len", 50)?;
    let len = if len < 1 { 50 } else { len };
    let key = if jobtype.contains("coord") {
        "coordinatorjobs"
    } else if jobtype.contains("bundle") {
        "bundlejobs"
    } else {
        "workflows"
    };
    let (total, items) = if key == "workflows" {
        let jobs = ctx.cluster().oozie.jobs();
        let mut matching: Vec<&Job> = jobs.values().filter(|j| filter.matches(j)).collect();
        matching.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
        let items: Vec<Value> = matching
            .iter()
            .skip((offset - 1) as usize)
            .take(len as usize)
            .map(|j| j.list_json())
            .collect();
        (matching.len(), items)
    } else {
        (0, Vec::new())
    };
    Ok(json_answer(
        StatusCode::OK,
        &json!({ key: items, "total": total, "offset": offset, "len": len }),
    ))
}

async fn job(
    State(ctx): State<ClusterContext>,
    Path((version, id)): Path<(String, String)>,
    method: Method,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(v) = api_version(&version) else {
        return not_found().await;
    };
    if let Err(e) = check_mode(&ctx, &method) {
        return e.into_response();
    }
    let params = QueryParams::parse(query.as_deref());
    let result = match method {
        Method::GET => show(&ctx, v, &id, &params),
        Method::PUT => manage(&ctx, &id, &params),
        _ => Err(OozieError::bad_request("E0301", "Invalid resource [job]")),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

fn show(
    ctx: &ClusterContext,
    version: u8,
    id: &str,
    params: &QueryParams,
) -> Result<Response, OozieError> {
    let jobs = ctx.cluster().oozie.jobs();
    let (job_id, action_name) = match id.split_once('@') {
        Some((j, a)) => (j, Some(a)),
        None => (id, None),
    };
    let job = jobs
        .get(job_id)
        .ok_or_else(|| OozieError::no_such_job(job_id))?;
    let show = params.get("show").unwrap_or("info");
    if let Some(name) = action_name {
        let action = job.action(name).ok_or_else(|| {
            OozieError::bad_request("E0605", format!("Action does not exist [{id}]"))
        })?;
        return Ok(json_answer(StatusCode::OK, &action.to_json(job_id)));
    }
    let v2_only = |r: Response| {
        if version < 2 {
            Err(OozieError::bad_request(
                "E0302",
                "Not supported in this version",
            ))
        } else {
            Ok(r)
        }
    };
    match show {
        "info" => {
            let page = match (params.get("offset"), params.get("len")) {
                (None, None) => None,
                _ => {
                    let offset = number_param(params, "offset", 1)?.max(1) as usize;
                    let len = number_param(params, "len", i64::from(i32::MAX))?;
                    let len = if len < 1 {
                        i32::MAX as usize
                    } else {
                        len as usize
                    };
                    Some((offset, len))
                }
            };
            Ok(json_answer(StatusCode::OK, &job.to_json(page)))
        }
        "definition" => Ok(text_answer(
            "application/xml;charset=UTF-8",
            job.definition.clone(),
        )),
        "log" => {
            let mut text = job.log.join("\n");
            text.push('\n');
            Ok(text_answer("text/plain;charset=UTF-8", text))
        }
        "status" => v2_only(json_answer(
            StatusCode::OK,
            &json!({ "status": job.status.name() }),
        )),
        "errorlog" | "auditlog" => v2_only(text_answer("text/plain;charset=UTF-8", String::new())),
        other => Err(OozieError::bad_request(
            "E0303",
            format!("Invalid parameter value, [show] = [{other}]"),
        )),
    }
}

fn manage(ctx: &ClusterContext, id: &str, params: &QueryParams) -> Result<Response, OozieError> {
    let action = params
        .get("action")
        .ok_or_else(|| OozieError::bad_request("E0305", "Missing parameter [action]"))?;
    let oozie = &ctx.cluster().oozie;
    {
        let mut jobs = oozie.jobs();
        let job = jobs
            .get_mut(id)
            .ok_or_else(|| OozieError::no_such_job(id))?;
        match action {
            "start" => {
                if job.status == JobStatus::Prep {
                    drop(jobs);
                    engine::start(ctx, id);
                }
            }
            "kill" => {
                if !job.status.is_terminal() {
                    engine::kill(job);
                }
            }
            "suspend" => {
                if job.status == JobStatus::Running {
                    job.set_status(JobStatus::Suspended);
                    job.log("SuspendXCommand", None, "Workflow suspended");
                }
            }
            "resume" => {
                if job.status == JobStatus::Suspended {
                    job.set_status(JobStatus::Running);
                    job.log("ResumeXCommand", None, "Workflow resumed");
                }
            }
            "rerun" | "change" | "ignore" | "update" => {
                return Err(OozieError::bad_request(
                    "E0302",
                    format!("Invalid parameter [action={action} is not emulated by hjob-sandbox]"),
                ));
            }
            other => {
                return Err(OozieError::bad_request(
                    "E0303",
                    format!("Invalid parameter value, [action] = [{other}]"),
                ));
            }
        }
    }
    let mut r = StatusCode::OK.into_response();
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters() {
        let f = parse_filter("USER=alice;status=RUNNING;status=KILLED;name=x").unwrap();
        assert_eq!(f.users, vec!["alice"]);
        assert_eq!(f.statuses.len(), 2);
        assert_eq!(parse_filter("status=running").unwrap_err().code, "E0420");
        assert_eq!(parse_filter("user=a=b").unwrap_err().code, "E0420");
        assert_eq!(parse_filter("color=red").unwrap_err().code, "E0420");
        // A name with `;` or `=` cannot be expressed in a filter.
        assert_eq!(parse_filter("user=a;name=x;y").unwrap_err().code, "E0420");
        assert_eq!(parse_filter("name=a=b").unwrap_err().code, "E0420");
        // Java's split drops trailing empty pieces: an empty value is
        // refused, and a trailing `=` is lost.
        assert_eq!(parse_filter("user=").unwrap_err().code, "E0420");
        assert_eq!(parse_filter("user=a;name=").unwrap_err().code, "E0420");
        assert_eq!(parse_filter("name=a=").unwrap().names, vec!["a"]);
        assert_eq!(parse_filter("=a").unwrap_err().code, "E0420");
        assert_eq!(parse_filter("user= alice").unwrap().users, vec![" alice"]);
        assert_eq!(parse_filter(" user=alice").unwrap_err().code, "E0420");
        assert_eq!(
            parse_filter("startcreatedtime=yesterday").unwrap_err().code,
            "E0420"
        );
        assert_eq!(
            parse_filter("startcreatedtime=2026-12-01T23:05:00Z")
                .unwrap_err()
                .code,
            "E0420"
        );
        let f = parse_filter("startcreatedtime=2026-12-01T23:05Z;endcreatedtime=-2d").unwrap();
        assert_eq!(
            f.created_from
                .unwrap()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
            1_796_166_300
        );
        assert!(f.created_to.is_some());
    }
}
