//! The workflow engine: walks a started job from `<start>` through its
//! nodes, recording control nodes as actions (`:start:`, `:END:`,
//! `:KILL:`, `:FORK:`, `:JOIN:`, `switch`), evaluating each action's XML
//! with EL before running it (oozie-rest.md §12), running shell actions as
//! real subprocesses in a YARN container's working directory, simulating
//! java/spark/hive/... launchers, and applying kill and suspend.
//!
//! Fork paths run one after the other (Oozie runs them in parallel; the
//! resulting job is the same for independent paths).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

use crate::el::{self, ElContext, Value};
use crate::oozie::job::{Action, ActionStatus, Job, JobStatus};
use crate::oozie::submit::locate;
use crate::oozie::workflow::NodeKind;
use crate::yarn::{AppEnd, Launched};
use crate::{ActionOutcome, ClusterContext, World};

/// Starts a PREP job: RUNNING with its `:start:` action recorded before
/// this returns, then the walk continues on a task.
pub(crate) fn start(ctx: &ClusterContext, id: &str) {
    let first = {
        let mut jobs = ctx.cluster().oozie.jobs();
        let Some(job) = jobs.get_mut(id) else {
            return;
        };
        if job.status != JobStatus::Prep {
            return;
        }
        job.start = Some(SystemTime::now());
        job.set_status(JobStatus::Running);
        let first = job.workflow.start.clone();
        job.actions
            .push(Action::control(":start:", ":START:", Some(&first)));
        job.log("StartXCommand", None, "Start workflow, Status [RUNNING]");
        first
    };
    let ctx = ctx.clone();
    let id = id.to_string();
    tokio::spawn(async move {
        run_path(&ctx, &id, first).await;
    });
}

/// Kills a non-terminal job: KILLED at once, running actions KILLED; the
/// engine notices and kills the subprocess.
pub(crate) fn kill(job: &mut Job) {
    let now = SystemTime::now();
    for a in &mut job.actions {
        if matches!(a.status, ActionStatus::Running | ActionStatus::Prep) {
            a.status = ActionStatus::Killed;
            a.end = Some(now);
            a.external_status = Some("KILLED".into());
        }
    }
    job.set_status(JobStatus::Killed);
    job.log("KillXCommand", None, "Workflow killed, Status [KILLED]");
}

fn with_job<R>(ctx: &ClusterContext, id: &str, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
    ctx.cluster().oozie.jobs().get_mut(id).map(f)
}

fn status(ctx: &ClusterContext, id: &str) -> Option<JobStatus> {
    with_job(ctx, id, |j| j.status)
}

fn signal(ctx: &ClusterContext, id: &str) -> Option<tokio::sync::watch::Receiver<u64>> {
    with_job(ctx, id, |j| j.signal.subscribe())
}

/// Waits while the job is suspended; false when it is over (killed, or
/// the sandbox shuts down).
async fn runnable(ctx: &ClusterContext, id: &str) -> bool {
    let Some(mut rx) = signal(ctx, id) else {
        return false;
    };
    loop {
        match status(ctx, id) {
            Some(JobStatus::Running) => return true,
            Some(JobStatus::Suspended) => {
                if rx.changed().await.is_err() {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

/// Resolves when the job is killed (or the sandbox stops).
async fn killed(ctx: &ClusterContext, id: &str) {
    let Some(mut rx) = signal(ctx, id) else {
        return;
    };
    let mut shutdown = ctx.world.shutdown.clone();
    loop {
        if !matches!(
            status(ctx, id),
            Some(JobStatus::Running | JobStatus::Suspended)
        ) {
            return;
        }
        tokio::select! {
            r = rx.changed() => if r.is_err() { return; },
            _ = shutdown.wait_for(|s| *s) => return,
        }
    }
}

enum PathEnd {
    Join(String),
    Stop,
}

/// Runs nodes from `name` until a join, an end, a kill or a failure.
fn run_path<'a>(
    ctx: &'a ClusterContext,
    id: &'a str,
    name: String,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = PathEnd> + Send + 'a>> {
    Box::pin(async move {
        let mut name = name;
        loop {
            let step = ctx.world.exec_settings().step;
            if !step.is_zero() {
                tokio::time::sleep(step).await;
            }
            if !runnable(ctx, id).await {
                return PathEnd::Stop;
            }
            let Some(node) = with_job(ctx, id, |j| j.workflow.nodes.get(&name).cloned()).flatten()
            else {
                fail_job(
                    ctx,
                    id,
                    &name,
                    "E0708",
                    &format!("Invalid transition [{name}]"),
                );
                return PathEnd::Stop;
            };
            match node.kind {
                NodeKind::Start { to } => name = to,
                NodeKind::End => {
                    with_job(ctx, id, |j| {
                        j.actions.push(Action::control(&name, ":END:", None));
                        j.set_status(JobStatus::Succeeded);
                        j.log(
                            "SignalXCommand",
                            Some(&name),
                            "Workflow completed, Status [SUCCEEDED]",
                        );
                    });
                    return PathEnd::Stop;
                }
                NodeKind::Kill { message } => {
                    let el = ActionEl::snapshot(ctx, id);
                    let text = el
                        .as_ref()
                        .and_then(|e| el::evaluate(&message, e).ok())
                        .unwrap_or(message);
                    with_job(ctx, id, |j| {
                        let mut a = Action::control(&name, ":KILL:", None);
                        a.error_code = Some("E0729".into());
                        a.error_message = Some(text.clone());
                        j.actions.push(a);
                        j.set_status(JobStatus::Killed);
                        j.log(
                            "SignalXCommand",
                            Some(&name),
                            &format!(
                                "Workflow killed by kill node, message [{text}], Status [KILLED]"
                            ),
                        );
                    });
                    return PathEnd::Stop;
                }
                NodeKind::Decision {
                    xml,
                    cases,
                    default,
                } => {
                    let Some(el) = ActionEl::snapshot(ctx, id) else {
                        return PathEnd::Stop;
                    };
                    let mut target = default.clone();
                    for (expr, to) in &cases {
                        match el::evaluate_bool(expr, &el) {
                            Ok(true) => {
                                target = to.clone();
                                break;
                            }
                            Ok(false) => {}
                            Err(e) => {
                                fail_job(ctx, id, &name, "EL_ERROR", &e);
                                return PathEnd::Stop;
                            }
                        }
                    }
                    let conf = el::evaluate(&xml, &el).unwrap_or(xml);
                    with_job(ctx, id, |j| {
                        let mut a = Action::control(&name, "switch", Some(&target));
                        a.conf = conf;
                        j.actions.push(a);
                    });
                    name = target;
                }
                NodeKind::Fork { paths } => {
                    with_job(ctx, id, |j| {
                        j.actions.push(Action::control(&name, ":FORK:", None));
                    });
                    let mut join = None;
                    for p in paths {
                        match run_path(ctx, id, p).await {
                            PathEnd::Join(j) => join = Some(j),
                            PathEnd::Stop => return PathEnd::Stop,
                        }
                    }
                    let Some(join) = join else {
                        return PathEnd::Stop;
                    };
                    let to = with_job(ctx, id, |j| match j.workflow.nodes.get(&join) {
                        Some(n) => match &n.kind {
                            NodeKind::Join { to } => Some(to.clone()),
                            _ => None,
                        },
                        None => None,
                    })
                    .flatten();
                    let Some(to) = to else {
                        return PathEnd::Stop;
                    };
                    with_job(ctx, id, |j| {
                        j.actions.push(Action::control(&join, ":JOIN:", Some(&to)));
                        if let Some(f) = j.action_mut(&name) {
                            f.transition = Some(join.clone());
                        }
                    });
                    name = to;
                }
                NodeKind::Join { .. } => return PathEnd::Join(name),
                NodeKind::Action {
                    action_type,
                    xml,
                    ok,
                    error,
                } => match run_action(ctx, id, &name, &action_type, &xml, &ok, &error).await {
                    Some(next) => name = next,
                    None => return PathEnd::Stop,
                },
            }
        }
    })
}

/// Ends the job FAILED because of an error at node `node` (EL errors and
/// other engine failures).
fn fail_job(ctx: &ClusterContext, id: &str, node: &str, code: &str, message: &str) {
    with_job(ctx, id, |j| {
        let now = SystemTime::now();
        let exists = j.action(node).is_some_and(|a| a.end.is_none());
        if !exists {
            let mut a = Action::new(node, "");
            a.start = Some(now);
            j.actions.push(a);
        }
        if let Some(a) = j.action_mut(node) {
            a.status = ActionStatus::Failed;
            a.end = Some(now);
            a.error_code = Some(code.to_string());
            a.error_message = Some(message.to_string());
        }
        j.set_status(JobStatus::Failed);
        j.log(
            "ActionStartXCommand",
            Some(node),
            &format!("Error starting action [{node}]. ErrorType [FAILED], ErrorCode [{code}], Message [{message}]"),
        );
    });
}

/// What EL sees of other actions.
#[derive(Debug, Clone)]
struct ActionFacts {
    error_code: Option<String>,
    error_message: Option<String>,
    data: Option<String>,
    external_id: Option<String>,
    external_status: Option<String>,
    tracker_uri: Option<String>,
    transition: Option<String>,
}

/// The EL context of a running action: job properties as variables and
/// the `wf:`, `fs:` and basic functions.
struct ActionEl {
    world: Arc<World>,
    cluster: usize,
    props: HashMap<String, String>,
    id: String,
    app_name: String,
    app_path: String,
    user: String,
    group: Option<String>,
    actions: HashMap<String, ActionFacts>,
    last_error_node: String,
}

impl ActionEl {
    fn snapshot(ctx: &ClusterContext, id: &str) -> Option<Self> {
        with_job(ctx, id, |j| ActionEl {
            world: ctx.world.clone(),
            cluster: ctx.index,
            props: j
                .conf
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            id: j.id.clone(),
            app_name: j.app_name.clone(),
            app_path: j.app_path.clone(),
            user: j.user.clone(),
            group: j.group.clone(),
            actions: j
                .actions
                .iter()
                .map(|a| {
                    (
                        a.name.clone(),
                        ActionFacts {
                            error_code: a.error_code.clone(),
                            error_message: a.error_message.clone(),
                            data: a.data.clone(),
                            external_id: a.external_id.clone(),
                            external_status: a.external_status.clone(),
                            tracker_uri: a.tracker_uri.clone(),
                            transition: a.transition.clone(),
                        },
                    )
                })
                .collect(),
            last_error_node: j.last_error_node.clone().unwrap_or_default(),
        })
    }

    fn facts(&self, args: &[Value]) -> Option<&ActionFacts> {
        args.first().and_then(|n| self.actions.get(&n.to_text()))
    }

    fn hdfs_kind(&self, uri: &str) -> Option<crate::hdfs::InodeKind> {
        let ctx = ClusterContext {
            world: self.world.clone(),
            index: self.cluster,
        };
        let loc = locate(&ctx, uri)?;
        self.world.clusters[loc.cluster].hdfs.kind(&loc.path)
    }
}

fn opt_str(v: Option<&String>) -> Value {
    v.map_or(Value::Null, |s| Value::Str(s.clone()))
}

impl ElContext for ActionEl {
    fn variable(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.props.get(name) {
            return Some(Value::Str(v.clone()));
        }
        let unit = match name {
            "KB" => 1i64 << 10,
            "MB" => 1 << 20,
            "GB" => 1 << 30,
            "TB" => 1 << 40,
            "PB" => 1 << 50,
            _ => return None,
        };
        Some(Value::Long(unit))
    }

    fn function(&self, name: &str, args: Vec<Value>) -> Result<Value, String> {
        let arg = |i: usize| args.get(i).map(Value::to_text).unwrap_or_default();
        Ok(match name {
            "wf:id" => Value::Str(self.id.clone()),
            "wf:name" => Value::Str(self.app_name.clone()),
            "wf:appPath" => Value::Str(self.app_path.clone()),
            "wf:user" => Value::Str(self.user.clone()),
            "wf:group" => opt_str(self.group.as_ref()),
            "wf:run" => Value::Long(0),
            "wf:conf" => Value::Str(self.props.get(&arg(0)).cloned().unwrap_or_default()),
            "wf:lastErrorNode" => Value::Str(self.last_error_node.clone()),
            "wf:errorCode" => {
                opt_str(self.facts(&args).and_then(|f| f.error_code.as_ref())).or_empty()
            }
            "wf:errorMessage" => {
                opt_str(self.facts(&args).and_then(|f| f.error_message.as_ref())).or_empty()
            }
            "wf:transition" => opt_str(self.facts(&args).and_then(|f| f.transition.as_ref())),
            "wf:actionExternalId" => {
                opt_str(self.facts(&args).and_then(|f| f.external_id.as_ref()))
            }
            "wf:actionExternalStatus" => {
                opt_str(self.facts(&args).and_then(|f| f.external_status.as_ref()))
            }
            "wf:actionTrackerUri" => {
                opt_str(self.facts(&args).and_then(|f| f.tracker_uri.as_ref()))
            }
            "wf:actionData" => Value::Map(
                self.facts(&args)
                    .and_then(|f| f.data.as_deref())
                    .map(parse_properties)
                    .unwrap_or_default(),
            ),
            "concat" => Value::Str(format!("{}{}", arg(0), arg(1))),
            "trim" => Value::Str(arg(0).trim().to_string()),
            "firstNotNull" => match (args.first(), args.get(1)) {
                (Some(Value::Null) | None, Some(b)) => b.clone(),
                (Some(a), _) => a.clone(),
                _ => Value::Null,
            },
            "replaceAll" => Value::Str(arg(0).replace(&arg(1), &arg(2))),
            "urlEncode" => {
                Value::Str(url::form_urlencoded::byte_serialize(arg(0).as_bytes()).collect())
            }
            "timestamp" => {
                let s = crate::clock::log_stamp(SystemTime::now());
                Value::Str(format!("{}T{}Z", &s[..10], &s[11..16]))
            }
            "fs:exists" => Value::Bool(self.hdfs_kind(&arg(0)).is_some()),
            "fs:isDir" => {
                Value::Bool(self.hdfs_kind(&arg(0)) == Some(crate::hdfs::InodeKind::Directory))
            }
            _ => return Err(format!("No function is mapped to the name \"{name}\"")),
        })
    }
}

trait OrEmpty {
    fn or_empty(self) -> Value;
}

impl OrEmpty for Value {
    /// `wf:errorCode`/`wf:errorMessage` give "" rather than null.
    fn or_empty(self) -> Value {
        match self {
            Value::Null => Value::Str(String::new()),
            v => v,
        }
    }
}

/// `java.util.Properties.load` line rules (no escapes or continuations):
/// the key ends at the first `=`, `:` or whitespace; one separator and the
/// surrounding blanks are skipped; `#`/`!` lines are comments.
fn parse_properties(text: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim_start();
        if line.is_empty() || line.starts_with('#') || line.starts_with('!') {
            continue;
        }
        let end = line
            .find(|c: char| c == '=' || c == ':' || c.is_whitespace())
            .unwrap_or(line.len());
        let key = &line[..end];
        let mut rest = line[end..].trim_start();
        if rest.starts_with('=') || rest.starts_with(':') {
            rest = rest[1..].trim_start();
        }
        out.insert(key.to_string(), rest.to_string());
    }
    out
}

/// Texts of the direct children named `tag`.
fn texts(node: roxmltree::Node, tag: &str) -> Vec<String> {
    node.children()
        .filter(|n| n.is_element() && n.tag_name().name() == tag)
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

fn first_text(node: roxmltree::Node, tag: &str) -> Option<String> {
    texts(node, tag).into_iter().next()
}

/// A property value from a `<configuration>` child of `node`.
fn config_value(node: roxmltree::Node, name: &str) -> Option<String> {
    let conf = node
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == "configuration")?;
    conf.children()
        .filter(|p| p.is_element() && p.tag_name().name() == "property")
        .find(|p| first_text(*p, "name").as_deref().map(str::trim) == Some(name))
        .and_then(|p| first_text(p, "value"))
        .map(|v| v.trim().to_string())
}

/// The launcher main class Oozie runs for an action type.
fn launcher_main(action_type: &str) -> &'static str {
    match action_type {
        "shell" => "org.apache.oozie.action.hadoop.ShellMain",
        "spark" => "org.apache.oozie.action.hadoop.SparkMain",
        "hive" => "org.apache.oozie.action.hadoop.HiveMain",
        "hive2" => "org.apache.oozie.action.hadoop.Hive2Main",
        "pig" => "org.apache.oozie.action.hadoop.PigMain",
        "sqoop" => "org.apache.oozie.action.hadoop.SqoopMain",
        "distcp" => "org.apache.oozie.action.hadoop.DistcpMain",
        "map-reduce" => "org.apache.oozie.action.hadoop.MapReduceMain",
        _ => "org.apache.oozie.action.hadoop.JavaMain",
    }
}

const LAUNCHED_TYPES: [&str; 9] = [
    "java",
    "shell",
    "spark",
    "hive",
    "hive2",
    "pig",
    "sqoop",
    "distcp",
    "map-reduce",
];

/// How a launched action ended.
enum Ending {
    Exited { code: i32, data: Option<String> },
    Error { code: String, message: String },
    Killed,
}

/// Runs one action node; `Some(next)` to continue, `None` to stop.
async fn run_action(
    ctx: &ClusterContext,
    id: &str,
    name: &str,
    action_type: &str,
    xml: &str,
    ok: &str,
    error: &str,
) -> Option<String> {
    let el = ActionEl::snapshot(ctx, id)?;
    let now = SystemTime::now();
    with_job(ctx, id, |j| {
        let mut a = Action::new(name, action_type);
        a.start = Some(now);
        j.actions.push(a);
        j.log("ActionStartXCommand", Some(name), &format!("Start action [{id}@{name}] with user-retry state : userRetryCount [0], userRetryMax [0], userRetryInterval [10]"));
    })?;
    let evaluated = match el::evaluate(xml, &el) {
        Ok(x) => x,
        Err(e) => {
            fail_job(ctx, id, name, "EL_ERROR", &e);
            return None;
        }
    };
    let global = with_job(ctx, id, |j| j.workflow.global_xml.clone())
        .flatten()
        .and_then(|g| el::evaluate(&g, &el).ok());
    let doc = match roxmltree::Document::parse(&evaluated) {
        Ok(d) => d,
        Err(e) => {
            fail_job(ctx, id, name, "E0700", &format!("XML error, {e}"));
            return None;
        }
    };
    let body = doc.root_element();
    with_job(ctx, id, |j| {
        if let Some(a) = j.action_mut(name) {
            a.conf = evaluated.clone();
        }
    });

    if !LAUNCHED_TYPES.contains(&action_type) {
        let result = if action_type == "fs" {
            run_fs(&el, body)
        } else {
            Ok(())
        };
        return finish_inline(ctx, id, name, result, ok, error);
    }

    // A launcher: one YARN application, its AM container running the main.
    let global_doc = global
        .as_deref()
        .and_then(|g| roxmltree::Document::parse(g).ok());
    let global_root = global_doc.as_ref().map(|d| d.root_element());
    let pick = |tags: &[&str]| {
        tags.iter()
            .find_map(|t| first_text(body, t))
            .or_else(|| global_root.and_then(|g| tags.iter().find_map(|t| first_text(g, t))))
    };
    let tracker = pick(&["resource-manager", "job-tracker"])
        .unwrap_or_else(|| ctx.cluster().urls.job_tracker());
    let queue = [
        "oozie.launcher.mapreduce.job.queuename",
        "mapreduce.job.queuename",
        "mapred.job.queue.name",
    ]
    .iter()
    .find_map(|k| config_value(body, k).or_else(|| global_root.and_then(|g| config_value(g, k))))
    .unwrap_or_else(|| "default".to_string());
    let launcher_name = format!(
        "oozie:launcher:T={action_type}:W={}:A={name}:ID={id}",
        el.app_name
    );
    let launched = match ctx.cluster().yarn.launch(&el.user, &launcher_name, &queue) {
        Ok(l) => l,
        Err(e) => {
            fail_job(ctx, id, name, "JA009", &e.to_string());
            return None;
        }
    };
    with_job(ctx, id, |j| {
        if let Some(a) = j.action_mut(name) {
            a.status = ActionStatus::Running;
            a.external_id = Some(launched.app_id.clone());
            a.external_status = Some("RUNNING".into());
            a.tracker_uri = Some(tracker.clone());
            a.console_url = Some(launched.tracking_url.clone());
        }
        j.log(
            "ActionStartXCommand",
            Some(name),
            &format!("[***{id}@{name}***]Action status=RUNNING"),
        );
    });
    let main = launcher_main(action_type);
    append(&launched.log_dir.join("syslog"), &format!(
        "{} INFO [main] org.apache.oozie.action.hadoop.LauncherAM: Launcher AM configuration loaded\n\
         {} INFO [main] org.apache.oozie.action.hadoop.LauncherAM: Starting the execution of prepare actions\n\
         {} INFO [main] org.apache.oozie.action.hadoop.LauncherAM: Launcher class: {main}\n\
         {} INFO [main] org.apache.oozie.action.hadoop.LauncherAM: >>> Invoking Main class now >>>\n",
        crate::clock::log_stamp(SystemTime::now()),
        crate::clock::log_stamp(SystemTime::now()),
        crate::clock::log_stamp(SystemTime::now()),
        crate::clock::log_stamp(SystemTime::now()),
    )).await;

    let ending = if action_type == "shell" {
        run_shell(ctx, id, &el, body, &launched).await
    } else {
        simulate(ctx, id, action_type, body, &launched).await
    };
    append(&launched.log_dir.join("syslog"), &format!(
        "{} INFO [main] org.apache.oozie.action.hadoop.LauncherAM: <<< Invocation of Main class completed <<<\n",
        crate::clock::log_stamp(SystemTime::now())
    )).await;

    let yarn = &ctx.cluster().yarn;
    let end = SystemTime::now();
    // A kill that landed while the main ran wins.
    let killed_meanwhile = status(ctx, id) != Some(JobStatus::Running)
        && status(ctx, id) != Some(JobStatus::Suspended);
    if matches!(ending, Ending::Killed) || killed_meanwhile {
        yarn.finish(
            &launched.app_id,
            AppEnd::Killed,
            "Application killed by user.",
        );
        with_job(ctx, id, |j| {
            if let Some(a) = j.action_mut(name) {
                a.status = ActionStatus::Killed;
                a.external_status = Some("KILLED".into());
                a.end.get_or_insert(end);
            }
        });
        return None;
    }
    match ending {
        Ending::Exited { code: 0, data } => {
            yarn.finish(&launched.app_id, AppEnd::Succeeded, "");
            with_job(ctx, id, |j| {
                if let Some(a) = j.action_mut(name) {
                    a.status = ActionStatus::Ok;
                    a.external_status = Some("SUCCEEDED".into());
                    a.transition = Some(ok.to_string());
                    a.data = data;
                    a.end = Some(end);
                }
                j.log(
                    "ActionEndXCommand",
                    Some(name),
                    "Action ended with external status [SUCCEEDED]",
                );
            });
            Some(ok.to_string())
        }
        Ending::Exited { code, .. } => {
            let message = format!("Main Class [{main}], exit code [{code}]");
            yarn.finish(
                &launched.app_id,
                AppEnd::Failed,
                &format!("Main class [{main}], exit code [{code}]"),
            );
            action_error(
                ctx,
                id,
                name,
                &code.to_string(),
                &message,
                "FAILED/KILLED",
                error,
                end,
            );
            Some(error.to_string())
        }
        Ending::Error { code, message } => {
            yarn.finish(&launched.app_id, AppEnd::Failed, &message);
            action_error(ctx, id, name, &code, &message, "FAILED/KILLED", error, end);
            Some(error.to_string())
        }
        Ending::Killed => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn action_error(
    ctx: &ClusterContext,
    id: &str,
    name: &str,
    code: &str,
    message: &str,
    external_status: &str,
    error: &str,
    end: SystemTime,
) {
    with_job(ctx, id, |j| {
        if let Some(a) = j.action_mut(name) {
            a.status = ActionStatus::Error;
            a.external_status = Some(external_status.to_string());
            a.error_code = Some(code.to_string());
            a.error_message = Some(message.to_string());
            a.transition = Some(error.to_string());
            a.end = Some(end);
        }
        j.last_error_node = Some(name.to_string());
        j.log(
            "ActionEndXCommand",
            Some(name),
            &format!("ERROR is considered as FAILED for SLA; action ended with error code [{code}], message [{message}]"),
        );
    });
}

/// Ends an action that needs no launcher (fs, email, sub-workflow...).
fn finish_inline(
    ctx: &ClusterContext,
    id: &str,
    name: &str,
    result: Result<(), (String, String)>,
    ok: &str,
    error: &str,
) -> Option<String> {
    let end = SystemTime::now();
    let killed = status(ctx, id) != Some(JobStatus::Running);
    if killed {
        return None;
    }
    with_job(ctx, id, |j| {
        if let Some(a) = j.action_mut(name) {
            a.external_id = Some("-".into());
            a.tracker_uri = Some("-".into());
            a.console_url = Some("-".into());
        }
    });
    match result {
        Ok(()) => {
            with_job(ctx, id, |j| {
                if let Some(a) = j.action_mut(name) {
                    a.status = ActionStatus::Ok;
                    a.external_status = Some("OK".into());
                    a.transition = Some(ok.to_string());
                    a.end = Some(end);
                }
            });
            Some(ok.to_string())
        }
        Err((code, message)) => {
            action_error(ctx, id, name, &code, &message, "ERROR", error, end);
            Some(error.to_string())
        }
    }
}

/// The fs action's operations on sandbox HDFS.
fn run_fs(el: &ActionEl, body: roxmltree::Node) -> Result<(), (String, String)> {
    let ctx = ClusterContext {
        world: el.world.clone(),
        index: el.cluster,
    };
    for op in body.children().filter(|n| n.is_element()) {
        let path = op.attribute("path").unwrap_or("");
        let loc = locate(&ctx, path).ok_or_else(|| {
            (
                "FS001".to_string(),
                format!("Missing scheme in path [{path}]"),
            )
        })?;
        let fs = &el.world.clusters[loc.cluster].hdfs;
        let result = match op.tag_name().name() {
            "mkdir" => fs.mkdirs(&loc.path, &el.user, None).map(|_| ()),
            "delete" => fs.delete(&loc.path, &el.user, true).map(|_| ()),
            "touchz" => {
                if fs.kind(&loc.path).is_some() {
                    Ok(())
                } else {
                    fs.write(&loc.path, &el.user, b"")
                }
            }
            _ => Ok(()),
        };
        result.map_err(|e| ("FS008".to_string(), e.message))?;
    }
    Ok(())
}

/// Appends text to a log file.
async fn append(path: &Path, text: &str) {
    if let Ok(mut f) = tokio::fs::OpenOptions::new().append(true).open(path).await {
        let _ = f.write_all(text.as_bytes()).await;
    }
}

/// A java/spark/hive/... launcher: a synthetic log naming the main class
/// and the evaluated arguments, then the configured outcome.
async fn simulate(
    ctx: &ClusterContext,
    id: &str,
    action_type: &str,
    body: roxmltree::Node<'_, '_>,
    launched: &Launched,
) -> Ending {
    let settings = ctx.world.exec_settings();
    let (user_class, args) = match action_type {
        "java" => (first_text(body, "main-class"), texts(body, "arg")),
        "spark" => (first_text(body, "class"), texts(body, "arg")),
        "hive" | "hive2" => (
            first_text(body, "script").or_else(|| first_text(body, "query")),
            texts(body, "param")
                .into_iter()
                .chain(texts(body, "argument"))
                .collect(),
        ),
        "pig" => (first_text(body, "script"), texts(body, "argument")),
        "sqoop" => (first_text(body, "command"), texts(body, "arg")),
        "distcp" => (None, texts(body, "arg")),
        _ => (None, Vec::new()),
    };
    let mut out = format!(
        "\nOozie Launcher starts\n\nMain class        : {}\n",
        launcher_main(action_type)
    );
    if let Some(c) = &user_class {
        let label = match action_type {
            "java" => "Java main class",
            "spark" => "Spark class",
            "hive" | "hive2" => "Script",
            "sqoop" => "Command",
            _ => "Target",
        };
        out.push_str(&format!("{label:<18}: {c}\n"));
    }
    if let Some(jar) = first_text(body, "jar") {
        out.push_str(&format!("Jar               : {jar}\n"));
    }
    out.push_str("Arguments         :\n");
    for a in &args {
        out.push_str(&format!("                    {a}\n"));
    }
    out.push_str("\n>>> Invoking Main class now >>>\n\n");
    append(&launched.log_dir.join("stdout"), &out).await;
    tokio::select! {
        _ = tokio::time::sleep(settings.duration) => {}
        _ = killed(ctx, id) => return Ending::Killed,
    }
    let code = match settings.outcome {
        ActionOutcome::Succeed => 0,
        ActionOutcome::Fail { exit_code } => exit_code,
    };
    let tail = if code == 0 {
        "\n<<< Invocation of Main class completed <<<\n".to_string()
    } else {
        format!(
            "\nIntercepting System.exit({code})\n\n<<< Invocation of Main class completed <<<\n\nFailing Oozie Launcher, Main Class [{}], exit code [{code}]\n",
            launcher_main(action_type)
        )
    };
    append(&launched.log_dir.join("stdout"), &tail).await;
    Ending::Exited { code, data: None }
}

/// Copies a child's pipe into a log file as it is produced, optionally
/// keeping a copy.
async fn pump(
    mut from: impl tokio::io::AsyncRead + Unpin,
    to: std::path::PathBuf,
    keep: bool,
    line_prefix: Option<&'static str>,
) -> Vec<u8> {
    let mut kept = Vec::new();
    let Ok(mut file) = tokio::fs::OpenOptions::new().append(true).open(&to).await else {
        return kept;
    };
    let mut buf = vec![0u8; 8192];
    // With a prefix, whole lines only (as ShellMain's line reader writes
    // them: prefix + line + newline, the last line too).
    let mut partial: Vec<u8> = Vec::new();
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if keep {
                    kept.extend_from_slice(&buf[..n]);
                }
                match line_prefix {
                    None => {
                        let _ = file.write_all(&buf[..n]).await;
                    }
                    Some(prefix) => {
                        partial.extend_from_slice(&buf[..n]);
                        let mut out = Vec::new();
                        while let Some(i) = partial.iter().position(|b| *b == b'\n') {
                            out.extend_from_slice(prefix.as_bytes());
                            out.extend(partial.drain(..=i));
                        }
                        let _ = file.write_all(&out).await;
                    }
                }
                let _ = file.flush().await;
            }
        }
    }
    if let (Some(prefix), false) = (line_prefix, partial.is_empty()) {
        partial.splice(..0, prefix.bytes());
        partial.push(b'\n');
        let _ = file.write_all(&partial).await;
        let _ = file.flush().await;
    }
    kept
}

/// The shell action: localize `<file>`s, run `<exec>` with its arguments
/// and environment in the container's working directory, stream its
/// output into the container logs.
async fn run_shell(
    ctx: &ClusterContext,
    id: &str,
    el: &ActionEl,
    body: roxmltree::Node<'_, '_>,
    launched: &Launched,
) -> Ending {
    let exec = first_text(body, "exec")
        .unwrap_or_default()
        .trim()
        .to_string();
    let args = texts(body, "argument");
    let capture = body
        .children()
        .any(|n| n.is_element() && n.tag_name().name() == "capture-output");
    let app_dir = if el.app_path.ends_with(".xml") {
        el.app_path
            .rsplit_once('/')
            .map_or(el.app_path.clone(), |(d, _)| d.to_string())
    } else {
        el.app_path.trim_end_matches('/').to_string()
    };
    // Localize files and archives into the working directory.
    for spec in texts(body, "file")
        .into_iter()
        .chain(texts(body, "archive"))
    {
        let spec = spec.trim();
        let (path, link) = match spec.split_once('#') {
            Some((p, l)) => (p.to_string(), l.to_string()),
            None => (
                spec.to_string(),
                spec.rsplit('/').next().unwrap_or(spec).to_string(),
            ),
        };
        let uri = if path.starts_with("hdfs://") || path.starts_with('/') {
            path.clone()
        } else {
            format!("{app_dir}/{path}")
        };
        let bytes = locate(ctx, &uri).and_then(|l| {
            ctx.world.clusters[l.cluster]
                .hdfs
                .read(&l.path, &el.user)
                .ok()
        });
        let Some(bytes) = bytes else {
            return Ending::Error {
                code: "JA008".into(),
                message: format!("File does not exist: {uri}"),
            };
        };
        let target = launched.work_dir.join(&link);
        if tokio::fs::write(&target, bytes).await.is_err() {
            return Ending::Error {
                code: "JA008".into(),
                message: format!("Cannot localize {uri} as {link}"),
            };
        }
        {
            use std::os::unix::fs::PermissionsExt as _;
            let _ = std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755));
        }
    }
    let program = if !exec.contains('/') && launched.work_dir.join(&exec).is_file() {
        launched.work_dir.join(&exec).to_string_lossy().into_owned()
    } else {
        exec.clone()
    };
    let mut command = tokio::process::Command::new(&program);
    command
        .args(&args)
        .current_dir(&launched.work_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .process_group(0)
        .env(
            "OOZIE_ACTION_CONF_XML",
            launched.work_dir.join("action.xml"),
        )
        .env("CONTAINER_ID", &launched.container_id)
        .env("USER", &el.user)
        .env("HADOOP_USER_NAME", &el.user);
    for var in texts(body, "env-var") {
        if let Some((k, v)) = var.split_once('=') {
            command.env(k.trim(), v);
        }
    }
    append(
        &launched.log_dir.join("stdout"),
        "\n>>> Invoking Shell command line now >>\n\n",
    )
    .await;
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            let message = format!(
                "Cannot run program \"{exec}\" (in directory \"{}\"): error={}, {e}",
                launched.work_dir.display(),
                e.raw_os_error().unwrap_or(0)
            );
            append(&launched.log_dir.join("stderr"), &format!("{message}\n")).await;
            return Ending::Error {
                code: "JA018".into(),
                message,
            };
        }
    };
    let pid = child.id();
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    // Real ShellMain copies the command's stdout into the launcher's stdout
    // line by line as "Stdoutput LINE"; its stderr goes to the launcher's
    // stderr as is.
    let out_task = stdout.map(|s| {
        tokio::spawn(pump(
            s,
            launched.log_dir.join("stdout"),
            capture,
            Some("Stdoutput "),
        ))
    });
    let err_task =
        stderr.map(|s| tokio::spawn(pump(s, launched.log_dir.join("stderr"), false, None)));
    let exit = tokio::select! {
        status = child.wait() => status.ok(),
        _ = killed(ctx, id) => None,
    };
    let Some(exit) = exit else {
        if let Some(pid) = pid {
            let _ = tokio::process::Command::new("kill")
                .args(["-KILL", "--", &format!("-{pid}")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await;
        }
        let _ = child.kill().await;
        return Ending::Killed;
    };
    // Give the pipes a moment to drain (background children may hold them).
    let grace = Duration::from_secs(2);
    let captured = match out_task {
        Some(t) => tokio::time::timeout(grace, t)
            .await
            .ok()
            .and_then(Result::ok),
        None => None,
    };
    if let Some(t) = err_task {
        let _ = tokio::time::timeout(grace, t).await;
    }
    let code = exit.code().unwrap_or_else(|| {
        use std::os::unix::process::ExitStatusExt as _;
        128 + exit.signal().unwrap_or(0)
    });
    // Real Oozie 5.2.1 (recorded on the rig): the command's own code is only
    // logged; any non-zero exit fails the launcher with exit code 1.
    let mut tail = format!(
        "Exit code of the Shell command {code}\n<<< Invocation of Shell command completed <<<\n"
    );
    if code != 0 {
        tail.push_str(
            "\nFailing Oozie Launcher, Main Class [org.apache.oozie.action.hadoop.ShellMain], exit code [1]\n",
        );
    }
    append(&launched.log_dir.join("stdout"), &tail).await;
    let code = if code == 0 { 0 } else { 1 };
    let data = if capture {
        captured.map(|bytes| {
            let text = String::from_utf8_lossy(&bytes);
            let mut data = String::new();
            for (k, v) in parse_properties(&text) {
                data.push_str(&format!("{k}={v}\n"));
            }
            data
        })
    } else {
        None
    };
    Ending::Exited { code, data }
}
