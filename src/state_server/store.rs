//! The state server's durable store: one JSON document file plus an audit
//! log of JSON lines beside it (`<store>.audit.jsonl`). Also the rules the
//! ZooKeeper store shares with it, so the two cannot drift: how a seed and
//! a write are stamped ([`stamp_seed`], [`stamp_write`]), what an audit
//! entry says ([`audit_entry`], [`describe_changes`]) and what readers are
//! served ([`Snapshot::of`]).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};

use crate::error::HjobError;
use crate::state::{InvalidDocument, StateDocument};

/// What the server needs to run: where the document lives, how to seed it,
/// and who may change it.
#[derive(Debug, Clone, Default)]
pub struct ServerOptions {
    /// The JSON store file (created from `init` when missing). The audit log
    /// is written beside it as `<store>.audit.jsonl`.
    pub store: std::path::PathBuf,
    /// A document to seed the store with when it does not exist yet.
    pub init: Option<Value>,
    /// Admin tokens as `(name, token)`; the name becomes `updated_by`.
    pub tokens: Vec<(String, String)>,
    /// The store file's permission bits (default [`DEFAULT_MODE`]).
    pub mode: Option<u32>,
    /// Slow fsyncs, for tests and benchmarks only (see [`SlowDisk`]).
    pub slow_disk: SlowDisk,
    /// Time a PUT's body may take to arrive (default 10 s).
    pub body_timeout: Option<Duration>,
}

/// The store file's default mode: readable by all (a static file server or
/// a backup job may serve or copy it), writable by the server's user.
pub const DEFAULT_MODE: u32 = 0o644;

/// Reads a tokens file: one `name:token` per line; blank lines and `#`
/// comments are skipped.
pub fn load_tokens(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    let text = fs::read_to_string(path).map_err(|e| {
        HjobError::usage(format!("cannot read tokens file {}: {e}", path.display()))
    })?;
    let mut tokens = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match line.split_once(':') {
            Some((name, token)) if !name.trim().is_empty() && token.trim().len() >= 8 => {
                tokens.push((name.trim().to_owned(), token.trim().to_owned()));
            }
            _ => {
                return Err(HjobError::usage_hint(
                    format!(
                        "{}:{}: expected `name:token` with a token of at least 8 characters",
                        path.display(),
                        n + 1
                    ),
                    "write one admin per line, for example `alice:3f9c0b6e2a71d845`",
                )
                .into());
            }
        }
    }
    Ok(tokens)
}

/// The outcome of a conditional replace.
#[derive(Debug)]
pub enum Replaced {
    /// Applied: the new version and the document as served.
    Applied {
        version: u64,
        body: bytes::Bytes,
    },
    Conflict {
        current: u64,
    },
    Invalid(InvalidDocument),
}

/// What readers see: the last durable document, swapped whole after each
/// write, so a read never waits for a write's I/O.
#[derive(Debug)]
pub struct Snapshot {
    pub version: u64,
    /// The document as served (compact JSON); cloned per read without a
    /// copy.
    pub body: bytes::Bytes,
    pub(super) document: StateDocument,
}

impl Snapshot {
    /// What readers are served of `document`: it and its compact JSON,
    /// made once here for both stores.
    pub(super) fn of(document: StateDocument) -> anyhow::Result<Arc<Snapshot>> {
        let body = serde_json::to_string(&document)?;
        Ok(Arc::new(Snapshot {
            version: document.version,
            body: bytes::Bytes::from(body),
            document,
        }))
    }
}

/// The `--init` document as both stores seed it: version 1, now and
/// `init`, each only where the document does not say otherwise.
pub(super) fn stamp_seed(mut init: Value) -> anyhow::Result<StateDocument> {
    if let Some(obj) = init.as_object_mut() {
        obj.entry("version").or_insert(json!(1));
        obj.entry("updated_at").or_insert(json!(now_rfc3339()));
        obj.entry("updated_by").or_insert(json!("init"));
    }
    StateDocument::from_value(init)
        .map_err(|e| HjobError::usage(format!("--init document is invalid: {e}")).into())
}

/// A written document as both stores keep it: `value` stamped with its
/// new `version`, now and the admin `who`, whatever it said, then
/// validated (a body that is not an object is invalid here too).
pub(super) fn stamp_write(
    mut value: Value,
    version: u64,
    who: &str,
) -> Result<StateDocument, InvalidDocument> {
    if let Some(obj) = value.as_object_mut() {
        obj.insert("version".into(), json!(version));
        obj.insert("updated_at".into(), json!(now_rfc3339()));
        obj.insert("updated_by".into(), json!(who));
    }
    StateDocument::from_value(value)
}

/// The audit entry of `document`'s version: when, by whom (its stamps;
/// `init` for a seed that names no one) and what changed.
pub(super) fn audit_entry(document: &StateDocument, changes: &[String]) -> Value {
    json!({
        "version": document.version,
        "at": document.updated_at,
        "by": document.updated_by.as_deref().unwrap_or("init"),
        "changes": changes,
    })
}

/// The audit entry of a store created from `--init`.
pub(super) fn seed_audit_entry(document: &StateDocument) -> Value {
    audit_entry(document, &["created from --init".to_owned()])
}

/// The writer's side, behind its own lock: the audit log's length (so a
/// failed write can be taken back) and whether writes are still safe.
struct Writer {
    audit_len: u64,
    /// Set when a failed write could not be taken back from the audit log;
    /// writes stay refused until a restart reconciles the files.
    poisoned: Option<String>,
}

/// The document, its file, the audit log and the tokens.
pub struct Store {
    path: PathBuf,
    audit_path: PathBuf,
    tokens: Vec<(String, String)>,
    mode: u32,
    slow_disk: SlowDisk,
    body_timeout: Duration,
    snapshot: RwLock<Arc<Snapshot>>,
    writer: Mutex<Writer>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

pub(super) fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// A test and benchmark hook that makes every fsync of the store slow:
/// `HJOB_STATE_SERVER_FSYNC_DELAY` (a duration such as `300ms`) sleeps
/// before each fsync, and `HJOB_STATE_SERVER_FSYNC_GATE` (a path) holds each
/// fsync for as long as that file exists. Unset in production.
#[derive(Debug, Clone, Default)]
pub struct SlowDisk {
    pub delay: Duration,
    pub gate: Option<PathBuf>,
}

impl SlowDisk {
    /// Reads the hook from the environment.
    pub fn from_env() -> Self {
        SlowDisk {
            delay: std::env::var("HJOB_STATE_SERVER_FSYNC_DELAY")
                .ok()
                .and_then(|v| humantime::parse_duration(v.trim()).ok())
                .unwrap_or_default(),
            gate: std::env::var_os("HJOB_STATE_SERVER_FSYNC_GATE").map(PathBuf::from),
        }
    }

    fn sync(&self, file: &File) -> std::io::Result<()> {
        if !self.delay.is_zero() {
            std::thread::sleep(self.delay);
        }
        if let Some(gate) = &self.gate {
            while gate.exists() {
                std::thread::sleep(Duration::from_millis(5));
            }
        }
        file.sync_all()
    }
}

/// The prefix of the store's temporary files: `.<store name>.tmp.`; any
/// left by a crash are removed at startup.
fn temp_prefix(path: &Path) -> String {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state.json".into());
    format!(".{name}.tmp.")
}

fn dir_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// One audit line as read back: its version and where it ends in the file.
struct AuditLine {
    version: u64,
    end: u64,
}

/// Reads the audit log's complete lines. A torn last line (a crash during
/// an append) ends the list; `valid_len` is where the good part ends.
fn read_audit_lines(path: &Path) -> anyhow::Result<(Vec<AuditLine>, u64, u64)> {
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(
                anyhow::Error::new(e).context(format!("reading audit log {}", path.display()))
            );
        }
    };
    let mut lines = Vec::new();
    let mut offset = 0usize;
    while let Some(newline) = bytes[offset..].iter().position(|b| *b == b'\n') {
        let line = &bytes[offset..offset + newline];
        let end = offset + newline + 1;
        let version = serde_json::from_slice::<Value>(line)
            .ok()
            .and_then(|v| v["version"].as_u64());
        match version {
            Some(version) => lines.push(AuditLine {
                version,
                end: end as u64,
            }),
            None if line.iter().all(u8::is_ascii_whitespace) => {}
            None => break,
        }
        offset = end;
    }
    let valid_len = lines.last().map_or(0, |l| l.end);
    Ok((lines, valid_len, bytes.len() as u64))
}

impl Store {
    /// Opens the store, seeding it from `init` when the file does not exist,
    /// and reconciles it with the audit log (see [`Store::reconcile`]).
    pub fn open(options: ServerOptions) -> anyhow::Result<Self> {
        let path = options.store;
        let audit_path = PathBuf::from(format!("{}.audit.jsonl", path.display()));
        let mode = options.mode.unwrap_or(DEFAULT_MODE);
        let slow_disk = options.slow_disk;
        remove_temp_files(&path)?;
        let exists = path.exists();
        let document = if exists {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("reading store {}", path.display()))?;
            StateDocument::parse(&text).map_err(|e| {
                HjobError::usage(format!(
                    "store {} is not a valid state document: {e}",
                    path.display()
                ))
            })?
        } else {
            let Some(init) = options.init else {
                return Err(HjobError::usage_hint(
                    format!("store {} does not exist", path.display()),
                    "seed it with --init FILE (a state document, see docs/state-api.md)",
                )
                .into());
            };
            stamp_seed(init)?
        };
        let store = Store {
            path,
            audit_path,
            tokens: options.tokens,
            mode,
            slow_disk,
            body_timeout: options.body_timeout.unwrap_or(Duration::from_secs(10)),
            snapshot: RwLock::new(Snapshot::of(document)?),
            writer: Mutex::new(Writer {
                audit_len: 0,
                poisoned: None,
            }),
        };
        store.reconcile(exists)?;
        Ok(store)
    }

    /// Makes the store and the audit log agree after any crash: a torn last
    /// audit line is cut; audit entries for versions the store never reached
    /// (a crash or a failure between the audit append and the store's
    /// rename, never acknowledged) are cut; a store version with no audit
    /// entry (a store older than this rule) gets one, marked as recorded at
    /// startup. A new store is written with its first audit entry. The
    /// store file gets its mode.
    fn reconcile(&self, existed: bool) -> anyhow::Result<()> {
        let snapshot = self.snapshot();
        let version = snapshot.version;
        let (lines, mut valid_len, file_len) = read_audit_lines(&self.audit_path)?;
        let keep = lines.iter().take_while(|l| l.version <= version).count();
        if keep < lines.len() {
            valid_len = if keep == 0 { 0 } else { lines[keep - 1].end };
            tracing::warn!(
                "audit log {}: dropping {} entr(ies) for versions above the store's {version} (a write that was never acknowledged)",
                self.audit_path.display(),
                lines.len() - keep
            );
        }
        if valid_len != file_len {
            truncate(&self.audit_path, valid_len, &self.slow_disk)?;
        }
        let last = lines[..keep].last().map(|l| l.version);
        let mut audit_len = valid_len;
        if !existed {
            let entry = seed_audit_entry(&snapshot.document);
            // The audit entry first, then the store, as for every write.
            if last != Some(version) {
                audit_len = append_line(
                    &self.audit_path,
                    &entry.to_string(),
                    audit_len,
                    &self.slow_disk,
                )?;
            }
            write_store(&self.path, &snapshot.document, self.mode, &self.slow_disk)?;
        } else {
            let first_missing = last.map_or(version, |l| l + 1);
            for missing in first_missing..=version {
                let entry = json!({
                    "version": missing,
                    "at": now_rfc3339(),
                    "by": "(unknown)",
                    "changes": ["recorded at startup: this version was in the store without an audit entry"],
                });
                audit_len = append_line(
                    &self.audit_path,
                    &entry.to_string(),
                    audit_len,
                    &self.slow_disk,
                )?;
            }
            set_mode(&self.path, self.mode)?;
        }
        self.lock_writer().audit_len = audit_len;
        Ok(())
    }

    /// The admin name for a token, comparing in constant time.
    pub fn authenticate(&self, token: &str) -> Option<String> {
        admin_for(&self.tokens, token)
    }

    /// Time a PUT's body may take to arrive.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    fn lock_writer(&self) -> std::sync::MutexGuard<'_, Writer> {
        self.writer
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The last durable document. Never waits for a write's I/O: the lock
    /// is held only to clone an `Arc`.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Why writes are refused, when a failed write could not be taken back.
    pub fn write_problem(&self) -> Option<String> {
        self.writer.try_lock().ok().and_then(|w| w.poisoned.clone())
    }

    /// Replaces the document when `expected` matches the current version
    /// (`None` = unconditional). The audit entry is appended and fsynced
    /// first, then the store is written durably, then the snapshot is
    /// swapped: a change is acknowledged only once both are on disk, and
    /// when either write fails the change is in neither (the audit entry is
    /// cut again). Blocking I/O: call from a blocking thread.
    pub fn replace(
        &self,
        value: Value,
        expected: Option<u64>,
        who: &str,
    ) -> anyhow::Result<Replaced> {
        let mut writer = self.lock_writer();
        if let Some(problem) = &writer.poisoned {
            anyhow::bail!("writes are refused until a restart: {problem}");
        }
        let current = self.snapshot();
        let version = current.version;
        if expected.is_some_and(|e| e != version) {
            return Ok(Replaced::Conflict { current: version });
        }
        let new_version = version + 1;
        let document = match stamp_write(value, new_version, who) {
            Ok(d) => d,
            Err(e) => return Ok(Replaced::Invalid(e)),
        };
        let entry = audit_entry(&document, &describe_changes(&current.document, &document));
        let before = writer.audit_len;
        let after = match append_line(
            &self.audit_path,
            &entry.to_string(),
            before,
            &self.slow_disk,
        ) {
            Ok(after) => after,
            Err(e) => {
                self.take_back(&mut writer, before);
                return Err(e);
            }
        };
        if let Err(e) = write_store(&self.path, &document, self.mode, &self.slow_disk) {
            self.take_back(&mut writer, before);
            return Err(e);
        }
        writer.audit_len = after;
        let snapshot = Snapshot::of(document)?;
        let body = snapshot.body.clone();
        *self
            .snapshot
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = snapshot;
        Ok(Replaced::Applied {
            version: new_version,
            body,
        })
    }

    /// Cuts the audit log back to `len` after a failed write; when even
    /// that fails, refuses further writes (a restart reconciles).
    fn take_back(&self, writer: &mut Writer, len: u64) {
        if let Err(e) = truncate(&self.audit_path, len, &self.slow_disk) {
            tracing::error!(
                "cannot take a failed write back out of the audit log {}: {e:#}; writes are refused until a restart",
                self.audit_path.display()
            );
            writer.poisoned = Some(format!(
                "a failed write could not be taken back out of the audit log ({e:#})"
            ));
        }
    }

    /// The last `limit` audit entries, newest first; only versions readers
    /// can see (an entry whose write is still under way is not shown).
    pub fn audit(&self, limit: usize) -> anyhow::Result<Vec<Value>> {
        let visible = self.snapshot().version;
        let file = match File::open(&self.audit_path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut entries: Vec<Value> = BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| serde_json::from_str::<Value>(&line).ok())
            .filter(|v| v["version"].as_u64().is_some_and(|n| n <= visible))
            .collect();
        entries.reverse();
        entries.truncate(limit);
        Ok(entries)
    }
}

/// Removes temporary files a crash left beside the store.
fn remove_temp_files(path: &Path) -> anyhow::Result<()> {
    let prefix = temp_prefix(path);
    let dir = dir_of(path);
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(anyhow::Error::new(e).context(format!("listing {}", dir.display()))),
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Writes the store: a temporary file `.<name>.tmp.<pid>` with the mode,
/// fsync, rename over the store, fsync of the directory. A crash at any
/// point leaves the old or the new content, and at most a temporary file
/// that the next start removes.
fn write_store(
    path: &Path,
    document: &StateDocument,
    mode: u32,
    disk: &SlowDisk,
) -> anyhow::Result<()> {
    let dir = dir_of(path);
    let temp = dir.join(format!("{}{}", temp_prefix(path), std::process::id()));
    let result = (|| -> anyhow::Result<()> {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)
            .with_context(|| format!("creating {}", temp.display()))?;
        set_mode(&temp, mode)?;
        file.write_all(serde_json::to_string_pretty(document)?.as_bytes())?;
        file.write_all(b"\n")?;
        disk.sync(&file)?;
        fs::rename(&temp, path).with_context(|| format!("renaming into {}", path.display()))?;
        disk.sync(&File::open(dir)?)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Sets a file's permission bits (Unix).
fn set_mode(path: &Path, mode: u32) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode))
            .with_context(|| format!("setting mode {mode:o} on {}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Appends one line at `at` (the log's known length) and fsyncs it;
/// returns the new length.
fn append_line(path: &Path, line: &str, at: u64, disk: &SlowDisk) -> anyhow::Result<u64> {
    let mut file = OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(false)
        .open(path)
        .with_context(|| format!("opening audit log {}", path.display()))?;
    file.seek(SeekFrom::Start(at))?;
    let bytes = format!("{line}\n");
    file.write_all(bytes.as_bytes())
        .with_context(|| format!("writing audit log {}", path.display()))?;
    disk.sync(&file)
        .with_context(|| format!("syncing audit log {}", path.display()))?;
    Ok(at + bytes.len() as u64)
}

/// Cuts a file to `len` and fsyncs it.
fn truncate(path: &Path, len: u64, disk: &SlowDisk) -> anyhow::Result<()> {
    let file = OpenOptions::new()
        .write(true)
        .open(path)
        .with_context(|| format!("opening {}", path.display()))?;
    file.set_len(len)?;
    disk.sync(&file)?;
    Ok(())
}

/// Lists what changed between two documents as short human lines.
pub(super) fn describe_changes(old: &StateDocument, new: &StateDocument) -> Vec<String> {
    let mut changes = Vec::new();
    if old.active_cluster != new.active_cluster {
        changes.push(format!(
            "active_cluster: {} -> {}",
            old.active_cluster, new.active_cluster
        ));
    }
    if old.submission.enabled != new.submission.enabled {
        changes.push(format!(
            "submission.enabled: {} -> {}",
            old.submission.enabled, new.submission.enabled
        ));
    }
    for (field, before, after) in [
        ("message", &old.submission.message, &new.submission.message),
        ("until", &old.submission.until, &new.submission.until),
    ] {
        if before != after {
            changes.push(format!(
                "submission.{field}: {} -> {}",
                optional(before),
                optional(after)
            ));
        }
    }
    for (name, cluster) in &new.clusters {
        match old.clusters.get(name) {
            None => changes.push(format!("clusters.{name}: added")),
            Some(before) if before != cluster => changes.push(format!("clusters.{name}: changed")),
            Some(_) => {}
        }
    }
    for name in old.clusters.keys() {
        if !new.clusters.contains_key(name) {
            changes.push(format!("clusters.{name}: removed"));
        }
    }
    if changes.is_empty() {
        changes.push("no field changed".into());
    }
    changes
}

/// An optional text field as people read it: quoted, or `(none)`.
fn optional(value: &Option<String>) -> String {
    value
        .as_ref()
        .map_or_else(|| "(none)".to_owned(), |v| format!("{v:?}"))
}

/// Writes a file so that a crash at any point leaves either the old or the
/// new content: temporary file in the same directory, fsync, rename, fsync of
/// the directory.
pub fn write_durably(path: &Path, content: &str) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    temp.write_all(content.as_bytes())?;
    temp.write_all(b"\n")?;
    temp.as_file().sync_all()?;
    temp.persist(path)
        .with_context(|| format!("renaming into {}", path.display()))?;
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// The admin name for a token among `(name, token)` pairs, comparing every
/// token in constant time (no early exit that would time the match).
pub fn admin_for(tokens: &[(String, String)], token: &str) -> Option<String> {
    use subtle::ConstantTimeEq;
    let mut found = None;
    for (name, expected) in tokens {
        if bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
            found = Some(name.clone());
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({
            "active_cluster": "pug",
            "submission": {"enabled": true},
            "clusters": {"pug": {
                "oozie_url": "http://127.0.0.1:9/oozie",
                "webhdfs_url": "http://127.0.0.1:9/webhdfs/v1",
                "name_node": "hdfs://127.0.0.1:8020",
                "job_tracker": "127.0.0.1:8032"
            }}
        })
    }

    #[test]
    fn a_seed_keeps_the_stamps_it_has_and_a_write_gets_the_servers() {
        let seeded = stamp_seed(document()).unwrap();
        assert_eq!(seeded.version, 1);
        assert_eq!(seeded.updated_by.as_deref(), Some("init"));
        assert!(seeded.updated_at.is_some());
        let mut own = document();
        own["version"] = json!(7);
        own["updated_by"] = json!("ops");
        own["updated_at"] = json!("2026-01-01T00:00:00Z");
        let seeded = stamp_seed(own.clone()).unwrap();
        assert_eq!(seeded.version, 7);
        assert_eq!(seeded.updated_by.as_deref(), Some("ops"));
        assert_eq!(seeded.updated_at.as_deref(), Some("2026-01-01T00:00:00Z"));
        let entry = seed_audit_entry(&seeded);
        assert_eq!(
            entry,
            json!({"version": 7, "at": "2026-01-01T00:00:00Z", "by": "ops", "changes": ["created from --init"]})
        );

        let written = stamp_write(own, 8, "alice").unwrap();
        assert_eq!(written.version, 8);
        assert_eq!(written.updated_by.as_deref(), Some("alice"));
        assert_ne!(written.updated_at.as_deref(), Some("2026-01-01T00:00:00Z"));
        let entry = audit_entry(&written, &describe_changes(&seeded, &written));
        assert_eq!(entry["version"], 8);
        assert_eq!(entry["by"], "alice");
        assert_eq!(entry["at"], json!(written.updated_at));
        assert_eq!(entry["changes"], json!(["no field changed"]));

        let invalid = stamp_write(json!([1]), 2, "alice").unwrap_err();
        assert_eq!(invalid.field, "(document)");
        assert!(stamp_seed(json!("no")).is_err());
    }

    #[test]
    fn a_snapshot_serves_the_document_it_holds() {
        let snapshot = Snapshot::of(stamp_seed(document()).unwrap()).unwrap();
        assert_eq!(snapshot.version, 1);
        let served: Value = serde_json::from_slice(&snapshot.body).unwrap();
        assert_eq!(served["version"], 1);
        assert_eq!(served["active_cluster"], "pug");
        assert_eq!(
            StateDocument::from_value(served).unwrap(),
            snapshot.document
        );
    }
}
