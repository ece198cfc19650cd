//! The commit checked out where hjob runs, for a job's provenance
//! (`hjob.client.git_commit`), read from `.git` the way git resolves `HEAD`
//! instead of by starting `git rev-parse HEAD`: that process costs a few
//! milliseconds, a third of a whole `hjob run --detach`.
//!
//! Covered: `GIT_DIR`, a `.git` directory or `gitdir:` file (worktrees,
//! submodules) in the directory or any parent, `HEAD` naming a branch (or
//! any symbolic ref, followed a few levels) or holding a commit id, loose
//! refs (in the worktree's own dir, then the common dir) and
//! `packed-refs`. Anything else (a reftable repository, say) falls back to
//! `git rev-parse HEAD`; outside a repository nothing runs at all.

use std::path::{Path, PathBuf};

/// How the commit was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Head {
    /// No repository around the directory.
    NoRepository,
    /// The commit id `HEAD` resolves to.
    Commit(String),
    /// A repository whose `HEAD` this reader cannot resolve (an unborn
    /// branch, a reftable, a damaged file): ask git.
    Unresolved,
}

/// Reads `HEAD` of the repository around `dir` (`git_dir_env`: the value
/// of `GIT_DIR`, which overrides the search, as it does for git).
pub fn read(dir: &Path, git_dir_env: Option<&Path>) -> Head {
    let git_dir = match git_dir_env {
        Some(d) => Some(dir.join(d)),
        None => find_git_dir(dir),
    };
    let Some(git_dir) = git_dir else {
        return Head::NoRepository;
    };
    let common = common_dir(&git_dir);
    let mut text = match std::fs::read_to_string(git_dir.join("HEAD")) {
        Ok(t) => t,
        Err(_) => return Head::Unresolved,
    };
    for _ in 0..5 {
        let value = text.trim();
        let Some(name) = value.strip_prefix("ref:").map(str::trim) else {
            return commit_id(value).map_or(Head::Unresolved, Head::Commit);
        };
        if !name.starts_with("refs/") || name.split('/').any(|part| part == "..") {
            return Head::Unresolved;
        }
        let loose = std::fs::read_to_string(git_dir.join(name))
            .or_else(|_| std::fs::read_to_string(common.join(name)));
        text = match loose {
            Ok(t) => t,
            Err(_) => {
                return packed_ref(&common, name).map_or(Head::Unresolved, Head::Commit);
            }
        };
    }
    Head::Unresolved
}

/// The commit for a job's provenance, from the current directory: read
/// from `.git`, or from `git rev-parse HEAD` when that cannot be read.
pub fn current() -> Option<String> {
    let dir = std::env::current_dir().ok()?;
    let git_dir = std::env::var_os("GIT_DIR").map(PathBuf::from);
    match read(&dir, git_dir.as_deref()) {
        Head::NoRepository => None,
        Head::Commit(id) => Some(id),
        Head::Unresolved => {
            let output = std::process::Command::new("git")
                .args(["rev-parse", "HEAD"])
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())?;
            let text = String::from_utf8_lossy(&output.stdout);
            commit_id(text.trim())
        }
    }
}

/// `.git` in `dir` or its nearest parent that has one: the directory, or
/// where a `gitdir: PATH` file points.
fn find_git_dir(dir: &Path) -> Option<PathBuf> {
    for candidate in dir.ancestors() {
        let dot_git = candidate.join(".git");
        let Ok(metadata) = std::fs::metadata(&dot_git) else {
            continue;
        };
        if metadata.is_dir() {
            return Some(dot_git);
        }
        let text = std::fs::read_to_string(&dot_git).ok()?;
        let target = text.trim().strip_prefix("gitdir:")?.trim();
        return Some(candidate.join(target));
    }
    None
}

/// The dir shared by every worktree (refs, `packed-refs`): named by a
/// worktree's `commondir` file, else the git dir itself.
fn common_dir(git_dir: &Path) -> PathBuf {
    match std::fs::read_to_string(git_dir.join("commondir")) {
        Ok(text) => git_dir.join(text.trim()),
        Err(_) => git_dir.to_path_buf(),
    }
}

/// `name`'s id in `packed-refs` (`<id> <name>` lines).
fn packed_ref(common: &Path, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(common.join("packed-refs")).ok()?;
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with('^'))
        .find_map(|line| match line.split_once(' ') {
            Some((id, n)) if n.trim_end() == name => commit_id(id),
            _ => None,
        })
}

/// A SHA-1 or SHA-256 object id, lower-case hex.
fn commit_id(text: &str) -> Option<String> {
    let ok = (text.len() == 40 || text.len() == 64)
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    ok.then(|| text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn git(dir: &Path, args: &[&str]) -> String {
        let out = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    fn rev_parse(dir: &Path) -> Head {
        Head::Commit(git(dir, &["rev-parse", "HEAD"]))
    }

    /// Each layout git makes reads as `git rev-parse HEAD` says.
    #[test]
    fn head_reads_as_git_rev_parse_says_in_every_layout() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        std::fs::create_dir(&repo).unwrap();
        git(&repo, &["init", "-q", "-b", "main"]);
        // An unborn branch: git itself has no answer either.
        assert_eq!(read(&repo, None), Head::Unresolved);
        git(&repo, &["commit", "-q", "--allow-empty", "-m", "one"]);
        let sub = repo.join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        // A loose branch ref, from the top and from a subdirectory.
        assert_eq!(read(&repo, None), rev_parse(&repo));
        assert_eq!(read(&sub, None), rev_parse(&repo));
        // Packed refs.
        git(&repo, &["commit", "-q", "--allow-empty", "-m", "two"]);
        git(&repo, &["pack-refs", "--all"]);
        assert!(!repo.join(".git/refs/heads/main").exists());
        assert_eq!(read(&sub, None), rev_parse(&repo));
        // A detached HEAD.
        git(&repo, &["checkout", "-q", "--detach", "HEAD~1"]);
        assert_eq!(read(&repo, None), rev_parse(&repo));
        git(&repo, &["checkout", "-q", "main"]);
        // A worktree on a branch of its own (a `gitdir:` file, a
        // `commondir`, the branch's ref in the common dir).
        let worktree = tmp.path().join("wt");
        git(
            &repo,
            &[
                "worktree",
                "add",
                "-q",
                "-b",
                "side",
                worktree.to_str().unwrap(),
            ],
        );
        git(&worktree, &["commit", "-q", "--allow-empty", "-m", "three"]);
        assert_eq!(read(&worktree, None), rev_parse(&worktree));
        assert_ne!(read(&worktree, None), read(&repo, None));
        // GIT_DIR, relative to the directory.
        let elsewhere = tmp.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        assert_eq!(
            read(&elsewhere, Some(Path::new("../repo/.git"))),
            rev_parse(&repo)
        );
        // No repository at all.
        assert_eq!(read(&elsewhere, None), Head::NoRepository);
    }

    #[test]
    fn damaged_heads_are_left_to_git() {
        let tmp = tempfile::tempdir().unwrap();
        let git_dir = tmp.path().join(".git");
        std::fs::create_dir(&git_dir).unwrap();
        for head in [
            "ref: refs/heads/missing\n",
            "ref: refs/../../etc/passwd\n",
            "not an id\n",
            "ref: refs/heads/.invalid\n",
        ] {
            std::fs::write(git_dir.join("HEAD"), head).unwrap();
            assert_eq!(read(tmp.path(), None), Head::Unresolved, "{head}");
        }
    }
}
