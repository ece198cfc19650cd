//! Remembers the BLAKE3 hash of local files hjob has shipped, keyed by
//! path, size, inode, mtime and ctime (nanoseconds), so re-running a job
//! with an unchanged multi-gigabyte jar does not read it again. Any change
//! to the file changes its ctime, so a stale entry is never used; the cache
//! is a JSON file in the user's data dir, and any problem with it just
//! means the file is hashed again. Each entry is read on its own: one that
//! is not of this shape (an older hjob's `sha256` entry, say) is left out,
//! and its file hashed again, without losing the others.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// What identifies one version of a file on disk: any write changes it
/// (its ctime, if nothing else).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    size: u64,
    inode: u64,
    mtime_ns: i128,
    ctime_ns: i128,
}

impl Stamp {
    /// The stamp of a file's metadata (`None` where there is none to take).
    pub fn of(metadata: &std::fs::Metadata) -> Option<Stamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(Stamp {
                size: metadata.len(),
                inode: metadata.ino(),
                mtime_ns: i128::from(metadata.mtime()) * 1_000_000_000
                    + i128::from(metadata.mtime_nsec()),
                ctime_ns: i128::from(metadata.ctime()) * 1_000_000_000
                    + i128::from(metadata.ctime_nsec()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            None
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    stamp: Stamp,
    blake3: String,
}

/// The cache file and its entries.
#[derive(Debug, Default)]
pub struct HashCache {
    file: Option<PathBuf>,
    entries: BTreeMap<String, Entry>,
    dirty: bool,
}

/// Entries kept at most (oldest paths dropped first is not tracked; the map
/// is simply cleared when it grows past this).
const MAX_ENTRIES: usize = 1000;

impl HashCache {
    /// Loads the cache from `data_dir/hash-cache.json` (empty when absent or
    /// unreadable; without the entries that are not of the current shape).
    pub fn load(data_dir: Option<&Path>) -> HashCache {
        let Some(file) = data_dir.map(|d| d.join("hash-cache.json")) else {
            return HashCache::default();
        };
        let entries = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| {
                serde_json::from_str::<BTreeMap<String, serde_json::Value>>(&text).ok()
            })
            .unwrap_or_default()
            .into_iter()
            .filter_map(|(key, entry)| Some((key, serde_json::from_value(entry).ok()?)))
            .collect();
        HashCache {
            file: Some(file),
            entries,
            dirty: false,
        }
    }

    fn key(path: &Path) -> Option<String> {
        std::fs::canonicalize(path)
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    }

    /// The remembered hash of `path`, when the file is unchanged.
    pub fn get(&self, path: &Path, metadata: &std::fs::Metadata) -> Option<String> {
        let stamp = Stamp::of(metadata)?;
        let entry = self.entries.get(&Self::key(path)?)?;
        (entry.stamp == stamp).then(|| entry.blake3.clone())
    }

    /// Remembers the hash of `path` as it was when `metadata` was read.
    pub fn insert(&mut self, path: &Path, metadata: &std::fs::Metadata, blake3: &str) {
        let (Some(stamp), Some(key)) = (Stamp::of(metadata), Self::key(path)) else {
            return;
        };
        if self.entries.len() >= MAX_ENTRIES {
            self.entries.clear();
        }
        self.entries.insert(
            key,
            Entry {
                stamp,
                blake3: blake3.to_owned(),
            },
        );
        self.dirty = true;
    }

    /// Writes the cache back when it changed (best effort).
    pub fn save(&self) {
        let Some(file) = &self.file else { return };
        if !self.dirty {
            return;
        }
        // A lost cache only means a file is hashed again.
        let result = (|| -> anyhow::Result<()> {
            let text = serde_json::to_string(&self.entries)?;
            crate::local_file::replace(file, text.as_bytes())?;
            Ok(())
        })();
        if let Err(e) = result {
            tracing::debug!("hash cache not saved to {}: {e:#}", file.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_file_is_never_served_from_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("job.jar");
        std::fs::write(&file, b"one").unwrap();
        let mut cache = HashCache::load(Some(dir.path()));
        let meta = std::fs::metadata(&file).unwrap();
        cache.insert(&file, &meta, "aaaa");
        cache.save();
        let cache = HashCache::load(Some(dir.path()));
        assert_eq!(
            cache
                .get(&file, &std::fs::metadata(&file).unwrap())
                .as_deref(),
            Some("aaaa")
        );
        std::fs::write(&file, b"two").unwrap();
        assert_eq!(cache.get(&file, &std::fs::metadata(&file).unwrap()), None);
    }

    #[test]
    fn an_older_hjobs_sha256_entries_are_hashed_again_not_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.jar");
        let new = dir.path().join("new.jar");
        std::fs::write(&old, b"old").unwrap();
        std::fs::write(&new, b"new").unwrap();
        // A cache written by this hjob, with one entry turned into what an
        // hjob of the SHA-256 days wrote: the same stamp, a `sha256` hash.
        let mut cache = HashCache::load(Some(dir.path()));
        cache.insert(&old, &std::fs::metadata(&old).unwrap(), "aaaa");
        cache.insert(&new, &std::fs::metadata(&new).unwrap(), "bbbb");
        cache.save();
        let file = dir.path().join("hash-cache.json");
        let mut json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let key = std::fs::canonicalize(&old)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let entry = json[&key].as_object_mut().unwrap();
        let hash = entry.remove("blake3").unwrap();
        entry.insert("sha256".into(), hash);
        std::fs::write(&file, json.to_string()).unwrap();

        let mut cache = HashCache::load(Some(dir.path()));
        // The old entry is not used: its file is hashed again...
        assert_eq!(cache.get(&old, &std::fs::metadata(&old).unwrap()), None);
        // ...and the entry beside it is still served.
        assert_eq!(
            cache
                .get(&new, &std::fs::metadata(&new).unwrap())
                .as_deref(),
            Some("bbbb")
        );
        // The new hash replaces the old entry once saved.
        cache.insert(&old, &std::fs::metadata(&old).unwrap(), "cccc");
        cache.save();
        let cache = HashCache::load(Some(dir.path()));
        assert_eq!(
            cache
                .get(&old, &std::fs::metadata(&old).unwrap())
                .as_deref(),
            Some("cccc")
        );
        assert!(!std::fs::read_to_string(&file).unwrap().contains("sha256"));
    }

    #[test]
    fn a_cache_file_that_is_not_json_is_an_empty_cache() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("job.jar");
        std::fs::write(&file, b"one").unwrap();
        std::fs::write(dir.path().join("hash-cache.json"), "{not json").unwrap();
        let mut cache = HashCache::load(Some(dir.path()));
        let meta = std::fs::metadata(&file).unwrap();
        assert_eq!(cache.get(&file, &meta), None);
        cache.insert(&file, &meta, "aaaa");
        cache.save();
        let cache = HashCache::load(Some(dir.path()));
        assert_eq!(cache.get(&file, &meta).as_deref(), Some("aaaa"));
    }
}
