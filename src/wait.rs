//! Waiting for a job: polls Oozie with backoff, races the polls against
//! Ctrl-C and `--timeout`, and rides out Oozie outages up to a limit.
//!
//! It never prints: every change is handed to the caller's observer, which
//! the reporter turns into a spinner or plain lines.

use std::time::{Duration, Instant, SystemTime};

use crate::interrupt::Interrupts;
use crate::oozie::{OozieClient, WorkflowJob};

/// How long "job does not exist" is taken as "not visible yet" after submit.
const UNKNOWN_JOB_GRACE: Duration = Duration::from_secs(10);

/// How to wait.
#[derive(Debug, Clone)]
pub struct WaitOptions {
    pub poll_initial: Duration,
    pub poll_max: Duration,
    pub outage_limit: Duration,
    pub timeout: Option<Duration>,
}

/// Something the observer may want to show.
#[derive(Debug)]
pub enum WaitEvent<'a> {
    /// The job's status or current action changed (also sent for the first poll).
    Changed(&'a WorkflowJob),
    /// A poll answered with nothing the progress display shows changed
    /// (an action's external id may have appeared, for the log follower).
    Polled(&'a WorkflowJob),
    /// A poll failed; Oozie has been unreachable since `since`.
    Outage {
        since: SystemTime,
        error: &'a anyhow::Error,
    },
    /// Oozie answered again after an outage.
    Recovered,
}

/// How a wait ended.
#[derive(Debug)]
pub enum WaitEnd {
    /// The job reached a terminal status.
    Finished(WorkflowJob),
    /// `--timeout` passed; the last known state, if any.
    TimedOut(Option<WorkflowJob>),
    /// Ctrl-C; the last known state, if any.
    Interrupted(Option<WorkflowJob>),
    /// Oozie stayed unreachable longer than the outage limit.
    OutageExceeded(anyhow::Error),
    /// Oozie says it has no such job (after the grace period that covers a
    /// job not listed yet right after its submit).
    Unknown(anyhow::Error),
}

/// A summary of what the observer shows, to tell changes apart.
fn fingerprint(job: &WorkflowJob) -> (String, Vec<(String, String)>) {
    (
        job.status.clone(),
        job.real_actions()
            .map(|a| (a.name.clone(), a.status.clone()))
            .collect(),
    )
}

/// Polls until the job ends, the timeout passes, or Ctrl-C.
pub async fn wait_for_job(
    oozie: &OozieClient,
    id: &str,
    options: &WaitOptions,
    interrupts: &Interrupts,
    mut observe: impl FnMut(WaitEvent<'_>),
) -> WaitEnd {
    let started = Instant::now();
    let deadline = options.timeout.map(|t| started + t);
    let mut interval = options.poll_initial;
    let mut last: Option<WorkflowJob> = None;
    let mut outage: Option<(Instant, SystemTime)> = None;
    let ctrl_c = interrupts.wait();
    tokio::pin!(ctrl_c);
    loop {
        let poll = oozie.info(id);
        let result = tokio::select! {
            biased;
            _ = &mut ctrl_c => return WaitEnd::Interrupted(last),
            () = sleep_until(deadline) => return WaitEnd::TimedOut(last),
            result = poll => result,
        };
        match result {
            Ok(job) => {
                if outage.take().is_some() {
                    observe(WaitEvent::Recovered);
                }
                let changed = last
                    .as_ref()
                    .is_none_or(|l| fingerprint(l) != fingerprint(&job));
                if changed {
                    observe(WaitEvent::Changed(&job));
                    interval = options.poll_initial;
                } else {
                    observe(WaitEvent::Polled(&job));
                    interval = (interval.mul_f64(1.5)).min(options.poll_max);
                }
                if job.status().is_terminal() {
                    return WaitEnd::Finished(job);
                }
                last = Some(job);
            }
            Err(error) => {
                // Right after a submit a server may not list the job yet
                // (peers.md §2 item 14); later, "no such job" is final.
                // Oozie answered, so this is no outage: poll again quietly.
                if crate::oozie::is_unknown_job(&error) {
                    if last.is_some()
                        || started.elapsed() >= UNKNOWN_JOB_GRACE.min(options.outage_limit)
                    {
                        return WaitEnd::Unknown(error);
                    }
                    if outage.take().is_some() {
                        observe(WaitEvent::Recovered);
                    }
                    interval = options.poll_initial.max(Duration::from_millis(10));
                } else {
                    let (since_instant, since) =
                        *outage.get_or_insert((Instant::now(), SystemTime::now()));
                    observe(WaitEvent::Outage {
                        since,
                        error: &error,
                    });
                    if since_instant.elapsed() >= options.outage_limit {
                        return WaitEnd::OutageExceeded(error);
                    }
                    interval = options.poll_initial.max(Duration::from_millis(10));
                }
            }
        }
        tokio::select! {
            biased;
            _ = &mut ctrl_c => return WaitEnd::Interrupted(last),
            () = sleep_until(deadline) => return WaitEnd::TimedOut(last),
            () = tokio::time::sleep(interval) => {}
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(tokio::time::Instant::from_std(d)).await,
        None => std::future::pending().await,
    }
}
