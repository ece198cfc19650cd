//! Typed WebHDFS / HttpFS client (`../shared/docs/hadoop-rest.md` §1):
//! MKDIRS, GETFILESTATUS, LISTSTATUS, DELETE, RENAME, SETTIMES, OPEN and
//! the two-step CREATE.
//!
//! CREATE is done by hand: step 1 is a PUT to the NameNode with no body and
//! no redirect following; step 2 streams the file from disk to the
//! `Location` it answered (a DataNode, possibly another host, or HttpFS
//! itself with `data=true`), with `Content-Type: application/octet-stream`
//! and a known length, so memory does not grow with the file. Errors are
//! dispatched on `RemoteException.exception`, not on the status code, since
//! NameNode, DataNode and HttpFS map exceptions to different codes.

use std::collections::BTreeMap;
use std::path::Path;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde::Deserialize;

use crate::config::HttpSettings;
use crate::error::{HjobError, Service};
use crate::http::{Auth, Failure, Http, jitter, next_delay, redact_url};

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

    /// Uploads a local file to `path` (two-step CREATE), streaming it from
    /// disk; `on_progress` is called with the bytes sent so far. With
    /// `hash`, the same reads feed a BLAKE3 hasher on a thread of its own,
    /// so the file is read once and hashed while the upload waits on the
    /// socket.
    ///
    /// The file's length, inode, mtime and ctime are taken when it is
    /// opened and again after its last byte was read: a file changed
    /// meanwhile comes back as [`FileUpload::changed`] (whatever the
    /// DataNode answered), and its upload must not be used.
    pub async fn create_from_file(
        &self,
        path: &str,
        local: &Path,
        overwrite: bool,
        hash: bool,
        on_progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> anyhow::Result<FileUpload> {
        let file = std::fs::File::open(local)
            .map_err(|e| HjobError::usage(format!("cannot read {}: {e}", local.display())))?;
        let opened = file
            .metadata()
            .map_err(|e| HjobError::usage(format!("cannot read {}: {e}", local.display())))?;
        let len = opened.len();
        let location = self.create_location(path, overwrite).await?;
        let (chunks, outcome) = file_chunks(file, len, hash, on_progress);
        let body = reqwest::Body::wrap_stream(chunks);
        let sent = self.put_data(path, &location, body, len).await;
        // The reader ends right after the last chunk it handed over (or as
        // soon as the request dropped the stream).
        let read = outcome.await.unwrap_or_default();
        let changed = read.changed
            || read.bytes != len
            || crate::hash_cache::Stamp::of(&opened) != read.stamp_after;
        if changed && read.finished {
            return Ok(FileUpload {
                len,
                blake3: None,
                opened,
                changed: true,
            });
        }
        sent?;
        Ok(FileUpload {
            len,
            blake3: read.blake3,
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
        let len = data.len() as u64;
        self.put_data(path, &location, reqwest::Body::from(data), len)
            .await
    }

    /// Step 2 of CREATE: sends the bytes to the DataNode (or HttpFS).
    async fn put_data(
        &self,
        path: &str,
        location: &str,
        body: reqwest::Body,
        len: u64,
    ) -> anyhow::Result<()> {
        let host = url::Url::parse(location)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let request = self
            .http
            .request_without_timeout(Method::PUT, location)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .header(reqwest::header::CONTENT_LENGTH, len)
            .body(body);
        let response = match self.http.exchange_once(location, request).await {
            Ok(response) => Ok(response),
            Err(Failure::Transport(e)) => Err(e),
            Err(failure) => return Err(self.http.failure_error(location, failure).await.into()),
        };
        let response = response
            .map_err(|e| {
                let mut error = self.http.transport_error(location, &e);
                if let HjobError::Service { hint, .. } = &mut error {
                    *hint = Some(if e.is_connect() {
                        format!(
                            "the DataNode {host:?} that the NameNode redirected to is not reachable from here; map it with [webhdfs] host_rewrites = {{ \"{host}\" = \"reachable-host\" }} in the config, or use an HttpFS or Knox webhdfs_url"
                        )
                    } else {
                        "the upload was cut off; hjob retries it from the start".into()
                    });
                }
                error
            })?;
        if response.status() == StatusCode::CREATED || response.status() == StatusCode::OK {
            return Ok(());
        }
        Err(self.error_from(location, path, response).await)
    }
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

/// Size of one read from disk while uploading.
const UPLOAD_CHUNK: usize = 256 * 1024;
/// Chunks read ahead of the network at most (memory stays under a few MiB).
const UPLOAD_READ_AHEAD: usize = 8;

/// Buffers one upload cycles through: the chunks read ahead, the one being
/// read, and the few the HTTP layer may still hold while writing.
const UPLOAD_BUFFERS: usize = UPLOAD_READ_AHEAD + 4;

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

/// What the reading thread found.
#[derive(Debug, Default)]
struct ReadOutcome {
    /// Bytes read.
    bytes: u64,
    /// Their BLAKE3 hash, when hashing.
    blake3: Option<String>,
    /// The file's stamp after the last read.
    stamp_after: Option<crate::hash_cache::Stamp>,
    /// It ended early, had more bytes than when opened, or failed to read.
    changed: bool,
    /// It read to the end (not stopped by the request going away).
    finished: bool,
}

/// A chunk of a file being uploaded. When the HTTP layer is done with it,
/// its buffer goes back to the reader, so an upload allocates (and zeroes)
/// its few buffers once instead of one per chunk.
struct PooledChunk {
    buffer: Vec<u8>,
    len: usize,
    home: std::sync::mpsc::Sender<Vec<u8>>,
}

impl AsRef<[u8]> for PooledChunk {
    fn as_ref(&self) -> &[u8] {
        &self.buffer[..self.len]
    }
}

impl Drop for PooledChunk {
    fn drop(&mut self) {
        // The reader may be gone (upload over): then the buffer is freed.
        let _ = self.home.send(std::mem::take(&mut self.buffer));
    }
}

/// Streams `len` bytes of a file in chunks read by a blocking thread a few
/// chunks ahead of the network, so disk reads (and, with `hash`, BLAKE3)
/// overlap the socket writes and memory stays bounded whatever the file
/// size (`UPLOAD_BUFFERS` chunks, reused). The second value says what the
/// reader found once it is done.
fn file_chunks(
    mut file: std::fs::File,
    len: u64,
    hash: bool,
    on_progress: impl Fn(u64) + Send + Sync + 'static,
) -> (
    impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
    tokio::sync::oneshot::Receiver<ReadOutcome>,
) {
    let (sender, receiver) = tokio::sync::mpsc::channel(UPLOAD_READ_AHEAD);
    let (done, outcome) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        use std::io::Read;
        let (home, free) = std::sync::mpsc::channel::<Vec<u8>>();
        // BLAKE3 on a thread of its own, fed the same chunks the network
        // gets (a chunk's buffer comes back once both are done with it):
        // the network never waits for the hash.
        let hasher = hash.then(|| {
            let (chunks, to_hash) = std::sync::mpsc::channel::<bytes::Bytes>();
            let thread = std::thread::spawn(move || {
                let mut hasher = blake3::Hasher::new();
                for chunk in to_hash {
                    hasher.update(&chunk);
                }
                hasher.finalize().to_hex().to_string()
            });
            (chunks, thread)
        });
        let mut allocated = 0;
        let mut read = ReadOutcome::default();
        loop {
            let mut buffer = match free.try_recv() {
                Ok(buffer) => buffer,
                Err(_) if allocated < UPLOAD_BUFFERS => {
                    allocated += 1;
                    vec![0u8; UPLOAD_CHUNK]
                }
                // All in flight: wait for the network to hand one back.
                Err(_) => match free.recv() {
                    Ok(buffer) => buffer,
                    Err(_) => break,
                },
            };
            // Never more than `len` (the length announced): one byte past
            // it only to learn that the file grew.
            let want = (len - read.bytes).min(UPLOAD_CHUNK as u64) as usize;
            let result = if want == 0 {
                let mut probe = [0u8; 1];
                match file.read(&mut probe) {
                    Ok(0) => {
                        read.finished = true;
                        break;
                    }
                    Ok(_) => Err(std::io::Error::other("the file grew while it was read")),
                    Err(e) => Err(e),
                }
            } else {
                match file.read(&mut buffer[..want]) {
                    Ok(0) => Err(std::io::Error::other("the file shrank while it was read")),
                    Ok(n) => {
                        read.bytes += n as u64;
                        let chunk = bytes::Bytes::from_owner(PooledChunk {
                            buffer,
                            len: n,
                            home: home.clone(),
                        });
                        if let Some((chunks, _)) = &hasher {
                            let _ = chunks.send(chunk.clone());
                        }
                        Ok(chunk)
                    }
                    Err(e) => Err(e),
                }
            };
            if result.is_err() {
                read.changed = true;
                read.finished = true;
                let _ = sender.blocking_send(result);
                break;
            }
            if sender.blocking_send(result).is_err() {
                break;
            }
        }
        read.stamp_after = file
            .metadata()
            .ok()
            .and_then(|m| crate::hash_cache::Stamp::of(&m));
        if let Some((chunks, thread)) = hasher {
            drop(chunks);
            let blake3 = thread.join().ok();
            if read.finished && !read.changed {
                read.blake3 = blake3;
            }
        }
        drop(sender);
        let _ = done.send(read);
    });
    let mut sent = 0u64;
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|item| (item, receiver))
    })
    .map(move |chunk| {
        if let Ok(bytes) = &chunk {
            sent += bytes.len() as u64;
            on_progress(sent);
        }
        chunk
    });
    (stream, outcome)
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

    /// Drains a file's chunks the way the network does (two held at a
    /// time), calling `between` after the first chunk; returns the bytes
    /// and what the reader found.
    fn drain(
        path: &std::path::Path,
        hash: bool,
        between: impl FnOnce(),
        progress: impl Fn(u64) + Send + Sync + 'static,
    ) -> (Vec<u8>, ReadOutcome) {
        let file = std::fs::File::open(path).unwrap();
        let len = file.metadata().unwrap().len();
        let (stream, outcome) = file_chunks(file, len, hash, progress);
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(async {
                let mut stream = std::pin::pin!(stream);
                let mut out = Vec::new();
                let mut held = std::collections::VecDeque::new();
                let mut between = Some(between);
                while let Some(chunk) = stream.next().await {
                    let Ok(chunk) = chunk else { break };
                    held.push_back(chunk);
                    if let Some(between) = between.take() {
                        between();
                    }
                    // Keep two in flight; drop the oldest as a socket would.
                    if held.len() > 2 {
                        out.extend_from_slice(&held.pop_front().unwrap());
                    }
                }
                for chunk in held {
                    out.extend_from_slice(&chunk);
                }
                (out, outcome.await.unwrap())
            })
    }

    #[test]
    fn file_chunks_reuse_their_buffers_hash_and_keep_every_byte() {
        // Many more chunks than buffers, held a while each like the network
        // does: the content must come through exactly, hashed.
        let len = UPLOAD_CHUNK * (UPLOAD_BUFFERS * 3) + 12_345;
        let content: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), &content).unwrap();
        let progress = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let seen = progress.clone();
        let (joined, outcome) = drain(
            file.path(),
            true,
            || {},
            move |n| {
                seen.store(n, std::sync::atomic::Ordering::Relaxed);
            },
        );
        assert_eq!(joined.len(), content.len());
        assert!(joined == content, "content changed in transit");
        assert_eq!(
            progress.load(std::sync::atomic::Ordering::Relaxed),
            len as u64
        );
        assert_eq!(
            outcome.blake3.as_deref(),
            Some(blake3::hash(&content).to_hex().as_str())
        );
        assert!(outcome.finished && !outcome.changed);
        // Without hashing: the same bytes, no hash.
        let (joined, outcome) = drain(file.path(), false, || {}, |_| {});
        assert!(joined == content);
        assert_eq!(outcome.blake3, None);
    }

    #[test]
    fn a_file_changed_while_it_is_read_is_reported() {
        let len = UPLOAD_CHUNK * (UPLOAD_BUFFERS * 2);
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), vec![7u8; len]).unwrap();
        // Grown after the first chunk, the reader still far from the end:
        // it stops at the announced length and reports the change.
        let (_, outcome) = drain(
            file.path(),
            true,
            || {
                use std::io::Write as _;
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(file.path())
                    .unwrap();
                f.write_all(b"more").unwrap();
            },
            |_| {},
        );
        assert!(outcome.changed, "{outcome:?}");
        assert_eq!(outcome.blake3, None, "no hash for a torn read");
        // Rewritten in place, same length: the stamp tells.
        std::fs::write(file.path(), vec![7u8; len]).unwrap();
        let opened = std::fs::metadata(file.path()).unwrap();
        let (_, outcome) = drain(
            file.path(),
            true,
            || {
                use std::io::{Seek as _, Write as _};
                // Let the clock move past the file's current ctime.
                std::thread::sleep(std::time::Duration::from_millis(20));
                let mut f = std::fs::OpenOptions::new()
                    .write(true)
                    .open(file.path())
                    .unwrap();
                f.seek(std::io::SeekFrom::Start(len as u64 / 2)).unwrap();
                f.write_all(b"x").unwrap();
            },
            |_| {},
        );
        assert!(outcome.finished);
        assert_ne!(
            outcome.stamp_after,
            crate::hash_cache::Stamp::of(&opened),
            "an in-place write changes the stamp"
        );
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
