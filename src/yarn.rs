//! Typed YARN client (`../shared/docs/hadoop-rest.md` §2): the
//! ResourceManager's app and attempt views, and the NodeManager's container
//! log files, from which `hjob logs` shows an Oozie launcher's stdout and
//! stderr. Tolerant of YARN's JSON quirks (null lists, single objects where
//! a list is expected, numbers as strings).

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::config::HttpSettings;
use crate::error::Service;
use crate::http::{Auth, Http};

/// The fields of a YARN application hjob shows.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct App {
    pub id: String,
    pub state: Option<String>,
    pub final_status: Option<String>,
    pub tracking_url: Option<String>,
    pub diagnostics: Option<String>,
}

/// The AM container of an attempt, where an Oozie 5 launcher writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmContainer {
    pub container_id: String,
    pub node_http_address: String,
}

/// Typed YARN client for one ResourceManager.
#[derive(Debug, Clone)]
pub struct YarnClient {
    http: Http,
    /// The REST root: `{rm}/ws`, or a Knox `.../resourcemanager`.
    rest_root: String,
}

/// Items of a YARN list field that may be null, one object, or an array.
fn list_items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// The content of a framed NodeManager log answer. A real NodeManager
/// (Hadoop 3.5, checked on the rig) frames a file as a `Container: …`
/// header, `LogLength:N` (the whole file's length), `LogContents:`, then the
/// bytes, then `End of LogType:<file>.` and a line of stars, with no newline
/// of its own before the trailer. So the content is cut by length, never by
/// looking for the trailer, which the file itself may contain.
///
/// `window` is the `size` asked for (`None`: the whole file); the NodeManager
/// sends the last `min(window, LogLength)` bytes. When nothing was written
/// the header is omitted and only the trailer comes: the content is empty.
fn framed_content(text: &str, window: Option<u64>) -> Option<(u64, &str)> {
    const CONTENTS: &str = "\nLogContents:\n";
    if !text.starts_with("Container: ") {
        return None;
    }
    let at = text.find(CONTENTS)?;
    let total = text[..at]
        .lines()
        .find_map(|l| l.strip_prefix("LogLength:"))
        .and_then(|n| n.trim().parse::<u64>().ok())?;
    let body = &text[at + CONTENTS.len()..];
    let len = window.map_or(total, |w| w.min(total));
    let mut end = usize::try_from(len).unwrap_or(usize::MAX).min(body.len());
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    Some((total, &body[..end]))
}

/// The content of a whole-file NodeManager log answer (framing removed).
pub fn strip_log_framing(text: &str) -> String {
    match framed_content(text, None) {
        Some((_, content)) => content.to_owned(),
        // No header: nothing written yet (only the trailer), or an answer
        // from a server that does not frame (taken as is).
        None if text.starts_with("End of LogType:") => String::new(),
        None => text.to_owned(),
    }
}

/// The last bytes of a container log and where they sit in the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogTail {
    /// The bytes returned (framing removed).
    pub text: String,
    /// The whole file's length (`LogLength`), so `text` covers
    /// `[total - text.len(), total)`.
    pub total: u64,
}

impl LogTail {
    /// The part of this tail past `seen` bytes already shown; a gap (more
    /// new bytes than the tail holds) is marked.
    pub fn after(&self, seen: u64) -> String {
        let start = self.total.saturating_sub(self.text.len() as u64);
        if seen < start {
            return format!("[... {} bytes skipped ...]\n{}", start - seen, self.text);
        }
        let skip = usize::try_from(seen - start).unwrap_or(usize::MAX);
        let mut at = skip.min(self.text.len());
        while !self.text.is_char_boundary(at) {
            at += 1;
        }
        self.text[at..].to_owned()
    }
}

/// Parses a framed answer to `?size=-window` into its tail and the file's
/// total length.
pub fn parse_log_tail(framed: &str, window: u64) -> Option<LogTail> {
    let (total, content) = framed_content(framed, Some(window))?;
    Some(LogTail {
        text: content.to_owned(),
        total,
    })
}

/// The REST root of a ResourceManager address: `{base}/ws`, or the base
/// itself for a Knox gateway's `.../resourcemanager` (Knox maps `v1/...`
/// to the RM's `/ws/v1/...`).
pub fn rest_root(base: &str) -> String {
    let base = base.trim_end_matches('/');
    if base.ends_with("/resourcemanager") {
        base.to_owned()
    } else {
        format!("{base}/ws")
    }
}

impl YarnClient {
    /// A client for the ResourceManager at `base`: its web address
    /// (`http://rm:8088`, REST under `/ws/v1`), or a Knox gateway's
    /// `.../gateway/TOPOLOGY/resourcemanager` (Knox maps `v1/...` to the
    /// RM's `/ws/v1/...`).
    pub fn new(base: &str, settings: &HttpSettings) -> anyhow::Result<Self> {
        Ok(YarnClient {
            http: Http::new(Service::Yarn, settings, Auth::None)?,
            rest_root: rest_root(base),
        })
    }

    async fn get_json(&self, url: &str) -> anyhow::Result<Option<Value>> {
        let response = self
            .http
            .send_retrying(url, None, || {
                self.http
                    .request(Method::GET, url)
                    .header("Accept", "application/json")
            })
            .await?;
        if response.status() == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            let status = response.status();
            let body = response.text().await.unwrap_or_default();
            return Err(self.http.status_error(url, status, &body).into());
        }
        Ok(Some(
            response
                .json()
                .await
                .map_err(|e| self.http.transport_error(url, &e))?,
        ))
    }

    /// Reads an application; `None` when the RM does not know it.
    pub async fn app(&self, app_id: &str) -> anyhow::Result<Option<App>> {
        let url = format!("{}/v1/cluster/apps/{app_id}", self.rest_root);
        Ok(self
            .get_json(&url)
            .await?
            .and_then(|v| serde_json::from_value(v["app"].clone()).ok()))
    }

    /// The last attempt's AM container, when known.
    pub async fn am_container(&self, app_id: &str) -> anyhow::Result<Option<AmContainer>> {
        let url = format!("{}/v1/cluster/apps/{app_id}/appattempts", self.rest_root);
        let Some(value) = self.get_json(&url).await? else {
            return Ok(None);
        };
        let attempts = list_items(&value["appAttempts"]["appAttempt"]);
        // A real ResourceManager lists the attempt before its container is
        // allocated, with "" for both fields: not known yet.
        let known = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_owned);
        Ok(attempts.last().and_then(|a| {
            Some(AmContainer {
                container_id: known(&a["containerId"])?,
                node_http_address: known(&a["nodeHttpAddress"])?,
            })
        }))
    }

    /// Fetches a framed container log from the container's NodeManager
    /// (`size` as the NodeManager takes it: negative = the last bytes);
    /// `None` when the NodeManager has no such log.
    async fn framed_log(
        &self,
        container: &AmContainer,
        file: &str,
        size: Option<i64>,
    ) -> anyhow::Result<Option<String>> {
        let node = &container.node_http_address;
        let node = if node.starts_with("http://") || node.starts_with("https://") {
            node.clone()
        } else {
            format!("http://{node}")
        };
        let mut url = format!(
            "{}/ws/v1/node/containerlogs/{}/{file}",
            node.trim_end_matches('/'),
            container.container_id
        );
        if let Some(size) = size {
            url.push_str(&format!("?size={size}"));
        }
        let response = self
            .http
            .send_retrying(&url, None, || self.http.request(Method::GET, &url))
            .await?;
        if !response.status().is_success() {
            return Ok(None);
        }
        let text = response
            .text()
            .await
            .map_err(|e| self.http.transport_error(&url, &e))?;
        Ok(Some(text))
    }

    /// The last `window` bytes of a container log and the file's length;
    /// `None` when the NodeManager has no such log (yet, or any more).
    pub async fn container_log_tail(
        &self,
        container: &AmContainer,
        file: &str,
        window: u64,
    ) -> anyhow::Result<Option<LogTail>> {
        let size = -i64::try_from(window).unwrap_or(i64::MAX);
        let Some(text) = self.framed_log(container, file, Some(size)).await? else {
            return Ok(None);
        };
        if !text.contains("LogLength:") {
            // Nothing written yet: the NodeManager omits the header.
            return Ok(Some(LogTail {
                text: String::new(),
                total: 0,
            }));
        }
        Ok(parse_log_tail(&text, window))
    }

    /// One container log file from its NodeManager, framing removed; `None`
    /// when the NodeManager no longer has it.
    pub async fn container_log(
        &self,
        container: &AmContainer,
        file: &str,
    ) -> anyhow::Result<Option<String>> {
        Ok(self
            .framed_log(container, file, None)
            .await?
            .map(|text| strip_log_framing(&text)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_is_stripped_from_the_documented_example() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/docs/hadoop-rest-examples/yarn-nm-containerlogs-stdout-size-minus200.txt"
        ))
        .unwrap();
        let tail = parse_log_tail(&text, 200).unwrap();
        assert_eq!(tail.text.len(), 200);
        assert!(!tail.text.contains("LogContents:"), "{}", tail.text);
        assert!(!tail.text.contains("End of LogType"), "{}", tail.text);
        let empty = "End of LogType:stderr\n*****************\n\n";
        assert_eq!(strip_log_framing(empty), "");
        // A partial last line: the trailer is glued to it.
        let partial = "Container: c_1 on n:1\nLogAggregationType: LOCAL\n====\nLogType:stdout\nLogLastModifiedTime:x\nLogLength:11\nLogContents:\none\npartialEnd of LogType:stdout.This log file belongs to a running container (c_1) and so may not be complete.\n*****\n\n";
        assert_eq!(strip_log_framing(partial), "one\npartial");
        assert_eq!(parse_log_tail(partial, 4096).unwrap().text, "one\npartial");
    }

    /// As a real NodeManager (Hadoop 3.5.0 on the rig) frames a file that
    /// ends without a newline and holds a trailer-like line of its own.
    const REAL: &str = "Container: container_1796166421876_0008_01_000001 on localhost:35119\n\
        LogAggregationType: LOCAL\n\
        ====================================================================\n\
        LogType:stdout\n\
        LogLastModifiedTime:Tue Dec 01 23:12:56 +0000 2026\n\
        LogLength:34\n\
        LogContents:\n\
        a\nEnd of LogType:stdout\n*****\nlastEnd of LogType:stdout.\n\
        ***********************************************************************\n\n";

    #[test]
    fn content_is_cut_by_length_not_by_trailer() {
        assert_eq!(
            strip_log_framing(REAL),
            "a\nEnd of LogType:stdout\n*****\nlast"
        );
        // `?size=-4`: the last 4 bytes, with the whole file's length.
        let framed_tail = REAL.replace("a\nEnd of LogType:stdout\n*****\nlastEnd", "lastEnd");
        let tail = parse_log_tail(&framed_tail, 4).unwrap();
        assert_eq!(tail.total, 34);
        assert_eq!(tail.text, "last");
        assert_eq!(tail.after(30), "last");
    }

    #[test]
    fn tails_know_where_they_sit_in_the_file() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/docs/hadoop-rest-examples/yarn-nm-containerlogs-stdout-size-minus200.txt"
        ))
        .unwrap();
        let tail = parse_log_tail(&text, 200).unwrap();
        assert_eq!(tail.total, 52311);
        assert!(
            tail.text.ends_with("application_1719312345678_0043\n"),
            "{:?}",
            tail.text
        );
        let all = LogTail {
            text: "one\ntwo\n".into(),
            total: 8,
        };
        assert_eq!(all.after(0), "one\ntwo\n");
        assert_eq!(all.after(4), "two\n");
        assert_eq!(all.after(8), "");
        let late = LogTail {
            text: "xyz\n".into(),
            total: 100,
        };
        assert!(late.after(10).starts_with("[... 86 bytes skipped ...]"));
    }

    #[test]
    fn lists_tolerate_yarn_shapes() {
        assert_eq!(list_items(&Value::Null).len(), 0);
        assert_eq!(list_items(&serde_json::json!({"a": 1})).len(), 1);
        assert_eq!(list_items(&serde_json::json!([1, 2])).len(), 2);
    }
}
