//! `hjob status ID`: a job's status, once.

use super::Context;
use super::locate::locate;
use crate::cli::JobRef;
use crate::error::ExitStatus;
use crate::follow::{STDERR_TAIL_LINES, failure_logs};
use crate::report::{JobPlace, ending, job_human, job_json};

/// Shows a job's status. Exits 0 whatever the job's state: `status` reports,
/// `wait` judges.
pub async fn status(ctx: &Context<'_>, args: JobRef) -> anyhow::Result<ExitStatus> {
    let located = locate(ctx, &args.id, args.cluster.as_deref()).await?;
    let job = match located.job {
        Some(job) => job,
        None => located.oozie.info(&args.id).await?,
    };
    let place = JobPlace {
        cluster: &located.cluster,
        oozie_url: located.oozie.job_url(&job.id),
    };
    let mut ending = ending(&job);
    if ending.exit == ExitStatus::JobFailed
        && let Some(yarn) = super::wait::yarn_for(ctx, located.yarn_url.as_deref())?
        // YARN being slow or down costs one request timeout at most.
        && let Ok(logs) = tokio::time::timeout(
            ctx.settings.http.timeout,
            failure_logs(&yarn, &job, STDERR_TAIL_LINES),
        )
        .await
    {
        ending = ending.with_logs(logs);
    }
    let status = ExitStatus::Success;
    if ctx.ui.is_json() {
        let mut doc = job_json(&job, &place, &ending);
        // `status` reports and exits 0 whatever the job's state; the field
        // says what this process exits with (README, "JSON output").
        doc["exit_code"] = serde_json::json!(status.code());
        ctx.ui.json(&doc);
    } else {
        ctx.ui.result(&job_human(&job, &place, &ending));
    }
    Ok(status)
}
