//! Typed client for the Oozie REST API (`../shared/docs/oozie-rest.md`):
//! submit, info, kill, list, log.
//!
//! Errors are read from the `oozie-error-code` / `oozie-error-message`
//! headers (the body is an HTML or `{"httpStatusCode",…}` page, never the
//! API's JSON). Reads are retried by the shared HTTP layer; the submit POST
//! is sent exactly once, and [`SubmitError::Ambiguous`] tells the caller when
//! the server may have created the job anyway.

use std::collections::BTreeMap;
use std::time::SystemTime;

use futures_util::StreamExt as _;
use reqwest::{Method, StatusCode};
use serde::Deserialize;

use crate::config::HttpSettings;
use crate::error::{HjobError, Service};
use crate::http::{Auth, Failure, Http, redact_url};
use crate::workflow::el::xml_escape;

/// Workflow job statuses (`WorkflowJob.Status`), tolerant of unknown values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobStatus {
    Prep,
    Running,
    Suspended,
    Succeeded,
    Killed,
    Failed,
    Other(String),
}

impl JobStatus {
    /// Parses a status string; unknown values are kept, never an error.
    pub fn parse(text: &str) -> Self {
        match text {
            "PREP" => JobStatus::Prep,
            "RUNNING" => JobStatus::Running,
            "SUSPENDED" => JobStatus::Suspended,
            "SUCCEEDED" => JobStatus::Succeeded,
            "KILLED" => JobStatus::Killed,
            "FAILED" => JobStatus::Failed,
            other => JobStatus::Other(other.to_owned()),
        }
    }

    /// The status as Oozie spells it.
    pub fn as_str(&self) -> &str {
        match self {
            JobStatus::Prep => "PREP",
            JobStatus::Running => "RUNNING",
            JobStatus::Suspended => "SUSPENDED",
            JobStatus::Succeeded => "SUCCEEDED",
            JobStatus::Killed => "KILLED",
            JobStatus::Failed => "FAILED",
            JobStatus::Other(s) => s,
        }
    }

    /// Whether the job has ended.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Killed | JobStatus::Failed
        )
    }
}

/// One action of a workflow job, including control nodes.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Action {
    pub id: Option<String>,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub transition: Option<String>,
    pub external_id: Option<String>,
    pub external_status: Option<String>,
    pub external_child_i_ds: Option<String>,
    pub tracker_uri: Option<String>,
    pub console_url: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
}

impl Action {
    /// Control nodes (`:start:`, end, kill, fork/join, decisions) are not real
    /// work; Hue recognises them the same way.
    pub fn is_control_node(&self) -> bool {
        self.kind.contains(':') || self.kind == "switch"
    }

    /// A usable link (`-` and empty mean none).
    pub fn console_link(&self) -> Option<&str> {
        self.console_url
            .as_deref()
            .filter(|u| !u.is_empty() && *u != "-")
    }

    /// A usable external (YARN) id.
    pub fn external_app(&self) -> Option<&str> {
        self.external_id
            .as_deref()
            .filter(|u| !u.is_empty() && *u != "-")
    }
}

/// A workflow job as `GET /v1/job/<id>` or a list item describes it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkflowJob {
    pub id: String,
    pub app_name: Option<String>,
    pub app_path: Option<String>,
    pub status: String,
    pub user: Option<String>,
    pub conf: Option<String>,
    pub created_time: Option<String>,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub last_mod_time: Option<String>,
    pub console_url: Option<String>,
    pub run: Option<i64>,
    #[serde(deserialize_with = "null_as_empty")]
    pub actions: Vec<Action>,
}

fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Action>, D::Error> {
    Ok(Option::<Vec<Action>>::deserialize(d)?.unwrap_or_default())
}

impl WorkflowJob {
    /// The parsed status.
    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status)
    }

    /// Real (non-control) actions, in order.
    pub fn real_actions(&self) -> impl Iterator<Item = &Action> {
        self.actions.iter().filter(|a| !a.is_control_node())
    }

    /// The real action that failed (ERROR/FAILED/KILLED with an error code).
    pub fn failed_action(&self) -> Option<&Action> {
        self.real_actions()
            .filter(|a| {
                matches!(
                    a.status.as_str(),
                    "ERROR" | "FAILED" | "START_MANUAL" | "END_MANUAL"
                ) || a.error_code.is_some()
            })
            .last()
    }

    /// A value of the job configuration (the `conf` XML), when present.
    pub fn conf_property(&self, name: &str) -> Option<String> {
        let conf = self.conf.as_deref()?;
        let doc = roxmltree::Document::parse(conf).ok()?;
        doc.descendants()
            .filter(|n| n.has_tag_name("property"))
            .find(|p| {
                p.children()
                    .find(|c| c.has_tag_name("name"))
                    .and_then(|c| c.text())
                    .is_some_and(|t| t.trim() == name)
            })
            .and_then(|p| p.children().find(|c| c.has_tag_name("value")))
            .map(|v| v.text().unwrap_or("").to_owned())
    }
}

/// Parses Oozie's RFC 822 dates (`Thu, 14 Feb 2013 17:31:43 GMT`).
pub fn parse_date(text: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(text.trim()).ok()
}

/// A page of the jobs list.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(default)]
pub struct JobList {
    #[serde(deserialize_with = "null_as_empty_jobs")]
    pub workflows: Vec<WorkflowJob>,
    pub total: Option<u64>,
    pub offset: Option<u64>,
    pub len: Option<u64>,
}

fn null_as_empty_jobs<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<WorkflowJob>, D::Error> {
    Ok(Option::<Vec<WorkflowJob>>::deserialize(d)?.unwrap_or_default())
}

/// An error Oozie reported in its headers.
#[derive(Debug, Clone, thiserror::Error)]
#[error("Oozie {status} {code}: {message}")]
pub struct OozieError {
    pub status: u16,
    pub code: String,
    pub message: String,
}

/// Why a submit did not return an id.
#[derive(Debug)]
pub enum SubmitError {
    /// The server certainly did not create a job (refused connection, an
    /// answer from Oozie itself).
    Rejected(anyhow::Error),
    /// The request may have reached the server and created a job (reset or
    /// timeout after sending, a gateway's 502 or 504): look the submission
    /// up before resubmitting.
    Ambiguous(anyhow::Error),
}

/// Typed Oozie client for one server.
#[derive(Debug, Clone)]
pub struct OozieClient {
    http: Http,
    base: String,
    user: String,
}

impl OozieClient {
    /// A client for the Oozie at `base` (ending in `/oozie`), acting as `user`.
    pub fn new(base: &str, user: &str, settings: &HttpSettings) -> anyhow::Result<Self> {
        Ok(OozieClient {
            http: Http::new(Service::Oozie, settings, Auth::None)?,
            base: base.trim_end_matches('/').to_owned(),
            user: user.to_owned(),
        })
    }

    /// Who the request is from: `user.name`, and `doAs` when a proxy user
    /// acts for the job's user.
    fn identity(&self) -> Vec<(&'static str, String)> {
        crate::auth::identity(&self.user, "doAs")
    }

    /// The server's base URL.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The Oozie web UI link for a job, as shown to people (credentials
    /// in the base URL are redacted).
    pub fn job_url(&self, id: &str) -> String {
        redact_url(&format!("{}?job={id}", self.base))
    }

    fn url(&self, path: &str) -> String {
        format!("{}/{path}", self.base)
    }

    /// Reads Oozie's error headers into an error, falling back to the status.
    async fn error_from(&self, url: &str, response: reqwest::Response) -> anyhow::Error {
        let status = response.status();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let code = header("oozie-error-code");
        let message = header("oozie-error-message");
        let body = response.text().await.unwrap_or_default();
        match code {
            Some(code) => {
                let message = message.unwrap_or_else(|| format!("HTTP {status}"));
                let hint = oozie_hint(&code);
                let oozie = OozieError {
                    status: status.as_u16(),
                    code,
                    message,
                };
                // Refusals of who is asking are the user's to fix (exit 2):
                // E1400, a proxy user (--do-as) Oozie does not allow.
                if oozie.code == "E1400" {
                    let refused = HjobError::usage_hint(
                        format!(
                            "Oozie at {} refused the proxy user: {}",
                            redact_url(url),
                            oozie.message
                        ),
                        crate::auth::proxy_user_hint(),
                    );
                    return anyhow::Error::new(oozie).context(refused);
                }
                let service = HjobError::Service {
                    service: Service::Oozie,
                    url: redact_url(url),
                    message: oozie.to_string(),
                    hint,
                };
                anyhow::Error::new(oozie).context(service)
            }
            None => self.http.status_error(url, status, &body).into(),
        }
    }

    /// Submits and starts a workflow job (`POST /v1/jobs?action=start`),
    /// sending the request exactly once.
    pub async fn submit(
        &self,
        properties: &BTreeMap<String, String>,
    ) -> Result<String, SubmitError> {
        let url = self.url("v1/jobs?action=start");
        let body = configuration_xml(properties);
        let build = || {
            self.http
                .request(Method::POST, &url)
                .query(&self.identity())
                .header(
                    reqwest::header::CONTENT_TYPE,
                    "application/xml;charset=UTF-8",
                )
                .body(body.clone())
        };
        // A 401 challenge is answered inside the exchange: the server
        // refused the request before reading it, so no job was made.
        let response = match self.http.exchange(&url, &build).await {
            Ok(r) => r,
            Err(Failure::Refused(error)) => return Err(SubmitError::Rejected(error.into())),
            Err(Failure::Status(response)) => {
                return Err(SubmitError::Rejected(self.error_from(&url, response).await));
            }
            Err(Failure::Transport(e)) if e.is_connect() => {
                return Err(SubmitError::Rejected(
                    self.http.transport_error(&url, &e).into(),
                ));
            }
            Err(Failure::Transport(e)) => {
                return Err(SubmitError::Ambiguous(
                    self.http.transport_error(&url, &e).into(),
                ));
            }
            // Only a file body goes on hjob's own connection.
            Err(Failure::Io(failure)) => {
                return Err(SubmitError::Ambiguous(
                    self.http.io_error(&url, &failure).into(),
                ));
            }
        };
        let status = response.status();
        if status != StatusCode::CREATED && status != StatusCode::OK {
            // A gateway's timeout or bad answer (Knox, a load balancer),
            // without Oozie's error header: the request may have reached
            // Oozie and made the job.
            let from_gateway = matches!(
                status,
                StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
            ) && !response.headers().contains_key("oozie-error-code");
            let error = self.error_from(&url, response).await;
            return Err(if from_gateway {
                SubmitError::Ambiguous(error)
            } else {
                SubmitError::Rejected(error)
            });
        }
        #[derive(Deserialize)]
        struct Created {
            id: String,
        }
        match response.json::<Created>().await {
            Ok(created) => Ok(created.id),
            // The 201 came but its body was cut: the job exists.
            Err(e) => Err(SubmitError::Ambiguous(
                self.http.transport_error(&url, &e).into(),
            )),
        }
    }

    /// Reads a job (`GET /v1/job/<id>?show=info`), retrying transient failures.
    pub async fn info(&self, id: &str) -> anyhow::Result<WorkflowJob> {
        let url = self.url(&format!("v1/job/{id}"));
        let response = self
            .get(&url, &[("show", "info"), ("timezone", "GMT")])
            .await?;
        response
            .json::<WorkflowJob>()
            .await
            .map_err(|e| self.http.transport_error(&url, &e).into())
    }

    /// Kills a job (`PUT /v1/job/<id>?action=kill`). A kill of a finished job
    /// is a no-op on the server; callers re-read the status.
    pub async fn kill(&self, id: &str) -> anyhow::Result<()> {
        let url = self.url(&format!("v1/job/{id}"));
        let result = self
            .http
            .send_idempotent(&url, None, || {
                self.http
                    .request(Method::PUT, &url)
                    .query(&[("action", "kill")])
                    .query(&self.identity())
            })
            .await;
        match result {
            Ok(r) if r.status().is_success() => Ok(()),
            Ok(r) => Err(self.error_from(&url, r).await),
            Err(failure) => Err(self.http.failure_error(&url, failure).await.into()),
        }
    }

    /// Lists workflow jobs matching `filter` (`name=value` pairs, joined with `;`).
    pub async fn list(
        &self,
        filter: &[(&str, &str)],
        offset: u32,
        len: u32,
    ) -> anyhow::Result<JobList> {
        let url = self.url("v1/jobs");
        let filter: Vec<String> = filter.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let filter = filter.join(";");
        let offset = offset.max(1).to_string();
        let len = len.max(1).to_string();
        let mut query = vec![
            ("jobtype", "wf"),
            ("offset", offset.as_str()),
            ("len", len.as_str()),
            ("timezone", "GMT"),
        ];
        if !filter.is_empty() {
            query.push(("filter", filter.as_str()));
        }
        let response = self.get(&url, &query).await?;
        response
            .json::<JobList>()
            .await
            .map_err(|e| self.http.transport_error(&url, &e).into())
    }

    /// Every page of the workflow jobs matching `filter`, `len` at a time,
    /// newest first: [`JobPages`].
    ///
    /// Oozie's `filter` has no escaping: it is split on `;`, then each term
    /// on `=`, so a name holding either is refused (E0420) or read as other
    /// terms. When any `name` value is such a one (or empty, or with blanks
    /// at its ends), every `name` term is left out of the filter and the
    /// pages keep only the jobs of exactly those names; the other terms
    /// still go to Oozie.
    pub fn jobs_pages<'a>(&'a self, filter: &[(&'a str, &'a str)], len: u32) -> JobPages<'a> {
        let by_name = |(key, _): &&(&str, &str)| key.eq_ignore_ascii_case("name");
        let names: Vec<&str> = if filter
            .iter()
            .filter(by_name)
            .any(|(_, value)| !filter_safe(value))
        {
            filter.iter().filter(by_name).map(|(_, v)| *v).collect()
        } else {
            Vec::new()
        };
        let filter = filter
            .iter()
            .filter(|term| names.is_empty() || !by_name(term))
            .copied()
            .collect();
        JobPages {
            oozie: self,
            filter,
            names,
            len: len.max(1),
            offset: 1,
            total: None,
            done: false,
        }
    }

    /// `jobs`, in order, each read in full (`show=info`: configuration,
    /// app path, actions) when `read` says so, [`DETAIL_READS`] at a time.
    pub async fn details(
        &self,
        jobs: Vec<WorkflowJob>,
        read: impl Fn(&WorkflowJob) -> bool,
    ) -> anyhow::Result<Vec<WorkflowJob>> {
        futures_util::stream::iter(jobs)
            .map(|job| {
                let full = read(&job);
                async move {
                    if full {
                        self.info(&job.id).await
                    } else {
                        Ok(job)
                    }
                }
            })
            .buffered(DETAIL_READS)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect()
    }

    /// The Oozie server's log for a job (`show=log`, text).
    pub async fn log(&self, id: &str) -> anyhow::Result<String> {
        let url = self.url(&format!("v1/job/{id}"));
        let response = self.get(&url, &[("show", "log")]).await?;
        response
            .text()
            .await
            .map_err(|e| self.http.transport_error(&url, &e).into())
    }

    /// The workflow definition a job runs (`show=definition`, XML text).
    pub async fn definition(&self, id: &str) -> anyhow::Result<String> {
        let url = self.url(&format!("v1/job/{id}"));
        let response = self.get(&url, &[("show", "definition")]).await?;
        response
            .text()
            .await
            .map_err(|e| self.http.transport_error(&url, &e).into())
    }

    async fn get(&self, url: &str, query: &[(&str, &str)]) -> anyhow::Result<reqwest::Response> {
        let result = self
            .http
            .send_idempotent(url, None, || {
                self.http
                    .request(Method::GET, url)
                    .query(query)
                    .query(&self.identity())
            })
            .await;
        match result {
            Ok(r) if r.status().is_success() => Ok(r),
            Ok(r) => Err(self.error_from(url, r).await),
            Err(failure) => Err(self.http.failure_error(url, failure).await.into()),
        }
    }
}

/// Job details [`OozieClient::details`] reads at once.
pub const DETAIL_READS: usize = 4;

/// The pages of a jobs list ([`OozieClient::jobs_pages`]): `GET v1/jobs`
/// with `offset` moving on by what each page held, until a short or empty
/// page, or Oozie's `total` is passed; names the filter cannot carry are
/// matched here.
#[derive(Debug)]
pub struct JobPages<'a> {
    oozie: &'a OozieClient,
    /// What Oozie is asked for.
    filter: Vec<(&'a str, &'a str)>,
    /// Names matched here, when the filter cannot carry them (empty: none).
    names: Vec<&'a str>,
    len: u32,
    offset: u32,
    total: Option<u64>,
    done: bool,
}

impl JobPages<'_> {
    /// The next page's jobs (of those the filter could not carry, only the
    /// matches: possibly none); `None` once Oozie has no more.
    pub async fn next_page(&mut self) -> anyhow::Result<Option<Vec<WorkflowJob>>> {
        if self.done {
            return Ok(None);
        }
        let page = self.oozie.list(&self.filter, self.offset, self.len).await?;
        let got = u32::try_from(page.workflows.len()).unwrap_or(u32::MAX);
        self.total = page.total;
        self.offset = self.offset.saturating_add(got);
        self.done =
            got == 0 || got < self.len || page.total.is_some_and(|t| u64::from(self.offset) > t);
        let mut jobs = page.workflows;
        if !self.names.is_empty() {
            jobs.retain(|job| {
                job.app_name
                    .as_deref()
                    .is_some_and(|name| self.names.contains(&name))
            });
        }
        Ok(Some(jobs))
    }

    /// The jobs of every page left.
    pub async fn all(mut self) -> anyhow::Result<Vec<WorkflowJob>> {
        let mut all = Vec::new();
        while let Some(page) = self.next_page().await? {
            all.extend(page);
        }
        Ok(all)
    }

    /// Whether Oozie applies the whole filter (so its total counts the matches).
    pub fn counted_by_oozie(&self) -> bool {
        self.names.is_empty()
    }

    /// Oozie's count of matching jobs, as the last page read said.
    pub fn total(&self) -> Option<u64> {
        self.total
    }
}

/// Whether Oozie's jobs `filter` carries a value as it is: not when the
/// value is empty or holds `;` or `=` (`DagEngine.parseFilter` splits on
/// them, with no escapes: E0420, or other terms), nor when it has blanks
/// at its ends (SQL compares `'x '` equal to `'x'`).
pub fn filter_safe(value: &str) -> bool {
    !value.is_empty() && !value.contains([';', '=']) && value.trim() == value
}

/// Whether an error chain is Oozie's "job does not exist" (E0604).
pub fn is_unknown_job(error: &anyhow::Error) -> bool {
    error
        .chain()
        .filter_map(|c| c.downcast_ref::<OozieError>())
        .any(|e| e.code == "E0604")
}

/// A hint for the Oozie error codes users meet most.
fn oozie_hint(code: &str) -> Option<String> {
    let hint = match code {
        "E0604" => "check the job id, or pass --cluster if the job runs on another cluster",
        "E0002" => "Oozie is in safe mode; hjob retries, or try again later",
        "E0504" | "E0505" | "E0307" => {
            "the workflow was not found on HDFS where Oozie looked; check the cluster's name_node and webhdfs_url"
        }
        "E0701" | "E0705" | "E0708" => {
            "Oozie rejected the workflow; render it with --dry-run to see it, and check workflow_schema against the server's Oozie version"
        }
        "E0401" => "the submission had no user.name; set HJOB_USER",
        _ => return None,
    };
    Some(hint.to_owned())
}

/// Renders job properties as a Hadoop `<configuration>` document.
pub fn configuration_xml(properties: &BTreeMap<String, String>) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<configuration>\n");
    for (name, value) in properties {
        xml.push_str(&format!(
            "  <property><name>{}</name><value>{}</value></property>\n",
            xml_escape(name),
            xml_escape(value)
        ));
    }
    xml.push_str("</configuration>\n");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_recorded_job_info() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/conformance/oozie/recorded/knox-oozie-job-show-info.json"
        ))
        .expect("recorded Oozie response under ../shared");
        let job: WorkflowJob = serde_json::from_str(&text).unwrap();
        assert!(!job.id.is_empty());
        assert!(
            job.status().is_terminal()
                || matches!(
                    job.status(),
                    JobStatus::Running | JobStatus::Prep | JobStatus::Suspended
                )
        );
        assert!(!job.actions.is_empty());
        assert!(job.created_time.as_deref().and_then(parse_date).is_some());
    }

    #[test]
    fn parses_the_recorded_jobs_list() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/conformance/oozie/recorded/knox-oozie-jobs-sample.json"
        ))
        .expect("recorded Oozie response under ../shared");
        let list: JobList = serde_json::from_str(&text).unwrap();
        assert!(!list.workflows.is_empty());
        assert!(list.total.is_some());
    }

    #[test]
    fn configuration_round_trips_awkward_values() {
        let mut props = BTreeMap::new();
        props.insert("a.b".to_owned(), "x<&>\"'y ]]> a\tb\nc".to_owned());
        let xml = configuration_xml(&props);
        let job = WorkflowJob {
            conf: Some(xml),
            ..Default::default()
        };
        assert_eq!(job.conf_property("a.b").unwrap(), "x<&>\"'y ]]> a\tb\nc");
    }

    #[test]
    fn values_the_jobs_filter_cannot_carry_are_told() {
        assert!(filter_safe("nightly-report.v2"));
        for value in ["a;b", "a=b", "a=", "", " a", "a\t"] {
            assert!(!filter_safe(value), "{value:?}");
        }
    }

    #[test]
    fn control_nodes_are_recognised() {
        let start = Action {
            kind: ":START:".into(),
            ..Default::default()
        };
        let decision = Action {
            kind: "switch".into(),
            ..Default::default()
        };
        let shell = Action {
            kind: "shell".into(),
            ..Default::default()
        };
        assert!(start.is_control_node() && decision.is_control_node());
        assert!(!shell.is_control_node());
    }
}
