//! Oozie error answers: the status, the `oozie-error-code` and
//! `oozie-error-message` headers, and Oozie 5's `ErrorServlet` body
//! (`{"httpStatusCode":400,"errorMessage":"<html-escaped message>"}`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An Oozie REST error.
#[derive(Debug, Clone)]
pub(crate) struct OozieError {
    pub(crate) status: StatusCode,
    pub(crate) code: String,
    pub(crate) message: String,
}

impl OozieError {
    /// `message` is the full header text, normally `"<code>: <text>"`.
    pub(crate) fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        OozieError {
            status,
            code: code.to_string(),
            message: message.into(),
        }
    }

    /// A 400 whose message is `"<code>: <text>"`.
    pub(crate) fn bad_request(code: &str, text: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, format!("{code}: {text}"))
    }

    /// A 401 whose message is `"<code>: <text>"`.
    pub(crate) fn unauthorized(code: &str, text: impl std::fmt::Display) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, format!("{code}: {text}"))
    }

    /// `E0604: Job does not exist [<id>]`.
    pub(crate) fn no_such_job(id: &str) -> Self {
        Self::bad_request("E0604", format!("Job does not exist [{id}]"))
    }
}

/// `StringEscapeUtils.escapeHtml4` for the characters that matter here.
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Header values must be visible ASCII; Oozie's messages normally are.
fn header_value(text: &str) -> HeaderValue {
    let clean: String = text
        .chars()
        .map(|c| {
            if c.is_ascii() && !c.is_ascii_control() {
                c
            } else {
                ' '
            }
        })
        .collect();
    HeaderValue::from_str(&clean).unwrap_or_else(|_| HeaderValue::from_static("error"))
}

impl IntoResponse for OozieError {
    fn into_response(self) -> Response {
        let body = json!({
            "httpStatusCode": self.status.as_u16(),
            "errorMessage": escape_html(&self.message),
        })
        .to_string();
        let mut r = (self.status, body).into_response();
        let h = r.headers_mut();
        h.insert("oozie-error-code", header_value(&self.code));
        h.insert("oozie-error-message", header_value(&self.message));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=UTF-8"),
        );
        r
    }
}
