//! `hjob kill ID`: kill a job, then re-read its status (Oozie answers 200
//! to a kill of a finished job and does nothing).

use serde_json::json;

use super::Context;
use super::locate::locate;
use crate::cli::KillArgs;
use crate::error::{ExitStatus, HjobError};
use crate::report::{JobPlace, ending, job_human, job_json};

/// Kills a job after confirmation (or `--yes`).
pub async fn kill(ctx: &Context<'_>, args: KillArgs) -> anyhow::Result<ExitStatus> {
    let id = &args.job.id;
    let located = locate(ctx, id, args.job.cluster.as_deref()).await?;
    let before = match located.job {
        Some(job) => job,
        None => located.oozie.info(id).await?,
    };
    let place = JobPlace {
        cluster: &located.cluster,
        oozie_url: located.oozie.job_url(id),
    };
    if before.status().is_terminal() {
        let e = ending(&before);
        if ctx.ui.is_json() {
            let mut doc = job_json(&before, &place, &e);
            doc["killed"] = json!(false);
            doc["exit_code"] = json!(ExitStatus::Success.code());
            ctx.ui.json(&doc);
        } else {
            ctx.ui.status(&format!(
                "job {id} already ended {}; nothing to kill",
                e.status
            ));
            ctx.ui.result(&job_human(&before, &place, &e));
        }
        return Ok(ExitStatus::Success);
    }
    if !args.yes {
        if !ctx.ui.can_prompt() {
            return Err(HjobError::usage_hint(
                format!("killing {id} needs confirmation, but there is no terminal to ask on"),
                "pass --yes to kill without asking",
            )
            .into());
        }
        if !ctx.ui.confirm(&format!(
            "Kill job {id} ({}) on {}?",
            before.app_name.as_deref().unwrap_or("?"),
            located.cluster
        ))? {
            return Err(HjobError::usage("cancelled; the job keeps running").into());
        }
    }
    located.oozie.kill(id).await?;
    let after = located.oozie.info(id).await?;
    let e = ending(&after);
    if ctx.ui.is_json() {
        let mut doc = job_json(&after, &place, &e);
        doc["killed"] = json!(after.status().is_terminal());
        doc["exit_code"] = json!(ExitStatus::Success.code());
        ctx.ui.json(&doc);
    } else {
        ctx.ui.result(&job_human(&after, &place, &e));
    }
    Ok(ExitStatus::Success)
}
