//! `POST /oozie/v1|v2/jobs`: the submission checks in Oozie 5.1+'s order
//! (oozie-rest.md §4): content type (E0300), configuration, app path
//! (E0307), `user.name` (E0401), readability (E0506/E0507), definition
//! validation (E0736, E0701, E0705-E0708, E0724), `<parameters>` (E0738),
//! app-name EL (E0803); then the job is created, and with `action=start`
//! running before the 201.

use std::time::SystemTime;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde_json::json;
use tokio::sync::watch;

use crate::ClusterContext;
use crate::el::{self, ElContext, Value};
use crate::hdfs::{InodeKind, normalize};
use crate::net::ConnectionControl;
use crate::oozie::conf::JobConf;
use crate::oozie::error::OozieError;
use crate::oozie::job::{Job, JobStatus};
use crate::oozie::{engine, json_answer, workflow};
use crate::query::QueryParams;

const APP_PATH: &str = "oozie.wf.application.path";
const GENERATED_XML: &str = "oozie.jobs.api.generated.xml";

/// Where an `hdfs://` (or schemeless absolute) path lives.
pub(crate) struct HdfsLocation {
    pub(crate) cluster: usize,
    pub(crate) path: String,
}

/// Resolves an HDFS URI against the sandbox's NameNodes; a schemeless
/// absolute path means the current cluster's default FS.
pub(crate) fn locate(ctx: &ClusterContext, uri: &str) -> Option<HdfsLocation> {
    if let Some(rest) = uri.strip_prefix("hdfs://") {
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let cluster = ctx.world.cluster_by_authority(authority)?;
        return Some(HdfsLocation {
            cluster,
            path: normalize(path).ok()?,
        });
    }
    if uri.starts_with('/') {
        return Some(HdfsLocation {
            cluster: ctx.index,
            path: normalize(uri).ok()?,
        });
    }
    None
}

/// Variables only, no functions: the `job-submit` EL group.
struct SubmitEl<'a>(&'a JobConf);

impl ElContext for SubmitEl<'_> {
    fn variable(&self, name: &str) -> Option<Value> {
        self.0.get(name).map(|v| Value::Str(v.to_string()))
    }

    fn function(&self, name: &str, _args: Vec<Value>) -> Result<Value, String> {
        // Real Oozie 5.2.1's words (tests/fixtures/real-oozie).
        Err(format!("Function '{name}' not found"))
    }
}

pub(crate) async fn submit(
    ctx: &ClusterContext,
    conn: &ConnectionControl,
    params: &QueryParams,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, OozieError> {
    let start = match params.get("action") {
        None => false,
        Some("start") => true,
        Some("dryrun") => false,
        Some(other) => {
            return Err(OozieError::bad_request(
                "E0303",
                format!("Invalid parameter value, [action] = [{other}]"),
            ));
        }
    };
    let dryrun = params.get("action") == Some("dryrun");
    match params.get("jobtype") {
        None | Some("") => {}
        Some(t @ ("mapreduce" | "pig" | "hive" | "sqoop")) => {
            return Err(OozieError::bad_request(
                "E0302",
                format!(
                    "Invalid parameter [jobtype={t}: proxy submission is not emulated by hjob-sandbox]"
                ),
            ));
        }
        Some(other) => {
            return Err(OozieError::bad_request(
                "E0303",
                format!("Invalid parameter value, [jobtype] = [{other}]"),
            ));
        }
    }

    // 1. Content type, then the configuration.
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let media = content_type.map(|c| {
        c.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    if media.as_deref() != Some("application/xml") {
        return Err(OozieError::bad_request(
            "E0300",
            format!("Invalid content-type [{}]", content_type.unwrap_or("null")),
        ));
    }
    let text = String::from_utf8_lossy(body);
    let mut conf =
        JobConf::parse(&text).map_err(|e| OozieError::new(StatusCode::BAD_REQUEST, "E1603", e))?;
    conf.resolve();
    // A proxy user acting for another (`doAs`): the job is that user's, as
    // on a real Oozie (the sandbox allows any proxy user).
    let user = params
        .get("doAs")
        .filter(|u| !u.is_empty())
        .or_else(|| params.get("user.name"));
    if let Some(u) = user {
        if let Some(mr) = conf.get("mapreduce.job.user.name")
            && mr != u
        {
            return Err(OozieError::bad_request(
                "E0303",
                format!("Invalid parameter value, [mapreduce.job.user.name] = [{mr}]"),
            ));
        }
        conf.set("user.name", u);
    }
    let set_paths = [
        APP_PATH,
        "oozie.coord.application.path",
        "oozie.bundle.application.path",
    ]
    .iter()
    .filter(|p| conf.get(p).is_some())
    .count();
    if set_paths > 1 {
        return Err(OozieError::bad_request(
            "E0302",
            "Invalid parameter [multiple application paths specified, only one is allowed]",
        ));
    }
    if conf.get(APP_PATH).is_none() && set_paths == 1 {
        return Err(OozieError::bad_request(
            "E0302",
            "Invalid parameter [coordinator and bundle jobs are not emulated by hjob-sandbox]",
        ));
    }

    // 2. The app path (5.1+: a missing workflow.xml is E0307).
    let user = conf.get("user.name").map(str::to_string);
    let generated = conf.get(GENERATED_XML).map(str::to_string);
    let app_path = match conf.get(APP_PATH) {
        Some(p) => p.to_string(),
        None => match (&generated, &user) {
            (Some(_), Some(u)) => {
                let stamp = crate::clock::epoch_millis(SystemTime::now());
                let p = format!(
                    "{}/user/{u}/oozie-app-generated/{stamp}",
                    ctx.cluster().urls.name_node()
                );
                conf.set(APP_PATH, &p);
                p
            }
            _ => String::new(),
        },
    };
    let wf_uri = if app_path.ends_with(".xml") {
        app_path.clone()
    } else {
        format!("{}/workflow.xml", app_path.trim_end_matches('/'))
    };
    let missing = || {
        OozieError::bad_request(
            "E0307",
            format!(
                "Runtime error [XML file [{wf_uri}] does not exist and app definition cannot be created because of missing config value [{GENERATED_XML}]]"
            ),
        )
    };
    let location = locate(ctx, &wf_uri);
    let exists = location
        .as_ref()
        .and_then(|l| ctx.world.clusters[l.cluster].hdfs.kind(&l.path))
        .is_some();
    if !exists && generated.is_none() {
        return Err(missing());
    }

    // 3. The user, then access to the definition.
    let Some(user) = user else {
        return Err(OozieError::bad_request(
            "E0401",
            "Missing configuration property [user.name]",
        ));
    };
    let location = location.ok_or_else(missing)?;
    let fs = &ctx.world.clusters[location.cluster].hdfs;
    if !exists && let Some(xml) = &generated {
        fs.write(&location.path, &user, xml.as_bytes())
            .map_err(|e| {
                OozieError::unauthorized(
                    "E0507",
                    format!("Could not access to [{wf_uri}], {}", e.message),
                )
            })?;
    }
    if fs.kind(&location.path) == Some(InodeKind::Directory) {
        return Err(OozieError::unauthorized(
            "E0506",
            format!("App definition [{wf_uri}] is not a file"),
        ));
    }
    let definition = fs.read(&location.path, &user).map_err(|e| {
        OozieError::unauthorized(
            "E0507",
            format!("Could not access to [{wf_uri}], {}", e.message),
        )
    })?;
    let definition = String::from_utf8_lossy(&definition).into_owned();

    // 4. The definition.
    let wf = workflow::parse_and_validate(&definition, &ctx.world.workflow_schema, true)?;
    let mut missing_params = Vec::new();
    for (name, default) in &wf.parameters {
        if conf.get(name).is_none() {
            match default {
                Some(v) => conf.set(name, v),
                None => missing_params.push(name.clone()),
            }
        }
    }
    if !missing_params.is_empty() {
        return Err(OozieError::bad_request(
            "E0738",
            format!(
                "The following {} parameters are required but were not defined and no default values are available: {}",
                missing_params.len(),
                missing_params.join(",")
            ),
        ));
    }

    // 5. The app name, with submitted properties only.
    let app_name = el::evaluate(&wf.raw_name, &SubmitEl(&conf))
        .map_err(|e| OozieError::bad_request("E0803", format!("IO error, {e}")))?;

    if dryrun {
        return Ok(json_answer(StatusCode::CREATED, &json!({ "id": "OK" })));
    }

    let oozie = &ctx.cluster().oozie;
    let id = oozie.next_id();
    let now = SystemTime::now();
    let mut job = Job {
        id: id.clone(),
        app_name,
        app_path,
        group: conf.get("group.name").map(str::to_string),
        conf,
        definition,
        workflow: wf,
        status: JobStatus::Prep,
        user,
        created: now,
        start: None,
        end: None,
        last_modified: now,
        actions: Vec::new(),
        last_error_node: None,
        console_url: format!("{}?job={id}", ctx.cluster().urls.oozie),
        log: Vec::new(),
        signal: watch::Sender::new(0),
    };
    job.log(
        "SubmitXCommand",
        None,
        "Workflow record created, Status [PREP]",
    );
    oozie.jobs().insert(id.clone(), job);
    if start {
        engine::start(ctx, &id);
    }
    if ctx.world.faults.take_reset_after_submit() {
        conn.reset_and_hang().await;
    }
    if ctx.world.faults.take_gateway_timeout_after_submit() {
        return Ok((
            StatusCode::GATEWAY_TIMEOUT,
            [(header::CONTENT_TYPE, "text/html")],
            "<html><body><h1>504 Gateway Time-out</h1></body></html>\n",
        )
            .into_response());
    }
    Ok(json_answer(StatusCode::CREATED, &json!({ "id": id })))
}
