//! The state server's durable store: one JSON document file plus an audit
//! log of JSON lines beside it (`<store>.audit.jsonl`).

use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
}

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
    Applied { version: u64, body: String },
    Conflict { current: u64 },
    Invalid(InvalidDocument),
}

struct Current {
    document: StateDocument,
    body: String,
}

/// The document, its file, the audit log and the tokens.
pub struct Store {
    path: PathBuf,
    audit_path: PathBuf,
    tokens: Vec<(String, String)>,
    current: Mutex<Current>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl Store {
    /// Opens the store, seeding it from `init` when the file does not exist.
    pub fn open(options: ServerOptions) -> anyhow::Result<Self> {
        let path = options.store;
        let audit_path = PathBuf::from(format!("{}.audit.jsonl", path.display()));
        let document = if path.exists() {
            let text = fs::read_to_string(&path)
                .with_context(|| format!("reading store {}", path.display()))?;
            StateDocument::parse(&text).map_err(|e| {
                HjobError::usage(format!(
                    "store {} is not a valid state document: {e}",
                    path.display()
                ))
            })?
        } else {
            let Some(mut init) = options.init else {
                return Err(HjobError::usage_hint(
                    format!("store {} does not exist", path.display()),
                    "seed it with --init FILE (a state document, see docs/state-api.md)",
                )
                .into());
            };
            if let Some(obj) = init.as_object_mut() {
                obj.entry("version").or_insert(json!(1));
                obj.entry("updated_at").or_insert(json!(now_rfc3339()));
                obj.entry("updated_by").or_insert(json!("init"));
            }
            let document = StateDocument::from_value(init)
                .map_err(|e| HjobError::usage(format!("--init document is invalid: {e}")))?;
            write_durably(&path, &serde_json::to_string_pretty(&document)?)?;
            document
        };
        let body = serde_json::to_string(&document)?;
        Ok(Store {
            path,
            audit_path,
            tokens: options.tokens,
            current: Mutex::new(Current { document, body }),
        })
    }

    /// The admin name for a token, comparing in constant time.
    pub fn authenticate(&self, token: &str) -> Option<String> {
        use subtle::ConstantTimeEq;
        let mut found = None;
        for (name, expected) in &self.tokens {
            if bool::from(expected.as_bytes().ct_eq(token.as_bytes())) {
                found = Some(name.clone());
            }
        }
        found
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current version and serialised document.
    pub fn current(&self) -> (u64, String) {
        let current = self.lock();
        (current.document.version, current.body.clone())
    }

    /// Whether the store file can be read back as a document.
    pub fn is_readable(&self) -> bool {
        fs::read_to_string(&self.path)
            .ok()
            .is_some_and(|t| StateDocument::parse(&t).is_ok())
    }

    /// Replaces the document when `expected` matches the current version
    /// (`None` = unconditional), durably, then audits the change.
    pub fn replace(
        &self,
        mut value: Value,
        expected: Option<u64>,
        who: &str,
    ) -> anyhow::Result<Replaced> {
        let mut current = self.lock();
        let version = current.document.version;
        if expected.is_some_and(|e| e != version) {
            return Ok(Replaced::Conflict { current: version });
        }
        let Some(obj) = value.as_object_mut() else {
            return Ok(Replaced::Invalid(InvalidDocument {
                field: "(document)".into(),
                problem: "not a JSON object".into(),
            }));
        };
        let new_version = version + 1;
        obj.insert("version".into(), json!(new_version));
        obj.insert("updated_at".into(), json!(now_rfc3339()));
        obj.insert("updated_by".into(), json!(who));
        let document = match StateDocument::from_value(value) {
            Ok(d) => d,
            Err(e) => return Ok(Replaced::Invalid(e)),
        };
        let changes = describe_changes(&current.document, &document);
        write_durably(&self.path, &serde_json::to_string_pretty(&document)?)?;
        let entry = json!({
            "version": new_version,
            "at": document.updated_at,
            "by": who,
            "changes": changes,
        });
        append_line(&self.audit_path, &entry.to_string())?;
        let body = serde_json::to_string(&document)?;
        *current = Current {
            document,
            body: body.clone(),
        };
        Ok(Replaced::Applied {
            version: new_version,
            body,
        })
    }

    /// The last `limit` audit entries, newest first.
    pub fn audit(&self, limit: usize) -> anyhow::Result<Vec<Value>> {
        let file = match File::open(&self.audit_path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut entries: Vec<Value> = BufReader::new(file)
            .lines()
            .map_while(Result::ok)
            .filter_map(|line| serde_json::from_str(&line).ok())
            .collect();
        entries.reverse();
        entries.truncate(limit);
        Ok(entries)
    }
}

/// Lists what changed between two documents as short human lines.
fn describe_changes(old: &StateDocument, new: &StateDocument) -> Vec<String> {
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

/// Appends one line and fsyncs it.
fn append_line(path: &Path, line: &str) -> anyhow::Result<()> {
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening audit log {}", path.display()))?;
    file.write_all(format!("{line}\n").as_bytes())?;
    file.sync_data()?;
    Ok(())
}
