//! `hjob gc` against the sandbox: old finished runs go and recent ones
//! stay; a running job's run dir and cache files stay however old; unused
//! cache files go; partial uploads of dead clients go and live ones stay;
//! `--dry-run` lists exactly what the real run removes. Ages are made
//! with WebHDFS SETTIMES and `Sandbox::backdate_job`, never by waiting.

use std::collections::BTreeMap;
use std::process::Output;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hjob::oozie::OozieClient;
use hjob::webhdfs::WebHdfsClient;
use serde_json::Value;

use crate::e2e::{
    World, client_settings, held_job, json_doc, text, wait_for_running_job, write_file,
};

const DAY: Duration = Duration::from_secs(86_400);
const ROOT: &str = "/user/alice/.hjob";

fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// Direct WebHDFS and Oozie access as alice, to set up and check.
struct Cluster {
    name: String,
    rt: tokio::runtime::Runtime,
    hdfs: WebHdfsClient,
    oozie: OozieClient,
}

impl Cluster {
    fn active(world: &World) -> Cluster {
        let name = world.sandbox.state_document()["active_cluster"]
            .as_str()
            .unwrap()
            .to_owned();
        let urls = world.sandbox.cluster(&name);
        let settings = client_settings();
        Cluster {
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap(),
            hdfs: WebHdfsClient::new(&urls.webhdfs_url(), "alice", &settings, BTreeMap::new())
                .unwrap(),
            oozie: OozieClient::new(&urls.oozie, "alice", &settings).unwrap(),
            name,
        }
    }

    fn exists(&self, path: &str) -> bool {
        self.rt.block_on(self.hdfs.status(path)).unwrap().is_some()
    }

    /// Sets a path's modification and access times to `age` ago.
    fn age(&self, path: &str, age: Duration) {
        let t = ms(SystemTime::now() - age);
        let access = self
            .rt
            .block_on(self.hdfs.status(path))
            .unwrap()
            .is_some_and(|s| s.kind == "FILE")
            .then_some(t);
        self.rt
            .block_on(self.hdfs.set_times(path, Some(t), access))
            .unwrap();
    }

    fn put(&self, path: &str, bytes: &[u8]) {
        self.rt
            .block_on(self.hdfs.create_from_bytes(path, bytes.to_vec(), true))
            .unwrap();
    }

    /// A job's run directory (its app path).
    fn run_dir(&self, id: &str) -> String {
        let job = self.rt.block_on(self.oozie.info(id)).unwrap();
        hjob::staging::hdfs_path(job.app_path.as_deref().unwrap())
    }

    /// The files under `cache/`.
    fn cache_files(&self) -> Vec<String> {
        let mut files = Vec::new();
        let dirs = self
            .rt
            .block_on(self.hdfs.list(&format!("{ROOT}/cache")))
            .unwrap()
            .unwrap_or_default();
        for dir in dirs {
            let path = format!("{ROOT}/cache/{}", dir.path_suffix);
            for file in self.rt.block_on(self.hdfs.list(&path)).unwrap().unwrap() {
                files.push(format!("{path}/{}", file.path_suffix));
            }
        }
        files
    }
}

fn ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64
}

/// Runs a job to completion; returns its id.
fn run_job(world: &World, extra: &[&str], command: &[&str]) -> String {
    let mut args = vec!["run", "shell", "--output", "json"];
    args.extend_from_slice(extra);
    args.push("--");
    args.extend_from_slice(command);
    let out = world.run(&args);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    json_doc(&out)["id"].as_str().unwrap().to_owned()
}

/// `hjob gc ARGS --output json`, checked to exit 0.
fn gc_json(world: &World, args: &[&str]) -> Value {
    let mut all = vec!["gc", "--output", "json"];
    all.extend_from_slice(args);
    let out = world.run(&all);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    json_doc(&out)
}

fn paths(doc: &Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect()
}

fn reason<'a>(doc: &'a Value, key: &str, path: &str) -> &'a str {
    doc[key]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == path)
        .unwrap_or_else(|| panic!("{path} not in {key}: {doc:#}"))["reason"]
        .as_str()
        .unwrap()
}

#[test]
fn old_finished_runs_go_recent_ones_stay_and_dry_run_lists_exactly_what_goes() {
    let world = World::new();
    let cluster = Cluster::active(&world);
    let old = run_job(&world, &[], &["echo", "old"]);
    // The old job ran and ended ten days ago.
    assert!(world.sandbox.backdate_job(&old, 10 * DAY));
    let old_dir = cluster.run_dir(&old);
    cluster.age(&old_dir, 10 * DAY);
    // The recent one started ten days ago too, but ended just now: it
    // ended under 7 days ago, so its run stays.
    let tmp = tempfile::tempdir().unwrap();
    let (flag, script) = held_job(tmp.path(), 0);
    let out = world.run(&[
        "run", "shell", "--detach", "--output", "json", "--", "sh", "-c", &script,
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let recent = json_doc(&out)["id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_running_job(&world, &cluster.name), recent);
    assert!(world.sandbox.backdate_job(&recent, 10 * DAY));
    let recent_dir = cluster.run_dir(&recent);
    cluster.age(&recent_dir, 10 * DAY);
    std::fs::write(&flag, b"").unwrap();
    let waited = world.run(&["wait", &recent, "--output", "json"]);
    assert_eq!(code(&waited), 0, "{}", text(&waited.stderr));
    // Run dirs whose submit never happened: old ones go, young ones stay.
    let orphan_old = format!("{ROOT}/runs/20250101T000000-0badf00d");
    let orphan_young = format!("{ROOT}/runs/20991231T000000-0badf00d");
    for dir in [&orphan_old, &orphan_young] {
        cluster
            .rt
            .block_on(cluster.hdfs.mkdirs(dir, "755"))
            .unwrap();
    }
    cluster.age(&orphan_old, 8 * DAY);
    cluster.age(&orphan_young, 6 * DAY);

    let dry = gc_json(&world, &["--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["cluster"], cluster.name.as_str());
    let mut expected = vec![old_dir.clone(), orphan_old.clone()];
    expected.sort();
    assert_eq!(paths(&dry, "removed"), expected, "{dry:#}");
    assert!(reason(&dry, "removed", &old_dir).contains(&old), "{dry:#}");
    assert!(reason(&dry, "removed", &old_dir).contains("SUCCEEDED 10d ago"));
    assert!(reason(&dry, "removed", &orphan_old).contains("no job"));
    assert!(reason(&dry, "kept", &recent_dir).contains(&recent));
    assert!(reason(&dry, "kept", &orphan_young).contains("staged 6d ago"));
    for dir in [&old_dir, &recent_dir, &orphan_old, &orphan_young] {
        assert!(cluster.exists(dir), "--dry-run removed {dir}");
    }
    // Human dry run says the same, one line per entry.
    let human = world.run(&["gc", "--dry-run"]);
    assert_eq!(code(&human), 0, "{}", text(&human.stderr));
    let lines: Vec<String> = text(&human.stdout).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines.iter().all(|l| l.starts_with("would remove run")),
        "{lines:?}"
    );
    assert!(text(&human.stderr).contains("run without --dry-run"));

    let real = gc_json(&world, &["--cluster", &cluster.name]);
    assert_eq!(real["dry_run"], false);
    assert_eq!(paths(&real, "removed"), paths(&dry, "removed"));
    assert!(real["failed"].as_array().unwrap().is_empty(), "{real:#}");
    assert!(!cluster.exists(&old_dir) && !cluster.exists(&orphan_old));
    assert!(cluster.exists(&recent_dir) && cluster.exists(&orphan_young));
    // A second run finds nothing left to do.
    assert!(paths(&gc_json(&world, &[]), "removed").is_empty());
    // A shorter age takes the recent one too.
    let short = gc_json(&world, &["--runs-days", "0"]);
    assert!(paths(&short, "removed").contains(&recent_dir), "{short:#}");
}

#[test]
fn a_running_jobs_files_stay_however_old_and_unused_cache_files_go() {
    let world = World::new();
    let cluster = Cluster::active(&world);
    let tmp = tempfile::tempdir().unwrap();
    let stale = write_file(tmp.path(), "stale.txt", b"used long ago");
    let fresh = write_file(tmp.path(), "fresh.txt", b"used lately");
    let held = write_file(tmp.path(), "held.txt", b"used by the running job");
    run_job(&world, &["--file", stale.to_str().unwrap()], &["true"]);
    run_job(&world, &["--file", fresh.to_str().unwrap()], &["true"]);
    let (flag, script) = held_job(tmp.path(), 0);
    let out = world.run(&[
        "run",
        "shell",
        "--detach",
        "--output",
        "json",
        "--file",
        held.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let running = json_doc(&out)["id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_running_job(&world, &cluster.name), running);
    let running_dir = cluster.run_dir(&running);
    let files = cluster.cache_files();
    let find = |name: &str| {
        files
            .iter()
            .find(|f| f.ends_with(&format!("/{name}")))
            .unwrap_or_else(|| panic!("{name} not cached: {files:?}"))
            .clone()
    };
    let (stale, fresh, held) = (find("stale.txt"), find("fresh.txt"), find("held.txt"));
    // Everything of the running job looks ancient; so does the stale file.
    assert!(world.sandbox.backdate_job(&running, 90 * DAY));
    cluster.age(&running_dir, 90 * DAY);
    cluster.age(&held, 90 * DAY);
    cluster.age(&stale, 31 * DAY);
    cluster.age(&fresh, 29 * DAY);

    let dry = gc_json(&world, &["--dry-run", "--runs-days", "0"]);
    let real = gc_json(&world, &["--runs-days", "0"]);
    assert_eq!(paths(&real, "removed"), paths(&dry, "removed"));
    let removed = paths(&real, "removed");
    assert!(removed.contains(&stale), "{real:#}");
    assert!(!removed.contains(&fresh) && !removed.contains(&held));
    assert!(!removed.contains(&running_dir), "{real:#}");
    assert!(reason(&real, "kept", &running_dir).contains(&running));
    assert!(reason(&real, "kept", &held).contains(&format!("used by job {running}")));
    assert!(reason(&real, "removed", &stale).contains("unused for 31d"));
    let entry = real["removed"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == stale.as_str())
        .unwrap();
    assert_eq!(entry["kind"], "cache");
    assert_eq!(entry["bytes"], 13);
    assert!(!cluster.exists(&stale));
    // The stale file's cache directory, now empty, went with it.
    assert!(!cluster.exists(stale.rsplit_once('/').unwrap().0));
    assert!(cluster.exists(&fresh) && cluster.exists(&held) && cluster.exists(&running_dir));

    // The job still finishes with its files in place.
    std::fs::write(&flag, b"").unwrap();
    let waited = world.run(&["wait", &running, "--output", "json"]);
    assert_eq!(code(&waited), 0, "{}", text(&waited.stderr));
}

#[test]
fn partial_uploads_of_dead_clients_go_and_live_ones_stay() {
    // Beside a cache path (a file whose hash was known), and in cache/
    // itself (a new file, hashed while it uploads).
    partial_uploads_go_from(&format!("{ROOT}/cache/{}", "ab".repeat(32)));
    partial_uploads_go_from(&format!("{ROOT}/cache"));
}

fn partial_uploads_go_from(dir: &str) {
    let world = World::new();
    let cluster = Cluster::active(&world);
    let host = hjob::staging::host_name();
    let dead_pid = {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    };
    let live_pid = std::process::id();
    let upload = |name: &str, pid: u32, host: &str| {
        format!("{dir}/.{name}.hjob-upload.{pid}.1764633600000000000.{host}")
    };
    let dead = upload("dead.jar", dead_pid, &host);
    let live = upload("live.jar", live_pid, &host);
    let elsewhere_young = upload("young.jar", 1, "elsewhere.example.com");
    let elsewhere_old = upload("old.jar", 1, "elsewhere.example.com");
    for path in [&dead, &live, &elsewhere_young, &elsewhere_old] {
        cluster.put(path, b"half");
    }
    cluster.age(&elsewhere_old, 2 * DAY);

    let dry = gc_json(&world, &["--dry-run"]);
    let real = gc_json(&world, &[]);
    let mut expected = vec![dead.clone(), elsewhere_old.clone()];
    expected.sort();
    assert_eq!(paths(&dry, "removed"), expected, "{dry:#}");
    assert_eq!(paths(&real, "removed"), expected);
    assert!(
        real["removed"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "upload")
    );
    assert_eq!(reason(&real, "kept", &live), "upload in progress");
    assert_eq!(
        reason(&real, "kept", &elsewhere_young),
        "upload in progress"
    );
    assert!(!cluster.exists(&dead) && !cluster.exists(&elsewhere_old));
    assert!(cluster.exists(&live) && cluster.exists(&elsewhere_young));
}

#[test]
fn gc_names_a_wrong_cluster_and_an_unreachable_oozie_with_their_exit_codes() {
    let world = World::new();
    let out = world.run(&["gc", "--cluster", "nope", "--output", "json"]);
    assert_eq!(code(&out), 2, "{}", text(&out.stderr));
    assert!(json_doc(&out)["error"].is_object());
    let out = world.run(&["gc", "--runs-days", "soon"]);
    assert_eq!(code(&out), 2);
    // Without Oozie nothing is known to be unused: nothing is removed.
    let cluster = Cluster::active(&world);
    let orphan = format!("{ROOT}/runs/20250101T000000-0badf00d");
    cluster
        .rt
        .block_on(cluster.hdfs.mkdirs(&orphan, "755"))
        .unwrap();
    cluster.age(&orphan, 30 * DAY);
    world
        .sandbox
        .service_down(hjob_sandbox::Service::Oozie, true);
    let out = world.run(&["gc", "--output", "json"]);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    assert!(cluster.exists(&orphan));
}

#[test]
fn a_file_taken_from_the_cache_counts_as_used_before_its_job_exists() {
    let world = World::new();
    let cluster = Cluster::active(&world);
    let tmp = tempfile::tempdir().unwrap();
    let file = write_file(tmp.path(), "reused.txt", b"again");
    run_job(&world, &["--file", file.to_str().unwrap()], &["true"]);
    let cached = cluster.cache_files().pop().unwrap();
    cluster.age(&cached, 40 * DAY);
    assert!(paths(&gc_json(&world, &["--dry-run"]), "removed").contains(&cached));
    // A run stages (taking the file from the cache) but cannot submit: no
    // job uses the file yet, and Oozie never read it.
    world.configure(
        "[http]\ntimeout = \"5s\"\nbackoff_initial = \"10ms\"\nbackoff_max = \"50ms\"\n\
         state_deadline = \"3s\"\nsubmit_outage_limit = \"100ms\"\n",
    );
    world
        .sandbox
        .service_down(hjob_sandbox::Service::Oozie, true);
    let out = world.run(&[
        "run",
        "shell",
        "--file",
        file.to_str().unwrap(),
        "--",
        "true",
    ]);
    assert_eq!(code(&out), 4, "{}", text(&out.stderr));
    world
        .sandbox
        .service_down(hjob_sandbox::Service::Oozie, false);
    let doc = gc_json(&world, &[]);
    assert!(!paths(&doc, "removed").contains(&cached), "{doc:#}");
    assert!(
        reason(&doc, "kept", &cached).starts_with("used "),
        "{doc:#}"
    );
    assert!(cluster.exists(&cached));
}

#[test]
fn a_running_job_whose_workflow_file_is_gone_still_keeps_its_cache_files() {
    let world = World::new();
    let cluster = Cluster::active(&world);
    let tmp = tempfile::tempdir().unwrap();
    let held = write_file(tmp.path(), "held.txt", b"still needed");
    let (flag, script) = held_job(tmp.path(), 0);
    let out = world.run(&[
        "run",
        "shell",
        "--detach",
        "--output",
        "json",
        "--file",
        held.to_str().unwrap(),
        "--",
        "sh",
        "-c",
        &script,
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let running = json_doc(&out)["id"].as_str().unwrap().to_owned();
    assert_eq!(wait_for_running_job(&world, &cluster.name), running);
    // Someone removed the workflow file: Oozie's definition still names
    // the cache file.
    let workflow = format!("{}/workflow.xml", cluster.run_dir(&running));
    assert!(
        cluster
            .rt
            .block_on(cluster.hdfs.delete(&workflow, false))
            .unwrap()
    );
    let cached = cluster.cache_files().pop().unwrap();
    cluster.age(&cached, 60 * DAY);
    let doc = gc_json(&world, &["--cache-days", "1"]);
    assert!(paths(&doc, "removed").is_empty(), "{doc:#}");
    assert!(reason(&doc, "kept", &cached).contains(&running));
    assert!(cluster.exists(&cached));
    std::fs::write(&flag, b"").unwrap();
    let waited = world.run(&["wait", &running, "--output", "json"]);
    assert_eq!(code(&waited), 0, "{}", text(&waited.stderr));
}

#[test]
fn a_run_the_list_does_not_place_is_found_through_the_local_job_record() {
    let world = World::new();
    let cluster = Cluster::active(&world);
    let job = run_job(&world, &[], &["true"]);
    let dir = cluster.run_dir(&job);
    // Its directory looks ten days older than its job (touched, or a clock
    // far off): Oozie's list does not place the job near it, but this
    // machine's record of the submit names the job, which ended just now.
    cluster.age(&dir, 10 * DAY);
    let doc = gc_json(&world, &[]);
    assert!(paths(&doc, "removed").is_empty(), "{doc:#}");
    assert!(reason(&doc, "kept", &dir).contains(&job), "{doc:#}");
    // Without the record, nothing ties the run to a job.
    std::fs::remove_dir_all(world.home.path().join("data/hjob/jobs")).unwrap();
    let doc = gc_json(&world, &["--dry-run"]);
    assert!(reason(&doc, "removed", &dir).contains("no job"), "{doc:#}");
}
