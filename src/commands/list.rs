//! `hjob list`: recent jobs (mine by default), newest first.

use serde_json::json;

use super::Context;
use crate::cli::ListArgs;
use crate::error::{ExitStatus, HjobError};
use crate::oozie::{OozieClient, parse_date};
use crate::report::{JobPlace, duration, ending, job_json};
use crate::state::{StateClient, resolve_cluster};
use crate::timefmt::{rfc3339, short_duration};

/// Lists jobs on the active cluster (or `--cluster`).
pub async fn list(ctx: &Context<'_>, args: ListArgs) -> anyhow::Result<ExitStatus> {
    let state = StateClient::new(&ctx.settings)?.fetch().await?.document;
    let name = args
        .cluster
        .clone()
        .unwrap_or_else(|| state.active_cluster.clone());
    let Some(cluster) = state.clusters.get(&name) else {
        return Err(HjobError::usage(format!("no cluster named {name:?}")).into());
    };
    let cluster = resolve_cluster(&name, cluster, &ctx.settings).cluster;
    let user = ctx.settings.user.value.clone();
    let oozie = OozieClient::new(&cluster.oozie_url, &user, &ctx.settings.http)?;
    let statuses: Vec<String> = args.status.iter().map(|s| s.to_ascii_uppercase()).collect();
    let mut filter: Vec<(&str, &str)> = Vec::new();
    if !args.all_users {
        filter.push(("user", &user));
    }
    for s in &statuses {
        filter.push(("status", s));
    }
    let jobs = oozie.list(&filter, 1, args.limit.max(1)).await?;
    if ctx.ui.is_json() {
        let items: Vec<_> = jobs
            .workflows
            .iter()
            .map(|job| {
                let place = JobPlace {
                    cluster: &name,
                    oozie_url: oozie.job_url(&job.id),
                };
                job_json(job, &place, &ending(job))
            })
            .collect();
        ctx.ui
            .json(&json!({ "cluster": name, "total": jobs.total, "jobs": items }));
        return Ok(ExitStatus::Success);
    }
    let rows: Vec<[String; 5]> = jobs
        .workflows
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
