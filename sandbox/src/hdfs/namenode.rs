//! The WebHDFS NameNode (`/webhdfs/v1/...`): metadata operations answered
//! directly, CREATE and OPEN answered with a `307` to the DataNode on
//! 127.0.0.2 (no existence or permission check for CREATE at this step, as
//! on a real NameNode).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::json;

use crate::ClusterContext;
use crate::hdfs::{HdfsError, STATIC_WEB_USER, normalize};
use crate::query::{QueryParams, decode_path, encode_path, encode_value};

/// The prefix of every WebHDFS URL.
pub(crate) const PREFIX: &str = "/webhdfs/v1";

/// `dfs.webhdfs.user.provider.user.pattern` default.
const USER_PATTERN: &str = "^[A-Za-z_][A-Za-z0-9._-]*[$]?$";

/// The NameNode's routes.
pub(crate) fn router(ctx: ClusterContext) -> Router {
    Router::new()
        .route(PREFIX, any(handle))
        .route("/webhdfs/v1/", any(handle))
        .route("/webhdfs/v1/{*path}", any(handle))
        .with_state(ctx)
}

/// Whether `name` matches [`USER_PATTERN`].
fn valid_user(name: &str) -> bool {
    let body = name.strip_suffix('$').unwrap_or(name);
    let mut chars = body.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The effective user of a WebHDFS request (pseudo authentication): the
/// `doas` user when a proxy user acts for one (the sandbox lets any user act
/// for any other, as `hadoop.proxyuser.*.users = *` would), else `user.name`.
pub(crate) fn request_user(params: &QueryParams) -> Result<String, HdfsError> {
    let effective = params
        .get_ignore_case("doas")
        .filter(|u| !u.is_empty())
        .or_else(|| params.get_ignore_case("user.name"));
    match effective {
        None | Some("") => Ok(STATIC_WEB_USER.to_string()),
        Some(u) if valid_user(u) => Ok(u.to_string()),
        Some(u) => Err(HdfsError::illegal_argument(format!(
            "Invalid value: \"{u}\" does not belong to the domain {USER_PATTERN}"
        ))),
    }
}

/// The HDFS path of a WebHDFS URL path.
pub(crate) fn hdfs_path(uri: &Uri) -> Result<String, HdfsError> {
    let raw = uri.path().strip_prefix(PREFIX).unwrap_or("/");
    normalize(&decode_path(raw))
}

fn bad_param(name: &str, value: &str, domain: &str) -> HdfsError {
    HdfsError::illegal_argument(format!(
        "Invalid value for webhdfs parameter \"{name}\": Invalid value: \"{value}\" does not belong to the domain {domain}"
    ))
}

/// Parses an octal `permission` parameter (0..=1777).
pub(crate) fn permission_param(params: &QueryParams) -> Result<Option<u16>, HdfsError> {
    match params.get_ignore_case("permission") {
        None | Some("") => Ok(None),
        Some(v) => match u16::from_str_radix(v, 8) {
            Ok(p) if p <= 0o1777 => Ok(Some(p)),
            _ => Err(bad_param("permission", v, "[0, 1777]")),
        },
    }
}

/// Parses a boolean parameter (`true`/`false`, any case).
pub(crate) fn bool_param(params: &QueryParams, name: &str) -> Result<Option<bool>, HdfsError> {
    match params.get_ignore_case(name) {
        None | Some("") => Ok(None),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
        Some(v) => Err(bad_param(name, v, "[true, false]")),
    }
}

/// Parses a positive number parameter.
pub(crate) fn positive_param<T: std::str::FromStr + PartialOrd + Default>(
    params: &QueryParams,
    name: &str,
) -> Result<Option<T>, HdfsError> {
    match params.get_ignore_case(name) {
        None | Some("") => Ok(None),
        Some(v) => match v.parse::<T>() {
            Ok(n) if n > T::default() => Ok(Some(n)),
            _ => Err(bad_param(name, v, "> 0")),
        },
    }
}

fn unknown_op(method: &Method, op: &str) -> HdfsError {
    let class = match *method {
        Method::GET => "GetOpParam",
        Method::PUT => "PutOpParam",
        Method::POST => "PostOpParam",
        _ => "DeleteOpParam",
    };
    HdfsError::illegal_argument(format!(
        "Invalid value for webhdfs parameter \"op\": No enum constant org.apache.hadoop.hdfs.web.resources.{class}.Op.{}",
        op.to_ascii_uppercase()
    ))
}

fn json_ok(body: serde_json::Value) -> Response {
    let mut r = (StatusCode::OK, body.to_string()).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

async fn handle(State(ctx): State<ClusterContext>, method: Method, uri: Uri) -> Response {
    match answer(&ctx, &method, &uri) {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

fn answer(ctx: &ClusterContext, method: &Method, uri: &Uri) -> Result<Response, HdfsError> {
    let params = QueryParams::parse(uri.query());
    let user = request_user(&params)?;
    let path = hdfs_path(uri)?;
    let fs = &ctx.cluster().hdfs;
    fs.provision_home(&user);
    let op = params
        .get_ignore_case("op")
        .unwrap_or("")
        .to_ascii_uppercase();
    match (method.clone(), op.as_str()) {
        (Method::GET, "GETFILESTATUS") => Ok(json_ok(fs.get_file_status(&path)?)),
        (Method::GET, "LISTSTATUS") => Ok(json_ok(fs.list_status(&path, &user)?)),
        (Method::GET, "GETHOMEDIRECTORY") => {
            Ok(json_ok(json!({ "Path": format!("/user/{user}") })))
        }
        (Method::GET, "OPEN") => {
            // The NameNode resolves block locations first: missing files and
            // READ permission fail here.
            fs.open(&path, &user)?;
            let mut extra = Vec::new();
            for name in ["buffersize", "length", "offset"] {
                if let Some(v) = params.get_ignore_case(name) {
                    extra.push((name, v.to_string()));
                }
            }
            if !extra.iter().any(|(n, _)| *n == "offset") {
                extra.push(("offset", "0".into()));
                extra.sort();
            }
            Ok(redirect(ctx, "OPEN", &path, &params, extra))
        }
        (Method::PUT, "CREATE") => {
            // Validate parameters (the NameNode does), but check nothing about
            // the file system: that is the DataNode's job.
            permission_param(&params)?;
            let overwrite = bool_param(&params, "overwrite")?.unwrap_or(false);
            let createparent = bool_param(&params, "createparent")?.unwrap_or(true);
            positive_param::<u64>(&params, "blocksize")?;
            positive_param::<u16>(&params, "replication")?;
            positive_param::<u32>(&params, "buffersize")?;
            let mut extra = vec![
                ("createflag", String::new()),
                ("createparent", createparent.to_string()),
                ("overwrite", overwrite.to_string()),
            ];
            for name in ["blocksize", "buffersize", "permission", "replication"] {
                if let Some(v) = params.get_ignore_case(name) {
                    extra.push((name, v.to_string()));
                }
            }
            extra.sort();
            Ok(redirect(ctx, "CREATE", &path, &params, extra))
        }
        (Method::PUT, "MKDIRS") => {
            let permission = permission_param(&params)?;
            Ok(json_ok(
                json!({ "boolean": fs.mkdirs(&path, &user, permission)? }),
            ))
        }
        (Method::PUT, "RENAME") => {
            let Some(dest) = params.get_ignore_case("destination") else {
                return Err(HdfsError::illegal_argument(
                    "Invalid value for webhdfs parameter \"destination\": null".into(),
                ));
            };
            let dest = normalize(dest)?;
            Ok(json_ok(
                json!({ "boolean": fs.rename(&path, &dest, &user)? }),
            ))
        }
        (Method::PUT, "SETTIMES") => {
            // -1 (the default) leaves a time as it is.
            let time = |name: &str| -> Result<i64, HdfsError> {
                match params.get_ignore_case(name) {
                    None => Ok(-1),
                    // LongParam.Domain's wording.
                    Some(v) => v.trim().parse::<i64>().map_err(|_| {
                        HdfsError::illegal_argument(format!(
                            "Invalid value for webhdfs parameter \"{name}\": Failed to parse \"{v}\" as a radix-10 long integer."
                        ))
                    }),
                }
            };
            let (mtime, atime) = (time("modificationtime")?, time("accesstime")?);
            fs.set_times(&path, &user, mtime, atime)?;
            // NamenodeWebHdfsMethods answers SETTIMES with an empty 200.
            let mut r = StatusCode::OK.into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            );
            Ok(r)
        }
        (Method::DELETE, "DELETE") => {
            let recursive = bool_param(&params, "recursive")?.unwrap_or(false);
            Ok(json_ok(
                json!({ "boolean": fs.delete(&path, &user, recursive)? }),
            ))
        }
        (m, op) => Err(unknown_op(&m, op)),
    }
}

/// The 307 to this cluster's DataNode (or, with `noredirect=true`, the same
/// URL as JSON).
fn redirect(
    ctx: &ClusterContext,
    op: &str,
    path: &str,
    params: &QueryParams,
    extra: Vec<(&str, String)>,
) -> Response {
    let cluster = ctx.cluster();
    let mut location = format!(
        "{}{PREFIX}{}?op={op}",
        cluster.urls.datanode,
        encode_path(path)
    );
    for name in ["user.name", "doas"] {
        if let Some(v) = params.get_ignore_case(name) {
            location.push_str(&format!("&{name}={}", encode_value(v)));
        }
    }
    location.push_str(&format!(
        "&namenoderpcaddress={}",
        cluster.urls.namenode_authority
    ));
    for (name, value) in extra {
        location.push_str(&format!("&{name}={}", encode_value(&value)));
    }
    if matches!(bool_param(params, "noredirect"), Ok(Some(true))) {
        return json_ok(json!({ "Location": location }));
    }
    let mut r = StatusCode::TEMPORARY_REDIRECT.into_response();
    let headers = r.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, v);
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from_static("0"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_pattern() {
        assert!(valid_user("alice"));
        assert!(valid_user("host$"));
        assert!(valid_user("Alice"));
        assert!(!valid_user("Alice@CORP.EXAMPLE.COM"));
        assert!(!valid_user("1abc"));
    }
}
