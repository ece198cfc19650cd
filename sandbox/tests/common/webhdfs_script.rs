//! One scripted WebHDFS conversation, played against real Hadoop (by
//! `tests/real`, which records the answers as fixtures) and against the
//! sandbox (which must answer with the same codes and shapes).
//!
//! Shapes: the status, the media type, where a redirect goes (NameNode or
//! DataNode), and for JSON bodies every key the real server sent, with the
//! same JSON type; a few values hjob dispatches on (`exception`,
//! `javaClassName`, `boolean`, `type`, `length`) must be equal.

#![allow(dead_code)]

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One request of the script.
pub struct Step {
    pub name: &'static str,
    pub method: &'static str,
    /// Path and query after `/webhdfs/v1`; `{dir}` is the run's directory,
    /// `{other}` another user's home. `None`: the previous answer's Location.
    pub target: Option<&'static str>,
    pub body: Option<&'static [u8]>,
    /// Played while the NameNode is in safe mode.
    pub safe_mode: bool,
}

const fn step(name: &'static str, method: &'static str, target: &'static str) -> Step {
    Step {
        name,
        method,
        target: Some(target),
        body: None,
        safe_mode: false,
    }
}

const fn follow(name: &'static str, method: &'static str, body: Option<&'static [u8]>) -> Step {
    Step {
        name,
        method,
        target: None,
        body,
        safe_mode: false,
    }
}

pub const STEPS: &[Step] = &[
    step("mkdirs", "PUT", "{dir}/a?op=MKDIRS&permission=755"),
    step("status-directory", "GET", "{dir}/a?op=GETFILESTATUS"),
    step("status-missing", "GET", "{dir}/missing?op=GETFILESTATUS"),
    step(
        "create-namenode",
        "PUT",
        "{dir}/a/f.txt?op=CREATE&overwrite=false&permission=644",
    ),
    follow("create-datanode", "PUT", Some(b"hello\n")),
    step("status-file", "GET", "{dir}/a/f.txt?op=GETFILESTATUS"),
    step(
        "settimes",
        "PUT",
        "{dir}/a/f.txt?op=SETTIMES&accesstime=1700000000000",
    ),
    step(
        "settimes-missing",
        "PUT",
        "{dir}/missing?op=SETTIMES&accesstime=1700000000000",
    ),
    step(
        "create-existing-namenode",
        "PUT",
        "{dir}/a/f.txt?op=CREATE&overwrite=false",
    ),
    follow("create-existing-datanode", "PUT", Some(b"again\n")),
    step("open-namenode", "GET", "{dir}/a/f.txt?op=OPEN"),
    follow("open-datanode", "GET", None),
    step(
        "rename",
        "PUT",
        "{dir}/a/f.txt?op=RENAME&destination={dir}/a/g.txt",
    ),
    step(
        "rename-missing",
        "PUT",
        "{dir}/a/f.txt?op=RENAME&destination={dir}/a/g.txt",
    ),
    step("liststatus", "GET", "{dir}/a?op=LISTSTATUS"),
    step("mkdirs-denied", "PUT", "{other}/x?op=MKDIRS&permission=755"),
    Step {
        name: "mkdirs-in-safe-mode",
        method: "PUT",
        target: Some("{dir}/b?op=MKDIRS&permission=755"),
        body: None,
        safe_mode: true,
    },
    step("delete", "DELETE", "{dir}?op=DELETE&recursive=true"),
    step("delete-missing", "DELETE", "{dir}?op=DELETE&recursive=true"),
];

/// One recorded answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Exchange {
    pub name: String,
    pub method: String,
    pub target: String,
    pub status: u16,
    pub content_type: Option<String>,
    /// `namenode`, `datanode` or `elsewhere` for a redirect.
    pub location: Option<String>,
    /// The JSON body, or `{"text": …}` for other bodies (`{"text": ""}` when empty).
    pub body: Value,
}

/// Where the script runs.
pub struct Target<'a> {
    /// `http://host:port/webhdfs/v1`.
    pub webhdfs_url: &'a str,
    /// `http://host:port` of the DataNode.
    pub datanode_http: &'a str,
    pub user: &'a str,
    pub dir: &'a str,
    pub other_home: &'a str,
}

fn media_type(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// Plays the script; `safe_mode(true/false)` enters and leaves safe mode.
pub async fn play(target: &Target<'_>, mut safe_mode: impl FnMut(bool)) -> Vec<Exchange> {
    // reqwest is built without a TLS provider of its own.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let nn = url::Url::parse(target.webhdfs_url).unwrap();
    let dn = url::Url::parse(target.datanode_http).unwrap();
    let mut last_location: Option<String> = None;
    let mut out = Vec::new();
    for step in STEPS {
        let url = match step.target {
            Some(t) => {
                let path = t
                    .replace("{dir}", target.dir)
                    .replace("{other}", target.other_home);
                format!("{}{path}&user.name={}", target.webhdfs_url, target.user)
            }
            None => last_location.clone().expect("a Location to follow"),
        };
        if step.safe_mode {
            safe_mode(true);
        }
        let method = reqwest::Method::from_bytes(step.method.as_bytes()).unwrap();
        let mut request = client.request(method, &url);
        request = match step.body {
            Some(body) => request
                .header("content-type", "application/octet-stream")
                .body(body.to_vec()),
            None if step.method == "PUT" => request.header("content-length", "0"),
            None => request,
        };
        let response = request.send().await.unwrap();
        if step.safe_mode {
            safe_mode(false);
        }
        let status = response.status().as_u16();
        let content_type = media_type(&response);
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let location_kind = if (300..400).contains(&status) {
            location.as_deref().map(|l| {
                let u = url::Url::parse(l).unwrap();
                if u.port_or_known_default() == dn.port_or_known_default() {
                    "datanode".to_owned()
                } else if u.port_or_known_default() == nn.port_or_known_default() {
                    "namenode".to_owned()
                } else {
                    "elsewhere".to_owned()
                }
            })
        } else {
            None
        };
        if (300..400).contains(&status) {
            last_location = location;
        }
        let text = response.text().await.unwrap();
        let body = serde_json::from_str::<Value>(&text)
            .unwrap_or_else(|_| serde_json::json!({ "text": text }));
        out.push(Exchange {
            name: step.name.to_owned(),
            method: step.method.to_owned(),
            target: step.target.unwrap_or("(Location)").to_owned(),
            status,
            content_type,
            location: location_kind,
            body,
        });
    }
    out
}

/// Every difference between the recorded real answers and a live run of
/// the script, one line each.
pub fn all_differences(recorded: &[Exchange], live: &[Exchange]) -> Vec<String> {
    let mut diffs: Vec<String> = recorded
        .iter()
        .zip(live)
        .flat_map(|(real, other)| differences(real, other))
        .collect();
    if recorded.len() != live.len() {
        diffs.push(format!(
            "{} answers recorded, {} live",
            recorded.len(),
            live.len()
        ));
    }
    diffs
}

/// Values that hjob dispatches on, compared exactly.
const EXACT: &[&str] = &["exception", "javaClassName", "boolean", "type", "length"];

/// Differences between a real answer and another one (empty: same shape).
pub fn differences(real: &Exchange, other: &Exchange) -> Vec<String> {
    let mut diffs = Vec::new();
    let name = &real.name;
    if real.status != other.status {
        diffs.push(format!(
            "{name}: status {} (real) vs {}",
            real.status, other.status
        ));
    }
    // An empty body's content type says nothing hjob reads.
    let empty = |e: &Exchange| e.body == serde_json::json!({ "text": "" });
    if real.content_type != other.content_type && !(empty(real) && empty(other)) {
        diffs.push(format!(
            "{name}: content type {:?} (real) vs {:?}",
            real.content_type, other.content_type
        ));
    }
    if real.location != other.location {
        diffs.push(format!(
            "{name}: redirect to {:?} (real) vs {:?}",
            real.location, other.location
        ));
    }
    compare(name, "", &real.body, &other.body, &mut diffs);
    diffs
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn compare(name: &str, at: &str, real: &Value, other: &Value, diffs: &mut Vec<String>) {
    match (real, other) {
        (Value::Object(r), Value::Object(o)) => compare_objects(name, at, r, o, diffs),
        (Value::Array(r), Value::Array(o)) => {
            if let (Some(r0), Some(o0)) = (r.first(), o.first()) {
                compare(name, &format!("{at}[0]"), r0, o0, diffs);
            } else if r.is_empty() != o.is_empty() {
                diffs.push(format!("{name}: {at} empty in one answer only"));
            }
        }
        (r, o) if kind(r) != kind(o) => {
            diffs.push(format!("{name}: {at} is {} (real) vs {}", kind(r), kind(o)));
        }
        _ => {}
    }
}

fn compare_objects(
    name: &str,
    at: &str,
    real: &Map<String, Value>,
    other: &Map<String, Value>,
    diffs: &mut Vec<String>,
) {
    for (key, value) in real {
        let path = format!("{at}.{key}");
        match other.get(key) {
            None => diffs.push(format!("{name}: {path} missing")),
            Some(o) => {
                if key == "text" && at.is_empty() {
                    // Non-JSON bodies: the same text (DataNode OPEN content).
                    if value != o {
                        diffs.push(format!("{name}: body {value} (real) vs {o}"));
                    }
                } else if EXACT.contains(&key.as_str()) && value != o {
                    diffs.push(format!("{name}: {path} = {value} (real) vs {o}"));
                } else {
                    compare(name, &path, value, o, diffs);
                }
            }
        }
    }
}
