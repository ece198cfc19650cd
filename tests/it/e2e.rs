//! End to end: the real `hjob` binary against the sandbox (Oozie, WebHDFS,
//! YARN and the state service on loopback): run, detach/wait, kill, list,
//! status, logs, caching of jars, routing between clusters, exit codes.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::{Duration, Instant};

use hjob_sandbox::{ActionOutcome, Sandbox, SandboxOptions, Service};
use serde_json::Value;

/// A sandbox plus a hermetic home for the `hjob` binary.
pub struct World {
    pub sandbox: Sandbox,
    pub home: tempfile::TempDir,
    pub config: PathBuf,
}

impl World {
    /// Starts a sandbox with fast settings and a hermetic config.
    pub fn start(options: SandboxOptions) -> World {
        let sandbox = Sandbox::start_blocking(options).expect("sandbox starts");
        let home = tempfile::tempdir().unwrap();
        let config = home.path().join("hjob.toml");
        std::fs::write(
            &config,
            "[http]\ntimeout = \"5s\"\nbackoff_initial = \"10ms\"\nbackoff_max = \"50ms\"\nstate_deadline = \"3s\"\n\
             [wait]\npoll_initial = \"20ms\"\npoll_max = \"100ms\"\noutage_limit = \"10s\"\n",
        )
        .unwrap();
        World {
            sandbox,
            home,
            config,
        }
    }

    /// Starts a sandbox with default options.
    pub fn new() -> World {
        Self::start(
            SandboxOptions::new()
                .action_duration(Duration::from_millis(100))
                .step_delay(Duration::from_millis(5)),
        )
    }

    /// Replaces the hermetic config file (settings for one test).
    pub fn configure(&self, toml: &str) {
        std::fs::write(&self.config, toml).unwrap();
    }

    /// A hermetic `hjob` command pointed at this sandbox.
    pub fn hjob(&self) -> std::process::Command {
        let mut cmd = crate::hermetic::hjob_in(
            assert_cmd::cargo::cargo_bin!("hjob"),
            self.home.path(),
            "alice",
        );
        cmd.env("HJOB_CONFIG", &self.config)
            .env("HJOB_STATE_URL", self.sandbox.state_url())
            .env("HJOB_ADMIN_TOKEN", self.sandbox.admin_token());
        cmd
    }

    /// Runs `hjob ARGS` to completion.
    pub fn run(&self, args: &[&str]) -> Output {
        self.hjob().args(args).output().expect("hjob runs")
    }

    /// Jobs known to the cluster's Oozie (all users), via its REST list.
    pub fn oozie_jobs(&self, cluster: &str) -> Vec<Value> {
        let out = self.run(&[
            "list",
            "--all-users",
            "--limit",
            "500",
            "--cluster",
            cluster,
            "--output",
            "json",
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["jobs"].as_array().cloned().unwrap_or_default()
    }
}

/// Output as text.
/// HTTP settings for a test's own clients (WebHDFS, Oozie) against the
/// sandbox: a few quick retries.
pub fn client_settings() -> hjob::config::HttpSettings {
    hjob::config::HttpSettings {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        retries: 3,
        backoff_initial: Duration::from_millis(10),
        backoff_max: Duration::from_millis(50),
        state_deadline: Duration::from_secs(5),
        submit_outage_limit: Duration::from_secs(5),
        ca_bundle: None,
    }
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The one JSON document on stdout.
pub fn json_doc(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}\nstderr:\n{}",
            text(&out.stdout),
            text(&out.stderr)
        )
    })
}

/// Writes a file into a temp dir.
pub fn write_file(dir: &Path, name: &str, content: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

#[test]
fn a_shell_job_runs_end_to_end_with_a_working_log_link() {
    let world = World::new();
    let out = world.run(&[
        "run",
        "shell",
        "--output",
        "json",
        "--",
        "echo",
        "hello from ${HOME} #1 \\o/",
    ]);
    assert_eq!(code(&out), 0, "stderr:\n{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["status"], "SUCCEEDED");
    assert_eq!(doc["cluster"], "alpha");
    assert_eq!(doc["exit_code"], 0);
    let id = doc["id"].as_str().unwrap();
    assert!(id.ends_with("-W"), "{id}");
    let log_url = doc["log_urls"][0].as_str().expect("a log link");
    // The link works: the tracking page serves the real output.
    let page = fetch(log_url);
    assert!(page.contains("hello from ${HOME} #1 \\o/"), "{page}");
    // `hjob logs` shows the launcher's stdout exactly as typed.
    let logs = world.run(&["logs", id]);
    assert_eq!(code(&logs), 0, "{}", text(&logs.stderr));
    assert!(
        text(&logs.stdout).contains("hello from ${HOME} #1 \\o/"),
        "{}",
        text(&logs.stdout)
    );
}

#[test]
fn human_output_names_the_job_status_and_links() {
    let world = World::new();
    let out = world.run(&["run", "shell", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("SUCCEEDED"), "{stdout}");
    assert!(stdout.contains("logs:  http://"), "{stdout}");
    assert!(stdout.contains("oozie: http://"), "{stdout}");
}

#[test]
fn a_failing_shell_action_is_reported_failed_with_cause_and_link() {
    let world = World::new();
    let out = world.run(&[
        "run",
        "shell",
        "--output",
        "json",
        "--",
        "sh",
        "-c",
        "echo oops >&2; exit 3",
    ]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["status"], "FAILED");
    assert_eq!(doc["oozie_status"], "KILLED");
    let error = doc["error"]["message"].as_str().unwrap();
    // As the real Oozie 5.2.1 reports any non-zero shell exit.
    assert!(error.contains("exit code [1]"), "{error}");
    assert!(doc["log_urls"][0].as_str().unwrap().starts_with("http://"));
}

#[test]
fn detach_then_wait_reattaches_with_the_jobs_exit_code() {
    let world = World::new();
    let out = world.run(&[
        "run", "shell", "--detach", "--output", "json", "--", "sleep", "0.3",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    let id = doc["id"].as_str().unwrap().to_owned();
    assert_eq!(doc["status"], "SUBMITTED");
    let waited = world.run(&["wait", &id, "--output", "json"]);
    assert_eq!(code(&waited), 0, "{}", text(&waited.stderr));
    assert_eq!(json_doc(&waited)["status"], "SUCCEEDED");
    let status = world.run(&["status", &id, "--output", "json"]);
    assert_eq!(json_doc(&status)["status"], "SUCCEEDED");
    // list shows it
    let list = world.run(&["list", "--output", "json"]);
    let listed = json_doc(&list);
    assert!(
        listed["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["id"] == id.as_str()),
        "{listed}"
    );
}

#[test]
fn a_job_killed_from_another_process_ends_killed_with_exit_1() {
    let world = World::new();
    let child = world
        .hjob()
        .args(["run", "shell", "--output", "json", "--", "sleep", "30"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let id = wait_for_running_job(&world, "alpha");
    let kill = world.run(&["kill", &id, "--yes"]);
    assert_eq!(code(&kill), 0, "{}", text(&kill.stderr));
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["status"], "KILLED");
    // A second kill is a no-op on a finished job.
    let again = world.run(&["kill", &id, "--yes", "--output", "json"]);
    assert_eq!(code(&again), 0);
    assert_eq!(json_doc(&again)["killed"], false);
}

#[test]
fn kill_without_a_terminal_needs_yes() {
    let world = World::new();
    let out = world.run(&[
        "run", "shell", "--detach", "--output", "json", "--", "sleep", "5",
    ]);
    let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
    let kill = world.run(&["kill", &id]);
    assert_eq!(code(&kill), 2);
    assert!(text(&kill.stderr).contains("--yes"));
    assert_eq!(code(&world.run(&["kill", &id, "--yes"])), 0);
}

#[test]
fn a_second_run_with_the_same_jar_uploads_no_jar_bytes() {
    let world = World::new();
    let jar = write_file(world.home.path(), "etl.jar", &vec![7u8; 300_000]);
    let jar = jar.to_str().unwrap();
    let args = [
        "run",
        "java",
        "--jar",
        jar,
        "--main-class",
        "com.example.Etl",
        "--output",
        "json",
        "--",
        "in",
        "out",
    ];
    let first = world.run(&args);
    assert_eq!(code(&first), 0, "{}", text(&first.stderr));
    let uploaded = |world: &World| -> u64 {
        world
            .sandbox
            .requests(Service::DataNode)
            .iter()
            .filter(|r| r.method == "PUT" && r.path.contains("etl.jar"))
            .map(|r| r.bytes_in)
            .sum()
    };
    assert_eq!(uploaded(&world), 300_000);
    world.sandbox.clear_requests();
    let second = world.run(&args);
    assert_eq!(code(&second), 0, "{}", text(&second.stderr));
    assert_eq!(uploaded(&world), 0, "the cached jar was uploaded again");
}

#[test]
fn simulated_java_failure_exits_1_and_names_the_main_class() {
    let world = World::start(
        SandboxOptions::new()
            .action_duration(Duration::from_millis(50))
            .step_delay(Duration::from_millis(5))
            .action_outcome(ActionOutcome::Fail { exit_code: 2 }),
    );
    let jar = write_file(world.home.path(), "x.jar", b"PK\x03\x04 not really a jar");
    let out = world.run(&[
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "com.example.Main",
        "--output",
        "json",
    ]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["status"], "FAILED");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("exit code [2]"),
        "{doc}"
    );
}

#[test]
fn timeout_leaves_the_job_running_and_exits_5() {
    let world = World::new();
    let out = world.run(&[
        "run",
        "shell",
        "--timeout",
        "300ms",
        "--output",
        "json",
        "--",
        "sleep",
        "5",
    ]);
    assert_eq!(code(&out), 5, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    let id = doc["id"].as_str().unwrap();
    assert!(text(&out.stderr).contains(&format!("hjob wait {id}")));
    let status = world.run(&["status", id, "--output", "json"]);
    assert_eq!(json_doc(&status)["status"], "RUNNING");
}

#[test]
fn routing_follows_the_active_cluster_and_status_finds_old_jobs() {
    let world = World::new();
    let first = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
    let first_id = json_doc(&first)["id"].as_str().unwrap().to_owned();
    assert_eq!(json_doc(&first)["cluster"], "alpha");
    let switched = world.run(&["admin", "use", "beta", "--yes"]);
    assert_eq!(code(&switched), 0, "{}", text(&switched.stderr));
    let second = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
    assert_eq!(code(&second), 0, "{}", text(&second.stderr));
    assert_eq!(json_doc(&second)["cluster"], "beta");
    let second_id = json_doc(&second)["id"].as_str().unwrap().to_owned();
    let beta_posts = world
        .sandbox
        .requests(Service::Oozie)
        .iter()
        .filter(|r| r.method == "POST" && r.cluster.as_deref() == Some("beta"))
        .count();
    assert_eq!(beta_posts, 1);
    // The first job is still found on alpha, through the local record...
    let status = world.run(&["wait", &first_id, "--output", "json"]);
    assert_eq!(code(&status), 0, "{}", text(&status.stderr));
    assert_eq!(json_doc(&status)["cluster"], "alpha");
    // ...and without it, by asking every cluster.
    std::fs::remove_dir_all(world.home.path().join("data")).unwrap();
    let status = world.run(&["status", &first_id, "--output", "json"]);
    assert_eq!(code(&status), 0, "{}", text(&status.stderr));
    assert_eq!(json_doc(&status)["cluster"], "alpha");
    let status = world.run(&["wait", &second_id, "--output", "json"]);
    assert_eq!(json_doc(&status)["cluster"], "beta");
}

#[test]
fn the_kill_switch_holds_against_the_sandbox() {
    let world = World::new();
    let off = world.run(&[
        "admin",
        "disable",
        "--message",
        "NameNode upgrade",
        "--until",
        "2h",
        "--yes",
    ]);
    assert_eq!(code(&off), 0, "{}", text(&off.stderr));
    world.sandbox.clear_requests();
    let out = world.run(&["run", "shell", "--output", "json", "--", "echo", "hi"]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("NameNode upgrade"));
    let doc = json_doc(&out);
    assert_eq!(doc["error"]["exit_code"], 3);
    let touched: Vec<_> = world
        .sandbox
        .all_requests()
        .into_iter()
        .filter(|r| r.service != Service::State)
        .collect();
    assert!(
        touched.is_empty(),
        "cluster services were called: {touched:?}"
    );
}

#[test]
fn every_kind_runs_on_the_sandbox_with_both_schemas() {
    let world = World::new();
    let dir = world.home.path();
    let jar = write_file(dir, "app.jar", b"PK\x03\x04 jar");
    let py = write_file(dir, "app.py", b"print('hi')\n");
    let hql = write_file(dir, "q.hql", b"SELECT ${day};\n");
    let sh = write_file(dir, "job.sh", b"#!/bin/sh\necho \"script got $*\"\n");
    let (jar, py, hql, sh) = (
        jar.to_str().unwrap(),
        py.to_str().unwrap(),
        hql.to_str().unwrap(),
        sh.to_str().unwrap(),
    );
    let kinds: Vec<Vec<&str>> = vec![
        vec![
            "scalding",
            "--jar",
            jar,
            "com.example.WordCount",
            "--",
            "--input",
            "in",
        ],
        vec![
            "java",
            "--jar",
            jar,
            "--main-class",
            "com.example.Etl",
            "-D",
            "mapreduce.map.memory.mb=2048",
            "--",
            "a",
        ],
        vec![
            "spark",
            "--jar",
            jar,
            "--class",
            "com.example.App",
            "--spark-opts",
            "--executor-memory 1g",
        ],
        vec!["spark", "--jar", py, "--", "2026-11-22"],
        vec!["hive", "--script", hql, "--param", "day=2026-11-22"],
        vec!["hive", "-e", "SELECT 1"],
        vec!["shell", "--script", sh, "--env", "A=1", "--", "x", "y"],
    ];
    for schema in ["0.5", "1.0"] {
        for kind in &kinds {
            let mut args = vec!["run"];
            args.extend(kind.iter().copied());
            let dash = args.iter().position(|a| *a == "--").unwrap_or(args.len());
            args.splice(dash..dash, ["--schema", schema, "--output", "json"]);
            let out = world.run(&args);
            assert_eq!(code(&out), 0, "{args:?}: {}", text(&out.stderr));
            assert_eq!(json_doc(&out)["status"], "SUCCEEDED", "{args:?}");
        }
    }
    let logs = world.run(&["list", "--output", "json"]);
    assert_eq!(json_doc(&logs)["jobs"].as_array().unwrap().len(), 14);
}

#[test]
fn logs_follow_streams_a_running_job_once_and_exits_with_its_outcome() {
    let world = World::new();
    let out = world.run(&[
        "run",
        "shell",
        "--detach",
        "--output",
        "json",
        "--",
        "sh",
        "-c",
        "echo one; sleep 0.6; echo two; echo oops >&2; exit 3",
    ]);
    let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
    let follow = world.run(&["logs", &id, "--follow"]);
    assert_eq!(code(&follow), 1, "{}", text(&follow.stderr));
    let stdout = text(&follow.stdout);
    assert_eq!(stdout.matches("one\n").count(), 1, "{stdout}");
    assert_eq!(stdout.matches("two\n").count(), 1, "{stdout}");
    let stderr = text(&follow.stderr);
    assert!(
        stderr.contains("oops") && stderr.contains("FAILED"),
        "{stderr}"
    );
    let json = world.run(&["logs", &id, "--follow", "--output", "json"]);
    assert_eq!(code(&json), 2);
}

/// A shell job that runs until the test creates `flag` (at most a
/// minute), then exits with `exit_code`: tests that must see a job RUNNING
/// hold it with an event instead of a `sleep` a loaded machine can outlast.
pub fn held_job(dir: &Path, exit_code: i32) -> (PathBuf, String) {
    let flag = dir.join(format!("release-job-exit-{exit_code}"));
    let script = format!(
        "i=0; while [ ! -e '{}' ]; do i=$((i+1)); [ $i -gt 1200 ] && exit 9; sleep 0.05; done; exit {exit_code}",
        flag.display()
    );
    (flag, script)
}

/// Polls Oozie until a RUNNING job appears on `cluster`; returns its id.
pub fn wait_for_running_job(world: &World, cluster: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let jobs = world.oozie_jobs(cluster);
        if let Some(job) = jobs.iter().find(|j| j["oozie_status"] == "RUNNING") {
            return job["id"].as_str().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no running job appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// GETs a URL on loopback with a bare HTTP/1.0 request (no client library).
pub fn fetch(url: &str) -> String {
    use std::io::{Read, Write};
    let parsed = url::Url::parse(url).unwrap();
    let host = parsed.host_str().unwrap();
    assert!(host.starts_with("127."), "not loopback: {url}");
    let mut stream = std::net::TcpStream::connect((host, parsed.port().unwrap_or(80))).unwrap();
    let path = match parsed.query() {
        Some(q) => format!("{}?{q}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.starts_with("HTTP/1.") && response.contains(" 200 "),
        "{response}"
    );
    response
}

/// A run from inside a git checkout records its commit in the job's
/// configuration (`hjob.client.git_commit`), the one `git rev-parse HEAD`
/// names, from a subdirectory too; outside a checkout there is none.
#[test]
fn a_run_records_the_git_commit_it_was_started_from() {
    let world = World::new();
    let work = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(work.path())
            .env_remove("GIT_DIR")
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout).trim().to_owned()
    };
    git(&["init", "-q"]);
    git(&["commit", "-q", "--allow-empty", "-m", "first"]);
    let commit = git(&["rev-parse", "HEAD"]);
    let sub = work.path().join("jobs");
    std::fs::create_dir(&sub).unwrap();
    let conf_of = |dir: &Path| {
        let out = world
            .hjob()
            .current_dir(dir)
            .env_remove("GIT_DIR")
            .args(["run", "shell", "--detach", "--output", "json", "--", "true"])
            .output()
            .unwrap();
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
        let oozie = &world.sandbox.cluster("alpha").oozie;
        fetch(&format!("{oozie}/v1/job/{id}?show=info"))
    };
    let conf = conf_of(&sub);
    assert!(conf.contains("hjob.client.git_commit"), "{conf}");
    assert!(conf.contains(&commit), "{commit} not in {conf}");
    let outside = tempfile::tempdir().unwrap();
    let conf = conf_of(outside.path());
    assert!(!conf.contains("hjob.client.git_commit"), "{conf}");
}

/// The quick start's one command: `hjob-sandbox exec -- hjob run shell --
/// echo hello` runs a real job on a sandbox that lives as long as the
/// command, prints its log link, and exits with hjob's exit code; the
/// sandbox's temp dir is gone afterwards. (The binary's own handling of
/// arguments and exit codes is tested in `sandbox/tests/exec.rs`; here the
/// same `exec` drives the real `hjob`.)
#[test]
fn sandbox_exec_runs_a_real_job_and_exits_with_hjobs_code() {
    let home = tempfile::tempdir().unwrap();
    let run = |shell_args: &[&str]| -> (i32, String, String) {
        let stdout = home.path().join("stdout");
        let dir_file = home.path().join("sandbox-dir");
        let mut cmd = std::process::Command::new("sh");
        cmd.arg("-c")
            .arg(r#"printf '%s' "$HJOB_SANDBOX_DIR" > "$0"; exec "$@""#)
            .arg(&dir_file)
            .arg(assert_cmd::cargo::cargo_bin!("hjob"))
            .args(shell_args);
        for (key, _) in std::env::vars() {
            if key.starts_with("HJOB_") || key == "CLICOLOR_FORCE" {
                cmd.env_remove(key);
            }
        }
        cmd.env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("HJOB_SYSTEM_CONFIG", "/nonexistent/hjob/config.toml")
            .env("HJOB_USER", "alice")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::fs::File::create(&stdout).unwrap())
            .stderr(std::process::Stdio::null());
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let status = runtime
            .block_on(hjob_sandbox::exec(
                SandboxOptions::new().step_delay(Duration::from_millis(5)),
                tokio::process::Command::from(cmd),
            ))
            .expect("exec runs the command");
        let dir = std::fs::read_to_string(&dir_file).unwrap();
        (
            i32::from(hjob_sandbox::exit_code(status)),
            std::fs::read_to_string(&stdout).unwrap(),
            dir,
        )
    };

    let (code, out, dir) = run(&["run", "shell", "--", "echo", "hello"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("SUCCEEDED"), "{out}");
    assert!(out.contains("logs:  http://127.0.0.1:"), "{out}");
    assert!(
        !dir.is_empty() && !Path::new(&dir).exists(),
        "{dir} left behind"
    );

    let (code, out, _) = run(&["run", "shell", "--", "sh", "-c", "exit 3"]);
    assert_eq!(code, 1, "a failed job exits 1 through exec: {out}");
    assert!(out.contains("FAILED"), "{out}");
    // The records of the sandbox's jobs went with the sandbox, not into
    // the user's own data dir.
    let data = home.path().join("data");
    assert!(
        !data.join("hjob/jobs").exists(),
        "records left in {}",
        data.display()
    );
}

/// `hjob run shell -- ./smoke.sh` names a file on this machine that the
/// cluster never gets: refused with exit 2 and the `--script` fix, before
/// anything is staged. With `--script` (or `--file` shipping it) it runs.
#[test]
fn a_local_script_as_the_shell_command_is_refused_unless_shipped() {
    let world = World::new();
    let work = tempfile::tempdir().unwrap();
    let script = write_file(
        work.path(),
        "smoke.sh",
        b"#!/bin/sh\necho smoke ok \"$@\"\n",
    );
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    world.sandbox.clear_requests();
    let refused = world
        .hjob()
        .current_dir(work.path())
        .args(["run", "shell", "--", "./smoke.sh", "x"])
        .output()
        .unwrap();
    assert_eq!(code(&refused), 2, "{}", text(&refused.stderr));
    let said = text(&refused.stderr);
    assert!(
        said.contains("`./smoke.sh` is a file on this machine"),
        "{said}"
    );
    assert!(said.contains("--script ./smoke.sh"), "{said}");
    for service in [Service::Oozie, Service::NameNode, Service::DataNode] {
        assert!(
            world.sandbox.requests(service).is_empty(),
            "{service:?} was called"
        );
    }

    // The fix it names works.
    let fixed = world
        .hjob()
        .current_dir(work.path())
        .args([
            "run",
            "shell",
            "--output",
            "json",
            "--script",
            "./smoke.sh",
            "--",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&fixed), 0, "{}", text(&fixed.stderr));
    let logs = world.run(&["logs", json_doc(&fixed)["id"].as_str().unwrap()]);
    assert!(
        text(&logs.stdout).contains("smoke ok x"),
        "{}",
        text(&logs.stdout)
    );

    // Shipping it with --file makes ./smoke.sh exist on the node.
    let shipped = world
        .hjob()
        .current_dir(work.path())
        .args([
            "run",
            "shell",
            "--file",
            "smoke.sh",
            "--",
            "./smoke.sh",
            "y",
        ])
        .output()
        .unwrap();
    assert_eq!(code(&shipped), 0, "{}", text(&shipped.stderr));

    // A relative path that is not a local file is the user's business.
    let other = world
        .hjob()
        .current_dir(work.path())
        .args(["run", "shell", "--dry-run", "--", "bin/tool"])
        .output()
        .unwrap();
    assert_eq!(code(&other), 0, "{}", text(&other.stderr));
}

/// `list` decides each job's ending with the same rule as `run`, `wait`,
/// `status` and `kill`: a failed action that reached the kill node is
/// FAILED (Oozie says KILLED), a killed job KILLED; `--status` filters on
/// that ending, in both outputs.
#[test]
fn list_reports_and_filters_on_the_same_ending_as_run() {
    let world = World::new();
    let failed = world.run(&[
        "run", "shell", "--output", "json", "--", "sh", "-c", "exit 4",
    ]);
    assert_eq!(code(&failed), 1, "{}", text(&failed.stderr));
    let failed_id = json_doc(&failed)["id"].as_str().unwrap().to_owned();
    assert_eq!(json_doc(&failed)["oozie_status"], "KILLED");
    let ok = world.run(&["run", "shell", "--output", "json", "--", "true"]);
    let ok_id = json_doc(&ok)["id"].as_str().unwrap().to_owned();
    let detached = world.run(&[
        "run", "shell", "--detach", "--output", "json", "--", "sleep", "30",
    ]);
    let killed_id = json_doc(&detached)["id"].as_str().unwrap().to_owned();
    let kill = world.run(&["kill", &killed_id, "--yes", "--output", "json"]);
    assert_eq!(
        json_doc(&kill)["status"],
        "KILLED",
        "{}",
        text(&kill.stdout)
    );

    let ids = |args: &[&str]| -> Vec<(String, String)> {
        let mut all = vec!["list", "--output", "json"];
        all.extend_from_slice(args);
        let out = world.run(&all);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        json_doc(&out)["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| {
                (
                    j["id"].as_str().unwrap().to_owned(),
                    j["status"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let mut everything = ids(&[]);
    everything.sort();
    let mut expected = vec![
        (failed_id.clone(), "FAILED".to_owned()),
        (ok_id.clone(), "SUCCEEDED".to_owned()),
        (killed_id.clone(), "KILLED".to_owned()),
    ];
    expected.sort();
    assert_eq!(everything, expected);
    assert_eq!(
        ids(&["--status", "FAILED"]),
        vec![(failed_id.clone(), "FAILED".to_owned())]
    );
    assert_eq!(
        ids(&["--status", "killed"]),
        vec![(killed_id.clone(), "KILLED".to_owned())]
    );
    // --limit counts the jobs shown, after the filter.
    assert_eq!(ids(&["--status", "FAILED", "--limit", "1"]).len(), 1);

    // The table says the same.
    let table = world.run(&["list", "--status", "FAILED"]);
    let table = text(&table.stdout);
    assert_eq!(table.lines().count(), 1, "{table}");
    assert!(
        table.starts_with(&failed_id) && table.contains("\tFAILED\t"),
        "{table}"
    );
}

/// `list --name` finds a job whose name Oozie's filter cannot carry: Oozie
/// splits `filter` on `;` and then `=` (a name holding them is E0420, or
/// silently other names), so hjob leaves the name out of the filter and
/// matches it exactly over the pages, while the user term still goes to
/// Oozie. Jobs of other names, or of other users, are not listed.
#[test]
fn list_by_name_finds_a_name_oozies_filter_cannot_carry() {
    let world = World::new();
    let odd = "nightly;name=x";
    let detach = |user: &str, name: &str| -> String {
        let out = world.run(&[
            "--user", user, "run", "shell", "--detach", "--output", "json", "--name", name, "--",
            "true",
        ]);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        json_doc(&out)["id"].as_str().unwrap().to_owned()
    };
    // Oldest first: listed newest first, a page of one holds the others
    // before the match.
    let wanted = detach("alice", odd);
    let plain = detach("alice", "nightly");
    let bobs = detach("bob", odd);
    // Split on `;` and `=`, this one is not a pair: E0420 if sent.
    let refused = "report=daily;v2";
    let report = detach("alice", refused);
    let list = |args: &[&str]| -> Value {
        let mut all = vec!["list", "--output", "json"];
        all.extend_from_slice(args);
        let out = world.run(&all);
        assert_eq!(code(&out), 0, "{}", text(&out.stderr));
        json_doc(&out)
    };
    let ids = |doc: &Value| -> Vec<String> {
        let mut ids: Vec<String> = doc["jobs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|j| j["id"].as_str().unwrap().to_owned())
            .collect();
        ids.sort();
        ids
    };
    let mine = list(&["--name", odd]);
    assert_eq!(ids(&mine), [wanted.as_str()]);
    assert_eq!(mine["jobs"][0]["name"], odd, "{mine}");
    // Oozie counted every job of alice's, not the matches: no total.
    assert!(mine["total"].is_null(), "{mine}");
    assert_eq!(
        ids(&list(&["--name", odd, "--limit", "1"])),
        [wanted.as_str()]
    );
    let mut everyones = vec![wanted.clone(), bobs];
    everyones.sort();
    assert_eq!(ids(&list(&["--name", odd, "--all-users"])), everyones);
    assert_eq!(ids(&list(&["--name", refused])), [report]);
    // A name the filter can carry is still asked of Oozie, with its count.
    let plain_list = list(&["--name", "nightly"]);
    assert_eq!(ids(&plain_list), [plain]);
    assert_eq!(plain_list["total"], 1, "{plain_list}");
}

#[test]
fn do_as_runs_the_job_as_the_user_acted_for() {
    let world = World::new();
    let out = world.run(&[
        "--user", "svc", "--do-as", "bob", "run", "shell", "--output", "json", "--", "echo", "hi",
    ]);
    assert_eq!(code(&out), 0, "stderr:\n{}", text(&out.stderr));
    let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
    // The requests said who asked and for whom, and the job is bob's.
    let submit = world
        .sandbox
        .requests(Service::Oozie)
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a submit");
    let query = submit.query.unwrap_or_default();
    assert!(
        query.contains("user.name=svc") && query.contains("doAs=bob"),
        "{query}"
    );
    let staged = world.sandbox.requests(Service::NameNode);
    assert!(
        staged.iter().all(|r| r
            .query
            .as_deref()
            .is_some_and(|q| q.contains("user.name=svc") && q.contains("doas=bob"))),
        "{staged:?}"
    );
    let status = world.run(&[
        "--user", "svc", "--do-as", "bob", "status", &id, "--output", "json",
    ]);
    assert_eq!(code(&status), 0, "{}", text(&status.stderr));
    let doc = json_doc(&status);
    assert_eq!(doc["user"], "bob", "{doc}");
    // Staged under bob's home, as bob.
    let webhdfs = world.sandbox.cluster("alpha").webhdfs_url();
    let answer = fetch(&format!(
        "{webhdfs}/user/bob/.hjob?op=GETFILESTATUS&user.name=bob"
    ));
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    let stat: Value = serde_json::from_str(body).unwrap();
    assert_eq!(stat["FileStatus"]["owner"], "bob", "{stat}");
}
