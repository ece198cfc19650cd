//! What `hjob gc` removes from `/user/<user>/.hjob/`, and why. Deciding
//! ([`plan`]) is separate from removing ([`apply`]), so `--dry-run` lists
//! exactly what a real run removes. Nothing here prints.
//!
//! The rules (README, "Cleaning up: hjob gc"):
//!
//! - **Protected first.** The user's active jobs (Oozie list, status PREP,
//!   RUNNING or SUSPENDED) are read in full. Their app directories, their
//!   `hjob.submission.id`s, and every `…/.hjob/cache/<blake3>/` directory
//!   their workflow references (read with WebHDFS OPEN from the app path,
//!   or from Oozie's `show=definition` when the file is gone) are never
//!   removed. If any active job cannot be read, gc stops and removes
//!   nothing.
//! - **Runs** (`runs/<submission id>/`): kept while younger than the runs
//!   age (its modification time: no job of it can have ended earlier).
//!   Older ones are looked up: the user's jobs created since a day before
//!   the oldest such run are listed, those created within a day of such a
//!   run are read, and each is matched by its `hjob.submission.id`
//!   property; a run still unmatched whose submission id is in a local job
//!   record (`~/.local/share/hjob/jobs/`) is looked up by that job id.
//!   A run whose job has not ended is kept;
//!   one whose latest job ended less than the runs age ago is kept; one
//!   whose job ended earlier, or that has no job at all (never submitted,
//!   or purged from Oozie), is removed.
//! - **Cache files** (`cache/<blake3>/<name>`): removed when unused for the
//!   cache age: the later of HDFS `accessTime` and `modificationTime`
//!   (just the latter when the NameNode keeps no access times, i.e. 0).
//!   A cache directory left empty is removed too.
//! - **Partial uploads** (`cache/.<name>.hjob-upload.…` for new files,
//!   `cache/<blake3>/.<name>.hjob-upload.…` for known ones): removed
//!   when [`staging::is_abandoned`] says so (the same rule staging uses:
//!   the writer was on this host and its process is gone, or the file is
//!   older than a day).

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::oozie::{OozieClient, WorkflowJob, parse_date};
use crate::staging::{self, hdfs_path};
use crate::submit::{SUBMISSION_ID_PROPERTY, filter_time};
use crate::webhdfs::{FileStatus, WebHdfsClient};

/// One day.
pub const DAY: Duration = Duration::from_secs(24 * 3600);

/// How far a run's job may have been created from the run directory's
/// modification time: the directory is written just before the submit,
/// and this leaves room for clock skew and for a submit that rode out an
/// Oozie outage. Only jobs created that close to an old run are read in
/// full, so a user with many jobs costs few reads.
const LOOKUP_SLACK: Duration = Duration::from_secs(24 * 3600);

/// Workflow files larger than this are not read.
const WORKFLOW_LIMIT: u64 = 16 * 1024 * 1024;

/// Oozie list page size.
const PAGE: u32 = 100;

/// What gc is asked to do.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Job ids this machine submitted, by submission id (the local job
    /// records of this cluster and user): a run whose job the list does
    /// not place is looked up by id.
    pub recorded: BTreeMap<String, String>,
    /// Runs whose job ended longer ago than this go.
    pub runs_age: Duration,
    /// Cache files unused for longer than this go.
    pub cache_age: Duration,
    /// The time ages are measured against.
    pub now: SystemTime,
}

/// What an entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A `runs/<submission id>` directory.
    Run,
    /// A `cache/<blake3>/<name>` file.
    Cache,
    /// A temporary upload in a cache directory.
    Upload,
}

impl Kind {
    /// The word used in human output.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Run => "run",
            Kind::Cache => "cache",
            Kind::Upload => "upload",
        }
    }
}

/// One entry and the reason for what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub path: String,
    pub kind: Kind,
    pub reason: String,
    /// The file's length (runs: not counted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

/// What gc decided.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Entries to remove, runs first, each group by path.
    pub remove: Vec<Entry>,
    /// Entries kept, with why.
    pub keep: Vec<Entry>,
    /// Cache directories that are empty once `remove` is done.
    pub empty_dirs: Vec<String>,
    /// A cache file last used after this (ms since the epoch) is not
    /// removed: [`apply`] checks again just before removing each one.
    pub cache_cutoff_ms: u64,
}

/// What [`apply`] did not remove.
#[derive(Debug, Default)]
pub struct Applied {
    /// Entries whose removal failed.
    pub failures: Vec<Failure>,
    /// Cache files used between the plan and their removal (a run chose
    /// them from the cache meanwhile), kept.
    pub spared: Vec<Entry>,
}

/// An entry that could not be removed.
#[derive(Debug)]
pub struct Failure {
    pub entry: Entry,
    pub error: anyhow::Error,
}

/// `3d`, `5h`, `12m`: an age for reasons.
fn age_text(age_ms: u64) -> String {
    let secs = age_ms / 1000;
    if secs >= 86_400 {
        format!("{}d", secs / 86_400)
    } else if secs >= 3600 {
        format!("{}h", secs / 3600)
    } else if secs >= 60 {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

fn days_text(age: Duration) -> String {
    let days = age.as_secs() / 86_400;
    if days * 86_400 == age.as_secs() {
        format!("{days}d")
    } else {
        humantime::format_duration(age).to_string()
    }
}

/// The user's staging root.
pub fn root(user: &str) -> String {
    format!("/user/{user}/.hjob")
}

/// What the user's active jobs use.
#[derive(Debug, Default)]
struct InUse {
    /// App directory (or workflow file) path → job id.
    app_paths: BTreeMap<String, String>,
    /// Submission id → job id.
    submissions: BTreeMap<String, String>,
    /// Cache directory path → job id.
    cache_dirs: BTreeMap<String, String>,
}

/// The cache directories a workflow refers to: every
/// `<root>/cache/<blake3>` in its text.
pub fn cache_dirs_in(workflow: &str, root: &str) -> BTreeSet<String> {
    let prefix = format!("{root}/cache/");
    let mut found = BTreeSet::new();
    let mut rest = workflow;
    while let Some(at) = rest.find(&prefix) {
        let after = &rest[at + prefix.len()..];
        let hash: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            .collect();
        if !hash.is_empty() {
            found.insert(format!("{prefix}{hash}"));
        }
        rest = after;
    }
    found
}

/// What the user's PREP, RUNNING and SUSPENDED jobs use.
async fn in_use(
    webhdfs: &WebHdfsClient,
    oozie: &OozieClient,
    user: &str,
    root: &str,
) -> anyhow::Result<InUse> {
    let filter = [
        ("user", user),
        ("status", "PREP"),
        ("status", "RUNNING"),
        ("status", "SUSPENDED"),
    ];
    let listed = oozie.jobs_pages(&filter, PAGE).all().await?;
    let active = oozie.details(listed, |_| true).await?;
    let mut used = InUse::default();
    for job in active {
        if let Some(id) = job.conf_property(SUBMISSION_ID_PROPERTY) {
            used.submissions.insert(id, job.id.clone());
        }
        let mut workflow = None;
        if let Some(app_path) = job.app_path.as_deref() {
            let app = hdfs_path(app_path).trim_end_matches('/').to_owned();
            let file = if app.ends_with(".xml") {
                app.clone()
            } else {
                format!("{app}/workflow.xml")
            };
            // Any failure here is asked of Oozie instead, below.
            workflow = match webhdfs.read_small(&file, WORKFLOW_LIMIT).await {
                Ok(found) => found,
                Err(error) => {
                    tracing::debug!("reading {file}: {error:#}; asking Oozie for the definition");
                    None
                }
            };
            used.app_paths.insert(app, job.id.clone());
        }
        let workflow = match workflow {
            Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            None => oozie.definition(&job.id).await?,
        };
        for dir in cache_dirs_in(&workflow, root) {
            used.cache_dirs.entry(dir).or_insert_with(|| job.id.clone());
        }
    }
    Ok(used)
}

/// Whether a listed job was created within [`LOOKUP_SLACK`] of a run
/// staged at one of `staged` (ms); true when its creation time is unknown.
fn created_near(job: &WorkflowJob, staged: &[u64]) -> bool {
    let Some(created) = job.created_time.as_deref().and_then(parse_date) else {
        return true;
    };
    let created = crate::timefmt::epoch_ms(created);
    let slack = u64::try_from(LOOKUP_SLACK.as_millis()).unwrap_or(u64::MAX);
    staged
        .iter()
        .any(|&t| created.saturating_add(slack) >= t && created <= t.saturating_add(slack))
}

/// When a job ended (its end time, else its last change).
fn ended(job: &WorkflowJob) -> Option<SystemTime> {
    job.end_time
        .as_deref()
        .or(job.last_mod_time.as_deref())
        .and_then(parse_date)
}

/// Decides what to remove. Reads only; see the module docs for the rules.
pub async fn plan(
    webhdfs: &WebHdfsClient,
    oozie: &OozieClient,
    user: &str,
    policy: &Policy,
) -> anyhow::Result<Plan> {
    let root = root(user);
    let now_ms = crate::timefmt::epoch_ms(policy.now);
    let runs_age_ms = u64::try_from(policy.runs_age.as_millis()).unwrap_or(u64::MAX);
    let cache_age_ms = u64::try_from(policy.cache_age.as_millis()).unwrap_or(u64::MAX);
    let runs_dir = format!("{root}/runs");
    let cache_dir = format!("{root}/cache");
    let runs = webhdfs.list(&runs_dir).await?.unwrap_or_default();
    let caches = webhdfs.list(&cache_dir).await?.unwrap_or_default();
    let used = in_use(webhdfs, oozie, user, &root).await?;
    let mut plan = Plan {
        cache_cutoff_ms: now_ms.saturating_sub(cache_age_ms),
        ..Plan::default()
    };

    // Runs.
    let mut candidates: Vec<&FileStatus> = Vec::new();
    for run in runs.iter().filter(|r| r.kind == "DIRECTORY") {
        let path = format!("{runs_dir}/{}", run.path_suffix);
        let active = used
            .app_paths
            .get(&path)
            .or_else(|| used.submissions.get(&run.path_suffix));
        let age = now_ms.saturating_sub(run.modification_time);
        if let Some(id) = active {
            plan.keep.push(Entry {
                path,
                kind: Kind::Run,
                reason: format!("job {id} has not ended"),
                bytes: None,
            });
        } else if age <= runs_age_ms {
            plan.keep.push(Entry {
                path,
                kind: Kind::Run,
                reason: format!("staged {} ago", age_text(age)),
                bytes: None,
            });
        } else {
            candidates.push(run);
        }
    }
    if !candidates.is_empty() {
        let oldest = candidates
            .iter()
            .map(|r| r.modification_time)
            .min()
            .unwrap_or(0);
        let since = (UNIX_EPOCH + Duration::from_millis(oldest))
            .checked_sub(LOOKUP_SLACK)
            .unwrap_or(UNIX_EPOCH);
        let since = filter_time(since);
        let filter = [("user", user), ("startcreatedtime", since.as_str())];
        let staged: Vec<u64> = candidates.iter().map(|r| r.modification_time).collect();
        let listed = oozie.jobs_pages(&filter, PAGE).all().await?;
        let near: Vec<WorkflowJob> = listed
            .into_iter()
            .filter(|job| created_near(job, &staged))
            .collect();
        let jobs = oozie.details(near, |_| true).await?;
        let mut by_submission: BTreeMap<String, Vec<WorkflowJob>> = BTreeMap::new();
        for job in jobs {
            if let Some(id) = job.conf_property(SUBMISSION_ID_PROPERTY) {
                by_submission.entry(id).or_default().push(job);
            }
        }
        for run in &candidates {
            if by_submission.contains_key(&run.path_suffix) {
                continue;
            }
            let Some(id) = policy.recorded.get(&run.path_suffix) else {
                continue;
            };
            match oozie.info(id).await {
                Ok(job)
                    if job.conf_property(SUBMISSION_ID_PROPERTY).as_deref()
                        == Some(run.path_suffix.as_str()) =>
                {
                    by_submission.insert(run.path_suffix.clone(), vec![job]);
                }
                Ok(_) => {}
                // Purged from Oozie: no job.
                Err(error) if crate::oozie::is_unknown_job(&error) => {}
                Err(error) => return Err(error),
            }
        }
        for run in candidates {
            let path = format!("{runs_dir}/{}", run.path_suffix);
            let jobs = by_submission
                .get(&run.path_suffix)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let (kind, bytes) = (Kind::Run, None);
            if let Some(job) = jobs.iter().find(|j| !j.status().is_terminal()) {
                plan.keep.push(Entry {
                    path,
                    kind,
                    reason: format!("job {} has not ended", job.id),
                    bytes,
                });
                continue;
            }
            let latest = jobs.iter().max_by_key(|j| ended(j));
            match latest {
                None => plan.remove.push(Entry {
                    path,
                    kind,
                    reason: format!(
                        "no job of it in Oozie, staged {} ago",
                        age_text(now_ms.saturating_sub(run.modification_time))
                    ),
                    bytes,
                }),
                Some(job) => {
                    let status = crate::report::ending(job).status;
                    match ended(job) {
                        Some(end)
                            if now_ms.saturating_sub(crate::timefmt::epoch_ms(end))
                                > runs_age_ms =>
                        {
                            plan.remove.push(Entry {
                                path,
                                kind,
                                reason: format!(
                                    "job {} ended {status} {} ago",
                                    job.id,
                                    age_text(now_ms.saturating_sub(crate::timefmt::epoch_ms(end)))
                                ),
                                bytes,
                            });
                        }
                        Some(end) => plan.keep.push(Entry {
                            path,
                            kind,
                            reason: format!(
                                "job {} ended {status} {} ago (under {})",
                                job.id,
                                age_text(now_ms.saturating_sub(crate::timefmt::epoch_ms(end))),
                                days_text(policy.runs_age)
                            ),
                            bytes,
                        }),
                        None => plan.keep.push(Entry {
                            path,
                            kind,
                            reason: format!("job {} has no end time", job.id),
                            bytes,
                        }),
                    }
                }
            }
        }
    }

    // Partial uploads of new files, in `cache/` itself (written there
    // before their hash is known).
    for file in caches
        .iter()
        .filter(|f| f.kind == "FILE" && staging::is_upload_name(&f.path_suffix))
    {
        let path = format!("{cache_dir}/{}", file.path_suffix);
        plan.push(upload_entry(path, file, now_ms));
    }

    // Cache files and partial uploads.
    for dir in caches.iter().filter(|d| d.kind == "DIRECTORY") {
        let dir_path = format!("{cache_dir}/{}", dir.path_suffix);
        let entries = webhdfs.list(&dir_path).await?.unwrap_or_default();
        let mut kept_any = false;
        for file in &entries {
            let path = format!("{dir_path}/{}", file.path_suffix);
            if file.kind != "FILE" {
                kept_any = true;
                continue;
            }
            let (keep, entry) = if staging::is_upload_name(&file.path_suffix) {
                upload_entry(path, file, now_ms)
            } else {
                let (keep, reason) = if let Some(id) = used.cache_dirs.get(&dir_path) {
                    (true, format!("used by job {id}"))
                } else {
                    let unused = now_ms.saturating_sub(file.last_used_ms());
                    if unused > cache_age_ms {
                        (false, format!("unused for {}", age_text(unused)))
                    } else {
                        (
                            true,
                            format!(
                                "used {} ago (under {})",
                                age_text(unused),
                                days_text(policy.cache_age)
                            ),
                        )
                    }
                };
                let entry = Entry {
                    path,
                    kind: Kind::Cache,
                    reason,
                    bytes: Some(file.length),
                };
                (keep, entry)
            };
            kept_any |= keep;
            plan.push((keep, entry));
        }
        let empty_and_old =
            entries.is_empty() && now_ms.saturating_sub(dir.modification_time) > STALE_EMPTY_DIR_MS;
        if !kept_any && (!entries.is_empty() || empty_and_old) {
            plan.empty_dirs.push(dir_path);
        }
    }
    Ok(plan)
}

/// A partial upload at `path`: kept while in progress (true), removed
/// once [`staging::is_abandoned`] says so.
fn upload_entry(path: String, file: &FileStatus, now_ms: u64) -> (bool, Entry) {
    let (keep, reason) = if staging::is_abandoned(file, now_ms) {
        (
            false,
            "abandoned upload (its writer is gone, or it is over a day old)",
        )
    } else {
        (true, "upload in progress")
    };
    let entry = Entry {
        path,
        kind: Kind::Upload,
        reason: reason.to_owned(),
        bytes: Some(file.length),
    };
    (keep, entry)
}

impl Plan {
    /// Files an entry as kept (true) or to remove.
    fn push(&mut self, (keep, entry): (bool, Entry)) {
        if keep {
            self.keep.push(entry);
        } else {
            self.remove.push(entry);
        }
    }
}

/// An empty cache directory (left by an upload that failed before its
/// file existed) is removed once it is this old, as partial uploads are.
const STALE_EMPTY_DIR_MS: u64 = staging::STALE_UPLOAD_AGE.as_millis() as u64;

/// Removes what the plan says, in order. A run directory goes
/// recursively; a cache file only if it is still unused (staging marks a
/// file it takes from the cache as used, so a run that chose it meanwhile
/// keeps it); then each cache directory left empty goes, non-recursively,
/// so a file uploaded meanwhile stays.
pub async fn apply(webhdfs: &WebHdfsClient, plan: &Plan) -> Applied {
    let mut applied = Applied::default();
    let mut spared_dirs = BTreeSet::new();
    for entry in &plan.remove {
        if entry.kind == Kind::Cache {
            match webhdfs.status(&entry.path).await {
                Ok(Some(status)) if status.last_used_ms() > plan.cache_cutoff_ms => {
                    if let Some((dir, _)) = entry.path.rsplit_once('/') {
                        spared_dirs.insert(dir.to_owned());
                    }
                    let mut spared = entry.clone();
                    spared.reason = "used while gc ran".into();
                    applied.spared.push(spared);
                    continue;
                }
                Ok(_) => {}
                Err(error) => {
                    applied.failures.push(Failure {
                        entry: entry.clone(),
                        error,
                    });
                    continue;
                }
            }
        }
        if let Err(error) = webhdfs.delete(&entry.path, entry.kind == Kind::Run).await {
            applied.failures.push(Failure {
                entry: entry.clone(),
                error,
            });
        }
    }
    for dir in plan.empty_dirs.iter().filter(|d| !spared_dirs.contains(*d)) {
        if let Err(error) = webhdfs.delete(dir, false).await {
            tracing::debug!("leaving the cache directory {dir}: {error:#}");
        }
    }
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_references_are_found_in_any_form() {
        let root = "/user/alice/.hjob";
        let workflow = r#"<workflow-app name="x">
            <file>hdfs://nn:8020/user/alice/.hjob/cache/ab12/job.jar#job.jar</file>
            <file>${nameNode}/user/alice/.hjob/cache/cd34/a&amp;b.sh</file>
            <archive>/user/alice/.hjob/cache/ef56/env.tgz#env</archive>
            <file>/user/bob/.hjob/cache/ff00/x</file>
        </workflow-app>"#;
        let dirs: Vec<String> = cache_dirs_in(workflow, root).into_iter().collect();
        assert_eq!(
            dirs,
            [
                "/user/alice/.hjob/cache/ab12",
                "/user/alice/.hjob/cache/cd34",
                "/user/alice/.hjob/cache/ef56"
            ]
        );
    }

    #[test]
    fn only_jobs_created_near_an_old_run_are_read() {
        let job = |created: &str| WorkflowJob {
            created_time: Some(created.into()),
            ..Default::default()
        };
        let staged = [1_795_343_701_000];
        let at = |t: u64| httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(t));
        assert!(created_near(&job(&at(staged[0] + 60_000)), &staged));
        assert!(created_near(&job(&at(staged[0] - 3_600_000)), &staged));
        assert!(!created_near(
            &job(&at(staged[0] + 2 * 86_400_000)),
            &staged
        ));
        assert!(!created_near(
            &job(&at(staged[0] - 2 * 86_400_000)),
            &staged
        ));
        assert!(created_near(&job("not a date"), &staged));
    }

    #[test]
    fn ages_read_as_days_hours_or_minutes() {
        assert_eq!(age_text(9 * 86_400_000 + 5), "9d");
        assert_eq!(age_text(3 * 3_600_000), "3h");
        assert_eq!(age_text(120_000), "2m");
        assert_eq!(age_text(1_500), "1s");
        assert_eq!(days_text(7 * DAY), "7d");
    }
}
