//! The submit half of `hjob run`: stage on HDFS, submit exactly once,
//! remember the job, then detach or wait.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::Context;
use super::wait::{AttachOptions, attach};
use crate::error::{ExitStatus, HjobError};
use crate::hash_cache::HashCache;
use crate::interrupt::Interrupts;
use crate::job::{PreparedJob, Upload, cache_path};
use crate::job_records::{self, JobRecord};
use crate::oozie::OozieClient;
use crate::staging::{
    HashListener, InProgress, UploadRetry, hdfs_path, stage_files, stage_workflow,
};
use crate::state::{ResolvedCluster, StateClient};
use crate::submit::{SubmitRequest, submit_once};
use crate::timefmt::rfc3339;
use crate::webhdfs::WebHdfsClient;

/// Everything the submit path needs, already rendered.
#[derive(Debug, Clone)]
pub struct Launch {
    pub cluster: ResolvedCluster,
    /// The rendered job: its name, submission id, app path, properties and
    /// files to ship, and its workflow (rendered again once staging knows
    /// the hashes of new files).
    pub prepared: PreparedJob,
    pub detach: bool,
    pub timeout: Option<Duration>,
    pub kill_on_interrupt: bool,
    /// Stream the job's output while waiting.
    pub follow: bool,
}

/// Where the job was submitted from, for the job's configuration.
pub fn provenance() -> BTreeMap<String, String> {
    let mut props = BTreeMap::new();
    props.insert("hjob.version".into(), env!("CARGO_PKG_VERSION").into());
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::fs::read_to_string("/etc/hostname"))
        .map(|h| h.trim().to_owned())
        .unwrap_or_default();
    if !host.is_empty() {
        props.insert("hjob.client.host".into(), host);
    }
    if let Some(commit) = crate::git_head::current() {
        props.insert("hjob.client.git_commit".into(), commit);
    }
    props
}

/// Ends a run interrupted before its submit POST: removes the app dir and
/// says that nothing was submitted.
async fn interrupted_before_submit(
    ctx: &Context<'_>,
    webhdfs: &WebHdfsClient,
    app_dir: &str,
) -> anyhow::Result<ExitStatus> {
    ctx.ui
        .warn("interrupted while staging: removing partial files; nothing was submitted");
    let _ = webhdfs.delete(app_dir, true).await;
    if ctx.ui.is_json() {
        let status = ExitStatus::Interrupted;
        ctx.ui.json(&json!({"error": {
            "message": "interrupted while staging; nothing was submitted",
            "hint": "the partial files were removed; run the command again to submit",
            "exit_code": status.code(),
        }}));
    }
    Ok(ExitStatus::Interrupted)
}

/// Stages, submits, and then detaches or waits.
pub async fn launch(ctx: &Context<'_>, launch: Launch) -> anyhow::Result<ExitStatus> {
    let user = ctx.settings.user.value.clone();
    let cluster = &launch.cluster.cluster;
    let webhdfs = WebHdfsClient::new(
        &cluster.webhdfs_url,
        &user,
        &ctx.settings.http,
        ctx.settings.host_rewrites.clone(),
    )?;
    let oozie = OozieClient::new(&cluster.oozie_url, &user, &ctx.settings.http)?;
    let app_dir = hdfs_path(&launch.prepared.app_path);

    // Where the job comes from (file reads, and `git rev-parse` when they
    // cannot tell): while staging runs.
    let provenance = tokio::task::spawn_blocking(provenance);
    let interrupts = Interrupts::install();
    let in_progress = InProgress::default();
    ctx.ui.status(&format!(
        "staging {} file(s) and the workflow on {} ({})",
        launch.prepared.files.len(),
        launch.cluster.name,
        app_dir
    ));
    let retry = UploadRetry::from_settings(&ctx.settings.http);
    // The workflow is written as soon as every file's cache path is known,
    // while the files are staged: at once when their hashes are known, or
    // when the last new file's hash is (before its upload ends, as a
    // rule). A real NameNode can take 0.4 s to close even a small file:
    // its client waits that long when the block's report has not reached
    // it yet. Should a file's path turn out otherwise (it changed while it
    // was read), the workflow is written again before the submit.
    let (hashes_told, mut hashes) = tokio::sync::watch::channel(
        launch
            .prepared
            .files
            .iter()
            .map(|f| f.blake3.clone())
            .collect::<Vec<_>>(),
    );
    let listener: HashListener = Arc::new(move |index, hash| {
        hashes_told.send_modify(|hashes| hashes[index] = Some(hash.to_owned()));
    });
    let workflow_in_progress = InProgress::default();
    let stage = async {
        let files = stage_files(
            &webhdfs,
            &user,
            &launch.prepared.files,
            ctx.ui,
            &in_progress,
            retry,
            listener,
        );
        let workflow = async {
            // Staging drops the listener when it returns: then a hash
            // never told (none should be) leaves the workflow to the end.
            let Ok(known) = hashes.wait_for(|h| h.iter().all(Option::is_some)).await else {
                return anyhow::Ok(None);
            };
            let uploads: Vec<Upload> = launch
                .prepared
                .files
                .iter()
                .zip(known.iter().flatten())
                .map(|(file, blake3)| Upload {
                    local: file.local.clone(),
                    hdfs: cache_path(&user, blake3, &file.name),
                    bytes: file.bytes,
                    blake3: blake3.clone(),
                })
                .collect();
            drop(known);
            let workflow_xml = if uploads == launch.prepared.uploads {
                launch.prepared.workflow_xml.clone()
            } else {
                launch.prepared.workflow_for(&uploads)?
            };
            stage_workflow(
                &webhdfs,
                &app_dir,
                &workflow_xml,
                &workflow_in_progress,
                retry,
            )
            .await?;
            Ok(Some(uploads))
        };
        // A workflow that cannot be written stops the uploads at once (an
        // upload cut short is an abandoned upload, removed as those are).
        // Failed uploads let the workflow's write end instead of cutting
        // it off half-way: then it is known whether it was written, and
        // nothing is left in a run directory no job will use.
        tokio::pin!(files, workflow);
        let mut written = None;
        let staged = loop {
            tokio::select! {
                staged = &mut files => break staged,
                result = &mut workflow, if written.is_none() => written = Some(result?),
            }
        };
        // Staging has returned, dropping the listener: the workflow ends.
        let written = match written {
            Some(written) => Ok(written),
            None => workflow.await,
        };
        let (staged, written) = match (staged, written) {
            (Ok(staged), Ok(written)) => (staged, written),
            (Err(e), written) => {
                if let Ok(Some(_)) = written {
                    let _ = webhdfs.delete(&app_dir, true).await;
                }
                return Err(e);
            }
            (Ok(_), Err(e)) => return Err(e),
        };
        if !staged.hashed.is_empty() {
            let mut hashes = HashCache::load(ctx.settings.data_dir.as_deref());
            for (path, metadata, blake3) in &staged.hashed {
                hashes.insert(path, metadata, blake3);
            }
            hashes.save();
        }
        if written.as_ref() != Some(&staged.staged) {
            let workflow_xml = launch.prepared.workflow_for(&staged.staged)?;
            stage_workflow(&webhdfs, &app_dir, &workflow_xml, &in_progress, retry).await?;
        }
        anyhow::Ok(staged)
    };
    let staged = tokio::select! {
        result = stage => result?,
        () = interrupts.wait() => {
            for partial in [in_progress.current(), workflow_in_progress.current()].into_iter().flatten() {
                let _ = webhdfs.delete(&partial, false).await;
            }
            return interrupted_before_submit(ctx, &webhdfs, &app_dir).await;
        }
    };
    tracing::info!(
        "staged: {} bytes uploaded, {} cached file(s)",
        staged.uploaded_bytes,
        staged.cached.len()
    );

    // Staging can take minutes: ask again right before submitting, so a
    // kill switch thrown meanwhile still holds.
    let state = StateClient::new(&ctx.settings)?.fetch().await?.document;
    if !state.submission.enabled {
        return Err(HjobError::Disabled {
            message: state.submission.message.clone(),
            until: state.submission.until.clone(),
        }
        .into());
    }
    if state.active_cluster != launch.cluster.name {
        ctx.ui.warn(&format!(
            "the active cluster changed to {} while staging; this job still goes to {}, where it was staged",
            state.active_cluster, launch.cluster.name
        ));
    }

    let mut properties = launch.prepared.properties.clone();
    properties.extend(provenance.await.unwrap_or_default());
    properties.insert(
        "hjob.client.user".into(),
        ctx.env.get("USER").unwrap_or(&user).to_owned(),
    );
    let request = SubmitRequest {
        properties: &properties,
        user: &user,
        app_name: &launch.prepared.app_name,
        submission_id: &launch.prepared.submission_id,
        tries: ctx.settings.http.retries,
        outage_limit: ctx.settings.http.submit_outage_limit,
        backoff: ctx.settings.http.backoff_initial,
        backoff_max: ctx.settings.http.backoff_max,
    };
    // A Ctrl-C that came after staging but before the POST: nothing exists
    // on Oozie yet, so stop here as during staging.
    if interrupts.happened() {
        return interrupted_before_submit(ctx, &webhdfs, &app_dir).await;
    }
    // A Ctrl-C during the POST cannot stop it half-way: say so at once
    // (with what identifies the submission, should a second Ctrl-C follow),
    // finish it, and let `attach` report the job's id with the hints.
    let submit = submit_once(&oozie, &request, ctx.ui);
    tokio::pin!(submit);
    let submitted = tokio::select! {
        biased;
        result = &mut submit => result?,
        () = interrupts.wait() => {
            ctx.ui.warn(&format!(
                "interrupted while submitting: waiting for Oozie's answer so the job's id is known \
                 (Ctrl-C again to exit now; then find the job, app name {}, with `hjob list`)",
                launch.prepared.app_name
            ));
            submit.await?
        }
    };
    let id = submitted.id;
    let attach_options = AttachOptions {
        timeout: launch.timeout,
        kill_on_interrupt: launch.kill_on_interrupt,
        yarn: super::wait::yarn_for(ctx, cluster.yarn_url.as_deref())?,
        follow: launch.follow,
    };
    job_records::save(
        ctx.settings.data_dir.as_deref(),
        &JobRecord {
            id: id.clone(),
            cluster: launch.cluster.name.clone(),
            oozie_url: cluster.oozie_url.clone(),
            yarn_url: cluster.yarn_url.clone(),
            app_name: launch.prepared.app_name.clone(),
            submission_id: launch.prepared.submission_id.clone(),
            submitted_at: rfc3339(std::time::SystemTime::now()),
            user: user.clone(),
        },
    );
    if launch.detach {
        if ctx.ui.is_json() {
            ctx.ui.json(&json!({
                "id": id,
                "name": launch.prepared.app_name,
                "status": "SUBMITTED",
                "cluster": launch.cluster.name,
                "user": user,
                "submission_id": launch.prepared.submission_id,
                "oozie_url": oozie.job_url(&id),
                "uploaded_bytes": staged.uploaded_bytes,
                "adopted": submitted.adopted,
                "exit_code": 0,
            }));
        } else {
            ctx.ui.result(&format!("{id}\n"));
            ctx.ui.status(&format!(
                "submitted {} to {}; follow it with `hjob wait {id}`",
                launch.prepared.app_name, launch.cluster.name
            ));
        }
        return Ok(ExitStatus::Success);
    }
    ctx.ui.status(&format!(
        "submitted {id} ({}) to {}",
        launch.prepared.app_name, launch.cluster.name
    ));
    // A Ctrl-C during the submit POST lands here: the job exists, so
    // `attach` sees the interrupt at once and prints its id and the hints.
    attach(
        ctx,
        &oozie,
        &launch.cluster.name,
        &id,
        &attach_options,
        &interrupts,
    )
    .await
}
