//! What hjob reports about a job: its honest ending, its log links, the one
//! JSON document, and the live progress display while waiting.
//!
//! A job that Oozie ended KILLED because an action failed and the workflow
//! went to its kill node is reported as FAILED, with the action's
//! `errorCode`/`errorMessage`; KILLED is kept for a job someone killed.

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use crate::error::ExitStatus;
use crate::oozie::{JobStatus, WorkflowJob, parse_date};
use crate::timefmt::{rfc3339, short_duration};
use crate::ui::Ui;
use crate::wait::WaitEvent;

/// A job's reported ending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ending {
    /// SUCCEEDED, FAILED, KILLED (or a non-terminal status for `status`).
    pub status: String,
    /// Why it failed, when it did.
    pub error: Option<String>,
    pub exit: ExitStatus,
    /// The last lines of the failed action's stderr, when they were read
    /// from YARN (the caller fills this in; deciding the ending is pure).
    pub stderr_tail: Option<String>,
    /// A failed shell action's own exit code, read from its launcher's
    /// output (Oozie itself reports `exit code [1]` for any).
    pub command_exit_code: Option<i32>,
}

impl Ending {
    /// Adds what the failed action's logs say.
    pub fn with_logs(mut self, logs: crate::follow::FailureLogs) -> Self {
        self.stderr_tail = logs.stderr_tail;
        self.command_exit_code = logs.command_exit_code;
        self
    }
}

/// Decides how a job ended.
pub fn ending(job: &WorkflowJob) -> Ending {
    match job.status() {
        JobStatus::Succeeded => Ending {
            status: "SUCCEEDED".into(),
            error: None,
            exit: ExitStatus::Success,
            stderr_tail: None,
            command_exit_code: None,
        },
        JobStatus::Killed | JobStatus::Failed => {
            let failed = job.failed_action();
            let error = failed.map(|a| {
                format!(
                    "action {} ({}) ended {}: [{}] {}",
                    a.name,
                    a.kind,
                    a.status,
                    a.error_code.as_deref().unwrap_or("?"),
                    a.error_message.as_deref().unwrap_or("no message")
                )
            });
            let status = if job.status() == JobStatus::Failed || failed.is_some() {
                "FAILED"
            } else {
                "KILLED"
            };
            let error =
                error.or_else(|| (status == "KILLED").then(|| "the job was killed".to_owned()));
            Ending {
                status: status.into(),
                error,
                exit: ExitStatus::JobFailed,
                stderr_tail: None,
                command_exit_code: None,
            }
        }
        other => Ending {
            status: other.as_str().to_owned(),
            error: None,
            exit: ExitStatus::Success,
            stderr_tail: None,
            command_exit_code: None,
        },
    }
}

/// The log links: each real action's console URL (YARN), last one first.
pub fn log_urls(job: &WorkflowJob) -> Vec<String> {
    let mut urls: Vec<String> = job
        .real_actions()
        .filter_map(|a| a.console_link().map(str::to_owned))
        .collect();
    urls.reverse();
    urls.dedup();
    urls
}

fn date(text: Option<&str>) -> Option<String> {
    text.and_then(parse_date).map(rfc3339)
}

/// How long the job ran (or has run so far).
pub fn duration(job: &WorkflowJob) -> Option<Duration> {
    let start = job.start_time.as_deref().and_then(parse_date)?;
    let end = job
        .end_time
        .as_deref()
        .and_then(parse_date)
        .unwrap_or_else(SystemTime::now);
    end.duration_since(start).ok()
}

/// Where a job runs, for reports.
#[derive(Debug, Clone)]
pub struct JobPlace<'a> {
    pub cluster: &'a str,
    pub oozie_url: String,
}

/// The documented JSON shape of a job (README: "JSON output").
pub fn job_json(job: &WorkflowJob, place: &JobPlace<'_>, ending: &Ending) -> Value {
    let actions: Vec<Value> = job
        .real_actions()
        .map(|a| {
            json!({
                "name": a.name,
                "type": a.kind,
                "status": a.status,
                "external_id": a.external_app(),
                "console_url": a.console_link(),
                "error_code": a.error_code,
                "error_message": a.error_message,
            })
        })
        .collect();
    json!({
        "id": job.id,
        "name": job.app_name,
        "status": ending.status,
        "oozie_status": job.status,
        "cluster": place.cluster,
        "user": job.user,
        "created": date(job.created_time.as_deref()),
        "started": date(job.start_time.as_deref()),
        "ended": date(job.end_time.as_deref()),
        "duration_seconds": duration(job).map(|d| d.as_secs()),
        "actions": actions,
        "log_urls": log_urls(job),
        "oozie_url": place.oozie_url,
        "exit_code": ending.exit.code(),
        "error": error_json(job, ending),
    })
}

/// The `error` object of a job document: the message, the failed action
/// with its error code and message, and the tail of its stderr; `null`
/// when the job did not fail.
fn error_json(job: &WorkflowJob, ending: &Ending) -> Value {
    let Some(message) = &ending.error else {
        return Value::Null;
    };
    let failed = job.failed_action();
    json!({
        "message": message,
        "action": failed.map(|a| &a.name),
        "error_code": failed.and_then(|a| a.error_code.as_ref()),
        "error_message": failed.and_then(|a| a.error_message.as_ref()),
        "stderr_tail": ending.stderr_tail,
        "command_exit_code": ending.command_exit_code,
    })
}

/// The human summary of a job.
pub fn job_human(job: &WorkflowJob, place: &JobPlace<'_>, ending: &Ending) -> String {
    let mark = match ending.status.as_str() {
        "SUCCEEDED" => console::style("✓").green().to_string(),
        "FAILED" | "KILLED" => console::style("✗").red().to_string(),
        _ => console::style("•").cyan().to_string(),
    };
    let took = duration(job)
        .map(|d| format!(" in {}", short_duration(d)))
        .unwrap_or_default();
    let mut out = format!(
        "{mark} {} {}{took} on cluster {}\n",
        job.id, ending.status, place.cluster
    );
    if let Some(name) = &job.app_name {
        out.push_str(&format!("  name:  {name}\n"));
    }
    if let Some(error) = &ending.error {
        out.push_str(&format!("  cause: {error}\n"));
    }
    if let Some(code) = ending.command_exit_code {
        out.push_str(&format!("  the shell command exited {code}\n"));
    }
    if let Some(tail) = &ending.stderr_tail {
        let action = job
            .failed_action()
            .map(|a| format!(" of action {}", a.name))
            .unwrap_or_default();
        out.push_str(&format!("  stderr{action} (last lines):\n"));
        for line in tail.lines() {
            out.push_str(&format!("    {line}\n"));
        }
    }
    for url in log_urls(job) {
        out.push_str(&format!("  logs:  {url}\n"));
    }
    out.push_str(&format!("  oozie: {}\n", place.oozie_url));
    out
}

/// Shows waiting progress: a spinner on a TTY, else one plain line per change.
pub struct ProgressDisplay<'a> {
    ui: &'a Ui,
    spinner: indicatif::ProgressBar,
    id: String,
    /// Set while Oozie is unreachable, so plain output says so once.
    in_outage: bool,
}

impl<'a> ProgressDisplay<'a> {
    /// Starts showing progress for a job.
    pub fn new(ui: &'a Ui, id: &str, ctrl_c_kills: bool) -> Self {
        let spinner = ui.spinner();
        if !spinner.is_hidden() {
            ui.status(if ctrl_c_kills {
                "waiting; Ctrl-C kills the job (--kill-on-interrupt)"
            } else {
                "waiting; Ctrl-C stops waiting and leaves the job running"
            });
        }
        spinner.set_message(format!("{id} submitted"));
        ProgressDisplay {
            ui,
            spinner,
            id: id.to_owned(),
            in_outage: false,
        }
    }

    /// Handles one wait event.
    pub fn observe(&mut self, event: WaitEvent<'_>) {
        if matches!(event, WaitEvent::Polled(_)) {
            return;
        }
        let outage = matches!(event, WaitEvent::Outage { .. });
        if outage && self.in_outage && self.spinner.is_hidden() {
            return;
        }
        self.in_outage = outage;
        let line = match event {
            WaitEvent::Polled(_) => return,
            WaitEvent::Changed(job) => {
                let current = job
                    .real_actions()
                    .filter(|a| a.status == "RUNNING" || a.status == "PREP")
                    .map(|a| format!(" (action {} {})", a.name, a.status))
                    .last()
                    .unwrap_or_default();
                format!("{} {}{current}", self.id, ending(job).status)
            }
            WaitEvent::Outage { since, error } => format!(
                "Oozie unreachable, retrying since {} ({})",
                rfc3339(since),
                error
                    .chain()
                    .last()
                    .map(ToString::to_string)
                    .unwrap_or_default()
            ),
            WaitEvent::Recovered => "Oozie is reachable again".to_owned(),
        };
        if self.spinner.is_hidden() {
            self.ui.status(&line);
        } else {
            self.spinner.set_message(line);
        }
    }

    /// Removes the spinner before the final report.
    pub fn finish(&self) {
        self.spinner.finish_and_clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oozie::Action;

    fn job(status: &str, actions: Vec<Action>) -> WorkflowJob {
        WorkflowJob {
            id: "1-W".into(),
            status: status.into(),
            actions,
            ..Default::default()
        }
    }

    #[test]
    fn a_kill_node_after_an_action_error_is_a_failure() {
        let failed = Action {
            name: "main".into(),
            kind: "shell".into(),
            status: "ERROR".into(),
            error_code: Some("1".into()),
            error_message: Some("Main Class [ShellMain], exit code [1]".into()),
            console_url: Some("http://rm/proxy/application_1_0001/".into()),
            ..Default::default()
        };
        let kill = Action {
            name: "fail".into(),
            kind: ":KILL:".into(),
            status: "OK".into(),
            error_code: Some("E0729".into()),
            ..Default::default()
        };
        let e = ending(&job("KILLED", vec![failed, kill]));
        assert_eq!(e.status, "FAILED");
        assert_eq!(e.exit, ExitStatus::JobFailed);
        assert!(e.error.unwrap().contains("exit code [1]"));
    }

    #[test]
    fn a_killed_job_stays_killed() {
        let running = Action {
            name: "main".into(),
            kind: "java".into(),
            status: "KILLED".into(),
            ..Default::default()
        };
        let e = ending(&job("KILLED", vec![running]));
        assert_eq!(e.status, "KILLED");
        assert_eq!(e.exit.code(), 1);
        assert_eq!(ending(&job("SUCCEEDED", vec![])).exit.code(), 0);
    }
}
