//! Workflow jobs and actions as Oozie keeps them, and their JSON
//! (`WorkflowJobBean.toJSONObject` / `WorkflowActionBean.toJSONObject`
//! keys, oozie-rest.md §5), plus the job's own log lines (`show=log`).

use std::time::SystemTime;

use serde_json::{Value, json};
use tokio::sync::watch;

use crate::clock::{log_stamp, rfc822};
use crate::oozie::conf::JobConf;
use crate::oozie::workflow::Workflow;

/// `WorkflowJob.Status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JobStatus {
    Prep,
    Running,
    Suspended,
    Succeeded,
    Killed,
    Failed,
}

impl JobStatus {
    pub(crate) const ALL: [JobStatus; 6] = [
        JobStatus::Prep,
        JobStatus::Running,
        JobStatus::Suspended,
        JobStatus::Succeeded,
        JobStatus::Killed,
        JobStatus::Failed,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            JobStatus::Prep => "PREP",
            JobStatus::Running => "RUNNING",
            JobStatus::Suspended => "SUSPENDED",
            JobStatus::Succeeded => "SUCCEEDED",
            JobStatus::Killed => "KILLED",
            JobStatus::Failed => "FAILED",
        }
    }

    pub(crate) fn is_terminal(self) -> bool {
        matches!(
            self,
            JobStatus::Succeeded | JobStatus::Killed | JobStatus::Failed
        )
    }
}

/// `WorkflowAction.Status` values the sandbox uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionStatus {
    Prep,
    Running,
    Ok,
    Error,
    Killed,
    Failed,
}

impl ActionStatus {
    pub(crate) fn name(self) -> &'static str {
        match self {
            ActionStatus::Prep => "PREP",
            ActionStatus::Running => "RUNNING",
            ActionStatus::Ok => "OK",
            ActionStatus::Error => "ERROR",
            ActionStatus::Killed => "KILLED",
            ActionStatus::Failed => "FAILED",
        }
    }
}

/// One workflow action (control nodes included).
#[derive(Debug, Clone)]
pub(crate) struct Action {
    pub(crate) name: String,
    pub(crate) action_type: String,
    pub(crate) status: ActionStatus,
    pub(crate) transition: Option<String>,
    pub(crate) start: Option<SystemTime>,
    pub(crate) end: Option<SystemTime>,
    pub(crate) conf: String,
    pub(crate) external_id: Option<String>,
    pub(crate) external_status: Option<String>,
    pub(crate) tracker_uri: Option<String>,
    pub(crate) console_url: Option<String>,
    pub(crate) error_code: Option<String>,
    pub(crate) error_message: Option<String>,
    pub(crate) data: Option<String>,
}

impl Action {
    /// A fresh action in PREP.
    pub(crate) fn new(name: &str, action_type: &str) -> Self {
        Action {
            name: name.to_string(),
            action_type: action_type.to_string(),
            status: ActionStatus::Prep,
            transition: None,
            start: None,
            end: None,
            conf: String::new(),
            external_id: None,
            external_status: None,
            tracker_uri: None,
            console_url: None,
            error_code: None,
            error_message: None,
            data: None,
        }
    }

    /// A control node (`:start:`, end, kill, fork, join, decision) that
    /// completed at once.
    pub(crate) fn control(name: &str, action_type: &str, transition: Option<&str>) -> Self {
        let now = SystemTime::now();
        Action {
            status: ActionStatus::Ok,
            transition: transition.map(str::to_string),
            start: Some(now),
            end: Some(now),
            external_id: Some("-".into()),
            external_status: Some("OK".into()),
            tracker_uri: Some("-".into()),
            console_url: Some("-".into()),
            ..Action::new(name, action_type)
        }
    }

    pub(crate) fn to_json(&self, job_id: &str) -> Value {
        let date = |t: Option<SystemTime>| t.map(rfc822);
        json!({
            "id": format!("{job_id}@{}", self.name),
            "name": self.name,
            "type": self.action_type,
            "status": self.status.name(),
            "transition": self.transition,
            "startTime": date(self.start),
            "endTime": date(self.end),
            "conf": self.conf,
            "externalId": self.external_id,
            "externalStatus": self.external_status,
            "externalChildIDs": Value::Null,
            "trackerUri": self.tracker_uri,
            "consoleUrl": self.console_url,
            "errorCode": self.error_code,
            "errorMessage": self.error_message,
            "data": self.data,
            "stats": Value::Null,
            "retries": 0,
            "userRetryCount": 0,
            "userRetryInterval": 10,
            "userRetryMax": 0,
            // Real 5.2.1 (tests/fixtures/real-oozie): JSON null; the Knox
            // recording of an older Oozie has the string "null".
            "cred": Value::Null,
            "toString": format!("Action name[{}] status[{}]", self.name, self.status.name()),
        })
    }
}

/// One workflow job.
#[derive(Debug)]
pub(crate) struct Job {
    pub(crate) id: String,
    pub(crate) app_name: String,
    pub(crate) app_path: String,
    pub(crate) conf: JobConf,
    pub(crate) definition: String,
    pub(crate) workflow: Workflow,
    pub(crate) status: JobStatus,
    pub(crate) user: String,
    pub(crate) group: Option<String>,
    pub(crate) created: SystemTime,
    pub(crate) start: Option<SystemTime>,
    pub(crate) end: Option<SystemTime>,
    pub(crate) last_modified: SystemTime,
    pub(crate) actions: Vec<Action>,
    pub(crate) last_error_node: Option<String>,
    pub(crate) console_url: String,
    pub(crate) log: Vec<String>,
    /// Bumped on every status change; the engine waits on it.
    pub(crate) signal: watch::Sender<u64>,
}

impl Job {
    /// Sets the status and wakes the engine.
    pub(crate) fn set_status(&mut self, status: JobStatus) {
        self.status = status;
        let now = SystemTime::now();
        self.last_modified = now;
        if status.is_terminal() && self.end.is_none() {
            self.end = Some(now);
        }
        self.signal.send_modify(|n| *n += 1);
    }

    /// Moves every time of the job `by` into the past.
    pub(crate) fn backdate(&mut self, by: std::time::Duration) {
        let back = |t: SystemTime| t.checked_sub(by).unwrap_or(std::time::UNIX_EPOCH);
        self.created = back(self.created);
        self.start = self.start.map(back);
        self.end = self.end.map(back);
        self.last_modified = back(self.last_modified);
        for action in &mut self.actions {
            action.start = action.start.map(back);
            action.end = action.end.map(back);
        }
    }

    /// Appends an Oozie-style log line.
    pub(crate) fn log(&mut self, command: &str, action: Option<&str>, message: &str) {
        let action = action.map_or("-".to_string(), |a| format!("{}@{a}", self.id));
        self.log.push(format!(
            "{} INFO {command}:520 - USER[{}] GROUP[-] TOKEN[] APP[{}] JOB[{}] ACTION[{action}] {message}",
            log_stamp(SystemTime::now()),
            self.user,
            self.app_name,
            self.id
        ));
    }

    /// The action named `name`, latest first.
    pub(crate) fn action_mut(&mut self, name: &str) -> Option<&mut Action> {
        self.actions.iter_mut().rev().find(|a| a.name == name)
    }

    /// The action named `name`.
    pub(crate) fn action(&self, name: &str) -> Option<&Action> {
        self.actions.iter().rev().find(|a| a.name == name)
    }

    /// The full job JSON (`show=info`); `actions` paged by 1-based
    /// `offset`/`len` when given.
    pub(crate) fn to_json(&self, page: Option<(usize, usize)>) -> Value {
        let actions: Vec<Value> = match page {
            Some((offset, len)) => self
                .actions
                .iter()
                .skip(offset.saturating_sub(1))
                .take(len)
                .map(|a| a.to_json(&self.id))
                .collect(),
            None => self.actions.iter().map(|a| a.to_json(&self.id)).collect(),
        };
        let mut v = self.list_json();
        v["appPath"] = json!(self.app_path);
        v["conf"] = json!(self.conf.to_xml());
        v["actions"] = json!(actions);
        v
    }

    /// The jobs-list item: `actions` empty, `conf`/`appPath`/`acl` null.
    pub(crate) fn list_json(&self) -> Value {
        let date = |t: Option<SystemTime>| t.map(rfc822);
        json!({
            "id": self.id,
            "appName": self.app_name,
            "appPath": Value::Null,
            "externalId": Value::Null,
            "parentId": Value::Null,
            "conf": Value::Null,
            "status": self.status.name(),
            "lastModTime": rfc822(self.last_modified),
            "createdTime": rfc822(self.created),
            "startTime": date(self.start),
            "endTime": date(self.end),
            "user": self.user,
            "group": self.group,
            "acl": Value::Null,
            "run": 0,
            "consoleUrl": self.console_url,
            "actions": [],
            "toString": format!("Workflow id[{}] status[{}]", self.id, self.status.name()),
        })
    }
}
