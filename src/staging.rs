//! Staging a job on HDFS before it is submitted.
//!
//! Layout under `/user/<user>/.hjob/`: one app dir per submission
//! (`runs/<submission id>/workflow.xml`), and shipped files content-addressed
//! (`cache/<blake3>/<file name>`): a cached file already there with the same
//! length is not uploaded again. An upload cut off mid-way, or answered with
//! a retryable status (5xx, 408, 429), is sent again from the start of that
//! file (with overwrite, so it is idempotent) after a capped, jittered
//! backoff.
//!
//! A shipped file whose hash is not known yet (a new jar) is read once, by
//! a thread that hashes it (BLAKE3) while the kernel sends it to the
//! DataNode (see [`crate::webhdfs::WebHdfsClient::create_from_file`]). It
//! is written under a
//! temporary name in `cache/`, then renamed into `cache/<blake3>/` once the
//! hash is known. A file whose hash is known is written under a temporary
//! name beside its cache path. Either way a half-written file is never
//! under a cache path and never reused, and after the rename the cache
//! path's length is checked with GETFILESTATUS before anything is
//! submitted. When the rename finds a copy of the same length already there
//! (another run shipped the same content meanwhile), that copy is kept and
//! the temporary file removed: one copy. A local file that changes while it
//! is read (its length, inode, mtime or ctime differ from when it was
//! opened) is never staged: its upload is removed and the file read again,
//! up to [`CHANGE_TRIES`] times.
//!
//! The temporary name is `.<file name>.hjob-upload.<pid>.<nanos>.<host>`
//! (see [`UPLOAD_MARKER`]): a client killed mid-upload leaves such a file.
//! Each upload removes, from the directory it writes in, those of dead
//! processes on this host and any older than [`STALE_UPLOAD_AGE`], and `hjob
//! gc` removes the rest by the same rule ([`is_abandoned`]).
//!
//! A file taken from the cache is marked as used (SETTIMES), so `hjob gc`,
//! which removes cached files unused for days, spares a file a job is about
//! to use before that job exists.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::config::HttpSettings;
use crate::error::{HjobError, Service};
use crate::hash_cache::Stamp;
use crate::http::{jitter, next_delay};
use crate::job::{ShippedFile, Upload, cache_path, cache_root};
use crate::ui::Ui;
use crate::webhdfs::{FileUpload, OnHashed, WebHdfsClient};

/// What staging the shipped files did.
#[derive(Debug, Clone, Default)]
pub struct StagingReport {
    /// Bytes of shipped files actually uploaded (0 when all were cached).
    pub uploaded_bytes: u64,
    /// Files uploaded.
    pub uploaded: Vec<String>,
    /// Files found in the cache and not uploaded again.
    pub cached: Vec<String>,
    /// Every shipped file, where it now is on HDFS.
    pub staged: Vec<Upload>,
    /// Hashes learnt while uploading, for the hash cache: the file and its
    /// metadata when it was read.
    pub hashed: Vec<(PathBuf, std::fs::Metadata, String)>,
}

/// How many times a local file that changes while it is uploaded is read
/// again before staging gives up.
pub const CHANGE_TRIES: u32 = 3;

/// Tracks the file being written, so an interrupt can remove a partial one.
#[derive(Debug, Default, Clone)]
pub struct InProgress {
    path: Arc<std::sync::Mutex<Option<String>>>,
}

impl InProgress {
    fn set(&self, path: Option<String>) {
        if let Ok(mut slot) = self.path.lock() {
            *slot = path;
        }
    }

    /// The HDFS path being written right now, if any.
    pub fn current(&self) -> Option<String> {
        self.path.lock().ok().and_then(|p| p.clone())
    }
}

/// Uploads below this size never show a progress bar.
const PROGRESS_THRESHOLD: u64 = 4 * 1024 * 1024;
/// How often, and how patiently, an upload is sent again.
#[derive(Debug, Clone, Copy)]
pub struct UploadRetry {
    /// Attempts per file.
    pub tries: u32,
    pub backoff_initial: Duration,
    pub backoff_max: Duration,
}

impl UploadRetry {
    /// The retry policy of the `[http]` settings.
    pub fn from_settings(settings: &HttpSettings) -> Self {
        UploadRetry {
            tries: settings.retries.max(1),
            backoff_initial: settings.backoff_initial.min(settings.backoff_max),
            backoff_max: settings.backoff_max,
        }
    }
}

/// Counts the tries of one upload and pauses between them.
struct Tries {
    policy: UploadRetry,
    attempt: u32,
    delay: Duration,
}

impl Tries {
    fn new(policy: UploadRetry) -> Self {
        Tries {
            policy,
            attempt: 1,
            delay: policy.backoff_initial,
        }
    }

    /// After a failed try: whether to try again (having paused), or give up.
    async fn again(&mut self, error: &anyhow::Error) -> bool {
        if self.attempt >= self.policy.tries || !is_worth_retrying(error) {
            return false;
        }
        tokio::time::sleep(jitter(self.delay)).await;
        self.delay = next_delay(self.delay, self.policy.backoff_max);
        self.attempt += 1;
        true
    }
}

/// The HDFS path part of an `hdfs://host:port/path` URI (or a bare path).
pub fn hdfs_path(uri: &str) -> String {
    match url::Url::parse(uri) {
        Ok(url) if url.scheme() == "hdfs" || url.scheme() == "webhdfs" => {
            let path = url.path();
            percent_decode(path)
        }
        _ => uri.to_owned(),
    }
}

fn percent_decode(path: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", path.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| path.to_owned())
}

/// Told, from the thread that hashed it, the hash of a file staging hashed
/// while uploading it: its index in the files staged, and the hash, as soon
/// as it is known (before its upload ends, as a rule). A hash told may
/// turn out not to be the file's (it changed while it was read): what
/// staging reports is.
pub type HashListener = Arc<dyn Fn(usize, &str) + Send + Sync>;

/// Stages the shipped files of `user` into the cache: each is found there,
/// or uploaded (and hashed while uploading when its hash is not known,
/// telling `listener`, which is dropped on return).
pub async fn stage_files(
    webhdfs: &WebHdfsClient,
    user: &str,
    files: &[ShippedFile],
    ui: &Ui,
    in_progress: &InProgress,
    retry: UploadRetry,
    listener: HashListener,
) -> anyhow::Result<StagingReport> {
    let mut report = StagingReport::default();
    for (index, file) in files.iter().enumerate() {
        let listener = listener.clone();
        let told: OnHashed = Arc::new(move |hash: &str| listener(index, hash));
        let known = match &file.blake3 {
            Some(blake3) => {
                let hdfs = cache_path(user, blake3, &file.name);
                let upload = |bytes| Upload {
                    local: file.local.clone(),
                    hdfs: hdfs.clone(),
                    bytes,
                    blake3: blake3.clone(),
                };
                if let Some(status) = webhdfs.status(&hdfs).await?
                    && status.kind == "FILE"
                    && status.length == file.bytes
                    && mark_used(webhdfs, &hdfs).await
                {
                    tracing::debug!("{hdfs} is cached, not uploading");
                    report.cached.push(hdfs.clone());
                    Some(upload(file.bytes))
                } else {
                    // None: it changed since it was hashed.
                    let sent = upload_known(webhdfs, file, &hdfs, ui, in_progress, retry).await?;
                    if let Some(bytes) = sent {
                        report.uploaded_bytes += bytes;
                        report.uploaded.push(hdfs.clone());
                    }
                    sent.map(upload)
                }
            }
            None => None,
        };
        // Not known, or changed since it was hashed: hash it while it uploads.
        let staged = match known {
            Some(upload) => upload,
            None => {
                upload_new(
                    webhdfs,
                    user,
                    file,
                    ui,
                    in_progress,
                    retry,
                    &told,
                    &mut report,
                )
                .await?
            }
        };
        report.staged.push(staged);
    }
    Ok(report)
}

/// Writes the workflow into the app dir (CREATE makes the directories).
pub async fn stage_workflow(
    webhdfs: &WebHdfsClient,
    app_dir: &str,
    workflow_xml: &str,
    in_progress: &InProgress,
    retry: UploadRetry,
) -> anyhow::Result<()> {
    let workflow_path = format!("{}/workflow.xml", app_dir.trim_end_matches('/'));
    in_progress.set(Some(workflow_path.clone()));
    let mut tries = Tries::new(retry);
    loop {
        match webhdfs
            .create_from_bytes(&workflow_path, workflow_xml.as_bytes().to_vec(), true)
            .await
        {
            Ok(()) => break,
            Err(e) if tries.again(&e).await => {}
            Err(e) => return Err(e),
        }
    }
    in_progress.set(None);
    Ok(())
}

/// Marks a cached file as used now, so `hjob gc` (which removes files
/// unused for days) does not take a file a job is about to use: its access
/// time, or its modification time where the NameNode keeps no access times
/// (SETTIMES with an access time is then refused). Best effort, except that
/// `false` means the file is gone (a gc took it meanwhile): upload it.
async fn mark_used(webhdfs: &WebHdfsClient, path: &str) -> bool {
    let now = crate::timefmt::epoch_ms(std::time::SystemTime::now());
    match webhdfs.set_times(path, None, Some(now)).await {
        Ok(()) => true,
        Err(e) if crate::webhdfs::is_not_found(&e) => false,
        Err(e) => {
            tracing::debug!("could not set the access time of {path}: {e:#}");
            match webhdfs.set_times(path, Some(now), None).await {
                Err(e) if crate::webhdfs::is_not_found(&e) => false,
                Err(e) => {
                    tracing::debug!("could not mark {path} as used: {e:#}");
                    true
                }
                Ok(()) => true,
            }
        }
    }
}

/// Whether an upload error is worth sending the file again for: a dropped
/// connection (no status at all), or a status the HTTP layer retries.
fn is_worth_retrying(error: &anyhow::Error) -> bool {
    crate::webhdfs::is_safe_mode(error)
        || error.chain().any(|c| {
            c.downcast_ref::<HjobError>().is_some_and(|e| match e {
                HjobError::Service { message, .. } => match message.strip_prefix("HTTP ") {
                    None => true,
                    Some(rest) => rest
                        .get(..3)
                        .and_then(|code| code.parse::<u16>().ok())
                        .and_then(|code| reqwest::StatusCode::from_u16(code).ok())
                        .is_some_and(crate::http::is_retryable_status),
                },
                _ => false,
            })
        })
}

/// What marks a temporary upload name (see the module docs).
pub const UPLOAD_MARKER: &str = ".hjob-upload.";

/// A temporary upload older than this is abandoned, whoever wrote it.
pub const STALE_UPLOAD_AGE: Duration = Duration::from_secs(24 * 3600);

/// This machine's name, as temporary upload names carry it.
pub fn host_name() -> String {
    let name = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    let name: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
        .collect();
    if name.is_empty() {
        "localhost".into()
    } else {
        name
    }
}

/// A name beside `path` that no other upload uses:
/// `.<name>.hjob-upload.<pid>.<nanos>.<host>`.
fn temporary_path(path: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    format!(
        "{dir}/.{name}{UPLOAD_MARKER}{}.{nanos}.{}",
        std::process::id(),
        host_name()
    )
}

/// The writer of a temporary upload name: `(pid, host)`.
fn upload_owner(name: &str) -> Option<(u32, &str)> {
    let rest = &name[name.rfind(UPLOAD_MARKER)? + UPLOAD_MARKER.len()..];
    let mut parts = rest.splitn(3, '.');
    let pid = parts.next()?.parse().ok()?;
    let _nanos: u128 = parts.next()?.parse().ok()?;
    Some((pid, parts.next()?))
}

/// Whether a process with this id runs on this machine.
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        // It exists but belongs to someone else.
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

/// Whether a file in a cache directory is a temporary upload (hjob's
/// current or earlier naming), not a cached file.
pub fn is_upload_name(name: &str) -> bool {
    name.starts_with('.') && (name.contains(UPLOAD_MARKER) || name.ends_with(".uploading"))
}

/// Whether a temporary upload is abandoned: its writer was on this machine
/// and is gone, or it is older than [`STALE_UPLOAD_AGE`]. The one rule for
/// both the clean-up before each upload and `hjob gc`.
pub fn is_abandoned(entry: &crate::webhdfs::FileStatus, now_ms: u64) -> bool {
    let name = entry.path_suffix.as_str();
    if !name.starts_with('.') {
        return false;
    }
    let old = now_ms.saturating_sub(entry.modification_time) > STALE_UPLOAD_AGE.as_millis() as u64;
    match upload_owner(name) {
        Some((pid, host)) => {
            old || (host == host_name() && pid != std::process::id() && !process_alive(pid))
        }
        // hjob's earlier name, `.<name>.<pid>-<nanos>.uploading`.
        None => name.ends_with(".uploading") && old,
    }
}

/// Removes abandoned temporary uploads from a cache directory (best
/// effort: a failure here never fails the run).
async fn remove_abandoned_uploads(webhdfs: &WebHdfsClient, dir: &str) {
    let Ok(Some(entries)) = webhdfs.list(dir).await else {
        return;
    };
    let now_ms = crate::timefmt::epoch_ms(std::time::SystemTime::now());
    for entry in entries
        .iter()
        .filter(|e| e.kind == "FILE" && is_abandoned(e, now_ms))
    {
        let path = format!("{dir}/{}", entry.path_suffix);
        tracing::debug!("removing the abandoned upload {path}");
        let _ = webhdfs.delete(&path, false).await;
    }
}

/// A shipped file's name, for messages.
fn display_name(file: &ShippedFile) -> String {
    file.local.file_name().map_or_else(
        || file.local.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// Uploads a file whose hash is known to a temporary name beside its cache
/// path `hdfs`, then renames it into place. `None` when the file is not the
/// version that was hashed (it changed since, or while it was read): the
/// temporary file is removed, nothing is under `hdfs`.
async fn upload_known(
    webhdfs: &WebHdfsClient,
    file: &ShippedFile,
    hdfs: &str,
    ui: &Ui,
    in_progress: &InProgress,
    retry: UploadRetry,
) -> anyhow::Result<Option<u64>> {
    let temporary = temporary_path(hdfs);
    let upload = upload_to(webhdfs, file, &temporary, None, ui, in_progress, retry).await?;
    if upload.changed || Stamp::of(&upload.opened) != file.stamp {
        tracing::debug!(
            "{} changed since it was hashed; hashing it again",
            file.local.display()
        );
        let _ = webhdfs.delete(&temporary, false).await;
        in_progress.set(None);
        return Ok(None);
    }
    move_into_place(
        webhdfs,
        &temporary,
        hdfs,
        upload.len,
        &display_name(file),
        ui,
    )
    .await?;
    in_progress.set(None);
    Ok(Some(upload.len))
}

/// Uploads a file whose hash is not known, hashing it while it is sent:
/// to a temporary name in `cache/`, then renamed into `cache/<blake3>/`.
/// A file that changes while it is read is read again, up to
/// [`CHANGE_TRIES`] times; then staging fails and nothing is submitted.
#[allow(clippy::too_many_arguments)]
async fn upload_new(
    webhdfs: &WebHdfsClient,
    user: &str,
    file: &ShippedFile,
    ui: &Ui,
    in_progress: &InProgress,
    retry: UploadRetry,
    told: &OnHashed,
    report: &mut StagingReport,
) -> anyhow::Result<Upload> {
    let name = display_name(file);
    let root = cache_root(user);
    for _ in 0..CHANGE_TRIES {
        let temporary = temporary_path(&format!("{root}/{}", file.name));
        let upload = upload_to(
            webhdfs,
            file,
            &temporary,
            Some(told),
            ui,
            in_progress,
            retry,
        )
        .await?;
        let blake3 = match (&upload.blake3, upload.changed) {
            (Some(blake3), false) => blake3.clone(),
            _ => {
                let _ = webhdfs.delete(&temporary, false).await;
                in_progress.set(None);
                ui.warn(&format!(
                    "{} changed while it was uploaded; reading it again",
                    file.local.display()
                ));
                continue;
            }
        };
        let hdfs = cache_path(user, &blake3, &file.name);
        let dir = hdfs.rsplit_once('/').map_or(root.as_str(), |(d, _)| d);
        // RENAME does not make the destination's parent.
        if let Err(e) = webhdfs.mkdirs(dir, "755").await {
            let _ = webhdfs.delete(&temporary, false).await;
            return Err(e);
        }
        move_into_place(webhdfs, &temporary, &hdfs, upload.len, &name, ui).await?;
        in_progress.set(None);
        report.uploaded_bytes += upload.len;
        report.uploaded.push(hdfs.clone());
        report
            .hashed
            .push((file.local.clone(), upload.opened, blake3.clone()));
        return Ok(Upload {
            local: file.local.clone(),
            hdfs,
            bytes: upload.len,
            blake3,
        });
    }
    Err(HjobError::usage_hint(
        format!(
            "{} changed while it was uploaded, {CHANGE_TRIES} times; nothing was submitted",
            file.local.display()
        ),
        "run the command again once whatever writes the file (a build?) has finished",
    )
    .into())
}

/// Uploads a local file to `temporary` (retried from the start as the
/// policy says), removing abandoned uploads from its directory meanwhile;
/// with `hash`, hashing it meanwhile and telling the hash.
async fn upload_to(
    webhdfs: &WebHdfsClient,
    file: &ShippedFile,
    temporary: &str,
    hash: Option<&OnHashed>,
    ui: &Ui,
    in_progress: &InProgress,
    retry: UploadRetry,
) -> anyhow::Result<FileUpload> {
    let name = display_name(file);
    let cleanup = async {
        if let Some((dir, _)) = temporary.rsplit_once('/') {
            remove_abandoned_uploads(webhdfs, dir).await;
        }
    };
    let upload = async {
        let mut tries = Tries::new(retry);
        loop {
            in_progress.set(Some(temporary.to_owned()));
            let bar = if file.bytes >= PROGRESS_THRESHOLD {
                ui.byte_bar(file.bytes, &format!("uploading {name}"))
            } else {
                indicatif::ProgressBar::hidden()
            };
            let sent = Arc::new(AtomicU64::new(0));
            let progress_bar = bar.clone();
            let progress_sent = sent.clone();
            let result = webhdfs
                .create_from_file(temporary, &file.local, true, hash.cloned(), move |n| {
                    progress_sent.store(n, Ordering::Relaxed);
                    progress_bar.set_position(n);
                })
                .await;
            bar.finish_and_clear();
            match result {
                Ok(upload) => return Ok(upload),
                Err(e) if is_worth_retrying(&e) && tries.attempt < tries.policy.tries => {
                    ui.warn(&format!(
                        "upload of {name} failed after {} bytes ({}); retrying from the start",
                        sent.load(Ordering::Relaxed),
                        e.chain()
                            .last()
                            .map(ToString::to_string)
                            .unwrap_or_default()
                    ));
                    tries.again(&e).await;
                }
                Err(e) => {
                    let _ = webhdfs.delete(temporary, false).await;
                    return Err(e);
                }
            }
        }
    };
    let ((), upload) = tokio::join!(cleanup, upload);
    upload
}

/// Renames an uploaded temporary file to its cache path `hdfs`, then
/// checks the length there. When something is in the way, a copy of the
/// right length (another run's upload of the same content) is kept and the
/// temporary file removed; anything else (a copy truncated by a client that
/// died mid-write without hjob's temporary name, say) is replaced, so it
/// never runs.
async fn move_into_place(
    webhdfs: &WebHdfsClient,
    temporary: &str,
    hdfs: &str,
    len: u64,
    name: &str,
    ui: &Ui,
) -> anyhow::Result<()> {
    if webhdfs.rename(temporary, hdfs).await? {
        return verify_length(webhdfs, hdfs, len).await;
    }
    match webhdfs.status(hdfs).await? {
        Some(s) if s.kind == "FILE" && s.length == len => {
            let _ = webhdfs.delete(temporary, false).await;
            return Ok(());
        }
        Some(_) => {
            ui.warn(&format!(
                "the staged copy of {name} at {hdfs} had the wrong length; replacing it"
            ));
            webhdfs.delete(hdfs, false).await?;
        }
        // Its directory went (a gc meanwhile): make it again.
        None => {
            if let Some((dir, _)) = hdfs.rsplit_once('/') {
                webhdfs.mkdirs(dir, "755").await?;
            }
        }
    }
    if !webhdfs.rename(temporary, hdfs).await? {
        let _ = webhdfs.delete(temporary, false).await;
    }
    verify_length(webhdfs, hdfs, len).await
}

/// Checks that a staged file has the expected length (never run a truncated jar).
async fn verify_length(webhdfs: &WebHdfsClient, path: &str, expected: u64) -> anyhow::Result<()> {
    match webhdfs.status(path).await? {
        Some(status) if status.length == expected => Ok(()),
        found => Err(HjobError::Service {
            service: Service::WebHdfs,
            url: path.to_owned(),
            message: format!(
                "staged file has {} bytes, expected {expected}",
                found.map_or("no".to_owned(), |s| s.length.to_string())
            ),
            hint: Some(
                "the upload was incomplete; nothing was submitted. Run the command again".into(),
            ),
        }
        .into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_upload_failures() {
        let service = |message: &str| {
            anyhow::Error::new(HjobError::Service {
                service: Service::WebHdfs,
                url: "http://dn/x".into(),
                message: message.into(),
                hint: None,
            })
        };
        assert!(is_worth_retrying(&service(
            "request failed: connection reset"
        )));
        assert!(is_worth_retrying(&service(
            "HTTP 503 Service Unavailable: x"
        )));
        assert!(is_worth_retrying(&service("HTTP 429 Too Many Requests")));
        assert!(!is_worth_retrying(&service(
            "HTTP 403 Forbidden: AccessControlException"
        )));
        assert!(!is_worth_retrying(&anyhow::anyhow!("plain")));
    }

    #[test]
    fn temporary_upload_names_carry_their_writer() {
        let path = temporary_path("/user/a/.hjob/cache/abc/my.job.jar");
        let name = path.rsplit_once('/').unwrap().1;
        assert!(name.starts_with(".my.job.jar.hjob-upload."), "{name}");
        assert_eq!(
            upload_owner(name),
            Some((std::process::id(), host_name().as_str()))
        );
        assert_eq!(
            upload_owner(".x.hjob-upload.12.34.h.example.com"),
            Some((12, "h.example.com"))
        );
        assert_eq!(upload_owner("job.jar"), None);
        let status = |name: &str, age_ms: u64| crate::webhdfs::FileStatus {
            kind: "FILE".into(),
            length: 1,
            owner: None,
            permission: None,
            path_suffix: name.into(),
            modification_time: 10_000_000_000 - age_ms,
            access_time: 0,
        };
        let now = 10_000_000_000;
        let day = STALE_UPLOAD_AGE.as_millis() as u64;
        // Ours (a live process), young: kept; old: removed.
        assert!(!is_abandoned(&status(name, 0), now));
        assert!(is_abandoned(&status(name, day + 1), now));
        // Another machine's, young: kept (its writer may be alive).
        assert!(!is_abandoned(
            &status(".j.hjob-upload.1.2.elsewhere", 0),
            now
        ));
        // The cached file itself: never.
        assert!(!is_abandoned(&status("job.jar", day * 10), now));
        // The earlier naming, old: removed.
        assert!(is_abandoned(
            &status(".job.jar.12-34.uploading", day + 1),
            now
        ));
    }

    #[test]
    fn hdfs_paths_are_taken_from_uris() {
        assert_eq!(
            hdfs_path("hdfs://nn:8020/user/alice/.hjob/runs/x"),
            "/user/alice/.hjob/runs/x"
        );
        assert_eq!(hdfs_path("/user/a"), "/user/a");
        assert_eq!(hdfs_path("hdfs://nn:8020/user/a%20b"), "/user/a b");
    }
}
