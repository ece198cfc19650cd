//! The sandbox's HDFS: a namespace of inodes (owner, group, permission,
//! times) kept in memory and mirrored to `hdfs-meta.json`, with file bytes
//! stored under `<dir>/<cluster>/hdfs/`. Owns the HDFS permission model
//! (owner/other bits, sticky bit, superuser `hdfs`) and the
//! `RemoteException` errors WebHDFS reports.
//!
//! Home directories `/user/<name>` are provisioned on first use by `<name>`
//! (as an administrator would), `/tmp` is `1777`, everything else belongs to
//! `hdfs:supergroup`.

pub(crate) mod datanode;
pub(crate) mod error;
pub(crate) mod namenode;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::clock::epoch_millis;
pub(crate) use error::HdfsError;

/// The HDFS superuser (the NameNode's own user): bypasses permission checks.
pub(crate) const SUPERUSER: &str = "hdfs";
/// The group every inode gets (inherited from `/`).
const SUPERGROUP: &str = "supergroup";
/// The user a request without `user.name` runs as.
pub(crate) const STATIC_WEB_USER: &str = "dr.who";
/// `dfs.blocksize` default.
pub(crate) const DEFAULT_BLOCK_SIZE: u64 = 134_217_728;
/// `dfs.replication` default.
pub(crate) const DEFAULT_REPLICATION: u16 = 3;

/// What an inode is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum InodeKind {
    File,
    Directory,
}

/// One file or directory's metadata.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Inode {
    kind: InodeKind,
    owner: String,
    group: String,
    permission: u16,
    modification_time: u64,
    access_time: u64,
    file_id: u64,
    block_size: u64,
    replication: u16,
}

/// A kind of access, as HDFS names it in AccessControlException messages.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Access {
    Read,
    Write,
}

impl Access {
    fn bit(self) -> u16 {
        match self {
            Access::Read => 4,
            Access::Write => 2,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Access::Read => "READ",
            Access::Write => "WRITE",
        }
    }
}

/// Options of a CREATE.
#[derive(Debug, Clone)]
pub(crate) struct CreateOptions {
    pub(crate) overwrite: bool,
    pub(crate) permission: Option<u16>,
    pub(crate) block_size: Option<u64>,
    pub(crate) replication: Option<u16>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Namespace {
    inodes: BTreeMap<String, Inode>,
    next_file_id: u64,
}

/// One cluster's file system.
#[derive(Debug)]
pub(crate) struct HdfsStore {
    content_root: PathBuf,
    meta_file: PathBuf,
    namespace: Mutex<Namespace>,
    /// Entered by hand (`hdfs dfsadmin -safemode enter` on a real cluster):
    /// reads work, every change is refused.
    safe_mode: std::sync::atomic::AtomicBool,
}

/// Normalises a WebHDFS path (already percent-decoded) to `/a/b` form.
pub(crate) fn normalize(path: &str) -> Result<String, HdfsError> {
    let mut out = String::new();
    for part in path.split('/') {
        if part.is_empty() {
            continue;
        }
        if part == "." || part == ".." || part.contains(':') {
            return Err(HdfsError::illegal_argument(format!(
                "Invalid path name Invalid file name: {path}"
            )));
        }
        out.push('/');
        out.push_str(part);
    }
    if out.is_empty() {
        out.push('/');
    }
    Ok(out)
}

fn parent_of(path: &str) -> Option<&str> {
    if path == "/" {
        return None;
    }
    match path.rfind('/') {
        Some(0) => Some("/"),
        Some(i) => Some(&path[..i]),
        None => None,
    }
}

fn name_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or("")
}

/// `drwxr-xr-x` style rendering used in permission-denied messages.
fn mode_string(inode: &Inode) -> String {
    let mut s = String::with_capacity(10);
    s.push(if inode.kind == InodeKind::Directory {
        'd'
    } else {
        '-'
    });
    for shift in [6u16, 3, 0] {
        let bits = (inode.permission >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        if shift == 0 && inode.permission & 0o1000 != 0 {
            s.push(if x { 't' } else { 'T' });
        } else {
            s.push(if x { 'x' } else { '-' });
        }
    }
    s
}

/// Whether `user` may use `inode` for `access`.
fn permits(inode: &Inode, user: &str, access: Access) -> bool {
    if user == SUPERUSER {
        return true;
    }
    let bits = if inode.owner == user {
        inode.permission >> 6
    } else {
        inode.permission
    } & 7;
    bits & access.bit() != 0
}

fn check(path: &str, inode: &Inode, user: &str, access: Access) -> Result<(), HdfsError> {
    if permits(inode, user, access) {
        Ok(())
    } else {
        Err(HdfsError::access_control(format!(
            "Permission denied: user={user}, access={}, inode=\"{path}\":{}:{}:{}",
            access.name(),
            inode.owner,
            inode.group,
            mode_string(inode)
        )))
    }
}

/// The sticky-bit rule: in a sticky directory only the entry's owner or
/// the directory's owner may remove or replace an entry.
fn check_sticky(
    dir_path: &str,
    dir: &Inode,
    entry: &Inode,
    entry_path: &str,
    user: &str,
) -> Result<(), HdfsError> {
    if dir.permission & 0o1000 == 0 || user == SUPERUSER || user == dir.owner || user == entry.owner
    {
        return Ok(());
    }
    Err(HdfsError::access_control(format!(
        "Permission denied by sticky bit: user={user}, path=\"{entry_path}\":{}:{}:{}, \
         parent=\"{dir_path}\":{}:{}:{}",
        entry.owner,
        entry.group,
        mode_string(entry),
        dir.owner,
        dir.group,
        mode_string(dir)
    )))
}

impl HdfsStore {
    /// Opens (or creates) the store under `cluster_dir`.
    pub(crate) fn load(cluster_dir: &std::path::Path) -> anyhow::Result<Self> {
        let content_root = cluster_dir.join("hdfs");
        std::fs::create_dir_all(&content_root)?;
        let meta_file = cluster_dir.join("hdfs-meta.json");
        let mut namespace: Namespace = std::fs::read(&meta_file)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let now = epoch_millis(SystemTime::now());
        // Forget inodes whose bytes vanished from disk.
        namespace.inodes.retain(|path, inode| {
            let disk = content_root.join(path.trim_start_matches('/'));
            match inode.kind {
                InodeKind::File => disk.is_file(),
                InodeKind::Directory => disk.is_dir(),
            }
        });
        for (path, perm) in [("/", 0o755), ("/tmp", 0o1777), ("/user", 0o755)] {
            if !namespace.inodes.contains_key(path) {
                namespace.next_file_id += 1;
                let id = 16_385 + namespace.next_file_id;
                namespace.inodes.insert(
                    path.to_string(),
                    Inode {
                        kind: InodeKind::Directory,
                        owner: SUPERUSER.into(),
                        group: SUPERGROUP.into(),
                        permission: perm,
                        modification_time: now,
                        access_time: 0,
                        file_id: id,
                        block_size: 0,
                        replication: 0,
                    },
                );
                std::fs::create_dir_all(content_root.join(path.trim_start_matches('/')))?;
            }
        }
        let store = HdfsStore {
            content_root,
            meta_file,
            namespace: Mutex::new(namespace),
            safe_mode: std::sync::atomic::AtomicBool::new(false),
        };
        store.persist();
        Ok(store)
    }

    /// Enters or leaves safe mode.
    pub(crate) fn set_safe_mode(&self, on: bool) {
        self.safe_mode
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Refuses a change while in safe mode, as a real NameNode words it
    /// (`what`: "create directory", "create file", "delete", "rename").
    fn check_not_in_safe_mode(&self, what: &str, path: &str) -> Result<(), HdfsError> {
        if !self.safe_mode.load(std::sync::atomic::Ordering::SeqCst) {
            return Ok(());
        }
        // A real NameNode writes "Cannot create file" with no space
        // before the path.
        let sep = if what == "create file" { "" } else { " " };
        Err(HdfsError::safe_mode(format!(
            "Cannot {what}{sep}{path}. Name node is in safe mode.\nIt was turned on manually. \
             Use \"hdfs dfsadmin -safemode leave\" to turn safe mode off. NamenodeHostName:localhost"
        )))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Namespace> {
        self.namespace
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Where the bytes of `path` live on the local disk.
    pub(crate) fn disk_path(&self, path: &str) -> PathBuf {
        self.content_root.join(path.trim_start_matches('/'))
    }

    fn persist_locked(&self, ns: &Namespace) {
        let Ok(bytes) = serde_json::to_vec(ns) else {
            return;
        };
        let tmp = self.meta_file.with_extension("json.tmp");
        if std::fs::write(&tmp, bytes).is_ok() {
            let _ = std::fs::rename(&tmp, &self.meta_file);
        }
    }

    fn persist(&self) {
        let ns = self.lock();
        self.persist_locked(&ns);
    }

    /// Creates `/user/<user>` owned by `user` when missing (what an admin
    /// does for every user of a real cluster).
    pub(crate) fn provision_home(&self, user: &str) {
        if user == STATIC_WEB_USER || user == SUPERUSER {
            return;
        }
        let path = format!("/user/{user}");
        let mut ns = self.lock();
        if ns.inodes.contains_key(&path) {
            return;
        }
        let inode = self.new_inode(&mut ns, InodeKind::Directory, user, 0o755, None, None);
        if std::fs::create_dir_all(self.disk_path(&path)).is_ok() {
            ns.inodes.insert(path, inode);
            self.persist_locked(&ns);
        }
    }

    fn new_inode(
        &self,
        ns: &mut Namespace,
        kind: InodeKind,
        owner: &str,
        permission: u16,
        block_size: Option<u64>,
        replication: Option<u16>,
    ) -> Inode {
        ns.next_file_id += 1;
        let now = epoch_millis(SystemTime::now());
        let file = kind == InodeKind::File;
        Inode {
            kind,
            owner: owner.to_string(),
            group: SUPERGROUP.to_string(),
            permission,
            modification_time: now,
            access_time: if file { now } else { 0 },
            file_id: 16_385 + ns.next_file_id,
            block_size: if file {
                block_size.unwrap_or(DEFAULT_BLOCK_SIZE)
            } else {
                0
            },
            replication: if file {
                replication.unwrap_or(DEFAULT_REPLICATION)
            } else {
                0
            },
        }
    }

    /// The nearest existing ancestor of `path` (or `path` itself).
    fn nearest_existing<'a>(ns: &'a Namespace, path: &str) -> (String, &'a Inode) {
        let mut cur = path.to_string();
        loop {
            if let Some(inode) = ns.inodes.get(&cur) {
                return (cur, inode);
            }
            match parent_of(&cur) {
                Some(p) => cur = p.to_string(),
                None => unreachable!("the root inode always exists"),
            }
        }
    }

    /// Creates missing directories from the nearest existing ancestor down
    /// to `path` (inclusive), checking WRITE on that ancestor.
    fn mkdirs_locked(
        &self,
        ns: &mut Namespace,
        path: &str,
        user: &str,
        permission: u16,
    ) -> Result<(), HdfsError> {
        let (anc_path, anc) = Self::nearest_existing(ns, path);
        if anc.kind == InodeKind::File {
            return Err(if anc_path == path {
                HdfsError::already_exists(format!("Path is not a directory: {path}"))
            } else {
                HdfsError::parent_not_directory(format!(
                    "Parent path is not a directory: {anc_path}"
                ))
            });
        }
        if anc_path == path {
            return Ok(());
        }
        check(&anc_path, anc, user, Access::Write)?;
        let rest: Vec<&str> = path[anc_path.len()..]
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        let mut cur = if anc_path == "/" {
            String::new()
        } else {
            anc_path
        };
        for part in rest {
            cur.push('/');
            cur.push_str(part);
            std::fs::create_dir_all(self.disk_path(&cur))
                .map_err(|e| HdfsError::io(format!("{cur}: {e}")))?;
            let inode = self.new_inode(ns, InodeKind::Directory, user, permission, None, None);
            ns.inodes.insert(cur.clone(), inode);
        }
        Ok(())
    }

    /// MKDIRS: true also when the directory exists.
    pub(crate) fn mkdirs(
        &self,
        path: &str,
        user: &str,
        permission: Option<u16>,
    ) -> Result<bool, HdfsError> {
        let mut ns = self.lock();
        if !ns.inodes.contains_key(path) {
            self.check_not_in_safe_mode("create directory", path)?;
        }
        self.mkdirs_locked(&mut ns, path, user, permission.unwrap_or(0o755))?;
        self.persist_locked(&ns);
        Ok(true)
    }

    fn file_status(&self, ns: &Namespace, path: &str, inode: &Inode, suffix: &str) -> Value {
        let (length, children) = match inode.kind {
            InodeKind::File => (
                std::fs::metadata(self.disk_path(path))
                    .map(|m| m.len())
                    .unwrap_or(0),
                0,
            ),
            InodeKind::Directory => (0, Self::children(ns, path).len()),
        };
        // Keys in alphabetical order, as JsonUtil's TreeMap emits them.
        json!({
            "accessTime": inode.access_time,
            "blockSize": inode.block_size,
            "childrenNum": children,
            "fileId": inode.file_id,
            "group": inode.group,
            "length": length,
            "modificationTime": inode.modification_time,
            "owner": inode.owner,
            "pathSuffix": suffix,
            "permission": format!("{:o}", inode.permission),
            "replication": inode.replication,
            "storagePolicy": 0,
            "type": match inode.kind { InodeKind::File => "FILE", InodeKind::Directory => "DIRECTORY" },
        })
    }

    /// The direct children of directory `dir`, by path.
    fn children<'a>(ns: &'a Namespace, dir: &str) -> Vec<(&'a String, &'a Inode)> {
        let prefix = if dir == "/" {
            "/".to_string()
        } else {
            format!("{dir}/")
        };
        ns.inodes
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter(|(k, _)| k.len() > prefix.len() && !k[prefix.len()..].contains('/'))
            .collect()
    }

    fn not_found(path: &str) -> HdfsError {
        HdfsError::file_not_found(format!("File does not exist: {path}"))
    }

    /// GETFILESTATUS.
    pub(crate) fn get_file_status(&self, path: &str) -> Result<Value, HdfsError> {
        let ns = self.lock();
        let inode = ns.inodes.get(path).ok_or_else(|| Self::not_found(path))?;
        Ok(json!({ "FileStatus": self.file_status(&ns, path, inode, "") }))
    }

    /// LISTSTATUS (a file lists itself with an empty suffix).
    pub(crate) fn list_status(&self, path: &str, user: &str) -> Result<Value, HdfsError> {
        let ns = self.lock();
        let inode = ns.inodes.get(path).ok_or_else(|| Self::not_found(path))?;
        let entries: Vec<Value> = match inode.kind {
            InodeKind::File => vec![self.file_status(&ns, path, inode, "")],
            InodeKind::Directory => {
                check(path, inode, user, Access::Read)?;
                Self::children(&ns, path)
                    .into_iter()
                    .map(|(p, i)| self.file_status(&ns, p, i, name_of(p)))
                    .collect()
            }
        };
        Ok(json!({ "FileStatuses": { "FileStatus": entries } }))
    }

    /// DELETE: false when the path does not exist.
    pub(crate) fn delete(
        &self,
        path: &str,
        user: &str,
        recursive: bool,
    ) -> Result<bool, HdfsError> {
        let mut ns = self.lock();
        let Some(inode) = ns.inodes.get(path).cloned() else {
            return Ok(false);
        };
        self.check_not_in_safe_mode("delete", path)?;
        let Some(parent) = parent_of(path) else {
            // Deleting `/` is refused by HDFS; report it as not done.
            return Ok(false);
        };
        let parent_inode = ns
            .inodes
            .get(parent)
            .cloned()
            .ok_or_else(|| Self::not_found(parent))?;
        check(parent, &parent_inode, user, Access::Write)?;
        check_sticky(parent, &parent_inode, &inode, path, user)?;
        if inode.kind == InodeKind::Directory {
            let has_children = !Self::children(&ns, path).is_empty();
            if has_children && !recursive {
                return Err(HdfsError::io_named(
                    "PathIsNotEmptyDirectoryException",
                    "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException",
                    format!("`{path} is non empty': Directory is not empty"),
                ));
            }
            let prefix = format!("{path}/");
            ns.inodes
                .retain(|k, _| k != path && !k.starts_with(&prefix));
            let _ = std::fs::remove_dir_all(self.disk_path(path));
        } else {
            ns.inodes.remove(path);
            let _ = std::fs::remove_file(self.disk_path(path));
        }
        self.persist_locked(&ns);
        Ok(true)
    }

    /// RENAME: most failures are `false`, as on a real NameNode.
    pub(crate) fn rename(&self, src: &str, dst: &str, user: &str) -> Result<bool, HdfsError> {
        self.check_not_in_safe_mode("rename", &format!("{src} to {dst}"))?;
        let mut ns = self.lock();
        let (Some(src_parent), Some(dst_parent)) = (parent_of(src), parent_of(dst)) else {
            return Ok(false);
        };
        if !ns.inodes.contains_key(src)
            || ns.inodes.contains_key(dst)
            || dst.starts_with(&format!("{src}/"))
        {
            return Ok(false);
        }
        match ns.inodes.get(dst_parent) {
            Some(i) if i.kind == InodeKind::Directory => {}
            _ => return Ok(false),
        }
        let sp = ns
            .inodes
            .get(src_parent)
            .cloned()
            .ok_or_else(|| Self::not_found(src))?;
        check(src_parent, &sp, user, Access::Write)?;
        let dp = ns
            .inodes
            .get(dst_parent)
            .cloned()
            .ok_or_else(|| Self::not_found(dst))?;
        check(dst_parent, &dp, user, Access::Write)?;
        if std::fs::rename(self.disk_path(src), self.disk_path(dst)).is_err() {
            return Ok(false);
        }
        let prefix = format!("{src}/");
        let moved: Vec<(String, Inode)> = ns
            .inodes
            .iter()
            .filter(|(k, _)| *k == src || k.starts_with(&prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (k, v) in moved {
            ns.inodes.remove(&k);
            let new_key = format!("{dst}{}", &k[src.len()..]);
            ns.inodes.insert(new_key, v);
        }
        self.persist_locked(&ns);
        Ok(true)
    }

    /// CREATE at the DataNode: checks, then creates (or truncates) the file
    /// before any byte is read, as the DataNode does. Returns the disk path.
    pub(crate) fn begin_create(
        &self,
        path: &str,
        user: &str,
        client: &str,
        options: &CreateOptions,
    ) -> Result<PathBuf, HdfsError> {
        self.check_not_in_safe_mode("create file", path)?;
        let mut ns = self.lock();
        let parent = parent_of(path).ok_or_else(|| {
            HdfsError::already_exists("/ already exists as a directory".to_string())
        })?;
        if let Some(existing) = ns.inodes.get(path).cloned() {
            if existing.kind == InodeKind::Directory {
                return Err(HdfsError::already_exists(format!(
                    "{path} already exists as a directory"
                )));
            }
            if !options.overwrite {
                return Err(HdfsError::already_exists(format!(
                    "{path} for client {client} already exists"
                )));
            }
            let parent_inode = ns
                .inodes
                .get(parent)
                .cloned()
                .ok_or_else(|| Self::not_found(parent))?;
            check(parent, &parent_inode, user, Access::Write)?;
            check_sticky(parent, &parent_inode, &existing, path, user)?;
        } else {
            self.mkdirs_locked(&mut ns, parent, user, 0o755)?;
            let parent_inode = ns
                .inodes
                .get(parent)
                .cloned()
                .ok_or_else(|| Self::not_found(parent))?;
            check(parent, &parent_inode, user, Access::Write)?;
        }
        let disk = self.disk_path(path);
        std::fs::File::create(&disk).map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
        let inode = self.new_inode(
            &mut ns,
            InodeKind::File,
            user,
            options.permission.unwrap_or(0o644),
            options.block_size,
            options.replication,
        );
        ns.inodes.insert(path.to_string(), inode);
        self.persist_locked(&ns);
        Ok(disk)
    }

    /// Marks the end of a write (modification time).
    pub(crate) fn finish_create(&self, path: &str) {
        let mut ns = self.lock();
        if let Some(inode) = ns.inodes.get_mut(path) {
            inode.modification_time = epoch_millis(SystemTime::now());
        }
        self.persist_locked(&ns);
    }

    /// SETTIMES: sets the modification and/or access time (milliseconds;
    /// -1 leaves one as it is). Needs WRITE on the path, as
    /// `FSDirAttrOp.setTimes` checks. Directories keep no access time.
    pub(crate) fn set_times(
        &self,
        path: &str,
        user: &str,
        mtime: i64,
        atime: i64,
    ) -> Result<(), HdfsError> {
        self.check_not_in_safe_mode("set times", path)?;
        let mut ns = self.lock();
        let inode = ns.inodes.get(path).ok_or_else(|| {
            HdfsError::file_not_found(format!("File/Directory does not exist: {path}"))
        })?;
        check(path, inode, user, Access::Write)?;
        if let Some(inode) = ns.inodes.get_mut(path) {
            if let Ok(t) = u64::try_from(mtime) {
                inode.modification_time = t;
            }
            if let Ok(t) = u64::try_from(atime)
                && inode.kind == InodeKind::File
            {
                inode.access_time = t;
            }
        }
        self.persist_locked(&ns);
        Ok(())
    }

    /// Checks that `user` may read the file at `path`; returns its disk path
    /// and length.
    pub(crate) fn open(&self, path: &str, user: &str) -> Result<(PathBuf, u64), HdfsError> {
        let mut ns = self.lock();
        let inode = ns.inodes.get(path).ok_or_else(|| Self::not_found(path))?;
        if inode.kind == InodeKind::Directory {
            return Err(HdfsError::file_not_found(format!(
                "Path is not a file: {path}"
            )));
        }
        check(path, inode, user, Access::Read)?;
        if let Some(i) = ns.inodes.get_mut(path) {
            i.access_time = epoch_millis(SystemTime::now());
        }
        let disk = self.disk_path(path);
        let len = std::fs::metadata(&disk).map(|m| m.len()).unwrap_or(0);
        Ok((disk, len))
    }

    /// Whether `path` exists, and whether it is a directory.
    pub(crate) fn kind(&self, path: &str) -> Option<InodeKind> {
        self.lock().inodes.get(path).map(|i| i.kind)
    }

    /// Reads a whole file as `user` (for Oozie reading workflow.xml and
    /// localizing `<file>`s).
    pub(crate) fn read(&self, path: &str, user: &str) -> Result<Vec<u8>, HdfsError> {
        let (disk, _) = self.open(path, user)?;
        std::fs::read(disk).map_err(|e| HdfsError::io(format!("{path}: {e}")))
    }

    /// Writes a whole small file as `user` (Oozie's generated workflow.xml).
    pub(crate) fn write(&self, path: &str, user: &str, bytes: &[u8]) -> Result<(), HdfsError> {
        let disk = self.begin_create(
            path,
            user,
            "127.0.0.1",
            &CreateOptions {
                overwrite: true,
                permission: None,
                block_size: None,
                replication: None,
            },
        )?;
        std::fs::write(disk, bytes).map_err(|e| HdfsError::io(format!("{path}: {e}")))?;
        self.finish_create(path);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("").unwrap(), "/");
        assert_eq!(normalize("/a//b/").unwrap(), "/a/b");
        assert!(normalize("/a/../b").is_err());
    }

    #[test]
    fn permissions_and_listing() {
        let dir = tempfile::tempdir().unwrap();
        let fs = HdfsStore::load(dir.path()).unwrap();
        fs.provision_home("alice");
        assert!(fs.mkdirs("/user/alice/x/y", "alice", None).unwrap());
        let err = fs
            .mkdirs("/user/alice/z", STATIC_WEB_USER, None)
            .unwrap_err();
        assert_eq!(err.status, 403);
        assert!(
            err.message.contains("user=dr.who, access=WRITE"),
            "{}",
            err.message
        );
        let listing = fs.list_status("/user/alice", "alice").unwrap();
        assert_eq!(listing["FileStatuses"]["FileStatus"][0]["pathSuffix"], "x");
        assert!(!fs.delete("/user/alice/nope", "alice", false).unwrap());
        let opts = CreateOptions {
            overwrite: false,
            permission: None,
            block_size: None,
            replication: None,
        };
        fs.begin_create("/tmp/f", "bob", "127.0.0.1", &opts)
            .unwrap();
        let err = fs
            .begin_create("/tmp/f", "bob", "127.0.0.1", &opts)
            .unwrap_err();
        assert_eq!(err.exception, "FileAlreadyExistsException");
        let err = fs.delete("/tmp/f", "carol", false).unwrap_err();
        assert!(err.message.contains("sticky"), "{}", err.message);
    }

    #[test]
    fn settimes_sets_what_it_is_given_and_needs_write() {
        let dir = tempfile::tempdir().unwrap();
        let fs = HdfsStore::load(dir.path()).unwrap();
        fs.provision_home("alice");
        fs.write("/user/alice/f", "alice", b"x").unwrap();
        fs.set_times("/user/alice/f", "alice", 1000, -1).unwrap();
        let status = fs.get_file_status("/user/alice/f").unwrap();
        assert_eq!(status["FileStatus"]["modificationTime"], 1000);
        assert_ne!(status["FileStatus"]["accessTime"], 1000);
        fs.set_times("/user/alice/f", "alice", -1, 2000).unwrap();
        let status = fs.get_file_status("/user/alice/f").unwrap();
        assert_eq!(status["FileStatus"]["modificationTime"], 1000);
        assert_eq!(status["FileStatus"]["accessTime"], 2000);
        let err = fs.set_times("/user/alice/f", "bob", 1, 1).unwrap_err();
        assert_eq!(err.exception, "AccessControlException");
        let err = fs.set_times("/user/alice/nope", "alice", 1, 1).unwrap_err();
        assert_eq!(err.exception, "FileNotFoundException");
    }
}
