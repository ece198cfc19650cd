//! The shape of the YARN answers hjob reads, from a set of raw answers
//! (`{"app": {status, body}, "appattempts": …, "containerlogs_stdout": …,
//! "containerlogs_stdout_tail": …, "unknown_app": …, "unknown_container": …}`),
//! recorded from real Hadoop by `tests/real` and compared with the sandbox's.

#![allow(dead_code)]

use serde_json::{Value, json};

/// The application fields hjob reads (`hjob::yarn::App`).
pub const APP_FIELDS: &[&str] = &["id", "state", "finalStatus", "trackingUrl", "diagnostics"];
/// The attempt fields hjob reads (`hjob::yarn::AmContainer`).
pub const ATTEMPT_FIELDS: &[&str] = &["containerId", "nodeHttpAddress"];

/// GETs one YARN answer as hjob asks for it: JSON from the
/// ResourceManager, the NodeManager's log files with no Accept header (a real
/// NodeManager answers 406 to `Accept: application/json` there). Returns
/// `{status, body}`, a non-JSON body as `{"text": …}`.
pub async fn answer(url: &str) -> Value {
    answer_accepting(url, !url.contains("/containerlogs/")).await
}

/// Like [`answer`], with `Accept: application/json` or none.
pub async fn answer_accepting(url: &str, json: bool) -> Value {
    // reqwest is built without a TLS provider of its own.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut request = reqwest::Client::new().get(url);
    if json {
        request = request.header("accept", "application/json");
    }
    let r = request.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    let body = serde_json::from_str::<Value>(&text).unwrap_or(json!({ "text": text }));
    json!({ "status": status, "body": body })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "absent",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// What must be the same between two sets of answers.
pub fn yarn_shape(answers: &Value) -> Value {
    json!({
        "answers": answer_shapes(answers),
        "log_framing": framing(&answers["containerlogs_stdout"]),
        "log_framing_running": framing(&answers["containerlogs_stdout_running"]),
    })
}

/// Header field names in order, without their values; the trailer line
/// whole but for the container id (clients cut the content by LogLength,
/// but people read it). The content itself is left out: a real launcher and
/// the sandbox's write different things.
fn framing(answer: &Value) -> Vec<String> {
    let log = answer["body"]["text"].as_str().unwrap_or("");
    let (header, rest) = log
        .split_once("\nLogContents:\n")
        .map_or((log, ""), |(h, r)| (h, r));
    let trailer = rest.rfind("End of LogType:").map_or("", |at| &rest[at..]);
    let framed = format!("{header}\nLogContents:\n{trailer}");
    framed
        .lines()
        .map(|l| {
            if l.starts_with("End of LogType:") {
                match (l.find("(container_"), l.find(')')) {
                    (Some(a), Some(b)) if a < b => format!("{}(CONTAINER{}", &l[..a], &l[b..]),
                    _ => l.to_owned(),
                }
            } else {
                l.split(':').next().unwrap_or("").to_owned()
            }
        })
        .filter(|k| !k.is_empty() && !k.starts_with('*') && !k.starts_with('='))
        .collect::<Vec<_>>()
}

fn answer_shapes(answers: &Value) -> Value {
    let app = &answers["app"]["body"]["app"];
    let attempt = &answers["appattempts"]["body"]["appAttempts"]["appAttempt"][0];
    json!({
        "app_status": answers["app"]["status"],
        "app_fields": APP_FIELDS.iter().map(|f| json!([f, kind(&app[*f])])).collect::<Vec<_>>(),
        "attempt_fields": ATTEMPT_FIELDS.iter().map(|f| json!([f, kind(&attempt[*f])])).collect::<Vec<_>>(),
        "log_status": answers["containerlogs_stdout"]["status"],
        "tail_status": answers["containerlogs_stdout_tail"]["status"],
        "unknown_app_status": answers["unknown_app"]["status"],
        "unknown_app_exception": answers["unknown_app"]["body"]["RemoteException"]["exception"],
        "unknown_container_status": answers["unknown_container"]["status"],
        "log_as_json_status": answers["containerlogs_stdout_accept_json"]["status"],
        "log_as_json_exception": answers["containerlogs_stdout_accept_json"]["body"]["RemoteException"]["exception"],
    })
}
