//! `hjob-sandbox exec -- CMD…`: the command gets the sandbox's environment,
//! its exit code becomes the sandbox's, and afterwards the sandbox is
//! stopped and its temp dir removed.

use std::process::Command;

fn sandbox_bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_hjob-sandbox"));
    cmd.env_remove("HJOB_STATE_URL")
        .env_remove("HJOB_ADMIN_TOKEN")
        .env_remove("HJOB_SANDBOX_DIR")
        .args(["--step-delay", "1ms", "--action-duration", "10ms"])
        .stdin(std::process::Stdio::null());
    cmd
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn exec_runs_the_command_with_the_sandbox_env_and_exits_with_its_code() {
    let out = sandbox_bin()
        .args([
            "exec",
            "--",
            "sh",
            "-c",
            r#"printf '%s\n%s\n%s\n' "$HJOB_STATE_URL" "$HJOB_ADMIN_TOKEN" "$HJOB_SANDBOX_DIR"; test -d "$HJOB_SANDBOX_DIR/alpha" || exit 9; exit 7"#,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    let (url, token, dir) = (lines[0], lines[1], lines[2]);
    assert!(url.starts_with("http://127.0.0.1:"), "{said}");
    assert_eq!(token.len(), 32, "{said}");
    // The sandbox is stopped: nothing listens on the state port any more.
    let addr = url.trim_start_matches("http://");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "{addr} still answers"
    );
    // And its temp dir is gone.
    assert!(!std::path::Path::new(dir).exists(), "{dir} was left behind");
    // stdout holds only the command's output: nothing from the sandbox.
    assert!(!said.contains("export "), "{said}");
}

#[test]
fn exec_passes_arguments_verbatim_and_reports_success() {
    let out = sandbox_bin()
        .args(["exec", "--", "printf", "%s|", "--dir", "-x", "a b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "--dir|-x|a b|");
}

#[test]
fn exec_reports_a_command_that_cannot_run_like_a_shell() {
    let out = sandbox_bin()
        .args(["exec", "--", "/nonexistent/hjob-no-such-command"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(127));
    assert!(
        text(&out.stderr).contains("cannot run `/nonexistent/hjob-no-such-command`"),
        "{}",
        text(&out.stderr)
    );

    let none = sandbox_bin().arg("exec").output().unwrap();
    assert_eq!(none.status.code(), Some(2), "{}", text(&none.stderr));
}

#[test]
fn exec_with_a_kept_dir_leaves_it_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("kept");
    let out = sandbox_bin()
        .arg("exec")
        .arg("--dir")
        .arg(&dir)
        .args(["--", "sh", "-c", r#"printf '%s' "$HJOB_SANDBOX_DIR""#])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::path::Path::new(&text(&out.stdout)),
        dir.canonicalize().unwrap()
    );
    assert!(dir.join("alpha").is_dir());
}

/// The hint printed by a long-running sandbox works as written: it no
/// longer suggests `eval "$(hjob-sandbox … | head -2)"`, which never
/// returns because the sandbox keeps running after printing.
#[test]
fn the_long_running_sandbox_suggests_nothing_that_hangs() {
    let tmp = tempfile::tempdir().unwrap();
    let env_file = tmp.path().join("hjob.env");
    let mut child = sandbox_bin()
        .arg("--env-file")
        .arg(&env_file)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The summary is written before it waits for a signal; read stderr up
    // to the "Stop with Ctrl-C." line.
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        let n = std::io::BufRead::read_line(&mut stderr, &mut line).unwrap();
        said.push_str(&line);
        if n == 0 || line.starts_with("Stop with") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(!said.contains("head -2"), "{said}");
    assert!(
        said.contains(&format!(". {}", env_file.display())),
        "{said}"
    );
    assert!(said.contains("hjob-sandbox exec -- "), "{said}");
}
