//! The job's own output: each real action's launcher stdout and stderr,
//! read from the NodeManagers while the job runs (`hjob run`, `hjob wait`,
//! `hjob logs --follow`), and the tail of a failed action's stderr for the
//! probable cause. It never prints: callers hand the chunks to the reporter.

use std::collections::BTreeMap;

use crate::oozie::{Action, WorkflowJob};
use crate::yarn::{AmContainer, YarnClient};

/// How much of a log one poll asks for while following.
pub const FOLLOW_WINDOW: u64 = 64 * 1024;
/// The most one poll reads to catch up with a log that grew faster than
/// [`FOLLOW_WINDOW`]; past it, the skipped bytes are marked as such.
pub const CATCH_UP_MAX: u64 = 16 * 1024 * 1024;

/// How many lines of a failed action's stderr the probable cause shows.
pub const STDERR_TAIL_LINES: usize = 20;

/// One of a launcher's two output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stream {
    Stdout,
    Stderr,
}

impl Stream {
    /// The NodeManager's name for the log file.
    pub fn file(self) -> &'static str {
        match self {
            Stream::Stdout => "stdout",
            Stream::Stderr => "stderr",
        }
    }
}

/// New output of one action's stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub action: String,
    pub stream: Stream,
    pub text: String,
}

/// The YARN application id of an action (`job_…` ids are MapReduce's name
/// for the same application).
pub(crate) fn application_id(action: &Action) -> Option<String> {
    action
        .external_app()
        .map(|app| app.replacen("job_", "application_", 1))
}

/// Follows every real action's stdout and stderr, handing out each byte
/// once, however often it is polled.
#[derive(Debug)]
pub struct LogFollower {
    yarn: YarnClient,
    containers: BTreeMap<String, AmContainer>,
    seen: BTreeMap<(String, Stream), u64>,
}

impl LogFollower {
    /// A follower reading through this ResourceManager.
    pub fn new(yarn: YarnClient) -> Self {
        LogFollower {
            yarn,
            containers: BTreeMap::new(),
            seen: BTreeMap::new(),
        }
    }

    /// What the job's actions wrote since the last poll, in action order,
    /// stdout before stderr. Logs not there yet (no application, no
    /// container, the NodeManager unreachable) are tried again next time.
    ///
    /// Cancel-safe: what was read is only marked as seen when it is
    /// returned, so a poll dropped half-way loses nothing.
    pub async fn poll(&mut self, job: &WorkflowJob) -> Vec<Chunk> {
        let mut chunks = Vec::new();
        let mut seen = Vec::new();
        for action in job.real_actions() {
            let Some(app) = application_id(action) else {
                continue;
            };
            if !self.containers.contains_key(&app) {
                match self.yarn.am_container(&app).await {
                    Ok(Some(container)) => {
                        self.containers.insert(app.clone(), container);
                    }
                    Ok(None) => continue,
                    Err(e) => {
                        tracing::debug!("no AM container for {app} yet: {e:#}");
                        continue;
                    }
                }
            }
            let container = &self.containers[&app];
            for stream in [Stream::Stdout, Stream::Stderr] {
                let key = (app.clone(), stream);
                let offset = self.seen.get(&key).copied().unwrap_or(0);
                // A launcher may write more between two polls than one
                // window holds (a real Oozie launcher dumps its class path):
                // then the gap is read too, so that every byte is shown.
                let mut window = FOLLOW_WINDOW;
                let mut reads = 0;
                let tail = loop {
                    reads += 1;
                    let tail = match self
                        .yarn
                        .container_log_tail(container, stream.file(), window)
                        .await
                    {
                        Ok(Some(tail)) => tail,
                        Ok(None) => break None,
                        Err(e) => {
                            tracing::debug!("{} of {app}: {e:#}", stream.file());
                            break None;
                        }
                    };
                    let start = tail.total.saturating_sub(tail.text.len() as u64);
                    if offset >= start || window >= CATCH_UP_MAX || reads >= 4 {
                        break Some(tail);
                    }
                    // Room for as much again: the log may still be
                    // growing as fast while this read is under way.
                    window = (2 * (tail.total - offset) + FOLLOW_WINDOW).min(CATCH_UP_MAX);
                };
                let Some(tail) = tail else {
                    continue;
                };
                let new = tail.after(offset);
                seen.push((key, tail.total.max(offset)));
                if !new.is_empty() {
                    chunks.push(Chunk {
                        action: action.name.clone(),
                        stream,
                        text: new,
                    });
                }
            }
        }
        self.seen.extend(seen);
        chunks
    }
}

/// What the failed action's launcher logs say about its failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FailureLogs {
    /// The last lines of its stderr.
    pub stderr_tail: Option<String>,
    /// A shell action's own exit code. Oozie reports any non-zero exit of a
    /// shell command as the launcher's `exit code [1]` (checked on a real
    /// Oozie 5.2.1); ShellMain writes the command's code to the launcher's
    /// stdout as `Exit code of the Shell command N`.
    pub command_exit_code: Option<i32>,
}

/// Reads the failed action's logs from YARN, when it still has them;
/// nothing when there is no failed action, or no log.
pub async fn failure_logs(yarn: &YarnClient, job: &WorkflowJob, lines: usize) -> FailureLogs {
    let Some(action) = job.failed_action() else {
        return FailureLogs::default();
    };
    let Some(app) = application_id(action) else {
        return FailureLogs::default();
    };
    let container = match yarn.am_container(&app).await {
        Ok(Some(c)) => c,
        Ok(None) => return FailureLogs::default(),
        Err(e) => {
            tracing::debug!("no AM container for {app}: {e:#}");
            return FailureLogs::default();
        }
    };
    let tail = |stream: Stream| {
        let container = &container;
        let app = &app;
        async move {
            match yarn
                .container_log_tail(container, stream.file(), FOLLOW_WINDOW)
                .await
            {
                Ok(t) => t.map(|t| t.text),
                Err(e) => {
                    tracing::debug!("{} of {app}: {e:#}", stream.file());
                    None
                }
            }
        }
    };
    let stderr_tail = tail(Stream::Stderr)
        .await
        .and_then(|t| last_lines(&t, lines));
    let command_exit_code = if action.kind == "shell" {
        tail(Stream::Stdout)
            .await
            .and_then(|t| shell_command_exit_code(&t))
    } else {
        None
    };
    FailureLogs {
        stderr_tail,
        command_exit_code,
    }
}

/// The last `Exit code of the Shell command N` that ShellMain wrote.
pub fn shell_command_exit_code(launcher_stdout: &str) -> Option<i32> {
    launcher_stdout
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("Exit code of the Shell command "))
        .and_then(|n| n.trim().parse().ok())
}

/// The last `n` lines of `text` (each ending in a newline), or `None` when
/// it has no visible content.
pub fn last_lines(text: &str, n: usize) -> Option<String> {
    let trimmed = text.trim_end_matches(['\n', '\r']);
    if trimmed.trim().is_empty() || n == 0 {
        return None;
    }
    let all: Vec<&str> = trimmed.split('\n').collect();
    let start = all.len().saturating_sub(n);
    let mut out = all[start..].join("\n");
    out.push('\n');
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shell_commands_own_exit_code_is_read_from_shellmains_output() {
        let stdout = ">>> Invoking Shell command line now >>\n\nStdoutput Exit code of the Shell command 3\nExit code of the Shell command 7\n<<< Invocation of Shell command completed <<<\n";
        assert_eq!(shell_command_exit_code(stdout), Some(7));
        assert_eq!(shell_command_exit_code("Stdoutput hello\n"), None);
    }

    #[test]
    fn last_lines_keeps_the_end() {
        assert_eq!(last_lines("a\nb\nc\n", 2).as_deref(), Some("b\nc\n"));
        assert_eq!(last_lines("a\nb", 5).as_deref(), Some("a\nb\n"));
        assert_eq!(last_lines("\n\n", 5), None);
        assert_eq!(last_lines("", 5), None);
    }
}
