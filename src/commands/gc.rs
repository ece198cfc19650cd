//! `hjob gc`: removes what hjob staged and no longer needs (the rules are
//! in [`crate::gc`]); `--dry-run` lists the same entries and removes none.

use std::time::SystemTime;

use serde_json::json;

use super::Context;
use crate::cli::GcArgs;
use crate::error::ExitStatus;
use crate::gc::{self, DAY, Kind, Policy};
use crate::oozie::OozieClient;
use crate::state::{StateClient, resolve_cluster};
use crate::webhdfs::WebHdfsClient;

/// Cleans the user's staging area on the active cluster (or `--cluster`).
pub async fn gc(ctx: &Context<'_>, args: GcArgs) -> anyhow::Result<ExitStatus> {
    let state = StateClient::new(&ctx.settings)?.fetch().await?.document;
    let (name, cluster) = state.cluster_named(args.cluster.as_deref())?;
    let cluster = resolve_cluster(name, cluster, &ctx.settings).cluster;
    let user = ctx.settings.user.value.clone();
    let webhdfs = WebHdfsClient::new(
        &cluster.webhdfs_url,
        &user,
        &ctx.settings.http,
        ctx.settings.host_rewrites.clone(),
    )?;
    let oozie = OozieClient::new(&cluster.oozie_url, &user, &ctx.settings.http)?;
    let recorded = crate::job_records::all(ctx.settings.data_dir.as_deref())
        .into_iter()
        .filter(|r| r.cluster == name && r.user == user)
        .map(|r| (r.submission_id, r.id))
        .collect();
    let policy = Policy {
        recorded,
        runs_age: DAY * args.runs_days,
        cache_age: DAY * args.cache_days,
        now: SystemTime::now(),
    };
    let plan = gc::plan(&webhdfs, &oozie, &user, &policy).await?;
    let applied = if args.dry_run {
        gc::Applied::default()
    } else {
        gc::apply(&webhdfs, &plan).await
    };
    let failures = applied.failures;
    let not_removed: Vec<&str> = failures
        .iter()
        .map(|f| f.entry.path.as_str())
        .chain(applied.spared.iter().map(|e| e.path.as_str()))
        .collect();
    let removed: Vec<&gc::Entry> = plan
        .remove
        .iter()
        .filter(|e| !not_removed.contains(&e.path.as_str()))
        .collect();
    let mut kept = plan.keep.clone();
    kept.extend(applied.spared);
    let bytes: u64 = removed.iter().filter_map(|e| e.bytes).sum();
    let status = if failures.is_empty() {
        ExitStatus::Success
    } else {
        ExitStatus::Service
    };
    if ctx.ui.is_json() {
        let failed: Vec<_> = failures
            .iter()
            .map(|f| {
                json!({
                    "path": f.entry.path,
                    "kind": f.entry.kind,
                    "error": format!("{:#}", f.error),
                })
            })
            .collect();
        ctx.ui.json(&json!({
            "cluster": name,
            "root": gc::root(&user),
            "dry_run": args.dry_run,
            "runs_days": args.runs_days,
            "cache_days": args.cache_days,
            "removed": removed,
            "removed_bytes": bytes,
            "kept": kept,
            "failed": failed,
            "exit_code": status.code(),
        }));
        return Ok(status);
    }
    let verb = if args.dry_run {
        "would remove"
    } else {
        "removed"
    };
    let mut out = String::new();
    for entry in &removed {
        out.push_str(&format!(
            "{verb} {:<6} {}  ({})\n",
            entry.kind.as_str(),
            entry.path,
            entry.reason
        ));
    }
    ctx.ui.result(&out);
    for failure in &failures {
        ctx.ui.warn(&format!(
            "could not remove {}: {:#}",
            failure.entry.path, failure.error
        ));
    }
    let count = |kind: Kind| removed.iter().filter(|e| e.kind == kind).count();
    let protected = kept
        .iter()
        .filter(|e| e.reason.starts_with("used by job") || e.reason.ends_with("has not ended"))
        .count();
    ctx.ui.status(&format!(
        "{verb} {} run(s), {} cache file(s), {} partial upload(s) ({} bytes) under {} on {name}; kept {} ({} for jobs not ended){}",
        count(Kind::Run),
        count(Kind::Cache),
        count(Kind::Upload),
        bytes,
        gc::root(&user),
        kept.len(),
        protected,
        if args.dry_run {
            "; run without --dry-run to remove them"
        } else {
            ""
        }
    ));
    Ok(status)
}
