//! Child processes of the auth rig: finding the tools (also in `/usr/sbin`,
//! which is not on a normal user's PATH), free loopback ports, waiting for
//! readiness by polling, and stopping what we started on drop.

use std::ffi::OsStr;
use std::io::Read as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How long a server may take to start before the rig gives up.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Directories searched for tools after `PATH` (Debian puts `krb5kdc`,
/// `kadmin.local`, `kdb5_util` and `apache2` in `/usr/sbin`).
const SBIN: [&str; 3] = ["/usr/sbin", "/sbin", "/usr/local/sbin"];

/// The full path of a tool on `PATH` or in an sbin directory.
pub fn find_tool(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(SBIN.iter().map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// `find_tool`, or an error naming the Debian package that has it.
pub fn tool(name: &str) -> Result<PathBuf, String> {
    find_tool(name).ok_or_else(|| {
        let package = crate::servers::package_for(name);
        format!("{name} not found (apt-get install {package})")
    })
}

/// A loopback port that was free a moment ago (the OS picks it).
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("binding an ephemeral loopback port")
}

/// Runs a setup command to completion; an error carries its output.
pub fn run(command: &mut Command) -> Result<Output, String> {
    let shown = describe(command);
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{shown}: {}\nstdout: {}\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stdout).trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Runs a command with `input` on stdin (how passwords reach `kinit` and
/// `htpasswd`, never through argv).
pub fn run_with_stdin(command: &mut Command, input: &str) -> Result<Output, String> {
    use std::io::Write as _;
    let shown = describe(command);
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{shown}: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .map_err(|e| format!("{shown}: writing stdin: {e}"))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{shown}: {}\nstderr: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Program and arguments, for error messages (setup commands carry no
/// secrets in argv: passwords go through stdin).
fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(OsStr::to_string_lossy)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A server started by the rig: stopped (SIGTERM, then SIGKILL) on drop.
#[derive(Debug)]
pub struct ServerProcess {
    name: String,
    child: Option<Child>,
    log: PathBuf,
}

impl ServerProcess {
    /// Starts `command` with stdout and stderr going to `log`.
    pub fn spawn(name: &str, mut command: Command, log: &Path) -> Result<ServerProcess, String> {
        let out = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .map_err(|e| format!("starting {name}: {e}"))?;
        Ok(ServerProcess {
            name: name.to_string(),
            child: Some(child),
            log: log.to_path_buf(),
        })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// Polls until every port accepts connections; fails early (with the
    /// logs) when the process exits.
    pub fn wait_for_ports(&mut self, ports: &[u16], logs: &[&Path]) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        let mut pending: Vec<u16> = ports.to_vec();
        while !pending.is_empty() {
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!(
                    "{} exited during startup ({status}){}",
                    self.name,
                    self.logs_text(logs)
                ));
            }
            pending.retain(|&port| {
                let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
                TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err()
            });
            if pending.is_empty() {
                break;
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "{} did not listen on {pending:?} within {START_TIMEOUT:?}{}",
                    self.name,
                    self.logs_text(logs)
                ));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    fn logs_text(&self, logs: &[&Path]) -> String {
        let mut text = String::new();
        for path in std::iter::once(self.log.as_path()).chain(logs.iter().copied()) {
            let content = read_lossy(path);
            if !content.trim().is_empty() {
                text.push_str(&format!(
                    "\n--- {} ---\n{}",
                    path.display(),
                    tail(&content, 40)
                ));
            }
        }
        text
    }

    /// Stops the process: SIGTERM, then SIGKILL after 5 s.
    pub fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        let pid = rustix::process::Pid::from_child(&child);
        let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A file's content as text (empty when missing).
pub fn read_lossy(path: &Path) -> String {
    let mut bytes = Vec::new();
    if let Ok(mut f) = std::fs::File::open(path) {
        let _ = f.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The last `n` lines of `text`.
pub fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Random lowercase hex from the OS (passwords, keys).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut buf))
        .expect("reading /dev/urandom");
    hex::encode(buf)
}

/// Whether this process runs as root (then httpd drops to `nobody`, and
/// what it reads after startup must be readable by that user).
pub fn running_as_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Sets a file's mode.
pub fn chmod(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {}: {e}", path.display()))
}
