//! Reliability under faults, with the sandbox's fault hooks: retries that
//! never duplicate a job, Oozie outages during a wait, interrupts and
//! re-attach, cut-off uploads, a flapping state service, and closed pipes.

use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use hjob_sandbox::{Sandbox, Service};

use super::e2e::{World, held_job, json_doc, text, wait_for_running_job, write_file};

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

fn spawn(world: &World, args: &[&str]) -> Child {
    world
        .hjob()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Polls until `condition` holds, for at most `limit`.
fn eventually(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn posts(sandbox: &Sandbox) -> usize {
    sandbox
        .requests(Service::Oozie)
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

#[test]
fn reads_are_retried_on_503_and_never_on_other_4xx() {
    let world = World::new();
    let out = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
    let id = json_doc(&out)["id"].as_str().unwrap().to_owned();
    // Two 503s (safe mode) on the info call: retried, then it works.
    world.sandbox.fail_next(Service::Oozie, 2);
    let out = world.run(&["status", &id, "--output", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // Staging retries too: two 503s from the NameNode.
    world.sandbox.fail_next(Service::NameNode, 2);
    let out = world.run(&["run", "shell", "--output", "json", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    // After the last try: exit 4 naming the service, the URL and the error.
    world.sandbox.fail_next(Service::Oozie, 50);
    let out = world.run(&["status", &id, "--cluster", "alpha"]);
    assert_eq!(code(&out), 4);
    let err = text(&out.stderr);
    assert!(
        err.contains("Oozie at http://127.0.0.1:") && err.contains("E0002"),
        "{err}"
    );
    world.sandbox.clear_faults();
    // A 400 (unknown job) is not retried: one request.
    world.sandbox.clear_requests();
    let out = world.run(&[
        "status",
        "0000099-000000000000000-oozie-oozi-W",
        "--cluster",
        "alpha",
    ]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert_eq!(world.sandbox.requests(Service::Oozie).len(), 1);
}

#[test]
fn a_lost_submit_answer_never_makes_a_second_job() {
    for resets in 1..=3 {
        let world = World::new();
        world.sandbox.reset_after_submit(resets);
        let out = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
        assert_eq!(code(&out), 0, "resets={resets}: {}", text(&out.stderr));
        let doc = json_doc(&out);
        assert_eq!(doc["adopted"], true, "{doc}");
        let jobs = world.oozie_jobs("alpha");
        assert_eq!(jobs.len(), 1, "resets={resets}: {jobs:?}");
        assert_eq!(jobs[0]["id"], doc["id"]);
        assert_eq!(posts(&world.sandbox), 1);
    }
}

/// Oozie's jobs filter cannot carry `;` or `=` (E0420, as the real Oozie
/// 5.2.1 answers on the rig): the lookup must still find the job.
#[test]
fn a_lost_submit_answer_is_adopted_for_names_the_jobs_filter_cannot_carry() {
    for name in ["semi;colon", "eq=ual", "with spaces", "ünï-名前"] {
        let world = World::new();
        world.sandbox.reset_after_submit(1);
        let out = world.run(&[
            "run", "shell", "--detach", "--output", "json", "--name", name, "--", "true",
        ]);
        assert_eq!(code(&out), 0, "{name}: {}", text(&out.stderr));
        let doc = json_doc(&out);
        assert_eq!(doc["adopted"], true, "{name}: {doc}");
        let jobs = world.oozie_jobs("alpha");
        assert_eq!(jobs.len(), 1, "{name}: {jobs:?}");
        assert_eq!(jobs[0]["id"], doc["id"]);
    }
}

#[test]
fn a_refused_submit_is_sent_again_and_makes_one_job() {
    let world = World::new();
    // Safe mode: the server certainly made no job, so the POST is resent.
    world.sandbox.fail_next(Service::Oozie, 1);
    let out = world.run(&["run", "shell", "--detach", "--output", "json", "--", "true"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(world.oozie_jobs("alpha").len(), 1);
}

#[test]
fn an_oozie_outage_during_wait_is_ridden_out() {
    let world = World::new();
    let (flag, script) = held_job(world.home.path(), 0);
    let child = spawn(
        &world,
        &[
            "run", "shell", "--output", "json", "--", "sh", "-c", &script,
        ],
    );
    let id = wait_for_running_job(&world, "alpha");
    world.sandbox.service_down(Service::Oozie, true);
    // The job ends during the outage, which itself is the scenario: keep
    // Oozie away for a while.
    std::fs::write(&flag, b"").unwrap();
    std::thread::sleep(Duration::from_millis(700));
    world.sandbox.service_down(Service::Oozie, false);
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("Oozie unreachable, retrying since"),
        "{}",
        text(&out.stderr)
    );
    let doc = json_doc(&out);
    assert_eq!(doc["id"], id.as_str());
    assert_eq!(doc["status"], "SUCCEEDED");
}

#[test]
fn an_outage_past_the_limit_exits_4_with_the_id_and_a_hint() {
    let world = World::new();
    world.configure("[http]\ntimeout = \"300ms\"\nbackoff_initial = \"10ms\"\nbackoff_max = \"20ms\"\n[wait]\npoll_initial = \"20ms\"\npoll_max = \"50ms\"\noutage_limit = \"400ms\"\n");
    let child = spawn(&world, &["run", "shell", "--", "sleep", "5"]);
    let id = wait_for_running_job(&world, "alpha");
    world.sandbox.service_down(Service::Oozie, true);
    let out = child.wait_with_output().unwrap();
    world.sandbox.service_down(Service::Oozie, false);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(
        err.contains(&id) && err.contains(&format!("hjob wait {id}")),
        "{err}"
    );
}

#[test]
fn ctrl_c_during_wait_leaves_the_job_running_and_says_how_to_reattach() {
    let world = World::new();
    let child = spawn(&world, &["run", "shell", "--", "sleep", "30"]);
    let id = wait_for_running_job(&world, "alpha");
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(&id));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!("hjob wait {id}")) && err.contains(&format!("hjob kill {id}")),
        "{err}"
    );
    let status = world.run(&["status", &id, "--output", "json"]);
    assert_eq!(json_doc(&status)["status"], "RUNNING");
    world.run(&["kill", &id, "--yes"]);
}

#[test]
fn ctrl_c_with_kill_on_interrupt_kills_the_job() {
    let world = World::new();
    let child = spawn(
        &world,
        &["run", "shell", "--kill-on-interrupt", "--", "sleep", "30"],
    );
    let id = wait_for_running_job(&world, "alpha");
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    let status = world.run(&["status", &id, "--output", "json"]);
    assert_eq!(json_doc(&status)["status"], "KILLED");
}

#[test]
fn a_second_ctrl_c_exits_at_once() {
    let world = World::new();
    let child = spawn(
        &world,
        &["run", "shell", "--kill-on-interrupt", "--", "sleep", "30"],
    );
    let id = wait_for_running_job(&world, "alpha");
    // The kill will hang on a slow Oozie; the second Ctrl-C must not wait for it.
    world
        .sandbox
        .set_latency(Service::Oozie, Duration::from_secs(20));
    let kill_in_flight =
        || {
            world.sandbox.requests(Service::Oozie).iter().any(|r| {
                r.method == "PUT" && r.query.as_deref().unwrap_or("").contains("action=kill")
            })
        };
    signal(&child, "INT");
    // The first Ctrl-C was handled: its kill is on its way (an event, not
    // a pause that a loaded machine can outlast).
    eventually(Duration::from_secs(30), "the kill request", kill_in_flight);
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    // "At once": hjob was gone while Oozie still held the kill unanswered.
    let kill = world
        .sandbox
        .requests(Service::Oozie)
        .into_iter()
        .find(|r| r.method == "PUT" && r.query.as_deref().unwrap_or("").contains("action=kill"))
        .unwrap();
    assert_eq!(
        kill.status, 0,
        "hjob waited for the kill's answer: {kill:?}"
    );
    assert!(text(&out.stderr).contains(&id));
    world.sandbox.set_latency(Service::Oozie, Duration::ZERO);
}

#[test]
fn ctrl_c_during_staging_removes_partial_files_and_submits_nothing() {
    let world = World::new();
    world
        .sandbox
        .set_latency(Service::DataNode, Duration::from_secs(20));
    let jar = write_file(world.home.path(), "slow.jar", &vec![1u8; 2_000_000]);
    let child = spawn(
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
    eventually(Duration::from_secs(20), "an upload in flight", || {
        world
            .sandbox
            .requests(Service::DataNode)
            .iter()
            .any(|r| r.method == "PUT" && r.status == 0)
    });
    signal(&child, "INT");
    let out = child.wait_with_output().unwrap();
    world.sandbox.set_latency(Service::DataNode, Duration::ZERO);
    assert_eq!(code(&out), 130, "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("nothing was submitted"));
    assert_eq!(posts(&world.sandbox), 0);
    let hjob_dir = world.sandbox.dir().join("alpha/hdfs/user/alice/.hjob");
    let leftovers: Vec<_> = walk(&hjob_dir)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.contains("slow.jar") || name == "workflow.xml"
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn sigkill_during_wait_then_wait_reattaches_with_the_jobs_outcome() {
    let world = World::new();
    let (flag, script) = held_job(world.home.path(), 7);
    let mut child = spawn(&world, &["run", "shell", "--", "sh", "-c", &script]);
    let id = wait_for_running_job(&world, "alpha");
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::write(&flag, b"").unwrap();
    let out = world.run(&["wait", &id, "--output", "json"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let doc = json_doc(&out);
    assert_eq!(doc["status"], "FAILED");
    assert!(
        doc["error"]["message"]
            .as_str()
            .unwrap()
            .contains("exit code [1]")
    );
}

#[test]
fn a_dropped_upload_is_retried_from_the_start_and_checked() {
    let world = World::new();
    let jar = write_file(world.home.path(), "etl.jar", &vec![9u8; 1_500_000]);
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
    // Its hash known, the jar and the workflow go up side by side, and
    // the drop takes whichever reached the DataNode first: that one went
    // again, whole.
    let puts: Vec<_> = world
        .sandbox
        .requests(Service::DataNode)
        .into_iter()
        .filter(|r| r.method == "PUT")
        .collect();
    assert_eq!(puts.len(), 3, "two files, one of them twice: {puts:?}");
    let jar_puts: Vec<_> = puts.iter().filter(|r| r.path.contains("etl.jar")).collect();
    assert_eq!(jar_puts.last().unwrap().bytes_in, 1_500_000, "{puts:?}");
    let workflow_puts: Vec<_> = puts
        .iter()
        .filter(|r| r.path.ends_with("/workflow.xml"))
        .collect();
    assert_eq!(jar_puts.len() + workflow_puts.len(), 3, "{puts:?}");
    assert!(
        workflow_puts.last().unwrap().bytes_in > 0 && workflow_puts.last().unwrap().status == 201,
        "{puts:?}"
    );
    // Drops on every try: exit 4, and no job runs with a truncated jar.
    let world = World::new();
    world.sandbox.drop_datanode_upload(10);
    let out = world.run(&[
        "run",
        "java",
        "--jar",
        jar.to_str().unwrap(),
        "--main-class",
        "X",
    ]);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert_eq!(posts(&world.sandbox), 0);
}

#[test]
fn a_flapping_or_slow_state_service_exits_4_in_bound_and_submits_nothing() {
    let world = World::new();
    world.configure(
        "[http]\ntimeout = \"300ms\"\nbackoff_initial = \"10ms\"\nstate_deadline = \"1s\"\nretries = 1000\n",
    );
    for fault in ["slow", "down", "503"] {
        match fault {
            "slow" => world
                .sandbox
                .set_latency(Service::State, Duration::from_secs(5)),
            "down" => world.sandbox.service_down(Service::State, true),
            _ => world.sandbox.fail_next(Service::State, 100),
        }
        let out = world.run(&["run", "shell", "--", "true"]);
        assert_eq!(code(&out), 4, "{fault}: {}", text(&out.stderr));
        assert!(
            text(&out.stderr).contains("no answer within state_deadline (1s)"),
            "{fault}: {}",
            text(&out.stderr)
        );
        world.sandbox.clear_faults();
        world.sandbox.set_latency(Service::State, Duration::ZERO);
        world.sandbox.service_down(Service::State, false);
    }
    let touched: Vec<_> = world
        .sandbox
        .all_requests()
        .into_iter()
        .filter(|r| r.service != Service::State)
        .collect();
    assert!(touched.is_empty(), "{touched:?}");
}

#[test]
fn a_closed_stdout_ends_quietly() {
    let world = World::new();
    for _ in 0..3 {
        world.run(&["run", "shell", "--detach", "--", "true"]);
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
    assert_eq!(text(&out.stderr), "", "stderr must stay quiet");
    // And through a real `head -1`.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "{:?} list --all-users | head -1",
            assert_cmd::cargo::cargo_bin!("hjob")
        ))
        .envs(
            world
                .hjob()
                .get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).lines().count(), 1);
    assert!(!text(&out.stderr).contains("panicked") && !text(&out.stderr).contains("error"));
}
