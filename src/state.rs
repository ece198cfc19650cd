//! The state service: its document (API v1, `../shared/docs/state-api.md`)
//! and the client that reads and writes it.
//!
//! Reading fails closed: an unreachable service, a non-JSON answer, a missing
//! required field or an `active_cluster` that is not in `clusters` is an
//! error (exit 4), and there is no cache or fallback that could bypass the
//! kill switch. Unknown fields are ignored (and kept, so an admin write does
//! not drop fields a newer server added).

use std::collections::BTreeMap;
use std::time::{Instant, SystemTime};

use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::{ClusterOverride, Settings, Source};
use crate::error::{HjobError, Service};
use crate::http::{Auth, Http, ServerClock, redact_url};

/// Whether ad hoc submission is allowed, and the admins' words about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// One cluster's endpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    pub oozie_url: String,
    pub webhdfs_url: String,
    pub name_node: String,
    pub job_tracker: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yarn_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hive2_jdbc_url: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The whole state document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateDocument {
    pub version: u64,
    pub active_cluster: String,
    pub submission: Submission,
    pub clusters: BTreeMap<String, Cluster>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The required fields of a cluster entry.
pub const CLUSTER_REQUIRED: [&str; 4] = ["oozie_url", "webhdfs_url", "name_node", "job_tracker"];

/// Why a document is not a valid state document; names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct InvalidDocument {
    pub field: String,
    pub problem: String,
}

fn invalid(field: impl Into<String>, problem: impl Into<String>) -> InvalidDocument {
    InvalidDocument {
        field: field.into(),
        problem: problem.into(),
    }
}

/// The largest state document a client reads; a longer answer is an
/// error (the service is broken), and reading stops there.
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;

/// A JSON value read strictly: an object with the same key twice is an
/// error (serde_json would keep the last one, so a document saying
/// `"enabled": false, "enabled": true` would read as enabled).
struct StrictValue(Value);

impl<'de> Deserialize<'de> for StrictValue {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(StrictValue)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        StrictValue::deserialize(d).map(|v| v.0)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(StrictValue(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format_args!(
                    "the key {key:?} appears twice in one object"
                )));
            }
            let StrictValue(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Parses JSON text, refusing an object with a duplicate key at any depth.
pub fn parse_json_strict(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<StrictValue>(text).map(|v| v.0)
}

impl StateDocument {
    /// The cluster `--cluster NAME` names, or the active one; a name the
    /// document does not have is a usage error listing the ones it has.
    pub fn cluster_named<'a>(
        &'a self,
        requested: Option<&'a str>,
    ) -> Result<(&'a str, &'a Cluster), HjobError> {
        let name = requested.unwrap_or(&self.active_cluster);
        match self.clusters.get(name) {
            Some(cluster) => Ok((name, cluster)),
            None => {
                let known: Vec<&str> = self.clusters.keys().map(String::as_str).collect();
                Err(HjobError::usage_hint(
                    format!("no cluster named {name:?}"),
                    format!("pass --cluster with one of: {}", known.join(", ")),
                ))
            }
        }
    }

    /// Parses and validates a document from JSON text. Duplicate keys are
    /// an error, wherever they are.
    pub fn parse(text: &str) -> Result<Self, InvalidDocument> {
        let value =
            parse_json_strict(text).map_err(|e| invalid("(document)", format!("not JSON: {e}")))?;
        Self::from_value(value)
    }

    /// Validates a JSON value field by field, then converts it. Errors name
    /// the field with its path (`clusters.pug.oozie_url`).
    pub fn from_value(value: Value) -> Result<Self, InvalidDocument> {
        let root = value
            .as_object()
            .ok_or_else(|| invalid("(document)", "not a JSON object"))?;
        match root.get("version") {
            Some(v) if v.as_u64().is_some() => {}
            Some(_) => return Err(invalid("version", "must be a non-negative integer")),
            None => return Err(invalid("version", "missing required field")),
        }
        let active = match root.get("active_cluster") {
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(invalid("active_cluster", "must be a string")),
            None => return Err(invalid("active_cluster", "missing required field")),
        };
        let submission = match root.get("submission") {
            Some(Value::Object(s)) => s,
            Some(_) => return Err(invalid("submission", "must be an object")),
            None => return Err(invalid("submission", "missing required field")),
        };
        match submission.get("enabled") {
            Some(Value::Bool(_)) => {}
            Some(_) => return Err(invalid("submission.enabled", "must be true or false")),
            None => return Err(invalid("submission.enabled", "missing required field")),
        }
        for key in ["message", "until"] {
            if let Some(v) = submission.get(key)
                && !v.is_string()
                && !v.is_null()
            {
                return Err(invalid(format!("submission.{key}"), "must be a string"));
            }
        }
        if let Some(Value::String(until)) = submission.get("until")
            && humantime::parse_rfc3339_weak(until).is_err()
        {
            return Err(invalid(
                "submission.until",
                format!("{until:?} is not an RFC 3339 time such as 2026-11-22T14:00:00Z"),
            ));
        }
        let clusters = match root.get("clusters") {
            Some(Value::Object(c)) => c,
            Some(_) => return Err(invalid("clusters", "must be an object")),
            None => return Err(invalid("clusters", "missing required field")),
        };
        for (name, cluster) in clusters {
            let cluster = cluster
                .as_object()
                .ok_or_else(|| invalid(format!("clusters.{name}"), "must be an object"))?;
            for field in CLUSTER_REQUIRED {
                match cluster.get(field) {
                    Some(Value::String(s)) if !s.trim().is_empty() => {}
                    Some(_) => {
                        return Err(invalid(
                            format!("clusters.{name}.{field}"),
                            "must be a non-empty string",
                        ));
                    }
                    None => {
                        return Err(invalid(
                            format!("clusters.{name}.{field}"),
                            "missing required field",
                        ));
                    }
                }
            }
            for field in ["oozie_url", "webhdfs_url", "yarn_url"] {
                if let Some(Value::String(url)) = cluster.get(field) {
                    check_http_url(url)
                        .map_err(|why| invalid(format!("clusters.{name}.{field}"), why))?;
                }
            }
            for field in ["yarn_url", "queue", "hive2_jdbc_url"] {
                if let Some(v) = cluster.get(field)
                    && !v.is_string()
                    && !v.is_null()
                {
                    return Err(invalid(
                        format!("clusters.{name}.{field}"),
                        "must be a string",
                    ));
                }
            }
        }
        if !clusters.contains_key(&active) {
            return Err(invalid(
                "active_cluster",
                format!("names {active:?}, which is not in `clusters`"),
            ));
        }
        serde_json::from_value(value).map_err(|e| invalid("(document)", e.to_string()))
    }

    /// The active cluster's entry (present: validated at parse time).
    pub fn active(&self) -> Option<&Cluster> {
        self.clusters.get(&self.active_cluster)
    }

    /// The document as shown to people: every cluster's URLs without
    /// credentials (see [`Cluster::redacted`]).
    pub fn redacted(&self) -> StateDocument {
        let mut doc = self.clone();
        for cluster in doc.clusters.values_mut() {
            *cluster = cluster.redacted();
        }
        doc
    }
}

impl Cluster {
    /// The entry as shown to people: `user:password@` and secret query
    /// parameters taken out of its URLs ([`redact_url`]).
    pub fn redacted(&self) -> Cluster {
        let mut c = self.clone();
        c.oozie_url = redact_url(&c.oozie_url);
        c.webhdfs_url = redact_url(&c.webhdfs_url);
        c.yarn_url = c.yarn_url.as_deref().map(redact_url);
        c
    }
}

fn check_http_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| format!("{url:?} is not a URL: {e}"))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(format!("{url:?} is not an absolute http(s) URL"));
    }
    Ok(())
}

/// A cluster after the user's config overrides, with where each field came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedCluster {
    pub name: String,
    pub cluster: Cluster,
    /// Fields a config file overrode, with the file.
    pub overridden: Vec<(&'static str, Source)>,
}

/// Applies the user's `[clusters.<name>]` overrides to a cluster entry, and
/// binds its credentials file and CA bundle to its URLs' origins
/// ([`crate::auth::bind_cluster`]).
pub fn resolve_cluster(name: &str, cluster: &Cluster, settings: &Settings) -> ResolvedCluster {
    let mut cluster = cluster.clone();
    let mut overridden = Vec::new();
    if let Some(o) = settings.cluster_overrides.get(name) {
        let ClusterOverride {
            oozie_url,
            webhdfs_url,
            name_node,
            job_tracker,
            yarn_url,
            queue,
            hive2_jdbc_url,
            ca_bundle: _,
            basic_credentials_file: _,
        } = &o.value;
        let mut apply = |field: &'static str, slot: &mut String, value: &Option<String>| {
            if let Some(v) = value {
                *slot = v.clone();
                overridden.push((field, o.source.clone()));
            }
        };
        apply("oozie_url", &mut cluster.oozie_url, oozie_url);
        apply("webhdfs_url", &mut cluster.webhdfs_url, webhdfs_url);
        apply("name_node", &mut cluster.name_node, name_node);
        apply("job_tracker", &mut cluster.job_tracker, job_tracker);
        let mut apply_opt =
            |field: &'static str, slot: &mut Option<String>, value: &Option<String>| {
                if let Some(v) = value {
                    *slot = Some(v.clone());
                    overridden.push((field, o.source.clone()));
                }
            };
        apply_opt("yarn_url", &mut cluster.yarn_url, yarn_url);
        apply_opt("queue", &mut cluster.queue, queue);
        apply_opt(
            "hive2_jdbc_url",
            &mut cluster.hive2_jdbc_url,
            hive2_jdbc_url,
        );
    }
    let resolved = ResolvedCluster {
        name: name.to_owned(),
        cluster,
        overridden,
    };
    // The cluster's Knox credentials and CA bundle belong to its origins
    // only; the HTTP layer finds them there.
    let o = settings.cluster_overrides.get(name).map(|o| &o.value);
    crate::auth::bind_cluster(
        &resolved,
        o.and_then(|o| o.basic_credentials_file.as_deref()),
        o.and_then(|o| o.ca_bundle.as_deref()),
    );
    resolved
}

/// A document as read, with its ETag version.
#[derive(Debug, Clone)]
pub struct FetchedState {
    pub document: StateDocument,
    pub etag: Option<String>,
    /// The answering server's `Date`, to compare clocks with.
    pub clock: Option<ServerClock>,
}

/// The result of a conditional write.
#[derive(Debug)]
pub enum WriteOutcome {
    Applied(Box<StateDocument>),
    /// Someone changed the document first (412).
    Conflict,
}

/// Typed client for the state service.
///
/// `state_url` may name several servers (a state service replicated on
/// ZooKeeper, `hjob state-server --store zk://…`). Reads then fail over
/// ([`Http::send_idempotent_any`]): each round tries every server once, in
/// order, until one answers, and rounds repeat with backoff (or as long as
/// a `Retry-After` asks) within `state_deadline`; a server that refuses
/// connections, times out or answers 5xx/429 (a lost ZooKeeper session past
/// `--max-stale` is a 503) is passed over, and a certificate hjob does not
/// trust or a refused credential ends the read at once. Admin writes go to
/// the first server that takes them: every write carries `If-Match`, so
/// sending it again elsewhere can never apply it twice.
#[derive(Debug, Clone)]
pub struct StateClient {
    http: Http,
    /// The servers, in the configured order (at least one).
    bases: Vec<String>,
}

impl StateClient {
    /// A client for reads (no credentials).
    pub fn new(settings: &Settings) -> anyhow::Result<Self> {
        Self::with_auth(settings, Auth::None)
    }

    /// A client carrying credentials (admin writes).
    pub fn with_auth(settings: &Settings, auth: Auth) -> anyhow::Result<Self> {
        let bases = settings
            .state_url
            .as_ref()
            .map(|s| crate::config::state_urls(&s.value))
            .filter(|b| !b.is_empty())
            .ok_or_else(|| {
                HjobError::usage_hint(
                    "no state service configured",
                    "set HJOB_STATE_URL (for the sandbox: run `hjob-sandbox` and use the export line it prints), or `state_url` in the config",
                )
            })?;
        Ok(StateClient {
            http: Http::new(Service::State, &settings.http, auth)?,
            bases,
        })
    }

    /// The (first) base URL.
    pub fn base_url(&self) -> &str {
        &self.bases[0]
    }

    /// Every server's base URL, in order.
    pub fn base_urls(&self) -> &[String] {
        &self.bases
    }

    /// The HTTP client the state client sends with (for probes of the
    /// same servers, such as `hjob doctor`'s `/healthz`).
    pub fn http(&self) -> &Http {
        &self.http
    }

    /// Sends an idempotent GET of `path` to the servers in turn until one
    /// gives an answer that is not a failure (see [`StateClient`] and
    /// [`Http::send_idempotent_any`]); returns its URL and the response.
    async fn get_any(
        &self,
        path: &str,
        deadline: Option<Instant>,
    ) -> anyhow::Result<(String, reqwest::Response)> {
        let mut urls: Vec<String> = self.bases.iter().map(|b| format!("{b}{path}")).collect();
        let answer = self
            .http
            .send_idempotent_any(&urls, deadline, |url| {
                self.http
                    .request(Method::GET, url)
                    .header("Accept", "application/json")
            })
            .await;
        match answer {
            Ok((index, response)) => Ok((urls.swap_remove(index), response)),
            Err(unanswered) => {
                let out_of_time = unanswered.out_of_time;
                let mut error = self.http.unanswered_error(&urls, unanswered).await;
                // Say which bound ended the wait, and so which knob moves it.
                if out_of_time && let HjobError::Service { message, .. } = &mut error {
                    message.push_str(&format!(
                        "; no answer within state_deadline ({})",
                        humantime::format_duration(self.http.settings().state_deadline)
                    ));
                }
                Err(error.into())
            }
        }
    }

    fn bad_document(&self, url: &str, why: impl fmt::Display) -> HjobError {
        HjobError::Service {
            service: Service::State,
            url: redact_url(url),
            message: format!("invalid state document: {why}"),
            hint: Some(
                "ask the hjob admins to fix the state document; nothing was submitted".into(),
            ),
        }
    }

    /// Reads the state document, retrying within the configured deadline.
    pub async fn fetch(&self) -> anyhow::Result<FetchedState> {
        let deadline = Instant::now() + self.http.settings().state_deadline;
        let (url, response) = self.get_any("/v1/state", Some(deadline)).await?;
        let clock = ServerClock::of(&response, SystemTime::now());
        let status = response.status();
        if status != StatusCode::OK {
            let body = response.text().await.unwrap_or_default();
            return Err(self.http.status_error(&url, status, &body).into());
        }
        let etag = response
            .headers()
            .get(reqwest::header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = self.read_capped(&url, response).await?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|e| self.bad_document(&url, format!("not UTF-8 text ({e})")))?;
        let document = StateDocument::parse(text).map_err(|e| self.bad_document(&url, e))?;
        Ok(FetchedState {
            document,
            etag,
            clock,
        })
    }

    /// Reads a body of at most [`MAX_DOCUMENT_BYTES`], chunk by chunk, and
    /// stops reading (dropping the connection) past it.
    async fn read_capped(
        &self,
        url: &str,
        mut response: reqwest::Response,
    ) -> anyhow::Result<Vec<u8>> {
        let too_big = || {
            self.bad_document(
                url,
                format!(
                    "the answer is larger than {} KiB",
                    MAX_DOCUMENT_BYTES / 1024
                ),
            )
        };
        if response
            .content_length()
            .is_some_and(|n| n > MAX_DOCUMENT_BYTES as u64)
        {
            return Err(too_big().into());
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.http.transport_error(url, &e))?
        {
            if bytes.len() + chunk.len() > MAX_DOCUMENT_BYTES {
                return Err(too_big().into());
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }

    /// Replaces the document if it is still at `version` (If-Match).
    pub async fn put(
        &self,
        document: &StateDocument,
        version: u64,
    ) -> anyhow::Result<WriteOutcome> {
        // The first server that takes the write: one that refuses the
        // connection or answers 503 (no ZooKeeper session) is passed over.
        // If-Match makes a resend safe.
        let mut answer = None;
        let mut last_error = None;
        for base in &self.bases {
            let url = format!("{base}/v1/state");
            let builder = self
                .http
                .request(Method::PUT, &url)
                .header(reqwest::header::IF_MATCH, format!("\"{version}\""))
                .json(document);
            match self.http.send_once(builder, &url).await {
                Ok(response)
                    if response.status() == StatusCode::SERVICE_UNAVAILABLE
                        && self.bases.len() > 1 =>
                {
                    let body = response.text().await.unwrap_or_default();
                    last_error = Some(
                        self.http
                            .status_error(&url, StatusCode::SERVICE_UNAVAILABLE, &body)
                            .into(),
                    );
                }
                Ok(response) => {
                    answer = Some((url, response));
                    break;
                }
                Err(e) => last_error = Some(e),
            }
        }
        let Some((url, response)) = answer else {
            return Err(last_error.unwrap_or_else(|| anyhow::anyhow!("no state server")));
        };
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        match status {
            StatusCode::OK => {
                let document =
                    StateDocument::parse(&body).map_err(|e| self.bad_document(&url, e))?;
                Ok(WriteOutcome::Applied(Box::new(document)))
            }
            StatusCode::PRECONDITION_FAILED => Ok(WriteOutcome::Conflict),
            StatusCode::UNAUTHORIZED => Err(HjobError::usage_hint(
                "the state service refused the admin token (401)",
                "check HJOB_ADMIN_TOKEN (or admin_token_file) against the server's --tokens file",
            )
            .into()),
            StatusCode::BAD_REQUEST => Err(HjobError::usage(format!(
                "the state service rejected the change: {}",
                body.trim()
            ))
            .into()),
            _ => Err(self.http.status_error(&url, status, &body).into()),
        }
    }

    /// Reads the last `limit` audit entries, newest first.
    pub async fn audit(&self, limit: usize) -> anyhow::Result<Value> {
        let (url, response) = self
            .get_any(&format!("/v1/audit?limit={limit}"), None)
            .await?;
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        if status != StatusCode::OK {
            return Err(self.http.status_error(&url, status, &body).into());
        }
        serde_json::from_str(&body).map_err(|e| self.bad_document(&url, e).into())
    }
}

use std::fmt;

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"{
      "version": 12, "active_cluster": "basset",
      "submission": {"enabled": false, "message": "upgrade", "until": "2026-11-22T14:00:00Z"},
      "clusters": {
        "pug": {"oozie_url": "http://pug:11000/oozie", "webhdfs_url": "http://pug:9870/webhdfs/v1",
                "name_node": "hdfs://pug:8020", "job_tracker": "pug:8032", "queue": "adhoc"},
        "basset": {"oozie_url": "https://knox/gateway/basset/oozie", "webhdfs_url": "https://knox/gateway/basset/webhdfs/v1",
                "name_node": "hdfs://basset:8020", "job_tracker": "basset:8032", "new_field": [1]}
      },
      "updated_at": "2026-11-22T09:41:07Z", "updated_by": "alice", "future": {"x": 1}
    }"#;

    #[test]
    fn parses_the_documented_example_and_keeps_unknown_fields() {
        let doc = StateDocument::parse(EXAMPLE).unwrap();
        assert_eq!(doc.version, 12);
        assert!(!doc.submission.enabled);
        assert_eq!(doc.active().unwrap().name_node, "hdfs://basset:8020");
        assert!(doc.extra.contains_key("future"));
        let round = serde_json::to_value(&doc).unwrap();
        assert_eq!(
            round["clusters"]["basset"]["new_field"],
            serde_json::json!([1])
        );
    }

    #[test]
    fn errors_name_the_field() {
        let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
        v["clusters"]["pug"]
            .as_object_mut()
            .unwrap()
            .remove("oozie_url");
        let err = StateDocument::from_value(v).unwrap_err();
        assert_eq!(err.field, "clusters.pug.oozie_url");

        let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
        v["active_cluster"] = "corgi".into();
        assert_eq!(
            StateDocument::from_value(v).unwrap_err().field,
            "active_cluster"
        );

        let mut v: Value = serde_json::from_str(EXAMPLE).unwrap();
        v["submission"].as_object_mut().unwrap().remove("enabled");
        assert_eq!(
            StateDocument::from_value(v).unwrap_err().field,
            "submission.enabled"
        );

        let err = StateDocument::parse("<html>").unwrap_err();
        assert!(err.problem.contains("not JSON"));
    }

    #[test]
    fn duplicate_keys_are_refused_at_any_depth() {
        let err = StateDocument::parse(&EXAMPLE.replace(
            r#""enabled": false"#,
            r#""enabled": false, "enabled": true"#,
        ))
        .unwrap_err();
        assert!(err.problem.contains("\"enabled\" appears twice"), "{err}");
        let err = StateDocument::parse(&EXAMPLE.replace(
            r#""queue": "adhoc"}"#,
            r#""queue": "adhoc", "oozie_url": "http://evil:1/oozie"}"#,
        ))
        .unwrap_err();
        assert!(err.problem.contains("oozie_url"), "{err}");
        // The same key in different objects is fine, and so is every
        // kind of value.
        let v = parse_json_strict(r#"{"a": {"x": 1}, "b": {"x": [1.5, null, "s", true, -3]}}"#)
            .unwrap();
        assert_eq!(v["b"]["x"][4], -3);
    }
}
