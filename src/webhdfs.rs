//! Typed WebHDFS / HttpFS client (`../shared/docs/hadoop-rest.md` §1):
//! MKDIRS, GETFILESTATUS, LISTSTATUS, DELETE, RENAME, SETTIMES, OPEN and
//! the two-step CREATE.
//!
//! CREATE is done by hand: step 1 is a PUT to the NameNode with no body and
//! no redirect following; step 2 sends the file to the `Location` it
//! answered (a DataNode, possibly another host, or HttpFS itself with
//! `data=true`), with `Content-Type: application/octet-stream` and a known
//! length, from the page cache by the kernel over plain HTTP, so memory
//! does not grow with the file. Errors are
//! dispatched on `RemoteException.exception`, not on the status code, since
//! NameNode, DataNode and HttpFS map exceptions to different codes.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use futures_util::StreamExt as _;
use reqwest::{Method, StatusCode};
use serde::Deserialize;

use crate::config::HttpSettings;
use crate::error::{HjobError, Service};
use crate::http::{Auth, Failure, FileBody, Http, jitter, next_delay, redact_url};

/// The fields of a FileStatus hjob uses (others are ignored).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileStatus {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub length: u64,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub permission: Option<String>,
    /// The entry's name in a LISTSTATUS answer (empty in GETFILESTATUS).
    #[serde(default)]
    pub path_suffix: String,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub modification_time: u64,
    /// Milliseconds since the epoch of the last read, to the NameNode's
    /// `dfs.namenode.accesstime.precision` (1 hour by default); 0 when
    /// access times are off, and always 0 for directories.
    #[serde(default)]
    pub access_time: u64,
}

impl FileStatus {
    /// When the file was last used: its access time, or its modification
    /// time when access times are off (0).
    pub fn last_used_ms(&self) -> u64 {
        if self.access_time == 0 {
            self.modification_time
        } else {
            self.access_time.max(self.modification_time)
        }
    }
}

#[derive(Deserialize)]
struct FileStatusBody {
    #[serde(rename = "FileStatus")]
    file_status: FileStatus,
}

/// `{"boolean": …}`, the answer of MKDIRS, DELETE and RENAME.
#[derive(Deserialize)]
struct BooleanBody {
    boolean: bool,
}

#[derive(Deserialize)]
struct RemoteExceptionBody {
    #[serde(rename = "RemoteException")]
    remote: RemoteException,
}

/// The error document every Hadoop REST server sends.
#[derive(Debug, Clone, Deserialize, thiserror::Error)]
#[error("{exception}: {message}")]
pub struct RemoteException {
    pub exception: String,
    #[serde(default, rename = "javaClassName")]
    pub java_class_name: Option<String>,
    #[serde(default)]
    pub message: String,
}

/// Typed WebHDFS client for one cluster, acting as one user.
#[derive(Debug, Clone)]
pub struct WebHdfsClient {
    http: Http,
    base: String,
    user: String,
    host_rewrites: BTreeMap<String, String>,
}

/// Percent-encodes each segment of an absolute HDFS path, keeping the `/`s.
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|segment| {
            url::form_urlencoded::byte_serialize(segment.as_bytes())
                .collect::<String>()
                .replace('+', "%20")
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The user an HDFS permission error names (`Permission denied: user=ci,
/// access=WRITE, ...`): who the NameNode took the request to be from.
fn authenticated_as(message: &str) -> Option<&str> {
    let rest = &message[message.find("user=")? + "user=".len()..];
    let end = rest.find([',', ' ']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|u| !u.is_empty())
}

impl WebHdfsClient {
    /// A client for the WebHDFS/HttpFS base URL (ending in `/webhdfs/v1`).
    pub fn new(
        base: &str,
        user: &str,
        settings: &HttpSettings,
        host_rewrites: BTreeMap<String, String>,
    ) -> anyhow::Result<Self> {
        Ok(WebHdfsClient {
            http: Http::new(Service::WebHdfs, settings, Auth::None)?,
            base: base.trim_end_matches('/').to_owned(),
            user: user.to_owned(),
            host_rewrites,
        })
    }

    fn url(&self, path: &str, op: &str, extra: &[(&str, &str)]) -> String {
        let mut url = format!("{}{}?op={op}", self.base, encode_path(path));
        for (k, v) in crate::auth::identity(&self.user, "doas") {
            url.push('&');
            url.push_str(k);
            url.push('=');
            url.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
        }
        for (k, v) in extra {
            url.push('&');
            url.push_str(k);
            url.push('=');
            url.extend(url::form_urlencoded::byte_serialize(v.as_bytes()));
        }
        url
    }

    /// Turns an error answer into a message that says what to do.
    async fn error_from(
        &self,
        url: &str,
        path: &str,
        response: reqwest::Response,
    ) -> anyhow::Error {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        self.error_from_body(url, path, status, &body)
    }

    /// Like [`WebHdfsClient::error_from`], for an answer already read.
    ///
    /// A permission error is the user's or the config's to fix (exit 2, no
    /// retry); anything else the server said is a service error (exit 4).
    fn error_from_body(
        &self,
        url: &str,
        path: &str,
        status: StatusCode,
        body: &str,
    ) -> anyhow::Error {
        match serde_json::from_str::<RemoteExceptionBody>(body) {
            Ok(parsed) => {
                let mut remote = parsed.remote;
                // DataNodes append the Java stack trace to the message.
                if let Some(at) = remote.message.find("\n\tat ") {
                    remote.message.truncate(at);
                }
                let hint = match remote.exception.as_str() {
                    "AccessControlException" | "SecurityException" => {
                        let home = format!("/user/{}", self.user);
                        let message = format!("HDFS refused {path} to user {:?}: {}", self.user, remote.message);
                        let hint = match authenticated_as(&remote.message) {
                            // Kerberos or a gateway decided who is asking,
                            // and it is not hjob's user.
                            Some(who) if who != self.user => format!(
                                "the cluster knows you as {who:?} (your Kerberos principal or gateway login), but hjob runs jobs as {:?}: set HJOB_USER={who} (or `user` in the config), or pass --do-as {:?} if {who:?} may act for that user",
                                self.user, self.user
                            ),
                            _ => format!(
                                "hjob stages under {home}/.hjob: check that {home} exists and belongs to {:?} (an HDFS admin creates it), or set HJOB_USER to your Hadoop user",
                                self.user
                            ),
                        };
                        return anyhow::Error::new(remote).context(HjobError::usage_hint(message, hint));
                    }
                    // A proxy user (--do-as) the cluster does not allow:
                    // `User: svc is not allowed to impersonate alice`.
                    "AuthorizationException" => {
                        let message = format!("HDFS refused the proxy user: {}", remote.message);
                        let hint = crate::auth::proxy_user_hint();
                        return anyhow::Error::new(remote).context(HjobError::usage_hint(message, hint));
                    }
                    // `Path is not a directory: P` (a mkdirs), or `Parent
                    // path is not a directory: P` (a create beneath P).
                    "FileAlreadyExistsException" | "ParentNotDirectoryException"
                        if remote.message.contains("is not a directory: ") =>
                    {
                        let file = remote.message.rsplit("is not a directory: ").next().unwrap_or_default().trim();
                        Some(format!("{file} is a file where hjob needs a directory: move it aside (`hdfs dfs -mv {file} {file}.old`) or remove it"))
                    }
                    "FileAlreadyExistsException" => Some(format!("{path} already exists")),
                    "StandbyException" => Some("this NameNode is the standby; point webhdfs_url at the active NameNode or at HttpFS/Knox".into()),
                    "SafeModeException" | "RetriableException" => Some("HDFS is in safe mode (hjob retried); try again when it has left safe mode".into()),
                    "IllegalArgumentException" if remote.message.contains("user") => Some("set HJOB_USER to a valid Hadoop user name".into()),
                    _ => None,
                };
                let service = HjobError::Service {
                    service: Service::WebHdfs,
                    url: redact_url(url),
                    message: format!("HTTP {status}: {remote}"),
                    hint,
                };
                anyhow::Error::new(remote).context(service)
            }
            Err(_) => self.http.status_error(url, status, body).into(),
        }
    }

    /// Sends a NameNode call, retried as the HTTP layer retries idempotent
    /// calls and, like Hadoop's own clients, while the NameNode is in safe
    /// mode (`SafeModeException`, or `RetriableException` with HA). Answers
    /// below 400 are returned; errors come back mapped.
    async fn send_namenode(
        &self,
        method: Method,
        url: &str,
        path: &str,
        empty_body: bool,
    ) -> anyhow::Result<reqwest::Response> {
        let settings = self.http.settings();
        let tries = settings.retries.max(1);
        let mut delay = settings.backoff_initial.min(settings.backoff_max);
        let mut attempt = 1;
        loop {
            let response = self
                .http
                .send_retrying(url, None, || {
                    let request = self.http.request(method.clone(), url);
                    if empty_body {
                        request.header(reqwest::header::CONTENT_LENGTH, "0")
                    } else {
                        request
                    }
                })
                .await?;
            let status = response.status();
            if status.as_u16() < 400 {
                return Ok(response);
            }
            let body = response.text().await.unwrap_or_default();
            let error = self.error_from_body(url, path, status, &body);
            if attempt >= tries || !is_safe_mode(&error) {
                return Err(error);
            }
            let wait = jitter(delay);
            tracing::debug!(
                "WebHDFS {}: NameNode in safe mode (try {attempt} of {tries}); retrying in {wait:?}",
                redact_url(url)
            );
            tokio::time::sleep(wait).await;
            delay = next_delay(delay, settings.backoff_max);
            attempt += 1;
        }
    }

    /// Reads a path's status; `None` when it does not exist.
    pub async fn status(&self, path: &str) -> anyhow::Result<Option<FileStatus>> {
        let url = self.url(path, "GETFILESTATUS", &[]);
        match self.send_namenode(Method::GET, &url, path, false).await {
            Ok(response) if response.status() == StatusCode::OK => {
                let body: FileStatusBody = response
                    .json()
                    .await
                    .map_err(|e| self.http.transport_error(&url, &e))?;
                Ok(Some(body.file_status))
            }
            Ok(response) => Err(self.error_from(&url, path, response).await),
            Err(error) if is_not_found(&error) => Ok(None),
            Err(error) => Err(error),
        }
    }

    /// Lists a directory (LISTSTATUS); `None` when it does not exist.
    pub async fn list(&self, path: &str) -> anyhow::Result<Option<Vec<FileStatus>>> {
        #[derive(Deserialize)]
        struct Listing {
            #[serde(rename = "FileStatuses")]
            statuses: Statuses,
        }
        #[derive(Deserialize)]
        struct Statuses {
            #[serde(rename = "FileStatus", default)]
            entries: Vec<FileStatus>,
        }
        let url = self.url(path, "LISTSTATUS", &[]);
        let response = self
            .http
            .send_retrying(&url, None, || self.http.request(Method::GET, &url))
            .await?;
        if response.status() == StatusCode::OK {
            let body: Listing = response
                .json()
                .await
                .map_err(|e| self.http.transport_error(&url, &e))?;
            return Ok(Some(body.statuses.entries));
        }
        let error = self.error_from(&url, path, response).await;
        if is_not_found(&error) {
            Ok(None)
        } else {
            Err(error)
        }
    }

    /// Sets a path's modification and/or access time (milliseconds since
    /// the epoch; `None` leaves one as it is): `op=SETTIMES`, answered
    /// with an empty 200.
    pub async fn set_times(
        &self,
        path: &str,
        modification_ms: Option<u64>,
        access_ms: Option<u64>,
    ) -> anyhow::Result<()> {
        let text = |t: Option<u64>| t.map_or_else(|| "-1".to_owned(), |t| t.to_string());
        let (m, a) = (text(modification_ms), text(access_ms));
        let url = self.url(
            path,
            "SETTIMES",
            &[("modificationtime", &m), ("accesstime", &a)],
        );
        let response = self.send_namenode(Method::PUT, &url, path, true).await?;
        if response.status() != StatusCode::OK {
            return Err(self.error_from(&url, path, response).await);
        }
        Ok(())
    }

    /// Reads a small file whole (`op=OPEN`: the NameNode answers with a
    /// redirect to a DataNode, HttpFS with the bytes); `None` when it does
    /// not exist. Files over `limit` bytes are refused, so memory stays
    /// bounded.
    pub async fn read_small(&self, path: &str, limit: u64) -> anyhow::Result<Option<Vec<u8>>> {
        let url = self.url(path, "OPEN", &[]);
        let response = match self.send_namenode(Method::GET, &url, path, false).await {
            Ok(response) => response,
            Err(error) if is_not_found(&error) => {
                return Ok(None);
            }
            Err(error) => return Err(error),
        };
        let (url, response) = if response.status().is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(|l| self.rewrite_host(l))
                .ok_or_else(|| HjobError::Service {
                    service: Service::WebHdfs,
                    url: redact_url(&url),
                    message: format!("OPEN answered {} without a Location", response.status()),
                    hint: None,
                })?;
            let response = self
                .http
                .send_retrying(&location, None, || {
                    self.http.request(Method::GET, &location)
                })
                .await?;
            (location, response)
        } else {
            (url, response)
        };
        if response.status() != StatusCode::OK {
            let error = self.error_from(&url, path, response).await;
            return if is_not_found(&error) {
                Ok(None)
            } else {
                Err(error)
            };
        }
        let too_large = || -> anyhow::Error {
            HjobError::Service {
                service: Service::WebHdfs,
                url: redact_url(&url),
                message: format!("{path} is larger than {limit} bytes"),
                hint: None,
            }
            .into()
        };
        if response.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut body = Vec::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| self.http.transport_error(&url, &e))?;
            body.extend_from_slice(&chunk);
            if body.len() as u64 > limit {
                return Err(too_large());
            }
        }
        Ok(Some(body))
    }

    /// Creates a directory and its parents (true also when it exists).
    pub async fn mkdirs(&self, path: &str, permission: &str) -> anyhow::Result<()> {
        let url = self.url(path, "MKDIRS", &[("permission", permission)]);
        if self.boolean_op(Method::PUT, &url, path).await? {
            Ok(())
        } else {
            Err(HjobError::Service {
                service: Service::WebHdfs,
                url: redact_url(&url),
                message: format!("MKDIRS {path} answered false"),
                hint: Some("check that no file stands where a directory is needed".into()),
            }
            .into())
        }
    }

    /// Deletes a path; `false` when it did not exist.
    pub async fn delete(&self, path: &str, recursive: bool) -> anyhow::Result<bool> {
        let url = self.url(
            path,
            "DELETE",
            &[("recursive", if recursive { "true" } else { "false" })],
        );
        self.boolean_op(Method::DELETE, &url, path).await
    }

    /// Renames a path (`op=RENAME`); `false` when WebHDFS refused (for
    /// example because the destination exists).
    pub async fn rename(&self, from: &str, to: &str) -> anyhow::Result<bool> {
        let url = self.url(from, "RENAME", &[("destination", to)]);
        self.boolean_op(Method::PUT, &url, from).await
    }

    /// Sends an op whose answer is `{"boolean": …}` (MKDIRS, DELETE, RENAME).
    async fn boolean_op(&self, method: Method, url: &str, path: &str) -> anyhow::Result<bool> {
        let response = self.send_namenode(method, url, path, false).await?;
        if response.status() != StatusCode::OK {
            return Err(self.error_from(url, path, response).await);
        }
        Ok(response
            .json::<BooleanBody>()
            .await
            .map(|b| b.boolean)
            .unwrap_or(false))
    }

    /// Step 1 of CREATE: asks the NameNode where to send the data.
    async fn create_location(&self, path: &str, overwrite: bool) -> anyhow::Result<String> {
        let url = self.url(
            path,
            "CREATE",
            &[
                ("overwrite", if overwrite { "true" } else { "false" }),
                ("permission", "644"),
            ],
        );
        let response = self.send_namenode(Method::PUT, &url, path, true).await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            return location.map(|l| self.rewrite_host(&l)).ok_or_else(|| {
                HjobError::Service {
                    service: Service::WebHdfs,
                    url: redact_url(&url),
                    message: format!("CREATE answered {status} without a Location"),
                    hint: None,
                }
                .into()
            });
        }
        if status == StatusCode::OK {
            // `noredirect=true` style answer: {"Location": "..."}.
            #[derive(Deserialize)]
            struct Loc {
                #[serde(rename = "Location")]
                location: String,
            }
            if let Ok(loc) = response.json::<Loc>().await {
                return Ok(self.rewrite_host(&loc.location));
            }
            return Err(HjobError::Service {
                service: Service::WebHdfs,
                url: redact_url(&url),
                message: "CREATE answered 200 without a Location".into(),
                hint: None,
            }
            .into());
        }
        Err(self.error_from(&url, path, response).await)
    }

    /// Applies the configured `[webhdfs] host_rewrites` to a DataNode URL.
    fn rewrite_host(&self, location: &str) -> String {
        let Ok(mut url) = url::Url::parse(location) else {
            return location.to_owned();
        };
        if let Some(host) = url.host_str()
            && let Some(to) = self.host_rewrites.get(host)
        {
            let _ = url.set_host(Some(to));
            return url.to_string();
        }
        location.to_owned()
    }

    /// Uploads a local file to `path` (two-step CREATE). Over plain HTTP
    /// the kernel sends it from the page cache (see [`FileBody`]);
    /// `on_progress` is called with the bytes sent so far. With `hash`, a
    /// thread of its own hashes the file (BLAKE3) meanwhile, reading it
    /// once, on another core while the upload waits on the socket, and
    /// tells the hash as soon as it has it (before the upload ends, as a
    /// rule). A hash told is the file's only if the upload comes back
    /// unchanged.
    ///
    /// The file's length, inode, mtime and ctime are taken when it is
    /// opened and again once it was sent and hashed: a file changed
    /// meanwhile comes back as [`FileUpload::changed`] (whatever the
    /// DataNode answered), and its upload must not be used.
    pub async fn create_from_file(
        &self,
        path: &str,
        local: &Path,
        overwrite: bool,
        hash: Option<OnHashed>,
        on_progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> anyhow::Result<FileUpload> {
        let cannot_read =
            |e: std::io::Error| HjobError::usage(format!("cannot read {}: {e}", local.display()));
        let file = std::fs::File::open(local).map_err(cannot_read)?;
        let opened = file.metadata().map_err(cannot_read)?;
        let len = opened.len();
        let location = self.create_location(path, overwrite).await?;
        let file = Arc::new(file);
        let hashing = hash.map(|told| Hashing::start(file.clone(), len, told));
        let body = FileBody::new(file.clone(), len, on_progress);
        let sent = self.put_data(path, &location, Data::File(body)).await;
        let hashed = match hashing {
            Some(hashing) => {
                if sent.is_err() {
                    hashing.stop();
                }
                Some(hashing.finish().await)
            }
            None => None,
        };
        let stamp_after = file
            .metadata()
            .ok()
            .and_then(|m| crate::hash_cache::Stamp::of(&m));
        let changed = crate::hash_cache::Stamp::of(&opened) != stamp_after
            || (sent.is_ok() && matches!(hashed, Some(Ok(None))));
        if changed {
            return Ok(FileUpload {
                len,
                blake3: None,
                opened,
                changed: true,
            });
        }
        sent?;
        let blake3 = match hashed {
            Some(Ok(blake3)) => blake3,
            Some(Err(e)) => return Err(cannot_read(e).into()),
            None => None,
        };
        Ok(FileUpload {
            len,
            blake3,
            opened,
            changed: false,
        })
    }

    /// Uploads in-memory bytes to `path` (two-step CREATE).
    pub async fn create_from_bytes(
        &self,
        path: &str,
        data: Vec<u8>,
        overwrite: bool,
    ) -> anyhow::Result<()> {
        let location = self.create_location(path, overwrite).await?;
        self.put_data(path, &location, Data::Bytes(data)).await
    }

    /// Step 2 of CREATE: sends the bytes to the DataNode (or HttpFS).
    async fn put_data(&self, path: &str, location: &str, data: Data) -> anyhow::Result<()> {
        let host = url::Url::parse(location)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let request = self
            .http
            .request_without_timeout(Method::PUT, location)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream");
        let sent = match data {
            Data::Bytes(bytes) => {
                let request = request
                    .header(reqwest::header::CONTENT_LENGTH, bytes.len())
                    .body(bytes);
                self.http.exchange_once(location, request).await
            }
            Data::File(body) => self.http.put_file(location, request, body).await,
        };
        let connecting = match &sent {
            Err(Failure::Transport(e)) => Some(e.is_connect()),
            Err(Failure::Io(failure)) => Some(failure.connecting),
            _ => None,
        };
        let response = match sent {
            Ok(response) => response,
            Err(failure) => {
                let mut error = self.http.failure_error(location, failure).await;
                if let (Some(connecting), HjobError::Service { hint, .. }) =
                    (connecting, &mut error)
                {
                    *hint = Some(if connecting {
                        format!(
                            "the DataNode {host:?} that the NameNode redirected to is not reachable from here; map it with [webhdfs] host_rewrites = {{ \"{host}\" = \"reachable-host\" }} in the config, or use an HttpFS or Knox webhdfs_url"
                        )
                    } else {
                        "the upload was cut off; hjob retries it from the start".into()
                    });
                }
                return Err(error.into());
            }
        };
        if response.status() == StatusCode::CREATED || response.status() == StatusCode::OK {
            return Ok(());
        }
        Err(self.error_from(location, path, response).await)
    }
}

/// What step 2 of CREATE sends.
enum Data {
    /// Bytes in memory (sent again to answer an authentication challenge).
    Bytes(Vec<u8>),
    /// A local file, sent once.
    File(FileBody),
}

/// The name of the RemoteException in an error's chain, if any.
pub fn remote_exception(error: &anyhow::Error) -> Option<&str> {
    error
        .chain()
        .find_map(|c| c.downcast_ref::<RemoteException>())
        .map(|r| r.exception.as_str())
}

/// Whether an error is HDFS saying the path does not exist.
pub fn is_not_found(error: &anyhow::Error) -> bool {
    remote_exception(error) == Some("FileNotFoundException")
}

/// Whether an error is HDFS refusing a change while in safe mode: worth
/// retrying, as Hadoop's own clients do. A NameNode in safe mode still
/// answers CREATE's first step, so this also comes from the DataNode step.
pub fn is_safe_mode(error: &anyhow::Error) -> bool {
    matches!(
        remote_exception(error),
        Some("SafeModeException" | "RetriableException")
    )
}

/// What [`WebHdfsClient::create_from_file`] did.
#[derive(Debug, Clone)]
pub struct FileUpload {
    /// Bytes sent (the file's length when opened).
    pub len: u64,
    /// The BLAKE3 hash of those bytes, lower-case hex (when asked for).
    pub blake3: Option<String>,
    /// The file's metadata when it was opened (what the hash belongs to).
    pub opened: std::fs::Metadata,
    /// The file changed while it was read: the upload is not of one
    /// version of it, and must be thrown away.
    pub changed: bool,
}

/// Told a file's hash by the thread that hashed it, as soon as it is known.
pub type OnHashed = Arc<dyn Fn(&str) + Send + Sync>;

/// A file hashed on a thread of its own while it is uploaded.
struct Hashing {
    stop: Arc<std::sync::atomic::AtomicBool>,
    done: tokio::sync::oneshot::Receiver<std::io::Result<Option<String>>>,
}

/// Size of one read while hashing (the buffer stays in the CPU's cache).
const HASH_CHUNK: usize = 256 * 1024;

impl Hashing {
    /// Starts hashing the first `len` bytes of `file`, reading at offsets
    /// (the upload reads the same file meanwhile).
    fn start(file: Arc<std::fs::File>, len: u64, told: OnHashed) -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (done, finished) = tokio::sync::oneshot::channel();
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let hashed = hash_file(&file, len, &stopped);
            if let Ok(Some(hash)) = &hashed {
                told(hash);
            }
            let _ = done.send(hashed);
        });
        Hashing {
            stop,
            done: finished,
        }
    }

    /// Asks the hashing to stop (the upload failed).
    fn stop(&self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// The hash, lower-case hex; `None` when the file ended before `len`
    /// bytes (it shrank) or the hashing was stopped.
    async fn finish(self) -> std::io::Result<Option<String>> {
        self.done.await.unwrap_or(Ok(None))
    }
}

/// The BLAKE3 hash of a file's first `len` bytes (see [`Hashing`]).
fn hash_file(
    file: &std::fs::File,
    len: u64,
    stop: &std::sync::atomic::AtomicBool,
) -> std::io::Result<Option<String>> {
    use std::os::unix::fs::FileExt as _;
    let mut hasher = blake3::Hasher::new();
    let mut buffer = vec![0u8; HASH_CHUNK];
    let mut offset = 0u64;
    while offset < len {
        if stop.load(std::sync::atomic::Ordering::Relaxed) {
            return Ok(None);
        }
        let want = (len - offset).min(HASH_CHUNK as u64) as usize;
        match file.read_at(&mut buffer[..want], offset) {
            Ok(0) => return Ok(None),
            Ok(n) => {
                hasher.update(&buffer[..n]);
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Some(hasher.finalize().to_hex().to_string()))
}

#[cfg(test)]
mod tests {
    use super::authenticated_as;

    #[test]
    fn permission_errors_name_who_the_namenode_took_the_request_from() {
        let real =
            "Permission denied: user=ci, access=WRITE, inode=\"/user\":hdfs:supergroup:drwxr-xr-x";
        assert_eq!(authenticated_as(real), Some("ci"));
        assert_eq!(
            authenticated_as("Permission denied: user=alice access=READ"),
            Some("alice")
        );
        assert_eq!(authenticated_as("no user here"), None);
        assert_eq!(authenticated_as("user=, oops"), None);
    }

    use super::*;

    #[test]
    fn hashing_reads_the_file_at_offsets_to_its_length() {
        let len = HASH_CHUNK * 3 + 12_345;
        let content: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &content).unwrap();
        let opened = std::fs::File::open(file.path()).unwrap();
        let stop = std::sync::atomic::AtomicBool::new(false);
        assert_eq!(
            hash_file(&opened, len as u64, &stop).unwrap(),
            Some(blake3::hash(&content).to_hex().to_string())
        );
        // The bytes past the length when it was opened are not its.
        assert_eq!(
            hash_file(&opened, 100, &stop).unwrap(),
            Some(blake3::hash(&content[..100]).to_hex().to_string())
        );
        // Shorter than its length when opened: it shrank, no hash.
        assert_eq!(hash_file(&opened, len as u64 + 1, &stop).unwrap(), None);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(hash_file(&opened, len as u64, &stop).unwrap(), None);
    }

    #[test]
    fn paths_are_encoded_per_segment() {
        assert_eq!(encode_path("/user/a b/x#y.jar"), "/user/a%20b/x%23y.jar");
    }

    #[test]
    fn parses_recorded_error_shapes() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/docs/hadoop-rest-examples/"
        );
        for (file, exception) in [
            ("webhdfs-error-accesscontrol.json", "AccessControlException"),
            ("webhdfs-error-filenotfound.json", "FileNotFoundException"),
            (
                "httpfs-error-accesscontrol-500.json",
                "AccessControlException",
            ),
        ] {
            let text = std::fs::read_to_string(format!("{dir}{file}")).unwrap();
            let body: RemoteExceptionBody = serde_json::from_str(&text).unwrap();
            assert_eq!(body.remote.exception, exception);
        }
        let text =
            std::fs::read_to_string(format!("{dir}webhdfs-getfilestatus-file.json")).unwrap();
        let status: FileStatusBody = serde_json::from_str(&text).unwrap();
        assert_eq!(status.file_status.kind, "FILE");
    }
}
