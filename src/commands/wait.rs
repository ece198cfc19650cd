//! `hjob wait ID`: re-attach to a job, with the same display and exit codes
//! as `hjob run`. [`attach`] is the shared wait-and-report used by both.

use std::time::Duration;

use serde_json::json;

use super::Context;
use super::locate::locate;
use crate::cli::WaitArgs;
use crate::config::parse_duration;
use crate::error::{ExitStatus, HjobError};
use crate::follow::{LogFollower, STDERR_TAIL_LINES, failure_logs};
use crate::interrupt::Interrupts;
use crate::oozie::{OozieClient, WorkflowJob};
use crate::report::{JobPlace, ProgressDisplay, ending, job_human, job_json};
use crate::ui::JobOutput;
use crate::wait::{WaitEnd, WaitEvent, WaitOptions, wait_for_job};
use crate::yarn::YarnClient;
use tokio::sync::watch;

/// Parses `--timeout`: a positive duration of at most 100 years.
pub fn parse_timeout(text: Option<&str>) -> Result<Option<Duration>, HjobError> {
    let Some(t) = text else {
        return Ok(None);
    };
    match parse_duration(t) {
        Ok(d) if d.is_zero() => Err(HjobError::usage_hint(
            format!("--timeout {t:?} would stop waiting before the job could start"),
            "give a positive duration such as 90s, 30m or 2h, or leave --timeout out to wait until the job ends",
        )),
        Ok(d) => Ok(Some(d)),
        Err(why) => Err(HjobError::usage_hint(
            format!("invalid --timeout {t:?} ({why})"),
            "use a duration such as 90s, 30m or 2h",
        )),
    }
}

/// Re-attaches to a job.
pub async fn wait(ctx: &Context<'_>, args: WaitArgs) -> anyhow::Result<ExitStatus> {
    let timeout = parse_timeout(args.timeout.as_deref())?;
    let located = locate(ctx, &args.job.id, args.job.cluster.as_deref()).await?;
    let kill_on_interrupt = args.kill_on_interrupt || ctx.settings.kill_on_interrupt.value;
    let interrupts = Interrupts::install();
    attach(
        ctx,
        &located.oozie,
        &located.cluster,
        &args.job.id,
        &AttachOptions {
            timeout,
            kill_on_interrupt,
            yarn: yarn_for(ctx, located.yarn_url.as_deref())?,
            follow: !args.no_follow,
        },
        &interrupts,
    )
    .await
}

fn hints(ctx: &Context<'_>, id: &str) {
    ctx.ui.hint(&format!(
        "re-attach with `hjob wait {id}`, or stop it with `hjob kill {id}`"
    ));
}

fn report_unfinished(
    ctx: &Context<'_>,
    id: &str,
    last: Option<&WorkflowJob>,
    place: &JobPlace<'_>,
    status: ExitStatus,
    why: &str,
) {
    if ctx.ui.is_json() {
        let mut doc = match last {
            Some(job) => job_json(job, place, &ending(job)),
            None => json!({"id": id, "cluster": place.cluster, "oozie_url": place.oozie_url}),
        };
        doc["exit_code"] = json!(status.code());
        doc["error"] = json!({ "message": why });
        ctx.ui.json(&doc);
    } else {
        ctx.ui.result(&format!("{id}\n"));
    }
    ctx.ui.warn(&format!("{why}; job {id} is left running"));
    hints(ctx, id);
}

/// How to wait for a job.
#[derive(Debug, Clone)]
pub struct AttachOptions {
    pub timeout: Option<Duration>,
    pub kill_on_interrupt: bool,
    /// The job's cluster's ResourceManager, for its output and the tail
    /// of a failed action's stderr (`None`: the cluster has no yarn_url).
    pub yarn: Option<YarnClient>,
    /// Stream the job's own output while waiting (off with `--no-follow`).
    pub follow: bool,
}

/// A YARN client for the cluster's ResourceManager, when it names one.
pub fn yarn_for(ctx: &Context<'_>, yarn_url: Option<&str>) -> anyhow::Result<Option<YarnClient>> {
    yarn_url
        .map(|url| YarnClient::new(url, &ctx.settings.http))
        .transpose()
}

/// Streams the job's output until dropped: polls the NodeManagers for the
/// latest job the wait has seen, from `poll_initial` up to 3 s (sooner
/// again once output arrives).
async fn stream_output(
    ctx: &Context<'_>,
    follower: &mut LogFollower,
    printer: &mut JobOutput,
    mut latest: watch::Receiver<Option<WorkflowJob>>,
) -> std::convert::Infallible {
    let fastest = ctx.settings.wait.poll_initial;
    let slowest = ctx
        .settings
        .wait
        .poll_max
        .min(Duration::from_secs(3))
        .max(fastest);
    let mut interval = fastest;
    loop {
        let job = latest.borrow_and_update().clone();
        if let Some(job) = job {
            let chunks = follower.poll(&job).await;
            interval = if chunks.is_empty() {
                (interval * 2).min(slowest)
            } else {
                fastest
            };
            for chunk in chunks {
                ctx.ui.job_output(printer, &chunk);
            }
        }
        // A new look at the job (a new action, say) ends the pause early.
        let _ = tokio::time::timeout(interval, latest.changed()).await;
    }
}

/// Waits for a job with a progress display (and its output, when
/// following), then reports it; returns the exit status scripts see.
pub async fn attach(
    ctx: &Context<'_>,
    oozie: &OozieClient,
    cluster: &str,
    id: &str,
    attach_options: &AttachOptions,
    interrupts: &Interrupts,
) -> anyhow::Result<ExitStatus> {
    let AttachOptions {
        timeout,
        kill_on_interrupt,
        ref yarn,
        follow,
    } = *attach_options;
    let options = WaitOptions {
        poll_initial: ctx.settings.wait.poll_initial,
        poll_max: ctx.settings.wait.poll_max,
        outage_limit: ctx.settings.wait.outage_limit,
        timeout,
    };
    let place = JobPlace {
        cluster,
        oozie_url: oozie.job_url(id),
    };
    let mut display = ProgressDisplay::new(ctx.ui, id, kill_on_interrupt);
    let mut follower = yarn.clone().filter(|_| follow).map(LogFollower::new);
    let mut printer = JobOutput::default();
    let (latest_tx, latest_rx) = watch::channel(None::<WorkflowJob>);
    let waiting = wait_for_job(oozie, id, &options, interrupts, |event| {
        if let WaitEvent::Changed(job) | WaitEvent::Polled(job) = &event {
            latest_tx.send_replace(Some((*job).clone()));
        }
        display.observe(event);
    });
    let end = match follower.as_mut() {
        Some(follower) => {
            let streaming = stream_output(ctx, follower, &mut printer, latest_rx);
            tokio::select! {
                end = waiting => end,
                never = streaming => match never {},
            }
        }
        None => waiting.await,
    };
    // What the job wrote after the last look, before the summary. YARN
    // being slow or down must not hold the report back for long: one
    // request timeout at most.
    let bound = ctx.settings.http.timeout;
    if let (Some(follower), WaitEnd::Finished(job)) = (follower.as_mut(), &end)
        && let Ok(chunks) = tokio::time::timeout(bound, follower.poll(job)).await
    {
        for chunk in chunks {
            ctx.ui.job_output(&mut printer, &chunk);
        }
    }
    ctx.ui.end_job_output(&mut printer);
    display.finish();
    match end {
        WaitEnd::Finished(job) => {
            let mut e = ending(&job);
            if e.exit == ExitStatus::JobFailed
                && let Some(yarn) = yarn
                && let Ok(logs) =
                    tokio::time::timeout(bound, failure_logs(yarn, &job, STDERR_TAIL_LINES)).await
            {
                e = e.with_logs(logs);
            }
            if ctx.ui.is_json() {
                ctx.ui.json(&job_json(&job, &place, &e));
            } else {
                ctx.ui.result(&job_human(&job, &place, &e));
            }
            Ok(e.exit)
        }
        WaitEnd::TimedOut(last) => {
            report_unfinished(
                ctx,
                id,
                last.as_ref(),
                &place,
                ExitStatus::Timeout,
                "--timeout reached",
            );
            Ok(ExitStatus::Timeout)
        }
        WaitEnd::Interrupted(last) => {
            if kill_on_interrupt {
                // Said before the kill, so a second Ctrl-C (which exits at
                // once) still leaves the id and the way back on screen.
                ctx.ui.status(&format!(
                    "interrupted: killing {id} (Ctrl-C again to leave it running; \
                     then `hjob wait {id}` re-attaches and `hjob kill {id}` stops it)"
                ));
                // A second Ctrl-C exits at once (see `interrupt`).
                match oozie.kill(id).await {
                    Ok(()) => {
                        ctx.ui.status(&format!("killed {id}"));
                        if ctx.ui.is_json() {
                            ctx.ui.json(&json!({"id": id, "cluster": cluster, "status": "KILLED", "exit_code": 130, "error": {"message": "interrupted; killed"}}));
                        }
                        return Ok(ExitStatus::Interrupted);
                    }
                    Err(e) => ctx.ui.warn(&format!("could not kill {id}: {e:#}")),
                }
            }
            report_unfinished(
                ctx,
                id,
                last.as_ref(),
                &place,
                ExitStatus::Interrupted,
                "interrupted",
            );
            Ok(ExitStatus::Interrupted)
        }
        WaitEnd::Unknown(error) => Err(error.context(HjobError::usage_hint(
            format!("Oozie at {} has no job {id}", oozie.base_url()),
            "check the id with `hjob list`; Oozie may have purged an old job",
        ))),
        WaitEnd::OutageExceeded(error) => Err(error.context(HjobError::Service {
            service: crate::error::Service::Oozie,
            url: oozie.base_url().to_owned(),
            message: format!("lost contact with Oozie while waiting for job {id}"),
            hint: Some(format!(
                "the job may still be running: check later with `hjob wait {id}`"
            )),
        })),
    }
}
