//! Finding the cluster a job runs on: `--cluster`, else the record made at
//! submit time, else every cluster in the state document is asked.

use super::Context;
use crate::error::HjobError;
use crate::job_records;
use crate::oozie::{OozieClient, WorkflowJob, is_unknown_job};
use crate::state::{Cluster, StateClient, resolve_cluster};

/// A job's cluster and a client for its Oozie.
pub struct Located {
    pub cluster: String,
    pub oozie: OozieClient,
    pub yarn_url: Option<String>,
    /// The job as read while locating it, when it was read.
    pub job: Option<WorkflowJob>,
}

fn client_for(
    ctx: &Context<'_>,
    name: &str,
    cluster: &Cluster,
) -> anyhow::Result<(OozieClient, Option<String>)> {
    let resolved = resolve_cluster(name, cluster, &ctx.settings);
    Ok((
        OozieClient::new(
            &resolved.cluster.oozie_url,
            &ctx.settings.user.value,
            &ctx.settings.http,
        )?,
        resolved.cluster.yarn_url,
    ))
}

/// Finds where job `id` lives.
pub async fn locate(ctx: &Context<'_>, id: &str, cluster: Option<&str>) -> anyhow::Result<Located> {
    if id.trim().is_empty() || id.contains('/') || id.contains('?') {
        return Err(HjobError::usage_hint(
            format!("{id:?} is not an Oozie job id"),
            "job ids look like 0000012-251122101500000-oozie-oozi-W (see `hjob list`)",
        )
        .into());
    }
    let state = StateClient::new(&ctx.settings)?.fetch().await?.document;
    if cluster.is_some() {
        let (name, entry) = state.cluster_named(cluster)?;
        let (oozie, yarn_url) = client_for(ctx, name, entry)?;
        let job = match oozie.info(id).await {
            Ok(job) => job,
            Err(e) if is_unknown_job(&e) => {
                return Err(HjobError::usage_hint(
                    format!("cluster {name} has no job {id}"),
                    "check the id with `hjob list`, or leave out --cluster to ask every cluster",
                )
                .into());
            }
            Err(e) => return Err(e),
        };
        return Ok(Located {
            cluster: name.to_owned(),
            oozie,
            yarn_url,
            job: Some(job),
        });
    }
    if let Some(record) = job_records::load(ctx.settings.data_dir.as_deref(), id) {
        let (oozie, yarn_url) = match state.clusters.get(&record.cluster) {
            Some(entry) => client_for(ctx, &record.cluster, entry)?,
            None => (
                OozieClient::new(
                    &record.oozie_url,
                    &ctx.settings.user.value,
                    &ctx.settings.http,
                )?,
                record.yarn_url.clone(),
            ),
        };
        return Ok(Located {
            cluster: record.cluster,
            oozie,
            yarn_url,
            job: None,
        });
    }
    // Ask every cluster, the active one first.
    let mut names: Vec<&String> = state.clusters.keys().collect();
    names.sort_by_key(|n| **n != state.active_cluster);
    let mut last_error = None;
    for name in names {
        let (oozie, yarn_url) = client_for(ctx, name, &state.clusters[name])?;
        match oozie.info(id).await {
            Ok(job) => {
                return Ok(Located {
                    cluster: name.clone(),
                    oozie,
                    yarn_url,
                    job: Some(job),
                });
            }
            Err(e) if is_unknown_job(&e) => {}
            Err(e) => last_error = Some(e),
        }
    }
    match last_error {
        Some(e) => Err(e.context(format!("job {id} was not found on any reachable cluster"))),
        None => Err(HjobError::usage_hint(
            format!("no cluster knows job {id}"),
            "check the id with `hjob list`, or pass --cluster",
        )
        .into()),
    }
}
