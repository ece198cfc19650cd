//! The state document replicated on ZooKeeper (`--store zk://HOSTS/PATH`).
//!
//! Layout under `PATH`:
//!
//! - `PATH/state`: the document (compact JSON). Its znode version is the
//!   compare-and-set token of every write.
//! - `PATH/audit/<version>-<seq>`: one persistent sequential znode per
//!   document version, holding its audit entry (JSON). The zero-padded
//!   document version leads the name, so names sort by version.
//!
//! A write is one ZooKeeper `multi`: `setData(PATH/state, expected znode
//! version)` plus `create(PATH/audit/<version>-, sequential)`. Both are
//! applied or neither is, so a change and its audit entry exist together or
//! not at all, and two servers racing on the same version cannot both win.
//! Audit entries beyond `--audit-retention` are deleted oldest first after a
//! write (best effort: a failure there never fails the write).
//!
//! Reads are answered from an in-memory snapshot that a watch on
//! `PATH/state` keeps current, so a write through one server is visible on
//! every server as soon as ZooKeeper delivers the watch event (milliseconds
//! on a healthy ensemble). While the session is not connected the snapshot
//! is served for at most `max_stale` (with its age in `X-Hjob-Snapshot-Age`
//! and `Age`), then reads answer 503 so clients fail closed; writes are
//! refused at once.
//!
//! Crate: `zookeeper-client` (kezhuw): async on tokio, maintained, and it
//! has what this needs in one client: `multi` transactions, sequential
//! znodes, one-shot and persistent watches, `digest` auth and ACLs.

use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use serde_json::Value;
use zookeeper_client as zk;

use super::store::{
    Replaced, Snapshot, audit_entry, describe_changes, seed_audit_entry, stamp_seed, stamp_write,
};
use crate::error::HjobError;
use crate::state::StateDocument;

/// A parsed `zk://HOST:PORT[,HOST:PORT…]/PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZkUrl {
    /// `HOST:PORT,HOST:PORT` as the client takes it.
    pub hosts: String,
    /// The root path, absolute, without a trailing slash.
    pub path: String,
}

impl ZkUrl {
    /// Parses the `--store` form; `None` when `text` is not a `zk://` URL.
    pub fn parse(text: &str) -> Option<anyhow::Result<ZkUrl>> {
        let rest = text.trim().strip_prefix("zk://")?;
        let bad = |why: &str| -> anyhow::Result<ZkUrl> {
            Err(HjobError::usage_hint(
                format!("--store {text:?}: {why}"),
                "write it as zk://HOST:PORT[,HOST:PORT…]/PATH, for example zk://zk1:2181,zk2:2181,zk3:2181/hjob",
            )
            .into())
        };
        let Some((hosts, path)) = rest.split_once('/') else {
            return Some(bad("no /PATH after the hosts"));
        };
        if hosts.is_empty() {
            return Some(bad("no HOST:PORT"));
        }
        for host in hosts.split(',') {
            match host.rsplit_once(':') {
                Some((h, p)) if !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0) => {}
                _ => return Some(bad(&format!("{host:?} is not HOST:PORT"))),
            }
        }
        let path = path.trim_end_matches('/');
        if path.is_empty() {
            return Some(bad("the PATH is empty (the root znode is not allowed)"));
        }
        if path
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == "..")
        {
            return Some(bad("the PATH has an empty, `.` or `..` segment"));
        }
        Some(Ok(ZkUrl {
            hosts: hosts.to_owned(),
            path: format!("/{path}"),
        }))
    }

    fn state(&self) -> String {
        format!("{}/state", self.path)
    }

    fn audit(&self) -> String {
        format!("{}/audit", self.path)
    }
}

impl std::fmt::Display for ZkUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "zk://{}{}", self.hosts, self.path)
    }
}

/// A ZooKeeper `digest` identity read from `--zk-auth-file`.
#[derive(Clone)]
pub struct ZkAuth {
    pub user: String,
    secret: String,
}

impl std::fmt::Debug for ZkAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ZkAuth({}:(redacted))", self.user)
    }
}

impl ZkAuth {
    /// Reads one `user:password` line (blank lines and `#` comments
    /// skipped). The password is never logged.
    pub fn load(path: &std::path::Path) -> anyhow::Result<ZkAuth> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            HjobError::usage(format!(
                "cannot read --zk-auth-file {}: {e}",
                path.display()
            ))
        })?;
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let hint = "write one line `user:password` (a ZooKeeper digest identity)";
        let line = lines.next().ok_or_else(|| {
            HjobError::usage_hint(format!("--zk-auth-file {} is empty", path.display()), hint)
        })?;
        if lines.next().is_some() {
            return Err(HjobError::usage_hint(
                format!("--zk-auth-file {} has more than one line", path.display()),
                hint,
            )
            .into());
        }
        match line.split_once(':') {
            Some((user, secret)) if !user.trim().is_empty() && !secret.is_empty() => Ok(ZkAuth {
                user: user.trim().to_owned(),
                secret: secret.to_owned(),
            }),
            _ => Err(HjobError::usage_hint(
                format!(
                    "--zk-auth-file {}: expected `user:password`",
                    path.display()
                ),
                hint,
            )
            .into()),
        }
    }

    fn credential(&self) -> Vec<u8> {
        format!("{}:{}", self.user, self.secret).into_bytes()
    }
}

/// How the ZooKeeper store is set up.
#[derive(Debug, Clone)]
pub struct ZkOptions {
    pub url: ZkUrl,
    pub auth: Option<ZkAuth>,
    /// A document to create `PATH/state` from when it does not exist.
    pub init: Option<Value>,
    pub tokens: Vec<(String, String)>,
    pub body_timeout: Duration,
    /// How long reads are served from the snapshot without a session.
    pub max_stale: Duration,
    /// Audit entries kept (the newest); older ones are deleted.
    pub audit_retention: usize,
    pub session_timeout: Duration,
}

/// ACLs: with an identity, every znode is writable only by that identity
/// (`auth` = the digest ids of the creating session) and readable by
/// anyone: the document and its audit are served without credentials over
/// HTTP anyway, and operators can inspect them with `zkCli.sh`. Without an
/// identity the znodes are open (the server warns).
fn acls(auth: bool) -> zk::Acls<'static> {
    static SECURED: [zk::Acl; 2] = [
        zk::Acl::new_const(zk::Permission::ALL, "auth", ""),
        zk::Acl::new_const(zk::Permission::READ, "world", "anyone"),
    ];
    if auth {
        zk::Acls::new(&SECURED)
    } else {
        zk::Acls::anyone_all()
    }
}

/// The snapshot with what the writer and the staleness rule need.
struct Current {
    snapshot: Arc<Snapshot>,
    /// The znode the snapshot was read from (its creation zxid: a znode
    /// deleted and made again, as by `migrate --force`, starts its version
    /// at 0 again) and its version then.
    czxid: i64,
    zk_version: i32,
}

/// Session health, as reads and `/healthz` see it.
#[derive(Debug, Clone, Copy)]
enum Link {
    Connected,
    /// Not connected since this instant.
    Lost(Instant),
}

/// The ZooKeeper-backed store.
pub struct ZkStore {
    options: ZkOptions,
    client: RwLock<Option<zk::Client>>,
    current: RwLock<Current>,
    link: Mutex<Link>,
    /// Serialises audit trimming.
    trimming: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for ZkStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ZkStore")
            .field("url", &self.options.url)
            .finish()
    }
}

/// Why a read is refused: the snapshot is older than `--max-stale`.
#[derive(Debug)]
pub struct TooStale {
    pub age: Duration,
    pub max: Duration,
}

fn zk_error(url: &ZkUrl, what: &str, e: impl std::fmt::Display) -> anyhow::Error {
    HjobError::Service {
        service: crate::error::Service::State,
        url: url.to_string(),
        message: format!("ZooKeeper: {what}: {e}"),
        hint: Some(
            "check that the ZooKeeper ensemble is up and reachable from this machine".into(),
        ),
    }
    .into()
}

async fn connect(options: &ZkOptions) -> Result<zk::Client, zk::Error> {
    let mut connector = zk::Client::connector().with_session_timeout(options.session_timeout);
    if let Some(auth) = &options.auth {
        connector = connector.with_auth("digest", &auth.credential());
    }
    connector.connect(&options.url.hosts).await
}

fn parse_document(url: &ZkUrl, data: &[u8]) -> anyhow::Result<StateDocument> {
    let text =
        std::str::from_utf8(data).map_err(|e| zk_error(url, "the state znode is not UTF-8", e))?;
    StateDocument::parse(text).map_err(|e| {
        HjobError::usage(format!(
            "{url}/state does not hold a valid state document: {e}"
        ))
        .into()
    })
}

fn audit_name(version: u64) -> String {
    format!("{version:010}-")
}

impl ZkStore {
    /// Connects, creates `PATH` from `init` when it is empty, reads the
    /// document and starts the watch that keeps the snapshot current.
    pub async fn open(options: ZkOptions) -> anyhow::Result<Arc<ZkStore>> {
        let url = options.url.clone();
        let client = tokio::time::timeout(options.session_timeout * 3, connect(&options))
            .await
            .map_err(|_| zk_error(&url, "connecting", "no server answered in time"))?
            .map_err(|e| zk_error(&url, "connecting", e))?;
        let open = acls(options.auth.is_some());
        let (document, stat) = match client.get_data(&url.state()).await {
            Ok((data, stat)) => (parse_document(&url, &data)?, stat),
            Err(zk::Error::NoNode) => {
                let Some(init) = options.init.clone() else {
                    return Err(HjobError::usage_hint(
                        format!("{url}/state does not exist"),
                        "seed it with --init FILE, or copy a file store with `hjob state-server migrate --from FILE --to zk://…`",
                    )
                    .into());
                };
                let document = stamp_seed(init)?;
                create_layout(&client, &url, &document, &[], open, false).await?;
                let (data, stat) = client
                    .get_data(&url.state())
                    .await
                    .map_err(|e| zk_error(&url, "reading the document", e))?;
                (parse_document(&url, &data)?, stat)
            }
            Err(zk::Error::NoAuth) => {
                return Err(HjobError::usage_hint(
                    format!("{url}/state: ZooKeeper refused to read it (not authorised)"),
                    "give the identity of its ACL with --zk-auth-file",
                )
                .into());
            }
            Err(e) => return Err(zk_error(&url, "reading the document", e)),
        };
        // A document made by hand (zkCli.sh) may lack its audit parent;
        // every write creates a child there.
        match client
            .create(
                &url.audit(),
                b"",
                &zk::CreateMode::Persistent.with_acls(open),
            )
            .await
        {
            Ok(_) | Err(zk::Error::NodeExists) => {}
            Err(zk::Error::NoAuth) => {
                return Err(HjobError::usage_hint(
                    format!("{url}: the znodes' ACL does not let this server write them"),
                    "give the state servers' identity with --zk-auth-file",
                )
                .into());
            }
            Err(e) => return Err(zk_error(&url, &format!("creating {}", url.audit()), e)),
        }
        let store = Arc::new(ZkStore {
            current: RwLock::new(Current {
                snapshot: Snapshot::of(document)?,
                czxid: stat.czxid,
                zk_version: stat.version,
            }),
            client: RwLock::new(Some(client)),
            link: Mutex::new(Link::Connected),
            trimming: tokio::sync::Mutex::new(()),
            options,
        });
        tokio::spawn(watch_loop(Arc::downgrade(&store)));
        Ok(store)
    }

    fn client(&self) -> Option<zk::Client> {
        self.client
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn set_link(&self, link: Link) {
        let mut current = self
            .link
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match (*current, link) {
            // Keep the first instant of a loss.
            (Link::Lost(_), Link::Lost(_)) => {}
            (Link::Connected, Link::Lost(_)) => {
                tracing::warn!(
                    "ZooKeeper session lost: writes are refused; reads are served from the snapshot for {}",
                    humantime::format_duration(self.options.max_stale)
                );
                *current = link;
            }
            (Link::Lost(_), Link::Connected) => {
                tracing::info!("ZooKeeper session back: writes accepted again");
                *current = link;
            }
            _ => *current = link,
        }
    }

    fn link(&self) -> Link {
        *self
            .link
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn install(&self, snapshot: Arc<Snapshot>, stat: &zk::Stat) {
        let mut current = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A late reply never replaces a newer snapshot of the same znode.
        if stat.czxid != current.czxid || stat.version >= current.zk_version {
            current.snapshot = snapshot;
            current.czxid = stat.czxid;
            current.zk_version = stat.version;
        }
    }

    /// The snapshot and its age (zero while the session is connected), or
    /// why it may no longer be served.
    pub fn snapshot(&self) -> Result<(Arc<Snapshot>, Duration), TooStale> {
        let snapshot = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .snapshot
            .clone();
        match self.link() {
            Link::Connected => Ok((snapshot, Duration::ZERO)),
            Link::Lost(since) => {
                let age = since.elapsed();
                if age > self.options.max_stale {
                    Err(TooStale {
                        age,
                        max: self.options.max_stale,
                    })
                } else {
                    Ok((snapshot, age))
                }
            }
        }
    }

    /// Why writes are refused now, if they are.
    pub fn write_problem(&self) -> Option<String> {
        match self.link() {
            Link::Connected => None,
            Link::Lost(since) => Some(format!(
                "the ZooKeeper session was lost {} ago",
                humantime::format_duration(Duration::from_secs(since.elapsed().as_secs()))
            )),
        }
    }

    pub fn max_stale(&self) -> Duration {
        self.options.max_stale
    }

    /// The admin name for a token, comparing in constant time.
    pub fn authenticate(&self, token: &str) -> Option<String> {
        super::store::admin_for(&self.options.tokens, token)
    }

    pub fn body_timeout(&self) -> Duration {
        self.options.body_timeout
    }

    /// Compare-and-set of the document with its audit entry in one `multi`.
    /// `Err` means the change was not applied, or (on a connection loss
    /// during the commit) that its outcome is unknown: the message says
    /// which.
    pub async fn replace(
        &self,
        value: Value,
        expected: Option<u64>,
        who: &str,
    ) -> Result<Replaced, WriteRefused> {
        if let Some(problem) = self.write_problem() {
            return Err(WriteRefused::Unavailable(problem));
        }
        let Some(client) = self.client() else {
            return Err(WriteRefused::Unavailable("no ZooKeeper session".into()));
        };
        let url = &self.options.url;
        // A compare-and-set loop on the znode version: a BadVersion means
        // another server wrote between our read and our multi; read again
        // and decide on fresh data (412 only if the version really moved).
        for attempt in 0..16 {
            if attempt > 0 {
                // The server this session reads from may lag the leader:
                // catch up before deciding again.
                let _ = client.sync(&url.state()).await;
            }
            let (data, stat) = client
                .get_data(&url.state())
                .await
                .map_err(|e| WriteRefused::from_zk("reading the document", e, false))?;
            let current =
                parse_document(url, &data).map_err(|e| WriteRefused::Failed(format!("{e:#}")))?;
            if expected.is_some_and(|e| e > current.version) && attempt == 0 {
                // The admin read a newer version elsewhere: ours lags.
                continue;
            }
            if expected.is_some_and(|e| e != current.version) {
                return Ok(Replaced::Conflict {
                    current: current.version,
                });
            }
            let new_version = current.version + 1;
            // Judged after the version, as on the file store: a stale
            // If-Match is 412 whatever the body.
            let document = match stamp_write(value.clone(), new_version, who) {
                Ok(d) => d,
                Err(e) => return Ok(Replaced::Invalid(e)),
            };
            let entry = audit_entry(&document, &describe_changes(&current, &document));
            let snapshot =
                Snapshot::of(document).map_err(|e| WriteRefused::Failed(e.to_string()))?;
            let mut multi = client.new_multi_writer();
            let audit_path = format!("{}/{}", url.audit(), audit_name(new_version));
            let built = multi
                .add_set_data(&url.state(), &snapshot.body, Some(stat.version))
                .and_then(|()| {
                    multi.add_create(
                        &audit_path,
                        entry.to_string().as_bytes(),
                        &zk::CreateMode::PersistentSequential
                            .with_acls(acls(self.options.auth.is_some())),
                    )
                });
            if let Err(e) = built {
                return Err(WriteRefused::Failed(format!(
                    "building the transaction: {e}"
                )));
            }
            match multi.commit().await {
                Ok(results) => {
                    let mut written = results
                        .iter()
                        .find_map(|r| match r {
                            zk::MultiWriteResult::SetData { stat } => Some(*stat),
                            _ => None,
                        })
                        .unwrap_or(stat);
                    if written.czxid != stat.czxid || written.version <= stat.version {
                        written = stat;
                        written.version = stat.version + 1;
                    }
                    let body = snapshot.body.clone();
                    self.install(snapshot, &written);
                    self.trim_audit(&client).await;
                    return Ok(Replaced::Applied {
                        version: new_version,
                        body,
                    });
                }
                Err(zk::MultiWriteError::OperationFailed {
                    source: zk::Error::BadVersion,
                    ..
                }) => continue,
                Err(zk::MultiWriteError::OperationFailed { source, .. })
                | Err(zk::MultiWriteError::RequestFailed { source }) => {
                    return Err(WriteRefused::from_zk("writing", source, true));
                }
            }
        }
        Err(WriteRefused::Unavailable(
            "too many concurrent writers: the document kept changing under this write".into(),
        ))
    }

    /// Deletes the oldest audit entries beyond the retention. Best effort.
    async fn trim_audit(&self, client: &zk::Client) {
        let Ok(_guard) = self.trimming.try_lock() else {
            return;
        };
        let audit = self.options.url.audit();
        let Ok(mut names) = client.list_children(&audit).await else {
            return;
        };
        if names.len() <= self.options.audit_retention {
            return;
        }
        names.sort();
        let excess = names.len() - self.options.audit_retention;
        for name in &names[..excess] {
            let _ = client.delete(&format!("{audit}/{name}"), None).await;
        }
    }

    /// The last `limit` audit entries, newest first (read from ZooKeeper).
    pub async fn audit(&self, limit: usize) -> anyhow::Result<Vec<Value>> {
        let client = self
            .client()
            .ok_or_else(|| anyhow::anyhow!("no ZooKeeper session"))?;
        read_audit(&client, &self.options.url, limit).await
    }
}

/// Reads up to `limit` audit entries, newest first.
async fn read_audit(client: &zk::Client, url: &ZkUrl, limit: usize) -> anyhow::Result<Vec<Value>> {
    let audit = url.audit();
    let mut names = client
        .list_children(&audit)
        .await
        .map_err(|e| zk_error(url, "listing the audit", e))?;
    names.sort();
    names.reverse();
    // Every read is sent before any answer is awaited (the client
    // pipelines them on its one connection): one round trip, not N.
    let reads: Vec<_> = names
        .into_iter()
        .take(limit)
        .map(|name| client.get_data(&format!("{audit}/{name}")))
        .collect();
    let mut entries = Vec::new();
    for read in futures_util::future::join_all(reads).await {
        match read {
            Ok((data, _)) => {
                if let Ok(v) = serde_json::from_slice::<Value>(&data) {
                    entries.push(v);
                }
            }
            // Trimmed meanwhile.
            Err(zk::Error::NoNode) => {}
            Err(e) => return Err(zk_error(url, "reading an audit entry", e)),
        }
    }
    Ok(entries)
}

/// Why a write was not applied.
#[derive(Debug)]
pub enum WriteRefused {
    /// No session: 503, try another server.
    Unavailable(String),
    /// The connection broke during the commit: the change may or may not
    /// be applied (503; read before retrying).
    Unknown(String),
    /// Anything else (500).
    Failed(String),
}

impl WriteRefused {
    fn from_zk(what: &str, e: zk::Error, committing: bool) -> Self {
        match e {
            zk::Error::ConnectionLoss | zk::Error::Timeout if committing => {
                WriteRefused::Unknown(format!(
                    "the ZooKeeper connection broke while {what} ({e}); the change may or may not be applied: read the document before retrying"
                ))
            }
            zk::Error::ConnectionLoss
            | zk::Error::Timeout
            | zk::Error::SessionExpired
            | zk::Error::ClientClosed
            | zk::Error::NoHosts => WriteRefused::Unavailable(format!("ZooKeeper: {what}: {e}")),
            zk::Error::NoAuth => WriteRefused::Failed(
                "ZooKeeper refused the write (not authorised by the znode's ACL); start the server with the --zk-auth-file identity that created it"
                .into(),
            ),
            e => WriteRefused::Failed(format!("ZooKeeper: {what}: {e}")),
        }
    }
}

/// How often the watch loop also reads the document without a watch.
const RESYNC: Duration = Duration::from_secs(30);

/// Keeps the snapshot current: a one-shot data watch re-armed after every
/// event, the session state followed, and a new session made when the old
/// one expires.
async fn watch_loop(store: std::sync::Weak<ZkStore>) {
    loop {
        let Some(this) = store.upgrade() else { return };
        let client = match this.client() {
            Some(c) => c,
            None => match connect(&this.options).await {
                Ok(c) => {
                    *this
                        .client
                        .write()
                        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(c.clone());
                    c
                }
                Err(e) => {
                    tracing::debug!("ZooKeeper reconnect failed: {e}");
                    drop(this);
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    continue;
                }
            },
        };
        // A session that ended (expired while ZooKeeper was away, say)
        // never comes back: its watch fires once and no state change
        // follows, so look, and make a new one.
        let state = client.state();
        if state.is_terminated() {
            after_state(&this, state);
            continue;
        }
        let url = this.options.url.clone();
        let mut states = client.state_watcher();
        let watched = client.get_and_watch_data(&url.state()).await;
        let watcher = match watched {
            Ok((data, stat, watcher)) => {
                match parse_document(&url, &data).and_then(Snapshot::of) {
                    Ok(snapshot) => this.install(snapshot, &stat),
                    Err(e) => tracing::error!("ignoring a bad document in ZooKeeper: {e:#}"),
                }
                if client.state() == zk::SessionState::SyncConnected {
                    this.set_link(Link::Connected);
                }
                Some(watcher)
            }
            Err(e) => {
                tracing::debug!("ZooKeeper read failed: {e}");
                None
            }
        };
        drop(this);
        let Some(watcher) = watcher else {
            // Wait for the session to change (or a second, as for a
            // deleted document), then read again.
            tokio::select! {
                state = states.changed() => {
                    if let Some(this) = store.upgrade() {
                        after_state(&this, state);
                    }
                }
                () = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let changed = watcher.changed();
        tokio::pin!(changed);
        loop {
            tokio::select! {
                _event = &mut changed => break,
                state = states.changed() => {
                    let Some(this) = store.upgrade() else { return };
                    if after_state(&this, state) {
                        break;
                    }
                    if state == zk::SessionState::SyncConnected {
                        // Reconnected in the same session: re-read (the
                        // watch is reset by the server too).
                        break;
                    }
                }
                // Belt and braces: a plain read now and then, should a
                // watch event ever be lost.
                () = tokio::time::sleep(RESYNC) => {
                    let Some(this) = store.upgrade() else { return };
                    if let Ok((data, stat)) = client.get_data(&url.state()).await
                        && let Ok(snapshot) = parse_document(&url, &data).and_then(Snapshot::of)
                    {
                        this.install(snapshot, &stat);
                    }
                }
            }
        }
    }
}

/// Follows a session state change; true when the session is over and a
/// new one must be made.
fn after_state(store: &ZkStore, state: zk::SessionState) -> bool {
    match state {
        zk::SessionState::SyncConnected => {
            store.set_link(Link::Connected);
            false
        }
        zk::SessionState::Disconnected | zk::SessionState::ConnectedReadOnly => {
            store.set_link(Link::Lost(Instant::now()));
            false
        }
        _ => {
            store.set_link(Link::Lost(Instant::now()));
            tracing::warn!("ZooKeeper session ended ({state}); making a new one");
            *store
                .client
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
            true
        }
    }
}

/// Creates `PATH`, `PATH/audit` and, in one `multi`, `PATH/state` with
/// the audit entries given (or a "created" entry when none). With `force`,
/// an existing layout is deleted first.
async fn create_layout(
    client: &zk::Client,
    url: &ZkUrl,
    document: &StateDocument,
    history: &[Value],
    acls: zk::Acls<'_>,
    force: bool,
) -> anyhow::Result<()> {
    let persistent = zk::CreateMode::Persistent.with_acls(acls);
    if force {
        if let Ok(names) = client.list_children(&url.audit()).await {
            for name in names {
                let _ = client
                    .delete(&format!("{}/{name}", url.audit()), None)
                    .await;
            }
        }
        let _ = client.delete(&url.audit(), None).await;
        let _ = client.delete(&url.state(), None).await;
    }
    match client.mkdir(&url.path, &persistent).await {
        Ok(()) | Err(zk::Error::NodeExists) => {}
        Err(zk::Error::NoAuth) => {
            return Err(HjobError::usage_hint(
                format!("{url}: ZooKeeper refused to create {} (not authorised by the ACL of a parent znode)", url.path),
                "give the identity that owns it with --zk-auth-file, or pick a PATH outside it",
            )
            .into());
        }
        Err(e) => return Err(zk_error(url, &format!("creating {}", url.path), e)),
    }
    let sequential = zk::CreateMode::PersistentSequential.with_acls(acls);
    let created = [seed_audit_entry(document)];
    let history = if history.is_empty() {
        &created[..]
    } else {
        history
    };
    let body = serde_json::to_string(document)?;
    let mut multi = client.new_multi_writer();
    let built = (|| -> Result<(), zk::Error> {
        multi.add_create(&url.audit(), b"", &persistent)?;
        for entry in history {
            let version = entry["version"].as_u64().unwrap_or(0);
            multi.add_create(
                &format!("{}/{}", url.audit(), audit_name(version)),
                entry.to_string().as_bytes(),
                &sequential,
            )?;
        }
        multi.add_create(&url.state(), body.as_bytes(), &persistent)?;
        Ok(())
    })();
    built.map_err(|e| zk_error(url, "building the transaction", e))?;
    match multi.commit().await {
        Ok(_) => Ok(()),
        // Another server seeded it first: theirs stands.
        Err(zk::MultiWriteError::OperationFailed {
            source: zk::Error::NodeExists,
            ..
        }) if !force => Ok(()),
        Err(e) => Err(zk_error(url, "creating the document", e)),
    }
}

/// `hjob state-server migrate`: copies a file store (document and audit
/// log) to ZooKeeper. Refuses a non-empty PATH unless `force`.
pub async fn migrate(
    from: &std::path::Path,
    to: &ZkUrl,
    auth: Option<ZkAuth>,
    force: bool,
) -> anyhow::Result<(u64, usize)> {
    let text = std::fs::read_to_string(from).map_err(|e| {
        HjobError::usage(format!(
            "cannot read the file store {}: {e}",
            from.display()
        ))
    })?;
    let document = StateDocument::parse(&text).map_err(|e| {
        HjobError::usage(format!(
            "{} is not a valid state document: {e}",
            from.display()
        ))
    })?;
    let audit_path = std::path::PathBuf::from(format!("{}.audit.jsonl", from.display()));
    let history: Vec<Value> = match std::fs::read_to_string(&audit_path) {
        Ok(text) => text
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(|v| v["version"].as_u64().is_some_and(|n| n <= document.version))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => {
            return Err(HjobError::usage(format!(
                "cannot read the audit log {}: {e}",
                audit_path.display()
            ))
            .into());
        }
    };
    let options = ZkOptions {
        url: to.clone(),
        auth,
        init: None,
        tokens: Vec::new(),
        body_timeout: Duration::from_secs(10),
        max_stale: Duration::ZERO,
        audit_retention: usize::MAX,
        session_timeout: Duration::from_secs(10),
    };
    let client = tokio::time::timeout(Duration::from_secs(30), connect(&options))
        .await
        .map_err(|_| zk_error(to, "connecting", "no server answered in time"))?
        .map_err(|e| zk_error(to, "connecting", e))?;
    let occupied = match client.list_children(&to.path).await {
        Ok(children) => !children.is_empty(),
        Err(zk::Error::NoNode) => false,
        Err(e) => return Err(zk_error(to, "reading the target", e)),
    };
    if occupied && !force {
        return Err(HjobError::usage_hint(
            format!("{to} is not empty: it already holds a state document or other znodes"),
            "pick an empty PATH, or pass --force to replace what is there",
        )
        .into());
    }
    // One multi carries the document and every audit entry; ZooKeeper's
    // request limit (jute.maxbuffer, 1 MiB by default) bounds it, so long
    // histories keep their newest entries.
    let mut history = history;
    let mut size: usize = text.len();
    let mut keep = 0;
    for entry in history.iter().rev() {
        size += entry.to_string().len() + 64;
        if size > 900 * 1024 {
            break;
        }
        keep += 1;
    }
    let dropped = history.len() - keep;
    history.drain(..dropped);
    if dropped > 0 {
        tracing::warn!(
            "the oldest {dropped} audit entries do not fit in one ZooKeeper transaction and were not copied"
        );
    }
    create_layout(
        &client,
        to,
        &document,
        &history,
        acls(options.auth.is_some()),
        force,
    )
    .await?;
    let count = history.len().max(1);
    drop(client);
    Ok((document.version, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_store_url() {
        let url = ZkUrl::parse("zk://a:1,b:2/hjob/prod/").unwrap().unwrap();
        assert_eq!(url.hosts, "a:1,b:2");
        assert_eq!(url.path, "/hjob/prod");
        assert_eq!(url.state(), "/hjob/prod/state");
        assert!(ZkUrl::parse("/var/lib/hjob/state.json").is_none());
        for bad in [
            "zk://a:1",
            "zk://a:1/",
            "zk:///x",
            "zk://a/x",
            "zk://a:1/x//y",
            "zk://a:0/x",
        ] {
            let err = ZkUrl::parse(bad).unwrap().unwrap_err().to_string();
            assert!(err.contains("--store"), "{bad}: {err}");
        }
    }

    #[test]
    fn the_auth_file_is_one_line_and_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("zk.auth");
        std::fs::write(&path, "# state servers\nhjob:s3cret\n").unwrap();
        let auth = ZkAuth::load(&path).unwrap();
        assert_eq!(auth.user, "hjob");
        assert!(!format!("{auth:?}").contains("s3cret"));
        std::fs::write(&path, "a:b\nc:d\n").unwrap();
        assert!(ZkAuth::load(&path).is_err());
        std::fs::write(&path, "nocolon\n").unwrap();
        assert!(ZkAuth::load(&path).is_err());
    }

    #[test]
    fn audit_names_sort_by_version() {
        assert!(audit_name(9) < audit_name(10));
        assert_eq!(audit_name(12), "0000000012-");
    }
}
