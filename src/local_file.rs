//! Small files hjob keeps for itself in the user's data dir (the hash cache,
//! job records): caches, so written never torn but not made durable.

use std::io::Write as _;
use std::path::Path;

/// Writes `content` to `path` whole: into a new file beside it (making the
/// directory first), then renamed over it, so a reader sees the old content
/// or the new, never part of it. Not fsynced: what these files hold can be
/// found again (a file hashed again, a job looked up on Oozie), and an
/// fsync right after a large upload waits for the disk to flush what a
/// local DataNode just wrote.
pub fn replace(path: &Path, content: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    temporary.write_all(content)?;
    temporary.persist(path)?;
    Ok(())
}
