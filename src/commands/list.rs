//! `hjob list`: recent jobs (mine by default), newest first.

use serde_json::json;

use super::Context;
use crate::cli::ListArgs;
use crate::error::ExitStatus;
use crate::oozie::{JobStatus, OozieClient, WorkflowJob, parse_date};
use crate::report::{JobPlace, duration, ending, job_json};
use crate::state::{StateClient, resolve_cluster};
use crate::timefmt::{rfc3339, short_duration};

/// Lists jobs on the active cluster (or `--cluster`).
pub async fn list(ctx: &Context<'_>, args: ListArgs) -> anyhow::Result<ExitStatus> {
    let state = StateClient::new(&ctx.settings)?.fetch().await?.document;
    let (name, cluster) = state.cluster_named(args.cluster.as_deref())?;
    let cluster = resolve_cluster(name, cluster, &ctx.settings).cluster;
    let user = ctx.settings.user.value.clone();
    let oozie = OozieClient::new(&cluster.oozie_url, &user, &ctx.settings.http)?;
    let wanted: Vec<String> = args.status.iter().map(|s| s.to_ascii_uppercase()).collect();
    let limit = args.limit.max(1);
    let (jobs, total) = jobs_by_ending(
        &oozie,
        &user,
        args.all_users,
        args.name.as_deref(),
        &wanted,
        limit,
    )
    .await?;
    if ctx.ui.is_json() {
        let items: Vec<_> = jobs
            .iter()
            .map(|job| {
                let place = JobPlace {
                    cluster: name,
                    oozie_url: oozie.job_url(&job.id),
                };
                job_json(job, &place, &ending(job))
            })
            .collect();
        ctx.ui
            .json(&json!({ "cluster": name, "total": total, "jobs": items }));
        return Ok(ExitStatus::Success);
    }
    let rows: Vec<[String; 5]> = jobs
        .iter()
        .map(|job| {
            [
                job.id.clone(),
                job.app_name.clone().unwrap_or_default(),
                ending(job).status,
                job.start_time
                    .as_deref()
                    .or(job.created_time.as_deref())
                    .and_then(parse_date)
                    .map(rfc3339)
                    .unwrap_or_default(),
                duration(job).map(short_duration).unwrap_or_default(),
            ]
        })
        .collect();
    let header = ["ID", "NAME", "STATUS", "STARTED", "DURATION"].map(String::from);
    let mut out = String::new();
    if ctx.ui.stdout_is_tty() {
        let mut widths = header.clone().map(|h| h.len());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        for row in std::iter::once(&header).chain(&rows) {
            let line: Vec<String> = row
                .iter()
                .zip(widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            out.push_str(line.join("  ").trim_end());
            out.push('\n');
        }
        if rows.is_empty() {
            out.push_str("no jobs\n");
        }
    } else {
        for row in &rows {
            out.push_str(&row.join("\t"));
            out.push('\n');
        }
    }
    ctx.ui.result(&out);
    Ok(ExitStatus::Success)
}

/// The newest `limit` jobs whose reported ending ([`ending`], the one rule
/// `run`, `wait`, `status` and `kill` use) is one of `wanted` (all when
/// empty), of exactly `name` when given, with Oozie's match count when it
/// is exact.
///
/// Oozie's list leaves out the actions, so a KILLED item is read in full to
/// tell a failed action that reached the kill node (FAILED) from a real
/// kill. For that reason `--status FAILED` asks Oozie for FAILED and KILLED
/// jobs, `--status KILLED` for KILLED ones, and hjob filters on the ending,
/// paging on until it has `limit` jobs or Oozie has no more.
async fn jobs_by_ending(
    oozie: &OozieClient,
    user: &str,
    all_users: bool,
    name: Option<&str>,
    wanted: &[String],
    limit: u32,
) -> anyhow::Result<(Vec<WorkflowJob>, Option<u64>)> {
    let mut oozie_statuses: Vec<&str> = Vec::new();
    for status in wanted {
        let asked: &[&str] = match status.as_str() {
            "FAILED" => &["FAILED", "KILLED"],
            other => &[other][..],
        };
        for s in asked {
            if !oozie_statuses.contains(s) {
                oozie_statuses.push(s);
            }
        }
    }
    let mut filter: Vec<(&str, &str)> = Vec::new();
    if !all_users {
        filter.push(("user", user));
    }
    if let Some(name) = name {
        filter.push(("name", name));
    }
    for s in &oozie_statuses {
        filter.push(("status", s));
    }
    let mut pages = oozie.jobs_pages(&filter, limit);
    // Oozie's count is the answer only when no ending (nor a name Oozie's
    // filter cannot carry) is decided here.
    let exact = !wanted.iter().any(|s| s == "FAILED" || s == "KILLED") && pages.counted_by_oozie();
    let mut found = Vec::new();
    while let Some(page) = pages.next_page().await? {
        for job in oozie.details(page, needs_actions).await? {
            if wanted.is_empty() || wanted.contains(&ending(&job).status) {
                found.push(job);
            }
        }
        if exact || found.len() >= limit as usize {
            break;
        }
    }
    found.truncate(limit as usize);
    Ok((found, if exact { pages.total() } else { None }))
}

/// Whether a list item is read in full for its actions: its ending
/// depends on them when Oozie ended it KILLED.
fn needs_actions(job: &WorkflowJob) -> bool {
    job.status() == JobStatus::Killed && job.actions.is_empty()
}
