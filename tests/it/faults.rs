//! The reliability issue, item by item, against the sandbox's fault hooks
//! (and, for statuses the sandbox does not make, a tiny scripted state
//! service on loopback): retries of idempotent calls only, a lost submit
//! answer never making a second job, Oozie outages during a wait, Ctrl-C
//! at every step (staging, the submit POST, the wait, the kill), re-attach
//! after SIGKILL, cut-off and truncated uploads, a bad state service, and
//! closed pipes. Every wait is a poll with a deadline, and the settings are
//! scaled down (millisecond backoff, 20 ms polls, a one-second outage).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use hjob_sandbox::{RequestRecord, Sandbox, Service};
use serde_json::Value;

use super::e2e::{World, held_job, json_doc, text, wait_for_running_job, write_file};

/// Fast settings (millisecond backoff, 20 ms polls) as a config file:
/// `top` holds top-level keys; `http` and `wait` hold `key = value` lines
/// that replace or add to those tables' defaults here.
fn settings(top: &str, http: &str, wait: &str) -> String {
    fn table(name: &str, defaults: &[(&str, &str)], extra: &str) -> String {
        let mut text = format!("[{name}]\n");
        for (key, value) in defaults {
            let overridden = extra
                .lines()
                .any(|l| l.split('=').next().is_some_and(|k| k.trim() == *key));
            if !overridden {
                text.push_str(&format!("{key} = \"{value}\"\n"));
            }
        }
        text.push_str(extra);
        text.push('\n');
        text
    }
    let http = table(
        "http",
        &[
            ("timeout", "5s"),
            ("backoff_initial", "5ms"),
            ("backoff_max", "20ms"),
            ("state_deadline", "3s"),
        ],
        http,
    );
    let wait = table(
        "wait",
        &[
            ("poll_initial", "20ms"),
            ("poll_max", "50ms"),
            ("outage_limit", "10s"),
        ],
        wait,
    );
    format!("{top}\n{http}{wait}")
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// A running `hjob` whose stderr is read as it comes, so a test can wait
/// for a line before acting.
struct Running {
    child: Child,
    stderr: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

impl Running {
    fn spawn(world: &World, args: &[&str]) -> Running {
        let mut child = world
            .hjob()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().unwrap();
        let sink = stderr.clone();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let mut s = sink.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        Running {
            child,
            stderr,
            reader: Some(reader),
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the exit (at most `limit`); returns code, stdout, stderr.
    fn finish(mut self, limit: Duration) -> (i32, String, String) {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "hjob did not exit within {limit:?}; stderr:\n{}",
                    self.stderr()
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let mut stdout = String::new();
        if let Some(mut out) = self.child.stdout.take() {
            out.read_to_string(&mut stdout).unwrap();
        }
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        (status.code().unwrap_or(-1), stdout, self.stderr())
    }
}

/// Polls until `condition` holds, for at most `limit`.
fn eventually(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn posts(sandbox: &Sandbox) -> Vec<RequestRecord> {
    sandbox
        .requests(Service::Oozie)
        .into_iter()
        .filter(|r| r.method == "POST")
        .collect()
}

fn op(record: &RequestRecord) -> String {
    record
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("op="))
        .unwrap_or("")
        .to_owned()
}

fn job_status(world: &World, id: &str) -> String {
    let out = world.run(&["status", id, "--output", "json"]);
    json_doc(&out)["status"].as_str().unwrap_or("").to_owned()
}

/// GETFILESTATUS through the NameNode with a bare HTTP client: the status
/// line's code.
fn hdfs_status_code(world: &World, path: &str) -> u16 {
    let url = format!(
        "{}{}?op=GETFILESTATUS&user.name=alice",
        world.sandbox.cluster("alpha").webhdfs_url(),
        path
    );
    let parsed = url::Url::parse(&url).unwrap();
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", parsed.port().unwrap())).unwrap();
    write!(
        stream,
        "GET {}?{} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
        parsed.path(),
        parsed.query().unwrap_or("")
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

// ---------------------------------------------------------------- item 1

/// A state service that answers the given statuses in turn, then the
/// sandbox's state document; it counts the requests it saw.
struct ScriptedState {
    url: String,
    seen: Arc<AtomicUsize>,
}

impl ScriptedState {
    fn start(statuses: &[u16], document: &Value) -> ScriptedState {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let mut script: Vec<u16> = statuses.to_vec();
        script.reverse();
        let body = document.to_string();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { return };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                // Read the head (a GET has no body).
                while reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    if line == "\r\n" || line == "\n" {
                        break;
                    }
                    line.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let (status, payload, ctype) = match script.pop() {
                    Some(s) => (s, format!("scripted {s}\n"), "text/plain"),
                    None => (200, body.clone(), "application/json"),
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{payload}",
                    payload.len()
                );
            }
        });
        ScriptedState { url, seen }
    }

    fn seen(&self) -> usize {
        self.seen.load(Ordering::SeqCst)
    }
}

#[test]
fn idempotent_calls_retry_408_429_5xx_and_connect_errors_but_no_other_4xx() {
    let world = World::new();
    world.configure(&settings("", "retries = 4", ""));
    // 408, 429 and 503 are retried; the fourth try gets the document.
    let state = ScriptedState::start(&[408, 429, 503], world.sandbox.state_document());
    let out = world
        .hjob()
        .env("HJOB_STATE_URL", &state.url)
        .args(["run", "shell", "--detach", "--output", "json", "--", "true"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // Four tries for the first lookup, one for the check right before the
    // submit.
    assert_eq!(state.seen(), 5);
    // Other 4xx are answers, not blips: one try, exit 4, nothing submitted.
    for status in [400, 403, 404] {
        let state = ScriptedState::start(&[status], world.sandbox.state_document());
        let before = posts(&world.sandbox).len();
        let out = world
            .hjob()
            .env("HJOB_STATE_URL", &state.url)
            .args(["run", "shell", "--", "true"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 4, "{status}: {}", text(&out.stderr));
        assert_eq!(state.seen(), 1, "{status} must not be retried");
        assert_eq!(posts(&world.sandbox).len(), before);
    }
    // Connection refused is retried as often as configured, then exit 4
    // naming the service, the URL without its credentials, and the error.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let out = world
        .hjob()
        .env(
            "HJOB_STATE_URL",
            format!("http://bob:hunter2@127.0.0.1:{port}"),
        )
        .args(["run", "shell", "--", "true"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "state service at http://127.0.0.1:{port}/v1/state"
        )) && err.contains("connection failed"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    // Oozie reads (info) retry 503 exactly `retries` times, then exit 4
    // with the URL and Oozie's last error.
    let out = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
    let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
    world.sandbox.clear_requests();
    world.sandbox.fail_next(Service::Oozie, 1000);
    let out = world.run(&["status", &id, "--cluster", "alpha"]);
    world.sandbox.clear_faults();
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    let oozie = world.sandbox.cluster("alpha").oozie;
    assert!(
        err.contains(&format!("Oozie at {oozie}")) && err.contains("E0002"),
        "{err}"
    );
    assert_eq!(world.sandbox.requests(Service::Oozie).len(), 4);
    // NameNode (GETFILESTATUS, MKDIRS) and DataNode (CREATE with overwrite)
    // blips during staging are ridden out: one job, which runs.
    world.sandbox.fail_next(Service::NameNode, 2);
    world.sandbox.fail_next(Service::DataNode, 2);
    let out = world.run(&["run", "shell", "--output", "json", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["status"], "SUCCEEDED");
}

// ---------------------------------------------------------------- item 2

#[test]
fn a_connection_reset_after_the_submit_never_makes_a_second_job() {
    for resets in 1..=3 {
        let world = World::new();
        world.configure(&settings("", "", ""));
        world.sandbox.reset_after_submit(resets);
        let out = world.run(&["run", "shell", "--output", "json", "--", "true"]);
        assert_eq!(code(&out), 0, "resets={resets}: {}", text(&out.stderr));
        let doc = json_doc(&out);
        assert_eq!(doc["status"], "SUCCEEDED", "{doc}");
        let jobs = world.oozie_jobs("alpha");
        assert_eq!(jobs.len(), 1, "resets={resets}: {jobs:?}");
        assert_eq!(jobs[0]["id"], doc["id"]);
        // Found by its own submission id, not resubmitted.
        assert_eq!(posts(&world.sandbox).len(), 1, "resets={resets}");
        assert!(
            text(&out.stderr).contains("checking whether Oozie created the job"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_lost_answer_is_looked_up_by_name_even_when_the_filter_cannot_carry_it() {
    // Oozie narrows the lookup to the job's name; a name with `;` and `=`
    // (which its filter cannot carry: E0420) is matched over the pages.
    let world = World::new();
    let out = world.run(&["run", "shell", "--detach", "--name", "other", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    for (name, in_filter) in [("nightly", true), ("nightly;v=2", false)] {
        world.sandbox.reset_after_submit(1);
        let out = world.run(&[
            "run", "shell", "--detach", "--output", "json", "--name", name, "--", "true",
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", text(&out.stderr));
        let doc = json_doc(&out);
        assert_eq!(doc["adopted"], true, "{name}: {doc}");
        let lookup = world
            .sandbox
            .requests(Service::Oozie)
            .into_iter()
            .rfind(|r| r.method == "GET" && r.path.ends_with("/v1/jobs"))
            .and_then(|r| r.query)
            .expect("a jobs lookup");
        assert_eq!(
            lookup.contains("name%3Dnightly") || lookup.contains("name=nightly"),
            in_filter,
            "{name}: {lookup}"
        );
    }
    assert_eq!(world.oozie_jobs("alpha").len(), 3);
}

#[test]
fn a_detached_run_says_it_adopted_the_job() {
    // The connection reset after Oozie took the job, or a gateway (Knox, a
    // load balancer) gave up on a slow Oozie with a 504 of its own: hjob
    // finds the job, never fails (leaving it running unseen) nor submits a
    // second one.
    for fault in ["reset", "gateway 504"] {
        let world = World::new();
        match fault {
            "reset" => world.sandbox.reset_after_submit(2),
            _ => world.sandbox.gateway_timeout_after_submit(1),
        }
        let out = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
        assert_eq!(code(&out), 0, "{fault}: {}", text(&out.stderr));
        let doc = json_doc(&out);
        assert_eq!(doc["adopted"], true, "{fault}: {doc}");
        let jobs = world.oozie_jobs("alpha");
        assert_eq!(jobs.len(), 1, "{fault}: {jobs:?}");
        assert_eq!(jobs[0]["id"], doc["id"]);
        assert_eq!(posts(&world.sandbox).len(), 1, "{fault}");
    }
}

#[test]
fn a_refused_submit_then_a_lost_answer_still_makes_one_job() {
    // Safe mode proves no job was made, so the POST goes again; that one's
    // answer is lost, and the lookup adopts the job it made.
    let world = World::new();
    world.configure(&settings("", "", ""));
    world.sandbox.fail_next(Service::Oozie, 1);
    world.sandbox.reset_after_submit(1);
    let out = world.run(&["run", "shell", "--output", "json", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["status"], "SUCCEEDED");
    assert_eq!(world.oozie_jobs("alpha").len(), 1);
    assert_eq!(posts(&world.sandbox).len(), 2);
}

// ---------------------------------------------------------------- item 3

/// Runs a job that holds until the test lets it end (a flag file, so a
/// loaded machine cannot miss its RUNNING window), takes Oozie away while
/// hjob waits, lets the job end with `exit_code` during the outage, then
/// brings Oozie back.
fn ride_out_outage(outage: &str, exit_code: i32, expect_code: i32, expect_status: &str) {
    let world = World::new();
    // The default per-try timeout (5 s here): a loaded machine must not
    // turn a slow poll after the outage into a second outage. A down
    // Oozie refuses or resets connections, so the outage shows at once.
    world.configure(&settings("", "", ""));
    let (flag, script) = held_job(world.home.path(), exit_code);
    let args = [
        "run", "shell", "--output", "json", "--", "sh", "-c", &script,
    ];
    let run = Running::spawn(&world, &args);
    let id = wait_for_running_job(&world, "alpha");
    match outage {
        "down" => world.sandbox.service_down(Service::Oozie, true),
        _ => world.sandbox.fail_next(Service::Oozie, 1_000_000),
    }
    eventually(Duration::from_secs(30), "the outage line", || {
        run.stderr().contains("Oozie unreachable, retrying since")
    });
    std::fs::write(&flag, b"").unwrap();
    // The outage is the scenario: a second (the 30 s, scaled).
    std::thread::sleep(Duration::from_secs(1));
    world.sandbox.clear_faults();
    let (status, stdout, stderr) = run.finish(Duration::from_secs(60));
    assert_eq!(status, expect_code, "{outage}: {stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["status"], expect_status, "{outage}: {doc}");
    assert_eq!(
        stderr.matches("Oozie unreachable, retrying since").count(),
        1,
        "one line per outage: {stderr}"
    );
}

#[test]
fn an_oozie_outage_during_wait_is_ridden_out_with_the_right_ending() {
    ride_out_outage("down", 0, 0, "SUCCEEDED");
    ride_out_outage("503", 0, 0, "SUCCEEDED");
    // The job fails during the outage: hjob still reports FAILED, exit 1.
    ride_out_outage("down", 3, 1, "FAILED");
}

#[test]
fn an_outage_past_the_limit_exits_4_then_wait_reattaches() {
    let world = World::new();
    world.configure(&settings(
        "",
        "timeout = \"300ms\"",
        "outage_limit = \"500ms\"",
    ));
    let (flag, script) = held_job(world.home.path(), 0);
    let run = Running::spawn(&world, &["run", "shell", "--", "sh", "-c", &script]);
    let id = wait_for_running_job(&world, "alpha");
    world.sandbox.service_down(Service::Oozie, true);
    let (status, _, stderr) = run.finish(Duration::from_secs(60));
    world.sandbox.service_down(Service::Oozie, false);
    std::fs::write(&flag, b"").unwrap();
    assert_eq!(status, 4, "{stderr}");
    assert!(
        stderr.contains(&id) && stderr.contains(&format!("hjob wait {id}")),
        "{stderr}"
    );
    // As the hint says: the job went on, and `hjob wait` finds its end.
    let out = world.run(&["wait", &id, "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["status"], "SUCCEEDED");
}

#[test]
fn the_default_outage_limit_and_state_bound_are_fifteen() {
    let world = World::new();
    world.configure("");
    let out = world.run(&["config", "show", "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_doc(&out).to_string();
    for (key, value) in [
        ("wait.outage_limit", "15m"),
        ("http.state_deadline", "15s"),
        ("kill_on_interrupt", "false"),
    ] {
        assert!(
            doc.contains(&format!(
                "{{\"key\":\"{key}\",\"source\":\"default\",\"value\":\"{value}\"}}"
            )),
            "{key}: {doc}"
        );
    }
}

// ---------------------------------------------------------------- item 4

#[test]
fn ctrl_c_during_wait_prints_the_id_and_hints_and_leaves_the_job_running() {
    let world = World::new();
    let run = Running::spawn(
        &world,
        &["run", "shell", "--output", "json", "--", "sleep", "30"],
    );
    let id = wait_for_running_job(&world, "alpha");
    run.signal("INT");
    let (status, stdout, stderr) = run.finish(Duration::from_secs(10));
    assert_eq!(status, 130, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["exit_code"], 130);
    assert!(
        stderr.contains(&format!("hjob wait {id}")) && stderr.contains(&format!("hjob kill {id}")),
        "{stderr}"
    );
    assert_eq!(job_status(&world, &id), "RUNNING");
    world.run(&["kill", &id, "--yes"]);
}

#[test]
fn kill_on_interrupt_from_the_config_key_kills_the_job_first() {
    let world = World::new();
    world.configure(&settings("kill_on_interrupt = true", "", ""));
    let run = Running::spawn(&world, &["run", "shell", "--", "sleep", "30"]);
    let id = wait_for_running_job(&world, "alpha");
    run.signal("INT");
    let (status, _, stderr) = run.finish(Duration::from_secs(10));
    assert_eq!(status, 130, "{stderr}");
    assert!(stderr.contains(&format!("killed {id}")), "{stderr}");
    assert_eq!(job_status(&world, &id), "KILLED");
}

#[test]
fn a_second_ctrl_c_during_the_kill_exits_at_once_with_the_way_back() {
    let world = World::new();
    let run = Running::spawn(
        &world,
        &["run", "shell", "--kill-on-interrupt", "--", "sleep", "30"],
    );
    let id = wait_for_running_job(&world, "alpha");
    // The kill hangs on a slow Oozie; the second Ctrl-C must not wait.
    world
        .sandbox
        .set_latency(Service::Oozie, Duration::from_secs(20));
    run.signal("INT");
    eventually(Duration::from_secs(5), "the killing line", || {
        run.stderr().contains("interrupted: killing")
    });
    run.signal("INT");
    let (status, _, stderr) = run.finish(Duration::from_secs(5));
    assert_eq!(status, 130, "{stderr}");
    // hjob did not wait for the kill: Oozie is still answering it.
    assert!(
        world
            .sandbox
            .requests(Service::Oozie)
            .iter()
            .any(|r| r.method == "PUT" && r.status == 0),
        "no kill in flight: {:?}",
        world.sandbox.requests(Service::Oozie)
    );
    assert!(
        stderr.contains(&format!("hjob wait {id}")) && stderr.contains(&format!("hjob kill {id}")),
        "{stderr}"
    );
    world.sandbox.set_latency(Service::Oozie, Duration::ZERO);
    // The kill never reached Oozie: the job is still there to re-attach to.
    assert_eq!(job_status(&world, &id), "RUNNING");
    world.run(&["kill", &id, "--yes"]);
}

#[test]
fn ctrl_c_during_the_submit_post_finishes_it_and_reports_the_job() {
    let world = World::new();
    world
        .sandbox
        .set_latency(Service::Oozie, Duration::from_millis(700));
    let run = Running::spawn(&world, &["run", "shell", "--", "sleep", "30"]);
    eventually(Duration::from_secs(20), "the submit POST in flight", || {
        posts(&world.sandbox).iter().any(|r| r.status == 0)
    });
    run.signal("INT");
    let (status, stdout, stderr) = run.finish(Duration::from_secs(20));
    world.sandbox.set_latency(Service::Oozie, Duration::ZERO);
    assert_eq!(status, 130, "{stderr}");
    assert!(stderr.contains("interrupted while submitting"), "{stderr}");
    let jobs = world.oozie_jobs("alpha");
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let id = jobs[0]["id"].as_str().unwrap();
    assert_eq!(stdout.trim(), id);
    assert!(
        stderr.contains(&format!("hjob wait {id}")) && stderr.contains(&format!("hjob kill {id}")),
        "{stderr}"
    );
    assert_eq!(job_status(&world, id), "RUNNING");
    world.run(&["kill", id, "--yes"]);
}

#[test]
fn a_second_ctrl_c_during_a_slow_submit_exits_at_once_naming_the_submission() {
    let world = World::new();
    world
        .sandbox
        .set_latency(Service::Oozie, Duration::from_secs(20));
    let run = Running::spawn(&world, &["run", "shell", "--", "true"]);
    eventually(Duration::from_secs(20), "the submit POST in flight", || {
        posts(&world.sandbox).iter().any(|r| r.status == 0)
    });
    run.signal("INT");
    eventually(Duration::from_secs(5), "the submitting note", || {
        run.stderr().contains("interrupted while submitting")
    });
    run.signal("INT");
    let (status, _, stderr) = run.finish(Duration::from_secs(5));
    assert_eq!(status, 130, "{stderr}");
    // hjob did not wait for the submit: Oozie is still answering it.
    assert!(
        posts(&world.sandbox).iter().any(|r| r.status == 0),
        "no submit in flight: {:?}",
        posts(&world.sandbox)
    );
    // What is known: the app name that embeds the submission id.
    assert!(
        stderr.contains("hjob list") && stderr.contains("app name hjob-"),
        "{stderr}"
    );
}

#[test]
fn ctrl_c_during_staging_removes_partial_files_and_submits_nothing() {
    let world = World::new();
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_secs(20));
    let jar = write_file(world.home.path(), "big.jar", &vec![3u8; 3_000_000]);
    let run = Running::spawn(
        &world,
        &[
            "run",
            "java",
            "--jar",
            jar.to_str().unwrap(),
            "--main-class",
            "X",
        ],
    );
    let mut partial = String::new();
    eventually(
        Duration::from_secs(20),
        "an upload in flight",
        || match world
            .sandbox
            .requests(Service::DataNode)
            .into_iter()
            // The jar's (the workflow goes beside it).
            .find(|r| r.method == "PUT" && r.status == 0 && r.path.contains("big.jar"))
        {
            Some(r) => {
                partial = r.path.trim_start_matches("/webhdfs/v1").to_owned();
                true
            }
            None => false,
        },
    );
    run.signal("INT");
    let (status, _, stderr) = run.finish(Duration::from_secs(10));
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    assert_eq!(status, 130, "{stderr}");
    assert!(stderr.contains("nothing was submitted"), "{stderr}");
    assert!(posts(&world.sandbox).is_empty());
    // The partial upload and the run's app dir are gone from HDFS.
    assert!(partial.contains("big.jar"), "{partial}");
    assert_eq!(hdfs_status_code(&world, &partial), 404, "{partial}");
    let app_dir = stderr
        .split('(')
        .find_map(|s| s.strip_prefix("/user/alice/.hjob/runs/"))
        .and_then(|s| s.split(')').next())
        .map(|s| format!("/user/alice/.hjob/runs/{s}"))
        .expect("the staging line names the app dir");
    assert_eq!(hdfs_status_code(&world, &app_dir), 404, "{app_dir}");
}

/// With `--output json`, Ctrl-C during staging prints the documented
/// `{"error": {message, hint, exit_code}}` document, not a bare string.
#[test]
fn ctrl_c_during_staging_with_json_prints_the_error_document() {
    let world = World::new();
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_secs(20));
    let jar = write_file(world.home.path(), "big.jar", &vec![3u8; 300_000]);
    let run = Running::spawn(
        &world,
        &[
            "run",
            "java",
            "--output",
            "json",
            "--jar",
            jar.to_str().unwrap(),
            "--main-class",
            "X",
        ],
    );
    eventually(Duration::from_secs(20), "an upload in flight", || {
        world
            .sandbox
            .requests(Service::DataNode)
            .iter()
            .any(|r| r.method == "PUT" && r.status == 0)
    });
    run.signal("INT");
    let (status, stdout, stderr) = run.finish(Duration::from_secs(10));
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    assert_eq!(status, 130, "{stderr}");
    let doc: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not one JSON document ({e}): {stdout}"));
    assert_eq!(doc["error"]["exit_code"], 130, "{doc}");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("nothing was submitted"),
        "{doc}"
    );
    assert!(doc["error"]["hint"].is_string(), "{doc}");
    assert!(posts(&world.sandbox).is_empty());
}

#[test]
fn sigkill_during_wait_then_wait_reattaches_with_the_jobs_outcome() {
    let world = World::new();
    let (flag, script) = held_job(world.home.path(), 0);
    let run = Running::spawn(&world, &["run", "shell", "--", "sh", "-c", &script]);
    let id = wait_for_running_job(&world, "alpha");
    run.signal("KILL");
    let (status, _, _) = run.finish(Duration::from_secs(30));
    assert_eq!(status, -1, "killed by a signal");
    std::fs::write(&flag, b"").unwrap();
    let out = world.run(&["wait", &id, "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["status"], "SUCCEEDED");
}

#[test]
fn wait_without_a_record_while_oozie_is_down_exits_4_then_finds_the_job() {
    let world = World::new();
    world.configure(&settings("", "timeout = \"300ms\"", ""));
    let out = world.run(&[
        "run", "shell", "--detach", "--output", "json", "--", "sleep", "0.3",
    ]);
    let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
    // No record of the job (another machine submitted it), and the
    // cluster that has it is down: not "no such job" (2), but exit 4.
    std::fs::remove_dir_all(world.home.path().join("data")).unwrap();
    world.sandbox.service_down(Service::Oozie, true);
    let out = world.run(&["wait", &id]);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Oozie at http://127.0.0.1:"),
        "{}",
        text(&out.stderr)
    );
    world.sandbox.service_down(Service::Oozie, false);
    let out = world.run(&["wait", &id, "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["status"], "SUCCEEDED");
}

// ---------------------------------------------------------------- item 5

#[test]
fn a_dropped_upload_restarts_the_file_and_its_length_is_checked_before_submit() {
    let world = World::new();
    // 9 MiB, new: hashed while it uploads, so it goes before the workflow
    // and the drop is its own.
    const LEN: usize = 9 * 1024 * 1024;
    let jar = write_file(world.home.path(), "etl.jar", &vec![9u8; LEN]);
    world.sandbox.drop_datanode_upload(1);
    let out = world.run(&[
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "X",
        "--output",
        "json",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let all = world.sandbox.all_requests();
    let puts: Vec<usize> = (0..all.len())
        .filter(|&i| {
            all[i].service == Service::DataNode
                && all[i].method == "PUT"
                && all[i].path.contains("etl.jar")
        })
        .collect();
    assert_eq!(puts.len(), 2, "one drop, one full retry");
    assert!(all[puts[0]].bytes_in < LEN as u64);
    assert_eq!(all[puts[1]].bytes_in, LEN as u64, "retried from the start");
    // The jar's final path is checked with GETFILESTATUS after the upload
    // and before the submit POST.
    let post = all
        .iter()
        .position(|r| r.service == Service::Oozie && r.method == "POST")
        .unwrap();
    let checked = (puts[1]..post).any(|i| {
        all[i].service == Service::NameNode
            && op(&all[i]) == "GETFILESTATUS"
            && all[i].path.ends_with("/etl.jar")
    });
    assert!(checked, "{all:#?}");
}

#[test]
fn a_truncated_staged_jar_is_uploaded_again_never_run() {
    let world = World::new();
    let jar = write_file(world.home.path(), "app.jar", &vec![5u8; 200_000]);
    let args = [
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "X",
        "--output",
        "json",
    ];
    let out = world.run(&args);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // Truncate the cached copy behind hjob's back.
    let cache = world
        .sandbox
        .dir()
        .join("alpha/hdfs/user/alice/.hjob/cache");
    let staged = walk(&cache)
        .into_iter()
        .find(|p| p.ends_with("app.jar"))
        .expect("the cached jar");
    std::fs::write(&staged, vec![5u8; 1000]).unwrap();
    world.sandbox.clear_requests();
    let out = world.run(&args);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(json_doc(&out)["status"], "SUCCEEDED");
    let uploaded: u64 = world
        .sandbox
        .requests(Service::DataNode)
        .iter()
        .filter(|r| r.method == "PUT" && r.path.contains("app.jar"))
        .map(|r| r.bytes_in)
        .sum();
    assert_eq!(uploaded, 200_000, "uploaded again, in full");
    assert_eq!(std::fs::metadata(&staged).unwrap().len(), 200_000);
    // Every upload cut off: exit 4, and no job with a truncated jar.
    let world = World::new();
    world.sandbox.drop_datanode_upload(100);
    let out = world.run(&args);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(posts(&world.sandbox).is_empty());
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

// ---------------------------------------------------------------- item 6

#[test]
fn a_bad_state_service_exits_4_within_the_bound_and_submits_nothing() {
    let world = World::new();
    // The per-try timeout is longer than the bound, and the tries are
    // more than it leaves room for: the bound must win.
    world.configure(&settings(
        "",
        "timeout = \"5s\"\nstate_deadline = \"1s\"\nretries = 1000",
        "",
    ));
    for fault in ["slow", "down", "503"] {
        match fault {
            "slow" => world
                .sandbox
                .set_latency(Service::State, Duration::from_secs(10)),
            "down" => world.sandbox.service_down(Service::State, true),
            _ => world.sandbox.fail_next(Service::State, 1_000_000),
        }
        let out = world.run(&["run", "shell", "--", "true"]);
        world.sandbox.clear_faults();
        assert_eq!(code(&out), 4, "{fault}: {}", text(&out.stderr));
        // The bound ended it, not the 50 tries or the 5 s per try.
        assert!(
            text(&out.stderr).contains("no answer within state_deadline (1s)"),
            "{fault}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("state service at http://127.0.0.1:"),
            "{fault}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("nothing was submitted"),
            "{fault}: {}",
            text(&out.stderr)
        );
    }
    // Flapping: it answers after two failures; the run goes on.
    world.sandbox.fail_next(Service::State, 2);
    let touched_before: usize = world
        .sandbox
        .all_requests()
        .iter()
        .filter(|r| r.service != Service::State)
        .count();
    assert_eq!(
        touched_before, 0,
        "no cluster was touched while the state was bad"
    );
    let out = world.run(&["run", "shell", "--output", "json", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(world.oozie_jobs("alpha").len(), 1);
}

#[test]
fn the_default_state_bound_holds_when_the_service_is_gone() {
    let world = World::new();
    world.configure("");
    world.sandbox.service_down(Service::State, true);
    let out = world.run(&["run", "shell", "--", "true"]);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("connection failed"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        world
            .sandbox
            .all_requests()
            .iter()
            .all(|r| r.service == Service::State)
    );
}

// ---------------------------------------------------------------- item 7

fn through_sh(world: &World, pipeline: &str) -> Output {
    let hjob = assert_cmd::cargo::cargo_bin!("hjob");
    let script = pipeline.replace("HJOB", &format!("{hjob:?}"));
    Command::new("sh")
        .arg("-c")
        .arg(format!("{script}; echo \"status=$?\" >&2"))
        .envs(
            world
                .hjob()
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .output()
        .unwrap()
}

#[test]
fn closed_pipes_end_quietly_with_the_true_exit_code() {
    let world = World::new();
    for _ in 0..4 {
        world.run(&["run", "shell", "--detach", "--", "true"]);
    }
    for pipeline in [
        "HJOB list --all-users | head -1",
        "HJOB list --all-users --output json | head -c 1",
        "HJOB list --all-users | true",
    ] {
        let out = through_sh(&world, pipeline);
        let err = text(&out.stderr);
        assert!(
            !err.contains("error") && !err.contains("panicked"),
            "{pipeline}: {err}"
        );
    }
    // hjob's own exit status with a closed stdout: the job's, quietly.
    for (command, expected) in [("true", 0), ("exit 1", 1)] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = world
            .hjob()
            .args(["run", "shell", "--", "sh", "-c", command])
            .stdout(writer)
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(code(&out), expected, "{command}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(
            !err.contains("error:") && !err.contains("panicked"),
            "{command}: {err}"
        );
    }
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = world
        .hjob()
        .args(["list", "--all-users"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(code(&out), 0);
    assert_eq!(text(&out.stderr), "");
}
