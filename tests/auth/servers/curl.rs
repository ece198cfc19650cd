//! `curl` as an independent client of the rig (SPNEGO with `--negotiate`,
//! Basic with `-u`, TLS with `--cacert`), hermetic: no `.curlrc`, no
//! proxies from the environment, no system CA bundle override.

use std::path::Path;
use std::process::Command;

use super::process;

/// What one curl run gave.
#[derive(Debug, Clone)]
pub struct CurlOutput {
    /// curl's exit code (0 = transfer done; 60 = certificate problem).
    pub exit_code: i32,
    /// HTTP status of the last response (0 if none).
    pub status: u16,
    /// Response headers (of every response when following redirects).
    pub headers: String,
    /// Response body.
    pub body: String,
    /// curl's stderr (`-sS`: errors only).
    pub stderr: String,
}

impl CurlOutput {
    /// The value of the last response's header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.headers
            .lines()
            .rfind(|l| l.to_ascii_lowercase().starts_with(&prefix))
            .map(|l| l[prefix.len()..].trim().to_string())
    }
}

/// A curl command with a clean environment plus `env` (e.g. from
/// [`Kdc::env`](super::Kdc::env)).
pub fn command(env: &[(String, std::ffi::OsString)]) -> Command {
    let mut command = Command::new(process::find_tool("curl").unwrap_or_else(|| "curl".into()));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", "/nonexistent")
        .args(["-q", "-sS", "--noproxy", "*", "--max-time", "30"]);
    for (k, v) in env {
        command.env(k, v);
    }
    command
}

/// Runs a curl command with `args` and collects status, headers and body
/// (through files in `scratch`).
pub fn run(mut command: Command, scratch: &Path, args: &[&str]) -> CurlOutput {
    let id = process::random_hex(4);
    let headers = scratch.join(format!("curl-{id}.headers"));
    let body = scratch.join(format!("curl-{id}.body"));
    let output = command
        .arg("-D")
        .arg(&headers)
        .arg("-o")
        .arg(&body)
        .args(["-w", "%{http_code}"])
        .args(args)
        .output()
        .expect("curl runs");
    let result = CurlOutput {
        exit_code: output.status.code().unwrap_or(-1),
        status: String::from_utf8_lossy(&output.stdout)
            .trim()
            .parse()
            .unwrap_or(0),
        headers: process::read_lossy(&headers),
        body: process::read_lossy(&body),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    let _ = std::fs::remove_file(headers);
    let _ = std::fs::remove_file(body);
    result
}
