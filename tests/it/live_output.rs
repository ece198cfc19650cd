//! The job's own output inside `run` and `wait` (streamed from the
//! NodeManager while the job runs, each byte once), and the probable cause
//! of a failure (the failed action's error and the last 20 lines of its
//! stderr) in `run`, `wait` and `status`, human and JSON.

use std::io::{BufRead, BufReader, Read};
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use crate::e2e::{World, json_doc, text};

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// A job that writes, then waits for `flag` to exist (at most 60 s), then
/// writes again: the test creates the flag once it saw the first output,
/// which proves that output arrived while the job was still running.
fn two_phase_script(flag: &std::path::Path) -> String {
    format!(
        "echo out-1; echo err-1 >&2; i=0; while [ ! -e '{}' ]; do i=$((i+1)); [ $i -gt 1200 ] && exit 9; sleep 0.05; done; echo out-2; printf 'no newline'; echo err-2 >&2",
        flag.display()
    )
}

#[test]
fn run_streams_the_jobs_output_while_it_runs_once_and_plain_in_pipes() {
    let world = World::new();
    let tmp = tempfile::tempdir().unwrap();
    let flag = tmp.path().join("go");
    let mut child = world
        .hjob()
        .args(["run", "shell", "--", "sh", "-c", &two_phase_script(&flag)])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr_pipe = child.stderr.take().unwrap();
    let stderr_reader = std::thread::spawn(move || {
        let mut all = String::new();
        BufReader::new(stderr_pipe)
            .read_to_string(&mut all)
            .unwrap();
        all
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !first.contains("Stdoutput out-1\n") {
        assert!(Instant::now() < deadline, "no live output: {first}");
        let mut line = String::new();
        if stdout.read_line(&mut line).unwrap() == 0 {
            panic!("stdout closed before the job's output came: {first}");
        }
        first.push_str(&line);
    }
    // The job is still waiting for the flag: its output came live.
    std::fs::write(&flag, b"").unwrap();
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    let stderr = stderr_reader.join().unwrap();
    let stdout = format!("{first}{rest}");
    assert_eq!(status.code(), Some(0), "{stderr}");
    // Each byte once, in order, before the summary; plain (no prefixes).
    assert_eq!(stdout.matches("out-1").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("out-2").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("no newline").count(), 1, "{stdout}");
    // In order, as the launcher writes it (ShellMain prefixes each line of
    // the command's stdout with "Stdoutput "), and the summary starts a
    // line of its own after it.
    let one = stdout.find("Stdoutput out-1\n").expect("out-1");
    let two = stdout.find("Stdoutput out-2\n").expect("out-2");
    let last = stdout.find("Stdoutput no newline\n").expect("no newline");
    let summary = stdout.find("\n✓ ").expect("a summary line");
    assert!(one < two && two < last && last < summary, "{stdout}");
    assert!(stdout.contains("SUCCEEDED"), "{stdout}");
    assert!(!stdout.contains("End of LogType"), "{stdout}");
    assert!(
        !stdout.contains('│') && !stderr.contains('│'),
        "{stdout}{stderr}"
    );
    assert_eq!(stderr.matches("err-1\n").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("err-2\n").count(), 1, "{stderr}");
    // Interleaved with the status lines on stderr.
    let submitted = stderr.find("submitted ").expect("a submitted line");
    assert!(stderr.find("err-1").unwrap() > submitted, "{stderr}");
}

#[test]
fn no_follow_turns_the_stream_off_in_run_and_wait() {
    let world = World::new();
    let out = world.run(&["run", "shell", "--no-follow", "--", "echo", "marker-7f3"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        !text(&out.stdout).contains("marker-7f3"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        !text(&out.stderr).contains("marker-7f3"),
        "{}",
        text(&out.stderr)
    );

    let detached = world.run(&[
        "run",
        "shell",
        "--detach",
        "--output",
        "json",
        "--",
        "echo",
        "marker-9c1",
    ]);
    let id = json_doc(&detached)["id"].as_str().unwrap().to_owned();
    let quiet = world.run(&["wait", &id, "--no-follow"]);
    assert_eq!(code(&quiet), 0, "{}", text(&quiet.stderr));
    assert!(!text(&quiet.stdout).contains("marker-9c1"));
    // Without it, `wait` shows what the job wrote, once.
    let shown = world.run(&["wait", &id]);
    assert_eq!(code(&shown), 0, "{}", text(&shown.stderr));
    assert_eq!(
        text(&shown.stdout).matches("marker-9c1\n").count(),
        1,
        "{}",
        text(&shown.stdout)
    );
}

/// 25 numbered stderr lines, then exit 3.
const FAILING: &str = "i=1; while [ $i -le 25 ]; do echo \"problem line $i\" >&2; i=$((i+1)); done; echo fine; exit 3";

#[test]
fn a_failed_job_shows_its_probable_cause_above_the_log_link() {
    let world = World::new();
    let out = world.run(&["run", "shell", "--", "sh", "-c", FAILING]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let summary = text(&out.stdout);
    let at = summary.find("FAILED").expect("a FAILED summary");
    let summary = &summary[at..];
    let cause = summary.find("cause:").expect("a cause line");
    let tail = summary
        .find("stderr of action shell")
        .expect("the stderr tail");
    let logs = summary.find("logs:").expect("a log link");
    assert!(cause < tail && tail < logs, "{summary}");
    assert!(summary.contains("exit code [1]"), "{summary}");
    // Oozie says [1] for any exit; the launcher's log has the command's own.
    assert!(
        summary.contains("the shell command exited 3\n"),
        "{summary}"
    );
    for n in 6..=25 {
        assert!(
            summary.contains(&format!("    problem line {n}\n")),
            "{n}: {summary}"
        );
    }
    assert!(!summary.contains("problem line 5\n"), "{summary}");

    // `status` and `wait` say the same.
    let doc = json_doc(&world.run(&["list", "--output", "json"]));
    let id = doc["jobs"][0]["id"].as_str().unwrap().to_owned();
    for args in [
        vec!["status", id.as_str()],
        vec!["wait", id.as_str(), "--no-follow"],
    ] {
        let again = world.run(&args);
        let said = text(&again.stdout);
        assert!(said.contains("    problem line 25\n"), "{args:?}: {said}");
        assert!(said.find("stderr of action").unwrap() < said.find("logs:").unwrap());
    }
}

#[test]
fn json_keeps_stdout_for_the_document_and_carries_the_stderr_tail() {
    let world = World::new();
    let out = world.run(&[
        "run", "shell", "--output", "json", "--", "sh", "-c", FAILING,
    ]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    let error = &doc["error"];
    assert_eq!(error["action"], "shell", "{doc}");
    assert!(
        error["message"].as_str().unwrap().contains("exit code [1]"),
        "{doc}"
    );
    assert_eq!(error["command_exit_code"], 3, "{doc}");
    let tail = error["stderr_tail"].as_str().unwrap();
    assert_eq!(tail.lines().count(), 20, "{tail}");
    assert!(
        tail.starts_with("problem line 6\n") && tail.ends_with("problem line 25\n"),
        "{tail}"
    );
    // The streamed output went to stderr, whole.
    let stderr = text(&out.stderr);
    assert_eq!(stderr.matches("problem line 1\n").count(), 1, "{stderr}");
    assert_eq!(stderr.matches("fine\n").count(), 1, "{stderr}");
    // `status --output json` carries it too.
    let id = doc["id"].as_str().unwrap();
    let status = json_doc(&world.run(&["status", id, "--output", "json"]));
    assert_eq!(status["error"]["stderr_tail"], error["stderr_tail"]);
    // A job that succeeded has no error object.
    let ok = world.run(&["run", "shell", "--output", "json", "--", "true"]);
    assert!(json_doc(&ok)["error"].is_null());
}

/// With YARN down, `run` still reports the job: its ending and Oozie's
/// cause, without the output or the stderr tail it cannot read.
#[test]
fn yarn_down_costs_the_output_but_never_the_report() {
    let world = World::new();
    world
        .sandbox
        .service_down(hjob_sandbox::Service::ResourceManager, true);
    let out = world.run(&[
        "run", "shell", "--output", "json", "--", "sh", "-c", FAILING,
    ]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["status"], "FAILED");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("exit code [1]")
    );
    assert!(doc["error"]["stderr_tail"].is_null(), "{doc}");
    assert!(
        !text(&out.stderr).contains("problem line"),
        "{}",
        text(&out.stderr)
    );
}

/// A burst larger than one poll's window (a real Oozie launcher dumps its
/// whole class path at start) is still shown whole: every line once.
#[test]
fn a_burst_larger_than_the_poll_window_is_shown_whole() {
    let world = World::new();
    // ~290 KB in one go, several times hjob's 64 KiB window.
    let out = world.run(&["run", "shell", "--", "seq", "1", "50000"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("bytes skipped"), "a gap was shown");
    let numbers: Vec<u32> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Stdoutput "))
        .filter_map(|n| n.parse().ok())
        .collect();
    assert_eq!(numbers, (1..=50_000).collect::<Vec<u32>>());
}
