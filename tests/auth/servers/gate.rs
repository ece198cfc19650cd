//! Hadoop's own SPNEGO server side: `hjob.rig.SpnegoGate` (rig/), Jetty
//! with hadoop-auth's `AuthenticationFilter` (kerberos handler, the
//! `hadoop.auth` cookie) in front of a reverse proxy to a backend. Needs
//! the rig built (`rig/run.sh build`: Java 17, Maven); scripts/test.sh
//! builds it before the tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::httpd::{PROXY_USER_RULES, ProxyRequest, origin};
use super::kdc::Kdc;
use super::process::{self, ServerProcess};

/// The rig directory of this checkout.
fn rig_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("rig")
}

/// The `java` to run: `$JAVA_HOME/bin/java`, else on PATH.
fn java() -> Option<PathBuf> {
    std::env::var_os("JAVA_HOME")
        .map(|h| PathBuf::from(h).join("bin/java"))
        .filter(|p| p.is_file())
        .or_else(|| process::find_tool("java"))
}

/// The class path, or why the gate cannot run here.
pub fn check() -> Result<String, String> {
    let rig = rig_dir();
    java().ok_or("no java (apt-get install openjdk-17-jdk-headless)")?;
    let cp = std::fs::read_to_string(rig.join("target/cp.txt"))
        .map_err(|_| "the rig is not built (rig/run.sh build)".to_string())?;
    if !rig
        .join("target/classes/hjob/rig/SpnegoGate.class")
        .is_file()
    {
        return Err("hjob.rig.SpnegoGate is not compiled (rig/run.sh build)".into());
    }
    Ok(format!(
        "{}:{}:{}",
        rig.join("target/classes").display(),
        rig.join("src/main/resources").display(),
        cp.trim()
    ))
}

/// A running `SpnegoGate` in front of one backend origin.
#[derive(Debug)]
pub struct SpnegoGate {
    // Stopped before the directory is removed (fields drop in order).
    process: Option<ServerProcess>,
    dir: tempfile::TempDir,
    port: u16,
}

impl SpnegoGate {
    /// Starts the gate for `backend` (only its origin is used) with the
    /// KDC's HTTP keytab (every `HTTP/` principal in it is accepted).
    pub fn start(kdc: &Kdc, backend: &str) -> Result<SpnegoGate, String> {
        let classpath = check()?;
        let dir = tempfile::Builder::new()
            .prefix("hjob-spnego-gate-")
            .tempdir()
            .map_err(|e| e.to_string())?;
        let rules: Vec<String> = PROXY_USER_RULES
            .iter()
            .map(|(proxy, users)| format!("{proxy}={}", users.join(",")))
            .collect();
        let mut last = String::new();
        for _ in 0..3 {
            let port = process::free_port();
            let mut command = Command::new(java().ok_or("no java")?);
            command
                .env_remove("KRB5CCNAME")
                .env_remove("KRB5_CONFIG")
                .env_remove("JAVA_TOOL_OPTIONS")
                .args(["-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"])
                .arg("-Djava.net.preferIPv4Stack=true")
                .arg(format!(
                    "-Djava.security.krb5.conf={}",
                    kdc.krb5_conf().display()
                ))
                .arg("-cp")
                .arg(&classpath)
                .arg("hjob.rig.SpnegoGate")
                .arg(port.to_string())
                .arg(origin(backend))
                .arg(kdc.http_keytab())
                .arg("*")
                .arg(dir.path().join("access.log"))
                .arg(rules.join(";"));
            let mut server =
                ServerProcess::spawn("SpnegoGate (java)", command, &dir.path().join("gate.log"))?;
            match server.wait_for_ports(&[port], &[]) {
                Ok(()) => {
                    return Ok(SpnegoGate {
                        process: Some(server),
                        dir,
                        port,
                    });
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    /// `http://localhost:P` (the backend's paths under it).
    pub fn url(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// Every request so far, oldest first (frontend `gate`; logged before
    /// the answer completes, so no wait is needed).
    pub fn requests(&self) -> Vec<ProxyRequest> {
        super::httpd::parse_log(&process::read_lossy(&self.dir.path().join("access.log")))
    }

    /// Every request once at least `n` are logged (the gate logs a request
    /// after its answer may have reached the client), or what is there
    /// after 10 s.
    pub fn requests_at_least(&self, n: usize) -> Vec<ProxyRequest> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let requests = self.requests();
            if requests.len() >= n || std::time::Instant::now() >= deadline {
                return requests;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    /// Requests that carried `Authorization: Negotiate`.
    pub fn negotiate_handshakes(&self) -> usize {
        self.requests().iter().filter(|r| r.negotiate).count()
    }

    /// Distinct authenticated short names, sorted.
    pub fn users_seen(&self) -> Vec<String> {
        let mut users: Vec<String> = self.requests().into_iter().filter_map(|r| r.user).collect();
        users.sort();
        users.dedup();
        users
    }

    /// The JVM's output (hadoop-auth's log).
    pub fn log(&self) -> String {
        process::read_lossy(&self.dir.path().join("gate.log"))
    }

    /// The gate's directory (access log, JVM output).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
