//! `hjob logs ID`: the Oozie job log, then each action's launcher
//! stdout/stderr from YARN when it is reachable.

use serde_json::json;

use super::Context;
use super::locate::locate;
use crate::cli::JobRef;
use crate::error::ExitStatus;
use crate::yarn::YarnClient;

/// Prints a job's logs.
pub async fn logs(ctx: &Context<'_>, args: JobRef) -> anyhow::Result<ExitStatus> {
    let located = locate(ctx, &args.id, args.cluster.as_deref()).await?;
    let job = match located.job {
        Some(job) => job,
        None => located.oozie.info(&args.id).await?,
    };
    let oozie_log = located.oozie.log(&args.id).await?;
    let mut actions = Vec::new();
    let yarn = match &located.yarn_url {
        Some(url) => Some(YarnClient::new(url, &ctx.settings.http)?),
        None => None,
    };
    for action in job.real_actions() {
        let mut entry = json!({
            "name": action.name,
            "external_id": action.external_app(),
            "console_url": action.console_link(),
            "stdout": null,
            "stderr": null,
        });
        if let (Some(yarn), Some(app)) = (&yarn, action.external_app()) {
            let app = app.replacen("job_", "application_", 1);
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
