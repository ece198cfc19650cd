//! `hjob-sandbox exec -- CMD ARGS…`: a sandbox for the length of one
//! command. It starts the sandbox (in a temp dir unless one was given), runs
//! the command with the sandbox's environment, stops the sandbox, removes
//! the temp dir and hands back the command's exit status.

use std::ffi::OsString;
use std::process::ExitStatus;

use crate::{Sandbox, SandboxOptions};

/// The environment a command run by [`exec`] gets, on top of the caller's:
/// `HJOB_STATE_URL`, `HJOB_ADMIN_TOKEN`, `HJOB_SANDBOX_DIR` (the data
/// directory, removed afterwards unless `--dir` chose it) and
/// `HJOB_DATA_DIR` inside it, so hjob's records of the sandbox's jobs go
/// with the sandbox instead of into the user's own data dir.
pub fn environment(sandbox: &Sandbox) -> Vec<(&'static str, OsString)> {
    vec![
        ("HJOB_STATE_URL", sandbox.state_url().into()),
        ("HJOB_ADMIN_TOKEN", sandbox.admin_token().into()),
        ("HJOB_SANDBOX_DIR", sandbox.dir().as_os_str().to_owned()),
        (
            "HJOB_DATA_DIR",
            sandbox.dir().join("hjob-data").into_os_string(),
        ),
    ]
}

/// Why [`exec`] could not run the command at all.
#[derive(Debug)]
pub enum ExecError {
    /// The sandbox did not start.
    Start(anyhow::Error),
    /// The command could not be started (not found, not executable).
    Spawn {
        /// The program as given.
        program: String,
        /// What the OS said.
        source: std::io::Error,
        /// A hint for the usual cause.
        hint: &'static str,
    },
}

impl std::fmt::Display for ExecError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExecError::Start(e) => write!(f, "the sandbox did not start: {e:#}"),
            ExecError::Spawn {
                program,
                source,
                hint,
            } => write!(f, "cannot run `{program}`: {source}{hint}"),
        }
    }
}

impl std::error::Error for ExecError {}

impl ExecError {
    /// The exit code a shell would use: 127 not found, 126 not runnable,
    /// 2 when the sandbox itself failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            ExecError::Start(_) => 2,
            ExecError::Spawn { source, .. } if source.kind() == std::io::ErrorKind::NotFound => 127,
            ExecError::Spawn { .. } => 126,
        }
    }
}

/// Runs `command` against a fresh sandbox, with [`environment`] added to
/// its own, and returns its exit status once the sandbox has stopped.
/// Ctrl-C reaches the command (it shares the terminal's process group) and
/// the sandbox outlives it, so the command can report and clean up before
/// the sandbox goes away.
pub async fn exec(
    options: SandboxOptions,
    mut command: tokio::process::Command,
) -> Result<ExitStatus, ExecError> {
    let program = command
        .as_std()
        .get_program()
        .to_string_lossy()
        .into_owned();
    let sandbox = Sandbox::start(options).await.map_err(ExecError::Start)?;
    // Catch Ctrl-C before the child exists, so no interrupt can stop the
    // sandbox under it.
    let signals = Signals::catch();
    let spawned = command
        .envs(environment(&sandbox))
        .kill_on_drop(true)
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        Err(source) => {
            sandbox.shutdown().await;
            let hint = if source.kind() == std::io::ErrorKind::NotFound && program == "hjob" {
                " (is it on PATH? ./install.sh puts hjob in ~/.local/bin)"
            } else {
                ""
            };
            return Err(ExecError::Spawn {
                program,
                source,
                hint,
            });
        }
    };
    let status = signals.wait_for(&mut child).await;
    sandbox.shutdown().await;
    Ok(status)
}

/// Ctrl-C and SIGTERM, caught while the command runs.
struct Signals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn catch() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Signals {
                interrupt: signal(SignalKind::interrupt()).ok(),
                terminate: signal(SignalKind::terminate()).ok(),
            }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    /// Waits for the child. Ctrl-C is the child's to handle (the terminal
    /// sends it to the whole process group), so it is ignored here; SIGTERM
    /// stops the child.
    async fn wait_for(mut self, child: &mut tokio::process::Child) -> ExitStatus {
        loop {
            #[cfg(unix)]
            let (interrupted, terminated) =
                (recv(self.interrupt.as_mut()), recv(self.terminate.as_mut()));
            #[cfg(not(unix))]
            let (interrupted, terminated) =
                (std::future::pending::<()>(), std::future::pending::<()>());
            tokio::select! {
                status = child.wait() => {
                    return status.unwrap_or_else(|_| failed_status());
                }
                () = interrupted => {}
                () = terminated => {
                    let _ = child.start_kill();
                }
            }
        }
    }
}

#[cfg(unix)]
async fn recv(signal: Option<&mut tokio::signal::unix::Signal>) {
    match signal {
        Some(s) => {
            s.recv().await;
        }
        None => std::future::pending().await,
    }
}

/// An exit status of 1, for a child whose status could not be read.
fn failed_status() -> ExitStatus {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        ExitStatus::from_raw(1 << 8)
    }
    #[cfg(not(unix))]
    {
        use std::os::windows::process::ExitStatusExt as _;
        ExitStatus::from_raw(1)
    }
}

/// The exit code to leave with: the command's own, or 128 + the signal
/// that ended it, as shells report it.
pub fn exit_code(status: ExitStatus) -> u8 {
    if let Some(code) = status.code() {
        return u8::try_from(code & 0xff).unwrap_or(1);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt as _;
        if let Some(sig) = status.signal() {
            return u8::try_from(128 + (sig & 0x7f)).unwrap_or(1);
        }
    }
    1
}
