//! The hermetic `hjob` command every test target starts from.

use std::path::Path;
use std::process::{Command, Stdio};

/// `hjob` (the binary at `bin`) with nothing of the machine's: no `HJOB_*`,
/// Kerberos or forced-colour variables from outside, HOME and the XDG dirs
/// in `home`, no system config, jobs run as `user`, no colour, no
/// backtraces, no stdin. Callers add the state URL and config they need.
pub fn hjob_in(bin: &Path, home: &Path, user: &str) -> Command {
    let mut cmd = Command::new(bin);
    isolate(&mut cmd, home, user);
    cmd
}

/// The environment of [`hjob_in`], for a command that runs hjob through
/// another program (`prlimit ... hjob state-server`).
pub fn isolate(cmd: &mut Command, home: &Path, user: &str) {
    for (key, _) in std::env::vars() {
        if key.starts_with("HJOB_") || key.starts_with("KRB5") || key == "CLICOLOR_FORCE" {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("HJOB_SYSTEM_CONFIG", "/nonexistent/hjob/config.toml")
        .env("HJOB_USER", user)
        .env("NO_COLOR", "1")
        .env("TERM", "dumb")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
}
