//! `hjob logs ID`: the Oozie job log, then each action's launcher
//! stdout/stderr from YARN when it is reachable. With `--follow`, the
//! launchers' output is streamed from the NodeManagers while the job runs.

use serde_json::json;

use super::Context;
use super::locate::locate;
use std::time::Duration;

use crate::cli::LogsArgs;
use crate::error::ExitStatus;
use crate::follow::LogFollower;
use crate::interrupt::Interrupts;
use crate::oozie::OozieClient;
use crate::report::ending;
use crate::ui::JobOutput;
use crate::yarn::YarnClient;

/// Prints a job's logs.
pub async fn logs(ctx: &Context<'_>, args: LogsArgs) -> anyhow::Result<ExitStatus> {
    let follow = args.follow;
    let args = args.job;
    if follow {
        if ctx.ui.is_json() {
            return Err(crate::error::HjobError::usage_hint(
                "--follow streams text and has no JSON form",
                "drop --output json, or use `hjob logs ID --output json` once the job has ended",
            )
            .into());
        }
        let located = locate(ctx, &args.id, args.cluster.as_deref()).await?;
        let Some(yarn_url) = located.yarn_url.clone() else {
            return Err(crate::error::HjobError::usage(format!(
                "cluster {} has no yarn_url in the state document, so its logs cannot be followed",
                located.cluster
            ))
            .into());
        };
        let yarn = YarnClient::new(&yarn_url, &ctx.settings.http)?;
        return follow_logs(ctx, &located.oozie, &yarn, &args.id).await;
    }
    let located = locate(ctx, &args.id, args.cluster.as_deref()).await?;
    let job = match located.job {
        Some(job) => job,
        None => located.oozie.info(&args.id).await?,
    };
    let oozie_log = located.oozie.log(&args.id).await?;
    let mut actions = Vec::new();
    let yarn = super::wait::yarn_for(ctx, located.yarn_url.as_deref())?;
    for action in job.real_actions() {
        let mut entry = json!({
            "name": action.name,
            "external_id": action.external_app(),
            "console_url": action.console_link(),
            "stdout": null,
            "stderr": null,
        });
        if let (Some(yarn), Some(app)) = (&yarn, crate::follow::application_id(action)) {
            match yarn.am_container(&app).await {
                Ok(Some(container)) => {
                    for file in ["stdout", "stderr"] {
                        match yarn.container_log(&container, file).await {
                            Ok(text) => entry[file] = json!(text),
                            Err(e) => tracing::debug!("{file} of {app}: {e:#}"),
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => ctx
                    .ui
                    .warn(&format!("YARN logs of {app} unavailable: {e:#}")),
            }
        }
        actions.push(entry);
    }
    if ctx.ui.is_json() {
        ctx.ui.json(&json!({
            "id": job.id,
            "cluster": located.cluster,
            "oozie_log": oozie_log,
            "actions": actions,
        }));
        return Ok(ExitStatus::Success);
    }
    let mut out = format!("==> Oozie log of {} <==\n{oozie_log}", job.id);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for action in &actions {
        let name = action["name"].as_str().unwrap_or("?");
        for file in ["stdout", "stderr"] {
            if let Some(text) = action[file].as_str() {
                out.push_str(&format!("\n==> action {name}: {file} <==\n{text}"));
                if !text.ends_with('\n') {
                    out.push('\n');
                }
            }
        }
        if let Some(url) = action["console_url"].as_str() {
            out.push_str(&format!("\n(action {name} logs: {url})\n"));
        }
    }
    ctx.ui.result(&out);
    Ok(ExitStatus::Success)
}

/// Streams each real action's launcher stdout (to stdout) and stderr (to
/// stderr) until the job ends; exits with the job's outcome, like `wait`.
async fn follow_logs(
    ctx: &Context<'_>,
    oozie: &OozieClient,
    yarn: &YarnClient,
    id: &str,
) -> anyhow::Result<ExitStatus> {
    let interrupts = Interrupts::install();
    let mut follower = LogFollower::new(yarn.clone());
    let mut printer = JobOutput::default();
    let mut interval = ctx.settings.wait.poll_initial;
    loop {
        let job = oozie.info(id).await?;
        let finished = job.status().is_terminal();
        for chunk in follower.poll(&job).await {
            ctx.ui.job_output(&mut printer, &chunk);
        }
        if finished {
            ctx.ui.end_job_output(&mut printer);
            let e = ending(&job);
            ctx.ui.status(&format!("{id} {}", e.status));
            if let Some(error) = &e.error {
                ctx.ui.status(&format!("cause: {error}"));
            }
            return Ok(e.exit);
        }
        tokio::select! {
            () = interrupts.wait() => {
                ctx.ui.end_job_output(&mut printer);
                ctx.ui.hint(&format!("stopped following; job {id} keeps running (`hjob wait {id}`)"));
                return Ok(ExitStatus::Interrupted);
            }
            () = tokio::time::sleep(interval) => {}
        }
        interval = (interval * 2)
            .min(ctx.settings.wait.poll_max)
            .min(Duration::from_secs(3));
    }
}
